/*
 * checkAvailability: whether a calendar is free over a range, and the events
 * in the way.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mcp/json.h"
#include "mcp/server.h"

#include "resource.h"
#include "tool.h"

static void
check_availability(struct mcp_call *c, const cJSON *args, void *arg)
{
	struct calendar_state	*st = arg;
	const char		*cal = cJSON_GetObjectItem(args, "calendar")->valuestring;
	const char		*start = cJSON_GetObjectItem(args, "startDate")->valuestring;
	const char		*end = cJSON_GetObjectItem(args, "endDate")->valuestring;
	struct calendar_moment	 s, e;
	struct common_date	 last;
	cJSON			*out, *events, *fb, *ev;
	char			 err[512], summary[1024];
	long			 from, to;
	size_t			 n;
	int			 count, i = 0;

	if (calendar_tool_range(c, start, end, false, CALENDAR_PERIOD_MAX_DAYS,
	    &s, &e, &from, &to) != 0 || calendar_tool_calendar(c, st, cal) != 0)
		return;
	if ((events = calendar_events_between(st->app.db, cal, from, to,
	    CALENDAR_LIST_MAX, NULL, err, sizeof err)) == NULL) {
		calendar_tool_db_error(c, err);
		return;
	}
	common_date_from_days(calendar_minutes_day(to - 1), &last);
	fb = calendar_freebusy(events, &s.date, &last);
	count = cJSON_GetArraySize(events);
	out = cJSON_CreateObject();
	mcp_json_add_str(out, "calendar", cal);
	mcp_json_add_str(out, "startDate", start);
	mcp_json_add_str(out, "endDate", end);
	mcp_json_add_bool(out, "available", count == 0);
	mcp_json_add_num(out, "conflictCount", count);
	mcp_json_add(out, "conflicts", events);
	mcp_json_add(out, "free", cJSON_DetachItemFromObject(fb, "free"));
	mcp_json_add(out, "busy", cJSON_DetachItemFromObject(fb, "busy"));
	cJSON_Delete(fb);
	if (count == 0)
		snprintf(summary, sizeof summary, "%s is free from %s to %s: "
		    "no conflicts", cal, start, end);
	else {
		n = (size_t)snprintf(summary, sizeof summary, "%s is not free "
		    "from %s to %s: %d conflict%s:", cal, start, end, count,
		    count == 1 ? "" : "s");
		cJSON_ArrayForEach(ev, events) {
			if (i++ == 8 || n >= sizeof summary - 80) {
				snprintf(summary + n, sizeof summary - n, " ...");
				break;
			}
			n += (size_t)snprintf(summary + n, sizeof summary - n,
			    "%s %s (%s..%s)", i > 1 ? ";" : "",
			    cJSON_GetObjectItem(ev, "title")->valuestring,
			    cJSON_GetObjectItem(ev, "start")->valuestring,
			    cJSON_GetObjectItem(ev, "end")->valuestring);
		}
	}
	mcp_call_return_structured(c, out, summary);
}

const struct mcp_tool calendar_tool_check_availability = {
	.name = "checkAvailability",
	.title = "Check availability",
	.description = "Whether a calendar is free between two dates (or local "
	    "times), with the events that conflict and the free and busy days. "
	    "Dates are inclusive: 2024-06-15 to 2024-06-22 covers both days.",
	.input_schema = "{\"type\":\"object\",\"properties\":{"
	    "\"calendar\":" CALENDAR_SCHEMA_ID ","
	    "\"startDate\":" CALENDAR_SCHEMA_MOMENT("first day or start time") ","
	    "\"endDate\":" CALENDAR_SCHEMA_MOMENT("last day or end time") "},"
	    "\"required\":[\"calendar\",\"startDate\",\"endDate\"],"
	    "\"additionalProperties\":false}",
	.output_schema = "{\"type\":\"object\",\"required\":[\"calendar\","
	    "\"startDate\",\"endDate\",\"available\",\"conflictCount\","
	    "\"conflicts\",\"free\",\"busy\"],\"properties\":{"
	    "\"calendar\":{\"type\":\"string\"},"
	    "\"startDate\":{\"type\":\"string\"},"
	    "\"endDate\":{\"type\":\"string\"},"
	    "\"available\":{\"type\":\"boolean\"},"
	    "\"conflictCount\":{\"type\":\"integer\"},"
	    "\"conflicts\":{\"type\":\"array\",\"items\":" CALENDAR_SCHEMA_EVENT "},"
	    "\"free\":" CALENDAR_SCHEMA_RANGES ","
	    "\"busy\":" CALENDAR_SCHEMA_RANGES "}}",
	.annotations = "{\"title\":\"Check availability\",\"readOnlyHint\":true,"
	    "\"destructiveHint\":false,\"idempotentHint\":true,"
	    "\"openWorldHint\":false}",
	.handler = check_availability,
};
