/*
 * listEvents: a calendar's events between two dates (default: from today
 * for a year). Past ranges are allowed: this only reads.
 */
#include <stdio.h>
#include <string.h>

#include "mcp/json.h"
#include "mcp/server.h"

#include "tool.h"

static void
list_events(struct mcp_call *c, const cJSON *args, void *arg)
{
	struct calendar_state	*st = arg;
	const char		*cal = cJSON_GetObjectItem(args, "calendar")->valuestring;
	const cJSON		*js = cJSON_GetObjectItem(args, "startDate");
	const cJSON		*je = cJSON_GetObjectItem(args, "endDate");
	struct calendar_moment	 s, e;
	cJSON			*out, *events;
	char			 err[512], a[CALENDAR_MOMENT_LEN],
				 b[CALENDAR_MOMENT_LEN], summary[256];
	bool			 more;
	long			 from, to;
	int			 n;

	if (calendar_tool_range(c, js != NULL ? js->valuestring : NULL,
	    je != NULL ? je->valuestring : NULL, true, CALENDAR_RANGE_MAX_DAYS,
	    &s, &e, &from, &to) != 0 || calendar_tool_calendar(c, st, cal) != 0)
		return;
	if ((events = calendar_events_between(st->app.db, cal, from, to,
	    CALENDAR_LIST_MAX, &more, err, sizeof err)) == NULL) {
		calendar_tool_db_error(c, err);
		return;
	}
	calendar_moment_format(&s, a);
	calendar_moment_format(&e, b);
	n = cJSON_GetArraySize(events);
	out = cJSON_CreateObject();
	mcp_json_add_str(out, "calendar", cal);
	mcp_json_add_str(out, "startDate", a);
	mcp_json_add_str(out, "endDate", b);
	mcp_json_add_num(out, "count", n);
	mcp_json_add_bool(out, "truncated", more);
	mcp_json_add(out, "events", events);
	snprintf(summary, sizeof summary, "%d event%s in %s from %s to %s%s",
	    n, n == 1 ? "" : "s", cal, a, b, more ? " (the first "
	    "500; narrow the range for the rest)" : "");
	mcp_call_return_structured(c, out, summary);
}

const struct mcp_tool calendar_tool_list_events = {
	.name = "listEvents",
	.title = "List events",
	.description = "A calendar's events overlapping a range of dates, "
	    "ordered by start (at most 500). Without startDate: from today; "
	    "without endDate: a year after the start.",
	.input_schema = "{\"type\":\"object\",\"properties\":{"
	    "\"calendar\":" CALENDAR_SCHEMA_ID ","
	    "\"startDate\":" CALENDAR_SCHEMA_MOMENT("first day or start time") ","
	    "\"endDate\":" CALENDAR_SCHEMA_MOMENT("last day or end time") "},"
	    "\"required\":[\"calendar\"],\"additionalProperties\":false}",
	.output_schema = "{\"type\":\"object\",\"required\":[\"calendar\","
	    "\"startDate\",\"endDate\",\"count\",\"truncated\",\"events\"],"
	    "\"properties\":{\"calendar\":{\"type\":\"string\"},"
	    "\"startDate\":{\"type\":\"string\"},"
	    "\"endDate\":{\"type\":\"string\"},"
	    "\"count\":{\"type\":\"integer\"},"
	    "\"truncated\":{\"type\":\"boolean\"},"
	    "\"events\":{\"type\":\"array\",\"items\":" CALENDAR_SCHEMA_EVENT "}}}",
	.annotations = "{\"title\":\"List events\",\"readOnlyHint\":true,"
	    "\"destructiveHint\":false,\"idempotentHint\":true,"
	    "\"openWorldHint\":false}",
	.handler = list_events,
};
