/*
 * The server kit (mcp/server.c) when things go wrong: the client vanishes
 * mid-call, floods the server, sends garbage or huge messages, or the
 * session ends while the server's own requests to the client are pending.
 * Run under ASan+UBSan with leak detection: "no crash, no leak" is the
 * assertion a test makes by merely finishing.
 */
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "mcp/json.h"
#include "mcp/peer.h"
#include "mcp/server.h"
#include "mcp/stdio.h"
#include "tests/harness.h"
#include "tests/mcp/testutil.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static struct event_base *base;

/* Logs are kept, not printed. */
static struct testutil_log logs;
static const struct mcp_log quiet = { testutil_log_fn, &logs, MCP_LOG_DEBUG,
    "test" };

static const cJSON *
at(const cJSON *v, const char *key)
{
	return cJSON_IsObject(v) ? cJSON_GetObjectItemCaseSensitive(v, key) :
	    NULL;
}

/* The text of a tool result's first content block, or NULL. */
static const char *
result_text(const cJSON *result)
{
	const cJSON *t = at(cJSON_GetArrayItem(at(result, "content"), 0), "text");

	return cJSON_IsString(t) ? t->valuestring : NULL;
}

/* What the handlers saw */

static struct {
	int slow_started, slow_cancels, slow_ended, slow_live;
	int orphan_ticks;		/* ticks that found the session gone */
	int orphan_refused;		/* requests refused to orphans */
	int held;
	int asks, ask_answers, ask_closed;
} seen;

/* Tools */

/* slow: answers after steps ticks of 10 ms; on cancel it stops, unless
 * linger, in which case it keeps going and uses the call to the end. */
struct job {
	struct mcp_call *call;
	struct event *ev;
	int ticks, steps;
	bool linger;
};

static void
job_free(struct job *j)
{
	seen.slow_live--;
	event_free(j->ev);
	free(j);
}

static void
job_after(struct job *j)
{
	struct timeval tv = { 0, 10000 };

	evtimer_add(j->ev, &tv);
}

static void
job_tick(evutil_socket_t fd, short events, void *arg)
{
	struct job *j = arg;
	struct mcp_call *c = j->call;

	(void)fd;
	(void)events;
	if (mcp_call_session(c) == NULL) {
		/* Orphaned: everything is accepted and dropped. */
		seen.orphan_ticks++;
		if (!mcp_call_cancelled(c))
			seen.orphan_ticks += 1000;
		mcp_call_progress(c, j->ticks + 1, NAN, "still here");
		mcp_call_log(c, MCP_LOG_EMERGENCY, NULL,
		    cJSON_CreateString("nobody listens"));
		mcp_call_on_cancel(c, NULL, NULL);
		if (mcp_call_request(c, "sampling/createMessage",
		    cJSON_CreateObject(), NULL, NULL) != 0)
			seen.orphan_refused++;
		if (mcp_call_name(c) == NULL || strcmp(mcp_call_name(c),
		    "slow") != 0)
			seen.orphan_ticks += 1000;
	}
	if (++j->ticks < j->steps) {
		mcp_call_progress(c, j->ticks, j->steps, NULL);
		job_after(j);
		return;
	}
	seen.slow_ended++;
	mcp_call_return_text(c, "slept");
	job_free(j);
}

static void
job_cancelled(void *arg, struct mcp_call *c)
{
	struct job *j = arg;

	seen.slow_cancels++;
	if (j->linger)
		return;
	mcp_call_return_text(c, "cancelled");
	job_free(j);
}

static void
tool_slow(struct mcp_call *c, const cJSON *args, void *arg)
{
	struct job *j = mcp_xcalloc(1, sizeof *j);

	(void)arg;
	seen.slow_started++;
	seen.slow_live++;
	j->call = c;
	j->steps = (int)at(args, "steps")->valuedouble;
	j->linger = cJSON_IsTrue(at(args, "linger"));
	j->ev = evtimer_new(mcp_server_base(mcp_call_server(c)), job_tick, j);
	mcp_call_on_cancel(c, job_cancelled, j);
	job_after(j);
}

/* hold: kept until the test ends it. */
#define MAX_HELD 10000
static struct mcp_call *held[MAX_HELD];

static void
tool_hold(struct mcp_call *c, const cJSON *args, void *arg)
{
	(void)args;
	(void)arg;
	if (seen.held >= MAX_HELD)
		abort();
	held[seen.held++] = c;
}

/* Answer every held call with structured content (a conforming one if
 * good) and forget them. */
static void
release_held(bool good)
{
	int i;

	for (i = 0; i < seen.held; i++) {
		cJSON *sc = cJSON_CreateObject();

		if (good)
			mcp_json_add_num(sc, "n", i);
		else
			mcp_json_add_str(sc, "n", "many");
		mcp_call_return_structured(held[i], sc, "held");
	}
	seen.held = 0;
}

static void
tool_echo(struct mcp_call *c, const cJSON *args, void *arg)
{
	(void)arg;
	mcp_call_return_text(c, at(args, "text")->valuestring);
}

static void
ask_done(void *arg, const struct mcp_response *r)
{
	struct mcp_call *c = arg;

	seen.ask_answers++;
	if (r->code == MCP_CONNECTION_CLOSED)
		seen.ask_closed++;
	if (r->code != 0)
		mcp_call_return_error(c, "the client answered %d", r->code);
	else
		mcp_call_return_text(c, "answered");
}

static void
tool_ask(struct mcp_call *c, const cJSON *args, void *arg)
{
	(void)args;
	(void)arg;
	seen.asks++;
	if (mcp_call_request(c, "sampling/createMessage",
	    mcp_json_parse_const("{\"messages\":[],\"maxTokens\":1}"), ask_done,
	    c) != 0)
		mcp_call_return_error(c, "refused");
}

static void
prompt_greet(struct mcp_call *c, const cJSON *args, void *arg)
{
	cJSON *result = cJSON_CreateObject();

	(void)arg;
	mcp_json_add_num(result, "nargs", cJSON_GetArraySize(args));
	mcp_json_add(result, "messages", cJSON_CreateArray());
	mcp_call_return(c, result);
}

static void
res_read(struct mcp_call *c, const char *uri, const cJSON *vars, void *arg)
{
	(void)uri;
	(void)vars;
	(void)arg;
	mcp_call_return(c, mcp_json_parse_const("{\"contents\":[]}"));
}

static const struct mcp_tool tools[] = {
	{ .name = "slow", .input_schema = "{\"type\":\"object\",\"properties\":{"
	      "\"steps\":{\"type\":\"integer\",\"minimum\":1},\"linger\":"
	      "{\"type\":\"boolean\"}},\"required\":[\"steps\"]}",
	  .handler = tool_slow },
	{ .name = "hold", .input_schema = "{\"type\":\"object\"}",
	  .output_schema = "{\"type\":\"object\",\"properties\":{\"n\":"
	      "{\"type\":\"integer\"}},\"required\":[\"n\"]}",
	  .handler = tool_hold },
	{ .name = "echo", .input_schema = "{\"type\":\"object\",\"properties\":{"
	      "\"text\":{\"type\":\"string\",\"maxLength\":65536}},"
	      "\"required\":[\"text\"],\"additionalProperties\":false}",
	  .handler = tool_echo },
	{ .name = "ask", .handler = tool_ask },
};

static const struct mcp_prompt prompts[] = {
	{ .name = "greet", .args = { { .name = "name", .required = true } },
	  .handler = prompt_greet },
};

static const struct mcp_resource resources[] = {
	{ .uri = "test://a", .name = "a", .handler = res_read },
};

static const struct mcp_resource_template templates[] = {
	{ .uri_template = "test://t/{+path}", .name = "t", .handler = res_read },
};

static const struct mcp_server_info info = {
	.name = "fault-server",
	.version = "1",
};

static struct mcp_server *
server_new(void)
{
	struct mcp_server *srv = mcp_server_new(&info);
	struct mcp_err err = { 0, "" };
	size_t k;

	mcp_server_set_log(srv, &quiet);
	for (k = 0; k < NELEM(tools); k++)
		mcp_server_add_tool(srv, &tools[k], NULL, &err);
	for (k = 0; k < NELEM(prompts); k++)
		mcp_server_add_prompt(srv, &prompts[k], NULL, &err);
	for (k = 0; k < NELEM(resources); k++)
		mcp_server_add_resource(srv, &resources[k], NULL, &err);
	for (k = 0; k < NELEM(templates); k++)
		mcp_server_add_template(srv, &templates[k], NULL, &err);
	CHECK_STR(err.msg, "");
	memset(&seen, 0, sizeof seen);
	return srv;
}

/* Connections */

#define SERVER_MAX_MESSAGE (2u * 1024 * 1024)

struct conn {
	int fd[2];			/* fd[0]: the server's */
	struct mcp_session *sess;
	struct mcp_peer *client;	/* NULL in raw mode */
	bool hold_requests;		/* the client does not answer */
	struct mcp_request *client_held[16];
	int nclient_held;
	int client_requests;
	int client_closed;
	struct testutil_lines *lines;	/* raw mode: what the server wrote */
};

static void
client_on_request(void *arg, struct mcp_request *req)
{
	struct conn *c = arg;

	c->client_requests++;
	if (c->hold_requests && c->nclient_held < (int)NELEM(c->client_held)) {
		c->client_held[c->nclient_held++] = req;
		return;
	}
	mcp_request_reply(req, mcp_json_parse_const("{\"role\":\"assistant\","
	    "\"content\":{\"type\":\"text\",\"text\":\"ok\"},\"model\":\"m\"}"));
}

static void
client_on_closed(void *arg, const char *reason)
{
	(void)reason;
	((struct conn *)arg)->client_closed++;
}

static struct conn *
conn_open(struct mcp_server *srv, bool raw)
{
	struct conn *c = mcp_xcalloc(1, sizeof *c);
	struct mcp_stdio_opts sso = { SERVER_MAX_MESSAGE, &quiet };
	struct mcp_stdio_opts cso = { 0, &quiet };
	struct mcp_peer_opts po = { 8000, 8000, 0, &quiet };

	testutil_socketpair(c->fd);
	c->sess = mcp_server_serve(srv, base, mcp_stdio_new(base, c->fd[0],
	    c->fd[0], &sso));
	if (raw) {
		evutil_make_socket_nonblocking(c->fd[1]);
		c->lines = testutil_lines_new(base, c->fd[1]);
		return c;
	}
	c->client = mcp_peer_new(base, mcp_stdio_new(base, c->fd[1], c->fd[1],
	    &cso), &po);
	mcp_peer_set_handlers(c->client, client_on_request, NULL, c);
	mcp_peer_set_closed_cb(c->client, client_on_closed, c);
	return c;
}

/* The server's descriptors close only after the server is freed (a session
 * still registered on a closed descriptor would read a reused one). */
static int server_fds[512];
static int nserver_fds;

/* The client goes away: its peer (with whatever it held) and its end. */
static void
conn_free(struct conn *c)
{
	if (c == NULL)
		return;
	if (nserver_fds == (int)NELEM(server_fds))
		abort();
	if (c->fd[0] >= 0)
		server_fds[nserver_fds++] = c->fd[0];
	mcp_peer_free(c->client);
	testutil_lines_free(c->lines);
	close(c->fd[1]);
	free(c);
}

static void
server_free(struct mcp_server *srv)
{
	mcp_server_free(srv);
	while (nserver_fds > 0)
		close(server_fds[--nserver_fds]);
}

static void
raw_send_n(struct conn *c, const char *buf, size_t len)
{
	/* A full socket turns the loop: the server reads, we drain answers. */
	testutil_write(base, c->fd[1], buf, len);
}

static void
raw_send(struct conn *c, const char *line)
{
	raw_send_n(c, line, strlen(line));
}

/* The next line parsed (the caller deletes it), or NULL. */
static cJSON *
raw_json(struct conn *c, int ms)
{
	char *line = testutil_lines_next(c->lines, ms);
	cJSON *v;

	if (line == NULL)
		return NULL;
	v = cJSON_Parse(line);
	if (v == NULL)
		v = cJSON_CreateString("(unparsable line)");
	free(line);
	return v;
}

static void
raw_initialize(struct conn *c)
{
	cJSON *v;

	raw_send(c, "{\"jsonrpc\":\"2.0\",\"id\":\"init\",\"method\":\"initialize\","
	    "\"params\":{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},"
	    "\"clientInfo\":{\"name\":\"raw\",\"version\":\"1\"}}}\n"
	    "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}\n");
	v = raw_json(c, 2000);
	CHECK(at(v, "result") != NULL);
	cJSON_Delete(v);
}

/* Requests through the client peer */

struct reply {
	bool done;
	int calls;
	int code;
	char message[512];
	cJSON *result;
};

static void
reply_cb(void *arg, const struct mcp_response *r)
{
	struct reply *rep = arg;

	rep->done = true;
	rep->calls++;
	rep->code = r->code;
	snprintf(rep->message, sizeof rep->message, "%s",
	    r->message != NULL ? r->message : "");
	cJSON_Delete(rep->result);
	rep->result = r->result != NULL ? cJSON_Duplicate(r->result, 1) : NULL;
}

static bool
reply_done(void *arg)
{
	return ((struct reply *)arg)->done;
}

static int64_t
rpc_start(struct conn *c, const char *method, cJSON *params, struct reply *rep)
{
	memset(rep, 0, sizeof *rep);
	return mcp_peer_request(c->client, method, params, NULL, reply_cb, rep);
}

/* Send and wait; rep is the caller's (reply_clear it). */
static struct reply *
rpc(struct conn *c, const char *method, cJSON *params, struct reply *rep)
{
	rpc_start(c, method, params, rep);
	if (!testutil_loop_until(base, reply_done, rep, 5000))
		snprintf(rep->message, sizeof rep->message, "(no answer)");
	return rep;
}

static void
reply_clear(struct reply *rep)
{
	cJSON_Delete(rep->result);
	rep->result = NULL;
}

static cJSON *
call_params(const char *name, const char *args)
{
	char *text = mcp_xprintf("{\"name\":\"%s\",\"arguments\":%s}", name, args);
	cJSON *v = mcp_json_parse_const(text);

	free(text);
	return v;
}

static struct conn *
open_ready(struct mcp_server *srv, const char *caps)
{
	struct conn *c = conn_open(srv, false);
	struct reply r;
	char *text = mcp_xprintf("{\"protocolVersion\":\"2025-11-25\","
	    "\"capabilities\":%s,\"clientInfo\":{\"name\":\"t\",\"version\":"
	    "\"1\"}}", caps);

	rpc(c, "initialize", mcp_json_parse_const(text), &r);
	free(text);
	CHECK_EQ_INT(r.code, 0);
	reply_clear(&r);
	mcp_peer_notify(c->client, "notifications/initialized", NULL);
	return c;
}

/* Tests */

/* The client vanishes while an async handler runs: its cancel hook runs,
 * it ends the call, the session goes, and the server serves others. */
static void
client_gone_mid_call(void)
{
	struct mcp_server *srv = server_new();
	struct conn *c = open_ready(srv, "{}"), *d;
	struct reply r, r2;

	rpc_start(c, "tools/call", call_params("slow", "{\"steps\":500}"), &r);
	CHECK(testutil_wait_count(base, &seen.slow_started, 1, 2000));
	testutil_spin(base, 20);
	conn_free(c);	/* r's callback runs: the client peer is freed */
	CHECK_EQ_INT(r.calls, 1);
	CHECK_EQ_INT(r.code, MCP_CONNECTION_CLOSED);
	reply_clear(&r);
	CHECK(testutil_wait_count(base, &seen.slow_cancels, 1, 2000));
	CHECK_EQ_INT(seen.slow_live, 0);
	CHECK_EQ_INT(seen.slow_ended, 0);

	d = open_ready(srv, "{}");
	rpc(d, "tools/call", call_params("echo", "{\"text\":\"still here\"}"),
	    &r2);
	CHECK_STR(result_text(r2.result), "still here");
	reply_clear(&r2);
	conn_free(d);
	server_free(srv);
}

/* The handler ignores the cancel and ends its call long after the session
 * is gone, using progress, logs and requests on the way. */
static void
client_gone_handler_answers_later(void)
{
	struct mcp_server *srv = server_new();
	struct conn *c = open_ready(srv, "{\"sampling\":{}}");
	struct reply r;

	rpc_start(c, "tools/call", call_params("slow",
	    "{\"steps\":15,\"linger\":true}"), &r);
	CHECK(testutil_wait_count(base, &seen.slow_started, 1, 2000));
	conn_free(c);
	reply_clear(&r);
	CHECK(testutil_wait_count(base, &seen.slow_cancels, 1, 2000));
	CHECK(testutil_wait_count(base, &seen.slow_ended, 1, 3000));
	CHECK(seen.orphan_ticks > 0 && seen.orphan_ticks < 1000);
	CHECK_EQ_INT(seen.orphan_refused, seen.orphan_ticks);
	CHECK_EQ_INT(seen.slow_live, 0);
	server_free(srv);
}

/* The server is freed with calls in flight and the client still there:
 * cancel hooks run; a lingering handler ends its orphaned call later; the
 * client's requests fail once the server's end closes. */
static void
server_freed_mid_call(void)
{
	struct mcp_server *srv = server_new();
	struct conn *c = open_ready(srv, "{}");
	struct reply r1, r2;

	rpc_start(c, "tools/call", call_params("slow", "{\"steps\":500}"), &r1);
	rpc_start(c, "tools/call", call_params("slow",
	    "{\"steps\":10,\"linger\":true}"), &r2);
	CHECK(testutil_wait_count(base, &seen.slow_started, 2, 2000));
	server_free(srv);
	close(c->fd[0]);
	c->fd[0] = -1;
	CHECK_EQ_INT(seen.slow_cancels, 2);
	CHECK_EQ_INT(seen.slow_live, 1);
	CHECK(testutil_wait_count(base, &seen.slow_ended, 1, 3000));
	CHECK_EQ_INT(seen.slow_live, 0);
	CHECK(testutil_wait_count(base, &c->client_closed, 1, 2000));
	CHECK_EQ_INT(r1.calls, 1);
	CHECK_EQ_INT(r1.code, MCP_CONNECTION_CLOSED);
	CHECK_EQ_INT(r2.calls, 1);
	CHECK_EQ_INT(r2.code, MCP_CONNECTION_CLOSED);
	conn_free(c);
}

/* Many sessions open, start work and vanish at once. */
static void
sessions_come_and_go(void)
{
	struct mcp_server *srv = server_new();
	struct conn *c[40];
	struct reply r[40];
	size_t i;

	for (i = 0; i < NELEM(c); i++) {
		c[i] = open_ready(srv, "{}");
		rpc_start(c[i], "tools/call", call_params("slow", i % 2 == 0 ?
		    "{\"steps\":300}" : "{\"steps\":3,\"linger\":true}"), &r[i]);
	}
	CHECK(testutil_wait_count(base, &seen.slow_started, (int)NELEM(c),
	    3000));
	mcp_server_log(srv, MCP_LOG_ERROR, "kit", cJSON_CreateString("bye"));
	for (i = 0; i < NELEM(c); i++) {
		conn_free(c[i]);
		reply_clear(&r[i]);
	}
	CHECK(testutil_wait_count(base, &seen.slow_cancels, (int)NELEM(c),
	    3000));
	CHECK(testutil_wait_count(base, &seen.slow_ended, (int)NELEM(c) / 2,
	    3000));
	CHECK_EQ_INT(seen.slow_live, 0);
	server_free(srv);
}

/* 10000 tools/call pipelined at once, each answered. */
#define FLOOD 10000
static struct reply flood[FLOOD];

static bool
flood_done(void *arg)
{
	int *n = arg, i, done = 0;

	for (i = 0; i < FLOOD; i++)
		done += flood[i].done;
	*n = done;
	return done == FLOOD;
}

static void
flood_of_calls(void)
{
	struct mcp_server *srv = server_new();
	struct conn *c = open_ready(srv, "{}");
	int64_t t0 = testutil_now_ms();
	int i, done = 0, good = 0;

	for (i = 0; i < FLOOD; i++) {
		char *args = mcp_xprintf("{\"text\":\"m%d\"}", i);

		rpc_start(c, "tools/call", call_params("echo", args), &flood[i]);
		free(args);
	}
	CHECK(testutil_loop_until(base, flood_done, &done, 8000));
	CHECK_EQ_INT(done, FLOOD);
	for (i = 0; i < FLOOD; i++) {
		char want[32];

		snprintf(want, sizeof want, "m%d", i);
		good += flood[i].calls == 1 && flood[i].code == 0 &&
		    result_text(flood[i].result) != NULL &&
		    strcmp(result_text(flood[i].result), want) == 0;
		reply_clear(&flood[i]);
	}
	CHECK_EQ_INT(good, FLOOD);
	CHECK(testutil_now_ms() - t0 < 8000);
	conn_free(c);
	server_free(srv);
}

/* 10000 calls that stay in flight: the peer's limit answers the excess at
 * once, ping still works, and releasing the held ones answers them all. */
struct held_wait {
	int limited;
};

/* Every call is either held by the tool or already answered (limited). */
static bool
all_placed(void *arg)
{
	struct held_wait *w = arg;
	int i;

	w->limited = 0;
	for (i = 0; i < FLOOD; i++)
		w->limited += flood[i].done;
	return seen.held + w->limited == FLOOD;
}

static void
flood_held_in_flight(void)
{
	struct mcp_server *srv = server_new();
	struct conn *c = open_ready(srv, "{}");
	struct held_wait w = { 0 };
	struct reply ping;
	int i, done = 0, answered = 0, bad = 0;

	for (i = 0; i < FLOOD; i++)
		rpc_start(c, "tools/call", call_params("hold", "{}"), &flood[i]);
	CHECK(testutil_loop_until(base, all_placed, &w, 8000));
	CHECK_EQ_INT(seen.held, 4096);
	CHECK_EQ_INT(w.limited, FLOOD - 4096);
	for (i = 0; i < FLOOD; i++) {
		if (flood[i].done && (flood[i].code != MCP_INTERNAL_ERROR ||
		    strstr(flood[i].message, "too many requests") == NULL))
			bad++;
	}
	CHECK_EQ_INT(bad, 0);
	/* Ping is answered even at the limit. */
	rpc(c, "ping", NULL, &ping);
	CHECK_EQ_INT(ping.code, 0);
	reply_clear(&ping);
	release_held(true);
	CHECK(testutil_loop_until(base, flood_done, &done, 5000));
	for (i = 0; i < FLOOD; i++) {
		answered += flood[i].calls == 1 && flood[i].code == 0 &&
		    cJSON_IsNumber(at(at(flood[i].result, "structuredContent"),
		    "n"));
		reply_clear(&flood[i]);
	}
	CHECK_EQ_INT(answered, 4096);
	conn_free(c);
	server_free(srv);
}

/* Garbage: each line that looks like a request gets one error, anything
 * else nothing; the session carries on. A ping after each line marks where
 * its answers end. */
static void
garbage_lines(void)
{
	static const struct {
		const char *line;
		int code;		/* 0: no answer expected; 1: a result */
	} cases[] = {
		{ "not json", MCP_PARSE_ERROR },
		{ "{", MCP_PARSE_ERROR },
		{ "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"", MCP_PARSE_ERROR },
		{ "\xff\xfe\xfd", MCP_PARSE_ERROR },
		{ "[]", MCP_INVALID_REQUEST },
		{ "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}]",
		  MCP_INVALID_REQUEST },
		{ "42", MCP_INVALID_REQUEST },
		{ "\"ping\"", MCP_INVALID_REQUEST },
		{ "null", MCP_INVALID_REQUEST },
		{ "{}", MCP_INVALID_REQUEST },
		{ "{\"jsonrpc\":\"1.0\",\"id\":1,\"method\":\"ping\"}",
		  MCP_INVALID_REQUEST },
		{ "{\"jsonrpc\":\"2.0\",\"id\":null,\"method\":\"ping\"}",
		  MCP_INVALID_REQUEST },
		{ "{\"jsonrpc\":\"2.0\",\"id\":{},\"method\":\"ping\"}",
		  MCP_INVALID_REQUEST },
		{ "{\"jsonrpc\":\"2.0\",\"id\":1.5,\"method\":\"ping\"}",
		  MCP_INVALID_REQUEST },
		{ "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":5}", MCP_INVALID_REQUEST },
		{ "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\","
		  "\"params\":[1,2]}", MCP_INVALID_REQUEST },
		{ "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"tools/call\","
		  "\"params\":null}", MCP_INVALID_REQUEST },
		{ "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"tools/call\","
		  "\"params\":{\"name\":null}}", MCP_INVALID_PARAMS },
		{ "{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"tools/call\","
		  "\"params\":{\"name\":\"slow\",\"arguments\":{\"steps\":1e400}}}",
		  1 },
		{ "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"resources/read\","
		  "\"params\":{\"uri\":{\"a\":1}}}", MCP_INVALID_PARAMS },
		{ "{\"jsonrpc\":\"2.0\",\"id\":8,\"method\":\"completion/complete\","
		  "\"params\":{\"ref\":\"x\",\"argument\":{}}}", MCP_INVALID_PARAMS },
		{ "{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"prompts/get\","
		  "\"params\":{\"name\":\"greet\",\"arguments\":{\"name\":[]}}}",
		  MCP_INVALID_PARAMS },
		{ "{\"jsonrpc\":\"2.0\",\"id\":10,\"method\":\"resources/subscribe\","
		  "\"params\":{\"uri\":true}}", MCP_INVALID_PARAMS },
		{ "{\"jsonrpc\":\"2.0\",\"id\":11,\"method\":\"logging/setLevel\","
		  "\"params\":{\"level\":\"\"}}", MCP_INVALID_PARAMS },
		{ "{\"jsonrpc\":\"2.0\",\"id\":12,\"method\":\"\"}",
		  MCP_METHOD_NOT_FOUND },
		{ "{\"jsonrpc\":\"2.0\",\"id\":13,\"method\":\"tools/list\","
		  "\"params\":{\"cursor\":\"18446744073709551616\"}}",
		  MCP_INVALID_PARAMS },
		{ "{\"jsonrpc\":\"2.0\",\"id\":14,\"method\":\"tools/call\","
		  "\"params\":{\"name\":\"slow\",\"arguments\":{\"steps\":0}}}", 1 },
		/* Not requests: no answer. */
		{ "{\"jsonrpc\":\"2.0\",\"id\":99,\"result\":{}}", 0 },
		{ "{\"jsonrpc\":\"2.0\",\"id\":98,\"error\":{\"code\":1,"
		  "\"message\":\"x\"}}", 0 },
		{ "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/whatever\"}", 0 },
		{ "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\","
		  "\"params\":{\"requestId\":{}}}", 0 },
		{ "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\","
		  "\"params\":{\"requestId\":\"init\"}}", 0 },
		{ "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\","
		  "\"params\":{\"progressToken\":1,\"progress\":\"x\"}}", 0 },
		{ "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\","
		  "\"params\":{\"x\":[1,2,3]}}", 0 },
		{ "", 0 },
		{ "   ", 0 },
	};
	struct mcp_server *srv = server_new();
	struct conn *c = conn_open(srv, true);
	size_t i;

	raw_initialize(c);
	for (i = 0; i < NELEM(cases); i++) {
		char *line = mcp_xprintf("%s\n{\"jsonrpc\":\"2.0\",\"id\":"
		    "\"after-%zu\",\"method\":\"ping\"}\n", cases[i].line, i);
		int answers = 0, code = 0, guard;
		char mark[32];

		snprintf(mark, sizeof mark, "after-%zu", i);
		raw_send(c, line);
		free(line);
		for (guard = 0; guard < 10; guard++) {
			cJSON *v = raw_json(c, 2000);
			const cJSON *id = at(v, "id");

			if (v == NULL) {
				answers = -100;
				cJSON_Delete(v);
				break;
			}
			if (cJSON_IsString(id) && strcmp(id->valuestring,
			    mark) == 0) {
				cJSON_Delete(v);
				break;
			}
			if (at(v, "error") != NULL) {
				answers++;
				code = at(at(v, "error"), "code")->valueint;
			} else if (at(v, "result") != NULL)
				answers++;
			cJSON_Delete(v);
		}
		CHECK_EQ_INT(answers, cases[i].code != 0);
		CHECK_EQ_INT(code, cases[i].code == 1 ? 0 : cases[i].code);
		if (answers != (cases[i].code != 0) || code != (cases[i].code == 1 ?
		    0 : cases[i].code))
			fprintf(stderr, "  case %zu: %s\n", i, cases[i].line);
	}
	raw_send(c, "{\"jsonrpc\":\"2.0\",\"id\":\"end\",\"method\":\"tools/call\","
	    "\"params\":{\"name\":\"echo\",\"arguments\":{\"text\":\"alive\"}}}\n");
	{
		cJSON *v = raw_json(c, 2000);

		CHECK_STR(result_text(at(v, "result")), "alive");
		cJSON_Delete(v);
	}
	conn_free(c);
	server_free(srv);
}

/* Huge and deep parameters. */
static void
huge_params(void)
{
	struct mcp_server *srv = server_new();
	struct conn *c = open_ready(srv, "{}");
	struct reply r;
	size_t big = 1024 * 1024, i;
	char *s = mcp_xmalloc(big + 1);
	cJSON *params, *args;
	int64_t t0 = testutil_now_ms();

	memset(s, 'x', big);
	s[big] = '\0';

	/* A 1 MiB argument over its maxLength: a tool error. */
	params = call_params("echo", "{}");
	mcp_json_add_str(cJSON_GetObjectItem(params, "arguments"), "text", s);
	rpc(c, "tools/call", params, &r);
	CHECK_EQ_INT(r.code, 0);
	CHECK(cJSON_IsTrue(at(r.result, "isError")));
	CHECK_CONTAINS(result_text(r.result), "arguments.text");
	CHECK(strlen(result_text(r.result)) < 2048);
	reply_clear(&r);

	/* A 1 MiB tool name: unknown, and the message stays short. */
	params = cJSON_CreateObject();
	mcp_json_add_str(params, "name", s);
	rpc(c, "tools/call", params, &r);
	CHECK_EQ_INT(r.code, MCP_INVALID_PARAMS);
	CHECK(strlen(r.message) < 512);
	reply_clear(&r);

	/* A 1 MiB uri: not found; the message is cut, data.uri is whole. */
	params = cJSON_CreateObject();
	mcp_json_add_str(params, "uri", s);
	rpc(c, "resources/read", params, &r);
	CHECK_EQ_INT(r.code, MCP_RESOURCE_NOT_FOUND);
	CHECK(strlen(r.message) < 512);
	reply_clear(&r);
	/* ...and through the {+path} template, which matches up to 64 KiB. */
	params = cJSON_CreateObject();
	memcpy(s, "test://t/", 9);
	s[60000] = '\0';
	mcp_json_add_str(params, "uri", s);
	rpc(c, "resources/read", params, &r);
	CHECK_EQ_INT(r.code, 0);
	reply_clear(&r);
	s[60000] = 'x';
	params = cJSON_CreateObject();
	mcp_json_add_str(params, "uri", s);
	rpc(c, "resources/read", params, &r);
	CHECK_EQ_INT(r.code, MCP_RESOURCE_NOT_FOUND);
	reply_clear(&r);

	/* 20000 prompt arguments. */
	params = mcp_json_parse_const("{\"name\":\"greet\",\"arguments\":"
	    "{\"name\":\"a\"}}");
	args = cJSON_GetObjectItem(params, "arguments");
	for (i = 0; i < 20000; i++) {
		char key[16];

		snprintf(key, sizeof key, "k%zu", i);
		mcp_json_add_str(args, key, "v");
	}
	rpc(c, "prompts/get", params, &r);
	CHECK_EQ_INT(r.code, 0);
	CHECK(cJSON_IsNumber(at(r.result, "nargs")) &&
	    at(r.result, "nargs")->valueint == 20001);
	reply_clear(&r);

	/* 20000 unexpected tool arguments. */
	params = call_params("echo", "{\"text\":\"t\"}");
	args = cJSON_GetObjectItem(params, "arguments");
	for (i = 0; i < 20000; i++) {
		char key[16];

		snprintf(key, sizeof key, "k%zu", i);
		mcp_json_add_num(args, key, (double)i);
	}
	rpc(c, "tools/call", params, &r);
	CHECK_EQ_INT(r.code, 0);
	CHECK(cJSON_IsTrue(at(r.result, "isError")));
	reply_clear(&r);
	free(s);

	/* The whole thing took little time. */
	CHECK(testutil_now_ms() - t0 < 5000);
	conn_free(c);
	server_free(srv);
}

/* Deep nesting and a message over the transport's limit, raw. */
static void
deep_and_oversize(void)
{
	struct mcp_server *srv = server_new();
	struct conn *c = conn_open(srv, true);
	size_t depth = 100000, n, i;
	char *line;
	cJSON *v;

	raw_initialize(c);
	/* 100000 nested arrays inside the arguments. */
	line = mcp_xmalloc(depth * 2 + 256);
	n = (size_t)sprintf(line, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":"
	    "\"tools/call\",\"params\":{\"name\":\"echo\",\"arguments\":{\"a\":");
	for (i = 0; i < depth; i++)
		line[n++] = '[';
	for (i = 0; i < depth; i++)
		line[n++] = ']';
	n += (size_t)sprintf(line + n, "}}}\n");
	raw_send_n(c, line, n);
	free(line);
	v = raw_json(c, 3000);
	CHECK(at(v, "error") != NULL || at(v, "result") != NULL);
	cJSON_Delete(v);

	/* 3 MiB on one line: over the 2 MiB limit, discarded. */
	n = 3 * 1024 * 1024;
	line = mcp_xmalloc(n + 1);
	memset(line, ' ', n);
	memcpy(line, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\",\"params\":"
	    "{\"pad\":\"", 55);
	memcpy(line + n - 4, "\"}}\n", 4);
	raw_send_n(c, line, n);
	free(line);
	v = raw_json(c, 3000);
	CHECK(v != NULL && at(at(v, "error"), "code") != NULL &&
	    at(at(v, "error"), "code")->valueint == MCP_INVALID_REQUEST);
	cJSON_Delete(v);
	raw_send(c, "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"ping\"}\n");
	v = raw_json(c, 2000);
	CHECK(at(v, "id") != NULL && at(v, "id")->valueint == 3);
	cJSON_Delete(v);
	conn_free(c);
	server_free(srv);
}

/* The session ends while the server's request to the client is pending:
 * the handler's callback runs once with "connection closed". */
static void
client_gone_with_server_request_pending(void)
{
	struct mcp_server *srv = server_new();
	struct conn *c = open_ready(srv, "{\"sampling\":{}}");
	struct reply r;

	c->hold_requests = true;
	rpc_start(c, "tools/call", call_params("ask", "{}"), &r);
	CHECK(testutil_wait_count(base, &c->client_requests, 1, 2000));
	CHECK_EQ_INT(seen.ask_answers, 0);
	conn_free(c);	/* frees the held request too */
	reply_clear(&r);
	CHECK(testutil_wait_count(base, &seen.ask_answers, 1, 2000));
	CHECK_EQ_INT(seen.ask_closed, 1);
	testutil_spin(base, 20);
	CHECK_EQ_INT(seen.ask_answers, 1);
	server_free(srv);
}

static void
server_freed_with_server_request_pending(void)
{
	struct mcp_server *srv = server_new();
	struct conn *c = open_ready(srv, "{\"sampling\":{}}");
	struct reply r;
	int i;

	c->hold_requests = true;
	rpc_start(c, "tools/call", call_params("ask", "{}"), &r);
	CHECK(testutil_wait_count(base, &c->client_requests, 1, 2000));
	server_free(srv);
	close(c->fd[0]);
	c->fd[0] = -1;
	CHECK_EQ_INT(seen.ask_answers, 1);
	CHECK_EQ_INT(seen.ask_closed, 1);
	/* The client answers into the void, then sees the close. */
	for (i = 0; i < c->nclient_held; i++)
		mcp_request_reply(c->client_held[i], NULL);
	c->nclient_held = 0;
	CHECK(testutil_wait_count(base, &c->client_closed, 1, 2000));
	CHECK_EQ_INT(r.calls, 1);
	CHECK_EQ_INT(r.code, MCP_CONNECTION_CLOSED);
	conn_free(c);
}

/* The tools/call is cancelled while its request to the client is pending;
 * the client answers later; nothing is sent back. */
static void
cancel_with_server_request_pending(void)
{
	struct mcp_server *srv = server_new();
	struct conn *c = open_ready(srv, "{\"sampling\":{}}");
	struct reply r, p;
	int64_t id;

	c->hold_requests = true;
	id = rpc_start(c, "tools/call", call_params("ask", "{}"), &r);
	CHECK(testutil_wait_count(base, &c->client_requests, 1, 2000));
	CHECK_EQ_INT(mcp_peer_cancel(c->client, id, "changed my mind"), 0);
	CHECK_EQ_INT(r.code, MCP_REQUEST_CANCELLED);
	testutil_spin(base, 20);
	mcp_request_reply(c->client_held[0], mcp_json_parse_const(
	    "{\"role\":\"assistant\",\"content\":{\"type\":\"text\",\"text\":"
	    "\"late\"},\"model\":\"m\"}"));
	c->nclient_held = 0;
	CHECK(testutil_wait_count(base, &seen.ask_answers, 1, 2000));
	rpc(c, "ping", NULL, &p);
	CHECK_EQ_INT(p.code, 0);
	CHECK_EQ_INT(r.calls, 1);
	reply_clear(&p);
	conn_free(c);
	server_free(srv);
}

/* A tool removed while calls to it are in flight: they still end, checked
 * against the schema they were called with. */
static void
tool_removed_mid_call(void)
{
	struct mcp_server *srv = server_new();
	struct conn *c = open_ready(srv, "{}");
	struct reply r1, r2, r3;

	rpc_start(c, "tools/call", call_params("hold", "{}"), &r1);
	CHECK(testutil_wait_count(base, &seen.held, 1, 2000));
	CHECK_EQ_INT(mcp_server_remove_tool(srv, "hold"), 0);
	rpc(c, "tools/call", call_params("hold", "{}"), &r2);
	CHECK_EQ_INT(r2.code, MCP_INVALID_PARAMS);
	release_held(false);
	CHECK(testutil_loop_until(base, reply_done, &r1, 2000));
	CHECK_EQ_INT(r1.code, MCP_INTERNAL_ERROR);
	CHECK_CONTAINS(r1.message, "outputSchema");
	/* Back again, called, removed, answered well. */
	CHECK_EQ_INT(mcp_server_add_tool(srv, &tools[1], NULL, NULL), 0);
	rpc_start(c, "tools/call", call_params("hold", "{}"), &r3);
	CHECK(testutil_wait_count(base, &seen.held, 1, 2000));
	CHECK_EQ_INT(mcp_server_remove_tool(srv, "hold"), 0);
	release_held(true);
	CHECK(testutil_loop_until(base, reply_done, &r3, 2000));
	CHECK_EQ_INT(r3.code, 0);
	reply_clear(&r1);
	reply_clear(&r2);
	reply_clear(&r3);
	/* Removed with a call in flight, then the server goes. */
	CHECK_EQ_INT(mcp_server_add_tool(srv, &tools[1], NULL, NULL), 0);
	rpc_start(c, "tools/call", call_params("hold", "{}"), &r1);
	CHECK(testutil_wait_count(base, &seen.held, 1, 2000));
	CHECK_EQ_INT(mcp_server_remove_tool(srv, "hold"), 0);
	conn_free(c);
	reply_clear(&r1);
	testutil_spin(base, 20);
	server_free(srv);
	release_held(true);	/* orphaned: dropped */
}

/* Subscriptions have a ceiling; at it the session still works. */
static void
subscription_limit(void)
{
	struct mcp_server *srv = server_new();
	struct conn *c = open_ready(srv, "{}");
	struct reply r[1025], u;
	int i, ok = 0;

	for (i = 0; i < 1025; i++) {
		char *params = mcp_xprintf("{\"uri\":\"test://s/%d\"}", i);

		rpc_start(c, "resources/subscribe", mcp_json_parse_const(params),
		    &r[i]);
		free(params);
	}
	CHECK(testutil_loop_until(base, reply_done, &r[1024], 5000));
	for (i = 0; i < 1024; i++)
		ok += r[i].calls == 1 && r[i].code == 0;
	CHECK_EQ_INT(ok, 1024);
	CHECK_EQ_INT(r[1024].code, MCP_INVALID_PARAMS);
	CHECK_CONTAINS(r[1024].message, "too many subscriptions");
	/* Subscribing again to one it has is fine; one more after a drop. */
	rpc(c, "resources/subscribe", mcp_json_parse_const(
	    "{\"uri\":\"test://s/7\"}"), &u);
	CHECK_EQ_INT(u.code, 0);
	reply_clear(&u);
	rpc(c, "resources/unsubscribe", mcp_json_parse_const(
	    "{\"uri\":\"test://s/7\"}"), &u);
	reply_clear(&u);
	rpc(c, "resources/subscribe", mcp_json_parse_const(
	    "{\"uri\":\"test://s/new\"}"), &u);
	CHECK_EQ_INT(u.code, 0);
	reply_clear(&u);
	for (i = 0; i < 1025; i++)
		reply_clear(&r[i]);
	conn_free(c);
	server_free(srv);
}

int
main(void)
{
	signal(SIGPIPE, SIG_IGN);
	base = event_base_new();
	HARNESS_BEGIN("server-fault");
	HARNESS_WATCHDOG();
	TEST(client_gone_mid_call);
	TEST(client_gone_handler_answers_later);
	TEST(server_freed_mid_call);
	TEST(sessions_come_and_go);
	TEST(flood_of_calls);
	TEST(flood_held_in_flight);
	TEST(garbage_lines);
	TEST(huge_params);
	TEST(deep_and_oversize);
	TEST(client_gone_with_server_request_pending);
	TEST(server_freed_with_server_request_pending);
	TEST(cancel_with_server_request_pending);
	TEST(tool_removed_mid_call);
	TEST(subscription_limit);
	event_base_free(base);
	return HARNESS_END();
}
