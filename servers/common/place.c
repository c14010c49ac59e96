/*
 * Places. Every name in the data is indexed once under a folded key (no
 * accents, no case, no punctuation), so "Zurich", "zürich" and "ZÜRICH"
 * meet the same row; ranking by population or airport size decides when
 * one candidate clearly dominates and when the user must choose.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "place.h"

/* A candidate wins outright when it outweighs the next by this factor. */
#define PLACE_DOMINANCE		2
/* Input longer than this is not a place name. */
#define PLACE_MAX_INPUT		200
/* Weights of airports that stand for a town the city data lacks. */
#define PLACE_WEIGHT_LARGE	1000000
#define PLACE_WEIGHT_MEDIUM	100000
/* Weight of a hand-written row: below any city of the same name. */
#define PLACE_WEIGHT_EXTRA	1

const char common_place_schema[] =
    "CREATE TABLE airports ("
    " iata TEXT PRIMARY KEY, icao TEXT, name TEXT NOT NULL, city TEXT,"
    " country_code TEXT, region_code TEXT, continent TEXT, lat REAL,"
    " lon REAL, elevation_ft INTEGER, size TEXT, scheduled_service TEXT,"
    " tz TEXT, ourairports_id INTEGER);"
    "CREATE TABLE cities ("
    " geonames_id INTEGER PRIMARY KEY, name TEXT NOT NULL,"
    " country_code TEXT, country TEXT, admin1_code TEXT, is_capital TEXT,"
    " population INTEGER, lat REAL, lon REAL, tz TEXT, airports TEXT,"
    " climate_station_id TEXT, climate_station_km REAL);"
    "CREATE INDEX cities_country ON cities(country_code);"
    "CREATE TABLE place_extra ("
    " name TEXT NOT NULL, kind TEXT NOT NULL, city TEXT,"
    " country_code TEXT, lat REAL NOT NULL, lon REAL NOT NULL,"
    " aliases TEXT, source TEXT NOT NULL);"
    "CREATE TABLE place_names ("
    " key TEXT NOT NULL, kind TEXT NOT NULL, ref TEXT NOT NULL,"
    " country_code TEXT, weight INTEGER NOT NULL);"
    "CREATE INDEX place_names_key ON place_names(key, weight DESC);";

/* Metro codes: a city (by GeoNames id) served by several airports. */
struct place_metro {
	const char	*code;
	long long	 geonames_id;
	const char	*alias;		/* the everyday name, when GeoNames differs */
	const char	*airports[6];
};

static const struct place_metro place_metros[] = {
	{ "NYC", 5128581, "New York", { "JFK", "LGA", "EWR" } },
	{ "LON", 2643743, NULL, { "LHR", "LGW", "STN", "LTN", "LCY", "SEN" } },
	{ "PAR", 2988507, NULL, { "CDG", "ORY", "BVA" } },
	{ "TYO", 1850147, NULL, { "HND", "NRT" } },
	{ "CHI", 4887398, NULL, { "ORD", "MDW" } },
	{ "WAS", 4140963, "Washington", { "IAD", "DCA", "BWI" } },
	{ "MIL", 3173435, NULL, { "MXP", "LIN", "BGY" } },
	{ "ROM", 3169070, NULL, { "FCO", "CIA" } },
	{ "STO", 2673730, NULL, { "ARN", "BMA", "NYO" } },
	{ "MOW", 524901, NULL, { "SVO", "DME", "VKO" } },
	{ "BUE", 3435910, NULL, { "EZE", "AEP" } },
	{ "RIO", 3451190, NULL, { "GIG", "SDU" } },
	{ "SAO", 3448439, NULL, { "GRU", "CGH", "VCP" } },
	{ "YTO", 6167865, NULL, { "YYZ", "YTZ" } },
	{ "YMQ", 6077243, NULL, { "YUL" } },
	{ "OSA", 1853909, NULL, { "KIX", "ITM", "UKB" } },
	{ "SEL", 1835848, NULL, { "ICN", "GMP" } },
	{ "BJS", 1816670, NULL, { "PEK", "PKX", "NAY" } },
	{ "JKT", 1642911, NULL, { "CGK", "HLP" } },
	{ "REK", 3413829, NULL, { "KEF", "RKV" } },
	{ "DTT", 4990729, NULL, { "DTW" } },
};
#define PLACE_NMETROS (sizeof place_metros / sizeof place_metros[0])

/* ASCII spellings of U+00C0..U+017F (Latin-1 Supplement, Latin Extended-A). */
static const char *const place_fold_table[192] = {
	/* U+00C0 */ "a", "a", "a", "a", "a", "a", "ae", "c",
	/* U+00C8 */ "e", "e", "e", "e", "i", "i", "i", "i",
	/* U+00D0 */ "d", "n", "o", "o", "o", "o", "o", " ",
	/* U+00D8 */ "o", "u", "u", "u", "u", "y", "th", "ss",
	/* U+00E0 */ "a", "a", "a", "a", "a", "a", "ae", "c",
	/* U+00E8 */ "e", "e", "e", "e", "i", "i", "i", "i",
	/* U+00F0 */ "d", "n", "o", "o", "o", "o", "o", " ",
	/* U+00F8 */ "o", "u", "u", "u", "u", "y", "th", "y",
	/* U+0100 */ "a", "a", "a", "a", "a", "a", "c", "c",
	/* U+0108 */ "c", "c", "c", "c", "c", "c", "d", "d",
	/* U+0110 */ "d", "d", "e", "e", "e", "e", "e", "e",
	/* U+0118 */ "e", "e", "e", "e", "g", "g", "g", "g",
	/* U+0120 */ "g", "g", "g", "g", "h", "h", "h", "h",
	/* U+0128 */ "i", "i", "i", "i", "i", "i", "i", "i",
	/* U+0130 */ "i", "i", "ij", "ij", "j", "j", "k", "k",
	/* U+0138 */ "k", "l", "l", "l", "l", "l", "l", "l",
	/* U+0140 */ "l", "l", "l", "n", "n", "n", "n", "n",
	/* U+0148 */ "n", "n", "n", "n", "o", "o", "o", "o",
	/* U+0150 */ "o", "o", "oe", "oe", "r", "r", "r", "r",
	/* U+0158 */ "r", "r", "s", "s", "s", "s", "s", "s",
	/* U+0160 */ "s", "s", "t", "t", "t", "t", "t", "t",
	/* U+0168 */ "u", "u", "u", "u", "u", "u", "u", "u",
	/* U+0170 */ "u", "u", "u", "u", "w", "w", "y", "y",
	/* U+0178 */ "y", "z", "z", "z", "z", "z", "z", "s",
};

/* Decodes one UTF-8 sequence; returns its length, 0 when invalid. */
static size_t
place_utf8(const unsigned char *s, unsigned long *cp)
{
	if (s[0] < 0x80) {
		*cp = s[0];
		return (1);
	}
	if ((s[0] & 0xe0) == 0xc0 && (s[1] & 0xc0) == 0x80) {
		*cp = ((unsigned long)(s[0] & 0x1f) << 6) | (s[1] & 0x3f);
		return (*cp >= 0x80 ? 2 : 0);
	}
	if ((s[0] & 0xf0) == 0xe0 && (s[1] & 0xc0) == 0x80 &&
	    (s[2] & 0xc0) == 0x80) {
		*cp = ((unsigned long)(s[0] & 0x0f) << 12) |
		    ((unsigned long)(s[1] & 0x3f) << 6) | (s[2] & 0x3f);
		return (*cp >= 0x800 ? 3 : 0);
	}
	if ((s[0] & 0xf8) == 0xf0 && (s[1] & 0xc0) == 0x80 &&
	    (s[2] & 0xc0) == 0x80 && (s[3] & 0xc0) == 0x80) {
		*cp = ((unsigned long)(s[0] & 0x07) << 18) |
		    ((unsigned long)(s[1] & 0x3f) << 12) |
		    ((unsigned long)(s[2] & 0x3f) << 6) | (s[3] & 0x3f);
		return (*cp >= 0x10000 && *cp <= 0x10ffff ? 4 : 0);
	}
	return (0);
}

size_t
common_place_fold(const char *in, char *out, size_t len)
{
	const unsigned char	*s = (const unsigned char *)in;
	size_t			 n = 0, k;
	unsigned long		 cp;
	int			 space = 1;	/* drop leading spaces */

	if (len == 0)
		return (0);
	while (*s != '\0') {
		const char	*rep = NULL;
		char		 one[2];

		if ((k = place_utf8(s, &cp)) == 0) {
			s++;		/* stray byte: dropped */
			continue;
		}
		if (cp < 0x80) {
			if (isalnum((int)cp)) {
				one[0] = (char)tolower((int)cp);
				one[1] = '\0';
				rep = one;
			} else
				rep = " ";
		} else if (cp >= 0xc0 && cp <= 0x17f)
			rep = place_fold_table[cp - 0xc0];
		else if (cp >= 0x300 && cp <= 0x36f)
			rep = "";	/* combining accents of decomposed text */
		else if (cp == 0xa0 || (cp >= 0x2000 && cp <= 0x206f))
			rep = " ";	/* no-break space, dashes, quotes */

		if (rep == NULL) {
			/* Other scripts pass through unchanged. */
			if (n + k >= len)
				break;
			memcpy(out + n, s, k);
			n += k;
			space = 0;
		} else if (rep[0] == ' ') {
			if (!space && n + 1 < len) {
				out[n++] = ' ';
				space = 1;
			}
		} else {
			size_t	r = strlen(rep);

			if (n + r >= len)
				break;
			memcpy(out + n, rep, r);
			n += r;
			if (r > 0)
				space = 0;
		}
		s += k;
	}
	if (n > 0 && out[n - 1] == ' ')
		n--;
	out[n] = '\0';
	return (n);
}

/* Copies a column's text into a fixed field, cutting at a character boundary. */
static void
place_copy(char *dst, size_t size, sqlite3_stmt *st, int col)
{
	const char	*s = (const char *)sqlite3_column_text(st, col);
	size_t		 n;

	if (s == NULL) {
		dst[0] = '\0';
		return;
	}
	n = strlen(s);
	if (n >= size) {
		n = size - 1;
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
	}
	memcpy(dst, s, n);
	dst[n] = '\0';
}

static int
place_prepare(sqlite3 *db, const char *sql, sqlite3_stmt **st, char *err,
    size_t errlen)
{
	if (sqlite3_prepare_v2(db, sql, -1, st, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "places: %s (run the place migration "
		    "first)", sqlite3_errmsg(db));
		*st = NULL;
		return (-1);
	}
	return (0);
}

static const struct place_metro *
place_metro_by_code(const char *code)
{
	size_t	i;

	for (i = 0; i < PLACE_NMETROS; i++)
		if (strcmp(place_metros[i].code, code) == 0)
			return (&place_metros[i]);
	return (NULL);
}

static const struct place_metro *
place_metro_by_city(long long id)
{
	size_t	i;

	for (i = 0; i < PLACE_NMETROS; i++)
		if (place_metros[i].geonames_id == id)
			return (&place_metros[i]);
	return (NULL);
}

/* Loading ---------------------------------------------------------------- */

static int
place_add_name(sqlite3_stmt *ins, const char *name, const char *kind,
    const char *ref, const char *country, long long weight)
{
	char	key[256];

	if (common_place_fold(name, key, sizeof key) == 0)
		return (0);
	sqlite3_bind_text(ins, 1, key, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(ins, 2, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(ins, 3, ref, -1, SQLITE_TRANSIENT);
	if (country != NULL)
		sqlite3_bind_text(ins, 4, country, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(ins, 4);
	sqlite3_bind_int64(ins, 5, weight);
	if (sqlite3_step(ins) != SQLITE_DONE)
		return (-1);
	sqlite3_reset(ins);
	return (0);
}

static int
place_index(sqlite3 *db, char *err, size_t errlen)
{
	sqlite3_stmt	*ins = NULL, *sel = NULL, *has = NULL;
	char		 ref[32], key[256];
	size_t		 i;
	int		 rc = -1, step;

	if (place_prepare(db, "INSERT INTO place_names (key, kind, ref, "
	    "country_code, weight) VALUES (?, ?, ?, ?, ?)", &ins, err,
	    errlen) != 0)
		goto out;

	/* Cities under their own names. */
	if (place_prepare(db, "SELECT geonames_id, name, country_code, "
	    "coalesce(population, 0) FROM cities", &sel, err, errlen) != 0)
		goto out;
	while ((step = sqlite3_step(sel)) == SQLITE_ROW) {
		snprintf(ref, sizeof ref, "%lld", sqlite3_column_int64(sel, 0));
		if (place_add_name(ins, (const char *)sqlite3_column_text(sel,
		    1), "city", ref, (const char *)sqlite3_column_text(sel, 2),
		    sqlite3_column_int64(sel, 3)) != 0)
			goto sqlfail;
	}
	if (step != SQLITE_DONE)
		goto sqlfail;
	sqlite3_finalize(sel);
	sel = NULL;

	/* Metro cities also under their everyday names ("New York"). */
	if (place_prepare(db, "SELECT country_code, coalesce(population, 0) "
	    "FROM cities WHERE geonames_id = ?", &sel, err, errlen) != 0)
		goto out;
	for (i = 0; i < PLACE_NMETROS; i++) {
		if (place_metros[i].alias == NULL)
			continue;
		sqlite3_bind_int64(sel, 1, place_metros[i].geonames_id);
		if (sqlite3_step(sel) == SQLITE_ROW) {
			snprintf(ref, sizeof ref, "%lld",
			    place_metros[i].geonames_id);
			if (place_add_name(ins, place_metros[i].alias, "city",
			    ref, (const char *)sqlite3_column_text(sel, 0),
			    sqlite3_column_int64(sel, 1)) != 0)
				goto sqlfail;
		}
		sqlite3_reset(sel);
	}
	sqlite3_finalize(sel);
	sel = NULL;

	/*
	 * Airports under their town, when the city data has no place of that
	 * name in that country (tourist islands, small towns).
	 */
	if (place_prepare(db, "SELECT 1 FROM place_names WHERE key = ? AND "
	    "country_code = ? AND kind = 'city'", &has, err, errlen) != 0 ||
	    place_prepare(db, "SELECT iata, city, country_code, size FROM "
	    "airports WHERE city IS NOT NULL", &sel, err, errlen) != 0)
		goto out;
	while ((step = sqlite3_step(sel)) == SQLITE_ROW) {
		const char *city = (const char *)sqlite3_column_text(sel, 1);
		const char *cc = (const char *)sqlite3_column_text(sel, 2);
		const char *size = (const char *)sqlite3_column_text(sel, 3);
		int found;

		if (common_place_fold(city, key, sizeof key) == 0)
			continue;
		sqlite3_bind_text(has, 1, key, -1, SQLITE_TRANSIENT);
		if (cc != NULL)
			sqlite3_bind_text(has, 2, cc, -1, SQLITE_TRANSIENT);
		else
			sqlite3_bind_null(has, 2);
		found = sqlite3_step(has) == SQLITE_ROW;
		sqlite3_reset(has);
		if (found)
			continue;
		if (place_add_name(ins, city, "airport",
		    (const char *)sqlite3_column_text(sel, 0), cc,
		    size != NULL && strcmp(size, "large") == 0 ?
		    PLACE_WEIGHT_LARGE : PLACE_WEIGHT_MEDIUM) != 0)
			goto sqlfail;
	}
	if (step != SQLITE_DONE)
		goto sqlfail;
	sqlite3_finalize(sel);
	sel = NULL;

	/* Hand-written places under their name and each alias. */
	if (place_prepare(db, "SELECT rowid, name, country_code, aliases "
	    "FROM place_extra", &sel, err, errlen) != 0)
		goto out;
	while ((step = sqlite3_step(sel)) == SQLITE_ROW) {
		const char *aliases = (const char *)sqlite3_column_text(sel, 3);
		const char *cc = (const char *)sqlite3_column_text(sel, 2);
		char alias[256];

		snprintf(ref, sizeof ref, "%lld", sqlite3_column_int64(sel, 0));
		if (place_add_name(ins, (const char *)sqlite3_column_text(sel,
		    1), "extra", ref, cc, PLACE_WEIGHT_EXTRA) != 0)
			goto sqlfail;
		while (aliases != NULL && *aliases != '\0') {
			size_t n = strcspn(aliases, ";");

			if (n < sizeof alias) {
				memcpy(alias, aliases, n);
				alias[n] = '\0';
				if (place_add_name(ins, alias, "extra", ref,
				    cc, PLACE_WEIGHT_EXTRA) != 0)
					goto sqlfail;
			}
			aliases += n;
			if (*aliases == ';')
				aliases++;
		}
	}
	if (step != SQLITE_DONE)
		goto sqlfail;
	rc = 0;
	goto out;

sqlfail:
	snprintf(err, errlen, "places: cannot build the name index: %s",
	    sqlite3_errmsg(db));
out:
	sqlite3_finalize(ins);
	sqlite3_finalize(sel);
	sqlite3_finalize(has);
	return (rc);
}

int
common_place_load(sqlite3 *db, const char *datadir, char *err, size_t errlen)
{
	static const struct {
		const char	*file;
		const char	*table;
	} files[] = {
		{ "airports.csv", "airports" },
		{ "cities.csv", "cities" },
		{ "places-extra.csv", "place_extra" },
	};
	char	path[4096];
	size_t	i;

	for (i = 0; i < sizeof files / sizeof files[0]; i++) {
		snprintf(path, sizeof path, "%s/%s", datadir, files[i].file);
		if (common_db_import_csv(db, path, files[i].table, NULL, err,
		    errlen) != 0)
			return (-1);
	}
	return (place_index(db, err, errlen));
}

/* Fetching ---------------------------------------------------------------- */

static const char place_city_sql[] =
    "SELECT geonames_id, name, country_code, coalesce(country, "
    "country_code), coalesce(population, 0), lat, lon, tz, airports, "
    "admin1_code FROM cities WHERE geonames_id = ?";

static const char place_airport_sql[] =
    "SELECT a.iata, a.name, a.city, a.country_code, coalesce((SELECT "
    "c.country FROM cities c WHERE c.country_code = a.country_code "
    "LIMIT 1), a.country_code), a.size, a.lat, a.lon, a.tz "
    "FROM airports a WHERE a.iata = ?";

static const char place_extra_sql[] =
    "SELECT e.name, e.kind, e.city, e.country_code, coalesce((SELECT "
    "c.country FROM cities c WHERE c.country_code = e.country_code "
    "LIMIT 1), e.country_code), e.lat, e.lon, e.source, c2.geonames_id, "
    "c2.tz, c2.airports, coalesce(c2.population, 0) "
    "FROM place_extra e LEFT JOIN cities c2 ON c2.geonames_id = (SELECT "
    "c3.geonames_id FROM cities c3 WHERE c3.name = e.city AND "
    "c3.country_code = e.country_code ORDER BY c3.population DESC "
    "LIMIT 1) WHERE e.rowid = ?";

/* A US state code from column col ("IL"): two capital letters, or nothing. */
static void
place_region(struct common_place *p, sqlite3_stmt *st, int col)
{
	const char *a = (const char *)sqlite3_column_text(st, col);

	if (a != NULL && strlen(a) == 2 && isupper((unsigned char)a[0]) &&
	    isupper((unsigned char)a[1]))
		memcpy(p->region, a, 3);
}

/* Fills p from one row; 1 when found, 0 when not, -1 on error. */
static int
place_fetch(sqlite3 *db, const char *kind, const char *ref,
    struct common_place *p, char *err, size_t errlen)
{
	sqlite3_stmt	*st;
	int		 r;

	memset(p, 0, sizeof *p);
	if (strcmp(kind, "city") == 0) {
		const struct place_metro *m;

		if (place_prepare(db, place_city_sql, &st, err, errlen) != 0)
			return (-1);
		sqlite3_bind_int64(st, 1, strtoll(ref, NULL, 10));
		if ((r = sqlite3_step(st)) == SQLITE_ROW) {
			p->kind = COMMON_PLACE_CITY;
			p->geonames_id = sqlite3_column_int64(st, 0);
			place_copy(p->name, sizeof p->name, st, 1);
			place_copy(p->city, sizeof p->city, st, 1);
			place_copy(p->country_code, sizeof p->country_code,
			    st, 2);
			place_copy(p->country, sizeof p->country, st, 3);
			p->population = sqlite3_column_int64(st, 4);
			p->weight = p->population;
			p->lat = sqlite3_column_double(st, 5);
			p->lon = sqlite3_column_double(st, 6);
			place_copy(p->tz, sizeof p->tz, st, 7);
			place_copy(p->airports, sizeof p->airports, st, 8);
			if (strcmp(p->country_code, "US") == 0)
				place_region(p, st, 9);
			if ((m = place_metro_by_city(p->geonames_id)) != NULL)
				snprintf(p->code, sizeof p->code, "%s",
				    m->code);
		}
	} else if (strcmp(kind, "airport") == 0) {
		if (place_prepare(db, place_airport_sql, &st, err,
		    errlen) != 0)
			return (-1);
		sqlite3_bind_text(st, 1, ref, -1, SQLITE_TRANSIENT);
		if ((r = sqlite3_step(st)) == SQLITE_ROW) {
			const char *size;

			p->kind = COMMON_PLACE_AIRPORT;
			place_copy(p->code, sizeof p->code, st, 0);
			place_copy(p->name, sizeof p->name, st, 1);
			place_copy(p->city, sizeof p->city, st, 2);
			place_copy(p->country_code, sizeof p->country_code,
			    st, 3);
			place_copy(p->country, sizeof p->country, st, 4);
			size = (const char *)sqlite3_column_text(st, 5);
			p->weight = size != NULL && strcmp(size, "large") == 0 ?
			    PLACE_WEIGHT_LARGE : PLACE_WEIGHT_MEDIUM;
			p->lat = sqlite3_column_double(st, 6);
			p->lon = sqlite3_column_double(st, 7);
			place_copy(p->tz, sizeof p->tz, st, 8);
			place_copy(p->airports, sizeof p->airports, st, 0);
		}
	} else {
		if (place_prepare(db, place_extra_sql, &st, err, errlen) != 0)
			return (-1);
		sqlite3_bind_int64(st, 1, strtoll(ref, NULL, 10));
		if ((r = sqlite3_step(st)) == SQLITE_ROW) {
			p->kind = COMMON_PLACE_DISTRICT;
			place_copy(p->name, sizeof p->name, st, 0);
			place_copy(p->city, sizeof p->city, st, 2);
			place_copy(p->country_code, sizeof p->country_code,
			    st, 3);
			place_copy(p->country, sizeof p->country, st, 4);
			p->lat = sqlite3_column_double(st, 5);
			p->lon = sqlite3_column_double(st, 6);
			place_copy(p->source, sizeof p->source, st, 7);
			p->geonames_id = sqlite3_column_int64(st, 8);
			place_copy(p->tz, sizeof p->tz, st, 9);
			place_copy(p->airports, sizeof p->airports, st, 10);
			p->population = sqlite3_column_int64(st, 11);
			p->weight = PLACE_WEIGHT_EXTRA;
		}
	}
	if (r != SQLITE_ROW && r != SQLITE_DONE) {
		snprintf(err, errlen, "places: %s", sqlite3_errmsg(db));
		sqlite3_finalize(st);
		return (-1);
	}
	sqlite3_finalize(st);
	return (r == SQLITE_ROW);
}

/* A metro code as a place: its city, with the metro's airports. */
static int
place_fetch_metro(sqlite3 *db, const struct place_metro *m,
    struct common_place *p, char *err, size_t errlen)
{
	char	ref[32];
	size_t	i, n = 0;
	int	r;

	snprintf(ref, sizeof ref, "%lld", m->geonames_id);
	if ((r = place_fetch(db, "city", ref, p, err, errlen)) <= 0)
		return (r);
	p->kind = COMMON_PLACE_METRO;
	snprintf(p->code, sizeof p->code, "%s", m->code);
	if (m->alias != NULL)
		snprintf(p->name, sizeof p->name, "%s", m->alias);
	p->airports[0] = '\0';
	for (i = 0; i < 6 && m->airports[i] != NULL; i++) {
		struct common_place a;

		/* Only airports the data knows. */
		if ((r = place_fetch(db, "airport", m->airports[i], &a, err,
		    errlen)) < 0)
			return (-1);
		if (r == 0)
			continue;
		n += (size_t)snprintf(p->airports + n, sizeof p->airports - n,
		    "%s%s", n > 0 ? ";" : "", m->airports[i]);
		if (n >= sizeof p->airports)
			break;
	}
	return (1);
}

/* Resolving --------------------------------------------------------------- */

void
common_place_label(const struct common_place *p, char *buf, size_t len)
{
	switch (p->kind) {
	case COMMON_PLACE_AIRPORT:
		snprintf(buf, len, "%s (%s), %s", p->name, p->code,
		    p->country);
		break;
	case COMMON_PLACE_METRO:
		snprintf(buf, len, "%s (%s), %s", p->name, p->code,
		    p->country);
		break;
	case COMMON_PLACE_DISTRICT:
		snprintf(buf, len, "%s, %s, %s", p->name, p->city, p->country);
		break;
	default:
		if (p->region[0] != '\0')
			snprintf(buf, len, "%s, %s, %s", p->name, p->region,
			    p->country);
		else
			snprintf(buf, len, "%s, %s", p->name, p->country);
		break;
	}
}

static int
place_is_code(const char *s)
{
	return (strlen(s) == 3 && isalpha((unsigned char)s[0]) &&
	    isalpha((unsigned char)s[1]) && isalpha((unsigned char)s[2]));
}

/* Resolves a 3-letter code into r; 1 when found. */
static int
place_by_code(sqlite3 *db, const char *s, struct common_place_result *r,
    char *err, size_t errlen)
{
	const struct place_metro	*m;
	char				 code[4];
	int				 i, found;

	for (i = 0; i < 3; i++)
		code[i] = (char)toupper((unsigned char)s[i]);
	code[3] = '\0';
	if ((m = place_metro_by_code(code)) != NULL)
		found = place_fetch_metro(db, m, &r->places[0], err, errlen);
	else
		found = place_fetch(db, "airport", code, &r->places[0], err,
		    errlen);
	if (found == 1)
		r->n = 1;
	return (found);
}

/*
 * Whether every comma-separated part of qualifier names p's country (name
 * or code) or city: "Puerto Rico", "ES", "Barcelona, Spain".
 */
static int
place_qualifies(const struct common_place *p, const char *qualifier)
{
	char	part[128], qk[128], ck[128];
	size_t	n;
	int	any = 0;

	while (*qualifier != '\0') {
		n = strcspn(qualifier, ",");
		if (n >= sizeof part)
			return (0);
		memcpy(part, qualifier, n);
		part[n] = '\0';
		qualifier += n;
		if (*qualifier == ',')
			qualifier++;
		if (common_place_fold(part, qk, sizeof qk) == 0)
			continue;
		any = 1;
		common_place_fold(p->country, ck, sizeof ck);
		if (strcmp(ck, qk) == 0)
			continue;
		common_place_fold(p->country_code, ck, sizeof ck);
		if (strcmp(ck, qk) == 0)
			continue;
		common_place_fold(p->city, ck, sizeof ck);
		if (strcmp(ck, qk) == 0)
			continue;
		if (p->region[0] != '\0') {
			common_place_fold(p->region, ck, sizeof ck);
			if (strcmp(ck, qk) == 0)
				continue;
		}
		return (0);
	}
	return (any);
}

/* Looks key up in the name index; fills r->places ranked. */
static int
place_by_key(sqlite3 *db, const char *key, const char *qualifier,
    struct common_place_result *r, char *err, size_t errlen)
{
	sqlite3_stmt	*st;
	int		 rc;

	if (place_prepare(db, "SELECT kind, ref FROM place_names WHERE "
	    "key = ? ORDER BY weight DESC, ref LIMIT 64", &st, err,
	    errlen) != 0)
		return (-1);
	sqlite3_bind_text(st, 1, key, -1, SQLITE_TRANSIENT);
	r->n = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW &&
	    r->n < COMMON_PLACE_MAX) {
		struct common_place *p = &r->places[r->n];
		int f;

		f = place_fetch(db, (const char *)sqlite3_column_text(st, 0),
		    (const char *)sqlite3_column_text(st, 1), p, err, errlen);
		if (f < 0) {
			sqlite3_finalize(st);
			return (-1);
		}
		if (f == 0)
			continue;
		if (qualifier != NULL && !place_qualifies(p, qualifier))
			continue;
		r->n++;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		snprintf(err, errlen, "places: %s", sqlite3_errmsg(db));
		sqlite3_finalize(st);
		return (-1);
	}
	sqlite3_finalize(st);
	return (r->n > 0);
}

/* Appends "label; label; …" of places[from..] to buf. */
static void
place_list(const struct common_place_result *r, size_t from, char *buf,
    size_t len)
{
	char	label[256];
	size_t	i, n = strlen(buf);

	for (i = from; i < r->n && n < len; i++) {
		common_place_label(&r->places[i], label, sizeof label);
		n += (size_t)snprintf(buf + n, len - n, "%s%s",
		    i > from ? "; " : "", label);
	}
}

/* Makes a message safe for a one-line result (no control characters). */
static void
place_sanitise(char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = '?';
}

static void
place_decide(struct common_place_result *r, const char *query)
{
	char	label[256];

	if (r->n == 1 || r->places[0].weight >=
	    PLACE_DOMINANCE * r->places[1].weight) {
		r->status = COMMON_PLACE_FOUND;
		common_place_label(&r->places[0], label, sizeof label);
		snprintf(r->message, sizeof r->message, "%s", label);
		if (r->n > 1) {
			size_t n = strlen(r->message);

			snprintf(r->message + n, sizeof r->message - n,
			    " (also named \"%s\": ", query);
			place_list(r, 1, r->message, sizeof r->message);
			n = strlen(r->message);
			snprintf(r->message + n, sizeof r->message - n,
			    "; add the country to choose another)");
		}
		return;
	}
	r->status = COMMON_PLACE_AMBIGUOUS;
	common_place_label(&r->places[0], label, sizeof label);
	snprintf(r->message, sizeof r->message, "\"%s\" matches several "
	    "places of similar size: ", query);
	place_list(r, 0, r->message, sizeof r->message);
	{
		size_t n = strlen(r->message);

		snprintf(r->message + n, sizeof r->message - n,
		    "; say which one, for example \"%s\"", label);
	}
}

struct common_place_result *
common_place_resolve(sqlite3 *db, const char *query, char *err,
    size_t errlen)
{
	struct common_place_result	*r;
	char				 text[PLACE_MAX_INPUT + 1], key[256];
	char				*start, *end, *comma;
	int				 f, upper;
	size_t				 len;

	if ((r = calloc(1, sizeof *r)) == NULL) {
		fprintf(stderr, "out of memory allocating %zu bytes\n",
		    sizeof *r);
		abort();
	}
	r->status = COMMON_PLACE_NOT_FOUND;
	if (query == NULL)
		query = "";
	if ((len = strlen(query)) > PLACE_MAX_INPUT) {
		snprintf(r->message, sizeof r->message, "place name too long "
		    "(%zu bytes, at most %d): give a city name, an airport "
		    "code (BCN) or a metro code (NYC)", len, PLACE_MAX_INPUT);
		return (r);
	}
	memcpy(text, query, len + 1);
	for (start = text; isspace((unsigned char)*start); start++)
		;
	end = start + strlen(start);
	while (end > start && isspace((unsigned char)end[-1]))
		*--end = '\0';
	place_sanitise(start);
	if (*start == '\0') {
		snprintf(r->message, sizeof r->message, "empty place name: "
		    "give a city name (Barcelona), an airport code (BCN) or a "
		    "metro code (NYC)");
		return (r);
	}

	/* An upper-case code is a code; a lower-case one may be a name. */
	upper = place_is_code(start) && isupper((unsigned char)start[0]) &&
	    isupper((unsigned char)start[1]) &&
	    isupper((unsigned char)start[2]);
	if (upper) {
		if ((f = place_by_code(db, start, r, err, errlen)) < 0)
			goto fail;
		if (f == 1) {
			place_decide(r, start);
			return (r);
		}
	}

	common_place_fold(start, key, sizeof key);
	if ((f = place_by_key(db, key, NULL, r, err, errlen)) < 0)
		goto fail;
	if (f == 0 && (comma = strchr(start, ',')) != NULL) {
		/* "San Juan, Puerto Rico": a name and its country. */
		*comma = '\0';
		common_place_fold(start, key, sizeof key);
		if ((f = place_by_key(db, key, comma + 1, r, err,
		    errlen)) < 0)
			goto fail;
		*comma = ',';
	}
	if (f == 0 && !upper && place_is_code(start)) {
		if ((f = place_by_code(db, start, r, err, errlen)) < 0)
			goto fail;
	}
	if (f == 1) {
		place_decide(r, start);
		return (r);
	}

	r->status = COMMON_PLACE_NOT_FOUND;
	r->n = 0;
	snprintf(r->message, sizeof r->message, "unknown place \"%s\": no "
	    "airport code, metro code or city of that name in the data; give "
	    "a city name (Barcelona, \"San Juan, Puerto Rico\"), an IATA "
	    "airport code (BCN) or a metro code (NYC)", start);
	return (r);

fail:
	free(r);
	return (NULL);
}

void
common_place_result_free(struct common_place_result *r)
{
	free(r);
}

/* Completion -------------------------------------------------------------- */

void
common_place_strings_free(char **v, size_t n)
{
	size_t	i;

	if (v == NULL)
		return;
	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static int
place_push(char ***v, size_t *n, const char *s)
{
	size_t	i;

	for (i = 0; i < *n; i++)
		if (strcmp((*v)[i], s) == 0)
			return (0);
	if ((*v = realloc(*v, (*n + 1) * sizeof **v)) == NULL ||
	    ((*v)[*n] = strdup(s)) == NULL) {
		fprintf(stderr, "out of memory allocating %zu bytes\n",
		    strlen(s) + 1);
		abort();
	}
	(*n)++;
	return (1);
}

int
common_place_complete(sqlite3 *db, const char *prefix, size_t max,
    char ***out, size_t *n, char *err, size_t errlen)
{
	sqlite3_stmt		*st = NULL;
	struct common_place	 p;
	char			 key[256], hi[260], label[256], code[8];
	char			**v = NULL;
	size_t			 nv = 0, klen;
	int			 rc = SQLITE_DONE, f;

	*out = NULL;
	*n = 0;
	if (prefix == NULL || strlen(prefix) > PLACE_MAX_INPUT || max == 0)
		return (0);
	klen = common_place_fold(prefix, key, sizeof key);

	/*
	 * An exact code: first when typed in capitals ("ZRH"), else right
	 * after the best-known name ("lon" → London, LON, …).
	 */
	code[0] = '\0';
	if (place_is_code(prefix)) {
		struct common_place_result r;

		memset(&r, 0, sizeof r);
		if ((f = place_by_code(db, prefix, &r, err, errlen)) < 0)
			return (-1);
		if (f == 1)
			snprintf(code, sizeof code, "%s", r.places[0].code);
		if (f == 1 && strcmp(code, prefix) == 0) {
			place_push(&v, &nv, code);
			code[0] = '\0';
		}
	}

	/* Keys in [key, key + 0xff): every key starting with the prefix. */
	memcpy(hi, key, klen);
	hi[klen] = (char)0xff;
	hi[klen + 1] = '\0';
	if (place_prepare(db, "SELECT kind, ref FROM place_names WHERE "
	    "key >= ? AND key < ? ORDER BY weight DESC, key LIMIT ?", &st,
	    err, errlen) != 0)
		goto fail;
	sqlite3_bind_text(st, 1, key, (int)klen, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, hi, (int)klen + 1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)max * 4);
	while (nv < max && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		f = place_fetch(db, (const char *)sqlite3_column_text(st, 0),
		    (const char *)sqlite3_column_text(st, 1), &p, err, errlen);
		if (f < 0)
			goto fail;
		if (f == 0)
			continue;
		if (p.kind == COMMON_PLACE_AIRPORT)
			snprintf(label, sizeof label, "%s, %s", p.city,
			    p.country);
		else
			common_place_label(&p, label, sizeof label);
		place_push(&v, &nv, label);
		if (code[0] != '\0' && nv < max) {
			place_push(&v, &nv, code);
			code[0] = '\0';
		}
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		snprintf(err, errlen, "places: %s", sqlite3_errmsg(db));
		goto fail;
	}
	if (code[0] != '\0' && nv < max)
		place_push(&v, &nv, code);
	sqlite3_finalize(st);
	*out = v;
	*n = nv;
	return (0);

fail:
	sqlite3_finalize(st);
	common_place_strings_free(v, nv);
	return (-1);
}
