/*
 * Newline-delimited JSON over non-blocking descriptors: reads are drained
 * into one buffer and split at newlines (split and merged reads alike);
 * writes are queued and flushed together when the descriptor is writable.
 */
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/event.h>

#include "json.h"
#include "stdio.h"

#define MCP_STDIO_READ_CHUNK	65536
#define MCP_STDIO_GRACE_MS	2000
#define MCP_STDIO_EXIT_WAIT_MS	500	/* for the status after EOF (a
					 * loaded machine runs the reaper late) */
#define MCP_STDIO_STDERR_MAX	(64u * 1024)
#define MCP_STDIO_STDERR_BURST	16	/* reads of stderr per callback */
#define MCP_STDIO_EXIT_READS	64	/* reads of stdout once the child ended */
#define MCP_STDIO_FREE_MS	40	/* freeing one transport: SIGKILL after */
#define MCP_STDIO_TERM_MS	20	/* reaping: SIGTERM after (at most) */

struct mcp_stdio {
	struct mcp_transport t;		/* first: the transport interface */
	struct event_base *base;
	struct mcp_stdio_opts opts;
	int in_fd, out_fd;
	bool in_poll, out_poll;		/* false: a regular file or the like */
	int in_flags, out_flags;	/* to restore on free */
	struct event *rev, *wev, *done_ev, *reap_ev;
	struct evbuffer *out;

	char *buf;			/* unparsed input: buf[start..len) */
	size_t start, len, cap;
	size_t scanned;			/* bytes after start known to hold no '\n' */
	size_t discarding;		/* > 0: inside an oversize message */

	bool closing, closed, reported;
	const char *close_reason;	/* static text, or NULL */
	char reason_buf[200];

	bool spawned;			/* fds are a child's pipes */
	pid_t pid;			/* the child until reaped, then 0 */
	int reap_stage;			/* 0 wait, 1 after SIGTERM, 2 after SIGKILL */
	struct timeval reap_start;	/* when the child's stdin was closed */
	bool want_status;		/* spawned by _ex: status in the reason */
	bool await_exit;		/* the close report waits for the status */
	bool epipe;			/* the child closed its stdin first */
	bool stopped;			/* mcp_stdio_stop: no more reports */
	int pid_fd;			/* readable once the child ends, or -1 */
	struct event *pid_ev;

	int err_fd;			/* the child's stderr, or -1 */
	struct event *err_ev;
	char *err_buf;			/* the last err_max bytes */
	size_t err_len, err_max;
	bool err_cut;			/* older bytes were dropped */
};

static void mcp_stdio_report(struct mcp_stdio *, const char *reason);

/* Regular files and /dev/null cannot be polled (epoll says EPERM); such
 * descriptors are read and written from events we activate ourselves. */
static bool
mcp_stdio_pollable(int fd)
{
	struct epoll_event ev = { .events = EPOLLIN };
	int ep = epoll_create1(EPOLL_CLOEXEC);
	bool ok;

	if (ep < 0)
		return true;
	ok = epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) == 0 || errno != EPERM;
	close(ep);
	return ok;
}

static void
mcp_stdio_nonblock(int fd)
{
	int flags = fcntl(fd, F_GETFL);

	if (flags != -1 && !(flags & O_NONBLOCK))
		fcntl(fd, F_SETFL, flags | O_NONBLOCK);
}

/* The length of a line without the CR of a CRLF ending. */
static size_t
mcp_stdio_line_len(const char *line, size_t n)
{
	return n > 0 && line[n - 1] == '\r' ? n - 1 : n;
}

/* Deliver one complete line (without its newline). */
static void
mcp_stdio_deliver(struct mcp_stdio *s, char *line, size_t n)
{
	size_t i;

	n = mcp_stdio_line_len(line, n);
	for (i = 0; i < n; i++) {
		if (line[i] != ' ' && line[i] != '\t' && line[i] != '\r')
			break;
	}
	if (i == n)
		return;		/* blank lines are allowed and ignored */
	line[n] = '\0';
	s->t.on_message(s->t.arg, line, n);
}

static void
mcp_stdio_oversize(struct mcp_stdio *s)
{
	size_t len;
	char msg[128];
	char *json;

	snprintf(msg, sizeof msg, "message exceeds the limit of %zu bytes",
	    s->opts.max_message);
	mcp_logf(s->opts.log, MCP_LOG_WARNING, "stdio: %s; discarding it", msg);
	json = mcp_rpc_encode_error(NULL, MCP_INVALID_REQUEST, msg, NULL, &len);
	mcp_transport_send(&s->t, json, len, NULL, true);
	free(json);
}

/* Split the buffered input at newlines and deliver each message. */
static void
mcp_stdio_parse(struct mcp_stdio *s)
{
	while (!s->closing && s->start < s->len) {
		char *begin = s->buf + s->start;
		size_t avail = s->len - s->start;
		char *nl = memchr(begin + s->scanned, '\n', avail - s->scanned);

		if (s->discarding > 0) {
			if (nl == NULL) {
				s->discarding += avail;
				s->start = s->len;
				break;
			}
			s->start += (size_t)(nl - begin) + 1;
			s->discarding = 0;
			s->scanned = 0;
			continue;
		}
		if (nl == NULL) {
			s->scanned = avail;
			/* Too long already, unless a CR that the coming LF
			 * makes part of the line end. */
			if (avail > s->opts.max_message + 1 ||
			    (avail == s->opts.max_message + 1 &&
			    begin[avail - 1] != '\r')) {
				mcp_stdio_oversize(s);
				s->discarding = avail;
				s->start = s->len;
			}
			break;
		}
		s->start += (size_t)(nl - begin) + 1;
		s->scanned = 0;
		if (mcp_stdio_line_len(begin, (size_t)(nl - begin)) >
		    s->opts.max_message) {
			mcp_stdio_oversize(s);
			continue;
		}
		mcp_stdio_deliver(s, begin, (size_t)(nl - begin));
	}
	if (s->start == s->len) {
		s->start = s->len = 0;
		s->scanned = 0;
		/* Give back the room one big message needed. */
		if (s->cap > 4 * MCP_STDIO_READ_CHUNK) {
			s->cap = MCP_STDIO_READ_CHUNK;
			s->buf = mcp_xrealloc(s->buf, s->cap + 1);
		}
	}
}

/* One read from in_fd: parse what came, or report the end. True when
 * something was read (more may be waiting). */
static bool
mcp_stdio_read_some(struct mcp_stdio *s)
{
	ssize_t n;

	/* Make room: move the partial message down, then grow if needed. */
	if (s->start > 0) {
		memmove(s->buf, s->buf + s->start, s->len - s->start);
		s->len -= s->start;
		s->start = 0;
	}
	if (s->cap - s->len < MCP_STDIO_READ_CHUNK) {
		size_t ncap = s->cap * 2;

		/* No line worth keeping is longer than the limit, its CR and
		 * LF: doubling past that would only hold what is discarded. */
		if (ncap > s->opts.max_message + 2 + MCP_STDIO_READ_CHUNK)
			ncap = s->opts.max_message + 2 + MCP_STDIO_READ_CHUNK;
		if (ncap < s->len + MCP_STDIO_READ_CHUNK)
			ncap = s->len + MCP_STDIO_READ_CHUNK;
		s->buf = mcp_xrealloc(s->buf, ncap + 1);
		s->cap = ncap;
	}
	n = read(s->in_fd, s->buf + s->len, s->cap - s->len);
	if (n < 0) {
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return false;
		if (errno == EINTR)
			return true;
		snprintf(s->reason_buf, sizeof s->reason_buf, "read: %s",
		    strerror(errno));
		mcp_stdio_report(s, s->reason_buf);
		return false;
	}
	if (n == 0) {
		if (s->len > s->start && s->discarding == 0) {
			mcp_logf(s->opts.log, MCP_LOG_WARNING,
			    "stdio: peer closed in the middle of a message; "
			    "%zu bytes discarded", s->len - s->start);
		}
		/* Answers to the last messages may still be queued (a client
		 * that writes, then closes): hand over what the descriptor
		 * takes now, without waiting for a peer that may be gone. */
		while (evbuffer_get_length(s->out) > 0) {
			int w = evbuffer_write(s->out, s->out_fd);

			if (w <= 0 && !(w < 0 && errno == EINTR))
				break;
		}
		mcp_stdio_report(s, NULL);
		return false;
	}
	s->len += (size_t)n;
	mcp_stdio_parse(s);
	return true;
}

static void
mcp_stdio_read_cb(evutil_socket_t fd, short events, void *arg)
{
	struct mcp_stdio *s = arg;

	(void)fd;
	(void)events;
	mcp_stdio_read_some(s);
	/* A file is never "readable" to epoll: go on at the next loop turn. */
	if (!s->in_poll && !s->closing && !s->reported)
		event_active(s->rev, EV_READ, 0);
}

static void
mcp_stdio_write_cb(evutil_socket_t fd, short events, void *arg)
{
	struct mcp_stdio *s = arg;

	(void)fd;
	(void)events;
	while (evbuffer_get_length(s->out) > 0) {
		int n = evbuffer_write(s->out, s->out_fd);

		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK) {
				if (s->out_poll)
					event_add(s->wev, NULL);
				else
					event_active(s->wev, EV_WRITE, 0);
				return;
			}
			if (errno == EINTR)
				continue;
			evbuffer_drain(s->out, evbuffer_get_length(s->out));
			/* A child that closed its stdin (usually by exiting
			 * before it read anything) is ending: its status says
			 * why, as when its stdout ends. */
			if (errno == EPIPE && s->spawned && s->want_status &&
			    s->pid > 0 && !s->closing) {
				s->epipe = true;
				mcp_stdio_report(s, NULL);
				return;
			}
			snprintf(s->reason_buf, sizeof s->reason_buf,
			    "write: %s", strerror(errno));
			mcp_stdio_report(s, s->reason_buf);
			return;
		}
	}
	event_del(s->wev);
	if (s->closing)
		mcp_stdio_report(s, NULL);
}

static int
mcp_stdio_send(struct mcp_transport *t, const char *json, size_t len,
    const struct mcp_id *related, bool final)
{
	struct mcp_stdio *s = (struct mcp_stdio *)t;

	(void)related;
	(void)final;
	if (s->closed)
		return -1;
	if (evbuffer_add(s->out, json, len) != 0 ||
	    evbuffer_add(s->out, "\n", 1) != 0)
		return -1;
	/* Flush on the next loop turn, so replies made together go together. */
	/* Write once this turn's callbacks are done (no epoll_ctl per
	 * message); wait for writability only when the pipe is full. */
	if (!event_pending(s->wev, EV_WRITE, NULL))
		event_active(s->wev, EV_WRITE, 0);
	return 0;
}

/* Child reaping: close stdin, wait, SIGTERM, wait, SIGKILL. */

/*
 * A signal for a spawned child and whatever it started: the child leads
 * its own process group (see spawning), so the group gets it, and a
 * grandchild (node under npx, a shell's job) stops with it. The child
 * alone when there is no such group (setpgid failed).
 */
static void
mcp_stdio_signal(struct mcp_stdio *s, int sig)
{
	if (kill(-s->pid, sig) != 0)
		kill(s->pid, sig);
}

static void
mcp_stdio_reap_cb(evutil_socket_t fd, short events, void *arg)
{
	struct mcp_stdio *s = arg;
	struct timeval tv = { 0, 10000 }, now;
	int64_t elapsed;
	int status;
	pid_t r;

	(void)fd;
	(void)events;
	if (s->pid <= 0)
		return;		/* reaped by mcp_stdio_reap meanwhile */
	r = waitpid(s->pid, &status, WNOHANG);
	if (r == s->pid || (r < 0 && errno == ECHILD)) {
		bool reaped = r == s->pid;

		s->pid = 0;
		if (s->await_exit) {
			/* The child ended on its own: say how, in words. */
			s->await_exit = false;
			if (reaped) {
				if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
					snprintf(s->reason_buf,
					    sizeof s->reason_buf,
					    "exited with status %d",
					    WEXITSTATUS(status));
				else if (WIFSIGNALED(status))
					snprintf(s->reason_buf,
					    sizeof s->reason_buf,
					    "killed by signal %d (%s)",
					    WTERMSIG(status),
					    strsignal(WTERMSIG(status)));
				else if (s->epipe)
					snprintf(s->reason_buf,
					    sizeof s->reason_buf,
					    "exited with status 0 before "
					    "reading what was sent to it");
				if (s->reason_buf[0] != '\0')
					s->close_reason = s->reason_buf;
			}
			event_active(s->done_ev, 0, 0);
		}
		return;
	}
	/* Count time, not ticks: a busy loop runs ticks late. */
	event_base_gettimeofday_cached(s->base, &now);
	timersub(&now, &s->reap_start, &now);
	elapsed = (int64_t)now.tv_sec * 1000 + now.tv_usec / 1000;
	if (s->await_exit && elapsed >= MCP_STDIO_EXIT_WAIT_MS) {
		/* Still running: a server does not close its output and go
		 * on; say so (the reaping below stops it). */
		s->await_exit = false;
		snprintf(s->reason_buf, sizeof s->reason_buf, "the server "
		    "closed its %s but is still running; stopping it",
		    s->epipe ? "input" : "output");
		s->close_reason = s->reason_buf;
		event_active(s->done_ev, 0, 0);
	}
	if (s->reap_stage == 0 && elapsed >= MCP_STDIO_GRACE_MS) {
		mcp_stdio_signal(s, SIGTERM);
		s->reap_stage = 1;
	} else if (s->reap_stage == 1 && elapsed >= 2 * MCP_STDIO_GRACE_MS) {
		mcp_stdio_signal(s, SIGKILL);
		s->reap_stage = 2;
	}
	if (elapsed > 200)
		tv.tv_usec = 50000;	/* most exit at once; then poll less */
	event_add(s->reap_ev, &tv);
}

static void
mcp_stdio_done_cb(evutil_socket_t fd, short events, void *arg)
{
	struct mcp_stdio *s = arg;

	(void)fd;
	(void)events;
	if (s->t.on_closed != NULL)
		s->t.on_closed(s->t.arg, s->close_reason);
}

/* The child ended (its pidfd became readable). What it wrote last is still
 * in the pipe: take that in first. Usually its stdout ends there too; when
 * a process it left behind still holds stdout open, the session ends all
 * the same, since the server we started is gone. */
static void
mcp_stdio_exit_cb(evutil_socket_t fd, short events, void *arg)
{
	struct mcp_stdio *s = arg;
	int i;

	(void)fd;
	(void)events;
	for (i = 0; i < MCP_STDIO_EXIT_READS && !s->reported && !s->closing;
	    i++) {
		if (!mcp_stdio_read_some(s))
			break;
	}
	if (!s->reported && !s->closing)
		mcp_stdio_report(s, NULL);
}

/* Stop everything and report the close once, from the loop. */
static void
mcp_stdio_report(struct mcp_stdio *s, const char *reason)
{
	if (s->reported)
		return;
	s->reported = true;
	s->closed = true;
	s->close_reason = reason;
	event_del(s->rev);
	event_del(s->wev);
	if (s->pid_ev != NULL)
		event_del(s->pid_ev);
	if (s->spawned && s->pid > 0) {
		struct timeval tv = { 0, 0 };

		close(s->out_fd);	/* the child's stdin: EOF tells it to go */
		s->out_fd = -1;
		event_base_gettimeofday_cached(s->base, &s->reap_start);
		event_add(s->reap_ev, &tv);
		/* The child closed its stdout: it is probably ending; wait a
		 * moment for its status, which tells the reason. */
		if (reason == NULL && !s->closing && s->want_status) {
			s->reason_buf[0] = '\0';
			s->await_exit = true;
			return;
		}
	}
	event_active(s->done_ev, 0, 0);
}

static void
mcp_stdio_close(struct mcp_transport *t)
{
	struct mcp_stdio *s = (struct mcp_stdio *)t;

	if (s->closing || s->reported)
		return;
	s->closing = true;
	event_del(s->rev);
	if (evbuffer_get_length(s->out) == 0)
		mcp_stdio_report(s, NULL);
}

static void
mcp_stdio_free(struct mcp_transport *t)
{
	struct mcp_stdio *s = (struct mcp_stdio *)t;

	if (s->spawned) {
		/* We cannot wait on the loop any more: give the child a
		 * moment after its EOF, then be firm. */
		mcp_stdio_stop(t);
		mcp_stdio_reap(&t, 1, MCP_STDIO_FREE_MS);
	} else if (s->out_fd >= 0 && evbuffer_get_length(s->out) > 0) {
		/* Last try to hand over what is queued, without blocking. */
		evbuffer_write(s->out, s->out_fd);
	}
	event_free(s->rev);
	event_free(s->wev);
	event_free(s->done_ev);
	event_free(s->reap_ev);
	if (s->err_ev != NULL)
		event_free(s->err_ev);
	if (s->err_fd >= 0)
		close(s->err_fd);
	if (s->pid_ev != NULL)
		event_free(s->pid_ev);
	if (s->pid_fd >= 0)
		close(s->pid_fd);
	free(s->err_buf);
	evbuffer_free(s->out);
	if (s->spawned) {
		close(s->in_fd);
	} else {
		if (s->in_flags != -1)
			fcntl(s->in_fd, F_SETFL, s->in_flags);
		if (s->out_fd >= 0 && s->out_flags != -1)
			fcntl(s->out_fd, F_SETFL, s->out_flags);
	}
	free(s->buf);
	free(s);
}

void
mcp_stdio_stop(struct mcp_transport *t)
{
	struct mcp_stdio *s = (struct mcp_stdio *)t;

	if (!s->spawned || s->stopped)
		return;
	s->stopped = true;
	s->closing = true;
	s->closed = true;
	s->reported = true;	/* no close report from here on */
	event_del(s->rev);
	event_del(s->wev);
	event_del(s->done_ev);
	if (s->pid_ev != NULL)
		event_del(s->pid_ev);
	if (s->out_fd >= 0) {
		/* Last try to hand over what is queued, without blocking. */
		if (evbuffer_get_length(s->out) > 0)
			evbuffer_write(s->out, s->out_fd);
		close(s->out_fd);	/* the child's EOF */
		s->out_fd = -1;
	}
}

static int64_t
mcp_stdio_clock_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Whether the child has been reaped (now or before). */
static bool
mcp_stdio_try_reap(struct mcp_stdio *s)
{
	pid_t r;

	if (!s->spawned || s->pid <= 0)
		return true;
	do
		r = waitpid(s->pid, NULL, WNOHANG);
	while (r < 0 && errno == EINTR);
	if (r == 0)
		return false;
	s->pid = 0;		/* reaped, or not ours to reap (ECHILD) */
	event_del(s->reap_ev);
	return true;
}

void
mcp_stdio_reap(struct mcp_transport *const ts[], size_t n, int timeout_ms)
{
	struct pollfd *pfd = mcp_xcalloc(n > 0 ? n : 1, sizeof *pfd);
	int64_t start = mcp_stdio_clock_ms(), elapsed;
	int term_ms = timeout_ms / 2 < MCP_STDIO_TERM_MS ? timeout_ms / 2 :
	    MCP_STDIO_TERM_MS;
	bool termed = false;
	size_t i;

	for (i = 0; i < n; i++)
		mcp_stdio_stop(ts[i]);
	for (;;) {
		size_t left = 0, npfd = 0;
		bool all_pidfds = true;
		int wait;

		for (i = 0; i < n; i++) {
			struct mcp_stdio *s = (struct mcp_stdio *)ts[i];

			if (mcp_stdio_try_reap(s))
				continue;
			left++;
			if (s->pid_fd >= 0) {
				pfd[npfd].fd = s->pid_fd;
				pfd[npfd].events = POLLIN;
				npfd++;
			} else
				all_pidfds = false;
		}
		if (left == 0)
			break;
		elapsed = mcp_stdio_clock_ms() - start;
		if (elapsed >= timeout_ms) {
			for (i = 0; i < n; i++) {
				struct mcp_stdio *s = (struct mcp_stdio *)ts[i];

				if (s->spawned && s->pid > 0)
					mcp_stdio_signal(s, SIGKILL);
			}
			for (i = 0; i < n; i++) {
				struct mcp_stdio *s = (struct mcp_stdio *)ts[i];

				if (s->spawned && s->pid > 0) {
					while (waitpid(s->pid, NULL, 0) < 0 &&
					    errno == EINTR)
						;
					s->pid = 0;
					event_del(s->reap_ev);
				}
			}
			break;
		}
		if (!termed && elapsed >= term_ms) {
			for (i = 0; i < n; i++) {
				struct mcp_stdio *s = (struct mcp_stdio *)ts[i];

				if (s->spawned && s->pid > 0)
					mcp_stdio_signal(s, SIGTERM);
			}
			termed = true;
		}
		/* A pidfd wakes us when its child ends; without them, look
		 * again every millisecond. */
		wait = (int)((termed ? timeout_ms : term_ms) - elapsed);
		if (!all_pidfds && wait > 1)
			wait = 1;
		poll(pfd, npfd, wait > 0 ? wait : 0);
	}
	free(pfd);
}

static const struct mcp_transport_ops mcp_stdio_ops = {
	.name = "stdio",
	.send = mcp_stdio_send,
	.close = mcp_stdio_close,
	.free = mcp_stdio_free,
};

static struct mcp_stdio *
mcp_stdio_create(struct event_base *base, int in_fd, int out_fd,
    const struct mcp_stdio_opts *opts)
{
	struct mcp_stdio *s = mcp_xcalloc(1, sizeof *s);

	s->t.ops = &mcp_stdio_ops;
	s->base = base;
	if (opts != NULL)
		s->opts = *opts;
	if (s->opts.max_message == 0)
		s->opts.max_message = MCP_STDIO_MAX_MESSAGE;
	s->in_fd = in_fd;
	s->out_fd = out_fd;
	/* Read both before changing either: 0 and 1 often share one open
	 * file (a terminal, a socket), and out_flags must not record the
	 * O_NONBLOCK we set through in_fd. */
	s->in_flags = fcntl(in_fd, F_GETFL);
	s->out_flags = fcntl(out_fd, F_GETFL);
	mcp_stdio_nonblock(in_fd);
	mcp_stdio_nonblock(out_fd);
	s->pid = -1;
	s->err_fd = -1;
	s->pid_fd = -1;
	s->out = evbuffer_new();
	s->in_poll = mcp_stdio_pollable(in_fd);
	s->out_poll = mcp_stdio_pollable(out_fd);
	s->rev = s->in_poll ? event_new(base, in_fd, EV_READ | EV_PERSIST,
	    mcp_stdio_read_cb, s) : event_new(base, -1, 0, mcp_stdio_read_cb, s);
	s->wev = s->out_poll ? event_new(base, out_fd, EV_WRITE | EV_PERSIST,
	    mcp_stdio_write_cb, s) : event_new(base, -1, 0, mcp_stdio_write_cb, s);
	s->done_ev = event_new(base, -1, 0, mcp_stdio_done_cb, s);
	s->reap_ev = event_new(base, -1, 0, mcp_stdio_reap_cb, s);
	if (s->out == NULL || s->rev == NULL || s->wev == NULL ||
	    s->done_ev == NULL || s->reap_ev == NULL)
		abort();
	s->cap = MCP_STDIO_READ_CHUNK;
	s->buf = mcp_xmalloc(s->cap + 1);
	if (s->in_poll)
		event_add(s->rev, NULL);
	else
		event_active(s->rev, EV_READ, 0);
	return s;
}

struct mcp_transport *
mcp_stdio_new(struct event_base *base, int in_fd, int out_fd,
    const struct mcp_stdio_opts *opts)
{
	return &mcp_stdio_create(base, in_fd, out_fd, opts)->t;
}

/* The child's stderr: keep the last err_max bytes, never parse them. */
static void
mcp_stdio_err_cb(evutil_socket_t fd, short events, void *arg)
{
	struct mcp_stdio *s = arg;
	char chunk[16384];
	ssize_t n;
	int i;

	(void)events;
	/* A bounded burst: a child flooding stderr must not keep the loop
	 * here; the event fires again while more is waiting. */
	for (i = 0; i < MCP_STDIO_STDERR_BURST; i++) {
		n = read(fd, chunk, sizeof chunk);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n <= 0) {
			event_del(s->err_ev);
			close(s->err_fd);
			s->err_fd = -1;
			return;
		}
		if ((size_t)n >= s->err_max) {
			memcpy(s->err_buf, chunk + (size_t)n - s->err_max,
			    s->err_max);
			s->err_cut = s->err_cut || (size_t)n > s->err_max ||
			    s->err_len > 0;
			s->err_len = s->err_max;
			continue;
		}
		if (s->err_len + (size_t)n > s->err_max) {
			size_t drop = s->err_len + (size_t)n - s->err_max;

			memmove(s->err_buf, s->err_buf + drop, s->err_len - drop);
			s->err_len -= drop;
			s->err_cut = true;
		}
		memcpy(s->err_buf + s->err_len, chunk, (size_t)n);
		s->err_len += (size_t)n;
	}
}

struct mcp_transport *
mcp_stdio_spawn_ex(struct event_base *base, char *const argv[],
    const struct mcp_stdio_spawn_opts *sp, const struct mcp_stdio_opts *opts,
    struct mcp_err *err)
{
	int to_child[2], from_child[2], status_pipe[2], err_pipe[2] = { -1, -1 };
	struct mcp_stdio *s;
	pid_t pid;
	int report[2] = { 0, 0 };	/* stage (0 exec, 1 chdir), errno */
	bool capture = sp != NULL;
	ssize_t n;

	if (argv == NULL || argv[0] == NULL) {
		mcp_err_set(err, MCP_INVALID_PARAMS, "spawn: no command given");
		return NULL;
	}
	if (pipe2(to_child, O_CLOEXEC) != 0)
		goto fail0;
	if (pipe2(from_child, O_CLOEXEC) != 0)
		goto fail1;
	if (pipe2(status_pipe, O_CLOEXEC) != 0)
		goto fail2;
	if (capture && pipe2(err_pipe, O_CLOEXEC) != 0)
		goto fail3;
	pid = fork();
	if (pid < 0)
		goto fail4;
	if (pid == 0) {
		/* Child: wire stdin/stdout, then exec; report exec errors. */
		int in = to_child[0], out = from_child[1], errfd = err_pipe[1];
		size_t i;
		sigset_t none;

		/* A group of its own: the terminal sends Ctrl-C (and Ctrl-Z)
		 * to its foreground group, which is ours; the program stops
		 * its servers itself. Nor does it inherit our blocked
		 * signals. */
		setpgid(0, 0);
		signal(SIGPIPE, SIG_DFL);
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		/* With our own 0 or 1 closed, a pipe may already sit there:
		 * move out off 0 before dup2 clobbers it, and clear the
		 * close-on-exec flag that dup2 onto itself would keep. */
		if (out == 0 && (out = fcntl(out, F_DUPFD_CLOEXEC, 3)) < 0)
			_exit(127);
		if (capture && errfd <= 1 &&
		    (errfd = fcntl(errfd, F_DUPFD_CLOEXEC, 3)) < 0)
			_exit(127);
		if (in == 0)
			fcntl(0, F_SETFD, 0);
		else if (dup2(in, 0) < 0)
			_exit(127);
		if (out == 1)
			fcntl(1, F_SETFD, 0);
		else if (dup2(out, 1) < 0)
			_exit(127);
		if (capture) {
			if (errfd == 2)
				fcntl(2, F_SETFD, 0);
			else if (dup2(errfd, 2) < 0)
				_exit(127);
		}
		for (i = 0; sp != NULL && sp->env != NULL && sp->env[i] != NULL;
		    i++)
			putenv((char *)sp->env[i]);	/* ours until exec */
		if (sp != NULL && sp->cwd != NULL && chdir(sp->cwd) != 0) {
			report[0] = 1;
			report[1] = errno;
		} else {
			execvp(argv[0], argv);
			report[1] = errno;
		}
		n = write(status_pipe[1], report, sizeof report);
		(void)n;
		_exit(127);
	}
	/* Here too, so that no signal finds it in our group before the
	 * child has moved (EACCES once it has run exec: it moved first). */
	setpgid(pid, pid);
	close(to_child[0]);
	close(from_child[1]);
	close(status_pipe[1]);
	if (capture)
		close(err_pipe[1]);
	do
		n = read(status_pipe[0], report, sizeof report);
	while (n < 0 && errno == EINTR);
	close(status_pipe[0]);
	if (n == (ssize_t)sizeof report) {
		waitpid(pid, NULL, 0);
		close(to_child[1]);
		close(from_child[0]);
		if (capture)
			close(err_pipe[0]);
		if (report[0] == 1)
			mcp_err_set(err, MCP_CONNECTION_CLOSED,
			    "cannot run '%s': cannot change to directory '%s': %s",
			    argv[0], sp->cwd, strerror(report[1]));
		else
			mcp_err_set(err, MCP_CONNECTION_CLOSED,
			    "cannot run '%s': %s", argv[0], strerror(report[1]));
		return NULL;
	}
	s = mcp_stdio_create(base, from_child[0], to_child[1], opts);
	s->spawned = true;
	s->pid = pid;
	s->want_status = capture;
	/* Where pidfds exist, the child's end is an event of its own. */
	s->pid_fd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (s->pid_fd >= 0) {
		s->pid_ev = event_new(base, s->pid_fd, EV_READ,
		    mcp_stdio_exit_cb, s);
		if (s->pid_ev == NULL)
			abort();
		event_add(s->pid_ev, NULL);
	}
	if (capture) {
		s->err_max = sp->stderr_max > 0 ? sp->stderr_max :
		    MCP_STDIO_STDERR_MAX;
		s->err_buf = mcp_xmalloc(s->err_max);
		s->err_fd = err_pipe[0];
		mcp_stdio_nonblock(s->err_fd);
		s->err_ev = event_new(base, s->err_fd, EV_READ | EV_PERSIST,
		    mcp_stdio_err_cb, s);
		if (s->err_ev == NULL)
			abort();
		event_add(s->err_ev, NULL);
	}
	return &s->t;

fail4:
	if (capture) {
		close(err_pipe[0]);
		close(err_pipe[1]);
	}
fail3:
	close(status_pipe[0]);
	close(status_pipe[1]);
fail2:
	close(from_child[0]);
	close(from_child[1]);
fail1:
	close(to_child[0]);
	close(to_child[1]);
fail0:
	mcp_err_set(err, MCP_CONNECTION_CLOSED, "cannot start '%s': %s",
	    argv[0], strerror(errno));
	return NULL;
}

struct mcp_transport *
mcp_stdio_spawn(struct event_base *base, char *const argv[],
    const struct mcp_stdio_opts *opts, struct mcp_err *err)
{
	return mcp_stdio_spawn_ex(base, argv, NULL, opts, err);
}

char *
mcp_stdio_stderr(const struct mcp_transport *t, size_t *len)
{
	const struct mcp_stdio *s = (const struct mcp_stdio *)t;
	const char *p, *end, *nl;
	char *out;

	if (s->err_buf == NULL) {
		if (len != NULL)
			*len = 0;
		return NULL;
	}
	p = s->err_buf;
	end = s->err_buf + s->err_len;
	/* Cut at a line start when older output was dropped. */
	if (s->err_cut && (nl = memchr(p, '\n', s->err_len)) != NULL)
		p = nl + 1;
	if (len != NULL)
		*len = (size_t)(end - p);
	out = mcp_xmalloc((size_t)(end - p) + 1);
	memcpy(out, p, (size_t)(end - p));
	out[end - p] = '\0';
	return out;
}

pid_t
mcp_stdio_pid(const struct mcp_transport *t)
{
	const struct mcp_stdio *s = (const struct mcp_stdio *)t;

	return s->spawned ? s->pid : -1;
}
