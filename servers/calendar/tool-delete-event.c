/*
 * deleteEvent: removes one event (and its reminders) from a calendar.
 */
#include <stdio.h>
#include <string.h>

#include "mcp/json.h"
#include "mcp/server.h"

#include "db.h"
#include "resource.h"
#include "tool.h"

static void
delete_event(struct mcp_call *c, const cJSON *args, void *arg)
{
	struct calendar_state	*st = arg;
	const char		*cal = cJSON_GetObjectItem(args, "calendar")->valuestring;
	const char		*uid = cJSON_GetObjectItem(args, "uid")->valuestring;
	cJSON			*ev, *out;
	char			 err[512], summary[512];
	long			 from, to;
	int			 rc;

	if (calendar_tool_text(c, "uid", uid, 128, false) != 0 ||
	    calendar_tool_calendar(c, st, cal) != 0)
		return;
	if ((ev = calendar_event_get(st->app.db, cal, uid, err,
	    sizeof err)) == NULL) {
		if (err[0] != '\0')
			calendar_tool_db_error(c, err);
		else
			mcp_call_return_error(c, "uid: no event %s in %s; "
			    "listEvents gives the uids", uid, cal);
		return;
	}
	if ((rc = calendar_db_delete_event(st->app.db, cal, uid, err,
	    sizeof err)) <= 0) {
		if (rc < 0)
			calendar_tool_db_error(c, err);
		else
			mcp_call_return_error(c, "uid: no event %s in %s; "
			    "listEvents gives the uids", uid, cal);
		cJSON_Delete(ev);
		return;
	}
	if (calendar_event_span(ev, &from, &to) == 0)
		calendar_resource_changed(st, cal, from, to);
	snprintf(summary, sizeof summary, "Deleted \"%.200s\" (%s..%s) from %s",
	    cJSON_GetObjectItem(ev, "title")->valuestring,
	    cJSON_GetObjectItem(ev, "start")->valuestring,
	    cJSON_GetObjectItem(ev, "end")->valuestring, cal);
	out = cJSON_CreateObject();
	mcp_json_add_bool(out, "deleted", true);
	mcp_json_add_str(out, "uid", uid);
	mcp_json_add(out, "event", ev);
	mcp_call_return_structured(c, out, summary);
}

const struct mcp_tool calendar_tool_delete_event = {
	.name = "deleteEvent",
	.title = "Delete event",
	.description = "Deletes one event, by its uid, from a calendar. This "
	    "cannot be undone.",
	.input_schema = "{\"type\":\"object\",\"properties\":{"
	    "\"calendar\":" CALENDAR_SCHEMA_ID ","
	    "\"uid\":{\"type\":\"string\",\"minLength\":1,\"maxLength\":128,"
	    "\"description\":\"the event's uid (from listEvents or "
	    "createCalendarEvent)\"}},"
	    "\"required\":[\"calendar\",\"uid\"],\"additionalProperties\":false}",
	.output_schema = "{\"type\":\"object\",\"required\":[\"deleted\","
	    "\"uid\",\"event\"],\"properties\":{"
	    "\"deleted\":{\"type\":\"boolean\"},\"uid\":{\"type\":\"string\"},"
	    "\"event\":" CALENDAR_SCHEMA_EVENT "}}",
	.annotations = "{\"title\":\"Delete event\",\"readOnlyHint\":false,"
	    "\"destructiveHint\":true,\"idempotentHint\":true,"
	    "\"openWorldHint\":false}",
	.handler = delete_event,
};
