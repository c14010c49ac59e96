/*
 * What the session fuzz targets share (client-fuzzer.c, server-fuzzer.c):
 * the loop, the quiet log, fail() and an in-process transport that checks
 * everything the session under test sends and delivers the input to it
 * line by line. Each target is built from its one .c file, so everything
 * here is static. Define before including:
 *   FUZZ_NAME    the target, "client-fuzzer", prefixing fail()'s message
 *   FUZZ_SENDER  what sends through the transport, "client", in messages
 */
#ifndef TESTS_FUZZ_FUZZUTIL_H
#define TESTS_FUZZ_FUZZUTIL_H

#if !defined(FUZZ_NAME) || !defined(FUZZ_SENDER)
#error "define FUZZ_NAME and FUZZ_SENDER before including fuzzutil.h"
#endif

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "mcp/json.h"
#include "mcp/rpc.h"
#include "mcp/transport.h"

static struct event_base *base;	/* the target's loop, made once */
static bool show;		/* print both directions (and logs) */

static inline void
fail(const char *what)
{
	fprintf(stderr, FUZZ_NAME ": %s\n", what);
	abort();
}

static inline void
log_drop(void *arg, enum mcp_log_level level, const char *msg)
{
	(void)arg;
	(void)level;
	if (show)
		fprintf(stderr, "log: %s\n", msg);
}

static const struct mcp_log quiet = { log_drop, NULL, MCP_LOG_DEBUG, "fuzz" };

/* The in-process transport */

struct fz_transport {
	struct mcp_transport t;		/* first: the ops table */
	struct event *close_ev;
	bool closing, reported;
	bool eof;			/* the peer went away: a reason */
	bool *freed;			/* set true when freed, or NULL */
};

static inline void
fz_close_cb(evutil_socket_t fd, short events, void *arg)
{
	struct fz_transport *f = arg;

	(void)fd;
	(void)events;
	if (f->reported)
		return;
	f->reported = true;
	if (f->t.on_closed != NULL)
		f->t.on_closed(f->t.arg, f->eof ? "exited with status 1" : NULL);
}

/* Everything the session sends must be one well-formed message. */
static inline int
fz_send(struct mcp_transport *t, const char *json, size_t len,
    const struct mcp_id *related, bool final)
{
	struct fz_transport *f = (struct fz_transport *)t;
	struct mcp_rpc_msg m;
	struct mcp_err err = { 0, "" };

	(void)related;
	(void)final;
	if (f->closing)
		return -1;
	if (memchr(json, '\0', len) != NULL)
		fail("the " FUZZ_SENDER " sent a NUL byte");
	if (memchr(json, '\n', len) != NULL || memchr(json, '\r', len) != NULL)
		fail("the " FUZZ_SENDER " sent a raw line break");
	if (mcp_rpc_decode(json, len, &m, &err) != 0) {
		/* Errors about messages whose id could not be read have none. */
		if (!(m.kind == MCP_RPC_INVALID && strstr(json, "\"error\"") !=
		    NULL)) {
			fprintf(stderr, "sent: %.*s\nwhy: %s\n", (int)len, json,
			    err.msg);
			fail("the " FUZZ_SENDER " sent a message that does not "
			    "decode");
		}
	}
	mcp_rpc_msg_clear(&m);
	if (show)
		fprintf(stderr, "<- %.*s\n", (int)len, json);
	return 0;
}

static inline void
fz_close(struct mcp_transport *t)
{
	struct fz_transport *f = (struct fz_transport *)t;

	if (f->closing)
		return;
	f->closing = true;
	event_active(f->close_ev, 0, 0);
}

static inline void
fz_free(struct mcp_transport *t)
{
	struct fz_transport *f = (struct fz_transport *)t;

	if (f->freed != NULL)
		*f->freed = true;
	event_free(f->close_ev);
	free(f);
}

static const struct mcp_transport_ops fz_ops = {
	"fuzz", fz_send, fz_close, fz_free,
};

static inline struct fz_transport *
fz_new(void)
{
	struct fz_transport *f = mcp_xcalloc(1, sizeof *f);

	f->t.ops = &fz_ops;
	f->close_ev = event_new(base, -1, 0, fz_close_cb, f);
	return f;
}

/* One line of input, NUL-terminated as transports deliver it; nothing once
 * the close is reported. */
static inline void
fz_deliver(struct fz_transport *f, const char *line, size_t len)
{
	char *copy;

	if (f->reported || f->t.on_message == NULL)
		return;
	copy = mcp_xmalloc(len + 1);
	memcpy(copy, line, len);
	copy[len] = '\0';
	if (show)
		fprintf(stderr, "-> %s\n", copy);
	f->t.on_message(f->t.arg, copy, len);
	free(copy);
}

#endif
