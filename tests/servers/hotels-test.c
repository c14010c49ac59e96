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
#include <unistd.h>

#include <cjson/cJSON.h>
#include <event2/event.h>
#include <event2/util.h>
#include <sqlite3.h>

#include "mcp/client.h"
#include "mcp/schema.h"
#include "mcp/server.h"
#include "mcp/stdio.h"
#include "servers/common/app.h"
#include "servers/common/date.h"
#include "servers/common/db.h"
#include "servers/common/place.h"
#include "tests/harness.h"
#include "tests/mcp/testutil.h"
#include "tests/servers/serverutil.h"

#include "servers/travel/hotels.c"
#include "servers/travel/tool-search-hotels.c"

#define BARCELONA	3128760LL

static sqlite3			*db;
static char			 err_buf[1024];
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

static int has_note(const cJSON *, const char *);

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
	CHECK(has_note(res, "Barcelona, Venezuela"));
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


/* Helpers ----------------------------------------------------------------- */

static struct travel_hotels_city *
city(long long gid)
{
	struct travel_hotels_city	*c = malloc(sizeof *c);
	char				 err[256];

	if (c == NULL)
		abort();
	if (travel_hotels_city(db, gid, c, err, sizeof err) != 0) {
		fprintf(stderr, "  city %lld: %s\n", gid, err);
		free(c);
		return (NULL);
	}
	return (c);
}

/* "rows:sum" of hotel_inventory and the count of cities: what must not change. */
static void
db_state(char *buf, size_t len)
{
	sqlite3_stmt	*st;

	snprintf(buf, len, "?");
	if (sqlite3_prepare_v2(db, "SELECT (SELECT count(*) FROM "
	    "hotel_inventory), (SELECT coalesce(sum(taken), 0) FROM "
	    "hotel_inventory), (SELECT count(*) FROM cities), (SELECT "
	    "count(*) FROM hotel_attractions)", -1, &st, NULL) != SQLITE_OK)
		return;
	if (sqlite3_step(st) == SQLITE_ROW)
		snprintf(buf, len, "%lld:%lld:%lld:%lld",
		    sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1),
		    sqlite3_column_int64(st, 2), sqlite3_column_int64(st, 3));
	sqlite3_finalize(st);
}

/* The offers array of a search (borrowed from res). */
static const cJSON *
offers_of(const cJSON *res)
{
	return (cJSON_GetObjectItemCaseSensitive(res, "offers"));
}

/* Whether any note of res contains text. */
static int
has_note(const cJSON *res, const char *text)
{
	const cJSON	*n;

	cJSON_ArrayForEach(n, cJSON_GetObjectItemCaseSensitive(res, "notes"))
		if (cJSON_IsString(n) && strstr(n->valuestring, text) != NULL)
			return (1);
	return (0);
}

/* Synthesis ---------------------------------------------------------------- */

static void
test_synthesis_is_deterministic(void)
{
	struct travel_hotels_city	*a = city(BARCELONA), *b = city(BARCELONA);
	struct travel_hotels_city	*p = city(2988507);	/* Paris */

	CHECK(a != NULL && b != NULL && p != NULL);
	if (a != NULL && b != NULL && p != NULL) {
		CHECK(memcmp(a, b, sizeof *a) == 0);
		CHECK(a->n != p->n || strcmp(a->hotels[0].name,
		    p->hotels[0].name) != 0 || a->hotels[0].lat !=
		    p->hotels[0].lat);
		CHECK_STR(a->name, "Barcelona");
		CHECK_STR(p->name, "Paris");
	}
	free(a);
	free(b);
	free(p);
}

static void
test_synthesis_shape(void)
{
	struct travel_hotels_city	*c = city(BARCELONA);
	int				 groups[G_COUNT] = { 0 }, indep = 0;
	int				 stars[6] = { 0 }, in_gq = 0;
	size_t				 i, j, g;

	CHECK(c != NULL);
	if (c == NULL)
		return;
	/* A big, much-visited city: many hotels, the major chains among them. */
	CHECK(c->n >= 15 && c->n <= TRAVEL_HOTELS_MAX);
	for (i = 0; i < c->n; i++) {
		const struct travel_hotel *h = &c->hotels[i];
		char want[48];

		snprintf(want, sizeof want, "H%lld-%02zu", BARCELONA, i);
		CHECK_STR(h->id, want);
		CHECK(h->stars >= 2 && h->stars <= 5);
		stars[h->stars]++;
		CHECK(h->allotment >= 3 && h->allotment <= 12);
		CHECK(h->area[0] != '\0');
		/* Near the centre: the sights are all in town. */
		CHECK(travel_hotels_km(h->lat, h->lon, c->lat, c->lon) < 6);
		if (strcmp(h->area, "Gothic Quarter") == 0) {
			in_gq++;
			CHECK(travel_hotels_km(h->lat, h->lon, 41.3833,
			    2.1767) <= HOTELS_DISTRICT_KM);
		}
		if (h->chain[0] == '\0') {
			indep++;
			CHECK(h->brand[0] == '\0');
		} else {
			for (g = 0; g < G_COUNT; g++)
				if (strcmp(hotels_groups[g].name,
				    h->chain) == 0)
					groups[g]++;
			CHECK(strstr(h->name, h->brand) == h->name);
		}
		for (j = 0; j < i; j++)
			CHECK(strcmp(c->hotels[j].name, h->name) != 0);
	}
	CHECK(groups[G_MARRIOTT] >= 2);
	CHECK(groups[G_HILTON] >= 1 && groups[G_ACCOR] >= 1 &&
	    groups[G_IHG] >= 1 && groups[G_HYATT] >= 1);
	CHECK(indep >= 5);
	CHECK(stars[3] > 0 && stars[4] > 0 && stars[5] + stars[2] > 0);
	/* The hand-written district draws hotels. */
	CHECK(in_gq >= 3);
	free(c);
}

/* Every city of the data synthesises, within bounds. */
static void
test_synthesis_every_city(void)
{
	struct travel_hotels_city	*c = malloc(sizeof *c);
	sqlite3_stmt			*st;
	char				 err[256];
	int				 cities = 0, bad = 0, small = 0;

	CHECK(c != NULL);
	CHECK(sqlite3_prepare_v2(db, "SELECT geonames_id FROM cities", -1,
	    &st, NULL) == SQLITE_OK);
	while (c != NULL && sqlite3_step(st) == SQLITE_ROW) {
		size_t i;

		cities++;
		if (travel_hotels_city(db, sqlite3_column_int64(st, 0), c, err,
		    sizeof err) != 0) {
			if (bad++ == 0)
				fprintf(stderr, "  %s\n", err);
			continue;
		}
		if (c->n < 3 || c->n > TRAVEL_HOTELS_MAX)
			bad++;
		if (c->n < 8)
			small++;
		for (i = 0; i < c->n; i++) {
			const struct travel_hotel *h = &c->hotels[i];
			struct common_date d = { 2024, 6, 15 };
			long long p = travel_hotels_night_cents(c, h, &d);

			if (h->stars < 2 || h->stars > 5 || h->name[0] == '\0' ||
			    p < HOTELS_MIN_CENTS || p > 500000 || p % 100 != 0 ||
			    travel_hotels_km(h->lat, h->lon, c->lat, c->lon) >
			    14) {
				if (bad++ == 0)
					fprintf(stderr, "  %s: %s\n", c->name,
					    h->name);
			}
		}
	}
	sqlite3_finalize(st);
	CHECK(cities > 5000);
	CHECK_EQ_INT(bad, 0);
	CHECK(small > 0);	/* towns get a handful, not forty */
	CHECK_EQ_INT(travel_hotels_city(db, 1, c, err, sizeof err), 1);
	CHECK_CONTAINS(err, "no city");
	free(c);
}

/* Prices ----------------------------------------------------------------- */

static double
avg_night(const struct travel_hotels_city *c, int stars,
    const struct common_date *d)
{
	double	sum = 0;
	int	n = 0;
	size_t	i;

	for (i = 0; i < c->n; i++)
		if (stars == 0 || c->hotels[i].stars == stars) {
			sum += (double)travel_hotels_night_cents(c,
			    &c->hotels[i], d);
			n++;
		}
	return (n > 0 ? sum / n : 0);
}

static void
test_prices(void)
{
	struct travel_hotels_city	*b = city(BARCELONA);
	struct travel_hotels_city	*syd = city(2147714);
	struct travel_hotels_city	*zur = city(2657896);
	struct travel_hotels_city	*bkk = city(1609350);
	struct common_date jan = { 2025, 1, 15 }, jun = { 2024, 6, 19 };
	struct common_date jul = { 2024, 7, 17 };
	struct common_date wed = { 2024, 6, 19 }, fri = { 2024, 6, 21 };

	CHECK(b != NULL && syd != NULL && zur != NULL && bkk != NULL);
	if (b == NULL || syd == NULL || zur == NULL || bkk == NULL)
		goto out;
	CHECK_EQ_INT(common_date_weekday(&wed), 2);
	CHECK_EQ_INT(common_date_weekday(&fri), 4);
	/* Season: northern summer dear, southern summer in January. */
	CHECK(avg_night(b, 0, &jun) > avg_night(b, 0, &jan) * 1.2);
	CHECK(avg_night(syd, 0, &jan) > avg_night(syd, 0, &jul) * 1.2);
	/* Weekday: Friday nights cost more than Wednesday nights. */
	CHECK(travel_hotels_night_cents(b, &b->hotels[0], &fri) >
	    travel_hotels_night_cents(b, &b->hotels[0], &wed));
	/* Stars. */
	CHECK(avg_night(b, 5, &jun) > avg_night(b, 4, &jun));
	CHECK(avg_night(b, 4, &jun) > avg_night(b, 3, &jun));
	/* Cost level: Zurich over Barcelona over Bangkok. */
	CHECK(zur->price_level > b->price_level);
	CHECK(b->price_level > bkk->price_level);
	CHECK(avg_night(zur, 3, &jun) > avg_night(bkk, 3, &jun) * 2);
	/* Believable: a Barcelona 3-star in June between $90 and $250. */
	CHECK(avg_night(b, 3, &jun) > 9000 && avg_night(b, 3, &jun) < 25000);
out:
	free(b);
	free(syd);
	free(zur);
	free(bkk);
}

/* The kit takes the tool as declared: schemas and annotations compile. */
static void
test_tool_declaration(void)
{
	static const struct mcp_server_info info = { .name = "hotels-test",
	    .version = "0" };
	struct mcp_server	*srv = mcp_server_new(&info);
	struct mcp_err		 e = { 0, "" };
	cJSON			*ann;

	CHECK(srv != NULL);
	if (srv == NULL)
		return;
	CHECK_EQ_INT(mcp_server_add_tool(srv, &travel_tool_search_hotels, NULL,
	    &e), 0);
	CHECK_STR(e.msg, "");
	mcp_server_free(srv);
	CHECK_STR(travel_tool_search_hotels.name, "searchHotels");
	ann = cJSON_Parse(travel_tool_search_hotels.annotations);
	CHECK(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(ann,
	    "readOnlyHint")));
	CHECK(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(ann,
	    "destructiveHint")));
	cJSON_Delete(ann);
}

/*
 * searchHotels served by the kit in-process over a socketpair: the
 * transcript a client sees (tools/list, a result, an isError).
 */
static void
test_served_by_kit(void)
{
	static const struct mcp_server_info info = { .name = "hotels-test",
	    .version = "0" };
	struct common_app	 app;
	struct mcp_stdio_opts	 so = { 0, NULL };
	struct event_base	*base = event_base_new();
	struct mcp_server	*srv = mcp_server_new(&info);
	struct testutil_lines	*lines;
	struct mcp_err		 e = { 0, "" };
	char			 req[2048], *line;
	cJSON			*j;
	int			 fd[2];

	memset(&app, 0, sizeof app);
	app.db = db;
	CHECK(base != NULL && srv != NULL);
	if (base == NULL || srv == NULL)
		return;
	CHECK_EQ_INT(mcp_server_add_tool(srv, &travel_tool_search_hotels, &app,
	    &e), 0);
	testutil_socketpair(fd);
	mcp_server_serve(srv, base, mcp_stdio_new(base, fd[0], fd[0], &so));
	evutil_make_socket_nonblocking(fd[1]);
	lines = testutil_lines_new(base, fd[1]);

#define SEND(text) testutil_write(base, fd[1], text "\n", strlen(text "\n"))
	SEND("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\","
	    "\"params\":{\"protocolVersion\":\"2025-06-18\",\"capabilities\":"
	    "{},\"clientInfo\":{\"name\":\"hotels-test\",\"version\":\"0\"}}}");
	free(testutil_lines_next(lines, 5000));
	SEND("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
	SEND("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}");
	line = testutil_lines_next(lines, 5000);
	j = line != NULL ? cJSON_Parse(line) : NULL;
	free(line);
	CHECK_STR(testutil_json_str(j, "result.tools[0].name"), "searchHotels");
	CHECK(cJSON_IsTrue(testutil_json_at(j,
	    "result.tools[0].annotations.readOnlyHint")));
	CHECK(testutil_json_at(j, "result.tools[0].outputSchema") != NULL);
	CHECK_STR(testutil_json_str(j,
	    "result.tools[0].inputSchema.required[0]"), "location");
	cJSON_Delete(j);

	snprintf(req, sizeof req, "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":"
	    "\"tools/call\",\"params\":{\"name\":\"searchHotels\","
	    "\"arguments\":%s}}\n", guide_query);
	testutil_write(base, fd[1], req, strlen(req));
	line = testutil_lines_next(lines, 5000);
	j = line != NULL ? cJSON_Parse(line) : NULL;
	free(line);
	CHECK(!cJSON_IsTrue(testutil_json_at(j, "result.isError")));
	CHECK_STR(testutil_json_str(j,
	    "result.structuredContent.offers[0].chain"), "Marriott");
	CHECK_CONTAINS(testutil_json_str(j, "result.content[0].text"),
	    "hotel offers in Barcelona, Spain");
	CHECK_CONTAINS(testutil_json_str(j, "result.content[0].text"),
	    "simulated");
	cJSON_Delete(j);

	/* Wrong types stop at the kit; wrong values at the handler. */
	SEND("{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"tools/call\","
	    "\"params\":{\"name\":\"searchHotels\",\"arguments\":{"
	    "\"location\":\"Barcelona\",\"checkIn\":\"2024-06-15\","
	    "\"checkOut\":\"2024-06-22\",\"guests\":\"two\"}}}");
	line = testutil_lines_next(lines, 5000);
	j = line != NULL ? cJSON_Parse(line) : NULL;
	free(line);
	CHECK(cJSON_IsTrue(testutil_json_at(j, "result.isError")));
	CHECK_CONTAINS(testutil_json_str(j, "result.content[0].text"),
	    "guests");
	cJSON_Delete(j);
	SEND("{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"tools/call\","
	    "\"params\":{\"name\":\"searchHotels\",\"arguments\":{"
	    "\"location\":\"Barcelona\",\"checkIn\":\"2024-04-15\","
	    "\"checkOut\":\"2024-06-22\",\"guests\":2}}}");
	line = testutil_lines_next(lines, 5000);
	j = line != NULL ? cJSON_Parse(line) : NULL;
	free(line);
	CHECK(cJSON_IsTrue(testutil_json_at(j, "result.isError")));
	CHECK_CONTAINS(testutil_json_str(j, "result.content[0].text"),
	    "checkIn: 2024-04-15 is in the past");
	cJSON_Delete(j);
#undef SEND

	testutil_lines_free(lines);
	close(fd[1]);
	testutil_spin(base, 50);
	mcp_server_free(srv);
	close(fd[0]);
	event_base_free(base);
}

/* Searching --------------------------------------------------------------- */

static void
test_search_is_deterministic(void)
{
	cJSON	*a, *b;
	char	 err[1024], *ta, *tb;

	a = search(guide_query, err, sizeof err);
	b = search(guide_query, err, sizeof err);
	CHECK(a != NULL && b != NULL);
	if (a != NULL && b != NULL) {
		ta = cJSON_PrintUnformatted(a);
		tb = cJSON_PrintUnformatted(b);
		CHECK_STR(ta, tb);
		free(ta);
		free(tb);
	}
	cJSON_Delete(a);
	cJSON_Delete(b);
}

static void
test_search_summary(void)
{
	cJSON	*res = search(guide_query, err_buf, sizeof err_buf);
	char	*text;

	CHECK(res != NULL);
	if (res == NULL)
		return;
	text = search_summary(res);
	CHECK_CONTAINS(text, "Barcelona, Spain, 2024-06-15 to 2024-06-22 (7 "
	    "nights, 2 guests, 1 room)");
	CHECK_CONTAINS(text, offer_str(cJSON_GetArrayItem(offers_of(res), 0),
	    "offerId"));
	CHECK_CONTAINS(text, "km from Gothic Quarter");
	CHECK_CONTAINS(text, "simulated");
	free(text);
	cJSON_Delete(res);
}

static void
test_preferences_rank_first(void)
{
	cJSON		*res;
	const cJSON	*o;
	char		 err[1024];
	int		 seen_other = 0, hilton = 0, order_ok = 1;
	double		 last = -1;

	res = search("{\"location\":\"barcelona\",\"checkIn\":\"2024-06-15\","
	    "\"checkOut\":\"2024-06-22\",\"guests\":2,\"preferredChains\":"
	    "[\"hilton\",\"Moxy\",\"Acme Hotels\"]}", err, sizeof err);
	CHECK(res != NULL);
	if (res == NULL) {
		fprintf(stderr, "  %s\n", err);
		return;
	}
	cJSON_ArrayForEach(o, offers_of(res)) {
		int pref = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o,
		    "preferredChain"));

		CHECK_EQ_INT(pref, strcmp(offer_str(o, "chain"), "Hilton") == 0);
		if (pref) {
			hilton++;
			CHECK(!seen_other);
		} else {
			/* The rest by price, with no sights named. */
			if (seen_other && offer_num(o, "totalPrice") < last)
				order_ok = 0;
			last = offer_num(o, "totalPrice");
			seen_other = 1;
		}
	}
	CHECK(hilton >= 1);
	CHECK(seen_other);
	CHECK(order_ok);
	/* A known brand absent here, and a name we do not know. */
	CHECK(has_note(res, "no Moxy hotel in Barcelona"));
	CHECK(has_note(res, "\"Acme Hotels\" is not a chain we know"));
	cJSON_Delete(res);

	/* A brand picks out its hotels only; minStars filters. */
	res = search("{\"location\":\"Barcelona\",\"checkIn\":\"2024-06-15\","
	    "\"checkOut\":\"2024-06-16\",\"guests\":1,\"minStars\":4,"
	    "\"preferredChains\":[\"Hotel Indigo\"]}", err, sizeof err);
	CHECK(res != NULL);
	if (res == NULL)
		return;
	o = cJSON_GetArrayItem(offers_of(res), 0);
	CHECK_CONTAINS(offer_str(o, "name"), "Hotel Indigo");
	CHECK_STR(offer_str(o, "chain"), "IHG");
	CHECK(offer_num(cJSON_GetArrayItem(offers_of(res), 1), "stars") >= 4);
	cJSON_ArrayForEach(o, offers_of(res))
		CHECK(offer_num(o, "stars") >= 4);
	cJSON_Delete(res);
}

static void
test_attraction_distances(void)
{
	cJSON		*res;
	const cJSON	*o;
	char		 err[1024];
	double		 last = -1;

	/* Accents and case do not matter; aliases and parts of names work. */
	res = search("{\"location\":\"Barcelona\",\"checkIn\":\"2024-06-15\","
	    "\"checkOut\":\"2024-06-17\",\"guests\":3,\"nearbyAttractions\":"
	    "[\"SAGRADA FAMÍLIA\",\"barri gotic\",\"Picasso\",\"Eiffel "
	    "Tower\"]}", err, sizeof err);
	CHECK(res != NULL);
	if (res == NULL) {
		fprintf(stderr, "  %s\n", err);
		return;
	}
	CHECK_EQ_INT(offer_num(res, "rooms"), 2);
	CHECK(has_note(res, "no sight called \"Eiffel Tower\" in Barcelona"));
	cJSON_Delete(res);

	/* A name with control characters and broken UTF-8 is quoted safely. */
	res = search("{\"location\":\"Barcelona\",\"checkIn\":\"2024-06-15\","
	    "\"checkOut\":\"2024-06-17\",\"guests\":1,\"nearbyAttractions\":"
	    "[\"Fake\\r\\nSight\\u0000x\\u00e9\"],\"preferredChains\":"
	    "[\"Bad\\nChain\"]}", err, sizeof err);
	CHECK(res != NULL);
	if (res != NULL) {
		char *t = search_summary(res);

		CHECK(has_note(res, "no sight called \"Fake??Sight"));
		CHECK(has_note(res, "\"Bad?Chain\" is not a chain we know"));
		CHECK(strstr(t, "Fake\r") == NULL && strstr(t, "Bad\n") == NULL);
		free(t);
	}
	{
		char out[16];

		search_clean("Caf\xc3 \xff\xc0\xafok", out, sizeof out);
		CHECK_STR(out, "Caf? ???ok");
		search_clean("\xed\xa0\x80|\xf4\x90\x80\x80|", out, sizeof out);
		CHECK_STR(out, "???|????|");
		search_clean("G\xc3\xb2tic \xe2\x82\xac", out, sizeof out);
		CHECK_STR(out, "G\xc3\xb2tic \xe2\x82\xac");
		search_clean("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
		    "\xc3\xa9\xc3\xa9", out, 8);	/* cut between characters */
		CHECK_STR(out, "\xc3\xa9\xc3\xa9\xc3\xa9");
	}
	cJSON_Delete(res);
	res = search("{\"location\":\"Barcelona\",\"checkIn\":\"2024-06-15\","
	    "\"checkOut\":\"2024-06-17\",\"guests\":3,\"nearbyAttractions\":"
	    "[\"SAGRADA FAMÍLIA\",\"barri gotic\",\"Picasso\",\"Eiffel "
	    "Tower\"]}", err, sizeof err);
	CHECK(res != NULL);
	if (res == NULL)
		return;
	CHECK(cJSON_GetArraySize(offers_of(res)) > 0);
	cJSON_ArrayForEach(o, offers_of(res)) {
		double lat = offer_num(o, "lat"), lon = offer_num(o, "lon");
		double sf = offer_km(o, "Sagrada Família");
		double gq = offer_km(o, "Gothic Quarter");
		double mp = offer_km(o, "Museu Picasso");

		CHECK_EQ_INT(cJSON_GetArraySize(
		    cJSON_GetObjectItemCaseSensitive(o, "distances")), 3);
		/* The real coordinates: Wikidata's and the hand-written row's. */
		CHECK(fabs(sf - travel_hotels_km(lat, lon, 41.40361,
		    2.17418)) < 0.06);
		CHECK(fabs(gq - travel_hotels_km(lat, lon, 41.3833,
		    2.1767)) < 0.06);
		CHECK(fabs(mp - travel_hotels_km(lat, lon, 41.38504,
		    2.18103)) < 0.06);
		/* Nearest to all three first. */
		CHECK(sf + gq + mp >= last - 0.15);
		last = sf + gq + mp;
		/* Two rooms: the total is two rooms' nights. */
		CHECK(fabs(offer_num(o, "totalPrice") - 2 * 2 *
		    offer_num(o, "nightlyPrice")) < 1.0);
	}
	cJSON_Delete(res);

	/* A district as the location: its city's hotels, measured from it. */
	res = search("{\"location\":\"Gothic Quarter\",\"checkIn\":"
	    "\"2024-06-15\",\"checkOut\":\"2024-06-17\",\"guests\":1}", err,
	    sizeof err);
	CHECK(res != NULL);
	if (res == NULL)
		return;
	CHECK_STR(offer_str(res, "city"), "Barcelona");
	o = cJSON_GetArrayItem(offers_of(res), 0);
	CHECK(offer_km(o, "Gothic Quarter") >= 0 &&
	    offer_km(o, "Gothic Quarter") < 0.7);
	cJSON_Delete(res);

	/* An airport code stands for the city it serves. */
	res = search("{\"location\":\"BCN\",\"checkIn\":\"2024-06-15\","
	    "\"checkOut\":\"2024-06-17\",\"guests\":1}", err, sizeof err);
	CHECK(res != NULL);
	if (res != NULL) {
		CHECK_STR(offer_str(res, "city"), "Barcelona");
		CHECK_STR(offer_str(res, "location"), "Barcelona, Spain");
		CHECK(has_note(res, "(BCN) serves Barcelona"));
	}
	cJSON_Delete(res);
}

static void
test_price_ceiling(void)
{
	cJSON	*res;
	char	 err[1024];

	res = search("{\"location\":\"Barcelona\",\"checkIn\":\"2024-06-15\","
	    "\"checkOut\":\"2024-06-22\",\"guests\":2,\"maxPrice\":100}", err,
	    sizeof err);
	CHECK(res != NULL);
	if (res == NULL)
		return;
	CHECK_EQ_INT(cJSON_GetArraySize(offers_of(res)), 0);
	CHECK(has_note(res, "cost more than the maxPrice of $100"));
	CHECK(has_note(res, "the cheapest stay that fits otherwise costs $"));
	CHECK(has_note(res, "raise maxPrice"));
	cJSON_Delete(res);
}

/* Offers, inventory ------------------------------------------------------- */

/* The first offer of a fresh search for the stay (copied into id). */
static int
first_offer(const char *in, const char *out, int guests, char *id,
    size_t len, cJSON **res_out)
{
	char	 q[512], err[1024];
	cJSON	*res;

	snprintf(q, sizeof q, "{\"location\":\"Barcelona\",\"checkIn\":\"%s\","
	    "\"checkOut\":\"%s\",\"guests\":%d,\"nearbyAttractions\":"
	    "[\"Gothic Quarter\"]}", in, out, guests);
	if ((res = search(q, err, sizeof err)) == NULL) {
		fprintf(stderr, "  %s\n", err);
		return (-1);
	}
	snprintf(id, len, "%s", offer_str(cJSON_GetArrayItem(offers_of(res),
	    0), "offerId"));
	if (res_out != NULL)
		*res_out = res;
	else
		cJSON_Delete(res);
	return (0);
}

/* Whether a search for the stay lists hotel_id. */
static int
search_lists(const char *in, const char *out, int guests,
    const char *hotel_id)
{
	char		 q[512], err[1024];
	cJSON		*res;
	const cJSON	*o;
	int		 found = 0;

	snprintf(q, sizeof q, "{\"location\":\"Barcelona\",\"checkIn\":\"%s\","
	    "\"checkOut\":\"%s\",\"guests\":%d,\"nearbyAttractions\":"
	    "[\"Gothic Quarter\"]}", in, out, guests);
	if ((res = search(q, err, sizeof err)) == NULL)
		return (-1);
	cJSON_ArrayForEach(o, offers_of(res))
		if (strcmp(offer_str(o, "hotelId"), hotel_id) == 0)
			found = 1;
	cJSON_Delete(res);
	return (found);
}

static void
test_offer_rederived(void)
{
	struct travel_hotel_offer	 o;
	cJSON				*res = NULL;
	const cJSON			*first;
	char				 id[64], err[512];

	CHECK(first_offer("2024-06-15", "2024-06-22", 2, id, sizeof id,
	    &res) == 0);
	if (res == NULL)
		return;
	first = cJSON_GetArrayItem(offers_of(res), 0);
	CHECK_EQ_INT(travel_hotels_offer(db, id, 2, &o, err, sizeof err), 0);
	CHECK_STR(o.offer_id, id);
	CHECK_STR(o.hotel_id, offer_str(first, "hotelId"));
	CHECK_STR(o.name, offer_str(first, "name"));
	CHECK_STR(o.area, offer_str(first, "area"));
	CHECK_STR(o.city, "Barcelona");
	CHECK_STR(o.country_code, "ES");
	CHECK_STR(o.check_in, "2024-06-15");
	CHECK_STR(o.check_out, "2024-06-22");
	CHECK_EQ_INT(o.nights, 7);
	CHECK_EQ_INT(o.guests, 2);
	CHECK_EQ_INT(o.rooms, 1);
	CHECK_EQ_INT(o.stars, (int)offer_num(first, "stars"));
	CHECK_EQ_INT(o.total_cents, llround(offer_num(first, "totalPrice") *
	    100));
	CHECK_EQ_INT(o.nightly_cents, llround(offer_num(first,
	    "nightlyPrice") * 100));
	if (cJSON_IsString(cJSON_GetObjectItemCaseSensitive(first, "chain")))
		CHECK_STR(o.chain, offer_str(first, "chain"));
	else
		CHECK_STR(o.chain, "");
	/* Five guests need three rooms: three times the price. */
	CHECK_EQ_INT(travel_hotels_offer(db, id, 5, &o, err, sizeof err), 0);
	CHECK_EQ_INT(o.rooms, 3);
	CHECK_EQ_INT(o.total_cents, 3 * llround(offer_num(first,
	    "totalPrice") * 100));
	cJSON_Delete(res);
}

static void
test_offer_ids_rejected(void)
{
	struct travel_hotel_offer	 o;
	char				 id[64], bad[96], body[64], err[512];
	char				 huge[10000];
	struct common_date		 in = { 2024, 6, 15 }, out = { 2024, 6, 22 };
	static const char *const malformed[] = {
		"", "HO-", "hello", "HO-3128760-07-20240615-20240622-2",
		"ho-3128760-07-20240615-20240622-2-00000000",
		"HO-3128760-7-20240615-20240622-2-00000000",
		"HO-3128760-07-2024-06-15-20240622-2-00000000",
		"HO--07-20240615-20240622-2-00000000",
		"HO-3128760-07-20240615-20240622-2-00000000-",
		"HO-3128760-07-20240615-20240622-+2-00000000",
		"HO-3128760-07-20240231-20240301-2-00000000",
		"HO-3128760-07-20240615-20240622-2-00000000; DROP TABLE x",
	};
	char	 state[128], state2[128];
	size_t	 i;

	db_state(state, sizeof state);
	CHECK(first_offer("2024-06-15", "2024-06-22", 2, id, sizeof id,
	    NULL) == 0);
	for (i = 0; i < sizeof malformed / sizeof malformed[0]; i++) {
		err[0] = '\0';
		CHECK_EQ_INT(travel_hotels_offer(db, malformed[i], 2, &o, err,
		    sizeof err), 1);
		CHECK_CONTAINS(err, "not a hotel offer id");
	}
	memset(huge, 'A', sizeof huge - 1);
	huge[sizeof huge - 1] = '\0';
	CHECK_EQ_INT(travel_hotels_offer(db, huge, 2, &o, err, sizeof err), 1);
	CHECK_EQ_INT(travel_hotels_offer(db, NULL, 2, &o, err, sizeof err), 1);

	/* Any edit is noticed: a date, the hotel, the guests, the check. */
	for (i = 3; i < strlen(id); i++) {
		if (id[i] == '-')
			continue;
		snprintf(bad, sizeof bad, "%s", id);
		bad[i] = bad[i] == '1' ? '2' : '1';
		err[0] = '\0';
		CHECK_EQ_INT(travel_hotels_offer(db, bad, 2, &o, err,
		    sizeof err), 1);
		CHECK(strstr(err, "altered") != NULL ||
		    strstr(err, "not a hotel offer id") != NULL);
	}
	snprintf(bad, sizeof bad, "%s", id);
	bad[strlen(bad) - 1] = bad[strlen(bad) - 1] == 'a' ? 'b' : 'a';
	CHECK_EQ_INT(travel_hotels_offer(db, bad, 2, &o, err, sizeof err), 1);
	CHECK_CONTAINS(err, "altered");

	/* Well-formed and signed, but no such hotel or city. */
	hotels_id_body(BARCELONA, 39, &in, &out, 2, body, sizeof body);
	snprintf(bad, sizeof bad, "%s-%08x", body,
	    (unsigned)hotels_id_check(body));
	CHECK_EQ_INT(travel_hotels_offer(db, bad, 2, &o, err, sizeof err), 1);
	CHECK_CONTAINS(err, "has no hotel number 39");
	hotels_id_body(1, 0, &in, &out, 2, body, sizeof body);
	snprintf(bad, sizeof bad, "%s-%08x", body,
	    (unsigned)hotels_id_check(body));
	CHECK_EQ_INT(travel_hotels_offer(db, bad, 2, &o, err, sizeof err), 1);
	CHECK_CONTAINS(err, "no city");

	/* Guests out of range. */
	CHECK_EQ_INT(travel_hotels_offer(db, id, 0, &o, err, sizeof err), 1);
	CHECK_CONTAINS(err, "guests must be from 1 to 20");
	CHECK_EQ_INT(travel_hotels_offer(db, id, 21, &o, err, sizeof err), 1);

	/* An offer whose stay has begun is no longer current. */
	setenv("TRIPMCP_TODAY", "2024-06-16", 1);
	CHECK_EQ_INT(travel_hotels_offer(db, id, 2, &o, err, sizeof err), 1);
	CHECK_CONTAINS(err, "which has passed");
	setenv("TRIPMCP_TODAY", "2024-05-01", 1);

	/* Releasing with a bad id or count fails and changes nothing. */
	CHECK_EQ_INT(travel_hotels_release(db, "nonsense", 1, err,
	    sizeof err), -1);
	CHECK_EQ_INT(travel_hotels_release(db, id, 0, err, sizeof err), -1);
	CHECK(strchr(err, '\n') == NULL);
	db_state(state2, sizeof state2);
	CHECK_STR(state2, state);
}

/* Random strings shaped like offer ids: none is taken but the real one. */
static void
test_offer_ids_random(void)
{
	static const char alphabet[] = "HO-0123456789abcdef";
	struct travel_hotel_offer	 o;
	struct hotels_rng		 r = { 42 };
	char				 id[64], s[80], err[512];
	int				 i, accepted = 0;
	size_t				 k, len;

	CHECK(first_offer("2024-06-15", "2024-06-22", 2, id, sizeof id,
	    NULL) == 0);
	for (i = 0; i < 20000; i++) {
		if (i % 2 == 0) {
			/* A mutation of the real id: a change, a cut or an extra. */
			snprintf(s, sizeof s, "%s", id);
			len = strlen(s);
			k = hotels_below(&r, (unsigned)len + 1);
			switch (hotels_below(&r, 3)) {
			case 0:
				if (k < len)
					s[k] = alphabet[hotels_below(&r,
					    sizeof alphabet - 1)];
				break;
			case 1:
				s[k] = '\0';
				break;
			default:
				memmove(s + k + 1, s + k, len - k + 1);
				s[k] = alphabet[hotels_below(&r,
				    sizeof alphabet - 1)];
				break;
			}
		} else {
			len = hotels_below(&r, sizeof s);
			for (k = 0; k < len; k++)
				s[k] = alphabet[hotels_below(&r,
				    sizeof alphabet - 1)];
			s[len] = '\0';
		}
		if (travel_hotels_offer(db, s, 2, &o, err, sizeof err) == 0) {
			accepted++;
			CHECK_STR(s, id);
		}
	}
	CHECK(accepted > 0);	/* some mutations change nothing */
	CHECK(accepted < 20000 / 6);
}

/* Taken rooms of a hotel on a night. */
static int
taken(const char *hotel, const char *night)
{
	sqlite3_stmt	*st;
	int		 n = 0;

	sqlite3_prepare_v2(db, "SELECT taken FROM hotel_inventory WHERE "
	    "hotel_id = ? AND night = ?", -1, &st, NULL);
	sqlite3_bind_text(st, 1, hotel, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, night, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return (n);
}

static void
test_inventory_runs_out_and_returns(void)
{
	struct travel_hotel_offer	 o, big, one;
	struct travel_hotels_city	*c = city(BARCELONA);
	char				 id[64], night_id[64], err[512];
	char				 state[128], state2[128];
	int				 takes = 0, r, allot, k;

	CHECK(c != NULL);
	CHECK(first_offer("2024-09-09", "2024-09-12", 2, id, sizeof id,
	    NULL) == 0);
	CHECK_EQ_INT(travel_hotels_offer(db, id, 2, &o, err, sizeof err), 0);
	if (c == NULL)
		return;
	allot = c->hotels[atoi(strchr(o.hotel_id, '-') + 1)].allotment;
	CHECK_EQ_INT(search_lists("2024-09-09", "2024-09-12", 2, o.hotel_id),
	    1);

	/* Booking one room at a time until none is left. */
	while ((r = travel_hotels_take(db, &o, err, sizeof err)) == 0 &&
	    takes < 50)
		takes++;
	CHECK_EQ_INT(r, 1);
	CHECK_CONTAINS(err, "no longer has 1 room free");
	CHECK_EQ_INT(takes, allot);
	CHECK_EQ_INT(taken(o.hotel_id, "2024-09-09"), allot);
	CHECK_EQ_INT(taken(o.hotel_id, "2024-09-11"), allot);
	CHECK_EQ_INT(taken(o.hotel_id, "2024-09-12"), 0);	/* check-out day */
	CHECK_EQ_INT(travel_hotels_offer(db, id, 2, &o, err, sizeof err), 1);
	CHECK_CONTAINS(err, "no rooms left");
	CHECK_EQ_INT(search_lists("2024-09-09", "2024-09-12", 2, o.hotel_id),
	    0);
	/* A stay overlapping one night is full too; the night after is not. */
	CHECK_EQ_INT(search_lists("2024-09-11", "2024-09-13", 1, o.hotel_id),
	    0);
	CHECK_EQ_INT(search_lists("2024-09-12", "2024-09-13", 1, o.hotel_id),
	    1);

	/* One room back: one booking fits, not a second. */
	CHECK_EQ_INT(travel_hotels_release(db, id, 1, err, sizeof err), 0);
	CHECK_EQ_INT(travel_hotels_offer(db, id, 2, &o, err, sizeof err), 0);
	CHECK_EQ_INT(search_lists("2024-09-09", "2024-09-12", 2, o.hotel_id),
	    1);
	/* Three rooms for six guests do not fit: nothing is taken. */
	CHECK_EQ_INT(travel_hotels_offer(db, id, 6, &big, err, sizeof err), 1);
	CHECK_CONTAINS(err, "only 1 room left");
	big = o;
	big.rooms = 3;
	db_state(state, sizeof state);
	CHECK_EQ_INT(travel_hotels_take(db, &big, err, sizeof err), 1);
	db_state(state2, sizeof state2);
	CHECK_STR(state2, state);
	CHECK_EQ_INT(travel_hotels_take(db, &o, err, sizeof err), 0);
	CHECK_EQ_INT(travel_hotels_take(db, &o, err, sizeof err), 1);

	/* Release everything: all rooms are back. */
	CHECK_EQ_INT(travel_hotels_release(db, id, allot, err, sizeof err), 0);
	CHECK_EQ_INT(taken(o.hotel_id, "2024-09-10"), 0);
	CHECK_EQ_INT(travel_hotels_release(db, id, 1, err, sizeof err), 0);
	CHECK_EQ_INT(taken(o.hotel_id, "2024-09-10"), 0);	/* never below 0 */

	/* A full middle night: a longer stay takes nothing at all. */
	{
		struct common_date in = { 2024, 9, 10 }, out = { 2024, 9, 11 };
		const struct travel_hotel *h =
		    &c->hotels[atoi(strchr(o.hotel_id, '-') + 1)];

		travel_hotels_offer_id(h, &in, &out, 1, night_id,
		    sizeof night_id);
		CHECK_EQ_INT(travel_hotels_offer(db, night_id, 1, &one, err,
		    sizeof err), 0);
		for (k = 0; k < allot; k++)
			CHECK_EQ_INT(travel_hotels_take(db, &one, err,
			    sizeof err), 0);
		db_state(state, sizeof state);
		CHECK_EQ_INT(travel_hotels_take(db, &o, err, sizeof err), 1);
		db_state(state2, sizeof state2);
		CHECK_STR(state2, state);
		CHECK_EQ_INT(taken(o.hotel_id, "2024-09-09"), 0);
		CHECK_EQ_INT(travel_hotels_release(db, night_id, allot, err,
		    sizeof err), 0);
	}
	/* Inside a caller's transaction that rolls back, nothing stays. */
	CHECK(sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK);
	CHECK_EQ_INT(travel_hotels_take(db, &o, err, sizeof err), 0);
	CHECK_EQ_INT(taken(o.hotel_id, "2024-09-09"), 1);
	CHECK(sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL) == SQLITE_OK);
	CHECK_EQ_INT(taken(o.hotel_id, "2024-09-09"), 0);
	free(c);
}

/* Bad input ---------------------------------------------------------------- */

static void
test_bad_input(void)
{
	static const struct {
		const char *args;
		const char *want;	/* in the message */
		const char *want2;	/* and this, or NULL */
	} cases[] = {
#define STAY	"\"checkIn\":\"2024-06-15\",\"checkOut\":\"2024-06-22\""
		{ "{\"location\":\"Barcelona\",\"checkIn\":\"2024-04-30\","
		  "\"checkOut\":\"2024-05-02\",\"guests\":2}", "checkIn",
		  "in the past" },
		{ "{\"location\":\"Barcelona\",\"checkIn\":\"2024-06-15\","
		  "\"checkOut\":\"2024-06-15\",\"guests\":2}", "checkOut",
		  "after checkIn" },
		{ "{\"location\":\"Barcelona\",\"checkIn\":\"2024-06-15\","
		  "\"checkOut\":\"2024-06-10\",\"guests\":2}", "checkOut",
		  "after checkIn" },
		{ "{\"location\":\"Barcelona\",\"checkIn\":\"2024-06-15\","
		  "\"checkOut\":\"2024-07-16\",\"guests\":2}", "checkOut",
		  "31 nights" },
		{ "{\"location\":\"Barcelona\",\"checkIn\":\"2026-06-15\","
		  "\"checkOut\":\"2026-06-16\",\"guests\":2}", "checkIn",
		  "more than two years ahead" },
		{ "{\"location\":\"Barcelona\",\"checkIn\":\"2024-02-30\","
		  "\"checkOut\":\"2024-07-16\",\"guests\":2}", "checkIn", NULL },
		{ "{\"location\":\"Barcelona\",\"checkIn\":\"15/06/2024\","
		  "\"checkOut\":\"2024-07-16\",\"guests\":2}", "checkIn", NULL },
		{ "{\"location\":\"Barcelona\"," STAY ",\"guests\":0}",
		  "guests", NULL },
		{ "{\"location\":\"Barcelona\"," STAY ",\"guests\":50}",
		  "guests", NULL },
		{ "{\"location\":\"Barcelona\"," STAY ",\"guests\":2.5}",
		  "guests", NULL },
		{ "{\"location\":\"Barcelona\"," STAY ",\"guests\":\"2\"}",
		  "guests", NULL },
		{ "{\"location\":\"Barcelona\"," STAY "}", "guests", NULL },
		{ "{" STAY ",\"guests\":2}", "location", NULL },
		{ "{\"location\":\"Atlantis\"," STAY ",\"guests\":2}",
		  "location", "unknown place \"Atlantis\"" },
		{ "{\"location\":\"san juan\"," STAY ",\"guests\":2}",
		  "location", "San Juan, Puerto Rico" },
		{ "{\"location\":\"   \"," STAY ",\"guests\":2}",
		  "location", "empty place name" },
		{ "{\"location\":\"Barcelona'; DROP TABLE hotel_inventory;--\","
		  STAY ",\"guests\":2}", "location", "unknown place" },
		{ "{\"location\":\"Bar\\r\\ncelona\"," STAY ",\"guests\":2}",
		  "location", NULL },
		{ "{\"location\":42," STAY ",\"guests\":2}", "location", NULL },
		{ "{\"location\":\"Barcelona\"," STAY ",\"guests\":2,"
		  "\"preferredChains\":\"Marriott\"}", "preferredChains", NULL },
		{ "{\"location\":\"Barcelona\"," STAY ",\"guests\":2,"
		  "\"preferredChains\":[1,2]}", "preferredChains", NULL },
		{ "{\"location\":\"Barcelona\"," STAY ",\"guests\":2,"
		  "\"preferredChains\":[\"a\",\"b\",\"c\",\"d\",\"e\",\"f\","
		  "\"g\",\"h\",\"i\",\"j\",\"k\"]}", "preferredChains", NULL },
		{ "{\"location\":\"Barcelona\"," STAY ",\"guests\":2,"
		  "\"nearbyAttractions\":\"Sagrada Familia\"}",
		  "nearbyAttractions", NULL },
		{ "{\"location\":\"Barcelona\"," STAY ",\"guests\":2,"
		  "\"maxPrice\":-1}", "maxPrice", NULL },
		{ "{\"location\":\"Barcelona\"," STAY ",\"guests\":2,"
		  "\"maxPrice\":\"cheap\"}", "maxPrice", NULL },
		{ "{\"location\":\"Barcelona\"," STAY ",\"guests\":2,"
		  "\"maxPrice\":1e12}", "maxPrice", NULL },
		{ "{\"location\":\"Barcelona\"," STAY ",\"guests\":2,"
		  "\"minStars\":6}", "minStars", NULL },
		{ "{\"location\":\"Barcelona\"," STAY ",\"guests\":2,"
		  "\"minStars\":\"4\"}", "minStars", NULL },
		{ "{\"location\":\"Barcelona\"," STAY ",\"guests\":2,"
		  "\"rooms\":3}", "rooms", NULL },
#undef STAY
	};
	char	 err[1024], state[128], state2[128], *q;
	cJSON	*res;
	size_t	 i, n;

	db_state(state, sizeof state);
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		res = search(cases[i].args, err, sizeof err);
		CHECK(res == NULL);
		cJSON_Delete(res);
		CHECK_CONTAINS(err, cases[i].want);
		if (cases[i].want2 != NULL)
			CHECK_CONTAINS(err, cases[i].want2);
		CHECK(strchr(err, '\n') == NULL && strchr(err, '\r') == NULL);
	}
	/* Huge strings. */
	n = 200000;
	q = malloc(n + 256);
	CHECK(q != NULL);
	if (q != NULL) {
		snprintf(q, n + 256, "{\"location\":\"");
		memset(q + strlen(q), 'x', n);
		snprintf(q + strlen("{\"location\":\"") + n, 200, "\","
		    "\"checkIn\":\"2024-06-15\",\"checkOut\":\"2024-06-22\","
		    "\"guests\":2}");
		res = search(q, err, sizeof err);
		CHECK(res == NULL);
		cJSON_Delete(res);
		CHECK_CONTAINS(err, "location");
		snprintf(q, n + 256, "{\"location\":\"Barcelona\",\"checkIn\":"
		    "\"2024-06-15\",\"checkOut\":\"2024-06-22\",\"guests\":2,"
		    "\"nearbyAttractions\":[\"");
		i = strlen(q);
		memset(q + i, 'y', n);
		snprintf(q + i + n, 200, "\"]}");
		res = search(q, err, sizeof err);
		CHECK(res == NULL);
		cJSON_Delete(res);
		CHECK_CONTAINS(err, "nearbyAttractions");
		free(q);
	}
	db_state(state2, sizeof state2);
	CHECK_STR(state2, state);
}

/* End to end: tripmcp-travel, through our client ---------------------------- */

static struct serverutil *su;

/* Calls searchHotels on the server; the result (caller frees) or NULL. */
static cJSON *
served(struct serverutil *s, const char *args, bool *is_error)
{
	cJSON	*r = serverutil_call(s, "searchHotels", args, is_error);

	if (r == NULL)
		fprintf(stderr, "  searchHotels: %s\n", serverutil_error(s));
	return (r);
}

static void
test_e2e_listed(void)
{
	cJSON		*r = serverutil_request(su, "tools/list", NULL);
	const cJSON	*t;
	int		 found = 0;

	CHECK(r != NULL);
	cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(r, "tools")) {
		if (strcmp(offer_str(t, "name"), "searchHotels") != 0)
			continue;
		found = 1;
		CHECK(cJSON_IsTrue(testutil_json_at(t,
		    "annotations.readOnlyHint")));
		CHECK(testutil_json_at(t, "outputSchema") != NULL);
		CHECK(testutil_json_at(t, "inputSchema.properties.nearbyAttractions")
		    != NULL);
	}
	CHECK(found);
	cJSON_Delete(r);
}

static void
test_e2e_guide(void)
{
	cJSON		*r, *r2, *r3;
	const cJSON	*o, *sc;
	struct serverutil *other;
	bool		 is_error = true;
	int		 found = 0;
	char		*a, *b;

	r = served(su, guide_query, &is_error);
	CHECK(r != NULL && !is_error);
	if (r == NULL)
		return;
	sc = cJSON_GetObjectItemCaseSensitive(r, "structuredContent");
	CHECK_STR(testutil_json_str(sc, "offers[0].chain"), "Marriott");
	cJSON_ArrayForEach(o, offers_of(sc))
		if (strcmp(offer_str(o, "chain"), "Marriott") == 0 &&
		    offer_km(o, "Gothic Quarter") <= 1.0 &&
		    offer_num(o, "totalPrice") <= 1200)
			found++;
	CHECK(found > 0);
	CHECK_CONTAINS(serverutil_text(r), "Marriott");
	CHECK_CONTAINS(serverutil_text(r), "simulated");

	/* The same offers again, and from a second server on the database. */
	r2 = served(su, guide_query, NULL);
	other = serverutil_start("travel", serverutil_db_path(su),
	    "2024-05-01", NULL);
	CHECK(other != NULL);
	r3 = other != NULL ? served(other, guide_query, NULL) : NULL;
	a = cJSON_PrintUnformatted(sc);
	b = r2 != NULL ? cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(
	    r2, "structuredContent")) : NULL;
	CHECK_STR(b, a);
	free(b);
	b = r3 != NULL ? cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(
	    r3, "structuredContent")) : NULL;
	CHECK_STR(b, a);
	free(a);
	free(b);
	cJSON_Delete(r);
	cJSON_Delete(r2);
	cJSON_Delete(r3);
	serverutil_stop(other);
}

static void
test_e2e_bad_input(void)
{
	static const struct {
		const char *args;
		const char *want;
	} cases[] = {
		{ "{\"location\":\"Barcelona\",\"checkIn\":\"2024-04-01\","
		  "\"checkOut\":\"2024-04-03\",\"guests\":2}",
		  "checkIn: 2024-04-01 is in the past" },
		{ "{\"location\":\"Barcelona\",\"checkIn\":\"2024-06-15\","
		  "\"checkOut\":\"2024-06-22\",\"guests\":50}", "guests" },
		{ "{\"location\":\"Barcelona\",\"checkIn\":\"2024-06-15\","
		  "\"checkOut\":\"2024-06-22\",\"guests\":0}", "guests" },
		{ "{\"location\":\"Narnia\",\"checkIn\":\"2024-06-15\","
		  "\"checkOut\":\"2024-06-22\",\"guests\":2}",
		  "location: unknown place \"Narnia\"" },
		{ "{\"location\":\"x' OR 1=1; DELETE FROM cities; --\","
		  "\"checkIn\":\"2024-06-15\",\"checkOut\":\"2024-06-22\","
		  "\"guests\":2}", "location" },
		{ "{\"location\":\"Barcelona\",\"checkIn\":\"2024-06-15\","
		  "\"checkOut\":\"2024-06-22\",\"guests\":2,"
		  "\"preferredChains\":{\"name\":\"Marriott\"}}",
		  "preferredChains" },
	};
	bool	 is_error;
	cJSON	*r;
	size_t	 i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		is_error = false;
		r = served(su, cases[i].args, &is_error);
		CHECK(r != NULL && is_error);
		CHECK_CONTAINS(serverutil_text(r), cases[i].want);
		cJSON_Delete(r);
	}
	/* The place data is intact: Barcelona still resolves. */
	is_error = true;
	r = served(su, guide_query, &is_error);
	CHECK(r != NULL && !is_error);
	cJSON_Delete(r);
}

/*
 * The first offer of a served search (of hotel, when it is not ""), with
 * its hotel and rooms left; whether there was one.
 */
static int
served_first(char *hotel, size_t hlen, char *offer_id, size_t len, int *left)
{
	cJSON		*r;
	const cJSON	*o;
	int		 found = 0;

	r = served(su, "{\"location\":\"Barcelona\",\"checkIn\":"
	    "\"2024-10-07\",\"checkOut\":\"2024-10-09\",\"guests\":2,"
	    "\"nearbyAttractions\":[\"Gothic Quarter\"]}", NULL);
	cJSON_ArrayForEach(o, offers_of(cJSON_GetObjectItemCaseSensitive(r,
	    "structuredContent"))) {
		if (hotel[0] != '\0' && strcmp(offer_str(o, "hotelId"),
		    hotel) != 0)
			continue;
		snprintf(hotel, hlen, "%s", offer_str(o, "hotelId"));
		snprintf(offer_id, len, "%s", offer_str(o, "offerId"));
		*left = (int)offer_num(o, "roomsLeft");
		found = 1;
		break;
	}
	cJSON_Delete(r);
	return (found);
}

/* bookHotel takes rooms until none is left; cancelBooking gives one back. */
static void
test_e2e_rooms_booked_and_cancelled(void)
{
	char		 hotel[48] = "", offer[64], args[512], code[32] = "";
	const char	*c;
	cJSON		*r;
	bool		 is_error;
	int		 left = 0, again = 0, i, booked = 0;

	CHECK(served_first(hotel, sizeof hotel, offer, sizeof offer, &left));
	CHECK(left >= 3);
	for (i = 0; i < left + 1 && i < 20; i++) {
		snprintf(args, sizeof args, "{\"offerId\":\"%s\",\"guests\":2,"
		    "\"idempotencyKey\":\"hotels-test-%d\"}", offer, i);
		is_error = true;
		r = serverutil_call(su, "bookHotel", args, &is_error);
		CHECK(r != NULL);
		if (r != NULL && !is_error) {
			booked++;
			c = testutil_json_str(r, "structuredContent.confirmation");
			if (code[0] == '\0' && c != NULL)
				snprintf(code, sizeof code, "%s", c);
		} else if (r != NULL)
			CHECK_CONTAINS(serverutil_text(r), "no rooms left");
		cJSON_Delete(r);
	}
	CHECK_EQ_INT(booked, left);
	/* Sold out: the search no longer offers it. */
	CHECK(!served_first(hotel, sizeof hotel, offer, sizeof offer, &again));

	snprintf(args, sizeof args, "{\"confirmation\":\"%s\"}", code);
	is_error = true;
	r = serverutil_call(su, "cancelBooking", args, &is_error);
	CHECK(r != NULL && !is_error);
	cJSON_Delete(r);
	CHECK(served_first(hotel, sizeof hotel, offer, sizeof offer, &again));
	CHECK_EQ_INT(again, 1);
}

/* One of two bookings racing on two servers. */
struct race {
	bool	done;
	bool	is_error;
	char	text[512];
};

static void
race_done(void *arg, const struct mcp_response *r)
{
	struct race	*x = arg;

	x->done = true;
	x->is_error = r->code != 0 || cJSON_IsTrue(
	    cJSON_GetObjectItemCaseSensitive(r->result, "isError"));
	snprintf(x->text, sizeof x->text, "%s", r->code != 0 ?
	    (r->message != NULL ? r->message : "") : serverutil_text(r->result));
}

/* The rooms taken, over all hotels and nights, in the database at path. */
static long
rooms_taken(const char *path)
{
	sqlite3		*d;
	sqlite3_stmt	*st;
	long		 n = -1;

	if (sqlite3_open_v2(path, &d, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
	    sqlite3_prepare_v2(d, "SELECT coalesce(sum(taken), 0) FROM "
	    "hotel_inventory", -1, &st, NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW)
			n = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
	}
	sqlite3_close(d);
	return (n);
}

/*
 * Two servers on one database book the last room at once: one booking.
 * A server killed inside a booking leaves no room taken.
 */
static void
test_e2e_last_room_race_and_crash(void)
{
	static const char *const slow[] = {
		"TRIPMCP_TEST_BOOKING_DELAY_MS=300", NULL
	};
	static const char *const crash[] = {
		"TRIPMCP_TEST_CRASH_IN_BOOKING=1", NULL
	};
	static const char search_args[] = "{\"location\":\"Barcelona\","
	    "\"checkIn\":\"2024-11-04\",\"checkOut\":\"2024-11-06\","
	    "\"guests\":2,\"nearbyAttractions\":[\"Gothic Quarter\"]}";
	struct serverutil	*a, *b = NULL, *c = NULL;
	struct race		 ra = { 0 }, rb = { 0 };
	char			 offer[64], hotel[48], args[512], path[512];
	const cJSON		*o;
	cJSON			*r;
	bool			 is_error;
	long			 before;
	int			 left, fill, i;

	a = serverutil_start("travel", NULL, "2024-05-01", slow);
	CHECK(a != NULL);
	if (a == NULL)
		return;
	snprintf(path, sizeof path, "%s", serverutil_db_path(a));
	b = serverutil_start("travel", path, "2024-05-01", slow);
	CHECK(b != NULL);
	if (b == NULL)
		goto out;
	r = serverutil_call(a, "searchHotels", search_args, NULL);
	o = cJSON_GetArrayItem(offers_of(cJSON_GetObjectItemCaseSensitive(r,
	    "structuredContent")), 0);
	snprintf(offer, sizeof offer, "%s", offer_str(o, "offerId"));
	snprintf(hotel, sizeof hotel, "%s", offer_str(o, "hotelId"));
	left = (int)offer_num(o, "roomsLeft");
	cJSON_Delete(r);
	CHECK(left >= 3);

	/* All rooms but one, up to ten rooms (20 guests) a booking. */
	for (i = 0; left > 1 && i < 5; i++) {
		fill = left - 1 < 10 ? left - 1 : 10;
		snprintf(args, sizeof args, "{\"offerId\":\"%s\",\"guests\":"
		    "%d,\"idempotencyKey\":\"fill-%d\"}", offer, 2 * fill, i);
		is_error = true;
		r = serverutil_call(i % 2 ? a : b, "bookHotel", args, &is_error);
		CHECK(r != NULL && !is_error);
		cJSON_Delete(r);
		left -= fill;
	}
	CHECK_EQ_INT(left, 1);

	/* Both ask for the last room at once. */
	snprintf(args, sizeof args, "{\"offerId\":\"%s\",\"guests\":2,"
	    "\"idempotencyKey\":\"race-a\"}", offer);
	mcp_client_call_tool(serverutil_client(a), "bookHotel",
	    cJSON_Parse(args), NULL, race_done, &ra);
	snprintf(args, sizeof args, "{\"offerId\":\"%s\",\"guests\":2,"
	    "\"idempotencyKey\":\"race-b\"}", offer);
	mcp_client_call_tool(serverutil_client(b), "bookHotel",
	    cJSON_Parse(args), NULL, race_done, &rb);
	for (i = 0; i < 3000 && !(ra.done && rb.done); i++) {
		event_base_loop(serverutil_base(a), EVLOOP_NONBLOCK);
		event_base_loop(serverutil_base(b), EVLOOP_NONBLOCK);
		usleep(5000);
	}
	CHECK(ra.done && rb.done);
	CHECK_EQ_INT(!ra.is_error + !rb.is_error, 1);
	CHECK_CONTAINS(ra.is_error ? ra.text : rb.text, "no rooms left");
	r = serverutil_call(b, "searchHotels", search_args, NULL);
	cJSON_ArrayForEach(o, offers_of(cJSON_GetObjectItemCaseSensitive(r,
	    "structuredContent")))
		CHECK(strcmp(offer_str(o, "hotelId"), hotel) != 0);
	cJSON_Delete(r);
	serverutil_stop(b);
	b = NULL;

	/* Killed after taking the rooms, before the commit: none stay taken. */
	before = rooms_taken(path);
	CHECK(before > 0);
	c = serverutil_start("travel", path, "2024-05-01", crash);
	CHECK(c != NULL);
	if (c != NULL) {
		r = serverutil_call(c, "searchHotels", "{\"location\":"
		    "\"Barcelona\",\"checkIn\":\"2024-11-10\",\"checkOut\":"
		    "\"2024-11-12\",\"guests\":4}", NULL);
		snprintf(args, sizeof args, "{\"offerId\":\"%s\",\"guests\":4,"
		    "\"idempotencyKey\":\"crash\"}", testutil_json_str(r,
		    "structuredContent.offers[0].offerId") != NULL ?
		    testutil_json_str(r, "structuredContent.offers[0].offerId") :
		    "");
		cJSON_Delete(r);
		CHECK(strstr(args, "\"HO-") != NULL);
		r = serverutil_call(c, "bookHotel", args, NULL);
		CHECK(r == NULL);	/* the server died in the booking */
		cJSON_Delete(r);
		serverutil_stop(c);
	}
	CHECK_EQ_INT(rooms_taken(path), before);
out:
	serverutil_stop(b);
	serverutil_stop(a);
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x < y ? -1 : x > y);
}

/* The guide's search through the server: p50 and p99 (figures only). */
static void
measure_served(void)
{
	double	ms[200], t0;
	size_t	i, n = sizeof ms / sizeof ms[0];

	for (i = 0; i < n; i++) {
		t0 = now_ms();
		cJSON_Delete(serverutil_call(su, "searchHotels", guide_query,
		    NULL));
		ms[i] = now_ms() - t0;
	}
	qsort(ms, n, sizeof ms[0], cmp_double);
	printf("# the guide's searchHotels through tripmcp-travel (round "
	    "trip): p50 %.2f ms, p99 %.2f ms\n", ms[n / 2], ms[n * 99 / 100]);
}

/* How long the guide's search takes (a figure, never pass/fail). */
static void
measure_search(void)
{
	double	t0 = now_ms();
	char	err[1024];
	int	i, n = 200;

	for (i = 0; i < n; i++)
		cJSON_Delete(search(guide_query, err, sizeof err));
	printf("# the guide's searchHotels in-process: %.3f ms each\n",
	    (now_ms() - t0) / n);
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
	TEST(test_synthesis_is_deterministic);
	TEST(test_synthesis_shape);
	TEST(test_synthesis_every_city);
	TEST(test_prices);
	TEST(test_tool_declaration);
	TEST(test_served_by_kit);
	TEST(test_search_is_deterministic);
	TEST(test_search_summary);
	TEST(test_preferences_rank_first);
	TEST(test_attraction_distances);
	TEST(test_price_ceiling);
	TEST(test_offer_rederived);
	TEST(test_offer_ids_rejected);
	TEST(test_offer_ids_random);
	TEST(test_inventory_runs_out_and_returns);
	TEST(test_bad_input);
	measure_search();

	/* The same through the travel server program. */
	if ((su = serverutil_start("travel", NULL, "2024-05-01",
	    NULL)) == NULL) {
		printf("FAIL servers-hotels: cannot start tripmcp-travel\n");
		harness_state.failed++;
	} else {
		TEST(test_e2e_listed);
		TEST(test_e2e_guide);
		TEST(test_e2e_bad_input);
		TEST(test_e2e_rooms_booked_and_cancelled);
		TEST(test_e2e_last_room_race_and_crash);
		measure_served();
		serverutil_stop(su);
	}

	mcp_schema_free(in_schema);
	mcp_schema_free(out_schema);
	sqlite3_close(db);
	printf("# places and hotel seed into memory: %.0f ms\n", seed_ms);
	return (HARNESS_END());
}
