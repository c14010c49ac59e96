/*
 * Tool input. What every travel tool checks beyond its inputSchema: dates
 * against today, places through forgiving resolution, free text limits.
 * Each returns 0, 1 when the input is wrong (err holds the message for the
 * user, naming the field, the cause and what is accepted), or -1 on a
 * database or system error (err filled).
 */
#ifndef SERVERS_TRAVEL_INPUT_H
#define SERVERS_TRAVEL_INPUT_H

#include <stddef.h>

#include <sqlite3.h>

#include "servers/common/date.h"
#include "servers/common/place.h"

/* Today (TRIPMCP_TODAY or the clock); -1 when TRIPMCP_TODAY is invalid. */
int	 travel_input_today(struct common_date *, char *err, size_t errlen);
/*
 * A date field: YYYY-MM-DD, a real date, not before today (when
 * not_before_today) and at most 2 years ahead.
 */
int	 travel_input_date(const char *field, const char *value,
	     int not_before_today, struct common_date *out, char *err,
	     size_t errlen);
/*
 * A place field, resolved forgivingly. OUT: *place, and in note (may be
 * NULL) the other places of that name when one dominated ("" if none).
 * An ambiguous name is an error listing the candidates.
 */
int	 travel_input_place(sqlite3 *, const char *field, const char *value,
	     struct common_place *place, char *note, size_t notelen,
	     char *err, size_t errlen);
/*
 * The airports serving place, split from its ';' list into codes (at
 * most max). 1 with err when none does.
 */
int	 travel_input_airports(const char *field,
	     const struct common_place *place, char codes[][4], size_t max,
	     size_t *n, char *err, size_t errlen);
/* A free text field: valid UTF-8, no control characters but tab and
 * newline when multiline, at most max bytes. */
int	 travel_input_text(const char *field, const char *value, size_t max,
	     int multiline, char *err, size_t errlen);

#endif
