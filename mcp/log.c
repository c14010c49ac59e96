/*
 * Diagnostics to stderr or to a program-supplied sink.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "log.h"

static const char *mcp_log_names[] = {
	"debug", "info", "notice", "warning", "error", "critical", "alert",
	"emergency",
};

const char *
mcp_log_level_name(enum mcp_log_level level)
{
	if ((unsigned)level >= sizeof mcp_log_names / sizeof mcp_log_names[0])
		return "unknown";
	return mcp_log_names[level];
}

int
mcp_log_level_parse(const char *name)
{
	size_t i;

	if (name == NULL)
		return -1;
	for (i = 0; i < sizeof mcp_log_names / sizeof mcp_log_names[0]; i++) {
		if (strcmp(name, mcp_log_names[i]) == 0)
			return (int)i;
	}
	return -1;
}

void
mcp_logf(const struct mcp_log *l, enum mcp_log_level level, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	char *p;

	if (level < (l != NULL ? l->level : MCP_LOG_WARNING))
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	for (p = msg; *p != '\0'; p++) {
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	}
	if (l != NULL && l->fn != NULL) {
		l->fn(l->arg, level, msg);
		return;
	}
	fprintf(stderr, "%s%s%s: %s\n", l != NULL && l->prog != NULL ? l->prog : "",
	    l != NULL && l->prog != NULL ? ": " : "", mcp_log_level_name(level), msg);
}
