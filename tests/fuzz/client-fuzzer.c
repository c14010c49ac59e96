/*
 * libFuzzer target for the client session (mcp/client.c on mcp/peer.c): the
 * input is what a server sends to one connected client whose application
 * has every callback installed (roots, sampling, elicitation, logs,
 * list_changed, resources/updated, other notifications, the close). The
 * first byte picks the set-up:
 *   bit 0: the input answers initialize itself (else a canned result does)
 *   bit 1: server requests are answered on the next loop turn, not at once
 *   bit 2: no request callbacks (each server request must get -32601)
 *   bit 3: end with the server's EOF rather than by freeing the client
 *   bit 4: cancel the tool call halfway through the input
 *   bit 5: the raw bytes go through the stdio transport on a socketpair
 *          (written in pieces of varying size, a 4 KiB message limit)
 *          instead of line by line through an in-process transport
 * Once initialize succeeds, the client starts calls whose request ids are
 * therefore known: 2 tools/list (more pages take the next ids), 3
 * tools/call with progress, 4 resources/read, 5 prompts/get,
 * 6 completion/complete, 7 ping, 8 resources/subscribe,
 * 9 resources/templates/list. The rest of the input, split at newlines,
 * goes line by line to the client through an in-process transport, one loop
 * turn after each. Every call's callback must run exactly once (by the end,
 * when freeing fails what is left), progress never after it, and whatever
 * the client sends must be one valid JSON-RPC message without a line break.
 * CLIENT_FUZZER_SHOW=1 prints both directions.
 */
#include <sys/socket.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "mcp/client.h"
#include "mcp/json.h"
#include "mcp/rpc.h"
#include "mcp/stdio.h"
#include "mcp/transport.h"

#define FUZZ_NAME	"client-fuzzer"
#define FUZZ_SENDER	"client"
#include "tests/fuzz/fuzzutil.h"

/* Inputs above this are cut; tests/fuzz/run.sh reads it as -max_len. */
#define FUZZ_MAX_LEN	65536
#define DRAIN_TURNS	16		/* loop turns after the input */
#define MAX_HELD	64		/* server requests answered later */
#define NCALLS		8
#define STDIO_MAX_MESSAGE 4096		/* small, so inputs can exceed it */

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* One call the client made, and what came of it. */
struct call {
	int64_t handle;
	int done;		/* callback runs */
	bool progress_late;
};

static struct {
	struct mcp_client *c;
	unsigned flags;
	struct call calls[NCALLS];
	bool started;
	int connect_done;
	int closed;
	struct mcp_request *held[MAX_HELD];
	unsigned nheld;
	struct event *answer_ev;
} run;

/* The application */

static void
on_call_done(void *arg, const struct mcp_response *r)
{
	struct call *cl = arg;

	if (++cl->done > 1)
		fail("a call's callback ran twice");
	if (r->code == 0 && !cJSON_IsObject(r->result))
		fail("a call succeeded without a result object");
	if (r->code != 0 && r->message == NULL)
		fail("a call failed without a message");
}

static void
on_progress(void *arg, double progress, double total, const char *message)
{
	struct call *cl = arg;

	(void)progress;
	(void)total;
	if (message != NULL)
		(void)strlen(message);
	if (cl->done > 0)
		fail("progress after the call ended");
}

static void
held_remove(struct mcp_request *req)
{
	unsigned i;

	for (i = 0; i < run.nheld; i++) {
		if (run.held[i] == req) {
			run.held[i] = run.held[--run.nheld];
			return;
		}
	}
}

static void
answer(struct mcp_request *req)
{
	const char *m = mcp_request_method(req);

	if (strcmp(m, "roots/list") == 0)
		mcp_request_reply(req, mcp_json_parse_const("{\"roots\":[{\"uri\":"
		    "\"file:///tmp\",\"name\":\"tmp\"}]}"));
	else if (strcmp(m, "sampling/createMessage") == 0)
		mcp_request_fail(req, -1, "the user declined", NULL);
	else
		mcp_request_reply(req, mcp_json_parse_const(
		    "{\"action\":\"decline\"}"));
}

static void
held_cancelled(void *arg, struct mcp_request *req)
{
	(void)arg;
	held_remove(req);
	answer(req);	/* nothing is sent for a cancelled request */
}

static void
answer_held_cb(evutil_socket_t fd, short events, void *arg)
{
	(void)fd;
	(void)events;
	(void)arg;
	while (run.nheld > 0) {
		struct mcp_request *req = run.held[--run.nheld];

		answer(req);
	}
}

static void
on_server_request(void *arg, struct mcp_request *req, const cJSON *params)
{
	(void)arg;
	if (params != NULL && !cJSON_IsObject(params))
		fail("request params that are not an object");
	if ((run.flags & 2) && run.nheld < MAX_HELD) {
		run.held[run.nheld++] = req;
		mcp_request_on_cancel(req, held_cancelled, NULL);
		event_active(run.answer_ev, 0, 0);
		return;
	}
	answer(req);
}

static void
on_log(void *arg, enum mcp_log_level level, const char *logger,
    const cJSON *data)
{
	(void)arg;
	if (level > MCP_LOG_EMERGENCY)
		fail("a log level out of range");
	if (logger != NULL)
		(void)strlen(logger);
	(void)data;
}

static void
on_list_changed(void *arg, const char *what)
{
	(void)arg;
	if (strcmp(what, "tools") != 0 && strcmp(what, "resources") != 0 &&
	    strcmp(what, "prompts") != 0)
		fail("list_changed for something else");
}

static void
on_updated(void *arg, const char *uri)
{
	(void)arg;
	(void)strlen(uri);
}

static void
on_notification(void *arg, const char *method, const cJSON *params)
{
	(void)arg;
	(void)params;
	(void)strlen(method);
}

static void
on_closed(void *arg, const char *reason)
{
	(void)arg;
	if (reason != NULL)
		(void)strlen(reason);
	if (++run.closed > 1)
		fail("on_closed ran twice");
	if (mcp_client_pending(run.c) != 0)
		fail("on_closed ran with calls still pending");
}

/* Start the calls whose ids the input may answer. */
static void
start_calls(void)
{
	struct mcp_client_call_opts co = { .on_progress = on_progress };
	struct mcp_client *c = run.c;
	struct call *cl = run.calls;

	run.started = true;
	cl[0].handle = mcp_client_list_tools(c, on_call_done, &cl[0]);
	cl[1].handle = mcp_client_call_tool(c, "slow",
	    mcp_json_parse_const("{\"steps\":3}"), &co, on_call_done, &cl[1]);
	cl[2].handle = mcp_client_read_resource(c, "test://x", on_call_done,
	    &cl[2]);
	cl[3].handle = mcp_client_get_prompt(c, "p",
	    mcp_json_parse_const("{\"a\":\"b\"}"), on_call_done, &cl[3]);
	cl[4].handle = mcp_client_complete(c, "ref/prompt", "p", "a", "b", NULL,
	    on_call_done, &cl[4]);
	cl[5].handle = mcp_client_ping(c, on_call_done, &cl[5]);
	cl[6].handle = mcp_client_subscribe(c, "test://x", on_call_done, &cl[6]);
	cl[7].handle = mcp_client_list_templates(c, on_call_done, &cl[7]);
}

static void
on_connected(void *arg, const struct mcp_response *r)
{
	(void)arg;
	if (++run.connect_done > 1)
		fail("connect's callback ran twice");
	if (r->code == 0) {
		if (!mcp_client_ready(run.c) ||
		    mcp_client_protocol_version(run.c) == NULL)
			fail("connected but not ready");
		start_calls();
	} else if (mcp_client_ready(run.c))
		fail("connect failed but the client is ready");
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *s = getenv("CLIENT_FUZZER_SHOW");

	(void)argc;
	(void)argv;
	show = s != NULL && strcmp(s, "1") == 0;
	base = event_base_new();
	if (base == NULL)
		fail("no event base");
	return 0;
}

/* Feed the input line by line through the in-process transport. */
static void
feed_lines(struct fz_transport *f, const char *p, const char *end)
{
	const char *half = p + (end - p) / 2, *nl;

	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		if (!f->closing)
			fz_deliver(f, p, (size_t)(nl - p));
		if ((run.flags & 16) && run.started && p <= half && nl >= half)
			mcp_client_cancel(run.c, run.calls[1].handle,
			    "the user pressed escape");
		event_base_loop(base, EVLOOP_NONBLOCK);
		p = nl + 1;
	}
}

/* Read and drop what the client wrote to the server's end. */
static void
drain(int fd)
{
	char buf[65536];

	while (read(fd, buf, sizeof buf) > 0)
		;
}

/* Feed the raw bytes through the stdio transport on a socketpair, in
 * pieces whose sizes the input's own bytes pick, so lines split and merge
 * across reads. */
static void
feed_stdio(int fd, const char *p, const char *end)
{
	const char *half = p + (end - p) / 2;
	bool cancelled = false;

	while (p < end) {
		size_t n = 1 + (size_t)(unsigned char)*p * 16;
		ssize_t w;

		if (n > (size_t)(end - p))
			n = (size_t)(end - p);
		w = write(fd, p, n);
		if (w > 0)
			p += w;
		else if (w < 0 && errno != EAGAIN && errno != EINTR)
			break;	/* the client hung up */
		if ((run.flags & 16) && run.started && !cancelled && p >= half) {
			mcp_client_cancel(run.c, run.calls[1].handle,
			    "the user pressed escape");
			cancelled = true;
		}
		event_base_loop(base, EVLOOP_NONBLOCK);
		drain(fd);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char init[] = "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":"
	    "{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{\"tools\":"
	    "{\"listChanged\":true},\"resources\":{\"subscribe\":true},"
	    "\"prompts\":{},\"logging\":{},\"completions\":{}},\"serverInfo\":"
	    "{\"name\":\"fuzz\",\"version\":\"1\"}}}";
	struct mcp_client_opts o = {
		.name = "client-fuzzer", .log = &quiet,
		.on_roots = on_server_request, .roots_list_changed = true,
		.on_sampling = on_server_request,
		.on_elicitation = on_server_request,
		.on_log = on_log, .on_list_changed = on_list_changed,
		.on_resource_updated = on_updated,
		.on_notification = on_notification, .on_closed = on_closed,
	};
	struct mcp_stdio_opts so = { .max_message = STDIO_MAX_MESSAGE,
	    .log = &quiet };
	const char *p = (const char *)data + 1, *end = (const char *)data + size;
	struct fz_transport *f = NULL;
	struct mcp_transport *t;
	int i, fd[2] = { -1, -1 };

	if (size < 1 || size > FUZZ_MAX_LEN)
		return 0;
	memset(&run, 0, sizeof run);
	run.flags = data[0];
	run.answer_ev = event_new(base, -1, 0, answer_held_cb, NULL);
	if (run.flags & 4) {
		o.on_roots = NULL;
		o.on_sampling = NULL;
		o.on_elicitation = NULL;
	}
	if (run.flags & 32) {
		if (socketpair(AF_UNIX, SOCK_STREAM, 0, fd) != 0)
			fail("no socketpair");
		fcntl(fd[1], F_SETFL, fcntl(fd[1], F_GETFL) | O_NONBLOCK);
		t = mcp_stdio_new(base, fd[0], fd[0], &so);
	} else {
		f = fz_new();
		t = &f->t;
	}
	run.c = mcp_client_new(base, t, &o);
	mcp_client_connect(run.c, on_connected, NULL);
	if (!(run.flags & 1) && f != NULL && !f->closing)
		fz_deliver(f, init, sizeof init - 1);
	else if (!(run.flags & 1) && (write(fd[1], init, sizeof init - 1) < 0 ||
	    write(fd[1], "\n", 1) < 0))
		fail("cannot write to the socketpair");
	event_base_loop(base, EVLOOP_NONBLOCK);

	if (f != NULL)
		feed_lines(f, p, end);
	else
		feed_stdio(fd[1], p, end);
	if ((run.flags & 8) && f != NULL) {
		f->eof = true;
		fz_close(&f->t);
	} else if (run.flags & 8)
		shutdown(fd[1], SHUT_WR);
	for (i = 0; i < DRAIN_TURNS; i++) {
		event_base_loop(base, EVLOOP_NONBLOCK);
		if (fd[1] >= 0)
			drain(fd[1]);
	}
	if ((run.flags & 8) && run.closed != 1)
		fail("the server's EOF did not close the client");

	mcp_client_free(run.c);
	/* Freeing answers what was held (the cancel hook) or frees it. */
	if (run.nheld != 0)
		fail("held server requests outlived the client");
	event_free(run.answer_ev);
	if (fd[0] >= 0) {
		close(fd[0]);
		close(fd[1]);
	}
	if (run.connect_done != 1)
		fail("connect's callback did not run exactly once");
	for (i = 0; run.started && i < NCALLS; i++) {
		if (run.calls[i].done != 1)
			fail("a call's callback did not run exactly once");
	}
	return 0;
}
