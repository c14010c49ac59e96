/*
 * mcp-example-client: drive one MCP server from the command line, over stdio
 * (a child we spawn) or Streamable HTTP, one command per run; for tests and
 * for the official conformance suite's client mode (MCP_CONFORMANCE_SCENARIO
 * set, the server's URL as the last argument).
 */
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <event2/event.h>

#include "mcp/client.h"
#include "mcp/http_client.h"
#include "mcp/json.h"
#include "mcp/stdio.h"

#define PROG		"mcp-example-client"
#define MAX_HEADERS	32

/* Exit statuses. */
enum {
	EXIT_OK = 0,
	EXIT_TOOL = 1,		/* a tool error (isError) or an error answer */
	EXIT_USAGE = 2,
	EXIT_UNAVAILABLE = 3,	/* cannot start, connect, or lost the server */
};

struct cli {
	struct event_base *base;
	struct mcp_client *client;
	struct mcp_transport *tr;	/* borrowed from the client */
	bool stdio;
	bool json;
	bool closed;			/* on_closed has run */
	bool finishing;
	int status;
	const char *cmd;
	char **args;			/* the command's arguments */
	int nargs;
	const char *scenario;		/* conformance mode, else NULL */
};

static const char usage_text[] =
    "usage: " PROG " [--json] [--timeout MS] [--header 'Name: value']\n"
    "           [--bearer TOKEN] [--legacy-sse | --no-fallback]\n"
    "           (--stdio CMD [ARGS...] -- | --url URL)\n"
    "           COMMAND [ARGS]\n"
    "\n"
    "commands:\n"
    "  info                             server name, version, protocol, capabilities\n"
    "  tools                            list the tools\n"
    "  call NAME [JSON]                 call a tool with an arguments object\n"
    "  resources                        list the resources\n"
    "  read URI                         read a resource\n"
    "  prompts                          list the prompts\n"
    "  prompt NAME [key=value...]       get a prompt\n"
    "  complete prompt|resource REF ARG VALUE\n"
    "                                   completions for an argument\n"
    "  ping                             ping the server\n"
    "\n"
    "options:\n"
    "  --json          print results as JSON\n"
    "  --timeout MS    per-request timeout (default 60000)\n"
    "  --header H      extra HTTP header (repeatable)\n"
    "  --bearer TOKEN  HTTP Authorization: Bearer TOKEN\n"
    "  --legacy-sse    speak the HTTP+SSE transport (2024-11-05) to --url\n"
    "  --no-fallback   Streamable HTTP only: no HTTP+SSE when initialize\n"
    "                  gets 400, 404 or 405\n"
    "\n"
    "exit status: 0 ok, 1 tool or server error, 2 usage, 3 server unavailable\n"
    "\n"
    "conformance mode: with MCP_CONFORMANCE_SCENARIO set, " PROG " [options] URL\n"
    "connects, lists tools, calls the first one (but for 'initialize'), closes.\n";

static void
usage_error(const char *fmt, const char *what)
{
	fprintf(stderr, PROG ": ");
	fprintf(stderr, fmt, what);
	fprintf(stderr, "; try '" PROG " --help'\n");
	exit(EXIT_USAGE);
}

/* Ending */

static void
finish(struct cli *c, int status)
{
	if (c->status == EXIT_OK)
		c->status = status;
	if (c->finishing)
		return;
	c->finishing = true;
	if (c->closed)
		event_base_loopexit(c->base, NULL);
	else
		mcp_client_close(c->client);	/* on_closed ends the loop */
}

static void
on_closed(void *arg, const char *reason)
{
	struct cli *c = arg;

	c->closed = true;
	if (!c->finishing) {
		fprintf(stderr, PROG ": connection closed%s%s\n",
		    reason != NULL ? ": " : "", reason != NULL ? reason : "");
		if (c->status == EXIT_OK)
			c->status = EXIT_UNAVAILABLE;
	}
	event_base_loopexit(c->base, NULL);
}

/* Report a failed call; false when r is a success. */
static bool
failed(struct cli *c, const char *what, const struct mcp_response *r)
{
	if (r->code == 0)
		return false;
	fprintf(stderr, PROG ": %s: %s (%d)\n", what,
	    r->message != NULL ? r->message : mcp_strerror(r->code), r->code);
	if (r->code == MCP_CONNECTION_CLOSED || r->code == MCP_REQUEST_TIMEOUT)
		finish(c, EXIT_UNAVAILABLE);
	else
		finish(c, EXIT_TOOL);
	return true;
}

static void
print_json(const cJSON *v)
{
	char *s = cJSON_Print(v);

	puts(s);
	free(s);
}

static const char *
str(const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static const cJSON *
arr(const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	return cJSON_IsArray(v) ? v : NULL;
}

/* One content block (tool results, prompt messages) as text. */
static void
print_block(const cJSON *b, const char *indent)
{
	const char *type = str(b, "type"), *s;
	const cJSON *res;

	if (type != NULL && strcmp(type, "text") == 0 && str(b, "text") != NULL) {
		printf("%s%s\n", indent, str(b, "text"));
	} else if (type != NULL && (strcmp(type, "image") == 0 ||
	    strcmp(type, "audio") == 0)) {
		s = str(b, "data");
		printf("%s[%s %s, %zu base64 bytes]\n", indent, type,
		    str(b, "mimeType") ? str(b, "mimeType") : "?",
		    s != NULL ? strlen(s) : 0);
	} else if (type != NULL && strcmp(type, "resource") == 0 &&
	    cJSON_IsObject(res = cJSON_GetObjectItemCaseSensitive(b, "resource"))) {
		printf("%s[resource %s]\n", indent, str(res, "uri") ? str(res, "uri") : "?");
		if (str(res, "text") != NULL)
			printf("%s%s\n", indent, str(res, "text"));
	} else if (type != NULL && strcmp(type, "resource_link") == 0) {
		printf("%s[resource link %s]\n", indent, str(b, "uri") ? str(b, "uri") : "?");
	} else {
		char *j = cJSON_PrintUnformatted(b);

		printf("%s%s\n", indent, j);
		free(j);
	}
}

/* Commands: each callback prints its result and finishes. */

static void
done_info(struct cli *c)
{
	const cJSON *info = mcp_client_server_info(c->client);
	const cJSON *caps = mcp_client_server_capabilities(c->client), *cap;
	const char *instr = mcp_client_instructions(c->client);

	if (c->json) {
		cJSON *o = cJSON_CreateObject();

		mcp_json_add_str(o, "protocolVersion",
		    mcp_client_protocol_version(c->client));
		mcp_json_add(o, "serverInfo", cJSON_Duplicate(info, true));
		mcp_json_add(o, "capabilities", cJSON_Duplicate(caps, true));
		if (instr != NULL)
			mcp_json_add_str(o, "instructions", instr);
		print_json(o);
		cJSON_Delete(o);
		finish(c, EXIT_OK);
		return;
	}
	printf("server: %s %s\n", str(info, "name") ? str(info, "name") : "?",
	    str(info, "version") ? str(info, "version") : "?");
	if (str(info, "title") != NULL)
		printf("title: %s\n", str(info, "title"));
	printf("protocol: %s\n", mcp_client_protocol_version(c->client));
	if (!c->stdio)
		printf("transport: %s\n", mcp_http_client_is_legacy(c->tr) ?
		    "http+sse (2024-11-05)" : "streamable http");
	printf("capabilities:");
	cJSON_ArrayForEach(cap, caps)
		printf(" %s", cap->string);
	printf("\n");
	if (instr != NULL)
		printf("instructions: %s\n", instr);
	finish(c, EXIT_OK);
}

static void
done_list(void *arg, const struct mcp_response *r)
{
	struct cli *c = arg;
	const char *key = strcmp(c->cmd, "tools") == 0 ? "tools" :
	    strcmp(c->cmd, "resources") == 0 ? "resources" : "prompts";
	const cJSON *items, *it, *a;

	if (failed(c, c->cmd, r))
		return;
	if (c->json) {
		print_json(r->result);
		finish(c, EXIT_OK);
		return;
	}
	items = arr(r->result, key);
	cJSON_ArrayForEach(it, items) {
		const char *name = str(it, strcmp(key, "resources") == 0 ? "uri" : "name");
		const char *desc = str(it, strcmp(key, "resources") == 0 ? "name" : "description");

		printf("%s", name != NULL ? name : "?");
		if (strcmp(key, "prompts") == 0 && (a = arr(it, "arguments")) != NULL) {
			const cJSON *p;

			printf("(");
			cJSON_ArrayForEach(p, a)
				printf("%s%s%s", p == a->child ? "" : ", ",
				    str(p, "name") ? str(p, "name") : "?",
				    cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(p,
				    "required")) ? "" : "?");
			printf(")");
		}
		if (desc != NULL)
			printf("  %s", desc);
		printf("\n");
	}
	finish(c, EXIT_OK);
}

static void
done_call(void *arg, const struct mcp_response *r)
{
	struct cli *c = arg;
	const cJSON *b, *sc;
	bool is_error;

	if (failed(c, "call", r))
		return;
	is_error = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(r->result, "isError"));
	if (c->json) {
		print_json(r->result);
	} else {
		cJSON_ArrayForEach(b, arr(r->result, "content"))
			print_block(b, "");
		sc = cJSON_GetObjectItemCaseSensitive(r->result, "structuredContent");
		if (sc != NULL && arr(r->result, "content") == NULL)
			print_json(sc);
	}
	if (is_error)
		fprintf(stderr, PROG ": tool %s reported an error\n", c->args[0]);
	finish(c, is_error ? EXIT_TOOL : EXIT_OK);
}

static void
done_read(void *arg, const struct mcp_response *r)
{
	struct cli *c = arg;
	const cJSON *it;

	if (failed(c, "read", r))
		return;
	if (c->json) {
		print_json(r->result);
		finish(c, EXIT_OK);
		return;
	}
	cJSON_ArrayForEach(it, arr(r->result, "contents")) {
		if (str(it, "text") != NULL)
			printf("%s\n", str(it, "text"));
		else
			printf("[blob %s %s, %zu base64 bytes]\n",
			    str(it, "uri") ? str(it, "uri") : "?",
			    str(it, "mimeType") ? str(it, "mimeType") : "?",
			    str(it, "blob") ? strlen(str(it, "blob")) : 0);
	}
	finish(c, EXIT_OK);
}

static void
done_prompt(void *arg, const struct mcp_response *r)
{
	struct cli *c = arg;
	const cJSON *m, *content, *b;

	if (failed(c, "prompt", r))
		return;
	if (c->json) {
		print_json(r->result);
		finish(c, EXIT_OK);
		return;
	}
	if (str(r->result, "description") != NULL)
		printf("description: %s\n", str(r->result, "description"));
	cJSON_ArrayForEach(m, arr(r->result, "messages")) {
		printf("%s:\n", str(m, "role") ? str(m, "role") : "?");
		content = cJSON_GetObjectItemCaseSensitive(m, "content");
		if (cJSON_IsArray(content)) {
			cJSON_ArrayForEach(b, content)
				print_block(b, "  ");
		} else if (cJSON_IsObject(content)) {
			print_block(content, "  ");
		}
	}
	finish(c, EXIT_OK);
}

static void
done_complete(void *arg, const struct mcp_response *r)
{
	struct cli *c = arg;
	const cJSON *comp, *v;

	if (failed(c, "complete", r))
		return;
	if (c->json) {
		print_json(r->result);
		finish(c, EXIT_OK);
		return;
	}
	comp = cJSON_GetObjectItemCaseSensitive(r->result, "completion");
	cJSON_ArrayForEach(v, arr(comp, "values"))
		if (cJSON_IsString(v))
			printf("%s\n", v->valuestring);
	finish(c, EXIT_OK);
}

static void
done_ping(void *arg, const struct mcp_response *r)
{
	struct cli *c = arg;

	if (failed(c, "ping", r))
		return;
	if (c->json)
		print_json(r->result);
	else
		printf("ok\n");
	finish(c, EXIT_OK);
}

static void
need_args(struct cli *c, int min, int max)
{
	if (c->nargs < min || (max >= 0 && c->nargs > max)) {
		fprintf(stderr, PROG ": %s: wrong number of arguments; try '"
		    PROG " --help'\n", c->cmd);
		finish(c, EXIT_USAGE);
	}
}

static void
run_command(struct cli *c)
{
	cJSON *args = NULL;
	int i;

	if (strcmp(c->cmd, "info") == 0) {
		need_args(c, 0, 0);
		if (!c->finishing)
			done_info(c);
	} else if (strcmp(c->cmd, "tools") == 0) {
		need_args(c, 0, 0);
		if (!c->finishing)
			mcp_client_list_tools(c->client, done_list, c);
	} else if (strcmp(c->cmd, "resources") == 0) {
		need_args(c, 0, 0);
		if (!c->finishing)
			mcp_client_list_resources(c->client, done_list, c);
	} else if (strcmp(c->cmd, "prompts") == 0) {
		need_args(c, 0, 0);
		if (!c->finishing)
			mcp_client_list_prompts(c->client, done_list, c);
	} else if (strcmp(c->cmd, "call") == 0) {
		need_args(c, 1, 2);
		if (c->finishing)
			return;
		if (c->nargs == 2) {
			args = cJSON_Parse(c->args[1]);
			if (!cJSON_IsObject(args)) {
				cJSON_Delete(args);
				fprintf(stderr, PROG ": call: arguments are not a "
				    "JSON object: %s\n", c->args[1]);
				finish(c, EXIT_USAGE);
				return;
			}
		}
		mcp_client_call_tool(c->client, c->args[0], args, NULL, done_call, c);
	} else if (strcmp(c->cmd, "read") == 0) {
		need_args(c, 1, 1);
		if (!c->finishing)
			mcp_client_read_resource(c->client, c->args[0], done_read, c);
	} else if (strcmp(c->cmd, "prompt") == 0) {
		need_args(c, 1, -1);
		if (c->finishing)
			return;
		if (c->nargs > 1)
			args = cJSON_CreateObject();
		for (i = 1; i < c->nargs; i++) {
			char *eq = strchr(c->args[i], '=');
			char *key;

			if (eq == NULL || eq == c->args[i]) {
				cJSON_Delete(args);
				fprintf(stderr, PROG ": prompt: expected key=value, "
				    "not '%s'\n", c->args[i]);
				finish(c, EXIT_USAGE);
				return;
			}
			key = mcp_xstrndup(c->args[i], (size_t)(eq - c->args[i]));
			mcp_json_add_str(args, key, eq + 1);
			free(key);
		}
		mcp_client_get_prompt(c->client, c->args[0], args, done_prompt, c);
	} else if (strcmp(c->cmd, "complete") == 0) {
		need_args(c, 4, 4);
		if (c->finishing)
			return;
		if (strcmp(c->args[0], "prompt") != 0 &&
		    strcmp(c->args[0], "resource") != 0) {
			fprintf(stderr, PROG ": complete: 'prompt' or 'resource', "
			    "not '%s'\n", c->args[0]);
			finish(c, EXIT_USAGE);
			return;
		}
		mcp_client_complete(c->client, strcmp(c->args[0], "prompt") == 0 ?
		    "ref/prompt" : "ref/resource", c->args[1], c->args[2],
		    c->args[3], NULL, done_complete, c);
	} else if (strcmp(c->cmd, "ping") == 0) {
		need_args(c, 0, 0);
		if (!c->finishing)
			mcp_client_ping(c->client, done_ping, c);
	} else {
		fprintf(stderr, PROG ": unknown command '%s'; try '" PROG
		    " --help'\n", c->cmd);
		finish(c, EXIT_USAGE);
	}
}

/* Conformance mode */

/* Accept an elicitation with every default of its schema filled in. */
static void
on_elicitation(void *arg, struct mcp_request *req, const cJSON *params)
{
	const cJSON *schema, *prop, *def;
	cJSON *result = cJSON_CreateObject(), *content = cJSON_CreateObject();

	(void)arg;
	schema = cJSON_GetObjectItemCaseSensitive(params, "requestedSchema");
	cJSON_ArrayForEach(prop, cJSON_GetObjectItemCaseSensitive(schema,
	    "properties")) {
		def = cJSON_GetObjectItemCaseSensitive(prop, "default");
		if (def != NULL)
			mcp_json_add(content, prop->string, cJSON_Duplicate(def, true));
	}
	mcp_json_add_str(result, "action", "accept");
	mcp_json_add(result, "content", content);
	mcp_request_reply(req, result);
}

static void
conformance_called(void *arg, const struct mcp_response *r)
{
	struct cli *c = arg;

	if (failed(c, "tools/call", r))
		return;
	if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(r->result, "isError"))) {
		fprintf(stderr, PROG ": tools/call returned isError\n");
		finish(c, EXIT_TOOL);
		return;
	}
	finish(c, EXIT_OK);
}

static void
conformance_listed(void *arg, const struct mcp_response *r)
{
	struct cli *c = arg;
	const cJSON *tool;
	const char *name;
	cJSON *args;

	if (failed(c, "tools/list", r))
		return;
	tool = cJSON_GetArrayItem(arr(r->result, "tools"), 0);
	name = str(tool, "name");
	if (strcmp(c->scenario, "initialize") == 0 || name == NULL) {
		finish(c, EXIT_OK);
		return;
	}
	args = cJSON_CreateObject();
	if (strcmp(name, "add_numbers") == 0) {
		mcp_json_add_num(args, "a", 1);
		mcp_json_add_num(args, "b", 2);
	}
	mcp_client_call_tool(c->client, name, args, NULL, conformance_called, c);
}

/* Start */

static void
connected(void *arg, const struct mcp_response *r)
{
	struct cli *c = arg;

	if (r->code != 0) {
		fprintf(stderr, PROG ": cannot connect: %s (%d)\n",
		    r->message != NULL ? r->message : mcp_strerror(r->code),
		    r->code);
		if (c->stdio) {
			char *err = mcp_stdio_stderr(c->tr, NULL);

			if (err != NULL && *err != '\0')
				fprintf(stderr, PROG ": the server's stderr:\n%s%s",
				    err, err[strlen(err) - 1] == '\n' ? "" : "\n");
			free(err);
		}
		finish(c, EXIT_UNAVAILABLE);
		return;
	}
	if (c->scenario != NULL)
		mcp_client_list_tools(c->client, conformance_listed, c);
	else
		run_command(c);
}

static bool
known_command(const char *cmd)
{
	static const char *const commands[] = { "info", "tools", "call",
	    "resources", "read", "prompts", "prompt", "complete", "ping" };
	size_t i;

	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(cmd, commands[i]) == 0)
			return true;
	return false;
}

static bool
is_url(const char *s)
{
	return strncmp(s, "http://", 7) == 0 || strncmp(s, "https://", 8) == 0;
}

int
main(int argc, char **argv)
{
	struct cli c = { .status = EXIT_OK };
	struct mcp_client_opts copts = { .name = PROG, .version = "0.1.0" };
	struct mcp_http_client_opts hopts = { 0 };
	struct mcp_stdio_spawn_opts sp = { 0 };
	const char *headers[MAX_HEADERS + 1] = { NULL };
	const char *url = NULL, *scenario = getenv("MCP_CONFORMANCE_SCENARIO");
	char **child = NULL;
	struct mcp_err err = { 0 };
	struct mcp_log log = { .level = MCP_LOG_WARNING, .prog = PROG };
	struct mcp_stdio_opts sopts = { .log = &log };
	int i, nh = 0;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			fputs(usage_text, stdout);
			return EXIT_OK;
		} else if (strcmp(a, "--json") == 0) {
			c.json = true;
		} else if (strcmp(a, "--timeout") == 0 && i + 1 < argc) {
			char *end;
			long ms = strtol(argv[++i], &end, 10);

			if (*end != '\0' || ms <= 0 || ms > 86400000)
				usage_error("--timeout: not a number of "
				    "milliseconds: '%s'", argv[i]);
			copts.timeout_ms = (int)ms;
		} else if (strcmp(a, "--header") == 0 && i + 1 < argc) {
			if (nh == MAX_HEADERS)
				usage_error("--header: more than %s headers", "32");
			if (strchr(argv[i + 1], ':') == NULL)
				usage_error("--header: expected 'Name: value', "
				    "not '%s'", argv[i + 1]);
			headers[nh++] = argv[++i];
		} else if (strcmp(a, "--bearer") == 0 && i + 1 < argc) {
			hopts.bearer_token = argv[++i];
		} else if (strcmp(a, "--legacy-sse") == 0) {
			if (hopts.mode == MCP_HTTP_CLIENT_STREAMABLE)
				usage_error("--legacy-sse and --no-fallback "
				    "exclude each other%s", "");
			hopts.mode = MCP_HTTP_CLIENT_LEGACY_SSE;
		} else if (strcmp(a, "--no-fallback") == 0) {
			if (hopts.mode == MCP_HTTP_CLIENT_LEGACY_SSE)
				usage_error("--legacy-sse and --no-fallback "
				    "exclude each other%s", "");
			hopts.mode = MCP_HTTP_CLIENT_STREAMABLE;
		} else if (strcmp(a, "--url") == 0 && i + 1 < argc) {
			url = argv[++i];
		} else if (strcmp(a, "--stdio") == 0 && i + 1 < argc) {
			child = &argv[++i];
			while (i < argc && strcmp(argv[i], "--") != 0)
				i++;
			if (i == argc)
				usage_error("--stdio: the command must end with "
				    "'%s'", "--");
			argv[i] = NULL;		/* ends the child's argv */
			if (child[0] == NULL)
				usage_error("--stdio: no command before '%s'", "--");
		} else if (a[0] == '-' && a[1] != '\0') {
			usage_error("unknown or incomplete option '%s'", a);
		} else {
			break;
		}
	}
	if (scenario != NULL && *scenario != '\0' && url == NULL &&
	    child == NULL && i == argc - 1 && is_url(argv[i])) {
		c.scenario = scenario;
		url = argv[i++];
	}
	if ((url == NULL) == (child == NULL))
		usage_error("give exactly one of --stdio CMD ... -- and --url "
		    "URL%s", "");
	if (c.scenario == NULL) {
		if (i == argc)
			usage_error("no command given%s", "");
		c.cmd = argv[i];
		c.args = &argv[i + 1];
		c.nargs = argc - i - 1;
		if (!known_command(c.cmd))
			usage_error("unknown command '%s'", c.cmd);
	}

	signal(SIGPIPE, SIG_IGN);
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		fprintf(stderr, PROG ": cannot initialise libcurl\n");
		return EXIT_UNAVAILABLE;
	}
	c.base = event_base_new();
	if (c.base == NULL) {
		fprintf(stderr, PROG ": cannot create the event loop\n");
		return EXIT_UNAVAILABLE;
	}
	if (child != NULL) {
		c.stdio = true;
		c.tr = mcp_stdio_spawn_ex(c.base, child, &sp, &sopts, &err);
	} else {
		hopts.headers = nh > 0 ? headers : NULL;
		hopts.log = &log;
		c.tr = mcp_http_client_new(c.base, url, &hopts, &err);
	}
	if (c.tr == NULL) {
		fprintf(stderr, PROG ": %s\n", err.msg);
		event_base_free(c.base);
		curl_global_cleanup();
		return EXIT_UNAVAILABLE;
	}

	copts.log = &log;
	copts.on_closed = on_closed;
	if (c.scenario != NULL)
		copts.on_elicitation = on_elicitation;
	copts.arg = &c;
	c.client = mcp_client_new(c.base, c.tr, &copts);
	mcp_client_connect(c.client, connected, &c);
	event_base_dispatch(c.base);

	mcp_client_free(c.client);
	event_base_free(c.base);
	curl_global_cleanup();
	fflush(stdout);
	return c.status;
}
