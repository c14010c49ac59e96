/*
 * checkWeather(location, startDate, endDate, units?): the weather day by
 * day. Days within WEATHER_MODEL_FORECAST_DAYS of today are a forecast
 * modelled around the station's normals and say "modelled"; later days are
 * a climatological outlook (what is usual for the date) and say so.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mcp/json.h"
#include "servers/common/date.h"

#include "model.h"
#include "weather.h"

/* At most this many days per call. */
#define CHECK_MAX_DAYS		31
/* The first day asked for may lie at most this far ahead. */
#define CHECK_MAX_AHEAD		731

static const char check_basis_modelled[] = "modelled";
static const char check_basis_outlook[] = "climatological outlook";

/* Reads a date argument; -1 with the call ended (isError) when it is bad. */
static int
check_date(struct mcp_call *c, const cJSON *args, const char *field,
    struct common_date *out)
{
	const cJSON	*v = cJSON_GetObjectItemCaseSensitive(args, field);
	char		 err[256];

	if (common_date_parse(v->valuestring, out, err, sizeof err) != 0) {
		mcp_call_return_error(c, "%s: %s", field, err);
		return (-1);
	}
	return (0);
}

static cJSON *
check_day_json(const struct weather_model_day *d, bool imperial)
{
	cJSON	*o = cJSON_CreateObject();
	char	 date[COMMON_DATE_LEN], summary[160];

	common_date_format(&d->date, date);
	mcp_json_add_str(o, "date", date);
	mcp_json_add_str(o, "basis", d->basis == WEATHER_MODEL_MODELLED ?
	    check_basis_modelled : check_basis_outlook);
	mcp_json_add_num(o, "highC", weather_climate_round1(d->high_c));
	mcp_json_add_num(o, "lowC", weather_climate_round1(d->low_c));
	mcp_json_add_num(o, "highF", weather_climate_round1(
	    weather_climate_c_to_f(d->high_c)));
	mcp_json_add_num(o, "lowF", weather_climate_round1(
	    weather_climate_c_to_f(d->low_c)));
	mcp_json_add_num(o, "rainChance", d->rain_chance);
	mcp_json_add_num(o, "precipitationMm", weather_climate_round1(
	    d->precip_mm));
	if (d->has_sun)
		mcp_json_add_num(o, "sunshineHours", weather_climate_round1(
		    d->sun_hours));
	else
		mcp_json_add(o, "sunshineHours", cJSON_CreateNull());
	mcp_json_add_str(o, "sky", d->sky);
	weather_model_summary(d->sky, d->low_c, d->high_c, imperial, summary,
	    sizeof summary);
	mcp_json_add_str(o, "summary", summary);
	return (o);
}

/* The sky most days share (the earliest wins a tie). */
static const char *
check_main_sky(const struct weather_model_day *days, size_t n)
{
	size_t	i, j, count, best = 0;
	const char *sky = days[0].sky;

	for (i = 0; i < n; i++) {
		for (count = 0, j = 0; j < n; j++)
			if (strcmp(days[j].sky, days[i].sky) == 0)
				count++;
		if (count > best) {
			best = count;
			sky = days[i].sky;
		}
	}
	return (sky);
}

static void
check_call(struct mcp_call *c, const cJSON *args, void *arg)
{
	const cJSON		*loc = cJSON_GetObjectItemCaseSensitive(args,
				    "location");
	const cJSON		*units = cJSON_GetObjectItemCaseSensitive(args,
				    "units");
	struct weather_model_day days[CHECK_MAX_DAYS];
	struct weather_normals	 n;
	struct common_date	 start, end, today, d;
	cJSON			*out, *list;
	char			 err[256], s[COMMON_DATE_LEN],
				 e[COMMON_DATE_LEN], t[COMMON_DATE_LEN];
	char			 highs_c[32], highs_f[32], line[200], *text;
	const char		*basis, *sky;
	double			 hmin, hmax;
	long			 count, ahead;
	size_t			 i, k, len, nmod = 0;
	int			 rain_max = 0;
	bool			 imperial;

	imperial = units != NULL && strcmp(units->valuestring,
	    "imperial") == 0;
	if (check_date(c, args, "startDate", &start) != 0 ||
	    check_date(c, args, "endDate", &end) != 0)
		return;
	if (common_date_today(&today, err, sizeof err) != 0) {
		mcp_call_return_error(c, "today: %s", err);
		return;
	}
	common_date_format(&start, s);
	common_date_format(&end, e);
	common_date_format(&today, t);
	if (common_date_compare(&start, &today) < 0) {
		mcp_call_return_error(c, "startDate: %s is in the past (today "
		    "is %s); give a date from today on", s, t);
		return;
	}
	if (common_date_compare(&end, &start) < 0) {
		mcp_call_return_error(c, "endDate: %s is before startDate %s; "
		    "give an end date on or after the start", e, s);
		return;
	}
	if ((ahead = common_date_diff(&today, &start)) >= CHECK_MAX_AHEAD) {
		mcp_call_return_error(c, "startDate: %s is %ld days ahead; "
		    "give a date within %d days of today (%s)", s, ahead,
		    CHECK_MAX_AHEAD - 1, t);
		return;
	}
	if ((count = common_date_diff(&start, &end) + 1) > CHECK_MAX_DAYS) {
		mcp_call_return_error(c, "endDate: %s..%s is %ld days; at most "
		    "%d days per call, so split the range", s, e, count,
		    CHECK_MAX_DAYS);
		return;
	}
	if (weather_find(c, arg, loc->valuestring, &n) != 0)
		return;

	list = cJSON_CreateArray();
	hmin = 1e9;
	hmax = -1e9;
	for (i = 0, d = start; i < (size_t)count; i++) {
		enum weather_model_basis b;

		b = common_date_diff(&today, &d) < WEATHER_MODEL_FORECAST_DAYS ?
		    WEATHER_MODEL_MODELLED : WEATHER_MODEL_CLIMATOLOGY;
		weather_model_day(&n, &d, b, &days[i]);
		if (b == WEATHER_MODEL_MODELLED)
			nmod++;
		if (days[i].high_c < hmin)
			hmin = days[i].high_c;
		if (days[i].high_c > hmax)
			hmax = days[i].high_c;
		if (days[i].rain_chance > rain_max)
			rain_max = days[i].rain_chance;
		cJSON_AddItemToArray(list, check_day_json(&days[i], imperial));
		common_date_add_days(&d, 1);
	}
	basis = nmod == (size_t)count ? check_basis_modelled : nmod == 0 ?
	    check_basis_outlook : "modelled, then climatological outlook";
	sky = check_main_sky(days, (size_t)count);
	weather_model_range(hmin, hmax, "°C", highs_c, sizeof highs_c);
	weather_model_range(weather_climate_c_to_f(hmin),
	    weather_climate_c_to_f(hmax), "°F", highs_f, sizeof highs_f);

	out = cJSON_CreateObject();
	mcp_json_add(out, "location", weather_climate_place_json(&n));
	mcp_json_add(out, "station", weather_climate_station_json(&n));
	mcp_json_add_str(out, "startDate", s);
	mcp_json_add_str(out, "endDate", e);
	mcp_json_add_str(out, "today", t);
	mcp_json_add_str(out, "units", imperial ? "imperial" : "metric");
	mcp_json_add_str(out, "basis", basis);
	snprintf(line, sizeof line, "%s, highs %s (%s)", sky,
	    imperial ? highs_f : highs_c, imperial ? highs_c : highs_f);
	mcp_json_add_str(out, "summary", line);
	mcp_json_add(out, "days", list);
	mcp_json_add_str(out, "note", nmod > 0 ? "days within 16 days of "
	    "today are modelled from the station's 2003-2021 averages with a "
	    "deterministic day-to-day variation, not taken from a live "
	    "weather service; later days are a climatological outlook: the "
	    "usual weather for the date, not a forecast" :
	    "a climatological outlook: the usual weather for these dates "
	    "from the station's 2003-2021 averages, not a forecast");
	mcp_json_add_str(out, "source", WEATHER_CLIMATE_SOURCE);

	len = 1024 + (size_t)count * 160;
	text = mcp_xmalloc(len);
	k = (size_t)snprintf(text, len, "%s, %s to %s (%s, station %s, %.0f "
	    "km): %s; %s chance up to %d%%.", n.label, s, e, basis,
	    n.station_name, n.distance_km, line, hmin <= 1.0 ? "snow or rain" :
	    "rain", rain_max);
	if (n.others && k < len)
		k += (size_t)snprintf(text + k, len - k, " Chose %s.",
		    n.resolution);
	for (i = 0; i < (size_t)count && k < len; i++) {
		cJSON *day = cJSON_GetArrayItem(list, (int)i);

		k += (size_t)snprintf(text + k, len - k, "\n%s: %s, %s %d%%%s",
		    cJSON_GetObjectItemCaseSensitive(day, "date")->valuestring,
		    cJSON_GetObjectItemCaseSensitive(day,
		    "summary")->valuestring, days[i].high_c <= 1.0 ?
		    "snow or rain" : "rain", days[i].rain_chance,
		    days[i].basis == WEATHER_MODEL_MODELLED ? " (modelled)" :
		    "");
	}
	mcp_call_return_structured(c, out, text);
	free(text);
}

const struct mcp_tool weather_tool_check_weather = {
	.name = "checkWeather",
	.title = "Check weather",
	.description = "Day-by-day weather for a place and dates: highs and "
	    "lows in °C and °F, rain chance and a one-line summary per day. "
	    "Days within 16 days of today are a forecast modelled around the "
	    "nearest station's real normals (labelled \"modelled\"); later "
	    "days are a climatological outlook. At most 31 days per call, "
	    "from today on.",
	.input_schema = "{\"type\":\"object\",\"properties\":{"
	    "\"location\":" WEATHER_SCHEMA_LOCATION ","
	    "\"startDate\":{\"type\":\"string\",\"format\":\"date\","
	    "\"maxLength\":10,\"description\":\"First day, YYYY-MM-DD, "
	    "today or later\"},"
	    "\"endDate\":{\"type\":\"string\",\"format\":\"date\","
	    "\"maxLength\":10,\"description\":\"Last day, YYYY-MM-DD, on or "
	    "after startDate, at most 31 days in all\"},"
	    "\"units\":{\"enum\":[\"metric\",\"imperial\"],\"description\":"
	    "\"Which unit leads the summaries (both are always given); "
	    "default metric\"}},"
	    "\"required\":[\"location\",\"startDate\",\"endDate\"],"
	    "\"additionalProperties\":false}",
	.output_schema = "{\"type\":\"object\",\"required\":[\"location\","
	    "\"station\",\"startDate\",\"endDate\",\"today\",\"units\","
	    "\"basis\",\"summary\",\"days\",\"source\"],\"properties\":{"
	    "\"location\":" WEATHER_SCHEMA_PLACE ","
	    "\"station\":" WEATHER_SCHEMA_STATION ","
	    "\"startDate\":{\"type\":\"string\",\"format\":\"date\"},"
	    "\"endDate\":{\"type\":\"string\",\"format\":\"date\"},"
	    "\"today\":{\"type\":\"string\",\"format\":\"date\"},"
	    "\"units\":{\"enum\":[\"metric\",\"imperial\"]},"
	    "\"basis\":{\"type\":\"string\"},\"summary\":{\"type\":\"string\"},"
	    "\"days\":{\"type\":\"array\",\"minItems\":1,\"maxItems\":31,"
	    "\"items\":{\"type\":\"object\",\"required\":[\"date\",\"basis\","
	    "\"highC\",\"lowC\",\"highF\",\"lowF\",\"rainChance\",\"sky\","
	    "\"summary\"],\"properties\":{"
	    "\"date\":{\"type\":\"string\",\"format\":\"date\"},"
	    "\"basis\":{\"enum\":[\"modelled\",\"climatological outlook\"]},"
	    "\"highC\":{\"type\":\"number\"},\"lowC\":{\"type\":\"number\"},"
	    "\"highF\":{\"type\":\"number\"},\"lowF\":{\"type\":\"number\"},"
	    "\"rainChance\":{\"type\":\"integer\",\"minimum\":0,"
	    "\"maximum\":100},"
	    "\"precipitationMm\":{\"type\":\"number\",\"minimum\":0},"
	    "\"sunshineHours\":" WEATHER_SCHEMA_NUM_OR_NULL ","
	    "\"sky\":{\"type\":\"string\"},\"summary\":{\"type\":\"string\"}}}},"
	    "\"note\":{\"type\":\"string\"},\"source\":{\"type\":\"string\"}}}",
	.annotations = WEATHER_ANNOTATIONS_READ,
	.handler = check_call,
};
