/*
 * sendEmail: puts a message together (addresses, subject, a body of text or
 * fields, resources of our servers as attachments) and writes it into the
 * Maildir outbox. calendar:// attachments are read here; travel:// ones are
 * read from the sibling program tripmcp-travel, started for the purpose, so
 * such a call ends later. Nothing is delivered: SMTP comes later, and the
 * result says so.
 */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "mcp/json.h"
#include "mcp/server.h"

#include "db.h"
#include "fetch.h"
#include "mail.h"
#include "resource.h"
#include "tool.h"

#define FETCH_TIMEOUT_MS	20000
#define URI_MAX			1000

struct attachment {
	char	*uri;
	char	*filename;
	char	*mime_type;
	char	*data;		/* text, or base64 when b64 */
	int	 b64;
	int	 travel;	/* to fetch */
};

struct calendar_mail_job {
	struct calendar_mail_job *next;
	struct calendar_state	*st;
	struct mcp_call		*call;
	struct calendar_mail	*mail;
	struct calendar_fetch	*fetch;
	char			*outbox;
	struct attachment	*att;
	size_t			 natt;
};

static void
job_free(struct calendar_mail_job *j)
{
	size_t	i;

	calendar_fetch_free(j->fetch);
	calendar_mail_free(j->mail);
	for (i = 0; i < j->natt; i++) {
		free(j->att[i].uri);
		free(j->att[i].filename);
		free(j->att[i].mime_type);
		free(j->att[i].data);
	}
	free(j->att);
	free(j->outbox);
	free(j);
}

/* Freed from the loop, never inside the fetch's callback. */
static void
job_reap(evutil_socket_t fd, short what, void *arg)
{
	struct calendar_mail_job	*j = arg, **pp;

	(void)fd;
	(void)what;
	for (pp = &j->st->jobs; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == j) {
			*pp = j->next;
			break;
		}
	}
	job_free(j);
}

/* At exit: jobs whose call never ended (the loop stopped first). */
void
calendar_send_email_cleanup(struct calendar_state *st)
{
	struct calendar_mail_job	*j;

	while ((j = st->jobs) != NULL) {
		st->jobs = j->next;
		job_free(j);
	}
}

static const struct {
	const char	*mime_type, *ext;
} extensions[] = {
	{ "application/json", ".json" }, { "text/plain", ".txt" },
	{ "text/markdown", ".md" }, { "text/html", ".html" },
	{ "text/calendar", ".ics" }, { "application/pdf", ".pdf" },
};

/* "travel://itineraries/barcelona-2024" -> "travel-itineraries-barcelona-2024.json" */
static char *
attachment_name(const char *uri, const char *mime_type)
{
	char	*name = mcp_xmalloc(strlen(uri) + 8), *p = name;
	size_t	 i;

	for (i = 0; uri[i] != '\0' && p - name < 120; i++) {
		char c = uri[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '.' || c == '_'))
			c = '-';
		if (c == '-' && (p == name || p[-1] == '-'))
			continue;
		*p++ = c;
	}
	while (p > name && p[-1] == '-')
		p--;
	*p = '\0';
	for (i = 0; i < sizeof extensions / sizeof extensions[0]; i++) {
		size_t n = strlen(extensions[i].ext);

		if (strcmp(mime_type, extensions[i].mime_type) == 0 &&
		    ((size_t)(p - name) < n || strcmp(p - n,
		    extensions[i].ext) != 0))
			strcpy(p, extensions[i].ext);
	}
	return (name);
}

static void
job_write(struct calendar_mail_job *j)
{
	struct calendar_sent_mail	 log;
	struct calendar_state		*st = j->st;
	cJSON				*out, *to, *cc, *from, *atts, *a, *rcpt;
	char				 err[512], *path = NULL, *id = NULL;
	char				*rcpt_text, *att_text, *summary;
	size_t				 bytes, i;

	if (mcp_call_cancelled(j->call)) {
		mcp_call_return_error(j->call, "cancelled: nothing was written");
		return;
	}
	atts = cJSON_CreateArray();
	for (i = 0; i < j->natt; i++) {
		struct attachment *t = &j->att[i];
		int rc = t->b64 ? calendar_mail_attach_base64(j->mail,
		    t->filename, t->mime_type, t->data, err, sizeof err) :
		    calendar_mail_attach(j->mail, t->filename, t->mime_type,
		    t->data, strlen(t->data), err, sizeof err);

		if (rc != 0) {
			cJSON_Delete(atts);
			mcp_call_return_error(j->call, "attachments[%zu]: %s", i,
			    err);
			return;
		}
		a = cJSON_CreateObject();
		mcp_json_add_str(a, "uri", t->uri);
		mcp_json_add_str(a, "filename", t->filename);
		mcp_json_add_str(a, "mimeType", t->mime_type);
		cJSON_AddItemToArray(atts, a);
	}
	if (calendar_mail_write(j->mail, j->outbox, &path, &id, &bytes, err,
	    sizeof err) != 0) {
		cJSON_Delete(atts);
		mcp_call_return_error(j->call, "%s", err);
		return;
	}
	from = calendar_mail_addresses(j->mail, "from");
	to = calendar_mail_addresses(j->mail, "to");
	cc = calendar_mail_addresses(j->mail, "cc");
	rcpt = cJSON_Duplicate(to, true);
	for (a = cc->child; a != NULL; a = a->next)
		cJSON_AddItemToArray(rcpt, cJSON_Duplicate(a, false));
	rcpt_text = mcp_json_print(rcpt, NULL);
	att_text = mcp_json_print(atts, NULL);
	memset(&log, 0, sizeof log);
	log.message_id = id;
	log.path = path;
	log.sender = cJSON_GetArrayItem(from, 0)->valuestring;
	log.recipients = rcpt_text;
	log.subject = calendar_mail_subject(j->mail);
	log.attachments = att_text;
	log.bytes = (long)bytes;
	if (calendar_db_log_mail(st->app.db, &log, err, sizeof err) != 0) {
		/* Unlogged mail would be unaccounted for: take it back. */
		unlink(path);
		mcp_call_return_error(j->call, "%s; nothing was written, try "
		    "again", err);
		goto done;
	}
	out = cJSON_CreateObject();
	mcp_json_add_str(out, "status", "written to outbox");
	mcp_json_add_bool(out, "delivered", false);
	mcp_json_add_str(out, "note", "the message was written to the outbox "
	    "only; nothing was delivered (SMTP delivery is not implemented "
	    "yet)");
	mcp_json_add_str(out, "outbox", j->outbox);
	mcp_json_add_str(out, "path", path);
	mcp_json_add_str(out, "messageId", id);
	mcp_json_add_str(out, "from", log.sender);
	mcp_json_add(out, "to", to);
	mcp_json_add(out, "cc", cc);
	to = cc = NULL;
	mcp_json_add_str(out, "subject", log.subject);
	mcp_json_add(out, "attachments", atts);
	atts = NULL;
	mcp_json_add_num(out, "bytes", (double)bytes);
	summary = mcp_xprintf("Email \"%.200s\" to %.300s written to the "
	    "outbox as %s; not delivered: SMTP delivery is not implemented yet",
	    log.subject, rcpt_text, path);
	mcp_call_return_structured(j->call, out, summary);
	free(summary);
done:
	cJSON_Delete(from);
	cJSON_Delete(to);
	cJSON_Delete(cc);
	cJSON_Delete(rcpt);
	cJSON_Delete(atts);
	free(rcpt_text);
	free(att_text);
	free(path);
	free(id);
}

static void
job_fetched(void *arg, const cJSON *contents, const char *error,
    size_t failed)
{
	struct calendar_mail_job	*j = arg;
	const cJSON			*item, *mime, *text, *blob;
	size_t				 i, k = 0;

	if (j->call == NULL)
		return;		/* cancelled; its reap is on its way */
	if (error != NULL) {
		/* The failed read's attachment, else the first to fetch. */
		for (i = 0; i < j->natt; i++) {
			if (j->att[i].travel && k++ == failed)
				break;
		}
		if (i == j->natt)
			for (i = 0; !j->att[i].travel; i++)
				;
		mcp_call_return_error(j->call, "attachments[%zu]: cannot fetch "
		    "%s: %s; nothing was written", i, j->att[i].uri, error);
	} else {
		for (i = 0; i < j->natt; i++) {
			struct attachment *t = &j->att[i];

			if (!t->travel)
				continue;
			item = cJSON_GetArrayItem(contents, (int)k++);
			mime = cJSON_GetObjectItem(item, "mimeType");
			text = cJSON_GetObjectItem(item, "text");
			blob = cJSON_GetObjectItem(item, "blob");
			t->mime_type = mcp_xstrdup(cJSON_IsString(mime) &&
			    strlen(mime->valuestring) < 100 ? mime->valuestring :
			    cJSON_IsString(text) ? "text/plain" :
			    "application/octet-stream");
			t->filename = attachment_name(t->uri, t->mime_type);
			t->b64 = !cJSON_IsString(text);
			t->data = mcp_xstrdup(cJSON_IsString(text) ?
			    text->valuestring : blob->valuestring);
		}
		job_write(j);
	}
	event_base_once(mcp_server_base(j->st->app.server), -1, EV_TIMEOUT,
	    job_reap, j, NULL);
}

/*
 * The client cancelled or went away while the sibling was being read: end
 * the call now (its answer is dropped; the kit may be about to stop the
 * loop), write nothing, and stop the sibling from the loop.
 */
static void
job_cancelled(void *arg, struct mcp_call *c)
{
	struct calendar_mail_job	*j = arg;

	if (j->call == NULL)
		return;
	mcp_call_return_error(c, "cancelled: nothing was written");
	j->call = NULL;
	event_base_once(mcp_server_base(j->st->app.server), -1, EV_TIMEOUT,
	    job_reap, j, NULL);
}

/* The outbox: --outbox, else outbox/ beside the database. */
static char *
outbox_dir(struct calendar_state *st)
{
	char	*copy, *dir;

	if (st->outbox != NULL)
		return (mcp_xstrdup(st->outbox));
	if (strcmp(st->app.db_path, ":memory:") == 0)
		return (NULL);
	copy = mcp_xstrdup(st->app.db_path);
	dir = mcp_xprintf("%s/outbox", dirname(copy));
	free(copy);
	return (dir);
}

/* Gathers attachment i; -1 having ended the call. */
static int
add_attachment(struct calendar_mail_job *j, size_t i, const char *uri)
{
	struct attachment	*t = &j->att[i];
	char			 err[512], cal[128], period[128], q[72];
	char			 field[32];
	const char		*slash;
	cJSON			*doc;
	int			 not_found;

	snprintf(field, sizeof field, "attachments[%zu]", i);
	if (calendar_mail_check_header(field, uri, URI_MAX, err,
	    sizeof err) != 0) {
		mcp_call_return_error(j->call, "%s", err);
		return (-1);
	}
	t->uri = mcp_xstrdup(uri);
	if (strncmp(uri, "calendar://", 11) == 0) {
		slash = strchr(uri + 11, '/');
		if (slash == NULL || (size_t)(slash - uri - 11) >= sizeof cal ||
		    strlen(slash + 1) >= sizeof period) {
			mcp_call_return_error(j->call, "attachments[%zu]: %s is "
			    "not a calendar resource; write "
			    "calendar://CALENDAR/PERIOD, e.g. "
			    "calendar://my-calendar/June-2024", i, uri);
			return (-1);
		}
		memcpy(cal, uri + 11, (size_t)(slash - uri - 11));
		cal[slash - uri - 11] = '\0';
		strcpy(period, slash + 1);
		if ((doc = calendar_resource_period(j->st, cal, period,
		    &not_found, err, sizeof err)) == NULL) {
			mcp_call_return_error(j->call, "attachments[%zu]: %s: "
			    "%s", i, uri, err);
			return (-1);
		}
		t->data = cJSON_Print(doc);
		cJSON_Delete(doc);
		t->mime_type = mcp_xstrdup("application/json");
		t->filename = attachment_name(uri, t->mime_type);
		return (0);
	}
	if (strncmp(uri, "travel://", 9) == 0 && uri[9] != '\0') {
		t->travel = 1;
		return (0);
	}
	calendar_mail_quote(uri, q, sizeof q);
	mcp_call_return_error(j->call, "attachments[%zu]: \"%s\" is not a "
	    "resource of ours; attach resource URIs: calendar://CALENDAR/PERIOD "
	    "(e.g. calendar://my-calendar/June-2024) or travel:// resources "
	    "(e.g. travel://itineraries/ID, travel://bookings/ID); files "
	    "cannot be attached", i, q);
	return (-1);
}

static void
send_email(struct mcp_call *c, const cJSON *args, void *arg)
{
	struct calendar_state		*st = arg;
	struct calendar_mail_job	*j;
	const cJSON			*cc = cJSON_GetObjectItem(args, "cc");
	const cJSON			*atts = cJSON_GetObjectItem(args,
					    "attachments");
	const cJSON			*a;
	const char			*from = getenv("TRIPMCP_EMAIL_FROM");
	const char			**uris = NULL;
	char				 err[512], program[PATH_MAX], db[PATH_MAX];
	char				*copy;
	char				*argv[6];
	size_t				 i = 0, n = 0;

	j = mcp_xcalloc(1, sizeof *j);
	j->st = st;
	j->call = c;
	j->mail = calendar_mail_new();
	if (from == NULL || *from == '\0')
		from = CALENDAR_MAIL_DEFAULT_FROM;
	if (calendar_mail_set_from(j->mail, "TRIPMCP_EMAIL_FROM", from, err,
	    sizeof err) != 0 ||
	    calendar_mail_add_to(j->mail, "to", cJSON_GetObjectItem(args, "to"),
	    0, err, sizeof err) != 0 ||
	    (cc != NULL && !(cJSON_IsArray(cc) && cc->child == NULL) &&
	    calendar_mail_add_to(j->mail, "cc", cc, 1, err, sizeof err) != 0) ||
	    calendar_mail_set_subject(j->mail, cJSON_GetObjectItem(args,
	    "subject")->valuestring, err, sizeof err) != 0 ||
	    calendar_mail_set_body(j->mail, cJSON_GetObjectItem(args, "body"),
	    err, sizeof err) != 0) {
		mcp_call_return_error(c, "%s", err);
		job_free(j);
		return;
	}
	if ((j->outbox = outbox_dir(st)) == NULL) {
		mcp_call_return_error(c, "outbox: the database is in memory, so "
		    "there is no data directory; start tripmcp-calendar with "
		    "--outbox DIR");
		job_free(j);
		return;
	}
	j->natt = atts != NULL ? (size_t)cJSON_GetArraySize(atts) : 0;
	j->att = mcp_xcalloc(j->natt + 1, sizeof *j->att);
	cJSON_ArrayForEach(a, atts) {
		if (add_attachment(j, i++, a->valuestring) != 0) {
			job_free(j);
			return;
		}
	}
	for (i = 0; i < j->natt; i++)
		n += j->att[i].travel;
	if (n == 0) {
		job_write(j);
		job_free(j);
		return;
	}

	/* travel:// resources come from the sibling program. */
	for (i = 0; !j->att[i].travel; i++)
		;
	snprintf(program, sizeof program, "%s/tripmcp-travel", st->self_dir);
	if (access(program, X_OK) != 0) {
		mcp_call_return_error(c, "attachments[%zu]: cannot fetch %s: "
		    "%s: %s; install tripmcp-travel beside tripmcp-calendar, or "
		    "leave travel:// attachments out", i, j->att[i].uri,
		    program, strerror(errno));
		job_free(j);
		return;
	}
	if (strcmp(st->app.db_path, ":memory:") == 0)
		snprintf(db, sizeof db, ":memory:");
	else {
		copy = mcp_xstrdup(st->app.db_path);
		snprintf(db, sizeof db, "%s/travel.db", dirname(copy));
		free(copy);
	}
	argv[0] = program;
	argv[1] = (char *)"--db";
	argv[2] = db;
	argv[3] = (char *)"--data-dir";
	argv[4] = st->app.data_dir;
	argv[5] = NULL;
	uris = mcp_xcalloc(n, sizeof *uris);
	for (i = 0, n = 0; i < j->natt; i++)
		if (j->att[i].travel)
			uris[n++] = j->att[i].uri;
	j->fetch = calendar_fetch_start(mcp_server_base(st->app.server), argv,
	    uris, n, FETCH_TIMEOUT_MS, job_fetched, j, err, sizeof err);
	free(uris);
	if (j->fetch == NULL) {
		for (i = 0; !j->att[i].travel; i++)
			;
		mcp_call_return_error(c, "attachments[%zu]: cannot fetch %s: "
		    "%s", i, j->att[i].uri, err);
		job_free(j);
		return;
	}
	j->next = st->jobs;
	st->jobs = j;
	mcp_call_on_cancel(c, job_cancelled, j);
}

const struct mcp_tool calendar_tool_send_email = {
	.name = "sendEmail",
	.title = "Send email",
	.description = "Writes an email (RFC 5322/MIME) into the outbox: to "
	    "and cc as addresses (\"user@example.com\" or \"Ann <ann@x.org>\", "
	    "a string or an array), a one-line subject, a body of text or an "
	    "object of fields (rendered as \"Field: value\" lines), and "
	    "attachments given as resource URIs of our servers "
	    "(calendar://my-calendar/June-2024, travel://itineraries/ID). "
	    "Nothing is delivered yet: the result names the file written.",
	.input_schema = "{\"type\":\"object\",\"properties\":{"
	    "\"to\":{\"anyOf\":[{\"type\":\"string\",\"maxLength\":2000},"
	    "{\"type\":\"array\",\"minItems\":1,\"maxItems\":50,\"items\":"
	    "{\"type\":\"string\",\"maxLength\":2000}}]},"
	    "\"cc\":{\"anyOf\":[{\"type\":\"string\",\"maxLength\":2000},"
	    "{\"type\":\"array\",\"maxItems\":50,\"items\":"
	    "{\"type\":\"string\",\"maxLength\":2000}}]},"
	    "\"subject\":{\"type\":\"string\",\"minLength\":1,"
	    "\"maxLength\":900},"
	    "\"body\":{\"anyOf\":[{\"type\":\"string\",\"maxLength\":102400},"
	    "{\"type\":\"object\"}],\"description\":\"text, or an object of "
	    "fields such as {\\\"flights\\\": \\\"...\\\", \\\"hotel\\\": "
	    "\\\"...\\\"}\"},"
	    "\"attachments\":{\"type\":\"array\",\"maxItems\":10,\"items\":"
	    "{\"type\":\"string\",\"maxLength\":1000},\"description\":"
	    "\"resource URIs: calendar://CALENDAR/PERIOD or travel://...\"}},"
	    "\"required\":[\"to\",\"subject\",\"body\"],"
	    "\"additionalProperties\":false}",
	.output_schema = "{\"type\":\"object\",\"required\":[\"status\","
	    "\"delivered\",\"outbox\",\"path\",\"messageId\",\"from\",\"to\","
	    "\"cc\",\"subject\",\"attachments\",\"bytes\"],\"properties\":{"
	    "\"status\":{\"type\":\"string\"},"
	    "\"delivered\":{\"type\":\"boolean\"},"
	    "\"note\":{\"type\":\"string\"},"
	    "\"outbox\":{\"type\":\"string\"},\"path\":{\"type\":\"string\"},"
	    "\"messageId\":{\"type\":\"string\"},\"from\":{\"type\":\"string\"},"
	    "\"to\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}},"
	    "\"cc\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}},"
	    "\"subject\":{\"type\":\"string\"},"
	    "\"attachments\":{\"type\":\"array\",\"items\":{\"type\":\"object\","
	    "\"required\":[\"uri\",\"filename\",\"mimeType\"]}},"
	    "\"bytes\":{\"type\":\"integer\"}}}",
	.annotations = "{\"title\":\"Send email\",\"readOnlyHint\":false,"
	    "\"destructiveHint\":false,\"idempotentHint\":false,"
	    "\"openWorldHint\":true}",
	.handler = send_email,
};
