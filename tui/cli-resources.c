/*
 * tripmcp resources: every server's resources and resource templates, each
 * with the server that owns it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mcp/json.h"
#include "tui/cli.h"

static void
resources_kind(struct tui_cli *cli, enum mcp_host_kind kind, const char *key,
    cJSON *arr)
{
	const cJSON *item, *uri, *name, *desc;
	const char *server;
	cJSON *copy;
	size_t i, n = mcp_host_count(cli->host, kind);

	for (i = 0; i < n; i++) {
		item = mcp_host_item(cli->host, kind, i, &server);
		uri = cJSON_GetObjectItemCaseSensitive(item, key);
		if (!cJSON_IsString(uri))
			continue;
		if (arr != NULL) {
			if ((copy = cJSON_Duplicate(item, 1)) == NULL)
				abort();
			mcp_json_add_str(copy, "server", server);
			cJSON_AddItemToArray(arr, copy);
			continue;
		}
		char *u = tui_cli_clean(uri->valuestring, false);

		name = cJSON_GetObjectItemCaseSensitive(item, "title");
		if (!cJSON_IsString(name))
			name = cJSON_GetObjectItemCaseSensitive(item, "name");
		desc = cJSON_GetObjectItemCaseSensitive(item, "description");
		printf("%-44s %s  ", u, server);
		tui_cli_print_line(stdout, cJSON_IsString(name) ?
		    name->valuestring : cJSON_IsString(desc) ?
		    desc->valuestring : "", 50);
		free(u);
	}
}

static void
resources_show(struct tui_cli *cli)
{
	cJSON *root = NULL, *res = NULL, *tmpl = NULL;

	if (cli->json) {
		root = cJSON_CreateObject();
		res = cJSON_CreateArray();
		tmpl = cJSON_CreateArray();
		if (root == NULL || res == NULL || tmpl == NULL)
			abort();
		mcp_json_add(root, "resources", res);
		mcp_json_add(root, "resourceTemplates", tmpl);
	} else
		printf("resources:\n");
	resources_kind(cli, MCP_HOST_RESOURCES, "uri", res);
	if (!cli->json)
		printf("\ntemplates (read them with their {variables} filled in):\n");
	resources_kind(cli, MCP_HOST_TEMPLATES, "uriTemplate", tmpl);
	if (root != NULL) {
		tui_cli_print_json(root);
		cJSON_Delete(root);
	}
	tui_cli_done(cli, TUI_CLI_OK);
}

static void
resources_run(struct tui_cli *cli, int nargs, char **args)
{
	(void)nargs;
	(void)args;
	tui_cli_wait_all(cli, resources_show);
}

const struct tui_cli_cmd tui_cli_resources = {
	.name = "resources",
	.synopsis = "",
	.summary = "the resources and resource templates of every server",
	.help =
	    "Lists every resource URI and every resource template with the server\n"
	    "that owns it. 'tripmcp read URI' reads one; a template's URI is read\n"
	    "with its {variables} filled in. With --json: {\"resources\": [...],\n"
	    "\"resourceTemplates\": [...]}, each item with a \"server\" member.\n",
	.min_args = 0,
	.max_args = 0,
	.needs_host = true,
	.run = resources_run,
};
