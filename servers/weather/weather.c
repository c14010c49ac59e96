/*
 * What the weather server's handlers share: finding a place's normals with
 * the right error for the model, completing place names, and the JSON form
 * of the normals that the tool and the resource both give.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mcp/json.h"
#include "mcp/uritemplate.h"

#include "weather.h"

struct weather *
weather_get(void *arg)
{
	return (((struct common_app *)arg)->arg);
}

int
weather_find(struct mcp_call *c, void *arg, const char *location,
    struct weather_normals *out)
{
	char	msg[1024];
	int	rc;

	rc = weather_climate_find(weather_get(arg)->climate, location, out,
	    msg, sizeof msg);
	if (rc == 0)
		return (0);
	mcp_call_return_error(c, "%s", msg);
	return (-1);
}

void
weather_place_query(const struct weather_normals *n, char *buf, size_t len)
{
	if ((n->place.kind == COMMON_PLACE_AIRPORT ||
	    n->place.kind == COMMON_PLACE_METRO) && n->place.code[0] != '\0')
		snprintf(buf, len, "%s", n->place.code);
	else
		snprintf(buf, len, "%s", n->label);
}

char *
weather_climate_uri(const struct weather_normals *n)
{
	struct mcp_uritemplate	*t;
	cJSON			*vars = cJSON_CreateObject();
	char			 query[256], err[128], *uri;

	weather_place_query(n, query, sizeof query);
	mcp_json_add_str(vars, "city", query);
	if ((t = mcp_uritemplate_new(weather_resource_climate.uri_template,
	    err, sizeof err)) == NULL) {
		/* A constant template: cannot fail unless the code is wrong. */
		fprintf(stderr, "weather: %s\n", err);
		abort();
	}
	uri = mcp_uritemplate_expand(t, vars);
	mcp_uritemplate_free(t);
	cJSON_Delete(vars);
	if (uri == NULL)
		abort();
	return (uri);
}

void
weather_complete_place(struct mcp_call *c, const char *argument,
    const char *value, const cJSON *context, void *arg)
{
	struct common_app	*app = arg;
	cJSON			*values = cJSON_CreateArray();
	char			**labels = NULL, err[256];
	size_t			 n = 0, i;

	(void)context;
	if (strcmp(argument, "city") == 0 || strcmp(argument,
	    "destination") == 0) {
		if (common_place_complete(app->db, value, 10, &labels, &n, err,
		    sizeof err) != 0) {
			cJSON_Delete(values);
			mcp_call_fail(c, MCP_INTERNAL_ERROR, "completion: %s",
			    err);
			return;
		}
		for (i = 0; i < n; i++)
			cJSON_AddItemToArray(values,
			    cJSON_CreateString(labels[i]));
		common_place_strings_free(labels, n);
	}
	mcp_call_return_completion(c, values, false);
}

cJSON *
weather_normals_json(const struct weather_normals *n, int month)
{
	cJSON	*o = cJSON_CreateObject(), *months = cJSON_CreateArray();
	cJSON	*years = cJSON_CreateObject(), *range;
	int	 i, tmin = 1 << 30, tmax = 0, pmin = 1 << 30, pmax = 0;
	char	*uri;

	mcp_json_add(o, "location", weather_climate_place_json(n));
	mcp_json_add(o, "station", weather_climate_station_json(n));
	for (i = 1; i <= 12; i++) {
		const struct weather_month *m = &n->months[i - 1];

		if (m->years_temp < tmin)
			tmin = m->years_temp;
		if (m->years_temp > tmax)
			tmax = m->years_temp;
		if (m->years_precip < pmin)
			pmin = m->years_precip;
		if (m->years_precip > pmax)
			pmax = m->years_precip;
		if (month == 0 || month == i)
			cJSON_AddItemToArray(months,
			    weather_climate_month_json(n, i));
	}
	mcp_json_add_num(years, "from", WEATHER_CLIMATE_FIRST_YEAR);
	mcp_json_add_num(years, "to", WEATHER_CLIMATE_LAST_YEAR);
	range = cJSON_CreateObject();
	mcp_json_add_num(range, "min", tmin);
	mcp_json_add_num(range, "max", tmax);
	mcp_json_add(years, "temperature", range);
	range = cJSON_CreateObject();
	mcp_json_add_num(range, "min", pmin);
	mcp_json_add_num(range, "max", pmax);
	mcp_json_add(years, "precipitation", range);
	mcp_json_add(o, "yearsOfRecord", years);
	mcp_json_add(o, "months", months);
	uri = weather_climate_uri(n);
	mcp_json_add_str(o, "resource", uri);
	free(uri);
	mcp_json_add_str(o, "note", "station averages over 2003-2021 (the "
	    "years each value rests on are given), not official 30-year "
	    "normals");
	mcp_json_add_str(o, "source", WEATHER_CLIMATE_SOURCE);
	return (o);
}
