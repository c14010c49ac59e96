/*
 * Climate. The weather server's data: the DWD CLIMAT stations and their
 * monthly averages (2003-2021), and how a place a user names finds its
 * station: a city by the station the data chose for it, an airport by the
 * nearest station, a district or metro code by its city.
 */
#ifndef SERVERS_WEATHER_CLIMATE_H
#define SERVERS_WEATHER_CLIMATE_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>
#include <sqlite3.h>

#include "servers/common/place.h"

struct weather_climate;		/* defined in climate.c: cached statements */

/* The source note the DWD licence asks for beside every use of the values. */
#define WEATHER_CLIMATE_SOURCE \
	"Datenbasis: Deutscher Wetterdienst, Einzelwerte gemittelt " \
	"(data basis: DWD CLIMAT reports 2003-2021, values averaged), " \
	"CC BY 4.0 / GeoNutzV"
/* The years the averages cover. */
#define WEATHER_CLIMATE_FIRST_YEAR	2003
#define WEATHER_CLIMATE_LAST_YEAR	2021
/* A station further than this from the place is not its climate. */
#define WEATHER_CLIMATE_MAX_KM		150.0

/* One calendar month's averages; has_* false where the data is empty. */
struct weather_month {
	double	tmax_c;		/* mean daily maximum */
	double	tmin_c;		/* mean daily minimum */
	double	tmean_c;
	double	precip_mm;	/* monthly total */
	double	precip_days;	/* days with >= 1 mm */
	double	sun_hours;	/* monthly total */
	bool	has_tmean;
	bool	has_precip;
	bool	has_precip_days;
	bool	has_sun;
	int	years_temp;	/* years averaged */
	int	years_precip;
};

/* A place with its station and the station's twelve months. */
struct weather_normals {
	struct common_place	place;
	char			label[256];	/* "Barcelona, Spain" */
	char			resolution[768];/* the resolver's note (others named) */
	bool			others;		/* other places share the name */
	char			station_id[8];
	char			station_name[96];
	char			station_country[96];
	double			station_lat;
	double			station_lon;
	double			station_elevation_m;
	double			distance_km;	/* place to station */
	struct weather_month	months[12];	/* [0] is January */
};

/* Life */
/* Prepares the statements over db (borrowed; must outlive the result). */
struct weather_climate *weather_climate_new(sqlite3 *db, char *err,
	     size_t errlen);
void	 weather_climate_free(struct weather_climate *);

/* The schema and seeding (migration 1, inside its transaction). */
extern const char weather_climate_schema[];
int	 weather_climate_load(sqlite3 *, const char *datadir, char *err,
	     size_t errlen);

/* Finding */
/*
 * Resolves location (forgivingly, via common_place_resolve) and fills out
 * with its station's normals. Returns 0; 1 when the user must change the
 * location (unknown, ambiguous, no station near: msg says what and what is
 * accepted); -1 on a database error (msg says so).
 */
int	 weather_climate_find(struct weather_climate *, const char *location,
	     struct weather_normals *out, char *msg, size_t msglen);

/* JSON */
/* {label, name, country, countryCode, lat, lon, note?}; the caller owns it. */
cJSON	*weather_climate_place_json(const struct weather_normals *);
/* {id, name, country, lat, lon, elevationM, distanceKm}. */
cJSON	*weather_climate_station_json(const struct weather_normals *);
/* One month (1..12) of normals, in °C and °F, with its years of record. */
cJSON	*weather_climate_month_json(const struct weather_normals *, int month);

/* Units */
double	 weather_climate_c_to_f(double c);
/* Rounds to one decimal, as the JSON results carry values. */
double	 weather_climate_round1(double);
/* Great-circle distance in km. */
double	 weather_climate_km(double lat1, double lon1, double lat2,
	     double lon2);

#endif
