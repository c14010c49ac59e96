/*
 * tripmcp prompts: every server's prompts as server/name with their
 * arguments.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mcp/json.h"
#include "tui/cli.h"

static void
prompts_show(struct tui_cli *cli)
{
	const cJSON *p, *name, *desc, *args, *a, *an;
	const char *server;
	cJSON *arr = NULL, *copy;
	size_t i, n = mcp_host_count(cli->host, MCP_HOST_PROMPTS);

	if (cli->json && (arr = cJSON_CreateArray()) == NULL)
		abort();
	for (i = 0; i < n; i++) {
		p = mcp_host_item(cli->host, MCP_HOST_PROMPTS, i, &server);
		name = cJSON_GetObjectItemCaseSensitive(p, "name");
		if (!cJSON_IsString(name))
			continue;
		if (arr != NULL) {
			if ((copy = cJSON_Duplicate(p, 1)) == NULL)
				abort();
			mcp_json_add_str(copy, "server", server);
			cJSON_AddItemToArray(arr, copy);
			continue;
		}
		char *q = tui_cli_clean(name->valuestring, false);

		printf("%s/%s\n", server, q);
		free(q);
		desc = cJSON_GetObjectItemCaseSensitive(p, "description");
		if (cJSON_IsString(desc)) {
			printf("      ");
			tui_cli_print_line(stdout, desc->valuestring, 72);
		}
		args = cJSON_GetObjectItemCaseSensitive(p, "arguments");
		bool any = false;

		cJSON_ArrayForEach(a, args) {
			an = cJSON_GetObjectItemCaseSensitive(a, "name");
			if (!cJSON_IsString(an))
				continue;
			bool req = cJSON_IsTrue(
			    cJSON_GetObjectItemCaseSensitive(a, "required"));
			char *k = tui_cli_clean(an->valuestring, false);

			printf("%s%s%s=...%s", any ? " " : "      ",
			    req ? "" : "[", k, req ? "" : "]");
			free(k);
			any = true;
		}
		if (any)
			printf("\n");
	}
	if (arr != NULL) {
		tui_cli_print_json(arr);
		cJSON_Delete(arr);
	}
	tui_cli_done(cli, TUI_CLI_OK);
}

static void
prompts_run(struct tui_cli *cli, int nargs, char **args)
{
	(void)nargs;
	(void)args;
	tui_cli_wait_all(cli, prompts_show);
}

const struct tui_cli_cmd tui_cli_prompts = {
	.name = "prompts",
	.synopsis = "",
	.summary = "the prompts of every server",
	.help =
	    "Lists each prompt as SERVER/NAME with its description and arguments\n"
	    "([optional]). 'tripmcp prompt SERVER/NAME key=value...' gets one.\n",
	.min_args = 0,
	.max_args = 0,
	.needs_host = true,
	.run = prompts_run,
};
