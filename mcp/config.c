/*
 * Configuration files. Two passes over the text: a strict JSON scanner of our
 * own (cJSON keeps no positions) that checks the syntax, limits, UTF-8 and
 * NUL bytes and says where and what was expected; then cJSON's tree, walked
 * with the path of every value kept, so that a semantic error can be mapped
 * back to its place by scanning once more for that path.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "config.h"
#include "json.h"

struct mcp_config {
	struct mcp_config_server *servers;
	size_t count;
};

/* Positions */

/* One step of a path: an object key or an array index. */
struct cfg_seg {
	const char *key;	/* NULL for an index */
	int index;		/* the index, or which occurrence of key */
};

#define CFG_MAX_PATH	8

struct cfg_scan {
	const char *start, *p, *end;
	const char *err_at;
	char err[160];
	/* Locating: the place of want[0..nwant) (its key when want_key). */
	const struct cfg_seg *want;
	size_t nwant;
	bool want_key;
	const char *found;
};

static void cfg_scan_value(struct cfg_scan *, int depth, int level);

static void
cfg_scan_fail(struct cfg_scan *s, const char *at, const char *what)
{
	if (s->err_at != NULL)
		return;
	s->err_at = at;
	snprintf(s->err, sizeof s->err, "%s", what);
}

static void
cfg_scan_ws(struct cfg_scan *s)
{
	while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' ||
	    *s->p == '\n' || *s->p == '\r'))
		s->p++;
}

static int
cfg_hex4(const char *p, const char *end, unsigned *out)
{
	unsigned v = 0;
	int i;

	if (end - p < 4)
		return -1;
	for (i = 0; i < 4; i++) {
		char c = p[i];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned)(c - 'A' + 10);
		else
			return -1;
	}
	*out = v;
	return 0;
}

/* A string at s->p (the opening quote). With out set, its decoded bytes are
 * appended there (up to outmax; longer is still checked). */
static void
cfg_scan_string(struct cfg_scan *s, char *out, size_t outmax, size_t *outlen)
{
	const char *open = s->p;
	size_t n = 0;

	s->p++;
	for (;;) {
		unsigned char c;
		size_t k;

		if (s->p >= s->end) {
			cfg_scan_fail(s, open, "unterminated string: expected "
			    "a closing '\"'");
			return;
		}
		c = (unsigned char)*s->p;
		if (c == '"') {
			s->p++;
			break;
		}
		if ((size_t)(s->p - open) > MCP_CONFIG_MAX_STRING) {
			cfg_scan_fail(s, open, "string longer than 64 KiB");
			return;
		}
		if (c == '\\') {
			const char *esc = s->p;
			char one = 0;
			unsigned u, lo;

			if (s->p + 1 >= s->end) {
				cfg_scan_fail(s, open, "unterminated string: "
				    "expected a closing '\"'");
				return;
			}
			switch (s->p[1]) {
			case '"': one = '"'; break;
			case '\\': one = '\\'; break;
			case '/': one = '/'; break;
			case 'b': one = '\b'; break;
			case 'f': one = '\f'; break;
			case 'n': one = '\n'; break;
			case 'r': one = '\r'; break;
			case 't': one = '\t'; break;
			case 'u':
				if (cfg_hex4(s->p + 2, s->end, &u) != 0) {
					cfg_scan_fail(s, esc, "invalid \\u "
					    "escape: expected four hex digits");
					return;
				}
				s->p += 6;
				if (u == 0) {
					cfg_scan_fail(s, esc, "\\u0000 (a NUL "
					    "character) cannot be used in a "
					    "string");
					return;
				}
				if (u >= 0xdc00 && u <= 0xdfff) {
					cfg_scan_fail(s, esc, "invalid \\u "
					    "escape: a low surrogate without a "
					    "high one");
					return;
				}
				if (u >= 0xd800 && u <= 0xdbff) {
					if (s->end - s->p < 6 || s->p[0] != '\\' ||
					    s->p[1] != 'u' ||
					    cfg_hex4(s->p + 2, s->end, &lo) != 0 ||
					    lo < 0xdc00 || lo > 0xdfff) {
						cfg_scan_fail(s, esc, "invalid \\u "
						    "escape: a high surrogate "
						    "must be followed by a low "
						    "one");
						return;
					}
					s->p += 6;
					u = 0x10000 + ((u - 0xd800) << 10) +
					    (lo - 0xdc00);
				}
				if (out != NULL) {
					char b[4];
					size_t bl;

					if (u < 0x80) {
						b[0] = (char)u;
						bl = 1;
					} else if (u < 0x800) {
						b[0] = (char)(0xc0 | (u >> 6));
						b[1] = (char)(0x80 | (u & 0x3f));
						bl = 2;
					} else if (u < 0x10000) {
						b[0] = (char)(0xe0 | (u >> 12));
						b[1] = (char)(0x80 | ((u >> 6) & 0x3f));
						b[2] = (char)(0x80 | (u & 0x3f));
						bl = 3;
					} else {
						b[0] = (char)(0xf0 | (u >> 18));
						b[1] = (char)(0x80 | ((u >> 12) & 0x3f));
						b[2] = (char)(0x80 | ((u >> 6) & 0x3f));
						b[3] = (char)(0x80 | (u & 0x3f));
						bl = 4;
					}
					if (n + bl <= outmax)
						memcpy(out + n, b, bl);
					n += bl;
				}
				continue;
			default:
				cfg_scan_fail(s, esc, "invalid escape: expected "
				    "one of \\\" \\\\ \\/ \\b \\f \\n \\r \\t "
				    "\\uXXXX");
				return;
			}
			s->p += 2;
			if (out != NULL && n < outmax)
				out[n] = one;
			n++;
			continue;
		}
		if (c < 0x20) {
			cfg_scan_fail(s, s->p, c == 0 ? "NUL byte in the file" :
			    "control character in a string: escape it (\\n, "
			    "\\t, \\uXXXX)");
			return;
		}
		if (c < 0x80)
			k = 1;
		else if ((k = mcp_utf8_seq(s->p, (size_t)(s->end - s->p))) == 0) {
			cfg_scan_fail(s, s->p, "invalid UTF-8 in a string");
			return;
		}
		if (out != NULL && n + k <= outmax)
			memcpy(out + n, s->p, k);
		n += k;
		s->p += k;
	}
	if (outlen != NULL)
		*outlen = n;
}

static void
cfg_scan_number(struct cfg_scan *s)
{
	const char *at = s->p;

	if (s->p < s->end && *s->p == '-')
		s->p++;
	if (s->p < s->end && *s->p == '0')
		s->p++;
	else if (s->p < s->end && *s->p >= '1' && *s->p <= '9') {
		while (s->p < s->end && *s->p >= '0' && *s->p <= '9')
			s->p++;
	} else {
		cfg_scan_fail(s, at, "invalid number: expected a digit");
		return;
	}
	if (s->p < s->end && *s->p == '.') {
		s->p++;
		if (s->p >= s->end || *s->p < '0' || *s->p > '9') {
			cfg_scan_fail(s, s->p, "invalid number: expected a "
			    "digit after '.'");
			return;
		}
		while (s->p < s->end && *s->p >= '0' && *s->p <= '9')
			s->p++;
	}
	if (s->p < s->end && (*s->p == 'e' || *s->p == 'E')) {
		s->p++;
		if (s->p < s->end && (*s->p == '+' || *s->p == '-'))
			s->p++;
		if (s->p >= s->end || *s->p < '0' || *s->p > '9') {
			cfg_scan_fail(s, s->p, "invalid number: expected a "
			    "digit in the exponent");
			return;
		}
		while (s->p < s->end && *s->p >= '0' && *s->p <= '9')
			s->p++;
	}
}

/* Whether the path being scanned reaches the wanted place. */
static void
cfg_scan_mark(struct cfg_scan *s, int level, const char *at)
{
	if (s->want != NULL && level >= 0 && (size_t)level == s->nwant &&
	    s->found == NULL)
		s->found = at;
}

/* After a member or element: true at ',' (another follows), false at
 * close (the container ends) or on an error, which it records. */
static bool
cfg_scan_more(struct cfg_scan *s, char close, const char *after)
{
	cfg_scan_ws(s);
	if (s->p < s->end && *s->p == ',') {
		s->p++;
		return true;
	}
	if (s->p < s->end && *s->p == close)
		s->p++;
	else if (s->err_at == NULL) {
		s->err_at = s->p;
		snprintf(s->err, sizeof s->err, "expected ',' or '%c' after %s",
		    close, after);
	}
	return false;
}

static void
cfg_scan_object(struct cfg_scan *s, int depth, int level)
{
	char key[1024];
	bool first = true;
	int seen = 0;

	s->p++;
	for (;;) {
		const char *kat;
		size_t klen = 0;
		int sub = -1;

		cfg_scan_ws(s);
		if (s->p < s->end && *s->p == '}' && first) {
			s->p++;
			return;
		}
		if (s->p >= s->end || *s->p != '"') {
			cfg_scan_fail(s, s->p, first ? "expected a string key "
			    "in double quotes or '}'" : "expected a string key "
			    "in double quotes");
			return;
		}
		kat = s->p;
		cfg_scan_string(s, key, sizeof key - 1, &klen);
		if (s->err_at != NULL)
			return;
		if (level >= 0 && (size_t)level < s->nwant &&
		    s->want[level].key != NULL && klen < sizeof key &&
		    strlen(s->want[level].key) == klen &&
		    memcmp(key, s->want[level].key, klen) == 0 &&
		    s->found == NULL && seen++ == s->want[level].index) {
			sub = level + 1;
			if ((size_t)sub == s->nwant && s->want_key)
				s->found = kat;
		}
		cfg_scan_ws(s);
		if (s->p >= s->end || *s->p != ':') {
			cfg_scan_fail(s, s->p, "expected ':' after an object "
			    "key");
			return;
		}
		s->p++;
		cfg_scan_value(s, depth + 1, sub);
		if (s->err_at != NULL)
			return;
		first = false;
		if (!cfg_scan_more(s, '}', "an object member"))
			return;
	}
}

static void
cfg_scan_array(struct cfg_scan *s, int depth, int level)
{
	int index = 0;

	s->p++;
	cfg_scan_ws(s);
	if (s->p < s->end && *s->p == ']') {
		s->p++;
		return;
	}
	for (;; index++) {
		int sub = -1;

		if (level >= 0 && (size_t)level < s->nwant &&
		    s->want[level].key == NULL && s->want[level].index == index)
			sub = level + 1;
		cfg_scan_value(s, depth + 1, sub);
		if (s->err_at != NULL)
			return;
		if (!cfg_scan_more(s, ']', "an array element"))
			return;
	}
}

static void
cfg_scan_literal(struct cfg_scan *s, const char *word)
{
	size_t n = strlen(word);

	if ((size_t)(s->end - s->p) < n || memcmp(s->p, word, n) != 0) {
		cfg_scan_fail(s, s->p, "expected a value: an object, array, "
		    "string, number, true, false or null");
		return;
	}
	s->p += n;
}

static void
cfg_scan_value(struct cfg_scan *s, int depth, int level)
{
	cfg_scan_ws(s);
	if (s->p >= s->end) {
		cfg_scan_fail(s, s->p, "unexpected end of file: expected a "
		    "value");
		return;
	}
	cfg_scan_mark(s, level, s->p);
	if (depth > MCP_CONFIG_MAX_DEPTH) {
		cfg_scan_fail(s, s->p, "nested deeper than 32 levels");
		return;
	}
	switch (*s->p) {
	case '{':
		cfg_scan_object(s, depth, level);
		break;
	case '[':
		cfg_scan_array(s, depth, level);
		break;
	case '"':
		cfg_scan_string(s, NULL, 0, NULL);
		break;
	case 't':
		cfg_scan_literal(s, "true");
		break;
	case 'f':
		cfg_scan_literal(s, "false");
		break;
	case 'n':
		cfg_scan_literal(s, "null");
		break;
	default:
		if (*s->p == '-' || (*s->p >= '0' && *s->p <= '9'))
			cfg_scan_number(s);
		else
			cfg_scan_fail(s, s->p, *s->p == '\0' ?
			    "NUL byte in the file" :
			    "expected a value: an object, array, string, "
			    "number, true, false or null");
		break;
	}
}

/* Scan the whole text; 0, or -1 with s->err_at and s->err set. */
static int
cfg_scan_all(struct cfg_scan *s)
{
	s->p = s->start;
	/* A UTF-8 byte order mark is allowed, as editors write it. */
	if (s->end - s->p >= 3 && memcmp(s->p, "\xef\xbb\xbf", 3) == 0)
		s->p += 3;
	cfg_scan_value(s, 1, s->want != NULL ? 0 : -1);
	if (s->err_at == NULL) {
		cfg_scan_ws(s);
		if (s->p < s->end)
			cfg_scan_fail(s, s->p, *s->p == '\0' ?
			    "NUL byte in the file" : "unexpected text after "
			    "the end of the JSON value");
	}
	return s->err_at != NULL ? -1 : 0;
}

/* Line and column (from 1; columns count characters) of at. */
static void
cfg_line_col(const char *start, const char *at, int *line, int *col)
{
	const char *p;

	*line = 1;
	*col = 1;
	for (p = start; p < at; p++) {
		if (*p == '\n') {
			(*line)++;
			*col = 1;
		} else if (((unsigned char)*p & 0xc0) != 0x80)
			(*col)++;
	}
}

/* The tree walk */

struct cfg_parse {
	const char *text;
	size_t len;
	const char *file;
	const struct mcp_config_opts *opts;
	struct mcp_err *err;
	struct cfg_seg path[CFG_MAX_PATH];
	size_t depth;
	bool failed;
};

static void
cfg_push_key(struct cfg_parse *c, const char *key)
{
	if (c->depth < CFG_MAX_PATH)
		c->path[c->depth] = (struct cfg_seg){ key, 0 };
	c->depth++;
}

static void
cfg_push_index(struct cfg_parse *c, int index)
{
	if (c->depth < CFG_MAX_PATH)
		c->path[c->depth] = (struct cfg_seg){ NULL, index };
	c->depth++;
}

static void
cfg_pop(struct cfg_parse *c)
{
	c->depth--;
}

/* The dotted name of the current path: mcpServers.fs.args[2]. */
static void
cfg_path_name(const struct cfg_parse *c, char *buf, size_t size)
{
	size_t i, n = 0;

	buf[0] = '\0';
	for (i = 0; i < c->depth && i < CFG_MAX_PATH && n < size; i++) {
		if (c->path[i].key != NULL)
			n += (size_t)snprintf(buf + n, size - n, "%s%s",
			    i > 0 ? "." : "", c->path[i].key);
		else
			n += (size_t)snprintf(buf + n, size - n, "[%d]",
			    c->path[i].index);
	}
	if (n == 0)
		snprintf(buf, size, "the top level");
}

/* An error about the value at the current path (or its key). */
static void cfg_fail(struct cfg_parse *, bool at_key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
cfg_fail(struct cfg_parse *c, bool at_key, const char *fmt, ...)
{
	struct cfg_scan s = { 0 };
	char what[200], where[120];
	va_list ap;
	int line, col;

	if (c->failed)
		return;
	c->failed = true;
	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	s.start = c->text;
	s.end = c->text + c->len;
	s.want = c->path;
	s.nwant = c->depth < CFG_MAX_PATH ? c->depth : CFG_MAX_PATH;
	s.want_key = at_key && s.nwant > 0;
	cfg_scan_all(&s);
	cfg_line_col(c->text, s.found != NULL ? s.found : c->text, &line, &col);
	cfg_path_name(c, where, sizeof where);
	mcp_err_set(c->err, MCP_INVALID_PARAMS, "%s:%d:%d: %s: %s", c->file,
	    line, col, where, what);
}

static const char *
cfg_getenv(const struct mcp_config_opts *o, const char *name)
{
	if (o != NULL && o->getenv != NULL)
		return o->getenv(o->arg, name);
	return getenv(name);
}

char *
mcp_config_expand(const char *in, const struct mcp_config_opts *o,
    struct mcp_err *err)
{
	size_t cap = strlen(in) + 1, n = 0;
	char *out = mcp_xmalloc(cap);
	const char *p = in;

#define CFG_PUT(src, k) do { \
	size_t k_ = (k); \
	if (n + k_ > MCP_CONFIG_MAX_STRING) \
		goto toolong; \
	while (n + k_ + 1 > cap) \
		out = mcp_xrealloc(out, cap *= 2); \
	memcpy(out + n, (src), k_); \
	n += k_; \
} while (0)

	while (*p != '\0') {
		const char *name, *close, *dflt = NULL, *val;
		size_t nlen;
		char var[128];

		if (p[0] != '$' || (p[1] != '{' && p[1] != '$')) {
			CFG_PUT(p, 1);
			p++;
			continue;
		}
		if (p[1] == '$') {
			CFG_PUT("$", 1);
			p += 2;
			continue;
		}
		name = p + 2;
		if ((close = strchr(name, '}')) == NULL) {
			mcp_err_set(err, MCP_INVALID_PARAMS, "unclosed ${: "
			    "expected '}' (write $$ for a plain $)");
			free(out);
			return NULL;
		}
		nlen = 0;
		while (name + nlen < close && (name[nlen] == '_' ||
		    (name[nlen] >= 'A' && name[nlen] <= 'Z') ||
		    (name[nlen] >= 'a' && name[nlen] <= 'z') ||
		    (nlen > 0 && name[nlen] >= '0' && name[nlen] <= '9')))
			nlen++;
		if (name + nlen < close && name[nlen] == ':' &&
		    name[nlen + 1] == '-')
			dflt = name + nlen + 2;
		if (nlen == 0 || nlen >= sizeof var ||
		    (dflt == NULL && name + nlen != close)) {
			mcp_err_set(err, MCP_INVALID_PARAMS, "bad variable "
			    "\"${%.*s}\": expected ${NAME} or ${NAME:-default} "
			    "with NAME of letters, digits and _",
			    (int)(close - name > 40 ? 40 : close - name), name);
			free(out);
			return NULL;
		}
		memcpy(var, name, nlen);
		var[nlen] = '\0';
		val = cfg_getenv(o, var);
		if (val != NULL && (val[0] != '\0' || dflt == NULL))
			CFG_PUT(val, strlen(val));
		else if (dflt != NULL)
			CFG_PUT(dflt, (size_t)(close - dflt));
		else {
			mcp_err_set(err, MCP_INVALID_PARAMS, "${%s} is not set: "
			    "set %s in the environment or write ${%s:-default}",
			    var, var, var);
			free(out);
			return NULL;
		}
		p = close + 1;
	}
	out[n] = '\0';
	return out;
toolong:
	mcp_err_set(err, MCP_INVALID_PARAMS, "longer than 64 KiB once "
	    "variables are expanded");
	free(out);
	return NULL;
#undef CFG_PUT
}

/* Typed getters at the current path. */

static const cJSON *
cfg_member(struct cfg_parse *c, const cJSON *obj, const char *key)
{
	(void)c;
	return cJSON_GetObjectItemCaseSensitive(obj, key);
}

static const char *
cfg_type_name(const cJSON *v)
{
	return mcp_json_type_name(v);
}

/*
 * obj.key as an object of what (for the error). 0: absent; 1: *out is it
 * and *n its member count, with key pushed on the path (the caller pops);
 * -1: not an object, failed and nothing pushed.
 */
static int
cfg_object(struct cfg_parse *c, const cJSON *obj, const char *key,
    const char *what, const cJSON **out, size_t *n)
{
	const cJSON *v = cfg_member(c, obj, key), *item;

	if (v == NULL)
		return 0;
	cfg_push_key(c, key);
	if (!cJSON_IsObject(v)) {
		cfg_fail(c, false, "expected an object of %s, got %s", what,
		    cfg_type_name(v));
		cfg_pop(c);
		return -1;
	}
	*n = 0;
	cJSON_ArrayForEach(item, v)
		(*n)++;
	*out = v;
	return 1;
}

/* The string at obj.key, expanded (NULL if absent or on error). */
static char *
cfg_string(struct cfg_parse *c, const cJSON *obj, const char *key,
    bool expand)
{
	const cJSON *v = cfg_member(c, obj, key);
	struct mcp_err e = { 0, "" };
	char *s;

	if (v == NULL)
		return NULL;
	cfg_push_key(c, key);
	if (!cJSON_IsString(v)) {
		cfg_fail(c, false, "expected a string, got %s",
		    cfg_type_name(v));
		cfg_pop(c);
		return NULL;
	}
	if (!expand) {
		cfg_pop(c);
		return mcp_xstrdup(v->valuestring);
	}
	if ((s = mcp_config_expand(v->valuestring, c->opts, &e)) == NULL)
		cfg_fail(c, false, "%s", e.msg);
	cfg_pop(c);
	return s;
}

static char **
cfg_strv_new(size_t n)
{
	return mcp_xcalloc(n + 1, sizeof(char *));
}

static void
cfg_strv_free(char **v)
{
	size_t i;

	if (v == NULL)
		return;
	for (i = 0; v[i] != NULL; i++)
		free(v[i]);
	free(v);
}

/* An object of string values (env, headers) as "KsepV" strings. */
static char **
cfg_pairs(struct cfg_parse *c, const cJSON *obj, const char *key,
    const char *sep, bool header)
{
	const cJSON *v, *item;
	size_t n = 0, i = 0;
	char **out;
	int has;

	if ((has = cfg_object(c, obj, key, "names and string values", &v,
	    &n)) <= 0)
		return has == 0 ? cfg_strv_new(0) : NULL;
	out = cfg_strv_new(n);
	cJSON_ArrayForEach(item, v) {
		struct mcp_err e = { 0, "" };
		const char *k = item->string, *q;
		char *val;

		cfg_push_key(c, k);
		if (k[0] == '\0' || (!header && strchr(k, '=') != NULL)) {
			cfg_fail(c, true, "bad variable name: expected a "
			    "non-empty name without '='");
			goto fail;
		}
		if (header) {
			for (q = k; *q != '\0'; q++) {
				if (*q <= ' ' || *q == ':' || *q == 0x7f ||
				    (unsigned char)*q >= 0x80)
					break;
			}
			if (*q != '\0') {
				cfg_fail(c, true, "bad header name: expected "
				    "letters, digits and - without spaces or "
				    "':'");
				goto fail;
			}
		}
		if (!cJSON_IsString(item)) {
			cfg_fail(c, false, "expected a string, got %s",
			    cfg_type_name(item));
			goto fail;
		}
		if ((val = mcp_config_expand(item->valuestring, c->opts,
		    &e)) == NULL) {
			cfg_fail(c, false, "%s", e.msg);
			goto fail;
		}
		if (header && strpbrk(val, "\r\n") != NULL) {
			free(val);
			cfg_fail(c, false, "a header value cannot hold a line "
			    "break");
			goto fail;
		}
		out[i++] = mcp_xprintf("%s%s%s", k, sep, val);
		free(val);
		cfg_pop(c);
	}
	cfg_pop(c);
	return out;
fail:
	cfg_pop(c);
	cfg_pop(c);
	cfg_strv_free(out);
	return NULL;
}

/* An integer in [lo, hi] at obj.key into *out; absent leaves *out. */
static int
cfg_int(struct cfg_parse *c, const cJSON *obj, const char *key, int lo,
    int hi, int *out)
{
	const cJSON *v = cfg_member(c, obj, key);

	if (v == NULL)
		return 0;
	cfg_push_key(c, key);
	if (!mcp_json_is_integer(v) || v->valuedouble < lo ||
	    v->valuedouble > hi) {
		if (cJSON_IsNumber(v))
			cfg_fail(c, false, "expected a whole number from %d to "
			    "%d, got %g", lo, hi, v->valuedouble);
		else
			cfg_fail(c, false, "expected a whole number from %d to "
			    "%d, got %s", lo, hi, cfg_type_name(v));
		cfg_pop(c);
		return -1;
	}
	*out = (int)v->valuedouble;
	cfg_pop(c);
	return 0;
}

static int
cfg_bool(struct cfg_parse *c, const cJSON *obj, const char *key, bool *out)
{
	const cJSON *v = cfg_member(c, obj, key);

	if (v == NULL)
		return 0;
	cfg_push_key(c, key);
	if (!cJSON_IsBool(v)) {
		cfg_fail(c, false, "expected true or false, got %s",
		    cfg_type_name(v));
		cfg_pop(c);
		return -1;
	}
	*out = cJSON_IsTrue(v);
	cfg_pop(c);
	return 0;
}

static void
cfg_rule_clear(struct mcp_config_rule *r)
{
	size_t i;

	free(r->tool);
	for (i = 0; i < r->nlimits; i++)
		free(r->limits[i].arg);
	free(r->limits);
}

/* "approve": {"tool": "auto" | "ask" | {"auto": bool, "ask": bool,
 * "askAbove": {"arg": number}}} */
static int
cfg_rule(struct cfg_parse *c, const cJSON *v, struct mcp_config_rule *r)
{
	const cJSON *above, *item;
	size_t n = 0;
	int k;

	r->tool = mcp_xstrdup(v->string);
	cfg_push_key(c, v->string);
	if (v->string[0] == '\0') {
		cfg_fail(c, true, "expected a tool name or \"*\"");
		goto fail;
	}
	if (cJSON_IsString(v)) {
		if (strcmp(v->valuestring, "auto") == 0)
			r->auto_approve = true;
		else if (strcmp(v->valuestring, "ask") == 0)
			r->ask = true;
		else {
			cfg_fail(c, false, "expected \"auto\" or \"ask\", got "
			    "\"%.40s\"", v->valuestring);
			goto fail;
		}
		cfg_pop(c);
		return 0;
	}
	if (!cJSON_IsObject(v)) {
		cfg_fail(c, false, "expected \"auto\", \"ask\" or an object "
		    "with \"auto\", \"ask\" and \"askAbove\", got %s",
		    cfg_type_name(v));
		goto fail;
	}
	cJSON_ArrayForEach(item, v) {
		if (strcmp(item->string, "auto") != 0 &&
		    strcmp(item->string, "ask") != 0 &&
		    strcmp(item->string, "askAbove") != 0) {
			cfg_push_key(c, item->string);
			cfg_fail(c, true, "unknown rule key: expected \"auto\", "
			    "\"ask\" or \"askAbove\"");
			cfg_pop(c);
			goto fail;
		}
	}
	if (cfg_bool(c, v, "auto", &r->auto_approve) != 0 ||
	    cfg_bool(c, v, "ask", &r->ask) != 0)
		goto fail;
	if ((k = cfg_object(c, v, "askAbove", "argument names and numbers",
	    &above, &n)) < 0)
		goto fail;
	if (k > 0) {
		r->limits = mcp_xcalloc(n + 1, sizeof *r->limits);
		cJSON_ArrayForEach(item, above) {
			if (!cJSON_IsNumber(item)) {
				cfg_push_key(c, item->string);
				cfg_fail(c, false, "expected a number, got %s",
				    cfg_type_name(item));
				cfg_pop(c);
				cfg_pop(c);
				goto fail;
			}
			r->limits[r->nlimits].arg = mcp_xstrdup(item->string);
			r->limits[r->nlimits++].above = item->valuedouble;
		}
		cfg_pop(c);
	}
	cfg_pop(c);
	return 0;
fail:
	cfg_pop(c);
	return -1;
}

/* Up to 60 bytes of s for an error message, control characters as '?'. */
static void
cfg_quote(char *out, size_t size, const char *s)
{
	size_t i;

	for (i = 0; i + 1 < size && i < 60 && s[i] != '\0'; i++)
		out[i] = (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? '?' :
		    s[i];
	out[i] = '\0';
}

/* One root, expanded: a file:/// URI kept as it is (checked), or an
 * absolute path made one (percent-encoded). NULL after cfg_fail. */
static char *
cfg_root(struct cfg_parse *c, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	char shown[64], *uri, *o;
	const char *p;

	cfg_quote(shown, sizeof shown, s);
	if (strncmp(s, "file://", 7) == 0 && s[7] == '/') {
		for (p = s + 7; *p != '\0'; p++) {
			unsigned char ch = (unsigned char)*p;

			if (ch <= ' ' || ch >= 0x7f || *p == '?' || *p == '#' ||
			    (*p == '%' && (!isxdigit((unsigned char)p[1]) ||
			    !isxdigit((unsigned char)p[2])))) {
				cfg_fail(c, false, "bad file URI \"%s\": write "
				    "spaces, non-ASCII and control characters, "
				    "? and # as %%XX (or give the path)", shown);
				return NULL;
			}
		}
		return mcp_xstrdup(s);
	}
	if (s[0] != '/') {
		cfg_fail(c, false, "expected an absolute path or a file:/// "
		    "URI, got \"%s\"", shown);
		return NULL;
	}
	for (p = s; *p != '\0'; p++) {
		if ((unsigned char)*p < 0x20 || *p == 0x7f) {
			cfg_fail(c, false, "a root path cannot hold control "
			    "characters");
			return NULL;
		}
	}
	uri = mcp_xmalloc(strlen(s) * 3 + 8);
	o = uri + sprintf(uri, "file://");
	for (p = s; *p != '\0'; p++) {
		unsigned char ch = (unsigned char)*p;

		if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    (ch >= '0' && ch <= '9') || strchr("-._~/", ch) != NULL)
			*o++ = (char)ch;
		else {
			*o++ = '%';
			*o++ = hex[ch >> 4];
			*o++ = hex[ch & 15];
		}
	}
	*o = '\0';
	return uri;
}

/* "roots": ["/path", "file:///path", ...] */
static int
cfg_roots(struct cfg_parse *c, const cJSON *t, struct mcp_config_server *s)
{
	const cJSON *v = cfg_member(c, t, "roots"), *item;
	int n, i = 0;

	if (v == NULL)
		return 0;
	cfg_push_key(c, "roots");
	if (!cJSON_IsArray(v)) {
		cfg_fail(c, false, "expected an array of absolute paths or "
		    "file:/// URIs, got %s", cfg_type_name(v));
		goto fail;
	}
	if ((n = cJSON_GetArraySize(v)) > MCP_CONFIG_MAX_ROOTS) {
		cfg_fail(c, false, "more than %d roots", MCP_CONFIG_MAX_ROOTS);
		goto fail;
	}
	s->roots = cfg_strv_new((size_t)n);
	cJSON_ArrayForEach(item, v) {
		struct mcp_err e = { 0, "" };
		char *x;

		cfg_push_index(c, i++);
		if (!cJSON_IsString(item))
			cfg_fail(c, false, "expected a string, got %s",
			    cfg_type_name(item));
		else if ((x = mcp_config_expand(item->valuestring, c->opts,
		    &e)) == NULL)
			cfg_fail(c, false, "%s", e.msg);
		else {
			s->roots[s->nroots] = cfg_root(c, x);
			free(x);
			if (s->roots[s->nroots] != NULL)
				s->nroots++;
		}
		cfg_pop(c);
		if (c->failed)
			goto fail;
	}
	cfg_pop(c);
	return 0;
fail:
	cfg_pop(c);
	return -1;
}

static int
cfg_tripmcp(struct cfg_parse *c, const cJSON *srv, struct mcp_config_server *s)
{
	static const char *const keys[] = { "timeoutMs", "maxTimeoutMs",
	    "startTimeoutMs", "disabled", "approve", "roots", NULL };
	const cJSON *t = cfg_member(c, srv, "tripmcp"), *item, *approve;
	size_t i, n = 0;
	int k;

	if (t == NULL)
		return 0;
	cfg_push_key(c, "tripmcp");
	if (!cJSON_IsObject(t)) {
		cfg_fail(c, false, "expected an object, got %s",
		    cfg_type_name(t));
		goto fail;
	}
	/* Our own keys: a typo is an error, not silence. */
	cJSON_ArrayForEach(item, t) {
		for (i = 0; keys[i] != NULL; i++) {
			if (strcmp(item->string, keys[i]) == 0)
				break;
		}
		if (keys[i] == NULL) {
			cfg_push_key(c, item->string);
			cfg_fail(c, true, "unknown key: expected timeoutMs, "
			    "maxTimeoutMs, startTimeoutMs, disabled, approve or "
			    "roots");
			cfg_pop(c);
			goto fail;
		}
	}
	if (cfg_int(c, t, "timeoutMs", 1, 86400000, &s->timeout_ms) != 0 ||
	    cfg_int(c, t, "maxTimeoutMs", 1, 86400000, &s->max_timeout_ms) != 0 ||
	    cfg_int(c, t, "startTimeoutMs", 1, 600000,
	    &s->start_timeout_ms) != 0 ||
	    cfg_bool(c, t, "disabled", &s->disabled) != 0 ||
	    cfg_roots(c, t, s) != 0)
		goto fail;
	if (s->max_timeout_ms != 0 && s->timeout_ms > s->max_timeout_ms) {
		cfg_push_key(c, "maxTimeoutMs");
		cfg_fail(c, false, "expected at least timeoutMs (%d)",
		    s->timeout_ms);
		cfg_pop(c);
		goto fail;
	}
	if ((k = cfg_object(c, t, "approve", "tool names and rules", &approve,
	    &n)) < 0)
		goto fail;
	if (k > 0) {
		s->rules = mcp_xcalloc(n + 1, sizeof *s->rules);
		cJSON_ArrayForEach(item, approve) {
			if (cfg_rule(c, item, &s->rules[s->nrules++]) != 0) {
				cfg_pop(c);
				goto fail;
			}
		}
		cfg_pop(c);
	}
	cfg_pop(c);
	return 0;
fail:
	cfg_pop(c);
	return -1;
}

static bool
cfg_name_ok(const char *name)
{
	size_t n = strlen(name);
	const char *p;

	if (n == 0 || n > MCP_CONFIG_MAX_NAME)
		return false;
	for (p = name; *p != '\0'; p++) {
		if ((unsigned char)*p < 0x20 || *p == '/' || *p == 0x7f)
			return false;
	}
	return true;
}

static void
cfg_server_clear(struct mcp_config_server *s)
{
	size_t i;

	free(s->name);
	cfg_strv_free(s->argv);
	cfg_strv_free(s->env);
	free(s->cwd);
	free(s->url);
	cfg_strv_free(s->headers);
	cfg_strv_free(s->roots);
	for (i = 0; i < s->nrules; i++)
		cfg_rule_clear(&s->rules[i]);
	free(s->rules);
	memset(s, 0, sizeof *s);
}

static int
cfg_server(struct cfg_parse *c, const cJSON *v, struct mcp_config_server *s)
{
	const cJSON *type, *args, *item;
	char *command = NULL;
	size_t i, n;

	s->name = mcp_xstrdup(v->string);
	cfg_push_key(c, v->string);
	if (!cfg_name_ok(v->string)) {
		cfg_fail(c, true, "bad server name: expected 1 to %d "
		    "characters without '/' or control characters",
		    MCP_CONFIG_MAX_NAME);
		goto fail;
	}
	if (!cJSON_IsObject(v)) {
		cfg_fail(c, false, "expected an object with \"command\" or "
		    "\"url\", got %s", cfg_type_name(v));
		goto fail;
	}
	type = cfg_member(c, v, "type");
	if (type != NULL) {
		cfg_push_key(c, "type");
		if (!cJSON_IsString(type)) {
			cfg_fail(c, false, "expected a string, got %s",
			    cfg_type_name(type));
			cfg_pop(c);
			goto fail;
		}
		if (strcmp(type->valuestring, "stdio") == 0)
			s->transport = MCP_CONFIG_STDIO;
		else if (strcmp(type->valuestring, "http") == 0 ||
		    strcmp(type->valuestring, "streamable-http") == 0 ||
		    strcmp(type->valuestring, "streamableHttp") == 0 ||
		    strcmp(type->valuestring, "streamable_http") == 0)
			s->transport = MCP_CONFIG_HTTP;
		else if (strcmp(type->valuestring, "sse") == 0)
			s->transport = MCP_CONFIG_SSE;
		else {
			cfg_fail(c, false, "unknown type \"%.40s\": expected "
			    "\"stdio\", \"http\" (or \"streamable-http\") or "
			    "\"sse\"", type->valuestring);
			cfg_pop(c);
			goto fail;
		}
		cfg_pop(c);
	} else if (cfg_member(c, v, "url") != NULL) {
		if (cfg_member(c, v, "command") != NULL) {
			cfg_fail(c, false, "both \"command\" and \"url\": add "
			    "\"type\": \"stdio\" or \"type\": \"http\"");
			goto fail;
		}
		s->transport = MCP_CONFIG_HTTP;
	} else
		s->transport = MCP_CONFIG_STDIO;

	if (cfg_bool(c, v, "disabled", &s->disabled) != 0 ||
	    cfg_tripmcp(c, v, s) != 0)
		goto fail;

	if (s->transport == MCP_CONFIG_STDIO) {
		if (cfg_member(c, v, "command") == NULL) {
			cfg_fail(c, false, "missing \"command\": expected the "
			    "program to start (or \"url\" for a remote "
			    "server)");
			goto fail;
		}
		if ((command = cfg_string(c, v, "command", true)) == NULL)
			goto fail;
		if (command[0] == '\0') {
			cfg_push_key(c, "command");
			cfg_fail(c, false, "empty command: expected a program "
			    "name or path");
			cfg_pop(c);
			goto fail;
		}
		args = cfg_member(c, v, "args");
		n = 0;
		if (args != NULL) {
			cfg_push_key(c, "args");
			if (!cJSON_IsArray(args)) {
				cfg_fail(c, false, "expected an array of "
				    "strings, got %s", cfg_type_name(args));
				cfg_pop(c);
				goto fail;
			}
			n = (size_t)cJSON_GetArraySize(args);
			cfg_pop(c);
		}
		s->argv = cfg_strv_new(n + 1);
		s->argv[0] = command;
		command = NULL;
		s->argc = 1;
		i = 0;
		cJSON_ArrayForEach(item, args) {
			struct mcp_err e = { 0, "" };

			cfg_push_key(c, "args");
			cfg_push_index(c, (int)i++);
			if (!cJSON_IsString(item))
				cfg_fail(c, false, "expected a string, got %s",
				    cfg_type_name(item));
			else if ((s->argv[s->argc] = mcp_config_expand(
			    item->valuestring, c->opts, &e)) == NULL)
				cfg_fail(c, false, "%s", e.msg);
			else
				s->argc++;
			cfg_pop(c);
			cfg_pop(c);
			if (c->failed)
				goto fail;
		}
		if (cfg_member(c, v, "cwd") != NULL &&
		    (s->cwd = cfg_string(c, v, "cwd", true)) == NULL)
			goto fail;
		if ((s->env = cfg_pairs(c, v, "env", "=", false)) == NULL)
			goto fail;
		s->headers = cfg_strv_new(0);
	} else {
		if (cfg_member(c, v, "url") == NULL) {
			cfg_fail(c, false, "missing \"url\": expected the "
			    "server's http:// or https:// address");
			goto fail;
		}
		if ((s->url = cfg_string(c, v, "url", true)) == NULL)
			goto fail;
		if (strncmp(s->url, "http://", 7) != 0 &&
		    strncmp(s->url, "https://", 8) != 0) {
			cfg_push_key(c, "url");
			cfg_fail(c, false, "expected an http:// or https:// "
			    "address, got \"%.60s\"", s->url);
			cfg_pop(c);
			goto fail;
		}
		if ((s->headers = cfg_pairs(c, v, "headers", ": ", true)) ==
		    NULL)
			goto fail;
		s->env = cfg_strv_new(0);
	}
	cfg_pop(c);
	return 0;
fail:
	free(command);
	cfg_pop(c);
	return -1;
}

void
mcp_config_free(struct mcp_config *cfg)
{
	size_t i;

	if (cfg == NULL)
		return;
	for (i = 0; i < cfg->count; i++)
		cfg_server_clear(&cfg->servers[i]);
	free(cfg->servers);
	free(cfg);
}

struct mcp_config *
mcp_config_parse(const char *text, size_t len, const char *file,
    const struct mcp_config_opts *opts, struct mcp_err *err)
{
	struct cfg_parse c = { 0 };
	struct cfg_scan s = { 0 };
	struct mcp_config *cfg;
	const cJSON *servers, *item, *other;
	const char *key = "mcpServers", *end = NULL;
	cJSON *root;
	size_t n = 0;
	int line, col;

	if (file == NULL)
		file = "config";
	if (len > MCP_CONFIG_MAX_BYTES) {
		mcp_err_set(err, MCP_INVALID_PARAMS, "%s: larger than 1 MiB "
		    "(%zu bytes): expected a configuration file", file, len);
		return NULL;
	}
	s.start = text;
	s.end = text + len;
	if (cfg_scan_all(&s) != 0) {
		cfg_line_col(text, s.err_at, &line, &col);
		mcp_err_set(err, MCP_INVALID_PARAMS, "%s:%d:%d: %s", file, line,
		    col, s.err);
		return NULL;
	}
	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0) {
		text += 3;
		len -= 3;
	}
	root = cJSON_ParseWithLengthOpts(text, len, &end, false);
	if (root == NULL) {
		/* Our scanner accepted it; cJSON should too. */
		cfg_line_col(text, end != NULL ? end : text, &line, &col);
		mcp_err_set(err, MCP_INVALID_PARAMS, "%s:%d:%d: the JSON "
		    "parser refused the text here", file, line, col);
		return NULL;
	}
	c.text = text;
	c.len = len;
	c.file = file;
	c.opts = opts;
	c.err = err;
	if (!cJSON_IsObject(root)) {
		cfg_fail(&c, false, "expected an object with \"mcpServers\", "
		    "got %s", cfg_type_name(root));
		cJSON_Delete(root);
		return NULL;
	}
	servers = cJSON_GetObjectItemCaseSensitive(root, key);
	if (servers == NULL) {
		/* VS Code's .vscode/mcp.json names it "servers". */
		key = "servers";
		servers = cJSON_GetObjectItemCaseSensitive(root, key);
	}
	if (servers == NULL) {
		cfg_fail(&c, false, "missing \"mcpServers\": expected "
		    "{\"mcpServers\": {\"name\": {\"command\": ...}}}");
		cJSON_Delete(root);
		return NULL;
	}
	cfg_push_key(&c, key);
	if (!cJSON_IsObject(servers)) {
		cfg_fail(&c, false, "expected an object of server names and "
		    "settings, got %s", cfg_type_name(servers));
		cJSON_Delete(root);
		return NULL;
	}
	cJSON_ArrayForEach(item, servers) {
		for (other = servers->child; other != item;
		    other = other->next) {
			if (strcmp(other->string, item->string) == 0)
				break;
		}
		if (other != item) {
			/* Point at the second one: scan for its index. */
			cfg_push_key(&c, item->string);
			c.path[c.depth - 1].index = 1;
			cfg_fail(&c, true, "duplicate server name: each name "
			    "may appear once");
			cfg_pop(&c);
			cJSON_Delete(root);
			return NULL;
		}
		n++;
	}
	if (n > MCP_CONFIG_MAX_SERVERS) {
		cfg_fail(&c, false, "%zu servers: at most %d are allowed", n,
		    MCP_CONFIG_MAX_SERVERS);
		cJSON_Delete(root);
		return NULL;
	}
	cfg = mcp_xcalloc(1, sizeof *cfg);
	cfg->servers = mcp_xcalloc(n + 1, sizeof *cfg->servers);
	cJSON_ArrayForEach(item, servers) {
		if (cfg_server(&c, item, &cfg->servers[cfg->count++]) != 0) {
			mcp_config_free(cfg);
			cJSON_Delete(root);
			return NULL;
		}
	}
	cJSON_Delete(root);
	return cfg;
}

struct mcp_config *
mcp_config_load(const char *path, const struct mcp_config_opts *opts,
    struct mcp_err *err)
{
	struct mcp_config *cfg;
	struct stat st;
	char *buf;
	size_t n = 0;
	ssize_t r;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		mcp_err_set(err, MCP_INVALID_PARAMS, "%s: cannot open: %s",
		    path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		mcp_err_set(err, MCP_INVALID_PARAMS, "%s: not a regular file: "
		    "expected a JSON configuration file", path);
		close(fd);
		return NULL;
	}
	buf = mcp_xmalloc(MCP_CONFIG_MAX_BYTES + 1);
	while (n <= MCP_CONFIG_MAX_BYTES) {
		r = read(fd, buf + n, MCP_CONFIG_MAX_BYTES + 1 - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			mcp_err_set(err, MCP_INVALID_PARAMS, "%s: cannot read: "
			    "%s", path, strerror(errno));
			close(fd);
			free(buf);
			return NULL;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	cfg = mcp_config_parse(buf, n, path, opts, err);
	free(buf);
	return cfg;
}

size_t
mcp_config_count(const struct mcp_config *cfg)
{
	return cfg->count;
}

const struct mcp_config_server *
mcp_config_server(const struct mcp_config *cfg, size_t i)
{
	return i < cfg->count ? &cfg->servers[i] : NULL;
}

const struct mcp_config_server *
mcp_config_find(const struct mcp_config *cfg, const char *name)
{
	size_t i;

	for (i = 0; i < cfg->count; i++) {
		if (strcmp(cfg->servers[i].name, name) == 0)
			return &cfg->servers[i];
	}
	return NULL;
}

const struct mcp_config_rule *
mcp_config_rule(const struct mcp_config_server *s, const char *tool)
{
	const struct mcp_config_rule *any = NULL;
	size_t i;

	for (i = 0; i < s->nrules; i++) {
		if (strcmp(s->rules[i].tool, tool) == 0)
			return &s->rules[i];
		if (strcmp(s->rules[i].tool, "*") == 0)
			any = &s->rules[i];
	}
	return any;
}
