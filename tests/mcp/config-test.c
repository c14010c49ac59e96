/*
 * Tests for mcp/config.c: the files other hosts write, loaded as they are;
 * every kind of error with its exact file:line:column; ${VAR} expansion;
 * hostile input refused cleanly.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mcp/config.h"
#include "mcp/json.h"
#include "tests/harness.h"

/* A fixed environment for expansion. */
static const char *
test_env(void *arg, const char *name)
{
	static const char *const vars[][2] = {
		{ "HOME", "/home/ana" },
		{ "TOKEN", "s3cret" },
		{ "EMPTY", "" },
		{ "PORT", "8080" },
		{ "WITH_DOLLAR", "a$b" },
	};
	size_t i;

	(void)arg;
	for (i = 0; i < sizeof vars / sizeof vars[0]; i++) {
		if (strcmp(vars[i][0], name) == 0)
			return vars[i][1];
	}
	return NULL;
}

static const struct mcp_config_opts env_opts = { test_env, NULL };

static struct mcp_config *
parse(const char *text, struct mcp_err *err)
{
	mcp_err_clear(err);
	return mcp_config_parse(text, strlen(text), "c.json", &env_opts, err);
}

/* The error for text, or "(parsed)" when it was accepted. */
static const char *
error_of(const char *text)
{
	static struct mcp_err err;
	struct mcp_config *cfg = parse(text, &err);

	if (cfg != NULL) {
		mcp_config_free(cfg);
		return "(parsed)";
	}
	return err.msg;
}

static void
test_minimal_stdio(void)
{
	struct mcp_err err;
	struct mcp_config *cfg = parse(
	    "{\"mcpServers\": {\"fs\": {\"command\": \"npx\", \"args\": "
	    "[\"-y\", \"@modelcontextprotocol/server-filesystem\", \"/tmp\"], "
	    "\"env\": {\"A\": \"1\", \"B\": \"two words\"}, \"cwd\": \"/srv\"}}}",
	    &err);
	const struct mcp_config_server *s;

	CHECK(cfg != NULL);
	if (cfg == NULL)
		return;
	CHECK_EQ_INT(mcp_config_count(cfg), 1);
	s = mcp_config_server(cfg, 0);
	CHECK_STR(s->name, "fs");
	CHECK_EQ_INT(s->transport, MCP_CONFIG_STDIO);
	CHECK_EQ_INT(s->argc, 4);
	CHECK_STR(s->argv[0], "npx");
	CHECK_STR(s->argv[1], "-y");
	CHECK_STR(s->argv[3], "/tmp");
	CHECK(s->argv[4] == NULL);
	CHECK_STR(s->env[0], "A=1");
	CHECK_STR(s->env[1], "B=two words");
	CHECK(s->env[2] == NULL);
	CHECK_STR(s->cwd, "/srv");
	CHECK(s->url == NULL);
	CHECK(s->headers != NULL && s->headers[0] == NULL);
	CHECK(!s->disabled);
	CHECK_EQ_INT(s->timeout_ms, 0);
	CHECK(mcp_config_find(cfg, "fs") == s);
	CHECK(mcp_config_find(cfg, "nope") == NULL);
	CHECK(mcp_config_server(cfg, 1) == NULL);
	mcp_config_free(cfg);
	mcp_config_free(NULL);
}

/* A Claude Desktop file as people have them: other top-level settings,
 * Windows-style paths, no "type". */
static void
test_claude_desktop_file(void)
{
	static const char text[] =
	    "{\n"
	    "  \"globalShortcut\": \"Ctrl+Space\",\n"
	    "  \"mcpServers\": {\n"
	    "    \"filesystem\": {\n"
	    "      \"command\": \"npx\",\n"
	    "      \"args\": [\n"
	    "        \"-y\",\n"
	    "        \"@modelcontextprotocol/server-filesystem\",\n"
	    "        \"C:\\\\Users\\\\ana\\\\Desktop\",\n"
	    "        \"/Users/ana/Downloads\"\n"
	    "      ]\n"
	    "    },\n"
	    "    \"brave-search\": {\n"
	    "      \"command\": \"npx\",\n"
	    "      \"args\": [\"-y\", \"@modelcontextprotocol/server-brave-search\"],\n"
	    "      \"env\": { \"BRAVE_API_KEY\": \"BSA-xxxxxxxx\" }\n"
	    "    },\n"
	    "    \"weather café ☀\": {\n"
	    "      \"command\": \"/usr/local/bin/weather\",\n"
	    "      \"disabled\": true,\n"
	    "      \"autoApprove\": [\"forecast\"],\n"
	    "      \"alwaysAllow\": [],\n"
	    "      \"timeout\": 60\n"
	    "    }\n"
	    "  },\n"
	    "  \"preferences\": { \"menuBarEnabled\": false }\n"
	    "}\n";
	struct mcp_err err;
	struct mcp_config *cfg = parse(text, &err);
	const struct mcp_config_server *s;

	CHECK(cfg != NULL);
	if (cfg == NULL) {
		fprintf(stderr, "  %s\n", err.msg);
		return;
	}
	CHECK_EQ_INT(mcp_config_count(cfg), 3);
	s = mcp_config_server(cfg, 0);
	CHECK_STR(s->name, "filesystem");
	CHECK_STR(s->argv[3], "C:\\Users\\ana\\Desktop");
	s = mcp_config_server(cfg, 1);
	CHECK_STR(s->name, "brave-search");
	CHECK_STR(s->env[0], "BRAVE_API_KEY=BSA-xxxxxxxx");
	s = mcp_config_server(cfg, 2);
	CHECK_STR(s->name, "weather café ☀");
	CHECK(s->disabled);
	CHECK_EQ_INT(s->argc, 1);
	mcp_config_free(cfg);
}

/* A project's .mcp.json in Claude Code's shape, with a BOM and CRLF. */
static void
test_mcp_json_file(void)
{
	static const char text[] =
	    "\xef\xbb\xbf{\r\n"
	    "  \"mcpServers\": {\r\n"
	    "    \"api\": {\r\n"
	    "      \"type\": \"http\",\r\n"
	    "      \"url\": \"${API_BASE_URL:-https://api.example.com}/mcp\",\r\n"
	    "      \"headers\": { \"Authorization\": \"Bearer ${TOKEN}\" }\r\n"
	    "    },\r\n"
	    "    \"legacy\": { \"type\": \"sse\", \"url\": \"http://localhost:${PORT}/sse\" },\r\n"
	    "    \"streamy\": { \"type\": \"streamable-http\", \"url\": \"https://x.example/mcp\" },\r\n"
	    "    \"local\": {\r\n"
	    "      \"type\": \"stdio\",\r\n"
	    "      \"command\": \"${HOME}/bin/server\",\r\n"
	    "      \"args\": [\"--db\", \"${DB_PATH:-./data.db}\"],\r\n"
	    "      \"env\": { \"LOG\": \"${LOG_LEVEL:-info}\" }\r\n"
	    "    }\r\n"
	    "  }\r\n"
	    "}\r\n";
	struct mcp_err err;
	struct mcp_config *cfg = parse(text, &err);
	const struct mcp_config_server *s;

	CHECK(cfg != NULL);
	if (cfg == NULL) {
		fprintf(stderr, "  %s\n", err.msg);
		return;
	}
	s = mcp_config_find(cfg, "api");
	CHECK(s != NULL && s->transport == MCP_CONFIG_HTTP);
	CHECK_STR(s->url, "https://api.example.com/mcp");
	CHECK_STR(s->headers[0], "Authorization: Bearer s3cret");
	CHECK(s->argv == NULL);
	s = mcp_config_find(cfg, "legacy");
	CHECK(s != NULL && s->transport == MCP_CONFIG_SSE);
	CHECK_STR(s->url, "http://localhost:8080/sse");
	s = mcp_config_find(cfg, "streamy");
	CHECK(s != NULL && s->transport == MCP_CONFIG_HTTP);
	s = mcp_config_find(cfg, "local");
	CHECK_STR(s->argv[0], "/home/ana/bin/server");
	CHECK_STR(s->argv[2], "./data.db");
	CHECK_STR(s->env[0], "LOG=info");
	mcp_config_free(cfg);
}

static void
test_url_without_type_is_http(void)
{
	struct mcp_err err;
	struct mcp_config *cfg = parse("{\"mcpServers\":{\"r\":{\"url\":"
	    "\"https://r.example/mcp\"}}}", &err);

	CHECK(cfg != NULL);
	if (cfg != NULL) {
		CHECK_EQ_INT(mcp_config_server(cfg, 0)->transport,
		    MCP_CONFIG_HTTP);
		mcp_config_free(cfg);
	}
	/* VS Code's spelling of the top-level key. */
	cfg = parse("{\"servers\":{\"v\":{\"type\":\"stdio\",\"command\":"
	    "\"x\"}},\"inputs\":[]}", &err);
	CHECK(cfg != NULL);
	if (cfg != NULL) {
		CHECK_STR(mcp_config_server(cfg, 0)->name, "v");
		mcp_config_free(cfg);
	}
}

static void
test_tripmcp_keys(void)
{
	struct mcp_err err;
	struct mcp_config *cfg = parse(
	    "{\"mcpServers\":{\"t\":{\"command\":\"t\",\"tripmcp\":{"
	    "\"timeoutMs\":5000,\"maxTimeoutMs\":90000,\"startTimeoutMs\":2000,"
	    "\"disabled\":false,\"approve\":{\"addEvent\":\"auto\","
	    "\"search\":\"ask\",\"book\":{\"auto\":true,\"askAbove\":"
	    "{\"price\":500,\"nights\":7}},\"*\":\"auto\"}}}}}", &err);
	const struct mcp_config_server *s;
	const struct mcp_config_rule *r;

	CHECK(cfg != NULL);
	if (cfg == NULL) {
		fprintf(stderr, "  %s\n", err.msg);
		return;
	}
	s = mcp_config_server(cfg, 0);
	CHECK_EQ_INT(s->timeout_ms, 5000);
	CHECK_EQ_INT(s->max_timeout_ms, 90000);
	CHECK_EQ_INT(s->start_timeout_ms, 2000);
	CHECK_EQ_INT(s->nrules, 4);
	r = mcp_config_rule(s, "addEvent");
	CHECK(r != NULL && r->auto_approve && !r->ask);
	r = mcp_config_rule(s, "search");
	CHECK(r != NULL && r->ask && !r->auto_approve);
	r = mcp_config_rule(s, "book");
	CHECK(r != NULL && r->auto_approve && r->nlimits == 2);
	if (r != NULL && r->nlimits == 2) {
		CHECK_STR(r->limits[0].arg, "price");
		CHECK(r->limits[0].above == 500);
		CHECK_STR(r->limits[1].arg, "nights");
	}
	r = mcp_config_rule(s, "other");
	CHECK(r != NULL && strcmp(r->tool, "*") == 0);
	mcp_config_free(cfg);
}

static void
test_expand(void)
{
	struct mcp_err err;
	char *s;

#define EXPANDS(in, want) do { \
	mcp_err_clear(&err); \
	s = mcp_config_expand((in), &env_opts, &err); \
	CHECK_STR(s, (want)); \
	free(s); \
} while (0)
#define EXPAND_FAILS(in, want) do { \
	mcp_err_clear(&err); \
	s = mcp_config_expand((in), &env_opts, &err); \
	CHECK(s == NULL); \
	CHECK_STR(err.msg, (want)); \
	free(s); \
} while (0)
	EXPANDS("plain", "plain");
	EXPANDS("${HOME}/x", "/home/ana/x");
	EXPANDS("a${TOKEN}b${PORT}", "as3cretb8080");
	EXPANDS("${NOPE:-fallback}", "fallback");
	EXPANDS("${NOPE:-}", "");
	EXPANDS("${EMPTY:-used}", "used");
	EXPANDS("${EMPTY}", "");
	EXPANDS("${HOME:-unused}", "/home/ana");
	EXPANDS("${NOPE:-a b:c-d}", "a b:c-d");
	EXPANDS("cost $$5", "cost $5");
	EXPANDS("$$${HOME}", "$/home/ana");
	EXPANDS("$HOME stays", "$HOME stays");
	EXPANDS("a $ b $", "a $ b $");
	/* A value is not expanded again. */
	EXPANDS("${WITH_DOLLAR}", "a$b");
	EXPAND_FAILS("${NOPE}", "${NOPE} is not set: set NOPE in the "
	    "environment or write ${NOPE:-default}");
	EXPAND_FAILS("x${HOME", "unclosed ${: expected '}' (write $$ for a "
	    "plain $)");
	EXPAND_FAILS("${}", "bad variable \"${}\": expected ${NAME} or "
	    "${NAME:-default} with NAME of letters, digits and _");
	EXPAND_FAILS("${1X}", "bad variable \"${1X}\": expected ${NAME} or "
	    "${NAME:-default} with NAME of letters, digits and _");
	EXPAND_FAILS("${A-B}", "bad variable \"${A-B}\": expected ${NAME} or "
	    "${NAME:-default} with NAME of letters, digits and _");
#undef EXPANDS
#undef EXPAND_FAILS
}

/* Unset variables name the variable and the place, in every field. */
static void
test_expand_errors_in_place(void)
{
	CHECK_STR(error_of("{\"mcpServers\": {\n"
	    "  \"a\": {\"command\": \"x\", \"env\": {\"K\": \"${MISSING}\"}}}}"),
	    "c.json:2:38: mcpServers.a.env.K: ${MISSING} is not set: set "
	    "MISSING in the environment or write ${MISSING:-default}");
	CHECK_STR(error_of("{\"mcpServers\": {\"a\": {\"command\": \"x\",\n"
	    "\"args\": [\"ok\", \"${MISSING}\"]}}}"),
	    "c.json:2:16: mcpServers.a.args[1]: ${MISSING} is not set: set "
	    "MISSING in the environment or write ${MISSING:-default}");
	CHECK_CONTAINS(error_of("{\"mcpServers\": {\"a\": {\"command\": "
	    "\"${MISSING}\"}}}"), "c.json:1:34: mcpServers.a.command: "
	    "${MISSING} is not set");
	CHECK_CONTAINS(error_of("{\"mcpServers\": {\"a\": {\"command\": \"x\", "
	    "\"cwd\": \"${MISSING}/x\"}}}"), "c.json:1:46: mcpServers.a.cwd: "
	    "${MISSING} is not set");
	CHECK_CONTAINS(error_of("{\"mcpServers\": {\"a\": {\"url\": "
	    "\"https://${MISSING}\"}}}"), "c.json:1:30: mcpServers.a.url: "
	    "${MISSING} is not set");
	CHECK_CONTAINS(error_of("{\"mcpServers\": {\"a\": {\"url\": \"http://x\","
	    " \"headers\": {\"X-Key\": \"${MISSING}\"}}}}"),
	    "c.json:1:63: mcpServers.a.headers.X-Key: ${MISSING} is not set");
}

/* JSON syntax errors: the exact place and what was expected. */
static void
test_syntax_errors(void)
{
	CHECK_STR(error_of("{\"mcpServers\": {\n  \"a\": {\"command\": \"x\"}\n"
	    "  \"b\": {}}}"),
	    "c.json:3:3: expected ',' or '}' after an object member");
	CHECK_STR(error_of("{\"mcpServers\": {\"a\": {\"command\": \"x\",}}}"),
	    "c.json:1:38: expected a string key in double quotes");
	CHECK_STR(error_of("{\"mcpServers\": {\"a\" {}}}"),
	    "c.json:1:21: expected ':' after an object key");
	CHECK_STR(error_of("{\"mcpServers\": {\"a\": {\"args\": [\"x\" \"y\"]}}}"),
	    "c.json:1:36: expected ',' or ']' after an array element");
	CHECK_STR(error_of("{\"mcpServers\": {\"a\": {\"command\": \"x}}}"),
	    "c.json:1:34: unterminated string: expected a closing '\"'");
	CHECK_STR(error_of("{\"mcpServers\": {\"a\": {\"command\": \"\\x\"}}}"),
	    "c.json:1:35: invalid escape: expected one of \\\" \\\\ \\/ \\b "
	    "\\f \\n \\r \\t \\uXXXX");
	CHECK_STR(error_of("{\"a\": \"\\u12G4\"}"),
	    "c.json:1:8: invalid \\u escape: expected four hex digits");
	CHECK_STR(error_of("{\"a\": \"\\udc00\"}"),
	    "c.json:1:8: invalid \\u escape: a low surrogate without a high "
	    "one");
	CHECK_STR(error_of("{\"a\": \"\\ud800x\"}"),
	    "c.json:1:8: invalid \\u escape: a high surrogate must be "
	    "followed by a low one");
	CHECK_STR(error_of("{\"a\": tru}"),
	    "c.json:1:7: expected a value: an object, array, string, number, "
	    "true, false or null");
	CHECK_STR(error_of("{\"a\": 01}"),
	    "c.json:1:8: expected ',' or '}' after an object member");
	CHECK_STR(error_of("{\"a\": 1.}"),
	    "c.json:1:9: invalid number: expected a digit after '.'");
	CHECK_STR(error_of("{\"a\": 1e}"),
	    "c.json:1:9: invalid number: expected a digit in the exponent");
	CHECK_STR(error_of("{\"a\": -}"),
	    "c.json:1:7: invalid number: expected a digit");
	CHECK_STR(error_of("{\"mcpServers\": {}} x"),
	    "c.json:1:20: unexpected text after the end of the JSON value");
	CHECK_STR(error_of("{\"mcpServers\": {"),
	    "c.json:1:17: expected a string key in double quotes or '}'");
	CHECK_STR(error_of(""),
	    "c.json:1:1: unexpected end of file: expected a value");
	CHECK_STR(error_of("{\"a\": \"tab\there\"}"),
	    "c.json:1:11: control character in a string: escape it (\\n, "
	    "\\t, \\uXXXX)");
	CHECK_STR(error_of("// comment\n{}"),
	    "c.json:1:1: expected a value: an object, array, string, number, "
	    "true, false or null");
	/* Columns count characters, not bytes. */
	CHECK_STR(error_of("{\"é☀\": 1 2}"),
	    "c.json:1:10: expected ',' or '}' after an object member");
}

/* The configuration's own rules, each at the offending value or key. */
static void
test_semantic_errors(void)
{
	CHECK_STR(error_of("[]"),
	    "c.json:1:1: the top level: expected an object with "
	    "\"mcpServers\", got array");
	CHECK_STR(error_of("{\"other\": 1}"),
	    "c.json:1:1: the top level: missing \"mcpServers\": expected "
	    "{\"mcpServers\": {\"name\": {\"command\": ...}}}");
	CHECK_STR(error_of("{\n \"mcpServers\": []}"),
	    "c.json:2:16: mcpServers: expected an object of server names and "
	    "settings, got array");
	CHECK_STR(error_of("{\"mcpServers\": {\"a\": \"npx\"}}"),
	    "c.json:1:22: mcpServers.a: expected an object with \"command\" "
	    "or \"url\", got string");
	CHECK_STR(error_of("{\"mcpServers\": {\"a\": {\"args\": []}}}"),
	    "c.json:1:22: mcpServers.a: missing \"command\": expected the "
	    "program to start (or \"url\" for a remote server)");
	CHECK_STR(error_of("{\"mcpServers\": {\"a\": {\"command\": 7}}}"),
	    "c.json:1:34: mcpServers.a.command: expected a string, got "
	    "integer");
	CHECK_STR(error_of("{\"mcpServers\": {\"a\": {\"command\": \"\"}}}"),
	    "c.json:1:34: mcpServers.a.command: empty command: expected a "
	    "program name or path");
	CHECK_STR(error_of("{\"mcpServers\": {\"a\": {\"command\": \"x\",\n"
	    "  \"args\": \"-y\"}}}"),
	    "c.json:2:11: mcpServers.a.args: expected an array of strings, "
	    "got string");
	CHECK_STR(error_of("{\"mcpServers\": {\"a\": {\"command\": \"x\",\n"
	    "  \"args\": [\"-y\",\n     3]}}}"),
	    "c.json:3:6: mcpServers.a.args[1]: expected a string, got integer");
	CHECK_STR(error_of("{\"mcpServers\": {\"a\": {\"command\": \"x\", "
	    "\"env\": {\"PORT\": 8080}}}}"),
	    "c.json:1:55: mcpServers.a.env.PORT: expected a string, got "
	    "integer");
	CHECK_STR(error_of("{\"mcpServers\": {\"a\": {\"command\": \"x\", "
	    "\"env\": [\"A=1\"]}}}"),
	    "c.json:1:46: mcpServers.a.env: expected an object of names and "
	    "string values, got array");
	CHECK_STR(error_of("{\"mcpServers\": {\"a\": {\"command\": \"x\", "
	    "\"env\": {\"A=B\": \"1\"}}}}"),
	    "c.json:1:47: mcpServers.a.env.A=B: bad variable name: expected "
	    "a non-empty name without '='");
	CHECK_STR(error_of("{\"mcpServers\": {\"a\": {\"command\": \"x\", "
	    "\"cwd\": false}}}"),
	    "c.json:1:46: mcpServers.a.cwd: expected a string, got boolean");
	CHECK_STR(error_of("{\"mcpServers\": {\"a\": {\"type\": \"websocket\", "
	    "\"url\": \"ws://x\"}}}"),
	    "c.json:1:31: mcpServers.a.type: unknown type \"websocket\": "
	    "expected \"stdio\", \"http\" (or \"streamable-http\") or \"sse\"");
	CHECK_STR(error_of("{\"mcpServers\": {\"a\": {\"type\": \"http\"}}}"),
	    "c.json:1:22: mcpServers.a: missing \"url\": expected the "
	    "server's http:// or https:// address");
	CHECK_STR(error_of("{\"mcpServers\": {\"a\": {\"url\": \"ftp://x\"}}}"),
	    "c.json:1:30: mcpServers.a.url: expected an http:// or https:// "
	    "address, got \"ftp://x\"");
	CHECK_STR(error_of("{\"mcpServers\": {\"a\": {\"url\": \"http://x\", "
	    "\"command\": \"y\"}}}"),
	    "c.json:1:22: mcpServers.a: both \"command\" and \"url\": add "
	    "\"type\": \"stdio\" or \"type\": \"http\"");
	CHECK_STR(error_of("{\"mcpServers\": {\"a\": {\"url\": \"http://x\", "
	    "\"headers\": {\"Bad Name\": \"v\"}}}}"),
	    "c.json:1:54: mcpServers.a.headers.Bad Name: bad header name: "
	    "expected letters, digits and - without spaces or ':'");
	CHECK_STR(error_of("{\"mcpServers\": {\"a\": {\"url\": \"http://x\", "
	    "\"headers\": {\"X\": \"v\\r\\nEvil: 1\"}}}}"),
	    "c.json:1:59: mcpServers.a.headers.X: a header value cannot hold "
	    "a line break");
	CHECK_STR(error_of("{\"mcpServers\": {\"a/b\": {\"command\": \"x\"}}}"),
	    "c.json:1:17: mcpServers.a/b: bad server name: expected 1 to 64 "
	    "characters without '/' or control characters");
	CHECK_STR(error_of("{\"mcpServers\": {\"a\": {\"command\": \"x\"},\n"
	    " \"b\": {\"command\": \"y\"},\n \"a\": {\"command\": \"z\"}}}"),
	    "c.json:3:2: mcpServers.a: duplicate server name: each name may "
	    "appear once");
	CHECK_STR(error_of("{\"mcpServers\": {\"a\": {\"command\": \"x\", "
	    "\"disabled\": \"yes\"}}}"),
	    "c.json:1:51: mcpServers.a.disabled: expected true or false, got "
	    "string");
}

static void
test_tripmcp_errors(void)
{
#define T(body) "{\"mcpServers\": {\"a\": {\"command\": \"x\", \"tripmcp\": " \
    body "}}}"
	/* The tripmcp object starts at column 50. */
	CHECK_STR(error_of(T("[]")),
	    "c.json:1:50: mcpServers.a.tripmcp: expected an object, got array");
	CHECK_STR(error_of(T("{\"timeoutMS\": 5}")),
	    "c.json:1:51: mcpServers.a.tripmcp.timeoutMS: unknown key: "
	    "expected timeoutMs, maxTimeoutMs, startTimeoutMs, disabled, "
	    "approve or roots");
	CHECK_STR(error_of(T("{\"timeoutMs\": -5}")),
	    "c.json:1:64: mcpServers.a.tripmcp.timeoutMs: expected a whole "
	    "number from 1 to 86400000, got -5");
	CHECK_STR(error_of(T("{\"timeoutMs\": 1.5}")),
	    "c.json:1:64: mcpServers.a.tripmcp.timeoutMs: expected a whole "
	    "number from 1 to 86400000, got 1.5");
	CHECK_STR(error_of(T("{\"timeoutMs\": \"5s\"}")),
	    "c.json:1:64: mcpServers.a.tripmcp.timeoutMs: expected a whole "
	    "number from 1 to 86400000, got string");
	CHECK_STR(error_of(T("{\"timeoutMs\": 500, \"maxTimeoutMs\": 100}")),
	    "c.json:1:85: mcpServers.a.tripmcp.maxTimeoutMs: expected at "
	    "least timeoutMs (500)");
	CHECK_STR(error_of(T("{\"approve\": []}")),
	    "c.json:1:62: mcpServers.a.tripmcp.approve: expected an object of "
	    "tool names and rules, got array");
	CHECK_STR(error_of(T("{\"approve\": {\"t\": \"yes\"}}")),
	    "c.json:1:68: mcpServers.a.tripmcp.approve.t: expected \"auto\" "
	    "or \"ask\", got \"yes\"");
	CHECK_STR(error_of(T("{\"approve\": {\"t\": {\"always\": true}}}")),
	    "c.json:1:69: mcpServers.a.tripmcp.approve.t.always: unknown "
	    "rule key: expected \"auto\", \"ask\" or \"askAbove\"");
	CHECK_STR(error_of(T("{\"approve\": {\"t\": {\"askAbove\": "
	    "{\"price\": \"500\"}}}}")),
	    "c.json:1:91: mcpServers.a.tripmcp.approve.t.askAbove.price: "
	    "expected a number, got string");
	CHECK_STR(error_of(T("{\"approve\": {\"t\": 1}}")),
	    "c.json:1:68: mcpServers.a.tripmcp.approve.t: expected \"auto\", "
	    "\"ask\" or an object with \"auto\", \"ask\" and \"askAbove\", got "
	    "integer");
	/* roots: absolute paths or file:/// URIs, each error at its item. */
	CHECK_STR(error_of(T("{\"roots\": \"/srv\"}")),
	    "c.json:1:60: mcpServers.a.tripmcp.roots: expected an array of "
	    "absolute paths or file:/// URIs, got string");
	CHECK_STR(error_of(T("{\"roots\": [\"/srv\", 7]}")),
	    "c.json:1:69: mcpServers.a.tripmcp.roots[1]: expected a string, "
	    "got integer");
	CHECK_STR(error_of(T("{\"roots\": [\"/srv\", \"trips\"]}")),
	    "c.json:1:69: mcpServers.a.tripmcp.roots[1]: expected an absolute "
	    "path or a file:/// URI, got \"trips\"");
	CHECK_STR(error_of(T("{\"roots\": [\"\"]}")),
	    "c.json:1:61: mcpServers.a.tripmcp.roots[0]: expected an absolute "
	    "path or a file:/// URI, got \"\"");
	CHECK_STR(error_of(T("{\"roots\": [\"file://host/srv\"]}")),
	    "c.json:1:61: mcpServers.a.tripmcp.roots[0]: expected an absolute "
	    "path or a file:/// URI, got \"file://host/srv\"");
	CHECK_STR(error_of(T("{\"roots\": [\"https://example.com/\"]}")),
	    "c.json:1:61: mcpServers.a.tripmcp.roots[0]: expected an absolute "
	    "path or a file:/// URI, got \"https://example.com/\"");
	CHECK_STR(error_of(T("{\"roots\": [\"file:///my trips\"]}")),
	    "c.json:1:61: mcpServers.a.tripmcp.roots[0]: bad file URI "
	    "\"file:///my trips\": write spaces, non-ASCII and control "
	    "characters, ? and # as %XX (or give the path)");
	CHECK_STR(error_of(T("{\"roots\": [\"file:///a%2\"]}")),
	    "c.json:1:61: mcpServers.a.tripmcp.roots[0]: bad file URI "
	    "\"file:///a%2\": write spaces, non-ASCII and control "
	    "characters, ? and # as %XX (or give the path)");
	CHECK_STR(error_of(T("{\"roots\": [\"/a\\nb\"]}")),
	    "c.json:1:61: mcpServers.a.tripmcp.roots[0]: a root path cannot "
	    "hold control characters");
	CHECK_STR(error_of(T("{\"roots\": [\"${NOPE}/trips\"]}")),
	    "c.json:1:61: mcpServers.a.tripmcp.roots[0]: ${NOPE} is not set: "
	    "set NOPE in the environment or write ${NOPE:-default}");
	/* A relative path hidden in a variable is refused too. */
	CHECK_STR(error_of(T("{\"roots\": [\"${PORT}\"]}")),
	    "c.json:1:61: mcpServers.a.tripmcp.roots[0]: expected an absolute "
	    "path or a file:/// URI, got \"8080\"");
#undef T
}

/* tripmcp.roots: paths become file:// URIs (percent-encoded), URIs stay as
 * written, ${VAR} is expanded; absent is NULL, [] is an empty list. */
static void
test_roots(void)
{
	struct mcp_err err;
	struct mcp_config *cfg = parse(
	    "{\"mcpServers\": {"
	    "\"fs\": {\"command\": \"x\", \"tripmcp\": {\"roots\": ["
	    "\"${HOME}/trips\", \"/srv/my trips/caf\u00e9\", "
	    "\"file:///data/a%20b\", \"/\"]}},"
	    "\"none\": {\"command\": \"x\", \"tripmcp\": {\"roots\": []}},"
	    "\"plain\": {\"command\": \"x\", \"cwd\": \"/srv\"},"
	    "\"remote\": {\"url\": \"https://example.com/mcp\", "
	    "\"tripmcp\": {\"roots\": [\"/home\"]}}}}", &err);
	const struct mcp_config_server *s;

	CHECK(cfg != NULL);
	if (cfg == NULL) {
		fprintf(stderr, "  %s\n", err.msg);
		return;
	}
	s = mcp_config_find(cfg, "fs");
	CHECK_EQ_INT(s->nroots, 4);
	CHECK_STR(s->roots[0], "file:///home/ana/trips");
	CHECK_STR(s->roots[1], "file:///srv/my%20trips/caf%C3%A9");
	CHECK_STR(s->roots[2], "file:///data/a%20b");
	CHECK_STR(s->roots[3], "file:///");
	CHECK(s->roots[4] == NULL);
	s = mcp_config_find(cfg, "none");
	CHECK(s->roots != NULL && s->roots[0] == NULL);
	CHECK_EQ_INT(s->nroots, 0);
	s = mcp_config_find(cfg, "plain");
	CHECK(s->roots == NULL);
	CHECK_EQ_INT(s->nroots, 0);
	s = mcp_config_find(cfg, "remote");
	CHECK(s->nroots == 1 && strcmp(s->roots[0], "file:///home") == 0);
	mcp_config_free(cfg);
}

/* Huge, deep, binary and malformed input: a clean error, nothing else. */
static void
test_hostile_input(void)
{
	struct mcp_err err;
	struct mcp_config *cfg;
	size_t n = 100000, i;
	char *big;

	/* 10000 levels of nesting. */
	big = mcp_xmalloc(2 * n + 1);
	memset(big, '[', n);
	memset(big + n, ']', n);
	big[2 * n] = '\0';
	CHECK_STR(error_of(big), "c.json:1:33: nested deeper than 32 levels");
	free(big);

	/* A string of 100 KiB. */
	big = mcp_xmalloc(200000);
	snprintf(big, 200000, "{\"mcpServers\": {\"a\": {\"command\": \"");
	i = strlen(big);
	memset(big + i, 'x', 100 * 1024);
	snprintf(big + i + 100 * 1024, 100, "\"}}}");
	CHECK_STR(error_of(big), "c.json:1:34: string longer than 64 KiB");
	free(big);

	/* Larger than 1 MiB. */
	big = mcp_xmalloc(MCP_CONFIG_MAX_BYTES + 2);
	memset(big, ' ', MCP_CONFIG_MAX_BYTES + 1);
	big[0] = '{';
	big[MCP_CONFIG_MAX_BYTES] = '}';
	big[MCP_CONFIG_MAX_BYTES + 1] = '\0';
	CHECK_STR(error_of(big), "c.json: larger than 1 MiB (1048577 bytes): "
	    "expected a configuration file");
	free(big);

	/* A NUL byte inside a string and between tokens. */
	mcp_err_clear(&err);
	cfg = mcp_config_parse("{\"a\": \"x\0y\"}", 12, "c.json", &env_opts,
	    &err);
	CHECK(cfg == NULL);
	CHECK_STR(err.msg, "c.json:1:9: NUL byte in the file");
	mcp_err_clear(&err);
	cfg = mcp_config_parse("{\"mcpServers\": {}}\0", 19, "c.json",
	    &env_opts, &err);
	CHECK(cfg == NULL);
	CHECK_STR(err.msg, "c.json:1:19: NUL byte in the file");
	CHECK_STR(error_of("{\"a\": \"\\u0000\"}"),
	    "c.json:1:8: \\u0000 (a NUL character) cannot be used in a string");

	/* Invalid UTF-8: a lone continuation byte, an overlong, a surrogate. */
	CHECK_STR(error_of("{\"a\": \"x\x80\"}"),
	    "c.json:1:9: invalid UTF-8 in a string");
	CHECK_STR(error_of("{\"a\": \"\xc0\xaf\"}"),
	    "c.json:1:8: invalid UTF-8 in a string");
	CHECK_STR(error_of("{\"a\": \"\xed\xa0\x80\"}"),
	    "c.json:1:8: invalid UTF-8 in a string");
	CHECK_STR(error_of("\xff{}"),
	    "c.json:1:1: expected a value: an object, array, string, number, "
	    "true, false or null");

	/* A variable whose value would be too long after expansion. */
	big = mcp_xmalloc(70000);
	for (i = 0; i + 8 < 69000; i += 7)
		memcpy(big + i, "${HOME}", 7);
	big[i] = '\0';
	mcp_err_clear(&err);
	CHECK(mcp_config_expand(big, &env_opts, &err) == NULL);
	CHECK_STR(err.msg, "longer than 64 KiB once variables are expanded");
	free(big);

	/* Too many servers. */
	big = mcp_xmalloc(300 * 40 + 100);
	i = (size_t)sprintf(big, "{\"mcpServers\": {");
	for (n = 0; n < 300; n++)
		i += (size_t)sprintf(big + i, "%s\"s%zu\": {\"command\": \"x\"}",
		    n > 0 ? "," : "", n);
	sprintf(big + i, "}}");
	CHECK_STR(error_of(big), "c.json:1:16: mcpServers: 300 servers: at "
	    "most 256 are allowed");
	free(big);
}

static void
test_load_file(void)
{
	char path[] = "/tmp/config-test-XXXXXX";
	struct mcp_err err = { 0, "" };
	struct mcp_config *cfg;
	const char *text = "{\"mcpServers\": {\"x\": {\"command\": \"echo\"}}}";
	int fd = mkstemp(path);

	CHECK(fd >= 0);
	if (fd < 0)
		return;
	CHECK(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
	close(fd);
	cfg = mcp_config_load(path, NULL, &err);
	CHECK(cfg != NULL);
	if (cfg != NULL) {
		CHECK_STR(mcp_config_server(cfg, 0)->argv[0], "echo");
		mcp_config_free(cfg);
	}
	unlink(path);
	mcp_err_clear(&err);
	cfg = mcp_config_load(path, NULL, &err);
	CHECK(cfg == NULL);
	CHECK_CONTAINS(err.msg, ": cannot open: No such file or directory");
	mcp_err_clear(&err);
	CHECK(mcp_config_load("/tmp", NULL, &err) == NULL);
	CHECK_STR(err.msg, "/tmp: not a regular file: expected a JSON "
	    "configuration file");
}

int
main(void)
{
	HARNESS_BEGIN("config");
	HARNESS_WATCHDOG();
	TEST(test_minimal_stdio);
	TEST(test_claude_desktop_file);
	TEST(test_mcp_json_file);
	TEST(test_url_without_type_is_http);
	TEST(test_tripmcp_keys);
	TEST(test_expand);
	TEST(test_expand_errors_in_place);
	TEST(test_syntax_errors);
	TEST(test_semantic_errors);
	TEST(test_tripmcp_errors);
	TEST(test_roots);
	TEST(test_hostile_input);
	TEST(test_load_file);
	return HARNESS_END();
}
