/*
 * The stdio transport: newline-delimited JSON over a pair of non-blocking
 * descriptors, either our own stdin/stdout (a server) or the pipes of a
 * child process we spawned (a client).
 *
 * Programs using it should ignore SIGPIPE; a write to a closed pipe is then
 * reported as a close, not a signal.
 */
#ifndef MCP_STDIO_H
#define MCP_STDIO_H

#include <stddef.h>
#include <sys/types.h>

#include "error.h"
#include "log.h"
#include "transport.h"

struct event_base;

#define MCP_STDIO_MAX_MESSAGE	(16u * 1024 * 1024)

struct mcp_stdio_opts {
	size_t max_message;		/* bytes per message (without the line
					 * end; a longer line is skipped as it
					 * streams in, never held whole, and
					 * answered with -32600); 0: 16 MiB */
	const struct mcp_log *log;	/* borrowed; NULL: stderr */
};

/* A transport over in_fd (read) and out_fd (write); both are made
 * non-blocking and restored and left open on free (they are borrowed), so
 * closing the transport does not close them: the other side sees the end
 * when their owner closes them or exits. */
struct mcp_transport *mcp_stdio_new(struct event_base *, int in_fd, int out_fd,
    const struct mcp_stdio_opts *);

/* Spawn argv[0] (searched in PATH) with argv; its stdin and stdout become the
 * transport, its stderr is inherited. The child is the leader of a process
 * group of its own, so the terminal's Ctrl-C reaches our group only (the
 * program stops its servers itself), and starts with no signal blocked.
 * Returns NULL with err set when it cannot be started. Closing the transport
 * closes the child's stdin; a child still running 2 s later gets SIGTERM,
 * and SIGKILL 2 s after that (the loop must run meanwhile; freeing the
 * transport instead waits for it at most 40 ms: SIGTERM after 20 ms,
 * SIGKILL at 40 ms). Both signals go to the child's process group, so
 * what it started (node under npx, a shell's jobs) stops with it. */
struct mcp_transport *mcp_stdio_spawn(struct event_base *, char *const argv[],
    const struct mcp_stdio_opts *, struct mcp_err *err);
/* How to start a child beyond its argv. */
struct mcp_stdio_spawn_opts {
	/* "NAME=value" strings added to the inherited environment (replacing
	 * a variable of the same name); NULL-terminated, or NULL. Borrowed. */
	const char *const *env;
	const char *cwd;	/* working directory, or NULL: ours */
	size_t stderr_max;	/* bytes of the child's stderr kept; 0: 64 KiB */
};

/* As mcp_stdio_spawn, with env and cwd, and the child's stderr captured
 * (never parsed) into a ring of the last stderr_max bytes instead of being
 * inherited. sp NULL: exactly mcp_stdio_spawn. A cwd that cannot be entered
 * fails like a command that cannot be run. */
struct mcp_transport *mcp_stdio_spawn_ex(struct event_base *,
    char *const argv[], const struct mcp_stdio_spawn_opts *sp,
    const struct mcp_stdio_opts *, struct mcp_err *err);
/* What the child wrote to stderr lately (starting at a line when older
 * output was dropped), NUL-terminated; the caller frees it. *len (may be
 * NULL) gets its length. NULL when stderr is not captured. */
char *mcp_stdio_stderr(const struct mcp_transport *, size_t *len);

/* When a child spawned by mcp_stdio_spawn_ex closes its stdout by itself
 * (mcp_stdio_spawn keeps reporting NULL), the close report waits
 * up to 500 ms for its exit status: a status other than 0 or a signal makes
 * the reason ("exited with status 3", "killed by signal 9 (Killed)"); exit
 * status 0 stays an orderly close (reason NULL); a child still running then
 * makes "the server closed its output but is still running; stopping it"
 * (it gets SIGTERM 2 s after, SIGKILL 2 s later). A write that finds the
 * child's stdin closed (it exited before reading, say) is reported the same
 * way, from its exit status ("exited with status 3"); exit status 0 then
 * makes "exited with status 0 before reading what was sent to it", and a
 * child still running "the server closed its input but is still running;
 * stopping it". A spawned child that
 * exits while a process it left behind still holds its stdout open ends
 * the transport the same way, once what it wrote before has been read
 * (where the kernel has pidfds, Linux 5.3 and later). */

/* Stopping many children together (freeing them one by one waits for each
 * in turn): mcp_stdio_stop each, then mcp_stdio_reap them all, then free
 * them (which no longer waits). */
/* Begin stopping the child without waiting: hand over what is queued if
 * the pipe takes it now, close the child's stdin (its EOF). The transport
 * is finished: sends fail, and no close report comes any more. Does nothing
 * for a plain descriptor pair or a second time. */
void mcp_stdio_stop(struct mcp_transport *);
/* Wait for the children of n spawned stdio transports (each stopped first
 * if it was not) together, at most timeout_ms in all: those still running
 * after min(20 ms, timeout_ms / 2) get SIGTERM, those still running at
 * timeout_ms SIGKILL. Returns once every one is reaped. Only for transports
 * made by mcp_stdio_spawn or mcp_stdio_spawn_ex. */
void mcp_stdio_reap(struct mcp_transport *const ts[], size_t n,
    int timeout_ms);

/* The child's pid, 0 once it has been reaped, or -1 for a plain
 * descriptor pair. */
pid_t mcp_stdio_pid(const struct mcp_transport *);

#endif
