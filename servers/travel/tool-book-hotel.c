/*
 * bookHotel: books a searchHotels offer for the guests, once per
 * idempotency key, after re-checking its price and rooms (bookings.c on
 * the hotels API). The guide calls bookHotel to search; here searchHotels
 * searches and bookHotel books.
 */
#include <stdio.h>

#include "mcp/server.h"
#include "servers/common/app.h"

#include "bookings.h"
#include "hotels.h"
#include "input.h"
#include "tools.h"

static const char book_input[] =
    "{\"type\":\"object\",\"properties\":{"
    "\"offerId\":{\"type\":\"string\",\"minLength\":1,\"maxLength\":200,"
    "\"description\":\"an offerId from searchHotels\"},"
    "\"guests\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":20,"
    "\"description\":\"guests, 2 to a room\"},"
    "\"idempotencyKey\":{\"type\":\"string\",\"minLength\":1,"
    "\"maxLength\":128,\"pattern\":\"^[A-Za-z0-9._:-]+$\","
    "\"description\":\"a key of your choice for this booking (letters, "
    "digits, . _ : -); a retry with the same key returns the same "
    "booking and never books twice\"}},"
    "\"required\":[\"offerId\",\"guests\",\"idempotencyKey\"],"
    "\"additionalProperties\":false}";

static void
book_hotel(struct mcp_call *call, const cJSON *args, void *arg)
{
	struct common_app	*app = arg;
	const cJSON		*offer = cJSON_GetObjectItem(args, "offerId");
	const cJSON		*guests = cJSON_GetObjectItem(args, "guests");
	const cJSON		*key = cJSON_GetObjectItem(args,
				    "idempotencyKey");
	cJSON			*booking;
	bool			 replayed;
	char			 err[1024];
	int			 r;

	if (guests->valueint < 1 ||
	    guests->valueint > TRAVEL_HOTELS_MAX_GUESTS) {
		mcp_call_return_error(call, "guests: %d is out of range; give "
		    "1 to %d guests", guests->valueint,
		    TRAVEL_HOTELS_MAX_GUESTS);
		return;
	}
	if ((r = travel_input_text("offerId", offer->valuestring, 200, 0, err,
	    sizeof err)) == 0)
		r = travel_bookings_hotel(app->db, offer->valuestring,
		    guests->valueint, key->valuestring, &booking, &replayed,
		    err, sizeof err);
	travel_tools_booked(call, app, r, err, booking, replayed, "bookHotel",
	    "Booked hotel");
}

const struct mcp_tool travel_tool_book_hotel = {
	.name = "bookHotel",
	.title = "Book a hotel",
	.description = "Books a searchHotels offer for the guests (2 to a "
	    "room). The price and the rooms are checked again at booking: "
	    "too few rooms is an error and nothing is booked. The same "
	    "idempotencyKey always returns the same booking. Returns a "
	    "confirmation code. (The guide calls bookHotel to search hotels; "
	    "searchHotels is the search.) Simulated: no real hotel is booked.",
	.input_schema = book_input,
	.output_schema = travel_booking_schema,
	.annotations = "{\"readOnlyHint\":false,\"destructiveHint\":true,"
	    "\"idempotentHint\":true,\"openWorldHint\":false}",
	.handler = book_hotel,
};
