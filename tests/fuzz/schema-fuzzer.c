/*
 * libFuzzer target for mcp/schema.c: the input is a schema and a value,
 * split at the first NUL or newline; both are compiled and checked.
 */

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "mcp/schema.h"

#define FUZZ_MAX_LEN	65536

/* Messages must be one line that fits the buffer and is not empty. */
static void
check_message(const char *err, size_t errlen)
{
	size_t	 len;

	if (errlen == 0)
		return;
	len = strnlen(err, errlen);
	if (len == errlen || strchr(err, '\n') != NULL ||
	    strchr(err, '\r') != NULL)
		abort();
	if (errlen > 1 && len == 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mcp_schema	*s;
	cJSON			*schema, *value;
	const char		*split;
	char			*buf, err[256], tiny[6];
	size_t			 schema_len;

	if (size > FUZZ_MAX_LEN)
		return 0;
	buf = malloc(size + 1);
	if (buf == NULL)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';

	split = memchr(buf, '\0', size);
	schema_len = split != NULL ? (size_t)(split - buf) : size;
	if ((split = memchr(buf, '\n', schema_len)) != NULL)
		schema_len = (size_t)(split - buf);

	schema = cJSON_ParseWithLength(buf, schema_len);
	if (schema_len < size)
		value = cJSON_ParseWithLength(buf + schema_len + 1,
		    size - schema_len - 1);
	else
		value = NULL;
	if (schema != NULL) {
		s = mcp_schema_new(schema, err, sizeof err);
		if (s == NULL)
			check_message(err, sizeof err);
		else {
			/* Without a value, the schema checks itself. */
			if (mcp_schema_validate(s, value != NULL ? value :
			    schema, "arguments", err, sizeof err) != 0)
				check_message(err, sizeof err);
			if (value != NULL &&
			    mcp_schema_validate(s, value, "", tiny,
			    sizeof tiny) != 0)
				check_message(tiny, sizeof tiny);
			mcp_schema_free(s);
		}
	}
	cJSON_Delete(schema);
	cJSON_Delete(value);
	free(buf);
	return 0;
}
