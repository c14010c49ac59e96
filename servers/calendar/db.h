/*
 * The calendar database: its schema versions (the first seeds the demo
 * calendars in the same transaction) and the writes the tools make, each
 * one transaction.
 */
#ifndef SERVERS_CALENDAR_DB_H
#define SERVERS_CALENDAR_DB_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>
#include <sqlite3.h>

#include "servers/common/db.h"

#include "event.h"

extern const struct common_db_migration calendar_db_migrations[];
extern const size_t calendar_db_n_migrations;

/* An event to store (borrowed strings). */
struct calendar_new_event {
	const char		*calendar;
	const char		*title;
	const char		*description;
	const char		*location;	/* or NULL */
	struct calendar_moment	 start, end;
	const cJSON		*reminders;	/* as calendar_reminders_check */
};

/* What calendar_db_create_event did. */
enum calendar_db_outcome {
	CALENDAR_DB_CREATED,
	CALENDAR_DB_REPLAYED,		/* the key's earlier event, unchanged */
	CALENDAR_DB_KEY_CONFLICT,	/* the key made a different event */
	CALENDAR_DB_KEY_DELETED,	/* the key's event has been deleted */
};

/*
 * Stores ev in one transaction. With a key (may be NULL), a key seen
 * before returns its event instead (request, the canonical text of the
 * arguments, must then match). OUT: uid (48 bytes), the new or earlier
 * event's. Returns 0 with *outcome, or -1 with err.
 */
int	 calendar_db_create_event(sqlite3 *, const struct calendar_new_event *ev,
	     const char *key, const char *request, char *uid,
	     enum calendar_db_outcome *outcome, char *err, size_t errlen);
/* Deletes an event with its reminders; 1 deleted, 0 none such, -1 error. */
int	 calendar_db_delete_event(sqlite3 *, const char *calendar,
	     const char *uid, char *err, size_t errlen);

/* One message written to the outbox, for the sent-mail log. */
struct calendar_sent_mail {
	const char	*message_id;
	const char	*path;
	const char	*sender;
	const char	*recipients;	/* JSON array text */
	const char	*subject;
	const char	*attachments;	/* JSON array text */
	long		 bytes;
};
int	 calendar_db_log_mail(sqlite3 *, const struct calendar_sent_mail *,
	     char *err, size_t errlen);

#endif
