/*
 * Time zones. glibc converts between UTC and a zone only through the TZ
 * environment variable, and reloads the zone file whenever TZ changes; so
 * offsets are cached per zone and UTC day (a day is cached only when its
 * offset holds from start to end, which is every day but the two
 * transitions a year), and only a miss sets TZ, converts and puts the
 * previous value back. The server is one thread, so nothing else reads TZ
 * meanwhile.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tz.h"

#define TZ_DIR	"/usr/share/zoneinfo"
/* Cached (zone, day) offsets and zone names checked; full caches start over. */
#define TZ_CACHE	1024
#define TZ_NAMES	128

struct tz_day {
	char	zone[48];
	long	day;		/* UTC days since 1970 */
	long	offset;		/* seconds east of UTC, all that day */
};
static struct tz_day	tz_days[TZ_CACHE];
static size_t		tz_ndays;

static struct {
	char	name[65];
	int	known;
} tz_names[TZ_NAMES];
static size_t tz_nnames;

static int
tz_known_uncached(const char *name)
{
	char	path[256];
	size_t	i, n;

	if (name == NULL || (n = strlen(name)) == 0 || n > 64 ||
	    name[0] == '/' || strstr(name, "..") != NULL)
		return (0);
	for (i = 0; i < n; i++) {
		char c = name[i];

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '/' || c == '_' ||
		    c == '-' || c == '+'))
			return (0);
	}
	snprintf(path, sizeof path, "%s/%s", TZ_DIR, name);
	return (access(path, R_OK) == 0);
}

int
travel_tz_known(const char *name)
{
	size_t	i;
	int	known;

	if (name == NULL || strlen(name) >= sizeof tz_names[0].name)
		return (0);
	for (i = 0; i < tz_nnames; i++)
		if (strcmp(tz_names[i].name, name) == 0)
			return (tz_names[i].known);
	known = tz_known_uncached(name);
	if (tz_nnames == TZ_NAMES)
		tz_nnames = 0;
	snprintf(tz_names[tz_nnames].name, sizeof tz_names[0].name, "%s", name);
	tz_names[tz_nnames++].known = known;
	return (known);
}

/* Sets TZ to zone; OUT: the previous value (malloc'd or NULL). */
static int
tz_enter(const char *zone, char **saved)
{
	const char	*old = getenv("TZ");
	char		 spec[80];

	if (!travel_tz_known(zone))
		return (-1);
	*saved = old != NULL ? strdup(old) : NULL;
	if (old != NULL && *saved == NULL) {
		fprintf(stderr, "out of memory allocating %zu bytes\n",
		    strlen(old) + 1);
		abort();
	}
	snprintf(spec, sizeof spec, ":%s", zone);
	setenv("TZ", spec, 1);
	tzset();
	return (0);
}

static void
tz_leave(char *saved)
{
	if (saved != NULL) {
		setenv("TZ", saved, 1);
		free(saved);
	} else
		unsetenv("TZ");
	tzset();
}

/* The offset of zone at t, from the zone file; 0 or -1 (unknown zone). */
static int
tz_offset_direct(const char *zone, time_t t, long *offset)
{
	struct tm	 tm;
	char		*saved;

	if (tz_enter(zone, &saved) != 0)
		return (-1);
	localtime_r(&t, &tm);
	*offset = tm.tm_gmtoff;
	tz_leave(saved);
	return (0);
}

/* The offset of zone at t, cached by UTC day. */
static int
tz_offset(const char *zone, time_t t, long *offset)
{
	long	day = (long)(t >= 0 ? t / 86400 : (t - 86399) / 86400);
	long	a, b;
	size_t	i;

	if (!travel_tz_known(zone) || strlen(zone) >= sizeof tz_days[0].zone)
		return (-1);
	for (i = 0; i < tz_ndays; i++) {
		if (tz_days[i].day == day && strcmp(tz_days[i].zone,
		    zone) == 0) {
			*offset = tz_days[i].offset;
			return (0);
		}
	}
	if (tz_offset_direct(zone, (time_t)day * 86400, &a) != 0 ||
	    tz_offset_direct(zone, (time_t)day * 86400 + 86399, &b) != 0)
		return (-1);
	if (a != b)		/* a transition that day: not cached */
		return (tz_offset_direct(zone, t, offset));
	if (tz_ndays == TZ_CACHE)
		tz_ndays = 0;
	snprintf(tz_days[tz_ndays].zone, sizeof tz_days[0].zone, "%s", zone);
	tz_days[tz_ndays].day = day;
	tz_days[tz_ndays++].offset = a;
	*offset = a;
	return (0);
}

int
travel_tz_to_utc(const char *zone, int year, int month, int day, int hour,
    int minute, time_t *out)
{
	struct tm	tm;
	time_t		local, t;
	long		off;

	memset(&tm, 0, sizeof tm);
	tm.tm_year = year - 1900;
	tm.tm_mon = month - 1;
	tm.tm_mday = day;
	tm.tm_hour = hour;
	tm.tm_min = minute;
	local = timegm(&tm);
	/* Twice: the offset at the first guess settles a transition day. */
	if (tz_offset(zone, local, &off) != 0)
		return (-1);
	t = local - off;
	if (tz_offset(zone, t, &off) != 0)
		return (-1);
	*out = local - off;
	return (0);
}

int
travel_tz_local(const char *zone, time_t t, struct tm *tm, long *offset)
{
	time_t	local;

	if (tz_offset(zone, t, offset) != 0)
		return (-1);
	local = t + *offset;
	gmtime_r(&local, tm);
	tm->tm_gmtoff = *offset;
	return (0);
}

void
travel_tz_iso(const struct tm *tm, long offset, char *buf, size_t len)
{
	long	a = offset < 0 ? -offset : offset;

	snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:00%c%02ld:%02ld",
	    tm->tm_year + 1900, tm->tm_mon + 1, tm->tm_mday, tm->tm_hour,
	    tm->tm_min, offset < 0 ? '-' : '+', a / 3600, (a % 3600) / 60);
}
