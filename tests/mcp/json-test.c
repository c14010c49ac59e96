/*
 * Typed JSON getters, integer tests and the UTF-8 validator (mcp/json.c),
 * and the first-error-wins record they fill in (mcp/error.c).
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mcp/error.h"
#include "mcp/json.h"
#include "tests/harness.h"

/* Parse a test fixture; the fixtures are constants, so this never fails. */
static cJSON *
obj(const char *text)
{
	return mcp_json_parse_const(text);
}

static void
string_getter(void)
{
	cJSON *o = obj("{\"name\":\"flights\",\"n\":3,\"z\":null}");
	struct mcp_err err = { 0, "" };
	const char *s = "unset";

	CHECK_EQ_INT(mcp_json_string(o, "params", "name", true, &s, &err), 0);
	CHECK_STR(s, "flights");
	CHECK_EQ_INT(err.code, 0);

	/* Optional and missing: 0, NULL, no error. */
	s = "unset";
	CHECK_EQ_INT(mcp_json_string(o, "params", "other", false, &s, &err), 0);
	CHECK(s == NULL);
	CHECK_EQ_INT(err.code, 0);

	/* Required and missing: the message names the path and the key. */
	s = "unset";
	CHECK_EQ_INT(mcp_json_string(o, "params", "other", true, &s, &err), -1);
	CHECK(s == NULL);
	CHECK_EQ_INT(err.code, MCP_INVALID_PARAMS);
	CHECK_STR(err.msg, "params: missing required field 'other'");

	/* Mistyped: path.key, what was wanted, what came. */
	mcp_err_clear(&err);
	CHECK_EQ_INT(mcp_json_string(o, "params", "n", false, &s, &err), -1);
	CHECK_STR(err.msg, "params.n: expected string, got integer");
	mcp_err_clear(&err);
	CHECK_EQ_INT(mcp_json_string(o, "params", "z", true, &s, &err), -1);
	CHECK_STR(err.msg, "params.z: expected string, got null");
	cJSON_Delete(o);
}

static void
getter_on_non_object(void)
{
	cJSON *a = obj("[1,2]");
	struct mcp_err err = { 0, "" };
	const char *s;
	const cJSON *v;
	int64_t i = 7;

	CHECK_EQ_INT(mcp_json_string(a, "params", "x", false, &s, &err), -1);
	CHECK_STR(err.msg, "params: expected object, got array");
	mcp_err_clear(&err);
	/* Even an optional field needs an object to look in. */
	CHECK_EQ_INT(mcp_json_object(NULL, "params.arguments", "x", false, &v,
	    &err), -1);
	CHECK_STR(err.msg, "params.arguments: expected object, got nothing");
	CHECK(v == NULL);
	mcp_err_clear(&err);
	CHECK_EQ_INT(mcp_json_int(a, "p", "x", false, &i, NULL, &err), -1);
	CHECK_EQ_INT(err.code, MCP_INVALID_PARAMS);
	CHECK_EQ_INT(i, 7);
	cJSON_Delete(a);
}

static void
object_and_array_getters(void)
{
	cJSON *o = obj("{\"o\":{\"k\":1},\"a\":[1],\"s\":\"x\"}");
	struct mcp_err err = { 0, "" };
	const cJSON *v;

	CHECK_EQ_INT(mcp_json_object(o, "params", "o", true, &v, &err), 0);
	CHECK(cJSON_IsObject(v));
	CHECK_EQ_INT(mcp_json_array(o, "params", "a", true, &v, &err), 0);
	CHECK(cJSON_IsArray(v) && cJSON_GetArraySize(v) == 1);
	CHECK_EQ_INT(mcp_json_array(o, "params", "none", false, &v, &err), 0);
	CHECK(v == NULL);
	CHECK_EQ_INT(err.code, 0);

	CHECK_EQ_INT(mcp_json_object(o, "params", "a", true, &v, &err), -1);
	CHECK_STR(err.msg, "params.a: expected object, got array");
	CHECK(v == NULL);
	mcp_err_clear(&err);
	CHECK_EQ_INT(mcp_json_array(o, "params", "o", true, &v, &err), -1);
	CHECK_STR(err.msg, "params.o: expected array, got object");
	mcp_err_clear(&err);
	CHECK_EQ_INT(mcp_json_array(o, "params", "s", true, &v, &err), -1);
	CHECK_STR(err.msg, "params.s: expected array, got string");
	mcp_err_clear(&err);
	CHECK_EQ_INT(mcp_json_object(o, "params.arguments", "gone", true, &v,
	    &err), -1);
	CHECK_STR(err.msg, "params.arguments: missing required field 'gone'");
	cJSON_Delete(o);
}

static void
int_getter(void)
{
	cJSON *o = obj("{\"i\":42,\"neg\":-7,\"f\":1.5,\"whole\":3.0,"
	    "\"big\":1e300,\"s\":\"42\",\"b\":true,\"exp\":1e3}");
	struct mcp_err err = { 0, "" };
	int64_t i = -1;
	bool present = false;

	CHECK_EQ_INT(mcp_json_int(o, "params", "i", true, &i, &present, &err), 0);
	CHECK_EQ_INT(i, 42);
	CHECK(present);
	CHECK_EQ_INT(mcp_json_int(o, "params", "neg", true, &i, NULL, &err), 0);
	CHECK_EQ_INT(i, -7);
	/* JSON has one number type: 3.0 and 1e3 are whole numbers. */
	CHECK_EQ_INT(mcp_json_int(o, "params", "whole", true, &i, NULL, &err), 0);
	CHECK_EQ_INT(i, 3);
	CHECK_EQ_INT(mcp_json_int(o, "params", "exp", true, &i, NULL, &err), 0);
	CHECK_EQ_INT(i, 1000);
	CHECK_EQ_INT(err.code, 0);

	/* Missing and optional: present false, *out untouched. */
	i = 99;
	present = true;
	CHECK_EQ_INT(mcp_json_int(o, "params", "none", false, &i, &present,
	    &err), 0);
	CHECK(!present);
	CHECK_EQ_INT(i, 99);

	present = true;
	CHECK_EQ_INT(mcp_json_int(o, "params", "f", true, &i, &present, &err), -1);
	CHECK_STR(err.msg, "params.f: expected integer, got number");
	CHECK(!present);
	CHECK_EQ_INT(i, 99);
	mcp_err_clear(&err);
	CHECK_EQ_INT(mcp_json_int(o, "params", "big", true, &i, NULL, &err), -1);
	CHECK_STR(err.msg, "params.big: expected integer, got number");
	mcp_err_clear(&err);
	CHECK_EQ_INT(mcp_json_int(o, "params", "s", true, &i, NULL, &err), -1);
	CHECK_STR(err.msg, "params.s: expected integer, got string");
	mcp_err_clear(&err);
	CHECK_EQ_INT(mcp_json_int(o, "params", "b", true, &i, NULL, &err), -1);
	CHECK_STR(err.msg, "params.b: expected integer, got boolean");
	mcp_err_clear(&err);
	CHECK_EQ_INT(mcp_json_int(o, "params", "none", true, &i, NULL, &err), -1);
	CHECK_STR(err.msg, "params: missing required field 'none'");
	cJSON_Delete(o);
}

static void
number_and_bool_getters(void)
{
	cJSON *o = obj("{\"x\":2.5,\"i\":2,\"t\":true,\"f\":false,\"s\":\"1\","
	    "\"n\":null}");
	struct mcp_err err = { 0, "" };
	double d = 0;
	bool b = false, present = false;

	CHECK_EQ_INT(mcp_json_number(o, "p", "x", true, &d, &present, &err), 0);
	CHECK(d == 2.5 && present);
	CHECK_EQ_INT(mcp_json_number(o, "p", "i", true, &d, NULL, &err), 0);
	CHECK(d == 2.0);
	d = 8;
	CHECK_EQ_INT(mcp_json_number(o, "p", "none", false, &d, &present, &err), 0);
	CHECK(!present && d == 8);
	CHECK_EQ_INT(mcp_json_number(o, "p", "s", true, &d, &present, &err), -1);
	CHECK_STR(err.msg, "p.s: expected number, got string");
	CHECK(!present);
	mcp_err_clear(&err);

	CHECK_EQ_INT(mcp_json_bool(o, "p", "t", true, &b, &present, &err), 0);
	CHECK(b && present);
	CHECK_EQ_INT(mcp_json_bool(o, "p", "f", true, &b, &present, &err), 0);
	CHECK(!b && present);
	CHECK_EQ_INT(mcp_json_bool(o, "p", "n", true, &b, &present, &err), -1);
	CHECK_STR(err.msg, "p.n: expected boolean, got null");
	mcp_err_clear(&err);
	CHECK_EQ_INT(mcp_json_bool(o, "p", "i", false, &b, NULL, &err), -1);
	CHECK_STR(err.msg, "p.i: expected boolean, got integer");
	CHECK_EQ_INT(err.code, MCP_INVALID_PARAMS);
	cJSON_Delete(o);
}

/* The first error is the one reported: later failures keep it. */
static void
first_error_wins(void)
{
	cJSON *o = obj("{\"a\":1}");
	struct mcp_err err = { 0, "" };
	const char *s;
	bool b;

	CHECK_EQ_INT(mcp_json_string(o, "params", "a", true, &s, &err), -1);
	CHECK_EQ_INT(mcp_json_bool(o, "params", "zz", true, &b, NULL, &err), -1);
	CHECK_STR(err.msg, "params.a: expected string, got integer");
	/* A NULL error record is allowed. */
	CHECK_EQ_INT(mcp_json_string(o, "params", "a", true, &s, NULL), -1);
	cJSON_Delete(o);
}

static void
is_integer_edges(void)
{
	static const struct {
		const char *text;
		bool want;
	} cases[] = {
		{ "0", true }, { "-0", true }, { "1", true }, { "-1", true },
		{ "1.0", true }, { "1e2", true }, { "2.5e1", true },
		{ "1.5", false }, { "-0.5", false }, { "1e-1", false },
		{ "4.9e-324", false },
		{ "9007199254740993", true },
		{ "1e18", true },
		/* 2^63 is one past INT64_MAX; -2^63 is INT64_MIN. */
		{ "9223372036854775808", false },
		{ "9223372036854775807", false },	/* rounds to 2^63 */
		{ "-9223372036854775808", true },
		{ "-9223372036854777856", false },	/* next double down */
		{ "1e300", false }, { "-1e300", false },
		{ "1e400", false },			/* infinity */
		{ "\"1\"", false }, { "true", false }, { "null", false },
		{ "[1]", false }, { "{}", false },
	};
	size_t i;
	cJSON *v;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		v = cJSON_Parse(cases[i].text);
		CHECK(v != NULL);
		if (mcp_json_is_integer(v) != cases[i].want) {
			CHECK(!"mcp_json_is_integer");
			fprintf(stderr, "    for %s\n", cases[i].text);
		}
		cJSON_Delete(v);
	}
	CHECK(!mcp_json_is_integer(NULL));
	v = cJSON_CreateNumber(NAN);
	CHECK(!mcp_json_is_integer(v));
	cJSON_Delete(v);
	v = cJSON_CreateNumber(-INFINITY);
	CHECK(!mcp_json_is_integer(v));
	cJSON_Delete(v);
}

static void
type_names(void)
{
	cJSON *o = obj("{\"s\":\"\",\"i\":1,\"n\":1.5,\"b\":false,\"z\":null,"
	    "\"a\":[],\"o\":{}}");

	CHECK_STR(mcp_json_type_name(NULL), "nothing");
	CHECK_STR(mcp_json_type_name(cJSON_GetObjectItem(o, "s")), "string");
	CHECK_STR(mcp_json_type_name(cJSON_GetObjectItem(o, "i")), "integer");
	CHECK_STR(mcp_json_type_name(cJSON_GetObjectItem(o, "n")), "number");
	CHECK_STR(mcp_json_type_name(cJSON_GetObjectItem(o, "b")), "boolean");
	CHECK_STR(mcp_json_type_name(cJSON_GetObjectItem(o, "z")), "null");
	CHECK_STR(mcp_json_type_name(cJSON_GetObjectItem(o, "a")), "array");
	CHECK_STR(mcp_json_type_name(cJSON_GetObjectItem(o, "o")), "object");
	cJSON_Delete(o);
}

/* One UTF-8 case: bytes (with their length, NULs allowed) and the verdict. */
struct utf8_case {
	const char *what;
	const char *bytes;
	size_t len;
	bool valid;
};

#define U8(what, s, valid) { what, s, sizeof s - 1, valid }

static void
utf8_cases(void)
{
	static const struct utf8_case cases[] = {
		U8("empty", "", true),
		U8("ascii", "hello, world", true),
		U8("embedded NUL", "a\0b", true),
		U8("DEL", "\x7f", true),
		U8("U+0080", "\xc2\x80", true),
		U8("U+00E9", "caf\xc3\xa9", true),
		U8("U+07FF", "\xdf\xbf", true),
		U8("U+0800", "\xe0\xa0\x80", true),
		U8("U+20AC", "\xe2\x82\xac", true),
		U8("U+D7FF", "\xed\x9f\xbf", true),
		U8("U+E000", "\xee\x80\x80", true),
		U8("U+FFFD", "\xef\xbf\xbd", true),
		U8("U+FFFF", "\xef\xbf\xbf", true),
		U8("U+10000", "\xf0\x90\x80\x80", true),
		U8("U+1F600", "\xf0\x9f\x98\x80", true),
		U8("U+10FFFF", "\xf4\x8f\xbf\xbf", true),
		U8("mixed", "a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80z", true),

		U8("overlong NUL", "\xc0\x80", false),
		U8("overlong '/' 2", "\xc0\xaf", false),
		U8("overlong C1", "\xc1\xbf", false),
		U8("overlong '/' 3", "\xe0\x80\xaf", false),
		U8("overlong U+07FF 3", "\xe0\x9f\xbf", false),
		U8("overlong '/' 4", "\xf0\x80\x80\xaf", false),
		U8("overlong U+FFFF 4", "\xf0\x8f\xbf\xbf", false),
		U8("5-byte form", "\xf8\x88\x80\x80\x80", false),
		U8("6-byte form", "\xfc\x84\x80\x80\x80\x80", false),

		U8("surrogate D800", "\xed\xa0\x80", false),
		U8("surrogate DBFF", "\xed\xaf\xbf", false),
		U8("surrogate DC00", "\xed\xb0\x80", false),
		U8("surrogate DFFF", "\xed\xbf\xbf", false),
		U8("surrogate pair (CESU-8)", "\xed\xa0\xbd\xed\xb8\x80", false),

		U8("U+110000", "\xf4\x90\x80\x80", false),
		U8("F5 lead", "\xf5\x80\x80\x80", false),
		U8("F7 lead", "\xf7\xbf\xbf\xbf", false),
		U8("FE", "\xfe", false),
		U8("FF", "\xff", false),

		U8("lone continuation 80", "\x80", false),
		U8("lone continuation BF", "a\xbf", false),
		U8("truncated 2 at end", "abc\xc3", false),
		U8("truncated 3 of 3", "\xe2\x82", false),
		U8("truncated 1 of 3", "\xe2", false),
		U8("truncated 3 of 4", "\xf0\x9f\x98", false),
		U8("truncated 4 before ASCII", "\xf0\x9f\x98" "a", false),
		U8("bad continuation 2", "\xc3\x28", false),
		U8("bad continuation 3 second", "\xe2\x28\xa1", false),
		U8("bad continuation 3 third", "\xe2\x82\x28", false),
		U8("bad continuation 4 fourth", "\xf0\x90\x80\x28", false),
		U8("continuation is a lead", "\xc3\xc3\xa9", false),
	};
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		if (mcp_utf8_valid(cases[i].bytes, cases[i].len) !=
		    cases[i].valid) {
			CHECK(!"mcp_utf8_valid");
			fprintf(stderr, "    case \"%s\": expected %s\n",
			    cases[i].what, cases[i].valid ? "valid" : "invalid");
		}
	}
	/* The length is what counts, not a NUL: a truncated sequence
	 * followed by more bytes outside len is still truncated. */
	CHECK(!mcp_utf8_valid("\xc3\xa9", 1));
	CHECK(mcp_utf8_valid("\xc3\xa9", 2));
	CHECK(mcp_utf8_valid("\xff", 0));
}

/* A reference decoder written from the definition (RFC 3629): decode the
 * scalar value, then check its range, so that it shares no shortcut with
 * the table-driven validator under test. */
static bool
ref_utf8_valid(const unsigned char *s, size_t len)
{
	size_t i = 0, n, k;
	uint32_t cp, min;

	while (i < len) {
		unsigned c = s[i];

		if (c < 0x80) {
			i++;
			continue;
		}
		if ((c & 0xe0) == 0xc0) {
			n = 2; cp = c & 0x1f; min = 0x80;
		} else if ((c & 0xf0) == 0xe0) {
			n = 3; cp = c & 0x0f; min = 0x800;
		} else if ((c & 0xf8) == 0xf0) {
			n = 4; cp = c & 0x07; min = 0x10000;
		} else
			return false;
		if (len - i < n)
			return false;
		for (k = 1; k < n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return false;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		i += n;
	}
	return true;
}

/* Every 1- and 2-byte string, every 3-byte string with a 3-byte lead, and
 * every 4-byte string with a 4-byte lead and a sampled tail. */
static void
utf8_against_reference(void)
{
	unsigned char b[4];
	unsigned a, c, d, e, mismatches = 0;
	uint32_t rnd = 12345;

	for (a = 0; a < 256; a++) {
		b[0] = (unsigned char)a;
		if (mcp_utf8_valid((char *)b, 1) != ref_utf8_valid(b, 1))
			mismatches++;
		for (c = 0; c < 256; c++) {
			b[1] = (unsigned char)c;
			if (mcp_utf8_valid((char *)b, 2) != ref_utf8_valid(b, 2))
				mismatches++;
		}
	}
	for (a = 0xe0; a <= 0xef; a++) {
		for (c = 0; c < 256; c++) {
			for (d = 0; d < 256; d++) {
				b[0] = (unsigned char)a;
				b[1] = (unsigned char)c;
				b[2] = (unsigned char)d;
				if (mcp_utf8_valid((char *)b, 3) !=
				    ref_utf8_valid(b, 3))
					mismatches++;
			}
		}
	}
	for (a = 0xf0; a <= 0xf7; a++) {
		for (c = 0; c < 256; c++) {
			for (e = 0; e < 256; e++) {
				rnd = rnd * 1103515245u + 12345u;
				b[0] = (unsigned char)a;
				b[1] = (unsigned char)c;
				/* Mostly continuation bytes, sometimes not. */
				b[2] = (unsigned char)(e % 8 == 0 ? rnd >> 24 :
				    0x80 | ((rnd >> 16) & 0x3f));
				b[3] = (unsigned char)(e % 16 == 1 ? rnd >> 8 :
				    0x80 | (e & 0x3f));
				if (mcp_utf8_valid((char *)b, 4) !=
				    ref_utf8_valid(b, 4))
					mismatches++;
			}
		}
	}
	CHECK_EQ_INT(mismatches, 0);
}

/* Every scalar value, encoded canonically, is valid; every surrogate is
 * not. */
static void
utf8_every_scalar(void)
{
	unsigned char b[4];
	uint32_t cp;
	size_t n;
	unsigned bad = 0;

	for (cp = 0; cp <= 0x10ffff; cp++) {
		if (cp < 0x80) {
			b[0] = (unsigned char)cp;
			n = 1;
		} else if (cp < 0x800) {
			b[0] = (unsigned char)(0xc0 | cp >> 6);
			b[1] = (unsigned char)(0x80 | (cp & 0x3f));
			n = 2;
		} else if (cp < 0x10000) {
			b[0] = (unsigned char)(0xe0 | cp >> 12);
			b[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
			b[2] = (unsigned char)(0x80 | (cp & 0x3f));
			n = 3;
		} else {
			b[0] = (unsigned char)(0xf0 | cp >> 18);
			b[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3f));
			b[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
			b[3] = (unsigned char)(0x80 | (cp & 0x3f));
			n = 4;
		}
		if (mcp_utf8_valid((char *)b, n) != !(cp >= 0xd800 && cp <= 0xdfff))
			bad++;
	}
	CHECK_EQ_INT(bad, 0);
}

static void
building_and_printing(void)
{
	cJSON *o = cJSON_CreateObject();
	char name[] = "abc";
	size_t len = 0;
	char *s;

	mcp_json_add_str(o, "s", name);
	name[0] = 'X';		/* the object holds a copy */
	mcp_json_add_num(o, "n", 2.5);
	mcp_json_add_bool(o, "b", true);
	mcp_json_add(o, "a", cJSON_CreateArray());
	mcp_json_add_str(o, "nl", "line1\nline2\t\"q\"");
	s = mcp_json_print(o, &len);
	CHECK_STR(s, "{\"s\":\"abc\",\"n\":2.5,\"b\":true,\"a\":[],"
	    "\"nl\":\"line1\\nline2\\t\\\"q\\\"\"}");
	CHECK_EQ_INT(len, strlen(s));
	CHECK(strchr(s, '\n') == NULL);
	free(s);
	cJSON_Delete(o);

	o = mcp_json_parse_const("{\"k\":[1,2,{\"x\":null}]}");
	s = mcp_json_print(o, NULL);
	CHECK_STR(s, "{\"k\":[1,2,{\"x\":null}]}");
	free(s);
	cJSON_Delete(o);
}

static void
allocation_helpers(void)
{
	char *s = mcp_xprintf("%s-%d-%05.1f", "id", 42, 3.14159);
	char *t;

	CHECK_STR(s, "id-42-003.1");
	free(s);
	t = mcp_xstrndup("abcdef", 3);
	CHECK_STR(t, "abc");
	free(t);
	t = mcp_xstrdup("");
	CHECK_STR(t, "");
	free(t);
	/* Zero-size requests still give a pointer to free. */
	t = mcp_xmalloc(0);
	CHECK(t != NULL);
	t = mcp_xrealloc(t, 0);
	CHECK(t != NULL);
	free(t);
	t = mcp_xcalloc(0, 8);
	CHECK(t != NULL);
	free(t);
	/* A long format result is not cut. */
	s = mcp_xprintf("%3000s|", "x");
	CHECK_EQ_INT(strlen(s), 3001);
	free(s);
}

static void
error_record(void)
{
	struct mcp_err err = { 0, "" };
	char long_text[600];

	mcp_err_set(&err, MCP_INVALID_PARAMS, "first: %d\r\nsecond", 1);
	CHECK_EQ_INT(err.code, MCP_INVALID_PARAMS);
	/* One line: CR and LF become spaces. */
	CHECK_STR(err.msg, "first: 1  second");
	mcp_err_set(&err, MCP_INTERNAL_ERROR, "later");
	CHECK_EQ_INT(err.code, MCP_INVALID_PARAMS);
	CHECK_STR(err.msg, "first: 1  second");
	mcp_err_clear(&err);
	CHECK_EQ_INT(err.code, 0);
	CHECK_STR(err.msg, "");
	mcp_err_set(NULL, MCP_INTERNAL_ERROR, "ignored");
	mcp_err_clear(NULL);

	memset(long_text, 'x', sizeof long_text - 1);
	long_text[sizeof long_text - 1] = '\0';
	mcp_err_set(&err, MCP_INTERNAL_ERROR, "%s", long_text);
	CHECK_EQ_INT(strlen(err.msg), sizeof err.msg - 1);

	CHECK_STR(mcp_strerror(MCP_PARSE_ERROR), "parse error");
	CHECK_STR(mcp_strerror(MCP_INVALID_REQUEST), "invalid request");
	CHECK_STR(mcp_strerror(MCP_METHOD_NOT_FOUND), "method not found");
	CHECK_STR(mcp_strerror(MCP_INVALID_PARAMS), "invalid params");
	CHECK_STR(mcp_strerror(MCP_INTERNAL_ERROR), "internal error");
	CHECK_STR(mcp_strerror(MCP_CONNECTION_CLOSED), "connection closed");
	CHECK_STR(mcp_strerror(MCP_REQUEST_TIMEOUT), "request timed out");
	CHECK_STR(mcp_strerror(MCP_OK), "no error");
	CHECK_STR(mcp_strerror(-32050), "server error");
	CHECK_STR(mcp_strerror(-32099), "server error");
	CHECK_STR(mcp_strerror(-32100), "unknown error");
	CHECK_STR(mcp_strerror(12345), "unknown error");
}

int
main(void)
{
	HARNESS_BEGIN("json");
	HARNESS_WATCHDOG();
	TEST(string_getter);
	TEST(getter_on_non_object);
	TEST(object_and_array_getters);
	TEST(int_getter);
	TEST(number_and_bool_getters);
	TEST(first_error_wins);
	TEST(is_integer_edges);
	TEST(type_names);
	TEST(utf8_cases);
	TEST(utf8_against_reference);
	TEST(utf8_every_scalar);
	TEST(building_and_printing);
	TEST(allocation_helpers);
	TEST(error_record);
	return HARNESS_END();
}
