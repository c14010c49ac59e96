/*
 * App. The part of main() every bundled server shares: flags for the
 * database and the seed data, then open, migrate, declare, serve.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mcp/server.h"

#include "app.h"

#ifndef TRIPMCP_DATADIR
#define TRIPMCP_DATADIR	"/usr/local/share/tripmcp/data"
#endif

static char *
app_strdup(const char *s)
{
	size_t	 n = strlen(s) + 1;
	char	*p;

	if ((p = malloc(n)) == NULL) {
		fprintf(stderr, "out of memory allocating %zu bytes\n", n);
		abort();
	}
	memcpy(p, s, n);
	return (p);
}

static int
app_has_data(const char *dir)
{
	char	path[PATH_MAX];

	if ((size_t)snprintf(path, sizeof path, "%s/airports.csv", dir) >=
	    sizeof path)
		return (0);
	return (access(path, R_OK) == 0);
}

char *
common_app_find_data_dir(char *err, size_t errlen)
{
	const char	*env = getenv("TRIPMCP_DATA_DIR");
	char		 exe[PATH_MAX], dir[PATH_MAX], *slash;
	ssize_t		 n;
	static const char *const rel[] = { "../data", "../share/tripmcp/data" };
	size_t		 i;

	if (env != NULL && *env != '\0') {
		if (app_has_data(env))
			return (app_strdup(env));
		snprintf(err, errlen, "TRIPMCP_DATA_DIR=%s holds no "
		    "airports.csv; point it at tripmcp's data/ folder", env);
		return (NULL);
	}
	n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n > 0) {
		exe[n] = '\0';
		if ((slash = strrchr(exe, '/')) != NULL)
			*slash = '\0';
		/* build/ and build/asan/ both sit below the source tree. */
		for (i = 0; i < 2 * sizeof rel / sizeof rel[0]; i++) {
			if ((size_t)snprintf(dir, sizeof dir, "%s/%s%s", exe,
			    i >= 2 ? "../" : "", rel[i % 2]) >= sizeof dir)
				continue;
			if (app_has_data(dir))
				return (realpath(dir, NULL));
		}
	}
	if (app_has_data(TRIPMCP_DATADIR))
		return (app_strdup(TRIPMCP_DATADIR));
	snprintf(err, errlen, "cannot find the seed data (airports.csv): looked "
	    "beside the program and in %s; pass --data-dir DIR or set "
	    "TRIPMCP_DATA_DIR", TRIPMCP_DATADIR);
	return (NULL);
}

#define APP_NOTICE_MAX	(1024 * 1024)

char *
common_app_notice(const struct common_app *app, char *err, size_t errlen)
{
	char	 path[PATH_MAX], *buf;
	FILE	*f;
	size_t	 n;

	if (app->data_dir == NULL || (size_t)snprintf(path, sizeof path,
	    "%s/NOTICE", app->data_dir) >= sizeof path ||
	    (f = fopen(path, "rb")) == NULL) {
		snprintf(err, errlen, "cannot read %s/NOTICE; reinstall "
		    "tripmcp's data folder", app->data_dir != NULL ?
		    app->data_dir : "(no data directory)");
		return (NULL);
	}
	if ((buf = malloc(APP_NOTICE_MAX + 1)) == NULL) {
		fprintf(stderr, "out of memory allocating %d bytes\n",
		    APP_NOTICE_MAX + 1);
		abort();
	}
	n = fread(buf, 1, APP_NOTICE_MAX, f);
	fclose(f);
	buf[n] = '\0';
	return (buf);
}

static int
app_opt(void *arg, const char *opt, const char *value)
{
	struct common_app *app = arg;
	char		**slot = NULL;

	if (strcmp(opt, "--db") == 0)
		slot = &app->db_path;
	else if (strcmp(opt, "--data-dir") == 0)
		slot = &app->data_dir;
	else
		return (app->extra_opt != NULL ?
		    app->extra_opt(app->arg, opt, value) : 0);
	if (value == NULL || *value == '\0') {
		fprintf(stderr, "tripmcp-%s: %s needs a value; try "
		    "'tripmcp-%s --help'\n", app->name, opt, app->name);
		return (-1);
	}
	free(*slot);
	*slot = app_strdup(value);
	return (2);
}

static int
app_start(void *arg, struct mcp_server *srv, struct mcp_err *e)
{
	struct common_app *app = arg;
	char		 err[sizeof e->msg];

	(void)srv;
	err[0] = '\0';
	if (app->data_dir == NULL) {
		if ((app->data_dir = common_app_find_data_dir(err,
		    sizeof err)) == NULL)
			goto fail;
	} else if (!app_has_data(app->data_dir)) {
		snprintf(err, sizeof err, "--data-dir %s holds no airports.csv; "
		    "point it at tripmcp's data/ folder", app->data_dir);
		goto fail;
	}
	if (app->db_path == NULL &&
	    (app->db_path = common_db_default_path(app->name, err,
	    sizeof err)) == NULL)
		goto fail;
	if (strcmp(app->db_path, ":memory:") != 0 &&
	    common_db_make_parent(app->db_path, err, sizeof err) != 0)
		goto fail;
	if ((app->db = common_db_open(app->db_path, err, sizeof err)) == NULL)
		goto fail;
	if (common_db_migrate(app->db, app->migrations, app->n_migrations, app,
	    err, sizeof err) != 0)
		goto fail;
	if (app->setup != NULL && app->setup(app, err, sizeof err) != 0)
		goto fail;
	return (0);
fail:
	memcpy(e->msg, err[0] != '\0' ? err : "cannot start",
	    err[0] != '\0' ? sizeof e->msg : sizeof "cannot start");
	return (-1);
}

int
common_app_main(struct common_app *app, const struct mcp_server_info *info,
    int argc, char **argv)
{
	int	 rc;

	if ((app->server = mcp_server_new(info)) == NULL) {
		fprintf(stderr, "%s: cannot create the server\n", info->name);
		return (1);
	}
	mcp_server_set_start(app->server, app_start, app);
	rc = mcp_server_main(app->server, argc, argv, app_opt, app);
	mcp_server_free(app->server);
	app->server = NULL;
	if (app->teardown != NULL)
		app->teardown(app);
	if (app->db != NULL && sqlite3_close(app->db) != SQLITE_OK)
		fprintf(stderr, "%s: closing %s: %s (a statement was left "
		    "unfinalized)\n", info->name, app->db_path,
		    sqlite3_errmsg(app->db));
	app->db = NULL;
	free(app->db_path);
	free(app->data_dir);
	app->db_path = app->data_dir = NULL;
	return (rc);
}
