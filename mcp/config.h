/*
 * Server configuration files in the ecosystem's shape:
 * {"mcpServers": {"name": {"command", "args", "env", "cwd"}}}, remote servers
 * with "type", "url" and "headers", ${VAR} and ${VAR:-default} expansion, and
 * our own per-server settings under "tripmcp". Claude Desktop's
 * claude_desktop_config.json and a project's .mcp.json load as they are:
 * keys other hosts write are tolerated, wrong types are not.
 *
 * A bad file gives one error, "file:line:column: what was expected", and no
 * configuration at all. man/tripmcp-config.5 describes the format.
 */
#ifndef MCP_CONFIG_H
#define MCP_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"

/* Limits: a larger file, deeper nesting, a longer string (before or after
 * expansion), more servers or more roots is refused with an error. */
#define MCP_CONFIG_MAX_BYTES	(1024 * 1024)
#define MCP_CONFIG_MAX_DEPTH	32
#define MCP_CONFIG_MAX_STRING	(64 * 1024)
#define MCP_CONFIG_MAX_SERVERS	256
#define MCP_CONFIG_MAX_NAME	64	/* bytes of a server name */
#define MCP_CONFIG_MAX_ROOTS	256	/* roots of one server */

enum mcp_config_transport {
	MCP_CONFIG_STDIO,	/* "stdio", or "command" without "type" */
	MCP_CONFIG_HTTP,	/* "http", "streamable-http", "streamableHttp" */
	MCP_CONFIG_SSE,		/* "sse": the legacy HTTP+SSE transport */
};

/* An approval rule for one tool ("*": every tool of the server). */
struct mcp_config_limit {
	char *arg;		/* a top-level argument name */
	double above;		/* ask when the argument is a number above it */
};

struct mcp_config_rule {
	char *tool;
	bool ask;		/* "ask": always ask, even a read-only tool */
	bool auto_approve;	/* "auto": run without asking where allowed */
	struct mcp_config_limit *limits;	/* "askAbove" */
	size_t nlimits;
};

/* One server. Every string is expanded and NUL-terminated. */
struct mcp_config_server {
	char *name;
	enum mcp_config_transport transport;
	/* stdio: command then args, NULL-terminated; argc counts them. */
	char **argv;
	size_t argc;
	char **env;		/* "NAME=value", NULL-terminated (never NULL) */
	char *cwd;		/* or NULL */
	/* http, sse */
	char *url;		/* or NULL */
	char **headers;		/* "Name: value", NULL-terminated (never NULL) */
	/* "tripmcp": 0 where not given (the host's defaults apply). */
	int timeout_ms;
	int max_timeout_ms;
	int start_timeout_ms;
	bool disabled;		/* "tripmcp.disabled" or "disabled" */
	/* "tripmcp.roots": what the application answers this server's
	 * roots/list with, as file:// URIs (a path given is made one),
	 * NULL-terminated; NULL when not given ([] gives an empty list).
	 * The host does not read it: it is the application's to answer. */
	char **roots;
	size_t nroots;
	struct mcp_config_rule *rules;
	size_t nrules;
};

struct mcp_config;

struct mcp_config_opts {
	/* Variable lookup for ${VAR}; NULL: getenv. Returns NULL when unset;
	 * the string is borrowed for the call. */
	const char *(*getenv)(void *arg, const char *name);
	void *arg;
};

/* Life */
/* Parse text[0..len) (need not be NUL-terminated). file names the text in
 * errors (NULL: "config"). Returns a configuration the caller frees, or NULL
 * with err set ("file:line:column: ..."); then nothing was allocated. opts
 * may be NULL. */
struct mcp_config *mcp_config_parse(const char *text, size_t len,
    const char *file, const struct mcp_config_opts *, struct mcp_err *err);
/* Read and parse the file at path. */
struct mcp_config *mcp_config_load(const char *path,
    const struct mcp_config_opts *, struct mcp_err *err);
/* NULL does nothing. */
void mcp_config_free(struct mcp_config *);

/* Reading: servers in file order, borrowed until mcp_config_free. */
size_t mcp_config_count(const struct mcp_config *);
const struct mcp_config_server *mcp_config_server(const struct mcp_config *,
    size_t i);
/* By name, or NULL. */
const struct mcp_config_server *mcp_config_find(const struct mcp_config *,
    const char *name);
/* The rule for tool (an exact one before "*"), or NULL. */
const struct mcp_config_rule *mcp_config_rule(const struct mcp_config_server *,
    const char *tool);

/* Expansion, as the parser does it, for other settings: ${VAR},
 * ${VAR:-default} (also for a set but empty VAR), and $$ for one $; any
 * other $ stays as it is. Returns a string the caller frees, or NULL with a
 * one-line reason in err (an unset variable without default, an unclosed
 * ${, a bad name). */
char *mcp_config_expand(const char *s, const struct mcp_config_opts *,
    struct mcp_err *err);

#endif
