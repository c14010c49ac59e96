/*
 * plan-vacation: the guide's prompt. Its one user message is built from
 * the arguments, checked first: the destination resolved, the dates real
 * and ahead, the budget and party sensible; it names the resources to read
 * and the calls to make, with the arguments filled in.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mcp/json.h"
#include "mcp/server.h"
#include "servers/common/app.h"
#include "servers/common/money.h"

#include "db.h"
#include "input.h"
#include "tools.h"

static const char plan_continent_sql[] =
    "SELECT continent FROM countries WHERE iso2 = ?1";
static const char plan_prefs_sql[] =
    "SELECT 1 FROM preferences WHERE region = ?1";
static const char plan_trips_sql[] =
    "SELECT id FROM past_trips ORDER BY id LIMIT 5";

/* The preferences region of a country: europe, north-america, ... */
static const char *
plan_region(sqlite3 *db, const char *country_code)
{
	static const struct {
		const char *code, *region;
	} map[] = {
		{ "EU", "europe" }, { "NA", "north-america" },
		{ "SA", "south-america" }, { "AS", "asia" },
		{ "AF", "africa" }, { "OC", "oceania" },
		{ "AN", "antarctica" },
	};
	sqlite3_stmt	*st;
	char		 err[256], cont[4] = "";
	size_t		 i;

	if ((st = travel_db_stmt(db, plan_continent_sql, err,
	    sizeof err)) == NULL)
		return ("europe");
	sqlite3_bind_text(st, 1, country_code, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		snprintf(cont, sizeof cont, "%s", travel_db_text(st, 0));
	sqlite3_reset(st);
	for (i = 0; i < sizeof map / sizeof map[0]; i++)
		if (strcmp(map[i].code, cont) == 0)
			return (map[i].region);
	return ("world");
}

static int
plan_exists(sqlite3 *db, const char *sql, const char *key)
{
	sqlite3_stmt	*st;
	char		 err[256];
	int		 rc;

	if ((st = travel_db_stmt(db, sql, err, sizeof err)) == NULL)
		return (0);
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	return (rc == SQLITE_ROW);
}

/* "3000", "3,000", "$3000.50": cents, or -1. */
static long long
plan_budget(const char *s)
{
	char	 buf[32], *end;
	size_t	 n = 0;
	double	 v;

	while (isspace((unsigned char)*s))
		s++;
	if (*s == '$')
		s++;
	for (; *s != '\0' && n + 1 < sizeof buf; s++)
		if (*s != ',')
			buf[n++] = *s;
	if (*s != '\0' || n == 0)
		return (-1);
	buf[n] = '\0';
	v = strtod(buf, &end);
	while (isspace((unsigned char)*end))
		end++;
	if (*end != '\0' || !isfinite(v) || v <= 0 || v > 10000000)
		return (-1);
	return (llround(v * 100));
}

static void
plan_vacation(struct mcp_call *call, const cJSON *args, void *arg)
{
	struct common_app	*app = arg;
	const cJSON		*o = cJSON_GetObjectItem(args, "origin");
	const char		*dest = cJSON_GetObjectItem(args,
				    "destination")->valuestring;
	const char		*dep = cJSON_GetObjectItem(args,
				    "departure_date")->valuestring;
	const char		*ret = cJSON_GetObjectItem(args,
				    "return_date")->valuestring;
	const char		*bud = cJSON_GetObjectItem(args,
				    "budget")->valuestring;
	const char		*trv = cJSON_GetObjectItem(args,
				    "travelers")->valuestring;
	struct common_date	 d1, d2;
	struct common_place	 to, from;
	char			 err[1024], dlabel[256], olabel[256];
	char			 money[32], half[32], rest[32], trips[512];
	char			 text[6144], month[32], *end;
	const char		*region;
	long long		 budget;
	long			 travelers, nights;
	size_t			 n = 0, t = 0;
	sqlite3_stmt		*st;
	cJSON			*res, *msg, *content;

	if (travel_input_date("departure_date", dep, 1, &d1, err,
	    sizeof err) != 0 || travel_input_date("return_date", ret, 1, &d2,
	    err, sizeof err) != 0)
		goto bad;
	if ((nights = common_date_diff(&d1, &d2)) < 0) {
		snprintf(err, sizeof err, "return_date: %s is before the "
		    "departure_date %s; give a return on or after the "
		    "departure", ret, dep);
		goto bad;
	}
	travelers = strtol(trv, &end, 10);
	if (*trv == '\0' || *end != '\0' || travelers < 1 || travelers > 9) {
		snprintf(err, sizeof err, "travelers: \"%.20s\" is not a number "
		    "from 1 to 9", trv);
		goto bad;
	}
	if ((budget = plan_budget(bud)) < 0) {
		snprintf(err, sizeof err, "budget: \"%.40s\" is not an amount "
		    "of US dollars above 0 (as 3000)", bud);
		goto bad;
	}
	if (travel_input_place(app->db, "destination", dest, &to, NULL, 0, err,
	    sizeof err) != 0)
		goto bad;
	if (o != NULL && o->valuestring[0] != '\0' &&
	    travel_input_place(app->db, "origin", o->valuestring, &from, NULL,
	    0, err, sizeof err) != 0)
		goto bad;

	common_place_label(&to, dlabel, sizeof dlabel);
	if (o != NULL && o->valuestring[0] != '\0')
		common_place_label(&from, olabel, sizeof olabel);
	common_money_format(budget, money, sizeof money);
	common_money_format(budget / 2 / 100 * 100, half, sizeof half);
	common_money_format(budget - budget / 2 / 100 * 100, rest, sizeof rest);
	region = plan_region(app->db, to.country_code);
	snprintf(month, sizeof month, "%s-%04d",
	    common_date_month_name(d1.month), d1.year);
	trips[0] = '\0';
	if ((st = travel_db_stmt(app->db, plan_trips_sql, err,
	    sizeof err)) != NULL) {
		while (sqlite3_step(st) == SQLITE_ROW && t + 40 < sizeof trips)
			t += (size_t)snprintf(trips + t, sizeof trips - t,
			    "%stravel://past-trips/%s", t > 0 ? ", " : "",
			    travel_db_text(st, 0));
		sqlite3_reset(st);
	}

	n += (size_t)snprintf(text + n, sizeof text - n,
	    "Plan a vacation to %s from %s to %s (%ld night%s) for %ld "
	    "traveller%s with a total budget of %s (USD)%s%s.\n\n"
	    "1. Context: read travel://preferences/%s%s%s%s and "
	    "calendar://my-calendar/%s to confirm the dates are free.\n",
	    dlabel, dep, ret, nights, nights == 1 ? "" : "s", travelers,
	    travelers == 1 ? "" : "s", money,
	    o != NULL && o->valuestring[0] != '\0' ? ", leaving from " : "",
	    o != NULL && o->valuestring[0] != '\0' ? olabel : "", region,
	    plan_exists(app->db, plan_prefs_sql, region) ? "" :
	    " (not set yet: ask the traveller, then updatePreferences)",
	    trips[0] != '\0' ? ", the past trips " : "", trips, month);
	n += (size_t)snprintf(text + n, sizeof text - n,
	    "2. Flights: searchFlights with origin %s, destination \"%s\", "
	    "departure %s, return %s, travelers %ld, maxPrice about half the "
	    "budget (%s) and the preferred airlines.\n"
	    "3. Weather: checkWeather for \"%s\" from %s to %s.\n"
	    "4. Hotels: searchHotels in \"%s\" from %s to %s for %ld guest%s "
	    "within what is left (%s after flights), preferring the chains "
	    "and near the places enjoyed before.\n"
	    "5. Show a plan within %s: flights, hotel, weather, costs. Ask "
	    "for approval before booking; then bookFlight and bookHotel, each "
	    "with a new idempotencyKey, createItinerary with the "
	    "confirmations, createCalendarEvent and a confirmation email.\n"
	    "Prices and availability are simulated by the travel server.",
	    o != NULL && o->valuestring[0] != '\0' ? o->valuestring :
	    "(ask the traveller where from)", dest, dep, ret, travelers, half,
	    dest, dep, ret, dest, dep, ret, travelers,
	    travelers == 1 ? "" : "s", rest, money);

	res = cJSON_CreateObject();
	snprintf(err, sizeof err, "Plan a vacation to %s, %s to %s", dlabel,
	    dep, ret);
	cJSON_AddStringToObject(res, "description", err);
	msg = cJSON_CreateObject();
	cJSON_AddStringToObject(msg, "role", "user");
	content = cJSON_AddObjectToObject(msg, "content");
	cJSON_AddStringToObject(content, "type", "text");
	cJSON_AddStringToObject(content, "text", text);
	cJSON_AddItemToArray(cJSON_AddArrayToObject(res, "messages"), msg);
	mcp_call_return(call, res);
	return;
bad:
	mcp_call_fail(call, MCP_INVALID_PARAMS, "%s", err);
}

static void
plan_complete(struct mcp_call *call, const char *argument, const char *value,
    const cJSON *context, void *arg)
{
	struct common_app	*app = arg;
	cJSON			*values = cJSON_CreateArray();
	char			**v = NULL, err[256];
	size_t			 n = 0, i;

	(void)context;
	if ((strcmp(argument, "destination") == 0 ||
	    strcmp(argument, "origin") == 0) &&
	    common_place_complete(app->db, value, 20, &v, &n, err,
	    sizeof err) == 0) {
		for (i = 0; i < n; i++)
			cJSON_AddItemToArray(values, cJSON_CreateString(v[i]));
		common_place_strings_free(v, n);
	}
	mcp_call_return_completion(call, values, false);
}

const struct mcp_prompt travel_prompt_plan_vacation = {
	.name = "plan-vacation",
	.title = "Plan a vacation",
	.description = "Plan a trip: flights, weather, hotel, bookings and an "
	    "itinerary within a budget, using the traveller's preferences and "
	    "past trips",
	.args = {
		{ "destination", "Destination", "city or airport (Barcelona)",
		    true },
		{ "departure_date", "Departure date", "YYYY-MM-DD", true },
		{ "return_date", "Return date", "YYYY-MM-DD", true },
		{ "budget", "Budget", "total in US dollars (3000)", true },
		{ "travelers", "Travellers", "1 to 9", true },
		{ "origin", "Origin", "where from (NYC); optional", false },
		{ NULL, NULL, NULL, false },
	},
	.handler = plan_vacation,
	.complete = plan_complete,
};
