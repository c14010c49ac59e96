/*
 * A stdio server as a process: it exits promptly (well under 100 ms) once
 * its stdin closes, exits 0 on SIGTERM, answers what it read before the
 * end, and is not killed by SIGPIPE when its reader goes. The server is
 * this binary itself ("--serve": mcp_stdio_new(0, 1) + a peer), forked or
 * spawned; build/mcp-example-everything is checked the same way when it
 * has been built.
 */
#include <sys/types.h>
#include <sys/wait.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
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

/* The server side */

static struct event_base *srv_base;

static void
srv_slow_done(evutil_socket_t fd, short events, void *arg)
{
	struct mcp_request *req = arg;

	(void)fd;
	(void)events;
	mcp_request_reply(req, NULL);
}

struct slow {
	struct event *ev;
	struct mcp_request *req;
};

static void
srv_slow_cancelled(void *arg, struct mcp_request *req)
{
	struct slow *s = arg;

	event_free(s->ev);
	free(s);
	mcp_request_fail(req, MCP_REQUEST_CANCELLED, NULL, NULL);
}

static void
srv_slow_tick(evutil_socket_t fd, short events, void *arg)
{
	struct slow *s = arg;
	struct mcp_request *req = s->req;

	event_free(s->ev);
	free(s);
	srv_slow_done(fd, events, req);
}

static void
srv_on_request(void *arg, struct mcp_request *req)
{
	(void)arg;
	if (strcmp(mcp_request_method(req), "slow") == 0) {
		struct slow *s = mcp_xcalloc(1, sizeof *s);
		struct timeval tv = { 0, 300000 };

		s->req = req;
		s->ev = evtimer_new(srv_base, srv_slow_tick, s);
		mcp_request_on_cancel(req, srv_slow_cancelled, s);
		evtimer_add(s->ev, &tv);
		return;
	}
	mcp_request_reply(req, cJSON_Duplicate(mcp_request_params(req), 1));
}

static void
srv_on_closed(void *arg, const char *reason)
{
	(void)arg;
	(void)reason;
	event_base_loopbreak(srv_base);
}

static void
srv_on_signal(evutil_socket_t sig, short events, void *arg)
{
	(void)sig;
	(void)events;
	(void)arg;
	event_base_loopbreak(srv_base);
}

/* A minimal stdio server, as server.c wires one: exit 0 at the end of
 * input or on SIGTERM. */
static int
serve(void)
{
	struct mcp_log log = { NULL, NULL, MCP_LOG_ERROR, "stdio-fault-server" };
	struct mcp_stdio_opts so = { 0, &log };
	struct mcp_peer_opts po = { 0, 0, 0, &log };
	struct mcp_peer *peer;
	struct event *sig;

	signal(SIGPIPE, SIG_IGN);
	srv_base = event_base_new();
	peer = mcp_peer_new(srv_base, mcp_stdio_new(srv_base, 0, 1, &so), &po);
	mcp_peer_set_handlers(peer, srv_on_request, NULL, NULL);
	mcp_peer_set_closed_cb(peer, srv_on_closed, NULL);
	sig = evsignal_new(srv_base, SIGTERM, srv_on_signal, NULL);
	event_add(sig, NULL);
	event_base_dispatch(srv_base);
	mcp_peer_free(peer);
	event_free(sig);
	event_base_free(srv_base);
	return 0;
}

/* The client side: plain blocking I/O with poll timeouts. */

struct proc {
	pid_t pid;
	int in;		/* the server's stdin (we write) */
	int out;	/* the server's stdout (we read) */
	char buf[65536];
	size_t len;
};

/* Start the server: forked from here (argv NULL) or exec'd. */
static bool
proc_start(struct proc *p, char *const argv[])
{
	int a[2], b[2];

	memset(p, 0, sizeof *p);
	if (pipe(a) != 0 || pipe(b) != 0)
		return false;
	fflush(NULL);
	p->pid = fork();
	if (p->pid < 0)
		return false;
	if (p->pid == 0) {
		dup2(a[0], 0);
		dup2(b[1], 1);
		close(a[0]);
		close(a[1]);
		close(b[0]);
		close(b[1]);
		if (argv == NULL)
			exit(serve());
		execv(argv[0], argv);
		_exit(127);
	}
	close(a[0]);
	close(b[1]);
	p->in = a[1];
	p->out = b[0];
	return true;
}

static void
proc_send(struct proc *p, const char *line)
{
	size_t len = strlen(line), off = 0;

	while (off < len) {
		ssize_t n = write(p->in, line + off, len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		off += (size_t)n;
	}
}

/* The next line from the server, or NULL after ms (the caller frees). */
static char *
proc_line(struct proc *p, int ms)
{
	int64_t end = testutil_now_ms() + ms;
	char *nl;

	while ((nl = memchr(p->buf, '\n', p->len)) == NULL) {
		struct pollfd pfd = { p->out, POLLIN, 0 };
		int64_t left = end - testutil_now_ms();
		ssize_t n;

		if (left <= 0 || poll(&pfd, 1, (int)left) <= 0)
			return NULL;
		n = read(p->out, p->buf + p->len, sizeof p->buf - p->len);
		if (n <= 0)
			return NULL;
		p->len += (size_t)n;
	}
	{
		size_t n = (size_t)(nl - p->buf);
		char *line = mcp_xstrndup(p->buf, n);

		memmove(p->buf, nl + 1, p->len - n - 1);
		p->len -= n + 1;
		return line;
	}
}

/* Wait for the server to exit; ms it took, -1 if it did not in limit_ms.
 * *status gets its wait status. */
static int64_t
proc_wait(struct proc *p, int limit_ms, int *status)
{
	int64_t t0 = testutil_now_ms();

	for (;;) {
		pid_t r = waitpid(p->pid, status, WNOHANG);

		if (r == p->pid)
			return testutil_now_ms() - t0;
		if (testutil_now_ms() - t0 > limit_ms)
			return -1;
		usleep(500);
	}
}

static void
proc_kill(struct proc *p)
{
	int status;

	if (p->pid > 0 && waitpid(p->pid, &status, WNOHANG) == 0) {
		kill(p->pid, SIGKILL);
		waitpid(p->pid, &status, 0);
	}
	if (p->in >= 0)
		close(p->in);
	if (p->out >= 0)
		close(p->out);
}

/* Make sure the server is up and serving: one ping. */
static void
check_ping(struct proc *p, const char *id)
{
	char line[128], want[128];
	char *got;

	snprintf(line, sizeof line,
	    "{\"jsonrpc\":\"2.0\",\"id\":%s,\"method\":\"ping\"}\n", id);
	snprintf(want, sizeof want,
	    "{\"jsonrpc\":\"2.0\",\"id\":%s,\"result\":{}}", id);
	proc_send(p, line);
	got = proc_line(p, 3000);
	CHECK_STR(got, want);
	free(got);
}

/* A bound, not a measurement (make bench measures: about 0.2 ms): far
 * below the 2 s grace period a lingering server would take, and wide enough
 * for a busy machine. */
#define PROMPT_MS 500

/* Server exit checks, shared by the forked server and the example. */

static void
exits_on_eof(char *const argv[])
{
	struct proc p;
	int status = -1;
	int64_t ms;

	CHECK(proc_start(&p, argv));
	check_ping(&p, "1");
	close(p.in);
	p.in = -1;
	ms = proc_wait(&p, 2000, &status);
	CHECK(ms >= 0 && ms < PROMPT_MS);
	if (ms < 0 || ms >= PROMPT_MS)
		fprintf(stderr, "  exit after stdin EOF took %lld ms\n",
		    (long long)ms);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	proc_kill(&p);
}

static void
exits_0_on_sigterm(char *const argv[])
{
	struct proc p;
	int status = -1;
	int64_t ms;

	CHECK(proc_start(&p, argv));
	check_ping(&p, "\"s\"");
	kill(p.pid, SIGTERM);
	ms = proc_wait(&p, 2000, &status);
	CHECK(ms >= 0 && ms < PROMPT_MS);
	if (ms < 0 || ms >= PROMPT_MS)
		fprintf(stderr, "  exit after SIGTERM took %lld ms\n",
		    (long long)ms);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	proc_kill(&p);
}

/* A client that writes and closes at once still gets its answers. */
static void
answers_then_exits(char *const argv[])
{
	struct proc p;
	int status = -1;
	char *got;

	CHECK(proc_start(&p, argv));
	proc_send(&p, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}\n"
	    "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\"}\n");
	close(p.in);
	p.in = -1;
	got = proc_line(&p, 2000);
	CHECK_STR(got, "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}");
	free(got);
	got = proc_line(&p, 2000);
	CHECK_STR(got, "{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":{}}");
	free(got);
	CHECK(proc_wait(&p, 2000, &status) >= 0);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	proc_kill(&p);
}

/* The reader goes away: the server notices at its next write and exits
 * normally (SIGPIPE ignored), instead of dying of the signal. */
static void
survives_reader_gone(char *const argv[])
{
	struct proc p;
	int status = -1;

	CHECK(proc_start(&p, argv));
	check_ping(&p, "1");
	close(p.out);
	p.out = -1;
	proc_send(&p, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\"}\n");
	CHECK(proc_wait(&p, 2000, &status) >= 0);
	CHECK(WIFEXITED(status));
	CHECK(!WIFSIGNALED(status));
	proc_kill(&p);
}

/* Forked server */

static void
fork_exits_on_eof(void)
{
	exits_on_eof(NULL);
}

static void
fork_exits_0_on_sigterm(void)
{
	exits_0_on_sigterm(NULL);
}

static void
fork_answers_then_exits(void)
{
	answers_then_exits(NULL);
}

static void
fork_survives_reader_gone(void)
{
	survives_reader_gone(NULL);
}

/* stdin closes while a request is being worked on: the work is cancelled
 * and the server still exits at once. */
static void
fork_exits_on_eof_mid_request(void)
{
	struct proc p;
	int status = -1;
	int64_t ms;

	CHECK(proc_start(&p, NULL));
	check_ping(&p, "1");
	proc_send(&p, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"slow\"}\n");
	usleep(20000);
	close(p.in);
	p.in = -1;
	ms = proc_wait(&p, 2000, &status);
	CHECK(ms >= 0 && ms < PROMPT_MS);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	proc_kill(&p);
}

/* Spawned through mcp_stdio_spawn: the client closes, the server exits on
 * EOF and is reaped long before any SIGTERM. */
static char self_path[4096];

static void
deadline_cb(evutil_socket_t fd, short events, void *arg)
{
	(void)fd;
	(void)events;
	*(bool *)arg = true;
}

struct client {
	int responses;
	int code;
	int closed;
};

static void
client_response(void *arg, const struct mcp_response *r)
{
	struct client *c = arg;

	c->responses++;
	c->code = r->code;
}

static void
client_closed(void *arg, const char *reason)
{
	struct client *c = arg;

	(void)reason;
	c->closed++;
}

static void
spawned_server_reaped_promptly(void)
{
	char *argv[] = { self_path, "--serve", NULL };
	struct event_base *base = event_base_new();
	struct mcp_err err = { 0, "" };
	struct mcp_transport *t;
	struct mcp_peer *peer;
	struct client c = { 0, 0, 0 };
	struct event *ev;
	struct timeval tv = { 3, 0 };
	bool expired = false;
	int64_t t0, ms;

	t = mcp_stdio_spawn(base, argv, NULL, &err);
	CHECK(t != NULL);
	if (t == NULL) {
		event_base_free(base);
		return;
	}
	peer = mcp_peer_new(base, t, NULL);
	mcp_peer_set_closed_cb(peer, client_closed, &c);
	mcp_peer_request(peer, "echo", mcp_json_parse_const("{\"x\":1}"), NULL,
	    client_response, &c);
	ev = evtimer_new(base, deadline_cb, &expired);
	evtimer_add(ev, &tv);
	while (c.responses == 0 && !expired)
		event_base_loop(base, EVLOOP_ONCE);
	CHECK_EQ_INT(c.responses, 1);
	CHECK_EQ_INT(c.code, 0);

	t0 = testutil_now_ms();
	mcp_peer_close(peer);
	while ((c.closed == 0 || mcp_stdio_pid(t) != 0) && !expired)
		event_base_loop(base, EVLOOP_ONCE);
	ms = testutil_now_ms() - t0;
	CHECK_EQ_INT(c.closed, 1);
	CHECK_EQ_INT(mcp_stdio_pid(t), 0);
	CHECK(ms < 500);	/* the grace period before SIGTERM is 2 s */
	event_free(ev);
	mcp_peer_free(peer);
	event_base_free(base);
}

/* The example server, when built */

static char example_path[4096];

static void
example_exits_on_eof(void)
{
	char *argv[] = { example_path, NULL };

	exits_on_eof(argv);
}

static void
example_exits_0_on_sigterm(void)
{
	char *argv[] = { example_path, NULL };

	exits_0_on_sigterm(argv);
}

static void
example_answers_then_exits(void)
{
	char *argv[] = { example_path, NULL };

	answers_then_exits(argv);
}

int
main(int argc, char **argv)
{
	const char *build = getenv("BUILD");
	ssize_t n;

	if (argc > 1 && strcmp(argv[1], "--serve") == 0)
		return serve();
	signal(SIGPIPE, SIG_IGN);
	n = readlink("/proc/self/exe", self_path, sizeof self_path - 1);
	if (n > 0)
		self_path[n] = '\0';
	HARNESS_BEGIN("stdio-fault");
	HARNESS_WATCHDOG();
	TEST(fork_exits_on_eof);
	TEST(fork_exits_0_on_sigterm);
	TEST(fork_answers_then_exits);
	TEST(fork_survives_reader_gone);
	TEST(fork_exits_on_eof_mid_request);
	if (n > 0)
		TEST(spawned_server_reaped_promptly);

	snprintf(example_path, sizeof example_path, "%s/mcp-example-everything",
	    build != NULL ? build : "build");
	if (access(example_path, X_OK) == 0) {
		TEST(example_exits_on_eof);
		TEST(example_exits_0_on_sigterm);
		TEST(example_answers_then_exits);
	} else
		printf("SKIP stdio-fault: example server checks (%s not built)\n",
		    example_path);
	return HARNESS_END();
}
