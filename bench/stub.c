/*
 * A canned-reply MCP server that does no real work: the benchmark's floor.
 * It finds each request's id and method with one cheap scan (no JSON
 * library) and answers from fixed text.
 *
 *   stub                       stdio: all replies to one read go out in one
 *                              write, so what remains is the cost of the pipe
 *                              and the client
 *   stub --http ADDR:PORT      Streamable HTTP on libevent's evhttp, any
 *                              path: a POSTed request is answered with one
 *                              application/json body, initialize with a fixed
 *                              Mcp-Session-Id; a notification gets 202; GET
 *                              405 (no standalone stream); DELETE 200. No
 *                              header is checked: it is a floor, not a server.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#define BENCH_STUB_READ_CHUNK	(256u * 1024)
#define BENCH_STUB_MAX_LINE	(16u * 1024 * 1024)	/* longer: dropped */
#define BENCH_STUB_MAX_ID	256			/* longer: no reply */
#define BENCH_STUB_NREPLIES \
	(sizeof bench_stub_replies / sizeof bench_stub_replies[0])

/* One canned result per method; "result" is the text after "result": */
struct bench_stub_reply {
	const char *method;
	const char *result;
};

static const struct bench_stub_reply bench_stub_replies[] = {
	{ "tools/call", "{\"content\":[{\"type\":\"text\",\"text\":\"ok\"}]}" },
	{ "ping", "{}" },
	{ "initialize",
	    "{\"protocolVersion\":\"2025-11-25\","
	    "\"capabilities\":{\"tools\":{\"listChanged\":false}},"
	    "\"serverInfo\":{\"name\":\"bench-stub\",\"version\":\"1.0.0\"}}" },
	{ "tools/list",
	    "{\"tools\":[{\"name\":\"echo\",\"description\":\"Echo the text\","
	    "\"inputSchema\":{\"type\":\"object\",\"properties\":"
	    "{\"text\":{\"type\":\"string\"}},\"required\":[\"text\"]}}]}" },
	{ "resources/list", "{\"resources\":[]}" },
	{ "resources/templates/list", "{\"resourceTemplates\":[]}" },
	{ "prompts/list", "{\"prompts\":[]}" },
};

#define BENCH_STUB_NOT_FOUND \
	"\"error\":{\"code\":-32601,\"message\":\"method not found\"}}\n"

/* Replies of one read, written together. */
struct bench_stub_out {
	char *buf;
	size_t len, cap;
};

static void *
bench_stub_xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n);

	if (q == NULL) {
		fprintf(stderr, "stub: out of memory (%zu bytes)\n", n);
		abort();
	}
	return q;
}

static void
bench_stub_out_add(struct bench_stub_out *o, const char *s, size_t n)
{
	if (o->cap - o->len < n) {
		size_t ncap = o->cap * 2 + n;

		o->buf = bench_stub_xrealloc(o->buf, ncap);
		o->cap = ncap;
	}
	memcpy(o->buf + o->len, s, n);
	o->len += n;
}

static void
bench_stub_out_str(struct bench_stub_out *o, const char *s)
{
	bench_stub_out_add(o, s, strlen(s));
}

static int
bench_stub_out_flush(struct bench_stub_out *o)
{
	size_t off = 0;

	while (off < o->len) {
		ssize_t n = write(1, o->buf + off, o->len - off);

		if (n < 0) {
			struct pollfd pfd = { 1, POLLOUT, 0 };

			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				return -1;
			poll(&pfd, 1, -1);
			continue;
		}
		off += (size_t)n;
	}
	o->len = 0;
	return 0;
}

/* End of the JSON value starting at p (a string, or a bare token). */
static const char *
bench_stub_value_end(const char *p, const char *end)
{
	if (p < end && *p == '"') {
		for (p++; p < end; p++) {
			if (*p == '\\')
				p++;
			else if (*p == '"')
				return p + 1;
		}
		return end;
	}
	while (p < end && *p != ',' && *p != '}' && *p != ']' && *p != ' ' &&
	    *p != '\t' && *p != '\r')
		p++;
	return p;
}

/*
 * One pass over a line: the values of the top-level "id" and "method" keys,
 * found by tracking depth and strings, so an "id" inside params is not taken.
 */
static void
bench_stub_scan(const char *p, const char *end, const char **id, size_t *idlen,
    const char **method, size_t *mlen)
{
	int depth = 0;

	*id = *method = NULL;
	*idlen = *mlen = 0;
	while (p < end) {
		const char *key, *v, *ve;
		size_t klen;

		switch (*p) {
		case '{':
		case '[':
			depth++;
			p++;
			continue;
		case '}':
		case ']':
			depth--;
			p++;
			continue;
		case '"':
			break;
		default:
			p++;
			continue;
		}
		key = p + 1;
		p = bench_stub_value_end(p, end);
		if (depth != 1)
			continue;
		klen = (size_t)(p - key) - 1;
		v = p;
		while (v < end && (*v == ' ' || *v == '\t'))
			v++;
		if (v >= end || *v != ':')
			continue;	/* a value, not a key */
		v++;
		while (v < end && (*v == ' ' || *v == '\t'))
			v++;
		if (v >= end || (*v == '{' || *v == '['))
			continue;	/* nested: walked by the loop */
		ve = bench_stub_value_end(v, end);
		if (klen == 2 && memcmp(key, "id", 2) == 0) {
			*id = v;
			*idlen = (size_t)(ve - v);
		} else if (klen == 6 && memcmp(key, "method", 6) == 0 &&
		    ve - v >= 2 && *v == '"') {
			*method = v + 1;
			*mlen = (size_t)(ve - v) - 2;
		}
		p = ve;
	}
}

static void
bench_stub_answer(struct bench_stub_out *o, const char *line, size_t n)
{
	const char *id, *method;
	size_t idlen, mlen, i;

	bench_stub_scan(line, line + n, &id, &idlen, &method, &mlen);
	if (id == NULL || method == NULL)
		return;		/* a notification, or a response to us */
	if (idlen > BENCH_STUB_MAX_ID ||
	    (idlen == 4 && memcmp(id, "null", 4) == 0))
		return;
	bench_stub_out_str(o, "{\"jsonrpc\":\"2.0\",\"id\":");
	bench_stub_out_add(o, id, idlen);
	for (i = 0; i < BENCH_STUB_NREPLIES; i++) {
		const struct bench_stub_reply *r = &bench_stub_replies[i];

		if (strlen(r->method) == mlen &&
		    memcmp(r->method, method, mlen) == 0) {
			bench_stub_out_str(o, ",\"result\":");
			bench_stub_out_str(o, r->result);
			bench_stub_out_str(o, "}\n");
			return;
		}
	}
	bench_stub_out_str(o, "," BENCH_STUB_NOT_FOUND);
}

/* HTTP */

#define BENCH_STUB_SESSION	"bench-stub-session-0001"
#define BENCH_STUB_MAX_BODY	(16u * 1024 * 1024)

static void
bench_stub_http_cb(struct evhttp_request *req, void *arg)
{
	struct bench_stub_out *o = arg;
	struct evkeyvalq *h = evhttp_request_get_output_headers(req);
	struct evbuffer *in = evhttp_request_get_input_buffer(req);
	const char *id, *method;
	size_t idlen, mlen, len;
	char *body;

	switch (evhttp_request_get_command(req)) {
	case EVHTTP_REQ_POST:
		break;
	case EVHTTP_REQ_DELETE:
		evhttp_send_reply(req, HTTP_OK, "OK", NULL);
		return;
	default:
		evhttp_add_header(h, "Allow", "POST, DELETE");
		evhttp_send_reply(req, 405, "Method Not Allowed", NULL);
		return;
	}
	len = evbuffer_get_length(in);
	body = (char *)evbuffer_pullup(in, -1);
	if (body == NULL) {
		evhttp_send_reply(req, 202, "Accepted", NULL);
		return;
	}
	bench_stub_scan(body, body + len, &id, &idlen, &method, &mlen);
	o->len = 0;
	bench_stub_answer(o, body, len);
	if (o->len == 0) {
		/* A notification, or a response to us. */
		evhttp_send_reply(req, 202, "Accepted", NULL);
		return;
	}
	evhttp_add_header(h, "Content-Type", "application/json");
	if (method != NULL && mlen == 10 && memcmp(method, "initialize",
	    10) == 0)
		evhttp_add_header(h, "Mcp-Session-Id", BENCH_STUB_SESSION);
	evbuffer_add(evhttp_request_get_output_buffer(req), o->buf, o->len);
	evhttp_send_reply(req, HTTP_OK, "OK", NULL);
}

/* ADDR:PORT, ADDR an IPv4 address. */
static int
bench_stub_http(const char *where)
{
	struct bench_stub_out out = { NULL, 0, 0 };
	struct event_base *base;
	struct evhttp *http;
	char host[64];
	const char *colon = strrchr(where, ':');
	char *end;
	long port;
	struct in_addr a;

	port = colon != NULL ? strtol(colon + 1, &end, 10) : -1;
	if (colon == NULL || (size_t)(colon - where) >= sizeof host ||
	    colon[1] == '\0' || *end != '\0' || port < 1 || port > 65535) {
		fprintf(stderr, "stub: --http '%s' is not ADDR:PORT; try "
		    "--http 127.0.0.1:8080\n", where);
		return 2;
	}
	memcpy(host, where, (size_t)(colon - where));
	host[colon - where] = '\0';
	if (inet_pton(AF_INET, host, &a) != 1) {
		fprintf(stderr, "stub: --http: '%s' is not an IPv4 address; "
		    "try 127.0.0.1\n", host);
		return 2;
	}
	if ((base = event_base_new()) == NULL ||
	    (http = evhttp_new(base)) == NULL) {
		fprintf(stderr, "stub: cannot make an event loop\n");
		return 1;
	}
	evhttp_set_max_body_size(http, BENCH_STUB_MAX_BODY);
	evhttp_set_allowed_methods(http, EVHTTP_REQ_GET | EVHTTP_REQ_POST |
	    EVHTTP_REQ_DELETE);
	evhttp_set_gencb(http, bench_stub_http_cb, &out);
	if (evhttp_bind_socket(http, host, (ev_uint16_t)port) != 0) {
		fprintf(stderr, "stub: cannot listen on %s: %s; choose another "
		    "port\n", where, strerror(errno));
		evhttp_free(http);
		event_base_free(base);
		return 1;
	}
	event_base_dispatch(base);
	evhttp_free(http);
	event_base_free(base);
	free(out.buf);
	return 0;
}

int
main(int argc, char **argv)
{
	struct bench_stub_out out = { NULL, 0, 0 };
	size_t cap = BENCH_STUB_READ_CHUNK, len = 0;
	char *buf = bench_stub_xrealloc(NULL, cap);
	bool discarding = false;

	signal(SIGPIPE, SIG_IGN);
	if (argc == 3 && strcmp(argv[1], "--http") == 0) {
		free(buf);
		return bench_stub_http(argv[2]);
	}
	if (argc != 1) {
		fprintf(stderr, "usage: stub [--http ADDR:PORT]\n");
		free(buf);
		return 2;
	}
	for (;;) {
		size_t start = 0;
		ssize_t n;
		char *nl;

		if (cap - len < BENCH_STUB_READ_CHUNK / 2) {
			cap *= 2;
			buf = bench_stub_xrealloc(buf, cap);
		}
		n = read(0, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			struct pollfd pfd = { 0, POLLIN, 0 };

			poll(&pfd, 1, -1);
			continue;
		}
		if (n <= 0)
			break;
		len += (size_t)n;
		while ((nl = memchr(buf + start, '\n', len - start)) != NULL) {
			if (!discarding)
				bench_stub_answer(&out, buf + start,
				    (size_t)(nl - (buf + start)));
			discarding = false;
			start = (size_t)(nl - buf) + 1;
		}
		if (len - start > BENCH_STUB_MAX_LINE) {
			if (!discarding)
				fprintf(stderr, "stub: line longer than %u "
				    "bytes; dropping it\n",
				    BENCH_STUB_MAX_LINE);
			discarding = true;
			start = len;
		}
		memmove(buf, buf + start, len - start);
		len -= start;
		if (len == 0 && cap > 4 * BENCH_STUB_READ_CHUNK) {
			cap = BENCH_STUB_READ_CHUNK;
			buf = bench_stub_xrealloc(buf, cap);
		}
		if (out.len > 0 && bench_stub_out_flush(&out) != 0)
			break;
	}
	free(buf);
	free(out.buf);
	return 0;
}
