/*
 * Tests of tripmcp-weather through our client: every tool, the climate
 * resource and the about page, the prompt, completion, the guide's
 * Barcelona call, determinism, and bad input of every kind. Expected values
 * are read from data/ (cities.csv, climate_monthly.csv), never written here.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "mcp/json.h"
#include "servers/common/csv.h"
#include "tests/harness.h"
#include "tests/mcp/testutil.h"
#include "tests/servers/serverutil.h"

#define TODAY	"2024-05-01"

static struct serverutil *su;
static const char *datadir;

/* The data, read straight from the CSV files ------------------------------ */

struct month_row {
	double	tmax, tmin, precip, days, sun;
	bool	has_days, has_sun, has_precip;
	int	years_temp;
};

struct station_rows {
	char		 id[8];
	struct month_row m[12];
	bool		 any_missing_sun;
};

static struct common_csv *
open_csv(const char *name)
{
	char	path[512], err[256];
	struct common_csv *c;

	snprintf(path, sizeof path, "%s/%s", datadir, name);
	if ((c = common_csv_open(path, err, sizeof err)) == NULL)
		fprintf(stderr, "  cannot open %s: %s\n", path, err);
	return (c);
}

/* A city's climate station and distance from cities.csv (largest of the name). */
static bool
city_station(const char *name, const char *cc, char *id, size_t idlen,
    double *km)
{
	struct common_csv	*c = open_csv("cities.csv");
	char			 err[256];
	long long		 best = -1;

	if (c == NULL)
		return (false);
	id[0] = '\0';
	/* geonames_id,name,country_code,country,admin1_code,is_capital,
	 * population,lat,lon,tz,airports,climate_station_id,climate_station_km */
	while (common_csv_next(c, err, sizeof err) == 1) {
		if (common_csv_count(c) < 13 || strcmp(common_csv_field(c, 1),
		    name) != 0 || strcmp(common_csv_field(c, 2), cc) != 0)
			continue;
		if (atoll(common_csv_field(c, 6)) > best) {
			best = atoll(common_csv_field(c, 6));
			snprintf(id, idlen, "%s", common_csv_field(c, 11));
			*km = atof(common_csv_field(c, 12));
		}
	}
	common_csv_free(c);
	return (id[0] != '\0');
}

static bool
station_rows(const char *id, struct station_rows *out)
{
	struct common_csv	*c = open_csv("climate_monthly.csv");
	char			 err[256];
	int			 seen = 0, m;

	memset(out, 0, sizeof *out);
	snprintf(out->id, sizeof out->id, "%s", id);
	if (c == NULL)
		return (false);
	/* station_id,month,tmax_c,tmin_c,tmean_c,precip_mm,precip_days,
	 * sun_hours,n_years_temp,n_years_precip */
	while (common_csv_next(c, err, sizeof err) == 1) {
		if (strcmp(common_csv_field(c, 0), id) != 0)
			continue;
		m = atoi(common_csv_field(c, 1));
		if (m < 1 || m > 12)
			continue;
		out->m[m - 1].tmax = atof(common_csv_field(c, 2));
		out->m[m - 1].tmin = atof(common_csv_field(c, 3));
		out->m[m - 1].has_precip = *common_csv_field(c, 5) != '\0';
		out->m[m - 1].precip = atof(common_csv_field(c, 5));
		out->m[m - 1].has_days = *common_csv_field(c, 6) != '\0';
		out->m[m - 1].days = atof(common_csv_field(c, 6));
		out->m[m - 1].has_sun = *common_csv_field(c, 7) != '\0';
		out->m[m - 1].sun = atof(common_csv_field(c, 7));
		out->m[m - 1].years_temp = atoi(common_csv_field(c, 8));
		if (!out->m[m - 1].has_sun)
			out->any_missing_sun = true;
		seen |= 1 << (m - 1);
	}
	common_csv_free(c);
	return (seen == 0xfff);
}

/* The first city in cities.csv (by file order: largest first) whose
 * station lacks sunshine in some month. */
static bool
city_without_sun(char *name, size_t len, char *cc)
{
	struct common_csv	*c = open_csv("cities.csv");
	struct station_rows	 rows;
	char			 err[256];
	int			 tries = 0;

	if (c == NULL)
		return (false);
	while (common_csv_next(c, err, sizeof err) == 1 && tries < 400) {
		if (common_csv_line(c) == 1 || common_csv_count(c) < 13 ||
		    *common_csv_field(c, 11) == '\0')
			continue;
		tries++;
		if (station_rows(common_csv_field(c, 11), &rows) &&
		    rows.any_missing_sun) {
			snprintf(name, len, "%s", common_csv_field(c, 1));
			snprintf(cc, 4, "%s", common_csv_field(c, 2));
			common_csv_free(c);
			return (true);
		}
	}
	common_csv_free(c);
	return (false);
}

/* Calls ------------------------------------------------------------------- */

static cJSON *
call(const char *tool, const char *args, bool want_error)
{
	bool	 is_error = !want_error;
	cJSON	*r = serverutil_call(su, tool, args, &is_error);

	if (r == NULL) {
		fprintf(stderr, "  %s %s: protocol error %s\n", tool, args,
		    serverutil_error(su));
		return (NULL);
	}
	if (is_error != want_error)
		fprintf(stderr, "  %s %s: isError=%d: %s\n", tool, args,
		    is_error, serverutil_text(r));
	CHECK(is_error == want_error);
	if (is_error != want_error) {
		cJSON_Delete(r);
		return (NULL);
	}
	return (r);
}

static double
num(const cJSON *o, const char *path)
{
	const cJSON *v = testutil_json_at(o, path);

	return (cJSON_IsNumber(v) ? v->valuedouble : NAN);
}

/* Expects tool(args) to fail with a message naming field. */
static void
expect_error(const char *tool, const char *args, const char *field)
{
	cJSON	*r = call(tool, args, true);

	if (r == NULL)
		return;
	CHECK_CONTAINS(serverutil_text(r), field);
	CHECK(testutil_json_at(r, "structuredContent") == NULL);
	cJSON_Delete(r);
}

/* Tests ------------------------------------------------------------------- */

static void
test_lists(void)
{
	static const char *const tools[] = { "checkWeather", "getClimateData",
	    "getSeasonalInfo" };
	cJSON		*r;
	const cJSON	*t;
	size_t		 i;
	int		 found = 0;

	r = serverutil_request(su, "tools/list", NULL);
	CHECK(r != NULL);
	cJSON_ArrayForEach(t, testutil_json_at(r, "tools")) {
		for (i = 0; i < 3; i++) {
			if (strcmp(testutil_json_str(t, "name"), tools[i]) != 0)
				continue;
			found++;
			CHECK(cJSON_IsObject(testutil_json_at(t,
			    "inputSchema")));
			CHECK(cJSON_IsObject(testutil_json_at(t,
			    "outputSchema")));
			CHECK(cJSON_IsTrue(testutil_json_at(t,
			    "annotations.readOnlyHint")));
			CHECK(cJSON_IsFalse(testutil_json_at(t,
			    "annotations.destructiveHint")));
			CHECK(testutil_json_str(t, "description") != NULL);
		}
	}
	CHECK_EQ_INT(found, 3);
	cJSON_Delete(r);

	r = serverutil_request(su, "resources/list", NULL);
	CHECK_STR(testutil_json_str(r, "resources[0].uri"), "weather://about");
	cJSON_Delete(r);
	r = serverutil_request(su, "resources/templates/list", NULL);
	CHECK_STR(testutil_json_str(r, "resourceTemplates[0].uriTemplate"),
	    "weather://climate/{city}");
	cJSON_Delete(r);
	r = serverutil_request(su, "prompts/list", NULL);
	CHECK_STR(testutil_json_str(r, "prompts[0].name"),
	    "best-time-to-visit");
	CHECK_STR(testutil_json_str(r, "prompts[0].arguments[0].name"),
	    "destination");
	CHECK(cJSON_IsTrue(testutil_json_at(r,
	    "prompts[0].arguments[0].required")));
	cJSON_Delete(r);
}

static void
test_about(void)
{
	cJSON		*r;
	const char	*text;
	char		 line[512], path[512];
	FILE		*f;
	int		 lines = 0;

	r = serverutil_request(su, "resources/read",
	    "{\"uri\":\"weather://about\"}");
	CHECK(r != NULL);
	text = testutil_json_str(r, "contents[0].text");
	CHECK(text != NULL);
	if (text == NULL) {
		cJSON_Delete(r);
		return;
	}
	/* Every attribution line of data/NOTICE is shown. */
	snprintf(path, sizeof path, "%s/NOTICE", datadir);
	if ((f = fopen(path, "r")) != NULL) {
		while (fgets(line, sizeof line, f) != NULL) {
			line[strcspn(line, "\n")] = '\0';
			if (strncmp(line, "Climate:", 8) == 0 ||
			    strncmp(line, "Cities:", 7) == 0 ||
			    strncmp(line, "Airport data:", 13) == 0) {
				CHECK_CONTAINS(text, line);
				lines++;
			}
		}
		fclose(f);
	}
	CHECK_EQ_INT(lines, 3);
	CHECK_CONTAINS(text, "Datenbasis: Deutscher Wetterdienst");
	cJSON_Delete(r);
}

/* The guide's call: Barcelona, June 15-22 2024, asked on 2024-05-01. */
static void
test_acceptance_barcelona(void)
{
	struct station_rows	 rows;
	char			 id[8];
	double			 km = -1, lo, hi, jun, f;
	const cJSON		*day;
	cJSON			*r;
	int			 n = 0;

	CHECK(city_station("Barcelona", "ES", id, sizeof id, &km));
	CHECK(station_rows(id, &rows));
	r = call("checkWeather", "{\"location\":\"Barcelona\",\"startDate\":"
	    "\"2024-06-15\",\"endDate\":\"2024-06-22\"}", false);
	if (r == NULL)
		return;
	CHECK_STR(testutil_json_str(r, "structuredContent.station.id"), id);
	CHECK(fabs(num(r, "structuredContent.station.distanceKm") - km) <
	    0.51);
	CHECK_STR(testutil_json_str(r, "structuredContent.location.country"),
	    "Spain");
	/* Barcelona, Venezuela shares the name: named, not chosen. */
	CHECK_CONTAINS(testutil_json_str(r, "structuredContent.location.note"),
	    "Venezuela");
	CHECK_STR(testutil_json_str(r, "structuredContent.basis"),
	    "climatological outlook");
	CHECK_CONTAINS(serverutil_text(r), "climatological outlook");
	CHECK_STR(testutil_json_str(r, "structuredContent.units"), "metric");

	/* June 15-22 lies between the mid-points of May, June and July. */
	jun = rows.m[5].tmax;
	cJSON_ArrayForEach(day, testutil_json_at(r, "structuredContent.days")) {
		double h = num(day, "highC"), l = num(day, "lowC");
		double rain = num(day, "rainChance");
		char want[16];

		n++;
		lo = fmin(rows.m[4].tmax, fmin(jun, rows.m[6].tmax));
		hi = fmax(rows.m[4].tmax, fmax(jun, rows.m[6].tmax));
		CHECK(h >= lo - 0.05 && h <= hi + 0.05);
		CHECK(fabs(h - jun) < 1.0);
		CHECK(fabs(l - rows.m[5].tmin) < 1.0);
		/* Rain chance: the month's rain days over its days. */
		CHECK(fabs(rain - 100.0 * rows.m[5].days / 30.0) <= 3.0);
		f = h * 9.0 / 5.0 + 32.0;
		/* Both are rounded to tenths: allow their rounding. */
		CHECK(fabs(num(day, "highF") - f) <= 0.15);
		CHECK(fabs(num(day, "lowF") - (l * 9.0 / 5.0 + 32.0)) <= 0.15);
		CHECK_STR(testutil_json_str(day, "basis"),
		    "climatological outlook");
		/* "Sunny, 19-27°C (66-81°F)" from the day's own numbers. */
		snprintf(want, sizeof want, "%ld°C", lround(h));
		CHECK_CONTAINS(testutil_json_str(day, "summary"), want);
		snprintf(want, sizeof want, "%ld°F", lround(f));
		CHECK_CONTAINS(testutil_json_str(day, "summary"), want);
		/* Three rain days in June: no rain in the picture. */
		CHECK(strstr(testutil_json_str(day, "sky"), "Rain") == NULL);
		CHECK(strstr(testutil_json_str(day, "sky"), "showers") == NULL);
		CHECK(rows.m[5].has_sun == cJSON_IsNumber(testutil_json_at(day,
		    "sunshineHours")));
	}
	CHECK_EQ_INT(n, 8);
	CHECK_STR(testutil_json_str(r, "structuredContent.days[0].date"),
	    "2024-06-15");
	CHECK_STR(testutil_json_str(r, "structuredContent.days[7].date"),
	    "2024-06-22");
	CHECK_CONTAINS(testutil_json_str(r, "structuredContent.summary"),
	    "°F");
	CHECK_CONTAINS(serverutil_text(r), "Barcelona, Spain");
	cJSON_Delete(r);
}

static void
test_modelled_forecast(void)
{
	struct station_rows	 rows;
	char			 id[8];
	double			 km, sum = 0, first = NAN;
	bool			 varies = false;
	const cJSON		*day;
	cJSON			*r;
	int			 i = 0, modelled = 0;

	CHECK(city_station("Barcelona", "ES", id, sizeof id, &km));
	CHECK(station_rows(id, &rows));
	r = call("checkWeather", "{\"location\":\"barcelona\",\"startDate\":"
	    "\"2024-05-01\",\"endDate\":\"2024-05-20\"}", false);
	if (r == NULL)
		return;
	CHECK_STR(testutil_json_str(r, "structuredContent.basis"),
	    "modelled, then climatological outlook");
	cJSON_ArrayForEach(day, testutil_json_at(r, "structuredContent.days")) {
		double h = num(day, "highC");
		int rain = (int)num(day, "rainChance");

		/* Today and the 15 days after: modelled; then the outlook. */
		CHECK_STR(testutil_json_str(day, "basis"), i < 16 ? "modelled" :
		    "climatological outlook");
		if (i < 16) {
			modelled++;
			sum += h;
			if (isnan(first))
				first = h;
			else if (fabs(h - first) > 0.05)
				varies = true;
			/* Around the normals of early to mid May. */
			CHECK(fabs(h - rows.m[4].tmax) < 9.0);
			CHECK(num(day, "lowC") < h);
			CHECK_EQ_INT(rain % 5, 0);
			CHECK(rain >= 0 && rain <= 100);
		}
		i++;
	}
	CHECK_EQ_INT(i, 20);
	CHECK_EQ_INT(modelled, 16);
	CHECK(varies);
	/* The spells average out near the normals (April-May between). */
	CHECK(sum / 16 > fmin(rows.m[3].tmax, rows.m[4].tmax) - 3.0);
	CHECK(sum / 16 < fmax(rows.m[3].tmax, rows.m[4].tmax) + 3.0);
	CHECK_CONTAINS(serverutil_text(r), "(modelled)");
	cJSON_Delete(r);
}

/*
 * The model against the climate of the same days: a second server whose
 * today lies two months earlier gives the outlook for the days the first
 * one models. Over the largest cities the modelled highs scatter around
 * the outlook with spells (neighbouring days alike) and the rain chances
 * keep their average.
 */
static void
test_model_statistics(void)
{
	struct serverutil	*early, *mine = su;
	struct common_csv	*c = open_csv("cities.csv");
	char			 err[256], args[512];
	double			 sum = 0, sq = 0, lag = 0, var = 0, prev = 0;
	double			 rain_m = 0, rain_o = 0;
	int			 cities = 0, n = 0, pos = 0, pairs = 0, i;

	early = serverutil_start("weather", serverutil_db_path(su),
	    "2024-03-01", NULL);
	CHECK(early != NULL && c != NULL);
	while (early != NULL && c != NULL && cities < 30 &&
	    common_csv_next(c, err, sizeof err) == 1) {
		cJSON *m, *o;

		if (common_csv_line(c) == 1 || common_csv_count(c) < 13 ||
		    *common_csv_field(c, 11) == '\0')
			continue;
		snprintf(args, sizeof args, "{\"location\":\"%s, %s\","
		    "\"startDate\":\"2024-05-01\",\"endDate\":"
		    "\"2024-05-16\"}", common_csv_field(c, 1),
		    common_csv_field(c, 2));
		m = serverutil_call(su, "checkWeather", args, NULL);
		su = early;
		o = serverutil_call(su, "checkWeather", args, NULL);
		su = mine;
		if (m == NULL || o == NULL || testutil_json_at(m,
		    "structuredContent") == NULL || testutil_json_at(o,
		    "structuredContent") == NULL) {
			/* A name two towns of one country share: skip it. */
			cJSON_Delete(m);
			cJSON_Delete(o);
			continue;
		}
		cities++;
		for (i = 0; i < 16; i++) {
			char path[64];
			double hm, ho, a;

			snprintf(path, sizeof path, "structuredContent.days[%d]",
			    i);
			CHECK_STR(testutil_json_str(testutil_json_at(m, path),
			    "basis"), "modelled");
			CHECK_STR(testutil_json_str(testutil_json_at(o, path),
			    "basis"), "climatological outlook");
			hm = num(testutil_json_at(m, path), "highC");
			ho = num(testutil_json_at(o, path), "highC");
			CHECK(num(testutil_json_at(m, path), "lowC") < hm);
			a = hm - ho;
			sum += a;
			sq += a * a;
			pos += a > 0;
			n++;
			if (i > 0) {
				lag += a * prev;
				var += a * a;
				pairs++;
			}
			prev = a;
			rain_m += num(testutil_json_at(m, path), "rainChance");
			rain_o += num(testutil_json_at(o, path), "rainChance");
		}
		cJSON_Delete(m);
		cJSON_Delete(o);
	}
	common_csv_free(c);
	if (early != NULL)
		serverutil_stop(early);
	CHECK(cities >= 20);
	if (n == 0)
		return;
	printf("# %d cities x 16 days: highs %+.2f °C from the outlook, sd "
	    "%.2f, lag-1 correlation %.2f, rain chance %.1f%% vs %.1f%%\n",
	    cities, sum / n, sqrt(sq / n - (sum / n) * (sum / n)),
	    var > 0 ? lag / var : 0, rain_m / n, rain_o / n);
	CHECK(fabs(sum / n) < 0.6);
	CHECK(sqrt(sq / n) > 1.2 && sqrt(sq / n) < 3.0);
	CHECK(pos > n * 3 / 10 && pos < n * 7 / 10);
	CHECK(var > 0 && lag / var > 0.2);
	CHECK(fabs(rain_m - rain_o) / n < 6.0);
}

static void
test_determinism(void)
{
	static const char args[] = "{\"location\":\"Zürich\",\"startDate\":"
	    "\"2024-05-02\",\"endDate\":\"2024-05-31\"}";
	struct serverutil	*other;
	struct serverutil	*mine = su;
	cJSON			*a, *b, *c;

	a = call("checkWeather", args, false);
	b = call("checkWeather", args, false);
	CHECK(a != NULL && b != NULL);
	if (a != NULL && b != NULL)
		CHECK(cJSON_Compare(a, b, true));
	/* Another process on its own, freshly seeded database. */
	other = serverutil_start("weather", NULL, TODAY, NULL);
	CHECK(other != NULL);
	if (other != NULL) {
		su = other;
		c = call("checkWeather", args, false);
		su = mine;
		if (a != NULL && c != NULL)
			CHECK(cJSON_Compare(a, c, true));
		cJSON_Delete(c);
		serverutil_stop(other);
	}
	cJSON_Delete(a);
	cJSON_Delete(b);
}

/* A second server on the same database file: no reseeding, same answers. */
static void
test_shared_database(void)
{
	static const char args[] = "{\"location\":\"BCN\",\"month\":7}";
	struct serverutil	*other, *mine = su;
	sqlite3			*db;
	sqlite3_stmt		*st;
	cJSON			*a, *b = NULL;

	a = call("getClimateData", args, false);
	other = serverutil_start("weather", serverutil_db_path(su), TODAY,
	    NULL);
	CHECK(other != NULL);
	if (other != NULL) {
		su = other;
		b = call("getClimateData", args, false);
		su = mine;
		serverutil_stop(other);
	}
	if (a != NULL && b != NULL)
		CHECK(cJSON_Compare(a, b, true));
	cJSON_Delete(a);
	cJSON_Delete(b);
	CHECK_EQ_INT(sqlite3_open_v2(serverutil_db_path(su), &db,
	    SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	CHECK_EQ_INT(sqlite3_prepare_v2(db, "SELECT (SELECT count(*) FROM "
	    "climate_stations), (SELECT count(*) FROM climate_monthly), "
	    "(SELECT user_version FROM pragma_user_version)", -1, &st, NULL),
	    SQLITE_OK);
	CHECK_EQ_INT(sqlite3_step(st), SQLITE_ROW);
	CHECK_EQ_INT(sqlite3_column_int(st, 0) * 12,
	    sqlite3_column_int(st, 1));
	CHECK(sqlite3_column_int(st, 0) > 2000);
	CHECK_EQ_INT(sqlite3_column_int(st, 2), 1);
	sqlite3_finalize(st);
	sqlite3_close(db);
}

static void
test_units(void)
{
	cJSON		*r;
	const char	*s;
	double		 h;

	r = call("checkWeather", "{\"location\":\"Barcelona, Spain\","
	    "\"startDate\":\"2024-06-15\",\"endDate\":\"2024-06-16\","
	    "\"units\":\"imperial\"}", false);
	if (r == NULL)
		return;
	CHECK_STR(testutil_json_str(r, "structuredContent.units"), "imperial");
	s = testutil_json_str(r, "structuredContent.days[0].summary");
	CHECK(s != NULL && strstr(s, "°F") != NULL && strstr(s, "°C") != NULL &&
	    strstr(s, "°F") < strstr(s, "°C"));
	h = num(r, "structuredContent.days[0].highC");
	CHECK(!isnan(h));
	CHECK(!isnan(num(r, "structuredContent.days[0].highF")));
	s = testutil_json_str(r, "structuredContent.summary");
	CHECK(s != NULL && strstr(s, "°F") < strstr(s, "°C"));
	cJSON_Delete(r);
	r = call("checkWeather", "{\"location\":\"Barcelona, Spain\","
	    "\"startDate\":\"2024-06-15\",\"endDate\":\"2024-06-15\","
	    "\"units\":\"metric\"}", false);
	s = testutil_json_str(r, "structuredContent.days[0].summary");
	CHECK(s != NULL && strstr(s, "°C") < strstr(s, "°F"));
	CHECK(fabs(num(r, "structuredContent.days[0].highC") - h) < 0.01);
	cJSON_Delete(r);
}

static void
test_climate_data(void)
{
	struct station_rows	 rows;
	const cJSON		*m;
	char			 id[8];
	double			 km;
	cJSON			*r;
	int			 i = 0;

	CHECK(city_station("Barcelona", "ES", id, sizeof id, &km));
	CHECK(station_rows(id, &rows));
	r = call("getClimateData", "{\"location\":\"Barcelona\",\"month\":6}",
	    false);
	if (r != NULL) {
		CHECK_EQ_INT(cJSON_GetArraySize(testutil_json_at(r,
		    "structuredContent.months")), 1);
		CHECK(fabs(num(r, "structuredContent.months[0].highC") -
		    rows.m[5].tmax) < 0.01);
		CHECK(fabs(num(r, "structuredContent.months[0].lowC") -
		    rows.m[5].tmin) < 0.01);
		CHECK(fabs(num(r, "structuredContent.months[0].rainDays") -
		    rows.m[5].days) < 0.01);
		CHECK_EQ_INT(num(r, "structuredContent.months[0]."
		    "yearsOfRecordTemperature"), rows.m[5].years_temp);
		CHECK_STR(testutil_json_str(r, "structuredContent.station.id"),
		    id);
		CHECK(fabs(num(r, "structuredContent.station.distanceKm") -
		    km) < 0.51);
		CHECK_EQ_INT(num(r, "structuredContent.yearsOfRecord.from"),
		    2003);
		CHECK_CONTAINS(serverutil_text(r), "June");
		CHECK_CONTAINS(testutil_json_str(r, "structuredContent.source"),
		    "Deutscher Wetterdienst");
		cJSON_Delete(r);
	}
	r = call("getClimateData", "{\"location\":\"barcelona\",\"month\":"
	    "\"june\"}", false);
	CHECK(fabs(num(r, "structuredContent.months[0].highC") -
	    rows.m[5].tmax) < 0.01);
	cJSON_Delete(r);
	r = call("getClimateData", "{\"location\":\"Barcelona\"}", false);
	if (r == NULL)
		return;
	cJSON_ArrayForEach(m, testutil_json_at(r, "structuredContent.months")) {
		CHECK_EQ_INT(num(m, "month"), i + 1);
		CHECK(fabs(num(m, "highC") - rows.m[i].tmax) < 0.01);
		CHECK(fabs(num(m, "lowC") - rows.m[i].tmin) < 0.01);
		if (rows.m[i].has_sun)
			CHECK(fabs(num(m, "sunshineHours") - rows.m[i].sun) <
			    0.01);
		else
			CHECK(cJSON_IsNull(testutil_json_at(m,
			    "sunshineHours")));
		i++;
	}
	CHECK_EQ_INT(i, 12);
	cJSON_Delete(r);
}

/* The documented scoring (season.h), computed here from the CSV. */
static int
score_of(const struct station_rows *rows, int i, bool sun)
{
	static const int dim[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };
	const struct month_row *m = &rows->m[i];
	double t, r, s, days = m->days, sum = 0;
	int k, n = 0;

	if (!m->has_days) {
		for (k = 0; k < 12; k++)
			if (rows->m[k].has_days) {
				sum += rows->m[k].days;
				n++;
			}
		days = n > 0 ? sum / n : 8.0;
	}
	t = fmax(0, 50 - 5 * fmax(0, 20 - m->tmax) - 6 * fmax(0, m->tmax - 27) -
	    2 * fmax(0, 5 - m->tmin));
	r = fmax(0, 30 * (1 - days / (dim[i] / 2.0)));
	s = sun ? fmin(20, 20 * (m->sun / dim[i]) / 10) : 0;
	return ((int)lround(sun ? t + r + s : (t + r) * 100 / 80));
}

static void
check_seasonal(const char *location, const struct station_rows *rows,
    const char *hemisphere)
{
	char		 args[256];
	cJSON		*r;
	const cJSON	*m;
	int		 i = 0, best = -1, top = 0;
	bool		 sun = !rows->any_missing_sun;

	snprintf(args, sizeof args, "{\"location\":\"%s\"}", location);
	if ((r = call("getSeasonalInfo", args, false)) == NULL)
		return;
	if (hemisphere != NULL)
		CHECK_STR(testutil_json_str(r, "structuredContent.hemisphere"),
		    hemisphere);
	CHECK(cJSON_IsBool(testutil_json_at(r,
	    "structuredContent.sunshineScored")));
	CHECK_EQ_INT(cJSON_IsTrue(testutil_json_at(r,
	    "structuredContent.sunshineScored")), sun);
	cJSON_ArrayForEach(m, testutil_json_at(r, "structuredContent.months")) {
		int s = score_of(rows, i, sun);

		CHECK_EQ_INT(num(m, "score"), s);
		if (s > top)
			top = s;
		if (!sun)
			CHECK(cJSON_IsNull(testutil_json_at(m,
			    "sunshineScore")));
		i++;
	}
	CHECK_EQ_INT(i, 12);
	i = 0;
	cJSON_ArrayForEach(m, testutil_json_at(r,
	    "structuredContent.bestMonths")) {
		int month = (int)num(m, "month");

		CHECK(month >= 1 && month <= 12);
		if (month >= 1 && month <= 12)
			CHECK(score_of(rows, month - 1, sun) >= top - 8);
		if (i == 0)
			best = month;
		CHECK(testutil_json_str(m, "why") != NULL);
		i++;
	}
	CHECK(i >= 1 && i <= 4);
	CHECK(best >= 1 && best <= 12 && score_of(rows, best - 1, sun) == top);
	CHECK_CONTAINS(serverutil_text(r), "Best time to visit");
	CHECK(testutil_json_str(r, "structuredContent.scoring") != NULL);
	cJSON_Delete(r);
}

static void
test_seasonal(void)
{
	struct station_rows	 rows;
	char			 id[8], name[128], cc[4], q[160];
	double			 km;
	cJSON			*r;

	CHECK(city_station("Barcelona", "ES", id, sizeof id, &km));
	CHECK(station_rows(id, &rows));
	check_seasonal("Barcelona", &rows, "northern");

	/* Southern hemisphere: the seasons turn round. */
	CHECK(city_station("Sydney", "AU", id, sizeof id, &km));
	CHECK(station_rows(id, &rows));
	check_seasonal("Sydney, Australia", &rows, "southern");
	r = call("getSeasonalInfo", "{\"location\":\"Sydney, Australia\"}",
	    false);
	CHECK_STR(testutil_json_str(r, "structuredContent.months[0].season"),
	    "summer");
	CHECK_STR(testutil_json_str(r, "structuredContent.months[6].season"),
	    "winter");
	cJSON_Delete(r);
	r = call("getSeasonalInfo", "{\"location\":\"Barcelona\"}", false);
	CHECK_STR(testutil_json_str(r, "structuredContent.months[0].season"),
	    "winter");
	CHECK_STR(testutil_json_str(r, "structuredContent.months[6].season"),
	    "summer");
	cJSON_Delete(r);

	/* A station without sunshine in some month. */
	CHECK(city_without_sun(name, sizeof name, cc));
	CHECK(city_station(name, cc, id, sizeof id, &km));
	CHECK(station_rows(id, &rows));
	CHECK(rows.any_missing_sun);
	snprintf(q, sizeof q, "%s, %s", name, cc);
	check_seasonal(q, &rows, NULL);
}

static void
test_resource_climate(void)
{
	struct station_rows	 rows;
	char			 id[8];
	double			 km;
	cJSON			*r, *json;
	const char		*text;

	CHECK(city_station("Zürich", "CH", id, sizeof id, &km) ||
	    city_station("Zurich", "CH", id, sizeof id, &km));
	CHECK(station_rows(id, &rows));
	r = serverutil_request(su, "resources/read",
	    "{\"uri\":\"weather://climate/Z%C3%BCrich\"}");
	CHECK(r != NULL);
	CHECK_STR(testutil_json_str(r, "contents[0].mimeType"),
	    "application/json");
	text = testutil_json_str(r, "contents[0].text");
	json = text != NULL ? cJSON_Parse(text) : NULL;
	CHECK(json != NULL);
	CHECK_STR(testutil_json_str(json, "station.id"), id);
	CHECK_EQ_INT(cJSON_GetArraySize(testutil_json_at(json, "months")), 12);
	CHECK(fabs(num(json, "months[6].highC") - rows.m[6].tmax) < 0.01);
	cJSON_Delete(json);
	cJSON_Delete(r);

	r = serverutil_request(su, "resources/read",
	    "{\"uri\":\"weather://climate/Nowhereville\"}");
	CHECK(r == NULL);
	CHECK_CONTAINS(serverutil_error(su), "-32002");
	CHECK_CONTAINS(serverutil_error(su), "unknown place");
	cJSON_Delete(r);
}

static void
test_prompt(void)
{
	cJSON		*r;
	const char	*text;
	char		*uri = NULL;

	r = serverutil_request(su, "prompts/get", "{\"name\":"
	    "\"best-time-to-visit\",\"arguments\":{\"destination\":"
	    "\"barcelona\"}}");
	CHECK(r != NULL);
	CHECK_EQ_INT(cJSON_GetArraySize(testutil_json_at(r, "messages")), 2);
	CHECK_STR(testutil_json_str(r, "messages[0].content.type"),
	    "resource");
	text = testutil_json_str(r, "messages[0].content.resource.uri");
	CHECK(text != NULL && strncmp(text, "weather://climate/", 18) == 0);
	if (text != NULL)
		uri = mcp_xstrdup(text);
	text = testutil_json_str(r, "messages[1].content.text");
	CHECK_CONTAINS(text, "Barcelona, Spain");
	CHECK_CONTAINS(text, "getSeasonalInfo");
	cJSON_Delete(r);

	/* The embedded resource's uri reads back. */
	if (uri != NULL) {
		char params[256];

		snprintf(params, sizeof params, "{\"uri\":\"%s\"}", uri);
		r = serverutil_request(su, "resources/read", params);
		CHECK(r != NULL);
		CHECK_CONTAINS(testutil_json_str(r, "contents[0].text"),
		    "Barcelona, Spain");
		cJSON_Delete(r);
		free(uri);
	}

	r = serverutil_request(su, "prompts/get", "{\"name\":"
	    "\"best-time-to-visit\",\"arguments\":{\"destination\":"
	    "\"Atlantis\"}}");
	CHECK(r == NULL);
	CHECK_CONTAINS(serverutil_error(su), "destination");
	r = serverutil_request(su, "prompts/get", "{\"name\":"
	    "\"best-time-to-visit\",\"arguments\":{}}");
	CHECK(r == NULL);
	CHECK_CONTAINS(serverutil_error(su), "destination");
}

static void
test_completion(void)
{
	cJSON		*r;
	const cJSON	*v;
	bool		 sao = false;

	r = serverutil_request(su, "completion/complete", "{\"ref\":{\"type\":"
	    "\"ref/resource\",\"uri\":\"weather://climate/{city}\"},"
	    "\"argument\":{\"name\":\"city\",\"value\":\"barc\"}}");
	CHECK_STR(testutil_json_str(r, "completion.values[0]"),
	    "Barcelona, Spain");
	cJSON_Delete(r);
	r = serverutil_request(su, "completion/complete", "{\"ref\":{\"type\":"
	    "\"ref/prompt\",\"name\":\"best-time-to-visit\"},"
	    "\"argument\":{\"name\":\"destination\",\"value\":\"sao p\"}}");
	cJSON_ArrayForEach(v, testutil_json_at(r, "completion.values"))
		if (cJSON_IsString(v) && strcmp(v->valuestring,
		    "São Paulo, Brazil") == 0)
			sao = true;
	CHECK(sao);
	cJSON_Delete(r);
	r = serverutil_request(su, "completion/complete", "{\"ref\":{\"type\":"
	    "\"ref/prompt\",\"name\":\"best-time-to-visit\"},"
	    "\"argument\":{\"name\":\"destination\",\"value\":\"zzzzq\"}}");
	CHECK(r != NULL);
	CHECK_EQ_INT(cJSON_GetArraySize(testutil_json_at(r,
	    "completion.values")), 0);
	cJSON_Delete(r);
}

/* Forgiving names: cases, accents, codes, qualifiers; ties name candidates. */
static void
test_places(void)
{
	static const char *const same[][2] = {
		{ "Zürich", "zurich" },
		{ "São Paulo", "Sao Paulo" },
		{ "Barcelona", "BARCELONA" },
	};
	char	args[256];
	cJSON	*a, *b;
	size_t	i;

	for (i = 0; i < sizeof same / sizeof same[0]; i++) {
		snprintf(args, sizeof args, "{\"location\":\"%s\",\"month\":1}",
		    same[i][0]);
		a = call("getClimateData", args, false);
		snprintf(args, sizeof args, "{\"location\":\"%s\",\"month\":1}",
		    same[i][1]);
		b = call("getClimateData", args, false);
		CHECK(a != NULL && b != NULL);
		if (a != NULL && b != NULL)
			CHECK_STR(testutil_json_str(a,
			    "structuredContent.station.id"), testutil_json_str(b,
			    "structuredContent.station.id"));
		cJSON_Delete(a);
		cJSON_Delete(b);
	}
	a = call("getClimateData", "{\"location\":\"BCN\",\"month\":1}", false);
	CHECK_STR(testutil_json_str(a, "structuredContent.location.kind"),
	    "airport");
	CHECK(num(a, "structuredContent.station.distanceKm") < 150.0);
	cJSON_Delete(a);
	a = call("checkWeather", "{\"location\":\"NYC\",\"startDate\":"
	    "\"2024-05-01\",\"endDate\":\"2024-05-01\"}", false);
	CHECK_STR(testutil_json_str(a, "structuredContent.location.kind"),
	    "metro");
	CHECK_CONTAINS(serverutil_text(a), "New York");
	cJSON_Delete(a);
	a = call("getSeasonalInfo", "{\"location\":\"Gothic Quarter\"}",
	    false);
	CHECK_STR(testutil_json_str(a, "structuredContent.location.kind"),
	    "district");
	cJSON_Delete(a);
	/* A real tie: the candidates, no guess. */
	a = call("checkWeather", "{\"location\":\"san juan\",\"startDate\":"
	    "\"2024-05-01\",\"endDate\":\"2024-05-02\"}", true);
	CHECK_CONTAINS(serverutil_text(a), "location");
	CHECK_CONTAINS(serverutil_text(a), "Puerto Rico");
	CHECK_CONTAINS(serverutil_text(a), "Argentina");
	cJSON_Delete(a);
	/* A place with no station within 150 km (data/README names Agra). */
	a = call("getClimateData", "{\"location\":\"Agra\"}", true);
	CHECK_CONTAINS(serverutil_text(a), "no climate station");
	cJSON_Delete(a);
}

static void
test_bad_input(void)
{
	static const struct {
		const char *tool, *args, *field;
	} cases[] = {
		/* Missing fields and wrong types. */
		{ "checkWeather", "{\"startDate\":\"2024-06-15\",\"endDate\":"
		    "\"2024-06-22\"}", "location" },
		{ "checkWeather", "{\"location\":\"Barcelona\",\"endDate\":"
		    "\"2024-06-22\"}", "startDate" },
		{ "checkWeather", "{\"location\":\"Barcelona\",\"startDate\":"
		    "\"2024-06-22\"}", "endDate" },
		{ "checkWeather", "{\"location\":5,\"startDate\":\"2024-06-15\","
		    "\"endDate\":\"2024-06-22\"}", "location" },
		{ "checkWeather", "{\"location\":\"Barcelona\",\"startDate\":"
		    "20240615,\"endDate\":\"2024-06-22\"}", "startDate" },
		{ "checkWeather", "{\"location\":\"Barcelona\",\"startDate\":"
		    "\"2024-06-15\",\"endDate\":\"2024-06-22\",\"units\":"
		    "\"kelvin\"}", "units" },
		{ "checkWeather", "{\"location\":\"Barcelona\",\"startDate\":"
		    "\"2024-06-15\",\"endDate\":\"2024-06-22\",\"units\":1}",
		    "units" },
		{ "checkWeather", "{\"location\":\"Barcelona\",\"startDate\":"
		    "\"2024-06-15\",\"endDate\":\"2024-06-22\",\"extra\":1}",
		    "extra" },
		/* Dates: not dates, past, reversed, too long, too far. */
		{ "checkWeather", "{\"location\":\"Barcelona\",\"startDate\":"
		    "\"15/06/2024\",\"endDate\":\"2024-06-22\"}", "startDate" },
		{ "checkWeather", "{\"location\":\"Barcelona\",\"startDate\":"
		    "\"2024-02-30\",\"endDate\":\"2024-06-22\"}", "startDate" },
		{ "checkWeather", "{\"location\":\"Barcelona\",\"startDate\":"
		    "\"2024-04-30\",\"endDate\":\"2024-05-02\"}", "startDate" },
		{ "checkWeather", "{\"location\":\"Barcelona\",\"startDate\":"
		    "\"2024-06-22\",\"endDate\":\"2024-06-15\"}", "endDate" },
		{ "checkWeather", "{\"location\":\"Barcelona\",\"startDate\":"
		    "\"2024-06-01\",\"endDate\":\"2024-07-02\"}", "endDate" },
		{ "checkWeather", "{\"location\":\"Barcelona\",\"startDate\":"
		    "\"2031-06-01\",\"endDate\":\"2031-06-02\"}", "startDate" },
		/* Places: unknown, empty, SQL. */
		{ "checkWeather", "{\"location\":\"Atlantis\",\"startDate\":"
		    "\"2024-06-15\",\"endDate\":\"2024-06-22\"}", "location" },
		{ "checkWeather", "{\"location\":\"\",\"startDate\":"
		    "\"2024-06-15\",\"endDate\":\"2024-06-22\"}", "location" },
		{ "checkWeather", "{\"location\":\"Barcelona'; DROP TABLE "
		    "climate_monthly; --\",\"startDate\":\"2024-06-15\","
		    "\"endDate\":\"2024-06-22\"}", "location" },
		{ "getClimateData", "{}", "location" },
		{ "getClimateData", "{\"location\":[\"Barcelona\"]}",
		    "location" },
		{ "getClimateData", "{\"location\":\"Barcelona\",\"month\":13}",
		    "month" },
		{ "getClimateData", "{\"location\":\"Barcelona\",\"month\":0}",
		    "month" },
		{ "getClimateData", "{\"location\":\"Barcelona\",\"month\":"
		    "\"Juno\"}", "month" },
		{ "getClimateData", "{\"location\":\"Barcelona\",\"month\":"
		    "6.5}", "month" },
		{ "getClimateData", "{\"location\":\"\\\" OR 1=1 --\"}",
		    "location" },
		{ "getSeasonalInfo", "{}", "location" },
		{ "getSeasonalInfo", "{\"location\":null}", "location" },
		{ "getSeasonalInfo", "{\"location\":\"%' UNION SELECT * FROM "
		    "climate_stations --\"}", "location" },
		{ "getSeasonalInfo", "{\"location\":\"Nowhere Springs\"}",
		    "location" },
	};
	static const char *const tools[] = { "checkWeather", "getClimateData",
	    "getSeasonalInfo" };
	size_t	i;
	char	*big, *args;
	cJSON	*r;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
		expect_error(cases[i].tool, cases[i].args, cases[i].field);

	/* Huge strings: refused by their ceilings, the server lives on. */
	big = mcp_xmalloc(100001);
	memset(big, 'x', 100000);
	big[100000] = '\0';
	for (i = 0; i < 3; i++) {
		args = i == 0 ? mcp_xprintf("{\"location\":\"%s\",\"startDate\":"
		    "\"2024-06-15\",\"endDate\":\"2024-06-22\"}", big) :
		    mcp_xprintf("{\"location\":\"%s\"}", big);
		expect_error(tools[i], args, "location");
		free(args);
	}
	args = mcp_xprintf("{\"location\":\"Barcelona\",\"startDate\":\"%s\","
	    "\"endDate\":\"2024-06-22\"}", big);
	expect_error("checkWeather", args, "startDate");
	free(args);
	free(big);

	/* Nothing was dropped: the data still answers. */
	r = call("getClimateData", "{\"location\":\"Barcelona\",\"month\":6}",
	    false);
	CHECK(r != NULL);
	cJSON_Delete(r);
}

int
main(void)
{
	HARNESS_BEGIN("servers/weather");
	HARNESS_WATCHDOG();
	if ((datadir = getenv("TRIPMCP_DATA_DIR")) == NULL)
		datadir = "data";
	if ((su = serverutil_start("weather", NULL, TODAY, NULL)) == NULL) {
		printf("FAIL servers/weather: start\n0 passed, 1 failed\n");
		return (1);
	}
	TEST(test_lists);
	TEST(test_about);
	TEST(test_acceptance_barcelona);
	TEST(test_modelled_forecast);
	TEST(test_model_statistics);
	TEST(test_determinism);
	TEST(test_shared_database);
	TEST(test_units);
	TEST(test_climate_data);
	TEST(test_seasonal);
	TEST(test_resource_climate);
	TEST(test_prompt);
	TEST(test_completion);
	TEST(test_places);
	TEST(test_bad_input);
	serverutil_stop(su);
	return (HARNESS_END());
}
