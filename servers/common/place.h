/*
 * Places. Forgiving resolution of what a user types as a place (an IATA
 * airport code, a metro code such as NYC, a city name in any case with or
 * without accents, a hand-written extra such as the Gothic Quarter) and
 * prefix completion over the same names, best-known places first.
 */
#ifndef SERVERS_COMMON_PLACE_H
#define SERVERS_COMMON_PLACE_H

#include <stddef.h>

#include <sqlite3.h>

enum common_place_kind {
	COMMON_PLACE_CITY,
	COMMON_PLACE_AIRPORT,
	COMMON_PLACE_METRO,	/* a metro code: a city with several airports */
	COMMON_PLACE_DISTRICT	/* a row of places-extra.csv */
};

struct common_place {
	enum common_place_kind kind;
	char		code[8];	/* IATA or metro code; "" for a plain city */
	char		name[128];	/* "Barcelona", "Zurich Airport", "Gothic Quarter" */
	char		city[128];	/* the city it belongs to (its own name for a city) */
	char		country_code[4];
	char		country[64];	/* "Spain"; the code when unknown */
	char		region[8];	/* a US city's state ("IL"), else "" */
	double		lat;
	double		lon;
	char		tz[48];
	char		airports[64];	/* ';'-separated IATA codes serving it */
	long long	population;	/* of the city; 0 when unknown */
	long long	geonames_id;	/* of the city; 0 when unknown */
	long long	weight;		/* ranking score, higher is better known */
	char		source[256];	/* for hand-written rows, where they come from */
};

enum common_place_status {
	COMMON_PLACE_FOUND,	/* places[0] is the answer; the rest are named in message */
	COMMON_PLACE_AMBIGUOUS,	/* places are the ranked candidates; none was chosen */
	COMMON_PLACE_NOT_FOUND	/* places is empty; message says what is accepted */
};

/* At most this many candidates are kept in a result. */
#define COMMON_PLACE_MAX	8

struct common_place_result {
	enum common_place_status status;
	size_t			 n;
	struct common_place	 places[COMMON_PLACE_MAX];
	char			 message[768];	/* one line, for a tool result */
};

/* Loading */
/*
 * The tables and index place resolution reads; put this in a migration of
 * each server that resolves places.
 */
extern const char common_place_schema[];
/*
 * Loads airports.csv, cities.csv and places-extra.csv from datadir into the
 * schema's tables and builds the folded-name index. Call it inside the
 * migration (one transaction) right after common_place_schema.
 */
int	 common_place_load(sqlite3 *, const char *datadir, char *err,
	     size_t errlen);

/* Resolving */
/*
 * Resolves query. Returns a result the caller frees with
 * common_place_result_free, or NULL with err filled on a database error.
 * A "Name, Country" query narrows candidates by country name or code, or by
 * a US state code ("Springfield, IL").
 */
struct common_place_result *common_place_resolve(sqlite3 *, const char *query,
	     char *err, size_t errlen);
void	 common_place_result_free(struct common_place_result *);
/* "Barcelona, Spain", "Springfield, IL, United States" (US cities name their
 * state, the only way to tell them apart), "Zurich Airport (ZRH),
 * Switzerland", "New York (NYC), United States". */
void	 common_place_label(const struct common_place *, char *buf,
	     size_t len);

/* Completion */
/*
 * Up to max labels that resolve back to a place, for names starting with
 * prefix (accent and case insensitive), best-known first. *out is an array
 * of *n strings the caller frees with common_place_strings_free.
 */
int	 common_place_complete(sqlite3 *, const char *prefix, size_t max,
	     char ***out, size_t *n, char *err, size_t errlen);
void	 common_place_strings_free(char **, size_t);

/* Folding */
/*
 * Writes the matching key of a UTF-8 name into out: Latin letters without
 * accents in lower case ("Zürich" → "zurich", "São Paulo" → "sao paulo"),
 * digits, single spaces for any run of punctuation or space. Returns the
 * key's length (truncated to fit len).
 */
size_t	 common_place_fold(const char *, char *out, size_t len);

#endif
