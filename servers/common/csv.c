/*
 * CSV reading. A small state machine over getc() that follows RFC 4180 and
 * reports the first malformed spot as file:line, so a broken seed file is
 * found by its position rather than by a failed insert later on.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"

struct common_csv {
	FILE		*f;
	char		*path;
	unsigned long	 line;		/* current physical line */
	unsigned long	 record_line;	/* line where the last record began */

	char		*buf;		/* all fields, each NUL-terminated */
	size_t		 len;
	size_t		 cap;
	size_t		 starts[COMMON_CSV_MAX_FIELDS];
	size_t		 lens[COMMON_CSV_MAX_FIELDS];
	size_t		 nfields;
};

static void
csv_oom(size_t size)
{
	fprintf(stderr, "out of memory allocating %zu bytes\n", size);
	abort();
}

struct common_csv *
common_csv_open(const char *path, char *err, size_t errlen)
{
	struct common_csv	*c;
	FILE			*f;

	if ((f = fopen(path, "rb")) == NULL) {
		snprintf(err, errlen, "cannot open %s: %s", path,
		    strerror(errno));
		return (NULL);
	}
	if ((c = calloc(1, sizeof *c)) == NULL)
		csv_oom(sizeof *c);
	if ((c->path = strdup(path)) == NULL)
		csv_oom(strlen(path) + 1);
	c->f = f;
	c->line = 1;
	return (c);
}

void
common_csv_free(struct common_csv *c)
{
	if (c == NULL)
		return;
	fclose(c->f);
	free(c->path);
	free(c->buf);
	free(c);
}

static void
csv_put(struct common_csv *c, char ch)
{
	if (c->len + 1 >= c->cap) {
		size_t n = c->cap == 0 ? 256 : c->cap * 2;

		if ((c->buf = realloc(c->buf, n)) == NULL)
			csv_oom(n);
		c->cap = n;
	}
	c->buf[c->len++] = ch;
}

/* Close the field being read; -1 when the record has too many fields. */
static int
csv_end_field(struct common_csv *c, size_t start, char *err, size_t errlen)
{
	if (c->nfields == COMMON_CSV_MAX_FIELDS) {
		snprintf(err, errlen, "%s:%lu: more than %d fields in a record",
		    c->path, c->record_line, COMMON_CSV_MAX_FIELDS);
		return (-1);
	}
	c->starts[c->nfields] = start;
	c->lens[c->nfields] = c->len - start;
	c->nfields++;
	csv_put(c, '\0');
	return (0);
}

int
common_csv_next(struct common_csv *c, char *err, size_t errlen)
{
	enum { FIELD_START, UNQUOTED, QUOTED, QUOTE_IN_QUOTED } state;
	unsigned long	quote_line = 0;
	size_t		start;
	int		ch;

	c->len = 0;
	c->nfields = 0;
	c->record_line = c->line;
	start = 0;
	state = FIELD_START;

	ch = getc(c->f);
	if (ch == EOF) {
		if (ferror(c->f)) {
			snprintf(err, errlen, "%s:%lu: read error: %s",
			    c->path, c->line, strerror(errno));
			return (-1);
		}
		return (0);
	}
	for (;; ch = getc(c->f)) {
		if (ch == EOF && ferror(c->f)) {
			snprintf(err, errlen, "%s:%lu: read error: %s",
			    c->path, c->line, strerror(errno));
			return (-1);
		}
		if (c->len - start > COMMON_CSV_MAX_FIELD) {
			snprintf(err, errlen, "%s:%lu: field longer than %d "
			    "bytes", c->path, c->line, COMMON_CSV_MAX_FIELD);
			return (-1);
		}
		switch (state) {
		case FIELD_START:
		case UNQUOTED:
		case QUOTE_IN_QUOTED:
			if (ch == ',') {
				if (csv_end_field(c, start, err, errlen) != 0)
					return (-1);
				start = c->len;
				state = FIELD_START;
				break;
			}
			if (ch == '\r') {
				int next = getc(c->f);

				if (next != '\n') {
					snprintf(err, errlen, "%s:%lu: carriage "
					    "return outside quotes not followed "
					    "by a line feed", c->path, c->line);
					return (-1);
				}
				ch = '\n';
			}
			if (ch == '\n' || ch == EOF) {
				if (ch == '\n')
					c->line++;
				if (csv_end_field(c, start, err, errlen) != 0)
					return (-1);
				return (1);
			}
			if (state == QUOTE_IN_QUOTED) {
				snprintf(err, errlen, "%s:%lu: unexpected "
				    "character after closing quote (a quote "
				    "inside a quoted field must be doubled)",
				    c->path, c->line);
				return (-1);
			}
			if (ch == '"') {
				if (state == UNQUOTED) {
					snprintf(err, errlen, "%s:%lu: quote "
					    "inside an unquoted field (quote "
					    "the whole field)", c->path,
					    c->line);
					return (-1);
				}
				quote_line = c->line;
				state = QUOTED;
				break;
			}
			csv_put(c, (char)ch);
			state = UNQUOTED;
			break;
		case QUOTED:
			if (ch == EOF) {
				snprintf(err, errlen, "%s:%lu: quoted field "
				    "not closed before the end of the file",
				    c->path, quote_line);
				return (-1);
			}
			if (ch == '"') {
				int next = getc(c->f);

				if (next == '"') {
					csv_put(c, '"');
					break;
				}
				if (next != EOF)
					ungetc(next, c->f);
				state = QUOTE_IN_QUOTED;
				break;
			}
			if (ch == '\n')
				c->line++;
			csv_put(c, (char)ch);
			break;
		}
	}
}

size_t
common_csv_count(const struct common_csv *c)
{
	return (c->nfields);
}

const char *
common_csv_field(const struct common_csv *c, size_t i)
{
	if (i >= c->nfields)
		return (NULL);
	return (c->buf + c->starts[i]);
}

size_t
common_csv_field_len(const struct common_csv *c, size_t i)
{
	if (i >= c->nfields)
		return (0);
	return (c->lens[i]);
}

unsigned long
common_csv_line(const struct common_csv *c)
{
	return (c->record_line);
}

const char *
common_csv_path(const struct common_csv *c)
{
	return (c->path);
}
