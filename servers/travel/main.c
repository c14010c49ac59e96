/*
 * tripmcp-travel: the guide's Travel Server. Flights on the real routes,
 * hotels, bookings, itineraries, the traveller's preferences and past
 * trips, over MCP on stdio or Streamable HTTP.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mcp/json.h"
#include "mcp/server.h"
#include "servers/common/app.h"

#include "db.h"
#include "hotels.h"
#include "tools.h"

static const struct mcp_server_info travel_info = {
	.name = "tripmcp-travel",
	.version = "0.1.0",
	.title = "tripmcp Travel",
	.description = "Flights, hotels, bookings and itineraries on real "
	    "route and place data; prices and inventory are simulated",
	.instructions = "Search with searchFlights and searchHotels, then book "
	    "an offerId with bookFlight or bookHotel (each needs an "
	    "idempotencyKey; retrying with the same key never books twice). "
	    "Read travel://preferences/{region} and "
	    "travel://past-trips/{trip_id} for the traveller's taste. "
	    "Prices and seat or room inventory are simulated. "
	    "travel://about names the data sources and their licences.",
	.usage = COMMON_APP_USAGE
	    "\nData: OurAirports (public domain), OpenFlights routes and "
	    "airlines (ODbL 1.0),\nGeoNames (CC BY 4.0), Wikidata (CC0), "
	    "countries-list (MIT); read travel://about\nor data/NOTICE for "
	    "the full attributions. Fares, seats and hotels are simulated.\n",
};

static const struct mcp_tool *const travel_tools[] = {
	&travel_tool_search_flights,
	&travel_tool_search_hotels,
	&travel_tool_book_flight,
	&travel_tool_book_hotel,
	&travel_tool_cancel_booking,
	&travel_tool_get_booking,
	&travel_tool_list_bookings,
	&travel_tool_create_itinerary,
	&travel_tool_get_itinerary,
	&travel_tool_update_preferences,
};

/* travel://about: the data's attributions, as its licences ask. */
static void
travel_about(struct mcp_call *call, const char *uri, const cJSON *vars,
    void *arg)
{
	struct common_app	*app = arg;
	char			*text, err[512];

	(void)vars;
	if ((text = common_app_notice(app, err, sizeof err)) == NULL) {
		mcp_call_fail(call, MCP_INTERNAL_ERROR, "%s", err);
		return;
	}
	mcp_call_return_resource_text(call, uri, "text/plain", text);
	free(text);
}

static const struct mcp_resource travel_about_resource = {
	.uri = "travel://about",
	.name = "about",
	.title = "About the travel data",
	.description = "Where the airports, airlines, routes, cities and "
	    "attractions come from, and their licences",
	.mime_type = "text/plain",
	.handler = travel_about,
};

static int
travel_setup(struct common_app *app, char *err, size_t errlen)
{
	struct mcp_err	e = { 0, "" };
	size_t		i;

	for (i = 0; i < sizeof travel_tools / sizeof travel_tools[0]; i++)
		if (mcp_server_add_tool(app->server, travel_tools[i], app,
		    &e) != 0)
			goto fail;
	if (mcp_server_add_resource(app->server, &travel_about_resource, app,
	    &e) != 0 || mcp_server_add_prompt(app->server,
	    &travel_prompt_plan_vacation, app, &e) != 0)
		goto fail;
	return (travel_resources_setup(app, err, errlen));
fail:
	snprintf(err, errlen, "%s", e.msg);
	return (-1);
}

/* Before the database closes: the cached statements, the listed resources. */
static void
travel_teardown(struct common_app *app)
{
	(void)app;
	travel_db_finalize();
	travel_resources_free();
}

static struct common_app travel_app = {
	.name = "travel",
	.migrations = travel_db_migrations,
	.setup = travel_setup,
	.teardown = travel_teardown,
};

int
main(int argc, char **argv)
{
	travel_app.n_migrations = travel_db_nmigrations;
	return (common_app_main(&travel_app, &travel_info, argc, argv));
}
