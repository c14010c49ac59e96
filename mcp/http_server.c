/*
 * The Streamable HTTP server transport (legacy revisions 2024-11-05 to
 * 2025-11-25) on evhttp: one endpoint, sessions keyed by Mcp-Session-Id,
 * each session an mcp_transport that routes the peer's messages to the POST
 * stream of the request they belong to, or to the session's GET stream.
 *
 * Lifetimes. evhttp owns every evhttp_request. While a reply is pending we
 * hold the request in a stream and watch it two ways: the connection's close
 * callback (the client went away: evhttp either hands the request back to us
 * detached, and we free it, or frees it itself right after) and the request's
 * completion callback (evhttp finished it behind our back). Before we send
 * the last part of a reply we unhook both, so once a request leaves a stream
 * we never touch it again. The program must ignore SIGPIPE: evhttp writes
 * with writev.
 *
 * Resumption. A stream is the logical SSE stream of one request (numbered
 * from 1 in the session) or the standalone GET stream (number 0); its HTTP
 * response may come and go. Event ids are "<stream>-<seq>", seq counting
 * every event of the session, so ids increase and name their stream. Every
 * event sent is kept in a bounded per-session replay store. Sessions that
 * negotiated 2025-11-25 or later start each new SSE stream with a priming
 * event (an id, retry: and empty data), so the client can always resume.
 * When the client goes away from a request's SSE stream, or the server ends
 * it (mcp_http_close_stream, SEP-1699 polling), the stream stays, parked:
 * the request's later messages go only to the store. GET with Last-Event-ID
 * replays the stored events of that stream after that id, then, if the
 * request is still running, carries its later messages and ends after its
 * answer; a resumed GET stream goes on as the standalone stream. An id we
 * never issued gets 400; a stream that has a reader already, 409. An id
 * older than the store replays what is left of its stream (some events may
 * be lost; we log it).
 */
#include <sys/queue.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>

#include "http_server.h"
#include "json.h"
#include "rpc.h"

#define MCP_HTTP_PATH		"/mcp"
#define MCP_HTTP_MAX_BODY	(4 * 1024 * 1024)
#define MCP_HTTP_MAX_SESSIONS	1024
#define MCP_HTTP_IDLE_MS	(30 * 60 * 1000)
#define MCP_HTTP_MAX_QUEUE	1000		/* messages waiting for a GET */
#define MCP_HTTP_MAX_HEADERS	(64 * 1024)
#define MCP_HTTP_MAX_BACKLOG	(16 * 1024 * 1024) /* unsent bytes per stream */
#define MCP_HTTP_MAX_PIPELINED	(64 * 1024)	/* read ahead while streaming */
#define MCP_HTTP_IO_TIMEOUT	60		/* seconds, reading a request */
#define MCP_HTTP_SID_BYTES	16		/* 32 hex characters */
#define MCP_HTTP_REPLAY_EVENTS	1024		/* kept per session */
#define MCP_HTTP_REPLAY_BYTES	(4 * 1024 * 1024)
#define MCP_HTTP_RETRY_MS	1000
#define MCP_HTTP_PRIMING_SINCE	"2025-11-25"	/* first version with priming */

/* Statuses evhttp has no names for. */
#define MCP_HTTP_ACCEPTED	202
#define MCP_HTTP_FORBIDDEN	403
#define MCP_HTTP_NOT_ACCEPTABLE	406
#define MCP_HTTP_CONFLICT	409
#define MCP_HTTP_UNSUPPORTED	415

#define MCP_HTTP_ALLOW		"GET, POST, DELETE"
#define MCP_HTTP_ERR		(-32000)	/* an error of the transport */
#define MCP_HTTP_NO_SESSION	(-32001)

static const char *const mcp_http_versions[] = {
	"2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05", NULL
};
#define MCP_HTTP_VERSIONS	"2025-11-25, 2025-06-18, 2025-03-26, 2024-11-05"

/* A message waiting for the session's GET stream. */
struct mcp_http_msg {
	TAILQ_ENTRY(mcp_http_msg) entry;
	size_t len;
	char json[];
};

/* An SSE event kept for resumption. */
struct mcp_http_event {
	TAILQ_ENTRY(mcp_http_event) entry;
	uint64_t stream;		/* 0: the standalone stream */
	uint64_t seq;
	size_t len;
	char json[];
};

/* A request whose reply is pending or streaming, or the GET stream. req is
 * the HTTP response carrying it: never NULL unless sse (then the stream is
 * parked until a GET resumes it or the request ends); with sse its
 * event-stream reply has begun. */
struct mcp_http_stream {
	TAILQ_ENTRY(mcp_http_stream) entry;
	struct mcp_http_session *s;
	struct evhttp_request *req;	/* NULL once let go */
	struct mcp_id id;		/* POST: the request answered (owned) */
	uint64_t no;			/* stream number in event ids */
	bool standalone;		/* the GET stream */
	bool sse;			/* an event stream */
	bool init;			/* answers initialize */
	bool dropping;			/* over the backlog: dropping */
};

struct mcp_http_session {
	struct mcp_transport t;		/* first: the transport interface */
	struct mcp_http_server *srv;	/* NULL once unlinked */
	TAILQ_ENTRY(mcp_http_session) entry;
	const struct mcp_log *log;
	char id[2 * MCP_HTTP_SID_BYTES + 1];

	TAILQ_HEAD(, mcp_http_stream) streams;
	struct mcp_http_stream *get;	/* the standalone stream, or NULL */
	TAILQ_HEAD(, mcp_http_msg) queue;
	unsigned nqueue;
	unsigned ndropped;		/* oldest dropped since the last GET */
	uint64_t last_event;		/* seq of the latest event id */
	uint64_t last_stream;		/* number of the latest POST stream */
	bool prime;			/* send priming events (2025-11-25+) */

	TAILQ_HEAD(, mcp_http_event) events;	/* replay store, oldest first */
	unsigned nevents;
	size_t event_bytes;
	uint64_t evicted;		/* latest seq dropped from the store */
	unsigned max_events;
	size_t max_event_bytes;
	int retry_ms;

	struct event *done_ev;		/* reports the close from the loop */
	struct event *idle_ev;
	int idle_ms;
	bool closed;
	const char *reason;		/* for on_closed: NULL or reason_buf */
	char reason_buf[128];
};

struct mcp_http_server {
	struct event_base *base;
	struct evhttp *http;
	struct evhttp_bound_socket *sock;
	char *path;
	size_t max_body;
	unsigned max_sessions;
	int idle_ms;
	char **origins;			/* NULL-terminated copies, or NULL */
	const struct mcp_log *log;
	mcp_http_session_cb cb;
	void *arg;
	unsigned replay_events;
	size_t replay_bytes;
	int retry_ms;

	TAILQ_HEAD(, mcp_http_session) sessions;
	unsigned nsessions;
	int port;
	bool loopback;			/* check Host against DNS rebinding */
};

static void mcp_http_stream_free(struct mcp_http_stream *);

/* Replies */

static struct evkeyvalq *
mcp_http_out(struct evhttp_request *req)
{
	return evhttp_request_get_output_headers(req);
}

static const char *
mcp_http_header(struct evhttp_request *req, const char *name)
{
	return evhttp_find_header(evhttp_request_get_input_headers(req), name);
}

static void
mcp_http_reply_body(struct evhttp_request *req, int status, const char *json,
    size_t len)
{
	if (json != NULL) {
		evhttp_add_header(mcp_http_out(req), "Content-Type",
		    "application/json");
		evbuffer_add(evhttp_request_get_output_buffer(req), json, len);
	}
	evhttp_send_reply(req, status, NULL, NULL);
}

/* Answer with an HTTP status and a JSON-RPC error (id may be NULL). */
static void __attribute__((format(printf, 5, 6)))
mcp_http_reply_error(struct evhttp_request *req, int status,
    const struct mcp_id *id, int code, const char *fmt, ...)
{
	char msg[512], *json;
	va_list ap;
	size_t len;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	json = mcp_rpc_encode_error(id, code, msg, NULL, &len);
	mcp_http_reply_body(req, status, json, len);
	free(json);
}

/* Header values are echoed in errors; keep them short and printable. */
static const char *
mcp_http_quote(const char *v, char *buf, size_t size)
{
	size_t i, n = 0;

	for (i = 0; v[i] != '\0' && n + 4 < size; i++) {
		unsigned char c = (unsigned char)v[i];

		buf[n++] = c >= 0x20 && c < 0x7f ? (char)c : '?';
	}
	if (v[i] != '\0') {
		memcpy(buf + n, "...", 3);
		n += 3;
	}
	buf[n] = '\0';
	return buf;
}

/* Header parsing */

static bool
mcp_http_token_eq(const char *s, size_t n, const char *word)
{
	return strlen(word) == n && strncasecmp(s, word, n) == 0;
}

/* Trim spaces and tabs around s[0..*n). */
static const char *
mcp_http_trim(const char *s, size_t *n)
{
	while (*n > 0 && (*s == ' ' || *s == '\t')) {
		s++;
		(*n)--;
	}
	while (*n > 0 && (s[*n - 1] == ' ' || s[*n - 1] == '\t'))
		(*n)--;
	return s;
}

/* Whether a media range's parameters say q=0 (explicitly not acceptable). */
static bool
mcp_http_q_zero(const char *p, size_t n)
{
	while (n > 0) {
		const char *semi = memchr(p, ';', n);
		size_t len = semi != NULL ? (size_t)(semi - p) : n;
		size_t plen = len;
		const char *param = mcp_http_trim(p, &plen);

		if (plen >= 2 && (param[0] == 'q' || param[0] == 'Q') &&
		    param[1] == '=') {
			size_t i;

			for (i = 2; i < plen; i++) {
				if (param[i] != '0' && param[i] != '.')
					return false;
			}
			return true;
		}
		if (semi == NULL)
			break;
		p = semi + 1;
		n -= len + 1;
	}
	return false;
}

/* Whether an Accept list admits type/subtype (wildcards count). */
static bool
mcp_http_accepts(const char *accept, const char *type, const char *subtype)
{
	const char *p = accept;

	if (accept == NULL)
		return false;
	while (*p != '\0') {
		const char *comma = strchr(p, ',');
		size_t n = comma != NULL ? (size_t)(comma - p) : strlen(p);
		const char *semi = memchr(p, ';', n);
		size_t off = semi != NULL ? (size_t)(semi - p) : n;
		size_t mlen = off;
		const char *m = mcp_http_trim(p, &mlen);
		const char *slash = memchr(m, '/', mlen);

		if (slash != NULL) {
			size_t tlen = (size_t)(slash - m);
			const char *sub = slash + 1;
			size_t slen = mlen - tlen - 1;
			bool tok = mcp_http_token_eq(m, tlen, "*") ||
			    mcp_http_token_eq(m, tlen, type);
			bool sok = mcp_http_token_eq(sub, slen, "*") ||
			    mcp_http_token_eq(sub, slen, subtype);

			if (tok && sok && !(mcp_http_token_eq(m, tlen, "*") &&
			    !mcp_http_token_eq(sub, slen, "*")) &&
			    !(semi != NULL &&
			    mcp_http_q_zero(semi + 1, n - off - 1)))
				return true;
		}
		if (comma == NULL)
			break;
		p = comma + 1;
	}
	return false;
}

static bool
mcp_http_is_json(const char *ct)
{
	size_t n;
	const char *semi;

	if (ct == NULL)
		return false;
	semi = strchr(ct, ';');
	n = semi != NULL ? (size_t)(semi - ct) : strlen(ct);
	ct = mcp_http_trim(ct, &n);
	return mcp_http_token_eq(ct, n, "application/json");
}

/* Whether "host[:port]" names the loopback host. */
static bool
mcp_http_loopback_host(const char *h, size_t n)
{
	size_t hlen = n, i;
	const char *colon;

	if (n > 0 && h[0] == '[') {
		const char *close = memchr(h, ']', n);

		if (close == NULL)
			return false;
		hlen = (size_t)(close - h) + 1;
	} else if ((colon = memchr(h, ':', n)) != NULL)
		hlen = (size_t)(colon - h);
	if (hlen < n) {
		if (h[hlen] != ':' || n - hlen < 2 || n - hlen > 6)
			return false;
		for (i = hlen + 1; i < n; i++) {
			if (h[i] < '0' || h[i] > '9')
				return false;
		}
	}
	return mcp_http_token_eq(h, hlen, "localhost") ||
	    mcp_http_token_eq(h, hlen, "127.0.0.1") ||
	    mcp_http_token_eq(h, hlen, "[::1]");
}

static bool
mcp_http_origin_ok(const struct mcp_http_server *srv, const char *origin)
{
	const char *rest = NULL;
	size_t i;

	if (strncasecmp(origin, "http://", 7) == 0)
		rest = origin + 7;
	else if (strncasecmp(origin, "https://", 8) == 0)
		rest = origin + 8;
	if (rest != NULL && mcp_http_loopback_host(rest, strlen(rest)))
		return true;
	for (i = 0; srv->origins != NULL && srv->origins[i] != NULL; i++) {
		if (strcasecmp(origin, srv->origins[i]) == 0)
			return true;
	}
	return false;
}

/* DNS rebinding: a browser page must not reach a local server through a
 * name it controls. 0, or -1 after answering 403. */
static int
mcp_http_check_origin(struct mcp_http_server *srv, struct evhttp_request *req)
{
	const char *origin = mcp_http_header(req, "Origin");
	const char *host = mcp_http_header(req, "Host");
	char q[128];

	if (origin != NULL && !mcp_http_origin_ok(srv, origin)) {
		mcp_logf(srv->log, MCP_LOG_NOTICE,
		    "http: refused a request from origin '%s': not a loopback "
		    "origin; list it in allowed_origins to allow it",
		    mcp_http_quote(origin, q, sizeof q));
		mcp_http_reply_error(req, MCP_HTTP_FORBIDDEN, NULL,
		    MCP_HTTP_ERR, "Forbidden: Origin '%s' is not allowed", q);
		return -1;
	}
	if (srv->loopback &&
	    (host == NULL || !mcp_http_loopback_host(host, strlen(host)))) {
		mcp_http_quote(host != NULL ? host : "", q, sizeof q);
		mcp_logf(srv->log, MCP_LOG_NOTICE,
		    "http: refused a request for host '%s': a loopback server "
		    "answers only localhost, 127.0.0.1 and [::1]", q);
		mcp_http_reply_error(req, MCP_HTTP_FORBIDDEN, NULL,
		    MCP_HTTP_ERR, "Forbidden: Host '%s' is not allowed", q);
		return -1;
	}
	return 0;
}

/* MCP-Protocol-Version, when present, must be one we speak. */
static int
mcp_http_check_version(struct mcp_http_server *srv, struct evhttp_request *req)
{
	const char *v = mcp_http_header(req, "MCP-Protocol-Version");
	char q[64];
	size_t i;

	if (v == NULL)
		return 0;	/* legacy clients: assume 2025-03-26 */
	for (i = 0; mcp_http_versions[i] != NULL; i++) {
		if (strcmp(v, mcp_http_versions[i]) == 0)
			return 0;
	}
	mcp_http_quote(v, q, sizeof q);
	mcp_logf(srv->log, MCP_LOG_INFO,
	    "http: refused protocol version '%s': supported are %s", q,
	    MCP_HTTP_VERSIONS);
	mcp_http_reply_error(req, HTTP_BADREQUEST, NULL, MCP_HTTP_ERR,
	    "Bad Request: Unsupported protocol version: %s "
	    "(supported versions: " MCP_HTTP_VERSIONS ")", q);
	return -1;
}

/* Streams */

static struct bufferevent *
mcp_http_bev(struct evhttp_request *req)
{
	struct evhttp_connection *evcon = evhttp_request_get_connection(req);

	return evcon != NULL ? evhttp_connection_get_bufferevent(evcon) : NULL;
}

/* Bytes written to the stream's connection and not yet sent. */
static size_t
mcp_http_backlog(struct mcp_http_stream *st)
{
	struct bufferevent *bev;

	if (st->req == NULL || (bev = mcp_http_bev(st->req)) == NULL)
		return 0;
	return evbuffer_get_length(bufferevent_get_output(bev));
}

/* The client is gone from st: an event stream of a request waits for a
 * resume (its messages go to the store), anything else is over. */
static void
mcp_http_stream_lost(struct mcp_http_stream *st)
{
	if (!st->sse || st->standalone)
		mcp_http_stream_free(st);
}

/* evhttp finished the request without us (it answered an error itself). */
static void
mcp_http_stream_complete_cb(struct evhttp_request *req, void *arg)
{
	struct mcp_http_stream *st = arg;
	struct evhttp_connection *evcon = evhttp_request_get_connection(req);

	if (evcon != NULL)
		evhttp_connection_set_closecb(evcon, NULL, NULL);
	st->req = NULL;
	mcp_http_stream_lost(st);
}

/* The connection is going away with our request on it. */
static void
mcp_http_stream_close_cb(struct evhttp_connection *evcon, void *arg)
{
	struct mcp_http_stream *st = arg;
	struct evhttp_request *req = st->req;
	char idbuf[64];

	evhttp_connection_set_closecb(evcon, NULL, NULL);
	st->req = NULL;
	if (req != NULL) {
		evhttp_request_set_on_complete_cb(req, NULL, NULL);
		/* Detached (the client closed): evhttp left it to us. Still
		 * attached (evhttp_free): evhttp frees it after this call. */
		if (evhttp_request_get_connection(req) == NULL)
			evhttp_request_free(req);
	}
	if (st->standalone) {
		mcp_logf(st->s->log, MCP_LOG_DEBUG,
		    "http: session %.8s: client closed the GET stream",
		    st->s->id);
	} else {
		mcp_logf(st->s->log, MCP_LOG_DEBUG,
		    "http: session %.8s: client closed the stream of request "
		    "%s%s", st->s->id, mcp_id_format(&st->id, idbuf,
		    sizeof idbuf), st->sse ? "; keeping its messages for a "
		    "resume" : "");
	}
	mcp_http_stream_lost(st);
}

/* Carry st on req from now on. */
static void
mcp_http_stream_attach(struct mcp_http_stream *st, struct evhttp_request *req)
{
	st->req = req;
	evhttp_request_set_on_complete_cb(req, mcp_http_stream_complete_cb, st);
	evhttp_connection_set_closecb(evhttp_request_get_connection(req),
	    mcp_http_stream_close_cb, st);
}

static struct mcp_http_stream *
mcp_http_stream_new(struct mcp_http_session *s, struct evhttp_request *req,
    const struct mcp_id *id)
{
	struct mcp_http_stream *st = mcp_xcalloc(1, sizeof *st);

	st->s = s;
	if (id != NULL)
		mcp_id_copy(&st->id, id);
	else
		st->standalone = true;
	TAILQ_INSERT_TAIL(&s->streams, st, entry);
	mcp_http_stream_attach(st, req);
	return st;
}

/* Let go of the request: unhook our callbacks and give the connection its
 * usual limits back. Returns the request for its last reply, or NULL. */
static struct evhttp_request *
mcp_http_stream_release(struct mcp_http_stream *st)
{
	struct evhttp_request *req = st->req;
	struct evhttp_connection *evcon;
	struct timeval tv = { MCP_HTTP_IO_TIMEOUT, 0 };

	st->req = NULL;
	if (req == NULL)
		return NULL;
	evhttp_request_set_on_complete_cb(req, NULL, NULL);
	evcon = evhttp_request_get_connection(req);
	if (evcon != NULL) {
		evhttp_connection_set_closecb(evcon, NULL, NULL);
		if (st->sse) {
			bufferevent_setwatermark(
			    evhttp_connection_get_bufferevent(evcon), EV_READ,
			    0, 0);
			evhttp_connection_set_timeout_tv(evcon, &tv);
		}
	}
	return req;
}

static void
mcp_http_stream_free(struct mcp_http_stream *st)
{
	struct mcp_http_session *s = st->s;

	TAILQ_REMOVE(&s->streams, st, entry);
	if (s->get == st)
		s->get = NULL;
	mcp_id_clear(&st->id);
	free(st);
}

static void
mcp_http_sse_headers(struct evhttp_request *req)
{
	struct evkeyvalq *h = mcp_http_out(req);

	evhttp_add_header(h, "Content-Type", "text/event-stream");
	evhttp_add_header(h, "Cache-Control", "no-cache");
	evhttp_add_header(h, "X-Accel-Buffering", "no");
}

/* Begin the event-stream reply on st->req. */
static void
mcp_http_stream_begin(struct mcp_http_stream *st)
{
	struct bufferevent *bev;
	struct timeval wtv = { MCP_HTTP_IO_TIMEOUT, 0 };

	mcp_http_sse_headers(st->req);
	evhttp_send_reply_start(st->req, HTTP_OK, NULL);
	/* A stream may stay quiet for hours: no read timeout, but a client
	 * that stops reading still times out on writes. Whatever it sends
	 * meanwhile is read only up to a limit. */
	if ((bev = mcp_http_bev(st->req)) != NULL) {
		bufferevent_set_timeouts(bev, NULL, &wtv);
		bufferevent_setwatermark(bev, EV_READ, 0,
		    MCP_HTTP_MAX_PIPELINED);
	}
}

static void
mcp_http_stream_write(struct mcp_http_stream *st, const char *data, size_t len)
{
	struct evbuffer *b = evbuffer_new();

	if (b == NULL)
		abort();
	evbuffer_add(b, data, len);
	evhttp_send_reply_chunk(st->req, b);
	evbuffer_free(b);
}

/* Turn st (not yet SSE, its request held) into a numbered event stream.
 * With prime, a session that can resume gets the priming event first: an
 * id to resume from even if nothing else is ever sent, and the delay. */
static void
mcp_http_stream_start(struct mcp_http_stream *st, bool prime)
{
	struct mcp_http_session *s = st->s;
	char buf[128];
	int n;

	if (!st->standalone)
		st->no = ++s->last_stream;
	st->sse = true;
	mcp_http_stream_begin(st);
	if (prime && s->prime) {
		n = snprintf(buf, sizeof buf, "id: %" PRIu64 "-%" PRIu64
		    "\nretry: %d\ndata: \n\n", st->no, ++s->last_event,
		    s->retry_ms);
		mcp_http_stream_write(st, buf, (size_t)n);
	}
}

/* One SSE event into b; a line break in the text starts another data
 * line. */
static void
mcp_http_format_event(struct evbuffer *b, uint64_t no, uint64_t seq,
    const char *json, size_t len)
{
	const char *p = json, *end = json + len;

	evbuffer_add_printf(b, "event: message\nid: %" PRIu64 "-%" PRIu64
	    "\n", no, seq);
	for (;;) {
		const char *e = p;

		while (e < end && *e != '\n' && *e != '\r')
			e++;
		evbuffer_add(b, "data: ", 6);
		evbuffer_add(b, p, (size_t)(e - p));
		evbuffer_add(b, "\n", 1);
		if (e == end)
			break;
		p = e + (e[0] == '\r' && e + 1 < end && e[1] == '\n' ? 2 : 1);
	}
	evbuffer_add(b, "\n", 1);
}

/* Keep an event for resumption, dropping the oldest over the limits (the
 * newest is always kept). */
static void
mcp_http_store_add(struct mcp_http_session *s, uint64_t no, uint64_t seq,
    const char *json, size_t len)
{
	struct mcp_http_event *e;

	while ((e = TAILQ_FIRST(&s->events)) != NULL &&
	    (s->nevents >= s->max_events ||
	    s->event_bytes + len > s->max_event_bytes)) {
		TAILQ_REMOVE(&s->events, e, entry);
		s->nevents--;
		s->event_bytes -= e->len;
		s->evicted = e->seq;
		free(e);
	}
	e = mcp_xmalloc(sizeof *e + len);
	e->stream = no;
	e->seq = seq;
	e->len = len;
	memcpy(e->json, json, len);
	TAILQ_INSERT_TAIL(&s->events, e, entry);
	s->nevents++;
	s->event_bytes += len;
}

static void
mcp_http_store_clear(struct mcp_http_session *s)
{
	struct mcp_http_event *e;

	while ((e = TAILQ_FIRST(&s->events)) != NULL) {
		TAILQ_REMOVE(&s->events, e, entry);
		free(e);
	}
	s->nevents = 0;
	s->event_bytes = 0;
}

/* The stored events of stream no after seq, in order, into b. */
static unsigned
mcp_http_store_replay(struct mcp_http_session *s, uint64_t no, uint64_t seq,
    struct evbuffer *b)
{
	struct mcp_http_event *e;
	unsigned n = 0;

	TAILQ_FOREACH(e, &s->events, entry) {
		if (e->stream == no && e->seq > seq) {
			mcp_http_format_event(b, e->stream, e->seq, e->json,
			    e->len);
			n++;
		}
	}
	return n;
}

/* One message on st: numbered, stored, and written when a client is
 * reading the stream. */
static void
mcp_http_stream_event(struct mcp_http_stream *st, const char *json,
    size_t len)
{
	struct mcp_http_session *s = st->s;
	uint64_t seq = ++s->last_event;
	struct evbuffer *b;

	mcp_http_store_add(s, st->no, seq, json, len);
	if (st->req == NULL)
		return;
	if ((b = evbuffer_new()) == NULL)
		abort();
	mcp_http_format_event(b, st->no, seq, json, len);
	evhttp_send_reply_chunk(st->req, b);
	evbuffer_free(b);
}

/* End a streamed reply (a parked stream just goes). */
static void
mcp_http_stream_end(struct mcp_http_stream *st)
{
	struct evhttp_request *req = mcp_http_stream_release(st);

	if (req != NULL)
		evhttp_send_reply_end(req);
	mcp_http_stream_free(st);
}

/* The session is ending: answer what is still open, or (reply false, the
 * server is going) just let go, since evhttp_free takes the requests. */
static void
mcp_http_stream_abort(struct mcp_http_stream *st, bool reply)
{
	struct evhttp_request *req;
	char *json;
	size_t len;

	if (!reply || st->sse) {
		if (reply)
			mcp_http_stream_end(st);
		else {
			mcp_http_stream_release(st);
			mcp_http_stream_free(st);
		}
		return;
	}
	req = mcp_http_stream_release(st);
	if (req != NULL) {
		json = mcp_rpc_encode_error(&st->id, MCP_CONNECTION_CLOSED,
		    "session ended before the request was answered", NULL,
		    &len);
		mcp_http_reply_body(req, HTTP_OK, json, len);
		free(json);
	}
	mcp_http_stream_free(st);
}

static struct mcp_http_stream *
mcp_http_stream_find(struct mcp_http_session *s, const struct mcp_id *id)
{
	struct mcp_http_stream *st;

	TAILQ_FOREACH(st, &s->streams, entry) {
		if (!st->standalone && mcp_id_eq(&st->id, id))
			return st;
	}
	return NULL;
}

/* The live event stream of a request numbered no, or NULL. */
static struct mcp_http_stream *
mcp_http_stream_find_no(struct mcp_http_session *s, uint64_t no)
{
	struct mcp_http_stream *st;

	TAILQ_FOREACH(st, &s->streams, entry) {
		if (!st->standalone && st->sse && st->no == no)
			return st;
	}
	return NULL;
}

/* Sessions */

static void
mcp_http_session_unlink(struct mcp_http_session *s)
{
	if (s->srv == NULL)
		return;
	TAILQ_REMOVE(&s->srv->sessions, s, entry);
	s->srv->nsessions--;
	s->srv = NULL;
}

static void
mcp_http_queue_clear(struct mcp_http_session *s)
{
	struct mcp_http_msg *m;

	if (s->nqueue > 0) {
		mcp_logf(s->log, MCP_LOG_DEBUG,
		    "http: session %.8s: %u undelivered messages dropped",
		    s->id, s->nqueue);
	}
	while ((m = TAILQ_FIRST(&s->queue)) != NULL) {
		TAILQ_REMOVE(&s->queue, m, entry);
		free(m);
	}
	s->nqueue = 0;
}

/* End the session: no more sends, streams answered (or let go), the close
 * reported from the loop. reason NULL is an orderly end. */
static void
mcp_http_session_end(struct mcp_http_session *s, const char *reason,
    bool reply)
{
	struct mcp_http_stream *st;

	if (s->closed)
		return;
	s->closed = true;
	if (reason != NULL && reason != s->reason_buf) {
		snprintf(s->reason_buf, sizeof s->reason_buf, "%s", reason);
		reason = s->reason_buf;
	}
	s->reason = reason;
	mcp_http_session_unlink(s);
	event_del(s->idle_ev);
	while ((st = TAILQ_FIRST(&s->streams)) != NULL)
		mcp_http_stream_abort(st, reply);
	mcp_http_queue_clear(s);
	mcp_http_store_clear(s);
	event_active(s->done_ev, 0, 0);
}

static void
mcp_http_done_cb(evutil_socket_t fd, short events, void *arg)
{
	struct mcp_http_session *s = arg;

	(void)fd;
	(void)events;
	if (s->t.on_closed != NULL)
		s->t.on_closed(s->t.arg, s->reason);
}

static void
mcp_http_touch(struct mcp_http_session *s)
{
	struct timeval tv;

	tv.tv_sec = s->idle_ms / 1000;
	tv.tv_usec = (s->idle_ms % 1000) * 1000;
	event_add(s->idle_ev, &tv);
}

static void
mcp_http_idle_cb(evutil_socket_t fd, short events, void *arg)
{
	struct mcp_http_session *s = arg;
	struct mcp_http_stream *st;

	(void)fd;
	(void)events;
	/* A client listening on a stream, or waiting for an answer, is not
	 * idle; a parked stream nobody resumes does not count. */
	TAILQ_FOREACH(st, &s->streams, entry) {
		if (st->req != NULL) {
			mcp_http_touch(s);
			return;
		}
	}
	mcp_logf(s->log, MCP_LOG_INFO,
	    "http: session %.8s ended after %d ms without a request", s->id,
	    s->idle_ms);
	snprintf(s->reason_buf, sizeof s->reason_buf,
	    "session expired after %d ms without a request", s->idle_ms);
	mcp_http_session_end(s, s->reason_buf, true);
}

static struct mcp_http_session *
mcp_http_session_find(struct mcp_http_server *srv, const char *id)
{
	struct mcp_http_session *s;

	TAILQ_FOREACH(s, &srv->sessions, entry) {
		if (strcmp(s->id, id) == 0)
			return s;
	}
	return NULL;
}

static int
mcp_http_random(unsigned char *buf, size_t n)
{
	size_t got = 0;
	ssize_t r;
	int fd;

	while (got < n) {
		r = getrandom(buf + got, n - got, 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	if (got == n)
		return 0;
	if ((fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	while (got < n) {
		r = read(fd, buf + got, n - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	close(fd);
	return got == n ? 0 : -1;
}

/* Standalone stream */

static void
mcp_http_queue_push(struct mcp_http_session *s, const char *json, size_t len)
{
	struct mcp_http_msg *m;

	if (s->nqueue >= MCP_HTTP_MAX_QUEUE) {
		m = TAILQ_FIRST(&s->queue);
		TAILQ_REMOVE(&s->queue, m, entry);
		s->nqueue--;
		free(m);
		if (s->ndropped++ == 0) {
			mcp_logf(s->log, MCP_LOG_WARNING,
			    "http: session %.8s: %d messages wait for a GET "
			    "stream; dropping the oldest until the client "
			    "opens one", s->id, MCP_HTTP_MAX_QUEUE);
		}
	}
	m = mcp_xmalloc(sizeof *m + len);
	m->len = len;
	memcpy(m->json, json, len);
	TAILQ_INSERT_TAIL(&s->queue, m, entry);
	s->nqueue++;
}

/* Whether the GET stream can take another message; a reader that fell too
 * far behind loses the stream (it may reconnect) and we queue instead. */
static bool
mcp_http_get_ready(struct mcp_http_session *s)
{
	if (s->get == NULL)
		return false;
	if (mcp_http_backlog(s->get) <= MCP_HTTP_MAX_BACKLOG)
		return true;
	mcp_logf(s->log, MCP_LOG_WARNING,
	    "http: session %.8s: the GET stream reader is %d bytes behind; "
	    "ending the stream", s->id, MCP_HTTP_MAX_BACKLOG);
	mcp_http_stream_end(s->get);
	return false;
}

static void
mcp_http_standalone_send(struct mcp_http_session *s, const char *json,
    size_t len)
{
	if (mcp_http_get_ready(s))
		mcp_http_stream_event(s->get, json, len);
	else
		mcp_http_queue_push(s, json, len);
}

static void
mcp_http_queue_flush(struct mcp_http_session *s)
{
	struct mcp_http_msg *m;

	if (s->ndropped > 0) {
		mcp_logf(s->log, MCP_LOG_WARNING,
		    "http: session %.8s: %u messages were dropped while no GET "
		    "stream was open", s->id, s->ndropped);
		s->ndropped = 0;
	}
	while ((m = TAILQ_FIRST(&s->queue)) != NULL && mcp_http_get_ready(s)) {
		TAILQ_REMOVE(&s->queue, m, entry);
		s->nqueue--;
		mcp_http_stream_event(s->get, m->json, m->len);
		free(m);
	}
}

/* Transport ops */

/* The answer to initialize: whether it failed (the session it opened is
 * then of no use), and the version the session speaks, which decides on
 * priming events. The header of later requests does not: clients may send
 * an older one than they negotiated. */
static bool
mcp_http_init_answer(struct mcp_http_session *s, const char *json,
    size_t len)
{
	cJSON *root = cJSON_ParseWithLength(json, len);
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(root, "result"),
	    "protocolVersion");
	bool error = cJSON_GetObjectItemCaseSensitive(root, "error") != NULL;

	if (cJSON_IsString(v) && v->valuestring[0] >= '0' &&
	    v->valuestring[0] <= '9' &&
	    strcmp(v->valuestring, MCP_HTTP_PRIMING_SINCE) >= 0)
		s->prime = true;
	cJSON_Delete(root);
	return error;
}

static void
mcp_http_stream_send(struct mcp_http_stream *st, const char *json, size_t len,
    bool final)
{
	struct mcp_http_session *s = st->s;
	struct evhttp_request *req;
	bool failed_init;
	char idbuf[64];

	if (!final) {
		if (!st->sse)
			mcp_http_stream_start(st, true);
		if (mcp_http_backlog(st) > MCP_HTTP_MAX_BACKLOG) {
			if (!st->dropping) {
				mcp_logf(s->log, MCP_LOG_WARNING,
				    "http: session %.8s: the reader of request "
				    "%s is too far behind; dropping its "
				    "notifications until it catches up", s->id,
				    mcp_id_format(&st->id, idbuf,
				    sizeof idbuf));
			}
			st->dropping = true;
			return;
		}
		st->dropping = false;
		mcp_http_stream_event(st, json, len);
		return;
	}
	failed_init = st->init && mcp_http_init_answer(s, json, len);
	if (st->sse) {
		mcp_http_stream_event(st, json, len);
		mcp_http_stream_end(st);
	} else {
		req = mcp_http_stream_release(st);
		mcp_http_stream_free(st);
		if (failed_init)
			evhttp_remove_header(mcp_http_out(req),
			    "Mcp-Session-Id");
		mcp_http_reply_body(req, HTTP_OK, json, len);
	}
	if (failed_init) {
		mcp_logf(s->log, MCP_LOG_INFO,
		    "http: session %.8s: initialize failed; ending the session",
		    s->id);
		mcp_http_session_end(s, "initialize failed", true);
	}
}

static int
mcp_http_send(struct mcp_transport *t, const char *json, size_t len,
    const struct mcp_id *related, bool final)
{
	struct mcp_http_session *s = (struct mcp_http_session *)t;
	struct mcp_http_stream *st;
	char idbuf[64];

	if (s->closed)
		return -1;
	if (related != NULL && related->type != MCP_ID_NONE) {
		if ((st = mcp_http_stream_find(s, related)) != NULL) {
			mcp_http_stream_send(st, json, len, final);
			return 0;
		}
		/* Its client went away before the reply became an event
		 * stream (one would be parked and found): no id to resume
		 * from. That is no cancellation (legacy), so the answer may
		 * still reach a listening GET stream. */
		if (s->get == NULL) {
			mcp_logf(s->log, MCP_LOG_DEBUG,
			    "http: session %.8s: dropping a message for "
			    "request %s: its stream is gone and no GET stream "
			    "is open",
			    s->id, mcp_id_format(related, idbuf, sizeof idbuf));
			return 0;
		}
	}
	mcp_http_standalone_send(s, json, len);
	return 0;
}

static void
mcp_http_close(struct mcp_transport *t)
{
	mcp_http_session_end((struct mcp_http_session *)t, NULL, true);
}

static void
mcp_http_free(struct mcp_transport *t)
{
	struct mcp_http_session *s = (struct mcp_http_session *)t;
	struct mcp_http_stream *st;

	mcp_http_session_unlink(s);
	while ((st = TAILQ_FIRST(&s->streams)) != NULL)
		mcp_http_stream_abort(st, true);
	mcp_http_queue_clear(s);
	mcp_http_store_clear(s);
	event_free(s->done_ev);
	event_free(s->idle_ev);
	free(s);
}

static const struct mcp_transport_ops mcp_http_ops = {
	.name = "http",
	.send = mcp_http_send,
	.close = mcp_http_close,
	.free = mcp_http_free,
};

int
mcp_http_close_stream(struct mcp_transport *t, const struct mcp_id *request_id)
{
	struct mcp_http_session *s = (struct mcp_http_session *)t;
	struct mcp_http_stream *st;
	struct evhttp_request *req;
	char idbuf[64];

	if (t == NULL || t->ops != &mcp_http_ops || request_id == NULL ||
	    s->closed || (st = mcp_http_stream_find(s, request_id)) == NULL ||
	    st->init)
		return -1;
	if (!st->sse) {
		/* Without a priming event the client would have no id to
		 * resume from, and would wait for an answer in vain. */
		if (!s->prime)
			return -1;
		mcp_http_stream_start(st, true);
	}
	if ((req = mcp_http_stream_release(st)) == NULL)
		return 0;
	mcp_logf(s->log, MCP_LOG_DEBUG,
	    "http: session %.8s: ending the stream of request %s; the client "
	    "resumes it with GET and Last-Event-ID", s->id,
	    mcp_id_format(&st->id, idbuf, sizeof idbuf));
	evhttp_send_reply_end(req);
	return 0;
}

/* A new session for an initialize POST, or NULL after answering. */
static struct mcp_http_session *
mcp_http_session_new(struct mcp_http_server *srv, struct evhttp_request *req)
{
	struct mcp_http_session *s;
	unsigned char raw[MCP_HTTP_SID_BYTES];
	size_t i;

	if (srv->nsessions >= srv->max_sessions) {
		mcp_logf(srv->log, MCP_LOG_WARNING,
		    "http: refused a new session: all %u are in use; raise "
		    "max_sessions or lower session_idle_ms", srv->max_sessions);
		mcp_http_reply_error(req, HTTP_SERVUNAVAIL, NULL, MCP_HTTP_ERR,
		    "Service Unavailable: too many sessions (limit %u)",
		    srv->max_sessions);
		return NULL;
	}
	if (mcp_http_random(raw, sizeof raw) != 0) {
		mcp_logf(srv->log, MCP_LOG_ERROR,
		    "http: cannot make a session id: no random bytes from "
		    "getrandom or /dev/urandom: %s", strerror(errno));
		mcp_http_reply_error(req, HTTP_INTERNAL, NULL,
		    MCP_INTERNAL_ERROR,
		    "Internal error: cannot create a session");
		return NULL;
	}
	s = mcp_xcalloc(1, sizeof *s);
	s->t.ops = &mcp_http_ops;
	s->log = srv->log;
	for (i = 0; i < sizeof raw; i++)
		snprintf(s->id + 2 * i, 3, "%02x", raw[i]);
	TAILQ_INIT(&s->streams);
	TAILQ_INIT(&s->queue);
	TAILQ_INIT(&s->events);
	s->max_events = srv->replay_events;
	s->max_event_bytes = srv->replay_bytes;
	s->retry_ms = srv->retry_ms;
	s->idle_ms = srv->idle_ms;
	s->done_ev = event_new(srv->base, -1, 0, mcp_http_done_cb, s);
	s->idle_ev = event_new(srv->base, -1, 0, mcp_http_idle_cb, s);
	if (s->done_ev == NULL || s->idle_ev == NULL)
		abort();
	s->srv = srv;
	TAILQ_INSERT_TAIL(&srv->sessions, s, entry);
	srv->nsessions++;

	if (srv->cb == NULL || srv->cb(srv->arg, &s->t) != 0) {
		/* Refused: the application kept nothing, so t is ours. */
		mcp_logf(srv->log, MCP_LOG_INFO,
		    "http: the application refused a new session");
		mcp_http_free(&s->t);
		mcp_http_reply_error(req, HTTP_SERVUNAVAIL, NULL, MCP_HTTP_ERR,
		    "Service Unavailable: the server refused the session");
		return NULL;
	}
	if (s->closed) {
		mcp_http_reply_error(req, HTTP_SERVUNAVAIL, NULL, MCP_HTTP_ERR,
		    "Service Unavailable: the session closed at once");
		return NULL;
	}
	mcp_logf(srv->log, MCP_LOG_INFO, "http: session %.8s started (%u open)",
	    s->id, srv->nsessions);
	mcp_http_touch(s);
	return s;
}

/* The session named by Mcp-Session-Id, or NULL after answering 400/404. */
static struct mcp_http_session *
mcp_http_session_get(struct mcp_http_server *srv, struct evhttp_request *req)
{
	const char *sid = mcp_http_header(req, "Mcp-Session-Id");
	struct mcp_http_session *s;

	if (sid == NULL) {
		mcp_http_reply_error(req, HTTP_BADREQUEST, NULL, MCP_HTTP_ERR,
		    "Bad Request: Mcp-Session-Id header is required");
		return NULL;
	}
	if ((s = mcp_http_session_find(srv, sid)) == NULL) {
		mcp_http_reply_error(req, HTTP_NOTFOUND, NULL,
		    MCP_HTTP_NO_SESSION, "Session not found");
		return NULL;
	}
	evhttp_add_header(mcp_http_out(req), "Mcp-Session-Id", s->id);
	return s;
}

/* Methods */

/* After notifications/cancelled the peer sends no answer; end the stream
 * the client may still be waiting on, with no message in it. */
static void
mcp_http_cancelled(struct mcp_http_session *s, const struct mcp_rpc_msg *m)
{
	const cJSON *rid = cJSON_GetObjectItemCaseSensitive(m->params,
	    "requestId");
	struct mcp_http_stream *st;
	struct mcp_id id;

	if (s->closed || mcp_id_from_json(rid, &id) != 0 ||
	    (st = mcp_http_stream_find(s, &id)) == NULL || st->init)
		return;
	/* No priming event: the client must not come back for it. */
	if (!st->sse)
		mcp_http_stream_start(st, false);
	mcp_http_stream_end(st);
}

static void
mcp_http_post_message(struct mcp_http_server *srv, struct evhttp_request *req,
    const char *body, size_t len, struct mcp_rpc_msg *m)
{
	struct mcp_http_session *s;
	bool init = m->kind == MCP_RPC_REQUEST &&
	    strcmp(m->method, "initialize") == 0;
	char idbuf[64];

	if (init) {
		if (mcp_http_header(req, "Mcp-Session-Id") != NULL) {
			mcp_http_reply_error(req, HTTP_BADREQUEST, &m->id,
			    MCP_INVALID_REQUEST, "Invalid Request: initialize "
			    "must not carry an Mcp-Session-Id header; send it "
			    "without one to start a new session");
			return;
		}
		if ((s = mcp_http_session_new(srv, req)) == NULL)
			return;
		evhttp_add_header(mcp_http_out(req), "Mcp-Session-Id", s->id);
	} else {
		if ((s = mcp_http_session_get(srv, req)) == NULL)
			return;
		mcp_http_touch(s);
	}
	if (s->t.on_message == NULL) {
		mcp_logf(srv->log, MCP_LOG_ERROR,
		    "http: session %.8s has no peer bound; the session "
		    "callback must bind one", s->id);
		mcp_http_reply_error(req, HTTP_INTERNAL, &m->id,
		    MCP_INTERNAL_ERROR,
		    "Internal error: session has no handler");
		return;
	}
	if (m->kind != MCP_RPC_REQUEST) {
		evhttp_send_reply(req, MCP_HTTP_ACCEPTED, NULL, NULL);
		s->t.on_message(s->t.arg, body, len);
		if (m->kind == MCP_RPC_NOTIFICATION &&
		    strcmp(m->method, "notifications/cancelled") == 0)
			mcp_http_cancelled(s, m);
		return;
	}
	if (mcp_http_stream_find(s, &m->id) != NULL) {
		mcp_http_reply_error(req, HTTP_BADREQUEST, &m->id,
		    MCP_INVALID_REQUEST, "Invalid Request: request id %s is "
		    "already in flight in this session",
		    mcp_id_format(&m->id, idbuf, sizeof idbuf));
		return;
	}
	mcp_http_stream_new(s, req, &m->id)->init = init;
	/* The answer may come now or later; either way the stream, not this
	 * function, owns the request from here on. */
	s->t.on_message(s->t.arg, body, len);
}

static void
mcp_http_post(struct mcp_http_server *srv, struct evhttp_request *req)
{
	struct evbuffer *in = evhttp_request_get_input_buffer(req);
	size_t len = evbuffer_get_length(in);
	struct mcp_err err = { 0, "" };
	struct mcp_rpc_msg m;
	char *body;

	if (!mcp_http_is_json(mcp_http_header(req, "Content-Type"))) {
		mcp_http_reply_error(req, MCP_HTTP_UNSUPPORTED, NULL,
		    MCP_HTTP_ERR, "Unsupported Media Type: Content-Type must "
		    "be application/json");
		return;
	}
	if (!mcp_http_accepts(mcp_http_header(req, "Accept"), "application",
	    "json") || !mcp_http_accepts(mcp_http_header(req, "Accept"),
	    "text", "event-stream")) {
		mcp_http_reply_error(req, MCP_HTTP_NOT_ACCEPTABLE, NULL,
		    MCP_HTTP_ERR, "Not Acceptable: Client must accept both "
		    "application/json and text/event-stream");
		return;
	}
	if (mcp_http_check_version(srv, req) != 0)
		return;
	if (len > srv->max_body) {
		mcp_http_reply_error(req, HTTP_ENTITYTOOLARGE, NULL,
		    MCP_HTTP_ERR, "Payload Too Large: the body exceeds %zu "
		    "bytes", srv->max_body);
		return;
	}
	memset(&m, 0, sizeof m);
	body = mcp_xmalloc(len + 1);
	evbuffer_remove(in, body, len);
	body[len] = '\0';
	if (memchr(body, '\0', len) != NULL)
		mcp_err_set(&err, MCP_PARSE_ERROR, "body contains a NUL byte");
	else if (len == 0)
		mcp_err_set(&err, MCP_PARSE_ERROR, "body is empty");
	if (err.code != 0 || mcp_rpc_decode(body, len, &m, &err) != 0) {
		if (err.code == MCP_PARSE_ERROR) {
			mcp_http_reply_error(req, HTTP_BADREQUEST, NULL,
			    MCP_PARSE_ERROR, "Parse error: %s", err.msg);
		} else if (m.kind == MCP_RPC_INVALID) {
			mcp_http_reply_error(req, HTTP_BADREQUEST, NULL,
			    MCP_INVALID_REQUEST, "%s", err.msg);
		} else {
			mcp_http_reply_error(req, HTTP_BADREQUEST,
			    m.kind == MCP_RPC_REQUEST ? &m.id : NULL,
			    MCP_INVALID_REQUEST, "Invalid Request: %s",
			    err.msg);
		}
		mcp_rpc_msg_clear(&m);
		free(body);
		return;
	}
	mcp_http_post_message(srv, req, body, len, &m);
	mcp_rpc_msg_clear(&m);
	free(body);
}

/* "<stream>-<seq>" as we send them; -1 when malformed. */
static int
mcp_http_parse_event_id(const char *v, uint64_t *no, uint64_t *seq)
{
	uint64_t *out = no;
	const char *p = v;

	for (;;) {
		uint64_t n = 0;

		if (*p < '0' || *p > '9')
			return -1;
		for (; *p >= '0' && *p <= '9'; p++) {
			if (n > (UINT64_MAX - (uint64_t)(*p - '0')) / 10)
				return -1;
			n = n * 10 + (uint64_t)(*p - '0');
		}
		*out = n;
		if (out == seq)
			return *p == '\0' ? 0 : -1;
		if (*p++ != '-')
			return -1;
		out = seq;
	}
}

/* GET with Last-Event-ID: replay the stored events of that stream after
 * it, then go on with the stream while it lives. */
static void
mcp_http_resume(struct mcp_http_session *s, struct evhttp_request *req,
    const char *last)
{
	struct mcp_http_stream *st;
	struct evbuffer *b;
	uint64_t no, seq;
	unsigned n;
	char q[64];

	mcp_http_quote(last, q, sizeof q);
	if (mcp_http_parse_event_id(last, &no, &seq) != 0 ||
	    no > s->last_stream || seq > s->last_event) {
		mcp_logf(s->log, MCP_LOG_INFO,
		    "http: session %.8s: refused to resume after event '%s': "
		    "this session never sent it", s->id, q);
		mcp_http_reply_error(req, HTTP_BADREQUEST, NULL, MCP_HTTP_ERR,
		    "Bad Request: unknown Last-Event-ID '%s'; open the stream "
		    "without it", q);
		return;
	}
	st = no == 0 ? s->get : mcp_http_stream_find_no(s, no);
	if (st != NULL && st->req != NULL) {
		mcp_http_reply_error(req, MCP_HTTP_CONFLICT, NULL, MCP_HTTP_ERR,
		    "Conflict: stream %" PRIu64 " already has a reader", no);
		return;
	}
	if (seq < s->evicted) {
		mcp_logf(s->log, MCP_LOG_NOTICE,
		    "http: session %.8s: resuming after event '%s', older than "
		    "the replay store: events of that stream may be lost; "
		    "raise replay_events or replay_bytes", s->id, q);
	}
	if ((b = evbuffer_new()) == NULL)
		abort();
	n = mcp_http_store_replay(s, no, seq, b);
	mcp_logf(s->log, MCP_LOG_DEBUG,
	    "http: session %.8s: resuming after event '%s': %u replayed%s",
	    s->id, q, n, no != 0 && st == NULL ? ", the request is over" : "");
	if (no != 0 && st == NULL) {
		/* The request was answered: the replay is all there is. */
		mcp_http_sse_headers(req);
		evhttp_send_reply(req, HTTP_OK, NULL, b);
		evbuffer_free(b);
		return;
	}
	if (no == 0) {
		st = mcp_http_stream_new(s, req, NULL);
		st->sse = true;
		s->get = st;
	} else
		mcp_http_stream_attach(st, req);
	mcp_http_stream_begin(st);
	if (evbuffer_get_length(b) > 0)
		evhttp_send_reply_chunk(req, b);
	evbuffer_free(b);
	if (no == 0)
		mcp_http_queue_flush(s);
}

static void
mcp_http_get(struct mcp_http_server *srv, struct evhttp_request *req)
{
	struct mcp_http_session *s;
	struct mcp_http_stream *st;
	const char *last;

	if (!mcp_http_accepts(mcp_http_header(req, "Accept"), "text",
	    "event-stream")) {
		mcp_http_reply_error(req, MCP_HTTP_NOT_ACCEPTABLE, NULL,
		    MCP_HTTP_ERR,
		    "Not Acceptable: Client must accept text/event-stream");
		return;
	}
	if (mcp_http_check_version(srv, req) != 0 ||
	    (s = mcp_http_session_get(srv, req)) == NULL)
		return;
	last = mcp_http_header(req, "Last-Event-ID");
	if (last != NULL && last[0] != '\0') {
		mcp_http_touch(s);
		mcp_http_resume(s, req, last);
		return;
	}
	if (s->get != NULL) {
		mcp_http_reply_error(req, MCP_HTTP_CONFLICT, NULL, MCP_HTTP_ERR,
		    "Conflict: Only one SSE stream is allowed per session");
		return;
	}
	mcp_http_touch(s);
	st = mcp_http_stream_new(s, req, NULL);
	s->get = st;
	mcp_http_stream_start(st, true);
	/* Without a priming event, a comment tells the client the stream is
	 * open. */
	if (!s->prime)
		mcp_http_stream_write(st, ": stream open\n\n", 15);
	mcp_http_queue_flush(s);
}

static void
mcp_http_delete(struct mcp_http_server *srv, struct evhttp_request *req)
{
	struct mcp_http_session *s;

	if (mcp_http_check_version(srv, req) != 0 ||
	    (s = mcp_http_session_get(srv, req)) == NULL)
		return;
	mcp_logf(srv->log, MCP_LOG_INFO,
	    "http: session %.8s ended by the client (DELETE)", s->id);
	evhttp_send_reply(req, HTTP_OK, NULL, NULL);
	mcp_http_session_end(s, NULL, true);
}

static void
mcp_http_request_cb(struct evhttp_request *req, void *arg)
{
	struct mcp_http_server *srv = arg;
	const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(req);
	const char *path = uri != NULL ? evhttp_uri_get_path(uri) : NULL;

	if (path == NULL || strcmp(path, srv->path) != 0) {
		mcp_http_reply_error(req, HTTP_NOTFOUND, NULL, MCP_HTTP_ERR,
		    "Not Found: the MCP endpoint is %s", srv->path);
		return;
	}
	if (mcp_http_check_origin(srv, req) != 0)
		return;
	switch (evhttp_request_get_command(req)) {
	case EVHTTP_REQ_POST:
		mcp_http_post(srv, req);
		break;
	case EVHTTP_REQ_GET:
		mcp_http_get(srv, req);
		break;
	case EVHTTP_REQ_DELETE:
		mcp_http_delete(srv, req);
		break;
	default:
		evhttp_add_header(mcp_http_out(req), "Allow", MCP_HTTP_ALLOW);
		mcp_http_reply_error(req, HTTP_BADMETHOD, NULL, MCP_HTTP_ERR,
		    "Method Not Allowed: use " MCP_HTTP_ALLOW);
		break;
	}
}

/* Life */

struct mcp_http_server *
mcp_http_server_new(struct event_base *base, const struct mcp_http_opts *opts,
    mcp_http_session_cb cb, void *arg)
{
	struct mcp_http_server *srv = mcp_xcalloc(1, sizeof *srv);
	struct mcp_http_opts o = { 0 };	/* zero: the default */
	size_t i, n = 0;

	if (opts != NULL)
		o = *opts;
	srv->base = base;
	srv->cb = cb;
	srv->arg = arg;
	srv->port = -1;
	srv->path = mcp_xstrdup(o.path != NULL ? o.path : MCP_HTTP_PATH);
	srv->max_body = o.max_body > 0 ? o.max_body : MCP_HTTP_MAX_BODY;
	srv->max_sessions = o.max_sessions > 0 ? o.max_sessions :
	    MCP_HTTP_MAX_SESSIONS;
	srv->idle_ms = o.session_idle_ms > 0 ? o.session_idle_ms :
	    MCP_HTTP_IDLE_MS;
	srv->log = o.log;
	srv->replay_events = o.replay_events > 0 ? o.replay_events :
	    MCP_HTTP_REPLAY_EVENTS;
	srv->replay_bytes = o.replay_bytes > 0 ? o.replay_bytes :
	    MCP_HTTP_REPLAY_BYTES;
	srv->retry_ms = o.retry_ms > 0 ? o.retry_ms : MCP_HTTP_RETRY_MS;
	if (o.allowed_origins != NULL) {
		while (o.allowed_origins[n] != NULL)
			n++;
		srv->origins = mcp_xcalloc(n + 1, sizeof *srv->origins);
		for (i = 0; i < n; i++)
			srv->origins[i] = mcp_xstrdup(o.allowed_origins[i]);
	}
	TAILQ_INIT(&srv->sessions);

	if ((srv->http = evhttp_new(base)) == NULL)
		abort();
	evhttp_set_gencb(srv->http, mcp_http_request_cb, srv);
	/* Every method reaches us, so the wrong ones get 405 with Allow. */
	evhttp_set_allowed_methods(srv->http, EVHTTP_REQ_GET | EVHTTP_REQ_POST |
	    EVHTTP_REQ_HEAD | EVHTTP_REQ_PUT | EVHTTP_REQ_DELETE |
	    EVHTTP_REQ_OPTIONS | EVHTTP_REQ_TRACE | EVHTTP_REQ_CONNECT |
	    EVHTTP_REQ_PATCH);
	evhttp_set_max_body_size(srv->http, (ev_ssize_t)srv->max_body);
	evhttp_set_max_headers_size(srv->http, MCP_HTTP_MAX_HEADERS);
	evhttp_set_timeout(srv->http, MCP_HTTP_IO_TIMEOUT);
	evhttp_set_default_content_type(srv->http, NULL);
	/* Read an oversize body to its end, so the client sees the 413. */
	evhttp_set_flags(srv->http, EVHTTP_SERVER_LINGERING_CLOSE);
	return srv;
}

static bool
mcp_http_is_loopback(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)ss;

		return (ntohl(in->sin_addr.s_addr) >> 24) == 127;
	}
	if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *in6 =
		    (const struct sockaddr_in6 *)ss;

		return IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr) ||
		    (IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr) &&
		    in6->sin6_addr.s6_addr[12] == 127);
	}
	return false;
}

int
mcp_http_server_listen(struct mcp_http_server *srv, const char *addr,
    struct mcp_err *err)
{
	char host[64], *end;
	const char *colon, *ps;
	unsigned char bin[sizeof(struct in6_addr)];
	struct sockaddr_storage ss;
	socklen_t sslen = sizeof ss;
	size_t hlen;
	long port;

	if (srv->sock != NULL) {
		mcp_err_set(err, MCP_INVALID_PARAMS,
		    "http: already listening on port %d; make another server "
		    "for another address", srv->port);
		return -1;
	}
	if (addr == NULL)
		addr = "";
	if (addr[0] == '[') {
		const char *close = strchr(addr, ']');

		colon = close != NULL && close[1] == ':' ? close + 1 : NULL;
		hlen = close != NULL ? (size_t)(close - addr) - 1 : 0;
		ps = addr + 1;
	} else {
		colon = strrchr(addr, ':');
		hlen = colon != NULL ? (size_t)(colon - addr) : 0;
		ps = addr;
	}
	if (colon == NULL || hlen >= sizeof host || colon[1] == '\0')
		goto bad;
	memcpy(host, ps, hlen);
	host[hlen] = '\0';
	if (hlen == 0 || strcasecmp(host, "localhost") == 0)
		snprintf(host, sizeof host, "127.0.0.1");
	if (addr[0] == '[' ? inet_pton(AF_INET6, host, bin) != 1 :
	    inet_pton(AF_INET, host, bin) != 1)
		goto bad;
	errno = 0;
	port = strtol(colon + 1, &end, 10);
	if (*end != '\0' || port < 0 || port > 65535 || errno != 0 ||
	    colon[1] < '0' || colon[1] > '9')
		goto bad;

	srv->sock = evhttp_bind_socket_with_handle(srv->http, host,
	    (ev_uint16_t)port);
	if (srv->sock == NULL) {
		mcp_err_set(err, MCP_INTERNAL_ERROR,
		    "http: cannot listen on %s: %s; pick another address or "
		    "port", addr, strerror(errno));
		return -1;
	}
	if (getsockname(evhttp_bound_socket_get_fd(srv->sock),
	    (struct sockaddr *)&ss, &sslen) != 0) {
		mcp_err_set(err, MCP_INTERNAL_ERROR,
		    "http: cannot read the address of %s: %s", addr,
		    strerror(errno));
		evhttp_del_accept_socket(srv->http, srv->sock);
		srv->sock = NULL;
		return -1;
	}
	srv->port = ntohs(ss.ss_family == AF_INET6 ?
	    ((struct sockaddr_in6 *)&ss)->sin6_port :
	    ((struct sockaddr_in *)&ss)->sin_port);
	srv->loopback = mcp_http_is_loopback(&ss);
	mcp_logf(srv->log, MCP_LOG_INFO, "http: listening on %s%s%s:%d%s",
	    addr[0] == '[' ? "[" : "", host, addr[0] == '[' ? "]" : "",
	    srv->port, srv->path);
	return 0;

bad:
	mcp_err_set(err, MCP_INVALID_PARAMS,
	    "http: bad listen address '%s': expected ADDR:PORT such as "
	    "127.0.0.1:8080, [::1]:0 or :8080", addr);
	return -1;
}

int
mcp_http_server_port(const struct mcp_http_server *srv)
{
	return srv->port;
}

void
mcp_http_server_free(struct mcp_http_server *srv)
{
	struct mcp_http_session *s;
	size_t i;

	if (srv == NULL)
		return;
	/* Sessions outlive us until their owners free them; evhttp_free
	 * below takes the requests they held. */
	while ((s = TAILQ_FIRST(&srv->sessions)) != NULL)
		mcp_http_session_end(s, "server shutting down", false);
	evhttp_free(srv->http);
	for (i = 0; srv->origins != NULL && srv->origins[i] != NULL; i++)
		free(srv->origins[i]);
	free(srv->origins);
	free(srv->path);
	free(srv);
}
