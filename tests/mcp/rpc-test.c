/*
 * JSON-RPC decoding, validation and encoding (mcp/rpc.c), as transcripts:
 * what the other side sends, what we make of it, and the error we answer.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mcp/json.h"
#include "mcp/rpc.h"
#include "tests/harness.h"

static const char *
kind_name(enum mcp_rpc_kind k)
{
	switch (k) {
	case MCP_RPC_INVALID: return "invalid";
	case MCP_RPC_REQUEST: return "request";
	case MCP_RPC_NOTIFICATION: return "notification";
	case MCP_RPC_RESULT: return "result";
	case MCP_RPC_ERROR: return "error";
	}
	return "?";
}

/*
 * The answer a peer owes to one incoming line when decoding fails: the
 * encoded error response, or NULL when none is due (a valid message, or a
 * broken notification or response). *code gets the decode error code.
 */
static char *
answer(const char *line, size_t len, int *code)
{
	struct mcp_rpc_msg m;
	struct mcp_err err = { 0, "" };
	char *reply = NULL;
	size_t n;

	*code = 0;
	if (mcp_rpc_decode(line, len, &m, &err) != 0) {
		*code = err.code;
		if (mcp_rpc_wants_error_reply(&m))
			reply = mcp_rpc_encode_error(&m.id, err.code, err.msg,
			    NULL, &n);
	}
	mcp_rpc_msg_clear(&m);
	return reply;
}

/* One line in, the error reply out (NULL: no reply is due). */
struct transcript {
	const char *in;
	int code;		/* decode error code, 0 for a valid message */
	const char *out;
};

static void
run_transcripts(const struct transcript *t, size_t n)
{
	size_t i;
	int code;
	char *got;

	for (i = 0; i < n; i++) {
		got = answer(t[i].in, strlen(t[i].in), &code);
		if (code != t[i].code ||
		    (got == NULL) != (t[i].out == NULL) ||
		    (got != NULL && strcmp(got, t[i].out) != 0)) {
			CHECK(!"transcript");
			fprintf(stderr, "    in:       %s\n    code:     %d, "
			    "expected %d\n    got:      %s\n    expected: %s\n",
			    t[i].in, code, t[i].code, got ? got : "(no reply)",
			    t[i].out ? t[i].out : "(no reply)");
		}
		free(got);
	}
}

#define NTRANS(a) (sizeof (a) / sizeof (a)[0])

static void
decode_request_int_id(void)
{
	const char *in = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\","
	    "\"params\":{\"name\":\"search\",\"arguments\":{\"q\":\"x\"}}}";
	struct mcp_rpc_msg m;
	struct mcp_err err = { 0, "" };

	CHECK_EQ_INT(mcp_rpc_decode(in, strlen(in), &m, &err), 0);
	CHECK_EQ_INT(err.code, 0);
	CHECK_STR(kind_name(m.kind), "request");
	CHECK_EQ_INT(m.id.type, MCP_ID_INT);
	CHECK_EQ_INT(m.id.num, 1);
	CHECK_STR(m.method, "tools/call");
	CHECK(cJSON_IsObject(m.params));
	CHECK_STR(cJSON_GetObjectItem(m.params, "name")->valuestring, "search");
	CHECK(m.result == NULL);
	CHECK(!mcp_rpc_wants_error_reply(&m) || m.kind == MCP_RPC_REQUEST);
	mcp_rpc_msg_clear(&m);
	CHECK(m.root == NULL);
	CHECK_EQ_INT(m.kind, MCP_RPC_INVALID);
}

static void
decode_request_string_id(void)
{
	const char *in = "{\"method\":\"ping\",\"id\":\"req-\\u00e9-7\","
	    "\"jsonrpc\":\"2.0\"}";
	struct mcp_rpc_msg m;
	struct mcp_err err = { 0, "" };

	CHECK_EQ_INT(mcp_rpc_decode(in, strlen(in), &m, &err), 0);
	CHECK_EQ_INT(m.kind, MCP_RPC_REQUEST);
	CHECK_EQ_INT(m.id.type, MCP_ID_STR);
	CHECK_STR(m.id.str, "req-\xc3\xa9-7");
	CHECK_STR(m.method, "ping");
	CHECK(m.params == NULL);
	mcp_rpc_msg_clear(&m);
}

/* Ids at the edges of what can be echoed exactly. */
static void
decode_id_edges(void)
{
	static const struct {
		const char *id;
		int rc;
		int64_t num;
	} cases[] = {
		{ "0", 0, 0 },
		{ "-0", 0, 0 },
		{ "-5", 0, -5 },
		{ "1.0", 0, 1 },		/* JSON has one number type */
		{ "1e3", 0, 1000 },
		{ "9007199254740991", 0, 9007199254740991LL },
		{ "-9007199254740991", 0, -9007199254740991LL },
		{ "9007199254740992", -1, 0 },	/* 2^53: maybe 2^53 + 1 */
		{ "9007199254740993", -1, 0 },
		{ "1e300", -1, 0 },
		{ "1.5", -1, 0 },
	};
	char line[160];
	size_t i;
	struct mcp_rpc_msg m;
	struct mcp_err err;

	for (i = 0; i < NTRANS(cases); i++) {
		snprintf(line, sizeof line,
		    "{\"jsonrpc\":\"2.0\",\"id\":%s,\"method\":\"m\"}", cases[i].id);
		mcp_err_clear(&err);
		if (mcp_rpc_decode(line, strlen(line), &m, &err) != cases[i].rc ||
		    (cases[i].rc == 0 && (m.id.type != MCP_ID_INT ||
		    m.id.num != cases[i].num)) ||
		    (cases[i].rc != 0 && (err.code != MCP_INVALID_REQUEST ||
		    m.id.type != MCP_ID_NONE || m.kind != MCP_RPC_REQUEST))) {
			CHECK(!"id edge");
			fprintf(stderr, "    id %s\n", cases[i].id);
		}
		mcp_rpc_msg_clear(&m);
	}
}

static void
decode_notification(void)
{
	const char *in = "{\"jsonrpc\":\"2.0\",\"method\":"
	    "\"notifications/progress\",\"params\":{\"progressToken\":3,"
	    "\"progress\":0.5}}";
	struct mcp_rpc_msg m;
	struct mcp_err err = { 0, "" };

	CHECK_EQ_INT(mcp_rpc_decode(in, strlen(in), &m, &err), 0);
	CHECK_EQ_INT(m.kind, MCP_RPC_NOTIFICATION);
	CHECK_EQ_INT(m.id.type, MCP_ID_NONE);
	CHECK_STR(m.method, "notifications/progress");
	CHECK(cJSON_GetObjectItem(m.params, "progress")->valuedouble == 0.5);
	CHECK(!mcp_rpc_wants_error_reply(&m));
	mcp_rpc_msg_clear(&m);
}

static void
decode_result(void)
{
	const char *in = "{\"jsonrpc\":\"2.0\",\"id\":7,\"result\":{\"tools\":[]}}";
	struct mcp_rpc_msg m;
	struct mcp_err err = { 0, "" };

	CHECK_EQ_INT(mcp_rpc_decode(in, strlen(in), &m, &err), 0);
	CHECK_EQ_INT(m.kind, MCP_RPC_RESULT);
	CHECK_EQ_INT(m.id.type, MCP_ID_INT);
	CHECK_EQ_INT(m.id.num, 7);
	CHECK(m.method == NULL);
	CHECK(cJSON_IsArray(cJSON_GetObjectItem(m.result, "tools")));
	CHECK(!mcp_rpc_wants_error_reply(&m));
	mcp_rpc_msg_clear(&m);

	in = "{\"jsonrpc\":\"2.0\",\"id\":\"s\",\"result\":{}}";
	CHECK_EQ_INT(mcp_rpc_decode(in, strlen(in), &m, &err), 0);
	CHECK_EQ_INT(m.kind, MCP_RPC_RESULT);
	CHECK_STR(m.id.str, "s");
	mcp_rpc_msg_clear(&m);
}

static void
decode_error(void)
{
	const char *in = "{\"jsonrpc\":\"2.0\",\"id\":\"x\",\"error\":{\"code\":"
	    "-32601,\"message\":\"method not found: nope\",\"data\":{\"m\":1}}}";
	struct mcp_rpc_msg m;
	struct mcp_err err = { 0, "" };

	CHECK_EQ_INT(mcp_rpc_decode(in, strlen(in), &m, &err), 0);
	CHECK_EQ_INT(m.kind, MCP_RPC_ERROR);
	CHECK_EQ_INT(m.id.type, MCP_ID_STR);
	CHECK_STR(m.id.str, "x");
	CHECK_EQ_INT(m.error_code, -32601);
	CHECK_STR(m.error_message, "method not found: nope");
	CHECK(cJSON_IsObject(m.error_data));
	CHECK(m.result == NULL);
	mcp_rpc_msg_clear(&m);

	/* The id of an error may be null or missing (the request was
	 * unreadable); data is optional. */
	in = "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32700,"
	    "\"message\":\"parse error\"}}";
	CHECK_EQ_INT(mcp_rpc_decode(in, strlen(in), &m, &err), 0);
	CHECK_EQ_INT(m.kind, MCP_RPC_ERROR);
	CHECK_EQ_INT(m.id.type, MCP_ID_NONE);
	CHECK(m.error_data == NULL);
	mcp_rpc_msg_clear(&m);
	in = "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":1,\"message\":\"\"}}";
	CHECK_EQ_INT(mcp_rpc_decode(in, strlen(in), &m, &err), 0);
	CHECK_EQ_INT(m.kind, MCP_RPC_ERROR);
	CHECK_EQ_INT(m.id.type, MCP_ID_NONE);
	CHECK_EQ_INT(m.error_code, 1);
	CHECK_STR(m.error_message, "");
	mcp_rpc_msg_clear(&m);
	CHECK_EQ_INT(err.code, 0);
}

/* The buffer need not be NUL-terminated: only len bytes are read. */
static void
decode_uses_length(void)
{
	const char *in = "{\"jsonrpc\":\"2.0\",\"method\":\"a\"}GARBAGE";
	size_t len = strlen("{\"jsonrpc\":\"2.0\",\"method\":\"a\"}");
	char *copy = malloc(len);
	struct mcp_rpc_msg m;
	struct mcp_err err = { 0, "" };

	memcpy(copy, in, len);
	CHECK_EQ_INT(mcp_rpc_decode(copy, len, &m, &err), 0);
	CHECK_STR(m.method, "a");
	mcp_rpc_msg_clear(&m);
	/* And whitespace around the value is allowed. */
	in = " \t{\"jsonrpc\":\"2.0\",\"method\":\"b\"}\r\n ";
	CHECK_EQ_INT(mcp_rpc_decode(in, strlen(in), &m, &err), 0);
	CHECK_STR(m.method, "b");
	mcp_rpc_msg_clear(&m);
	free(copy);
}

/* Bytes that are not JSON at all: -32700, answered without an id. */
static void
parse_errors(void)
{
	static const struct transcript t[] = {
		{ "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"",
		  MCP_PARSE_ERROR,
		  "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32700,"
		  "\"message\":\"invalid JSON at byte 38\"}}" },
		{ "", MCP_PARSE_ERROR,
		  "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32700,"
		  "\"message\":\"invalid JSON at byte 0\"}}" },
		{ "not json", MCP_PARSE_ERROR,
		  "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32700,"
		  "\"message\":\"invalid JSON at byte 0\"}}" },
		{ "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}x",
		  MCP_PARSE_ERROR,
		  "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32700,\"message\":"
		  "\"unexpected text after the JSON value at byte 40\"}}" },
		/* Two messages on one line are not one message. */
		{ "{\"jsonrpc\":\"2.0\",\"method\":\"a\"}"
		  "{\"jsonrpc\":\"2.0\",\"method\":\"b\"}", MCP_PARSE_ERROR,
		  "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32700,\"message\":"
		  "\"unexpected text after the JSON value at byte 30\"}}" },
		/* Control characters: raw in a string, or between tokens. */
		{ "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"a\tb\"}",
		  MCP_PARSE_ERROR,
		  "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32700,"
		  "\"message\":\"invalid JSON at byte 35\"}}" },
		{ "{\"jsonrpc\":\"2.0\",\x01\"method\":\"a\"}", MCP_PARSE_ERROR,
		  "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32700,"
		  "\"message\":\"invalid JSON at byte 17\"}}" },
		/* Numbers JSON does not allow. */
		{ "{\"jsonrpc\":\"2.0\",\"id\":01,\"method\":\"a\"}",
		  MCP_PARSE_ERROR,
		  "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32700,"
		  "\"message\":\"invalid JSON at byte 23\"}}" },
		{ "{\"jsonrpc\":\"2.0\",\"id\":1.,\"method\":\"a\"}",
		  MCP_PARSE_ERROR,
		  "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32700,"
		  "\"message\":\"invalid JSON at byte 24\"}}" },
		{ "{\"jsonrpc\":\"2.0\",\"id\":-,\"method\":\"a\"}",
		  MCP_PARSE_ERROR,
		  "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32700,"
		  "\"message\":\"invalid JSON at byte 23\"}}" },
		{ "{\"jsonrpc\":\"2.0\",\"id\":1e,\"method\":\"a\"}",
		  MCP_PARSE_ERROR,
		  "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32700,"
		  "\"message\":\"invalid JSON at byte 24\"}}" },
		/* A trailing comma, single quotes, a bare word. */
		{ "{\"jsonrpc\":\"2.0\",\"method\":\"a\",}", MCP_PARSE_ERROR,
		  "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32700,"
		  "\"message\":\"invalid JSON at byte 30\"}}" },
		{ "{'jsonrpc':'2.0'}", MCP_PARSE_ERROR,
		  "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32700,"
		  "\"message\":\"invalid JSON at byte 2\"}}" },
		/* A lone surrogate escape is not a character. */
		{ "{\"jsonrpc\":\"2.0\",\"method\":\"\\ud800\"}", MCP_PARSE_ERROR,
		  "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32700,"
		  "\"message\":\"invalid JSON at byte 27\"}}" },
	};

	run_transcripts(t, NTRANS(t));
}

/* Bytes the line holds beyond what strlen sees. */
static void
parse_errors_binary(void)
{
	static const char nul_tail[] =
	    "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}\0junk";
	static const char nul_inside[] =
	    "{\"jsonrpc\":\"2.0\",\"id\":1,\0\"method\":\"ping\"}";
	static const char bad_utf8[] =
	    "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"caf\xc3\"}";
	static const char overlong[] =
	    "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"\xc0\xaf\"}";
	static const char surrogate[] =
	    "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"\xed\xa0\x80\"}";
	struct mcp_rpc_msg m;
	struct mcp_err err = { 0, "" };
	int code;
	char *got;

	/* A NUL after the value is trailing garbage, not an end. */
	got = answer(nul_tail, sizeof nul_tail - 1, &code);
	CHECK_EQ_INT(code, MCP_PARSE_ERROR);
	CHECK_STR(got, "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32700,"
	    "\"message\":\"invalid JSON at byte 40\"}}");
	free(got);
	/* cJSON would skip a NUL as blank. */
	got = answer(nul_inside, sizeof nul_inside - 1, &code);
	CHECK_EQ_INT(code, MCP_PARSE_ERROR);
	CHECK_STR(got, "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32700,"
	    "\"message\":\"invalid JSON at byte 24\"}}");
	free(got);

	CHECK_EQ_INT(mcp_rpc_decode(bad_utf8, sizeof bad_utf8 - 1, &m, &err), -1);
	CHECK_EQ_INT(err.code, MCP_PARSE_ERROR);
	CHECK_STR(err.msg, "message is not valid UTF-8");
	CHECK_EQ_INT(m.kind, MCP_RPC_INVALID);
	CHECK(mcp_rpc_wants_error_reply(&m));
	mcp_rpc_msg_clear(&m);
	mcp_err_clear(&err);
	CHECK_EQ_INT(mcp_rpc_decode(overlong, sizeof overlong - 1, &m, &err), -1);
	CHECK_STR(err.msg, "message is not valid UTF-8");
	mcp_rpc_msg_clear(&m);
	mcp_err_clear(&err);
	CHECK_EQ_INT(mcp_rpc_decode(surrogate, sizeof surrogate - 1, &m, &err),
	    -1);
	CHECK_STR(err.msg, "message is not valid UTF-8");
	mcp_rpc_msg_clear(&m);
}

/* JSON that is not a valid request: -32600, with the id when it could be
 * read, and no answer to notifications or responses. */
static void
invalid_requests(void)
{
	static const struct transcript t[] = {
		/* jsonrpc missing, wrong, or not a string */
		{ "{\"id\":1,\"method\":\"ping\"}", MCP_INVALID_REQUEST,
		  "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32600,"
		  "\"message\":\"jsonrpc: expected \\\"2.0\\\"\"}}" },
		{ "{\"jsonrpc\":\"1.0\",\"id\":\"a\",\"method\":\"ping\"}",
		  MCP_INVALID_REQUEST,
		  "{\"jsonrpc\":\"2.0\",\"id\":\"a\",\"error\":{\"code\":-32600,"
		  "\"message\":\"jsonrpc: expected \\\"2.0\\\"\"}}" },
		{ "{\"jsonrpc\":2.0,\"id\":2,\"method\":\"ping\"}",
		  MCP_INVALID_REQUEST,
		  "{\"jsonrpc\":\"2.0\",\"id\":2,\"error\":{\"code\":-32600,"
		  "\"message\":\"jsonrpc: expected \\\"2.0\\\"\"}}" },
		/* ids that are not a string or an integer: answered without
		 * an id, since there is none to echo */
		{ "{\"jsonrpc\":\"2.0\",\"id\":null,\"method\":\"ping\"}",
		  MCP_INVALID_REQUEST,
		  "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32600,\"message\":"
		  "\"id: expected string or integer (at most 2^53 - 1), got null\"}}" },
		{ "{\"jsonrpc\":\"2.0\",\"id\":1.5,\"method\":\"ping\"}",
		  MCP_INVALID_REQUEST,
		  "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32600,\"message\":"
		  "\"id: expected string or integer (at most 2^53 - 1), got number\"}}" },
		{ "{\"jsonrpc\":\"2.0\",\"id\":true,\"method\":\"ping\"}",
		  MCP_INVALID_REQUEST,
		  "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32600,\"message\":"
		  "\"id: expected string or integer (at most 2^53 - 1), got boolean\"}}" },
		{ "{\"jsonrpc\":\"2.0\",\"id\":{\"a\":1},\"method\":\"ping\"}",
		  MCP_INVALID_REQUEST,
		  "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32600,\"message\":"
		  "\"id: expected string or integer (at most 2^53 - 1), got object\"}}" },
		{ "{\"jsonrpc\":\"2.0\",\"id\":[1],\"method\":\"ping\"}",
		  MCP_INVALID_REQUEST,
		  "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32600,\"message\":"
		  "\"id: expected string or integer (at most 2^53 - 1), got array\"}}" },
		/* params must be an object (MCP has no positional params) */
		{ "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"m\",\"params\":[1,2]}",
		  MCP_INVALID_REQUEST,
		  "{\"jsonrpc\":\"2.0\",\"id\":3,\"error\":{\"code\":-32600,"
		  "\"message\":\"params: expected object, got array\"}}" },
		{ "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"m\",\"params\":\"x\"}",
		  MCP_INVALID_REQUEST,
		  "{\"jsonrpc\":\"2.0\",\"id\":3,\"error\":{\"code\":-32600,"
		  "\"message\":\"params: expected object, got string\"}}" },
		{ "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"m\",\"params\":null}",
		  MCP_INVALID_REQUEST,
		  "{\"jsonrpc\":\"2.0\",\"id\":3,\"error\":{\"code\":-32600,"
		  "\"message\":\"params: expected object, got null\"}}" },
		/* method not a string */
		{ "{\"jsonrpc\":\"2.0\",\"id\":\"q\",\"method\":1}",
		  MCP_INVALID_REQUEST,
		  "{\"jsonrpc\":\"2.0\",\"id\":\"q\",\"error\":{\"code\":-32600,"
		  "\"message\":\"method: expected string, got integer\"}}" },
		{ "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":null}",
		  MCP_INVALID_REQUEST,
		  "{\"jsonrpc\":\"2.0\",\"id\":4,\"error\":{\"code\":-32600,"
		  "\"message\":\"method: expected string, got null\"}}" },
		/* a string cJSON would cut at \u0000 */
		{ "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"tools/call\\u0000x\"}",
		  MCP_INVALID_REQUEST,
		  "{\"jsonrpc\":\"2.0\",\"id\":5,\"error\":{\"code\":-32600,"
		  "\"message\":\"strings containing \\\\u0000 are not supported\"}}" },
		/* batches are gone since 2025-06-18 */
		{ "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}]",
		  MCP_INVALID_REQUEST,
		  "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32600,"
		  "\"message\":\"batch requests are not supported\"}}" },
		{ "[]", MCP_INVALID_REQUEST,
		  "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32600,"
		  "\"message\":\"batch requests are not supported\"}}" },
		/* not an object */
		{ "42", MCP_INVALID_REQUEST,
		  "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32600,"
		  "\"message\":\"message: expected object, got integer\"}}" },
		{ "\"ping\"", MCP_INVALID_REQUEST,
		  "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32600,"
		  "\"message\":\"message: expected object, got string\"}}" },
		{ "null", MCP_INVALID_REQUEST,
		  "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32600,"
		  "\"message\":\"message: expected object, got null\"}}" },
		/* neither a request nor a response */
		{ "{\"jsonrpc\":\"2.0\",\"id\":9}", MCP_INVALID_REQUEST,
		  "{\"jsonrpc\":\"2.0\",\"id\":9,\"error\":{\"code\":-32600,"
		  "\"message\":\"message has no method, result or error\"}}" },
		{ "{\"foo\":\"bar\"}", MCP_INVALID_REQUEST,
		  "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32600,"
		  "\"message\":\"message has no method, result or error\"}}" },
		{ "{}", MCP_INVALID_REQUEST,
		  "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32600,"
		  "\"message\":\"message has no method, result or error\"}}" },
	};

	run_transcripts(t, NTRANS(t));
}

/* Broken notifications and responses are dropped: never answered. */
static void
unanswered_errors(void)
{
	static const struct transcript t[] = {
		{ "{\"method\":\"notifications/initialized\"}",
		  MCP_INVALID_REQUEST, NULL },
		{ "{\"jsonrpc\":\"2.0\",\"method\":7}", MCP_INVALID_REQUEST,
		  NULL },
		{ "{\"jsonrpc\":\"2.0\",\"method\":\"n\",\"params\":[]}",
		  MCP_INVALID_REQUEST, NULL },
		{ "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{},\"error\":"
		  "{\"code\":1,\"message\":\"m\"}}", MCP_INVALID_REQUEST, NULL },
		{ "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"message\":\"m\"}}",
		  MCP_INVALID_REQUEST, NULL },
		{ "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":1}}",
		  MCP_INVALID_REQUEST, NULL },
		{ "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":1.5,"
		  "\"message\":\"m\"}}", MCP_INVALID_REQUEST, NULL },
		{ "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":\"-1\","
		  "\"message\":\"m\"}}", MCP_INVALID_REQUEST, NULL },
		{ "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":4294967296,"
		  "\"message\":\"m\"}}", MCP_INVALID_REQUEST, NULL },
		{ "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":1,"
		  "\"message\":2}}", MCP_INVALID_REQUEST, NULL },
		{ "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":\"boom\"}",
		  MCP_INVALID_REQUEST, NULL },
		{ "{\"jsonrpc\":\"2.0\",\"result\":{}}", MCP_INVALID_REQUEST,
		  NULL },
		{ "{\"jsonrpc\":\"2.0\",\"id\":null,\"result\":{}}",
		  MCP_INVALID_REQUEST, NULL },
		{ "{\"jsonrpc\":\"2.0\",\"id\":false,\"result\":{}}",
		  MCP_INVALID_REQUEST, NULL },
		{ "{\"jsonrpc\":\"1.0\",\"id\":1,\"result\":{}}",
		  MCP_INVALID_REQUEST, NULL },
		{ "{\"id\":1,\"error\":{\"code\":1,\"message\":\"m\"}}",
		  MCP_INVALID_REQUEST, NULL },
	};

	run_transcripts(t, NTRANS(t));
}

/* What a failed decode leaves readable: kind and id, for the peer to
 * answer a request or to fail the request a bad response names. */
static void
failed_decode_keeps_kind_and_id(void)
{
	static const struct {
		const char *in;
		enum mcp_rpc_kind kind;
		enum mcp_id_type idtype;
		int64_t num;
		const char *msg;
	} cases[] = {
		{ "{\"jsonrpc\":\"2.0\",\"id\":3,\"result\":{},\"error\":{}}",
		  MCP_RPC_ERROR, MCP_ID_INT, 3,
		  "response has both result and error" },
		{ "{\"jsonrpc\":\"2.0\",\"id\":4,\"error\":{\"code\":1}}",
		  MCP_RPC_ERROR, MCP_ID_INT, 4,
		  "error.message: expected string, got nothing" },
		{ "{\"jsonrpc\":\"2.0\",\"id\":5,\"error\":{\"message\":\"x\"}}",
		  MCP_RPC_ERROR, MCP_ID_INT, 5,
		  "error.code: expected integer, got nothing" },
		{ "{\"jsonrpc\":\"2.0\",\"id\":6,\"error\":[]}",
		  MCP_RPC_ERROR, MCP_ID_INT, 6,
		  "error: expected object, got array" },
		{ "{\"jsonrpc\":\"9\",\"id\":7,\"result\":1}",
		  MCP_RPC_RESULT, MCP_ID_INT, 7, "jsonrpc: expected \"2.0\"" },
		{ "{\"jsonrpc\":\"2.0\",\"result\":{}}",
		  MCP_RPC_RESULT, MCP_ID_NONE, 0, "response has no id" },
		{ "{\"jsonrpc\":\"2.0\",\"id\":[],\"result\":{}}",
		  MCP_RPC_RESULT, MCP_ID_NONE, 0,
		  "response id: expected string or integer, got array" },
		{ "{\"jsonrpc\":\"2.0\",\"id\":1e300,\"result\":{}}",
		  MCP_RPC_RESULT, MCP_ID_NONE, 0, "response id 1e+300 is not "
		  "an integer within +-(2^53 - 1); no request of ours has it" },
		{ "{\"jsonrpc\":\"2.0\",\"id\":-9007199254740993,\"error\":"
		  "{\"code\":1,\"message\":\"x\"}}",
		  MCP_RPC_ERROR, MCP_ID_NONE, 0, "response id -9007199254740992 "
		  "is not an integer within +-(2^53 - 1); no request of ours "
		  "has it" },
		{ "{\"jsonrpc\":\"2.0\",\"id\":1.5,\"result\":{}}",
		  MCP_RPC_RESULT, MCP_ID_NONE, 0, "response id 1.5 is not "
		  "an integer within +-(2^53 - 1); no request of ours has it" },
		{ "{\"jsonrpc\":\"2.0\",\"method\":[]}",
		  MCP_RPC_NOTIFICATION, MCP_ID_NONE, 0,
		  "method: expected string, got array" },
	};
	struct mcp_rpc_msg m;
	struct mcp_err err;
	size_t i;

	for (i = 0; i < NTRANS(cases); i++) {
		mcp_err_clear(&err);
		CHECK_EQ_INT(mcp_rpc_decode(cases[i].in, strlen(cases[i].in), &m,
		    &err), -1);
		if (m.kind != cases[i].kind || m.id.type != cases[i].idtype ||
		    (m.id.type == MCP_ID_INT && m.id.num != cases[i].num) ||
		    err.code != MCP_INVALID_REQUEST ||
		    strcmp(err.msg, cases[i].msg) != 0) {
			CHECK(!"kind and id after a failed decode");
			fprintf(stderr, "    in %s: kind %s, id type %d, msg %s\n",
			    cases[i].in, kind_name(m.kind), (int)m.id.type,
			    err.msg);
		}
		CHECK(!mcp_rpc_wants_error_reply(&m));
		mcp_rpc_msg_clear(&m);
	}
}

static char *
nested(const char *open, const char *close, int depth, const char *pre,
    const char *post)
{
	size_t lo = strlen(open), lc = strlen(close);
	size_t n = strlen(pre) + strlen(post) + (size_t)depth * (lo + lc) + 8;
	char *s = malloc(n), *p = s;
	int i;

	p += sprintf(p, "%s", pre);
	for (i = 0; i < depth; i++, p += lo)
		memcpy(p, open, lo);
	p += sprintf(p, "1");
	for (i = 0; i < depth; i++, p += lc)
		memcpy(p, close, lc);
	sprintf(p, "%s", post);
	return s;
}

/* Deep nesting is refused (cJSON stops at 1000 levels), never a crash;
 * reasonable depth and size are fine. */
static void
nesting_and_size(void)
{
	struct mcp_rpc_msg m;
	struct mcp_err err = { 0, "" };
	char *s, *big;
	size_t n = 1 << 20;

	s = nested("[", "]", 100000, "{\"jsonrpc\":\"2.0\",\"method\":\"m\","
	    "\"params\":{\"a\":", "}}");
	CHECK_EQ_INT(mcp_rpc_decode(s, strlen(s), &m, &err), -1);
	CHECK_EQ_INT(err.code, MCP_PARSE_ERROR);
	mcp_rpc_msg_clear(&m);
	free(s);

	mcp_err_clear(&err);
	s = nested("{\"k\":", "}", 200, "{\"jsonrpc\":\"2.0\",\"id\":1,"
	    "\"method\":\"m\",\"params\":", "}");
	CHECK_EQ_INT(mcp_rpc_decode(s, strlen(s), &m, &err), 0);
	CHECK_EQ_INT(m.kind, MCP_RPC_REQUEST);
	mcp_rpc_msg_clear(&m);
	free(s);

	/* A 1 MiB string argument. */
	big = malloc(n + 100);
	n = (size_t)sprintf(big, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"m\","
	    "\"params\":{\"s\":\"");
	memset(big + n, 'x', 1 << 20);
	n += 1 << 20;
	n += (size_t)sprintf(big + n, "\"}}");
	CHECK_EQ_INT(mcp_rpc_decode(big, n, &m, &err), 0);
	CHECK_EQ_INT(strlen(cJSON_GetObjectItem(m.params, "s")->valuestring),
	    1 << 20);
	mcp_rpc_msg_clear(&m);
	free(big);
}

static void
encode_messages(void)
{
	struct mcp_id i7 = { MCP_ID_INT, 7, NULL };
	struct mcp_id sid = { MCP_ID_STR, 0, "abc" };
	struct mcp_id none = { MCP_ID_NONE, 0, NULL };
	cJSON *params = mcp_json_parse_const("{\"name\":\"x\",\"n\":[1,2]}");
	size_t len = 0;
	char *s;

	s = mcp_rpc_encode_request(&i7, "tools/call", params, &len);
	CHECK_STR(s, "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\","
	    "\"params\":{\"name\":\"x\",\"n\":[1,2]}}");
	CHECK_EQ_INT(len, strlen(s));
	free(s);
	/* params are borrowed: still whole and usable. */
	CHECK_STR(cJSON_GetObjectItem(params, "name")->valuestring, "x");

	s = mcp_rpc_encode_request(&sid, "ping", NULL, &len);
	CHECK_STR(s, "{\"jsonrpc\":\"2.0\",\"id\":\"abc\",\"method\":\"ping\"}");
	free(s);
	s = mcp_rpc_encode_notification("notifications/initialized", NULL, &len);
	CHECK_STR(s, "{\"jsonrpc\":\"2.0\",\"method\":"
	    "\"notifications/initialized\"}");
	free(s);
	s = mcp_rpc_encode_notification("n", params, &len);
	CHECK_STR(s, "{\"jsonrpc\":\"2.0\",\"method\":\"n\","
	    "\"params\":{\"name\":\"x\",\"n\":[1,2]}}");
	free(s);

	s = mcp_rpc_encode_result(&i7, params, &len);
	CHECK_STR(s, "{\"jsonrpc\":\"2.0\",\"id\":7,\"result\":"
	    "{\"name\":\"x\",\"n\":[1,2]}}");
	free(s);
	s = mcp_rpc_encode_result(&sid, NULL, &len);
	CHECK_STR(s, "{\"jsonrpc\":\"2.0\",\"id\":\"abc\",\"result\":{}}");
	free(s);

	s = mcp_rpc_encode_error(&i7, MCP_METHOD_NOT_FOUND, "no such method",
	    params, &len);
	CHECK_STR(s, "{\"jsonrpc\":\"2.0\",\"id\":7,\"error\":{\"code\":-32601,"
	    "\"message\":\"no such method\",\"data\":{\"name\":\"x\","
	    "\"n\":[1,2]}}}");
	free(s);
	/* No message: the code's text. No id: the id is left out. */
	s = mcp_rpc_encode_error(NULL, MCP_PARSE_ERROR, NULL, NULL, &len);
	CHECK_STR(s, "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32700,"
	    "\"message\":\"parse error\"}}");
	free(s);
	s = mcp_rpc_encode_error(&none, MCP_INVALID_PARAMS, NULL, NULL, &len);
	CHECK_STR(s, "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32602,"
	    "\"message\":\"invalid params\"}}");
	free(s);
	cJSON_Delete(params);
}

/* Integer ids are echoed digit for digit, never as 1e+15. */
static void
encode_exact_integer_ids(void)
{
	static const struct {
		int64_t num;
		const char *text;
	} cases[] = {
		{ 0, "0" }, { -1, "-1" }, { 2147483648LL, "2147483648" },
		{ 1000000000000000LL, "1000000000000000" },
		{ 1234500000000000LL, "1234500000000000" },
		{ 9007199254740991LL, "9007199254740991" },
		{ -9007199254740991LL, "-9007199254740991" },
	};
	char want[128];
	size_t i, len;
	char *s;

	for (i = 0; i < NTRANS(cases); i++) {
		struct mcp_id id = { MCP_ID_INT, cases[i].num, NULL };
		struct mcp_rpc_msg m;
		struct mcp_err err = { 0, "" };

		s = mcp_rpc_encode_result(&id, NULL, &len);
		snprintf(want, sizeof want,
		    "{\"jsonrpc\":\"2.0\",\"id\":%s,\"result\":{}}", cases[i].text);
		CHECK_STR(s, want);
		CHECK_EQ_INT(mcp_rpc_decode(s, len, &m, &err), 0);
		CHECK(mcp_id_eq(&m.id, &id));
		mcp_rpc_msg_clear(&m);
		free(s);
	}
}

/* A message never holds a raw newline: one message per line on stdio. */
static void
encode_escapes_newlines(void)
{
	struct mcp_id sid = { MCP_ID_STR, 0, "a\nb" };
	cJSON *params = cJSON_CreateObject();
	struct mcp_rpc_msg m;
	struct mcp_err err = { 0, "" };
	size_t len;
	char *s;

	mcp_json_add_str(params, "text", "line 1\nline 2\r\n\x01\x1f\t\"\\/");
	s = mcp_rpc_encode_request(&sid, "m\n", params, &len);
	CHECK(memchr(s, '\n', len) == NULL);
	CHECK(memchr(s, '\r', len) == NULL);
	CHECK_CONTAINS(s, "\"line 1\\nline 2\\r\\n\\u0001\\u001f\\t\\\"\\\\/\"");
	CHECK_EQ_INT(mcp_rpc_decode(s, len, &m, &err), 0);
	CHECK_STR(m.id.str, "a\nb");
	CHECK_STR(m.method, "m\n");
	CHECK_STR(cJSON_GetObjectItem(m.params, "text")->valuestring,
	    "line 1\nline 2\r\n\x01\x1f\t\"\\/");
	mcp_rpc_msg_clear(&m);
	free(s);

	s = mcp_rpc_encode_error(&sid, 1, "two\nlines", NULL, &len);
	CHECK(memchr(s, '\n', len) == NULL);
	free(s);
	cJSON_Delete(params);
}

/* Encode, decode, encode again: the same text. */
static void
round_trips(void)
{
	static const char *params_text[] = {
		"{}",
		"{\"a\":[1,2.5,-3e-7,true,false,null,\"s\"]}",
		"{\"_meta\":{\"progressToken\":\"t\"},\"unicode\":\"\xe2\x82\xac"
		    "\xf0\x9f\x98\x80\"}",
		"{\"deep\":{\"x\":{\"y\":{\"z\":[[[]]]}}}}",
	};
	struct mcp_id ids[] = {
		{ MCP_ID_INT, 1, NULL }, { MCP_ID_INT, -42, NULL },
		{ MCP_ID_STR, 0, "" }, { MCP_ID_STR, 0, "\xc3\xa9t\xc3\xa9" },
	};
	size_t i, j, len, len2;
	char *s, *s2;

	for (i = 0; i < NTRANS(params_text); i++) {
		cJSON *params = mcp_json_parse_const(params_text[i]);

		for (j = 0; j < NTRANS(ids); j++) {
			struct mcp_rpc_msg m;
			struct mcp_err err = { 0, "" };

			/* request */
			s = mcp_rpc_encode_request(&ids[j], "x/y", params, &len);
			CHECK_EQ_INT(mcp_rpc_decode(s, len, &m, &err), 0);
			CHECK_EQ_INT(m.kind, MCP_RPC_REQUEST);
			CHECK(mcp_id_eq(&m.id, &ids[j]));
			CHECK_STR(m.method, "x/y");
			CHECK(cJSON_Compare(m.params, params, true));
			s2 = mcp_rpc_encode_request(&m.id, m.method, m.params,
			    &len2);
			CHECK_STR(s2, s);
			mcp_rpc_msg_clear(&m);
			free(s);
			free(s2);

			/* result */
			s = mcp_rpc_encode_result(&ids[j], params, &len);
			CHECK_EQ_INT(mcp_rpc_decode(s, len, &m, &err), 0);
			CHECK_EQ_INT(m.kind, MCP_RPC_RESULT);
			CHECK(mcp_id_eq(&m.id, &ids[j]));
			CHECK(cJSON_Compare(m.result, params, true));
			mcp_rpc_msg_clear(&m);
			free(s);

			/* error */
			s = mcp_rpc_encode_error(&ids[j], -32099, "e", params,
			    &len);
			CHECK_EQ_INT(mcp_rpc_decode(s, len, &m, &err), 0);
			CHECK_EQ_INT(m.kind, MCP_RPC_ERROR);
			CHECK(mcp_id_eq(&m.id, &ids[j]));
			CHECK_EQ_INT(m.error_code, -32099);
			CHECK_STR(m.error_message, "e");
			CHECK(cJSON_Compare(m.error_data, params, true));
			mcp_rpc_msg_clear(&m);
			free(s);
			CHECK_EQ_INT(err.code, 0);
		}
		/* notification */
		{
			struct mcp_rpc_msg m;
			struct mcp_err err = { 0, "" };

			s = mcp_rpc_encode_notification("n/x", params, &len);
			CHECK_EQ_INT(mcp_rpc_decode(s, len, &m, &err), 0);
			CHECK_EQ_INT(m.kind, MCP_RPC_NOTIFICATION);
			CHECK_EQ_INT(m.id.type, MCP_ID_NONE);
			CHECK(cJSON_Compare(m.params, params, true));
			mcp_rpc_msg_clear(&m);
			free(s);
		}
		cJSON_Delete(params);
	}
}

static void
id_helpers(void)
{
	struct mcp_id a = { MCP_ID_INT, 5, NULL }, b = { MCP_ID_INT, 5, NULL };
	struct mcp_id s1 = { MCP_ID_STR, 0, "5" }, s2 = { MCP_ID_STR, 0, "5" };
	struct mcp_id none = { MCP_ID_NONE, 0, NULL }, copy;
	char buf[64], tiny[4];
	char text[] = "abc";
	cJSON *v;

	CHECK(mcp_id_eq(&a, &b));
	CHECK(mcp_id_eq(&s1, &s2));
	CHECK(!mcp_id_eq(&a, &s1));		/* 5 is not "5" */
	b.num = 6;
	CHECK(!mcp_id_eq(&a, &b));
	CHECK(mcp_id_eq(&none, &none));

	/* A copy owns its string. */
	s1.str = text;
	mcp_id_copy(&copy, &s1);
	text[0] = 'X';
	CHECK_STR(copy.str, "abc");
	mcp_id_clear(&copy);
	CHECK_EQ_INT(copy.type, MCP_ID_NONE);
	CHECK(copy.str == NULL);
	mcp_id_copy(&copy, &a);
	CHECK_EQ_INT(copy.type, MCP_ID_INT);
	CHECK_EQ_INT(copy.num, 5);
	mcp_id_clear(&copy);

	CHECK_STR(mcp_id_format(&a, buf, sizeof buf), "5");
	CHECK_STR(mcp_id_format(&s2, buf, sizeof buf), "\"5\"");
	CHECK_STR(mcp_id_format(&none, buf, sizeof buf), "(none)");
	s1.str = "long string id";
	CHECK_STR(mcp_id_format(&s1, tiny, sizeof tiny), "\"lo");

	v = mcp_id_to_json(&a);
	CHECK(cJSON_IsNumber(v) && v->valuedouble == 5);
	CHECK_EQ_INT(mcp_id_from_json(v, &copy), 0);
	CHECK(mcp_id_eq(&copy, &a));
	cJSON_Delete(v);
	v = mcp_id_to_json(&s2);
	CHECK(cJSON_IsString(v));
	CHECK_EQ_INT(mcp_id_from_json(v, &copy), 0);
	CHECK(copy.str == v->valuestring);	/* borrowed */
	cJSON_Delete(v);
	CHECK(mcp_id_to_json(&none) == NULL);
	v = cJSON_CreateNull();
	CHECK_EQ_INT(mcp_id_from_json(v, &copy), -1);
	CHECK_EQ_INT(copy.type, MCP_ID_NONE);
	cJSON_Delete(v);
	CHECK_EQ_INT(mcp_id_from_json(NULL, &copy), -1);
}

int
main(void)
{
	HARNESS_BEGIN("rpc");
	HARNESS_WATCHDOG();
	TEST(decode_request_int_id);
	TEST(decode_request_string_id);
	TEST(decode_id_edges);
	TEST(decode_notification);
	TEST(decode_result);
	TEST(decode_error);
	TEST(decode_uses_length);
	TEST(parse_errors);
	TEST(parse_errors_binary);
	TEST(invalid_requests);
	TEST(unanswered_errors);
	TEST(failed_decode_keeps_kind_and_id);
	TEST(nesting_and_size);
	TEST(encode_messages);
	TEST(encode_exact_integer_ids);
	TEST(encode_escapes_newlines);
	TEST(round_trips);
	TEST(id_helpers);
	return HARNESS_END();
}
