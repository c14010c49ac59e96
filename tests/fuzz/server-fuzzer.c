/*
 * libFuzzer target for the server kit (mcp/server.c): the input is what a
 * client sends to one session of a server declared the way the example is
 * (sync tools, timer-driven tools with progress, logs and cancel hooks, a
 * tool that asks the client, one that changes the tool list, resources, a
 * template, prompts, completion). The first byte picks the set-up:
 *   bit 0: send a valid initialize and notifications/initialized first
 *   bit 1: declare sampling, elicitation and roots in it
 *   bit 2: page size 1 (lists paginate)
 *   bit 3: end with the client's EOF rather than by freeing the server
 *   bit 4: end at once, with work still in flight (the calls outlive their
 *          session), rather than after the work is done
 * The rest, split at newlines, goes line by line to the session through an
 * in-process transport. After each line the loop takes one turn: every slow
 * tool's timer fires once (a zero timeout armed for that turn), so progress,
 * logs, cancellations and answers interleave with the input the same way on
 * every run. Then the loop turns until the work is done (bounded),
 * everything is torn down and every handler must have ended its call. What
 * the server sends must be one valid JSON-RPC message per send, without a
 * line break. SERVER_FUZZER_SHOW=1 prints both directions.
 */
#include <sys/queue.h>
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "mcp/json.h"
#include "mcp/rpc.h"
#include "mcp/server.h"
#include "mcp/transport.h"

#define FUZZ_NAME	"server-fuzzer"
#define FUZZ_SENDER	"server"
#include "tests/fuzz/fuzzutil.h"

/* Inputs above this are cut; tests/fuzz/run.sh reads it as -max_len. */
#define FUZZ_MAX_LEN	262144
#define DRAIN_TURNS	64		/* turns after the input, at most */

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The run's state */

static struct {
	struct mcp_server *srv;
	int jobs;			/* async handlers not yet ended */
	int extra_calls;
	int asks;			/* requests to the client not answered */
	bool transport_freed;
} run;

/* The client hangs up: the transport reports its close from the loop. */
static void
fz_eof(struct fz_transport *f)
{
	f->closing = true;
	event_active(f->close_ev, 0, 0);
}

/* Tools */

static void
tool_echo(struct mcp_call *c, const cJSON *args, void *arg)
{
	(void)arg;
	mcp_call_return_text(c, cJSON_GetObjectItem(args, "text")->valuestring);
}

static void
tool_add(struct mcp_call *c, const cJSON *args, void *arg)
{
	double a = cJSON_GetObjectItem(args, "a")->valuedouble;
	double b = cJSON_GetObjectItem(args, "b")->valuedouble;
	cJSON *sc = cJSON_CreateObject();

	(void)arg;
	if (cJSON_IsTrue(cJSON_GetObjectItem(args, "bad")))
		mcp_json_add_str(sc, "sum", "many");
	else
		mcp_json_add_num(sc, "sum", a + b);
	mcp_call_return_structured(c, sc, NULL);
}

static void
tool_fail(struct mcp_call *c, const cJSON *args, void *arg)
{
	const cJSON *code = cJSON_GetObjectItem(args, "code");

	(void)arg;
	if (code == NULL)
		mcp_call_return_error(c, "failed on purpose: %s", "no code");
	else
		mcp_call_fail(c, code->valueint, "failed with %d", code->valueint);
}

/* slow: steps ticks, each reporting progress and a log line; cancelled, it
 * stops at once unless linger, in which case it runs to its end. A tick
 * waits for the next turn of the loop (see turn()). */
struct job {
	TAILQ_ENTRY(job) entry;
	struct mcp_call *call;
	struct event *ev;
	int ticks, steps;
	bool linger, waiting;
};

static TAILQ_HEAD(, job) waiting = TAILQ_HEAD_INITIALIZER(waiting);

static void
job_free(struct job *j)
{
	if (j->waiting)
		TAILQ_REMOVE(&waiting, j, entry);
	run.jobs--;
	event_free(j->ev);
	free(j);
}

static void
job_after(struct job *j)
{
	if (!j->waiting) {
		j->waiting = true;
		TAILQ_INSERT_TAIL(&waiting, j, entry);
	}
}

/* One turn: arm the timer of every job waiting for it, run the loop once. */
static void
turn(void)
{
	struct timeval zero = { 0, 0 };
	struct job *j;

	while ((j = TAILQ_FIRST(&waiting)) != NULL) {
		TAILQ_REMOVE(&waiting, j, entry);
		j->waiting = false;
		evtimer_add(j->ev, &zero);
	}
	event_base_loop(base, EVLOOP_NONBLOCK);
}

static void
job_tick(evutil_socket_t fd, short events, void *arg)
{
	struct job *j = arg;

	(void)fd;
	(void)events;
	if (++j->ticks < j->steps) {
		mcp_call_progress(j->call, j->ticks, j->steps, "tick");
		mcp_call_log(j->call, (enum mcp_log_level)(j->ticks % 8), "slow",
		    cJSON_CreateNumber(j->ticks));
		job_after(j);
		return;
	}
	mcp_call_on_cancel(j->call, NULL, NULL);
	if (j->steps % 2 == 0)
		mcp_call_return_text(j->call, "slept");
	else
		mcp_call_return_structured(j->call, cJSON_CreateObject(), "{}");
	job_free(j);
}

static void
job_cancelled(void *arg, struct mcp_call *c)
{
	struct job *j = arg;

	if (!mcp_call_cancelled(c))
		fail("cancel hook on a call that is not cancelled");
	if (j->linger)
		return;
	mcp_call_return_text(c, "cancelled");
	job_free(j);
}

static void
tool_slow(struct mcp_call *c, const cJSON *args, void *arg)
{
	struct job *j = mcp_xcalloc(1, sizeof *j);
	const cJSON *steps = cJSON_GetObjectItem(args, "steps");

	(void)arg;
	run.jobs++;
	j->call = c;
	j->steps = steps != NULL ? steps->valueint : 1;
	j->linger = cJSON_IsTrue(cJSON_GetObjectItem(args, "linger"));
	j->ev = evtimer_new(base, job_tick, j);
	mcp_call_on_cancel(c, job_cancelled, j);
	if (j->steps == 0) {
		/* Zero steps: done at once, from inside the handler. */
		j->steps = 1;
		job_tick(-1, 0, j);
		return;
	}
	job_after(j);
}

/* ask: a request to the client; its answer (or the close) ends the call. */
static void
ask_done(void *arg, const struct mcp_response *r)
{
	struct mcp_call *c = arg;
	char *json;

	run.asks--;
	if (r->code != 0) {
		mcp_call_return_error(c, "the client said %d: %s", r->code,
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
	const char *what = cJSON_GetObjectItem(args, "method")->valuestring;
	cJSON *params = NULL;
	const char *method = "roots/list";

	(void)arg;
	if (strcmp(what, "sampling") == 0) {
		method = "sampling/createMessage";
		params = mcp_json_parse_const("{\"messages\":[],\"maxTokens\":5}");
	} else if (strcmp(what, "elicitation") == 0) {
		method = "elicitation/create";
		params = mcp_json_parse_const("{\"message\":\"?\","
		    "\"requestedSchema\":{\"type\":\"object\"}}");
	}
	run.asks++;
	if (mcp_call_request(c, method, params, ask_done, c) != 0) {
		run.asks--;
		mcp_call_return_error(c, "the client cannot do %s", method);
	}
}

static void tool_toggle(struct mcp_call *, const cJSON *, void *);

#define NO_ARGS "{\"type\":\"object\",\"additionalProperties\":false}"

static const struct mcp_tool tools[] = {
	{ .name = "echo", .title = "Echo",
	  .input_schema = "{\"type\":\"object\",\"properties\":{\"text\":"
	      "{\"type\":\"string\",\"maxLength\":100}},\"required\":[\"text\"],"
	      "\"additionalProperties\":false}",
	  .annotations = "{\"readOnlyHint\":true}", .handler = tool_echo },
	{ .name = "add",
	  .input_schema = "{\"type\":\"object\",\"properties\":{"
	      "\"a\":{\"type\":\"integer\",\"minimum\":-1000000,\"maximum\":1000000},"
	      "\"b\":{\"type\":\"integer\",\"minimum\":-1000000,\"maximum\":1000000},"
	      "\"bad\":{\"type\":\"boolean\"}},\"required\":[\"a\",\"b\"]}",
	  .output_schema = "{\"type\":\"object\",\"properties\":{\"sum\":"
	      "{\"type\":\"integer\"}},\"required\":[\"sum\"]}",
	  .handler = tool_add },
	{ .name = "fail",
	  .input_schema = "{\"type\":\"object\",\"properties\":{\"code\":"
	      "{\"type\":\"integer\",\"minimum\":-40000,\"maximum\":40000}}}",
	  .handler = tool_fail },
	{ .name = "slow",
	  .input_schema = "{\"type\":\"object\",\"properties\":{\"steps\":"
	      "{\"type\":\"integer\",\"minimum\":0,\"maximum\":5},\"linger\":"
	      "{\"type\":\"boolean\"}}}",
	  .handler = tool_slow },
	{ .name = "ask",
	  .input_schema = "{\"type\":\"object\",\"properties\":{\"method\":"
	      "{\"enum\":[\"sampling\",\"elicitation\",\"roots\"]}},"
	      "\"required\":[\"method\"]}",
	  .handler = tool_ask },
	{ .name = "toggle",
	  .input_schema = "{\"type\":\"object\",\"properties\":{\"uri\":"
	      "{\"type\":\"string\",\"format\":\"uri\"},\"when\":{\"type\":"
	      "\"string\",\"format\":\"date\"},\"code\":{\"type\":\"string\","
	      "\"pattern\":\"^[A-Z]{3}$\"}}}",
	  .handler = tool_toggle },
};

/* extra: added at run time; async, with an outputSchema that every other
 * call breaks (no structuredContent). */
static void
tool_extra(struct mcp_call *c, const cJSON *args, void *arg)
{
	cJSON *a = cJSON_CreateObject();

	(void)args;
	mcp_json_add_num(a, "steps", 2 + run.extra_calls++ % 2);
	tool_slow(c, a, arg);
	cJSON_Delete(a);
}

static const struct mcp_tool extra_tool = {
	.name = "extra", .input_schema = NO_ARGS,
	.output_schema = "{\"type\":\"object\",\"properties\":{}}",
	.handler = tool_extra,
};

/* Resources */

static void
res_read(struct mcp_call *c, const char *uri, const cJSON *vars, void *arg)
{
	cJSON *result = cJSON_CreateObject(), *contents = cJSON_CreateArray();
	cJSON *item = cJSON_CreateObject();
	char *text = vars != NULL ? mcp_json_print(vars, NULL) : NULL;

	(void)arg;
	if (vars != NULL && cJSON_GetObjectItem(vars, "id") != NULL &&
	    cJSON_IsString(cJSON_GetObjectItem(vars, "id")) &&
	    strcmp(cJSON_GetObjectItem(vars, "id")->valuestring, "gone") == 0) {
		mcp_call_fail(c, MCP_RESOURCE_NOT_FOUND, "no such item: %s", uri);
		cJSON_Delete(result);
		cJSON_Delete(item);
		cJSON_Delete(contents);
		free(text);
		return;
	}
	mcp_json_add_str(item, "uri", uri);
	mcp_json_add_str(item, "text", text != NULL ? text : "static");
	cJSON_AddItemToArray(contents, item);
	mcp_json_add(result, "contents", contents);
	mcp_call_return(c, result);
	free(text);
}

static void
complete_any(struct mcp_call *c, const char *argument, const char *value,
    const cJSON *context, void *arg)
{
	cJSON *values = cJSON_CreateArray();
	char *s;
	int i, n = (int)(strlen(value) % 7) * 30;

	(void)arg;
	/* Up to 180 values: the kit cuts at 100. */
	for (i = 0; i < n; i++) {
		s = mcp_xprintf("%s-%s-%d", argument, value, i);
		cJSON_AddItemToArray(values, cJSON_CreateString(s));
		free(s);
	}
	if (cJSON_GetArraySize(context) > 0)
		cJSON_AddItemToArray(values, cJSON_CreateString("ctx"));
	mcp_call_return_completion(c, values, false);
}

static const struct mcp_resource resources[] = {
	{ .uri = "test://static", .name = "static", .mime_type = "text/plain",
	  .handler = res_read },
	{ .uri = "test://watched", .name = "watched", .handler = res_read },
};

static const struct mcp_resource_template templates[] = {
	{ .uri_template = "test://items/{id}{?q,page}", .name = "item",
	  .handler = res_read, .complete = complete_any },
	{ .uri_template = "file:///{+path}", .name = "file",
	  .handler = res_read },
};

/* Prompts */

static void
prompt_get(struct mcp_call *c, const cJSON *args, void *arg)
{
	cJSON *result = cJSON_CreateObject(), *msgs = cJSON_CreateArray();
	cJSON *m = cJSON_CreateObject(), *content = cJSON_CreateObject();
	char *text = mcp_json_print(args, NULL);

	(void)arg;
	mcp_json_add_str(content, "type", "text");
	mcp_json_add_str(content, "text", text);
	mcp_json_add_str(m, "role", "user");
	mcp_json_add(m, "content", content);
	cJSON_AddItemToArray(msgs, m);
	mcp_json_add(result, "messages", msgs);
	mcp_call_return(c, result);
	free(text);
}

static const struct mcp_prompt prompts[] = {
	{ .name = "greet", .description = "Greets",
	  .args = { { .name = "name", .required = true },
	    { .name = "style" } },
	  .handler = prompt_get, .complete = complete_any },
	{ .name = "plain", .description = "No arguments",
	  .handler = prompt_get },
};

/* toggle: adds or removes the tool "extra", and pokes every session. */
static void
tool_toggle(struct mcp_call *c, const cJSON *args, void *arg)
{
	struct mcp_server *srv = mcp_call_server(c);
	const cJSON *uri = cJSON_GetObjectItem(args, "uri");

	(void)arg;
	if (mcp_server_remove_tool(srv, "extra") != 0)
		mcp_server_add_tool(srv, &extra_tool, NULL, NULL);
	if (mcp_server_remove_prompt(srv, "plain") != 0) {
		mcp_server_add_prompt(srv, &prompts[1], NULL, NULL);
		mcp_server_log(srv, MCP_LOG_NOTICE, "toggle",
		    cJSON_CreateString("plain is back"));
	}
	mcp_server_resource_updated(srv, cJSON_IsString(uri) ?
	    uri->valuestring : "test://watched");
	mcp_server_log(srv, MCP_LOG_WARNING, NULL, cJSON_Duplicate(args, 1));
	mcp_call_return_text(c, "toggled");
}

static const struct mcp_server_info info = {
	.name = "fuzz-server",
	.version = "1",
	.instructions = "fuzz",
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static struct mcp_server *
server_new(bool small_pages)
{
	struct mcp_server *srv = mcp_server_new(&info);
	struct mcp_err err = { 0, "" };
	size_t i;

	mcp_server_set_log(srv, &quiet);
	for (i = 0; i < NELEM(tools); i++)
		mcp_server_add_tool(srv, &tools[i], NULL, &err);
	for (i = 0; i < NELEM(resources); i++)
		mcp_server_add_resource(srv, &resources[i], NULL, &err);
	for (i = 0; i < NELEM(templates); i++)
		mcp_server_add_template(srv, &templates[i], NULL, &err);
	for (i = 0; i < NELEM(prompts); i++)
		mcp_server_add_prompt(srv, &prompts[i], NULL, &err);
	if (err.code != 0) {
		fprintf(stderr, "%s\n", err.msg);
		fail("a declaration was refused");
	}
	if (small_pages)
		mcp_server_set_page_size(srv, 1);
	return srv;
}

/* Turn the loop until no handler is busy, DRAIN_TURNS at most. */
static void
drain(void)
{
	int i;

	for (i = 0; i < DRAIN_TURNS && run.jobs > 0; i++)
		turn();
	event_base_loop(base, EVLOOP_NONBLOCK);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	signal(SIGPIPE, SIG_IGN);
	base = event_base_new();
	show = getenv("SERVER_FUZZER_SHOW") != NULL;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char init[] = "{\"jsonrpc\":\"2.0\",\"id\":\"fz-init\","
	    "\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
	    "\"2025-11-25\",\"capabilities\":{},\"clientInfo\":{\"name\":"
	    "\"fuzz\",\"version\":\"1\"}}}";
	static const char init_caps[] = "{\"jsonrpc\":\"2.0\",\"id\":\"fz-init\","
	    "\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
	    "\"2025-06-18\",\"capabilities\":{\"sampling\":{},\"elicitation\":{},"
	    "\"roots\":{}},\"clientInfo\":{\"name\":\"fuzz\",\"version\":\"1\"}}}";
	static const char initialized[] = "{\"jsonrpc\":\"2.0\",\"method\":"
	    "\"notifications/initialized\"}";
	const char *p, *end, *nl;
	struct fz_transport *f;
	uint8_t mode;

	if (size == 0)
		return 0;
	if (size > FUZZ_MAX_LEN)
		size = FUZZ_MAX_LEN;
	mode = data[0];
	p = (const char *)data + 1;
	end = (const char *)data + size;
	memset(&run, 0, sizeof run);

	run.srv = server_new(mode & 4);
	f = fz_new();
	f->freed = &run.transport_freed;
	mcp_server_serve(run.srv, base, &f->t);
	if (mode & 1) {
		if (mode & 2)
			fz_deliver(f, init_caps, sizeof init_caps - 1);
		else
			fz_deliver(f, init, sizeof init - 1);
		fz_deliver(f, initialized, sizeof initialized - 1);
	}
	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		fz_deliver(f, p, (size_t)(nl - p));
		turn();
		p = nl + 1;
	}
	if (!(mode & 16))
		drain();

	if (mode & 8) {
		/* The client hangs up; the session ends from the loop. */
		fz_eof(f);
		event_base_loop(base, EVLOOP_NONBLOCK);
		event_base_loop(base, EVLOOP_NONBLOCK);
		if (!run.transport_freed)
			fail("the session did not end at EOF");
	}
	/* With work in flight or not, the server goes. */
	mcp_server_free(run.srv);
	if (!run.transport_freed)
		fail("mcp_server_free left the transport");
	/* Orphaned handlers end their calls on their own. */
	drain();
	if (run.jobs != 0)
		fail("a handler's call was never ended");
	if (run.asks != 0)
		fail("a request to the client was never answered");
	return 0;
}
