/*
 * Model. Day-by-day weather from a station's monthly normals: the normals
 * interpolated to the day of the year, and, for a forecast, a deterministic
 * day-to-day variation drawn from a stable hash of the station and the date
 * (never rand()), so the same question always gets the same answer.
 */
#ifndef SERVERS_WEATHER_MODEL_H
#define SERVERS_WEATHER_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "servers/common/date.h"

#include "climate.h"

/* Days from today (today included) that get a modelled forecast. */
#define WEATHER_MODEL_FORECAST_DAYS	16

enum weather_model_basis {
	WEATHER_MODEL_MODELLED,		/* normals plus the day's variation */
	WEATHER_MODEL_CLIMATOLOGY	/* the normals for the date, nothing more */
};

/* The normals interpolated to one date. */
struct weather_model_norm {
	double	tmax_c;
	double	tmin_c;
	double	wet_fraction;	/* share of days with >= 1 mm */
	double	wet_day_mm;	/* rain on a wet day */
	double	sun_hours;	/* per day; valid when has_sun */
	bool	has_sun;
	double	day_hours;	/* from sunrise to sunset at the station */
};

struct weather_model_day {
	struct common_date	 date;
	enum weather_model_basis basis;
	double			 high_c;
	double			 low_c;
	int			 rain_chance;	/* percent */
	double			 precip_mm;	/* expected */
	double			 sun_hours;	/* valid when has_sun */
	bool			 has_sun;
	const char		*sky;		/* "Sunny", "Chance of showers", … (static) */
};

/* The normals at date: each month's value stands at mid-month, days between
 * two mid-months are interpolated linearly (across the year's end too). */
void	 weather_model_norm_at(const struct weather_normals *,
	     const struct common_date *, struct weather_model_norm *out);
/* One day of weather at n's station. */
void	 weather_model_day(const struct weather_normals *,
	     const struct common_date *, enum weather_model_basis,
	     struct weather_model_day *out);
/* Hours from sunrise to sunset at lat on date (0 in polar night, 24 in
 * polar day). */
double	 weather_model_day_hours(double lat, const struct common_date *);
/* The sky word for a sunshine share of the possible and a rain chance. */
const char *weather_model_sky(double high_c, int rain_chance, bool has_sun,
	     double sun_share, double day_hours);
/* A uniform number in [0, 1) from the station, the date and a salt: the
 * only source of variation in the model. */
double	 weather_model_uniform(const char *station_id,
	     const struct common_date *, uint32_t salt);

/* Text */
/* "Sunny, 19-27°C (66-81°F)"; imperial puts °F first. */
void	 weather_model_summary(const char *sky, double low_c, double high_c,
	     bool imperial, char *buf, size_t len);
/* "19-27°C" (one value when both round alike). */
void	 weather_model_range(double a, double b, const char *unit, char *buf,
	     size_t len);

#endif
