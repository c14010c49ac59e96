/*
 * Time zones. Local wall-clock times in IANA zones ("Europe/Madrid") from
 * the system tz database, for flight departures and arrivals.
 */
#ifndef SERVERS_TRAVEL_TZ_H
#define SERVERS_TRAVEL_TZ_H

#include <stddef.h>
#include <time.h>

/* Whether name is a zone the system tz database knows (a plain relative
 * path under /usr/share/zoneinfo, no "..", file present). */
int	 travel_tz_known(const char *name);
/*
 * The UTC instant of a local wall-clock time in zone (a time that does
 * not exist, in a spring-forward gap, moves forward by the gap). 0, or -1
 * when the zone is unknown.
 */
int	 travel_tz_to_utc(const char *zone, int year, int month, int day,
	     int hour, int minute, time_t *out);
/*
 * The local time of t in zone. OUT: *tm and *offset (seconds east of UTC).
 * 0, or -1 when the zone is unknown.
 */
int	 travel_tz_local(const char *zone, time_t t, struct tm *tm,
	     long *offset);
/* Writes "2024-06-15T18:30:00-04:00" (26 bytes with its NUL). */
#define TRAVEL_TZ_ISO_LEN	32
void	 travel_tz_iso(const struct tm *, long offset, char *buf, size_t len);

#endif
