/*
 * The small interface both transports (stdio, Streamable HTTP) implement:
 * send one message, deliver incoming messages, report the close once.
 */
#ifndef MCP_TRANSPORT_H
#define MCP_TRANSPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "rpc.h"

struct mcp_transport;

/* One incoming message: json[0..len) (NUL-terminated, borrowed for the call). */
typedef void (*mcp_transport_message_cb)(void *arg, const char *json, size_t len);
/* The transport closed; reason is NULL for an orderly end (EOF, DELETE),
 * else one line saying what happened. Called once; the transport may be
 * freed from the loop afterwards, not from inside this callback's caller. */
typedef void (*mcp_transport_closed_cb)(void *arg, const char *reason);

struct mcp_transport_ops {
	const char *name;	/* "stdio", "http" */
	/* Queue one message (no newline); never blocks. related is the id of
	 * the request the message belongs to (NULL for none); final marks that
	 * request's response. 0, or -1 when the transport is closed. */
	int (*send)(struct mcp_transport *, const char *json, size_t len,
	    const struct mcp_id *related, bool final);
	/* Stop reading, flush what is queued, then report closed. */
	void (*close)(struct mcp_transport *);
	/* Release everything; no callback runs afterwards. */
	void (*free)(struct mcp_transport *);
};

/* Implementations embed this as their first member. */
struct mcp_transport {
	const struct mcp_transport_ops *ops;
	mcp_transport_message_cb on_message;
	mcp_transport_closed_cb on_closed;
	void *arg;
};

/* Install the upward callbacks (the peer does this). */
void mcp_transport_bind(struct mcp_transport *, mcp_transport_message_cb,
    mcp_transport_closed_cb, void *arg);
int mcp_transport_send(struct mcp_transport *, const char *json, size_t len,
    const struct mcp_id *related, bool final);
void mcp_transport_close(struct mcp_transport *);
/* NULL does nothing. */
void mcp_transport_free(struct mcp_transport *);

#endif
