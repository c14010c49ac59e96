/*
 * tripmcp servers: every configured server with its state, catalog sizes,
 * and for one that is down the reason and its last stderr lines. Waits until
 * no server is still starting.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mcp/json.h"
#include "tui/cli.h"

static void
servers_json(struct tui_cli *cli)
{
	struct mcp_host_server_info info;
	cJSON *arr = cJSON_CreateArray(), *o;
	size_t i;

	if (arr == NULL)
		abort();
	for (i = 0; mcp_host_server_info(cli->host, i, &info) == 0; i++) {
		if ((o = cJSON_CreateObject()) == NULL)
			abort();
		mcp_json_add_str(o, "name", info.name);
		mcp_json_add_str(o, "state", mcp_host_state_name(info.state));
		if (info.reason != NULL)
			mcp_json_add_str(o, "reason", info.reason);
		if (info.stderr_tail != NULL)
			mcp_json_add_str(o, "stderr", info.stderr_tail);
		mcp_json_add_num(o, "restarts", info.restarts);
		mcp_json_add_num(o, "pid", (double)info.pid);
		if (info.server_info != NULL)
			mcp_json_add(o, "serverInfo",
			    cJSON_Duplicate(info.server_info, 1));
		mcp_json_add_num(o, "tools", info.tools);
		mcp_json_add_num(o, "resources", info.resources);
		mcp_json_add_num(o, "templates", info.templates);
		mcp_json_add_num(o, "prompts", info.prompts);
		cJSON_AddItemToArray(arr, o);
	}
	tui_cli_print_json(arr);
	cJSON_Delete(arr);
}

static void
servers_show(struct tui_cli *cli)
{
	struct mcp_host_server_info info;
	size_t i;
	int status = TUI_CLI_OK;

	for (i = 0; mcp_host_server_info(cli->host, i, &info) == 0; i++) {
		if (info.state != MCP_HOST_READY &&
		    info.state != MCP_HOST_DISABLED)
			status = TUI_CLI_UNAVAILABLE;
	}
	if (cli->json) {
		servers_json(cli);
		tui_cli_done(cli, status);
		return;
	}
	printf("%-16s %-10s %5s %9s %9s %7s  %s\n", "SERVER", "STATE", "TOOLS",
	    "RESOURCES", "TEMPLATES", "PROMPTS", "VERSION");
	for (i = 0; mcp_host_server_info(cli->host, i, &info) == 0; i++) {
		const cJSON *si = info.server_info;
		const cJSON *name = cJSON_GetObjectItemCaseSensitive(si, "name");
		const cJSON *ver = cJSON_GetObjectItemCaseSensitive(si,
		    "version");
		char *n = tui_cli_clean(cJSON_IsString(name) ?
		    name->valuestring : "", false);
		char *v = tui_cli_clean(cJSON_IsString(ver) ?
		    ver->valuestring : "", false);

		printf("%-16s %-10s %5u %9u %9u %7u  %s%s%s\n", info.name,
		    mcp_host_state_name(info.state), info.tools, info.resources,
		    info.templates, info.prompts, n, n[0] != '\0' ? " " : "", v);
		free(n);
		free(v);
		if (info.reason != NULL && info.reason[0] != '\0') {
			char *r = tui_cli_clean(info.reason, false);

			printf("  %s\n", r);
			free(r);
		}
		if (info.state != MCP_HOST_READY && info.stderr_tail != NULL &&
		    info.stderr_tail[0] != '\0') {
			char *t = tui_cli_clean(info.stderr_tail, true), *p, *nl;

			printf("  its last stderr lines:\n");
			for (p = t; *p != '\0'; p = nl + 1) {
				nl = strchr(p, '\n');
				printf("    %.*s\n", nl != NULL ? (int)(nl - p) :
				    (int)strlen(p), p);
				if (nl == NULL)
					break;
			}
			free(t);
		}
	}
	tui_cli_done(cli, status);
}

static void
servers_run(struct tui_cli *cli, int nargs, char **args)
{
	(void)nargs;
	(void)args;
	tui_cli_wait_all(cli, servers_show);
}

const struct tui_cli_cmd tui_cli_servers = {
	.name = "servers",
	.synopsis = "",
	.summary = "the servers, their state and catalog sizes",
	.help =
	    "Starts every configured server and waits until none is still starting,\n"
	    "then lists each with its state (ready, failed, restarting, disabled),\n"
	    "its tools, resources, resource templates and prompts, and for a server\n"
	    "that is down the reason and the last lines it wrote to stderr.\n"
	    "Exits 3 when a server that is not disabled is not ready.\n",
	.min_args = 0,
	.max_args = 0,
	.needs_host = true,
	.run = servers_run,
};
