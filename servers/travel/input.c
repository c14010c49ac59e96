/*
 * Tool input. The kit has checked types, required fields and ranges
 * against each inputSchema; what is left needs the data or the date.
 */
#include <stdio.h>
#include <string.h>

#include "mcp/json.h"

#include "input.h"

/* Sales open this far ahead, as airlines' and hotels' do (about a year);
 * we allow two. */
#define INPUT_MAX_AHEAD_DAYS	730

int
travel_input_today(struct common_date *today, char *err, size_t errlen)
{
	return (common_date_today(today, err, errlen) == 0 ? 0 : -1);
}

int
travel_input_date(const char *field, const char *value, int not_before_today,
    struct common_date *out, char *err, size_t errlen)
{
	struct common_date	today;
	char			why[256], t[COMMON_DATE_LEN];

	if (common_date_parse(value, out, why, sizeof why) != 0) {
		snprintf(err, errlen, "%s: %s", field, why);
		return (1);
	}
	if (travel_input_today(&today, err, errlen) != 0)
		return (-1);
	common_date_format(&today, t);
	if (not_before_today && common_date_compare(out, &today) < 0) {
		snprintf(err, errlen, "%s: %s is in the past (today is %s); "
		    "give a date from %s on", field, value, t, t);
		return (1);
	}
	if (common_date_diff(&today, out) > INPUT_MAX_AHEAD_DAYS) {
		snprintf(err, errlen, "%s: %s is more than two years ahead "
		    "(today is %s); give a nearer date", field, value, t);
		return (1);
	}
	return (0);
}

int
travel_input_place(sqlite3 *db, const char *field, const char *value,
    struct common_place *place, char *note, size_t notelen, char *err,
    size_t errlen)
{
	struct common_place_result	*r;
	char				 why[256];
	const char			*also;

	if (note != NULL && notelen > 0)
		note[0] = '\0';
	if ((r = common_place_resolve(db, value, why, sizeof why)) == NULL) {
		snprintf(err, errlen, "%s: %s", field, why);
		return (-1);
	}
	if (r->status != COMMON_PLACE_FOUND) {
		snprintf(err, errlen, "%s: %s", field, r->message);
		common_place_result_free(r);
		return (1);
	}
	*place = r->places[0];
	if (note != NULL && r->n > 1 &&
	    (also = strstr(r->message, " (also named")) != NULL)
		snprintf(note, notelen, "%s: %s", field, also + 2);
	if (note != NULL && note[0] != '\0' && note[strlen(note) - 1] == ')')
		note[strlen(note) - 1] = '\0';
	common_place_result_free(r);
	return (0);
}

int
travel_input_airports(const char *field, const struct common_place *p,
    char codes[][4], size_t max, size_t *n, char *err, size_t errlen)
{
	const char	*s = p->airports;
	char		 label[256];

	*n = 0;
	while (*s != '\0' && *n < max) {
		size_t k = strcspn(s, ";");

		if (k == 3) {
			memcpy(codes[*n], s, 3);
			codes[(*n)++][3] = '\0';
		}
		s += k;
		if (*s == ';')
			s++;
	}
	if (*n == 0) {
		common_place_label(p, label, sizeof label);
		snprintf(err, errlen, "%s: no airport with scheduled flights "
		    "serves %s in the data; give a nearby larger city or an "
		    "airport code", field, label);
		return (1);
	}
	return (0);
}

int
travel_input_text(const char *field, const char *value, size_t max,
    int multiline, char *err, size_t errlen)
{
	size_t	n = strlen(value), i;

	if (n > max) {
		snprintf(err, errlen, "%s: too long (%zu bytes, at most %zu); "
		    "shorten it", field, n, max);
		return (1);
	}
	if (!mcp_utf8_valid(value, n)) {
		snprintf(err, errlen, "%s: not valid UTF-8; send text", field);
		return (1);
	}
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)value[i];

		if ((c < 0x20 && !(multiline && (c == '\n' || c == '\t'))) ||
		    c == 0x7f) {
			snprintf(err, errlen, "%s: control character 0x%02x at "
			    "byte %zu; %s", field, c, i, multiline ?
			    "only tabs and newlines are allowed" :
			    "give one line of plain text");
			return (1);
		}
	}
	return (0);
}
