/*
 * getSeasonalInfo(location): the best months to visit and why, scored from
 * the station's normals as season.h documents (temperature comfort, rain,
 * sunshine), with the season of each month in the place's hemisphere.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mcp/json.h"
#include "servers/common/date.h"

#include "season.h"
#include "weather.h"

static const char seasonal_scoring[] =
    "score 0-100 per month: temperature 0-50 (50 when the mean daily high "
    "is 20-27 °C; minus 5 per °C below 20, 6 per °C above 27, 2 per °C the "
    "mean low falls below 5), rain 0-30 (30 x (1 - rain days / half the "
    "month's days), not below 0), sunshine 0-20 (20 x hours a day / 10, at "
    "most 20); where the station lacks sunshine in any month, temperature "
    "+ rain (0-80) is scaled to 0-100 for all months; best months score "
    "within 8 of the best";

static cJSON *
seasonal_month_json(const struct weather_season *s, int month, bool detail)
{
	const struct weather_season_month	*m = &s->months[month - 1];
	cJSON					*o = cJSON_CreateObject();

	mcp_json_add_num(o, "month", month);
	mcp_json_add_str(o, "name", common_date_month_name(month));
	mcp_json_add_num(o, "score", m->score);
	mcp_json_add_str(o, "season", m->season);
	mcp_json_add_str(o, "why", m->why);
	if (detail) {
		mcp_json_add_num(o, "temperatureScore",
		    weather_climate_round1(m->temperature));
		mcp_json_add_num(o, "rainScore",
		    weather_climate_round1(m->rain));
		if (s->sun_scored)
			mcp_json_add_num(o, "sunshineScore",
			    weather_climate_round1(m->sunshine));
		else
			mcp_json_add(o, "sunshineScore", cJSON_CreateNull());
	}
	return (o);
}

static void
seasonal_call(struct mcp_call *c, const cJSON *args, void *arg)
{
	const cJSON		*loc = cJSON_GetObjectItemCaseSensitive(args,
				    "location");
	struct weather_normals	 n;
	struct weather_season	 s;
	cJSON			*out, *best, *worst, *all;
	char			 text[2048];
	size_t			 i, k;
	int			 m;

	if (weather_find(c, arg, loc->valuestring, &n) != 0)
		return;
	weather_season_score(&n, &s);

	out = cJSON_CreateObject();
	mcp_json_add(out, "location", weather_climate_place_json(&n));
	mcp_json_add(out, "station", weather_climate_station_json(&n));
	mcp_json_add_str(out, "hemisphere",
	    weather_season_hemisphere_name(s.hemisphere));
	mcp_json_add_bool(out, "sunshineScored", s.sun_scored);
	best = cJSON_CreateArray();
	k = (size_t)snprintf(text, sizeof text, "Best time to visit %s:",
	    n.label);
	for (i = 0; i < s.nbest; i++) {
		m = s.best[i];
		cJSON_AddItemToArray(best, seasonal_month_json(&s, m, false));
		if (k < sizeof text)
			k += (size_t)snprintf(text + k, sizeof text - k,
			    "%s %s (score %d: %s)", i > 0 ? ";" : "",
			    common_date_month_name(m), s.months[m - 1].score,
			    s.months[m - 1].why);
	}
	mcp_json_add(out, "bestMonths", best);
	worst = cJSON_CreateArray();
	for (i = 0; i < s.nworst; i++) {
		m = s.worst[i];
		cJSON_AddItemToArray(worst, seasonal_month_json(&s, m, false));
		if (k < sizeof text)
			k += (size_t)snprintf(text + k, sizeof text - k,
			    "%s %s (score %d: %s)", i > 0 ? ";" :
			    ". Least suited:", common_date_month_name(m),
			    s.months[m - 1].score, s.months[m - 1].why);
	}
	mcp_json_add(out, "worstMonths", worst);
	all = cJSON_CreateArray();
	for (m = 1; m <= 12; m++)
		cJSON_AddItemToArray(all, seasonal_month_json(&s, m, true));
	mcp_json_add(out, "months", all);
	mcp_json_add_str(out, "scoring", seasonal_scoring);
	if (k < sizeof text)
		k += (size_t)snprintf(text + k, sizeof text - k, ". Seasons of "
		    "the %s%s; from station %s, %.0f km away%s.",
		    weather_season_hemisphere_name(s.hemisphere),
		    s.hemisphere == WEATHER_SEASON_TROPICS ? "" : " hemisphere",
		    n.station_name, n.distance_km, s.sun_scored ? "" :
		    " (it records no sunshine, so sunshine is not scored)");
	if (n.others && k < sizeof text)
		snprintf(text + k, sizeof text - k, " Chose %s.",
		    n.resolution);
	mcp_json_add_str(out, "note", s.sun_scored ? "scored from the "
	    "station's 2003-2021 averages" : "the station records no "
	    "sunshine in some months, so sunshine is left out of every "
	    "month's score");
	mcp_json_add_str(out, "source", WEATHER_CLIMATE_SOURCE);
	mcp_call_return_structured(c, out, text);
}

#define SEASONAL_MONTH_SCHEMA \
	"{\"type\":\"object\",\"required\":[\"month\",\"name\",\"score\"," \
	"\"season\",\"why\"],\"properties\":{\"month\":{\"type\":" \
	"\"integer\",\"minimum\":1,\"maximum\":12},\"name\":{\"type\":" \
	"\"string\"},\"score\":{\"type\":\"integer\",\"minimum\":0," \
	"\"maximum\":100},\"season\":{\"type\":\"string\"},\"why\":" \
	"{\"type\":\"string\"},\"temperatureScore\":{\"type\":\"number\"}," \
	"\"rainScore\":{\"type\":\"number\"},\"sunshineScore\":" \
	WEATHER_SCHEMA_NUM_OR_NULL "}}"

const struct mcp_tool weather_tool_get_seasonal_info = {
	.name = "getSeasonalInfo",
	.title = "Best time to visit",
	.description = "The best months to visit a place and why, scored "
	    "from its station's monthly normals for temperature comfort, rain "
	    "and sunshine (the scoring is given in the result), with each "
	    "month's season in the place's hemisphere and the least suited "
	    "months.",
	.input_schema = "{\"type\":\"object\",\"properties\":{"
	    "\"location\":" WEATHER_SCHEMA_LOCATION "},"
	    "\"required\":[\"location\"],\"additionalProperties\":false}",
	.output_schema = "{\"type\":\"object\",\"required\":[\"location\","
	    "\"station\",\"hemisphere\",\"sunshineScored\",\"bestMonths\","
	    "\"worstMonths\",\"months\",\"scoring\",\"source\"],"
	    "\"properties\":{\"location\":" WEATHER_SCHEMA_PLACE ","
	    "\"station\":" WEATHER_SCHEMA_STATION ","
	    "\"hemisphere\":{\"enum\":[\"northern\",\"southern\","
	    "\"tropics\"]},\"sunshineScored\":{\"type\":\"boolean\"},"
	    "\"bestMonths\":{\"type\":\"array\",\"minItems\":1,\"items\":"
	    SEASONAL_MONTH_SCHEMA "},"
	    "\"worstMonths\":{\"type\":\"array\",\"items\":"
	    SEASONAL_MONTH_SCHEMA "},"
	    "\"months\":{\"type\":\"array\",\"minItems\":12,\"maxItems\":12,"
	    "\"items\":" SEASONAL_MONTH_SCHEMA "},"
	    "\"scoring\":{\"type\":\"string\"},\"note\":{\"type\":\"string\"},"
	    "\"source\":{\"type\":\"string\"}}}",
	.annotations = WEATHER_ANNOTATIONS_READ,
	.handler = seasonal_call,
};
