/*
 * Checks the calendar tools share, each ending the call with an isError
 * that names the field, so that a handler reads as its happy path.
 */
#include <stdio.h>
#include <string.h>

#include "mcp/json.h"
#include "mcp/server.h"

#include "tool.h"

const struct mcp_tool *const calendar_tools[] = {
	&calendar_tool_check_availability,
	&calendar_tool_create_calendar_event,
	&calendar_tool_list_events,
	&calendar_tool_delete_event,
	&calendar_tool_send_email,
	NULL
};

int
calendar_tool_calendar(struct mcp_call *c, struct calendar_state *st,
    const char *calendar)
{
	char	err[512];
	int	rc;

	if ((rc = calendar_exists(st->app.db, calendar, err, sizeof err)) < 0) {
		calendar_tool_db_error(c, err);
		return (-1);
	}
	if (rc == 0) {
		calendar_unknown(st->app.db, "calendar", calendar, err,
		    sizeof err);
		mcp_call_return_error(c, "%s", err);
		return (-1);
	}
	return (0);
}

int
calendar_tool_text(struct mcp_call *c, const char *field, const char *text,
    size_t max, bool multiline)
{
	size_t	n = strlen(text), i;

	if (n > max) {
		mcp_call_return_error(c, "%s: %zu bytes is longer than the %zu "
		    "allowed; shorten it", field, n, max);
		return (-1);
	}
	if (!mcp_utf8_valid(text, n)) {
		mcp_call_return_error(c, "%s: not valid UTF-8", field);
		return (-1);
	}
	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)text[i];

		if ((ch < 0x20 || ch == 0x7f) &&
		    !(multiline && (ch == '\n' || ch == '\t' || ch == '\r'))) {
			mcp_call_return_error(c, "%s: contains a control "
			    "character (code %u)%s; remove it", field, ch,
			    multiline ? "" : "; it must be one line");
			return (-1);
		}
	}
	return (0);
}

int
calendar_tool_range(struct mcp_call *c, const char *start, const char *end,
    bool past_ok, long max_days, struct calendar_moment *s,
    struct calendar_moment *e, long *from, long *to)
{
	struct common_date	today;
	char			err[256], a[CALENDAR_MOMENT_LEN],
				t[COMMON_DATE_LEN];

	if (common_date_today(&today, err, sizeof err) != 0) {
		mcp_call_return_error(c, "%s", err);
		return (-1);
	}
	if (start != NULL && calendar_moment_parse(start, "startDate", s, err,
	    sizeof err) != 0) {
		mcp_call_return_error(c, "%s", err);
		return (-1);
	}
	if (end != NULL && calendar_moment_parse(end, "endDate", e, err,
	    sizeof err) != 0) {
		mcp_call_return_error(c, "%s", err);
		return (-1);
	}
	if (start == NULL) {
		s->date = today;
		s->minute = -1;
	}
	if (end == NULL) {
		/* A year from the start. */
		e->date = s->date;
		e->minute = -1;
		common_date_add_days(&e->date, 365);
	}
	if (!past_ok && common_date_compare(&s->date, &today) < 0) {
		calendar_moment_format(s, a);
		common_date_format(&today, t);
		mcp_call_return_error(c, "startDate: %s is in the past (today "
		    "is %s); use a date from today on", a, t);
		return (-1);
	}
	*from = calendar_moment_start(s);
	*to = calendar_moment_end(e);
	if (*to <= *from) {
		mcp_call_return_error(c, "endDate: %s is before startDate %s; "
		    "the end must come after the start", end, start != NULL ?
		    start : "(today)");
		return (-1);
	}
	if ((*to - *from) / 1440 > max_days) {
		mcp_call_return_error(c, "endDate: the range is longer than %ld "
		    "days; ask about a shorter one", max_days);
		return (-1);
	}
	return (0);
}

void
calendar_tool_db_error(struct mcp_call *c, const char *err)
{
	mcp_call_return_error(c, "%s; the calendar database failed, try again",
	    err);
}
