/*
 * A server asking the user for input (elicitation/create, form mode): on a
 * terminal each field of its requested schema is asked in turn with
 * readline (typed as tool arguments are, choices checked, defaults offered),
 * then the whole answer is shown and sent only when the user says so;
 * without a terminal the request is declined. One question at a time:
 * approvals and elicitations share the terminal and wait for each other.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <readline/readline.h>

#include "mcp/json.h"
#include "tui/cli.h"

struct tui_cli_elicit {
	struct tui_cli_elicit *next;
	struct tui_cli *cli;
	struct mcp_request *req;
	char *server;
	cJSON *params;			/* a copy */
	const cJSON *field;		/* the property being asked, or NULL */
	cJSON *content;			/* the answers so far */
	bool active;			/* its questions are on the terminal */
};

static void elicit_ask(struct tui_cli_elicit *);

static const char *
elicit_str(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static const cJSON *
elicit_props(const struct tui_cli_elicit *e)
{
	return cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(e->params, "requestedSchema"),
	    "properties");
}

static bool
elicit_required(const struct tui_cli_elicit *e, const char *name)
{
	const cJSON *r;

	cJSON_ArrayForEach(r, cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(e->params, "requestedSchema"),
	    "required")) {
		if (cJSON_IsString(r) && strcmp(r->valuestring, name) == 0)
			return true;
	}
	return false;
}

/* The choices of a field (or of its items): enum, or oneOf/anyOf of
 * {"const", "title"}; NULL when it has none. */
static const cJSON *
elicit_choices(const cJSON *schema, bool *titled)
{
	const cJSON *c = cJSON_GetObjectItemCaseSensitive(schema, "enum");

	*titled = false;
	if (cJSON_IsArray(c))
		return c;
	c = cJSON_GetObjectItemCaseSensitive(schema, "oneOf");
	if (!cJSON_IsArray(c))
		c = cJSON_GetObjectItemCaseSensitive(schema, "anyOf");
	if (cJSON_IsArray(c)) {
		*titled = true;
		return c;
	}
	return NULL;
}

/* One choice from text (its value or its title, any case); NULL if none. */
static const char *
elicit_choose(const cJSON *choices, bool titled, const char *text)
{
	const cJSON *c;

	cJSON_ArrayForEach(c, choices) {
		const char *v = titled ? elicit_str(c, "const") :
		    cJSON_IsString(c) ? c->valuestring : NULL;
		const char *t = titled ? elicit_str(c, "title") : NULL;

		if (v != NULL && (strcasecmp(v, text) == 0 ||
		    (t != NULL && strcasecmp(t, text) == 0)))
			return v;
	}
	return NULL;
}

static void
elicit_print_choices(FILE *out, const cJSON *choices, bool titled)
{
	const cJSON *c;
	bool first = true;

	fputs("    choices:", out);
	cJSON_ArrayForEach(c, choices) {
		const char *v = titled ? elicit_str(c, "const") :
		    cJSON_IsString(c) ? c->valuestring : NULL;
		const char *t = titled ? elicit_str(c, "title") : NULL;
		char *cv, *ct;

		if (v == NULL)
			continue;
		cv = tui_cli_clean(v, false);
		ct = tui_cli_clean(t != NULL ? t : "", false);
		fprintf(out, "%s %s%s%s%s", first ? "" : ",", cv,
		    t != NULL ? " (" : "", ct, t != NULL ? ")" : "");
		free(cv);
		free(ct);
		first = false;
	}
	fputc('\n', out);
}

/* The answer for the current field, or NULL with why filled. */
static cJSON *
elicit_value(const cJSON *schema, const char *text, char *why, size_t size)
{
	const cJSON *items = cJSON_GetObjectItemCaseSensitive(schema, "items");
	const char *type = elicit_str(schema, "type"), *v;
	const cJSON *choices;
	bool titled;
	cJSON *arr;
	char *copy, *p, *comma;

	if (type != NULL && strcmp(type, "array") == 0 &&
	    (choices = elicit_choices(items, &titled)) != NULL) {
		if ((arr = cJSON_CreateArray()) == NULL)
			abort();
		copy = mcp_xstrdup(text);
		for (p = copy;; p = comma + 1) {
			if ((comma = strchr(p, ',')) != NULL)
				*comma = '\0';
			p += strspn(p, " ");
			if ((v = elicit_choose(choices, titled, p)) == NULL) {
				char *c = tui_cli_clean(p, false);

				snprintf(why, size, "'%s' is not one of the "
				    "choices", c);
				free(c);
				cJSON_Delete(arr);
				free(copy);
				return NULL;
			}
			cJSON_AddItemToArray(arr, cJSON_CreateString(v));
			if (comma == NULL)
				break;
		}
		free(copy);
		return arr;
	}
	if ((choices = elicit_choices(schema, &titled)) != NULL) {
		if ((v = elicit_choose(choices, titled, text)) == NULL) {
			snprintf(why, size, "that is not one of the choices");
			return NULL;
		}
		return cJSON_CreateString(v);
	}
	return tui_cli_args_value(schema, text, why, size);
}

/* A default as it would be typed: a list of strings comma-separated. */
static char *
elicit_list(const cJSON *v)
{
	const cJSON *i;
	char *out = mcp_xstrdup(""), *next;

	cJSON_ArrayForEach(i, v) {
		if (!cJSON_IsString(i)) {
			free(out);
			return mcp_json_print(v, NULL);
		}
		next = mcp_xprintf("%s%s%s", out, out[0] != '\0' ? "," : "",
		    i->valuestring);
		free(out);
		out = next;
	}
	if (!cJSON_IsArray(v)) {
		free(out);
		return mcp_json_print(v, NULL);
	}
	return out;
}

static void
elicit_free(struct tui_cli_elicit *e)
{
	free(e->server);
	cJSON_Delete(e->params);
	cJSON_Delete(e->content);
	free(e);
}

/* Take e off the queue (it is the first) and let the next question in. */
static void
elicit_finish(struct tui_cli_elicit *e)
{
	struct tui_cli *cli = e->cli;
	struct tui_cli_elicit **pp;

	for (pp = &cli->elicits; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == e) {
			*pp = e->next;
			break;
		}
	}
	if (e->active) {
		tui_cli_input_stop(cli);
		cli->asking = false;
	}
	elicit_free(e);
	tui_cli_asks_next(cli);
}

static void
elicit_reply(struct tui_cli_elicit *e, const char *action)
{
	cJSON *result = cJSON_CreateObject();
	char *msg;

	if (result == NULL)
		abort();
	mcp_json_add_str(result, "action", action);
	if (strcmp(action, "accept") == 0) {
		mcp_json_add(result, "content", e->content);
		e->content = NULL;
	}
	msg = mcp_xprintf("elicitation from %s answered: %s", e->server,
	    action);
	tui_cli_state_log(e->cli, MCP_LOG_INFO, msg);
	free(msg);
	mcp_request_reply(e->req, result);
	elicit_finish(e);
}

/* The server gave up (or went away): answer into the void, forget it. */
static void
elicit_cancelled(void *arg, struct mcp_request *req)
{
	struct tui_cli_elicit *e = arg;

	(void)req;
	fputs("\n", rl_outstream);
	tui_cli_error(e->cli, "%s no longer waits for the answer", e->server);
	mcp_request_fail(e->req, MCP_REQUEST_CANCELLED, "cancelled", NULL);
	elicit_finish(e);
}

static void
elicit_confirm_line(struct tui_cli *cli, char *line)
{
	struct tui_cli_elicit *e = cli->elicits;
	const char *s = line != NULL ? line + strspn(line, " ") : NULL;

	if (s == NULL || strcasecmp(s, "c") == 0 ||
	    strcasecmp(s, "cancel") == 0) {
		free(line);
		elicit_reply(e, "cancel");
	} else if (strcasecmp(s, "y") == 0 || strcasecmp(s, "yes") == 0) {
		free(line);
		elicit_reply(e, "accept");
	} else if (strcasecmp(s, "n") == 0 || strcasecmp(s, "no") == 0) {
		free(line);
		elicit_reply(e, "decline");
	} else {
		free(line);
		tui_cli_input_start(cli, "answer y (send), n (decline) or c "
		    "(cancel): ", elicit_confirm_line);
	}
}

static void
elicit_field_line(struct tui_cli *cli, char *line)
{
	struct tui_cli_elicit *e = cli->elicits;
	const cJSON *f = e->field, *def;
	cJSON *v = NULL;
	char why[160];

	if (line == NULL) {	/* end of input: give up the whole form */
		fputs("\n", rl_outstream);
		elicit_reply(e, "cancel");
		return;
	}
	if (line[0] == '\0') {
		def = cJSON_GetObjectItemCaseSensitive(f, "default");
		if (def != NULL)
			v = cJSON_Duplicate(def, 1);
		else if (elicit_required(e, f->string)) {
			char *n = tui_cli_clean(f->string, false);

			free(line);
			fprintf(rl_outstream, "    %s is required\n", n);
			free(n);
			elicit_ask(e);
			return;
		}
	} else if ((v = elicit_value(f, line, why, sizeof why)) == NULL) {
		free(line);
		fprintf(rl_outstream, "    %s; try again\n", why);
		elicit_ask(e);
		return;
	}
	free(line);
	if (v != NULL)
		cJSON_AddItemToObject(e->content, f->string, v);
	e->field = f->next;
	elicit_ask(e);
}

/* Ask the current field, or for the final yes when all are answered. */
static void
elicit_ask(struct tui_cli_elicit *e)
{
	struct tui_cli *cli = e->cli;
	FILE *out = rl_outstream;
	const cJSON *f = e->field, *choices, *def;
	bool titled;
	char *prompt, *name, *desc, *d = NULL, *text;

	if (f == NULL) {
		text = mcp_json_print(e->content, NULL);
		name = tui_cli_clean(text, false);
		fprintf(out, "  answer     %s\n", name);
		free(name);
		free(text);
		tui_cli_input_start(cli, "send it? [y]es, [n]o (decline), "
		    "[c]ancel: ", elicit_confirm_line);
		return;
	}
	name = tui_cli_clean(elicit_str(f, "title") != NULL ?
	    elicit_str(f, "title") : f->string, false);
	desc = tui_cli_clean(elicit_str(f, "description") != NULL ?
	    elicit_str(f, "description") : "", false);
	if (desc[0] != '\0') {
		char *n = tui_cli_clean(f->string, false);

		fprintf(out, "  %s: %s\n", n, desc);
		free(n);
	}
	choices = elicit_choices(f, &titled);
	if (choices == NULL)
		choices = elicit_choices(cJSON_GetObjectItemCaseSensitive(f,
		    "items"), &titled);
	if (choices != NULL)
		elicit_print_choices(out, choices, titled);
	if ((def = cJSON_GetObjectItemCaseSensitive(f, "default")) != NULL) {
		text = cJSON_IsString(def) ? mcp_xstrdup(def->valuestring) :
		    elicit_list(def);
		d = tui_cli_clean(text, false);
		free(text);
	}
	prompt = mcp_xprintf("  %s%s%s%s: ", name, d != NULL ? " [" : "",
	    d != NULL ? d : "", d != NULL ? "]" : elicit_required(e,
	    f->string) ? " (required)" : "");
	tui_cli_input_start(cli, prompt, elicit_field_line);
	free(prompt);
	free(name);
	free(desc);
	free(d);
}

void
tui_cli_elicit_next(struct tui_cli *cli)
{
	struct tui_cli_elicit *e = cli->elicits;
	char *msg, *server;

	if (e == NULL || cli->asking)
		return;
	cli->asking = true;
	e->active = true;
	tui_cli_input_stop(cli);
	fflush(stdout);
	msg = tui_cli_clean(elicit_str(e->params, "message") != NULL ?
	    elicit_str(e->params, "message") : "", true);
	server = tui_cli_clean(e->server, false);
	fprintf(rl_outstream, "\n%s asks for input: %s\n  (Enter takes the "
	    "[default]; Ctrl-D cancels)\n", server, msg);
	free(msg);
	free(server);
	e->field = elicit_props(e) != NULL ? elicit_props(e)->child : NULL;
	elicit_ask(e);
}

void
tui_cli_elicit(void *arg, const char *server, struct mcp_request *req,
    const cJSON *params)
{
	struct tui_cli *cli = arg;
	struct tui_cli_elicit *e, **pp;
	const char *mode = elicit_str(params, "mode");
	cJSON *result;

	const cJSON *props = cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(params, "requestedSchema"),
	    "properties");

	if ((mode != NULL && strcmp(mode, "form") != 0) || !cli->interactive ||
	    !cJSON_IsObject(props)) {
		char *s = tui_cli_clean(server, false);

		tui_cli_error(cli, "%s asks for input, and %s; declined", s,
		    !cli->interactive ? "there is no terminal to answer on" :
		    "only forms can be answered here");
		free(s);
		if ((result = cJSON_CreateObject()) == NULL)
			abort();
		mcp_json_add_str(result, "action", "decline");
		mcp_request_reply(req, result);
		return;
	}
	e = mcp_xcalloc(1, sizeof *e);
	e->cli = cli;
	e->req = req;
	e->server = mcp_xstrdup(server);
	if ((e->params = cJSON_Duplicate(params, 1)) == NULL ||
	    (e->content = cJSON_CreateObject()) == NULL)
		abort();
	mcp_request_on_cancel(req, elicit_cancelled, e);
	for (pp = &cli->elicits; *pp != NULL; pp = &(*pp)->next)
		;
	*pp = e;
	tui_cli_asks_next(cli);
}

void
tui_cli_elicit_clear(struct tui_cli *cli)
{
	while (cli->elicits != NULL)
		elicit_reply(cli->elicits, "cancel");
}
