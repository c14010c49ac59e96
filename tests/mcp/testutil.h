/*
 * What the mcp tests share: running a test's event loop until something
 * happens or time runs out, a log sink that keeps what it is told, and the
 * test's own end of a socketpair (writing to it, collecting its lines).
 */
#ifndef TESTS_MCP_TESTUTIL_H
#define TESTS_MCP_TESTUTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cjson/cJSON.h>
#include <event2/event.h>

#include "mcp/log.h"

/* The loop */

/* Run base until cond(arg) holds or ms pass; the value of cond. A NULL
 * cond runs the whole ms. */
bool testutil_loop_until(struct event_base *, bool (*cond)(void *), void *arg,
    int ms);
/* Run base for ms. */
void testutil_spin(struct event_base *, int ms);
/* Run base until *counter >= target or ms pass; whether it got there. */
bool testutil_wait_count(struct event_base *, const int *counter, int target,
    int ms);
/* Milliseconds on a monotonic clock, for measuring how long things take. */
int64_t testutil_now_ms(void);

/* Logs: kept, not printed; a test may look for a message. */

struct testutil_log {
	int count;		/* messages so far */
	char last[1024];	/* the latest one */
	char all[8192];		/* every one, a line each, while they fit */
	size_t all_len;		/* how much of all is used */
};

/* An mcp_log fn; arg is a struct testutil_log (zeroed to start). */
void testutil_log_fn(void *arg, enum mcp_log_level, const char *msg);

/* How a peer's connection ended, for mcp_peer_set_closed_cb. */
struct testutil_closed {
	int calls;
	bool null_reason;	/* an orderly end */
	char reason[256];
};

/* A closed callback; arg is a struct testutil_closed. */
void testutil_on_closed(void *arg, const char *reason);

/* The test's end of a connection */

/* A connected AF_UNIX stream pair; aborts if there is none to be had. */
void testutil_socketpair(int fd[2]);
/* Write all of buf to fd, turning base once whenever fd is full so that a
 * reader on the same loop can drain it; aborts on a write error. */
void testutil_write(struct event_base *, int fd, const void *buf, size_t len);
/* Write all of buf to fd with a turn of base after every write, so the
 * reader takes it in as it comes (fd is nonblocking meanwhile); -1 at the
 * first write error, with what went before written. */
int testutil_pump(struct event_base *, int fd, const void *buf, size_t len);

/* The lines that arrive on a descriptor, collected on a loop. */
struct testutil_lines;

/* Collect what fd receives on base until freed; fd stays the caller's. */
struct testutil_lines *testutil_lines_new(struct event_base *, int fd);
/* The next line without its newline (the caller frees it), or NULL if none
 * came within ms or the other side ended first. */
char *testutil_lines_next(struct testutil_lines *, int ms);
void testutil_lines_free(struct testutil_lines *);

/* JSON paths such as "result.tools[1].name": the value there, or NULL. */
const cJSON *testutil_json_at(const cJSON *, const char *path);
/* The string at path, or NULL when absent or not a string. */
const char *testutil_json_str(const cJSON *, const char *path);

/* Expect the next line within 2 s to be exactly want (tests/harness.h). */
#define TESTUTIL_CHECK_LINE(lines, want) do { \
	char *got_ = testutil_lines_next((lines), 2000); \
	CHECK_STR(got_, (want)); \
	free(got_); \
} while (0)

/* Expect no line within ms. */
#define TESTUTIL_CHECK_NO_LINE(lines, ms) do { \
	char *got_ = testutil_lines_next((lines), (ms)); \
	CHECK_STR(got_ == NULL ? "(no line)" : got_, "(no line)"); \
	free(got_); \
} while (0)

#endif
