/*
 * The server kit (mcp/server.c) as protocol transcripts: a small server
 * declared with const tables, served over a socketpair either to a client
 * mcp_peer on the same event loop or to raw JSON lines the test writes and
 * reads itself.
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

static struct event_base *base;

/* Logs: kept, not printed; a test may look for a message. */
static struct testutil_log client_logs, server_logs;
static const struct mcp_log client_log = { testutil_log_fn, &client_logs,
    MCP_LOG_DEBUG, "client" };
static const struct mcp_log server_log = { testutil_log_fn, &server_logs,
    MCP_LOG_DEBUG, "server" };

/* JSON paths: "result.tools[1].name" (tests/mcp/testutil.c) */
#define at(v, path) testutil_json_at((v), (path))
#define jstr(v, path) testutil_json_str((v), (path))

/* The value at path as compact JSON (a rotating static buffer), or
 * "(absent)". */
static const char *
jdump(const cJSON *v, const char *path)
{
	static char bufs[8][4096];
	static int next;
	char *buf = bufs[next++ % 8], *s;

	v = at(v, path);
	if (v == NULL)
		return "(absent)";
	s = mcp_json_print(v, NULL);
	snprintf(buf, sizeof bufs[0], "%s", s);
	free(s);
	return buf;
}

static int
jsize(const cJSON *v, const char *path)
{
	v = at(v, path);
	return cJSON_IsArray(v) || cJSON_IsObject(v) ? cJSON_GetArraySize(v) : -1;
}

/* JSON text in the canonical compact form, for comparing declarations. */
static const char *
canon(const char *text)
{
	static char bufs[4][4096];
	static int next;
	char *buf = bufs[next++ % 4], *s;
	cJSON *v = cJSON_Parse(text);

	s = v != NULL ? mcp_json_print(v, NULL) : mcp_xstrdup("(invalid)");
	snprintf(buf, sizeof bufs[0], "%s", s);
	free(s);
	cJSON_Delete(v);
	return buf;
}

/* What the declared handlers saw */

static struct {
	int book_runs;
	char book_args[512];
	int reads;
	char read_uri[256];
	char read_vars[512];
	int slow_started, slow_cancels, slow_ended, slow_live;
	int asks, ask_refused, ask_answers;
	int ask_late_code, ask_call_cancels;
	int prompt_runs;
	char prompt_args[512];
	int completes;
	char complete_context[256];
	char session_version[32];
	bool session_can_sampling;
} seen;

/* Tools */

#define NO_ARGS "{\"type\":\"object\",\"additionalProperties\":false}"

#define ECHO_SCHEMA "{\"type\":\"object\",\"properties\":{\"text\":{\"type\":" \
	"\"string\",\"maxLength\":10}},\"required\":[\"text\"]," \
	"\"additionalProperties\":false}"
#define BOOK_SCHEMA "{\"type\":\"object\",\"properties\":{" \
	"\"when\":{\"type\":\"string\",\"format\":\"date\"}," \
	"\"seats\":{\"type\":\"integer\",\"minimum\":1}," \
	"\"cabin\":{\"enum\":[\"economy\",\"business\"]}," \
	"\"code\":{\"type\":\"string\",\"pattern\":\"^[A-Z]{3}$\"}," \
	"\"name\":{\"type\":\"string\",\"maxLength\":5}}," \
	"\"required\":[\"when\",\"seats\"],\"additionalProperties\":false}"
#define WEATHER_IN "{\"type\":\"object\",\"properties\":{\"bad\":{\"type\":" \
	"\"boolean\"}}}"
#define WEATHER_OUT "{\"type\":\"object\",\"properties\":{\"temp\":{\"type\":" \
	"\"number\"},\"sky\":{\"type\":\"string\"}},\"required\":[\"temp\"]}"
#define SLOW_SCHEMA "{\"type\":\"object\",\"properties\":{" \
	"\"steps\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":100}," \
	"\"linger\":{\"type\":\"boolean\"}},\"required\":[\"steps\"]}"
#define ASK_SCHEMA "{\"type\":\"object\",\"properties\":{\"method\":{\"enum\":" \
	"[\"sampling\",\"elicitation\",\"roots\"]}},\"required\":[\"method\"]}"

static void
tool_echo(struct mcp_call *c, const cJSON *args, void *arg)
{
	const char *text = jstr(args, "text");

	(void)arg;
	if (strcmp(text, "log") == 0) {
		mcp_call_log(c, MCP_LOG_INFO, "echo",
		    cJSON_CreateString("info line"));
		mcp_call_log(c, MCP_LOG_ERROR, "echo",
		    cJSON_CreateString("error line"));
	}
	if (strcmp(text, "session") == 0) {
		struct mcp_session *s = mcp_call_session(c);

		snprintf(seen.session_version, sizeof seen.session_version, "%s",
		    mcp_session_protocol_version(s));
		seen.session_can_sampling = mcp_session_client_can(s,
		    "sampling");
	}
	mcp_call_return_text(c, text);
}

static void
tool_book(struct mcp_call *c, const cJSON *args, void *arg)
{
	char *json = mcp_json_print(args, NULL);

	(void)arg;
	seen.book_runs++;
	snprintf(seen.book_args, sizeof seen.book_args, "%s", json);
	mcp_call_return_text(c, "booked");
	free(json);
}

static void
tool_weather(struct mcp_call *c, const cJSON *args, void *arg)
{
	cJSON *sc = cJSON_CreateObject();

	(void)arg;
	if (cJSON_IsTrue(at(args, "bad")))
		mcp_json_add_str(sc, "temp", "hot");
	else {
		mcp_json_add_num(sc, "temp", 21.5);
		mcp_json_add_str(sc, "sky", "clear");
	}
	mcp_call_return_structured(c, sc, NULL);
}

/* slow: answers after steps ticks of 20 ms, with progress at each tick.
 * linger: on cancel, keep ticking and answer anyway (the kit drops it). */
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
	struct timeval tv = { 0, 20000 };

	evtimer_add(j->ev, &tv);
}

static void
job_tick(evutil_socket_t fd, short events, void *arg)
{
	struct job *j = arg;

	(void)fd;
	(void)events;
	if (++j->ticks < j->steps) {
		mcp_call_progress(j->call, j->ticks, j->steps, "tick");
		job_after(j);
		return;
	}
	seen.slow_ended++;
	mcp_call_on_cancel(j->call, NULL, NULL);
	mcp_call_return_text(j->call, "slept");
	job_free(j);
}

static void
job_cancelled(void *arg, struct mcp_call *c)
{
	struct job *j = arg;

	seen.slow_cancels++;
	if (!mcp_call_cancelled(c))
		seen.slow_cancels += 1000;	/* caught by the checks */
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

/* ask: a request to the client, answered in the tool's result. */
static void
ask_done(void *arg, const struct mcp_response *r)
{
	struct mcp_call *c = arg;
	char *json;

	seen.ask_answers++;
	if (r->code != 0) {
		mcp_call_return_error(c, "the client answered %d: %s", r->code,
		    r->message != NULL ? r->message : "");
		return;
	}
	json = mcp_json_print(r->result, NULL);
	mcp_call_return_text(c, json);
	free(json);
}

static void
tool_ask(struct mcp_call *c, const cJSON *args, void *arg)
{
	const char *what = jstr(args, "method");
	const char *method;
	cJSON *params = NULL;

	(void)arg;
	seen.asks++;
	if (strcmp(what, "sampling") == 0) {
		method = "sampling/createMessage";
		params = mcp_json_parse_const("{\"messages\":[{\"role\":\"user\","
		    "\"content\":{\"type\":\"text\",\"text\":\"2+2?\"}}],"
		    "\"maxTokens\":10}");
	} else if (strcmp(what, "elicitation") == 0) {
		method = "elicitation/create";
		params = mcp_json_parse_const("{\"message\":\"Your name?\","
		    "\"requestedSchema\":{\"type\":\"object\",\"properties\":"
		    "{\"name\":{\"type\":\"string\"}}}}");
	} else
		method = "roots/list";
	if (mcp_call_request(c, method, params, ask_done, c) != 0) {
		seen.ask_refused++;
		mcp_call_return_error(c, "refused: the client did not declare "
		    "the capability for %s", method);
	}
}

/* ask_once: asks the client for its roots and, when cancelled, ends its call
 * without waiting for the answer; the kit must then cancel the question. */
static void
ask_once_cancelled(void *arg, struct mcp_call *c)
{
	(void)arg;
	seen.ask_call_cancels++;
	mcp_call_return_text(c, "cancelled");
}

static void
ask_once_answered(void *arg, const struct mcp_response *r)
{
	(void)arg;
	seen.ask_answers++;
	seen.ask_late_code = r->code;
}

static void
tool_ask_once(struct mcp_call *c, const cJSON *args, void *arg)
{
	(void)args;
	(void)arg;
	mcp_call_on_cancel(c, ask_once_cancelled, NULL);
	if (mcp_call_request(c, "roots/list", NULL, ask_once_answered,
	    NULL) != 0) {
		mcp_call_on_cancel(c, NULL, NULL);
		mcp_call_return_error(c, "refused");
	}
}

static const struct mcp_tool ask_once_tool = {
	.name = "ask_once", .description = "Asks, and gives up when cancelled",
	.input_schema = NO_ARGS, .handler = tool_ask_once,
};

static const struct mcp_tool tools[] = {
	{ .name = "echo", .title = "Echo", .description = "Returns its text",
	  .input_schema = ECHO_SCHEMA,
	  .annotations = "{\"readOnlyHint\":true}", .handler = tool_echo },
	{ .name = "book", .description = "Books seats",
	  .input_schema = BOOK_SCHEMA,
	  .annotations = "{\"destructiveHint\":false,\"openWorldHint\":true}",
	  .handler = tool_book },
	{ .name = "weather", .description = "Structured weather",
	  .input_schema = WEATHER_IN, .output_schema = WEATHER_OUT,
	  .handler = tool_weather },
	{ .name = "slow", .description = "Answers after a while",
	  .input_schema = SLOW_SCHEMA, .handler = tool_slow },
	{ .name = "ask", .description = "Asks the client",
	  .input_schema = ASK_SCHEMA, .handler = tool_ask },
};

static const struct mcp_tool extra_tool = {
	.name = "extra", .description = "Added at run time",
	.input_schema = NO_ARGS, .handler = tool_book,
};

/* Resources */

static void
res_read(struct mcp_call *c, const char *uri, const cJSON *vars, void *arg)
{
	cJSON *result = cJSON_CreateObject(), *contents = cJSON_CreateArray();
	cJSON *item = cJSON_CreateObject();
	char *text = mcp_xprintf("content of %s", uri);
	char *v = vars != NULL ? mcp_json_print(vars, NULL) : mcp_xstrdup("null");

	(void)arg;
	seen.reads++;
	snprintf(seen.read_uri, sizeof seen.read_uri, "%s", uri);
	snprintf(seen.read_vars, sizeof seen.read_vars, "%s", v);
	mcp_json_add_str(item, "uri", uri);
	mcp_json_add_str(item, "mimeType", "text/plain");
	mcp_json_add_str(item, "text", text);
	cJSON_AddItemToArray(contents, item);
	mcp_json_add(result, "contents", contents);
	mcp_call_return(c, result);
	free(text);
	free(v);
}

static const char *const names[] = { "alice", "albert", "bob" };

/* Names starting with value; "Dr. " before each when context says formal. */
static void
complete_names(struct mcp_call *c, const char *argument, const char *value,
    const cJSON *context, void *arg)
{
	cJSON *values = cJSON_CreateArray();
	const char *style = jstr(context, "style");
	char *ctx = mcp_json_print(context, NULL);
	size_t i;

	(void)arg;
	seen.completes++;
	snprintf(seen.complete_context, sizeof seen.complete_context, "%s", ctx);
	free(ctx);
	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		char *s;

		if ((strcmp(argument, "name") != 0 &&
		    strcmp(argument, "id") != 0) ||
		    strncmp(names[i], value, strlen(value)) != 0)
			continue;
		s = mcp_xprintf("%s%s", style != NULL &&
		    strcmp(style, "formal") == 0 ? "Dr. " : "", names[i]);
		cJSON_AddItemToArray(values, cJSON_CreateString(s));
		free(s);
	}
	mcp_call_return_completion(c, values, false);
}

static const struct mcp_resource resources[] = {
	{ .uri = "test://readme", .name = "readme", .title = "Read me",
	  .description = "What this is", .mime_type = "text/plain",
	  .handler = res_read },
	{ .uri = "test://watched", .name = "watched", .handler = res_read },
};

static const struct mcp_resource extra_resource = {
	.uri = "test://extra", .name = "extra", .handler = res_read,
};

static const struct mcp_resource_template templates[] = {
	{ .uri_template = "test://users/{id}/profile{?fields}",
	  .name = "user-profile", .title = "User profile",
	  .mime_type = "text/plain", .handler = res_read,
	  .complete = complete_names },
};

/* Prompts */

static void
prompt_greet(struct mcp_call *c, const cJSON *args, void *arg)
{
	const char *style = jstr(args, "style");
	char *text = mcp_xprintf("Hello, %s (%s)", jstr(args, "name"),
	    style != NULL ? style : "plain");
	char *json = mcp_json_print(args, NULL);
	cJSON *result = cJSON_CreateObject(), *msgs = cJSON_CreateArray();
	cJSON *m = cJSON_CreateObject(), *content = cJSON_CreateObject();

	(void)arg;
	seen.prompt_runs++;
	snprintf(seen.prompt_args, sizeof seen.prompt_args, "%s", json);
	mcp_json_add_str(content, "type", "text");
	mcp_json_add_str(content, "text", text);
	mcp_json_add_str(m, "role", "user");
	mcp_json_add(m, "content", content);
	cJSON_AddItemToArray(msgs, m);
	mcp_json_add_str(result, "description", "a greeting");
	mcp_json_add(result, "messages", msgs);
	mcp_call_return(c, result);
	free(text);
	free(json);
}

static const struct mcp_prompt prompts[] = {
	{ .name = "greet", .title = "Greet", .description = "Greets someone",
	  .args = { { .name = "name", .description = "Who", .required = true },
	    { .name = "style", .title = "Style" } },
	  .handler = prompt_greet, .complete = complete_names },
	{ .name = "plain", .description = "No arguments, no completion",
	  .handler = prompt_greet },
};

static const struct mcp_prompt extra_prompt = {
	.name = "extra", .description = "Added at run time",
	.handler = prompt_greet,
};

static const struct mcp_server_info info = {
	.name = "test-server",
	.version = "1.2.3",
	.title = "Test Server",
	.description = "A server for the kit's tests",
	.instructions = "Call echo first.",
	.website_url = "https://example.com/test",
};

static const struct mcp_server_info bare_info = {
	.name = "bare",
	.version = "0",
};

/* Servers */

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static struct mcp_server *
server_new(const struct mcp_server_info *i, bool tools_, bool resources_,
    bool prompts_)
{
	struct mcp_server *srv = mcp_server_new(i);
	struct mcp_err err = { 0, "" };
	size_t k;

	mcp_server_set_log(srv, &server_log);
	for (k = 0; tools_ && k < NELEM(tools); k++)
		CHECK_EQ_INT(mcp_server_add_tool(srv, &tools[k], NULL, &err), 0);
	for (k = 0; resources_ && k < NELEM(resources); k++)
		CHECK_EQ_INT(mcp_server_add_resource(srv, &resources[k], NULL,
		    &err), 0);
	for (k = 0; resources_ && k < NELEM(templates); k++)
		CHECK_EQ_INT(mcp_server_add_template(srv, &templates[k], NULL,
		    &err), 0);
	for (k = 0; prompts_ && k < NELEM(prompts); k++)
		CHECK_EQ_INT(mcp_server_add_prompt(srv, &prompts[k], NULL, &err),
		    0);
	CHECK_STR(err.msg, "");
	return srv;
}

static struct mcp_server *
server_full(void)
{
	return server_new(&info, true, true, true);
}

/* Connections: the server's session on fd[0], the test on fd[1], either
 * through a client peer or as raw lines. */

#define MAX_NOTES 64

struct note {
	char method[64];
	cJSON *params;
};

struct conn {
	int fd[2];
	struct mcp_session *sess;
	struct mcp_peer *client;
	struct note notes[MAX_NOTES];
	int nnotes;
	int client_requests;
	char client_method[64];
	cJSON *client_params;
	int closed;
	struct testutil_lines *lines;	/* raw mode: what the server wrote */
};

static void
client_on_notification(void *arg, const char *method, const cJSON *params)
{
	struct conn *c = arg;
	struct note *n;

	if (c->nnotes >= MAX_NOTES)
		return;
	n = &c->notes[c->nnotes++];
	snprintf(n->method, sizeof n->method, "%s", method);
	n->params = params != NULL ? cJSON_Duplicate(params, 1) : NULL;
}

/* The client answers the server's requests as a host would. */
static void
client_on_request(void *arg, struct mcp_request *req)
{
	struct conn *c = arg;
	const char *m = mcp_request_method(req);

	c->client_requests++;
	snprintf(c->client_method, sizeof c->client_method, "%s", m);
	cJSON_Delete(c->client_params);
	c->client_params = mcp_request_params(req) != NULL ?
	    cJSON_Duplicate(mcp_request_params(req), 1) : NULL;
	if (strcmp(m, "sampling/createMessage") == 0)
		mcp_request_reply(req, mcp_json_parse_const("{\"role\":"
		    "\"assistant\",\"content\":{\"type\":\"text\",\"text\":\"4\"},"
		    "\"model\":\"test-model\",\"stopReason\":\"endTurn\"}"));
	else if (strcmp(m, "elicitation/create") == 0)
		mcp_request_reply(req, mcp_json_parse_const("{\"action\":"
		    "\"accept\",\"content\":{\"name\":\"Ada\"}}"));
	else if (strcmp(m, "roots/list") == 0)
		mcp_request_reply(req, mcp_json_parse_const("{\"roots\":[{"
		    "\"uri\":\"file:///tmp\",\"name\":\"tmp\"}]}"));
	else
		mcp_request_fail(req, MCP_METHOD_NOT_FOUND, "no", NULL);
}

static void
client_on_closed(void *arg, const char *reason)
{
	struct conn *c = arg;

	(void)reason;
	c->closed++;
}

static struct conn *
conn_open(struct mcp_server *srv, bool raw)
{
	struct conn *c = mcp_xcalloc(1, sizeof *c);
	struct mcp_stdio_opts so = { 0, &client_log };
	struct mcp_peer_opts po = { 5000, 10000, 0, &client_log };

	testutil_socketpair(c->fd);
	c->sess = mcp_server_serve(srv, base, mcp_stdio_new(base, c->fd[0],
	    c->fd[0], &so));
	if (raw) {
		evutil_make_socket_nonblocking(c->fd[1]);
		c->lines = testutil_lines_new(base, c->fd[1]);
		return c;
	}
	c->client = mcp_peer_new(base, mcp_stdio_new(base, c->fd[1], c->fd[1],
	    &so), &po);
	mcp_peer_set_handlers(c->client, client_on_request,
	    client_on_notification, c);
	mcp_peer_set_closed_cb(c->client, client_on_closed, c);
	return c;
}

/* The server's ends of the socketpairs: closed only once the server is
 * freed, for a session still registered on a closed descriptor would read
 * the next socketpair that reuses its number. */
static int server_fds[256];
static int nserver_fds;

static void
server_fds_close(void)
{
	while (nserver_fds > 0)
		close(server_fds[--nserver_fds]);
}

/* Free the test's side; the server's session ends at the EOF. */
static void
conn_free(struct conn *c)
{
	int i;

	if (c == NULL)
		return;
	if (nserver_fds == (int)NELEM(server_fds))
		abort();
	server_fds[nserver_fds++] = c->fd[0];
	mcp_peer_free(c->client);
	testutil_lines_free(c->lines);
	for (i = 0; i < c->nnotes; i++)
		cJSON_Delete(c->notes[i].params);
	cJSON_Delete(c->client_params);
	close(c->fd[1]);
	free(c);
}

/* Notifications the client got with this method. */
static int
notes_count(const struct conn *c, const char *method)
{
	int i, n = 0;

	for (i = 0; i < c->nnotes; i++)
		n += strcmp(c->notes[i].method, method) == 0;
	return n;
}

/* The params of the k-th such notification, or NULL. */
static const cJSON *
note_params(const struct conn *c, const char *method, int k)
{
	int i;

	for (i = 0; i < c->nnotes; i++) {
		if (strcmp(c->notes[i].method, method) == 0 && k-- == 0)
			return c->notes[i].params;
	}
	return NULL;
}

static void
notes_clear(struct conn *c)
{
	int i;

	for (i = 0; i < c->nnotes; i++)
		cJSON_Delete(c->notes[i].params);
	c->nnotes = 0;
}

/* Raw lines */

static void
raw_send(struct conn *c, const char *line)
{
	testutil_write(base, c->fd[1], line, strlen(line));
}

/* The next line the server wrote within 2 s is exactly want; or no line
 * within ms. */
#define CHECK_LINE(c, want) TESTUTIL_CHECK_LINE((c)->lines, (want))
#define CHECK_NO_LINE(c, ms) TESTUTIL_CHECK_NO_LINE((c)->lines, (ms))

/* The next line parsed (the caller deletes it), or NULL. */
static cJSON *
raw_json(struct conn *c)
{
	char *line = testutil_lines_next(c->lines, 2000);
	cJSON *v = line != NULL ? cJSON_Parse(line) : NULL;

	free(line);
	return v;
}

#define INIT_PARAMS(version) "{\"protocolVersion\":\"" version "\"," \
	"\"capabilities\":{},\"clientInfo\":{\"name\":\"raw\",\"version\":\"1\"}}"

static void
raw_initialize(struct conn *c)
{
	cJSON *v;

	raw_send(c, "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\","
	    "\"params\":" INIT_PARAMS("2025-11-25") "}\n");
	v = raw_json(c);
	CHECK_STR(jstr(v, "result.protocolVersion"), "2025-11-25");
	cJSON_Delete(v);
	raw_send(c, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}\n");
}

/* Requests through the client peer */

struct reply {
	bool done;
	int code;
	char message[1024];
	cJSON *result;
	cJSON *data;
	int progress_calls;
	double progress[64];
	double total;
	char progress_msg[64];
	int64_t at_ms;
};

#define MAX_REPLIES 256
static struct reply replies[MAX_REPLIES];
static int nreplies;

static void
replies_clear(void)
{
	int i;

	for (i = 0; i < nreplies; i++) {
		cJSON_Delete(replies[i].result);
		cJSON_Delete(replies[i].data);
	}
	memset(replies, 0, sizeof replies);
	nreplies = 0;
}

static void
reply_cb(void *arg, const struct mcp_response *r)
{
	struct reply *rep = arg;

	rep->done = true;
	rep->code = r->code;
	rep->at_ms = testutil_now_ms();
	snprintf(rep->message, sizeof rep->message, "%s",
	    r->message != NULL ? r->message : "");
	rep->result = r->result != NULL ? cJSON_Duplicate(r->result, 1) : NULL;
	rep->data = r->data != NULL ? cJSON_Duplicate(r->data, 1) : NULL;
}

static void
reply_progress(void *arg, double progress, double total, const char *message)
{
	struct reply *rep = arg;

	if (rep->progress_calls < 64)
		rep->progress[rep->progress_calls] = progress;
	rep->progress_calls++;
	rep->total = total;
	snprintf(rep->progress_msg, sizeof rep->progress_msg, "%s",
	    message != NULL ? message : "(null)");
}

static bool
reply_done(void *arg)
{
	return ((struct reply *)arg)->done;
}

/* Send a request (params as JSON text, NULL for none) without waiting. */
static struct reply *
rpc_start(struct conn *c, const char *method, const char *params,
    bool progress, int64_t *id)
{
	struct reply *rep;
	struct mcp_call_opts co = { 0, 0, progress ? reply_progress : NULL };
	int64_t n;

	if (nreplies >= MAX_REPLIES)
		abort();
	rep = &replies[nreplies++];
	n = mcp_peer_request(c->client, method, params != NULL ?
	    mcp_json_parse_const(params) : NULL, &co, reply_cb, rep);
	if (id != NULL)
		*id = n;
	return rep;
}

/* Send a request and wait for its answer. */
static struct reply *
rpc(struct conn *c, const char *method, const char *params)
{
	struct reply *rep = rpc_start(c, method, params, false, NULL);

	if (!testutil_loop_until(base, reply_done, rep, 3000)) {
		rep->code = 1;
		snprintf(rep->message, sizeof rep->message, "(no answer to %s)",
		    method);
	}
	return rep;
}

/* A tools/call of name with arguments (JSON text). */
static struct reply *
call_tool(struct conn *c, const char *name, const char *args)
{
	char *params = mcp_xprintf("{\"name\":\"%s\",\"arguments\":%s}", name,
	    args);
	struct reply *rep = rpc(c, "tools/call", params);

	free(params);
	return rep;
}

static void
initialize(struct conn *c, const char *caps)
{
	char *params = mcp_xprintf("{\"protocolVersion\":\"2025-11-25\","
	    "\"capabilities\":%s,\"clientInfo\":{\"name\":\"test-client\","
	    "\"version\":\"0.1\"}}", caps);
	struct reply *r = rpc(c, "initialize", params);

	free(params);
	CHECK_EQ_INT(r->code, 0);
	mcp_peer_notify(c->client, "notifications/initialized", NULL);
}

/* A server with one initialized client. */
static struct conn *
open_ready(struct mcp_server *srv, const char *caps)
{
	struct conn *c = conn_open(srv, false);

	initialize(c, caps);
	return c;
}

static void
reset(void)
{
	memset(&seen, 0, sizeof seen);
	memset(&client_logs, 0, sizeof client_logs);
	memset(&server_logs, 0, sizeof server_logs);
}

static void
finish(struct mcp_server *srv, struct conn *a, struct conn *b)
{
	conn_free(a);
	conn_free(b);
	mcp_server_free(srv);
	server_fds_close();
	replies_clear();
}

/* Lifecycle */

static void
ping_and_order_before_initialize(void)
{
	struct mcp_server *srv = server_full();
	struct conn *c = conn_open(srv, true);

	reset();
	raw_send(c, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}\n");
	CHECK_LINE(c, "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}");
	raw_send(c, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}\n");
	CHECK_LINE(c, "{\"jsonrpc\":\"2.0\",\"id\":2,\"error\":{\"code\":-32600,"
	    "\"message\":\"session not initialized: send initialize first\"}}");
	raw_send(c, "{\"jsonrpc\":\"2.0\",\"id\":\"t\",\"method\":\"tools/call\","
	    "\"params\":{\"name\":\"book\",\"arguments\":{\"when\":\"2025-01-01\","
	    "\"seats\":1}}}\n");
	CHECK_LINE(c, "{\"jsonrpc\":\"2.0\",\"id\":\"t\",\"error\":{\"code\":-32600,"
	    "\"message\":\"session not initialized: send initialize first\"}}");
	CHECK_EQ_INT(seen.book_runs, 0);
	raw_send(c, "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"logging/setLevel\","
	    "\"params\":{\"level\":\"debug\"}}\n");
	CHECK_LINE(c, "{\"jsonrpc\":\"2.0\",\"id\":3,\"error\":{\"code\":-32600,"
	    "\"message\":\"session not initialized: send initialize first\"}}");
	/* Notifications get no answer; unknown methods -32601. */
	raw_send(c, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/whatever\"}\n");
	raw_send(c, "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"server/discover\"}\n");
	CHECK_LINE(c, "{\"jsonrpc\":\"2.0\",\"id\":4,\"error\":{\"code\":-32601,"
	    "\"message\":\"method not found\"}}");
	/* Nothing unsolicited before initialize: no list_changed. */
	mcp_server_add_tool(srv, &extra_tool, NULL, NULL);
	mcp_server_log(srv, MCP_LOG_EMERGENCY, NULL, cJSON_CreateString("x"));
	CHECK_NO_LINE(c, 50);
	raw_initialize(c);
	raw_send(c, "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"ping\"}\n");
	CHECK_LINE(c, "{\"jsonrpc\":\"2.0\",\"id\":5,\"result\":{}}");
	finish(srv, c, NULL);
}

static void
initialize_negotiates_version(void)
{
	static const char *const offered[] = { "2025-11-25", "2025-06-18",
	    "2025-03-26", "2024-11-05", "1999-01-01", "2026-07-28", "" };
	static const char *const answered[] = { "2025-11-25", "2025-06-18",
	    "2025-03-26", "2024-11-05", "2025-11-25", "2025-11-25",
	    "2025-11-25" };
	struct mcp_server *srv = server_full();
	size_t i;

	reset();
	for (i = 0; i < NELEM(offered); i++) {
		struct conn *c = conn_open(srv, true);
		char *line = mcp_xprintf("{\"jsonrpc\":\"2.0\",\"id\":%zu,"
		    "\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
		    "\"%s\",\"capabilities\":{\"sampling\":{}},\"clientInfo\":"
		    "{\"name\":\"c\",\"version\":\"1\"}}}\n", i + 1, offered[i]);
		cJSON *v;

		raw_send(c, line);
		v = raw_json(c);
		CHECK_EQ_INT(at(v, "id")->valueint, (int)i + 1);
		CHECK_STR(jstr(v, "result.protocolVersion"), answered[i]);
		CHECK_STR(mcp_session_protocol_version(c->sess), answered[i]);
		CHECK(mcp_session_client_can(c->sess, "sampling"));
		CHECK(!mcp_session_client_can(c->sess, "elicitation"));
		CHECK_STR(jstr(mcp_session_client_info(c->sess), "name"), "c");
		CHECK_STR(jdump(mcp_session_client_capabilities(c->sess), ""),
		    "{\"sampling\":{}}");
		cJSON_Delete(v);
		free(line);
		conn_free(c);
	}
	testutil_spin(base, 20);	/* the sessions see EOF and end */
	finish(srv, NULL, NULL);
}

static void
initialize_bad_params(void)
{
	static const struct {
		const char *params, *message;
	} cases[] = {
		{ NULL, "params: expected object, got nothing" },
		{ "{\"capabilities\":{},\"clientInfo\":{}}",
		  "params: missing required field 'protocolVersion'" },
		{ "{\"protocolVersion\":20251125,\"capabilities\":{},"
		  "\"clientInfo\":{}}",
		  "params.protocolVersion: expected string, got integer" },
		{ "{\"protocolVersion\":\"2025-11-25\",\"clientInfo\":{}}",
		  "params: missing required field 'capabilities'" },
		{ "{\"protocolVersion\":\"2025-11-25\",\"capabilities\":[],"
		  "\"clientInfo\":{}}",
		  "params.capabilities: expected object, got array" },
		{ "{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{}}",
		  "params: missing required field 'clientInfo'" },
		{ "{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},"
		  "\"clientInfo\":\"me\"}",
		  "params.clientInfo: expected object, got string" },
	};
	struct mcp_server *srv = server_full();
	struct conn *c = conn_open(srv, true);
	size_t i;

	reset();
	for (i = 0; i < NELEM(cases); i++) {
		char *line, *want;

		if (cases[i].params != NULL)
			line = mcp_xprintf("{\"jsonrpc\":\"2.0\",\"id\":%zu,"
			    "\"method\":\"initialize\",\"params\":%s}\n", i,
			    cases[i].params);
		else
			line = mcp_xprintf("{\"jsonrpc\":\"2.0\",\"id\":%zu,"
			    "\"method\":\"initialize\"}\n", i);
		want = mcp_xprintf("{\"jsonrpc\":\"2.0\",\"id\":%zu,\"error\":"
		    "{\"code\":-32602,\"message\":\"%s\"}}", i, cases[i].message);
		raw_send(c, line);
		CHECK_LINE(c, want);
		free(line);
		free(want);
	}
	/* Still not initialized after the failures. */
	raw_send(c, "{\"jsonrpc\":\"2.0\",\"id\":50,\"method\":\"prompts/list\"}\n");
	CHECK_LINE(c, "{\"jsonrpc\":\"2.0\",\"id\":50,\"error\":{\"code\":-32600,"
	    "\"message\":\"session not initialized: send initialize first\"}}");
	raw_initialize(c);
	raw_send(c, "{\"jsonrpc\":\"2.0\",\"id\":51,\"method\":\"initialize\","
	    "\"params\":" INIT_PARAMS("2025-06-18") "}\n");
	CHECK_LINE(c, "{\"jsonrpc\":\"2.0\",\"id\":51,\"error\":{\"code\":-32600,"
	    "\"message\":\"already initialized: initialize may be sent once per "
	    "session\"}}");
	/* The first negotiation stands. */
	CHECK_STR(mcp_session_protocol_version(c->sess), "2025-11-25");
	finish(srv, c, NULL);
}

static void
initialize_result(void)
{
	struct mcp_server *srv = server_full();
	struct conn *c = conn_open(srv, false);
	struct reply *r;

	reset();
	r = rpc(c, "initialize", "{\"protocolVersion\":\"2025-06-18\","
	    "\"capabilities\":{\"elicitation\":{}},\"clientInfo\":{\"name\":"
	    "\"test-client\",\"version\":\"0.1\",\"title\":\"Test\"}}");
	CHECK_EQ_INT(r->code, 0);
	CHECK_STR(jstr(r->result, "protocolVersion"), "2025-06-18");
	CHECK_STR(jdump(r->result, "capabilities"),
	    "{\"logging\":{},\"completions\":{},\"prompts\":{\"listChanged\":true},"
	    "\"resources\":{\"subscribe\":true,\"listChanged\":true},"
	    "\"tools\":{\"listChanged\":true}}");
	CHECK_STR(jdump(r->result, "serverInfo"),
	    "{\"name\":\"test-server\",\"version\":\"1.2.3\",\"title\":"
	    "\"Test Server\",\"description\":\"A server for the kit's tests\","
	    "\"websiteUrl\":\"https://example.com/test\"}");
	CHECK_STR(jstr(r->result, "instructions"), "Call echo first.");
	mcp_peer_notify(c->client, "notifications/initialized", NULL);
	CHECK_STR(jdump(mcp_session_client_info(c->sess), ""),
	    "{\"name\":\"test-client\",\"version\":\"0.1\",\"title\":\"Test\"}");
	/* A handler sees the session. */
	r = call_tool(c, "echo", "{\"text\":\"session\"}");
	CHECK_EQ_INT(r->code, 0);
	CHECK_STR(seen.session_version, "2025-06-18");
	CHECK(!seen.session_can_sampling);
	finish(srv, c, NULL);
}

static void
capabilities_follow_declarations(void)
{
	struct mcp_server *srv;
	struct conn *c;
	struct reply *r;
	struct mcp_err err = { 0, "" };
	static const struct mcp_prompt no_complete = {
		.name = "p", .description = "d", .handler = prompt_greet,
	};
	static const struct mcp_resource_template no_complete_tmpl = {
		.uri_template = "x://{a}", .name = "x", .handler = res_read,
	};

	reset();
	/* Tools only: no prompts, resources or completions. */
	srv = server_new(&bare_info, true, false, false);
	c = conn_open(srv, false);
	r = rpc(c, "initialize", INIT_PARAMS("2025-11-25"));
	CHECK_STR(jdump(r->result, "capabilities"),
	    "{\"logging\":{},\"tools\":{\"listChanged\":true}}");
	CHECK_STR(jdump(r->result, "serverInfo"),
	    "{\"name\":\"bare\",\"version\":\"0\"}");
	CHECK_STR(jdump(r->result, "instructions"), "(absent)");
	finish(srv, c, NULL);

	/* A prompt and a template without completion: no completions. */
	srv = server_new(&bare_info, false, false, false);
	CHECK_EQ_INT(mcp_server_add_prompt(srv, &no_complete, NULL, &err), 0);
	CHECK_EQ_INT(mcp_server_add_template(srv, &no_complete_tmpl, NULL,
	    &err), 0);
	c = conn_open(srv, false);
	r = rpc(c, "initialize", INIT_PARAMS("2025-11-25"));
	CHECK_STR(jdump(r->result, "capabilities"),
	    "{\"logging\":{},\"prompts\":{\"listChanged\":true},"
	    "\"resources\":{\"subscribe\":true,\"listChanged\":true}}");
	mcp_peer_notify(c->client, "notifications/initialized", NULL);
	/* Without a provider, completion answers no values. */
	r = rpc(c, "completion/complete", "{\"ref\":{\"type\":\"ref/prompt\","
	    "\"name\":\"p\"},\"argument\":{\"name\":\"a\",\"value\":\"\"}}");
	CHECK_EQ_INT(r->code, 0);
	CHECK_STR(jdump(r->result, "completion.values"), "[]");
	finish(srv, c, NULL);

	/* Nothing at all. */
	srv = server_new(&bare_info, false, false, false);
	c = conn_open(srv, false);
	r = rpc(c, "initialize", INIT_PARAMS("2025-11-25"));
	CHECK_STR(jdump(r->result, "capabilities"), "{\"logging\":{}}");
	finish(srv, c, NULL);
}

/* Lists */

static void
tools_list_paginates(void)
{
	struct mcp_server *srv = server_full();
	struct conn *c;
	struct reply *r;
	const char *cursor;
	char *params;

	reset();
	mcp_server_set_page_size(srv, 2);
	c = open_ready(srv, "{}");
	r = rpc(c, "tools/list", NULL);
	CHECK_EQ_INT(r->code, 0);
	CHECK_EQ_INT(jsize(r->result, "tools"), 2);
	CHECK_STR(jstr(r->result, "tools[0].name"), "echo");
	CHECK_STR(jstr(r->result, "tools[1].name"), "book");
	CHECK_STR(jstr(r->result, "tools[0].title"), "Echo");
	CHECK_STR(jstr(r->result, "tools[0].description"), "Returns its text");
	CHECK_STR(jdump(r->result, "tools[0].inputSchema"), canon(ECHO_SCHEMA));
	CHECK_STR(jdump(r->result, "tools[0].annotations"),
	    "{\"readOnlyHint\":true}");
	CHECK_STR(jdump(r->result, "tools[0].outputSchema"), "(absent)");
	CHECK_STR(jdump(r->result, "tools[1].inputSchema"), canon(BOOK_SCHEMA));
	CHECK_STR(jdump(r->result, "tools[1].annotations"),
	    "{\"destructiveHint\":false,\"openWorldHint\":true}");
	CHECK_STR(jdump(r->result, "tools[1].title"), "(absent)");
	cursor = jstr(r->result, "nextCursor");
	CHECK(cursor != NULL);

	params = mcp_xprintf("{\"cursor\":\"%s\"}", cursor != NULL ? cursor : "");
	r = rpc(c, "tools/list", params);
	free(params);
	CHECK_EQ_INT(jsize(r->result, "tools"), 2);
	CHECK_STR(jstr(r->result, "tools[0].name"), "weather");
	CHECK_STR(jstr(r->result, "tools[1].name"), "slow");
	CHECK_STR(jdump(r->result, "tools[0].outputSchema"), canon(WEATHER_OUT));
	CHECK_STR(jdump(r->result, "tools[0].annotations"), "(absent)");
	cursor = jstr(r->result, "nextCursor");
	CHECK(cursor != NULL);

	params = mcp_xprintf("{\"cursor\":\"%s\"}", cursor != NULL ? cursor : "");
	r = rpc(c, "tools/list", params);
	free(params);
	CHECK_EQ_INT(jsize(r->result, "tools"), 1);
	CHECK_STR(jstr(r->result, "tools[0].name"), "ask");
	CHECK_STR(jdump(r->result, "nextCursor"), "(absent)");

	/* Bad cursors. */
	r = rpc(c, "tools/list", "{\"cursor\":\"zzz\"}");
	CHECK_EQ_INT(r->code, MCP_INVALID_PARAMS);
	CHECK_CONTAINS(r->message, "cursor");
	r = rpc(c, "tools/list", "{\"cursor\":\"99\"}");
	CHECK_EQ_INT(r->code, MCP_INVALID_PARAMS);
	r = rpc(c, "tools/list", "{\"cursor\":\"-1\"}");
	CHECK_EQ_INT(r->code, MCP_INVALID_PARAMS);
	r = rpc(c, "tools/list", "{\"cursor\":\"\"}");
	CHECK_EQ_INT(r->code, MCP_INVALID_PARAMS);
	r = rpc(c, "tools/list", "{\"cursor\":\"2 \"}");
	CHECK_EQ_INT(r->code, MCP_INVALID_PARAMS);
	r = rpc(c, "tools/list", "{\"cursor\":\" 2\"}");
	CHECK_EQ_INT(r->code, MCP_INVALID_PARAMS);
	r = rpc(c, "tools/list", "{\"cursor\":\"+2\"}");
	CHECK_EQ_INT(r->code, MCP_INVALID_PARAMS);
	r = rpc(c, "tools/list", "{\"cursor\":\"99999999999999999999999\"}");
	CHECK_EQ_INT(r->code, MCP_INVALID_PARAMS);
	r = rpc(c, "tools/list", "{\"cursor\":2}");
	CHECK_EQ_INT(r->code, MCP_INVALID_PARAMS);
	CHECK_STR(r->message, "params.cursor: expected string, got integer");
	/* A null cursor is no cursor. */
	r = rpc(c, "tools/list", "{}");
	CHECK_EQ_INT(r->code, 0);
	CHECK_STR(jstr(r->result, "tools[0].name"), "echo");
	finish(srv, c, NULL);
}

static void
other_lists(void)
{
	struct mcp_server *srv = server_full();
	struct conn *c = open_ready(srv, "{}");
	struct reply *r;

	reset();
	r = rpc(c, "resources/list", NULL);
	CHECK_STR(jdump(r->result, ""),
	    "{\"resources\":[{\"uri\":\"test://readme\",\"name\":\"readme\","
	    "\"title\":\"Read me\",\"description\":\"What this is\","
	    "\"mimeType\":\"text/plain\"},{\"uri\":\"test://watched\","
	    "\"name\":\"watched\"}]}");
	r = rpc(c, "resources/templates/list", NULL);
	CHECK_STR(jdump(r->result, ""),
	    "{\"resourceTemplates\":[{\"uriTemplate\":"
	    "\"test://users/{id}/profile{?fields}\",\"name\":\"user-profile\","
	    "\"title\":\"User profile\",\"mimeType\":\"text/plain\"}]}");
	r = rpc(c, "prompts/list", NULL);
	CHECK_STR(jdump(r->result, ""),
	    "{\"prompts\":[{\"name\":\"greet\",\"title\":\"Greet\","
	    "\"description\":\"Greets someone\",\"arguments\":["
	    "{\"name\":\"name\",\"description\":\"Who\",\"required\":true},"
	    "{\"name\":\"style\",\"title\":\"Style\",\"required\":false}]},"
	    "{\"name\":\"plain\",\"description\":\"No arguments, no completion\","
	    "\"arguments\":[]}]}");
	finish(srv, c, NULL);
}

/* Tools */

static void
tools_call_basics(void)
{
	struct mcp_server *srv = server_full();
	struct conn *c = open_ready(srv, "{}");
	struct reply *r;

	reset();
	r = call_tool(c, "echo", "{\"text\":\"hi\"}");
	CHECK_EQ_INT(r->code, 0);
	CHECK_STR(jdump(r->result, ""),
	    "{\"content\":[{\"type\":\"text\",\"text\":\"hi\"}]}");
	r = call_tool(c, "nope", "{}");
	CHECK_EQ_INT(r->code, MCP_INVALID_PARAMS);
	CHECK_CONTAINS(r->message, "unknown tool");
	r = rpc(c, "tools/call", "{\"arguments\":{}}");
	CHECK_EQ_INT(r->code, MCP_INVALID_PARAMS);
	CHECK_STR(r->message, "params: missing required field 'name'");
	r = rpc(c, "tools/call", "{\"name\":\"echo\",\"arguments\":[1]}");
	CHECK_EQ_INT(r->code, MCP_INVALID_PARAMS);
	CHECK_STR(r->message, "params.arguments: expected object, got array");
	r = rpc(c, "tools/call", NULL);
	CHECK_EQ_INT(r->code, MCP_INVALID_PARAMS);
	/* No arguments is an empty object: the schema still applies. */
	r = rpc(c, "tools/call", "{\"name\":\"echo\"}");
	CHECK_EQ_INT(r->code, 0);
	CHECK(cJSON_IsTrue(at(r->result, "isError")));
	CHECK_CONTAINS(jstr(r->result, "content[0].text"), "text");
	finish(srv, c, NULL);
}

static void
tools_call_validates_arguments(void)
{
	static const struct {
		const char *args;
		const char *names[2];	/* what the message must mention */
	} cases[] = {
		{ "{\"when\":\"2025-01-01\",\"seats\":\"two\"}",
		  { "arguments.seats", "integer" } },
		{ "{\"seats\":2}", { "arguments", "'when'" } },
		{ "{\"when\":\"2025-01-01\",\"seats\":2,\"cabin\":\"first\"}",
		  { "arguments.cabin", "\"economy\", \"business\"" } },
		{ "{\"when\":\"2025-01-01\",\"seats\":0}",
		  { "arguments.seats", ">= 1" } },
		{ "{\"when\":\"2025-01-01\",\"seats\":1.5}",
		  { "arguments.seats", "integer" } },
		{ "{\"when\":\"2025-01-01\",\"seats\":1,\"name\":\"Alexander\"}",
		  { "arguments.name", "at most 5" } },
		{ "{\"when\":\"2025-01-01\",\"seats\":1,\"code\":\"abc\"}",
		  { "arguments.code", "pattern" } },
		{ "{\"when\":\"2025-13-45\",\"seats\":1}",
		  { "arguments.when", "date" } },
		{ "{\"when\":\"tomorrow\",\"seats\":1}",
		  { "arguments.when", "date" } },
		{ "{\"when\":\"2025-01-01\",\"seats\":1,\"extra\":true}",
		  { "arguments", "'extra'" } },
	};
	struct mcp_server *srv = server_full();
	struct conn *c = open_ready(srv, "{}");
	struct reply *r;
	size_t i;

	reset();
	for (i = 0; i < NELEM(cases); i++) {
		const char *text;

		r = call_tool(c, "book", cases[i].args);
		CHECK_EQ_INT(r->code, 0);
		CHECK(cJSON_IsTrue(at(r->result, "isError")));
		text = jstr(r->result, "content[0].text");
		CHECK_CONTAINS(text, "invalid arguments for tool 'book'");
		CHECK_CONTAINS(text, cases[i].names[0]);
		if (cases[i].names[1] != NULL)
			CHECK_CONTAINS(text, cases[i].names[1]);
	}
	CHECK_EQ_INT(seen.book_runs, 0);
	r = call_tool(c, "book", "{\"when\":\"2024-02-29\",\"seats\":3,"
	    "\"cabin\":\"business\",\"code\":\"CDG\",\"name\":\"Ada\"}");
	CHECK_EQ_INT(r->code, 0);
	CHECK_STR(jdump(r->result, "isError"), "(absent)");
	CHECK_STR(jstr(r->result, "content[0].text"), "booked");
	CHECK_EQ_INT(seen.book_runs, 1);
	CHECK_STR(seen.book_args, "{\"when\":\"2024-02-29\",\"seats\":3,"
	    "\"cabin\":\"business\",\"code\":\"CDG\",\"name\":\"Ada\"}");
	finish(srv, c, NULL);
}

static void
tools_call_checks_output(void)
{
	struct mcp_server *srv = server_full();
	struct conn *c = open_ready(srv, "{}");
	struct reply *r;

	reset();
	r = call_tool(c, "weather", "{}");
	CHECK_EQ_INT(r->code, 0);
	CHECK_STR(jdump(r->result, "structuredContent"),
	    "{\"temp\":21.5,\"sky\":\"clear\"}");
	CHECK_STR(jstr(r->result, "content[0].type"), "text");
	CHECK_STR(jstr(r->result, "content[0].text"),
	    "{\"temp\":21.5,\"sky\":\"clear\"}");
	r = call_tool(c, "weather", "{\"bad\":true}");
	CHECK_EQ_INT(r->code, MCP_INTERNAL_ERROR);
	CHECK_CONTAINS(r->message, "tool 'weather'");
	CHECK_CONTAINS(r->message, "outputSchema");
	CHECK_CONTAINS(r->message, "structuredContent.temp");
	CHECK(r->result == NULL);
	CHECK_CONTAINS(server_logs.all, "tool 'weather' broke its outputSchema");
	finish(srv, c, NULL);
}

static void
tools_call_async_progress(void)
{
	struct mcp_server *srv = server_full();
	struct conn *c = open_ready(srv, "{}");
	struct reply *r;
	int64_t t0 = testutil_now_ms();

	reset();
	r = rpc_start(c, "tools/call", "{\"name\":\"slow\",\"arguments\":"
	    "{\"steps\":4}}", true, NULL);
	testutil_spin(base, 5);
	CHECK(!r->done);
	CHECK_EQ_INT(seen.slow_started, 1);
	CHECK(testutil_loop_until(base, reply_done, r, 3000));
	CHECK_EQ_INT(r->code, 0);
	CHECK_STR(jstr(r->result, "content[0].text"), "slept");
	CHECK(r->at_ms - t0 >= 60);
	CHECK_EQ_INT(r->progress_calls, 3);
	CHECK(r->progress[0] == 1 && r->progress[1] == 2 && r->progress[2] == 3);
	CHECK(r->total == 4);
	CHECK_STR(r->progress_msg, "tick");
	CHECK_EQ_INT(seen.slow_ended, 1);
	CHECK_EQ_INT(seen.slow_cancels, 0);
	/* Without a progressToken there are no progress notifications. */
	r = rpc_start(c, "tools/call", "{\"name\":\"slow\",\"arguments\":"
	    "{\"steps\":3}}", false, NULL);
	CHECK(testutil_loop_until(base, reply_done, r, 3000));
	CHECK_EQ_INT(notes_count(c, "notifications/progress"), 0);
	CHECK_EQ_INT(seen.slow_live, 0);
	finish(srv, c, NULL);
}

static void
tools_call_cancelled(void)
{
	struct mcp_server *srv = server_full();
	struct conn *c = open_ready(srv, "{}");
	struct reply *r, *p;
	int64_t id;

	reset();
	/* The handler ends its call in the cancel hook. */
	r = rpc_start(c, "tools/call", "{\"name\":\"slow\",\"arguments\":"
	    "{\"steps\":50}}", true, &id);
	CHECK(testutil_wait_count(base, &r->progress_calls, 1, 2000));
	CHECK_EQ_INT(mcp_peer_cancel(c->client, id, "user pressed Esc"), 0);
	CHECK(r->done);
	CHECK_EQ_INT(r->code, MCP_REQUEST_CANCELLED);
	CHECK(testutil_wait_count(base, &seen.slow_cancels, 1, 2000));
	CHECK_EQ_INT(seen.slow_cancels, 1);
	CHECK_EQ_INT(seen.slow_live, 0);
	CHECK_EQ_INT(seen.slow_ended, 0);

	/* It lingers and answers at its end: the answer is not sent. */
	r = rpc_start(c, "tools/call", "{\"name\":\"slow\",\"arguments\":"
	    "{\"steps\":5,\"linger\":true}}", true, &id);
	CHECK(testutil_wait_count(base, &r->progress_calls, 1, 2000));
	CHECK_EQ_INT(mcp_peer_cancel(c->client, id, NULL), 0);
	CHECK(testutil_wait_count(base, &seen.slow_cancels, 2, 2000));
	/* Meanwhile the session answers. */
	p = rpc(c, "ping", NULL);
	CHECK_EQ_INT(p->code, 0);
	CHECK(testutil_wait_count(base, &seen.slow_ended, 1, 2000));
	testutil_spin(base, 50);
	CHECK_EQ_INT(r->progress_calls, 1);
	CHECK(strstr(client_logs.all, "dropping response") == NULL);
	CHECK_EQ_INT(seen.slow_live, 0);
	finish(srv, c, NULL);
}

static void
cancel_transcript(void)
{
	struct mcp_server *srv = server_full();
	struct conn *c = conn_open(srv, true);

	reset();
	raw_initialize(c);
	raw_send(c, "{\"jsonrpc\":\"2.0\",\"id\":\"s\",\"method\":\"tools/call\","
	    "\"params\":{\"name\":\"slow\",\"arguments\":{\"steps\":4,"
	    "\"linger\":true},\"_meta\":{\"progressToken\":\"tok\"}}}\n");
	CHECK_LINE(c, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\","
	    "\"params\":{\"progressToken\":\"tok\",\"progress\":1,\"total\":4,"
	    "\"message\":\"tick\"}}");
	raw_send(c, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\","
	    "\"params\":{\"requestId\":\"s\",\"reason\":\"no longer needed\"}}\n");
	CHECK(testutil_wait_count(base, &seen.slow_cancels, 1, 2000));
	CHECK(testutil_wait_count(base, &seen.slow_ended, 1, 2000));
	/* No more progress and no late answer. */
	CHECK_NO_LINE(c, 60);
	/* Cancelling an unknown or finished id changes nothing. */
	raw_send(c, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\","
	    "\"params\":{\"requestId\":\"s\"}}\n");
	raw_send(c, "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"ping\"}\n");
	CHECK_LINE(c, "{\"jsonrpc\":\"2.0\",\"id\":7,\"result\":{}}");
	finish(srv, c, NULL);
}

static void
tool_declaration_errors(void)
{
	static char long_name[130];
	static const struct {
		struct mcp_tool tool;
		const char *message;
	} cases[] = {
		{ { .name = "has space", .handler = tool_book },
		  "tool name 'has space' must be 1-128 characters" },
		{ { .name = "", .handler = tool_book },
		  "tool name '' must be 1-128 characters" },
		{ { .name = NULL, .handler = tool_book },
		  "tool name '' must be 1-128 characters" },
		{ { .name = long_name, .handler = tool_book },
		  "must be 1-128 characters" },
		{ { .name = "caf\xc3\xa9", .handler = tool_book },
		  "must be 1-128 characters of A-Z a-z 0-9 _ . -" },
		{ { .name = "echo", .handler = tool_book },
		  "tool 'echo' declared twice" },
		{ { .name = "nohandler" }, "tool 'nohandler' has no handler" },
		{ { .name = "badjson", .input_schema = "{\"type\":",
		    .handler = tool_book },
		  "inputSchema of 'badjson' is not a JSON object" },
		{ { .name = "array", .input_schema = "[]", .handler = tool_book },
		  "inputSchema of 'array' is not a JSON object" },
		{ { .name = "notobject", .input_schema = "{\"type\":\"string\"}",
		    .handler = tool_book },
		  "inputSchema of 'notobject' must have \"type\": \"object\"" },
		{ { .name = "dialect", .input_schema = "{\"$schema\":"
		    "\"http://json-schema.org/draft-03/schema#\",\"type\":"
		    "\"object\"}", .handler = tool_book },
		  "unsupported JSON Schema dialect" },
		{ { .name = "badschema", .input_schema = "{\"type\":\"object\","
		    "\"properties\":{\"a\":{\"type\":5}}}", .handler = tool_book },
		  "tool 'badschema': " },
		{ { .name = "badpattern", .input_schema = "{\"type\":\"object\","
		    "\"properties\":{\"a\":{\"pattern\":\"(\"}}}",
		    .handler = tool_book },
		  "tool 'badpattern': " },
		{ { .name = "badout", .output_schema = "nope",
		    .handler = tool_book },
		  "outputSchema of 'badout' is not a JSON object" },
		{ { .name = "badann", .annotations = "[true]",
		    .handler = tool_book },
		  "annotations of 'badann' is not a JSON object" },
	};
	struct mcp_server *srv = server_full();
	struct mcp_err err;
	struct conn *c;
	struct reply *r;
	size_t i;

	reset();
	memset(long_name, 'a', 129);
	for (i = 0; i < NELEM(cases); i++) {
		mcp_err_clear(&err);
		CHECK_EQ_INT(mcp_server_add_tool(srv, &cases[i].tool, NULL, &err),
		    -1);
		CHECK_EQ_INT(err.code, MCP_INVALID_PARAMS);
		CHECK_CONTAINS(err.msg, cases[i].message);
		CHECK(strchr(err.msg, '\n') == NULL);
	}
	mcp_err_clear(&err);
	CHECK_CONTAINS(err.msg, "");
	/* 128 characters is fine; err is optional. */
	{
		static char ok_name[129];
		static const struct mcp_tool ok = { .name = ok_name,
		    .handler = tool_book };

		memset(ok_name, 'b', 128);
		CHECK_EQ_INT(mcp_server_add_tool(srv, &ok, NULL, NULL), 0);
		CHECK_EQ_INT(mcp_server_add_tool(srv, &ok, NULL, NULL), -1);
	}
	c = open_ready(srv, "{}");
	r = rpc(c, "tools/list", NULL);
	CHECK_EQ_INT(jsize(r->result, "tools"), (int)NELEM(tools) + 1);
	/* No inputSchema declared: an empty object schema. */
	CHECK_STR(jdump(r->result, "tools[5].inputSchema"),
	    "{\"type\":\"object\",\"properties\":{}}");
	finish(srv, c, NULL);
}

static void
other_declaration_errors(void)
{
	static const struct mcp_resource no_name = { .uri = "a://b",
	    .handler = res_read };
	static const struct mcp_resource_template bad_tmpl = {
	    .uri_template = "test://{unclosed", .name = "t",
	    .handler = res_read };
	static const struct mcp_prompt no_handler = { .name = "p" };
	struct mcp_server *srv = server_full();
	struct mcp_err err = { 0, "" };

	reset();
	CHECK_EQ_INT(mcp_server_add_resource(srv, &resources[0], NULL, &err),
	    -1);
	CHECK_STR(err.msg, "resource 'test://readme' declared twice");
	mcp_err_clear(&err);
	CHECK_EQ_INT(mcp_server_add_resource(srv, &no_name, NULL, &err), -1);
	CHECK_CONTAINS(err.msg, "resource 'a://b' needs a uri, a name");
	mcp_err_clear(&err);
	CHECK_EQ_INT(mcp_server_add_template(srv, &bad_tmpl, NULL, &err), -1);
	CHECK_CONTAINS(err.msg, "test://{unclosed");
	CHECK_CONTAINS(err.msg, "unclosed");
	mcp_err_clear(&err);
	CHECK_EQ_INT(mcp_server_add_template(srv, &templates[0], NULL, &err),
	    -1);
	CHECK_CONTAINS(err.msg, "declared twice");
	mcp_err_clear(&err);
	CHECK_EQ_INT(mcp_server_add_prompt(srv, &no_handler, NULL, &err), -1);
	CHECK_STR(err.msg, "prompt 'p' needs a name and a handler");
	mcp_err_clear(&err);
	CHECK_EQ_INT(mcp_server_add_prompt(srv, &prompts[0], NULL, &err), -1);
	CHECK_STR(err.msg, "prompt 'greet' declared twice");
	CHECK_EQ_INT(mcp_server_remove_tool(srv, "nope"), -1);
	CHECK_EQ_INT(mcp_server_remove_resource(srv, "nope"), -1);
	CHECK_EQ_INT(mcp_server_remove_prompt(srv, "nope"), -1);
	finish(srv, NULL, NULL);
}

/* Resources */

static void
resources_read(void)
{
	struct mcp_server *srv = server_full();
	struct conn *c = open_ready(srv, "{}");
	struct reply *r;

	reset();
	r = rpc(c, "resources/read", "{\"uri\":\"test://readme\"}");
	CHECK_EQ_INT(r->code, 0);
	CHECK_STR(jdump(r->result, ""),
	    "{\"contents\":[{\"uri\":\"test://readme\",\"mimeType\":"
	    "\"text/plain\",\"text\":\"content of test://readme\"}]}");
	CHECK_STR(seen.read_vars, "null");

	r = rpc(c, "resources/read",
	    "{\"uri\":\"test://users/ada%20l/profile?fields=name,email\"}");
	CHECK_EQ_INT(r->code, 0);
	CHECK_STR(jstr(r->result, "contents[0].uri"),
	    "test://users/ada%20l/profile?fields=name,email");
	CHECK_STR(seen.read_vars, "{\"id\":\"ada l\",\"fields\":\"name,email\"}");
	r = rpc(c, "resources/read", "{\"uri\":\"test://users/bob/profile\"}");
	CHECK_EQ_INT(r->code, 0);
	CHECK_STR(seen.read_vars, "{\"id\":\"bob\"}");
	CHECK_EQ_INT(seen.reads, 3);

	r = rpc(c, "resources/read", "{\"uri\":\"test://nope\"}");
	CHECK_EQ_INT(r->code, MCP_RESOURCE_NOT_FOUND);
	CHECK_STR(r->message, "resource not found: test://nope");
	CHECK_STR(jdump(r->data, ""), "{\"uri\":\"test://nope\"}");
	r = rpc(c, "resources/read", "{\"uri\":\"test://users//profile\"}");
	CHECK_EQ_INT(r->code, MCP_RESOURCE_NOT_FOUND);
	r = rpc(c, "resources/read", "{}");
	CHECK_EQ_INT(r->code, MCP_INVALID_PARAMS);
	CHECK_STR(r->message, "params: missing required field 'uri'");
	r = rpc(c, "resources/read", "{\"uri\":7}");
	CHECK_EQ_INT(r->code, MCP_INVALID_PARAMS);
	CHECK_EQ_INT(seen.reads, 3);
	finish(srv, c, NULL);
}

static void
resources_subscribe(void)
{
	struct mcp_server *srv = server_full();
	struct conn *a = open_ready(srv, "{}"), *b = open_ready(srv, "{}");
	struct reply *r;
	const char *upd = "notifications/resources/updated";

	reset();
	r = rpc(a, "resources/subscribe", "{\"uri\":\"test://watched\"}");
	CHECK_EQ_INT(r->code, 0);
	CHECK_STR(jdump(r->result, ""), "{}");
	/* Twice is once. */
	r = rpc(a, "resources/subscribe", "{\"uri\":\"test://watched\"}");
	CHECK_EQ_INT(r->code, 0);
	mcp_server_resource_updated(srv, "test://watched");
	mcp_server_resource_updated(srv, "test://readme");
	testutil_spin(base, 30);
	CHECK_EQ_INT(notes_count(a, upd), 1);
	CHECK_STR(jdump(note_params(a, upd, 0), ""), "{\"uri\":\"test://watched\"}");
	CHECK_EQ_INT(notes_count(b, upd), 0);

	r = rpc(a, "resources/unsubscribe", "{\"uri\":\"test://watched\"}");
	CHECK_EQ_INT(r->code, 0);
	mcp_server_resource_updated(srv, "test://watched");
	testutil_spin(base, 30);
	CHECK_EQ_INT(notes_count(a, upd), 1);
	/* Unsubscribing from what was never subscribed is fine. */
	r = rpc(a, "resources/unsubscribe", "{\"uri\":\"test://other\"}");
	CHECK_EQ_INT(r->code, 0);
	r = rpc(a, "resources/subscribe", "{}");
	CHECK_EQ_INT(r->code, MCP_INVALID_PARAMS);
	CHECK_STR(r->message, "params: missing required field 'uri'");
	finish(srv, a, b);
}

static void
list_changed_at_runtime(void)
{
	struct mcp_server *srv = server_full();
	struct conn *a = open_ready(srv, "{}"), *raw = conn_open(srv, true);
	struct mcp_err err = { 0, "" };
	struct reply *r;

	reset();
	CHECK_EQ_INT(mcp_server_add_tool(srv, &extra_tool, NULL, &err), 0);
	testutil_spin(base, 30);
	CHECK_EQ_INT(notes_count(a, "notifications/tools/list_changed"), 1);
	r = rpc(a, "tools/list", NULL);
	CHECK_EQ_INT(jsize(r->result, "tools"), 6);
	CHECK_STR(jstr(r->result, "tools[5].name"), "extra");
	r = call_tool(a, "extra", "{}");
	CHECK_STR(jstr(r->result, "content[0].text"), "booked");

	CHECK_EQ_INT(mcp_server_remove_tool(srv, "extra"), 0);
	CHECK_EQ_INT(mcp_server_remove_tool(srv, "extra"), -1);
	testutil_spin(base, 30);
	CHECK_EQ_INT(notes_count(a, "notifications/tools/list_changed"), 2);
	r = rpc(a, "tools/list", NULL);
	CHECK_EQ_INT(jsize(r->result, "tools"), 5);
	r = call_tool(a, "extra", "{}");
	CHECK_EQ_INT(r->code, MCP_INVALID_PARAMS);

	CHECK_EQ_INT(mcp_server_add_prompt(srv, &extra_prompt, NULL, &err), 0);
	CHECK_EQ_INT(mcp_server_remove_prompt(srv, "extra"), 0);
	CHECK_EQ_INT(mcp_server_add_resource(srv, &extra_resource, NULL, &err),
	    0);
	CHECK_EQ_INT(mcp_server_remove_resource(srv, "test://extra"), 0);
	testutil_spin(base, 30);
	CHECK_EQ_INT(notes_count(a, "notifications/prompts/list_changed"), 2);
	CHECK_EQ_INT(notes_count(a, "notifications/resources/list_changed"), 2);
	CHECK_STR(jdump(note_params(a, "notifications/tools/list_changed", 0),
	    ""), "(absent)");
	/* The session that did not initialize heard nothing. */
	CHECK_NO_LINE(raw, 20);
	CHECK_STR(err.msg, "");
	finish(srv, a, raw);
}

/* A session hears list_changed only for what it was told exists. */
static void
list_changed_only_for_announced(void)
{
	struct mcp_server *srv = server_new(&info, true, false, false);
	struct conn *a = open_ready(srv, "{}");
	struct mcp_err err = { 0, "" };

	reset();
	CHECK_EQ_INT(mcp_server_add_prompt(srv, &extra_prompt, NULL, &err), 0);
	CHECK_EQ_INT(mcp_server_add_resource(srv, &extra_resource, NULL, &err),
	    0);
	CHECK_EQ_INT(mcp_server_add_tool(srv, &extra_tool, NULL, &err), 0);
	testutil_spin(base, 30);
	CHECK_EQ_INT(notes_count(a, "notifications/prompts/list_changed"), 0);
	CHECK_EQ_INT(notes_count(a, "notifications/resources/list_changed"), 0);
	CHECK_EQ_INT(notes_count(a, "notifications/tools/list_changed"), 1);
	CHECK_STR(err.msg, "");
	finish(srv, a, NULL);
}

/* When a call ends, what it still asked of the client is cancelled there. */
static void
call_end_cancels_client_requests(void)
{
	struct mcp_server *srv = server_full();
	struct conn *c = conn_open(srv, true);
	struct mcp_err err = { 0, "" };
	char want[200];
	cJSON *v;
	int id;

	reset();
	CHECK_EQ_INT(mcp_server_add_tool(srv, &ask_once_tool, NULL, &err), 0);
	raw_send(c, "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\","
	    "\"params\":{\"protocolVersion\":\"2025-11-25\",\"capabilities\":"
	    "{\"roots\":{}},\"clientInfo\":{\"name\":\"raw\",\"version\":\"1\"}}}\n");
	v = raw_json(c);
	CHECK_STR(jstr(v, "result.protocolVersion"), "2025-11-25");
	cJSON_Delete(v);
	raw_send(c, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}\n");
	raw_send(c, "{\"jsonrpc\":\"2.0\",\"id\":\"q\",\"method\":\"tools/call\","
	    "\"params\":{\"name\":\"ask_once\",\"arguments\":{}}}\n");
	v = raw_json(c);
	CHECK_STR(jstr(v, "method"), "roots/list");
	id = mcp_json_is_integer(at(v, "id")) ? (int)at(v, "id")->valuedouble : -1;
	cJSON_Delete(v);
	raw_send(c, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\","
	    "\"params\":{\"requestId\":\"q\"}}\n");
	CHECK(testutil_wait_count(base, &seen.ask_answers, 1, 2000));
	CHECK_EQ_INT(seen.ask_call_cancels, 1);
	CHECK_EQ_INT(seen.ask_late_code, MCP_REQUEST_CANCELLED);
	snprintf(want, sizeof want, "{\"jsonrpc\":\"2.0\",\"method\":"
	    "\"notifications/cancelled\",\"params\":{\"requestId\":%d,"
	    "\"reason\":\"the call ended\"}}", id);
	CHECK_LINE(c, want);
	/* The client's late answer is dropped; the call said nothing more. */
	snprintf(want, sizeof want, "{\"jsonrpc\":\"2.0\",\"id\":%d,"
	    "\"result\":{\"roots\":[]}}\n", id);
	raw_send(c, want);
	CHECK_NO_LINE(c, 60);
	CHECK_EQ_INT(seen.ask_answers, 1);
	CHECK_STR(err.msg, "");
	finish(srv, c, NULL);
}

/* Prompts */

static void
prompts_get(void)
{
	struct mcp_server *srv = server_full();
	struct conn *c = open_ready(srv, "{}");
	struct reply *r;

	reset();
	r = rpc(c, "prompts/get", "{\"name\":\"greet\",\"arguments\":"
	    "{\"name\":\"Ada\",\"style\":\"warm\"}}");
	CHECK_EQ_INT(r->code, 0);
	CHECK_STR(jdump(r->result, ""),
	    "{\"description\":\"a greeting\",\"messages\":[{\"role\":\"user\","
	    "\"content\":{\"type\":\"text\",\"text\":\"Hello, Ada (warm)\"}}]}");
	r = rpc(c, "prompts/get", "{\"name\":\"greet\",\"arguments\":"
	    "{\"name\":\"Bo\"}}");
	CHECK_STR(jstr(r->result, "messages[0].content.text"),
	    "Hello, Bo (plain)");
	CHECK_STR(seen.prompt_args, "{\"name\":\"Bo\"}");

	r = rpc(c, "prompts/get", "{\"name\":\"greet\",\"arguments\":"
	    "{\"style\":\"warm\"}}");
	CHECK_EQ_INT(r->code, MCP_INVALID_PARAMS);
	CHECK_STR(r->message, "prompt 'greet' needs argument 'name'");
	r = rpc(c, "prompts/get", "{\"name\":\"greet\"}");
	CHECK_EQ_INT(r->code, MCP_INVALID_PARAMS);
	CHECK_STR(r->message, "prompt 'greet' needs argument 'name'");
	r = rpc(c, "prompts/get", "{\"name\":\"greet\",\"arguments\":"
	    "{\"name\":5}}");
	CHECK_EQ_INT(r->code, MCP_INVALID_PARAMS);
	CHECK_STR(r->message, "params.arguments.name: expected string, got integer");
	r = rpc(c, "prompts/get", "{\"name\":\"greet\",\"arguments\":"
	    "{\"name\":\"x\",\"style\":null}}");
	CHECK_EQ_INT(r->code, MCP_INVALID_PARAMS);
	CHECK_STR(r->message, "params.arguments.style: expected string, got null");
	r = rpc(c, "prompts/get", "{\"name\":\"greet\",\"arguments\":[\"x\"]}");
	CHECK_EQ_INT(r->code, MCP_INVALID_PARAMS);
	r = rpc(c, "prompts/get", "{\"name\":\"nope\"}");
	CHECK_EQ_INT(r->code, MCP_INVALID_PARAMS);
	CHECK_CONTAINS(r->message, "unknown prompt");
	r = rpc(c, "prompts/get", "{}");
	CHECK_EQ_INT(r->code, MCP_INVALID_PARAMS);
	CHECK_STR(r->message, "params: missing required field 'name'");
	/* No arguments for a prompt that needs none. */
	r = rpc(c, "prompts/get", "{\"name\":\"plain\"}");
	CHECK_EQ_INT(r->code, 0);
	CHECK_STR(seen.prompt_args, "{}");
	CHECK_EQ_INT(seen.prompt_runs, 3);
	finish(srv, c, NULL);
}

/* Completion */

static void
completion(void)
{
	struct mcp_server *srv = server_full();
	struct conn *c = open_ready(srv, "{}");
	struct reply *r;

	reset();
	r = rpc(c, "completion/complete", "{\"ref\":{\"type\":\"ref/prompt\","
	    "\"name\":\"greet\"},\"argument\":{\"name\":\"name\",\"value\":\"al\"}}");
	CHECK_EQ_INT(r->code, 0);
	CHECK_STR(jdump(r->result, ""), "{\"completion\":{\"values\":"
	    "[\"alice\",\"albert\"],\"total\":2,\"hasMore\":false}}");
	CHECK_STR(seen.complete_context, "{}");
	r = rpc(c, "completion/complete", "{\"ref\":{\"type\":\"ref/prompt\","
	    "\"name\":\"greet\"},\"argument\":{\"name\":\"name\",\"value\":\"b\"},"
	    "\"context\":{\"arguments\":{\"style\":\"formal\"}}}");
	CHECK_STR(jdump(r->result, "completion.values"), "[\"Dr. bob\"]");
	CHECK_STR(seen.complete_context, "{\"style\":\"formal\"}");
	/* Template variables. */
	r = rpc(c, "completion/complete", "{\"ref\":{\"type\":\"ref/resource\","
	    "\"uri\":\"test://users/{id}/profile{?fields}\"},\"argument\":"
	    "{\"name\":\"id\",\"value\":\"a\"}}");
	CHECK_EQ_INT(r->code, 0);
	CHECK_STR(jdump(r->result, "completion.values"), "[\"alice\",\"albert\"]");
	/* No provider: no values. */
	r = rpc(c, "completion/complete", "{\"ref\":{\"type\":\"ref/prompt\","
	    "\"name\":\"plain\"},\"argument\":{\"name\":\"x\",\"value\":\"\"}}");
	CHECK_EQ_INT(r->code, 0);
	CHECK_STR(jdump(r->result, ""), "{\"completion\":{\"values\":[],"
	    "\"total\":0,\"hasMore\":false}}");
	r = rpc(c, "completion/complete", "{\"ref\":{\"type\":\"ref/resource\","
	    "\"uri\":\"test://readme\"},\"argument\":{\"name\":\"x\",\"value\":\"\"}}");
	CHECK_EQ_INT(r->code, 0);
	CHECK_STR(jdump(r->result, "completion.values"), "[]");
	CHECK_EQ_INT(seen.completes, 3);
	/* Unknown refs and bad params. */
	r = rpc(c, "completion/complete", "{\"ref\":{\"type\":\"ref/prompt\","
	    "\"name\":\"nope\"},\"argument\":{\"name\":\"x\",\"value\":\"\"}}");
	CHECK_EQ_INT(r->code, MCP_INVALID_PARAMS);
	CHECK_STR(r->message, "unknown prompt in params.ref.name");
	r = rpc(c, "completion/complete", "{\"ref\":{\"type\":\"ref/resource\","
	    "\"uri\":\"test://nope/{x}\"},\"argument\":{\"name\":\"x\",\"value\":\"\"}}");
	CHECK_EQ_INT(r->code, MCP_INVALID_PARAMS);
	CHECK_STR(r->message, "unknown resource template in params.ref.uri");
	r = rpc(c, "completion/complete", "{\"ref\":{\"type\":\"ref/tool\","
	    "\"name\":\"echo\"},\"argument\":{\"name\":\"x\",\"value\":\"\"}}");
	CHECK_EQ_INT(r->code, MCP_INVALID_PARAMS);
	CHECK_CONTAINS(r->message, "params.ref.type");
	r = rpc(c, "completion/complete", "{\"ref\":{\"type\":\"ref/prompt\","
	    "\"name\":\"greet\"},\"argument\":{\"name\":\"name\"}}");
	CHECK_EQ_INT(r->code, MCP_INVALID_PARAMS);
	CHECK_STR(r->message, "params.argument: missing required field 'value'");
	r = rpc(c, "completion/complete", "{\"argument\":{\"name\":\"name\","
	    "\"value\":\"\"}}");
	CHECK_EQ_INT(r->code, MCP_INVALID_PARAMS);
	CHECK_STR(r->message, "params: missing required field 'ref'");
	r = rpc(c, "completion/complete", "{\"ref\":{\"type\":\"ref/prompt\","
	    "\"name\":\"greet\"},\"argument\":{\"name\":\"name\",\"value\":\"\"},"
	    "\"context\":{\"arguments\":[]}}");
	CHECK_EQ_INT(r->code, MCP_INVALID_PARAMS);
	CHECK_STR(r->message, "params.context.arguments: expected object, got array");
	CHECK_EQ_INT(seen.completes, 3);
	finish(srv, c, NULL);
}

/* Logging */

static void
logging_levels(void)
{
	struct mcp_server *srv = server_full();
	struct conn *a = open_ready(srv, "{}"), *b = open_ready(srv, "{}");
	const char *msg = "notifications/message";
	struct reply *r;

	reset();
	r = rpc(a, "logging/setLevel", "{\"level\":\"loud\"}");
	CHECK_EQ_INT(r->code, MCP_INVALID_PARAMS);
	CHECK_CONTAINS(r->message, "params.level");
	CHECK_CONTAINS(r->message, "emergency");
	r = rpc(a, "logging/setLevel", "{}");
	CHECK_EQ_INT(r->code, MCP_INVALID_PARAMS);
	CHECK_STR(r->message, "params: missing required field 'level'");
	r = rpc(a, "logging/setLevel", "{\"level\":3}");
	CHECK_EQ_INT(r->code, MCP_INVALID_PARAMS);

	/* Default level (info) on a: both lines. */
	r = call_tool(a, "echo", "{\"text\":\"log\"}");
	CHECK_EQ_INT(r->code, 0);
	CHECK_EQ_INT(notes_count(a, msg), 2);
	CHECK_STR(jdump(note_params(a, msg, 0), ""),
	    "{\"level\":\"info\",\"logger\":\"echo\",\"data\":\"info line\"}");
	notes_clear(a);

	r = rpc(a, "logging/setLevel", "{\"level\":\"error\"}");
	CHECK_EQ_INT(r->code, 0);
	CHECK_STR(jdump(r->result, ""), "{}");
	r = call_tool(a, "echo", "{\"text\":\"log\"}");
	CHECK_EQ_INT(r->code, 0);
	CHECK_EQ_INT(notes_count(a, msg), 1);
	CHECK_STR(jdump(note_params(a, msg, 0), ""),
	    "{\"level\":\"error\",\"logger\":\"echo\",\"data\":\"error line\"}");
	notes_clear(a);

	/* Broadcast: each session by its own level. */
	mcp_server_log(srv, MCP_LOG_WARNING, "kit", cJSON_CreateString("warm"));
	mcp_server_log(srv, MCP_LOG_CRITICAL, NULL,
	    mcp_json_parse_const("{\"k\":1}"));
	mcp_server_log(srv, MCP_LOG_DEBUG, NULL, NULL);
	testutil_spin(base, 30);
	CHECK_EQ_INT(notes_count(a, msg), 1);
	CHECK_STR(jdump(note_params(a, msg, 0), ""),
	    "{\"level\":\"critical\",\"data\":{\"k\":1}}");
	CHECK_EQ_INT(notes_count(b, msg), 2);
	CHECK_STR(jdump(note_params(b, msg, 0), ""),
	    "{\"level\":\"warning\",\"logger\":\"kit\",\"data\":\"warm\"}");
	CHECK_STR(jdump(note_params(b, msg, 1), ""),
	    "{\"level\":\"critical\",\"data\":{\"k\":1}}");
	/* And to the server's own log. */
	CHECK_CONTAINS(server_logs.all, "kit: \"warm\"");
	r = rpc(b, "logging/setLevel", "{\"level\":\"debug\"}");
	mcp_server_log(srv, MCP_LOG_DEBUG, NULL, NULL);
	testutil_spin(base, 30);
	CHECK_EQ_INT(notes_count(b, msg), 3);
	CHECK_STR(jdump(note_params(b, msg, 2), ""),
	    "{\"level\":\"debug\",\"data\":null}");
	finish(srv, a, b);
}

/* Requests to the client */

static void
client_requests(void)
{
	struct mcp_server *srv = server_full();
	struct conn *yes = open_ready(srv, "{\"sampling\":{},\"elicitation\":{},"
	    "\"roots\":{\"listChanged\":true}}");
	struct conn *no = open_ready(srv, "{\"sampling\":true}");
	struct reply *r;

	reset();
	r = call_tool(yes, "ask", "{\"method\":\"sampling\"}");
	CHECK_EQ_INT(r->code, 0);
	CHECK_STR(jdump(r->result, "isError"), "(absent)");
	CHECK_STR(jstr(r->result, "content[0].text"), "{\"role\":\"assistant\","
	    "\"content\":{\"type\":\"text\",\"text\":\"4\"},\"model\":"
	    "\"test-model\",\"stopReason\":\"endTurn\"}");
	CHECK_EQ_INT(yes->client_requests, 1);
	CHECK_STR(yes->client_method, "sampling/createMessage");
	CHECK_STR(jdump(yes->client_params, ""), "{\"messages\":[{\"role\":"
	    "\"user\",\"content\":{\"type\":\"text\",\"text\":\"2+2?\"}}],"
	    "\"maxTokens\":10}");
	r = call_tool(yes, "ask", "{\"method\":\"elicitation\"}");
	CHECK_STR(jstr(r->result, "content[0].text"),
	    "{\"action\":\"accept\",\"content\":{\"name\":\"Ada\"}}");
	CHECK_STR(yes->client_method, "elicitation/create");
	r = call_tool(yes, "ask", "{\"method\":\"roots\"}");
	CHECK_CONTAINS(jstr(r->result, "content[0].text"), "file:///tmp");
	CHECK_STR(yes->client_method, "roots/list");
	CHECK_EQ_INT(yes->client_requests, 3);
	CHECK_EQ_INT(seen.ask_answers, 3);

	/* Not declared (sampling: true is not an object): refused, not sent. */
	r = call_tool(no, "ask", "{\"method\":\"sampling\"}");
	CHECK(cJSON_IsTrue(at(r->result, "isError")));
	CHECK_CONTAINS(jstr(r->result, "content[0].text"), "refused");
	r = call_tool(no, "ask", "{\"method\":\"elicitation\"}");
	CHECK(cJSON_IsTrue(at(r->result, "isError")));
	r = call_tool(no, "ask", "{\"method\":\"roots\"}");
	CHECK(cJSON_IsTrue(at(r->result, "isError")));
	CHECK_EQ_INT(seen.ask_refused, 3);
	CHECK_EQ_INT(no->client_requests, 0);
	CHECK_EQ_INT(seen.ask_answers, 3);
	finish(srv, yes, no);
}

/* The client's error answer reaches the handler. */
static void
client_request_error(void)
{
	struct mcp_server *srv = server_full();
	struct conn *c;

	reset();
	c = conn_open(srv, true);
	raw_send(c, "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\","
	    "\"params\":{\"protocolVersion\":\"2025-11-25\",\"capabilities\":"
	    "{\"sampling\":{}},\"clientInfo\":{\"name\":\"raw\",\"version\":\"1\"}}}\n");
	free(testutil_lines_next(c->lines, 2000));
	raw_send(c, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\","
	    "\"params\":{\"name\":\"ask\",\"arguments\":{\"method\":\"sampling\"}}}\n");
	CHECK_LINE(c, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":"
	    "\"sampling/createMessage\",\"params\":{\"messages\":[{\"role\":"
	    "\"user\",\"content\":{\"type\":\"text\",\"text\":\"2+2?\"}}],"
	    "\"maxTokens\":10}}");
	raw_send(c, "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-1,"
	    "\"message\":\"User rejected sampling request\"}}\n");
	CHECK_LINE(c, "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"content\":"
	    "[{\"type\":\"text\",\"text\":\"the client answered -1: User rejected "
	    "sampling request\"}],\"isError\":true}}");
	finish(srv, c, NULL);
}

int
main(void)
{
	signal(SIGPIPE, SIG_IGN);
	base = event_base_new();
	HARNESS_BEGIN("server");
	HARNESS_WATCHDOG();
	TEST(ping_and_order_before_initialize);
	TEST(initialize_negotiates_version);
	TEST(initialize_bad_params);
	TEST(initialize_result);
	TEST(capabilities_follow_declarations);
	TEST(tools_list_paginates);
	TEST(other_lists);
	TEST(tools_call_basics);
	TEST(tools_call_validates_arguments);
	TEST(tools_call_checks_output);
	TEST(tools_call_async_progress);
	TEST(tools_call_cancelled);
	TEST(cancel_transcript);
	TEST(tool_declaration_errors);
	TEST(other_declaration_errors);
	TEST(resources_read);
	TEST(resources_subscribe);
	TEST(list_changed_at_runtime);
	TEST(list_changed_only_for_announced);
	TEST(call_end_cancels_client_requests);
	TEST(prompts_get);
	TEST(completion);
	TEST(logging_levels);
	TEST(client_requests);
	TEST(client_request_error);
	event_base_free(base);
	return HARNESS_END();
}
