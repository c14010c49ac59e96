/*
 * Hotels. No open hotel dataset exists, so each city's hotels are
 * synthesised on the fly from a stable seed (its GeoNames id) and real
 * facts (population, attractions and their visitors, hand-written
 * districts, the country's price level); only the rooms bookings have
 * taken are stored. Prices and inventory are simulated and every result
 * says so.
 */
#ifndef SERVERS_TRAVEL_HOTELS_H
#define SERVERS_TRAVEL_HOTELS_H

#include <stddef.h>

#include <sqlite3.h>

#include "mcp/server.h"

/* The contract with the rest of servers/travel ------------------------- */

/*
 * SQL creating the hotel tables (hotel_attractions, hotel_inventory). The
 * travel migration runs it, inside its transaction, after
 * common_place_schema and common_place_load.
 */
extern const char travel_hotels_schema[];
/*
 * Seeds the hotel tables: loads attractions.csv from datadir (hotels are
 * placed near them and distances are measured to them); the hotels
 * themselves are synthesised when asked for. Runs inside the same
 * migration transaction, after the schema above. 0, or -1 with err filled.
 */
int	 travel_hotels_seed(sqlite3 *, const char *datadir, char *err,
	     size_t errlen);

/* The searchHotels tool; its handler's arg is the server's struct common_app * (app->db). */
extern const struct mcp_tool travel_tool_search_hotels;

struct travel_hotel_offer {
	char		offer_id[64];
	char		hotel_id[48];
	char		name[128];
	char		chain[64];		/* "" for an independent */
	int		stars;
	char		city[128];
	char		country_code[4];
	char		area[128];		/* district / address area */
	char		check_in[11];		/* YYYY-MM-DD */
	char		check_out[11];
	int		nights;
	int		guests;
	int		rooms;
	long long	nightly_cents;		/* per room (the stay's average night) */
	long long	total_cents;		/* all rooms, all nights */
};

/*
 * Recomputes an offer id that searchHotels returned, as of now (price and
 * availability), for `guests` guests (1..20; the rooms follow from them).
 * 0: *out filled; 1: not a valid or current offer, or not enough rooms
 * left (err says why, in words for the user); -1: database error (err
 * filled).
 */
int	 travel_hotels_offer(sqlite3 *, const char *offer_id, int guests,
	     struct travel_hotel_offer *out, char *err, size_t errlen);
/*
 * Inside the caller's transaction: takes the offer's rooms for each night.
 * 0, 1 when they are no longer available (err says so; nothing taken), -1
 * on a database error.
 */
int	 travel_hotels_take(sqlite3 *, const struct travel_hotel_offer *,
	     char *err, size_t errlen);
/*
 * Inside the caller's transaction: gives back the rooms a booking of
 * offer_id took (rooms for the nights), for cancelBooking. 0 or -1.
 */
int	 travel_hotels_release(sqlite3 *, const char *offer_id, int rooms,
	     char *err, size_t errlen);

/* Between hotels.c and tool-search-hotels.c only ------------------------ */

struct common_date;

/* Ceilings: hotels per city, sights a city's hotels are placed near. */
#define TRAVEL_HOTELS_MAX	40
#define TRAVEL_HOTELS_ANCHORS	24
/* Guests per room, and the longest stay. */
#define TRAVEL_HOTELS_PER_ROOM	2
#define TRAVEL_HOTELS_MAX_NIGHTS 30
#define TRAVEL_HOTELS_MAX_GUESTS 20

/* One synthesised hotel. */
struct travel_hotel {
	char		id[48];		/* "H3128760-07": city and index */
	char		name[128];
	char		chain[64];	/* the group ("Marriott"); "" independent */
	char		brand[64];	/* "Courtyard by Marriott"; "" independent */
	int		stars;		/* 2..5 */
	char		area[128];
	double		lat;
	double		lon;
	int		allotment;	/* rooms sold through us per night */
	double		base_cents;	/* a room-night before season and weekday */
};

/* A city and its hotels, as synthesised. */
struct travel_hotels_city {
	long long	geonames_id;
	char		name[128];
	char		country_code[4];
	char		country[64];
	double		lat;
	double		lon;
	double		price_level;	/* 1.0: a typical western European city */
	size_t		n;
	struct travel_hotel hotels[TRAVEL_HOTELS_MAX];
};

/*
 * Synthesises the hotels of the city with GeoNames id gid into *out. 0;
 * 1 when there is no such city (err says so); -1 on a database error.
 */
int	 travel_hotels_city(sqlite3 *, long long gid,
	     struct travel_hotels_city *out, char *err, size_t errlen);
/* The price of one room for the night starting on night, in whole dollars as cents. */
long long travel_hotels_night_cents(const struct travel_hotels_city *,
	     const struct travel_hotel *, const struct common_date *night);
/* Rooms needed for guests. */
int	 travel_hotels_rooms_for(int guests);
/*
 * OUT: *left, the fewest rooms still free on any night of the stay. 0 or
 * -1 with err filled.
 */
int	 travel_hotels_rooms_left(sqlite3 *, const struct travel_hotel *,
	     const struct common_date *check_in, int nights, int *left,
	     char *err, size_t errlen);
/* The same for every hotel of c at once: left[i] for c->hotels[i]. */
int	 travel_hotels_city_left(sqlite3 *, const struct travel_hotels_city *c,
	     const struct common_date *check_in, int nights, int *left,
	     char *err, size_t errlen);
/* Writes the offer id (at most 63 characters and its NUL) into buf. */
void	 travel_hotels_offer_id(const struct travel_hotel *,
	     const struct common_date *check_in,
	     const struct common_date *check_out, int guests, char *buf,
	     size_t len);
/*
 * Finds a sight by name in the city (its attractions and hand-written
 * districts; accent and case insensitive, whole name first, then a name
 * containing it, the best-known first). 1 with *name (its own spelling),
 * *lat and *lon filled; 0 when unknown; -1 on a database error.
 */
int	 travel_hotels_sight(sqlite3 *, const struct travel_hotels_city *,
	     const char *query, char *name, size_t namelen, double *lat,
	     double *lon, char *err, size_t errlen);
/* Whether the folded words needle occur in the folded hay, on word boundaries. */
int	 travel_hotels_words(const char *hay, const char *needle);
/* Whether a folded name is one of our chains or brands ("marriott", "moxy"). */
int	 travel_hotels_chain_known(const char *folded);
/* Great-circle distance in km. */
double	 travel_hotels_km(double lat1, double lon1, double lat2, double lon2);

#endif
