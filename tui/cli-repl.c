/*
 * tripmcp repl: the same commands in a readline shell on the one libevent
 * loop (readline's callback interface: rl_callback_handler_install, then
 * rl_callback_read_char whenever stdin is readable), with history kept in
 * $XDG_STATE_HOME/tripmcp/history and Tab completion of commands, server
 * and tool names, argument names and values, resource URIs and prompt
 * arguments. The servers stay up between commands.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <event2/event.h>
#include <readline/history.h>
#include <readline/readline.h>

#include "mcp/client.h"
#include "mcp/json.h"
#include "tui/cli.h"

#define REPL_MAX_WORDS	256
#define REPL_HISTORY	1000

struct tui_cli_repl {
	char *history;		/* its file, or NULL */
	char **words;		/* the running command's words */
	int nwords;
	char **cands;		/* for the completion generator */
	size_t cand_next;
	/* completion/complete: the last question and its answer. */
	char *remote_key;	/* "server\nref\narg\nvalue" */
	cJSON *remote_values;	/* the answer's values, or NULL (waiting) */
	bool remote_waiting;
};

static struct tui_cli *repl_cli;	/* readline's completer has no arg */

static void
repl_words_free(struct tui_cli_repl *r)
{
	int i;

	for (i = 0; i < r->nwords; i++)
		free(r->words[i]);
	free(r->words);
	r->words = NULL;
	r->nwords = 0;
}

static void
repl_cands_free(struct tui_cli_repl *r)
{
	size_t i;

	for (i = 0; r->cands != NULL && r->cands[i] != NULL; i++)
		free(r->cands[i]);
	free(r->cands);
	r->cands = NULL;
}

/* Split a line as a shell would, for quotes: 'literal', "with \" and \\",
 * and \ escaping one character outside quotes. -1 with why filled. */
static int
repl_split(const char *line, char ***out, int *nout, const char **why)
{
	char **words = mcp_xcalloc(REPL_MAX_WORDS + 1, sizeof *words);
	size_t len = strlen(line), o;
	char *buf = mcp_xmalloc(len + 1);
	const char *p = line;
	int n = 0;

	for (;;) {
		char quote = 0;
		bool any = false;

		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0')
			break;
		o = 0;
		while (*p != '\0' && (quote != 0 || (*p != ' ' && *p != '\t'))) {
			if (quote == 0 && (*p == '\'' || *p == '"')) {
				quote = *p++;
				any = true;
				continue;
			}
			if (quote != 0 && *p == quote) {
				quote = 0;
				p++;
				continue;
			}
			if (*p == '\\' && quote != '\'' && p[1] != '\0' &&
			    (quote == 0 || p[1] == '"' || p[1] == '\\'))
				p++;
			buf[o++] = *p++;
		}
		if (quote != 0) {
			*why = quote == '\'' ? "a ' is not closed" :
			    "a \" is not closed";
			goto fail;
		}
		if (n == REPL_MAX_WORDS) {
			*why = "more than 256 words";
			goto fail;
		}
		(void)any;
		words[n++] = mcp_xstrndup(buf, o);
	}
	free(buf);
	*out = words;
	*nout = n;
	return 0;
fail:
	while (n > 0)
		free(words[--n]);
	free(words);
	free(buf);
	return -1;
}

static void
repl_help(const char *name)
{
	const struct tui_cli_cmd *c;
	size_t i;

	if (name != NULL && (c = tui_cli_find(name)) != NULL) {
		printf("%s %s\n%s\n%s", c->name, c->synopsis, c->summary,
		    c->help);
		return;
	}
	printf("commands (as on the command line; --json and --yes apply to "
	    "one command):\n");
	for (i = 0; tui_cli_cmds[i] != NULL; i++) {
		c = tui_cli_cmds[i];
		if (c == &tui_cli_repl)
			continue;
		printf("  %-10s %-32s %s\n", c->name, c->synopsis, c->summary);
	}
	printf("  %-10s %-32s %s\n  %-10s %-32s %s\n", "help", "[COMMAND]",
	    "this list, or a command's help", "quit", "",
	    "leave (also Ctrl-D)");
}

static void
repl_quit(struct tui_cli *cli)
{
	cli->in_repl = false;
	cli->status = TUI_CLI_OK;
	event_base_loopexit(cli->base, NULL);
}

static void
repl_line(struct tui_cli *cli, char *line)
{
	struct tui_cli_repl *r = cli->repl;
	const char *why = NULL;

	if (line == NULL) {
		fputs("\n", rl_outstream);
		repl_quit(cli);
		return;
	}
	if (line[strspn(line, " \t")] == '\0') {
		free(line);
		tui_cli_repl_next(cli);
		return;
	}
	add_history(line);
	if (r->history != NULL)
		append_history(1, r->history);
	repl_words_free(r);
	if (repl_split(line, &r->words, &r->nwords, &why) != 0) {
		free(line);
		tui_cli_error(cli, "%s; try again", why);
		tui_cli_repl_next(cli);
		return;
	}
	free(line);
	if (strcmp(r->words[0], "quit") == 0 || strcmp(r->words[0], "exit") == 0) {
		repl_quit(cli);
		return;
	}
	if (strcmp(r->words[0], "help") == 0) {
		repl_help(r->nwords > 1 ? r->words[1] : NULL);
		tui_cli_repl_next(cli);
		return;
	}
	if (strcmp(r->words[0], "repl") == 0) {
		tui_cli_error(cli, "this is the REPL already");
		tui_cli_repl_next(cli);
		return;
	}
	tui_cli_start(cli, r->nwords, r->words);
}

void
tui_cli_repl_next(struct tui_cli *cli)
{
	if (cli->repl == NULL || !cli->in_repl || cli->running ||
	    cli->asking || cli->asks != NULL || cli->elicits != NULL ||
	    cli->line_cb != NULL)
		return;
	fflush(stdout);
	tui_cli_input_start(cli, "tripmcp> ", repl_line);
}

/* Completion */

static void
repl_remote_done(void *arg, const struct mcp_response *r)
{
	struct tui_cli *cli = arg;
	struct tui_cli_repl *rp = cli->repl;
	const cJSON *values;

	if (rp == NULL)		/* the REPL is gone (the host is being freed) */
		return;
	rp->remote_waiting = false;
	values = cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(r->result, "completion"),
	    "values");
	cJSON_Delete(rp->remote_values);
	rp->remote_values = cJSON_Duplicate(r->code == 0 &&
	    cJSON_IsArray(values) ? values : NULL, 1);
	if (rp->remote_values == NULL &&
	    (rp->remote_values = cJSON_CreateArray()) == NULL)
		abort();
	/* Tab again now that the answer is here, if the user still waits at
	 * the same prompt. */
	if (cli->rl_installed && cli->in_repl && !cli->running &&
	    !cli->asking) {
		/* As Tab would, listing the choices when there are several. */
		rl_complete_internal('!');
		rl_redisplay();
	}
}

/* For a URI: unreserved characters as they are, the rest %XX. */
static void
repl_pct(char *out, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";

	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || strchr("-._~", c) != NULL)
			*out++ = (char)c;
		else {
			*out++ = '%';
			*out++ = hex[c >> 4];
			*out++ = hex[c & 15];
		}
	}
	*out = '\0';
}

static char *
repl_cand(const char *prefix, const char *value, bool encode)
{
	char *enc, *out;

	if (!encode)
		return mcp_xprintf("%s%s", prefix, value);
	enc = mcp_xmalloc(strlen(value) * 3 + 1);
	repl_pct(enc, value);
	out = mcp_xprintf("%s%s", prefix, enc);
	free(enc);
	return out;
}

char **
tui_cli_repl_remote(struct tui_cli *cli, const char *server,
    const char *ref_type, const char *ref, const char *arg, const char *value,
    const cJSON *context, const char *prefix, bool encode)
{
	struct tui_cli_repl *rp = cli->repl;
	struct mcp_client *client;
	const cJSON *v;
	char *key, **out, *ctx;
	size_t n = 0, len = strlen(value), klen;
	bool exact;

	if (rp == NULL || cli->host == NULL)
		return NULL;
	ctx = context != NULL ? mcp_json_print(context, NULL) : mcp_xstrdup("");
	key = mcp_xprintf("%s\n%s\n%s\n%s\n%s\n%s", server, ref_type, ref,
	    ctx, arg, value);
	free(ctx);
	klen = strlen(key) - len;
	exact = rp->remote_key != NULL && strcmp(rp->remote_key, key) == 0;
	/* The answer to this question, or to one the value extends (filtered
	 * here, without asking again). */
	if (exact || (rp->remote_key != NULL && rp->remote_values != NULL &&
	    strncmp(rp->remote_key, key, klen) == 0 &&
	    strncmp(rp->remote_key + klen, value,
	    strlen(rp->remote_key + klen)) == 0)) {
		free(key);
		if (rp->remote_values == NULL)
			return NULL;	/* still waiting */
		out = mcp_xcalloc((size_t)cJSON_GetArraySize(
		    rp->remote_values) + 1, sizeof *out);
		cJSON_ArrayForEach(v, rp->remote_values) {
			/* The server's own answer is taken as it is (it may
			 * match forgivingly); an older one is narrowed. */
			if (cJSON_IsString(v) && (exact ||
			    strncasecmp(v->valuestring, value, len) == 0))
				out[n++] = repl_cand(prefix, v->valuestring,
				    encode);
		}
		return out;
	}
	if (rp->remote_waiting ||
	    (client = mcp_host_client(cli->host, server)) == NULL ||
	    !mcp_client_server_can(client, "completions")) {
		free(key);
		return NULL;
	}
	free(rp->remote_key);
	rp->remote_key = key;
	cJSON_Delete(rp->remote_values);
	rp->remote_values = NULL;
	rp->remote_waiting = true;
	mcp_client_complete(client, ref_type, ref, arg, value,
	    context != NULL ? cJSON_Duplicate(context, 1) : NULL,
	    repl_remote_done, cli);
	return NULL;
}

static char *
repl_generator(const char *text, int state)
{
	struct tui_cli_repl *r = repl_cli->repl;

	(void)text;
	if (state == 0)
		r->cand_next = 0;
	if (r->cands == NULL || r->cands[r->cand_next] == NULL)
		return NULL;
	return mcp_xstrdup(r->cands[r->cand_next++]);
}

/* Words may hold spaces escaped with a backslash (as completion writes
 * them): readline must not break a word there. */
static int
repl_quoted(char *line, int i)
{
	int n = 0;

	while (i - n - 1 >= 0 && line[i - n - 1] == '\\')
		n++;
	return n % 2 == 1;
}

static char *
repl_unescape(const char *s)
{
	char *out = mcp_xmalloc(strlen(s) + 1), *o = out;

	for (; *s != '\0'; s++) {
		if (*s == '\\' && s[1] != '\0')
			s++;
		*o++ = *s;
	}
	*o = '\0';
	return out;
}

static char *
repl_escape(const char *s)
{
	char *out = mcp_xmalloc(strlen(s) * 2 + 1), *o = out;

	for (; *s != '\0'; s++) {
		if (strchr(" \t'\"\\", *s) != NULL)
			*o++ = '\\';
		*o++ = *s;
	}
	*o = '\0';
	return out;
}

static char **
repl_complete(const char *raw, int start, int end)
{
	struct tui_cli *cli = repl_cli;
	struct tui_cli_repl *r = cli->repl;
	char *before = mcp_xstrndup(rl_line_buffer, (size_t)start), *tok, *save;
	char *words[REPL_MAX_WORDS], *text = repl_unescape(raw), *e;
	int n = 0, i;
	size_t k = 0, len = strlen(text);
	const struct tui_cli_cmd *c;
	char **matches;

	(void)end;
	rl_attempted_completion_over = 1;
	repl_cands_free(r);
	for (tok = strtok_r(before, " \t", &save); tok != NULL && n <
	    REPL_MAX_WORDS; tok = strtok_r(NULL, " \t", &save)) {
		if (n > 0 && tok[0] == '-')
			continue;	/* an option */
		words[n++] = tok;
	}
	if (n == 0 || (n == 1 && strcmp(words[0], "help") == 0)) {
		r->cands = mcp_xcalloc(32, sizeof *r->cands);
		for (i = 0; tui_cli_cmds[i] != NULL && k < 28; i++) {
			if (tui_cli_cmds[i] != &tui_cli_repl &&
			    strncmp(tui_cli_cmds[i]->name, text, len) == 0)
				r->cands[k++] = mcp_xstrdup(
				    tui_cli_cmds[i]->name);
		}
		if (n == 0) {
			static const char *const more[] = { "help", "quit" };

			for (i = 0; i < 2; i++) {
				if (strncmp(more[i], text, len) == 0)
					r->cands[k++] = mcp_xstrdup(more[i]);
			}
		}
	} else if ((c = tui_cli_find(words[0])) != NULL && c->complete != NULL)
		r->cands = c->complete(cli, n - 1, words + 1, text);
	free(before);
	free(text);
	if (r->cands == NULL || r->cands[0] == NULL)
		return NULL;
	for (k = 0; r->cands[k] != NULL; k++) {
		e = repl_escape(r->cands[k]);
		free(r->cands[k]);
		r->cands[k] = e;
	}
	/* "name=", "server/" and URI prefixes continue: no space after. */
	for (k = 0; r->cands[k] != NULL; k++) {
		size_t l = strlen(r->cands[k]);

		if (l > 0 && strchr("=/:", r->cands[k][l - 1]) != NULL)
			rl_completion_suppress_append = 1;
	}
	matches = rl_completion_matches(raw, repl_generator);
	return matches;
}

static void
repl_run(struct tui_cli *cli, int nargs, char **args)
{
	struct tui_cli_repl *r;

	(void)nargs;
	(void)args;
	if (cli->yes) {
		/* --yes approves one command's calls, never a whole session. */
		tui_cli_usage(cli, "--yes approves one command; in the REPL "
		    "give it to that command ('call --yes SERVER/TOOL ...')");
		return;
	}
	r = mcp_xcalloc(1, sizeof *r);
	cli->repl = r;
	repl_cli = cli;
	cli->in_repl = true;
	cli->running = false;	/* the REPL is not a command */
	rl_outstream = stdout;
	rl_attempted_completion_function = repl_complete;
	rl_completer_word_break_characters = (char *)" \t";
	rl_completer_quote_characters = "'\"";
	rl_char_is_quoted_p = repl_quoted;
	using_history();
	stifle_history(REPL_HISTORY);
	r->history = tui_cli_state_path(cli, "history");
	if (r->history != NULL) {
		/* append_history needs the file to exist. */
		int fd = open(r->history, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);

		if (fd >= 0)
			close(fd);
		read_history(r->history);
	}
	printf("tripmcp %s: commands as on the command line; 'help' lists them, "
	    "Tab completes, 'quit' or Ctrl-D leaves\n", TUI_CLI_VERSION);
	tui_cli_repl_next(cli);
}

void
tui_cli_repl_free(struct tui_cli *cli)
{
	struct tui_cli_repl *r = cli->repl;

	if (r == NULL)
		return;
	if (r->history != NULL)
		history_truncate_file(r->history, REPL_HISTORY);
	clear_history();
	repl_words_free(r);
	repl_cands_free(r);
	free(r->remote_key);
	cJSON_Delete(r->remote_values);
	free(r->history);
	free(r);
	cli->repl = NULL;
	repl_cli = NULL;
}

const struct tui_cli_cmd tui_cli_repl = {
	.name = "repl",
	.synopsis = "",
	.summary = "an interactive shell of these commands, with Tab completion",
	.help =
	    "Starts the servers once and reads commands with readline: the same\n"
	    "commands and arguments as on the command line ('help', 'quit'), Tab\n"
	    "completion of commands, server and tool names, argument names and\n"
	    "values, resource URIs and prompt arguments, history kept in\n"
	    "$XDG_STATE_HOME/tripmcp/history. Ctrl-C stops the running command.\n"
	    "Approvals are asked at the terminal; a session grant lasts until quit.\n",
	.min_args = 0,
	.max_args = 0,
	.needs_host = true,
	.run = repl_run,
};
