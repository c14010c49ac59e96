/*
 * Dates. Calendar dates without time of day, "today" (TRIPMCP_TODAY or the
 * clock), parsing and checking of YYYY-MM-DD, day arithmetic and months.
 */
#ifndef SERVERS_COMMON_DATE_H
#define SERVERS_COMMON_DATE_H

#include <stddef.h>

struct common_date {
	int	year;	/* 1..9999 */
	int	month;	/* 1..12 */
	int	day;	/* 1..days in month */
};

/* A date in text form: "YYYY-MM-DD" and its NUL. */
#define COMMON_DATE_LEN	11

/* Calendar facts */
int	 common_date_is_leap(int year);
int	 common_date_days_in_month(int year, int month);
int	 common_date_valid(const struct common_date *);
/* 0 = Monday … 6 = Sunday. */
int	 common_date_weekday(const struct common_date *);
/* "January".."December", or NULL outside 1..12. */
const char *common_date_month_name(int month);

/* Parsing and printing */
/*
 * Parses exactly YYYY-MM-DD naming a real calendar date. On error err says
 * what was wrong and what is accepted, and *out is unchanged.
 */
int	 common_date_parse(const char *, struct common_date *out,
	     char *err, size_t errlen);
/* Writes YYYY-MM-DD into buf (COMMON_DATE_LEN bytes). */
void	 common_date_format(const struct common_date *, char *buf);
/*
 * Parses a month: "June-2024", "june 2024", "Jun-2024" or "2024-06". OUT:
 * *first and *last, the month's first and last days.
 */
int	 common_date_parse_month(const char *, struct common_date *first,
	     struct common_date *last, char *err, size_t errlen);
/*
 * Parses a period: a month (as above), a single date, or
 * "YYYY-MM-DD..YYYY-MM-DD" with the end not before the start.
 */
int	 common_date_parse_period(const char *, struct common_date *first,
	     struct common_date *last, char *err, size_t errlen);

/* Arithmetic */
/* Days since 1970-01-01 (negative before). */
long	 common_date_to_days(const struct common_date *);
void	 common_date_from_days(long days, struct common_date *out);
void	 common_date_add_days(struct common_date *, long n);
/* b - a in days. */
long	 common_date_diff(const struct common_date *a,
	     const struct common_date *b);
int	 common_date_compare(const struct common_date *,
	     const struct common_date *);

/* Today */
/*
 * Today's date: TRIPMCP_TODAY (YYYY-MM-DD) when set and not empty, else the
 * local date from the system clock. An invalid TRIPMCP_TODAY is an error,
 * never silently replaced by the clock.
 */
int	 common_date_today(struct common_date *out, char *err, size_t errlen);

#endif
