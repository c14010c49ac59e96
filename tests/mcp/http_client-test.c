/*
 * Streamable HTTP client transport: a peer on mcp_http_client talks to our
 * own server kit over HTTP in the same loop (JSON replies, SSE with progress,
 * a stream closed early and resumed with GET + Last-Event-ID, the GET
 * stream, DELETE, an expired session, nothing listening), to a raw
 * evhttp server that checks the headers and sends hand-made SSE, and to an
 * HTTP+SSE (2024-11-05) server reached by fallback or by choice.
 */
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/listener.h>

#include "mcp/http_client.h"
#include "mcp/json.h"
#include "mcp/peer.h"
#include "mcp/server.h"
#include "tests/harness.h"
#include "tests/mcp/testutil.h"

/* The server */

static struct mcp_call *held_call;

static void
tool_echo(struct mcp_call *call, const cJSON *args, void *arg)
{
	(void)args;
	(void)arg;
	mcp_call_return_text(call, "pong");
}

static void
tool_slow(struct mcp_call *call, const cJSON *args, void *arg)
{
	(void)args;
	(void)arg;
	mcp_call_progress(call, 1, 2, "half");
	mcp_call_return_text(call, "slow done");
}

static void
late_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	if (held_call != NULL)
		mcp_call_return_text(held_call, "late answer");
	held_call = NULL;
}

static void
tool_poll(struct mcp_call *call, const cJSON *args, void *arg)
{
	struct event_base *base = arg;
	struct timeval tv = { 0, 100000 };

	(void)args;
	CHECK_EQ_INT(mcp_call_close_stream(call), 0);
	held_call = call;
	event_base_once(base, -1, EV_TIMEOUT, late_cb, NULL, &tv);
}

static void
res_read(struct mcp_call *call, const char *uri, const cJSON *vars, void *arg)
{
	(void)uri;
	(void)vars;
	(void)arg;
	mcp_call_return_text(call, "x");
}

static const struct mcp_tool t_echo = { .name = "echo", .handler = tool_echo };
static const struct mcp_tool t_slow = { .name = "slow", .handler = tool_slow };
static const struct mcp_tool t_poll = { .name = "poll", .handler = tool_poll };
static const struct mcp_resource r_doc = { .uri = "test://doc", .name = "doc",
	.handler = res_read };
static const struct mcp_server_info info = { .name = "t", .version = "1" };

struct env {
	struct event_base *base;
	struct mcp_server *srv;
	struct testutil_log srvlog;
	struct mcp_log slog, clog;
	struct testutil_log cl;
	int port;
	struct mcp_peer *peer;
	struct testutil_closed closed;
	int notes;
	char last_note[128];
};

static struct mcp_server *
server_start(struct env *e, const char *addr)
{
	struct mcp_err err = { 0, "" };
	struct mcp_server *srv = mcp_server_new(&info);

	mcp_server_add_tool(srv, &t_echo, NULL, &err);
	mcp_server_add_tool(srv, &t_slow, NULL, &err);
	mcp_server_add_tool(srv, &t_poll, e->base, &err);
	mcp_server_add_resource(srv, &r_doc, NULL, &err);
	mcp_server_set_log(srv, &e->slog);
	CHECK_EQ_INT(mcp_server_listen_http(srv, e->base, addr, &err), 0);
	return srv;
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
on_request(void *arg, struct mcp_request *req)
{
	(void)arg;
	mcp_request_fail(req, MCP_METHOD_NOT_FOUND, NULL, NULL);
}

static void
client_start(struct env *e, const char *url,
    const struct mcp_http_client_opts *o)
{
	struct mcp_http_client_opts def = { 0 };
	struct mcp_err err = { 0, "" };
	struct mcp_peer_opts po = { 3000, 0, 0, &e->clog };
	struct mcp_transport *t;

	def = o != NULL ? *o : def;
	def.log = &e->clog;
	t = mcp_http_client_new(e->base, url, &def, &err);
	CHECK(t != NULL);
	if (t == NULL)
		abort();
	e->peer = mcp_peer_new(e->base, t, &po);
	mcp_peer_set_handlers(e->peer, on_request, on_note, e);
	mcp_peer_set_closed_cb(e->peer, testutil_on_closed, &e->closed);
}

static void
env_init(struct env *e, bool with_server)
{
	char url[64];

	memset(e, 0, sizeof *e);
	e->base = event_base_new();
	e->slog.fn = testutil_log_fn;
	e->slog.arg = &e->srvlog;
	e->slog.level = MCP_LOG_INFO;
	e->clog.fn = testutil_log_fn;
	e->clog.arg = &e->cl;
	e->clog.level = MCP_LOG_DEBUG;
	if (with_server) {
		e->srv = server_start(e, "127.0.0.1:0");
		e->port = mcp_server_http_port(e->srv);
		snprintf(url, sizeof url, "http://127.0.0.1:%d/mcp", e->port);
		client_start(e, url, NULL);
	}
}

static void
env_free(struct env *e)
{
	mcp_peer_free(e->peer);
	if (e->srv != NULL) {
		mcp_server_shutdown(e->srv);
		testutil_spin(e->base, 10);
		mcp_server_free(e->srv);
	}
	held_call = NULL;
	event_base_free(e->base);
}

/* Requests */

struct resp {
	bool done;
	int code;
	char msg[512];
	char text[256];
	int progress;
};

static void
resp_cb(void *arg, const struct mcp_response *r)
{
	struct resp *rs = arg;
	const cJSON *content, *t;

	rs->done = true;
	rs->code = r->code;
	snprintf(rs->msg, sizeof rs->msg, "%s", r->message ? r->message : "");
	content = cJSON_GetObjectItem(r->result, "content");
	t = cJSON_GetObjectItem(cJSON_GetArrayItem(content, 0), "text");
	if (cJSON_IsString(t))
		snprintf(rs->text, sizeof rs->text, "%s", t->valuestring);
}

static void
progress_cb(void *arg, double progress, double total, const char *message)
{
	struct resp *rs = arg;

	(void)progress;
	(void)total;
	(void)message;
	rs->progress++;
}

static bool
resp_done(void *arg)
{
	return ((struct resp *)arg)->done;
}

static void
request(struct env *e, const char *method, const char *params,
    struct resp *rs, bool progress, int ms)
{
	struct mcp_call_opts co = { 0, 0, progress ? progress_cb : NULL };

	memset(rs, 0, sizeof *rs);
	CHECK(mcp_peer_request(e->peer, method, params != NULL ?
	    mcp_json_parse_const(params) : NULL, &co, resp_cb, rs) > 0);
	testutil_loop_until(e->base, resp_done, rs, ms);
	CHECK(rs->done);
}

static void
initialize(struct env *e, bool initialized)
{
	struct resp rs;

	request(e, "initialize", "{\"protocolVersion\":\"2025-11-25\","
	    "\"capabilities\":{},\"clientInfo\":{\"name\":\"c\","
	    "\"version\":\"1\"}}", &rs, false, 3000);
	CHECK_EQ_INT(rs.code, 0);
	CHECK(mcp_http_client_session_id(mcp_peer_transport(e->peer)) != NULL);
	if (initialized)
		mcp_peer_notify(e->peer, "notifications/initialized", NULL);
}

static bool
closed_done(void *arg)
{
	return ((struct testutil_closed *)arg)->calls > 0;
}

/* Tests */

static void
test_session(void)
{
	struct env e;
	struct resp rs;

	env_init(&e, true);
	initialize(&e, true);
	request(&e, "tools/call", "{\"name\":\"echo\"}", &rs, false, 2000);
	CHECK_EQ_INT(rs.code, 0);
	CHECK_STR(rs.text, "pong");
	/* SSE: progress, then the answer. */
	request(&e, "tools/call", "{\"name\":\"slow\"}", &rs, true, 2000);
	CHECK_EQ_INT(rs.code, 0);
	CHECK_STR(rs.text, "slow done");
	CHECK_EQ_INT(rs.progress, 1);
	/* A server notification on the GET stream. */
	request(&e, "resources/subscribe", "{\"uri\":\"test://doc\"}", &rs,
	    false, 2000);
	CHECK_EQ_INT(rs.code, 0);
	testutil_spin(e.base, 100);
	mcp_server_resource_updated(e.srv, "test://doc");
	testutil_wait_count(e.base, &e.notes, 1, 2000);
	CHECK_STR(e.last_note, "notifications/resources/updated");
	/* DELETE at close ends the server's session. */
	mcp_peer_close(e.peer);
	testutil_loop_until(e.base, closed_done, &e.closed, 3000);
	CHECK_EQ_INT(e.closed.calls, 1);
	CHECK(e.closed.null_reason);
	testutil_spin(e.base, 50);
	CHECK_CONTAINS(e.srvlog.all, "ended by the client (DELETE)");
	env_free(&e);
}

static void
test_resume(void)
{
	struct env e;
	struct resp rs;
	int64_t t0;

	env_init(&e, true);
	initialize(&e, true);
	t0 = testutil_now_ms();
	request(&e, "tools/call", "{\"name\":\"poll\"}", &rs, false, 4000);
	CHECK_EQ_INT(rs.code, 0);
	CHECK_STR(rs.text, "late answer");
	CHECK(testutil_now_ms() - t0 >= 900);	/* honoured retry: 1000 */
	CHECK_CONTAINS(e.cl.all, "resuming");
	env_free(&e);
}

static void
test_expired(void)
{
	struct env e;
	struct resp rs;
	char addr[64];

	env_init(&e, true);
	initialize(&e, false);
	/* The server restarts: our session is gone. */
	mcp_server_shutdown(e.srv);
	testutil_spin(e.base, 10);
	mcp_server_free(e.srv);
	snprintf(addr, sizeof addr, "127.0.0.1:%d", e.port);
	e.srv = server_start(&e, addr);
	request(&e, "tools/call", "{\"name\":\"echo\"}", &rs, false, 2000);
	CHECK_EQ_INT(rs.code, MCP_CONNECTION_CLOSED);
	CHECK_CONTAINS(rs.msg, "session expired");
	testutil_loop_until(e.base, closed_done, &e.closed, 2000);
	CHECK_EQ_INT(e.closed.calls, 1);
	CHECK_CONTAINS(e.closed.reason, "session expired: the server no longer "
	    "knows session ");
	CHECK_CONTAINS(e.closed.reason, "(HTTP 404); start a new session");
	env_free(&e);
}

static void
test_refused(void)
{
	struct env e;
	struct resp rs;
	char url[64];
	int port;
	int64_t t0;

	env_init(&e, false);
	e.srv = server_start(&e, "127.0.0.1:0");
	port = mcp_server_http_port(e.srv);
	mcp_server_free(e.srv);
	e.srv = NULL;
	snprintf(url, sizeof url, "http://127.0.0.1:%d/mcp", port);
	client_start(&e, url, NULL);
	t0 = testutil_now_ms();
	request(&e, "initialize", "{}", &rs, false, 2000);
	CHECK(testutil_now_ms() - t0 < 1000);
	CHECK(rs.code != 0);
	CHECK_CONTAINS(rs.msg, url);
	testutil_loop_until(e.base, closed_done, &e.closed, 1000);
	CHECK_CONTAINS(e.closed.reason, "cannot reach");
	env_free(&e);
}

/* A raw server: records headers, answers with hand-made SSE. */

struct raw {
	char custom[64];
	char auth[128];
	char version[32];
};

static void
raw_cb(struct evhttp_request *req, void *arg)
{
	struct raw *r = arg;
	struct evkeyvalq *h = evhttp_request_get_input_headers(req);
	struct evbuffer *in = evhttp_request_get_input_buffer(req);
	struct evbuffer *out = evbuffer_new();
	size_t n = evbuffer_get_length(in);
	char *body = calloc(1, n + 1);
	cJSON *msg, *id;
	const char *v;

	evbuffer_remove(in, body, n);
	if ((v = evhttp_find_header(h, "X-Custom")) != NULL)
		snprintf(r->custom, sizeof r->custom, "%s", v);
	if ((v = evhttp_find_header(h, "Authorization")) != NULL)
		snprintf(r->auth, sizeof r->auth, "%s", v);
	msg = cJSON_Parse(body);
	id = cJSON_GetObjectItem(msg, "id");
	if (evhttp_request_get_command(req) != EVHTTP_REQ_POST ||
	    !cJSON_IsNumber(id)) {
		evhttp_send_reply(req, evhttp_request_get_command(req) ==
		    EVHTTP_REQ_POST ? 202 : 405, "x", NULL);
	} else {
		evhttp_add_header(evhttp_request_get_output_headers(req),
		    "Content-Type", "text/event-stream");
		evbuffer_add_printf(out,
		    ": keep-alive\r\n"
		    "event: message\r\nid: 1\r\n"
		    "data: {\"jsonrpc\":\"2.0\",\r\n"
		    "data: \"method\":\"notifications/hello\"}\r\n\r\n"
		    "event: other\ndata: {\"jsonrpc\":\"2.0\",\"method\":\"x\"}\n\n"
		    "data: {\"jsonrpc\":\"2.0\",\"id\":%d,\"result\":"
		    "{\"content\":[{\"type\":\"text\",\"text\":\"raw\"}]}}\n\n",
		    id->valueint);
		evhttp_send_reply(req, 200, "OK", out);
	}
	cJSON_Delete(msg);
	free(body);
	evbuffer_free(out);
}

static void
test_headers_and_sse(void)
{
	static const char *const hdrs[] = { "X-Custom: hello", NULL };
	struct mcp_http_client_opts o = { .headers = hdrs,
		.bearer_token = "tok123" };
	struct env e;
	struct raw r;
	struct evhttp *http;
	struct evhttp_bound_socket *bs;
	struct sockaddr_in sin;
	socklen_t sl = sizeof sin;
	struct resp rs;
	char url[64];

	memset(&r, 0, sizeof r);
	env_init(&e, false);
	http = evhttp_new(e.base);
	evhttp_set_gencb(http, raw_cb, &r);
	bs = evhttp_bind_socket_with_handle(http, "127.0.0.1", 0);
	getsockname(evhttp_bound_socket_get_fd(bs), (struct sockaddr *)&sin,
	    &sl);
	snprintf(url, sizeof url, "http://127.0.0.1:%d/mcp",
	    ntohs(sin.sin_port));
	client_start(&e, url, &o);
	request(&e, "tools/call", "{\"name\":\"x\"}", &rs, false, 2000);
	CHECK_EQ_INT(rs.code, 0);
	CHECK_STR(rs.text, "raw");
	CHECK_EQ_INT(e.notes, 1);
	CHECK_STR(e.last_note, "notifications/hello");
	CHECK_STR(r.custom, "hello");
	CHECK_STR(r.auth, "Bearer tok123");
	mcp_peer_free(e.peer);
	e.peer = NULL;
	evhttp_free(http);
	env_free(&e);
}

/* An HTTP+SSE (2024-11-05) server on evhttp: GET opens the stream whose
 * first event names the endpoint; POSTs there are only accepted, and the
 * answers travel on the stream. A tool call first asks the client a
 * question (roots/list) and answers once the client's reply came by POST. */

struct legacy {
	struct evhttp_request *stream;
	int gets, posts_url, posts_ep;
	int stream_closed;
	bool bad_header;		/* a Streamable HTTP header came */
	char pending_id[32];		/* the held tools/call */
	char reply_code[32];		/* the client's answer to roots/list */
	char bodies[4096];
};

static void
legacy_stream_closed(struct evhttp_connection *evcon, void *arg)
{
	struct legacy *l = arg;

	(void)evcon;
	/* libevent leaves a reply in progress to us (the request is detached
	 * from its connection by now): end it to free it. */
	if (l->stream != NULL)
		evhttp_send_reply_end(l->stream);
	l->stream = NULL;
	l->stream_closed++;
}

static void
legacy_event(struct legacy *l, const char *fmt, const char *id,
    const char *what)
{
	struct evbuffer *b = evbuffer_new();

	evbuffer_add_printf(b, "event: message\ndata: ");
	evbuffer_add_printf(b, fmt, id, what);
	evbuffer_add_printf(b, "\n\n");
	if (l->stream != NULL)
		evhttp_send_reply_chunk(l->stream, b);
	evbuffer_free(b);
}

static void
legacy_cb(struct evhttp_request *req, void *arg)
{
	struct legacy *l = arg;
	struct evkeyvalq *h = evhttp_request_get_input_headers(req);
	struct evbuffer *in = evhttp_request_get_input_buffer(req);
	size_t n = evbuffer_get_length(in);
	char *body = calloc(1, n + 1);
	const char *uri = evhttp_request_get_uri(req);
	cJSON *msg, *id, *method;
	char *ids;

	evbuffer_remove(in, body, n);
	if (evhttp_find_header(h, "Mcp-Session-Id") != NULL ||
	    evhttp_find_header(h, "MCP-Protocol-Version") != NULL)
		l->bad_header = true;
	if (evhttp_request_get_command(req) == EVHTTP_REQ_GET) {
		struct evbuffer *b = evbuffer_new();

		l->gets++;
		evhttp_add_header(evhttp_request_get_output_headers(req),
		    "Content-Type", "text/event-stream");
		evhttp_send_reply_start(req, 200, "OK");
		evbuffer_add_printf(b, ": hello\n\nevent: endpoint\n"
		    "data: /messages?session=42\n\n");
		evhttp_send_reply_chunk(req, b);
		evbuffer_free(b);
		l->stream = req;
		evhttp_connection_set_closecb(evhttp_request_get_connection(req),
		    legacy_stream_closed, l);
		free(body);
		return;
	}
	if (strncmp(uri, "/messages?session=42", 20) != 0) {
		l->posts_url++;
		evhttp_send_reply(req, 405, "Method Not Allowed", NULL);
		free(body);
		return;
	}
	l->posts_ep++;
	if (strlen(l->bodies) + n + 2 < sizeof l->bodies) {
		strcat(l->bodies, body);
		strcat(l->bodies, "\n");
	}
	evhttp_send_reply(req, 202, "Accepted", NULL);
	msg = cJSON_Parse(body);
	id = cJSON_GetObjectItem(msg, "id");
	method = cJSON_GetObjectItem(msg, "method");
	ids = cJSON_PrintUnformatted(id);
	if (cJSON_IsString(method) && strcmp(method->valuestring,
	    "initialize") == 0) {
		legacy_event(l, "{\"jsonrpc\":\"2.0\",\"id\":%s,\"result\":"
		    "{\"protocolVersion\":\"%s\",\"capabilities\":{},"
		    "\"serverInfo\":{\"name\":\"old\",\"version\":\"1\"}}}",
		    ids, "2024-11-05");
	} else if (cJSON_IsString(method) && strcmp(method->valuestring,
	    "tools/call") == 0) {
		snprintf(l->pending_id, sizeof l->pending_id, "%s", ids);
		legacy_event(l, "{\"jsonrpc\":\"2.0\",\"id\":%s,\"method\":"
		    "\"%s\"}", "\"srv-1\"", "roots/list");
	} else if (method == NULL && cJSON_IsString(id) &&
	    strcmp(id->valuestring, "srv-1") == 0) {
		const cJSON *code = cJSON_GetObjectItem(cJSON_GetObjectItem(msg,
		    "error"), "code");

		snprintf(l->reply_code, sizeof l->reply_code, "%d",
		    cJSON_IsNumber(code) ? code->valueint : 0);
		legacy_event(l, "{\"jsonrpc\":\"2.0\",\"id\":%s,\"result\":"
		    "{\"content\":[{\"type\":\"text\",\"text\":\"%s\"}]}}",
		    l->pending_id, l->reply_code);
	} else if (id != NULL && method != NULL) {
		legacy_event(l, "{\"jsonrpc\":\"2.0\",\"id\":%s,\"result\":%s}",
		    ids, "{}");
	}
	free(ids);
	cJSON_Delete(msg);
	free(body);
}

static void
legacy_session(enum mcp_http_client_mode mode)
{
	struct mcp_http_client_opts o = { .mode = mode };
	struct env e;
	struct legacy l;
	struct evhttp *http;
	struct evhttp_bound_socket *bs;
	struct sockaddr_in sin;
	socklen_t sl = sizeof sin;
	struct resp rs;
	char url[64];

	memset(&l, 0, sizeof l);
	env_init(&e, false);
	http = evhttp_new(e.base);
	evhttp_set_gencb(http, legacy_cb, &l);
	bs = evhttp_bind_socket_with_handle(http, "127.0.0.1", 0);
	getsockname(evhttp_bound_socket_get_fd(bs), (struct sockaddr *)&sin,
	    &sl);
	snprintf(url, sizeof url, "http://127.0.0.1:%d/sse",
	    ntohs(sin.sin_port));
	client_start(&e, url, &o);
	CHECK(!mcp_http_client_is_legacy(mcp_peer_transport(e.peer)) ==
	    (mode == MCP_HTTP_CLIENT_AUTO));
	request(&e, "initialize", "{\"protocolVersion\":\"2025-11-25\","
	    "\"capabilities\":{},\"clientInfo\":{\"name\":\"c\","
	    "\"version\":\"1\"}}", &rs, false, 3000);
	CHECK_EQ_INT(rs.code, 0);
	CHECK(mcp_http_client_is_legacy(mcp_peer_transport(e.peer)));
	CHECK(mcp_http_client_session_id(mcp_peer_transport(e.peer)) == NULL);
	CHECK_EQ_INT(l.posts_url, mode == MCP_HTTP_CLIENT_AUTO ? 1 : 0);
	mcp_peer_notify(e.peer, "notifications/initialized", NULL);
	/* A server request on the stream, answered by POST, then the call's
	 * own answer. */
	request(&e, "tools/call", "{\"name\":\"x\"}", &rs, false, 3000);
	CHECK_EQ_INT(rs.code, 0);
	CHECK_STR(rs.text, "-32601");
	CHECK_STR(l.reply_code, "-32601");
	request(&e, "ping", NULL, &rs, false, 3000);
	CHECK_EQ_INT(rs.code, 0);
	CHECK_EQ_INT(l.gets, 1);		/* one stream, no other GET */
	CHECK(!l.bad_header);
	CHECK_CONTAINS(l.bodies, "notifications/initialized");
	/* Closing ends the stream; there is no DELETE. */
	mcp_peer_close(e.peer);
	testutil_loop_until(e.base, closed_done, &e.closed, 3000);
	CHECK_EQ_INT(e.closed.calls, 1);
	CHECK(e.closed.null_reason);
	testutil_wait_count(e.base, &l.stream_closed, 1, 2000);
	CHECK_EQ_INT(l.stream_closed, 1);
	mcp_peer_free(e.peer);
	e.peer = NULL;
	evhttp_free(http);
	env_free(&e);
}

static void
test_legacy_fallback(void)
{
	legacy_session(MCP_HTTP_CLIENT_AUTO);
}

static void
test_legacy_explicit(void)
{
	legacy_session(MCP_HTTP_CLIENT_LEGACY_SSE);
}

static void
test_bad_url(void)
{
	struct mcp_err err = { 0, "" };
	struct event_base *base = event_base_new();

	static const char *const own[] = { "X-Ok: 1", "mcp-session-id: x", NULL };
	static const char *const bad[] = { "No colon here", NULL };
	static const char *const sp[] = { "Bad name: x", NULL };
	struct mcp_http_client_opts o = { .headers = own };

	CHECK(mcp_http_client_new(base, "ftp://x", NULL, &err) == NULL);
	CHECK_CONTAINS(err.msg, "http://");
	memset(&err, 0, sizeof err);
	CHECK(mcp_http_client_new(base, "http://x/", &o, &err) == NULL);
	CHECK_STR(err.msg, "http: header 'Mcp-Session-Id' is the transport's "
	    "own; remove it from the extra headers");
	o.headers = bad;
	memset(&err, 0, sizeof err);
	CHECK(mcp_http_client_new(base, "http://x/", &o, &err) == NULL);
	CHECK_CONTAINS(err.msg, "bad header 'No colon here'");
	o.headers = sp;
	memset(&err, 0, sizeof err);
	CHECK(mcp_http_client_new(base, "http://x/", &o, &err) == NULL);
	CHECK_CONTAINS(err.msg, "bad header 'Bad name: x'");
	o.headers = NULL;
	o.mode = (enum mcp_http_client_mode)7;
	memset(&err, 0, sizeof err);
	CHECK(mcp_http_client_new(base, "http://x/", &o, &err) == NULL);
	CHECK_CONTAINS(err.msg, "unknown transport mode 7");
	event_base_free(base);
}

int
main(void)
{
	signal(SIGPIPE, SIG_IGN);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	HARNESS_BEGIN("http_client");
	HARNESS_WATCHDOG();
	TEST(test_bad_url);
	TEST(test_session);
	TEST(test_headers_and_sse);
	TEST(test_refused);
	TEST(test_expired);
	TEST(test_resume);
	TEST(test_legacy_fallback);
	TEST(test_legacy_explicit);
	curl_global_cleanup();
	return HARNESS_END();
}
