/*
 * The travel database: its versioned schema (seeded from data/ in the
 * migration's one transaction), cached prepared statements and the
 * write transactions every booking runs in.
 */
#ifndef SERVERS_TRAVEL_DB_H
#define SERVERS_TRAVEL_DB_H

#include <stddef.h>

#include <sqlite3.h>

#include "servers/common/db.h"

/* Schema */
/* The migrations; their arg is the struct common_app (for data_dir). */
extern const struct common_db_migration travel_db_migrations[];
extern const size_t travel_db_nmigrations;

/* Statements */
/*
 * The statement for sql (a static string: the cache keys on its address),
 * prepared on first use and reset with its bindings cleared on every later
 * one. Borrowed: the cache owns it until travel_db_finalize. NULL with err
 * filled on a database error.
 */
sqlite3_stmt *travel_db_stmt(sqlite3 *, const char *sql, char *err,
	     size_t errlen);
/* Finalizes every cached statement (the app's teardown, before the
 * database is closed); returns how many there were. */
size_t	 travel_db_finalize(void);

/* Transactions */
/* BEGIN IMMEDIATE: takes the write lock first (waits up to the busy
 * timeout), so the checks inside see what the writes will change. */
int	 travel_db_begin(sqlite3 *, char *err, size_t errlen);
int	 travel_db_commit(sqlite3 *, char *err, size_t errlen);
void	 travel_db_rollback(sqlite3 *);

/* Rows */
/* Runs a cached statement that returns no rows; 0 or -1 with err. */
int	 travel_db_done(sqlite3 *, sqlite3_stmt *, char *err, size_t errlen);
/* The text of column col, never NULL ("" for NULL). */
const char *travel_db_text(sqlite3_stmt *, int col);
/* The current UTC time as "2024-05-01T09:30:00Z". */
void	 travel_db_now(char *buf, size_t len);

#endif
