/*
 * The peer layer: request/response correlation by id, incoming request
 * dispatch, timeouts re-armed by progress, cancellation and ping. Both the
 * client session and the server kit stand on it.
 */
#include <sys/queue.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>
#include <event2/event_struct.h>

#include "json.h"
#include "peer.h"

#define MCP_PEER_TIMEOUT_MS	60000
#define MCP_PEER_MAX_TIMEOUT_MS	600000
#define MCP_PEER_MAX_INCOMING	4096

/* An outgoing request awaiting its response. */
struct mcp_pending {
	int64_t id;
	struct mcp_pending *next;	/* hash chain */
	struct mcp_peer *peer;
	mcp_response_cb cb;
	mcp_progress_cb on_progress;
	void *arg;
	struct event timer;
	int timeout_ms;
	int max_timeout_ms;
	int64_t deadline_ms;		/* the hard maximum, monotonic clock */
	bool at_deadline;		/* the timer is armed for the maximum */
	double last_progress;
};

struct mcp_request {
	TAILQ_ENTRY(mcp_request) entry;
	struct mcp_peer *peer;
	struct mcp_rpc_msg msg;		/* owns the JSON the handler reads */
	const cJSON *progress_token;
	double last_progress;
	bool cancelled;
	void (*on_cancel)(void *, struct mcp_request *);
	void *cancel_arg;
	void *data;
};

struct mcp_peer {
	struct event_base *base;
	struct mcp_transport *transport;
	struct mcp_peer_opts opts;
	const struct timeval *common_timeout;	/* for the default timeout */

	mcp_request_cb on_request;
	mcp_notification_cb on_notification;
	void *handler_arg;
	mcp_peer_closed_cb on_closed;
	void *closed_arg;

	struct mcp_pending **table;	/* outgoing, by id */
	size_t table_size;		/* a power of two */
	unsigned npending;
	int64_t next_id;

	TAILQ_HEAD(, mcp_request) incoming;
	unsigned nincoming;
	bool closed;
};

/* Milliseconds on the monotonic clock: a wall clock that is set or slewed
 * must not move deadlines. */
static int64_t
mcp_peer_now_ms(struct mcp_peer *p)
{
	struct timespec ts;

	(void)p;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Pending table */

static void
mcp_peer_table_insert(struct mcp_peer *p, struct mcp_pending *pd)
{
	size_t i;

	if (p->npending >= p->table_size) {
		size_t nsize = p->table_size * 2;
		struct mcp_pending **nt = mcp_xcalloc(nsize, sizeof *nt);

		for (i = 0; i < p->table_size; i++) {
			struct mcp_pending *e = p->table[i], *next;

			for (; e != NULL; e = next) {
				next = e->next;
				e->next = nt[(uint64_t)e->id & (nsize - 1)];
				nt[(uint64_t)e->id & (nsize - 1)] = e;
			}
		}
		free(p->table);
		p->table = nt;
		p->table_size = nsize;
	}
	i = (uint64_t)pd->id & (p->table_size - 1);
	pd->next = p->table[i];
	p->table[i] = pd;
	p->npending++;
}

static struct mcp_pending *
mcp_peer_table_find(struct mcp_peer *p, int64_t id, bool remove)
{
	struct mcp_pending **pp = &p->table[(uint64_t)id & (p->table_size - 1)];

	for (; *pp != NULL; pp = &(*pp)->next) {
		struct mcp_pending *pd = *pp;

		if (pd->id != id)
			continue;
		if (remove) {
			*pp = pd->next;
			p->npending--;
			event_del(&pd->timer);
		}
		return pd;
	}
	return NULL;
}

/* Sending */

static int
mcp_peer_send(struct mcp_peer *p, char *json, size_t len,
    const struct mcp_id *related, bool final)
{
	int rc = -1;

	if (!p->closed)
		rc = mcp_transport_send(p->transport, json, len, related, final);
	free(json);
	return rc;
}

static void
mcp_peer_send_error(struct mcp_peer *p, const struct mcp_id *id, int code,
    const char *message)
{
	size_t len;
	char *s = mcp_rpc_encode_error(id, code, message, NULL, &len);

	mcp_peer_send(p, s, len, id, true);
}

int
mcp_peer_notify_related(struct mcp_peer *p, const struct mcp_id *related,
    const char *method, cJSON *params)
{
	size_t len;
	char *s;

	if (p->closed) {
		cJSON_Delete(params);
		return -1;
	}
	s = mcp_rpc_encode_notification(method, params, &len);
	cJSON_Delete(params);
	return mcp_peer_send(p, s, len, related, false);
}

int
mcp_peer_notify(struct mcp_peer *p, const char *method, cJSON *params)
{
	return mcp_peer_notify_related(p, NULL, method, params);
}

/* Outgoing requests */

static void
mcp_peer_arm(struct mcp_pending *pd)
{
	struct mcp_peer *p = pd->peer;
	int64_t left = pd->deadline_ms - mcp_peer_now_ms(p);
	struct timeval tv;

	if (left < 0)
		left = 0;
	/* Which limit this timer stands for is decided here, not by reading
	 * the clock when it fires (libevent's clock is coarser than ours). */
	pd->at_deadline = left <= pd->timeout_ms;
	if (pd->timeout_ms == p->opts.timeout_ms && left > pd->timeout_ms &&
	    p->common_timeout != NULL) {
		/* O(1) queue instead of the heap for the usual case. */
		event_add(&pd->timer, p->common_timeout);
		return;
	}
	if (left > pd->timeout_ms)
		left = pd->timeout_ms;
	tv.tv_sec = left / 1000;
	tv.tv_usec = (left % 1000) * 1000;
	event_add(&pd->timer, &tv);
}

static void
mcp_peer_finish(struct mcp_pending *pd, int code, const char *message)
{
	struct mcp_response r = { NULL, code, message, NULL };

	pd->cb(pd->arg, &r);
	free(pd);
}

static void
mcp_peer_send_cancelled(struct mcp_peer *p, int64_t id, const char *reason)
{
	cJSON *params = cJSON_CreateObject();

	mcp_json_add_num(params, "requestId", (double)id);
	if (reason != NULL)
		mcp_json_add_str(params, "reason", reason);
	mcp_peer_notify(p, "notifications/cancelled", params);
}

static void
mcp_peer_timeout_cb(evutil_socket_t fd, short events, void *arg)
{
	struct mcp_pending *pd = arg;
	struct mcp_peer *p = pd->peer;
	char msg[96];

	(void)fd;
	(void)events;
	mcp_peer_table_find(p, pd->id, true);
	if (pd->at_deadline)
		snprintf(msg, sizeof msg,
		    "request timed out (hard limit of %d ms reached)",
		    pd->max_timeout_ms);
	else
		snprintf(msg, sizeof msg,
		    "request timed out after %d ms without progress",
		    pd->timeout_ms);
	mcp_peer_send_cancelled(p, pd->id, msg);
	mcp_peer_finish(pd, MCP_REQUEST_TIMEOUT, msg);
}

int64_t
mcp_peer_request_related(struct mcp_peer *p, const struct mcp_id *related,
    const char *method, cJSON *params, const struct mcp_call_opts *opts,
    mcp_response_cb cb, void *arg)
{
	struct mcp_pending *pd;
	struct mcp_id id;
	size_t len;
	char *s;

	if (p->closed) {
		cJSON_Delete(params);
		return -1;
	}
	pd = mcp_xcalloc(1, sizeof *pd);
	pd->id = p->next_id++;
	pd->peer = p;
	pd->cb = cb;
	pd->arg = arg;
	pd->on_progress = opts != NULL ? opts->on_progress : NULL;
	pd->timeout_ms = opts != NULL && opts->timeout_ms > 0 ?
	    opts->timeout_ms : p->opts.timeout_ms;
	pd->max_timeout_ms = opts != NULL && opts->max_timeout_ms > 0 ?
	    opts->max_timeout_ms : p->opts.max_timeout_ms;
	pd->deadline_ms = mcp_peer_now_ms(p) + pd->max_timeout_ms;
	pd->last_progress = -INFINITY;
	event_assign(&pd->timer, p->base, -1, 0, mcp_peer_timeout_cb, pd);

	if (pd->on_progress != NULL) {
		cJSON *meta;

		if (params == NULL)
			params = cJSON_CreateObject();
		meta = cJSON_GetObjectItemCaseSensitive(params, "_meta");
		if (!cJSON_IsObject(meta)) {
			cJSON_DeleteItemFromObjectCaseSensitive(params, "_meta");
			meta = cJSON_CreateObject();
			mcp_json_add(params, "_meta", meta);
		}
		cJSON_DeleteItemFromObjectCaseSensitive(meta, "progressToken");
		mcp_json_add_num(meta, "progressToken", (double)pd->id);
	}
	id.type = MCP_ID_INT;
	id.num = pd->id;
	id.str = NULL;
	s = mcp_rpc_encode_request(&id, method, params, &len);
	cJSON_Delete(params);
	mcp_peer_table_insert(p, pd);
	mcp_peer_arm(pd);
	if (mcp_peer_send(p, s, len, related, false) != 0) {
		/* A transport may report its close from inside send; then the
		 * abort already ran cb and freed pd, and cb must not run twice. */
		if (mcp_peer_table_find(p, id.num, true) == NULL)
			return id.num;
		free(pd);
		return -1;
	}
	return id.num;
}

int64_t
mcp_peer_request(struct mcp_peer *p, const char *method, cJSON *params,
    const struct mcp_call_opts *opts, mcp_response_cb cb, void *arg)
{
	return mcp_peer_request_related(p, NULL, method, params, opts, cb, arg);
}

int
mcp_peer_cancel(struct mcp_peer *p, int64_t id, const char *reason)
{
	struct mcp_pending *pd = mcp_peer_table_find(p, id, true);

	if (pd == NULL)
		return -1;
	mcp_peer_send_cancelled(p, id, reason);
	mcp_peer_finish(pd, MCP_REQUEST_CANCELLED,
	    reason != NULL ? reason : "request cancelled");
	return 0;
}

unsigned
mcp_peer_pending(const struct mcp_peer *p)
{
	return p->npending;
}

/* Incoming messages */

/* A response that matches no pending request. One to a request we sent and
 * gave up on (cancelled, timed out) is expected; one to an id we never sent
 * is the peer's mistake, and an error without an id says the peer could not
 * read something of ours: both are worth a warning. */
static void
mcp_peer_on_stray_response(struct mcp_peer *p, const struct mcp_rpc_msg *m)
{
	char idbuf[64];

	if (m->id.type == MCP_ID_NONE) {
		mcp_logf(p->opts.log, MCP_LOG_WARNING,
		    "peer reports an error without a request id: %.200s (%d)",
		    m->error_message != NULL ? m->error_message : "",
		    m->error_code);
		return;
	}
	mcp_id_format(&m->id, idbuf, sizeof idbuf);
	if (m->id.type == MCP_ID_INT && m->id.num > 0 && m->id.num < p->next_id)
		mcp_logf(p->opts.log, MCP_LOG_DEBUG, "dropping response to "
		    "unknown request id %s", idbuf);	/* late */
	else
		mcp_logf(p->opts.log, MCP_LOG_WARNING, "response to request "
		    "id %s, which was never sent; dropping it", idbuf);
}

static void
mcp_peer_on_response(struct mcp_peer *p, struct mcp_rpc_msg *m)
{
	struct mcp_pending *pd = NULL;
	struct mcp_response r;

	if (m->id.type == MCP_ID_INT)
		pd = mcp_peer_table_find(p, m->id.num, true);
	if (pd == NULL) {
		mcp_peer_on_stray_response(p, m);
		return;
	}
	r.result = m->result;
	r.code = m->kind == MCP_RPC_ERROR ? m->error_code : 0;
	if (m->kind == MCP_RPC_ERROR && r.code == 0)
		r.code = MCP_INTERNAL_ERROR;	/* keep "0 means success" */
	r.message = m->error_message;
	r.data = m->error_data;
	pd->cb(pd->arg, &r);
	free(pd);
}

/* A malformed answer to one of our requests fails it now rather than
 * leaving the caller to wait for the timeout. */
static void
mcp_peer_on_bad_response(struct mcp_peer *p, int64_t id, const char *why)
{
	struct mcp_pending *pd = mcp_peer_table_find(p, id, true);
	char msg[300];

	if (pd == NULL)
		return;
	snprintf(msg, sizeof msg, "invalid response from peer: %s", why);
	mcp_peer_finish(pd, MCP_INTERNAL_ERROR, msg);
}

static void
mcp_peer_on_progress(struct mcp_peer *p, const cJSON *params)
{
	const cJSON *token;
	struct mcp_pending *pd;
	double progress, total = NAN;
	const char *message = NULL;
	struct mcp_err err = { 0, "" };

	token = cJSON_GetObjectItemCaseSensitive(params, "progressToken");
	if (!mcp_json_is_integer(token) ||
	    mcp_json_number(params, "params", "progress", true, &progress, NULL,
	    &err) != 0 ||
	    mcp_json_number(params, "params", "total", false, &total, NULL,
	    &err) != 0 ||
	    mcp_json_string(params, "params", "message", false, &message,
	    &err) != 0) {
		mcp_logf(p->opts.log, MCP_LOG_DEBUG, "ignoring progress: %s",
		    err.code != 0 ? err.msg : "unknown progress token");
		return;
	}
	pd = mcp_peer_table_find(p, (int64_t)token->valuedouble, false);
	if (pd == NULL || pd->on_progress == NULL)
		return;
	if (!(progress > pd->last_progress)) {
		mcp_logf(p->opts.log, MCP_LOG_DEBUG,
		    "ignoring progress %g: not above %g", progress,
		    pd->last_progress);
		return;
	}
	pd->last_progress = progress;
	event_del(&pd->timer);
	mcp_peer_arm(pd);
	pd->on_progress(pd->arg, progress, total, message);
}

static struct mcp_request *
mcp_peer_find_incoming(struct mcp_peer *p, const struct mcp_id *id)
{
	struct mcp_request *req;

	TAILQ_FOREACH(req, &p->incoming, entry) {
		if (mcp_id_eq(&req->msg.id, id))
			return req;
	}
	return NULL;
}

static void
mcp_peer_cancel_incoming(struct mcp_request *req)
{
	if (req->cancelled)
		return;
	req->cancelled = true;
	if (req->on_cancel != NULL)
		req->on_cancel(req->cancel_arg, req);
}

static void
mcp_peer_on_cancelled(struct mcp_peer *p, const cJSON *params)
{
	struct mcp_id id;
	struct mcp_request *req;
	const cJSON *rid = cJSON_GetObjectItemCaseSensitive(params, "requestId");

	if (mcp_id_from_json(rid, &id) != 0)
		return;
	req = mcp_peer_find_incoming(p, &id);
	/* Unknown or finished ids are ignored; initialize is never cancelled. */
	if (req == NULL || strcmp(req->msg.method, "initialize") == 0)
		return;
	mcp_peer_cancel_incoming(req);
}

static void
mcp_peer_on_request(struct mcp_peer *p, struct mcp_rpc_msg *m)
{
	struct mcp_request *req;
	const cJSON *meta;
	char idbuf[64], msg[160];

	if (mcp_peer_find_incoming(p, &m->id) != NULL) {
		snprintf(msg, sizeof msg,
		    "duplicate request id %s: a request with this id is still in flight",
		    mcp_id_format(&m->id, idbuf, sizeof idbuf));
		mcp_peer_send_error(p, &m->id, MCP_INVALID_REQUEST, msg);
		return;
	}
	/* Ping never stays in flight: answer it even at the limit, so that a
	 * busy peer does not look like a dead one. */
	if (p->nincoming >= p->opts.max_incoming &&
	    strcmp(m->method, "ping") != 0) {
		snprintf(msg, sizeof msg,
		    "too many requests in flight (limit %u)", p->opts.max_incoming);
		mcp_peer_send_error(p, &m->id, MCP_INTERNAL_ERROR, msg);
		return;
	}
	req = mcp_xcalloc(1, sizeof *req);
	req->peer = p;
	req->msg = *m;
	memset(m, 0, sizeof *m);	/* the request owns the JSON now */
	req->last_progress = -INFINITY;
	meta = cJSON_GetObjectItemCaseSensitive(req->msg.params, "_meta");
	if (cJSON_IsObject(meta)) {
		const cJSON *tok = cJSON_GetObjectItemCaseSensitive(meta,
		    "progressToken");

		if (cJSON_IsString(tok) || mcp_json_is_integer(tok))
			req->progress_token = tok;
	}
	TAILQ_INSERT_TAIL(&p->incoming, req, entry);
	p->nincoming++;

	if (strcmp(req->msg.method, "ping") == 0 || p->on_request == NULL) {
		if (strcmp(req->msg.method, "ping") == 0)
			mcp_request_reply(req, NULL);
		else
			mcp_request_fail(req, MCP_METHOD_NOT_FOUND, NULL, NULL);
		return;
	}
	p->on_request(p->handler_arg, req);
}

static void
mcp_peer_on_message(void *arg, const char *json, size_t len)
{
	struct mcp_peer *p = arg;
	struct mcp_rpc_msg m;
	struct mcp_err err = { 0, "" };

	if (mcp_rpc_decode(json, len, &m, &err) != 0) {
		mcp_logf(p->opts.log, MCP_LOG_WARNING,
		    "bad message from peer: %s", err.msg);
		if (mcp_rpc_wants_error_reply(&m))
			mcp_peer_send_error(p, &m.id, err.code, err.msg);
		else if ((m.kind == MCP_RPC_RESULT || m.kind == MCP_RPC_ERROR) &&
		    m.id.type == MCP_ID_INT)
			mcp_peer_on_bad_response(p, m.id.num, err.msg);
		mcp_rpc_msg_clear(&m);
		return;
	}
	switch (m.kind) {
	case MCP_RPC_REQUEST:
		mcp_peer_on_request(p, &m);
		break;
	case MCP_RPC_NOTIFICATION:
		if (strcmp(m.method, "notifications/cancelled") == 0)
			mcp_peer_on_cancelled(p, m.params);
		else if (strcmp(m.method, "notifications/progress") == 0)
			mcp_peer_on_progress(p, m.params);
		else if (p->on_notification != NULL)
			p->on_notification(p->handler_arg, m.method, m.params);
		break;
	case MCP_RPC_RESULT:
	case MCP_RPC_ERROR:
		mcp_peer_on_response(p, &m);
		break;
	case MCP_RPC_INVALID:
		break;
	}
	mcp_rpc_msg_clear(&m);
}

/* Fail every outgoing request and cancel every incoming one. */
static void
mcp_peer_abort_all(struct mcp_peer *p, const char *why)
{
	struct mcp_pending *list = NULL, *pd, *next;
	struct mcp_request *req, *rnext;
	size_t i;

	/* Detach first: callbacks may issue or cancel requests. */
	for (i = 0; i < p->table_size; i++) {
		for (pd = p->table[i]; pd != NULL; pd = next) {
			next = pd->next;
			event_del(&pd->timer);
			pd->next = list;
			list = pd;
		}
		p->table[i] = NULL;
	}
	p->npending = 0;
	for (pd = list; pd != NULL; pd = next) {
		next = pd->next;
		mcp_peer_finish(pd, MCP_CONNECTION_CLOSED, why);
	}
	/* A cancel hook may end its request (and only its own). */
	for (req = TAILQ_FIRST(&p->incoming); req != NULL; req = rnext) {
		rnext = TAILQ_NEXT(req, entry);
		mcp_peer_cancel_incoming(req);
	}
}

static void
mcp_peer_on_transport_closed(void *arg, const char *reason)
{
	struct mcp_peer *p = arg;
	char why[300];

	if (p->closed && p->on_closed == NULL)
		return;
	p->closed = true;
	snprintf(why, sizeof why, "connection closed%s%s",
	    reason != NULL ? ": " : "", reason != NULL ? reason : "");
	mcp_peer_abort_all(p, why);
	if (p->on_closed != NULL) {
		mcp_peer_closed_cb cb = p->on_closed;

		p->on_closed = NULL;
		cb(p->closed_arg, reason);
	}
}

/* Life */

struct mcp_peer *
mcp_peer_new(struct event_base *base, struct mcp_transport *t,
    const struct mcp_peer_opts *opts)
{
	struct mcp_peer *p = mcp_xcalloc(1, sizeof *p);
	struct timeval tv;

	p->base = base;
	p->transport = t;
	if (opts != NULL)
		p->opts = *opts;
	if (p->opts.timeout_ms <= 0)
		p->opts.timeout_ms = MCP_PEER_TIMEOUT_MS;
	if (p->opts.max_timeout_ms <= 0)
		p->opts.max_timeout_ms = MCP_PEER_MAX_TIMEOUT_MS;
	if (p->opts.max_timeout_ms < p->opts.timeout_ms)
		p->opts.max_timeout_ms = p->opts.timeout_ms;
	if (p->opts.max_incoming == 0)
		p->opts.max_incoming = MCP_PEER_MAX_INCOMING;
	tv.tv_sec = p->opts.timeout_ms / 1000;
	tv.tv_usec = (p->opts.timeout_ms % 1000) * 1000;
	p->common_timeout = event_base_init_common_timeout(base, &tv);
	p->table_size = 64;
	p->table = mcp_xcalloc(p->table_size, sizeof *p->table);
	p->next_id = 1;
	TAILQ_INIT(&p->incoming);
	mcp_transport_bind(t, mcp_peer_on_message, mcp_peer_on_transport_closed, p);
	return p;
}

void
mcp_peer_free(struct mcp_peer *p)
{
	struct mcp_request *req;

	if (p == NULL)
		return;
	p->closed = true;
	p->on_closed = NULL;
	mcp_peer_abort_all(p, "connection closed: shutting down");
	while ((req = TAILQ_FIRST(&p->incoming)) != NULL) {
		TAILQ_REMOVE(&p->incoming, req, entry);
		mcp_rpc_msg_clear(&req->msg);
		free(req);
	}
	mcp_transport_free(p->transport);
	free(p->table);
	free(p);
}

void
mcp_peer_set_handlers(struct mcp_peer *p, mcp_request_cb on_request,
    mcp_notification_cb on_notification, void *arg)
{
	p->on_request = on_request;
	p->on_notification = on_notification;
	p->handler_arg = arg;
}

void
mcp_peer_set_closed_cb(struct mcp_peer *p, mcp_peer_closed_cb cb, void *arg)
{
	p->on_closed = cb;
	p->closed_arg = arg;
}

void
mcp_peer_close(struct mcp_peer *p)
{
	if (!p->closed)
		mcp_transport_close(p->transport);
}

bool
mcp_peer_is_closed(const struct mcp_peer *p)
{
	return p->closed;
}

struct event_base *
mcp_peer_base(const struct mcp_peer *p)
{
	return p->base;
}

const struct mcp_log *
mcp_peer_log(const struct mcp_peer *p)
{
	return p->opts.log;
}

/* Incoming requests */

const char *
mcp_request_method(const struct mcp_request *req)
{
	return req->msg.method;
}

const cJSON *
mcp_request_params(const struct mcp_request *req)
{
	return req->msg.params;
}

const struct mcp_id *
mcp_request_id(const struct mcp_request *req)
{
	return &req->msg.id;
}

struct mcp_peer *
mcp_request_peer(const struct mcp_request *req)
{
	return req->peer;
}

void
mcp_request_set_data(struct mcp_request *req, void *data)
{
	req->data = data;
}

void *
mcp_request_get_data(const struct mcp_request *req)
{
	return req->data;
}

bool
mcp_request_cancelled(const struct mcp_request *req)
{
	return req->cancelled;
}

void
mcp_request_on_cancel(struct mcp_request *req,
    void (*fn)(void *, struct mcp_request *), void *arg)
{
	req->on_cancel = fn;
	req->cancel_arg = arg;
}

bool
mcp_request_wants_progress(const struct mcp_request *req)
{
	return req->progress_token != NULL;
}

int
mcp_request_progress(struct mcp_request *req, double progress, double total,
    const char *message)
{
	cJSON *params;

	if (req->progress_token == NULL || req->cancelled)
		return 0;
	if (!(progress > req->last_progress))
		return -1;	/* progress must increase */
	req->last_progress = progress;
	params = cJSON_CreateObject();
	mcp_json_add(params, "progressToken",
	    cJSON_Duplicate(req->progress_token, 1));
	mcp_json_add_num(params, "progress", progress);
	if (!isnan(total))
		mcp_json_add_num(params, "total", total);
	if (message != NULL)
		mcp_json_add_str(params, "message", message);
	return mcp_peer_notify_related(req->peer, &req->msg.id,
	    "notifications/progress", params);
}

static void
mcp_request_end(struct mcp_request *req, char *json, size_t len)
{
	struct mcp_peer *p = req->peer;

	TAILQ_REMOVE(&p->incoming, req, entry);
	p->nincoming--;
	if (json != NULL) {
		if (!req->cancelled)
			mcp_peer_send(p, json, len, &req->msg.id, true);
		else
			free(json);
	}
	mcp_rpc_msg_clear(&req->msg);
	free(req);
}

void
mcp_request_reply(struct mcp_request *req, cJSON *result)
{
	size_t len = 0;
	char *s = NULL;

	if (!req->cancelled)
		s = mcp_rpc_encode_result(&req->msg.id, result, &len);
	cJSON_Delete(result);
	mcp_request_end(req, s, len);
}

void
mcp_request_fail(struct mcp_request *req, int code, const char *message,
    cJSON *data)
{
	size_t len = 0;
	char *s = NULL;

	if (!req->cancelled)
		s = mcp_rpc_encode_error(&req->msg.id, code, message, data, &len);
	cJSON_Delete(data);
	mcp_request_end(req, s, len);
}

struct mcp_transport *
mcp_peer_transport(struct mcp_peer *p)
{
	return p->transport;
}
