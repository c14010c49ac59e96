/*
 * tripmcp-calendar: the guide's Calendar/Email server. Calendars and their
 * events in sqlite (the demo calendar my-calendar has June 15-22, 2024
 * free), the calendar://{calendar}/{period} resources, the tools
 * checkAvailability, createCalendarEvent, listEvents, deleteEvent and
 * sendEmail (into a Maildir outbox; nothing is delivered yet).
 */
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gmime/gmime.h>

#include "mcp/json.h"
#include "mcp/server.h"

#include "db.h"
#include "mail.h"
#include "resource.h"
#include "state.h"
#include "tool.h"

static const struct mcp_server_info calendar_info = {
	.name = "tripmcp-calendar",
	.version = "0.1.0",
	.title = "tripmcp calendar and email",
	.description = "Calendars (events, free/busy, reminders) and email "
	    "written to a Maildir outbox",
	.instructions = "Read calendar://my-calendar/June-2024 (or any "
	    "calendar://CALENDAR/PERIOD: June-2024, 2024-06, "
	    "2024-06-15..2024-06-22) for availability; checkAvailability "
	    "before createCalendarEvent. sendEmail writes to an outbox and "
	    "delivers nothing yet.",
	.usage = COMMON_APP_USAGE
	    "  --outbox DIR        Maildir for sendEmail (default: outbox/ beside\n"
	    "                      the database)\n"
	    "Environment: TRIPMCP_TODAY (YYYY-MM-DD), TRIPMCP_EMAIL_FROM\n"
	    "(the sender, default " CALENDAR_MAIL_DEFAULT_FROM ").\n",
};

static int
calendar_opt(void *arg, const char *opt, const char *value)
{
	struct calendar_state	*st = arg;

	if (strcmp(opt, "--outbox") != 0)
		return (0);
	if (value == NULL || *value == '\0') {
		fprintf(stderr, "tripmcp-calendar: --outbox needs a directory; "
		    "try 'tripmcp-calendar --help'\n");
		return (-1);
	}
	free(st->outbox);
	st->outbox = mcp_xstrdup(value);
	return (2);
}

static int
calendar_setup(struct common_app *app, char *err, size_t errlen)
{
	struct calendar_state	*st = app->arg;
	struct mcp_err		 e = { 0, "" };
	size_t			 i;

	for (i = 0; calendar_tools[i] != NULL; i++) {
		if (mcp_server_add_tool(app->server, calendar_tools[i], st,
		    &e) != 0) {
			snprintf(err, errlen, "tool %s: %s",
			    calendar_tools[i]->name, e.msg);
			return (-1);
		}
	}
	return (calendar_resource_setup(st, err, errlen));
}

static char *
self_dir(void)
{
	char	path[PATH_MAX], *slash;
	ssize_t	n;

	if ((n = readlink("/proc/self/exe", path, sizeof path - 1)) <= 0)
		return (mcp_xstrdup("."));
	path[n] = '\0';
	if ((slash = strrchr(path, '/')) != NULL)
		*slash = '\0';
	return (mcp_xstrdup(path));
}

int
main(int argc, char **argv)
{
	static struct calendar_state	st;
	int				rc;

	signal(SIGPIPE, SIG_IGN);
	g_mime_init();
	st.app.name = "calendar";
	st.app.migrations = calendar_db_migrations;
	st.app.n_migrations = calendar_db_n_migrations;
	st.app.setup = calendar_setup;
	st.app.extra_opt = calendar_opt;
	st.app.arg = &st;
	st.self_dir = self_dir();
	rc = common_app_main(&st.app, &calendar_info, argc, argv);
	calendar_send_email_cleanup(&st);
	calendar_resource_free(&st);
	free(st.outbox);
	free(st.self_dir);
	g_mime_shutdown();
	return (rc);
}
