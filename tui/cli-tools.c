/*
 * tripmcp tools [SERVER]: the merged tool catalog, each tool as server/tool
 * with its description, whether calling it asks, and its arguments.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mcp/json.h"
#include "tui/cli.h"

static bool
tools_always_asks(const char *server, const char *tool)
{
	size_t i, n = strlen(server);

	for (i = 0; tui_cli_always_ask[i] != NULL; i++) {
		const char *a = tui_cli_always_ask[i];

		if (strcmp(a, tool) == 0 || (strncmp(a, server, n) == 0 &&
		    a[n] == '/' && strcmp(a + n + 1, tool) == 0))
			return true;
	}
	return false;
}

static bool
tools_granted(struct mcp_host *h, const char *server, const char *tool)
{
	const struct mcp_host_grant *g;
	size_t i;

	for (i = 0; (g = mcp_host_grant(h, i)) != NULL; i++) {
		if (strcmp(g->server, server) == 0 && strcmp(g->tool, tool) == 0)
			return true;
	}
	return false;
}

/* How the gate treats it, as far as the catalog tells. */
static const char *
tools_approval(struct mcp_host *h, const char *server, const cJSON *tool)
{
	const cJSON *name = cJSON_GetObjectItemCaseSensitive(tool, "name");
	const cJSON *ann = cJSON_GetObjectItemCaseSensitive(tool,
	    "annotations");

	if (tools_always_asks(server, name->valuestring))
		return "always asks";
	if (tools_granted(h, server, name->valuestring))
		return "granted";
	if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(ann,
	    "readOnlyHint")))
		return "read-only";
	return "asks";
}

static void
tools_print_args(const cJSON *tool)
{
	const cJSON *schema = cJSON_GetObjectItemCaseSensitive(tool,
	    "inputSchema");
	const cJSON *props = cJSON_GetObjectItemCaseSensitive(schema,
	    "properties");
	const cJSON *req = cJSON_GetObjectItemCaseSensitive(schema, "required");
	const cJSON *p, *r, *t;
	bool any = false;

	cJSON_ArrayForEach(p, props) {
		bool required = false;
		char *k = tui_cli_clean(p->string, false), *ty;

		cJSON_ArrayForEach(r, req) {
			if (cJSON_IsString(r) &&
			    strcmp(r->valuestring, p->string) == 0)
				required = true;
		}
		t = cJSON_GetObjectItemCaseSensitive(p, "type");
		ty = tui_cli_clean(cJSON_IsString(t) ? t->valuestring :
		    "value", false);
		printf("%s%s%s=%s%s", any ? " " : "      ", required ? "" : "[",
		    k, ty, required ? "" : "]");
		free(k);
		free(ty);
		any = true;
	}
	if (any)
		printf("\n");
}

static void
tools_show(struct tui_cli *cli)
{
	struct mcp_host_server_info info;
	const char *only = cli->nargs > 0 ? cli->args[0] : NULL, *server;
	const cJSON *tool, *name, *desc;
	cJSON *arr = NULL, *copy;
	size_t i, n = mcp_host_count(cli->host, MCP_HOST_TOOLS);

	if (only != NULL && !tui_cli_check_ready(cli, only))
		return;
	if (only == NULL) {
		for (i = 0; mcp_host_server_info(cli->host, i, &info) == 0;
		    i++) {
			if (info.state != MCP_HOST_READY &&
			    info.state != MCP_HOST_DISABLED)
				tui_cli_error(cli, "server '%s' is %s: its tools "
				    "are not listed ('tripmcp servers' says "
				    "why)", info.name,
				    mcp_host_state_name(info.state));
		}
	}
	if (cli->json && (arr = cJSON_CreateArray()) == NULL)
		abort();
	for (i = 0; i < n; i++) {
		tool = mcp_host_item(cli->host, MCP_HOST_TOOLS, i, &server);
		name = cJSON_GetObjectItemCaseSensitive(tool, "name");
		if (!cJSON_IsString(name) ||
		    (only != NULL && strcmp(only, server) != 0))
			continue;
		if (arr != NULL) {
			if ((copy = cJSON_Duplicate(tool, 1)) == NULL)
				abort();
			mcp_json_add_str(copy, "server", server);
			cJSON_AddItemToArray(arr, copy);
			continue;
		}
		char *q = tui_cli_clean(name->valuestring, false);

		printf("%s/%s  (%s)\n", server, q, tools_approval(cli->host,
		    server, tool));
		free(q);
		desc = cJSON_GetObjectItemCaseSensitive(tool, "description");
		if (cJSON_IsString(desc)) {
			printf("      ");
			tui_cli_print_line(stdout, desc->valuestring, 72);
		}
		tools_print_args(tool);
	}
	if (arr != NULL) {
		tui_cli_print_json(arr);
		cJSON_Delete(arr);
	}
	tui_cli_done(cli, TUI_CLI_OK);
}

/* "tools SERVER" needs that server alone. */
static bool
tools_target(const struct mcp_config *cfg, int nargs, char **args,
    char *server, size_t size)
{
	(void)cfg;
	if (nargs != 1 || strlen(args[0]) >= size)
		return false;
	memcpy(server, args[0], strlen(args[0]) + 1);
	return true;
}

static void
tools_run(struct tui_cli *cli, int nargs, char **args)
{
	if (nargs == 0) {
		tui_cli_wait_all(cli, tools_show);
		return;
	}
	if (!tui_cli_check_server(cli, args[0], strlen(args[0])))
		return;
	tui_cli_wait_server(cli, args[0], tools_show);
}

/* Completion: the server names. */
static char **
tools_complete(struct tui_cli *cli, int word, char **words, const char *text)
{
	struct mcp_host_server_info info;
	char **out;
	size_t i, n = 0, len = strlen(text);

	(void)words;
	if (word != 0 || cli->host == NULL)
		return NULL;
	out = mcp_xcalloc(mcp_host_server_count(cli->host) + 1, sizeof *out);
	for (i = 0; mcp_host_server_info(cli->host, i, &info) == 0; i++) {
		if (strncmp(info.name, text, len) == 0)
			out[n++] = mcp_xstrdup(info.name);
	}
	return out;
}

const struct tui_cli_cmd tui_cli_tools = {
	.name = "tools",
	.synopsis = "[SERVER]",
	.summary = "the tools of every server, or of one",
	.help =
	    "Lists each tool as SERVER/TOOL with how the approval gate treats it\n"
	    "(read-only: runs unasked; granted: you allowed it always; asks; always\n"
	    "asks: bookings, cancellations and email), its description and its\n"
	    "arguments (name=type, [optional]). With --json, the tools as the servers\n"
	    "listed them, each with a \"server\" member.\n",
	.min_args = 0,
	.max_args = 1,
	.needs_host = true,
	.target = tools_target,
	.run = tools_run,
	.complete = tools_complete,
};
