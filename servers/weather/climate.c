/*
 * Climate. Seeds the station tables from data/ and answers "which station,
 * and what are its months" for a place, with the statements prepared once:
 * every tool call runs through here.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mcp/json.h"
#include "servers/common/date.h"
#include "servers/common/db.h"

#include "climate.h"

const char weather_climate_schema[] =
    "CREATE TABLE climate_stations ("
    " station_id TEXT PRIMARY KEY, name TEXT NOT NULL, country TEXT,"
    " lat REAL NOT NULL, lon REAL NOT NULL, elevation_m REAL);"
    "CREATE INDEX climate_stations_lat ON climate_stations(lat);"
    "CREATE TABLE climate_monthly ("
    " station_id TEXT NOT NULL REFERENCES climate_stations(station_id),"
    " month INTEGER NOT NULL CHECK (month BETWEEN 1 AND 12),"
    " tmax_c REAL NOT NULL, tmin_c REAL NOT NULL, tmean_c REAL,"
    " precip_mm REAL, precip_days REAL, sun_hours REAL,"
    " n_years_temp INTEGER, n_years_precip INTEGER,"
    " PRIMARY KEY (station_id, month)) WITHOUT ROWID;";

static const char climate_city_sql[] =
    "SELECT climate_station_id, climate_station_km FROM cities "
    "WHERE geonames_id = ?";
static const char climate_station_sql[] =
    "SELECT name, country, lat, lon, elevation_m FROM climate_stations "
    "WHERE station_id = ?";
static const char climate_months_sql[] =
    "SELECT month, tmax_c, tmin_c, tmean_c, precip_mm, precip_days, "
    "sun_hours, n_years_temp, n_years_precip FROM climate_monthly "
    "WHERE station_id = ? ORDER BY month";
/* Candidates for the nearest station: a band of latitude around the place. */
static const char climate_near_sql[] =
    "SELECT station_id, lat, lon, elevation_m FROM climate_stations "
    "WHERE lat BETWEEN ? AND ?";
static const char climate_airport_sql[] =
    "SELECT elevation_ft FROM airports WHERE iata = ?";

struct weather_climate {
	sqlite3		*db;
	sqlite3_stmt	*city;
	sqlite3_stmt	*station;
	sqlite3_stmt	*months;
	sqlite3_stmt	*near;
	sqlite3_stmt	*airport;
};

/* Seeding ----------------------------------------------------------------- */

int
weather_climate_load(sqlite3 *db, const char *datadir, char *err,
    size_t errlen)
{
	static const struct {
		const char	*file;
		const char	*table;
	} files[] = {
		{ "climate_stations.csv", "climate_stations" },
		{ "climate_monthly.csv", "climate_monthly" },
	};
	char	path[4096];
	size_t	i;

	for (i = 0; i < sizeof files / sizeof files[0]; i++) {
		if ((size_t)snprintf(path, sizeof path, "%s/%s", datadir,
		    files[i].file) >= sizeof path) {
			snprintf(err, errlen, "data directory path too long");
			return (-1);
		}
		if (common_db_import_csv(db, path, files[i].table, NULL, err,
		    errlen) != 0)
			return (-1);
	}
	return (0);
}

/* Life -------------------------------------------------------------------- */

static int
climate_prepare(sqlite3 *db, const char *sql, sqlite3_stmt **st, char *err,
    size_t errlen)
{
	if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, st,
	    NULL) != SQLITE_OK) {
		snprintf(err, errlen, "climate: cannot prepare a statement: %s",
		    sqlite3_errmsg(db));
		return (-1);
	}
	return (0);
}

struct weather_climate *
weather_climate_new(sqlite3 *db, char *err, size_t errlen)
{
	struct weather_climate *c = mcp_xcalloc(1, sizeof *c);

	c->db = db;
	if (climate_prepare(db, climate_city_sql, &c->city, err, errlen) ||
	    climate_prepare(db, climate_station_sql, &c->station, err,
	    errlen) ||
	    climate_prepare(db, climate_months_sql, &c->months, err,
	    errlen) ||
	    climate_prepare(db, climate_near_sql, &c->near, err, errlen) ||
	    climate_prepare(db, climate_airport_sql, &c->airport, err,
	    errlen)) {
		weather_climate_free(c);
		return (NULL);
	}
	return (c);
}

void
weather_climate_free(struct weather_climate *c)
{
	if (c == NULL)
		return;
	sqlite3_finalize(c->city);
	sqlite3_finalize(c->station);
	sqlite3_finalize(c->months);
	sqlite3_finalize(c->near);
	sqlite3_finalize(c->airport);
	free(c);
}

/* Units ------------------------------------------------------------------- */

double
weather_climate_c_to_f(double c)
{
	return (c * 9.0 / 5.0 + 32.0);
}

double
weather_climate_round1(double v)
{
	return (round(v * 10.0) / 10.0);
}

double
weather_climate_km(double lat1, double lon1, double lat2, double lon2)
{
	const double	r = 6371.0088, rad = M_PI / 180.0;
	double		dlat = (lat2 - lat1) * rad, dlon = (lon2 - lon1) * rad;
	double		a;

	a = sin(dlat / 2) * sin(dlat / 2) + cos(lat1 * rad) *
	    cos(lat2 * rad) * sin(dlon / 2) * sin(dlon / 2);
	return (2.0 * r * atan2(sqrt(a), sqrt(1.0 - a)));
}

/* Finding ----------------------------------------------------------------- */

static void
climate_text(char *dst, size_t size, sqlite3_stmt *st, int col)
{
	const unsigned char *s = sqlite3_column_text(st, col);

	snprintf(dst, size, "%s", s != NULL ? (const char *)s : "");
}

static int
climate_db_error(struct weather_climate *c, sqlite3_stmt *st, char *msg,
    size_t msglen)
{
	snprintf(msg, msglen, "climate: database error: %s; try again",
	    sqlite3_errmsg(c->db));
	sqlite3_reset(st);
	return (-1);
}

/* The station the data chose for a city; 1 found, 0 none, -1 error. */
static int
climate_city_station(struct weather_climate *c, long long geonames_id,
    char *id, size_t idlen, double *km, char *msg, size_t msglen)
{
	int	rc, found = 0;

	sqlite3_bind_int64(c->city, 1, geonames_id);
	if ((rc = sqlite3_step(c->city)) == SQLITE_ROW) {
		if (sqlite3_column_type(c->city, 0) != SQLITE_NULL) {
			climate_text(id, idlen, c->city, 0);
			*km = sqlite3_column_double(c->city, 1);
			found = id[0] != '\0';
		}
	} else if (rc != SQLITE_DONE)
		return (climate_db_error(c, c->city, msg, msglen));
	sqlite3_reset(c->city);
	return (found);
}

/*
 * The nearest station within WEATHER_CLIMATE_MAX_KM, scored as the data
 * chose stations for cities: km + 0.1 per metre of height difference (when
 * the place's height is known), so a mountain top does not stand for a
 * valley. 1 found, 0 none, -1 error.
 */
static int
climate_nearest_station(struct weather_climate *c, double lat, double lon,
    double elevation_m, bool has_elevation, char *id, size_t idlen,
    double *km, char *msg, size_t msglen)
{
	double	band = WEATHER_CLIMATE_MAX_KM / 111.0 + 0.1;
	double	best = HUGE_VAL, d, score;
	int	rc;

	id[0] = '\0';
	sqlite3_bind_double(c->near, 1, lat - band);
	sqlite3_bind_double(c->near, 2, lat + band);
	while ((rc = sqlite3_step(c->near)) == SQLITE_ROW) {
		d = weather_climate_km(lat, lon,
		    sqlite3_column_double(c->near, 1),
		    sqlite3_column_double(c->near, 2));
		if (d > WEATHER_CLIMATE_MAX_KM)
			continue;
		score = d;
		if (has_elevation && sqlite3_column_type(c->near, 3) !=
		    SQLITE_NULL)
			score += 0.1 * fabs(elevation_m -
			    sqlite3_column_double(c->near, 3));
		if (score < best) {
			best = score;
			*km = d;
			climate_text(id, idlen, c->near, 0);
		}
	}
	if (rc != SQLITE_DONE)
		return (climate_db_error(c, c->near, msg, msglen));
	sqlite3_reset(c->near);
	return (id[0] != '\0');
}

/* An airport's height in metres; 1 known, 0 not, -1 error. */
static int
climate_airport_elevation(struct weather_climate *c, const char *iata,
    double *m, char *msg, size_t msglen)
{
	int	rc, known = 0;

	sqlite3_bind_text(c->airport, 1, iata, -1, SQLITE_TRANSIENT);
	if ((rc = sqlite3_step(c->airport)) == SQLITE_ROW) {
		if (sqlite3_column_type(c->airport, 0) != SQLITE_NULL) {
			*m = sqlite3_column_double(c->airport, 0) * 0.3048;
			known = 1;
		}
	} else if (rc != SQLITE_DONE)
		return (climate_db_error(c, c->airport, msg, msglen));
	sqlite3_reset(c->airport);
	return (known);
}

/* Reads the station row and its months into out; 1, 0 (missing), -1. */
static int
climate_read_station(struct weather_climate *c, struct weather_normals *out,
    char *msg, size_t msglen)
{
	struct weather_month	*m;
	int			 rc, month, seen = 0;

	sqlite3_bind_text(c->station, 1, out->station_id, -1,
	    SQLITE_TRANSIENT);
	if ((rc = sqlite3_step(c->station)) != SQLITE_ROW) {
		if (rc != SQLITE_DONE)
			return (climate_db_error(c, c->station, msg, msglen));
		sqlite3_reset(c->station);
		return (0);
	}
	climate_text(out->station_name, sizeof out->station_name, c->station,
	    0);
	climate_text(out->station_country, sizeof out->station_country,
	    c->station, 1);
	out->station_lat = sqlite3_column_double(c->station, 2);
	out->station_lon = sqlite3_column_double(c->station, 3);
	out->station_elevation_m = sqlite3_column_double(c->station, 4);
	sqlite3_reset(c->station);

	sqlite3_bind_text(c->months, 1, out->station_id, -1,
	    SQLITE_TRANSIENT);
	while ((rc = sqlite3_step(c->months)) == SQLITE_ROW) {
		month = sqlite3_column_int(c->months, 0);
		if (month < 1 || month > 12)
			continue;
		m = &out->months[month - 1];
		memset(m, 0, sizeof *m);
		m->tmax_c = sqlite3_column_double(c->months, 1);
		m->tmin_c = sqlite3_column_double(c->months, 2);
#define CLIMATE_OPT(col, field, flag) do { \
	if (sqlite3_column_type(c->months, (col)) != SQLITE_NULL) { \
		m->field = sqlite3_column_double(c->months, (col)); \
		m->flag = true; \
	} \
} while (0)
		CLIMATE_OPT(3, tmean_c, has_tmean);
		CLIMATE_OPT(4, precip_mm, has_precip);
		CLIMATE_OPT(5, precip_days, has_precip_days);
		CLIMATE_OPT(6, sun_hours, has_sun);
#undef CLIMATE_OPT
		if (!m->has_tmean)
			m->tmean_c = (m->tmax_c + m->tmin_c) / 2.0;
		m->years_temp = sqlite3_column_int(c->months, 7);
		m->years_precip = sqlite3_column_int(c->months, 8);
		seen |= 1 << (month - 1);
	}
	if (rc != SQLITE_DONE)
		return (climate_db_error(c, c->months, msg, msglen));
	sqlite3_reset(c->months);
	return (seen == 0xfff);
}

int
weather_climate_find(struct weather_climate *c, const char *location,
    struct weather_normals *out, char *msg, size_t msglen)
{
	struct common_place_result	*r;
	const struct common_place	*p;
	double				 elevation = 0;
	int				 f, known = 0;

	memset(out, 0, sizeof *out);
	if ((r = common_place_resolve(c->db, location, msg, msglen)) == NULL)
		return (-1);
	if (r->status != COMMON_PLACE_FOUND) {
		snprintf(msg, msglen, "location: %s", r->message);
		common_place_result_free(r);
		return (1);
	}
	out->place = r->places[0];
	out->others = r->n > 1;
	snprintf(out->resolution, sizeof out->resolution, "%s", r->message);
	common_place_result_free(r);
	p = &out->place;
	common_place_label(p, out->label, sizeof out->label);

	f = 0;
	if (p->geonames_id != 0) {
		/* A city, a metro code's city, a district's city. */
		f = climate_city_station(c, p->geonames_id, out->station_id,
		    sizeof out->station_id, &out->distance_km, msg, msglen);
	} else if (p->kind == COMMON_PLACE_AIRPORT) {
		if ((known = climate_airport_elevation(c, p->code, &elevation,
		    msg, msglen)) < 0)
			return (-1);
		f = climate_nearest_station(c, p->lat, p->lon, elevation,
		    known == 1, out->station_id, sizeof out->station_id,
		    &out->distance_km, msg, msglen);
	}
	if (f < 0)
		return (-1);
	if (f == 0) {
		snprintf(msg, msglen, "location: no climate station within "
		    "%.0f km of %s in the data (DWD CLIMAT); name a larger "
		    "city or an airport nearby", WEATHER_CLIMATE_MAX_KM,
		    out->label);
		return (1);
	}
	if ((f = climate_read_station(c, out, msg, msglen)) < 0)
		return (-1);
	if (f == 0) {
		snprintf(msg, msglen, "climate: station %s of %s has no "
		    "complete normals in the database; reseed it (delete the "
		    "database file)", out->station_id, out->label);
		return (-1);
	}
	/* A district lies off its city's centre: measure from the district. */
	if (p->kind == COMMON_PLACE_DISTRICT)
		out->distance_km = weather_climate_km(p->lat, p->lon,
		    out->station_lat, out->station_lon);
	return (0);
}

/* JSON -------------------------------------------------------------------- */

cJSON *
weather_climate_place_json(const struct weather_normals *n)
{
	static const char *const kinds[] = { "city", "airport", "metro",
	    "district" };
	cJSON	*o = cJSON_CreateObject();

	mcp_json_add_str(o, "label", n->label);
	mcp_json_add_str(o, "name", n->place.name);
	mcp_json_add_str(o, "kind", kinds[n->place.kind]);
	if (n->place.code[0] != '\0')
		mcp_json_add_str(o, "code", n->place.code);
	mcp_json_add_str(o, "country", n->place.country);
	mcp_json_add_str(o, "countryCode", n->place.country_code);
	mcp_json_add_num(o, "lat", n->place.lat);
	mcp_json_add_num(o, "lon", n->place.lon);
	if (n->others)
		mcp_json_add_str(o, "note", n->resolution);
	return (o);
}

cJSON *
weather_climate_station_json(const struct weather_normals *n)
{
	cJSON	*o = cJSON_CreateObject();

	mcp_json_add_str(o, "id", n->station_id);
	mcp_json_add_str(o, "name", n->station_name);
	mcp_json_add_str(o, "country", n->station_country);
	mcp_json_add_num(o, "lat", n->station_lat);
	mcp_json_add_num(o, "lon", n->station_lon);
	mcp_json_add_num(o, "elevationM", n->station_elevation_m);
	mcp_json_add_num(o, "distanceKm", weather_climate_round1(
	    n->distance_km));
	return (o);
}

static void
climate_add_opt(cJSON *o, const char *key, bool has, double v)
{
	if (has)
		mcp_json_add_num(o, key, weather_climate_round1(v));
	else
		mcp_json_add(o, key, cJSON_CreateNull());
}

cJSON *
weather_climate_month_json(const struct weather_normals *n, int month)
{
	const struct weather_month	*m = &n->months[month - 1];
	cJSON				*o = cJSON_CreateObject();

	mcp_json_add_num(o, "month", month);
	mcp_json_add_str(o, "name", common_date_month_name(month));
	mcp_json_add_num(o, "highC", weather_climate_round1(m->tmax_c));
	mcp_json_add_num(o, "lowC", weather_climate_round1(m->tmin_c));
	mcp_json_add_num(o, "meanC", weather_climate_round1(m->tmean_c));
	mcp_json_add_num(o, "highF", weather_climate_round1(
	    weather_climate_c_to_f(m->tmax_c)));
	mcp_json_add_num(o, "lowF", weather_climate_round1(
	    weather_climate_c_to_f(m->tmin_c)));
	mcp_json_add_num(o, "meanF", weather_climate_round1(
	    weather_climate_c_to_f(m->tmean_c)));
	climate_add_opt(o, "precipitationMm", m->has_precip, m->precip_mm);
	climate_add_opt(o, "rainDays", m->has_precip_days, m->precip_days);
	climate_add_opt(o, "sunshineHours", m->has_sun, m->sun_hours);
	mcp_json_add_num(o, "yearsOfRecordTemperature", m->years_temp);
	mcp_json_add_num(o, "yearsOfRecordPrecipitation", m->years_precip);
	return (o);
}
