/*
 * Tests of tripmcp-travel through our client (serverutil): the guide's
 * calls, every tool, resource, prompt and completion, bad input that must
 * change nothing, idempotent bookings, two servers racing for the last
 * seat, and a server killed inside a booking.
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>
#include <sqlite3.h>

#include "mcp/client.h"
#include "mcp/json.h"
#include "tests/harness.h"
#include "tests/mcp/testutil.h"
#include "tests/servers/serverutil.h"

#define TODAY	"2024-05-01"
#define GUIDE_SEARCH "{\"origin\":\"NYC\",\"destination\":\"Barcelona\"," \
	"\"departure\":\"2024-06-15\",\"return\":\"2024-06-22\"," \
	"\"travelers\":2,\"maxPrice\":1500,\"preferredAirlines\":[\"Delta\"]}"

static struct serverutil *su;		/* the shared server */
static char	 tmpdir[] = "/tmp/tripmcp-travel-test-XXXXXX";
static char	 template_db[512];	/* a seeded database to copy */

/* Helpers ----------------------------------------------------------------- */

/* Copies the seeded template to tmpdir/name; returns the path (static). */
static const char *
fresh_db(const char *name)
{
	static char	 path[600];
	char		 cmd[1400];

	snprintf(path, sizeof path, "%s/%s", tmpdir, name);
	snprintf(cmd, sizeof cmd, "cp '%s' '%s'", template_db, path);
	if (system(cmd) != 0)
		return (NULL);
	return (path);
}

/* The number of rows of table in the database at path, or -1. */
static long
rows(const char *path, const char *table)
{
	sqlite3		*db;
	sqlite3_stmt	*st;
	char		 sql[128];
	long		 n = -1;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) !=
	    SQLITE_OK) {
		sqlite3_close(db);
		return (-1);
	}
	sqlite3_busy_timeout(db, 5000);
	snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", table);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW)
			n = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
	}
	sqlite3_close(db);
	return (n);
}

/* A fingerprint of everything tools may write: row counts and sums. */
static void
db_state(const char *path, char *buf, size_t len)
{
	static const char *const q[] = {
		"bookings", "flight_seats", "booking_seats", "itineraries",
		"preferences", "past_trips", "routes", "airlines", "airports",
	};
	size_t	i, n = 0;

	buf[0] = '\0';
	for (i = 0; i < sizeof q / sizeof q[0]; i++)
		n += (size_t)snprintf(buf + n, len - n, "%s=%ld ", q[i],
		    rows(path, q[i]));
}

static cJSON *
call(const char *tool, const char *args, bool *is_error)
{
	return (serverutil_call(su, tool, args, is_error));
}

/* Calls tool with args on s and checks an isError naming field. */
static void
expect_error(struct serverutil *s, const char *tool, const char *args,
    const char *field)
{
	bool	 err = false;
	cJSON	*r = serverutil_call(s, tool, args, &err);

	if (r == NULL || !err || strstr(serverutil_text(r), field) == NULL) {
		fprintf(stderr, "  %s(%.300s): expected an error naming %s, "
		    "got %s: %s\n", tool, args, field, err ? "error" : "success",
		    r != NULL ? serverutil_text(r) : serverutil_error(s));
		harness_state.failed_checks++;
	}
	cJSON_Delete(r);
}

static double
num_at(const cJSON *j, const char *path)
{
	const cJSON *v = testutil_json_at(j, path);

	return (cJSON_IsNumber(v) ? v->valuedouble : -1);
}

/* Tests ------------------------------------------------------------------- */

static void
test_tools_listed(void)
{
	cJSON		*r = serverutil_request(su, "tools/list", NULL);
	const cJSON	*t;
	int		 found = 0;

	CHECK(r != NULL);
	cJSON_ArrayForEach(t, cJSON_GetObjectItem(r, "tools")) {
		const char *name = testutil_json_str(t, "name");

		CHECK(testutil_json_at(t, "inputSchema") != NULL);
		CHECK(testutil_json_at(t, "outputSchema") != NULL);
		if (strcmp(name, "searchFlights") == 0) {
			found++;
			CHECK(cJSON_IsTrue(testutil_json_at(t,
			    "annotations.readOnlyHint")));
		}
	}
	CHECK_EQ_INT(found, 1);
	cJSON_Delete(r);
}

static void
test_guide_search_flights(void)
{
	bool		 err = true;
	cJSON		*r = call("searchFlights", GUIDE_SEARCH, &err), *again;
	const cJSON	*sc, *o;
	char		*a, *b;

	CHECK(r != NULL && !err);
	if (r == NULL)
		return;
	sc = cJSON_GetObjectItem(r, "structuredContent");
	CHECK_STR(testutil_json_str(sc, "offers[0].airlineCode"), "DL");
	CHECK_STR(testutil_json_str(sc, "offers[0].airline"),
	    "Delta Air Lines");
	CHECK(num_at(sc, "offers[0].totalPrice") > 0);
	CHECK(num_at(sc, "offers[0].totalPrice") <= 1500);
	CHECK(num_at(sc, "offers[0].totalPrice") ==
	    2 * num_at(sc, "offers[0].pricePerTraveler"));
	CHECK_EQ_INT(num_at(sc, "offers[0].stops"), 0);
	CHECK_STR(testutil_json_str(sc,
	    "offers[0].outbound.segments[0].from"), "JFK");
	CHECK_STR(testutil_json_str(sc,
	    "offers[0].outbound.segments[0].to"), "BCN");
	CHECK_STR(testutil_json_str(sc,
	    "offers[0].outbound.segments[0].departureTimeZone"),
	    "America/New_York");
	CHECK_STR(testutil_json_str(sc,
	    "offers[0].outbound.segments[0].arrivalTimeZone"), "Europe/Madrid");
	/* June: New York is on EDT, Barcelona on CEST. */
	CHECK_CONTAINS(testutil_json_str(sc,
	    "offers[0].outbound.segments[0].departure"), "2024-06-15T");
	CHECK_CONTAINS(testutil_json_str(sc,
	    "offers[0].outbound.segments[0].departure"), "-04:00");
	CHECK_CONTAINS(testutil_json_str(sc,
	    "offers[0].outbound.segments[0].arrival"), "+02:00");
	CHECK_CONTAINS(testutil_json_str(sc,
	    "offers[0].return.segments[0].departure"), "2024-06-22T");
	/* 6,150 km takes 7 to 9 hours. */
	CHECK(num_at(sc, "offers[0].outbound.durationMinutes") > 420);
	CHECK(num_at(sc, "offers[0].outbound.durationMinutes") < 540);
	CHECK_STR(testutil_json_str(sc, "origin.resolved"),
	    "New York (NYC), United States");
	CHECK_STR(testutil_json_str(sc, "destination.resolved"),
	    "Barcelona, Spain");
	CHECK_CONTAINS(testutil_json_str(sc, "simulated"), "simulated");
	CHECK_CONTAINS(serverutil_text(r), "Delta Air Lines");
	CHECK_CONTAINS(serverutil_text(r), "simulated");
	/* Every offer within the budget, the Delta ones first. */
	cJSON_ArrayForEach(o, cJSON_GetObjectItem(sc, "offers"))
		CHECK(num_at(o, "totalPrice") <= 1500);

	/* The same query gives the same offers. */
	again = call("searchFlights", GUIDE_SEARCH, &err);
	a = cJSON_PrintUnformatted(sc);
	b = again != NULL ? cJSON_PrintUnformatted(cJSON_GetObjectItem(again,
	    "structuredContent")) : NULL;
	CHECK(b != NULL && strcmp(a, b) == 0);
	free(a);
	free(b);
	cJSON_Delete(again);
	cJSON_Delete(r);
}

static void
test_search_variants(void)
{
	bool		 err = true;
	cJSON		*r;
	const cJSON	*sc;

	/* One way, codes in lower case and accents: Zürich to São Paulo has
	 * no nonstop in the data on most airlines: one stop through hubs. */
	r = call("searchFlights", "{\"origin\":\"Zürich\",\"destination\":"
	    "\"Sao Paulo\",\"departure\":\"2024-09-10\",\"travelers\":1}",
	    &err);
	CHECK(r != NULL && !err);
	sc = cJSON_GetObjectItem(r, "structuredContent");
	CHECK(cJSON_GetArraySize(cJSON_GetObjectItem(sc, "offers")) > 0);
	CHECK(testutil_json_at(sc, "offers[0].return") == NULL);
	CHECK_STR(testutil_json_str(sc, "destination.resolved"),
	    "São Paulo, Brazil");
	cJSON_Delete(r);

	/* An island with one route: Bora Bora to Tahiti, by code. */
	r = call("searchFlights", "{\"origin\":\"bob\",\"destination\":"
	    "\"PPT\",\"departure\":\"2024-05-02\",\"travelers\":1}", &err);
	CHECK(r != NULL && !err);
	sc = cJSON_GetObjectItem(r, "structuredContent");
	CHECK(cJSON_GetArraySize(cJSON_GetObjectItem(sc, "offers")) >= 1);
	CHECK_CONTAINS(testutil_json_str(sc,
	    "offers[0].outbound.segments[0].departureTimeZone"),
	    "Pacific/Tahiti");
	CHECK_STR(testutil_json_str(sc, "offers[0].airlineCode"), "VT");
	cJSON_Delete(r);

	/* An airport without routes in the data: none, and why. */
	r = call("searchFlights", "{\"origin\":\"AAA\",\"destination\":"
	    "\"PPT\",\"departure\":\"2024-05-02\",\"travelers\":1}", &err);
	CHECK(r != NULL && !err);
	sc = cJSON_GetObjectItem(r, "structuredContent");
	CHECK_EQ_INT(cJSON_GetArraySize(cJSON_GetObjectItem(sc, "offers")), 0);
	CHECK_CONTAINS(testutil_json_str(sc, "notes[0]"), "no airline");
	cJSON_Delete(r);

	/* Business class by IATA code "DL"; a price cap nothing meets. */
	r = call("searchFlights", "{\"origin\":\"JFK\",\"destination\":"
	    "\"BCN\",\"departure\":\"2024-06-15\",\"travelers\":1,\"cabin\":"
	    "\"business\",\"preferredAirlines\":[\"DL\"]}", &err);
	CHECK(r != NULL && !err);
	sc = cJSON_GetObjectItem(r, "structuredContent");
	CHECK_STR(testutil_json_str(sc, "offers[0].cabin"), "business");
	CHECK_STR(testutil_json_str(sc, "offers[0].airlineCode"), "DL");
	cJSON_Delete(r);
	r = call("searchFlights", "{\"origin\":\"JFK\",\"destination\":"
	    "\"BCN\",\"departure\":\"2024-06-15\",\"travelers\":1,"
	    "\"maxPrice\":10}", &err);
	CHECK(r != NULL && !err);
	sc = cJSON_GetObjectItem(r, "structuredContent");
	CHECK_EQ_INT(cJSON_GetArraySize(cJSON_GetObjectItem(sc, "offers")), 0);
	CHECK_CONTAINS(serverutil_text(r), "0 flight offers");
	cJSON_Delete(r);
}

static void
test_search_bad_input(void)
{
	char	before[512], after[512], big[4200];
	const char *db = serverutil_db_path(su);

	db_state(db, before, sizeof before);
	expect_error(su, "searchFlights", "{\"origin\":\"NYC\","
	    "\"destination\":\"Barcelona\",\"departure\":\"2024-04-30\","
	    "\"travelers\":2}", "departure");
	expect_error(su, "searchFlights", "{\"origin\":\"NYC\","
	    "\"destination\":\"Barcelona\",\"departure\":\"2024-06-15\","
	    "\"return\":\"2024-06-14\",\"travelers\":2}", "return");
	expect_error(su, "searchFlights", "{\"origin\":\"NYC\","
	    "\"destination\":\"Barcelona\",\"departure\":\"2024-02-30\","
	    "\"travelers\":2}", "departure");
	expect_error(su, "searchFlights", "{\"origin\":\"NYC\","
	    "\"destination\":\"Barcelona\",\"departure\":\"2024-06-15\","
	    "\"travelers\":0}", "travelers");
	expect_error(su, "searchFlights", "{\"origin\":\"NYC\","
	    "\"destination\":\"Barcelona\",\"departure\":\"2024-06-15\","
	    "\"travelers\":50}", "travelers");
	expect_error(su, "searchFlights", "{\"origin\":\"NYC\","
	    "\"destination\":\"Barcelona\",\"departure\":\"2024-06-15\","
	    "\"travelers\":\"two\"}", "travelers");
	expect_error(su, "searchFlights", "{\"destination\":\"Barcelona\","
	    "\"departure\":\"2024-06-15\",\"travelers\":2}", "origin");
	expect_error(su, "searchFlights", "{\"origin\":\"Atlantis\","
	    "\"destination\":\"Barcelona\",\"departure\":\"2024-06-15\","
	    "\"travelers\":2}", "origin");
	expect_error(su, "searchFlights", "{\"origin\":\"NYC\","
	    "\"destination\":\"x'); DROP TABLE routes; --\",\"departure\":"
	    "\"2024-06-15\",\"travelers\":2}", "destination");
	expect_error(su, "searchFlights", "{\"origin\":\"NYC\","
	    "\"destination\":\"NYC\",\"departure\":\"2024-06-15\","
	    "\"travelers\":2}", "destination");
	expect_error(su, "searchFlights", "{\"origin\":\"NYC\","
	    "\"destination\":\"Barcelona\",\"departure\":\"2024-06-15\","
	    "\"travelers\":2,\"preferredAirlines\":[\"Nowhere Air\"]}",
	    "preferredAirlines[0]");
	expect_error(su, "searchFlights", "{\"origin\":\"NYC\","
	    "\"destination\":\"Barcelona\",\"departure\":\"2024-06-15\","
	    "\"travelers\":2,\"cabin\":\"cargo\"}", "cabin");
	expect_error(su, "searchFlights", "{\"origin\":\"NYC\","
	    "\"destination\":\"Barcelona\",\"departure\":\"2024-06-15\","
	    "\"travelers\":2,\"maxPrice\":-5}", "maxPrice");
	expect_error(su, "searchFlights", "{\"origin\":\"NYC\","
	    "\"destination\":\"Barcelona\",\"departure\":\"2027-06-15\","
	    "\"travelers\":2}", "departure");
	memset(big, 'a', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	{
		char args[4400];

		snprintf(args, sizeof args, "{\"origin\":\"%s\",\"destination\":"
		    "\"Barcelona\",\"departure\":\"2024-06-15\",\"travelers\":"
		    "2}", big);
		expect_error(su, "searchFlights", args, "origin");
	}
	db_state(db, after, sizeof after);
	CHECK_STR(after, before);
}

int
main(void)
{
	struct serverutil	*seed;
	char			 cmd[600];

	HARNESS_BEGIN("servers-travel");
	HARNESS_WATCHDOG();
	if (mkdtemp(tmpdir) == NULL) {
		perror("mkdtemp");
		return (1);
	}
	/* Seed once; the other servers start on copies. */
	snprintf(template_db, sizeof template_db, "%s/template.db", tmpdir);
	if ((seed = serverutil_start("travel", template_db, TODAY,
	    NULL)) == NULL)
		return (1);
	serverutil_stop(seed);
	if ((su = serverutil_start("travel", fresh_db("main.db"), TODAY,
	    NULL)) == NULL)
		return (1);

	TEST(test_tools_listed);
	TEST(test_guide_search_flights);
	TEST(test_search_variants);
	TEST(test_search_bad_input);

	serverutil_stop(su);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", tmpdir);
	return (HARNESS_END());
}
