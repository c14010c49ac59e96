/*
 * JSON-RPC 2.0 messages: decode and validate one incoming message, encode
 * requests, notifications, results and errors.
 */
#ifndef MCP_RPC_H
#define MCP_RPC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cjson/cJSON.h>

#include "error.h"

/* A request id: a string or an integer, never null. */
enum mcp_id_type { MCP_ID_NONE, MCP_ID_INT, MCP_ID_STR };
struct mcp_id {
	enum mcp_id_type type;
	int64_t num;
	char *str;	/* borrowed from a message, or owned after mcp_id_copy */
};

/* Ids */
bool mcp_id_eq(const struct mcp_id *, const struct mcp_id *);
/* Copy src into dst, duplicating a string id; dst then owns it. */
void mcp_id_copy(struct mcp_id *dst, const struct mcp_id *src);
/* Free an owned string id and reset to MCP_ID_NONE. */
void mcp_id_clear(struct mcp_id *);
/* Read an id from JSON; -1 unless it is a string or an integer within
 * +-(2^53 - 1), the integers a double (and so cJSON) carries exactly. */
int mcp_id_from_json(const cJSON *, struct mcp_id *out);
/* New JSON value for an id (NULL for MCP_ID_NONE); the caller owns it. */
cJSON *mcp_id_to_json(const struct mcp_id *);
/* Printable form for logs ("7", "\"abc\""), cut to fit buf. */
const char *mcp_id_format(const struct mcp_id *, char *buf, size_t len);

/* Incoming messages */
enum mcp_rpc_kind {
	MCP_RPC_INVALID,
	MCP_RPC_REQUEST,
	MCP_RPC_NOTIFICATION,
	MCP_RPC_RESULT,
	MCP_RPC_ERROR,
};

/* A decoded message. Everything points into root, which it owns. */
struct mcp_rpc_msg {
	enum mcp_rpc_kind kind;
	struct mcp_id id;		/* requests and responses (borrowed) */
	const char *method;		/* requests and notifications */
	const cJSON *params;		/* object or NULL */
	const cJSON *result;		/* MCP_RPC_RESULT */
	int error_code;			/* MCP_RPC_ERROR */
	const char *error_message;
	const cJSON *error_data;
	cJSON *root;
};

/*
 * Decode and validate one message of len bytes (UTF-8 JSON text, not
 * necessarily NUL-terminated). Strict: JSON that cJSON would let through
 * (control characters, NUL bytes, 01 or 1.) is a parse error, and so is any
 * text after the value; a string holding \u0000 is refused. On success
 * returns 0. On failure returns -1, sets err (code MCP_PARSE_ERROR or
 * MCP_INVALID_REQUEST) and leaves out->kind and out->id as far as they
 * could be read, so that a request can be answered with its id and a broken
 * response can fail the request it names; out->kind is MCP_RPC_INVALID when
 * the message was not an object, or one with no method, result or error.
 * Either way call mcp_rpc_msg_clear afterwards.
 */
int mcp_rpc_decode(const char *buf, size_t len, struct mcp_rpc_msg *out,
    struct mcp_err *err);
/* Whether a decode failure deserves an error response (it was a request or
 * unreadable, not a notification or a response). */
bool mcp_rpc_wants_error_reply(const struct mcp_rpc_msg *);
void mcp_rpc_msg_clear(struct mcp_rpc_msg *);

/* Encoding. Each returns compact JSON text without a newline that the caller
 * frees; *len gets its length. cJSON arguments are borrowed. Integer ids are
 * written digit for digit (never 1e+15). */
char *mcp_rpc_encode_request(const struct mcp_id *id, const char *method,
    const cJSON *params, size_t *len);
char *mcp_rpc_encode_notification(const char *method, const cJSON *params,
    size_t *len);
char *mcp_rpc_encode_result(const struct mcp_id *id, const cJSON *result,
    size_t *len);
/* id NULL or MCP_ID_NONE omits the id (the request's id could not be read). */
char *mcp_rpc_encode_error(const struct mcp_id *id, int code,
    const char *message, const cJSON *data, size_t *len);

#endif
