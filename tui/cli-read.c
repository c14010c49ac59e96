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

	/* The server its scheme names does not own it: ask them all. */
	if (owner == NULL && tui_cli_host_add_rest(cli)) {
		tui_cli_wait(cli, read_owner_known, read_go);
		return;
	}
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

/* weather://... read alone starts the server named weather, when there is
 * one; should it not own the URI, read_go starts the others. */
static bool
read_target(const struct mcp_config *cfg, int nargs, char **args,
    char *server, size_t size)
{
	const char *colon = nargs > 0 ? strstr(args[0], "://") : NULL;
	size_t len = colon != NULL ? (size_t)(colon - args[0]) : 0;

	if (len == 0 || len >= size)
		return false;
	memcpy(server, args[0], len);
	server[len] = '\0';
	return mcp_config_find(cfg, server) != NULL;
}

static void
read_run(struct tui_cli *cli, int nargs, char **args)
{
	(void)nargs;
	(void)args;
	tui_cli_wait(cli, read_owner_known, read_go);
}

static int
read_hex(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* s[0..n) with %XX decoded; the caller frees. */
static char *
read_unpct(const char *s, size_t n)
{
	char *out = mcp_xmalloc(n + 1);
	size_t i, o = 0;

	for (i = 0; i < n; i++) {
		if (s[i] == '%' && i + 2 < n && read_hex(s[i + 1]) >= 0 &&
		    read_hex(s[i + 2]) >= 0) {
			out[o++] = (char)(read_hex(s[i + 1]) * 16 +
			    read_hex(s[i + 2]));
			i += 2;
		} else
			out[o++] = s[i];
	}
	out[o] = '\0';
	return out;
}

/*
 * Where text stands in the URI template t (simple {var} expressions only):
 * 0 when it ends inside a variable, with *var, *value (decoded, so far),
 * *at (where the value begins in text) and *context (the variables before
 * it) set for the caller to free; -1 otherwise.
 */
static int
read_locate(const char *t, const char *text, char **var, char **value,
    size_t *at, cJSON **context)
{
	size_t i = 0, j = 0, k, end;
	cJSON *ctx = cJSON_CreateObject();

	if (ctx == NULL)
		abort();
	while (t[i] != '\0') {
		if (t[i] != '{') {
			if (text[j] == '\0' || t[i] != text[j])
				goto no;
			i++;
			j++;
			continue;
		}
		k = i + 1 + strcspn(t + i + 1, "}");
		if (t[k] != '}' || k == i + 1 ||
		    strchr("+#./;?&", t[i + 1]) != NULL)
			goto no;
		/* The value runs to the literal after it (or to the end). */
		if (t[k + 1] == '\0' || t[k + 1] == '{')
			end = strlen(text + j);
		else {
			const char *lit = strchr(text + j, t[k + 1]);

			end = lit != NULL ? (size_t)(lit - (text + j)) :
			    strlen(text + j);
		}
		if (text[j + end] == '\0') {
			*var = mcp_xstrndup(t + i + 1, k - i - 1);
			*value = read_unpct(text + j, end);
			*at = j;
			*context = ctx;
			return 0;
		}
		char *name = mcp_xstrndup(t + i + 1, k - i - 1);
		char *v = read_unpct(text + j, end);

		mcp_json_add_str(ctx, name, v);
		free(name);
		free(v);
		j += end;
		i = k + 1;
	}
no:
	cJSON_Delete(ctx);
	return -1;
}

/* A template variable's value, asked of its server. */
static char **
read_complete_remote(struct tui_cli *cli, const char *text)
{
	const cJSON *item, *t;
	const char *server;
	size_t i, nt = mcp_host_count(cli->host, MCP_HOST_TEMPLATES), at;
	char *var, *value, *prefix, **out;
	cJSON *ctx;

	for (i = 0; i < nt; i++) {
		item = mcp_host_item(cli->host, MCP_HOST_TEMPLATES, i, &server);
		t = cJSON_GetObjectItemCaseSensitive(item, "uriTemplate");
		if (!cJSON_IsString(t) || read_locate(t->valuestring, text,
		    &var, &value, &at, &ctx) != 0)
			continue;
		prefix = mcp_xstrndup(text, at);
		out = tui_cli_repl_remote(cli, server, "ref/resource",
		    t->valuestring, var, value,
		    cJSON_GetArraySize(ctx) > 0 ? ctx : NULL, prefix, true);
		free(prefix);
		free(var);
		free(value);
		cJSON_Delete(ctx);
		return out;
	}
	return NULL;
}

/* Completion: the listed URIs, templates up to their first '{', then the
 * variables' values from the server (completion/complete). */
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
	if (n == 0) {
		free(out);
		return read_complete_remote(cli, text);
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
	.target = read_target,
	.run = read_run,
	.complete = read_complete,
};
