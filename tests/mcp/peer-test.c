/*
 * The peer layer (mcp/peer.c) end to end: two peers in one process, joined
 * by a socketpair through the stdio transport on one event loop, or one
 * peer facing raw JSON lines that the test writes and reads itself.
 */
#include <math.h>
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

/* Outgoing request results */

struct outcome {
	int calls;
	int code;
	char message[256];
	char *result;		/* printed result, or NULL */
	char *data;		/* printed error data, or NULL */
	int64_t at_ms;
	int progress_calls;
	double progress[64];
	double total;
	char progress_msg[64];
	int64_t n;		/* many_in_flight: the "n" its answer carried */
};

static void
outcome_reset(struct outcome *o)
{
	free(o->result);
	free(o->data);
	memset(o, 0, sizeof *o);
}

static void
on_response(void *arg, const struct mcp_response *r)
{
	struct outcome *o = arg;

	o->calls++;
	o->code = r->code;
	o->at_ms = testutil_now_ms();
	snprintf(o->message, sizeof o->message, "%s",
	    r->message != NULL ? r->message : "");
	free(o->result);
	free(o->data);
	o->result = r->result != NULL ? mcp_json_print(r->result, NULL) : NULL;
	o->data = r->data != NULL ? mcp_json_print(r->data, NULL) : NULL;
}

static void
on_progress(void *arg, double progress, double total, const char *message)
{
	struct outcome *o = arg;

	if (o->progress_calls < 64)
		o->progress[o->progress_calls] = progress;
	o->progress_calls++;
	o->total = total;
	snprintf(o->progress_msg, sizeof o->progress_msg, "%s",
	    message != NULL ? message : "(null)");
}

/* The serving side: a handler that acts by method name. */

struct server {
	struct mcp_peer *peer;
	int requests;			/* handler calls */
	int notifications;
	char last_method[64];
	char last_params[256];
	struct mcp_request *held[2048];	/* "hold": answered by the test */
	int nheld;
	int cancels;			/* cancel hooks run */
	int jobs_live;
};

/* A request answered later from a timer. */
struct job {
	struct server *srv;
	struct mcp_request *req;
	struct event *ev;
	int ticks, max_ticks;		/* progress ticks */
	bool reply_when_cancelled;
};

static void
job_free(struct job *j)
{
	j->srv->jobs_live--;
	event_free(j->ev);
	free(j);
}

static void
job_tick(evutil_socket_t fd, short events, void *arg)
{
	struct job *j = arg;
	struct timeval tv = { 0, 50000 };
	cJSON *result;

	(void)fd;
	(void)events;
	if (j->max_ticks < 0 || j->ticks < j->max_ticks) {
		j->ticks++;
		mcp_request_progress(j->req, j->ticks, j->max_ticks > 0 ?
		    j->max_ticks : NAN, "working");
		evtimer_add(j->ev, &tv);
		return;
	}
	result = cJSON_CreateObject();
	mcp_json_add_num(result, "ticks", j->ticks);
	mcp_request_reply(j->req, result);
	job_free(j);
}

static void
job_cancelled(void *arg, struct mcp_request *req)
{
	struct job *j = arg;

	j->srv->cancels++;
	CHECK(mcp_request_cancelled(req));
	if (!j->reply_when_cancelled) {
		/* Stop the work; the answer is not sent. */
		mcp_request_fail(req, MCP_REQUEST_CANCELLED, NULL, NULL);
		job_free(j);
	}
	/* else: keep going, the late answer must be swallowed. */
}

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
	const char *m = mcp_request_method(req);
	const cJSON *params = mcp_request_params(req);
	char *p;

	srv->requests++;
	snprintf(srv->last_method, sizeof srv->last_method, "%s", m);
	p = params != NULL ? mcp_json_print(params, NULL) : NULL;
	snprintf(srv->last_params, sizeof srv->last_params, "%s",
	    p != NULL ? p : "(none)");
	free(p);
	CHECK(mcp_request_peer(req) == srv->peer);

	if (strcmp(m, "echo") == 0) {
		mcp_request_reply(req, params != NULL ?
		    cJSON_Duplicate(params, 1) : NULL);
	} else if (strcmp(m, "fail") == 0) {
		mcp_request_fail(req, MCP_INVALID_PARAMS, "bad thing: no x",
		    mcp_json_parse_const("{\"field\":\"x\"}"));
	} else if (strcmp(m, "hold") == 0 || strcmp(m, "initialize") == 0) {
		CHECK(srv->nheld < 2048);
		mcp_request_on_cancel(req, held_cancelled, srv);
		srv->held[srv->nheld++] = req;
	} else if (strcmp(m, "delay") == 0 || strcmp(m, "progress") == 0 ||
	    strcmp(m, "forever") == 0 || strcmp(m, "stubborn") == 0) {
		struct job *j = mcp_xcalloc(1, sizeof *j);
		int64_t ms = 20;
		struct timeval tv;

		j->srv = srv;
		j->req = req;
		j->ev = evtimer_new(base, job_tick, j);
		srv->jobs_live++;
		if (strcmp(m, "progress") == 0) {
			mcp_json_int(params, "params", "ticks", false,
			    &ms, NULL, NULL);
			j->max_ticks = (int)ms;
			ms = 50;
		} else if (strcmp(m, "forever") == 0) {
			j->max_ticks = -1;
			ms = 50;
		} else if (strcmp(m, "stubborn") == 0) {
			/* Answers after 300 ms whatever happens. */
			j->reply_when_cancelled = true;
			ms = 300;
		} else
			mcp_json_int(params, "params", "ms", false, &ms, NULL,
			    NULL);
		mcp_request_on_cancel(req, job_cancelled, j);
		tv.tv_sec = ms / 1000;
		tv.tv_usec = (ms % 1000) * 1000;
		evtimer_add(j->ev, &tv);
	} else
		mcp_request_fail(req, MCP_METHOD_NOT_FOUND, NULL, NULL);
}

static void
server_on_notification(void *arg, const char *method, const cJSON *params)
{
	struct server *srv = arg;
	char *p = params != NULL ? mcp_json_print(params, NULL) : NULL;

	srv->notifications++;
	snprintf(srv->last_method, sizeof srv->last_method, "%s", method);
	snprintf(srv->last_params, sizeof srv->last_params, "%s",
	    p != NULL ? p : "(none)");
	free(p);
}

/* Two peers joined by a socketpair. a is the "client", b the "server",
 * although either may do both. */
struct pair {
	int fd[2];
	struct mcp_peer *a, *b;
	struct server sa, sb;
	struct testutil_closed ca, cb;
};

static void
pair_open(struct pair *p, const struct mcp_peer_opts *oa,
    const struct mcp_peer_opts *ob)
{
	struct mcp_stdio_opts so = { 0, &quiet };
	struct mcp_peer_opts def = { 0, 0, 0, &quiet };

	memset(p, 0, sizeof *p);
	testutil_socketpair(p->fd);
	p->a = mcp_peer_new(base, mcp_stdio_new(base, p->fd[0], p->fd[0], &so),
	    oa != NULL ? oa : &def);
	p->b = mcp_peer_new(base, mcp_stdio_new(base, p->fd[1], p->fd[1], &so),
	    ob != NULL ? ob : &def);
	p->sa.peer = p->a;
	p->sb.peer = p->b;
	mcp_peer_set_handlers(p->a, server_on_request, server_on_notification,
	    &p->sa);
	mcp_peer_set_handlers(p->b, server_on_request, server_on_notification,
	    &p->sb);
	mcp_peer_set_closed_cb(p->a, testutil_on_closed, &p->ca);
	mcp_peer_set_closed_cb(p->b, testutil_on_closed, &p->cb);
}

static void
pair_free(struct pair *p)
{
	mcp_peer_free(p->a);
	mcp_peer_free(p->b);
	if (p->fd[0] >= 0)
		close(p->fd[0]);
	if (p->fd[1] >= 0)
		close(p->fd[1]);
}

/* One peer against raw lines. */
struct raw {
	int fd[2];			/* fd[0]: the peer's, fd[1]: ours */
	struct mcp_peer *peer;
	struct server srv;
	struct testutil_closed closed;
	struct testutil_lines *lines;	/* what the peer wrote */
};

static void
raw_open(struct raw *r, const struct mcp_peer_opts *opts, bool handlers)
{
	struct mcp_stdio_opts so = { 0, &quiet };
	struct mcp_peer_opts def = { 0, 0, 0, &quiet };

	memset(r, 0, sizeof *r);
	testutil_socketpair(r->fd);
	r->peer = mcp_peer_new(base, mcp_stdio_new(base, r->fd[0], r->fd[0],
	    &so), opts != NULL ? opts : &def);
	r->srv.peer = r->peer;
	if (handlers)
		mcp_peer_set_handlers(r->peer, server_on_request,
		    server_on_notification, &r->srv);
	mcp_peer_set_closed_cb(r->peer, testutil_on_closed, &r->closed);
	r->lines = testutil_lines_new(base, r->fd[1]);
}

static void
raw_free(struct raw *r)
{
	mcp_peer_free(r->peer);
	testutil_lines_free(r->lines);
	close(r->fd[0]);
	if (r->fd[1] >= 0)
		close(r->fd[1]);
}

static void
raw_send(struct raw *r, const char *line)
{
	testutil_write(base, r->fd[1], line, strlen(line));
}

/* The next line the peer wrote within 2 s is exactly want; or no line
 * within ms. */
#define CHECK_LINE(r, want) TESTUTIL_CHECK_LINE((r)->lines, (want))
#define CHECK_NO_LINE(r, ms) TESTUTIL_CHECK_NO_LINE((r)->lines, (ms))

/* Tests */

static void
request_response(void)
{
	struct pair p;
	struct outcome o = { 0 };
	int64_t id;

	pair_open(&p, NULL, NULL);
	id = mcp_peer_request(p.a, "echo",
	    mcp_json_parse_const("{\"x\":1,\"s\":\"a\\nb\"}"), NULL,
	    on_response, &o);
	CHECK(id > 0);
	CHECK_EQ_INT(mcp_peer_pending(p.a), 1);
	CHECK_EQ_INT(o.calls, 0);	/* never from inside the call */
	CHECK(testutil_wait_count(base, &o.calls, 1, 2000));
	CHECK_EQ_INT(o.code, 0);
	CHECK_STR(o.result, "{\"x\":1,\"s\":\"a\\nb\"}");
	CHECK_STR(o.message, "");
	CHECK_EQ_INT(mcp_peer_pending(p.a), 0);
	CHECK_STR(p.sb.last_method, "echo");

	/* An error answer carries code, message and data. */
	outcome_reset(&o);
	mcp_peer_request(p.a, "fail", NULL, NULL, on_response, &o);
	CHECK(testutil_wait_count(base, &o.calls, 1, 2000));
	CHECK_EQ_INT(o.code, MCP_INVALID_PARAMS);
	CHECK_STR(o.message, "bad thing: no x");
	CHECK_STR(o.data, "{\"field\":\"x\"}");
	CHECK(o.result == NULL);
	testutil_spin(base, 20);
	CHECK_EQ_INT(o.calls, 1);
	outcome_reset(&o);
	pair_free(&p);
}

/* The handler answers from a timer, after the request returned. */
static void
async_reply_from_timer(void)
{
	struct pair p;
	struct outcome o = { 0 };
	int64_t t0 = testutil_now_ms();

	pair_open(&p, NULL, NULL);
	mcp_peer_request(p.a, "delay", mcp_json_parse_const("{\"ms\":80}"),
	    NULL, on_response, &o);
	CHECK(testutil_wait_count(base, &o.calls, 1, 3000));
	CHECK_EQ_INT(o.code, 0);
	CHECK(o.at_ms - t0 >= 75);
	CHECK_EQ_INT(p.sb.jobs_live, 0);
	outcome_reset(&o);
	pair_free(&p);
}

/* 1000 requests in flight, answered in a scrambled order from timers:
 * each callback gets its own answer, exactly once. */
#define NFLIGHT 1000

static struct outcome flight[NFLIGHT];
static int flight_done;

static void
flight_response(void *arg, const struct mcp_response *r)
{
	struct outcome *o = arg;
	int64_t n = -1;

	o->calls++;
	flight_done++;
	o->code = r->code;
	mcp_json_int(r->result, "result", "n", true, &n, NULL, NULL);
	o->n = n;
}

struct scramble {
	struct server *srv;
	struct event *ev;
	int next;
	int order[NFLIGHT];
};

static void
scramble_tick(evutil_socket_t fd, short events, void *arg)
{
	struct scramble *s = arg;
	struct timeval tv = { 0, 1000 };
	int i;

	(void)fd;
	(void)events;
	/* Fifty answers per tick, so replies interleave with the loop. */
	for (i = 0; i < 50 && s->next < NFLIGHT; i++, s->next++) {
		struct mcp_request *req = s->srv->held[s->order[s->next]];

		mcp_request_reply(req, cJSON_Duplicate(mcp_request_params(req),
		    1));
	}
	if (s->next < NFLIGHT)
		evtimer_add(s->ev, &tv);
}

static void
many_in_flight_out_of_order(void)
{
	struct pair p;
	struct scramble s;
	struct timeval tv = { 0, 0 };
	uint32_t rnd = 7;
	int i, wrong = 0, twice = 0;

	pair_open(&p, NULL, NULL);
	memset(flight, 0, sizeof flight);
	flight_done = 0;
	for (i = 0; i < NFLIGHT; i++) {
		cJSON *params = cJSON_CreateObject();

		mcp_json_add_num(params, "n", i);
		CHECK(mcp_peer_request(p.a, "hold", params, NULL,
		    flight_response, &flight[i]) == i + 1);
	}
	CHECK_EQ_INT(mcp_peer_pending(p.a), NFLIGHT);
	CHECK(testutil_wait_count(base, &p.sb.nheld, NFLIGHT, 5000));

	/* Shuffle the answering order. */
	memset(&s, 0, sizeof s);
	s.srv = &p.sb;
	for (i = 0; i < NFLIGHT; i++)
		s.order[i] = i;
	for (i = NFLIGHT - 1; i > 0; i--) {
		int j, t;

		rnd = rnd * 1103515245u + 12345u;
		j = (int)((rnd >> 8) % (uint32_t)(i + 1));
		t = s.order[i];
		s.order[i] = s.order[j];
		s.order[j] = t;
	}
	s.ev = evtimer_new(base, scramble_tick, &s);
	evtimer_add(s.ev, &tv);
	CHECK(testutil_wait_count(base, &flight_done, NFLIGHT, 5000));
	testutil_spin(base, 20);
	for (i = 0; i < NFLIGHT; i++) {
		if (flight[i].calls != 1)
			twice++;
		else if (flight[i].code != 0 || flight[i].n != i)
			wrong++;
	}
	CHECK_EQ_INT(twice, 0);
	CHECK_EQ_INT(wrong, 0);
	CHECK_EQ_INT(flight_done, NFLIGHT);
	CHECK_EQ_INT(mcp_peer_pending(p.a), 0);
	event_free(s.ev);
	pair_free(&p);
}

static void
notifications_both_ways(void)
{
	struct pair p;
	int i;

	pair_open(&p, NULL, NULL);
	CHECK_EQ_INT(mcp_peer_notify(p.a, "notifications/a",
	    mcp_json_parse_const("{\"k\":\"v\"}")), 0);
	CHECK(testutil_wait_count(base, &p.sb.notifications, 1, 2000));
	CHECK_STR(p.sb.last_method, "notifications/a");
	CHECK_STR(p.sb.last_params, "{\"k\":\"v\"}");
	CHECK_EQ_INT(mcp_peer_notify(p.b, "notifications/b", NULL), 0);
	CHECK(testutil_wait_count(base, &p.sa.notifications, 1, 2000));
	CHECK_STR(p.sa.last_method, "notifications/b");
	CHECK_STR(p.sa.last_params, "(none)");

	/* In order, none lost, none answered. */
	for (i = 0; i < 500; i++) {
		cJSON *params = cJSON_CreateObject();

		mcp_json_add_num(params, "i", i);
		mcp_peer_notify(p.a, "n", params);
	}
	CHECK(testutil_wait_count(base, &p.sb.notifications, 501, 3000));
	CHECK_STR(p.sb.last_params, "{\"i\":499}");
	CHECK_EQ_INT(p.sb.requests, 0);
	CHECK_EQ_INT(p.sa.notifications, 1);
	pair_free(&p);
}

/* Progress every 50 ms keeps a 250 ms request alive for 400 ms; values
 * increase. (The slack is wide so that a busy machine does not fail it.) */
static void
progress_rearms_timeout(void)
{
	struct mcp_call_opts co = { 250, 0, on_progress };
	struct pair p;
	struct outcome o = { 0 };
	int i;

	pair_open(&p, NULL, NULL);
	mcp_peer_request(p.a, "progress",
	    mcp_json_parse_const("{\"ticks\":8}"), &co, on_response, &o);
	CHECK(testutil_wait_count(base, &o.calls, 1, 3000));
	CHECK_EQ_INT(o.code, 0);
	CHECK_STR(o.result, "{\"ticks\":8}");
	CHECK_EQ_INT(o.progress_calls, 8);
	for (i = 0; i < 8 && i < o.progress_calls; i++)
		CHECK(o.progress[i] == i + 1);
	CHECK(o.total == 8);
	CHECK_STR(o.progress_msg, "working");
	/* The handler saw a progress token that the peer added. */
	CHECK_CONTAINS(p.sb.last_params, "\"_meta\":{\"progressToken\":1}");
	CHECK_EQ_INT(p.sb.cancels, 0);
	outcome_reset(&o);
	pair_free(&p);
}

/* The same work without asking for progress times out at 100 ms; the
 * other side is told (its cancel hook runs) and sends nothing more. */
static void
timeout_without_progress(void)
{
	struct mcp_call_opts co = { 100, 0, NULL };
	struct pair p;
	struct outcome o = { 0 };
	int64_t t0 = testutil_now_ms();

	pair_open(&p, NULL, NULL);
	mcp_peer_request(p.a, "progress",
	    mcp_json_parse_const("{\"ticks\":8}"), &co, on_response, &o);
	CHECK(testutil_wait_count(base, &o.calls, 1, 3000));
	CHECK_EQ_INT(o.code, MCP_REQUEST_TIMEOUT);
	CHECK_STR(o.message, "request timed out after 100 ms without progress");
	CHECK(o.at_ms - t0 >= 80 && o.at_ms - t0 < 1000);
	CHECK_EQ_INT(o.progress_calls, 0);
	CHECK(testutil_wait_count(base, &p.sb.cancels, 1, 2000));
	CHECK_EQ_INT(p.sb.jobs_live, 0);
	CHECK_EQ_INT(mcp_peer_pending(p.a), 0);
	testutil_spin(base, 100);
	CHECK_EQ_INT(o.calls, 1);
	outcome_reset(&o);
	pair_free(&p);
}

/* Progress re-arms the timeout but not past the hard maximum. */
static void
hard_maximum_applies(void)
{
	struct mcp_call_opts co = { 200, 450, on_progress };
	struct pair p;
	struct outcome o = { 0 };
	int64_t t0 = testutil_now_ms();

	pair_open(&p, NULL, NULL);
	mcp_peer_request(p.a, "forever", NULL, &co, on_response, &o);
	CHECK(testutil_wait_count(base, &o.calls, 1, 3000));
	CHECK_EQ_INT(o.code, MCP_REQUEST_TIMEOUT);
	CHECK_STR(o.message, "request timed out (hard limit of 450 ms reached)");
	/* Lower bounds leave room for libevent's coarse timer clock. */
	if (!(o.at_ms - t0 >= 430 && o.at_ms - t0 < 2000))
		fprintf(stderr, "  hard maximum: answered after %lld ms\n",
		    (long long)(o.at_ms - t0));
	CHECK(o.at_ms - t0 >= 430 && o.at_ms - t0 < 2000);
	CHECK(o.progress_calls >= 3);
	CHECK(testutil_wait_count(base, &p.sb.cancels, 1, 2000));
	CHECK_EQ_INT(p.sb.jobs_live, 0);
	testutil_spin(base, 100);
	CHECK_EQ_INT(o.calls, 1);
	outcome_reset(&o);

	/* A peer-wide maximum applies the same way. */
	pair_free(&p);
	{
		struct mcp_peer_opts oa = { 200, 350, 0, &quiet };

		pair_open(&p, &oa, NULL);
		co.timeout_ms = 0;
		co.max_timeout_ms = 0;
		t0 = testutil_now_ms();
		mcp_peer_request(p.a, "forever", NULL, &co, on_response, &o);
		CHECK(testutil_wait_count(base, &o.calls, 1, 3000));
		CHECK_EQ_INT(o.code, MCP_REQUEST_TIMEOUT);
		CHECK_CONTAINS(o.message, "hard limit of 350 ms");
		CHECK(o.at_ms - t0 >= 330 && o.at_ms - t0 < 2000);
		CHECK(testutil_wait_count(base, &p.sb.cancels, 1, 2000));
		outcome_reset(&o);
		pair_free(&p);
	}
}

/* On timeout the other side gets notifications/cancelled; its late answer
 * is dropped and the callback has run exactly once. */
static void
timeout_cancels_and_drops_late_answer(void)
{
	struct mcp_peer_opts po = { 80, 0, 0, &quiet };
	struct raw r;
	struct outcome o = { 0 };
	char *line;

	raw_open(&r, &po, false);
	CHECK_EQ_INT(mcp_peer_request(r.peer, "tools/call",
	    mcp_json_parse_const("{\"name\":\"slow\"}"), NULL, on_response, &o),
	    1);
	CHECK_LINE(&r, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\","
	    "\"params\":{\"name\":\"slow\"}}");
	line = testutil_lines_next(r.lines, 2000);
	CHECK_STR(line, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\","
	    "\"params\":{\"requestId\":1,\"reason\":\"request timed out after "
	    "80 ms without progress\"}}");
	free(line);
	CHECK_EQ_INT(o.calls, 1);
	CHECK_EQ_INT(o.code, MCP_REQUEST_TIMEOUT);

	/* The late answer: dropped, logged. */
	logs.count = 0;
	raw_send(&r, "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"late\":true}}\n");
	CHECK(testutil_wait_count(base, &logs.count, 1, 2000));
	CHECK_STR(logs.last, "dropping response to unknown request id 1");
	CHECK_EQ_INT(o.calls, 1);
	CHECK_NO_LINE(&r, 50);
	outcome_reset(&o);
	raw_free(&r);
}

/* A late answer from a real peer that ignores the cancellation. */
static void
late_answer_after_timeout_is_dropped(void)
{
	struct mcp_call_opts co = { 100, 0, NULL };
	struct pair p;
	struct outcome o = { 0 }, ping = { 0 };

	pair_open(&p, NULL, NULL);
	mcp_peer_request(p.a, "stubborn", NULL, &co, on_response, &o);
	CHECK(testutil_wait_count(base, &o.calls, 1, 2000));
	CHECK_EQ_INT(o.code, MCP_REQUEST_TIMEOUT);
	CHECK(testutil_wait_count(base, &p.sb.cancels, 1, 2000));
	CHECK_EQ_INT(p.sb.jobs_live, 1);
	/* The job ends at 300 ms; its answer is not even sent. */
	testutil_spin(base, 350);
	CHECK_EQ_INT(p.sb.jobs_live, 0);
	CHECK_EQ_INT(o.calls, 1);
	mcp_peer_request(p.a, "ping", NULL, NULL, on_response, &ping);
	CHECK(testutil_wait_count(base, &ping.calls, 1, 2000));
	CHECK_EQ_INT(ping.code, 0);
	outcome_reset(&o);
	outcome_reset(&ping);
	pair_free(&p);
}

static void
cancel_both_ways(void)
{
	struct pair p;
	struct outcome o1 = { 0 }, o2 = { 0 };
	int64_t id1, id2;

	pair_open(&p, NULL, NULL);
	/* a cancels its request to b. */
	id1 = mcp_peer_request(p.a, "hold", NULL, NULL, on_response, &o1);
	CHECK(testutil_wait_count(base, &p.sb.nheld, 1, 2000));
	CHECK_EQ_INT(mcp_peer_cancel(p.a, id1, "user pressed escape"), 0);
	CHECK_EQ_INT(o1.calls, 1);		/* at once, from the call */
	CHECK_EQ_INT(o1.code, MCP_REQUEST_CANCELLED);
	CHECK_STR(o1.message, "user pressed escape");
	CHECK_EQ_INT(mcp_peer_pending(p.a), 0);
	CHECK_EQ_INT(mcp_peer_cancel(p.a, id1, NULL), -1);
	CHECK(testutil_wait_count(base, &p.sb.cancels, 1, 2000));
	CHECK(mcp_request_cancelled(p.sb.held[0]));
	/* Its answer is swallowed. */
	mcp_request_reply(p.sb.held[0], NULL);
	testutil_spin(base, 50);
	CHECK_EQ_INT(o1.calls, 1);

	/* b cancels its request to a, with no reason. */
	id2 = mcp_peer_request(p.b, "hold", NULL, NULL, on_response, &o2);
	CHECK(testutil_wait_count(base, &p.sa.nheld, 1, 2000));
	CHECK_EQ_INT(mcp_peer_cancel(p.b, id2, NULL), 0);
	CHECK_EQ_INT(o2.calls, 1);
	CHECK_EQ_INT(o2.code, MCP_REQUEST_CANCELLED);
	CHECK_STR(o2.message, "request cancelled");
	CHECK(testutil_wait_count(base, &p.sa.cancels, 1, 2000));
	mcp_request_fail(p.sa.held[0], MCP_INTERNAL_ERROR, "x", NULL);
	testutil_spin(base, 50);
	CHECK_EQ_INT(o2.calls, 1);
	CHECK_EQ_INT(mcp_peer_cancel(p.b, 12345, NULL), -1);
	outcome_reset(&o1);
	outcome_reset(&o2);
	pair_free(&p);
}

/* The cancellation on the wire, and what the receiver ignores. */
static void
cancel_transcript(void)
{
	struct raw r;
	struct outcome o = { 0 };

	raw_open(&r, NULL, true);
	mcp_peer_request(r.peer, "x", NULL, NULL, on_response, &o);
	CHECK_LINE(&r, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"x\"}");
	mcp_peer_cancel(r.peer, 1, "no longer needed");
	CHECK_LINE(&r, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\","
	    "\"params\":{\"requestId\":1,\"reason\":\"no longer needed\"}}");

	/* Incoming: a held request is cancelled; unknown and bad ids are
	 * ignored. */
	raw_send(&r, "{\"jsonrpc\":\"2.0\",\"id\":\"h\",\"method\":\"hold\"}\n");
	CHECK(testutil_wait_count(base, &r.srv.nheld, 1, 2000));
	raw_send(&r, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\","
	    "\"params\":{\"requestId\":\"nope\"}}\n"
	    "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\","
	    "\"params\":{\"requestId\":null}}\n"
	    "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\"}\n");
	testutil_spin(base, 50);
	CHECK_EQ_INT(r.srv.cancels, 0);
	raw_send(&r, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\","
	    "\"params\":{\"requestId\":\"h\",\"reason\":\"bye\"}}\n");
	CHECK(testutil_wait_count(base, &r.srv.cancels, 1, 2000));
	/* Twice is once. */
	raw_send(&r, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\","
	    "\"params\":{\"requestId\":\"h\"}}\n");
	testutil_spin(base, 50);
	CHECK_EQ_INT(r.srv.cancels, 1);
	mcp_request_reply(r.srv.held[0], NULL);
	CHECK_NO_LINE(&r, 50);
	/* cancellation is not a notification the handler sees */
	CHECK_EQ_INT(r.srv.notifications, 0);
	outcome_reset(&o);
	raw_free(&r);
}

/* initialize is never cancelled (spec: "MUST NOT be cancelled"). */
static void
initialize_is_not_cancelled(void)
{
	struct raw r;

	raw_open(&r, NULL, true);
	raw_send(&r, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\","
	    "\"params\":{}}\n");
	CHECK(testutil_wait_count(base, &r.srv.nheld, 1, 2000));
	raw_send(&r, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\","
	    "\"params\":{\"requestId\":1}}\n");
	testutil_spin(base, 50);
	CHECK_EQ_INT(r.srv.cancels, 0);
	CHECK(!mcp_request_cancelled(r.srv.held[0]));
	mcp_request_reply(r.srv.held[0], mcp_json_parse_const("{\"v\":1}"));
	CHECK_LINE(&r, "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"v\":1}}");
	raw_free(&r);
}

static void
ping_both_ways(void)
{
	struct pair p;
	struct outcome o1 = { 0 }, o2 = { 0 };

	pair_open(&p, NULL, NULL);
	mcp_peer_request(p.a, "ping", NULL, NULL, on_response, &o1);
	mcp_peer_request(p.b, "ping", NULL, NULL, on_response, &o2);
	CHECK(testutil_wait_count(base, &o1.calls, 1, 2000));
	CHECK(testutil_wait_count(base, &o2.calls, 1, 2000));
	CHECK_EQ_INT(o1.code, 0);
	CHECK_STR(o1.result, "{}");
	CHECK_EQ_INT(o2.code, 0);
	CHECK_STR(o2.result, "{}");
	/* The peer answers ping itself. */
	CHECK_EQ_INT(p.sa.requests, 0);
	CHECK_EQ_INT(p.sb.requests, 0);
	outcome_reset(&o1);
	outcome_reset(&o2);
	pair_free(&p);
}

static void
ping_transcript(void)
{
	struct raw r;

	/* Answered with or without handlers, with the id echoed. */
	raw_open(&r, NULL, false);
	raw_send(&r, "{\"jsonrpc\":\"2.0\",\"id\":\"p1\",\"method\":\"ping\"}\n");
	CHECK_LINE(&r, "{\"jsonrpc\":\"2.0\",\"id\":\"p1\",\"result\":{}}");
	raw_send(&r, "{\"jsonrpc\":\"2.0\",\"id\":1000000000000000,"
	    "\"method\":\"ping\",\"params\":{}}\n");
	CHECK_LINE(&r, "{\"jsonrpc\":\"2.0\",\"id\":1000000000000000,"
	    "\"result\":{}}");
	raw_free(&r);
}

/* A second request with an id still in flight gets -32600; once the
 * first is answered the id may be used again. */
static void
duplicate_request_id(void)
{
	struct raw r;

	raw_open(&r, NULL, true);
	raw_send(&r, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"hold\"}\n");
	CHECK(testutil_wait_count(base, &r.srv.nheld, 1, 2000));
	raw_send(&r, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"echo\"}\n");
	CHECK_LINE(&r, "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32600,"
	    "\"message\":\"duplicate request id 1: a request with this id is "
	    "still in flight\"}}");
	CHECK_EQ_INT(r.srv.requests, 1);
	/* String ids are compared as strings: "1" is another id. */
	raw_send(&r, "{\"jsonrpc\":\"2.0\",\"id\":\"1\",\"method\":\"echo\"}\n");
	CHECK_LINE(&r, "{\"jsonrpc\":\"2.0\",\"id\":\"1\",\"result\":{}}");
	mcp_request_reply(r.srv.held[0], mcp_json_parse_const("{\"a\":1}"));
	CHECK_LINE(&r, "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"a\":1}}");
	raw_send(&r, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"echo\","
	    "\"params\":{\"again\":true}}\n");
	CHECK_LINE(&r, "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"again\":true}}");
	raw_free(&r);
}

/* Responses that match nothing are dropped without an answer. */
static void
response_to_unknown_id_dropped(void)
{
	struct raw r;
	struct outcome o = { 0 };

	raw_open(&r, NULL, true);
	mcp_peer_request(r.peer, "x", NULL, NULL, on_response, &o);
	CHECK_LINE(&r, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"x\"}");
	raw_send(&r, "{\"jsonrpc\":\"2.0\",\"id\":999,\"result\":{}}\n"
	    "{\"jsonrpc\":\"2.0\",\"id\":\"1\",\"result\":{}}\n"
	    "{\"jsonrpc\":\"2.0\",\"id\":2,\"error\":{\"code\":-1,"
	    "\"message\":\"m\"}}\n"
	    "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32700,"
	    "\"message\":\"parse error\"}}\n");
	CHECK_NO_LINE(&r, 100);
	CHECK_EQ_INT(o.calls, 0);
	CHECK_EQ_INT(mcp_peer_pending(r.peer), 1);
	/* The real answer still lands. */
	raw_send(&r, "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"ok\":1}}\n");
	CHECK(testutil_wait_count(base, &o.calls, 1, 2000));
	CHECK_STR(o.result, "{\"ok\":1}");
	/* An error answer with code 0 still reads as an error. */
	outcome_reset(&o);
	mcp_peer_request(r.peer, "y", NULL, NULL, on_response, &o);
	CHECK_LINE(&r, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"y\"}");
	raw_send(&r, "{\"jsonrpc\":\"2.0\",\"id\":2,\"error\":{\"code\":0,"
	    "\"message\":\"zero\"}}\n");
	CHECK(testutil_wait_count(base, &o.calls, 1, 2000));
	CHECK_EQ_INT(o.code, MCP_INTERNAL_ERROR);
	CHECK_STR(o.message, "zero");
	outcome_reset(&o);
	raw_free(&r);
}

/* A malformed answer to a pending request fails it now, not at the
 * timeout. */
static void
bad_response_fails_request(void)
{
	struct raw r;
	struct outcome o = { 0 };
	int64_t t0;

	raw_open(&r, NULL, true);
	mcp_peer_request(r.peer, "x", NULL, NULL, on_response, &o);
	CHECK_LINE(&r, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"x\"}");
	t0 = testutil_now_ms();
	raw_send(&r, "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":5}}\n");
	CHECK(testutil_wait_count(base, &o.calls, 1, 2000));
	CHECK(testutil_now_ms() - t0 < 1000);
	CHECK_EQ_INT(o.code, MCP_INTERNAL_ERROR);
	CHECK_STR(o.message, "invalid response from peer: error.message: "
	    "expected string, got nothing");
	CHECK_EQ_INT(mcp_peer_pending(r.peer), 0);
	/* Never answered back. */
	CHECK_NO_LINE(&r, 50);
	/* A good answer for it now is late. */
	raw_send(&r, "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}\n");
	testutil_spin(base, 50);
	CHECK_EQ_INT(o.calls, 1);
	outcome_reset(&o);
	raw_free(&r);
}

static void
method_not_found_without_handler(void)
{
	struct raw r;

	raw_open(&r, NULL, false);
	raw_send(&r, "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"tools/list\"}\n");
	CHECK_LINE(&r, "{\"jsonrpc\":\"2.0\",\"id\":5,\"error\":{\"code\":-32601,"
	    "\"message\":\"method not found\"}}");
	/* Notifications without a handler vanish. */
	raw_send(&r, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/x\"}\n");
	CHECK_NO_LINE(&r, 50);
	raw_free(&r);

	/* A handler that knows no such method says so too. */
	raw_open(&r, NULL, true);
	raw_send(&r, "{\"jsonrpc\":\"2.0\",\"id\":\"z\",\"method\":\"nope\"}\n");
	CHECK_LINE(&r, "{\"jsonrpc\":\"2.0\",\"id\":\"z\",\"error\":{\"code\":-32601,"
	    "\"message\":\"method not found\"}}");
	raw_free(&r);
}

/* What the peer answers to broken lines, and that it keeps going. */
static void
bad_messages_transcript(void)
{
	struct raw r;

	raw_open(&r, NULL, true);
	raw_send(&r, "{not json}\n");
	CHECK_LINE(&r, "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32700,"
	    "\"message\":\"invalid JSON at byte 2\"}}");
	raw_send(&r, "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"m\",\"params\":[]}\n");
	CHECK_LINE(&r, "{\"jsonrpc\":\"2.0\",\"id\":3,\"error\":{\"code\":-32600,"
	    "\"message\":\"params: expected object, got array\"}}");
	raw_send(&r, "{\"jsonrpc\":\"2.0\",\"id\":null,\"method\":\"m\"}\n");
	CHECK_LINE(&r, "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32600,"
	    "\"message\":\"id: expected string or integer (at most 2^53 - 1), "
	    "got null\"}}");
	raw_send(&r, "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}]\n");
	CHECK_LINE(&r, "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32600,"
	    "\"message\":\"batch requests are not supported\"}}");
	/* Broken notifications and responses: logged, never answered. */
	raw_send(&r, "{\"jsonrpc\":\"2.0\",\"method\":5}\n"
	    "{\"jsonrpc\":\"2.0\",\"id\":8,\"result\":{},\"error\":{}}\n");
	CHECK_NO_LINE(&r, 50);
	CHECK_EQ_INT(r.srv.requests, 0);
	CHECK_EQ_INT(r.srv.notifications, 0);
	/* Still serving. */
	raw_send(&r, "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"echo\","
	    "\"params\":{\"ok\":true}}\n");
	CHECK_LINE(&r, "{\"jsonrpc\":\"2.0\",\"id\":4,\"result\":{\"ok\":true}}");
	raw_free(&r);
}

/* Progress on the wire: the token the requester chose, increasing values,
 * non-increasing ones ignored on both ends. */
static void
progress_transcript(void)
{
	struct mcp_call_opts co = { 0, 0, on_progress };
	struct raw r;
	struct outcome o = { 0 };

	raw_open(&r, NULL, true);
	/* The caller's own _meta is kept; progressToken is ours. */
	mcp_peer_request(r.peer, "tools/call", mcp_json_parse_const(
	    "{\"name\":\"t\",\"_meta\":{\"progressToken\":\"theirs\",\"k\":1}}"),
	    &co, on_response, &o);
	CHECK_LINE(&r, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\","
	    "\"params\":{\"name\":\"t\",\"_meta\":{\"k\":1,\"progressToken\":1}}}");
	raw_send(&r,
	    "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\",\"params\":"
	    "{\"progressToken\":1,\"progress\":1,\"total\":4,\"message\":\"a\"}}\n"
	    "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\",\"params\":"
	    "{\"progressToken\":1,\"progress\":1}}\n"
	    "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\",\"params\":"
	    "{\"progressToken\":1,\"progress\":0.5}}\n"
	    "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\",\"params\":"
	    "{\"progressToken\":2,\"progress\":9}}\n"
	    "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\",\"params\":"
	    "{\"progressToken\":1,\"progress\":\"3\"}}\n"
	    "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\",\"params\":"
	    "{\"progressToken\":\"1\",\"progress\":3}}\n"
	    "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\",\"params\":"
	    "{\"progressToken\":1,\"progress\":2.5}}\n");
	CHECK(testutil_wait_count(base, &o.progress_calls, 2, 2000));
	testutil_spin(base, 30);
	CHECK_EQ_INT(o.progress_calls, 2);
	CHECK(o.progress[0] == 1 && o.progress[1] == 2.5);
	CHECK(isnan(o.total));
	CHECK_STR(o.progress_msg, "(null)");
	raw_send(&r, "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}\n");
	CHECK(testutil_wait_count(base, &o.calls, 1, 2000));
	/* After the answer, progress for it is ignored. */
	raw_send(&r, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\","
	    "\"params\":{\"progressToken\":1,\"progress\":10}}\n");
	testutil_spin(base, 30);
	CHECK_EQ_INT(o.progress_calls, 2);
	CHECK_EQ_INT(r.srv.notifications, 0);
	outcome_reset(&o);

	/* Sending side: only with a token, only increasing. */
	raw_send(&r, "{\"jsonrpc\":\"2.0\",\"id\":\"a\",\"method\":\"hold\","
	    "\"params\":{\"_meta\":{\"progressToken\":\"tok\"}}}\n"
	    "{\"jsonrpc\":\"2.0\",\"id\":\"b\",\"method\":\"hold\"}\n");
	CHECK(testutil_wait_count(base, &r.srv.nheld, 2, 2000));
	CHECK(mcp_request_wants_progress(r.srv.held[0]));
	CHECK(!mcp_request_wants_progress(r.srv.held[1]));
	CHECK_EQ_INT(mcp_request_progress(r.srv.held[0], 1, 10, "one"), 0);
	CHECK_LINE(&r, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\","
	    "\"params\":{\"progressToken\":\"tok\",\"progress\":1,\"total\":10,"
	    "\"message\":\"one\"}}");
	CHECK_EQ_INT(mcp_request_progress(r.srv.held[0], 1, 10, NULL), -1);
	CHECK_EQ_INT(mcp_request_progress(r.srv.held[0], 0.5, NAN, NULL), -1);
	CHECK_EQ_INT(mcp_request_progress(r.srv.held[0], 1.5, NAN, NULL), 0);
	CHECK_LINE(&r, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\","
	    "\"params\":{\"progressToken\":\"tok\",\"progress\":1.5}}");
	CHECK_EQ_INT(mcp_request_progress(r.srv.held[1], 1, NAN, NULL), 0);
	CHECK_NO_LINE(&r, 30);
	mcp_request_reply(r.srv.held[0], NULL);
	mcp_request_reply(r.srv.held[1], NULL);
	CHECK_LINE(&r, "{\"jsonrpc\":\"2.0\",\"id\":\"a\",\"result\":{}}");
	CHECK_LINE(&r, "{\"jsonrpc\":\"2.0\",\"id\":\"b\",\"result\":{}}");
	raw_free(&r);
}

/* The other side goes away: every outstanding request fails once with
 * MCP_CONNECTION_CLOSED, the closed callback runs once, nothing more can
 * be sent. */
static void
close_fails_outstanding_once(void)
{
	struct pair p;
	struct outcome o[3];
	struct outcome after = { 0 }, mine = { 0 };
	int i;

	memset(o, 0, sizeof o);
	pair_open(&p, NULL, NULL);
	for (i = 0; i < 3; i++)
		mcp_peer_request(p.a, "hold", NULL, NULL, on_response, &o[i]);
	CHECK(testutil_wait_count(base, &p.sb.nheld, 3, 2000));
	/* b answers one, asks something of its own, then closes. */
	mcp_request_reply(p.sb.held[0], NULL);
	CHECK(testutil_wait_count(base, &o[0].calls, 1, 2000));
	mcp_peer_request(p.b, "hold", NULL, NULL, on_response, &mine);
	CHECK(testutil_wait_count(base, &p.sa.nheld, 1, 2000));
	mcp_peer_close(p.b);
	CHECK_EQ_INT(p.cb.calls, 0);	/* reported from the loop */
	CHECK(testutil_wait_count(base, &p.cb.calls, 1, 2000));
	CHECK(p.cb.null_reason);	/* an orderly end */
	CHECK(mcp_peer_is_closed(p.b));
	CHECK_EQ_INT(mine.calls, 1);
	CHECK_EQ_INT(mine.code, MCP_CONNECTION_CLOSED);
	CHECK_STR(mine.message, "connection closed");
	/* b's held requests were cancelled by its own close; their answers
	 * go nowhere. */
	CHECK_EQ_INT(p.sb.cancels, 2);
	mcp_request_reply(p.sb.held[1], NULL);
	mcp_request_fail(p.sb.held[2], 1, "x", NULL);
	/* Closing twice is closing once. */
	mcp_peer_close(p.b);

	/* The descriptors are borrowed: a sees the end when b's owner
	 * closes them. */
	mcp_peer_free(p.b);
	p.b = NULL;
	close(p.fd[1]);
	p.fd[1] = -1;
	CHECK(testutil_wait_count(base, &p.ca.calls, 1, 2000));
	CHECK(p.ca.null_reason);
	CHECK_EQ_INT(o[0].code, 0);
	for (i = 1; i < 3; i++) {
		CHECK_EQ_INT(o[i].calls, 1);
		CHECK_EQ_INT(o[i].code, MCP_CONNECTION_CLOSED);
		CHECK_STR(o[i].message, "connection closed");
	}
	CHECK(mcp_peer_is_closed(p.a));
	CHECK_EQ_INT(mcp_peer_pending(p.a), 0);
	/* a's held request from b was cancelled too. */
	CHECK_EQ_INT(p.sa.cancels, 1);
	mcp_request_reply(p.sa.held[0], NULL);

	/* Closed: requests are refused and their callback never runs. */
	CHECK_EQ_INT(mcp_peer_request(p.a, "x", cJSON_CreateObject(), NULL,
	    on_response, &after), -1);
	CHECK_EQ_INT(mcp_peer_notify(p.a, "n", cJSON_CreateObject()), -1);
	CHECK_EQ_INT(mcp_peer_cancel(p.a, 2, NULL), -1);
	testutil_spin(base, 50);
	CHECK_EQ_INT(after.calls, 0);
	CHECK_EQ_INT(p.ca.calls, 1);
	CHECK_EQ_INT(p.cb.calls, 1);
	CHECK_EQ_INT(mine.calls, 1);
	for (i = 1; i < 3; i++)
		CHECK_EQ_INT(o[i].calls, 1);
	for (i = 0; i < 3; i++)
		outcome_reset(&o[i]);
	outcome_reset(&mine);
	pair_free(&p);
}

/* Freeing a peer with work outstanding: its callbacks run once, held
 * incoming requests are cancelled and freed (no leak under ASan). */
static void
free_with_outstanding(void)
{
	struct pair p;
	struct outcome o = { 0 };

	pair_open(&p, NULL, NULL);
	mcp_peer_request(p.a, "hold", NULL, NULL, on_response, &o);
	mcp_peer_request(p.b, "hold", NULL, NULL, on_response, &o);
	CHECK(testutil_wait_count(base, &p.sb.nheld, 1, 2000));
	CHECK(testutil_wait_count(base, &p.sa.nheld, 1, 2000));
	mcp_peer_free(p.a);
	p.a = NULL;
	CHECK_EQ_INT(o.calls, 1);
	CHECK_EQ_INT(o.code, MCP_CONNECTION_CLOSED);
	CHECK_STR(o.message, "connection closed: shutting down");
	CHECK_EQ_INT(p.sa.cancels, 1);
	CHECK_EQ_INT(p.ca.calls, 0);	/* no callback from free */
	/* b sees a go away once its descriptor is closed. */
	close(p.fd[0]);
	p.fd[0] = -1;
	CHECK(testutil_wait_count(base, &p.cb.calls, 1, 2000));
	CHECK_EQ_INT(o.calls, 2);
	CHECK_EQ_INT(p.sb.cancels, 1);
	mcp_request_reply(p.sb.held[0], NULL);
	outcome_reset(&o);
	mcp_peer_free(NULL);
	pair_free(&p);
}

/* At most max_incoming requests in flight; the rest are refused at once. */
static void
max_incoming_limit(void)
{
	struct mcp_peer_opts ob = { 0, 0, 4, &quiet };
	struct pair p;
	struct outcome o[6];
	int i, refused = 0, held_ok = 0;

	memset(o, 0, sizeof o);
	pair_open(&p, NULL, &ob);
	for (i = 0; i < 6; i++)
		mcp_peer_request(p.a, "hold", NULL, NULL, on_response, &o[i]);
	CHECK(testutil_wait_count(base, &p.sb.nheld, 4, 2000));
	testutil_spin(base, 50);
	CHECK_EQ_INT(p.sb.nheld, 4);
	for (i = 0; i < 6; i++) {
		if (o[i].calls == 1 && o[i].code == MCP_INTERNAL_ERROR &&
		    strcmp(o[i].message,
		    "too many requests in flight (limit 4)") == 0)
			refused++;
	}
	CHECK_EQ_INT(refused, 2);
	CHECK_EQ_INT(o[4].calls, 1);
	CHECK_EQ_INT(o[5].calls, 1);
	/* Ping is still answered at the limit: busy is not dead. */
	{
		struct outcome po = { 0 };

		mcp_peer_request(p.a, "ping", NULL, NULL, on_response, &po);
		CHECK(testutil_wait_count(base, &po.calls, 1, 2000));
		CHECK_EQ_INT(po.code, 0);
		CHECK_STR(po.result, "{}");
		outcome_reset(&po);
	}
	for (i = 0; i < 4; i++)
		mcp_request_reply(p.sb.held[i], NULL);
	for (i = 0; i < 4; i++) {
		CHECK(testutil_wait_count(base, &o[i].calls, 1, 2000));
		if (o[i].code == 0)
			held_ok++;
	}
	CHECK_EQ_INT(held_ok, 4);
	outcome_reset(&o[0]);
	mcp_peer_request(p.a, "echo", NULL, NULL, on_response, &o[0]);
	CHECK(testutil_wait_count(base, &o[0].calls, 1, 2000));
	CHECK_EQ_INT(o[0].code, 0);
	for (i = 0; i < 6; i++)
		outcome_reset(&o[i]);
	pair_free(&p);
}

/* A response callback may send the next request or cancel another. */
struct chain {
	struct mcp_peer *peer;
	int left;
	int calls;
	int64_t victim;
	struct outcome *victim_outcome;
};

static void
chain_cb(void *arg, const struct mcp_response *r)
{
	struct chain *c = arg;

	CHECK_EQ_INT(r->code, 0);
	c->calls++;
	if (c->victim > 0) {
		CHECK_EQ_INT(mcp_peer_cancel(c->peer, c->victim, "chained"), 0);
		CHECK_EQ_INT(c->victim_outcome->calls, 1);
		c->victim = 0;
	}
	if (--c->left > 0)
		mcp_peer_request(c->peer, "echo", NULL, NULL, chain_cb, c);
}

static void
reentrant_callbacks(void)
{
	struct pair p;
	struct outcome victim = { 0 };
	struct chain c;

	pair_open(&p, NULL, NULL);
	c.peer = p.a;
	c.left = 20;
	c.calls = 0;
	c.victim = mcp_peer_request(p.a, "hold", NULL, NULL, on_response,
	    &victim);
	c.victim_outcome = &victim;
	mcp_peer_request(p.a, "echo", NULL, NULL, chain_cb, &c);
	CHECK(testutil_wait_count(base, &c.calls, 20, 3000));
	testutil_spin(base, 20);
	CHECK_EQ_INT(c.calls, 20);
	CHECK_EQ_INT(victim.calls, 1);
	CHECK_EQ_INT(victim.code, MCP_REQUEST_CANCELLED);
	CHECK_EQ_INT(mcp_peer_pending(p.a), 0);
	CHECK(testutil_wait_count(base, &p.sb.cancels, 1, 2000));
	mcp_request_reply(p.sb.held[0], NULL);
	outcome_reset(&victim);
	pair_free(&p);
}

int
main(void)
{
	signal(SIGPIPE, SIG_IGN);
	base = event_base_new();
	HARNESS_BEGIN("peer");
	HARNESS_WATCHDOG();
	TEST(request_response);
	TEST(async_reply_from_timer);
	TEST(many_in_flight_out_of_order);
	TEST(notifications_both_ways);
	TEST(progress_rearms_timeout);
	TEST(timeout_without_progress);
	TEST(hard_maximum_applies);
	TEST(timeout_cancels_and_drops_late_answer);
	TEST(late_answer_after_timeout_is_dropped);
	TEST(cancel_both_ways);
	TEST(cancel_transcript);
	TEST(initialize_is_not_cancelled);
	TEST(ping_both_ways);
	TEST(ping_transcript);
	TEST(duplicate_request_id);
	TEST(response_to_unknown_id_dropped);
	TEST(bad_response_fails_request);
	TEST(method_not_found_without_handler);
	TEST(bad_messages_transcript);
	TEST(progress_transcript);
	TEST(close_fails_outstanding_once);
	TEST(free_with_outstanding);
	TEST(max_incoming_limit);
	TEST(reentrant_callbacks);
	event_base_free(base);
	return HARNESS_END();
}
