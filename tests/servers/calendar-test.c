/*
 * Tests of tripmcp-calendar through our client: every tool, the
 * calendar://{calendar}/{period} resources, completion, update
 * notifications, idempotency, the guide's calls (TRIPMCP_TODAY=2024-05-01),
 * messages in the outbox parsed back with GMime, and bad input for every
 * tool (an isError naming the field, and nothing written).
 *
 * GMime is opened with dlopen: the server tests are not linked with it.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <dlfcn.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#define G_DISABLE_CAST_CHECKS
#include <gmime/gmime.h>

#include "mcp/client.h"
#include "mcp/json.h"
#include "tests/harness.h"
#include "tests/mcp/testutil.h"
#include "tests/servers/serverutil.h"

#define TODAY	"2024-05-01"

static struct serverutil *su;

static void rm_outbox(void);

/* GMime, found at run time -------------------------------------------------- */

#define GMIME_FUNCS(X) \
	X(g_mime_init) X(g_mime_shutdown) X(g_mime_stream_fs_open) \
	X(g_mime_parser_new_with_stream) X(g_mime_parser_construct_message) \
	X(g_mime_message_get_subject) X(g_mime_message_get_from) \
	X(g_mime_message_get_addresses) X(g_mime_message_get_message_id) \
	X(g_mime_message_get_date) X(g_mime_message_get_mime_part) \
	X(g_mime_object_get_content_type) X(g_mime_content_type_get_mime_type) \
	X(g_mime_multipart_get_count) X(g_mime_multipart_get_part) \
	X(g_mime_part_get_filename) X(g_mime_text_part_get_text) \
	X(g_mime_part_get_content) X(g_mime_data_wrapper_write_to_stream) \
	X(g_mime_stream_mem_new) X(g_mime_stream_mem_get_byte_array) \
	X(internet_address_list_to_string) X(g_object_unref) X(g_free)

#define GMIME_DECL(f) static __typeof__(f) *p_##f;
GMIME_FUNCS(GMIME_DECL)

static void *gmime_lib;

static int
gmime_load(void)
{
	if ((gmime_lib = dlopen("libgmime-3.0.so.0", RTLD_NOW)) == NULL) {
		fprintf(stderr, "cannot load GMime: %s\n", dlerror());
		return (-1);
	}
#define GMIME_LOAD(f) \
	if ((p_##f = (__typeof__(f) *)dlsym(gmime_lib, #f)) == NULL) { \
		fprintf(stderr, "GMime lacks %s\n", #f); \
		return (-1); \
	}
	GMIME_FUNCS(GMIME_LOAD)
	p_g_mime_init();
	return (0);
}

/* A parsed message and what the tests look at. */
struct parsed {
	GMimeMessage	*msg;
	char		*subject, *from, *to, *cc, *id, *type;
	char		*text;		/* the first text/plain part, decoded */
	char		*att_name[4];
	char		*att_data[4];
	int		 natt;
	int		 has_date;
};

static char *
dup_or_null(const char *s)
{
	return (s != NULL ? mcp_xstrdup(s) : NULL);
}

static char *
addresses(InternetAddressList *l)
{
	char	*s = p_internet_address_list_to_string(l, NULL, FALSE);
	char	*d = dup_or_null(s);

	p_g_free(s);
	return (d);
}

static char *
part_bytes(GMimePart *part)
{
	GMimeStream	*mem = p_g_mime_stream_mem_new();
	GByteArray	*ba;
	char		*s;

	p_g_mime_data_wrapper_write_to_stream(p_g_mime_part_get_content(part),
	    mem);
	ba = p_g_mime_stream_mem_get_byte_array((GMimeStreamMem *)mem);
	s = mcp_xstrndup((const char *)ba->data, ba->len);
	p_g_object_unref(mem);
	return (s);
}

static int
parse_message(const char *path, struct parsed *p)
{
	GMimeStream	*stream;
	GMimeParser	*parser;
	GMimeObject	*top, *part;
	GMimeMessage	*m;
	char		*s;
	int		 i, n;

	memset(p, 0, sizeof *p);
	if ((stream = p_g_mime_stream_fs_open(path, O_RDONLY, 0, NULL)) == NULL)
		return (-1);
	parser = p_g_mime_parser_new_with_stream(stream);
	m = p_g_mime_parser_construct_message(parser, NULL);
	p_g_object_unref(parser);
	p_g_object_unref(stream);
	if (m == NULL)
		return (-1);
	p->msg = m;
	p->subject = dup_or_null(p_g_mime_message_get_subject(m));
	p->from = addresses(p_g_mime_message_get_from(m));
	p->to = addresses(p_g_mime_message_get_addresses(m,
	    GMIME_ADDRESS_TYPE_TO));
	p->cc = addresses(p_g_mime_message_get_addresses(m,
	    GMIME_ADDRESS_TYPE_CC));
	p->id = dup_or_null(p_g_mime_message_get_message_id(m));
	p->has_date = p_g_mime_message_get_date(m) != NULL;
	top = p_g_mime_message_get_mime_part(m);
	s = p_g_mime_content_type_get_mime_type(
	    p_g_mime_object_get_content_type(top));
	p->type = dup_or_null(s);
	p_g_free(s);
	if (strcmp(p->type, "text/plain") == 0) {
		s = p_g_mime_text_part_get_text((GMimeTextPart *)top);
		p->text = dup_or_null(s);
		p_g_free(s);
		return (0);
	}
	n = p_g_mime_multipart_get_count((GMimeMultipart *)top);
	for (i = 0; i < n; i++) {
		part = p_g_mime_multipart_get_part((GMimeMultipart *)top, i);
		if (i == 0) {
			s = p_g_mime_text_part_get_text((GMimeTextPart *)part);
			p->text = dup_or_null(s);
			p_g_free(s);
		} else if (p->natt < 4) {
			p->att_name[p->natt] = dup_or_null(
			    p_g_mime_part_get_filename((GMimePart *)part));
			p->att_data[p->natt++] = part_bytes((GMimePart *)part);
		}
	}
	return (0);
}

static void
parsed_free(struct parsed *p)
{
	int	i;

	if (p->msg != NULL)
		p_g_object_unref(p->msg);
	free(p->subject);
	free(p->from);
	free(p->to);
	free(p->cc);
	free(p->id);
	free(p->type);
	free(p->text);
	for (i = 0; i < p->natt; i++) {
		free(p->att_name[i]);
		free(p->att_data[i]);
	}
	memset(p, 0, sizeof *p);
}

/* Helpers ----------------------------------------------------------------- */

/* Rows in table of the server's database (read beside it, WAL). */
static int
rows(const char *table)
{
	sqlite3		*db;
	sqlite3_stmt	*st;
	char		 sql[128];
	int		 n = -1;

	if (sqlite3_open_v2(serverutil_db_path(su), &db, SQLITE_OPEN_READONLY,
	    NULL) != SQLITE_OK) {
		sqlite3_close(db);
		return (-1);
	}
	snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", table);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return (n);
}

/* Files in the outbox's sub (new, tmp); 0 when it does not exist. */
static int
outbox_files(const char *sub)
{
	char		 path[512];
	DIR		*d;
	struct dirent	*e;
	int		 n = 0;

	snprintf(path, sizeof path, "%s/outbox/%s", serverutil_dir(su), sub);
	if ((d = opendir(path)) == NULL)
		return (0);
	while ((e = readdir(d)) != NULL)
		n += e->d_name[0] != '.';
	closedir(d);
	return (n);
}

/* The JSON of structuredContent of a successful call (owned by res). */
static const cJSON *
sc(const cJSON *res)
{
	return (testutil_json_at(res, "structuredContent"));
}

/* Calls and expects an isError whose text contains want; *text borrowed. */
static void
expect_error(const char *tool, const char *args, const char *want)
{
	bool	 is_error = false;
	cJSON	*r = serverutil_call(su, tool, args, &is_error);

	CHECK(r != NULL);
	CHECK(is_error);
	CHECK_CONTAINS(serverutil_text(r), want);
	if (r != NULL && (!is_error || strstr(serverutil_text(r), want) == NULL))
		fprintf(stderr, "  (%s %.200s -> %s)\n", tool, args,
		    serverutil_text(r));
	cJSON_Delete(r);
}

static cJSON *
call_ok(const char *tool, const char *args)
{
	bool	 is_error = true;
	cJSON	*r = serverutil_call(su, tool, args, &is_error);

	CHECK(r != NULL);
	CHECK(!is_error);
	if (r != NULL && is_error)
		fprintf(stderr, "  (%s -> %s)\n", tool, serverutil_text(r));
	return (r);
}

/* The parsed JSON text of resources/read uri, or NULL (error in serverutil). */
static cJSON *
read_json(const char *uri)
{
	char	 params[512];
	cJSON	*r, *doc = NULL;
	const char *text;

	snprintf(params, sizeof params, "{\"uri\":\"%s\"}", uri);
	if ((r = serverutil_request(su, "resources/read", params)) == NULL)
		return (NULL);
	if ((text = testutil_json_str(r, "contents[0].text")) != NULL)
		doc = cJSON_Parse(text);
	cJSON_Delete(r);
	return (doc);
}

/* The status of date in a read document's days. */
static const char *
day_status(const cJSON *doc, const char *date)
{
	const cJSON	*d;

	cJSON_ArrayForEach(d, cJSON_GetObjectItem(doc, "days")) {
		if (strcmp(cJSON_GetObjectItem(d, "date")->valuestring, date) == 0)
			return (cJSON_GetObjectItem(d, "status")->valuestring);
	}
	return ("(missing)");
}

static bool
has_title(const cJSON *events, const char *title)
{
	const cJSON	*e;

	cJSON_ArrayForEach(e, events) {
		if (strcmp(testutil_json_str(e, "title"), title) == 0)
			return (true);
	}
	return (false);
}

/* Tools and resources listed ----------------------------------------------- */

static const cJSON *
find_named(const cJSON *list, const char *key, const char *name)
{
	const cJSON	*t;

	cJSON_ArrayForEach(t, list) {
		const char *n = testutil_json_str(t, key);

		if (n != NULL && strcmp(n, name) == 0)
			return (t);
	}
	return (NULL);
}

static void
test_tools_listed(void)
{
	cJSON		*r = serverutil_request(su, "tools/list", NULL);
	const cJSON	*tools = testutil_json_at(r, "tools"), *t;
	static const char *const names[] = { "checkAvailability",
	    "createCalendarEvent", "listEvents", "deleteEvent", "sendEmail" };
	size_t		 i;

	CHECK_EQ_INT(cJSON_GetArraySize(tools), 5);
	for (i = 0; i < 5; i++) {
		t = find_named(tools, "name", names[i]);
		CHECK(t != NULL);
		CHECK(cJSON_IsObject(testutil_json_at(t, "inputSchema")));
		CHECK(cJSON_IsObject(testutil_json_at(t, "outputSchema")));
		CHECK(cJSON_IsObject(testutil_json_at(t, "annotations")));
	}
	t = find_named(tools, "name", "checkAvailability");
	CHECK(cJSON_IsTrue(testutil_json_at(t, "annotations.readOnlyHint")));
	t = find_named(tools, "name", "listEvents");
	CHECK(cJSON_IsTrue(testutil_json_at(t, "annotations.readOnlyHint")));
	t = find_named(tools, "name", "createCalendarEvent");
	CHECK(cJSON_IsFalse(testutil_json_at(t, "annotations.readOnlyHint")));
	CHECK(cJSON_IsFalse(testutil_json_at(t, "annotations.openWorldHint")));
	t = find_named(tools, "name", "deleteEvent");
	CHECK(cJSON_IsTrue(testutil_json_at(t, "annotations.destructiveHint")));
	t = find_named(tools, "name", "sendEmail");
	CHECK(cJSON_IsTrue(testutil_json_at(t, "annotations.openWorldHint")));
	CHECK(cJSON_IsFalse(testutil_json_at(t, "annotations.readOnlyHint")));
	cJSON_Delete(r);
}

static void
test_resources_listed(void)
{
	cJSON	*r = serverutil_request(su, "resources/list", NULL);
	cJSON	*t = serverutil_request(su, "resources/templates/list", NULL);

	CHECK(find_named(testutil_json_at(r, "resources"), "uri",
	    "calendar://my-calendar/June-2024") != NULL);
	CHECK(find_named(testutil_json_at(r, "resources"), "uri",
	    "calendar://us-holidays/July-2024") != NULL);
	CHECK(find_named(testutil_json_at(t, "resourceTemplates"),
	    "uriTemplate", "calendar://{calendar}/{period}") != NULL);
	cJSON_Delete(r);
	cJSON_Delete(t);
}

/* Reading ----------------------------------------------------------------- */

static void
test_read_june_2024(void)
{
	cJSON		*doc = read_json("calendar://my-calendar/June-2024");
	const cJSON	*free_r;
	char		 date[32];
	int		 d, found = 0;

	CHECK(doc != NULL);
	if (doc == NULL)
		return;
	CHECK_STR(testutil_json_str(doc, "calendar.id"), "my-calendar");
	CHECK_STR(testutil_json_str(doc, "period.start"), "2024-06-01");
	CHECK_STR(testutil_json_str(doc, "period.end"), "2024-06-30");
	for (d = 8; d <= 30; d++) {
		snprintf(date, sizeof date, "2024-06-%02d", d);
		CHECK_STR(day_status(doc, date), d >= 15 && d <= 22 ? "free" :
		    "busy");
	}
	cJSON_ArrayForEach(free_r, cJSON_GetObjectItem(doc, "free")) {
		if (strcmp(testutil_json_str(free_r, "start"), "2024-06-15") ==
		    0 && strcmp(testutil_json_str(free_r, "end"),
		    "2024-06-22") == 0)
			found = 1;
	}
	CHECK(found);
	CHECK(has_title(cJSON_GetObjectItem(doc, "events"),
	    "Q3 planning offsite"));
	CHECK(has_title(cJSON_GetObjectItem(doc, "events"),
	    "Wedding: Alex & Jordan"));
	CHECK_CONTAINS(testutil_json_str(doc, "summary"),
	    "2024-06-15..2024-06-22");
	cJSON_Delete(doc);
}

static void
test_read_period_forms(void)
{
	cJSON	*a = read_json("calendar://my-calendar/June-2024");
	cJSON	*b = read_json("calendar://my-calendar/2024-06");
	cJSON	*c = read_json("calendar://my-calendar/2024-06-15..2024-06-22");
	cJSON	*r;

	CHECK(a != NULL && b != NULL && c != NULL);
	if (a != NULL && b != NULL)
		CHECK_EQ_INT(cJSON_GetArraySize(cJSON_GetObjectItem(a, "events")),
		    cJSON_GetArraySize(cJSON_GetObjectItem(b, "events")));
	if (c != NULL) {
		CHECK_EQ_INT(cJSON_GetArraySize(cJSON_GetObjectItem(c,
		    "events")), 0);
		CHECK_EQ_INT(cJSON_GetArraySize(cJSON_GetObjectItem(c,
		    "days")), 8);
		CHECK_EQ_INT(cJSON_GetArraySize(cJSON_GetObjectItem(c,
		    "busy")), 0);
	}
	cJSON_Delete(a);
	cJSON_Delete(b);
	cJSON_Delete(c);

	r = serverutil_request(su, "resources/read",
	    "{\"uri\":\"calendar://my-calendar/Junetember-2024\"}");
	CHECK(r == NULL);
	CHECK_CONTAINS(serverutil_error(su), "-32002");
	CHECK_CONTAINS(serverutil_error(su), "June-2024");
	r = serverutil_request(su, "resources/read",
	    "{\"uri\":\"calendar://nobody/June-2024\"}");
	CHECK(r == NULL);
	CHECK_CONTAINS(serverutil_error(su), "no calendar \"nobody\"");
	CHECK_CONTAINS(serverutil_error(su), "my-calendar");
	r = serverutil_request(su, "resources/read",
	    "{\"uri\":\"calendar://my-calendar/2024-06-22..2024-06-15\"}");
	CHECK(r == NULL);
	CHECK_CONTAINS(serverutil_error(su), "before the start");
}

static void
test_completion(void)
{
	cJSON	*r;

	r = serverutil_request(su, "completion/complete", "{\"ref\":{\"type\":"
	    "\"ref/resource\",\"uri\":\"calendar://{calendar}/{period}\"},"
	    "\"argument\":{\"name\":\"calendar\",\"value\":\"my\"}}");
	CHECK_STR(testutil_json_str(r, "completion.values[0]"), "my-calendar");
	CHECK_EQ_INT(cJSON_GetArraySize(testutil_json_at(r,
	    "completion.values")), 1);
	cJSON_Delete(r);
	r = serverutil_request(su, "completion/complete", "{\"ref\":{\"type\":"
	    "\"ref/resource\",\"uri\":\"calendar://{calendar}/{period}\"},"
	    "\"argument\":{\"name\":\"calendar\",\"value\":\"US\"}}");
	CHECK_STR(testutil_json_str(r, "completion.values[0]"), "us-holidays");
	cJSON_Delete(r);
	r = serverutil_request(su, "completion/complete", "{\"ref\":{\"type\":"
	    "\"ref/resource\",\"uri\":\"calendar://{calendar}/{period}\"},"
	    "\"argument\":{\"name\":\"period\",\"value\":\"jun\"},"
	    "\"context\":{\"arguments\":{\"calendar\":\"my-calendar\"}}}");
	CHECK_STR(testutil_json_str(r, "completion.values[0]"), "June-2024");
	cJSON_Delete(r);
}

/* Tools ------------------------------------------------------------------- */

static void
test_check_availability(void)
{
	cJSON	*r;

	/* The guide's week. */
	r = call_ok("checkAvailability", "{\"calendar\":\"my-calendar\","
	    "\"startDate\":\"2024-06-15\",\"endDate\":\"2024-06-22\"}");
	CHECK(cJSON_IsTrue(testutil_json_at(sc(r), "available")));
	CHECK_EQ_INT(cJSON_GetNumberValue(testutil_json_at(sc(r),
	    "conflictCount")), 0);
	CHECK_CONTAINS(serverutil_text(r), "free");
	cJSON_Delete(r);
	/* A week earlier: the offsite. */
	r = call_ok("checkAvailability", "{\"calendar\":\"my-calendar\","
	    "\"startDate\":\"2024-06-08\",\"endDate\":\"2024-06-14\"}");
	CHECK(cJSON_IsFalse(testutil_json_at(sc(r), "available")));
	CHECK(has_title(testutil_json_at(sc(r), "conflicts"),
	    "Q3 planning offsite"));
	CHECK_EQ_INT(cJSON_GetArraySize(testutil_json_at(sc(r), "free")), 0);
	cJSON_Delete(r);
	/* Between the physical (until 09:15) and the dinner (from 19:00). */
	r = call_ok("checkAvailability", "{\"calendar\":\"my-calendar\","
	    "\"startDate\":\"2024-06-14T09:15\",\"endDate\":\"2024-06-14T19:00\"}");
	CHECK(cJSON_IsTrue(testutil_json_at(sc(r), "available")));
	cJSON_Delete(r);
	r = call_ok("checkAvailability", "{\"calendar\":\"my-calendar\","
	    "\"startDate\":\"2024-06-14T09:00\",\"endDate\":\"2024-06-14T10:00\"}");
	CHECK_EQ_INT(cJSON_GetNumberValue(testutil_json_at(sc(r),
	    "conflictCount")), 1);
	CHECK_STR(testutil_json_str(sc(r), "conflicts[0].title"),
	    "Annual physical");
	cJSON_Delete(r);
}

static char *huge(size_t, char);

static void
test_check_availability_bad_input(void)
{
	int	 events = rows("events");
	char	*big = huge(50000, '9'), *args;

	expect_error("checkAvailability", "{\"startDate\":\"2024-06-15\","
	    "\"endDate\":\"2024-06-22\"}", "calendar");
	expect_error("checkAvailability", "{\"calendar\":\"my-calendar\","
	    "\"startDate\":20240615,\"endDate\":\"2024-06-22\"}", "startDate");
	expect_error("checkAvailability", "{\"calendar\":\"my-calendar\","
	    "\"startDate\":\"2024-04-01\",\"endDate\":\"2024-04-02\"}",
	    "startDate: 2024-04-01 is in the past");
	expect_error("checkAvailability", "{\"calendar\":\"my-calendar\","
	    "\"startDate\":\"2024-06-22\",\"endDate\":\"2024-06-15\"}",
	    "endDate");
	expect_error("checkAvailability", "{\"calendar\":\"my-calendar\","
	    "\"startDate\":\"2024-02-30\",\"endDate\":\"2024-06-15\"}",
	    "startDate");
	expect_error("checkAvailability", "{\"calendar\":\"my-calendar\","
	    "\"startDate\":\"next friday\",\"endDate\":\"2024-06-15\"}",
	    "startDate");
	expect_error("checkAvailability", "{\"calendar\":\"nobody\","
	    "\"startDate\":\"2024-06-15\",\"endDate\":\"2024-06-22\"}",
	    "calendar: no calendar \"nobody\"");
	expect_error("checkAvailability", "{\"calendar\":\"x' OR '1'='1\","
	    "\"startDate\":\"2024-06-15\",\"endDate\":\"2024-06-22\"}",
	    "calendar: no calendar");
	args = mcp_xprintf("{\"calendar\":\"my-calendar\",\"startDate\":"
	    "\"%s\",\"endDate\":\"2024-06-22\"}", big);
	expect_error("checkAvailability", args, "startDate");
	free(args);
	free(big);
	CHECK_EQ_INT(rows("events"), events);
}

static void
test_create_guide_event(void)
{
	int	 events = rows("events"), before = serverutil_updates(su);
	cJSON	*r, *sub;
	const char *uid;
	char	 args[256];

	/* Watch June, a range inside it (read first, as clients do), and July. */
	sub = serverutil_request(su, "resources/subscribe",
	    "{\"uri\":\"calendar://my-calendar/June-2024\"}");
	CHECK(sub != NULL);
	cJSON_Delete(sub);
	cJSON_Delete(read_json("calendar://my-calendar/2024-06-20..2024-06-21"));
	sub = serverutil_request(su, "resources/subscribe",
	    "{\"uri\":\"calendar://my-calendar/2024-06-20..2024-06-21\"}");
	cJSON_Delete(sub);
	sub = serverutil_request(su, "resources/subscribe",
	    "{\"uri\":\"calendar://my-calendar/July-2024\"}");
	cJSON_Delete(sub);

	r = call_ok("createCalendarEvent", "{\"calendar\":\"my-calendar\","
	    "\"title\":\"Barcelona Vacation\",\"startDate\":\"2024-06-15\","
	    "\"endDate\":\"2024-06-22\",\"description\":\"Trip to Barcelona - "
	    "Delta flights, Marriott hotel\",\"reminders\":[{\"type\":"
	    "\"notification\",\"time\":\"1 week before\"}]}");
	uid = testutil_json_str(sc(r), "uid");
	CHECK(uid != NULL && strlen(uid) > 8);
	CHECK(cJSON_IsTrue(testutil_json_at(sc(r), "created")));
	CHECK(cJSON_IsTrue(testutil_json_at(sc(r), "event.allDay")));
	CHECK_STR(testutil_json_str(sc(r), "event.end"), "2024-06-22");
	CHECK_STR(testutil_json_str(sc(r), "event.reminders[0].at"),
	    "2024-06-08T00:00");
	CHECK_EQ_INT(cJSON_GetNumberValue(testutil_json_at(sc(r),
	    "event.reminders[0].minutesBefore")), 7 * 24 * 60);
	CHECK_CONTAINS(serverutil_text(r), uid != NULL ? uid : "?");
	CHECK_EQ_INT(rows("events"), events + 1);
	/* Both subscribed June URIs heard of it before the answer; July not. */
	CHECK_EQ_INT(serverutil_updates(su), before + 2);

	/* Now the week is taken. */
	{
		cJSON *a = call_ok("checkAvailability", "{\"calendar\":"
		    "\"my-calendar\",\"startDate\":\"2024-06-16\",\"endDate\":"
		    "\"2024-06-17\"}");

		CHECK(cJSON_IsFalse(testutil_json_at(sc(a), "available")));
		CHECK(has_title(testutil_json_at(sc(a), "conflicts"),
		    "Barcelona Vacation"));
		cJSON_Delete(a);
	}
	/* listEvents finds it; deleteEvent removes it and notifies. */
	{
		cJSON *l = call_ok("listEvents", "{\"calendar\":\"my-calendar\","
		    "\"startDate\":\"2024-06-01\",\"endDate\":\"2024-06-30\"}");

		CHECK(has_title(testutil_json_at(sc(l), "events"),
		    "Barcelona Vacation"));
		CHECK_EQ_INT(cJSON_GetNumberValue(testutil_json_at(sc(l),
		    "count")), 15);
		cJSON_Delete(l);
	}
	before = serverutil_updates(su);
	snprintf(args, sizeof args, "{\"calendar\":\"my-calendar\",\"uid\":"
	    "\"%s\"}", uid != NULL ? uid : "");
	{
		cJSON *d = call_ok("deleteEvent", args);

		CHECK(cJSON_IsTrue(testutil_json_at(sc(d), "deleted")));
		CHECK_STR(testutil_json_str(sc(d), "event.title"),
		    "Barcelona Vacation");
		cJSON_Delete(d);
	}
	CHECK_EQ_INT(serverutil_updates(su), before + 2);
	CHECK_EQ_INT(rows("events"), events);
	expect_error("deleteEvent", args, "uid: no event");
	cJSON_Delete(r);
	sub = serverutil_request(su, "resources/unsubscribe",
	    "{\"uri\":\"calendar://my-calendar/June-2024\"}");
	cJSON_Delete(sub);
}

static void
test_timed_event_and_list(void)
{
	cJSON		*r, *l;
	int		 listed;

	r = call_ok("createCalendarEvent", "{\"calendar\":\"my-calendar\","
	    "\"title\":\"Call with the travel agent\",\"startDate\":"
	    "\"2024-07-10T09:00\",\"endDate\":\"2024-07-10T09:30\","
	    "\"description\":\"Ask about\\nthe train to Girona\",\"location\":"
	    "\"Phone\",\"reminders\":[{\"type\":\"email\",\"time\":"
	    "\"15 minutes before\"},{\"type\":\"notification\",\"time\":"
	    "\"at start\"},{\"time\":\"2 Hours Before\"}]}");
	CHECK(cJSON_IsFalse(testutil_json_at(sc(r), "event.allDay")));
	CHECK_STR(testutil_json_str(sc(r), "event.start"), "2024-07-10T09:00");
	CHECK_STR(testutil_json_str(sc(r), "event.location"), "Phone");
	CHECK_STR(testutil_json_str(sc(r), "event.reminders[0].at"),
	    "2024-07-10T08:45");
	CHECK_STR(testutil_json_str(sc(r), "event.reminders[1].at"),
	    "2024-07-10T09:00");
	CHECK_STR(testutil_json_str(sc(r), "event.reminders[2].at"),
	    "2024-07-10T07:00");
	CHECK_STR(testutil_json_str(sc(r), "event.reminders[2].type"),
	    "notification");
	cJSON_Delete(r);
	/* Defaults: from today for a year, ordered by start. */
	l = call_ok("listEvents", "{\"calendar\":\"my-calendar\"}");
	listed = (int)cJSON_GetNumberValue(testutil_json_at(sc(l), "count"));
	CHECK_EQ_INT(listed, 16);
	CHECK_STR(testutil_json_str(sc(l), "startDate"), TODAY);
	CHECK_STR(testutil_json_str(sc(l), "events[0].title"),
	    "Dentist check-up");
	CHECK_STR(testutil_json_str(sc(l), "events[15].title"),
	    "Call with the travel agent");
	cJSON_Delete(l);
	/* Past ranges may be listed (reading only). */
	l = call_ok("listEvents", "{\"calendar\":\"us-holidays\","
	    "\"startDate\":\"2024-01-01\",\"endDate\":\"2024-12-31\"}");
	CHECK_EQ_INT(cJSON_GetNumberValue(testutil_json_at(sc(l), "count")), 3);
	cJSON_Delete(l);
}

static void
test_idempotency(void)
{
	static const char args[] = "{\"calendar\":\"my-calendar\",\"title\":"
	    "\"Flight DL 168 JFK-BCN\",\"startDate\":\"2024-06-15T18:30\","
	    "\"endDate\":\"2024-06-15T23:59\",\"description\":\"seat 23A\","
	    "\"reminders\":[],\"idempotencyKey\":\"book-dl168-2024-06-15\"}";
	int	 events = rows("events");
	cJSON	*a, *b;
	char	 del[256];

	a = call_ok("createCalendarEvent", args);
	b = call_ok("createCalendarEvent", args);
	CHECK(testutil_json_str(sc(a), "uid") != NULL);
	CHECK_STR(testutil_json_str(sc(b), "uid"),
	    testutil_json_str(sc(a), "uid"));
	CHECK(cJSON_IsTrue(testutil_json_at(sc(a), "created")));
	CHECK(cJSON_IsFalse(testutil_json_at(sc(b), "created")));
	CHECK_CONTAINS(serverutil_text(b), "Already created");
	CHECK_EQ_INT(rows("events"), events + 1);
	CHECK_EQ_INT(rows("idempotency_keys"), 1);
	/* The same key for something else is refused. */
	expect_error("createCalendarEvent", "{\"calendar\":\"my-calendar\","
	    "\"title\":\"Another thing\",\"startDate\":\"2024-06-16\","
	    "\"endDate\":\"2024-06-16\",\"description\":\"\",\"reminders\":[],"
	    "\"idempotencyKey\":\"book-dl168-2024-06-15\"}",
	    "idempotencyKey: already used");
	CHECK_EQ_INT(rows("events"), events + 1);
	/* Deleted, a retry does not bring it back. */
	snprintf(del, sizeof del, "{\"calendar\":\"my-calendar\",\"uid\":\"%s\"}",
	    testutil_json_str(sc(a), "uid"));
	cJSON_Delete(call_ok("deleteEvent", del));
	expect_error("createCalendarEvent", args, "idempotencyKey: its event");
	CHECK_EQ_INT(rows("events"), events);
	cJSON_Delete(a);
	cJSON_Delete(b);
}

static char *
huge(size_t n, char c)
{
	char	*s = mcp_xmalloc(n + 1);

	memset(s, c, n);
	s[n] = '\0';
	return (s);
}

static void
test_create_bad_input(void)
{
	int	 events = rows("events"), rem = rows("reminders");
	char	*big = huge(300, 'x'), *args;

#define EV(extra) "{\"calendar\":\"my-calendar\",\"description\":\"d\"," \
	"\"reminders\":[]," extra "}"
	expect_error("createCalendarEvent", EV("\"startDate\":\"2024-06-15\","
	    "\"endDate\":\"2024-06-22\""), "title");
	expect_error("createCalendarEvent", EV("\"title\":42,"
	    "\"startDate\":\"2024-06-15\",\"endDate\":\"2024-06-22\""), "title");
	expect_error("createCalendarEvent", EV("\"title\":\"a\\r\\nb\","
	    "\"startDate\":\"2024-06-15\",\"endDate\":\"2024-06-22\""),
	    "title: contains a control character");
	args = mcp_xprintf(EV("\"title\":\"%s\",\"startDate\":\"2024-06-15\","
	    "\"endDate\":\"2024-06-22\""), big);
	expect_error("createCalendarEvent", args, "title");
	free(args);
	expect_error("createCalendarEvent", EV("\"title\":\"t\","
	    "\"startDate\":\"2024-04-30\",\"endDate\":\"2024-05-02\""),
	    "startDate: 2024-04-30 is in the past");
	expect_error("createCalendarEvent", EV("\"title\":\"t\","
	    "\"startDate\":\"2024-06-22\",\"endDate\":\"2024-06-15\""),
	    "endDate");
	expect_error("createCalendarEvent", EV("\"title\":\"t\","
	    "\"startDate\":\"2024-06-22T10:00\",\"endDate\":\"2024-06-22T09:00\""),
	    "endDate");
	expect_error("createCalendarEvent", EV("\"title\":\"t\","
	    "\"startDate\":\"2024-06-22\",\"endDate\":\"2024-06-22T09:00\""),
	    "endDate: give both");
	expect_error("createCalendarEvent", EV("\"title\":\"t\","
	    "\"startDate\":\"2024-06-22T25:00\",\"endDate\":\"2024-06-22T26:00\""),
	    "startDate");
	expect_error("createCalendarEvent", EV("\"title\":\"t\","
	    "\"startDate\":\"2024-06-22\",\"endDate\":\"2026-06-22\""),
	    "endDate");
	expect_error("createCalendarEvent", "{\"calendar\":\"nobody\","
	    "\"title\":\"t\",\"description\":\"\",\"reminders\":[],"
	    "\"startDate\":\"2024-06-22\",\"endDate\":\"2024-06-22\"}",
	    "calendar: no calendar");
	expect_error("createCalendarEvent", "{\"calendar\":\"my-calendar'; "
	    "DROP TABLE events; --\",\"title\":\"t\",\"description\":\"\","
	    "\"reminders\":[],\"startDate\":\"2024-06-22\",\"endDate\":"
	    "\"2024-06-22\"}", "calendar: no calendar");
	expect_error("createCalendarEvent", "{\"calendar\":\"my-calendar\","
	    "\"title\":\"t\",\"description\":\"\",\"startDate\":\"2024-06-22\","
	    "\"endDate\":\"2024-06-22\",\"reminders\":[{\"type\":"
	    "\"notification\",\"time\":\"sometime\"}]}", "reminders[0].time");
	expect_error("createCalendarEvent", "{\"calendar\":\"my-calendar\","
	    "\"title\":\"t\",\"description\":\"\",\"startDate\":\"2024-06-22\","
	    "\"endDate\":\"2024-06-22\",\"reminders\":[{\"type\":"
	    "\"notification\",\"time\":\"60 weeks before\"}]}",
	    "reminders[0].time");
	expect_error("createCalendarEvent", "{\"calendar\":\"my-calendar\","
	    "\"title\":\"t\",\"description\":\"\",\"startDate\":\"2024-06-22\","
	    "\"endDate\":\"2024-06-22\",\"reminders\":[{\"time\":\"1 day "
	    "before\"},{\"time\":\"99999999999999999999999 days before\"}]}",
	    "reminders[1].time");
	expect_error("createCalendarEvent", "{\"calendar\":\"my-calendar\","
	    "\"title\":\"t\",\"description\":\"\",\"startDate\":\"2024-06-22\","
	    "\"endDate\":\"2024-06-22\",\"reminders\":[{\"type\":\"sms\","
	    "\"time\":\"1 day before\"}]}", "reminders");
	expect_error("createCalendarEvent", "{\"calendar\":\"my-calendar\","
	    "\"title\":\"t\",\"description\":\"\",\"startDate\":\"2024-06-22\","
	    "\"endDate\":\"2024-06-22\",\"reminders\":\"1 week before\"}",
	    "reminders");
	expect_error("createCalendarEvent", "{\"calendar\":\"my-calendar\","
	    "\"title\":\"t\",\"startDate\":\"2024-06-22\","
	    "\"endDate\":\"2024-06-22\",\"reminders\":[]}", "description");
	CHECK_EQ_INT(rows("events"), events);
	CHECK_EQ_INT(rows("reminders"), rem);
	free(big);
#undef EV
}

static void
test_list_and_delete_bad_input(void)
{
	int	 events = rows("events");
	char	*big = huge(100000, 'a'), *args;

	expect_error("listEvents", "{}", "calendar");
	expect_error("listEvents", "{\"calendar\":7}", "calendar");
	expect_error("listEvents", "{\"calendar\":\"my-calendar\","
	    "\"startDate\":\"2024-06-30\",\"endDate\":\"2024-06-01\"}",
	    "endDate");
	expect_error("listEvents", "{\"calendar\":\"my-calendar\","
	    "\"startDate\":\"2024-13-01\"}", "startDate");
	expect_error("listEvents", "{\"calendar\":\"work\"}",
	    "calendar: no calendar \"work\"");
	args = mcp_xprintf("{\"calendar\":\"%s\"}", big);
	expect_error("listEvents", args, "calendar");
	free(args);
	expect_error("deleteEvent", "{\"calendar\":\"my-calendar\"}", "uid");
	expect_error("deleteEvent", "{\"calendar\":\"my-calendar\",\"uid\":"
	    "\"' OR 1=1 --\"}", "uid: no event");
	expect_error("deleteEvent", "{\"calendar\":\"us-holidays\",\"uid\":"
	    "\"seed-dentist-0603@tripmcp\"}", "uid: no event");
	expect_error("deleteEvent", "{\"calendar\":\"nobody\",\"uid\":"
	    "\"seed-dentist-0603@tripmcp\"}", "calendar: no calendar");
	args = mcp_xprintf("{\"calendar\":\"my-calendar\",\"uid\":\"%s\"}",
	    big);
	expect_error("deleteEvent", args, "uid");
	free(args);
	CHECK_EQ_INT(rows("events"), events);
	free(big);
}

/* Email ------------------------------------------------------------------- */

#define GUIDE_BODY "{\"flights\":\"Delta - NYC to Barcelona, June 15-22\"," \
	"\"hotel\":\"Marriott Barcelona, Gothic Quarter area\"," \
	"\"total_cost\":\"$2,500 (within budget)\"," \
	"\"weather\":\"Sunny, 75-82°F\"," \
	"\"itinerary_link\":\"travel://itineraries/barcelona-2024\"}"

static void
test_email_guide(void)
{
	struct parsed	 p;
	cJSON		*r, *j;
	const char	*path;
	int		 mails = rows("sent_mail");

	r = call_ok("sendEmail", "{\"to\":\"user@example.com\",\"subject\":"
	    "\"Your Barcelona Trip Confirmation\",\"body\":" GUIDE_BODY ","
	    "\"attachments\":[\"calendar://my-calendar/June-2024\","
	    "\"travel://about\"]}");
	path = testutil_json_str(sc(r), "path");
	CHECK(path != NULL);
	CHECK(cJSON_IsFalse(testutil_json_at(sc(r), "delivered")));
	CHECK_CONTAINS(serverutil_text(r), "not delivered");
	CHECK_CONTAINS(serverutil_text(r), path != NULL ? path : "?");
	CHECK_CONTAINS(path, "/outbox/new/");
	CHECK_EQ_INT(outbox_files("new"), 1);
	CHECK_EQ_INT(outbox_files("tmp"), 0);
	CHECK_EQ_INT(rows("sent_mail"), mails + 1);
	if (path == NULL || parse_message(path, &p) != 0) {
		CHECK(!"message parses");
		cJSON_Delete(r);
		return;
	}
	CHECK_STR(p.subject, "Your Barcelona Trip Confirmation");
	CHECK_STR(p.to, "user@example.com");
	CHECK_CONTAINS(p.from, "tripmcp@localhost");
	CHECK(p.id != NULL && strchr(p.id, '@') != NULL);
	{
		char want[256];

		snprintf(want, sizeof want, "<%s>", p.id != NULL ? p.id : "");
		CHECK_STR(testutil_json_str(sc(r), "messageId"), want);
	}
	CHECK(p.has_date);
	CHECK_STR(p.type, "multipart/mixed");
	CHECK_CONTAINS(p.text, "Flights: Delta - NYC to Barcelona, June 15-22\n");
	CHECK_CONTAINS(p.text, "Total cost: $2,500 (within budget)\n");
	CHECK_CONTAINS(p.text, "Weather: Sunny, 75-82°F\n");
	CHECK_CONTAINS(p.text, "Itinerary link: travel://itineraries/"
	    "barcelona-2024");
	CHECK_EQ_INT(p.natt, 2);
	CHECK_STR(p.att_name[0], "calendar-my-calendar-June-2024.json");
	j = cJSON_Parse(p.att_data[0] != NULL ? p.att_data[0] : "");
	CHECK_STR(testutil_json_str(j, "calendar.id"), "my-calendar");
	CHECK_STR(testutil_json_str(j, "period.start"), "2024-06-01");
	cJSON_Delete(j);
	/* travel://about, read from tripmcp-travel. */
	CHECK_STR(p.att_name[1], "travel-about.txt");
	CHECK_CONTAINS(p.att_data[1], "OurAirports");
	parsed_free(&p);
	cJSON_Delete(r);
}

static void
test_email_encoding(void)
{
	struct parsed	 p;
	char		 subject[400], *args, line[2048];
	cJSON		*r;
	const char	*path;
	FILE		*f;
	size_t		 i, longest = 0;
	int		 ascii = 1;

	/* A long non-ASCII subject, non-ASCII names, cc as an array. */
	snprintf(subject, sizeof subject, "Confirmación de su viaje a "
	    "Barcelona — Zürich connection");
	for (i = strlen(subject); i < 250; i += 10)
		strcat(subject, " and more");
	args = mcp_xprintf("{\"to\":\"José García <jose@example.com>, "
	    "ann@example.org\",\"cc\":[\"Zoë Ünal <zoe@example.net>\"],"
	    "\"subject\":\"%s\",\"body\":\"Línea uno\\nA very long line %s\"}",
	    subject, "that goes on and on and on and on and on and on and on "
	    "and on and on and on and on and on and on and on and on and on and "
	    "on and on and on and on and on and on and on and on and on");
	r = call_ok("sendEmail", args);
	free(args);
	path = testutil_json_str(sc(r), "path");
	CHECK_EQ_INT(cJSON_GetArraySize(testutil_json_at(sc(r), "to")), 2);
	CHECK_STR(testutil_json_str(sc(r), "cc[0]"), "Zoë Ünal <zoe@example.net>");
	if (path == NULL || (f = fopen(path, "r")) == NULL) {
		CHECK(!"message written");
		cJSON_Delete(r);
		return;
	}
	/* On the wire: 7-bit, every line folded within 998 (headers within 78). */
	while (fgets(line, sizeof line, f) != NULL) {
		size_t n = strcspn(line, "\n");

		if (n > longest)
			longest = n;
		for (i = 0; i < n; i++)
			if ((unsigned char)line[i] >= 0x80)
				ascii = 0;
	}
	fclose(f);
	CHECK(ascii);
	CHECK(longest <= 78);
	if (parse_message(path, &p) != 0) {
		CHECK(!"message parses");
		cJSON_Delete(r);
		return;
	}
	CHECK_STR(p.subject, subject);
	CHECK_CONTAINS(p.to, "José García <jose@example.com>");
	CHECK_CONTAINS(p.to, "ann@example.org");
	CHECK_CONTAINS(p.cc, "zoe@example.net");
	CHECK_CONTAINS(p.cc, "Zoë Ünal");
	CHECK_STR(p.type, "text/plain");
	CHECK_CONTAINS(p.text, "Línea uno\nA very long line that goes on");
	CHECK_CONTAINS(p.text, "and on and on and on and on\n");
	parsed_free(&p);
	cJSON_Delete(r);
}

static void
test_email_bad_input(void)
{
	int	 mails = rows("sent_mail"), files = outbox_files("new");
	char	*big = huge(200000, 'b'), *args;

#define MAIL(to, rest) "{\"to\":" to ",\"subject\":\"s\",\"body\":\"b\"" rest "}"
	expect_error("sendEmail", "{\"subject\":\"s\",\"body\":\"b\"}", "to");
	expect_error("sendEmail", MAIL("42", ""), "to");
	expect_error("sendEmail", MAIL("\"user@example.com\\r\\nBcc: "
	    "evil@example.com\"", ""), "to: contains a line break");
	expect_error("sendEmail", MAIL("\"Evil\\nBcc: x <evil@example.com>\"",
	    ""), "to: contains a line break");
	expect_error("sendEmail", MAIL("\"user@example.com\"",
	    ",\"cc\":\"a@example.com\\nBcc: evil@example.com\""),
	    "cc: contains a line break");
	expect_error("sendEmail", "{\"to\":\"user@example.com\",\"subject\":"
	    "\"Hi\\r\\nBcc: evil@example.com\",\"body\":\"b\"}",
	    "subject: contains a line break");
	expect_error("sendEmail", MAIL("\"user\"", ""), "to: \"user\"");
	expect_error("sendEmail", MAIL("\"a@\"", ""), "to");
	expect_error("sendEmail", MAIL("\"@example.com\"", ""), "to");
	expect_error("sendEmail", MAIL("\"a@@example.com\"", ""), "to");
	expect_error("sendEmail", MAIL("\"a@exa mple.com\"", ""), "to");
	expect_error("sendEmail", MAIL("\"user@example.com, \"", ""), "to");
	expect_error("sendEmail", MAIL("\"friends: a@example.com;\"", ""),
	    "to");
	expect_error("sendEmail", MAIL("[\"ok@example.com\", \"bad\"]", ""),
	    "to[1]");
	expect_error("sendEmail", MAIL("[]", ""), "to");
	expect_error("sendEmail", MAIL("\"user@example.com\"", ",\"cc\":"
	    "[\"ok@example.com\",\"also bad\"]"), "cc[1]");
	expect_error("sendEmail", "{\"to\":\"user@example.com\",\"subject\":"
	    "\"s\",\"body\":42}", "body");
	expect_error("sendEmail", "{\"to\":\"user@example.com\",\"subject\":"
	    "\"s\"}", "body");
	expect_error("sendEmail", "{\"to\":\"user@example.com\",\"subject\":"
	    "\"s\",\"body\":\"bad \\u001b[31m escape\"}", "body");
	args = mcp_xprintf("{\"to\":\"user@example.com\",\"subject\":\"%.1000s\","
	    "\"body\":\"b\"}", big);
	expect_error("sendEmail", args, "subject");
	free(args);
	args = mcp_xprintf("{\"to\":\"user@example.com\",\"subject\":\"s\","
	    "\"body\":\"%s\"}", big);
	expect_error("sendEmail", args, "body");
	free(args);
	args = mcp_xprintf("{\"to\":\"user@example.com\",\"subject\":\"s\","
	    "\"body\":{\"a\":\"%s\"}}", big);
	expect_error("sendEmail", args, "body");
	free(args);
	expect_error("sendEmail", "{\"to\":\"user@example.com\",\"subject\":"
	    "\"s\",\"body\":{\"a\":{\"b\":{\"c\":{\"d\":{\"e\":{\"f\":{\"g\":"
	    "{\"h\":{\"i\":{\"j\":1}}}}}}}}}}}", "body: nested");
	/* The guide's file names are not resources. */
	expect_error("sendEmail", MAIL("\"user@example.com\"",
	    ",\"attachments\":[\"boarding_passes.pdf\","
	    "\"hotel_confirmation.pdf\"]"),
	    "attachments[0]: \"boarding_passes.pdf\" is not a resource");
	expect_error("sendEmail", MAIL("\"user@example.com\"",
	    ",\"attachments\":[\"calendar://my-calendar/June-2024\","
	    "\"file:///etc/passwd\"]"), "attachments[1]");
	expect_error("sendEmail", MAIL("\"user@example.com\"",
	    ",\"attachments\":[\"calendar://nobody/June-2024\"]"),
	    "attachments[0]: calendar://nobody/June-2024: calendar: no calendar");
	expect_error("sendEmail", MAIL("\"user@example.com\"",
	    ",\"attachments\":[\"calendar://my-calendar/Smarch-2024\"]"),
	    "attachments[0]");
	expect_error("sendEmail", MAIL("\"user@example.com\"",
	    ",\"attachments\":[\"travel://itineraries/no-such-trip\"]"),
	    "attachments[0]: cannot fetch travel://itineraries/no-such-trip: "
	    "tripmcp-travel answered: ");
	expect_error("sendEmail", MAIL("\"user@example.com\"",
	    ",\"attachments\":[\"calendar://my-calendar/June-2024\\r\\nX: y\"]"),
	    "attachments[0]: contains a line break");
	CHECK_EQ_INT(rows("sent_mail"), mails);
	CHECK_EQ_INT(outbox_files("new"), files);
	CHECK_EQ_INT(outbox_files("tmp"), 0);
	free(big);
#undef MAIL
}

/* The guide's itinerary_link, attached: made with tripmcp-travel's
 * createItinerary on the travel.db beside ours, then fetched by sendEmail. */
static void
test_email_itinerary(void)
{
	struct serverutil	*travel, *keep = su;
	struct parsed		 p;
	char			 db[512];
	cJSON			*r, *j;
	const char		*path;

	snprintf(db, sizeof db, "%s/travel.db", serverutil_dir(su));
	if ((travel = serverutil_start("travel", db, TODAY, NULL)) == NULL) {
		CHECK(!"tripmcp-travel starts");
		return;
	}
	su = travel;
	r = call_ok("createItinerary", "{\"title\":\"Barcelona Vacation\","
	    "\"destination\":\"Barcelona\",\"startDate\":\"2024-06-15\","
	    "\"endDate\":\"2024-06-22\",\"bookings\":[],\"activities\":"
	    "[\"Gothic Quarter walk\",\"Sagrada Familia\"]}");
	su = keep;
	CHECK_STR(testutil_json_str(sc(r), "id"), "barcelona-2024");
	cJSON_Delete(r);
	serverutil_stop(travel);

	r = call_ok("sendEmail", "{\"to\":\"user@example.com\",\"subject\":"
	    "\"Your Barcelona Trip Confirmation\",\"body\":" GUIDE_BODY ","
	    "\"attachments\":[\"travel://itineraries/barcelona-2024\","
	    "\"calendar://my-calendar/2024-06-15..2024-06-22\"]}");
	path = testutil_json_str(sc(r), "path");
	CHECK_STR(testutil_json_str(sc(r), "attachments[0].uri"),
	    "travel://itineraries/barcelona-2024");
	if (path == NULL || parse_message(path, &p) != 0) {
		CHECK(!"message parses");
		cJSON_Delete(r);
		return;
	}
	CHECK_EQ_INT(p.natt, 2);
	CHECK_STR(p.att_name[0], "travel-itineraries-barcelona-2024.json");
	j = cJSON_Parse(p.att_data[0] != NULL ? p.att_data[0] : "");
	CHECK_STR(testutil_json_str(j, "id"), "barcelona-2024");
	CHECK_STR(testutil_json_str(j, "startDate"), "2024-06-15");
	cJSON_Delete(j);
	CHECK_STR(p.att_name[1],
	    "calendar-my-calendar-2024-06-15..2024-06-22.json");
	parsed_free(&p);
	cJSON_Delete(r);
}

static void
test_email_body_rendering(void)
{
	struct parsed	 p;
	cJSON		*r;
	const char	*path;

	r = call_ok("sendEmail", "{\"to\":[\"ann@example.com\"],\"cc\":[],"
	    "\"subject\":\"Fields\",\"body\":{\"flights\":{\"outbound\":\"DL 168\","
	    "\"return\":\"DL 169\"},\"travelers\":[\"Ann\",\"Bob\"],"
	    "\"totalCost\":2500,\"refundable\":false,\"notes\":null,"
	    "\"hotel_address\":\"Carrer de Ferran 1\\n08002 Barcelona\"}}");
	path = testutil_json_str(sc(r), "path");
	CHECK_EQ_INT(cJSON_GetArraySize(testutil_json_at(sc(r), "cc")), 0);
	if (path == NULL || parse_message(path, &p) != 0) {
		CHECK(!"message parses");
		cJSON_Delete(r);
		return;
	}
	CHECK_STR(p.text,
	    "Flights:\n"
	    "  Outbound: DL 168\n"
	    "  Return: DL 169\n"
	    "Travelers:\n"
	    "  - Ann\n"
	    "  - Bob\n"
	    "Total cost: 2500\n"
	    "Refundable: no\n"
	    "Notes: -\n"
	    "Hotel address: Carrer de Ferran 1\n"
	    "  08002 Barcelona\n");
	parsed_free(&p);
	cJSON_Delete(r);
}

/* A sender from TRIPMCP_EMAIL_FROM, and a bad one refused. */
static void
test_email_from(void)
{
	static const char *const good[] = {
	    "TRIPMCP_EMAIL_FROM=Trip Planner <planner@example.org>", NULL };
	static const char *const bad[] = {
	    "TRIPMCP_EMAIL_FROM=planner", NULL };
	struct serverutil	*keep = su;
	struct parsed		 p;
	cJSON			*r;

	if ((su = serverutil_start("calendar", NULL, TODAY, good)) == NULL) {
		CHECK(!"server starts");
		su = keep;
		return;
	}
	r = call_ok("sendEmail", "{\"to\":\"user@example.com\",\"subject\":"
	    "\"From test\",\"body\":\"b\"}");
	CHECK_STR(testutil_json_str(sc(r), "from"),
	    "Trip Planner <planner@example.org>");
	if (testutil_json_str(sc(r), "path") != NULL &&
	    parse_message(testutil_json_str(sc(r), "path"), &p) == 0) {
		CHECK_STR(p.from, "Trip Planner <planner@example.org>");
		CHECK_CONTAINS(p.id, "@example.org");
		parsed_free(&p);
	} else
		CHECK(!"message parses");
	cJSON_Delete(r);
	rm_outbox();
	serverutil_stop(su);
	if ((su = serverutil_start("calendar", NULL, TODAY, bad)) != NULL) {
		expect_error("sendEmail", "{\"to\":\"user@example.com\","
		    "\"subject\":\"s\",\"body\":\"b\"}", "TRIPMCP_EMAIL_FROM");
		CHECK_EQ_INT(outbox_files("new"), 0);
		serverutil_stop(su);
	} else
		CHECK(!"server starts");
	su = keep;
}

/* A second server on the same database sees the first one's key. */
static void
test_two_servers_one_key(void)
{
	static const char args[] = "{\"calendar\":\"my-calendar\",\"title\":"
	    "\"Shared\",\"startDate\":\"2024-08-01\",\"endDate\":\"2024-08-01\","
	    "\"description\":\"\",\"reminders\":[],\"idempotencyKey\":\"shared-1\"}";
	struct serverutil	*other;
	cJSON			*a, *b;
	struct serverutil	*keep = su;
	int			 events = rows("events");

	other = serverutil_start("calendar", serverutil_db_path(su), TODAY,
	    NULL);
	CHECK(other != NULL);
	if (other == NULL)
		return;
	a = call_ok("createCalendarEvent", args);
	su = other;
	b = call_ok("createCalendarEvent", args);
	su = keep;
	CHECK_STR(testutil_json_str(sc(b), "uid"),
	    testutil_json_str(sc(a), "uid"));
	CHECK_EQ_INT(rows("events"), events + 1);
	cJSON_Delete(a);
	cJSON_Delete(b);
	serverutil_stop(other);
}

struct race {
	bool	 done;
	char	 uid[64];
	bool	 is_error;
};

static void
race_cb(void *arg, const struct mcp_response *r)
{
	struct race	*x = arg;
	const char	*uid = testutil_json_str(r->result, "structuredContent.uid");

	x->done = true;
	x->is_error = r->result == NULL ||
	    cJSON_IsTrue(cJSON_GetObjectItem(r->result, "isError"));
	snprintf(x->uid, sizeof x->uid, "%s", uid != NULL ? uid : "");
}

/* Cancelled while tripmcp-travel is being read: nothing written, and the
 * server goes on serving. */
static void
test_email_cancelled(void)
{
	struct race	 x;
	int64_t		 h;
	int		 files = outbox_files("new"), mails = rows("sent_mail");
	cJSON		*r;

	memset(&x, 0, sizeof x);
	h = mcp_client_call_tool(serverutil_client(su), "sendEmail",
	    cJSON_Parse("{\"to\":\"user@example.com\",\"subject\":\"never\","
	    "\"body\":\"b\",\"attachments\":[\"travel://about\"]}"), NULL,
	    race_cb, &x);
	CHECK(h > 0);
	CHECK_EQ_INT(mcp_client_cancel(serverutil_client(su), h, "changed my "
	    "mind"), 0);
	CHECK(x.done);
	/* Long enough for a fetch that was not stopped to finish. */
	testutil_spin(serverutil_base(su), 1500);
	r = call_ok("checkAvailability", "{\"calendar\":\"my-calendar\","
	    "\"startDate\":\"2024-06-15\",\"endDate\":\"2024-06-22\"}");
	cJSON_Delete(r);
	CHECK_EQ_INT(outbox_files("new"), files);
	CHECK_EQ_INT(rows("sent_mail"), mails);
}

/* Both servers get the same keyed call at once: one event, one uid. */
static void
test_two_servers_race(void)
{
	static const char args[] = "{\"calendar\":\"my-calendar\",\"title\":"
	    "\"Raced\",\"startDate\":\"2024-08-02\",\"endDate\":\"2024-08-02\","
	    "\"description\":\"\",\"reminders\":[],\"idempotencyKey\":\"race-%d\"}";
	struct serverutil	*other;
	struct race		 a, b;
	char			 text[512];
	int			 events = rows("events"), round;

	other = serverutil_start("calendar", serverutil_db_path(su), TODAY,
	    NULL);
	CHECK(other != NULL);
	if (other == NULL)
		return;
	for (round = 0; round < 5; round++) {
		memset(&a, 0, sizeof a);
		memset(&b, 0, sizeof b);
		snprintf(text, sizeof text, args, round);
		mcp_client_call_tool(serverutil_client(su), "createCalendarEvent",
		    cJSON_Parse(text), NULL, race_cb, &a);
		mcp_client_call_tool(serverutil_client(other),
		    "createCalendarEvent", cJSON_Parse(text), NULL, race_cb, &b);
		while (!a.done || !b.done) {
			testutil_spin(serverutil_base(su), 5);
			testutil_spin(serverutil_base(other), 5);
		}
		CHECK(!a.is_error && !b.is_error);
		CHECK(a.uid[0] != '\0');
		CHECK_STR(a.uid, b.uid);
	}
	CHECK_EQ_INT(rows("events"), events + 5);
	serverutil_stop(other);
	/* A month with events now is listed (list_changed went out). */
	{
		cJSON *l = serverutil_request(su, "resources/list", NULL);

		CHECK(find_named(testutil_json_at(l, "resources"), "uri",
		    "calendar://my-calendar/August-2024") != NULL);
		cJSON_Delete(l);
	}
}

static int
rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return (remove(path));
}

/* The outbox and the sibling's database, which serverutil_stop leaves. */
static void
rm_outbox(void)
{
	char	path[512];

	if (serverutil_dir(su) == NULL)
		return;
	snprintf(path, sizeof path, "%s/outbox", serverutil_dir(su));
	nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	snprintf(path, sizeof path, "%s/travel.db", serverutil_dir(su));
	unlink(path);
	snprintf(path, sizeof path, "%s/travel.db-wal", serverutil_dir(su));
	unlink(path);
	snprintf(path, sizeof path, "%s/travel.db-shm", serverutil_dir(su));
	unlink(path);
}

int
main(void)
{
	HARNESS_BEGIN("servers-calendar");
	HARNESS_WATCHDOG();
	if (gmime_load() != 0) {
		printf("FAIL servers-calendar: GMime\n0 passed, 1 failed\n");
		return (1);
	}
	if ((su = serverutil_start("calendar", NULL, TODAY, NULL)) == NULL) {
		printf("FAIL servers-calendar: start\n0 passed, 1 failed\n");
		return (1);
	}
	TEST(test_tools_listed);
	TEST(test_resources_listed);
	TEST(test_read_june_2024);
	TEST(test_read_period_forms);
	TEST(test_completion);
	TEST(test_check_availability);
	TEST(test_check_availability_bad_input);
	TEST(test_create_guide_event);
	TEST(test_timed_event_and_list);
	TEST(test_idempotency);
	TEST(test_create_bad_input);
	TEST(test_list_and_delete_bad_input);
	TEST(test_email_guide);
	TEST(test_email_itinerary);
	TEST(test_email_encoding);
	TEST(test_email_body_rendering);
	TEST(test_email_bad_input);
	TEST(test_two_servers_one_key);
	TEST(test_two_servers_race);
	TEST(test_email_cancelled);
	TEST(test_email_from);
	rm_outbox();
	serverutil_stop(su);
	p_g_mime_shutdown();
	return (HARNESS_END());
}
