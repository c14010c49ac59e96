/*
 * The client session (mcp/client.c) driving the example server with the
 * conformance fixtures (build/mcp-example-everything) over stdio: connect,
 * every list, tools with progress and cancellation, sampling and elicitation
 * answered here, subscriptions, prompts, completion, logging, ping, a server
 * killed mid-call; and version negotiation against a fake server peer on a
 * socketpair.
 */
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "mcp/client.h"
#include "mcp/json.h"
#include "mcp/peer.h"
#include "mcp/stdio.h"
#include "tests/harness.h"
#include "tests/mcp/testutil.h"

static struct event_base *base;
static struct testutil_log client_logs;
static const struct mcp_log client_log = { testutil_log_fn, &client_logs,
    MCP_LOG_DEBUG, "client" };

/* What a call delivered. */
struct box {
	int calls;
	int code;
	char msg[512];
	cJSON *result;
	int progress;
};

static void
box_cb(void *arg, const struct mcp_response *r)
{
	struct box *b = arg;

	b->calls++;
	b->code = r->code;
	snprintf(b->msg, sizeof b->msg, "%s", r->message != NULL ? r->message :
	    "");
	cJSON_Delete(b->result);
	b->result = r->result != NULL ? cJSON_Duplicate(r->result, 1) : NULL;
}

static void
box_progress(void *arg, double progress, double total, const char *message)
{
	struct box *b = arg;

	(void)progress;
	(void)total;
	(void)message;
	b->progress++;
}

static void
box_clear(struct box *b)
{
	cJSON_Delete(b->result);
	memset(b, 0, sizeof *b);
}

static bool
box_wait(struct box *b, int ms)
{
	return testutil_wait_count(base, &b->calls, 1, ms);
}

/* JSON paths: "result.tools[1].name" (tests/mcp/testutil.c) */
#define at(v, path) testutil_json_at((v), (path))
#define jstr(v, path) testutil_json_str((v), (path))

/* Whether array at path has an item whose key equals value. */
static bool
has_item(const cJSON *v, const char *path, const char *key, const char *value)
{
	const cJSON *item;

	cJSON_ArrayForEach(item, at(v, path)) {
		const char *s = jstr(item, key);

		if (s != NULL && strcmp(s, value) == 0)
			return true;
	}
	return false;
}

/* The application side: notifications and server requests. */
struct app {
	int logs;
	char last_log[256];
	int updated;
	char updated_uri[256];
	int list_changed;
	int closed;
	char close_reason[256];
	int sampling, elicitation;
};

static struct app app;

static void
app_log(void *arg, enum mcp_log_level level, const char *logger,
    const cJSON *data)
{
	struct app *a = arg;

	(void)level;
	(void)logger;
	a->logs++;
	snprintf(a->last_log, sizeof a->last_log, "%s",
	    cJSON_IsString(data) ? data->valuestring : "(not a string)");
}

static void
app_updated(void *arg, const char *uri)
{
	struct app *a = arg;

	a->updated++;
	snprintf(a->updated_uri, sizeof a->updated_uri, "%s", uri);
}

static void
app_list_changed(void *arg, const char *what)
{
	(void)what;
	((struct app *)arg)->list_changed++;
}

static void
app_closed(void *arg, const char *reason)
{
	struct app *a = arg;

	a->closed++;
	snprintf(a->close_reason, sizeof a->close_reason, "%s",
	    reason != NULL ? reason : "(orderly)");
}

/* Sampling is answered later, from a timer, as a real UI would. */
static void
sampling_later(evutil_socket_t fd, short events, void *arg)
{
	struct mcp_request *req = arg;

	(void)fd;
	(void)events;
	mcp_request_reply(req, mcp_json_parse_const("{\"role\":\"assistant\","
	    "\"content\":{\"type\":\"text\",\"text\":\"hello from the test\"},"
	    "\"model\":\"test-model\",\"stopReason\":\"endTurn\"}"));
}

static void
app_sampling(void *arg, struct mcp_request *req, const cJSON *params)
{
	struct app *a = arg;
	struct timeval tv = { 0, 20000 };

	a->sampling++;
	CHECK(cJSON_IsArray(at(params, "messages")));
	event_base_once(base, -1, EV_TIMEOUT, sampling_later, req, &tv);
}

static void
app_elicitation(void *arg, struct mcp_request *req, const cJSON *params)
{
	struct app *a = arg;

	a->elicitation++;
	CHECK(jstr(params, "message") != NULL);
	mcp_request_reply(req, mcp_json_parse_const("{\"action\":\"accept\","
	    "\"content\":{\"username\":\"ada\",\"email\":\"ada@example.org\"}}"));
}

/* A session with the example server. */
struct fx {
	struct mcp_client *c;
	struct mcp_transport *t;
	pid_t pid;
};

static bool
fx_start(struct fx *f, bool callbacks)
{
	const char *build = getenv("BUILD");
	char path[4096];
	char *argv[] = { path, NULL };
	struct mcp_err err = { 0, "" };
	struct mcp_client_opts o = {
		.name = "client-test", .version = "1.0",
		.timeout_ms = 5000, .log = &client_log,
		.on_log = app_log, .on_resource_updated = app_updated,
		.on_list_changed = app_list_changed, .on_closed = app_closed,
		.arg = &app,
	};
	struct mcp_stdio_spawn_opts sp = { 0 };
	struct box b = { 0 };

	memset(&app, 0, sizeof app);
	memset(f, 0, sizeof *f);
	if (callbacks) {
		o.on_sampling = app_sampling;
		o.on_elicitation = app_elicitation;
	}
	snprintf(path, sizeof path, "%s/mcp-example-everything",
	    build != NULL && build[0] != '\0' ? build : "build");
	f->t = mcp_stdio_spawn_ex(base, argv, &sp, NULL, &err);
	CHECK(f->t != NULL);
	if (f->t == NULL) {
		fprintf(stderr, "  %s\n", err.msg);
		return false;
	}
	f->pid = mcp_stdio_pid(f->t);
	f->c = mcp_client_new(base, f->t, &o);
	mcp_client_connect(f->c, box_cb, &b);
	CHECK(box_wait(&b, 3000));
	CHECK_EQ_INT(b.code, 0);
	CHECK(mcp_client_ready(f->c));
	box_clear(&b);
	return mcp_client_ready(f->c);
}

static void
fx_stop(struct fx *f)
{
	mcp_client_free(f->c);
	f->c = NULL;
}

/* Call a tool with args (JSON text) and wait up to 2 s for its answer in b. */
static void
call_wait(struct fx *f, const char *tool, const char *args, struct box *b)
{
	mcp_client_call_tool(f->c, tool, mcp_json_parse_const(args), NULL,
	    box_cb, b);
	CHECK(box_wait(b, 2000));
}


/* Tests */

static void
connect_negotiates_latest_version(void)
{
	struct fx f;

	if (!fx_start(&f, false)) {
		fx_stop(&f);
		return;
	}
	CHECK_STR(mcp_client_protocol_version(f.c), "2025-11-25");
	CHECK_STR(jstr(mcp_client_server_info(f.c), "name"),
	    "mcp-example-everything");
	CHECK(mcp_client_server_can(f.c, "tools"));
	CHECK(mcp_client_server_can(f.c, "resources"));
	CHECK(!mcp_client_server_can(f.c, "nonsense"));
	fx_stop(&f);
}

static void
calls_before_connect_are_refused_from_the_loop(void)
{
	int fd[2];
	struct mcp_transport *t;
	struct mcp_client *c;
	struct box b = { 0 };

	testutil_socketpair(fd);
	t = mcp_stdio_new(base, fd[0], fd[0], NULL);
	c = mcp_client_new(base, t, NULL);
	mcp_client_list_tools(c, box_cb, &b);
	CHECK_EQ_INT(b.calls, 0);	/* not from inside the call */
	CHECK(box_wait(&b, 1000));
	CHECK_EQ_INT(b.code, MCP_INVALID_REQUEST);
	CHECK_CONTAINS(b.msg, "not connected");
	CHECK_CONTAINS(b.msg, "mcp_client_connect");
	box_clear(&b);
	mcp_client_free(c);
	close(fd[0]);
	close(fd[1]);
}

static void
lists_are_complete(void)
{
	struct fx f;
	struct box b = { 0 };

	if (!fx_start(&f, false)) {
		fx_stop(&f);
		return;
	}
	mcp_client_list_tools(f.c, box_cb, &b);
	CHECK(box_wait(&b, 2000));
	CHECK_EQ_INT(b.code, 0);
	CHECK(has_item(b.result, "tools", "name", "echo"));
	CHECK(has_item(b.result, "tools", "name", "test_slow"));
	CHECK(cJSON_GetArraySize(at(b.result, "tools")) >= 15);
	box_clear(&b);

	mcp_client_list_resources(f.c, box_cb, &b);
	CHECK(box_wait(&b, 2000));
	CHECK(has_item(b.result, "resources", "uri", "test://static-text"));
	box_clear(&b);

	mcp_client_list_templates(f.c, box_cb, &b);
	CHECK(box_wait(&b, 2000));
	CHECK(has_item(b.result, "resourceTemplates", "uriTemplate",
	    "test://template/{id}/data"));
	box_clear(&b);

	mcp_client_list_prompts(f.c, box_cb, &b);
	CHECK(box_wait(&b, 2000));
	CHECK(has_item(b.result, "prompts", "name",
	    "test_prompt_with_arguments"));
	CHECK_EQ_INT(cJSON_GetArraySize(at(b.result, "prompts")), 4);
	box_clear(&b);
	fx_stop(&f);
}

static void
call_tool_with_progress(void)
{
	struct fx f;
	struct box b = { 0 };
	struct mcp_client_call_opts co = { .on_progress = box_progress };

	if (!fx_start(&f, false)) {
		fx_stop(&f);
		return;
	}
	call_wait(&f, "echo", "{\"text\":\"hi\"}", &b);
	CHECK_EQ_INT(b.code, 0);
	CHECK_STR(jstr(b.result, "content[0].text"), "hi");
	box_clear(&b);

	mcp_client_call_tool(f.c, "test_slow",
	    mcp_json_parse_const("{\"ms\":350}"), &co, box_cb, &b);
	CHECK(box_wait(&b, 3000));
	CHECK_EQ_INT(b.code, 0);
	CHECK_STR(jstr(b.result, "content[0].text"), "done");
	CHECK(b.progress >= 2);
	box_clear(&b);
	fx_stop(&f);
}

static void
cancel_midway(void)
{
	struct fx f;
	struct box b = { 0 }, p = { 0 };
	int64_t h, t0;

	if (!fx_start(&f, false)) {
		fx_stop(&f);
		return;
	}
	h = mcp_client_call_tool(f.c, "test_slow",
	    mcp_json_parse_const("{\"ms\":5000}"), NULL, box_cb, &b);
	CHECK(h > 0);
	testutil_spin(base, 200);
	CHECK_EQ_INT(b.calls, 0);
	t0 = testutil_now_ms();
	CHECK_EQ_INT(mcp_client_cancel(f.c, h, "user pressed escape"), 0);
	CHECK_EQ_INT(b.calls, 1);
	CHECK_EQ_INT(b.code, MCP_REQUEST_CANCELLED);
	CHECK(testutil_now_ms() - t0 < 100);
	CHECK_EQ_INT(mcp_client_cancel(f.c, h, NULL), -1);
	/* The session goes on; the late answer (if any) is dropped. */
	mcp_client_ping(f.c, box_cb, &p);
	CHECK(box_wait(&p, 2000));
	CHECK_EQ_INT(p.code, 0);
	CHECK_EQ_INT(b.calls, 1);
	CHECK_EQ_INT(mcp_client_pending(f.c), 0);
	box_clear(&b);
	box_clear(&p);
	fx_stop(&f);
}

static void
invalid_arguments_are_a_tool_error(void)
{
	struct fx f;
	struct box b = { 0 };

	if (!fx_start(&f, false)) {
		fx_stop(&f);
		return;
	}
	call_wait(&f, "echo", "{\"text\":5}", &b);
	CHECK_EQ_INT(b.code, 0);
	CHECK(cJSON_IsTrue(at(b.result, "isError")));
	CHECK_CONTAINS(jstr(b.result, "content[0].text"), "text");
	box_clear(&b);
	fx_stop(&f);
}

static void
sampling_and_elicitation_answered(void)
{
	struct fx f;
	struct box b = { 0 };

	if (!fx_start(&f, true)) {
		fx_stop(&f);
		return;
	}
	call_wait(&f, "test_sampling", "{\"prompt\":\"say hello\"}", &b);
	CHECK_EQ_INT(app.sampling, 1);
	CHECK(!cJSON_IsTrue(at(b.result, "isError")));
	CHECK_STR(jstr(b.result, "content[0].text"),
	    "LLM response: hello from the test");
	box_clear(&b);

	call_wait(&f, "test_elicitation", "{\"message\":\"who are you?\"}", &b);
	CHECK_EQ_INT(app.elicitation, 1);
	CHECK(!cJSON_IsTrue(at(b.result, "isError")));
	CHECK_CONTAINS(jstr(b.result, "content[0].text"), "action=accept");
	CHECK_CONTAINS(jstr(b.result, "content[0].text"), "ada@example.org");
	box_clear(&b);
	fx_stop(&f);
}

static void
sampling_refused_without_callback(void)
{
	struct fx f;
	struct box b = { 0 };

	if (!fx_start(&f, false)) {
		fx_stop(&f);
		return;
	}
	call_wait(&f, "test_sampling", "{\"prompt\":\"say hello\"}", &b);
	CHECK_EQ_INT(b.code, 0);
	CHECK(cJSON_IsTrue(at(b.result, "isError")));
	CHECK_CONTAINS(jstr(b.result, "content[0].text"), "sampling");
	CHECK_EQ_INT(app.sampling, 0);
	box_clear(&b);
	fx_stop(&f);
}

static void
resources_read_and_subscribe(void)
{
	struct fx f;
	struct box b = { 0 };

	if (!fx_start(&f, false)) {
		fx_stop(&f);
		return;
	}
	mcp_client_read_resource(f.c, "test://static-text", box_cb, &b);
	CHECK(box_wait(&b, 2000));
	CHECK_EQ_INT(b.code, 0);
	CHECK_STR(jstr(b.result, "contents[0].uri"), "test://static-text");
	CHECK(jstr(b.result, "contents[0].text") != NULL);
	box_clear(&b);

	mcp_client_read_resource(f.c, "test://template/42/data", box_cb, &b);
	CHECK(box_wait(&b, 2000));
	CHECK_EQ_INT(b.code, 0);
	CHECK_CONTAINS(jstr(b.result, "contents[0].text"), "42");
	box_clear(&b);

	mcp_client_read_resource(f.c, "test://nowhere", box_cb, &b);
	CHECK(box_wait(&b, 2000));
	CHECK(b.code != 0);
	box_clear(&b);

	mcp_client_subscribe(f.c, "test://watched-resource", box_cb, &b);
	CHECK(box_wait(&b, 2000));
	CHECK_EQ_INT(b.code, 0);
	box_clear(&b);
	mcp_client_call_tool(f.c, "test_trigger_resource_update", NULL, NULL,
	    box_cb, &b);
	CHECK(box_wait(&b, 2000));
	CHECK(testutil_wait_count(base, &app.updated, 1, 2000));
	CHECK_STR(app.updated_uri, "test://watched-resource");
	box_clear(&b);

	mcp_client_unsubscribe(f.c, "test://watched-resource", box_cb, &b);
	CHECK(box_wait(&b, 2000));
	CHECK_EQ_INT(b.code, 0);
	box_clear(&b);
	mcp_client_call_tool(f.c, "test_trigger_resource_update", NULL, NULL,
	    box_cb, &b);
	CHECK(box_wait(&b, 2000));
	testutil_spin(base, 50);
	CHECK_EQ_INT(app.updated, 1);
	box_clear(&b);
	fx_stop(&f);
}

static void
prompts_and_completion(void)
{
	struct fx f;
	struct box b = { 0 };

	if (!fx_start(&f, false)) {
		fx_stop(&f);
		return;
	}
	mcp_client_get_prompt(f.c, "test_prompt_with_arguments",
	    mcp_json_parse_const("{\"arg1\":\"a\",\"arg2\":\"b\"}"), box_cb, &b);
	CHECK(box_wait(&b, 2000));
	CHECK_EQ_INT(b.code, 0);
	CHECK(cJSON_GetArraySize(at(b.result, "messages")) >= 1);
	box_clear(&b);

	mcp_client_get_prompt(f.c, "test_prompt_with_arguments", NULL, box_cb,
	    &b);
	CHECK(box_wait(&b, 2000));
	CHECK_EQ_INT(b.code, MCP_INVALID_PARAMS);
	box_clear(&b);

	mcp_client_complete(f.c, "ref/prompt", "test_prompt_with_arguments",
	    "arg1", "par", NULL, box_cb, &b);
	CHECK(box_wait(&b, 2000));
	CHECK_EQ_INT(b.code, 0);
	CHECK_EQ_INT(cJSON_GetArraySize(at(b.result, "completion.values")), 3);
	CHECK_STR(jstr(b.result, "completion.values[0]"), "paris");
	box_clear(&b);
	fx_stop(&f);
}

static void
logging_and_ping(void)
{
	struct fx f;
	struct box b = { 0 };

	if (!fx_start(&f, false)) {
		fx_stop(&f);
		return;
	}
	mcp_client_set_level(f.c, MCP_LOG_DEBUG, box_cb, &b);
	CHECK(box_wait(&b, 2000));
	CHECK_EQ_INT(b.code, 0);
	box_clear(&b);
	mcp_client_call_tool(f.c, "test_tool_with_logging", NULL, NULL, box_cb,
	    &b);
	CHECK(box_wait(&b, 2000));
	CHECK_EQ_INT(b.code, 0);
	CHECK_EQ_INT(app.logs, 3);
	CHECK_STR(app.last_log, "Tool execution completed");
	box_clear(&b);

	mcp_client_set_level(f.c, MCP_LOG_ERROR, box_cb, &b);
	CHECK(box_wait(&b, 2000));
	box_clear(&b);
	mcp_client_call_tool(f.c, "test_tool_with_logging", NULL, NULL, box_cb,
	    &b);
	CHECK(box_wait(&b, 2000));
	CHECK_EQ_INT(app.logs, 3);
	box_clear(&b);

	mcp_client_ping(f.c, box_cb, &b);
	CHECK(box_wait(&b, 2000));
	CHECK_EQ_INT(b.code, 0);
	CHECK(cJSON_IsObject(b.result));
	box_clear(&b);
	fx_stop(&f);
}

static void
server_killed_mid_call(void)
{
	struct fx f;
	struct box b = { 0 }, late = { 0 };
	int64_t t0;

	if (!fx_start(&f, false)) {
		fx_stop(&f);
		return;
	}
	mcp_client_call_tool(f.c, "test_slow",
	    mcp_json_parse_const("{\"ms\":5000}"), NULL, box_cb, &b);
	testutil_spin(base, 100);
	t0 = testutil_now_ms();
	kill(f.pid, SIGKILL);
	CHECK(box_wait(&b, 2000));
	CHECK(testutil_now_ms() - t0 < 1000);
	CHECK_EQ_INT(b.code, MCP_CONNECTION_CLOSED);
	CHECK_CONTAINS(b.msg, "connection closed");
	CHECK(testutil_wait_count(base, &app.closed, 1, 1000));
	CHECK_EQ_INT(app.closed, 1);
	CHECK_STR(app.close_reason, "killed by signal 9 (Killed)");
	CHECK_CONTAINS(b.msg, "killed by signal 9");
	/* Calls after the close fail from the loop, once. */
	mcp_client_ping(f.c, box_cb, &late);
	CHECK_EQ_INT(late.calls, 0);
	CHECK(box_wait(&late, 1000));
	CHECK_EQ_INT(late.code, MCP_CONNECTION_CLOSED);
	testutil_spin(base, 20);
	CHECK_EQ_INT(late.calls, 1);
	CHECK_EQ_INT(b.calls, 1);
	box_clear(&b);
	box_clear(&late);
	fx_stop(&f);
}

/* A fake server on a socketpair that answers initialize with a version. */
struct fake {
	const char *version;
	int initialized;
};

static void
fake_request(void *arg, struct mcp_request *req)
{
	struct fake *fk = arg;
	cJSON *r = cJSON_CreateObject();

	if (strcmp(mcp_request_method(req), "tools/list") == 0) {
		/* Three pages: no cursor, "" (which continues), "x". */
		const cJSON *cur = cJSON_GetObjectItemCaseSensitive(
		    mcp_request_params(req), "cursor");
		const char *page = cJSON_IsString(cur) ?
		    (cur->valuestring[0] == '\0' ? "b" : "c") : "a";
		cJSON *tools = cJSON_CreateArray(), *tool = cJSON_CreateObject();

		mcp_json_add_str(tool, "name", page);
		cJSON_AddItemToArray(tools, tool);
		mcp_json_add(r, "tools", tools);
		if (strcmp(page, "a") == 0)
			mcp_json_add_str(r, "nextCursor", "");
		else if (strcmp(page, "b") == 0)
			mcp_json_add_str(r, "nextCursor", "x");
		mcp_request_reply(req, r);
		return;
	}
	if (strcmp(mcp_request_method(req), "prompts/list") == 0) {
		/* A server that never stops paginating. */
		mcp_json_add(r, "prompts", cJSON_CreateArray());
		mcp_json_add_str(r, "nextCursor", "again");
		mcp_request_reply(req, r);
		return;
	}
	if (strcmp(mcp_request_method(req), "initialize") != 0) {
		cJSON_Delete(r);
		mcp_request_fail(req, MCP_METHOD_NOT_FOUND, NULL, NULL);
		return;
	}
	mcp_json_add_str(r, "protocolVersion", fk->version);
	mcp_json_add(r, "capabilities", cJSON_CreateObject());
	mcp_json_add(r, "serverInfo",
	    mcp_json_parse_const("{\"name\":\"fake\",\"version\":\"0\"}"));
	mcp_json_add_str(r, "instructions", "be nice");
	mcp_request_reply(req, r);
}

static void
fake_notification(void *arg, const char *method, const cJSON *params)
{
	(void)params;
	if (strcmp(method, "notifications/initialized") == 0)
		((struct fake *)arg)->initialized++;
}

static void
negotiate_with(const char *version, struct box *b, struct fake *fk,
    struct testutil_closed *closed, char *got_version, size_t len)
{
	int fd[2];
	struct mcp_transport *ct, *st;
	struct mcp_client *c;
	struct mcp_peer *server;
	struct mcp_client_opts o = { .on_closed = app_closed, .arg = &app };

	memset(&app, 0, sizeof app);
	fk->version = version;
	testutil_socketpair(fd);
	ct = mcp_stdio_new(base, fd[0], fd[0], NULL);
	st = mcp_stdio_new(base, fd[1], fd[1], NULL);
	server = mcp_peer_new(base, st, NULL);
	mcp_peer_set_handlers(server, fake_request, fake_notification, fk);
	mcp_peer_set_closed_cb(server, testutil_on_closed, closed);
	c = mcp_client_new(base, ct, &o);
	mcp_client_connect(c, box_cb, b);
	CHECK(box_wait(b, 2000));
	testutil_spin(base, 30);
	snprintf(got_version, len, "%s", mcp_client_protocol_version(c) != NULL ?
	    mcp_client_protocol_version(c) : "(none)");
	if (mcp_client_ready(c))
		CHECK_STR(mcp_client_instructions(c), "be nice");
	mcp_client_free(c);
	mcp_peer_free(server);
	close(fd[0]);
	close(fd[1]);
}

static void
counter_offer_accepted_or_refused(void)
{
	struct box b = { 0 };
	struct fake fk = { 0 };
	struct testutil_closed closed = { 0 };
	char v[64];

	negotiate_with("2024-11-05", &b, &fk, &closed, v, sizeof v);
	CHECK_EQ_INT(b.code, 0);
	CHECK_STR(v, "2024-11-05");
	CHECK_EQ_INT(fk.initialized, 1);
	CHECK_EQ_INT(app.closed, 0);
	box_clear(&b);

	memset(&fk, 0, sizeof fk);
	negotiate_with("1999-01-01", &b, &fk, &closed, v, sizeof v);
	CHECK(b.code != 0);
	CHECK_CONTAINS(b.msg, "1999-01-01");
	CHECK_CONTAINS(b.msg, "2025-11-25");
	CHECK_STR(v, "(none)");
	CHECK_EQ_INT(fk.initialized, 0);
	CHECK_EQ_INT(app.closed, 1);	/* the client hung up */
	CHECK_STR(app.close_reason, "(orderly)");
	box_clear(&b);
}

/* Against the fake server: pagination and a server request the client has
 * no callback for. */
static void
pagination_and_unhandled_server_request(void)
{
	int fd[2];
	struct mcp_transport *ct, *st;
	struct mcp_client *c;
	struct mcp_peer *server;
	struct fake fk = { "2025-06-18", 0 };
	struct box b = { 0 };

	testutil_socketpair(fd);
	ct = mcp_stdio_new(base, fd[0], fd[0], NULL);
	st = mcp_stdio_new(base, fd[1], fd[1], NULL);
	server = mcp_peer_new(base, st, NULL);
	mcp_peer_set_handlers(server, fake_request, fake_notification, &fk);
	c = mcp_client_new(base, ct, NULL);
	mcp_client_connect(c, box_cb, &b);
	CHECK(box_wait(&b, 2000));
	CHECK_STR(mcp_client_protocol_version(c), "2025-06-18");
	box_clear(&b);

	mcp_client_list_tools(c, box_cb, &b);
	CHECK(box_wait(&b, 2000));
	CHECK_EQ_INT(b.code, 0);
	CHECK_EQ_INT(cJSON_GetArraySize(at(b.result, "tools")), 3);
	CHECK_STR(jstr(b.result, "tools[0].name"), "a");
	CHECK_STR(jstr(b.result, "tools[1].name"), "b");
	CHECK_STR(jstr(b.result, "tools[2].name"), "c");
	box_clear(&b);

	mcp_client_list_prompts(c, box_cb, &b);
	CHECK(box_wait(&b, 5000));
	CHECK_EQ_INT(b.code, MCP_INTERNAL_ERROR);
	CHECK_CONTAINS(b.msg, "after 1000 pages");
	box_clear(&b);

	mcp_peer_request(server, "roots/list", NULL, NULL, box_cb, &b);
	CHECK(box_wait(&b, 2000));
	CHECK_EQ_INT(b.code, MCP_METHOD_NOT_FOUND);
	CHECK_CONTAINS(b.msg, "roots");
	box_clear(&b);

	mcp_client_free(c);
	mcp_peer_free(server);
	close(fd[0]);
	close(fd[1]);
}

/* The stdio additions: env, cwd, stderr kept in a ring, exit in words. */
struct tap {
	int msgs, closed;
	char msg[512];
	char reason[256];
};

static void
tap_message(void *arg, const char *json, size_t len)
{
	struct tap *tp = arg;

	(void)len;
	tp->msgs++;
	snprintf(tp->msg, sizeof tp->msg, "%s", json);
}

static void
tap_closed(void *arg, const char *reason)
{
	struct tap *tp = arg;

	tp->closed++;
	snprintf(tp->reason, sizeof tp->reason, "%s",
	    reason != NULL ? reason : "(orderly)");
}

static struct mcp_transport *
tap_spawn(struct tap *tp, const char *script,
    const struct mcp_stdio_spawn_opts *sp)
{
	char *argv[] = { "sh", "-c", (char *)script, NULL };
	struct mcp_err err = { 0, "" };
	struct mcp_transport *t;

	memset(tp, 0, sizeof *tp);
	t = mcp_stdio_spawn_ex(base, argv, sp, NULL, &err);
	CHECK(t != NULL);
	if (t != NULL)
		mcp_transport_bind(t, tap_message, tap_closed, tp);
	return t;
}

static void
spawn_with_env_cwd_and_stderr(void)
{
	static const char *const env[] = { "TRIPMCP_TEST_X=forty-two", NULL };
	struct mcp_stdio_spawn_opts sp = { .env = env, .cwd = "/" };
	struct mcp_transport *t;
	struct tap tp;
	char *err;
	size_t len;

	t = tap_spawn(&tp, "echo \"{\\\"x\\\":\\\"$TRIPMCP_TEST_X\\\",\\\"d\\\":"
	    "\\\"$(pwd)\\\"}\"; echo 'warming up' >&2; echo 'oops' >&2; exit 3",
	    &sp);
	if (t == NULL)
		return;
	CHECK(testutil_wait_count(base, &tp.closed, 1, 2000));
	CHECK_STR(tp.msg, "{\"x\":\"forty-two\",\"d\":\"/\"}");
	CHECK_STR(tp.reason, "exited with status 3");
	testutil_spin(base, 30);
	err = mcp_stdio_stderr(t, &len);
	CHECK_STR(err, "warming up\noops\n");
	CHECK_EQ_INT(len, 16);
	free(err);
	mcp_transport_free(t);

	/* Exit status 0 is an orderly end. */
	t = tap_spawn(&tp, "exit 0", &sp);
	if (t == NULL)
		return;
	CHECK(testutil_wait_count(base, &tp.closed, 1, 2000));
	CHECK_STR(tp.reason, "(orderly)");
	mcp_transport_free(t);
}

static void
spawn_stderr_ring_keeps_last_lines(void)
{
	struct mcp_stdio_spawn_opts sp = { .stderr_max = 4096 };
	struct mcp_transport *t;
	struct tap tp;
	char *err;
	size_t len;

	t = tap_spawn(&tp, "i=0; while [ $i -lt 2000 ]; do "
	    "echo \"line $i of the flood ..............................\"; "
	    "i=$((i+1)); done >&2; echo 'last words' >&2; kill -9 $$", &sp);
	if (t == NULL)
		return;
	CHECK(testutil_wait_count(base, &tp.closed, 1, 5000));
	CHECK_STR(tp.reason, "killed by signal 9 (Killed)");
	testutil_spin(base, 50);
	err = mcp_stdio_stderr(t, &len);
	CHECK(err != NULL && len <= 4096 && len > 3000);
	CHECK(err != NULL && strncmp(err, "line ", 5) == 0);
	CHECK(err != NULL && len >= 11 &&
	    strcmp(err + len - 11, "last words\n") == 0);
	free(err);
	mcp_transport_free(t);
}

static void
spawn_bad_cwd_fails(void)
{
	struct mcp_stdio_spawn_opts sp = { .cwd = "/tripmcp/no/such/dir" };
	char *argv[] = { "true", NULL };
	struct mcp_err err = { 0, "" };

	CHECK(mcp_stdio_spawn_ex(base, argv, &sp, NULL, &err) == NULL);
	CHECK_STR(err.msg, "cannot run 'true': cannot change to directory "
	    "'/tripmcp/no/such/dir': No such file or directory");
}

int
main(void)
{
	signal(SIGPIPE, SIG_IGN);
	HARNESS_BEGIN("client");
	HARNESS_WATCHDOG();
	base = event_base_new();

	TEST(connect_negotiates_latest_version);
	TEST(calls_before_connect_are_refused_from_the_loop);
	TEST(lists_are_complete);
	TEST(call_tool_with_progress);
	TEST(cancel_midway);
	TEST(invalid_arguments_are_a_tool_error);
	TEST(sampling_and_elicitation_answered);
	TEST(sampling_refused_without_callback);
	TEST(resources_read_and_subscribe);
	TEST(prompts_and_completion);
	TEST(logging_and_ping);
	TEST(server_killed_mid_call);
	TEST(counter_offer_accepted_or_refused);
	TEST(pagination_and_unhandled_server_request);
	TEST(spawn_with_env_cwd_and_stderr);
	TEST(spawn_stderr_ring_keeps_last_lines);
	TEST(spawn_bad_cwd_fails);

	event_base_free(base);
	return HARNESS_END();
}
