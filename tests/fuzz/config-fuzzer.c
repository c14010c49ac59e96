/*
 * libFuzzer target for mcp/config.c: the input is a configuration file's
 * text. It either parses, and then every server reads back whole (names,
 * argv, env, headers, rules; lookups by name agree), or it fails with one
 * line "config:LINE:COLUMN: ..." and nothing allocated. Variables come from
 * a fixed table, never the real environment, so a run is reproducible.
 */

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mcp/config.h"

#define FUZZ_MAX_LEN	65536

static const char *
fuzz_getenv(void *arg, const char *name)
{
	(void)arg;
	if (strcmp(name, "HOME") == 0)
		return "/home/fuzz";
	if (strcmp(name, "EMPTY") == 0)
		return "";
	if (strcmp(name, "TOKEN") == 0)
		return "s3cr3t";
	return NULL;
}

static void
fuzz_strings(char **v)
{
	for (; *v != NULL; v++)
		if (strlen(*v) > 1024 * 1024)
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct mcp_config_opts opts = { fuzz_getenv, NULL };
	struct mcp_err		 err = { 0, "" };
	struct mcp_config	*c;
	size_t			 i, j, len;

	if (size > FUZZ_MAX_LEN)
		return 0;
	c = mcp_config_parse((const char *)data, size, "config", &opts, &err);
	if (c == NULL) {
		len = strnlen(err.msg, sizeof err.msg);
		if (len == 0 || len == sizeof err.msg ||
		    strncmp(err.msg, "config:", 7) != 0 ||
		    strchr(err.msg, '\n') != NULL || strchr(err.msg, '\r') != NULL)
			abort();
		return 0;
	}
	for (i = 0; i < mcp_config_count(c); i++) {
		const struct mcp_config_server *s = mcp_config_server(c, i);

		if (s == NULL || s->name == NULL ||
		    mcp_config_find(c, s->name) != s)
			abort();
		if (s->argv != NULL) {
			fuzz_strings(s->argv);
			if (s->argv[s->argc] != NULL)
				abort();
		}
		fuzz_strings(s->env);
		fuzz_strings(s->headers);
		for (j = 0; j < s->nrules; j++)
			if (s->rules[j].tool == NULL ||
			    mcp_config_rule(s, s->rules[j].tool) == NULL)
				abort();
	}
	mcp_config_free(c);
	return 0;
}
