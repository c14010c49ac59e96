/*
 * Mail. GMime does the encoding and folding; what we add is refusing what
 * must never reach a header (line breaks, groups, half addresses) before
 * GMime's forgiving parser can quietly make something of it.
 */
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/time.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gmime/gmime.h>

#include "mcp/json.h"

#include "mail.h"

#define BODY_DEPTH_MAX	8

struct calendar_mail {
	GMimeMessage	*msg;
	GMimeMultipart	*mixed;		/* once there is an attachment */
	GMimeTextPart	*body;
	char		*subject;
	int		 naddresses;
	size_t		 attached;	/* bytes */
};

struct calendar_mail *
calendar_mail_new(void)
{
	struct calendar_mail *m = mcp_xcalloc(1, sizeof *m);

	m->msg = g_mime_message_new(TRUE);
	return (m);
}

void
calendar_mail_free(struct calendar_mail *m)
{
	if (m == NULL)
		return;
	if (m->body != NULL)
		g_object_unref(m->body);
	if (m->mixed != NULL)
		g_object_unref(m->mixed);
	g_object_unref(m->msg);
	free(m->subject);
	free(m);
}

/* Checking ---------------------------------------------------------------- */

const char *
calendar_mail_quote(const char *s, char *buf, size_t len)
{
	size_t	i = 0, o = 0, n;

	/* Whole UTF-8 sequences only, so that a cut never splits one. */
	while (s[i] != '\0') {
		n = mcp_utf8_seq(s + i, strlen(s + i));
		if (n == 0)
			n = 1;
		if (o + n + 4 > len)
			break;
		if (n == 1)
			buf[o++] = (unsigned char)s[i] >= 0x20 && s[i] != 0x7f &&
			    s[i] != '"' && (unsigned char)s[i] < 0x80 ? s[i] : '?';
		else {
			memcpy(buf + o, s + i, n);
			o += n;
		}
		i += n;
	}
	if (s[i] != '\0')
		memcpy(buf + o, "...", 4);
	else
		buf[o] = '\0';
	return (buf);
}

int
calendar_mail_check_header(const char *field, const char *value, size_t max,
    char *err, size_t errlen)
{
	size_t	n = strlen(value), i;

	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)value[i];

		if (ch == '\r' || ch == '\n') {
			snprintf(err, errlen, "%s: contains a line break (CR or "
			    "LF), which could inject mail headers; give it as "
			    "one line", field);
			return (-1);
		}
		if ((ch < 0x20 && ch != '\t') || ch == 0x7f) {
			snprintf(err, errlen, "%s: contains a control character "
			    "(code %u); remove it", field, ch);
			return (-1);
		}
	}
	if (n > max) {
		snprintf(err, errlen, "%s: %zu bytes is longer than the %zu "
		    "allowed; shorten it", field, n, max);
		return (-1);
	}
	if (!mcp_utf8_valid(value, n)) {
		snprintf(err, errlen, "%s: not valid UTF-8", field);
		return (-1);
	}
	return (0);
}

/* user@domain: a plain local part and a host name (IDN labels allowed). */
static int
addr_ok(const char *a)
{
	const char	*at = strchr(a, '@'), *p, *label;
	size_t		 n;

	if (at == NULL || at == a || strchr(at + 1, '@') != NULL ||
	    at[1] == '\0' || at - a > 64 || strlen(at + 1) > 253)
		return (0);
	if (a[0] == '.' || at[-1] == '.')
		return (0);
	for (p = a; p < at; p++) {
		if ((unsigned char)*p <= 0x20 || *p == 0x7f ||
		    strchr("()<>[]:;,\\\"", *p) != NULL ||
		    (*p == '.' && p[1] == '.'))
			return (0);
	}
	for (label = at + 1;; label = p + 1) {
		for (p = label; *p != '\0' && *p != '.'; p++) {
			if (!isalnum((unsigned char)*p) && *p != '-' &&
			    (unsigned char)*p < 0x80)
				return (0);
		}
		n = (size_t)(p - label);
		if (n == 0 || n > 63 || label[0] == '-' || p[-1] == '-')
			return (0);
		if (*p == '\0')
			break;
	}
	return (1);
}

/* How many addresses the text means: one more than its top-level commas. */
static int
count_addresses(const char *s)
{
	int	n = 1, quoted = 0, angle = 0, paren = 0;

	for (; *s != '\0'; s++) {
		if (*s == '\\' && s[1] != '\0')
			s++;
		else if (*s == '"')
			quoted = !quoted;
		else if (!quoted && *s == '<')
			angle++;
		else if (!quoted && *s == '>' && angle > 0)
			angle--;
		else if (!quoted && *s == '(')
			paren++;
		else if (!quoted && *s == ')' && paren > 0)
			paren--;
		else if (!quoted && !angle && !paren && *s == ',')
			n++;
	}
	return (n);
}

/* Parses text into list (appended); -1 with err naming field. */
static int
parse_addresses(const char *field, const char *text, InternetAddressList *into,
    int *count, char *err, size_t errlen)
{
	InternetAddressList	*list;
	InternetAddress		*ia;
	char			 q[72];
	int			 i, n;

	if (calendar_mail_check_header(field, text, 2000, err, errlen) != 0)
		return (-1);
	list = internet_address_list_parse(NULL, text);
	n = list != NULL ? internet_address_list_length(list) : 0;
	if (n == 0 || n != count_addresses(text)) {
		snprintf(err, errlen, "%s: \"%s\" is not a list of email "
		    "addresses; write user@example.com or \"Ann Smith "
		    "<ann@example.com>\", separated by commas", field,
		    calendar_mail_quote(text, q, sizeof q));
		goto fail;
	}
	for (i = 0; i < n; i++) {
		ia = internet_address_list_get_address(list, i);
		if (!INTERNET_ADDRESS_IS_MAILBOX(ia)) {
			snprintf(err, errlen, "%s: \"%s\" is a group; give the "
			    "addresses themselves", field,
			    calendar_mail_quote(text, q, sizeof q));
			goto fail;
		}
		if (!addr_ok(internet_address_mailbox_get_addr(
		    INTERNET_ADDRESS_MAILBOX(ia)))) {
			snprintf(err, errlen, "%s: \"%s\" is not an address of "
			    "the form user@domain", field, calendar_mail_quote(
			    internet_address_mailbox_get_addr(
			    INTERNET_ADDRESS_MAILBOX(ia)), q, sizeof q));
			goto fail;
		}
	}
	if (*count + n > CALENDAR_MAIL_ADDRESSES_MAX) {
		snprintf(err, errlen, "%s: more than %d addresses in all; send "
		    "fewer", field, CALENDAR_MAIL_ADDRESSES_MAX);
		goto fail;
	}
	internet_address_list_append(into, list);
	*count += n;
	g_object_unref(list);
	return (0);
fail:
	if (list != NULL)
		g_object_unref(list);
	return (-1);
}

int
calendar_mail_set_from(struct calendar_mail *m, const char *field,
    const char *text, char *err, size_t errlen)
{
	InternetAddressList	*tmp = internet_address_list_new();
	int			 n = 0;

	if (parse_addresses(field, text, tmp, &n, err, errlen) != 0 || n != 1) {
		if (n > 1)
			snprintf(err, errlen, "%s: give one sender address",
			    field);
		g_object_unref(tmp);
		return (-1);
	}
	internet_address_list_clear(g_mime_message_get_from(m->msg));
	internet_address_list_append(g_mime_message_get_from(m->msg), tmp);
	g_object_unref(tmp);
	return (0);
}

int
calendar_mail_add_to(struct calendar_mail *m, const char *field,
    const cJSON *value, int cc, char *err, size_t errlen)
{
	InternetAddressList	*tmp = internet_address_list_new();
	const cJSON		*v;
	char			 name[64];
	int			 i = 0, n = m->naddresses;

	if (cJSON_IsString(value)) {
		if (parse_addresses(field, value->valuestring, tmp, &n, err,
		    errlen) != 0)
			goto fail;
	} else if (cJSON_IsArray(value) && cJSON_GetArraySize(value) > 0) {
		cJSON_ArrayForEach(v, value) {
			snprintf(name, sizeof name, "%s[%d]", field, i++);
			if (!cJSON_IsString(v)) {
				snprintf(err, errlen, "%s: expected a string "
				    "such as user@example.com", name);
				goto fail;
			}
			if (parse_addresses(name, v->valuestring, tmp, &n, err,
			    errlen) != 0)
				goto fail;
		}
	} else {
		snprintf(err, errlen, "%s: expected an address such as "
		    "user@example.com, or an array of them", field);
		goto fail;
	}
	internet_address_list_append(g_mime_message_get_addresses(m->msg,
	    cc ? GMIME_ADDRESS_TYPE_CC : GMIME_ADDRESS_TYPE_TO), tmp);
	m->naddresses = n;
	g_object_unref(tmp);
	return (0);
fail:
	g_object_unref(tmp);
	return (-1);
}

int
calendar_mail_set_subject(struct calendar_mail *m, const char *subject,
    char *err, size_t errlen)
{
	if (calendar_mail_check_header("subject", subject,
	    CALENDAR_MAIL_SUBJECT_MAX, err, errlen) != 0)
		return (-1);
	g_mime_message_set_subject(m->msg, subject, "utf-8");
	free(m->subject);
	m->subject = mcp_xstrdup(subject);
	return (0);
}

const char *
calendar_mail_subject(const struct calendar_mail *m)
{
	return (m->subject != NULL ? m->subject : "");
}

/* The body ---------------------------------------------------------------- */

struct buf {
	char	*p;
	size_t	 len, cap;
	int	 toobig;
};

static void
buf_add(struct buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > CALENDAR_MAIL_BODY_MAX + 1) {
		b->toobig = 1;
		return;
	}
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->p = mcp_xrealloc(b->p, b->cap);
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void
buf_str(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

static void
buf_indent(struct buf *b, int n)
{
	while (n-- > 0)
		buf_add(b, " ", 1);
}

/* "total_cost" and "totalCost" both read "Total cost". */
static void
buf_label(struct buf *b, const char *key)
{
	char	c;
	size_t	i;

	for (i = 0; key[i] != '\0'; i++) {
		c = key[i];
		if (c == '_' || c == '-' || (unsigned char)c < 0x20 || c == 0x7f)
			c = ' ';
		else if (i > 0 && isupper((unsigned char)c) &&
		    islower((unsigned char)key[i - 1])) {
			buf_add(b, " ", 1);
			c = (char)tolower((unsigned char)c);
		}
		if (i == 0)
			c = (char)toupper((unsigned char)c);
		buf_add(b, &c, 1);
	}
}

/* A scalar's text; NULL for objects and arrays. */
static const char *
scalar(const cJSON *v, char *num, size_t len)
{
	if (cJSON_IsString(v))
		return (v->valuestring);
	if (cJSON_IsNumber(v)) {
		if (mcp_json_is_integer(v))
			snprintf(num, len, "%.0f", v->valuedouble);
		else
			snprintf(num, len, "%g", v->valuedouble);
		return (num);
	}
	if (cJSON_IsBool(v))
		return (cJSON_IsTrue(v) ? "yes" : "no");
	if (cJSON_IsNull(v))
		return ("-");
	return (NULL);
}

/* A multi-line string keeps its lines, each indented. */
static void
buf_text(struct buf *b, const char *s, int indent)
{
	const char	*nl;

	while ((nl = strchr(s, '\n')) != NULL) {
		buf_add(b, s, (size_t)(nl - s) + 1);
		buf_indent(b, indent);
		s = nl + 1;
	}
	buf_str(b, s);
}

static int
render(struct buf *b, const cJSON *v, int indent, int depth)
{
	const cJSON	*c;
	const char	*s;
	char		 num[64];

	if (depth > BODY_DEPTH_MAX)
		return (-1);
	cJSON_ArrayForEach(c, v) {
		buf_indent(b, indent);
		if (cJSON_IsArray(v))
			buf_str(b, "-");
		else {
			buf_label(b, c->string);
			buf_str(b, ":");
		}
		if ((s = scalar(c, num, sizeof num)) != NULL) {
			buf_str(b, " ");
			buf_text(b, s, indent + 2);
			buf_str(b, "\n");
		} else {
			buf_str(b, "\n");
			if (render(b, c, indent + 2, depth + 1) != 0)
				return (-1);
		}
	}
	return (0);
}

char *
calendar_mail_render(const cJSON *body, char *err, size_t errlen)
{
	struct buf	b = { NULL, 0, 0, 0 };

	buf_str(&b, "");
	if (render(&b, body, 0, 0) != 0) {
		snprintf(err, errlen, "body: nested deeper than %d levels; "
		    "flatten it", BODY_DEPTH_MAX);
		free(b.p);
		return (NULL);
	}
	if (b.toobig) {
		snprintf(err, errlen, "body: longer than %d bytes as text; "
		    "shorten it", CALENDAR_MAIL_BODY_MAX);
		free(b.p);
		return (NULL);
	}
	return (b.p);
}

static int
check_body_text(const char *text, char *err, size_t errlen)
{
	size_t	n = strlen(text), i;

	if (n > CALENDAR_MAIL_BODY_MAX) {
		snprintf(err, errlen, "body: %zu bytes is longer than the %d "
		    "allowed; shorten it", n, CALENDAR_MAIL_BODY_MAX);
		return (-1);
	}
	if (!mcp_utf8_valid(text, n)) {
		snprintf(err, errlen, "body: not valid UTF-8");
		return (-1);
	}
	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)text[i];

		if ((ch < 0x20 && ch != '\n' && ch != '\r' && ch != '\t') ||
		    ch == 0x7f) {
			snprintf(err, errlen, "body: contains a control "
			    "character (code %u); remove it", ch);
			return (-1);
		}
	}
	return (0);
}

int
calendar_mail_set_body(struct calendar_mail *m, const cJSON *body, char *err,
    size_t errlen)
{
	char	*text;

	if (cJSON_IsString(body))
		text = mcp_xstrdup(body->valuestring);
	else if (cJSON_IsObject(body)) {
		if ((text = calendar_mail_render(body, err, errlen)) == NULL)
			return (-1);
	} else {
		snprintf(err, errlen, "body: expected text or an object of "
		    "fields (rendered as \"Field: value\" lines)");
		return (-1);
	}
	if (check_body_text(text, err, errlen) != 0) {
		free(text);
		return (-1);
	}
	if (m->body != NULL)
		g_object_unref(m->body);
	m->body = g_mime_text_part_new_with_subtype("plain");
	g_mime_text_part_set_text(m->body, text);
	g_mime_part_set_content_encoding(GMIME_PART(m->body),
	    g_mime_part_get_best_content_encoding(GMIME_PART(m->body),
	    GMIME_ENCODING_CONSTRAINT_7BIT));
	free(text);
	return (0);
}

int
calendar_mail_attach(struct calendar_mail *m, const char *filename,
    const char *mime_type, const void *data, size_t len, char *err,
    size_t errlen)
{
	GMimePart		*part;
	GMimeStream		*stream;
	GMimeDataWrapper	*wrapper;
	char			 type[128], *slash;

	if (m->attached + len > CALENDAR_MAIL_ATTACH_BYTES) {
		snprintf(err, errlen, "more than %d bytes of attachments in "
		    "all; attach fewer", CALENDAR_MAIL_ATTACH_BYTES);
		return (-1);
	}
	snprintf(type, sizeof type, "%s", mime_type);
	if ((slash = strchr(type, '/')) == NULL || strpbrk(type, "\r\n;") !=
	    NULL)
		snprintf(type, sizeof type, "application/octet-stream");
	slash = strchr(type, '/');
	*slash = '\0';
	part = g_mime_part_new_with_type(type, slash + 1);
	stream = g_mime_stream_mem_new_with_buffer(data, len);
	wrapper = g_mime_data_wrapper_new_with_stream(stream,
	    GMIME_CONTENT_ENCODING_DEFAULT);
	g_mime_part_set_content(part, wrapper);
	g_object_unref(wrapper);
	g_object_unref(stream);
	g_mime_part_set_filename(part, filename);
	g_mime_part_set_content_encoding(part,
	    g_mime_part_get_best_content_encoding(part,
	    GMIME_ENCODING_CONSTRAINT_7BIT));
	if (m->mixed == NULL)
		m->mixed = g_mime_multipart_new_with_subtype("mixed");
	g_mime_multipart_add(m->mixed, GMIME_OBJECT(part));
	g_object_unref(part);
	m->attached += len;
	return (0);
}

int
calendar_mail_attach_base64(struct calendar_mail *m, const char *filename,
    const char *mime_type, const char *b64, char *err, size_t errlen)
{
	guchar	*data;
	gsize	 len;
	int	 rc;

	if (strspn(b64, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789+/=\r\n") != strlen(b64)) {
		snprintf(err, errlen, "the resource's blob is not base64");
		return (-1);
	}
	data = g_base64_decode(b64, &len);
	rc = calendar_mail_attach(m, filename, mime_type, data, len, err,
	    errlen);
	g_free(data);
	return (rc);
}

cJSON *
calendar_mail_addresses(struct calendar_mail *m, const char *which)
{
	InternetAddressList	*l;
	cJSON			*out = cJSON_CreateArray();
	char			*s;
	int			 i, n;

	if (strcmp(which, "from") == 0)
		l = g_mime_message_get_from(m->msg);
	else
		l = g_mime_message_get_addresses(m->msg, strcmp(which, "cc") ==
		    0 ? GMIME_ADDRESS_TYPE_CC : GMIME_ADDRESS_TYPE_TO);
	n = internet_address_list_length(l);
	for (i = 0; i < n; i++) {
		/* Unencoded: the result is JSON, not a header. */
		s = internet_address_to_string(internet_address_list_get_address(
		    l, i), NULL, FALSE);
		cJSON_AddItemToArray(out, cJSON_CreateString(s));
		g_free(s);
	}
	return (out);
}

/* Writing ----------------------------------------------------------------- */

static int
make_dir(const char *path, char *err, size_t errlen)
{
	char	buf[PATH_MAX], *p;

	if (strlen(path) >= sizeof buf) {
		snprintf(err, errlen, "outbox: path too long");
		return (-1);
	}
	strcpy(buf, path);
	for (p = buf + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0700) != 0 && errno != EEXIST)
			goto fail;
		*p = '/';
	}
	if (mkdir(buf, 0700) != 0 && errno != EEXIST)
		goto fail;
	return (0);
fail:
	snprintf(err, errlen, "outbox: cannot create %s: %s; pass --outbox DIR "
	    "naming a writable directory", buf, strerror(errno));
	return (-1);
}

static int
write_all(int fd, const char *p, size_t n)
{
	ssize_t	w;

	while (n > 0) {
		if ((w = write(fd, p, n)) < 0) {
			if (errno == EINTR)
				continue;
			return (-1);
		}
		p += w;
		n -= (size_t)w;
	}
	return (0);
}

int
calendar_mail_write(struct calendar_mail *m, const char *outbox, char **path,
    char **message_id, size_t *bytes, char *err, size_t errlen)
{
	InternetAddressList	*from = g_mime_message_get_from(m->msg);
	InternetAddress		*ia;
	GDateTime		*now;
	struct timeval		 tv;
	const char		*addr, *domain = "localhost";
	char			 host[256], tmp[PATH_MAX], dst[PATH_MAX], sub[PATH_MAX];
	char			*id, *text;
	unsigned int		 rnd = 0;
	size_t			 i, n;
	int			 fd;
	static const char *const subs[] = { "tmp", "new", "cur" };

	if (m->body == NULL || internet_address_list_length(from) == 0) {
		snprintf(err, errlen, "mail: no body or no sender");
		return (-1);
	}
	if (make_dir(outbox, err, errlen) != 0)
		return (-1);
	for (i = 0; i < 3; i++) {
		snprintf(sub, sizeof sub, "%s/%s", outbox, subs[i]);
		if (make_dir(sub, err, errlen) != 0)
			return (-1);
	}
	ia = internet_address_list_get_address(from, 0);
	addr = internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(ia));
	if (strchr(addr, '@') != NULL)
		domain = strchr(addr, '@') + 1;
	id = g_mime_utils_generate_message_id(domain);
	g_mime_message_set_message_id(m->msg, id);
	now = g_date_time_new_now_local();
	g_mime_message_set_date(m->msg, now);
	g_date_time_unref(now);
	g_mime_object_set_header(GMIME_OBJECT(m->msg), "User-Agent",
	    "tripmcp-calendar", NULL);
	if (m->mixed != NULL) {
		/* The text first, then the attachments. */
		g_mime_multipart_insert(m->mixed, 0, GMIME_OBJECT(m->body));
		g_mime_message_set_mime_part(m->msg, GMIME_OBJECT(m->mixed));
	} else
		g_mime_message_set_mime_part(m->msg, GMIME_OBJECT(m->body));
	text = g_mime_object_to_string(GMIME_OBJECT(m->msg), NULL);
	n = strlen(text);

	/* Maildir: a unique name written in tmp/, then renamed into new/. */
	if (gethostname(host, sizeof host) != 0)
		snprintf(host, sizeof host, "localhost");
	host[sizeof host - 1] = '\0';
	for (i = 0; host[i] != '\0'; i++)
		if (host[i] == '/' || host[i] == ':')
			host[i] = '_';
	gettimeofday(&tv, NULL);
	if (getrandom(&rnd, sizeof rnd, 0) != sizeof rnd)
		rnd = (unsigned int)tv.tv_usec;
	snprintf(tmp, sizeof tmp, "%s/tmp/%lld.M%06ldP%dR%08x.%s", outbox,
	    (long long)tv.tv_sec, (long)tv.tv_usec, (int)getpid(), rnd, host);
	snprintf(dst, sizeof dst, "%s/new/%lld.M%06ldP%dR%08x.%s", outbox,
	    (long long)tv.tv_sec, (long)tv.tv_usec, (int)getpid(), rnd, host);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) < 0) {
		snprintf(err, errlen, "outbox: cannot create %s: %s", tmp,
		    strerror(errno));
		goto fail;
	}
	if (write_all(fd, text, n) != 0 || fsync(fd) != 0) {
		snprintf(err, errlen, "outbox: cannot write %s: %s", tmp,
		    strerror(errno));
		close(fd);
		unlink(tmp);
		goto fail;
	}
	close(fd);
	if (rename(tmp, dst) != 0) {
		snprintf(err, errlen, "outbox: cannot move %s into new/: %s",
		    tmp, strerror(errno));
		unlink(tmp);
		goto fail;
	}
	*path = mcp_xstrdup(dst);
	*message_id = mcp_xprintf("<%s>", id);
	*bytes = n;
	g_free(text);
	g_free(id);
	return (0);
fail:
	g_free(text);
	g_free(id);
	return (-1);
}
