/*
 * Events. Everything reasons in minutes since 1970 over floating local
 * time: an all-day event covers its days from midnight to midnight, so one
 * overlap test serves all-day and timed events alike.
 */
#include <sys/random.h>

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mcp/json.h"

#include "event.h"

#define DAY_MINUTES	1440L
#define REMINDER_MAX_MINUTES	(52L * 7 * DAY_MINUTES)

static const char *const weekdays[7] = {
	"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday",
	"Sunday"
};

/* Moments ----------------------------------------------------------------- */

static int
two_digits(const char *s, int *out)
{
	if (!isdigit((unsigned char)s[0]) || !isdigit((unsigned char)s[1]))
		return (-1);
	*out = (s[0] - '0') * 10 + (s[1] - '0');
	return (0);
}

int
calendar_moment_parse(const char *text, const char *field,
    struct calendar_moment *out, char *err, size_t errlen)
{
	struct common_date	d;
	char			date[COMMON_DATE_LEN], msg[160];
	size_t			n = strlen(text);
	int			h, m, s = 0;

	if (n < 10) {
		snprintf(err, errlen, "%s: expected a date YYYY-MM-DD or a "
		    "local time YYYY-MM-DDTHH:MM, e.g. 2024-06-15 or "
		    "2024-06-15T09:30", field);
		return (-1);
	}
	memcpy(date, text, 10);
	date[10] = '\0';
	if (common_date_parse(date, &d, msg, sizeof msg) != 0) {
		snprintf(err, errlen, "%s: %s", field, msg);
		return (-1);
	}
	if (n == 10) {
		out->date = d;
		out->minute = -1;
		return (0);
	}
	if ((n != 16 && n != 19) || (text[10] != 'T' && text[10] != ' ') ||
	    two_digits(text + 11, &h) != 0 || text[13] != ':' ||
	    two_digits(text + 14, &m) != 0 ||
	    (n == 19 && (text[16] != ':' || two_digits(text + 17, &s) != 0)) ||
	    h > 23 || m > 59 || s > 59) {
		snprintf(err, errlen, "%s: expected a date YYYY-MM-DD or a "
		    "local time YYYY-MM-DDTHH:MM (24-hour, no time zone), e.g. "
		    "2024-06-15 or 2024-06-15T09:30", field);
		return (-1);
	}
	out->date = d;
	out->minute = h * 60 + m;
	return (0);
}

void
calendar_moment_format(const struct calendar_moment *m, char *buf)
{
	int	h, mm;

	common_date_format(&m->date, buf);
	if (m->minute >= 0 && m->minute < 1440) {
		h = m->minute / 60;
		mm = m->minute % 60;
		buf[10] = 'T';
		buf[11] = (char)('0' + h / 10);
		buf[12] = (char)('0' + h % 10);
		buf[13] = ':';
		buf[14] = (char)('0' + mm / 10);
		buf[15] = (char)('0' + mm % 10);
		buf[16] = '\0';
	}
}

long
calendar_moment_start(const struct calendar_moment *m)
{
	return (common_date_to_days(&m->date) * DAY_MINUTES +
	    (m->minute >= 0 ? m->minute : 0));
}

long
calendar_moment_end(const struct calendar_moment *m)
{
	if (m->minute < 0)
		return ((common_date_to_days(&m->date) + 1) * DAY_MINUTES);
	return (common_date_to_days(&m->date) * DAY_MINUTES + m->minute);
}

long
calendar_minutes_day(long t)
{
	return (t >= 0 ? t / DAY_MINUTES :
	    -((-t + DAY_MINUTES - 1) / DAY_MINUTES));
}

/* Formats minutes since 1970 as YYYY-MM-DDTHH:MM. */
static void
minutes_format(long t, char *buf)
{
	struct calendar_moment	m;
	long			days = calendar_minutes_day(t);

	common_date_from_days(days, &m.date);
	m.minute = (int)(t - days * DAY_MINUTES);
	calendar_moment_format(&m, buf);
}

/* Reminders --------------------------------------------------------------- */

static const struct {
	const char	*name;
	long		 minutes;
} reminder_units[] = {
	{ "minute", 1 }, { "minutes", 1 }, { "min", 1 }, { "mins", 1 },
	{ "hour", 60 }, { "hours", 60 }, { "h", 60 },
	{ "day", DAY_MINUTES }, { "days", DAY_MINUTES },
	{ "week", 7 * DAY_MINUTES }, { "weeks", 7 * DAY_MINUTES },
};

int
calendar_reminder_parse(const char *text, const char *field, long *minutes,
    char *err, size_t errlen)
{
	char		 word[16], before[16], extra;
	const char	*p = text;
	char		*end;
	long		 n;
	size_t		 i;

	while (*p == ' ')
		p++;
	if (strcasecmp(p, "at start") == 0 || strcasecmp(p, "at time of event")
	    == 0) {
		*minutes = 0;
		return (0);
	}
	if (strlen(p) < 64 && isdigit((unsigned char)*p)) {
		errno = 0;
		n = strtol(p, &end, 10);
		if (errno == 0 && n >= 0 && n <= REMINDER_MAX_MINUTES &&
		    sscanf(end, " %15s %15s %c", word, before, &extra) == 2 &&
		    strcasecmp(before, "before") == 0) {
			for (i = 0; i < sizeof reminder_units /
			    sizeof reminder_units[0]; i++) {
				if (strcasecmp(word, reminder_units[i].name) != 0)
					continue;
				if (n * reminder_units[i].minutes >
				    REMINDER_MAX_MINUTES)
					break;
				*minutes = n * reminder_units[i].minutes;
				return (0);
			}
		}
	}
	snprintf(err, errlen, "%s: expected \"N minutes|hours|days|weeks "
	    "before\" (at most 52 weeks) or \"at start\", e.g. \"1 week before\"",
	    field);
	return (-1);
}

cJSON *
calendar_reminders_check(const cJSON *reminders, char *err, size_t errlen)
{
	const cJSON	*r, *type, *time;
	cJSON		*out, *o;
	char		 field[64];
	long		 minutes;
	int		 i = 0;

	out = cJSON_CreateArray();
	if (reminders == NULL)
		return (out);
	if (!cJSON_IsArray(reminders)) {
		snprintf(err, errlen, "reminders: expected an array of "
		    "{\"type\": \"notification\", \"time\": \"1 week before\"}");
		goto fail;
	}
	if (cJSON_GetArraySize(reminders) > CALENDAR_REMINDERS_MAX) {
		snprintf(err, errlen, "reminders: at most %d reminders, got %d; "
		    "keep the ones that matter", CALENDAR_REMINDERS_MAX,
		    cJSON_GetArraySize(reminders));
		goto fail;
	}
	cJSON_ArrayForEach(r, reminders) {
		type = cJSON_GetObjectItemCaseSensitive(r, "type");
		time = cJSON_GetObjectItemCaseSensitive(r, "time");
		if (!cJSON_IsObject(r)) {
			snprintf(err, errlen, "reminders[%d]: expected an object "
			    "{\"type\": \"notification\", \"time\": \"1 week "
			    "before\"}", i);
			goto fail;
		}
		if (type != NULL && (!cJSON_IsString(type) ||
		    (strcmp(type->valuestring, "notification") != 0 &&
		    strcmp(type->valuestring, "email") != 0))) {
			snprintf(err, errlen, "reminders[%d].type: expected "
			    "\"notification\" or \"email\"", i);
			goto fail;
		}
		if (!cJSON_IsString(time)) {
			snprintf(err, errlen, "reminders[%d].time: expected a "
			    "string such as \"1 week before\"", i);
			goto fail;
		}
		snprintf(field, sizeof field, "reminders[%d].time", i);
		if (calendar_reminder_parse(time->valuestring, field, &minutes,
		    err, errlen) != 0)
			goto fail;
		o = cJSON_CreateObject();
		mcp_json_add_str(o, "type", type != NULL ? type->valuestring :
		    "notification");
		mcp_json_add_str(o, "time", time->valuestring);
		mcp_json_add_num(o, "minutesBefore", (double)minutes);
		cJSON_AddItemToArray(out, o);
		i++;
	}
	return (out);
fail:
	cJSON_Delete(out);
	return (NULL);
}

/* Calendars --------------------------------------------------------------- */

int
calendar_exists(sqlite3 *db, const char *id, char *err, size_t errlen)
{
	static const char sql[] = "SELECT 1 FROM calendars WHERE id = ?1";
	sqlite3_stmt	*st;
	int		 rc;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "calendar database: %s", sqlite3_errmsg(db));
		return (-1);
	}
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		snprintf(err, errlen, "calendar database: %s", sqlite3_errmsg(db));
		return (-1);
	}
	return (rc == SQLITE_ROW);
}

cJSON *
calendar_ids(sqlite3 *db)
{
	static const char sql[] = "SELECT id FROM calendars ORDER BY id";
	sqlite3_stmt	*st;
	cJSON		*ids = cJSON_CreateArray();

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return (ids);
	while (sqlite3_step(st) == SQLITE_ROW)
		cJSON_AddItemToArray(ids, cJSON_CreateString(
		    (const char *)sqlite3_column_text(st, 0)));
	sqlite3_finalize(st);
	return (ids);
}

void
calendar_unknown(sqlite3 *db, const char *field, const char *id, char *err,
    size_t errlen)
{
	cJSON		*ids = calendar_ids(db), *i;
	char		 known[256] = "", q[48];
	size_t		 n, k;

	cJSON_ArrayForEach(i, ids) {
		n = strlen(known);
		snprintf(known + n, sizeof known - n, "%s%s", n ? ", " : "",
		    i->valuestring);
	}
	cJSON_Delete(ids);
	/* Echo a short, printable part of what was asked for. */
	for (k = 0; id[k] != '\0' && k < sizeof q - 4; k++)
		q[k] = isprint((unsigned char)id[k]) && id[k] != '"' ? id[k] : '?';
	if (id[k] != '\0')
		memcpy(q + k, "...", 4);
	else
		q[k] = '\0';
	snprintf(err, errlen, "%s: no calendar \"%s\"; known calendars: %s",
	    field, q, known[0] ? known : "none");
}

/* Events ------------------------------------------------------------------ */

#define EVENT_COLUMNS "uid, calendar, title, description, location, " \
	"start_date, start_minute, end_date, end_minute"

static cJSON *
event_reminders(sqlite3 *db, const char *uid, long start, char *err,
    size_t errlen)
{
	static const char sql[] = "SELECT type, time, minutes_before "
	    "FROM reminders WHERE event_uid = ?1 ORDER BY position";
	sqlite3_stmt	*st;
	cJSON		*out = cJSON_CreateArray(), *o;
	char		 at[CALENDAR_MOMENT_LEN];
	long		 before;
	int		 rc;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "calendar database: %s", sqlite3_errmsg(db));
		cJSON_Delete(out);
		return (NULL);
	}
	sqlite3_bind_text(st, 1, uid, -1, SQLITE_TRANSIENT);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		o = cJSON_CreateObject();
		before = (long)sqlite3_column_int64(st, 2);
		mcp_json_add_str(o, "type",
		    (const char *)sqlite3_column_text(st, 0));
		mcp_json_add_str(o, "time",
		    (const char *)sqlite3_column_text(st, 1));
		mcp_json_add_num(o, "minutesBefore", (double)before);
		minutes_format(start - before, at);
		mcp_json_add_str(o, "at", at);
		cJSON_AddItemToArray(out, o);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		snprintf(err, errlen, "calendar database: %s", sqlite3_errmsg(db));
		cJSON_Delete(out);
		return (NULL);
	}
	return (out);
}

/* One row (EVENT_COLUMNS) as JSON; *from and *to get its minutes. */
static cJSON *
event_row(sqlite3 *db, sqlite3_stmt *st, long *from, long *to, char *err,
    size_t errlen)
{
	struct calendar_moment	 s, e;
	char			 buf[CALENDAR_MOMENT_LEN], msg[128];
	const char		*loc;
	cJSON			*o, *rem;

	if (common_date_parse((const char *)sqlite3_column_text(st, 5), &s.date,
	    msg, sizeof msg) != 0 ||
	    common_date_parse((const char *)sqlite3_column_text(st, 7), &e.date,
	    msg, sizeof msg) != 0) {
		snprintf(err, errlen, "calendar database: event %s has a bad "
		    "date: %s", sqlite3_column_text(st, 0), msg);
		return (NULL);
	}
	s.minute = sqlite3_column_type(st, 6) == SQLITE_NULL ? -1 :
	    sqlite3_column_int(st, 6);
	e.minute = sqlite3_column_type(st, 8) == SQLITE_NULL ? -1 :
	    sqlite3_column_int(st, 8);
	*from = calendar_moment_start(&s);
	*to = calendar_moment_end(&e);
	o = cJSON_CreateObject();
	mcp_json_add_str(o, "uid", (const char *)sqlite3_column_text(st, 0));
	mcp_json_add_str(o, "calendar", (const char *)sqlite3_column_text(st, 1));
	mcp_json_add_str(o, "title", (const char *)sqlite3_column_text(st, 2));
	mcp_json_add_str(o, "description",
	    (const char *)sqlite3_column_text(st, 3));
	if ((loc = (const char *)sqlite3_column_text(st, 4)) != NULL)
		mcp_json_add_str(o, "location", loc);
	mcp_json_add_bool(o, "allDay", s.minute < 0);
	calendar_moment_format(&s, buf);
	mcp_json_add_str(o, "start", buf);
	calendar_moment_format(&e, buf);
	mcp_json_add_str(o, "end", buf);
	if ((rem = event_reminders(db, (const char *)sqlite3_column_text(st, 0),
	    *from, err, errlen)) == NULL) {
		cJSON_Delete(o);
		return (NULL);
	}
	mcp_json_add(o, "reminders", rem);
	return (o);
}

cJSON *
calendar_events_between(sqlite3 *db, const char *calendar, long from, long to,
    int limit, bool *more, char *err, size_t errlen)
{
	static const char sql[] = "SELECT " EVENT_COLUMNS " FROM events "
	    "WHERE calendar = ?1 AND start_date <= ?2 AND end_date >= ?3 "
	    "ORDER BY start_date, coalesce(start_minute, -1), uid";
	struct calendar_moment	 a, b;
	sqlite3_stmt		*st;
	cJSON			*out, *o;
	char			 first[CALENDAR_MOMENT_LEN],
				 last[CALENDAR_MOMENT_LEN];
	long			 f, t;
	int			 rc;

	if (more != NULL)
		*more = false;
	/* The days touched by [from, to), for the index; then exact minutes. */
	common_date_from_days(calendar_minutes_day(from), &a.date);
	common_date_from_days(calendar_minutes_day(to - 1), &b.date);
	a.minute = b.minute = -1;
	calendar_moment_format(&a, first);
	calendar_moment_format(&b, last);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "calendar database: %s", sqlite3_errmsg(db));
		return (NULL);
	}
	sqlite3_bind_text(st, 1, calendar, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, last, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, first, -1, SQLITE_TRANSIENT);
	out = cJSON_CreateArray();
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((o = event_row(db, st, &f, &t, err, errlen)) == NULL)
			goto fail;
		if (!(f < to && from < t)) {
			cJSON_Delete(o);
			continue;
		}
		if (cJSON_GetArraySize(out) >= limit) {
			cJSON_Delete(o);
			if (more != NULL)
				*more = true;
			break;
		}
		cJSON_AddItemToArray(out, o);
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		snprintf(err, errlen, "calendar database: %s", sqlite3_errmsg(db));
		goto fail;
	}
	sqlite3_finalize(st);
	return (out);
fail:
	sqlite3_finalize(st);
	cJSON_Delete(out);
	return (NULL);
}

cJSON *
calendar_event_get(sqlite3 *db, const char *calendar, const char *uid,
    char *err, size_t errlen)
{
	static const char sql[] = "SELECT " EVENT_COLUMNS " FROM events "
	    "WHERE calendar = ?1 AND uid = ?2";
	sqlite3_stmt	*st;
	cJSON		*o = NULL;
	long		 f, t;
	int		 rc;

	err[0] = '\0';
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "calendar database: %s", sqlite3_errmsg(db));
		return (NULL);
	}
	sqlite3_bind_text(st, 1, calendar, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, uid, -1, SQLITE_TRANSIENT);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		o = event_row(db, st, &f, &t, err, errlen);
	else if (rc != SQLITE_DONE)
		snprintf(err, errlen, "calendar database: %s", sqlite3_errmsg(db));
	sqlite3_finalize(st);
	return (o);
}

int
calendar_event_span(const cJSON *event, long *from, long *to)
{
	const cJSON		*s = cJSON_GetObjectItemCaseSensitive(event, "start");
	const cJSON		*e = cJSON_GetObjectItemCaseSensitive(event, "end");
	struct calendar_moment	 a, b;
	char			 err[128];

	if (!cJSON_IsString(s) || !cJSON_IsString(e) ||
	    calendar_moment_parse(s->valuestring, "start", &a, err,
	    sizeof err) != 0 ||
	    calendar_moment_parse(e->valuestring, "end", &b, err,
	    sizeof err) != 0)
		return (-1);
	*from = calendar_moment_start(&a);
	*to = calendar_moment_end(&b);
	return (0);
}

/* Free/busy --------------------------------------------------------------- */

static void
range_add(cJSON *ranges, long first, long last)
{
	struct common_date	d;
	char			buf[COMMON_DATE_LEN];
	cJSON			*r = cJSON_CreateObject();

	common_date_from_days(first, &d);
	common_date_format(&d, buf);
	mcp_json_add_str(r, "start", buf);
	common_date_from_days(last, &d);
	common_date_format(&d, buf);
	mcp_json_add_str(r, "end", buf);
	mcp_json_add_num(r, "days", (double)(last - first + 1));
	cJSON_AddItemToArray(ranges, r);
}

cJSON *
calendar_freebusy(const cJSON *events, const struct common_date *first,
    const struct common_date *last)
{
	cJSON		*out = cJSON_CreateObject(), *days = cJSON_CreateArray();
	cJSON		*free_r = cJSON_CreateArray(), *busy_r = cJSON_CreateArray();
	cJSON		*day, *titles;
	const cJSON	*ev;
	struct common_date d;
	char		 buf[COMMON_DATE_LEN];
	long		 a = common_date_to_days(first), b = common_date_to_days(last);
	long		 n, f, t, run_start = a;
	int		 busy, run_busy = -1;

	for (n = a; n <= b; n++) {
		titles = cJSON_CreateArray();
		cJSON_ArrayForEach(ev, events) {
			if (calendar_event_span(ev, &f, &t) == 0 &&
			    f < (n + 1) * DAY_MINUTES && n * DAY_MINUTES < t)
				cJSON_AddItemToArray(titles, cJSON_CreateString(
				    cJSON_GetObjectItemCaseSensitive(ev,
				    "title")->valuestring));
		}
		busy = cJSON_GetArraySize(titles) > 0;
		common_date_from_days(n, &d);
		common_date_format(&d, buf);
		day = cJSON_CreateObject();
		mcp_json_add_str(day, "date", buf);
		mcp_json_add_str(day, "weekday", weekdays[common_date_weekday(&d)]);
		mcp_json_add_str(day, "status", busy ? "busy" : "free");
		mcp_json_add(day, "events", titles);
		cJSON_AddItemToArray(days, day);
		if (busy != run_busy) {
			if (run_busy >= 0)
				range_add(run_busy ? busy_r : free_r, run_start,
				    n - 1);
			run_busy = busy;
			run_start = n;
		}
	}
	if (run_busy >= 0)
		range_add(run_busy ? busy_r : free_r, run_start, b);
	mcp_json_add(out, "days", days);
	mcp_json_add(out, "free", free_r);
	mcp_json_add(out, "busy", busy_r);
	return (out);
}

void
calendar_event_new_uid(char *buf, size_t len)
{
	unsigned char	r[16];
	size_t		i, got = 0;
	ssize_t		n;

	while (got < sizeof r) {
		n = getrandom(r + got, sizeof r - got, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			fprintf(stderr, "tripmcp-calendar: getrandom failed\n");
			abort();
		}
		got += (size_t)n;
	}
	for (i = 0; i < sizeof r && 2 * i + 2 < len; i++)
		snprintf(buf + 2 * i, 3, "%02x", r[i]);
	snprintf(buf + 2 * i, len - 2 * i, "@tripmcp");
}
