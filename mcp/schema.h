/*
 * JSON Schema subset used to validate tool arguments and tool outputs.
 * A schema is compiled once (patterns and $refs resolved) and then checked
 * against many values; the first problem found is reported in one line that
 * names the path, e.g. "arguments.departure: expected a date (YYYY-MM-DD)".
 */
#ifndef MCP_SCHEMA_H
#define MCP_SCHEMA_H

#include <stddef.h>
#include <cjson/cJSON.h>

struct mcp_schema;

/* Compiling */
/* Compile a schema (borrowed; copied inside). Returns NULL and writes a one-line
 * reason to err on an unsupported dialect or an invalid schema. */
struct mcp_schema *mcp_schema_new(const cJSON *schema, char *err, size_t errlen);
/* Frees; NULL does nothing. */
void mcp_schema_free(struct mcp_schema *);
/* The schema as given (borrowed, valid until mcp_schema_free). */
const cJSON *mcp_schema_json(const struct mcp_schema *);

/* Checking */
/* 0 when value conforms; -1 with a one-line reason in err otherwise.
 * root names the value in messages ("arguments", "structuredContent"). */
int mcp_schema_validate(const struct mcp_schema *, const cJSON *value,
    const char *root, char *err, size_t errlen);

#endif
