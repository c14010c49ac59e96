/*
 * The Streamable HTTP client transport (legacy revisions 2025-03-26 to
 * 2025-11-25) on libcurl's multi-socket interface driven by our libevent
 * loop: each message is a POST answered by JSON, SSE or 202; the session's
 * standalone GET stream carries server-initiated messages; SSE streams that
 * drop are resumed with GET and Last-Event-ID, honouring retry:.
 *
 * The program must call curl_global_init(CURL_GLOBAL_DEFAULT) once before
 * the first mcp_http_client_new (and may call curl_global_cleanup at exit),
 * and should ignore SIGPIPE.
 */
#ifndef MCP_HTTP_CLIENT_H
#define MCP_HTTP_CLIENT_H

#include <stddef.h>

#include "error.h"
#include "log.h"
#include "transport.h"

struct event_base;

#define MCP_HTTP_CLIENT_MAX_MESSAGE	(16u * 1024 * 1024)

struct mcp_http_client_opts {
	/* Extra request headers, "Name: value", NULL-terminated; borrowed
	 * (copied at creation); NULL for none. */
	const char *const *headers;
	const char *bearer_token;	/* Authorization: Bearer; copied; or NULL */
	size_t max_message;		/* bytes per incoming message; 0: 16 MiB */
	int max_reconnects;		/* stream resumptions in a row without
					 * progress; 0: 5 */
	const struct mcp_log *log;	/* borrowed; NULL: stderr */
};

/*
 * A transport speaking to the MCP endpoint url (http:// or https://; copied).
 * Nothing is sent until the first message. Returns NULL with err set when
 * url is unusable or libcurl cannot start.
 *
 * How failures surface: a POST carrying a request that gets an HTTP error
 * (4xx/5xx), or whose connection fails, is answered locally with a JSON-RPC
 * error response for that id naming the status and an excerpt of the body;
 * a 404 once a session exists reports closed with "session expired (404):
 * reconnect"; a server that cannot be reached at all reports closed too.
 * close() sends DELETE with the session id (best effort, 2 s at most), then
 * reports closed with a NULL reason.
 */
struct mcp_transport *mcp_http_client_new(struct event_base *, const char *url,
    const struct mcp_http_client_opts *, struct mcp_err *err);

/* The session id the server gave us (borrowed until the next loop turn), or
 * NULL before initialize or for a server without sessions. */
const char *mcp_http_client_session_id(const struct mcp_transport *);

#endif
