/*
 * Fault tests for mcp/host.c: a server killed with SIGKILL in the middle of
 * a call, one that hangs, one that writes garbage to stdout, one that
 * cannot start. The well-behaved server is host-test's own ("host-test
 * serve"), found beside this program.
 */
#include <sys/types.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mcp/host.h"
#include "tests/harness.h"
#include "tests/mcp/testutil.h"

#include "hostutil.h"

static char *self;	/* build[/asan]/tests/host-test */

struct state_wait {
	struct hostutil *f;
	const char *server;
	enum mcp_host_state state;
};

static bool
state_reached(void *arg)
{
	struct state_wait *w = arg;

	return hostutil_state(w->f, w->server) == (int)w->state;
}

static bool
wait_state(struct hostutil *f, const char *server, enum mcp_host_state st,
    int ms)
{
	struct state_wait w = { f, server, st };

	return testutil_loop_until(f->base, state_reached, &w, ms);
}

static void
start_self(struct hostutil *f, const char *extra,
    const struct mcp_host_opts *o)
{
	char *cfg = mcp_xprintf("{\"mcpServers\": {\"s\": {\"command\": "
	    "\"%s\", \"args\": [\"serve\"]%s}}}", self, extra);

	hostutil_start_opts(f, cfg, NULL, true, o);
	free(cfg);
}

static bool
call_started(void *arg)
{
	return ((struct hostutil *)arg)->starts > 0;
}

/* SIGKILL during a call: the call fails at once saying what happened, the
 * server comes back, and the next call works. */
static void
killed_during_a_call_fails_fast_and_restarts(void)
{
	struct hostutil f;
	struct hostutil_box b;
	struct mcp_host_server_info info;
	int64_t pid, t0;

	start_self(&f, "", NULL);
	CHECK(wait_state(&f, "s", MCP_HOST_READY, 10000));
	CHECK_EQ_INT(mcp_host_server_find(f.h, "s", &info), 0);
	pid = info.pid;
	CHECK(pid > 0);
	hostutil_call_start(&f, "s/hang", NULL, &b);
	CHECK(testutil_loop_until(f.base, call_started, &f, 5000));
	t0 = testutil_now_ms();
	CHECK_EQ_INT(kill((pid_t)pid, SIGKILL), 0);
	/* Generous slack; it takes about 100 ms. */
	CHECK(hostutil_wait(&f, &b, 2000));
	printf("# killed server: the call failed after %lld ms\n",
	    (long long)(testutil_now_ms() - t0));
	CHECK_EQ_INT(b.code, MCP_CONNECTION_CLOSED);
	CHECK_STR(b.msg, "s/hang: server \"s\" went away during the call "
	    "(connection closed: killed by signal 9 (Killed)); it is being "
	    "restarted, try again");
	CHECK_CONTAINS(f.events, "state s restarting: killed by signal 9 "
	    "(Killed); restarting in 250 ms\n");
	CHECK_EQ_INT(mcp_host_count(f.h, MCP_HOST_TOOLS), 0);
	/* Meanwhile a call fails at once, naming the state. */
	CHECK(hostutil_call(&f, "s/peek", NULL, &b, 2000));
	CHECK_EQ_INT(b.code, MCP_HOST_UNAVAILABLE);
	CHECK_STR(b.msg, "s/peek: server \"s\" is restarting: killed by "
	    "signal 9 (Killed); restarting in 250 ms");
	CHECK(wait_state(&f, "s", MCP_HOST_READY, 10000));
	CHECK_EQ_INT(mcp_host_server_find(f.h, "s", &info), 0);
	CHECK_EQ_INT(info.restarts, 1);
	CHECK(info.pid > 0 && info.pid != pid);
	CHECK(info.reason == NULL);
	CHECK(hostutil_call(&f, "s/peek", "{\"again\":1}", &b, 5000));
	CHECK_EQ_INT(b.code, 0);
	CHECK_STR(b.text, "{\"again\":1}");
	hostutil_stop(&f);
}

static bool
cancel_logged(void *arg)
{
	struct hostutil *f = arg;

	return strstr(f->events, "log s warning \"cancel reached the "
	    "server\"") != NULL;
}

/* A call that never ends times out, and the server is told. */
static void
hung_call_times_out_and_is_cancelled(void)
{
	struct hostutil f;
	struct hostutil_box b;
	struct mcp_host_call_opts co = { 300, 0 };
	char *p;

	start_self(&f, "", NULL);
	CHECK(wait_state(&f, "s", MCP_HOST_READY, 10000));
	hostutil_box_init(&f, &b);
	mcp_host_call_tool(f.h, "s/hang", NULL, &co, hostutil_box_cb, &b);
	CHECK(hostutil_wait(&f, &b, 5000));
	CHECK_EQ_INT(b.code, MCP_REQUEST_TIMEOUT);
	CHECK_CONTAINS(b.msg, "s/hang: ");
	CHECK_CONTAINS(b.msg, "300 ms");
	CHECK(testutil_loop_until(f.base, cancel_logged, &f, 5000));
	/* The server is still fine. */
	CHECK_EQ_INT(hostutil_state(&f, "s"), MCP_HOST_READY);
	CHECK(hostutil_call(&f, "s/peek", NULL, &b, 5000));
	CHECK_EQ_INT(b.code, 0);
	/* Cancelled by the application: at once, and the server hears it. */
	f.events[0] = '\0';
	f.events_len = 0;
	f.starts = 0;
	{
		uint64_t id = hostutil_call_start(&f, "s/hang", NULL, &b);

		CHECK(testutil_loop_until(f.base, call_started, &f, 5000));
		CHECK_EQ_INT(mcp_host_cancel(f.h, id, "user pressed Esc"), 0);
		CHECK(b.done);
		CHECK_EQ_INT(b.code, MCP_REQUEST_CANCELLED);
		CHECK_EQ_INT(mcp_host_cancel(f.h, id, NULL), -1);
	}
	CHECK(testutil_loop_until(f.base, cancel_logged, &f, 5000));
	p = strstr(f.events, "end s/hang error -32800");
	CHECK(p != NULL);
	hostutil_stop(&f);
}

/* The configuration's timeout applies to every call of that server. */
static void
configured_timeout_applies(void)
{
	struct hostutil f;
	struct hostutil_box b;

	start_self(&f, ", \"tripmcp\": {\"timeoutMs\": 200}", NULL);
	CHECK(wait_state(&f, "s", MCP_HOST_READY, 10000));
	CHECK(hostutil_call(&f, "s/hang", NULL, &b, 5000));
	CHECK_EQ_INT(b.code, MCP_REQUEST_TIMEOUT);
	CHECK_CONTAINS(b.msg, "200 ms");
	CHECK(testutil_loop_until(f.base, cancel_logged, &f, 5000));
	hostutil_stop(&f);
}

/* Progress re-arms a call's timeout, up to its hard maximum. */
static void
progress_keeps_a_long_call_alive(void)
{
	struct hostutil f;
	struct hostutil_box b;
	struct mcp_host_call_opts co = { 400, 20000 };
	char *everything = hostutil_program("mcp-example-everything");
	char *cfg = mcp_xprintf("{\"mcpServers\": {\"e\": {\"command\": "
	    "\"%s\"}}}", everything);

	hostutil_start(&f, cfg, NULL);
	free(cfg);
	free(everything);
	f.answer = MCP_HOST_ONCE;
	CHECK(wait_state(&f, "e", MCP_HOST_READY, 10000));
	/* 1.5 s of work, progress every 100 ms, a 400 ms timeout. */
	hostutil_box_init(&f, &b);
	mcp_host_call_tool(f.h, "e/test_slow", mcp_json_parse_const(
	    "{\"ms\":1500}"), &co, hostutil_box_cb, &b);
	CHECK(hostutil_wait(&f, &b, 10000));
	CHECK_EQ_INT(b.code, 0);
	CHECK_STR(b.text, "done");
	CHECK(f.progress >= 5);
	/* The hard maximum ends it whatever the progress. */
	co.max_timeout_ms = 700;
	hostutil_box_init(&f, &b);
	mcp_host_call_tool(f.h, "e/test_slow", mcp_json_parse_const(
	    "{\"ms\":5000}"), &co, hostutil_box_cb, &b);
	CHECK(hostutil_wait(&f, &b, 10000));
	CHECK_EQ_INT(b.code, MCP_REQUEST_TIMEOUT);
	CHECK_CONTAINS(b.msg, "e/test_slow: ");
	CHECK_CONTAINS(b.msg, "700 ms");
	hostutil_stop(&f);
}

/* Garbage on stdout: before initialize it is a server that never gets
 * ready, and the reason says what it wrote; after, it is a warning and the
 * call still works. */
static void
garbage_on_stdout(void)
{
	struct hostutil f;
	struct hostutil_box b;
	struct mcp_host_opts o = { 0 };
	struct mcp_host_server_info info;

	o.restart_min_ms = 50;
	o.max_restarts = 1;
	hostutil_start_opts(&f, "{\"mcpServers\": {\"g\": {\"command\": \"sh\", "
	    "\"args\": [\"-c\", \"while read l; do echo 'garbage {not json'; "
	    "done\"], \"tripmcp\": {\"startTimeoutMs\": 500}}}}", NULL, true,
	    &o);
	CHECK(wait_state(&f, "g", MCP_HOST_FAILED, 10000));
	CHECK_EQ_INT(mcp_host_server_find(f.h, "g", &info), 0);
	CHECK_CONTAINS(info.reason, "not ready within 500 ms (bad message from "
	    "peer: ");
	CHECK_CONTAINS(info.reason, "gave up after 1 restarts in a row: fix it, "
	    "then enable it again");
	CHECK_CONTAINS(f.events, "state g restarting: not ready within 500 ms");
	CHECK_EQ_INT(info.restarts, 1);
	hostutil_stop(&f);

	start_self(&f, "", NULL);
	CHECK(wait_state(&f, "s", MCP_HOST_READY, 10000));
	CHECK(hostutil_call(&f, "s/spew", NULL, &b, 5000));
	CHECK_EQ_INT(b.code, 0);
	CHECK_STR(b.text, "after the garbage");
	CHECK(hostutil_call(&f, "s/peek", "{\"ok\":true}", &b, 5000));
	CHECK_STR(b.text, "{\"ok\":true}");
	CHECK_EQ_INT(hostutil_state(&f, "s"), MCP_HOST_READY);
	CHECK_CONTAINS(f.log.all, "s: bad message from peer");
	hostutil_stop(&f);
}

/* A server that dies at start-up: its stderr is in the reason, restarts
 * back off, then it is failed; a command that does not exist fails at
 * once without restarts. It exits before reading anything: whether our
 * initialize meets a broken pipe or its stdout ends first, the reason is
 * its exit status. */
static void
failing_start_shows_stderr(void)
{
	struct hostutil f;
	struct hostutil_box b;
	struct mcp_host_opts o = { 0 };
	struct mcp_host_server_info info;

	o.restart_min_ms = 50;
	o.max_restarts = 2;
	hostutil_start_opts(&f, "{\"mcpServers\": {"
	    "\"bad\": {\"command\": \"sh\", \"args\": [\"-c\", \""
	    "echo 'starting up' >&2; echo 'fatal: cannot open /nonexistent/db: "
	    "No such file or directory' >&2; exit 3\"]},"
	    "\"missing\": {\"command\": \"/nonexistent/tripmcp-nothing\"}}}",
	    NULL, true, &o);
	CHECK(wait_state(&f, "missing", MCP_HOST_FAILED, 5000));
	CHECK_EQ_INT(mcp_host_server_find(f.h, "missing", &info), 0);
	CHECK_CONTAINS(info.reason, "cannot start: ");
	CHECK_CONTAINS(info.reason, "/nonexistent/tripmcp-nothing");
	CHECK_EQ_INT(info.restarts, 0);

	CHECK(wait_state(&f, "bad", MCP_HOST_FAILED, 10000));
	CHECK_EQ_INT(mcp_host_server_find(f.h, "bad", &info), 0);
	CHECK_STR(info.reason, "stopped before it was ready: exited with "
	    "status 3; stderr: starting up | fatal: cannot open "
	    "/nonexistent/db: No such file or directory; gave up after 2 "
	    "restarts in a row: fix it, then enable it again");
	CHECK_CONTAINS(info.stderr_tail, "fatal: cannot open /nonexistent/db");
	CHECK_EQ_INT(info.restarts, 2);
	/* Bounded exponential backoff: 50 ms, then 100 ms. */
	CHECK_CONTAINS(f.events, "state bad restarting: stopped before it was "
	    "ready: exited with status 3; stderr: starting up | fatal: cannot "
	    "open /nonexistent/db: No such file or directory; restarting in "
	    "50 ms\n");
	CHECK_CONTAINS(f.events, "; restarting in 100 ms\n");
	/* A call to it fails at once with the reason. */
	CHECK(hostutil_call(&f, "bad/anything", NULL, &b, 2000));
	CHECK_EQ_INT(b.code, MCP_HOST_UNAVAILABLE);
	CHECK_CONTAINS(b.msg, "bad/anything: server \"bad\" is failed: "
	    "stopped before it was ready: exited with status 3");
	CHECK(mcp_host_settled(f.h));
	hostutil_stop(&f);
}

/* Subscriptions outlive a crash: the host renews them on restart. */
static void
subscriptions_are_renewed_after_a_restart(void)
{
	struct hostutil f;
	struct hostutil_box b;
	struct mcp_host_server_info info;
	char *everything = hostutil_program("mcp-example-everything");
	char *cfg = mcp_xprintf("{\"mcpServers\": {\"e\": {\"command\": "
	    "\"%s\"}}}", everything);

	hostutil_start(&f, cfg, NULL);
	free(cfg);
	free(everything);
	f.answer = MCP_HOST_ONCE;
	CHECK(wait_state(&f, "e", MCP_HOST_READY, 10000));
	CHECK(hostutil_subscribe(&f, "test://watched-resource", &b, 5000));
	CHECK_EQ_INT(b.code, 0);
	CHECK(hostutil_call(&f, "e/test_trigger_resource_update", NULL, &b,
	    5000));
	CHECK(testutil_wait_count(f.base, &f.updates, 1, 5000));
	CHECK_CONTAINS(f.events, "updated e test://watched-resource\n");
	CHECK_EQ_INT(mcp_host_server_find(f.h, "e", &info), 0);
	CHECK_EQ_INT(kill((pid_t)info.pid, SIGKILL), 0);
	CHECK(wait_state(&f, "e", MCP_HOST_RESTARTING, 5000));
	CHECK(wait_state(&f, "e", MCP_HOST_READY, 10000));
	CHECK(hostutil_call(&f, "e/test_trigger_resource_update", NULL, &b,
	    5000));
	CHECK_EQ_INT(b.code, 0);
	CHECK(testutil_wait_count(f.base, &f.updates, 2, 5000));
	/* Unsubscribed: no more updates. */
	hostutil_box_init(&f, &b);
	mcp_host_unsubscribe(f.h, "test://watched-resource", hostutil_box_cb,
	    &b);
	CHECK(hostutil_wait(&f, &b, 5000));
	CHECK_EQ_INT(b.code, 0);
	CHECK(hostutil_call(&f, "e/test_trigger_resource_update", NULL, &b,
	    5000));
	testutil_spin(f.base, 200);
	CHECK_EQ_INT(f.updates, 2);
	CHECK(mcp_host_client(f.h, "e") != NULL);
	CHECK(mcp_host_client(f.h, "zz") == NULL);
	hostutil_stop(&f);
}

/* Freeing the host with calls in flight and questions open ends each call
 * once, and leaves no process behind. */
static void
free_with_calls_in_flight(void)
{
	struct hostutil f;
	struct hostutil_box b1, b2, b3;
	struct mcp_host_server_info info;
	int64_t pid;

	start_self(&f, "", NULL);
	CHECK(wait_state(&f, "s", MCP_HOST_READY, 10000));
	CHECK_EQ_INT(mcp_host_server_find(f.h, "s", &info), 0);
	pid = info.pid;
	f.answer = -1;
	hostutil_call_start(&f, "s/hang", NULL, &b1);
	hostutil_call_start(&f, "s/poke", NULL, &b2);
	CHECK(testutil_wait_count(f.base, &f.asked, 1, 5000));
	CHECK(testutil_loop_until(f.base, call_started, &f, 5000));
	hostutil_call_start(&f, "s/peek", NULL, &b3);	/* not stepped yet */
	mcp_host_free(f.h);
	f.h = NULL;
	CHECK(b1.done && b2.done && b3.done);
	CHECK_EQ_INT(b1.code, MCP_CONNECTION_CLOSED);
	CHECK_EQ_INT(b2.code, MCP_CONNECTION_CLOSED);
	CHECK_EQ_INT(b3.code, MCP_CONNECTION_CLOSED);
	CHECK_STR(b2.msg, "the host is shutting down");
	CHECK(kill((pid_t)pid, 0) != 0);
	hostutil_stop(&f);
}

int
main(void)
{
	signal(SIGPIPE, SIG_IGN);
	HARNESS_BEGIN("host-fault");
	HARNESS_WATCHDOG();
	self = hostutil_program("tests/host-test");
	TEST(killed_during_a_call_fails_fast_and_restarts);
	TEST(hung_call_times_out_and_is_cancelled);
	TEST(configured_timeout_applies);
	TEST(progress_keeps_a_long_call_alive);
	TEST(garbage_on_stdout);
	TEST(failing_start_shows_stderr);
	TEST(subscriptions_are_renewed_after_a_restart);
	TEST(free_with_calls_in_flight);
	free(self);
	return HARNESS_END();
}
