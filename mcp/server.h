/*
 * The server kit. A server program declares its tools, resources, resource
 * templates, prompts and completion providers as const tables; the kit does
 * the rest: lifecycle and version negotiation, capabilities, paginated
 * lists, argument validation against inputSchema, structuredContent checks
 * against outputSchema, logging, progress, cancellation, subscriptions,
 * list_changed, and the server's own requests to the client.
 */
#ifndef MCP_SERVER_H
#define MCP_SERVER_H

#include <stdbool.h>
#include <cjson/cJSON.h>

#include "error.h"
#include "log.h"
#include "peer.h"

struct event_base;
struct mcp_server;
struct mcp_session;	/* one client connection */
struct mcp_call;	/* one request being served by a handler */

/* Handlers. Each must end its call exactly once, now or later, with one of
 * the mcp_call_return* / mcp_call_fail functions, even after the client has
 * gone. What a handler is given (args, uri, vars, argument, value, context)
 * belongs to the call and stays valid until the call ends. */
typedef void (*mcp_tool_fn)(struct mcp_call *, const cJSON *args, void *arg);
/* vars: the template's variables (NULL for a concrete resource). */
typedef void (*mcp_resource_fn)(struct mcp_call *, const char *uri,
    const cJSON *vars, void *arg);
/* args: object of name -> string (never NULL). */
typedef void (*mcp_prompt_fn)(struct mcp_call *, const cJSON *args, void *arg);
/* End with mcp_call_return_completion. context: already-filled arguments
 * (object, never NULL). */
typedef void (*mcp_complete_fn)(struct mcp_call *, const char *argument,
    const char *value, const cJSON *context, void *arg);

struct mcp_tool {
	const char *name;
	const char *title;
	const char *description;
	const char *input_schema;	/* JSON text; NULL: no arguments */
	const char *output_schema;	/* JSON text or NULL */
	const char *annotations;	/* JSON text or NULL */
	mcp_tool_fn handler;
};

struct mcp_resource {
	const char *uri;
	const char *name;
	const char *title;
	const char *description;
	const char *mime_type;
	mcp_resource_fn handler;
};

struct mcp_resource_template {
	const char *uri_template;	/* RFC 6570 */
	const char *name;
	const char *title;
	const char *description;
	const char *mime_type;
	mcp_resource_fn handler;
	mcp_complete_fn complete;	/* completes template variables; or NULL */
};

struct mcp_prompt_arg {
	const char *name;
	const char *title;
	const char *description;
	bool required;
};

#define MCP_PROMPT_MAX_ARGS 16
struct mcp_prompt {
	const char *name;
	const char *title;
	const char *description;
	struct mcp_prompt_arg args[MCP_PROMPT_MAX_ARGS];	/* ends at name NULL */
	mcp_prompt_fn handler;
	mcp_complete_fn complete;	/* completes arguments; or NULL */
};

struct mcp_server_info {
	const char *name;
	const char *version;
	const char *title;
	const char *description;
	const char *instructions;
	const char *website_url;
	const char *usage;		/* extra --help text, or NULL */
};

/* Life */
/* info is borrowed and must outlive the server (a static table). */
struct mcp_server *mcp_server_new(const struct mcp_server_info *);
void mcp_server_free(struct mcp_server *);
struct event_base *mcp_server_base(const struct mcp_server *);

/* Declarations (borrowed const tables; arg goes to the handlers). Each
 * returns 0, or -1 with err naming the problem (a bad schema, a bad tool name,
 * a duplicate). Adding or removing after start-up sends list_changed. */
int mcp_server_add_tool(struct mcp_server *, const struct mcp_tool *, void *arg,
    struct mcp_err *err);
int mcp_server_add_resource(struct mcp_server *, const struct mcp_resource *,
    void *arg, struct mcp_err *err);
int mcp_server_add_template(struct mcp_server *,
    const struct mcp_resource_template *, void *arg, struct mcp_err *err);
int mcp_server_add_prompt(struct mcp_server *, const struct mcp_prompt *,
    void *arg, struct mcp_err *err);
int mcp_server_remove_tool(struct mcp_server *, const char *name);
int mcp_server_remove_resource(struct mcp_server *, const char *uri);
int mcp_server_remove_prompt(struct mcp_server *, const char *name);
/* Page size of every list (default 100); a test hook. */
void mcp_server_set_page_size(struct mcp_server *, unsigned);
/* Where the kit's own diagnostics go (copied; default: stderr at warning);
 * --log-level still sets the level afterwards. */
void mcp_server_set_log(struct mcp_server *, const struct mcp_log *);

/* Tell subscribed sessions that uri changed. */
void mcp_server_resource_updated(struct mcp_server *, const char *uri);
/* Log to every session whose level admits it (and to stderr). data is taken. */
void mcp_server_log(struct mcp_server *, enum mcp_log_level, const char *logger,
    cJSON *data);

/* Running */
/*
 * The whole program: parse the common flags (--help, --version,
 * --http ADDR:PORT, --log-level LEVEL), then serve on stdio or HTTP until
 * EOF, SIGTERM or SIGINT. Returns the exit status for main().
 * extra_opt, if set, is offered each unknown option first ("--db" "PATH");
 * it returns how many arguments it used (0: not mine, -1: bad).
 */
int mcp_server_main(struct mcp_server *, int argc, char **argv,
    int (*extra_opt)(void *arg, const char *opt, const char *value),
    void *extra_arg);
/* Run fn once the flags are parsed and the loop exists (mcp_server_base),
 * before serving: open databases, declare tools. -1 with err filled makes
 * mcp_server_main print "NAME: message" and return 1. */
void mcp_server_set_start(struct mcp_server *,
    int (*fn)(void *arg, struct mcp_server *, struct mcp_err *), void *arg);
/* Serve one connection over t (taken); for tests and embedding. */
struct mcp_session *mcp_server_serve(struct mcp_server *, struct event_base *,
    struct mcp_transport *t);
/* Serve Streamable HTTP on addr ("127.0.0.1:0"); -1 with err on failure. */
int mcp_server_listen_http(struct mcp_server *, struct event_base *,
    const char *addr, struct mcp_err *err);
/* The HTTP port listened on, or -1. */
int mcp_server_http_port(const struct mcp_server *);
/* End every session and stop listening. */
void mcp_server_shutdown(struct mcp_server *);

/* Calls: everything a handler can do. When the session ends before the
 * call (the client went away; the cancel hook has run), the call lives on
 * until its handler ends it: mcp_call_session() is then NULL and progress,
 * logs, requests and the answer are dropped. mcp_call_server() stays valid
 * until mcp_server_free. */
struct mcp_session *mcp_call_session(const struct mcp_call *);
struct mcp_server *mcp_call_server(const struct mcp_call *);
const char *mcp_call_name(const struct mcp_call *);	/* tool/prompt name or uri */
/* Result, taken: a full CallToolResult / ReadResourceResult / GetPromptResult. */
void mcp_call_return(struct mcp_call *, cJSON *result);
/* Tool results: one text block. */
void mcp_call_return_text(struct mcp_call *, const char *text);
/* Resource results: one text content of uri (mime_type may be NULL). */
void mcp_call_return_resource_text(struct mcp_call *, const char *uri,
    const char *mime_type, const char *text);
/* Tool results: structured content (taken) plus its text summary; checked
 * against the tool's outputSchema (a mismatch becomes an internal error). */
void mcp_call_return_structured(struct mcp_call *, cJSON *structured,
    const char *summary);
/* Tool results: isError with one text block (what the model should fix). */
void mcp_call_return_error(struct mcp_call *, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Completion results: values (taken, array of strings; cut to 100). */
void mcp_call_return_completion(struct mcp_call *, cJSON *values,
    bool has_more);
/* A protocol error (unknown resource: MCP_RESOURCE_NOT_FOUND). */
void mcp_call_fail(struct mcp_call *, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Progress toward total (NAN: unknown); no-op when the client did not ask. */
void mcp_call_progress(struct mcp_call *, double progress, double total,
    const char *message);
/* A log message tied to this call (notifications/message). data taken. */
void mcp_call_log(struct mcp_call *, enum mcp_log_level, const char *logger,
    cJSON *data);
/* Cancellation: the hook runs once when the client cancels or goes away;
 * the handler must still end the call (its answer is then dropped). */
bool mcp_call_cancelled(const struct mcp_call *);
void mcp_call_on_cancel(struct mcp_call *, void (*fn)(void *arg,
    struct mcp_call *), void *arg);
/* Requests to the client tied to this call: sampling/createMessage,
 * elicitation/create, roots/list. params taken. Fails with -1 (cb not run)
 * when the client lacks the capability. cb runs exactly once; if the call
 * ends first, the request is cancelled (notifications/cancelled to the
 * client) and cb runs then with MCP_REQUEST_CANCELLED: it must not touch
 * the call. */
int mcp_call_request(struct mcp_call *, const char *method, cJSON *params,
    mcp_response_cb cb, void *arg);
/* HTTP polling (SEP-1699): end the call's SSE stream now (starting it, with
 * its priming event, if need be); what the call sends later waits for the
 * client to resume. 0, or -1 when the transport is not HTTP or the stream
 * cannot be resumed (see mcp_http_close_stream); then just go on. */
int mcp_call_close_stream(struct mcp_call *);

/* Sessions */
const char *mcp_session_protocol_version(const struct mcp_session *);
const cJSON *mcp_session_client_capabilities(const struct mcp_session *);
const cJSON *mcp_session_client_info(const struct mcp_session *);
bool mcp_session_client_can(const struct mcp_session *, const char *capability);

#endif
