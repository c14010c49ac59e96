/*
 * What host-test and host-fault-test share (a header of static functions, as
 * each test is one program): a host on a fresh loop from configuration
 * text, an approver that records what it was shown and answers as told, the
 * event stream kept as text, and calls that wait for their answer.
 */
#ifndef TESTS_MCP_HOSTUTIL_H
#define TESTS_MCP_HOSTUTIL_H

#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "mcp/config.h"
#include "mcp/host.h"
#include "mcp/json.h"
#include "tests/mcp/testutil.h"

#define HOSTUTIL_MAX_RESULTS	256

struct hostutil {
	struct event_base *base;
	struct mcp_host *h;
	struct mcp_config *cfg;
	struct testutil_log log;

	/* The approver: answer (-1 keeps the question) and what it saw. */
	int answer;
	int asked;
	uint64_t ask_call;
	char ask_server[64];
	char ask_tool[64];
	char ask_args[4096];
	char ask_reason[400];
	bool ask_grantable;

	/* The event stream, a line each, and counts. */
	char events[65536];
	size_t events_len;
	int states, catalogs, starts, ends, progress, logs, updates, decisions;
	int in_flight, max_in_flight;

	cJSON *results[HOSTUTIL_MAX_RESULTS];
	int nresults;
};

struct hostutil_box {
	struct hostutil *f;
	bool done;
	int code;
	char msg[512];
	char text[4096];	/* the first text content, or "" */
	bool is_error;
	cJSON *result;		/* kept by the hostutil */
};

static inline char *
hostutil_program(const char *name)
{
	char exe[PATH_MAX], *slash;
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);

	if (n <= 0)
		abort();
	exe[n] = '\0';
	/* build/tests/x -> build/NAME; build/asan/tests/x likewise. */
	if ((slash = strrchr(exe, '/')) == NULL)
		abort();
	*slash = '\0';
	if ((slash = strrchr(exe, '/')) == NULL)
		abort();
	*slash = '\0';
	return mcp_xprintf("%s/%s", exe, name);
}

static inline void
hostutil_append(struct hostutil *f, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static inline void
hostutil_append(struct hostutil *f, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (f->events_len >= sizeof f->events - 1)
		return;
	va_start(ap, fmt);
	n = vsnprintf(f->events + f->events_len,
	    sizeof f->events - f->events_len, fmt, ap);
	va_end(ap);
	if (n > 0)
		f->events_len += (size_t)n;
	if (f->events_len > sizeof f->events - 1)
		f->events_len = sizeof f->events - 1;
}

static inline void
hostutil_on_event(void *arg, const struct mcp_host_event *ev)
{
	struct hostutil *f = arg;
	char *data;

	switch (ev->kind) {
	case MCP_HOST_EV_STATE:
		f->states++;
		hostutil_append(f, "state %s %s%s%s\n", ev->server,
		    mcp_host_state_name(ev->state), ev->reason != NULL ?
		    ": " : "", ev->reason != NULL ? ev->reason : "");
		break;
	case MCP_HOST_EV_CATALOG:
		f->catalogs++;
		hostutil_append(f, "catalog %s\n", ev->server);
		break;
	case MCP_HOST_EV_CALL_START:
		f->starts++;
		if (++f->in_flight > f->max_in_flight)
			f->max_in_flight = f->in_flight;
		hostutil_append(f, "start %s/%s %s\n", ev->server, ev->tool,
		    ev->arguments != NULL ? ev->arguments : "");
		break;
	case MCP_HOST_EV_PROGRESS:
		f->progress++;
		hostutil_append(f, "progress %s/%s %g/%g\n", ev->server,
		    ev->tool, ev->progress, ev->total);
		break;
	case MCP_HOST_EV_CALL_END:
		f->ends++;
		if (f->in_flight > 0)
			f->in_flight--;
		if (ev->code != 0)
			hostutil_append(f, "end %s/%s error %d: %s\n",
			    ev->server != NULL ? ev->server : "-", ev->tool,
			    ev->code, ev->error);
		else
			hostutil_append(f, "end %s/%s %s %s\n", ev->server,
			    ev->tool, ev->is_error ? "tool-error" : "ok",
			    ev->summary);
		break;
	case MCP_HOST_EV_LOG:
		f->logs++;
		data = ev->data != NULL ? mcp_json_print(ev->data, NULL) :
		    mcp_xstrdup("null");
		hostutil_append(f, "log %s %s %s\n", ev->server,
		    mcp_log_level_name(ev->level), data);
		free(data);
		break;
	case MCP_HOST_EV_DECISION:
		f->decisions++;
		hostutil_append(f, "decision %s/%s %s %s: %s\n", ev->server,
		    ev->tool, ev->asked ? "asked" : "policy",
		    ev->decision == MCP_HOST_DENY ? "deny" :
		    ev->decision == MCP_HOST_ONCE ? "once" :
		    ev->decision == MCP_HOST_SESSION ? "session" : "always",
		    ev->reason);
		break;
	case MCP_HOST_EV_UPDATED:
		f->updates++;
		hostutil_append(f, "updated %s %s\n", ev->server, ev->uri);
		break;
	}
}

static inline void
hostutil_approve(void *arg, const struct mcp_host_request *r)
{
	struct hostutil *f = arg;

	f->asked++;
	f->ask_call = r->call;
	snprintf(f->ask_server, sizeof f->ask_server, "%s", r->server);
	snprintf(f->ask_tool, sizeof f->ask_tool, "%s", r->tool);
	snprintf(f->ask_args, sizeof f->ask_args, "%s", r->arguments);
	snprintf(f->ask_reason, sizeof f->ask_reason, "%s", r->reason);
	f->ask_grantable = r->grantable;
	if (f->answer >= 0)
		mcp_host_answer(f->h, r->call, (enum mcp_host_decision)f->answer);
}

/* A host on a fresh loop running cfg_text; aborts on a bad config. */
static inline void
hostutil_start_opts(struct hostutil *f, const char *cfg_text,
    const char *const *always_ask, bool approver,
    const struct mcp_host_opts *extra)
{
	struct mcp_host_opts o = { 0 };
	struct mcp_err err = { 0, "" };

	memset(f, 0, sizeof *f);
	f->answer = MCP_HOST_DENY;
	f->base = event_base_new();
	f->cfg = mcp_config_parse(cfg_text, strlen(cfg_text), "test.json",
	    NULL, &err);
	if (f->cfg == NULL) {
		fprintf(stderr, "hostutil: %s\n", err.msg);
		abort();
	}
	if (extra != NULL)
		o = *extra;
	o.log = NULL;
	o.on_event = hostutil_on_event;
	o.approve = approver ? hostutil_approve : NULL;
	o.arg = f;
	o.always_ask = always_ask;
	{
		static struct mcp_log quiet;

		quiet.fn = testutil_log_fn;
		quiet.arg = &f->log;
		quiet.level = MCP_LOG_DEBUG;
		o.log = &quiet;
		/* The static is rewritten per fixture; one host at a time. */
	}
	f->h = mcp_host_new(f->base, &o);
	if (mcp_host_add_config(f->h, f->cfg, &err) != 0) {
		fprintf(stderr, "hostutil: %s\n", err.msg);
		abort();
	}
}

static inline void
hostutil_start(struct hostutil *f, const char *cfg_text,
    const char *const *always_ask)
{
	hostutil_start_opts(f, cfg_text, always_ask, true, NULL);
}

static inline void
hostutil_stop(struct hostutil *f)
{
	int i;

	mcp_host_free(f->h);
	mcp_config_free(f->cfg);
	event_base_free(f->base);
	for (i = 0; i < f->nresults; i++)
		cJSON_Delete(f->results[i]);
}

static inline int
hostutil_state(struct hostutil *f, const char *name)
{
	struct mcp_host_server_info info;

	if (mcp_host_server_find(f->h, name, &info) != 0)
		return -1;
	return (int)info.state;
}

static inline void
hostutil_box_cb(void *arg, const struct mcp_response *r)
{
	struct hostutil_box *b = arg;
	const char *text;

	b->done = true;
	b->code = r->code;
	if (r->code != 0) {
		snprintf(b->msg, sizeof b->msg, "%s",
		    r->message != NULL ? r->message : "");
		return;
	}
	b->result = cJSON_Duplicate(r->result, 1);
	if (b->f->nresults < HOSTUTIL_MAX_RESULTS)
		b->f->results[b->f->nresults++] = b->result;
	else
		abort();
	text = testutil_json_str(r->result, "content[0].text");
	snprintf(b->text, sizeof b->text, "%s", text != NULL ? text : "");
	b->is_error = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(r->result,
	    "isError"));
}

static inline bool
hostutil_box_done(void *arg)
{
	return ((struct hostutil_box *)arg)->done;
}

static inline cJSON *
hostutil_parse(const char *json)
{
	return json != NULL ? mcp_json_parse_const(json) : NULL;
}

static inline void
hostutil_box_init(struct hostutil *f, struct hostutil_box *b)
{
	memset(b, 0, sizeof *b);
	b->f = f;
}

/* Start a tool call; its id. */
static inline uint64_t
hostutil_call_start(struct hostutil *f, const char *tool, const char *args,
    struct hostutil_box *b)
{
	hostutil_box_init(f, b);
	return mcp_host_call_tool(f->h, tool, hostutil_parse(args), NULL,
	    hostutil_box_cb, b);
}

static inline bool
hostutil_wait(struct hostutil *f, struct hostutil_box *b, int ms)
{
	return testutil_loop_until(f->base, hostutil_box_done, b, ms);
}

static inline bool
hostutil_call(struct hostutil *f, const char *tool, const char *args,
    struct hostutil_box *b, int ms)
{
	hostutil_call_start(f, tool, args, b);
	return hostutil_wait(f, b, ms);
}

static inline bool
hostutil_read(struct hostutil *f, const char *uri, struct hostutil_box *b,
    int ms)
{
	hostutil_box_init(f, b);
	mcp_host_read_resource(f->h, uri, hostutil_box_cb, b);
	return hostutil_wait(f, b, ms);
}

static inline bool
hostutil_subscribe(struct hostutil *f, const char *uri, struct hostutil_box *b,
    int ms)
{
	hostutil_box_init(f, b);
	mcp_host_subscribe(f->h, uri, hostutil_box_cb, b);
	return hostutil_wait(f, b, ms);
}

static inline bool
hostutil_prompt(struct hostutil *f, const char *name, const char *args,
    struct hostutil_box *b, int ms)
{
	hostutil_box_init(f, b);
	mcp_host_get_prompt(f->h, name, hostutil_parse(args), hostutil_box_cb,
	    b);
	return hostutil_wait(f, b, ms);
}

#endif
