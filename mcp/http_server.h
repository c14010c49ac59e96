/*
 * The Streamable HTTP server transport on libevent's evhttp (same loop, no
 * threads): one MCP endpoint taking POST (JSON or SSE replies), GET (the
 * session's standalone SSE stream) and DELETE (end the session), with
 * Mcp-Session-Id, MCP-Protocol-Version, Origin/Host checks against DNS
 * rebinding and a body size limit. Each session is one mcp_transport handed
 * to the application, which puts a peer on it.
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

#endif
