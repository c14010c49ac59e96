/*
 * Faults of the HTTP client transport: a raw socket server on the test's own
 * loop answers each request with exactly the bytes a scenario writes (a body
 * cut short, an SSE stream dropped mid-event, a 404 for the session, nothing
 * at all, an endless body or event, the wrong content type, 5xx, a broken
 * session id, a hostile HTTP+SSE endpoint). Every call must end with a clear
 * error, nothing may hang, and ASan must find no leak.
 */
#include <sys/queue.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>

#include "mcp/http_client.h"
#include "mcp/json.h"
#include "mcp/peer.h"
#include "tests/harness.h"
#include "tests/mcp/testutil.h"

#define LIMIT	(64 * 1024)	/* the client's max_message in these tests */

/* The raw server */

enum fstate { FC_READ, FC_CLOSE_AFTER, FC_HOLD, FC_ENDLESS };

struct fsrv;

struct fconn {
	LIST_ENTRY(fconn) entry;
	struct fsrv *s;
	struct bufferevent *bev;
	enum fstate state;
	const char *fill;		/* FC_ENDLESS: written again and again */
};

/* One request as it came. */
struct freq {
	char method[16];
	char target[256];
	char *head;			/* the header block */
	char *body;
	size_t len;
	cJSON *json;			/* the body parsed, or NULL */
	struct fconn *conn;
};

typedef void (*fsrv_fn)(struct fsrv *, struct freq *);

struct fsrv {
	struct event_base *base;
	struct evconnlistener *l;
	char url[96];
	char origin[64];
	fsrv_fn fn;
	int posts, gets, deletes;
	int eofs;			/* held connections the client closed */
	size_t sent;			/* bytes of endless bodies written */
	char last_head[2048];		/* the latest request's headers */
	char bodies[8192];		/* every POST body, a line each */
	struct fconn *stream;		/* a held SSE stream to write to */
	LIST_HEAD(, fconn) conns;
};

static void
fconn_free(struct fconn *fc)
{
	if (fc->s->stream == fc)
		fc->s->stream = NULL;
	LIST_REMOVE(fc, entry);
	bufferevent_free(fc->bev);
	free(fc);
}

static bool
freq_has(const struct freq *r, const char *text)
{
	return strcasestr(r->head, text) != NULL;
}

static const char *
freq_method(const struct freq *r)
{
	const cJSON *m = cJSON_GetObjectItem(r->json, "method");

	return cJSON_IsString(m) ? m->valuestring : "";
}

/* Write bytes on the request's connection; then close, hold or go on. */
static void
fsrv_write(struct freq *r, const char *bytes, size_t len, enum fstate then)
{
	bufferevent_write(r->conn->bev, bytes, len);
	r->conn->state = then;
}

/* A whole response with Content-Length, then close. */
static void
fsrv_reply(struct freq *r, int status, const char *ctype, const char *extra,
    const char *body)
{
	char *s = mcp_xprintf("HTTP/1.1 %d X\r\nContent-Type: %s\r\n"
	    "Content-Length: %zu\r\nConnection: close\r\n%s\r\n%s", status,
	    ctype, strlen(body), extra != NULL ? extra : "", body);

	fsrv_write(r, s, strlen(s), FC_CLOSE_AFTER);
	free(s);
}

/* An SSE response head, then events, then hold or close. */
static void
fsrv_sse(struct freq *r, const char *events, enum fstate then)
{
	char *s = mcp_xprintf("HTTP/1.1 200 OK\r\nContent-Type: "
	    "text/event-stream\r\nConnection: close\r\n\r\n%s", events);

	fsrv_write(r, s, strlen(s), then);
	free(s);
}

/* The JSON-RPC result text answering r's request. */
static char *
fsrv_result(const struct freq *r, const char *result)
{
	char *id = cJSON_PrintUnformatted(cJSON_GetObjectItem(r->json, "id"));
	char *s = mcp_xprintf("{\"jsonrpc\":\"2.0\",\"id\":%s,\"result\":%s}",
	    id != NULL ? id : "null", result);

	free(id);
	return s;
}

static void
fsrv_dispatch(struct fconn *fc)
{
	struct evbuffer *in = bufferevent_get_input(fc->bev);
	struct fsrv *s = fc->s;

	while (fc->state == FC_READ) {
		struct evbuffer_ptr end = evbuffer_search(in, "\r\n\r\n", 4, NULL);
		struct freq r;
		size_t hl, cl = 0;
		const char *p;

		if (end.pos < 0)
			return;
		hl = (size_t)end.pos + 4;
		memset(&r, 0, sizeof r);
		r.head = mcp_xcalloc(1, hl + 1);
		evbuffer_copyout(in, r.head, hl);
		if ((p = strcasestr(r.head, "\r\nContent-Length:")) != NULL)
			cl = strtoul(p + 17, NULL, 10);
		if (evbuffer_get_length(in) < hl + cl) {
			free(r.head);
			return;
		}
		evbuffer_drain(in, hl);
		r.body = mcp_xcalloc(1, cl + 1);
		evbuffer_remove(in, r.body, cl);
		r.len = cl;
		r.json = cJSON_Parse(r.body);
		r.conn = fc;
		sscanf(r.head, "%15s %255s", r.method, r.target);
		snprintf(s->last_head, sizeof s->last_head, "%s", r.head);
		if (strcmp(r.method, "POST") == 0) {
			s->posts++;
			if (strlen(s->bodies) + cl + 2 < sizeof s->bodies) {
				strcat(s->bodies, r.body);
				strcat(s->bodies, "\n");
			}
		} else if (strcmp(r.method, "GET") == 0)
			s->gets++;
		else if (strcmp(r.method, "DELETE") == 0)
			s->deletes++;
		s->fn(s, &r);
		cJSON_Delete(r.json);
		free(r.body);
		free(r.head);
	}
}

static void
fconn_read_cb(struct bufferevent *bev, void *arg)
{
	(void)bev;
	fsrv_dispatch(arg);
}

static void
fconn_write_cb(struct bufferevent *bev, void *arg)
{
	struct fconn *fc = arg;
	size_t i;

	if (fc->state == FC_CLOSE_AFTER) {
		fconn_free(fc);
	} else if (fc->state == FC_ENDLESS) {
		for (i = 0; i < 16; i++)
			bufferevent_write(bev, fc->fill, strlen(fc->fill));
		fc->s->sent += 16 * strlen(fc->fill);
	}
}

static void
fconn_event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct fconn *fc = arg;

	(void)bev;
	if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR)) {
		if (fc->state == FC_HOLD || fc->state == FC_ENDLESS)
			fc->s->eofs++;
		fconn_free(fc);
	}
}

static void
fsrv_accept_cb(struct evconnlistener *l, evutil_socket_t fd,
    struct sockaddr *sa, int socklen, void *arg)
{
	struct fsrv *s = arg;
	struct fconn *fc = mcp_xcalloc(1, sizeof *fc);

	(void)l;
	(void)sa;
	(void)socklen;
	fc->s = s;
	fc->bev = bufferevent_socket_new(s->base, fd, BEV_OPT_CLOSE_ON_FREE);
	bufferevent_setcb(fc->bev, fconn_read_cb, fconn_write_cb,
	    fconn_event_cb, fc);
	bufferevent_enable(fc->bev, EV_READ | EV_WRITE);
	LIST_INSERT_HEAD(&s->conns, fc, entry);
}

static void
fsrv_start(struct fsrv *s, struct event_base *base, fsrv_fn fn)
{
	struct sockaddr_in sin;
	socklen_t sl = sizeof sin;

	memset(s, 0, sizeof *s);
	memset(&sin, 0, sizeof sin);
	s->base = base;
	s->fn = fn;
	LIST_INIT(&s->conns);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(0x7f000001);
	s->l = evconnlistener_new_bind(base, fsrv_accept_cb, s,
	    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE, 16,
	    (struct sockaddr *)&sin, sizeof sin);
	if (s->l == NULL)
		abort();
	getsockname(evconnlistener_get_fd(s->l), (struct sockaddr *)&sin, &sl);
	snprintf(s->origin, sizeof s->origin, "http://127.0.0.1:%d",
	    ntohs(sin.sin_port));
	snprintf(s->url, sizeof s->url, "%s/mcp", s->origin);
}

static void
fsrv_free(struct fsrv *s)
{
	while (!LIST_EMPTY(&s->conns))
		fconn_free(LIST_FIRST(&s->conns));
	evconnlistener_free(s->l);
}

/* The client */

struct env {
	struct event_base *base;
	struct fsrv srv;
	struct mcp_log clog;
	struct testutil_log cl;
	struct mcp_peer *peer;
	struct testutil_closed closed;
	int notes;
	char last_note[64];
};

static void
on_request(void *arg, struct mcp_request *req)
{
	(void)arg;
	mcp_request_fail(req, MCP_METHOD_NOT_FOUND, NULL, NULL);
}

static void
on_note(void *arg, const char *method, const cJSON *params)
{
	struct env *e = arg;

	(void)params;
	e->notes++;
	snprintf(e->last_note, sizeof e->last_note, "%s", method);
}

static void
env_init(struct env *e, fsrv_fn fn, const struct mcp_http_client_opts *o,
    int timeout_ms)
{
	struct mcp_http_client_opts ho = { 0 };
	struct mcp_peer_opts po = { timeout_ms, 0, 0, NULL };
	struct mcp_err err = { 0, "" };
	struct mcp_transport *t;

	memset(e, 0, sizeof *e);
	e->base = event_base_new();
	e->clog.fn = testutil_log_fn;
	e->clog.arg = &e->cl;
	e->clog.level = MCP_LOG_DEBUG;
	fsrv_start(&e->srv, e->base, fn);
	if (o != NULL)
		ho = *o;
	ho.log = &e->clog;
	if (ho.max_message == 0)
		ho.max_message = LIMIT;
	t = mcp_http_client_new(e->base, e->srv.url, &ho, &err);
	if (t == NULL)
		abort();
	po.log = &e->clog;
	e->peer = mcp_peer_new(e->base, t, &po);
	mcp_peer_set_handlers(e->peer, on_request, on_note, e);
	mcp_peer_set_closed_cb(e->peer, testutil_on_closed, &e->closed);
}

static void
env_free(struct env *e)
{
	mcp_peer_free(e->peer);
	fsrv_free(&e->srv);
	testutil_spin(e->base, 10);
	event_base_free(e->base);
}

struct resp {
	bool done;
	int code;
	char msg[512];
	char text[128];
};

static void
resp_cb(void *arg, const struct mcp_response *r)
{
	struct resp *rs = arg;
	const char *t = testutil_json_str(r->result, "content[0].text");

	rs->done = true;
	rs->code = r->code;
	snprintf(rs->msg, sizeof rs->msg, "%s", r->message ? r->message : "");
	snprintf(rs->text, sizeof rs->text, "%s", t != NULL ? t : "");
}

static bool
resp_done(void *arg)
{
	return ((struct resp *)arg)->done;
}

static int64_t
start(struct env *e, const char *method, struct resp *rs)
{
	memset(rs, 0, sizeof *rs);
	return mcp_peer_request(e->peer, method, mcp_json_parse_const(
	    "{\"name\":\"x\"}"), NULL, resp_cb, rs);
}

/* Send a request and wait (at most 5 s) for its one outcome. */
static void
call(struct env *e, const char *method, struct resp *rs)
{
	CHECK(start(e, method, rs) > 0);
	testutil_loop_until(e->base, resp_done, rs, 5000);
	CHECK(rs->done);
}

static bool
closed_done(void *arg)
{
	return ((struct testutil_closed *)arg)->calls > 0;
}

static const char answer[] = "{\"content\":[{\"type\":\"text\",\"text\":\"ok\"}]}";

/* A JSON answer, SSE answer or 202 for whatever comes. */
static void
answer_json(struct freq *r)
{
	char *res;

	if (r->json == NULL || cJSON_GetObjectItem(r->json, "id") == NULL) {
		fsrv_reply(r, 202, "text/plain", NULL, "");
		return;
	}
	res = fsrv_result(r, answer);
	fsrv_reply(r, 200, "application/json", NULL, res);
	free(res);
}

/* Dropped mid-stream */

static int drop_n;

static void
srv_drop_json(struct fsrv *s, struct freq *r)
{
	static const char cut[] = "HTTP/1.1 200 OK\r\nContent-Type: "
	    "application/json\r\nContent-Length: 200\r\nConnection: close\r\n"
	    "\r\n{\"jsonrpc\":\"2.0\",\"id\":1,";

	(void)s;
	if (drop_n++ > 0) {
		answer_json(r);
		return;
	}
	fsrv_write(r, cut, sizeof cut - 1, FC_CLOSE_AFTER);
}

static void
test_drop_mid_json(void)
{
	struct env e;
	struct resp rs;

	drop_n = 0;
	env_init(&e, srv_drop_json, NULL, 3000);
	call(&e, "tools/call", &rs);
	CHECK_EQ_INT(rs.code, MCP_CONNECTION_CLOSED);
	CHECK_CONTAINS(rs.msg, "POST http://127.0.0.1:");
	CHECK_CONTAINS(rs.msg, "bytes remaining");
	/* The transport lives on: the next call goes through. */
	call(&e, "tools/call", &rs);
	CHECK_EQ_INT(rs.code, 0);
	CHECK_STR(rs.text, "ok");
	CHECK_EQ_INT(e.closed.calls, 0);
	env_free(&e);
}

static void
srv_drop_sse(struct fsrv *s, struct freq *r)
{
	(void)s;
	if (strcmp(r->method, "POST") != 0) {
		fsrv_reply(r, 405, "text/plain", NULL, "no");
		return;
	}
	fsrv_sse(r, "data: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/x\"}\n"
	    "\ndata: {\"jsonrpc\":\"2.0\",", FC_CLOSE_AFTER);
}

static void
test_drop_mid_sse(void)
{
	struct env e;
	struct resp rs;

	env_init(&e, srv_drop_sse, NULL, 3000);
	call(&e, "tools/call", &rs);
	CHECK_EQ_INT(rs.code, MCP_CONNECTION_CLOSED);
	CHECK_CONTAINS(rs.msg, "before its response, with no event id to "
	    "resume from");
	CHECK_EQ_INT(e.srv.gets, 0);
	env_free(&e);
}

/* An event id, but the server offers no GET to resume with. */
static void
srv_drop_sse_id(struct fsrv *s, struct freq *r)
{
	(void)s;
	if (strcmp(r->method, "POST") != 0) {
		fsrv_reply(r, 405, "text/plain", NULL, "no");
		return;
	}
	fsrv_sse(r, "retry: 10\nid: 7\ndata: {\"jsonrpc\":\"2.0\",\"method\":"
	    "\"notifications/x\"}\n\n", FC_CLOSE_AFTER);
}

static void
test_drop_sse_no_get(void)
{
	struct env e;
	struct resp rs;

	env_init(&e, srv_drop_sse_id, NULL, 3000);
	call(&e, "tools/call", &rs);
	CHECK_EQ_INT(rs.code, MCP_CONNECTION_CLOSED);
	CHECK_CONTAINS(rs.msg, "cannot be resumed: the server offers no GET "
	    "stream (405)");
	CHECK_EQ_INT(e.srv.gets, 1);
	CHECK_CONTAINS(e.srv.last_head, "Last-Event-ID: 7");
	env_free(&e);
}

/* Every resumption ends at once, with nothing new. */
static void
srv_resume_empty(struct fsrv *s, struct freq *r)
{
	if (strcmp(r->method, "GET") == 0) {
		fsrv_sse(r, ": nothing\n\n", FC_CLOSE_AFTER);
		return;
	}
	srv_drop_sse_id(s, r);
}

static void
test_resume_gives_up(void)
{
	struct mcp_http_client_opts o = { .max_reconnects = 3 };
	struct env e;
	struct resp rs;

	env_init(&e, srv_resume_empty, &o, 5000);
	call(&e, "tools/call", &rs);
	CHECK_EQ_INT(rs.code, MCP_CONNECTION_CLOSED);
	CHECK_CONTAINS(rs.msg, "could not be resumed after 3 attempts");
	/* One resumption after the event, then three without progress. */
	CHECK_EQ_INT(e.srv.gets, 4);
	CHECK_EQ_INT(e.closed.calls, 0);
	env_free(&e);
}

/* The session's GET stream drops after an event: reopened from there. */

static bool get_resumed_from_g1;

static void
srv_get_drop(struct fsrv *s, struct freq *r)
{
	char *res;

	if (strcmp(r->method, "GET") == 0) {
		if (s->gets == 1) {
			fsrv_sse(r, "retry: 10\nid: g1\ndata: {\"jsonrpc\":\"2.0\","
			    "\"method\":\"notifications/one\"}\n\n", FC_CLOSE_AFTER);
			return;
		}
		get_resumed_from_g1 = freq_has(r, "\r\nLast-Event-ID: g1\r\n");
		fsrv_sse(r, "id: g2\ndata: {\"jsonrpc\":\"2.0\",\"method\":"
		    "\"notifications/two\"}\n\n", FC_HOLD);
	} else if (strcmp(r->method, "DELETE") == 0) {
		fsrv_reply(r, 200, "text/plain", NULL, "");
	} else if (strcmp(freq_method(r), "initialize") == 0) {
		res = fsrv_result(r, "{\"protocolVersion\":\"2025-11-25\","
		    "\"capabilities\":{},\"serverInfo\":{\"name\":\"f\","
		    "\"version\":\"1\"}}");
		fsrv_reply(r, 200, "application/json", "Mcp-Session-Id: g\r\n",
		    res);
		free(res);
	} else
		answer_json(r);
}

static void
test_get_stream_resumed(void)
{
	struct env e;
	struct resp rs;

	get_resumed_from_g1 = false;
	env_init(&e, srv_get_drop, NULL, 3000);
	call(&e, "initialize", &rs);
	CHECK_EQ_INT(rs.code, 0);
	mcp_peer_notify(e.peer, "notifications/initialized", NULL);
	CHECK(testutil_wait_count(e.base, &e.notes, 2, 3000));
	CHECK_STR(e.last_note, "notifications/two");
	CHECK_EQ_INT(e.srv.gets, 2);
	CHECK(get_resumed_from_g1);
	/* Closing lets the held stream go and ends the session. */
	mcp_peer_close(e.peer);
	testutil_loop_until(e.base, closed_done, &e.closed, 3000);
	CHECK(e.closed.null_reason);
	CHECK_EQ_INT(e.srv.deletes, 1);
	CHECK_CONTAINS(e.srv.last_head, "Mcp-Session-Id: g");
	CHECK(testutil_wait_count(e.base, &e.srv.eofs, 1, 2000));
	env_free(&e);
}

/* The session is gone */

static void
srv_session_404(struct fsrv *s, struct freq *r)
{
	char *res;

	(void)s;
	if (strcmp(freq_method(r), "initialize") == 0) {
		res = fsrv_result(r, "{\"protocolVersion\":\"2025-06-18\","
		    "\"capabilities\":{},\"serverInfo\":{\"name\":\"f\","
		    "\"version\":\"1\"}}");
		fsrv_reply(r, 200, "application/json",
		    "Mcp-Session-Id: sess-1\r\n", res);
		free(res);
	} else if (freq_has(r, "Mcp-Session-Id: sess-1")) {
		fsrv_reply(r, 404, "text/plain", NULL, "no such session");
	} else
		fsrv_reply(r, 400, "text/plain", NULL, "no session id");
}

static void
test_session_404(void)
{
	struct env e;
	struct resp init, a, b;

	env_init(&e, srv_session_404, NULL, 3000);
	call(&e, "initialize", &init);
	CHECK_EQ_INT(init.code, 0);
	CHECK_STR(mcp_http_client_session_id(mcp_peer_transport(e.peer)),
	    "sess-1");
	/* Two calls in flight when the server forgets us: both fail at once,
	 * the close is reported once, and nothing more can be sent. */
	CHECK(start(&e, "tools/call", &a) > 0);
	CHECK(start(&e, "tools/list", &b) > 0);
	testutil_loop_until(e.base, resp_done, &b, 5000);
	testutil_loop_until(e.base, resp_done, &a, 5000);
	CHECK_EQ_INT(a.code, MCP_CONNECTION_CLOSED);
	CHECK_EQ_INT(b.code, MCP_CONNECTION_CLOSED);
	CHECK_CONTAINS(a.msg, "session expired: the server no longer knows "
	    "session sess-1 (HTTP 404); start a new session");
	CHECK_CONTAINS(b.msg, "session expired");
	CHECK_CONTAINS(e.srv.last_head, "Mcp-Session-Id: sess-1");
	CHECK_CONTAINS(e.srv.last_head, "MCP-Protocol-Version: 2025-06-18");
	testutil_loop_until(e.base, closed_done, &e.closed, 2000);
	CHECK_EQ_INT(e.closed.calls, 1);
	CHECK_CONTAINS(e.closed.reason, "session expired");
	CHECK(start(&e, "ping", &a) < 0);
	testutil_spin(e.base, 50);
	CHECK_EQ_INT(e.closed.calls, 1);
	env_free(&e);
}

static void
srv_bad_session(struct fsrv *s, struct freq *r)
{
	char *res = fsrv_result(r, "{}");

	(void)s;
	fsrv_reply(r, 200, "application/json", "Mcp-Session-Id: two words\r\n",
	    res);
	free(res);
}

static void
test_bad_session_id(void)
{
	struct env e;
	struct resp rs;

	env_init(&e, srv_bad_session, NULL, 3000);
	call(&e, "initialize", &rs);
	CHECK(rs.code != 0);
	CHECK_CONTAINS(rs.msg, "Mcp-Session-Id is not 1 to 256 visible ASCII "
	    "characters");
	testutil_loop_until(e.base, closed_done, &e.closed, 2000);
	CHECK_EQ_INT(e.closed.calls, 1);
	CHECK(mcp_http_client_session_id(mcp_peer_transport(e.peer)) == NULL);
	env_free(&e);
}

/* No answer at all */

static void
srv_silent(struct fsrv *s, struct freq *r)
{
	(void)s;
	if (strcmp(freq_method(r), "notifications/cancelled") == 0) {
		fsrv_reply(r, 202, "text/plain", NULL, "");
		return;
	}
	r->conn->state = FC_HOLD;	/* never a byte */
}

static void
test_never_answers(void)
{
	struct env e;
	struct resp rs;
	int64_t id;
	char want[64];

	env_init(&e, srv_silent, NULL, 300);
	id = start(&e, "tools/call", &rs);
	CHECK(id > 0);
	testutil_loop_until(e.base, resp_done, &rs, 5000);
	CHECK_EQ_INT(rs.code, MCP_REQUEST_TIMEOUT);
	/* The server hears of it, and the held stream is let go. */
	CHECK(testutil_wait_count(e.base, &e.srv.eofs, 1, 2000));
	CHECK(testutil_wait_count(e.base, &e.srv.posts, 2, 2000));
	snprintf(want, sizeof want, "\"requestId\":%lld", (long long)id);
	CHECK_CONTAINS(e.srv.bodies, "notifications/cancelled");
	CHECK_CONTAINS(e.srv.bodies, want);
	/* Cancelled by the caller: the same. */
	id = start(&e, "tools/call", &rs);
	CHECK(testutil_wait_count(e.base, &e.srv.posts, 3, 2000));
	CHECK_EQ_INT(mcp_peer_cancel(e.peer, id, "enough"), 0);
	CHECK_EQ_INT(rs.code, MCP_REQUEST_CANCELLED);
	CHECK(testutil_wait_count(e.base, &e.srv.eofs, 2, 2000));
	snprintf(want, sizeof want, "\"requestId\":%lld", (long long)id);
	CHECK(testutil_wait_count(e.base, &e.srv.posts, 4, 2000));
	CHECK_CONTAINS(e.srv.bodies, want);
	CHECK_EQ_INT(e.closed.calls, 0);
	env_free(&e);
}

/* Too much */

static const char fill_x[] = "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx";
static const char fill_data[] = "data: xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n";
static const char *endless_fill;
static const char *endless_head;

static void
srv_endless(struct fsrv *s, struct freq *r)
{
	(void)s;
	fsrv_write(r, endless_head, strlen(endless_head), FC_ENDLESS);
	r->conn->fill = endless_fill;
}

static void
endless_case(const char *head, const char *fill, const char *want)
{
	struct env e;
	struct resp rs;

	endless_head = head;
	endless_fill = fill;
	env_init(&e, srv_endless, NULL, 10000);
	call(&e, "tools/call", &rs);
	CHECK(rs.code != 0);
	CHECK_CONTAINS(rs.msg, want);
	CHECK(testutil_wait_count(e.base, &e.srv.eofs, 1, 2000));
	CHECK(e.srv.sent >= LIMIT);
	CHECK(e.srv.sent < 64 * LIMIT);		/* it stopped reading */
	env_free(&e);
}

static void
test_huge_body(void)
{
	endless_case("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
	    "Content-Length: 104857600\r\n\r\n{\"jsonrpc\":\"2.0\",\"id\":1,"
	    "\"result\":{\"x\":\"", fill_x, "the response exceeds the limit "
	    "of 65536 bytes");
}

static void
test_endless_sse_line(void)
{
	endless_case("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
	    "\r\ndata: ", fill_x, "an SSE event exceeds the limit of 65536 "
	    "bytes");
}

static void
test_endless_sse_event(void)
{
	endless_case("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
	    "\r\n", fill_data, "an SSE event exceeds the limit of 65536 bytes");
}

/* Wrong answers */

static void
srv_html(struct fsrv *s, struct freq *r)
{
	(void)s;
	if (strcmp(freq_method(r), "tools/list") == 0)
		fsrv_reply(r, 200, "application/json", NULL, "not json at all");
	else
		fsrv_reply(r, 200, "text/html", NULL, "<html>login</html>");
}

static void
test_wrong_content_type(void)
{
	struct env e;
	struct resp rs;

	env_init(&e, srv_html, NULL, 3000);
	call(&e, "tools/call", &rs);
	CHECK_EQ_INT(rs.code, MCP_INTERNAL_ERROR);
	CHECK_CONTAINS(rs.msg, "answered 200 with content type 'text/html', "
	    "not application/json or text/event-stream");
	call(&e, "tools/list", &rs);
	CHECK_EQ_INT(rs.code, MCP_INTERNAL_ERROR);
	CHECK_CONTAINS(rs.msg, "the reply is not JSON: not json at all");
	CHECK_EQ_INT(e.closed.calls, 0);
	env_free(&e);
}

static void
srv_5xx(struct fsrv *s, struct freq *r)
{
	char *res;

	(void)s;
	if (strcmp(r->method, "GET") == 0) {
		fsrv_reply(r, 503, "text/plain", NULL, "busy");
	} else if (strcmp(freq_method(r), "initialize") == 0) {
		res = fsrv_result(r, "{\"protocolVersion\":\"2025-11-25\","
		    "\"capabilities\":{},\"serverInfo\":{\"name\":\"f\","
		    "\"version\":\"1\"}}");
		fsrv_reply(r, 200, "application/json",
		    "Mcp-Session-Id: s5\r\n", res);
		free(res);
	} else if (strcmp(freq_method(r), "tools/call") == 0) {
		fsrv_reply(r, 500, "text/plain", NULL, "boom\r\nat line 2");
	} else if (strcmp(freq_method(r), "tools/list") == 0) {
		fsrv_reply(r, 401, "text/plain", NULL, "");
	} else
		answer_json(r);
}

static bool
gets_done(void *arg)
{
	struct env *e = arg;

	return strstr(e->cl.all, "GET stream ended") != NULL;
}

static void
test_5xx(void)
{
	struct mcp_http_client_opts o = { .max_reconnects = 1 };
	struct env e;
	struct resp rs;

	env_init(&e, srv_5xx, &o, 3000);
	call(&e, "initialize", &rs);
	CHECK_EQ_INT(rs.code, 0);
	mcp_peer_notify(e.peer, "notifications/initialized", NULL);
	call(&e, "tools/call", &rs);
	CHECK_EQ_INT(rs.code, MCP_INTERNAL_ERROR);
	CHECK_CONTAINS(rs.msg, "returned HTTP 500: boom  at line 2; the server "
	    "failed, try again later");
	call(&e, "tools/list", &rs);
	CHECK_CONTAINS(rs.msg, "returned HTTP 401: (no body); give a valid "
	    "bearer token");
	/* The GET stream answered 503: tried again, then given up; the
	 * session goes on. */
	e.srv.gets = 0;
	CHECK(testutil_loop_until(e.base, gets_done, &e, 10000));
	CHECK_CONTAINS(e.cl.all, "http: GET returned 503: busy");
	CHECK_CONTAINS(e.cl.all, "gave up after 1 attempts");
	call(&e, "ping", &rs);
	CHECK_EQ_INT(rs.code, 0);
	CHECK_EQ_INT(e.closed.calls, 0);
	env_free(&e);
}

/* HTTP+SSE gone wrong */

static const char *legacy_first;	/* the stream's first bytes */

static void
srv_legacy(struct fsrv *s, struct freq *r)
{
	if (strcmp(r->method, "GET") == 0) {
		fsrv_sse(r, legacy_first, FC_HOLD);
		s->stream = r->conn;
	} else if (strcmp(r->target, "/mcp") == 0) {
		fsrv_reply(r, 405, "text/plain", NULL, "method not allowed");
	} else {
		fsrv_reply(r, 202, "text/plain", NULL, "Accepted");
	}
}

static void
legacy_case(const char *first, const char *want)
{
	struct env e;
	struct resp rs;

	legacy_first = first;
	env_init(&e, srv_legacy, NULL, 3000);
	call(&e, "initialize", &rs);
	CHECK_EQ_INT(rs.code, MCP_CONNECTION_CLOSED);
	CHECK_CONTAINS(rs.msg, want);
	testutil_loop_until(e.base, closed_done, &e.closed, 2000);
	CHECK_EQ_INT(e.closed.calls, 1);
	CHECK_CONTAINS(e.closed.reason, want);
	CHECK_EQ_INT(e.srv.posts, 1);		/* only the first try */
	env_free(&e);
}

static void
test_legacy_cross_origin(void)
{
	legacy_case("event: endpoint\ndata: http://evil.example:9/steal\n\n",
	    "the server's endpoint 'http://evil.example:9/steal' is not of the "
	    "origin of http://127.0.0.1:");
	legacy_case("event: endpoint\ndata: //evil.example/x\n\n",
	    "is not of the origin");
	legacy_case("event: endpoint\ndata: https://127.0.0.1/x\n\n",
	    "is not of the origin");
}

static void
test_legacy_not_endpoint(void)
{
	legacy_case("event: message\ndata: {\"jsonrpc\":\"2.0\",\"method\":"
	    "\"x\"}\n\n", "the first event is 'message', not 'endpoint'");
	legacy_case("event: endpoint\ndata: \n\n", "endpoint event holds no "
	    "usable URI");
}

static void
srv_nothing_here(struct fsrv *s, struct freq *r)
{
	(void)s;
	fsrv_reply(r, 404, "text/html", NULL, "<h1>Not Found</h1>");
}

static void
test_legacy_fallback_fails(void)
{
	struct env e;
	struct resp rs;

	env_init(&e, srv_nothing_here, NULL, 3000);
	call(&e, "initialize", &rs);
	CHECK_EQ_INT(rs.code, MCP_CONNECTION_CLOSED);
	CHECK_CONTAINS(rs.msg, "returned HTTP 404 and GET http://127.0.0.1:");
	CHECK_CONTAINS(rs.msg, "returned HTTP 404 (text/html), not an SSE "
	    "stream: <h1>Not Found</h1>; check the URL");
	CHECK_EQ_INT(e.srv.posts, 1);
	CHECK_EQ_INT(e.srv.gets, 1);
	env_free(&e);
}

static void
test_streamable_only(void)
{
	struct mcp_http_client_opts o = { .mode = MCP_HTTP_CLIENT_STREAMABLE };
	struct env e;
	struct resp rs;

	env_init(&e, srv_nothing_here, &o, 3000);
	call(&e, "initialize", &rs);
	CHECK_EQ_INT(rs.code, MCP_INTERNAL_ERROR);
	CHECK_CONTAINS(rs.msg, "returned HTTP 404: <h1>Not Found</h1>");
	CHECK_EQ_INT(e.srv.gets, 0);
	env_free(&e);
}

static void
test_legacy_stream_drop(void)
{
	struct mcp_http_client_opts o = { .mode = MCP_HTTP_CLIENT_LEGACY_SSE };
	struct env e;
	struct resp rs;

	legacy_first = "event: endpoint\ndata: /messages?s=1\n\n";
	env_init(&e, srv_legacy, &o, 3000);
	CHECK(start(&e, "tools/call", &rs) > 0);
	CHECK(testutil_wait_count(e.base, &e.srv.posts, 1, 2000));
	CHECK(e.srv.stream != NULL);
	if (e.srv.stream != NULL)
		fconn_free(e.srv.stream);	/* the server goes away */
	testutil_loop_until(e.base, resp_done, &rs, 2000);
	CHECK_EQ_INT(rs.code, MCP_CONNECTION_CLOSED);
	CHECK_CONTAINS(rs.msg, "the server ended the HTTP+SSE stream");
	testutil_loop_until(e.base, closed_done, &e.closed, 2000);
	CHECK_EQ_INT(e.closed.calls, 1);
	CHECK_CONTAINS(e.closed.reason, "the session is over");
	env_free(&e);
}

int
main(void)
{
	signal(SIGPIPE, SIG_IGN);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	HARNESS_BEGIN("http_client-fault");
	HARNESS_WATCHDOG();
	TEST(test_drop_mid_json);
	TEST(test_drop_mid_sse);
	TEST(test_drop_sse_no_get);
	TEST(test_resume_gives_up);
	TEST(test_get_stream_resumed);
	TEST(test_session_404);
	TEST(test_bad_session_id);
	TEST(test_never_answers);
	TEST(test_huge_body);
	TEST(test_endless_sse_line);
	TEST(test_endless_sse_event);
	TEST(test_wrong_content_type);
	TEST(test_5xx);
	TEST(test_legacy_cross_origin);
	TEST(test_legacy_not_endpoint);
	TEST(test_legacy_fallback_fails);
	TEST(test_streamable_only);
	TEST(test_legacy_stream_drop);
	curl_global_cleanup();
	return HARNESS_END();
}
