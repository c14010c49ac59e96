/*
 * Diagnostics. A program owns one struct mcp_log and passes it down; the
 * library never writes to stdout (on stdio servers stdout is the protocol).
 */
#ifndef MCP_LOG_H
#define MCP_LOG_H

/* RFC 5424 levels, in MCP's order. */
enum mcp_log_level {
	MCP_LOG_DEBUG,
	MCP_LOG_INFO,
	MCP_LOG_NOTICE,
	MCP_LOG_WARNING,
	MCP_LOG_ERROR,
	MCP_LOG_CRITICAL,
	MCP_LOG_ALERT,
	MCP_LOG_EMERGENCY,
};

/* Where messages go. fn NULL means stderr, as "prog: level: message". */
struct mcp_log {
	void (*fn)(void *arg, enum mcp_log_level, const char *msg);
	void *arg;
	enum mcp_log_level level;	/* messages below it are dropped */
	const char *prog;		/* prefix for stderr; may be NULL */
};

/* Level names ("warning") and back; -1 for an unknown name. */
const char *mcp_log_level_name(enum mcp_log_level);
int mcp_log_level_parse(const char *name);

/* Log through l (NULL: stderr at warning and above). */
void mcp_logf(const struct mcp_log *l, enum mcp_log_level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
