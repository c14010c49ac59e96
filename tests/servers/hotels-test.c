/*
 * Tests of the travel server's hotels: synthesis, prices, offer ids,
 * inventory, sight distances and the searchHotels tool.
 *
 * Deliberately, this file #includes servers/travel/hotels.c and
 * servers/travel/tool-search-hotels.c: server tests link only the common
 * library and the kit, not a server's own objects, and this way the hotel
 * code (its static functions too) runs in-process on a database set up
 * here with the same migration steps the travel server uses. The tool's
 * schemas are compiled with the kit's schema module and every call is
 * checked against them, as the kit does for a served call.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>
#include <sqlite3.h>

#include "mcp/schema.h"
#include "servers/common/date.h"
#include "servers/common/db.h"
#include "servers/common/place.h"
#include "tests/harness.h"

#include "servers/travel/hotels.c"
#include "servers/travel/tool-search-hotels.c"

#define BARCELONA	3128760LL

static sqlite3			*db;
static struct mcp_schema	*in_schema, *out_schema;
static double			 seed_ms;

static double
now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6);
}

/* The travel migration's hotel part, as the contract orders it. */
static int
migrate_hotels(sqlite3 *d, void *arg, char *err, size_t errlen)
{
	const char *datadir = arg;

	if (common_place_load(d, datadir, err, errlen) != 0 ||
	    common_db_exec(d, travel_hotels_schema, err, errlen) != 0)
		return (-1);
	return (travel_hotels_seed(d, datadir, err, errlen));
}

static const struct common_db_migration migrations[] = {
	{ 1, common_place_schema, migrate_hotels },
};

static struct mcp_schema *
compile(const char *text)
{
	struct mcp_schema	*s;
	cJSON			*j = cJSON_Parse(text);
	char			 err[256];

	if (j == NULL)
		return (NULL);
	if ((s = mcp_schema_new(j, err, sizeof err)) == NULL)
		fprintf(stderr, "schema: %s\n", err);
	cJSON_Delete(j);
	return (s);
}

/*
 * Calls searchHotels as the kit would: arguments checked against the input
 * schema, the handler's work, the result checked against the output
 * schema. Returns structuredContent (caller frees) or NULL with the isError
 * text in errbuf.
 */
static cJSON *
search(const char *json, char *errbuf, size_t errlen)
{
	cJSON	*args = cJSON_Parse(json), *res;
	char	 why[512];

	errbuf[0] = '\0';
	if (args == NULL) {
		snprintf(errbuf, errlen, "test: bad JSON %s", json);
		return (NULL);
	}
	if (mcp_schema_validate(in_schema, args, "arguments", why,
	    sizeof why) != 0) {
		snprintf(errbuf, errlen, "invalid arguments for tool "
		    "'searchHotels': %s", why);
		cJSON_Delete(args);
		return (NULL);
	}
	res = search_run(db, args, errbuf, errlen);
	cJSON_Delete(args);
	if (res != NULL && mcp_schema_validate(out_schema, res,
	    "structuredContent", why, sizeof why) != 0) {
		snprintf(errbuf, errlen, "output schema: %s", why);
		cJSON_Delete(res);
		return (NULL);
	}
	return (res);
}

/* Prints a city's hotels (HOTELS_DUMP=<geonames id>), to tune by eye. */
static void
dump_city(long long gid)
{
	struct travel_hotels_city	*c = malloc(sizeof *c);
	struct common_date		 june = { 2024, 6, 17 };
	char				 err[256];
	size_t				 i;

	if (c == NULL || travel_hotels_city(db, gid, c, err, sizeof err) != 0) {
		free(c);
		return;
	}
	printf("%s, %s: level %.2f, %zu hotels\n", c->name, c->country,
	    c->price_level, c->n);
	for (i = 0; i < c->n; i++) {
		const struct travel_hotel *h = &c->hotels[i];

		printf("  %s %-48s %-10s %d* %-40s $%lld (%.5f,%.5f) %d rooms\n",
		    h->id, h->name, h->chain, h->stars, h->area,
		    travel_hotels_night_cents(c, h, &june) / 100, h->lat,
		    h->lon, h->allotment);
	}
	free(c);
}

/* The guide's search (issue 5's acceptance). */
static const char guide_query[] =
    "{\"location\":\"Barcelona\",\"checkIn\":\"2024-06-15\","
    "\"checkOut\":\"2024-06-22\",\"guests\":2,\"maxPrice\":1200,"
    "\"preferredChains\":[\"Marriott\"],"
    "\"nearbyAttractions\":[\"Gothic Quarter\",\"Sagrada Familia\"]}";

/* The km to the named attraction in an offer, or -1. */
static double
offer_km(const cJSON *offer, const char *attraction)
{
	const cJSON	*d;

	cJSON_ArrayForEach(d, cJSON_GetObjectItemCaseSensitive(offer,
	    "distances")) {
		const cJSON *n = cJSON_GetObjectItemCaseSensitive(d,
		    "attraction");

		if (cJSON_IsString(n) && strcmp(n->valuestring,
		    attraction) == 0)
			return (cJSON_GetObjectItemCaseSensitive(d,
			    "km")->valuedouble);
	}
	return (-1);
}

static const char *
offer_str(const cJSON *offer, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(offer, name);

	return (cJSON_IsString(v) ? v->valuestring : "");
}

static double
offer_num(const cJSON *offer, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(offer, name);

	return (cJSON_IsNumber(v) ? v->valuedouble : -1);
}

static void
test_guide_acceptance(void)
{
	cJSON		*res;
	const cJSON	*o, *offers;
	char		 err[1024];
	int		 found = 0, n = 0;

	res = search(guide_query, err, sizeof err);
	CHECK(res != NULL);
	if (res == NULL) {
		fprintf(stderr, "  %s\n", err);
		return;
	}
	CHECK_STR(offer_str(res, "location"), "Barcelona, Spain");
	CHECK_EQ_INT(offer_num(res, "nights"), 7);
	CHECK_EQ_INT(offer_num(res, "rooms"), 1);
	CHECK(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(res, "simulated")));
	CHECK_CONTAINS(offer_str(res, "notice"), "simulated");
	offers = cJSON_GetObjectItemCaseSensitive(res, "offers");
	CHECK(cJSON_GetArraySize(offers) > 0);
	/* The preferred chain comes first. */
	CHECK_STR(offer_str(cJSON_GetArrayItem(offers, 0), "chain"),
	    "Marriott");
	cJSON_ArrayForEach(o, offers) {
		double gq = offer_km(o, "Gothic Quarter");
		double sf = offer_km(o, "Sagrada Família");

		if (getenv("HOTELS_VERBOSE") != NULL)
			printf("  %s %s %s %.0f gq %.1f sf %.1f\n",
			    offer_str(o, "name"), offer_str(o, "chain"),
			    offer_str(o, "area"), offer_num(o, "totalPrice"),
			    gq, sf);
		n++;
		CHECK(offer_num(o, "totalPrice") <= 1200);
		CHECK(gq >= 0 && sf >= 0);
		if (strcmp(offer_str(o, "chain"), "Marriott") == 0 &&
		    gq >= 0 && gq <= 1.0 && offer_num(o, "totalPrice") <= 1200)
			found++;
	}
	CHECK(found > 0);
	cJSON_Delete(res);
}

int
main(void)
{
	char	 err[512];
	double	 t0;
	const char *dump, *datadir = getenv("TRIPMCP_DATA_DIR");

	HARNESS_BEGIN("servers-hotels");
	HARNESS_WATCHDOG();
	setenv("TRIPMCP_TODAY", "2024-05-01", 1);
	if (datadir == NULL || *datadir == '\0')
		datadir = "data";
	t0 = now_ms();
	if ((db = common_db_open(":memory:", err, sizeof err)) == NULL ||
	    common_db_migrate(db, migrations, 1, (void *)datadir, err,
	    sizeof err) != 0) {
		printf("FAIL servers-hotels: setup: %s\n", err);
		return (1);
	}
	seed_ms = now_ms() - t0;
	in_schema = compile(search_hotels_input);
	out_schema = compile(search_hotels_output);
	if (in_schema == NULL || out_schema == NULL) {
		printf("FAIL servers-hotels: the tool's schemas do not compile\n");
		return (1);
	}
	if ((dump = getenv("HOTELS_DUMP")) != NULL) {
		dump_city(strtoll(dump, NULL, 10));
		return (0);
	}

	TEST(test_guide_acceptance);

	mcp_schema_free(in_schema);
	mcp_schema_free(out_schema);
	sqlite3_close(db);
	printf("# places and hotel seed into memory: %.0f ms\n", seed_ms);
	return (HARNESS_END());
}
