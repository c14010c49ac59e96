/*
 * Streamable HTTP client on libcurl's multi-socket API (curl's
 * docs/examples/multi-event.c): curl tells us which sockets to watch and
 * when to wake it; our events call curl_multi_socket_action. Every
 * transfer is one struct xfer. Curl callbacks (write, header) only parse and
 * queue; incoming messages are handed upward after curl returns, so the
 * peer may send or close from on_message without re-entering curl.
 *
 * The HTTP+SSE transport (2024-11-05) shares the machinery: one GET stream
 * (legacy_stream) delivers everything; POSTs go to the endpoint its first
 * event names and only say whether the server took the message.
 */
#include <sys/queue.h>
#include <ctype.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>
#include <event2/event.h>

#include "http_client.h"
#include "json.h"

#define HC_DEFAULT_RETRY_MS	1000
#define HC_MAX_RETRY_MS		30000
#define HC_DELETE_TIMEOUT_MS	2000
#define HC_CONNECT_TIMEOUT_MS	10000
#define HC_EXCERPT		200
#define HC_MAX_SESSION_ID	256
#define HC_MAX_ENDPOINT		2048

enum hc_kind { HC_POST, HC_GET, HC_DELETE };

struct hc;

struct hc_xfer {
	TAILQ_ENTRY(hc_xfer) entry;
	struct hc *c;
	CURL *easy;
	enum hc_kind kind;
	bool added;			/* in the multi handle */
	bool listed;			/* in c->xfers */
	struct event *delay_ev;		/* a resumption waiting for retry: */
	struct curl_slist *headers;
	bool has_req;			/* carries (or resumes) request req_id */
	struct mcp_id req_id;		/* owned copy */
	bool answered;			/* req_id's response came */
	bool standalone;		/* the session's GET stream */
	bool notify_only;		/* a POST without a request */
	bool is_init;			/* carries the initialize request */
	bool legacy_stream;		/* HTTP+SSE: the session's stream */
	bool fatal;			/* fail: ends the transport */
	char fail[300];			/* why we stopped this transfer */
	char ctype[64];			/* the reply's content type */
	int attempts;			/* resumptions in a row without events */
	bool progressed;		/* an event arrived on this transfer */

	bool started;			/* first body byte seen */
	long status;
	bool sse;
	bool toobig;
	char *body;			/* a JSON reply or an error body */
	size_t body_len;
	char *line;			/* SSE: the unfinished line */
	size_t line_len;
	char *data;			/* SSE: the event's data so far */
	size_t data_len;
	bool has_data;
	char event[32];
	char *last_id;			/* SSE: last event id of this stream */
	char errbuf[CURL_ERROR_SIZE];
};
TAILQ_HEAD(hc_xfers, hc_xfer);

struct hc_msg {
	STAILQ_ENTRY(hc_msg) entry;
	size_t len;
	char json[];
};
STAILQ_HEAD(hc_msgs, hc_msg);

struct hc_sock {
	LIST_ENTRY(hc_sock) entry;
	struct event *ev;
};
LIST_HEAD(hc_socks, hc_sock);

struct hc {
	struct mcp_transport t;		/* first: the transport interface */
	struct event_base *base;
	CURLM *multi;
	struct event *timer_ev;
	struct event *done_ev;
	char *url;
	char **headers;			/* copies of opts.headers */
	char *auth;			/* "Authorization: Bearer ..." */
	size_t max_message;
	int max_reconnects;
	const struct mcp_log *log;

	struct hc_xfers xfers;
	struct hc_msgs msgs;
	struct hc_socks socks;
	bool flushing;

	char *session_id;
	char *protocol_version;
	struct mcp_id init_id;		/* the initialize request, until answered */
	char *init_json;		/* its text, for the HTTP+SSE fallback */
	size_t init_len;

	enum mcp_http_client_mode mode;
	bool legacy;			/* speaking HTTP+SSE */
	char *endpoint;			/* HTTP+SSE: where to POST, once known */
	struct hc_msgs held;		/* HTTP+SSE: POSTs waiting for it */
	char fallback_why[300];		/* the POST answer that made us fall back */
	bool get_opened;
	int retry_ms;

	bool closing, reported;
	bool reason_null;
	char reason[512];
};

static void hc_process(struct hc *);
static void hc_report(struct hc *, const char *reason);
static void hc_post(struct hc *, const char *json, size_t len);

/* Stop x from a curl callback: why becomes its error (see hc_done). */
static void
hc_xfer_fail(struct hc_xfer *x, bool fatal, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
hc_xfer_fail(struct hc_xfer *x, bool fatal, const char *fmt, ...)
{
	va_list ap;

	if (x->fail[0] != '\0')
		return;		/* the first error wins */
	va_start(ap, fmt);
	vsnprintf(x->fail, sizeof x->fail, fmt, ap);
	va_end(ap);
	x->fatal = fatal;
}

/* Sockets and the timer, for curl */

static void
hc_event_cb(evutil_socket_t fd, short what, void *arg)
{
	struct hc *c = arg;
	int running, flags = 0;

	if (what & EV_READ)
		flags |= CURL_CSELECT_IN;
	if (what & EV_WRITE)
		flags |= CURL_CSELECT_OUT;
	curl_multi_socket_action(c->multi, fd, flags, &running);
	hc_process(c);
}

static void
hc_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct hc *c = arg;
	int running;

	(void)fd;
	(void)what;
	curl_multi_socket_action(c->multi, CURL_SOCKET_TIMEOUT, 0, &running);
	hc_process(c);
}

static int
hc_socket_fn(CURL *easy, curl_socket_t s, int what, void *userp, void *sockp)
{
	struct hc *c = userp;
	struct hc_sock *si = sockp;
	short kind;

	(void)easy;
	if (what == CURL_POLL_REMOVE) {
		if (si != NULL) {
			event_free(si->ev);
			LIST_REMOVE(si, entry);
			free(si);
			curl_multi_assign(c->multi, s, NULL);
		}
		return 0;
	}
	kind = EV_PERSIST | ((what & CURL_POLL_IN) ? EV_READ : 0) |
	    ((what & CURL_POLL_OUT) ? EV_WRITE : 0);
	if (si == NULL) {
		si = mcp_xcalloc(1, sizeof *si);
		LIST_INSERT_HEAD(&c->socks, si, entry);
		curl_multi_assign(c->multi, s, si);
	} else
		event_free(si->ev);
	if ((si->ev = event_new(c->base, s, kind, hc_event_cb, c)) == NULL)
		abort();
	event_add(si->ev, NULL);
	return 0;
}

static int
hc_timer_fn(CURLM *multi, long timeout_ms, void *userp)
{
	struct hc *c = userp;
	struct timeval tv;

	(void)multi;
	if (timeout_ms < 0) {
		evtimer_del(c->timer_ev);
		return 0;
	}
	tv.tv_sec = timeout_ms / 1000;
	tv.tv_usec = (timeout_ms % 1000) * 1000;
	evtimer_add(c->timer_ev, &tv);
	return 0;
}

/* Transfers */

static void
hc_xfer_free(struct hc_xfer *x)
{
	struct hc *c = x->c;

	if (x->listed)
		TAILQ_REMOVE(&c->xfers, x, entry);
	if (x->added)
		curl_multi_remove_handle(c->multi, x->easy);
	curl_easy_cleanup(x->easy);
	if (x->delay_ev != NULL)
		event_free(x->delay_ev);
	curl_slist_free_all(x->headers);
	mcp_id_clear(&x->req_id);
	free(x->body);
	free(x->line);
	free(x->data);
	free(x->last_id);
	free(x);
}

static void
hc_msgs_add(struct hc_msgs *q, const char *json, size_t len)
{
	struct hc_msg *m = mcp_xmalloc(sizeof *m + len + 1);

	m->len = len;
	memcpy(m->json, json, len);
	m->json[len] = '\0';
	STAILQ_INSERT_TAIL(q, m, entry);
}

static void
hc_msgs_clear(struct hc_msgs *q)
{
	struct hc_msg *m;

	while ((m = STAILQ_FIRST(q)) != NULL) {
		STAILQ_REMOVE_HEAD(q, entry);
		free(m);
	}
}

static void
hc_queue(struct hc *c, const char *json, size_t len)
{
	hc_msgs_add(&c->msgs, json, len);
}

/* Hand queued messages upward, outside every curl callback. */
static void
hc_flush(struct hc *c)
{
	struct hc_msg *m;

	if (c->flushing)
		return;
	c->flushing = true;
	while ((m = STAILQ_FIRST(&c->msgs)) != NULL) {
		STAILQ_REMOVE_HEAD(&c->msgs, entry);
		if (!c->closing && c->t.on_message != NULL)
			c->t.on_message(c->t.arg, m->json, m->len);
		free(m);
	}
	c->flushing = false;
}

/* A local JSON-RPC error answering the request x carries. */
static void
hc_fail_request(struct hc_xfer *x, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
hc_fail_request(struct hc_xfer *x, int code, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	size_t len;
	char *json;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	mcp_logf(x->c->log, MCP_LOG_WARNING, "http: %s", msg);
	if (!x->has_req || x->answered)
		return;
	x->answered = true;
	json = mcp_rpc_encode_error(&x->req_id, code, msg, NULL, &len);
	hc_queue(x->c, json, len);
	free(json);
}

/* One incoming message from x: note what it answers, then queue it.
 * False when it is not JSON (the peer is told anyway and complains). */
static bool
hc_incoming(struct hc_xfer *x, const char *json, size_t len)
{
	struct hc *c = x->c;
	cJSON *root, *idj;
	struct mcp_id id;
	bool ok;

	if (len > c->max_message) {
		mcp_logf(c->log, MCP_LOG_WARNING, "http: dropped a message of "
		    "%zu bytes, over the limit of %zu", len, c->max_message);
		return false;
	}
	x->progressed = true;
	root = cJSON_ParseWithLength(json, len);
	ok = root != NULL;
	idj = cJSON_GetObjectItemCaseSensitive(root, "id");
	if (root != NULL && cJSON_GetObjectItemCaseSensitive(root, "method")
	    == NULL && idj != NULL && mcp_id_from_json(idj, &id) == 0) {
		if (x->has_req && mcp_id_eq(&id, &x->req_id))
			x->answered = true;
		if (c->init_id.type != MCP_ID_NONE &&
		    mcp_id_eq(&id, &c->init_id)) {
			const cJSON *v = cJSON_GetObjectItemCaseSensitive(
			    cJSON_GetObjectItemCaseSensitive(root, "result"),
			    "protocolVersion");

			if (cJSON_IsString(v)) {
				free(c->protocol_version);
				c->protocol_version = mcp_xstrdup(v->valuestring);
			}
			mcp_id_clear(&c->init_id);
			free(c->init_json);
			c->init_json = NULL;
		}
	}
	cJSON_Delete(root);
	if (!ok) {
		mcp_logf(c->log, MCP_LOG_WARNING, "http: dropped a message "
		    "that is not JSON (%zu bytes)", len);
		return false;
	}
	hc_queue(c, json, len);
	return true;
}

/* HTTP+SSE: the endpoint event's data, resolved against the URL; false
 * (with x failed) unless it is of the URL's origin. */
static bool
hc_legacy_endpoint(struct hc_xfer *x, const char *data, size_t len)
{
	struct hc *c = x->c;
	CURLU *base = curl_url(), *u = curl_url();
	char *ep = mcp_xstrndup(data, len), *abs = NULL;
	char *bs = NULL, *bh = NULL, *bp = NULL, *us = NULL, *uh = NULL,
	    *up = NULL;
	size_t i;
	bool ok = false;

	if (base == NULL || u == NULL)
		abort();
	for (i = 0; i < len; i++)
		if ((unsigned char)ep[i] < 0x20 || ep[i] == 0x7f)
			break;
	if (len == 0 || len > HC_MAX_ENDPOINT || i < len) {
		hc_xfer_fail(x, true, "the server's endpoint event holds no "
		    "usable URI ('%.80s'); the server is broken", ep);
		goto out;
	}
	if (curl_url_set(base, CURLUPART_URL, c->url, 0) != CURLUE_OK ||
	    curl_url_set(u, CURLUPART_URL, c->url, 0) != CURLUE_OK ||
	    curl_url_set(u, CURLUPART_URL, ep, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_URL, &abs, 0) != CURLUE_OK) {
		hc_xfer_fail(x, true, "the server's endpoint '%.80s' is not a "
		    "URI; the server is broken", ep);
		goto out;
	}
	curl_url_get(base, CURLUPART_SCHEME, &bs, 0);
	curl_url_get(base, CURLUPART_HOST, &bh, 0);
	curl_url_get(base, CURLUPART_PORT, &bp, CURLU_DEFAULT_PORT);
	curl_url_get(u, CURLUPART_SCHEME, &us, 0);
	curl_url_get(u, CURLUPART_HOST, &uh, 0);
	curl_url_get(u, CURLUPART_PORT, &up, CURLU_DEFAULT_PORT);
	if (bs == NULL || us == NULL || bh == NULL || uh == NULL || bp == NULL
	    || up == NULL || strcasecmp(bs, us) != 0 || strcasecmp(bh, uh) != 0
	    || strcmp(bp, up) != 0) {
		hc_xfer_fail(x, true, "the server's endpoint '%.80s' is not of "
		    "the origin of %.80s; refused (a server may only send us to "
		    "itself)", abs, c->url);
		goto out;
	}
	free(c->endpoint);
	c->endpoint = mcp_xstrdup(abs);
	mcp_logf(c->log, MCP_LOG_DEBUG, "http: HTTP+SSE endpoint %s",
	    c->endpoint);
	ok = true;
out:
	curl_free(abs);
	curl_free(bs);
	curl_free(bh);
	curl_free(bp);
	curl_free(us);
	curl_free(uh);
	curl_free(up);
	curl_url_cleanup(base);
	curl_url_cleanup(u);
	free(ep);
	return ok;
}

/* SSE: one complete event. */
static bool
hc_sse_event(struct hc_xfer *x)
{
	size_t dl = x->data_len;

	if (!x->has_data)
		return true;
	if (dl > 0 && x->data[dl - 1] == '\n')
		dl--;
	x->data[dl] = '\0';
	if (x->legacy_stream && x->c->endpoint == NULL) {
		if (strcmp(x->event, "endpoint") != 0) {
			hc_xfer_fail(x, true, "GET %s: the first event is '%s', "
			    "not 'endpoint'; not an HTTP+SSE MCP server",
			    x->c->url, x->event[0] != '\0' ? x->event :
			    "message");
			return false;
		}
		return hc_legacy_endpoint(x, x->data, dl);
	}
	if ((x->event[0] == '\0' || strcmp(x->event, "message") == 0) &&
	    dl > 0)
		hc_incoming(x, x->data, dl);
	return true;
}

/* SSE: one complete line (without its end); false to stop the stream. */
static bool
hc_sse_line(struct hc_xfer *x, const char *line, size_t n)
{
	struct hc *c = x->c;
	const char *colon, *val;
	size_t flen, vlen;

	if (n == 0) {
		bool ok = hc_sse_event(x);

		x->data_len = 0;
		x->has_data = false;
		x->event[0] = '\0';
		return ok;
	}
	if (line[0] == ':')
		return true;	/* a comment: keep-alive */
	colon = memchr(line, ':', n);
	flen = colon != NULL ? (size_t)(colon - line) : n;
	val = colon != NULL ? colon + 1 : line + n;
	vlen = n - (size_t)(val - line);
	if (vlen > 0 && val[0] == ' ') {
		val++;
		vlen--;
	}
	if (flen == 4 && memcmp(line, "data", 4) == 0) {
		if (x->data_len + vlen > c->max_message) {
			x->toobig = true;
			return false;
		}
		x->data = mcp_xrealloc(x->data, x->data_len + vlen + 2);
		memcpy(x->data + x->data_len, val, vlen);
		x->data_len += vlen;
		x->data[x->data_len++] = '\n';
		x->has_data = true;
	} else if (flen == 5 && memcmp(line, "event", 5) == 0) {
		if (vlen >= sizeof x->event)
			vlen = sizeof x->event - 1;
		memcpy(x->event, val, vlen);
		x->event[vlen] = '\0';
	} else if (flen == 2 && memcmp(line, "id", 2) == 0) {
		if (memchr(val, '\0', vlen) == NULL && vlen < 256) {
			free(x->last_id);
			x->last_id = mcp_xstrndup(val, vlen);
		}
	} else if (flen == 5 && memcmp(line, "retry", 5) == 0) {
		long ms = 0;
		size_t i;

		for (i = 0; i < vlen && isdigit((unsigned char)val[i]); i++)
			if (ms < HC_MAX_RETRY_MS)
				ms = ms * 10 + (val[i] - '0');
		if (i == vlen && vlen > 0)
			c->retry_ms = ms > HC_MAX_RETRY_MS ? HC_MAX_RETRY_MS :
			    (int)ms;
	}
	return true;
}

/* SSE: take in a chunk; false when a line is too long. */
static bool
hc_sse_feed(struct hc_xfer *x, const char *p, size_t n)
{
	while (n > 0) {
		const char *nl = memchr(p, '\n', n);
		size_t take = nl != NULL ? (size_t)(nl - p) : n;

		if (x->line_len + take > x->c->max_message + 64) {
			x->toobig = true;
			return false;
		}
		x->line = mcp_xrealloc(x->line, x->line_len + take + 1);
		memcpy(x->line + x->line_len, p, take);
		x->line_len += take;
		if (nl == NULL)
			break;
		if (x->line_len > 0 && x->line[x->line_len - 1] == '\r')
			x->line_len--;
		if (!hc_sse_line(x, x->line, x->line_len))
			return false;
		x->line_len = 0;
		p = nl + 1;
		n -= take + 1;
	}
	return true;
}

static size_t
hc_write_cb(char *p, size_t size, size_t nmemb, void *arg)
{
	struct hc_xfer *x = arg;
	size_t n = size * nmemb;

	if (!x->started) {
		char *ct = NULL;

		x->started = true;
		curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &x->status);
		curl_easy_getinfo(x->easy, CURLINFO_CONTENT_TYPE, &ct);
		snprintf(x->ctype, sizeof x->ctype, "%s", ct != NULL ? ct : "");
		x->sse = x->status == 200 && ct != NULL &&
		    strncasecmp(ct, "text/event-stream", 17) == 0;
		/* A POST's 200 is JSON or SSE; HTTP+SSE POSTs say only
		 * "accepted", whatever their type. */
		if (x->kind == HC_POST && x->status == 200 && !x->sse &&
		    !x->c->legacy && (ct == NULL || strncasecmp(ct,
		    "application/json", 16) != 0)) {
			hc_xfer_fail(x, false, "POST %s answered 200 with content "
			    "type '%.60s', not application/json or "
			    "text/event-stream; is this an MCP endpoint?",
			    x->c->url, ct != NULL ? ct : "(none)");
			return 0;
		}
	}
	if (x->sse)
		return hc_sse_feed(x, p, n) ? n : 0;
	if (x->body_len + n > x->c->max_message) {
		x->toobig = true;
		return 0;
	}
	x->body = mcp_xrealloc(x->body, x->body_len + n + 1);
	memcpy(x->body + x->body_len, p, n);
	x->body_len += n;
	x->body[x->body_len] = '\0';
	return n;
}

static size_t
hc_header_cb(char *p, size_t size, size_t nmemb, void *arg)
{
	struct hc_xfer *x = arg;
	size_t n = size * nmemb, k = sizeof "Mcp-Session-Id:" - 1;

	/* The session id comes with the answer to initialize; only there
	 * is it taken. */
	if (n > k && strncasecmp(p, "Mcp-Session-Id:", k) == 0 && x->is_init &&
	    x->c->session_id == NULL && !x->c->legacy) {
		const char *v = p + k, *e = p + n, *q;

		while (v < e && (*v == ' ' || *v == '\t'))
			v++;
		while (e > v && (e[-1] == '\r' || e[-1] == '\n' ||
		    e[-1] == ' ' || e[-1] == '\t'))
			e--;
		for (q = v; q < e; q++)
			if (*q < 0x21 || *q > 0x7e)
				break;
		if (q < e || e - v > HC_MAX_SESSION_ID) {
			hc_xfer_fail(x, true, "the server's Mcp-Session-Id is "
			    "not 1 to %d visible ASCII characters; the server "
			    "is broken", HC_MAX_SESSION_ID);
			return 0;
		}
		if (e > v)
			x->c->session_id = mcp_xstrndup(v, (size_t)(e - v));
	}
	return n;
}

static void
hc_header(struct hc_xfer *x, const char *fmt, const char *v)
{
	char buf[1024];

	snprintf(buf, sizeof buf, fmt, v);
	x->headers = curl_slist_append(x->headers, buf);
}

/* A new transfer, set up but not started. HTTP+SSE POSTs go to the
 * endpoint. */
static struct hc_xfer *
hc_xfer_new(struct hc *c, enum hc_kind kind, const char *last_event_id)
{
	struct hc_xfer *x = mcp_xcalloc(1, sizeof *x);
	size_t i;

	x->c = c;
	x->kind = kind;
	if ((x->easy = curl_easy_init()) == NULL)
		abort();
	TAILQ_INSERT_TAIL(&c->xfers, x, entry);
	x->listed = true;
	curl_easy_setopt(x->easy, CURLOPT_URL, c->legacy && kind == HC_POST ?
	    c->endpoint : c->url);
	curl_easy_setopt(x->easy, CURLOPT_PRIVATE, x);
	curl_easy_setopt(x->easy, CURLOPT_ERRORBUFFER, x->errbuf);
	curl_easy_setopt(x->easy, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(x->easy, CURLOPT_WRITEFUNCTION, hc_write_cb);
	curl_easy_setopt(x->easy, CURLOPT_WRITEDATA, x);
	curl_easy_setopt(x->easy, CURLOPT_HEADERFUNCTION, hc_header_cb);
	curl_easy_setopt(x->easy, CURLOPT_HEADERDATA, x);
	curl_easy_setopt(x->easy, CURLOPT_CONNECTTIMEOUT_MS,
	    (long)HC_CONNECT_TIMEOUT_MS);
	if (kind == HC_POST) {
		x->headers = curl_slist_append(x->headers,
		    "Content-Type: application/json");
		x->headers = curl_slist_append(x->headers,
		    "Accept: application/json, text/event-stream");
		/* No 100-continue round trip before large bodies. */
		x->headers = curl_slist_append(x->headers, "Expect:");
	} else if (kind == HC_GET) {
		curl_easy_setopt(x->easy, CURLOPT_HTTPGET, 1L);
		x->headers = curl_slist_append(x->headers,
		    "Accept: text/event-stream");
		if (last_event_id != NULL)
			hc_header(x, "Last-Event-ID: %s", last_event_id);
	} else {
		curl_easy_setopt(x->easy, CURLOPT_CUSTOMREQUEST, "DELETE");
		curl_easy_setopt(x->easy, CURLOPT_TIMEOUT_MS,
		    (long)HC_DELETE_TIMEOUT_MS);
	}
	if (c->session_id != NULL)
		hc_header(x, "Mcp-Session-Id: %s", c->session_id);
	if (c->protocol_version != NULL && !c->legacy)
		hc_header(x, "MCP-Protocol-Version: %s", c->protocol_version);
	for (i = 0; c->headers != NULL && c->headers[i] != NULL; i++)
		x->headers = curl_slist_append(x->headers, c->headers[i]);
	if (c->auth != NULL)
		x->headers = curl_slist_append(x->headers, c->auth);
	curl_easy_setopt(x->easy, CURLOPT_HTTPHEADER, x->headers);
	return x;
}

static void
hc_xfer_start(struct hc_xfer *x)
{
	if (curl_multi_add_handle(x->c->multi, x->easy) != CURLM_OK) {
		mcp_logf(x->c->log, MCP_LOG_ERROR, "http: cannot start a "
		    "transfer");
		abort();
	}
	x->added = true;
}

static void
hc_delay_cb(evutil_socket_t fd, short what, void *arg)
{
	struct hc_xfer *x = arg;

	(void)fd;
	(void)what;
	hc_xfer_start(x);
}

/* Open (or resume) a GET stream after delay_ms; it continues prev's
 * request when prev carries one. */
static void
hc_get_open(struct hc *c, const char *last_id, const struct hc_xfer *prev,
    int attempts, int delay_ms)
{
	struct hc_xfer *x = hc_xfer_new(c, HC_GET, last_id);
	struct timeval tv = { delay_ms / 1000, (delay_ms % 1000) * 1000 };

	x->attempts = attempts;
	if (prev != NULL && prev->has_req) {
		x->has_req = true;
		mcp_id_copy(&x->req_id, &prev->req_id);
	} else
		x->standalone = true;
	if (last_id != NULL)
		x->last_id = mcp_xstrdup(last_id);
	if (delay_ms <= 0) {
		hc_xfer_start(x);
		return;
	}
	if ((x->delay_ev = evtimer_new(c->base, hc_delay_cb, x)) == NULL)
		abort();
	evtimer_add(x->delay_ev, &tv);
}

/* The body, cut and cleaned for a one-line message. */
static void
hc_excerpt(const struct hc_xfer *x, char *out, size_t size)
{
	size_t i, n = x->body_len < size - 1 ? x->body_len : size - 1;

	if (n > HC_EXCERPT)
		n = HC_EXCERPT;
	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)x->body[i];

		out[i] = ch < 0x20 || ch == 0x7f ? ' ' : (char)ch;
	}
	out[i] = '\0';
}

/* A stream (POST SSE or GET) ended: resume it or give up. */
static void
hc_stream_ended(struct hc_xfer *x, const char *why)
{
	struct hc *c = x->c;
	int attempts = x->progressed ? 0 : x->attempts + 1;

	if (x->has_req && x->answered)
		return;
	if (!x->has_req && !x->standalone)
		return;
	if (x->toobig) {
		hc_fail_request(x, MCP_INTERNAL_ERROR, "an SSE event exceeds "
		    "the limit of %zu bytes; the stream was dropped",
		    c->max_message);
		if (!x->has_req)
			mcp_logf(c->log, MCP_LOG_WARNING, "http: an SSE event "
			    "on the GET stream exceeds the limit of %zu bytes; "
			    "the stream was dropped", c->max_message);
		return;
	}
	if (attempts > c->max_reconnects) {
		if (x->has_req)
			hc_fail_request(x, MCP_CONNECTION_CLOSED,
			    "stream of the request ended (%s) and could not be "
			    "resumed after %d attempts", why, c->max_reconnects);
		else
			mcp_logf(c->log, MCP_LOG_WARNING, "http: the GET stream "
			    "ended (%s); gave up after %d attempts", why,
			    c->max_reconnects);
		return;
	}
	if (x->has_req && x->last_id == NULL) {
		hc_fail_request(x, MCP_CONNECTION_CLOSED, "stream of the request "
		    "ended (%s) before its response, with no event id to "
		    "resume from", why);
		return;
	}
	mcp_logf(c->log, MCP_LOG_DEBUG, "http: stream ended (%s); resuming "
	    "in %d ms after '%s'", why, c->retry_ms,
	    x->last_id != NULL ? x->last_id : "");
	hc_get_open(c, x->last_id, x, attempts, c->retry_ms);
}

/* A hint for an HTTP error status, to end a message with. */
static const char *
hc_status_hint(long status)
{
	switch (status) {
	case 401:
		return "; give a valid bearer token or Authorization header";
	case 403:
		return "; the server refuses this client or its token";
	case 413:
		return "; the message is too large for the server";
	default:
		return status >= 500 ? "; the server failed, try again later" :
		    "";
	}
}

/* Whether x's error body is the server's own JSON-RPC error for x's
 * request: then it is the answer, not a transport failure. */
static bool
hc_own_error(const struct hc_xfer *x)
{
	struct mcp_rpc_msg m;
	struct mcp_err err = { 0, "" };
	bool own;

	if (!x->has_req || x->body_len == 0)
		return false;
	own = mcp_rpc_decode(x->body, x->body_len, &m, &err) == 0 &&
	    m.kind == MCP_RPC_ERROR && mcp_id_eq(&m.id, &x->req_id);
	mcp_rpc_msg_clear(&m);
	return own;
}

/* HTTP+SSE: open the session's stream; the messages held back go out once
 * its endpoint event came. */
static void
hc_legacy_open(struct hc *c)
{
	struct hc_xfer *x = hc_xfer_new(c, HC_GET, NULL);

	c->legacy = true;
	c->get_opened = true;
	x->legacy_stream = true;
	hc_xfer_start(x);
}

/* HTTP+SSE: the session's stream is over, and so is the transport. */
static void
hc_legacy_done(struct hc_xfer *x, CURLcode rc)
{
	struct hc *c = x->c;
	char ex[HC_EXCERPT + 1], reason[1024];
	const char *and = c->fallback_why[0] != '\0' ? " and " : "";

	if (x->fail[0] != '\0') {
		snprintf(reason, sizeof reason, "%s", x->fail);
	} else if (x->toobig) {
		snprintf(reason, sizeof reason, "an SSE event from %.100s "
		    "exceeds the limit of %zu bytes", c->url, c->max_message);
	} else if (rc != CURLE_OK && x->status == 0) {
		snprintf(reason, sizeof reason, "%s%scannot reach %.100s: %s",
		    c->fallback_why, and, c->url, x->errbuf[0] != '\0' ?
		    x->errbuf : curl_easy_strerror(rc));
	} else if (!x->sse) {
		hc_excerpt(x, ex, sizeof ex);
		snprintf(reason, sizeof reason, "%s%sGET %.100s returned HTTP "
		    "%ld (%s), not an SSE stream: %.80s; check the URL",
		    c->fallback_why, and, c->url, x->status, x->ctype[0] !=
		    '\0' ? x->ctype : "no content type", ex[0] != '\0' ? ex :
		    "(no body)");
	} else if (c->endpoint == NULL) {
		snprintf(reason, sizeof reason, "GET %.100s: the stream ended "
		    "before its endpoint event; not an HTTP+SSE MCP server",
		    c->url);
	} else {
		snprintf(reason, sizeof reason, "the server ended the HTTP+SSE "
		    "stream (%s); the session is over", rc == CURLE_OK ?
		    "closed by the server" : curl_easy_strerror(rc));
	}
	hc_report(c, reason);
}

/* A transfer is over (it is out of the multi handle already). */
static void
hc_done(struct hc_xfer *x, CURLcode rc)
{
	struct hc *c = x->c;
	char ex[HC_EXCERPT + 1];
	const char *what = x->kind == HC_POST ? "POST" :
	    x->kind == HC_GET ? "GET" : "DELETE";
	const char *url = c->legacy && x->kind == HC_POST ? c->endpoint :
	    c->url;

	if (!x->started)
		curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &x->status);
	if (c->closing || c->reported)
		return;
	if (x->legacy_stream) {
		hc_legacy_done(x, rc);
		return;
	}
	if (x->fail[0] != '\0') {
		hc_fail_request(x, MCP_INTERNAL_ERROR, "%s", x->fail);
		if (x->fatal)
			hc_report(c, x->fail);
		return;
	}
	if (rc != CURLE_OK && x->status == 0) {
		/* Nothing came back: the server is not there. */
		const char *e = x->errbuf[0] != '\0' ? x->errbuf :
		    curl_easy_strerror(rc);

		hc_fail_request(x, MCP_CONNECTION_CLOSED, "%s %s: %s", what,
		    url, e);
		if (rc == CURLE_COULDNT_CONNECT || rc == CURLE_COULDNT_RESOLVE_HOST
		    || rc == CURLE_COULDNT_RESOLVE_PROXY ||
		    rc == CURLE_OPERATION_TIMEDOUT) {
			char reason[300];

			snprintf(reason, sizeof reason, "cannot reach %s: %s",
			    url, e);
			hc_report(c, reason);
		} else if (x->kind == HC_GET)
			hc_stream_ended(x, e);
		return;
	}
	if (x->status == 404 && c->session_id != NULL) {
		char reason[300];

		snprintf(reason, sizeof reason, "session expired: the server no "
		    "longer knows session %.80s (HTTP 404); start a new session",
		    c->session_id);
		hc_report(c, reason);
		return;
	}
	if (x->sse) {
		hc_stream_ended(x, rc == CURLE_OK ? "closed by the server" :
		    curl_easy_strerror(rc));
		return;
	}
	if (x->kind == HC_GET) {
		if (x->status == 405) {
			mcp_logf(c->log, MCP_LOG_DEBUG, "http: the server offers "
			    "no GET stream (405)");
			if (x->has_req)
				hc_fail_request(x, MCP_CONNECTION_CLOSED, "stream "
				    "of the request ended before its response and "
				    "cannot be resumed: the server offers no GET "
				    "stream (405)");
			return;
		}
		hc_excerpt(x, ex, sizeof ex);
		mcp_logf(c->log, MCP_LOG_WARNING, "http: GET returned %ld: %s",
		    x->status, ex);
		if (x->last_id != NULL && x->status == 400) {
			/* An id the server does not know: start afresh. */
			free(x->last_id);
			x->last_id = NULL;
		}
		if (x->status != 409 || x->has_req)
			hc_stream_ended(x, "HTTP error");
		return;
	}
	if (x->kind != HC_POST)
		return;
	if (x->toobig) {
		hc_fail_request(x, MCP_INTERNAL_ERROR, "POST %s: the response "
		    "exceeds the limit of %zu bytes", url, c->max_message);
		return;
	}
	if (rc != CURLE_OK) {
		hc_fail_request(x, MCP_CONNECTION_CLOSED, "POST %s: %s", url,
		    x->errbuf[0] != '\0' ? x->errbuf : curl_easy_strerror(rc));
		return;
	}
	if (c->legacy) {
		/* HTTP+SSE: answers come on the stream; this only says
		 * whether the server took the message. */
		if (x->status >= 200 && x->status < 300)
			return;
		hc_excerpt(x, ex, sizeof ex);
		hc_fail_request(x, MCP_INTERNAL_ERROR, "POST %s returned HTTP "
		    "%ld: %s%s", url, x->status, ex[0] != '\0' ? ex :
		    "(no body)", hc_status_hint(x->status));
		return;
	}
	if (x->is_init && c->mode == MCP_HTTP_CLIENT_AUTO &&
	    c->session_id == NULL && (x->status == 400 || x->status == 404 ||
	    x->status == 405) && !hc_own_error(x)) {
		snprintf(c->fallback_why, sizeof c->fallback_why, "POST %.100s "
		    "returned HTTP %ld", url, x->status);
		mcp_logf(c->log, MCP_LOG_INFO, "http: %s to initialize; trying "
		    "the HTTP+SSE transport (2024-11-05)", c->fallback_why);
		if (c->init_json != NULL)
			hc_msgs_add(&c->held, c->init_json, c->init_len);
		hc_legacy_open(c);
		return;
	}
	if (x->status == 202 || (x->status == 200 && x->body_len == 0 &&
	    !x->has_req))
		return;
	if (x->status == 200) {
		if (!hc_incoming(x, x->body, x->body_len)) {
			hc_excerpt(x, ex, sizeof ex);
			hc_fail_request(x, MCP_INTERNAL_ERROR, "POST %s: the "
			    "reply is not JSON: %s", url, ex[0] != '\0' ? ex :
			    "(no body)");
		} else if (x->has_req && !x->answered)
			hc_fail_request(x, MCP_INTERNAL_ERROR, "POST %s: the "
			    "JSON reply did not answer the request", url);
		return;
	}
	/* An HTTP error. A JSON-RPC error for our request is the server's
	 * own answer; anything else becomes one. */
	if (hc_own_error(x)) {
		hc_incoming(x, x->body, x->body_len);
		return;
	}
	hc_excerpt(x, ex, sizeof ex);
	hc_fail_request(x, MCP_INTERNAL_ERROR, "POST %s returned HTTP %ld: "
	    "%s%s", url, x->status, ex[0] != '\0' ? ex : "(no body)",
	    hc_status_hint(x->status));
}

/* After curl ran: finish transfers, hand messages up, report a close. */
static void
hc_process(struct hc *c)
{
	CURLMsg *m;
	int left;

	while ((m = curl_multi_info_read(c->multi, &left)) != NULL) {
		struct hc_xfer *x;

		if (m->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&x);
		{
			CURLcode rc = m->data.result;

			curl_multi_remove_handle(c->multi, x->easy);
			x->added = false;
			TAILQ_REMOVE(&c->xfers, x, entry);
			x->listed = false;
			hc_done(x, rc);
		}
		hc_xfer_free(x);
	}
	/* HTTP+SSE: the endpoint came; what was held back goes out. */
	if (c->legacy && c->endpoint != NULL && !c->closing && !c->reported) {
		struct hc_msg *hm;

		while ((hm = STAILQ_FIRST(&c->held)) != NULL) {
			STAILQ_REMOVE_HEAD(&c->held, entry);
			hc_post(c, hm->json, hm->len);
			free(hm);
		}
	}
	if (c->closing && !c->reported && TAILQ_EMPTY(&c->xfers))
		hc_report(c, NULL);
	hc_flush(c);
}

static void
hc_cancel_all(struct hc *c, bool keep_notifications)
{
	struct hc_xfer *x, *next;

	for (x = TAILQ_FIRST(&c->xfers); x != NULL; x = next) {
		next = TAILQ_NEXT(x, entry);
		if (keep_notifications && x->notify_only && x->added)
			continue;
		hc_xfer_free(x);
	}
}

static void
hc_done_cb(evutil_socket_t fd, short what, void *arg)
{
	struct hc *c = arg;

	(void)fd;
	(void)what;
	hc_flush(c);
	if (c->t.on_closed != NULL)
		c->t.on_closed(c->t.arg, c->reason_null ? NULL : c->reason);
}

/* Stop everything and report the close once, from the loop. */
static void
hc_report(struct hc *c, const char *reason)
{
	if (c->reported)
		return;
	c->reported = true;
	c->reason_null = reason == NULL;
	snprintf(c->reason, sizeof c->reason, "%s", reason != NULL ? reason : "");
	if (reason != NULL)
		mcp_logf(c->log, MCP_LOG_WARNING, "http: %s", reason);
	hc_cancel_all(c, false);
	event_active(c->done_ev, 0, 0);
}

/* The transport */

/* notifications/cancelled for id went out: the stream that would carry its
 * answer is of no use any more. */
static void
hc_drop_streams(struct hc *c, const cJSON *params)
{
	const cJSON *rid = cJSON_GetObjectItemCaseSensitive(params, "requestId");
	struct hc_xfer *x, *next;
	struct mcp_id id;

	if (rid == NULL || mcp_id_from_json(rid, &id) != 0)
		return;
	for (x = TAILQ_FIRST(&c->xfers); x != NULL; x = next) {
		next = TAILQ_NEXT(x, entry);
		if (x->has_req && !x->answered && mcp_id_eq(&x->req_id, &id)) {
			mcp_logf(c->log, MCP_LOG_DEBUG, "http: dropped the "
			    "stream of a cancelled request");
			hc_xfer_free(x);
		}
	}
	mcp_id_clear(&id);
}

/* POST one message (to the endpoint under HTTP+SSE). */
static void
hc_post(struct hc *c, const char *json, size_t len)
{
	struct mcp_rpc_msg m;
	struct mcp_err err = { 0, "" };
	struct hc_xfer *x;
	bool initialized = false;

	x = hc_xfer_new(c, HC_POST, NULL);
	curl_easy_setopt(x->easy, CURLOPT_POSTFIELDSIZE, (long)len);
	curl_easy_setopt(x->easy, CURLOPT_COPYPOSTFIELDS, json);
	if (mcp_rpc_decode(json, len, &m, &err) == 0) {
		if (m.kind == MCP_RPC_REQUEST) {
			x->has_req = true;
			mcp_id_copy(&x->req_id, &m.id);
			if (strcmp(m.method, "initialize") == 0) {
				x->is_init = true;
				mcp_id_clear(&c->init_id);
				mcp_id_copy(&c->init_id, &m.id);
				free(c->init_json);
				c->init_json = mcp_xstrndup(json, len);
				c->init_len = len;
			}
		} else if (m.kind == MCP_RPC_NOTIFICATION &&
		    strcmp(m.method, "notifications/initialized") == 0) {
			initialized = true;
		} else if (m.kind == MCP_RPC_NOTIFICATION &&
		    strcmp(m.method, "notifications/cancelled") == 0)
			hc_drop_streams(c, m.params);
	}
	mcp_rpc_msg_clear(&m);
	x->notify_only = !x->has_req;
	hc_xfer_start(x);
	/* The standalone stream, once the session is up. */
	if (initialized && !c->get_opened && !c->legacy) {
		c->get_opened = true;
		hc_get_open(c, NULL, NULL, 0, 0);
	}
}

static int
hc_send(struct mcp_transport *t, const char *json, size_t len,
    const struct mcp_id *related, bool final)
{
	struct hc *c = (struct hc *)t;

	(void)related;
	(void)final;
	if (c->closing || c->reported)
		return -1;
	if (c->legacy && c->endpoint == NULL) {
		hc_msgs_add(&c->held, json, len);
		if (!c->get_opened)
			hc_legacy_open(c);
		return 0;
	}
	hc_post(c, json, len);
	return 0;
}

static void
hc_close(struct mcp_transport *t)
{
	struct hc *c = (struct hc *)t;

	if (c->closing || c->reported)
		return;
	c->closing = true;
	hc_msgs_clear(&c->held);
	hc_cancel_all(c, true);
	if (c->session_id != NULL)
		hc_xfer_start(hc_xfer_new(c, HC_DELETE, NULL));
	if (TAILQ_EMPTY(&c->xfers))
		hc_report(c, NULL);
}

static void
hc_free(struct mcp_transport *t)
{
	struct hc *c = (struct hc *)t;
	struct hc_sock *si;
	size_t i;

	hc_cancel_all(c, false);
	curl_multi_cleanup(c->multi);
	while ((si = LIST_FIRST(&c->socks)) != NULL) {
		LIST_REMOVE(si, entry);
		event_free(si->ev);
		free(si);
	}
	hc_msgs_clear(&c->msgs);
	hc_msgs_clear(&c->held);
	event_free(c->timer_ev);
	event_free(c->done_ev);
	for (i = 0; c->headers != NULL && c->headers[i] != NULL; i++)
		free(c->headers[i]);
	free(c->headers);
	free(c->auth);
	free(c->url);
	free(c->endpoint);
	free(c->session_id);
	free(c->protocol_version);
	free(c->init_json);
	mcp_id_clear(&c->init_id);
	free(c);
}

static const struct mcp_transport_ops hc_ops = {
	.name = "http",
	.send = hc_send,
	.close = hc_close,
	.free = hc_free,
};

/* Headers the transport writes itself; extra headers may not set them. */
static const char *const hc_own_headers[] = {
	"Accept", "Content-Type", "Content-Length", "Expect",
	"Last-Event-ID", "Mcp-Session-Id", "MCP-Protocol-Version",
	"Transfer-Encoding", "Host", NULL
};

struct mcp_transport *
mcp_http_client_new(struct event_base *base, const char *url,
    const struct mcp_http_client_opts *opts, struct mcp_err *err)
{
	struct mcp_http_client_opts o = { 0 };
	struct hc *c;
	size_t i, n = 0;

	if (opts != NULL)
		o = *opts;
	if (url == NULL || (strncasecmp(url, "http://", 7) != 0 &&
	    strncasecmp(url, "https://", 8) != 0)) {
		mcp_err_set(err, MCP_INVALID_PARAMS, "http: bad server URL "
		    "'%.100s'; give an http:// or https:// URL",
		    url != NULL ? url : "(none)");
		return NULL;
	}
	for (i = 0; o.headers != NULL && o.headers[i] != NULL; i++) {
		const char *h = o.headers[i], *colon = strchr(h, ':');
		size_t k;

		if (colon == NULL || colon == h || strpbrk(h, "\r\n") != NULL ||
		    strcspn(h, " \t") < (size_t)(colon - h)) {
			mcp_err_set(err, MCP_INVALID_PARAMS, "http: bad header "
			    "'%.60s'; write it as 'Name: value' on one line",
			    h);
			return NULL;
		}
		for (k = 0; hc_own_headers[k] != NULL; k++)
			if (strlen(hc_own_headers[k]) == (size_t)(colon - h) &&
			    strncasecmp(h, hc_own_headers[k], (size_t)(colon -
			    h)) == 0) {
				mcp_err_set(err, MCP_INVALID_PARAMS, "http: header "
				    "'%s' is the transport's own; remove it from "
				    "the extra headers", hc_own_headers[k]);
				return NULL;
			}
		n++;
	}
	if (o.mode != MCP_HTTP_CLIENT_AUTO && o.mode !=
	    MCP_HTTP_CLIENT_STREAMABLE && o.mode != MCP_HTTP_CLIENT_LEGACY_SSE) {
		mcp_err_set(err, MCP_INVALID_PARAMS, "http: unknown transport "
		    "mode %d; give AUTO, STREAMABLE or LEGACY_SSE", (int)o.mode);
		return NULL;
	}
	if (o.bearer_token != NULL && strpbrk(o.bearer_token, "\r\n") != NULL) {
		mcp_err_set(err, MCP_INVALID_PARAMS, "http: the bearer token "
		    "holds a line break");
		return NULL;
	}
	c = mcp_xcalloc(1, sizeof *c);
	if ((c->multi = curl_multi_init()) == NULL) {
		free(c);
		mcp_err_set(err, MCP_INTERNAL_ERROR, "http: libcurl cannot "
		    "start; was curl_global_init called?");
		return NULL;
	}
	c->t.ops = &hc_ops;
	c->base = base;
	c->url = mcp_xstrdup(url);
	c->max_message = o.max_message > 0 ? o.max_message :
	    MCP_HTTP_CLIENT_MAX_MESSAGE;
	c->max_reconnects = o.max_reconnects > 0 ? o.max_reconnects : 5;
	c->log = o.log;
	c->retry_ms = HC_DEFAULT_RETRY_MS;
	c->mode = o.mode;
	c->legacy = o.mode == MCP_HTTP_CLIENT_LEGACY_SSE;
	if (n > 0) {
		c->headers = mcp_xcalloc(n + 1, sizeof *c->headers);
		for (i = 0; i < n; i++)
			c->headers[i] = mcp_xstrdup(o.headers[i]);
	}
	if (o.bearer_token != NULL)
		c->auth = mcp_xprintf("Authorization: Bearer %s",
		    o.bearer_token);
	TAILQ_INIT(&c->xfers);
	STAILQ_INIT(&c->msgs);
	STAILQ_INIT(&c->held);
	LIST_INIT(&c->socks);
	c->timer_ev = evtimer_new(base, hc_timer_cb, c);
	c->done_ev = event_new(base, -1, 0, hc_done_cb, c);
	if (c->timer_ev == NULL || c->done_ev == NULL)
		abort();
	curl_multi_setopt(c->multi, CURLMOPT_SOCKETFUNCTION, hc_socket_fn);
	curl_multi_setopt(c->multi, CURLMOPT_SOCKETDATA, c);
	curl_multi_setopt(c->multi, CURLMOPT_TIMERFUNCTION, hc_timer_fn);
	curl_multi_setopt(c->multi, CURLMOPT_TIMERDATA, c);
	return &c->t;
}

const char *
mcp_http_client_session_id(const struct mcp_transport *t)
{
	return ((const struct hc *)t)->session_id;
}

bool
mcp_http_client_is_legacy(const struct mcp_transport *t)
{
	return ((const struct hc *)t)->legacy;
}
