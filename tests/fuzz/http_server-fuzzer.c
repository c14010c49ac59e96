/*
 * Fuzz the Streamable HTTP server with raw bytes on a real loopback
 * connection: request lines, headers and bodies in any shape, pipelined or
 * cut short. "@SID@" in the input is replaced by the latest Mcp-Session-Id
 * the server sent, once it has answered what came before, so one input can
 * initialize a session and then use it; "@NEXT@" moves on to a new
 * connection while the earlier ones stay open (a GET stream beside POSTs).
 * "poll" and "pollhold" end their POST stream early (SEP-1699), so a GET with
 * Last-Event-ID has something to resume.
 */
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <event2/event.h>

#include "mcp/http_server.h"
#include "mcp/json.h"
#include "mcp/peer.h"

#define FUZZ_MAX_LEN	65536
#define FUZZ_MAX_SESS	32
#define FUZZ_IDLE_TURNS	4	/* loop turns without progress: settled */
#define FUZZ_MAX_TURNS	400
#define FUZZ_MAX_CONNS	4

/* Fuzzers may keep state across inputs: the loop and the listening server. */
static struct {
	struct event_base *base;
	struct mcp_http_server *srv;
	struct mcp_log log;
	int port;
	struct mcp_peer *peers[FUZZ_MAX_SESS];
	int npeers;
	char sid[80];		/* latest Mcp-Session-Id seen */
	char resp[8192];	/* tail of what the server sent */
	size_t resp_len;
	int fds[FUZZ_MAX_CONNS];	/* client ends; -1 once closed */
	int nfds;
} F;

static void
fuzz_request_cb(void *arg, struct mcp_request *req)
{
	struct mcp_peer *p = arg;
	const char *method = mcp_request_method(req);
	const cJSON *params = mcp_request_params(req);

	if (strcmp(method, "initialize") == 0) {
		if (cJSON_GetObjectItemCaseSensitive(params, "fail") != NULL) {
			mcp_request_fail(req, MCP_INVALID_PARAMS, "refused",
			    NULL);
			return;
		}
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(params,
		    "protocolVersion");
		cJSON *res = mcp_json_parse_const("{\"capabilities\":{},"
		    "\"serverInfo\":{\"name\":\"f\",\"version\":\"1\"}}");

		/* The version decides on priming events: take the client's. */
		cJSON_AddStringToObject(res, "protocolVersion",
		    cJSON_IsString(v) ? v->valuestring : "2025-11-25");
		mcp_request_reply(req, res);
	} else if (strcmp(method, "poll") == 0 ||
	    strcmp(method, "pollhold") == 0) {
		mcp_http_close_stream(mcp_peer_transport(p),
		    mcp_request_id(req));
		mcp_peer_notify_related(p, mcp_request_id(req),
		    "notifications/message", NULL);
		/* pollhold: never answered; mcp_peer_free ends it. */
		if (strcmp(method, "poll") == 0)
			mcp_request_reply(req, NULL);
	} else if (strcmp(method, "echo") == 0) {
		mcp_request_reply(req, params != NULL ?
		    cJSON_Duplicate(params, 1) : NULL);
	} else if (strcmp(method, "slow") == 0) {
		mcp_peer_notify_related(p, mcp_request_id(req),
		    "notifications/message", NULL);
		mcp_request_reply(req, NULL);
	} else if (strcmp(method, "broadcast") == 0) {
		mcp_peer_notify(p, "notifications/resources/list_changed",
		    NULL);
		mcp_request_reply(req, NULL);
	} else if (strcmp(method, "hold") == 0) {
		/* Never answered: mcp_peer_free ends it. */
		mcp_peer_notify_related(p, mcp_request_id(req),
		    "notifications/message", NULL);
	} else if (strcmp(method, "holdjson") == 0) {
		/* Never answered, and no stream started. */
	} else if (strcmp(method, "close") == 0) {
		mcp_request_reply(req, NULL);
		mcp_peer_close(p);
	} else
		mcp_request_fail(req, MCP_METHOD_NOT_FOUND, NULL, NULL);
}

static int
fuzz_session_cb(void *arg, struct mcp_transport *t)
{
	struct mcp_peer_opts po = { 0, 0, 0, &F.log };
	struct mcp_peer *p;

	(void)arg;
	if (F.npeers == FUZZ_MAX_SESS)
		return -1;
	p = mcp_peer_new(F.base, t, &po);
	mcp_peer_set_handlers(p, fuzz_request_cb, NULL, p);
	F.peers[F.npeers++] = p;
	return 0;
}

static void
fuzz_init(void)
{
	struct mcp_http_opts o = { 0 };
	struct mcp_err err = { 0, "" };

	signal(SIGPIPE, SIG_IGN);
	/* HTTP_FUZZ_VERBOSE=1 shows what a seed reaches. */
	F.log.level = getenv("HTTP_FUZZ_VERBOSE") != NULL ? MCP_LOG_DEBUG :
	    MCP_LOG_EMERGENCY;
	F.base = event_base_new();
	o.max_body = 16384;
	o.max_sessions = FUZZ_MAX_SESS;
	o.log = &F.log;
	F.srv = mcp_http_server_new(F.base, &o, fuzz_session_cb, NULL);
	if (mcp_http_server_listen(F.srv, "127.0.0.1:0", &err) != 0)
		abort();
	F.port = mcp_http_server_port(F.srv);
}

/* Remember the last session id the server announced. */
static void
fuzz_scan(const char *buf, size_t n)
{
	const char *p;

	if (n > sizeof F.resp - 1 - F.resp_len) {
		size_t keep = sizeof F.resp / 2;

		if (F.resp_len > keep) {
			memmove(F.resp, F.resp + F.resp_len - keep, keep);
			F.resp_len = keep;
		}
		if (n > sizeof F.resp - 1 - F.resp_len)
			n = sizeof F.resp - 1 - F.resp_len;
	}
	memcpy(F.resp + F.resp_len, buf, n);
	F.resp_len += n;
	F.resp[F.resp_len] = '\0';
	for (p = F.resp; (p = strstr(p, "Mcp-Session-Id: ")) != NULL; p++) {
		size_t len = strcspn(p + 16, "\r\n");

		if (len < sizeof F.sid && p[16 + len] != '\0')
			snprintf(F.sid, sizeof F.sid, "%.*s", (int)len, p + 16);
	}
}

/* Read whatever the server sent on every open connection; 1 if any. */
static int
fuzz_drain(void)
{
	char buf[4096];
	int i, moved = 0;
	ssize_t r;

	for (i = 0; i < F.nfds; i++) {
		if (F.fds[i] < 0)
			continue;
		while ((r = recv(F.fds[i], buf, sizeof buf, 0)) > 0) {
			fuzz_scan(buf, (size_t)r);
			moved = 1;
		}
		if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR)) {
			close(F.fds[i]);
			F.fds[i] = -1;
			moved = 1;
		}
	}
	return moved;
}

/* Run the loop, writing out[0..n) to connection c and reading answers,
 * until nothing moves. */
static void
fuzz_pump(int c, const uint8_t *out, size_t n)
{
	size_t written = 0;
	int idle = 0, turns;

	for (turns = 0; turns < FUZZ_MAX_TURNS && idle < FUZZ_IDLE_TURNS;
	    turns++) {
		int moved = 0;
		ssize_t r;

		if (written < n && F.fds[c] >= 0) {
			r = send(F.fds[c], out + written, n - written,
			    MSG_NOSIGNAL);
			if (r > 0) {
				written += (size_t)r;
				moved = 1;
			} else if (r < 0 && errno != EAGAIN && errno != EINTR)
				written = n;	/* the server hung up */
		}
		event_base_loop(F.base, EVLOOP_NONBLOCK);
		moved |= fuzz_drain();
		idle = moved || (written < n && F.fds[c] >= 0) ? 0 : idle + 1;
	}
}

static int
fuzz_connect(void)
{
	struct sockaddr_in sin;
	int fd, one = 1;

	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		abort();
	/* Small pieces must leave at once: the pump does not wait for
	 * Nagle's delayed ACK. */
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)F.port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&sin, sizeof sin) != 0 &&
	    errno != EINPROGRESS)
		abort();
	F.fds[F.nfds] = fd;
	return F.nfds++;
}

/* The next marker in p[0..n): its kind (0 none, 1 SID, 2 NEXT) and place. */
static int
fuzz_marker(const uint8_t *p, size_t n, const uint8_t **at, size_t *len)
{
	const uint8_t *sid = memmem(p, n, "@SID@", 5);
	const uint8_t *next = memmem(p, n, "@NEXT@", 6);

	if (sid == NULL && next == NULL)
		return 0;
	if (next == NULL || (sid != NULL && sid < next)) {
		*at = sid;
		*len = 5;
		return 1;
	}
	*at = next;
	*len = 6;
	return 2;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *p = data, *end = data + size;
	int c, i;

	if (size > FUZZ_MAX_LEN)
		return 0;
	if (F.base == NULL)
		fuzz_init();
	F.sid[0] = '\0';
	F.resp_len = 0;
	F.nfds = 0;
	c = fuzz_connect();

	while (p < end) {
		const uint8_t *at = end;
		size_t mlen = 0;
		int kind = fuzz_marker(p, (size_t)(end - p), &at, &mlen);

		fuzz_pump(c, p, (size_t)(at - p));
		p = at + mlen;
		if (kind == 1)
			fuzz_pump(c, (const uint8_t *)F.sid, strlen(F.sid));
		else if (kind == 2 && F.nfds < FUZZ_MAX_CONNS)
			c = fuzz_connect();
	}
	/* Half-close: the server sees the end of the client's input while
	 * it may still hold streams. Then hang up. */
	for (i = 0; i < F.nfds; i++) {
		if (F.fds[i] >= 0)
			shutdown(F.fds[i], SHUT_WR);
	}
	fuzz_pump(c, NULL, 0);
	for (i = 0; i < F.nfds; i++) {
		if (F.fds[i] >= 0)
			close(F.fds[i]);
	}
	for (i = 0; i < 8; i++)
		event_base_loop(F.base, EVLOOP_NONBLOCK);

	/* The sessions go with their peers; held requests get answered into
	 * the closed connections and evhttp lets them go. */
	for (i = 0; i < F.npeers; i++)
		mcp_peer_free(F.peers[i]);
	F.npeers = 0;
	for (i = 0; i < 8; i++)
		event_base_loop(F.base, EVLOOP_NONBLOCK);
	return 0;
}
