/*
 * weather://about: what the server answers from and the attributions the
 * data's licences ask for (data/NOTICE, shipped with the program).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mcp/json.h"

#include "weather.h"

static const char about_intro[] =
    "tripmcp-weather answers from real climate data: the monthly averages "
    "(2003-2021) of the Deutscher Wetterdienst's CLIMAT station reports, "
    "each place taking the station the data links to its city (or the "
    "nearest within 150 km). Forecasts within 16 days are modelled around "
    "those averages (no live weather service is consulted); further out "
    "the result is a climatological outlook. Place names come from "
    "GeoNames and OurAirports.\n\n"
    "Climate: " WEATHER_CLIMATE_SOURCE ".\n\n";

static void
about_read(struct mcp_call *c, const char *uri, const cJSON *vars, void *arg)
{
	struct common_app	*app = arg;
	char			*notice, *text, err[256];

	(void)vars;
	notice = common_app_notice(app, err, sizeof err);
	text = mcp_xprintf("%s%s", about_intro, notice != NULL ? notice :
	    "(data/NOTICE is missing from this installation: the "
	    "attributions above still apply)\n");
	free(notice);
	mcp_call_return_resource_text(c, uri, "text/plain", text);
	free(text);
}

const struct mcp_resource weather_resource_about = {
	.uri = "weather://about",
	.name = "about",
	.title = "About the weather data",
	.description = "Where the weather server's data comes from and the "
	    "attributions its licences ask for",
	.mime_type = "text/plain",
	.handler = about_read,
};
