/*
 * getBooking: a booking by its confirmation code.
 */
#include <stdio.h>
#include <string.h>

#include "mcp/server.h"
#include "servers/common/app.h"

#include "bookings.h"
#include "flights.h"
#include "tools.h"

static const char get_input[] =
    "{\"type\":\"object\",\"properties\":{"
    "\"confirmation\":{\"type\":\"string\",\"minLength\":1,\"maxLength\":"
    "64}},\"required\":[\"confirmation\"],\"additionalProperties\":false}";

static void
get_booking(struct mcp_call *call, const cJSON *args, void *arg)
{
	struct common_app	*app = arg;
	cJSON			*booking;
	char			 err[1024], summary[1024];
	int			 r;

	r = travel_bookings_get(app->db, cJSON_GetObjectItem(args,
	    "confirmation")->valuestring, &booking, err, sizeof err);
	if (r != 0) {
		mcp_call_return_error(call, "%s%s", r < 0 ? "getBooking "
		    "failed: " : "", err);
		return;
	}
	snprintf(summary, sizeof summary, "Booking %s (%s): %s. Note: %s.",
	    cJSON_GetObjectItem(booking, "confirmation")->valuestring,
	    cJSON_GetObjectItem(booking, "status")->valuestring,
	    cJSON_GetObjectItem(booking, "summary")->valuestring,
	    TRAVEL_SIMULATED);
	mcp_call_return_structured(call, booking, summary);
}

const struct mcp_tool travel_tool_get_booking = {
	.name = "getBooking",
	.title = "Get a booking",
	.description = "A flight or hotel booking by its confirmation code.",
	.input_schema = get_input,
	.output_schema = travel_booking_schema,
	.annotations = "{\"readOnlyHint\":true,\"openWorldHint\":false}",
	.handler = get_booking,
};
