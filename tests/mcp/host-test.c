/*
 * Tests for mcp/host.c driving real servers: three instances of
 * mcp-example-everything under different names, and this program itself as
 * a small server ("host-test serve") whose tools carry the annotations the
 * approval gate looks at and which counts what it was sent. Start-up that
 * does not wait for the slowest, the merged catalog, routing, parallel calls,
 * list_changed, and every decision of the gate.
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curl/curl.h>
#include <event2/event.h>

#include "mcp/config.h"
#include "mcp/host.h"
#include "mcp/json.h"
#include "mcp/server.h"
#include "tests/harness.h"
#include "tests/mcp/testutil.h"

#include "hostutil.h"

/* The test server: "host-test serve" */

static int served;	/* tool calls received (count and peek excepted) */

static void
tool_args_back(struct mcp_call *c, const cJSON *args, void *arg)
{
	char *text = mcp_json_print(args, NULL);

	if (arg != NULL)
		served++;
	mcp_call_return_text(c, text);
	free(text);
}

static void
tool_count(struct mcp_call *c, const cJSON *args, void *arg)
{
	char buf[32];

	(void)args;
	(void)arg;
	snprintf(buf, sizeof buf, "%d", served);
	mcp_call_return_text(c, buf);
}

static const struct mcp_tool grown_tool = {
	.name = "grown", .input_schema = "{\"type\":\"object\"}",
	.annotations = "{\"readOnlyHint\":true}", .handler = tool_args_back,
};

static void
tool_grow(struct mcp_call *c, const cJSON *args, void *arg)
{
	struct mcp_err err = { 0, "" };

	(void)args;
	(void)arg;
	served++;
	mcp_server_add_tool(mcp_call_server(c), &grown_tool, NULL, &err);
	mcp_call_return_text(c, "grown");
}

static void
hang_cancelled(void *arg, struct mcp_call *c)
{
	(void)arg;
	mcp_server_log(mcp_call_server(c), MCP_LOG_WARNING, "test",
	    cJSON_CreateString("cancel reached the server"));
	mcp_call_return_text(c, "cancelled");
}

static void
tool_hang(struct mcp_call *c, const cJSON *args, void *arg)
{
	(void)args;
	(void)arg;
	served++;
	mcp_call_on_cancel(c, hang_cancelled, NULL);
}

/* Writes a line that is not JSON-RPC to stdout, then answers. */
static void
tool_spew(struct mcp_call *c, const cJSON *args, void *arg)
{
	static const char junk[] = "garbage {not json\n";

	(void)args;
	(void)arg;
	if (write(1, junk, sizeof junk - 1) < 0)
		abort();
	mcp_call_return_text(c, "after the garbage");
}

static void
res_note(struct mcp_call *c, const char *uri, const cJSON *vars, void *arg)
{
	cJSON *result = cJSON_CreateObject(), *contents = cJSON_CreateArray();
	cJSON *item = cJSON_CreateObject();
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(vars, "id");
	char *text = mcp_xprintf("note %s", cJSON_IsString(id) ?
	    id->valuestring : "plain");

	(void)arg;
	mcp_json_add_str(item, "uri", uri);
	mcp_json_add_str(item, "text", text);
	cJSON_AddItemToArray(contents, item);
	mcp_json_add(result, "contents", contents);
	mcp_call_return(c, result);
	free(text);
}

#define OBJ "{\"type\":\"object\"}"
static int counted = 1;	/* a non-NULL arg: count the call */

static const struct mcp_tool self_tools[] = {
	{ .name = "peek", .input_schema = OBJ, .handler = tool_args_back,
	  .annotations = "{\"readOnlyHint\":true}" },
	{ .name = "count", .input_schema = OBJ, .handler = tool_count,
	  .annotations = "{\"readOnlyHint\":true}" },
	{ .name = "poke", .input_schema = OBJ, .handler = tool_args_back },
	{ .name = "safe_write", .input_schema = OBJ, .handler = tool_args_back,
	  .annotations = "{\"readOnlyHint\":false,\"destructiveHint\":false,"
	      "\"openWorldHint\":false}" },
	{ .name = "world_write", .input_schema = OBJ, .handler = tool_args_back,
	  .annotations = "{\"destructiveHint\":false,\"openWorldHint\":true}" },
	{ .name = "half_safe", .input_schema = OBJ, .handler = tool_args_back,
	  .annotations = "{\"destructiveHint\":false}" },
	{ .name = "bookThing", .input_schema = OBJ, .handler = tool_args_back,
	  .annotations = "{\"destructiveHint\":false,\"openWorldHint\":false}" },
	{ .name = "grow", .input_schema = OBJ, .handler = tool_grow },
	{ .name = "hang", .input_schema = OBJ, .handler = tool_hang,
	  .annotations = "{\"readOnlyHint\":true}" },
	{ .name = "spew", .input_schema = OBJ, .handler = tool_spew,
	  .annotations = "{\"readOnlyHint\":true}" },
};

static const struct mcp_resource self_resources[] = {
	{ .uri = "self://note", .name = "note", .handler = res_note },
};

static const struct mcp_resource_template self_templates[] = {
	{ .uri_template = "self://notes/{id}", .name = "notes",
	  .handler = res_note },
};

static const struct mcp_server_info self_info = {
	.name = "host-test-server", .version = "0.0.1",
};

/* The test server with every table declared; NULL on a bad table. */
static struct mcp_server *
self_server_new(void)
{
	struct mcp_server *srv = mcp_server_new(&self_info);
	struct mcp_err err = { 0, "" };
	size_t i;

	for (i = 0; i < sizeof self_tools / sizeof self_tools[0]; i++) {
		bool count = strcmp(self_tools[i].name, "peek") != 0 &&
		    strcmp(self_tools[i].name, "count") != 0;

		mcp_server_add_tool(srv, &self_tools[i], count ? &counted :
		    NULL, &err);
	}
	mcp_server_add_resource(srv, &self_resources[0], NULL, &err);
	mcp_server_add_template(srv, &self_templates[0], NULL, &err);
	if (err.code != 0) {
		fprintf(stderr, "host-test serve: %s\n", err.msg);
		mcp_server_free(srv);
		return NULL;
	}
	return srv;
}

static int
serve(void)
{
	struct mcp_server *srv = self_server_new();
	char *argv[] = { "host-test", NULL };
	int rc;

	if (srv == NULL)
		return 1;
	rc = mcp_server_main(srv, 1, argv, NULL, NULL);
	mcp_server_free(srv);
	return rc;
}

/* Tests */

static char *everything;	/* build[/asan]/mcp-example-everything */
static char *self;		/* this program */
static bool fx_approver = true;	/* give the host an approval callback */

/* a, b, c: everything; s: this program serving. */
static void
fx_start_four(struct hostutil *f, const char *s_extra,
    const char *const *always_ask)
{
	char *cfg = mcp_xprintf("{\"mcpServers\": {"
	    "\"a\": {\"command\": \"%s\"},"
	    "\"b\": {\"command\": \"%s\"},"
	    "\"c\": {\"command\": \"%s\"},"
	    "\"s\": {\"command\": \"%s\", \"args\": [\"serve\"]%s}}}",
	    everything, everything, everything, self, s_extra);

	hostutil_start_opts(f, cfg, always_ask, fx_approver, NULL);
	free(cfg);
}

static bool
all_ready(void *arg)
{
	struct hostutil *f = arg;
	struct mcp_host_server_info info;
	size_t i;

	for (i = 0; mcp_host_server_info(f->h, i, &info) == 0; i++) {
		if (info.state != MCP_HOST_READY)
			return false;
	}
	return true;
}

static bool
abc_ready(void *arg)
{
	struct hostutil *f = arg;

	return hostutil_state(f, "a") == MCP_HOST_READY &&
	    hostutil_state(f, "b") == MCP_HOST_READY &&
	    hostutil_state(f, "c") == MCP_HOST_READY;
}

/* Start-up never waits on the slowest: a server that takes its time to
 * answer (sleep, then become the test server) stays "starting" while the
 * others are ready and usable. */
static void
startup_does_not_wait_for_the_slowest(void)
{
	struct hostutil f;
	struct hostutil_box b;
	char dir[] = "/tmp/host-test-XXXXXX", *go, *cfg;
	FILE *fp;

	/* "slow" waits for a file the test makes once the others are up. */
	if (mkdtemp(dir) == NULL)
		abort();
	go = mcp_xprintf("%s/go", dir);
	cfg = mcp_xprintf("{\"mcpServers\": {"
	    "\"slow\": {\"command\": \"sh\", \"args\": [\"-c\", "
	    "\"while [ ! -e \\\"$1\\\" ]; do sleep 0.05; done; "
	    "exec \\\"$0\\\" serve\", \"%s\", \"%s\"]},"
	    "\"a\": {\"command\": \"%s\"},"
	    "\"b\": {\"command\": \"%s\"},"
	    "\"c\": {\"command\": \"%s\"}}}", self, go, everything,
	    everything, everything);
	hostutil_start(&f, cfg, NULL);
	free(cfg);
	CHECK_EQ_INT(mcp_host_server_count(f.h), 4);
	CHECK_EQ_INT(hostutil_state(&f, "slow"), MCP_HOST_STARTING);
	CHECK(testutil_loop_until(f.base, abc_ready, &f, 10000));
	CHECK_EQ_INT(hostutil_state(&f, "slow"), MCP_HOST_STARTING);
	CHECK(!mcp_host_settled(f.h));
	/* Usable now, while slow still starts. */
	CHECK(hostutil_call(&f, "b/echo", "{\"text\":\"hi\"}", &b, 5000));
	CHECK_EQ_INT(b.code, 0);
	CHECK_STR(b.text, "hi");
	/* A call to the starting server waits for it, then runs. */
	hostutil_call_start(&f, "slow/peek", "{\"x\":1}", &b);
	testutil_spin(f.base, 100);
	CHECK(!b.done);
	if ((fp = fopen(go, "w")) != NULL)
		fclose(fp);
	CHECK(hostutil_wait(&f, &b, 10000));
	CHECK_EQ_INT(b.code, 0);
	CHECK_STR(b.text, "{\"x\":1}");
	CHECK_EQ_INT(hostutil_state(&f, "slow"), MCP_HOST_READY);
	CHECK(mcp_host_settled(f.h));
	CHECK_EQ_INT(f.asked, 0);
	hostutil_stop(&f);
	unlink(go);
	rmdir(dir);
	free(go);
}

static void
catalog_merges_every_server(void)
{
	struct hostutil f;
	struct mcp_host_server_info info;
	const char *server = NULL;
	const cJSON *item;
	size_t i, n, per = 0;
	int from_s = 0, from_b = 0;
	int64_t t0 = testutil_now_ms();

	fx_start_four(&f, "", NULL);
	CHECK(testutil_loop_until(f.base, all_ready, &f, 15000));
	/* A figure, not a check. */
	printf("# four servers spawned, initialized and listed in %lld ms\n",
	    (long long)(testutil_now_ms() - t0));
	CHECK_EQ_INT(mcp_host_server_find(f.h, "a", &info), 0);
	per = info.tools;
	CHECK(per > 10);
	CHECK_STR(testutil_json_str(info.server_info, "name"),
	    "mcp-example-everything");
	CHECK(info.pid > 0);
	CHECK_EQ_INT(mcp_host_server_find(f.h, "s", &info), 0);
	CHECK_EQ_INT(info.tools, sizeof self_tools / sizeof self_tools[0]);
	n = mcp_host_count(f.h, MCP_HOST_TOOLS);
	CHECK_EQ_INT(n, 3 * per + info.tools);
	for (i = 0; i < n; i++) {
		item = mcp_host_item(f.h, MCP_HOST_TOOLS, i, &server);
		CHECK(item != NULL);
		if (strcmp(server, "s") == 0)
			from_s++;
		if (strcmp(server, "b") == 0)
			from_b++;
	}
	CHECK_EQ_INT(from_s, info.tools);
	CHECK_EQ_INT(from_b, per);
	CHECK(mcp_host_item(f.h, MCP_HOST_TOOLS, n, NULL) == NULL);
	CHECK(mcp_host_find_tool(f.h, "c/echo") != NULL);
	CHECK(mcp_host_find_tool(f.h, "s/echo") == NULL);
	CHECK(mcp_host_find_tool(f.h, "s/poke") != NULL);
	CHECK(mcp_host_find_tool(f.h, "nosuch/echo") == NULL);
	CHECK(mcp_host_find_tool(f.h, "echo") == NULL);
	CHECK_EQ_INT(mcp_host_count(f.h, MCP_HOST_RESOURCES), 3 * 3 + 1);
	CHECK_EQ_INT(mcp_host_count(f.h, MCP_HOST_TEMPLATES), 3 + 1);
	CHECK_EQ_INT(mcp_host_count(f.h, MCP_HOST_PROMPTS), 3 * 4);
	hostutil_stop(&f);
}

static void
resources_route_to_their_owner(void)
{
	struct hostutil f;
	struct hostutil_box b;

	fx_start_four(&f, "", NULL);
	CHECK(testutil_loop_until(f.base, all_ready, &f, 15000));
	CHECK_STR(mcp_host_resource_owner(f.h, "self://note"), "s");
	CHECK_STR(mcp_host_resource_owner(f.h, "self://notes/7"), "s");
	CHECK_STR(mcp_host_resource_owner(f.h, "test://static-text"), "a");
	CHECK_STR(mcp_host_resource_owner(f.h, "test://template/42/data"), "a");
	CHECK(mcp_host_resource_owner(f.h, "nope://x") == NULL);
	CHECK(hostutil_read(&f, "self://notes/7", &b, 5000));
	CHECK_EQ_INT(b.code, 0);
	CHECK_STR(testutil_json_str(b.result, "contents[0].text"), "note 7");
	CHECK(hostutil_read(&f, "self://note", &b, 5000));
	CHECK_STR(testutil_json_str(b.result, "contents[0].text"),
	    "note plain");
	CHECK(hostutil_read(&f, "test://template/42/data", &b, 5000));
	CHECK_EQ_INT(b.code, 0);
	CHECK_CONTAINS(testutil_json_str(b.result, "contents[0].text"),
	    "Data for ID: 42");
	CHECK(hostutil_read(&f, "nope://x", &b, 5000));
	CHECK_EQ_INT(b.code, MCP_RESOURCE_NOT_FOUND);
	CHECK_STR(b.msg, "no server offers nope://x: none lists it or has a "
	    "template that matches it");
	/* Prompts by server/name. */
	CHECK(hostutil_prompt(&f, "b/test_prompt_with_arguments",
	    "{\"arg1\":\"x\",\"arg2\":\"y\"}", &b, 5000));
	CHECK_EQ_INT(b.code, 0);
	CHECK_STR(testutil_json_str(b.result, "messages[0].content.text"),
	    "Prompt with arguments: arg1='x', arg2='y'");
	CHECK(hostutil_prompt(&f, "zz/test_simple_prompt", NULL, &b, 5000));
	CHECK_EQ_INT(b.code, MCP_INVALID_PARAMS);
	hostutil_stop(&f);
}

/* Calls across servers are in flight together: each of three servers'
 * slow calls has started before the first one ends. */
static void
calls_run_in_parallel_across_servers(void)
{
	static const char *const names[] = { "a/test_slow", "b/test_slow",
	    "c/test_slow" };
	struct hostutil f;
	struct hostutil_box b[3];
	int i, done = 0;

	fx_start_four(&f, "", NULL);
	CHECK(testutil_loop_until(f.base, all_ready, &f, 15000));
	f.answer = MCP_HOST_ONCE;	/* test_slow is not read-only */
	for (i = 0; i < 3; i++)
		hostutil_call_start(&f, names[i], "{\"ms\":700}", &b[i]);
	for (i = 0; i < 3; i++) {
		if (hostutil_wait(&f, &b[i], 10000) && b[i].code == 0 &&
		    strcmp(b[i].text, "done") == 0)
			done++;
	}
	CHECK_EQ_INT(done, 3);
	CHECK_EQ_INT(f.asked, 3);
	/* Events in order: three starts, then three ends. */
	CHECK(f.max_in_flight == 3);
	CHECK_EQ_INT(f.starts, 3);
	CHECK_EQ_INT(f.ends, 3);
	hostutil_stop(&f);
}

static void
progress_and_logs_reach_the_event_stream(void)
{
	struct hostutil f;
	struct hostutil_box b;

	fx_start_four(&f, "", NULL);
	CHECK(testutil_loop_until(f.base, all_ready, &f, 15000));
	f.answer = MCP_HOST_ONCE;
	CHECK(hostutil_call(&f, "c/test_tool_with_progress", NULL, &b, 5000));
	CHECK_EQ_INT(b.code, 0);
	CHECK_EQ_INT(f.progress, 3);
	CHECK_CONTAINS(f.events, "progress c/test_tool_with_progress 50/100");
	CHECK(hostutil_call(&f, "b/test_tool_with_logging", NULL, &b, 5000));
	CHECK_EQ_INT(b.code, 0);
	CHECK(f.logs >= 3);
	CHECK_CONTAINS(f.events, "log b info");
	CHECK_CONTAINS(f.events, "end b/test_tool_with_logging ok");
	hostutil_stop(&f);
}

static void
list_changed_refreshes_the_catalog(void)
{
	struct hostutil f;
	struct hostutil_box b;
	int before;

	fx_start_four(&f, "", NULL);
	CHECK(testutil_loop_until(f.base, all_ready, &f, 15000));
	CHECK(mcp_host_find_tool(f.h, "s/grown") == NULL);
	before = f.catalogs;
	f.answer = MCP_HOST_ONCE;
	CHECK(hostutil_call(&f, "s/grow", NULL, &b, 5000));
	CHECK_EQ_INT(b.code, 0);
	CHECK(testutil_wait_count(f.base, &f.catalogs, before + 1, 5000));
	CHECK(mcp_host_find_tool(f.h, "s/grown") != NULL);
	f.asked = 0;
	CHECK(hostutil_call(&f, "s/grown", "{\"n\":2}", &b, 5000));
	CHECK_STR(b.text, "{\"n\":2}");
	CHECK_EQ_INT(f.asked, 0);	/* read-only */
	hostutil_stop(&f);
}

static void
unknown_servers_and_tools_are_named(void)
{
	struct hostutil f;
	struct hostutil_box b;

	fx_start_four(&f, "", NULL);
	CHECK(testutil_loop_until(f.base, all_ready, &f, 15000));
	CHECK(hostutil_call(&f, "nosuch/echo", NULL, &b, 5000));
	CHECK_EQ_INT(b.code, MCP_INVALID_PARAMS);
	CHECK_STR(b.msg, "unknown tool \"nosuch/echo\": expected SERVER/TOOL "
	    "with one of the configured servers");
	CHECK(hostutil_call(&f, "echo", NULL, &b, 5000));
	CHECK_EQ_INT(b.code, MCP_INVALID_PARAMS);
	CHECK(hostutil_call(&f, "a/nosuch", NULL, &b, 5000));
	CHECK_EQ_INT(b.code, MCP_INVALID_PARAMS);
	CHECK_STR(b.msg, "unknown tool a/nosuch: server \"a\" has no tool of "
	    "that name");
	CHECK(hostutil_call(&f, "a/echo", "[1]", &b, 5000));
	CHECK_EQ_INT(b.code, MCP_INVALID_PARAMS);
	CHECK_STR(b.msg, "a/echo: arguments must be a JSON object, not array");
	/* A tool error is a result, not a failure of the call. */
	f.answer = MCP_HOST_ONCE;
	CHECK(hostutil_call(&f, "a/test_error_handling", NULL, &b, 5000));
	CHECK_EQ_INT(b.code, 0);
	CHECK(b.is_error);
	CHECK_CONTAINS(f.events, "end a/test_error_handling tool-error");
	CHECK_EQ_INT(f.asked, 1);
	hostutil_stop(&f);
}

/* The gate */

static int
served_count(struct hostutil *f)
{
	struct hostutil_box b;
	int asked = f->asked;

	if (!hostutil_call(f, "s/count", NULL, &b, 5000) || b.code != 0)
		return -1;
	CHECK_EQ_INT(f->asked, asked);	/* read-only: never asks */
	return atoi(b.text);
}

static void
gate_read_only_runs_others_ask(void)
{
	struct hostutil f;
	struct hostutil_box b;

	fx_start_four(&f, "", NULL);
	CHECK(testutil_loop_until(f.base, all_ready, &f, 15000));
	CHECK(hostutil_call(&f, "s/peek", "{\"q\":1}", &b, 5000));
	CHECK_EQ_INT(b.code, 0);
	CHECK_EQ_INT(f.asked, 0);
	/* Not read-only: asks; denied, nothing reaches the server. */
	f.answer = MCP_HOST_DENY;
	CHECK(hostutil_call(&f, "s/poke", "{\"q\":2}", &b, 5000));
	CHECK_EQ_INT(f.asked, 1);
	CHECK_EQ_INT(b.code, MCP_HOST_DECLINED);
	CHECK_STR(b.msg, "s/poke: declined; nothing was sent");
	CHECK_STR(f.ask_server, "s");
	CHECK_STR(f.ask_tool, "poke");
	CHECK_STR(f.ask_args, "{\"q\":2}");
	CHECK_STR(f.ask_reason, "poke may change things (it is not marked "
	    "read-only)");
	CHECK(f.ask_grantable);
	CHECK_EQ_INT(served_count(&f), 0);
	CHECK_CONTAINS(f.events, "decision s/peek policy once: read-only "
	    "(readOnlyHint)\n");
	CHECK_CONTAINS(f.events, "decision s/poke asked deny: poke may change "
	    "things (it is not marked read-only)\n");
	CHECK_CONTAINS(f.events, "end s/poke error -32010");
	CHECK(strstr(f.events, "start s/poke") == NULL);
	/* Approved once: sent, and the next call asks again. */
	f.answer = MCP_HOST_ONCE;
	CHECK(hostutil_call(&f, "s/poke", "{\"q\":3}", &b, 5000));
	CHECK_EQ_INT(b.code, 0);
	CHECK_EQ_INT(served_count(&f), 1);
	CHECK(hostutil_call(&f, "s/poke", "{\"q\":4}", &b, 5000));
	CHECK_EQ_INT(f.asked, 3);
	CHECK_EQ_INT(served_count(&f), 2);
	CHECK_EQ_INT(mcp_host_grant_count(f.h), 0);
	hostutil_stop(&f);
}

/* What the application approves is byte for byte what the server gets. */
static void
gate_shows_exactly_what_is_sent(void)
{
	static const char *const args[] = {
		"{\"city\":\"Barcelona\",\"price\":620.5,\"n\":3}",
		"{\"s\":\"caf\\u00e9 \\u2028 </script> \\\"q\\\" \\\\ \\n\"}",
		"{\"big\":1e300,\"small\":1e-7,\"neg\":-0.1,\"pi\":3.141592653589793}",
		"{\"nested\":{\"a\":[1,2,{\"b\":null}],\"t\":true,\"f\":false}}",
		"{}",
	};
	struct hostutil f;
	struct hostutil_box b;
	size_t i;

	fx_start_four(&f, "", NULL);
	CHECK(testutil_loop_until(f.base, all_ready, &f, 15000));
	f.answer = MCP_HOST_ONCE;
	for (i = 0; i < sizeof args / sizeof args[0]; i++) {
		CHECK(hostutil_call(&f, "s/poke", args[i], &b, 5000));
		CHECK_EQ_INT(b.code, 0);
		/* The server printed what it parsed: the same text. */
		CHECK_STR(b.text, f.ask_args);
		CHECK_CONTAINS(f.events, f.ask_args);
	}
	CHECK_EQ_INT(f.asked, 5);
	hostutil_stop(&f);
}

static void
gate_grants_and_revocation(void)
{
	struct hostutil f;
	struct hostutil_box b;
	const struct mcp_host_grant *g;

	fx_start_four(&f, "", NULL);
	CHECK(testutil_loop_until(f.base, all_ready, &f, 15000));
	f.answer = MCP_HOST_SESSION;
	CHECK(hostutil_call(&f, "s/poke", NULL, &b, 5000));
	CHECK_EQ_INT(b.code, 0);
	CHECK_EQ_INT(f.asked, 1);
	CHECK_EQ_INT(mcp_host_grant_count(f.h), 1);
	g = mcp_host_grant(f.h, 0);
	CHECK(g != NULL && strcmp(g->server, "s") == 0 &&
	    strcmp(g->tool, "poke") == 0 && g->scope == MCP_HOST_SESSION);
	CHECK(mcp_host_grant(f.h, 1) == NULL);
	/* Granted: no more questions, for this tool on this server only. */
	f.answer = MCP_HOST_DENY;
	CHECK(hostutil_call(&f, "s/poke", NULL, &b, 5000));
	CHECK_EQ_INT(b.code, 0);
	CHECK_EQ_INT(f.asked, 1);
	CHECK_CONTAINS(f.events, "decision s/poke asked session: ");
	CHECK_CONTAINS(f.events, "decision s/poke policy once: granted for "
	    "this session\n");
	CHECK(hostutil_call(&f, "s/world_write", NULL, &b, 5000));
	CHECK_EQ_INT(b.code, MCP_HOST_DECLINED);
	CHECK_EQ_INT(f.asked, 2);
	/* ALWAYS is kept too (persisting it is the application's job). */
	f.answer = MCP_HOST_ALWAYS;
	CHECK(hostutil_call(&f, "s/world_write", NULL, &b, 5000));
	CHECK_EQ_INT(mcp_host_grant_count(f.h), 2);
	CHECK(mcp_host_grant(f.h, 1)->scope == MCP_HOST_ALWAYS);
	/* Revoked: asks again. */
	CHECK_EQ_INT(mcp_host_revoke(f.h, "s", "poke"), 0);
	CHECK_EQ_INT(mcp_host_revoke(f.h, "s", "poke"), -1);
	CHECK_EQ_INT(mcp_host_grant_count(f.h), 1);
	f.answer = MCP_HOST_DENY;
	f.asked = 0;
	CHECK(hostutil_call(&f, "s/poke", NULL, &b, 5000));
	CHECK_EQ_INT(f.asked, 1);
	CHECK_EQ_INT(b.code, MCP_HOST_DECLINED);
	/* A grant loaded back by the application. */
	CHECK_EQ_INT(mcp_host_grant_add(f.h, "s", "poke", MCP_HOST_ALWAYS), 0);
	CHECK(hostutil_call(&f, "s/poke", NULL, &b, 5000));
	CHECK_EQ_INT(b.code, 0);
	CHECK_EQ_INT(f.asked, 1);
	CHECK_EQ_INT(mcp_host_grant_add(f.h, "s", "x", MCP_HOST_ONCE), -1);
	hostutil_stop(&f);
}

/* Configuration may auto-approve only tools that say they are neither
 * destructive nor open-world, never one on the application's list. */
static void
gate_config_auto_approval_is_bounded(void)
{
	static const char *const always[] = { "bookThing", "a/echo", NULL };
	struct hostutil f;
	struct hostutil_box b;

	fx_start_four(&f, ", \"tripmcp\": {\"approve\": {\"safe_write\": "
	    "\"auto\", \"world_write\": \"auto\", \"poke\": \"auto\", "
	    "\"half_safe\": \"auto\", \"bookThing\": \"auto\", \"peek\": "
	    "\"ask\"}}", always);
	CHECK(testutil_loop_until(f.base, all_ready, &f, 15000));
	f.answer = MCP_HOST_DENY;
	CHECK(hostutil_call(&f, "s/safe_write", NULL, &b, 5000));
	CHECK_EQ_INT(b.code, 0);
	CHECK_EQ_INT(f.asked, 0);
	CHECK_CONTAINS(f.events, "decision s/safe_write policy once: "
	    "auto-approved by the configuration (not destructive, closed "
	    "world)\n");
	CHECK(hostutil_call(&f, "s/world_write", NULL, &b, 5000));
	CHECK_EQ_INT(b.code, MCP_HOST_DECLINED);
	CHECK_EQ_INT(f.asked, 1);
	CHECK_STR(f.ask_reason, "the configuration auto-approves world_write, "
	    "but the tool does not declare destructiveHint: false and "
	    "openWorldHint: false");
	CHECK(hostutil_call(&f, "s/poke", NULL, &b, 5000));
	CHECK_EQ_INT(b.code, MCP_HOST_DECLINED);
	CHECK_EQ_INT(f.asked, 2);
	/* openWorldHint absent: MCP's default is true. */
	CHECK(hostutil_call(&f, "s/half_safe", NULL, &b, 5000));
	CHECK_EQ_INT(b.code, MCP_HOST_DECLINED);
	CHECK_EQ_INT(f.asked, 3);
	/* The application's list wins over "auto", and over grants. */
	f.answer = MCP_HOST_ALWAYS;
	CHECK(hostutil_call(&f, "s/bookThing", "{\"price\":1}", &b, 5000));
	CHECK_EQ_INT(b.code, 0);
	CHECK_EQ_INT(f.asked, 4);
	CHECK_STR(f.ask_reason, "bookThing always asks, whatever the "
	    "configuration says");
	CHECK(!f.ask_grantable);
	CHECK_EQ_INT(mcp_host_grant_count(f.h), 0);
	CHECK(hostutil_call(&f, "s/bookThing", "{\"price\":1}", &b, 5000));
	CHECK_EQ_INT(f.asked, 5);
	CHECK_EQ_INT(mcp_host_grant_add(f.h, "s", "bookThing",
	    MCP_HOST_ALWAYS), -1);
	/* "server/tool" entries bind to that server only. */
	f.answer = MCP_HOST_ONCE;
	CHECK(hostutil_call(&f, "a/echo", "{\"text\":\"x\"}", &b, 5000));
	CHECK_EQ_INT(f.asked, 6);
	CHECK(hostutil_call(&f, "b/echo", "{\"text\":\"x\"}", &b, 5000));
	CHECK_EQ_INT(f.asked, 6);
	/* "ask" makes even a read-only tool ask. */
	CHECK(hostutil_call(&f, "s/peek", NULL, &b, 5000));
	CHECK_EQ_INT(f.asked, 7);
	CHECK_STR(f.ask_reason, "the configuration says to ask for peek");
	hostutil_stop(&f);
}

static void
gate_argument_limits_ask(void)
{
	struct hostutil f;
	struct hostutil_box b;

	fx_start_four(&f, ", \"tripmcp\": {\"approve\": {\"safe_write\": "
	    "{\"auto\": true, \"askAbove\": {\"price\": 500}}}}", NULL);
	CHECK(testutil_loop_until(f.base, all_ready, &f, 15000));
	f.answer = MCP_HOST_DENY;
	CHECK(hostutil_call(&f, "s/safe_write", "{\"price\":499.5}", &b, 5000));
	CHECK_EQ_INT(b.code, 0);
	CHECK_EQ_INT(f.asked, 0);
	CHECK(hostutil_call(&f, "s/safe_write", "{\"price\":620}", &b, 5000));
	CHECK_EQ_INT(b.code, MCP_HOST_DECLINED);
	CHECK_EQ_INT(f.asked, 1);
	CHECK_STR(f.ask_reason, "price is 620, above 500 (the configuration's "
	    "limit)");
	/* Above the limit, even a session grant does not stop the question. */
	CHECK_EQ_INT(mcp_host_grant_add(f.h, "s", "safe_write",
	    MCP_HOST_SESSION), 0);
	CHECK(hostutil_call(&f, "s/safe_write", "{\"price\":900}", &b, 5000));
	CHECK_EQ_INT(f.asked, 2);
	hostutil_stop(&f);
}

/* Answers may come later; a cancelled question cannot be answered. */
static void
gate_answers_later_and_cancels(void)
{
	struct hostutil f;
	struct hostutil_box b, b2;

	fx_start_four(&f, "", NULL);
	CHECK(testutil_loop_until(f.base, all_ready, &f, 15000));
	f.answer = -1;		/* keep the question */
	hostutil_call_start(&f, "s/poke", "{\"later\":true}", &b);
	CHECK(testutil_wait_count(f.base, &f.asked, 1, 5000));
	testutil_spin(f.base, 50);
	CHECK(!b.done);
	CHECK_EQ_INT(mcp_host_pending(f.h), 1);
	CHECK_EQ_INT(mcp_host_answer(f.h, f.ask_call + 1000, MCP_HOST_ONCE), -1);
	CHECK_EQ_INT(mcp_host_answer(f.h, f.ask_call, MCP_HOST_ONCE), 0);
	CHECK_EQ_INT(mcp_host_answer(f.h, f.ask_call, MCP_HOST_ONCE), -1);
	CHECK(hostutil_wait(&f, &b, 5000));
	CHECK_EQ_INT(b.code, 0);
	CHECK_STR(b.text, "{\"later\":true}");
	/* Cancelled while asking. */
	hostutil_call_start(&f, "s/poke", "{\"never\":true}", &b2);
	CHECK(testutil_wait_count(f.base, &f.asked, 2, 5000));
	CHECK_EQ_INT(mcp_host_cancel(f.h, f.ask_call, "changed my mind"), 0);
	CHECK(b2.done);
	CHECK_EQ_INT(b2.code, MCP_REQUEST_CANCELLED);
	CHECK_STR(b2.msg, "changed my mind");
	CHECK_EQ_INT(mcp_host_answer(f.h, f.ask_call, MCP_HOST_ONCE), -1);
	CHECK_EQ_INT(mcp_host_cancel(f.h, f.ask_call, NULL), -1);
	CHECK_EQ_INT(served_count(&f), 1);
	hostutil_stop(&f);
}

static void
gate_without_an_approver_refuses(void)
{
	struct hostutil f;
	struct hostutil_box b;

	fx_approver = false;
	fx_start_four(&f, "", NULL);
	fx_approver = true;
	CHECK(testutil_loop_until(f.base, all_ready, &f, 15000));
	CHECK(hostutil_call(&f, "s/poke", NULL, &b, 5000));
	CHECK_EQ_INT(b.code, MCP_HOST_DECLINED);
	CHECK_STR(b.msg, "s/poke needs approval (poke may change things (it "
	    "is not marked read-only)), and nothing can ask for it");
	CHECK_CONTAINS(f.events, "decision s/poke policy deny: s/poke needs "
	    "approval");
	CHECK(hostutil_call(&f, "s/peek", NULL, &b, 5000));
	CHECK_EQ_INT(b.code, 0);
	CHECK_EQ_INT(served_count(&f), 0);
	hostutil_stop(&f);
}

static void
disabled_servers_stay_down_until_enabled(void)
{
	struct hostutil f;
	struct hostutil_box b;
	char *cfg = mcp_xprintf("{\"mcpServers\": {\"s\": {\"command\": "
	    "\"%s\", \"args\": [\"serve\"], \"disabled\": true}}}", self);

	hostutil_start(&f, cfg, NULL);
	free(cfg);
	CHECK_EQ_INT(hostutil_state(&f, "s"), MCP_HOST_DISABLED);
	CHECK(hostutil_call(&f, "s/peek", NULL, &b, 5000));
	CHECK_EQ_INT(b.code, MCP_HOST_UNAVAILABLE);
	CHECK_STR(b.msg, "s/peek: server \"s\" is disabled");
	CHECK_EQ_INT(mcp_host_enable(f.h, "s"), 0);
	CHECK(hostutil_call(&f, "s/peek", NULL, &b, 5000));
	CHECK_EQ_INT(b.code, 0);
	/* Disabled with a call in flight: the call ends, saying so. */
	hostutil_call_start(&f, "s/hang", NULL, &b);
	CHECK(testutil_wait_count(f.base, &f.starts, 2, 5000));
	CHECK_EQ_INT(mcp_host_disable(f.h, "s"), 0);
	CHECK(hostutil_wait(&f, &b, 5000));
	CHECK_EQ_INT(b.code, MCP_CONNECTION_CLOSED);
	CHECK_STR(b.msg, "s/hang: server \"s\" went away during the call "
	    "(connection closed: shutting down); it was disabled");
	CHECK_EQ_INT(hostutil_state(&f, "s"), MCP_HOST_DISABLED);
	CHECK_EQ_INT(mcp_host_count(f.h, MCP_HOST_TOOLS), 0);
	CHECK_EQ_INT(mcp_host_disable(f.h, "zz"), -1);
	hostutil_stop(&f);
}

/* Freeing the host stops every server: all get their EOF at once and are
 * waited for together; a server just disabled (its connection not yet
 * freed by the loop) too. Every child is reaped: none is left running or
 * a zombie. (The time it took is printed, not checked.) */
static void
free_stops_every_server(void)
{
	struct hostutil f;
	struct mcp_host_server_info info;
	const char *names[] = { "a", "b", "c", "d" };
	pid_t pids[4];
	int64_t t0, ms;
	size_t i;
	int status;
	char *cfg = mcp_xprintf("{\"mcpServers\": {"
	    "\"a\": {\"command\": \"%s\", \"args\": [\"serve\"]},"
	    "\"b\": {\"command\": \"%s\", \"args\": [\"serve\"]},"
	    "\"c\": {\"command\": \"%s\", \"args\": [\"serve\"]},"
	    "\"d\": {\"command\": \"%s\", \"args\": [\"serve\"]}}}",
	    self, self, self, self);

	hostutil_start(&f, cfg, NULL);
	free(cfg);
	CHECK(testutil_loop_until(f.base, all_ready, &f, 10000));
	for (i = 0; i < 4; i++) {
		CHECK_EQ_INT(mcp_host_server_find(f.h, names[i], &info), 0);
		pids[i] = (pid_t)info.pid;
		CHECK(pids[i] > 0);
	}
	CHECK_EQ_INT(mcp_host_disable(f.h, "d"), 0);
	t0 = testutil_now_ms();
	mcp_host_free(f.h);
	ms = testutil_now_ms() - t0;
	f.h = NULL;
	for (i = 0; i < 4; i++) {
		CHECK_EQ_INT(waitpid(pids[i], &status, WNOHANG), -1);
		CHECK_EQ_INT(errno, ECHILD);
		CHECK_EQ_INT(kill(pids[i], 0), -1);
		CHECK_EQ_INT(errno, ESRCH);
	}
	fprintf(stderr, "  host of 4 servers freed in %lld ms\n",
	    (long long)ms);
	hostutil_stop(&f);
}

/* An elicitation from a server reaches the application with the server's
 * name, and the answer goes back to that server. */
static char elicited_from[64];

static void
on_elicitation(void *arg, const char *server, struct mcp_request *req,
    const cJSON *params)
{
	(void)arg;
	(void)params;
	snprintf(elicited_from, sizeof elicited_from, "%s", server);
	mcp_request_reply(req, mcp_json_parse_const("{\"action\":\"accept\","
	    "\"content\":{\"username\":\"ana\",\"email\":\"ana@example.com\"}}"));
}

static void
server_requests_reach_the_application(void)
{
	struct hostutil f;
	struct hostutil_box b;
	struct mcp_host_opts o = { 0 };
	char *cfg = mcp_xprintf("{\"mcpServers\": {\"a\": {\"command\": "
	    "\"%s\"}, \"b\": {\"command\": \"%s\"}}}", everything,
	    everything);

	o.on_elicitation = on_elicitation;
	hostutil_start_opts(&f, cfg, NULL, true, &o);
	free(cfg);
	CHECK(testutil_loop_until(f.base, all_ready, &f, 15000));
	f.answer = MCP_HOST_ONCE;
	CHECK(hostutil_call(&f, "b/test_elicitation", "{\"message\":\"who?\"}",
	    &b, 5000));
	CHECK_EQ_INT(b.code, 0);
	CHECK_STR(elicited_from, "b");
	CHECK_CONTAINS(b.text, "action=accept");
	CHECK_CONTAINS(b.text, "ana@example.com");
	/* Not declared: the server is told the client cannot sample. */
	CHECK(hostutil_call(&f, "a/test_sampling", "{\"prompt\":\"hi\"}", &b,
	    5000));
	CHECK_EQ_INT(b.code, 0);
	CHECK(b.is_error);
	CHECK_CONTAINS(b.text, "Sampling not supported");
	hostutil_stop(&f);
}

/* A remote server: the test server on Streamable HTTP, on this loop. */
static void
remote_server_over_http(void)
{
	struct hostutil f;
	struct hostutil_box b;
	struct mcp_err err = { 0, "" };
	struct mcp_config *cfg;
	struct mcp_server *srv;
	char *text;

	hostutil_start(&f, "{\"mcpServers\": {}}", NULL);
	srv = self_server_new();
	CHECK(srv != NULL);
	if (srv == NULL)
		return;
	CHECK_EQ_INT(mcp_server_listen_http(srv, f.base, "127.0.0.1:0", &err),
	    0);
	text = mcp_xprintf("{\"mcpServers\": {\"r\": {\"type\": \"http\", "
	    "\"url\": \"http://127.0.0.1:%d/mcp\", \"headers\": "
	    "{\"X-Test\": \"1\"}}}}", mcp_server_http_port(srv));
	cfg = mcp_config_parse(text, strlen(text), "http.json", NULL, &err);
	free(text);
	CHECK(cfg != NULL);
	CHECK_EQ_INT(mcp_host_add_config(f.h, cfg, &err), 0);
	mcp_config_free(cfg);
	CHECK(testutil_loop_until(f.base, all_ready, &f, 10000));
	CHECK(mcp_host_find_tool(f.h, "r/poke") != NULL);
	CHECK_STR(mcp_host_resource_owner(f.h, "self://notes/x"), "r");
	CHECK(hostutil_call(&f, "r/peek", "{\"over\":\"http\"}", &b, 5000));
	CHECK_EQ_INT(b.code, 0);
	CHECK_STR(b.text, "{\"over\":\"http\"}");
	f.answer = MCP_HOST_ONCE;
	CHECK(hostutil_call(&f, "r/poke", "{\"n\":1}", &b, 5000));
	CHECK_EQ_INT(b.code, 0);
	CHECK_EQ_INT(f.asked, 1);
	CHECK(hostutil_read(&f, "self://notes/x", &b, 5000));
	CHECK_STR(testutil_json_str(b.result, "contents[0].text"), "note x");
	mcp_host_free(f.h);
	f.h = NULL;
	mcp_server_shutdown(srv);
	testutil_spin(f.base, 50);
	mcp_server_free(srv);
	hostutil_stop(&f);
}

int
main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "serve") == 0)
		return serve();
	signal(SIGPIPE, SIG_IGN);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	HARNESS_BEGIN("host");
	HARNESS_WATCHDOG();
	everything = hostutil_program("mcp-example-everything");
	self = hostutil_program("tests/host-test");
	TEST(startup_does_not_wait_for_the_slowest);
	TEST(catalog_merges_every_server);
	TEST(resources_route_to_their_owner);
	TEST(calls_run_in_parallel_across_servers);
	TEST(progress_and_logs_reach_the_event_stream);
	TEST(list_changed_refreshes_the_catalog);
	TEST(unknown_servers_and_tools_are_named);
	TEST(gate_read_only_runs_others_ask);
	TEST(gate_shows_exactly_what_is_sent);
	TEST(gate_grants_and_revocation);
	TEST(gate_config_auto_approval_is_bounded);
	TEST(gate_argument_limits_ask);
	TEST(gate_answers_later_and_cancels);
	TEST(gate_without_an_approver_refuses);
	TEST(disabled_servers_stay_down_until_enabled);
	TEST(server_requests_reach_the_application);
	TEST(free_stops_every_server);
	TEST(remote_server_over_http);
	free(everything);
	curl_global_cleanup();
	free(self);
	return HARNESS_END();
}
