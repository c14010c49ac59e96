/*
 * weather://climate/{city}: a place's monthly normals as JSON, the same
 * object getClimateData gives for all twelve months.
 */
#include <stdlib.h>

#include "mcp/json.h"

#include "weather.h"

static void
climate_read(struct mcp_call *c, const char *uri, const cJSON *vars,
    void *arg)
{
	const cJSON		*city = cJSON_GetObjectItemCaseSensitive(vars,
				    "city");
	struct weather_normals	 n;
	cJSON			*json;
	char			 msg[1024], *text;
	int			 rc;

	if (!cJSON_IsString(city)) {
		mcp_call_fail(c, MCP_RESOURCE_NOT_FOUND, "resource %s: no city "
		    "in the uri; use weather://climate/Barcelona", uri);
		return;
	}
	rc = weather_climate_find(weather_get(arg)->climate, city->valuestring,
	    &n, msg, sizeof msg);
	if (rc != 0) {
		mcp_call_fail(c, rc > 0 ? MCP_RESOURCE_NOT_FOUND :
		    MCP_INTERNAL_ERROR, "resource %s: %s", uri, msg);
		return;
	}
	json = weather_normals_json(&n, 0);
	text = mcp_json_print(json, NULL);
	cJSON_Delete(json);
	mcp_call_return_resource_text(c, uri, "application/json", text);
	free(text);
}

const struct mcp_resource_template weather_resource_climate = {
	.uri_template = "weather://climate/{city}",
	.name = "climate",
	.title = "Climate normals of a place",
	.description = "Monthly normals (highs, lows, rain, rain days, "
	    "sunshine) of a city's climate station as JSON; {city} is a city "
	    "name, an airport or a metro code (weather://climate/Barcelona)",
	.mime_type = "application/json",
	.handler = climate_read,
	.complete = weather_complete_place,
};
