/*
 * The multi-server host. Each server is a small state machine (starting,
 * ready, restarting, failed, disabled) around one mcp_client at a time; each
 * call is another (waiting for its server, asking for approval, sent) that
 * ends exactly once. Everything advances from the loop: a call never
 * completes inside the function that started it, and a client is never
 * freed inside its own callbacks (dead clients wait in a graveyard that the
 * loop empties).
 */
#include <sys/queue.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>

#include "client.h"
#include "host.h"
#include "http_client.h"
#include "json.h"
#include "stdio.h"
#include "uritemplate.h"

#define HOST_KINDS		4
#define HOST_STDERR_MAX		(16 * 1024)
#define HOST_STABLE_MS		30000	/* up this long: backoff starts over */
#define HOST_SUMMARY_MAX	200
#define HOST_FREE_WAIT_MS	100	/* freeing: children get this long in
					 * all (SIGTERM after 20 ms), then
					 * SIGKILL */

struct host_server;

enum host_phase {
	HOST_CALL_NEW,		/* created; steps from the loop */
	HOST_CALL_WAITING,	/* its server is starting */
	HOST_CALL_ASKING,	/* the approval callback has it */
	HOST_CALL_SENT,
};

enum host_call_kind {
	HOST_TOOL,
	HOST_READ,
	HOST_PROMPT,
	HOST_SUBSCRIBE,
	HOST_UNSUBSCRIBE,
};

struct host_call {
	TAILQ_ENTRY(host_call) entry;
	struct mcp_host *h;
	uint64_t id;
	enum host_phase phase;
	enum host_call_kind kind;
	struct host_server *s;		/* NULL: failing (fail_code set) */
	char *name;			/* tool, prompt or uri */
	cJSON *args;			/* until sent */
	char *args_text;		/* what was shown and sent */
	mcp_host_cb cb;
	void *arg;
	struct mcp_host_call_opts opts;
	struct mcp_client *client;	/* sent on */
	int64_t handle;
	int64_t start_ms;
	bool grantable;
	char reason[300];		/* why the gate asked */
	struct event *ev;		/* steps and deferred failures */
	int fail_code;
	char fail_msg[400];
};

TAILQ_HEAD(host_calls, host_call);

/* One list request in flight. */
struct host_list_req {
	struct host_server *s;
	unsigned gen;
	int kind;
	unsigned seq;
	bool initial;
};

struct host_server {
	TAILQ_ENTRY(host_server) entry;
	struct mcp_host *h;
	struct mcp_config_server cfg;	/* our deep copy */
	enum mcp_host_state state;
	char reason[1024];
	char *stderr_tail;
	char last_warning[256];		/* the client's latest complaint */
	unsigned restarts;		/* starts after the first */
	unsigned attempts;		/* restarts in a row without a stable run */
	unsigned gen;			/* connection generation */
	struct mcp_client *client;
	struct mcp_transport *t;	/* borrowed from client */
	struct event *timer;		/* start timeout or restart delay */
	int64_t up_since_ms;
	int lists_pending;
	cJSON *lists[HOST_KINDS];	/* arrays; NULL when not listed */
	unsigned seq[HOST_KINDS];
	struct mcp_uritemplate **tmpls;	/* of lists[TEMPLATES], same order */
	size_t ntmpls;
	char **subs;			/* subscribed uris, renewed on restart */
	size_t nsubs;
	struct mcp_log log;
};

TAILQ_HEAD(host_servers, host_server);

struct host_grave {
	struct host_grave *next;
	struct mcp_client *client;
	struct mcp_transport *stdio;	/* its transport when a spawned child,
					 * or NULL; borrowed from client */
};

struct host_grant {
	char *server;
	char *tool;
	enum mcp_host_decision scope;
};

struct mcp_host {
	struct event_base *base;
	struct mcp_host_opts opts;
	char **always_ask;
	struct host_servers servers;
	size_t nservers;
	struct host_calls calls;
	unsigned ncalls;
	uint64_t next_id;
	struct host_grave *graves;
	struct event *reap_ev;
	struct host_grant *grants;
	size_t ngrants;
	struct mcp_host_grant *grant_view;
	bool freeing;
};

static const char *const host_list_keys[HOST_KINDS] = {
	"tools", "resources", "resourceTemplates", "prompts",
};

static void host_server_start(struct host_server *);
static void host_server_down(struct host_server *, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void host_call_step(struct host_call *);
static uint64_t host_uri_call(struct mcp_host *, enum host_call_kind,
    const char *, mcp_host_cb, void *);

static int64_t
host_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

const char *
mcp_host_state_name(enum mcp_host_state st)
{
	switch (st) {
	case MCP_HOST_STARTING: return "starting";
	case MCP_HOST_READY: return "ready";
	case MCP_HOST_RESTARTING: return "restarting";
	case MCP_HOST_FAILED: return "failed";
	case MCP_HOST_DISABLED: return "disabled";
	}
	return "unknown";
}

/* Events */

static void
host_emit(struct mcp_host *h, const struct mcp_host_event *ev)
{
	if (h->opts.on_event != NULL && !h->freeing)
		h->opts.on_event(h->opts.arg, ev);
}

static void
host_set_state(struct host_server *s, enum mcp_host_state st)
{
	struct mcp_host_event ev = { 0 };

	s->state = st;
	if (st == MCP_HOST_READY || st == MCP_HOST_STARTING)
		s->reason[0] = '\0';
	ev.kind = MCP_HOST_EV_STATE;
	ev.server = s->cfg.name;
	ev.state = st;
	ev.reason = s->reason[0] != '\0' ? s->reason : NULL;
	ev.total = NAN;
	host_emit(s->h, &ev);
}

static void
host_emit_catalog(struct host_server *s)
{
	struct mcp_host_event ev = { 0 };

	ev.kind = MCP_HOST_EV_CATALOG;
	ev.server = s->cfg.name;
	ev.state = s->state;
	ev.total = NAN;
	host_emit(s->h, &ev);
}

/* Copying a server's configuration */

static char **
host_strv_dup(char *const *v)
{
	size_t n = 0, i;
	char **out;

	if (v == NULL)
		return NULL;
	while (v[n] != NULL)
		n++;
	out = mcp_xcalloc(n + 1, sizeof *out);
	for (i = 0; i < n; i++)
		out[i] = mcp_xstrdup(v[i]);
	return out;
}

static void
host_strv_free(char **v)
{
	size_t i;

	if (v == NULL)
		return;
	for (i = 0; v[i] != NULL; i++)
		free(v[i]);
	free(v);
}

static void
host_cfg_copy(struct mcp_config_server *d, const struct mcp_config_server *s)
{
	size_t i, j;

	*d = *s;
	d->name = mcp_xstrdup(s->name);
	d->argv = host_strv_dup(s->argv);
	d->env = host_strv_dup(s->env);
	d->cwd = s->cwd != NULL ? mcp_xstrdup(s->cwd) : NULL;
	d->url = s->url != NULL ? mcp_xstrdup(s->url) : NULL;
	d->headers = host_strv_dup(s->headers);
	d->roots = host_strv_dup(s->roots);
	d->rules = mcp_xcalloc(s->nrules + 1, sizeof *d->rules);
	for (i = 0; i < s->nrules; i++) {
		struct mcp_config_rule *r = &d->rules[i];

		*r = s->rules[i];
		r->tool = mcp_xstrdup(s->rules[i].tool);
		r->limits = mcp_xcalloc(r->nlimits + 1, sizeof *r->limits);
		for (j = 0; j < r->nlimits; j++) {
			r->limits[j].arg = mcp_xstrdup(s->rules[i].limits[j].arg);
			r->limits[j].above = s->rules[i].limits[j].above;
		}
	}
}

static void
host_cfg_clear(struct mcp_config_server *c)
{
	size_t i, j;

	free(c->name);
	host_strv_free(c->argv);
	host_strv_free(c->env);
	free(c->cwd);
	free(c->url);
	host_strv_free(c->headers);
	host_strv_free(c->roots);
	for (i = 0; i < c->nrules; i++) {
		free(c->rules[i].tool);
		for (j = 0; j < c->rules[i].nlimits; j++)
			free(c->rules[i].limits[j].arg);
		free(c->rules[i].limits);
	}
	free(c->rules);
}

/* The graveyard: clients freed from the loop, never inside their own
 * callbacks. */

static void
host_reap_cb(evutil_socket_t fd, short events, void *arg)
{
	struct mcp_host *h = arg;
	struct host_grave *g;

	(void)fd;
	(void)events;
	while ((g = h->graves) != NULL) {
		h->graves = g->next;
		mcp_client_free(g->client);
		free(g);
	}
}

static void
host_bury(struct mcp_host *h, struct mcp_client *c, struct mcp_transport *stdio)
{
	struct host_grave *g = mcp_xcalloc(1, sizeof *g);

	g->client = c;
	g->stdio = stdio;
	g->next = h->graves;
	h->graves = g;
	event_active(h->reap_ev, 0, 0);
}

/* The catalog of one server */

static void
host_templates_clear(struct host_server *s)
{
	size_t i;

	for (i = 0; i < s->ntmpls; i++)
		mcp_uritemplate_free(s->tmpls[i]);
	free(s->tmpls);
	s->tmpls = NULL;
	s->ntmpls = 0;
}

static void
host_templates_compile(struct host_server *s)
{
	const cJSON *item, *t;
	size_t n, i = 0;
	char err[200];

	host_templates_clear(s);
	n = (size_t)cJSON_GetArraySize(s->lists[MCP_HOST_TEMPLATES]);
	s->tmpls = mcp_xcalloc(n + 1, sizeof *s->tmpls);
	s->ntmpls = n;
	cJSON_ArrayForEach(item, s->lists[MCP_HOST_TEMPLATES]) {
		t = cJSON_GetObjectItemCaseSensitive(item, "uriTemplate");
		if (cJSON_IsString(t))
			s->tmpls[i] = mcp_uritemplate_new(t->valuestring, err,
			    sizeof err);
		i++;
	}
}

static void
host_catalog_clear(struct host_server *s)
{
	int k;

	for (k = 0; k < HOST_KINDS; k++) {
		cJSON_Delete(s->lists[k]);
		s->lists[k] = NULL;
		s->seq[k]++;
	}
	host_templates_clear(s);
}

static const cJSON *
host_server_tool(const struct host_server *s, const char *name)
{
	const cJSON *item, *n;

	cJSON_ArrayForEach(item, s->lists[MCP_HOST_TOOLS]) {
		n = cJSON_GetObjectItemCaseSensitive(item, "name");
		if (cJSON_IsString(n) && strcmp(n->valuestring, name) == 0)
			return item;
	}
	return NULL;
}

/* Client callbacks */

static void host_server_ready(struct host_server *);

static void
host_list_done(void *arg, const struct mcp_response *r)
{
	struct host_list_req *lr = arg;
	struct host_server *s = lr->s;
	const cJSON *items;

	if (lr->gen != s->gen || s->client == NULL || s->h->freeing) {
		free(lr);
		return;
	}
	if (lr->seq == s->seq[lr->kind]) {
		if (r->code == 0 && (items = cJSON_GetObjectItemCaseSensitive(
		    r->result, host_list_keys[lr->kind])) != NULL) {
			cJSON_Delete(s->lists[lr->kind]);
			s->lists[lr->kind] = cJSON_Duplicate(items, 1);
			if (lr->kind == MCP_HOST_TEMPLATES)
				host_templates_compile(s);
		} else if (r->code != 0)
			mcp_logf(s->h->opts.log, MCP_LOG_WARNING, "%s: %s "
			    "failed: %s", s->cfg.name, host_list_keys[lr->kind],
			    r->message != NULL ? r->message : "error");
		if (!lr->initial && s->state == MCP_HOST_READY)
			host_emit_catalog(s);
	}
	if (lr->initial && --s->lists_pending == 0 &&
	    s->state == MCP_HOST_STARTING)
		host_server_ready(s);
	free(lr);
}

static void
host_list_fetch(struct host_server *s, int kind, bool initial)
{
	struct host_list_req *lr = mcp_xcalloc(1, sizeof *lr);

	lr->s = s;
	lr->gen = s->gen;
	lr->kind = kind;
	lr->seq = ++s->seq[kind];
	lr->initial = initial;
	if (initial)
		s->lists_pending++;
	switch (kind) {
	case MCP_HOST_TOOLS:
		mcp_client_list_tools(s->client, host_list_done, lr);
		break;
	case MCP_HOST_RESOURCES:
		mcp_client_list_resources(s->client, host_list_done, lr);
		break;
	case MCP_HOST_TEMPLATES:
		mcp_client_list_templates(s->client, host_list_done, lr);
		break;
	default:
		mcp_client_list_prompts(s->client, host_list_done, lr);
		break;
	}
}

static void
host_on_list_changed(void *arg, const char *what)
{
	struct host_server *s = arg;

	if (s->client == NULL || s->state != MCP_HOST_READY)
		return;
	if (strcmp(what, "tools") == 0)
		host_list_fetch(s, MCP_HOST_TOOLS, false);
	else if (strcmp(what, "resources") == 0) {
		host_list_fetch(s, MCP_HOST_RESOURCES, false);
		host_list_fetch(s, MCP_HOST_TEMPLATES, false);
	} else if (strcmp(what, "prompts") == 0)
		host_list_fetch(s, MCP_HOST_PROMPTS, false);
}

static void
host_on_log(void *arg, enum mcp_log_level level, const char *logger,
    const cJSON *data)
{
	struct host_server *s = arg;
	struct mcp_host_event ev = { 0 };

	ev.kind = MCP_HOST_EV_LOG;
	ev.server = s->cfg.name;
	ev.state = s->state;
	ev.level = level;
	ev.logger = logger;
	ev.data = data;
	ev.total = NAN;
	host_emit(s->h, &ev);
}

static void
host_on_updated(void *arg, const char *uri)
{
	struct host_server *s = arg;
	struct mcp_host_event ev = { 0 };

	ev.kind = MCP_HOST_EV_UPDATED;
	ev.server = s->cfg.name;
	ev.state = s->state;
	ev.uri = uri;
	ev.total = NAN;
	host_emit(s->h, &ev);
}

/* Server requests, passed up with the server's name. */
static void
host_on_roots(void *arg, struct mcp_request *req, const cJSON *params)
{
	struct host_server *s = arg;

	s->h->opts.on_roots(s->h->opts.arg, s->cfg.name, req, params);
}

static void
host_on_sampling(void *arg, struct mcp_request *req, const cJSON *params)
{
	struct host_server *s = arg;

	s->h->opts.on_sampling(s->h->opts.arg, s->cfg.name, req, params);
}

static void
host_on_elicitation(void *arg, struct mcp_request *req, const cJSON *params)
{
	struct host_server *s = arg;

	s->h->opts.on_elicitation(s->h->opts.arg, s->cfg.name, req, params);
}

/* The client's own diagnostics: kept (the latest warning explains a
 * failure) and passed on. */
static void
host_client_log(void *arg, enum mcp_log_level level, const char *msg)
{
	struct host_server *s = arg;

	if (level >= MCP_LOG_WARNING)
		snprintf(s->last_warning, sizeof s->last_warning, "%s", msg);
	mcp_logf(s->h->opts.log, level, "%s: %s", s->cfg.name, msg);
}

static void
host_on_closed(void *arg, const char *reason)
{
	struct host_server *s = arg;

	if (s->client == NULL)
		return;		/* we closed it */
	if (reason != NULL)
		host_server_down(s, "%s", reason);
	else
		host_server_down(s, "closed its connection");
}

static void
host_on_connected(void *arg, const struct mcp_response *r)
{
	struct host_server *s = arg;
	const char *msg;

	if (s->client == NULL || s->h->freeing)
		return;
	if (r->code != 0) {
		msg = r->message != NULL ? r->message : mcp_strerror(r->code);
		if (strncmp(msg, "initialize failed: ", 19) == 0)
			msg += 19;
		if (strncmp(msg, "connection closed: ", 19) == 0)
			host_server_down(s, "stopped before it was ready: %s",
			    msg + 19);
		else if (strcmp(msg, "connection closed") == 0)
			host_server_down(s, "stopped before it was ready");
		else
			host_server_down(s, "initialize failed: %s", msg);
		return;
	}
	s->lists_pending = 1;	/* held until every list is asked for */
	if (mcp_client_server_can(s->client, "tools"))
		host_list_fetch(s, MCP_HOST_TOOLS, true);
	if (mcp_client_server_can(s->client, "resources")) {
		host_list_fetch(s, MCP_HOST_RESOURCES, true);
		host_list_fetch(s, MCP_HOST_TEMPLATES, true);
	}
	if (mcp_client_server_can(s->client, "prompts"))
		host_list_fetch(s, MCP_HOST_PROMPTS, true);
	if (--s->lists_pending == 0)
		host_server_ready(s);
}

/* Server life */

/* Step the calls waiting on s (from the loop). */
static void
host_wake_waiting(struct host_server *s)
{
	struct host_call *call;

	TAILQ_FOREACH(call, &s->h->calls, entry) {
		if (call->s == s && call->phase == HOST_CALL_WAITING) {
			call->phase = HOST_CALL_NEW;
			event_active(call->ev, 0, 0);
		}
	}
}

static void
host_resubscribed(void *arg, const struct mcp_response *r)
{
	struct host_server *s = arg;

	if (r->code != 0 && r->code != MCP_CONNECTION_CLOSED)
		mcp_logf(s->h->opts.log, MCP_LOG_WARNING, "%s: renewing a "
		    "subscription failed: %s", s->cfg.name, r->message != NULL ?
		    r->message : mcp_strerror(r->code));
}

static void
host_server_ready(struct host_server *s)
{
	size_t i;

	evtimer_del(s->timer);
	/* A restarted server has forgotten our subscriptions. */
	for (i = 0; i < s->nsubs && s->restarts > 0; i++)
		mcp_client_subscribe(s->client, s->subs[i], host_resubscribed, s);
	s->up_since_ms = host_now_ms();
	host_set_state(s, MCP_HOST_READY);
	host_emit_catalog(s);
	host_wake_waiting(s);
}

static void
host_timer_cb(evutil_socket_t fd, short events, void *arg)
{
	struct host_server *s = arg;
	int ms = s->cfg.start_timeout_ms > 0 ? s->cfg.start_timeout_ms :
	    s->h->opts.start_timeout_ms;

	(void)fd;
	(void)events;
	if (s->state == MCP_HOST_RESTARTING) {
		s->restarts++;
		host_server_start(s);
	} else if (s->state == MCP_HOST_STARTING) {
		if (s->last_warning[0] != '\0')
			host_server_down(s, "not ready within %d ms (%s)", ms,
			    s->last_warning);
		else
			host_server_down(s, "not ready within %d ms", ms);
	}
}

static void
host_timer_arm(struct host_server *s, int ms)
{
	struct timeval tv;

	tv.tv_sec = ms / 1000;
	tv.tv_usec = (ms % 1000) * 1000;
	evtimer_add(s->timer, &tv);
}

/* Keep the last lines of what the server wrote to stderr. */
static void
host_capture_stderr(struct host_server *s)
{
	char *text;
	size_t len;

	if (s->t == NULL || s->cfg.transport != MCP_CONFIG_STDIO)
		return;
	if ((text = mcp_stdio_stderr(s->t, &len)) == NULL)
		return;
	if (len == 0) {
		free(text);
		return;
	}
	free(s->stderr_tail);
	s->stderr_tail = text;
}

/* The last few non-blank stderr lines on one line, joined by " | ". */
static void
host_stderr_summary(const struct host_server *s, char *buf, size_t size)
{
	const char *lines[3], *p, *end;
	size_t lens[3], n = 0, i, used = 0;

	buf[0] = '\0';
	if (s->stderr_tail == NULL)
		return;
	end = s->stderr_tail + strlen(s->stderr_tail);
	while (end > s->stderr_tail && n < 3) {
		while (end > s->stderr_tail && (end[-1] == '\n' ||
		    end[-1] == '\r' || end[-1] == ' '))
			end--;
		if (end == s->stderr_tail)
			break;
		p = end;
		while (p > s->stderr_tail && p[-1] != '\n')
			p--;
		lines[n] = p;
		lens[n++] = (size_t)(end - p);
		end = p;
	}
	for (i = n; i-- > 0 && used + 4 < size;) {
		size_t k = lens[i];

		if (k > size - used - 4)
			k = size - used - 4;
		used += (size_t)snprintf(buf + used, size - used, "%s%.*s",
		    i + 1 < n ? " | " : "", (int)k, lines[i]);
	}
	/* One line: no control characters. */
	for (i = 0; buf[i] != '\0'; i++) {
		if ((unsigned char)buf[i] < 0x20)
			buf[i] = ' ';
	}
}

/* Drop the connection (to the graveyard) and forget its catalog. */
static void
host_server_detach(struct host_server *s)
{
	struct mcp_client *c = s->client;
	struct mcp_transport *stdio = s->cfg.transport == MCP_CONFIG_STDIO ?
	    s->t : NULL;

	host_capture_stderr(s);
	s->client = NULL;
	s->t = NULL;
	s->gen++;
	evtimer_del(s->timer);
	host_catalog_clear(s);
	if (c != NULL)
		host_bury(s->h, c, stdio);
}

static void
host_server_down(struct host_server *s, const char *fmt, ...)
{
	struct mcp_host *h = s->h;
	char what[300], tail[240];
	unsigned delay;
	va_list ap;
	int max = h->opts.max_restarts;

	if (s->client == NULL || h->freeing)
		return;
	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	host_server_detach(s);
	host_stderr_summary(s, tail, sizeof tail);
	if (s->up_since_ms > 0 &&
	    host_now_ms() - s->up_since_ms >= HOST_STABLE_MS)
		s->attempts = 0;
	s->up_since_ms = 0;
	if ((int)s->attempts >= max) {
		snprintf(s->reason, sizeof s->reason, "%s%s%s; gave up after "
		    "%u restarts in a row: fix it, then enable it again", what,
		    tail[0] != '\0' ? "; stderr: " : "", tail, s->attempts);
		host_set_state(s, MCP_HOST_FAILED);
	} else {
		delay = (unsigned)h->opts.restart_min_ms << s->attempts;
		if (delay > (unsigned)h->opts.restart_max_ms ||
		    s->attempts >= 20)
			delay = (unsigned)h->opts.restart_max_ms;
		s->attempts++;
		snprintf(s->reason, sizeof s->reason, "%s%s%s; restarting in "
		    "%u ms", what, tail[0] != '\0' ? "; stderr: " : "", tail,
		    delay);
		host_set_state(s, MCP_HOST_RESTARTING);
		host_timer_arm(s, (int)delay);
	}
	host_emit_catalog(s);
	host_wake_waiting(s);
}

/* A server that cannot be started at all: no restarts. */
static void
host_server_fail(struct host_server *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
host_server_fail(struct host_server *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(s->reason, sizeof s->reason, fmt, ap);
	va_end(ap);
	host_set_state(s, MCP_HOST_FAILED);
	host_wake_waiting(s);
}

static void
host_server_start(struct host_server *s)
{
	struct mcp_host *h = s->h;
	struct mcp_client_opts co = { 0 };
	struct mcp_err err = { 0, "" };
	struct mcp_transport *t = NULL;
	int ms;

	s->last_warning[0] = '\0';
	free(s->stderr_tail);		/* a new run, a new story */
	s->stderr_tail = NULL;
	if (s->cfg.transport == MCP_CONFIG_STDIO) {
		struct mcp_stdio_spawn_opts sp = { 0 };
		struct mcp_stdio_opts so = { 0 };

		sp.env = (const char *const *)s->cfg.env;
		sp.cwd = s->cfg.cwd;
		sp.stderr_max = HOST_STDERR_MAX;
		so.log = &s->log;
		t = mcp_stdio_spawn_ex(h->base, s->cfg.argv, &sp, &so, &err);
	} else {
		struct mcp_http_client_opts ho = { 0 };

		ho.headers = (const char *const *)s->cfg.headers;
		ho.log = &s->log;
		/* "sse" is the older HTTP+SSE transport; "http" tries
		 * Streamable HTTP and falls back to it. */
		ho.mode = s->cfg.transport == MCP_CONFIG_SSE ?
		    MCP_HTTP_CLIENT_LEGACY_SSE : MCP_HTTP_CLIENT_AUTO;
		t = mcp_http_client_new(h->base, s->cfg.url, &ho, &err);
	}
	if (t == NULL) {
		host_server_fail(s, "cannot start: %s", err.msg);
		return;
	}
	co.name = h->opts.client_name;
	co.version = h->opts.client_version;
	co.timeout_ms = s->cfg.timeout_ms > 0 ? s->cfg.timeout_ms :
	    h->opts.timeout_ms;
	co.max_timeout_ms = s->cfg.max_timeout_ms > 0 ? s->cfg.max_timeout_ms :
	    h->opts.max_timeout_ms;
	if (co.max_timeout_ms < co.timeout_ms)
		co.max_timeout_ms = co.timeout_ms;
	co.log = &s->log;
	co.on_log = host_on_log;
	co.on_list_changed = host_on_list_changed;
	co.on_resource_updated = host_on_updated;
	co.on_roots = h->opts.on_roots != NULL ? host_on_roots : NULL;
	co.on_sampling = h->opts.on_sampling != NULL ? host_on_sampling : NULL;
	co.on_elicitation = h->opts.on_elicitation != NULL ?
	    host_on_elicitation : NULL;
	co.on_closed = host_on_closed;
	co.arg = s;
	s->gen++;
	s->t = t;
	s->client = mcp_client_new(h->base, t, &co);
	host_set_state(s, MCP_HOST_STARTING);
	ms = s->cfg.start_timeout_ms > 0 ? s->cfg.start_timeout_ms :
	    h->opts.start_timeout_ms;
	host_timer_arm(s, ms);
	mcp_client_connect(s->client, host_on_connected, s);
}

/* Stop on purpose: no restart. */
static void
host_server_stop(struct host_server *s)
{
	if (s->client != NULL)
		host_server_detach(s);
	evtimer_del(s->timer);
}

/* Life */

struct mcp_host *
mcp_host_new(struct event_base *base, const struct mcp_host_opts *opts)
{
	struct mcp_host *h = mcp_xcalloc(1, sizeof *h);

	h->base = base;
	if (opts != NULL)
		h->opts = *opts;
	if (h->opts.timeout_ms <= 0)
		h->opts.timeout_ms = 60000;
	if (h->opts.max_timeout_ms <= 0)
		h->opts.max_timeout_ms = 600000;
	if (h->opts.start_timeout_ms <= 0)
		h->opts.start_timeout_ms = 20000;
	if (h->opts.restart_min_ms <= 0)
		h->opts.restart_min_ms = 250;
	if (h->opts.restart_max_ms <= 0)
		h->opts.restart_max_ms = 30000;
	if (h->opts.max_restarts <= 0)
		h->opts.max_restarts = 8;
	h->always_ask = host_strv_dup((char *const *)h->opts.always_ask);
	h->opts.always_ask = NULL;
	TAILQ_INIT(&h->servers);
	TAILQ_INIT(&h->calls);
	h->next_id = 1;
	h->reap_ev = event_new(base, -1, 0, host_reap_cb, h);
	if (h->reap_ev == NULL)
		abort();
	return h;
}

static void host_call_free(struct host_call *);

/* Every spawned child of the graveyard gets its EOF now and all are waited
 * for together, so freeing their transports does not wait for each in
 * turn (20 ms or more a server). */
static void
host_stop_children(struct mcp_host *h)
{
	struct mcp_transport **ts;
	struct host_grave *g;
	size_t n = 0;

	for (g = h->graves; g != NULL; g = g->next)
		n += g->stdio != NULL;
	if (n == 0)
		return;
	ts = mcp_xcalloc(n, sizeof *ts);
	n = 0;
	for (g = h->graves; g != NULL; g = g->next) {
		if (g->stdio != NULL)
			ts[n++] = g->stdio;
	}
	mcp_stdio_reap(ts, n, HOST_FREE_WAIT_MS);
	free(ts);
}

void
mcp_host_free(struct mcp_host *h)
{
	struct host_server *s;
	struct host_call *call;
	size_t i;

	if (h == NULL)
		return;
	h->freeing = true;
	/* Calls not sent end now; sent ones end as their clients go. */
	for (;;) {
		struct mcp_response r = { NULL, MCP_CONNECTION_CLOSED,
		    "the host is shutting down", NULL };

		TAILQ_FOREACH(call, &h->calls, entry) {
			if (call->phase != HOST_CALL_SENT)
				break;
		}
		if (call == NULL)
			break;
		TAILQ_REMOVE(&h->calls, call, entry);
		h->ncalls--;
		call->cb(call->arg, &r);
		host_call_free(call);
	}
	TAILQ_FOREACH(s, &h->servers, entry)
		host_server_stop(s);
	host_stop_children(h);
	host_reap_cb(-1, 0, h);
	while ((s = TAILQ_FIRST(&h->servers)) != NULL) {
		TAILQ_REMOVE(&h->servers, s, entry);
		event_free(s->timer);
		host_cfg_clear(&s->cfg);
		host_strv_free(s->subs);
		free(s->stderr_tail);
		free(s);
	}
	for (i = 0; i < h->ngrants; i++) {
		free(h->grants[i].server);
		free(h->grants[i].tool);
	}
	free(h->grants);
	free(h->grant_view);
	host_strv_free(h->always_ask);
	event_free(h->reap_ev);
	free(h);
}

/* Servers */

static struct host_server *
host_find(const struct mcp_host *h, const char *name, size_t len)
{
	struct host_server *s;

	TAILQ_FOREACH(s, &h->servers, entry) {
		if (strlen(s->cfg.name) == len &&
		    memcmp(s->cfg.name, name, len) == 0)
			return s;
	}
	return NULL;
}

int
mcp_host_add_server(struct mcp_host *h, const struct mcp_config_server *cfg,
    struct mcp_err *err)
{
	struct host_server *s;

	if (cfg->transport == MCP_CONFIG_STDIO ? cfg->argv == NULL ||
	    cfg->argv[0] == NULL : cfg->url == NULL) {
		mcp_err_set(err, MCP_INVALID_PARAMS, "server \"%s\": %s", cfg->name,
		    cfg->transport == MCP_CONFIG_STDIO ? "no command to run: "
		    "set argv" : "no url to connect to: set url");
		return -1;
	}
	if (host_find(h, cfg->name, strlen(cfg->name)) != NULL) {
		mcp_err_set(err, MCP_INVALID_PARAMS, "server \"%s\" is already "
		    "added: each server needs its own name", cfg->name);
		return -1;
	}
	s = mcp_xcalloc(1, sizeof *s);
	s->h = h;
	host_cfg_copy(&s->cfg, cfg);
	s->log.fn = host_client_log;
	s->log.arg = s;
	s->log.level = MCP_LOG_DEBUG;
	s->timer = evtimer_new(h->base, host_timer_cb, s);
	if (s->timer == NULL)
		abort();
	TAILQ_INSERT_TAIL(&h->servers, s, entry);
	h->nservers++;
	if (s->cfg.disabled) {
		s->state = MCP_HOST_DISABLED;
		host_set_state(s, MCP_HOST_DISABLED);
	} else
		host_server_start(s);
	return 0;
}

int
mcp_host_add_config(struct mcp_host *h, const struct mcp_config *cfg,
    struct mcp_err *err)
{
	size_t i, n = mcp_config_count(cfg);

	for (i = 0; i < n; i++) {
		const char *name = mcp_config_server(cfg, i)->name;

		if (host_find(h, name, strlen(name)) != NULL) {
			mcp_err_set(err, MCP_INVALID_PARAMS, "server \"%s\" is "
			    "already added: each server needs its own name",
			    name);
			return -1;
		}
	}
	/* A parsed configuration always has a command or a url. */
	for (i = 0; i < n; i++)
		mcp_host_add_server(h, mcp_config_server(cfg, i), err);
	return 0;
}

size_t
mcp_host_server_count(const struct mcp_host *h)
{
	return h->nservers;
}

static void
host_info_fill(const struct host_server *s, struct mcp_host_server_info *o)
{
	int k;
	unsigned *counts[HOST_KINDS] = { &o->tools, &o->resources,
	    &o->templates, &o->prompts };

	memset(o, 0, sizeof *o);
	o->name = s->cfg.name;
	o->state = s->state;
	o->reason = s->reason[0] != '\0' ? s->reason : NULL;
	o->stderr_tail = s->stderr_tail;
	o->restarts = s->restarts;
	if (s->t != NULL && s->cfg.transport == MCP_CONFIG_STDIO) {
		pid_t pid = mcp_stdio_pid(s->t);

		o->pid = pid > 0 ? pid : 0;
	}
	if (s->client != NULL && s->state == MCP_HOST_READY)
		o->server_info = mcp_client_server_info(s->client);
	for (k = 0; k < HOST_KINDS; k++)
		*counts[k] = (unsigned)cJSON_GetArraySize(s->lists[k]);
}

int
mcp_host_server_info(const struct mcp_host *h, size_t i,
    struct mcp_host_server_info *out)
{
	const struct host_server *s;

	TAILQ_FOREACH(s, &h->servers, entry) {
		if (i-- == 0) {
			host_info_fill(s, out);
			return 0;
		}
	}
	return -1;
}

int
mcp_host_server_find(const struct mcp_host *h, const char *name,
    struct mcp_host_server_info *out)
{
	const struct host_server *s = host_find(h, name, strlen(name));

	if (s == NULL)
		return -1;
	host_info_fill(s, out);
	return 0;
}

bool
mcp_host_settled(const struct mcp_host *h)
{
	const struct host_server *s;

	TAILQ_FOREACH(s, &h->servers, entry) {
		if (s->state == MCP_HOST_STARTING)
			return false;
	}
	return true;
}

int
mcp_host_disable(struct mcp_host *h, const char *name)
{
	struct host_server *s = host_find(h, name, strlen(name));

	if (s == NULL)
		return -1;
	if (s->state == MCP_HOST_DISABLED)
		return 0;
	host_server_stop(s);
	snprintf(s->reason, sizeof s->reason, "disabled");
	host_set_state(s, MCP_HOST_DISABLED);
	host_emit_catalog(s);
	host_wake_waiting(s);
	return 0;
}

int
mcp_host_enable(struct mcp_host *h, const char *name)
{
	struct host_server *s = host_find(h, name, strlen(name));

	if (s == NULL)
		return -1;
	if (s->state == MCP_HOST_READY || s->state == MCP_HOST_STARTING)
		return 0;
	host_server_stop(s);
	s->attempts = 0;
	host_server_start(s);
	return 0;
}

/* Catalog */

size_t
mcp_host_count(const struct mcp_host *h, enum mcp_host_kind kind)
{
	const struct host_server *s;
	size_t n = 0;

	TAILQ_FOREACH(s, &h->servers, entry)
		n += (size_t)cJSON_GetArraySize(s->lists[kind]);
	return n;
}

const cJSON *
mcp_host_item(const struct mcp_host *h, enum mcp_host_kind kind, size_t i,
    const char **server)
{
	const struct host_server *s;
	size_t n;

	TAILQ_FOREACH(s, &h->servers, entry) {
		n = (size_t)cJSON_GetArraySize(s->lists[kind]);
		if (i < n) {
			if (server != NULL)
				*server = s->cfg.name;
			return cJSON_GetArrayItem(s->lists[kind], (int)i);
		}
		i -= n;
	}
	return NULL;
}

/* Split "server/name" at the first '/' (server names have none). */
static struct host_server *
host_split(const struct mcp_host *h, const char *qualified,
    const char **name)
{
	const char *slash = strchr(qualified, '/');

	if (slash == NULL)
		return NULL;
	*name = slash + 1;
	return host_find(h, qualified, (size_t)(slash - qualified));
}

const cJSON *
mcp_host_find_tool(const struct mcp_host *h, const char *qualified)
{
	const char *name;
	struct host_server *s = host_split(h, qualified, &name);

	return s != NULL ? host_server_tool(s, name) : NULL;
}

static struct host_server *
host_owner(const struct mcp_host *h, const char *uri)
{
	struct host_server *s;
	const cJSON *item, *u;
	size_t i;

	TAILQ_FOREACH(s, &h->servers, entry) {
		cJSON_ArrayForEach(item, s->lists[MCP_HOST_RESOURCES]) {
			u = cJSON_GetObjectItemCaseSensitive(item, "uri");
			if (cJSON_IsString(u) && strcmp(u->valuestring, uri) == 0)
				return s;
		}
	}
	TAILQ_FOREACH(s, &h->servers, entry) {
		for (i = 0; i < s->ntmpls; i++) {
			if (s->tmpls[i] != NULL &&
			    mcp_uritemplate_match(s->tmpls[i], uri, NULL) == 0)
				return s;
		}
	}
	return NULL;
}

const char *
mcp_host_resource_owner(const struct mcp_host *h, const char *uri)
{
	struct host_server *s = host_owner(h, uri);

	return s != NULL ? s->cfg.name : NULL;
}

/* Grants */

static struct host_grant *
host_grant_find(const struct mcp_host *h, const char *server, const char *tool)
{
	size_t i;

	for (i = 0; i < h->ngrants; i++) {
		if (strcmp(h->grants[i].server, server) == 0 &&
		    strcmp(h->grants[i].tool, tool) == 0)
			return &h->grants[i];
	}
	return NULL;
}

static bool
host_always_asks(const struct mcp_host *h, const char *server,
    const char *tool)
{
	size_t i, n = strlen(server);

	for (i = 0; h->always_ask != NULL && h->always_ask[i] != NULL; i++) {
		const char *a = h->always_ask[i];

		if (strcmp(a, tool) == 0)
			return true;
		if (strncmp(a, server, n) == 0 && a[n] == '/' &&
		    strcmp(a + n + 1, tool) == 0)
			return true;
	}
	return false;
}

int
mcp_host_grant_add(struct mcp_host *h, const char *server, const char *tool,
    enum mcp_host_decision scope)
{
	struct host_grant *g;

	if ((scope != MCP_HOST_SESSION && scope != MCP_HOST_ALWAYS) ||
	    host_always_asks(h, server, tool))
		return -1;
	if ((g = host_grant_find(h, server, tool)) != NULL) {
		if (scope == MCP_HOST_ALWAYS)
			g->scope = scope;
		return 0;
	}
	h->grants = mcp_xrealloc(h->grants, (h->ngrants + 1) *
	    sizeof *h->grants);
	g = &h->grants[h->ngrants++];
	g->server = mcp_xstrdup(server);
	g->tool = mcp_xstrdup(tool);
	g->scope = scope;
	return 0;
}

int
mcp_host_revoke(struct mcp_host *h, const char *server, const char *tool)
{
	struct host_grant *g = host_grant_find(h, server, tool);
	size_t i;

	if (g == NULL)
		return -1;
	i = (size_t)(g - h->grants);
	free(g->server);
	free(g->tool);
	memmove(&h->grants[i], &h->grants[i + 1],
	    (h->ngrants - i - 1) * sizeof *h->grants);
	h->ngrants--;
	return 0;
}

size_t
mcp_host_grant_count(const struct mcp_host *h)
{
	return h->ngrants;
}

const struct mcp_host_grant *
mcp_host_grant(const struct mcp_host *h, size_t i)
{
	struct mcp_host *mh = (struct mcp_host *)h;

	if (i >= h->ngrants)
		return NULL;
	/* A view in the public shape, rebuilt on demand. */
	free(mh->grant_view);
	mh->grant_view = mcp_xcalloc(h->ngrants, sizeof *mh->grant_view);
	for (size_t j = 0; j < h->ngrants; j++) {
		mh->grant_view[j].server = h->grants[j].server;
		mh->grant_view[j].tool = h->grants[j].tool;
		mh->grant_view[j].scope = h->grants[j].scope;
	}
	return &mh->grant_view[i];
}

/* Calls */

static void
host_call_free(struct host_call *call)
{
	if (call->ev != NULL)
		event_free(call->ev);
	cJSON_Delete(call->args);
	free(call->args_text);
	free(call->name);
	free(call);
}

static const char *
host_method(const struct host_call *call)
{
	switch (call->kind) {
	case HOST_TOOL: return "tools/call";
	case HOST_READ: return "resources/read";
	case HOST_SUBSCRIBE: return "resources/subscribe";
	case HOST_UNSUBSCRIBE: return "resources/unsubscribe";
	default: return "prompts/get";
	}
}

/* The first text block of a result, on one line, cut short. */
static void
host_summary(const cJSON *result, char *buf, size_t size)
{
	const cJSON *content, *item, *text;
	size_t i;

	buf[0] = '\0';
	content = cJSON_GetObjectItemCaseSensitive(result, "content");
	if (content == NULL)
		content = cJSON_GetObjectItemCaseSensitive(result, "contents");
	if (content == NULL)
		content = cJSON_GetObjectItemCaseSensitive(result, "messages");
	cJSON_ArrayForEach(item, content) {
		text = cJSON_GetObjectItemCaseSensitive(item, "text");
		if (!cJSON_IsString(text)) {
			const cJSON *inner = cJSON_GetObjectItemCaseSensitive(
			    item, "content");

			text = cJSON_GetObjectItemCaseSensitive(inner, "text");
		}
		if (cJSON_IsString(text)) {
			snprintf(buf, size, "%s", text->valuestring);
			break;
		}
	}
	for (i = 0; buf[i] != '\0'; i++) {
		if ((unsigned char)buf[i] < 0x20)
			buf[i] = ' ';
	}
	/* Do not end inside a UTF-8 sequence. */
	i = strlen(buf);
	if (i == size - 1) {
		while (i > 0 && ((unsigned char)buf[i - 1] & 0xc0) == 0x80)
			i--;
		if (i > 0 && ((unsigned char)buf[i - 1] & 0xc0) == 0xc0)
			i--;
		buf[i] = '\0';
	}
}

/* End a call: the event, then its callback, then it is gone. */
static void
host_call_end(struct host_call *call, const struct mcp_response *r)
{
	struct mcp_host *h = call->h;
	struct mcp_host_event ev = { 0 };
	char summary[HOST_SUMMARY_MAX + 1];
	const cJSON *is_err;

	TAILQ_REMOVE(&h->calls, call, entry);
	h->ncalls--;
	if (call->ev != NULL)
		event_del(call->ev);
	ev.kind = MCP_HOST_EV_CALL_END;
	ev.server = call->s != NULL ? call->s->cfg.name : NULL;
	ev.call = call->id;
	ev.method = host_method(call);
	ev.tool = call->name;
	ev.arguments = call->args_text;
	ev.duration_ms = host_now_ms() - call->start_ms;
	ev.code = r->code;
	ev.total = NAN;
	if (r->code != 0)
		ev.error = r->message;
	else {
		host_summary(r->result, summary, sizeof summary);
		ev.summary = summary;
		is_err = cJSON_GetObjectItemCaseSensitive(r->result, "isError");
		ev.is_error = cJSON_IsTrue(is_err);
	}
	host_emit(h, &ev);
	call->cb(call->arg, r);
	host_call_free(call);
}

static void host_call_fail(struct host_call *, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
host_call_fail(struct host_call *call, int code, const char *fmt, ...)
{
	struct mcp_response r = { NULL, code, NULL, NULL };
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(call->fail_msg, sizeof call->fail_msg, fmt, ap);
	va_end(ap);
	r.message = call->fail_msg;
	host_call_end(call, &r);
}

static void
host_call_done(void *arg, const struct mcp_response *r)
{
	struct host_call *call = arg;
	struct mcp_response copy = *r;
	char msg[400];

	if (r->code == MCP_CONNECTION_CLOSED) {
		/* Say plainly that the server went away. */
		snprintf(msg, sizeof msg, "%s/%s: server \"%s\" went away "
		    "during the call (%s)%s", call->s->cfg.name, call->name,
		    call->s->cfg.name, r->message != NULL ? r->message :
		    "connection closed", call->h->freeing ? "" :
		    call->s->state == MCP_HOST_DISABLED ? "; it was disabled" :
		    "; it is being restarted, try again");
		copy.message = msg;
	} else if (r->code != 0) {
		snprintf(msg, sizeof msg, "%s/%s: %s", call->s->cfg.name,
		    call->name, r->message != NULL ? r->message :
		    mcp_strerror(r->code));
		copy.message = msg;
	}
	host_call_end(call, &copy);
}

static void
host_call_progress(void *arg, double progress, double total,
    const char *message)
{
	struct host_call *call = arg;
	struct mcp_host_event ev = { 0 };

	ev.kind = MCP_HOST_EV_PROGRESS;
	ev.server = call->s->cfg.name;
	ev.call = call->id;
	ev.method = host_method(call);
	ev.tool = call->name;
	ev.progress = progress;
	ev.total = total;
	ev.message = message;
	host_emit(call->h, &ev);
}

/* Remember (or forget) a subscription, to renew it after a restart. */
static void
host_sub_note(struct host_server *s, const char *uri, bool add)
{
	size_t i;

	for (i = 0; i < s->nsubs; i++) {
		if (strcmp(s->subs[i], uri) == 0)
			break;
	}
	if (add && i == s->nsubs) {
		s->subs = mcp_xrealloc(s->subs, (s->nsubs + 2) * sizeof *s->subs);
		s->subs[s->nsubs++] = mcp_xstrdup(uri);
		s->subs[s->nsubs] = NULL;
	} else if (!add && i < s->nsubs) {
		free(s->subs[i]);
		memmove(&s->subs[i], &s->subs[i + 1],
		    (s->nsubs - i) * sizeof *s->subs);
		s->nsubs--;
	}
}

static void
host_call_send(struct host_call *call)
{
	struct host_server *s = call->s;
	struct mcp_client_call_opts co = { 0 };
	struct mcp_host_event ev = { 0 };
	cJSON *args = call->args;

	call->args = NULL;
	call->phase = HOST_CALL_SENT;
	call->client = s->client;
	ev.kind = MCP_HOST_EV_CALL_START;
	ev.server = s->cfg.name;
	ev.call = call->id;
	ev.method = host_method(call);
	ev.tool = call->name;
	ev.arguments = call->args_text;
	ev.total = NAN;
	host_emit(call->h, &ev);
	co.timeout_ms = call->opts.timeout_ms;
	co.max_timeout_ms = call->opts.max_timeout_ms;
	co.on_progress = host_call_progress;
	switch (call->kind) {
	case HOST_TOOL:
		/* The very object whose text the approval showed. */
		call->handle = mcp_client_call_tool(s->client, call->name, args,
		    &co, host_call_done, call);
		break;
	case HOST_READ:
		cJSON_Delete(args);
		call->handle = mcp_client_read_resource(s->client, call->name,
		    host_call_done, call);
		break;
	case HOST_PROMPT:
		call->handle = mcp_client_get_prompt(s->client, call->name,
		    args, host_call_done, call);
		break;
	case HOST_SUBSCRIBE:
	case HOST_UNSUBSCRIBE:
		cJSON_Delete(args);
		host_sub_note(s, call->name, call->kind == HOST_SUBSCRIBE);
		call->handle = (call->kind == HOST_SUBSCRIBE ?
		    mcp_client_subscribe : mcp_client_unsubscribe)(s->client,
		    call->name, host_call_done, call);
		break;
	}
}

/* Every decision of the gate, for the application's audit log. */
static void
host_emit_decision(struct host_call *call, enum mcp_host_decision d,
    bool asked, const char *reason)
{
	struct mcp_host_event ev = { 0 };

	ev.kind = MCP_HOST_EV_DECISION;
	ev.server = call->s->cfg.name;
	ev.call = call->id;
	ev.method = host_method(call);
	ev.tool = call->name;
	ev.arguments = call->args_text;
	ev.decision = d;
	ev.asked = asked;
	ev.reason = reason;
	ev.total = NAN;
	host_emit(call->h, &ev);
}

/* The gate. Returns 1 to run, 0 to ask (reason filled), -1 to refuse. */
static int
host_gate(struct host_call *call, const cJSON *tool, char *reason,
    size_t size)
{
	struct mcp_host *h = call->h;
	struct host_server *s = call->s;
	const struct mcp_config_rule *rule = mcp_config_rule(&s->cfg,
	    call->name);
	const cJSON *ann = cJSON_GetObjectItemCaseSensitive(tool, "annotations");
	const struct host_grant *g;
	bool read_only, destructive, open_world;
	size_t i;

	read_only = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(ann,
	    "readOnlyHint"));
	/* MCP's defaults: destructive and open-world unless it says not. */
	destructive = !cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(ann,
	    "destructiveHint"));
	open_world = !cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(ann,
	    "openWorldHint"));
	call->grantable = false;
	if (host_always_asks(h, s->cfg.name, call->name)) {
		snprintf(reason, size, "%s always asks, whatever the "
		    "configuration says", call->name);
		return 0;
	}
	if (rule != NULL && rule->ask) {
		snprintf(reason, size, "the configuration says to ask for %s",
		    call->name);
		return 0;
	}
	for (i = 0; rule != NULL && i < rule->nlimits; i++) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(call->args,
		    rule->limits[i].arg);

		if (cJSON_IsNumber(v) && v->valuedouble > rule->limits[i].above) {
			snprintf(reason, size, "%s is %g, above %g (the "
			    "configuration's limit)", rule->limits[i].arg,
			    v->valuedouble, rule->limits[i].above);
			return 0;
		}
	}
	call->grantable = true;
	if ((g = host_grant_find(h, s->cfg.name, call->name)) != NULL) {
		snprintf(reason, size, "granted %s", g->scope == MCP_HOST_ALWAYS ?
		    "always" : "for this session");
		return 1;
	}
	if (read_only) {
		snprintf(reason, size, "read-only (readOnlyHint)");
		return 1;
	}
	if (rule != NULL && rule->auto_approve) {
		if (!destructive && !open_world) {
			snprintf(reason, size, "auto-approved by the "
			    "configuration (not destructive, closed world)");
			return 1;
		}
		snprintf(reason, size, "the configuration auto-approves %s, but "
		    "the tool does not declare destructiveHint: false and "
		    "openWorldHint: false", call->name);
		return 0;
	}
	snprintf(reason, size, "%s may change things (it is not marked "
	    "read-only)", call->name);
	return 0;
}

static void
host_call_step(struct host_call *call)
{
	struct host_server *s = call->s;
	struct mcp_host *h = call->h;
	struct mcp_host_request req = { 0 };
	const cJSON *tool;
	char reason[300];

	if (s == NULL) {
		struct mcp_response r = { NULL, call->fail_code,
		    call->fail_msg, NULL };

		host_call_end(call, &r);
		return;
	}
	switch (s->state) {
	case MCP_HOST_STARTING:
		call->phase = HOST_CALL_WAITING;
		return;
	case MCP_HOST_READY:
		break;
	default:
		host_call_fail(call, MCP_HOST_UNAVAILABLE, "%s/%s: server "
		    "\"%s\" is %s%s%s", s->cfg.name, call->name, s->cfg.name,
		    mcp_host_state_name(s->state), s->reason[0] != '\0' ?
		    ": " : "", s->reason);
		return;
	}
	if (call->kind != HOST_TOOL) {
		host_call_send(call);
		return;
	}
	if ((tool = host_server_tool(s, call->name)) == NULL) {
		host_call_fail(call, MCP_INVALID_PARAMS, "unknown tool %s/%s: "
		    "server \"%s\" has no tool of that name", s->cfg.name,
		    call->name, s->cfg.name);
		return;
	}
	free(call->args_text);
	call->args_text = mcp_json_print(call->args, NULL);
	switch (host_gate(call, tool, reason, sizeof reason)) {
	case 1:
		host_emit_decision(call, MCP_HOST_ONCE, false, reason);
		host_call_send(call);
		return;
	case 0:
		break;
	default:
		return;
	}
	if (h->opts.approve == NULL) {
		char why[400];

		snprintf(why, sizeof why, "%s/%s needs approval (%s), and "
		    "nothing can ask for it", s->cfg.name, call->name, reason);
		host_emit_decision(call, MCP_HOST_DENY, false, why);
		host_call_fail(call, MCP_HOST_DECLINED, "%s", why);
		return;
	}
	snprintf(call->reason, sizeof call->reason, "%s", reason);
	call->phase = HOST_CALL_ASKING;
	req.call = call->id;
	req.server = s->cfg.name;
	req.tool = call->name;
	req.arguments = call->args_text;
	req.annotations = cJSON_GetObjectItemCaseSensitive(tool, "annotations");
	req.reason = reason;
	req.grantable = call->grantable;
	/* May answer from inside; call may be gone afterwards. */
	h->opts.approve(h->opts.arg, &req);
}

static void
host_call_ev_cb(evutil_socket_t fd, short events, void *arg)
{
	struct host_call *call = arg;

	(void)fd;
	(void)events;
	if (call->phase == HOST_CALL_NEW)
		host_call_step(call);
}

static struct host_call *
host_call_new(struct mcp_host *h, enum host_call_kind kind,
    struct host_server *s, const char *name, cJSON *args, mcp_host_cb cb,
    void *arg)
{
	struct host_call *call = mcp_xcalloc(1, sizeof *call);

	call->h = h;
	call->id = h->next_id++;
	call->kind = kind;
	call->s = s;
	call->name = mcp_xstrdup(name);
	call->args = args;
	call->cb = cb;
	call->arg = arg;
	call->start_ms = host_now_ms();
	call->ev = event_new(h->base, -1, 0, host_call_ev_cb, call);
	if (call->ev == NULL)
		abort();
	TAILQ_INSERT_TAIL(&h->calls, call, entry);
	h->ncalls++;
	event_active(call->ev, 0, 0);
	return call;
}

uint64_t
mcp_host_call_tool(struct mcp_host *h, const char *qualified, cJSON *args,
    const struct mcp_host_call_opts *opts, mcp_host_cb cb, void *arg)
{
	const char *tool = "";
	struct host_server *s = host_split(h, qualified, &tool);
	struct host_call *call;

	if (args == NULL)
		args = cJSON_CreateObject();
	call = host_call_new(h, HOST_TOOL, s, tool, args, cb, arg);
	if (opts != NULL)
		call->opts = *opts;
	if (!cJSON_IsObject(args)) {
		call->s = NULL;
		call->fail_code = MCP_INVALID_PARAMS;
		snprintf(call->fail_msg, sizeof call->fail_msg, "%s: arguments "
		    "must be a JSON object, not %s", qualified,
		    mcp_json_type_name(args));
	} else if (s == NULL) {
		call->fail_code = MCP_INVALID_PARAMS;
		snprintf(call->fail_msg, sizeof call->fail_msg, "unknown tool "
		    "\"%.200s\": expected SERVER/TOOL with one of the "
		    "configured servers", qualified);
	}
	return call->id;
}

uint64_t
mcp_host_read_resource(struct mcp_host *h, const char *uri, mcp_host_cb cb,
    void *arg)
{
	return host_uri_call(h, HOST_READ, uri, cb, arg);
}

static uint64_t
host_uri_call(struct mcp_host *h, enum host_call_kind kind, const char *uri,
    mcp_host_cb cb, void *arg)
{
	struct host_server *s = host_owner(h, uri);
	struct host_call *call = host_call_new(h, kind, s, uri, NULL, cb, arg);

	if (s == NULL) {
		call->fail_code = MCP_RESOURCE_NOT_FOUND;
		snprintf(call->fail_msg, sizeof call->fail_msg, "no server "
		    "offers %.300s: none lists it or has a template that "
		    "matches it", uri);
	}
	return call->id;
}

uint64_t
mcp_host_subscribe(struct mcp_host *h, const char *uri, mcp_host_cb cb,
    void *arg)
{
	return host_uri_call(h, HOST_SUBSCRIBE, uri, cb, arg);
}

uint64_t
mcp_host_unsubscribe(struct mcp_host *h, const char *uri, mcp_host_cb cb,
    void *arg)
{
	return host_uri_call(h, HOST_UNSUBSCRIBE, uri, cb, arg);
}

struct mcp_client *
mcp_host_client(struct mcp_host *h, const char *server)
{
	struct host_server *s = host_find(h, server, strlen(server));

	return s != NULL && s->state == MCP_HOST_READY ? s->client : NULL;
}

uint64_t
mcp_host_get_prompt(struct mcp_host *h, const char *qualified, cJSON *args,
    mcp_host_cb cb, void *arg)
{
	const char *name = "";
	struct host_server *s = host_split(h, qualified, &name);
	struct host_call *call = host_call_new(h, HOST_PROMPT, s, name, args,
	    cb, arg);

	if (s == NULL) {
		call->fail_code = MCP_INVALID_PARAMS;
		snprintf(call->fail_msg, sizeof call->fail_msg, "unknown prompt "
		    "\"%.200s\": expected SERVER/PROMPT with one of the "
		    "configured servers", qualified);
	}
	return call->id;
}

static struct host_call *
host_call_find(const struct mcp_host *h, uint64_t id)
{
	struct host_call *call;

	TAILQ_FOREACH(call, &h->calls, entry) {
		if (call->id == id)
			return call;
	}
	return NULL;
}

int
mcp_host_cancel(struct mcp_host *h, uint64_t id, const char *reason)
{
	struct host_call *call = host_call_find(h, id);

	if (call == NULL)
		return -1;
	if (call->phase == HOST_CALL_SENT) {
		if (mcp_client_cancel(call->client, call->handle,
		    reason != NULL ? reason : "cancelled by the user") == 0)
			return 0;
	}
	host_call_fail(call, MCP_REQUEST_CANCELLED, "%s",
	    reason != NULL ? reason : "cancelled by the user");
	return 0;
}

unsigned
mcp_host_pending(const struct mcp_host *h)
{
	return h->ncalls;
}

int
mcp_host_answer(struct mcp_host *h, uint64_t id, enum mcp_host_decision d)
{
	struct host_call *call = host_call_find(h, id);

	if (call == NULL || call->phase != HOST_CALL_ASKING)
		return -1;
	host_emit_decision(call, d, true, call->reason);
	if (d == MCP_HOST_DENY) {
		host_call_fail(call, MCP_HOST_DECLINED, "%s/%s: declined; "
		    "nothing was sent", call->s->cfg.name, call->name);
		return 0;
	}
	if ((d == MCP_HOST_SESSION || d == MCP_HOST_ALWAYS) && call->grantable)
		mcp_host_grant_add(h, call->s->cfg.name, call->name, d);
	/* The server may have gone while the user thought. */
	if (call->s->state != MCP_HOST_READY || call->s->client == NULL) {
		call->phase = HOST_CALL_NEW;
		event_active(call->ev, 0, 0);
		return 0;
	}
	host_call_send(call);
	return 0;
}
