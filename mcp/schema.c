/*
 * JSON Schema checking for tool arguments and outputs: compiles the 2020-12 /
 * draft-07 subset MCP servers use into a graph of nodes, then walks values.
 */

#include <sys/types.h>

#include <locale.h>
#include <math.h>
#include <regex.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schema.h"

/*
 * Ceilings. Schemas come from remote servers and values from models, so
 * every walk is bounded: nesting, $ref chains, total steps and pattern size.
 */
#define SCHEMA_MAX_JSON_DEPTH	256	/* nesting of the schema document */
#define SCHEMA_MAX_REF_DEPTH	64	/* $refs followed on one path */
#define SCHEMA_MAX_DEPTH	200	/* nested checks on one path */
#define SCHEMA_MAX_EQUAL_DEPTH	1000	/* cJSON's own parse limit */
#define SCHEMA_MIN_STEPS	1000000UL
#define SCHEMA_STEPS_PER_VALUE	32UL	/* extra budget per value node */
#define SCHEMA_STEPS_PER_BYTE	16UL	/* and per byte of strings */
#define SCHEMA_STEPS_PER_REGEX	4	/* per byte per pattern position */
#define PATTERN_MAX_LEN		4096
#define PATTERN_MAX_WEIGHT	20000	/* regex nodes after expanding {n,m} */
#define SCHEMA_MAX_PATTERN_NODES 100000	/* all patterns: ~0.5-1 KiB each */
#define PATTERN_MAX_GROUPS	64
#define PATTERN_MAX_REPEAT	255	/* _POSIX_RE_DUP_MAX */
#define PATH_SIZE		4096
#define PATH_SHOWN		200	/* longest path printed, middle cut */
#define PTR_SIZE		256
#define SNIP_SIZE		64	/* longest value quoted in a message */
#define LIST_MAX		10	/* enum values or names listed */
#define ENUM_INDEX_MIN		16	/* enums this long get a hash index */

enum {
	TY_NULL = 0x01,
	TY_BOOLEAN = 0x02,
	TY_OBJECT = 0x04,
	TY_ARRAY = 0x08,
	TY_NUMBER = 0x10,
	TY_INTEGER = 0x20,
	TY_STRING = 0x40
};

static const struct {
	const char *name;
	unsigned bit;
} type_names[] = {
	{ "object", TY_OBJECT },
	{ "array", TY_ARRAY },
	{ "string", TY_STRING },
	{ "integer", TY_INTEGER },
	{ "number", TY_NUMBER },
	{ "boolean", TY_BOOLEAN },
	{ "null", TY_NULL },
};

enum dialect {
	DIALECT_2020_12,
	DIALECT_2019_09,
	DIALECT_DRAFT_07,
	DIALECT_DRAFT_06,
	DIALECT_DRAFT_04
};

static const struct {
	const char *uri;
	enum dialect dialect;
} dialects[] = {
	{ "json-schema.org/draft/2020-12/schema", DIALECT_2020_12 },
	{ "json-schema.org/draft/2019-09/schema", DIALECT_2019_09 },
	{ "json-schema.org/draft-07/schema", DIALECT_DRAFT_07 },
	{ "json-schema.org/draft-06/schema", DIALECT_DRAFT_06 },
	{ "json-schema.org/draft-04/schema", DIALECT_DRAFT_04 },
};

enum format {
	FMT_NONE,
	FMT_DATE,
	FMT_DATE_TIME,
	FMT_TIME,
	FMT_EMAIL,
	FMT_URI,
	FMT_UUID
};

static const struct {
	const char *name;
	enum format format;
	const char *expected;
} formats[] = {
	{ "date", FMT_DATE, "a date (YYYY-MM-DD)" },
	{ "date-time", FMT_DATE_TIME,
	    "a date-time (RFC 3339, e.g. 2024-05-01T09:30:00Z)" },
	{ "time", FMT_TIME,
	    "a time (hh:mm:ss with Z or +hh:mm offset, e.g. 09:30:00Z)" },
	{ "email", FMT_EMAIL, "an email address" },
	{ "uri", FMT_URI, "a URI with a scheme (e.g. https://example.com)" },
	{ "uuid", FMT_UUID, "a UUID (8-4-4-4-12 hex digits)" },
};

/* Why a check failed; anyOf and oneOf merge alternatives of one kind. */
enum fail_kind {
	FAIL_OTHER,
	FAIL_TYPE,
	FAIL_ENUM
};

/*
 * How a pattern searches. glibc retries an unanchored search at every
 * offset, which is quadratic, so patterns are wrapped as "^.*(p)" and match
 * in one pass. A '^' inside would then also match after a newline, so
 * patterns with one stay as they are: linear when they start with it,
 * charged as quadratic otherwise.
 */
enum search {
	SEARCH_WRAPPED,
	SEARCH_ANCHORED,
	SEARCH_QUADRATIC
};

struct pattern {
	regex_t		 re;
	char		*source;
	size_t		 nodes;		/* once {n,m} is expanded */
	size_t		 cost;		/* character positions */
	enum search	 search;
	locale_t	 loc;		/* the schema's C locale, or 0 */
};

struct prop {
	const char	*name;
	struct node	*schema;
};

struct pprop {
	struct pattern	*pattern;
	struct node	*schema;
};

/* dependentRequired, dependentSchemas and draft-07 dependencies. */
struct dep {
	const char	*name;
	const cJSON	*required;	/* array of names, or NULL */
	struct node	*schema;	/* or NULL */
};

struct nodelist {
	struct node	**v;
	size_t		  n;
};

struct node {
	const cJSON	*json;		/* in the schema's own copy */
	int		 boolean;	/* -1 for an object schema */

	unsigned	 types;		/* 0 means any */
	const char	*ref;
	char		*ref_where;	/* where the $ref is, for errors */
	struct node	*ref_target;
	const char	*anchor;
	const cJSON	*constv;
	const cJSON	*enumv;
	uint64_t	*enum_index;	/* { hash, position } pairs, sorted */
	const cJSON	**enum_items;	/* by position */
	size_t		 enum_count;

	int		 has_min, has_max, has_xmin, has_xmax, has_multiple;
	double		 minimum, maximum, xminimum, xmaximum, multiple_of;

	long long	 min_length, max_length;	/* -1 when absent */
	struct pattern	*pattern;
	enum format	 format;

	struct nodelist	 prefix;
	struct node	*items;
	long long	 min_items, max_items;
	int		 unique;
	struct node	*contains;
	long long	 min_contains, max_contains;

	struct prop	*props;		/* sorted by name */
	size_t		 nprops;
	struct pprop	*pprops;
	size_t		 npprops;
	const cJSON	*required;
	struct node	*additional;
	struct node	*property_names;
	struct dep	*deps;
	size_t		 ndeps;
	long long	 min_props, max_props;

	struct nodelist	 all_of, any_of, one_of;
	struct node	*not_schema, *if_schema, *then_schema, *else_schema;
};

/* Maps a schema's cJSON item to its compiled node, so each compiles once. */
struct nodemap {
	const cJSON	**keys;
	struct node	**vals;
	size_t		  cap;
	size_t		  n;
};

struct mcp_schema {
	cJSON		*doc;
	struct node	*root;
	char		*base;		/* root $id without fragment, or NULL */

	struct node	**nodes;	/* all nodes, for freeing */
	size_t		  nnodes, nodes_cap;
	struct nodemap	  map;

	struct node	**refs;		/* nodes whose $ref awaits resolving */
	size_t		  nrefs, refs_cap;
	struct node	**anchors;
	size_t		  nanchors, anchors_cap;

	/* Patterns are byte-level UTF-8, so they run in the C locale. */
	locale_t	  c_locale;
	int		  c_locale_tried;
	size_t		  pattern_nodes;	/* all patterns, for memory */
};

struct cctx {
	struct mcp_schema *s;
	char		*err;
	size_t		 errlen;
	int		 failed;
	enum dialect	 dialect;
	char		 ptr[PTR_SIZE];	/* JSON pointer being compiled */
	size_t		 ptrlen;
};

struct vctx {
	char		*err;		/* NULL while only trying (anyOf) */
	size_t		 errlen;
	char		 path[PATH_SIZE];
	size_t		 pathlen;

	enum fail_kind	 fail_kind;
	unsigned	 fail_types;
	size_t		 fail_depth;	/* pathlen where the failure was */

	unsigned long	 steps, max_steps;
	int		 depth, refdepth;
	int		 aborted;	/* a limit was hit: this is final */
	char		 abort_msg[PATH_SHOWN + 384];
};

static int	check(struct vctx *, const struct node *, const cJSON *);
static struct node *compile_node(struct cctx *, const cJSON *);

/* Memory. */

static void *
xmalloc(size_t size)
{
	void	*p;

	if (size == 0)
		size = 1;
	if ((p = malloc(size)) == NULL) {
		fprintf(stderr, "schema: out of memory allocating %zu bytes\n",
		    size);
		abort();
	}
	return p;
}

static void *
xcalloc(size_t n, size_t size)
{
	void	*p;

	if (n == 0 || size == 0)
		n = size = 1;
	if ((p = calloc(n, size)) == NULL) {
		fprintf(stderr, "schema: out of memory allocating %zu * %zu "
		    "bytes\n", n, size);
		abort();
	}
	return p;
}

static void *
xreallocarray(void *old, size_t n, size_t size)
{
	void	*p;

	if (size != 0 && n > SIZE_MAX / size) {
		fprintf(stderr, "schema: array of %zu * %zu bytes too big\n",
		    n, size);
		abort();
	}
	if (n * size == 0)
		n = size = 1;
	if ((p = realloc(old, n * size)) == NULL) {
		fprintf(stderr, "schema: out of memory allocating %zu bytes\n",
		    n * size);
		abort();
	}
	return p;
}

static char *
xstrdup(const char *s)
{
	size_t	 len = strlen(s) + 1;

	return memcpy(xmalloc(len), s, len);
}

/* Growable strings, for translated patterns. */

struct strbuf {
	char	*p;
	size_t	 len, cap;
};

static void
sb_add(struct strbuf *b, const char *s, size_t n)
{
	if (n == 0 && b->p != NULL)
		return;
	if (b->len + n + 1 > b->cap) {
		while (b->len + n + 1 > b->cap)
			b->cap = b->cap ? b->cap * 2 : 64;
		b->p = xreallocarray(b->p, b->cap, 1);
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void
sb_addc(struct strbuf *b, char c)
{
	sb_add(b, &c, 1);
}

static void
sb_adds(struct strbuf *b, const char *s)
{
	sb_add(b, s, strlen(s));
}

/* Fixed buffers for messages: everything past the end is dropped. */

struct fbuf {
	char	*p;
	size_t	 cap, len;
	int	 full;
};

static void
fb_init(struct fbuf *b, char *p, size_t cap)
{
	b->p = p;
	b->cap = cap;
	b->len = 0;
	b->full = 0;
	if (cap > 0)
		p[0] = '\0';
}

static void
fb_add(struct fbuf *b, const char *s, size_t n)
{
	/* len may sit past cap when a cut path already ends in "...". */
	if (b->cap == 0 || b->len + 1 >= b->cap) {
		b->full = 1;
		return;
	}
	if (b->len + n >= b->cap) {
		n = b->cap - 1 - b->len;
		b->full = 1;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void
fb_adds(struct fbuf *b, const char *s)
{
	fb_add(b, s, strlen(s));
}

/* Length of the UTF-8 sequence starting s, at most max; 1 if malformed. */
static size_t
utf8_seqlen(const unsigned char *s, size_t max)
{
	size_t	 n, i;

	if (s[0] < 0xc0)
		n = 1;
	else if (s[0] < 0xe0)
		n = 2;
	else if (s[0] < 0xf0)
		n = 3;
	else if (s[0] < 0xf8)
		n = 4;
	else
		n = 1;
	if (n > max)
		return 1;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 1;
	}
	return n;
}

/*
 * Add s as one line of text: control characters escaped as in JSON, the
 * backslash and quote escaped, cut after limit bytes at a character boundary.
 */
static void
fb_text(struct fbuf *b, const char *s, char quote, size_t limit)
{
	const unsigned char	*u = (const unsigned char *)s;
	size_t			 used = 0, n;
	char			 esc[8];

	while (*u != '\0' && !b->full) {
		if (used >= limit) {
			fb_adds(b, "...");
			return;
		}
		if (*u < 0x20 || *u == 0x7f) {
			switch (*u) {
			case '\n':
				fb_adds(b, "\\n");
				break;
			case '\r':
				fb_adds(b, "\\r");
				break;
			case '\t':
				fb_adds(b, "\\t");
				break;
			default:
				snprintf(esc, sizeof esc, "\\u%04x", *u);
				fb_adds(b, esc);
				break;
			}
			used += 2;
			u++;
		} else if (*u == '\\' ||
		    (quote != '\0' && *u == (unsigned char)quote)) {
			esc[0] = '\\';
			esc[1] = (char)*u;
			fb_add(b, esc, 2);
			used += 2;
			u++;
		} else {
			n = utf8_seqlen(u, 4);
			fb_add(b, (const char *)u, n);
			used += n;
			u += n;
		}
	}
}

/* After a cut, end on a whole character and mark the cut with "...". */
static void
fb_finish(struct fbuf *b)
{
	size_t	 cut;

	if (!b->full || b->cap < 4)
		return;
	cut = b->len > 3 ? b->len - 3 : 0;
	while (cut > 0 && ((unsigned char)b->p[cut] & 0xc0) == 0x80)
		cut--;
	memcpy(b->p + cut, "...", 4);
	b->len = cut + 3;
}

/* Small ASCII helpers: <ctype.h> depends on the locale. */

static int
is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static int
is_alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int
is_alnum(int c)
{
	return is_alpha(c) || is_digit(c);
}

static int
hex_value(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static size_t
utf8_encode(unsigned long cp, char *out)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* Code points in s; a malformed byte counts as one. */
static size_t
utf8_count(const char *s)
{
	const unsigned char	*u = (const unsigned char *)s;
	size_t			 n = 0;

	for (; *u != '\0'; u++) {
		if ((*u & 0xc0) != 0x80)
			n++;
	}
	return n;
}

/* Numbers, without libm. */

static int
is_integral(double d)
{
	if (!isfinite(d))
		return 0;
	if (d >= 9007199254740992.0 || d <= -9007199254740992.0)
		return 1;
	return d == (double)(long long)d;
}

static int
is_multiple(double d, double m)
{
	double	 q, r, diff;

	if (!isfinite(d) || !isfinite(m) || m <= 0)
		return 0;
	q = d / m;
	/* 1e308 / 0.5 overflows, yet every integer is a multiple of 0.5. */
	if (!isfinite(q))
		return is_integral(d) && is_integral(1 / m);
	/* Too coarse to tell: every double this big is a whole number. */
	if (q >= 9007199254740992.0 || q <= -9007199254740992.0)
		return 1;
	r = (double)(long long)(q < 0 ? q - 0.5 : q + 0.5);
	diff = q - r;
	if (diff < 0)
		diff = -diff;
	/* 0.3 / 0.1 is 2.9999999999999996 in binary floating point. */
	return diff < 1e-9;
}

static const char *
fmt_number(double d, char *buf, size_t len)
{
	if (d == 0)
		snprintf(buf, len, "0");
	else if (is_integral(d) && d < 1e15 && d > -1e15)
		snprintf(buf, len, "%.0f", d);
	else if (!isfinite(d))
		snprintf(buf, len, "%s", d != d ? "NaN" : "Infinity");
	else {
		snprintf(buf, len, "%.15g", d);
		if (strtod(buf, NULL) != d)
			snprintf(buf, len, "%.17g", d);
	}
	return buf;
}

/* Values in messages. */

static void
fb_json(struct fbuf *b, const cJSON *v, int depth)
{
	const cJSON	*c;
	char		 num[32];

	if (b->full)
		return;
	switch (v->type & 0xff) {
	case cJSON_NULL:
		fb_adds(b, "null");
		break;
	case cJSON_False:
		fb_adds(b, "false");
		break;
	case cJSON_True:
		fb_adds(b, "true");
		break;
	case cJSON_Number:
		fb_adds(b, fmt_number(v->valuedouble, num, sizeof num));
		break;
	case cJSON_String:
	case cJSON_Raw:
		fb_adds(b, "\"");
		fb_text(b, v->valuestring != NULL ? v->valuestring : "", '"',
		    SNIP_SIZE - 8);
		fb_adds(b, "\"");
		break;
	case cJSON_Array:
	case cJSON_Object:
		fb_adds(b, (v->type & 0xff) == cJSON_Array ? "[" : "{");
		if (depth >= 8 && v->child != NULL) {
			fb_adds(b, "...");
			b->full = 1;
			return;
		}
		for (c = v->child; c != NULL && !b->full; c = c->next) {
			if (c != v->child)
				fb_adds(b, ",");
			if ((v->type & 0xff) == cJSON_Object) {
				fb_adds(b, "\"");
				fb_text(b, c->string != NULL ? c->string : "",
				    '"', SNIP_SIZE);
				fb_adds(b, "\":");
			}
			fb_json(b, c, depth + 1);
		}
		fb_adds(b, (v->type & 0xff) == cJSON_Array ? "]" : "}");
		break;
	default:
		fb_adds(b, "?");
		break;
	}
}

/* A value as short one-line JSON, in buf of at least SNIP_SIZE + 4 bytes. */
static const char *
snip(const cJSON *v, char *buf)
{
	struct fbuf	 b;

	fb_init(&b, buf, SNIP_SIZE + 4);
	fb_json(&b, v, 0);
	fb_finish(&b);
	return buf;
}

/* A string as it would read in JSON, quoted and short. */
static const char *
snip_str(const char *s, char *buf)
{
	struct fbuf	 b;

	fb_init(&b, buf, SNIP_SIZE + 4);
	fb_adds(&b, "\"");
	fb_text(&b, s, '"', SNIP_SIZE - 8);
	fb_adds(&b, "\"");
	fb_finish(&b);
	return buf;
}

/* A name or URI in single quotes, short, as messages quote them. */
static const char *
snip_name(const char *s, char *buf)
{
	struct fbuf	 b;

	fb_init(&b, buf, SNIP_SIZE + 4);
	fb_adds(&b, "'");
	fb_text(&b, s, '\'', SNIP_SIZE - 8);
	fb_adds(&b, "'");
	fb_finish(&b);
	return buf;
}

static unsigned
value_types(const cJSON *v)
{
	switch (v->type & 0xff) {
	case cJSON_NULL:
		return TY_NULL;
	case cJSON_False:
	case cJSON_True:
		return TY_BOOLEAN;
	case cJSON_Number:
		if (is_integral(v->valuedouble))
			return TY_NUMBER | TY_INTEGER;
		return TY_NUMBER;
	case cJSON_String:
		return v->valuestring != NULL ? TY_STRING : 0;
	case cJSON_Array:
		return TY_ARRAY;
	case cJSON_Object:
		return TY_OBJECT;
	}
	return 0;
}

/* "string \"abc\"", "integer 3", "object": what a value is, for messages. */
static const char *
describe(const cJSON *v, char *buf, size_t len)
{
	char	 s[SNIP_SIZE + 4];

	switch (v->type & 0xff) {
	case cJSON_NULL:
		snprintf(buf, len, "null");
		break;
	case cJSON_False:
	case cJSON_True:
		snprintf(buf, len, "boolean %s", snip(v, s));
		break;
	case cJSON_Number:
		snprintf(buf, len, "%s %s", is_integral(v->valuedouble) ?
		    "integer" : "number", snip(v, s));
		break;
	case cJSON_String:
		snprintf(buf, len, "string %s", snip(v, s));
		break;
	case cJSON_Array:
		snprintf(buf, len, "array");
		break;
	case cJSON_Object:
		snprintf(buf, len, "object");
		break;
	default:
		snprintf(buf, len, "an invalid value");
		break;
	}
	return buf;
}

/* "string or null", "object, array or string". */
static const char *
types_text(unsigned types, char *buf, size_t len)
{
	struct fbuf	 b;
	size_t		 i, n = 0, total = 0;

	if (types & TY_NUMBER)
		types &= ~TY_INTEGER;
	for (i = 0; i < sizeof type_names / sizeof type_names[0]; i++) {
		if (types & type_names[i].bit)
			total++;
	}
	fb_init(&b, buf, len);
	for (i = 0; i < sizeof type_names / sizeof type_names[0]; i++) {
		if ((types & type_names[i].bit) == 0)
			continue;
		if (n > 0)
			fb_adds(&b, n + 1 == total ? " or " : ", ");
		fb_adds(&b, type_names[i].name);
		n++;
	}
	if (n == 0)
		fb_adds(&b, "nothing");
	return buf;
}

/* Equality and hashing, as JSON Schema defines them: 1 equals 1.0. */

static int
json_equal(struct vctx *v, const cJSON *a, const cJSON *b, int depth)
{
	const cJSON	*ca, *cb;
	size_t		 na = 0, nb = 0;
	int		 t = a->type & 0xff;

	v->steps++;
	if (t != (b->type & 0xff))
		return 0;
	switch (t) {
	case cJSON_Number:
		return a->valuedouble == b->valuedouble;
	case cJSON_String:
	case cJSON_Raw:
		if (a->valuestring == NULL || b->valuestring == NULL)
			return a->valuestring == b->valuestring;
		return strcmp(a->valuestring, b->valuestring) == 0;
	case cJSON_Array:
		if (depth >= SCHEMA_MAX_EQUAL_DEPTH)
			return 0;
		for (ca = a->child, cb = b->child; ca != NULL && cb != NULL;
		    ca = ca->next, cb = cb->next) {
			if (!json_equal(v, ca, cb, depth + 1))
				return 0;
		}
		return ca == NULL && cb == NULL;
	case cJSON_Object:
		if (depth >= SCHEMA_MAX_EQUAL_DEPTH)
			return 0;
		for (ca = a->child; ca != NULL; ca = ca->next)
			na++;
		for (cb = b->child; cb != NULL; cb = cb->next)
			nb++;
		if (na != nb)
			return 0;
		for (ca = a->child; ca != NULL; ca = ca->next) {
			if (ca->string == NULL)
				return 0;
			for (cb = b->child; cb != NULL; cb = cb->next) {
				v->steps++;
				if (cb->string != NULL &&
				    strcmp(ca->string, cb->string) == 0)
					break;
			}
			if (cb == NULL || !json_equal(v, ca, cb, depth + 1))
				return 0;
		}
		return 1;
	}
	return 1;
}

static uint64_t
hash_mix(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return h;
}

static uint64_t
hash_str(const char *s)
{
	uint64_t	 h = 0xcbf29ce484222325ULL;

	for (; *s != '\0'; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ULL;
	}
	return h;
}

static uint64_t
json_hash(struct vctx *v, const cJSON *j, int depth)
{
	const cJSON	*c;
	uint64_t	 h, bits;
	double		 d;
	int		 t = j->type & 0xff;

	if (v != NULL)
		v->steps++;
	switch (t) {
	case cJSON_Number:
		d = j->valuedouble == 0 ? 0 : j->valuedouble;
		memcpy(&bits, &d, sizeof bits);
		return hash_mix(bits ^ 0x10);
	case cJSON_String:
	case cJSON_Raw:
		return hash_mix(hash_str(j->valuestring != NULL ?
		    j->valuestring : "") ^ 0x20);
	case cJSON_Array:
		h = 0x30;
		if (depth >= SCHEMA_MAX_EQUAL_DEPTH)
			return h;
		for (c = j->child; c != NULL; c = c->next)
			h = hash_mix(h * 31 + json_hash(v, c, depth + 1));
		return h;
	case cJSON_Object:
		h = 0x40;
		if (depth >= SCHEMA_MAX_EQUAL_DEPTH)
			return h;
		/* A sum, so the order of keys does not matter. */
		for (c = j->child; c != NULL; c = c->next) {
			h += hash_mix(hash_str(c->string != NULL ?
			    c->string : "") ^ json_hash(v, c, depth + 1));
		}
		return hash_mix(h);
	}
	return hash_mix((uint64_t)t);
}

/* Sort { hash, index } pairs by hash, then index. */
static int
hitem_cmp(const void *a, const void *b)
{
	const uint64_t	*x = a, *y = b;

	if (x[0] != y[0])
		return x[0] < y[0] ? -1 : 1;
	return x[1] < y[1] ? -1 : (x[1] > y[1]);
}

/* Formats. */

static int
digits_value(const char *s, size_t n)
{
	int	 v = 0;
	size_t	 i;

	for (i = 0; i < n; i++) {
		if (!is_digit((unsigned char)s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

static int
days_in_month(int y, int m)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return days[m - 1];
}

static int
valid_date(const char *s, size_t n)
{
	int	 y, m, d;

	if (n != 10 || s[4] != '-' || s[7] != '-')
		return 0;
	y = digits_value(s, 4);
	m = digits_value(s + 5, 2);
	d = digits_value(s + 8, 2);
	if (y < 0 || m < 1 || m > 12 || d < 1)
		return 0;
	return d <= days_in_month(y, m);
}

/* RFC 3339 full-time: hh:mm:ss[.frac](Z|+hh:mm|-hh:mm). */
static int
valid_time(const char *s, size_t n)
{
	int	 h, m, sec, oh = 0, om = 0, sign = 0, utc;
	size_t	 i = 8;

	if (n < 9 || s[2] != ':' || s[5] != ':')
		return 0;
	h = digits_value(s, 2);
	m = digits_value(s + 3, 2);
	sec = digits_value(s + 6, 2);
	if (h < 0 || h > 23 || m < 0 || m > 59 || sec < 0 || sec > 60)
		return 0;
	if (s[i] == '.') {
		i++;
		if (i >= n || !is_digit((unsigned char)s[i]))
			return 0;
		while (i < n && is_digit((unsigned char)s[i]))
			i++;
	}
	if (i < n && (s[i] == 'Z' || s[i] == 'z'))
		i++;
	else if (i < n && (s[i] == '+' || s[i] == '-')) {
		sign = s[i] == '+' ? 1 : -1;
		if (n - i != 6 || s[i + 3] != ':')
			return 0;
		oh = digits_value(s + i + 1, 2);
		om = digits_value(s + i + 4, 2);
		if (oh < 0 || oh > 23 || om < 0 || om > 59)
			return 0;
		i += 6;
	} else
		return 0;
	if (i != n)
		return 0;
	if (sec == 60) {
		/* A leap second happens at 23:59:60 UTC only. */
		utc = h * 60 + m - sign * (oh * 60 + om);
		utc = ((utc % 1440) + 1440) % 1440;
		if (utc != 23 * 60 + 59)
			return 0;
	}
	return 1;
}

static int
valid_date_time(const char *s, size_t n)
{
	if (n < 20 || (s[10] != 'T' && s[10] != 't'))
		return 0;
	return valid_date(s, 10) && valid_time(s + 11, n - 11);
}

/* Dotted quad, no leading zeros. */
static int
valid_ipv4(const char *s, size_t n)
{
	size_t	 i = 0, parts = 0, digits;
	int	 v;

	while (parts < 4) {
		for (digits = 0, v = 0; i < n && is_digit((unsigned char)s[i]);
		    i++, digits++)
			v = v * 10 + (s[i] - '0');
		if (digits == 0 || digits > 3 || v > 255 ||
		    (digits > 1 && s[i - digits] == '0'))
			return 0;
		if (++parts < 4 && (i >= n || s[i++] != '.'))
			return 0;
	}
	return i == n;
}

/*
 * Pragmatic, not RFC 5322: one @ (outside a quoted local part), no spaces,
 * sensible dots and labels, or an address literal in brackets.
 */
static int
valid_email(const char *s, size_t n)
{
	const char	*at, *d, *end = s + n, *p;
	size_t		 label;

	if (n > 2 && s[0] == '"') {
		/* "joe bloggs"@example.com */
		for (p = s + 1; p < end && *p != '"'; p++) {
			if ((unsigned char)*p < 0x20 || *p == 0x7f)
				return 0;
			if (*p == '\\' && p + 1 < end)
				p++;
		}
		if (p + 1 >= end || p[1] != '@')
			return 0;
		at = p + 1;
	} else {
		if ((at = memchr(s, '@', n)) == NULL || at == s)
			return 0;
		if (s[0] == '.' || at[-1] == '.')
			return 0;
		for (p = s; p < at; p++) {
			if ((unsigned char)*p <= 0x20 || *p == 0x7f)
				return 0;
			if (strchr("()<>[]\\,;:\"", *p) != NULL)
				return 0;
			if (*p == '.' && p[1] == '.')
				return 0;
		}
	}
	if (at + 1 == end ||
	    memchr(at + 1, '@', (size_t)(end - at - 1)) != NULL)
		return 0;
	d = at + 1;
	if (*d == '[') {
		if (end[-1] != ']' || end - d < 3)
			return 0;
		if (end - d > 7 && strncmp(d + 1, "IPv6:", 5) == 0) {
			for (p = d + 6; p < end - 1; p++) {
				if (hex_value((unsigned char)*p) < 0 &&
				    *p != ':' && *p != '.')
					return 0;
			}
			return 1;
		}
		return valid_ipv4(d + 1, (size_t)(end - d - 2));
	}
	label = 0;
	for (p = d; p <= end; p++) {
		if (p == end || *p == '.') {
			if (label == 0 || p[-1] == '-')
				return 0;
			label = 0;
			continue;
		}
		if (label == 0 && *p == '-')
			return 0;
		if (!is_alnum((unsigned char)*p) && *p != '-' &&
		    (unsigned char)*p < 0x80)
			return 0;
		label++;
	}
	return 1;
}

/* A scheme, then no spaces, controls or characters a URI never holds. */
static int
valid_uri(const char *s, size_t n)
{
	size_t	 i = 1;

	if (n == 0 || !is_alpha((unsigned char)s[0]))
		return 0;
	while (i < n && (is_alnum((unsigned char)s[i]) || s[i] == '+' ||
	    s[i] == '-' || s[i] == '.'))
		i++;
	if (i >= n || s[i] != ':')
		return 0;
	for (i++; i < n; i++) {
		if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f)
			return 0;
		if (strchr("<>\"{}|\\^`", s[i]) != NULL)
			return 0;
		if (s[i] == '%' && (i + 2 >= n ||
		    hex_value((unsigned char)s[i + 1]) < 0 ||
		    hex_value((unsigned char)s[i + 2]) < 0))
			return 0;
	}
	return 1;
}

static int
valid_uuid(const char *s, size_t n)
{
	size_t	 i;

	if (n != 36)
		return 0;
	for (i = 0; i < n; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return 0;
		} else if (hex_value((unsigned char)s[i]) < 0)
			return 0;
	}
	return 1;
}

static int
format_ok(enum format f, const char *s)
{
	size_t	 n = strlen(s);

	switch (f) {
	case FMT_NONE:
		return 1;
	case FMT_DATE:
		return valid_date(s, n);
	case FMT_DATE_TIME:
		return valid_date_time(s, n);
	case FMT_TIME:
		return valid_time(s, n);
	case FMT_EMAIL:
		return valid_email(s, n);
	case FMT_URI:
		return valid_uri(s, n);
	case FMT_UUID:
		return valid_uuid(s, n);
	}
	return 1;
}

static const char *
format_expected(enum format f)
{
	size_t	 i;

	for (i = 0; i < sizeof formats / sizeof formats[0]; i++) {
		if (formats[i].format == f)
			return formats[i].expected;
	}
	return "a valid value";
}

/*
 * Patterns. JSON Schema patterns are ECMA-262; we translate them to POSIX
 * extended regular expressions and refuse what has no translation, such as
 * lookaround and backreferences. Sizes are bounded before regcomp sees them,
 * because glibc expands a{n} into n copies.
 */

/*
 * Two sizes per group: regex nodes once glibc expands {n,m}, which bounds
 * regcomp, and character positions, which bound a regexec pass per byte.
 * A class is many nodes (UTF-8 alternatives) but one position.
 */
struct rxgroup {
	size_t	 alts, calts;	/* finished alternatives: nodes, positions */
	size_t	 cur, ccur;	/* the current alternative */
	size_t	 last, clast;	/* the last atom */
	int	 anchors;	/* holds '^' or '$' */
	int	 last_anchors;	/* the last atom is a group holding them */
};

struct rx {
	const char	*p;
	struct strbuf	 out;
	char		*why;
	size_t		 whylen;
	struct rxgroup	 g[PATTERN_MAX_GROUPS + 1];
	int		 depth;
	int		 can_repeat;	/* the last token was an atom */
	int		 carets;	/* '^' anchors */
	int		 top_alt;	/* '|' outside any group */
};

enum { ESC_CHAR, ESC_CLASS };

struct rxesc {
	int		 kind;
	unsigned long	 cp;
	char		 cls;		/* d, D, w, W, s or S */
};

static int
rx_error(struct rx *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
rx_error(struct rx *r, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(r->why, r->whylen, fmt, ap);
	va_end(ap);
	return -1;
}

static int
rx_atom(struct rx *r, size_t w, size_t c)
{
	struct rxgroup	*g = &r->g[r->depth];

	g->cur += w;
	g->last = w;
	g->ccur += c;
	g->clast = c;
	g->last_anchors = 0;
	r->can_repeat = 1;
	if (g->cur + g->alts > PATTERN_MAX_WEIGHT)
		return rx_error(r, "pattern too large once expanded (more "
		    "than %d nodes)", PATTERN_MAX_WEIGHT);
	return 0;
}

static int
rx_repeat(struct rx *r, size_t mult, const char *what)
{
	struct rxgroup	*g = &r->g[r->depth];

	if (!r->can_repeat)
		return rx_error(r, "nothing to repeat before '%s'", what);
	/* glibc gets (^a|b){2} wrong, so such patterns are refused. */
	if (g->last_anchors)
		return rx_error(r, "'^' or '$' inside a repeated group not "
		    "supported");
	if (mult == 0)
		mult = 1;
	if (g->last > PATTERN_MAX_WEIGHT / mult)
		return rx_error(r, "pattern too large once expanded (more "
		    "than %d nodes)", PATTERN_MAX_WEIGHT);
	g->cur = g->cur - g->last + g->last * mult;
	g->last *= mult;
	/* Positions never exceed nodes, so they cannot overflow either. */
	g->ccur = g->ccur - g->clast + g->clast * mult;
	g->clast *= mult;
	r->can_repeat = 0;
	if (g->cur + g->alts > PATTERN_MAX_WEIGHT)
		return rx_error(r, "pattern too large once expanded (more "
		    "than %d nodes)", PATTERN_MAX_WEIGHT);
	/* Laziness cannot change whether a pattern matches somewhere. */
	if (*r->p == '?')
		r->p++;
	return 0;
}

static int
rx_hex(struct rx *r, size_t n, unsigned long *cp)
{
	size_t	 i;
	int	 h;

	*cp = 0;
	for (i = 0; i < n; i++) {
		if ((h = hex_value((unsigned char)r->p[i])) < 0)
			return rx_error(r, "bad hex escape in pattern");
		*cp = *cp * 16 + (unsigned long)h;
	}
	r->p += n;
	return 0;
}

/* Parse the escape after a backslash; r->p points past the backslash. */
static int
rx_escape(struct rx *r, int in_class, struct rxesc *e)
{
	unsigned char	 c = (unsigned char)*r->p;
	unsigned long	 lo;

	e->kind = ESC_CHAR;
	if (c == '\0')
		return rx_error(r, "pattern ends with a backslash");
	r->p++;
	switch (c) {
	case 'd': case 'D': case 'w': case 'W': case 's': case 'S':
		e->kind = ESC_CLASS;
		e->cls = (char)c;
		return 0;
	case 't':
		e->cp = '\t';
		return 0;
	case 'n':
		e->cp = '\n';
		return 0;
	case 'r':
		e->cp = '\r';
		return 0;
	case 'f':
		e->cp = '\f';
		return 0;
	case 'v':
		e->cp = '\v';
		return 0;
	case 'b':
		if (in_class) {
			e->cp = '\b';
			return 0;
		}
		return rx_error(r, "word boundary \\b not supported");
	case 'B':
		return rx_error(r, "word boundary \\B not supported");
	case '0':
		return rx_error(r, "\\0 not supported");
	case '1': case '2': case '3': case '4': case '5': case '6': case '7':
	case '8': case '9':
		return rx_error(r, "backreference \\%c not supported", c);
	case 'k':
		return rx_error(r, "named backreference \\k not supported");
	case 'p': case 'P':
		return rx_error(r, "unicode property escape \\%c not supported",
		    c);
	case 'c':
		if (!is_alpha((unsigned char)*r->p))
			return rx_error(r, "bad control escape \\c");
		e->cp = (unsigned long)(*r->p++ % 32);
		return 0;
	case 'x':
		if (rx_hex(r, 2, &e->cp) != 0)
			return -1;
		break;
	case 'u':
		if (*r->p == '{') {
			r->p++;
			e->cp = 0;
			while (hex_value((unsigned char)*r->p) >= 0) {
				e->cp = e->cp * 16 + (unsigned long)
				    hex_value((unsigned char)*r->p);
				if (e->cp > 0x10ffff)
					return rx_error(r, "\\u{...} out of "
					    "range");
				r->p++;
			}
			if (*r->p != '}')
				return rx_error(r, "unclosed \\u{...}");
			r->p++;
			break;
		}
		if (rx_hex(r, 4, &e->cp) != 0)
			return -1;
		if (e->cp >= 0xd800 && e->cp <= 0xdbff && r->p[0] == '\\' &&
		    r->p[1] == 'u') {
			r->p += 2;
			if (rx_hex(r, 4, &lo) != 0)
				return -1;
			if (lo < 0xdc00 || lo > 0xdfff)
				return rx_error(r, "bad surrogate pair");
			e->cp = 0x10000 + ((e->cp - 0xd800) << 10) +
			    (lo - 0xdc00);
		}
		break;
	default:
		if (c >= 0x80 || is_alnum(c))
			return rx_error(r, "unknown escape \\%c", c);
		e->cp = c;
		return 0;
	}
	if (e->cp == 0)
		return rx_error(r, "NUL in pattern not supported");
	if (e->cp >= 0xd800 && e->cp <= 0xdfff)
		return rx_error(r, "lone surrogate in pattern");
	return 0;
}

/* A raw character of the source, decoded from UTF-8. */
static int
rx_raw(struct rx *r, unsigned long *cp)
{
	const unsigned char	*u = (const unsigned char *)r->p;
	size_t			 n, i;

	if (u[0] < 0x80) {
		*cp = u[0];
		r->p++;
		return 0;
	}
	n = utf8_seqlen(u, 4);
	if (n == 1)
		return rx_error(r, "pattern is not valid UTF-8");
	*cp = u[0] & (0xff >> (n + 1));
	for (i = 1; i < n; i++)
		*cp = (*cp << 6) | (u[i] & 0x3f);
	r->p += n;
	return 0;
}

static void
rx_literal(struct rx *r, unsigned long cp)
{
	char	 u[4];
	size_t	 n;

	if (cp < 0x80) {
		if (strchr(".[()*+?{|^$\\", (int)cp) != NULL)
			sb_addc(&r->out, '\\');
		sb_addc(&r->out, (char)cp);
		return;
	}
	/* A group, so a quantifier repeats the whole character. */
	n = utf8_encode(cp, u);
	sb_addc(&r->out, '(');
	sb_add(&r->out, u, n);
	sb_addc(&r->out, ')');
}

/*
 * Classes are sets of code points. We emit them for the C locale as UTF-8
 * byte sequences, so each matches one whole character whatever the locale:
 * the ASCII part as a bracket, the rest split into byte ranges (as RE2
 * does). A set holding every non-ASCII character uses a short form.
 */

struct cpset {
	unsigned long	(*r)[2];	/* [lo, hi] ranges */
	size_t		  n, cap;
};

static const unsigned long cp_digit[][2] = { { '0', '9' } };
static const unsigned long cp_word[][2] = { { '0', '9' }, { 'A', 'Z' },
    { '_', '_' }, { 'a', 'z' } };
/* ECMA-262 WhiteSpace and LineTerminator. */
static const unsigned long cp_space[][2] = { { 0x09, 0x0d }, { 0x20, 0x20 },
    { 0xa0, 0xa0 }, { 0x1680, 0x1680 }, { 0x2000, 0x200a },
    { 0x2028, 0x2029 }, { 0x202f, 0x202f }, { 0x205f, 0x205f },
    { 0x3000, 0x3000 }, { 0xfeff, 0xfeff } };

static void
cpset_add(struct cpset *s, unsigned long lo, unsigned long hi)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 8;
		s->r = xreallocarray(s->r, s->cap, sizeof *s->r);
	}
	s->r[s->n][0] = lo;
	s->r[s->n][1] = hi;
	s->n++;
}

static int
cprange_cmp(const void *a, const void *b)
{
	const unsigned long	*x = a, *y = b;

	if (x[0] != y[0])
		return x[0] < y[0] ? -1 : 1;
	return x[1] < y[1] ? -1 : (x[1] > y[1]);
}

/* Sort and merge; drop NUL and surrogates, which no string holds. */
static void
cpset_normalize(struct cpset *s)
{
	size_t	 i, n = 0;

	for (i = 0; i < s->n; i++) {
		if (s->r[i][0] == 0)
			s->r[i][0] = 1;
		if (s->r[i][0] >= 0xd800 && s->r[i][1] <= 0xdfff) {
			s->r[i][0] = 1;		/* now empty */
			s->r[i][1] = 0;
		} else if (s->r[i][0] < 0xd800 && s->r[i][1] > 0xdfff) {
			cpset_add(s, 0xe000, s->r[i][1]);
			s->r[i][1] = 0xd7ff;
		} else if (s->r[i][0] >= 0xd800 && s->r[i][0] <= 0xdfff)
			s->r[i][0] = 0xe000;
		else if (s->r[i][1] >= 0xd800 && s->r[i][1] <= 0xdfff)
			s->r[i][1] = 0xd7ff;
	}
	if (s->n > 1)
		qsort(s->r, s->n, sizeof *s->r, cprange_cmp);
	for (i = 0; i < s->n; i++) {
		if (s->r[i][0] > s->r[i][1])
			continue;
		if (n > 0 && s->r[i][0] <= s->r[n - 1][1] + 1) {
			if (s->r[i][1] > s->r[n - 1][1])
				s->r[n - 1][1] = s->r[i][1];
		} else {
			s->r[n][0] = s->r[i][0];
			s->r[n][1] = s->r[i][1];
			n++;
		}
	}
	s->n = n;
}

/* Everything but s, from U+0001 to U+10FFFF. */
static void
cpset_negate(struct cpset *s)
{
	struct cpset	 out = { NULL, 0, 0 };
	unsigned long	 next = 1;
	size_t		 i;

	cpset_normalize(s);
	for (i = 0; i < s->n; i++) {
		if (s->r[i][0] > next)
			cpset_add(&out, next, s->r[i][0] - 1);
		next = s->r[i][1] + 1;
	}
	if (next <= 0x10ffff)
		cpset_add(&out, next, 0x10ffff);
	free(s->r);
	*s = out;
	cpset_normalize(s);
}

/* Add a table, or everything outside it. */
static void
cpset_add_table(struct cpset *s, const unsigned long (*t)[2], size_t n,
    int negate)
{
	struct cpset	 tmp = { NULL, 0, 0 };
	size_t		 i;

	for (i = 0; i < n; i++)
		cpset_add(&tmp, t[i][0], t[i][1]);
	if (negate)
		cpset_negate(&tmp);
	for (i = 0; i < tmp.n; i++)
		cpset_add(s, tmp.r[i][0], tmp.r[i][1]);
	free(tmp.r);
}

static void
cpset_add_class(struct cpset *s, char cls)
{
	switch (cls) {
	case 'd':
	case 'D':
		cpset_add_table(s, cp_digit, 1, cls == 'D');
		break;
	case 'w':
	case 'W':
		cpset_add_table(s, cp_word, 4, cls == 'W');
		break;
	case 's':
	case 'S':
		cpset_add_table(s, cp_space, sizeof cp_space /
		    sizeof cp_space[0], cls == 'S');
		break;
	}
}

/*
 * ASCII ranges as a POSIX bracket, which has no escapes: ']' goes first,
 * '-' last, '^' anywhere but first and '[' where it cannot start "[:".
 */
static void
rx_emit_ascii(struct strbuf *out, const struct cpset *s, size_t *weight)
{
	struct strbuf	 items = { NULL, 0, 0 };
	unsigned long	 lo, hi, c, run;
	size_t		 i, members = 0;
	int		 rb = 0, dash = 0, caret = 0, lb = 0, lead;
	char		 last = 0;

	for (i = 0; i < s->n && s->r[i][0] < 0x80; i++) {
		lo = s->r[i][0];
		hi = s->r[i][1] < 0x80 ? s->r[i][1] : 0x7f;
		for (c = lo; c <= hi; c = run + 1) {
			if (c == ']' || c == '-' || c == '^' || c == '[') {
				rb |= c == ']';
				dash |= c == '-';
				caret |= c == '^';
				lb |= c == '[';
				members++;
				last = (char)c;
				run = c;
				continue;
			}
			for (run = c; run < hi && run + 1 != ']' &&
			    run + 1 != '-' && run + 1 != '^' &&
			    run + 1 != '['; run++)
				;
			sb_addc(&items, (char)c);
			if (run > c + 1)
				sb_addc(&items, '-');
			if (run > c)
				sb_addc(&items, (char)run);
			members += run - c + 1;
			last = (char)c;
		}
	}
	*weight += 1;
	if (members == 1) {
		/* A single character needs no bracket. */
		if (strchr(".[()*+?{|^$\\", last) != NULL)
			sb_addc(out, '\\');
		sb_addc(out, last);
		free(items.p);
		return;
	}
	sb_addc(out, '[');
	lead = 0;
	if (rb) {
		sb_addc(out, ']');
		lead = 1;
	}
	if (items.len > 0) {
		sb_add(out, items.p, items.len);
		lead = 1;
	}
	if (lb) {
		sb_addc(out, '[');
		lead = 1;
	}
	if (caret) {
		if (!lead) {
			/* Only '^' and '-': "[-^]". */
			sb_addc(out, '-');
			dash = 0;
		}
		sb_addc(out, '^');
	}
	if (dash)
		sb_addc(out, '-');
	sb_addc(out, ']');
	free(items.p);
}

/* How much of lo..hi s holds, surrogates aside: 0 none, 1 some, 2 all. */
static int
cpset_cover(const struct cpset *s, unsigned long lo, unsigned long hi)
{
	unsigned long	 want = hi - lo + 1, got = 0, a, b;
	size_t		 first = 0, last = s->n, mid, i;

	if (lo <= 0xdfff && hi >= 0xd800)
		want -= (hi < 0xdfff ? hi : 0xdfff) -
		    (lo > 0xd800 ? lo : 0xd800) + 1;
	if (want == 0)
		return 0;
	while (first < last) {
		mid = first + (last - first) / 2;
		if (s->r[mid][1] < lo)
			first = mid + 1;
		else
			last = mid;
	}
	for (i = first; i < s->n && s->r[i][0] <= hi; i++) {
		a = s->r[i][0] > lo ? s->r[i][0] : lo;
		b = s->r[i][1] < hi ? s->r[i][1] : hi;
		if (a <= b)
			got += b - a + 1;
	}
	if (got == 0)
		return 0;
	return got >= want ? 2 : 1;
}

/* Bytes 0x80 + i for each marked i, as one bracket or one byte. */
static void
rx_emit_bytes(struct strbuf *out, const char *marked, size_t n)
{
	size_t	 i, j, count = 0;

	for (i = 0; i < n; i++)
		count += marked[i] != 0;
	if (count > 1)
		sb_addc(out, '[');
	for (i = 0; i < n; i = j) {
		if (!marked[i]) {
			j = i + 1;
			continue;
		}
		for (j = i + 1; j < n && marked[j]; j++)
			;
		sb_addc(out, (char)(0x80 + i));
		if (j - i > 1) {
			sb_addc(out, '-');
			sb_addc(out, (char)(0x80 + j - 1));
		}
	}
	if (count > 1)
		sb_addc(out, ']');
}

/*
 * The code points of s in lo..hi after bytes already emitted, with k
 * continuation bytes to come: a trie on the next byte. Sub-blocks s holds
 * whole share one alternative, the others recurse.
 */
static void
rx_emit_trie(struct strbuf *out, const struct cpset *s, unsigned long base,
    unsigned long lo, unsigned long hi, int k, size_t *nodes)
{
	unsigned long	 size = 1UL << (6 * (k - 1)), slo, shi;
	char		 full[64], part[64];
	size_t		 b, alts = 0, nfull = 0, npart = 0;
	int		 i, c;

	memset(full, 0, sizeof full);
	memset(part, 0, sizeof part);
	for (b = 0; b < 64; b++) {
		slo = base + b * size;
		shi = slo + size - 1;
		if (shi < lo || slo > hi)
			continue;
		c = cpset_cover(s, slo > lo ? slo : lo, shi < hi ? shi : hi);
		if (c == 2) {
			full[b] = 1;
			nfull++;
		} else if (c == 1) {
			part[b] = 1;
			npart++;
		}
	}
	if (nfull + npart == 0)
		return;
	if ((nfull > 0) + npart > 1)
		sb_addc(out, '(');
	if (nfull > 0) {
		rx_emit_bytes(out, full, 64);
		for (i = 1; i < k; i++)
			sb_adds(out, "[\x80-\xbf]");
		*nodes += (size_t)k + 1;
		alts++;
	}
	for (b = 0; b < 64; b++) {
		if (!part[b])
			continue;
		if (alts++ > 0)
			sb_addc(out, '|');
		sb_addc(out, (char)(0x80 + b));
		*nodes += 2;
		slo = base + b * size;
		rx_emit_trie(out, s, slo, lo, hi, k - 1, nodes);
	}
	if ((nfull > 0) + npart > 1)
		sb_addc(out, ')');
}

/*
 * The non-ASCII part of s as alternatives, keyed on the lead byte. Valid
 * input is assumed: a lead byte and the continuation bytes that follow it
 * are one character, so whole blocks need not spell out their tails.
 */
static void
rx_emit_nonascii(struct strbuf *out, const struct cpset *s, size_t *alts,
    size_t *nodes)
{
	char		 full[128], part[128];	/* by byte - 0x80 */
	unsigned long	 lo, hi;
	size_t		 l, nfull = 0, npart = 0, valid = 0;
	int		 c;

	memset(full, 0, sizeof full);
	memset(part, 0, sizeof part);
	for (l = 0x42; l <= 0x74; l++) {	/* lead bytes 0xc2 to 0xf4 */
		if (l < 0x60) {
			lo = (l & 0x1f) << 6;
			hi = lo + 0x3f;
		} else if (l < 0x70) {
			lo = (l & 0x0f) << 12;
			hi = lo + 0xfff;
			if (lo < 0x800)
				lo = 0x800;
		} else {
			lo = (l & 0x07) << 18;
			hi = lo + 0x3ffff;
			if (lo < 0x10000)
				lo = 0x10000;
			if (hi > 0x10ffff)
				hi = 0x10ffff;
		}
		valid++;
		if ((c = cpset_cover(s, lo, hi)) == 2) {
			full[l] = 1;
			nfull++;
		} else if (c == 1) {
			part[l] = 1;
			npart++;
		}
	}
	if (nfull == valid) {
		/* All of it: any lead byte, malformed ones too. */
		if ((*alts)++ > 0)
			sb_addc(out, '|');
		sb_adds(out, "[\xc0-\xff][\x80-\xbf]*");
		*nodes += 3;
		return;
	}
	if (nfull > 0) {
		if ((*alts)++ > 0)
			sb_addc(out, '|');
		rx_emit_bytes(out, full, 128);
		sb_adds(out, "[\x80-\xbf]*");
		*nodes += 3;
	}
	for (l = 0x42; l <= 0x74; l++) {
		if (!part[l])
			continue;
		if ((*alts)++ > 0)
			sb_addc(out, '|');
		sb_addc(out, (char)(0x80 + l));
		*nodes += 2;
		if (l < 0x60)
			rx_emit_trie(out, s, (l & 0x1f) << 6, 0x80, 0x7ff, 1,
			    nodes);
		else if (l < 0x70)
			rx_emit_trie(out, s, (l & 0x0f) << 12, 0x800, 0xffff,
			    2, nodes);
		else
			rx_emit_trie(out, s, (l & 0x07) << 18, 0x10000,
			    0x10ffff, 3, nodes);
	}
}

/* Emit a set as one atom; fails when it matches nothing. */
static int
rx_emit_set(struct rx *r, struct cpset *s)
{
	struct strbuf	 out = { NULL, 0, 0 };
	size_t		 alts = 0, weight = 0;
	int		 ascii;

	cpset_normalize(s);
	if (s->n == 0)
		return rx_error(r, "character class matches nothing");
	if ((ascii = s->r[0][0] < 0x80)) {
		rx_emit_ascii(&out, s, &weight);
		alts++;
	}
	if (s->r[s->n - 1][1] >= 0x80)
		rx_emit_nonascii(&out, s, &alts, &weight);
	/* A group, so a quantifier repeats whole characters. */
	if (alts > 1 || !ascii)
		sb_addc(&r->out, '(');
	sb_add(&r->out, out.p, out.len);
	if (alts > 1 || !ascii)
		sb_addc(&r->out, ')');
	free(out.p);
	return rx_atom(r, weight + alts, 1);
}

/* One element of a [...] class: a character, or a class escape. */
static int
rx_class_atom(struct rx *r, struct cpset *set, unsigned long *cp,
    int *is_char)
{
	struct rxesc	 e;

	*is_char = 1;
	if (*r->p != '\\')
		return rx_raw(r, cp);
	r->p++;
	if (rx_escape(r, 1, &e) != 0)
		return -1;
	if (e.kind == ESC_CHAR) {
		*cp = e.cp;
		return 0;
	}
	*is_char = 0;
	cpset_add_class(set, e.cls);
	return 0;
}

static int
rx_class(struct rx *r)
{
	struct cpset	 set = { NULL, 0, 0 };
	unsigned long	 lo = 0, hi = 0;
	int		 neg = 0, lo_char, hi_char, rc;

	if (*r->p == '^') {
		neg = 1;
		r->p++;
	}
	if (*r->p == ']' && !neg) {
		free(set.r);
		return rx_error(r, "empty class [] never matches");
	}
	for (;;) {
		if (*r->p == '\0') {
			rx_error(r, "unclosed '[' in pattern");
			goto fail;
		}
		if (*r->p == ']') {
			r->p++;
			break;
		}
		if (rx_class_atom(r, &set, &lo, &lo_char) != 0)
			goto fail;
		if (r->p[0] == '-' && r->p[1] != ']' && r->p[1] != '\0') {
			r->p++;
			if (rx_class_atom(r, &set, &hi, &hi_char) != 0)
				goto fail;
			if (!lo_char || !hi_char) {
				rx_error(r, "a range in [...] cannot use a "
				    "class escape");
				goto fail;
			}
			if (lo > hi) {
				rx_error(r, "range out of order in [...]");
				goto fail;
			}
			cpset_add(&set, lo, hi);
		} else if (lo_char)
			cpset_add(&set, lo, lo);
	}
	if (neg)
		cpset_negate(&set);
	rc = rx_emit_set(r, &set);
	free(set.r);
	return rc;

fail:
	free(set.r);
	return -1;
}

/* {n}, {n,} or {n,m}; returns 0 when the brace is not a quantifier. */
static int
rx_brace(const char *p, unsigned long *min, unsigned long *max, int *bounded,
    size_t *len)
{
	const char	*s = p + 1;

	if (!is_digit((unsigned char)*s))
		return 0;
	*min = 0;
	while (is_digit((unsigned char)*s)) {
		if (*min < 100000)
			*min = *min * 10 + (unsigned long)(*s - '0');
		s++;
	}
	*max = *min;
	*bounded = 1;
	if (*s == ',') {
		s++;
		if (is_digit((unsigned char)*s)) {
			*max = 0;
			while (is_digit((unsigned char)*s)) {
				if (*max < 100000)
					*max = *max * 10 +
					    (unsigned long)(*s - '0');
				s++;
			}
		} else
			*bounded = 0;
	}
	if (*s != '}')
		return 0;
	*len = (size_t)(s + 1 - p);
	return 1;
}

static int
rx_translate(struct rx *r)
{
	struct rxgroup	*g;
	struct rxesc	 e;
	struct cpset	 set;
	unsigned long	 cp, min, max;
	size_t		 len, w, cost;
	int		 bounded, rc;
	char		 num[64];

	while (*r->p != '\0') {
		g = &r->g[r->depth];
		switch (*r->p) {
		case '\\':
			r->p++;
			if (rx_escape(r, 0, &e) != 0)
				return -1;
			if (e.kind == ESC_CHAR) {
				rx_literal(r, e.cp);
				if (rx_atom(r, 1, 1) != 0)
					return -1;
				break;
			}
			memset(&set, 0, sizeof set);
			cpset_add_class(&set, e.cls);
			rc = rx_emit_set(r, &set);
			free(set.r);
			if (rc != 0)
				return -1;
			break;
		case '[':
			r->p++;
			if (rx_class(r) != 0)
				return -1;
			break;
		case '(':
			r->p++;
			if (*r->p == '?') {
				if (r->p[1] == ':')
					r->p += 2;
				else if (r->p[1] == '<' && r->p[2] != '=' &&
				    r->p[2] != '!') {
					r->p += 2;
					while (is_alnum((unsigned char)*r->p) ||
					    *r->p == '_' || *r->p == '$')
						r->p++;
					if (*r->p != '>')
						return rx_error(r, "bad group "
						    "name in pattern");
					r->p++;
				} else if (r->p[1] == '=' || r->p[1] == '!' ||
				    r->p[1] == '<')
					return rx_error(r, "lookaround (?=, "
					    "(?!, (?<=, (?<! not supported");
				else
					return rx_error(r, "unsupported group "
					    "'(?' in pattern");
			}
			if (r->depth == PATTERN_MAX_GROUPS)
				return rx_error(r, "groups nested more than "
				    "%d deep", PATTERN_MAX_GROUPS);
			r->depth++;
			memset(&r->g[r->depth], 0, sizeof r->g[r->depth]);
			r->can_repeat = 0;
			sb_addc(&r->out, '(');
			break;
		case ')':
			r->p++;
			if (r->depth == 0)
				return rx_error(r, "unmatched ')' in pattern");
			w = g->alts + g->cur;
			cost = g->calts + g->ccur;
			r->depth--;
			sb_addc(&r->out, ')');
			if (rx_atom(r, w == 0 ? 1 : w, cost == 0 ? 1 : cost) != 0)
				return -1;
			if (g->anchors) {
				r->g[r->depth].anchors = 1;
				r->g[r->depth].last_anchors = 1;
			}
			break;
		case '|':
			r->p++;
			g->alts += g->cur;
			g->cur = g->last = 0;
			g->calts += g->ccur;
			g->ccur = g->clast = 0;
			if (r->depth == 0)
				r->top_alt = 1;
			r->can_repeat = 0;
			sb_addc(&r->out, '|');
			break;
		case '*':
		case '+':
		case '?':
			cp = (unsigned char)*r->p++;
			num[0] = (char)cp;
			num[1] = '\0';
			if (rx_repeat(r, cp == '+' ? 2 : 1, num) != 0)
				return -1;
			sb_addc(&r->out, (char)cp);
			break;
		case '{':
			if (!rx_brace(r->p, &min, &max, &bounded, &len)) {
				/* Annex B: a brace that is no quantifier. */
				r->p++;
				sb_adds(&r->out, "\\{");
				if (rx_atom(r, 1, 1) != 0)
					return -1;
				break;
			}
			r->p += len;
			if (min > PATTERN_MAX_REPEAT ||
			    (bounded && max > PATTERN_MAX_REPEAT))
				return rx_error(r, "repetition count too large "
				    "(at most %d)", PATTERN_MAX_REPEAT);
			if (bounded && min > max)
				return rx_error(r, "repetition {%lu,%lu} out "
				    "of order", min, max);
			if (!bounded)
				snprintf(num, sizeof num, "{%lu,}", min);
			else if (min == max)
				snprintf(num, sizeof num, "{%lu}", min);
			else
				snprintf(num, sizeof num, "{%lu,%lu}", min,
				    max);
			if (rx_repeat(r, bounded ? max : min + 1, "{") != 0)
				return -1;
			sb_adds(&r->out, num);
			break;
		case '^':
		case '$':
			if (*r->p == '^')
				r->carets++;
			g->anchors = 1;
			sb_addc(&r->out, *r->p++);
			r->can_repeat = 0;
			break;
		case '.':
			r->p++;
			/*
			 * ECMA '.' stops at line ends; POSIX '.' does not.
			 * U+2028 and U+2029 are let through, which keeps
			 * the short form for all of non-ASCII.
			 */
			memset(&set, 0, sizeof set);
			cpset_add(&set, '\n', '\n');
			cpset_add(&set, '\r', '\r');
			cpset_negate(&set);
			rc = rx_emit_set(r, &set);
			free(set.r);
			if (rc != 0)
				return -1;
			break;
		default:
			if (rx_raw(r, &cp) != 0)
				return -1;
			if (cp == ']' || cp == '}')
				sb_addc(&r->out, (char)cp);
			else
				rx_literal(r, cp);
			if (rx_atom(r, 1, 1) != 0)
				return -1;
			break;
		}
	}
	if (r->depth != 0)
		return rx_error(r, "unclosed '(' in pattern");
	return 0;
}

static void
pattern_free(struct pattern *p)
{
	if (p == NULL)
		return;
	regfree(&p->re);
	free(p->source);
	free(p);
}

/* regcomp and regexec in loc, whatever locale the program set. */
static int
pattern_compile(regex_t *re, const char *text, locale_t loc)
{
	locale_t	 old = (locale_t)0;
	int		 rc;

	if (loc != (locale_t)0)
		old = uselocale(loc);
	rc = regcomp(re, text, REG_EXTENDED | REG_NOSUB);
	if (loc != (locale_t)0)
		uselocale(old);
	return rc;
}

static int
pattern_match(const struct pattern *p, const char *s)
{
	locale_t	 old = (locale_t)0;
	int		 rc;

	if (p->loc != (locale_t)0)
		old = uselocale(p->loc);
	rc = regexec(&p->re, s, 0, NULL, 0);
	if (p->loc != (locale_t)0)
		uselocale(old);
	return rc == 0;
}

static struct pattern *
pattern_new(const char *src, locale_t loc, char *why, size_t whylen)
{
	struct rx	*r;
	struct pattern	*p;
	struct strbuf	 re = { NULL, 0, 0 };
	enum search	 search;
	int		 rc;
	char		 buf[128];

	if (strlen(src) > PATTERN_MAX_LEN) {
		snprintf(why, whylen, "pattern longer than %d bytes",
		    PATTERN_MAX_LEN);
		return NULL;
	}
	r = xcalloc(1, sizeof *r);
	r->p = src;
	r->why = why;
	r->whylen = whylen;
	sb_adds(&r->out, "");
	if (rx_translate(r) != 0) {
		free(r->out.p);
		free(r);
		return NULL;
	}
	if (r->carets == 0) {
		search = SEARCH_WRAPPED;
		sb_adds(&re, "^.*(");
		sb_add(&re, r->out.p, r->out.len);
		sb_adds(&re, ")");
	} else {
		search = src[0] == '^' && r->carets == 1 && !r->top_alt ?
		    SEARCH_ANCHORED : SEARCH_QUADRATIC;
		sb_add(&re, r->out.p, r->out.len);
	}
	p = xcalloc(1, sizeof *p);
	rc = pattern_compile(&p->re, re.p, loc);
	free(re.p);
	if (rc != 0) {
		regerror(rc, &p->re, buf, sizeof buf);
		snprintf(why, whylen, "%s", buf);
		free(p);
		free(r->out.p);
		free(r);
		return NULL;
	}
	p->source = xstrdup(src);
	p->nodes = r->g[0].alts + r->g[0].cur + 1;
	p->cost = r->g[0].calts + r->g[0].ccur + 1;
	p->search = search;
	p->loc = loc;
	free(r->out.p);
	free(r);
	return p;
}

/* Nodes and the map from schema items to nodes. */

static uint64_t
ptr_hash(const void *p)
{
	return hash_mix((uint64_t)(uintptr_t)p);
}

static struct node *
map_get(const struct nodemap *m, const cJSON *key)
{
	size_t	 i;

	if (m->cap == 0)
		return NULL;
	for (i = ptr_hash(key) & (m->cap - 1); m->keys[i] != NULL;
	    i = (i + 1) & (m->cap - 1)) {
		if (m->keys[i] == key)
			return m->vals[i];
	}
	return NULL;
}

static void
map_put(struct nodemap *m, const cJSON *key, struct node *val)
{
	const cJSON	**okeys = m->keys;
	struct node	**ovals = m->vals;
	size_t		  ocap = m->cap, i;

	if ((m->n + 1) * 2 > m->cap) {
		m->cap = m->cap ? m->cap * 2 : 64;
		m->keys = xcalloc(m->cap, sizeof *m->keys);
		m->vals = xcalloc(m->cap, sizeof *m->vals);
		m->n = 0;
		for (i = 0; i < ocap; i++) {
			if (okeys[i] != NULL)
				map_put(m, okeys[i], ovals[i]);
		}
		free(okeys);
		free(ovals);
	}
	for (i = ptr_hash(key) & (m->cap - 1); m->keys[i] != NULL;
	    i = (i + 1) & (m->cap - 1))
		;
	m->keys[i] = key;
	m->vals[i] = val;
	m->n++;
}

static void
node_free(struct node *n)
{
	size_t	 i;

	if (n == NULL)
		return;
	pattern_free(n->pattern);
	free(n->ref_where);
	free(n->enum_index);
	free(n->enum_items);
	for (i = 0; i < n->npprops; i++)
		pattern_free(n->pprops[i].pattern);
	free(n->pprops);
	free(n->props);
	free(n->deps);
	free(n->prefix.v);
	free(n->all_of.v);
	free(n->any_of.v);
	free(n->one_of.v);
	free(n);
}

static void
push_node(struct node ***v, size_t *n, size_t *cap, struct node *node)
{
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 16;
		*v = xreallocarray(*v, *cap, sizeof **v);
	}
	(*v)[(*n)++] = node;
}

/* Compiling. */

static int
cerr(struct cctx *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
cerr(struct cctx *c, const char *fmt, ...)
{
	struct fbuf	 b;
	va_list		 ap;
	char		 msg[512];

	if (c->failed)
		return -1;
	c->failed = 1;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (c->err == NULL)
		return -1;
	fb_init(&b, c->err, c->errlen);
	if (c->ptrlen == 0)
		fb_adds(&b, "schema: ");
	else {
		fb_adds(&b, "schema at #");
		fb_add(&b, c->ptr, c->ptrlen);
		fb_adds(&b, ": ");
	}
	fb_adds(&b, msg);
	fb_finish(&b);
	return -1;
}

/* Append "/token" to the JSON pointer of messages; returns the old length. */
static size_t
ptr_push(struct cctx *c, const char *token)
{
	struct fbuf	 b;
	size_t		 saved = c->ptrlen;
	const char	*t;
	char		 ch[2] = { 0, 0 };

	b.p = c->ptr;
	b.cap = sizeof c->ptr - 4;
	b.len = c->ptrlen;
	b.full = 0;
	fb_adds(&b, "/");
	for (t = token; *t != '\0' && !b.full; t++) {
		if (*t == '~')
			fb_adds(&b, "~0");
		else if (*t == '/')
			fb_adds(&b, "~1");
		else {
			ch[0] = *t;
			fb_text(&b, ch, 0, 8);
		}
	}
	if (b.full) {
		c->ptrlen = saved;
		if (saved < 3 || memcmp(c->ptr + saved - 3, "...", 3) != 0) {
			memcpy(c->ptr + saved, "...", 4);
			c->ptrlen = saved + 3;
		}
	} else
		c->ptrlen = b.len;
	c->ptr[c->ptrlen] = '\0';
	return saved;
}

static size_t
ptr_push_index(struct cctx *c, size_t i)
{
	char	 num[32];

	snprintf(num, sizeof num, "%zu", i);
	return ptr_push(c, num);
}

static void
ptr_pop(struct cctx *c, size_t saved)
{
	c->ptrlen = saved;
	c->ptr[saved] = '\0';
}

static const char *
json_type_name(const cJSON *j)
{
	switch (j->type & 0xff) {
	case cJSON_NULL:
		return "null";
	case cJSON_False:
	case cJSON_True:
		return "boolean";
	case cJSON_Number:
		return "number";
	case cJSON_String:
		return "string";
	case cJSON_Array:
		return "array";
	case cJSON_Object:
		return "object";
	}
	return "invalid value";
}

static const cJSON *
kw(const cJSON *j, const char *name)
{
	return cJSON_GetObjectItemCaseSensitive(j, name);
}

static int
get_number(struct cctx *c, const cJSON *j, const char *name, int *has,
    double *out)
{
	const cJSON	*k = kw(j, name);

	if (k == NULL)
		return 0;
	if (!cJSON_IsNumber(k))
		return cerr(c, "'%s' must be a number, got %s", name,
		    json_type_name(k));
	*has = 1;
	*out = k->valuedouble;
	return 0;
}

static int
get_count(struct cctx *c, const cJSON *j, const char *name, long long *out)
{
	const cJSON	*k = kw(j, name);

	*out = -1;
	if (k == NULL)
		return 0;
	if (!cJSON_IsNumber(k) || !is_integral(k->valuedouble) ||
	    k->valuedouble < 0)
		return cerr(c, "'%s' must be a non-negative integer", name);
	if (k->valuedouble > 1e18)
		*out = (long long)1e18;
	else
		*out = (long long)k->valuedouble;
	return 0;
}

static int
get_schema(struct cctx *c, const cJSON *j, const char *name,
    struct node **out)
{
	const cJSON	*k = kw(j, name);
	size_t		 saved;

	*out = NULL;
	if (k == NULL)
		return 0;
	saved = ptr_push(c, name);
	*out = compile_node(c, k);
	ptr_pop(c, saved);
	return *out == NULL ? -1 : 0;
}

static int
get_list(struct cctx *c, const cJSON *j, const char *name, int nonempty,
    struct nodelist *out)
{
	const cJSON	*k = kw(j, name), *e;
	size_t		 saved, saved2, n = 0;

	if (k == NULL)
		return 0;
	if (!cJSON_IsArray(k))
		return cerr(c, "'%s' must be an array of schemas, got %s",
		    name, json_type_name(k));
	for (e = k->child; e != NULL; e = e->next)
		n++;
	if (n == 0 && nonempty)
		return cerr(c, "'%s' must not be empty", name);
	out->v = xcalloc(n, sizeof *out->v);
	saved = ptr_push(c, name);
	for (e = k->child; e != NULL; e = e->next) {
		saved2 = ptr_push_index(c, out->n);
		out->v[out->n] = compile_node(c, e);
		ptr_pop(c, saved2);
		if (out->v[out->n] == NULL) {
			ptr_pop(c, saved);
			return -1;
		}
		out->n++;
	}
	ptr_pop(c, saved);
	return 0;
}

/* Every value of an object of schemas ($defs, dependentSchemas). */
static int
compile_object_of_schemas(struct cctx *c, const cJSON *j, const char *name)
{
	const cJSON	*k = kw(j, name), *e;
	size_t		 saved, saved2;

	if (k == NULL)
		return 0;
	if (!cJSON_IsObject(k))
		return cerr(c, "'%s' must be an object, got %s", name,
		    json_type_name(k));
	saved = ptr_push(c, name);
	for (e = k->child; e != NULL; e = e->next) {
		saved2 = ptr_push(c, e->string != NULL ? e->string : "");
		if (compile_node(c, e) == NULL)
			return -1;
		ptr_pop(c, saved2);
	}
	ptr_pop(c, saved);
	return 0;
}

static int
check_string_array(struct cctx *c, const cJSON *k, const char *name)
{
	const cJSON	*e;

	if (!cJSON_IsArray(k))
		return cerr(c, "'%s' must be an array of strings, got %s",
		    name, json_type_name(k));
	for (e = k->child; e != NULL; e = e->next) {
		if (!cJSON_IsString(e) || e->valuestring == NULL)
			return cerr(c, "'%s' must hold only strings, got %s",
			    name, json_type_name(e));
	}
	return 0;
}

static int
compile_type(struct cctx *c, struct node *n, const cJSON *k)
{
	const cJSON	*e;
	size_t		 i;
	char		 s[SNIP_SIZE + 4];

	if (cJSON_IsString(k)) {
		for (i = 0; i < sizeof type_names / sizeof type_names[0]; i++) {
			if (strcmp(k->valuestring, type_names[i].name) == 0) {
				n->types = type_names[i].bit;
				return 0;
			}
		}
		return cerr(c, "unknown type %s", snip(k, s));
	}
	if (!cJSON_IsArray(k) || k->child == NULL)
		return cerr(c, "'type' must be a type name or a non-empty "
		    "array of them");
	for (e = k->child; e != NULL; e = e->next) {
		if (!cJSON_IsString(e))
			return cerr(c, "'type' array must hold type names, "
			    "got %s", json_type_name(e));
		for (i = 0; i < sizeof type_names / sizeof type_names[0]; i++) {
			if (strcmp(e->valuestring, type_names[i].name) == 0)
				break;
		}
		if (i == sizeof type_names / sizeof type_names[0])
			return cerr(c, "unknown type %s", snip(e, s));
		n->types |= type_names[i].bit;
	}
	return 0;
}

static int
compile_pattern(struct cctx *c, const char *src, struct pattern **out)
{
	char	 why[192], s[SNIP_SIZE + 4];

	why[0] = '\0';
	if (!c->s->c_locale_tried) {
		c->s->c_locale_tried = 1;
		c->s->c_locale = newlocale(LC_CTYPE_MASK | LC_COLLATE_MASK, "C",
		    (locale_t)0);
	}
	if ((*out = pattern_new(src, c->s->c_locale, why, sizeof why)) == NULL)
		return cerr(c, "cannot use pattern %s: %s", snip_str(src, s),
		    why);
	c->s->pattern_nodes += (*out)->nodes;
	if (c->s->pattern_nodes > SCHEMA_MAX_PATTERN_NODES) {
		pattern_free(*out);
		*out = NULL;
		return cerr(c, "cannot use pattern %s: the schema's patterns "
		    "are too large together (more than %d nodes once "
		    "expanded); simplify them", snip_str(src, s),
		    SCHEMA_MAX_PATTERN_NODES);
	}
	return 0;
}

static int
prop_cmp(const void *a, const void *b)
{
	return strcmp(((const struct prop *)a)->name,
	    ((const struct prop *)b)->name);
}

static int
compile_numbers(struct cctx *c, struct node *n)
{
	const cJSON	*j = n->json, *k;

	if (get_number(c, j, "minimum", &n->has_min, &n->minimum) != 0 ||
	    get_number(c, j, "maximum", &n->has_max, &n->maximum) != 0)
		return -1;
	/* draft-04 spells exclusive bounds as booleans beside the bound. */
	if ((k = kw(j, "exclusiveMinimum")) != NULL && cJSON_IsBool(k)) {
		if (cJSON_IsTrue(k) && n->has_min) {
			n->has_xmin = 1;
			n->xminimum = n->minimum;
			n->has_min = 0;
		}
	} else if (get_number(c, j, "exclusiveMinimum", &n->has_xmin,
	    &n->xminimum) != 0)
		return -1;
	if ((k = kw(j, "exclusiveMaximum")) != NULL && cJSON_IsBool(k)) {
		if (cJSON_IsTrue(k) && n->has_max) {
			n->has_xmax = 1;
			n->xmaximum = n->maximum;
			n->has_max = 0;
		}
	} else if (get_number(c, j, "exclusiveMaximum", &n->has_xmax,
	    &n->xmaximum) != 0)
		return -1;
	if (get_number(c, j, "multipleOf", &n->has_multiple,
	    &n->multiple_of) != 0)
		return -1;
	if (n->has_multiple && !(n->multiple_of > 0))
		return cerr(c, "'multipleOf' must be greater than 0");
	return 0;
}

static int
compile_strings(struct cctx *c, struct node *n)
{
	const cJSON	*j = n->json, *k;
	size_t		 i;

	if (get_count(c, j, "minLength", &n->min_length) != 0 ||
	    get_count(c, j, "maxLength", &n->max_length) != 0)
		return -1;
	if ((k = kw(j, "pattern")) != NULL) {
		if (!cJSON_IsString(k))
			return cerr(c, "'pattern' must be a string, got %s",
			    json_type_name(k));
		if (compile_pattern(c, k->valuestring, &n->pattern) != 0)
			return -1;
	}
	if ((k = kw(j, "format")) != NULL) {
		if (!cJSON_IsString(k))
			return cerr(c, "'format' must be a string, got %s",
			    json_type_name(k));
		/* Unknown formats are annotations. */
		for (i = 0; i < sizeof formats / sizeof formats[0]; i++) {
			if (strcmp(k->valuestring, formats[i].name) == 0)
				n->format = formats[i].format;
		}
	}
	return 0;
}

static int
compile_arrays(struct cctx *c, struct node *n)
{
	const cJSON	*j = n->json, *k, *items = kw(j, "items");

	if (kw(j, "prefixItems") != NULL) {
		if (get_list(c, j, "prefixItems", 0, &n->prefix) != 0)
			return -1;
		if (items != NULL && !cJSON_IsObject(items) &&
		    !cJSON_IsBool(items))
			return cerr(c, "'items' must be a schema when "
			    "'prefixItems' is present");
		if (get_schema(c, j, "items", &n->items) != 0)
			return -1;
	} else if (items != NULL && cJSON_IsArray(items)) {
		/* Before 2020-12 an array of items was the tuple form. */
		if (get_list(c, j, "items", 0, &n->prefix) != 0 ||
		    get_schema(c, j, "additionalItems", &n->items) != 0)
			return -1;
	} else if (get_schema(c, j, "items", &n->items) != 0)
		return -1;

	if (get_count(c, j, "minItems", &n->min_items) != 0 ||
	    get_count(c, j, "maxItems", &n->max_items) != 0)
		return -1;
	if ((k = kw(j, "uniqueItems")) != NULL) {
		if (!cJSON_IsBool(k))
			return cerr(c, "'uniqueItems' must be a boolean, got "
			    "%s", json_type_name(k));
		n->unique = cJSON_IsTrue(k);
	}
	if (get_schema(c, j, "contains", &n->contains) != 0 ||
	    get_count(c, j, "minContains", &n->min_contains) != 0 ||
	    get_count(c, j, "maxContains", &n->max_contains) != 0)
		return -1;
	return 0;
}

static int
compile_properties(struct cctx *c, struct node *n)
{
	const cJSON	*k, *e;
	size_t		 saved, saved2, count = 0;

	if ((k = kw(n->json, "properties")) == NULL)
		return 0;
	if (!cJSON_IsObject(k))
		return cerr(c, "'properties' must be an object, got %s",
		    json_type_name(k));
	for (e = k->child; e != NULL; e = e->next)
		count++;
	n->props = xcalloc(count, sizeof *n->props);
	saved = ptr_push(c, "properties");
	for (e = k->child; e != NULL; e = e->next) {
		if (e->string == NULL)
			continue;
		saved2 = ptr_push(c, e->string);
		n->props[n->nprops].name = e->string;
		if ((n->props[n->nprops].schema = compile_node(c, e)) == NULL)
			return -1;
		ptr_pop(c, saved2);
		n->nprops++;
	}
	ptr_pop(c, saved);
	qsort(n->props, n->nprops, sizeof *n->props, prop_cmp);
	return 0;
}

static int
compile_pattern_properties(struct cctx *c, struct node *n)
{
	const cJSON	*k, *e;
	size_t		 saved, saved2, count = 0;
	struct pprop	*pp;

	if ((k = kw(n->json, "patternProperties")) == NULL)
		return 0;
	if (!cJSON_IsObject(k))
		return cerr(c, "'patternProperties' must be an object, got %s",
		    json_type_name(k));
	for (e = k->child; e != NULL; e = e->next)
		count++;
	n->pprops = xcalloc(count, sizeof *n->pprops);
	saved = ptr_push(c, "patternProperties");
	for (e = k->child; e != NULL; e = e->next) {
		if (e->string == NULL)
			continue;
		saved2 = ptr_push(c, e->string);
		pp = &n->pprops[n->npprops];
		if (compile_pattern(c, e->string, &pp->pattern) != 0)
			return -1;
		n->npprops++;
		if ((pp->schema = compile_node(c, e)) == NULL)
			return -1;
		ptr_pop(c, saved2);
	}
	ptr_pop(c, saved);
	return 0;
}

/* dependentRequired, dependentSchemas and draft-07 dependencies. */
static int
compile_deps(struct cctx *c, struct node *n)
{
	static const char	*names[] = { "dependentRequired",
	    "dependentSchemas", "dependencies" };
	const cJSON		*k, *e;
	size_t			 i, count = 0, saved, saved2;
	struct dep		*d;

	for (i = 0; i < 3; i++) {
		if ((k = kw(n->json, names[i])) == NULL)
			continue;
		if (!cJSON_IsObject(k))
			return cerr(c, "'%s' must be an object, got %s",
			    names[i], json_type_name(k));
		for (e = k->child; e != NULL; e = e->next)
			count++;
	}
	if (count == 0)
		return 0;
	n->deps = xcalloc(count, sizeof *n->deps);
	for (i = 0; i < 3; i++) {
		if ((k = kw(n->json, names[i])) == NULL)
			continue;
		saved = ptr_push(c, names[i]);
		for (e = k->child; e != NULL; e = e->next) {
			if (e->string == NULL)
				continue;
			saved2 = ptr_push(c, e->string);
			d = &n->deps[n->ndeps++];
			d->name = e->string;
			if (i != 1 && cJSON_IsArray(e)) {
				if (check_string_array(c, e, names[i]) != 0)
					return -1;
				d->required = e;
			} else if (i == 0)
				return cerr(c, "'dependentRequired' values "
				    "must be arrays of strings");
			else if ((d->schema = compile_node(c, e)) == NULL)
				return -1;
			ptr_pop(c, saved2);
		}
		ptr_pop(c, saved);
	}
	return 0;
}

static int
compile_objects(struct cctx *c, struct node *n)
{
	const cJSON	*j = n->json, *k;

	if (compile_properties(c, n) != 0 ||
	    compile_pattern_properties(c, n) != 0)
		return -1;
	if ((k = kw(j, "required")) != NULL) {
		if (check_string_array(c, k, "required") != 0)
			return -1;
		n->required = k;
	}
	if (get_schema(c, j, "additionalProperties", &n->additional) != 0 ||
	    get_schema(c, j, "propertyNames", &n->property_names) != 0 ||
	    get_count(c, j, "minProperties", &n->min_props) != 0 ||
	    get_count(c, j, "maxProperties", &n->max_props) != 0)
		return -1;
	return compile_deps(c, n);
}

static int
compile_dialect(struct cctx *c, const cJSON *k)
{
	const char	*uri;
	size_t		 len, i;
	char		 s[SNIP_SIZE + 4];

	if (!cJSON_IsString(k))
		return cerr(c, "'$schema' must be a string, got %s",
		    json_type_name(k));
	uri = k->valuestring;
	if (strncmp(uri, "https://", 8) == 0)
		uri += 8;
	else if (strncmp(uri, "http://", 7) == 0)
		uri += 7;
	else
		uri = NULL;
	if (uri != NULL) {
		len = strlen(uri);
		if (len > 0 && uri[len - 1] == '#')
			len--;
		for (i = 0; i < sizeof dialects / sizeof dialects[0]; i++) {
			if (strlen(dialects[i].uri) == len &&
			    strncmp(uri, dialects[i].uri, len) == 0) {
				c->dialect = dialects[i].dialect;
				return 0;
			}
		}
	}
	return cerr(c, "unsupported JSON Schema dialect %s; use "
	    "\"https://json-schema.org/draft/2020-12/schema\" or draft-07",
	    snip_name(k->valuestring, s));
}

/* Long enums (airport codes) are looked up by hash, not one by one. */
static void
compile_enum_index(struct node *n)
{
	const cJSON	*e;
	size_t		 i = 0;

	for (e = n->enumv->child; e != NULL; e = e->next)
		n->enum_count++;
	if (n->enum_count < ENUM_INDEX_MIN)
		return;
	n->enum_index = xcalloc(n->enum_count, 2 * sizeof *n->enum_index);
	n->enum_items = xcalloc(n->enum_count, sizeof *n->enum_items);
	for (e = n->enumv->child; e != NULL; e = e->next, i++) {
		n->enum_items[i] = e;
		n->enum_index[2 * i] = json_hash(NULL, e, 0);
		n->enum_index[2 * i + 1] = i;
	}
	qsort(n->enum_index, n->enum_count, 2 * sizeof *n->enum_index,
	    hitem_cmp);
}

static int
compile_keywords(struct cctx *c, struct node *n)
{
	struct mcp_schema	*s = c->s;
	const cJSON		*j = n->json, *k;

	if ((k = kw(j, "$schema")) != NULL && compile_dialect(c, k) != 0)
		return -1;

	/* Before 2019-09, "$id": "#name" was the anchor; allow it always. */
	if ((k = kw(j, "$anchor")) != NULL && cJSON_IsString(k))
		n->anchor = k->valuestring;
	else if ((k = kw(j, c->dialect == DIALECT_DRAFT_04 ? "id" : "$id")) !=
	    NULL && cJSON_IsString(k) && k->valuestring[0] == '#')
		n->anchor = k->valuestring + 1;
	if (n->anchor != NULL && *n->anchor != '\0')
		push_node(&s->anchors, &s->nanchors, &s->anchors_cap, n);

	/* Definitions compile even when unused, so their errors show. */
	if (compile_object_of_schemas(c, j, "$defs") != 0 ||
	    compile_object_of_schemas(c, j, "definitions") != 0)
		return -1;

	if ((k = kw(j, "$ref")) != NULL) {
		if (!cJSON_IsString(k))
			return cerr(c, "'$ref' must be a string, got %s",
			    json_type_name(k));
		n->ref = k->valuestring;
		n->ref_where = xstrdup(c->ptr);
		push_node(&s->refs, &s->nrefs, &s->refs_cap, n);
		/* Up to draft-07, $ref makes its siblings ignored. */
		if (c->dialect >= DIALECT_DRAFT_07)
			return 0;
	}

	if ((k = kw(j, "type")) != NULL && compile_type(c, n, k) != 0)
		return -1;
	n->constv = kw(j, "const");
	if ((k = kw(j, "enum")) != NULL) {
		if (!cJSON_IsArray(k))
			return cerr(c, "'enum' must be an array, got %s",
			    json_type_name(k));
		n->enumv = k;
		compile_enum_index(n);
	}
	if (compile_numbers(c, n) != 0 || compile_strings(c, n) != 0 ||
	    compile_arrays(c, n) != 0 || compile_objects(c, n) != 0)
		return -1;
	if (get_list(c, j, "allOf", 1, &n->all_of) != 0 ||
	    get_list(c, j, "anyOf", 1, &n->any_of) != 0 ||
	    get_list(c, j, "oneOf", 1, &n->one_of) != 0 ||
	    get_schema(c, j, "not", &n->not_schema) != 0 ||
	    get_schema(c, j, "if", &n->if_schema) != 0 ||
	    get_schema(c, j, "then", &n->then_schema) != 0 ||
	    get_schema(c, j, "else", &n->else_schema) != 0)
		return -1;
	return 0;
}

static struct node *
compile_node(struct cctx *c, const cJSON *j)
{
	struct mcp_schema	*s = c->s;
	struct node		*n;
	enum dialect		 saved;
	int			 rc;

	if ((n = map_get(&s->map, j)) != NULL)
		return n;
	if (!cJSON_IsObject(j) && !cJSON_IsBool(j)) {
		cerr(c, "a schema must be an object or a boolean, got %s",
		    json_type_name(j));
		return NULL;
	}
	n = xcalloc(1, sizeof *n);
	n->json = j;
	n->min_length = n->max_length = -1;
	n->min_items = n->max_items = -1;
	n->min_contains = n->max_contains = -1;
	n->min_props = n->max_props = -1;
	push_node(&s->nodes, &s->nnodes, &s->nodes_cap, n);
	map_put(&s->map, j, n);
	if (cJSON_IsBool(j)) {
		n->boolean = cJSON_IsTrue(j);
		return n;
	}
	n->boolean = -1;
	saved = c->dialect;
	rc = compile_keywords(c, n);
	c->dialect = saved;
	return rc == 0 ? n : NULL;
}

/* Decode %XX escapes of a URI fragment; the caller frees the result. */
static char *
percent_decode(const char *s)
{
	char	*out = xmalloc(strlen(s) + 1), *o = out;
	int	 hi, lo;

	while (*s != '\0') {
		if (s[0] == '%' && (hi = hex_value((unsigned char)s[1])) >= 0 &&
		    (lo = hex_value((unsigned char)s[2])) >= 0) {
			*o++ = (char)(hi * 16 + lo);
			s += 3;
		} else
			*o++ = *s++;
	}
	*o = '\0';
	return out;
}

/* Walk a JSON pointer ("/a/b/0") from the document root. */
static const cJSON *
pointer_walk(const cJSON *doc, char *ptr, int *bad)
{
	const cJSON	*cur = doc;
	char		*tok, *next, *r, *w;
	size_t		 idx;

	*bad = 0;
	for (tok = ptr + 1; cur != NULL; tok = next + 1) {
		next = strchr(tok, '/');
		if (next != NULL)
			*next = '\0';
		for (r = w = tok; *r != '\0'; r++) {
			if (*r != '~')
				*w++ = *r;
			else if (r[1] == '0' || r[1] == '1')
				*w++ = *++r == '0' ? '~' : '/';
			else {
				*bad = 1;
				return NULL;
			}
		}
		*w = '\0';
		if (cJSON_IsObject(cur))
			cur = cJSON_GetObjectItemCaseSensitive(cur, tok);
		else if (cJSON_IsArray(cur)) {
			if (!is_digit((unsigned char)tok[0]) ||
			    (tok[0] == '0' && tok[1] != '\0') ||
			    strlen(tok) > 9)
				return NULL;
			idx = (size_t)strtoul(tok, NULL, 10);
			for (cur = cur->child; cur != NULL && idx > 0; idx--)
				cur = cur->next;
		} else
			return NULL;
		if (next == NULL)
			break;
	}
	return cur;
}

static int
resolve_ref(struct cctx *c, struct node *n)
{
	struct mcp_schema	*s = c->s;
	const char		*r = n->ref;
	const cJSON		*target = NULL;
	char			*frag, sn[SNIP_SIZE + 4];
	size_t			 len, i;
	int			 bad = 0;

	if (s->base != NULL && (len = strlen(s->base)) > 0 &&
	    strncmp(r, s->base, len) == 0 && (r[len] == '\0' || r[len] == '#'))
		r += len;
	if (*r == '\0')
		target = s->doc;
	else if (*r != '#')
		return cerr(c, "remote $ref not supported: %s; put the "
		    "definition under \"$defs\" and use \"#/$defs/...\"",
		    snip_name(n->ref, sn));
	else {
		frag = percent_decode(r + 1);
		if (*frag == '\0')
			target = s->doc;
		else if (*frag == '/')
			target = pointer_walk(s->doc, frag, &bad);
		else {
			for (i = 0; i < s->nanchors; i++) {
				if (strcmp(s->anchors[i]->anchor, frag) == 0) {
					target = s->anchors[i]->json;
					break;
				}
			}
		}
		free(frag);
	}
	if (bad)
		return cerr(c, "$ref %s is not a valid JSON pointer (use ~0 "
		    "for '~' and ~1 for '/')", snip_name(n->ref, sn));
	if (target == NULL)
		return cerr(c, "$ref %s points to nothing in this schema",
		    snip_name(n->ref, sn));
	if (!cJSON_IsObject(target) && !cJSON_IsBool(target))
		return cerr(c, "$ref %s points to %s %s, not a schema",
		    snip_name(n->ref, sn), cJSON_IsArray(target) ||
		    cJSON_IsObject(target) ? "an" : "a",
		    json_type_name(target));
	if ((n->ref_target = compile_node(c, target)) == NULL)
		return -1;
	return 0;
}

/* Targets compile on demand, which may add refs: s->nrefs can grow. */
static int
resolve_refs(struct cctx *c, enum dialect root_dialect)
{
	struct mcp_schema	*s = c->s;
	struct node		*n;
	size_t			 i;

	for (i = 0; i < s->nrefs; i++) {
		n = s->refs[i];
		snprintf(c->ptr, sizeof c->ptr, "%s", n->ref_where);
		c->ptrlen = strlen(c->ptr);
		c->dialect = root_dialect;
		if (resolve_ref(c, n) != 0)
			return -1;
	}
	return 0;
}

static int
json_too_deep(const cJSON *j, int depth)
{
	const cJSON	*e;

	if (depth > SCHEMA_MAX_JSON_DEPTH)
		return 1;
	for (e = j->child; e != NULL; e = e->next) {
		if ((cJSON_IsArray(e) || cJSON_IsObject(e)) &&
		    json_too_deep(e, depth + 1))
			return 1;
	}
	return 0;
}

struct mcp_schema *
mcp_schema_new(const cJSON *schema, char *err, size_t errlen)
{
	struct mcp_schema	*s;
	struct cctx		*c;
	const cJSON		*id;
	enum dialect		 root_dialect;
	char			*hash;

	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if (schema == NULL) {
		if (err != NULL)
			snprintf(err, errlen, "schema: none given");
		return NULL;
	}
	if ((cJSON_IsArray(schema) || cJSON_IsObject(schema)) &&
	    json_too_deep(schema, 1)) {
		if (err != NULL)
			snprintf(err, errlen, "schema: nested more than %d "
			    "levels deep", SCHEMA_MAX_JSON_DEPTH);
		return NULL;
	}
	s = xcalloc(1, sizeof *s);
	if ((s->doc = cJSON_Duplicate(schema, 1)) == NULL) {
		if (err != NULL)
			snprintf(err, errlen, "schema: out of memory copying "
			    "the schema");
		free(s);
		return NULL;
	}
	if ((id = kw(s->doc, "$id")) != NULL && cJSON_IsString(id)) {
		s->base = xstrdup(id->valuestring);
		if ((hash = strchr(s->base, '#')) != NULL)
			*hash = '\0';
	}

	c = xcalloc(1, sizeof *c);
	c->s = s;
	c->err = err;
	c->errlen = errlen;
	c->dialect = DIALECT_2020_12;
	if ((id = kw(s->doc, "$schema")) != NULL && compile_dialect(c, id) != 0)
		goto fail;
	root_dialect = c->dialect;
	if ((s->root = compile_node(c, s->doc)) == NULL ||
	    resolve_refs(c, root_dialect) != 0)
		goto fail;
	free(c);
	return s;

fail:
	free(c);
	mcp_schema_free(s);
	return NULL;
}

void
mcp_schema_free(struct mcp_schema *s)
{
	size_t	 i;

	if (s == NULL)
		return;
	for (i = 0; i < s->nnodes; i++)
		node_free(s->nodes[i]);
	free(s->nodes);
	free(s->map.keys);
	free(s->map.vals);
	free(s->refs);
	free(s->anchors);
	free(s->base);
	if (s->c_locale != (locale_t)0)
		freelocale(s->c_locale);
	cJSON_Delete(s->doc);
	free(s);
}

const cJSON *
mcp_schema_json(const struct mcp_schema *s)
{
	return s != NULL ? s->doc : NULL;
}

/* Checking: paths and failures. */

/* The path for a message; a long one keeps its start and its end. */
static void
fb_path(struct fbuf *b, const struct vctx *v)
{
	size_t	 head = 48, tail;

	if (v->pathlen <= PATH_SHOWN) {
		fb_add(b, v->path, v->pathlen);
		return;
	}
	while (head > 0 && ((unsigned char)v->path[head] & 0xc0) == 0x80)
		head--;
	tail = v->pathlen - (PATH_SHOWN - 48 - 3);
	while (tail < v->pathlen && ((unsigned char)v->path[tail] & 0xc0) ==
	    0x80)
		tail++;
	fb_add(b, v->path, head);
	fb_adds(b, "...");
	fb_add(b, v->path + tail, v->pathlen - tail);
}

static int
fail(struct vctx *v, enum fail_kind kind, unsigned types, const char *fmt,
    ...) __attribute__((format(printf, 4, 5)));

static int
fail(struct vctx *v, enum fail_kind kind, unsigned types, const char *fmt,
    ...)
{
	struct fbuf	 b;
	va_list		 ap;
	char		 msg[1024];

	v->fail_kind = kind;
	v->fail_types = types;
	v->fail_depth = v->pathlen;
	if (v->err == NULL)
		return -1;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	fb_init(&b, v->err, v->errlen);
	fb_path(&b, v);
	fb_adds(&b, ": ");
	fb_adds(&b, msg);
	fb_finish(&b);
	return -1;
}

/* A limit was hit: the value is refused whatever anyOf or not would say. */
static int
give_up(struct vctx *v, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
give_up(struct vctx *v, const char *fmt, ...)
{
	struct fbuf	 b;
	va_list		 ap;
	char		 msg[256];

	if (v->aborted)
		return -1;
	v->aborted = 1;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	fb_init(&b, v->abort_msg, sizeof v->abort_msg);
	fb_path(&b, v);
	fb_adds(&b, ": ");
	fb_adds(&b, msg);
	fb_finish(&b);
	return -1;
}

static size_t
path_append(struct vctx *v, const char *text, size_t saved)
{
	struct fbuf	 b;

	b.p = v->path;
	b.cap = sizeof v->path - 4;
	b.len = v->pathlen;
	b.full = 0;
	fb_adds(&b, text);
	if (b.full) {
		v->pathlen = saved;
		if (saved < 3 || memcmp(v->path + saved - 3, "...", 3) != 0) {
			memcpy(v->path + saved, "...", 3);
			v->pathlen = saved + 3;
		}
	} else
		v->pathlen = b.len;
	v->path[v->pathlen] = '\0';
	return saved;
}

/* ".name", or ["odd name"] when the name is not a plain word. */
static size_t
path_push_key(struct vctx *v, const char *key)
{
	const unsigned char	*k;
	struct fbuf		 b;
	char			 seg[128];
	int			 plain = *key != '\0' && strlen(key) <= 64;

	for (k = (const unsigned char *)key; *k != '\0' && plain; k++) {
		if (!is_alnum(*k) && *k != '_' && *k != '-' && *k != '$')
			plain = 0;
	}
	fb_init(&b, seg, sizeof seg);
	if (plain) {
		fb_adds(&b, ".");
		fb_adds(&b, key);
	} else {
		fb_adds(&b, "[\"");
		fb_text(&b, key, '"', 48);
		fb_adds(&b, "\"]");
	}
	return path_append(v, seg, v->pathlen);
}

static size_t
path_push_index(struct vctx *v, size_t i)
{
	char	 seg[32];

	snprintf(seg, sizeof seg, "[%zu]", i);
	return path_append(v, seg, v->pathlen);
}

static void
path_pop(struct vctx *v, size_t saved)
{
	v->pathlen = saved;
	v->path[saved] = '\0';
}

static int
fail_type(struct vctx *v, unsigned types, const cJSON *val)
{
	char	 want[96], got[SNIP_SIZE + 32];

	if (v->err == NULL)
		return fail(v, FAIL_TYPE, types, "%s", "");
	return fail(v, FAIL_TYPE, types, "expected %s, got %s",
	    types_text(types, want, sizeof want),
	    describe(val, got, sizeof got));
}

/* Add the values a node allows (its const or enum) to a list. */
static void
enum_list_add(struct fbuf *b, const struct node *n, size_t *count)
{
	const cJSON	*e;
	char		 s[SNIP_SIZE + 4];

	if (n->constv != NULL) {
		if ((*count)++ < LIST_MAX) {
			if (*count > 1)
				fb_adds(b, ", ");
			fb_adds(b, snip(n->constv, s));
		}
		return;
	}
	for (e = n->enumv != NULL ? n->enumv->child : NULL; e != NULL;
	    e = e->next) {
		if ((*count)++ < LIST_MAX) {
			if (*count > 1)
				fb_adds(b, ", ");
			fb_adds(b, snip(e, s));
		}
	}
}

static int
fail_enum(struct vctx *v, const struct node *const *alts, size_t nalts,
    const cJSON *val)
{
	struct fbuf	 b;
	char		 list[LIST_MAX * (SNIP_SIZE + 8)], more[64];
	char		 got[SNIP_SIZE + 4];
	size_t		 i, count = 0;

	if (v->err == NULL)
		return fail(v, FAIL_ENUM, 0, "%s", "");
	fb_init(&b, list, sizeof list);
	for (i = 0; i < nalts; i++)
		enum_list_add(&b, alts[i], &count);
	more[0] = '\0';
	if (count > LIST_MAX)
		snprintf(more, sizeof more, ", ... (%zu in all)", count);
	if (count == 0)
		return fail(v, FAIL_ENUM, 0, "no value is allowed here (the "
		    "enum is empty), got %s", snip(val, got));
	return fail(v, FAIL_ENUM, 0, "must be %s%s%s (got %s)",
	    count == 1 ? "" : "one of ", list, more, snip(val, got));
}

/* Checking: keywords by the type of the value. */

static int
check_number(struct vctx *v, const struct node *n, const cJSON *val)
{
	double	 d = val->valuedouble;
	char	 a[32], b[32];

	if (n->has_min && d < n->minimum)
		return fail(v, FAIL_OTHER, 0, "must be >= %s (got %s)",
		    fmt_number(n->minimum, a, sizeof a),
		    fmt_number(d, b, sizeof b));
	if (n->has_max && d > n->maximum)
		return fail(v, FAIL_OTHER, 0, "must be <= %s (got %s)",
		    fmt_number(n->maximum, a, sizeof a),
		    fmt_number(d, b, sizeof b));
	if (n->has_xmin && d <= n->xminimum)
		return fail(v, FAIL_OTHER, 0, "must be > %s (got %s)",
		    fmt_number(n->xminimum, a, sizeof a),
		    fmt_number(d, b, sizeof b));
	if (n->has_xmax && d >= n->xmaximum)
		return fail(v, FAIL_OTHER, 0, "must be < %s (got %s)",
		    fmt_number(n->xmaximum, a, sizeof a),
		    fmt_number(d, b, sizeof b));
	if (n->has_multiple && !is_multiple(d, n->multiple_of))
		return fail(v, FAIL_OTHER, 0, "must be a multiple of %s "
		    "(got %s)", fmt_number(n->multiple_of, a, sizeof a),
		    fmt_number(d, b, sizeof b));
	return 0;
}

/*
 * Charge a regexec to the step budget before running it. When glibc builds
 * a new DFA state at every byte, as "(a|b)*a(a|b){20}c" makes it, a pass
 * costs about a microsecond per byte per position of the pattern.
 */
static int
charge_regex(struct vctx *v, const struct pattern *p, size_t len)
{
	double	 cost = SCHEMA_STEPS_PER_REGEX * (double)len * (double)p->cost;

	if (p->search == SEARCH_QUADRATIC)
		cost += (double)len * (double)len * (double)p->cost / 64;
	if (cost >= (double)(v->max_steps - v->steps))
		v->steps = v->max_steps + 1;
	else
		v->steps += 1 + (unsigned long)cost;
	if (v->steps > v->max_steps)
		return give_up(v, "gave up matching pattern after %lu steps; "
		    "the value or the pattern is too large", v->max_steps);
	return 0;
}

static int
check_string(struct vctx *v, const struct node *n, const cJSON *val)
{
	const char	*s = val->valuestring;
	size_t		 len;
	char		 p[SNIP_SIZE + 4], got[SNIP_SIZE + 4];

	if (n->min_length >= 0 || n->max_length >= 0) {
		len = utf8_count(s);
		v->steps += len / 64;
		if (n->min_length >= 0 &&
		    len < (unsigned long long)n->min_length)
			return fail(v, FAIL_OTHER, 0, "must be at least %lld "
			    "character%s long (got %zu)", n->min_length,
			    n->min_length == 1 ? "" : "s", len);
		if (n->max_length >= 0 &&
		    len > (unsigned long long)n->max_length)
			return fail(v, FAIL_OTHER, 0, "must be at most %lld "
			    "character%s long (got %zu)", n->max_length,
			    n->max_length == 1 ? "" : "s", len);
	}
	if (n->pattern != NULL) {
		if (charge_regex(v, n->pattern, strlen(s)) != 0)
			return -1;
		if (!pattern_match(n->pattern, s))
			return fail(v, FAIL_OTHER, 0, "must match pattern %s "
			    "(got %s)", snip_str(n->pattern->source, p),
			    snip(val, got));
	}
	if (n->format != FMT_NONE && !format_ok(n->format, s))
		return fail(v, FAIL_OTHER, 0, "expected %s, got %s",
		    format_expected(n->format), snip(val, got));
	return 0;
}

/* Sort by hash and compare only equal hashes, not every pair. */
static int
check_unique(struct vctx *v, const cJSON *val, size_t count)
{
	const cJSON	**items;
	uint64_t	 *h;
	const cJSON	 *e;
	size_t		  i, j, k, run, bi = 0, bj = 0;
	int		  found = 0;

	if (count < 2)
		return 0;
	items = xcalloc(count, sizeof *items);
	h = xcalloc(count, 2 * sizeof *h);
	for (i = 0, e = val->child; e != NULL && i < count; e = e->next, i++) {
		items[i] = e;
		h[2 * i] = json_hash(v, e, 0);
		h[2 * i + 1] = i;
	}
	qsort(h, count, 2 * sizeof *h, hitem_cmp);
	for (i = 0; i < count && !found; i = run) {
		for (run = i + 1; run < count && h[2 * run] == h[2 * i]; run++)
			;
		for (j = i; j < run && !found; j++) {
			for (k = j + 1; k < run && !found; k++) {
				if (v->steps > v->max_steps)
					break;
				if (json_equal(v, items[h[2 * j + 1]],
				    items[h[2 * k + 1]], 0)) {
					found = 1;
					bi = (size_t)h[2 * j + 1];
					bj = (size_t)h[2 * k + 1];
				}
			}
		}
	}
	free(items);
	free(h);
	if (v->steps > v->max_steps)
		return give_up(v, "gave up comparing items after %lu steps; "
		    "the array is too large", v->max_steps);
	if (found)
		return fail(v, FAIL_OTHER, 0, "items must be unique, but [%zu] "
		    "and [%zu] are equal", bi, bj);
	return 0;
}

static int
check_array(struct vctx *v, const struct node *n, const cJSON *val)
{
	const struct node	*sn;
	const cJSON		*e;
	char			*saved_err;
	size_t			 count = 0, i, saved, matches = 0;
	int			 rc;

	for (e = val->child; e != NULL; e = e->next)
		count++;
	v->steps += count / 16;
	if (n->min_items >= 0 && count < (unsigned long long)n->min_items)
		return fail(v, FAIL_OTHER, 0, "must have at least %lld item%s "
		    "(got %zu)", n->min_items, n->min_items == 1 ? "" : "s",
		    count);
	if (n->max_items >= 0 && count > (unsigned long long)n->max_items)
		return fail(v, FAIL_OTHER, 0, "must have at most %lld item%s "
		    "(got %zu)", n->max_items, n->max_items == 1 ? "" : "s",
		    count);
	if (n->prefix.n > 0 || n->items != NULL) {
		for (i = 0, e = val->child; e != NULL; e = e->next, i++) {
			sn = i < n->prefix.n ? n->prefix.v[i] : n->items;
			if (sn == NULL)
				break;
			if (sn->boolean == 0 && i >= n->prefix.n)
				return fail(v, FAIL_OTHER, 0, "must have at "
				    "most %zu item%s (got %zu)", n->prefix.n,
				    n->prefix.n == 1 ? "" : "s", count);
			saved = path_push_index(v, i);
			rc = check(v, sn, e);
			path_pop(v, saved);
			if (rc != 0)
				return -1;
		}
	}
	if (n->contains != NULL) {
		saved_err = v->err;
		v->err = NULL;
		for (e = val->child; e != NULL; e = e->next) {
			if (check(v, n->contains, e) == 0)
				matches++;
			if (v->aborted) {
				v->err = saved_err;
				return -1;
			}
			if (n->max_contains >= 0 &&
			    matches > (unsigned long long)n->max_contains)
				break;
		}
		v->err = saved_err;
		if (n->min_contains != 0 && matches < (unsigned long long)
		    (n->min_contains < 0 ? 1 : n->min_contains))
			return fail(v, FAIL_OTHER, 0, "must contain at least "
			    "%lld item%s matching 'contains' (found %zu)",
			    n->min_contains < 0 ? 1 : n->min_contains,
			    n->min_contains > 1 ? "s" : "", matches);
		if (n->max_contains >= 0 &&
		    matches > (unsigned long long)n->max_contains)
			return fail(v, FAIL_OTHER, 0, "must contain at most "
			    "%lld item%s matching 'contains'",
			    n->max_contains, n->max_contains == 1 ? "" : "s");
	}
	if (n->unique)
		return check_unique(v, val, count);
	return 0;
}

static const cJSON *
find_key(struct vctx *v, const cJSON *obj, const char *name)
{
	const cJSON	*e;

	for (e = obj->child; e != NULL; e = e->next) {
		v->steps++;
		if (e->string != NULL && strcmp(e->string, name) == 0)
			return e;
	}
	return NULL;
}

static const struct prop *
find_prop(const struct node *n, const char *name)
{
	struct prop	 key;

	if (n->nprops == 0)
		return NULL;
	key.name = name;
	key.schema = NULL;
	return bsearch(&key, n->props, n->nprops, sizeof *n->props, prop_cmp);
}

static int
fail_unexpected(struct vctx *v, const struct node *n, const char *key)
{
	struct fbuf	 b;
	const cJSON	*props, *e;
	char		 name[96], list[LIST_MAX * 72];
	size_t		 count = 0;

	fb_init(&b, name, sizeof name);
	fb_text(&b, key, '\'', 64);
	fb_init(&b, list, sizeof list);
	props = kw(n->json, "properties");
	if (n->npprops == 0 && props != NULL && props->child != NULL &&
	    n->additional != NULL && n->additional->boolean == 0) {
		fb_adds(&b, "; allowed: ");
		for (e = props->child; e != NULL; e = e->next) {
			if (e->string == NULL || cJSON_IsFalse(e))
				continue;
			if (count == LIST_MAX) {
				fb_adds(&b, ", ...");
				break;
			}
			if (count++ > 0)
				fb_adds(&b, ", ");
			fb_adds(&b, "'");
			fb_text(&b, e->string, '\'', 48);
			fb_adds(&b, "'");
		}
	}
	return fail(v, FAIL_OTHER, 0, "unexpected property '%s'%s", name,
	    list);
}

static int
check_required(struct vctx *v, const cJSON *required, const cJSON *val,
    const char *when)
{
	struct fbuf	 b;
	const cJSON	*e;
	char		 list[LIST_MAX * 72];
	size_t		 missing = 0;

	fb_init(&b, list, sizeof list);
	for (e = required->child; e != NULL; e = e->next) {
		if (e->valuestring == NULL || find_key(v, val, e->valuestring))
			continue;
		if (missing == LIST_MAX)
			fb_adds(&b, ", ...");
		if (missing++ >= LIST_MAX)
			continue;
		if (missing > 1)
			fb_adds(&b, ", ");
		fb_adds(&b, "'");
		fb_text(&b, e->valuestring, '\'', 48);
		fb_adds(&b, "'");
	}
	if (missing == 0)
		return 0;
	if (when != NULL)
		return fail(v, FAIL_OTHER, 0, "missing propert%s %s (required "
		    "when '%s' is present)", missing == 1 ? "y" : "ies", list,
		    when);
	return fail(v, FAIL_OTHER, 0, "missing required propert%s %s",
	    missing == 1 ? "y" : "ies", list);
}

/* One property against a subschema; false reads "unexpected property". */
static int
check_property(struct vctx *v, const struct node *n, const struct node *sn,
    const cJSON *e)
{
	size_t	 saved;
	int	 rc;

	if (sn->boolean == 0)
		return fail_unexpected(v, n, e->string);
	saved = path_push_key(v, e->string);
	rc = check(v, sn, e);
	path_pop(v, saved);
	return rc;
}

static int
check_object(struct vctx *v, const struct node *n, const cJSON *val)
{
	const struct prop	*p;
	const cJSON		*e;
	cJSON			 name;
	char			*saved_err;
	char			 kbuf[SNIP_SIZE + 4], dep[96];
	struct fbuf		 b;
	size_t			 count = 0, i;
	int			 matched;

	for (e = val->child; e != NULL; e = e->next)
		count++;
	v->steps += count / 16;
	if (n->min_props >= 0 && count < (unsigned long long)n->min_props)
		return fail(v, FAIL_OTHER, 0, "must have at least %lld "
		    "propert%s (got %zu)", n->min_props,
		    n->min_props == 1 ? "y" : "ies", count);
	if (n->max_props >= 0 && count > (unsigned long long)n->max_props)
		return fail(v, FAIL_OTHER, 0, "must have at most %lld "
		    "propert%s (got %zu)", n->max_props,
		    n->max_props == 1 ? "y" : "ies", count);
	if (n->required != NULL &&
	    check_required(v, n->required, val, NULL) != 0)
		return -1;

	for (e = val->child; e != NULL; e = e->next) {
		if (e->string == NULL)
			continue;
		v->steps++;
		matched = 0;
		if ((p = find_prop(n, e->string)) != NULL) {
			matched = 1;
			if (check_property(v, n, p->schema, e) != 0)
				return -1;
		}
		for (i = 0; i < n->npprops; i++) {
			if (charge_regex(v, n->pprops[i].pattern,
			    strlen(e->string)) != 0)
				return -1;
			if (!pattern_match(n->pprops[i].pattern, e->string))
				continue;
			matched = 1;
			if (check_property(v, n, n->pprops[i].schema, e) != 0)
				return -1;
		}
		if (!matched && n->additional != NULL &&
		    check_property(v, n, n->additional, e) != 0)
			return -1;
		if (n->property_names != NULL) {
			memset(&name, 0, sizeof name);
			name.type = cJSON_String;
			name.valuestring = e->string;
			saved_err = v->err;
			v->err = NULL;
			if (check(v, n->property_names, &name) != 0) {
				v->err = saved_err;
				if (v->aborted)
					return -1;
				return fail(v, FAIL_OTHER, 0, "property name "
				    "%s does not match 'propertyNames'",
				    snip_str(e->string, kbuf));
			}
			v->err = saved_err;
		}
	}

	for (i = 0; i < n->ndeps; i++) {
		if (find_key(v, val, n->deps[i].name) == NULL)
			continue;
		if (n->deps[i].required != NULL) {
			fb_init(&b, dep, sizeof dep);
			fb_text(&b, n->deps[i].name, '\'', 48);
			if (check_required(v, n->deps[i].required, val,
			    dep) != 0)
				return -1;
		}
		if (n->deps[i].schema != NULL &&
		    check(v, n->deps[i].schema, val) != 0)
			return -1;
	}
	return 0;
}

/* Checking: combinators. */

/*
 * anyOf, and oneOf with no match. Alternatives are tried without messages;
 * if all fail with type errors or enum errors here, they merge into one;
 * otherwise the one that got deepest into the value is run again to
 * explain itself.
 */
static int
fail_alternatives(struct vctx *v, const struct nodelist *l, const cJSON *val,
    const char *kw_name, size_t best, size_t best_depth, int all_type,
    unsigned types, int all_enum)
{
	char	*inner;
	int	 rc;

	if (all_type)
		return fail_type(v, types, val);
	if (all_enum)
		return fail_enum(v, (const struct node *const *)l->v, l->n,
		    val);
	if (v->err == NULL) {
		fail(v, FAIL_OTHER, 0, "no alternative matches");
		v->fail_depth = best_depth;
		return -1;
	}
	rc = check(v, l->v[best], val);
	if (v->aborted)
		return -1;
	if (rc == 0)
		return fail(v, FAIL_OTHER, 0, "matches none of the %zu "
		    "alternatives in %s", l->n, kw_name);
	if (l->n == 1)
		return -1;
	inner = xstrdup(v->err);
	fail(v, FAIL_OTHER, 0, "matches none of the %zu alternatives in %s; "
	    "closest (#%zu): %s", l->n, kw_name, best + 1, inner);
	free(inner);
	v->fail_depth = best_depth;
	return -1;
}

static int
check_alternatives(struct vctx *v, const struct nodelist *l,
    const cJSON *val, int one)
{
	const struct node	*alt;
	char			*saved_err = v->err;
	size_t			 i, best = 0, best_depth = 0, matches = 0;
	size_t			 first = 0, second = 0, rank, best_rank = 0;
	unsigned		 types = 0;
	int			 all_type = 1, all_enum = 1;

	v->err = NULL;
	for (i = 0; i < l->n; i++) {
		alt = l->v[i];
		if (check(v, alt, val) == 0) {
			if (!one) {
				v->err = saved_err;
				return 0;
			}
			if (matches++ == 0)
				first = i;
			else {
				second = i;
				break;
			}
			continue;
		}
		if (v->aborted) {
			v->err = saved_err;
			return -1;
		}
		if (v->fail_kind == FAIL_TYPE && v->fail_depth == v->pathlen)
			types |= v->fail_types;
		else
			all_type = 0;
		if (v->fail_kind != FAIL_ENUM || v->fail_depth != v->pathlen ||
		    (alt->constv == NULL && alt->enumv == NULL))
			all_enum = 0;
		/* Deepest wins; at equal depth, one whose type matched. */
		rank = v->fail_depth * 2 + (v->fail_kind != FAIL_TYPE);
		if (i == 0 || rank > best_rank) {
			best = i;
			best_rank = rank;
			best_depth = v->fail_depth;
		}
	}
	v->err = saved_err;
	if (one && matches == 1)
		return 0;
	if (one && matches > 1)
		return fail(v, FAIL_OTHER, 0, "matches alternatives #%zu and "
		    "#%zu of the %zu in oneOf; it must match exactly one",
		    first + 1, second + 1, l->n);
	return fail_alternatives(v, l, val, one ? "oneOf" : "anyOf", best,
	    best_depth, all_type, types, all_enum);
}

static int
check_combinators(struct vctx *v, const struct node *n, const cJSON *val)
{
	char	*saved_err;
	size_t	 i;
	int	 rc;

	for (i = 0; i < n->all_of.n; i++) {
		if (check(v, n->all_of.v[i], val) != 0)
			return -1;
	}
	if (n->any_of.n > 0 && check_alternatives(v, &n->any_of, val, 0) != 0)
		return -1;
	if (n->one_of.n > 0 && check_alternatives(v, &n->one_of, val, 1) != 0)
		return -1;
	if (n->not_schema != NULL) {
		saved_err = v->err;
		v->err = NULL;
		rc = check(v, n->not_schema, val);
		v->err = saved_err;
		if (v->aborted)
			return -1;
		if (rc == 0)
			return fail(v, FAIL_OTHER, 0, "must not match the "
			    "schema in 'not'");
	}
	if (n->if_schema != NULL &&
	    (n->then_schema != NULL || n->else_schema != NULL)) {
		saved_err = v->err;
		v->err = NULL;
		rc = check(v, n->if_schema, val);
		v->err = saved_err;
		if (v->aborted)
			return -1;
		if (rc == 0 && n->then_schema != NULL)
			return check(v, n->then_schema, val);
		if (rc != 0 && n->else_schema != NULL)
			return check(v, n->else_schema, val);
	}
	return 0;
}

static int
in_enum(struct vctx *v, const struct node *n, const cJSON *val)
{
	const cJSON	*e;
	uint64_t	 h;
	size_t		 lo, hi, mid, i;

	if (n->enum_index == NULL) {
		for (e = n->enumv->child; e != NULL; e = e->next) {
			if (json_equal(v, val, e, 0))
				return 1;
		}
		return 0;
	}
	h = json_hash(v, val, 0);
	lo = 0;
	hi = n->enum_count;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (n->enum_index[2 * mid] < h)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (i = lo; i < n->enum_count && n->enum_index[2 * i] == h; i++) {
		if (json_equal(v, val, n->enum_items[n->enum_index[2 * i + 1]],
		    0))
			return 1;
	}
	return 0;
}

static int
check_node(struct vctx *v, const struct node *n, const cJSON *val)
{
	unsigned	 vt = value_types(val);
	char		 s[SNIP_SIZE + 4];
	int		 rc;

	if (n->types != 0 && (n->types & vt) == 0)
		return fail_type(v, n->types, val);
	if (n->ref_target != NULL) {
		if (v->refdepth >= SCHEMA_MAX_REF_DEPTH)
			return give_up(v, "$ref %s nested more than %d deep; "
			    "the schema recurses without end or the value is "
			    "too deep", snip_name(n->ref, s),
			    SCHEMA_MAX_REF_DEPTH);
		v->refdepth++;
		rc = check(v, n->ref_target, val);
		v->refdepth--;
		if (rc != 0)
			return -1;
	}
	if (n->constv != NULL && !json_equal(v, val, n->constv, 0))
		return fail_enum(v, &n, 1, val);
	if (n->enumv != NULL && !in_enum(v, n, val))
		return fail_enum(v, &n, 1, val);
	if ((vt & TY_NUMBER) && check_number(v, n, val) != 0)
		return -1;
	if ((vt & TY_STRING) && check_string(v, n, val) != 0)
		return -1;
	if ((vt & TY_ARRAY) && check_array(v, n, val) != 0)
		return -1;
	if ((vt & TY_OBJECT) && check_object(v, n, val) != 0)
		return -1;
	return check_combinators(v, n, val);
}

static int
check(struct vctx *v, const struct node *n, const cJSON *val)
{
	int	 rc;

	if (v->aborted)
		return -1;
	if (n->boolean == 1)
		return 0;
	if (n->boolean == 0)
		return fail(v, FAIL_OTHER, 0, "not allowed here (the schema "
		    "is false)");
	if (++v->steps > v->max_steps)
		return give_up(v, "gave up after %lu steps; the schema is too "
		    "complex for this value", v->max_steps);
	if (v->depth >= SCHEMA_MAX_DEPTH)
		return give_up(v, "nested more than %d levels deep",
		    SCHEMA_MAX_DEPTH);
	v->depth++;
	rc = check_node(v, n, val);
	v->depth--;
	return v->aborted ? -1 : rc;
}

/*
 * The step budget grows with the value: per node, and per byte of strings
 * and names, which patterns are charged for. Counting stops at a ceiling.
 */
static unsigned long
value_budget(const cJSON *j, int depth, unsigned long limit)
{
	const cJSON	*e;
	unsigned long	 n = SCHEMA_STEPS_PER_VALUE;

	if (j->string != NULL)
		n += SCHEMA_STEPS_PER_BYTE * strlen(j->string);
	if (cJSON_IsString(j) && j->valuestring != NULL)
		n += SCHEMA_STEPS_PER_BYTE * strlen(j->valuestring);
	if (depth >= SCHEMA_MAX_EQUAL_DEPTH)
		return n;
	for (e = j->child; e != NULL && n < limit; e = e->next)
		n += value_budget(e, depth + 1, limit - n);
	return n;
}

int
mcp_schema_validate(const struct mcp_schema *s, const cJSON *value,
    const char *root, char *err, size_t errlen)
{
	struct vctx	 vbuf, *v;
	struct fbuf	 b;
	int		 rc;

	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if (s == NULL || value == NULL) {
		if (err != NULL)
			snprintf(err, errlen, "%s: nothing to check (no %s)",
			    root != NULL ? root : "value",
			    s == NULL ? "schema" : "value");
		return -1;
	}
	/* On the stack, and only the small fields zeroed: this runs on every
	 * tool call, and the buffers are written before they are read. */
	v = &vbuf;
	memset(v, 0, offsetof(struct vctx, path));
	v->path[0] = '\0';
	memset(&v->pathlen, 0, offsetof(struct vctx, abort_msg) -
	    offsetof(struct vctx, pathlen));
	v->abort_msg[0] = '\0';
	v->err = err != NULL && errlen > 0 ? err : NULL;
	v->errlen = errlen;
	fb_init(&b, v->path, sizeof v->path / 2);
	fb_text(&b, root != NULL ? root : "value", 0, 96);
	v->pathlen = b.len;
	v->max_steps = SCHEMA_MIN_STEPS + value_budget(value, 0,
	    1000000000UL);

	rc = check(v, s->root, value);
	if (v->aborted) {
		if (err != NULL && errlen > 0)
			snprintf(err, errlen, "%s", v->abort_msg);
		rc = -1;
	}
	return rc;
}
