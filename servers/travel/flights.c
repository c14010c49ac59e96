/*
 * Flights. Everything an offer shows is a function of real facts (the
 * route, its great-circle distance, the airports' zones and sizes, how many
 * airlines fly it) and of the query's date, hashed where the data has no
 * value (flight numbers, departure times, cabin sizes): the same question
 * always gets the same answer, and only seats sold change it.
 */
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "servers/common/money.h"
#include "servers/common/place.h"

#include "db.h"
#include "flights.h"
#include "tz.h"

/* Itineraries looked at per search (nonstop first), hubs per airline. */
#define FLIGHTS_MAX_CANDIDATES	32
#define FLIGHTS_HUBS_PER_AIRLINE	2
/* A connection may fly at most this much farther than the direct line. */
#define FLIGHTS_MAX_DETOUR	1.5
/* An airport with this many operated routes out is a big hub. */
#define FLIGHTS_BIG_HUB		150

static const char *const flights_cabins[] = {
	"economy", "premium_economy", "business", "first"
};

const char *
travel_flights_cabin_name(enum travel_cabin c)
{
	return (flights_cabins[c]);
}

int
travel_flights_cabin_parse(const char *s, enum travel_cabin *c)
{
	size_t	i;

	for (i = 0; i < sizeof flights_cabins / sizeof flights_cabins[0]; i++) {
		if (strcmp(s, flights_cabins[i]) == 0) {
			*c = (enum travel_cabin)i;
			return (0);
		}
	}
	return (-1);
}

/* FNV-1a over a formatted string: the stand-in for facts the data lacks. */
static uint64_t
flights_hash(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static uint64_t
flights_hash(const char *fmt, ...)
{
	char		 buf[256];
	va_list		 ap;
	uint64_t	 h = 1469598103934665603ULL;
	const char	*p;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	for (p = buf; *p != '\0'; p++) {
		h ^= (unsigned char)*p;
		h *= 1099511628211ULL;
	}
	return (h ^ (h >> 29));
}

/* Airports ---------------------------------------------------------------- */

struct flights_airport {
	char	iata[4];
	double	lat;
	double	lon;
	char	tz[48];
	int	routes;		/* hub size */
};

static const char flights_airport_sql[] =
    "SELECT a.lat, a.lon, a.tz, coalesce(r.routes, 0) FROM airports a "
    "LEFT JOIN airport_routes r ON r.iata = a.iata WHERE a.iata = ?";

/*
 * Airports never change once the database is seeded, and a search looks
 * the same few up again and again (every hub of every candidate, both
 * ways): answers are kept, indexed directly by the three letters.
 */
#define FLIGHTS_AIRPORT_SLOTS	(26 * 26 * 26)
static struct {
	signed char		found;	/* 0: not asked yet, 1, or -1 (unknown) */
	struct flights_airport	a;
} flights_airport_cache[FLIGHTS_AIRPORT_SLOTS];

static int
flights_airport_slot(const char *iata)
{
	int	i, slot = 0;

	for (i = 0; i < 3; i++) {
		if (iata[i] < 'A' || iata[i] > 'Z')
			return (-1);
		slot = slot * 26 + (iata[i] - 'A');
	}
	return (iata[3] == '\0' ? slot : -1);
}

static int flights_airport_read(sqlite3 *, const char *,
    struct flights_airport *, char *, size_t);

/* 1 found, 0 unknown (or no time zone), -1 error. */
static int
flights_airport(sqlite3 *db, const char *iata, struct flights_airport *a,
    char *err, size_t errlen)
{
	int	slot = flights_airport_slot(iata), r;

	if (slot < 0)
		return (flights_airport_read(db, iata, a, err, errlen));
	if (flights_airport_cache[slot].found != 0) {
		*a = flights_airport_cache[slot].a;
		return (flights_airport_cache[slot].found > 0);
	}
	if ((r = flights_airport_read(db, iata, a, err, errlen)) < 0)
		return (-1);
	flights_airport_cache[slot].found = r > 0 ? 1 : -1;
	flights_airport_cache[slot].a = *a;
	return (r);
}

static int
flights_airport_read(sqlite3 *db, const char *iata, struct flights_airport *a,
    char *err, size_t errlen)
{
	sqlite3_stmt	*st;
	int		 rc;

	memset(a, 0, sizeof *a);
	if ((st = travel_db_stmt(db, flights_airport_sql, err, errlen)) == NULL)
		return (-1);
	sqlite3_bind_text(st, 1, iata, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		snprintf(a->iata, sizeof a->iata, "%s", iata);
		a->lat = sqlite3_column_double(st, 0);
		a->lon = sqlite3_column_double(st, 1);
		snprintf(a->tz, sizeof a->tz, "%s", travel_db_text(st, 2));
		a->routes = sqlite3_column_int(st, 3);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		snprintf(err, errlen, "travel database: %s", sqlite3_errmsg(db));
		return (-1);
	}
	return (rc == SQLITE_ROW && travel_tz_known(a->tz));
}

static double
flights_km(const struct flights_airport *a, const struct flights_airport *b)
{
	const double	r = 6371.0, rad = M_PI / 180.0;
	double		dlat = (b->lat - a->lat) * rad;
	double		dlon = (b->lon - a->lon) * rad;
	double		h;

	h = sin(dlat / 2) * sin(dlat / 2) + cos(a->lat * rad) *
	    cos(b->lat * rad) * sin(dlon / 2) * sin(dlon / 2);
	return (2 * r * asin(sqrt(h)));
}

/* Routes ------------------------------------------------------------------ */

static const char flights_operates_sql[] =
    "SELECT 1 FROM legs WHERE src = ?1 AND dst = ?2 AND airline = ?3";

static const char flights_competition_sql[] =
    "SELECT count(*) FROM legs WHERE src = ?1 AND dst = ?2";

/* Whether airline flies from -> to itself: 1, 0, or -1 on error. */
static int
flights_operates(sqlite3 *db, const char *airline, const char *from,
    const char *to, char *err, size_t errlen)
{
	sqlite3_stmt	*st;
	int		 rc;

	if ((st = travel_db_stmt(db, flights_operates_sql, err,
	    errlen)) == NULL)
		return (-1);
	sqlite3_bind_text(st, 1, from, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, to, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, airline, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		snprintf(err, errlen, "travel database: %s", sqlite3_errmsg(db));
		return (-1);
	}
	return (rc == SQLITE_ROW);
}

static int
flights_competition(sqlite3 *db, const char *from, const char *to, int *n,
    char *err, size_t errlen)
{
	sqlite3_stmt	*st;

	if ((st = travel_db_stmt(db, flights_competition_sql, err,
	    errlen)) == NULL)
		return (-1);
	sqlite3_bind_text(st, 1, from, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, to, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_ROW) {
		snprintf(err, errlen, "travel database: %s", sqlite3_errmsg(db));
		sqlite3_reset(st);
		return (-1);
	}
	*n = sqlite3_column_int(st, 0);
	sqlite3_reset(st);
	return (0);
}

/* Seats ------------------------------------------------------------------- */

static const char flights_sold_sql[] =
    "SELECT sold FROM flight_seats WHERE flight = ?1 AND date = ?2 AND "
    "cabin = ?3";

static const char flights_sell_sql[] =
    "INSERT INTO flight_seats (flight, date, cabin, sold) VALUES "
    "(?1, ?2, ?3, ?4) ON CONFLICT (flight, date, cabin) DO UPDATE SET "
    "sold = sold + excluded.sold";

/* Seats of cabin on a leg of km: 0 when the aircraft has no such cabin. */
static int
flights_capacity(const char *flight, double km, enum travel_cabin cabin)
{
	uint64_t	h = flights_hash("cap|%s|%d", flight, (int)cabin);
	int		longhaul = km >= 3000;

	switch (cabin) {
	case TRAVEL_CABIN_ECONOMY:
		return (longhaul ? 180 + (int)(h % 120) : 90 + (int)(h % 80));
	case TRAVEL_CABIN_PREMIUM:
		return (longhaul ? 21 + (int)(h % 18) : 0);
	case TRAVEL_CABIN_BUSINESS:
		return (longhaul ? 20 + (int)(h % 24) : 8 + (int)(h % 12));
	case TRAVEL_CABIN_FIRST:
		return (km >= 5000 && h % 3 == 0 ? 4 + (int)(h % 5) : 0);
	}
	return (0);
}

static int
flights_sold(sqlite3 *db, const struct travel_flight_leg *l,
    enum travel_cabin cabin, int *sold, char *err, size_t errlen)
{
	sqlite3_stmt	*st;
	int		 rc;

	if ((st = travel_db_stmt(db, flights_sold_sql, err, errlen)) == NULL)
		return (-1);
	sqlite3_bind_text(st, 1, l->key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, l->date, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, flights_cabins[cabin], -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	*sold = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		snprintf(err, errlen, "travel database: %s", sqlite3_errmsg(db));
		return (-1);
	}
	return (0);
}

int
travel_flights_sell(sqlite3 *db, const struct travel_flight_trip *t,
    enum travel_cabin cabin, int n, char *err, size_t errlen)
{
	sqlite3_stmt	*st;
	int		 i;

	for (i = 0; i < t->nlegs; i++) {
		if ((st = travel_db_stmt(db, flights_sell_sql, err,
		    errlen)) == NULL)
			return (-1);
		sqlite3_bind_text(st, 1, t->legs[i].key, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, t->legs[i].date, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, flights_cabins[cabin], -1,
		    SQLITE_STATIC);
		sqlite3_bind_int(st, 4, n);
		if (travel_db_done(db, st, err, errlen) != 0)
			return (-1);
	}
	return (0);
}

/* Fares ------------------------------------------------------------------- */

/* Demand by month: summer and the December holidays cost more. */
static const double flights_season[12] = {
	0.85, 0.85, 0.95, 1.00, 1.05, 1.12, 1.18, 1.15, 1.00, 0.95, 0.90, 1.10
};
static const double flights_cabin_factor[4] = { 1.0, 1.7, 3.6, 6.5 };

/*
 * One traveller's fare on one leg, in whole dollars as cents: a taper on
 * distance, then season, the weekday, how far ahead, competition on the
 * route, the size of the airports, the airline, and how full the cabin is.
 */
static long long
flights_fare(const char *airline, const struct flights_airport *from,
    const struct flights_airport *to, double km,
    const struct common_date *date, const struct common_date *today,
    int competitors, int sold, int capacity, enum travel_cabin cabin)
{
	double	f, load;
	long	ahead = common_date_diff(today, date);
	int	wd = common_date_weekday(date);

	f = 39 + 0.08 * fmin(km, 800) + 0.045 * fmax(fmin(km - 800, 2200), 0) +
	    0.03 * fmax(km - 3000, 0);
	f *= flights_season[date->month - 1];
	if (wd == 4 || wd == 6)
		f *= 1.05;		/* Fridays and Sundays */
	f *= ahead < 7 ? 1.4 : ahead < 21 ? 1.2 : ahead < 45 ? 1.08 : 1.0;
	f *= 1.12 - 0.04 * (competitors < 5 ? competitors : 5);
	f *= 1.0 - 0.03 * ((from->routes >= FLIGHTS_BIG_HUB) +
	    (to->routes >= FLIGHTS_BIG_HUB));
	f *= 0.92 + (double)(flights_hash("fare|%s", airline) % 17) / 100;
	load = capacity > 0 ? (double)sold / capacity : 1;
	f *= load >= 0.9 ? 1.3 : load >= 0.75 ? 1.15 : 1.0;
	f *= flights_cabin_factor[cabin];
	return (llround(f) * 100);
}

/* Trips ------------------------------------------------------------------- */

/* Rounds t up to the next 5 minutes. */
static time_t
flights_round5(time_t t)
{
	return ((t + 299) / 300 * 300);
}

/*
 * Builds airline's trip over path[0..npath) leaving on date. 0 built, 1
 * when a leg is not flown by the airline, the aircraft lacks the cabin or
 * an airport lacks a time zone (why in err), -1 on a database error.
 */
static int
flights_trip(sqlite3 *db, const char *airline_in, const char *const *path_in,
    int npath, const struct common_date *date, enum travel_cabin cabin,
    const struct common_date *today, struct travel_flight_trip *t,
    char *err, size_t errlen)
{
	struct flights_airport	 ap[TRAVEL_FLIGHTS_MAX_LEGS + 1];
	struct common_date	 d = *date;
	struct tm		 tm;
	long			 off;
	time_t			 dep = 0;
	int			 i, r, sold, comp;

	char			 airline[4], path[TRAVEL_FLIGHTS_MAX_LEGS + 1][4];
	char			 flight[8];

	/* Own copies: the caller's may live beside *t. */
	if (npath < 2 || npath > TRAVEL_FLIGHTS_MAX_LEGS + 1)
		return (1);
	snprintf(airline, sizeof airline, "%s", airline_in);
	for (i = 0; i < npath; i++)
		snprintf(path[i], sizeof path[i], "%s", path_in[i]);
	memset(t, 0, sizeof *t);
	for (i = 0; i < npath; i++) {
		if ((r = flights_airport(db, path[i], &ap[i], err,
		    errlen)) <= 0) {
			if (r == 0)
				snprintf(err, errlen, "no airport %s with a "
				    "time zone", path[i]);
			return (r < 0 ? -1 : 1);
		}
	}
	t->nlegs = npath - 1;
	t->seats_left = 1 << 30;
	for (i = 0; i < t->nlegs; i++) {
		struct travel_flight_leg *l = &t->legs[i];
		uint64_t h;
		double km;

		if ((r = flights_operates(db, airline, path[i], path[i + 1],
		    err, errlen)) <= 0) {
			if (r == 0)
				snprintf(err, errlen, "%s does not fly %s-%s",
				    airline, path[i], path[i + 1]);
			return (r < 0 ? -1 : 1);
		}
		h = flights_hash("fn|%s|%s|%s", airline, path[i], path[i + 1]);
		snprintf(flight, sizeof flight, "%s%d", airline,
		    10 + (int)(h % 9980));
		memcpy(l->flight, flight, sizeof l->flight);
		snprintf(l->key, sizeof l->key, "%s-%s-%s", flight, path[i],
		    path[i + 1]);
		memcpy(l->from, path[i], sizeof l->from);
		memcpy(l->to, path[i + 1], sizeof l->to);
		snprintf(l->from_tz, sizeof l->from_tz, "%s", ap[i].tz);
		snprintf(l->to_tz, sizeof l->to_tz, "%s", ap[i + 1].tz);
		km = flights_km(&ap[i], &ap[i + 1]);
		l->km = (int)lround(km);
		l->minutes = (int)((25 + km / 840 * 60 + 4) / 5) * 5;

		if (i == 0) {
			/*
			 * The flight's daily slot, 06:00 to 22:55 local: the
			 * first of a few hashed ones that lands between 06:00
			 * and 23:55 local (the arrival zone's offset taken
			 * once, as it holds for the day).
			 */
			uint64_t sh = flights_hash("dep|%s", l->flight);
			int slot = (int)(sh % (17 * 12)), k, cand, mod;
			time_t base;
			long aoff;

			if (travel_tz_to_utc(ap[0].tz, date->year, date->month,
			    date->day, 6 + slot / 12, slot % 12 * 5,
			    &base) != 0 ||
			    travel_tz_local(ap[1].tz, base + 60 * l->minutes,
			    &tm, &aoff) != 0)
				return (1);
			for (k = 0; k < 12; k++) {
				cand = (int)((sh + (uint64_t)k * 37) %
				    (17 * 12));
				mod = (int)(((base + (cand - slot) * 300 + 60 *
				    l->minutes + aoff) % 86400 + 86400) %
				    86400);
				if (mod >= 6 * 3600)
					break;
			}
			if (k < 12)
				slot = cand;
			if (travel_tz_to_utc(ap[0].tz, date->year, date->month,
			    date->day, 6 + slot / 12, slot % 12 * 5,
			    &dep) != 0)
				return (1);
		} else {
			/* A connection of 55 minutes to 2 h 45. */
			dep = flights_round5(t->legs[i - 1].arr_utc + 60 *
			    (55 + (int)(flights_hash("cx|%s|%s",
			    t->legs[i - 1].flight, l->flight) % 12) * 10));
		}
		l->dep_utc = dep;
		l->arr_utc = dep + 60 * l->minutes;
		if (travel_tz_local(ap[i].tz, l->dep_utc, &tm, &off) != 0)
			return (1);
		travel_tz_iso(&tm, off, l->departure, sizeof l->departure);
		d.year = tm.tm_year + 1900;
		d.month = tm.tm_mon + 1;
		d.day = tm.tm_mday;
		common_date_format(&d, l->date);
		if (travel_tz_local(ap[i + 1].tz, l->arr_utc, &tm, &off) != 0)
			return (1);
		travel_tz_iso(&tm, off, l->arrival, sizeof l->arrival);

		l->capacity = flights_capacity(l->flight, km, cabin);
		if (l->capacity == 0) {
			snprintf(err, errlen, "%s has no %s cabin", l->flight,
			    flights_cabins[cabin]);
			return (1);
		}
		if (flights_sold(db, l, cabin, &sold, err, errlen) != 0 ||
		    flights_competition(db, l->from, l->to, &comp, err,
		    errlen) != 0)
			return (-1);
		l->seats_left = l->capacity > sold ? l->capacity - sold : 0;
		l->fare_cents = flights_fare(airline, &ap[i], &ap[i + 1], km,
		    &d, today, comp, sold, l->capacity, cabin);
		if (l->seats_left < t->seats_left)
			t->seats_left = l->seats_left;
		t->fare_cents += l->fare_cents;
	}
	/* A connection is sold below the sum of its legs. */
	if (t->nlegs > 1)
		t->fare_cents = llround(t->fare_cents / 100.0 * 0.88) * 100;
	t->minutes = (int)((t->legs[t->nlegs - 1].arr_utc -
	    t->legs[0].dep_utc) / 60);
	return (0);
}

/* Offer ids --------------------------------------------------------------- */

/*
 * F1_<cabin>_<airline>_<path>_<yyyymmdd>[_<path>_<yyyymmdd>]_<cents>, as
 * F1_E_DL_JFK-BCN_20240615_BCN-JFK_20240622_69800: everything needed to
 * build the offer again, and the price per traveller it was quoted at.
 */
static void
flights_trip_token(const struct travel_flight_trip *t, char *buf, size_t len)
{
	size_t	n = 0;
	int	i;

	for (i = 0; i < t->nlegs; i++)
		n += (size_t)snprintf(buf + n, len - n, "%s-", t->legs[i].from);
	snprintf(buf + n, len - n, "%s_%.4s%.2s%.2s", t->legs[t->nlegs - 1].to,
	    t->legs[0].date, t->legs[0].date + 5, t->legs[0].date + 8);
}

static void
flights_offer_id(struct travel_flight_offer *o)
{
	char	out[32], ret[32];

	flights_trip_token(&o->out, out, sizeof out);
	if (o->has_return)
		flights_trip_token(&o->ret, ret, sizeof ret);
	snprintf(o->offer_id, sizeof o->offer_id, "F1_%c_%s_%s%s%s_%lld",
	    "EPBF"[o->cabin], o->airline, out, o->has_return ? "_" : "",
	    o->has_return ? ret : "", o->per_traveler_cents);
}

static int
flights_is_code(const char *s, size_t n, int digits)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (!(isupper((unsigned char)s[i]) ||
		    (digits && isdigit((unsigned char)s[i]))))
			return (0);
	return (s[n] == '\0');
}

/* Parses "JFK-ATL-BCN" into path; the count of airports or -1. */
static int
flights_parse_path(char *s, char path[][4])
{
	int	n = 0;
	char	*tok, *save = NULL;

	for (tok = strtok_r(s, "-", &save); tok != NULL;
	    tok = strtok_r(NULL, "-", &save)) {
		if (n > TRAVEL_FLIGHTS_MAX_LEGS || strlen(tok) != 3 ||
		    !flights_is_code(tok, 3, 0))
			return (-1);
		memcpy(path[n++], tok, 4);
	}
	return (n >= 2 ? n : -1);
}

static int
flights_parse_date(const char *s, struct common_date *d)
{
	char	iso[COMMON_DATE_LEN], err[8];
	size_t	i;

	if (strlen(s) != 8)
		return (-1);
	for (i = 0; i < 8; i++)
		if (!isdigit((unsigned char)s[i]))
			return (-1);
	snprintf(iso, sizeof iso, "%.4s-%.2s-%.2s", s, s + 4, s + 6);
	return (common_date_parse(iso, d, err, sizeof err));
}

int
travel_flights_offer(sqlite3 *db, const char *offer_id,
    const struct common_date *today, struct travel_flight_offer *o,
    long long *quoted, char *err, size_t errlen)
{
	static const char bad[] = "not a flight offer id of this server (they "
	    "look like F1_E_DL_JFK-BCN_20240615_BCN-JFK_20240622_69800); use "
	    "an offerId from searchFlights";
	char			 buf[128], *f[8], *save = NULL, *tok, *end;
	char			 outp[TRAVEL_FLIGHTS_MAX_LEGS + 1][4];
	char			 retp[TRAVEL_FLIGHTS_MAX_LEGS + 1][4];
	const char		*pp[TRAVEL_FLIGHTS_MAX_LEGS + 1];
	struct common_date	 dout, dret;
	int			 nf = 0, nout, nret = 0, i, r;
	const char		*cabins = "EPBF", *c;

	memset(o, 0, sizeof *o);
	if (strlen(offer_id) >= sizeof buf) {
		snprintf(err, errlen, "%s", bad);
		return (1);
	}
	snprintf(buf, sizeof buf, "%s", offer_id);
	for (tok = strtok_r(buf, "_", &save); tok != NULL && nf < 8;
	    tok = strtok_r(NULL, "_", &save))
		f[nf++] = tok;
	if ((nf != 6 && nf != 8) || tok != NULL || strcmp(f[0], "F1") != 0 ||
	    strlen(f[1]) != 1 || (c = strchr(cabins, f[1][0])) == NULL ||
	    strlen(f[2]) != 2 || !flights_is_code(f[2], 2, 1) ||
	    (nout = flights_parse_path(f[3], outp)) < 0 ||
	    flights_parse_date(f[4], &dout) != 0 ||
	    (nf == 8 && ((nret = flights_parse_path(f[5], retp)) < 0 ||
	    flights_parse_date(f[6], &dret) != 0))) {
		snprintf(err, errlen, "%s", bad);
		return (1);
	}
	*quoted = strtoll(f[nf - 1], &end, 10);
	if (*end != '\0' || *quoted <= 0 || f[nf - 1][0] == '0') {
		snprintf(err, errlen, "%s", bad);
		return (1);
	}
	o->cabin = (enum travel_cabin)(c - cabins);
	memcpy(o->airline, f[2], 3);
	travel_flights_airline_name(db, o->airline, o->airline_name,
	    sizeof o->airline_name);
	for (i = 0; i < nout; i++)
		pp[i] = outp[i];
	if ((r = flights_trip(db, o->airline, pp, nout, &dout, o->cabin, today,
	    &o->out, err, errlen)) != 0)
		return (r);
	if (nf == 8) {
		o->has_return = true;
		for (i = 0; i < nret; i++)
			pp[i] = retp[i];
		if ((r = flights_trip(db, o->airline, pp, nret, &dret,
		    o->cabin, today, &o->ret, err, errlen)) != 0)
			return (r);
	}
	o->per_traveler_cents = o->out.fare_cents + o->ret.fare_cents;
	o->seats_left = o->out.seats_left;
	if (o->has_return && o->ret.seats_left < o->seats_left)
		o->seats_left = o->ret.seats_left;
	flights_offer_id(o);
	return (0);
}

/* Airlines ---------------------------------------------------------------- */

static const char flights_airline_sql[] =
    "SELECT name FROM airlines WHERE iata = ?1 ORDER BY active = 'Y' DESC, "
    "airline_id LIMIT 1";

static const char flights_airlines_sql[] =
    "SELECT iata, name FROM airlines WHERE active = 'Y' AND iata IS NOT NULL "
    "ORDER BY airline_id";

void
travel_flights_airline_name(sqlite3 *db, const char *code, char *buf,
    size_t len)
{
	sqlite3_stmt	*st;
	char		 err[128];

	snprintf(buf, len, "%s", code);
	if ((st = travel_db_stmt(db, flights_airline_sql, err,
	    sizeof err)) == NULL)
		return;
	sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		snprintf(buf, len, "%s", travel_db_text(st, 0));
	sqlite3_reset(st);
}

int
travel_flights_airlines(sqlite3 *db, const char *query, char codes[][4],
    size_t max, size_t *n, char *err, size_t errlen)
{
	sqlite3_stmt	*st;
	char		 q[256], name[256];
	size_t		 qn, i;
	int		 rc;

	*n = 0;
	qn = common_place_fold(query, q, sizeof q);
	if (qn == 0)
		return (0);
	if ((st = travel_db_stmt(db, flights_airlines_sql, err,
	    errlen)) == NULL)
		return (-1);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && *n < max) {
		const char *code = travel_db_text(st, 0);
		int hit;

		common_place_fold(code, name, sizeof name);
		hit = strlen(code) == 2 && strcmp(name, q) == 0;
		if (!hit) {
			common_place_fold(travel_db_text(st, 1), name,
			    sizeof name);
			hit = strncmp(name, q, qn) == 0 &&
			    (name[qn] == '\0' || name[qn] == ' ');
		}
		if (!hit || strlen(code) != 2)
			continue;
		for (i = 0; i < *n; i++)
			if (strcmp(codes[i], code) == 0)
				break;
		if (i == *n)
			memcpy(codes[(*n)++], code, 3);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		snprintf(err, errlen, "travel database: %s", sqlite3_errmsg(db));
		return (-1);
	}
	return (0);
}

/* Searching --------------------------------------------------------------- */

static const char flights_nonstop_sql[] =
    "SELECT airline FROM legs WHERE src = ?1 AND dst = ?2 AND active "
    "ORDER BY airline";

static const char flights_onestop_sql[] =
    "SELECT l1.airline, l1.dst FROM legs l1 JOIN legs l2 ON "
    "l2.src = l1.dst AND l2.dst = ?2 AND l2.airline = l1.airline "
    "WHERE l1.src = ?1 AND l1.dst <> ?2 AND l1.active "
    "ORDER BY l1.airline, l1.dst";

struct flights_cand {
	char	airline[4];
	char	path[TRAVEL_FLIGHTS_MAX_LEGS + 1][4];
	int	npath;
	double	km;		/* flown */
	int	hub;		/* routes at the connecting airport */
};

static int
flights_is_preferred(const struct travel_flight_query *q, const char *code)
{
	size_t	i;

	for (i = 0; i < q->npreferred; i++)
		if (strcmp(q->preferred[i], code) == 0)
			return (1);
	return (0);
}

static int
flights_cand_cmp(const void *a, const void *b)
{
	const struct flights_cand *x = a, *y = b;

	if (x->npath != y->npath)
		return (x->npath - y->npath);
	if (x->km != y->km)
		return (x->km < y->km ? -1 : 1);
	if (x->hub != y->hub)
		return (y->hub - x->hub);
	return (strcmp(x->airline, y->airline));
}

/* Nonstop candidates of every origin/destination airport pair. */
static int
flights_nonstops(sqlite3 *db, const struct travel_flight_query *q,
    struct flights_cand *c, size_t *nc, char *err, size_t errlen)
{
	sqlite3_stmt	*st;
	size_t		 i, j;
	int		 rc;

	for (i = 0; q->origin[i] != NULL; i++) {
		for (j = 0; q->destination[j] != NULL; j++) {
			if ((st = travel_db_stmt(db, flights_nonstop_sql, err,
			    errlen)) == NULL)
				return (-1);
			sqlite3_bind_text(st, 1, q->origin[i], -1,
			    SQLITE_STATIC);
			sqlite3_bind_text(st, 2, q->destination[j], -1,
			    SQLITE_STATIC);
			while ((rc = sqlite3_step(st)) == SQLITE_ROW &&
			    *nc < FLIGHTS_MAX_CANDIDATES) {
				struct flights_cand *k = &c[(*nc)++];

				memset(k, 0, sizeof *k);
				snprintf(k->airline, sizeof k->airline, "%s",
				    travel_db_text(st, 0));
				snprintf(k->path[0], 4, "%s", q->origin[i]);
				snprintf(k->path[1], 4, "%s",
				    q->destination[j]);
				k->npath = 2;
			}
			sqlite3_reset(st);
			if (rc != SQLITE_ROW && rc != SQLITE_DONE)
				goto sqlfail;
		}
	}
	return (0);
sqlfail:
	snprintf(err, errlen, "travel database: %s", sqlite3_errmsg(db));
	return (-1);
}

/*
 * One-stop candidates through real hubs of the same airline, the shortest
 * detours first; only airlines in only (when only is set).
 */
static int
flights_onestops(sqlite3 *db, const struct travel_flight_query *q,
    bool only_preferred, struct flights_cand *c, size_t *nc, char *err,
    size_t errlen)
{
	struct flights_cand	*all = NULL;
	size_t			 nall = 0, cap = 0, i, j, k, kept;
	sqlite3_stmt		*st;
	int			 rc, r;

	for (i = 0; q->origin[i] != NULL; i++) {
		for (j = 0; q->destination[j] != NULL; j++) {
			struct flights_airport a, b, h;
			double direct;

			if ((r = flights_airport(db, q->origin[i], &a, err,
			    errlen)) < 0 || (r > 0 && (r = flights_airport(db,
			    q->destination[j], &b, err, errlen)) < 0))
				goto fail;
			if (r == 0)
				continue;
			direct = flights_km(&a, &b);
			if ((st = travel_db_stmt(db, flights_onestop_sql, err,
			    errlen)) == NULL)
				goto fail;
			sqlite3_bind_text(st, 1, q->origin[i], -1,
			    SQLITE_STATIC);
			sqlite3_bind_text(st, 2, q->destination[j], -1,
			    SQLITE_STATIC);
			while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
				struct flights_cand *x;
				char airline[4], hub[4];

				snprintf(airline, sizeof airline, "%s",
				    travel_db_text(st, 0));
				snprintf(hub, sizeof hub, "%s",
				    travel_db_text(st, 1));
				if (only_preferred &&
				    !flights_is_preferred(q, airline))
					continue;
				if (nall == cap) {
					cap = cap ? cap * 2 : 64;
					if ((all = realloc(all, cap *
					    sizeof *all)) == NULL) {
						fprintf(stderr, "out of memory "
						    "allocating %zu bytes\n",
						    cap * sizeof *all);
						abort();
					}
				}
				x = &all[nall];
				memset(x, 0, sizeof *x);
				memcpy(x->airline, airline, 4);
				memcpy(x->path[0], q->origin[i], 4);
				memcpy(x->path[1], hub, 4);
				memcpy(x->path[2], q->destination[j], 4);
				x->npath = 3;
				nall++;
			}
			sqlite3_reset(st);
			if (rc != SQLITE_DONE) {
				snprintf(err, errlen, "travel database: %s",
				    sqlite3_errmsg(db));
				goto fail;
			}
			/* Distances of the new ones (hubs looked up after
			 * the route scan, which shares no statement). */
			for (k = 0; k < nall; k++) {
				struct flights_cand *x = &all[k];

				if (x->km != 0 || strcmp(x->path[0],
				    q->origin[i]) != 0 || strcmp(x->path[2],
				    q->destination[j]) != 0)
					continue;
				if ((r = flights_airport(db, x->path[1], &h,
				    err, errlen)) < 0)
					goto fail;
				x->km = r == 0 ? 1e12 : flights_km(&a, &h) +
				    flights_km(&h, &b);
				x->hub = r == 0 ? 0 : h.routes;
				if (x->km > FLIGHTS_MAX_DETOUR * direct + 300)
					x->km = 1e12;
			}
		}
	}
	if (nall > 0)
		qsort(all, nall, sizeof *all, flights_cand_cmp);
	for (k = 0; k < nall && *nc < FLIGHTS_MAX_CANDIDATES; k++) {
		if (all[k].km >= 1e12)
			break;
		/* At most a few hubs per airline and airport pair. */
		for (kept = 0, i = 0; i < *nc; i++)
			if (c[i].npath == 3 && strcmp(c[i].airline,
			    all[k].airline) == 0 && strcmp(c[i].path[0],
			    all[k].path[0]) == 0 && strcmp(c[i].path[2],
			    all[k].path[2]) == 0)
				kept++;
		if (kept < FLIGHTS_HUBS_PER_AIRLINE)
			c[(*nc)++] = all[k];
	}
	free(all);
	return (0);
fail:
	free(all);
	return (-1);
}

static int
flights_offer_cmp(const void *a, const void *b)
{
	const struct travel_flight_offer *x = a, *y = b;

	if (x->preferred != y->preferred)
		return (x->preferred ? -1 : 1);
	if (x->out.nlegs != y->out.nlegs)
		return (x->out.nlegs - y->out.nlegs);
	if (x->per_traveler_cents != y->per_traveler_cents)
		return (x->per_traveler_cents < y->per_traveler_cents ? -1 : 1);
	if (x->out.legs[0].dep_utc != y->out.legs[0].dep_utc)
		return (x->out.legs[0].dep_utc < y->out.legs[0].dep_utc ?
		    -1 : 1);
	return (strcmp(x->offer_id, y->offer_id));
}

int
travel_flights_search(sqlite3 *db, const struct travel_flight_query *q,
    size_t max, struct travel_flight_offer **out, size_t *n,
    struct travel_flight_stats *stats, char *err, size_t errlen)
{
	struct flights_cand		 c[FLIGHTS_MAX_CANDIDATES];
	struct travel_flight_offer	*v;
	size_t				 nc = 0, i, nonstop, nv = 0;
	bool				 pref_nonstop = false;
	char				 why[256];
	int				 r;

	*out = NULL;
	*n = 0;
	memset(stats, 0, sizeof *stats);
	if (flights_nonstops(db, q, c, &nc, err, errlen) != 0)
		return (-1);
	nonstop = nc;
	for (i = 0; i < nc; i++)
		if (flights_is_preferred(q, c[i].airline))
			pref_nonstop = true;
	if (nonstop < 3 || (q->npreferred > 0 && !pref_nonstop)) {
		stats->one_stop = true;
		if (flights_onestops(db, q, nonstop >= 3, c, &nc, err,
		    errlen) != 0)
			return (-1);
	}

	v = calloc(nc > 0 ? nc : 1, sizeof *v);
	if (v == NULL) {
		fprintf(stderr, "out of memory allocating %zu bytes\n",
		    nc * sizeof *v);
		abort();
	}
	for (i = 0; i < nc; i++) {
		struct travel_flight_offer *o = &v[nv];
		const char *pp[TRAVEL_FLIGHTS_MAX_LEGS + 1];
		int k;

		memset(o, 0, sizeof *o);
		memcpy(o->airline, c[i].airline, 4);
		o->cabin = q->cabin;
		for (k = 0; k < c[i].npath; k++)
			pp[k] = c[i].path[k];
		r = flights_trip(db, o->airline, pp, c[i].npath, &q->departure,
		    q->cabin, &q->today, &o->out, why, sizeof why);
		if (r == 0 && q->has_return) {
			for (k = 0; k < c[i].npath; k++)
				pp[k] = c[i].path[c[i].npath - 1 - k];
			o->has_return = true;
			r = flights_trip(db, o->airline, pp, c[i].npath,
			    &q->ret, q->cabin, &q->today, &o->ret, why,
			    sizeof why);
		}
		if (r < 0) {
			snprintf(err, errlen, "%s", why);
			free(v);
			return (-1);
		}
		if (r > 0) {
			if (strstr(why, "cabin") != NULL)
				stats->no_cabin++;
			continue;
		}
		stats->itineraries++;
		o->per_traveler_cents = o->out.fare_cents + o->ret.fare_cents;
		o->seats_left = o->out.seats_left;
		if (o->has_return && o->ret.seats_left < o->seats_left)
			o->seats_left = o->ret.seats_left;
		if (o->seats_left < q->travelers) {
			stats->sold_out++;
			continue;
		}
		if (q->max_total_cents >= 0 && o->per_traveler_cents *
		    q->travelers > q->max_total_cents) {
			stats->over_price++;
			continue;
		}
		o->preferred = flights_is_preferred(q, o->airline);
		travel_flights_airline_name(db, o->airline, o->airline_name,
		    sizeof o->airline_name);
		flights_offer_id(o);
		nv++;
	}
	qsort(v, nv, sizeof *v, flights_offer_cmp);
	stats->matched = nv;
	*out = v;
	*n = nv < max ? nv : max;
	return (0);
}

/* Presenting -------------------------------------------------------------- */

static cJSON *
flights_trip_json(const struct travel_flight_trip *t)
{
	cJSON	*j = cJSON_CreateObject(), *segs = cJSON_CreateArray();
	int	 i;

	for (i = 0; i < t->nlegs; i++) {
		const struct travel_flight_leg *l = &t->legs[i];
		cJSON *s = cJSON_CreateObject();

		cJSON_AddStringToObject(s, "flight", l->flight);
		cJSON_AddStringToObject(s, "from", l->from);
		cJSON_AddStringToObject(s, "to", l->to);
		cJSON_AddStringToObject(s, "departure", l->departure);
		cJSON_AddStringToObject(s, "departureTimeZone", l->from_tz);
		cJSON_AddStringToObject(s, "arrival", l->arrival);
		cJSON_AddStringToObject(s, "arrivalTimeZone", l->to_tz);
		cJSON_AddNumberToObject(s, "durationMinutes", l->minutes);
		cJSON_AddNumberToObject(s, "distanceKm", l->km);
		cJSON_AddNumberToObject(s, "seatsLeft", l->seats_left);
		cJSON_AddItemToArray(segs, s);
	}
	cJSON_AddStringToObject(j, "departure", t->legs[0].departure);
	cJSON_AddStringToObject(j, "arrival", t->legs[t->nlegs - 1].arrival);
	cJSON_AddNumberToObject(j, "durationMinutes", t->minutes);
	cJSON_AddNumberToObject(j, "stops", t->nlegs - 1);
	cJSON_AddItemToObject(j, "segments", segs);
	return (j);
}

cJSON *
travel_flights_offer_json(const struct travel_flight_offer *o, int travelers)
{
	cJSON	*j = cJSON_CreateObject(), *fl = cJSON_CreateArray();
	int	 i;

	cJSON_AddStringToObject(j, "offerId", o->offer_id);
	cJSON_AddStringToObject(j, "airline", o->airline_name);
	cJSON_AddStringToObject(j, "airlineCode", o->airline);
	for (i = 0; i < o->out.nlegs; i++)
		cJSON_AddItemToArray(fl,
		    cJSON_CreateString(o->out.legs[i].flight));
	for (i = 0; o->has_return && i < o->ret.nlegs; i++)
		cJSON_AddItemToArray(fl,
		    cJSON_CreateString(o->ret.legs[i].flight));
	cJSON_AddItemToObject(j, "flightNumbers", fl);
	cJSON_AddStringToObject(j, "cabin", flights_cabins[o->cabin]);
	cJSON_AddNumberToObject(j, "stops", o->out.nlegs - 1);
	cJSON_AddBoolToObject(j, "preferred", o->preferred);
	cJSON_AddItemToObject(j, "outbound", flights_trip_json(&o->out));
	if (o->has_return)
		cJSON_AddItemToObject(j, "return", flights_trip_json(&o->ret));
	common_money_add(j, "pricePerTraveler", o->per_traveler_cents);
	cJSON_AddNumberToObject(j, "travelers", travelers);
	common_money_add(j, "totalPrice", o->per_traveler_cents * travelers);
	cJSON_AddStringToObject(j, "currency", COMMON_MONEY_CURRENCY);
	cJSON_AddNumberToObject(j, "seatsLeft", o->seats_left);
	return (j);
}

void
travel_flights_offer_line(const struct travel_flight_offer *o, int travelers,
    char *buf, size_t len)
{
	char	total[32], flights[64];
	size_t	n = 0;
	int	i;

	for (i = 0; i < o->out.nlegs; i++)
		n += (size_t)snprintf(flights + n, sizeof flights - n, "%s%s",
		    i > 0 ? "+" : "", o->out.legs[i].flight);
	common_money_format(o->per_traveler_cents * travelers, total,
	    sizeof total);
	snprintf(buf, len, "%s %s %s-%s %s, %s, departs %.16s, %s total for "
	    "%d", o->airline_name, flights, o->out.legs[0].from,
	    o->out.legs[o->out.nlegs - 1].to, o->out.nlegs == 1 ? "nonstop" :
	    "one stop", flights_cabins[o->cabin], o->out.legs[0].departure,
	    total, travelers);
}
