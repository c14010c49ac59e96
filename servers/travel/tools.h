/*
 * The travel server's declarations: its tools, resources and prompt, each
 * a const table in its own file; main.c hands them to the kit. Every
 * handler's arg is the server's struct common_app *.
 */
#ifndef SERVERS_TRAVEL_TOOLS_H
#define SERVERS_TRAVEL_TOOLS_H

#include "mcp/server.h"

/* Tools */
extern const struct mcp_tool travel_tool_search_flights;

/* The JSON Schema of one flight offer (searchFlights, bookings). */
extern const char travel_offer_schema[];

#endif
