/*
 * The calendar database. Version 1 is the schema and the demo calendars:
 * my-calendar has the guide's June 15-22, 2024 free and every day of the
 * weeks around it (June 8-14 and 23-30) taken, as a busy person's would be.
 */
#include <stdio.h>
#include <string.h>

#include "mcp/json.h"

#include "db.h"

static const char schema_v1[] =
	"CREATE TABLE calendars ("
	"  id TEXT PRIMARY KEY,"
	"  title TEXT NOT NULL,"
	"  description TEXT NOT NULL DEFAULT ''"
	");"
	/* Dates are YYYY-MM-DD; a NULL minute is an all-day event, whose
	 * end_date is its last day. */
	"CREATE TABLE events ("
	"  uid TEXT PRIMARY KEY,"
	"  calendar TEXT NOT NULL REFERENCES calendars(id),"
	"  title TEXT NOT NULL,"
	"  description TEXT NOT NULL DEFAULT '',"
	"  location TEXT,"
	"  start_date TEXT NOT NULL,"
	"  start_minute INTEGER CHECK (start_minute BETWEEN 0 AND 1439),"
	"  end_date TEXT NOT NULL,"
	"  end_minute INTEGER CHECK (end_minute BETWEEN 0 AND 1439),"
	"  created TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),"
	"  CHECK ((start_minute IS NULL) = (end_minute IS NULL)),"
	"  CHECK (end_date >= start_date)"
	");"
	"CREATE INDEX events_by_calendar ON events(calendar, start_date);"
	"CREATE TABLE reminders ("
	"  event_uid TEXT NOT NULL REFERENCES events(uid) ON DELETE CASCADE,"
	"  position INTEGER NOT NULL,"
	"  type TEXT NOT NULL CHECK (type IN ('notification', 'email')),"
	"  time TEXT NOT NULL,"
	"  minutes_before INTEGER NOT NULL CHECK (minutes_before >= 0),"
	"  PRIMARY KEY (event_uid, position)"
	");"
	/* Kept after the event is deleted, so that a retry never recreates it. */
	"CREATE TABLE idempotency_keys ("
	"  key TEXT PRIMARY KEY,"
	"  request TEXT NOT NULL,"
	"  event_uid TEXT NOT NULL,"
	"  created TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now'))"
	");"
	"CREATE TABLE sent_mail ("
	"  id INTEGER PRIMARY KEY,"
	"  message_id TEXT NOT NULL UNIQUE,"
	"  path TEXT NOT NULL,"
	"  sender TEXT NOT NULL,"
	"  recipients TEXT NOT NULL,"
	"  subject TEXT NOT NULL,"
	"  attachments TEXT NOT NULL,"
	"  bytes INTEGER NOT NULL,"
	"  delivered INTEGER NOT NULL DEFAULT 0,"
	"  created TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now'))"
	");";

static const struct seed_calendar {
	const char	*id, *title, *description;
} seed_calendars[] = {
	{ "my-calendar", "My calendar",
	  "Personal and work commitments (demo data)" },
	{ "us-holidays", "US holidays",
	  "Federal holidays observed in the United States, 2024" },
};

static const struct seed_event {
	const char	*uid, *calendar, *title, *description, *location;
	const char	*start, *end;		/* calendar_moment_parse forms */
	const char	*reminder;		/* one "notification", or NULL */
} seed_events[] = {
	{ "seed-dentist-0603@tripmcp", "my-calendar", "Dentist check-up",
	  "Six-monthly check-up and cleaning", "Court Street Dental, Brooklyn",
	  "2024-06-03T09:00", "2024-06-03T10:00", "1 day before" },
	{ "seed-bookclub-0605@tripmcp", "my-calendar", "Book club",
	  "This month: Homage to Catalonia", "Greenlight Bookstore, Brooklyn",
	  "2024-06-05T18:30", "2024-06-05T20:00", NULL },
	{ "seed-birthday-0608@tripmcp", "my-calendar",
	  "Maya's birthday party", "Bring the cake from Ladybird Bakery",
	  "Prospect Park Picnic House, Brooklyn",
	  "2024-06-08T13:00", "2024-06-08T17:00", "1 day before" },
	{ "seed-run-0609@tripmcp", "my-calendar", "Running club long run",
	  "18 miles, marathon training week 9", "Prospect Park, Grand Army "
	  "Plaza entrance", "2024-06-09T07:00", "2024-06-09T10:00", NULL },
	{ "seed-offsite-0610@tripmcp", "my-calendar", "Q3 planning offsite",
	  "Product and engineering planning for the third quarter",
	  "Philadelphia, PA", "2024-06-10", "2024-06-12", "1 week before" },
	{ "seed-workshop-0613@tripmcp", "my-calendar",
	  "Customer workshop: Northwind",
	  "Requirements workshop for the Northwind integration",
	  "Office, 5th floor, room Hudson",
	  "2024-06-13T09:00", "2024-06-13T17:00", "1 hour before" },
	{ "seed-physical-0614@tripmcp", "my-calendar", "Annual physical",
	  "Fasting since midnight", "NYU Langone, 240 E 38th St",
	  "2024-06-14T08:30", "2024-06-14T09:15", "1 day before" },
	{ "seed-dinner-0614@tripmcp", "my-calendar", "Team dinner",
	  "End of the offsite week", "Lilia, Williamsburg",
	  "2024-06-14T19:00", "2024-06-14T22:00", NULL },
	{ "seed-lunch-0623@tripmcp", "my-calendar", "Family lunch at Grandma's",
	  "Sunday lunch; bring the photos from Spain", "Yonkers, NY",
	  "2024-06-23T12:00", "2024-06-23T15:00", NULL },
	{ "seed-oncall-0624@tripmcp", "my-calendar", "On-call week (primary)",
	  "Primary on-call for the payments service", NULL,
	  "2024-06-24", "2024-06-28", "1 day before" },
	{ "seed-qbr-0625@tripmcp", "my-calendar", "Quarterly business review",
	  "Present the Q2 numbers", "Office, 12th floor boardroom",
	  "2024-06-25T10:00", "2024-06-25T16:00", "2 days before" },
	{ "seed-graduation-0626@tripmcp", "my-calendar",
	  "Maya's school graduation", "Fifth-grade moving-up ceremony",
	  "PS 321, Brooklyn", "2024-06-26T10:00", "2024-06-26T12:00",
	  "1 week before" },
	{ "seed-wedding-0629@tripmcp", "my-calendar", "Wedding: Alex & Jordan",
	  "Ceremony at 3 pm, reception after", "Hudson Valley, NY",
	  "2024-06-29T15:00", "2024-06-29T23:30", "2 weeks before" },
	{ "seed-move-0630@tripmcp", "my-calendar", "Help Priya move",
	  "Van booked 10 am to 4 pm", "Astoria, Queens",
	  "2024-06-30T10:00", "2024-06-30T16:00", NULL },
	{ "seed-bbq-0704@tripmcp", "my-calendar", "Fourth of July barbecue",
	  "At the Garcias'", "Park Slope, Brooklyn",
	  "2024-07-04T14:00", "2024-07-04T21:00", NULL },
	{ "seed-juneteenth@tripmcp", "us-holidays", "Juneteenth",
	  "Federal holiday", NULL, "2024-06-19", "2024-06-19", NULL },
	{ "seed-independence@tripmcp", "us-holidays", "Independence Day",
	  "Federal holiday", NULL, "2024-07-04", "2024-07-04", NULL },
	{ "seed-labor@tripmcp", "us-holidays", "Labor Day",
	  "Federal holiday", NULL, "2024-09-02", "2024-09-02", NULL },
};

static int
db_fail(sqlite3 *db, const char *what, char *err, size_t errlen)
{
	snprintf(err, errlen, "calendar database: %s: %s", what,
	    sqlite3_errmsg(db));
	return (-1);
}

static void
bind_moment(sqlite3_stmt *st, int col, const struct calendar_moment *m)
{
	char	date[COMMON_DATE_LEN];

	common_date_format(&m->date, date);
	sqlite3_bind_text(st, col, date, -1, SQLITE_TRANSIENT);
	if (m->minute >= 0)
		sqlite3_bind_int(st, col + 1, m->minute);
	else
		sqlite3_bind_null(st, col + 1);
}

/* Inserts the event and its reminders (inside the caller's transaction). */
static int
db_insert(sqlite3 *db, const struct calendar_new_event *ev, const char *uid,
    char *err, size_t errlen)
{
	static const char ev_sql[] = "INSERT INTO events (uid, calendar, "
	    "title, description, location, start_date, start_minute, "
	    "end_date, end_minute) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";
	static const char rem_sql[] = "INSERT INTO reminders (event_uid, "
	    "position, type, time, minutes_before) VALUES (?1, ?2, ?3, ?4, ?5)";
	sqlite3_stmt	*st;
	const cJSON	*r;
	int		 pos = 0, rc;

	if (sqlite3_prepare_v2(db, ev_sql, -1, &st, NULL) != SQLITE_OK)
		return (db_fail(db, "insert event", err, errlen));
	sqlite3_bind_text(st, 1, uid, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, ev->calendar, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, ev->title, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, ev->description, -1, SQLITE_STATIC);
	if (ev->location != NULL)
		sqlite3_bind_text(st, 5, ev->location, -1, SQLITE_STATIC);
	bind_moment(st, 6, &ev->start);
	bind_moment(st, 8, &ev->end);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return (db_fail(db, "insert event", err, errlen));
	if (sqlite3_prepare_v2(db, rem_sql, -1, &st, NULL) != SQLITE_OK)
		return (db_fail(db, "insert reminder", err, errlen));
	cJSON_ArrayForEach(r, ev->reminders) {
		sqlite3_reset(st);
		sqlite3_bind_text(st, 1, uid, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 2, pos++);
		sqlite3_bind_text(st, 3, cJSON_GetObjectItemCaseSensitive(r,
		    "type")->valuestring, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, cJSON_GetObjectItemCaseSensitive(r,
		    "time")->valuestring, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 5, (sqlite3_int64)cJSON_GetNumberValue(
		    cJSON_GetObjectItemCaseSensitive(r, "minutesBefore")));
		if (sqlite3_step(st) != SQLITE_DONE) {
			sqlite3_finalize(st);
			return (db_fail(db, "insert reminder", err, errlen));
		}
	}
	sqlite3_finalize(st);
	return (0);
}

static int
db_seed(sqlite3 *db, void *arg, char *err, size_t errlen)
{
	static const char cal_sql[] = "INSERT INTO calendars (id, title, "
	    "description) VALUES (?1, ?2, ?3)";
	struct calendar_new_event	 ev;
	sqlite3_stmt			*st;
	cJSON				*rem;
	char				 msg[256];
	size_t				 i;
	int				 rc;

	(void)arg;
	if (sqlite3_prepare_v2(db, cal_sql, -1, &st, NULL) != SQLITE_OK)
		return (db_fail(db, "seed calendars", err, errlen));
	for (i = 0; i < sizeof seed_calendars / sizeof seed_calendars[0]; i++) {
		sqlite3_reset(st);
		sqlite3_bind_text(st, 1, seed_calendars[i].id, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, seed_calendars[i].title, -1,
		    SQLITE_STATIC);
		sqlite3_bind_text(st, 3, seed_calendars[i].description, -1,
		    SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE) {
			sqlite3_finalize(st);
			return (db_fail(db, "seed calendars", err, errlen));
		}
	}
	sqlite3_finalize(st);
	for (i = 0; i < sizeof seed_events / sizeof seed_events[0]; i++) {
		const struct seed_event *s = &seed_events[i];

		memset(&ev, 0, sizeof ev);
		ev.calendar = s->calendar;
		ev.title = s->title;
		ev.description = s->description;
		ev.location = s->location;
		if (calendar_moment_parse(s->start, "start", &ev.start, msg,
		    sizeof msg) != 0 || calendar_moment_parse(s->end, "end",
		    &ev.end, msg, sizeof msg) != 0) {
			snprintf(err, errlen, "calendar seed %s: %s", s->uid, msg);
			return (-1);
		}
		rem = cJSON_CreateArray();
		if (s->reminder != NULL) {
			cJSON	*r = cJSON_CreateObject();
			long	 minutes = 0;

			calendar_reminder_parse(s->reminder, "reminder",
			    &minutes, msg, sizeof msg);
			mcp_json_add_str(r, "type", "notification");
			mcp_json_add_str(r, "time", s->reminder);
			mcp_json_add_num(r, "minutesBefore", (double)minutes);
			cJSON_AddItemToArray(rem, r);
		}
		ev.reminders = rem;
		rc = db_insert(db, &ev, s->uid, err, errlen);
		cJSON_Delete(rem);
		if (rc != 0)
			return (-1);
	}
	return (0);
}

const struct common_db_migration calendar_db_migrations[] = {
	{ 1, schema_v1, db_seed },
};
const size_t calendar_db_n_migrations =
    sizeof calendar_db_migrations / sizeof calendar_db_migrations[0];

/* Writes ------------------------------------------------------------------ */

static int
db_exec(sqlite3 *db, const char *sql, char *err, size_t errlen)
{
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return (db_fail(db, sql, err, errlen));
	return (0);
}

static void
db_rollback(sqlite3 *db)
{
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
}

int
calendar_db_create_event(sqlite3 *db, const struct calendar_new_event *ev,
    const char *key, const char *request, char *uid,
    enum calendar_db_outcome *outcome, char *err, size_t errlen)
{
	static const char find_sql[] = "SELECT request, event_uid, "
	    "EXISTS (SELECT 1 FROM events WHERE uid = event_uid) "
	    "FROM idempotency_keys WHERE key = ?1";
	static const char key_sql[] = "INSERT INTO idempotency_keys (key, "
	    "request, event_uid) VALUES (?1, ?2, ?3)";
	sqlite3_stmt	*st;
	int		 rc;

	/* IMMEDIATE: two servers on one database see each other's keys. */
	if (db_exec(db, "BEGIN IMMEDIATE", err, errlen) != 0)
		return (-1);
	if (key != NULL) {
		if (sqlite3_prepare_v2(db, find_sql, -1, &st, NULL) != SQLITE_OK)
			goto fail;
		sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
		if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			snprintf(uid, 48, "%s", sqlite3_column_text(st, 1));
			if (strcmp((const char *)sqlite3_column_text(st, 0),
			    request) != 0)
				*outcome = CALENDAR_DB_KEY_CONFLICT;
			else if (sqlite3_column_int(st, 2) == 0)
				*outcome = CALENDAR_DB_KEY_DELETED;
			else
				*outcome = CALENDAR_DB_REPLAYED;
			sqlite3_finalize(st);
			db_rollback(db);
			return (0);
		}
		sqlite3_finalize(st);
		if (rc != SQLITE_DONE)
			goto fail;
	}
	calendar_event_new_uid(uid, 48);
	if (db_insert(db, ev, uid, err, errlen) != 0) {
		db_rollback(db);
		return (-1);
	}
	if (key != NULL) {
		if (sqlite3_prepare_v2(db, key_sql, -1, &st, NULL) != SQLITE_OK)
			goto fail;
		sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, request, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, uid, -1, SQLITE_STATIC);
		rc = sqlite3_step(st);
		sqlite3_finalize(st);
		if (rc != SQLITE_DONE)
			goto fail;
	}
	if (db_exec(db, "COMMIT", err, errlen) != 0) {
		db_rollback(db);
		return (-1);
	}
	*outcome = CALENDAR_DB_CREATED;
	return (0);
fail:
	db_fail(db, "create event", err, errlen);
	db_rollback(db);
	return (-1);
}

int
calendar_db_delete_event(sqlite3 *db, const char *calendar, const char *uid,
    char *err, size_t errlen)
{
	static const char sql[] = "DELETE FROM events WHERE calendar = ?1 "
	    "AND uid = ?2";
	sqlite3_stmt	*st;
	int		 rc;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return (db_fail(db, "delete event", err, errlen));
	sqlite3_bind_text(st, 1, calendar, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, uid, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return (db_fail(db, "delete event", err, errlen));
	return (sqlite3_changes(db) > 0);
}

int
calendar_db_log_mail(sqlite3 *db, const struct calendar_sent_mail *m,
    char *err, size_t errlen)
{
	static const char sql[] = "INSERT INTO sent_mail (message_id, path, "
	    "sender, recipients, subject, attachments, bytes) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
	sqlite3_stmt	*st;
	int		 rc;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return (db_fail(db, "log sent mail", err, errlen));
	sqlite3_bind_text(st, 1, m->message_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, m->path, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, m->sender, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, m->recipients, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, m->subject, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, m->attachments, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 7, m->bytes);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return (db_fail(db, "log sent mail", err, errlen));
	return (0);
}
