/*
 * searchHotels: offers from a city's synthesised hotels for a stay, with
 * prices for the dates, rooms for the guests, preferred chains first and
 * distances to the sights the user named. The guide calls bookHotel to
 * search; here searchHotels searches and bookHotel books.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mcp/server.h"
#include "servers/common/app.h"
#include "servers/common/date.h"
#include "servers/common/money.h"
#include "servers/common/place.h"

#include "hotels.h"

/* Offers returned at most, and names the user may list. */
#define SEARCH_MAX_OFFERS	10
#define SEARCH_MAX_NAMES	10
/* Rooms are sold this far ahead at most (as the flights are). */
#define SEARCH_MAX_AHEAD_DAYS	730
#define SEARCH_SIMULATED	"Prices and availability are simulated " \
	"(no live hotel data): hotels are synthesised for each city near " \
	"its real attractions and districts."

static const char search_hotels_input[] =
    "{\"type\":\"object\",\"properties\":{"
    "\"location\":{\"type\":\"string\",\"minLength\":1,\"maxLength\":200,"
    "\"description\":\"city, district, airport or metro code: Barcelona, "
    "\\\"Gothic Quarter\\\", BCN\"},"
    "\"checkIn\":{\"type\":\"string\",\"maxLength\":10,"
    "\"description\":\"YYYY-MM-DD, today or later\"},"
    "\"checkOut\":{\"type\":\"string\",\"maxLength\":10,"
    "\"description\":\"YYYY-MM-DD, 1 to 30 nights after checkIn\"},"
    "\"guests\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":20,"
    "\"description\":\"guests, 2 to a room\"},"
    "\"maxPrice\":{\"type\":\"number\",\"minimum\":0,"
    "\"description\":\"the most the whole stay may cost, in US dollars "
    "(all rooms, all nights)\"},"
    "\"preferredChains\":{\"type\":\"array\",\"maxItems\":10,"
    "\"items\":{\"type\":\"string\",\"minLength\":1,\"maxLength\":64},"
    "\"description\":\"chains or brands ranked first: Marriott, Hilton, "
    "Hyatt, IHG, Accor, Best Western, Radisson, Wyndham, or a brand such "
    "as Courtyard\"},"
    "\"nearbyAttractions\":{\"type\":\"array\",\"maxItems\":10,"
    "\"items\":{\"type\":\"string\",\"minLength\":1,\"maxLength\":200},"
    "\"description\":\"sights in the city to be near; each offer gives "
    "its distance to them\"},"
    "\"minStars\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":5}},"
    "\"required\":[\"location\",\"checkIn\",\"checkOut\",\"guests\"],"
    "\"additionalProperties\":false}";

static const char search_hotels_output[] =
    "{\"type\":\"object\",\"properties\":{"
    "\"location\":{\"type\":\"string\"},"
    "\"city\":{\"type\":\"string\"},"
    "\"countryCode\":{\"type\":\"string\"},"
    "\"checkIn\":{\"type\":\"string\",\"format\":\"date\"},"
    "\"checkOut\":{\"type\":\"string\",\"format\":\"date\"},"
    "\"nights\":{\"type\":\"integer\"},"
    "\"guests\":{\"type\":\"integer\"},"
    "\"rooms\":{\"type\":\"integer\"},"
    "\"currency\":{\"type\":\"string\"},"
    "\"simulated\":{\"const\":true},"
    "\"notice\":{\"type\":\"string\"},"
    "\"matching\":{\"type\":\"integer\"},"
    "\"offers\":{\"type\":\"array\",\"items\":{\"type\":\"object\","
    "\"properties\":{"
    "\"offerId\":{\"type\":\"string\"},"
    "\"hotelId\":{\"type\":\"string\"},"
    "\"name\":{\"type\":\"string\"},"
    "\"chain\":{\"type\":[\"string\",\"null\"]},"
    "\"brand\":{\"type\":[\"string\",\"null\"]},"
    "\"stars\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":5},"
    "\"area\":{\"type\":\"string\"},"
    "\"lat\":{\"type\":\"number\"},\"lon\":{\"type\":\"number\"},"
    "\"nightlyPrice\":{\"type\":\"number\"},"
    "\"totalPrice\":{\"type\":\"number\"},"
    "\"rooms\":{\"type\":\"integer\"},"
    "\"roomsLeft\":{\"type\":\"integer\"},"
    "\"preferredChain\":{\"type\":\"boolean\"},"
    "\"distances\":{\"type\":\"array\",\"items\":{\"type\":\"object\","
    "\"properties\":{\"attraction\":{\"type\":\"string\"},"
    "\"km\":{\"type\":\"number\"}},\"required\":[\"attraction\",\"km\"]}}},"
    "\"required\":[\"offerId\",\"hotelId\",\"name\",\"chain\",\"stars\","
    "\"area\",\"nightlyPrice\",\"totalPrice\",\"rooms\",\"distances\"]}},"
    "\"notes\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}}},"
    "\"required\":[\"location\",\"checkIn\",\"checkOut\",\"nights\","
    "\"guests\",\"rooms\",\"currency\",\"simulated\",\"notice\",\"offers\","
    "\"notes\"]}";

/* A sight the user named, as found. */
struct search_sight {
	char	name[128];
	double	lat;
	double	lon;
};

/* One hotel that fits the query. */
struct search_offer {
	const struct travel_hotel *h;
	size_t		 index;
	long long	 nightly;
	long long	 total;
	int		 left;
	int		 preferred;
	double		 km_sum;
};

/* The text of a JSON string, or "" when it is not one. */
static const char *
search_str(const cJSON *item)
{
	return (cJSON_IsString(item) && item->valuestring != NULL ?
	    item->valuestring : "");
}

static void
search_note(cJSON *notes, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/*
 * Copies a user's text for a message: valid UTF-8 only, control
 * characters and stray bytes as '?', cut at a character boundary.
 */
static void
search_clean(const char *in, char *out, size_t len)
{
	const unsigned char	*s = (const unsigned char *)in;
	size_t			 n = 0, k, i;

	while (*s != '\0') {
		k = *s < 0x80 ? 1 : (*s & 0xe0) == 0xc0 ? 2 :
		    (*s & 0xf0) == 0xe0 ? 3 : (*s & 0xf8) == 0xf0 ? 4 : 0;
		for (i = 1; i < k; i++)
			if ((s[i] & 0xc0) != 0x80)
				k = 0;
		if (k == 2 && *s < 0xc2)
			k = 0;	/* overlong */
		if (k == 3 && ((*s == 0xe0 && s[1] < 0xa0) ||
		    (*s == 0xed && s[1] >= 0xa0)))
			k = 0;	/* overlong, or a surrogate */
		if (k == 4 && ((*s == 0xf0 && s[1] < 0x90) || *s > 0xf4 ||
		    (*s == 0xf4 && s[1] >= 0x90)))
			k = 0;	/* overlong, or beyond U+10FFFF */
		if (k == 0 || (k == 1 && (*s < 0x20 || *s == 0x7f))) {
			if (n + 1 >= len)
				break;
			out[n++] = '?';
			s++;
			continue;
		}
		if (n + k >= len)
			break;
		memcpy(out + n, s, k);
		n += k;
		s += k;
	}
	out[n] = '\0';
}

static void
search_note(cJSON *notes, const char *fmt, ...)
{
	char	buf[1024];
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	cJSON_AddItemToArray(notes, cJSON_CreateString(buf));
}

/* Whether the hotel is of the (folded) chain or brand. */
static int
search_chain_matches(const struct travel_hotel *h, const char *want)
{
	char	both[160], key[256];

	if (h->chain[0] == '\0' || want[0] == '\0')
		return (0);
	snprintf(both, sizeof both, "%s %s", h->chain, h->brand);
	common_place_fold(both, key, sizeof key);
	return (travel_hotels_words(key, want));
}

/*
 * Preferred chains first, then the nearest to the named sights (their
 * distances summed; 0 when none was named), then the cheapest.
 */
static int
search_cmp(const void *pa, const void *pb)
{
	const struct search_offer *a = pa, *b = pb;

	if (a->preferred != b->preferred)
		return (b->preferred - a->preferred);
	if (a->km_sum != b->km_sum)
		return (a->km_sum < b->km_sum ? -1 : 1);
	if (a->total != b->total)
		return (a->total < b->total ? -1 : 1);
	return (a->index < b->index ? -1 : a->index > b->index);
}

/*
 * The city the resolved place stands for: its own, or for an airport the
 * city it names (BCN: Barcelona, not the suburb nearer the runway), else
 * the nearest within 60 km. 0 when none (err says why), -1 on error.
 */
static long long
search_city_of(sqlite3 *db, const struct common_place *p, char *err,
    size_t errlen)
{
	static const char sql[] =
	    "SELECT geonames_id, lat, lon, name FROM cities WHERE"
	    " country_code = ? AND lat BETWEEN ? - 0.6 AND ? + 0.6";
	sqlite3_stmt	*st;
	long long	 best = 0, named = 0;
	double		 best_km = 60.0;	/* an airport serves its city within this */
	char		 want[256], key[256];

	if (p->geonames_id > 0)
		return (p->geonames_id);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "hotels: %s", sqlite3_errmsg(db));
		return (-1);
	}
	common_place_fold(p->city, want, sizeof want);
	sqlite3_bind_text(st, 1, p->country_code, -1, SQLITE_STATIC);
	sqlite3_bind_double(st, 2, p->lat);
	sqlite3_bind_double(st, 3, p->lat);
	while (sqlite3_step(st) == SQLITE_ROW) {
		double km = travel_hotels_km(p->lat, p->lon,
		    sqlite3_column_double(st, 1), sqlite3_column_double(st, 2));

		if (km >= 60.0)
			continue;
		common_place_fold((const char *)sqlite3_column_text(st, 3), key,
		    sizeof key);
		if (named == 0 && want[0] != '\0' && strcmp(key, want) == 0)
			named = sqlite3_column_int64(st, 0);
		if (km < best_km) {
			best_km = km;
			best = sqlite3_column_int64(st, 0);
		}
	}
	sqlite3_finalize(st);
	if (named != 0)
		return (named);
	if (best == 0)
		snprintf(err, errlen, "location: no city of the data lies "
		    "within 60 km of %s; give the city's name instead",
		    p->name);
	return (best);
}

/* The stay's dates; 0, or -1 with err naming the field. */
static int
search_dates(const cJSON *args, struct common_date *in, struct common_date *out,
    int *nights, char *err, size_t errlen)
{
	struct common_date	today;
	char			why[256], t[COMMON_DATE_LEN];
	long			n;

	if (common_date_parse(search_str(cJSON_GetObjectItemCaseSensitive(
	    args, "checkIn")), in, why, sizeof why) != 0) {
		snprintf(err, errlen, "checkIn: %s", why);
		return (-1);
	}
	if (common_date_parse(search_str(cJSON_GetObjectItemCaseSensitive(
	    args, "checkOut")), out, why, sizeof why) != 0) {
		snprintf(err, errlen, "checkOut: %s", why);
		return (-1);
	}
	if (common_date_today(&today, why, sizeof why) != 0) {
		snprintf(err, errlen, "hotels: %s", why);
		return (-1);
	}
	common_date_format(&today, t);
	if (common_date_compare(in, &today) < 0) {
		snprintf(err, errlen, "checkIn: %s is in the past (today is "
		    "%s); give a check-in date from today on",
		    search_str(cJSON_GetObjectItemCaseSensitive(args,
		    "checkIn")), t);
		return (-1);
	}
	if (common_date_diff(&today, in) > SEARCH_MAX_AHEAD_DAYS) {
		snprintf(err, errlen, "checkIn: %s is more than two years ahead "
		    "(today is %s); hotels sell rooms about a year ahead, give "
		    "a nearer date", search_str(cJSON_GetObjectItemCaseSensitive(
		    args, "checkIn")), t);
		return (-1);
	}
	n = common_date_diff(in, out);
	if (n < 1) {
		snprintf(err, errlen, "checkOut: must be after checkIn (got "
		    "%s to %s); give a check-out date at least one night "
		    "later", search_str(cJSON_GetObjectItemCaseSensitive(args,
		    "checkIn")), search_str(cJSON_GetObjectItemCaseSensitive(
		    args, "checkOut")));
		return (-1);
	}
	if (n > TRAVEL_HOTELS_MAX_NIGHTS) {
		snprintf(err, errlen, "checkOut: a stay of %ld nights is "
		    "longer than %d; search for at most %d nights at a time",
		    n, TRAVEL_HOTELS_MAX_NIGHTS, TRAVEL_HOTELS_MAX_NIGHTS);
		return (-1);
	}
	*nights = (int)n;
	return (0);
}

/* Adds one offer's JSON to arr. */
static void
search_add_offer(cJSON *arr, const struct search_offer *o,
    const struct common_date *in, const struct common_date *out, int guests,
    int rooms, const struct search_sight *sights, size_t nsights)
{
	cJSON	*j = cJSON_CreateObject(), *d;
	char	 id[64];
	size_t	 i;

	travel_hotels_offer_id(o->h, in, out, guests, id, sizeof id);
	cJSON_AddStringToObject(j, "offerId", id);
	cJSON_AddStringToObject(j, "hotelId", o->h->id);
	cJSON_AddStringToObject(j, "name", o->h->name);
	if (o->h->chain[0] != '\0') {
		cJSON_AddStringToObject(j, "chain", o->h->chain);
		cJSON_AddStringToObject(j, "brand", o->h->brand);
	} else {
		cJSON_AddNullToObject(j, "chain");
		cJSON_AddNullToObject(j, "brand");
	}
	cJSON_AddNumberToObject(j, "stars", o->h->stars);
	cJSON_AddStringToObject(j, "area", o->h->area);
	cJSON_AddNumberToObject(j, "lat", round(o->h->lat * 1e5) / 1e5);
	cJSON_AddNumberToObject(j, "lon", round(o->h->lon * 1e5) / 1e5);
	common_money_add(j, "nightlyPrice", o->nightly);
	common_money_add(j, "totalPrice", o->total);
	cJSON_AddNumberToObject(j, "rooms", rooms);
	cJSON_AddNumberToObject(j, "roomsLeft", o->left);
	cJSON_AddBoolToObject(j, "preferredChain", o->preferred);
	d = cJSON_AddArrayToObject(j, "distances");
	for (i = 0; i < nsights; i++) {
		cJSON *k = cJSON_CreateObject();

		cJSON_AddStringToObject(k, "attraction", sights[i].name);
		cJSON_AddNumberToObject(k, "km", round(travel_hotels_km(
		    o->h->lat, o->h->lon, sights[i].lat, sights[i].lon) * 10) /
		    10);
		cJSON_AddItemToArray(d, k);
	}
	cJSON_AddItemToArray(arr, j);
}

/* Everything after the arguments were read: the offers as structuredContent. */
static cJSON *
search_run(sqlite3 *db, const cJSON *args, char *err, size_t errlen)
{
	struct common_place_result *pr = NULL;
	struct travel_hotels_city *c = NULL;
	struct search_sight	 sights[SEARCH_MAX_NAMES];
	struct search_offer	 offers[TRAVEL_HOTELS_MAX];
	int			 lefts[TRAVEL_HOTELS_MAX];
	struct common_date	 in, out, night;
	const cJSON		*it, *chains, *names, *maxp, *mins;
	cJSON			*res = NULL, *notes, *arr;
	char			 prefs[SEARCH_MAX_NAMES][256], label[256];
	char			 asked[208];
	char			 why[256];
	size_t			 nsights = 0, nprefs = 0, noffers = 0, i, k;
	long long		 max_cents = -1, gid, cheapest = -1;
	int			 guests, rooms, nights, min_stars = 1, left, r;
	int			 over_price = 0, sold_out = 0, below_stars = 0;

	err[0] = '\0';
	if (search_dates(args, &in, &out, &nights, err, errlen) != 0)
		return (NULL);
	it = cJSON_GetObjectItemCaseSensitive(args, "guests");
	if (!cJSON_IsNumber(it) || it->valuedouble < 1 ||
	    it->valuedouble > TRAVEL_HOTELS_MAX_GUESTS ||
	    it->valuedouble != floor(it->valuedouble)) {
		snprintf(err, errlen, "guests: must be a whole number from 1 "
		    "to %d; larger groups search several times",
		    TRAVEL_HOTELS_MAX_GUESTS);
		return (NULL);
	}
	guests = it->valueint;
	rooms = travel_hotels_rooms_for(guests);
	if ((maxp = cJSON_GetObjectItemCaseSensitive(args, "maxPrice")) !=
	    NULL && common_money_from_json(maxp, &max_cents, why,
	    sizeof why) != 0) {
		snprintf(err, errlen, "maxPrice: %s (the whole stay, all rooms)",
		    why);
		return (NULL);
	}
	if ((mins = cJSON_GetObjectItemCaseSensitive(args, "minStars")) !=
	    NULL) {
		if (!cJSON_IsNumber(mins) || mins->valuedouble < 1 ||
		    mins->valuedouble > 5) {
			snprintf(err, errlen, "minStars: must be a whole "
			    "number from 1 to 5");
			return (NULL);
		}
		min_stars = mins->valueint;
	}
	chains = cJSON_GetObjectItemCaseSensitive(args, "preferredChains");
	if (chains != NULL && (!cJSON_IsArray(chains) ||
	    cJSON_GetArraySize(chains) > SEARCH_MAX_NAMES)) {
		snprintf(err, errlen, "preferredChains: must be a list of at "
		    "most %d chain names such as [\"Marriott\"]",
		    SEARCH_MAX_NAMES);
		return (NULL);
	}
	cJSON_ArrayForEach(it, chains) {
		if (!cJSON_IsString(it) || strlen(it->valuestring) > 64) {
			snprintf(err, errlen, "preferredChains: each must be "
			    "a chain name of at most 64 bytes, such as "
			    "\"Marriott\"");
			return (NULL);
		}
		common_place_fold(it->valuestring, prefs[nprefs],
		    sizeof prefs[0]);
		nprefs++;
	}
	names = cJSON_GetObjectItemCaseSensitive(args, "nearbyAttractions");
	if (names != NULL && (!cJSON_IsArray(names) ||
	    cJSON_GetArraySize(names) > SEARCH_MAX_NAMES)) {
		snprintf(err, errlen, "nearbyAttractions: must be a list of at "
		    "most %d sight names such as [\"Sagrada Familia\"]",
		    SEARCH_MAX_NAMES);
		return (NULL);
	}
	cJSON_ArrayForEach(it, names) {
		if (!cJSON_IsString(it) || strlen(it->valuestring) > 200) {
			snprintf(err, errlen, "nearbyAttractions: each must be "
			    "a sight name of at most 200 bytes");
			return (NULL);
		}
	}

	/* Where. */
	if ((pr = common_place_resolve(db, search_str(
	    cJSON_GetObjectItemCaseSensitive(args, "location")), why,
	    sizeof why)) == NULL) {
		snprintf(err, errlen, "hotels: %s", why);
		return (NULL);
	}
	if (pr->status != COMMON_PLACE_FOUND) {
		snprintf(err, errlen, "location: %s", pr->message);
		goto fail;
	}
	if ((gid = search_city_of(db, &pr->places[0], err, errlen)) <= 0)
		goto fail;
	if ((c = malloc(sizeof *c)) == NULL) {
		fprintf(stderr, "out of memory allocating %zu bytes\n",
		    sizeof *c);
		abort();
	}
	if ((r = travel_hotels_city(db, gid, c, why, sizeof why)) != 0) {
		snprintf(err, errlen, r > 0 ? "location: %s" : "%s", why);
		goto fail;
	}

	res = cJSON_CreateObject();
	notes = cJSON_CreateArray();
	if (pr->places[0].kind == COMMON_PLACE_AIRPORT) {
		/* An airport code asks for the city it serves. */
		snprintf(label, sizeof label, "%s, %s", c->name, c->country);
		search_note(notes, "location: %s (%s) serves %s; these are "
		    "hotels in %s", pr->places[0].name, pr->places[0].code,
		    c->name, c->name);
	} else
		common_place_label(&pr->places[0], label, sizeof label);
	cJSON_AddStringToObject(res, "location", label);
	cJSON_AddStringToObject(res, "city", c->name);
	cJSON_AddStringToObject(res, "countryCode", c->country_code);
	if (strstr(pr->message, "also named") != NULL)
		search_note(notes, "location: %s", pr->message);

	/* The sights: a district asked for as the location counts as one. */
	if (pr->places[0].kind == COMMON_PLACE_DISTRICT) {
		snprintf(sights[0].name, sizeof sights[0].name, "%s",
		    pr->places[0].name);
		sights[0].lat = pr->places[0].lat;
		sights[0].lon = pr->places[0].lon;
		nsights = 1;
	}
	cJSON_ArrayForEach(it, names) {
		struct search_sight *s = &sights[nsights];

		if (nsights >= SEARCH_MAX_NAMES)
			break;
		r = travel_hotels_sight(db, c, it->valuestring, s->name,
		    sizeof s->name, &s->lat, &s->lon, why, sizeof why);
		if (r < 0) {
			snprintf(err, errlen, "%s", why);
			goto fail;
		}
		if (r == 0) {
			search_clean(it->valuestring, asked, sizeof asked);
			search_note(notes, "nearbyAttractions: no sight called "
			    "\"%s\" in %s in our data, so no distance to it "
			    "is given; check the spelling or name a nearby "
			    "landmark", asked, c->name);
			continue;
		}
		for (k = 0; k < nsights; k++)
			if (strcmp(sights[k].name, s->name) == 0)
				break;
		if (k == nsights)
			nsights++;
	}

	/* The hotels that fit. */
	if (travel_hotels_city_left(db, c, &in, nights, lefts, why,
	    sizeof why) != 0) {
		snprintf(err, errlen, "%s", why);
		goto fail;
	}
	for (i = 0; i < c->n; i++) {
		const struct travel_hotel *h = &c->hotels[i];
		struct search_offer *o = &offers[noffers];
		long long sum = 0;
		int d;

		if (h->stars < min_stars) {
			below_stars++;
			continue;
		}
		left = lefts[i];
		if (left < rooms) {
			sold_out++;
			continue;
		}
		for (d = 0, night = in; d < nights; d++) {
			sum += travel_hotels_night_cents(c, h, &night);
			common_date_add_days(&night, 1);
		}
		if (cheapest < 0 || sum * rooms < cheapest)
			cheapest = sum * rooms;
		if (max_cents >= 0 && sum * rooms > max_cents) {
			over_price++;
			continue;
		}
		o->h = h;
		o->index = i;
		o->nightly = (sum + nights / 2) / nights;
		o->total = sum * rooms;
		o->left = left;
		o->preferred = 0;
		for (k = 0; k < nprefs; k++)
			if (search_chain_matches(h, prefs[k]))
				o->preferred = 1;
		o->km_sum = 0;
		for (k = 0; k < nsights; k++)
			o->km_sum += travel_hotels_km(h->lat, h->lon,
			    sights[k].lat, sights[k].lon);
		noffers++;
	}
	qsort(offers, noffers, sizeof offers[0], search_cmp);

	/* Preferences that match nothing here. */
	k = 0;
	cJSON_ArrayForEach(it, chains) {
		size_t j;
		int any = 0, fits = 0;

		for (j = 0; j < c->n; j++)
			any |= search_chain_matches(&c->hotels[j], prefs[k]);
		for (j = 0; j < noffers; j++)
			fits |= offers[j].preferred &&
			    search_chain_matches(offers[j].h, prefs[k]);
		search_clean(it->valuestring, asked, sizeof asked);
		if (!travel_hotels_chain_known(prefs[k]))
			search_note(notes, "preferredChains: \"%s\" is not "
			    "a chain we know; known chains are Marriott, "
			    "Hilton, Hyatt, IHG, Accor, Best Western, Radisson "
			    "and Wyndham (or one of their brands)", asked);
		else if (!any)
			search_note(notes, "preferredChains: no %s hotel in "
			    "%s", asked, c->name);
		else if (!fits)
			search_note(notes, "preferredChains: the %s hotels "
			    "in %s do not fit this search (price, stars or "
			    "rooms left)", asked, c->name);
		k++;
	}
	if (sold_out > 0)
		search_note(notes, "%d hotel%s in %s ha%s no %d free room%s "
		    "for these nights", sold_out, sold_out == 1 ? "" : "s",
		    c->name, sold_out == 1 ? "s" : "ve", rooms,
		    rooms == 1 ? "" : "s");
	if (over_price > 0) {
		char	m[32];

		common_money_format(max_cents, m, sizeof m);
		search_note(notes, "%d hotel%s cost more than the maxPrice of "
		    "%s for the stay", over_price, over_price == 1 ? "" : "s",
		    m);
	}
	if (noffers == 0 && cheapest >= 0 && over_price > 0) {
		char	m[32];

		common_money_format(cheapest, m, sizeof m);
		search_note(notes, "the cheapest stay that fits otherwise "
		    "costs %s; raise maxPrice or change the dates", m);
	}
	if (below_stars > 0 && noffers == 0)
		search_note(notes, "%d hotel%s ha%s fewer than %d stars",
		    below_stars, below_stars == 1 ? "" : "s",
		    below_stars == 1 ? "s" : "ve", min_stars);

	{
		char t[COMMON_DATE_LEN];

		common_date_format(&in, t);
		cJSON_AddStringToObject(res, "checkIn", t);
		common_date_format(&out, t);
		cJSON_AddStringToObject(res, "checkOut", t);
	}
	cJSON_AddNumberToObject(res, "nights", nights);
	cJSON_AddNumberToObject(res, "guests", guests);
	cJSON_AddNumberToObject(res, "rooms", rooms);
	cJSON_AddStringToObject(res, "currency", COMMON_MONEY_CURRENCY);
	cJSON_AddTrueToObject(res, "simulated");
	cJSON_AddStringToObject(res, "notice", SEARCH_SIMULATED);
	cJSON_AddNumberToObject(res, "matching", (double)noffers);
	arr = cJSON_AddArrayToObject(res, "offers");
	for (i = 0; i < noffers && i < SEARCH_MAX_OFFERS; i++)
		search_add_offer(arr, &offers[i], &in, &out, guests, rooms,
		    sights, nsights);
	cJSON_AddItemToObject(res, "notes", notes);
	free(c);
	common_place_result_free(pr);
	return (res);
fail:
	cJSON_Delete(res);
	free(c);
	common_place_result_free(pr);
	return (NULL);
}

/* The short text beside the structured result. */
static char *
search_summary(const cJSON *res)
{
	const cJSON	*offers = cJSON_GetObjectItemCaseSensitive(res, "offers");
	const cJSON	*o, *notes, *n;
	char		*buf;
	size_t		 len = 0, cap = 8192;
	int		 i = 0;

	if ((buf = malloc(cap)) == NULL) {
		fprintf(stderr, "out of memory allocating %zu bytes\n", cap);
		abort();
	}
#define ADD(...) do { \
	if (len < cap) \
		len += (size_t)snprintf(buf + len, cap - len, __VA_ARGS__); \
} while (0)
	ADD("%d hotel offer%s in %s, %s to %s (%d night%s, %d guest%s, %d "
	    "room%s)%s\n", cJSON_GetArraySize(offers),
	    cJSON_GetArraySize(offers) == 1 ? "" : "s",
	    cJSON_GetObjectItemCaseSensitive(res, "location")->valuestring,
	    cJSON_GetObjectItemCaseSensitive(res, "checkIn")->valuestring,
	    cJSON_GetObjectItemCaseSensitive(res, "checkOut")->valuestring,
	    cJSON_GetObjectItemCaseSensitive(res, "nights")->valueint,
	    cJSON_GetObjectItemCaseSensitive(res, "nights")->valueint == 1 ?
	    "" : "s",
	    cJSON_GetObjectItemCaseSensitive(res, "guests")->valueint,
	    cJSON_GetObjectItemCaseSensitive(res, "guests")->valueint == 1 ?
	    "" : "s",
	    cJSON_GetObjectItemCaseSensitive(res, "rooms")->valueint,
	    cJSON_GetObjectItemCaseSensitive(res, "rooms")->valueint == 1 ?
	    "" : "s", cJSON_GetArraySize(offers) > 0 ? ":" : ".");
	cJSON_ArrayForEach(o, offers) {
		const cJSON *chain = cJSON_GetObjectItemCaseSensitive(o,
		    "chain");
		const cJSON *d;
		char tot[32], night[32];

		if (i++ == 3) {
			ADD("  ... and %d more\n", cJSON_GetArraySize(offers) -
			    3);
			break;
		}
		common_money_format(llround(cJSON_GetObjectItemCaseSensitive(
		    o, "totalPrice")->valuedouble * 100), tot, sizeof tot);
		common_money_format(llround(cJSON_GetObjectItemCaseSensitive(
		    o, "nightlyPrice")->valuedouble * 100), night,
		    sizeof night);
		ADD("  %s (%s%s%d stars, %s): %s total, %s a night",
		    cJSON_GetObjectItemCaseSensitive(o, "name")->valuestring,
		    cJSON_IsString(chain) ? chain->valuestring : "independent",
		    ", ", cJSON_GetObjectItemCaseSensitive(o, "stars")->valueint,
		    cJSON_GetObjectItemCaseSensitive(o, "area")->valuestring,
		    tot, night);
		cJSON_ArrayForEach(d, cJSON_GetObjectItemCaseSensitive(o,
		    "distances"))
			ADD(", %.1f km from %s", cJSON_GetObjectItemCaseSensitive(
			    d, "km")->valuedouble,
			    cJSON_GetObjectItemCaseSensitive(d,
			    "attraction")->valuestring);
		ADD("; offer %s\n", cJSON_GetObjectItemCaseSensitive(o,
		    "offerId")->valuestring);
	}
	notes = cJSON_GetObjectItemCaseSensitive(res, "notes");
	cJSON_ArrayForEach(n, notes)
		ADD("Note: %s\n", n->valuestring);
	ADD("%s", SEARCH_SIMULATED);
#undef ADD
	return (buf);
}

static void
search_hotels(struct mcp_call *call, const cJSON *args, void *arg)
{
	struct common_app	*app = arg;
	cJSON			*res;
	char			 err[1024], *text;

	if ((res = search_run(app->db, args, err, sizeof err)) == NULL) {
		mcp_call_return_error(call, "%s", err);
		return;
	}
	text = search_summary(res);
	mcp_call_return_structured(call, res, text);
	free(text);
}

const struct mcp_tool travel_tool_search_hotels = {
	.name = "searchHotels",
	.title = "Search hotels",
	.description = "Hotel offers in a city for a stay: nightly and total "
	    "price (US dollars), stars, chain, area and the distance to each "
	    "named attraction; preferred chains come first. Book one with "
	    "bookHotel(offerId, guests, idempotencyKey). Prices and "
	    "availability are simulated.",
	.input_schema = search_hotels_input,
	.output_schema = search_hotels_output,
	.annotations = "{\"readOnlyHint\":true,\"destructiveHint\":false,"
	    "\"idempotentHint\":true,\"openWorldHint\":false}",
	.handler = search_hotels,
};
