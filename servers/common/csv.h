/*
 * CSV reading. An RFC 4180 reader over a file: quoted fields, doubled
 * quotes, commas and newlines inside quotes, CRLF or LF line ends.
 */
#ifndef SERVERS_COMMON_CSV_H
#define SERVERS_COMMON_CSV_H

#include <stddef.h>

struct common_csv;	/* defined in csv.c */

/* Ceilings: a field longer than this, or a record with more fields, is an error. */
#define COMMON_CSV_MAX_FIELD	(1024 * 1024)
#define COMMON_CSV_MAX_FIELDS	256

/* Opening and closing */
struct common_csv *common_csv_open(const char *path, char *err, size_t errlen);
void	 common_csv_free(struct common_csv *);

/*
 * Read the next record: 1 when one was read, 0 at the end of the file, -1 on
 * malformed input or a read error (err names file:line). The fields are
 * borrowed until the next call; a quoted empty field and an unquoted empty
 * field both read as "".
 */
int	 common_csv_next(struct common_csv *, char *err, size_t errlen);
size_t	 common_csv_count(const struct common_csv *);
const char *common_csv_field(const struct common_csv *, size_t);
size_t	 common_csv_field_len(const struct common_csv *, size_t);
/* The line on which the last record read began (1-based). */
unsigned long common_csv_line(const struct common_csv *);
const char *common_csv_path(const struct common_csv *);

#endif
