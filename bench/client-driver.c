/*
 * The client benchmark: our client session (mcp/client.c over the stdio
 * transport, or over Streamable HTTP with --url, as an application uses it)
 * drives one MCP server and measures sequential tools/call round trips and calls per second with many
 * in flight. Over the same connection, alternating with it, the same calls
 * go straight to the peer layer underneath (as bench/driver.c makes them):
 * that floor shows what the client layer itself costs. It prints one
 * BENCH-CLIENT line for each (client=tripmcp, client=peer).
 * bench/client-sdk.mjs measures the official TypeScript SDK client the same
 * way, so the lines compare.
 */
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <event2/event.h>

#include "bench/benchutil.h"
#include "mcp/client.h"
#include "mcp/http_client.h"
#include "mcp/json.h"
#include "mcp/stdio.h"

struct bench_client_opts {
	struct benchutil_opts std;	/* --calls, --seq, --pin ... */
	char label[64];
	char **argv;			/* the server command, or NULL */
	const char *url;		/* the server's MCP endpoint, or NULL */
};

/* The figures of one way of calling; -1 when not measured. */
struct bench_client_fig {
	double p50, p99, cps, cpu;
};

struct bench_client {
	const struct bench_client_opts *o;
	struct event_base *base;
	struct mcp_client *c;
	struct mcp_log log;
	bool done, broken;
	cJSON *args;			/* parsed once, copied per call */

	int via;			/* VIA_CLIENT or VIA_PEER, below */
	uint64_t *lat[2];		/* ns per measured sequential call */
	long nlat[2];
	long seq_total, seq_done;
	uint64_t sent_ns;

	long pl_total, pl_sent, pl_done, outstanding;

	long errors;
	char first_error[256];
};

static void
bench_client_finish(struct bench_client *b)
{
	b->done = true;
	event_base_loopbreak(b->base);
}

static void
bench_client_wait(struct bench_client *b)
{
	while (!b->done && !b->broken) {
		if (event_base_dispatch(b->base) != 0)
			break;
	}
}

/* A call succeeded: no error, a content array, not isError. */
static void
bench_client_check(struct bench_client *b, const struct mcp_response *r)
{
	const char *why = benchutil_call_failure(r);

	if (why == NULL)
		return;
	if (b->errors++ == 0)
		snprintf(b->first_error, sizeof b->first_error, "%s (%d)", why,
		    r->code);
	if (r->code == MCP_CONNECTION_CLOSED || r->code == MCP_REQUEST_TIMEOUT)
		b->broken = true;
}

static void
bench_client_closed(void *arg, const char *reason)
{
	struct bench_client *b = arg;

	b->broken = true;
	if (b->errors++ == 0)
		snprintf(b->first_error, sizeof b->first_error,
		    "the server went away: %s", reason != NULL ? reason :
		    "end of output");
	event_base_loopbreak(b->base);
}

/* Each call goes either through the client session (what is measured) or
 * straight to the peer underneath, as bench/driver.c sends it (the floor),
 * over the same connection. Both build the same params, so the difference
 * is the client layer alone; the phases alternate between the two in
 * blocks, so both see the machine at nearly the same moments. */
enum { VIA_CLIENT, VIA_PEER, VIA_N };

static void
bench_client_call(struct bench_client *b, mcp_client_cb cb)
{
	cJSON *params;

	if (b->via == VIA_CLIENT) {
		mcp_client_call_tool(b->c, b->o->std.tool,
		    cJSON_Duplicate(b->args, 1), NULL, cb, b);
		return;
	}
	params = cJSON_CreateObject();
	mcp_json_add_str(params, "name", b->o->std.tool);
	mcp_json_add(params, "arguments", cJSON_Duplicate(b->args, 1));
	if (mcp_peer_request(mcp_client_peer(b->c), "tools/call", params, NULL,
	    cb, b) < 0)
		b->broken = true;
}

/* Sequential: warm-up calls, then blocks of BENCH_CLIENT_BLOCK calls taking
 * turns between the two ways until each has made o->std.seq. */
#define BENCH_CLIENT_BLOCK	500

static void
bench_client_seq_cb(void *arg, const struct mcp_response *r)
{
	struct bench_client *b = arg;
	uint64_t now = benchutil_now();
	long k = b->seq_done - b->o->std.warmup;

	bench_client_check(b, r);
	if (k >= 0)
		b->lat[b->via][b->nlat[b->via]++] = now - b->sent_ns;
	if (++b->seq_done < b->seq_total && !b->broken) {
		k++;
		b->via = k < 0 ? VIA_CLIENT : (int)(k / BENCH_CLIENT_BLOCK % 2);
		if (b->nlat[b->via] >= b->o->std.seq)
			b->via = !b->via;
		b->sent_ns = benchutil_now();
		bench_client_call(b, bench_client_seq_cb);
	} else
		bench_client_finish(b);
}

static void
bench_client_seq_run(struct bench_client *b, struct bench_client_fig *f)
{
	int v;

	b->seq_total = b->o->std.warmup + 2 * b->o->std.seq;
	b->seq_done = 0;
	b->nlat[0] = b->nlat[1] = 0;
	b->done = false;
	b->via = VIA_CLIENT;
	b->sent_ns = benchutil_now();
	bench_client_call(b, bench_client_seq_cb);
	bench_client_wait(b);
	for (v = 0; v < VIA_N; v++) {
		long n = b->nlat[v];

		if (n <= 0)
			continue;
		benchutil_p50_p99(b->lat[v], n, &f[v].p50, &f[v].p99);
	}
}

/* Pipelined: keep inflight calls going until a quarter of the calls are
 * answered; four quarters, taking turns between the two ways. */

static void bench_client_pl_fill(struct bench_client *);

static void
bench_client_pl_cb(void *arg, const struct mcp_response *r)
{
	struct bench_client *b = arg;

	b->outstanding--;
	b->pl_done++;
	bench_client_check(b, r);
	if (b->pl_sent < b->pl_total && !b->broken)
		bench_client_pl_fill(b);
	else if (b->outstanding == 0)
		bench_client_finish(b);
}

static void
bench_client_pl_fill(struct bench_client *b)
{
	while (b->pl_sent < b->pl_total && b->outstanding < b->o->std.inflight &&
	    !b->broken) {
		b->outstanding++;
		b->pl_sent++;
		bench_client_call(b, bench_client_pl_cb);
	}
}

/* Calls per second and CPU µs per call, for each way. */
static void
bench_client_pl_run(struct bench_client *b, struct bench_client_fig *f)
{
	static const int order[4] = { VIA_PEER, VIA_CLIENT, VIA_PEER,
	    VIA_CLIENT };
	double cpu[VIA_N] = { 0, 0 }, ns[VIA_N] = { 0, 0 };
	long done[VIA_N] = { 0, 0 };
	int q, v;

	for (q = 0; q < 4 && !b->broken; q++) {
		double cpu0 = benchutil_self_cpu();
		uint64_t t0 = benchutil_now();

		b->via = order[q];
		b->pl_total = b->o->std.calls / 4;
		b->pl_sent = b->pl_done = b->outstanding = 0;
		b->done = false;
		bench_client_pl_fill(b);
		bench_client_wait(b);
		ns[b->via] += (double)(benchutil_now() - t0);
		cpu[b->via] += benchutil_self_cpu() - cpu0;
		done[b->via] += b->pl_done;
	}
	for (v = 0; v < VIA_N; v++) {
		if (done[v] == 0 || ns[v] <= 0)
			continue;
		f[v].cps = (double)done[v] * 1e9 / ns[v];
		f[v].cpu = cpu[v] / (double)done[v];
	}
}

/* Session */

static void
bench_client_connected(void *arg, const struct mcp_response *r)
{
	struct bench_client *b = arg;

	if (r->code != 0) {
		b->broken = true;
		b->errors++;
		snprintf(b->first_error, sizeof b->first_error,
		    "initialize: %s", r->message != NULL ? r->message : "error");
	}
	bench_client_finish(b);
}

static int
bench_client_start(struct bench_client *b)
{
	struct mcp_stdio_opts so = { 0, &b->log };
	struct mcp_stdio_spawn_opts sp = { 0 };
	struct mcp_client_opts co = {
		.name = "tripmcp-bench-client", .log = &b->log,
		.timeout_ms = 30000, .on_closed = bench_client_closed, .arg = b,
	};
	struct mcp_err err = { 0, "" };
	struct mcp_transport *t;

	/* The child inherits the CPUs it is forked on. */
	benchutil_pin_move(&b->o->std.pin, true);
	if (b->o->url != NULL) {
		struct mcp_http_client_opts ho = { 0 };

		ho.mode = MCP_HTTP_CLIENT_STREAMABLE;
		ho.log = &b->log;
		t = mcp_http_client_new(b->base, b->o->url, &ho, &err);
	} else
		t = mcp_stdio_spawn_ex(b->base, b->o->argv, &sp, &so, &err);
	benchutil_pin_move(&b->o->std.pin, false);
	if (t == NULL) {
		fprintf(stderr, "client-driver: %s: %s; check the server "
		    "%s\n", b->o->label, err.msg, b->o->url != NULL ? "URL" :
		    "command");
		return -1;
	}
	b->c = mcp_client_new(b->base, t, &co);
	b->done = false;
	mcp_client_connect(b->c, bench_client_connected, b);
	bench_client_wait(b);
	if (b->broken || !mcp_client_ready(b->c)) {
		fprintf(stderr, "client-driver: %s: the server did not start: "
		    "%s\n", b->o->label, b->first_error);
		return -1;
	}
	return 0;
}

/* Options */

static void
bench_client_usage(FILE *f)
{
	fprintf(f,
	    "usage: client-driver [--calls N] [--seq N] [--warmup N]"
	    " [--inflight N] [--pin CPU]\n"
	    "                     [--tool NAME] [--args JSON] [--label NAME]"
	    " -- SERVER_CMD...\n"
	    "       client-driver [OPTIONS] --url http://HOST:PORT/mcp"
	    " (Streamable HTTP)\n"
	    "defaults: --calls 200000 --seq 20000 --warmup 1000 --inflight 64"
	    " --tool echo\n"
	    "          --args '{\"text\":\"hi\"}', no pinning (--pin CPU: the"
	    " client on CPU,\n"
	    "          the server on the others; with --url the server is"
	    " pinned by whoever\n"
	    "          started it)\n");
}

static int
bench_client_parse(int argc, char **argv, struct bench_client_opts *o)
{
	const struct benchutil_opt extra[] = {
		{ "--url", 0, 0, NULL, &o->url },
		{ NULL, 0, 0, NULL, NULL },
	};
	const char *label;
	int i;

	if ((i = benchutil_parse("client-driver", argc, argv, &o->std, extra,
	    bench_client_usage)) < 0)
		return -1;
	if ((i >= argc) == (o->url == NULL)) {
		fprintf(stderr, "client-driver: %s; try 'client-driver "
		    "--help'\n", o->url == NULL ? "no server command or --url" :
		    "both a server command and --url");
		return -1;
	}
	if (o->url == NULL)
		o->argv = argv + i;
	label = o->std.label == NULL && o->url != NULL ? "http" : o->std.label;
	benchutil_label(o->label, sizeof o->label, label,
	    o->argv != NULL ? o->argv[0] : NULL);
	return 0;
}

/* One BENCH-CLIENT line for one way of calling. */
static void
bench_client_print(const struct bench_client_opts *o, const char *client,
    const struct bench_client_fig *f, long errors)
{
	char x[32], y[32], z[32], w[32];

	printf("BENCH-CLIENT label=%s client=%s transport=%s p50_us=%s "
	    "p99_us=%s cps=%s errors=%ld cli_cpu_us=%s\n", o->label, client,
	    o->url != NULL ? "http" : "stdio",
	    benchutil_fmt(x, sizeof x, "%.1f", f->p50),
	    benchutil_fmt(y, sizeof y, "%.1f", f->p99),
	    benchutil_fmt(z, sizeof z, "%.0f", f->cps), errors,
	    benchutil_fmt(w, sizeof w, "%.2f", f->cpu));
}

int
main(int argc, char **argv)
{
	struct bench_client_opts o;
	struct bench_client b;
	struct bench_client_fig f[VIA_N] = { { -1, -1, -1, -1 },
	    { -1, -1, -1, -1 } };
	size_t n;
	int rc = 0;

	memset(&o, 0, sizeof o);
	if (bench_client_parse(argc, argv, &o) != 0)
		return 2;
	signal(SIGPIPE, SIG_IGN);
	if (o.url != NULL && curl_global_init(CURL_GLOBAL_DEFAULT) != 0) {
		fprintf(stderr, "client-driver: libcurl cannot start\n");
		return 1;
	}
	memset(&b, 0, sizeof b);
	b.o = &o;
	b.log.level = MCP_LOG_WARNING;
	b.log.prog = "client-driver";
	if ((b.args = benchutil_args("client-driver", o.std.args)) == NULL)
		return 2;
	if ((b.base = event_base_new()) == NULL) {
		fprintf(stderr, "client-driver: cannot make an event loop\n");
		return 1;
	}
	n = o.std.seq > 0 ? (size_t)o.std.seq : 1;
	b.lat[VIA_CLIENT] = mcp_xcalloc(n, sizeof *b.lat[0]);
	b.lat[VIA_PEER] = mcp_xcalloc(n, sizeof *b.lat[0]);
	if (bench_client_start(&b) != 0)
		rc = 1;
	else {
		if (o.std.seq > 0)
			bench_client_seq_run(&b, f);
		if (o.std.calls > 0 && !b.broken)
			bench_client_pl_run(&b, f);
	}
	bench_client_print(&o, "tripmcp", &f[VIA_CLIENT], b.errors);
	bench_client_print(&o, "peer", &f[VIA_PEER], b.errors);
	fflush(stdout);
	if (b.errors > 0) {
		fprintf(stderr, "client-driver: %s: %ld failed replies; first: "
		    "%s\n", o.label, b.errors, b.first_error);
		rc = 1;
	}
	mcp_client_free(b.c);
	free(b.lat[VIA_CLIENT]);
	free(b.lat[VIA_PEER]);
	cJSON_Delete(b.args);
	event_base_free(b.base);
	if (o.url != NULL)
		curl_global_cleanup();
	return rc;
}
