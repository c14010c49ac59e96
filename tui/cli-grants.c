/*
 * tripmcp grants [revoke SERVER/TOOL]: the tools you allowed "always"
 * (kept in $XDG_STATE_HOME/tripmcp/grants.json), and taking one back so
 * that the next call asks again. Starts no server.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mcp/json.h"
#include "tui/cli.h"

static void
grants_list(struct tui_cli *cli)
{
	cJSON *grants = tui_cli_state_grants_read(cli), *g;
	const struct mcp_host_grant *hg;
	size_t i;

	if (grants == NULL) {
		tui_cli_done(cli, TUI_CLI_USAGE);
		return;
	}
	/* In the REPL: this session's grants too. */
	for (i = 0; cli->host != NULL &&
	    (hg = mcp_host_grant(cli->host, i)) != NULL; i++) {
		if (hg->scope != MCP_HOST_SESSION)
			continue;
		if ((g = cJSON_CreateObject()) == NULL)
			abort();
		mcp_json_add_str(g, "server", hg->server);
		mcp_json_add_str(g, "tool", hg->tool);
		mcp_json_add_str(g, "scope", "session");
		cJSON_AddItemToArray(grants, g);
	}
	if (cli->json)
		tui_cli_print_json(grants);
	else if (cJSON_GetArraySize(grants) == 0)
		printf("no grants: every tool that changes things asks before "
		    "it runs\n");
	else {
		cJSON_ArrayForEach(g, grants) {
			const cJSON *since = cJSON_GetObjectItemCaseSensitive(g,
			    "since");
			bool session = cJSON_IsString(
			    cJSON_GetObjectItemCaseSensitive(g, "scope"));
			char *s = tui_cli_clean(cJSON_GetObjectItemCaseSensitive(
			    g, "server")->valuestring, false);
			char *t = tui_cli_clean(cJSON_GetObjectItemCaseSensitive(
			    g, "tool")->valuestring, false);
			char *w = tui_cli_clean(cJSON_IsString(since) ?
			    since->valuestring : "", false);

			printf("%s/%s  %s%s%s\n", s, t, session ?
			    "this session" : "always", w[0] != '\0' ?
			    ", since " : "", w);
			free(s);
			free(t);
			free(w);
		}
	}
	cJSON_Delete(grants);
	tui_cli_done(cli, TUI_CLI_OK);
}

static void
grants_revoke(struct tui_cli *cli, const char *q)
{
	const char *slash = strchr(q, '/');
	char *server, *c;
	int rc, host_rc = -1;

	if (slash == NULL || slash == q || slash[1] == '\0') {
		c = tui_cli_clean(q, false);
		tui_cli_usage(cli, "name the grant as SERVER/TOOL, not '%s'", c);
		free(c);
		return;
	}
	server = mcp_xstrndup(q, (size_t)(slash - q));
	rc = tui_cli_state_grant_remove(cli, server, slash + 1);
	if (cli->host != NULL)
		host_rc = mcp_host_revoke(cli->host, server, slash + 1);
	free(server);
	c = tui_cli_clean(q, false);
	if (rc < 0)
		tui_cli_done(cli, TUI_CLI_USAGE);
	else if (rc == 0 && host_rc != 0)
		tui_cli_usage(cli, "there is no grant for %s ('tripmcp grants' "
		    "lists them)", c);
	else {
		if (!cli->json)
			printf("revoked %s: its next call asks again\n", c);
		tui_cli_done(cli, TUI_CLI_OK);
	}
	free(c);
}

static void
grants_run(struct tui_cli *cli, int nargs, char **args)
{
	if (nargs == 0) {
		grants_list(cli);
		return;
	}
	if (strcmp(args[0], "revoke") != 0) {
		char *c = tui_cli_clean(args[0], false);

		tui_cli_usage(cli, "grants: unknown action '%s' (only 'revoke')",
		    c);
		free(c);
		return;
	}
	if (nargs != 2) {
		tui_cli_usage(cli, "grants revoke needs one SERVER/TOOL");
		return;
	}
	grants_revoke(cli, args[1]);
}

static char **
grants_complete(struct tui_cli *cli, int word, char **words, const char *text)
{
	cJSON *grants;
	const cJSON *g;
	char **out;
	size_t n = 0, len = strlen(text);

	if (word == 0) {
		out = mcp_xcalloc(2, sizeof *out);
		if (strncmp("revoke", text, len) == 0)
			out[0] = mcp_xstrdup("revoke");
		return out;
	}
	if (word != 1 || strcmp(words[0], "revoke") != 0 ||
	    (grants = tui_cli_state_grants_read(cli)) == NULL)
		return NULL;
	out = mcp_xcalloc((size_t)cJSON_GetArraySize(grants) + 1, sizeof *out);
	cJSON_ArrayForEach(g, grants) {
		char *q = mcp_xprintf("%s/%s", cJSON_GetObjectItemCaseSensitive(
		    g, "server")->valuestring, cJSON_GetObjectItemCaseSensitive(
		    g, "tool")->valuestring);

		if (strncmp(q, text, len) == 0)
			out[n++] = q;
		else
			free(q);
	}
	cJSON_Delete(grants);
	return out;
}

const struct tui_cli_cmd tui_cli_grants = {
	.name = "grants",
	.synopsis = "[revoke SERVER/TOOL]",
	.summary = "the tools allowed always; revoke one",
	.help =
	    "Lists the tools you answered \"always\" for, kept in\n"
	    "$XDG_STATE_HOME/tripmcp/grants.json (in the REPL also this session's).\n"
	    "'grants revoke SERVER/TOOL' takes one back: its next call asks again.\n"
	    "Bookings, cancellations and email are never granted. Every approval\n"
	    "decision is also appended to audit.log beside it.\n",
	.min_args = 0,
	.max_args = 2,
	.needs_host = false,
	.run = grants_run,
	.complete = grants_complete,
};
