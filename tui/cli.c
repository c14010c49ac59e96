/*
 * The tripmcp command line: options, the subcommand table, the host the
 * subcommands run on, waiting for its servers without waiting for the
 * slowest, exit statuses, and line input through readline's callback
 * interface on the one libevent loop.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <curl/curl.h>
#include <event2/event.h>
#include <readline/history.h>
#include <readline/readline.h>

#include "mcp/json.h"
#include "tui/cli.h"

const struct tui_cli_cmd *const tui_cli_cmds[] = {
	&tui_cli_servers,
	&tui_cli_tools,
	&tui_cli_resources,
	&tui_cli_read,
	&tui_cli_prompts,
	&tui_cli_prompt,
	&tui_cli_call,
	&tui_cli_grants,
	&tui_cli_repl,
	NULL,
};

const char tui_cli_status_help[] =
    "exit status:\n"
    "  0  ok\n"
    "  1  tool error: the tool said isError, or the server refused the call\n"
    "  2  usage: a bad command line, argument, server or tool name, or configuration\n"
    "  3  server unavailable: it could not start, went away or timed out\n"
    "  4  declined: an action needing approval was not approved\n"
    "  130  interrupted\n";

static const char options_help[] =
    "options:\n"
    "  -c, --config FILE  servers to start (default $XDG_CONFIG_HOME/tripmcp/config.json,\n"
    "                     else the bundled travel, weather and calendar servers)\n"
    "  -j, --json         machine output: JSON on stdout\n"
    "  -v, --verbose      the host's event stream on stderr\n"
    "  -y, --yes          approve the actions of this one command\n"
    "  -t, --timeout MS   a tool call may go MS without an answer or progress\n"
    "                     (default: the server's configuration, else 60000)\n"
    "  -h, --help         this help; 'tripmcp COMMAND --help' for a command\n"
    "  -V, --version      the version\n";

/* The line handler readline calls has no argument. */
static struct tui_cli *cli_current;

static void cli_kick_cb(evutil_socket_t, short, void *);

const struct tui_cli_cmd *
tui_cli_find(const char *name)
{
	size_t i;

	for (i = 0; tui_cli_cmds[i] != NULL; i++) {
		if (strcmp(tui_cli_cmds[i]->name, name) == 0)
			return tui_cli_cmds[i];
	}
	return NULL;
}

static void
cli_help(FILE *f)
{
	size_t i;

	fprintf(f, "usage: " TUI_CLI_PROG " [OPTIONS] COMMAND [ARGS]\n"
	    "\n"
	    "The tripmcp travel assistant's command line: it starts the MCP servers of\n"
	    "its configuration and runs one command on them.\n"
	    "\n"
	    "commands:\n");
	for (i = 0; tui_cli_cmds[i] != NULL; i++) {
		const struct tui_cli_cmd *c = tui_cli_cmds[i];
		char head[64];

		snprintf(head, sizeof head, "%s %s", c->name, c->synopsis);
		if (strlen(head) > 28)
			fprintf(f, "  %s\n  %-28s %s\n", head, "", c->summary);
		else
			fprintf(f, "  %-28s %s\n", head, c->summary);
	}
	fprintf(f, "\n%s\n%s\n"
	    "files: $XDG_STATE_HOME/tripmcp/ (default ~/.local/state/tripmcp/) holds\n"
	    "grants.json, audit.log, session.log and history; see tripmcp(1).\n",
	    options_help, tui_cli_status_help);
}

static void
cli_cmd_help(const struct tui_cli_cmd *c)
{
	printf("usage: " TUI_CLI_PROG " [OPTIONS] %s %s\n\n%s\n%s", c->name,
	    c->synopsis, c->summary, c->help);
	printf("\ncommand options: -j/--json, -y/--yes, -t/--timeout MS, "
	    "-h/--help (and the\nprogram's, see 'tripmcp --help')\n\n%s",
	    tui_cli_status_help);
}

/* Reporting */

void
tui_cli_error(struct tui_cli *cli, const char *fmt, ...)
{
	va_list ap;

	(void)cli;
	fflush(stdout);
	fputs(TUI_CLI_PROG ": ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void
tui_cli_usage(struct tui_cli *cli, const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs(TUI_CLI_PROG ": ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (cli->cmd != NULL)
		fprintf(stderr, "; try '" TUI_CLI_PROG " %s --help'\n",
		    cli->cmd->name);
	else
		fputs("; try '" TUI_CLI_PROG " --help'\n", stderr);
	tui_cli_done(cli, TUI_CLI_USAGE);
}

int
tui_cli_status_of(int code)
{
	switch (code) {
	case MCP_HOST_DECLINED:
		return TUI_CLI_DECLINED;
	case MCP_HOST_UNAVAILABLE:
	case MCP_CONNECTION_CLOSED:
	case MCP_REQUEST_TIMEOUT:
	case MCP_REQUEST_CANCELLED:
		return TUI_CLI_UNAVAILABLE;
	default:
		return TUI_CLI_TOOL;
	}
}

void
tui_cli_fail_response(struct tui_cli *cli, const struct mcp_response *r)
{
	char *msg = tui_cli_clean(r->message != NULL ? r->message :
	    mcp_strerror(r->code), false);

	if (!(r->code == MCP_HOST_DECLINED && cli->declined_told))
		tui_cli_error(cli, "%s", msg);
	free(msg);
	tui_cli_done(cli, tui_cli_status_of(r->code));
}

/* The command's end */

void
tui_cli_done(struct tui_cli *cli, int status)
{
	if (!cli->running)
		return;
	if (status != TUI_CLI_OK && cli->status == TUI_CLI_OK)
		cli->status = status;
	cli->running = false;
	cli->wait_ready = NULL;
	cli->wait_then = NULL;
	cli->call = 0;
	fflush(stdout);
	if (cli->in_repl)
		tui_cli_repl_next(cli);
	else
		event_base_loopexit(cli->base, NULL);
}

/* The host */

static void
cli_on_event(void *arg, const struct mcp_host_event *ev)
{
	struct tui_cli *cli = arg;

	tui_cli_state_event(cli, ev);
	if (cli->wait_ready != NULL && (ev->kind == MCP_HOST_EV_STATE ||
	    ev->kind == MCP_HOST_EV_CATALOG))
		event_active(cli->kick, 0, 0);
}

/* A file:// URI for an absolute path (percent-encoded); caller frees. */
static char *
cli_file_uri(const char *path)
{
	static const char hex[] = "0123456789ABCDEF";
	char *uri = mcp_xmalloc(strlen(path) * 3 + 8), *o;
	const char *p;

	o = uri + sprintf(uri, "file://");
	for (p = path; *p != '\0'; p++) {
		unsigned char c = (unsigned char)*p;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || strchr("-._~/", c) != NULL)
			*o++ = (char)c;
		else {
			*o++ = '%';
			*o++ = hex[c >> 4];
			*o++ = hex[c & 15];
		}
	}
	*o = '\0';
	return uri;
}

static void
cli_root_add(cJSON *roots, const char *uri, const char *name)
{
	cJSON *root = cJSON_CreateObject();

	if (root == NULL)
		abort();
	mcp_json_add_str(root, "uri", uri);
	if (name != NULL)
		mcp_json_add_str(root, "name", name);
	cJSON_AddItemToArray(roots, root);
}

/*
 * roots/list: what a server may work on. A filesystem server replaces its
 * own directories with these, so they are the server's configured roots
 * ("tripmcp": {"roots": [...]}, [] for none), else its configured cwd (as
 * started there), else the directory tripmcp was started in.
 */
static void
cli_on_roots(void *arg, const char *server, struct mcp_request *req,
    const cJSON *params)
{
	struct tui_cli *cli = arg;
	const struct mcp_config_server *cfg = cli->config != NULL ?
	    mcp_config_find(cli->config, server) : NULL;
	const char *cfg_cwd = cfg != NULL ? cfg->cwd : NULL;
	cJSON *result, *roots;
	char cwd[4096], *path = NULL, *uri;
	size_t i;

	(void)params;
	if ((result = cJSON_CreateObject()) == NULL ||
	    (roots = cJSON_CreateArray()) == NULL)
		abort();
	if (cfg != NULL && cfg->roots != NULL) {
		for (i = 0; i < cfg->nroots; i++)
			cli_root_add(roots, cfg->roots[i], NULL);
	} else if (cfg_cwd != NULL && cfg_cwd[0] == '/')
		path = mcp_xstrdup(cfg_cwd);
	else if (getcwd(cwd, sizeof cwd) != NULL)	/* a relative cwd is
							 * started from ours */
		path = cfg_cwd != NULL ? mcp_xprintf("%s/%s", cwd, cfg_cwd) :
		    mcp_xstrdup(cwd);
	if (path != NULL) {
		uri = cli_file_uri(path);
		cli_root_add(roots, uri, cfg_cwd != NULL ?
		    "its working directory" : "current directory");
		free(uri);
		free(path);
	}
	mcp_json_add(result, "roots", roots);
	mcp_request_reply(req, result);
}

/* The configuration, loaded once; false after saying why (the command is
 * then done with a failure). */
static bool
cli_config(struct tui_cli *cli)
{
	int status;

	if (cli->config != NULL)
		return true;
	cli->config = tui_cli_config_load(cli->config_path, &cli->config_name,
	    &status);
	if (cli->config == NULL)
		tui_cli_done(cli, status);
	return cli->config != NULL;
}

bool
tui_cli_host_add_rest(struct tui_cli *cli)
{
	struct mcp_host_server_info info;
	const struct mcp_config_server *s;
	size_t i, n = mcp_config_count(cli->config);
	bool added = false;

	for (i = 0; i < n; i++) {
		s = mcp_config_server(cli->config, i);
		if (mcp_host_server_find(cli->host, s->name, &info) != 0) {
			struct mcp_err err = { 0 };

			/* Cannot fail: a new name, from a parsed file. */
			mcp_host_add_server(cli->host, s, &err);
			added = true;
		}
	}
	return added;
}

struct mcp_host *
tui_cli_host(struct tui_cli *cli, const char *only)
{
	struct mcp_host_opts opts = { 0 };
	struct mcp_err err = { 0 };
	const struct mcp_config_server *one;
	int rc;

	if (cli->host != NULL)
		return cli->host;
	if (!cli_config(cli))
		return NULL;
	cli->log.fn = tui_cli_state_log;
	cli->log.arg = cli;
	cli->log.level = MCP_LOG_DEBUG;
	cli->log.prog = TUI_CLI_PROG;
	opts.client_name = TUI_CLI_PROG;
	opts.client_version = TUI_CLI_VERSION;
	opts.log = &cli->log;
	opts.on_event = cli_on_event;
	opts.approve = tui_cli_approve;
	opts.on_roots = cli_on_roots;
	opts.on_elicitation = tui_cli_elicit;
	opts.arg = cli;
	opts.always_ask = tui_cli_always_ask;
	cli->host = mcp_host_new(cli->base, &opts);
	/* A command for one server starts that one alone: the others would
	 * cost their start and could only add noise (or fail). */
	if (only == NULL)
		rc = mcp_host_add_config(cli->host, cli->config, &err);
	else if ((one = mcp_config_find(cli->config, only)) != NULL)
		rc = mcp_host_add_server(cli->host, one, &err);
	else
		rc = 0;		/* the command names the unknown server */
	if (rc != 0) {
		tui_cli_error(cli, "%s: %s", cli->config_name, err.msg);
		mcp_host_free(cli->host);
		cli->host = NULL;
		tui_cli_done(cli, TUI_CLI_USAGE);
		return NULL;
	}
	tui_cli_state_grants_load(cli);
	return cli->host;
}

bool
tui_cli_target_qualified(const struct mcp_config *cfg, int nargs,
    char **args, char *server, size_t size)
{
	const char *slash = nargs > 0 ? strchr(args[0], '/') : NULL;

	if (slash == NULL || slash == args[0] ||
	    (size_t)(slash - args[0]) >= size)
		return false;
	memcpy(server, args[0], (size_t)(slash - args[0]));
	server[slash - args[0]] = '\0';
	(void)cfg;	/* an unknown server is named, and none started */
	return true;
}

bool
tui_cli_check_server(struct tui_cli *cli, const char *server, size_t len)
{
	struct mcp_host_server_info info;
	char name[MCP_CONFIG_MAX_NAME + 1], list[512], *clean, *raw;
	size_t i, n = mcp_config_count(cli->config), used = 0;

	if (len > 0 && len <= MCP_CONFIG_MAX_NAME) {
		memcpy(name, server, len);
		name[len] = '\0';
		if (mcp_host_server_find(cli->host, name, &info) == 0)
			return true;
	}
	/* The configured servers: a command for one has started only it. */
	list[0] = '\0';
	for (i = 0; i < n; i++) {
		int w = snprintf(list + used, sizeof list - used, "%s%s",
		    i > 0 ? ", " : "", mcp_config_server(cli->config, i)->name);

		if (w < 0 || (size_t)w >= sizeof list - used)
			break;
		used += (size_t)w;
	}
	raw = mcp_xstrndup(server, len);
	clean = tui_cli_clean(raw, false);
	free(raw);
	tui_cli_usage(cli, "unknown server '%s': the servers are %s", clean,
	    n > 0 ? list : "none");
	free(clean);
	return false;
}

bool
tui_cli_check_ready(struct tui_cli *cli, const char *server)
{
	struct mcp_host_server_info info;

	if (mcp_host_server_find(cli->host, server, &info) != 0) {
		tui_cli_check_server(cli, server, strlen(server));
		return false;
	}
	if (info.state == MCP_HOST_READY)
		return true;
	if (info.state == MCP_HOST_DISABLED)
		tui_cli_error(cli, "server '%s' is disabled in %s; enable it "
		    "there", server, cli->config_name);
	else {
		char *reason = tui_cli_clean(info.reason != NULL ? info.reason :
		    "no reason given", false);

		tui_cli_error(cli, "server '%s' is %s: %s", server,
		    mcp_host_state_name(info.state), reason);
		free(reason);
		if (info.stderr_tail != NULL && info.stderr_tail[0] != '\0') {
			char *tail = tui_cli_clean(info.stderr_tail, true);

			fprintf(stderr, "%s: its last stderr lines:\n%s%s",
			    server, tail, tail[strlen(tail) - 1] == '\n' ?
			    "" : "\n");
			free(tail);
		}
	}
	tui_cli_done(cli, TUI_CLI_UNAVAILABLE);
	return false;
}

/* Waiting */

static void
cli_kick_cb(evutil_socket_t fd, short events, void *arg)
{
	struct tui_cli *cli = arg;
	tui_cli_then_fn then = cli->wait_then;

	(void)fd;
	(void)events;
	if (cli->wait_ready == NULL || !cli->wait_ready(cli))
		return;
	cli->wait_ready = NULL;
	cli->wait_then = NULL;
	then(cli);
}

void
tui_cli_wait(struct tui_cli *cli, tui_cli_ready_fn ready, tui_cli_then_fn then)
{
	cli->wait_ready = ready;
	cli->wait_then = then;
	event_active(cli->kick, 0, 0);
}

static bool
cli_all_settled(struct tui_cli *cli)
{
	return mcp_host_settled(cli->host);
}

void
tui_cli_wait_all(struct tui_cli *cli, tui_cli_then_fn then)
{
	tui_cli_wait(cli, cli_all_settled, then);
}

static bool
cli_server_settled(struct tui_cli *cli)
{
	struct mcp_host_server_info info;

	return mcp_host_server_find(cli->host, cli->target, &info) != 0 ||
	    info.state != MCP_HOST_STARTING;
}

void
tui_cli_wait_server(struct tui_cli *cli, const char *server,
    tui_cli_then_fn then)
{
	if (server != cli->target)
		snprintf(cli->target, sizeof cli->target, "%s", server);
	tui_cli_wait(cli, cli_server_settled, then);
}

/* Line input */

static void
cli_line_cb(char *line)
{
	struct tui_cli *cli = cli_current;
	void (*cb)(struct tui_cli *, char *) = cli->line_cb;

	tui_cli_input_stop(cli);
	if (cb != NULL)
		cb(cli, line);
	else
		free(line);
}

static void
cli_stdin_cb(evutil_socket_t fd, short events, void *arg)
{
	(void)fd;
	(void)events;
	(void)arg;
	rl_callback_read_char();
}

/*
 * A regular file or /dev/null as standard input: epoll cannot watch them,
 * and they are always ready, so the next line is read directly, one a loop
 * turn, and shown after the prompt as readline shows a piped line.
 */
static void
cli_file_cb(evutil_socket_t fd, short events, void *arg)
{
	struct tui_cli *cli = arg;
	void (*cb)(struct tui_cli *, char *) = cli->line_cb;
	size_t n = 0, cap = 128;
	char *line = mcp_xmalloc(cap);
	bool cut = false;
	int c;

	(void)fd;
	(void)events;
	while ((c = getchar()) != EOF && c != '\n') {
		if (n == TUI_CLI_MAX_LINE) {
			cut = true;
			continue;
		}
		if (n + 1 == cap)
			line = mcp_xrealloc(line, cap *= 2);
		line[n++] = (char)c;
	}
	line[n] = '\0';
	if (c == EOF && n == 0 && !cut) {
		free(line);
		line = NULL;
	} else if (cut) {
		line[0] = '\0';
		tui_cli_error(cli, "a line of standard input is longer than "
		    "%d bytes; it was skipped", TUI_CLI_MAX_LINE);
	} else
		fprintf(rl_outstream, "%s\n", line);
	tui_cli_input_stop(cli);
	if (cb != NULL)
		cb(cli, line);
	else
		free(line);
}

void
tui_cli_input_start(struct tui_cli *cli, const char *prompt,
    void (*cb)(struct tui_cli *, char *))
{
	struct stat st;

	cli_current = cli;
	cli->line_cb = cb;
	if (fstat(STDIN_FILENO, &st) == 0 && !isatty(STDIN_FILENO) &&
	    !S_ISFIFO(st.st_mode) && !S_ISSOCK(st.st_mode)) {
		if (cli->file_ev == NULL)
			cli->file_ev = event_new(cli->base, -1, 0, cli_file_cb,
			    cli);
		fputs(prompt, rl_outstream);
		fflush(rl_outstream);
		event_active(cli->file_ev, 0, 0);
		return;
	}
	if (cli->stdin_ev == NULL)
		cli->stdin_ev = event_new(cli->base, STDIN_FILENO,
		    EV_READ | EV_PERSIST, cli_stdin_cb, cli);
	rl_callback_handler_install(prompt, cli_line_cb);
	cli->rl_installed = true;
	if (event_add(cli->stdin_ev, NULL) != 0) {
		tui_cli_input_stop(cli);
		tui_cli_error(cli, "cannot watch standard input for lines; "
		    "give them on a terminal, a pipe or a file");
		cb(cli, NULL);
	}
}

void
tui_cli_input_stop(struct tui_cli *cli)
{
	if (cli->rl_installed) {
		rl_callback_handler_remove();
		cli->rl_installed = false;
	}
	cli->line_cb = NULL;
	if (cli->stdin_ev != NULL)
		event_del(cli->stdin_ev);
	if (cli->file_ev != NULL)
		event_del(cli->file_ev);
}

/* Starting a command */

static const struct option cmd_options[] = {
	{ "help", no_argument, NULL, 'h' },
	{ "json", no_argument, NULL, 'j' },
	{ "timeout", required_argument, NULL, 't' },
	{ "yes", no_argument, NULL, 'y' },
	{ NULL, 0, NULL, 0 },
};

/* --timeout's MS: 1 to 86400000 (a day); -1 otherwise. */
static int
cli_timeout(const char *s)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (s[0] < '0' || s[0] > '9' || *end != '\0' || errno != 0 || v < 1 ||
	    v > 86400000)
		return -1;
	return (int)v;
}

void
tui_cli_start(struct tui_cli *cli, int argc, char **argv)
{
	const struct tui_cli_cmd *c = tui_cli_find(argv[0]);
	char *name, only[MCP_CONFIG_MAX_NAME + 1];
	int ch, nargs;

	cli->cmd = NULL;
	cli->running = true;
	cli->status = TUI_CLI_OK;
	cli->declined_told = false;
	cli->json = cli->json_global;
	cli->yes = cli->yes_global;
	cli->timeout_ms = cli->timeout_global;
	if (c == NULL) {
		name = tui_cli_clean(argv[0], false);
		tui_cli_usage(cli, "unknown command '%s'", name);
		free(name);
		return;
	}
	cli->cmd = c;
	optind = 0;	/* GNU: start afresh (the REPL parses many times);
			 * options may follow the arguments ("--" ends them) */
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "hjt:y", cmd_options, NULL)) !=
	    -1) {
		switch (ch) {
		case 'h':
			cli_cmd_help(c);
			tui_cli_done(cli, TUI_CLI_OK);
			return;
		case 'j':
			cli->json = true;
			break;
		case 'y':
			cli->yes = true;
			break;
		case 't':
			if ((cli->timeout_ms = cli_timeout(optarg)) < 0) {
				name = tui_cli_clean(optarg, false);
				tui_cli_usage(cli, "--timeout takes milliseconds "
				    "from 1 to 86400000, not '%s'", name);
				free(name);
				return;
			}
			break;
		default:
			if (optopt == 't') {
				tui_cli_usage(cli, "--timeout needs MS");
				return;
			}
			name = tui_cli_clean(argv[optind - 1], false);
			tui_cli_usage(cli, "%s: unknown option '%s'", c->name,
			    name);
			free(name);
			return;
		}
	}
	nargs = argc - optind;
	if (nargs < c->min_args) {
		tui_cli_usage(cli, "%s needs %s", c->name, c->synopsis);
		return;
	}
	if (c->max_args >= 0 && nargs > c->max_args) {
		name = tui_cli_clean(argv[optind + c->max_args], false);
		tui_cli_usage(cli, "%s: unexpected argument '%s'", c->name,
		    name);
		free(name);
		return;
	}
	cli->nargs = nargs;
	cli->args = argv + optind;
	if (c->needs_host && cli->host == NULL && (!cli_config(cli) ||
	    tui_cli_host(cli, !cli->in_repl && c->target != NULL &&
	    c->target(cli->config, nargs, argv + optind, only, sizeof only) ?
	    only : NULL) == NULL))
		return;
	c->run(cli, nargs, argv + optind);
}

/* The program */

static void
cli_signal_cb(evutil_socket_t sig, short events, void *arg)
{
	struct tui_cli *cli = arg;

	(void)events;
	if (cli->in_repl && sig == SIGINT) {
		if (cli->running) {
			tui_cli_approve_clear(cli);
			tui_cli_elicit_clear(cli);
			if (cli->call != 0)
				mcp_host_cancel(cli->host, cli->call,
				    "interrupted by the user");
			else {
				fputs("\n", stderr);
				tui_cli_error(cli, "interrupted");
				tui_cli_done(cli, 130);
			}
			return;
		}
		/* At the prompt: forget the line. */
		fputs("^C\n", rl_outstream);
		rl_replace_line("", 0);
		rl_on_new_line();
		rl_redisplay();
		return;
	}
	tui_cli_input_stop(cli);
	fputs("\n", stderr);
	tui_cli_error(cli, "interrupted");
	cli->status = 130;
	cli->in_repl = false;
	event_base_loopexit(cli->base, NULL);
}

static const struct option main_options[] = {
	{ "config", required_argument, NULL, 'c' },
	{ "help", no_argument, NULL, 'h' },
	{ "json", no_argument, NULL, 'j' },
	{ "timeout", required_argument, NULL, 't' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "version", no_argument, NULL, 'V' },
	{ "yes", no_argument, NULL, 'y' },
	{ NULL, 0, NULL, 0 },
};

int
tui_cli_main(int argc, char **argv)
{
	struct tui_cli cli = { 0 };
	struct event *sigint, *sigterm;
	int ch, status;

	opterr = 0;
	while ((ch = getopt_long(argc, argv, "+c:hjt:vVy", main_options,
	    NULL)) != -1) {
		switch (ch) {
		case 'c':
			cli.config_path = optarg;
			break;
		case 'h':
			cli_help(stdout);
			return TUI_CLI_OK;
		case 'j':
			cli.json_global = true;
			break;
		case 'v':
			cli.verbose = true;
			break;
		case 'V':
			printf(TUI_CLI_PROG " " TUI_CLI_VERSION "\n");
			return TUI_CLI_OK;
		case 'y':
			cli.yes_global = true;
			break;
		case 't':
			if ((cli.timeout_global = cli_timeout(optarg)) < 0) {
				char *o = tui_cli_clean(optarg, false);

				fprintf(stderr, TUI_CLI_PROG ": --timeout takes "
				    "milliseconds from 1 to 86400000, not '%s'\n",
				    o);
				free(o);
				return TUI_CLI_USAGE;
			}
			break;
		default:
			if (optopt == 't') {
				fprintf(stderr, TUI_CLI_PROG ": --timeout needs "
				    "MS; try '" TUI_CLI_PROG " --help'\n");
				return TUI_CLI_USAGE;
			}
			if (optopt == 'c')
				fprintf(stderr, TUI_CLI_PROG ": -c needs a "
				    "FILE; try '" TUI_CLI_PROG " --help'\n");
			else {
				char *o = tui_cli_clean(argv[optind - 1], false);

				fprintf(stderr, TUI_CLI_PROG ": unknown option "
				    "'%s'; try '" TUI_CLI_PROG " --help'\n", o);
				free(o);
			}
			return TUI_CLI_USAGE;
		}
	}
	if (optind >= argc) {
		if (isatty(STDIN_FILENO) && isatty(STDOUT_FILENO))
			fprintf(stderr, TUI_CLI_PROG ": the full-screen "
			    "terminal interface is not written yet; run '"
			    TUI_CLI_PROG " repl' for an interactive shell, or '"
			    TUI_CLI_PROG " --help' for the commands\n");
		else
			fprintf(stderr, TUI_CLI_PROG ": no command given; try '"
			    TUI_CLI_PROG " --help'\n");
		return TUI_CLI_USAGE;
	}

	cli.base = event_base_new();
	if (cli.base == NULL) {
		fprintf(stderr, TUI_CLI_PROG ": cannot make an event loop\n");
		return TUI_CLI_UNAVAILABLE;
	}
	cli.kick = event_new(cli.base, -1, 0, cli_kick_cb, &cli);
	signal(SIGPIPE, SIG_IGN);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	/* The servers lead process groups of their own (mcp/stdio.h): the
	 * terminal's Ctrl-C reaches tripmcp alone, which stops them. */
	sigint = evsignal_new(cli.base, SIGINT, cli_signal_cb, &cli);
	sigterm = evsignal_new(cli.base, SIGTERM, cli_signal_cb, &cli);
	event_add(sigint, NULL);
	event_add(sigterm, NULL);
	cli.interactive = isatty(STDIN_FILENO) && isatty(STDERR_FILENO);
	rl_readline_name = TUI_CLI_PROG;
	rl_catch_signals = 0;
	rl_catch_sigwinch = 1;
	rl_instream = stdin;
	rl_outstream = isatty(STDOUT_FILENO) ? stdout : stderr;
	cli_current = &cli;

	tui_cli_start(&cli, argc - optind, argv + optind);
	if (cli.running || cli.in_repl)
		event_base_dispatch(cli.base);
	status = cli.status;

	tui_cli_input_stop(&cli);
	tui_cli_approve_clear(&cli);
	tui_cli_elicit_clear(&cli);
	tui_cli_repl_free(&cli);
	mcp_host_free(cli.host);
	mcp_config_free(cli.config);
	free(cli.config_name);
	tui_cli_state_close(&cli);
	if (cli.stdin_ev != NULL)
		event_free(cli.stdin_ev);
	if (cli.file_ev != NULL)
		event_free(cli.file_ev);
	event_free(cli.kick);
	event_free(sigint);
	event_free(sigterm);
	event_base_free(cli.base);
	curl_global_cleanup();
	return status;
}
