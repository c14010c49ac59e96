/*
 * Arguments from the command line: a JSON object as one word, or key=value
 * words typed from the tool's inputSchema (integer, number, boolean, arrays
 * of strings or numbers as comma-separated lists, objects and arrays as
 * JSON), with key:=JSON for anything else. A word that does not fit is
 * refused with the argument's name and what it should be.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mcp/json.h"
#include "tui/cli.h"

/* cJSON_HasObjectItem ignores case; JSON names do not. */
static bool
args_has(const cJSON *obj, const char *key)
{
	return cJSON_GetObjectItemCaseSensitive(obj, key) != NULL;
}

/* The JSON type a schema names (the first of a list that is not "null"),
 * or NULL. */
static const char *
args_type(const cJSON *schema)
{
	const cJSON *t = cJSON_GetObjectItemCaseSensitive(schema, "type"), *e;

	if (cJSON_IsString(t))
		return t->valuestring;
	cJSON_ArrayForEach(e, t) {
		if (cJSON_IsString(e) && strcmp(e->valuestring, "null") != 0)
			return e->valuestring;
	}
	return NULL;
}

/* Names of the properties, "a, b, c", into buf. */
static void
args_names(const cJSON *props, char *buf, size_t size)
{
	const cJSON *p;
	size_t used = 0;

	buf[0] = '\0';
	cJSON_ArrayForEach(p, props) {
		int w = snprintf(buf + used, size - used, "%s%s",
		    used > 0 ? ", " : "", p->string);

		if (w < 0 || (size_t)w >= size - used)
			break;
		used += (size_t)w;
	}
	if (used == 0)
		snprintf(buf, size, "none");
}

static cJSON *
args_parse_json(const char *text, char *what, size_t size)
{
	const char *end = NULL;
	cJSON *v = cJSON_ParseWithOpts(text, &end, 1);

	if (v == NULL)
		snprintf(what, size, "is not valid JSON (at character %zu)",
		    end != NULL && end >= text ? (size_t)(end - text) + 1 :
		    (size_t)1);
	return v;
}

/* One scalar of type; NULL with what filled when it does not fit. */
static cJSON *
args_scalar(const char *type, const char *s, char *what, size_t size)
{
	char *end;

	if (strcmp(type, "integer") == 0) {
		long long v;

		errno = 0;
		v = strtoll(s, &end, 10);
		if (s[0] == '\0' || *end != '\0' || errno != 0 ||
		    s[0] == ' ' || v > (1LL << 53) || v < -(1LL << 53)) {
			snprintf(what, size, "must be an integer");
			return NULL;
		}
		return cJSON_CreateNumber((double)v);
	}
	if (strcmp(type, "number") == 0) {
		double v;

		errno = 0;
		v = strtod(s, &end);
		if (s[0] == '\0' || *end != '\0' || errno != 0 || !isfinite(v) ||
		    s[0] == ' ' || strpbrk(s, "xXnNiI") != NULL) {
			snprintf(what, size, "must be a number");
			return NULL;
		}
		return cJSON_CreateNumber(v);
	}
	if (strcmp(type, "boolean") == 0) {
		if (strcasecmp(s, "true") == 0 || strcasecmp(s, "yes") == 0 ||
		    strcmp(s, "1") == 0 || strcasecmp(s, "on") == 0)
			return cJSON_CreateTrue();
		if (strcasecmp(s, "false") == 0 || strcasecmp(s, "no") == 0 ||
		    strcmp(s, "0") == 0 || strcasecmp(s, "off") == 0)
			return cJSON_CreateFalse();
		snprintf(what, size, "must be true or false");
		return NULL;
	}
	if (strcmp(type, "null") == 0) {
		if (strcmp(s, "null") == 0)
			return cJSON_CreateNull();
		snprintf(what, size, "must be null");
		return NULL;
	}
	return cJSON_CreateString(s);
}

/* A value for schema from the text after '='. */
static cJSON *
args_value(const cJSON *schema, const char *s, char *what, size_t size)
{
	const char *type = args_type(schema), *itype;
	cJSON *v, *arr, *item;
	char *copy, *p, *comma;

	if (type == NULL)
		return cJSON_CreateString(s);
	if (strcmp(type, "object") == 0) {
		if ((v = args_parse_json(s, what, size)) == NULL)
			return NULL;
		if (!cJSON_IsObject(v)) {
			cJSON_Delete(v);
			snprintf(what, size, "must be a JSON object");
			return NULL;
		}
		return v;
	}
	if (strcmp(type, "array") != 0)
		return args_scalar(type, s, what, size);
	if (s[0] == '[') {
		if ((v = args_parse_json(s, what, size)) == NULL)
			return NULL;
		if (!cJSON_IsArray(v)) {
			cJSON_Delete(v);
			snprintf(what, size, "must be a JSON array");
			return NULL;
		}
		return v;
	}
	itype = args_type(cJSON_GetObjectItemCaseSensitive(schema, "items"));
	if (itype != NULL && (strcmp(itype, "object") == 0 ||
	    strcmp(itype, "array") == 0)) {
		snprintf(what, size, "must be a JSON array ([...])");
		return NULL;
	}
	if ((arr = cJSON_CreateArray()) == NULL)
		abort();
	if (s[0] == '\0')
		return arr;
	copy = mcp_xstrdup(s);
	for (p = copy;; p = comma + 1) {
		if ((comma = strchr(p, ',')) != NULL)
			*comma = '\0';
		item = args_scalar(itype != NULL ? itype : "string", p, what,
		    size);
		if (item == NULL) {
			size_t n = strlen(what);

			snprintf(what + n, size - n, " in each comma-separated "
			    "item");
			cJSON_Delete(arr);
			free(copy);
			return NULL;
		}
		cJSON_AddItemToArray(arr, item);
		if (comma == NULL)
			break;
	}
	free(copy);
	return arr;
}

cJSON *
tui_cli_args_value(const cJSON *schema, const char *text, char *what,
    size_t size)
{
	return args_value(schema, text, what, size);
}

static bool
args_allows_more(const cJSON *schema)
{
	const cJSON *ap = cJSON_GetObjectItemCaseSensitive(schema,
	    "additionalProperties");

	return cJSON_IsTrue(ap) || cJSON_IsObject(ap);
}

/* Every required name is in args; else fill err. */
static bool
args_required(const cJSON *required, const cJSON *args, const char *qualified,
    char *err, size_t errlen)
{
	const cJSON *r;
	char all[400];
	size_t used = 0;
	const char *missing = NULL;

	all[0] = '\0';
	cJSON_ArrayForEach(r, required) {
		if (!cJSON_IsString(r))
			continue;
		int w = snprintf(all + used, sizeof all - used, "%s%s",
		    used > 0 ? ", " : "", r->valuestring);
		if (w > 0 && (size_t)w < sizeof all - used)
			used += (size_t)w;
		if (missing == NULL &&
		    !args_has(args, r->valuestring))
			missing = r->valuestring;
	}
	if (missing == NULL)
		return true;
	snprintf(err, errlen, "%s needs the argument '%s' (required: %s)",
	    qualified, missing, all);
	return false;
}

cJSON *
tui_cli_args_tool(const cJSON *tool, const char *qualified, int n,
    char **words, char *err, size_t errlen)
{
	const cJSON *schema = cJSON_GetObjectItemCaseSensitive(tool,
	    "inputSchema");
	const cJSON *props = cJSON_GetObjectItemCaseSensitive(schema,
	    "properties");
	const cJSON *required = cJSON_GetObjectItemCaseSensitive(schema,
	    "required");
	cJSON *args, *v;
	char what[160], names[400];
	int i;

	if (n == 1 && words[0][strspn(words[0], " \t\n")] == '{') {
		if ((args = args_parse_json(words[0], what, sizeof what)) ==
		    NULL) {
			snprintf(err, errlen, "the arguments for %s %s; write "
			    "one JSON object in quotes, '{\"key\": \"value\"}'",
			    qualified, what);
			return NULL;
		}
		if (!cJSON_IsObject(args)) {
			snprintf(err, errlen, "the arguments for %s must be a "
			    "JSON object, not %s", qualified,
			    mcp_json_type_name(args));
			cJSON_Delete(args);
			return NULL;
		}
		if (!args_required(required, args, qualified, err, errlen)) {
			cJSON_Delete(args);
			return NULL;
		}
		return args;
	}
	if ((args = cJSON_CreateObject()) == NULL)
		abort();
	args_names(props, names, sizeof names);
	for (i = 0; i < n; i++) {
		char *eq = strchr(words[i], '='), *key;
		bool raw;
		const cJSON *prop;

		if (eq == NULL || eq == words[i] ||
		    (eq == words[i] + 1 && words[i][0] == ':')) {
			char *w = tui_cli_clean(words[i], false);

			snprintf(err, errlen, "'%s' is not key=value (%s takes "
			    "%s) nor a JSON object", w, qualified, names);
			free(w);
			goto fail;
		}
		raw = eq[-1] == ':';
		key = mcp_xstrndup(words[i], (size_t)(eq - words[i]) -
		    (raw ? 1 : 0));
		prop = cJSON_GetObjectItemCaseSensitive(props, key);
		if (prop == NULL && props != NULL && !args_allows_more(schema)) {
			char *k = tui_cli_clean(key, false);

			snprintf(err, errlen, "%s has no argument '%s'; it takes "
			    "%s", qualified, k, names);
			free(k);
			free(key);
			goto fail;
		}
		if (args_has(args, key)) {
			char *k = tui_cli_clean(key, false);

			snprintf(err, errlen, "the argument '%s' is given twice",
			    k);
			free(k);
			free(key);
			goto fail;
		}
		what[0] = '\0';
		v = raw ? args_parse_json(eq + 1, what, sizeof what) :
		    args_value(prop, eq + 1, what, sizeof what);
		if (v == NULL) {
			char *k = tui_cli_clean(key, false);
			char *val = tui_cli_clean(eq + 1, false);

			snprintf(err, errlen, "%s: the argument %s=%s %s",
			    qualified, k, val, what);
			free(k);
			free(val);
			free(key);
			goto fail;
		}
		cJSON_AddItemToObject(args, key, v);
		free(key);
	}
	if (!args_required(required, args, qualified, err, errlen))
		goto fail;
	return args;
fail:
	cJSON_Delete(args);
	return NULL;
}

cJSON *
tui_cli_args_prompt(const cJSON *prompt, const char *qualified, int n,
    char **words, char *err, size_t errlen)
{
	const cJSON *decl = cJSON_GetObjectItemCaseSensitive(prompt,
	    "arguments"), *a, *name;
	cJSON *args = cJSON_CreateObject();
	char names[400];
	size_t used = 0;
	int i;

	if (args == NULL)
		abort();
	names[0] = '\0';
	cJSON_ArrayForEach(a, decl) {
		name = cJSON_GetObjectItemCaseSensitive(a, "name");
		if (!cJSON_IsString(name))
			continue;
		int w = snprintf(names + used, sizeof names - used, "%s%s",
		    used > 0 ? ", " : "", name->valuestring);
		if (w > 0 && (size_t)w < sizeof names - used)
			used += (size_t)w;
	}
	if (used == 0)
		snprintf(names, sizeof names, "none");
	for (i = 0; i < n; i++) {
		char *eq = strchr(words[i], '='), *key, *k;
		bool known = false;

		if (eq == NULL || eq == words[i]) {
			k = tui_cli_clean(words[i], false);
			snprintf(err, errlen, "'%s' is not key=value (%s takes "
			    "%s)", k, qualified, names);
			free(k);
			goto fail;
		}
		key = mcp_xstrndup(words[i], (size_t)(eq - words[i]));
		cJSON_ArrayForEach(a, decl) {
			name = cJSON_GetObjectItemCaseSensitive(a, "name");
			if (cJSON_IsString(name) &&
			    strcmp(name->valuestring, key) == 0)
				known = true;
		}
		k = tui_cli_clean(key, false);
		if (!known || args_has(args, key)) {
			if (!known)
				snprintf(err, errlen, "%s has no argument '%s'; "
				    "it takes %s", qualified, k, names);
			else
				snprintf(err, errlen, "the argument '%s' is "
				    "given twice", k);
			free(k);
			free(key);
			goto fail;
		}
		free(k);
		mcp_json_add_str(args, key, eq + 1);
		free(key);
	}
	cJSON_ArrayForEach(a, decl) {
		name = cJSON_GetObjectItemCaseSensitive(a, "name");
		if (cJSON_IsString(name) && cJSON_IsTrue(
		    cJSON_GetObjectItemCaseSensitive(a, "required")) &&
		    !args_has(args, name->valuestring)) {
			snprintf(err, errlen, "%s needs the argument '%s' "
			    "(it takes %s)", qualified, name->valuestring,
			    names);
			goto fail;
		}
	}
	return args;
fail:
	cJSON_Delete(args);
	return NULL;
}
