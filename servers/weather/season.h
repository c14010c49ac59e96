/*
 * Seasons. Which months suit a visit, scored from a station's normals for
 * temperature comfort, rain and sunshine, with the season each month falls
 * in (northern, southern or tropical).
 *
 * The score of a month, 0..100:
 *   temperature  0..50  50 when the mean daily high is 20-27 °C; minus 5 per
 *                       °C below 20, 6 per °C above 27, and 2 per °C the mean
 *                       low falls below 5 (cold nights); never below 0.
 *   rain         0..30  30 × (1 − rain days ÷ (half the month's days)),
 *                       never below 0: a month wet every other day scores 0.
 *   sunshine     0..20  20 × hours of sunshine a day ÷ 10, at most 20.
 * When the station does not record sunshine in every month, sunshine is left
 * out for all twelve and temperature + rain (0..80) is scaled to 0..100, so
 * the months still compare fairly. A month without rain days takes the
 * station's average month.
 */
#ifndef SERVERS_WEATHER_SEASON_H
#define SERVERS_WEATHER_SEASON_H

#include <stdbool.h>
#include <stddef.h>

#include "climate.h"

/* Best months: those scoring within this of the best, at most this many. */
#define WEATHER_SEASON_BEST_MARGIN	8
#define WEATHER_SEASON_BEST_MAX		4
#define WEATHER_SEASON_WORST_MAX	3

enum weather_season_hemisphere {
	WEATHER_SEASON_NORTH,
	WEATHER_SEASON_SOUTH,
	WEATHER_SEASON_TROPICS	/* within 23.44° of the equator */
};

struct weather_season_month {
	int		 month;		/* 1..12 */
	int		 score;		/* 0..100 */
	double		 temperature;	/* 0..50 */
	double		 rain;		/* 0..30 */
	double		 sunshine;	/* 0..20; 0 when !sun_scored */
	const char	*season;	/* "summer", "wet season", … (static) */
	char		 why[192];	/* "pleasant highs of 26°C, 3 rain days, …" */
};

struct weather_season {
	enum weather_season_hemisphere	hemisphere;
	bool				sun_scored;
	struct weather_season_month	months[12];	/* [0] is January */
	int				best[WEATHER_SEASON_BEST_MAX];	/* months, best first */
	size_t				nbest;
	int				worst[WEATHER_SEASON_WORST_MAX]; /* worst first */
	size_t				nworst;
};

/* Scores the twelve months of n. */
void	 weather_season_score(const struct weather_normals *,
	     struct weather_season *out);
const char *weather_season_hemisphere_name(enum weather_season_hemisphere);

#endif
