/*
 * Flights. Offers synthesised from the real routes: nonstop where an
 * airline flies the route, one stop through a real hub of the same airline
 * otherwise; times from great-circle distance in the airports' time zones;
 * fares and seats from distance, season, hub size, competition, how far
 * ahead and how full the flight is. The same query always gives the same
 * offers, and seats sold (flight_seats) are taken out of them.
 */
#ifndef SERVERS_TRAVEL_FLIGHTS_H
#define SERVERS_TRAVEL_FLIGHTS_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include <cjson/cJSON.h>
#include <sqlite3.h>

#include "servers/common/date.h"

/* Said in every result that shows a fare or a seat count. */
#define TRAVEL_SIMULATED "prices and seat inventory are simulated " \
	"(synthesised from real routes, distances and seasons; no real " \
	"airline or hotel is booked)"

enum travel_cabin {
	TRAVEL_CABIN_ECONOMY,
	TRAVEL_CABIN_PREMIUM,
	TRAVEL_CABIN_BUSINESS,
	TRAVEL_CABIN_FIRST
};

/* "economy", "premium_economy", "business", "first". */
const char *travel_flights_cabin_name(enum travel_cabin);
/* 0, or -1 when s names no cabin. */
int	 travel_flights_cabin_parse(const char *s, enum travel_cabin *);

#define TRAVEL_FLIGHTS_MAX_LEGS	2	/* nonstop or one stop */

struct travel_flight_leg {
	char		 flight[8];	/* "DL158" */
	char		 key[24];	/* "DL158-JFK-BCN": the seat inventory's */
	char		 from[4];
	char		 to[4];
	char		 from_tz[48];
	char		 to_tz[48];
	char		 date[COMMON_DATE_LEN];	/* local departure date */
	char		 departure[32];	/* local, ISO 8601 with its offset */
	char		 arrival[32];
	time_t		 dep_utc;
	time_t		 arr_utc;
	int		 minutes;
	int		 km;		/* great-circle */
	int		 capacity;	/* seats of the cabin */
	int		 seats_left;
	long long	 fare_cents;	/* per traveller */
};

/* One direction: one or two legs of one airline. */
struct travel_flight_trip {
	int			 nlegs;
	struct travel_flight_leg legs[TRAVEL_FLIGHTS_MAX_LEGS];
	int			 minutes;	/* first departure to last arrival */
	int			 seats_left;	/* the fewest of its legs */
	long long		 fare_cents;	/* per traveller */
};

struct travel_flight_offer {
	char			 offer_id[128];
	char			 airline[4];	/* IATA code */
	char			 airline_name[128];
	enum travel_cabin	 cabin;
	bool			 has_return;
	bool			 preferred;	/* an airline the query preferred */
	struct travel_flight_trip out;
	struct travel_flight_trip ret;
	long long		 per_traveler_cents;
	int			 seats_left;
};

struct travel_flight_query {
	const char		*origin[8];	/* airports, NULL-ended */
	const char		*destination[8];
	struct common_date	 departure;
	bool			 has_return;
	struct common_date	 ret;
	int			 travelers;
	enum travel_cabin	 cabin;
	long long		 max_total_cents;	/* -1: no limit */
	char			 preferred[16][4];	/* airline codes */
	size_t			 npreferred;
	struct common_date	 today;
};

/* What a search found besides the offers, for the result's notes. */
struct travel_flight_stats {
	size_t	 itineraries;	/* operated on the dates */
	size_t	 sold_out;	/* too few seats for the party */
	size_t	 over_price;	/* above max_total_cents */
	size_t	 no_cabin;	/* the cabin not on that aircraft */
	size_t	 matched;	/* offers before the cut to max */
	bool	 one_stop;	/* one-stop itineraries were looked for */
};

/* Searching */
/*
 * Offers for q, best first (preferred airlines, fewer stops, lower total),
 * at most max. *out (the caller frees it) holds *n offers. 0, or -1 with
 * err on a database error.
 */
int	 travel_flights_search(sqlite3 *, const struct travel_flight_query *,
	     size_t max, struct travel_flight_offer **out, size_t *n,
	     struct travel_flight_stats *, char *err, size_t errlen);

/* Offers again */
/*
 * Rebuilds an offer from its id as of now (fares follow seats sold).
 * OUT: *quoted, the per-traveller price the id was issued with. 0: *out
 * filled; 1: not an offer id this server issues, or a flight that does not
 * operate (err says why, for the user); -1: database error.
 */
int	 travel_flights_offer(sqlite3 *, const char *offer_id,
	     const struct common_date *today, struct travel_flight_offer *out,
	     long long *quoted, char *err, size_t errlen);

/* Airlines */
/*
 * The active airlines query names: an IATA code ("DL") or a name, whole
 * or its first words, in any case and with or without accents ("Delta",
 * "delta air lines"). OUT: codes[*n]. 0, or -1 with err on a database error.
 */
int	 travel_flights_airlines(sqlite3 *, const char *query,
	     char codes[][4], size_t max, size_t *n, char *err, size_t errlen);
/* The airline's name, or its code when unknown. */
void	 travel_flights_airline_name(sqlite3 *, const char *code, char *buf,
	     size_t len);

/* Presenting */
/* The offer as a tool result shows it (the caller owns the object). */
cJSON	*travel_flights_offer_json(const struct travel_flight_offer *,
	     int travelers);
/* "Delta Air Lines DL158 JFK-BCN nonstop, economy, departs 2024-06-15T18:30,
 * $1,396 total for 2". */
void	 travel_flights_offer_line(const struct travel_flight_offer *,
	     int travelers, char *buf, size_t len);

/* Seats */
/* Inside the caller's transaction: sells n seats on every leg of trip. */
int	 travel_flights_sell(sqlite3 *, const struct travel_flight_trip *,
	     enum travel_cabin, int n, char *err, size_t errlen);

#endif
