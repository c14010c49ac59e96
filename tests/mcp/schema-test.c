/*
 * Tests for mcp/schema.c: each keyword accepts and refuses what it should,
 * messages name the path, and hostile schemas and values stay bounded.
 */

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "mcp/schema.h"
#include "../harness.h"

/* Compile schema text; NULL with the reason in err on failure. */
static struct mcp_schema *
compile(const char *text, char *err, size_t errlen)
{
	struct mcp_schema	*s;
	cJSON			*j;

	if ((j = cJSON_Parse(text)) == NULL) {
		snprintf(err, errlen, "test: bad schema JSON: %s", text);
		return NULL;
	}
	s = mcp_schema_new(j, err, errlen);
	cJSON_Delete(j);
	return s;
}

/* The compile error for schema text, or NULL when it compiles. */
static const char *
compile_error(const char *text, char *err, size_t errlen)
{
	struct mcp_schema	*s;

	if ((s = compile(text, err, errlen)) == NULL)
		return err;
	mcp_schema_free(s);
	return NULL;
}

/*
 * Validate value text against schema text under root "arguments". Returns
 * NULL when valid, else the message (or the compile error) in err.
 */
static const char *
run(const char *schema, const char *value, char *err, size_t errlen)
{
	struct mcp_schema	*s;
	cJSON			*v;
	int			 rc;

	if ((s = compile(schema, err, errlen)) == NULL)
		return err;
	if ((v = cJSON_Parse(value)) == NULL) {
		snprintf(err, errlen, "test: bad value JSON: %s", value);
		mcp_schema_free(s);
		return err;
	}
	rc = mcp_schema_validate(s, v, "arguments", err, errlen);
	cJSON_Delete(v);
	mcp_schema_free(s);
	if (rc == 0)
		return NULL;
	if (err[0] == '\0')
		snprintf(err, errlen, "test: failed with an empty message");
	return err;
}

static int
ok(const char *schema, const char *value)
{
	char		 err[512];
	const char	*msg = run(schema, value, err, sizeof err);

	if (msg != NULL)
		fprintf(stderr, "  unexpected failure: %s | %s -> %s\n",
		    schema, value, msg);
	return msg == NULL;
}

/* The message for an invalid value; "(valid)" when it passed. */
static const char *
bad(const char *schema, const char *value, char *err, size_t errlen)
{
	const char	*msg = run(schema, value, err, errlen);

	if (msg == NULL)
		return "(valid)";
	if (strchr(msg, '\n') != NULL || strchr(msg, '\r') != NULL)
		return "(message spans lines)";
	return msg;
}

/*
 * Check that schema text compiles and refuses v, a value built in code (too
 * deep or too big to write out), with a message containing want; the
 * message stays in err. Whether it compiled, for checking more of it.
 */
static int
refuses(const char *schema, const cJSON *v, const char *want, char *err,
    size_t errlen)
{
	struct mcp_schema	*s;

	s = compile(schema, err, errlen);
	CHECK(s != NULL);
	if (s == NULL)
		return 0;
	CHECK(mcp_schema_validate(s, v, "arguments", err, errlen) == -1);
	CHECK_CONTAINS(err, want);
	mcp_schema_free(s);
	return 1;
}

static void
test_dialects(void)
{
	char	 e[512];

	CHECK(ok("{}", "1"));
	CHECK(ok("{\"$schema\":\"https://json-schema.org/draft/2020-12/"
	    "schema\",\"type\":\"integer\"}", "1"));
	CHECK(ok("{\"$schema\":\"https://json-schema.org/draft/2020-12/"
	    "schema#\"}", "1"));
	CHECK(ok("{\"$schema\":\"https://json-schema.org/draft/2019-09/"
	    "schema\"}", "1"));
	CHECK(ok("{\"$schema\":\"http://json-schema.org/draft-07/schema#\"}",
	    "1"));
	CHECK(ok("{\"$schema\":\"http://json-schema.org/draft-07/schema\"}",
	    "1"));
	CHECK(ok("{\"$schema\":\"http://json-schema.org/draft-06/schema#\"}",
	    "1"));
	CHECK(ok("{\"$schema\":\"http://json-schema.org/draft-04/schema#\"}",
	    "1"));
	CHECK_CONTAINS(compile_error("{\"$schema\":"
	    "\"http://json-schema.org/draft-03/schema#\"}", e, sizeof e),
	    "unsupported JSON Schema dialect "
	    "'http://json-schema.org/draft-03/schema#'");
	CHECK_CONTAINS(compile_error("{\"$schema\":"
	    "\"https://example.com/my-dialect\"}", e, sizeof e),
	    "unsupported JSON Schema dialect 'https://example.com/my-dialect'");
	CHECK_CONTAINS(compile_error("{\"$schema\":7}", e, sizeof e),
	    "'$schema' must be a string");
	/* A nested $schema is checked too. */
	CHECK_CONTAINS(compile_error("{\"properties\":{\"a\":{\"$schema\":"
	    "\"urn:nope\"}}}", e, sizeof e),
	    "schema at #/properties/a: unsupported JSON Schema dialect");
}

static void
test_type(void)
{
	const char	*s = "{\"type\":\"object\",\"properties\":"
	    "{\"travelers\":{\"type\":\"integer\"}}}";
	char		 e[512];

	CHECK(ok(s, "{\"travelers\":2}"));
	CHECK(ok(s, "{\"travelers\":3.0}"));
	CHECK(ok(s, "{\"travelers\":1e3}"));
	CHECK_CONTAINS(bad(s, "{\"travelers\":\"2\"}", e, sizeof e),
	    "arguments.travelers: expected integer, got string");
	CHECK_STR(bad(s, "{\"travelers\":2.5}", e, sizeof e),
	    "arguments.travelers: expected integer, got number 2.5");
	CHECK_STR(bad(s, "[]", e, sizeof e),
	    "arguments: expected object, got array");

	CHECK(ok("{\"type\":\"number\"}", "2"));
	CHECK(ok("{\"type\":\"number\"}", "-2.5e-3"));
	CHECK(ok("{\"type\":\"string\"}", "\"\""));
	CHECK(ok("{\"type\":\"boolean\"}", "false"));
	CHECK(ok("{\"type\":\"null\"}", "null"));
	CHECK(ok("{\"type\":\"array\"}", "[]"));
	CHECK_STR(bad("{\"type\":\"boolean\"}", "0", e, sizeof e),
	    "arguments: expected boolean, got integer 0");
	CHECK_STR(bad("{\"type\":\"null\"}", "false", e, sizeof e),
	    "arguments: expected null, got boolean false");
	CHECK_STR(bad("{\"type\":\"string\"}", "null", e, sizeof e),
	    "arguments: expected string, got null");
	CHECK_STR(bad("{\"type\":\"number\"}", "\"1\"", e, sizeof e),
	    "arguments: expected number, got string \"1\"");

	CHECK(ok("{\"type\":[\"string\",\"null\"]}", "null"));
	CHECK(ok("{\"type\":[\"string\",\"null\"]}", "\"x\""));
	CHECK_STR(bad("{\"type\":[\"string\",\"null\"]}", "1", e, sizeof e),
	    "arguments: expected string or null, got integer 1");
	CHECK_STR(bad("{\"type\":[\"object\",\"array\",\"string\"]}", "true",
	    e, sizeof e), "arguments: expected object, array or string, got "
	    "boolean true");
	CHECK_CONTAINS(compile_error("{\"type\":\"any\"}", e, sizeof e),
	    "unknown type \"any\"");
	CHECK_CONTAINS(compile_error("{\"type\":[]}", e, sizeof e),
	    "'type' must be");
	CHECK_CONTAINS(compile_error("{\"type\":[\"string\",3]}", e, sizeof e),
	    "'type' array must hold type names");
}

static void
test_required(void)
{
	const char	*s = "{\"type\":\"object\",\"properties\":{"
	    "\"origin\":{\"type\":\"string\"},"
	    "\"destination\":{\"type\":\"string\"},"
	    "\"trip\":{\"type\":\"object\",\"properties\":{\"legs\":{"
	    "\"type\":\"array\",\"items\":{\"type\":\"object\",\"required\":"
	    "[\"from\"],\"properties\":{\"from\":{\"type\":\"string\"}}}}}}},"
	    "\"required\":[\"origin\",\"destination\"]}";
	char		 e[512];

	CHECK(ok(s, "{\"origin\":\"SFO\",\"destination\":\"JFK\"}"));
	CHECK_STR(bad(s, "{\"destination\":\"JFK\"}", e, sizeof e),
	    "arguments: missing required property 'origin'");
	CHECK_STR(bad(s, "{}", e, sizeof e),
	    "arguments: missing required properties 'origin', 'destination'");
	CHECK_STR(bad(s, "{\"origin\":\"SFO\",\"destination\":\"JFK\","
	    "\"trip\":{\"legs\":[{\"from\":\"SFO\"},{\"from\":7}]}}",
	    e, sizeof e),
	    "arguments.trip.legs[1].from: expected string, got integer 7");
	CHECK_STR(bad(s, "{\"origin\":\"SFO\",\"destination\":\"JFK\","
	    "\"trip\":{\"legs\":[{}]}}", e, sizeof e),
	    "arguments.trip.legs[0]: missing required property 'from'");
	/* required ignores values that are not objects. */
	CHECK(ok("{\"required\":[\"a\"]}", "[1]"));
	CHECK_CONTAINS(compile_error("{\"required\":true}", e, sizeof e),
	    "'required' must be an array of strings");
	CHECK_CONTAINS(compile_error("{\"required\":[1]}", e, sizeof e),
	    "'required' must hold only strings");
}

static void
test_additional_properties(void)
{
	const char	*closed = "{\"type\":\"object\",\"properties\":{"
	    "\"origin\":{\"type\":\"string\"},\"date\":{}},"
	    "\"additionalProperties\":false}";
	const char	*typed = "{\"properties\":{\"a\":{}},"
	    "\"additionalProperties\":{\"type\":\"integer\"}}";
	char		 e[512];

	CHECK(ok(closed, "{\"origin\":\"SFO\"}"));
	CHECK(ok(closed, "{}"));
	CHECK_STR(bad(closed, "{\"origin\":\"SFO\",\"foo\":1}", e, sizeof e),
	    "arguments: unexpected property 'foo'; allowed: 'origin', 'date'");
	CHECK(ok(typed, "{\"a\":\"x\",\"b\":1}"));
	CHECK_STR(bad(typed, "{\"a\":\"x\",\"b\":\"y\"}", e, sizeof e),
	    "arguments.b: expected integer, got string \"y\"");
	CHECK(ok("{\"additionalProperties\":true}", "{\"x\":1}"));
	/* A property whose schema is false may not appear at all. */
	CHECK_CONTAINS(bad("{\"properties\":{\"secret\":false}}",
	    "{\"secret\":1}", e, sizeof e),
	    "arguments: unexpected property 'secret'");
	/* Odd names are quoted and escaped in paths and messages. */
	CHECK_STR(bad("{\"additionalProperties\":{\"type\":\"string\"}}",
	    "{\"a b\\n\":1}", e, sizeof e),
	    "arguments[\"a b\\n\"]: expected string, got integer 1");
	CHECK_STR(bad("{\"additionalProperties\":false}", "{\"x\\ty\":1}",
	    e, sizeof e), "arguments: unexpected property 'x\\ty'");
}

static void
test_pattern_properties(void)
{
	const char	*s = "{\"patternProperties\":{\"^x-\":{\"type\":"
	    "\"string\"},\"\\\\d$\":{\"type\":\"integer\"}},"
	    "\"additionalProperties\":false}";
	char		 e[512];

	CHECK(ok(s, "{\"x-a\":\"b\",\"n1\":1}"));
	CHECK_STR(bad(s, "{\"x-a\":1}", e, sizeof e),
	    "arguments.x-a: expected string, got integer 1");
	CHECK_STR(bad(s, "{\"n1\":\"1\"}", e, sizeof e),
	    "arguments.n1: expected integer, got string \"1\"");
	/* Both patterns apply to "x-1". */
	CHECK_CONTAINS(bad(s, "{\"x-1\":\"1\"}", e, sizeof e),
	    "arguments.x-1: expected integer");
	CHECK_STR(bad(s, "{\"other\":1}", e, sizeof e),
	    "arguments: unexpected property 'other'");
	CHECK_CONTAINS(compile_error("{\"patternProperties\":{\"(?=a)\":{}}}",
	    e, sizeof e), "schema at #/patternProperties/(?=a): cannot use "
	    "pattern \"(?=a)\": lookaround");
}

/* Enums of 16 values or more are looked up by hash. */
static void
test_big_enum(void)
{
	char	 s[4096], e[512];
	size_t	 len;
	int	 i;

	len = (size_t)snprintf(s, sizeof s, "{\"items\":{\"enum\":[");
	for (i = 0; i < 200; i++)
		len += (size_t)snprintf(s + len, sizeof s - len,
		    "\"A%03d\",", i);
	snprintf(s + len, sizeof s - len, "7,-0,[1,{\"a\":null}],{\"x\":1,"
	    "\"y\":[true]},null,false]}}");
	CHECK(ok(s, "[\"A000\",\"A199\",7.0,0,[1,{\"a\":null}],"
	    "{\"y\":[true],\"x\":1},null,false]"));
	CHECK_CONTAINS(bad(s, "[\"A000\",\"A200\"]", e, sizeof e),
	    "arguments[1]: must be one of \"A000\", \"A001\"");
	CHECK_CONTAINS(e, "... (206 in all) (got \"A200\")");
	CHECK_CONTAINS(bad(s, "[true]", e, sizeof e), "arguments[0]: must be");
	CHECK_CONTAINS(bad(s, "[[1,{\"a\":0}]]", e, sizeof e),
	    "arguments[0]: must be");
	CHECK_CONTAINS(bad(s, "[{\"x\":1}]", e, sizeof e),
	    "arguments[0]: must be");
}

static void
test_enum_const(void)
{
	const char	*cabin = "{\"properties\":{\"cabin\":{\"type\":\"string"
	    "\","
	    "\"enum\":[\"economy\",\"premium\",\"business\",\"first\"]}}}";
	char		 e[512];

	CHECK(ok(cabin, "{\"cabin\":\"first\"}"));
	CHECK_CONTAINS(bad(cabin, "{\"cabin\":\"coach\"}", e, sizeof e),
	    "arguments.cabin: must be one of \"economy\", \"premium\", "
	    "\"business\", \"first\"");
	CHECK_CONTAINS(e, "(got \"coach\")");
	CHECK(ok("{\"enum\":[1,\"a\",null,[1,2],{\"a\":1,\"b\":2}]}", "1.0"));
	CHECK(ok("{\"enum\":[1,\"a\",null,[1,2],{\"a\":1,\"b\":2}]}",
	    "{\"b\":2,\"a\":1}"));
	CHECK(ok("{\"enum\":[[1,2]]}", "[1,2]"));
	CHECK_CONTAINS(bad("{\"enum\":[[1,2]]}", "[2,1]", e, sizeof e),
	    "must be [1,2]");
	CHECK_CONTAINS(bad("{\"enum\":[false]}", "0", e, sizeof e),
	    "must be false (got 0)");
	CHECK_CONTAINS(bad("{\"enum\":[]}", "0", e, sizeof e),
	    "no value is allowed");
	/* Long enums list ten values and say how many there are. */
	CHECK_CONTAINS(bad("{\"enum\":[1,2,3,4,5,6,7,8,9,10,11,12]}", "0", e,
	    sizeof e), "must be one of 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, ... "
	    "(12 in all)");
	CHECK(ok("{\"const\":\"x\"}", "\"x\""));
	CHECK(ok("{\"const\":null}", "null"));
	CHECK(ok("{\"const\":{\"a\":[1,{\"b\":null}]}}",
	    "{\"a\":[1.0,{\"b\":null}]}"));
	CHECK_STR(bad("{\"const\":\"x\"}", "\"y\"", e, sizeof e),
	    "arguments: must be \"x\" (got \"y\")");
	CHECK_CONTAINS(bad("{\"const\":{\"a\":1}}", "{\"a\":1,\"b\":2}", e,
	    sizeof e), "must be {\"a\":1}");
	CHECK_CONTAINS(compile_error("{\"enum\":\"a\"}", e, sizeof e),
	    "'enum' must be an array");
}

static void
test_numbers(void)
{
	const char	*s = "{\"properties\":{\"travelers\":{\"type\":"
	    "\"integer\",\"minimum\":1,\"maximum\":9}}}";
	char		 e[512];

	CHECK(ok(s, "{\"travelers\":1}"));
	CHECK(ok(s, "{\"travelers\":9}"));
	CHECK_STR(bad(s, "{\"travelers\":0}", e, sizeof e),
	    "arguments.travelers: must be >= 1 (got 0)");
	CHECK_STR(bad(s, "{\"travelers\":10}", e, sizeof e),
	    "arguments.travelers: must be <= 9 (got 10)");
	CHECK(ok("{\"exclusiveMinimum\":0}", "0.001"));
	CHECK_STR(bad("{\"exclusiveMinimum\":0}", "0", e, sizeof e),
	    "arguments: must be > 0 (got 0)");
	CHECK(ok("{\"exclusiveMaximum\":1.5}", "1.49"));
	CHECK_STR(bad("{\"exclusiveMaximum\":1.5}", "1.5", e, sizeof e),
	    "arguments: must be < 1.5 (got 1.5)");
	CHECK(ok("{\"minimum\":-2.5}", "-2.5"));
	CHECK_STR(bad("{\"minimum\":-2.5}", "-2.51", e, sizeof e),
	    "arguments: must be >= -2.5 (got -2.51)");
	/* draft-04 booleans make the bound exclusive. */
	CHECK_STR(bad("{\"$schema\":\"http://json-schema.org/draft-04/schema#\""
	    ","
	    "\"minimum\":5,\"exclusiveMinimum\":true}", "5", e, sizeof e),
	    "arguments: must be > 5 (got 5)");
	CHECK(ok("{\"maximum\":5,\"exclusiveMaximum\":false}", "5"));
	CHECK(ok("{\"multipleOf\":5}", "15"));
	CHECK(ok("{\"multipleOf\":0.1}", "0.3"));
	CHECK(ok("{\"multipleOf\":0.01}", "19.99"));
	CHECK(ok("{\"multipleOf\":0.0001}", "0.0075"));
	CHECK(ok("{\"multipleOf\":0.5}", "1e308"));
	CHECK_STR(bad("{\"multipleOf\":5}", "7", e, sizeof e),
	    "arguments: must be a multiple of 5 (got 7)");
	CHECK_CONTAINS(bad("{\"multipleOf\":0.0001}", "0.00751", e, sizeof e),
	    "must be a multiple of 0.0001");
	CHECK_CONTAINS(bad("{\"type\":\"integer\",\"multipleOf\":0.123456789}",
	    "1e308", e, sizeof e), "must be a multiple of");
	/* Bounds ignore values that are not numbers. */
	CHECK(ok("{\"minimum\":5}", "\"1\""));
	CHECK_CONTAINS(compile_error("{\"minimum\":\"1\"}", e, sizeof e),
	    "schema: 'minimum' must be a number, got string");
	CHECK_CONTAINS(compile_error("{\"multipleOf\":0}", e, sizeof e),
	    "'multipleOf' must be greater than 0");
}

static void
test_string_length(void)
{
	char	 e[512];

	CHECK(ok("{\"minLength\":2,\"maxLength\":3}", "\"ab\""));
	CHECK(ok("{\"maxLength\":3}", "\"\xc3\xa9t\xc3\xa9"
	    "\""));	/* été */
	CHECK(ok("{\"maxLength\":1}", "\"\xf0\x9f\x98\x80\""));	/* 😀 */
	CHECK(ok("{\"maxLength\":2}", "\"\\u00e9\\ud83d\\ude00\""));
	CHECK(ok("{\"minLength\":0}", "\"\""));
	CHECK_STR(bad("{\"maxLength\":3}", "\"\xc3\xa9t\xc3\xa9s\"", e,
	    sizeof e), "arguments: must be at most 3 characters long (got 4)");
	CHECK_STR(bad("{\"minLength\":1}", "\"\"", e, sizeof e),
	    "arguments: must be at least 1 character long (got 0)");
	CHECK_STR(bad("{\"minLength\":3}", "\"\xe6\x97\xa5\xe6\x9c\xac\"", e,
	    sizeof e), "arguments: must be at least 3 characters long (got 2)");
	CHECK(ok("{\"maxLength\":2}", "[1,2,3]"));
	CHECK(ok("{\"minLength\":2.0}", "\"ab\""));
	CHECK_CONTAINS(compile_error("{\"minLength\":-1}", e, sizeof e),
	    "'minLength' must be a non-negative integer");
	CHECK_CONTAINS(compile_error("{\"maxLength\":1.5}", e, sizeof e),
	    "'maxLength' must be a non-negative integer");
}

/* Ten patterns of ~14000 nodes each pass the per-pattern limit only. */
static void
test_pattern_total(void)
{
	char	 s[2048], e[512];
	size_t	 len;
	int	 i;

	len = (size_t)snprintf(s, sizeof s, "{\"properties\":{");
	for (i = 0; i < 10; i++)
		len += (size_t)snprintf(s + len, sizeof s - len,
		    "%s\"p%d\":{\"pattern\":\"^\\\\S{1,255}$\"}",
		    i > 0 ? "," : "", i);
	snprintf(s + len, sizeof s - len, "}}");
	CHECK_CONTAINS(compile_error(s, e, sizeof e), "the schema's patterns "
	    "are too large together");
	/* patternProperties takes the other path through the same cap. */
	len = (size_t)snprintf(s, sizeof s, "{\"patternProperties\":{");
	for (i = 0; i < 10; i++)
		len += (size_t)snprintf(s + len, sizeof s - len,
		    "%s\"^%d\\\\S{1,255}$\":{}", i > 0 ? "," : "", i);
	snprintf(s + len, sizeof s - len, "}}");
	CHECK_CONTAINS(compile_error(s, e, sizeof e), "too large together");
}

static void
test_pattern(void)
{
	const char	*iata = "{\"properties\":{\"code\":{\"type\":\"string\""
	    ","
	    "\"pattern\":\"^[A-Z]{3}$\"}}}";
	char		 e[512];

	CHECK(ok(iata, "{\"code\":\"SFO\"}"));
	CHECK_STR(bad(iata, "{\"code\":\"sfo\"}", e, sizeof e),
	    "arguments.code: must match pattern \"^[A-Z]{3}$\" (got \"sfo\")");
	CHECK_CONTAINS(bad(iata, "{\"code\":\"SFOX\"}", e, sizeof e),
	    "arguments.code: must match pattern");
	/* Patterns search; they are not anchored. */
	CHECK(ok("{\"pattern\":\"b\"}", "\"abc\""));
	CHECK(ok("{\"pattern\":\"\"}", "\"abc\""));
	/* ECMA escapes become POSIX classes. */
	CHECK(ok("{\"pattern\":\"^\\\\d{4}-\\\\d{2}$\"}", "\"2024-05\""));
	CHECK_CONTAINS(bad("{\"pattern\":\"^\\\\d+$\"}", "\"12a\"", e,
	    sizeof e), "must match pattern \"^\\\\d+$\"");
	CHECK(ok("{\"pattern\":\"^\\\\w+$\"}", "\"a_Z9\""));
	CHECK_CONTAINS(bad("{\"pattern\":\"^\\\\w+$\"}", "\"a-b\"", e,
	    sizeof e), "must match pattern");
	CHECK(ok("{\"pattern\":\"^\\\\S+\\\\s\\\\S+$\"}", "\"a\\tb\""));
	CHECK_CONTAINS(bad("{\"pattern\":\"^\\\\D\\\\W$\"}", "\"1!\"", e,
	    sizeof e), "must match");
	CHECK(ok("{\"pattern\":\"^\\\\D\\\\W$\"}", "\"a!\""));
	/* Escapes inside classes, and ']' '-' '^' '[' as literals. */
	CHECK(ok("{\"pattern\":\"^[\\\\w.+-]+@[\\\\w-]+\\\\.[a-z]{2,}$\"}",
	    "\"a.b+c@x-y.com\""));
	CHECK(ok("{\"pattern\":\"^[\\\\]\\\\[^-]+$\"}", "\"]-[^\""));
	CHECK_CONTAINS(bad("{\"pattern\":\"^[\\\\]\\\\[^-]+$\"}", "\"a\"", e,
	    sizeof e), "must match");
	CHECK(ok("{\"pattern\":\"^[^^]$\"}", "\"a\""));
	CHECK_CONTAINS(bad("{\"pattern\":\"^[^^]$\"}", "\"^\"", e, sizeof e),
	    "must match");
	CHECK(ok("{\"pattern\":\"^[\\\\^]$\"}", "\"^\""));
	CHECK(ok("{\"pattern\":\"^[\\\\d\\\\s]+$\"}", "\"1 2\""));
	/* Non-capturing and named groups, lazy quantifiers, alternation. */
	CHECK(ok("{\"pattern\":\"^(?:ab)+?$\"}", "\"abab\""));
	CHECK(ok("{\"pattern\":\"^(?<year>\\\\d{4})$\"}", "\"2024\""));
	CHECK(ok("{\"pattern\":\"^(cat|dog)s?$\"}", "\"dogs\""));
	CHECK_CONTAINS(bad("{\"pattern\":\"^(cat|dog)s?$\"}", "\"cow\"", e,
	    sizeof e), "must match");
	/* '.' does not match a line end, as in ECMA-262. */
	CHECK_CONTAINS(bad("{\"pattern\":\"^a.b$\"}", "\"a\\nb\"", e, sizeof e),
	    "must match");
	CHECK(ok("{\"pattern\":\"^a.b$\"}", "\"a-b\""));
	/* A '^' inside stays an anchor at the start of the string only. */
	CHECK(ok("{\"pattern\":\"x|^a\"}", "\"abc\""));
	CHECK(ok("{\"pattern\":\"x|^a\"}", "\"zzx\""));
	CHECK_CONTAINS(bad("{\"pattern\":\"x|^a\"}", "\"ba\"", e, sizeof e),
	    "must match");
	CHECK_CONTAINS(bad("{\"pattern\":\"x|^a\"}", "\"b\\na\"", e,
	    sizeof e), "must match");
	CHECK_CONTAINS(bad("{\"pattern\":\"^abc\"}", "\"\\nabc\"", e,
	    sizeof e), "must match");
	CHECK_CONTAINS(bad("{\"pattern\":\"c$\"}", "\"abc\\n\"", e,
	    sizeof e), "must match");
	CHECK(ok("{\"pattern\":\"c$\"}", "\"a\\nbc\""));
	CHECK(ok("{\"pattern\":\"(b|^a)c\"}", "\"xbc\""));
	/* A brace that is no quantifier is a literal (Annex B). */
	CHECK(ok("{\"pattern\":\"^{x}$\"}", "\"{x}\""));
	CHECK(ok("{\"pattern\":\"^\\\\u00e9+$\"}", "\"\xc3\xa9\xc3\xa9\""));
	CHECK(ok("{\"pattern\":\"^\\\\x41\\\\/$\"}", "\"A/\""));
	/* Patterns ignore values that are not strings. */
	CHECK(ok("{\"pattern\":\"^a$\"}", "5"));
	/* [^] is any character at all, a line end too. */
	CHECK(ok("{\"pattern\":\"^a[^]b$\"}", "\"a\\nb\""));
	CHECK(ok("{\"pattern\":\"^[^]$\"}", "\"\xc3\xa9\""));
	CHECK_CONTAINS(bad("{\"pattern\":\"^[^]$\"}", "\"ab\"", e, sizeof e),
	    "must match");
	CHECK_CONTAINS(compile_error("{\"pattern\":\"[^\\\\s\\\\S]\"}", e,
	    sizeof e), "character class matches nothing");

	CHECK_CONTAINS(compile_error("{\"pattern\":\"(?=a)\"}", e, sizeof e),
	    "lookaround");
	CHECK_CONTAINS(compile_error("{\"pattern\":\"(?<!a)b\"}", e, sizeof e),
	    "lookaround");
	CHECK_CONTAINS(compile_error("{\"pattern\":\"(a)\\\\1\"}", e, sizeof e),
	    "backreference \\1 not supported");
	CHECK_CONTAINS(compile_error("{\"pattern\":\"\\\\p{L}\"}", e, sizeof e),
	    "unicode property escape");
	CHECK_CONTAINS(compile_error("{\"pattern\":\"\\\\bword\"}", e,
	    sizeof e), "word boundary");
	CHECK_CONTAINS(compile_error("{\"pattern\":\"a{1000}\"}", e, sizeof e),
	    "repetition count too large");
	CHECK_CONTAINS(compile_error("{\"pattern\":\"((a{200}){200}){200}\"}",
	    e, sizeof e), "pattern too large");
	/* Realistic bounded repeats fit; many together do not. */
	CHECK(ok("{\"pattern\":\"^\\\\S{1,255}$\"}", "\"x\""));
	CHECK(ok("{\"pattern\":\"^.{1,255}$\"}", "\"x\""));
	test_pattern_total();
	CHECK_CONTAINS(compile_error("{\"pattern\":\"a{3,2}\"}", e, sizeof e),
	    "out of order");
	CHECK_CONTAINS(compile_error("{\"pattern\":\"(^a|b){2}\""
	    "}", e, sizeof e),
	    "'^' or '$' inside a repeated group not supported");
	CHECK_CONTAINS(compile_error("{\"pattern\":\"((b$)|a)+\""
	    "}", e, sizeof e),
	    "inside a repeated group");
	CHECK(ok("{\"pattern\":\"^(\\\\+1)?[0-9]{10}$\"}", "\"+15551234567\""));
	CHECK_CONTAINS(compile_error("{\"pattern\":\"*a\"}", e, sizeof e),
	    "nothing to repeat");
	CHECK_CONTAINS(compile_error("{\"pattern\":\"a**\"}", e, sizeof e),
	    "nothing to repeat");
	CHECK_CONTAINS(compile_error("{\"pattern\":\"(a\"}", e, sizeof e),
	    "unclosed '('");
	CHECK_CONTAINS(compile_error("{\"pattern\":\"a)\"}", e, sizeof e),
	    "unmatched ')'");
	CHECK_CONTAINS(compile_error("{\"pattern\":\"[a\"}", e, sizeof e),
	    "unclosed '['");
	CHECK_CONTAINS(compile_error("{\"pattern\":\"[]\"}", e, sizeof e),
	    "empty class");
	CHECK_CONTAINS(compile_error("{\"pattern\":\"[z-a]\"}", e, sizeof e),
	    "range out of order");
	CHECK_CONTAINS(compile_error("{\"pattern\":\"a\\\\\"}", e, sizeof e),
	    "pattern ends with a backslash");
	CHECK_CONTAINS(compile_error("{\"pattern\":\"\\\\q\"}", e, sizeof e),
	    "unknown escape \\q");
	CHECK_CONTAINS(compile_error("{\"properties\":{\"code\":{\"pattern\":"
	    "\"(?=x)\"}}}", e, sizeof e),
	    "schema at #/properties/code: cannot use pattern \"(?=x)\"");
	CHECK_CONTAINS(compile_error("{\"pattern\":1}", e, sizeof e),
	    "'pattern' must be a string");
}

/* Patterns work on characters, not bytes, whatever the locale. */
static void
test_pattern_unicode(void)
{
	char	 e[512];

	CHECK(ok("{\"pattern\":\"^.{3}$\"}", "\"\xc3\xa9t\xc3\xa9\""));
	CHECK(ok("{\"pattern\":\"^.$\"}", "\"\xf0\x9f\x98\x80\""));
	CHECK_CONTAINS(bad("{\"pattern\":\"^.{2}$\"}", "\"\xc3\xa9\"", e,
	    sizeof e), "must match");
	/* Lisboa, Zürich, Malmö: a class with a non-ASCII range. */
	CHECK(ok("{\"pattern\":\"^[A-Za-z\xc3\x80-\xc3\xbf ]+$\"}",
	    "\"Z\xc3\xbcrich Malm\xc3\xb6\""));
	CHECK_CONTAINS(bad("{\"pattern\":\"^[A-Za-z\xc3\x80-\xc3\xbf ]+$\"}",
	    "\"Krak\xc3\xb3w\xe2\x80\x93\"", e, sizeof e), "must match");
	CHECK(ok("{\"pattern\":\"^[\\\\u4e00-\\\\u9fff]+$\"}",
	    "\"\xe6\x9d\xb1\xe4\xba\xac\""));
	CHECK_CONTAINS(bad("{\"pattern\":\"^[\\\\u4e00-\\\\u9fff]+$\"}",
	    "\"\xe3\x81\x82\"", e, sizeof e), "must match");
	/* Negated classes, and \D \W \S, take one whole character. */
	CHECK(ok("{\"pattern\":\"^[^a]$\"}", "\"\xc3\xa9\""));
	CHECK(ok("{\"pattern\":\"^[^\xc3\xa9]$\"}", "\"\xc3\xa8\""));
	CHECK_CONTAINS(bad("{\"pattern\":\"^[^\xc3\xa9]$\"}", "\"\xc3\xa9\"",
	    e, sizeof e), "must match");
	CHECK(ok("{\"pattern\":\"^\\\\D$\"}", "\"\xdf\x80\""));
	CHECK(ok("{\"pattern\":\"^\\\\W$\"}", "\"\xc3\xa9\""));
	CHECK(ok("{\"pattern\":\"^[\\\\D]$\"}", "\"x\""));
	CHECK(ok("{\"pattern\":\"^[\\\\W\\\\d]+$\"}", "\"1-2\""));
	/* \s is ECMA-262's list: no-break space, em space, BOM. */
	CHECK(ok("{\"pattern\":\"^\\\\s+$\"}",
	    "\"\xc2\xa0\xe2\x80\x83\xef\xbb\xbf\\t\""));
	CHECK_CONTAINS(bad("{\"pattern\":\"^\\\\S$\"}", "\"\xc2\xa0\"", e,
	    sizeof e), "must match");
	CHECK(ok("{\"pattern\":\"^\\\\S$\"}", "\"\xe2\x80\x93\""));
	CHECK(ok("{\"pattern\":\"^\\\\ud83d\\\\ude00$\"}",
	    "\"\xf0\x9f\x98\x80\""));
	CHECK(ok("{\"pattern\":\"^\\\\u{1F600}$\"}", "\"\xf0\x9f\x98\x80\""));
	/* The program's locale does not change the answers. */
	if (setlocale(LC_ALL, "C.UTF-8") != NULL) {
		CHECK(ok("{\"pattern\":\"^[\\\\u4e00-\\\\u9fff]+$\"}",
		    "\"\xe6\x9d\xb1\xe4\xba\xac\""));
		CHECK(ok("{\"pattern\":\"^.{3}$\"}",
		    "\"\xc3\xa9t\xc3\xa9\""));
		CHECK(ok("{\"pattern\":\"b\"}", "\"\xff\xfe b\""));
		setlocale(LC_ALL, "C");
	}
}

static void
test_format_date(void)
{
	const char	*s = "{\"properties\":{\"departure\":{\"type\":\"string"
	    "\","
	    "\"format\":\"date\"}}}";
	char		 e[512];

	CHECK(ok(s, "{\"departure\":\"2024-05-01\"}"));
	CHECK(ok(s, "{\"departure\":\"2024-02-29\"}"));
	CHECK(ok(s, "{\"departure\":\"2000-02-29\"}"));
	CHECK(ok(s, "{\"departure\":\"2023-12-31\"}"));
	CHECK_STR(bad(s, "{\"departure\":\"2024-13-01\"}", e, sizeof e),
	    "arguments.departure: expected a date (YYYY-MM-DD), got "
	    "\"2024-13-01\"");
	CHECK_CONTAINS(bad(s, "{\"departure\":\"2023-02-29\"}", e, sizeof e),
	    "expected a date");
	CHECK_CONTAINS(bad(s, "{\"departure\":\"1900-02-29\"}", e, sizeof e),
	    "expected a date");
	CHECK_CONTAINS(bad(s, "{\"departure\":\"2024-04-31\"}", e, sizeof e),
	    "expected a date");
	CHECK_CONTAINS(bad(s, "{\"departure\":\"2024-00-10\"}", e, sizeof e),
	    "expected a date");
	CHECK_CONTAINS(bad(s, "{\"departure\":\"2024-01-00\"}", e, sizeof e),
	    "expected a date");
	CHECK_CONTAINS(bad(s, "{\"departure\":\"2024-5-1\"}", e, sizeof e),
	    "expected a date");
	CHECK_CONTAINS(bad(s, "{\"departure\":\"2024-05-01T00:00:00Z\"}", e,
	    sizeof e), "expected a date");
	CHECK_CONTAINS(bad(s, "{\"departure\":\"tomorrow\"}", e, sizeof e),
	    "expected a date");
	CHECK_CONTAINS(bad(s, "{\"departure\":\"2024-O5-01\"}", e, sizeof e),
	    "expected a date");
	/* Formats ignore values that are not strings. */
	CHECK(ok("{\"format\":\"date\"}", "20240501"));
}

static void
test_format_date_time(void)
{
	const char	*s = "{\"format\":\"date-time\"}";
	const char	*t = "{\"format\":\"time\"}";
	char		 e[512];

	CHECK(ok(s, "\"2024-05-01T09:30:00Z\""));
	CHECK(ok(s, "\"2024-05-01T09:30:00.123+02:00\""));
	CHECK(ok(s, "\"2024-05-01t09:30:00-05:30\""));
	CHECK(ok(s, "\"2016-12-31T23:59:60Z\""));
	CHECK(ok(s, "\"2016-12-31T15:59:60-08:00\""));
	CHECK_CONTAINS(bad(s, "\"2016-12-31T22:59:60Z\"", e, sizeof e),
	    "expected a date-time");
	CHECK_CONTAINS(bad(s, "\"2024-05-01 09:30:00Z\"", e, sizeof e),
	    "expected a date-time");
	CHECK_CONTAINS(bad(s, "\"2024-05-01T09:30Z\"", e, sizeof e),
	    "expected a date-time");
	CHECK_CONTAINS(bad(s, "\"2024-05-01T09:30:00\"", e, sizeof e),
	    "expected a date-time");
	CHECK_CONTAINS(bad(s, "\"2024-05-01T24:00:00Z\"", e, sizeof e),
	    "expected a date-time");
	CHECK_CONTAINS(bad(s, "\"2024-05-01T09:30:00.Z\"", e, sizeof e),
	    "expected a date-time");
	CHECK_CONTAINS(bad(s, "\"2024-05-01T09:30:00+2:00\"", e, sizeof e),
	    "expected a date-time");
	CHECK_CONTAINS(bad(s, "\"2023-02-29T09:30:00Z\"", e, sizeof e),
	    "expected a date-time");
	CHECK(ok(t, "\"09:30:00Z\""));
	CHECK(ok(t, "\"23:59:59.5+01:00\""));
	CHECK_CONTAINS(bad(t, "\"09:30\"", e, sizeof e),
	    "arguments: expected a time");
	CHECK_CONTAINS(bad(t, "\"09:60:00Z\"", e, sizeof e),
	    "expected a time");
}

static void
test_format_others(void)
{
	const char	*m = "{\"properties\":{\"email\":{\"format\":\"email\"}"
	    "}}";
	const char	*u = "{\"format\":\"uri\"}";
	const char	*id = "{\"format\":\"uuid\"}";
	char		 e[512];

	CHECK(ok(m, "{\"email\":\"ann@example.com\"}"));
	CHECK(ok(m, "{\"email\":\"ann.lee+trips@mail.example.co.uk\"}"));
	CHECK(ok(m, "{\"email\":\"root@localhost\"}"));
	CHECK(ok(m, "{\"email\":\"ann@[127.0.0.1]\"}"));
	CHECK(ok(m, "{\"email\":\"ann@[IPv6:::1]\"}"));
	CHECK(ok(m, "{\"email\":\"\\\"ann lee\\\"@example.com\"}"));
	CHECK_CONTAINS(bad(m, "{\"email\":\"ann@[127.0.0.300]\"}", e, sizeof e),
	    "expected an email address");
	CHECK_CONTAINS(bad(m, "{\"email\":\"ann\"}", e, sizeof e),
	    "arguments.email: expected an email address");
	CHECK_CONTAINS(bad(m, "{\"email\":\"ann@@example.com\"}", e, sizeof e),
	    "expected an email address");
	CHECK_CONTAINS(bad(m, "{\"email\":\"a@b@c.com\"}", e, sizeof e),
	    "expected an email address");
	CHECK_CONTAINS(bad(m, "{\"email\":\"ann lee@example.com\"}", e,
	    sizeof e), "expected an email address");
	CHECK_CONTAINS(bad(m, "{\"email\":\"@example.com\"}", e, sizeof e),
	    "expected an email address");
	CHECK_CONTAINS(bad(m, "{\"email\":\"ann@\"}", e, sizeof e),
	    "expected an email address");
	CHECK_CONTAINS(bad(m, "{\"email\":\"ann@example..com\"}", e, sizeof e),
	    "expected an email address");
	CHECK_CONTAINS(bad(m, "{\"email\":\"ann@.example.com\"}", e, sizeof e),
	    "expected an email address");
	CHECK_CONTAINS(bad(m, "{\"email\":\".ann@example.com\"}", e, sizeof e),
	    "expected an email address");
	CHECK_CONTAINS(bad(m, "{\"email\":\"a..b@example.com\"}", e, sizeof e),
	    "expected an email address");

	CHECK(ok(u, "\"https://example.com/a?b=c#d\""));
	CHECK(ok(u, "\"urn:isbn:0451450523\""));
	CHECK(ok(u, "\"mailto:ann@example.com\""));
	CHECK(ok(u, "\"http://x/%20y\""));
	CHECK_CONTAINS(bad(u, "\"example.com/path\"", e, sizeof e),
	    "expected a URI");
	CHECK_CONTAINS(bad(u, "\"/relative/path\"", e, sizeof e),
	    "expected a URI");
	CHECK_CONTAINS(bad(u, "\"http://exa mple.com\"", e, sizeof e),
	    "expected a URI");
	CHECK_CONTAINS(bad(u, "\"1http://x\"", e, sizeof e), "expected a URI");
	CHECK_CONTAINS(bad(u, "\"http://x/%zz\"", e, sizeof e),
	    "expected a URI");

	CHECK(ok(id, "\"123e4567-e89b-12d3-a456-426614174000\""));
	CHECK(ok(id, "\"123E4567-E89B-12D3-A456-426614174000\""));
	CHECK_CONTAINS(bad(id, "\"123e4567e89b12d3a456426614174000\"", e,
	    sizeof e), "expected a UUID");
	CHECK_CONTAINS(bad(id, "\"123e4567-e89b-12d3-a456-42661417400g\"", e,
	    sizeof e), "expected a UUID");

	/* Unknown formats are annotations. */
	CHECK(ok("{\"format\":\"iata-code\"}", "\"whatever\""));
	CHECK(ok("{\"format\":\"hostname\"}", "\"not a host\""));
	CHECK_CONTAINS(compile_error("{\"format\":5}", e, sizeof e),
	    "'format' must be a string");
}

static void
test_items(void)
{
	const char	*s = "{\"type\":\"array\",\"items\":{\"type\":\"string"
	    "\"},"
	    "\"minItems\":1,\"maxItems\":3}";
	const char	*tuple = "{\"prefixItems\":[{\"type\":\"string\"},"
	    "{\"type\":\"integer\"}],\"items\":false}";
	const char	*old = "{\"$schema\":\"http://json-schema.org/draft-07/"
	    "schema#\",\"items\":[{\"type\":\"string\"}],"
	    "\"additionalItems\":{\"type\":\"integer\"}}";
	char		 e[512];

	CHECK(ok(s, "[\"a\"]"));
	CHECK(ok(s, "[\"a\",\"b\",\"c\"]"));
	CHECK_STR(bad(s, "[]", e, sizeof e),
	    "arguments: must have at least 1 item (got 0)");
	CHECK_STR(bad(s, "[\"a\",\"b\",\"c\",\"d\"]", e, sizeof e),
	    "arguments: must have at most 3 items (got 4)");
	CHECK_STR(bad(s, "[\"a\",2]", e, sizeof e),
	    "arguments[1]: expected string, got integer 2");
	CHECK(ok(tuple, "[\"a\",1]"));
	CHECK(ok(tuple, "[\"a\"]"));
	CHECK_STR(bad(tuple, "[1,1]", e, sizeof e),
	    "arguments[0]: expected string, got integer 1");
	CHECK_STR(bad(tuple, "[\"a\",1,2]", e, sizeof e),
	    "arguments: must have at most 2 items (got 3)");
	CHECK(ok("{\"prefixItems\":[{\"type\":\"string\"}]}", "[\"a\",1,{}]"));
	CHECK(ok(old, "[\"a\",1,2]"));
	CHECK_STR(bad(old, "[\"a\",1,\"b\"]", e, sizeof e),
	    "arguments[2]: expected integer, got string \"b\"");
	CHECK_STR(bad("{\"items\":[{\"type\":\"string\"}]}", "[1]", e,
	    sizeof e), "arguments[0]: expected string, got integer 1");
	CHECK(ok("{\"items\":{\"type\":\"string\"}}", "{\"a\":1}"));
	CHECK_CONTAINS(compile_error("{\"prefixItems\":[{}],\"items\":[{}]}",
	    e, sizeof e), "'items' must be a schema");
	CHECK_CONTAINS(compile_error("{\"items\":3}", e, sizeof e),
	    "schema at #/items: a schema must be an object or a boolean, got "
	    "number");
	CHECK_CONTAINS(compile_error("{\"minItems\":\"1\"}", e, sizeof e),
	    "'minItems' must be a non-negative integer");
}

static void
test_unique_contains(void)
{
	const char	*u = "{\"uniqueItems\":true}";
	const char	*c = "{\"contains\":{\"type\":\"integer\"},"
	    "\"minContains\":2,\"maxContains\":3}";
	char		 e[512];

	CHECK(ok(u, "[1,2,\"1\",[1],{\"a\":1},true,null]"));
	CHECK(ok(u, "[]"));
	CHECK(ok(u, "[{\"a\":1},{\"a\":2}]"));
	CHECK(ok(u, "[false,0]"));
	CHECK_STR(bad(u, "[1,2,1.0]", e, sizeof e),
	    "arguments: items must be unique, but [0] and [2] are equal");
	CHECK_CONTAINS(bad(u, "[{\"a\":1,\"b\":[2]},{\"b\":[2],\"a\":1}]", e,
	    sizeof e), "[0] and [1] are equal");
	CHECK(ok("{\"uniqueItems\":false}", "[1,1]"));
	CHECK_CONTAINS(compile_error("{\"uniqueItems\":1}", e, sizeof e),
	    "'uniqueItems' must be a boolean");

	CHECK(ok("{\"contains\":{\"const\":3}}", "[1,2,3]"));
	CHECK_STR(bad("{\"contains\":{\"const\":3}}", "[1,2]", e, sizeof e),
	    "arguments: must contain at least 1 item matching 'contains' "
	    "(found 0)");
	CHECK(ok(c, "[1,\"a\",2]"));
	CHECK_STR(bad(c, "[1,\"a\"]", e, sizeof e),
	    "arguments: must contain at least 2 items matching 'contains' "
	    "(found 1)");
	CHECK_STR(bad(c, "[1,2,3,4]", e, sizeof e),
	    "arguments: must contain at most 3 items matching 'contains'");
	CHECK(ok("{\"contains\":{\"const\":3},\"minContains\":0}", "[]"));
}

static void
test_object_counts(void)
{
	const char	*s = "{\"minProperties\":1,\"maxProperties\":2}";
	const char	*names = "{\"propertyNames\":{\"pattern\":\"^[a-z_]+$\""
	    ","
	    "\"maxLength\":8}}";
	const char	*deps = "{\"dependentRequired\":{\"card\":[\"cvv\","
	    "\"expiry\"]}}";
	const char	*legacy = "{\"dependencies\":{\"a\":[\"b\"],"
	    "\"c\":{\"required\":[\"d\"]}}}";
	char		 e[512];

	CHECK(ok(s, "{\"a\":1}"));
	CHECK_STR(bad(s, "{}", e, sizeof e),
	    "arguments: must have at least 1 property (got 0)");
	CHECK_STR(bad(s, "{\"a\":1,\"b\":2,\"c\":3}", e, sizeof e),
	    "arguments: must have at most 2 properties (got 3)");
	CHECK(ok(names, "{\"seat_no\":1}"));
	CHECK_STR(bad(names, "{\"SeatNo\":1}", e, sizeof e),
	    "arguments: property name \"SeatNo\" does not match "
	    "'propertyNames'");
	CHECK_CONTAINS(bad(names, "{\"much_too_long\":1}", e, sizeof e),
	    "property name \"much_too_long\"");
	CHECK(ok(deps, "{\"name\":\"x\"}"));
	CHECK(ok(deps, "{\"card\":\"x\",\"cvv\":1,\"expiry\":2}"));
	CHECK_STR(bad(deps, "{\"card\":\"x\"}", e, sizeof e),
	    "arguments: missing properties 'cvv', 'expiry' (required when "
	    "'card' is present)");
	CHECK(ok(legacy, "{\"a\":1,\"b\":2}"));
	CHECK_CONTAINS(bad(legacy, "{\"a\":1}", e, sizeof e),
	    "missing property 'b' (required when 'a' is present)");
	CHECK_CONTAINS(bad(legacy, "{\"c\":1}", e, sizeof e),
	    "arguments: missing required property 'd'");
	CHECK(ok("{\"dependentSchemas\":{\"a\":{\"maxProperties\":1}}}",
	    "{\"b\":1,\"c\":2}"));
	CHECK_CONTAINS(bad("{\"dependentSchemas\":{\"a\":{\"maxProperties\":1}}"
	    "}",
	    "{\"a\":1,\"c\":2}", e, sizeof e), "must have at most 1 property");
}

static void
test_any_of(void)
{
	const char	*nullable = "{\"properties\":{\"x\":{\"anyOf\":["
	    "{\"type\":\"string\"},{\"type\":\"null\"}]}}}";
	const char	*shapes = "{\"anyOf\":[{\"type\":\"string\"},"
	    "{\"type\":\"object\",\"required\":[\"name\"],\"properties\":"
	    "{\"name\":{\"type\":\"string\"}}}]}";
	const char	*titled = "{\"properties\":{\"seat\":{\"type\":\"string"
	    "\","
	    "\"oneOf\":[{\"const\":\"aisle\",\"title\":\"Aisle\"},"
	    "{\"const\":\"window\",\"title\":\"Window\"}]}}}";
	char		 e[512];

	CHECK(ok(nullable, "{\"x\":null}"));
	CHECK(ok(nullable, "{\"x\":\"a\"}"));
	CHECK_STR(bad(nullable, "{\"x\":1}", e, sizeof e),
	    "arguments.x: expected string or null, got integer 1");
	CHECK(ok(shapes, "\"a\""));
	CHECK(ok(shapes, "{\"name\":\"a\"}"));
	CHECK_STR(bad(shapes, "{\"name\":1}", e, sizeof e),
	    "arguments: matches none of the 2 alternatives in anyOf; "
	    "closest (#2): arguments.name: expected string, got integer 1");
	CHECK_STR(bad(shapes, "5", e, sizeof e),
	    "arguments: expected object or string, got integer 5");
	CHECK(ok(titled, "{\"seat\":\"aisle\"}"));
	CHECK_STR(bad(titled, "{\"seat\":\"middle\"}", e, sizeof e),
	    "arguments.seat: must be one of \"aisle\", \"window\" "
	    "(got \"middle\")");
	/* At equal depth, an alternative whose type matched explains. */
	CHECK_STR(bad("{\"anyOf\":[{\"type\":\"object\"},{\"type\":\"string\","
	    "\"pattern\":\"^[A-Z]{3}$\"}]}", "\"sfo\"", e, sizeof e),
	    "arguments: matches none of the 2 alternatives in anyOf; "
	    "closest (#2): arguments: must match pattern \"^[A-Z]{3}$\" "
	    "(got \"sfo\")");
	/* A single alternative explains itself. */
	CHECK_STR(bad("{\"anyOf\":[{\"minimum\":3}]}", "1", e, sizeof e),
	    "arguments: must be >= 3 (got 1)");
	CHECK_CONTAINS(compile_error("{\"anyOf\":[]}", e, sizeof e),
	    "'anyOf' must not be empty");
	CHECK_CONTAINS(compile_error("{\"anyOf\":{}}", e, sizeof e),
	    "'anyOf' must be an array of schemas");
}

static void
test_one_all_not(void)
{
	const char	*one = "{\"oneOf\":[{\"type\":\"integer\"},"
	    "{\"minimum\":2}]}";
	const char	*all = "{\"allOf\":[{\"type\":\"integer\"},"
	    "{\"minimum\":2}]}";
	char		 e[512];

	CHECK(ok(one, "1"));
	CHECK(ok(one, "2.5"));
	CHECK_STR(bad(one, "3", e, sizeof e),
	    "arguments: matches alternatives #1 and #2 of the 2 in oneOf; it "
	    "must match exactly one");
	CHECK_CONTAINS(bad(one, "1.5", e, sizeof e),
	    "matches none of the 2 alternatives in oneOf");
	CHECK(ok(all, "3"));
	CHECK_STR(bad(all, "1", e, sizeof e), "arguments: must be >= 2 (got 1"
	    ")");
	CHECK_STR(bad(all, "2.5", e, sizeof e),
	    "arguments: expected integer, got number 2.5");
	CHECK(ok("{\"not\":{\"type\":\"string\"}}", "1"));
	CHECK_STR(bad("{\"not\":{\"type\":\"string\"}}", "\"a\"", e, sizeof e),
	    "arguments: must not match the schema in 'not'");
	CHECK(ok("{\"not\":{\"not\":{\"type\":\"string\"}}}", "\"a\""));
}

static void
test_if_then_else(void)
{
	const char	*s = "{\"if\":{\"properties\":{\"round_trip\":"
	    "{\"const\":true}},\"required\":[\"round_trip\"]},"
	    "\"then\":{\"required\":[\"return_date\"]},"
	    "\"else\":{\"not\":{\"required\":[\"return_date\"]}}}";
	char		 e[512];

	CHECK(ok(s, "{\"round_trip\":true,\"return_date\":\"2024-05-02\"}"));
	CHECK(ok(s, "{\"round_trip\":false}"));
	CHECK(ok(s, "{}"));
	CHECK_STR(bad(s, "{\"round_trip\":true}", e, sizeof e),
	    "arguments: missing required property 'return_date'");
	CHECK_CONTAINS(bad(s, "{\"return_date\":\"2024-05-02\"}", e, sizeof e),
	    "must not match");
	/* if alone does nothing. */
	CHECK(ok("{\"if\":{\"type\":\"string\"}}", "1"));
	CHECK(ok("{\"if\":{\"type\":\"string\"},\"then\":{\"minLength\":2}}",
	    "1"));
}

static void
test_ref(void)
{
	const char	*defs = "{\"$defs\":{\"airport\":{\"type\":\"string\","
	    "\"pattern\":\"^[A-Z]{3}$\"}},\"properties\":{\"from\":{\"$ref\":"
	    "\"#/$defs/airport\"},\"to\":{\"$ref\":\"#/$defs/airport\"}}}";
	const char	*draft7 = "{\"$schema\":\"http://json-schema.org/draft-"
	    "07/"
	    "schema#\",\"definitions\":{\"n\":{\"type\":\"integer\"}},"
	    "\"properties\":{\"a\":{\"$ref\":\"#/definitions/n\","
	    "\"minimum\":100}}}";
	const char	*modern = "{\"$defs\":{\"n\":{\"type\":\"integer\"}},"
	    "\"properties\":{\"a\":{\"$ref\":\"#/$defs/n\",\"minimum\":100}}}";
	const char	*tree = "{\"type\":\"object\",\"properties\":{\"name\":"
	    "{\"type\":\"string\"},\"children\":{\"type\":\"array\",\"items\":"
	    "{\"$ref\":\"#\"}}},\"required\":[\"name\"]}";
	char		 e[512];

	CHECK(ok(defs, "{\"from\":\"SFO\",\"to\":\"JFK\"}"));
	CHECK_CONTAINS(bad(defs, "{\"from\":\"SFO\",\"to\":\"jfk\"}", e,
	    sizeof e), "arguments.to: must match pattern");
	/* Up to draft-07 $ref hides its siblings; since 2019-09 they apply. */
	CHECK(ok(draft7, "{\"a\":5}"));
	CHECK_CONTAINS(bad(draft7, "{\"a\":\"5\"}", e, sizeof e),
	    "arguments.a: expected integer");
	CHECK_STR(bad(modern, "{\"a\":5}", e, sizeof e),
	    "arguments.a: must be >= 100 (got 5)");
	/* Recursion through "#" ends with the value. */
	CHECK(ok(tree, "{\"name\":\"a\",\"children\":[{\"name\":\"b\","
	    "\"children\":[{\"name\":\"c\",\"children\":[]}]}]}"));
	CHECK_STR(bad(tree, "{\"name\":\"a\",\"children\":[{\"name\":\"b\","
	    "\"children\":[{\"children\":[]}]}]}", e, sizeof e),
	    "arguments.children[0].children[0]: missing required property "
	    "'name'");
	/* Pointers: escapes, percent-encoding, array indexes, anchors. */
	CHECK(ok("{\"$defs\":{\"a/b\":{\"type\":\"string\"}},\"$ref\":"
	    "\"#/$defs/a~1b\"}", "\"x\""));
	CHECK(ok("{\"$defs\":{\"a b\":{\"type\":\"string\"}},\"$ref\":"
	    "\"#/$defs/a%20b\"}", "\"x\""));
	CHECK_CONTAINS(bad("{\"allOf\":[{\"type\":\"string\"}],\"properties\":"
	    "{\"x\":{\"$ref\":\"#/allOf/0\"}}}", "{\"x\":1}", e, sizeof e),
	    "arguments.x: expected string");
	CHECK_CONTAINS(bad("{\"$defs\":{\"s\":{\"$anchor\":\"str\",\"type\":"
	    "\"string\"}},\"properties\":{\"x\":{\"$ref\":\"#str\"}}}",
	    "{\"x\":1}", e, sizeof e), "arguments.x: expected string");
	CHECK_CONTAINS(bad("{\"$id\":\"https://example.com/trip.json\","
	    "\"$defs\":{\"n\":{\"type\":\"integer\"}},\"$ref\":"
	    "\"https://example.com/trip.json#/$defs/n\"}", "\"1\"", e,
	    sizeof e), "arguments: expected integer");
	/* A $ref to a $ref, and refs that are not used, compile. */
	CHECK(ok("{\"$defs\":{\"a\":{\"$ref\":\"#/$defs/b\"},\"b\":{\"type\":"
	    "\"null\"},\"unused\":{\"$ref\":\"#/$defs/a\"}},\"$ref\":"
	    "\"#/$defs/a\"}", "null"));

	CHECK_CONTAINS(compile_error("{\"$ref\":\"https://example.com/s.json\""
	    "}",
	    e, sizeof e), "remote $ref not supported");
	CHECK_CONTAINS(compile_error("{\"properties\":{\"a\":{\"$ref\":"
	    "\"other.json#/x\"}}}", e, sizeof e),
	    "schema at #/properties/a: remote $ref not supported: "
	    "'other.json#/x'");
	CHECK_CONTAINS(compile_error("{\"$ref\":"
	    "\"http://json-schema.org/draft-07/schema#\"}", e, sizeof e),
	    "remote $ref not supported");
	CHECK_CONTAINS(compile_error("{\"$ref\":\"#/$defs/missing\"}", e,
	    sizeof e), "$ref '#/$defs/missing' points to nothing");
	CHECK_CONTAINS(compile_error("{\"$ref\":\"#nowhere\"}", e, sizeof e),
	    "points to nothing");
	CHECK_CONTAINS(compile_error("{\"$defs\":{\"a\":3},\"$ref\":"
	    "\"#/$defs/a\"}", e, sizeof e), "a schema must be an object");
	CHECK_CONTAINS(compile_error("{\"x\":[1],\"$ref\":\"#/x\"}", e,
	    sizeof e), "points to an array, not a schema");
	CHECK_CONTAINS(compile_error("{\"$ref\":\"#/a~2\"}", e, sizeof e),
	    "not a valid JSON pointer");
	CHECK_CONTAINS(compile_error("{\"$ref\":1}", e, sizeof e),
	    "'$ref' must be a string");
	CHECK_CONTAINS(compile_error("{\"$defs\":{\"bad\":{\"minimum\":\"x\"}}"
	    "}",
	    e, sizeof e), "schema at #/$defs/bad: 'minimum' must be a number");
}

static void
test_ref_loops(void)
{
	char	 e[512];

	/* A loop that never reaches the value stops at the cap. */
	CHECK_CONTAINS(bad("{\"$ref\":\"#\"}", "1", e, sizeof e),
	    "nested more than 64 deep");
	CHECK_CONTAINS(bad("{\"$defs\":{\"a\":{\"$ref\":\"#/$defs/b\"},\"b\":"
	    "{\"$ref\":\"#/$defs/a\"}},\"$ref\":\"#/$defs/a\"}", "1", e,
	    sizeof e), "arguments: $ref '#/$defs/");
	/* The cap is final: "not" cannot turn it into a success. */
	CHECK_CONTAINS(bad("{\"not\":{\"$ref\":\"#\"}}", "1", e, sizeof e),
	    "nested more than 64 deep");
	CHECK_CONTAINS(bad("{\"anyOf\":[{\"$ref\":\"#\"},true]}", "1", e,
	    sizeof e), "nested more than 64 deep");
}

/* {"$defs":{"d0":{"anyOf":[ref d1, ref d1]}, ...}}: 2^depth paths. */
static char *
exponential_schema(int depth)
{
	size_t	 cap = (size_t)depth * 128 + 256, len = 0;
	char	*s = malloc(cap);
	int	 i;

	len += (size_t)snprintf(s + len, cap - len, "{\"$defs\":{");
	for (i = 0; i < depth; i++) {
		len += (size_t)snprintf(s + len, cap - len,
		    "\"d%d\":{\"anyOf\":[{\"$ref\":\"#/$defs/d%d\"},"
		    "{\"$ref\":\"#/$defs/d%d\"}]},", i, i + 1, i + 1);
	}
	snprintf(s + len, cap - len, "\"d%d\":false},\"$ref\":\"#/$defs/d0\"}",
	    depth);
	return s;
}

static void
test_hostile(void)
{
	struct mcp_schema	*s;
	cJSON			*v, *cur, *next;
	char			 e[512], *text;
	int			 i;

	/* A deeply nested schema is refused before it is walked. */
	text = malloc(300 * 16 + 16);
	text[0] = '\0';
	for (i = 0; i < 300; i++)
		strcat(text, "{\"not\":");
	strcat(text, "{}");
	for (i = 0; i < 300; i++)
		strcat(text, "}");
	CHECK_CONTAINS(compile_error(text, e, sizeof e),
	    "nested more than 256 levels deep");
	free(text);

	/* 2^40 paths through anyOf: the step budget ends it. */
	text = exponential_schema(40);
	CHECK_CONTAINS(bad(text, "1", e, sizeof e), "gave up after");
	free(text);

	/* A value nested 5000 deep, against schemas that walk it. */
	v = cJSON_CreateArray();
	for (cur = v, i = 0; i < 5000; i++) {
		next = cJSON_CreateArray();
		cJSON_AddItemToArray(cur, next);
		cur = next;
	}
	if (refuses("{\"type\":\"array\",\"items\":{\"$ref\":\"#\"}}", v,
	    "nested more than 64 deep", e, sizeof e))
		CHECK_CONTAINS(e, "arguments[0][0][0]");
	refuses("{\"items\":{\"items\":{\"uniqueItems\":true,\"enum\":[[]]}}}",
	    v, "arguments[0][0]: must be []", e, sizeof e);
	cJSON_Delete(v);

	/* uniqueItems over 20000 items hashes rather than compares pairs. */
	v = cJSON_CreateArray();
	for (i = 0; i < 20000; i++)
		cJSON_AddItemToArray(v, cJSON_CreateNumber(i));
	s = compile("{\"uniqueItems\":true}", e, sizeof e);
	CHECK(s != NULL);
	if (s != NULL) {
		CHECK(mcp_schema_validate(s, v, "arguments", e, sizeof e) == 0);
		cJSON_AddItemToArray(v, cJSON_CreateNumber(19999));
		CHECK(mcp_schema_validate(s, v, "argument"
		    "s", e, sizeof e) == -1);
		CHECK_CONTAINS(e, "[19999] and [20000] are equal");
		mcp_schema_free(s);
	}
	cJSON_Delete(v);

	/* A long string pattern match within budget. */
	text = malloc(200001);
	memset(text, 'a', 200000);
	text[200000] = '\0';
	v = cJSON_CreateString(text);
	free(text);
	refuses("{\"pattern\":\"^a+$\",\"maxLength\":10}", v,
	    "must be at most 10 characters long (got 200000)", e, sizeof e);
	/* Patterns whose search would take seconds are charged and refused. */
	refuses("{\"pattern\":\"(a|aa|aaa)*(b|bb)*c|^x\"}", v,
	    "arguments: gave up matching pattern", e, sizeof e);
	refuses("{\"pattern\":\"(a|b)*a(a|b){20}c\"}", v,
	    "arguments: gave up matching pattern", e, sizeof e);
	/* An unanchored pattern that fails over a long string is fast. */
	refuses("{\"pattern\":\"(a|aa)*c\"}", v,
	    "arguments: must match pattern", e, sizeof e);
	if (refuses("{\"pattern\":\"^a+b$\"}", v,
	    "must match pattern \"^a+b$\" (got \"aaaaaaaa", e, sizeof e)) {
		CHECK_CONTAINS(e, "...");
		CHECK(strlen(e) < 200);
	}
	cJSON_Delete(v);
}

static void
test_boolean_schemas(void)
{
	char	 e[512];

	CHECK(ok("true", "{\"anything\":[1]}"));
	CHECK_STR(bad("false", "1", e, sizeof e),
	    "arguments: not allowed here (the schema is false)");
	CHECK_STR(bad("{\"properties\":{\"a\":{\"items\":false}}}",
	    "{\"a\":[1]}", e, sizeof e),
	    "arguments.a: must have at most 0 items (got 1)");
	CHECK(ok("{\"properties\":{\"a\":{\"items\":false}}}", "{\"a\":[]}"));
	CHECK(ok("{\"anyOf\":[false,true]}", "1"));
	CHECK_CONTAINS(compile_error("3", e, sizeof e),
	    "schema: a schema must be an object or a boolean, got number");
	CHECK_CONTAINS(compile_error("[]", e, sizeof e),
	    "a schema must be an object or a boolean, got array");
}

static void
test_annotations(void)
{
	CHECK(ok("{\"title\":\"T\",\"description\":\"D\",\"default\":5,"
	    "\"examples\":[1],\"$id\":\"urn:x\",\"$comment\":\"c\","
	    "\"deprecated\":true,\"readOnly\":true,\"writeOnly\":false,"
	    "\"x-mcp-header\":\"Region\",\"contentMediaType\":\"text/plain\","
	    "\"unevaluatedProperties\":{\"type\":\"string\"}}",
	    "{\"a\":1}"));
	CHECK(ok("{\"properties\":{\"a\":{\"title\":\"A\",\"type\":\"string\","
	    "\"default\":\"x\"}}}", "{\"a\":\"y\"}"));
}

/*
 * Schema and value nested 70 deep. The name lengths make each path stop a
 * byte or two short of its buffer before the cut, the worst place for it.
 */
static void
test_long_paths(void)
{
	char	*schema, *value, e[512];
	size_t	 cap = 70 * 128 + 256, sl = 0, vl = 0;
	int	 i, len;

	/* Value paths: 62 names of 64, one of 49, then more of 64. */
	schema = malloc(cap);
	value = malloc(cap);
	for (i = 0; i < 70; i++) {
		len = i == 62 ? 49 : 64;
		sl += (size_t)snprintf(schema + sl, cap - sl, "{\"properties\":"
		    "{\"%0*d\":", len, i);
		vl += (size_t)snprintf(value + vl, cap - vl, "{\"%0*d\":", len, i);
	}
	sl += (size_t)snprintf(schema + sl, cap - sl, "{\"type\":\"string\"}");
	vl += (size_t)snprintf(value + vl, cap - vl, "1");
	for (i = 0; i < 70; i++) {
		sl += (size_t)snprintf(schema + sl, cap - sl, "}}");
		vl += (size_t)snprintf(value + vl, cap - vl, "}");
	}
	CHECK_CONTAINS(bad(schema, value, e, sizeof e),
	    "...: expected string, got integer 1");
	CHECK(strlen(e) < 260);
	CHECK_CONTAINS(e, "arguments.000000000000");
	free(schema);
	free(value);

	/* Schema pointers: 17 levels of "/properties/xx" fill 249 bytes. */
	schema = malloc(cap);
	for (sl = 0, i = 0; i < 30; i++) {
		sl += (size_t)snprintf(schema + sl, cap - sl, "{\"properties\":"
		    "{\"%02d\":", i);
	}
	sl += (size_t)snprintf(schema + sl, cap - sl, "{\"minimum\":\"x\"}");
	for (i = 0; i < 30; i++)
		sl += (size_t)snprintf(schema + sl, cap - sl, "}}");
	CHECK_CONTAINS(compile_error(schema, e, sizeof e),
	    "schema at #/properties/00/properties/01/");
	CHECK_CONTAINS(e, "...: 'minimum' must be a number");
	free(schema);
}

static void
test_messages(void)
{
	struct mcp_schema	*s;
	cJSON			*j, *v;
	char			 e[512], small[8], *big, *text;
	size_t			 i;

	/* Long values are cut; messages stay on one line. */
	big = malloc(1200);
	text = malloc(1400);
	memset(big, 'x', 1000);
	big[1000] = '\0';
	snprintf(text, 1400, "{\"q\":\"%s\\n\"}", big);
	CHECK_CONTAINS(bad("{\"properties\":{\"q\":{\"maxLength\":5,"
	    "\"type\":\"integer\"}}}", text, e, sizeof e),
	    "arguments.q: expected integer, got string \"xxxxx");
	CHECK_CONTAINS(e, "...\"");
	CHECK(strlen(e) < 160);
	free(text);

	/* Long property names are cut in paths too. */
	text = malloc(1400);
	snprintf(text, 1400, "{\"%s\":1}", big);
	CHECK_CONTAINS(bad("{\"additionalProperties\":{\"type\":\"string\"}}",
	    text, e, sizeof e), "arguments[\"xxxxxxxx");
	CHECK(strlen(e) < 200);
	free(text);
	free(big);

	/* A short buffer is filled, ended, and never overrun. */
	j = cJSON_Parse("{\"type\":\"string\"}");
	v = cJSON_Parse("12345");
	s = mcp_schema_new(j, e, sizeof e);
	CHECK(s != NULL);
	if (s != NULL) {
		memset(small, 'Z', sizeof small);
		CHECK(mcp_schema_validate(s, v, "arguments", small, 5) == -1);
		CHECK_EQ_INT(strlen(small), 4);
		CHECK(small[5] == 'Z');
		CHECK(mcp_schema_validate(s, v, "arguments", NULL, 0) == -1);
		CHECK(mcp_schema_validate(s, v, "arguments", small, 0) == -1);
		CHECK(small[0] == 'a');
		/* A missing root reads "value"; odd roots stay one line. */
		CHECK(mcp_schema_validate(s, v, NULL, e, sizeof e) == -1);
		CHECK_STR(e, "value: expected string, got integer 12345");
		CHECK(mcp_schema_validate(s, v, "a\nb", e, sizeof e) == -1);
		CHECK_CONTAINS(e, "a\\nb: expected string");
		mcp_schema_free(s);
	}
	cJSON_Delete(v);
	cJSON_Delete(j);

	/* Paths through arrays of objects. */
	CHECK_STR(bad("{\"properties\":{\"legs\":{\"items\":{\"properties\":"
	    "{\"from\":{\"type\":\"string\"}}}}}}", "{\"legs\":[{\"from\":\"A\""
	    "},"
	    "{\"from\":[1,2]}]}", e, sizeof e),
	    "arguments.legs[1].from: expected string, got array");

	/* A long path is cut with "..." rather than overflowing. */
	text = malloc(64 * 40 + 64);
	text[0] = '\0';
	for (i = 0; i < 40; i++)
		strcat(text, "{\"abcdefghijklmnopqrstuvwxyz\":");
	strcat(text, "1");
	for (i = 0; i < 40; i++)
		strcat(text, "}");
	CHECK_CONTAINS(bad("{\"$defs\":{\"n\":{\"type\":\"object\","
	    "\"additionalProperties\":{\"$ref\":\"#/$defs/n\"}}},"
	    "\"$ref\":\"#/$defs/n\"}", text, e, sizeof e),
	    "...");
	CHECK_CONTAINS(e, "arguments.abcdefghijklmnopqrstuvwxyz.abcdef");
	CHECK_CONTAINS(e, ".abcdefghijklmnopqrstuvwxyz: expected object, got "
	    "integer 1");
	CHECK(strlen(e) < 260);
	free(text);

	/* Paths past every buffer: compile pointers and value paths. */
	test_long_paths();

	/* Bad arguments. */
	CHECK(mcp_schema_new(NULL, e, sizeof e) == NULL);
	CHECK_CONTAINS(e, "schema: none given");
	CHECK(mcp_schema_validate(NULL, NULL, "arguments", e, sizeof e) == -1);
	CHECK_CONTAINS(e, "arguments: nothing to check");
	CHECK(compile_error("{\"minimum\":\"x\"}", small, 1) != NULL);
	CHECK(small[0] == '\0');
	j = cJSON_Parse("{\"minimum\":\"x\"}");
	CHECK(mcp_schema_new(j, NULL, 0) == NULL);
	cJSON_Delete(j);
	mcp_schema_free(NULL);
	CHECK(mcp_schema_json(NULL) == NULL);
}

static void
test_copy(void)
{
	struct mcp_schema	*s;
	cJSON			*j, *v;
	char			 e[512];

	j = cJSON_Parse("{\"type\":\"object\",\"properties\":{\"a\":"
	    "{\"pattern\":\"^x\"}}}");
	s = mcp_schema_new(j, e, sizeof e);
	CHECK(s != NULL);
	CHECK(mcp_schema_json(s) != j);
	CHECK(cJSON_Compare(mcp_schema_json(s), j, 1));
	cJSON_Delete(j);
	if (s != NULL) {
		v = cJSON_Parse("{\"a\":\"y\"}");
		CHECK(mcp_schema_validate(s, v, "argument"
		    "s", e, sizeof e) == -1);
		CHECK_CONTAINS(e, "arguments.a: must match pattern \"^x\"");
		cJSON_Delete(v);
		mcp_schema_free(s);
	}
}

/* A tool schema as the TypeScript SDK sends it (zod, draft-07 stamp). */
static void
test_ts_sdk_tool(void)
{
	const char	*s = "{\"type\":\"object\",\"properties\":{"
	    "\"origin\":{\"type\":\"string\",\"minLength\":3,\"maxLength\":3},"
	    "\"destination\":{\"type\":\"string\",\"minLength\":3,"
	    "\"maxLength\":3},"
	    "\"departure\":{\"type\":\"string\",\"format\":\"date\"},"
	    "\"return\":{\"type\":\"string\",\"format\":\"date\"},"
	    "\"travelers\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":9,"
	    "\"default\":1},"
	    "\"cabin\":{\"type\":\"string\",\"enum\":[\"economy\",\"premium\","
	    "\"business\",\"first\"]},"
	    "\"max_price\":{\"type\":\"number\",\"exclusiveMinimum\":0},"
	    "\"contact\":{\"type\":\"object\",\"properties\":{\"email\":"
	    "{\"type\":\"string\",\"format\":\"email\"}},\"required\":"
	    "[\"email\"],\"additionalProperties\":false}},"
	    "\"required\":[\"origin\",\"destination\",\"departure\"],"
	    "\"additionalProperties\":false,"
	    "\"$schema\":\"http://json-schema.org/draft-07/schema#\"}";
	char		 e[512];

	CHECK(ok(s, "{\"origin\":\"SFO\",\"destination\":\"NRT\","
	    "\"departure\":\"2024-05-01\",\"travelers\":2,\"cabin\":\"business"
	    "\","
	    "\"max_price\":2500.50,\"contact\":{\"email\":\"ann@example.com\"}"
	    "}"));
	CHECK_STR(bad(s, "{\"origin\":\"SFO\",\"destination\":\"NRT\","
	    "\"departure\":\"2024-05-01\",\"contact\":{\"email\":\"ann\"}}", e,
	    sizeof e), "arguments.contact.email: expected an email address, "
	    "got \"ann\"");
	CHECK_STR(bad(s, "{\"origin\":\"SFO\",\"destination\":\"NRT\","
	    "\"departure\":\"2024-05-01\",\"travelers\":0}", e, sizeof e),
	    "arguments.travelers: must be >= 1 (got 0)");
	CHECK_STR(bad(s, "{\"origin\":\"San Francisco\",\"destination\":\"NRT\""
	    ","
	    "\"departure\":\"2024-05-01\"}", e, sizeof e),
	    "arguments.origin: must be at most 3 characters long (got 13)");
	CHECK_CONTAINS(bad(s, "{\"origin\":\"SFO\",\"destination\":\"NRT\","
	    "\"departure\":\"2024-05-01\",\"pets\":1}", e, sizeof e),
	    "arguments: unexpected property 'pets'; allowed: 'origin', "
	    "'destination', 'departure', 'return', 'travelers', 'cabin', "
	    "'max_price', 'contact'");
}

int
main(void)
{
	HARNESS_BEGIN("schema");
	TEST(test_dialects);
	TEST(test_type);
	TEST(test_required);
	TEST(test_additional_properties);
	TEST(test_pattern_properties);
	TEST(test_enum_const);
	TEST(test_big_enum);
	TEST(test_numbers);
	TEST(test_string_length);
	TEST(test_pattern);
	TEST(test_pattern_unicode);
	TEST(test_format_date);
	TEST(test_format_date_time);
	TEST(test_format_others);
	TEST(test_items);
	TEST(test_unique_contains);
	TEST(test_object_counts);
	TEST(test_any_of);
	TEST(test_one_all_not);
	TEST(test_if_then_else);
	TEST(test_ref);
	TEST(test_ref_loops);
	TEST(test_hostile);
	TEST(test_boolean_schemas);
	TEST(test_annotations);
	TEST(test_messages);
	TEST(test_copy);
	TEST(test_ts_sdk_tool);
	return HARNESS_END();
}
