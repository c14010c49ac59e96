/*
 * Error codes and the error record every fallible call fills in. Codes and
 * their texts share one table (error.c); the first error set wins.
 */
#ifndef MCP_ERROR_H
#define MCP_ERROR_H

#include <stdarg.h>

/* JSON-RPC 2.0 and MCP error codes. */
enum mcp_code {
	MCP_OK = 0,
	MCP_PARSE_ERROR = -32700,
	MCP_INVALID_REQUEST = -32600,
	MCP_METHOD_NOT_FOUND = -32601,
	MCP_INVALID_PARAMS = -32602,
	MCP_INTERNAL_ERROR = -32603,
	MCP_CONNECTION_CLOSED = -32000,	/* local: the peer went away */
	MCP_REQUEST_TIMEOUT = -32001,	/* local: no answer in time */
	MCP_RESOURCE_NOT_FOUND = -32002,
	MCP_REQUEST_CANCELLED = -32800,	/* local: we cancelled it */
	MCP_URL_ELICITATION_REQUIRED = -32042,
};

/* One error: a code and a one-line message (no CR or LF). */
struct mcp_err {
	int code;
	char msg[256];
};

/* Text for a code ("invalid params"); never NULL. */
const char *mcp_strerror(int code);

/* Record an error unless one is already recorded (the first error wins).
 * err may be NULL. The message is cut to one line. */
void mcp_err_set(struct mcp_err *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void mcp_err_vset(struct mcp_err *err, int code, const char *fmt, va_list ap);
/* Forget a recorded error. */
void mcp_err_clear(struct mcp_err *err);

#endif
