/*
 * Output for people and for programs. Everything a server sends is
 * untrusted: it reaches a terminal only after control characters and broken
 * UTF-8 are replaced, so no server can move the cursor or retitle the window.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mcp/json.h"
#include "tui/cli.h"

/* U+061C, U+200E, U+200F, U+202A..U+202E, U+2066..U+2069. */
static bool
clean_bidi(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;

	if (n == 2)
		return u[0] == 0xd8 && u[1] == 0x9c;
	if (n != 3 || u[0] != 0xe2)
		return false;
	if (u[1] == 0x80)
		return u[2] == 0x8e || u[2] == 0x8f ||
		    (u[2] >= 0xaa && u[2] <= 0xae);
	return u[1] == 0x81 && u[2] >= 0xa6 && u[2] <= 0xa9;
}

char *
tui_cli_clean(const char *s, bool multiline)
{
	size_t len = strlen(s), i = 0, o = 0, n;
	char *out = mcp_xmalloc(len + 1);

	while (i < len) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x80) {
			if ((c < 0x20 && !(multiline && (c == '\n' ||
			    c == '\t'))) || c == 0x7f)
				out[o++] = '?';
			else
				out[o++] = (char)c;
			i++;
			continue;
		}
		n = mcp_utf8_seq(s + i, len - i);
		/* C1 controls (U+0080..U+009F) are escapes on some terminals;
		 * bidirectional controls could make shown arguments read
		 * otherwise than they are. */
		if (n == 0 || (n == 2 && c == 0xc2 &&
		    (unsigned char)s[i + 1] < 0xa0) || clean_bidi(s + i, n)) {
			out[o++] = '?';
			i += n == 0 ? 1 : n;
			continue;
		}
		memcpy(out + o, s + i, n);
		o += n;
		i += n;
	}
	out[o] = '\0';
	return out;
}

void
tui_cli_print_json(const cJSON *v)
{
	char *text = cJSON_Print(v);

	if (text == NULL)
		abort();
	printf("%s\n", text);
	free(text);
}

static void
print_text(FILE *f, const char *s)
{
	char *clean = tui_cli_clean(s, true);
	size_t n = strlen(clean);

	fputs(clean, f);
	if (n == 0 || clean[n - 1] != '\n')
		fputc('\n', f);
	free(clean);
}

static const char *
str_of(const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static void
print_block(FILE *f, const cJSON *item)
{
	const char *type = str_of(item, "type"), *s;
	const cJSON *res;
	char *clean;

	if (type == NULL)
		type = "?";
	if (strcmp(type, "text") == 0 && (s = str_of(item, "text")) != NULL) {
		print_text(f, s);
		return;
	}
	if (strcmp(type, "image") == 0 || strcmp(type, "audio") == 0) {
		s = str_of(item, "data");
		clean = tui_cli_clean(str_of(item, "mimeType") != NULL ?
		    str_of(item, "mimeType") : "?", false);
		fprintf(f, "[%s %s, %zu bytes]\n", type, clean,
		    s != NULL ? strlen(s) / 4 * 3 : 0);
		free(clean);
		return;
	}
	if (strcmp(type, "resource_link") == 0) {
		clean = tui_cli_clean(str_of(item, "uri") != NULL ?
		    str_of(item, "uri") : "?", false);
		fprintf(f, "[link %s]\n", clean);
		free(clean);
		return;
	}
	if (strcmp(type, "resource") == 0) {
		res = cJSON_GetObjectItemCaseSensitive(item, "resource");
		clean = tui_cli_clean(str_of(res, "uri") != NULL ?
		    str_of(res, "uri") : "?", false);
		fprintf(f, "[resource %s]\n", clean);
		free(clean);
		if ((s = str_of(res, "text")) != NULL)
			print_text(f, s);
		else if ((s = str_of(res, "blob")) != NULL)
			fprintf(f, "[%zu bytes of binary data]\n",
			    strlen(s) / 4 * 3);
		return;
	}
	clean = tui_cli_clean(type, false);
	fprintf(f, "[%s content]\n", clean);
	free(clean);
}

void
tui_cli_print_content(FILE *f, const cJSON *content)
{
	const cJSON *item;

	if (cJSON_IsObject(content)) {
		print_block(f, content);
		return;
	}
	cJSON_ArrayForEach(item, content)
		print_block(f, item);
}

void
tui_cli_print_line(FILE *f, const char *s, int width)
{
	char *clean;
	size_t n = 0, cols = 0;

	if (s == NULL) {
		fputc('\n', f);
		return;
	}
	clean = tui_cli_clean(s, true);
	/* The first line, cut at width characters. */
	while (clean[n] != '\0' && clean[n] != '\n') {
		if (((unsigned char)clean[n] & 0xc0) != 0x80) {
			if ((int)cols == width)
				break;
			cols++;
		}
		n++;
	}
	if (clean[n] != '\0' && clean[n] != '\n' && n >= 3) {
		/* Cut short: end on a character boundary with "...". */
		size_t k = n, back = 0;

		while (k > 0 && back < 3) {
			k--;
			if (((unsigned char)clean[k] & 0xc0) != 0x80)
				back++;
		}
		fprintf(f, "%.*s...\n", (int)k, clean);
	} else
		fprintf(f, "%.*s\n", (int)n, clean);
	free(clean);
}

char **
tui_cli_complete_items(struct mcp_host *h, enum mcp_host_kind kind,
    const char *text)
{
	size_t i, n = 0, len = strlen(text), count = mcp_host_count(h, kind);
	const cJSON *item, *name;
	const char *server;
	char **out = mcp_xcalloc(count + 1, sizeof *out), *q;

	for (i = 0; i < count; i++) {
		item = mcp_host_item(h, kind, i, &server);
		name = cJSON_GetObjectItemCaseSensitive(item, "name");
		if (!cJSON_IsString(name))
			continue;
		q = mcp_xprintf("%s/%s", server, name->valuestring);
		if (strncmp(q, text, len) == 0)
			out[n++] = q;
		else
			free(q);
	}
	return out;
}

const cJSON *
tui_cli_find_item(struct mcp_host *h, enum mcp_host_kind kind,
    const char *qualified)
{
	const char *slash = strchr(qualified, '/'), *server;
	const cJSON *item, *name;
	size_t i, n = mcp_host_count(h, kind), slen;

	if (slash == NULL)
		return NULL;
	slen = (size_t)(slash - qualified);
	for (i = 0; i < n; i++) {
		item = mcp_host_item(h, kind, i, &server);
		name = cJSON_GetObjectItemCaseSensitive(item, "name");
		if (server != NULL && strlen(server) == slen &&
		    strncmp(server, qualified, slen) == 0 &&
		    cJSON_IsString(name) &&
		    strcmp(name->valuestring, slash + 1) == 0)
			return item;
	}
	return NULL;
}
