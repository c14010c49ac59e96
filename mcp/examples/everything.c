/*
 * mcp-example-everything: an example server on the kit that exposes the
 * official conformance suite's fixtures (exact names and replies), plus a
 * few tools our own tests use (echo, test_slow, test_trigger_resource_update).
 * Run it on stdio, or with --http ADDR:PORT on Streamable HTTP.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "mcp/json.h"
#include "mcp/server.h"

/* A 1x1 PNG and a tiny WAV, as the conformance suite's reference server. */
#define PNG_B64 "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg=="
#define WAV_B64 "UklGRiYAAABXQVZFZm10IBAAAAABAAEAQB8AAAB9AAACABAAZGF0YQIAAAA="
#define NO_ARGS "{\"type\":\"object\",\"properties\":{},\"additionalProperties\":false}"
#define WATCHED "test://watched-resource"

/* Content blocks */

static cJSON *
text_block(const char *text)
{
	cJSON *b = cJSON_CreateObject();

	mcp_json_add_str(b, "type", "text");
	mcp_json_add_str(b, "text", text);
	return b;
}

static cJSON *
media_block(const char *type, const char *data, const char *mime)
{
	cJSON *b = cJSON_CreateObject();

	mcp_json_add_str(b, "type", type);
	mcp_json_add_str(b, "data", data);
	mcp_json_add_str(b, "mimeType", mime);
	return b;
}

static cJSON *
resource_block(const char *uri, const char *mime, const char *text)
{
	cJSON *b = cJSON_CreateObject(), *r = cJSON_CreateObject();

	mcp_json_add_str(r, "uri", uri);
	mcp_json_add_str(r, "mimeType", mime);
	mcp_json_add_str(r, "text", text);
	mcp_json_add_str(b, "type", "resource");
	mcp_json_add(b, "resource", r);
	return b;
}

/* Return the blocks (taken, NULL-terminated) as a tool result. */
static void
return_blocks(struct mcp_call *c, cJSON *first, ...)
{
	cJSON *result = cJSON_CreateObject(), *content = cJSON_CreateArray();
	cJSON *b;
	va_list ap;

	va_start(ap, first);
	for (b = first; b != NULL; b = va_arg(ap, cJSON *))
		cJSON_AddItemToArray(content, b);
	va_end(ap);
	mcp_json_add(result, "content", content);
	mcp_call_return(c, result);
}

/* Simple tools */

static void
tool_simple_text(struct mcp_call *c, const cJSON *args, void *arg)
{
	(void)args;
	(void)arg;
	mcp_call_return_text(c, "This is a simple text response for testing.");
}

static void
tool_image(struct mcp_call *c, const cJSON *args, void *arg)
{
	(void)args;
	(void)arg;
	return_blocks(c, media_block("image", PNG_B64, "image/png"), NULL);
}

static void
tool_audio(struct mcp_call *c, const cJSON *args, void *arg)
{
	(void)args;
	(void)arg;
	return_blocks(c, media_block("audio", WAV_B64, "audio/wav"), NULL);
}

static void
tool_embedded(struct mcp_call *c, const cJSON *args, void *arg)
{
	(void)args;
	(void)arg;
	return_blocks(c, resource_block("test://embedded-resource", "text/plain",
	    "This is an embedded resource content."), NULL);
}

static void
tool_multiple(struct mcp_call *c, const cJSON *args, void *arg)
{
	(void)args;
	(void)arg;
	return_blocks(c, text_block("Multiple content types test:"),
	    media_block("image", PNG_B64, "image/png"),
	    resource_block("test://mixed-content-resource", "application/json",
	    "{\"test\":\"data\",\"value\":123}"), NULL);
}

static void
tool_error(struct mcp_call *c, const cJSON *args, void *arg)
{
	(void)args;
	(void)arg;
	mcp_call_return_error(c,
	    "This tool intentionally returns an error for testing");
}

static void
tool_echo(struct mcp_call *c, const cJSON *args, void *arg)
{
	const cJSON *text = cJSON_GetObjectItemCaseSensitive(args, "text");

	(void)arg;
	/* The kit validated args against the schema: text is a string. */
	mcp_call_return_text(c, text->valuestring);
}

static void
tool_json_schema(struct mcp_call *c, const cJSON *args, void *arg)
{
	char *json = mcp_json_print(args, NULL);
	char *text = mcp_xprintf("JSON Schema 2020-12 tool called with: %s", json);

	(void)arg;
	mcp_call_return_text(c, text);
	free(text);
	free(json);
}

static void
tool_trigger_update(struct mcp_call *c, const cJSON *args, void *arg)
{
	(void)args;
	(void)arg;
	mcp_server_resource_updated(mcp_call_server(c), WATCHED);
	mcp_call_return_text(c, "Sent notifications/resources/updated for "
	    WATCHED " to its subscribers");
}

/* Tools that take time: a timer drives each through its steps. */

struct stepper {
	struct mcp_call *call;
	struct event *ev;
	int step;
	void (*fn)(struct stepper *);	/* one step; ends the call at the last */
};

static void stepper_cb(evutil_socket_t, short, void *);

static void
stepper_end(struct stepper *s)
{
	event_free(s->ev);
	free(s);
}

static void
stepper_cancel(void *arg, struct mcp_call *c)
{
	struct stepper *s = arg;

	/* The answer is dropped by the kit; end the call and stop the timer. */
	mcp_call_return_text(c, "cancelled");
	stepper_end(s);
}

static void
stepper_start(struct mcp_call *c, void (*fn)(struct stepper *))
{
	struct stepper *s = mcp_xcalloc(1, sizeof *s);

	s->call = c;
	s->fn = fn;
	s->ev = evtimer_new(mcp_server_base(mcp_call_server(c)), stepper_cb, s);
	mcp_call_on_cancel(c, stepper_cancel, s);
	fn(s);
}

static void
stepper_after(struct stepper *s, int ms)
{
	struct timeval tv = { ms / 1000, (ms % 1000) * 1000 };

	evtimer_add(s->ev, &tv);
}

static void
stepper_cb(evutil_socket_t fd, short events, void *arg)
{
	struct stepper *s = arg;

	(void)fd;
	(void)events;
	s->step++;
	s->fn(s);
}

static void
logging_step(struct stepper *s)
{
	static const char *const msgs[] = { "Tool execution started",
	    "Tool processing data", "Tool execution completed" };

	mcp_call_log(s->call, MCP_LOG_INFO, NULL,
	    cJSON_CreateString(msgs[s->step]));
	if (s->step < 2) {
		stepper_after(s, 50);
		return;
	}
	mcp_call_on_cancel(s->call, NULL, NULL);
	mcp_call_return_text(s->call, "Tool with logging executed successfully");
	stepper_end(s);
}

static void
tool_logging(struct mcp_call *c, const cJSON *args, void *arg)
{
	(void)args;
	(void)arg;
	stepper_start(c, logging_step);
}

static void
progress_step(struct stepper *s)
{
	char msg[64];
	double p = 50.0 * s->step;

	snprintf(msg, sizeof msg, "Completed step %g of 100", p);
	mcp_call_progress(s->call, p, 100, msg);
	if (s->step < 2) {
		stepper_after(s, 50);
		return;
	}
	mcp_call_on_cancel(s->call, NULL, NULL);
	mcp_call_return_text(s->call, "Progress test completed");
	stepper_end(s);
}

static void
tool_progress(struct mcp_call *c, const cJSON *args, void *arg)
{
	(void)args;
	(void)arg;
	stepper_start(c, progress_step);
}

static void
reconnection_step(struct stepper *s)
{
	if (s->step == 0) {
		stepper_after(s, 100);
		return;
	}
	mcp_call_on_cancel(s->call, NULL, NULL);
	mcp_call_return_text(s->call, "Reconnection test completed successfully. "
	    "If you received this, the client properly reconnected after stream "
	    "closure.");
	stepper_end(s);
}

/* SEP-1699 polling: over HTTP, end the POST stream right after its priming
 * event; the answer, 100 ms later, waits in the replay store until the client
 * resumes with GET and Last-Event-ID. On stdio (or a session older than
 * 2025-11-25) closing fails and we simply answer. */
static void
tool_reconnection(struct mcp_call *c, const cJSON *args, void *arg)
{
	(void)args;
	(void)arg;
	(void)mcp_call_close_stream(c);
	stepper_start(c, reconnection_step);
}

/* test_slow: answer "done" after ms milliseconds unless cancelled; reports
 * progress every 100 ms so the client's timeout is re-armed. */
struct slow {
	struct stepper s;
	int64_t ms, done;
};

static void
slow_step(struct stepper *st)
{
	struct slow *sl = (struct slow *)st;
	int64_t left = sl->ms - sl->done;

	if (left <= 0) {
		mcp_call_on_cancel(st->call, NULL, NULL);
		mcp_call_return_text(st->call, "done");
		stepper_end(st);
		return;
	}
	if (st->step > 0)
		mcp_call_progress(st->call, (double)sl->done, (double)sl->ms, NULL);
	left = left > 100 ? 100 : left;
	sl->done += left;
	stepper_after(st, (int)left);
}

static void
tool_slow(struct mcp_call *c, const cJSON *args, void *arg)
{
	struct slow *sl = mcp_xcalloc(1, sizeof *sl);

	(void)arg;
	sl->ms = (int64_t)cJSON_GetObjectItemCaseSensitive(args, "ms")->valuedouble;
	sl->s.call = c;
	sl->s.fn = slow_step;
	sl->s.ev = evtimer_new(mcp_server_base(mcp_call_server(c)), stepper_cb,
	    &sl->s);
	mcp_call_on_cancel(c, stepper_cancel, &sl->s);
	slow_step(&sl->s);
}

/* Tools that ask the client */

struct ask {
	struct mcp_call *call;
	const char *label;
	bool gone;		/* the call was cancelled and ended */
};

static void
ask_cancel(void *arg, struct mcp_call *c)
{
	struct ask *a = arg;

	a->gone = true;
	mcp_call_return_text(c, "cancelled");
}

static void
sampling_done(void *arg, const struct mcp_response *r)
{
	struct ask *a = arg;
	const cJSON *content, *text;

	if (a->gone) {
		free(a);
		return;
	}
	mcp_call_on_cancel(a->call, NULL, NULL);
	if (r->code != 0) {
		mcp_call_return_error(a->call, "Sampling failed: %s",
		    r->message != NULL ? r->message : mcp_strerror(r->code));
		free(a);
		return;
	}
	content = cJSON_GetObjectItemCaseSensitive(r->result, "content");
	if (cJSON_IsArray(content))
		content = cJSON_GetArrayItem(content, 0);
	text = cJSON_GetObjectItemCaseSensitive(content, "text");
	if (cJSON_IsString(text)) {
		char *msg = mcp_xprintf("LLM response: %s", text->valuestring);

		mcp_call_return_text(a->call, msg);
		free(msg);
	} else
		mcp_call_return_error(a->call,
		    "Sampling failed: the reply has no text content");
	free(a);
}

static void
elicit_done(void *arg, const struct mcp_response *r)
{
	struct ask *a = arg;
	const cJSON *action, *content;
	char *json, *msg;

	if (a->gone) {
		free(a);
		return;
	}
	mcp_call_on_cancel(a->call, NULL, NULL);
	action = cJSON_GetObjectItemCaseSensitive(r->result, "action");
	if (r->code != 0 || !cJSON_IsString(action)) {
		mcp_call_return_error(a->call, "Elicitation failed: %s",
		    r->code != 0 && r->message != NULL ? r->message :
		    "the reply has no action");
		free(a);
		return;
	}
	content = cJSON_GetObjectItemCaseSensitive(r->result, "content");
	json = content != NULL ? mcp_json_print(content, NULL) :
	    mcp_xstrdup("{}");
	msg = mcp_xprintf("%s: action=%s, content=%s", a->label,
	    action->valuestring, json);
	mcp_call_return_text(a->call, msg);
	free(msg);
	free(json);
	free(a);
}

static void
ask_client(struct mcp_call *c, const char *method, cJSON *params,
    const char *label)
{
	struct ask *a = mcp_xcalloc(1, sizeof *a);
	bool sampling = strcmp(method, "sampling/createMessage") == 0;

	a->call = c;
	a->label = label;
	mcp_call_on_cancel(c, ask_cancel, a);
	if (mcp_call_request(c, method, params, sampling ? sampling_done :
	    elicit_done, a) != 0) {
		mcp_call_on_cancel(c, NULL, NULL);
		mcp_call_return_error(c, "%s not supported: the client did not "
		    "declare the %s capability", sampling ? "Sampling" :
		    "Elicitation", sampling ? "sampling" : "elicitation");
		free(a);
	}
}

static void
tool_sampling(struct mcp_call *c, const cJSON *args, void *arg)
{
	const cJSON *prompt = cJSON_GetObjectItemCaseSensitive(args, "prompt");
	cJSON *params = cJSON_CreateObject(), *msgs = cJSON_CreateArray();
	cJSON *m = cJSON_CreateObject();

	(void)arg;
	mcp_json_add_str(m, "role", "user");
	mcp_json_add(m, "content", text_block(prompt->valuestring));
	cJSON_AddItemToArray(msgs, m);
	mcp_json_add(params, "messages", msgs);
	mcp_json_add_num(params, "maxTokens", 100);
	ask_client(c, "sampling/createMessage", params, NULL);
}

static void
elicit(struct mcp_call *c, const char *message, const char *schema,
    const char *label)
{
	cJSON *params = cJSON_CreateObject();

	mcp_json_add_str(params, "message", message);
	mcp_json_add(params, "requestedSchema", mcp_json_parse_const(schema));
	ask_client(c, "elicitation/create", params, label);
}

static void
tool_elicitation(struct mcp_call *c, const cJSON *args, void *arg)
{
	(void)arg;
	elicit(c, cJSON_GetObjectItemCaseSensitive(args, "message")->valuestring,
	    "{\"type\":\"object\",\"properties\":{"
	    "\"username\":{\"type\":\"string\",\"description\":\"User's response\"},"
	    "\"email\":{\"type\":\"string\",\"description\":\"User's email address\"}},"
	    "\"required\":[\"username\",\"email\"]}", "User response");
}

static void
tool_elicit_defaults(struct mcp_call *c, const cJSON *args, void *arg)
{
	(void)args;
	(void)arg;
	elicit(c, "Please review and update the form fields with defaults",
	    "{\"type\":\"object\",\"properties\":{"
	    "\"name\":{\"type\":\"string\",\"description\":\"User name\",\"default\":\"John Doe\"},"
	    "\"age\":{\"type\":\"integer\",\"description\":\"User age\",\"default\":30},"
	    "\"score\":{\"type\":\"number\",\"description\":\"User score\",\"default\":95.5},"
	    "\"status\":{\"type\":\"string\",\"description\":\"User status\","
	    "\"enum\":[\"active\",\"inactive\",\"pending\"],\"default\":\"active\"},"
	    "\"verified\":{\"type\":\"boolean\",\"description\":\"Verification status\",\"default\":true}},"
	    "\"required\":[]}", "Elicitation completed");
}

static void
tool_elicit_enums(struct mcp_call *c, const cJSON *args, void *arg)
{
	(void)args;
	(void)arg;
	elicit(c, "Please select options from the enum fields",
	    "{\"type\":\"object\",\"properties\":{"
	    "\"untitledSingle\":{\"type\":\"string\",\"description\":\"Select one option\","
	    "\"enum\":[\"option1\",\"option2\",\"option3\"]},"
	    "\"titledSingle\":{\"type\":\"string\",\"description\":\"Select one option with titles\","
	    "\"oneOf\":[{\"const\":\"value1\",\"title\":\"First Option\"},"
	    "{\"const\":\"value2\",\"title\":\"Second Option\"},"
	    "{\"const\":\"value3\",\"title\":\"Third Option\"}]},"
	    "\"legacyEnum\":{\"type\":\"string\",\"description\":\"Select one option (legacy)\","
	    "\"enum\":[\"opt1\",\"opt2\",\"opt3\"],"
	    "\"enumNames\":[\"Option One\",\"Option Two\",\"Option Three\"]},"
	    "\"untitledMulti\":{\"type\":\"array\",\"description\":\"Select multiple options\","
	    "\"minItems\":1,\"maxItems\":3,"
	    "\"items\":{\"type\":\"string\",\"enum\":[\"option1\",\"option2\",\"option3\"]}},"
	    "\"titledMulti\":{\"type\":\"array\",\"description\":\"Select multiple options with titles\","
	    "\"minItems\":1,\"maxItems\":3,\"items\":{\"anyOf\":["
	    "{\"const\":\"value1\",\"title\":\"First Choice\"},"
	    "{\"const\":\"value2\",\"title\":\"Second Choice\"},"
	    "{\"const\":\"value3\",\"title\":\"Third Choice\"}]}}},"
	    "\"required\":[]}", "Elicitation completed");
}

static const struct mcp_tool tools[] = {
	{ .name = "test_simple_text", .description = "Returns a simple text response",
	  .input_schema = NO_ARGS, .handler = tool_simple_text,
	  .annotations = "{\"readOnlyHint\":true}" },
	{ .name = "test_image_content", .description = "Returns a PNG image content block",
	  .input_schema = NO_ARGS, .handler = tool_image },
	{ .name = "test_audio_content", .description = "Returns a WAV audio content block",
	  .input_schema = NO_ARGS, .handler = tool_audio },
	{ .name = "test_embedded_resource", .description = "Returns an embedded text resource",
	  .input_schema = NO_ARGS, .handler = tool_embedded },
	{ .name = "test_multiple_content_types",
	  .description = "Returns text, image and embedded resource content",
	  .input_schema = NO_ARGS, .handler = tool_multiple },
	{ .name = "test_tool_with_logging",
	  .description = "Emits three info log messages while running",
	  .input_schema = NO_ARGS, .handler = tool_logging },
	{ .name = "test_tool_with_progress",
	  .description = "Reports progress 0, 50, 100 of 100 while running",
	  .input_schema = NO_ARGS, .handler = tool_progress },
	{ .name = "test_error_handling", .description = "Always returns a tool error (isError)",
	  .input_schema = NO_ARGS, .handler = tool_error },
	{ .name = "test_sampling",
	  .description = "Asks the client to sample an LLM completion for the prompt",
	  .input_schema = "{\"type\":\"object\",\"properties\":{\"prompt\":{\"type\":\"string\","
	      "\"description\":\"The prompt to send to the LLM\"}},\"required\":[\"prompt\"],"
	      "\"additionalProperties\":false}",
	  .handler = tool_sampling },
	{ .name = "test_elicitation",
	  .description = "Asks the client to elicit a username and email from the user",
	  .input_schema = "{\"type\":\"object\",\"properties\":{\"message\":{\"type\":\"string\","
	      "\"description\":\"The message to show the user\"}},\"required\":[\"message\"],"
	      "\"additionalProperties\":false}",
	  .handler = tool_elicitation },
	{ .name = "test_elicitation_sep1034_defaults",
	  .description = "Elicits a form whose fields all have defaults (SEP-1034)",
	  .input_schema = NO_ARGS, .handler = tool_elicit_defaults },
	{ .name = "test_elicitation_sep1330_enums",
	  .description = "Elicits a form with all five enum variants (SEP-1330)",
	  .input_schema = NO_ARGS, .handler = tool_elicit_enums },
	{ .name = "json_schema_2020_12_tool",
	  .description = "Tool with JSON Schema 2020-12 features (SEP-1613)",
	  .input_schema = "{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\","
	      "\"type\":\"object\",\"$defs\":{\"address\":{\"type\":\"object\",\"properties\":{"
	      "\"street\":{\"type\":\"string\"},\"city\":{\"type\":\"string\"}}}},"
	      "\"properties\":{\"name\":{\"type\":\"string\"},\"address\":{\"$ref\":\"#/$defs/address\"}},"
	      "\"additionalProperties\":false}",
	  .handler = tool_json_schema },
	{ .name = "test_reconnection",
	  .description = "Closes the POST SSE stream mid-call, then answers (SEP-1699 polling)",
	  .input_schema = NO_ARGS, .handler = tool_reconnection },
	{ .name = "echo", .title = "Echo", .description = "Returns its text argument",
	  .input_schema = "{\"type\":\"object\",\"properties\":{\"text\":{\"type\":\"string\","
	      "\"maxLength\":65536}},\"required\":[\"text\"],\"additionalProperties\":false}",
	  .annotations = "{\"readOnlyHint\":true,\"openWorldHint\":false}",
	  .handler = tool_echo },
	{ .name = "test_slow",
	  .description = "Sleeps ms milliseconds, then answers \"done\"; cancellable",
	  .input_schema = "{\"type\":\"object\",\"properties\":{\"ms\":{\"type\":\"integer\","
	      "\"minimum\":0,\"maximum\":600000,\"description\":\"Milliseconds to sleep\"}},"
	      "\"required\":[\"ms\"],\"additionalProperties\":false}",
	  .handler = tool_slow },
	{ .name = "test_trigger_resource_update",
	  .description = "Sends notifications/resources/updated for test://watched-resource to subscribers",
	  .input_schema = NO_ARGS, .handler = tool_trigger_update },
};

/* Resources */

static void
return_contents(struct mcp_call *c, const char *uri, const char *mime,
    const char *key, const char *value)
{
	cJSON *result = cJSON_CreateObject(), *contents = cJSON_CreateArray();
	cJSON *item = cJSON_CreateObject();

	mcp_json_add_str(item, "uri", uri);
	mcp_json_add_str(item, "mimeType", mime);
	mcp_json_add_str(item, key, value);
	cJSON_AddItemToArray(contents, item);
	mcp_json_add(result, "contents", contents);
	mcp_call_return(c, result);
}

static void
res_static_text(struct mcp_call *c, const char *uri, const cJSON *vars, void *arg)
{
	(void)vars;
	(void)arg;
	return_contents(c, uri, "text/plain", "text",
	    "This is the content of the static text resource.");
}

static void
res_static_binary(struct mcp_call *c, const char *uri, const cJSON *vars,
    void *arg)
{
	(void)vars;
	(void)arg;
	return_contents(c, uri, "image/png", "blob", PNG_B64);
}

static void
res_watched(struct mcp_call *c, const char *uri, const cJSON *vars, void *arg)
{
	(void)vars;
	(void)arg;
	return_contents(c, uri, "text/plain", "text", "Watched resource content");
}

static void
res_template(struct mcp_call *c, const char *uri, const cJSON *vars, void *arg)
{
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(vars, "id");
	cJSON *data = cJSON_CreateObject();
	char *text, *desc;

	(void)arg;
	if (!cJSON_IsString(id)) {
		mcp_call_fail(c, MCP_RESOURCE_NOT_FOUND, "resource not found");
		cJSON_Delete(data);
		return;
	}
	desc = mcp_xprintf("Data for ID: %s", id->valuestring);
	mcp_json_add_str(data, "id", id->valuestring);
	mcp_json_add_bool(data, "templateTest", true);
	mcp_json_add_str(data, "data", desc);
	text = mcp_json_print(data, NULL);
	return_contents(c, uri, "application/json", "text", text);
	free(text);
	free(desc);
	cJSON_Delete(data);
}

static const struct mcp_resource resources[] = {
	{ .uri = "test://static-text", .name = "static-text",
	  .title = "Static Text Resource",
	  .description = "A static text resource for testing",
	  .mime_type = "text/plain", .handler = res_static_text },
	{ .uri = "test://static-binary", .name = "static-binary",
	  .title = "Static Binary Resource",
	  .description = "A static binary resource (1x1 PNG) for testing",
	  .mime_type = "image/png", .handler = res_static_binary },
	{ .uri = WATCHED, .name = "watched-resource", .title = "Watched Resource",
	  .description = "A resource that supports subscriptions",
	  .mime_type = "text/plain", .handler = res_watched },
};

static const struct mcp_resource_template templates[] = {
	{ .uri_template = "test://template/{id}/data", .name = "template",
	  .title = "Resource Template",
	  .description = "A resource template with parameter substitution",
	  .mime_type = "application/json", .handler = res_template },
};

/* Prompts */

static cJSON *
prompt_message(cJSON *content)
{
	cJSON *m = cJSON_CreateObject();

	mcp_json_add_str(m, "role", "user");
	mcp_json_add(m, "content", content);
	return m;
}

static void
return_messages(struct mcp_call *c, cJSON *first, cJSON *second)
{
	cJSON *result = cJSON_CreateObject(), *msgs = cJSON_CreateArray();

	cJSON_AddItemToArray(msgs, prompt_message(first));
	if (second != NULL)
		cJSON_AddItemToArray(msgs, prompt_message(second));
	mcp_json_add(result, "messages", msgs);
	mcp_call_return(c, result);
}

static void
prompt_simple(struct mcp_call *c, const cJSON *args, void *arg)
{
	(void)args;
	(void)arg;
	return_messages(c, text_block("This is a simple prompt for testing."),
	    NULL);
}

static void
prompt_args(struct mcp_call *c, const cJSON *args, void *arg)
{
	/* The kit checked that both required arguments are strings. */
	char *text = mcp_xprintf("Prompt with arguments: arg1='%s', arg2='%s'",
	    cJSON_GetObjectItemCaseSensitive(args, "arg1")->valuestring,
	    cJSON_GetObjectItemCaseSensitive(args, "arg2")->valuestring);

	(void)arg;
	return_messages(c, text_block(text), NULL);
	free(text);
}

static void
prompt_embedded(struct mcp_call *c, const cJSON *args, void *arg)
{
	(void)arg;
	return_messages(c, resource_block(cJSON_GetObjectItemCaseSensitive(args,
	    "resourceUri")->valuestring, "text/plain",
	    "Embedded resource content for testing."),
	    text_block("Please process the embedded resource above."));
}

static void
prompt_image(struct mcp_call *c, const cJSON *args, void *arg)
{
	(void)args;
	(void)arg;
	return_messages(c, media_block("image", PNG_B64, "image/png"),
	    text_block("Please analyze the image above."));
}

static void
complete_args(struct mcp_call *c, const char *argument, const char *value,
    const cJSON *context, void *arg)
{
	static const char *const arg1[] = { "paris", "park", "party" };
	cJSON *values = cJSON_CreateArray();
	size_t i;

	(void)context;
	(void)arg;
	if (strcmp(argument, "arg1") == 0) {
		for (i = 0; i < sizeof arg1 / sizeof arg1[0]; i++) {
			if (strncmp(arg1[i], value, strlen(value)) == 0)
				cJSON_AddItemToArray(values,
				    cJSON_CreateString(arg1[i]));
		}
	}
	mcp_call_return_completion(c, values, false);
}

static const struct mcp_prompt prompts[] = {
	{ .name = "test_simple_prompt", .title = "Simple Test Prompt",
	  .description = "A simple prompt without arguments",
	  .handler = prompt_simple },
	{ .name = "test_prompt_with_arguments", .title = "Prompt With Arguments",
	  .description = "A prompt with required arguments",
	  .args = { { .name = "arg1", .description = "First test argument",
	      .required = true },
	    { .name = "arg2", .description = "Second test argument",
	      .required = true } },
	  .handler = prompt_args, .complete = complete_args },
	{ .name = "test_prompt_with_embedded_resource",
	  .title = "Prompt With Embedded Resource",
	  .description = "A prompt that includes an embedded resource",
	  .args = { { .name = "resourceUri",
	      .description = "URI of the resource to embed", .required = true } },
	  .handler = prompt_embedded },
	{ .name = "test_prompt_with_image", .title = "Prompt With Image",
	  .description = "A prompt that includes image content",
	  .handler = prompt_image },
};

static const struct mcp_server_info info = {
	.name = "mcp-example-everything",
	.version = "0.1.0",
	.title = "tripmcp example server",
	.description = "An example MCP server on tripmcp's server kit, exposing "
	    "the official conformance suite's fixtures.",
};

#define ADD_ALL(fn, table) do { \
	for (i = 0; i < sizeof(table) / sizeof((table)[0]); i++) { \
		if (fn(srv, &(table)[i], NULL, &err) != 0) \
			goto fail; \
	} \
} while (0)

int
main(int argc, char **argv)
{
	struct mcp_server *srv = mcp_server_new(&info);
	struct mcp_err err = { 0, "" };
	size_t i;
	int rc;

	ADD_ALL(mcp_server_add_tool, tools);
	ADD_ALL(mcp_server_add_resource, resources);
	ADD_ALL(mcp_server_add_template, templates);
	ADD_ALL(mcp_server_add_prompt, prompts);
	rc = mcp_server_main(srv, argc, argv, NULL, NULL);
	mcp_server_free(srv);
	return rc;
fail:
	fprintf(stderr, "%s: %s\n", info.name, err.msg);
	mcp_server_free(srv);
	return 1;
}
