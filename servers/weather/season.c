/*
 * Seasons. The scoring in season.h, and the words that explain it.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "servers/common/date.h"

#include "season.h"

#define SEASON_TROPIC_LAT	23.44

const char *
weather_season_hemisphere_name(enum weather_season_hemisphere h)
{
	switch (h) {
	case WEATHER_SEASON_SOUTH:
		return ("southern");
	case WEATHER_SEASON_TROPICS:
		return ("tropics");
	default:
		return ("northern");
	}
}

static const char *
season_name(enum weather_season_hemisphere h, int month, double wet,
    double wet_mean)
{
	static const char *const north[12] = { "winter", "winter", "spring",
	    "spring", "spring", "summer", "summer", "summer", "autumn",
	    "autumn", "autumn", "winter" };

	switch (h) {
	case WEATHER_SEASON_TROPICS:
		return (wet > wet_mean ? "wetter season" : "drier season");
	case WEATHER_SEASON_SOUTH:
		return (north[(month + 5) % 12]);
	default:
		return (north[month - 1]);
	}
}

static void
season_why(const struct weather_month *m, int month, double rain_days,
    bool rain_known, char *buf, size_t len)
{
	const char	*feel;
	size_t		 n;
	long		 high = lround(m->tmax_c);

	if (m->tmax_c > 32)
		feel = "hot";
	else if (m->tmax_c > 27)
		feel = "warm";
	else if (m->tmax_c >= 20)
		feel = "pleasant";
	else if (m->tmax_c >= 10)
		feel = "cool";
	else
		feel = "cold";
	n = (size_t)snprintf(buf, len, "%s, highs of %ld°C (%ld°F), lows of "
	    "%ld°C", feel, high, lround(weather_climate_c_to_f(m->tmax_c)),
	    lround(m->tmin_c));
	if (n < len && rain_known)
		n += (size_t)snprintf(buf + n, len - n, ", %.0f rain days",
		    rain_days);
	else if (n < len)
		n += (size_t)snprintf(buf + n, len - n,
		    ", rain days not recorded");
	if (n < len && m->has_sun)
		snprintf(buf + n, len - n, ", %.1f h of sunshine a day",
		    m->sun_hours / common_date_days_in_month(2001, month));
	else if (n < len)
		snprintf(buf + n, len - n, ", sunshine not recorded");
}

void
weather_season_score(const struct weather_normals *n,
    struct weather_season *out)
{
	double	wet[12], wet_sum = 0, wet_mean, dim, t, r, s, total;
	bool	wet_known[12];
	int	i, j, wet_n = 0, order[12], tmp;

	memset(out, 0, sizeof *out);
	if (fabs(n->station_lat) < SEASON_TROPIC_LAT)
		out->hemisphere = WEATHER_SEASON_TROPICS;
	else
		out->hemisphere = n->station_lat < 0 ? WEATHER_SEASON_SOUTH :
		    WEATHER_SEASON_NORTH;
	out->sun_scored = true;
	for (i = 0; i < 12; i++) {
		wet_known[i] = n->months[i].has_precip_days;
		if (wet_known[i]) {
			wet[i] = n->months[i].precip_days;
			wet_sum += wet[i];
			wet_n++;
		}
		if (!n->months[i].has_sun)
			out->sun_scored = false;
	}
	wet_mean = wet_n > 0 ? wet_sum / wet_n : 8.0;
	for (i = 0; i < 12; i++)
		if (!wet_known[i])
			wet[i] = wet_mean;

	for (i = 0; i < 12; i++) {
		const struct weather_month	*m = &n->months[i];
		struct weather_season_month	*sm = &out->months[i];

		dim = common_date_days_in_month(2001, i + 1);
		t = 50.0 - 5.0 * fmax(0.0, 20.0 - m->tmax_c) -
		    6.0 * fmax(0.0, m->tmax_c - 27.0) -
		    2.0 * fmax(0.0, 5.0 - m->tmin_c);
		t = fmax(0.0, t);
		r = fmax(0.0, 30.0 * (1.0 - wet[i] / (dim / 2.0)));
		s = out->sun_scored ? fmin(20.0, 20.0 * (m->sun_hours / dim) /
		    10.0) : 0.0;
		total = out->sun_scored ? t + r + s : (t + r) * 100.0 / 80.0;
		sm->month = i + 1;
		sm->temperature = t;
		sm->rain = r;
		sm->sunshine = s;
		sm->score = (int)lround(total);
		sm->season = season_name(out->hemisphere, i + 1, wet[i],
		    wet_mean);
		season_why(m, i + 1, wet[i], wet_known[i], sm->why,
		    sizeof sm->why);
	}

	/* Rank by score; ties keep calendar order (the sort is stable). */
	for (i = 0; i < 12; i++)
		order[i] = i;
	for (i = 1; i < 12; i++) {
		for (j = i; j > 0; j--) {
			const struct weather_season_month *a =
			    &out->months[order[j - 1]], *b = &out->months[order[j]];

			if (b->score > a->score) {
				tmp = order[j - 1];
				order[j - 1] = order[j];
				order[j] = tmp;
			} else
				break;
		}
	}
	for (i = 0; i < 12 && out->nbest < WEATHER_SEASON_BEST_MAX; i++) {
		if (out->months[order[i]].score + WEATHER_SEASON_BEST_MARGIN <
		    out->months[order[0]].score)
			break;
		out->best[out->nbest++] = order[i] + 1;
	}
	for (i = 11; i >= 0 && out->nworst < WEATHER_SEASON_WORST_MAX; i--) {
		if (out->months[order[i]].score + WEATHER_SEASON_BEST_MARGIN <
		    out->months[order[0]].score)
			out->worst[out->nworst++] = order[i] + 1;
	}
}
