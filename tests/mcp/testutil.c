/*
 * What the mcp tests share: running a test's event loop until something
 * happens or time runs out, a log sink, and the test's own end of a
 * socketpair. Nothing here is checked; the tests check what it returns.
 */
#include <sys/socket.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "mcp/json.h"
#include "tests/mcp/testutil.h"

/* The loop */

static void
testutil_deadline_cb(evutil_socket_t fd, short events, void *arg)
{
	(void)fd;
	(void)events;
	*(bool *)arg = true;
}

bool
testutil_loop_until(struct event_base *base, bool (*cond)(void *), void *arg,
    int ms)
{
	bool expired = false;
	struct timeval tv = { ms / 1000, (ms % 1000) * 1000 };
	struct event *ev = evtimer_new(base, testutil_deadline_cb, &expired);

	evtimer_add(ev, &tv);
	while (!(cond != NULL && cond(arg)) && !expired)
		event_base_loop(base, EVLOOP_ONCE);
	event_free(ev);
	return cond != NULL && cond(arg);
}

void
testutil_spin(struct event_base *base, int ms)
{
	testutil_loop_until(base, NULL, NULL, ms);
}

struct testutil_count_wait {
	const int *counter;
	int target;
};

static bool
testutil_count_reached(void *arg)
{
	const struct testutil_count_wait *w = arg;

	return *w->counter >= w->target;
}

bool
testutil_wait_count(struct event_base *base, const int *counter, int target,
    int ms)
{
	struct testutil_count_wait w = { counter, target };

	return testutil_loop_until(base, testutil_count_reached, &w, ms);
}

int64_t
testutil_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Logs */

void
testutil_log_fn(void *arg, enum mcp_log_level level, const char *msg)
{
	struct testutil_log *l = arg;
	size_t left = sizeof l->all - l->all_len;
	int n;

	(void)level;
	l->count++;
	snprintf(l->last, sizeof l->last, "%s", msg);
	if (left > 1) {
		n = snprintf(l->all + l->all_len, left, "%s\n", msg);
		l->all_len += n < 0 ? 0 : (size_t)n < left ? (size_t)n : left - 1;
	}
}

void
testutil_on_closed(void *arg, const char *reason)
{
	struct testutil_closed *c = arg;

	c->calls++;
	c->null_reason = reason == NULL;
	snprintf(c->reason, sizeof c->reason, "%s", reason ? reason : "");
}

/* The test's end of a connection */

void
testutil_socketpair(int fd[2])
{
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, fd) != 0)
		abort();
}

void
testutil_write(struct event_base *base, int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && (errno == EINTR || errno == EAGAIN)) {
			event_base_loop(base, EVLOOP_NONBLOCK);
			continue;
		}
		if (n <= 0)
			abort();
		p += n;
		len -= (size_t)n;
	}
}

int
testutil_pump(struct event_base *base, int fd, const void *buf, size_t len)
{
	const char *p = buf;
	int flags = fcntl(fd, F_GETFL), rc = 0;

	fcntl(fd, F_SETFL, flags | O_NONBLOCK);
	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n > 0) {
			p += n;
			len -= (size_t)n;
		} else if (n < 0 && errno != EAGAIN && errno != EINTR) {
			rc = -1;
			break;
		}
		event_base_loop(base, EVLOOP_NONBLOCK);
	}
	fcntl(fd, F_SETFL, flags);
	return rc;
}

struct testutil_lines {
	struct event_base *base;
	struct event *ev;
	char *buf;
	size_t len, cap;
	bool eof;
};

static void
testutil_lines_read_cb(evutil_socket_t fd, short events, void *arg)
{
	struct testutil_lines *l = arg;
	ssize_t n;

	(void)events;
	if (l->cap - l->len < 65536) {
		l->cap = l->cap * 2 + 65536;
		l->buf = mcp_xrealloc(l->buf, l->cap);
	}
	n = recv(fd, l->buf + l->len, l->cap - l->len, MSG_DONTWAIT);
	if (n == 0)
		l->eof = true;
	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
		event_del(l->ev);
		return;
	}
	if (n > 0)
		l->len += (size_t)n;
}

struct testutil_lines *
testutil_lines_new(struct event_base *base, int fd)
{
	struct testutil_lines *l = mcp_xcalloc(1, sizeof *l);

	l->base = base;
	l->ev = event_new(base, fd, EV_READ | EV_PERSIST,
	    testutil_lines_read_cb, l);
	event_add(l->ev, NULL);
	return l;
}

static bool
testutil_lines_ready(void *arg)
{
	struct testutil_lines *l = arg;

	return (l->buf != NULL && memchr(l->buf, '\n', l->len) != NULL) ||
	    l->eof;
}

char *
testutil_lines_next(struct testutil_lines *l, int ms)
{
	char *nl, *line;
	size_t n;

	testutil_loop_until(l->base, testutil_lines_ready, l, ms);
	nl = l->buf != NULL ? memchr(l->buf, '\n', l->len) : NULL;
	if (nl == NULL)
		return NULL;
	n = (size_t)(nl - l->buf);
	line = mcp_xstrndup(l->buf, n);
	memmove(l->buf, nl + 1, l->len - n - 1);
	l->len -= n + 1;
	return line;
}

void
testutil_lines_free(struct testutil_lines *l)
{
	if (l == NULL)
		return;
	event_free(l->ev);
	free(l->buf);
	free(l);
}

/* JSON paths */

const cJSON *
testutil_json_at(const cJSON *v, const char *path)
{
	char key[128];
	size_t n;

	while (v != NULL && *path != '\0') {
		if (*path == '.')
			path++;
		if (*path == '[') {
			char *end;
			long i = strtol(path + 1, &end, 10);

			v = cJSON_IsArray(v) ? cJSON_GetArrayItem(v, (int)i) : NULL;
			path = *end == ']' ? end + 1 : end;
			continue;
		}
		n = strcspn(path, ".[");
		if (n >= sizeof key)
			return NULL;
		memcpy(key, path, n);
		key[n] = '\0';
		v = cJSON_IsObject(v) ? cJSON_GetObjectItemCaseSensitive(v, key) :
		    NULL;
		path += n;
	}
	return v;
}

const char *
testutil_json_str(const cJSON *v, const char *path)
{
	v = testutil_json_at(v, path);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}
