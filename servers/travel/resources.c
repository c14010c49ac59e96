/*
 * Resources. The traveller's preferences, past trips, itineraries and
 * bookings as travel:// resources: one template each, and the concrete
 * ones listed (those in the database at start, and those this process
 * creates later, announced by list_changed). A change notifies
 * subscribers of its URI.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mcp/json.h"
#include "mcp/server.h"
#include "servers/common/app.h"

#include "bookings.h"
#include "db.h"
#include "tools.h"

/* Concrete resources announced at most (older ones stay readable). */
#define RESOURCES_MAX	4096

static const char resources_pref_sql[] =
    "SELECT data FROM preferences WHERE region = ?1";
static const char resources_trip_sql[] =
    "SELECT data FROM past_trips WHERE id = ?1";
static const char resources_itin_sql[] =
    "SELECT data FROM itineraries WHERE id = ?1";
static const char resources_all_sql[] =
    "SELECT 'preferences', region FROM preferences UNION ALL "
    "SELECT 'past-trips', id FROM past_trips UNION ALL "
    "SELECT 'itineraries', id FROM itineraries UNION ALL "
    "SELECT 'bookings', confirmation FROM bookings";
static const char resources_complete_pref_sql[] =
    "SELECT region FROM preferences WHERE region LIKE ?1 ESCAPE '\\' "
    "ORDER BY region LIMIT 100";
static const char resources_complete_trip_sql[] =
    "SELECT id FROM past_trips WHERE id LIKE ?1 ESCAPE '\\' "
    "ORDER BY id LIMIT 100";
static const char resources_complete_itin_sql[] =
    "SELECT id FROM itineraries WHERE id LIKE ?1 ESCAPE '\\' "
    "ORDER BY id LIMIT 100";
static const char resources_complete_booking_sql[] =
    "SELECT confirmation FROM bookings WHERE confirmation LIKE ?1 "
    "ESCAPE '\\' ORDER BY id DESC LIMIT 100";

/* What this process announced, owned here until travel_resources_free. */
static struct mcp_resource *resources_list[RESOURCES_MAX];
static size_t resources_n;

static void
resources_contents(struct mcp_call *call, const char *uri, const char *text)
{
	mcp_call_return_resource_text(call, uri, "application/json", text);
}

/* Reads the data column of sql for key; NULL (not found or error). */
static char *
resources_data(sqlite3 *db, const char *sql, const char *key, char *err,
    size_t errlen)
{
	sqlite3_stmt	*st;
	char		*text = NULL;
	int		 rc;

	if ((st = travel_db_stmt(db, sql, err, errlen)) == NULL)
		return (NULL);
	sqlite3_bind_text(st, 1, key, -1, SQLITE_TRANSIENT);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		text = mcp_xstrdup(travel_db_text(st, 0));
	else if (rc == SQLITE_DONE)
		err[0] = '\0';
	else
		snprintf(err, errlen, "travel database: %s",
		    sqlite3_errmsg(db));
	sqlite3_reset(st);
	return (text);
}

static void
resources_read(struct mcp_call *call, const char *uri, const cJSON *vars,
    void *arg)
{
	static const struct {
		const char	*prefix;
		const char	*sql;
		const char	*what;
		const char	*hint;
	} kinds[] = {
		{ "travel://preferences/", resources_pref_sql, "preferences",
		    "updatePreferences creates them; europe is the demo" },
		{ "travel://past-trips/", resources_trip_sql, "past trip",
		    "resources/list shows the trips there are" },
		{ "travel://itineraries/", resources_itin_sql, "itinerary",
		    "createItinerary makes one" },
		{ "travel://bookings/", NULL, "booking",
		    "listBookings shows the bookings there are" },
	};
	struct common_app	*app = arg;
	char			 err[512] = "", *text = NULL, key[128];
	const char		*rest;
	size_t			 i, n;
	cJSON			*booking = NULL;

	(void)vars;
	for (i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
		n = strlen(kinds[i].prefix);
		if (strncmp(uri, kinds[i].prefix, n) == 0)
			break;
	}
	if (i == sizeof kinds / sizeof kinds[0] ||
	    strlen(rest = uri + strlen(kinds[i].prefix)) >= sizeof key ||
	    *rest == '\0') {
		mcp_call_fail(call, MCP_RESOURCE_NOT_FOUND, "no resource %s",
		    uri);
		return;
	}
	snprintf(key, sizeof key, "%s", rest);
	if (kinds[i].sql != NULL)
		text = resources_data(app->db, kinds[i].sql, key, err,
		    sizeof err);
	else if (travel_bookings_get(app->db, key, &booking, err,
	    sizeof err) == 0) {
		text = cJSON_Print(booking);
		cJSON_Delete(booking);
	} else if (strncmp(err, "travel database", 15) != 0)
		err[0] = '\0';
	if (text == NULL) {
		if (err[0] != '\0')
			mcp_call_fail(call, MCP_INTERNAL_ERROR, "%s", err);
		else
			mcp_call_fail(call, MCP_RESOURCE_NOT_FOUND, "no %s "
			    "\"%s\"; %s", kinds[i].what, key, kinds[i].hint);
		return;
	}
	resources_contents(call, uri, text);
	free(text);
}

/* Completion of a template's variable from its table. */
static void
resources_complete_any(struct mcp_call *call, const char *argument,
    const char *value, const cJSON *context, void *arg)
{
	struct common_app	*app = arg;
	const char		*sql;
	sqlite3_stmt		*st;
	char			 like[300], err[256];
	size_t			 i, n = 0;
	cJSON			*values = cJSON_CreateArray();

	(void)context;
	if (strcmp(argument, "region") == 0)
		sql = resources_complete_pref_sql;
	else if (strcmp(argument, "trip_id") == 0)
		sql = resources_complete_trip_sql;
	else if (strcmp(argument, "id") == 0 && strstr(mcp_call_name(call),
	    "bookings") != NULL)
		sql = resources_complete_booking_sql;
	else if (strcmp(argument, "id") == 0)
		sql = resources_complete_itin_sql;
	else {
		mcp_call_return_completion(call, values, false);
		return;
	}
	/* LIKE with the user's % and _ taken literally. */
	for (i = 0; value[i] != '\0' && n + 3 < sizeof like - 1; i++) {
		if (value[i] == '%' || value[i] == '_' || value[i] == '\\')
			like[n++] = '\\';
		like[n++] = value[i];
	}
	like[n++] = '%';
	like[n] = '\0';
	if ((st = travel_db_stmt(app->db, sql, err, sizeof err)) != NULL) {
		sqlite3_bind_text(st, 1, like, -1, SQLITE_TRANSIENT);
		while (sqlite3_step(st) == SQLITE_ROW)
			cJSON_AddItemToArray(values,
			    cJSON_CreateString(travel_db_text(st, 0)));
		sqlite3_reset(st);
	}
	mcp_call_return_completion(call, values, false);
}

static const struct mcp_resource_template resources_templates[] = {
	{
		.uri_template = "travel://preferences/{region}",
		.name = "preferences",
		.title = "Travel preferences",
		.description = "The traveller's preferences for a region: "
		    "airlines, hotel chains, seat, cabin",
		.mime_type = "application/json",
		.handler = resources_read,
		.complete = resources_complete_any,
	},
	{
		.uri_template = "travel://past-trips/{trip_id}",
		.name = "past-trips",
		.title = "Past trip",
		.description = "A trip taken before: where, when, what was "
		    "enjoyed",
		.mime_type = "application/json",
		.handler = resources_read,
		.complete = resources_complete_any,
	},
	{
		.uri_template = "travel://itineraries/{id}",
		.name = "itineraries",
		.title = "Itinerary",
		.description = "A planned trip: dates, bookings, activities "
		    "(createItinerary)",
		.mime_type = "application/json",
		.handler = resources_read,
		.complete = resources_complete_any,
	},
	{
		.uri_template = "travel://bookings/{id}",
		.name = "bookings",
		.title = "Booking",
		.description = "A flight or hotel booking by its confirmation "
		    "code",
		.mime_type = "application/json",
		.handler = resources_read,
		.complete = resources_complete_any,
	},
};

/* Announces uri (kind: "bookings" ...) unless this process already did. */
static int
resources_add(struct common_app *app, const char *kind, const char *key)
{
	struct mcp_resource	*r;
	struct mcp_err		 e = { 0, "" };
	char			 uri[256], title[256];
	size_t			 i;

	snprintf(uri, sizeof uri, "travel://%s/%s", kind, key);
	for (i = 0; i < resources_n; i++)
		if (strcmp(resources_list[i]->uri, uri) == 0)
			return (0);
	if (resources_n == RESOURCES_MAX)
		return (0);
	r = mcp_xcalloc(1, sizeof *r);
	r->uri = mcp_xstrdup(uri);
	r->name = mcp_xstrdup(key);
	snprintf(title, sizeof title, "%s %s",
	    strcmp(kind, "preferences") == 0 ? "Preferences," :
	    strcmp(kind, "past-trips") == 0 ? "Past trip" :
	    strcmp(kind, "itineraries") == 0 ? "Itinerary" : "Booking", key);
	r->title = mcp_xstrdup(title);
	r->mime_type = "application/json";
	r->handler = resources_read;
	if (mcp_server_add_resource(app->server, r, app, &e) != 0) {
		free((char *)r->uri);
		free((char *)r->name);
		free((char *)r->title);
		free(r);
		return (-1);
	}
	resources_list[resources_n++] = r;
	return (0);
}

int
travel_resources_setup(struct common_app *app, char *err, size_t errlen)
{
	struct mcp_err	 e = { 0, "" };
	sqlite3_stmt	*st;
	size_t		 i;
	int		 rc;

	for (i = 0; i < sizeof resources_templates /
	    sizeof resources_templates[0]; i++) {
		if (mcp_server_add_template(app->server,
		    &resources_templates[i], app, &e) != 0) {
			snprintf(err, errlen, "%s", e.msg);
			return (-1);
		}
	}
	if ((st = travel_db_stmt(app->db, resources_all_sql, err,
	    errlen)) == NULL)
		return (-1);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		char kind[32], key[128];

		snprintf(kind, sizeof kind, "%s", travel_db_text(st, 0));
		snprintf(key, sizeof key, "%s", travel_db_text(st, 1));
		if (resources_add(app, kind, key) != 0) {
			sqlite3_reset(st);
			snprintf(err, errlen, "cannot list travel://%s/%s",
			    kind, key);
			return (-1);
		}
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		snprintf(err, errlen, "travel database: %s",
		    sqlite3_errmsg(app->db));
		return (-1);
	}
	return (0);
}

void
travel_resources_changed(struct common_app *app, const char *kind,
    const char *key)
{
	char	uri[256];

	resources_add(app, kind, key);
	snprintf(uri, sizeof uri, "travel://%s/%s", kind, key);
	mcp_server_resource_updated(app->server, uri);
}

void
travel_resources_booking_changed(struct common_app *app, const char *code)
{
	travel_resources_changed(app, "bookings", code);
}

void
travel_resources_free(void)
{
	size_t	i;

	for (i = 0; i < resources_n; i++) {
		free((char *)resources_list[i]->uri);
		free((char *)resources_list[i]->name);
		free((char *)resources_list[i]->title);
		free(resources_list[i]);
	}
	resources_n = 0;
}
