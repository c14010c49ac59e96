/*
 * createCalendarEvent: adds an all-day or timed event with its reminders.
 * An idempotencyKey makes retries safe: the same key returns the event it
 * made the first time and never makes a second.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mcp/json.h"
#include "mcp/server.h"

#include "db.h"
#include "resource.h"
#include "tool.h"

#define EVENT_MAX_DAYS	366

/* The arguments as one canonical text, to tell a retry from a reuse. */
static char *
request_text(const struct calendar_new_event *ev)
{
	cJSON	*o = cJSON_CreateObject();
	char	 buf[CALENDAR_MOMENT_LEN], *text;

	mcp_json_add_str(o, "calendar", ev->calendar);
	mcp_json_add_str(o, "title", ev->title);
	calendar_moment_format(&ev->start, buf);
	mcp_json_add_str(o, "start", buf);
	calendar_moment_format(&ev->end, buf);
	mcp_json_add_str(o, "end", buf);
	mcp_json_add_str(o, "description", ev->description);
	if (ev->location != NULL)
		mcp_json_add_str(o, "location", ev->location);
	mcp_json_add(o, "reminders", cJSON_Duplicate(ev->reminders, true));
	text = mcp_json_print(o, NULL);
	cJSON_Delete(o);
	return (text);
}

static void
create_event(struct mcp_call *c, const cJSON *args, void *arg)
{
	struct calendar_state		*st = arg;
	struct calendar_new_event	 ev;
	enum calendar_db_outcome	 outcome;
	const cJSON			*loc = cJSON_GetObjectItem(args, "location");
	const cJSON			*key = cJSON_GetObjectItem(args,
					    "idempotencyKey");
	const char			*start, *end, *k;
	cJSON				*rem, *out, *event, *conflicts, *x;
	char				 err[512], uid[48], summary[1024];
	char				*request;
	long				 from, to;
	size_t				 n;
	int				 nconf = 0;

	memset(&ev, 0, sizeof ev);
	ev.calendar = cJSON_GetObjectItem(args, "calendar")->valuestring;
	ev.title = cJSON_GetObjectItem(args, "title")->valuestring;
	ev.description = cJSON_GetObjectItem(args, "description")->valuestring;
	ev.location = loc != NULL ? loc->valuestring : NULL;
	start = cJSON_GetObjectItem(args, "startDate")->valuestring;
	end = cJSON_GetObjectItem(args, "endDate")->valuestring;
	k = key != NULL ? key->valuestring : NULL;
	if (calendar_tool_text(c, "title", ev.title, CALENDAR_TITLE_MAX,
	    false) != 0 || calendar_tool_text(c, "description", ev.description,
	    CALENDAR_TEXT_MAX, true) != 0 || (ev.location != NULL &&
	    calendar_tool_text(c, "location", ev.location,
	    CALENDAR_LOCATION_MAX, false) != 0) || (k != NULL &&
	    calendar_tool_text(c, "idempotencyKey", k, CALENDAR_KEY_MAX,
	    false) != 0))
		return;
	if (strspn(ev.title, " ") == strlen(ev.title)) {
		mcp_call_return_error(c, "title: empty; give the event a title");
		return;
	}
	if (calendar_tool_range(c, start, end, false, EVENT_MAX_DAYS, &ev.start,
	    &ev.end, &from, &to) != 0)
		return;
	if ((ev.start.minute < 0) != (ev.end.minute < 0)) {
		mcp_call_return_error(c, "endDate: give both dates as days "
		    "(YYYY-MM-DD, an all-day event) or both as local times "
		    "(YYYY-MM-DDTHH:MM)");
		return;
	}
	if (calendar_tool_calendar(c, st, ev.calendar) != 0)
		return;
	if ((rem = calendar_reminders_check(cJSON_GetObjectItem(args,
	    "reminders"), err, sizeof err)) == NULL) {
		mcp_call_return_error(c, "%s", err);
		return;
	}
	ev.reminders = rem;
	/* Other events in the same time, to warn about (not to refuse). */
	if ((conflicts = calendar_events_between(st->app.db, ev.calendar, from,
	    to, 50, NULL, err, sizeof err)) == NULL) {
		cJSON_Delete(rem);
		calendar_tool_db_error(c, err);
		return;
	}
	request = request_text(&ev);
	if (calendar_db_create_event(st->app.db, &ev, k, request, uid, &outcome,
	    err, sizeof err) != 0) {
		free(request);
		cJSON_Delete(rem);
		cJSON_Delete(conflicts);
		calendar_tool_db_error(c, err);
		return;
	}
	free(request);
	cJSON_Delete(rem);
	if (outcome == CALENDAR_DB_KEY_CONFLICT ||
	    outcome == CALENDAR_DB_KEY_DELETED) {
		cJSON_Delete(conflicts);
		mcp_call_return_error(c, outcome == CALENDAR_DB_KEY_CONFLICT ?
		    "idempotencyKey: already used for a different event (uid "
		    "%s); use a new key for a new event" :
		    "idempotencyKey: its event (uid %s) has been deleted since; "
		    "use a new key to create it again", uid);
		return;
	}
	if ((event = calendar_event_get(st->app.db, ev.calendar, uid, err,
	    sizeof err)) == NULL) {
		cJSON_Delete(conflicts);
		calendar_tool_db_error(c, err[0] ? err : "the new event vanished");
		return;
	}
	if (outcome == CALENDAR_DB_CREATED)
		calendar_resource_changed(st, ev.calendar, from, to);
	/* An event replayed from its key is among the "conflicts": drop it. */
	for (x = conflicts->child; x != NULL;) {
		cJSON *next = x->next;

		if (strcmp(cJSON_GetObjectItem(x, "uid")->valuestring, uid) == 0)
			cJSON_Delete(cJSON_DetachItemViaPointer(conflicts, x));
		else
			nconf++;
		x = next;
	}
	n = (size_t)snprintf(summary, sizeof summary, "%s \"%.200s\" in %s, "
	    "%s..%s (uid %s)", outcome == CALENDAR_DB_CREATED ? "Created" :
	    "Already created (same idempotencyKey):", ev.title, ev.calendar,
	    cJSON_GetObjectItem(event, "start")->valuestring,
	    cJSON_GetObjectItem(event, "end")->valuestring, uid);
	cJSON_ArrayForEach(x, cJSON_GetObjectItem(event, "reminders")) {
		if (n < sizeof summary - 100)
			n += (size_t)snprintf(summary + n, sizeof summary - n,
			    "; reminder (%s) %s, at %s",
			    cJSON_GetObjectItem(x, "type")->valuestring,
			    cJSON_GetObjectItem(x, "time")->valuestring,
			    cJSON_GetObjectItem(x, "at")->valuestring);
	}
	if (nconf > 0 && n < sizeof summary)
		snprintf(summary + n, sizeof summary - n, "; note: overlaps %d "
		    "other event%s", nconf, nconf == 1 ? "" : "s");
	out = cJSON_CreateObject();
	mcp_json_add_str(out, "uid", uid);
	mcp_json_add_bool(out, "created", outcome == CALENDAR_DB_CREATED);
	mcp_json_add(out, "event", event);
	mcp_json_add(out, "overlaps", conflicts);
	mcp_call_return_structured(c, out, summary);
}

const struct mcp_tool calendar_tool_create_calendar_event = {
	.name = "createCalendarEvent",
	.title = "Create calendar event",
	.description = "Adds an event to a calendar and returns its uid. Dates "
	    "YYYY-MM-DD make an all-day event (endDate is its last day); "
	    "YYYY-MM-DDTHH:MM makes a timed one (local time). Reminders: "
	    "[{\"type\": \"notification\" or \"email\", \"time\": \"1 week "
	    "before\"}]. With an idempotencyKey a retry returns the first "
	    "event instead of adding another. Overlapping events are reported, "
	    "not refused.",
	.input_schema = "{\"type\":\"object\",\"properties\":{"
	    "\"calendar\":" CALENDAR_SCHEMA_ID ","
	    "\"title\":{\"type\":\"string\",\"minLength\":1,\"maxLength\":200},"
	    "\"startDate\":" CALENDAR_SCHEMA_MOMENT("first day or start time") ","
	    "\"endDate\":" CALENDAR_SCHEMA_MOMENT("last day or end time") ","
	    "\"description\":{\"type\":\"string\",\"maxLength\":4000},"
	    "\"location\":{\"type\":\"string\",\"maxLength\":200},"
	    "\"reminders\":{\"type\":\"array\",\"maxItems\":10,\"items\":{"
	    "\"type\":\"object\",\"properties\":{\"type\":{\"type\":\"string\","
	    "\"enum\":[\"notification\",\"email\"]},\"time\":{\"type\":"
	    "\"string\",\"maxLength\":64,\"description\":\"e.g. 1 week "
	    "before, 2 hours before, at start\"}},\"required\":[\"time\"]}},"
	    "\"idempotencyKey\":{\"type\":\"string\",\"minLength\":1,"
	    "\"maxLength\":200,\"description\":\"any unique text; a retry "
	    "with the same key returns the same event\"}},"
	    "\"required\":[\"calendar\",\"title\",\"startDate\",\"endDate\","
	    "\"description\",\"reminders\"],\"additionalProperties\":false}",
	.output_schema = "{\"type\":\"object\",\"required\":[\"uid\","
	    "\"created\",\"event\",\"overlaps\"],\"properties\":{"
	    "\"uid\":{\"type\":\"string\"},\"created\":{\"type\":\"boolean\"},"
	    "\"event\":" CALENDAR_SCHEMA_EVENT ","
	    "\"overlaps\":{\"type\":\"array\",\"items\":" CALENDAR_SCHEMA_EVENT
	    "}}}",
	.annotations = "{\"title\":\"Create calendar event\","
	    "\"readOnlyHint\":false,\"destructiveHint\":false,"
	    "\"idempotentHint\":false,\"openWorldHint\":false}",
	.handler = create_event,
};
