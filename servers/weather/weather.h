/*
 * The weather server (tripmcp-weather): its state, its declarations (one
 * per file: tool-*.c, resource-*.c, prompt-*.c) and what they share.
 */
#ifndef SERVERS_WEATHER_WEATHER_H
#define SERVERS_WEATHER_WEATHER_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include "mcp/server.h"
#include "servers/common/app.h"

#include "climate.h"

/* The program's state: app->arg. Handlers get the struct common_app *. */
struct weather {
	struct weather_climate	*climate;
	sqlite3			*db;	/* app->db once setup has run */
};

/* Declarations */
extern const struct mcp_tool weather_tool_check_weather;
extern const struct mcp_tool weather_tool_get_climate_data;
extern const struct mcp_tool weather_tool_get_seasonal_info;
extern const struct mcp_resource weather_resource_about;
extern const struct mcp_resource_template weather_resource_climate;
extern const struct mcp_prompt weather_prompt_best_time_to_visit;

/* Output schema pieces the tools share (JSON text). */
#define WEATHER_SCHEMA_PLACE \
	"{\"type\":\"object\",\"required\":[\"label\",\"name\"," \
	"\"kind\",\"country\",\"countryCode\",\"lat\",\"lon\"]," \
	"\"properties\":{\"label\":{\"type\":\"string\"}," \
	"\"name\":{\"type\":\"string\"},\"kind\":{\"enum\":[\"city\"," \
	"\"airport\",\"metro\",\"district\"]},\"code\":{\"type\":" \
	"\"string\"},\"country\":{\"type\":\"string\"},\"countryCode\":" \
	"{\"type\":\"string\"},\"lat\":{\"type\":\"number\"},\"lon\":" \
	"{\"type\":\"number\"},\"note\":{\"type\":\"string\"}}}"
#define WEATHER_SCHEMA_STATION \
	"{\"type\":\"object\",\"required\":[\"id\",\"name\"," \
	"\"distanceKm\"],\"properties\":{\"id\":{\"type\":\"string\"}," \
	"\"name\":{\"type\":\"string\"},\"country\":{\"type\":" \
	"\"string\"},\"lat\":{\"type\":\"number\"},\"lon\":{\"type\":" \
	"\"number\"},\"elevationM\":{\"type\":\"number\"}," \
	"\"distanceKm\":{\"type\":\"number\",\"minimum\":0}}}"
#define WEATHER_SCHEMA_NUM_OR_NULL "{\"type\":[\"number\",\"null\"]}"
#define WEATHER_SCHEMA_MONTH \
	"{\"type\":\"object\",\"required\":[\"month\",\"name\"," \
	"\"highC\",\"lowC\",\"highF\",\"lowF\",\"precipitationMm\"," \
	"\"rainDays\",\"sunshineHours\"],\"properties\":{\"month\":" \
	"{\"type\":\"integer\",\"minimum\":1,\"maximum\":12}," \
	"\"name\":{\"type\":\"string\"},\"highC\":{\"type\":\"number\"}," \
	"\"lowC\":{\"type\":\"number\"},\"meanC\":{\"type\":\"number\"}," \
	"\"highF\":{\"type\":\"number\"},\"lowF\":{\"type\":\"number\"}," \
	"\"meanF\":{\"type\":\"number\"},\"precipitationMm\":" \
	WEATHER_SCHEMA_NUM_OR_NULL ",\"rainDays\":" \
	WEATHER_SCHEMA_NUM_OR_NULL ",\"sunshineHours\":" \
	WEATHER_SCHEMA_NUM_OR_NULL ",\"yearsOfRecordTemperature\":" \
	"{\"type\":\"integer\"},\"yearsOfRecordPrecipitation\":" \
	"{\"type\":\"integer\"}}}"
/* A read-only tool over our own data. */
#define WEATHER_ANNOTATIONS_READ \
	"{\"readOnlyHint\":true,\"destructiveHint\":false," \
	"\"idempotentHint\":true,\"openWorldHint\":false}"
/* The location argument. */
#define WEATHER_SCHEMA_LOCATION \
	"{\"type\":\"string\",\"minLength\":1,\"maxLength\":200," \
	"\"description\":\"A city (Barcelona, \\\"San Juan, Puerto " \
	"Rico\\\", Zurich or Zürich), an IATA airport code (BCN) or a " \
	"metro code (NYC)\"}"

/* Input ceilings (the schemas say the same). */
#define WEATHER_LOCATION_MAX	200

/* Shared by the handlers */
/* The state behind a handler's arg (the struct common_app *). */
struct weather *weather_get(void *arg);
/*
 * Finds location's normals for a tool call. Returns 0; otherwise the call
 * has been ended with an isError result naming the location (or a database
 * error) and -1 is returned.
 */
int	 weather_find(struct mcp_call *, void *arg, const char *location,
	     struct weather_normals *out);
/* What to type to find n again: its code for an airport or metro code,
 * else its label ("Barcelona, Spain"). */
void	 weather_place_query(const struct weather_normals *, char *buf,
	     size_t len);
/* weather://climate/{city} for n, percent-encoded; the caller frees it. */
char	*weather_climate_uri(const struct weather_normals *);
/* The {city}, destination completer: place names by prefix. */
void	 weather_complete_place(struct mcp_call *, const char *argument,
	     const char *value, const cJSON *context, void *arg);
/* The normals of n as the climate resource and getClimateData give them:
 * month 1..12 for one month, 0 for all twelve. The caller owns it. */
cJSON	*weather_normals_json(const struct weather_normals *, int month);

#endif
