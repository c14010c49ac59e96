/*
 * What the calendar tools share: their table, the schema of an event, and
 * checks that end the call with an isError naming the field when they fail.
 */
#ifndef SERVERS_CALENDAR_TOOL_H
#define SERVERS_CALENDAR_TOOL_H

#include <stdbool.h>

#include <cjson/cJSON.h>

#include "event.h"
#include "state.h"

struct mcp_call;
struct mcp_tool;

extern const struct mcp_tool calendar_tool_check_availability;
extern const struct mcp_tool calendar_tool_create_calendar_event;
extern const struct mcp_tool calendar_tool_list_events;
extern const struct mcp_tool calendar_tool_delete_event;
extern const struct mcp_tool calendar_tool_send_email;

/* Every tool, NULL-terminated. */
extern const struct mcp_tool *const calendar_tools[];

/* JSON Schema texts. */
#define CALENDAR_SCHEMA_ID \
	"{\"type\":\"string\",\"minLength\":1,\"maxLength\":64," \
	"\"description\":\"calendar id, e.g. my-calendar\"}"
#define CALENDAR_SCHEMA_MOMENT(what) \
	"{\"type\":\"string\",\"maxLength\":32,\"description\":\"" what \
	": YYYY-MM-DD (a whole day) or YYYY-MM-DDTHH:MM (local time)\"}"
#define CALENDAR_SCHEMA_EVENT \
	"{\"type\":\"object\",\"required\":[\"uid\",\"calendar\",\"title\"," \
	"\"start\",\"end\",\"allDay\",\"reminders\"],\"properties\":{" \
	"\"uid\":{\"type\":\"string\"},\"calendar\":{\"type\":\"string\"}," \
	"\"title\":{\"type\":\"string\"},\"description\":{\"type\":\"string\"}," \
	"\"location\":{\"type\":\"string\"},\"allDay\":{\"type\":\"boolean\"}," \
	"\"start\":{\"type\":\"string\"},\"end\":{\"type\":\"string\"}," \
	"\"reminders\":{\"type\":\"array\",\"items\":{\"type\":\"object\"," \
	"\"required\":[\"type\",\"time\",\"minutesBefore\"],\"properties\":{" \
	"\"type\":{\"type\":\"string\"},\"time\":{\"type\":\"string\"}," \
	"\"minutesBefore\":{\"type\":\"integer\"},\"at\":{\"type\":\"string\"}}}}}}"
#define CALENDAR_SCHEMA_RANGES \
	"{\"type\":\"array\",\"items\":{\"type\":\"object\",\"required\":" \
	"[\"start\",\"end\",\"days\"],\"properties\":{\"start\":{\"type\":" \
	"\"string\"},\"end\":{\"type\":\"string\"},\"days\":{\"type\":" \
	"\"integer\"}}}}"

/* Checks; each returns 0, or -1 having ended the call with an isError. */
/* calendar names an existing calendar (field "calendar"). */
int	 calendar_tool_calendar(struct mcp_call *, struct calendar_state *,
	     const char *calendar);
/* Text without control characters (newline and tab allowed when
 * multiline), valid UTF-8, at most max bytes. */
int	 calendar_tool_text(struct mcp_call *, const char *field,
	     const char *text, size_t max, bool multiline);
/*
 * startDate and endDate (either may be absent when !required: NULL) into
 * moments and minutes [*from, *to). The end may not come before the start;
 * past_ok false refuses a start before today; at most max_days long.
 */
int	 calendar_tool_range(struct mcp_call *, const char *start,
	     const char *end, bool past_ok, long max_days,
	     struct calendar_moment *s, struct calendar_moment *e, long *from,
	     long *to);

/* At exit: frees sendEmail calls still waiting on a sibling server. */
void	 calendar_send_email_cleanup(struct calendar_state *);

/* Ends the call with a database error (a failure of ours, not the caller's). */
void	 calendar_tool_db_error(struct mcp_call *, const char *err);

#endif
