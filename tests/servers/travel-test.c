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


/* Bookings ---------------------------------------------------------------- */

/* searchFlights on s; the first offer's id into id (empty if none) and its
 * seats left, or -1. */
static int
first_offer(struct serverutil *s, const char *args, char *id, size_t len)
{
	bool		 err = true;
	cJSON		*r = serverutil_call(s, "searchFlights", args, &err);
	const char	*oid;
	int		 seats = -1;

	id[0] = '\0';
	if (r != NULL && !err) {
		const cJSON *sc = cJSON_GetObjectItem(r, "structuredContent");

		if ((oid = testutil_json_str(sc, "offers[0].offerId")) != NULL) {
			snprintf(id, len, "%s", oid);
			seats = (int)num_at(sc, "offers[0].seatsLeft");
		}
	}
	cJSON_Delete(r);
	return (seats);
}

/* bookFlight on s; the confirmation into code ("" on error). */
static cJSON *
book(struct serverutil *s, const char *offer, int travelers, const char *key,
    bool *is_error)
{
	char	args[512];

	snprintf(args, sizeof args, "{\"offerId\":\"%s\",\"travelers\":%d,"
	    "\"seatPreference\":\"window\",\"idempotencyKey\":\"%s\"}", offer,
	    travelers, key);
	return (serverutil_call(s, "bookFlight", args, is_error));
}

static void
test_book_flight(void)
{
	char		 offer[160], code[16], args[256], before[512], after[512];
	const char	*db = serverutil_db_path(su);
	int		 seats, seats_after;
	bool		 err = true;
	cJSON		*r, *again;
	const cJSON	*sc;

	seats = first_offer(su, GUIDE_SEARCH, offer, sizeof offer);
	CHECK(seats > 2);
	CHECK_CONTAINS(offer, "F1_E_DL_JFK-BCN_20240615_BCN-JFK_20240622_");
	r = book(su, offer, 2, "guide-trip-1", &err);
	CHECK(r != NULL && !err);
	if (r == NULL)
		return;
	sc = cJSON_GetObjectItem(r, "structuredContent");
	snprintf(code, sizeof code, "%s",
	    testutil_json_str(sc, "confirmation") ?: "");
	CHECK_EQ_INT(strlen(code), 6);
	CHECK_STR(testutil_json_str(sc, "status"), "confirmed");
	CHECK_STR(testutil_json_str(sc, "kind"), "flight");
	CHECK(num_at(sc, "total") <= 1500 && num_at(sc, "total") > 0);
	CHECK_STR(testutil_json_str(sc, "details.seatPreference"), "window");
	CHECK(cJSON_IsFalse(testutil_json_at(sc, "replayed")));
	CHECK_CONTAINS(serverutil_text(r), code);
	CHECK_CONTAINS(serverutil_text(r), "simulated");
	cJSON_Delete(r);
	CHECK_EQ_INT(rows(db, "bookings"), 1);

	/* The seats are gone from the search. */
	seats_after = first_offer(su, GUIDE_SEARCH, offer, sizeof offer);
	CHECK_EQ_INT(seats_after, seats - 2);

	/* The same key again: the same booking, nothing new. */
	db_state(db, before, sizeof before);
	again = book(su, "F1_E_DL_JFK-BCN_20240615_BCN-JFK_20240622_1", 2,
	    "guide-trip-1", &err);
	CHECK(again != NULL && err);	/* another request under the key */
	CHECK_CONTAINS(serverutil_text(again), "idempotencyKey");
	cJSON_Delete(again);
	db_state(db, after, sizeof after);
	CHECK_STR(after, before);

	/* getBooking, listBookings and the resource agree. */
	snprintf(args, sizeof args, "{\"confirmation\":\"%s\"}", code);
	r = call("getBooking", args, &err);
	CHECK(r != NULL && !err);
	CHECK_STR(testutil_json_str(r, "structuredContent.confirmation"), code);
	cJSON_Delete(r);
	r = call("listBookings", "{\"status\":\"confirmed\"}", &err);
	CHECK(r != NULL && !err);
	CHECK_EQ_INT(num_at(r, "structuredContent.count"), 1);
	cJSON_Delete(r);
	snprintf(args, sizeof args, "{\"uri\":\"travel://bookings/%s\"}", code);
	r = serverutil_request(su, "resources/read", args);
	CHECK(r != NULL);
	CHECK_CONTAINS(testutil_json_str(r, "contents[0].text"), code);
	cJSON_Delete(r);

	/* Cancel: the seats come back; twice is not an error. */
	r = call("cancelBooking", "{}", &err);
	CHECK(err);			/* no confirmation */
	cJSON_Delete(r);
	snprintf(args, sizeof args, "{\"confirmation\":\"%s\"}", code);
	r = call("cancelBooking", args, &err);
	CHECK(r != NULL && !err);
	CHECK_STR(testutil_json_str(r, "structuredContent.status"),
	    "cancelled");
	cJSON_Delete(r);
	CHECK_EQ_INT(first_offer(su, GUIDE_SEARCH, offer, sizeof offer),
	    seats);
	r = call("cancelBooking", args, &err);
	CHECK(r != NULL && !err);
	CHECK_CONTAINS(serverutil_text(r), "Already cancelled");
	cJSON_Delete(r);
	CHECK_EQ_INT(first_offer(su, GUIDE_SEARCH, offer, sizeof offer),
	    seats);
}

static void
test_book_idempotent(void)
{
	char		 offer[160], code[16];
	const char	*db = serverutil_db_path(su);
	long		 n;
	bool		 err = true;
	cJSON		*a, *b;

	first_offer(su, "{\"origin\":\"LON\",\"destination\":\"Paris\","
	    "\"departure\":\"2024-07-01\",\"travelers\":1}", offer,
	    sizeof offer);
	CHECK(offer[0] != '\0');
	n = rows(db, "bookings");
	a = book(su, offer, 1, "retry-me", &err);
	CHECK(a != NULL && !err);
	snprintf(code, sizeof code, "%s", testutil_json_str(a,
	    "structuredContent.confirmation") ?: "?");
	b = book(su, offer, 1, "retry-me", &err);
	CHECK(b != NULL && !err);
	CHECK_STR(testutil_json_str(b, "structuredContent.confirmation"), code);
	CHECK(cJSON_IsTrue(testutil_json_at(b, "structuredContent.replayed")));
	CHECK_CONTAINS(serverutil_text(b), "nothing new was booked");
	CHECK_EQ_INT(rows(db, "bookings"), n + 1);
	cJSON_Delete(a);
	cJSON_Delete(b);
}

static void
test_book_bad_input(void)
{
	char		 before[512], after[512], big[400], args[700];
	const char	*db = serverutil_db_path(su);

	db_state(db, before, sizeof before);
	expect_error(su, "bookFlight", "{\"offerId\":\"nonsense\","
	    "\"travelers\":1,\"idempotencyKey\":\"b1\"}", "offerId");
	expect_error(su, "bookFlight", "{\"offerId\":\"F1_E_DL_JFK-BCN_"
	    "20240615_BCN-JFK_20240622_1\",\"travelers\":1,"
	    "\"idempotencyKey\":\"b2\"}", "offerId");	/* price changed */
	expect_error(su, "bookFlight", "{\"offerId\":\"F1_E_DL_JFK-BCN_"
	    "20240415_500\",\"travelers\":1,\"idempotencyKey\":\"b3\"}",
	    "offerId");					/* in the past */
	expect_error(su, "bookFlight", "{\"offerId\":\"F1_E_DL_JFK-XXX_"
	    "20240615_500\",\"travelers\":1,\"idempotencyKey\":\"b4\"}",
	    "offerId");					/* no such route */
	expect_error(su, "bookFlight", "{\"offerId\":\"F1_E_DL_JFK-BCN_"
	    "20240615_500'; DELETE FROM bookings; --\",\"travelers\":1,"
	    "\"idempotencyKey\":\"b5\"}", "offerId");
	expect_error(su, "bookFlight", "{\"offerId\":\"F1_E_DL_JFK-BCN_"
	    "20240615_500\",\"travelers\":0,\"idempotencyKey\":\"b6\"}",
	    "travelers");
	expect_error(su, "bookFlight", "{\"offerId\":\"F1_E_DL_JFK-BCN_"
	    "20240615_500\",\"travelers\":50,\"idempotencyKey\":\"b7\"}",
	    "travelers");
	expect_error(su, "bookFlight", "{\"offerId\":\"F1_E_DL_JFK-BCN_"
	    "20240615_500\",\"travelers\":1}", "idempotencyKey");
	expect_error(su, "bookFlight", "{\"offerId\":\"F1_E_DL_JFK-BCN_"
	    "20240615_500\",\"travelers\":1,\"idempotencyKey\":\"a b\"}",
	    "idempotencyKey");
	expect_error(su, "bookFlight", "{\"offerId\":7,\"travelers\":1,"
	    "\"idempotencyKey\":\"b8\"}", "offerId");
	expect_error(su, "bookFlight", "{\"offerId\":\"F1_E_DL_JFK-BCN_"
	    "20240615_500\",\"travelers\":1,\"idempotencyKey\":\"b9\","
	    "\"seatPreference\":\"wing\"}", "seatPreference");
	memset(big, 'F', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	snprintf(args, sizeof args, "{\"offerId\":\"%s\",\"travelers\":1,"
	    "\"idempotencyKey\":\"b10\"}", big);
	expect_error(su, "bookFlight", args, "offerId");
	expect_error(su, "cancelBooking", "{\"confirmation\":\"ZZZZZZ\"}",
	    "confirmation");
	expect_error(su, "cancelBooking", "{\"confirmation\":\"x' OR 1=1\"}",
	    "confirmation");
	expect_error(su, "cancelBooking", "{\"confirmation\":12}",
	    "confirmation");
	expect_error(su, "getBooking", "{\"confirmation\":\"ZZZZZZ\"}",
	    "confirmation");
	expect_error(su, "getBooking", "{}", "confirmation");
	expect_error(su, "listBookings", "{\"status\":\"lost\"}", "status");
	db_state(db, after, sizeof after);
	CHECK_STR(after, before);
}

/* Two servers on one database racing for the last seat. */
struct race {
	struct serverutil	*s;
	bool			 done;
	bool			 is_error;
	char			 text[512];
};

static void
race_cb(void *arg, const struct mcp_response *r)
{
	struct race	*x = arg;

	x->done = true;
	x->is_error = r->code != 0 || cJSON_IsTrue(cJSON_GetObjectItem(
	    r->result, "isError"));
	snprintf(x->text, sizeof x->text, "%s", r->code != 0 ? (r->message ?:
	    "") : serverutil_text(r->result));
}

static void
test_last_seat_race(void)
{
	static const char search[] = "{\"origin\":\"JFK\",\"destination\":"
	    "\"BCN\",\"departure\":\"2024-07-02\",\"travelers\":1,\"cabin\":"
	    "\"business\",\"preferredAirlines\":[\"DL\"]}";
	static const char *const slow[] = {
		"TRIPMCP_TEST_BOOKING_DELAY_MS=300", NULL
	};
	const char	*path = fresh_db("race.db");
	struct serverutil *a, *b;
	struct race	 ra = { 0 }, rb = { 0 };
	char		 offer[160], key[32];
	int		 seats, i, n, wins, fills;
	bool		 err;
	cJSON		*r;

	CHECK(path != NULL);
	a = serverutil_start("travel", path, TODAY, slow);
	b = serverutil_start("travel", path, TODAY, slow);
	CHECK(a != NULL && b != NULL);
	if (a == NULL || b == NULL)
		goto out;
	seats = first_offer(a, search, offer, sizeof offer);
	CHECK(seats > 1);
	CHECK_CONTAINS(offer, "F1_B_DL_");
	/* Sell all seats but one, nine at a time, the price rising. */
	for (i = 0; seats > 1 && i < 20; i++) {
		n = seats - 1 < 9 ? seats - 1 : 9;
		snprintf(key, sizeof key, "fill-%d", i);
		r = book(i % 2 ? a : b, offer, n, key, &err);
		CHECK(r != NULL && !err);
		cJSON_Delete(r);
		seats = first_offer(a, search, offer, sizeof offer);
	}
	CHECK_EQ_INT(seats, 1);
	fills = i;

	/* Both ask for the last seat at once. */
	ra.s = a;
	rb.s = b;
	{
		char args[512];

		snprintf(args, sizeof args, "{\"offerId\":\"%s\",\"travelers\":"
		    "1,\"idempotencyKey\":\"race-a\"}", offer);
		mcp_client_call_tool(serverutil_client(a), "bookFlight",
		    cJSON_Parse(args), NULL, race_cb, &ra);
		snprintf(args, sizeof args, "{\"offerId\":\"%s\",\"travelers\":"
		    "1,\"idempotencyKey\":\"race-b\"}", offer);
		mcp_client_call_tool(serverutil_client(b), "bookFlight",
		    cJSON_Parse(args), NULL, race_cb, &rb);
	}
	for (i = 0; i < 3000 && !(ra.done && rb.done); i++) {
		event_base_loop(serverutil_base(a), EVLOOP_NONBLOCK);
		event_base_loop(serverutil_base(b), EVLOOP_NONBLOCK);
		usleep(5000);
	}
	CHECK(ra.done && rb.done);
	wins = !ra.is_error + !rb.is_error;
	CHECK_EQ_INT(wins, 1);
	CHECK_CONTAINS(ra.is_error ? ra.text : rb.text, "travelers: only 0 "
	    "seats left");
	/* The nonstop is sold out: no longer offered. */
	first_offer(b, search, offer, sizeof offer);
	CHECK(strstr(offer, "F1_B_DL_JFK-BCN_") == NULL);
	CHECK_EQ_INT(rows(path, "bookings"), fills + 1);
out:
	serverutil_stop(a);
	serverutil_stop(b);
}

/* A server killed inside its booking transaction leaves nothing. */
static void
test_crash_in_booking(void)
{
	static const char *const crash[] = {
		"TRIPMCP_TEST_CRASH_IN_BOOKING=1", NULL
	};
	const char	*path = fresh_db("crash.db");
	struct serverutil *s;
	char		 offer[160], before[512], after[512];
	int		 seats;
	bool		 err = false;
	cJSON		*r;

	CHECK(path != NULL);
	if ((s = serverutil_start("travel", path, TODAY, crash)) == NULL) {
		CHECK(s != NULL);
		return;
	}
	seats = first_offer(s, GUIDE_SEARCH, offer, sizeof offer);
	CHECK(seats > 2);
	db_state(path, before, sizeof before);
	r = book(s, offer, 2, "crash-key", &err);
	CHECK(r == NULL);		/* the server died mid-booking */
	CHECK_CONTAINS(serverutil_error(s), "connection closed");
	serverutil_stop(s);
	db_state(path, after, sizeof after);
	CHECK_STR(after, before);

	/* A new server: nothing was booked, and the retry books once. */
	if ((s = serverutil_start("travel", path, TODAY, NULL)) == NULL) {
		CHECK(s != NULL);
		return;
	}
	CHECK_EQ_INT(first_offer(s, GUIDE_SEARCH, offer, sizeof offer), seats);
	r = book(s, offer, 2, "crash-key", &err);
	CHECK(r != NULL && !err);
	cJSON_Delete(r);
	r = book(s, offer, 2, "crash-key", &err);
	CHECK(r != NULL && !err);
	CHECK(cJSON_IsTrue(testutil_json_at(r, "structuredContent.replayed")));
	cJSON_Delete(r);
	CHECK_EQ_INT(rows(path, "bookings"), 1);
	CHECK_EQ_INT(first_offer(s, GUIDE_SEARCH, offer, sizeof offer),
	    seats - 2);
	serverutil_stop(s);
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
	TEST(test_book_flight);
	TEST(test_book_idempotent);
	TEST(test_book_bad_input);
	TEST(test_last_seat_race);
	TEST(test_crash_in_booking);

	serverutil_stop(su);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", tmpdir);
	return (HARNESS_END());
}
