/*
 * What the benchmark drivers share (bench/driver.c, bench/client-driver.c):
 * the options every driver takes (counts, --pin, --help, --), the label, a
 * monotonic clock, this process's CPU time, percentiles, the figures of a
 * BENCH line and what makes a tools/call reply a failure. bench/benchutil.c
 * is linked into every bench program.
 */
#ifndef BENCH_BENCHUTIL_H
#define BENCH_BENCHUTIL_H

#include <sched.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cjson/cJSON.h>

struct mcp_response;

#define BENCHUTIL_MAX_N		100000000L	/* per count option */

/* Options */

/* --pin CPU: the driver on cpu, the server it starts on the other CPUs. */
struct benchutil_pin {
	int cpu;			/* the driver's CPU, or -1 */
	cpu_set_t self, server;
};

/* The options every driver takes; the strings borrow argv. */
struct benchutil_opts {
	long calls;			/* pipelined tools/call */
	long seq;			/* sequential, measured */
	long warmup;			/* sequential, not measured */
	int inflight;
	const char *tool;
	const char *args;		/* JSON object text */
	const char *label;		/* --label, or NULL */
	struct benchutil_pin pin;
};

/* One more option of one driver, taking a value: a count from min to max
 * into *count, or else a string (borrowing argv) into *text. */
struct benchutil_opt {
	const char *name;
	long min, max;
	int *count;
	const char **text;
};

/*
 * Fills o with the defaults (--calls 200000 --seq 20000 --warmup 1000
 * --inflight 64 --tool echo --args '{"text":"hi"}', no pinning), then
 * reads argv[1..] up to "--": those options, the extra ones (an array
 * ended by an entry without a name; the caller sets their defaults), -h
 * and --help (usage(stdout), then exit 0). --pin moves this process to its
 * CPU at once. Returns the index of the argument after "--" (argc when
 * there is none), or -1 after a one-line message naming prog.
 */
int benchutil_parse(const char *prog, int argc, char **argv,
    struct benchutil_opts *o, const struct benchutil_opt *extra,
    void (*usage)(FILE *));
/* Moves this process to the server's CPUs (before forking the server: the
 * child inherits them) or back to its own; nothing without --pin. */
void benchutil_pin_move(const struct benchutil_pin *p, bool server);
/* Writes label, or when it is NULL the base name of cmd, into buf as one
 * word (spaces, tabs and '=' become '_'), so a BENCH line splits on spaces. */
void benchutil_label(char *buf, size_t len, const char *label,
    const char *cmd);
/* The --args text parsed, a JSON object the caller owns; NULL after a
 * message naming prog when it is not one. */
cJSON *benchutil_args(const char *prog, const char *text);

/* Figures */

/* CLOCK_MONOTONIC in ns. */
uint64_t benchutil_now(void);
/* User plus system CPU time of this process, µs. */
double benchutil_self_cpu(void);
/* Sorts v[0..n), n > 0, and gives its nearest-rank 50th and 99th
 * percentiles in µs (v in ns). */
void benchutil_p50_p99(uint64_t *v, long n, double *p50, double *p99);
/* v printed with fmt into buf, or "-" when v < 0 (not measured); returns
 * buf. */
const char *benchutil_fmt(char *buf, size_t len, const char *fmt, double v);
/* NULL when a tools/call reply r succeeded (no error, a content array, not
 * isError), else why not: the error's message (or "error"), "tool returned
 * isError" or "result has no content array"; borrowed from r or static. */
const char *benchutil_call_failure(const struct mcp_response *r);

#endif
