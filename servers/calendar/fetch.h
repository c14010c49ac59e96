/*
 * Fetch. Reads resources from a sibling server program: starts it as a
 * child, connects as an MCP client (mcp/client.h over mcp/stdio.h) on the
 * server's own loop, reads each URI, and closes it again. Asynchronous: the
 * callback runs once, later, from the loop.
 */
#ifndef SERVERS_CALENDAR_FETCH_H
#define SERVERS_CALENDAR_FETCH_H

#include <stddef.h>

#include <cjson/cJSON.h>

struct event_base;
struct calendar_fetch;

/*
 * contents: on success, an array with one object per URI (its first
 * contents item: uri, mimeType, text or blob), borrowed for the callback;
 * NULL on failure, and error then says what failed and why, failed naming
 * the URI that failed (its index), or n when it was not one read.
 * Runs exactly once unless calendar_fetch_free comes first. Never free the
 * fetch from the callback (it runs inside the client's): defer it to the
 * loop.
 */
typedef void (*calendar_fetch_cb)(void *arg, const cJSON *contents,
    const char *error, size_t failed);

/*
 * Starts argv[0] (a path) with argv and reads uris (copied). NULL with err
 * when it cannot even start (then cb never runs).
 */
struct calendar_fetch *calendar_fetch_start(struct event_base *,
	    char *const argv[], const char *const *uris, size_t n,
	    int timeout_ms, calendar_fetch_cb, void *arg, char *err,
	    size_t errlen);
/* Stops the child and frees; cb does not run afterwards. NULL: nothing. */
void	 calendar_fetch_free(struct calendar_fetch *);

#endif
