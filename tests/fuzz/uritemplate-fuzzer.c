/*
 * libFuzzer target for mcp/uritemplate.c. The input is a template, a newline
 * and a uri: parse, expand, match, and check that expanding what matched
 * gives a uri that matches again.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mcp/uritemplate.h"

#define FUZZ_MAX_LEN 8192

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
fuzz_fail(const char *what, const char *tmpl, const char *uri, const char *got)
{
	fprintf(stderr, "uritemplate-fuzzer: %s\n  template: %s\n  uri: %s\n"
	    "  got: %s\n", what, tmpl, uri, got ? got : "(null)");
	abort();
}

/* Errors are one non-empty line. */
static void
fuzz_check_err(const char *err, const char *tmpl, const char *uri)
{
	if (err[0] == '\0' || strchr(err, '\n') != NULL ||
	    strchr(err, '\r') != NULL)
		fuzz_fail("error is not one line", tmpl, uri, err);
}

/* Every key of vars names a template variable; values are strings or
 * arrays of strings. */
static void
fuzz_check_vars(const struct mcp_uritemplate *t, const cJSON *vars,
    const char *tmpl, const char *uri)
{
	const cJSON	*v, *item;
	size_t		 i;

	cJSON_ArrayForEach(v, vars) {
		for (i = 0; i < mcp_uritemplate_var_count(t); i++) {
			if (strcmp(mcp_uritemplate_var_name(t, i), v->string) == 0)
				break;
		}
		if (i == mcp_uritemplate_var_count(t))
			fuzz_fail("unknown variable in match", tmpl, uri, v->string);
		if (cJSON_IsString(v))
			continue;
		if (!cJSON_IsArray(v))
			fuzz_fail("value is not a string or array", tmpl, uri, v->string);
		cJSON_ArrayForEach(item, v) {
			if (!cJSON_IsString(item))
				fuzz_fail("item is not a string", tmpl, uri, v->string);
		}
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mcp_uritemplate	*t;
	cJSON			*vars = NULL, *again = NULL, *fixed;
	char			*buf, *tmpl, *uri, *nl, *out, err[256];

	if (size > FUZZ_MAX_LEN)
		return 0;
	buf = malloc(size + 1);
	memcpy(buf, data, size);
	buf[size] = '\0';
	tmpl = buf;
	if ((nl = strchr(buf, '\n')) != NULL) {
		*nl = '\0';
		uri = nl + 1;
	} else
		uri = nl = buf + strlen(buf);

	if ((t = mcp_uritemplate_new(tmpl, err, sizeof err)) == NULL) {
		fuzz_check_err(err, tmpl, uri);
		free(buf);
		return 0;
	}
	if (strcmp(mcp_uritemplate_text(t), tmpl) != 0)
		fuzz_fail("text differs", tmpl, uri, mcp_uritemplate_text(t));

	/* Expansion with no variables, and with some of every kind. */
	free(mcp_uritemplate_expand(t, NULL));
	fixed = cJSON_Parse("{\"x\":\"a b/c\",\"y\":7,\"list\":[\"r\",\"\",\"g\"],"
	    "\"keys\":{\"k\":\"v;\",\"e\":\"\"},\"q\":\"\\u00e9%41\",\"n\":null}");
	free(mcp_uritemplate_expand(t, fixed));
	cJSON_Delete(fixed);

	if (mcp_uritemplate_match_err(t, uri, &vars, err, sizeof err) != 0) {
		fuzz_check_err(err, tmpl, uri);
		goto done;
	}
	fuzz_check_vars(t, vars, tmpl, uri);
	if ((out = mcp_uritemplate_expand(t, vars)) == NULL)
		fuzz_fail("matched variables do not expand", tmpl, uri, NULL);
	if (mcp_uritemplate_match_err(t, out, &again, err, sizeof err) != 0) {
		fuzz_check_err(err, tmpl, uri);
		if (strstr(err, "gave up") == NULL)
			fuzz_fail("expansion of a match does not match", tmpl, uri, out);
	}
	fuzz_check_vars(t, again, tmpl, out);
	cJSON_Delete(again);
	free(out);

done:
	cJSON_Delete(vars);
	mcp_uritemplate_free(t);
	free(buf);
	return 0;
}
