/*
 * tripmcp prompt SERVER/NAME key=value...: prompts/get, the messages printed
 * with their roles.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mcp/json.h"
#include "tui/cli.h"

static void
prompt_done(void *arg, const struct mcp_response *r)
{
	struct tui_cli *cli = arg;
	const cJSON *msgs, *m, *role;

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
	msgs = cJSON_GetObjectItemCaseSensitive(r->result, "messages");
	cJSON_ArrayForEach(m, msgs) {
		role = cJSON_GetObjectItemCaseSensitive(m, "role");
		char *ro = tui_cli_clean(cJSON_IsString(role) ?
		    role->valuestring : "?", false);

		printf("[%s]\n", ro);
		free(ro);
		tui_cli_print_content(stdout,
		    cJSON_GetObjectItemCaseSensitive(m, "content"));
	}
	tui_cli_done(cli, TUI_CLI_OK);
}

static void
prompt_go(struct tui_cli *cli)
{
	const char *q = cli->item;
	const cJSON *prompt;
	cJSON *args;
	char err[512];

	if (!tui_cli_check_ready(cli, cli->target))
		return;
	if ((prompt = tui_cli_find_item(cli->host, MCP_HOST_PROMPTS, q)) ==
	    NULL) {
		char *c = tui_cli_clean(q, false);

		tui_cli_usage(cli, "unknown prompt %s: server '%s' has no "
		    "prompt of that name ('tripmcp prompts' lists them)", c,
		    cli->target);
		free(c);
		return;
	}
	args = tui_cli_args_prompt(prompt, q, cli->nargs - 1, cli->args + 1,
	    err, sizeof err);
	if (args == NULL) {
		tui_cli_usage(cli, "%s", err);
		return;
	}
	cli->call = mcp_host_get_prompt(cli->host, q, args, prompt_done, cli);
}

/* A bare NAME: the one server that offers a prompt of that name. */
static void
prompt_resolve(struct tui_cli *cli)
{
	const char *name = cli->args[0], *server, *found = NULL;
	const cJSON *p, *n;
	size_t i, np = mcp_host_count(cli->host, MCP_HOST_PROMPTS), count = 0;
	char *c;

	for (i = 0; i < np; i++) {
		p = mcp_host_item(cli->host, MCP_HOST_PROMPTS, i, &server);
		n = cJSON_GetObjectItemCaseSensitive(p, "name");
		if (cJSON_IsString(n) && strcmp(n->valuestring, name) == 0) {
			found = server;
			count++;
		}
	}
	if (count != 1) {
		c = tui_cli_clean(name, false);
		tui_cli_usage(cli, count == 0 ? "no server offers a prompt "
		    "'%s' ('tripmcp prompts' lists them)" : "several servers "
		    "offer a prompt '%s': name it as SERVER/NAME", c);
		free(c);
		return;
	}
	snprintf(cli->target, sizeof cli->target, "%s", found);
	snprintf(cli->item, sizeof cli->item, "%s/%s", found, name);
	prompt_go(cli);
}

static void
prompt_run(struct tui_cli *cli, int nargs, char **args)
{
	const char *slash = strchr(args[0], '/');

	(void)nargs;
	if (strlen(args[0]) >= sizeof cli->item) {
		tui_cli_usage(cli, "the prompt's name is too long");
		return;
	}
	if (slash == NULL) {
		tui_cli_wait_all(cli, prompt_resolve);
		return;
	}
	snprintf(cli->item, sizeof cli->item, "%s", args[0]);
	if (!tui_cli_check_server(cli, args[0], (size_t)(slash - args[0])))
		return;
	snprintf(cli->target, sizeof cli->target, "%.*s",
	    (int)(slash - args[0]), args[0]);
	tui_cli_wait_server(cli, cli->target, prompt_go);
}

/* Completion: SERVER/NAME, then its argument names as "name=". */
static char **
prompt_complete(struct tui_cli *cli, int word, char **words, const char *text)
{
	const cJSON *p, *name, *a;
	const char *eq;
	size_t n = 0, len = strlen(text);
	char **out;

	if (cli->host == NULL)
		return NULL;
	if (word == 0)
		return tui_cli_complete_items(cli->host, MCP_HOST_PROMPTS,
		    text);
	p = tui_cli_find_item(cli->host, MCP_HOST_PROMPTS, words[0]);
	if (p == NULL)
		return NULL;
	if ((eq = strchr(text, '=')) != NULL) {
		/* A value: the server completes it (completion/complete). */
		char *sname = mcp_xstrndup(words[0], strcspn(words[0], "/"));
		char *arg = mcp_xstrndup(text, (size_t)(eq - text));
		char *prefix = mcp_xstrndup(text, (size_t)(eq + 1 - text));

		name = cJSON_GetObjectItemCaseSensitive(p, "name");
		out = tui_cli_repl_remote(cli, sname, "ref/prompt",
		    name->valuestring, arg, eq + 1, NULL, prefix, false);
		free(sname);
		free(arg);
		free(prefix);
		return out;
	}
	out = mcp_xcalloc((size_t)cJSON_GetArraySize(
	    cJSON_GetObjectItemCaseSensitive(p, "arguments")) + 1, sizeof *out);
	cJSON_ArrayForEach(a, cJSON_GetObjectItemCaseSensitive(p,
	    "arguments")) {
		name = cJSON_GetObjectItemCaseSensitive(a, "name");
		if (cJSON_IsString(name) &&
		    strncmp(name->valuestring, text, len) == 0)
			out[n++] = mcp_xprintf("%s=", name->valuestring);
	}
	return out;
}

const struct tui_cli_cmd tui_cli_prompt = {
	.name = "prompt",
	.synopsis = "[SERVER/]NAME [key=value...]",
	.summary = "get a prompt with its arguments filled in",
	.help =
	    "Gets the prompt NAME of SERVER (SERVER/ may be left out when one server\n"
	    "offers a prompt of that name) with the arguments given as key=value\n"
	    "words (prompt arguments are strings) and prints its messages, each\n"
	    "after its role. An argument the prompt does not declare, or a missing\n"
	    "required one, exits 2 and names the arguments it takes.\n",
	.min_args = 1,
	.max_args = -1,
	.needs_host = true,
	.target = tui_cli_target_qualified,
	.run = prompt_run,
	.complete = prompt_complete,
};
