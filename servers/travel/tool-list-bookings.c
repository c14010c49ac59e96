/*
 * listBookings: the bookings, newest first, optionally by status and kind.
 */
#include <stdio.h>
#include <string.h>

#include "mcp/server.h"
#include "servers/common/app.h"

#include "bookings.h"
#include "flights.h"
#include "tools.h"

static const char list_input[] =
    "{\"type\":\"object\",\"properties\":{"
    "\"status\":{\"type\":\"string\",\"enum\":[\"confirmed\",\"cancelled\","
    "\"all\"],\"description\":\"default all\"},"
    "\"kind\":{\"type\":\"string\",\"enum\":[\"flight\",\"hotel\",\"all\"],"
    "\"description\":\"default all\"}},\"additionalProperties\":false}";

static const char list_output[] =
    "{\"type\":\"object\",\"required\":[\"bookings\",\"count\"],"
    "\"properties\":{\"bookings\":{\"type\":\"array\",\"items\":"
    "{\"type\":\"object\"}},\"count\":{\"type\":\"integer\"},"
    "\"simulated\":{\"type\":\"string\"}}}";

static void
list_bookings(struct mcp_call *call, const cJSON *args, void *arg)
{
	struct common_app	*app = arg;
	const cJSON		*st = cJSON_GetObjectItem(args, "status");
	const cJSON		*kd = cJSON_GetObjectItem(args, "kind");
	const char		*status = st != NULL ? st->valuestring : NULL;
	const char		*kind = kd != NULL ? kd->valuestring : NULL;
	cJSON			*list, *res;
	char			 err[1024], summary[512];
	int			 n;

	if (status != NULL && strcmp(status, "all") == 0)
		status = NULL;
	if (kind != NULL && strcmp(kind, "all") == 0)
		kind = NULL;
	if (travel_bookings_list(app->db, status, kind, &list, err,
	    sizeof err) != 0) {
		mcp_call_return_error(call, "listBookings failed: %s", err);
		return;
	}
	n = cJSON_GetArraySize(list);
	res = cJSON_CreateObject();
	cJSON_AddItemToObject(res, "bookings", list);
	cJSON_AddNumberToObject(res, "count", n);
	cJSON_AddStringToObject(res, "simulated", TRAVEL_SIMULATED);
	snprintf(summary, sizeof summary, "%d booking%s%s%s. Note: %s.", n,
	    n == 1 ? "" : "s", status != NULL ? ", " : "",
	    status != NULL ? status : "", TRAVEL_SIMULATED);
	mcp_call_return_structured(call, res, summary);
}

const struct mcp_tool travel_tool_list_bookings = {
	.name = "listBookings",
	.title = "List bookings",
	.description = "The flight and hotel bookings, newest first.",
	.input_schema = list_input,
	.output_schema = list_output,
	.annotations = "{\"readOnlyHint\":true,\"openWorldHint\":false}",
	.handler = list_bookings,
};
