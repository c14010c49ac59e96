/*
 * The tripmcp command line: one run of a subcommand (or a REPL of them) on
 * the multi-server host. This header is shared by the tui/cli*.c modules:
 * the program's state, the subcommand table's entry, and the helpers the
 * subcommands are written with.
 *
 * Subcommands are asynchronous: run() checks its arguments, starts work on
 * the loop and returns; the work ends with exactly one tui_cli_done().
 */
#ifndef TUI_CLI_H
#define TUI_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <cjson/cJSON.h>

#include "mcp/config.h"
#include "mcp/host.h"

#define TUI_CLI_PROG	"tripmcp"
#define TUI_CLI_VERSION	"0.1.0"
#define TUI_CLI_MAX_LINE	(64 * 1024)	/* bytes of a line read from a file */

/* Exit statuses: one table, printed by --help and described in tripmcp(1). */
enum tui_cli_status {
	TUI_CLI_OK = 0,
	TUI_CLI_TOOL = 1,	/* a tool error, or the server refused the call */
	TUI_CLI_USAGE = 2,	/* a bad command line, argument or configuration */
	TUI_CLI_UNAVAILABLE = 3,/* a server could not start, went away, timed out */
	TUI_CLI_DECLINED = 4,	/* an action was not approved */
};
extern const char tui_cli_status_help[];

struct tui_cli;
struct tui_cli_ask;
struct tui_cli_elicit;

/* One subcommand: a const table entry, one per file (tui/cli-NAME.c). */
struct tui_cli_cmd {
	const char *name;
	const char *synopsis;	/* the arguments, for usage lines */
	const char *summary;	/* one line for the command list */
	const char *help;	/* the rest of its --help */
	int min_args, max_args;	/* positional arguments; max -1: any */
	bool needs_host;	/* false: runs without starting servers */
	/* The one server these arguments address in cfg, its name copied
	 * into server; false when the command needs every server. A command
	 * run alone (not in the REPL) then starts that server only. May be
	 * NULL (every server). */
	bool (*target)(const struct mcp_config *cfg, int nargs, char **args,
	    char *server, size_t size);
	/* Start the command on args[0..nargs); end with tui_cli_done. */
	void (*run)(struct tui_cli *, int nargs, char **args);
	/* REPL tab completion of argument word (0 is the first after the
	 * command) given the words before it; NULL-terminated candidates
	 * the caller frees, or NULL. May be NULL. */
	char **(*complete)(struct tui_cli *, int word, char **words,
	    const char *text);
};

/* The table, NULL-terminated (tui/cli.c). */
extern const struct tui_cli_cmd *const tui_cli_cmds[];
extern const struct tui_cli_cmd tui_cli_servers, tui_cli_tools,
    tui_cli_resources, tui_cli_read, tui_cli_prompts, tui_cli_prompt,
    tui_cli_call, tui_cli_grants, tui_cli_repl;

typedef bool (*tui_cli_ready_fn)(struct tui_cli *);
typedef void (*tui_cli_then_fn)(struct tui_cli *);

struct tui_cli {
	struct event_base *base;
	struct mcp_host *host;		/* NULL until a command needs it */
	struct mcp_config *config;
	char *config_name;		/* where it came from, for messages */

	/* Options: the program's, and the running command's own. */
	const char *config_path;	/* -c */
	bool json_global, yes_global, verbose;
	bool json, yes;			/* for the running command */
	int timeout_global, timeout_ms;	/* --timeout for tool calls, or 0 */
	bool interactive;		/* stdin and stderr are terminals */
	bool in_repl;

	/* The running command. */
	const struct tui_cli_cmd *cmd;
	int nargs;
	char **args;			/* borrowed from main or the REPL */
	bool running;
	int status;			/* the first failure wins */
	bool declined_told;		/* the refusal was explained already */
	uint64_t call;			/* its host call in flight, or 0 */
	char target[160];		/* the server its wait is for */

	/* Waiting for the host (tui_cli_wait). */
	tui_cli_ready_fn wait_ready;
	tui_cli_then_fn wait_then;
	struct event *kick;

	/* Approvals waiting for an answer, asked one at a time. */
	struct tui_cli_ask *asks, **asks_tail;
	struct tui_cli_elicit *elicits;	/* servers' questions (cli-elicit.c) */
	bool asking;			/* one of them is on the terminal */

	/* Line input through readline's callback interface; a regular file
	 * or /dev/null (epoll cannot watch them) is read directly instead. */
	struct event *stdin_ev;
	struct event *file_ev;		/* reads the next line from a file */
	void (*line_cb)(struct tui_cli *, char *line);	/* takes line;
					 * set while a line is awaited */
	bool rl_installed;

	/* The REPL (tui/cli-repl.c). */
	struct tui_cli_repl *repl;

	char item[256];			/* a "server/name" it resolved */
	struct mcp_log log;		/* the host's diagnostics */

	/* State files (tui/cli-state.c). */
	char *state_dir;		/* or NULL when it cannot be made */
	/* Who answered the last approval ("user", "--yes", "no terminal",
	 * "interrupted"), audited just before the host reports it: the
	 * audit log's "by" and --verbose's words are this one string. */
	uint64_t decided_call;
	const char *decided_by;
	FILE *session_log;
	bool state_warned;
};

/* tui/cli.c */
/* Run the program on argv; returns the exit status. */
int tui_cli_main(int argc, char **argv);
/* Start a subcommand by its argv (argv[0] is its name). */
void tui_cli_start(struct tui_cli *, int argc, char **argv);
const struct tui_cli_cmd *tui_cli_find(const char *name);
/* The host with the configuration's servers started, or NULL after saying
 * why (the command is then done with a failure). With only, just that
 * server is added, or none when no server has that name. */
struct mcp_host *tui_cli_host(struct tui_cli *, const char *only);
/* Add the configured servers the host does not have yet (after a command
 * for one server found it needs the others); false when none was missing. */
bool tui_cli_host_add_rest(struct tui_cli *);
/* A target function for "SERVER/NAME" in args[0]. */
bool tui_cli_target_qualified(const struct mcp_config *, int nargs,
    char **args, char *server, size_t size);
/* Run then once ready(cli) holds, checked now and after every host event. */
void tui_cli_wait(struct tui_cli *, tui_cli_ready_fn, tui_cli_then_fn);
/* Wait for every server to be past starting. */
void tui_cli_wait_all(struct tui_cli *, tui_cli_then_fn);
/* Wait for server (copied into cli->target) to be past starting. */
void tui_cli_wait_server(struct tui_cli *, const char *server,
    tui_cli_then_fn);
/* End the running command with status (the first failure is kept). */
void tui_cli_done(struct tui_cli *, int status);
/* Report one line on stderr ("tripmcp: ..."). */
void tui_cli_error(struct tui_cli *, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* A usage error for the running command: the message, then a pointer to
 * its --help; ends the command with TUI_CLI_USAGE. */
void tui_cli_usage(struct tui_cli *, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* "server" is on the host; else say so (listing the configured ones) and
 * end with usage. */
bool tui_cli_check_server(struct tui_cli *, const char *server, size_t len);
/* The server is ready; else say why (its reason and stderr) and end the
 * command with TUI_CLI_UNAVAILABLE. */
bool tui_cli_check_ready(struct tui_cli *, const char *server);
/* The exit status for a failed host call's code. */
int tui_cli_status_of(int code);
/* End the command after a host call's error response: message, status. */
void tui_cli_fail_response(struct tui_cli *, const struct mcp_response *);
/* Line input: show prompt and hand the next line (taken, NULL at end of
 * input) to cb; tui_cli_input_stop removes the prompt. */
void tui_cli_input_start(struct tui_cli *, const char *prompt,
    void (*cb)(struct tui_cli *, char *));
void tui_cli_input_stop(struct tui_cli *);

/* tui/cli-config.c */
/* The configuration: -c FILE, else $XDG_CONFIG_HOME/tripmcp/config.json,
 * else the bundled servers. NULL after printing why (*status: the exit
 * status). *name gets where it came from (the caller frees it). */
struct mcp_config *tui_cli_config_load(const char *path, char **name,
    int *status);

/* tui/cli-approve.c */
/* The tool names that always ask, whatever configuration or grants say. */
extern const char *const tui_cli_always_ask[];
/* The host's approve callback (arg: the struct tui_cli). */
void tui_cli_approve(void *arg, const struct mcp_host_request *);
/* Forget approvals not answered yet (the host drops them on free). */
void tui_cli_approve_clear(struct tui_cli *);
/* Put the next waiting question (approval, then elicitation) on the
 * terminal; with none, the REPL's prompt. */
void tui_cli_asks_next(struct tui_cli *);

/* tui/cli-elicit.c */
/* The host's on_elicitation callback (arg: the struct tui_cli). */
void tui_cli_elicit(void *arg, const char *server, struct mcp_request *,
    const cJSON *params);
/* Ask the next waiting elicitation unless the terminal is busy. */
void tui_cli_elicit_next(struct tui_cli *);
/* Answer every waiting elicitation "cancel". */
void tui_cli_elicit_clear(struct tui_cli *);

/* tui/cli-state.c: files under $XDG_STATE_HOME/tripmcp/ */
/* The state directory, made on first use (0700); NULL after warning once. */
const char *tui_cli_state_dir(struct tui_cli *);
/* Grants: load the ALWAYS grants into the host; add and remove one. */
void tui_cli_state_grants_load(struct tui_cli *);
int tui_cli_state_grant_save(struct tui_cli *, const char *server,
    const char *tool);
/* 1 removed, 0 there was none, -1 after an error (said). */
int tui_cli_state_grant_remove(struct tui_cli *, const char *server,
    const char *tool);
/* The stored grants as an array of {"server", "tool", "since"} (caller
 * frees), or NULL after an error (said). */
cJSON *tui_cli_state_grants_read(struct tui_cli *);
/* Audit: one JSON line per decision; by (a string constant) is who
 * decided, and the DECISION event that follows for the call says it too. */
void tui_cli_state_audit(struct tui_cli *, const struct mcp_host_request *,
    const char *decision, const char *by);
/* The host's event stream: --verbose and the session log. */
void tui_cli_state_event(void *arg, const struct mcp_host_event *);
void tui_cli_state_log(void *arg, enum mcp_log_level, const char *msg);
void tui_cli_state_close(struct tui_cli *);
/* Path of a file in the state directory (caller frees), or NULL. */
char *tui_cli_state_path(struct tui_cli *, const char *file);

/* tui/cli-args.c */
/* Arguments for a tool from '{json}' or key=value words typed by its
 * inputSchema (key:=JSON gives raw JSON). Returns an object the caller
 * owns, or NULL with a one-line reason in err. */
cJSON *tui_cli_args_tool(const cJSON *tool, const char *qualified, int n,
    char **words, char *err, size_t errlen);
/* One value typed from its schema (as for key=value); NULL with a reason
 * ("must be an integer") in what. */
cJSON *tui_cli_args_value(const cJSON *schema, const char *text, char *what,
    size_t size);
/* Prompt arguments: key=value words as strings, checked against the
 * prompt's declared arguments. */
cJSON *tui_cli_args_prompt(const cJSON *prompt, const char *qualified, int n,
    char **words, char *err, size_t errlen);

/* tui/cli-print.c */
/* Untrusted text for a terminal: control characters (but \n and \t when
 * multiline), C1 and bidirectional controls and invalid UTF-8 bytes
 * become '?'. Caller frees. */
char *tui_cli_clean(const char *s, bool multiline);
/* Print v as JSON (formatted) to stdout. */
void tui_cli_print_json(const cJSON *v);
/* Print a content array (tool result, prompt message) for people. */
void tui_cli_print_content(FILE *, const cJSON *content);
/* Print a description's first line, cut to width. */
void tui_cli_print_line(FILE *, const char *s, int width);
/* A prompt or tool found by "server/name" in the merged catalog. */
const cJSON *tui_cli_find_item(struct mcp_host *, enum mcp_host_kind,
    const char *qualified);
/* Every "server/name" of kind starting with text, for completion: a
 * NULL-terminated array the caller frees (strings and all). */
char **tui_cli_complete_items(struct mcp_host *, enum mcp_host_kind,
    const char *text);

/* tui/cli-repl.c */
void tui_cli_repl_free(struct tui_cli *);
/* The command finished: prompt for the next. */
void tui_cli_repl_next(struct tui_cli *);
/* completion/complete of arg (its value so far) for ref on server, with
 * the arguments already filled in context (borrowed; may be NULL): the
 * values, each after prefix (percent-encoded when encode), NULL-terminated,
 * the caller frees; or NULL while the question is on its way (Tab is
 * pressed again for the user when the answer comes) or when the server
 * cannot complete. */
char **tui_cli_repl_remote(struct tui_cli *, const char *server,
    const char *ref_type, const char *ref, const char *arg, const char *value,
    const cJSON *context, const char *prefix, bool encode);

#endif
