/*
 * weather://about: what the server answers from and the attributions the
 * data's licences ask for (data/NOTICE, shipped with the program).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mcp/json.h"

#include "weather.h"

/* NOTICE is a page of text; anything larger is not ours. */
#define ABOUT_NOTICE_MAX	(64 * 1024)

static const char about_intro[] =
    "tripmcp-weather answers from real climate data: the monthly averages "
    "(2003-2021) of the Deutscher Wetterdienst's CLIMAT station reports, "
    "each place taking the station the data links to its city (or the "
    "nearest within 150 km). Forecasts within 16 days are modelled around "
    "those averages (no live weather service is consulted); further out "
    "the result is a climatological outlook. Place names come from "
    "GeoNames and OurAirports.\n\n"
    "Climate: " WEATHER_CLIMATE_SOURCE ".\n\n";

/* data/NOTICE, or NULL when it cannot be read; the caller frees it. */
static char *
about_notice(const char *dir)
{
	char	 path[4096], *buf;
	FILE	*f;
	size_t	 n;

	if (dir == NULL || (size_t)snprintf(path, sizeof path, "%s/NOTICE",
	    dir) >= sizeof path || (f = fopen(path, "rb")) == NULL)
		return (NULL);
	buf = mcp_xmalloc(ABOUT_NOTICE_MAX + 1);
	n = fread(buf, 1, ABOUT_NOTICE_MAX, f);
	fclose(f);
	buf[n] = '\0';
	return (buf);
}

static void
about_read(struct mcp_call *c, const char *uri, const cJSON *vars, void *arg)
{
	struct common_app	*app = arg;
	cJSON			*result = cJSON_CreateObject();
	cJSON			*contents = cJSON_CreateArray();
	cJSON			*item = cJSON_CreateObject();
	char			*notice, *text;

	(void)vars;
	notice = about_notice(app->data_dir);
	text = mcp_xprintf("%s%s", about_intro, notice != NULL ? notice :
	    "(data/NOTICE is missing from this installation: the "
	    "attributions above still apply)\n");
	free(notice);
	mcp_json_add_str(item, "uri", uri);
	mcp_json_add_str(item, "mimeType", "text/plain");
	mcp_json_add_str(item, "text", text);
	free(text);
	cJSON_AddItemToArray(contents, item);
	mcp_json_add(result, "contents", contents);
	mcp_call_return(c, result);
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
