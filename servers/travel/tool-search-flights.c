/*
 * searchFlights: flight offers between two places on given dates, from the
 * real routes, with simulated fares and seats (see flights.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mcp/server.h"
#include "servers/common/app.h"
#include "servers/common/db.h"
#include "servers/common/money.h"

#include "flights.h"
#include "input.h"
#include "tools.h"

/* Offers in one answer. */
#define SEARCH_MAX_OFFERS	10

#define SEGMENT_SCHEMA \
	"{\"type\":\"object\",\"required\":[\"flight\",\"from\",\"to\"," \
	"\"departure\",\"departureTimeZone\",\"arrival\",\"arrivalTimeZone\"," \
	"\"durationMinutes\"],\"properties\":{" \
	"\"flight\":{\"type\":\"string\"},\"from\":{\"type\":\"string\"}," \
	"\"to\":{\"type\":\"string\"}," \
	"\"departure\":{\"type\":\"string\",\"format\":\"date-time\"}," \
	"\"departureTimeZone\":{\"type\":\"string\"}," \
	"\"arrival\":{\"type\":\"string\",\"format\":\"date-time\"}," \
	"\"arrivalTimeZone\":{\"type\":\"string\"}," \
	"\"durationMinutes\":{\"type\":\"integer\"}," \
	"\"distanceKm\":{\"type\":\"integer\"}," \
	"\"seatsLeft\":{\"type\":\"integer\"}}}"

#define TRIP_SCHEMA \
	"{\"type\":\"object\",\"required\":[\"departure\",\"arrival\"," \
	"\"durationMinutes\",\"stops\",\"segments\"],\"properties\":{" \
	"\"departure\":{\"type\":\"string\"},\"arrival\":{\"type\":\"string\"}," \
	"\"durationMinutes\":{\"type\":\"integer\"}," \
	"\"stops\":{\"type\":\"integer\"}," \
	"\"segments\":{\"type\":\"array\",\"items\":" SEGMENT_SCHEMA "}}}"

#define TRAVEL_OFFER_SCHEMA \
	"{\"type\":\"object\",\"required\":[\"offerId\",\"airline\"," \
	"\"airlineCode\",\"flightNumbers\",\"cabin\",\"stops\",\"outbound\"," \
	"\"pricePerTraveler\",\"totalPrice\",\"currency\",\"seatsLeft\"]," \
	"\"properties\":{" \
	"\"offerId\":{\"type\":\"string\"},\"airline\":{\"type\":\"string\"}," \
	"\"airlineCode\":{\"type\":\"string\"}," \
	"\"flightNumbers\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}}," \
	"\"cabin\":{\"type\":\"string\"},\"stops\":{\"type\":\"integer\"}," \
	"\"preferred\":{\"type\":\"boolean\"}," \
	"\"outbound\":" TRIP_SCHEMA ",\"return\":" TRIP_SCHEMA "," \
	"\"pricePerTraveler\":{\"type\":\"number\"}," \
	"\"travelers\":{\"type\":\"integer\"}," \
	"\"totalPrice\":{\"type\":\"number\"}," \
	"\"currency\":{\"type\":\"string\"}," \
	"\"seatsLeft\":{\"type\":\"integer\"}}}"

const char travel_offer_schema[] = TRAVEL_OFFER_SCHEMA;

static const char search_input[] =
    "{\"type\":\"object\",\"properties\":{"
    "\"origin\":{\"type\":\"string\",\"minLength\":1,\"maxLength\":200,"
    "\"description\":\"where from: a city (New York), an IATA airport code "
    "(JFK) or a metro code (NYC)\"},"
    "\"destination\":{\"type\":\"string\",\"minLength\":1,\"maxLength\":200,"
    "\"description\":\"where to, as origin\"},"
    "\"departure\":{\"type\":\"string\",\"format\":\"date\","
    "\"description\":\"outbound date, YYYY-MM-DD, today or later\"},"
    "\"return\":{\"type\":\"string\",\"format\":\"date\","
    "\"description\":\"return date for a round trip, not before departure\"},"
    "\"travelers\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":9,"
    "\"description\":\"travellers, 1 to 9\"},"
    "\"maxPrice\":{\"type\":\"number\",\"minimum\":0,\"maximum\":10000000,"
    "\"description\":\"most the whole booking may cost, all travellers and "
    "both directions, in USD\"},"
    "\"preferredAirlines\":{\"type\":\"array\",\"maxItems\":16,\"items\":"
    "{\"type\":\"string\",\"minLength\":1,\"maxLength\":100},"
    "\"description\":\"airline names or IATA codes (Delta or DL), offered "
    "first\"},"
    "\"cabin\":{\"type\":\"string\",\"enum\":[\"economy\","
    "\"premium_economy\",\"business\",\"first\"],\"description\":"
    "\"default economy\"}},"
    "\"required\":[\"origin\",\"destination\",\"departure\",\"travelers\"],"
    "\"additionalProperties\":false}";

static const char search_output[] =
    "{\"type\":\"object\",\"required\":[\"origin\",\"destination\","
    "\"departure\",\"travelers\",\"cabin\",\"offers\",\"simulated\"],"
    "\"properties\":{"
    "\"origin\":{\"type\":\"object\"},\"destination\":{\"type\":\"object\"},"
    "\"departure\":{\"type\":\"string\"},\"return\":{\"type\":\"string\"},"
    "\"travelers\":{\"type\":\"integer\"},\"cabin\":{\"type\":\"string\"},"
    "\"maxPrice\":{\"type\":\"number\"},"
    "\"offers\":{\"type\":\"array\",\"items\":" TRAVEL_OFFER_SCHEMA "},"
    "\"matched\":{\"type\":\"integer\"},"
    "\"notes\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}},"
    "\"simulated\":{\"type\":\"string\"}}}";

static cJSON *
search_place_json(const char *query, const struct common_place *p,
    char codes[][4], size_t n)
{
	cJSON	*j = cJSON_CreateObject(), *a = cJSON_CreateArray();
	char	 label[256];
	size_t	 i;

	common_place_label(p, label, sizeof label);
	cJSON_AddStringToObject(j, "query", query);
	cJSON_AddStringToObject(j, "resolved", label);
	cJSON_AddStringToObject(j, "timeZone", p->tz);
	for (i = 0; i < n; i++)
		cJSON_AddItemToArray(a, cJSON_CreateString(codes[i]));
	cJSON_AddItemToObject(j, "airports", a);
	return (j);
}

static void
search_note(cJSON *notes, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
search_note(cJSON *notes, const char *fmt, ...)
{
	char	buf[1024];
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	cJSON_AddItemToArray(notes, cJSON_CreateString(buf));
}

static void
search_flights_in(struct mcp_call *call, const cJSON *args, void *arg)
{
	struct common_app		*app = arg;
	struct travel_flight_query	 q;
	struct travel_flight_stats	 stats;
	struct travel_flight_offer	*offers = NULL;
	struct common_place		 from, to;
	char				 err[1024], note_from[800], note_to[800];
	char				 ocodes[8][4], dcodes[8][4], label[256];
	char				 line[512], summary[2048];
	size_t				 no, nd, i, n, k;
	const cJSON			*o = cJSON_GetObjectItem(args, "origin");
	const cJSON			*d = cJSON_GetObjectItem(args,
					    "destination");
	const cJSON			*dep = cJSON_GetObjectItem(args,
					    "departure");
	const cJSON			*ret = cJSON_GetObjectItem(args,
					    "return");
	const cJSON			*tr = cJSON_GetObjectItem(args,
					    "travelers");
	const cJSON			*mp = cJSON_GetObjectItem(args,
					    "maxPrice");
	const cJSON			*pa = cJSON_GetObjectItem(args,
					    "preferredAirlines");
	const cJSON			*cab = cJSON_GetObjectItem(args,
					    "cabin");
	cJSON				*res, *arr, *notes;
	char				 dep_s[COMMON_DATE_LEN];
	char				 ret_s[COMMON_DATE_LEN];
	int				 r;

	memset(&q, 0, sizeof q);
	q.max_total_cents = -1;
	q.travelers = tr->valueint;
	if (travel_input_today(&q.today, err, sizeof err) != 0)
		goto fail;
	if ((r = travel_input_date("departure", dep->valuestring, 1,
	    &q.departure, err, sizeof err)) != 0)
		goto error;
	if (ret != NULL) {
		if ((r = travel_input_date("return", ret->valuestring, 1,
		    &q.ret, err, sizeof err)) != 0)
			goto error;
		if (common_date_compare(&q.ret, &q.departure) < 0) {
			snprintf(err, sizeof err, "return: %s is before the "
			    "departure %s; give a return date on or after the "
			    "departure", ret->valuestring, dep->valuestring);
			goto bad;
		}
		q.has_return = true;
	}
	if (q.travelers < 1 || q.travelers > 9) {
		snprintf(err, sizeof err, "travelers: %d is out of range; "
		    "give 1 to 9 travellers", q.travelers);
		goto bad;
	}
	q.cabin = TRAVEL_CABIN_ECONOMY;
	if (cab != NULL && travel_flights_cabin_parse(cab->valuestring,
	    &q.cabin) != 0) {
		snprintf(err, sizeof err, "cabin: unknown cabin; give economy, "
		    "premium_economy, business or first");
		goto bad;
	}
	if (mp != NULL && common_money_from_json(mp, &q.max_total_cents, line,
	    sizeof line) != 0) {
		snprintf(err, sizeof err, "maxPrice: %s", line);
		goto bad;
	}
	for (i = 0; pa != NULL && i < (size_t)cJSON_GetArraySize(pa); i++) {
		const char *name = cJSON_GetArrayItem(pa, (int)i)->valuestring;

		if ((r = travel_input_text("preferredAirlines", name, 100, 0,
		    err, sizeof err)) != 0)
			goto error;
		if (travel_flights_airlines(app->db, name,
		    q.preferred + q.npreferred, 16 - q.npreferred, &n, err,
		    sizeof err) != 0)
			goto fail;
		if (n == 0) {
			snprintf(err, sizeof err, "preferredAirlines[%zu]: no "
			    "airline named \"%.100s\" in the data; give an "
			    "IATA code (DL) or a name (Delta)", i, name);
			goto bad;
		}
		q.npreferred += n;
	}
	if ((r = travel_input_place(app->db, "origin", o->valuestring, &from,
	    note_from, sizeof note_from, err, sizeof err)) != 0 ||
	    (r = travel_input_place(app->db, "destination", d->valuestring,
	    &to, note_to, sizeof note_to, err, sizeof err)) != 0 ||
	    (r = travel_input_airports("origin", &from, ocodes, 8, &no, err,
	    sizeof err)) != 0 ||
	    (r = travel_input_airports("destination", &to, dcodes, 8, &nd, err,
	    sizeof err)) != 0)
		goto error;
	for (i = 0; i < no; i++) {
		for (k = 0; k < nd; k++) {
			if (strcmp(ocodes[i], dcodes[k]) == 0) {
				common_place_label(&to, label, sizeof label);
				snprintf(err, sizeof err, "destination: %s is "
				    "the origin too; give two different "
				    "places", label);
				goto bad;
			}
		}
	}
	for (i = 0; i < no && i < 7; i++)
		q.origin[i] = ocodes[i];
	for (i = 0; i < nd && i < 7; i++)
		q.destination[i] = dcodes[i];

	if (travel_flights_search(app->db, &q, SEARCH_MAX_OFFERS, &offers, &n,
	    &stats, err, sizeof err) != 0)
		goto fail;

	res = cJSON_CreateObject();
	cJSON_AddItemToObject(res, "origin", search_place_json(o->valuestring,
	    &from, ocodes, no));
	cJSON_AddItemToObject(res, "destination",
	    search_place_json(d->valuestring, &to, dcodes, nd));
	common_date_format(&q.departure, dep_s);
	cJSON_AddStringToObject(res, "departure", dep_s);
	if (q.has_return) {
		common_date_format(&q.ret, ret_s);
		cJSON_AddStringToObject(res, "return", ret_s);
	}
	cJSON_AddNumberToObject(res, "travelers", q.travelers);
	cJSON_AddStringToObject(res, "cabin",
	    travel_flights_cabin_name(q.cabin));
	if (q.max_total_cents >= 0)
		common_money_add(res, "maxPrice", q.max_total_cents);
	arr = cJSON_AddArrayToObject(res, "offers");
	for (i = 0; i < n; i++)
		cJSON_AddItemToArray(arr,
		    travel_flights_offer_json(&offers[i], q.travelers));
	cJSON_AddNumberToObject(res, "matched", (double)stats.matched);
	notes = cJSON_AddArrayToObject(res, "notes");
	if (note_from[0] != '\0')
		search_note(notes, "%s", note_from);
	if (note_to[0] != '\0')
		search_note(notes, "%s", note_to);
	if (stats.itineraries == 0 && stats.no_cabin == 0)
		search_note(notes, "no airline in the route data flies between "
		    "these airports, nonstop or with one stop on the same "
		    "airline; try a nearby larger city");
	else if (stats.one_stop)
		search_note(notes, "one-stop itineraries through the airline's "
		    "own hubs were included (%s)", q.npreferred > 0 ?
		    "no nonstop by a preferred airline, or few nonstops" :
		    "few or no nonstop routes");
	if (stats.sold_out > 0)
		search_note(notes, "%zu itineraries have fewer than %d seats "
		    "left in %s", stats.sold_out, q.travelers,
		    travel_flights_cabin_name(q.cabin));
	if (stats.over_price > 0)
		search_note(notes, "%zu itineraries cost more than maxPrice",
		    stats.over_price);
	if (stats.no_cabin > 0)
		search_note(notes, "%zu itineraries have no %s cabin",
		    stats.no_cabin, travel_flights_cabin_name(q.cabin));
	if (q.npreferred > 0) {
		for (i = 0; i < n && !offers[i].preferred; i++)
			;
		if (i == n)
			search_note(notes, "no offer from a preferred airline "
			    "matches; others are shown");
	}
	if (stats.matched > n)
		search_note(notes, "showing the best %zu of %zu offers", n,
		    stats.matched);
	cJSON_AddStringToObject(res, "simulated", TRAVEL_SIMULATED);

	common_place_label(&from, label, sizeof label);
	k = (size_t)snprintf(summary, sizeof summary, "%zu flight offer%s %s",
	    n, n == 1 ? "" : "s", label);
	common_place_label(&to, label, sizeof label);
	k += (size_t)snprintf(summary + k, sizeof summary - k, " to %s, %s%s%s "
	    "for %d traveller%s", label, dep_s, q.has_return ? " returning " :
	    "", q.has_return ? ret_s : "", q.travelers,
	    q.travelers == 1 ? "" : "s");
	if (n > 0) {
		travel_flights_offer_line(&offers[0], q.travelers, line,
		    sizeof line);
		k += (size_t)snprintf(summary + k, sizeof summary - k,
		    "; best: %s", line);
	} else
		k += (size_t)snprintf(summary + k, sizeof summary - k,
		    "; see notes for why none matched");
	snprintf(summary + k, sizeof summary - k, ". Note: %s.",
	    TRAVEL_SIMULATED);
	free(offers);
	mcp_call_return_structured(call, res, summary);
	return;

bad:
	r = 1;
error:
	if (r > 0) {
		mcp_call_return_error(call, "%s", err);
		return;
	}
fail:
	mcp_call_return_error(call, "searchFlights failed: %s", err);
}

/* One read transaction for the whole search: one snapshot, and sqlite
 * takes its locks once instead of per statement. */
static void
search_flights(struct mcp_call *call, const cJSON *args, void *arg)
{
	struct common_app	*app = arg;
	char			 err[256];
	int			 tx;

	tx = common_db_exec(app->db, "BEGIN", err, sizeof err) == 0;
	search_flights_in(call, args, arg);
	if (tx && common_db_exec(app->db, "COMMIT", err, sizeof err) != 0)
		common_db_exec(app->db, "ROLLBACK", err, sizeof err);
}

const struct mcp_tool travel_tool_search_flights = {
	.name = "searchFlights",
	.title = "Search flights",
	.description = "Flight offers between two places: nonstop where an "
	    "airline flies the route, one stop through its hubs otherwise, "
	    "with local times and time zones, duration, stops, price per "
	    "traveller and total. Routes are real (OpenFlights); prices and "
	    "seats are simulated. Book one with bookFlight.",
	.input_schema = search_input,
	.output_schema = search_output,
	.annotations = "{\"readOnlyHint\":true,\"openWorldHint\":false}",
	.handler = search_flights,
};
