/*
 * One end of an MCP connection, used by clients and servers alike: send
 * requests and get their responses by id (many in flight), send and receive
 * notifications, answer incoming requests through a handler; timeouts that
 * progress re-arms up to a hard maximum, cancellation both ways, progress
 * routing and ping.
 */
#ifndef MCP_PEER_H
#define MCP_PEER_H

#include <stdbool.h>
#include <stdint.h>
#include <cjson/cJSON.h>

#include "log.h"
#include "rpc.h"
#include "transport.h"

struct event_base;
struct mcp_peer;
struct mcp_request;	/* an incoming request being answered */

struct mcp_peer_opts {
	int timeout_ms;		/* per request, re-armed by progress; 0: 60 s */
	int max_timeout_ms;	/* hard maximum per request; 0: 10 min */
	unsigned max_incoming;	/* concurrent incoming requests (ping is
				 * answered regardless); 0: 4096 */
	const struct mcp_log *log;	/* borrowed; NULL: stderr */
};

/* The outcome of an outgoing request, borrowed for the callback. */
struct mcp_response {
	const cJSON *result;	/* on success, else NULL */
	int code;		/* 0 on success, else the error code */
	const char *message;	/* error message, or NULL */
	const cJSON *data;	/* error data, or NULL */
};

typedef void (*mcp_response_cb)(void *arg, const struct mcp_response *);
/* total and message are NAN and NULL when absent. */
typedef void (*mcp_progress_cb)(void *arg, double progress, double total,
    const char *message);
typedef void (*mcp_request_cb)(void *arg, struct mcp_request *);
typedef void (*mcp_notification_cb)(void *arg, const char *method,
    const cJSON *params);
/* reason NULL: orderly close. */
typedef void (*mcp_peer_closed_cb)(void *arg, const char *reason);

struct mcp_call_opts {
	int timeout_ms;			/* 0: the peer's default */
	int max_timeout_ms;		/* 0: the peer's default */
	mcp_progress_cb on_progress;	/* set: ask for progress (same arg) */
};

/* Life */
/* Takes the transport. */
struct mcp_peer *mcp_peer_new(struct event_base *, struct mcp_transport *,
    const struct mcp_peer_opts *);
/* Fails outstanding outgoing requests (MCP_CONNECTION_CLOSED), cancels and
 * frees incoming ones, frees the transport. NULL does nothing. Never call it
 * from inside one of this peer's callbacks; defer it to the loop. */
void mcp_peer_free(struct mcp_peer *);
void mcp_peer_set_handlers(struct mcp_peer *, mcp_request_cb,
    mcp_notification_cb, void *arg);
void mcp_peer_set_closed_cb(struct mcp_peer *, mcp_peer_closed_cb, void *arg);
/* Close the transport after flushing; closed callback follows. */
void mcp_peer_close(struct mcp_peer *);
bool mcp_peer_is_closed(const struct mcp_peer *);
struct event_base *mcp_peer_base(const struct mcp_peer *);
const struct mcp_log *mcp_peer_log(const struct mcp_peer *);

/* Outgoing */
/* Send a request; params is taken (NULL for none). Returns its id (> 0);
 * cb then runs exactly once from the loop or from mcp_peer_cancel. Returns
 * -1 when the peer is closed; cb never runs then. A malformed answer fails
 * the request at once with MCP_INTERNAL_ERROR ("invalid response from
 * peer: ..."). */
int64_t mcp_peer_request(struct mcp_peer *, const char *method, cJSON *params,
    const struct mcp_call_opts *, mcp_response_cb, void *arg);
/* The same, marked as belonging to incoming request related (HTTP sends it
 * on that request's stream). */
int64_t mcp_peer_request_related(struct mcp_peer *, const struct mcp_id *related,
    const char *method, cJSON *params, const struct mcp_call_opts *,
    mcp_response_cb, void *arg);
/* Cancel an outgoing request: sends notifications/cancelled and runs its
 * callback now with MCP_REQUEST_CANCELLED; a late response is dropped.
 * -1 if id is not pending. */
int mcp_peer_cancel(struct mcp_peer *, int64_t id, const char *reason);
/* Send a notification; params is taken. */
int mcp_peer_notify(struct mcp_peer *, const char *method, cJSON *params);
int mcp_peer_notify_related(struct mcp_peer *, const struct mcp_id *related,
    const char *method, cJSON *params);
/* Number of outgoing requests awaiting an answer. */
unsigned mcp_peer_pending(const struct mcp_peer *);

/* Incoming requests: answer each exactly once, now or later. */
const char *mcp_request_method(const struct mcp_request *);
const cJSON *mcp_request_params(const struct mcp_request *);	/* or NULL */
const struct mcp_id *mcp_request_id(const struct mcp_request *);
struct mcp_peer *mcp_request_peer(const struct mcp_request *);
void mcp_request_set_data(struct mcp_request *, void *);
void *mcp_request_get_data(const struct mcp_request *);
/* Cancellation: the client sent notifications/cancelled or went away. The
 * hook runs once; the request must still be ended with reply or fail, whose
 * answer is then not sent. */
bool mcp_request_cancelled(const struct mcp_request *);
void mcp_request_on_cancel(struct mcp_request *,
    void (*fn)(void *arg, struct mcp_request *), void *arg);
/* Progress, when the request carried a progressToken (else a no-op).
 * total NAN and message NULL when absent. */
bool mcp_request_wants_progress(const struct mcp_request *);
int mcp_request_progress(struct mcp_request *, double progress, double total,
    const char *message);
/* Reply with result (taken; NULL sends {}) and free the request. */
void mcp_request_reply(struct mcp_request *, cJSON *result);
/* Fail with an error (data taken, may be NULL) and free the request. */
void mcp_request_fail(struct mcp_request *, int code, const char *message,
    cJSON *data);

/* The transport (borrowed; the peer owns it). */
struct mcp_transport *mcp_peer_transport(struct mcp_peer *);

#endif
