/*
 * libFuzzer target for JSON-RPC decoding (mcp/rpc.c) and the whole read
 * path above it. Each input is
 *  1. decoded as one message from an exact-size buffer (no NUL after it, so
 *     an over-read is caught); a valid message is re-encoded and decoded
 *     again, and kind, id, method and error code must survive, the encoded
 *     text must hold no raw newline, and a second round must print the same
 *     text;
 *  2. written into a fresh peer over the stdio transport (a socketpair on
 *     one static event loop, 4 KiB message limit) that also has requests of
 *     its own in flight, then EOF: framing, decoding, dispatch, answers,
 *     progress, cancellation and the close all run, and everything is freed.
 */
#include <sys/socket.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "mcp/json.h"
#include "mcp/peer.h"
#include "mcp/rpc.h"
#include "mcp/stdio.h"

/* Inputs above this are skipped; tests/fuzz/run.sh reads it as -max_len. */
#define FUZZ_MAX_LEN	1048576

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct event_base *base;
static const struct mcp_log quiet = { NULL, NULL, MCP_LOG_EMERGENCY, NULL };

static void
fail(const char *what)
{
	fprintf(stderr, "rpc-fuzzer: %s\n", what);
	abort();
}

static bool
same_str(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

/* Encode a decoded message back to text. */
static char *
encode(const struct mcp_rpc_msg *m, size_t *len)
{
	switch (m->kind) {
	case MCP_RPC_REQUEST:
		return mcp_rpc_encode_request(&m->id, m->method, m->params, len);
	case MCP_RPC_NOTIFICATION:
		return mcp_rpc_encode_notification(m->method, m->params, len);
	case MCP_RPC_RESULT:
		return mcp_rpc_encode_result(&m->id, m->result, len);
	case MCP_RPC_ERROR:
		return mcp_rpc_encode_error(&m->id, m->error_code,
		    m->error_message, m->error_data, len);
	default:
		fail("decoded an invalid message without error");
	}
	return NULL;
}

static void
check_decode(const uint8_t *data, size_t size)
{
	char *copy = malloc(size > 0 ? size : 1);
	struct mcp_rpc_msg m, m2, m3;
	struct mcp_err err = { 0, "" };
	char *s, *s2;
	size_t len, len2;

	memcpy(copy, data, size);
	if (mcp_rpc_decode(copy, size, &m, &err) != 0) {
		if (err.code != MCP_PARSE_ERROR && err.code != MCP_INVALID_REQUEST)
			fail("decode failed with an unexpected code");
		if (err.msg[0] == '\0' || strchr(err.msg, '\n') != NULL)
			fail("decode error message empty or not one line");
		/* What the peer would answer must itself be valid. */
		if (mcp_rpc_wants_error_reply(&m)) {
			s = mcp_rpc_encode_error(&m.id, err.code, err.msg, NULL,
			    &len);
			if (mcp_rpc_decode(s, len, &m2, NULL) != 0 ||
			    m2.kind != MCP_RPC_ERROR || !mcp_id_eq(&m.id, &m2.id))
				fail("error reply does not decode");
			mcp_rpc_msg_clear(&m2);
			free(s);
		}
		mcp_rpc_msg_clear(&m);
		free(copy);
		return;
	}
	if (err.code != 0)
		fail("decode succeeded but set an error");

	s = encode(&m, &len);
	if (memchr(s, '\n', len) != NULL || memchr(s, '\r', len) != NULL)
		fail("encoded message holds a raw line break");
	if (mcp_rpc_decode(s, len, &m2, &err) != 0) {
		fprintf(stderr, "re-encoded: %s\nerror: %s\n", s, err.msg);
		fail("re-encoded message does not decode");
	}
	if (m2.kind != m.kind || !mcp_id_eq(&m.id, &m2.id) ||
	    !same_str(m.method, m2.method) ||
	    (m.kind == MCP_RPC_ERROR && (m.error_code != m2.error_code ||
	    !same_str(m.error_message, m2.error_message))) ||
	    (m.params == NULL) != (m2.params == NULL)) {
		fprintf(stderr, "re-encoded: %s\n", s);
		fail("round trip changed kind, id, method or error");
	}
	/* After one round the text is stable. */
	s2 = encode(&m2, &len2);
	if (len2 != len || memcmp(s, s2, len) != 0) {
		fprintf(stderr, "first:  %s\nsecond: %s\n", s, s2);
		fail("encoding is not stable");
	}
	if (mcp_rpc_decode(s2, len2, &m3, NULL) != 0 || m3.kind != m.kind)
		fail("third decode failed");
	mcp_rpc_msg_clear(&m3);
	free(s2);
	mcp_rpc_msg_clear(&m2);
	free(s);
	mcp_rpc_msg_clear(&m);
	free(copy);
}

/* The peer */

struct run {
	struct mcp_peer *peer;
	int closed;
	int responses;
	int expected_responses;
	bool stop;
};

static void
on_response(void *arg, const struct mcp_response *r)
{
	struct run *run = arg;

	run->responses++;
	if (r->code == 0 && r->result == NULL)
		fail("success without a result");
	if (run->responses > run->expected_responses)
		fail("a response callback ran twice");
}

static void
on_progress(void *arg, double progress, double total, const char *message)
{
	(void)arg;
	(void)progress;
	(void)total;
	(void)message;
}

static void
on_cancel(void *arg, struct mcp_request *req)
{
	(void)arg;
	if (!mcp_request_cancelled(req))
		fail("cancel hook on a request that is not cancelled");
}

static void
on_request(void *arg, struct mcp_request *req)
{
	const char *m = mcp_request_method(req);

	(void)arg;
	if (mcp_request_wants_progress(req)) {
		mcp_request_progress(req, 1, 2, "half");
		mcp_request_progress(req, 1, 2, NULL);	/* refused */
	}
	mcp_request_on_cancel(req, on_cancel, NULL);
	if (m[0] == 'f')
		mcp_request_fail(req, MCP_INVALID_PARAMS, m, NULL);
	else
		mcp_request_reply(req, mcp_request_params(req) != NULL ?
		    cJSON_Duplicate(mcp_request_params(req), 1) : NULL);
}

static void
on_notification(void *arg, const char *method, const cJSON *params)
{
	(void)arg;
	(void)method;
	(void)params;
}

static void
on_closed(void *arg, const char *reason)
{
	struct run *run = arg;

	(void)reason;
	run->closed++;
	if (run->closed > 1)
		fail("closed twice");
}

static void
stop_cb(evutil_socket_t fd, short events, void *arg)
{
	(void)fd;
	(void)events;
	*(bool *)arg = true;
}

/* Read and drop what the peer wrote. */
static void
drain(int fd)
{
	char buf[65536];

	while (read(fd, buf, sizeof buf) > 0)
		;
}

static void
check_peer(const uint8_t *data, size_t size)
{
	struct mcp_stdio_opts so = { 4096, &quiet };
	struct mcp_peer_opts po = { 1000, 2000, 8, &quiet };
	struct mcp_call_opts co = { 0, 0, on_progress };
	struct run run = { NULL, 0, 0, 0, false };
	struct event *guard;
	struct timeval tv = { 5, 0 };
	int sv[2];
	size_t off = 0;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
		fail("socketpair");
	fcntl(sv[1], F_SETFL, O_NONBLOCK);
	run.peer = mcp_peer_new(base, mcp_stdio_new(base, sv[0], sv[0], &so),
	    &po);
	mcp_peer_set_handlers(run.peer, on_request, on_notification, NULL);
	mcp_peer_set_closed_cb(run.peer, on_closed, &run);

	/* Requests of our own, ids 1..3, for responses, progress and
	 * cancellation in the input to land on. */
	run.expected_responses = 3;
	mcp_peer_request(run.peer, "a", NULL, &co, on_response, &run);
	mcp_peer_request(run.peer, "b", cJSON_CreateObject(), NULL,
	    on_response, &run);
	mcp_peer_request(run.peer, "c", NULL, &co, on_response, &run);

	guard = evtimer_new(base, stop_cb, &run.stop);
	evtimer_add(guard, &tv);
	while (off < size && !run.stop && run.closed == 0) {
		ssize_t n = write(sv[1], data + off, size - off);

		if (n > 0)
			off += (size_t)n;
		else if (n < 0 && errno != EAGAIN && errno != EINTR)
			break;
		event_base_loop(base, EVLOOP_NONBLOCK);
		drain(sv[1]);
	}
	if (run.closed == 0 && !run.stop) {
		/* Cancel one of ours, then end the input. */
		mcp_peer_cancel(run.peer, 3, "fuzz");
		shutdown(sv[1], SHUT_WR);
	}
	while (run.closed == 0 && !run.stop) {
		event_base_loop(base, EVLOOP_ONCE);
		drain(sv[1]);
	}
	if (run.stop)
		fail("the peer did not close within 5 s of EOF");
	if (run.responses != 3 || mcp_peer_pending(run.peer) != 0)
		fail("an outstanding request was not failed at close");
	event_free(guard);
	mcp_peer_free(run.peer);
	close(sv[0]);
	close(sv[1]);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	signal(SIGPIPE, SIG_IGN);
	base = event_base_new();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > FUZZ_MAX_LEN)
		return 0;
	check_decode(data, size);
	check_peer(data, size);
	return 0;
}
