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
		"hotel_inventory",
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
	static const struct {
		const char	*name;
		const char	*hint;	/* the annotation that must be true */
	} want[] = {
		{ "searchFlights", "readOnlyHint" },
		{ "searchHotels", "readOnlyHint" },
		{ "bookFlight", "destructiveHint" },
		{ "bookHotel", "destructiveHint" },
		{ "cancelBooking", "destructiveHint" },
		{ "getBooking", "readOnlyHint" },
		{ "listBookings", "readOnlyHint" },
		{ "createItinerary", NULL },
		{ "getItinerary", "readOnlyHint" },
		{ "updatePreferences", "destructiveHint" },
	};
	cJSON		*r = serverutil_request(su, "tools/list", NULL);
	const cJSON	*t;
	size_t		 i;
	int		 found;

	CHECK(r != NULL);
	CHECK_EQ_INT(cJSON_GetArraySize(cJSON_GetObjectItem(r, "tools")),
	    sizeof want / sizeof want[0]);
	for (i = 0; i < sizeof want / sizeof want[0]; i++) {
		found = 0;
		cJSON_ArrayForEach(t, cJSON_GetObjectItem(r, "tools")) {
			char path[64];

			if (strcmp(testutil_json_str(t, "name"),
			    want[i].name) != 0)
				continue;
			found = 1;
			CHECK(testutil_json_at(t, "inputSchema") != NULL);
			CHECK(testutil_json_at(t, "outputSchema") != NULL);
			CHECK(testutil_json_str(t, "description") != NULL);
			if (want[i].hint != NULL) {
				snprintf(path, sizeof path, "annotations.%s",
				    want[i].hint);
				CHECK(cJSON_IsTrue(testutil_json_at(t, path)));
			} else
				CHECK(cJSON_IsFalse(testutil_json_at(t,
				    "annotations.readOnlyHint")));
		}
		if (!found)
			fprintf(stderr, "  tool %s missing\n", want[i].name);
		CHECK(found);
	}
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
	/* Barcelona, Spain dominates; the other one is named. */
	CHECK_CONTAINS(testutil_json_str(sc, "notes[0]"),
	    "Barcelona, Venezuela");
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

	/* In winter New York is on EST and Barcelona on CET. */
	r = call("searchFlights", "{\"origin\":\"JFK\",\"destination\":"
	    "\"BCN\",\"departure\":\"2025-01-15\",\"travelers\":1}", &err);
	CHECK(r != NULL && !err);
	sc = cJSON_GetObjectItem(r, "structuredContent");
	CHECK_CONTAINS(testutil_json_str(sc,
	    "offers[0].outbound.segments[0].departure"), "-05:00");
	CHECK_CONTAINS(testutil_json_str(sc,
	    "offers[0].outbound.segments[0].arrival"), "+01:00");
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
	/* A real tie is not guessed: the candidates are named. */
	expect_error(su, "searchFlights", "{\"origin\":\"Springfield\","
	    "\"destination\":\"Barcelona\",\"departure\":\"2024-06-15\","
	    "\"travelers\":2}", "origin: \"Springfield\" matches several");
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
	int		 seats, seats_after, updates;
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

	/* Cancel: the seats come back, subscribers hear of it; twice is
	 * not an error. */
	r = call("cancelBooking", "{}", &err);
	CHECK(err);			/* no confirmation */
	cJSON_Delete(r);
	snprintf(args, sizeof args, "{\"uri\":\"travel://bookings/%s\"}", code);
	r = serverutil_request(su, "resources/subscribe", args);
	CHECK(r != NULL);
	cJSON_Delete(r);
	updates = serverutil_updates(su);
	snprintf(args, sizeof args, "{\"confirmation\":\"%s\"}", code);
	r = call("cancelBooking", args, &err);
	CHECK(r != NULL && !err);
	CHECK_STR(testutil_json_str(r, "structuredContent.status"),
	    "cancelled");
	cJSON_Delete(r);
	CHECK(serverutil_wait_updates(su, updates + 1, 5000));
	snprintf(args, sizeof args, "travel://bookings/%s", code);
	CHECK_STR(serverutil_last_update(su), args);
	snprintf(args, sizeof args, "{\"confirmation\":\"%s\"}", code);
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
	char		 offer[160], key[32], stale[160];
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
	snprintf(stale, sizeof stale, "%s", offer);
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

	/* The first offer id was quoted before the flight filled up. */
	r = book(a, stale, 1, "stale", &err);
	CHECK(r != NULL && err);
	CHECK_CONTAINS(serverutil_text(r), "offerId: the price changed");
	cJSON_Delete(r);

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

struct killed_box {
	bool		 done;
	int		 code;
};

static void
killed_cb(void *arg, const struct mcp_response *r)
{
	struct killed_box *b = arg;

	b->done = true;
	b->code = r->code;
}

static bool
killed_done(void *arg)
{
	return (((struct killed_box *)arg)->done);
}

struct stall_wait {
	struct serverutil *s;
};

static bool
stalled(void *arg)
{
	char	*text = serverutil_stderr(((struct stall_wait *)arg)->s);
	bool	 yes = text != NULL && strstr(text, "stalling inside") != NULL;

	free(text);
	return (yes);
}

/* kill -9 while a booking's writes are in its open transaction: sqlite's
 * journal undoes them, nothing is booked, the retried key books once. */
static void
test_kill9_in_booking(void)
{
	static const char *const stall[] = {
		"TRIPMCP_TEST_CRASH_IN_BOOKING=stall", NULL
	};
	const char	*path = fresh_db("kill9.db");
	struct serverutil *s;
	struct killed_box kb = { false, 0 };
	struct stall_wait sw;
	char		 offer[160], before[512], after[512], args[512];
	int		 seats;
	bool		 err = false;
	pid_t		 pid;
	cJSON		*r;

	CHECK(path != NULL);
	if ((s = serverutil_start("travel", path, TODAY, stall)) == NULL) {
		CHECK(s != NULL);
		return;
	}
	seats = first_offer(s, GUIDE_SEARCH, offer, sizeof offer);
	CHECK(seats > 2);
	db_state(path, before, sizeof before);
	snprintf(args, sizeof args, "{\"offerId\":\"%s\",\"travelers\":2,"
	    "\"idempotencyKey\":\"kill9-key\"}", offer);
	mcp_client_call_tool(serverutil_client(s), "bookFlight",
	    cJSON_Parse(args), NULL, killed_cb, &kb);
	sw.s = s;
	CHECK(testutil_loop_until(serverutil_base(s), stalled, &sw, 20000));
	pid = serverutil_pid(s);
	CHECK(pid > 0);
	if (pid > 0)
		kill(pid, SIGKILL);
	CHECK(testutil_loop_until(serverutil_base(s), killed_done, &kb, 10000));
	CHECK(kb.code != 0);		/* the call failed, not hung */
	serverutil_stop(s);
	db_state(path, after, sizeof after);
	CHECK_STR(after, before);

	if ((s = serverutil_start("travel", path, TODAY, NULL)) == NULL) {
		CHECK(s != NULL);
		return;
	}
	CHECK_EQ_INT(first_offer(s, GUIDE_SEARCH, offer, sizeof offer), seats);
	snprintf(args, sizeof args, "{\"offerId\":\"%s\",\"travelers\":2,"
	    "\"idempotencyKey\":\"kill9-key\"}", offer);
	r = serverutil_call(s, "bookFlight", args, &err);
	CHECK(r != NULL && !err);
	cJSON_Delete(r);
	r = serverutil_call(s, "bookFlight", args, &err);
	CHECK(r != NULL && !err);
	CHECK(cJSON_IsTrue(testutil_json_at(r, "structuredContent.replayed")));
	cJSON_Delete(r);
	CHECK_EQ_INT(rows(path, "bookings"), 1);
	CHECK_EQ_INT(first_offer(s, GUIDE_SEARCH, offer, sizeof offer),
	    seats - 2);
	serverutil_stop(s);
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

/* Resources, preferences, itineraries --------------------------------------- */

static char *
read_text(struct serverutil *s, const char *uri)
{
	char	 params[512];
	cJSON	*r;
	char	*text = NULL;

	snprintf(params, sizeof params, "{\"uri\":\"%s\"}", uri);
	if ((r = serverutil_request(s, "resources/read", params)) != NULL &&
	    testutil_json_str(r, "contents[0].text") != NULL)
		text = strdup(testutil_json_str(r, "contents[0].text"));
	cJSON_Delete(r);
	return (text);
}

static void
test_resources(void)
{
	cJSON		*r;
	const cJSON	*it;
	char		*text, *uris;
	int		 n = 0;

	r = serverutil_request(su, "resources/list", NULL);
	CHECK(r != NULL);
	uris = r != NULL ? cJSON_PrintUnformatted(r) : strdup("");
	CHECK_CONTAINS(uris, "travel://preferences/europe");
	CHECK_CONTAINS(uris, "travel://past-trips/Spain-2023");
	CHECK_CONTAINS(uris, "travel://about");
	free(uris);
	cJSON_Delete(r);
	r = serverutil_request(su, "resources/templates/list", NULL);
	CHECK(r != NULL);
	cJSON_ArrayForEach(it, cJSON_GetObjectItem(r, "resourceTemplates")) {
		const char *u = testutil_json_str(it, "uriTemplate");

		n += strcmp(u, "travel://preferences/{region}") == 0 ||
		    strcmp(u, "travel://past-trips/{trip_id}") == 0 ||
		    strcmp(u, "travel://itineraries/{id}") == 0 ||
		    strcmp(u, "travel://bookings/{id}") == 0;
	}
	CHECK_EQ_INT(n, 4);
	cJSON_Delete(r);

	/* The guide's context. */
	text = read_text(su, "travel://preferences/europe");
	CHECK_CONTAINS(text, "\"Delta\"");
	CHECK_CONTAINS(text, "\"Marriott\"");
	CHECK_CONTAINS(text, "\"window\"");
	free(text);
	text = read_text(su, "travel://past-trips/Spain-2023");
	CHECK_CONTAINS(text, "Gothic Quarter");
	CHECK_CONTAINS(text, "Sagrada Família");
	free(text);
	text = read_text(su, "travel://about");
	CHECK_CONTAINS(text, "OpenFlights");
	CHECK_CONTAINS(text, "Open Database License");
	free(text);

	/* Unknown ones are errors, not empty answers. */
	CHECK(read_text(su, "travel://past-trips/Mars-2099") == NULL);
	CHECK_CONTAINS(serverutil_error(su), "-32002");
	CHECK_CONTAINS(serverutil_error(su), "Mars-2099");
	CHECK(read_text(su, "travel://bookings/ZZZZZZ") == NULL);
	CHECK(read_text(su, "travel://nowhere/x") == NULL);
}

static void
test_preferences(void)
{
	char		 before[512], after[512];
	const char	*db = serverutil_db_path(su);
	int		 seen = serverutil_updates(su);
	bool		 err = true;
	cJSON		*r;
	char		*text;

	r = serverutil_request(su, "resources/subscribe",
	    "{\"uri\":\"travel://preferences/europe\"}");
	CHECK(r != NULL);
	cJSON_Delete(r);
	r = call("updatePreferences", "{\"region\":\"Europe\","
	    "\"seatPreference\":\"aisle\",\"preferredHotelChains\":"
	    "[\"Marriott\",\"Hilton\"]}", &err);
	CHECK(r != NULL && !err);
	CHECK_STR(testutil_json_str(r, "structuredContent.seatPreference"),
	    "aisle");
	CHECK_STR(testutil_json_str(r,
	    "structuredContent.preferredAirlines[0]"), "Delta");
	cJSON_Delete(r);
	CHECK(serverutil_wait_updates(su, seen + 1, 5000));
	CHECK_STR(serverutil_last_update(su), "travel://preferences/europe");
	text = read_text(su, "travel://preferences/europe");
	CHECK_CONTAINS(text, "\"aisle\"");
	CHECK_CONTAINS(text, "\"Hilton\"");
	free(text);

	/* A new region appears in the list. */
	r = call("updatePreferences", "{\"region\":\"asia\",\"cabin\":"
	    "\"business\",\"preferredAirlines\":[\"SQ\",\"Cathay Pacific\"]}",
	    &err);
	CHECK(r != NULL && !err);
	cJSON_Delete(r);
	text = read_text(su, "travel://preferences/asia");
	CHECK_CONTAINS(text, "\"business\"");
	free(text);

	db_state(db, before, sizeof before);
	expect_error(su, "updatePreferences", "{\"region\":\"eu rope\","
	    "\"cabin\":\"economy\"}", "region");
	expect_error(su, "updatePreferences", "{\"region\":\"europe\"}",
	    "nothing to change");
	expect_error(su, "updatePreferences", "{\"region\":\"europe\","
	    "\"preferredAirlines\":[\"Nowhere Air\"]}", "preferredAirlines[0]");
	expect_error(su, "updatePreferences", "{\"region\":\"europe\","
	    "\"seatPreference\":\"roof\"}", "seatPreference");
	expect_error(su, "updatePreferences", "{\"region\":\"europe\","
	    "\"preferredHotelChains\":[\"Marriott\\r\\nBcc: x\"]}",
	    "preferredHotelChains[0]");
	expect_error(su, "updatePreferences", "{\"region\":\"europe'; DROP "
	    "TABLE preferences; --\",\"cabin\":\"first\"}", "region");
	expect_error(su, "updatePreferences", "{\"cabin\":\"first\"}",
	    "region");
	db_state(db, after, sizeof after);
	CHECK_STR(after, before);
}

static void
test_hotel_booking(void)
{
	static const char guide[] = "{\"location\":\"Barcelona\",\"checkIn\":"
	    "\"2024-06-15\",\"checkOut\":\"2024-06-22\",\"guests\":2,"
	    "\"maxPrice\":1200,\"preferredChains\":[\"Marriott\"],"
	    "\"nearbyAttractions\":[\"Gothic Quarter\",\"Sagrada Familia\"]}";
	char		 offer[128], code[16], args[512], before[512];
	char		 after[512];
	const char	*db = serverutil_db_path(su);
	bool		 err = true;
	cJSON		*r;
	long		 n;

	r = call("searchHotels", guide, &err);
	CHECK(r != NULL && !err);
	snprintf(offer, sizeof offer, "%s", testutil_json_str(r,
	    "structuredContent.offers[0].offerId") ?: "");
	CHECK_CONTAINS(testutil_json_str(r,
	    "structuredContent.offers[0].chain"), "Marriott");
	CHECK(num_at(r, "structuredContent.offers[0].totalPrice") <= 1200);
	cJSON_Delete(r);

	n = rows(db, "bookings");
	snprintf(args, sizeof args, "{\"offerId\":\"%s\",\"guests\":2,"
	    "\"idempotencyKey\":\"hotel-1\"}", offer);
	r = call("bookHotel", args, &err);
	CHECK(r != NULL && !err);
	snprintf(code, sizeof code, "%s", testutil_json_str(r,
	    "structuredContent.confirmation") ?: "");
	CHECK_STR(testutil_json_str(r, "structuredContent.kind"), "hotel");
	CHECK_EQ_INT(num_at(r, "structuredContent.details.rooms"), 1);
	CHECK_CONTAINS(serverutil_text(r), "Booked hotel");
	cJSON_Delete(r);
	r = call("bookHotel", args, &err);
	CHECK(r != NULL && !err);
	CHECK_STR(testutil_json_str(r, "structuredContent.confirmation"), code);
	CHECK(cJSON_IsTrue(testutil_json_at(r, "structuredContent.replayed")));
	cJSON_Delete(r);
	CHECK_EQ_INT(rows(db, "bookings"), n + 1);
	CHECK_EQ_INT(rows(db, "hotel_inventory"), 7);

	db_state(db, before, sizeof before);
	expect_error(su, "bookHotel", "{\"offerId\":\"HO-nonsense\","
	    "\"guests\":2,\"idempotencyKey\":\"h2\"}", "offerId");
	expect_error(su, "bookHotel", "{\"offerId\":\"HO-3128760-18-20240415-"
	    "20240422-2-00000000\",\"guests\":2,\"idempotencyKey\":\"h3\"}",
	    "offerId");
	snprintf(args, sizeof args, "{\"offerId\":\"%s\",\"guests\":0,"
	    "\"idempotencyKey\":\"h4\"}", offer);
	expect_error(su, "bookHotel", args, "guests");
	snprintf(args, sizeof args, "{\"offerId\":\"%s\",\"guests\":50,"
	    "\"idempotencyKey\":\"h5\"}", offer);
	expect_error(su, "bookHotel", args, "guests");
	snprintf(args, sizeof args, "{\"offerId\":\"%s\",\"guests\":3,"
	    "\"idempotencyKey\":\"hotel-1\"}", offer);
	expect_error(su, "bookHotel", args, "idempotencyKey");
	expect_error(su, "bookHotel", "{\"guests\":2,\"idempotencyKey\":"
	    "\"h6\"}", "offerId");
	db_state(db, after, sizeof after);
	CHECK_STR(after, before);

	snprintf(args, sizeof args, "{\"confirmation\":\"%s\"}", code);
	r = call("cancelBooking", args, &err);
	CHECK(r != NULL && !err);
	CHECK_STR(testutil_json_str(r, "structuredContent.status"),
	    "cancelled");
	cJSON_Delete(r);
}

static void
test_itinerary(void)
{
	char		 offer[160], code[16], args[1024], before[512];
	char		 after[512], *text;
	const char	*db = serverutil_db_path(su);
	bool		 err = true;
	cJSON		*r;
	double		 total;
	int		 updates;

	first_offer(su, GUIDE_SEARCH, offer, sizeof offer);
	r = book(su, offer, 2, "itinerary-flight", &err);
	CHECK(r != NULL && !err);
	snprintf(code, sizeof code, "%s", testutil_json_str(r,
	    "structuredContent.confirmation") ?: "");
	total = num_at(r, "structuredContent.total");
	cJSON_Delete(r);

	/* Subscribed before it exists: told when it is created. */
	r = serverutil_request(su, "resources/subscribe",
	    "{\"uri\":\"travel://itineraries/barcelona-2024\"}");
	CHECK(r != NULL);
	cJSON_Delete(r);
	updates = serverutil_updates(su);
	snprintf(args, sizeof args, "{\"title\":\"Barcelona Vacation\","
	    "\"destination\":\"barcelona\",\"startDate\":\"2024-06-15\","
	    "\"endDate\":\"2024-06-22\",\"bookings\":[\"%s\"],\"activities\":"
	    "[\"Walk the Gothic Quarter\",{\"title\":\"Sagrada Família\","
	    "\"date\":\"2024-06-17\",\"time\":\"10:00\",\"location\":"
	    "\"Carrer de Mallorca, 401\"}]}", code);
	r = call("createItinerary", args, &err);
	CHECK(r != NULL && !err);
	CHECK_STR(testutil_json_str(r, "structuredContent.id"),
	    "barcelona-2024");
	CHECK_STR(testutil_json_str(r, "structuredContent.uri"),
	    "travel://itineraries/barcelona-2024");
	CHECK_EQ_INT(num_at(r, "structuredContent.nights"), 7);
	CHECK(num_at(r, "structuredContent.totalCost") == total);
	CHECK_STR(testutil_json_str(r,
	    "structuredContent.bookings[0].confirmation"), code);
	CHECK_STR(testutil_json_str(r,
	    "structuredContent.activities[1].time"), "10:00");
	cJSON_Delete(r);
	CHECK(serverutil_wait_updates(su, updates + 1, 5000));
	CHECK_STR(serverutil_last_update(su),
	    "travel://itineraries/barcelona-2024");
	text = read_text(su, "travel://itineraries/barcelona-2024");
	CHECK_CONTAINS(text, "Walk the Gothic Quarter");
	free(text);
	r = call("getItinerary", "{\"id\":\"barcelona-2024\"}", &err);
	CHECK(r != NULL && !err);
	CHECK_STR(testutil_json_str(r, "structuredContent.title"),
	    "Barcelona Vacation");
	cJSON_Delete(r);
	r = serverutil_request(su, "resources/list", NULL);
	text = r != NULL ? cJSON_PrintUnformatted(r) : NULL;
	CHECK_CONTAINS(text, "travel://itineraries/barcelona-2024");
	CHECK_CONTAINS(text, code);
	free(text);
	cJSON_Delete(r);

	/* A second one gets the next slug; a taken id is refused. */
	r = call("createItinerary", "{\"title\":\"Again\",\"destination\":"
	    "\"BCN\",\"startDate\":\"2024-09-01\",\"endDate\":\"2024-09-03\","
	    "\"bookings\":[],\"activities\":[]}", &err);
	CHECK(r != NULL && !err);
	CHECK_STR(testutil_json_str(r, "structuredContent.id"),
	    "barcelona-2024-2");
	cJSON_Delete(r);

	db_state(db, before, sizeof before);
	expect_error(su, "createItinerary", "{\"id\":\"barcelona-2024\","
	    "\"title\":\"T\",\"destination\":\"Barcelona\",\"startDate\":"
	    "\"2024-06-15\",\"endDate\":\"2024-06-22\",\"bookings\":[],"
	    "\"activities\":[]}", "id");
	expect_error(su, "createItinerary", "{\"title\":\"T\",\"destination\":"
	    "\"Barcelona\",\"startDate\":\"2024-06-15\",\"endDate\":"
	    "\"2024-06-22\",\"bookings\":[\"ZZZZZZ\"],\"activities\":[]}",
	    "bookings[0]");
	expect_error(su, "createItinerary", "{\"title\":\"T\",\"destination\":"
	    "\"Barcelona\",\"startDate\":\"2024-06-15\",\"endDate\":"
	    "\"2024-06-22\",\"bookings\":[],\"activities\":[{\"title\":\"x\","
	    "\"date\":\"2024-07-01\"}]}", "activities[0].date");
	expect_error(su, "createItinerary", "{\"title\":\"T\",\"destination\":"
	    "\"Barcelona\",\"startDate\":\"2024-06-15\",\"endDate\":"
	    "\"2024-06-10\",\"bookings\":[],\"activities\":[]}", "endDate");
	expect_error(su, "createItinerary", "{\"title\":\"T\",\"destination\":"
	    "\"Barcelona\",\"startDate\":\"2024-03-15\",\"endDate\":"
	    "\"2024-06-10\",\"bookings\":[],\"activities\":[]}", "startDate");
	expect_error(su, "createItinerary", "{\"title\":\"T\",\"destination\":"
	    "\"Atlantis\",\"startDate\":\"2024-06-15\",\"endDate\":"
	    "\"2024-06-22\",\"bookings\":[],\"activities\":[]}", "destination");
	expect_error(su, "createItinerary", "{\"title\":\"a\\u0007b\","
	    "\"destination\":\"Barcelona\",\"startDate\":\"2024-06-15\","
	    "\"endDate\":\"2024-06-22\",\"bookings\":[],\"activities\":[]}",
	    "title");
	expect_error(su, "createItinerary", "{\"title\":\"T\",\"destination\":"
	    "\"Barcelona\",\"startDate\":\"2024-06-15\",\"endDate\":"
	    "\"2024-06-22\",\"activities\":[]}", "bookings");
	expect_error(su, "createItinerary", "{\"title\":\"T\",\"destination\":"
	    "\"Barcelona\",\"startDate\":\"2024-06-15\",\"endDate\":"
	    "\"2024-06-22\",\"bookings\":[],\"activities\":[42]}",
	    "activities");
	expect_error(su, "getItinerary", "{\"id\":\"nowhere-2024\"}", "id");
	db_state(db, after, sizeof after);
	CHECK_STR(after, before);
}

/* Prompt and completion ------------------------------------------------------ */

static void
expect_prompt_error(const char *args, const char *field)
{
	char	 params[1024];
	cJSON	*r;

	snprintf(params, sizeof params, "{\"name\":\"plan-vacation\","
	    "\"arguments\":%s}", args);
	r = serverutil_request(su, "prompts/get", params);
	CHECK(r == NULL);
	if (r == NULL && strstr(serverutil_error(su), field) == NULL) {
		fprintf(stderr, "  prompt %s: \"%s\" does not name %s\n", args,
		    serverutil_error(su), field);
		harness_state.failed_checks++;
	}
	cJSON_Delete(r);
}

static void
test_prompt(void)
{
	cJSON		*r;
	const char	*text;

	r = serverutil_request(su, "prompts/list", NULL);
	CHECK_STR(testutil_json_str(r, "prompts[0].name"), "plan-vacation");
	CHECK_EQ_INT(cJSON_GetArraySize(testutil_json_at(r,
	    "prompts[0].arguments")), 6);
	cJSON_Delete(r);

	r = serverutil_request(su, "prompts/get", "{\"name\":\"plan-vacation\","
	    "\"arguments\":{\"destination\":\"Barcelona\",\"departure_date\":"
	    "\"2024-06-15\",\"return_date\":\"2024-06-22\",\"budget\":\"3000\","
	    "\"travelers\":\"2\"}}");
	CHECK(r != NULL);
	CHECK_STR(testutil_json_str(r, "messages[0].role"), "user");
	text = testutil_json_str(r, "messages[0].content.text");
	CHECK_CONTAINS(text, "Barcelona, Spain");
	CHECK_CONTAINS(text, "2024-06-15 to 2024-06-22 (7 nights)");
	CHECK_CONTAINS(text, "2 travellers");
	CHECK_CONTAINS(text, "$3,000");
	CHECK_CONTAINS(text, "maxPrice about half the budget ($1,500)");
	CHECK_CONTAINS(text, "travel://preferences/europe");
	CHECK_CONTAINS(text, "travel://past-trips/Spain-2023");
	CHECK_CONTAINS(text, "calendar://my-calendar/June-2024");
	cJSON_Delete(r);

	r = serverutil_request(su, "prompts/get", "{\"name\":\"plan-vacation\","
	    "\"arguments\":{\"destination\":\"Tokyo\",\"departure_date\":"
	    "\"2024-10-01\",\"return_date\":\"2024-10-01\",\"budget\":"
	    "\"$5,000\",\"travelers\":\"1\",\"origin\":\"NYC\"}}");
	CHECK(r != NULL);
	text = testutil_json_str(r, "messages[0].content.text");
	CHECK_CONTAINS(text, "leaving from New York (NYC), United States");
	CHECK_CONTAINS(text, "(0 nights) for 1 traveller ");
	CHECK_CONTAINS(text, "travel://preferences/asia");
	cJSON_Delete(r);

	expect_prompt_error("{\"destination\":\"Barcelona\",\"departure_date\":"
	    "\"2024-04-15\",\"return_date\":\"2024-06-22\",\"budget\":\"3000\","
	    "\"travelers\":\"2\"}", "departure_date");
	expect_prompt_error("{\"destination\":\"Barcelona\",\"departure_date\":"
	    "\"2024-06-15\",\"return_date\":\"2024-06-12\",\"budget\":\"3000\","
	    "\"travelers\":\"2\"}", "return_date");
	expect_prompt_error("{\"destination\":\"Barcelona\",\"departure_date\":"
	    "\"2024-06-15\",\"return_date\":\"2024-06-22\",\"budget\":\"lots\","
	    "\"travelers\":\"2\"}", "budget");
	expect_prompt_error("{\"destination\":\"Barcelona\",\"departure_date\":"
	    "\"2024-06-15\",\"return_date\":\"2024-06-22\",\"budget\":\"3000\","
	    "\"travelers\":\"50\"}", "travelers");
	expect_prompt_error("{\"destination\":\"Barcelona\",\"departure_date\":"
	    "\"2024-06-15\",\"return_date\":\"2024-06-22\",\"budget\":\"3000\","
	    "\"travelers\":\"0\"}", "travelers");
	expect_prompt_error("{\"destination\":\"Atlantis\",\"departure_date\":"
	    "\"2024-06-15\",\"return_date\":\"2024-06-22\",\"budget\":\"3000\","
	    "\"travelers\":\"2\"}", "destination");
	expect_prompt_error("{\"destination\":\"Barcelona\",\"departure_date\":"
	    "\"2024-06-15\",\"return_date\":\"2024-06-22\",\"budget\":\"3000\","
	    "\"travelers\":\"2\",\"origin\":\"Nowhere-upon-Sea\"}", "origin");
	expect_prompt_error("{\"destination\":\"Barcelona\"}", "departure_date");
}

static void
test_completion(void)
{
	cJSON	*r;

	r = serverutil_request(su, "completion/complete", "{\"ref\":{\"type\":"
	    "\"ref/prompt\",\"name\":\"plan-vacation\"},\"argument\":{\"name\":"
	    "\"destination\",\"value\":\"barc\"}}");
	CHECK_STR(testutil_json_str(r, "completion.values[0]"),
	    "Barcelona, Spain");
	cJSON_Delete(r);
	r = serverutil_request(su, "completion/complete", "{\"ref\":{\"type\":"
	    "\"ref/prompt\",\"name\":\"plan-vacation\"},\"argument\":{\"name\":"
	    "\"origin\",\"value\":\"zür\"}}");
	CHECK_STR(testutil_json_str(r, "completion.values[0]"),
	    "Zürich, Switzerland");
	cJSON_Delete(r);
	r = serverutil_request(su, "completion/complete", "{\"ref\":{\"type\":"
	    "\"ref/prompt\",\"name\":\"plan-vacation\"},\"argument\":{\"name\":"
	    "\"budget\",\"value\":\"3\"}}");
	CHECK_EQ_INT(cJSON_GetArraySize(testutil_json_at(r,
	    "completion.values")), 0);
	cJSON_Delete(r);
	r = serverutil_request(su, "completion/complete", "{\"ref\":{\"type\":"
	    "\"ref/resource\",\"uri\":\"travel://preferences/{region}\"},"
	    "\"argument\":{\"name\":\"region\",\"value\":\"eu\"}}");
	CHECK_STR(testutil_json_str(r, "completion.values[0]"), "europe");
	cJSON_Delete(r);
	r = serverutil_request(su, "completion/complete", "{\"ref\":{\"type\":"
	    "\"ref/resource\",\"uri\":\"travel://past-trips/{trip_id}\"},"
	    "\"argument\":{\"name\":\"trip_id\",\"value\":\"%\"}}");
	CHECK_EQ_INT(cJSON_GetArraySize(testutil_json_at(r,
	    "completion.values")), 0);
	cJSON_Delete(r);
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
	TEST(test_resources);
	TEST(test_preferences);
	TEST(test_hotel_booking);
	TEST(test_itinerary);
	TEST(test_prompt);
	TEST(test_completion);
	TEST(test_last_seat_race);
	TEST(test_crash_in_booking);
	TEST(test_kill9_in_booking);

	serverutil_stop(su);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", tmpdir);
	return (HARNESS_END());
}
