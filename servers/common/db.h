/*
 * Database. Opening a server's sqlite database, migrating its schema by a
 * const table of versions, and seeding tables from CSV files.
 */
#ifndef SERVERS_COMMON_DB_H
#define SERVERS_COMMON_DB_H

#include <stddef.h>

#include <sqlite3.h>

/*
 * One schema step. Versions run 1, 2, 3, … in table order; each step runs
 * in its own transaction together with the user_version bump, so a crash
 * leaves the database at the previous version or the next, never between.
 * sql (may be NULL) runs first, then fn (may be NULL), which gets the arg
 * given to common_db_migrate; fn returns 0 or -1 with err filled.
 */
struct common_db_migration {
	int		 version;
	const char	*sql;
	int		(*fn)(sqlite3 *, void *arg, char *err, size_t errlen);
};

/* Paths */
/* Returns $XDG_DATA_HOME/tripmcp/NAME.db (else ~/.local/share/…); the caller owns it. */
char	*common_db_default_path(const char *name, char *err, size_t errlen);
/* Creates every missing directory above path (as mkdir -p on its dirname). */
int	 common_db_make_parent(const char *path, char *err, size_t errlen);

/* Opening */
/*
 * Opens (creating) the database at path with WAL, a busy timeout and
 * foreign keys on (":memory:" opens a private in-memory database without
 * WAL). Returns a handle the caller closes with sqlite3_close.
 */
sqlite3	*common_db_open(const char *path, char *err, size_t errlen);

/* Schema */
/* The schema version stored in the database, or -1 with err filled. */
int	 common_db_version(sqlite3 *, char *err, size_t errlen);
/*
 * Brings the database up to the last version in the table. A database
 * whose version is newer than the table's last is refused and left alone.
 */
int	 common_db_migrate(sqlite3 *, const struct common_db_migration *,
	     size_t n, void *arg, char *err, size_t errlen);

/* Seeding */
/*
 * Loads a CSV file into table, whose columns are named by the file's header
 * row (every header column must exist in the table). Empty fields become
 * NULL. Runs inside one savepoint: all rows or none. The number of rows
 * loaded goes to *rows (may be NULL). Errors name file:line.
 */
int	 common_db_import_csv(sqlite3 *, const char *path, const char *table,
	     long *rows, char *err, size_t errlen);

/* Runs a constant SQL text (no parameters); -1 with err on failure. */
int	 common_db_exec(sqlite3 *, const char *sql, char *err, size_t errlen);

#endif
