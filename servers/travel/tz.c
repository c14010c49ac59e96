/*
 * Time zones. glibc converts between UTC and a zone only through the TZ
 * environment variable, so each conversion sets TZ, converts and puts the
 * previous value back. The server is one thread, so nothing else reads TZ
 * meanwhile; glibc keeps the last zone loaded, and a search converts in two
 * or three zones only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tz.h"

#define TZ_DIR	"/usr/share/zoneinfo"

int
travel_tz_known(const char *name)
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

int
travel_tz_to_utc(const char *zone, int year, int month, int day, int hour,
    int minute, time_t *out)
{
	struct tm	 tm;
	char		*saved;

	if (tz_enter(zone, &saved) != 0)
		return (-1);
	memset(&tm, 0, sizeof tm);
	tm.tm_year = year - 1900;
	tm.tm_mon = month - 1;
	tm.tm_mday = day;
	tm.tm_hour = hour;
	tm.tm_min = minute;
	tm.tm_isdst = -1;
	*out = mktime(&tm);
	tz_leave(saved);
	return (0);
}

int
travel_tz_local(const char *zone, time_t t, struct tm *tm, long *offset)
{
	char	*saved;

	if (tz_enter(zone, &saved) != 0)
		return (-1);
	localtime_r(&t, tm);
	*offset = tm->tm_gmtoff;
	tz_leave(saved);
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
