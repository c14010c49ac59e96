/*
 * A tiny test harness. Each test binary lists its cases with TEST(), checks
 * with CHECK()/CHECK_EQ_INT()/CHECK_STR(), and ends with the line
 * "N passed, N failed" that tests/run.sh adds up.
 */
#ifndef TESTS_HARNESS_H
#define TESTS_HARNESS_H

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

struct harness {
	const char *suite;
	const char *current;
	int failed_checks;
	int passed;
	int failed;
};

static struct harness harness_state;

#define CHECK(cond) do { \
	if (!(cond)) { \
		harness_state.failed_checks++; \
		fprintf(stderr, "  %s:%d: %s: check failed: %s\n", \
		    __FILE__, __LINE__, harness_state.current, #cond); \
	} \
} while (0)

#define CHECK_EQ_INT(a, b) do { \
	long long ha_ = (long long)(a), hb_ = (long long)(b); \
	if (ha_ != hb_) { \
		harness_state.failed_checks++; \
		fprintf(stderr, "  %s:%d: %s: %s == %lld, expected %s == %lld\n", \
		    __FILE__, __LINE__, harness_state.current, #a, ha_, #b, hb_); \
	} \
} while (0)

#define CHECK_STR(a, b) do { \
	const char *ha_ = (a), *hb_ = (b); \
	if (ha_ == NULL || hb_ == NULL || strcmp(ha_, hb_) != 0) { \
		harness_state.failed_checks++; \
		fprintf(stderr, "  %s:%d: %s: %s is \"%s\", expected \"%s\"\n", \
		    __FILE__, __LINE__, harness_state.current, #a, \
		    ha_ ? ha_ : "(null)", hb_ ? hb_ : "(null)"); \
	} \
} while (0)

/* Substring check: a contains b. */
#define CHECK_CONTAINS(a, b) do { \
	const char *ha_ = (a), *hb_ = (b); \
	if (ha_ == NULL || hb_ == NULL || strstr(ha_, hb_) == NULL) { \
		harness_state.failed_checks++; \
		fprintf(stderr, "  %s:%d: %s: %s is \"%s\", expected to contain \"%s\"\n", \
		    __FILE__, __LINE__, harness_state.current, #a, \
		    ha_ ? ha_ : "(null)", hb_ ? hb_ : "(null)"); \
	} \
} while (0)

#define TEST(fn) do { \
	harness_state.current = #fn; \
	harness_state.failed_checks = 0; \
	fn(); \
	if (harness_state.failed_checks == 0) { \
		harness_state.passed++; \
		printf("PASS %s: %s\n", harness_state.suite, #fn); \
	} else { \
		harness_state.failed++; \
		printf("FAIL %s: %s\n", harness_state.suite, #fn); \
	} \
	fflush(stdout); \
} while (0)

#define HARNESS_BEGIN(name) (harness_state.suite = (name))

/* A hung test must not hang the whole run: once HARNESS_BEGIN has named the
 * suite, HARNESS_WATCHDOG() gives up after 30 s with a FAIL line. The
 * handler only copies bytes and writes, as a signal handler may. */
static inline void
harness_watchdog_fire(int sig)
{
	static const char tail[] = ": watchdog: still running after 30 s\n";
	const char *suite = harness_state.suite != NULL ? harness_state.suite :
	    "(unnamed)";
	char line[256] = "FAIL ";
	size_t n = 5, k = strlen(suite);

	(void)sig;
	if (k > sizeof line - n - sizeof tail)
		k = sizeof line - n - sizeof tail;
	memcpy(line + n, suite, k);
	n += k;
	memcpy(line + n, tail, sizeof tail - 1);
	n += sizeof tail - 1;
	if (write(2, line, n) < 0)
		_exit(3);
	_exit(2);
}

#define HARNESS_WATCHDOG() do { \
	signal(SIGALRM, harness_watchdog_fire); \
	alarm(30); \
} while (0)

#define HARNESS_END() ( \
	printf("%d passed, %d failed\n", harness_state.passed, harness_state.failed), \
	harness_state.failed == 0 ? 0 : 1)

#endif
