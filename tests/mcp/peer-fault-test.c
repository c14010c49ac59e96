/*
 * The peer layer under faults: a peer that dies mid-message, one that never
 * answers, floods, garbage, oversize lines, a reader that goes away, and
 * handlers that close the connection under the reader's feet.
 */
#include <sys/socket.h>
#include <errno.h>
#include <malloc.h>
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

static struct testutil_log logs;
static const struct mcp_log quiet = { testutil_log_fn, &logs, MCP_LOG_DEBUG,
    "test" };

struct outcome {
	int calls;
	int code;
	char message[256];
};

static void
on_response(void *arg, const struct mcp_response *r)
{
	struct outcome *o = arg;

	o->calls++;
	o->code = r->code;
	snprintf(o->message, sizeof o->message, "%s",
	    r->message != NULL ? r->message : "");
}

/* The serving side. */
struct server {
	struct mcp_peer *peer;
	int requests;
	int notifications;
	int64_t last_i;
	bool in_order;
	int close_at;			/* close the peer at this notification */
	struct mcp_request *held[64];
	int nheld;
	int cancels;
};

static void
held_cancelled(void *arg, struct mcp_request *req)
{
	struct server *srv = arg;

	(void)req;
	srv->cancels++;
}

static void
server_on_request(void *arg, struct mcp_request *req)
{
	struct server *srv = arg;

	srv->requests++;
	if (strcmp(mcp_request_method(req), "hold") == 0 && srv->nheld < 64) {
		mcp_request_on_cancel(req, held_cancelled, srv);
		srv->held[srv->nheld++] = req;
		return;
	}
	mcp_request_reply(req, NULL);
}

static void
server_on_notification(void *arg, const char *method, const cJSON *params)
{
	struct server *srv = arg;
	int64_t i = -1;

	(void)method;
	srv->notifications++;
	if (mcp_json_int(params, "params", "i", true, &i, NULL, NULL) == 0) {
		if (i != srv->last_i + 1)
			srv->in_order = false;
		srv->last_i = i;
	}
	if (srv->close_at > 0 && srv->notifications == srv->close_at)
		mcp_peer_close(srv->peer);
}

/* One peer against raw bytes. Replies are counted as they come and only
 * the last line is kept, so a flood of answers cannot fill anything. */
struct raw {
	int fd[2];
	struct mcp_peer *peer;
	struct server srv;
	struct testutil_closed closed;
	struct event *ev;
	char part[1 << 16];
	size_t plen;
	int lines;
	char last[4096];
	bool eof;
};

static void
raw_read_cb(evutil_socket_t fd, short events, void *arg)
{
	struct raw *r = arg;
	char buf[65536];
	ssize_t n, i;

	(void)events;
	n = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
	if (n == 0)
		r->eof = true;
	if (n <= 0) {
		if (n == 0 || (errno != EAGAIN && errno != EINTR))
			event_del(r->ev);
		return;
	}
	for (i = 0; i < n; i++) {
		if (buf[i] != '\n') {
			if (r->plen < sizeof r->part - 1)
				r->part[r->plen++] = buf[i];
			continue;
		}
		if (r->plen >= sizeof r->last)
			r->plen = sizeof r->last - 1;
		memcpy(r->last, r->part, r->plen);
		r->last[r->plen] = '\0';
		r->plen = 0;
		r->lines++;
	}
}

static void
raw_open(struct raw *r, const struct mcp_peer_opts *po,
    const struct mcp_stdio_opts *so)
{
	struct mcp_stdio_opts dso = { 0, &quiet };
	struct mcp_peer_opts dpo = { 0, 0, 0, &quiet };

	memset(r, 0, sizeof *r);
	r->srv.in_order = true;
	r->srv.last_i = -1;
	testutil_socketpair(r->fd);
	r->peer = mcp_peer_new(base, mcp_stdio_new(base, r->fd[0], r->fd[0],
	    so != NULL ? so : &dso), po != NULL ? po : &dpo);
	r->srv.peer = r->peer;
	mcp_peer_set_handlers(r->peer, server_on_request,
	    server_on_notification, &r->srv);
	mcp_peer_set_closed_cb(r->peer, testutil_on_closed, &r->closed);
	r->ev = event_new(base, r->fd[1], EV_READ | EV_PERSIST, raw_read_cb, r);
	event_add(r->ev, NULL);
}

static void
raw_free(struct raw *r)
{
	mcp_peer_free(r->peer);
	event_free(r->ev);
	close(r->fd[0]);
	if (r->fd[1] >= 0)
		close(r->fd[1]);
}

/* Write bytes while the loop runs (the peer answers as we write); a write
 * error (the peer went away) ends it. */
static void
raw_write(struct raw *r, const void *buf, size_t len)
{
	testutil_pump(base, r->fd[1], buf, len);
}

static void
raw_send(struct raw *r, const char *s)
{
	raw_write(r, s, strlen(s));
}

/* Wait for the reply count to reach n; the last line. */
static const char *
raw_reply(struct raw *r, int n)
{
	CHECK(testutil_wait_count(base, &r->lines, n, 2000));
	return r->last;
}

/* Tests */

/* The other side dies in the middle of a message: the fragment is
 * dropped (and logged), the close is orderly and reported once, pending
 * requests fail once. */
static void
closes_mid_message(void)
{
	struct raw r;
	struct outcome o = { 0 };

	raw_open(&r, NULL, NULL);
	mcp_peer_request(r.peer, "x", NULL, NULL, on_response, &o);
	CHECK_STR(raw_reply(&r, 1), "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"x\"}");
	raw_send(&r, "{\"jsonrpc\":\"2.0\",\"id\":1,\"res");
	testutil_spin(base, 20);
	close(r.fd[1]);
	r.fd[1] = -1;
	CHECK(testutil_wait_count(base, &r.closed.calls, 1, 2000));
	CHECK(r.closed.null_reason);
	CHECK_EQ_INT(o.calls, 1);
	CHECK_EQ_INT(o.code, MCP_CONNECTION_CLOSED);
	CHECK_STR(logs.last, "stdio: peer closed in the middle of a message; "
	    "28 bytes discarded");
	CHECK_EQ_INT(r.srv.requests, 0);
	testutil_spin(base, 30);
	CHECK_EQ_INT(r.closed.calls, 1);
	CHECK_EQ_INT(o.calls, 1);
	raw_free(&r);
}

/* A request half received when the other side goes: never dispatched. */
static void
closes_mid_request(void)
{
	struct raw r;

	raw_open(&r, NULL, NULL);
	raw_send(&r, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}\n"
	    "{\"jsonrpc\":\"2.0\",\"id\":2,\"meth");
	CHECK_STR(raw_reply(&r, 1), "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}");
	shutdown(r.fd[1], SHUT_WR);
	CHECK(testutil_wait_count(base, &r.closed.calls, 1, 2000));
	CHECK(r.closed.null_reason);
	testutil_spin(base, 20);
	CHECK_EQ_INT(r.lines, 1);
	CHECK_EQ_INT(r.srv.requests, 0);
	raw_free(&r);
}

/* A peer that reads but never answers: each of many requests times out
 * exactly once, with a cancellation sent for each. */
static void
never_answers(void)
{
	struct mcp_peer_opts po = { 100, 0, 0, &quiet };
	struct mcp_call_opts co = { 60, 0, NULL };
	struct outcome o[200];
	struct raw r;
	int64_t t0 = testutil_now_ms();
	int i, timeouts = 0, calls = 0;

	memset(o, 0, sizeof o);
	raw_open(&r, &po, NULL);
	/* Half on the peer's default timeout (the common-timeout queue),
	 * half with their own. */
	for (i = 0; i < 200; i++)
		mcp_peer_request(r.peer, "tools/call", NULL, i % 2 ? &co : NULL,
		    on_response, &o[i]);
	CHECK_EQ_INT(mcp_peer_pending(r.peer), 200);
	/* 200 requests and 200 cancellations come out. */
	CHECK(testutil_wait_count(base, &r.lines, 400, 3000));
	CHECK(testutil_now_ms() - t0 >= 80);	/* libevent timers: a coarse clock */
	testutil_spin(base, 50);
	for (i = 0; i < 200; i++) {
		calls += o[i].calls;
		if (o[i].calls == 1 && o[i].code == MCP_REQUEST_TIMEOUT)
			timeouts++;
	}
	CHECK_EQ_INT(timeouts, 200);
	CHECK_EQ_INT(calls, 200);
	CHECK_EQ_INT(mcp_peer_pending(r.peer), 0);
	CHECK_EQ_INT(r.lines, 400);
	CHECK_CONTAINS(r.last, "\"method\":\"notifications/cancelled\"");
	CHECK_STR(o[0].message, "request timed out after 100 ms without progress");
	CHECK_STR(o[1].message, "request timed out after 60 ms without progress");
	raw_free(&r);
}

/* 100k notifications: all delivered in order, none answered, and memory
 * back where it started (no per-message growth). */
static void
notification_flood(void)
{
	struct raw r;
	char *chunk = mcp_xmalloc(1 << 20);
	size_t len;
	int i, j;
	struct mallinfo2 before, after;
	struct outcome o = { 0 };

	raw_open(&r, NULL, NULL);
	/* Warm up the buffers before measuring. */
	raw_send(&r, "{\"jsonrpc\":\"2.0\",\"method\":\"n\",\"params\":{\"w\":0}}\n");
	CHECK(testutil_wait_count(base, &r.srv.notifications, 1, 2000));
	r.srv.notifications = 0;
	before = mallinfo2();
	for (i = 0; i < 100000; i += 1000) {
		len = 0;
		for (j = i; j < i + 1000; j++)
			len += (size_t)sprintf(chunk + len,
			    "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/"
			    "message\",\"params\":{\"i\":%d,\"level\":\"info\"}}\n",
			    j);
		raw_write(&r, chunk, len);
	}
	CHECK(testutil_wait_count(base, &r.srv.notifications, 100000, 5000));
	CHECK_EQ_INT(r.srv.notifications, 100000);
	CHECK(r.srv.in_order);
	CHECK_EQ_INT(r.srv.last_i, 99999);
	testutil_spin(base, 20);
	after = mallinfo2();
	/* mallinfo2 means nothing under ASan's allocator (it reports 0). */
	if (before.uordblks > 0)
		CHECK(after.uordblks < before.uordblks + (512 << 10));

	CHECK_EQ_INT(r.lines, 0);
	/* Still answering. */
	mcp_peer_request(r.peer, "ping", NULL, NULL, on_response, &o);
	CHECK(testutil_wait_count(base, &r.lines, 1, 2000));
	raw_send(&r, "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}\n");
	CHECK(testutil_wait_count(base, &o.calls, 1, 2000));
	CHECK_EQ_INT(o.code, 0);
	free(chunk);
	raw_free(&r);
}

/* The same flood between two peers, sent as fast as notify allows. */
static void
notification_flood_between_peers(void)
{
	struct mcp_stdio_opts so = { 0, &quiet };
	struct mcp_peer_opts po = { 0, 0, 0, &quiet };
	struct server srv;
	struct mcp_peer *a, *b;
	int sv[2], i;

	memset(&srv, 0, sizeof srv);
	srv.in_order = true;
	srv.last_i = -1;
	testutil_socketpair(sv);
	a = mcp_peer_new(base, mcp_stdio_new(base, sv[0], sv[0], &so), &po);
	b = mcp_peer_new(base, mcp_stdio_new(base, sv[1], sv[1], &so), &po);
	srv.peer = b;
	mcp_peer_set_handlers(b, server_on_request, server_on_notification,
	    &srv);
	for (i = 0; i < 100000; i++) {
		cJSON *params = cJSON_CreateObject();

		mcp_json_add_num(params, "i", i);
		CHECK_EQ_INT(mcp_peer_notify(a, "n", params), 0);
		if (i % 5000 == 0)
			event_base_loop(base, EVLOOP_NONBLOCK);
	}
	CHECK(testutil_wait_count(base, &srv.notifications, 100000, 5000));
	CHECK(srv.in_order);
	CHECK_EQ_INT(srv.last_i, 99999);
	mcp_peer_free(a);
	mcp_peer_free(b);
	close(sv[0]);
	close(sv[1]);
}

/* Random garbage lines: every one is either answered with an error or
 * dropped, nothing is dispatched, and the peer keeps serving. */
static void
garbage_lines(void)
{
	static const char alphabet[] = "{}[]\":,0123456789-.eE+truefalsnl \t\\/u"
	    "abcxyz\x01\x7f\xc3\xa9\xff\xed\xa0";
	struct raw r;
	char line[512];
	uint32_t rnd = 99;
	int i, k, n, replies;

	raw_open(&r, NULL, NULL);
	for (i = 0; i < 2000; i++) {
		rnd = rnd * 1103515245u + 12345u;
		n = 1 + (int)((rnd >> 16) % 200);
		for (k = 0; k < n; k++) {
			rnd = rnd * 1103515245u + 12345u;
			line[k] = alphabet[(rnd >> 16) % (sizeof alphabet - 1)];
		}
		line[0] = (i % 3 == 0) ? '{' : line[0];
		line[n] = '\n';
		raw_write(&r, line, (size_t)n + 1);
	}
	testutil_spin(base, 100);
	replies = r.lines;
	CHECK(replies > 0 && replies <= 2000);
	CHECK_CONTAINS(r.last, "\"error\":{\"code\":-32");
	CHECK_EQ_INT(r.srv.requests, 0);
	CHECK_EQ_INT(r.closed.calls, 0);
	raw_send(&r, "{\"jsonrpc\":\"2.0\",\"id\":\"after\",\"method\":\"ping\"}\n");
	CHECK_STR(raw_reply(&r, replies + 1),
	    "{\"jsonrpc\":\"2.0\",\"id\":\"after\",\"result\":{}}");
	raw_free(&r);
}

/* With a 1 KiB limit: an oversize line is dropped with an error reply
 * (no id: it was never read), and the next message is served. */
static void
oversize_message(void)
{
	struct mcp_stdio_opts so = { 1024, &quiet };
	struct raw r;
	char *big = mcp_xmalloc(8192);
	int n;

	raw_open(&r, NULL, &so);
	n = sprintf(big, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\","
	    "\"params\":{\"s\":\"");
	memset(big + n, 'x', 5000);
	n += 5000;
	n += sprintf(big + n, "\"}}\n");
	raw_write(&r, big, (size_t)n);
	raw_send(&r, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\"}\n");
	CHECK(testutil_wait_count(base, &r.lines, 2, 2000));
	CHECK_STR(r.last, "{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":{}}");
	CHECK_EQ_INT(r.lines, 2);
	CHECK_EQ_INT(r.srv.requests, 0);

	/* Many oversize lines in a row, then a good one. */
	for (n = 0; n < 50; n++) {
		memset(big, 'y', 3000);
		big[3000] = '\n';
		raw_write(&r, big, 3001);
	}
	raw_send(&r, "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"ping\"}\n");
	CHECK(testutil_wait_count(base, &r.lines, 53, 2000));
	CHECK_STR(r.last, "{\"jsonrpc\":\"2.0\",\"id\":3,\"result\":{}}");
	CHECK_EQ_INT(r.closed.calls, 0);
	free(big);
	raw_free(&r);
}

/* The reader goes away: the write error closes the peer with a reason,
 * and pending requests fail with it. */
static void
reader_goes_away(void)
{
	struct raw r;
	struct outcome o = { 0 }, o2 = { 0 };

	raw_open(&r, NULL, NULL);
	mcp_peer_request(r.peer, "x", NULL, NULL, on_response, &o);
	CHECK(testutil_wait_count(base, &r.lines, 1, 2000));
	event_del(r.ev);
	close(r.fd[1]);
	r.fd[1] = -1;
	mcp_peer_request(r.peer, "y", NULL, NULL, on_response, &o2);
	CHECK(testutil_wait_count(base, &r.closed.calls, 1, 2000));
	CHECK_EQ_INT(o.calls, 1);
	CHECK_EQ_INT(o.code, MCP_CONNECTION_CLOSED);
	CHECK_EQ_INT(o2.calls, 1);
	/* Whichever the transport saw first: EOF or the failed write. */
	if (r.closed.null_reason)
		CHECK_STR(o.message, "connection closed");
	else {
		CHECK_STR(r.closed.reason, "write: Broken pipe");
		CHECK_STR(o.message, "connection closed: write: Broken pipe");
	}
	testutil_spin(base, 20);
	CHECK_EQ_INT(r.closed.calls, 1);
	raw_free(&r);
}

/* Only the write side goes: the peer hears of it through the failed write
 * although it can still read. */
static void
write_side_shut(void)
{
	struct raw r;
	struct outcome o = { 0 };

	raw_open(&r, NULL, NULL);
	shutdown(r.fd[1], SHUT_RD);
	mcp_peer_request(r.peer, "x", NULL, NULL, on_response, &o);
	CHECK(testutil_wait_count(base, &r.closed.calls, 1, 2000));
	CHECK_STR(r.closed.reason, "write: Broken pipe");
	CHECK_EQ_INT(o.calls, 1);
	CHECK_STR(o.message, "connection closed: write: Broken pipe");
	raw_free(&r);
}

/* A handler closes the peer in the middle of a batch of lines: the rest
 * are not dispatched, the close is reported once. */
static void
handler_closes_mid_batch(void)
{
	struct raw r;
	char batch[4096];
	size_t len = 0;
	int i;

	raw_open(&r, NULL, NULL);
	r.srv.close_at = 3;
	for (i = 0; i < 10; i++)
		len += (size_t)sprintf(batch + len,
		    "{\"jsonrpc\":\"2.0\",\"method\":\"n\",\"params\":{\"i\":%d}}\n",
		    i);
	len += (size_t)sprintf(batch + len,
	    "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}\n");
	raw_write(&r, batch, len);
	CHECK(testutil_wait_count(base, &r.closed.calls, 1, 2000));
	testutil_spin(base, 30);
	CHECK_EQ_INT(r.srv.notifications, 3);
	CHECK_EQ_INT(r.closed.calls, 1);
	CHECK(r.closed.null_reason);
	CHECK_EQ_INT(r.lines, 0);
	raw_free(&r);
}

/* Requests held by the handler when the connection dies: cancelled once,
 * and answering them afterwards is harmless. */
static void
held_requests_when_closed(void)
{
	struct raw r;
	int i;

	raw_open(&r, NULL, NULL);
	for (i = 0; i < 5; i++) {
		char line[128];

		snprintf(line, sizeof line,
		    "{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"hold\"}\n", i);
		raw_send(&r, line);
	}
	CHECK(testutil_wait_count(base, &r.srv.nheld, 5, 2000));
	close(r.fd[1]);
	r.fd[1] = -1;
	CHECK(testutil_wait_count(base, &r.closed.calls, 1, 2000));
	CHECK_EQ_INT(r.srv.cancels, 5);
	for (i = 0; i < 5; i++) {
		CHECK(mcp_request_cancelled(r.srv.held[i]));
		CHECK_EQ_INT(mcp_request_progress(r.srv.held[i], 1, 2, NULL), 0);
		if (i % 2)
			mcp_request_reply(r.srv.held[i], cJSON_CreateObject());
		else
			mcp_request_fail(r.srv.held[i], 1, "late", NULL);
	}
	raw_free(&r);
}

/* Two messages glued without a newline are one bad line; a message
 * right after is fine. */
static void
glued_messages(void)
{
	struct raw r;

	raw_open(&r, NULL, NULL);
	raw_send(&r, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}"
	    "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\"}\n"
	    "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"ping\"}\n");
	CHECK(testutil_wait_count(base, &r.lines, 2, 2000));
	testutil_spin(base, 20);
	CHECK_EQ_INT(r.lines, 2);
	CHECK_STR(r.last, "{\"jsonrpc\":\"2.0\",\"id\":3,\"result\":{}}");
	raw_free(&r);
}

int
main(void)
{
	signal(SIGPIPE, SIG_IGN);
	base = event_base_new();
	HARNESS_BEGIN("peer-fault");
	HARNESS_WATCHDOG();
	TEST(closes_mid_message);
	TEST(closes_mid_request);
	TEST(never_answers);
	TEST(notification_flood);
	TEST(notification_flood_between_peers);
	TEST(garbage_lines);
	TEST(oversize_message);
	TEST(reader_goes_away);
	TEST(write_side_shut);
	TEST(handler_closes_mid_batch);
	TEST(held_requests_when_closed);
	TEST(glued_messages);
	event_base_free(base);
	return HARNESS_END();
}
