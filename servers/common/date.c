/*
 * Dates. Servers reason in whole calendar days; counting days from the
 * civil calendar (Howard Hinnant's days_from_civil) keeps arithmetic exact
 * and free of time zones and mktime's normalising.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "date.h"

static const char *const date_months[12] = {
	"January", "February", "March", "April", "May", "June", "July",
	"August", "September", "October", "November", "December"
};

int
common_date_is_leap(int y)
{
	return ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0);
}

int
common_date_days_in_month(int y, int m)
{
	static const int days[12] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};

	if (m < 1 || m > 12)
		return (0);
	if (m == 2 && common_date_is_leap(y))
		return (29);
	return (days[m - 1]);
}

int
common_date_valid(const struct common_date *d)
{
	return (d->year >= 1 && d->year <= 9999 && d->month >= 1 &&
	    d->month <= 12 && d->day >= 1 &&
	    d->day <= common_date_days_in_month(d->year, d->month));
}

const char *
common_date_month_name(int m)
{
	if (m < 1 || m > 12)
		return (NULL);
	return (date_months[m - 1]);
}

long
common_date_to_days(const struct common_date *d)
{
	long	y = d->year - (d->month <= 2);
	long	era = (y >= 0 ? y : y - 399) / 400;
	long	yoe = y - era * 400;
	long	mp = (d->month + 9) % 12;
	long	doy = (153 * mp + 2) / 5 + d->day - 1;
	long	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return (era * 146097 + doe - 719468);
}

void
common_date_from_days(long z, struct common_date *out)
{
	long	era, doe, yoe, y, doy, mp, d, m;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp < 10 ? mp + 3 : mp - 9;
	out->year = (int)(y + (m <= 2));
	out->month = (int)m;
	out->day = (int)d;
}

void
common_date_add_days(struct common_date *d, long n)
{
	common_date_from_days(common_date_to_days(d) + n, d);
}

long
common_date_diff(const struct common_date *a, const struct common_date *b)
{
	return (common_date_to_days(b) - common_date_to_days(a));
}

int
common_date_compare(const struct common_date *a, const struct common_date *b)
{
	long	x = common_date_to_days(a), y = common_date_to_days(b);

	return (x < y ? -1 : x > y);
}

int
common_date_weekday(const struct common_date *d)
{
	long	days = common_date_to_days(d);

	/* 1970-01-01 was a Thursday (3 with Monday = 0). */
	return ((int)(((days % 7) + 7 + 3) % 7));
}

void
common_date_format(const struct common_date *d, char *buf)
{
	unsigned int	y = (unsigned int)d->year % 10000u;
	unsigned int	m = (unsigned int)d->month % 100u;
	unsigned int	dd = (unsigned int)d->day % 100u;

	snprintf(buf, COMMON_DATE_LEN, "%04u-%02u-%02u", y, m, dd);
}

/* Reads exactly n digits. */
static int
date_digits(const char *s, int n, int *out)
{
	int	i, v = 0;

	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return (-1);
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return (0);
}

/* Quotes at most 40 bytes of user text into an error message. */
static const char *
date_quote(const char *s, char *buf, size_t len)
{
	size_t	i, j = 0;

	for (i = 0; s[i] != '\0' && j + 4 < len && i < 40; i++)
		buf[j++] = (s[i] >= 0x20 && s[i] < 0x7f) ? s[i] : '?';
	if (s[i] != '\0' && j + 4 < len) {
		memcpy(buf + j, "...", 3);
		j += 3;
	}
	buf[j] = '\0';
	return (buf);
}

int
common_date_parse(const char *s, struct common_date *out, char *err,
    size_t errlen)
{
	struct common_date	d;
	char			q[48];

	if (s == NULL || strlen(s) != 10 || date_digits(s, 4, &d.year) != 0 ||
	    s[4] != '-' || date_digits(s + 5, 2, &d.month) != 0 ||
	    s[7] != '-' || date_digits(s + 8, 2, &d.day) != 0) {
		snprintf(err, errlen, "invalid date \"%s\": expected "
		    "YYYY-MM-DD, for example 2024-06-15",
		    date_quote(s == NULL ? "" : s, q, sizeof q));
		return (-1);
	}
	if (!common_date_valid(&d)) {
		if (d.month < 1 || d.month > 12)
			snprintf(err, errlen, "invalid date \"%s\": month %d "
			    "is not 01 to 12", s, d.month);
		else
			snprintf(err, errlen, "invalid date \"%s\": %s %d has "
			    "%d days", s, date_months[d.month - 1], d.year,
			    common_date_days_in_month(d.year, d.month));
		return (-1);
	}
	*out = d;
	return (0);
}

/* Matches a month name, full or its first three letters, any case. */
static int
date_month_by_name(const char *s, size_t n)
{
	int	i;

	for (i = 0; i < 12; i++) {
		if ((n == 3 || n == strlen(date_months[i])) &&
		    strncasecmp(s, date_months[i], n) == 0)
			return (i + 1);
	}
	return (0);
}

int
common_date_parse_month(const char *s, struct common_date *first,
    struct common_date *last, char *err, size_t errlen)
{
	char	q[48];
	size_t	n;
	int	y = 0, m = 0;

	if (s == NULL)
		s = "";
	n = strlen(s);
	if (n == 7 && date_digits(s, 4, &y) == 0 && s[4] == '-' &&
	    date_digits(s + 5, 2, &m) == 0) {
		/* 2024-06 */
	} else {
		const char *sep = strpbrk(s, "- ");

		if (sep != NULL && strlen(sep + 1) == 4 &&
		    date_digits(sep + 1, 4, &y) == 0)
			m = date_month_by_name(s, (size_t)(sep - s));
		else
			m = 0;
	}
	if (m < 1 || m > 12 || y < 1) {
		snprintf(err, errlen, "invalid month \"%s\": expected "
		    "Month-YYYY or YYYY-MM, for example June-2024 or 2024-06",
		    date_quote(s, q, sizeof q));
		return (-1);
	}
	first->year = last->year = y;
	first->month = last->month = m;
	first->day = 1;
	last->day = common_date_days_in_month(y, m);
	return (0);
}

int
common_date_parse_period(const char *s, struct common_date *first,
    struct common_date *last, char *err, size_t errlen)
{
	struct common_date	a, b;
	const char		*dots;
	char			buf[16], q[48];

	if (s == NULL)
		s = "";
	if ((dots = strstr(s, "..")) != NULL) {
		if (dots - s != 10 || strlen(dots + 2) != 10) {
			snprintf(err, errlen, "invalid period \"%s\": expected "
			    "YYYY-MM-DD..YYYY-MM-DD", date_quote(s, q,
			    sizeof q));
			return (-1);
		}
		memcpy(buf, s, 10);
		buf[10] = '\0';
		if (common_date_parse(buf, &a, err, errlen) != 0 ||
		    common_date_parse(dots + 2, &b, err, errlen) != 0)
			return (-1);
		if (common_date_compare(&a, &b) > 0) {
			snprintf(err, errlen, "invalid period \"%s\": the end "
			    "is before the start", s);
			return (-1);
		}
		*first = a;
		*last = b;
		return (0);
	}
	if (strlen(s) == 10 && common_date_parse(s, &a, err, errlen) == 0) {
		*first = *last = a;
		return (0);
	}
	if (common_date_parse_month(s, &a, &b, err, errlen) == 0) {
		*first = a;
		*last = b;
		return (0);
	}
	snprintf(err, errlen, "invalid period \"%s\": expected June-2024, "
	    "2024-06, 2024-06-15 or 2024-06-15..2024-06-22",
	    date_quote(s, q, sizeof q));
	return (-1);
}

int
common_date_today(struct common_date *out, char *err, size_t errlen)
{
	const char	*env = getenv("TRIPMCP_TODAY");
	struct tm	 tm;
	time_t		 now;
	char		 msg[192];

	if (env != NULL && *env != '\0') {
		if (common_date_parse(env, out, msg, sizeof msg) != 0) {
			snprintf(err, errlen, "TRIPMCP_TODAY: %s; unset it to "
			    "use the system clock", msg);
			return (-1);
		}
		return (0);
	}
	now = time(NULL);
	if (now == (time_t)-1 || localtime_r(&now, &tm) == NULL) {
		snprintf(err, errlen, "cannot read the system clock; set "
		    "TRIPMCP_TODAY=YYYY-MM-DD");
		return (-1);
	}
	out->year = tm.tm_year + 1900;
	out->month = tm.tm_mon + 1;
	out->day = tm.tm_mday;
	return (0);
}
