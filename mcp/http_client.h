/*
 * The Streamable HTTP client transport (revisions 2025-03-26 to 2025-11-25)
 * on libcurl's multi-socket interface driven by our libevent loop: each
 * message is a POST answered by JSON, SSE or 202; the session's standalone
 * GET stream carries server-initiated messages; SSE streams that drop are
 * resumed with GET and Last-Event-ID, honouring retry:. Servers that only
 * speak the older HTTP+SSE transport (2024-11-05) are reached through it:
 * one GET stream whose first event names the endpoint to POST to.
 *
 * The program must call curl_global_init(CURL_GLOBAL_DEFAULT) once before
 * the first mcp_http_client_new (and may call curl_global_cleanup at exit),
 * and should ignore SIGPIPE.
 */
#ifndef MCP_HTTP_CLIENT_H
#define MCP_HTTP_CLIENT_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"
#include "log.h"
#include "transport.h"

struct event_base;

#define MCP_HTTP_CLIENT_MAX_MESSAGE	(16u * 1024 * 1024)

/* Which HTTP transport to speak. */
enum mcp_http_client_mode {
	/* Streamable HTTP; when the initialize POST fails with 400, 404 or
	 * 405, fall back to HTTP+SSE (the spec's backwards compatibility). */
	MCP_HTTP_CLIENT_AUTO = 0,
	MCP_HTTP_CLIENT_STREAMABLE,	/* Streamable HTTP only */
	MCP_HTTP_CLIENT_LEGACY_SSE,	/* HTTP+SSE (2024-11-05) only */
};

struct mcp_http_client_opts {
	/* Extra request headers, "Name: value", NULL-terminated; borrowed
	 * (copied at creation); NULL for none. The transport's own (Accept,
	 * Content-Type, Mcp-Session-Id, MCP-Protocol-Version, Last-Event-ID,
	 * ...) are refused; Authorization is allowed. */
	const char *const *headers;
	const char *bearer_token;	/* Authorization: Bearer; copied; or NULL */
	size_t max_message;		/* bytes per incoming message; 0: 16 MiB */
	int max_reconnects;		/* stream resumptions in a row without
					 * progress; 0: 5 */
	enum mcp_http_client_mode mode;	/* 0: AUTO */
	const struct mcp_log *log;	/* borrowed; NULL: stderr */
};

/*
 * A transport speaking to the MCP endpoint url (http:// or https://; copied).
 * Nothing is sent until the first message. Returns NULL with err set when
 * url is unusable or libcurl cannot start.
 *
 * How failures surface: a POST carrying a request that gets an HTTP error
 * (4xx/5xx), a reply that is not JSON or SSE, a body or SSE event over
 * max_message, or whose connection fails or drops before the response, is
 * answered locally with a JSON-RPC error response for that id naming the
 * cause (and an excerpt of the body). A server that cannot be reached at all
 * reports closed.
 *
 * An expired session (HTTP 404 to a request carrying Mcp-Session-Id) is not
 * re-initialized behind the caller's back: what the server kept for the
 * session (subscriptions, log level) is gone, and only the layer above knows
 * what to restore. The transport reports closed with "session expired: ...",
 * so every pending call fails at once; the caller starts a new session.
 *
 * Sending notifications/cancelled for a request also drops the stream that
 * would carry its response.
 *
 * HTTP+SSE: the messages POSTed before the endpoint event are held back and
 * sent once it comes; an endpoint of another origin (scheme, host, port) is
 * refused and the transport reports closed; so it does when the SSE stream
 * ends, since that ends the session.
 *
 * close() sends DELETE with the session id (Streamable HTTP, best effort,
 * 2 s at most), then reports closed with a NULL reason.
 */
struct mcp_transport *mcp_http_client_new(struct event_base *, const char *url,
    const struct mcp_http_client_opts *, struct mcp_err *err);

/* The session id the server gave us (borrowed until the next loop turn), or
 * NULL before initialize or for a server without sessions. */
const char *mcp_http_client_session_id(const struct mcp_transport *);

/* Whether the transport speaks HTTP+SSE (2024-11-05): chosen, or fallen back
 * to once the server's initialize answer said so. */
bool mcp_http_client_is_legacy(const struct mcp_transport *);

#endif
