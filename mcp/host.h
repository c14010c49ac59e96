/*
 * The multi-server host: many MCP servers as one system on the caller's
 * libevent loop. It starts every configured server at once and never waits
 * on the slowest, keeps each one's state visible, supervises them (a server
 * that exits is restarted with bounded exponential backoff; its calls in
 * flight fail at once), merges their catalogs (refreshed on list_changed),
 * routes tools by "server/tool" and resource URIs to the server that owns
 * them, runs calls in parallel, puts every tools/call through one approval
 * gate, and reports everything as one event stream.
 *
 * The host knows nothing of any particular server: which tools must always
 * ask is the application's list.
 *
 * Programs should ignore SIGPIPE, and call curl_global_init once before
 * adding an http server (see http_client.h).
 */
#ifndef MCP_HOST_H
#define MCP_HOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cjson/cJSON.h>

#include "config.h"
#include "error.h"
#include "log.h"
#include "peer.h"

struct mcp_client;

struct event_base;
struct mcp_host;

/* Host-local error codes, beside those of error.h. */
#define MCP_HOST_DECLINED	(-32010)	/* the approval was refused */
#define MCP_HOST_UNAVAILABLE	(-32011)	/* the server is not running */

/* Servers */

enum mcp_host_state {
	MCP_HOST_STARTING,	/* spawned or connecting; initialize, lists */
	MCP_HOST_READY,
	MCP_HOST_RESTARTING,	/* went down; a restart is scheduled */
	MCP_HOST_FAILED,	/* down for good (gave up, or cannot start) */
	MCP_HOST_DISABLED,	/* by configuration or mcp_host_disable */
};

/* "starting", "ready", ... */
const char *mcp_host_state_name(enum mcp_host_state);

/* A snapshot of one server, borrowed until the next loop turn. */
struct mcp_host_server_info {
	const char *name;
	enum mcp_host_state state;
	const char *reason;	/* why it is failed or restarting, or NULL */
	const char *stderr_tail;/* what it wrote to stderr before it last
				 * went down (up to 16 KiB), or NULL */
	unsigned restarts;	/* starts after the first */
	int64_t pid;		/* its process, or 0 */
	const cJSON *server_info;	/* serverInfo once ready, or NULL */
	unsigned tools, resources, templates, prompts;	/* catalog sizes */
};

/* An approval answer (the DECISION event reports them too). */
enum mcp_host_decision {
	MCP_HOST_DENY,
	MCP_HOST_ONCE,		/* this call */
	MCP_HOST_SESSION,	/* this tool until the host is freed */
	MCP_HOST_ALWAYS,	/* this tool from now on (see grants) */
};

/* Events: one stream for a live log, --verbose and a session log. */

enum mcp_host_event_kind {
	MCP_HOST_EV_STATE,	/* server, state, reason */
	MCP_HOST_EV_CATALOG,	/* server's catalog changed */
	MCP_HOST_EV_CALL_START,	/* call, server, tool, arguments: sent */
	MCP_HOST_EV_PROGRESS,	/* call, progress, total, message */
	MCP_HOST_EV_CALL_END,	/* call, duration_ms, code, error or summary;
				 * for every call, sent or not */
	MCP_HOST_EV_LOG,	/* server, level, logger, data */
	MCP_HOST_EV_UPDATED,	/* server, uri: a subscribed resource changed */
	MCP_HOST_EV_DECISION,	/* the gate: call, server, tool, arguments,
				 * decision, asked, reason (for an audit log) */
};

/* Borrowed for the callback; fields that do not apply are 0/NULL. */
struct mcp_host_event {
	enum mcp_host_event_kind kind;
	const char *server;
	enum mcp_host_state state;
	const char *reason;
	uint64_t call;
	const char *method;	/* "tools/call", "resources/read", "prompts/get" */
	const char *tool;	/* the tool or prompt name, or the uri */
	const char *uri;	/* MCP_HOST_EV_UPDATED */
	const char *arguments;	/* JSON text exactly as sent (tools) */
	double progress, total;	/* total NAN when unknown */
	const char *message;	/* progress message, or NULL */
	int64_t duration_ms;
	int code;		/* 0, or the call's error code */
	bool is_error;		/* a tool error (isError: true) */
	const char *error;	/* the error message when code != 0 */
	const char *summary;	/* the first text of the result, cut short */
	enum mcp_host_decision decision;	/* DENY, or how it may run */
	bool asked;		/* the application answered (else policy) */
	enum mcp_log_level level;
	const char *logger;
	const cJSON *data;
};

typedef void (*mcp_host_event_cb)(void *arg, const struct mcp_host_event *);

/* Approval */

/* What the application is asked: exactly what will be sent. Borrowed for
 * the callback; copy what is needed for later. */
struct mcp_host_request {
	uint64_t call;		/* answer with mcp_host_answer(h, call, ...) */
	const char *server;
	const char *tool;
	const char *arguments;	/* the JSON text that will be sent */
	const cJSON *annotations;	/* the tool's, or NULL */
	const char *reason;	/* why it asks, one line */
	bool grantable;		/* false: SESSION/ALWAYS count as ONCE */
};

/* Answer now or later, exactly once, with mcp_host_answer. */
typedef void (*mcp_host_approve_cb)(void *arg,
    const struct mcp_host_request *);

/* A server's own request (roots/list, sampling/createMessage,
 * elicitation/create) and which server sent it. Answer it exactly once,
 * now or later, with mcp_request_reply or mcp_request_fail (peer.h). If the
 * server goes away first, a hook set with mcp_request_on_cancel runs; answer
 * it there (nothing is sent) and forget the handle: the request is freed
 * with its connection. params and server are borrowed for the call. */
typedef void (*mcp_host_server_request_cb)(void *arg, const char *server,
    struct mcp_request *req, const cJSON *params);

/* A stored grant. */
struct mcp_host_grant {
	const char *server;
	const char *tool;
	enum mcp_host_decision scope;	/* MCP_HOST_SESSION or _ALWAYS */
};

struct mcp_host_opts {
	const char *client_name;	/* clientInfo; NULL: "tripmcp" */
	const char *client_version;	/* NULL: "0.1.0" */
	const struct mcp_log *log;	/* borrowed; NULL: stderr */
	mcp_host_event_cb on_event;	/* or NULL */
	mcp_host_approve_cb approve;	/* NULL: what must ask is denied */
	/* Server requests; a capability is declared to the servers only
	 * when its callback is set (else they get -32601). */
	mcp_host_server_request_cb on_roots;
	mcp_host_server_request_cb on_sampling;
	mcp_host_server_request_cb on_elicitation;
	void *arg;			/* for every callback above */
	/* Tool names that always ask, whatever the configuration says and
	 * whatever was granted: "tool" (on any server) or "server/tool".
	 * NULL-terminated, copied; or NULL. */
	const char *const *always_ask;
	/* Defaults for servers whose configuration does not say. */
	int timeout_ms;			/* per call, re-armed by progress;
					 * 0: 60 s */
	int max_timeout_ms;		/* 0: 10 min */
	int start_timeout_ms;		/* spawn to ready; 0: 20 s */
	/* Restarts: the first after restart_min_ms, doubling up to
	 * restart_max_ms; after max_restarts in a row without a stable run
	 * (up 30 s) the server is failed. 0: 250 ms, 30 s, 8. */
	int restart_min_ms;
	int restart_max_ms;
	int max_restarts;
};

/* Life */
/* opts copied (strings in always_ask copied too); NULL for defaults. */
struct mcp_host *mcp_host_new(struct event_base *, const struct mcp_host_opts *);
/* Stops every server (calls in flight fail with MCP_CONNECTION_CLOSED,
 * pending approvals are dropped without a callback). NULL does nothing.
 * Never call it from one of the host's callbacks. */
void mcp_host_free(struct mcp_host *);

/* Servers */
/* Add a server (copied) and start it unless disabled. -1 with err for a
 * duplicate name, or a stdio server without argv / http without url. */
int mcp_host_add_server(struct mcp_host *, const struct mcp_config_server *,
    struct mcp_err *err);
/* Every server of cfg (borrowed only for the call); all or none. */
int mcp_host_add_config(struct mcp_host *, const struct mcp_config *,
    struct mcp_err *err);
size_t mcp_host_server_count(const struct mcp_host *);
/* Server i (in the order added); -1 when out of range. */
int mcp_host_server_info(const struct mcp_host *, size_t i,
    struct mcp_host_server_info *out);
/* By name; -1 when there is no such server. */
int mcp_host_server_find(const struct mcp_host *, const char *name,
    struct mcp_host_server_info *out);
/* Whether no server is still starting. */
bool mcp_host_settled(const struct mcp_host *);
/* Stop a server and mark it disabled, or start a disabled/failed one
 * afresh. -1 for an unknown name. */
int mcp_host_disable(struct mcp_host *, const char *server);
int mcp_host_enable(struct mcp_host *, const char *server);

/* Catalog: items as the servers listed them (borrowed until the next loop
 * turn), with the server that offers each. */
enum mcp_host_kind {
	MCP_HOST_TOOLS,
	MCP_HOST_RESOURCES,
	MCP_HOST_TEMPLATES,
	MCP_HOST_PROMPTS,
};
size_t mcp_host_count(const struct mcp_host *, enum mcp_host_kind);
/* Item i of the merged list (servers in order added), or NULL; *server
 * (may be NULL) gets its server's name. */
const cJSON *mcp_host_item(const struct mcp_host *, enum mcp_host_kind,
    size_t i, const char **server);
/* A tool by "server/tool", or NULL. */
const cJSON *mcp_host_find_tool(const struct mcp_host *, const char *qualified);
/* The server that owns uri: one that lists it, else the first whose
 * template matches. NULL when none does. */
const char *mcp_host_resource_owner(const struct mcp_host *, const char *uri);

/* Calls. Each returns a call id (> 0) at once; cb then runs exactly once
 * from the loop. The response is borrowed for the callback. */
typedef void (*mcp_host_cb)(void *arg, const struct mcp_response *);

struct mcp_host_call_opts {
	int timeout_ms;			/* 0: the server's */
	int max_timeout_ms;		/* 0: the server's */
};

/*
 * Call "server/tool" (not NULL) with args (taken; NULL for {}). The call waits for a
 * starting server, then passes the approval gate, then is sent. Fails with
 * MCP_INVALID_PARAMS for an unknown server or tool, MCP_HOST_UNAVAILABLE
 * for a server that is down, MCP_HOST_DECLINED when refused. A result with
 * isError: true is a success of the call.
 *
 * The gate, in order: a tool in always_ask, or whose configuration rule says
 * "ask" or an "askAbove" limit is passed, asks; a granted tool runs; a tool
 * with readOnlyHint: true runs; a configuration rule "auto" runs a tool that
 * says destructiveHint: false and openWorldHint: false (MCP's defaults are
 * true: a tool that does not say so is never auto-approved); anything else
 * asks.
 */
uint64_t mcp_host_call_tool(struct mcp_host *, const char *qualified,
    cJSON *args, const struct mcp_host_call_opts *, mcp_host_cb, void *arg);
/* resources/read on the owning server. */
uint64_t mcp_host_read_resource(struct mcp_host *, const char *uri,
    mcp_host_cb, void *arg);
/* prompts/get for "server/prompt"; args (taken) object of strings or NULL. */
uint64_t mcp_host_get_prompt(struct mcp_host *, const char *qualified,
    cJSON *args, mcp_host_cb, void *arg);
/* resources/subscribe and unsubscribe on the owning server. Subscriptions
 * are renewed when the server restarts; updates arrive as
 * MCP_HOST_EV_UPDATED events. */
uint64_t mcp_host_subscribe(struct mcp_host *, const char *uri, mcp_host_cb,
    void *arg);
uint64_t mcp_host_unsubscribe(struct mcp_host *, const char *uri,
    mcp_host_cb, void *arg);
/* The session of a ready server, for what the host does not wrap
 * (completion/complete, logging/setLevel, ping); borrowed until the next
 * loop turn, NULL when the server is not ready. Calls made on it bypass the
 * approval gate: never use it for tools/call. */
struct mcp_client *mcp_host_client(struct mcp_host *, const char *server);
/* Cancel a call: waiting or asking, it fails now; sent, the server gets
 * notifications/cancelled. The callback runs before this returns, with
 * MCP_REQUEST_CANCELLED. -1 when the call is not pending. */
int mcp_host_cancel(struct mcp_host *, uint64_t call, const char *reason);
/* Calls whose callback has not run yet. */
unsigned mcp_host_pending(const struct mcp_host *);

/* Approval */
/* Answer the approval asked for call. -1 when it is not asking (answered,
 * cancelled, or failed meanwhile). The callback may answer from inside. */
int mcp_host_answer(struct mcp_host *, uint64_t call, enum mcp_host_decision);
/* Grants made by SESSION and ALWAYS answers, oldest first; borrowed until
 * the grants change. Persisting ALWAYS grants is the application's job (load
 * them back with mcp_host_grant_add); the host keeps them in memory. */
size_t mcp_host_grant_count(const struct mcp_host *);
const struct mcp_host_grant *mcp_host_grant(const struct mcp_host *, size_t i);
/* Add a grant (scope SESSION or ALWAYS); a tool in always_ask cannot be
 * granted (-1). */
int mcp_host_grant_add(struct mcp_host *, const char *server, const char *tool,
    enum mcp_host_decision scope);
/* Revoke: the next call asks again. -1 when there was no grant. */
int mcp_host_revoke(struct mcp_host *, const char *server, const char *tool);

#endif
