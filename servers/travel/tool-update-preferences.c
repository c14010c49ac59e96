/*
 * updatePreferences: changes the traveller's preferences for a region
 * (travel://preferences/{region}); fields left out keep their values.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mcp/server.h"
#include "servers/common/app.h"

#include "db.h"
#include "flights.h"
#include "input.h"
#include "tools.h"

static const char prefs_input[] =
    "{\"type\":\"object\",\"properties\":{"
    "\"region\":{\"type\":\"string\",\"pattern\":\"^[A-Za-z0-9-]{1,32}$\","
    "\"description\":\"europe, north-america, asia, ... or any name of "
    "your own (letters, digits, -)\"},"
    "\"preferredAirlines\":{\"type\":\"array\",\"maxItems\":16,\"items\":"
    "{\"type\":\"string\",\"minLength\":1,\"maxLength\":100}},"
    "\"preferredHotelChains\":{\"type\":\"array\",\"maxItems\":16,\"items\":"
    "{\"type\":\"string\",\"minLength\":1,\"maxLength\":64}},"
    "\"seatPreference\":{\"type\":\"string\",\"enum\":[\"window\",\"aisle\","
    "\"middle\",\"any\"]},"
    "\"cabin\":{\"type\":\"string\",\"enum\":[\"economy\","
    "\"premium_economy\",\"business\",\"first\"]},"
    "\"notes\":{\"type\":\"string\",\"maxLength\":1000}},"
    "\"required\":[\"region\"],\"additionalProperties\":false}";

static const char prefs_output[] =
    "{\"type\":\"object\",\"required\":[\"region\"],\"properties\":{"
    "\"region\":{\"type\":\"string\"},"
    "\"preferredAirlines\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}},"
    "\"preferredHotelChains\":{\"type\":\"array\",\"items\":"
    "{\"type\":\"string\"}},"
    "\"seatPreference\":{\"type\":\"string\"},\"cabin\":{\"type\":\"string\"},"
    "\"notes\":{\"type\":\"string\"},\"updatedAt\":{\"type\":\"string\"}}}";

static const char prefs_get_sql[] =
    "SELECT data FROM preferences WHERE region = ?1";
static const char prefs_put_sql[] =
    "INSERT INTO preferences (region, data, updated_at) VALUES (?1, ?2, ?3) "
    "ON CONFLICT (region) DO UPDATE SET data = excluded.data, "
    "updated_at = excluded.updated_at";

static void
update_preferences(struct mcp_call *call, const cJSON *args, void *arg)
{
	static const char *const keys[] = {
		"preferredAirlines", "preferredHotelChains", "seatPreference",
		"cabin", "notes",
	};
	struct common_app	*app = arg;
	char			 region[40], err[1024], field[64], now[32];
	char			 codes[16][4], *text, summary[256];
	const cJSON		*v, *it;
	cJSON			*data = NULL;
	sqlite3_stmt		*st;
	size_t			 i, n, changed = 0;
	int			 r, k, rc;

	snprintf(region, sizeof region, "%s",
	    cJSON_GetObjectItem(args, "region")->valuestring);
	for (i = 0; region[i] != '\0'; i++)
		region[i] = (char)tolower((unsigned char)region[i]);
	for (i = 0; i < sizeof keys / sizeof keys[0]; i++)
		if (cJSON_GetObjectItem(args, keys[i]) != NULL)
			changed++;
	if (changed == 0) {
		mcp_call_return_error(call, "preferences: nothing to change; "
		    "give preferredAirlines, preferredHotelChains, "
		    "seatPreference, cabin or notes");
		return;
	}
	k = 0;
	cJSON_ArrayForEach(it, cJSON_GetObjectItem(args, "preferredAirlines")) {
		snprintf(field, sizeof field, "preferredAirlines[%d]", k++);
		if ((r = travel_input_text(field, it->valuestring, 100, 0, err,
		    sizeof err)) != 0)
			goto error;
		if (travel_flights_airlines(app->db, it->valuestring, codes, 16,
		    &n, err, sizeof err) != 0) {
			r = -1;
			goto error;
		}
		if (n == 0) {
			snprintf(err, sizeof err, "%s: no airline named "
			    "\"%.100s\" in the data; give an IATA code (DL) or "
			    "a name (Delta)", field, it->valuestring);
			r = 1;
			goto error;
		}
	}
	k = 0;
	cJSON_ArrayForEach(it, cJSON_GetObjectItem(args,
	    "preferredHotelChains")) {
		snprintf(field, sizeof field, "preferredHotelChains[%d]", k++);
		if ((r = travel_input_text(field, it->valuestring, 64, 0, err,
		    sizeof err)) != 0)
			goto error;
	}
	if ((v = cJSON_GetObjectItem(args, "notes")) != NULL &&
	    (r = travel_input_text("notes", v->valuestring, 1000, 1, err,
	    sizeof err)) != 0)
		goto error;

	if (travel_db_begin(app->db, err, sizeof err) != 0) {
		r = -1;
		goto error;
	}
	if ((st = travel_db_stmt(app->db, prefs_get_sql, err,
	    sizeof err)) == NULL)
		goto dbfail;
	sqlite3_bind_text(st, 1, region, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		data = cJSON_Parse(travel_db_text(st, 0));
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		snprintf(err, sizeof err, "travel database: %s",
		    sqlite3_errmsg(app->db));
		goto dbfail;
	}
	if (data == NULL) {
		data = cJSON_CreateObject();
		cJSON_AddStringToObject(data, "region", region);
	}
	for (i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		if ((v = cJSON_GetObjectItem(args, keys[i])) == NULL)
			continue;
		cJSON_DeleteItemFromObject(data, keys[i]);
		cJSON_AddItemToObject(data, keys[i], cJSON_Duplicate(v, 1));
	}
	travel_db_now(now, sizeof now);
	cJSON_DeleteItemFromObject(data, "updatedAt");
	cJSON_AddStringToObject(data, "updatedAt", now);
	text = cJSON_PrintUnformatted(data);
	if ((st = travel_db_stmt(app->db, prefs_put_sql, err,
	    sizeof err)) == NULL) {
		free(text);
		goto dbfail;
	}
	sqlite3_bind_text(st, 1, region, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, text, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, now, -1, SQLITE_STATIC);
	free(text);
	if (travel_db_done(app->db, st, err, sizeof err) != 0 ||
	    travel_db_commit(app->db, err, sizeof err) != 0)
		goto dbfail;
	travel_resources_changed(app, "preferences", region);
	snprintf(summary, sizeof summary, "Updated %zu preference%s for %s "
	    "(travel://preferences/%s).", changed, changed == 1 ? "" : "s",
	    region, region);
	mcp_call_return_structured(call, data, summary);
	return;

dbfail:
	travel_db_rollback(app->db);
	cJSON_Delete(data);
	r = -1;
error:
	if (r > 0)
		mcp_call_return_error(call, "%s", err);
	else
		mcp_call_return_error(call, "updatePreferences failed, nothing "
		    "was changed: %s", err);
}

const struct mcp_tool travel_tool_update_preferences = {
	.name = "updatePreferences",
	.title = "Update travel preferences",
	.description = "Changes the traveller's preferences for a region "
	    "(airlines, hotel chains, seat, cabin, notes); fields left out "
	    "keep their values. Read them as travel://preferences/{region}.",
	.input_schema = prefs_input,
	.output_schema = prefs_output,
	.annotations = "{\"readOnlyHint\":false,\"destructiveHint\":true,"
	    "\"idempotentHint\":true,\"openWorldHint\":false}",
	.handler = update_preferences,
};
