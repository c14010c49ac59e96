/*
 * The server kit: a registry of tools, resources, templates and prompts, and
 * the dispatcher that serves them to each session over any transport.
 */
#include <sys/queue.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "http_server.h"
#include "json.h"
#include "schema.h"
#include "server.h"
#include "stdio.h"
#include "uritemplate.h"

#define MCP_SERVER_PAGE_SIZE		100
#define MCP_SERVER_MAX_SUBSCRIPTIONS	1024
#define MCP_SERVER_CLIENT_TIMEOUT_MS	600000	/* a human may be answering */

/* Newest first: what we offer when the client asks for something else. */
static const char *const mcp_server_versions[] = {
	"2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05", NULL,
};

enum mcp_entry_kind {
	MCP_ENTRY_TOOL,
	MCP_ENTRY_RESOURCE,
	MCP_ENTRY_TEMPLATE,
	MCP_ENTRY_PROMPT,
};

/* One declaration and what the kit derived from it. */
struct mcp_entry {
	enum mcp_entry_kind kind;
	union {
		const struct mcp_tool *tool;
		const struct mcp_resource *resource;
		const struct mcp_resource_template *tmpl;
		const struct mcp_prompt *prompt;
	} u;
	void *arg;
	cJSON *listing;			/* the entry as the list methods show it */
	struct mcp_schema *input;	/* tools */
	struct mcp_schema *output;	/* tools, optional */
	struct mcp_uritemplate *ut;	/* templates */
	unsigned refs;			/* calls still using it */
	bool removed;			/* out of the registry; freed at refs 0 */
};

/* Entries in declaration order (the list order), indexed by key: a lookup
 * runs on every call, so it must not walk the list. */
struct mcp_registry {
	struct mcp_entry **v;
	size_t n, cap;
	size_t *slots;		/* open addressing: index into v plus 1, or 0 */
	size_t nslots;		/* a power of two, at least twice n */
};

struct mcp_session {
	TAILQ_ENTRY(mcp_session) entry;
	struct mcp_server *srv;
	struct mcp_peer *peer;
	struct event *free_ev;
	char version[16];
	bool initialized;		/* initialize answered */
	bool ready;			/* notifications/initialized seen */
	bool stdio;			/* ends the program when it closes */
	cJSON *caps;			/* the capabilities we announced */
	cJSON *client_caps;
	cJSON *client_info;
	enum mcp_log_level log_level;
	char **subs;			/* subscribed uris */
	size_t nsubs;
	TAILQ_HEAD(, mcp_call) calls;	/* not yet ended by their handlers */
};

enum mcp_call_kind {
	MCP_CALL_TOOL,
	MCP_CALL_RESOURCE,
	MCP_CALL_PROMPT,
	MCP_CALL_COMPLETE,
};

/*
 * A call lives until its handler ends it. If its session ends first (the
 * client went away), the call is orphaned: req, sess and entry become NULL
 * and whatever the handler does with it afterwards is dropped.
 */
struct mcp_call {
	TAILQ_ENTRY(mcp_call) entry_link;
	enum mcp_call_kind kind;
	struct mcp_request *req;	/* NULL once orphaned */
	struct mcp_session *sess;	/* NULL once orphaned */
	struct mcp_server *srv;
	struct mcp_entry *entry;	/* referenced; NULL once orphaned */
	char *name;
	cJSON *owned;			/* what the handler was given */
	void (*on_cancel)(void *, struct mcp_call *);
	void *cancel_arg;
	LIST_HEAD(, mcp_ask) asks;	/* our requests to the client, unanswered */
};

/* A request a call made to the client, until its answer arrives. */
struct mcp_ask {
	LIST_ENTRY(mcp_ask) link;
	struct mcp_call *call;		/* NULL once the call has ended */
	int64_t id;
	mcp_response_cb cb;
	void *arg;
};

struct mcp_server {
	const struct mcp_server_info *info;
	struct event_base *base;
	struct mcp_log log;
	struct mcp_registry tools, resources, templates, prompts;
	unsigned page_size;
	TAILQ_HEAD(, mcp_session) sessions;
	struct mcp_http_server *http;
	struct event *sig_term, *sig_int;
	int exit_status;
	int (*start)(void *, struct mcp_server *, struct mcp_err *);
	void *start_arg;
};

static void mcp_server_list_changed(struct mcp_server *, const char *what);

/* Registry */

static void
mcp_entry_free(struct mcp_entry *e)
{
	if (e == NULL)
		return;
	cJSON_Delete(e->listing);
	mcp_schema_free(e->input);
	mcp_schema_free(e->output);
	mcp_uritemplate_free(e->ut);
	free(e);
}

static void
mcp_entry_unref(struct mcp_entry *e)
{
	if (e != NULL && --e->refs == 0 && e->removed)
		mcp_entry_free(e);
}

static void
mcp_registry_clear(struct mcp_registry *r)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		mcp_entry_free(r->v[i]);
	free(r->v);
	free(r->slots);
	memset(r, 0, sizeof *r);
}

/* The name an entry is looked up by. */
static const char *
mcp_entry_key(const struct mcp_entry *e)
{
	switch (e->kind) {
	case MCP_ENTRY_TOOL:
		return e->u.tool->name;
	case MCP_ENTRY_RESOURCE:
		return e->u.resource->uri;
	case MCP_ENTRY_TEMPLATE:
		return e->u.tmpl->uri_template;
	case MCP_ENTRY_PROMPT:
		return e->u.prompt->name;
	}
	return "";
}

static size_t
mcp_registry_hash(const char *key)
{
	size_t h = 1469598103934665603u;	/* FNV-1a */

	while (*key != '\0')
		h = (h ^ (unsigned char)*key++) * 1099511628211u;
	return h;
}

/* Rebuild the index from v, sized for at least want entries. */
static void
mcp_registry_reindex(struct mcp_registry *r, size_t want)
{
	size_t i, j, n = 16;

	while (n < 2 * want)
		n *= 2;
	free(r->slots);
	r->slots = mcp_xcalloc(n, sizeof *r->slots);
	r->nslots = n;
	for (i = 0; i < r->n; i++) {
		j = mcp_registry_hash(mcp_entry_key(r->v[i])) & (n - 1);
		while (r->slots[j] != 0)
			j = (j + 1) & (n - 1);
		r->slots[j] = i + 1;
	}
}

static void
mcp_registry_push(struct mcp_registry *r, struct mcp_entry *e)
{
	if (r->n == r->cap) {
		r->cap = r->cap == 0 ? 16 : r->cap * 2;
		r->v = mcp_xrealloc(r->v, r->cap * sizeof *r->v);
	}
	r->v[r->n++] = e;
	if (r->nslots < 2 * r->n)
		mcp_registry_reindex(r, r->cap);
	else {
		size_t j = mcp_registry_hash(mcp_entry_key(e)) & (r->nslots - 1);

		while (r->slots[j] != 0)
			j = (j + 1) & (r->nslots - 1);
		r->slots[j] = r->n;
	}
}

static struct mcp_entry *
mcp_registry_find(const struct mcp_registry *r, const char *key)
{
	size_t j;

	if (r->nslots == 0)
		return NULL;
	j = mcp_registry_hash(key) & (r->nslots - 1);
	for (; r->slots[j] != 0; j = (j + 1) & (r->nslots - 1)) {
		struct mcp_entry *e = r->v[r->slots[j] - 1];

		if (strcmp(mcp_entry_key(e), key) == 0)
			return e;
	}
	return NULL;
}

static int
mcp_registry_remove(struct mcp_server *srv, struct mcp_registry *r,
    const char *key, const char *method)
{
	size_t i;

	for (i = 0; i < r->n; i++) {
		if (strcmp(mcp_entry_key(r->v[i]), key) != 0)
			continue;
		/* A call in flight may still check its output against it. */
		if (r->v[i]->refs > 0)
			r->v[i]->removed = true;
		else
			mcp_entry_free(r->v[i]);
		memmove(&r->v[i], &r->v[i + 1], (r->n - i - 1) * sizeof *r->v);
		r->n--;
		mcp_registry_reindex(r, r->cap);
		mcp_server_list_changed(srv, method);
		return 0;
	}
	return -1;
}

/* Listing helpers: add key only when value is set. */
static void
mcp_add_opt_str(cJSON *obj, const char *key, const char *value)
{
	if (value != NULL)
		mcp_json_add_str(obj, key, value);
}

static cJSON *
mcp_parse_decl(const char *text, const char *what, const char *name,
    struct mcp_err *err)
{
	cJSON *v = cJSON_Parse(text);

	if (v == NULL || !cJSON_IsObject(v)) {
		cJSON_Delete(v);
		mcp_err_set(err, MCP_INVALID_PARAMS,
		    "%s of '%s' is not a JSON object", what, name);
		return NULL;
	}
	return v;
}

static bool
mcp_tool_name_valid(const char *name)
{
	size_t n = name != NULL ? strlen(name) : 0, i;

	if (n == 0 || n > 128)
		return false;
	for (i = 0; i < n; i++) {
		char c = name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-'))
			return false;
	}
	return true;
}

int
mcp_server_add_tool(struct mcp_server *srv, const struct mcp_tool *t,
    void *arg, struct mcp_err *err)
{
	struct mcp_entry *e;
	cJSON *in, *out = NULL, *ann = NULL;
	const cJSON *type;
	char why[256];

	if (!mcp_tool_name_valid(t->name)) {
		mcp_err_set(err, MCP_INVALID_PARAMS,
		    "tool name '%s' must be 1-128 characters of A-Z a-z 0-9 _ . -",
		    t->name != NULL ? t->name : "");
		return -1;
	}
	if (mcp_registry_find(&srv->tools, t->name) != NULL) {
		mcp_err_set(err, MCP_INVALID_PARAMS, "tool '%s' declared twice",
		    t->name);
		return -1;
	}
	if (t->handler == NULL) {
		mcp_err_set(err, MCP_INVALID_PARAMS, "tool '%s' has no handler",
		    t->name);
		return -1;
	}
	in = mcp_parse_decl(t->input_schema != NULL ? t->input_schema :
	    "{\"type\":\"object\",\"properties\":{}}", "inputSchema", t->name, err);
	if (in == NULL)
		return -1;
	type = cJSON_GetObjectItemCaseSensitive(in, "type");
	if (!cJSON_IsString(type) || strcmp(type->valuestring, "object") != 0) {
		/* Arguments are always an object; clients rely on it. */
		mcp_err_set(err, MCP_INVALID_PARAMS, "inputSchema of '%s' must "
		    "have \"type\": \"object\"", t->name);
		goto fail;
	}
	if (t->output_schema != NULL && (out = mcp_parse_decl(t->output_schema,
	    "outputSchema", t->name, err)) == NULL)
		goto fail;
	if (t->annotations != NULL && (ann = mcp_parse_decl(t->annotations,
	    "annotations", t->name, err)) == NULL)
		goto fail;

	e = mcp_xcalloc(1, sizeof *e);
	e->kind = MCP_ENTRY_TOOL;
	e->u.tool = t;
	e->arg = arg;
	if ((e->input = mcp_schema_new(in, why, sizeof why)) == NULL ||
	    (out != NULL && (e->output = mcp_schema_new(out, why,
	    sizeof why)) == NULL)) {
		mcp_err_set(err, MCP_INVALID_PARAMS, "tool '%s': %s", t->name,
		    why);
		mcp_entry_free(e);
		goto fail;
	}
	e->listing = cJSON_CreateObject();
	mcp_json_add_str(e->listing, "name", t->name);
	mcp_add_opt_str(e->listing, "title", t->title);
	mcp_add_opt_str(e->listing, "description", t->description);
	mcp_json_add(e->listing, "inputSchema", in);
	if (out != NULL)
		mcp_json_add(e->listing, "outputSchema", out);
	if (ann != NULL)
		mcp_json_add(e->listing, "annotations", ann);
	mcp_registry_push(&srv->tools, e);
	mcp_server_list_changed(srv, "tools");
	return 0;

fail:
	cJSON_Delete(in);
	cJSON_Delete(out);
	cJSON_Delete(ann);
	return -1;
}

int
mcp_server_add_resource(struct mcp_server *srv, const struct mcp_resource *r,
    void *arg, struct mcp_err *err)
{
	struct mcp_entry *e;

	if (r->uri == NULL || r->name == NULL || r->handler == NULL) {
		mcp_err_set(err, MCP_INVALID_PARAMS,
		    "resource '%s' needs a uri, a name and a handler",
		    r->uri != NULL ? r->uri : "");
		return -1;
	}
	if (mcp_registry_find(&srv->resources, r->uri) != NULL) {
		mcp_err_set(err, MCP_INVALID_PARAMS,
		    "resource '%s' declared twice", r->uri);
		return -1;
	}
	e = mcp_xcalloc(1, sizeof *e);
	e->kind = MCP_ENTRY_RESOURCE;
	e->u.resource = r;
	e->arg = arg;
	e->listing = cJSON_CreateObject();
	mcp_json_add_str(e->listing, "uri", r->uri);
	mcp_json_add_str(e->listing, "name", r->name);
	mcp_add_opt_str(e->listing, "title", r->title);
	mcp_add_opt_str(e->listing, "description", r->description);
	mcp_add_opt_str(e->listing, "mimeType", r->mime_type);
	mcp_registry_push(&srv->resources, e);
	mcp_server_list_changed(srv, "resources");
	return 0;
}

int
mcp_server_add_template(struct mcp_server *srv,
    const struct mcp_resource_template *t, void *arg, struct mcp_err *err)
{
	struct mcp_entry *e;
	char why[256];

	if (t->uri_template == NULL || t->name == NULL || t->handler == NULL) {
		mcp_err_set(err, MCP_INVALID_PARAMS,
		    "resource template '%s' needs a template, a name and a handler",
		    t->uri_template != NULL ? t->uri_template : "");
		return -1;
	}
	if (mcp_registry_find(&srv->templates, t->uri_template) != NULL) {
		mcp_err_set(err, MCP_INVALID_PARAMS,
		    "resource template '%s' declared twice", t->uri_template);
		return -1;
	}
	e = mcp_xcalloc(1, sizeof *e);
	e->kind = MCP_ENTRY_TEMPLATE;
	e->u.tmpl = t;
	e->arg = arg;
	if ((e->ut = mcp_uritemplate_new(t->uri_template, why,
	    sizeof why)) == NULL) {
		mcp_err_set(err, MCP_INVALID_PARAMS, "%s", why);
		free(e);
		return -1;
	}
	e->listing = cJSON_CreateObject();
	mcp_json_add_str(e->listing, "uriTemplate", t->uri_template);
	mcp_json_add_str(e->listing, "name", t->name);
	mcp_add_opt_str(e->listing, "title", t->title);
	mcp_add_opt_str(e->listing, "description", t->description);
	mcp_add_opt_str(e->listing, "mimeType", t->mime_type);
	mcp_registry_push(&srv->templates, e);
	mcp_server_list_changed(srv, "resources");
	return 0;
}

int
mcp_server_add_prompt(struct mcp_server *srv, const struct mcp_prompt *p,
    void *arg, struct mcp_err *err)
{
	struct mcp_entry *e;
	cJSON *args;
	size_t i;

	if (p->name == NULL || p->handler == NULL) {
		mcp_err_set(err, MCP_INVALID_PARAMS,
		    "prompt '%s' needs a name and a handler",
		    p->name != NULL ? p->name : "");
		return -1;
	}
	if (mcp_registry_find(&srv->prompts, p->name) != NULL) {
		mcp_err_set(err, MCP_INVALID_PARAMS, "prompt '%s' declared twice",
		    p->name);
		return -1;
	}
	e = mcp_xcalloc(1, sizeof *e);
	e->kind = MCP_ENTRY_PROMPT;
	e->u.prompt = p;
	e->arg = arg;
	e->listing = cJSON_CreateObject();
	mcp_json_add_str(e->listing, "name", p->name);
	mcp_add_opt_str(e->listing, "title", p->title);
	mcp_add_opt_str(e->listing, "description", p->description);
	args = cJSON_CreateArray();
	for (i = 0; i < MCP_PROMPT_MAX_ARGS && p->args[i].name != NULL; i++) {
		cJSON *a = cJSON_CreateObject();

		mcp_json_add_str(a, "name", p->args[i].name);
		mcp_add_opt_str(a, "title", p->args[i].title);
		mcp_add_opt_str(a, "description", p->args[i].description);
		mcp_json_add_bool(a, "required", p->args[i].required);
		cJSON_AddItemToArray(args, a);
	}
	mcp_json_add(e->listing, "arguments", args);
	mcp_registry_push(&srv->prompts, e);
	mcp_server_list_changed(srv, "prompts");
	return 0;
}

int
mcp_server_remove_tool(struct mcp_server *srv, const char *name)
{
	return mcp_registry_remove(srv, &srv->tools, name,
	    "tools");
}

int
mcp_server_remove_resource(struct mcp_server *srv, const char *uri)
{
	return mcp_registry_remove(srv, &srv->resources, uri,
	    "resources");
}

int
mcp_server_remove_prompt(struct mcp_server *srv, const char *name)
{
	return mcp_registry_remove(srv, &srv->prompts, name,
	    "prompts");
}

void
mcp_server_set_page_size(struct mcp_server *srv, unsigned n)
{
	srv->page_size = n > 0 ? n : MCP_SERVER_PAGE_SIZE;
}

void
mcp_server_set_log(struct mcp_server *srv, const struct mcp_log *log)
{
	srv->log = *log;
	if (srv->log.prog == NULL)
		srv->log.prog = srv->info->name;
}

/* Notifications to sessions */

static void
mcp_server_list_changed(struct mcp_server *srv, const char *what)
{
	struct mcp_session *s;
	char method[64];

	snprintf(method, sizeof method, "notifications/%s/list_changed", what);
	TAILQ_FOREACH(s, &srv->sessions, entry) {
		/* Only to sessions that were told this capability exists. */
		if (s->initialized && cJSON_GetObjectItemCaseSensitive(s->caps,
		    what) != NULL)
			mcp_peer_notify(s->peer, method, NULL);
	}
}

void
mcp_server_resource_updated(struct mcp_server *srv, const char *uri)
{
	struct mcp_session *s;
	size_t i;

	TAILQ_FOREACH(s, &srv->sessions, entry) {
		for (i = 0; i < s->nsubs; i++) {
			if (strcmp(s->subs[i], uri) == 0) {
				cJSON *params = cJSON_CreateObject();

				mcp_json_add_str(params, "uri", uri);
				mcp_peer_notify(s->peer,
				    "notifications/resources/updated", params);
				break;
			}
		}
	}
}

static cJSON *
mcp_log_params(enum mcp_log_level level, const char *logger, cJSON *data)
{
	cJSON *params = cJSON_CreateObject();

	mcp_json_add_str(params, "level", mcp_log_level_name(level));
	if (logger != NULL)
		mcp_json_add_str(params, "logger", logger);
	mcp_json_add(params, "data", data != NULL ? data : cJSON_CreateNull());
	return params;
}

void
mcp_server_log(struct mcp_server *srv, enum mcp_log_level level,
    const char *logger, cJSON *data)
{
	struct mcp_session *s;
	char *text = data != NULL ? mcp_json_print(data, NULL) : NULL;

	mcp_logf(&srv->log, level, "%s%s%s", logger != NULL ? logger : "",
	    logger != NULL ? ": " : "", text != NULL ? text : "");
	free(text);
	TAILQ_FOREACH(s, &srv->sessions, entry) {
		if (s->initialized && level >= s->log_level)
			mcp_peer_notify(s->peer, "notifications/message",
			    mcp_log_params(level, logger, cJSON_Duplicate(data, 1)));
	}
	cJSON_Delete(data);
}

/* Calls */

/* owned (taken) is what the handler reads; it lives as long as the call. */
static struct mcp_call *
mcp_call_new(enum mcp_call_kind kind, struct mcp_request *req,
    struct mcp_session *sess, struct mcp_entry *e, const char *name,
    cJSON *owned)
{
	struct mcp_call *c = mcp_xcalloc(1, sizeof *c);

	LIST_INIT(&c->asks);
	c->kind = kind;
	c->req = req;
	c->sess = sess;
	c->srv = sess->srv;
	c->entry = e;
	if (e != NULL)
		e->refs++;
	c->name = mcp_xstrdup(name);
	c->owned = owned;
	TAILQ_INSERT_TAIL(&sess->calls, c, entry_link);
	return c;
}

/* The session is going away: the call's request is gone with it. */
static void
mcp_call_orphan(struct mcp_call *c)
{
	TAILQ_REMOVE(&c->sess->calls, c, entry_link);
	mcp_entry_unref(c->entry);
	c->entry = NULL;
	c->req = NULL;
	c->sess = NULL;
}

static void
mcp_call_end(struct mcp_call *c)
{
	struct mcp_ask *a;

	/* What the call still waits for from the client is no longer wanted:
	 * cancel it (the callbacks run now, with MCP_REQUEST_CANCELLED). */
	while ((a = LIST_FIRST(&c->asks)) != NULL) {
		LIST_REMOVE(a, link);
		a->call = NULL;
		if (c->sess == NULL ||
		    mcp_peer_cancel(c->sess->peer, a->id, "the call ended") != 0)
			free(a);	/* not pending any more */
	}
	if (c->sess != NULL) {
		TAILQ_REMOVE(&c->sess->calls, c, entry_link);
		mcp_entry_unref(c->entry);
	}
	cJSON_Delete(c->owned);
	free(c->name);
	free(c);
}

struct mcp_session *
mcp_call_session(const struct mcp_call *c)
{
	return c->sess;
}

struct mcp_server *
mcp_call_server(const struct mcp_call *c)
{
	return c->srv;
}

const char *
mcp_call_name(const struct mcp_call *c)
{
	return c->name;
}

bool
mcp_call_cancelled(const struct mcp_call *c)
{
	return c->req == NULL || mcp_request_cancelled(c->req);
}

static void
mcp_call_cancel_trampoline(void *arg, struct mcp_request *req)
{
	struct mcp_call *c = arg;

	(void)req;
	if (c->on_cancel != NULL)
		c->on_cancel(c->cancel_arg, c);
}

void
mcp_call_on_cancel(struct mcp_call *c, void (*fn)(void *, struct mcp_call *),
    void *arg)
{
	c->on_cancel = fn;
	c->cancel_arg = arg;
	if (c->req != NULL)
		mcp_request_on_cancel(c->req, mcp_call_cancel_trampoline, c);
}

void
mcp_call_progress(struct mcp_call *c, double progress, double total,
    const char *message)
{
	if (c->req != NULL)
		mcp_request_progress(c->req, progress, total, message);
}

void
mcp_call_log(struct mcp_call *c, enum mcp_log_level level, const char *logger,
    cJSON *data)
{
	if (c->req == NULL || level < c->sess->log_level ||
	    mcp_request_cancelled(c->req)) {
		cJSON_Delete(data);
		return;
	}
	mcp_peer_notify_related(c->sess->peer, mcp_request_id(c->req),
	    "notifications/message", mcp_log_params(level, logger, data));
}

int
mcp_call_close_stream(struct mcp_call *c)
{
	if (c->req == NULL || mcp_request_cancelled(c->req))
		return -1;
	return mcp_http_close_stream(mcp_peer_transport(c->sess->peer),
	    mcp_request_id(c->req));
}

static void
mcp_call_ask_done(void *arg, const struct mcp_response *r)
{
	struct mcp_ask *a = arg;

	if (a->call != NULL)
		LIST_REMOVE(a, link);
	a->cb(a->arg, r);
	free(a);
}

int
mcp_call_request(struct mcp_call *c, const char *method, cJSON *params,
    mcp_response_cb cb, void *arg)
{
	struct mcp_ask *a;
	const char *cap = NULL;
	struct mcp_call_opts opts = { MCP_SERVER_CLIENT_TIMEOUT_MS,
	    MCP_SERVER_CLIENT_TIMEOUT_MS, NULL };

	if (c->req == NULL) {
		cJSON_Delete(params);
		return -1;
	}
	if (strcmp(method, "sampling/createMessage") == 0)
		cap = "sampling";
	else if (strcmp(method, "elicitation/create") == 0)
		cap = "elicitation";
	else if (strcmp(method, "roots/list") == 0)
		cap = "roots";
	if (cap != NULL && !mcp_session_client_can(c->sess, cap)) {
		mcp_logf(&c->sess->srv->log, MCP_LOG_INFO,
		    "not sending %s: the client did not declare '%s'", method,
		    cap);
		cJSON_Delete(params);
		return -1;
	}
	a = mcp_xcalloc(1, sizeof *a);
	a->call = c;
	a->cb = cb;
	a->arg = arg;
	a->id = mcp_peer_request_related(c->sess->peer, mcp_request_id(c->req),
	    method, params, &opts, mcp_call_ask_done, a);
	if (a->id < 0) {
		free(a);
		return -1;
	}
	LIST_INSERT_HEAD(&c->asks, a, link);
	return 0;
}

void
mcp_call_fail(struct mcp_call *c, int code, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	/* An error must not read as success (code 0). */
	if (c->req != NULL)
		mcp_request_fail(c->req, code != 0 ? code : MCP_INTERNAL_ERROR,
		    msg, NULL);
	mcp_call_end(c);
}

/* A tool with an outputSchema must return conforming structuredContent
 * unless it reports an error. */
static int
mcp_call_check_output(struct mcp_call *c, const cJSON *result, char *why,
    size_t len)
{
	const cJSON *sc, *err;

	if (c->kind != MCP_CALL_TOOL || c->entry == NULL ||
	    c->entry->output == NULL)
		return 0;
	err = cJSON_GetObjectItemCaseSensitive(result, "isError");
	if (cJSON_IsTrue(err))
		return 0;
	sc = cJSON_GetObjectItemCaseSensitive(result, "structuredContent");
	if (sc == NULL) {
		snprintf(why, len, "no structuredContent");
		return -1;
	}
	return mcp_schema_validate(c->entry->output, sc, "structuredContent",
	    why, len);
}

void
mcp_call_return(struct mcp_call *c, cJSON *result)
{
	char why[300];

	if (c->req == NULL) {
		/* Orphaned: nobody to answer. */
		cJSON_Delete(result);
		mcp_call_end(c);
		return;
	}
	if (result == NULL)
		result = cJSON_CreateObject();
	if (mcp_call_check_output(c, result, why, sizeof why) != 0) {
		mcp_logf(&c->srv->log, MCP_LOG_ERROR,
		    "tool '%s' broke its outputSchema: %s", c->name, why);
		cJSON_Delete(result);
		mcp_call_fail(c, MCP_INTERNAL_ERROR,
		    "tool '%s' returned output that does not match its outputSchema: %s",
		    c->name, why);
		return;
	}
	mcp_request_reply(c->req, result);
	mcp_call_end(c);
}

static cJSON *
mcp_text_content(const char *text)
{
	cJSON *content = cJSON_CreateArray(), *block = cJSON_CreateObject();

	mcp_json_add_str(block, "type", "text");
	mcp_json_add_str(block, "text", text);
	cJSON_AddItemToArray(content, block);
	return content;
}

void
mcp_call_return_text(struct mcp_call *c, const char *text)
{
	cJSON *result = cJSON_CreateObject();

	mcp_json_add(result, "content", mcp_text_content(text));
	mcp_call_return(c, result);
}

void
mcp_call_return_resource_text(struct mcp_call *c, const char *uri,
    const char *mime_type, const char *text)
{
	cJSON *result = cJSON_CreateObject(), *contents = cJSON_CreateArray();
	cJSON *item = cJSON_CreateObject();

	mcp_json_add_str(item, "uri", uri);
	if (mime_type != NULL)
		mcp_json_add_str(item, "mimeType", mime_type);
	mcp_json_add_str(item, "text", text);
	cJSON_AddItemToArray(contents, item);
	mcp_json_add(result, "contents", contents);
	mcp_call_return(c, result);
}

void
mcp_call_return_structured(struct mcp_call *c, cJSON *structured,
    const char *summary)
{
	cJSON *result = cJSON_CreateObject();
	char *text = NULL;

	if (summary == NULL)
		summary = text = mcp_json_print(structured, NULL);
	mcp_json_add(result, "content", mcp_text_content(summary));
	mcp_json_add(result, "structuredContent", structured);
	free(text);
	mcp_call_return(c, result);
}

void
mcp_call_return_error(struct mcp_call *c, const char *fmt, ...)
{
	cJSON *result = cJSON_CreateObject();
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	mcp_json_add(result, "content", mcp_text_content(msg));
	mcp_json_add_bool(result, "isError", true);
	mcp_call_return(c, result);
}

void
mcp_call_return_completion(struct mcp_call *c, cJSON *values, bool has_more)
{
	cJSON *result = cJSON_CreateObject(), *completion = cJSON_CreateObject();
	cJSON *v, *next;
	int n;

	if (!cJSON_IsArray(values)) {
		cJSON_Delete(values);
		values = cJSON_CreateArray();
	}
	/* values are strings: drop anything else a provider put there. */
	for (v = values->child; v != NULL; v = next) {
		next = v->next;
		if (!cJSON_IsString(v))
			cJSON_Delete(cJSON_DetachItemViaPointer(values, v));
	}
	n = cJSON_GetArraySize(values);
	while (cJSON_GetArraySize(values) > 100) {
		cJSON_DeleteItemFromArray(values, 100);
		has_more = true;
	}
	mcp_json_add(completion, "values", values);
	mcp_json_add_num(completion, "total", n);
	mcp_json_add_bool(completion, "hasMore", has_more);
	mcp_json_add(result, "completion", completion);
	if (c->req != NULL)
		mcp_request_reply(c->req, result);
	else
		cJSON_Delete(result);
	mcp_call_end(c);
}

/* Sessions */

const char *
mcp_session_protocol_version(const struct mcp_session *s)
{
	return s->version;
}

const cJSON *
mcp_session_client_capabilities(const struct mcp_session *s)
{
	return s->client_caps;
}

const cJSON *
mcp_session_client_info(const struct mcp_session *s)
{
	return s->client_info;
}

bool
mcp_session_client_can(const struct mcp_session *s, const char *capability)
{
	return cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(s->client_caps,
	    capability));
}

/* Request handlers: each answers req (directly or through a call). */

typedef void (*mcp_method_fn)(struct mcp_session *, struct mcp_request *,
    const cJSON *params);

static void
mcp_fail_params(struct mcp_request *req, const struct mcp_err *err)
{
	mcp_request_fail(req, err->code != 0 ? err->code : MCP_INVALID_PARAMS,
	    err->msg, NULL);
}

static bool
mcp_server_has_completions(const struct mcp_server *srv)
{
	size_t i;

	for (i = 0; i < srv->prompts.n; i++) {
		if (srv->prompts.v[i]->u.prompt->complete != NULL)
			return true;
	}
	for (i = 0; i < srv->templates.n; i++) {
		if (srv->templates.v[i]->u.tmpl->complete != NULL)
			return true;
	}
	return false;
}

static cJSON *
mcp_server_capabilities(const struct mcp_server *srv)
{
	cJSON *caps = cJSON_CreateObject(), *c;

	mcp_json_add(caps, "logging", cJSON_CreateObject());
	if (mcp_server_has_completions(srv))
		mcp_json_add(caps, "completions", cJSON_CreateObject());
	if (srv->prompts.n > 0) {
		c = cJSON_CreateObject();
		mcp_json_add_bool(c, "listChanged", true);
		mcp_json_add(caps, "prompts", c);
	}
	if (srv->resources.n > 0 || srv->templates.n > 0) {
		c = cJSON_CreateObject();
		mcp_json_add_bool(c, "subscribe", true);
		mcp_json_add_bool(c, "listChanged", true);
		mcp_json_add(caps, "resources", c);
	}
	if (srv->tools.n > 0) {
		c = cJSON_CreateObject();
		mcp_json_add_bool(c, "listChanged", true);
		mcp_json_add(caps, "tools", c);
	}
	return caps;
}

static void
mcp_method_initialize(struct mcp_session *s, struct mcp_request *req,
    const cJSON *params)
{
	const struct mcp_server_info *info = s->srv->info;
	struct mcp_err err = { 0, "" };
	const char *version, *chosen = mcp_server_versions[0];
	const cJSON *caps, *client;
	cJSON *result, *si;
	size_t i;

	if (s->initialized) {
		mcp_request_fail(req, MCP_INVALID_REQUEST,
		    "already initialized: initialize may be sent once per session",
		    NULL);
		return;
	}
	if (mcp_json_string(params, "params", "protocolVersion", true, &version,
	    &err) != 0 ||
	    mcp_json_object(params, "params", "capabilities", true, &caps,
	    &err) != 0 ||
	    mcp_json_object(params, "params", "clientInfo", true, &client,
	    &err) != 0) {
		mcp_fail_params(req, &err);
		return;
	}
	for (i = 0; mcp_server_versions[i] != NULL; i++) {
		if (strcmp(version, mcp_server_versions[i]) == 0)
			chosen = mcp_server_versions[i];
	}
	snprintf(s->version, sizeof s->version, "%s", chosen);
	s->client_caps = cJSON_Duplicate(caps, 1);
	s->client_info = cJSON_Duplicate(client, 1);
	s->initialized = true;

	result = cJSON_CreateObject();
	mcp_json_add_str(result, "protocolVersion", chosen);
	cJSON_Delete(s->caps);
	s->caps = mcp_server_capabilities(s->srv);
	mcp_json_add(result, "capabilities", cJSON_Duplicate(s->caps, 1));
	si = cJSON_CreateObject();
	mcp_json_add_str(si, "name", info->name);
	mcp_json_add_str(si, "version", info->version);
	mcp_add_opt_str(si, "title", info->title);
	mcp_add_opt_str(si, "description", info->description);
	mcp_add_opt_str(si, "websiteUrl", info->website_url);
	mcp_json_add(result, "serverInfo", si);
	mcp_add_opt_str(result, "instructions", info->instructions);
	mcp_request_reply(req, result);
}

/* A page of a registry: {key: [...], nextCursor?}. Cursors are offsets. */
static void
mcp_method_list(struct mcp_session *s, struct mcp_request *req,
    const cJSON *params, const struct mcp_registry *r, const char *key)
{
	struct mcp_err err = { 0, "" };
	const char *cursor = NULL;
	unsigned long start = 0, i, end;
	cJSON *result, *items;
	char *endp;

	if (params != NULL && mcp_json_string(params, "params", "cursor", false,
	    &cursor, &err) != 0) {
		mcp_fail_params(req, &err);
		return;
	}
	if (cursor != NULL) {
		errno = 0;
		start = strtoul(cursor, &endp, 10);
		/* Only what we hand out: digits (strtoul also takes " +1"). */
		if (*cursor < '0' || *cursor > '9' || *endp != '\0' ||
		    errno != 0 || start > r->n) {
			mcp_request_fail(req, MCP_INVALID_PARAMS,
			    "invalid cursor: pass the nextCursor of the previous page",
			    NULL);
			return;
		}
	}
	end = start + s->srv->page_size;
	if (end > r->n)
		end = r->n;
	result = cJSON_CreateObject();
	items = cJSON_CreateArray();
	for (i = start; i < end; i++)
		cJSON_AddItemToArray(items, cJSON_Duplicate(r->v[i]->listing, 1));
	mcp_json_add(result, key, items);
	if (end < r->n) {
		char next[32];

		snprintf(next, sizeof next, "%lu", end);
		mcp_json_add_str(result, "nextCursor", next);
	}
	mcp_request_reply(req, result);
}

static void
mcp_method_tools_list(struct mcp_session *s, struct mcp_request *req,
    const cJSON *params)
{
	mcp_method_list(s, req, params, &s->srv->tools, "tools");
}

static void
mcp_method_resources_list(struct mcp_session *s, struct mcp_request *req,
    const cJSON *params)
{
	mcp_method_list(s, req, params, &s->srv->resources, "resources");
}

static void
mcp_method_templates_list(struct mcp_session *s, struct mcp_request *req,
    const cJSON *params)
{
	mcp_method_list(s, req, params, &s->srv->templates, "resourceTemplates");
}

static void
mcp_method_prompts_list(struct mcp_session *s, struct mcp_request *req,
    const cJSON *params)
{
	mcp_method_list(s, req, params, &s->srv->prompts, "prompts");
}

static void
mcp_method_tools_call(struct mcp_session *s, struct mcp_request *req,
    const cJSON *params)
{
	struct mcp_err err = { 0, "" };
	struct mcp_entry *e;
	const cJSON *args;
	const char *name;
	struct mcp_call *c;
	char why[512];

	if (mcp_json_string(params, "params", "name", true, &name, &err) != 0 ||
	    mcp_json_object(params, "params", "arguments", false, &args,
	    &err) != 0) {
		mcp_fail_params(req, &err);
		return;
	}
	if ((e = mcp_registry_find(&s->srv->tools, name)) == NULL) {
		mcp_request_fail(req, MCP_INVALID_PARAMS, "unknown tool: use "
		    "tools/list to see the tools this server offers", NULL);
		return;
	}
	c = mcp_call_new(MCP_CALL_TOOL, req, s, e, e->u.tool->name,
	    args != NULL ? cJSON_Duplicate(args, 1) : cJSON_CreateObject());
	if (mcp_schema_validate(e->input, c->owned, "arguments", why,
	    sizeof why) != 0) {
		/* Bad input is a tool error the model can act on. */
		mcp_call_return_error(c, "invalid arguments for tool '%s': %s",
		    c->name, why);
	} else
		e->u.tool->handler(c, c->owned, e->arg);
}

static void
mcp_resource_not_found(struct mcp_request *req, const char *uri)
{
	cJSON *data = cJSON_CreateObject();
	char msg[300];

	mcp_json_add_str(data, "uri", uri);
	snprintf(msg, sizeof msg, "resource not found: %.200s", uri);
	mcp_request_fail(req, MCP_RESOURCE_NOT_FOUND, msg, data);
}

static void
mcp_method_resources_read(struct mcp_session *s, struct mcp_request *req,
    const cJSON *params)
{
	struct mcp_err err = { 0, "" };
	struct mcp_entry *e;
	const char *uri;
	struct mcp_call *c;
	size_t i;

	if (mcp_json_string(params, "params", "uri", true, &uri, &err) != 0) {
		mcp_fail_params(req, &err);
		return;
	}
	/* The handler reads the call's own copies (c->name, c->owned). */
	if ((e = mcp_registry_find(&s->srv->resources, uri)) != NULL) {
		c = mcp_call_new(MCP_CALL_RESOURCE, req, s, e, uri, NULL);
		e->u.resource->handler(c, c->name, NULL, e->arg);
		return;
	}
	for (i = 0; i < s->srv->templates.n; i++) {
		cJSON *vars = NULL;

		e = s->srv->templates.v[i];
		if (mcp_uritemplate_match(e->ut, uri, &vars) != 0)
			continue;
		c = mcp_call_new(MCP_CALL_RESOURCE, req, s, e, uri, vars);
		e->u.tmpl->handler(c, c->name, c->owned, e->arg);
		return;
	}
	mcp_resource_not_found(req, uri);
}

static void
mcp_method_subscribe(struct mcp_session *s, struct mcp_request *req,
    const cJSON *params)
{
	struct mcp_err err = { 0, "" };
	const char *uri;
	size_t i;

	if (mcp_json_string(params, "params", "uri", true, &uri, &err) != 0) {
		mcp_fail_params(req, &err);
		return;
	}
	for (i = 0; i < s->nsubs; i++) {
		if (strcmp(s->subs[i], uri) == 0) {
			mcp_request_reply(req, NULL);
			return;
		}
	}
	if (s->nsubs >= MCP_SERVER_MAX_SUBSCRIPTIONS) {
		mcp_request_fail(req, MCP_INVALID_PARAMS,
		    "too many subscriptions: unsubscribe from some first", NULL);
		return;
	}
	s->subs = mcp_xrealloc(s->subs, (s->nsubs + 1) * sizeof *s->subs);
	s->subs[s->nsubs++] = mcp_xstrdup(uri);
	mcp_request_reply(req, NULL);
}

static void
mcp_method_unsubscribe(struct mcp_session *s, struct mcp_request *req,
    const cJSON *params)
{
	struct mcp_err err = { 0, "" };
	const char *uri;
	size_t i;

	if (mcp_json_string(params, "params", "uri", true, &uri, &err) != 0) {
		mcp_fail_params(req, &err);
		return;
	}
	for (i = 0; i < s->nsubs; i++) {
		if (strcmp(s->subs[i], uri) == 0) {
			free(s->subs[i]);
			s->subs[i] = s->subs[--s->nsubs];
			break;
		}
	}
	mcp_request_reply(req, NULL);
}

static void
mcp_method_prompts_get(struct mcp_session *s, struct mcp_request *req,
    const cJSON *params)
{
	struct mcp_err err = { 0, "" };
	struct mcp_entry *e;
	const cJSON *args, *a;
	const char *name;
	cJSON *empty = NULL;
	struct mcp_call *c;
	size_t i;

	if (mcp_json_string(params, "params", "name", true, &name, &err) != 0 ||
	    mcp_json_object(params, "params", "arguments", false, &args,
	    &err) != 0) {
		mcp_fail_params(req, &err);
		return;
	}
	if ((e = mcp_registry_find(&s->srv->prompts, name)) == NULL) {
		mcp_request_fail(req, MCP_INVALID_PARAMS, "unknown prompt: use "
		    "prompts/list to see the prompts this server offers", NULL);
		return;
	}
	if (args == NULL)
		args = empty = cJSON_CreateObject();
	cJSON_ArrayForEach(a, args) {
		if (!cJSON_IsString(a)) {
			mcp_err_set(&err, MCP_INVALID_PARAMS,
			    "params.arguments.%s: expected string, got %s",
			    a->string, mcp_json_type_name(a));
			break;
		}
	}
	for (i = 0; err.code == 0 && i < MCP_PROMPT_MAX_ARGS &&
	    e->u.prompt->args[i].name != NULL; i++) {
		if (e->u.prompt->args[i].required &&
		    cJSON_GetObjectItemCaseSensitive(args,
		    e->u.prompt->args[i].name) == NULL)
			mcp_err_set(&err, MCP_INVALID_PARAMS,
			    "prompt '%s' needs argument '%s'", name,
			    e->u.prompt->args[i].name);
	}
	if (err.code != 0) {
		mcp_fail_params(req, &err);
		cJSON_Delete(empty);
		return;
	}
	c = mcp_call_new(MCP_CALL_PROMPT, req, s, e, e->u.prompt->name,
	    empty != NULL ? empty : cJSON_Duplicate(args, 1));
	e->u.prompt->handler(c, c->owned, e->arg);
}

static void
mcp_method_complete(struct mcp_session *s, struct mcp_request *req,
    const cJSON *params)
{
	struct mcp_err err = { 0, "" };
	const cJSON *ref, *argument, *context = NULL, *ctxargs = NULL;
	const char *type, *argname, *value, *key;
	struct mcp_entry *e = NULL;
	mcp_complete_fn fn = NULL;
	cJSON *own;
	struct mcp_call *c;

	if (mcp_json_object(params, "params", "ref", true, &ref, &err) != 0 ||
	    mcp_json_string(ref, "params.ref", "type", true, &type, &err) != 0 ||
	    mcp_json_object(params, "params", "argument", true, &argument,
	    &err) != 0 ||
	    mcp_json_string(argument, "params.argument", "name", true, &argname,
	    &err) != 0 ||
	    mcp_json_string(argument, "params.argument", "value", true, &value,
	    &err) != 0 ||
	    mcp_json_object(params, "params", "context", false, &context,
	    &err) != 0 ||
	    (context != NULL && mcp_json_object(context, "params.context",
	    "arguments", false, &ctxargs, &err) != 0)) {
		mcp_fail_params(req, &err);
		return;
	}
	if (strcmp(type, "ref/prompt") == 0) {
		if (mcp_json_string(ref, "params.ref", "name", true, &key,
		    &err) == 0 && (e = mcp_registry_find(&s->srv->prompts,
		    key)) != NULL)
			fn = e->u.prompt->complete;
		else
			mcp_err_set(&err, MCP_INVALID_PARAMS,
			    "unknown prompt in params.ref.name");
	} else if (strcmp(type, "ref/resource") == 0) {
		if (mcp_json_string(ref, "params.ref", "uri", true, &key,
		    &err) == 0 && (e = mcp_registry_find(&s->srv->templates,
		    key)) != NULL)
			fn = e->u.tmpl->complete;
		else if (err.code == 0 &&
		    mcp_registry_find(&s->srv->resources, key) == NULL)
			mcp_err_set(&err, MCP_INVALID_PARAMS,
			    "unknown resource template in params.ref.uri");
	} else
		mcp_err_set(&err, MCP_INVALID_PARAMS,
		    "params.ref.type: expected \"ref/prompt\" or \"ref/resource\"");
	if (err.code != 0) {
		mcp_fail_params(req, &err);
		return;
	}
	/* The provider reads the call's own copies. */
	own = cJSON_CreateObject();
	mcp_json_add_str(own, "argument", argname);
	mcp_json_add_str(own, "value", value);
	mcp_json_add(own, "context", ctxargs != NULL ?
	    cJSON_Duplicate(ctxargs, 1) : cJSON_CreateObject());
	c = mcp_call_new(MCP_CALL_COMPLETE, req, s, e, key, own);
	if (fn == NULL) {
		mcp_call_return_completion(c, cJSON_CreateArray(), false);
		return;
	}
	fn(c, cJSON_GetObjectItemCaseSensitive(own, "argument")->valuestring,
	    cJSON_GetObjectItemCaseSensitive(own, "value")->valuestring,
	    cJSON_GetObjectItemCaseSensitive(own, "context"), e->arg);
}

static void
mcp_method_set_level(struct mcp_session *s, struct mcp_request *req,
    const cJSON *params)
{
	struct mcp_err err = { 0, "" };
	const char *level;
	int l;

	if (mcp_json_string(params, "params", "level", true, &level,
	    &err) != 0) {
		mcp_fail_params(req, &err);
		return;
	}
	if ((l = mcp_log_level_parse(level)) < 0) {
		mcp_request_fail(req, MCP_INVALID_PARAMS, "params.level: expected "
		    "one of debug, info, notice, warning, error, critical, alert, "
		    "emergency", NULL);
		return;
	}
	s->log_level = (enum mcp_log_level)l;
	mcp_request_reply(req, NULL);
}

static const struct {
	const char *method;
	mcp_method_fn fn;
} mcp_methods[] = {
	{ "initialize", mcp_method_initialize },
	{ "tools/list", mcp_method_tools_list },
	{ "tools/call", mcp_method_tools_call },
	{ "resources/list", mcp_method_resources_list },
	{ "resources/read", mcp_method_resources_read },
	{ "resources/templates/list", mcp_method_templates_list },
	{ "resources/subscribe", mcp_method_subscribe },
	{ "resources/unsubscribe", mcp_method_unsubscribe },
	{ "prompts/list", mcp_method_prompts_list },
	{ "prompts/get", mcp_method_prompts_get },
	{ "completion/complete", mcp_method_complete },
	{ "logging/setLevel", mcp_method_set_level },
};

static void
mcp_session_on_request(void *arg, struct mcp_request *req)
{
	struct mcp_session *s = arg;
	const char *method = mcp_request_method(req);
	const cJSON *params = mcp_request_params(req);
	size_t i;

	for (i = 0; i < sizeof mcp_methods / sizeof mcp_methods[0]; i++) {
		if (strcmp(method, mcp_methods[i].method) != 0)
			continue;
		if (!s->initialized && mcp_methods[i].fn != mcp_method_initialize) {
			mcp_request_fail(req, MCP_INVALID_REQUEST,
			    "session not initialized: send initialize first", NULL);
			return;
		}
		mcp_methods[i].fn(s, req, params);
		return;
	}
	mcp_request_fail(req, MCP_METHOD_NOT_FOUND, "method not found", NULL);
}

static void
mcp_session_on_notification(void *arg, const char *method, const cJSON *params)
{
	struct mcp_session *s = arg;

	(void)params;
	if (strcmp(method, "notifications/initialized") == 0)
		s->ready = true;
	else
		mcp_logf(&s->srv->log, MCP_LOG_DEBUG, "ignoring notification %s",
		    method);
}

static void
mcp_session_free(struct mcp_session *s)
{
	struct mcp_call *c;
	size_t i;

	TAILQ_REMOVE(&s->srv->sessions, s, entry);
	/* Cancel hooks run in here and may end their calls. */
	mcp_peer_free(s->peer);
	/* The rest outlive the session; their handlers end them later. */
	while ((c = TAILQ_FIRST(&s->calls)) != NULL)
		mcp_call_orphan(c);
	event_free(s->free_ev);
	cJSON_Delete(s->client_caps);
	cJSON_Delete(s->caps);
	cJSON_Delete(s->client_info);
	for (i = 0; i < s->nsubs; i++)
		free(s->subs[i]);
	free(s->subs);
	free(s);
}

static void
mcp_session_free_cb(evutil_socket_t fd, short events, void *arg)
{
	struct mcp_session *s = arg;
	struct mcp_server *srv = s->srv;
	bool stdio = s->stdio;

	(void)fd;
	(void)events;
	mcp_session_free(s);
	if (stdio)
		event_base_loopbreak(srv->base);
}

static void
mcp_session_on_closed(void *arg, const char *reason)
{
	struct mcp_session *s = arg;

	if (reason != NULL)
		mcp_logf(&s->srv->log, MCP_LOG_WARNING, "session ended: %s",
		    reason);
	/* Never free a peer inside its own callback. */
	event_active(s->free_ev, 0, 0);
}

struct mcp_session *
mcp_server_serve(struct mcp_server *srv, struct event_base *base,
    struct mcp_transport *t)
{
	struct mcp_session *s = mcp_xcalloc(1, sizeof *s);
	struct mcp_peer_opts popts = { 0, 0, 0, &srv->log };

	if (srv->base == NULL)
		srv->base = base;
	s->srv = srv;
	s->log_level = MCP_LOG_INFO;
	TAILQ_INIT(&s->calls);
	s->peer = mcp_peer_new(base, t, &popts);
	s->free_ev = event_new(base, -1, 0, mcp_session_free_cb, s);
	mcp_peer_set_handlers(s->peer, mcp_session_on_request,
	    mcp_session_on_notification, s);
	mcp_peer_set_closed_cb(s->peer, mcp_session_on_closed, s);
	TAILQ_INSERT_TAIL(&srv->sessions, s, entry);
	return s;
}

static int
mcp_server_on_http_session(void *arg, struct mcp_transport *t)
{
	struct mcp_server *srv = arg;

	mcp_server_serve(srv, srv->base, t);
	return 0;
}

int
mcp_server_listen_http(struct mcp_server *srv, struct event_base *base,
    const char *addr, struct mcp_err *err)
{
	struct mcp_http_opts opts = { 0 };

	srv->base = base;
	opts.log = &srv->log;
	srv->http = mcp_http_server_new(base, &opts, mcp_server_on_http_session,
	    srv);
	if (srv->http == NULL || mcp_http_server_listen(srv->http, addr,
	    err) != 0) {
		mcp_http_server_free(srv->http);
		srv->http = NULL;
		mcp_err_set(err, MCP_INTERNAL_ERROR, "cannot serve HTTP on %s",
		    addr);
		return -1;
	}
	return 0;
}

int
mcp_server_http_port(const struct mcp_server *srv)
{
	return srv->http != NULL ? mcp_http_server_port(srv->http) : -1;
}

void
mcp_server_shutdown(struct mcp_server *srv)
{
	struct mcp_session *s;

	mcp_http_server_free(srv->http);
	srv->http = NULL;
	while ((s = TAILQ_FIRST(&srv->sessions)) != NULL)
		mcp_session_free(s);
}

/* Life */

struct mcp_server *
mcp_server_new(const struct mcp_server_info *info)
{
	struct mcp_server *srv = mcp_xcalloc(1, sizeof *srv);

	srv->info = info;
	srv->page_size = MCP_SERVER_PAGE_SIZE;
	srv->log.level = MCP_LOG_WARNING;
	srv->log.prog = info->name;
	TAILQ_INIT(&srv->sessions);
	return srv;
}

void
mcp_server_free(struct mcp_server *srv)
{
	if (srv == NULL)
		return;
	mcp_server_shutdown(srv);
	mcp_registry_clear(&srv->tools);
	mcp_registry_clear(&srv->resources);
	mcp_registry_clear(&srv->templates);
	mcp_registry_clear(&srv->prompts);
	free(srv);
}

struct event_base *
mcp_server_base(const struct mcp_server *srv)
{
	return srv->base;
}

/* The program */

static void
mcp_server_usage(const struct mcp_server *srv, FILE *f)
{
	fprintf(f,
	    "usage: %s [--http ADDR:PORT] [--log-level LEVEL]%s\n"
	    "%s%s"
	    "Serve the Model Context Protocol on stdin/stdout, or with --http on\n"
	    "Streamable HTTP at http://ADDR:PORT/mcp (ADDR defaults to 127.0.0.1).\n"
	    "\n"
	    "  --http ADDR:PORT    serve Streamable HTTP instead of stdio\n"
	    "  --log-level LEVEL   stderr detail: debug, info, notice, warning (default),\n"
	    "                      error, critical, alert, emergency\n"
	    "  --version           print the version and exit\n"
	    "  --help              print this help and exit\n",
	    srv->info->name, srv->info->usage != NULL ? " [OPTIONS]" : "",
	    srv->info->description != NULL ? srv->info->description : "",
	    srv->info->description != NULL ? "\n\n" : "");
	if (srv->info->usage != NULL)
		fprintf(f, "%s", srv->info->usage);
}

static void
mcp_server_signal_cb(evutil_socket_t sig, short events, void *arg)
{
	struct mcp_server *srv = arg;

	(void)events;
	mcp_logf(&srv->log, MCP_LOG_INFO, "%s: shutting down",
	    sig == SIGTERM ? "SIGTERM" : "SIGINT");
	event_base_loopbreak(srv->base);
}

/* Descriptors 0-2 must be open: else the event loop or a socket takes one
 * of their numbers and the protocol or a log line goes to the wrong place
 * (with stdin closed, the server read its own epoll descriptor and hung). */
static void
mcp_server_sanitise_stdfd(void)
{
	int fd;

	for (fd = 0; fd <= 2; fd++) {
		if (fcntl(fd, F_GETFD) == -1 && errno == EBADF &&
		    open("/dev/null", O_RDWR) != fd)
			break;	/* no /dev/null: nothing better to do */
	}
}

void
mcp_server_set_start(struct mcp_server *srv,
    int (*fn)(void *, struct mcp_server *, struct mcp_err *), void *arg)
{
	srv->start = fn;
	srv->start_arg = arg;
}

int
mcp_server_main(struct mcp_server *srv, int argc, char **argv,
    int (*extra_opt)(void *, const char *, const char *), void *extra_arg)
{
	const char *http = NULL, *host;
	struct mcp_err err = { 0, "" };
	struct event_base *base;
	int i, used, level;

	for (i = 1; i < argc; i++) {
		const char *opt = argv[i], *value = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(opt, "--help") == 0 || strcmp(opt, "-h") == 0) {
			mcp_server_usage(srv, stdout);
			return 0;
		}
		if (strcmp(opt, "--version") == 0 || strcmp(opt, "-V") == 0) {
			printf("%s %s\n", srv->info->name, srv->info->version);
			return 0;
		}
		if (strcmp(opt, "--http") == 0 || strcmp(opt, "--log-level") == 0) {
			if (value == NULL) {
				fprintf(stderr, "%s: %s needs a value; try '%s --help'\n",
				    srv->info->name, opt, srv->info->name);
				return 2;
			}
			i++;
			if (opt[2] == 'h') {
				http = value;
				continue;
			}
			if ((level = mcp_log_level_parse(value)) < 0) {
				fprintf(stderr, "%s: unknown log level '%s'; use debug, "
				    "info, notice, warning, error, critical, alert or "
				    "emergency\n", srv->info->name, value);
				return 2;
			}
			srv->log.level = (enum mcp_log_level)level;
			continue;
		}
		used = extra_opt != NULL ? extra_opt(extra_arg, opt, value) : 0;
		if (used < 0)
			return 2;
		if (used == 0) {
			fprintf(stderr, "%s: unknown option '%s'; try '%s --help'\n",
			    srv->info->name, opt, srv->info->name);
			return 2;
		}
		i += used - 1;
	}

	mcp_server_sanitise_stdfd();
	signal(SIGPIPE, SIG_IGN);
	if ((base = event_base_new()) == NULL) {
		fprintf(stderr, "%s: cannot create the event loop\n",
		    srv->info->name);
		return 1;
	}
	srv->base = base;
	srv->sig_term = evsignal_new(base, SIGTERM, mcp_server_signal_cb, srv);
	srv->sig_int = evsignal_new(base, SIGINT, mcp_server_signal_cb, srv);
	event_add(srv->sig_term, NULL);
	event_add(srv->sig_int, NULL);

	if (srv->start != NULL && srv->start(srv->start_arg, srv, &err) != 0) {
		fprintf(stderr, "%s: %s\n", srv->info->name, err.msg);
		srv->exit_status = 1;
		goto out;
	}
	if (http != NULL) {
		if (mcp_server_listen_http(srv, base, http, &err) != 0) {
			fprintf(stderr, "%s: %s\n", srv->info->name, err.msg);
			srv->exit_status = 1;
			goto out;
		}
		/* Name the port actually bound (":0" picks one). */
		host = strrchr(http, ':');
		mcp_logf(&srv->log, MCP_LOG_NOTICE,
		    "serving MCP on http://%.*s:%d/mcp",
		    host == NULL || host == http ? 9 : (int)(host - http),
		    host == NULL || host == http ? "127.0.0.1" : http,
		    mcp_server_http_port(srv));
	} else {
		struct mcp_stdio_opts sopts = { 0, &srv->log };
		struct mcp_session *s = mcp_server_serve(srv, base,
		    mcp_stdio_new(base, 0, 1, &sopts));

		s->stdio = true;
	}
	event_base_dispatch(base);
out:
	mcp_server_shutdown(srv);
	event_free(srv->sig_term);
	event_free(srv->sig_int);
	srv->sig_term = srv->sig_int = NULL;
	event_base_free(base);
	srv->base = NULL;
	return srv->exit_status;
}
