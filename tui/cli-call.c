/*
 * tripmcp call SERVER/TOOL '{json}' | key=value...: one tools/call through
 * the host's approval gate. key=value words are typed from the tool's
 * inputSchema, so the server gets numbers, booleans and arrays, not strings.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mcp/json.h"
#include "tui/cli.h"

static void
call_done(void *arg, const struct mcp_response *r)
{
	struct tui_cli *cli = arg;
	const cJSON *content, *sc;
	bool is_error;

	cli->call = 0;
	if (r->code != 0) {
		tui_cli_fail_response(cli, r);
		return;
	}
	is_error = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(r->result,
	    "isError"));
	if (cli->json) {
		tui_cli_print_json(r->result);
		tui_cli_done(cli, is_error ? TUI_CLI_TOOL : TUI_CLI_OK);
		return;
	}
	content = cJSON_GetObjectItemCaseSensitive(r->result, "content");
	sc = cJSON_GetObjectItemCaseSensitive(r->result, "structuredContent");
	if (is_error) {
		fflush(stdout);
		fprintf(stderr, TUI_CLI_PROG ": %s: the tool reported an "
		    "error:\n", cli->args[0]);
		tui_cli_print_content(stderr, content);
	} else if (cJSON_GetArraySize(content) > 0 || sc == NULL)
		tui_cli_print_content(stdout, content);
	else
		tui_cli_print_json(sc);
	tui_cli_done(cli, is_error ? TUI_CLI_TOOL : TUI_CLI_OK);
}

static void
call_go(struct tui_cli *cli)
{
	const char *q = cli->args[0];
	const cJSON *tool;
	cJSON *args;
	char err[768];

	if (!tui_cli_check_ready(cli, cli->target))
		return;
	if ((tool = mcp_host_find_tool(cli->host, q)) == NULL) {
		char *c = tui_cli_clean(q, false);

		tui_cli_usage(cli, "unknown tool %s: server '%s' has no tool "
		    "of that name ('tripmcp tools %s' lists them)", c,
		    cli->target, cli->target);
		free(c);
		return;
	}
	args = tui_cli_args_tool(tool, q, cli->nargs - 1, cli->args + 1, err,
	    sizeof err);
	if (args == NULL) {
		tui_cli_usage(cli, "%s", err);
		return;
	}
	struct mcp_host_call_opts opts = { 0 };

	/* --timeout: how long without an answer or progress (the server's
	 * maximum still bounds the whole call). */
	opts.timeout_ms = cli->timeout_ms;
	cli->call = mcp_host_call_tool(cli->host, q, args, &opts, call_done,
	    cli);
}

static void
call_run(struct tui_cli *cli, int nargs, char **args)
{
	const char *slash = strchr(args[0], '/');

	(void)nargs;
	if (slash == NULL || slash[1] == '\0') {
		char *c = tui_cli_clean(args[0], false);

		tui_cli_usage(cli, "name the tool as SERVER/TOOL, not '%s' "
		    "('tripmcp tools' lists them)", c);
		free(c);
		return;
	}
	if (!tui_cli_check_server(cli, args[0], (size_t)(slash - args[0])))
		return;
	snprintf(cli->target, sizeof cli->target, "%.*s",
	    (int)(slash - args[0]), args[0]);
	tui_cli_wait_server(cli, cli->target, call_go);
}

/* Completion: SERVER/TOOL, then "name=" of its arguments, then the values
 * of an enum or a boolean. */
static char **
call_complete(struct tui_cli *cli, int word, char **words, const char *text)
{
	const cJSON *t, *props, *p, *e, *en;
	const char *eq;
	size_t i, n = 0, len = strlen(text);
	char **out;

	if (cli->host == NULL)
		return NULL;
	if (word == 0)
		return tui_cli_complete_items(cli->host, MCP_HOST_TOOLS, text);
	t = mcp_host_find_tool(cli->host, words[0]);
	props = cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(t, "inputSchema"), "properties");
	if (props == NULL)
		return NULL;
	if ((eq = strchr(text, '=')) == NULL) {
		out = mcp_xcalloc((size_t)cJSON_GetArraySize(props) + 1,
		    sizeof *out);
		cJSON_ArrayForEach(p, props) {
			if (strncmp(p->string, text, len) == 0)
				out[n++] = mcp_xprintf("%s=", p->string);
		}
		return out;
	}
	char *key = mcp_xstrndup(text, (size_t)(eq - text));

	p = cJSON_GetObjectItemCaseSensitive(props, key);
	free(key);
	en = cJSON_GetObjectItemCaseSensitive(p, "enum");
	out = mcp_xcalloc((size_t)cJSON_GetArraySize(en) + 3, sizeof *out);
	cJSON_ArrayForEach(e, en) {
		if (!cJSON_IsString(e))
			continue;
		char *c = mcp_xprintf("%.*s%s", (int)(eq + 1 - text), text,
		    e->valuestring);

		if (strncmp(c, text, len) == 0)
			out[n++] = c;
		else
			free(c);
	}
	t = cJSON_GetObjectItemCaseSensitive(p, "type");
	if (cJSON_IsString(t) && strcmp(t->valuestring, "boolean") == 0) {
		static const char *const b[] = { "true", "false" };

		for (i = 0; i < 2; i++) {
			char *c = mcp_xprintf("%.*s%s", (int)(eq + 1 - text),
			    text, b[i]);

			if (strncmp(c, text, len) == 0)
				out[n++] = c;
			else
				free(c);
		}
	}
	return out;
}

const struct tui_cli_cmd tui_cli_call = {
	.name = "call",
	.synopsis = "SERVER/TOOL ['{json}' | key=value...]",
	.summary = "call a tool (asks first when it changes things)",
	.help =
	    "Calls TOOL of SERVER with one JSON object, or with key=value words typed\n"
	    "from the tool's inputSchema: integer and number arguments must be\n"
	    "numbers, booleans true/false (yes/no, 1/0), arrays a comma-separated\n"
	    "list (or JSON in [...]), objects JSON; key:=JSON passes any JSON value.\n"
	    "\n"
	    "A tool that is not read-only asks for approval first, showing the exact\n"
	    "server, tool and JSON arguments that will be sent: once, for this\n"
	    "session, always (kept until 'tripmcp grants revoke'), or deny.\n"
	    "bookFlight, bookHotel, cancelBooking and sendEmail ask every time,\n"
	    "whatever the configuration or a grant says. Without a terminal an\n"
	    "action that needs approval is refused (exit 4) unless --yes is given,\n"
	    "which approves this one command's calls.\n"
	    "\n"
	    "Prints the result's content (--json: the whole result). Exits 1 when\n"
	    "the tool reports an error (isError), 2 for an unknown tool or bad\n"
	    "arguments, 3 when the server is not available, 4 when not approved.\n",
	.min_args = 1,
	.max_args = -1,
	.needs_host = true,
	.target = tui_cli_target_qualified,
	.run = call_run,
	.complete = call_complete,
};
