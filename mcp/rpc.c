/*
 * JSON-RPC 2.0 decoding with strict validation, and encoding.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "rpc.h"

/* Integers beyond 2^53 - 1 do not survive a double: an id read as one could
 * not be echoed exactly, so it is refused. */
#define MCP_ID_MAX_EXACT	9007199254740991.0

bool
mcp_id_eq(const struct mcp_id *a, const struct mcp_id *b)
{
	if (a->type != b->type)
		return false;
	switch (a->type) {
	case MCP_ID_INT:
		return a->num == b->num;
	case MCP_ID_STR:
		return strcmp(a->str, b->str) == 0;
	default:
		return true;
	}
}

void
mcp_id_copy(struct mcp_id *dst, const struct mcp_id *src)
{
	dst->type = src->type;
	dst->num = src->num;
	dst->str = src->type == MCP_ID_STR ? mcp_xstrdup(src->str) : NULL;
}

void
mcp_id_clear(struct mcp_id *id)
{
	if (id->type == MCP_ID_STR)
		free(id->str);
	id->type = MCP_ID_NONE;
	id->num = 0;
	id->str = NULL;
}

int
mcp_id_from_json(const cJSON *v, struct mcp_id *out)
{
	out->type = MCP_ID_NONE;
	out->num = 0;
	out->str = NULL;
	if (cJSON_IsString(v) && v->valuestring != NULL) {
		out->type = MCP_ID_STR;
		out->str = v->valuestring;
		return 0;
	}
	if (mcp_json_is_integer(v) && v->valuedouble >= -MCP_ID_MAX_EXACT &&
	    v->valuedouble <= MCP_ID_MAX_EXACT) {
		out->type = MCP_ID_INT;
		out->num = (int64_t)v->valuedouble;
		return 0;
	}
	return -1;
}

cJSON *
mcp_id_to_json(const struct mcp_id *id)
{
	switch (id->type) {
	case MCP_ID_INT:
		return cJSON_CreateNumber((double)id->num);
	case MCP_ID_STR:
		return cJSON_CreateString(id->str);
	default:
		return NULL;
	}
}

const char *
mcp_id_format(const struct mcp_id *id, char *buf, size_t len)
{
	switch (id->type) {
	case MCP_ID_INT:
		snprintf(buf, len, "%" PRId64, id->num);
		break;
	case MCP_ID_STR:
		snprintf(buf, len, "\"%s\"", id->str);
		break;
	default:
		snprintf(buf, len, "(none)");
		break;
	}
	return buf;
}

void
mcp_rpc_msg_clear(struct mcp_rpc_msg *m)
{
	cJSON_Delete(m->root);
	memset(m, 0, sizeof *m);
}

bool
mcp_rpc_wants_error_reply(const struct mcp_rpc_msg *m)
{
	return m->kind == MCP_RPC_INVALID || m->kind == MCP_RPC_REQUEST;
}

/* A number as short as it reads back exactly: 1e+300, 1.5, 9007199254740992. */
static const char *
mcp_rpc_number_text(double d, char *buf, size_t len)
{
	snprintf(buf, len, "%.15g", d);
	if (strtod(buf, NULL) != d)
		snprintf(buf, len, "%.17g", d);
	return buf;
}

/* Validate the members of a response (result or error). The id is read
 * first, so that a malformed answer can still fail the request it names. */
static int
mcp_rpc_decode_response(struct mcp_rpc_msg *out, const cJSON *root,
    struct mcp_err *err)
{
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(root, "id");
	const cJSON *result = cJSON_GetObjectItemCaseSensitive(root, "result");
	const cJSON *error = cJSON_GetObjectItemCaseSensitive(root, "error");
	const cJSON *code, *message;
	char num[32];

	out->kind = error != NULL ? MCP_RPC_ERROR : MCP_RPC_RESULT;
	if (id != NULL && mcp_id_from_json(id, &out->id) != 0 &&
	    !(error != NULL && cJSON_IsNull(id))) {
		if (cJSON_IsNumber(id))
			mcp_err_set(err, MCP_INVALID_REQUEST, "response id %s "
			    "is not an integer within +-(2^53 - 1); no request "
			    "of ours has it",
			    mcp_rpc_number_text(id->valuedouble, num,
			    sizeof num));
		else
			mcp_err_set(err, MCP_INVALID_REQUEST,
			    "response id: expected string or integer, got %s",
			    mcp_json_type_name(id));
		return -1;
	}
	if (result != NULL && error != NULL) {
		mcp_err_set(err, MCP_INVALID_REQUEST,
		    "response has both result and error");
		return -1;
	}
	if (id == NULL && result != NULL) {
		mcp_err_set(err, MCP_INVALID_REQUEST, "response has no id");
		return -1;
	}
	if (result != NULL) {
		out->result = result;
		return 0;
	}
	if (!cJSON_IsObject(error)) {
		mcp_err_set(err, MCP_INVALID_REQUEST,
		    "error: expected object, got %s", mcp_json_type_name(error));
		return -1;
	}
	code = cJSON_GetObjectItemCaseSensitive(error, "code");
	if (!mcp_json_is_integer(code) || code->valuedouble < INT32_MIN ||
	    code->valuedouble > INT32_MAX) {
		mcp_err_set(err, MCP_INVALID_REQUEST,
		    "error.code: expected integer, got %s",
		    mcp_json_type_name(code));
		return -1;
	}
	message = cJSON_GetObjectItemCaseSensitive(error, "message");
	if (!cJSON_IsString(message) || message->valuestring == NULL) {
		/* -32600 like the rest, not the getters' -32602. */
		mcp_err_set(err, MCP_INVALID_REQUEST,
		    "error.message: expected string, got %s",
		    mcp_json_type_name(message));
		return -1;
	}
	out->error_code = (int)code->valuedouble;
	out->error_message = message->valuestring;
	out->error_data = cJSON_GetObjectItemCaseSensitive(error, "data");
	return 0;
}

/*
 * What cJSON lets through but JSON (RFC 8259) forbids: control characters
 * inside strings or between tokens (cJSON skips every byte up to the space
 * as blank, NUL included) and numbers such as 01, 1. or -.5. Returns -1 and
 * the offset of the first offence. *nul_escape tells whether a string holds
 * \u0000, which cJSON would silently cut the string at.
 */
static int
mcp_rpc_scan(const char *buf, size_t len, size_t *bad, bool *nul_escape)
{
	const unsigned char *s = (const unsigned char *)buf, *end = s + len;
	const unsigned char *p = s;

	*nul_escape = false;
	while (p < end) {
		unsigned c = *p;

		if (c == '"') {
			for (p++; p < end && *p != '"'; p++) {
				if (*p < 0x20)
					goto bad;
				if (*p >= 0x80) {
					/* UTF-8 is checked here, in the one pass. */
					size_t n = mcp_utf8_seq((const char *)p,
					    (size_t)(end - p));

					if (n == 0)
						goto bad_utf8;
					p += n - 1;
					continue;
				}
				if (*p != '\\')
					continue;
				if (++p == end)
					break;
				if (*p == 'u' && end - p >= 5 &&
				    memcmp(p + 1, "0000", 4) == 0)
					*nul_escape = true;
			}
			if (p < end)
				p++;	/* the closing quote */
			continue;
		}
		if (c == '-' || (c >= '0' && c <= '9')) {
			/* -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
			if (c == '-' && ++p == end)
				goto bad;
			if (*p == '0')
				p++;
			else if (*p >= '1' && *p <= '9') {
				while (p < end && *p >= '0' && *p <= '9')
					p++;
			} else
				goto bad;
			if (p < end && *p == '.') {
				if (++p == end || *p < '0' || *p > '9')
					goto bad;
				while (p < end && *p >= '0' && *p <= '9')
					p++;
			}
			if (p < end && (*p == 'e' || *p == 'E')) {
				if (++p < end && (*p == '+' || *p == '-'))
					p++;
				if (p == end || *p < '0' || *p > '9')
					goto bad;
				while (p < end && *p >= '0' && *p <= '9')
					p++;
			}
			if (p < end && ((*p >= '0' && *p <= '9') || *p == '.'))
				goto bad;	/* 01, 1.2.3 */
			continue;
		}
		if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
			goto bad;
		if (c >= 0x80 && mcp_utf8_seq((const char *)p,
		    (size_t)(end - p)) == 0)
			goto bad_utf8;
		p++;
	}
	return 0;
bad:
	*bad = (size_t)(p - s);
	return -1;
bad_utf8:
	*bad = (size_t)(p - s);
	return -2;
}

int
mcp_rpc_decode(const char *buf, size_t len, struct mcp_rpc_msg *out,
    struct mcp_err *err)
{
	const char *end = NULL;
	const cJSON *version, *method, *id, *params;
	cJSON *root;
	size_t bad;
	bool nul_escape;

	memset(out, 0, sizeof *out);
	switch (mcp_rpc_scan(buf, len, &bad, &nul_escape)) {
	case 0:
		break;
	case -2:
		mcp_err_set(err, MCP_PARSE_ERROR, "message is not valid UTF-8");
		return -1;
	default:
		mcp_err_set(err, MCP_PARSE_ERROR, "invalid JSON at byte %zu", bad);
		return -1;
	}
	root = cJSON_ParseWithLengthOpts(buf, len, &end, 0);
	if (root == NULL) {
		mcp_err_set(err, MCP_PARSE_ERROR, "invalid JSON at byte %zu",
		    cJSON_GetErrorPtr() != NULL && cJSON_GetErrorPtr() >= buf ?
		    (size_t)(cJSON_GetErrorPtr() - buf) : 0);
		return -1;
	}
	out->root = root;
	while (end != NULL && end < buf + len &&
	    (*end == ' ' || *end == '\t' || *end == '\r' || *end == '\n'))
		end++;
	if (end == NULL || end < buf + len) {
		mcp_err_set(err, MCP_PARSE_ERROR,
		    "unexpected text after the JSON value at byte %zu",
		    end != NULL ? (size_t)(end - buf) : len);
		return -1;
	}
	if (cJSON_IsArray(root)) {
		mcp_err_set(err, MCP_INVALID_REQUEST,
		    "batch requests are not supported");
		return -1;
	}
	if (!cJSON_IsObject(root)) {
		mcp_err_set(err, MCP_INVALID_REQUEST,
		    "message: expected object, got %s", mcp_json_type_name(root));
		return -1;
	}

	/* Read the id and the kind first, so a bad message can be answered. */
	method = cJSON_GetObjectItemCaseSensitive(root, "method");
	id = cJSON_GetObjectItemCaseSensitive(root, "id");
	if (method != NULL) {
		out->kind = id != NULL ? MCP_RPC_REQUEST : MCP_RPC_NOTIFICATION;
		if (id != NULL && mcp_id_from_json(id, &out->id) != 0) {
			mcp_err_set(err, MCP_INVALID_REQUEST,
			    "id: expected string or integer (at most 2^53 - 1), "
			    "got %s", mcp_json_type_name(id));
			return -1;
		}
	} else if (!cJSON_HasObjectItem(root, "result") &&
	    !cJSON_HasObjectItem(root, "error")) {
		/* Neither a request nor a response: answer it, with its id
		 * when that can be read. */
		out->kind = MCP_RPC_INVALID;
		if (id != NULL)
			mcp_id_from_json(id, &out->id);
		mcp_err_set(err, MCP_INVALID_REQUEST,
		    "message has no method, result or error");
		return -1;
	}

	version = cJSON_GetObjectItemCaseSensitive(root, "jsonrpc");
	if (!cJSON_IsString(version) || version->valuestring == NULL ||
	    strcmp(version->valuestring, "2.0") != 0) {
		mcp_err_set(err, MCP_INVALID_REQUEST,
		    "jsonrpc: expected \"2.0\"");
		/* A response is never answered; read its kind and id anyway. */
		if (method == NULL)
			(void)mcp_rpc_decode_response(out, root, NULL);
		return -1;
	}
	if (method == NULL) {
		if (mcp_rpc_decode_response(out, root, err) != 0)
			return -1;
	} else {
		if (!cJSON_IsString(method) || method->valuestring == NULL) {
			mcp_err_set(err, MCP_INVALID_REQUEST,
			    "method: expected string, got %s",
			    mcp_json_type_name(method));
			return -1;
		}
		out->method = method->valuestring;
		params = cJSON_GetObjectItemCaseSensitive(root, "params");
		if (params != NULL && !cJSON_IsObject(params)) {
			mcp_err_set(err, MCP_INVALID_REQUEST,
			    "params: expected object, got %s",
			    mcp_json_type_name(params));
			return -1;
		}
		out->params = params;
	}
	if (nul_escape) {
		mcp_err_set(err, MCP_INVALID_REQUEST,
		    "strings containing \\u0000 are not supported");
		return -1;
	}
	return 0;
}

/*
 * Encoding. The envelope is written by hand around the body, which cJSON
 * prints straight into the same stack buffer when it fits: one allocation
 * per message, and ids written digit for digit (cJSON would print 10^15 as
 * 1e+15, which peers with integer ids cannot match).
 */

#define MCP_RPC_STACK	4096

struct mcp_rpc_out {
	char *p;
	size_t len, cap;
	char stack[MCP_RPC_STACK];
};

static void
mcp_rpc_reserve(struct mcp_rpc_out *o, size_t more)
{
	size_t need = o->len + more + 1, ncap;

	if (need <= o->cap)
		return;
	ncap = o->cap * 2 > need ? o->cap * 2 : need;
	if (o->p == o->stack) {
		o->p = mcp_xmalloc(ncap);
		memcpy(o->p, o->stack, o->len);
	} else
		o->p = mcp_xrealloc(o->p, ncap);
	o->cap = ncap;
}

static void
mcp_rpc_put(struct mcp_rpc_out *o, const char *s, size_t n)
{
	mcp_rpc_reserve(o, n);
	memcpy(o->p + o->len, s, n);
	o->len += n;
}

#define mcp_rpc_puts(o, lit) mcp_rpc_put((o), (lit), sizeof(lit) - 1)

/* A JSON string literal, escaped. */
static void
mcp_rpc_put_string(struct mcp_rpc_out *o, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	char esc[6];

	mcp_rpc_puts(o, "\"");
	for (; *p != '\0'; p++) {
		const unsigned char *run = p;

		while (*p >= 0x20 && *p != '"' && *p != '\\')
			p++;
		mcp_rpc_put(o, (const char *)run, (size_t)(p - run));
		if (*p == '\0')
			break;
		if (*p == '"' || *p == '\\') {
			esc[0] = '\\';
			esc[1] = (char)*p;
			mcp_rpc_put(o, esc, 2);
		} else {
			memcpy(esc, "\\u00", 4);
			esc[4] = hex[*p >> 4];
			esc[5] = hex[*p & 15];
			mcp_rpc_put(o, esc, 6);
		}
	}
	mcp_rpc_puts(o, "\"");
}

static void
mcp_rpc_put_int(struct mcp_rpc_out *o, int64_t v)
{
	char d[24], *q = d + sizeof d;
	uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;

	do
		*--q = (char)('0' + u % 10);
	while ((u /= 10) != 0);
	if (v < 0)
		*--q = '-';
	mcp_rpc_put(o, q, (size_t)(d + sizeof d - q));
}

static void
mcp_rpc_put_json(struct mcp_rpc_out *o, const cJSON *v)
{
	char *s;
	size_t room = o->cap - o->len;

	/* cJSON wants some slack beyond the exact length. */
	if (room > 64 && cJSON_PrintPreallocated((cJSON *)v, o->p + o->len,
	    (int)(room > INT32_MAX ? INT32_MAX : room) - 8, 0)) {
		o->len += strlen(o->p + o->len);
		return;
	}
	if ((s = cJSON_PrintUnformatted(v)) == NULL)
		abort();
	mcp_rpc_put(o, s, strlen(s));
	free(s);
}

/* {"jsonrpc":"2.0"[,"id":ID][,"method":"M"][,"key":BODY]} as a new string. */
static char *
mcp_rpc_frame(const struct mcp_id *id, const char *method, const char *key,
    const cJSON *body, size_t *len)
{
	struct mcp_rpc_out o;
	char *s;

	o.p = o.stack;
	o.len = 0;
	o.cap = sizeof o.stack;
	mcp_rpc_puts(&o, "{\"jsonrpc\":\"2.0\"");
	if (id != NULL && id->type == MCP_ID_INT) {
		mcp_rpc_puts(&o, ",\"id\":");
		mcp_rpc_put_int(&o, id->num);
	} else if (id != NULL && id->type == MCP_ID_STR) {
		mcp_rpc_puts(&o, ",\"id\":");
		mcp_rpc_put_string(&o, id->str);
	}
	if (method != NULL) {
		mcp_rpc_puts(&o, ",\"method\":");
		mcp_rpc_put_string(&o, method);
	}
	if (body != NULL) {
		mcp_rpc_puts(&o, ",\"");
		mcp_rpc_put(&o, key, strlen(key));
		mcp_rpc_puts(&o, "\":");
		mcp_rpc_put_json(&o, body);
	}
	mcp_rpc_puts(&o, "}");
	if (o.p == o.stack)
		s = mcp_xstrndup(o.p, o.len);
	else {
		s = o.p;
		s[o.len] = '\0';
	}
	if (len != NULL)
		*len = o.len;
	return s;
}

char *
mcp_rpc_encode_request(const struct mcp_id *id, const char *method,
    const cJSON *params, size_t *len)
{
	return mcp_rpc_frame(id, method, "params", params, len);
}

char *
mcp_rpc_encode_notification(const char *method, const cJSON *params,
    size_t *len)
{
	return mcp_rpc_frame(NULL, method, "params", params, len);
}

char *
mcp_rpc_encode_result(const struct mcp_id *id, const cJSON *result,
    size_t *len)
{
	static const char empty[] = "{}";
	cJSON raw = { 0 };

	if (result == NULL) {
		/* An empty result, without allocating a cJSON for it. */
		raw.type = cJSON_Raw;
		raw.valuestring = (char *)empty;
		result = &raw;
	}
	return mcp_rpc_frame(id, NULL, "result", result, len);
}

char *
mcp_rpc_encode_error(const struct mcp_id *id, int code, const char *message,
    const cJSON *data, size_t *len)
{
	cJSON *error = cJSON_CreateObject();
	char *s;

	mcp_json_add_num(error, "code", code);
	mcp_json_add_str(error, "message",
	    message != NULL ? message : mcp_strerror(code));
	if (data != NULL &&
	    !cJSON_AddItemReferenceToObject(error, "data", (cJSON *)data))
		abort();
	s = mcp_rpc_frame(id, NULL, "error", error, len);
	cJSON_Delete(error);
	return s;
}
