/*
 * Events. The calendar's one model: moments (a date, or a date and a local
 * time), reminders, and the events of a calendar between two moments, read
 * from and written to the database, as JSON for tools and resources.
 */
#ifndef SERVERS_CALENDAR_EVENT_H
#define SERVERS_CALENDAR_EVENT_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>
#include <sqlite3.h>

#include "servers/common/date.h"

/* Ceilings on what a client may store. */
#define CALENDAR_TITLE_MAX	200
#define CALENDAR_TEXT_MAX	4000	/* description */
#define CALENDAR_LOCATION_MAX	200
#define CALENDAR_REMINDERS_MAX	10
#define CALENDAR_KEY_MAX	200	/* idempotencyKey */
#define CALENDAR_LIST_MAX	500	/* events in one answer */
#define CALENDAR_RANGE_MAX_DAYS	3660	/* the longest span one may ask about */

/*
 * A moment: a whole day (minute -1; an all-day event's start or its last
 * day) or a local time of day (floating: calendars here have no zone).
 */
struct calendar_moment {
	struct common_date	date;
	int			minute;	/* 0..1439, or -1: the whole day */
};

/* "2024-06-15T09:30" and its NUL. */
#define CALENDAR_MOMENT_LEN	17

/* Moments */
/*
 * Parses "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM" (seconds ":SS" allowed, a space
 * for the T). On error err names field, says what is accepted, and *out is
 * unchanged.
 */
int	 calendar_moment_parse(const char *text, const char *field,
	     struct calendar_moment *out, char *err, size_t errlen);
void	 calendar_moment_format(const struct calendar_moment *, char *buf);
/*
 * Minutes since 1970-01-01T00:00 of a moment taken as a start (a date: its
 * midnight) or as an end (a date: the midnight after it, so an end date is
 * inclusive).
 */
long	 calendar_moment_start(const struct calendar_moment *);
long	 calendar_moment_end(const struct calendar_moment *);
/* The day (since 1970, negative before) holding minute t. */
long	 calendar_minutes_day(long t);

/* Reminders */
/*
 * Parses an offset such as "1 week before", "2 days before", "30 minutes
 * before", "1 hour before" or "at start" into minutes before the start.
 * -1 with err (naming field) for anything else or more than 52 weeks.
 */
int	 calendar_reminder_parse(const char *text, const char *field,
	     long *minutes, char *err, size_t errlen);
/*
 * Checks a reminders array ([{"type": "notification"|"email", "time":
 * "1 week before"}]) and returns a normalised copy the caller owns, each
 * with its minutesBefore; NULL with err naming reminders[i].field.
 */
cJSON	*calendar_reminders_check(const cJSON *reminders, char *err,
	     size_t errlen);

/* Calendars */
/* 1 when the calendar exists, 0 when not, -1 on a database error. */
int	 calendar_exists(sqlite3 *, const char *id, char *err, size_t errlen);
/*
 * An error for an unknown calendar: "FIELD: no calendar "x"; known:
 * my-calendar, ...; ...". Writes into err.
 */
void	 calendar_unknown(sqlite3 *, const char *field, const char *id,
	     char *err, size_t errlen);
/* Calendar ids (array of strings, the caller owns it), or NULL. */
cJSON	*calendar_ids(sqlite3 *);

/* Events */
/*
 * The events of calendar overlapping the minutes [from, to), ordered by
 * start, at most limit of them (*more, may be NULL, tells whether more
 * existed). Each is an object: uid, calendar, title, description, location,
 * allDay, start, end, reminders (with "at", the moment each fires).
 * Returns an array the caller owns, or NULL with err.
 */
cJSON	*calendar_events_between(sqlite3 *, const char *calendar, long from,
	     long to, int limit, bool *more, char *err, size_t errlen);
/* One event by uid in calendar as above; NULL (err empty) when none. */
cJSON	*calendar_event_get(sqlite3 *, const char *calendar, const char *uid,
	     char *err, size_t errlen);

/*
 * Free/busy: for each day first..last, whether an event touches it:
 * {"days": [{"date","weekday","status":"free"|"busy","events":[titles]}],
 *  "free": [{"start","end","days"}], "busy": [{"start","end","days"}]}
 * from events (as calendar_events_between gives them). The caller owns it.
 */
cJSON	*calendar_freebusy(const cJSON *events, const struct common_date *first,
	     const struct common_date *last);

/* A new event's uid: 32 random hex digits "@tripmcp" (buf of 48). */
void	 calendar_event_new_uid(char *buf, size_t len);

/* The minutes [from, to) an event object covers (from its start/end/allDay). */
int	 calendar_event_span(const cJSON *event, long *from, long *to);

#endif
