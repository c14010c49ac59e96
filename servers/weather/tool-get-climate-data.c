/*
 * getClimateData(location, month?): the real monthly normals of the
 * place's climate station, with the station, its distance and the years
 * each value rests on.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mcp/json.h"
#include "servers/common/date.h"

#include "weather.h"

/* 1..12 from a month number or an English name ("June", "jun"); 0 if neither. */
static int
climate_data_month(const cJSON *v)
{
	char	 low[16];
	size_t	 i, n;
	int	 m;
	char	*end;

	if (cJSON_IsNumber(v))
		return (mcp_json_is_integer(v) && v->valuedouble >= 1 &&
		    v->valuedouble <= 12 ? (int)v->valuedouble : 0);
	if (!cJSON_IsString(v) || (n = strlen(v->valuestring)) == 0 ||
	    n >= sizeof low)
		return (0);
	m = (int)strtol(v->valuestring, &end, 10);
	if (*end == '\0' && isdigit((unsigned char)v->valuestring[0]))
		return (m >= 1 && m <= 12 ? m : 0);
	for (i = 0; i <= n; i++)
		low[i] = (char)tolower((unsigned char)v->valuestring[i]);
	for (m = 1; m <= 12; m++) {
		const char *name = common_date_month_name(m);

		/* The full name, or at least its first three letters. */
		if (n >= 3 && strncasecmp(name, low, n) == 0)
			return (m);
	}
	return (0);
}

static void
climate_data_line(const struct weather_normals *n, int month, char *buf,
    size_t len)
{
	const struct weather_month	*m = &n->months[month - 1];
	size_t				 k;

	k = (size_t)snprintf(buf, len, "%s: highs %.1f°C (%.0f°F), lows "
	    "%.1f°C (%.0f°F)", common_date_month_name(month), m->tmax_c,
	    weather_climate_c_to_f(m->tmax_c), m->tmin_c,
	    weather_climate_c_to_f(m->tmin_c));
	if (k < len && m->has_precip)
		k += (size_t)snprintf(buf + k, len - k, ", %.0f mm of rain",
		    m->precip_mm);
	if (k < len && m->has_precip_days)
		k += (size_t)snprintf(buf + k, len - k, " on %.0f days",
		    m->precip_days);
	if (k < len && m->has_sun)
		snprintf(buf + k, len - k, ", %.0f h of sunshine",
		    m->sun_hours);
}

static void
climate_data_call(struct mcp_call *c, const cJSON *args, void *arg)
{
	const cJSON		*loc = cJSON_GetObjectItemCaseSensitive(args,
				    "location");
	const cJSON		*mv = cJSON_GetObjectItemCaseSensitive(args,
				    "month");
	struct weather_normals	 n;
	char			*text, line[256];
	size_t			 len, k;
	int			 month = 0, i;

	if (mv != NULL && (month = climate_data_month(mv)) == 0) {
		mcp_call_return_error(c, "month: not a month; give 1-12 or a "
		    "month name such as \"June\", or leave it out for all "
		    "twelve");
		return;
	}
	if (weather_find(c, arg, loc->valuestring, &n) != 0)
		return;

	len = 4096;
	text = mcp_xmalloc(len);
	k = (size_t)snprintf(text, len, "%s: climate of station %s (%s), "
	    "%.0f km away; averages of %d-%d.", n.label, n.station_name,
	    n.station_id, n.distance_km, WEATHER_CLIMATE_FIRST_YEAR,
	    WEATHER_CLIMATE_LAST_YEAR);
	if (n.others && k < len)
		k += (size_t)snprintf(text + k, len - k, " Chose %s.",
		    n.resolution);
	for (i = 1; i <= 12; i++) {
		if (month != 0 && i != month)
			continue;
		climate_data_line(&n, i, line, sizeof line);
		if (k < len)
			k += (size_t)snprintf(text + k, len - k, "\n%s", line);
	}
	mcp_call_return_structured(c, weather_normals_json(&n, month), text);
	free(text);
}

const struct mcp_tool weather_tool_get_climate_data = {
	.name = "getClimateData",
	.title = "Climate data",
	.description = "The monthly climate normals of a place: mean daily "
	    "highs and lows (°C and °F), rain and rain days, sunshine hours, "
	    "from its nearest DWD CLIMAT station (2003-2021 averages), with "
	    "the station's distance and the years of record. One month or "
	    "all twelve.",
	.input_schema = "{\"type\":\"object\",\"properties\":{"
	    "\"location\":" WEATHER_SCHEMA_LOCATION ","
	    "\"month\":{\"type\":[\"integer\",\"string\"],\"minimum\":1,"
	    "\"maximum\":12,\"maxLength\":12,\"description\":\"1-12 or a "
	    "month name (June, jun); all twelve when left out\"}},"
	    "\"required\":[\"location\"],\"additionalProperties\":false}",
	.output_schema = "{\"type\":\"object\",\"required\":[\"location\","
	    "\"station\",\"yearsOfRecord\",\"months\",\"source\"],"
	    "\"properties\":{\"location\":" WEATHER_SCHEMA_PLACE ","
	    "\"station\":" WEATHER_SCHEMA_STATION ","
	    "\"yearsOfRecord\":{\"type\":\"object\",\"required\":[\"from\","
	    "\"to\"],\"properties\":{\"from\":{\"type\":\"integer\"},"
	    "\"to\":{\"type\":\"integer\"}}},"
	    "\"months\":{\"type\":\"array\",\"minItems\":1,\"maxItems\":12,"
	    "\"items\":" WEATHER_SCHEMA_MONTH "},"
	    "\"resource\":{\"type\":\"string\"},"
	    "\"note\":{\"type\":\"string\"},\"source\":{\"type\":\"string\"}}}",
	.annotations = WEATHER_ANNOTATIONS_READ,
	.handler = climate_data_call,
};
