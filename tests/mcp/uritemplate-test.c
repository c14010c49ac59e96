/*
 * Tests for mcp/uritemplate.c: the RFC 6570 expansion examples, matching uris
 * back to variables, syntax errors and hostile inputs.
 */

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tests/harness.h"
#include "mcp/uritemplate.h"

/* The variables of RFC 6570 sections 1.2 and 3.2 (they agree). */
static const char *rfc_vars =
    "{\"count\":[\"one\",\"two\",\"three\"],"
    "\"dom\":[\"example\",\"com\"],"
    "\"dub\":\"me/too\","
    "\"hello\":\"Hello World!\","
    "\"half\":\"50%\","
    "\"var\":\"value\","
    "\"who\":\"fred\","
    "\"base\":\"http://example.com/home/\","
    "\"path\":\"/foo/bar\","
    "\"list\":[\"red\",\"green\",\"blue\"],"
    "\"keys\":{\"semi\":\";\",\"dot\":\".\",\"comma\":\",\"},"
    "\"v\":\"6\","
    "\"x\":\"1024\","
    "\"y\":\"768\","
    "\"empty\":\"\","
    "\"empty_keys\":[],"
    "\"undef\":null}";

struct vector {
	const char	*tmpl;
	const char	*want;	/* NULL: expansion fails */
};

static const struct vector rfc_vectors[] = {
	/* 1.2 level 1 */
	{ "{var}", "value" },
	{ "{hello}", "Hello%20World%21" },
	/* 1.2 level 2 */
	{ "{+var}", "value" },
	{ "{+hello}", "Hello%20World!" },
	{ "{+path}/here", "/foo/bar/here" },
	{ "here?ref={+path}", "here?ref=/foo/bar" },
	{ "X{#var}", "X#value" },
	{ "X{#hello}", "X#Hello%20World!" },
	/* 1.2 level 3 */
	{ "map?{x,y}", "map?1024,768" },
	{ "{x,hello,y}", "1024,Hello%20World%21,768" },
	{ "{+x,hello,y}", "1024,Hello%20World!,768" },
	{ "{+path,x}/here", "/foo/bar,1024/here" },
	{ "{#x,hello,y}", "#1024,Hello%20World!,768" },
	{ "{#path,x}/here", "#/foo/bar,1024/here" },
	{ "X{.var}", "X.value" },
	{ "X{.x,y}", "X.1024.768" },
	{ "{/var}", "/value" },
	{ "{/var,x}/here", "/value/1024/here" },
	{ "{;x,y}", ";x=1024;y=768" },
	{ "{;x,y,empty}", ";x=1024;y=768;empty" },
	{ "{?x,y}", "?x=1024&y=768" },
	{ "{?x,y,empty}", "?x=1024&y=768&empty=" },
	{ "?fixed=yes{&x}", "?fixed=yes&x=1024" },
	{ "{&x,y,empty}", "&x=1024&y=768&empty=" },
	/* 1.2 level 4 */
	{ "{var:3}", "val" },
	{ "{var:30}", "value" },
	{ "{list}", "red,green,blue" },
	{ "{list*}", "red,green,blue" },
	{ "{keys}", "semi,%3B,dot,.,comma,%2C" },
	{ "{keys*}", "semi=%3B,dot=.,comma=%2C" },
	{ "{+path:6}/here", "/foo/b/here" },
	{ "{+list}", "red,green,blue" },
	{ "{+list*}", "red,green,blue" },
	{ "{+keys}", "semi,;,dot,.,comma,," },
	{ "{+keys*}", "semi=;,dot=.,comma=," },
	{ "{#path:6}/here", "#/foo/b/here" },
	{ "{#list}", "#red,green,blue" },
	{ "{#list*}", "#red,green,blue" },
	{ "{#keys}", "#semi,;,dot,.,comma,," },
	{ "{#keys*}", "#semi=;,dot=.,comma=," },
	{ "X{.var:3}", "X.val" },
	{ "X{.list}", "X.red,green,blue" },
	{ "X{.list*}", "X.red.green.blue" },
	{ "X{.keys}", "X.semi,%3B,dot,.,comma,%2C" },
	{ "X{.keys*}", "X.semi=%3B.dot=..comma=%2C" },
	{ "{/var:1,var}", "/v/value" },
	{ "{/list}", "/red,green,blue" },
	{ "{/list*}", "/red/green/blue" },
	{ "{/list*,path:4}", "/red/green/blue/%2Ffoo" },
	{ "{/keys}", "/semi,%3B,dot,.,comma,%2C" },
	{ "{/keys*}", "/semi=%3B/dot=./comma=%2C" },
	{ "{;hello:5}", ";hello=Hello" },
	{ "{;list}", ";list=red,green,blue" },
	{ "{;list*}", ";list=red;list=green;list=blue" },
	{ "{;keys}", ";keys=semi,%3B,dot,.,comma,%2C" },
	{ "{;keys*}", ";semi=%3B;dot=.;comma=%2C" },
	{ "{?var:3}", "?var=val" },
	{ "{?list}", "?list=red,green,blue" },
	{ "{?list*}", "?list=red&list=green&list=blue" },
	{ "{?keys}", "?keys=semi,%3B,dot,.,comma,%2C" },
	{ "{?keys*}", "?semi=%3B&dot=.&comma=%2C" },
	{ "{&var:3}", "&var=val" },
	{ "{&list}", "&list=red,green,blue" },
	{ "{&list*}", "&list=red&list=green&list=blue" },
	{ "{&keys}", "&keys=semi,%3B,dot,.,comma,%2C" },
	{ "{&keys*}", "&semi=%3B&dot=.&comma=%2C" },
	/* 3.2.1 variable expansion */
	{ "{count}", "one,two,three" },
	{ "{count*}", "one,two,three" },
	{ "{/count}", "/one,two,three" },
	{ "{/count*}", "/one/two/three" },
	{ "{;count}", ";count=one,two,three" },
	{ "{;count*}", ";count=one;count=two;count=three" },
	{ "{?count}", "?count=one,two,three" },
	{ "{?count*}", "?count=one&count=two&count=three" },
	{ "{&count*}", "&count=one&count=two&count=three" },
	/* 3.2.2 simple string expansion */
	{ "{half}", "50%25" },
	{ "O{empty}X", "OX" },
	{ "O{undef}X", "OX" },
	{ "{x,y}", "1024,768" },
	{ "?{x,empty}", "?1024," },
	{ "?{x,undef}", "?1024" },
	{ "?{undef,y}", "?768" },
	/* 3.2.3 reserved expansion */
	{ "{+half}", "50%25" },
	{ "{base}index", "http%3A%2F%2Fexample.com%2Fhome%2Findex" },
	{ "{+base}index", "http://example.com/home/index" },
	{ "O{+empty}X", "OX" },
	{ "O{+undef}X", "OX" },
	{ "up{+path}{var}/here", "up/foo/barvalue/here" },
	/* 3.2.4 fragment expansion */
	{ "{#var}", "#value" },
	{ "{#hello}", "#Hello%20World!" },
	{ "{#half}", "#50%25" },
	{ "foo{#empty}", "foo#" },
	{ "foo{#undef}", "foo" },
	/* 3.2.5 label expansion */
	{ "{.who}", ".fred" },
	{ "{.who,who}", ".fred.fred" },
	{ "{.half,who}", ".50%25.fred" },
	{ "www{.dom*}", "www.example.com" },
	{ "X{.empty}", "X." },
	{ "X{.undef}", "X" },
	{ "X{.empty_keys}", "X" },
	{ "X{.empty_keys*}", "X" },
	/* 3.2.6 path segment expansion */
	{ "{/who}", "/fred" },
	{ "{/who,who}", "/fred/fred" },
	{ "{/half,who}", "/50%25/fred" },
	{ "{/who,dub}", "/fred/me%2Ftoo" },
	{ "{/var,empty}", "/value/" },
	{ "{/var,undef}", "/value" },
	/* 3.2.7 path-style parameter expansion */
	{ "{;who}", ";who=fred" },
	{ "{;half}", ";half=50%25" },
	{ "{;empty}", ";empty" },
	{ "{;v,empty,who}", ";v=6;empty;who=fred" },
	{ "{;v,bar,who}", ";v=6;who=fred" },
	{ "{;x,y,undef}", ";x=1024;y=768" },
	/* 3.2.8 form-style query expansion */
	{ "{?who}", "?who=fred" },
	{ "{?half}", "?half=50%25" },
	{ "{?x,y,undef}", "?x=1024&y=768" },
	/* 3.2.9 form-style query continuation */
	{ "{&who}", "&who=fred" },
	{ "{&half}", "&half=50%25" },
	/* prefix modifiers do not apply to composite values (2.4.1) */
	{ "{list:3}", NULL },
	{ "{?keys:1}", NULL },
	{ "{empty_keys:1}", "" },
};

static cJSON *
json(const char *text)
{
	cJSON	*j = cJSON_Parse(text);

	if (j == NULL) {
		fprintf(stderr, "bad test json: %s\n", text);
		abort();
	}
	return j;
}

/* Expand tmpl with vars given as JSON; "(error)" for a parse or expand error. */
static char *
expand(const char *tmpl, const char *vars)
{
	struct mcp_uritemplate	*t;
	cJSON			*v = json(vars);
	char			*out, err[256];

	if ((t = mcp_uritemplate_new(tmpl, err, sizeof err)) == NULL) {
		cJSON_Delete(v);
		return strdup(err);
	}
	out = mcp_uritemplate_expand(t, v);
	mcp_uritemplate_free(t);
	cJSON_Delete(v);
	return out != NULL ? out : strdup("(error)");
}

/* Match uri against tmpl; the variables as compact JSON, or "no match". */
static char *
match(const char *tmpl, const char *uri)
{
	struct mcp_uritemplate	*t;
	cJSON			*vars = NULL;
	char			*out, err[256];

	if ((t = mcp_uritemplate_new(tmpl, err, sizeof err)) == NULL)
		return strdup(err);
	if (mcp_uritemplate_match(t, uri, &vars) != 0)
		out = strdup("no match");
	else
		out = cJSON_PrintUnformatted(vars);
	cJSON_Delete(vars);
	mcp_uritemplate_free(t);
	return out;
}

/* The error text of a failed match. */
static char *
match_err(const char *tmpl, const char *uri)
{
	struct mcp_uritemplate	*t;
	char			 err[256];

	if ((t = mcp_uritemplate_new(tmpl, err, sizeof err)) == NULL)
		return strdup(err);
	strcpy(err, "(matched)");
	mcp_uritemplate_match_err(t, uri, NULL, err, sizeof err);
	mcp_uritemplate_free(t);
	return strdup(err);
}

/* The parse error of tmpl, or "(ok)". */
static char *
parse_err(const char *tmpl)
{
	struct mcp_uritemplate	*t;
	char			 err[256];

	if ((t = mcp_uritemplate_new(tmpl, err, sizeof err)) == NULL)
		return strdup(err);
	mcp_uritemplate_free(t);
	return strdup("(ok)");
}

#define CHECK_EXPAND(tmpl, vars, want) do { \
	char *got_ = expand((tmpl), (vars)); \
	CHECK_STR(got_, (want)); \
	free(got_); \
} while (0)

#define CHECK_MATCH(tmpl, uri, want) do { \
	char *got_ = match((tmpl), (uri)); \
	CHECK_STR(got_, (want)); \
	free(got_); \
} while (0)

#define CHECK_MATCH_ERR(tmpl, uri, want) do { \
	char *got_ = match_err((tmpl), (uri)); \
	CHECK_STR(got_, (want)); \
	free(got_); \
} while (0)

#define CHECK_PARSE_ERR(tmpl, want) do { \
	char *got_ = parse_err(tmpl); \
	CHECK_STR(got_, (want)); \
	free(got_); \
} while (0)

static double
now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void
test_rfc_expansion(void)
{
	struct mcp_uritemplate	*t;
	cJSON			*vars = json(rfc_vars);
	char			*got, err[256];
	size_t			 i;

	for (i = 0; i < sizeof rfc_vectors / sizeof rfc_vectors[0]; i++) {
		t = mcp_uritemplate_new(rfc_vectors[i].tmpl, err, sizeof err);
		CHECK(t != NULL);
		if (t == NULL) {
			fprintf(stderr, "  %s: %s\n", rfc_vectors[i].tmpl, err);
			continue;
		}
		got = mcp_uritemplate_expand(t, vars);
		if (rfc_vectors[i].want == NULL)
			CHECK(got == NULL);
		else
			CHECK_STR(got, rfc_vectors[i].want);
		if (got != NULL && rfc_vectors[i].want != NULL &&
		    strcmp(got, rfc_vectors[i].want) != 0)
			fprintf(stderr, "  template %s\n", rfc_vectors[i].tmpl);
		free(got);
		mcp_uritemplate_free(t);
	}
	cJSON_Delete(vars);
}

/* Every RFC result that matches its template again must re-expand to a uri
 * that also matches. */
static void
test_rfc_roundtrip(void)
{
	struct mcp_uritemplate	*t;
	cJSON			*vars, *again;
	char			*uri;
	size_t			 i, matched = 0;

	for (i = 0; i < sizeof rfc_vectors / sizeof rfc_vectors[0]; i++) {
		if (rfc_vectors[i].want == NULL)
			continue;
		t = mcp_uritemplate_new(rfc_vectors[i].tmpl, NULL, 0);
		CHECK(t != NULL);
		vars = NULL;
		if (t == NULL ||
		    mcp_uritemplate_match(t, rfc_vectors[i].want, &vars) != 0) {
			mcp_uritemplate_free(t);
			continue;
		}
		matched++;
		uri = mcp_uritemplate_expand(t, vars);
		CHECK(uri != NULL);
		again = NULL;
		CHECK(uri != NULL && mcp_uritemplate_match(t, uri, &again) == 0);
		cJSON_Delete(again);
		free(uri);
		cJSON_Delete(vars);
		mcp_uritemplate_free(t);
	}
	CHECK(matched >= 80);
}

static void
test_rfc_match_back(void)
{
	CHECK_MATCH("{var}", "value", "{\"var\":\"value\"}");
	CHECK_MATCH("{hello}", "Hello%20World%21", "{\"hello\":\"Hello World!\"}");
	CHECK_MATCH("{+path}/here", "/foo/bar/here", "{\"path\":\"/foo/bar\"}");
	CHECK_MATCH("here?ref={+path}", "here?ref=/foo/bar",
	    "{\"path\":\"/foo/bar\"}");
	CHECK_MATCH("X{#hello}", "X#Hello%20World!", "{\"hello\":\"Hello World!\"}");
	CHECK_MATCH("map?{x,y}", "map?1024,768", "{\"x\":\"1024\",\"y\":\"768\"}");
	CHECK_MATCH("{x,hello,y}", "1024,Hello%20World%21,768",
	    "{\"x\":\"1024\",\"hello\":\"Hello World!\",\"y\":\"768\"}");
	CHECK_MATCH("{+path,x}/here", "/foo/bar,1024/here",
	    "{\"path\":\"/foo/bar\",\"x\":\"1024\"}");
	CHECK_MATCH("X{.x,y}", "X.1024.768", "{\"x\":\"1024\",\"y\":\"768\"}");
	CHECK_MATCH("{/var,x}/here", "/value/1024/here",
	    "{\"var\":\"value\",\"x\":\"1024\"}");
	CHECK_MATCH("{;x,y,empty}", ";x=1024;y=768;empty",
	    "{\"x\":\"1024\",\"y\":\"768\",\"empty\":\"\"}");
	CHECK_MATCH("{?x,y,empty}", "?x=1024&y=768&empty=",
	    "{\"x\":\"1024\",\"y\":\"768\",\"empty\":\"\"}");
	CHECK_MATCH("?fixed=yes{&x}", "?fixed=yes&x=1024", "{\"x\":\"1024\"}");
	CHECK_MATCH("{/var:1,var}", "/v/value", "{\"var\":\"value\"}");
	CHECK_MATCH("{/list*}", "/red/green/blue",
	    "{\"list\":[\"red\",\"green\",\"blue\"]}");
	CHECK_MATCH("{/list*,path:4}", "/red/green/blue/%2Ffoo",
	    "{\"list\":[\"red\",\"green\",\"blue\",\"/foo\"]}");
	CHECK_MATCH("{;list*}", ";list=red;list=green;list=blue",
	    "{\"list\":[\"red\",\"green\",\"blue\"]}");
	CHECK_MATCH("{?list*}", "?list=red&list=green&list=blue",
	    "{\"list\":[\"red\",\"green\",\"blue\"]}");
	CHECK_MATCH("{?list}", "?list=red,green,blue",
	    "{\"list\":\"red,green,blue\"}");
	CHECK_MATCH("www{.dom*}", "www.example.com",
	    "{\"dom\":[\"example\",\"com\"]}");
	CHECK_MATCH("up{+path}{var}/here", "up/foo/barvalue/here",
	    "{\"path\":\"/foo/\",\"var\":\"barvalue\"}");
	CHECK_MATCH("{base}index", "http%3A%2F%2Fexample.com%2Fhome%2Findex",
	    "{\"base\":\"http://example.com/home/\"}");
	CHECK_MATCH("{+base}index", "http://example.com/home/index",
	    "{\"base\":\"http://example.com/home/\"}");
}

static void
test_match_simple(void)
{
	const char *t = "travel://preferences/{region}";

	CHECK_MATCH(t, "travel://preferences/europe", "{\"region\":\"europe\"}");
	CHECK_MATCH(t, "travel://preferences/south%20america",
	    "{\"region\":\"south america\"}");
	CHECK_MATCH(t, "travel://preferences/eu:west", "{\"region\":\"eu:west\"}");
	CHECK_MATCH(t, "travel://preferences/", "no match");
	CHECK_MATCH(t, "travel://preferences/eu/west", "no match");
	CHECK_MATCH(t, "travel://preferences/eu?x=1", "no match");
	CHECK_MATCH(t, "travel://preferences/eu#top", "no match");
	CHECK_MATCH(t, "travel://preferences/a,b", "no match");
	CHECK_MATCH(t, "travel://preference/eu", "no match");
	CHECK_MATCH(t, "https://preferences/eu", "no match");
	CHECK_MATCH(t, "TRAVEL://preferences/eu", "no match");
	CHECK_MATCH(t, "travel://preferences", "no match");
	CHECK_MATCH(t, "", "no match");

	t = "test://template/{id}/data";
	CHECK_MATCH(t, "test://template/42/data", "{\"id\":\"42\"}");
	CHECK_MATCH(t, "test://template/42/data/extra", "no match");
	CHECK_MATCH(t, "test://template/42/dat", "no match");
	CHECK_MATCH(t, "test://template/42", "no match");
	CHECK_MATCH(t, "test://template//data", "no match");
	CHECK_MATCH(t, "test://template/4/2/data", "no match");
	CHECK_MATCH(t, "test://template/a%2Fb/data", "{\"id\":\"a/b\"}");

	CHECK_MATCH("{a}-{b}", "x-y-z", "{\"a\":\"x\",\"b\":\"y-z\"}");
	CHECK_MATCH("{a}-{b}.txt", "x-y.txt-z.txt",
	    "{\"a\":\"x\",\"b\":\"y.txt-z\"}");
	CHECK_MATCH("{a}{b}", "xyz", "{\"a\":\"x\",\"b\":\"yz\"}");
	CHECK_MATCH("{a,b}", "1,2", "{\"a\":\"1\",\"b\":\"2\"}");
	CHECK_MATCH("{a,b}", "1", "{\"a\":\"1\"}");
	CHECK_MATCH("{a,b}", "1,", "no match");
	CHECK_MATCH("{a,b}", "1,2,3", "no match");
	CHECK_MATCH("{a}", "", "no match");
	CHECK_MATCH("", "", "{}");
	CHECK_MATCH("", "x", "no match");
	CHECK_MATCH("abc", "abc", "{}");
	CHECK_MATCH("{list*}", "a,b,c", "{\"list\":[\"a\",\"b\",\"c\"]}");
	CHECK_MATCH("{list*}", "a,,c", "no match");
	CHECK_MATCH("{x:3}", "abc", "{\"x\":\"abc\"}");
	CHECK_MATCH("{x:3}", "ab", "{\"x\":\"ab\"}");
	CHECK_MATCH("{x:3}", "abcd", "no match");
	CHECK_MATCH("{x:2}", "%C3%A9%C3%A9", "{\"x\":\"\xc3\xa9\xc3\xa9\"}");
	CHECK_MATCH("{x:3}{y}", "abcd", "{\"x\":\"a\",\"y\":\"bcd\"}");
}

static void
test_match_reserved(void)
{
	const char *t = "file:///{+path}";

	CHECK_MATCH(t, "file:///home/user/a%20b.txt",
	    "{\"path\":\"home/user/a b.txt\"}");
	CHECK_MATCH(t, "file:///a,b?c#d", "{\"path\":\"a,b?c#d\"}");
	CHECK_MATCH(t, "file:///", "no match");
	CHECK_MATCH(t, "file://home", "no match");
	CHECK_MATCH("{+dir}/{name}", "a/b/c.txt",
	    "{\"dir\":\"a/b\",\"name\":\"c.txt\"}");
	CHECK_MATCH("{+dir}/{name}", "a/b/", "no match");
	CHECK_MATCH("{+a,b}", "x,y,z", "{\"a\":\"x\",\"b\":\"y,z\"}");
	CHECK_MATCH("{+path}{?q}", "a/b?q=1", "{\"path\":\"a/b\",\"q\":\"1\"}");
	CHECK_MATCH("{+path}{?q}", "a/b?z=1", "{\"path\":\"a/b?z=1\"}");
	CHECK_MATCH("{+path}{#frag}", "a/b#sec", "{\"path\":\"a/b\",\"frag\":\"sec\"}");
	CHECK_MATCH("{#frag}", "#sec/1", "{\"frag\":\"sec/1\"}");
	CHECK_MATCH("{#frag}", "", "{}");
	CHECK_MATCH("{#frag}", "#", "no match");
	CHECK_MATCH("{#frag}", "sec", "no match");
	CHECK_MATCH("x{#a,b}", "x#1,2,3", "{\"a\":\"1\",\"b\":\"2,3\"}");
}

static void
test_match_label_path(void)
{
	CHECK_MATCH("file{.ext}", "file.txt", "{\"ext\":\"txt\"}");
	CHECK_MATCH("file{.ext}", "file.tar.gz", "{\"ext\":\"tar.gz\"}");
	CHECK_MATCH("file{.ext}", "file", "{}");
	CHECK_MATCH("file{.ext}", "file.", "{\"ext\":\"\"}");
	CHECK_MATCH("file{.ext}", "file/x", "no match");
	CHECK_MATCH("file{.a,b}", "file.tar.gz", "{\"a\":\"tar\",\"b\":\"gz\"}");
	CHECK_MATCH("file{.a*}", "file.tar.gz", "{\"a\":[\"tar\",\"gz\"]}");
	CHECK_MATCH("{.a}{.b}", ".x.y.z", "{\"a\":\"x\",\"b\":\"y.z\"}");

	CHECK_MATCH("/files{/path*}", "/files/a/b/c",
	    "{\"path\":[\"a\",\"b\",\"c\"]}");
	CHECK_MATCH("/files{/path*}", "/files", "{}");
	CHECK_MATCH("/files{/path*}", "/files/", "{\"path\":[\"\"]}");
	CHECK_MATCH("/files{/path*}", "/files/a%2Fb/c",
	    "{\"path\":[\"a/b\",\"c\"]}");
	CHECK_MATCH("/files{/path*}", "/filesx", "no match");
	CHECK_MATCH("/files{/path*}{?v}", "/files/a/b?v=2",
	    "{\"path\":[\"a\",\"b\"],\"v\":\"2\"}");
	CHECK_MATCH("{/a,b}/here", "/x/y/here", "{\"a\":\"x\",\"b\":\"y\"}");
	CHECK_MATCH("{/a,b}/here", "/x/here", "{\"a\":\"x\"}");
	CHECK_MATCH("{/a,b}", "/x/y/z", "no match");
	CHECK_MATCH("{/a}", "/", "{\"a\":\"\"}");
	CHECK_MATCH("{/a}{/b}", "/x", "{\"a\":\"x\"}");
	CHECK_MATCH("{/a}{/b}", "/x/y", "{\"a\":\"x\",\"b\":\"y\"}");
}

static void
test_match_params(void)
{
	const char *t = "search{?q,lang}";

	CHECK_MATCH(t, "search?q=rome&lang=it",
	    "{\"q\":\"rome\",\"lang\":\"it\"}");
	CHECK_MATCH(t, "search?lang=it&q=rome",
	    "{\"q\":\"rome\",\"lang\":\"it\"}");
	CHECK_MATCH(t, "search?q=rome", "{\"q\":\"rome\"}");
	CHECK_MATCH(t, "search?lang=it", "{\"lang\":\"it\"}");
	CHECK_MATCH(t, "search", "{}");
	CHECK_MATCH(t, "search?q=", "{\"q\":\"\"}");
	CHECK_MATCH(t, "search?q", "{\"q\":\"\"}");
	CHECK_MATCH(t, "search?q=a%26b%3Dc", "{\"q\":\"a&b=c\"}");
	CHECK_MATCH(t, "search?q=a=b", "{\"q\":\"a=b\"}");
	CHECK_MATCH(t, "search?q=new+york", "{\"q\":\"new+york\"}");
	CHECK_MATCH(t, "search?q=a/b?c", "{\"q\":\"a/b?c\"}");
	CHECK_MATCH(t, "search?q=1&q=2", "no match");
	CHECK_MATCH(t, "search?x=1", "no match");
	CHECK_MATCH(t, "search?q=1&x=1", "no match");
	CHECK_MATCH(t, "search?q=rome&", "no match");
	CHECK_MATCH(t, "search?", "no match");
	CHECK_MATCH(t, "search?&q=1", "no match");
	CHECK_MATCH(t, "search?Q=1", "no match");
	CHECK_MATCH(t, "search?q=1#frag", "no match");
	CHECK_MATCH(t, "search&q=1", "no match");
	CHECK_MATCH(t, "searc?q=1", "no match");

	CHECK_MATCH("{?list*}", "?list=a&x=1", "no match");
	CHECK_MATCH("{?q:3}", "?q=abc", "{\"q\":\"abc\"}");
	CHECK_MATCH("{?q:3}", "?q=abcd", "no match");
	CHECK_MATCH("{?a}{&b}", "?a=1&b=2", "{\"a\":\"1\",\"b\":\"2\"}");
	CHECK_MATCH("{?a}{&b}", "&b=2", "{\"b\":\"2\"}");
	CHECK_MATCH("{?a}{&b}", "?b=2&a=1", "no match");
	CHECK_MATCH("/s?fixed=1{&x,y}", "/s?fixed=1&y=2&x=1",
	    "{\"x\":\"1\",\"y\":\"2\"}");
	CHECK_MATCH("{?q}#top", "?q=a#top", "{\"q\":\"a\"}");

	CHECK_MATCH("{;x,y}", ";y=2;x=1", "{\"x\":\"1\",\"y\":\"2\"}");
	CHECK_MATCH("{;x,y}", ";x", "{\"x\":\"\"}");
	CHECK_MATCH("{;x,y}", ";x=1/2", "no match");
	CHECK_MATCH("/m{;x}/rest", "/m;x=1/rest", "{\"x\":\"1\"}");
	CHECK_MATCH("/m{;x}/rest", "/m/rest", "{}");
}

static void
test_match_decoding(void)
{
	CHECK_MATCH("{x}", "a%20b", "{\"x\":\"a b\"}");
	CHECK_MATCH("{x}", "%e2%82%ac", "{\"x\":\"\xe2\x82\xac\"}");
	CHECK_MATCH("{x}", "\xe2\x82\xac", "{\"x\":\"\xe2\x82\xac\"}");
	CHECK_MATCH("{x}", "%zz", "no match");
	CHECK_MATCH("{x}", "a%4", "no match");
	CHECK_MATCH("{x}", "a%", "no match");
	CHECK_MATCH("{x}", "a%00b", "no match");
	CHECK_MATCH("{x}", "%ff", "no match");
	CHECK_MATCH("{x}", "%C3", "no match");
	CHECK_MATCH("{x}", "%C3%28", "no match");
	CHECK_MATCH("{x}", "%ED%A0%80", "no match");
	CHECK_MATCH("{x}", "%C0%AF", "no match");
	CHECK_MATCH("{x}", "a b", "no match");
	CHECK_MATCH("{x}", "a{b}", "no match");
	CHECK_MATCH("{x}", "a\tb", "no match");
	CHECK_MATCH("{x}", "%2C", "{\"x\":\",\"}");
	/* {+x} cannot expand to %25XX: it passes %XX in values through */
	CHECK_MATCH("{+x}", "%2541", "no match");
	CHECK_MATCH("{+x}", "a%25%34%31", "no match");
	CHECK_MATCH("{+x}", "%254", "{\"x\":\"%4\"}");
	CHECK_MATCH("{+x}4", "%254", "{\"x\":\"%\"}");
	CHECK_MATCH("{+x}", "%25,41", "{\"x\":\"%,41\"}");
	CHECK_MATCH("{x}", "%2541", "{\"x\":\"%41\"}");
	CHECK_MATCH("file:///{+path}", "file:///home/a%259b.txt", "no match");
	/* literals: hex case is free, non-ASCII matches raw or encoded */
	CHECK_MATCH("a%2fb/{x}", "a%2Fb/c", "{\"x\":\"c\"}");
	CHECK_MATCH("a%2fb/{x}", "a/b/c", "no match");
	CHECK_MATCH("caf\xc3\xa9/{x}", "caf%C3%A9/1", "{\"x\":\"1\"}");
	CHECK_MATCH("caf\xc3\xa9/{x}", "caf%c3%a9/1", "{\"x\":\"1\"}");
	CHECK_MATCH("caf\xc3\xa9/{x}", "caf\xc3\xa9/1", "{\"x\":\"1\"}");
	CHECK_MATCH("caf\xc3\xa9/{x}", "cafe/1", "no match");
	CHECK_EXPAND("caf\xc3\xa9/{x}", "{\"x\":1}", "caf%C3%A9/1");
}

static void
test_match_repeated(void)
{
	CHECK_MATCH("{x}/{x}", "a/a", "{\"x\":\"a\"}");
	CHECK_MATCH("{x}/{x}", "a/b", "no match");
	CHECK_MATCH("{x:1}/{x}", "v/value", "{\"x\":\"value\"}");
	CHECK_MATCH("{x:1}/{x}", "w/value", "no match");
	CHECK_MATCH("{x}/{x:2}", "abc/ab", "{\"x\":\"abc\"}");
	CHECK_MATCH("{/x}{?x}", "/a?x=a", "{\"x\":\"a\"}");
	CHECK_MATCH("{/x}{?x}", "/a", "no match");
	/* the first split disagrees (c only in {.c}); a longer q agrees */
	CHECK_MATCH("X{&q}{.c}{;c*}", "X&q=a%3D.b",
	    "{\"q\":\"a=.b\"}");
	CHECK_MATCH("{x:3}{x}", "abcabcdef", "{\"x\":\"abcdef\"}");
	CHECK_MATCH("{a}-{x}/{b}-{x}", "1-2-3/4-3", "{\"a\":\"1-2\",\"x\":\"3\",\"b\":\"4\"}");

	CHECK_MATCH_ERR("{x}/{x}", "a/b",
	    "variable \"x\" has conflicting values in the uri");
}

static void
test_match_errors(void)
{
	CHECK_MATCH_ERR("{x}", "a/b", "uri does not match");
	CHECK_MATCH_ERR("{x}", "a%zz",
	    "uri has an invalid percent escape at offset 1");
	CHECK_MATCH_ERR("{x}", "a b",
	    "uri has an invalid character 0x20 at offset 1");
	CHECK_MATCH_ERR("{x}", "a|b",
	    "uri has an invalid character '|' at offset 1");
	CHECK_MATCH_ERR("{x}", "abc", "(matched)");
}

static void
test_syntax_errors(void)
{
	struct mcp_uritemplate	*t;
	char			 err[16];

	CHECK_PARSE_ERR("x{a", "uri template \"x{a\": unclosed '{' at offset 1");
	CHECK_PARSE_ERR("{", "uri template \"{\": unclosed '{' at offset 0");
	CHECK_PARSE_ERR("{a,", "uri template \"{a,\": unclosed '{' at offset 0");
	CHECK_PARSE_ERR("{a:3", "uri template \"{a:3\": unclosed '{' at offset 0");
	CHECK_PARSE_ERR("a}", "uri template \"a}\": unexpected '}' at offset 1");
	CHECK_PARSE_ERR("{}", "uri template \"{}\": empty expression at offset 0");
	CHECK_PARSE_ERR("{+}", "uri template \"{+}\": empty expression at offset 0");
	CHECK_PARSE_ERR("{a,}",
	    "uri template \"{a,}\": empty variable name at offset 3");
	CHECK_PARSE_ERR("{=a}",
	    "uri template \"{=a}\": reserved operator '=' at offset 1");
	CHECK_PARSE_ERR("{|a}",
	    "uri template \"{|a}\": reserved operator '|' at offset 1");
	CHECK_PARSE_ERR("{!a}",
	    "uri template \"{!a}\": reserved operator '!' at offset 1");
	CHECK_PARSE_ERR("{a-b}",
	    "uri template \"{a-b}\": invalid character '-' in expression at offset 2");
	CHECK_PARSE_ERR("{$a}",
	    "uri template \"{$a}\": invalid character '$' in variable name at offset 1");
	CHECK_PARSE_ERR("{a{b}",
	    "uri template \"{a{b}\": invalid character '{' in expression at offset 2");
	CHECK_PARSE_ERR("{.a.}",
	    "uri template \"{.a.}\": misplaced '.' in variable name at offset 3");
	CHECK_PARSE_ERR("{a..b}",
	    "uri template \"{a..b}\": misplaced '.' in variable name at offset 3");
	CHECK_PARSE_ERR("{a%2}",
	    "uri template \"{a%2}\": invalid percent escape in variable name at offset 2");
	CHECK_PARSE_ERR("{a:0}",
	    "uri template \"{a:0}\": prefix length must be 1 to 9999 at offset 3");
	CHECK_PARSE_ERR("{a:10000}",
	    "uri template \"{a:10000}\": prefix length must be 1 to 9999 at offset 3");
	CHECK_PARSE_ERR("{a:}",
	    "uri template \"{a:}\": prefix length must be 1 to 9999 at offset 3");
	CHECK_PARSE_ERR("{a:3*}",
	    "uri template \"{a:3*}\": invalid character '*' in expression at offset 4");
	CHECK_PARSE_ERR("{a*:3}",
	    "uri template \"{a*:3}\": invalid character ':' in expression at offset 3");
	CHECK_PARSE_ERR("a b",
	    "uri template \"a b\": invalid character 0x20 at offset 1");
	CHECK_PARSE_ERR("a\"b",
	    "uri template \"a\\x22b\": invalid character '\"' at offset 1");
	CHECK_PARSE_ERR("a\nb{",
	    "uri template \"a\\x0ab{\": invalid character 0x0a at offset 1");
	CHECK_PARSE_ERR("a%zz", "uri template \"a%zz\": invalid percent escape at offset 1");
	CHECK_PARSE_ERR("a\xff", "uri template \"a\\xff\": invalid utf-8 at offset 1");
	CHECK_PARSE_ERR("a\xc3", "uri template \"a\\xc3\": invalid utf-8 at offset 1");

	CHECK_PARSE_ERR("{a:9999}", "(ok)");
	CHECK_PARSE_ERR("{a.b,c_d,%41,x1.y2.z3}", "(ok)");
	CHECK_PARSE_ERR("caf\xc3\xa9{x}", "(ok)");
	CHECK_PARSE_ERR("http://h/{+p}?a=%20{&b*}#x", "(ok)");
	CHECK_PARSE_ERR("", "(ok)");

	t = mcp_uritemplate_new("x{a", err, sizeof err);
	CHECK(t == NULL);
	CHECK_EQ_INT(strlen(err), sizeof err - 1);
	CHECK(mcp_uritemplate_new("x{a", NULL, 0) == NULL);
	CHECK(mcp_uritemplate_new(NULL, NULL, 0) == NULL);
	mcp_uritemplate_free(NULL);
}

static void
test_limits(void)
{
	struct mcp_uritemplate	*t;
	char			*tmpl, err[256], want[128];
	size_t			 i, n;

	/* template length */
	tmpl = malloc(MCP_URITEMPLATE_MAX_LEN + 2);
	memset(tmpl, 'a', MCP_URITEMPLATE_MAX_LEN + 1);
	tmpl[MCP_URITEMPLATE_MAX_LEN] = '\0';
	t = mcp_uritemplate_new(tmpl, err, sizeof err);
	CHECK(t != NULL);
	mcp_uritemplate_free(t);
	tmpl[MCP_URITEMPLATE_MAX_LEN] = 'a';
	tmpl[MCP_URITEMPLATE_MAX_LEN + 1] = '\0';
	t = mcp_uritemplate_new(tmpl, err, sizeof err);
	CHECK(t == NULL);
	CHECK_CONTAINS(err, ": longer than 4096 bytes");
	CHECK(strchr(err, '\n') == NULL);
	free(tmpl);

	/* variable count: 64 fine, 65 not */
	tmpl = malloc(1024);
	n = 0;
	for (i = 0; i < 64; i++)
		n += (size_t)sprintf(tmpl + n, "{v%zu}", i);
	t = mcp_uritemplate_new(tmpl, err, sizeof err);
	CHECK(t != NULL);
	CHECK_EQ_INT(mcp_uritemplate_var_count(t), 64);
	mcp_uritemplate_free(t);
	sprintf(tmpl + n, "/{v64}");
	t = mcp_uritemplate_new(tmpl, err, sizeof err);
	CHECK(t == NULL);
	snprintf(want, sizeof want, "too many variables (limit 64) at offset %zu",
	    n + 1);
	CHECK_CONTAINS(err, want);

	n = 0;
	n += (size_t)sprintf(tmpl + n, "{");
	for (i = 0; i < 65; i++)
		n += (size_t)sprintf(tmpl + n, "%sv%zu", i ? "," : "", i);
	sprintf(tmpl + n, "}");
	t = mcp_uritemplate_new(tmpl, err, sizeof err);
	CHECK(t == NULL);
	snprintf(want, sizeof want, "too many variables (limit 64) at offset %zu",
	    (size_t)(strstr(tmpl, "v64") - tmpl));
	CHECK_CONTAINS(err, want);
	free(tmpl);
}

static void
test_var_names(void)
{
	struct mcp_uritemplate	*t;

	t = mcp_uritemplate_new("{/a,b}{?c,a}{#b:3}", NULL, 0);
	CHECK(t != NULL);
	CHECK_STR(mcp_uritemplate_text(t), "{/a,b}{?c,a}{#b:3}");
	CHECK_EQ_INT(mcp_uritemplate_var_count(t), 3);
	CHECK_STR(mcp_uritemplate_var_name(t, 0), "a");
	CHECK_STR(mcp_uritemplate_var_name(t, 1), "b");
	CHECK_STR(mcp_uritemplate_var_name(t, 2), "c");
	CHECK(mcp_uritemplate_var_name(t, 3) == NULL);
	mcp_uritemplate_free(t);

	t = mcp_uritemplate_new("plain", NULL, 0);
	CHECK(t != NULL);
	CHECK_EQ_INT(mcp_uritemplate_var_count(t), 0);
	mcp_uritemplate_free(t);
}

static void
test_expand_values(void)
{
	struct mcp_uritemplate	*t;
	char			*s;

	CHECK_EXPAND("{n}", "{\"n\":42}", "42");
	CHECK_EXPAND("{n}", "{\"n\":-1.5}", "-1.5");
	CHECK_EXPAND("{n}", "{\"n\":0.1}", "0.1");
	CHECK_EXPAND("{n}", "{\"n\":1e300}", "1e%2B300");
	CHECK_EXPAND("{b}", "{\"b\":true}", "true");
	CHECK_EXPAND("{?a,b}", "{\"a\":false,\"b\":null}", "?a=false");
	CHECK_EXPAND("{l}", "{\"l\":[1,null,\"x y\"]}", "1,x%20y");
	CHECK_EXPAND("{l}", "{\"l\":[[1]]}", "(error)");
	CHECK_EXPAND("{l}", "{\"l\":{\"a\":{}}}", "(error)");
	CHECK_EXPAND("{?o*}", "{\"o\":{\"a\":\"\",\"b\":null,\"c d\":\"1\"}}",
	    "?a=&c%20d=1");
	CHECK_EXPAND("{;o*}", "{\"o\":{\"a\":\"\"}}", ";a");
	CHECK_EXPAND("{?l*}", "{\"l\":[\"\",\"x\"]}", "?l=&l=x");
	CHECK_EXPAND("{x:2}", "{\"x\":\"\xc3\xa9\xc3\xa9\xc3\xa9\"}",
	    "%C3%A9%C3%A9");
	CHECK_EXPAND("{+x}", "{\"x\":\"%41%zz%\"}", "%41%25zz%25");
	CHECK_EXPAND("{x}", "{}", "");
	CHECK_EXPAND("a{x}b", "{\"y\":1}", "ab");
	CHECK_EXPAND("{x}", "{\"x\":\"~-._\"}", "~-._");
	CHECK_EXPAND("{+x}", "{\"x\":\"[a]:@!$&'()*+,;=\"}", "[a]:@!$&'()*+,;=");
	CHECK_EXPAND("{x}", "{\"x\":\"[a]:@!$&'()*+,;=\"}",
	    "%5Ba%5D%3A%40%21%24%26%27%28%29%2A%2B%2C%3B%3D");
	CHECK_EXPAND("{x}", "[1]", "(error)");

	t = mcp_uritemplate_new("a{x}", NULL, 0);
	s = mcp_uritemplate_expand(t, NULL);
	CHECK_STR(s, "a");
	free(s);
	mcp_uritemplate_free(t);
}

/* Hostile inputs must answer quickly, matched or not. */
static void
test_hostile(void)
{
	static const char *tmpls[] = {
		"{a}{b}{c}{d}{e}{f}{g}{h}x",
		"{+a}/{+b}/{+c}/{d}x",
		"{+a}{+b}{+c}{+d}{+e}{+f}{+g}{+h}{+i}{+j}{+k}{+l}!",
		"{a}-{b}-{c}-{d}-{e}X",
		"{?a,b,c}{&d*}x",
		"{/a*}{/b*}{/c*}{.d*}x",
		"{+a}{#b}{+c}",
	};
	static const char fill[] = "a/-?a=&.#%41";
	struct mcp_uritemplate	*t;
	char			*uri, err[256];
	double			 start, worst = 0, took;
	size_t			 i, j, f, n = MCP_URITEMPLATE_MAX_URI;
	cJSON			*vars;

	uri = malloc(n + 2);
	for (i = 0; i < sizeof tmpls / sizeof tmpls[0]; i++) {
		t = mcp_uritemplate_new(tmpls[i], err, sizeof err);
		CHECK(t != NULL);
		for (f = 0; f < 12; f++) {
			/* One repeated character, or a repeated mix. */
			if (f < 9)
				memset(uri, fill[f], n);
			else {
				for (j = 0; j < n; j++)
					uri[j] = fill[(j * (f - 7)) % 9];
			}
			uri[n] = '\0';
			vars = NULL;
			start = now_ms();
			if (mcp_uritemplate_match(t, uri, &vars) == 0)
				cJSON_Delete(vars);
			took = now_ms() - start;
			if (took > worst)
				worst = took;
		}
		mcp_uritemplate_free(t);
	}
	/* Generous: sanitizers slow this down many times. */
	CHECK(worst < 1000);
	fprintf(stderr, "  hostile: worst match took %.1f ms\n", worst);

	/* Long but legitimate uris still match. */
	t = mcp_uritemplate_new("file:///{+path}", NULL, 0);
	memcpy(uri, "file:///", 8);
	memset(uri + 8, 'a', n - 8);
	uri[n] = '\0';
	vars = NULL;
	CHECK(mcp_uritemplate_match(t, uri, &vars) == 0);
	CHECK(vars != NULL &&
	    strlen(cJSON_GetObjectItem(vars, "path")->valuestring) == n - 8);
	cJSON_Delete(vars);
	uri[n] = 'a';
	uri[n + 1] = '\0';
	CHECK(mcp_uritemplate_match(t, uri, NULL) == -1);
	mcp_uritemplate_free(t);

	t = mcp_uritemplate_new("{+dir}/{name}", NULL, 0);
	for (i = 0; i < n; i++)
		uri[i] = i % 2 ? '/' : 'a';
	uri[n - 1] = 'z';
	uri[n] = '\0';
	start = now_ms();
	CHECK_EQ_INT(mcp_uritemplate_match(t, uri, NULL), 0);
	took = now_ms() - start;
	CHECK(took < 1000);
	mcp_uritemplate_free(t);

	/* Give up, not hang, when pruning cannot see the problem (the final
	 * value is cut UTF-8) and every split must be tried. */
	t = mcp_uritemplate_new("{+a}{+b}{c}x", NULL, 0);
	memset(uri, 'a', n);
	strcpy(uri + n - 4, "%C3x");
	start = now_ms();
	CHECK_EQ_INT(mcp_uritemplate_match_err(t, uri, NULL, err, sizeof err), -1);
	took = now_ms() - start;
	CHECK_CONTAINS(err, "gave up");
	CHECK(took < 1000);
	fprintf(stderr, "  hostile: giving up took %.1f ms\n", took);
	mcp_uritemplate_free(t);

	/* The pruning pass answers most hostile cases in linear time. */
	t = mcp_uritemplate_new("{+a}/{+b}/{+c}/{d}x", NULL, 0);
	memset(uri, '/', n);
	uri[n] = '\0';
	CHECK_EQ_INT(mcp_uritemplate_match_err(t, uri, NULL, err, sizeof err), -1);
	CHECK_STR(err, "uri does not match");
	mcp_uritemplate_free(t);
	free(uri);
}

int
main(void)
{
	HARNESS_BEGIN("uritemplate");
	TEST(test_rfc_expansion);
	TEST(test_rfc_roundtrip);
	TEST(test_rfc_match_back);
	TEST(test_match_simple);
	TEST(test_match_reserved);
	TEST(test_match_label_path);
	TEST(test_match_params);
	TEST(test_match_decoding);
	TEST(test_match_repeated);
	TEST(test_match_errors);
	TEST(test_syntax_errors);
	TEST(test_limits);
	TEST(test_var_names);
	TEST(test_expand_values);
	TEST(test_hostile);
	return HARNESS_END();
}
