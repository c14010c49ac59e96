/*
 * What the benchmark drivers share; see benchutil.h.
 */
#include <sys/resource.h>
#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench/benchutil.h"
#include "mcp/peer.h"

/* Options */

static int
benchutil_count(const char *prog, const char *opt, const char *value,
    long min, long max, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(value, &end, 10);
	if (errno != 0 || end == value || *end != '\0' || v < min || v > max) {
		fprintf(stderr, "%s: %s: '%s' is not a number from %ld to %ld; "
		    "try '%s --help'\n", prog, opt, value, min, max, prog);
		return -1;
	}
	*out = v;
	return 0;
}

/* The driver on cpu, the server on every other CPU we may use. */
static int
benchutil_pin_set(const char *prog, struct benchutil_pin *p, int cpu)
{
	if (sched_getaffinity(0, sizeof p->server, &p->server) != 0 ||
	    !CPU_ISSET(cpu, &p->server) || CPU_COUNT(&p->server) < 2) {
		fprintf(stderr, "%s: --pin %d: need CPU %d and one more "
		    "among the CPUs this process may use; try --pin 0 on a "
		    "machine with two cores, or leave --pin out\n", prog, cpu,
		    cpu);
		return -1;
	}
	CPU_CLR(cpu, &p->server);
	CPU_ZERO(&p->self);
	CPU_SET(cpu, &p->self);
	p->cpu = cpu;
	return sched_setaffinity(0, sizeof p->self, &p->self);
}

void
benchutil_pin_move(const struct benchutil_pin *p, bool server)
{
	if (p->cpu >= 0)
		sched_setaffinity(0, sizeof p->self, server ? &p->server :
		    &p->self);
}

/* One option of extra, or NULL. */
static const struct benchutil_opt *
benchutil_find(const struct benchutil_opt *extra, const char *opt)
{
	for (; extra != NULL && extra->name != NULL; extra++) {
		if (strcmp(opt, extra->name) == 0)
			return extra;
	}
	return NULL;
}

int
benchutil_parse(const char *prog, int argc, char **argv,
    struct benchutil_opts *o, const struct benchutil_opt *extra,
    void (*usage)(FILE *))
{
	const struct benchutil_opt *e;
	long v;
	int i;

	o->calls = 200000;
	o->seq = 20000;
	o->warmup = 1000;
	o->inflight = 64;
	o->tool = "echo";
	o->args = "{\"text\":\"hi\"}";
	o->label = NULL;
	o->pin.cpu = -1;
	for (i = 1; i < argc; i++) {
		const char *opt = argv[i], *val = i + 1 < argc ? argv[i + 1] :
		    NULL;

		if (strcmp(opt, "--") == 0)
			return i + 1;
		if (strcmp(opt, "-h") == 0 || strcmp(opt, "--help") == 0) {
			usage(stdout);
			exit(0);
		}
		if (val == NULL) {
			fprintf(stderr, "%s: %s needs a value; try '%s --help'\n",
			    prog, opt, prog);
			return -1;
		}
		i++;
		if (strcmp(opt, "--calls") == 0) {
			if (benchutil_count(prog, opt, val, 0, BENCHUTIL_MAX_N,
			    &o->calls) != 0)
				return -1;
		} else if (strcmp(opt, "--seq") == 0) {
			if (benchutil_count(prog, opt, val, 0, BENCHUTIL_MAX_N,
			    &o->seq) != 0)
				return -1;
		} else if (strcmp(opt, "--warmup") == 0) {
			if (benchutil_count(prog, opt, val, 0, BENCHUTIL_MAX_N,
			    &o->warmup) != 0)
				return -1;
		} else if (strcmp(opt, "--inflight") == 0) {
			if (benchutil_count(prog, opt, val, 1, 4096, &v) != 0)
				return -1;
			o->inflight = (int)v;
		} else if (strcmp(opt, "--pin") == 0) {
			if (benchutil_count(prog, opt, val, 0, CPU_SETSIZE - 1,
			    &v) != 0 || benchutil_pin_set(prog, &o->pin,
			    (int)v) != 0)
				return -1;
		} else if (strcmp(opt, "--tool") == 0)
			o->tool = val;
		else if (strcmp(opt, "--args") == 0)
			o->args = val;
		else if (strcmp(opt, "--label") == 0)
			o->label = val;
		else if ((e = benchutil_find(extra, opt)) == NULL) {
			fprintf(stderr, "%s: unknown option '%s'; try '%s "
			    "--help'\n", prog, opt, prog);
			return -1;
		} else if (e->count != NULL) {
			if (benchutil_count(prog, opt, val, e->min, e->max,
			    &v) != 0)
				return -1;
			*e->count = (int)v;
		} else
			*e->text = val;
	}
	return i;
}

void
benchutil_label(char *buf, size_t len, const char *label, const char *cmd)
{
	char *p;

	if (label == NULL) {
		label = strrchr(cmd, '/');
		label = label != NULL ? label + 1 : cmd;
	}
	snprintf(buf, len, "%s", label);
	for (p = buf; *p != '\0'; p++) {
		if (*p == ' ' || *p == '\t' || *p == '=')
			*p = '_';
	}
}

cJSON *
benchutil_args(const char *prog, const char *text)
{
	cJSON *args = cJSON_Parse(text);

	if (!cJSON_IsObject(args)) {
		fprintf(stderr, "%s: --args: '%s' is not a JSON object; try "
		    "--args '{\"text\":\"hi\"}'\n", prog, text);
		cJSON_Delete(args);
		return NULL;
	}
	return args;
}

/* Figures */

uint64_t
benchutil_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

double
benchutil_self_cpu(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e6 +
	    (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
}

static int
benchutil_cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Nearest-rank percentile of sorted v[0..n), in µs. */
static double
benchutil_percentile(const uint64_t *v, long n, double pct)
{
	long rank = (long)((pct / 100.0) * (double)n + 0.999999);

	if (rank < 1)
		rank = 1;
	if (rank > n)
		rank = n;
	return (double)v[rank - 1] / 1000.0;
}

void
benchutil_p50_p99(uint64_t *v, long n, double *p50, double *p99)
{
	qsort(v, (size_t)n, sizeof *v, benchutil_cmp_u64);
	*p50 = benchutil_percentile(v, n, 50);
	*p99 = benchutil_percentile(v, n, 99);
}

const char *
benchutil_fmt(char *buf, size_t len, const char *fmt, double v)
{
	if (v < 0)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, fmt, v);
	return buf;
}

const char *
benchutil_call_failure(const struct mcp_response *r)
{
	if (r->code != 0)
		return r->message != NULL ? r->message : "error";
	if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(r->result,
	    "isError")))
		return "tool returned isError";
	if (!cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(r->result,
	    "content")))
		return "result has no content array";
	return NULL;
}
