/*
 * App. What every bundled server program does around its tools: the --db
 * and --data-dir flags, finding the seed data, opening and migrating its
 * database before it serves, and handing the database to its handlers.
 */
#ifndef SERVERS_COMMON_APP_H
#define SERVERS_COMMON_APP_H

#include <stddef.h>

#include <sqlite3.h>

#include "db.h"

struct mcp_server;
struct mcp_server_info;

struct common_app {
	/* Set by the program (a static table and its own arg). */
	const char	*name;		/* "travel": the database is travel.db */
	const struct common_db_migration *migrations;	/* arg: this struct */
	size_t		 n_migrations;
	/*
	 * Runs once the database is ready and before serving: declare the
	 * tools, resources and prompts on server. 0, or -1 with err filled.
	 */
	int		(*setup)(struct common_app *, char *err, size_t errlen);
	/*
	 * Runs once serving has ended, before the database is closed (may be
	 * NULL): finalize cached statements, free the program's state.
	 */
	void		(*teardown)(struct common_app *);
	/* A program's own flags, offered after --db and --data-dir. */
	int		(*extra_opt)(void *arg, const char *opt,
			    const char *value);
	void		*arg;		/* the program's own state */

	/* Filled by common_app_main; valid in setup and the handlers. */
	struct mcp_server *server;
	sqlite3		*db;
	char		*db_path;	/* as opened */
	char		*data_dir;	/* where the seed CSV files are */
};

/* Usage lines for the flags common_app_main adds (for mcp_server_info.usage). */
#define COMMON_APP_USAGE \
	"  --db PATH           database file (default $XDG_DATA_HOME/tripmcp/NAME.db)\n" \
	"  --data-dir DIR      seed data (default: TRIPMCP_DATA_DIR, the data/\n" \
	"                      folder beside the program, then the install prefix)\n"

/*
 * The whole program: the kit's flags plus --db PATH and --data-dir DIR;
 * then opens the database (creating its directory), migrates it (the
 * migrations get app as their arg, to read data_dir), runs setup and
 * serves. Returns the exit status for main(). Everything is freed on return.
 */
int	 common_app_main(struct common_app *, const struct mcp_server_info *,
	     int argc, char **argv);

/*
 * The data's attributions (data_dir/NOTICE, at most 1 MiB) for a server's
 * about resource; the caller frees it. NULL with err naming the file.
 */
char	*common_app_notice(const struct common_app *, char *err,
	     size_t errlen);

/*
 * Finds the seed data directory: TRIPMCP_DATA_DIR, else ../data beside the
 * executable (a build tree), else ../share/tripmcp/data beside it, else the
 * compiled-in install directory; the first holding airports.csv. Returns a
 * string the caller frees, or NULL with err naming where it looked.
 */
char	*common_app_find_data_dir(char *err, size_t errlen);

#endif
