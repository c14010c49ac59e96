/*
 * The client session. One mcp_peer underneath; every call is a struct
 * mcp_client_call that ends exactly once, either through the peer's response
 * callback or through a failure deferred to the loop (a call made before
 * connect finished, or after the connection closed).
 */
#include <sys/queue.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "client.h"
#include "json.h"

const char *const mcp_client_versions[] = {
	"2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05", NULL,
};

enum mcp_client_state {
	MCP_CLIENT_NEW,
	MCP_CLIENT_CONNECTING,
	MCP_CLIENT_READY,
	MCP_CLIENT_FAILED,	/* initialize failed; closing */
	MCP_CLIENT_CLOSED,
};

struct mcp_client_call {
	TAILQ_ENTRY(mcp_client_call) entry;
	struct mcp_client *c;
	int64_t handle;
	int64_t peer_id;		/* > 0 while the peer holds it */
	mcp_client_cb cb;
	void *arg;
	mcp_progress_cb on_progress;
	struct mcp_call_opts popts;
	bool connect;			/* the initialize request */
	bool sending;			/* inside mcp_peer_request */
	bool done;			/* ended while sending */

	/* Lists: the method, the array's key, what came so far. */
	const char *method;
	const char *key;
	cJSON *merged;
	unsigned pages;

	/* A failure deferred to the loop. */
	struct event *ev;
	int code;
	char msg[256];
};

TAILQ_HEAD(mcp_client_calls, mcp_client_call);

struct mcp_client {
	struct event_base *base;
	struct mcp_peer *peer;
	struct mcp_client_opts opts;
	enum mcp_client_state state;
	bool freeing;
	struct mcp_client_calls calls;
	unsigned ncalls;
	int64_t next_handle;

	cJSON *init_result;		/* the server's initialize result */
	const char *version;		/* inside init_result */
	const cJSON *server_info, *server_caps;
	const char *instructions;
	char close_reason[256];
};

/* Ending calls */

static void
mcp_client_call_end(struct mcp_client_call *call, const struct mcp_response *r)
{
	struct mcp_client *c = call->c;

	TAILQ_REMOVE(&c->calls, call, entry);
	c->ncalls--;
	call->peer_id = 0;
	if (call->ev != NULL)
		event_del(call->ev);
	call->cb(call->arg, r);
	cJSON_Delete(call->merged);
	if (call->ev != NULL)
		event_free(call->ev);
	if (call->sending)
		call->done = true;	/* freed by the sender */
	else
		free(call);
}

static void
mcp_client_call_fail_now(struct mcp_client_call *call, int code,
    const char *msg)
{
	struct mcp_response r = { NULL, code, msg, NULL };

	mcp_client_call_end(call, &r);
}

static void
mcp_client_deferred_cb(evutil_socket_t fd, short events, void *arg)
{
	struct mcp_client_call *call = arg;

	(void)fd;
	(void)events;
	mcp_client_call_fail_now(call, call->code, call->msg);
}

/* Fail call from the loop, so that its callback never runs inside the
 * function that started it. */
static void
mcp_client_call_defer(struct mcp_client_call *call, int code,
    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void
mcp_client_call_defer(struct mcp_client_call *call, int code,
    const char *fmt, ...)
{
	va_list ap;

	call->code = code;
	va_start(ap, fmt);
	vsnprintf(call->msg, sizeof call->msg, fmt, ap);
	va_end(ap);
	if (call->ev == NULL)
		call->ev = event_new(call->c->base, -1, 0,
		    mcp_client_deferred_cb, call);
	if (call->ev == NULL)
		abort();
	event_active(call->ev, 0, 0);
}

static struct mcp_client_call *
mcp_client_call_new(struct mcp_client *c, const struct mcp_client_call_opts *o,
    mcp_client_cb cb, void *arg)
{
	struct mcp_client_call *call = mcp_xcalloc(1, sizeof *call);

	call->c = c;
	call->handle = c->next_handle++;
	call->cb = cb;
	call->arg = arg;
	if (o != NULL) {
		call->popts.timeout_ms = o->timeout_ms;
		call->popts.max_timeout_ms = o->max_timeout_ms;
		call->on_progress = o->on_progress;
	}
	TAILQ_INSERT_TAIL(&c->calls, call, entry);
	c->ncalls++;
	return call;
}

/* Sending */

static void mcp_client_response_cb(void *, const struct mcp_response *);

static void
mcp_client_progress_cb(void *arg, double progress, double total,
    const char *message)
{
	struct mcp_client_call *call = arg;

	if (call->on_progress != NULL)
		call->on_progress(call->arg, progress, total, message);
}

/* Hand call to the peer; returns the handle. params is taken. */
static int64_t
mcp_client_send(struct mcp_client_call *call, const char *method,
    cJSON *params)
{
	struct mcp_client *c = call->c;
	int64_t handle = call->handle, id;

	call->popts.on_progress = call->on_progress != NULL ?
	    mcp_client_progress_cb : NULL;
	call->sending = true;
	id = mcp_peer_request(c->peer, method, params, &call->popts,
	    mcp_client_response_cb, call);
	call->sending = false;
	if (call->done) {
		free(call);
		return handle;
	}
	if (id < 0)
		mcp_client_call_defer(call, MCP_CONNECTION_CLOSED,
		    "connection closed%s%s: cannot send %s",
		    c->close_reason[0] != '\0' ? ": " : "", c->close_reason,
		    method);
	else
		call->peer_id = id;
	return handle;
}

static int64_t
mcp_client_start(struct mcp_client *c, const char *method, cJSON *params,
    const struct mcp_client_call_opts *o, mcp_client_cb cb, void *arg,
    const char *list_key)
{
	struct mcp_client_call *call = mcp_client_call_new(c, o, cb, arg);

	call->method = method;
	call->key = list_key;
	if (c->state != MCP_CLIENT_READY) {
		cJSON_Delete(params);
		if (c->state == MCP_CLIENT_CLOSED || c->freeing)
			mcp_client_call_defer(call, MCP_CONNECTION_CLOSED,
			    "connection closed%s%s: cannot send %s",
			    c->close_reason[0] != '\0' ? ": " : "",
			    c->close_reason, method);
		else
			mcp_client_call_defer(call, MCP_INVALID_REQUEST,
			    "not connected: %s was called before the session "
			    "was initialized; call mcp_client_connect and wait "
			    "for its callback", method);
		return call->handle;
	}
	if (list_key != NULL)
		call->merged = cJSON_CreateArray();
	return mcp_client_send(call, method, params);
}

/* Lists */

/* One page came: add its items, then ask for the next or deliver. */
static void
mcp_client_list_page(struct mcp_client_call *call, const cJSON *result)
{
	const cJSON *items, *item, *cursor;
	struct mcp_err err = { 0, "" };
	char msg[320];
	cJSON *params, *out;

	if (mcp_json_array(result, "result", call->key, true, &items,
	    &err) != 0) {
		snprintf(msg, sizeof msg, "invalid %s result from server: %s",
		    call->method, err.msg);
		mcp_client_call_fail_now(call, MCP_INTERNAL_ERROR, msg);
		return;
	}
	cJSON_ArrayForEach(item, items)
		cJSON_AddItemToArray(call->merged, cJSON_Duplicate(item, 1));
	call->pages++;
	cursor = cJSON_GetObjectItemCaseSensitive(result, "nextCursor");
	if (cJSON_IsString(cursor)) {
		if (call->pages >= MCP_CLIENT_MAX_PAGES) {
			snprintf(msg, sizeof msg, "%s: the server still "
			    "returns a nextCursor after %u pages; giving up",
			    call->method, call->pages);
			mcp_client_call_fail_now(call, MCP_INTERNAL_ERROR, msg);
			return;
		}
		params = cJSON_CreateObject();
		mcp_json_add_str(params, "cursor", cursor->valuestring);
		mcp_client_send(call, call->method, params);
		return;
	}
	if (cursor != NULL && !cJSON_IsNull(cursor)) {
		snprintf(msg, sizeof msg, "invalid %s result from server: "
		    "result.nextCursor: expected string, got %s", call->method,
		    mcp_json_type_name(cursor));
		mcp_client_call_fail_now(call, MCP_INTERNAL_ERROR, msg);
		return;
	}
	out = cJSON_CreateObject();
	mcp_json_add(out, call->key, call->merged);
	call->merged = NULL;
	{
		struct mcp_response r = { out, 0, NULL, NULL };

		mcp_client_call_end(call, &r);
	}
	cJSON_Delete(out);
}

/* Initialize */

static bool
mcp_client_version_ok(const char *v)
{
	size_t i;

	for (i = 0; mcp_client_versions[i] != NULL; i++) {
		if (strcmp(v, mcp_client_versions[i]) == 0)
			return true;
	}
	return false;
}

static void
mcp_client_connect_fail(struct mcp_client_call *call, int code,
    const char *msg)
{
	struct mcp_client *c = call->c;

	c->state = MCP_CLIENT_FAILED;
	mcp_client_call_fail_now(call, code, msg);
	mcp_peer_close(c->peer);
}

static void
mcp_client_on_initialized(struct mcp_client_call *call,
    const struct mcp_response *r)
{
	struct mcp_client *c = call->c;
	struct mcp_err err = { 0, "" };
	const char *version, *instructions;
	const cJSON *caps, *info;
	char msg[400];

	if (r->code != 0) {
		snprintf(msg, sizeof msg, "initialize failed: %s",
		    r->message != NULL ? r->message : mcp_strerror(r->code));
		if (c->state == MCP_CLIENT_CONNECTING)
			mcp_client_connect_fail(call, r->code, msg);
		else
			mcp_client_call_fail_now(call, r->code, msg);
		return;
	}
	if (mcp_json_string(r->result, "result", "protocolVersion", true,
	    &version, &err) != 0 ||
	    mcp_json_object(r->result, "result", "capabilities", true, &caps,
	    &err) != 0 ||
	    mcp_json_object(r->result, "result", "serverInfo", true, &info,
	    &err) != 0 ||
	    mcp_json_string(r->result, "result", "instructions", false,
	    &instructions, &err) != 0) {
		snprintf(msg, sizeof msg,
		    "invalid initialize result from server: %s", err.msg);
		mcp_client_connect_fail(call, MCP_INTERNAL_ERROR, msg);
		return;
	}
	if (!mcp_client_version_ok(version)) {
		snprintf(msg, sizeof msg, "protocol version mismatch: the "
		    "server answered %.40s to our %s; this client supports "
		    "2025-11-25, 2025-06-18, 2025-03-26 and 2024-11-05",
		    version, MCP_CLIENT_PROTOCOL_VERSION);
		mcp_client_connect_fail(call, MCP_INTERNAL_ERROR, msg);
		return;
	}
	c->init_result = cJSON_Duplicate(r->result, 1);
	c->version = cJSON_GetObjectItemCaseSensitive(c->init_result,
	    "protocolVersion")->valuestring;
	c->server_caps = cJSON_GetObjectItemCaseSensitive(c->init_result,
	    "capabilities");
	c->server_info = cJSON_GetObjectItemCaseSensitive(c->init_result,
	    "serverInfo");
	c->instructions = NULL;
	if (instructions != NULL)
		c->instructions = cJSON_GetObjectItemCaseSensitive(
		    c->init_result, "instructions")->valuestring;
	c->state = MCP_CLIENT_READY;
	mcp_peer_notify(c->peer, "notifications/initialized", NULL);
	mcp_client_call_end(call, r);
}

static void
mcp_client_response_cb(void *arg, const struct mcp_response *r)
{
	struct mcp_client_call *call = arg;
	char msg[320];

	call->peer_id = 0;
	/* Every MCP result is an object; say so here rather than leave each
	 * caller to trip over a number or a list. */
	if (r->code == 0 && !cJSON_IsObject(r->result)) {
		snprintf(msg, sizeof msg, "invalid %s result from server: "
		    "result: expected object, got %s",
		    call->connect ? "initialize" : call->method,
		    mcp_json_type_name(r->result));
		if (call->connect)
			mcp_client_connect_fail(call, MCP_INTERNAL_ERROR, msg);
		else
			mcp_client_call_fail_now(call, MCP_INTERNAL_ERROR, msg);
		return;
	}
	if (call->connect)
		mcp_client_on_initialized(call, r);
	else if (call->key != NULL && r->code == 0)
		mcp_client_list_page(call, r->result);
	else
		mcp_client_call_end(call, r);
}

void
mcp_client_connect(struct mcp_client *c, mcp_client_cb cb, void *arg)
{
	struct mcp_client_call *call = mcp_client_call_new(c, NULL, cb, arg);
	cJSON *params, *caps, *info;

	call->connect = true;
	if (c->state != MCP_CLIENT_NEW) {
		mcp_client_call_defer(call, MCP_INVALID_REQUEST,
		    "initialize: mcp_client_connect may be called once per client");
		return;
	}
	c->state = MCP_CLIENT_CONNECTING;
	caps = cJSON_CreateObject();
	if (c->opts.on_roots != NULL) {
		cJSON *roots = cJSON_CreateObject();

		if (c->opts.roots_list_changed)
			mcp_json_add_bool(roots, "listChanged", true);
		mcp_json_add(caps, "roots", roots);
	}
	if (c->opts.on_sampling != NULL)
		mcp_json_add(caps, "sampling", cJSON_CreateObject());
	if (c->opts.on_elicitation != NULL)
		mcp_json_add(caps, "elicitation", cJSON_CreateObject());
	info = cJSON_CreateObject();
	mcp_json_add_str(info, "name",
	    c->opts.name != NULL ? c->opts.name : "tripmcp");
	mcp_json_add_str(info, "version",
	    c->opts.version != NULL ? c->opts.version : "0.1.0");
	if (c->opts.title != NULL)
		mcp_json_add_str(info, "title", c->opts.title);
	params = cJSON_CreateObject();
	mcp_json_add_str(params, "protocolVersion", MCP_CLIENT_PROTOCOL_VERSION);
	mcp_json_add(params, "capabilities", caps);
	mcp_json_add(params, "clientInfo", info);
	mcp_client_send(call, "initialize", params);
}

/* From the server */

static void
mcp_client_on_request(void *arg, struct mcp_request *req)
{
	struct mcp_client *c = arg;
	const char *method = mcp_request_method(req);
	mcp_client_request_cb cb = NULL;
	const char *cap = NULL;
	char msg[200];

	if (strcmp(method, "roots/list") == 0) {
		cb = c->opts.on_roots;
		cap = "roots";
	} else if (strcmp(method, "sampling/createMessage") == 0) {
		cb = c->opts.on_sampling;
		cap = "sampling";
	} else if (strcmp(method, "elicitation/create") == 0) {
		cb = c->opts.on_elicitation;
		cap = "elicitation";
	}
	if (cb == NULL) {
		if (cap != NULL)
			snprintf(msg, sizeof msg, "method not found: %s (this "
			    "client did not declare the %s capability)", method,
			    cap);
		else
			snprintf(msg, sizeof msg, "method not found: %.100s",
			    method);
		mcp_request_fail(req, MCP_METHOD_NOT_FOUND, msg, NULL);
		return;
	}
	cb(c->opts.arg, req, mcp_request_params(req));
}

static void
mcp_client_on_notification(void *arg, const char *method, const cJSON *params)
{
	struct mcp_client *c = arg;
	static const char *const lists[] = { "tools", "resources", "prompts" };
	char name[64];
	size_t i;

	if (strcmp(method, "notifications/message") == 0) {
		const char *level = NULL, *logger = NULL;
		struct mcp_err err = { 0, "" };
		int l;

		if (c->opts.on_log == NULL)
			return;
		if (mcp_json_string(params, "params", "level", true, &level,
		    &err) != 0 || (l = mcp_log_level_parse(level)) < 0 ||
		    mcp_json_string(params, "params", "logger", false, &logger,
		    &err) != 0) {
			mcp_logf(c->opts.log, MCP_LOG_DEBUG,
			    "ignoring malformed notifications/message: %s",
			    err.code != 0 ? err.msg : "unknown level");
			return;
		}
		c->opts.on_log(c->opts.arg, (enum mcp_log_level)l, logger,
		    cJSON_GetObjectItemCaseSensitive(params, "data"));
		return;
	}
	for (i = 0; i < sizeof lists / sizeof lists[0]; i++) {
		snprintf(name, sizeof name, "notifications/%s/list_changed",
		    lists[i]);
		if (strcmp(method, name) == 0) {
			if (c->opts.on_list_changed != NULL)
				c->opts.on_list_changed(c->opts.arg, lists[i]);
			return;
		}
	}
	if (strcmp(method, "notifications/resources/updated") == 0) {
		const char *uri = NULL;
		struct mcp_err err = { 0, "" };

		if (mcp_json_string(params, "params", "uri", true, &uri,
		    &err) != 0) {
			mcp_logf(c->opts.log, MCP_LOG_DEBUG,
			    "ignoring malformed resources/updated: %s", err.msg);
			return;
		}
		if (c->opts.on_resource_updated != NULL)
			c->opts.on_resource_updated(c->opts.arg, uri);
		return;
	}
	if (c->opts.on_notification != NULL)
		c->opts.on_notification(c->opts.arg, method, params);
}

static void
mcp_client_on_closed(void *arg, const char *reason)
{
	struct mcp_client *c = arg;

	c->state = MCP_CLIENT_CLOSED;
	snprintf(c->close_reason, sizeof c->close_reason, "%s",
	    reason != NULL ? reason : "");
	if (c->opts.on_closed != NULL)
		c->opts.on_closed(c->opts.arg, reason);
}

/* Life */

struct mcp_client *
mcp_client_new(struct event_base *base, struct mcp_transport *t,
    const struct mcp_client_opts *opts)
{
	struct mcp_client *c = mcp_xcalloc(1, sizeof *c);
	struct mcp_peer_opts po = { 0 };

	c->base = base;
	if (opts != NULL)
		c->opts = *opts;
	po.timeout_ms = c->opts.timeout_ms;
	po.max_timeout_ms = c->opts.max_timeout_ms;
	po.log = c->opts.log;
	c->peer = mcp_peer_new(base, t, &po);
	mcp_peer_set_handlers(c->peer, mcp_client_on_request,
	    mcp_client_on_notification, c);
	mcp_peer_set_closed_cb(c->peer, mcp_client_on_closed, c);
	TAILQ_INIT(&c->calls);
	c->next_handle = 1;
	return c;
}

void
mcp_client_free(struct mcp_client *c)
{
	struct mcp_client_call *call;

	if (c == NULL)
		return;
	c->freeing = true;
	if (c->close_reason[0] == '\0')
		snprintf(c->close_reason, sizeof c->close_reason,
		    "shutting down");
	/* The peer fails what it holds through mcp_client_response_cb. */
	mcp_peer_free(c->peer);
	c->peer = NULL;
	while ((call = TAILQ_FIRST(&c->calls)) != NULL)
		mcp_client_call_fail_now(call, MCP_CONNECTION_CLOSED,
		    "connection closed: shutting down");
	cJSON_Delete(c->init_result);
	free(c);
}

void
mcp_client_close(struct mcp_client *c)
{
	if (c->peer != NULL)
		mcp_peer_close(c->peer);
}

/* Accessors */

bool
mcp_client_ready(const struct mcp_client *c)
{
	return c->state == MCP_CLIENT_READY;
}

const char *
mcp_client_protocol_version(const struct mcp_client *c)
{
	return c->version;
}

const cJSON *
mcp_client_server_info(const struct mcp_client *c)
{
	return c->server_info;
}

const cJSON *
mcp_client_server_capabilities(const struct mcp_client *c)
{
	return c->server_caps;
}

const char *
mcp_client_instructions(const struct mcp_client *c)
{
	return c->instructions;
}

bool
mcp_client_server_can(const struct mcp_client *c, const char *capability)
{
	return c->server_caps != NULL &&
	    cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(c->server_caps,
	    capability));
}

struct mcp_peer *
mcp_client_peer(struct mcp_client *c)
{
	return c->peer;
}

unsigned
mcp_client_pending(const struct mcp_client *c)
{
	return c->ncalls;
}

/* Calls */

int64_t
mcp_client_request(struct mcp_client *c, const char *method, cJSON *params,
    const struct mcp_client_call_opts *o, mcp_client_cb cb, void *arg)
{
	return mcp_client_start(c, method, params, o, cb, arg, NULL);
}

int64_t
mcp_client_list_tools(struct mcp_client *c, mcp_client_cb cb, void *arg)
{
	return mcp_client_start(c, "tools/list", NULL, NULL, cb, arg, "tools");
}

int64_t
mcp_client_list_resources(struct mcp_client *c, mcp_client_cb cb, void *arg)
{
	return mcp_client_start(c, "resources/list", NULL, NULL, cb, arg,
	    "resources");
}

int64_t
mcp_client_list_templates(struct mcp_client *c, mcp_client_cb cb, void *arg)
{
	return mcp_client_start(c, "resources/templates/list", NULL, NULL, cb,
	    arg, "resourceTemplates");
}

int64_t
mcp_client_list_prompts(struct mcp_client *c, mcp_client_cb cb, void *arg)
{
	return mcp_client_start(c, "prompts/list", NULL, NULL, cb, arg,
	    "prompts");
}

int64_t
mcp_client_call_tool(struct mcp_client *c, const char *name, cJSON *args,
    const struct mcp_client_call_opts *o, mcp_client_cb cb, void *arg)
{
	cJSON *params = cJSON_CreateObject();

	mcp_json_add_str(params, "name", name);
	mcp_json_add(params, "arguments",
	    args != NULL ? args : cJSON_CreateObject());
	return mcp_client_start(c, "tools/call", params, o, cb, arg, NULL);
}

static int64_t
mcp_client_uri_call(struct mcp_client *c, const char *method, const char *uri,
    mcp_client_cb cb, void *arg)
{
	cJSON *params = cJSON_CreateObject();

	mcp_json_add_str(params, "uri", uri);
	return mcp_client_start(c, method, params, NULL, cb, arg, NULL);
}

int64_t
mcp_client_read_resource(struct mcp_client *c, const char *uri,
    mcp_client_cb cb, void *arg)
{
	return mcp_client_uri_call(c, "resources/read", uri, cb, arg);
}

int64_t
mcp_client_subscribe(struct mcp_client *c, const char *uri, mcp_client_cb cb,
    void *arg)
{
	return mcp_client_uri_call(c, "resources/subscribe", uri, cb, arg);
}

int64_t
mcp_client_unsubscribe(struct mcp_client *c, const char *uri,
    mcp_client_cb cb, void *arg)
{
	return mcp_client_uri_call(c, "resources/unsubscribe", uri, cb, arg);
}

int64_t
mcp_client_get_prompt(struct mcp_client *c, const char *name, cJSON *args,
    mcp_client_cb cb, void *arg)
{
	cJSON *params = cJSON_CreateObject();

	mcp_json_add_str(params, "name", name);
	if (args != NULL)
		mcp_json_add(params, "arguments", args);
	return mcp_client_start(c, "prompts/get", params, NULL, cb, arg, NULL);
}

int64_t
mcp_client_complete(struct mcp_client *c, const char *ref_type,
    const char *ref, const char *argument, const char *value, cJSON *context,
    mcp_client_cb cb, void *arg)
{
	cJSON *params = cJSON_CreateObject(), *r = cJSON_CreateObject();
	cJSON *a = cJSON_CreateObject();

	mcp_json_add_str(r, "type", ref_type);
	mcp_json_add_str(r, strcmp(ref_type, "ref/resource") == 0 ? "uri" :
	    "name", ref);
	mcp_json_add(params, "ref", r);
	mcp_json_add_str(a, "name", argument);
	mcp_json_add_str(a, "value", value);
	mcp_json_add(params, "argument", a);
	if (context != NULL) {
		cJSON *ctx = cJSON_CreateObject();

		mcp_json_add(ctx, "arguments", context);
		mcp_json_add(params, "context", ctx);
	}
	return mcp_client_start(c, "completion/complete", params, NULL, cb, arg,
	    NULL);
}

int64_t
mcp_client_set_level(struct mcp_client *c, enum mcp_log_level level,
    mcp_client_cb cb, void *arg)
{
	cJSON *params = cJSON_CreateObject();

	mcp_json_add_str(params, "level", mcp_log_level_name(level));
	return mcp_client_start(c, "logging/setLevel", params, NULL, cb, arg,
	    NULL);
}

int64_t
mcp_client_ping(struct mcp_client *c, mcp_client_cb cb, void *arg)
{
	return mcp_client_start(c, "ping", NULL, NULL, cb, arg, NULL);
}

int
mcp_client_cancel(struct mcp_client *c, int64_t handle, const char *reason)
{
	struct mcp_client_call *call;

	TAILQ_FOREACH(call, &c->calls, entry) {
		if (call->handle == handle)
			break;
	}
	if (call == NULL)
		return -1;
	if (call->peer_id > 0 && c->peer != NULL &&
	    mcp_peer_cancel(c->peer, call->peer_id, reason) == 0)
		return 0;
	mcp_client_call_fail_now(call, MCP_REQUEST_CANCELLED,
	    reason != NULL ? reason : "request cancelled");
	return 0;
}
