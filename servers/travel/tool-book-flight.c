/*
 * bookFlight: books a searchFlights offer for the travellers, once per
 * idempotency key, after re-checking its price and seats (bookings.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mcp/server.h"
#include "servers/common/app.h"

#include "bookings.h"
#include "input.h"
#include "tools.h"

const char travel_booking_schema[] =
    "{\"type\":\"object\",\"required\":[\"confirmation\",\"uri\",\"kind\","
    "\"status\",\"offerId\",\"total\",\"currency\",\"summary\",\"details\","
    "\"createdAt\",\"simulated\"],\"properties\":{"
    "\"confirmation\":{\"type\":\"string\",\"pattern\":\"^[A-Z0-9]{6}$\"},"
    "\"uri\":{\"type\":\"string\"},"
    "\"kind\":{\"type\":\"string\",\"enum\":[\"flight\",\"hotel\"]},"
    "\"status\":{\"type\":\"string\",\"enum\":[\"confirmed\",\"cancelled\"]},"
    "\"offerId\":{\"type\":\"string\"},"
    "\"travelers\":{\"type\":\"integer\"},\"guests\":{\"type\":\"integer\"},"
    "\"total\":{\"type\":\"number\"},\"currency\":{\"type\":\"string\"},"
    "\"summary\":{\"type\":\"string\"},\"details\":{\"type\":\"object\"},"
    "\"createdAt\":{\"type\":\"string\"},"
    "\"cancelledAt\":{\"type\":\"string\"},"
    "\"replayed\":{\"type\":\"boolean\"},"
    "\"simulated\":{\"type\":\"string\"}}}";

#define KEY_SCHEMA \
	"\"idempotencyKey\":{\"type\":\"string\",\"minLength\":1," \
	"\"maxLength\":128,\"pattern\":\"^[A-Za-z0-9._:-]+$\"," \
	"\"description\":\"a key of your choice for this booking (letters, " \
	"digits, . _ : -); a retry with the same key returns the same " \
	"booking and never books twice\"}"

static const char book_input[] =
    "{\"type\":\"object\",\"properties\":{"
    "\"offerId\":{\"type\":\"string\",\"minLength\":1,\"maxLength\":200,"
    "\"description\":\"an offerId from searchFlights\"},"
    "\"travelers\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":9},"
    "\"seatPreference\":{\"type\":\"string\",\"enum\":[\"window\","
    "\"aisle\",\"middle\",\"any\"]}," KEY_SCHEMA "},"
    "\"required\":[\"offerId\",\"travelers\",\"idempotencyKey\"],"
    "\"additionalProperties\":false}";

/* Sends the booking back, telling subscribers it changed. */
void
travel_tools_return_booking(struct mcp_call *call, struct common_app *app,
    cJSON *booking, bool replayed, bool changed, const char *verb)
{
	char	 summary[1024];
	const char *code = cJSON_GetObjectItem(booking,
	    "confirmation")->valuestring;

	cJSON_AddBoolToObject(booking, "replayed", replayed);
	snprintf(summary, sizeof summary, "%s %s: %s.%s Note: %s.", verb, code,
	    cJSON_GetObjectItem(booking, "summary")->valuestring,
	    replayed ? " (This key had booked it already; nothing new was "
	    "booked.)" : "", cJSON_GetObjectItem(booking,
	    "simulated")->valuestring);
	if (changed)
		travel_resources_booking_changed(app, code);
	mcp_call_return_structured(call, booking, summary);
}

static void
book_flight(struct mcp_call *call, const cJSON *args, void *arg)
{
	struct common_app	*app = arg;
	const cJSON		*offer = cJSON_GetObjectItem(args, "offerId");
	const cJSON		*tr = cJSON_GetObjectItem(args, "travelers");
	const cJSON		*seat = cJSON_GetObjectItem(args,
				    "seatPreference");
	const cJSON		*key = cJSON_GetObjectItem(args,
				    "idempotencyKey");
	cJSON			*booking;
	bool			 replayed;
	char			 err[1024];
	int			 r;

	if (tr->valueint < 1 || tr->valueint > 9) {
		mcp_call_return_error(call, "travelers: %d is out of range; "
		    "give 1 to 9 travellers", tr->valueint);
		return;
	}
	if ((r = travel_input_text("offerId", offer->valuestring, 200, 0, err,
	    sizeof err)) == 0)
		r = travel_bookings_flight(app->db, offer->valuestring,
		    tr->valueint, seat != NULL ? seat->valuestring : NULL,
		    key->valuestring, &booking, &replayed, err, sizeof err);
	travel_tools_booked(call, app, r, err, booking, replayed, "bookFlight",
	    "Booked flight");
}

void
travel_tools_booked(struct mcp_call *call, struct common_app *app, int r,
    const char *err, cJSON *booking, bool replayed, const char *tool,
    const char *verb)
{
	if (r > 0)
		mcp_call_return_error(call, "%s", err);
	else if (r < 0)
		mcp_call_return_error(call, "%s failed, nothing was booked: %s",
		    tool, err);
	else
		travel_tools_return_booking(call, app, booking, replayed,
		    !replayed, verb);
}

const struct mcp_tool travel_tool_book_flight = {
	.name = "bookFlight",
	.title = "Book a flight",
	.description = "Books a searchFlights offer for the travellers. The "
	    "price and the seats are checked again at booking: a changed "
	    "price or too few seats is an error and nothing is booked. The "
	    "same idempotencyKey always returns the same booking. Returns "
	    "a confirmation code. Simulated: no real airline is booked.",
	.input_schema = book_input,
	.output_schema = travel_booking_schema,
	.annotations = "{\"readOnlyHint\":false,\"destructiveHint\":true,"
	    "\"idempotentHint\":true,\"openWorldHint\":false}",
	.handler = book_flight,
};
