/*
 * Prompt best-time-to-visit(destination): asks the model when to go, with
 * the destination's climate normals attached as an embedded resource and
 * the tool to call for the scores.
 */
#include <stdlib.h>

#include "mcp/json.h"

#include "weather.h"

static cJSON *
best_time_message(cJSON *content)
{
	cJSON	*m = cJSON_CreateObject();

	mcp_json_add_str(m, "role", "user");
	mcp_json_add(m, "content", content);
	return (m);
}

static void
best_time_get(struct mcp_call *c, const cJSON *args, void *arg)
{
	const cJSON		*dest = cJSON_GetObjectItemCaseSensitive(args,
				    "destination");
	struct weather_normals	 n;
	cJSON			*result, *msgs, *block, *res, *json;
	char			 msg[1024], query[256], *text, *uri;
	int			 rc;

	if (!cJSON_IsString(dest)) {
		mcp_call_fail(c, MCP_INVALID_PARAMS, "destination: missing; "
		    "give a city, airport code or metro code");
		return;
	}
	rc = weather_climate_find(weather_get(arg)->climate, dest->valuestring,
	    &n, msg, sizeof msg);
	if (rc != 0) {
		/* "location: …" from the finder: name the prompt's argument. */
		mcp_call_fail(c, rc > 0 ? MCP_INVALID_PARAMS :
		    MCP_INTERNAL_ERROR, "destination%s", rc > 0 &&
		    msg[0] == 'l' ? msg + 8 : msg);
		return;
	}
	weather_place_query(&n, query, sizeof query);
	uri = weather_climate_uri(&n);
	json = weather_normals_json(&n, 0);
	text = mcp_json_print(json, NULL);
	cJSON_Delete(json);

	msgs = cJSON_CreateArray();
	block = cJSON_CreateObject();
	res = cJSON_CreateObject();
	mcp_json_add_str(block, "type", "resource");
	mcp_json_add_str(res, "uri", uri);
	mcp_json_add_str(res, "mimeType", "application/json");
	mcp_json_add_str(res, "text", text);
	mcp_json_add(block, "resource", res);
	cJSON_AddItemToArray(msgs, best_time_message(block));
	free(text);

	text = mcp_xprintf("When is the best time to visit %s? The attached "
	    "resource (%s) holds the monthly climate of station %s, %.0f km "
	    "away (2003-2021 averages). Call getSeasonalInfo with location "
	    "\"%s\" for each month's score for temperature comfort, rain and "
	    "sunshine. Recommend the best months with their reasons (typical "
	    "highs and lows in °C and °F, rain days, sunshine), say which "
	    "months to avoid and why, and mention anything the seasons of "
	    "its hemisphere change for a traveller.", n.label, uri,
	    n.station_name, n.distance_km, query);
	block = cJSON_CreateObject();
	mcp_json_add_str(block, "type", "text");
	mcp_json_add_str(block, "text", text);
	cJSON_AddItemToArray(msgs, best_time_message(block));
	free(text);
	free(uri);

	result = cJSON_CreateObject();
	text = mcp_xprintf("Best time to visit %s", n.label);
	mcp_json_add_str(result, "description", text);
	free(text);
	mcp_json_add(result, "messages", msgs);
	mcp_call_return(c, result);
}

const struct mcp_prompt weather_prompt_best_time_to_visit = {
	.name = "best-time-to-visit",
	.title = "Best time to visit",
	.description = "Ask when to visit a destination, with its climate "
	    "normals attached",
	.args = {
		{ .name = "destination", .title = "Destination",
		  .description = "A city, airport code or metro code "
		      "(Barcelona, BCN, NYC)", .required = true },
	},
	.handler = best_time_get,
	.complete = weather_complete_place,
};
