/*
 * createItinerary: a planned trip (destination, dates, bookings made,
 * activities) kept as travel://itineraries/{id}; the id is the one given
 * or a slug of the destination and year ("barcelona-2024").
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mcp/json.h"
#include "mcp/server.h"
#include "servers/common/app.h"
#include "servers/common/money.h"

#include "bookings.h"
#include "db.h"
#include "flights.h"
#include "input.h"
#include "tools.h"

/* Longest trip an itinerary may span, in days. */
#define ITIN_MAX_DAYS	365

static const char itin_input[] =
    "{\"type\":\"object\",\"properties\":{"
    "\"id\":{\"type\":\"string\",\"pattern\":\"^[a-z0-9][a-z0-9-]{0,62}$\","
    "\"description\":\"optional id (lower-case letters, digits, -); "
    "default: the destination and year, as barcelona-2024\"},"
    "\"title\":{\"type\":\"string\",\"minLength\":1,\"maxLength\":200},"
    "\"destination\":{\"type\":\"string\",\"minLength\":1,\"maxLength\":200,"
    "\"description\":\"a city or airport, as in searchFlights\"},"
    "\"startDate\":{\"type\":\"string\",\"format\":\"date\"},"
    "\"endDate\":{\"type\":\"string\",\"format\":\"date\"},"
    "\"bookings\":{\"type\":\"array\",\"maxItems\":20,\"items\":"
    "{\"type\":\"string\",\"minLength\":1,\"maxLength\":64},"
    "\"description\":\"confirmation codes of bookings for this trip (may be "
    "empty)\"},"
    "\"activities\":{\"type\":\"array\",\"maxItems\":100,\"items\":{"
    "\"anyOf\":[{\"type\":\"string\",\"minLength\":1,\"maxLength\":500},"
    "{\"type\":\"object\",\"properties\":{"
    "\"title\":{\"type\":\"string\",\"minLength\":1,\"maxLength\":200},"
    "\"date\":{\"type\":\"string\",\"format\":\"date\"},"
    "\"time\":{\"type\":\"string\",\"pattern\":\"^([01][0-9]|2[0-3]):[0-5][0-9]$\"},"
    "\"location\":{\"type\":\"string\",\"maxLength\":200},"
    "\"notes\":{\"type\":\"string\",\"maxLength\":1000}},"
    "\"required\":[\"title\"],\"additionalProperties\":false}]},"
    "\"description\":\"what to do: text, or {title, date?, time?, "
    "location?, notes?} (may be empty)\"}},"
    "\"required\":[\"title\",\"destination\",\"startDate\",\"endDate\","
    "\"bookings\",\"activities\"],\"additionalProperties\":false}";

const char travel_itinerary_schema[] =
    "{\"type\":\"object\",\"required\":[\"id\",\"uri\",\"title\","
    "\"destination\",\"startDate\",\"endDate\",\"nights\",\"bookings\","
    "\"activities\",\"totalCost\",\"currency\"],\"properties\":{"
    "\"id\":{\"type\":\"string\"},\"uri\":{\"type\":\"string\"},"
    "\"title\":{\"type\":\"string\"},\"destination\":{\"type\":\"object\"},"
    "\"startDate\":{\"type\":\"string\"},\"endDate\":{\"type\":\"string\"},"
    "\"nights\":{\"type\":\"integer\"},"
    "\"bookings\":{\"type\":\"array\",\"items\":{\"type\":\"object\"}},"
    "\"activities\":{\"type\":\"array\",\"items\":{\"type\":\"object\"}},"
    "\"totalCost\":{\"type\":\"number\"},\"currency\":{\"type\":\"string\"},"
    "\"createdAt\":{\"type\":\"string\"},\"updatedAt\":{\"type\":\"string\"},"
    "\"note\":{\"type\":\"string\"}}}";

static const char itin_exists_sql[] =
    "SELECT 1 FROM itineraries WHERE id = ?1";
static const char itin_insert_sql[] =
    "INSERT INTO itineraries (id, data, created_at, updated_at) VALUES "
    "(?1, ?2, ?3, ?3)";

/* 1 when an itinerary id exists, 0 not, -1 error. */
static int
itin_exists(sqlite3 *db, const char *id, char *err, size_t errlen)
{
	sqlite3_stmt	*st;
	int		 rc;

	if ((st = travel_db_stmt(db, itin_exists_sql, err, errlen)) == NULL)
		return (-1);
	sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		snprintf(err, errlen, "travel database: %s", sqlite3_errmsg(db));
		return (-1);
	}
	return (rc == SQLITE_ROW);
}

/* "barcelona-2024" from the destination's city and the start year. */
static void
itin_slug(const struct common_place *p, int year, char *buf, size_t len)
{
	char	 key[128];
	size_t	 i, n = 0;

	common_place_fold(p->kind == COMMON_PLACE_AIRPORT ||
	    p->kind == COMMON_PLACE_DISTRICT ? p->city : p->name, key,
	    sizeof key);
	for (i = 0; key[i] != '\0' && n + 6 < len && n < 40; i++) {
		if (isalnum((unsigned char)key[i]))
			buf[n++] = key[i];
		else if (n > 0 && buf[n - 1] != '-')
			buf[n++] = '-';
	}
	if (n > 0 && buf[n - 1] == '-')
		n--;
	snprintf(buf + n, len - n, "%s-%04d", n == 0 ? "trip" : "", year);
}

static void
create_itinerary(struct mcp_call *call, const cJSON *args, void *arg)
{
	struct common_app	*app = arg;
	const cJSON		*idj = cJSON_GetObjectItem(args, "id");
	const cJSON		*title = cJSON_GetObjectItem(args, "title");
	const cJSON		*dest = cJSON_GetObjectItem(args,
				    "destination");
	const cJSON		*sd = cJSON_GetObjectItem(args, "startDate");
	const cJSON		*ed = cJSON_GetObjectItem(args, "endDate");
	const cJSON		*bk = cJSON_GetObjectItem(args, "bookings");
	const cJSON		*ac = cJSON_GetObjectItem(args, "activities");
	const cJSON		*it;
	struct common_date	 start, end, d;
	struct common_place	 place;
	char			 err[1024], field[64], id[80], label[256];
	char			 now[32], uri[128], *text, summary[1024];
	cJSON			*data = NULL, *bookings, *acts, *b, *dj;
	long long		 total = 0;
	long			 nights;
	sqlite3_stmt		*st;
	int			 r, i, k;

	if ((r = travel_input_text("title", title->valuestring, 200, 0, err,
	    sizeof err)) != 0 ||
	    (r = travel_input_date("startDate", sd->valuestring, 1, &start,
	    err, sizeof err)) != 0 ||
	    (r = travel_input_date("endDate", ed->valuestring, 1, &end, err,
	    sizeof err)) != 0)
		goto error;
	if ((nights = common_date_diff(&start, &end)) < 0) {
		snprintf(err, sizeof err, "endDate: %s is before the startDate "
		    "%s; give an end on or after the start", ed->valuestring,
		    sd->valuestring);
		goto bad;
	}
	if (nights > ITIN_MAX_DAYS) {
		snprintf(err, sizeof err, "endDate: the trip would last %ld "
		    "days; an itinerary spans at most %d", nights,
		    ITIN_MAX_DAYS);
		goto bad;
	}
	if ((r = travel_input_place(app->db, "destination", dest->valuestring,
	    &place, NULL, 0, err, sizeof err)) != 0)
		goto error;

	/* Everything below hangs on data, which the error paths free. */
	data = cJSON_CreateObject();
	acts = cJSON_AddArrayToObject(data, "activities");
	i = 0;
	cJSON_ArrayForEach(it, ac) {
		cJSON *a = cJSON_CreateObject();
		const cJSON *v;

		cJSON_AddItemToArray(acts, a);
		if (cJSON_IsString(it)) {
			snprintf(field, sizeof field, "activities[%d]", i);
			if ((r = travel_input_text(field, it->valuestring, 500,
			    0, err, sizeof err)) != 0)
				goto error;
			cJSON_AddStringToObject(a, "title", it->valuestring);
			i++;
			continue;
		}
		static const struct {
			const char *key;
			size_t max;
			int multiline;
		} fields[] = {
			{ "title", 200, 0 }, { "time", 5, 0 },
			{ "location", 200, 0 }, { "notes", 1000, 1 },
		};
		for (k = 0; k < 4; k++) {
			if ((v = cJSON_GetObjectItem(it, fields[k].key)) ==
			    NULL)
				continue;
			snprintf(field, sizeof field, "activities[%d].%s", i,
			    fields[k].key);
			if ((r = travel_input_text(field, v->valuestring,
			    fields[k].max, fields[k].multiline, err,
			    sizeof err)) != 0)
				goto error;
			cJSON_AddStringToObject(a, fields[k].key,
			    v->valuestring);
		}
		if ((v = cJSON_GetObjectItem(it, "date")) != NULL) {
			snprintf(field, sizeof field, "activities[%d].date", i);
			if ((r = travel_input_date(field, v->valuestring, 0,
			    &d, err, sizeof err)) != 0)
				goto error;
			if (common_date_compare(&d, &start) < 0 ||
			    common_date_compare(&d, &end) > 0) {
				snprintf(err, sizeof err, "%s: %s is outside "
				    "the trip (%s to %s); give a date within "
				    "it", field, v->valuestring,
				    sd->valuestring, ed->valuestring);
				goto bad;
			}
			cJSON_AddStringToObject(a, "date", v->valuestring);
		}
		i++;
	}

	bookings = cJSON_AddArrayToObject(data, "bookings");
	i = 0;
	cJSON_ArrayForEach(it, bk) {
		cJSON *full;
		const char *status;
		char why[512];

		snprintf(field, sizeof field, "bookings[%d]", i++);
		if ((r = travel_bookings_get(app->db, it->valuestring, &full,
		    why, sizeof why)) != 0) {
			/* "confirmation: ..." becomes "bookings[i]: ...". */
			snprintf(err, sizeof err, "%s%s", field,
			    strchr(why, ':') != NULL && r > 0 ?
			    strchr(why, ':') : why);
			goto error;
		}
		status = cJSON_GetObjectItem(full, "status")->valuestring;
		if (strcmp(status, "cancelled") == 0) {
			snprintf(err, sizeof err, "%s: booking %s is cancelled; "
			    "leave it out", field, cJSON_GetObjectItem(full,
			    "confirmation")->valuestring);
			cJSON_Delete(full);
			goto bad;
		}
		b = cJSON_CreateObject();
		cJSON_AddStringToObject(b, "confirmation",
		    cJSON_GetObjectItem(full, "confirmation")->valuestring);
		cJSON_AddStringToObject(b, "uri",
		    cJSON_GetObjectItem(full, "uri")->valuestring);
		cJSON_AddStringToObject(b, "kind",
		    cJSON_GetObjectItem(full, "kind")->valuestring);
		cJSON_AddStringToObject(b, "summary",
		    cJSON_GetObjectItem(full, "summary")->valuestring);
		cJSON_AddNumberToObject(b, "total",
		    cJSON_GetObjectItem(full, "total")->valuedouble);
		total += llround(cJSON_GetObjectItem(full,
		    "total")->valuedouble * 100);
		cJSON_AddItemToArray(bookings, b);
		cJSON_Delete(full);
	}

	/* Choose the id and store, under the write lock. */
	if (travel_db_begin(app->db, err, sizeof err) != 0) {
		goto fail;
	}
	if (idj != NULL) {
		snprintf(id, sizeof id, "%s", idj->valuestring);
		if ((r = itin_exists(app->db, id, err, sizeof err)) != 0) {
			travel_db_rollback(app->db);
			if (r < 0)
				goto fail;
			snprintf(err, sizeof err, "id: an itinerary %s exists "
			    "(travel://itineraries/%s); choose another id or "
			    "leave it out", id, id);
			goto bad;
		}
	} else {
		char base[64];

		itin_slug(&place, start.year, base, sizeof base);
		snprintf(id, sizeof id, "%s", base);
		for (k = 2; (r = itin_exists(app->db, id, err,
		    sizeof err)) == 1 && k < 1000; k++)
			snprintf(id, sizeof id, "%s-%d", base, k);
		if (r != 0) {
			travel_db_rollback(app->db);
			if (r < 0)
				goto fail;
			snprintf(err, sizeof err, "id: too many itineraries "
			    "named %s; give an id", base);
			goto bad;
		}
	}
	travel_db_now(now, sizeof now);
	snprintf(uri, sizeof uri, "travel://itineraries/%s", id);
	cJSON_AddStringToObject(data, "id", id);
	cJSON_AddStringToObject(data, "uri", uri);
	cJSON_AddStringToObject(data, "title", title->valuestring);
	dj = cJSON_AddObjectToObject(data, "destination");
	common_place_label(&place, label, sizeof label);
	cJSON_AddStringToObject(dj, "query", dest->valuestring);
	cJSON_AddStringToObject(dj, "resolved", label);
	cJSON_AddStringToObject(dj, "countryCode", place.country_code);
	cJSON_AddNumberToObject(dj, "lat", place.lat);
	cJSON_AddNumberToObject(dj, "lon", place.lon);
	cJSON_AddStringToObject(dj, "timeZone", place.tz);
	cJSON_AddStringToObject(data, "startDate", sd->valuestring);
	cJSON_AddStringToObject(data, "endDate", ed->valuestring);
	cJSON_AddNumberToObject(data, "nights", (double)nights);
	common_money_add(data, "totalCost", total);
	cJSON_AddStringToObject(data, "currency", COMMON_MONEY_CURRENCY);
	cJSON_AddStringToObject(data, "createdAt", now);
	cJSON_AddStringToObject(data, "updatedAt", now);
	cJSON_AddStringToObject(data, "note", "totalCost adds up the bookings "
	    "listed; " TRAVEL_SIMULATED);
	text = cJSON_PrintUnformatted(data);
	if ((st = travel_db_stmt(app->db, itin_insert_sql, err,
	    sizeof err)) == NULL) {
		free(text);
		travel_db_rollback(app->db);
		goto fail;
	}
	sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, text, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, now, -1, SQLITE_TRANSIENT);
	free(text);
	if (travel_db_done(app->db, st, err, sizeof err) != 0 ||
	    travel_db_commit(app->db, err, sizeof err) != 0) {
		travel_db_rollback(app->db);
		goto fail;
	}
	travel_resources_changed(app, "itineraries", id);
	common_money_format(total, now, sizeof now);
	snprintf(summary, sizeof summary, "Created itinerary %s (%s): %s, %s "
	    "to %s, %ld night%s, %d booking%s (%s), %d activit%s. Note: "
	    TRAVEL_SIMULATED ".", id, uri,
	    label, sd->valuestring, ed->valuestring, nights,
	    nights == 1 ? "" : "s", cJSON_GetArraySize(bk),
	    cJSON_GetArraySize(bk) == 1 ? "" : "s", now,
	    cJSON_GetArraySize(ac), cJSON_GetArraySize(ac) == 1 ? "y" : "ies");
	mcp_call_return_structured(call, data, summary);
	return;

bad:
	r = 1;
error:
	cJSON_Delete(data);
	if (r > 0) {
		mcp_call_return_error(call, "%s", err);
		return;
	}
	mcp_call_return_error(call, "createItinerary failed, nothing was "
	    "created: %s", err);
	return;
fail:
	cJSON_Delete(data);
	mcp_call_return_error(call, "createItinerary failed, nothing was "
	    "created: %s", err);
}

const struct mcp_tool travel_tool_create_itinerary = {
	.name = "createItinerary",
	.title = "Create an itinerary",
	.description = "Saves a planned trip: title, destination, dates, the "
	    "bookings made for it (confirmation codes) and activities. It "
	    "becomes travel://itineraries/{id}; the id defaults to the "
	    "destination and year (barcelona-2024).",
	.input_schema = itin_input,
	.output_schema = travel_itinerary_schema,
	.annotations = "{\"readOnlyHint\":false,\"destructiveHint\":false,"
	    "\"idempotentHint\":false,\"openWorldHint\":false}",
	.handler = create_itinerary,
};
