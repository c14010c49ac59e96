/*
 * Fetch. One child, one client session, one read per URI; the first
 * failure (the program will not start, the session will not open, a read
 * fails, the child dies, time runs out) ends the whole fetch.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "mcp/client.h"
#include "mcp/json.h"
#include "mcp/stdio.h"

#include "fetch.h"

struct fetch_slot {
	struct calendar_fetch	*f;
	size_t			 i;
};

struct calendar_fetch {
	struct event_base	*base;
	struct mcp_client	*client;
	struct mcp_transport	*t;		/* owned by client */
	struct event		*timer;
	char			*program;	/* its name, for messages */
	char			**uris;
	struct fetch_slot	*slots;
	size_t			 n, got;
	cJSON			*contents;	/* one item per uri (null until read) */
	calendar_fetch_cb	 cb;
	void			*arg;
	int			 done;
};

static void
fetch_finish(struct calendar_fetch *f, const char *error, size_t failed)
{
	if (f->done)
		return;
	f->done = 1;
	evtimer_del(f->timer);
	f->cb(f->arg, error == NULL ? f->contents : NULL, error, failed);
}

/* Fails with why, adding the last line of the child's stderr when any. */
static void
fetch_fail(struct calendar_fetch *f, const char *why, size_t failed)
{
	char	*tail, *line, *msg;
	size_t	 n;

	tail = f->t != NULL ? mcp_stdio_stderr(f->t, &n) : NULL;
	line = NULL;
	if (tail != NULL) {
		while (n > 0 && (tail[n - 1] == '\n' || tail[n - 1] == '\r'))
			tail[--n] = '\0';
		line = strrchr(tail, '\n');
		line = line != NULL ? line + 1 : tail;
		if (*line == '\0')
			line = NULL;
	}
	if (line != NULL)
		msg = mcp_xprintf("%s (%s said: %.200s)", why, f->program, line);
	else
		msg = mcp_xstrdup(why);
	fetch_finish(f, msg, failed);
	free(msg);
	free(tail);
}

static void
fetch_timeout(evutil_socket_t fd, short what, void *arg)
{
	struct calendar_fetch	*f = arg;
	char			 why[256];

	(void)fd;
	(void)what;
	snprintf(why, sizeof why, "%s did not answer in time", f->program);
	fetch_fail(f, why, f->n);
}

static void
fetch_read_cb(void *arg, const struct mcp_response *r)
{
	struct fetch_slot	*s = arg;
	struct calendar_fetch	*f = s->f;
	const cJSON		*contents, *first;
	char			*why;

	if (f->done)
		return;
	if (r->code != 0) {
		why = mcp_xprintf("%s answered: %s", f->program,
		    r->message != NULL ? r->message : "error");
		fetch_fail(f, why, s->i);
		free(why);
		return;
	}
	contents = cJSON_GetObjectItemCaseSensitive(r->result, "contents");
	first = cJSON_IsArray(contents) ? cJSON_GetArrayItem(contents, 0) : NULL;
	if (!cJSON_IsObject(first) ||
	    (!cJSON_IsString(cJSON_GetObjectItem(first, "text")) &&
	    !cJSON_IsString(cJSON_GetObjectItem(first, "blob")))) {
		why = mcp_xprintf("%s returned no contents", f->program);
		fetch_fail(f, why, s->i);
		free(why);
		return;
	}
	cJSON_ReplaceItemInArray(f->contents, (int)s->i,
	    cJSON_Duplicate(first, true));
	if (++f->got == f->n)
		fetch_finish(f, NULL, f->n);
}

static void
fetch_connected(void *arg, const struct mcp_response *r)
{
	struct calendar_fetch	*f = arg;
	char			*why;
	size_t			 i;

	if (f->done)
		return;
	if (r->code != 0) {
		why = mcp_xprintf("cannot start %s: %s", f->program,
		    r->message != NULL ? r->message : "no answer");
		fetch_fail(f, why, f->n);
		free(why);
		return;
	}
	for (i = 0; i < f->n; i++)
		mcp_client_read_resource(f->client, f->uris[i], fetch_read_cb,
		    &f->slots[i]);
}

static void
fetch_closed(void *arg, const char *reason)
{
	struct calendar_fetch	*f = arg;
	char			*why;

	if (f->done)
		return;
	why = mcp_xprintf("%s stopped: %s", f->program, reason != NULL ?
	    reason : "it closed the connection");
	fetch_fail(f, why, f->n);
	free(why);
}

struct calendar_fetch *
calendar_fetch_start(struct event_base *base, char *const argv[],
    const char *const *uris, size_t n, int timeout_ms, calendar_fetch_cb cb,
    void *arg, char *err, size_t errlen)
{
	struct mcp_stdio_spawn_opts	 sp = { NULL, NULL, 8192 };
	struct mcp_client_opts		 co;
	struct calendar_fetch		*f;
	struct mcp_err			 e = { 0, "" };
	struct timeval			 tv;
	const char			*slash;
	size_t				 i;

	f = mcp_xcalloc(1, sizeof *f);
	f->base = base;
	slash = strrchr(argv[0], '/');
	f->program = mcp_xstrdup(slash != NULL ? slash + 1 : argv[0]);
	if ((f->t = mcp_stdio_spawn_ex(base, argv, &sp, NULL, &e)) == NULL) {
		snprintf(err, errlen, "cannot start %s: %s", argv[0], e.msg);
		free(f->program);
		free(f);
		return (NULL);
	}
	f->n = n;
	f->uris = mcp_xcalloc(n, sizeof *f->uris);
	f->slots = mcp_xcalloc(n, sizeof *f->slots);
	f->contents = cJSON_CreateArray();
	for (i = 0; i < n; i++) {
		f->uris[i] = mcp_xstrdup(uris[i]);
		f->slots[i].f = f;
		f->slots[i].i = i;
		cJSON_AddItemToArray(f->contents, cJSON_CreateNull());
	}
	f->cb = cb;
	f->arg = arg;
	memset(&co, 0, sizeof co);
	co.name = "tripmcp-calendar";
	co.timeout_ms = timeout_ms;
	co.max_timeout_ms = timeout_ms;
	co.on_closed = fetch_closed;
	co.arg = f;
	f->client = mcp_client_new(base, f->t, &co);
	f->timer = evtimer_new(base, fetch_timeout, f);
	tv.tv_sec = timeout_ms / 1000;
	tv.tv_usec = (timeout_ms % 1000) * 1000;
	evtimer_add(f->timer, &tv);
	mcp_client_connect(f->client, fetch_connected, f);
	return (f);
}

void
calendar_fetch_free(struct calendar_fetch *f)
{
	size_t	i;

	if (f == NULL)
		return;
	f->done = 1;	/* the client's last callbacks find nothing to do */
	mcp_client_free(f->client);
	event_free(f->timer);
	for (i = 0; i < f->n; i++)
		free(f->uris[i]);
	free(f->uris);
	free(f->slots);
	cJSON_Delete(f->contents);
	free(f->program);
	free(f);
}
