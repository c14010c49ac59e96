/*
 * Database. Every server opens its sqlite file through here so that all of
 * them agree on WAL, busy timeouts, foreign keys and how a schema grows;
 * several server processes may share one file.
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "db.h"

/* Writers wait this long for another process's transaction to finish. */
#define DB_BUSY_TIMEOUT_MS	5000

static void
db_oom(size_t size)
{
	fprintf(stderr, "out of memory allocating %zu bytes\n", size);
	abort();
}

char *
common_db_default_path(const char *name, char *err, size_t errlen)
{
	const char	*base, *home;
	char		*path;
	size_t		 n;
	const char	*suffix;

	if (name == NULL || *name == '\0' || strchr(name, '/') != NULL) {
		snprintf(err, errlen, "invalid database name \"%s\"",
		    name == NULL ? "" : name);
		return (NULL);
	}
	base = getenv("XDG_DATA_HOME");
	suffix = "";
	if (base == NULL || base[0] != '/') {
		/* The XDG spec says a relative value is to be ignored. */
		home = getenv("HOME");
		if (home == NULL || home[0] != '/') {
			snprintf(err, errlen, "cannot find a data directory: "
			    "neither XDG_DATA_HOME nor HOME is an absolute "
			    "path; set one or pass --db PATH");
			return (NULL);
		}
		base = home;
		suffix = "/.local/share";
	}
	n = strlen(base) + strlen(suffix) + strlen("/tripmcp/") +
	    strlen(name) + strlen(".db") + 1;
	if ((path = malloc(n)) == NULL)
		db_oom(n);
	snprintf(path, n, "%s%s/tripmcp/%s.db", base, suffix, name);
	return (path);
}

int
common_db_make_parent(const char *path, char *err, size_t errlen)
{
	char	*copy, *p;
	size_t	 n;

	n = strlen(path) + 1;
	if ((copy = malloc(n)) == NULL)
		db_oom(n);
	memcpy(copy, path, n);
	if ((p = strrchr(copy, '/')) == NULL || p == copy) {
		free(copy);
		return (0);
	}
	*p = '\0';
	for (p = copy + 1; ; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		{
			char saved = *p;

			*p = '\0';
			if (mkdir(copy, 0700) != 0 && errno != EEXIST) {
				snprintf(err, errlen, "cannot create %s: %s",
				    copy, strerror(errno));
				free(copy);
				return (-1);
			}
			*p = saved;
			if (saved == '\0')
				break;
		}
	}
	free(copy);
	return (0);
}

int
common_db_exec(sqlite3 *db, const char *sql, char *err, size_t errlen)
{
	char	*msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		snprintf(err, errlen, "sqlite: %s",
		    msg != NULL ? msg : sqlite3_errmsg(db));
		sqlite3_free(msg);
		return (-1);
	}
	return (0);
}

sqlite3 *
common_db_open(const char *path, char *err, size_t errlen)
{
	sqlite3		*db = NULL;
	sqlite3_stmt	*st = NULL;
	const char	*mode;
	int		 rc, waited;

	if (common_db_make_parent(path, err, errlen) != 0)
		return (NULL);
	rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		snprintf(err, errlen, "cannot open %s: %s", path,
		    db != NULL ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
		sqlite3_close(db);
		return (NULL);
	}
	sqlite3_extended_result_codes(db, 1);
	sqlite3_busy_timeout(db, DB_BUSY_TIMEOUT_MS);

	/* journal_mode answers with the mode it ended up in. Switching a new
	 * file to WAL can fail with SQLITE_BUSY without calling the busy
	 * handler when another process opens it at the same moment: retry
	 * for as long as the busy timeout would have waited. */
	if (sqlite3_prepare_v2(db, "PRAGMA journal_mode=WAL", -1, &st,
	    NULL) != SQLITE_OK) {
		snprintf(err, errlen, "cannot open %s: %s", path,
		    sqlite3_errmsg(db));
		goto fail;
	}
	for (waited = 0; (rc = sqlite3_step(st)) != SQLITE_ROW &&
	    (rc & 0xff) == SQLITE_BUSY && waited < DB_BUSY_TIMEOUT_MS;
	    waited += 10) {
		sqlite3_reset(st);
		sqlite3_sleep(10);
	}
	if (rc != SQLITE_ROW) {
		snprintf(err, errlen, "cannot open %s: %s", path,
		    sqlite3_errmsg(db));
		goto fail;
	}
	mode = (const char *)sqlite3_column_text(st, 0);
	/* An in-memory database (tests) has no log to share. */
	if (mode == NULL || (strcmp(mode, "wal") != 0 &&
	    !(strcmp(path, ":memory:") == 0 && strcmp(mode, "memory") == 0))) {
		snprintf(err, errlen, "cannot open %s: write-ahead logging "
		    "not available (journal mode %s); use a local file "
		    "system", path, mode != NULL ? mode : "unknown");
		goto fail;
	}
	sqlite3_finalize(st);
	st = NULL;
	if (common_db_exec(db, "PRAGMA foreign_keys=ON;"
	    "PRAGMA synchronous=NORMAL;", err, errlen) != 0)
		goto fail;
	return (db);

fail:
	sqlite3_finalize(st);
	sqlite3_close(db);
	return (NULL);
}

int
common_db_version(sqlite3 *db, char *err, size_t errlen)
{
	sqlite3_stmt	*st;
	int		 v = -1;

	if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st,
	    NULL) != SQLITE_OK) {
		snprintf(err, errlen, "sqlite: %s", sqlite3_errmsg(db));
		return (-1);
	}
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	else
		snprintf(err, errlen, "sqlite: %s", sqlite3_errmsg(db));
	sqlite3_finalize(st);
	return (v);
}

static int
db_rollback(sqlite3 *db)
{
	char	err[64];

	return (common_db_exec(db, "ROLLBACK", err, sizeof err));
}

int
common_db_migrate(sqlite3 *db, const struct common_db_migration *m,
    size_t n, void *arg, char *err, size_t errlen)
{
	const char	*file;
	char		 sql[64];
	int		 latest, current;
	size_t		 i;

	file = sqlite3_db_filename(db, "main");
	if (file == NULL || *file == '\0')
		file = "(memory)";
	for (i = 0; i < n; i++) {
		if (m[i].version != (int)i + 1) {
			snprintf(err, errlen, "migration table: entry %zu has "
			    "version %d, expected %zu", i, m[i].version, i + 1);
			return (-1);
		}
	}
	latest = (int)n;

	for (;;) {
		/*
		 * IMMEDIATE takes the write lock first, so two processes
		 * starting on a new file do not both run a step: the second
		 * waits, then sees the new version.
		 */
		if (common_db_exec(db, "BEGIN IMMEDIATE", err, errlen) != 0)
			return (-1);
		if ((current = common_db_version(db, err, errlen)) < 0) {
			db_rollback(db);
			return (-1);
		}
		if (current > latest) {
			db_rollback(db);
			snprintf(err, errlen, "%s: schema version %d is newer "
			    "than this program knows (%d); upgrade tripmcp or "
			    "use another database with --db", file, current,
			    latest);
			return (-1);
		}
		if (current == latest) {
			if (common_db_exec(db, "COMMIT", err, errlen) != 0) {
				db_rollback(db);
				return (-1);
			}
			return (0);
		}
		i = (size_t)current;
		if (m[i].sql != NULL &&
		    common_db_exec(db, m[i].sql, err, errlen) != 0)
			goto fail;
		if (m[i].fn != NULL && m[i].fn(db, arg, err, errlen) != 0)
			goto fail;
		snprintf(sql, sizeof sql, "PRAGMA user_version=%d",
		    m[i].version);
		if (common_db_exec(db, sql, err, errlen) != 0 ||
		    common_db_exec(db, "COMMIT", err, errlen) != 0)
			goto fail;
	}

fail:
	db_rollback(db);
	{
		char	 msg[512];

		snprintf(msg, sizeof msg, "%s", err);
		snprintf(err, errlen, "%s: migration to version %d failed: %s",
		    file, m[i].version, msg);
	}
	return (-1);
}

/* Appends an identifier, double-quoted; -1 when it cannot be quoted. */
static int
db_append_ident(char **buf, size_t *len, size_t *cap, const char *id)
{
	size_t	n = strlen(id);

	if (n == 0 || strchr(id, '"') != NULL)
		return (-1);
	while (*len + n + 4 > *cap) {
		*cap = *cap == 0 ? 256 : *cap * 2;
		if ((*buf = realloc(*buf, *cap)) == NULL)
			db_oom(*cap);
	}
	(*buf)[(*len)++] = '"';
	memcpy(*buf + *len, id, n);
	*len += n;
	(*buf)[(*len)++] = '"';
	(*buf)[*len] = '\0';
	return (0);
}

static void
db_append(char **buf, size_t *len, size_t *cap, const char *s)
{
	size_t	n = strlen(s);

	while (*len + n + 1 > *cap) {
		*cap = *cap == 0 ? 256 : *cap * 2;
		if ((*buf = realloc(*buf, *cap)) == NULL)
			db_oom(*cap);
	}
	memcpy(*buf + *len, s, n + 1);
	*len += n;
}

int
common_db_import_csv(sqlite3 *db, const char *path, const char *table,
    long *rows, char *err, size_t errlen)
{
	struct common_csv	*csv;
	sqlite3_stmt		*st = NULL;
	char			*sql = NULL;
	size_t			 len = 0, cap = 0, ncols, i;
	long			 count = 0;
	int			 r;

	if (rows != NULL)
		*rows = 0;
	if ((csv = common_csv_open(path, err, errlen)) == NULL)
		return (-1);
	if ((r = common_csv_next(csv, err, errlen)) <= 0) {
		if (r == 0)
			snprintf(err, errlen, "%s:1: empty file, expected a "
			    "header row", path);
		common_csv_free(csv);
		return (-1);
	}
	ncols = common_csv_count(csv);

	db_append(&sql, &len, &cap, "INSERT INTO ");
	if (db_append_ident(&sql, &len, &cap, table) != 0) {
		snprintf(err, errlen, "invalid table name \"%s\"", table);
		goto fail_nosp;
	}
	db_append(&sql, &len, &cap, " (");
	for (i = 0; i < ncols; i++) {
		if (i > 0)
			db_append(&sql, &len, &cap, ", ");
		if (db_append_ident(&sql, &len, &cap,
		    common_csv_field(csv, i)) != 0) {
			snprintf(err, errlen, "%s:1: header column %zu has an "
			    "empty or invalid name", path, i + 1);
			goto fail_nosp;
		}
	}
	db_append(&sql, &len, &cap, ") VALUES (");
	for (i = 0; i < ncols; i++)
		db_append(&sql, &len, &cap, i == 0 ? "?" : ", ?");
	db_append(&sql, &len, &cap, ")");

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s:1: cannot load into table %s: %s",
		    path, table, sqlite3_errmsg(db));
		goto fail_nosp;
	}
	/* A savepoint is a transaction of its own outside one, nests inside. */
	if (common_db_exec(db, "SAVEPOINT common_import", err, errlen) != 0)
		goto fail_nosp;

	while ((r = common_csv_next(csv, err, errlen)) == 1) {
		if (common_csv_count(csv) != ncols) {
			snprintf(err, errlen, "%s:%lu: %zu fields, expected %zu "
			    "as in the header", path, common_csv_line(csv),
			    common_csv_count(csv), ncols);
			goto fail;
		}
		for (i = 0; i < ncols; i++) {
			size_t n = common_csv_field_len(csv, i);

			if (n == 0)
				sqlite3_bind_null(st, (int)i + 1);
			else
				sqlite3_bind_text(st, (int)i + 1,
				    common_csv_field(csv, i), (int)n,
				    SQLITE_STATIC);
		}
		if (sqlite3_step(st) != SQLITE_DONE) {
			snprintf(err, errlen, "%s:%lu: cannot insert into %s: %s",
			    path, common_csv_line(csv), table,
			    sqlite3_errmsg(db));
			goto fail;
		}
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
		count++;
	}
	if (r < 0)
		goto fail;
	if (common_db_exec(db, "RELEASE common_import", err, errlen) != 0)
		goto fail;
	sqlite3_finalize(st);
	common_csv_free(csv);
	free(sql);
	if (rows != NULL)
		*rows = count;
	return (0);

fail:
	{
		char	e[64];

		common_db_exec(db, "ROLLBACK TO common_import", e, sizeof e);
		common_db_exec(db, "RELEASE common_import", e, sizeof e);
	}
fail_nosp:
	sqlite3_finalize(st);
	common_csv_free(csv);
	free(sql);
	return (-1);
}
