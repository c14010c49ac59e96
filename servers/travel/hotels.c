/*
 * Hotels. A city's hotels are synthesised from a seed (its GeoNames id)
 * every time they are needed, which costs microseconds and makes seeding
 * free; only the rooms bookings took are stored (hotel_inventory). The same
 * city always gives the same hotels, and the same stay the same prices.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "servers/common/date.h"
#include "servers/common/db.h"
#include "servers/common/place.h"

#include "hotels.h"

/* Changing this reshuffles every city's hotels. */
#define HOTELS_SALT		0x7472697068746c31ULL	/* "triphtl1" */
/* A 3-star room-night in a city of price level 1.0, out of season. */
#define HOTELS_BASE_CENTS	11500.0
/* The cheapest room-night we ever quote. */
#define HOTELS_MIN_CENTS	2500
/* A hotel this close to a hand-written district is in it. */
#define HOTELS_DISTRICT_KM	0.7

const char travel_hotels_schema[] =
    "CREATE TABLE hotel_attractions ("
    " wikidata_id TEXT PRIMARY KEY, name TEXT NOT NULL, category TEXT,"
    " setting TEXT, lat REAL, lon REAL, annual_visitors INTEGER,"
    " enwiki_title TEXT, city_geonames_id INTEGER, city TEXT,"
    " country_code TEXT, city_km REAL);"
    "CREATE INDEX hotel_attractions_city ON"
    " hotel_attractions(city_geonames_id);"
    /* Rooms taken per hotel and night; a missing row is none taken. */
    "CREATE TABLE hotel_inventory ("
    " hotel_id TEXT NOT NULL, night TEXT NOT NULL,"
    " taken INTEGER NOT NULL CHECK (taken >= 0),"
    " PRIMARY KEY (hotel_id, night)) WITHOUT ROWID;";

int
travel_hotels_seed(sqlite3 *db, const char *datadir, char *err, size_t errlen)
{
	char	path[4096];

	if ((size_t)snprintf(path, sizeof path, "%s/attractions.csv",
	    datadir) >= sizeof path) {
		snprintf(err, errlen, "hotels: data directory path too long");
		return (-1);
	}
	return (common_db_import_csv(db, path, "hotel_attractions", NULL, err,
	    errlen));
}

/* Determinism ------------------------------------------------------------ */

/* splitmix64: a small generator whose sequence depends on its seed only. */
struct hotels_rng {
	uint64_t	s;
};

static uint64_t
hotels_next(struct hotels_rng *r)
{
	uint64_t	z = (r->s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return (z ^ (z >> 31));
}

/* Uniform in [0, 1). */
static double
hotels_unit(struct hotels_rng *r)
{
	return ((double)(hotels_next(r) >> 11) * (1.0 / 9007199254740992.0));
}

static unsigned
hotels_below(struct hotels_rng *r, unsigned n)
{
	return (n == 0 ? 0 : (unsigned)(hotels_next(r) % n));
}

static void
hotels_shuffle(struct hotels_rng *r, int *v, size_t n)
{
	size_t	i, j;
	int	t;

	for (i = n; i > 1; i--) {
		j = hotels_below(r, (unsigned)i);
		t = v[i - 1];
		v[i - 1] = v[j];
		v[j] = t;
	}
}

/* FNV-1a, for offer id checksums. */
static uint32_t
hotels_fnv(const char *s)
{
	uint32_t	h = 2166136261u;

	for (; *s != '\0'; s++) {
		h ^= (unsigned char)*s;
		h *= 16777619u;
	}
	return (h);
}

/* Real facts ------------------------------------------------------------- */

/*
 * The city's cost level comes from three proxies: the country's hotel
 * price level below (1.0 = a typical western European city; our rounded
 * reading of published price level indices, such as the World Bank ICP
 * and Eurostat price levels for restaurants and hotels), the city's
 * population (bigger cities cost more), whether it is the capital, and
 * how many visitors its attractions draw (attractions.csv annual_visitors).
 */
static const struct {
	const char	cc[3];
	double		level;
} hotels_levels[] = {
	{ "AE", 1.10 }, { "AR", 0.55 }, { "AT", 1.00 }, { "AU", 1.10 },
	{ "BE", 1.00 }, { "BG", 0.55 }, { "BR", 0.60 }, { "BS", 1.30 },
	{ "CA", 1.05 }, { "CH", 1.55 }, { "CL", 0.65 }, { "CN", 0.65 },
	{ "CO", 0.50 }, { "CR", 0.75 }, { "CZ", 0.70 }, { "DE", 1.00 },
	{ "DK", 1.20 }, { "DO", 0.70 }, { "EE", 0.75 }, { "EG", 0.45 },
	{ "ES", 0.92 }, { "FI", 1.00 }, { "FR", 1.10 }, { "GB", 1.20 },
	{ "GR", 0.85 }, { "HK", 1.20 }, { "HR", 0.80 }, { "HU", 0.65 },
	{ "ID", 0.45 }, { "IE", 1.15 }, { "IL", 1.20 }, { "IN", 0.40 },
	{ "IS", 1.45 }, { "IT", 1.05 }, { "JP", 0.90 }, { "KE", 0.65 },
	{ "KR", 0.85 }, { "LT", 0.65 }, { "LU", 1.15 }, { "LV", 0.65 },
	{ "MA", 0.55 }, { "MT", 0.85 }, { "MV", 1.40 }, { "MX", 0.65 },
	{ "MY", 0.50 }, { "NG", 0.60 }, { "NL", 1.15 }, { "NO", 1.25 },
	{ "NZ", 1.00 }, { "PE", 0.50 }, { "PH", 0.50 }, { "PL", 0.65 },
	{ "PR", 1.00 }, { "PT", 0.82 }, { "QA", 1.10 }, { "RO", 0.60 },
	{ "RS", 0.55 }, { "RU", 0.60 }, { "SA", 0.95 }, { "SE", 1.05 },
	{ "SG", 1.30 }, { "SI", 0.75 }, { "SK", 0.65 }, { "TH", 0.50 },
	{ "TR", 0.60 }, { "TW", 0.75 }, { "UA", 0.45 }, { "US", 1.25 },
	{ "VN", 0.40 }, { "ZA", 0.60 },
};
#define HOTELS_LEVEL_DEFAULT	0.60

static double
hotels_country_level(const char *cc)
{
	size_t	i;

	for (i = 0; i < sizeof hotels_levels / sizeof hotels_levels[0]; i++)
		if (strcmp(hotels_levels[i].cc, cc) == 0)
			return (hotels_levels[i].level);
	return (HOTELS_LEVEL_DEFAULT);
}

/* What a room-night costs by stars, against a 3-star one. */
static const double hotels_star_factor[6] = { 0, 0, 0.62, 1.0, 1.42, 2.3 };

/* Tiers of a chain's brands. */
enum hotels_tier { TIER_ECONOMY, TIER_MIDSCALE, TIER_UPSCALE, TIER_LUXURY };
static const int hotels_tier_stars[4] = { 2, 3, 4, 5 };

struct hotels_group {
	const char	*name;
	const char	*brands[4][4];	/* by tier; NULL-ended; may be empty */
};

/* The major groups and some of their real brands. */
static const struct hotels_group hotels_groups[] = {
	{ "Marriott", {
	    { NULL },
	    { "Courtyard by Marriott", "Four Points by Sheraton", "Moxy",
	      "AC Hotel by Marriott" },
	    { "Marriott", "Sheraton", "Renaissance", "Le Méridien" },
	    { "W", "JW Marriott", "The Ritz-Carlton" } } },
	{ "Hilton", {
	    { NULL },
	    { "Hampton by Hilton", "Hilton Garden Inn" },
	    { "Hilton", "DoubleTree by Hilton", "Canopy by Hilton" },
	    { "Conrad", "Waldorf Astoria" } } },
	{ "Accor", {
	    { "ibis", "ibis budget" },
	    { "Novotel", "Mercure", "ibis Styles" },
	    { "Pullman", "MGallery" },
	    { "Sofitel", "Fairmont" } } },
	{ "IHG", {
	    { "Holiday Inn Express" },
	    { "Holiday Inn", "voco" },
	    { "Crowne Plaza", "Hotel Indigo" },
	    { "InterContinental", "Kimpton" } } },
	{ "Hyatt", {
	    { NULL },
	    { "Hyatt Place", "Hyatt House" },
	    { "Hyatt Regency", "Hyatt Centric" },
	    { "Park Hyatt", "Grand Hyatt", "Andaz" } } },
	{ "Best Western", {
	    { NULL },
	    { "Best Western", "Best Western Plus" },
	    { "Best Western Premier" },
	    { NULL } } },
	{ "Radisson", {
	    { NULL },
	    { "Park Inn by Radisson" },
	    { "Radisson Blu", "Radisson" },
	    { NULL } } },
	{ "Wyndham", {
	    { "Days Inn", "Super 8" },
	    { "Ramada", "Wyndham Garden" },
	    { "Wyndham" },
	    { NULL } } },
};
enum { G_MARRIOTT, G_HILTON, G_ACCOR, G_IHG, G_HYATT, G_BW, G_RADISSON,
    G_WYNDHAM, G_COUNT };

/*
 * Which group the n-th chain hotel of a city belongs to: the groups with
 * the most hotels worldwide come first and most often, so a small town
 * has a Marriott or an Accor before a Radisson.
 */
static const int hotels_group_order[] = {
	G_MARRIOTT, G_HILTON, G_ACCOR, G_IHG, G_MARRIOTT, G_HYATT, G_ACCOR,
	G_HILTON, G_IHG, G_BW, G_MARRIOTT, G_RADISSON, G_WYNDHAM, G_ACCOR,
	G_HILTON, G_HYATT, G_IHG, G_MARRIOTT, G_BW, G_RADISSON, G_WYNDHAM,
	G_ACCOR, G_HILTON, G_MARRIOTT,
};
#define HOTELS_NORDER (sizeof hotels_group_order / sizeof hotels_group_order[0])

/* The tier of a group's k-th hotel in a city: midscale first, as most are. */
static const enum hotels_tier hotels_tier_order[] = {
	TIER_MIDSCALE, TIER_UPSCALE, TIER_MIDSCALE, TIER_LUXURY, TIER_ECONOMY,
	TIER_UPSCALE,
};

/* Words for independent hotels' names; at least TRAVEL_HOTELS_MAX. */
static const char *const hotels_words[] = {
	"Central", "Plaza", "Continental", "Regina", "Astoria", "Majestic",
	"Metropole", "Park", "Garden", "Royal", "Harbour", "Aurora", "Lumen",
	"Corona", "Atlantic", "Europa", "Splendid", "Boulevard", "Olympia",
	"Panorama", "Victoria", "Orient", "Alba", "Mirador", "Bellevue",
	"Cosmo", "Vista", "Arts", "Market", "Cathedral", "Riverside",
	"Terrace", "Lantern", "Cloister", "Sunset", "Linden", "Meridian",
	"Mosaic", "Heritage", "Cornerstone", "Palmera", "Opera",
};
/* How an independent's word becomes its name: before and after it. */
static const struct {
	const char	*before;
	const char	*after;
} hotels_patterns[] = {
	{ "Hotel", NULL }, { NULL, "Hotel" }, { "Casa", NULL },
	{ "The", NULL }, { NULL, "Suites" }, { NULL, "Boutique Hotel" },
	{ NULL, "Inn" }, { "Hotel", "Palace" },
};

/* Geometry --------------------------------------------------------------- */

#define HOTELS_EARTH_KM	6371.0088
#define HOTELS_DEG	(3.14159265358979323846 / 180.0)

double
travel_hotels_km(double lat1, double lon1, double lat2, double lon2)
{
	double	dlat = (lat2 - lat1) * HOTELS_DEG;
	double	dlon = (lon2 - lon1) * HOTELS_DEG;
	double	a;

	a = sin(dlat / 2) * sin(dlat / 2) + cos(lat1 * HOTELS_DEG) *
	    cos(lat2 * HOTELS_DEG) * sin(dlon / 2) * sin(dlon / 2);
	return (2 * HOTELS_EARTH_KM * atan2(sqrt(a), sqrt(1 - a)));
}

/* Moves (lat, lon) km kilometres towards bearing (radians). */
static void
hotels_offset(double *lat, double *lon, double km, double bearing)
{
	double	dlat = km * cos(bearing) / 111.195;
	double	c = cos(*lat * HOTELS_DEG);

	*lat += dlat;
	if (c > 0.01)
		*lon += km * sin(bearing) / (111.195 * c);
}

/* Copies text into a fixed field, cutting at a character boundary. */
static void
hotels_copy(char *dst, size_t size, const char *s)
{
	size_t	n;

	if (s == NULL)
		s = "";
	n = strlen(s);
	if (n >= size) {
		n = size - 1;
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
	}
	memcpy(dst, s, n);
	dst[n] = '\0';
}

/* Joins up to three words with spaces into a fixed field (NULL: none). */
static void
hotels_join(char *dst, size_t size, const char *a, const char *b,
    const char *c)
{
	char	buf[512];

	snprintf(buf, sizeof buf, "%s%s%s%s%s", a, b != NULL ? " " : "",
	    b != NULL ? b : "", c != NULL ? " " : "", c != NULL ? c : "");
	hotels_copy(dst, size, buf);
}

static int
hotels_prepare(sqlite3 *db, const char *sql, sqlite3_stmt **st, char *err,
    size_t errlen)
{
	if (sqlite3_prepare_v2(db, sql, -1, st, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "hotels: %s (is the hotel migration "
		    "missing?)", sqlite3_errmsg(db));
		*st = NULL;
		return (-1);
	}
	return (0);
}

/* Synthesis --------------------------------------------------------------- */

enum hotels_anchor_kind { ANCHOR_DISTRICT, ANCHOR_SIGHT, ANCHOR_CENTRE };

/* A place hotels cluster around. */
struct hotels_anchor {
	enum hotels_anchor_kind kind;
	char		name[128];
	double		lat;
	double		lon;
	double		weight;
};

static const char hotels_city_sql[] =
    "SELECT name, country_code, coalesce(country, country_code),"
    " coalesce(is_capital, ''), coalesce(population, 0), lat, lon"
    " FROM cities WHERE geonames_id = ?";
static const char hotels_sights_sql[] =
    "SELECT name, lat, lon, coalesce(annual_visitors, 0)"
    " FROM hotel_attractions WHERE city_geonames_id = ?"
    " AND lat IS NOT NULL AND lon IS NOT NULL"
    " ORDER BY coalesce(annual_visitors, 0) DESC, wikidata_id";
static const char hotels_districts_sql[] =
    "SELECT name, lat, lon, city, coalesce(aliases, '') FROM place_extra"
    " WHERE kind = 'district' AND country_code = ? ORDER BY rowid";

/* Whether a place_extra row's city names this city. */
static int
hotels_same_city(const char *a, const char *b)
{
	char	ka[256], kb[256];

	common_place_fold(a != NULL ? a : "", ka, sizeof ka);
	common_place_fold(b != NULL ? b : "", kb, sizeof kb);
	return (ka[0] != '\0' && strcmp(ka, kb) == 0);
}

/*
 * Fills anchors: the city's hand-written districts (hotel quarters), its
 * sights by visitors, and its centre. OUT: *visitors, *nsights over all
 * the city's sights.
 */
static int
hotels_anchors(sqlite3 *db, const struct travel_hotels_city *c, double pop,
    struct hotels_anchor *a, size_t *na, double *visitors, int *nsights,
    char *err, size_t errlen)
{
	/* Sights out of town (the data ties some 20 km away) draw no hotels. */
	double		 radius = fmin(12.0, fmax(3.0, 3.0 + 2.5 *
	    log10(fmax(pop, 1.0) / 1e5)));
	sqlite3_stmt	*st = NULL;
	int		 step;

	*na = 0;
	*visitors = 0;
	*nsights = 0;
	if (hotels_prepare(db, hotels_districts_sql, &st, err, errlen) != 0)
		return (-1);
	sqlite3_bind_text(st, 1, c->country_code, -1, SQLITE_STATIC);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		if (!hotels_same_city((const char *)sqlite3_column_text(st, 3),
		    c->name) || *na >= TRAVEL_HOTELS_ANCHORS / 4)
			continue;
		a[*na].kind = ANCHOR_DISTRICT;
		hotels_copy(a[*na].name, sizeof a[*na].name,
		    (const char *)sqlite3_column_text(st, 0));
		a[*na].lat = sqlite3_column_double(st, 1);
		a[*na].lon = sqlite3_column_double(st, 2);
		a[*na].weight = 5.0;
		(*na)++;
	}
	if (step != SQLITE_DONE)
		goto fail;
	sqlite3_finalize(st);

	if (hotels_prepare(db, hotels_sights_sql, &st, err, errlen) != 0)
		return (-1);
	sqlite3_bind_int64(st, 1, c->geonames_id);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		double	v = (double)sqlite3_column_int64(st, 3);

		*visitors += v;
		(*nsights)++;
		if (*na >= TRAVEL_HOTELS_ANCHORS - 1 ||
		    travel_hotels_km(c->lat, c->lon, sqlite3_column_double(st,
		    1), sqlite3_column_double(st, 2)) > radius)
			continue;
		a[*na].kind = ANCHOR_SIGHT;
		hotels_copy(a[*na].name, sizeof a[*na].name,
		    (const char *)sqlite3_column_text(st, 0));
		a[*na].lat = sqlite3_column_double(st, 1);
		a[*na].lon = sqlite3_column_double(st, 2);
		a[*na].weight = 1.0 + 1.5 * log10(1.0 + v / 1e5);
		(*na)++;
	}
	if (step != SQLITE_DONE)
		goto fail;
	sqlite3_finalize(st);

	a[*na].kind = ANCHOR_CENTRE;
	snprintf(a[*na].name, sizeof a[*na].name, "%s", c->name);
	a[*na].lat = c->lat;
	a[*na].lon = c->lon;
	a[*na].weight = 3.0;
	(*na)++;
	return (0);
fail:
	snprintf(err, errlen, "hotels: %s", sqlite3_errmsg(db));
	sqlite3_finalize(st);
	return (-1);
}

/* Deals n slots to anchors in proportion to their weights (largest remainder). */
static void
hotels_deal(const struct hotels_anchor *a, size_t na, size_t n, int *slots)
{
	double	total = 0, rem[TRAVEL_HOTELS_ANCHORS];
	int	count[TRAVEL_HOTELS_ANCHORS];
	size_t	i, k, given = 0;

	for (i = 0; i < na; i++)
		total += a[i].weight;
	for (i = 0; i < na; i++) {
		double q = (double)n * a[i].weight / total;

		count[i] = (int)floor(q);
		rem[i] = q - count[i];
		given += (size_t)count[i];
	}
	while (given < n) {
		size_t best = 0;

		for (i = 1; i < na; i++)
			if (rem[i] > rem[best])
				best = i;
		count[best]++;
		rem[best] = -1;
		given++;
	}
	for (i = 0, k = 0; i < na; i++)
		while (count[i]-- > 0 && k < n)
			slots[k++] = (int)i;
}

/* The brand of a group's k-th hotel; big: whether the city has luxury hotels. */
static const char *
hotels_brand(struct hotels_rng *r, const struct hotels_group *g, int k,
    int big, int *stars)
{
	enum hotels_tier t = hotels_tier_order[(size_t)k %
	    (sizeof hotels_tier_order / sizeof hotels_tier_order[0])];
	size_t	n;

	if (t == TIER_LUXURY && !big)
		t = TIER_UPSCALE;
	/* Not every group has every tier: step towards midscale. */
	while (g->brands[t][0] == NULL)
		t = t < TIER_MIDSCALE ? t + 1 : t - 1;
	for (n = 0; n < 4 && g->brands[t][n] != NULL; n++)
		;
	*stars = hotels_tier_stars[t];
	return (g->brands[t][hotels_below(r, (unsigned)n)]);
}

int
travel_hotels_city(sqlite3 *db, long long gid, struct travel_hotels_city *c,
    char *err, size_t errlen)
{
	struct hotels_anchor	 a[TRAVEL_HOTELS_ANCHORS];
	struct hotels_rng	 r;
	sqlite3_stmt		*st = NULL;
	int			 slots[TRAVEL_HOTELS_MAX], chain[TRAVEL_HOTELS_MAX];
	int			 words[sizeof hotels_words / sizeof hotels_words[0]];
	int			 group_count[G_COUNT] = { 0 };
	double			 visitors, pop, level;
	size_t			 na, n, nchain, i, j, nextchain = 0;
	int			 nsights, capital, step;

	memset(c, 0, sizeof *c);
	if (hotels_prepare(db, hotels_city_sql, &st, err, errlen) != 0)
		return (-1);
	sqlite3_bind_int64(st, 1, gid);
	if ((step = sqlite3_step(st)) != SQLITE_ROW) {
		if (step == SQLITE_DONE)
			snprintf(err, errlen, "no city with GeoNames id %lld in "
			    "the data", gid);
		else
			snprintf(err, errlen, "hotels: %s", sqlite3_errmsg(db));
		sqlite3_finalize(st);
		return (step == SQLITE_DONE ? 1 : -1);
	}
	c->geonames_id = gid;
	hotels_copy(c->name, sizeof c->name,
	    (const char *)sqlite3_column_text(st, 0));
	hotels_copy(c->country_code, sizeof c->country_code,
	    (const char *)sqlite3_column_text(st, 1));
	hotels_copy(c->country, sizeof c->country,
	    (const char *)sqlite3_column_text(st, 2));
	capital = strcmp((const char *)sqlite3_column_text(st, 3), "Y") == 0;
	pop = (double)sqlite3_column_int64(st, 4);
	c->lat = sqlite3_column_double(st, 5);
	c->lon = sqlite3_column_double(st, 6);
	sqlite3_finalize(st);

	if (hotels_anchors(db, c, pop, a, &na, &visitors, &nsights, err,
	    errlen) != 0)
		return (-1);

	/* The cost level (see hotels_levels). */
	level = hotels_country_level(c->country_code);
	level *= fmin(1.25, fmax(0.9, 1.0 + 0.08 * log10(fmax(pop, 1.0) /
	    1e5)));
	if (capital)
		level *= 1.08;
	level *= 1.0 + 0.04 * log10(1.0 + visitors / 1e5);
	c->price_level = level;

	/* How many: more people and more visitors, more hotels. */
	n = 3 + (size_t)lround(4.0 * log10(fmax(pop, 1e4) / 1e4)) +
	    (size_t)lround(3.0 * log10(1.0 + visitors / 1e5)) +
	    (size_t)(nsights < 20 ? nsights : 20) / 2;
	if (n > TRAVEL_HOTELS_MAX)
		n = TRAVEL_HOTELS_MAX;
	c->n = n;
	nchain = (size_t)lround((double)n * (n >= 10 ? 0.6 : 0.45));

	r.s = (uint64_t)gid * 0x2545f4914f6cdd1dULL ^ HOTELS_SALT;
	hotels_deal(a, na, n, slots);
	hotels_shuffle(&r, slots, n);
	for (i = 0; i < n; i++)
		chain[i] = i < nchain;
	hotels_shuffle(&r, chain, n);
	for (i = 0; i < sizeof words / sizeof words[0]; i++)
		words[i] = (int)i;
	hotels_shuffle(&r, words, sizeof words / sizeof words[0]);

	for (i = 0; i < n; i++) {
		struct travel_hotel	*h = &c->hotels[i];
		const struct hotels_anchor *an = &a[slots[i]];
		double			 km, best = HOTELS_DISTRICT_KM;
		size_t			 d;

		snprintf(h->id, sizeof h->id, "H%lld-%02zu", gid, i);
		if (chain[i]) {
			int g = hotels_group_order[nextchain++ % HOTELS_NORDER];

			hotels_copy(h->chain, sizeof h->chain,
			    hotels_groups[g].name);
			hotels_copy(h->brand, sizeof h->brand, hotels_brand(&r,
			    &hotels_groups[g], group_count[g]++, n >= 15,
			    &h->stars));
		} else {
			double u = hotels_unit(&r);

			/* Five-star independents are a big city's. */
			h->stars = u < 0.15 ? 2 : u < 0.55 ? 3 : u < 0.9 ||
			    n < 15 ? 4 : 5;
		}

		/* Near the anchor: closer in a district, wider round the centre. */
		h->lat = an->lat;
		h->lon = an->lon;
		km = an->kind == ANCHOR_DISTRICT ? 0.05 + 0.45 * hotels_unit(&r) :
		    an->kind == ANCHOR_SIGHT ? 0.1 + 0.6 * hotels_unit(&r) :
		    0.2 + 1.3 * hotels_unit(&r);
		hotels_offset(&h->lat, &h->lon, km, 2 * 3.14159265358979 *
		    hotels_unit(&r));

		/* Its area: a district it is in, else what it is near. */
		h->area[0] = '\0';
		for (d = 0; d < na; d++) {
			double dk;

			if (a[d].kind != ANCHOR_DISTRICT)
				continue;
			dk = travel_hotels_km(h->lat, h->lon, a[d].lat,
			    a[d].lon);
			if (dk < best) {
				best = dk;
				hotels_copy(h->area, sizeof h->area, a[d].name);
			}
		}
		if (h->area[0] == '\0') {
			hotels_join(h->area, sizeof h->area, an->kind ==
			    ANCHOR_SIGHT ? an->name : c->name, an->kind ==
			    ANCHOR_SIGHT ? "area" : "centre", NULL);
		}

		/* Its name. */
		if (chain[i]) {
			hotels_join(h->name, sizeof h->name, h->brand,
			    c->name, an->kind == ANCHOR_DISTRICT ? an->name :
			    NULL);
			for (j = 0; j < i; j++)
				if (strcmp(c->hotels[j].name, h->name) == 0)
					break;
			if (j < i) {
				char	first[128];

				memcpy(first, h->name, sizeof first);
				hotels_join(h->name, sizeof h->name, first,
				    an->kind == ANCHOR_CENTRE ? "Centre" :
				    "Downtown", NULL);
			}
		} else {
			unsigned p = hotels_below(&r, sizeof hotels_patterns /
			    sizeof hotels_patterns[0]);
			const char *w = hotels_words[words[i]];

			if (hotels_patterns[p].before != NULL)
				hotels_join(h->name, sizeof h->name,
				    hotels_patterns[p].before, w,
				    hotels_patterns[p].after);
			else
				hotels_join(h->name, sizeof h->name, w,
				    hotels_patterns[p].after, NULL);
		}

		h->allotment = 3 + (int)hotels_below(&r, 8) +
		    (h->chain[0] != '\0' ? 2 : 0);
		h->base_cents = HOTELS_BASE_CENTS * level *
		    hotels_star_factor[h->stars] *
		    (0.88 + 0.24 * hotels_unit(&r));
	}
	return (0);
}

/* Prices ----------------------------------------------------------------- */

/* Demand by month in the northern hemisphere's temperate zone. */
static const double hotels_season[12] = {
	0.82, 0.84, 0.92, 1.00, 1.06, 1.15, 1.20, 1.16, 1.08, 1.00, 0.86, 0.95,
};

long long
travel_hotels_night_cents(const struct travel_hotels_city *c,
    const struct travel_hotel *h, const struct common_date *night)
{
	int	m = night->month - 1, wd;
	double	f, cents;

	if (c->lat < 0)
		m = (m + 6) % 12;	/* southern summer is in January */
	f = hotels_season[m];
	if (fabs(c->lat) < 23.5)
		f = 1.0 + (f - 1.0) * 0.4;	/* the tropics barely have one */
	wd = common_date_weekday(night);
	if (wd == 4 || wd == 5)
		f *= 1.10;	/* Friday and Saturday nights */
	else if (wd == 6)
		f *= 0.95;	/* Sunday night */
	cents = floor(h->base_cents * f / 100.0 + 0.5) * 100.0;
	return (cents < HOTELS_MIN_CENTS ? HOTELS_MIN_CENTS : (long long)cents);
}

int
travel_hotels_rooms_for(int guests)
{
	return ((guests + TRAVEL_HOTELS_PER_ROOM - 1) / TRAVEL_HOTELS_PER_ROOM);
}

/* Inventory --------------------------------------------------------------- */

static const char hotels_taken_sql[] =
    "SELECT coalesce(max(taken), 0) FROM hotel_inventory"
    " WHERE hotel_id = ? AND night >= ? AND night < ?";

int
travel_hotels_rooms_left(sqlite3 *db, const struct travel_hotel *h,
    const struct common_date *check_in, int nights, int *left, char *err,
    size_t errlen)
{
	sqlite3_stmt		*st;
	struct common_date	 end = *check_in;
	char			 from[COMMON_DATE_LEN], to[COMMON_DATE_LEN];

	common_date_add_days(&end, nights);
	common_date_format(check_in, from);
	common_date_format(&end, to);
	if (hotels_prepare(db, hotels_taken_sql, &st, err, errlen) != 0)
		return (-1);
	sqlite3_bind_text(st, 1, h->id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, from, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, to, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_ROW) {
		snprintf(err, errlen, "hotels: %s", sqlite3_errmsg(db));
		sqlite3_finalize(st);
		return (-1);
	}
	*left = h->allotment - sqlite3_column_int(st, 0);
	if (*left < 0)
		*left = 0;
	sqlite3_finalize(st);
	return (0);
}

static const char hotels_city_taken_sql[] =
    "SELECT hotel_id, max(taken) FROM hotel_inventory"
    " WHERE hotel_id >= ? AND hotel_id < ? AND night >= ? AND night < ?"
    " GROUP BY hotel_id";

int
travel_hotels_city_left(sqlite3 *db, const struct travel_hotels_city *c,
    const struct common_date *check_in, int nights, int *left, char *err,
    size_t errlen)
{
	sqlite3_stmt		*st;
	struct common_date	 end = *check_in;
	char			 from[COMMON_DATE_LEN], to[COMMON_DATE_LEN];
	char			 lo[32], hi[32];
	size_t			 i;
	int			 step;

	common_date_add_days(&end, nights);
	common_date_format(check_in, from);
	common_date_format(&end, to);
	/* The city's ids are "H<gid>-NN": all between "H<gid>-" and "H<gid>.". */
	snprintf(lo, sizeof lo, "H%lld-", c->geonames_id);
	snprintf(hi, sizeof hi, "H%lld.", c->geonames_id);
	for (i = 0; i < c->n; i++)
		left[i] = c->hotels[i].allotment;
	if (hotels_prepare(db, hotels_city_taken_sql, &st, err, errlen) != 0)
		return (-1);
	sqlite3_bind_text(st, 1, lo, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, hi, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, from, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, to, -1, SQLITE_STATIC);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		const char *id = (const char *)sqlite3_column_text(st, 0);
		const char *dash = id != NULL ? strchr(id, '-') : NULL;
		long k = dash != NULL ? strtol(dash + 1, NULL, 10) : -1;

		if (k < 0 || (size_t)k >= c->n)
			continue;
		left[k] -= sqlite3_column_int(st, 1);
		if (left[k] < 0)
			left[k] = 0;
	}
	if (step != SQLITE_DONE) {
		snprintf(err, errlen, "hotels: %s", sqlite3_errmsg(db));
		sqlite3_finalize(st);
		return (-1);
	}
	sqlite3_finalize(st);
	return (0);
}

/* Offer ids --------------------------------------------------------------- */

/*
 * An offer id is "HO-<city>-<hotel>-<check-in>-<check-out>-<guests>-<check>",
 * dates as YYYYMMDD and check an FNV-1a of the rest, so that an id can be
 * re-derived and re-priced and an edited one is noticed.
 */
static void
hotels_id_body(long long gid, int idx, const struct common_date *in,
    const struct common_date *out, int guests, char *buf, size_t len)
{
	snprintf(buf, len, "HO-%lld-%02d-%04d%02d%02d-%04d%02d%02d-%d", gid,
	    idx, in->year, in->month, in->day, out->year, out->month, out->day,
	    guests);
}

static uint32_t
hotels_id_check(const char *body)
{
	char	salted[96];

	snprintf(salted, sizeof salted, "tripmcp-hotels-1:%s", body);
	return (hotels_fnv(salted));
}

void
travel_hotels_offer_id(const struct travel_hotel *h,
    const struct common_date *in, const struct common_date *out, int guests,
    char *buf, size_t len)
{
	char		 body[64];
	long long	 gid;
	int		 idx;

	gid = strtoll(h->id + 1, NULL, 10);
	idx = atoi(strchr(h->id, '-') + 1);
	hotels_id_body(gid, idx, in, out, guests, body, sizeof body);
	snprintf(buf, len, "%s-%08x", body, (unsigned)hotels_id_check(body));
}

struct hotels_parsed {
	long long		gid;
	int			idx;
	struct common_date	in;
	struct common_date	out;
	int			guests;
};

/* Reads n digits; -1 when they are not all digits. */
static long long
hotels_digits(const char *s, size_t n)
{
	long long	v = 0;
	size_t		i;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return (-1);
		v = v * 10 + (s[i] - '0');
	}
	return (v);
}

static int
hotels_date8(const char *s, struct common_date *d)
{
	long long	v = hotels_digits(s, 8);

	if (v < 0)
		return (-1);
	d->year = (int)(v / 10000);
	d->month = (int)(v / 100 % 100);
	d->day = (int)(v % 100);
	return (d->year >= 1 && common_date_valid(d) ? 0 : -1);
}

/*
 * Parses an offer id strictly: it must be exactly what travel_hotels_offer_id
 * writes. 0, or 1 with err saying what is wrong for the user.
 */
static int
hotels_parse_id(const char *id, struct hotels_parsed *p, char *err,
    size_t errlen)
{
	const char	*f[7];
	char		 copy[64], body[64], canon[96];
	size_t		 len, nf = 0, i;
	long long	 v;

	if (id == NULL || (len = strlen(id)) == 0 || len >= sizeof copy ||
	    strncmp(id, "HO-", 3) != 0)
		goto bad;
	memcpy(copy, id, len + 1);
	f[nf++] = copy;
	for (i = 0; i < len; i++)
		if (copy[i] == '-') {
			if (nf == 7)
				goto bad;
			copy[i] = '\0';
			f[nf++] = copy + i + 1;
		}
	if (nf != 7)
		goto bad;
	if (strlen(f[1]) < 1 || strlen(f[1]) > 12 ||
	    (p->gid = hotels_digits(f[1], strlen(f[1]))) <= 0)
		goto bad;
	if (strlen(f[2]) != 2 || (v = hotels_digits(f[2], 2)) < 0 ||
	    v >= TRAVEL_HOTELS_MAX)
		goto bad;
	p->idx = (int)v;
	if (strlen(f[3]) != 8 || hotels_date8(f[3], &p->in) != 0 ||
	    strlen(f[4]) != 8 || hotels_date8(f[4], &p->out) != 0)
		goto bad;
	if (strlen(f[5]) < 1 || strlen(f[5]) > 2 ||
	    (v = hotels_digits(f[5], strlen(f[5]))) < 1 ||
	    v > TRAVEL_HOTELS_MAX_GUESTS)
		goto bad;
	p->guests = (int)v;
	if (strlen(f[6]) != 8 || strspn(f[6], "0123456789abcdef") != 8)
		goto bad;
	hotels_id_body(p->gid, p->idx, &p->in, &p->out, p->guests, body,
	    sizeof body);
	snprintf(canon, sizeof canon, "%s-%08x", body,
	    (unsigned)hotels_id_check(body));
	if (strcmp(canon, id) != 0) {
		snprintf(err, errlen, "hotel offer id %s has been altered (its "
		    "check digits do not match); use an offerId exactly as "
		    "searchHotels returned it", id);
		return (1);
	}
	v = common_date_diff(&p->in, &p->out);
	if (v < 1 || v > TRAVEL_HOTELS_MAX_NIGHTS)
		goto bad;
	return (0);
bad:
	snprintf(err, errlen, "not a hotel offer id: expected one like "
	    "HO-3128760-07-20240615-20240622-2-1a2b3c4d from searchHotels; "
	    "run searchHotels and use one of its offerId values");
	return (1);
}

/* Finds the parsed id's hotel; 0, 1 (err for the user) or -1. */
static int
hotels_find(sqlite3 *db, const struct hotels_parsed *p,
    struct travel_hotels_city *c, char *err, size_t errlen)
{
	int	r;

	if ((r = travel_hotels_city(db, p->gid, c, err, errlen)) != 0)
		return (r);
	if ((size_t)p->idx >= c->n) {
		snprintf(err, errlen, "not a hotel offer id: %s has no hotel "
		    "number %d; run searchHotels again", c->name, p->idx);
		return (1);
	}
	return (0);
}

int
travel_hotels_offer(sqlite3 *db, const char *offer_id, int guests,
    struct travel_hotel_offer *o, char *err, size_t errlen)
{
	struct travel_hotels_city *c;
	const struct travel_hotel *h;
	struct hotels_parsed	 p;
	struct common_date	 today, night;
	char			 terr[256];
	long long		 sum = 0;
	int			 r, i, nights, left;

	if ((r = hotels_parse_id(offer_id, &p, err, errlen)) != 0)
		return (r);
	if (guests < 1 || guests > TRAVEL_HOTELS_MAX_GUESTS) {
		snprintf(err, errlen, "guests must be from 1 to %d (got %d); "
		    "larger groups book several times",
		    TRAVEL_HOTELS_MAX_GUESTS, guests);
		return (1);
	}
	if (common_date_today(&today, terr, sizeof terr) != 0) {
		snprintf(err, errlen, "hotels: %s", terr);
		return (-1);
	}
	if (common_date_compare(&p.in, &today) < 0) {
		char	day[COMMON_DATE_LEN];

		common_date_format(&p.in, day);
		snprintf(err, errlen, "hotel offer %s is for a stay from %s, "
		    "which has passed; search again with future dates",
		    offer_id, day);
		return (1);
	}
	if ((c = malloc(sizeof *c)) == NULL) {
		fprintf(stderr, "out of memory allocating %zu bytes\n",
		    sizeof *c);
		abort();
	}
	if ((r = hotels_find(db, &p, c, err, errlen)) != 0)
		goto out;
	h = &c->hotels[p.idx];
	nights = (int)common_date_diff(&p.in, &p.out);

	memset(o, 0, sizeof *o);
	hotels_copy(o->offer_id, sizeof o->offer_id, offer_id);
	hotels_copy(o->hotel_id, sizeof o->hotel_id, h->id);
	hotels_copy(o->name, sizeof o->name, h->name);
	hotels_copy(o->chain, sizeof o->chain, h->chain);
	o->stars = h->stars;
	hotels_copy(o->city, sizeof o->city, c->name);
	hotels_copy(o->country_code, sizeof o->country_code, c->country_code);
	hotels_copy(o->area, sizeof o->area, h->area);
	common_date_format(&p.in, o->check_in);
	common_date_format(&p.out, o->check_out);
	o->nights = nights;
	o->guests = guests;
	o->rooms = travel_hotels_rooms_for(guests);
	for (i = 0, night = p.in; i < nights; i++) {
		sum += travel_hotels_night_cents(c, h, &night);
		common_date_add_days(&night, 1);
	}
	o->nightly_cents = (sum + nights / 2) / nights;
	o->total_cents = sum * o->rooms;

	if ((r = travel_hotels_rooms_left(db, h, &p.in, nights, &left, err,
	    errlen)) != 0)
		goto out;
	if (left < o->rooms) {
		snprintf(err, errlen, "%s has %s for %s to %s (%d needed for "
		    "%d guests); search again for other hotels or dates",
		    h->name, left == 0 ? "no rooms left" : left == 1 ?
		    "only 1 room left" : "too few rooms left", o->check_in,
		    o->check_out, o->rooms, guests);
		r = 1;
	}
out:
	free(c);
	return (r);
}

static const char hotels_take_sql[] =
    "INSERT INTO hotel_inventory (hotel_id, night, taken) VALUES (?1, ?2, ?3)"
    " ON CONFLICT (hotel_id, night) DO UPDATE SET taken = taken + excluded.taken"
    " WHERE taken + excluded.taken <= ?4";
static const char hotels_release_sql[] =
    "UPDATE hotel_inventory SET taken = max(taken - ?3, 0)"
    " WHERE hotel_id = ?1 AND night = ?2";

/* Runs a savepoint statement; 0 or -1 with err. */
static int
hotels_exec(sqlite3 *db, const char *sql, char *err, size_t errlen)
{
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "hotels: %s", sqlite3_errmsg(db));
		return (-1);
	}
	return (0);
}

int
travel_hotels_take(sqlite3 *db, const struct travel_hotel_offer *o, char *err,
    size_t errlen)
{
	struct travel_hotels_city *c;
	const struct travel_hotel *h;
	sqlite3_stmt		*st = NULL;
	struct hotels_parsed	 p;
	struct common_date	 night;
	char			 day[COMMON_DATE_LEN];
	int			 r, i, nights;

	err[0] = '\0';
	if ((r = hotels_parse_id(o->offer_id, &p, err, errlen)) != 0)
		return (r);
	if (o->rooms < 1 || o->rooms > travel_hotels_rooms_for(
	    TRAVEL_HOTELS_MAX_GUESTS)) {
		snprintf(err, errlen, "rooms must be from 1 to %d (got %d)",
		    travel_hotels_rooms_for(TRAVEL_HOTELS_MAX_GUESTS), o->rooms);
		return (1);
	}
	if ((c = malloc(sizeof *c)) == NULL) {
		fprintf(stderr, "out of memory allocating %zu bytes\n",
		    sizeof *c);
		abort();
	}
	if ((r = hotels_find(db, &p, c, err, errlen)) != 0)
		goto out;
	h = &c->hotels[p.idx];
	nights = (int)common_date_diff(&p.in, &p.out);
	if (o->rooms > h->allotment)
		goto full;
	if (hotels_prepare(db, hotels_take_sql, &st, err, errlen) != 0) {
		r = -1;
		goto out;
	}
	/* All nights or none, even inside the caller's transaction. */
	if (hotels_exec(db, "SAVEPOINT travel_hotels_take", err,
	    errlen) != 0) {
		r = -1;
		goto out;
	}
	for (i = 0, night = p.in; i < nights; i++) {
		common_date_format(&night, day);
		sqlite3_bind_text(st, 1, h->id, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, day, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int(st, 3, o->rooms);
		sqlite3_bind_int(st, 4, h->allotment);
		if (sqlite3_step(st) != SQLITE_DONE) {
			snprintf(err, errlen, "hotels: %s", sqlite3_errmsg(db));
			r = -1;
			break;
		}
		sqlite3_reset(st);
		if (sqlite3_changes(db) == 0) {
			r = 1;
			break;
		}
		common_date_add_days(&night, 1);
	}
	if (r != 0) {
		char	 keep[512];

		snprintf(keep, sizeof keep, "%s", err);
		hotels_exec(db, "ROLLBACK TO travel_hotels_take", err, errlen);
		hotels_exec(db, "RELEASE travel_hotels_take", err, errlen);
		snprintf(err, errlen, "%s", keep);
		if (r == 1)
			goto full;
		goto out;
	}
	if (hotels_exec(db, "RELEASE travel_hotels_take", err, errlen) != 0)
		r = -1;
	goto out;
full:
	snprintf(err, errlen, "%s no longer has %d room%s free on every night "
	    "from %s to %s; search again for other hotels or dates", h->name,
	    o->rooms, o->rooms == 1 ? "" : "s", o->check_in, o->check_out);
	r = 1;
out:
	sqlite3_finalize(st);
	free(c);
	return (r);
}

int
travel_hotels_release(sqlite3 *db, const char *offer_id, int rooms, char *err,
    size_t errlen)
{
	sqlite3_stmt		*st = NULL;
	struct hotels_parsed	 p;
	struct common_date	 night;
	char			 day[COMMON_DATE_LEN], hotel[48];
	int			 i, nights;

	if (hotels_parse_id(offer_id, &p, err, errlen) != 0)
		return (-1);
	if (rooms < 1 || rooms > travel_hotels_rooms_for(
	    TRAVEL_HOTELS_MAX_GUESTS)) {
		snprintf(err, errlen, "hotels: cannot release %d rooms of %s; "
		    "give the rooms the booking took", rooms, offer_id);
		return (-1);
	}
	snprintf(hotel, sizeof hotel, "H%lld-%02d", p.gid, p.idx);
	nights = (int)common_date_diff(&p.in, &p.out);
	if (hotels_prepare(db, hotels_release_sql, &st, err, errlen) != 0)
		return (-1);
	for (i = 0, night = p.in; i < nights; i++) {
		common_date_format(&night, day);
		sqlite3_bind_text(st, 1, hotel, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, day, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int(st, 3, rooms);
		if (sqlite3_step(st) != SQLITE_DONE) {
			snprintf(err, errlen, "hotels: %s", sqlite3_errmsg(db));
			sqlite3_finalize(st);
			return (-1);
		}
		sqlite3_reset(st);
		common_date_add_days(&night, 1);
	}
	sqlite3_finalize(st);
	return (0);
}

int
travel_hotels_chain_known(const char *want)
{
	char	key[256];
	size_t	g, t, b;

	for (g = 0; g < G_COUNT; g++) {
		common_place_fold(hotels_groups[g].name, key, sizeof key);
		if (travel_hotels_words(key, want))
			return (1);
		for (t = 0; t < 4; t++)
			for (b = 0; b < 4 && hotels_groups[g].brands[t][b] !=
			    NULL; b++) {
				common_place_fold(hotels_groups[g].brands[t][b],
				    key, sizeof key);
				if (travel_hotels_words(key, want))
					return (1);
			}
	}
	return (0);
}

/* Sights ----------------------------------------------------------------- */

int
travel_hotels_words(const char *hay, const char *needle)
{
	size_t	n = strlen(needle);
	const char *s = hay;

	if (n == 0)
		return (0);
	while ((s = strstr(s, needle)) != NULL) {
		if ((s == hay || s[-1] == ' ') && (s[n] == '\0' ||
		    s[n] == ' '))
			return (1);
		s++;
	}
	return (0);
}

int
travel_hotels_sight(sqlite3 *db, const struct travel_hotels_city *c,
    const char *query, char *name, size_t namelen, double *lat, double *lon,
    char *err, size_t errlen)
{
	sqlite3_stmt	*st = NULL;
	char		 q[256], k[256], alias[256];
	int		 step, best = 0;	/* 3 whole name, 2 contains, 1 within */

	if (common_place_fold(query, q, sizeof q) < 2)
		return (0);

	/* Districts first: their names and aliases. */
	if (hotels_prepare(db, hotels_districts_sql, &st, err, errlen) != 0)
		return (-1);
	sqlite3_bind_text(st, 1, c->country_code, -1, SQLITE_STATIC);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		const char *nm = (const char *)sqlite3_column_text(st, 0);
		const char *al = (const char *)sqlite3_column_text(st, 4);
		int m = 0;

		if (!hotels_same_city((const char *)sqlite3_column_text(st, 3),
		    c->name))
			continue;
		common_place_fold(nm, k, sizeof k);
		m = strcmp(k, q) == 0 ? 3 : travel_hotels_words(k, q) ? 2 : 0;
		while (m < 3 && *al != '\0') {
			size_t n = strcspn(al, ";");

			if (n < sizeof alias) {
				memcpy(alias, al, n);
				alias[n] = '\0';
				common_place_fold(alias, k, sizeof k);
				if (strcmp(k, q) == 0)
					m = 3;
				else if (m < 2 && travel_hotels_words(k, q))
					m = 2;
			}
			al += n;
			if (*al == ';')
				al++;
		}
		if (m > best) {
			best = m;
			hotels_copy(name, namelen, nm);
			*lat = sqlite3_column_double(st, 1);
			*lon = sqlite3_column_double(st, 2);
		}
	}
	if (step != SQLITE_DONE)
		goto fail;
	sqlite3_finalize(st);

	/* Then the city's attractions, best-known first. */
	if (hotels_prepare(db, hotels_sights_sql, &st, err, errlen) != 0)
		return (-1);
	sqlite3_bind_int64(st, 1, c->geonames_id);
	while (best < 3 && (step = sqlite3_step(st)) == SQLITE_ROW) {
		const char *nm = (const char *)sqlite3_column_text(st, 0);
		int m;

		common_place_fold(nm, k, sizeof k);
		m = strcmp(k, q) == 0 ? 3 : travel_hotels_words(k, q) ? 2 :
		    strlen(k) >= 4 && travel_hotels_words(q, k) ? 1 : 0;
		if (m > best) {
			best = m;
			hotels_copy(name, namelen, nm);
			*lat = sqlite3_column_double(st, 1);
			*lon = sqlite3_column_double(st, 2);
		}
	}
	if (best < 3 && step != SQLITE_DONE)
		goto fail;
	sqlite3_finalize(st);
	return (best > 0);
fail:
	snprintf(err, errlen, "hotels: %s", sqlite3_errmsg(db));
	sqlite3_finalize(st);
	return (-1);
}
