/*
 * tripmcp read URI: resources/read on the server that owns the URI (one that
 * lists it, else the first whose template matches it).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mcp/json.h"
#include "tui/cli.h"

static void
read_done(void *arg, const struct mcp_response *r)
{
	struct tui_cli *cli = arg;
	const cJSON *contents, *c, *text, *blob, *mime;

	cli->call = 0;
	if (r->code != 0) {
		tui_cli_fail_response(cli, r);
		return;
	}
	if (cli->json) {
		tui_cli_print_json(r->result);
		tui_cli_done(cli, TUI_CLI_OK);
		return;
	}
	contents = cJSON_GetObjectItemCaseSensitive(r->result, "contents");
	cJSON_ArrayForEach(c, contents) {
		text = cJSON_GetObjectItemCaseSensitive(c, "text");
		blob = cJSON_GetObjectItemCaseSensitive(c, "blob");
		mime = cJSON_GetObjectItemCaseSensitive(c, "mimeType");
		if (cJSON_IsString(text)) {
			char *t = tui_cli_clean(text->valuestring, true);
			size_t n = strlen(t);

			fputs(t, stdout);
			if (n == 0 || t[n - 1] != '\n')
				putchar('\n');
			free(t);
		} else if (cJSON_IsString(blob)) {
			char *m = tui_cli_clean(cJSON_IsString(mime) ?
			    mime->valuestring : "binary", false);

			printf("[%s, %zu bytes; --json gives it in base64]\n", m,
			    strlen(blob->valuestring) / 4 * 3);
			free(m);
		}
	}
	tui_cli_done(cli, TUI_CLI_OK);
}

static bool
read_owner_known(struct tui_cli *cli)
{
	return mcp_host_resource_owner(cli->host, cli->args[0]) != NULL ||
	    mcp_host_settled(cli->host);
}

static void
read_go(struct tui_cli *cli)
{
	const char *uri = cli->args[0];
	const char *owner = mcp_host_resource_owner(cli->host, uri);

	if (owner == NULL) {
		char *u = tui_cli_clean(uri, false);

		tui_cli_usage(cli, "no server offers %s ('tripmcp resources' "
		    "lists what they offer)", u);
		free(u);
		return;
	}
	if (!tui_cli_check_ready(cli, owner))
		return;
	cli->call = mcp_host_read_resource(cli->host, uri, read_done, cli);
}

static void
read_run(struct tui_cli *cli, int nargs, char **args)
{
	(void)nargs;
	(void)args;
	tui_cli_wait(cli, read_owner_known, read_go);
}

/* Completion: the listed URIs, and templates up to their first '{'. */
static char **
read_complete(struct tui_cli *cli, int word, char **words, const char *text)
{
	const cJSON *item, *uri;
	size_t i, k, n = 0, len = strlen(text), nr, nt;
	char **out;

	(void)words;
	if (word != 0 || cli->host == NULL)
		return NULL;
	nr = mcp_host_count(cli->host, MCP_HOST_RESOURCES);
	nt = mcp_host_count(cli->host, MCP_HOST_TEMPLATES);
	out = mcp_xcalloc(nr + nt + 1, sizeof *out);
	for (k = 0; k < 2; k++) {
		enum mcp_host_kind kind = k == 0 ? MCP_HOST_RESOURCES :
		    MCP_HOST_TEMPLATES;

		for (i = 0; i < (k == 0 ? nr : nt); i++) {
			item = mcp_host_item(cli->host, kind, i, NULL);
			uri = cJSON_GetObjectItemCaseSensitive(item, k == 0 ?
			    "uri" : "uriTemplate");
			if (!cJSON_IsString(uri))
				continue;
			size_t cut = strcspn(uri->valuestring, "{");

			if (cut >= len &&
			    strncmp(uri->valuestring, text, len) == 0)
				out[n++] = mcp_xstrndup(uri->valuestring, cut);
		}
	}
	return out;
}

const struct tui_cli_cmd tui_cli_read = {
	.name = "read",
	.synopsis = "URI",
	.summary = "read a resource",
	.help =
	    "Reads URI from the server that lists it, or else from the first whose\n"
	    "resource template matches it, and prints its text (binary contents are\n"
	    "described; --json prints the whole result). Exits 2 when no server\n"
	    "offers URI, 1 when the server answers with an error.\n",
	.min_args = 1,
	.max_args = 1,
	.needs_host = true,
	.run = read_run,
	.complete = read_complete,
};
