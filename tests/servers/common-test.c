/*
 * Tests of servers/common: CSV reading, opening and migrating databases,
 * seeding from the real data, place resolution and completion, dates.
 */
#include <sys/wait.h>

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "servers/common/csv.h"
#include "servers/common/date.h"
#include "servers/common/db.h"
#include "servers/common/money.h"
#include "servers/common/place.h"
#include "tests/harness.h"

static char	 tmpdir[] = "/tmp/tripmcp-common-test-XXXXXX";
static sqlite3	*places_db;	/* the real data, loaded once */
static double	 load_ms;

static int
rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return (remove(path));
}

static void
rm_tree(const char *path)
{
	nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* Writes text to tmpdir/name and returns the path (static buffer). */
static const char *
write_file(const char *name, const char *text)
{
	static char	 path[512];
	FILE		*f;

	snprintf(path, sizeof path, "%s/%s", tmpdir, name);
	if ((f = fopen(path, "wb")) == NULL)
		return (NULL);
	fputs(text, f);
	fclose(f);
	return (path);
}

static double
now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6);
}

/* CSV --------------------------------------------------------------------- */

static void
test_csv_edge_cases(void)
{
	struct common_csv	*c;
	char			 err[256] = "";
	const char		*path;

	path = write_file("edge.csv",
	    "a,b,c\r\n"
	    "1,\"x,y\",\"he said \"\"hi\"\"\"\r\n"
	    "2,\"multi\nline\",\n"
	    "3,,\"\"\n"
	    "4,Zürich,last");
	CHECK(path != NULL);
	c = common_csv_open(path, err, sizeof err);
	CHECK(c != NULL);
	if (c == NULL)
		return;
	CHECK_EQ_INT(common_csv_next(c, err, sizeof err), 1);
	CHECK_EQ_INT(common_csv_count(c), 3);
	CHECK_STR(common_csv_field(c, 2), "c");
	CHECK_EQ_INT(common_csv_next(c, err, sizeof err), 1);
	CHECK_STR(common_csv_field(c, 1), "x,y");
	CHECK_STR(common_csv_field(c, 2), "he said \"hi\"");
	CHECK_EQ_INT(common_csv_line(c), 2);
	CHECK_EQ_INT(common_csv_next(c, err, sizeof err), 1);
	CHECK_STR(common_csv_field(c, 1), "multi\nline");
	CHECK_STR(common_csv_field(c, 2), "");
	CHECK_EQ_INT(common_csv_next(c, err, sizeof err), 1);
	CHECK_EQ_INT(common_csv_line(c), 5);
	CHECK_EQ_INT(common_csv_count(c), 3);
	CHECK_STR(common_csv_field(c, 1), "");
	CHECK_STR(common_csv_field(c, 2), "");
	CHECK_EQ_INT(common_csv_next(c, err, sizeof err), 1);
	CHECK_STR(common_csv_field(c, 1), "Zürich");
	CHECK_STR(common_csv_field(c, 2), "last");
	CHECK_EQ_INT(common_csv_next(c, err, sizeof err), 0);
	CHECK(common_csv_field(c, 7) == NULL);
	common_csv_free(c);
	common_csv_free(NULL);
}

/* Reads name until the end or an error; returns the error text. */
static const char *
csv_error_of(const char *name, const char *text)
{
	static char		 err[256];
	struct common_csv	*c;
	int			 r;

	err[0] = '\0';
	if ((c = common_csv_open(write_file(name, text), err,
	    sizeof err)) == NULL)
		return (err);
	while ((r = common_csv_next(c, err, sizeof err)) == 1)
		;
	common_csv_free(c);
	return (r < 0 ? err : "");
}

static void
test_csv_malformed(void)
{
	char	err[256];

	CHECK_CONTAINS(csv_error_of("open.csv", "a,b\n1,2\n3,\"never\nclosed\n"),
	    "open.csv:3: quoted field not closed");
	CHECK_CONTAINS(csv_error_of("bare.csv", "a,b\n1,x\"y\n"),
	    "bare.csv:2: quote inside an unquoted field");
	CHECK_CONTAINS(csv_error_of("after.csv", "a,b\n1,2\n\"ab\"c,2\n"),
	    "after.csv:3: unexpected character after closing quote");
	CHECK_CONTAINS(csv_error_of("cr.csv", "a,b\r1,2\n"),
	    "cr.csv:1: carriage return");
	CHECK_STR(csv_error_of("ok.csv", "a,b\n\"1\",\"2\"\n"), "");
	CHECK(common_csv_open("/nonexistent/x.csv", err, sizeof err) == NULL);
	CHECK_CONTAINS(err, "cannot open /nonexistent/x.csv");
}

/* Databases --------------------------------------------------------------- */

static void
test_db_open(void)
{
	sqlite3		*db;
	sqlite3_stmt	*st;
	char		 err[256] = "", path[512];

	snprintf(path, sizeof path, "%s/deep/er/t.db", tmpdir);
	db = common_db_open(path, err, sizeof err);
	CHECK(db != NULL);
	if (db == NULL) {
		fprintf(stderr, "  %s\n", err);
		return;
	}
	CHECK(access(path, F_OK) == 0);
	CHECK(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st,
	    NULL) == SQLITE_OK);
	CHECK(sqlite3_step(st) == SQLITE_ROW);
	CHECK_STR((const char *)sqlite3_column_text(st, 0), "wal");
	sqlite3_finalize(st);
	CHECK(sqlite3_prepare_v2(db, "PRAGMA foreign_keys", -1, &st,
	    NULL) == SQLITE_OK);
	CHECK(sqlite3_step(st) == SQLITE_ROW);
	CHECK_EQ_INT(sqlite3_column_int(st, 0), 1);
	sqlite3_finalize(st);
	sqlite3_close(db);

	db = common_db_open(":memory:", err, sizeof err);
	CHECK(db != NULL);
	sqlite3_close(db);

	CHECK(common_db_open("/proc/nope/t.db", err, sizeof err) == NULL);
	CHECK_CONTAINS(err, "cannot create /proc/nope");
}

static void
test_db_default_path(void)
{
	char	*old_xdg = getenv("XDG_DATA_HOME"), *old_home = getenv("HOME");
	char	 err[256] = "", *p;

	old_xdg = old_xdg != NULL ? strdup(old_xdg) : NULL;
	old_home = old_home != NULL ? strdup(old_home) : NULL;

	setenv("XDG_DATA_HOME", "/srv/data", 1);
	p = common_db_default_path("travel", err, sizeof err);
	CHECK_STR(p, "/srv/data/tripmcp/travel.db");
	free(p);

	setenv("XDG_DATA_HOME", "relative/ignored", 1);
	setenv("HOME", "/home/ana", 1);
	p = common_db_default_path("weather", err, sizeof err);
	CHECK_STR(p, "/home/ana/.local/share/tripmcp/weather.db");
	free(p);

	unsetenv("XDG_DATA_HOME");
	unsetenv("HOME");
	CHECK(common_db_default_path("calendar", err, sizeof err) == NULL);
	CHECK_CONTAINS(err, "--db PATH");
	CHECK(common_db_default_path("../x", err, sizeof err) == NULL);

	if (old_xdg != NULL)
		setenv("XDG_DATA_HOME", old_xdg, 1);
	if (old_home != NULL)
		setenv("HOME", old_home, 1);
	free(old_xdg);
	free(old_home);
}

static int migrate_calls;

static int
migrate_seed(sqlite3 *db, void *arg, char *err, size_t errlen)
{
	migrate_calls++;
	(void)arg;
	return (common_db_exec(db, "INSERT INTO notes (body) VALUES ('seed')",
	    err, errlen));
}

static int
migrate_fail(sqlite3 *db, void *arg, char *err, size_t errlen)
{
	(void)db;
	(void)arg;
	snprintf(err, errlen, "seed file missing");
	return (-1);
}

static const struct common_db_migration test_migrations[] = {
	{ .version = 1, .sql = "CREATE TABLE notes (id INTEGER PRIMARY KEY, "
	    "body TEXT NOT NULL);" },
	{ .version = 2, .sql = "ALTER TABLE notes ADD COLUMN tag TEXT;",
	    .fn = migrate_seed },
};

static int
count_rows(sqlite3 *db, const char *sql)
{
	sqlite3_stmt	*st;
	int		 n = -1;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return (-1);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return (n);
}

static void
test_db_migrate(void)
{
	const struct common_db_migration bad[] = {
		test_migrations[0], test_migrations[1],
		{ .version = 3, .sql = "CREATE TABLE extra (x);",
		    .fn = migrate_fail },
	};
	sqlite3	*db;
	char	 err[512] = "", path[512];

	snprintf(path, sizeof path, "%s/migrate.db", tmpdir);
	if ((db = common_db_open(path, err, sizeof err)) == NULL) {
		CHECK(db != NULL);
		return;
	}
	migrate_calls = 0;
	CHECK_EQ_INT(common_db_version(db, err, sizeof err), 0);
	CHECK_EQ_INT(common_db_migrate(db, test_migrations, 2, NULL, err,
	    sizeof err), 0);
	CHECK_EQ_INT(common_db_version(db, err, sizeof err), 2);
	CHECK_EQ_INT(migrate_calls, 1);
	CHECK_EQ_INT(count_rows(db, "SELECT count(*) FROM notes"), 1);

	/* Again: nothing to do. */
	CHECK_EQ_INT(common_db_migrate(db, test_migrations, 2, NULL, err,
	    sizeof err), 0);
	CHECK_EQ_INT(migrate_calls, 1);
	CHECK_EQ_INT(count_rows(db, "SELECT count(*) FROM notes"), 1);

	/* A failing step leaves the database at the previous version. */
	CHECK_EQ_INT(common_db_migrate(db, bad, 3, NULL, err, sizeof err), -1);
	CHECK_CONTAINS(err, "migration to version 3 failed: seed file missing");
	CHECK_EQ_INT(common_db_version(db, err, sizeof err), 2);
	CHECK_EQ_INT(count_rows(db, "SELECT count(*) FROM extra"), -1);

	/* An older program refuses a newer database and leaves it alone. */
	CHECK_EQ_INT(common_db_exec(db, "PRAGMA user_version=5", err,
	    sizeof err), 0);
	CHECK_EQ_INT(common_db_migrate(db, test_migrations, 2, NULL, err,
	    sizeof err), -1);
	CHECK_CONTAINS(err, "schema version 5 is newer than this program "
	    "knows (2)");
	CHECK_EQ_INT(common_db_version(db, err, sizeof err), 5);

	/* A table out of order is a programming error, caught. */
	CHECK_EQ_INT(common_db_migrate(db, test_migrations + 1, 1, NULL, err,
	    sizeof err), -1);
	CHECK_CONTAINS(err, "expected 1");
	sqlite3_close(db);
}

/* Several server processes starting on one new database at once. */
static void
test_db_migrate_concurrent(void)
{
	sqlite3	*db;
	char	 err[512] = "", path[512];
	pid_t	 pids[4];
	int	 i, status, ok = 0;

	snprintf(path, sizeof path, "%s/shared.db", tmpdir);
	fflush(NULL);
	for (i = 0; i < 4; i++) {
		if ((pids[i] = fork()) == 0) {
			sqlite3	*cdb;
			int	 rc = 1;

			if ((cdb = common_db_open(path, err, sizeof err)) !=
			    NULL && common_db_migrate(cdb, test_migrations, 2,
			    NULL, err, sizeof err) == 0)
				rc = 0;
			else
				fprintf(stderr, "  child: %s\n", err);
			sqlite3_close(cdb);
			_exit(rc);
		}
	}
	for (i = 0; i < 4; i++) {
		if (pids[i] > 0 && waitpid(pids[i], &status, 0) == pids[i] &&
		    WIFEXITED(status) && WEXITSTATUS(status) == 0)
			ok++;
	}
	CHECK_EQ_INT(ok, 4);
	if ((db = common_db_open(path, err, sizeof err)) == NULL) {
		CHECK(db != NULL);
		return;
	}
	CHECK_EQ_INT(common_db_version(db, err, sizeof err), 2);
	/* The seeding step ran exactly once. */
	CHECK_EQ_INT(count_rows(db, "SELECT count(*) FROM notes"), 1);
	sqlite3_close(db);
}

/*
 * Every shipped CSV parses and loads: a table per file with the header's
 * columns, all rows in one transaction.
 */
static void
test_db_import_all_data(void)
{
	static const char *files[] = { "airports", "airlines", "routes",
	    "cities", "attractions", "countries", "currencies",
	    "climate_stations", "climate_monthly", "places-extra" };
	static const long expect[] = { 3367, 536, 64943, 5195, 4016, 249, 160,
	    2075, 24900, 1 };
	const char	*datadir = getenv("TRIPMCP_DATA_DIR");
	sqlite3		*db;
	char		 err[512] = "", path[512], sql[4096], table[64];
	double		 t0, total = 0;
	size_t		 i, j;
	long		 rows;

	if (datadir == NULL)
		datadir = "data";
	snprintf(path, sizeof path, "%s/all.db", tmpdir);
	if ((db = common_db_open(path, err, sizeof err)) == NULL) {
		CHECK(db != NULL);
		return;
	}
	t0 = now_ms();
	CHECK_EQ_INT(common_db_exec(db, "BEGIN", err, sizeof err), 0);
	for (i = 0; i < sizeof files / sizeof files[0]; i++) {
		struct common_csv *c;
		size_t n = 0;

		snprintf(path, sizeof path, "%s/%s.csv", datadir, files[i]);
		if ((c = common_csv_open(path, err, sizeof err)) == NULL ||
		    common_csv_next(c, err, sizeof err) != 1) {
			CHECK(!"header readable");
			fprintf(stderr, "  %s\n", err);
			common_csv_free(c);
			continue;
		}
		for (j = 0; files[i][j] != '\0' && j < sizeof table - 1; j++)
			table[j] = files[i][j] == '-' ? '_' : files[i][j];
		table[j] = '\0';
		n += (size_t)snprintf(sql + n, sizeof sql - n,
		    "CREATE TABLE \"%s\" (", table);
		for (j = 0; j < common_csv_count(c); j++)
			n += (size_t)snprintf(sql + n, sizeof sql - n,
			    "%s\"%s\"", j > 0 ? ", " : "",
			    common_csv_field(c, j));
		snprintf(sql + n, sizeof sql - n, ")");
		common_csv_free(c);
		CHECK_EQ_INT(common_db_exec(db, sql, err, sizeof err), 0);
		rows = -1;
		CHECK_EQ_INT(common_db_import_csv(db, path, table, &rows, err,
		    sizeof err), 0);
		if (rows != expect[i])
			fprintf(stderr, "  %s: %s\n", files[i], err);
		CHECK_EQ_INT(rows, expect[i]);
	}
	CHECK_EQ_INT(common_db_exec(db, "COMMIT", err, sizeof err), 0);
	total = now_ms() - t0;
	printf("# loaded all %zu data files (105,442 rows) in %.1f ms\n",
	    sizeof files / sizeof files[0], total);
	CHECK_EQ_INT(count_rows(db, "SELECT count(*) FROM attractions WHERE "
	    "name = 'Sagrada Família' AND city = 'Barcelona'"), 1);
	sqlite3_close(db);
}

static void
test_db_import_csv(void)
{
	sqlite3		*db;
	char		 err[512] = "", path[512];
	const char	*csv;
	long		 rows = -1;

	snprintf(path, sizeof path, "%s/import.db", tmpdir);
	if ((db = common_db_open(path, err, sizeof err)) == NULL) {
		CHECK(db != NULL);
		return;
	}
	CHECK_EQ_INT(common_db_exec(db, "CREATE TABLE t (code TEXT PRIMARY "
	    "KEY, name TEXT NOT NULL, n INTEGER)", err, sizeof err), 0);

	csv = write_file("good.csv", "code,name,n\r\nA,\"Ann, \"\"the\"\" first\","
	    "1\r\nB,\"two\nlines\",\r\n");
	CHECK_EQ_INT(common_db_import_csv(db, csv, "t", &rows, err,
	    sizeof err), 0);
	CHECK_EQ_INT(rows, 2);
	CHECK_EQ_INT(count_rows(db, "SELECT count(*) FROM t WHERE name = "
	    "'Ann, \"the\" first' AND n = 1"), 1);
	CHECK_EQ_INT(count_rows(db, "SELECT count(*) FROM t WHERE n IS NULL "
	    "AND name = 'two' || char(10) || 'lines'"), 1);

	/* Malformed rows: nothing of the file is kept. */
	csv = write_file("short.csv", "code,name,n\nC,ok,3\nD,missing\n");
	CHECK_EQ_INT(common_db_import_csv(db, csv, "t", &rows, err,
	    sizeof err), -1);
	CHECK_CONTAINS(err, "short.csv:3: 2 fields, expected 3");
	CHECK_EQ_INT(count_rows(db, "SELECT count(*) FROM t"), 2);

	csv = write_file("quote.csv", "code,name,n\nE,ok,3\n\nF,\"bad\"x,1\n");
	CHECK_EQ_INT(common_db_import_csv(db, csv, "t", NULL, err,
	    sizeof err), -1);
	CHECK_CONTAINS(err, "quote.csv:3:");
	CHECK_EQ_INT(count_rows(db, "SELECT count(*) FROM t"), 2);

	csv = write_file("dup.csv", "code,name,n\nG,ok,3\nA,again,1\n");
	CHECK_EQ_INT(common_db_import_csv(db, csv, "t", NULL, err,
	    sizeof err), -1);
	CHECK_CONTAINS(err, "dup.csv:3: cannot insert into t");
	CHECK_EQ_INT(count_rows(db, "SELECT count(*) FROM t"), 2);

	csv = write_file("cols.csv", "code,colour\nH,red\n");
	CHECK_EQ_INT(common_db_import_csv(db, csv, "t", NULL, err,
	    sizeof err), -1);
	CHECK_CONTAINS(err, "cols.csv:1: cannot load into table t");

	csv = write_file("empty.csv", "");
	CHECK_EQ_INT(common_db_import_csv(db, csv, "t", NULL, err,
	    sizeof err), -1);
	CHECK_CONTAINS(err, "empty.csv:1: empty file");

	/* Inside a caller's transaction the import nests. */
	CHECK_EQ_INT(common_db_exec(db, "BEGIN", err, sizeof err), 0);
	csv = write_file("more.csv", "code,name\nZ,zed\n");
	CHECK_EQ_INT(common_db_import_csv(db, csv, "t", NULL, err,
	    sizeof err), 0);
	CHECK_EQ_INT(common_db_exec(db, "ROLLBACK", err, sizeof err), 0);
	CHECK_EQ_INT(count_rows(db, "SELECT count(*) FROM t"), 2);
	sqlite3_close(db);
}

/* Places ------------------------------------------------------------------ */

static int
places_seed(sqlite3 *db, void *arg, char *err, size_t errlen)
{
	return (common_place_load(db, arg, err, errlen));
}

static void
test_place_load_real_data(void)
{
	struct common_db_migration m[] = {
		{ .version = 1, .sql = common_place_schema, .fn = places_seed },
	};
	const char	*datadir = getenv("TRIPMCP_DATA_DIR");
	char		 err[512] = "", path[512];
	double		 t0;

	if (datadir == NULL)
		datadir = "data";
	snprintf(path, sizeof path, "%s/places.db", tmpdir);
	if ((places_db = common_db_open(path, err, sizeof err)) == NULL) {
		CHECK(places_db != NULL);
		return;
	}
	t0 = now_ms();
	CHECK_EQ_INT(common_db_migrate(places_db, m, 1, (void *)datadir, err,
	    sizeof err), 0);
	load_ms = now_ms() - t0;
	if (err[0] != '\0' && load_ms >= 0)
		fprintf(stderr, "  %s\n", err);
	printf("# loaded airports.csv, cities.csv, places-extra.csv in %.1f ms\n",
	    load_ms);
	CHECK_EQ_INT(count_rows(places_db, "SELECT count(*) FROM airports"),
	    3367);
	CHECK_EQ_INT(count_rows(places_db, "SELECT count(*) FROM cities"),
	    5195);
	CHECK_EQ_INT(count_rows(places_db, "SELECT count(*) FROM place_extra"),
	    1);
	CHECK(count_rows(places_db, "SELECT count(*) FROM place_names") > 5195);
	/* Typed columns: numbers were stored as numbers. */
	CHECK_EQ_INT(count_rows(places_db, "SELECT count(*) FROM cities WHERE "
	    "typeof(population) != 'integer' OR typeof(lat) != 'real'"), 0);
}

static struct common_place_result *
resolve(const char *q)
{
	char	err[256] = "";
	struct common_place_result *r;

	if (places_db == NULL)
		return (NULL);
	r = common_place_resolve(places_db, q, err, sizeof err);
	if (r == NULL)
		fprintf(stderr, "  resolve %s: %s\n", q, err);
	return (r);
}

static void
test_place_fold(void)
{
	char	k[64];

	common_place_fold("Zürich", k, sizeof k);
	CHECK_STR(k, "zurich");
	common_place_fold("  SÃO   Paulo ", k, sizeof k);
	CHECK_STR(k, "sao paulo");
	common_place_fold("Sa\xcc\x83o Paulo", k, sizeof k);	/* decomposed */
	CHECK_STR(k, "sao paulo");
	common_place_fold("Kraków–Łódź", k, sizeof k);
	CHECK_STR(k, "krakow lodz");
	common_place_fold("Straße, d'Oeste", k, sizeof k);
	CHECK_STR(k, "strasse d oeste");
	common_place_fold("İstanbul Œuvre Æbeltoft", k, sizeof k);
	CHECK_STR(k, "istanbul oeuvre aebeltoft");
	common_place_fold("東京", k, sizeof k);
	CHECK_STR(k, "東京");
	common_place_fold("bad\xff\xfe byte", k, sizeof k);
	CHECK_STR(k, "bad byte");
	CHECK_EQ_INT(common_place_fold("abcdef", k, 4), 3);
	CHECK_STR(k, "abc");
}

/* How long a resolution takes on the real data (reported, not asserted). */
static void
test_place_resolve_timing(void)
{
	const char *q[] = { "barcelona", "NYC", "Zürich", "Sao Paulo",
	    "Xyzzyville", "san juan" };
	double t0;
	int i;

	if (places_db == NULL)
		return;
	t0 = now_ms();
	for (i = 0; i < 600; i++) {
		struct common_place_result *r = resolve(q[i % 6]);

		CHECK(r != NULL);
		common_place_result_free(r);
	}
	printf("# 600 resolutions in %.1f ms (%.1f us each)\n",
	    now_ms() - t0, (now_ms() - t0) * 1000 / 600);
}

static void
test_place_barcelona(void)
{
	const char *queries[] = { "barcelona", "Barcelona", "BARCELONA",
	    " barcelona " };
	struct common_place_result *r;
	size_t i;

	for (i = 0; i < sizeof queries / sizeof queries[0]; i++) {
		if ((r = resolve(queries[i])) == NULL) {
			CHECK(r != NULL);
			continue;
		}
		CHECK_EQ_INT(r->status, COMMON_PLACE_FOUND);
		CHECK_STR(r->places[0].name, "Barcelona");
		CHECK_STR(r->places[0].country_code, "ES");
		CHECK_STR(r->places[0].country, "Spain");
		CHECK_EQ_INT(r->places[0].kind, COMMON_PLACE_CITY);
		CHECK_CONTAINS(r->places[0].airports, "BCN");
		CHECK(r->n >= 2);
		CHECK_STR(r->places[1].country_code, "VE");
		CHECK_CONTAINS(r->message, "Barcelona, Spain");
		CHECK_CONTAINS(r->message, "Barcelona, Venezuela");
		common_place_result_free(r);
	}

	if ((r = resolve("BCN")) != NULL) {
		CHECK_EQ_INT(r->status, COMMON_PLACE_FOUND);
		CHECK_EQ_INT(r->places[0].kind, COMMON_PLACE_AIRPORT);
		CHECK_STR(r->places[0].code, "BCN");
		CHECK_STR(r->places[0].country_code, "ES");
		CHECK_STR(r->places[0].tz, "Europe/Madrid");
		common_place_result_free(r);
	}
	if ((r = resolve("bcn")) != NULL) {
		CHECK_EQ_INT(r->status, COMMON_PLACE_FOUND);
		CHECK_STR(r->places[0].code, "BCN");
		common_place_result_free(r);
	}
	/* Naming the country picks the smaller one. */
	if ((r = resolve("Barcelona, Venezuela")) != NULL) {
		CHECK_EQ_INT(r->status, COMMON_PLACE_FOUND);
		CHECK_EQ_INT(r->n, 1);
		CHECK_STR(r->places[0].country_code, "VE");
		common_place_result_free(r);
	}
	if ((r = resolve("barcelona, ve")) != NULL) {
		CHECK_STR(r->places[0].country_code, "VE");
		common_place_result_free(r);
	}
}

static void
test_place_metro_codes(void)
{
	struct common_place_result *r;

	if ((r = resolve("NYC")) != NULL) {
		CHECK_EQ_INT(r->status, COMMON_PLACE_FOUND);
		CHECK_EQ_INT(r->places[0].kind, COMMON_PLACE_METRO);
		CHECK_STR(r->places[0].code, "NYC");
		CHECK_STR(r->places[0].name, "New York");
		CHECK_STR(r->places[0].airports, "JFK;LGA;EWR");
		CHECK_STR(r->places[0].country_code, "US");
		CHECK_STR(r->places[0].tz, "America/New_York");
		common_place_result_free(r);
	}
	if ((r = resolve("nyc")) != NULL) {
		CHECK_STR(r->places[0].airports, "JFK;LGA;EWR");
		common_place_result_free(r);
	}
	if ((r = resolve("new york")) != NULL) {
		CHECK_EQ_INT(r->status, COMMON_PLACE_FOUND);
		CHECK_STR(r->places[0].code, "NYC");
		CHECK_STR(r->places[0].country_code, "US");
		common_place_result_free(r);
	}
	if ((r = resolve("LON")) != NULL) {
		CHECK_CONTAINS(r->places[0].airports, "LHR;LGW");
		CHECK_STR(r->places[0].name, "London");
		common_place_result_free(r);
	}
	if ((r = resolve("Washington")) != NULL) {
		CHECK_EQ_INT(r->status, COMMON_PLACE_FOUND);
		CHECK_STR(r->places[0].name, "Washington, D.C.");
		CHECK_STR(r->places[0].code, "WAS");
		common_place_result_free(r);
	}
	if ((r = resolve("TYO")) != NULL) {
		CHECK_STR(r->places[0].airports, "HND;NRT");
		common_place_result_free(r);
	}
}

static void
test_place_accents(void)
{
	const char *zurich[] = { "Zurich", "Zürich", "zürich", "ZÜRICH",
	    "zurich" };
	const char *sao[] = { "Sao Paulo", "São Paulo", "sao paulo",
	    "SAO PAULO", "São  Paulo" };
	struct common_place_result *r;
	size_t i;

	for (i = 0; i < sizeof zurich / sizeof zurich[0]; i++) {
		if ((r = resolve(zurich[i])) == NULL)
			continue;
		CHECK_EQ_INT(r->status, COMMON_PLACE_FOUND);
		CHECK_STR(r->places[0].name, "Zürich");
		CHECK_STR(r->places[0].country_code, "CH");
		CHECK_CONTAINS(r->places[0].airports, "ZRH");
		common_place_result_free(r);
	}
	if ((r = resolve("ZRH")) != NULL) {
		CHECK_EQ_INT(r->status, COMMON_PLACE_FOUND);
		CHECK_STR(r->places[0].code, "ZRH");
		CHECK_STR(r->places[0].country, "Switzerland");
		common_place_result_free(r);
	}
	for (i = 0; i < sizeof sao / sizeof sao[0]; i++) {
		if ((r = resolve(sao[i])) == NULL)
			continue;
		CHECK_EQ_INT(r->status, COMMON_PLACE_FOUND);
		CHECK_STR(r->places[0].name, "São Paulo");
		CHECK_STR(r->places[0].code, "SAO");
		CHECK_STR(r->places[0].country_code, "BR");
		common_place_result_free(r);
	}
	if ((r = resolve("SAO")) != NULL) {
		CHECK_EQ_INT(r->places[0].kind, COMMON_PLACE_METRO);
		CHECK_STR(r->places[0].airports, "GRU;CGH;VCP");
		common_place_result_free(r);
	}
}

static void
test_place_unknown(void)
{
	struct common_place_result *r;
	char long_name[300];

	if ((r = resolve("Xyzzyville")) != NULL) {
		CHECK_EQ_INT(r->status, COMMON_PLACE_NOT_FOUND);
		CHECK_EQ_INT(r->n, 0);
		CHECK_CONTAINS(r->message, "unknown place \"Xyzzyville\"");
		CHECK_CONTAINS(r->message, "IATA airport code (BCN)");
		common_place_result_free(r);
	}
	if ((r = resolve("XQZ")) != NULL) {
		CHECK_EQ_INT(r->status, COMMON_PLACE_NOT_FOUND);
		common_place_result_free(r);
	}
	if ((r = resolve("   ")) != NULL) {
		CHECK_EQ_INT(r->status, COMMON_PLACE_NOT_FOUND);
		CHECK_CONTAINS(r->message, "empty place name");
		common_place_result_free(r);
	}
	if ((r = resolve("'; DROP TABLE cities; --")) != NULL) {
		CHECK_EQ_INT(r->status, COMMON_PLACE_NOT_FOUND);
		common_place_result_free(r);
	}
	CHECK_EQ_INT(count_rows(places_db, "SELECT count(*) FROM cities"),
	    5195);
	memset(long_name, 'a', sizeof long_name - 1);
	long_name[sizeof long_name - 1] = '\0';
	if ((r = resolve(long_name)) != NULL) {
		CHECK_EQ_INT(r->status, COMMON_PLACE_NOT_FOUND);
		CHECK_CONTAINS(r->message, "too long");
		common_place_result_free(r);
	}
	if ((r = resolve("Bar\ncelona")) != NULL) {
		CHECK(strchr(r->message, '\n') == NULL);
		common_place_result_free(r);
	}
	/* Barcelona in a country that has none. */
	if ((r = resolve("Barcelona, France")) != NULL) {
		CHECK_EQ_INT(r->status, COMMON_PLACE_NOT_FOUND);
		common_place_result_free(r);
	}
}

static void
test_place_tie(void)
{
	struct common_place_result *r;

	/* Springfield, MO (167k) and Springfield, MA (154k): a tie whose
	 * candidates name their states, and a state code chooses. */
	if ((r = resolve("springfield")) != NULL) {
		CHECK_EQ_INT(r->status, COMMON_PLACE_AMBIGUOUS);
		CHECK_CONTAINS(r->message, "Springfield, MO, United States");
		CHECK_CONTAINS(r->message, "Springfield, IL, United States");
		common_place_result_free(r);
	}
	if ((r = resolve("Springfield, IL")) != NULL) {
		CHECK_EQ_INT(r->status, COMMON_PLACE_FOUND);
		CHECK_STR(r->places[0].region, "IL");
		CHECK(r->places[0].geonames_id == 4250542);
		common_place_result_free(r);
	}
	if ((r = resolve("Springfield, IL, United States")) != NULL) {
		CHECK_EQ_INT(r->status, COMMON_PLACE_FOUND);
		CHECK(r->places[0].geonames_id == 4250542);
		common_place_result_free(r);
	}
	if ((r = resolve("Barcelona")) != NULL) {
		CHECK_STR(r->places[0].region, "");
		common_place_result_free(r);
	}
	/* San Juan, Argentina (447k) and San Juan, Puerto Rico (418k). */
	if ((r = resolve("san juan")) != NULL) {
		CHECK_EQ_INT(r->status, COMMON_PLACE_AMBIGUOUS);
		CHECK(r->n >= 2);
		CHECK_CONTAINS(r->message, "San Juan, Argentina");
		CHECK_CONTAINS(r->message, "San Juan, Puerto Rico");
		CHECK_CONTAINS(r->message, "say which one");
		common_place_result_free(r);
	}
	if ((r = resolve("San Juan, Puerto Rico")) != NULL) {
		CHECK_EQ_INT(r->status, COMMON_PLACE_FOUND);
		CHECK_STR(r->places[0].country_code, "PR");
		common_place_result_free(r);
	}
	if ((r = resolve("Valencia, Spain")) != NULL) {
		CHECK_EQ_INT(r->status, COMMON_PLACE_FOUND);
		CHECK_STR(r->places[0].country_code, "ES");
		common_place_result_free(r);
	}
}

static void
test_place_extra(void)
{
	struct common_place_result *r;
	const char *q[] = { "Gothic Quarter", "gothic quarter", "Barri Gòtic",
	    "barri gotic", "Gothic Quarter, Barcelona" };
	size_t i;

	for (i = 0; i < sizeof q / sizeof q[0]; i++) {
		if ((r = resolve(q[i])) == NULL)
			continue;
		CHECK_EQ_INT(r->status, COMMON_PLACE_FOUND);
		CHECK_EQ_INT(r->places[0].kind, COMMON_PLACE_DISTRICT);
		CHECK_STR(r->places[0].name, "Gothic Quarter");
		CHECK_STR(r->places[0].city, "Barcelona");
		CHECK_STR(r->places[0].tz, "Europe/Madrid");
		CHECK(r->places[0].lat > 41.37 && r->places[0].lat < 41.39);
		CHECK(r->places[0].lon > 2.16 && r->places[0].lon < 2.19);
		CHECK_CONTAINS(r->places[0].source, "Wikipedia");
		common_place_result_free(r);
	}
}

static void
test_place_complete(void)
{
	char	**v, err[256] = "";
	size_t	  n, i;

	if (places_db == NULL)
		return;
	CHECK_EQ_INT(common_place_complete(places_db, "barc", 5, &v, &n, err,
	    sizeof err), 0);
	CHECK(n >= 2);
	if (n >= 2) {
		CHECK_STR(v[0], "Barcelona, Spain");
		CHECK_STR(v[1], "Barcelona, Venezuela");
	}
	for (i = 0; i < n; i++)
		printf("# barc -> %s\n", v[i]);
	common_place_strings_free(v, n);

	CHECK_EQ_INT(common_place_complete(places_db, "zur", 5, &v, &n, err,
	    sizeof err), 0);
	CHECK(n >= 1);
	if (n >= 1)
		CHECK_STR(v[0], "Zürich, Switzerland");
	common_place_strings_free(v, n);

	CHECK_EQ_INT(common_place_complete(places_db, "São P", 3, &v, &n, err,
	    sizeof err), 0);
	CHECK(n >= 1);
	if (n >= 1)
		CHECK_STR(v[0], "São Paulo, Brazil");
	common_place_strings_free(v, n);

	/* The best-known places first, and every label resolves back. */
	CHECK_EQ_INT(common_place_complete(places_db, "lon", 4, &v, &n, err,
	    sizeof err), 0);
	CHECK_EQ_INT(n, 4);
	if (n >= 2) {
		CHECK_STR(v[0], "London, United Kingdom");
		CHECK_STR(v[1], "LON");
	}
	for (i = 0; i < n; i++) {
		struct common_place_result *r = resolve(v[i]);

		CHECK(r != NULL && r->status == COMMON_PLACE_FOUND);
		common_place_result_free(r);
	}
	common_place_strings_free(v, n);

	CHECK_EQ_INT(common_place_complete(places_db, "zrh", 3, &v, &n, err,
	    sizeof err), 0);
	CHECK(n >= 1);
	if (n >= 1)
		CHECK_STR(v[0], "ZRH");
	common_place_strings_free(v, n);

	CHECK_EQ_INT(common_place_complete(places_db, "BCN", 3, &v, &n, err,
	    sizeof err), 0);
	CHECK(n >= 1);
	if (n >= 1)
		CHECK_STR(v[0], "BCN");
	common_place_strings_free(v, n);

	CHECK_EQ_INT(common_place_complete(places_db, "xyzzy", 5, &v, &n, err,
	    sizeof err), 0);
	CHECK_EQ_INT(n, 0);
	common_place_strings_free(v, n);
}

/* Dates ------------------------------------------------------------------- */

static void
test_date_parse(void)
{
	struct common_date	d, e;
	char			err[256] = "", buf[COMMON_DATE_LEN];

	CHECK_EQ_INT(common_date_parse("2024-02-29", &d, err, sizeof err), 0);
	CHECK_EQ_INT(d.year, 2024);
	CHECK_EQ_INT(d.month, 2);
	CHECK_EQ_INT(d.day, 29);
	CHECK_EQ_INT(common_date_parse("2023-02-29", &d, err, sizeof err), -1);
	CHECK_CONTAINS(err, "February 2023 has 28 days");
	CHECK_EQ_INT(common_date_parse("1900-02-29", &d, err, sizeof err), -1);
	CHECK_EQ_INT(common_date_parse("2000-02-29", &d, err, sizeof err), 0);
	CHECK_EQ_INT(common_date_parse("2024-13-01", &d, err, sizeof err), -1);
	CHECK_CONTAINS(err, "month 13");
	CHECK_EQ_INT(common_date_parse("2024-04-31", &d, err, sizeof err), -1);
	CHECK_EQ_INT(common_date_parse("2024-6-15", &d, err, sizeof err), -1);
	CHECK_CONTAINS(err, "expected YYYY-MM-DD");
	CHECK_EQ_INT(common_date_parse("2024-06-15x", &d, err, sizeof err), -1);
	CHECK_EQ_INT(common_date_parse("", &d, err, sizeof err), -1);
	CHECK_EQ_INT(common_date_parse(NULL, &d, err, sizeof err), -1);
	CHECK_EQ_INT(common_date_parse("0000-01-01", &d, err, sizeof err), -1);

	CHECK_EQ_INT(common_date_is_leap(2024), 1);
	CHECK_EQ_INT(common_date_is_leap(2100), 0);
	CHECK_EQ_INT(common_date_is_leap(2000), 1);
	CHECK_EQ_INT(common_date_days_in_month(2024, 2), 29);
	CHECK_EQ_INT(common_date_days_in_month(2024, 13), 0);

	common_date_parse("2024-06-15", &d, err, sizeof err);
	common_date_format(&d, buf);
	CHECK_STR(buf, "2024-06-15");
	CHECK_EQ_INT(common_date_weekday(&d), 5);	/* a Saturday */
	e = d;
	common_date_add_days(&e, 7);
	common_date_format(&e, buf);
	CHECK_STR(buf, "2024-06-22");
	CHECK_EQ_INT(common_date_diff(&d, &e), 7);
	CHECK_EQ_INT(common_date_compare(&d, &e), -1);
	CHECK_EQ_INT(common_date_compare(&e, &d), 1);
	CHECK_EQ_INT(common_date_compare(&d, &d), 0);

	common_date_parse("2024-02-28", &d, err, sizeof err);
	common_date_add_days(&d, 1);
	common_date_format(&d, buf);
	CHECK_STR(buf, "2024-02-29");
	common_date_add_days(&d, 1);
	common_date_format(&d, buf);
	CHECK_STR(buf, "2024-03-01");
	common_date_parse("2023-12-31", &d, err, sizeof err);
	common_date_add_days(&d, 1);
	common_date_format(&d, buf);
	CHECK_STR(buf, "2024-01-01");
	common_date_add_days(&d, -366);
	common_date_format(&d, buf);
	CHECK_STR(buf, "2022-12-31");
	common_date_parse("1970-01-01", &d, err, sizeof err);
	CHECK_EQ_INT(common_date_to_days(&d), 0);
	common_date_from_days(-1, &d);
	common_date_format(&d, buf);
	CHECK_STR(buf, "1969-12-31");
}

static void
test_date_months(void)
{
	struct common_date	a, b;
	char			err[256] = "", buf[COMMON_DATE_LEN];

	CHECK_STR(common_date_month_name(6), "June");
	CHECK(common_date_month_name(0) == NULL);
	CHECK_EQ_INT(common_date_parse_month("June-2024", &a, &b, err,
	    sizeof err), 0);
	common_date_format(&a, buf);
	CHECK_STR(buf, "2024-06-01");
	common_date_format(&b, buf);
	CHECK_STR(buf, "2024-06-30");
	CHECK_EQ_INT(common_date_parse_month("2024-02", &a, &b, err,
	    sizeof err), 0);
	CHECK_EQ_INT(b.day, 29);
	CHECK_EQ_INT(common_date_parse_month("feb 2023", &a, &b, err,
	    sizeof err), 0);
	CHECK_EQ_INT(b.day, 28);
	CHECK_EQ_INT(common_date_parse_month("Juno-2024", &a, &b, err,
	    sizeof err), -1);
	CHECK_CONTAINS(err, "expected Month-YYYY or YYYY-MM");
	CHECK_EQ_INT(common_date_parse_month("2024-13", &a, &b, err,
	    sizeof err), -1);

	CHECK_EQ_INT(common_date_parse_period("2024-06-15..2024-06-22", &a, &b,
	    err, sizeof err), 0);
	CHECK_EQ_INT(common_date_diff(&a, &b), 7);
	CHECK_EQ_INT(common_date_parse_period("2024-06-22..2024-06-15", &a, &b,
	    err, sizeof err), -1);
	CHECK_CONTAINS(err, "end is before the start");
	CHECK_EQ_INT(common_date_parse_period("2024-06-15..2024-02-30", &a, &b,
	    err, sizeof err), -1);
	CHECK_EQ_INT(common_date_parse_period("June-2024", &a, &b, err,
	    sizeof err), 0);
	CHECK_EQ_INT(b.day, 30);
	CHECK_EQ_INT(common_date_parse_period("2024-06-15", &a, &b, err,
	    sizeof err), 0);
	CHECK_EQ_INT(common_date_diff(&a, &b), 0);
	CHECK_EQ_INT(common_date_parse_period("soon", &a, &b, err,
	    sizeof err), -1);
	CHECK_CONTAINS(err, "2024-06-15..2024-06-22");
}

static void
test_date_today(void)
{
	struct common_date	d;
	char			err[256] = "";
	char			*old = getenv("TRIPMCP_TODAY");

	old = old != NULL ? strdup(old) : NULL;
	setenv("TRIPMCP_TODAY", "2024-05-01", 1);
	CHECK_EQ_INT(common_date_today(&d, err, sizeof err), 0);
	CHECK_EQ_INT(d.year, 2024);
	CHECK_EQ_INT(d.month, 5);
	CHECK_EQ_INT(d.day, 1);

	setenv("TRIPMCP_TODAY", "2024-02-30", 1);
	CHECK_EQ_INT(common_date_today(&d, err, sizeof err), -1);
	CHECK_CONTAINS(err, "TRIPMCP_TODAY: invalid date \"2024-02-30\"");
	setenv("TRIPMCP_TODAY", "tomorrow", 1);
	CHECK_EQ_INT(common_date_today(&d, err, sizeof err), -1);
	CHECK_CONTAINS(err, "expected YYYY-MM-DD");

	unsetenv("TRIPMCP_TODAY");
	CHECK_EQ_INT(common_date_today(&d, err, sizeof err), 0);
	CHECK(d.year >= 2024 && common_date_valid(&d));
	if (old != NULL)
		setenv("TRIPMCP_TODAY", old, 1);
	free(old);
}

static void
test_money(void)
{
	char		 buf[32], err[128];
	long long	 c;
	cJSON		*n;

	common_money_format(140000, buf, sizeof buf);
	CHECK_STR(buf, "$1,400");
	common_money_format(109950, buf, sizeof buf);
	CHECK_STR(buf, "$1,099.50");
	common_money_format(5, buf, sizeof buf);
	CHECK_STR(buf, "$0.05");
	common_money_format(-123456789, buf, sizeof buf);
	CHECK_STR(buf, "-$1,234,567.89");
	common_money_format(100000000, buf, sizeof buf);
	CHECK_STR(buf, "$1,000,000");
	common_money_format(140000, buf, 4);
	CHECK_STR(buf, "$1,");

	n = cJSON_CreateNumber(1099.5);
	CHECK_EQ_INT(common_money_from_json(n, &c, err, sizeof err), 0);
	CHECK(c == 109950);
	cJSON_SetNumberValue(n, 0.1 + 0.2);
	CHECK_EQ_INT(common_money_from_json(n, &c, err, sizeof err), 0);
	CHECK(c == 30);
	cJSON_SetNumberValue(n, -1);
	CHECK_EQ_INT(common_money_from_json(n, &c, err, sizeof err), -1);
	CHECK_CONTAINS(err, "between 0");
	cJSON_Delete(n);
	n = cJSON_CreateString("1500");
	CHECK_EQ_INT(common_money_from_json(n, &c, err, sizeof err), -1);
	CHECK_CONTAINS(err, "number");
	cJSON_Delete(n);
	n = cJSON_CreateObject();
	common_money_add(n, "total", 140050);
	CHECK(cJSON_GetObjectItem(n, "total")->valuedouble == 1400.5);
	cJSON_Delete(n);
}

int
main(void)
{
	HARNESS_BEGIN("servers-common");
	HARNESS_WATCHDOG();
	if (mkdtemp(tmpdir) == NULL) {
		perror("mkdtemp");
		return (1);
	}

	TEST(test_csv_edge_cases);
	TEST(test_money);
	TEST(test_csv_malformed);
	TEST(test_db_open);
	TEST(test_db_default_path);
	TEST(test_db_migrate);
	TEST(test_db_migrate_concurrent);
	TEST(test_db_import_csv);
	TEST(test_db_import_all_data);
	TEST(test_place_fold);
	TEST(test_place_load_real_data);
	TEST(test_place_barcelona);
	TEST(test_place_metro_codes);
	TEST(test_place_accents);
	TEST(test_place_unknown);
	TEST(test_place_tie);
	TEST(test_place_extra);
	TEST(test_place_complete);
	TEST(test_place_resolve_timing);
	TEST(test_date_parse);
	TEST(test_date_months);
	TEST(test_date_today);

	sqlite3_close(places_db);
	rm_tree(tmpdir);
	return (HARNESS_END());
}
