/*
 * The stdio transport (mcp/stdio.c): newline framing over split and merged
 * reads, CRLF and blank lines, the size limit at its exact boundary, EOF and
 * write errors reported once, flushing on close, and spawned children
 * (echo through cat, a missing program, a child that will not go, a child
 * that exits before reading, process groups, many stopped together).
 */
#include <sys/wait.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "mcp/json.h"
#include "mcp/peer.h"
#include "mcp/stdio.h"
#include "tests/harness.h"
#include "tests/mcp/testutil.h"

static struct event_base *base;

/* A few loop turns without waiting. */
static void
turns(int n)
{
	while (n-- > 0)
		event_base_loop(base, EVLOOP_NONBLOCK);
}

static struct testutil_log logs;
static const struct mcp_log quiet = { testutil_log_fn, &logs, MCP_LOG_DEBUG,
    "test" };

/* A transport with the test on the other ends of its descriptors. */
#define MAXMSG 4096

struct tap {
	struct mcp_transport *t;
	int to_t;		/* we write, the transport reads */
	int from_t;		/* the transport writes, we read */
	int t_in, t_out;	/* the transport's ends */
	char *msgs[MAXMSG];
	size_t lens[MAXMSG];
	int nmsgs;
	bool nul_terminated;	/* every message had json[len] == '\0' */
	int closed;
	bool null_reason;
	char reason[256];
};

static void
tap_on_message(void *arg, const char *json, size_t len)
{
	struct tap *tp = arg;

	if (json[len] != '\0')
		tp->nul_terminated = false;
	if (tp->nmsgs < MAXMSG) {
		tp->msgs[tp->nmsgs] = mcp_xstrndup(json, len);
		tp->lens[tp->nmsgs] = len;
	}
	tp->nmsgs++;
}

static void
tap_on_closed(void *arg, const char *reason)
{
	struct tap *tp = arg;

	tp->closed++;
	tp->null_reason = reason == NULL;
	snprintf(tp->reason, sizeof tp->reason, "%s", reason ? reason : "");
}

/* Pipes both ways; max_message 0 for the default. */
static void
tap_open(struct tap *tp, size_t max_message, bool bind)
{
	struct mcp_stdio_opts so = { max_message, &quiet };
	int a[2], b[2];

	memset(tp, 0, sizeof *tp);
	tp->nul_terminated = true;
	if (pipe(a) != 0 || pipe(b) != 0)
		abort();
	tp->t_in = a[0];
	tp->to_t = a[1];
	tp->from_t = b[0];
	tp->t_out = b[1];
	fcntl(tp->from_t, F_SETFL, O_NONBLOCK);
	tp->t = mcp_stdio_new(base, tp->t_in, tp->t_out, &so);
	if (bind)
		mcp_transport_bind(tp->t, tap_on_message, tap_on_closed, tp);
}

static void
tap_free(struct tap *tp)
{
	int i;

	mcp_transport_free(tp->t);
	for (i = 0; i < tp->nmsgs && i < MAXMSG; i++)
		free(tp->msgs[i]);
	if (tp->to_t >= 0)
		close(tp->to_t);
	if (tp->from_t >= 0)
		close(tp->from_t);
	close(tp->t_in);
	close(tp->t_out);
}

/* Write len bytes while the loop runs, for more than a pipe holds. */
static void
pump_write(int fd, const void *buf, size_t len)
{
	if (testutil_pump(base, fd, buf, len) != 0)
		abort();
}

static void
tap_write(struct tap *tp, const char *s)
{
	testutil_write(base, tp->to_t, s, strlen(s));
}

/* Everything the transport has written so far (the caller frees it). */
static char *
tap_output(struct tap *tp, int settle_ms)
{
	char *out = mcp_xmalloc(1);
	size_t len = 0;
	char buf[65536];
	ssize_t n;

	testutil_spin(base, settle_ms);
	for (;;) {
		n = read(tp->from_t, buf, sizeof buf);
		if (n <= 0)
			break;
		out = mcp_xrealloc(out, len + (size_t)n + 1);
		memcpy(out + len, buf, (size_t)n);
		len += (size_t)n;
	}
	out[len] = '\0';
	return out;
}

/* Tests */

/* A message dribbled in byte by byte, with loop turns in between, arrives
 * once and whole. */
static void
split_reads(void)
{
	const char *msg = "{\"jsonrpc\":\"2.0\",\"method\":\"n\",\"params\":"
	    "{\"s\":\"caf\xc3\xa9 \xf0\x9f\x98\x80\"}}";
	struct tap tp;
	size_t i;

	tap_open(&tp, 0, true);
	for (i = 0; msg[i] != '\0'; i++) {
		testutil_write(base, tp.to_t, msg + i, 1);
		turns(3);
		if (tp.nmsgs != 0)
			break;
	}
	CHECK_EQ_INT(tp.nmsgs, 0);
	tap_write(&tp, "\n");
	CHECK(testutil_wait_count(base, &tp.nmsgs, 1, 2000));
	CHECK_EQ_INT(tp.nmsgs, 1);
	CHECK_STR(tp.msgs[0], msg);
	CHECK_EQ_INT(tp.lens[0], strlen(msg));
	CHECK(tp.nul_terminated);

	/* The newline of one message and the start of the next in one read. */
	tap_write(&tp, "{\"a\":1}\n{\"b\"");
	CHECK(testutil_wait_count(base, &tp.nmsgs, 2, 2000));
	turns(5);
	CHECK_EQ_INT(tp.nmsgs, 2);
	tap_write(&tp, ":2}\n");
	CHECK(testutil_wait_count(base, &tp.nmsgs, 3, 2000));
	CHECK_STR(tp.msgs[1], "{\"a\":1}");
	CHECK_STR(tp.msgs[2], "{\"b\":2}");
	CHECK_EQ_INT(tp.closed, 0);
	tap_free(&tp);
}

/* Many messages in one write are all delivered, in order: 1000 that fit
 * in the pipe at once, then 20000 pumped through. */
static void
merged_reads(void)
{
	struct tap tp;
	char *all = mcp_xmalloc(2 << 20);
	size_t len = 0;
	int i, bad = 0;

	tap_open(&tp, 0, true);
	for (i = 0; i < 1000; i++)
		len += (size_t)sprintf(all + len,
		    "{\"jsonrpc\":\"2.0\",\"method\":\"n\",\"params\":{\"i\":%d}}\n",
		    i);
	CHECK(len < 65536);
	testutil_write(base, tp.to_t, all, len);
	CHECK(testutil_wait_count(base, &tp.nmsgs, 1000, 5000));
	len = 0;
	for (i = 1000; i < MAXMSG; i++)
		len += (size_t)sprintf(all + len,
		    "{\"jsonrpc\":\"2.0\",\"method\":\"n\",\"params\":{\"i\":%d}}\n",
		    i);
	for (i = 0; i < 5; i++)
		pump_write(tp.to_t, all, len);
	CHECK(testutil_wait_count(base, &tp.nmsgs, MAXMSG + 4 * (MAXMSG - 1000),
	    5000));
	for (i = 0; i < MAXMSG && i < tp.nmsgs; i++) {
		char want[128];

		snprintf(want, sizeof want,
		    "{\"jsonrpc\":\"2.0\",\"method\":\"n\",\"params\":{\"i\":%d}}",
		    i);
		if (strcmp(tp.msgs[i], want) != 0)
			bad++;
	}
	CHECK_EQ_INT(bad, 0);
	CHECK_EQ_INT(tp.nmsgs, MAXMSG + 4 * (MAXMSG - 1000));
	CHECK(tp.nul_terminated);
	free(all);
	tap_free(&tp);
}

static void
crlf_and_blank_lines(void)
{
	struct tap tp;

	tap_open(&tp, 0, true);
	tap_write(&tp, "{\"a\":1}\r\n"
	    "\n"
	    "   \n"
	    "\t \r\n"
	    "\r\n"
	    "{\"b\":2}\n"
	    "  {\"c\":3}\t\n");
	CHECK(testutil_wait_count(base, &tp.nmsgs, 3, 2000));
	testutil_spin(base, 20);
	CHECK_EQ_INT(tp.nmsgs, 3);
	CHECK_STR(tp.msgs[0], "{\"a\":1}");	/* the CR is not part of it */
	CHECK_EQ_INT(tp.lens[0], 7);
	CHECK_STR(tp.msgs[1], "{\"b\":2}");
	/* Blanks inside a line are the decoder's business. */
	CHECK_STR(tp.msgs[2], "  {\"c\":3}\t");
	tap_free(&tp);
}

/* A line of max bytes is accepted, max + 1 is refused with an error reply
 * and the next message still goes through. */
static void
max_message_boundary(void)
{
	const char *err_reply = "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32600,"
	    "\"message\":\"message exceeds the limit of 1024 bytes\"}}\n";
	struct tap tp;
	char line[1100];
	char *out;

	tap_open(&tp, 1024, true);
	memset(line, 'x', sizeof line);
	line[0] = '"';
	line[1023] = '"';
	line[1024] = '\n';
	testutil_write(base, tp.to_t, line, 1025);
	CHECK(testutil_wait_count(base, &tp.nmsgs, 1, 2000));
	CHECK_EQ_INT(tp.lens[0], 1024);

	/* The same with CRLF: the CR does not count. */
	line[1024] = '\r';
	line[1025] = '\n';
	testutil_write(base, tp.to_t, line, 1026);
	CHECK(testutil_wait_count(base, &tp.nmsgs, 2, 2000));
	CHECK_EQ_INT(tp.lens[1], 1024);
	out = tap_output(&tp, 10);
	CHECK_STR(out, "");
	free(out);

	/* 1025 bytes: refused, answered, and the next one is fine. */
	line[1024] = '"';
	line[1023] = 'x';
	line[1025] = '\n';
	testutil_write(base, tp.to_t, line, 1026);
	tap_write(&tp, "{\"next\":true}\n");
	CHECK(testutil_wait_count(base, &tp.nmsgs, 3, 2000));
	CHECK_STR(tp.msgs[2], "{\"next\":true}");
	out = tap_output(&tp, 20);
	CHECK_STR(out, err_reply);
	free(out);
	CHECK_CONTAINS(logs.last, "message exceeds the limit of 1024 bytes");
	CHECK_EQ_INT(tp.closed, 0);
	tap_free(&tp);
}

/* An oversize message that arrives in pieces (no newline yet) is refused
 * as soon as it is too long, skipped up to its newline, answered once. */
static void
oversize_in_pieces(void)
{
	struct tap tp;
	char chunk[4096];
	char *out;
	int i;

	tap_open(&tp, 1024, true);
	memset(chunk, 'y', sizeof chunk);
	tap_write(&tp, "{\"before\":1}\n");
	for (i = 0; i < 256; i++)	/* 1 MiB without a newline */
		pump_write(tp.to_t, chunk, sizeof chunk);
	tap_write(&tp, "tail of the big one\n{\"after\":1}\n");
	CHECK(testutil_wait_count(base, &tp.nmsgs, 2, 3000));
	testutil_spin(base, 20);
	CHECK_EQ_INT(tp.nmsgs, 2);
	CHECK_STR(tp.msgs[0], "{\"before\":1}");
	CHECK_STR(tp.msgs[1], "{\"after\":1}");
	out = tap_output(&tp, 10);
	CHECK_STR(out, "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32600,"
	    "\"message\":\"message exceeds the limit of 1024 bytes\"}}\n");
	free(out);

	/* Exactly max + 1 bytes pending without newline: refused too,
	 * unless the last one is a CR. */
	memset(chunk, 'z', 1025);
	testutil_write(base, tp.to_t, chunk, 1025);
	testutil_spin(base, 20);
	out = tap_output(&tp, 0);
	CHECK_CONTAINS(out, "exceeds the limit");
	free(out);
	tap_write(&tp, "\n");
	chunk[1024] = '\r';
	testutil_write(base, tp.to_t, chunk, 1025);
	testutil_spin(base, 20);
	out = tap_output(&tp, 0);
	CHECK_STR(out, "");
	free(out);
	tap_write(&tp, "\n");
	CHECK(testutil_wait_count(base, &tp.nmsgs, 3, 2000));
	CHECK_EQ_INT(tp.lens[2], 1024);
	tap_free(&tp);
}

/* Over a peer: a line that is not UTF-8 gets a parse error, and the
 * connection goes on. */
static void
invalid_utf8_survives(void)
{
	struct tap tp;
	struct mcp_peer *p;
	struct mcp_peer_opts po = { 0, 0, 0, &quiet };
	char *out;

	tap_open(&tp, 0, false);
	p = mcp_peer_new(base, tp.t, &po);
	tap_write(&tp, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\xff\"}\n"
	    "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\"}\n");
	out = tap_output(&tp, 50);
	CHECK_STR(out, "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32700,"
	    "\"message\":\"message is not valid UTF-8\"}}\n"
	    "{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":{}}\n");
	free(out);
	CHECK(!mcp_peer_is_closed(p));
	/* A NUL in the middle of a line is no end of it. */
	testutil_write(base, tp.to_t,
	    "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"ping\"}\0x\n", 43);
	out = tap_output(&tp, 50);
	CHECK_CONTAINS(out, "\"code\":-32700");
	free(out);
	mcp_peer_free(p);
	tp.t = NULL;
	tap_free(&tp);
}

/* EOF: reported once, with a NULL reason, from the loop; then sending
 * fails. A partial message at EOF is logged and dropped. */
static void
eof_reported_once(void)
{
	struct tap tp;

	tap_open(&tp, 0, true);
	tap_write(&tp, "{\"a\":1}\n{\"partial\"");
	CHECK(testutil_wait_count(base, &tp.nmsgs, 1, 2000));
	logs.count = 0;
	close(tp.to_t);
	tp.to_t = -1;
	CHECK(testutil_wait_count(base, &tp.closed, 1, 2000));
	CHECK(tp.null_reason);
	CHECK_STR(logs.last, "stdio: peer closed in the middle of a message; "
	    "10 bytes discarded");
	testutil_spin(base, 50);
	CHECK_EQ_INT(tp.closed, 1);
	CHECK_EQ_INT(tp.nmsgs, 1);
	CHECK_EQ_INT(mcp_transport_send(tp.t, "{}", 2, NULL, false), -1);
	mcp_transport_close(tp.t);	/* after the end: nothing more */
	testutil_spin(base, 20);
	CHECK_EQ_INT(tp.closed, 1);
	tap_free(&tp);
}

static void
count_closed(void *arg, const char *reason)
{
	(void)reason;
	(*(int *)arg)++;
}

/* A client that writes a request and closes at once still gets the
 * answer: queued output is handed over at EOF. */
static void
eof_flushes_answers(void)
{
	struct tap tp;
	struct mcp_peer *p;
	struct mcp_peer_opts po = { 0, 0, 0, &quiet };
	char *out;
	int closed = 0;

	tap_open(&tp, 0, false);
	p = mcp_peer_new(base, tp.t, &po);
	mcp_peer_set_closed_cb(p, count_closed, &closed);
	tap_write(&tp, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}\n"
	    "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\"}\n");
	close(tp.to_t);
	tp.to_t = -1;
	CHECK(testutil_wait_count(base, &closed, 1, 2000));
	/* Read before anything is freed. */
	out = tap_output(&tp, 0);
	CHECK_STR(out, "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}\n"
	    "{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":{}}\n");
	free(out);
	mcp_peer_free(p);
	tp.t = NULL;
	tap_free(&tp);
}

/* Writing to a reader that went away is reported once with a reason
 * (SIGPIPE is ignored here, as the header asks). */
static void
write_error_reported(void)
{
	struct tap tp;

	tap_open(&tp, 0, true);
	close(tp.from_t);
	tp.from_t = -1;
	CHECK_EQ_INT(mcp_transport_send(tp.t, "{\"a\":1}", 7, NULL, false), 0);
	CHECK(testutil_wait_count(base, &tp.closed, 1, 2000));
	CHECK(!tp.null_reason);
	CHECK_STR(tp.reason, "write: Broken pipe");
	CHECK_EQ_INT(mcp_transport_send(tp.t, "{}", 2, NULL, false), -1);
	testutil_spin(base, 30);
	CHECK_EQ_INT(tp.closed, 1);
	tap_free(&tp);
}

/* close: stop reading, flush what is queued, then report (NULL). */
static void
close_flushes_then_reports(void)
{
	struct tap tp;
	char *out;

	tap_open(&tp, 0, true);
	mcp_transport_send(tp.t, "{\"n\":1}", 7, NULL, false);
	mcp_transport_send(tp.t, "{\"n\":2}", 7, NULL, true);
	mcp_transport_close(tp.t);
	CHECK_EQ_INT(tp.closed, 0);		/* from the loop, not now */
	tap_write(&tp, "{\"ignored\":1}\n");
	CHECK(testutil_wait_count(base, &tp.closed, 1, 2000));
	CHECK(tp.null_reason);
	out = tap_output(&tp, 10);
	CHECK_STR(out, "{\"n\":1}\n{\"n\":2}\n");
	free(out);
	CHECK_EQ_INT(tp.nmsgs, 0);
	mcp_transport_close(tp.t);
	testutil_spin(base, 10);
	CHECK_EQ_INT(tp.closed, 1);
	tap_free(&tp);
}

/* Descriptors are borrowed: free leaves them open with their flags as
 * they were, even when 0 and 1 share one open file (a terminal). */
static void
flags_restored_on_free(void)
{
	struct mcp_stdio_opts so = { 0, &quiet };
	struct mcp_transport *t;
	int sv[2], dupfd, before;

	testutil_socketpair(sv);
	dupfd = dup(sv[0]);		/* same open file, like 0 and 1 */
	before = fcntl(sv[0], F_GETFL);
	CHECK(!(before & O_NONBLOCK));
	t = mcp_stdio_new(base, sv[0], dupfd, &so);
	CHECK(fcntl(sv[0], F_GETFL) & O_NONBLOCK);
	mcp_transport_free(t);
	CHECK_EQ_INT(fcntl(sv[0], F_GETFL), before);
	CHECK_EQ_INT(fcntl(dupfd, F_GETFL), before);
	CHECK(fcntl(sv[0], F_GETFD) != -1);	/* still open */
	close(dupfd);
	close(sv[0]);
	close(sv[1]);
}

/* Spawned children */

struct child {
	struct mcp_transport *t;
	struct tap tp;		/* only the message and closed records */
};

static bool
reaped(void *arg)
{
	return mcp_stdio_pid(arg) == 0;
}

static void
spawn_cat_echoes(void)
{
	char *argv[] = { "cat", NULL };
	struct mcp_err err = { 0, "" };
	struct mcp_stdio_opts so = { 0, &quiet };
	struct tap tp;
	int i;

	memset(&tp, 0, sizeof tp);
	tp.nul_terminated = true;
	tp.t = mcp_stdio_spawn(base, argv, &so, &err);
	CHECK(tp.t != NULL);
	if (tp.t == NULL)
		return;
	CHECK_EQ_INT(err.code, 0);
	CHECK(mcp_stdio_pid(tp.t) > 0);
	mcp_transport_bind(tp.t, tap_on_message, tap_on_closed, &tp);
	for (i = 0; i < 100; i++) {
		char msg[64];
		int n = snprintf(msg, sizeof msg, "{\"echo\":%d}", i);

		CHECK_EQ_INT(mcp_transport_send(tp.t, msg, (size_t)n, NULL,
		    false), 0);
	}
	CHECK(testutil_wait_count(base, &tp.nmsgs, 100, 3000));
	CHECK_STR(tp.msgs[0], "{\"echo\":0}");
	CHECK_STR(tp.msgs[99], "{\"echo\":99}");
	/* Closing ends cat (stdin EOF), reported once, then reaped. */
	mcp_transport_close(tp.t);
	CHECK(testutil_wait_count(base, &tp.closed, 1, 2000));
	CHECK(tp.null_reason);
	CHECK(testutil_loop_until(base, reaped, tp.t, 1500));
	mcp_transport_free(tp.t);
	for (i = 0; i < tp.nmsgs && i < MAXMSG; i++)
		free(tp.msgs[i]);
}

/* A child that ends by itself: EOF reported, reaped. */
static void
spawn_child_exits(void)
{
	char *argv[] = { "sh", "-c", "echo '{\"hello\":1}'; exit 3", NULL };
	struct mcp_err err = { 0, "" };
	struct tap tp;

	memset(&tp, 0, sizeof tp);
	tp.t = mcp_stdio_spawn(base, argv, NULL, &err);
	CHECK(tp.t != NULL);
	if (tp.t == NULL)
		return;
	mcp_transport_bind(tp.t, tap_on_message, tap_on_closed, &tp);
	CHECK(testutil_wait_count(base, &tp.closed, 1, 2000));
	CHECK_EQ_INT(tp.nmsgs, 1);
	CHECK_STR(tp.msgs[0], "{\"hello\":1}");
	CHECK(tp.null_reason);
	CHECK(testutil_loop_until(base, reaped, tp.t, 2000));
	mcp_transport_free(tp.t);
	free(tp.msgs[0]);
}

static void
spawn_missing_program(void)
{
	char *argv[] = { "tripmcp-no-such-program", "--flag", NULL };
	char *none[] = { NULL };
	struct mcp_err err = { 0, "" };
	struct mcp_transport *t;
	int status;

	t = mcp_stdio_spawn(base, argv, NULL, &err);
	CHECK(t == NULL);
	CHECK_EQ_INT(err.code, MCP_CONNECTION_CLOSED);
	CHECK_STR(err.msg, "cannot run 'tripmcp-no-such-program': "
	    "No such file or directory");
	/* No child left behind. */
	CHECK_EQ_INT(waitpid(-1, &status, WNOHANG), -1);
	CHECK_EQ_INT(errno, ECHILD);

	mcp_err_clear(&err);
	argv[0] = "/etc/passwd";
	CHECK(mcp_stdio_spawn(base, argv, NULL, &err) == NULL);
	CHECK_STR(err.msg, "cannot run '/etc/passwd': Permission denied");
	mcp_err_clear(&err);
	CHECK(mcp_stdio_spawn(base, none, NULL, &err) == NULL);
	CHECK_STR(err.msg, "spawn: no command given");
}

/* A parent whose own stdin and stdout are closed: the child's pipes land
 * on 0 and 1 already, and must still reach the child (cat echoes). */
static int
spawn_from_closed_stdio_child(void)
{
	char *argv[] = { "cat", NULL };
	struct event_base *b;
	struct mcp_err err = { 0, "" };
	struct tap tp;
	int64_t t0;

	b = event_base_new();
	close(0);
	close(1);
	memset(&tp, 0, sizeof tp);
	tp.t = mcp_stdio_spawn(b, argv, NULL, &err);
	if (tp.t == NULL)
		return 10;
	mcp_transport_bind(tp.t, tap_on_message, tap_on_closed, &tp);
	mcp_transport_send(tp.t, "{\"x\":1}", 7, NULL, false);
	t0 = testutil_now_ms();
	while (tp.nmsgs == 0 && tp.closed == 0 && testutil_now_ms() - t0 < 2000)
		event_base_loop(b, EVLOOP_ONCE);
	if (tp.nmsgs != 1 || strcmp(tp.msgs[0], "{\"x\":1}") != 0)
		return 11;
	return 0;
}

static void
spawn_with_stdio_closed(void)
{
	int status = -1;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		alarm(5);
		_exit(spawn_from_closed_stdio_child());
	}
	CHECK(pid > 0);
	CHECK_EQ_INT(waitpid(pid, &status, 0), pid);
	CHECK(WIFEXITED(status));
	CHECK_EQ_INT(WEXITSTATUS(status), 0);
}

/* Children that ignore stdin EOF: SIGTERM after the grace period, and
 * SIGKILL for one that ignores SIGTERM too; each in bounded time. */
static void
spawn_stubborn_children_are_killed(void)
{
	char *sleeper[] = { "sleep", "30", NULL };
	char *stubborn[] = { "sh", "-c", "trap '' TERM; exec sleep 30", NULL };
	struct mcp_err err = { 0, "" };
	struct mcp_transport *t1, *t2;
	int64_t t0, t1_done = 0, t2_done = 0;
	struct tap tp1, tp2;

	memset(&tp1, 0, sizeof tp1);
	memset(&tp2, 0, sizeof tp2);
	t1 = mcp_stdio_spawn(base, sleeper, NULL, &err);
	t2 = mcp_stdio_spawn(base, stubborn, NULL, &err);
	CHECK(t1 != NULL && t2 != NULL);
	if (t1 == NULL || t2 == NULL)
		return;
	mcp_transport_bind(t1, tap_on_message, tap_on_closed, &tp1);
	mcp_transport_bind(t2, tap_on_message, tap_on_closed, &tp2);
	testutil_spin(base, 100);	/* let sh install its trap */
	t0 = testutil_now_ms();
	mcp_transport_close(t1);
	mcp_transport_close(t2);
	CHECK(testutil_wait_count(base, &tp1.closed, 1, 1000));
	CHECK(testutil_wait_count(base, &tp2.closed, 1, 1000));
	while (testutil_now_ms() - t0 < 7000 &&
	    (t1_done == 0 || t2_done == 0)) {
		testutil_spin(base, 10);
		if (t1_done == 0 && mcp_stdio_pid(t1) == 0)
			t1_done = testutil_now_ms() - t0;
		if (t2_done == 0 && mcp_stdio_pid(t2) == 0)
			t2_done = testutil_now_ms() - t0;
	}
	/* SIGTERM at 2 s, SIGKILL at 4 s. */
	CHECK(t1_done >= 1500 && t1_done < 3500);
	CHECK(t2_done >= 3500 && t2_done < 6000);
	fprintf(stderr, "  sleep reaped after %lld ms, stubborn after %lld ms\n",
	    (long long)t1_done, (long long)t2_done);
	mcp_transport_free(t1);
	mcp_transport_free(t2);
}

/* Freeing without waiting for the loop is firm but quick. */
static void
spawn_free_kills_quickly(void)
{
	char *stubborn[] = { "sh", "-c", "trap '' TERM; exec sleep 30", NULL };
	struct mcp_err err = { 0, "" };
	struct mcp_transport *t;
	int64_t t0;
	pid_t pid;

	t = mcp_stdio_spawn(base, stubborn, NULL, &err);
	CHECK(t != NULL);
	if (t == NULL)
		return;
	pid = mcp_stdio_pid(t);
	testutil_spin(base, 100);
	t0 = testutil_now_ms();
	mcp_transport_free(t);
	CHECK(testutil_now_ms() - t0 < 1000);
	CHECK_EQ_INT(kill(pid, 0), -1);		/* gone and reaped */
	CHECK_EQ_INT(errno, ESRCH);
}

/* Spawn (capturing stderr, so the status makes the reason), let the child
 * get as far as closing its stdin (ready() true), then send: the write
 * finds no reader. The close reason comes from how the child ended. */
static void
epipe_reason(char *const argv[], bool (*ready)(pid_t), const char *want)
{
	struct mcp_stdio_spawn_opts sp = { 0 };
	struct mcp_stdio_opts so = { 0, &quiet };
	struct mcp_err err = { 0, "" };
	struct tap tp;
	int64_t t0;
	pid_t pid;
	int i;

	memset(&tp, 0, sizeof tp);
	tp.t = mcp_stdio_spawn_ex(base, argv, &sp, &so, &err);
	CHECK(tp.t != NULL);
	if (tp.t == NULL)
		return;
	mcp_transport_bind(tp.t, tap_on_message, tap_on_closed, &tp);
	pid = mcp_stdio_pid(tp.t);
	for (t0 = testutil_now_ms(); !ready(pid) &&
	    testutil_now_ms() - t0 < 3000;)
		usleep(1000);
	CHECK(ready(pid));
	CHECK_EQ_INT(mcp_transport_send(tp.t, "{\"jsonrpc\":\"2.0\","
	    "\"method\":\"ping\",\"id\":1}", 38, NULL, false), 0);
	CHECK(testutil_wait_count(base, &tp.closed, 1, 3000));
	CHECK_STR(tp.reason, want);
	CHECK(testutil_loop_until(base, reaped, tp.t, 5000));
	mcp_transport_free(tp.t);
	for (i = 0; i < tp.nmsgs && i < MAXMSG; i++)
		free(tp.msgs[i]);
}

/* Ended, not yet reaped (WNOWAIT leaves that to the transport). */
static bool
child_ended(pid_t pid)
{
	siginfo_t si;

	memset(&si, 0, sizeof si);
	return waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT) ==
	    0 && si.si_pid == pid;
}

/* Its stdin is no longer open (/proc/PID/fd/0 is gone). */
static bool
child_stdin_closed(pid_t pid)
{
	char path[64];

	snprintf(path, sizeof path, "/proc/%d/fd/0", (int)pid);
	return access(path, F_OK) != 0 && errno == ENOENT;
}

static void
spawn_exits_before_reading(void)
{
	char *exit3[] = { "sh", "-c", "exit 3", NULL };
	char *exit0[] = { "sh", "-c", "exit 0", NULL };
	char *deaf[] = { "sh", "-c", "exec 0<&-; exec sleep 30", NULL };

	epipe_reason(exit3, child_ended, "exited with status 3");
	epipe_reason(exit0, child_ended,
	    "exited with status 0 before reading what was sent to it");
	epipe_reason(deaf, child_stdin_closed, "the server closed its input "
	    "but is still running; stopping it");
}

/* Each child leads a process group of its own (the terminal's Ctrl-C is
 * for us alone) and starts with no signal blocked, whatever we block. */
static void
spawn_child_has_its_own_group(void)
{
	char *argv[] = { "sh", "-c", "grep SigBlk /proc/self/status", NULL };
	struct mcp_err err = { 0, "" };
	sigset_t set, old;
	struct tap tp;
	pid_t pid;
	int i;

	memset(&tp, 0, sizeof tp);
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, &old);
	tp.t = mcp_stdio_spawn(base, argv, NULL, &err);
	sigprocmask(SIG_SETMASK, &old, NULL);
	CHECK(tp.t != NULL);
	if (tp.t == NULL)
		return;
	pid = mcp_stdio_pid(tp.t);
	CHECK(pid > 0);
	/* The parent moves it too: true as soon as spawn returns. */
	CHECK_EQ_INT(getpgid(pid), pid);
	CHECK(getpgid(pid) != getpgrp());
	mcp_transport_bind(tp.t, tap_on_message, tap_on_closed, &tp);
	CHECK(testutil_wait_count(base, &tp.closed, 1, 3000));
	CHECK_EQ_INT(tp.nmsgs, 1);
	if (tp.nmsgs == 1)
		CHECK_STR(tp.msgs[0], "SigBlk:\t0000000000000000");
	mcp_transport_free(tp.t);
	for (i = 0; i < tp.nmsgs && i < MAXMSG; i++)
		free(tp.msgs[i]);
}

/* Many children stopped together: EOF to all at once, one shared wait,
 * SIGTERM then SIGKILL for the stubborn; every child reaped, none left. */
static void
spawn_stop_and_reap_together(void)
{
	char *cat[] = { "cat", NULL };
	char *stubborn[] = { "sh", "-c", "trap '' TERM; exec sleep 30", NULL };
	char *termable[] = { "sleep", "30", NULL };
	struct mcp_transport *ts[5];
	struct mcp_err err = { 0, "" };
	pid_t pids[5];
	int64_t t0, ms;
	size_t i, n = 0;
	int status;

	for (i = 0; i < 3; i++)
		ts[n++] = mcp_stdio_spawn(base, cat, NULL, &err);
	ts[n++] = mcp_stdio_spawn(base, termable, NULL, &err);
	ts[n++] = mcp_stdio_spawn(base, stubborn, NULL, &err);
	for (i = 0; i < n; i++) {
		CHECK(ts[i] != NULL);
		if (ts[i] == NULL)
			return;
		pids[i] = mcp_stdio_pid(ts[i]);
		CHECK(pids[i] > 0);
	}
	testutil_spin(base, 100);	/* let sh install its trap */
	/* A stopped transport sends nothing more. */
	mcp_stdio_stop(ts[0]);
	CHECK_EQ_INT(mcp_transport_send(ts[0], "{}", 2, NULL, false), -1);
	t0 = testutil_now_ms();
	mcp_stdio_reap(ts, n, 100);
	ms = testutil_now_ms() - t0;
	for (i = 0; i < n; i++) {
		CHECK_EQ_INT(mcp_stdio_pid(ts[i]), 0);
		CHECK_EQ_INT(waitpid(pids[i], &status, WNOHANG), -1);
		CHECK_EQ_INT(errno, ECHILD);
		CHECK_EQ_INT(kill(pids[i], 0), -1);
		CHECK_EQ_INT(errno, ESRCH);
	}
	fprintf(stderr, "  5 children (one stubborn) reaped together in %lld "
	    "ms\n", (long long)ms);
	/* The loop finds nothing left to do for them. */
	testutil_spin(base, 50);
	for (i = 0; i < n; i++)
		mcp_transport_free(ts[i]);
}

/* Whether pid has ended (gone, or a zombie its new parent has not reaped). */
static bool
process_ended(pid_t pid)
{
	char path[64], buf[512], *p;
	FILE *f;
	size_t n;

	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	if ((f = fopen(path, "r")) == NULL)
		return true;
	n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	p = strrchr(buf, ')');
	return p != NULL && p[1] == ' ' && (p[2] == 'Z' || p[2] == 'X');
}

static bool
grandchild_ended(void *arg)
{
	return process_ended(*(pid_t *)arg);
}

/* Stopping a server stops what it started too (its process group): a
 * grandchild that ignores EOF does not outlive it. */
static void
spawn_grandchildren_are_stopped(void)
{
	char *tree[] = { "sh", "-c", "sleep 300 & echo $! >&2; exec sleep 300",
	    NULL };
	struct mcp_stdio_spawn_opts sp = { NULL, NULL, 0 };
	struct mcp_transport *t;
	struct mcp_err err = { 0, "" };
	char *text = NULL;
	pid_t grandchild = 0;
	int i;

	t = mcp_stdio_spawn_ex(base, tree, &sp, NULL, &err);
	CHECK(t != NULL);
	if (t == NULL)
		return;
	for (i = 0; i < 100 && grandchild <= 0; i++) {
		testutil_spin(base, 20);
		free(text);
		text = mcp_stdio_stderr(t, NULL);
		if (text != NULL)
			grandchild = (pid_t)atoi(text);
	}
	free(text);
	CHECK(grandchild > 0);
	if (grandchild <= 0) {
		mcp_transport_free(t);
		return;
	}
	CHECK(!process_ended(grandchild));
	mcp_stdio_stop(t);
	mcp_stdio_reap(&t, 1, 200);
	CHECK_EQ_INT(mcp_stdio_pid(t), 0);
	/* Its new parent reaps it in its own time; ended is what counts. */
	CHECK(testutil_loop_until(base, grandchild_ended, &grandchild, 5000));
	if (!process_ended(grandchild))
		kill(grandchild, SIGKILL);
	mcp_transport_free(t);
}

int
main(void)
{
	signal(SIGPIPE, SIG_IGN);
	base = event_base_new();
	HARNESS_BEGIN("stdio");
	HARNESS_WATCHDOG();
	TEST(split_reads);
	TEST(merged_reads);
	TEST(crlf_and_blank_lines);
	TEST(max_message_boundary);
	TEST(oversize_in_pieces);
	TEST(invalid_utf8_survives);
	TEST(eof_reported_once);
	TEST(eof_flushes_answers);
	TEST(write_error_reported);
	TEST(close_flushes_then_reports);
	TEST(flags_restored_on_free);
	TEST(spawn_cat_echoes);
	TEST(spawn_child_exits);
	TEST(spawn_missing_program);
	TEST(spawn_with_stdio_closed);
	TEST(spawn_stubborn_children_are_killed);
	TEST(spawn_free_kills_quickly);
	TEST(spawn_exits_before_reading);
	TEST(spawn_child_has_its_own_group);
	TEST(spawn_stop_and_reap_together);
	TEST(spawn_grandchildren_are_stopped);
	event_base_free(base);
	return HARNESS_END();
}
