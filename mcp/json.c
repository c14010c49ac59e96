/*
 * Typed getters over cJSON, UTF-8 validation, and allocation helpers that
 * abort on out of memory.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

static void
mcp_json_oom(size_t size)
{
	fprintf(stderr, "out of memory allocating %zu bytes\n", size);
	abort();
}

void *
mcp_xmalloc(size_t size)
{
	void *p = malloc(size == 0 ? 1 : size);

	if (p == NULL)
		mcp_json_oom(size);
	return p;
}

void *
mcp_xcalloc(size_t n, size_t size)
{
	void *p = calloc(n == 0 ? 1 : n, size == 0 ? 1 : size);

	if (p == NULL)
		mcp_json_oom(n * size);
	return p;
}

void *
mcp_xrealloc(void *old, size_t size)
{
	void *p = realloc(old, size == 0 ? 1 : size);

	if (p == NULL)
		mcp_json_oom(size);
	return p;
}

char *
mcp_xstrdup(const char *s)
{
	return mcp_xstrndup(s, strlen(s));
}

char *
mcp_xstrndup(const char *s, size_t n)
{
	char *p = mcp_xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
mcp_xprintf(const char *fmt, ...)
{
	va_list ap, ap2;
	int n;
	char *p;

	va_start(ap, fmt);
	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		mcp_json_oom(0);
	p = mcp_xmalloc((size_t)n + 1);
	vsnprintf(p, (size_t)n + 1, fmt, ap2);
	va_end(ap2);
	return p;
}

const char *
mcp_json_type_name(const cJSON *v)
{
	if (v == NULL)
		return "nothing";
	if (cJSON_IsString(v))
		return "string";
	if (cJSON_IsNumber(v))
		return mcp_json_is_integer(v) ? "integer" : "number";
	if (cJSON_IsBool(v))
		return "boolean";
	if (cJSON_IsNull(v))
		return "null";
	if (cJSON_IsArray(v))
		return "array";
	if (cJSON_IsObject(v))
		return "object";
	return "invalid";
}

bool
mcp_json_is_integer(const cJSON *v)
{
	double d;

	if (!cJSON_IsNumber(v))
		return false;
	d = v->valuedouble;
	return isfinite(d) && d == floor(d) && d >= -9223372036854775808.0 &&
	    d < 9223372036854775808.0;
}

/* Look up key in obj; -1 with an error if it is required and missing or if
 * obj itself is not an object. */
static int
mcp_json_field(const cJSON *obj, const char *path, const char *key,
    bool required, const cJSON **out, struct mcp_err *err)
{
	const cJSON *v;

	*out = NULL;
	if (!cJSON_IsObject(obj)) {
		mcp_err_set(err, MCP_INVALID_PARAMS, "%s: expected object, got %s",
		    path, mcp_json_type_name(obj));
		return -1;
	}
	v = cJSON_GetObjectItemCaseSensitive(obj, key);
	if (v == NULL && required) {
		mcp_err_set(err, MCP_INVALID_PARAMS,
		    "%s: missing required field '%s'", path, key);
		return -1;
	}
	*out = v;
	return 0;
}

static int
mcp_json_mistyped(const char *path, const char *key, const char *want,
    const cJSON *v, struct mcp_err *err)
{
	mcp_err_set(err, MCP_INVALID_PARAMS, "%s.%s: expected %s, got %s", path,
	    key, want, mcp_json_type_name(v));
	return -1;
}

int
mcp_json_string(const cJSON *obj, const char *path, const char *key,
    bool required, const char **out, struct mcp_err *err)
{
	const cJSON *v;

	*out = NULL;
	if (mcp_json_field(obj, path, key, required, &v, err) != 0)
		return -1;
	if (v == NULL)
		return 0;
	if (!cJSON_IsString(v) || v->valuestring == NULL)
		return mcp_json_mistyped(path, key, "string", v, err);
	*out = v->valuestring;
	return 0;
}

int
mcp_json_object(const cJSON *obj, const char *path, const char *key,
    bool required, const cJSON **out, struct mcp_err *err)
{
	const cJSON *v;

	*out = NULL;
	if (mcp_json_field(obj, path, key, required, &v, err) != 0)
		return -1;
	if (v == NULL)
		return 0;
	if (!cJSON_IsObject(v))
		return mcp_json_mistyped(path, key, "object", v, err);
	*out = v;
	return 0;
}

int
mcp_json_array(const cJSON *obj, const char *path, const char *key,
    bool required, const cJSON **out, struct mcp_err *err)
{
	const cJSON *v;

	*out = NULL;
	if (mcp_json_field(obj, path, key, required, &v, err) != 0)
		return -1;
	if (v == NULL)
		return 0;
	if (!cJSON_IsArray(v))
		return mcp_json_mistyped(path, key, "array", v, err);
	*out = v;
	return 0;
}

int
mcp_json_int(const cJSON *obj, const char *path, const char *key,
    bool required, int64_t *out, bool *present, struct mcp_err *err)
{
	const cJSON *v;

	if (present != NULL)
		*present = false;
	if (mcp_json_field(obj, path, key, required, &v, err) != 0)
		return -1;
	if (v == NULL)
		return 0;
	if (!mcp_json_is_integer(v))
		return mcp_json_mistyped(path, key, "integer", v, err);
	*out = (int64_t)v->valuedouble;
	if (present != NULL)
		*present = true;
	return 0;
}

int
mcp_json_number(const cJSON *obj, const char *path, const char *key,
    bool required, double *out, bool *present, struct mcp_err *err)
{
	const cJSON *v;

	if (present != NULL)
		*present = false;
	if (mcp_json_field(obj, path, key, required, &v, err) != 0)
		return -1;
	if (v == NULL)
		return 0;
	if (!cJSON_IsNumber(v))
		return mcp_json_mistyped(path, key, "number", v, err);
	*out = v->valuedouble;
	if (present != NULL)
		*present = true;
	return 0;
}

int
mcp_json_bool(const cJSON *obj, const char *path, const char *key,
    bool required, bool *out, bool *present, struct mcp_err *err)
{
	const cJSON *v;

	if (present != NULL)
		*present = false;
	if (mcp_json_field(obj, path, key, required, &v, err) != 0)
		return -1;
	if (v == NULL)
		return 0;
	if (!cJSON_IsBool(v))
		return mcp_json_mistyped(path, key, "boolean", v, err);
	*out = cJSON_IsTrue(v);
	if (present != NULL)
		*present = true;
	return 0;
}

cJSON *
mcp_json_parse_const(const char *text)
{
	cJSON *v = cJSON_Parse(text);

	if (v == NULL) {
		fprintf(stderr, "invalid built-in JSON near '%.40s'\n",
		    cJSON_GetErrorPtr() != NULL ? cJSON_GetErrorPtr() : text);
		abort();
	}
	return v;
}

void
mcp_json_add(cJSON *obj, const char *key, cJSON *item)
{
	if (item == NULL || !cJSON_AddItemToObject(obj, key, item))
		mcp_json_oom(0);
}

void
mcp_json_add_str(cJSON *obj, const char *key, const char *value)
{
	mcp_json_add(obj, key, cJSON_CreateString(value));
}

void
mcp_json_add_num(cJSON *obj, const char *key, double value)
{
	mcp_json_add(obj, key, cJSON_CreateNumber(value));
}

void
mcp_json_add_bool(cJSON *obj, const char *key, bool value)
{
	mcp_json_add(obj, key, cJSON_CreateBool(value));
}

char *
mcp_json_print(const cJSON *v, size_t *len)
{
	char *s = cJSON_PrintUnformatted(v);

	if (s == NULL)
		mcp_json_oom(0);
	if (len != NULL)
		*len = strlen(s);
	return s;
}

size_t
mcp_utf8_seq(const char *buf, size_t avail)
{
	const unsigned char *s = (const unsigned char *)buf;
	unsigned c = avail > 0 ? s[0] : 0;

	if (avail == 0)
		return 0;
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		return avail >= 2 && (s[1] & 0xc0) == 0x80 ? 2 : 0;
	if (c >= 0xe0 && c <= 0xef) {
		if (avail < 3 || (s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80)
			return 0;
		if ((c == 0xe0 && s[1] < 0xa0) ||	/* overlong */
		    (c == 0xed && s[1] > 0x9f))		/* surrogate */
			return 0;
		return 3;
	}
	if (c >= 0xf0 && c <= 0xf4) {
		if (avail < 4 || (s[1] & 0xc0) != 0x80 ||
		    (s[2] & 0xc0) != 0x80 || (s[3] & 0xc0) != 0x80)
			return 0;
		if ((c == 0xf0 && s[1] < 0x90) ||	/* overlong */
		    (c == 0xf4 && s[1] > 0x8f))		/* above U+10FFFF */
			return 0;
		return 4;
	}
	return 0;
}

bool
mcp_utf8_valid(const char *buf, size_t len)
{
	size_t i = 0, n;

	while (i < len) {
		if ((unsigned char)buf[i] < 0x80) {
			i++;	/* the common case: ASCII */
			continue;
		}
		if ((n = mcp_utf8_seq(buf + i, len - i)) == 0)
			return false;
		i += n;
	}
	return true;
}
