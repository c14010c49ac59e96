/*
 * The benchmark driver: spawns one MCP stdio server through our peer layer
 * and measures cold start, sequential tools/call round trips, pipelined
 * throughput, the server's peak RSS and (optionally) how fast it exits on
 * EOF. The same driver runs against every server, so its own cost is common
 * to all figures.
 */
#include <sys/syscall.h>
#include <sys/types.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "bench/benchutil.h"
#include "mcp/json.h"
#include "mcp/peer.h"
#include "mcp/stdio.h"

#define BENCH_DRIVER_PROTOCOL	"2025-11-25"
#define BENCH_DRIVER_MAX_PAGES	1000	/* per list, against cursor loops */
#define BENCH_DRIVER_EXIT_WAIT_MS 5000	/* for a server to go on EOF */
#define BENCH_DRIVER_NLISTS	4

struct bench_driver_opts {
	struct benchutil_opts std;	/* --calls, --seq, --pin ... */
	int cold_runs;
	int eof_runs;
	int timeout_ms;
	cJSON *args;		/* an object */
	char label[64];
	char **argv;		/* the server command */
};

struct bench_driver;

/* One list method followed through its pages. */
struct bench_driver_list {
	struct bench_driver *d;
	const char *method;
	int pages;
};

struct bench_driver {
	const struct bench_driver_opts *o;
	struct event_base *base;
	struct mcp_log log;

	/* The current server. */
	struct mcp_peer *peer;
	pid_t pid;
	int pidfd;			/* -1: poll /proc instead */
	struct event *exit_ev;		/* pidfd readable, or a poll timer */
	struct event *limit_ev;		/* a wait that took too long */
	bool exited, timed_out, broken;
	bool closing;			/* waiting for the exit */
	uint64_t start_ns, exit_ns;

	/* The phase in progress. */
	bool done;
	long outstanding;
	struct bench_driver_list lists[BENCH_DRIVER_NLISTS];
	int lists_left;
	bool tool_listed;

	/* Sequential round trips. */
	uint64_t *lat;			/* ns, o->std.seq entries */
	long seq_total, seq_done;
	uint64_t sent_ns;

	/* Pipelined calls. */
	long pl_total, pl_sent, pl_done;

	/* Errors over the whole run; the first one is kept. */
	long errors;
	char first_error[256];
};

static void
bench_driver_error(struct bench_driver *d, const char *what,
    const struct mcp_response *r)
{
	d->errors++;
	if (d->first_error[0] == '\0' && r != NULL && r->code != 0)
		snprintf(d->first_error, sizeof d->first_error, "%s: %s (%d)",
		    what, r->message != NULL ? r->message : "error", r->code);
	else if (d->first_error[0] == '\0')
		snprintf(d->first_error, sizeof d->first_error, "%s: %s", what,
		    r != NULL && r->message != NULL ? r->message :
		    "the connection is closed");
	/* The connection is gone or stuck: stop sending. */
	if (r != NULL && (r->code == MCP_CONNECTION_CLOSED ||
	    r->code == MCP_REQUEST_TIMEOUT))
		d->broken = true;
}

static void
bench_driver_finish(struct bench_driver *d)
{
	d->done = true;
	event_base_loopbreak(d->base);
}

/* Run the loop until the phase is done or nothing is left to wait for. */
static void
bench_driver_wait(struct bench_driver *d)
{
	while (!d->done) {
		if (event_base_dispatch(d->base) != 0)
			break;
	}
}

/* Server process */

static void
bench_driver_exit_cb(evutil_socket_t fd, short events, void *arg)
{
	struct bench_driver *d = arg;
	char path[64], stat[512];
	struct timeval tv = { 0, 1000 };
	const char *p;
	ssize_t n;
	int sfd;

	(void)fd;
	(void)events;
	if (d->pidfd < 0) {
		/* No pidfd: the child is gone when /proc says zombie or when
		 * its entry has disappeared (the transport reaped it). */
		snprintf(path, sizeof path, "/proc/%d/stat", (int)d->pid);
		sfd = open(path, O_RDONLY | O_CLOEXEC);
		n = sfd < 0 ? -1 : read(sfd, stat, sizeof stat - 1);
		if (sfd >= 0)
			close(sfd);
		if (n > 0) {
			stat[n] = '\0';
			p = strrchr(stat, ')');
			if (p != NULL && p[1] == ' ' && p[2] != 'Z' &&
			    p[2] != 'X') {
				event_add(d->exit_ev, &tv);
				return;
			}
		}
	}
	d->exited = true;
	d->exit_ns = benchutil_now();
	/* A crash mid-phase ends that phase through the transport's close. */
	if (d->closing)
		bench_driver_finish(d);
}

static void
bench_driver_limit_cb(evutil_socket_t fd, short events, void *arg)
{
	struct bench_driver *d = arg;

	(void)fd;
	(void)events;
	d->timed_out = true;
	bench_driver_finish(d);
}

/* Watch the child's exit without reaping it (the transport reaps). */
static void
bench_driver_watch(struct bench_driver *d)
{
	struct timeval tv = { 0, 1000 };

	d->pidfd = -1;
#ifdef SYS_pidfd_open
	d->pidfd = (int)syscall(SYS_pidfd_open, d->pid, 0);
#endif
	if (d->pidfd >= 0) {
		d->exit_ev = event_new(d->base, d->pidfd, EV_READ,
		    bench_driver_exit_cb, d);
		event_add(d->exit_ev, NULL);
	} else {
		d->exit_ev = evtimer_new(d->base, bench_driver_exit_cb, d);
		event_add(d->exit_ev, &tv);
	}
	if (d->exit_ev == NULL)
		abort();
}

/* VmHWM of the child in MiB, or -1. */
static double
bench_driver_peak_rss(pid_t pid)
{
	char path[64], line[256];
	double mib = -1;
	long kib;
	FILE *f;

	snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof line, f) != NULL) {
		if (sscanf(line, "VmHWM: %ld kB", &kib) == 1) {
			mib = kib / 1024.0;
			break;
		}
	}
	fclose(f);
	return mib;
}

/* User plus system CPU time of the child in µs, or -1. */
static double
bench_driver_child_cpu(pid_t pid)
{
	char path[64], stat[1024];
	unsigned long long ut, st;
	const char *p;
	ssize_t n;
	int fd;

	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	n = read(fd, stat, sizeof stat - 1);
	close(fd);
	if (n <= 0)
		return -1;
	stat[n] = '\0';
	/* Fields 14 and 15, counted after the command name's ')'. */
	if ((p = strrchr(stat, ')')) == NULL ||
	    sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u "
	    "%llu %llu", &ut, &st) != 2)
		return -1;
	return (double)(ut + st) * 1e6 / (double)sysconf(_SC_CLK_TCK);
}

/* Requests */

static void
bench_driver_closed_cb(void *arg, const char *reason)
{
	struct bench_driver *d = arg;

	(void)reason;
	d->broken = true;
}

static int64_t
bench_driver_request(struct bench_driver *d, const char *method,
    cJSON *params, mcp_response_cb cb, void *arg)
{
	int64_t id = mcp_peer_request(d->peer, method, params, NULL, cb, arg);

	if (id < 0) {
		bench_driver_error(d, method, NULL);
		d->broken = true;
	} else
		d->outstanding++;
	return id;
}

/* The params of one tools/call, by reference to the options: cheap to make
 * and to free, as the driver's own cost is part of every figure. */
static cJSON *
bench_driver_call_params(struct bench_driver *d)
{
	cJSON *params = cJSON_CreateObject();
	cJSON *name = cJSON_CreateStringReference(d->o->std.tool);
	cJSON *args = cJSON_CreateObjectReference(d->o->args->child);

	if (params == NULL || name == NULL || args == NULL)
		abort();
	cJSON_AddItemToObjectCS(params, "name", name);
	cJSON_AddItemToObjectCS(params, "arguments", args);
	return params;
}

/* A tools/call succeeded: no JSON-RPC error, content present, not isError. */
static bool
bench_driver_call_ok(struct bench_driver *d, const struct mcp_response *r)
{
	struct mcp_response bad = { NULL, 0, benchutil_call_failure(r),
	    NULL };

	if (bad.message == NULL)
		return true;
	bench_driver_error(d, "tools/call", r->code != 0 ? r : &bad);
	return false;
}

/* Session start: initialize, initialized, every list */

static void bench_driver_list_send(struct bench_driver_list *, const char *);

static void
bench_driver_list_cb(void *arg, const struct mcp_response *r)
{
	struct bench_driver_list *l = arg;
	struct bench_driver *d = l->d;
	const cJSON *cursor, *items, *item;

	d->outstanding--;
	if (r->code != 0 && r->code != MCP_METHOD_NOT_FOUND)
		bench_driver_error(d, l->method, r);
	if (r->code == 0 && strcmp(l->method, "tools/list") == 0) {
		items = cJSON_GetObjectItemCaseSensitive(r->result, "tools");
		cJSON_ArrayForEach(item, items) {
			const cJSON *name = cJSON_GetObjectItemCaseSensitive(
			    item, "name");

			if (cJSON_IsString(name) &&
			    strcmp(name->valuestring, d->o->std.tool) == 0)
				d->tool_listed = true;
		}
	}
	cursor = r->code == 0 ?
	    cJSON_GetObjectItemCaseSensitive(r->result, "nextCursor") : NULL;
	if (cJSON_IsString(cursor) && !d->broken &&
	    ++l->pages < BENCH_DRIVER_MAX_PAGES) {
		bench_driver_list_send(l, cursor->valuestring);
		return;
	}
	if (--d->lists_left == 0)
		bench_driver_finish(d);
}

static void
bench_driver_list_send(struct bench_driver_list *l, const char *cursor)
{
	cJSON *params = NULL;

	if (cursor != NULL) {
		params = cJSON_CreateObject();
		mcp_json_add_str(params, "cursor", cursor);
	}
	if (bench_driver_request(l->d, l->method, params, bench_driver_list_cb,
	    l) < 0 && --l->d->lists_left == 0)
		bench_driver_finish(l->d);
}

static void
bench_driver_ping_cb(void *arg, const struct mcp_response *r)
{
	struct bench_driver *d = arg;

	d->outstanding--;
	if (r->code != 0)
		bench_driver_error(d, "ping", r);
	bench_driver_finish(d);
}

static void
bench_driver_init_cb(void *arg, const struct mcp_response *r)
{
	static const char *methods[BENCH_DRIVER_NLISTS] = {
		"tools/list", "resources/list", "prompts/list",
		"resources/templates/list",
	};
	struct bench_driver *d = arg;
	const cJSON *version;
	bool lists = d->lists_left > 0;
	int i;

	d->outstanding--;
	version = r->code == 0 ?
	    cJSON_GetObjectItemCaseSensitive(r->result, "protocolVersion") :
	    NULL;
	if (!cJSON_IsString(version)) {
		struct mcp_response bad = { NULL, 0,
		    "result has no protocolVersion", NULL };

		bench_driver_error(d, "initialize", r->code != 0 ? r : &bad);
		d->broken = true;
		bench_driver_finish(d);
		return;
	}
	mcp_peer_notify(d->peer, "notifications/initialized", NULL);
	if (!lists) {
		/* A ping makes sure the server has taken the notification. */
		if (bench_driver_request(d, "ping", NULL, bench_driver_ping_cb,
		    d) < 0)
			bench_driver_finish(d);
		return;
	}
	/* A client wanting everything asks for all lists at once. */
	for (i = 0; i < BENCH_DRIVER_NLISTS; i++) {
		d->lists[i].d = d;
		d->lists[i].method = methods[i];
		d->lists[i].pages = 0;
		bench_driver_list_send(&d->lists[i], NULL);
	}
}

/*
 * Spawn the server and bring the session up to ready (with the lists) or
 * to initialized and pinged (without). Returns 0, or -1 with the reason
 * recorded as an error; the server is then shut down already.
 */
static void bench_driver_stop(struct bench_driver *);

static int
bench_driver_start(struct bench_driver *d, bool lists)
{
	struct mcp_stdio_opts sopts = { 0, &d->log };
	struct mcp_peer_opts popts = { d->o->timeout_ms, d->o->timeout_ms, 0,
	    &d->log };
	struct mcp_err err = { 0, "" };
	struct mcp_transport *t;
	cJSON *params;

	d->exited = d->timed_out = d->broken = false;
	/* The child inherits the CPUs it is forked on. */
	benchutil_pin_move(&d->o->std.pin, true);
	d->start_ns = benchutil_now();
	t = mcp_stdio_spawn(d->base, d->o->argv, &sopts, &err);
	benchutil_pin_move(&d->o->std.pin, false);
	if (t == NULL) {
		fprintf(stderr, "driver: %s: %s; check the server command\n",
		    d->o->label, err.msg);
		return -1;
	}
	d->pid = mcp_stdio_pid(t);
	bench_driver_watch(d);
	d->peer = mcp_peer_new(d->base, t, &popts);
	mcp_peer_set_closed_cb(d->peer, bench_driver_closed_cb, d);

	params = cJSON_CreateObject();
	mcp_json_add_str(params, "protocolVersion", BENCH_DRIVER_PROTOCOL);
	mcp_json_add(params, "capabilities", cJSON_CreateObject());
	mcp_json_add(params, "clientInfo",
	    mcp_json_parse_const("{\"name\":\"tripmcp-bench\","
	    "\"version\":\"1.0.0\"}"));
	d->done = false;
	d->outstanding = 0;
	d->lists_left = lists ? BENCH_DRIVER_NLISTS : 0;
	d->tool_listed = false;
	if (bench_driver_request(d, "initialize", params, bench_driver_init_cb,
	    d) >= 0)
		bench_driver_wait(d);
	if (d->broken || d->outstanding > 0) {
		fprintf(stderr, "driver: %s: the server did not start: %s; "
		    "run the command by hand to see why\n", d->o->label,
		    d->first_error[0] != '\0' ? d->first_error :
		    "the connection broke");
		bench_driver_stop(d);
		return -1;
	}
	return 0;
}

/* Close the server's stdin and wait for it to exit (or give up and let the
 * transport kill it). Returns the ns from the close to the exit, or 0. */
static uint64_t
bench_driver_close(struct bench_driver *d)
{
	struct timeval tv = { BENCH_DRIVER_EXIT_WAIT_MS / 1000,
	    BENCH_DRIVER_EXIT_WAIT_MS % 1000 * 1000 };
	uint64_t start = benchutil_now();

	mcp_peer_close(d->peer);
	d->closing = true;
	if (!d->exited) {
		d->limit_ev = evtimer_new(d->base, bench_driver_limit_cb, d);
		event_add(d->limit_ev, &tv);
		d->done = false;
		while (!d->exited && !d->timed_out) {
			if (event_base_dispatch(d->base) != 0)
				break;
		}
		event_free(d->limit_ev);
		d->limit_ev = NULL;
	}
	d->closing = false;
	return d->exited && d->exit_ns > start ? d->exit_ns - start : 0;
}

static void
bench_driver_stop(struct bench_driver *d)
{
	if (d->peer == NULL)
		return;
	if (!d->exited && !d->timed_out)
		bench_driver_close(d);
	/* The child has exited (its zombie is reaped now) or is stuck (the
	 * transport escalates to SIGTERM and SIGKILL). */
	mcp_peer_free(d->peer);
	d->peer = NULL;
	event_free(d->exit_ev);
	d->exit_ev = NULL;
	if (d->pidfd >= 0)
		close(d->pidfd);
	d->pidfd = -1;
}

/* Sequential round trips */

static void bench_driver_seq_send(struct bench_driver *);

static void
bench_driver_seq_cb(void *arg, const struct mcp_response *r)
{
	struct bench_driver *d = arg;
	uint64_t now = benchutil_now();
	long i = d->seq_done - d->o->std.warmup;

	d->outstanding--;
	bench_driver_call_ok(d, r);
	if (i >= 0)
		d->lat[i] = now - d->sent_ns;
	d->seq_done++;
	if (d->seq_done < d->seq_total && !d->broken)
		bench_driver_seq_send(d);
	else
		bench_driver_finish(d);
}

static void
bench_driver_seq_send(struct bench_driver *d)
{
	d->sent_ns = benchutil_now();
	if (bench_driver_request(d, "tools/call", bench_driver_call_params(d),
	    bench_driver_seq_cb, d) < 0)
		bench_driver_finish(d);
}

static void
bench_driver_seq_run(struct bench_driver *d, double *p50, double *p99)
{
	long n;

	d->seq_total = d->o->std.warmup + d->o->std.seq;
	d->seq_done = 0;
	d->done = false;
	bench_driver_seq_send(d);
	bench_driver_wait(d);
	n = d->seq_done - d->o->std.warmup;
	if (n <= 0)
		return;
	benchutil_p50_p99(d->lat, n, p50, p99);
}

/* Pipelined calls */

static void bench_driver_pl_fill(struct bench_driver *);

static void
bench_driver_pl_cb(void *arg, const struct mcp_response *r)
{
	struct bench_driver *d = arg;

	d->outstanding--;
	d->pl_done++;
	bench_driver_call_ok(d, r);
	if (d->pl_sent < d->pl_total && !d->broken)
		bench_driver_pl_fill(d);
	else if (d->outstanding == 0)
		bench_driver_finish(d);
}

static void
bench_driver_pl_fill(struct bench_driver *d)
{
	while (d->pl_sent < d->pl_total && d->outstanding < d->o->std.inflight &&
	    !d->broken) {
		if (bench_driver_request(d, "tools/call",
		    bench_driver_call_params(d), bench_driver_pl_cb, d) < 0)
			break;
		d->pl_sent++;
	}
	if (d->outstanding == 0)
		bench_driver_finish(d);
}

/* Calls per second, and CPU µs per call of server and driver. */
static void
bench_driver_pl_run(struct bench_driver *d, double *cps, double *srv_cpu,
    double *drv_cpu)
{
	double srv0 = bench_driver_child_cpu(d->pid);
	double drv0 = benchutil_self_cpu();
	uint64_t t0 = benchutil_now(), t1;
	double srv1;

	d->pl_total = d->o->std.calls;
	d->pl_sent = d->pl_done = 0;
	d->done = false;
	bench_driver_pl_fill(d);
	bench_driver_wait(d);
	t1 = benchutil_now();
	srv1 = bench_driver_child_cpu(d->pid);
	if (d->pl_done == 0 || t1 <= t0)
		return;
	*cps = (double)d->pl_done * 1e9 / (double)(t1 - t0);
	*drv_cpu = (benchutil_self_cpu() - drv0) / (double)d->pl_done;
	if (srv0 >= 0 && srv1 >= 0)
		*srv_cpu = (srv1 - srv0) / (double)d->pl_done;
}

/* Options */

static void
bench_driver_usage(FILE *f)
{
	fprintf(f,
	    "usage: driver [--calls N] [--seq N] [--warmup N] [--inflight N]\n"
	    "              [--cold-runs N] [--eof-runs N] [--timeout-ms MS]\n"
	    "              [--pin CPU]\n"
	    "              [--tool NAME] [--args JSON] [--label NAME]"
	    " -- SERVER_CMD...\n"
	    "defaults: --calls 200000 --seq 20000 --warmup 1000 --inflight 64\n"
	    "          --cold-runs 5 --eof-runs 0 --timeout-ms 10000\n"
	    "          no pinning (--pin CPU: the driver on CPU, the server on"
	    " the others)\n"
	    "          --tool echo --args '{\"text\":\"hi\"}'"
	    " --label SERVER_CMD's name\n");
}

static int
bench_driver_parse(int argc, char **argv, struct bench_driver_opts *o)
{
	const struct benchutil_opt extra[] = {
		{ "--cold-runs", 0, 1000, &o->cold_runs, NULL },
		{ "--eof-runs", 0, 1000, &o->eof_runs, NULL },
		{ "--timeout-ms", 1, 3600000, &o->timeout_ms, NULL },
		{ NULL, 0, 0, NULL, NULL },
	};
	int i;

	o->cold_runs = 5;
	o->eof_runs = 0;
	o->timeout_ms = 10000;
	if ((i = benchutil_parse("driver", argc, argv, &o->std, extra,
	    bench_driver_usage)) < 0)
		return -1;
	if (i >= argc) {
		fprintf(stderr, "driver: no server command; "
		    "try 'driver --help'\n");
		return -1;
	}
	o->argv = argv + i;
	if ((o->args = benchutil_args("driver", o->std.args)) == NULL)
		return -1;
	benchutil_label(o->label, sizeof o->label, o->std.label, o->argv[0]);
	return 0;
}

/* Results */

struct bench_driver_result {
	double cold_ms, p50_us, p99_us, cps, rss_mib, eof_ms;
	double srv_cpu_us, drv_cpu_us;	/* per pipelined call */
};

static int
bench_driver_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double
bench_driver_median(double *v, int n)
{
	if (n == 0)
		return -1;
	qsort(v, (size_t)n, sizeof *v, bench_driver_cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void
bench_driver_print(const struct bench_driver_opts *o,
    const struct bench_driver_result *r, long errors)
{
	char a[32], b[32], c[32], e[32], f[32], g[32], h[32], k[32];

	printf("%-24s %9s %9s %9s %12s %13s\n", "label", "cold_ms", "p50_us",
	    "p99_us", "calls_per_s", "peak_rss_mib");
	printf("%-24s %9s %9s %9s %12s %13s\n", o->label,
	    benchutil_fmt(a, sizeof a, "%.2f", r->cold_ms),
	    benchutil_fmt(b, sizeof b, "%.1f", r->p50_us),
	    benchutil_fmt(c, sizeof c, "%.1f", r->p99_us),
	    benchutil_fmt(e, sizeof e, "%.0f", r->cps),
	    benchutil_fmt(f, sizeof f, "%.2f", r->rss_mib));
	printf("BENCH label=%s cold_ms=%s p50_us=%s p99_us=%s cps=%s "
	    "rss_mib=%s errors=%ld", o->label, a, b, c, e, f, errors);
	printf(" eof_exit_ms=%s srv_cpu_us=%s drv_cpu_us=%s\n",
	    benchutil_fmt(g, sizeof g, "%.2f", r->eof_ms),
	    benchutil_fmt(h, sizeof h, "%.2f", r->srv_cpu_us),
	    benchutil_fmt(k, sizeof k, "%.2f", r->drv_cpu_us));
	fflush(stdout);
}

int
main(int argc, char **argv)
{
	struct bench_driver_opts o;
	struct bench_driver_result r = { -1, -1, -1, -1, -1, -1, -1, -1 };
	struct bench_driver d;
	double cold[1000], eof[1000];
	bool calls;
	int i, ncold = 0, neof = 0, rc = 0;

	memset(&o, 0, sizeof o);
	if (bench_driver_parse(argc, argv, &o) != 0)
		return 2;
	signal(SIGPIPE, SIG_IGN);
	memset(&d, 0, sizeof d);
	d.o = &o;
	d.pidfd = -1;
	d.log.level = MCP_LOG_WARNING;
	d.log.prog = "driver";
	if ((d.base = event_base_new()) == NULL) {
		fprintf(stderr, "driver: cannot make an event loop\n");
		return 1;
	}
	d.lat = mcp_xcalloc(o.std.seq > 0 ? (size_t)o.std.seq : 1, sizeof *d.lat);
	calls = o.std.seq > 0 || o.std.calls > 0;

	/* Cold starts; the last session stays up for the calls. */
	for (i = 0; i < o.cold_runs; i++) {
		if (bench_driver_start(&d, true) != 0) {
			rc = 1;
			goto out;
		}
		cold[ncold++] = (double)(benchutil_now() - d.start_ns) / 1e6;
		if (i == 0 && !d.tool_listed && calls)
			fprintf(stderr, "driver: %s: tools/list has no tool "
			    "'%s'; the calls will fail\n", o.label, o.std.tool);
		if (i + 1 < o.cold_runs || !calls)
			bench_driver_stop(&d);
	}
	if (calls) {
		if (d.peer == NULL && bench_driver_start(&d, true) != 0) {
			rc = 1;
			goto out;
		}
		if (o.std.seq > 0)
			bench_driver_seq_run(&d, &r.p50_us, &r.p99_us);
		if (o.std.calls > 0 && !d.broken)
			bench_driver_pl_run(&d, &r.cps, &r.srv_cpu_us,
			    &r.drv_cpu_us);
		r.rss_mib = bench_driver_peak_rss(d.pid);
		bench_driver_stop(&d);
	}

	/* EOF exit: an idle, initialized server told to go by EOF. */
	for (i = 0; i < o.eof_runs; i++) {
		uint64_t ns;

		if (bench_driver_start(&d, false) != 0) {
			rc = 1;
			goto out;
		}
		ns = bench_driver_close(&d);
		if (ns > 0)
			eof[neof++] = (double)ns / 1e6;
		else
			fprintf(stderr, "driver: %s: the server did not exit "
			    "within %d ms of EOF\n", o.label,
			    BENCH_DRIVER_EXIT_WAIT_MS);
		bench_driver_stop(&d);
	}
out:
	bench_driver_stop(&d);
	if (ncold > 0)
		r.cold_ms = bench_driver_median(cold, ncold);
	if (neof > 0)
		r.eof_ms = bench_driver_median(eof, neof);
	bench_driver_print(&o, &r, d.errors);
	if (d.errors > 0) {
		fprintf(stderr, "driver: %s: %ld failed replies; first: %s\n",
		    o.label, d.errors, d.first_error);
		rc = 1;
	}
	free(d.lat);
	cJSON_Delete(o.args);
	event_base_free(d.base);
	return rc;
}
