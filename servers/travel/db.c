/*
 * The travel database. Version 1 holds the real data (places, airlines,
 * routes, countries) with the tables the bookings write, and the guide's
 * demo profile; every step runs in one transaction (common_db_migrate).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "servers/common/app.h"
#include "servers/common/place.h"

#include "db.h"
#include "hotels.h"

/* Statements cached at once; more is a programming error. */
#define DB_CACHE_MAX	64

static const char db_schema_v1[] =
    "CREATE TABLE airlines ("
    " airline_id INTEGER PRIMARY KEY, name TEXT NOT NULL, iata TEXT,"
    " icao TEXT, callsign TEXT, country TEXT, active TEXT);"
    "CREATE INDEX airlines_iata ON airlines(iata);"
    "CREATE TABLE routes ("
    " airline_code TEXT NOT NULL, airline_id INTEGER, src_iata TEXT NOT NULL,"
    " dst_iata TEXT NOT NULL, codeshare TEXT, stops INTEGER,"
    " equipment TEXT, distance_km INTEGER);"
    "CREATE INDEX routes_pair ON routes(src_iata, dst_iata, airline_code);"
    "CREATE TABLE countries ("
    " iso2 TEXT PRIMARY KEY, iso3 TEXT, name TEXT NOT NULL, continent TEXT,"
    " capital TEXT, currency_codes TEXT, languages TEXT, phone_codes TEXT,"
    " timezones TEXT);"
    /* Hub size: the number of operated routes leaving an airport. */
    "CREATE TABLE airport_routes ("
    " iata TEXT PRIMARY KEY, routes INTEGER NOT NULL) WITHOUT ROWID;"
    /* Seats sold per flight (its number and airports), date and cabin. */
    "CREATE TABLE flight_seats ("
    " flight TEXT NOT NULL, date TEXT NOT NULL, cabin TEXT NOT NULL,"
    " sold INTEGER NOT NULL CHECK (sold >= 0),"
    " PRIMARY KEY (flight, date, cabin)) WITHOUT ROWID;"
    "CREATE TABLE bookings ("
    " id INTEGER PRIMARY KEY,"
    " confirmation TEXT NOT NULL UNIQUE,"
    " kind TEXT NOT NULL CHECK (kind IN ('flight', 'hotel')),"
    " offer_id TEXT NOT NULL,"
    " status TEXT NOT NULL CHECK (status IN ('confirmed', 'cancelled')),"
    " party INTEGER NOT NULL,"		/* travellers or guests */
    " units INTEGER NOT NULL,"		/* seats per flight, or rooms */
    " total_cents INTEGER NOT NULL,"
    " summary TEXT NOT NULL,"
    " details TEXT NOT NULL,"		/* JSON: the offer as booked */
    " idempotency_key TEXT NOT NULL UNIQUE,"
    " request TEXT NOT NULL,"		/* what the key was first used for */
    " created_at TEXT NOT NULL,"
    " cancelled_at TEXT);"
    "CREATE TABLE booking_seats ("
    " booking_id INTEGER NOT NULL REFERENCES bookings(id),"
    " flight TEXT NOT NULL, date TEXT NOT NULL, cabin TEXT NOT NULL,"
    " seats INTEGER NOT NULL);"
    "CREATE INDEX booking_seats_booking ON booking_seats(booking_id);"
    "CREATE TABLE preferences ("
    " region TEXT PRIMARY KEY, data TEXT NOT NULL, updated_at TEXT NOT NULL);"
    "CREATE TABLE past_trips ("
    " id TEXT PRIMARY KEY, data TEXT NOT NULL);"
    "CREATE TABLE itineraries ("
    " id TEXT PRIMARY KEY, data TEXT NOT NULL, created_at TEXT NOT NULL,"
    " updated_at TEXT NOT NULL);";

/* The guide's user: what travel://preferences/europe and
 * travel://past-trips/Spain-2023 show on a new database. */
static const char db_demo_v1[] =
    "INSERT INTO preferences (region, data, updated_at) VALUES ('europe', '{"
    "\"region\":\"europe\","
    "\"preferredAirlines\":[\"Delta\"],"
    "\"preferredHotelChains\":[\"Marriott\"],"
    "\"seatPreference\":\"window\","
    "\"cabin\":\"economy\","
    "\"notes\":\"demo profile of the guide''s traveller\"}',"
    " '2024-01-01T00:00:00Z');"
    "INSERT INTO past_trips (id, data) VALUES ('Spain-2023', '{"
    "\"id\":\"Spain-2023\","
    "\"title\":\"Spain, September 2023\","
    "\"destination\":\"Barcelona, Spain\","
    "\"startDate\":\"2023-09-08\",\"endDate\":\"2023-09-15\","
    "\"travelers\":2,"
    "\"airline\":\"Delta\",\"hotelChain\":\"Marriott\","
    "\"enjoyed\":["
    "{\"name\":\"Gothic Quarter\",\"kind\":\"district\","
    "\"note\":\"evening walks through the old town\"},"
    "{\"name\":\"Sagrada Família\",\"kind\":\"attraction\","
    "\"wikidata\":\"Q48435\",\"note\":\"booked the tower visit\"}],"
    "\"notes\":\"demo profile of the guide''s traveller\"}');";

static int
db_load_v1(sqlite3 *db, void *arg, char *err, size_t errlen)
{
	static const struct {
		const char	*file;
		const char	*table;
	} files[] = {
		{ "airlines.csv", "airlines" },
		{ "routes.csv", "routes" },
		{ "countries.csv", "countries" },
	};
	struct common_app	*app = arg;
	char			 path[4096];
	size_t			 i;

	if (common_db_exec(db, common_place_schema, err, errlen) != 0 ||
	    common_place_load(db, app->data_dir, err, errlen) != 0)
		return (-1);
	for (i = 0; i < sizeof files / sizeof files[0]; i++) {
		snprintf(path, sizeof path, "%s/%s", app->data_dir,
		    files[i].file);
		if (common_db_import_csv(db, path, files[i].table, NULL, err,
		    errlen) != 0)
			return (-1);
	}
	return (common_db_exec(db,
	    "INSERT INTO airport_routes (iata, routes) SELECT src_iata, "
	    "count(*) FROM routes WHERE codeshare IS NULL AND stops = 0 "
	    "GROUP BY src_iata;", err, errlen) != 0 ||
	    common_db_exec(db, db_demo_v1, err, errlen) != 0 ? -1 : 0);
}

/* Version 2: the hotels' tables and seed (hotels.h). */
static int
db_load_v2(sqlite3 *db, void *arg, char *err, size_t errlen)
{
	struct common_app	*app = arg;

	return (travel_hotels_seed(db, app->data_dir, err, errlen));
}

/*
 * Version 3: the legs flights are made of, out of routes.csv's rows: one row
 * per airline flying a pair nonstop under its own code, clustered by
 * airports, so that a one-stop search is two primary-key lookups a row
 * instead of an index scan, table lookups and an airline check per row.
 */
static const char db_schema_v3[] =
    "CREATE TABLE legs ("
    " src TEXT NOT NULL, dst TEXT NOT NULL, airline TEXT NOT NULL,"
    " active INTEGER NOT NULL,"		/* the airline is operating */
    " PRIMARY KEY (src, dst, airline)) WITHOUT ROWID;"
    "INSERT OR IGNORE INTO legs SELECT r.src_iata, r.dst_iata,"
    " r.airline_code, EXISTS (SELECT 1 FROM airlines a WHERE"
    " a.iata = r.airline_code AND a.active = 'Y')"
    " FROM routes r WHERE r.stops = 0 AND r.codeshare IS NULL;";

const struct common_db_migration travel_db_migrations[] = {
	{ 1, db_schema_v1, db_load_v1 },
	{ 2, travel_hotels_schema, db_load_v2 },
	{ 3, db_schema_v3, NULL },
};
const size_t travel_db_nmigrations =
    sizeof travel_db_migrations / sizeof travel_db_migrations[0];

/* Statements -------------------------------------------------------------- */

static struct {
	const char	*sql;
	sqlite3_stmt	*st;
} db_cache[DB_CACHE_MAX];
static size_t db_ncache;

sqlite3_stmt *
travel_db_stmt(sqlite3 *db, const char *sql, char *err, size_t errlen)
{
	sqlite3_stmt	*st;
	size_t		 i;

	for (i = 0; i < db_ncache; i++) {
		if (db_cache[i].sql == sql) {
			sqlite3_reset(db_cache[i].st);
			sqlite3_clear_bindings(db_cache[i].st);
			return (db_cache[i].st);
		}
	}
	if (db_ncache == DB_CACHE_MAX) {
		fprintf(stderr, "travel: more than %d cached statements\n",
		    DB_CACHE_MAX);
		abort();
	}
	if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st,
	    NULL) != SQLITE_OK) {
		snprintf(err, errlen, "travel database: %s", sqlite3_errmsg(db));
		return (NULL);
	}
	db_cache[db_ncache].sql = sql;
	db_cache[db_ncache].st = st;
	db_ncache++;
	return (st);
}

size_t
travel_db_finalize(void)
{
	size_t	i, n = db_ncache;

	for (i = 0; i < db_ncache; i++)
		sqlite3_finalize(db_cache[i].st);
	db_ncache = 0;
	return (n);
}

/* Transactions ------------------------------------------------------------ */

int
travel_db_begin(sqlite3 *db, char *err, size_t errlen)
{
	return (common_db_exec(db, "BEGIN IMMEDIATE", err, errlen));
}

int
travel_db_commit(sqlite3 *db, char *err, size_t errlen)
{
	if (common_db_exec(db, "COMMIT", err, errlen) != 0) {
		travel_db_rollback(db);
		return (-1);
	}
	return (0);
}

void
travel_db_rollback(sqlite3 *db)
{
	char	err[128];

	if (!sqlite3_get_autocommit(db))
		common_db_exec(db, "ROLLBACK", err, sizeof err);
}

/* Rows -------------------------------------------------------------------- */

int
travel_db_done(sqlite3 *db, sqlite3_stmt *st, char *err, size_t errlen)
{
	int	rc = sqlite3_step(st);

	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		snprintf(err, errlen, "travel database: %s", sqlite3_errmsg(db));
		return (-1);
	}
	return (0);
}

const char *
travel_db_text(sqlite3_stmt *st, int col)
{
	const char	*s = (const char *)sqlite3_column_text(st, col);

	return (s != NULL ? s : "");
}

void
travel_db_now(char *buf, size_t len)
{
	time_t		now = time(NULL);
	struct tm	tm;

	gmtime_r(&now, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}
