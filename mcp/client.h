/*
 * The client session: one MCP connection seen from the client's side, over
 * any transport, on the caller's event loop. initialize and version
 * negotiation, typed calls whose lists follow nextCursor to the end,
 * progress, cancellation, the server's own requests (roots, sampling,
 * elicitation) handed to the application, and its notifications.
 *
 * Every call returns at once; its callback then runs exactly once, from the
 * loop, with the result or an error (the server's, a timeout, a cancel, the
 * connection closing, a call made before connect finished, a malformed
 * answer: a result that is not an object, or one with an error beside it).
 */
#ifndef MCP_CLIENT_H
#define MCP_CLIENT_H

#include <stdbool.h>
#include <stdint.h>
#include <cjson/cJSON.h>

#include "error.h"
#include "log.h"
#include "peer.h"
#include "transport.h"

struct event_base;
struct mcp_client;

/* The protocol version the client offers, and every one it accepts. */
#define MCP_CLIENT_PROTOCOL_VERSION	"2025-11-25"
extern const char *const mcp_client_versions[];	/* NULL-terminated */

/* A call's outcome (struct mcp_response from peer.h, borrowed for the
 * callback): result on success, else code and message. */
typedef void (*mcp_client_cb)(void *arg, const struct mcp_response *);

/* A request from the server (roots/list, sampling/createMessage,
 * elicitation/create). Answer it exactly once, now or later, with
 * mcp_request_reply or mcp_request_fail (peer.h). The handle stays valid
 * until answered; mcp_request_cancelled tells whether the server gave up
 * (then still answer it; nothing is sent). params are borrowed from req. */
typedef void (*mcp_client_request_cb)(void *arg, struct mcp_request *req,
    const cJSON *params);

struct mcp_client_opts {
	const char *name;		/* clientInfo; NULL: "tripmcp" */
	const char *version;		/* NULL: "0.1.0" */
	const char *title;		/* or NULL */
	int timeout_ms;			/* per request, re-armed by progress;
					 * 0: 60 s */
	int max_timeout_ms;		/* hard maximum; 0: 10 min */
	const struct mcp_log *log;	/* borrowed; NULL: stderr */

	/* Server requests. A capability is declared only when its callback
	 * is set; a request without one gets -32601. */
	mcp_client_request_cb on_roots;		/* roots/list */
	bool roots_list_changed;	/* declare roots.listChanged */
	mcp_client_request_cb on_sampling;	/* sampling/createMessage */
	mcp_client_request_cb on_elicitation;	/* elicitation/create */

	/* Notifications (each may be NULL). */
	/* notifications/message; logger NULL when absent; data borrowed. */
	void (*on_log)(void *arg, enum mcp_log_level, const char *logger,
	    const cJSON *data);
	/* notifications/{tools,resources,prompts}/list_changed: what is
	 * "tools", "resources" or "prompts". */
	void (*on_list_changed)(void *arg, const char *what);
	/* notifications/resources/updated */
	void (*on_resource_updated)(void *arg, const char *uri);
	/* Any other notification. */
	void (*on_notification)(void *arg, const char *method,
	    const cJSON *params);
	/* The connection ended; reason NULL for an orderly end. Runs once,
	 * after every pending call has failed with MCP_CONNECTION_CLOSED. */
	void (*on_closed)(void *arg, const char *reason);
	void *arg;			/* for every callback above */
};

/* Per call (each may be left 0/NULL). */
struct mcp_client_call_opts {
	int timeout_ms;			/* 0: the client's */
	int max_timeout_ms;		/* 0: the client's */
	/* Set: ask for progress; runs with the call's arg. */
	mcp_progress_cb on_progress;
};

/* Life */
/* Takes the transport (freed by mcp_client_free, even if this fails). opts
 * is copied; its strings are borrowed for the client's life. */
struct mcp_client *mcp_client_new(struct event_base *, struct mcp_transport *,
    const struct mcp_client_opts *);
/* Fails pending calls (MCP_CONNECTION_CLOSED), answers pending server
 * requests' handles away, frees the transport. NULL does nothing. Never call
 * it from one of this client's callbacks; defer it to the loop. */
void mcp_client_free(struct mcp_client *);
/* Close the connection after flushing; on_closed follows. */
void mcp_client_close(struct mcp_client *);

/* Send initialize offering MCP_CLIENT_PROTOCOL_VERSION, accept a counter-
 * offer from mcp_client_versions (else fail naming both and close), then
 * send notifications/initialized. cb gets the initialize result. Once only. */
void mcp_client_connect(struct mcp_client *, mcp_client_cb, void *arg);

/* After connect: borrowed until mcp_client_free; NULL before. */
bool mcp_client_ready(const struct mcp_client *);
const char *mcp_client_protocol_version(const struct mcp_client *);
const cJSON *mcp_client_server_info(const struct mcp_client *);
const cJSON *mcp_client_server_capabilities(const struct mcp_client *);
const char *mcp_client_instructions(const struct mcp_client *);	/* or NULL */
/* Whether the server declared capability ("tools", "resources", ...). */
bool mcp_client_server_can(const struct mcp_client *, const char *capability);
/* The peer underneath (borrowed), for what this module does not wrap. */
struct mcp_peer *mcp_client_peer(struct mcp_client *);

/* Calls. Each returns a handle (> 0) for mcp_client_cancel; cb runs exactly
 * once. cJSON arguments are taken. */
/* Any method; params NULL for none. */
int64_t mcp_client_request(struct mcp_client *, const char *method,
    cJSON *params, const struct mcp_client_call_opts *, mcp_client_cb,
    void *arg);
/* Lists follow nextCursor (an empty string continues; absent or null ends;
 * at most MCP_CLIENT_MAX_PAGES pages) and deliver one object holding the
 * merged array: {"tools": [...]} and so on. */
#define MCP_CLIENT_MAX_PAGES	1000
int64_t mcp_client_list_tools(struct mcp_client *, mcp_client_cb, void *arg);
int64_t mcp_client_list_resources(struct mcp_client *, mcp_client_cb, void *arg);
int64_t mcp_client_list_templates(struct mcp_client *, mcp_client_cb, void *arg);
int64_t mcp_client_list_prompts(struct mcp_client *, mcp_client_cb, void *arg);
/* args: an object or NULL. The result may carry isError: true (a tool
 * error, delivered as a success of the call). */
int64_t mcp_client_call_tool(struct mcp_client *, const char *name, cJSON *args,
    const struct mcp_client_call_opts *, mcp_client_cb, void *arg);
int64_t mcp_client_read_resource(struct mcp_client *, const char *uri,
    mcp_client_cb, void *arg);
int64_t mcp_client_subscribe(struct mcp_client *, const char *uri,
    mcp_client_cb, void *arg);
int64_t mcp_client_unsubscribe(struct mcp_client *, const char *uri,
    mcp_client_cb, void *arg);
/* args: object of name -> string, or NULL. */
int64_t mcp_client_get_prompt(struct mcp_client *, const char *name,
    cJSON *args, mcp_client_cb, void *arg);
/* ref_type "ref/prompt" (ref is its name) or "ref/resource" (ref is a URI
 * template); context: object of already-filled arguments, or NULL. */
int64_t mcp_client_complete(struct mcp_client *, const char *ref_type,
    const char *ref, const char *argument, const char *value, cJSON *context,
    mcp_client_cb, void *arg);
int64_t mcp_client_set_level(struct mcp_client *, enum mcp_log_level,
    mcp_client_cb, void *arg);
int64_t mcp_client_ping(struct mcp_client *, mcp_client_cb, void *arg);

/* Cancel a call: notifications/cancelled goes to the server and the call's
 * callback runs now, before this returns, with MCP_REQUEST_CANCELLED.
 * -1 if the handle is not pending. */
int mcp_client_cancel(struct mcp_client *, int64_t handle, const char *reason);
/* Calls awaiting their callback. */
unsigned mcp_client_pending(const struct mcp_client *);

#endif
