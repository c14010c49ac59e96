/*
 * Typed, validating access to cJSON values. A missing or mistyped field is
 * an error that names its path ("params.name: expected string"); nothing
 * reads valuestring without checking the type first.
 */
#ifndef MCP_JSON_H
#define MCP_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cjson/cJSON.h>

#include "error.h"

/* Field getters. Each returns 0 and sets *out (to NULL/absent-default when an
 * optional field is missing) or returns -1 with MCP_INVALID_PARAMS in err.
 * path names obj in messages, e.g. "params". Out values are borrowed from obj. */
int mcp_json_string(const cJSON *obj, const char *path, const char *key,
    bool required, const char **out, struct mcp_err *err);
int mcp_json_object(const cJSON *obj, const char *path, const char *key,
    bool required, const cJSON **out, struct mcp_err *err);
int mcp_json_array(const cJSON *obj, const char *path, const char *key,
    bool required, const cJSON **out, struct mcp_err *err);
/* *present (may be NULL) tells whether the field was there. */
int mcp_json_int(const cJSON *obj, const char *path, const char *key,
    bool required, int64_t *out, bool *present, struct mcp_err *err);
int mcp_json_number(const cJSON *obj, const char *path, const char *key,
    bool required, double *out, bool *present, struct mcp_err *err);
int mcp_json_bool(const cJSON *obj, const char *path, const char *key,
    bool required, bool *out, bool *present, struct mcp_err *err);

/* Value tests */
/* True for a number with no fraction that fits in int64. */
bool mcp_json_is_integer(const cJSON *);
/* A short name of the JSON type ("string", "object", ...). */
const char *mcp_json_type_name(const cJSON *);

/* Building */
/* Parse a JSON text that must be valid (a programmer's constant); aborts
 * naming the text otherwise. The caller owns the result. */
cJSON *mcp_json_parse_const(const char *text);
/* Add a string (a copy), number or bool to obj; abort on out of memory. */
void mcp_json_add_str(cJSON *obj, const char *key, const char *value);
void mcp_json_add_num(cJSON *obj, const char *key, double value);
void mcp_json_add_bool(cJSON *obj, const char *key, bool value);
/* Add item (taken) under key. */
void mcp_json_add(cJSON *obj, const char *key, cJSON *item);
/* Compact text of v; the caller frees it. *len (may be NULL) gets its length. */
char *mcp_json_print(const cJSON *v, size_t *len);

/* UTF-8 */
/* True when buf[0..len) is well-formed UTF-8 (no overlongs, no surrogates). */
bool mcp_utf8_valid(const char *buf, size_t len);
/* Length of the well-formed UTF-8 sequence at buf (1-4), or 0 when there is
 * none within avail bytes. */
size_t mcp_utf8_seq(const char *buf, size_t avail);

/* Memory: out of memory aborts and names the size (as tmux's xmalloc). */
void *mcp_xmalloc(size_t);
void *mcp_xcalloc(size_t, size_t);
void *mcp_xrealloc(void *, size_t);
char *mcp_xstrdup(const char *);
char *mcp_xstrndup(const char *, size_t);
/* asprintf that aborts on out of memory. */
char *mcp_xprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
