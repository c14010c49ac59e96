/*
 * Faults of a spawned server, seen through our client over stdio: a server
 * that exits or dies during a call, one that never answers, one that writes
 * garbage or a 100 MiB line to stdout, one that floods stderr, malformed
 * responses, server requests we have no callback for, progress after the
 * response, a cancel racing its response. Each ends in a clear error or a
 * warning, never a hang, and the session goes on where the protocol allows.
 *
 * The misbehaving server is this binary itself ("--server"): a plain
 * blocking loop that answers initialize and acts out each fault as the tool
 * named in tools/call, and writes every line it receives to its stderr as
 * "recv <line>", which the client keeps in its stderr ring for us to read.
 */
#include <sys/types.h>
#include <sys/wait.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "mcp/client.h"
#include "mcp/json.h"
#include "mcp/stdio.h"
#include "tests/harness.h"
#include "tests/mcp/testutil.h"

#define HUGE_LINE	(100u * 1024 * 1024)	/* the oversize stdout line */
#define FLOOD_BYTES	(32u * 1024 * 1024)	/* the stderr flood */

/* The fake server (a child process) */

/* Write all of buf to fd; the server's own I/O is blocking. */
static void
srv_write(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			_exit(20);
		buf += n;
		len -= (size_t)n;
	}
}

/* One line to stdout, formatted. */
static void srv_out(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void
srv_out(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		_exit(21);
	srv_write(1, s, (size_t)n);
	srv_write(1, "\n", 1);
	free(s);
}

/* The next message from the client, recorded on stderr; NULL at the end. */
static cJSON *
srv_next(char **line, size_t *cap)
{
	for (;;) {
		ssize_t n = getline(line, cap, stdin);
		cJSON *m;

		if (n <= 0)
			return NULL;
		srv_write(2, "recv ", 5);
		srv_write(2, *line, (size_t)n);
		if ((m = cJSON_Parse(*line)) != NULL)
			return m;
	}
}

static void
srv_result(const char *id, const char *result)
{
	srv_out("{\"jsonrpc\":\"2.0\",\"id\":%s,\"result\":%s}", id, result);
}

static void
srv_text(const char *id, const char *text)
{
	srv_out("{\"jsonrpc\":\"2.0\",\"id\":%s,\"result\":{\"content\":"
	    "[{\"type\":\"text\",\"text\":\"%s\"}]}}", id, text);
}

/* Ask the client three things it has no callback for; answer the call with
 * the error code each got: "roots/list=-32601 ...". */
static void
srv_ask_client(const char *id, char **line, size_t *cap)
{
	static const char *const methods[] = { "roots/list",
	    "sampling/createMessage", "elicitation/create" };
	char text[256] = "";
	size_t i, got = 0, len = 0;
	cJSON *m;

	srv_out("{\"jsonrpc\":\"2.0\",\"id\":\"s0\",\"method\":\"roots/list\"}");
	srv_out("{\"jsonrpc\":\"2.0\",\"id\":\"s1\",\"method\":"
	    "\"sampling/createMessage\",\"params\":{\"messages\":[],"
	    "\"maxTokens\":10}}");
	srv_out("{\"jsonrpc\":\"2.0\",\"id\":\"s2\",\"method\":"
	    "\"elicitation/create\",\"params\":{\"message\":\"name?\","
	    "\"requestedSchema\":{\"type\":\"object\",\"properties\":{}}}}");
	while (got < 3 && (m = srv_next(line, cap)) != NULL) {
		const cJSON *rid = cJSON_GetObjectItem(m, "id");
		const cJSON *code = cJSON_GetObjectItem(cJSON_GetObjectItem(m,
		    "error"), "code");

		if (cJSON_IsString(rid) && rid->valuestring[0] == 's' &&
		    cJSON_GetObjectItem(m, "method") == NULL) {
			i = (size_t)(rid->valuestring[1] - '0') % 3;
			len += (size_t)snprintf(text + len, sizeof text - len,
			    "%s%s=%d", got > 0 ? " " : "", methods[i],
			    cJSON_IsNumber(code) ? code->valueint : 0);
			got++;
		}
		cJSON_Delete(m);
	}
	srv_text(id, text);
}

/* Keep stdout open after we exit, until the client closes our stdin. */
static void
srv_orphan_holds_stdout(void)
{
	pid_t pid = fork();

	if (pid == 0) {
		char buf[256];

		while (read(0, buf, sizeof buf) > 0)
			;
		_exit(0);
	}
}

/* Write bytes of stderr lines from a grandchild, ending with a marker. */
static void
srv_flood_stderr(size_t bytes)
{
	pid_t pid = fork();

	if (pid == 0) {
		char line[128];
		size_t done = 0;
		unsigned i = 0;

		while (done < bytes) {
			int n = snprintf(line, sizeof line, "flood line %08u "
			    "..................................................\n",
			    i++);

			srv_write(2, line, (size_t)n);
			done += (size_t)n;
		}
		srv_write(2, "flood done\n", 11);
		_exit(0);
	}
}

/* A line of HUGE_LINE bytes, written in pieces. */
static void
srv_huge_line(void)
{
	static char chunk[65536];
	size_t left = HUGE_LINE;

	memset(chunk, 'x', sizeof chunk);
	srv_write(1, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/message\","
	    "\"params\":{\"level\":\"info\",\"data\":\"", 78);
	while (left > 0) {
		size_t n = left < sizeof chunk ? left : sizeof chunk;

		srv_write(1, chunk, n);
		left -= n;
	}
	srv_write(1, "\"}}\n", 4);
}

static void
srv_call(const char *id, const char *tool, const cJSON *params, char **line,
    size_t *cap)
{
	const cJSON *args = cJSON_GetObjectItem(params, "arguments");
	const cJSON *text = cJSON_GetObjectItem(args, "text");
	const cJSON *tok = cJSON_GetObjectItem(cJSON_GetObjectItem(params,
	    "_meta"), "progressToken");

	if (strcmp(tool, "echo") == 0)
		srv_text(id, cJSON_IsString(text) ? text->valuestring : "");
	else if (strcmp(tool, "exit") == 0)
		_exit(3);
	else if (strcmp(tool, "die") == 0) {
		signal(SIGTERM, SIG_DFL);
		raise(SIGTERM);
	} else if (strcmp(tool, "exit_orphan") == 0) {
		srv_orphan_holds_stdout();
		_exit(4);
	} else if (strcmp(tool, "close_stdout") == 0) {
		close(1);
		for (;;)
			pause();	/* until SIGTERM */
	} else if (strcmp(tool, "hang") == 0)
		;	/* never answer */
	else if (strcmp(tool, "garbage") == 0) {
		srv_out("this is not json");
		srv_out("\xff\xfe\x01 binary \x7f");
		srv_out("{\"jsonrpc\":\"2.0\",\"id\":");
		srv_out("[{\"jsonrpc\":\"2.0\",\"id\":%s,\"result\":{}}]", id);
		srv_out("42");
		srv_out("\"a string\"");
		srv_out("null");
		srv_out("{}");
		srv_out("{\"jsonrpc\":\"2.0\",\"method\":5}");
		srv_text(id, "after the garbage");
	} else if (strcmp(tool, "huge") == 0) {
		srv_huge_line();
		srv_text(id, "after the huge line");
	} else if (strcmp(tool, "flood") == 0) {
		srv_flood_stderr(FLOOD_BYTES);
		srv_text(id, "flooding");
	} else if (strcmp(tool, "wrong_id") == 0)
		srv_text("900000", "to nobody");
	else if (strcmp(tool, "both") == 0)
		srv_out("{\"jsonrpc\":\"2.0\",\"id\":%s,\"result\":{},\"error\":"
		    "{\"code\":-32603,\"message\":\"and an error\"}}", id);
	else if (strcmp(tool, "huge_id") == 0) {
		srv_text("123456789012345678901234567890", "huge");
		srv_text("1e400", "huger");
		srv_text(id, "after the huge ids");
	} else if (strcmp(tool, "string_id") == 0)
		srv_text("\"1\"", "a string id");
	else if (strcmp(tool, "old_jsonrpc") == 0)
		srv_out("{\"jsonrpc\":\"1.0\",\"id\":%s,\"result\":{}}", id);
	else if (strcmp(tool, "scalar_result") == 0)
		srv_result(id, "42");
	else if (strcmp(tool, "null_id_error") == 0) {
		srv_out("{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":"
		    "-32700,\"message\":\"could not parse your message\"}}");
		srv_text(id, "after the null id");
	} else if (strcmp(tool, "ask") == 0)
		srv_ask_client(id, line, cap);
	else if (strcmp(tool, "progress_after") == 0) {
		char *t = cJSON_PrintUnformatted(tok);

		srv_text(id, "answered");
		srv_out("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\","
		    "\"params\":{\"progressToken\":%s,\"progress\":1}}",
		    t != NULL ? t : "0");
		free(t);
	} else
		srv_out("{\"jsonrpc\":\"2.0\",\"id\":%s,\"error\":{\"code\":"
		    "-32602,\"message\":\"unknown tool\"}}", id);
}

static int
srv_main(void)
{
	char *line = NULL;
	size_t cap = 0;
	cJSON *m;

	signal(SIGPIPE, SIG_DFL);
	while ((m = srv_next(&line, &cap)) != NULL) {
		const cJSON *method = cJSON_GetObjectItem(m, "method");
		const cJSON *params = cJSON_GetObjectItem(m, "params");
		const cJSON *name = cJSON_GetObjectItem(params, "name");
		char *id = cJSON_PrintUnformatted(cJSON_GetObjectItem(m, "id"));

		if (!cJSON_IsString(method) || id == NULL)
			;	/* a notification or a response */
		else if (strcmp(method->valuestring, "initialize") == 0)
			srv_result(id, "{\"protocolVersion\":\"2025-11-25\","
			    "\"capabilities\":{\"tools\":{}},\"serverInfo\":"
			    "{\"name\":\"fault\",\"version\":\"0\"}}");
		else if (strcmp(method->valuestring, "tools/call") == 0 &&
		    cJSON_IsString(name))
			srv_call(id, name->valuestring, params, &line, &cap);
		else
			srv_result(id, "{}");
		free(id);
		cJSON_Delete(m);
	}
	free(line);
	return 0;
}

/* The client side */

static struct event_base *base;
static char self[4096];
static struct testutil_log logs;
static const struct mcp_log client_log = { testutil_log_fn, &logs,
    MCP_LOG_DEBUG, "client" };

struct box {
	int calls;
	int code;
	char msg[512];
	char text[256];
	int progress;
};

static void
box_cb(void *arg, const struct mcp_response *r)
{
	struct box *b = arg;
	const char *text = testutil_json_str(r->result, "content[0].text");

	b->calls++;
	b->code = r->code;
	snprintf(b->msg, sizeof b->msg, "%s", r->message != NULL ? r->message :
	    "");
	snprintf(b->text, sizeof b->text, "%s", text != NULL ? text : "");
}

static void
box_progress(void *arg, double progress, double total, const char *message)
{
	(void)progress;
	(void)total;
	(void)message;
	((struct box *)arg)->progress++;
}

struct fx {
	struct mcp_client *c;
	struct mcp_transport *t;
	int closed;
	char reason[256];
};

static void
fx_closed(void *arg, const char *reason)
{
	struct fx *f = arg;

	f->closed++;
	snprintf(f->reason, sizeof f->reason, "%s",
	    reason != NULL ? reason : "(orderly)");
}

/* Spawn the fake server and connect; so (may be NULL) for the transport. */
static bool
fx_start(struct fx *f, const struct mcp_stdio_opts *so, int timeout_ms)
{
	char *argv[] = { self, "--server", NULL };
	struct mcp_stdio_spawn_opts sp = { .stderr_max = 64 * 1024 };
	struct mcp_err err = { 0, "" };
	struct mcp_client_opts o = {
		.name = "client-fault-test", .timeout_ms = timeout_ms,
		.log = &client_log, .on_closed = fx_closed, .arg = f,
	};
	struct box b = { 0 };

	memset(f, 0, sizeof *f);
	memset(&logs, 0, sizeof logs);
	f->t = mcp_stdio_spawn_ex(base, argv, &sp, so, &err);
	CHECK(f->t != NULL);
	if (f->t == NULL) {
		fprintf(stderr, "  %s\n", err.msg);
		return false;
	}
	f->c = mcp_client_new(base, f->t, &o);
	mcp_client_connect(f->c, box_cb, &b);
	CHECK(testutil_wait_count(base, &b.calls, 1, 5000));
	CHECK_EQ_INT(b.code, 0);
	return mcp_client_ready(f->c);
}

static void
fx_stop(struct fx *f)
{
	mcp_client_free(f->c);
	f->c = NULL;
}

/* Call tool (a fault of the fake server) and wait up to ms for the end. */
static bool
fx_call(struct fx *f, const char *tool, const char *args,
    const struct mcp_client_call_opts *co, struct box *b, int ms)
{
	memset(b, 0, sizeof *b);
	mcp_client_call_tool(f->c, tool, args != NULL ?
	    mcp_json_parse_const(args) : NULL, co, box_cb, b);
	return testutil_wait_count(base, &b->calls, 1, ms);
}

/* The session still works: an echo comes back. */
static void
fx_check_alive(struct fx *f)
{
	struct box b;

	CHECK(fx_call(f, "echo", "{\"text\":\"still here\"}", NULL, &b, 5000));
	CHECK_EQ_INT(b.code, 0);
	CHECK_STR(b.text, "still here");
}

/* What the server received so far (its stderr ring); the caller frees it. */
static char *
fx_received(struct fx *f)
{
	char *s = mcp_stdio_stderr(f->t, NULL);

	return s != NULL ? s : mcp_xstrdup("");
}

struct ring_wait {
	struct fx *f;
	const char *want;
};

static bool
ring_has(void *arg)
{
	struct ring_wait *w = arg;
	char *s = fx_received(w->f);
	bool found = strstr(s, w->want) != NULL;

	free(s);
	return found;
}

/* Run the loop until the server's stderr shows want, for up to ms. */
static bool
fx_wait_received(struct fx *f, const char *want, int ms)
{
	struct ring_wait w = { f, want };

	return testutil_loop_until(base, ring_has, &w, ms);
}

/* Peak resident memory (kB) since the last reset, and the reset. */
static long
vm_field(const char *name)
{
	FILE *fp = fopen("/proc/self/status", "r");
	char line[256];
	long v = -1;

	if (fp == NULL)
		return -1;
	while (fgets(line, sizeof line, fp) != NULL) {
		if (strncmp(line, name, strlen(name)) == 0)
			v = strtol(line + strlen(name), NULL, 10);
	}
	fclose(fp);
	return v;
}

static bool
vm_reset_peak(void)
{
	int fd = open("/proc/self/clear_refs", O_WRONLY);
	bool ok;

	if (fd < 0)
		return false;
	ok = write(fd, "5", 1) == 1;
	close(fd);
	return ok;
}

/* Tests */

static void
exit_during_call_fails_at_once(void)
{
	struct mcp_client_call_opts co = { .timeout_ms = 30000 };
	struct fx f;
	struct box b, late;

	if (!fx_start(&f, NULL, 30000)) {
		fx_stop(&f);
		return;
	}
	/* The call's timeout is 30 s; the failure must come long before. */
	CHECK(fx_call(&f, "exit", NULL, &co, &b, 5000));
	CHECK_EQ_INT(b.code, MCP_CONNECTION_CLOSED);
	CHECK_STR(b.msg, "connection closed: exited with status 3");
	CHECK(testutil_wait_count(base, &f.closed, 1, 1000));
	CHECK_STR(f.reason, "exited with status 3");
	/* Later calls fail at once too, naming the same cause. */
	CHECK(fx_call(&f, "echo", NULL, NULL, &late, 1000));
	CHECK_EQ_INT(late.code, MCP_CONNECTION_CLOSED);
	CHECK_CONTAINS(late.msg, "exited with status 3");
	CHECK_EQ_INT(mcp_client_pending(f.c), 0);
	fx_stop(&f);
}

static void
killed_during_call_names_the_signal(void)
{
	struct mcp_client_call_opts co = { .timeout_ms = 30000 };
	struct fx f;
	struct box b;

	if (!fx_start(&f, NULL, 30000)) {
		fx_stop(&f);
		return;
	}
	CHECK(fx_call(&f, "die", NULL, &co, &b, 5000));
	CHECK_EQ_INT(b.code, MCP_CONNECTION_CLOSED);
	CHECK_STR(b.msg, "connection closed: killed by signal 15 (Terminated)");
	CHECK(testutil_wait_count(base, &f.closed, 1, 1000));
	CHECK_EQ_INT(f.closed, 1);
	fx_stop(&f);
}

/* The server exits, but a process it left behind holds its stdout open:
 * the child's exit itself ends the session. */
static void
exit_with_stdout_held_open_fails_at_once(void)
{
	struct mcp_client_call_opts co = { .timeout_ms = 30000 };
	struct fx f;
	struct box b;

	if (!fx_start(&f, NULL, 30000)) {
		fx_stop(&f);
		return;
	}
	CHECK(fx_call(&f, "exit_orphan", NULL, &co, &b, 5000));
	CHECK_EQ_INT(b.code, MCP_CONNECTION_CLOSED);
	CHECK_STR(b.msg, "connection closed: exited with status 4");
	CHECK(testutil_wait_count(base, &f.closed, 1, 1000));
	CHECK_STR(f.reason, "exited with status 4");
	fx_stop(&f);
}

/* A server that closes its stdout but goes on running: the call fails at
 * once, and the server is stopped. */
static void
closed_stdout_fails_at_once_and_is_stopped(void)
{
	struct mcp_client_call_opts co = { .timeout_ms = 30000 };
	struct fx f;
	struct box b;
	int i;

	if (!fx_start(&f, NULL, 30000)) {
		fx_stop(&f);
		return;
	}
	CHECK(fx_call(&f, "close_stdout", NULL, &co, &b, 5000));
	CHECK_EQ_INT(b.code, MCP_CONNECTION_CLOSED);
	CHECK_STR(b.msg, "connection closed: the server closed its output but "
	    "is still running; stopping it");
	CHECK(testutil_wait_count(base, &f.closed, 1, 1000));
	/* SIGTERM follows 2 s after the close (the loop runs meanwhile). */
	for (i = 0; i < 100 && mcp_stdio_pid(f.t) > 0; i++)
		testutil_spin(base, 50);
	CHECK_EQ_INT(mcp_stdio_pid(f.t), 0);
	fx_stop(&f);
}

static void
never_answers_times_out_and_cancels(void)
{
	struct mcp_client_call_opts co = { .timeout_ms = 300 };
	struct fx f;
	struct box b;
	char want[128];
	char *got;

	if (!fx_start(&f, NULL, 30000)) {
		fx_stop(&f);
		return;
	}
	CHECK(fx_call(&f, "hang", NULL, &co, &b, 5000));
	CHECK_EQ_INT(b.code, MCP_REQUEST_TIMEOUT);
	CHECK_STR(b.msg, "request timed out after 300 ms without progress");
	/* The server is told: notifications/cancelled names the request (id 2:
	 * initialize was 1). */
	snprintf(want, sizeof want, "\"method\":\"notifications/cancelled\","
	    "\"params\":{\"requestId\":2,");
	CHECK(fx_wait_received(&f, want, 3000));
	got = fx_received(&f);
	CHECK_CONTAINS(got, "\"reason\":\"request timed out after 300 ms "
	    "without progress\"");
	free(got);
	fx_check_alive(&f);
	CHECK_EQ_INT(f.closed, 0);
	fx_stop(&f);
}

static void
garbage_on_stdout_is_a_warning(void)
{
	struct fx f;
	struct box b;

	if (!fx_start(&f, NULL, 5000)) {
		fx_stop(&f);
		return;
	}
	CHECK(fx_call(&f, "garbage", NULL, NULL, &b, 5000));
	CHECK_EQ_INT(b.code, 0);
	CHECK_STR(b.text, "after the garbage");
	CHECK_CONTAINS(logs.all, "bad message from peer: ");
	CHECK_CONTAINS(logs.all, "bad message from peer: invalid JSON at byte 0");
	CHECK_CONTAINS(logs.all, "bad message from peer: message is not valid "
	    "UTF-8");
	CHECK_CONTAINS(logs.all, "batch requests are not supported");
	CHECK(logs.count >= 9);
	CHECK_EQ_INT(f.closed, 0);
	fx_check_alive(&f);
	fx_stop(&f);
}

/* A 100 MiB line is discarded as it streams in: the session goes on and
 * memory stays far below the line's size. */
static void
huge_line_is_skipped_in_bounded_memory(void)
{
	struct mcp_stdio_opts so = { .max_message = 1024 * 1024,
	    .log = &client_log };
	struct fx f;
	struct box b;
	long before, peak;
	bool reset;

	if (!fx_start(&f, &so, 30000)) {
		fx_stop(&f);
		return;
	}
	reset = vm_reset_peak();
	before = vm_field("VmRSS:");
	CHECK(fx_call(&f, "huge", NULL, NULL, &b, 20000));
	peak = vm_field("VmHWM:");
	CHECK_EQ_INT(b.code, 0);
	CHECK_STR(b.text, "after the huge line");
	CHECK_CONTAINS(logs.all, "stdio: message exceeds the limit of "
	    "1048576 bytes; discarding it");
	if (reset && before > 0 && peak > 0)
		CHECK(peak - before < 32 * 1024);	/* kB */
	else
		printf("SKIP client-fault: no peak RSS to measure here\n");
	CHECK_EQ_INT(f.closed, 0);
	fx_check_alive(&f);
	fx_stop(&f);

	/* The same with the default 16 MiB limit. */
	so.max_message = 0;
	if (!fx_start(&f, &so, 30000)) {
		fx_stop(&f);
		return;
	}
	reset = vm_reset_peak();
	before = vm_field("VmRSS:");
	CHECK(fx_call(&f, "huge", NULL, NULL, &b, 20000));
	peak = vm_field("VmHWM:");
	/* Up to 16 MiB are buffered before the line is known to be too
	 * long (more under ASan, which keeps freed blocks a while); the
	 * whole line would be 100 MiB. */
	if (reset && before > 0 && peak > 0)
		CHECK(peak - before < 80 * 1024);	/* kB */
	CHECK_EQ_INT(b.code, 0);
	CHECK_STR(b.text, "after the huge line");
	CHECK_CONTAINS(logs.all, "exceeds the limit of 16777216 bytes");
	fx_check_alive(&f);
	fx_stop(&f);
}

static void
stderr_flood_is_kept_in_the_ring(void)
{
	struct fx f;
	struct box b;
	char *err;
	size_t len;
	int i, ok = 0;

	if (!fx_start(&f, NULL, 10000)) {
		fx_stop(&f);
		return;
	}
	CHECK(fx_call(&f, "flood", NULL, NULL, &b, 5000));
	CHECK_STR(b.text, "flooding");
	/* Calls go on while the flood runs. */
	for (i = 0; i < 20; i++) {
		char args[64], want[32];

		snprintf(args, sizeof args, "{\"text\":\"call %d\"}", i);
		snprintf(want, sizeof want, "call %d", i);
		if (fx_call(&f, "echo", args, NULL, &b, 5000) &&
		    b.code == 0 && strcmp(b.text, want) == 0)
			ok++;
	}
	CHECK_EQ_INT(ok, 20);
	CHECK(fx_wait_received(&f, "flood done\n", 20000));
	/* The last 64 KiB, from a line's start: flood lines, and maybe the
	 * server's "recv" lines of calls that ran late. */
	err = mcp_stdio_stderr(f.t, &len);
	CHECK(err != NULL && len <= 64 * 1024 && len > 60 * 1024);
	CHECK(err != NULL && (strncmp(err, "flood line ", 11) == 0 ||
	    strncmp(err, "recv ", 5) == 0));
	CHECK(err != NULL && len > 0 && err[len - 1] == '\n');
	CHECK(err != NULL && strstr(err, "flood line 00") != NULL);
	free(err);
	fx_check_alive(&f);
	fx_stop(&f);
}

static void
malformed_responses(void)
{
	struct mcp_client_call_opts co = { .timeout_ms = 300 };
	struct fx f;
	struct box b;

	if (!fx_start(&f, NULL, 5000)) {
		fx_stop(&f);
		return;
	}
	/* Both result and error: that call fails, naming why. */
	CHECK(fx_call(&f, "both", NULL, NULL, &b, 5000));
	CHECK_EQ_INT(b.code, MCP_INTERNAL_ERROR);
	CHECK_STR(b.msg, "invalid response from peer: response has both "
	    "result and error");
	fx_check_alive(&f);

	/* A result that is not an object. */
	CHECK(fx_call(&f, "scalar_result", NULL, NULL, &b, 5000));
	CHECK_EQ_INT(b.code, MCP_INTERNAL_ERROR);
	CHECK_STR(b.msg, "invalid tools/call result from server: result: "
	    "expected object, got integer");
	fx_check_alive(&f);

	/* Not JSON-RPC 2.0. */
	CHECK(fx_call(&f, "old_jsonrpc", NULL, NULL, &b, 5000));
	CHECK_EQ_INT(b.code, MCP_INTERNAL_ERROR);
	CHECK_STR(b.msg, "invalid response from peer: jsonrpc: expected "
	    "\"2.0\"");
	fx_check_alive(&f);

	/* An id we never sent: a warning; the call itself times out. */
	memset(&logs, 0, sizeof logs);
	CHECK(fx_call(&f, "wrong_id", NULL, &co, &b, 5000));
	CHECK_EQ_INT(b.code, MCP_REQUEST_TIMEOUT);
	CHECK_CONTAINS(logs.all, "response to request id 900000, which was "
	    "never sent; dropping it");
	fx_check_alive(&f);

	/* A string id for our integer one: never ours either. */
	memset(&logs, 0, sizeof logs);
	CHECK(fx_call(&f, "string_id", NULL, &co, &b, 5000));
	CHECK_EQ_INT(b.code, MCP_REQUEST_TIMEOUT);
	CHECK_CONTAINS(logs.all, "response to request id \"1\", which was "
	    "never sent; dropping it");
	fx_check_alive(&f);

	/* Ids no request can have: warnings; the real answer still counts. */
	memset(&logs, 0, sizeof logs);
	CHECK(fx_call(&f, "huge_id", NULL, NULL, &b, 5000));
	CHECK_EQ_INT(b.code, 0);
	CHECK_STR(b.text, "after the huge ids");
	CHECK_CONTAINS(logs.all, "bad message from peer: response id");
	fx_check_alive(&f);

	/* The server says it could not read something of ours. */
	memset(&logs, 0, sizeof logs);
	CHECK(fx_call(&f, "null_id_error", NULL, NULL, &b, 5000));
	CHECK_EQ_INT(b.code, 0);
	CHECK_STR(b.text, "after the null id");
	CHECK_CONTAINS(logs.all, "peer reports an error without a request id: "
	    "could not parse your message (-32700)");
	CHECK_EQ_INT(f.closed, 0);
	CHECK_EQ_INT(mcp_client_pending(f.c), 0);
	fx_stop(&f);
}

static void
server_requests_without_callbacks_get_method_not_found(void)
{
	struct fx f;
	struct box b;
	char *got;

	if (!fx_start(&f, NULL, 5000)) {
		fx_stop(&f);
		return;
	}
	CHECK(fx_call(&f, "ask", NULL, NULL, &b, 5000));
	CHECK_EQ_INT(b.code, 0);
	CHECK_STR(b.text, "roots/list=-32601 sampling/createMessage=-32601 "
	    "elicitation/create=-32601");
	got = fx_received(&f);
	CHECK_CONTAINS(got, "this client did not declare the roots capability");
	CHECK_CONTAINS(got, "did not declare the sampling capability");
	CHECK_CONTAINS(got, "did not declare the elicitation capability");
	free(got);
	fx_check_alive(&f);
	fx_stop(&f);
}

static void
progress_after_the_response_is_ignored(void)
{
	struct mcp_client_call_opts co = { .on_progress = box_progress };
	struct fx f;
	struct box b;

	if (!fx_start(&f, NULL, 5000)) {
		fx_stop(&f);
		return;
	}
	CHECK(fx_call(&f, "progress_after", NULL, &co, &b, 5000));
	CHECK_EQ_INT(b.code, 0);
	CHECK_STR(b.text, "answered");
	/* The late progress came before this echo's answer. */
	fx_check_alive(&f);
	CHECK_EQ_INT(b.progress, 0);
	CHECK_EQ_INT(b.calls, 1);
	fx_stop(&f);
}

static void
cancel_racing_the_response(void)
{
	struct fx f;
	struct box b = { 0 };
	int64_t h;
	char *got;

	if (!fx_start(&f, NULL, 5000)) {
		fx_stop(&f);
		return;
	}
	h = mcp_client_call_tool(f.c, "echo",
	    mcp_json_parse_const("{\"text\":\"too late\"}"), NULL, box_cb, &b);
	/* Send the request and give the server time to answer, but read
	 * nothing yet (the loop does not run). */
	memset(&logs, 0, sizeof logs);
	/* ONCE: NONBLOCK alone goes on turning while events come, and
	 * would read the answer. */
	event_base_loop(base, EVLOOP_ONCE | EVLOOP_NONBLOCK);
	usleep(200000);
	CHECK_EQ_INT(b.calls, 0);
	CHECK_EQ_INT(mcp_client_cancel(f.c, h, "changed my mind"), 0);
	CHECK_EQ_INT(b.calls, 1);
	CHECK_EQ_INT(b.code, MCP_REQUEST_CANCELLED);
	CHECK_STR(b.msg, "changed my mind");
	/* The answer already on its way is dropped; the session goes on. */
	fx_check_alive(&f);
	CHECK_EQ_INT(b.calls, 1);
	CHECK_EQ_INT(mcp_client_cancel(f.c, h, NULL), -1);
	CHECK_CONTAINS(logs.all, "dropping response to unknown request id 2");
	CHECK(strstr(logs.all, "never sent") == NULL);
	got = fx_received(&f);
	CHECK_CONTAINS(got, "\"method\":\"notifications/cancelled\","
	    "\"params\":{\"requestId\":2,\"reason\":\"changed my mind\"}");
	free(got);
	CHECK_EQ_INT(mcp_client_pending(f.c), 0);
	fx_stop(&f);
}

int
main(int argc, char **argv)
{
	ssize_t n;

	if (argc > 1 && strcmp(argv[1], "--server") == 0)
		return srv_main();
	signal(SIGPIPE, SIG_IGN);
	HARNESS_BEGIN("client-fault");
	HARNESS_WATCHDOG();
	n = readlink("/proc/self/exe", self, sizeof self - 1);
	if (n <= 0) {
		printf("FAIL client-fault: cannot read /proc/self/exe\n");
		return 1;
	}
	self[n] = '\0';
	base = event_base_new();

	TEST(exit_during_call_fails_at_once);
	TEST(killed_during_call_names_the_signal);
	TEST(exit_with_stdout_held_open_fails_at_once);
	TEST(closed_stdout_fails_at_once_and_is_stopped);
	TEST(never_answers_times_out_and_cancels);
	TEST(garbage_on_stdout_is_a_warning);
	TEST(huge_line_is_skipped_in_bounded_memory);
	TEST(stderr_flood_is_kept_in_the_ring);
	TEST(malformed_responses);
	TEST(server_requests_without_callbacks_get_method_not_found);
	TEST(progress_after_the_response_is_ignored);
	TEST(cancel_racing_the_response);

	event_base_free(base);
	return HARNESS_END();
}
