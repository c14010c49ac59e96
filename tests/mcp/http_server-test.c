/*
 * Streamable HTTP server transport: a real server on 127.0.0.1:0 in the
 * test's own loop, a tiny peer per session, and a raw HTTP/1.1 client on
 * nonblocking sockets in the same loop. Each test is a transcript: what the
 * client sends and what the server must answer.
 */
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <cjson/cJSON.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

#include "mcp/http_server.h"
#include "mcp/json.h"
#include "mcp/peer.h"
#include "tests/harness.h"
#include "tests/mcp/testutil.h"

#define MAX_SESS	16

/* The application: sessions with a peer each. */

struct sess {
	struct app *app;
	struct mcp_peer *peer;
	bool closed;
	bool reason_null;
	char reason[200];
	int notes;
	char last_note[64];
};

struct app {
	struct event_base *base;
	struct mcp_http_server *srv;
	struct mcp_log log;
	int port;
	bool refuse;
	struct sess *sess[MAX_SESS];
	int nsess;
	struct mcp_request *held;
	int logs_warned;
	int closed_rc;		/* what mcp_http_close_stream said to "poll" */
};

static void
app_log(void *arg, enum mcp_log_level level, const char *msg)
{
	struct app *a = arg;

	if (level >= MCP_LOG_WARNING)
		a->logs_warned++;
	if (getenv("HTTP_TEST_VERBOSE") != NULL)
		fprintf(stderr, "  log %s: %s\n", mcp_log_level_name(level),
		    msg);
}

static void
app_request_cb(void *arg, struct mcp_request *req)
{
	struct sess *s = arg;
	const char *method = mcp_request_method(req);
	const cJSON *params = mcp_request_params(req);

	if (strcmp(method, "initialize") == 0) {
		if (cJSON_GetObjectItem(params, "fail") != NULL) {
			mcp_request_fail(req, MCP_INVALID_PARAMS, "no", NULL);
			return;
		}
		const cJSON *v = cJSON_GetObjectItem(params,
		    "protocolVersion");
		cJSON *res = mcp_json_parse_const(
		    "{\"capabilities\":{},"
		    "\"serverInfo\":{\"name\":\"t\",\"version\":\"1\"}}");

		/* Agree to what the client asks for, as the transport must
		 * learn it from our answer. */
		cJSON_AddStringToObject(res, "protocolVersion",
		    cJSON_IsString(v) ? v->valuestring : "2025-11-25");
		mcp_request_reply(req, res);
	} else if (strcmp(method, "poll") == 0) {
		/* SEP-1699: end the stream now, answer later. */
		s->app->closed_rc = mcp_http_close_stream(
		    mcp_peer_transport(s->peer), mcp_request_id(req));
		s->app->held = req;
	} else if (strcmp(method, "echo") == 0) {
		mcp_request_reply(req, params != NULL ?
		    cJSON_Duplicate(params, 1) : NULL);
	} else if (strcmp(method, "slow") == 0) {
		mcp_peer_notify_related(s->peer, mcp_request_id(req),
		    "notifications/message", mcp_json_parse_const(
		    "{\"level\":\"info\",\"data\":\"working\"}"));
		mcp_request_reply(req, mcp_json_parse_const("{\"done\":true}"));
	} else if (strcmp(method, "broadcast") == 0) {
		const cJSON *n = cJSON_GetObjectItem(params, "n");
		int i, count = cJSON_IsNumber(n) ? n->valueint : 1;

		for (i = 0; i < count; i++) {
			cJSON *p = cJSON_CreateObject();

			mcp_json_add_num(p, "seq", i);
			mcp_peer_notify(s->peer,
			    "notifications/resources/list_changed", p);
		}
		mcp_request_reply(req, NULL);
	} else if (strcmp(method, "hold") == 0) {
		if (cJSON_IsTrue(cJSON_GetObjectItem(params, "sse")))
			mcp_peer_notify_related(s->peer, mcp_request_id(req),
			    "notifications/message", mcp_json_parse_const(
			    "{\"level\":\"info\",\"data\":\"held\"}"));
		s->app->held = req;
	} else
		mcp_request_fail(req, MCP_METHOD_NOT_FOUND, NULL, NULL);
}

static void
app_notification_cb(void *arg, const char *method, const cJSON *params)
{
	struct sess *s = arg;

	(void)params;
	s->notes++;
	snprintf(s->last_note, sizeof s->last_note, "%s", method);
}

static void
app_closed_cb(void *arg, const char *reason)
{
	struct sess *s = arg;

	s->closed = true;
	s->reason_null = reason == NULL;
	snprintf(s->reason, sizeof s->reason, "%s",
	    reason != NULL ? reason : "");
	/* An incoming request still held is over now. */
	if (s->app->held != NULL &&
	    mcp_request_peer(s->app->held) == s->peer) {
		mcp_request_reply(s->app->held, NULL);
		s->app->held = NULL;
	}
}

static int
app_session_cb(void *arg, struct mcp_transport *t)
{
	struct app *a = arg;
	struct mcp_peer_opts po = { 0, 0, 0, &a->log };
	struct sess *s;

	CHECK_STR(t->ops->name, "http");
	if (a->refuse || a->nsess == MAX_SESS)
		return -1;
	s = calloc(1, sizeof *s);
	s->app = a;
	s->peer = mcp_peer_new(a->base, t, &po);
	mcp_peer_set_handlers(s->peer, app_request_cb, app_notification_cb, s);
	mcp_peer_set_closed_cb(s->peer, app_closed_cb, s);
	a->sess[a->nsess++] = s;
	return 0;
}

static void
app_start(struct app *a, struct mcp_http_opts *opts)
{
	struct mcp_http_opts def = { 0 };
	struct mcp_err err = { 0, "" };

	memset(a, 0, sizeof *a);
	a->base = event_base_new();
	a->log.fn = app_log;
	a->log.arg = a;
	a->log.level = MCP_LOG_DEBUG;
	if (opts == NULL)
		opts = &def;
	opts->log = &a->log;
	a->srv = mcp_http_server_new(a->base, opts, app_session_cb, a);
	CHECK(mcp_http_server_port(a->srv) == -1);
	CHECK_EQ_INT(mcp_http_server_listen(a->srv, "127.0.0.1:0", &err), 0);
	a->port = mcp_http_server_port(a->srv);
	CHECK(a->port > 0);
}

static void
app_spin(struct app *a, int ms)
{
	struct timeval tv = { ms / 1000, (ms % 1000) * 1000 };

	event_base_loopexit(a->base, &tv);
	event_base_dispatch(a->base);
}

static void
app_free_peers(struct app *a)
{
	int i;

	if (a->held != NULL) {
		mcp_request_reply(a->held, NULL);
		a->held = NULL;
	}
	for (i = 0; i < a->nsess; i++) {
		mcp_peer_free(a->sess[i]->peer);
		free(a->sess[i]);
	}
	a->nsess = 0;
}

static void
app_stop(struct app *a)
{
	mcp_http_server_free(a->srv);
	a->srv = NULL;
	app_spin(a, 10);
	app_free_peers(a);
	event_base_free(a->base);
}

/* The client: raw HTTP/1.1 on a bufferevent in the same loop. */

struct conn {
	struct bufferevent *bev;
	struct evbuffer *in;
	bool eof;
	int status;
	char *head;		/* status line and headers */
	char *body;		/* decoded so far */
	bool complete;
};

struct hreq {
	const char *method;	/* NULL: POST */
	const char *path;	/* NULL: /mcp */
	const char *session;	/* Mcp-Session-Id */
	const char *accept;	/* NULL: both types; "": none */
	const char *ctype;	/* NULL: application/json; "": none */
	const char *host;	/* NULL: 127.0.0.1:port; "": none */
	const char *extra;	/* more header lines, each ending in \r\n */
	const char *body;
};

/* Decode a chunked body as far as it goes; true at the last chunk. */
static bool
dechunk(const char *p, size_t n, struct evbuffer *out)
{
	const char *end = p + n;

	for (;;) {
		const char *crlf = NULL, *q;
		unsigned long size;
		char *e;

		for (q = p; q + 1 < end; q++) {
			if (q[0] == '\r' && q[1] == '\n') {
				crlf = q;
				break;
			}
		}
		if (crlf == NULL)
			return false;
		size = strtoul(p, &e, 16);
		if (size == 0)
			return true;
		if ((size_t)(end - crlf - 2) < size + 2)
			return false;
		evbuffer_add(out, crlf + 2, size);
		p = crlf + 2 + size + 2;
	}
}

static const char *
conn_header(const struct conn *c, const char *name)
{
	static char value[256];
	const char *p = c->head;
	size_t n = strlen(name);

	while (p != NULL && (p = strstr(p, "\r\n")) != NULL) {
		p += 2;
		if (strncasecmp(p, name, n) == 0 && p[n] == ':') {
			const char *v = p + n + 1, *e;

			while (*v == ' ')
				v++;
			e = strstr(v, "\r\n");
			snprintf(value, sizeof value, "%.*s",
			    (int)(e != NULL ? e - v : (long)strlen(v)), v);
			return value;
		}
	}
	return NULL;
}

static void
conn_parse(struct conn *c)
{
	size_t n = evbuffer_get_length(c->in), blen;
	char *raw = malloc(n + 1), *eoh, *start;
	const char *te, *cl;

	evbuffer_copyout(c->in, raw, n);
	raw[n] = '\0';
	if ((eoh = strstr(raw, "\r\n\r\n")) == NULL) {
		c->complete = c->eof;
		free(raw);
		return;
	}
	free(c->head);
	c->head = strndup(raw, (size_t)(eoh - raw) + 2);
	c->status = atoi(raw + 9);
	start = eoh + 4;
	blen = n - (size_t)(start - raw);
	free(c->body);
	te = conn_header(c, "Transfer-Encoding");
	if (te != NULL && strcasecmp(te, "chunked") == 0) {
		struct evbuffer *out = evbuffer_new();
		size_t olen;

		c->complete = dechunk(start, blen, out) || c->eof;
		olen = evbuffer_get_length(out);
		c->body = malloc(olen + 1);
		evbuffer_remove(out, c->body, olen);
		c->body[olen] = '\0';
		evbuffer_free(out);
	} else if ((cl = conn_header(c, "Content-Length")) != NULL) {
		size_t want = strtoul(cl, NULL, 10);

		c->complete = blen >= want || c->eof;
		c->body = strndup(start, blen < want ? blen : want);
	} else {
		c->complete = c->eof;
		c->body = strndup(start, blen);
	}
	free(raw);
}

static void
conn_read_cb(struct bufferevent *bev, void *arg)
{
	struct conn *c = arg;

	evbuffer_add_buffer(c->in, bufferevent_get_input(bev));
	conn_parse(c);
}

static void
conn_event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct conn *c = arg;

	(void)bev;
	if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR)) {
		c->eof = true;
		conn_parse(c);
	}
}

static void
conn_free(struct conn *c)
{
	if (c == NULL)
		return;
	if (c->bev != NULL)
		bufferevent_free(c->bev);
	evbuffer_free(c->in);
	free(c->head);
	free(c->body);
	free(c);
}

static void
conn_send(struct app *a, struct conn *c, const struct hreq *r)
{
	struct evbuffer *out = bufferevent_get_output(c->bev);
	const char *body = r->body != NULL ? r->body : "";
	char host[64];

	snprintf(host, sizeof host, "127.0.0.1:%d", a->port);
	evbuffer_add_printf(out, "%s %s HTTP/1.1\r\n",
	    r->method != NULL ? r->method : "POST",
	    r->path != NULL ? r->path : "/mcp");
	if (r->host == NULL || r->host[0] != '\0')
		evbuffer_add_printf(out, "Host: %s\r\n",
		    r->host != NULL ? r->host : host);
	if (r->accept == NULL || r->accept[0] != '\0')
		evbuffer_add_printf(out, "Accept: %s\r\n", r->accept != NULL ?
		    r->accept : "application/json, text/event-stream");
	if (r->body != NULL && (r->ctype == NULL || r->ctype[0] != '\0'))
		evbuffer_add_printf(out, "Content-Type: %s\r\n",
		    r->ctype != NULL ? r->ctype : "application/json");
	if (r->session != NULL)
		evbuffer_add_printf(out, "Mcp-Session-Id: %s\r\n", r->session);
	if (r->extra != NULL)
		evbuffer_add_printf(out, "%s", r->extra);
	if (r->body != NULL || (r->method != NULL &&
	    strcmp(r->method, "PUT") == 0))
		evbuffer_add_printf(out, "Content-Length: %zu\r\n",
		    strlen(body));
	evbuffer_add_printf(out, "\r\n%s", body);
}

/* Connect and send r, without waiting for the answer. */
static struct conn *
conn_open(struct app *a, const struct hreq *r)
{
	struct conn *c = calloc(1, sizeof *c);
	struct sockaddr_in sin;

	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_port = htons((unsigned short)a->port);
	sin.sin_addr.s_addr = htonl(0x7f000001);
	c->in = evbuffer_new();
	c->bev = bufferevent_socket_new(a->base, -1, BEV_OPT_CLOSE_ON_FREE);
	bufferevent_setcb(c->bev, conn_read_cb, NULL, conn_event_cb, c);
	bufferevent_enable(c->bev, EV_READ | EV_WRITE);
	bufferevent_socket_connect(c->bev, (struct sockaddr *)&sin, sizeof sin);
	conn_send(a, c, r);
	return c;
}

/* Run the loop until pred holds or ms pass; returns pred. */
static bool
run_until(struct app *a, bool (*pred)(void *), void *arg, int ms)
{
	return testutil_loop_until(a->base, pred, arg, ms);
}

static bool
conn_done(void *arg)
{
	return ((struct conn *)arg)->complete;
}

struct want {
	struct conn *c;
	const char *text;
};

static bool
conn_has(void *arg)
{
	struct want *w = arg;

	return w->c->body != NULL && strstr(w->c->body, w->text) != NULL;
}

/* Run the loop until c's body so far has text in it or ms pass; whether
 * it has. */
static bool
conn_wait_body(struct app *a, struct conn *c, const char *text, int ms)
{
	struct want w = { c, text };

	return run_until(a, conn_has, &w, ms);
}

static bool
sess_closed(void *arg)
{
	return ((struct sess *)arg)->closed;
}

/* Send one request on a fresh connection and wait for the whole answer. */
static struct conn *
http_do(struct app *a, const struct hreq *r)
{
	struct conn *c = conn_open(a, r);

	if (!run_until(a, conn_done, c, 3000))
		fprintf(stderr, "  timed out waiting for a response\n");
	return c;
}

static const char init_body[] =
    "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":"
    "{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},"
    "\"clientInfo\":{\"name\":\"c\",\"version\":\"1\"}}}";

/* Initialize a session speaking version (the app agrees to it); returns
 * its id (static) or NULL. */
static const char *
init_session_version(struct app *a, const char *version)
{
	static char sid[64];
	char body[256];
	struct hreq r = { .body = body };
	struct conn *c;
	const char *h;

	snprintf(body, sizeof body, "{\"jsonrpc\":\"2.0\",\"id\":1,"
	    "\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
	    "\"%s\",\"capabilities\":{},\"clientInfo\":{\"name\":\"c\","
	    "\"version\":\"1\"}}}", version);
	c = http_do(a, &r);
	h = conn_header(c, "Mcp-Session-Id");
	sid[0] = '\0';
	if (c->status == 200 && h != NULL)
		snprintf(sid, sizeof sid, "%s", h);
	conn_free(c);
	return sid[0] != '\0' ? sid : NULL;
}

static const char *
init_session(struct app *a)
{
	return init_session_version(a, "2025-11-25");
}

/* The SSE event ids "<stream>-<seq>" in body, in order; how many. */
static int
event_ids(const char *body, unsigned long long *no, unsigned long long *seq,
    int max)
{
	const char *p = body;
	int n = 0;

	while (p != NULL && n < max && (p = strstr(p, "id: ")) != NULL) {
		if (p == body || p[-1] == '\n') {
			if (sscanf(p, "id: %llu-%llu", &no[n], &seq[n]) == 2)
				n++;
		}
		p += 4;
	}
	return n;
}

static bool
starts_with(const char *s, const char *prefix)
{
	return s != NULL && strncmp(s, prefix, strlen(prefix)) == 0;
}

static int
count_of(const char *hay, const char *needle)
{
	int n = 0;

	while (hay != NULL && (hay = strstr(hay, needle)) != NULL) {
		n++;
		hay += strlen(needle);
	}
	return n;
}

/* The JSON error body of c: code, and whether it carries an id. */
static int
error_code(const struct conn *c, bool *has_id)
{
	cJSON *root = cJSON_Parse(c->body != NULL ? c->body : "");
	cJSON *err = cJSON_GetObjectItem(root, "error");
	cJSON *code = cJSON_GetObjectItem(err, "code");
	int rc = cJSON_IsNumber(code) ? code->valueint : 0;

	if (has_id != NULL)
		*has_id = cJSON_GetObjectItem(root, "id") != NULL;
	cJSON_Delete(root);
	return rc;
}

/* Tests */

static void
test_initialize_creates_session(void)
{
	struct app a;
	struct hreq r = { .body = init_body };
	struct conn *c;
	const char *sid;
	size_t i;

	app_start(&a, NULL);
	c = http_do(&a, &r);
	CHECK_EQ_INT(c->status, 200);
	CHECK_STR(conn_header(c, "Content-Type"), "application/json");
	sid = conn_header(c, "Mcp-Session-Id");
	CHECK(sid != NULL && strlen(sid) == 32);
	for (i = 0; sid != NULL && sid[i] != '\0'; i++)
		CHECK(strchr("0123456789abcdef", sid[i]) != NULL);
	CHECK_CONTAINS(c->body, "\"protocolVersion\":\"2025-11-25\"");
	CHECK_CONTAINS(c->body, "\"id\":1");
	CHECK_EQ_INT(a.nsess, 1);
	conn_free(c);
	/* Each initialize is a new session with a new id. */
	c = http_do(&a, &r);
	CHECK(conn_header(c, "Mcp-Session-Id") != NULL &&
	    strlen(conn_header(c, "Mcp-Session-Id")) == 32);
	CHECK_EQ_INT(a.nsess, 2);
	conn_free(c);
	app_stop(&a);
}

static void
test_json_reply(void)
{
	struct app a;
	const char *sid;
	struct hreq r = { 0 };
	struct conn *c;

	app_start(&a, NULL);
	sid = init_session(&a);
	CHECK(sid != NULL);
	r.session = sid;
	r.extra = "MCP-Protocol-Version: 2025-11-25\r\n";
	r.body = "{\"jsonrpc\":\"2.0\",\"id\":\"e1\",\"method\":\"echo\","
	    "\"params\":{\"x\":42}}";
	c = http_do(&a, &r);
	CHECK_EQ_INT(c->status, 200);
	CHECK_STR(conn_header(c, "Content-Type"), "application/json");
	CHECK_STR(conn_header(c, "Mcp-Session-Id"), sid);
	CHECK_STR(c->body,
	    "{\"jsonrpc\":\"2.0\",\"id\":\"e1\",\"result\":{\"x\":42}}");
	conn_free(c);
	app_stop(&a);
}

static void
test_sse_reply(void)
{
	struct app a;
	struct hreq r = { 0 };
	struct conn *c;
	const char *note, *resp;

	app_start(&a, NULL);
	r.session = init_session(&a);
	r.body = "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"slow\"}";
	c = http_do(&a, &r);
	CHECK_EQ_INT(c->status, 200);
	CHECK_STR(conn_header(c, "Content-Type"), "text/event-stream");
	CHECK_STR(conn_header(c, "Cache-Control"), "no-cache");
	CHECK_STR(conn_header(c, "X-Accel-Buffering"), "no");
	CHECK(conn_header(c, "Mcp-Session-Id") != NULL);
	CHECK(c->complete);
	note = c->body != NULL ? strstr(c->body, "notifications/message") :
	    NULL;
	resp = c->body != NULL ? strstr(c->body, "\"result\":{\"done\":true}") :
	    NULL;
	CHECK(note != NULL && resp != NULL && note < resp);
	/* Stream 1 of the session: the priming event, then the messages. */
	CHECK(starts_with(c->body, "id: 1-1\nretry: 1000\ndata: \n\n"));
	CHECK_CONTAINS(c->body, "event: message\nid: 1-2\ndata: {");
	CHECK_CONTAINS(c->body, "event: message\nid: 1-3\ndata: {\"jsonrpc\":"
	    "\"2.0\",\"id\":5,\"result\"");
	conn_free(c);
	app_stop(&a);
}

static void
test_notification_202(void)
{
	struct app a;
	struct hreq r = { 0 };
	struct conn *c;

	app_start(&a, NULL);
	r.session = init_session(&a);
	r.body = "{\"jsonrpc\":\"2.0\","
	    "\"method\":\"notifications/initialized\"}";
	c = http_do(&a, &r);
	CHECK_EQ_INT(c->status, 202);
	CHECK_STR(c->body, "");
	CHECK(conn_header(c, "Mcp-Session-Id") != NULL);
	CHECK_EQ_INT(a.sess[0]->notes, 1);
	CHECK_STR(a.sess[0]->last_note, "notifications/initialized");
	conn_free(c);
	/* A response from the client (to a request we never sent) too. */
	r.body = "{\"jsonrpc\":\"2.0\",\"id\":99,\"result\":{}}";
	c = http_do(&a, &r);
	CHECK_EQ_INT(c->status, 202);
	conn_free(c);
	app_stop(&a);
}

static void
test_missing_session_400(void)
{
	struct app a;
	struct hreq r = { 0 };
	struct conn *c;
	bool has_id;

	app_start(&a, NULL);
	init_session(&a);
	r.body = "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"echo\"}";
	c = http_do(&a, &r);
	CHECK_EQ_INT(c->status, 400);
	CHECK_CONTAINS(c->body,
	    "Bad Request: Mcp-Session-Id header is required");
	CHECK(error_code(c, &has_id) != 0);
	CHECK(!has_id);
	conn_free(c);
	app_stop(&a);
}

static void
test_unknown_session_404(void)
{
	struct app a;
	struct hreq r = { 0 };
	struct conn *c;

	app_start(&a, NULL);
	init_session(&a);
	r.session = "00000000000000000000000000000000";
	r.body = "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"echo\"}";
	c = http_do(&a, &r);
	CHECK_EQ_INT(c->status, 404);
	CHECK_EQ_INT(error_code(c, NULL), -32001);
	CHECK_CONTAINS(c->body, "Session not found");
	conn_free(c);
	app_stop(&a);
}

static void
test_initialize_with_session_400(void)
{
	struct app a;
	struct hreq r = { .body = init_body };
	struct conn *c;

	app_start(&a, NULL);
	r.session = init_session(&a);
	c = http_do(&a, &r);
	CHECK_EQ_INT(c->status, 400);
	CHECK_EQ_INT(error_code(c, NULL), -32600);
	CHECK_EQ_INT(a.nsess, 1);
	conn_free(c);
	app_stop(&a);
}

static void
test_bad_json_400(void)
{
	struct app a;
	struct hreq r = { 0 };
	struct conn *c;
	bool has_id = true;

	app_start(&a, NULL);
	r.session = init_session(&a);
	r.body = "{\"jsonrpc\":\"2.0\",\"id\":3,";
	c = http_do(&a, &r);
	CHECK_EQ_INT(c->status, 400);
	CHECK_EQ_INT(error_code(c, &has_id), -32700);
	CHECK(!has_id);
	conn_free(c);
	/* Not UTF-8. */
	r.body = "{\"jsonrpc\":\"2.0\",\"method\":\"a\xff\"}";
	c = http_do(&a, &r);
	CHECK_EQ_INT(c->status, 400);
	CHECK_EQ_INT(error_code(c, NULL), -32700);
	conn_free(c);
	/* No session needed to be told the body is unreadable. */
	r.session = NULL;
	r.body = "nonsense";
	c = http_do(&a, &r);
	CHECK_EQ_INT(c->status, 400);
	CHECK_EQ_INT(error_code(c, NULL), -32700);
	conn_free(c);
	app_stop(&a);
}

static void
test_batch_400(void)
{
	struct app a;
	struct hreq r = { 0 };
	struct conn *c;

	app_start(&a, NULL);
	r.session = init_session(&a);
	r.body = "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"echo\"}]";
	c = http_do(&a, &r);
	CHECK_EQ_INT(c->status, 400);
	CHECK_EQ_INT(error_code(c, NULL), -32600);
	CHECK_CONTAINS(c->body, "batch requests are not supported");
	conn_free(c);
	app_stop(&a);
}

static void
test_content_type_415(void)
{
	struct app a;
	struct hreq r = { .body = init_body, .ctype = "text/plain" };
	struct conn *c;

	app_start(&a, NULL);
	c = http_do(&a, &r);
	CHECK_EQ_INT(c->status, 415);
	CHECK_EQ_INT(a.nsess, 0);
	conn_free(c);
	r.ctype = "";
	c = http_do(&a, &r);
	CHECK_EQ_INT(c->status, 415);
	conn_free(c);
	r.ctype = "Application/JSON; charset=utf-8";
	c = http_do(&a, &r);
	CHECK_EQ_INT(c->status, 200);
	conn_free(c);
	app_stop(&a);
}

static void
test_accept_406(void)
{
	struct app a;
	struct hreq r = { .body = init_body };
	struct conn *c;

	app_start(&a, NULL);
	r.accept = "";
	c = http_do(&a, &r);
	CHECK_EQ_INT(c->status, 406);
	conn_free(c);
	r.accept = "application/json";
	c = http_do(&a, &r);
	CHECK_EQ_INT(c->status, 406);
	conn_free(c);
	r.accept = "text/event-stream, application/json;q=0";
	c = http_do(&a, &r);
	CHECK_EQ_INT(c->status, 406);
	conn_free(c);
	CHECK_EQ_INT(a.nsess, 0);
	r.accept = "*/*";
	c = http_do(&a, &r);
	CHECK_EQ_INT(c->status, 200);
	conn_free(c);
	r.accept = "application/*;q=0.9, text/*";
	c = http_do(&a, &r);
	CHECK_EQ_INT(c->status, 200);
	conn_free(c);
	app_stop(&a);
}

static void
test_oversize_413(void)
{
	struct app a;
	struct mcp_http_opts o = { .max_body = 1024 };
	struct hreq r = { 0 };
	struct conn *c;
	char *big = malloc(4096);

	app_start(&a, &o);
	snprintf(big, 4096, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"echo\","
	    "\"params\":{\"pad\":\"%03000d\"}}", 0);
	r.body = big;
	r.session = init_session(&a);
	c = http_do(&a, &r);
	CHECK_EQ_INT(c->status, 413);
	conn_free(c);
	/* Chunked bodies meet the same limit. */
	r.body = NULL;
	r.extra = "Transfer-Encoding: chunked\r\n"
	    "Content-Type: application/json\r\n\r\n"
	    "800\r\n";
	c = conn_open(&a, &r);
	evbuffer_add(bufferevent_get_output(c->bev), big, 2048);
	evbuffer_add_printf(bufferevent_get_output(c->bev), "\r\n0\r\n\r\n");
	run_until(&a, conn_done, c, 3000);
	CHECK_EQ_INT(c->status, 413);
	conn_free(c);
	free(big);
	app_stop(&a);
}

static void
test_protocol_version_400(void)
{
	struct app a;
	struct hreq r = { 0 };
	struct conn *c;

	app_start(&a, NULL);
	r.session = init_session(&a);
	r.body = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"echo\"}";
	r.extra = "MCP-Protocol-Version: 1999-01-01\r\n";
	c = http_do(&a, &r);
	CHECK_EQ_INT(c->status, 400);
	CHECK_CONTAINS(c->body, "Unsupported protocol version");
	CHECK_CONTAINS(c->body,
	    "2025-11-25, 2025-06-18, 2025-03-26, 2024-11-05");
	conn_free(c);
	r.extra = "MCP-Protocol-Version: 2024-11-05\r\n";
	c = http_do(&a, &r);
	CHECK_EQ_INT(c->status, 200);
	conn_free(c);
	app_stop(&a);
}

static void
test_origin_and_host_403(void)
{
	struct app a;
	const char *const allowed[] = { "https://app.example", NULL };
	struct mcp_http_opts o = { .allowed_origins = allowed };
	struct hreq r = { .body = init_body };
	struct conn *c;
	char host[64];

	app_start(&a, &o);
	r.extra = "Origin: http://evil.example.com\r\n";
	c = http_do(&a, &r);
	CHECK_EQ_INT(c->status, 403);
	CHECK(error_code(c, NULL) != 0);
	conn_free(c);
	r.extra = "Origin: http://localhost.evil.com\r\n";
	c = http_do(&a, &r);
	CHECK_EQ_INT(c->status, 403);
	conn_free(c);
	r.extra = "Origin: null\r\n";
	c = http_do(&a, &r);
	CHECK_EQ_INT(c->status, 403);
	conn_free(c);
	/* What the conformance suite sends: both Host and Origin evil. */
	r.extra = "Origin: http://evil.example.com\r\n";
	r.host = "evil.example.com";
	c = http_do(&a, &r);
	CHECK_EQ_INT(c->status, 403);
	conn_free(c);
	r.extra = NULL;
	c = http_do(&a, &r);
	CHECK_EQ_INT(c->status, 403);
	conn_free(c);
	r.host = "";
	c = http_do(&a, &r);
	CHECK_EQ_INT(c->status, 403);
	conn_free(c);
	CHECK_EQ_INT(a.nsess, 0);

	snprintf(host, sizeof host, "localhost:%d", a.port);
	r.host = host;
	r.extra = "Origin: http://localhost:5173\r\n";
	c = http_do(&a, &r);
	CHECK_EQ_INT(c->status, 200);
	conn_free(c);
	r.host = "[::1]:8080";
	r.extra = "Origin: https://127.0.0.1\r\n";
	c = http_do(&a, &r);
	CHECK_EQ_INT(c->status, 200);
	conn_free(c);
	r.host = NULL;
	r.extra = "Origin: https://app.example\r\n";
	c = http_do(&a, &r);
	CHECK_EQ_INT(c->status, 200);
	conn_free(c);
	CHECK_EQ_INT(a.nsess, 3);
	app_stop(&a);
}

static void
test_get_stream_receives_queued(void)
{
	struct app a;
	struct hreq r = { 0 }, g = { .method = "GET",
	    .accept = "text/event-stream" };
	struct conn *c, *get;

	app_start(&a, NULL);
	r.session = g.session = init_session(&a);
	/* Sent before any GET: queued. */
	r.body = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"broadcast\"}";
	c = http_do(&a, &r);
	CHECK_EQ_INT(c->status, 200);
	CHECK(strstr(c->body, "list_changed") == NULL);
	conn_free(c);

	get = conn_open(&a, &g);
	CHECK(conn_wait_body(&a, get, "list_changed", 2000));
	CHECK_EQ_INT(get->status, 200);
	CHECK_STR(conn_header(get, "Content-Type"), "text/event-stream");
	CHECK_STR(conn_header(get, "Mcp-Session-Id"), g.session);
	CHECK(starts_with(get->body, "id: 0-1\nretry: 1000\ndata: \n\n"));
	CHECK_CONTAINS(get->body, "event: message\nid: 0-2\ndata: {\"jsonrpc\":"
	    "\"2.0\",\"method\":\"notifications/resources/list_changed\"");
	CHECK(!get->complete);

	/* Sent while the GET is open: live. */
	r.body = "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"broadcast\"}";
	c = http_do(&a, &r);
	CHECK_EQ_INT(c->status, 200);
	conn_free(c);
	CHECK(conn_wait_body(&a, get, "id: 0-3\n", 2000));
	/* A second GET is refused while the first is open. */
	c = http_do(&a, &g);
	CHECK_EQ_INT(c->status, 409);
	conn_free(c);
	conn_free(get);
	app_stop(&a);
}

static void
test_get_queue_is_bounded(void)
{
	struct app a;
	struct hreq r = { 0 }, g = { .method = "GET",
	    .accept = "text/event-stream" };
	struct conn *c, *get;

	app_start(&a, NULL);
	r.session = g.session = init_session(&a);
	r.body = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"broadcast\","
	    "\"params\":{\"n\":1005}}";
	c = http_do(&a, &r);
	CHECK_EQ_INT(c->status, 200);
	conn_free(c);
	CHECK(a.logs_warned > 0);
	get = conn_open(&a, &g);
	CHECK(conn_wait_body(&a, get, "\"seq\":1004}", 3000));
	/* The five oldest went; the rest arrive in order. */
	CHECK(strstr(get->body, "\"seq\":4}") == NULL);
	CHECK_CONTAINS(get->body, "id: 0-2\ndata: {\"jsonrpc\":\"2.0\","
	    "\"method\":\"notifications/resources/list_changed\","
	    "\"params\":{\"seq\":5}}");
	CHECK_CONTAINS(get->body, "id: 0-1001\n");
	CHECK(strstr(get->body, "id: 0-1002\n") == NULL);
	conn_free(get);
	app_stop(&a);
}

static void
test_get_errors(void)
{
	struct app a;
	struct hreq g = { .method = "GET", .accept = "text/event-stream" };
	struct conn *c;
	const char *sid;

	app_start(&a, NULL);
	sid = init_session(&a);
	c = http_do(&a, &g);
	CHECK_EQ_INT(c->status, 400);
	conn_free(c);
	g.session = "ffffffffffffffffffffffffffffffff";
	c = http_do(&a, &g);
	CHECK_EQ_INT(c->status, 404);
	conn_free(c);
	g.session = sid;
	g.accept = "application/json";
	c = http_do(&a, &g);
	CHECK_EQ_INT(c->status, 406);
	conn_free(c);
	app_stop(&a);
}

static void
test_delete_ends_session(void)
{
	struct app a;
	struct hreq r = { 0 }, d = { .method = "DELETE" };
	struct conn *c;

	app_start(&a, NULL);
	r.session = d.session = init_session(&a);
	c = http_do(&a, &d);
	CHECK_EQ_INT(c->status, 200);
	conn_free(c);
	CHECK(run_until(&a, sess_closed, a.sess[0], 1000));
	CHECK(a.sess[0]->reason_null);
	CHECK(mcp_peer_is_closed(a.sess[0]->peer));
	r.body = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"echo\"}";
	c = http_do(&a, &r);
	CHECK_EQ_INT(c->status, 404);
	conn_free(c);
	c = http_do(&a, &d);
	CHECK_EQ_INT(c->status, 404);
	conn_free(c);
	d.session = NULL;
	c = http_do(&a, &d);
	CHECK_EQ_INT(c->status, 400);
	conn_free(c);
	app_stop(&a);
}

static void
test_method_405(void)
{
	struct app a;
	struct hreq r = { .method = "PUT", .body = "{}" };
	struct conn *c;

	app_start(&a, NULL);
	c = http_do(&a, &r);
	CHECK_EQ_INT(c->status, 405);
	CHECK_STR(conn_header(c, "Allow"), "GET, POST, DELETE");
	conn_free(c);
	r.method = "PATCH";
	c = http_do(&a, &r);
	CHECK_EQ_INT(c->status, 405);
	conn_free(c);
	r.method = "POST";
	r.path = "/other";
	r.body = init_body;
	c = http_do(&a, &r);
	CHECK_EQ_INT(c->status, 404);
	CHECK_EQ_INT(a.nsess, 0);
	conn_free(c);
	r.path = "/mcp?x=1";
	c = http_do(&a, &r);
	CHECK_EQ_INT(c->status, 200);
	conn_free(c);
	app_stop(&a);
}

/* A client leaving an SSE stream is no cancellation: the request's later
 * messages wait in the replay store, never on the GET stream, and a resume
 * gets exactly those after the id it names. */
static void
test_resume_after_client_disconnect(void)
{
	struct app a;
	struct hreq r = { 0 }, g = { .method = "GET",
	    .accept = "text/event-stream" }, rg;
	struct conn *c, *get, *res;
	struct mcp_request *held;

	app_start(&a, NULL);
	r.session = g.session = init_session(&a);
	get = conn_open(&a, &g);			/* event 0-1 */
	CHECK(conn_wait_body(&a, get, "retry: 1000", 2000));
	r.body = "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"hold\","
	    "\"params\":{\"sse\":true}}";
	c = conn_open(&a, &r);
	CHECK(conn_wait_body(&a, c, "\"held\"", 2000));
	CHECK_CONTAINS(c->body, "id: 1-2\nretry: 1000\ndata: \n\n");
	CHECK_CONTAINS(c->body, "event: message\nid: 1-3\ndata: {");
	conn_free(c);
	app_spin(&a, 50);
	held = a.held;
	a.held = NULL;
	CHECK(held != NULL && !mcp_request_cancelled(held));
	if (held == NULL) {
		conn_free(get);
		app_stop(&a);
		return;
	}
	mcp_peer_notify_related(a.sess[0]->peer, mcp_request_id(held),
	    "notifications/message", mcp_json_parse_const(
	    "{\"level\":\"info\",\"data\":\"later\"}"));
	mcp_request_reply(held, mcp_json_parse_const("{\"late\":1}"));
	app_spin(&a, 50);
	CHECK(strstr(get->body, "later") == NULL);
	CHECK(strstr(get->body, "late\"") == NULL);
	r.body = "{\"jsonrpc\":\"2.0\",\"id\":8,\"method\":\"echo\"}";
	c = http_do(&a, &r);
	CHECK_EQ_INT(c->status, 200);
	conn_free(c);

	/* After the last event seen: the rest, once, then the end. */
	rg = g;
	rg.extra = "Last-Event-ID: 1-3\r\n";
	res = http_do(&a, &rg);
	CHECK_EQ_INT(res->status, 200);
	CHECK_STR(conn_header(res, "Content-Type"), "text/event-stream");
	CHECK(res->complete);
	CHECK(strstr(res->body, "\"held\"") == NULL);
	CHECK_STR(res->body, "event: message\nid: 1-4\ndata: {\"jsonrpc\":"
	    "\"2.0\",\"method\":\"notifications/message\",\"params\":"
	    "{\"level\":\"info\",\"data\":\"later\"}}\n\n"
	    "event: message\nid: 1-5\ndata: {\"jsonrpc\":\"2.0\",\"id\":7,"
	    "\"result\":{\"late\":1}}\n\n");
	conn_free(res);
	/* From the priming event: everything after it. */
	rg.extra = "Last-Event-ID: 1-2\r\n";
	res = http_do(&a, &rg);
	CHECK_EQ_INT(res->status, 200);
	CHECK(strstr(res->body, "id: 1-2\n") == NULL);
	CHECK_CONTAINS(res->body, "id: 1-3\ndata: {");
	CHECK_CONTAINS(res->body, "id: 1-5\ndata: {");
	conn_free(res);
	/* After the answer: nothing is left. */
	rg.extra = "Last-Event-ID: 1-5\r\n";
	res = http_do(&a, &rg);
	CHECK_EQ_INT(res->status, 200);
	CHECK(res->complete);
	CHECK_STR(res->body, "");
	conn_free(res);
	/* The GET stream never saw any of it and is still open. */
	CHECK(!get->complete);
	CHECK(strstr(get->body, "\"id\":7") == NULL);
	conn_free(get);
	app_stop(&a);
}

static void
test_disconnect_pending_json(void)
{
	struct app a;
	struct hreq r = { 0 };
	struct conn *c;

	app_start(&a, NULL);
	r.session = init_session(&a);
	r.body = "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"hold\"}";
	c = conn_open(&a, &r);
	app_spin(&a, 50);
	CHECK(a.held != NULL);
	conn_free(c);
	app_spin(&a, 50);
	mcp_request_reply(a.held, NULL);
	a.held = NULL;
	app_spin(&a, 50);
	r.body = "{\"jsonrpc\":\"2.0\",\"id\":8,\"method\":\"echo\"}";
	c = http_do(&a, &r);
	CHECK_EQ_INT(c->status, 200);
	conn_free(c);
	app_stop(&a);
}

static void
test_cancel_ends_stream(void)
{
	struct app a;
	struct hreq r = { 0 };
	struct conn *held, *c;

	app_start(&a, NULL);
	r.session = init_session(&a);
	r.body = "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"hold\"}";
	held = conn_open(&a, &r);
	app_spin(&a, 50);
	CHECK(a.held != NULL);
	r.body = "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\","
	    "\"params\":{\"requestId\":7}}";
	c = http_do(&a, &r);
	CHECK_EQ_INT(c->status, 202);
	conn_free(c);
	CHECK(a.held != NULL && mcp_request_cancelled(a.held));
	CHECK(run_until(&a, conn_done, held, 2000));
	CHECK_EQ_INT(held->status, 200);
	CHECK_STR(conn_header(held, "Content-Type"), "text/event-stream");
	CHECK_STR(held->body, "");
	conn_free(held);
	mcp_request_reply(a.held, NULL);
	a.held = NULL;
	app_stop(&a);
}

static void
test_duplicate_id_400(void)
{
	struct app a;
	struct hreq r = { 0 };
	struct conn *held, *c;

	app_start(&a, NULL);
	r.session = init_session(&a);
	r.body = "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"hold\"}";
	held = conn_open(&a, &r);
	app_spin(&a, 50);
	r.body = "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"echo\"}";
	c = http_do(&a, &r);
	CHECK_EQ_INT(c->status, 400);
	CHECK_CONTAINS(c->body, "\"id\":7");
	conn_free(c);
	mcp_request_reply(a.held, mcp_json_parse_const("{\"first\":1}"));
	a.held = NULL;
	CHECK(run_until(&a, conn_done, held, 2000));
	CHECK_CONTAINS(held->body, "\"first\":1");
	conn_free(held);
	app_stop(&a);
}

static void
test_transport_close(void)
{
	struct app a;
	struct hreq r = { 0 }, g = { .method = "GET",
	    .accept = "text/event-stream" };
	struct conn *held, *get, *c;

	app_start(&a, NULL);
	r.session = g.session = init_session(&a);
	get = conn_open(&a, &g);
	CHECK(conn_wait_body(&a, get, "retry: 1000", 2000));
	r.body = "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"hold\"}";
	held = conn_open(&a, &r);
	app_spin(&a, 50);
	CHECK(a.held != NULL);
	mcp_peer_close(a.sess[0]->peer);
	CHECK(!a.sess[0]->closed);	/* reported from the loop */
	CHECK(run_until(&a, sess_closed, a.sess[0], 1000));
	CHECK(a.sess[0]->reason_null);
	CHECK(run_until(&a, conn_done, held, 2000));
	CHECK_EQ_INT(held->status, 200);
	CHECK_EQ_INT(error_code(held, NULL), -32000);
	CHECK(run_until(&a, conn_done, get, 2000));
	CHECK_EQ_INT(mcp_peer_notify(a.sess[0]->peer, "notifications/x", NULL),
	    -1);
	c = http_do(&a, &r);
	CHECK_EQ_INT(c->status, 404);
	conn_free(c);
	conn_free(held);
	conn_free(get);
	app_stop(&a);
}

static void
test_initialize_failure_ends_session(void)
{
	struct app a;
	struct hreq r = { 0 };
	struct conn *c;

	app_start(&a, NULL);
	r.body = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\","
	    "\"params\":{\"fail\":true}}";
	c = http_do(&a, &r);
	CHECK_EQ_INT(c->status, 200);
	CHECK_CONTAINS(c->body, "\"error\"");
	CHECK(conn_header(c, "Mcp-Session-Id") == NULL);
	conn_free(c);
	CHECK_EQ_INT(a.nsess, 1);
	CHECK(run_until(&a, sess_closed, a.sess[0], 1000));
	app_stop(&a);
}

static void
test_max_sessions_503(void)
{
	struct app a;
	struct mcp_http_opts o = { .max_sessions = 1 };
	struct hreq r = { .body = init_body };
	struct conn *c;

	app_start(&a, &o);
	CHECK(init_session(&a) != NULL);
	c = http_do(&a, &r);
	CHECK_EQ_INT(c->status, 503);
	conn_free(c);
	CHECK_EQ_INT(a.nsess, 1);
	app_stop(&a);

	/* The application may refuse too. */
	app_start(&a, NULL);
	a.refuse = true;
	c = http_do(&a, &r);
	CHECK_EQ_INT(c->status, 503);
	conn_free(c);
	app_stop(&a);
}

static void
test_server_free_with_live_sessions(void)
{
	struct app a;
	struct hreq r = { 0 }, g = { .method = "GET",
	    .accept = "text/event-stream" };
	struct conn *held, *sse, *get;
	int i;

	app_start(&a, NULL);
	r.session = g.session = init_session(&a);
	CHECK(init_session(&a) != NULL);
	get = conn_open(&a, &g);
	CHECK(conn_wait_body(&a, get, "retry: 1000", 2000));
	r.body = "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"hold\","
	    "\"params\":{\"sse\":true}}";
	sse = conn_open(&a, &r);
	CHECK(conn_wait_body(&a, sse, "\"held\"", 2000));
	r.body = "{\"jsonrpc\":\"2.0\",\"id\":8,\"method\":\"hold\"}";
	held = conn_open(&a, &r);
	app_spin(&a, 50);

	mcp_http_server_free(a.srv);
	a.srv = NULL;
	for (i = 0; i < a.nsess; i++)
		CHECK(run_until(&a, sess_closed, a.sess[i], 1000));
	CHECK_STR(a.sess[0]->reason, "server shutting down");
	CHECK(run_until(&a, conn_done, get, 1000));
	CHECK(run_until(&a, conn_done, sse, 1000));
	CHECK(run_until(&a, conn_done, held, 1000));
	/* Sending on a transport whose server is gone fails cleanly. */
	CHECK_EQ_INT(mcp_peer_notify(a.sess[1]->peer, "notifications/x", NULL),
	    -1);
	conn_free(held);
	conn_free(sse);
	conn_free(get);
	app_free_peers(&a);
	event_base_free(a.base);
}

static void
test_idle_timeout_ends_session(void)
{
	struct app a;
	struct mcp_http_opts o = { .session_idle_ms = 250 };
	struct hreq r = { 0 };
	struct conn *c;

	app_start(&a, &o);
	r.session = init_session(&a);
	/* Requests keep it alive. */
	app_spin(&a, 60);
	r.body = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"echo\"}";
	c = http_do(&a, &r);
	CHECK_EQ_INT(c->status, 200);
	conn_free(c);
	app_spin(&a, 60);
	CHECK(!a.sess[0]->closed);
	CHECK(run_until(&a, sess_closed, a.sess[0], 1000));
	CHECK(!a.sess[0]->reason_null);
	CHECK_CONTAINS(a.sess[0]->reason, "expired");
	c = http_do(&a, &r);
	CHECK_EQ_INT(c->status, 404);
	conn_free(c);
	app_stop(&a);
}

static void
test_listen_addresses(void)
{
	struct event_base *base = event_base_new();
	struct mcp_http_server *srv;
	struct mcp_log quiet = { NULL, NULL, MCP_LOG_EMERGENCY, NULL };
	struct mcp_http_opts o = { .log = &quiet };
	struct mcp_err err = { 0, "" };
	const char *bad[] = { "127.0.0.1", "example.com:80", "1.2.3.4:99999",
	    "[::1]", ":", ":x", "127.0.0.1:-1", "[::1:80", NULL };
	int i;

	srv = mcp_http_server_new(base, &o, app_session_cb, NULL);
	for (i = 0; bad[i] != NULL; i++) {
		mcp_err_clear(&err);
		CHECK_EQ_INT(mcp_http_server_listen(srv, bad[i], &err), -1);
		CHECK_CONTAINS(err.msg, "bad listen address");
	}
	mcp_err_clear(&err);
	CHECK_EQ_INT(mcp_http_server_listen(srv, ":0", &err), 0);
	CHECK(mcp_http_server_port(srv) > 0);
	mcp_err_clear(&err);
	CHECK_EQ_INT(mcp_http_server_listen(srv, ":0", &err), -1);
	CHECK_CONTAINS(err.msg, "already listening");
	mcp_http_server_free(srv);

	/* IPv6 loopback, when the machine has it. */
	srv = mcp_http_server_new(base, &o, app_session_cb, NULL);
	mcp_err_clear(&err);
	if (mcp_http_server_listen(srv, "[::1]:0", &err) == 0)
		CHECK(mcp_http_server_port(srv) > 0);
	else
		CHECK_CONTAINS(err.msg, "cannot listen on [::1]:0");
	mcp_http_server_free(srv);
	mcp_http_server_free(NULL);
	event_base_free(base);
}

/* Resumability */

static const char priming_1[] = "id: 1-1\nretry: 1000\ndata: \n\n";

/* 2025-11-25 sessions start every SSE stream with an event that has an id,
 * retry: and empty data; judged by the negotiated version, not the header
 * (the conformance suite sends 2025-03-26 on its raw requests). */
static void
test_priming_event_2025_11_25(void)
{
	struct app a;
	struct mcp_http_opts o = { .retry_ms = 250 };
	struct hreq r = { .extra = "MCP-Protocol-Version: 2025-03-26\r\n" },
	    g = { .method = "GET", .accept = "text/event-stream",
	    .extra = "MCP-Protocol-Version: 2025-03-26\r\n" };
	struct conn *c, *get;

	app_start(&a, NULL);
	r.session = g.session = init_session(&a);
	r.body = "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"slow\"}";
	c = http_do(&a, &r);
	CHECK_EQ_INT(c->status, 200);
	CHECK(starts_with(c->body, priming_1));
	CHECK_EQ_INT(count_of(c->body, "retry:"), 1);
	conn_free(c);
	/* A reply with nothing before it stays JSON: no stream, no priming. */
	r.body = "{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"echo\"}";
	c = http_do(&a, &r);
	CHECK_STR(conn_header(c, "Content-Type"), "application/json");
	conn_free(c);
	/* The GET stream too, instead of a comment. */
	get = conn_open(&a, &g);
	CHECK(conn_wait_body(&a, get, "data: \n\n", 2000));
	CHECK_STR(get->body, "id: 0-4\nretry: 1000\ndata: \n\n");
	conn_free(get);
	app_stop(&a);

	/* The delay is the server's to choose. */
	app_start(&a, &o);
	r.session = init_session(&a);
	r.body = "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"slow\"}";
	c = http_do(&a, &r);
	CHECK(starts_with(c->body, "id: 1-1\nretry: 250\ndata: \n\n"));
	conn_free(c);
	app_stop(&a);
}

/* Older sessions get no priming event (as the SDK does), so a stream whose
 * reply has not begun cannot be closed for polling; one that has events
 * can. */
static void
test_no_priming_before_2025_11_25(void)
{
	struct app a;
	struct hreq r = { 0 }, g = { .method = "GET",
	    .accept = "text/event-stream" };
	struct conn *c, *get;

	app_start(&a, NULL);
	r.session = g.session = init_session_version(&a, "2025-06-18");
	CHECK(r.session != NULL);
	r.body = "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"slow\"}";
	c = http_do(&a, &r);
	CHECK_EQ_INT(c->status, 200);
	CHECK(starts_with(c->body, "event: message\nid: 1-1\ndata: {"));
	CHECK(strstr(c->body, "retry:") == NULL);
	CHECK_CONTAINS(c->body, "id: 1-2\ndata: {\"jsonrpc\":\"2.0\",\"id\":5,");
	conn_free(c);
	get = conn_open(&a, &g);
	CHECK(conn_wait_body(&a, get, ": stream open\n\n", 2000));
	CHECK(strstr(get->body, "retry:") == NULL);
	conn_free(get);

	/* poll: the reply had not begun, so it stays JSON. */
	r.body = "{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"poll\"}";
	c = conn_open(&a, &r);
	CHECK(run_until(&a, conn_done, c, 200) == false);
	CHECK_EQ_INT(a.closed_rc, -1);
	CHECK(a.held != NULL);
	mcp_request_reply(a.held, mcp_json_parse_const("{\"ok\":1}"));
	a.held = NULL;
	CHECK(run_until(&a, conn_done, c, 2000));
	CHECK_STR(conn_header(c, "Content-Type"), "application/json");
	CHECK_STR(c->body, "{\"jsonrpc\":\"2.0\",\"id\":6,\"result\":{\"ok\":1}}");
	conn_free(c);
	/* A stream with events has ids to resume from: it can be closed. */
	r.body = "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"hold\","
	    "\"params\":{\"sse\":true}}";
	c = conn_open(&a, &r);
	CHECK(conn_wait_body(&a, c, "\"held\"", 2000));
	CHECK(a.held != NULL);
	if (a.held != NULL)
		CHECK_EQ_INT(mcp_http_close_stream(mcp_peer_transport(
		    a.sess[0]->peer), mcp_request_id(a.held)), 0);
	CHECK(run_until(&a, conn_done, c, 2000));
	CHECK(strstr(c->body, "\"id\":7") == NULL);
	conn_free(c);
	app_stop(&a);
}

/* Event ids are unique in the session, increase, and name their stream:
 * 0 for the GET stream, one number per POST stream. */
static void
test_event_ids_increase(void)
{
	struct app a;
	struct hreq r = { 0 }, g = { .method = "GET",
	    .accept = "text/event-stream" };
	struct conn *c[3], *get;
	unsigned long long no[64], seq[64], seen[64];
	int i, j, n, nseen = 0;

	app_start(&a, NULL);
	r.session = g.session = init_session(&a);
	get = conn_open(&a, &g);
	CHECK(conn_wait_body(&a, get, "retry:", 2000));
	r.body = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"slow\"}";
	c[0] = http_do(&a, &r);
	r.body = "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"broadcast\","
	    "\"params\":{\"n\":3}}";
	c[1] = http_do(&a, &r);
	r.body = "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"slow\"}";
	c[2] = http_do(&a, &r);
	CHECK(conn_wait_body(&a, get, "\"seq\":2}", 2000));

	n = event_ids(get->body, no, seq, 64);
	CHECK_EQ_INT(n, 4);		/* priming and three notifications */
	for (i = 0; i < n; i++) {
		CHECK_EQ_INT(no[i], 0);
		CHECK(i == 0 || seq[i] > seq[i - 1]);
		seen[nseen++] = seq[i];
	}
	CHECK_STR(conn_header(c[1], "Content-Type"), "application/json");
	for (j = 0; j < 3; j += 2) {
		n = event_ids(c[j]->body, no, seq, 64);
		CHECK_EQ_INT(n, 3);	/* priming, notification, answer */
		for (i = 0; i < n; i++) {
			CHECK_EQ_INT(no[i], j == 0 ? 1 : 2);
			CHECK(i == 0 || seq[i] > seq[i - 1]);
			seen[nseen++] = seq[i];
		}
	}
	/* Stream 2 began after stream 1 ended: its ids come later. */
	CHECK(seen[nseen - 3] > seen[nseen - 4]);
	for (i = 0; i < nseen; i++) {
		for (j = i + 1; j < nseen; j++)
			CHECK(seen[i] != seen[j]);
	}
	for (i = 0; i < 3; i++)
		conn_free(c[i]);
	conn_free(get);
	app_stop(&a);
}

static const struct mcp_transport_ops other_ops = { .name = "stdio" };

/* SEP-1699 polling: the server ends the POST stream after its priming
 * event; what the request sends later is stored, and GET with Last-Event-ID
 * replays it, then carries the rest and ends after the answer. */
static void
test_server_closed_stream_resumes(void)
{
	struct app a;
	struct hreq r = { 0 }, g = { .method = "GET",
	    .accept = "text/event-stream" }, rg;
	struct conn *c, *get, *again;
	struct mcp_transport *t;
	struct mcp_transport other = { .ops = &other_ops };
	struct mcp_id unknown = { MCP_ID_INT, 99, NULL };

	app_start(&a, NULL);
	r.session = g.session = init_session(&a);
	t = mcp_peer_transport(a.sess[0]->peer);
	CHECK_STR(t->ops->name, "http");
	r.body = "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"poll\"}";
	c = http_do(&a, &r);
	CHECK_EQ_INT(a.closed_rc, 0);
	CHECK_EQ_INT(c->status, 200);
	CHECK_STR(conn_header(c, "Content-Type"), "text/event-stream");
	CHECK(c->complete);
	CHECK_STR(c->body, priming_1);
	conn_free(c);
	CHECK(a.held != NULL);
	if (a.held == NULL) {
		app_stop(&a);
		return;
	}
	/* Again is harmless; unknown requests and other transports fail. */
	CHECK_EQ_INT(mcp_http_close_stream(t, mcp_request_id(a.held)), 0);
	CHECK_EQ_INT(mcp_http_close_stream(t, &unknown), -1);
	CHECK_EQ_INT(mcp_http_close_stream(&other, mcp_request_id(a.held)),
	    -1);
	CHECK_EQ_INT(mcp_http_close_stream(NULL, mcp_request_id(a.held)), -1);
	/* Produced while nobody reads. */
	mcp_peer_notify_related(a.sess[0]->peer, mcp_request_id(a.held),
	    "notifications/progress", mcp_json_parse_const(
	    "{\"progressToken\":1,\"progress\":1}"));
	/* The request is still in flight: its id cannot be reused. */
	c = http_do(&a, &r);
	CHECK_EQ_INT(c->status, 400);
	conn_free(c);

	rg = g;
	rg.extra = "Last-Event-ID: 1-1\r\n";
	get = conn_open(&a, &rg);
	CHECK(conn_wait_body(&a, get, "\"progress\":1}", 2000));
	CHECK_EQ_INT(get->status, 200);
	CHECK_STR(conn_header(get, "Content-Type"), "text/event-stream");
	CHECK(starts_with(get->body, "event: message\nid: 1-2\ndata: "
	    "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\""));
	CHECK(!get->complete);
	/* One reader per stream. */
	again = http_do(&a, &rg);
	CHECK_EQ_INT(again->status, 409);
	conn_free(again);
	/* The rest arrives live; the answer ends the GET. */
	mcp_request_reply(a.held, mcp_json_parse_const("{\"done\":true}"));
	a.held = NULL;
	CHECK(run_until(&a, conn_done, get, 2000));
	CHECK_CONTAINS(get->body, "event: message\nid: 1-3\ndata: {\"jsonrpc\":"
	    "\"2.0\",\"id\":3,\"result\":{\"done\":true}}\n\n");
	CHECK_EQ_INT(count_of(get->body, "id: 1-2\n"), 1);
	conn_free(get);
	/* The standalone stream is another matter. */
	get = conn_open(&a, &g);
	CHECK(conn_wait_body(&a, get, "retry: 1000", 2000));
	CHECK_EQ_INT(get->status, 200);
	conn_free(get);
	app_stop(&a);
}

/* Ids this session never sent get 400; the standalone stream resumes from
 * the store and then takes what was queued while it was closed. */
static void
test_resume_unknown_event_id(void)
{
	static const char *const bad[] = {
		"17", "abc", "1-", "-1", "0-1x", "0-99", "5-1", "0--1",
		"99999999999999999999999-1", "1-2",
	};
	struct app a;
	struct hreq r = { 0 }, g = { .method = "GET",
	    .accept = "text/event-stream" }, rg;
	struct conn *c, *get;
	char extra[128];
	size_t i;

	app_start(&a, NULL);
	r.session = g.session = init_session(&a);
	get = conn_open(&a, &g);			/* 0-1 */
	r.body = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"broadcast\"}";
	c = http_do(&a, &r);			/* 0-2 */
	conn_free(c);
	CHECK(conn_wait_body(&a, get, "id: 0-2\n", 2000));
	rg = g;
	rg.extra = extra;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		snprintf(extra, sizeof extra, "Last-Event-ID: %s\r\n", bad[i]);
		c = http_do(&a, &rg);
		if (c->status != 400)
			fprintf(stderr, "  Last-Event-ID '%s'\n", bad[i]);
		CHECK_EQ_INT(c->status, 400);
		CHECK_EQ_INT(error_code(c, NULL), -32000);
		CHECK_CONTAINS(c->body, "unknown Last-Event-ID");
		conn_free(c);
	}
	/* The open GET stream has its reader. */
	snprintf(extra, sizeof extra, "Last-Event-ID: 0-1\r\n");
	c = http_do(&a, &rg);
	CHECK_EQ_INT(c->status, 409);
	conn_free(c);

	conn_free(get);
	app_spin(&a, 50);
	r.body = "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"broadcast\"}";
	c = http_do(&a, &r);			/* queued */
	conn_free(c);
	get = conn_open(&a, &rg);
	CHECK(conn_wait_body(&a, get, "id: 0-3\n", 2000));
	CHECK_EQ_INT(get->status, 200);
	CHECK(starts_with(get->body, "event: message\nid: 0-2\ndata: {"));
	CHECK_EQ_INT(count_of(get->body, "list_changed"), 2);
	CHECK(!get->complete);
	/* It is the standalone stream now. */
	c = http_do(&a, &g);
	CHECK_EQ_INT(c->status, 409);
	conn_free(c);
	conn_free(get);
	app_spin(&a, 50);
	/* An empty Last-Event-ID is none. */
	snprintf(extra, sizeof extra, "Last-Event-ID:\r\n");
	get = conn_open(&a, &rg);
	CHECK(conn_wait_body(&a, get, "retry: 1000", 2000));
	CHECK_EQ_INT(get->status, 200);
	conn_free(get);
	app_stop(&a);
}

/* The store keeps the latest events only; resuming from an id it dropped
 * replays what is left of that stream, the answer included. */
static void
test_replay_store_bound(void)
{
	struct app a;
	struct mcp_http_opts o = { .replay_events = 4 };
	struct hreq r = { 0 }, g = { .method = "GET",
	    .accept = "text/event-stream" };
	struct conn *c;
	int i, pass;

	for (pass = 0; pass < 2; pass++) {
		if (pass == 1) {
			/* A byte limit smaller than any event: only the
			 * newest stays. */
			memset(&o, 0, sizeof o);
			o.replay_bytes = 10;
		}
		app_start(&a, &o);
		r.session = g.session = init_session(&a);
		r.body = "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"hold\","
		    "\"params\":{\"sse\":true}}";
		c = conn_open(&a, &r);		/* 1-1 priming, 1-2 held */
		CHECK(conn_wait_body(&a, c, "\"held\"", 2000));
		conn_free(c);
		app_spin(&a, 50);
		CHECK(a.held != NULL);
		if (a.held == NULL) {
			app_stop(&a);
			return;
		}
		for (i = 0; i < 6; i++) {	/* 1-3 ... 1-8 */
			cJSON *p = cJSON_CreateObject();

			mcp_json_add_num(p, "progress", i);
			mcp_json_add_num(p, "progressToken", 1);
			mcp_peer_notify_related(a.sess[0]->peer,
			    mcp_request_id(a.held), "notifications/progress",
			    p);
		}
		mcp_request_reply(a.held, NULL);	/* 1-9 */
		a.held = NULL;
		app_spin(&a, 20);

		g.extra = "Last-Event-ID: 1-2\r\n";
		c = http_do(&a, &g);
		CHECK_EQ_INT(c->status, 200);
		CHECK(c->complete);
		CHECK(strstr(c->body, "id: 1-5\n") == NULL);
		CHECK_EQ_INT(count_of(c->body, "event: message"),
		    pass == 0 ? 4 : 1);
		if (pass == 0)
			CHECK(starts_with(c->body,
			    "event: message\nid: 1-6\n"));
		CHECK_CONTAINS(c->body, "id: 1-9\ndata: {\"jsonrpc\":\"2.0\","
		    "\"id\":7,\"result\":{}}");
		conn_free(c);
		if (pass == 0) {
			g.extra = "Last-Event-ID: 1-7\r\n";
			c = http_do(&a, &g);
			CHECK_EQ_INT(count_of(c->body, "event: message"), 2);
			CHECK(starts_with(c->body,
			    "event: message\nid: 1-8\n"));
			conn_free(c);
		}
		app_stop(&a);
	}
}

int
main(void)
{
	signal(SIGPIPE, SIG_IGN);
	HARNESS_BEGIN("http_server");
	TEST(test_initialize_creates_session);
	TEST(test_json_reply);
	TEST(test_sse_reply);
	TEST(test_notification_202);
	TEST(test_missing_session_400);
	TEST(test_unknown_session_404);
	TEST(test_initialize_with_session_400);
	TEST(test_bad_json_400);
	TEST(test_batch_400);
	TEST(test_content_type_415);
	TEST(test_accept_406);
	TEST(test_oversize_413);
	TEST(test_protocol_version_400);
	TEST(test_origin_and_host_403);
	TEST(test_get_stream_receives_queued);
	TEST(test_get_queue_is_bounded);
	TEST(test_get_errors);
	TEST(test_delete_ends_session);
	TEST(test_method_405);
	TEST(test_resume_after_client_disconnect);
	TEST(test_disconnect_pending_json);
	TEST(test_cancel_ends_stream);
	TEST(test_duplicate_id_400);
	TEST(test_transport_close);
	TEST(test_initialize_failure_ends_session);
	TEST(test_max_sessions_503);
	TEST(test_server_free_with_live_sessions);
	TEST(test_idle_timeout_ends_session);
	TEST(test_listen_addresses);
	TEST(test_priming_event_2025_11_25);
	TEST(test_no_priming_before_2025_11_25);
	TEST(test_event_ids_increase);
	TEST(test_server_closed_stream_resumes);
	TEST(test_resume_unknown_event_id);
	TEST(test_replay_store_bound);
	return HARNESS_END();
}
