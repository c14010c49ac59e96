/*
 * getItinerary: an itinerary createItinerary saved, by its id.
 */
#include <stdio.h>
#include <stdlib.h>

#include "mcp/server.h"
#include "servers/common/app.h"

#include "db.h"
#include "flights.h"
#include "tools.h"

static const char get_input[] =
    "{\"type\":\"object\",\"properties\":{"
    "\"id\":{\"type\":\"string\",\"minLength\":1,\"maxLength\":64,"
    "\"description\":\"the itinerary's id, as barcelona-2024\"}},"
    "\"required\":[\"id\"],\"additionalProperties\":false}";

static const char get_sql[] = "SELECT data FROM itineraries WHERE id = ?1";

static void
get_itinerary(struct mcp_call *call, const cJSON *args, void *arg)
{
	struct common_app	*app = arg;
	const char		*id = cJSON_GetObjectItem(args, "id")->valuestring;
	sqlite3_stmt		*st;
	cJSON			*data = NULL;
	char			 err[512], summary[1024];
	int			 rc;

	if ((st = travel_db_stmt(app->db, get_sql, err, sizeof err)) == NULL) {
		mcp_call_return_error(call, "getItinerary failed: %s", err);
		return;
	}
	sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		data = cJSON_Parse(travel_db_text(st, 0));
	sqlite3_reset(st);
	if (rc == SQLITE_DONE) {
		mcp_call_return_error(call, "id: no itinerary \"%.64s\"; "
		    "createItinerary makes one, resources/list shows those "
		    "there are", id);
		return;
	}
	if (data == NULL) {
		mcp_call_return_error(call, "getItinerary failed: %s",
		    rc == SQLITE_ROW ? "stored itinerary unreadable" :
		    sqlite3_errmsg(app->db));
		return;
	}
	snprintf(summary, sizeof summary, "Itinerary %s: %s, %s to %s. "
	    "Note: " TRAVEL_SIMULATED ".",
	    cJSON_GetObjectItem(data, "id")->valuestring,
	    cJSON_GetObjectItem(data, "title")->valuestring,
	    cJSON_GetObjectItem(data, "startDate")->valuestring,
	    cJSON_GetObjectItem(data, "endDate")->valuestring);
	mcp_call_return_structured(call, data, summary);
}

const struct mcp_tool travel_tool_get_itinerary = {
	.name = "getItinerary",
	.title = "Get an itinerary",
	.description = "An itinerary by its id (also readable as "
	    "travel://itineraries/{id}).",
	.input_schema = get_input,
	.output_schema = travel_itinerary_schema,
	.annotations = "{\"readOnlyHint\":true,\"openWorldHint\":false}",
	.handler = get_itinerary,
};
