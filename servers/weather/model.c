/*
 * Model. The forecast is the climate of the date plus weather that varies
 * from day to day the way real weather does around its normals: warm and
 * cool spells a few days long (neighbouring days share their anomaly), wet
 * and dry days whose chances average out to the month's rain days. The
 * variation comes from a hash of the station and the date, so it is the same
 * for every caller and every run.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "model.h"

/* Spread of the day-to-day variation around the normals (°C, one sigma). */
#define MODEL_HIGH_SD		2.0
#define MODEL_LOW_SD		1.6
/* Sunshine recorders miss the low sun after sunrise and before sunset. */
#define MODEL_SUN_MARGIN_H	1.5

/* Salts: one independent stream of variation each. */
enum {
	MODEL_SALT_TEMP = 1,
	MODEL_SALT_HIGH,
	MODEL_SALT_LOW,
	MODEL_SALT_RAIN,
	MODEL_SALT_SUN
};

/* Hashing ----------------------------------------------------------------- */

static uint64_t
model_mix(uint64_t z)
{
	/* splitmix64's finaliser: every input bit moves every output bit. */
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return (z ^ (z >> 31));
}

double
weather_model_uniform(const char *station_id, const struct common_date *d,
    uint32_t salt)
{
	char		 key[64];
	uint64_t	 h = 0xcbf29ce484222325ULL;	/* FNV-1a offset basis */
	size_t		 i, n;

	n = (size_t)snprintf(key, sizeof key, "%s|%04d-%02d-%02d|%u",
	    station_id, d->year, d->month, d->day, salt);
	if (n >= sizeof key)
		n = sizeof key - 1;
	for (i = 0; i < n; i++) {
		h ^= (unsigned char)key[i];
		h *= 0x100000001b3ULL;			/* FNV prime */
	}
	return ((double)(model_mix(h) >> 11) * 0x1.0p-53);
}

/* About normal with mean 0 and sd 1 (a sum of four uniforms). */
static double
model_gauss(const char *station_id, const struct common_date *d,
    uint32_t salt)
{
	double	s = 0;
	int	i;

	for (i = 0; i < 4; i++)
		s += weather_model_uniform(station_id, d, salt * 8 + (uint32_t)i);
	return ((s - 2.0) * sqrt(3.0));
}

/* Interpolation ----------------------------------------------------------- */

/* The two months around d and how far d is from the first (0..1). */
static void
model_position(const struct common_date *d, int *a, int *b, double *t)
{
	int	dim = common_date_days_in_month(d->year, d->month);
	double	mid = (dim + 1) / 2.0, mid_o;
	int	other, oy;

	if (d->day >= mid) {
		*a = d->month;
		*b = d->month % 12 + 1;
		oy = d->month == 12 ? d->year + 1 : d->year;
		mid_o = (common_date_days_in_month(oy, *b) + 1) / 2.0;
		*t = (d->day - mid) / (dim - mid + mid_o);
	} else {
		other = d->month == 1 ? 12 : d->month - 1;
		oy = d->month == 1 ? d->year - 1 : d->year;
		*a = other;
		*b = d->month;
		mid_o = (common_date_days_in_month(oy, other) + 1) / 2.0;
		*t = (common_date_days_in_month(oy, other) - mid_o + d->day) /
		    (common_date_days_in_month(oy, other) - mid_o + mid);
	}
}

/* Per-month daily figures, with gaps in the data filled from the rest. */
struct model_month {
	double	wet_fraction;
	double	wet_day_mm;
	double	sun_hours;
	bool	has_sun;
};

static void
model_months(const struct weather_normals *n, struct model_month mm[12])
{
	const struct weather_month	*m;
	double				 wf_sum = 0, mm_sum = 0, dim;
	int				 i, wf_n = 0, mm_n = 0;
	bool				 wf_ok[12], mm_ok[12];

	for (i = 0; i < 12; i++) {
		m = &n->months[i];
		dim = common_date_days_in_month(2001, i + 1);
		wf_ok[i] = m->has_precip_days;
		mm_ok[i] = m->has_precip && m->has_precip_days;
		if (wf_ok[i]) {
			mm[i].wet_fraction = fmin(1.0, m->precip_days / dim);
			wf_sum += mm[i].wet_fraction;
			wf_n++;
		}
		if (mm_ok[i]) {
			mm[i].wet_day_mm = m->precip_mm / fmax(1.0,
			    m->precip_days);
			mm_sum += mm[i].wet_day_mm;
			mm_n++;
		}
		mm[i].has_sun = m->has_sun;
		mm[i].sun_hours = m->has_sun ? m->sun_hours / dim : 0;
	}
	/* A month without rain figures gets the station's average month. */
	for (i = 0; i < 12; i++) {
		if (!wf_ok[i])
			mm[i].wet_fraction = wf_n > 0 ? wf_sum / wf_n : 0.25;
		if (!mm_ok[i])
			mm[i].wet_day_mm = mm_n > 0 ? mm_sum / mm_n : 5.0;
	}
}

double
weather_model_day_hours(double lat, const struct common_date *d)
{
	struct common_date	jan1 = { d->year, 1, 1 };
	double			doy, decl, x, rad = M_PI / 180.0;

	doy = (double)common_date_diff(&jan1, d) + 1;
	decl = 23.44 * sin(2.0 * M_PI * (284.0 + doy) / 365.0);
	x = -tan(lat * rad) * tan(decl * rad);
	if (x >= 1.0)
		return (0.0);
	if (x <= -1.0)
		return (24.0);
	return (2.0 * acos(x) / rad / 15.0);
}

void
weather_model_norm_at(const struct weather_normals *n,
    const struct common_date *d, struct weather_model_norm *out)
{
	struct model_month	mm[12];
	int			a, b;
	double			t;

#define LERP(x, y) ((x) + ((y) - (x)) * t)
	model_months(n, mm);
	model_position(d, &a, &b, &t);
	a--;
	b--;
	out->tmax_c = LERP(n->months[a].tmax_c, n->months[b].tmax_c);
	out->tmin_c = LERP(n->months[a].tmin_c, n->months[b].tmin_c);
	out->wet_fraction = LERP(mm[a].wet_fraction, mm[b].wet_fraction);
	out->wet_day_mm = LERP(mm[a].wet_day_mm, mm[b].wet_day_mm);
	out->has_sun = mm[a].has_sun && mm[b].has_sun;
	out->sun_hours = out->has_sun ? LERP(mm[a].sun_hours,
	    mm[b].sun_hours) : 0;
	out->day_hours = weather_model_day_hours(n->station_lat, d);
#undef LERP
}

/* The day ------------------------------------------------------------------ */

const char *
weather_model_sky(double high_c, int rain_chance, bool has_sun,
    double sun_share, double day_hours)
{
	bool	snow = high_c <= 1.0;

	if (rain_chance >= 60)
		return (snow ? "Snow likely" : "Rain likely");
	if (rain_chance >= 35)
		return (snow ? "Chance of snow" : "Chance of showers");
	if (day_hours < 1.0)
		return ("Polar night");
	if (!has_sun)
		return (rain_chance < 15 ? "Mostly dry" :
		    "Mostly dry, a chance of showers");
	if (sun_share >= 0.55)
		return ("Sunny");
	if (sun_share >= 0.42)
		return ("Mostly sunny");
	if (sun_share >= 0.28)
		return ("Partly cloudy");
	return ("Cloudy");
}

static double
model_clamp(double v, double lo, double hi)
{
	return (v < lo ? lo : v > hi ? hi : v);
}

void
weather_model_day(const struct weather_normals *n,
    const struct common_date *d, enum weather_model_basis basis,
    struct weather_model_day *out)
{
	struct weather_model_norm	 norm;
	struct common_date		 prev = *d, next = *d;
	double				 anomaly, p, share, possible, half;
	const char			*id = n->station_id;

	weather_model_norm_at(n, d, &norm);
	memset(out, 0, sizeof *out);
	out->date = *d;
	out->basis = basis;
	p = norm.wet_fraction;
	possible = fmax(norm.day_hours - MODEL_SUN_MARGIN_H, 0.5);

	if (basis == WEATHER_MODEL_CLIMATOLOGY) {
		out->high_c = norm.tmax_c;
		out->low_c = norm.tmin_c;
		out->rain_chance = (int)lround(p * 100.0);
		out->precip_mm = p * norm.wet_day_mm;
		out->has_sun = norm.has_sun;
		out->sun_hours = norm.sun_hours;
		share = norm.has_sun ? norm.sun_hours / possible : 0;
	} else {
		/* Spells: a day shares its anomaly with its neighbours. */
		common_date_add_days(&prev, -1);
		common_date_add_days(&next, 1);
		anomaly = (model_gauss(id, &prev, MODEL_SALT_TEMP) +
		    2.0 * model_gauss(id, d, MODEL_SALT_TEMP) +
		    model_gauss(id, &next, MODEL_SALT_TEMP)) / sqrt(6.0);
		out->high_c = norm.tmax_c + MODEL_HIGH_SD * (0.85 * anomaly +
		    0.5 * model_gauss(id, d, MODEL_SALT_HIGH));
		out->low_c = norm.tmin_c + MODEL_LOW_SD * (0.85 * anomaly +
		    0.5 * model_gauss(id, d, MODEL_SALT_LOW));
		if (out->low_c > out->high_c - 1.0)
			out->low_c = out->high_c - 1.0;
		/* A chance spread evenly around the climate's, same mean. */
		half = fmin(p, 1.0 - p);
		p = model_clamp(p + (2.0 * weather_model_uniform(id, d,
		    MODEL_SALT_RAIN) - 1.0) * half, 0.0, 1.0);
		out->rain_chance = (int)(lround(p * 20.0) * 5);
		out->precip_mm = p * norm.wet_day_mm;
		out->has_sun = norm.has_sun;
		if (norm.has_sun) {
			/* Rainy days are cloudier; the rest varies a little. */
			share = norm.sun_hours / possible + 0.12 *
			    model_gauss(id, d, MODEL_SALT_SUN) - 0.5 *
			    fmax(0.0, p - norm.wet_fraction);
			share = model_clamp(share, 0.0, 1.0);
			out->sun_hours = fmin(share * possible,
			    norm.day_hours);
		} else
			share = 0;
	}
	out->sky = weather_model_sky(out->high_c, out->rain_chance,
	    out->has_sun, share, norm.day_hours);
}

/* Text -------------------------------------------------------------------- */

void
weather_model_range(double a, double b, const char *unit, char *buf,
    size_t len)
{
	long	x = lround(a), y = lround(b), lo = x < y ? x : y;
	long	hi = x < y ? y : x;

	if (x == y)
		snprintf(buf, len, "%ld%s", x, unit);
	else if (lo < 0)
		/* "-5 to -1°C" reads better than "-5--1°C". */
		snprintf(buf, len, "%ld to %ld%s", lo, hi, unit);
	else
		snprintf(buf, len, "%ld-%ld%s", lo, hi, unit);
}

void
weather_model_summary(const char *sky, double low_c, double high_c,
    bool imperial, char *buf, size_t len)
{
	char	c[32], f[32];

	weather_model_range(low_c, high_c, "°C", c, sizeof c);
	weather_model_range(weather_climate_c_to_f(low_c),
	    weather_climate_c_to_f(high_c), "°F", f, sizeof f);
	snprintf(buf, len, "%s, %s (%s)", sky, imperial ? f : c,
	    imperial ? c : f);
}
