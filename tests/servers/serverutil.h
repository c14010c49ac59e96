/*
 * What the server tests share: a bundled server program started as a child
 * on a private database, with our client connected to it, and synchronous
 * calls on top of the asynchronous client (the loop runs until the answer).
 */
#ifndef TESTS_SERVERS_SERVERUTIL_H
#define TESTS_SERVERS_SERVERUTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include <cjson/cJSON.h>

struct event_base;
struct mcp_client;
struct serverutil;

/*
 * Starts build[/asan]/tripmcp-NAME (the one beside this test's directory)
 * with --db db_path (NULL: a fresh one in a private temporary directory),
 * TRIPMCP_TODAY=today (NULL: unset) and env ("NAME=value", NULL-ended, or
 * NULL), then connects and initializes. NULL, with the reason and the
 * child's stderr printed, when it does not come up within 30 s.
 */
struct serverutil *serverutil_start(const char *name, const char *db_path,
    const char *today, const char *const *env);
/* As serverutil_start, with more program arguments after --db PATH
 * ("--outbox", DIR, ...; NULL-ended, or NULL). */
struct serverutil *serverutil_start_args(const char *name, const char *db_path,
    const char *today, const char *const *env, const char *const *args);
/*
 * Closes the client, waits (10 s at most) for the child to exit and removes
 * the private directory with everything in it. A child whose stderr shows a
 * sanitizer report (a leak, a memory error, undefined behaviour) is a
 * failure of the whole test program: serverutil prints it and the program
 * then exits with status 1 whatever its own count says.
 */
void	 serverutil_stop(struct serverutil *);

struct event_base *serverutil_base(struct serverutil *);
struct mcp_client *serverutil_client(struct serverutil *);
/* The database in use (borrowed) and the private directory holding it
 * (NULL when the caller chose db_path). */
const char *serverutil_db_path(const struct serverutil *);
const char *serverutil_dir(const struct serverutil *);
/* The server's process id (0 once it has been reaped). */
pid_t	 serverutil_pid(struct serverutil *);
/* What the child wrote to stderr lately; the caller frees it. */
char	*serverutil_stderr(struct serverutil *);

/*
 * Calls tool with args (JSON text, NULL: none) and waits (10 s). Returns
 * the CallToolResult (the caller frees it) or NULL on a protocol error,
 * whose message serverutil_error() then gives. *is_error (may be NULL)
 * gets the result's isError.
 */
cJSON	*serverutil_call(struct serverutil *, const char *tool,
	     const char *args, bool *is_error);
/* Any request (params JSON text or NULL); the result or NULL as above. */
cJSON	*serverutil_request(struct serverutil *, const char *method,
	     const char *params);
/* The last protocol error ("code: message"), or "". */
const char *serverutil_error(const struct serverutil *);

/* The text of content[0] of a tool result, or "" (borrowed). */
const char *serverutil_text(const cJSON *result);

/* notifications/resources/updated seen so far, and the latest URI. */
int	 serverutil_updates(const struct serverutil *);
const char *serverutil_last_update(const struct serverutil *);
/* Runs the loop until updates reach n or ms pass; whether they did. */
bool	 serverutil_wait_updates(struct serverutil *, int n, int ms);

/* The program's path (build/tripmcp-NAME beside this test), for tests that
 * run it by hand; the caller frees it. */
char	*serverutil_program(const char *name);

#endif
