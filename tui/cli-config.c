/*
 * Which servers to start: the file given with -c, else the user's
 * $XDG_CONFIG_HOME/tripmcp/config.json, else the three bundled servers,
 * found beside the tripmcp program and then in the install prefix.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mcp/json.h"
#include "tui/cli.h"

#ifndef TRIPMCP_BINDIR
#define TRIPMCP_BINDIR "/usr/local/bin"
#endif

static const char *const bundled[] = { "travel", "weather", "calendar", NULL };

/* $XDG_CONFIG_HOME (absolute only, as the spec says), else ~/.config. */
static char *
config_user_path(void)
{
	const char *x = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");

	if (x != NULL && x[0] == '/')
		return mcp_xprintf("%s/tripmcp/config.json", x);
	if (home != NULL && home[0] != '\0')
		return mcp_xprintf("%s/.config/tripmcp/config.json", home);
	return NULL;
}

/* The directory of the running program, or NULL. */
static char *
config_exe_dir(void)
{
	char buf[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
	char *slash;

	if (n <= 0)
		return NULL;
	buf[n] = '\0';
	if ((slash = strrchr(buf, '/')) == NULL)
		return NULL;
	*slash = '\0';
	return mcp_xstrdup(buf[0] != '\0' ? buf : "/");
}

static struct mcp_config *
config_bundled(char **name, int *status)
{
	char *dir = config_exe_dir(), *path, *text, missing[256];
	cJSON *root = cJSON_CreateObject(), *servers = cJSON_CreateObject();
	struct mcp_config *cfg;
	struct mcp_err err = { 0 };
	size_t i, found = 0, used = 0;

	if (root == NULL || servers == NULL)
		abort();
	mcp_json_add(root, "mcpServers", servers);
	missing[0] = '\0';
	for (i = 0; bundled[i] != NULL; i++) {
		path = NULL;
		if (dir != NULL) {
			path = mcp_xprintf("%s/tripmcp-%s", dir, bundled[i]);
			if (access(path, X_OK) != 0) {
				free(path);
				path = NULL;
			}
		}
		if (path == NULL) {
			path = mcp_xprintf("%s/tripmcp-%s", TRIPMCP_BINDIR,
			    bundled[i]);
			if (access(path, X_OK) != 0) {
				int w = snprintf(missing + used,
				    sizeof missing - used, "%stripmcp-%s",
				    used > 0 ? ", " : "", bundled[i]);

				if (w > 0 && (size_t)w < sizeof missing - used)
					used += (size_t)w;
				free(path);
				continue;
			}
		}
		cJSON *s = cJSON_CreateObject();

		if (s == NULL)
			abort();
		mcp_json_add_str(s, "command", path);
		mcp_json_add(servers, bundled[i], s);
		free(path);
		found++;
	}
	if (used > 0)
		fprintf(stderr, TUI_CLI_PROG ": %s the bundled server%s %s: "
		    "not in %s nor %s; build %s with 'make' (or install with "
		    "'make install'), or name servers with -c FILE\n",
		    found > 0 ? "starting without" : "cannot start",
		    i - found > 1 ? "s" : "", missing,
		    dir != NULL ? dir : "the program's directory",
		    TRIPMCP_BINDIR, i - found > 1 ? "them" : "it");
	free(dir);
	if (found == 0) {
		cJSON_Delete(root);
		*status = TUI_CLI_UNAVAILABLE;
		return NULL;
	}
	/* Through the parser, so the bundled set is configured as a file is. */
	text = mcp_json_print(root, NULL);
	cJSON_Delete(root);
	cfg = mcp_config_parse(text, strlen(text), "bundled servers", NULL,
	    &err);
	free(text);
	if (cfg == NULL) {
		fprintf(stderr, TUI_CLI_PROG ": %s\n", err.msg);
		*status = TUI_CLI_USAGE;
		return NULL;
	}
	*name = mcp_xstrdup("the bundled servers");
	return cfg;
}

struct mcp_config *
tui_cli_config_load(const char *path, char **name, int *status)
{
	struct mcp_config *cfg;
	struct mcp_err err = { 0 };
	char *user = NULL;

	*name = NULL;
	*status = TUI_CLI_USAGE;
	if (path == NULL) {
		user = config_user_path();
		if (user == NULL || access(user, F_OK) != 0) {
			free(user);
			return config_bundled(name, status);
		}
		path = user;
	}
	cfg = mcp_config_load(path, NULL, &err);
	if (cfg == NULL) {
		char *msg = tui_cli_clean(err.msg, false);

		fprintf(stderr, TUI_CLI_PROG ": %s\n" TUI_CLI_PROG ": no "
		    "server was started; fix the configuration (see "
		    "tripmcp-config(5))\n", msg);
		free(msg);
		free(user);
		return NULL;
	}
	*name = mcp_xstrdup(path);
	free(user);
	return cfg;
}
