/*
 * What tripmcp keeps between runs, under $XDG_STATE_HOME/tripmcp/ (default
 * ~/.local/state/tripmcp/): the tools granted "always" (grants.json,
 * changed under a lock by read-modify-write so two runs do not lose each
 * other's grants), every approval decision (audit.log, a JSON object a
 * line) and the host's event stream (session.log), which --verbose also
 * prints on stderr.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <readline/readline.h>

#include "mcp/json.h"
#include "tui/cli.h"

#define STATE_MAX_GRANTS_BYTES	(1024 * 1024)
/* A session log larger than this is moved to session.log.1 (replacing it)
 * when a run opens it; the audit log is never cut. */
#define STATE_MAX_LOG_BYTES	(8 * 1024 * 1024)

static void
state_rotate(const char *path)
{
	struct stat st;
	char *old;

	if (stat(path, &st) != 0 || st.st_size < STATE_MAX_LOG_BYTES)
		return;
	old = mcp_xprintf("%s.1", path);
	rename(path, old);
	free(old);
}

static int
state_mkdirs(char *path)
{
	char *p;

	for (p = path + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0700) != 0 && errno != EEXIST) {
			*p = '/';
			return -1;
		}
		*p = '/';
	}
	return mkdir(path, 0700) != 0 && errno != EEXIST ? -1 : 0;
}

const char *
tui_cli_state_dir(struct tui_cli *cli)
{
	const char *x = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
	char *dir;

	if (cli->state_dir != NULL || cli->state_warned)
		return cli->state_dir;
	if (x != NULL && x[0] == '/')
		dir = mcp_xprintf("%s/tripmcp", x);
	else if (home != NULL && home[0] == '/')
		dir = mcp_xprintf("%s/.local/state/tripmcp", home);
	else {
		cli->state_warned = true;
		tui_cli_error(cli, "nowhere to keep grants and logs: set HOME "
		    "or XDG_STATE_HOME to an absolute path");
		return NULL;
	}
	if (state_mkdirs(dir) != 0) {
		cli->state_warned = true;
		tui_cli_error(cli, "cannot make %s: %s; grants and logs are not "
		    "kept (set XDG_STATE_HOME to a writable directory)", dir,
		    strerror(errno));
		free(dir);
		return NULL;
	}
	cli->state_dir = dir;
	return dir;
}

char *
tui_cli_state_path(struct tui_cli *cli, const char *file)
{
	const char *dir = tui_cli_state_dir(cli);

	return dir != NULL ? mcp_xprintf("%s/%s", dir, file) : NULL;
}

/* "2026-11-25T11:20:00.123Z" */
static void
state_time(char *buf, size_t size)
{
	struct timeval tv;
	struct tm tm;

	char whole[24];

	gettimeofday(&tv, NULL);
	gmtime_r(&tv.tv_sec, &tm);
	strftime(whole, sizeof whole, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf, size, "%s.%03dZ", whole, (int)(tv.tv_usec / 1000) % 1000);
}

/* Append one line with one write(), so concurrent runs do not interleave. */
static void
state_append(struct tui_cli *cli, const char *file, const char *line)
{
	char *path = tui_cli_state_path(cli, file);
	int fd;

	if (path == NULL)
		return;
	fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (fd < 0 || write(fd, line, strlen(line)) < 0) {
		if (!cli->state_warned)
			tui_cli_error(cli, "cannot write %s: %s", path,
			    strerror(errno));
		cli->state_warned = true;
	}
	if (fd >= 0)
		close(fd);
	free(path);
}

/* Grants */

/* Read grants.json: an array the caller frees (empty when there is no
 * file), or NULL after saying what is wrong with it. */
static cJSON *
state_grants_parse(struct tui_cli *cli, const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	size_t n;
	cJSON *root, *grants, *g;
	const char *why = NULL;

	if (f == NULL) {
		if (errno == ENOENT)
			return cJSON_CreateArray();
		tui_cli_error(cli, "cannot read %s: %s", path, strerror(errno));
		return NULL;
	}
	buf = mcp_xmalloc(STATE_MAX_GRANTS_BYTES + 1);
	n = fread(buf, 1, STATE_MAX_GRANTS_BYTES + 1, f);
	fclose(f);
	if (n > STATE_MAX_GRANTS_BYTES) {
		free(buf);
		tui_cli_error(cli, "%s is larger than 1 MiB; it is not a grants "
		    "file: remove it", path);
		return NULL;
	}
	buf[n] = '\0';
	root = cJSON_ParseWithLength(buf, n);
	free(buf);
	grants = cJSON_GetObjectItemCaseSensitive(root, "grants");
	if (root == NULL)
		why = "it is not JSON";
	else if (!cJSON_IsArray(grants))
		why = "it has no \"grants\" array";
	cJSON_ArrayForEach(g, grants) {
		const cJSON *s = cJSON_GetObjectItemCaseSensitive(g, "server");
		const cJSON *t = cJSON_GetObjectItemCaseSensitive(g, "tool");

		if (why == NULL && (!cJSON_IsString(s) || !cJSON_IsString(t) ||
		    s->valuestring[0] == '\0' || t->valuestring[0] == '\0'))
			why = "a grant lacks its \"server\" or \"tool\" string";
	}
	if (why != NULL) {
		tui_cli_error(cli, "%s is damaged: %s; fix it or remove it "
		    "(its grants are not used)", path, why);
		cJSON_Delete(root);
		return NULL;
	}
	grants = cJSON_DetachItemFromObjectCaseSensitive(root, "grants");
	cJSON_Delete(root);
	return grants;
}

static const cJSON *
state_grant_find(const cJSON *grants, const char *server, const char *tool)
{
	const cJSON *g;

	cJSON_ArrayForEach(g, grants) {
		if (strcmp(cJSON_GetObjectItemCaseSensitive(g, "server")->
		    valuestring, server) == 0 &&
		    strcmp(cJSON_GetObjectItemCaseSensitive(g, "tool")->
		    valuestring, tool) == 0)
			return g;
	}
	return NULL;
}

cJSON *
tui_cli_state_grants_read(struct tui_cli *cli)
{
	char *path = tui_cli_state_path(cli, "grants.json");
	cJSON *grants;

	if (path == NULL)
		return cJSON_CreateArray();
	grants = state_grants_parse(cli, path);
	free(path);
	return grants;
}

void
tui_cli_state_grants_load(struct tui_cli *cli)
{
	cJSON *grants = tui_cli_state_grants_read(cli);
	const cJSON *g;

	cJSON_ArrayForEach(g, grants) {
		const char *s = cJSON_GetObjectItemCaseSensitive(g, "server")->
		    valuestring;
		const char *t = cJSON_GetObjectItemCaseSensitive(g, "tool")->
		    valuestring;

		/* A grant of an always-asking tool is refused by the host. */
		mcp_host_grant_add(cli->host, s, t, MCP_HOST_ALWAYS);
	}
	cJSON_Delete(grants);
}

/* Change grants.json under its lock: add (server, tool) or remove it.
 * 1 changed, 0 nothing to change, -1 after an error (said). */
static int
state_grants_change(struct tui_cli *cli, const char *server, const char *tool,
    bool add)
{
	char *path = tui_cli_state_path(cli, "grants.json"), *lock, *tmp, *text;
	cJSON *grants, *root, *g;
	const cJSON *old;
	int lfd, rc = -1;
	FILE *f;
	char now[40];

	if (path == NULL)
		return -1;
	lock = mcp_xprintf("%s.lock", path);
	tmp = mcp_xprintf("%s.%ld.tmp", path, (long)getpid());
	lfd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (lfd < 0 || flock(lfd, LOCK_EX) != 0) {
		tui_cli_error(cli, "cannot lock %s: %s", lock, strerror(errno));
		goto out;
	}
	if ((grants = state_grants_parse(cli, path)) == NULL)
		goto out;
	old = state_grant_find(grants, server, tool);
	if ((old != NULL) == add) {
		cJSON_Delete(grants);
		rc = 0;
		goto out;
	}
	if (add) {
		if ((g = cJSON_CreateObject()) == NULL)
			abort();
		state_time(now, sizeof now);
		mcp_json_add_str(g, "server", server);
		mcp_json_add_str(g, "tool", tool);
		mcp_json_add_str(g, "since", now);
		cJSON_AddItemToArray(grants, g);
	} else
		cJSON_Delete(cJSON_DetachItemViaPointer(grants, (cJSON *)old));
	if ((root = cJSON_CreateObject()) == NULL)
		abort();
	mcp_json_add_num(root, "version", 1);
	mcp_json_add(root, "grants", grants);
	if ((text = cJSON_Print(root)) == NULL)
		abort();
	cJSON_Delete(root);
	f = fopen(tmp, "w");
	if (f == NULL || fprintf(f, "%s\n", text) < 0 || fflush(f) != 0 ||
	    fsync(fileno(f)) != 0 || fclose(f) != 0 || rename(tmp, path) != 0) {
		tui_cli_error(cli, "cannot write %s: %s", path, strerror(errno));
		unlink(tmp);
	} else
		rc = 1;
	free(text);
out:
	if (lfd >= 0)
		close(lfd);
	free(lock);
	free(tmp);
	free(path);
	return rc;
}

int
tui_cli_state_grant_save(struct tui_cli *cli, const char *server,
    const char *tool)
{
	return state_grants_change(cli, server, tool, true) < 0 ? -1 : 0;
}

int
tui_cli_state_grant_remove(struct tui_cli *cli, const char *server,
    const char *tool)
{
	return state_grants_change(cli, server, tool, false);
}

/* Audit */

void
tui_cli_state_audit(struct tui_cli *cli, const struct mcp_host_request *req,
    const char *decision, const char *by)
{
	cJSON *line = cJSON_CreateObject(), *args;
	char now[40], *text, *out;

	if (line == NULL)
		abort();
	cli->decided_call = req->call;
	cli->decided_by = by;
	state_time(now, sizeof now);
	mcp_json_add_str(line, "time", now);
	mcp_json_add_num(line, "pid", (double)getpid());
	mcp_json_add_str(line, "server", req->server);
	mcp_json_add_str(line, "tool", req->tool);
	/* The arguments as they were shown (and will be sent). */
	args = cJSON_Parse(req->arguments);
	if (args != NULL)
		mcp_json_add(line, "arguments", args);
	else
		mcp_json_add_str(line, "arguments", req->arguments);
	mcp_json_add_str(line, "decision", decision);
	mcp_json_add_str(line, "by", by);
	if (req->reason != NULL)
		mcp_json_add_str(line, "reason", req->reason);
	text = mcp_json_print(line, NULL);
	cJSON_Delete(line);
	out = mcp_xprintf("%s\n", text);
	free(text);
	state_append(cli, "audit.log", out);
	free(out);
}

/* The event stream */

static const char *const state_decisions[] = { "denied", "approved once",
    "approved for the session", "approved always" };

/* Who made a decision, as the audit log says it: the gate's policy, or
 * whoever answered the approval tripmcp was asked for. */
static const char *
state_decider(const struct tui_cli *cli, const struct mcp_host_event *ev)
{
	if (!ev->asked)
		return "policy";
	if (cli->decided_by != NULL && cli->decided_call == ev->call)
		return cli->decided_by;
	return "tripmcp";
}

static const char *
state_level_name(enum mcp_log_level l)
{
	return mcp_log_level_name(l);
}

/* One event as one line of text (untrusted parts cleaned). */
static char *
state_event_text(struct tui_cli *cli, const struct mcp_host_event *ev)
{
	struct mcp_host_server_info info;
	char *text = NULL, *a, *b;

	switch (ev->kind) {
	case MCP_HOST_EV_STATE:
		a = tui_cli_clean(ev->reason != NULL ? ev->reason : "", false);
		text = mcp_xprintf("%s: %s%s%s", ev->server,
		    mcp_host_state_name(ev->state), a[0] != '\0' ? ": " : "", a);
		free(a);
		break;
	case MCP_HOST_EV_CATALOG:
		if (cli->host != NULL && mcp_host_server_find(cli->host,
		    ev->server, &info) == 0)
			text = mcp_xprintf("%s: catalog: %u tools, %u resources, "
			    "%u templates, %u prompts", ev->server, info.tools,
			    info.resources, info.templates, info.prompts);
		else
			text = mcp_xprintf("%s: catalog changed", ev->server);
		break;
	case MCP_HOST_EV_CALL_START:
		a = tui_cli_clean(ev->tool != NULL ? ev->tool : "", false);
		b = tui_cli_clean(ev->arguments != NULL ? ev->arguments : "",
		    false);
		text = mcp_xprintf("call %llu: %s %s/%s%s%s",
		    (unsigned long long)ev->call, ev->method, ev->server, a,
		    b[0] != '\0' ? " " : "", b);
		free(a);
		free(b);
		break;
	case MCP_HOST_EV_PROGRESS:
		a = tui_cli_clean(ev->message != NULL ? ev->message : "", false);
		if (isnan(ev->total))
			text = mcp_xprintf("call %llu: progress %g%s%s",
			    (unsigned long long)ev->call, ev->progress,
			    a[0] != '\0' ? ": " : "", a);
		else
			text = mcp_xprintf("call %llu: progress %g/%g%s%s",
			    (unsigned long long)ev->call, ev->progress,
			    ev->total, a[0] != '\0' ? ": " : "", a);
		free(a);
		break;
	case MCP_HOST_EV_CALL_END:
		a = tui_cli_clean(ev->tool != NULL ? ev->tool : "", false);
		b = tui_cli_clean(ev->code != 0 ? (ev->error != NULL ?
		    ev->error : "") : (ev->summary != NULL ? ev->summary : ""),
		    false);
		text = mcp_xprintf("call %llu: %s %s/%s %s in %lld ms%s%s",
		    (unsigned long long)ev->call, ev->method,
		    ev->server != NULL ? ev->server : "?", a,
		    ev->code != 0 ? "failed" : ev->is_error ? "tool error" :
		    "done", (long long)ev->duration_ms,
		    b[0] != '\0' ? ": " : "", b);
		free(a);
		free(b);
		break;
	case MCP_HOST_EV_LOG:
		if (cJSON_IsString(ev->data))
			a = mcp_xstrdup(ev->data->valuestring);
		else
			a = ev->data != NULL ? mcp_json_print(ev->data, NULL) :
			    mcp_xstrdup("");
		b = tui_cli_clean(a, false);
		free(a);
		a = tui_cli_clean(ev->logger != NULL ? ev->logger : "", false);
		text = mcp_xprintf("%s: log %s%s%s: %s", ev->server,
		    state_level_name(ev->level), a[0] != '\0' ? " " : "", a, b);
		free(a);
		free(b);
		break;
	case MCP_HOST_EV_UPDATED:
		a = tui_cli_clean(ev->uri != NULL ? ev->uri : "", false);
		text = mcp_xprintf("%s: updated %s", ev->server, a);
		free(a);
		break;
	case MCP_HOST_EV_DECISION:
		a = tui_cli_clean(ev->tool != NULL ? ev->tool : "", false);
		b = tui_cli_clean(ev->reason != NULL ? ev->reason : "", false);
		text = mcp_xprintf("call %llu: %s/%s %s (by %s)%s%s",
		    (unsigned long long)ev->call, ev->server, a,
		    state_decisions[ev->decision], state_decider(cli, ev),
		    b[0] != '\0' ? ": " : "", b);
		free(a);
		free(b);
		break;
	}
	return text != NULL ? text : mcp_xstrdup("event");
}

static void
state_session(struct tui_cli *cli, const char *text)
{
	char now[40];

	if (cli->session_log == NULL) {
		char *path = tui_cli_state_path(cli, "session.log");
		int fd;

		if (path == NULL)
			return;
		state_rotate(path);
		fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC,
		    0600);
		if (fd >= 0)
			cli->session_log = fdopen(fd, "a");
		if (cli->session_log == NULL) {
			if (fd >= 0)
				close(fd);
			if (!cli->state_warned)
				tui_cli_error(cli, "cannot write %s: %s", path,
				    strerror(errno));
			cli->state_warned = true;
			free(path);
			return;
		}
		free(path);
	}
	state_time(now, sizeof now);
	fprintf(cli->session_log, "%s %ld %s\n", now, (long)getpid(), text);
	fflush(cli->session_log);
}

/* A line on stderr while readline may show a prompt: clear the prompt's
 * line first and draw it again after, so they do not mix. */
static void
state_print(struct tui_cli *cli, const char *text)
{
	fflush(stdout);
	if (cli->rl_installed)
		rl_clear_visible_line();
	fprintf(stderr, TUI_CLI_PROG ": %s\n", text);
	if (cli->rl_installed)
		rl_forced_update_display();
}

void
tui_cli_state_event(void *arg, const struct mcp_host_event *ev)
{
	struct tui_cli *cli = arg;
	char *text = state_event_text(cli, ev);

	/* The REPL says when a server goes down, even without --verbose. */
	if (cli->verbose || (cli->in_repl && ev->kind == MCP_HOST_EV_STATE &&
	    (ev->state == MCP_HOST_FAILED || ev->state == MCP_HOST_RESTARTING)))
		state_print(cli, text);
	state_session(cli, text);
	free(text);
	/* What the user answered is audited where it is asked (with who
	 * answered); what the policy decided alone is audited here. */
	if (ev->kind == MCP_HOST_EV_DECISION && !ev->asked) {
		static const char *const names[] = { "deny", "once", "session",
		    "always" };
		struct mcp_host_request req = { 0 };

		req.call = ev->call;
		req.server = ev->server;
		req.tool = ev->tool;
		req.arguments = ev->arguments != NULL ? ev->arguments : "{}";
		req.reason = ev->reason;
		tui_cli_state_audit(cli, &req, names[ev->decision],
		    state_decider(cli, ev));
	}
}

void
tui_cli_state_log(void *arg, enum mcp_log_level level, const char *msg)
{
	struct tui_cli *cli = arg;
	char *clean = tui_cli_clean(msg, false);
	char *text = mcp_xprintf("host %s: %s", state_level_name(level), clean);

	if (cli->verbose || level >= MCP_LOG_ERROR)
		state_print(cli, text);
	state_session(cli, text);
	free(text);
	free(clean);
}

void
tui_cli_state_close(struct tui_cli *cli)
{
	if (cli->session_log != NULL)
		fclose(cli->session_log);
	cli->session_log = NULL;
	free(cli->state_dir);
	cli->state_dir = NULL;
}
