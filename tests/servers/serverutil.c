/*
 * Server test helpers: a bundled server as a child process, our client on
 * its stdio, and blocking calls for straight-line tests.
 */
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <ftw.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "mcp/client.h"
#include "mcp/json.h"
#include "mcp/stdio.h"
#include "tests/mcp/testutil.h"

#include "serverutil.h"

#define SERVERUTIL_CALL_MS	10000
#define SERVERUTIL_START_MS	30000

struct serverutil {
	struct event_base	*base;
	struct mcp_transport	*t;
	struct mcp_client	*c;
	char			 dir[256];	/* private, or "" */
	char			 db[PATH_MAX];
	char			 error[512];
	int			 updates;
	char			 last_update[512];
	bool			 closed;
};

struct serverutil_box {
	struct serverutil	*su;
	bool			 done;
	cJSON			*result;
};

static struct testutil_log serverutil_logs;
static const struct mcp_log serverutil_log = { testutil_log_fn,
    &serverutil_logs, MCP_LOG_WARNING, "serverutil" };

char *
serverutil_program(const char *name)
{
	char	 exe[PATH_MAX], *slash, *out;
	ssize_t	 n;
	size_t	 len;

	n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n <= 0)
		return (NULL);
	exe[n] = '\0';
	/* build/tests/x -> build/tripmcp-NAME; build/asan/tests/x likewise. */
	if ((slash = strrchr(exe, '/')) == NULL)
		return (NULL);
	*slash = '\0';
	if ((slash = strrchr(exe, '/')) == NULL)
		return (NULL);
	*slash = '\0';
	len = strlen(exe) + strlen("/tripmcp-") + strlen(name) + 1;
	if ((out = malloc(len)) == NULL)
		abort();
	snprintf(out, len, "%s/tripmcp-%s", exe, name);
	return (out);
}

static void
serverutil_on_update(void *arg, const char *uri)
{
	struct serverutil *su = arg;

	su->updates++;
	snprintf(su->last_update, sizeof su->last_update, "%s", uri);
}

static void
serverutil_on_closed(void *arg, const char *reason)
{
	struct serverutil *su = arg;

	(void)reason;
	su->closed = true;
}

static void
serverutil_box_cb(void *arg, const struct mcp_response *r)
{
	struct serverutil_box *b = arg;

	b->done = true;
	if (r->code == 0) {
		b->result = cJSON_Duplicate(r->result, 1);
		b->su->error[0] = '\0';
	} else
		snprintf(b->su->error, sizeof b->su->error, "%d: %s", r->code,
		    r->message != NULL ? r->message : "(no message)");
}

static bool
serverutil_box_done(void *arg)
{
	return (((struct serverutil_box *)arg)->done);
}

static cJSON *
serverutil_wait(struct serverutil *su, struct serverutil_box *b, int ms)
{
	if (!testutil_loop_until(su->base, serverutil_box_done, b, ms)) {
		snprintf(su->error, sizeof su->error, "no answer within %d ms",
		    ms);
		return (NULL);
	}
	return (b->result);
}

/* Sanitizer reports seen in servers' stderr; at exit they fail the program. */
static int serverutil_dirty;

static void
serverutil_atexit(void)
{
	if (serverutil_dirty > 0) {
		printf("FAIL serverutil: %d server process(es) reported a "
		    "sanitizer error (above)\n", serverutil_dirty);
		fflush(stdout);
		_exit(1);
	}
}

static int
serverutil_rm(const char *path, const struct stat *st, int flag,
    struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return (0);
}

struct serverutil *
serverutil_start(const char *name, const char *db_path, const char *today,
    const char *const *env)
{
	return (serverutil_start_args(name, db_path, today, env, NULL));
}

struct serverutil *
serverutil_start_args(const char *name, const char *db_path,
    const char *today, const char *const *env, const char *const *args)
{
	struct serverutil	*su;
	char			*prog, today_env[64], *err_text;
	const char		*envv[32];
	size_t			 n = 0;
	struct mcp_err		 err = { 0, "" };
	struct mcp_stdio_spawn_opts sp = { 0 };
	struct mcp_stdio_opts	 so = { 0, &serverutil_log };
	struct mcp_client_opts	 co = {
		.name = "serverutil", .version = "1.0",
		.timeout_ms = SERVERUTIL_CALL_MS, .log = &serverutil_log,
		.on_resource_updated = serverutil_on_update,
		.on_closed = serverutil_on_closed,
	};
	struct serverutil_box	 b = { 0 };
	char			*argv[32];
	size_t			 na;
	static bool		 registered;

	if (!registered) {
		atexit(serverutil_atexit);
		registered = true;
	}

	if ((su = calloc(1, sizeof *su)) == NULL)
		abort();
	signal(SIGPIPE, SIG_IGN);
	su->base = event_base_new();
	if (db_path == NULL) {
		snprintf(su->dir, sizeof su->dir, "/tmp/tripmcp-%s-test.XXXXXX",
		    name);
		if (mkdtemp(su->dir) == NULL) {
			perror("mkdtemp");
			abort();
		}
		snprintf(su->db, sizeof su->db, "%s/%s.db", su->dir, name);
	} else
		snprintf(su->db, sizeof su->db, "%s", db_path);

	if (today != NULL) {
		snprintf(today_env, sizeof today_env, "TRIPMCP_TODAY=%s", today);
		envv[n++] = today_env;
	} else
		envv[n++] = "TRIPMCP_TODAY=";
	while (env != NULL && *env != NULL && n < 31)
		envv[n++] = *env++;
	envv[n] = NULL;
	sp.env = envv;

	prog = serverutil_program(name);
	argv[0] = prog;
	argv[1] = "--db";
	argv[2] = su->db;
	for (na = 3; args != NULL && *args != NULL && na < 31; args++)
		argv[na++] = (char *)*args;
	argv[na] = NULL;
	su->t = mcp_stdio_spawn_ex(su->base, argv, &sp, &so, &err);
	free(prog);
	if (su->t == NULL) {
		fprintf(stderr, "serverutil: cannot start tripmcp-%s: %s\n",
		    name, err.msg);
		serverutil_stop(su);
		return (NULL);
	}
	co.arg = su;
	su->c = mcp_client_new(su->base, su->t, &co);
	b.su = su;
	mcp_client_connect(su->c, serverutil_box_cb, &b);
	if (serverutil_wait(su, &b, SERVERUTIL_START_MS) == NULL) {
		err_text = mcp_stdio_stderr(su->t, NULL);
		fprintf(stderr, "serverutil: tripmcp-%s did not start: %s\n"
		    "its stderr:\n%s\n", name, su->error,
		    err_text != NULL ? err_text : "");
		free(err_text);
		serverutil_stop(su);
		return (NULL);
	}
	cJSON_Delete(b.result);
	return (su);
}

/* The child has exited and been reaped (the transport's close sends it
 * EOF, then SIGTERM after 2 s). */
static bool
serverutil_reaped(void *arg)
{
	return (mcp_stdio_pid(((struct serverutil *)arg)->t) == 0);
}

static void
serverutil_check_stderr(struct serverutil *su)
{
	char	*text = mcp_stdio_stderr(su->t, NULL);

	if (text != NULL && (strstr(text, "Sanitizer") != NULL ||
	    strstr(text, "runtime error:") != NULL)) {
		serverutil_dirty++;
		fprintf(stderr, "serverutil: a server reported a sanitizer "
		    "error; its stderr:\n%s\n", text);
	}
	free(text);
}

void
serverutil_stop(struct serverutil *su)
{

	if (su == NULL)
		return;
	if (su->c != NULL) {
		/* Let the child exit by itself (EOF on its stdin), so that a
		 * sanitizer's exit-time report reaches its stderr. */
		mcp_client_close(su->c);
		testutil_loop_until(su->base, serverutil_reaped, su, 10000);
		testutil_spin(su->base, 10);
		serverutil_check_stderr(su);
		mcp_client_free(su->c);	/* frees the transport too */
	} else if (su->t != NULL)
		su->t->ops->free(su->t);
	if (su->dir[0] != '\0')
		nftw(su->dir, serverutil_rm, 16, FTW_DEPTH | FTW_PHYS);
	event_base_free(su->base);
	free(su);
}

struct event_base *
serverutil_base(struct serverutil *su)
{
	return (su->base);
}

struct mcp_client *
serverutil_client(struct serverutil *su)
{
	return (su->c);
}

const char *
serverutil_db_path(const struct serverutil *su)
{
	return (su->db);
}

const char *
serverutil_dir(const struct serverutil *su)
{
	return (su->dir[0] != '\0' ? su->dir : NULL);
}

pid_t
serverutil_pid(struct serverutil *su)
{
	return (mcp_stdio_pid(su->t));
}

char *
serverutil_stderr(struct serverutil *su)
{
	return (mcp_stdio_stderr(su->t, NULL));
}

cJSON *
serverutil_call(struct serverutil *su, const char *tool, const char *args,
    bool *is_error)
{
	struct serverutil_box	 b = { .su = su };
	cJSON			*a = NULL, *r;

	if (args != NULL && (a = cJSON_Parse(args)) == NULL) {
		fprintf(stderr, "serverutil: bad test JSON: %s\n", args);
		abort();
	}
	mcp_client_call_tool(su->c, tool, a, NULL, serverutil_box_cb, &b);
	r = serverutil_wait(su, &b, SERVERUTIL_CALL_MS);
	if (is_error != NULL)
		*is_error = r != NULL &&
		    cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(r, "isError"));
	return (r);
}

cJSON *
serverutil_request(struct serverutil *su, const char *method,
    const char *params)
{
	struct serverutil_box	 b = { .su = su };
	cJSON			*p = NULL;

	if (params != NULL && (p = cJSON_Parse(params)) == NULL) {
		fprintf(stderr, "serverutil: bad test JSON: %s\n", params);
		abort();
	}
	mcp_client_request(su->c, method, p, NULL, serverutil_box_cb, &b);
	return (serverutil_wait(su, &b, SERVERUTIL_CALL_MS));
}

const char *
serverutil_error(const struct serverutil *su)
{
	return (su->error);
}

const char *
serverutil_text(const cJSON *result)
{
	const char *s = testutil_json_str(result, "content[0].text");

	return (s != NULL ? s : "");
}

int
serverutil_updates(const struct serverutil *su)
{
	return (su->updates);
}

const char *
serverutil_last_update(const struct serverutil *su)
{
	return (su->last_update);
}

bool
serverutil_wait_updates(struct serverutil *su, int n, int ms)
{
	return (testutil_wait_count(su->base, &su->updates, n, ms));
}
