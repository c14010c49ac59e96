/*
 * The Streamable HTTP server transport on libevent's evhttp (same loop, no
 * threads): one MCP endpoint taking POST (JSON or SSE replies), GET (the
 * session's standalone SSE stream) and DELETE (end the session), with
 * Mcp-Session-Id, MCP-Protocol-Version, Origin/Host checks against DNS
 * rebinding and a body size limit. Each session is one mcp_transport handed
 * to the application, which puts a peer on it. SSE streams are resumable:
 * event ids are "<stream>-<seq>", every event is kept a while, and GET with
 * Last-Event-ID replays the rest of that stream (400 for an id never sent,
 * 409 while the stream has a reader). Sessions that negotiated 2025-11-25
 * get a priming event (id, retry:, empty data) at the start of each stream.
 */
#ifndef MCP_HTTP_SERVER_H
#define MCP_HTTP_SERVER_H

#include <stddef.h>

#include "error.h"
#include "log.h"
#include "transport.h"

struct event_base;
struct mcp_http_server;

struct mcp_http_opts {
	const char *path;		/* the endpoint; NULL: "/mcp" */
	size_t max_body;		/* bytes per POST body; 0: 4 MiB */
	unsigned max_sessions;		/* 0: 1024 */
	int session_idle_ms;		/* idle sessions end; 0: 30 min */
	/* Origins allowed besides loopback ones ("https://app.example"),
	 * NULL-terminated; NULL for none. */
	const char *const *allowed_origins;
	const struct mcp_log *log;	/* borrowed; NULL: stderr */
	/* The replay store: SSE events kept per session for GET with
	 * Last-Event-ID, oldest dropped first. 0: 1024 events, 4 MiB. */
	unsigned replay_events;
	size_t replay_bytes;
	int retry_ms;			/* SSE retry: sent to 2025-11-25
					 * sessions; 0: 1000 */
};

/* A session begins (an initialize POST). t is taken: put a peer on it and
 * return 0; return -1 to refuse (the client gets 503). */
typedef int (*mcp_http_session_cb)(void *arg, struct mcp_transport *t);

struct mcp_http_server *mcp_http_server_new(struct event_base *,
    const struct mcp_http_opts *, mcp_http_session_cb, void *arg);
/* Listen on "ADDR:PORT" ("127.0.0.1:8080", "[::1]:0", ":8080" means
 * 127.0.0.1). Port 0 picks a free one. -1 with err set on failure. */
int mcp_http_server_listen(struct mcp_http_server *, const char *addr,
    struct mcp_err *err);
/* The port listened on (after listen), or -1. */
int mcp_http_server_port(const struct mcp_http_server *);
/* Ends every session (their transports report closed) and stops listening.
 * NULL does nothing. */
void mcp_http_server_free(struct mcp_http_server *);

/* Polling (SEP-1699) */
/* End the HTTP response carrying the SSE stream of request_id (borrowed) now,
 * keeping the request alive: its later messages are stored under the same
 * stream and reach the client when it resumes with GET and Last-Event-ID.
 * A stream still waiting for its answer turns SSE first, with its priming
 * event, so the client has an id to resume from. 0 (also when already
 * ended), or -1 when t is not an HTTP session, the request has no stream
 * (answered, cancelled, unknown, or initialize), or the client could not
 * resume it (a session older than 2025-11-25 whose reply has not begun). */
int mcp_http_close_stream(struct mcp_transport *t,
    const struct mcp_id *request_id);

#endif
