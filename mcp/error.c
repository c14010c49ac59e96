/*
 * Error codes and their texts, and the first-error-wins error record.
 */
#include <stdio.h>
#include <string.h>

#include "error.h"

static const struct {
	int code;
	const char *text;
} mcp_error_table[] = {
	{ MCP_OK, "no error" },
	{ MCP_PARSE_ERROR, "parse error" },
	{ MCP_INVALID_REQUEST, "invalid request" },
	{ MCP_METHOD_NOT_FOUND, "method not found" },
	{ MCP_INVALID_PARAMS, "invalid params" },
	{ MCP_INTERNAL_ERROR, "internal error" },
	{ MCP_CONNECTION_CLOSED, "connection closed" },
	{ MCP_REQUEST_TIMEOUT, "request timed out" },
	{ MCP_RESOURCE_NOT_FOUND, "resource not found" },
	{ MCP_REQUEST_CANCELLED, "request cancelled" },
	{ MCP_URL_ELICITATION_REQUIRED, "url elicitation required" },
};

const char *
mcp_strerror(int code)
{
	size_t i;

	for (i = 0; i < sizeof mcp_error_table / sizeof mcp_error_table[0]; i++) {
		if (mcp_error_table[i].code == code)
			return mcp_error_table[i].text;
	}
	if (code >= -32099 && code <= -32000)
		return "server error";
	return "unknown error";
}

void
mcp_err_vset(struct mcp_err *err, int code, const char *fmt, va_list ap)
{
	char *p;

	if (err == NULL || err->code != 0)
		return;
	err->code = code;
	vsnprintf(err->msg, sizeof err->msg, fmt, ap);
	for (p = err->msg; *p != '\0'; p++) {
		if (*p == '\r' || *p == '\n')
			*p = ' ';
	}
}

void
mcp_err_set(struct mcp_err *err, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	mcp_err_vset(err, code, fmt, ap);
	va_end(ap);
}

void
mcp_err_clear(struct mcp_err *err)
{
	if (err != NULL) {
		err->code = 0;
		err->msg[0] = '\0';
	}
}
