/*
 * The travel server's declarations: its tools, resources and prompt, each
 * a const table in its own file; main.c hands them to the kit. Every
 * handler's arg is the server's struct common_app *.
 */
#ifndef SERVERS_TRAVEL_TOOLS_H
#define SERVERS_TRAVEL_TOOLS_H

#include "mcp/server.h"

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

struct common_app;

/* Tools */
extern const struct mcp_tool travel_tool_search_flights;
extern const struct mcp_tool travel_tool_book_flight;
extern const struct mcp_tool travel_tool_book_hotel;
extern const struct mcp_tool travel_tool_cancel_booking;
extern const struct mcp_tool travel_tool_get_booking;
extern const struct mcp_tool travel_tool_list_bookings;
extern const struct mcp_tool travel_tool_create_itinerary;
extern const struct mcp_tool travel_tool_get_itinerary;
extern const struct mcp_tool travel_tool_update_preferences;

/* Prompts */
extern const struct mcp_prompt travel_prompt_plan_vacation;

/* The JSON Schemas of a flight offer and of a booking. */
extern const char travel_offer_schema[];
extern const char travel_booking_schema[];
extern const char travel_itinerary_schema[];

/*
 * Ends call with booking (taken) and a summary beginning with verb;
 * when changed, subscribers of its URI are told.
 */
void	 travel_tools_return_booking(struct mcp_call *, struct common_app *,
	     cJSON *booking, bool replayed, bool changed, const char *verb);
/*
 * Ends a booking tool's call by what its booking function returned: r > 0
 * is the user's mistake (err as it is), r < 0 a failure that booked nothing
 * (named after tool), else the booking as travel_tools_return_booking.
 */
void	 travel_tools_booked(struct mcp_call *, struct common_app *, int r,
	     const char *err, cJSON *booking, bool replayed, const char *tool,
	     const char *verb);

/* Resources (resources.c) */
/* Declares the templates and lists the concrete resources in the database. */
int	 travel_resources_setup(struct common_app *, char *err, size_t errlen);
/* travel://KIND/KEY changed (or was created): list it, notify subscribers. */
void	 travel_resources_changed(struct common_app *, const char *kind,
	     const char *key);
void	 travel_resources_booking_changed(struct common_app *,
	     const char *code);
/* Frees what was listed (after the server is freed). */
void	 travel_resources_free(void);

#endif
