/*
 * tripmcp-weather: the guide's Weather Server. Forecasts modelled around
 * real station normals, the normals themselves and the best months to
 * visit, over MCP on stdio or Streamable HTTP.
 */
#include <stdio.h>
#include <string.h>

#include "mcp/server.h"
#include "servers/common/app.h"
#include "servers/common/db.h"
#include "servers/common/place.h"

#include "climate.h"
#include "weather.h"

#ifndef TRIPMCP_VERSION
#define TRIPMCP_VERSION	"0.1.0"
#endif

/* Schema ------------------------------------------------------------------ */

/* Version 1: the places and the climate tables, seeded from data/. */
static int
weather_migrate_1(sqlite3 *db, void *arg, char *err, size_t errlen)
{
	struct common_app *app = arg;

	if (common_db_exec(db, common_place_schema, err, errlen) != 0 ||
	    common_db_exec(db, weather_climate_schema, err, errlen) != 0 ||
	    common_place_load(db, app->data_dir, err, errlen) != 0 ||
	    weather_climate_load(db, app->data_dir, err, errlen) != 0)
		return (-1);
	return (0);
}

static const struct common_db_migration weather_migrations[] = {
	{ .version = 1, .fn = weather_migrate_1 },
};

/* Declarations ------------------------------------------------------------ */

static const struct mcp_tool *const weather_tools[] = {
	&weather_tool_check_weather,
	&weather_tool_get_climate_data,
	&weather_tool_get_seasonal_info,
};

static int
weather_setup(struct common_app *app, char *err, size_t errlen)
{
	struct weather	*w = app->arg;
	struct mcp_err	 e;
	size_t		 i;

	memset(&e, 0, sizeof e);
	if ((w->climate = weather_climate_new(app->db, err, errlen)) == NULL)
		return (-1);
	w->db = app->db;
	for (i = 0; i < sizeof weather_tools / sizeof weather_tools[0]; i++)
		if (mcp_server_add_tool(app->server, weather_tools[i], app,
		    &e) != 0)
			goto fail;
	if (mcp_server_add_resource(app->server, &weather_resource_about, app,
	    &e) != 0 ||
	    mcp_server_add_template(app->server, &weather_resource_climate,
	    app, &e) != 0 ||
	    mcp_server_add_prompt(app->server,
	    &weather_prompt_best_time_to_visit, app, &e) != 0)
		goto fail;
	return (0);
fail:
	snprintf(err, errlen, "%s", e.msg);
	return (-1);
}

/* The cached statements go before the kit closes the database. */
static void
weather_teardown(struct common_app *app)
{
	struct weather	*w = app->arg;

	weather_climate_free(w->climate);
	w->climate = NULL;
	w->db = NULL;
}

static const struct mcp_server_info weather_info = {
	.name = "tripmcp-weather",
	.version = TRIPMCP_VERSION,
	.title = "tripmcp Weather",
	.description = "Day-by-day weather for trip dates (modelled around "
	    "real station normals within 16 days, a climatological outlook "
	    "beyond), monthly climate normals and the best months to visit",
	.instructions = "Use checkWeather for the days of a trip, "
	    "getClimateData for a place's monthly normals and getSeasonalInfo "
	    "for the best months to visit. Places may be city names (any "
	    "case, with or without accents), IATA airport codes or metro "
	    "codes. Forecasts are modelled from 2003-2021 station averages, "
	    "not a live weather service; read weather://about for the "
	    "data's sources.",
	.usage = COMMON_APP_USAGE,
};

int
main(int argc, char **argv)
{
	struct weather		w;
	struct common_app	app;
	int			rc;

	memset(&w, 0, sizeof w);
	memset(&app, 0, sizeof app);
	app.name = "weather";
	app.migrations = weather_migrations;
	app.n_migrations = sizeof weather_migrations /
	    sizeof weather_migrations[0];
	app.setup = weather_setup;
	app.teardown = weather_teardown;
	app.arg = &w;
	rc = common_app_main(&app, &weather_info, argc, argv);
	return (rc);
}
