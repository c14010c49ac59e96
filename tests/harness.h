/*
 * A tiny test harness. Each test binary lists its cases with TEST(), checks
 * with CHECK()/CHECK_EQ_INT()/CHECK_STR(), and ends with the line
 * "N passed, N failed" that tests/run.sh adds up.
 */
#ifndef TESTS_HARNESS_H
#define TESTS_HARNESS_H

#include <stdio.h>
#include <string.h>

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

#define HARNESS_END() ( \
	printf("%d passed, %d failed\n", harness_state.passed, harness_state.failed), \
	harness_state.failed == 0 ? 0 : 1)

#endif
