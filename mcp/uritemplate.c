/*
 * RFC 6570 URI templates. Parse once, then expand with variables or match a
 * concrete uri back to the variables, with bounded backtracking.
 */

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "uritemplate.h"

/* Most parts a template can have: an expression per variable and literals. */
#define UT_MAX_PARTS (2 * MCP_URITEMPLATE_MAX_VARS + 1)
/* Work allowed for one match's backtracking: scanned bytes and tried splits
 * (each about 10ns), after the linear pruning pass. */
#define UT_MATCH_BUDGET (1u << 19)

/* How an operator expands (RFC 6570 appendix A) and how its values match. */
struct ut_op {
	char		 op;		/* '\0' for simple expansion */
	char		 first;		/* before the first value, '\0' for none */
	char		 sep;		/* between values */
	int		 named;		/* name=value pairs */
	const char	*ifemp;		/* after the name of an empty value */
	int		 reserved;	/* reserved characters stay unencoded */
	int		 empty_ok;	/* a matched value may be empty */
	int		 sep_in_last;	/* the last value may hold sep unencoded */
	const char	*stop;		/* raw characters a matched value cannot hold */
};

static const struct ut_op ut_ops[] = {
	{ '\0', '\0', ',', 0, "",  0, 0, 0, "/?#," },
	{ '+',  '\0', ',', 0, "",  1, 0, 1, "" },
	{ '#',  '#',  ',', 0, "",  1, 0, 1, "" },
	{ '.',  '.',  '.', 0, "",  0, 1, 1, "/?#" },
	{ '/',  '/',  '/', 0, "",  0, 1, 0, "/?#" },
	{ ';',  ';',  ';', 1, "",  0, 1, 0, "/?#;" },
	{ '?',  '?',  '&', 1, "=", 0, 1, 0, "#&" },
	{ '&',  '&',  '&', 1, "=", 0, 1, 0, "#&" },
};

struct ut_spec {
	size_t		 var;		/* index into names */
	int		 explode;
	int		 prefix;	/* 0 for none */
};

struct ut_part {
	const struct ut_op *op;		/* NULL for a literal */
	const char	*lit;		/* literal text, into the canonical copy */
	size_t		 litlen;
	int		 ascii;		/* the literal is all ASCII */
	size_t		 spec;		/* first spec of an expression */
	size_t		 nspec;
	size_t		 maxname;	/* longest variable name in the expression */
	unsigned char	 class[32];	/* bytes an expression's match can hold */
	size_t		 minlen;	/* shortest match of an expression */
};

struct mcp_uritemplate {
	char		*text;
	char		*canon;		/* text with %xx hex digits upper case */
	size_t		 len;
	struct ut_part	 parts[UT_MAX_PARTS];
	size_t		 nparts;
	struct ut_spec	 specs[MCP_URITEMPLATE_MAX_VARS];
	size_t		 nspecs;
	char		*names[MCP_URITEMPLATE_MAX_VARS];
	size_t		 namelens[MCP_URITEMPLATE_MAX_VARS];
	size_t		 nnames;
};

/* A growing string. */
struct ut_buf {
	char		*s;
	size_t		 len;
	size_t		 cap;
};

static _Noreturn void
ut_oom(size_t size)
{
	fprintf(stderr, "uritemplate: out of memory allocating %zu bytes\n", size);
	abort();
}

static void *
ut_calloc(size_t n, size_t size)
{
	void	*p;

	if (n == 0 || size == 0)
		n = size = 1;
	if ((p = calloc(n, size)) == NULL)
		ut_oom(n * size);
	return p;
}

static char *
ut_strndup(const char *s, size_t len)
{
	char	*p;

	p = ut_calloc(1, len + 1);
	memcpy(p, s, len);
	return p;
}

static void
ut_buf_add(struct ut_buf *b, const char *s, size_t len)
{
	size_t	 cap;
	char	*p;

	if (b->len + len + 1 > b->cap) {
		cap = b->cap ? b->cap : 64;
		while (cap < b->len + len + 1)
			cap *= 2;
		if ((p = realloc(b->s, cap)) == NULL)
			ut_oom(cap);
		b->s = p;
		b->cap = cap;
	}
	memcpy(b->s + b->len, s, len);
	b->len += len;
	b->s[b->len] = '\0';
}

static void
ut_buf_addc(struct ut_buf *b, char c)
{
	ut_buf_add(b, &c, 1);
}

static void
ut_buf_adds(struct ut_buf *b, const char *s)
{
	ut_buf_add(b, s, strlen(s));
}

static int
ut_hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* s[0] is '%': is it followed by two hex digits within len? */
static int
ut_is_pct(const unsigned char *s, size_t len)
{
	return len >= 3 && ut_hexval(s[1]) >= 0 && ut_hexval(s[2]) >= 0;
}

static unsigned char
ut_pct_byte(const unsigned char *s)
{
	return (unsigned char)(ut_hexval(s[1]) << 4 | ut_hexval(s[2]));
}

static int
ut_is_alnum(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9');
}

static int
ut_is_unreserved(unsigned char c)
{
	return ut_is_alnum(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

static int
ut_is_reserved(unsigned char c)
{
	return c != '\0' && strchr(":/?#[]@!$&'()*+,;=", c) != NULL;
}

/* Length of the valid UTF-8 sequence at s, 0 if invalid. */
static size_t
ut_utf8_len(const unsigned char *s, size_t len)
{
	unsigned char	 lo = 0x80, hi = 0xbf;
	size_t		 n, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4;
	else
		return 0;
	if (s[0] == 0xe0)
		lo = 0xa0;
	else if (s[0] == 0xed)
		hi = 0x9f;
	else if (s[0] == 0xf0)
		lo = 0x90;
	else if (s[0] == 0xf4)
		hi = 0x8f;
	if (len < n)
		return 0;
	for (i = 1; i < n; i++) {
		if (s[i] < lo || s[i] > hi)
			return 0;
		lo = 0x80;
		hi = 0xbf;
	}
	return n;
}

/* Bytes taken by the first n characters of s (n == 0: all of it). */
static size_t
ut_prefix_len(const char *s, size_t n)
{
	size_t	 i, chars = 0;

	if (n == 0)
		return strlen(s);
	for (i = 0; s[i] != '\0'; i++) {
		if (((unsigned char)s[i] & 0xc0) != 0x80 && chars++ == n)
			break;
	}
	return i;
}

/* Parsing */

/* Is c allowed as a literal character (RFC 6570 section 2.1, ASCII part)? */
static int
ut_is_literal(unsigned char c)
{
	if (c <= 0x20 || c >= 0x7f)
		return 0;
	return strchr("\"'%<>\\^`{|}", c) == NULL;
}

static void
ut_charname(unsigned char c, char *buf, size_t len)
{
	if (c > 0x20 && c < 0x7f && c != '\'')
		snprintf(buf, len, "'%c'", c);
	else
		snprintf(buf, len, "0x%02x", c);
}

static void ut_fail(char *, size_t, const char *, size_t, size_t,
    const char *, ...) __attribute__((format(printf, 6, 7)));

/* Write 'uri template "<text>": <what> at offset <off>' to err. */
static void
ut_fail(char *err, size_t errlen, const char *tmpl, size_t len, size_t off,
    const char *fmt, ...)
{
	char		 what[128], quoted[48 * 4 + 4];
	size_t		 i, q = 0, shown = len > 48 ? 48 : len;
	unsigned char	 c;
	va_list		 ap;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);

	for (i = 0; i < shown; i++) {
		c = (unsigned char)tmpl[i];
		if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\')
			quoted[q++] = (char)c;
		else
			q += (size_t)snprintf(quoted + q, 5, "\\x%02x", c);
	}
	if (shown < len) {
		memcpy(quoted + q, "...", 3);
		q += 3;
	}
	quoted[q] = '\0';

	if (off == (size_t)-1)
		snprintf(err, errlen, "uri template \"%s\": %s", quoted, what);
	else {
		snprintf(err, errlen, "uri template \"%s\": %s at offset %zu",
		    quoted, what, off);
	}
}

static const struct ut_op *
ut_find_op(char c)
{
	size_t	 i;

	for (i = 1; i < sizeof ut_ops / sizeof ut_ops[0]; i++) {
		if (ut_ops[i].op == c)
			return &ut_ops[i];
	}
	return NULL;
}

static size_t
ut_add_name(struct mcp_uritemplate *t, const char *name, size_t len)
{
	size_t	 i;

	for (i = 0; i < t->nnames; i++) {
		if (t->namelens[i] == len && memcmp(t->names[i], name, len) == 0)
			return i;
	}
	t->names[t->nnames] = ut_strndup(name, len);
	t->namelens[t->nnames] = len;
	return t->nnames++;
}

/* Parse the expression starting at the '{' at offset *pos. */
static int
ut_parse_expr(struct mcp_uritemplate *t, size_t *pos, char *err, size_t errlen)
{
	const char		*s = t->text;
	size_t			 len = t->len, open = *pos, i = open + 1;
	size_t			 start, digits;
	const struct ut_op	*op = &ut_ops[0];
	struct ut_part		*part;
	struct ut_spec		*spec;
	char			 cn[8];
	int			 prefix;

	if (i < len && (op = ut_find_op(s[i])) != NULL)
		i++;
	else if (i < len && strchr("=,!@|", s[i]) != NULL) {
		ut_fail(err, errlen, s, len, i, "reserved operator '%c'", s[i]);
		return -1;
	} else
		op = &ut_ops[0];

	if (t->nspecs == MCP_URITEMPLATE_MAX_VARS) {
		ut_fail(err, errlen, s, len, open, "too many variables (limit %d)",
		    MCP_URITEMPLATE_MAX_VARS);
		return -1;
	}
	part = &t->parts[t->nparts++];
	part->op = op;
	part->spec = t->nspecs;
	part->nspec = 0;
	part->maxname = 0;

	for (;;) {
		if (i >= len)
			goto unclosed;
		if (s[i] == '}' && part->nspec == 0) {
			ut_fail(err, errlen, s, len, open, "empty expression");
			return -1;
		}
		start = i;
		while (i < len) {
			if (ut_is_alnum((unsigned char)s[i]) || s[i] == '_')
				i++;
			else if (s[i] == '%') {
				if (!ut_is_pct((const unsigned char *)s + i, len - i)) {
					ut_fail(err, errlen, s, len, i,
					    "invalid percent escape in variable name");
					return -1;
				}
				i += 3;
			} else if (s[i] == '.') {
				if (i == start || s[i - 1] == '.') {
					ut_fail(err, errlen, s, len, i,
					    "misplaced '.' in variable name");
					return -1;
				}
				i++;
			} else
				break;
		}
		if (i == start) {
			if (i >= len)
				goto unclosed;
			if (s[i] == ',' || s[i] == '}') {
				ut_fail(err, errlen, s, len, i,
				    "empty variable name");
				return -1;
			}
			ut_charname((unsigned char)s[i], cn, sizeof cn);
			ut_fail(err, errlen, s, len, i,
			    "invalid character %s in variable name", cn);
			return -1;
		}
		if (s[i - 1] == '.') {
			ut_fail(err, errlen, s, len, i - 1,
			    "misplaced '.' in variable name");
			return -1;
		}
		if (t->nspecs == MCP_URITEMPLATE_MAX_VARS) {
			ut_fail(err, errlen, s, len, start,
			    "too many variables (limit %d)",
			    MCP_URITEMPLATE_MAX_VARS);
			return -1;
		}
		spec = &t->specs[t->nspecs++];
		part->nspec++;
		spec->var = ut_add_name(t, s + start, i - start);
		spec->explode = 0;
		spec->prefix = 0;
		if (i - start > part->maxname)
			part->maxname = i - start;

		if (i < len && s[i] == '*') {
			spec->explode = 1;
			i++;
		} else if (i < len && s[i] == ':') {
			start = ++i;
			prefix = 0;
			for (digits = 0; i < len && s[i] >= '0' && s[i] <= '9';
			    digits++, i++) {
				if (digits < 5)
					prefix = prefix * 10 + (s[i] - '0');
			}
			if (digits == 0 || s[start] == '0' ||
			    prefix > MCP_URITEMPLATE_MAX_PREFIX) {
				ut_fail(err, errlen, s, len, start,
				    "prefix length must be 1 to %d",
				    MCP_URITEMPLATE_MAX_PREFIX);
				return -1;
			}
			spec->prefix = prefix;
		}

		if (i >= len)
			goto unclosed;
		if (s[i] == '}')
			break;
		if (s[i] != ',') {
			ut_charname((unsigned char)s[i], cn, sizeof cn);
			ut_fail(err, errlen, s, len, i,
			    "invalid character %s in expression", cn);
			return -1;
		}
		i++;
	}
	*pos = i + 1;
	return 0;

unclosed:
	ut_fail(err, errlen, s, len, open, "unclosed '{'");
	return -1;
}

static void
ut_set_add(unsigned char *set, unsigned char c)
{
	set[c >> 3] |= (unsigned char)(1u << (c & 7));
}

static int
ut_set_has(const unsigned char *set, unsigned char c)
{
	return (set[c >> 3] >> (c & 7)) & 1;
}

/* Hex digits after '%' in upper case, so literals compare with memcmp. */
static void
ut_canonical(char *s, size_t len)
{
	size_t	 i;

	for (i = 0; i + 2 < len; i++) {
		if (s[i] != '%')
			continue;
		if (s[i + 1] >= 'a' && s[i + 1] <= 'f')
			s[i + 1] = (char)(s[i + 1] - 'a' + 'A');
		if (s[i + 2] >= 'a' && s[i + 2] <= 'f')
			s[i + 2] = (char)(s[i + 2] - 'a' + 'A');
		i += 2;
	}
}

/* Over-approximate what each expression can match, for the pruning pass. */
static void
ut_compute_classes(struct mcp_uritemplate *t)
{
	struct ut_part		*part;
	const struct ut_op	*op;
	size_t			 k, j;
	unsigned int		 c;
	int			 several;

	for (k = 0; k < t->nparts; k++) {
		part = &t->parts[k];
		if ((op = part->op) == NULL)
			continue;
		memset(part->class, 0, sizeof part->class);
		for (c = 0x21; c <= 0xff; c++) {
			if (strchr(op->stop, (int)c) == NULL)
				ut_set_add(part->class, (unsigned char)c);
		}
		several = part->nspec > 1 || op->sep_in_last;
		for (j = 0; j < part->nspec; j++)
			several |= t->specs[part->spec + j].explode;
		if (several)
			ut_set_add(part->class, (unsigned char)op->sep);
		if (op->first != '\0')
			ut_set_add(part->class, (unsigned char)op->first);
		if (op->named) {
			for (c = 0x21; c < 0x7f; c++) {
				if (ut_is_alnum((unsigned char)c) || c == '_' ||
				    c == '.' || c == '=')
					ut_set_add(part->class, (unsigned char)c);
			}
		}
		ut_set_add(part->class, '%');
		part->minlen = op->first == '\0' ? 1 : 0;
	}
}

struct mcp_uritemplate *
mcp_uritemplate_new(const char *tmpl, char *err, size_t errlen)
{
	struct mcp_uritemplate	*t;
	struct ut_part		*part;
	const unsigned char	*s;
	size_t			 len, i, n;
	char			 cn[8];

	if (tmpl == NULL) {
		if (err != NULL && errlen != 0)
			snprintf(err, errlen, "uri template is missing");
		return NULL;
	}
	len = strnlen(tmpl, MCP_URITEMPLATE_MAX_LEN + 1);
	if (len > MCP_URITEMPLATE_MAX_LEN) {
		ut_fail(err, errlen, tmpl, len, (size_t)-1,
		    "longer than %d bytes", MCP_URITEMPLATE_MAX_LEN);
		return NULL;
	}

	t = ut_calloc(1, sizeof *t);
	t->text = ut_strndup(tmpl, len);
	t->canon = ut_strndup(tmpl, len);
	ut_canonical(t->canon, len);
	t->len = len;
	s = (const unsigned char *)t->text;

	for (i = 0; i < len; ) {
		if (s[i] == '{') {
			if (ut_parse_expr(t, &i, err, errlen) != 0)
				goto fail;
			continue;
		}
		if (s[i] == '}') {
			ut_fail(err, errlen, tmpl, len, i, "unexpected '}'");
			goto fail;
		}
		if (s[i] == '%') {
			if (!ut_is_pct(s + i, len - i)) {
				ut_fail(err, errlen, tmpl, len, i,
				    "invalid percent escape");
				goto fail;
			}
			n = 3;
		} else if (s[i] >= 0x80) {
			if ((n = ut_utf8_len(s + i, len - i)) == 0) {
				ut_fail(err, errlen, tmpl, len, i,
				    "invalid utf-8");
				goto fail;
			}
		} else if (ut_is_literal(s[i]))
			n = 1;
		else {
			ut_charname(s[i], cn, sizeof cn);
			ut_fail(err, errlen, tmpl, len, i,
			    "invalid character %s", cn);
			goto fail;
		}
		/* Extend the literal before, or start one. */
		part = t->nparts ? &t->parts[t->nparts - 1] : NULL;
		if (part == NULL || part->op != NULL) {
			part = &t->parts[t->nparts++];
			part->op = NULL;
			part->lit = t->canon + i;
			part->litlen = 0;
			part->ascii = 1;
		}
		if (s[i] >= 0x80)
			part->ascii = 0;
		part->litlen += n;
		i += n;
	}
	ut_compute_classes(t);
	return t;

fail:
	mcp_uritemplate_free(t);
	return NULL;
}

void
mcp_uritemplate_free(struct mcp_uritemplate *t)
{
	size_t	 i;

	if (t == NULL)
		return;
	for (i = 0; i < t->nnames; i++)
		free(t->names[i]);
	free(t->text);
	free(t->canon);
	free(t);
}

const char *
mcp_uritemplate_text(const struct mcp_uritemplate *t)
{
	return t->text;
}

size_t
mcp_uritemplate_var_count(const struct mcp_uritemplate *t)
{
	return t->nnames;
}

const char *
mcp_uritemplate_var_name(const struct mcp_uritemplate *t, size_t i)
{
	if (i >= t->nnames)
		return NULL;
	return t->names[i];
}

/* Expansion */

/* Append s percent-encoded: all but unreserved, or for reserved expansion
 * all but unreserved, reserved and existing %XX triplets. */
static void
ut_encode(struct ut_buf *b, const char *s, size_t len, int reserved)
{
	const unsigned char	*u = (const unsigned char *)s;
	char			 hex[4];
	size_t			 i;

	for (i = 0; i < len; i++) {
		if (ut_is_unreserved(u[i]) || (reserved && ut_is_reserved(u[i])))
			ut_buf_addc(b, (char)u[i]);
		else if (reserved && u[i] == '%' && ut_is_pct(u + i, len - i)) {
			ut_buf_add(b, s + i, 3);
			i += 2;
		} else {
			snprintf(hex, sizeof hex, "%%%02X", u[i]);
			ut_buf_add(b, hex, 3);
		}
	}
}

/* The text of a scalar (string, number, boolean); NULL for anything else. */
static const char *
ut_scalar(const cJSON *item, char *num, size_t numlen)
{
	double	 d;

	if (cJSON_IsString(item))
		return item->valuestring;
	if (cJSON_IsBool(item))
		return cJSON_IsTrue(item) ? "true" : "false";
	if (!cJSON_IsNumber(item))
		return NULL;
	d = item->valuedouble;
	if (d >= -1e15 && d <= 1e15 && d == (double)(long long)d)
		snprintf(num, numlen, "%lld", (long long)d);
	else {
		snprintf(num, numlen, "%.15g", d);
		if (strtod(num, NULL) != d)
			snprintf(num, numlen, "%.17g", d);
	}
	return num;
}

/* Count the defined members of a composite; -1 if one is not a scalar. */
static int
ut_composite_count(const cJSON *value)
{
	const cJSON	*item;
	int		 n = 0;

	cJSON_ArrayForEach(item, value) {
		if (cJSON_IsNull(item))
			continue;
		if (cJSON_IsArray(item) || cJSON_IsObject(item) ||
		    cJSON_IsInvalid(item) || cJSON_IsRaw(item))
			return -1;
		n++;
	}
	return n;
}

static int
ut_expand_expr(const struct mcp_uritemplate *t, const struct ut_part *part,
    const cJSON *vars, struct ut_buf *b)
{
	const struct ut_op	*op = part->op;
	const struct ut_spec	*spec;
	const cJSON		*value, *item;
	const char		*name, *s, *k;
	char			 num[64];
	size_t			 i;
	int			 first = 1, count, one;

	for (i = 0; i < part->nspec; i++) {
		spec = &t->specs[part->spec + i];
		name = t->names[spec->var];
		value = NULL;
		if (vars != NULL)
			value = cJSON_GetObjectItemCaseSensitive(vars, name);
		if (value == NULL || cJSON_IsNull(value))
			continue;

		s = ut_scalar(value, num, sizeof num);
		if (s == NULL) {
			if (!cJSON_IsArray(value) && !cJSON_IsObject(value))
				return -1;
			if ((count = ut_composite_count(value)) < 0)
				return -1;
			if (count == 0)
				continue;
			if (spec->prefix != 0)
				return -1;
		}

		if (first) {
			if (op->first != '\0')
				ut_buf_addc(b, op->first);
		} else
			ut_buf_addc(b, op->sep);
		first = 0;

		if (s != NULL) {
			if (op->named) {
				ut_buf_adds(b, name);
				if (*s == '\0') {
					ut_buf_adds(b, op->ifemp);
					continue;
				}
				ut_buf_addc(b, '=');
			}
			ut_encode(b, s, ut_prefix_len(s, (size_t)spec->prefix),
			    op->reserved);
			continue;
		}

		if (!spec->explode && op->named) {
			ut_buf_adds(b, name);
			ut_buf_addc(b, '=');
		}
		one = 1;
		cJSON_ArrayForEach(item, value) {
			if (cJSON_IsNull(item))
				continue;
			s = ut_scalar(item, num, sizeof num);
			k = cJSON_IsObject(value) ? item->string : NULL;
			if (!one)
				ut_buf_addc(b, spec->explode ? op->sep : ',');
			one = 0;
			if (!spec->explode) {
				/* "k1,v1,k2,v2" or "i1,i2" */
				if (k != NULL) {
					ut_encode(b, k, strlen(k), op->reserved);
					ut_buf_addc(b, ',');
				}
			} else if (op->named) {
				/* "k1=v1;k2=v2" or "name=i1;name=i2" */
				if (k != NULL)
					ut_encode(b, k, strlen(k), op->reserved);
				else
					ut_buf_adds(b, name);
				if (*s == '\0') {
					ut_buf_adds(b, op->ifemp);
					continue;
				}
				ut_buf_addc(b, '=');
			} else if (k != NULL) {
				/* "k1=v1/k2=v2" */
				ut_encode(b, k, strlen(k), op->reserved);
				ut_buf_addc(b, '=');
			}
			ut_encode(b, s, strlen(s), op->reserved);
		}
	}
	return 0;
}

char *
mcp_uritemplate_expand(const struct mcp_uritemplate *t, const cJSON *vars)
{
	struct ut_buf		 b = { NULL, 0, 0 };
	const struct ut_part	*part;
	const unsigned char	*lit;
	char			 hex[4];
	size_t			 k, i;

	if (t == NULL || (vars != NULL && !cJSON_IsObject(vars)))
		return NULL;
	ut_buf_add(&b, "", 0);
	for (k = 0; k < t->nparts; k++) {
		part = &t->parts[k];
		if (part->op != NULL) {
			if (ut_expand_expr(t, part, vars, &b) != 0) {
				free(b.s);
				return NULL;
			}
			continue;
		}
		/* Literals are valid uri characters but for non-ASCII ones. */
		lit = (const unsigned char *)part->lit;
		for (i = 0; i < part->litlen; i++) {
			if (lit[i] < 0x80)
				ut_buf_addc(&b, (char)lit[i]);
			else {
				snprintf(hex, sizeof hex, "%%%02X", lit[i]);
				ut_buf_add(&b, hex, 3);
			}
		}
	}
	return b.s;
}

/* Matching */

enum ut_state {
	UT_START,	/* before the operator's first character */
	UT_VALUE,	/* in an unnamed value */
	UT_NAME,	/* in a parameter name */
	UT_NVALUE,	/* in a parameter value */
};

/*
 * Reads one expression of the uri left to right. After each step it knows
 * whether the expression could end here; the matcher tries those ends in
 * order. Run again over the chosen span with vals set, it hands out values.
 */
struct ut_scan {
	const struct mcp_uritemplate *t;
	const struct ut_part	*part;
	const unsigned char	*uri;
	size_t			 i;
	enum ut_state		 st;
	size_t			 v;		/* current spec */
	size_t			 vstart;	/* where the value or name starts */
	size_t			 chars;		/* characters in the value */
	int			 need;		/* utf-8 continuation bytes due */
	unsigned char		 lo, hi;	/* range of the next of them */
	int			 pcthex;	/* hex digits after a decoded '%' */
	uint64_t		 seen;		/* parameters given, by spec */
	cJSON			**vals;		/* OUT: values by spec, or NULL */
};

static void
ut_scan_value(struct ut_scan *s, size_t at)
{
	s->vstart = at;
	s->chars = 0;
	s->need = 0;
	s->pcthex = -1;
}

static void
ut_scan_init(struct ut_scan *s, const struct mcp_uritemplate *t,
    const struct ut_part *part, const unsigned char *uri, size_t at,
    cJSON **vals)
{
	memset(s, 0, sizeof *s);
	s->t = t;
	s->part = part;
	s->uri = uri;
	s->i = at;
	s->v = part->spec;
	s->vals = vals;
	s->st = part->op->first != '\0' ? UT_START : UT_VALUE;
	ut_scan_value(s, at);
}

/* Account for one decoded byte of a value: no NUL, valid UTF-8, prefix. */
static int
ut_scan_byte(struct ut_scan *s, unsigned char b)
{
	int	 prefix;

	if (b == 0)
		return -1;
	/* Reserved expansion passes %XX in a value through, so no value
	 * decoding to "%XX" (the uri had %25XX) can come from expansion. */
	if (s->part->op->reserved) {
		if (b == '%')
			s->pcthex = 0;
		else if (s->pcthex >= 0 && ut_hexval(b) >= 0) {
			if (++s->pcthex == 2)
				return -1;
		} else
			s->pcthex = -1;
	}
	if (s->need != 0) {
		if (b < s->lo || b > s->hi)
			return -1;
		s->need--;
		s->lo = 0x80;
		s->hi = 0xbf;
		return 0;
	}
	if (b >= 0x80) {
		s->lo = 0x80;
		s->hi = 0xbf;
		if (b >= 0xc2 && b <= 0xdf)
			s->need = 1;
		else if (b >= 0xe0 && b <= 0xef)
			s->need = 2;
		else if (b >= 0xf0 && b <= 0xf4)
			s->need = 3;
		else
			return -1;
		if (b == 0xe0)
			s->lo = 0xa0;
		else if (b == 0xed)
			s->hi = 0x9f;
		else if (b == 0xf0)
			s->lo = 0x90;
		else if (b == 0xf4)
			s->hi = 0x8f;
	}
	s->chars++;
	prefix = s->t->specs[s->v].prefix;
	if (prefix != 0 && s->chars > (size_t)prefix)
		return -1;
	return 0;
}

/* The spec a parameter name in [from, to) stands for, or -1. */
static long
ut_scan_lookup(const struct ut_scan *s, size_t from, size_t to)
{
	const struct mcp_uritemplate	*t = s->t;
	const struct ut_spec		*spec;
	size_t				 j, len = to - from;

	if (len == 0 || len > s->part->maxname)
		return -1;
	for (j = 0; j < s->part->nspec; j++) {
		spec = &t->specs[s->part->spec + j];
		if (t->namelens[spec->var] != len ||
		    memcmp(t->names[spec->var], s->uri + from, len) != 0)
			continue;
		if (((s->seen >> j) & 1) && !spec->explode)
			return -1;
		return (long)(s->part->spec + j);
	}
	return -1;
}

static int
ut_scan_accepting(const struct ut_scan *s)
{
	switch (s->st) {
	case UT_START:
		return 1;
	case UT_VALUE:
		return s->need == 0 &&
		    (s->i > s->vstart || s->part->op->empty_ok);
	case UT_NAME:
		return ut_scan_lookup(s, s->vstart, s->i) >= 0;
	case UT_NVALUE:
		return s->need == 0;
	}
	return 0;
}

/* Hand out the raw value in [from, to), decoded, to spec j. */
static void
ut_scan_emit(struct ut_scan *s, size_t j, size_t from, size_t to)
{
	const unsigned char	*u = s->uri;
	cJSON			*str;
	char			*dec;
	size_t			 i, n = 0;

	if (s->vals == NULL)
		return;
	dec = ut_calloc(1, to - from + 1);
	for (i = from; i < to; i++) {
		if (u[i] == '%') {
			dec[n++] = (char)ut_pct_byte(u + i);
			i += 2;
		} else
			dec[n++] = (char)u[i];
	}
	if ((str = cJSON_CreateString(dec)) == NULL)
		ut_oom(n + 1);
	free(dec);
	if (!s->t->specs[j].explode) {
		cJSON_Delete(s->vals[j]);
		s->vals[j] = str;
		return;
	}
	if (s->vals[j] == NULL && (s->vals[j] = cJSON_CreateArray()) == NULL)
		ut_oom(sizeof (cJSON));
	cJSON_AddItemToArray(s->vals[j], str);
}

static void
ut_scan_mark(struct ut_scan *s, size_t j)
{
	s->seen |= (uint64_t)1 << (j - s->part->spec);
}

/* Take one character (or %XX) of a value. */
static int
ut_scan_valchar(struct ut_scan *s, unsigned char c)
{
	if (c == '%') {
		unsigned char d = ut_pct_byte(s->uri + s->i);

		/* Reserved expansion writes unreserved and reserved characters
		 * as they are, so a %XX standing for one cannot come from it
		 * (a decoded "," would even split an exploded list). */
		if (s->part->op->reserved && d != 0 && d < 0x80 &&
		    strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		    "0123456789-._~:/?#[]@!$&'()*+,;=", d) != NULL)
			return -1;
		if (ut_scan_byte(s, d) != 0)
			return -1;
		s->i += 3;
		return 0;
	}
	if (strchr(s->part->op->stop, c) != NULL || ut_scan_byte(s, c) != 0)
		return -1;
	s->i++;
	return 0;
}

/* Consume the character at s->i; -1 when the expression cannot go on. */
static int
ut_scan_step(struct ut_scan *s)
{
	const struct ut_op	*op = s->part->op;
	const struct ut_spec	*spec;
	unsigned char		 c = s->uri[s->i];
	long			 j;

	switch (s->st) {
	case UT_START:
		if (c != (unsigned char)op->first)
			return -1;
		s->i++;
		s->st = op->named ? UT_NAME : UT_VALUE;
		ut_scan_value(s, s->i);
		return 0;
	case UT_VALUE:
		if (c == (unsigned char)op->sep) {
			spec = &s->t->specs[s->v];
			if (spec->explode ||
			    s->v + 1 < s->part->spec + s->part->nspec) {
				if (!ut_scan_accepting(s))
					return -1;
				ut_scan_emit(s, s->v, s->vstart, s->i);
				if (!spec->explode)
					s->v++;
				s->i++;
				ut_scan_value(s, s->i);
				return 0;
			}
			if (!op->sep_in_last)
				return -1;
			if (ut_scan_byte(s, c) != 0)
				return -1;
			s->i++;
			return 0;
		}
		return ut_scan_valchar(s, c);
	case UT_NAME:
		if (c == '=' || c == (unsigned char)op->sep) {
			if ((j = ut_scan_lookup(s, s->vstart, s->i)) < 0)
				return -1;
			ut_scan_mark(s, (size_t)j);
			if (c == '=') {
				s->st = UT_NVALUE;
				s->v = (size_t)j;
				s->i++;
				ut_scan_value(s, s->i);
			} else {
				ut_scan_emit(s, (size_t)j, s->i, s->i);
				s->i++;
				s->vstart = s->i;
			}
			return 0;
		}
		if (c == '%')
			s->i += 3;
		else if (ut_is_alnum(c) || c == '_' || c == '.')
			s->i++;
		else
			return -1;
		if (s->i - s->vstart > s->part->maxname)
			return -1;
		return 0;
	case UT_NVALUE:
		if (c == (unsigned char)op->sep) {
			if (s->need != 0)
				return -1;
			ut_scan_emit(s, s->v, s->vstart, s->i);
			s->i++;
			s->st = UT_NAME;
			s->vstart = s->i;
			return 0;
		}
		return ut_scan_valchar(s, c);
	}
	return -1;
}

/* The expression ends here (it was accepting): hand out the last value. */
static void
ut_scan_finish(struct ut_scan *s)
{
	long	 j;

	switch (s->st) {
	case UT_START:
		break;
	case UT_VALUE:
	case UT_NVALUE:
		ut_scan_emit(s, s->v, s->vstart, s->i);
		break;
	case UT_NAME:
		if ((j = ut_scan_lookup(s, s->vstart, s->i)) >= 0)
			ut_scan_emit(s, (size_t)j, s->i, s->i);
		break;
	}
}

struct ut_match {
	const struct mcp_uritemplate *t;
	const unsigned char	*uri;
	const unsigned char	*canon;		/* uri with %xx in upper case */
	size_t			 n;
	size_t			 starts[UT_MAX_PARTS];
	size_t			 ends[UT_MAX_PARTS];
	size_t			 stride;	/* bytes per part in the bitmaps */
	unsigned char		*reach;		/* (part, offset) might match */
	unsigned char		*failed;	/* (part, offset) does not match */
	size_t			 work;
	int			 gaveup;
	size_t			 conflicts;	/* splits whose values disagreed */
	char			 conflict[128];	/* why the last one did */
	cJSON			*result;	/* OUT: values of the match */
};

static int
ut_bit_get(const unsigned char *map, size_t bit)
{
	return (map[bit >> 3] >> (bit & 7)) & 1;
}

static void
ut_bit_set(unsigned char *map, size_t bit)
{
	map[bit >> 3] |= (unsigned char)(1u << (bit & 7));
}

static int
ut_reach(const struct ut_match *m, size_t k, size_t p)
{
	return ut_bit_get(m->reach + k * m->stride, p);
}

static int
ut_match_spend(struct ut_match *m, size_t work)
{
	m->work += work;
	if (m->work > UT_MATCH_BUDGET)
		m->gaveup = 1;
	return m->gaveup;
}

/* Match a literal at p; returns where it ends, or (size_t)-1. Both sides are
 * canonical, so %XX compare byte by byte. */
static size_t
ut_match_literal(struct ut_match *m, const struct ut_part *part, size_t p)
{
	const unsigned char	*lit = (const unsigned char *)part->lit;
	const unsigned char	*u = m->canon;
	size_t			 i;

	for (i = 0; i < part->litlen; i++) {
		if (p >= m->n)
			return (size_t)-1;
		if (lit[i] == u[p])
			p++;
		else if (lit[i] >= 0x80 && u[p] == '%' &&
		    ut_pct_byte(u + p) == lit[i])
			p += 3;
		else
			return (size_t)-1;
	}
	return p;
}

/*
 * The pruning pass, from the end of the template back: row k holds the
 * offsets where parts k.. might match. A literal is found with KMP; an
 * expression is taken as any run of its class, so the rows only ever hold
 * too much, never too little. O(parts * n).
 */
static void
ut_match_prune(struct ut_match *m, size_t *kmp)
{
	const struct mcp_uritemplate	*t = m->t;
	const struct ut_part		*part;
	const unsigned char		*lit, *u = m->canon, *next;
	unsigned char			*row, cls[256];
	size_t				 k, p, q, L, n = m->n;
	unsigned int			 run, nbit, prev, opt;

	ut_bit_set(m->reach + t->nparts * m->stride, n);
	for (k = t->nparts; k-- > 0; ) {
		part = &t->parts[k];
		row = m->reach + k * m->stride;
		next = row + m->stride;
		if (part->op == NULL && !part->ascii) {
			/* Raw or encoded: lengths vary; allow anywhere. */
			memset(row, 0xff, m->stride);
			continue;
		}
		if (part->op == NULL) {
			lit = (const unsigned char *)part->lit;
			L = part->litlen;
			kmp[0] = 0;
			for (p = 1, q = 0; p < L; p++) {
				while (q > 0 && lit[p] != lit[q])
					q = kmp[q - 1];
				if (lit[p] == lit[q])
					q++;
				kmp[p] = q;
			}
			for (p = 0, q = 0; p < n; p++) {
				while (q > 0 && u[p] != lit[q])
					q = kmp[q - 1];
				if (u[p] == lit[q])
					q++;
				if (q == L) {
					if (ut_bit_get(next, p + 1))
						ut_bit_set(row, p + 1 - L);
					q = kmp[q - 1];
				}
			}
			continue;
		}
		/* run: a non-empty run of the class from p reaches row k+1. */
		for (q = 0; q < 256; q++)
			cls[q] = (unsigned char)ut_set_has(part->class, (unsigned char)q);
		opt = part->minlen == 0;
		prev = (unsigned int)ut_bit_get(next, n);
		if (opt)
			ut_bit_set(row, n);
		for (p = n, run = 0; p-- > 0; ) {
			nbit = (next[p >> 3] >> (p & 7)) & 1;
			run = cls[u[p]] & (prev | run);
			row[p >> 3] |= (unsigned char)((run | (opt & nbit)) << (p & 7));
			prev = nbit;
		}
	}
}

/* Merge the values of each variable, checking repeated ones agree. */
static cJSON *
ut_collect(const struct mcp_uritemplate *t, cJSON **vals, char *err,
    size_t errlen)
{
	cJSON		*out, *ref, *v;
	const char	*a, *b;
	size_t		 x, j, r, limit, rlimit, len;

	if ((out = cJSON_CreateObject()) == NULL)
		ut_oom(sizeof (cJSON));
	for (x = 0; x < t->nnames; x++) {
		/* The reference is the least truncated defined value. */
		r = (size_t)-1;
		rlimit = 0;
		for (j = 0; j < t->nspecs; j++) {
			if (t->specs[j].var != x || vals[j] == NULL)
				continue;
			limit = t->specs[j].prefix ? (size_t)t->specs[j].prefix :
			    (size_t)-1;
			if (r == (size_t)-1 || limit > rlimit) {
				r = j;
				rlimit = limit;
			}
		}
		if (r == (size_t)-1)
			continue;
		ref = vals[r];
		for (j = 0; j < t->nspecs; j++) {
			if (t->specs[j].var != x || j == r)
				continue;
			if ((v = vals[j]) == NULL)
				goto conflict;
			if (cJSON_IsString(v) && cJSON_IsString(ref)) {
				a = v->valuestring;
				b = ref->valuestring;
				len = ut_prefix_len(b, (size_t)t->specs[j].prefix);
				if (strlen(a) != len || memcmp(a, b, len) != 0)
					goto conflict;
			} else if (!cJSON_Compare(v, ref, 1))
				goto conflict;
		}
		cJSON_AddItemToObject(out, t->names[x], ref);
		vals[r] = NULL;
	}
	return out;

conflict:
	if (err != NULL && errlen != 0) {
		snprintf(err, errlen, "variable \"%s\" has conflicting values "
		    "in the uri", t->names[x]);
	}
	cJSON_Delete(out);
	return NULL;
}

/* Take the values of the split in starts and ends; NULL if they conflict. */
static cJSON *
ut_match_extract(struct ut_match *m)
{
	const struct mcp_uritemplate	*t = m->t;
	struct ut_scan			 s;
	cJSON				**vals, *out = NULL;
	size_t				 k, j;
	int				 ok = 1;

	vals = ut_calloc(t->nspecs, sizeof *vals);
	for (k = 0; k < t->nparts && ok; k++) {
		if (t->parts[k].op == NULL)
			continue;
		ut_scan_init(&s, t, &t->parts[k], m->uri, m->starts[k], vals);
		while (s.i < m->ends[k]) {
			if (ut_scan_step(&s) != 0) {
				ok = 0;
				break;
			}
		}
		if (ok && s.i == m->ends[k] && ut_scan_accepting(&s))
			ut_scan_finish(&s);
		else
			ok = 0;
	}
	if (ok)
		out = ut_collect(t, vals, m->conflict, sizeof m->conflict);
	for (j = 0; j < t->nspecs; j++)
		cJSON_Delete(vals[j]);
	free(vals);
	return out;
}

static int
ut_match_from(struct ut_match *m, size_t k, size_t p)
{
	const struct mcp_uritemplate	*t = m->t;
	const struct ut_part		*part;
	struct ut_scan			 s;
	size_t				 bit, e, conflicts;
	int				 optional;

	/* At the end, take the values: a repeated variable may disagree, and
	 * then another split is tried. */
	if (k == t->nparts) {
		/* Taking values allocates: charge what it costs in steps. */
		if (p != m->n ||
		    ut_match_spend(m, 256 + 2 * m->n + 64 * t->nspecs))
			return 0;
		if ((m->result = ut_match_extract(m)) != NULL)
			return 1;
		m->conflicts++;
		return 0;
	}
	bit = k * m->stride * 8 + p;
	if (!ut_bit_get(m->reach, bit) || ut_bit_get(m->failed, bit))
		return 0;
	part = &t->parts[k];
	m->starts[k] = p;
	conflicts = m->conflicts;
	if (part->op == NULL) {
		if (ut_match_spend(m, 1 + part->litlen))
			return 0;
		e = ut_match_literal(m, part, p);
		if (e != (size_t)-1) {
			m->ends[k] = e;
			if (ut_match_from(m, k + 1, e))
				return 1;
		}
	} else {
		/* An optional expression is tried empty last, so that it
		 * takes a value when it can ("{/a}{/b}" on "/x": a = x). */
		ut_scan_init(&s, t, part, m->uri, p, NULL);
		optional = s.st == UT_START;
		for (;;) {
			if (ut_match_spend(m, 1))
				return 0;
			if (s.st != UT_START && ut_reach(m, k + 1, s.i) &&
			    ut_scan_accepting(&s)) {
				m->ends[k] = s.i;
				if (ut_match_from(m, k + 1, s.i))
					return 1;
				if (m->gaveup)
					return 0;
			}
			if (s.i == m->n || ut_scan_step(&s) != 0)
				break;
		}
		if (optional && ut_reach(m, k + 1, p)) {
			m->ends[k] = p;
			if (ut_match_from(m, k + 1, p))
				return 1;
		}
	}
	/* Remember the failure unless it came from disagreeing values, which
	 * depend on the path here. */
	if (!m->gaveup && m->conflicts == conflicts)
		ut_bit_set(m->failed, bit);
	return 0;
}

/* Check a uri is made of uri characters with valid %XX escapes. */
static int
ut_check_uri(const unsigned char *u, size_t n, char *err, size_t errlen)
{
	char	 cn[8];
	size_t	 i;

	for (i = 0; i < n; i++) {
		if (u[i] == '%') {
			if (!ut_is_pct(u + i, n - i)) {
				if (err != NULL && errlen != 0) {
					snprintf(err, errlen, "uri has an "
					    "invalid percent escape at offset %zu",
					    i);
				}
				return -1;
			}
			i += 2;
			continue;
		}
		if (u[i] >= 0x80 || ut_is_unreserved(u[i]) ||
		    ut_is_reserved(u[i]))
			continue;
		if (err != NULL && errlen != 0) {
			ut_charname(u[i], cn, sizeof cn);
			snprintf(err, errlen, "uri has an invalid character %s "
			    "at offset %zu", cn, i);
		}
		return -1;
	}
	return 0;
}

int
mcp_uritemplate_match_err(const struct mcp_uritemplate *t, const char *uri,
    cJSON **vars, char *err, size_t errlen)
{
	struct ut_match	*m;
	cJSON		*out;
	char		*canon;
	size_t		 n, *kmp;

	if (t == NULL || uri == NULL) {
		if (err != NULL && errlen != 0)
			snprintf(err, errlen, "uri is missing");
		return -1;
	}
	n = strnlen(uri, MCP_URITEMPLATE_MAX_URI + 1);
	if (n > MCP_URITEMPLATE_MAX_URI) {
		if (err != NULL && errlen != 0) {
			snprintf(err, errlen, "uri is longer than %d bytes",
			    MCP_URITEMPLATE_MAX_URI);
		}
		return -1;
	}
	if (ut_check_uri((const unsigned char *)uri, n, err, errlen) != 0)
		return -1;

	m = ut_calloc(1, sizeof *m);
	m->t = t;
	m->uri = (const unsigned char *)uri;
	canon = ut_strndup(uri, n);
	ut_canonical(canon, n);
	m->canon = (const unsigned char *)canon;
	m->n = n;
	m->stride = (n + 1 + 7) / 8;
	m->reach = ut_calloc(t->nparts + 1, m->stride);
	m->failed = ut_calloc(t->nparts + 1, m->stride);
	kmp = ut_calloc(t->len + 1, sizeof *kmp);
	ut_match_prune(m, kmp);
	free(kmp);

	if (!ut_match_from(m, 0, 0) && err != NULL && errlen != 0) {
		if (m->gaveup) {
			snprintf(err, errlen, "uri is too ambiguous for the "
			    "template; gave up after %zu steps", m->work);
		} else if (m->conflicts != 0)
			snprintf(err, errlen, "%s", m->conflict);
		else
			snprintf(err, errlen, "uri does not match");
	}
	out = m->result;
	free(m->reach);
	free(m->failed);
	free(canon);
	free(m);

	if (out == NULL)
		return -1;
	if (vars != NULL)
		*vars = out;
	else
		cJSON_Delete(out);
	return 0;
}

int
mcp_uritemplate_match(const struct mcp_uritemplate *t, const char *uri,
    cJSON **vars)
{
	return mcp_uritemplate_match_err(t, uri, vars, NULL, 0);
}
