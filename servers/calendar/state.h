/*
 * The calendar server's state: what main() sets up and every handler gets
 * as its arg.
 */
#ifndef SERVERS_CALENDAR_STATE_H
#define SERVERS_CALENDAR_STATE_H

#include <stddef.h>

#include "servers/common/app.h"

struct calendar_listed;
struct calendar_watched;
struct calendar_mail_job;

struct calendar_state {
	struct common_app	 app;		/* app.arg is this struct */
	char			*outbox;	/* --outbox DIR, or NULL: beside the database */
	char			*self_dir;	/* the directory of this program */

	/* Concrete resources listed (owned; the kit borrows them). */
	struct calendar_listed	**listed;
	size_t			 nlisted;
	/* Period URIs read, for update notifications (owned). */
	struct calendar_watched	*watched;
	size_t			 nwatched;
	/* sendEmail calls waiting on a sibling server (owned, for cleanup). */
	struct calendar_mail_job *jobs;
};

#endif
