/*
 * cancelBooking: cancels a booking by its confirmation code and gives its
 * seats or rooms back. Cancelling twice is not an error.
 */
#include <stdio.h>

#include "mcp/server.h"
#include "servers/common/app.h"

#include "bookings.h"
#include "tools.h"

static const char cancel_input[] =
    "{\"type\":\"object\",\"properties\":{"
    "\"confirmation\":{\"type\":\"string\",\"minLength\":1,\"maxLength\":"
    "64,\"description\":\"the confirmation code bookFlight or bookHotel "
    "returned\"}},\"required\":[\"confirmation\"],"
    "\"additionalProperties\":false}";

static void
cancel_booking(struct mcp_call *call, const cJSON *args, void *arg)
{
	struct common_app	*app = arg;
	cJSON			*booking;
	bool			 already;
	char			 err[1024];
	int			 r;

	r = travel_bookings_cancel(app->db, cJSON_GetObjectItem(args,
	    "confirmation")->valuestring, &booking, &already, err, sizeof err);
	if (r != 0) {
		mcp_call_return_error(call, "%s%s", r < 0 ? "cancelBooking "
		    "failed, nothing was changed: " : "", err);
		return;
	}
	travel_tools_return_booking(call, app, booking, false, !already,
	    already ? "Already cancelled" : "Cancelled");
}

const struct mcp_tool travel_tool_cancel_booking = {
	.name = "cancelBooking",
	.title = "Cancel a booking",
	.description = "Cancels a flight or hotel booking by its confirmation "
	    "code and gives its seats or rooms back. Cancelling a cancelled "
	    "booking changes nothing and says so.",
	.input_schema = cancel_input,
	.output_schema = travel_booking_schema,
	.annotations = "{\"readOnlyHint\":false,\"destructiveHint\":true,"
	    "\"idempotentHint\":true,\"openWorldHint\":false}",
	.handler = cancel_booking,
};
