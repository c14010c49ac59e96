/*
 * The calendar://{calendar}/{period} resources: a period's events and its
 * free and busy days as JSON, the months with events listed as concrete
 * resources, completion, and update notifications when events change.
 *
 * Notifications. The kit does not say which URIs a client subscribed to,
 * so a change notifies every URI that could show it: both spellings of
 * each month it touches (calendar://C/June-2024 and calendar://C/2024-06),
 * and every period URI this process has served a read for (the last 256)
 * whose days it overlaps. A client that subscribes to a range it never
 * read, say calendar://C/2024-06-10..2024-06-20, is notified once it has
 * read it.
 */
#ifndef SERVERS_CALENDAR_RESOURCE_H
#define SERVERS_CALENDAR_RESOURCE_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "servers/common/date.h"

#include "state.h"

/* The longest period one read may cover. */
#define CALENDAR_PERIOD_MAX_DAYS	366

extern const struct mcp_resource_template calendar_resource_template;

/* Declares the template and lists the months that have events (and this
 * month) for every calendar. 0, or -1 with err. */
int	 calendar_resource_setup(struct calendar_state *, char *err,
	     size_t errlen);
/* Frees what setup and reads kept. */
void	 calendar_resource_free(struct calendar_state *);

/*
 * The document a read of calendar://calendar/period returns. NULL with err
 * (an unknown calendar or a bad period, saying what is accepted) and
 * *not_found telling which kind of error it was (1: the calendar or the
 * period does not exist; 0: a database error).
 */
cJSON	*calendar_resource_period(struct calendar_state *, const char *calendar,
	     const char *period, int *not_found, char *err, size_t errlen);

/* Events of calendar changed over the minutes [from, to): notify and list. */
void	 calendar_resource_changed(struct calendar_state *, const char *calendar,
	     long from, long to);

#endif
