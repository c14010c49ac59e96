/*
 * Mail. One RFC 5322/MIME message put together from untrusted parts with
 * GMime (addresses parsed and checked, header values refused when they hold
 * CR or LF, non-ASCII text encoded, long lines folded) and written
 * atomically into a Maildir (tmp/, then new/). Nothing here sends mail.
 * g_mime_init must have run (main does it once).
 */
#ifndef SERVERS_CALENDAR_MAIL_H
#define SERVERS_CALENDAR_MAIL_H

#include <stddef.h>

#include <cjson/cJSON.h>

#define CALENDAR_MAIL_SUBJECT_MAX	900
#define CALENDAR_MAIL_BODY_MAX		(100 * 1024)
#define CALENDAR_MAIL_ADDRESSES_MAX	50
#define CALENDAR_MAIL_ATTACH_MAX	10
#define CALENDAR_MAIL_ATTACH_BYTES	(4 * 1024 * 1024)	/* all together */
/* The sender when TRIPMCP_EMAIL_FROM is unset. */
#define CALENDAR_MAIL_DEFAULT_FROM	"tripmcp <tripmcp@localhost>"

struct calendar_mail;

struct calendar_mail *calendar_mail_new(void);
void	 calendar_mail_free(struct calendar_mail *);

/*
 * The parts; each returns 0, or -1 with err naming field (and the message
 * unchanged). Addresses: a string ("Ann <a@x.org>, b@y.org") or an array of
 * such strings; every one a mailbox user@domain, no groups, at most
 * CALENDAR_MAIL_ADDRESSES_MAX.
 */
int	 calendar_mail_set_from(struct calendar_mail *, const char *field,
	     const char *text, char *err, size_t errlen);
int	 calendar_mail_add_to(struct calendar_mail *, const char *field,
	     const cJSON *value, int cc, char *err, size_t errlen);
int	 calendar_mail_set_subject(struct calendar_mail *, const char *subject,
	     char *err, size_t errlen);
/* body: text, or an object rendered as "Label: value" lines. */
int	 calendar_mail_set_body(struct calendar_mail *, const cJSON *body,
	     char *err, size_t errlen);
/* Attaches a copy of data[0..len) as filename of type mime_type ("a/b"). */
int	 calendar_mail_attach(struct calendar_mail *, const char *filename,
	     const char *mime_type, const void *data, size_t len,
	     char *err, size_t errlen);

/* As calendar_mail_attach, from base64 text; -1 with err when it is not.
 * err names no field: the caller knows which attachment it was. */
int	 calendar_mail_attach_base64(struct calendar_mail *, const char *filename,
	     const char *mime_type, const char *b64, char *err, size_t errlen);

/*
 * Checks a header value given by a client: one line (no CR, LF or other
 * control characters), valid UTF-8, at most max bytes.
 */
int	 calendar_mail_check_header(const char *field, const char *value,
	     size_t max, char *err, size_t errlen);
/* A short, printable rendering of s for messages (len bytes of buf). */
const char *calendar_mail_quote(const char *s, char *buf, size_t len);
/* The body object's readable text (the caller frees it), or NULL with err. */
char	*calendar_mail_render(const cJSON *body, char *err, size_t errlen);

/*
 * Writes the message (Date and Message-ID added) into the Maildir outbox
 * (creating outbox/tmp, new and cur). OUT: *path, the file in new/, and
 * *message_id, both the caller's; *bytes its size. -1 with err, nothing
 * left behind.
 */
int	 calendar_mail_write(struct calendar_mail *, const char *outbox,
	     char **path, char **message_id, size_t *bytes, char *err,
	     size_t errlen);

/* What the message holds, for the tool's result (the caller owns them). */
cJSON	*calendar_mail_addresses(struct calendar_mail *, const char *which);
const char *calendar_mail_subject(const struct calendar_mail *);

#endif
