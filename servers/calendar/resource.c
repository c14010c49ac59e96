/*
 * calendar://{calendar}/{period}: what a period holds, as JSON, and who to
 * tell when that changes (see resource.h for the choice of URIs).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mcp/json.h"
#include "mcp/server.h"

#include "event.h"
#include "resource.h"

#define WATCH_MAX	256
#define LISTED_MAX	1000
#define NOTIFY_MONTHS_MAX	24
#define DAY_MINUTES	1440L

struct calendar_listed {
	struct mcp_resource	 r;
	char			*uri, *name, *title, *description;
	char			 calendar[64];
	int			 year, month;
};

struct calendar_watched {
	char	*uri;
	char	*calendar;
	long	 first, last;	/* days since 1970 */
};

/* Reading ----------------------------------------------------------------- */

static int
calendar_row(struct calendar_state *st, const char *id, cJSON *out,
    char *err, size_t errlen)
{
	static const char sql[] = "SELECT title, description FROM calendars "
	    "WHERE id = ?1";
	sqlite3_stmt	*s;
	int		 rc;

	if (sqlite3_prepare_v2(st->app.db, sql, -1, &s, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "calendar database: %s",
		    sqlite3_errmsg(st->app.db));
		return (-1);
	}
	sqlite3_bind_text(s, 1, id, -1, SQLITE_TRANSIENT);
	if ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		mcp_json_add_str(out, "id", id);
		mcp_json_add_str(out, "title",
		    (const char *)sqlite3_column_text(s, 0));
		mcp_json_add_str(out, "description",
		    (const char *)sqlite3_column_text(s, 1));
	} else if (rc != SQLITE_DONE) {
		snprintf(err, errlen, "calendar database: %s",
		    sqlite3_errmsg(st->app.db));
		sqlite3_finalize(s);
		return (-1);
	}
	sqlite3_finalize(s);
	return (rc == SQLITE_ROW);
}

/* Remembers uri as read (calendar, days first..last). */
static void
watch_uri(struct calendar_state *st, const char *uri, const char *calendar,
    const struct common_date *first, const struct common_date *last)
{
	size_t	i;

	for (i = 0; i < st->nwatched; i++) {
		if (strcmp(st->watched[i].uri, uri) == 0)
			return;
	}
	if (st->nwatched == WATCH_MAX) {
		free(st->watched[0].uri);
		free(st->watched[0].calendar);
		memmove(st->watched, st->watched + 1,
		    (WATCH_MAX - 1) * sizeof *st->watched);
		st->nwatched--;
	}
	if (st->watched == NULL)
		st->watched = mcp_xcalloc(WATCH_MAX, sizeof *st->watched);
	st->watched[st->nwatched].uri = mcp_xstrdup(uri);
	st->watched[st->nwatched].calendar = mcp_xstrdup(calendar);
	st->watched[st->nwatched].first = common_date_to_days(first);
	st->watched[st->nwatched].last = common_date_to_days(last);
	st->nwatched++;
}

static void
summary_ranges(char *buf, size_t len, const char *label, const cJSON *ranges)
{
	const cJSON	*r;
	size_t		 n = strlen(buf);
	int		 i = 0;

	n += snprintf(buf + n, n < len ? len - n : 0, "; %s: ", label);
	if (cJSON_GetArraySize(ranges) == 0)
		n += snprintf(buf + n, n < len ? len - n : 0, "none");
	cJSON_ArrayForEach(r, ranges) {
		const char *a = cJSON_GetObjectItem(r, "start")->valuestring;
		const char *b = cJSON_GetObjectItem(r, "end")->valuestring;

		if (i++ == 12) {
			n += snprintf(buf + n, n < len ? len - n : 0, ", ...");
			break;
		}
		if (strcmp(a, b) == 0)
			n += snprintf(buf + n, n < len ? len - n : 0, "%s%s",
			    i > 1 ? ", " : "", a);
		else
			n += snprintf(buf + n, n < len ? len - n : 0,
			    "%s%s..%s", i > 1 ? ", " : "", a, b);
	}
}

cJSON *
calendar_resource_period(struct calendar_state *st, const char *calendar,
    const char *period, int *not_found, char *err, size_t errlen)
{
	struct common_date	 first, last;
	cJSON			*doc, *cal, *p, *events, *fb;
	char			 a[COMMON_DATE_LEN], b[COMMON_DATE_LEN], msg[200];
	char			 summary[1024];
	bool			 more;
	long			 days;
	int			 rc;

	*not_found = 1;
	if (common_date_parse_period(period, &first, &last, msg,
	    sizeof msg) != 0) {
		snprintf(err, errlen, "period: %s", msg);
		return (NULL);
	}
	days = common_date_diff(&first, &last) + 1;
	if (days > CALENDAR_PERIOD_MAX_DAYS) {
		snprintf(err, errlen, "period: %ld days is longer than the %d "
		    "a read may cover; ask for a month or a shorter range", days,
		    CALENDAR_PERIOD_MAX_DAYS);
		return (NULL);
	}
	cal = cJSON_CreateObject();
	if ((rc = calendar_row(st, calendar, cal, err, errlen)) <= 0) {
		if (rc == 0)
			calendar_unknown(st->app.db, "calendar", calendar, err,
			    errlen);
		else
			*not_found = 0;
		cJSON_Delete(cal);
		return (NULL);
	}
	if ((events = calendar_events_between(st->app.db, calendar,
	    common_date_to_days(&first) * DAY_MINUTES,
	    (common_date_to_days(&last) + 1) * DAY_MINUTES, CALENDAR_LIST_MAX,
	    &more, err, errlen)) == NULL) {
		*not_found = 0;
		cJSON_Delete(cal);
		return (NULL);
	}
	doc = cJSON_CreateObject();
	mcp_json_add(doc, "calendar", cal);
	p = cJSON_CreateObject();
	common_date_format(&first, a);
	common_date_format(&last, b);
	mcp_json_add_str(p, "label", period);
	mcp_json_add_str(p, "start", a);
	mcp_json_add_str(p, "end", b);
	mcp_json_add_num(p, "days", (double)days);
	mcp_json_add(doc, "period", p);
	fb = calendar_freebusy(events, &first, &last);
	snprintf(summary, sizeof summary, "%s %s..%s: %d event%s", calendar,
	    a, b, cJSON_GetArraySize(events),
	    cJSON_GetArraySize(events) == 1 ? "" : "s");
	summary_ranges(summary, sizeof summary, "free",
	    cJSON_GetObjectItem(fb, "free"));
	summary_ranges(summary, sizeof summary, "busy",
	    cJSON_GetObjectItem(fb, "busy"));
	mcp_json_add_str(doc, "summary", summary);
	mcp_json_add(doc, "free", cJSON_DetachItemFromObject(fb, "free"));
	mcp_json_add(doc, "busy", cJSON_DetachItemFromObject(fb, "busy"));
	mcp_json_add(doc, "days", cJSON_DetachItemFromObject(fb, "days"));
	mcp_json_add(doc, "events", events);
	mcp_json_add_bool(doc, "truncated", more);
	mcp_json_add_str(doc, "timeZone", "floating (local time, no zone)");
	cJSON_Delete(fb);
	return (doc);
}

/* Splits calendar://C/P into C and P (bufs of len); -1 if not that shape. */
static int
split_uri(const char *uri, char *cal, char *period, size_t len)
{
	const char	*p, *slash;

	if (strncmp(uri, "calendar://", 11) != 0)
		return (-1);
	p = uri + 11;
	if ((slash = strchr(p, '/')) == NULL || (size_t)(slash - p) >= len ||
	    strlen(slash + 1) >= len || strchr(slash + 1, '/') != NULL)
		return (-1);
	memcpy(cal, p, (size_t)(slash - p));
	cal[slash - p] = '\0';
	strcpy(period, slash + 1);
	return (0);
}

static void
resource_read(struct mcp_call *c, const char *uri, const cJSON *vars,
    void *arg)
{
	struct calendar_state	*st = arg;
	const cJSON		*vc = cJSON_GetObjectItemCaseSensitive(vars,
				    "calendar");
	const cJSON		*vp = cJSON_GetObjectItemCaseSensitive(vars,
				    "period");
	char			 cal[128], period[128], err[512];
	struct common_date	 first, last;
	cJSON			*doc;
	char			*text;
	int			 not_found;

	if (cJSON_IsString(vc) && cJSON_IsString(vp) &&
	    strlen(vc->valuestring) < sizeof cal &&
	    strlen(vp->valuestring) < sizeof period) {
		strcpy(cal, vc->valuestring);
		strcpy(period, vp->valuestring);
	} else if (split_uri(uri, cal, period, sizeof cal) != 0) {
		mcp_call_fail(c, MCP_RESOURCE_NOT_FOUND, "%.200s: expected "
		    "calendar://CALENDAR/PERIOD, e.g. "
		    "calendar://my-calendar/June-2024", uri);
		return;
	}
	if ((doc = calendar_resource_period(st, cal, period, &not_found, err,
	    sizeof err)) == NULL) {
		mcp_call_fail(c, not_found ? MCP_RESOURCE_NOT_FOUND :
		    MCP_INTERNAL_ERROR, "%.200s: %s", uri, err);
		return;
	}
	common_date_parse_period(period, &first, &last, err, sizeof err);
	watch_uri(st, uri, cal, &first, &last);
	text = mcp_json_print(doc, NULL);
	cJSON_Delete(doc);
	mcp_call_return_resource_text(c, uri, "application/json", text);
	free(text);
}

/* Completion -------------------------------------------------------------- */

static void
resource_complete(struct mcp_call *c, const char *argument, const char *value,
    const cJSON *context, void *arg)
{
	struct calendar_state	*st = arg;
	const cJSON		*ctx_cal = cJSON_GetObjectItemCaseSensitive(
				    context, "calendar");
	cJSON			*values = cJSON_CreateArray(), *ids, *id;
	size_t			 i, n = strlen(value);

	if (strcmp(argument, "calendar") == 0) {
		ids = calendar_ids(st->app.db);
		cJSON_ArrayForEach(id, ids) {
			if (strncasecmp(id->valuestring, value, n) == 0)
				cJSON_AddItemToArray(values,
				    cJSON_CreateString(id->valuestring));
		}
		cJSON_Delete(ids);
	} else if (strcmp(argument, "period") == 0) {
		/* The months with events, of the calendar chosen if any. */
		for (i = 0; i < st->nlisted; i++) {
			const struct calendar_listed *l = st->listed[i];
			const char *p = strrchr(l->uri, '/') + 1;
			const cJSON *v;
			bool dup = false;

			if (cJSON_IsString(ctx_cal) &&
			    strcmp(ctx_cal->valuestring, l->calendar) != 0)
				continue;
			if (strncasecmp(p, value, n) != 0)
				continue;
			cJSON_ArrayForEach(v, values)
				dup = dup || strcmp(v->valuestring, p) == 0;
			if (!dup)
				cJSON_AddItemToArray(values,
				    cJSON_CreateString(p));
		}
	}
	mcp_call_return_completion(c, values, false);
}

const struct mcp_resource_template calendar_resource_template = {
	.uri_template = "calendar://{calendar}/{period}",
	.name = "calendar-period",
	.title = "Calendar period",
	.description = "A calendar's events and free/busy days over a period: "
	    "a month (June-2024 or 2024-06), a day (2024-06-15) or a range "
	    "(2024-06-15..2024-06-22). JSON with events, days, free and busy "
	    "ranges.",
	.mime_type = "application/json",
	.handler = resource_read,
	.complete = resource_complete,
};

/* Listing ----------------------------------------------------------------- */

/* Lists calendar://calendar/Month-YYYY unless it is listed already. */
static void
list_month(struct calendar_state *st, const char *calendar, const char *title,
    int year, int month)
{
	struct calendar_listed	*l;
	struct mcp_err		 e = { 0, "" };
	size_t			 i;

	if (year < 1 || year > 9999 || month < 1 || month > 12 ||
	    strlen(calendar) >= sizeof l->calendar)
		return;
	for (i = 0; i < st->nlisted; i++) {
		if (st->listed[i]->year == year && st->listed[i]->month ==
		    month && strcmp(st->listed[i]->calendar, calendar) == 0)
			return;
	}
	if (st->nlisted >= LISTED_MAX)
		return;
	l = mcp_xcalloc(1, sizeof *l);
	strcpy(l->calendar, calendar);
	l->year = year;
	l->month = month;
	l->uri = mcp_xprintf("calendar://%s/%s-%04d", calendar,
	    common_date_month_name(month), year);
	l->name = mcp_xprintf("%s/%s-%04d", calendar,
	    common_date_month_name(month), year);
	l->title = mcp_xprintf("%s, %s %d", title != NULL ? title : calendar,
	    common_date_month_name(month), year);
	l->description = mcp_xprintf("Events and free/busy days of %s in %s "
	    "%d", calendar, common_date_month_name(month), year);
	l->r.uri = l->uri;
	l->r.name = l->name;
	l->r.title = l->title;
	l->r.description = l->description;
	l->r.mime_type = "application/json";
	l->r.handler = resource_read;
	if (mcp_server_add_resource(st->app.server, &l->r, st, &e) != 0) {
		free(l->uri);
		free(l->name);
		free(l->title);
		free(l->description);
		free(l);
		return;
	}
	st->listed = mcp_xrealloc(st->listed, (st->nlisted + 1) *
	    sizeof *st->listed);
	st->listed[st->nlisted++] = l;
}

int
calendar_resource_setup(struct calendar_state *st, char *err, size_t errlen)
{
	static const char sql[] = "SELECT c.id, c.title, m.ym FROM calendars c "
	    "LEFT JOIN (SELECT calendar, substr(start_date, 1, 7) AS ym "
	    "FROM events UNION SELECT calendar, substr(end_date, 1, 7) "
	    "FROM events) m ON m.calendar = c.id ORDER BY c.id, m.ym";
	struct mcp_err		 e = { 0, "" };
	struct common_date	 today;
	sqlite3_stmt		*s;
	const char		*ym;
	int			 y, m;

	if (mcp_server_add_template(st->app.server, &calendar_resource_template,
	    st, &e) != 0) {
		snprintf(err, errlen, "calendar resources: %s", e.msg);
		return (-1);
	}
	if (common_date_today(&today, err, errlen) != 0)
		return (-1);
	if (sqlite3_prepare_v2(st->app.db, sql, -1, &s, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "calendar database: %s",
		    sqlite3_errmsg(st->app.db));
		return (-1);
	}
	while (sqlite3_step(s) == SQLITE_ROW) {
		const char *id = (const char *)sqlite3_column_text(s, 0);
		const char *title = (const char *)sqlite3_column_text(s, 1);

		if ((ym = (const char *)sqlite3_column_text(s, 2)) != NULL &&
		    sscanf(ym, "%4d-%2d", &y, &m) == 2)
			list_month(st, id, title, y, m);
		list_month(st, id, title, today.year, today.month);
	}
	sqlite3_finalize(s);
	return (0);
}

void
calendar_resource_free(struct calendar_state *st)
{
	size_t	i;

	for (i = 0; i < st->nlisted; i++) {
		free(st->listed[i]->uri);
		free(st->listed[i]->name);
		free(st->listed[i]->title);
		free(st->listed[i]->description);
		free(st->listed[i]);
	}
	free(st->listed);
	st->listed = NULL;
	st->nlisted = 0;
	for (i = 0; i < st->nwatched; i++) {
		free(st->watched[i].uri);
		free(st->watched[i].calendar);
	}
	free(st->watched);
	st->watched = NULL;
	st->nwatched = 0;
}

/* Changes ----------------------------------------------------------------- */

void
calendar_resource_changed(struct calendar_state *st, const char *calendar,
    long from, long to)
{
	struct common_date	 a, b;
	char			*sent[2 * NOTIFY_MONTHS_MAX];
	size_t			 nsent = 0, i, j;
	long			 first = calendar_minutes_day(from),
				 last = calendar_minutes_day(to - 1);
	int			 y, m, k;
	bool			 dup;

	common_date_from_days(first, &a);
	common_date_from_days(last, &b);
	list_month(st, calendar, NULL, a.year, a.month);
	list_month(st, calendar, NULL, b.year, b.month);
	y = a.year;
	m = a.month;
	for (k = 0; k < NOTIFY_MONTHS_MAX && (y < b.year ||
	    (y == b.year && m <= b.month)); k++) {
		sent[nsent++] = mcp_xprintf("calendar://%s/%s-%04d", calendar,
		    common_date_month_name(m), y);
		sent[nsent++] = mcp_xprintf("calendar://%s/%04d-%02d", calendar,
		    y, m);
		if (++m == 13) {
			m = 1;
			y++;
		}
	}
	for (i = 0; i < nsent; i++)
		mcp_server_resource_updated(st->app.server, sent[i]);
	for (i = 0; i < st->nwatched; i++) {
		const struct calendar_watched *w = &st->watched[i];

		if (strcmp(w->calendar, calendar) != 0 || w->first > last ||
		    w->last < first)
			continue;
		dup = false;
		for (j = 0; j < nsent; j++)
			dup = dup || strcmp(sent[j], w->uri) == 0;
		if (!dup)
			mcp_server_resource_updated(st->app.server, w->uri);
	}
	for (i = 0; i < nsent; i++)
		free(sent[i]);
}
