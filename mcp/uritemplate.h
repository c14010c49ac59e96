/*
 * RFC 6570 URI templates: expansion (levels 1-4) and matching a concrete URI
 * back to its variables, as resource templates need.
 */
#ifndef MCP_URITEMPLATE_H
#define MCP_URITEMPLATE_H

#include <stddef.h>
#include <cjson/cJSON.h>

/* Limits */
#define MCP_URITEMPLATE_MAX_LEN 4096	/* bytes of template text */
#define MCP_URITEMPLATE_MAX_VARS 64	/* variable occurrences in a template */
#define MCP_URITEMPLATE_MAX_PREFIX 9999	/* largest {var:N} */
#define MCP_URITEMPLATE_MAX_URI 65536	/* bytes of a uri given to match */

struct mcp_uritemplate;

/* Parse a template. Returns NULL with a one-line reason in err on a syntax
 * error (unclosed brace, bad operator, bad variable name), naming the offset:
 * uri template "x{a": unclosed '{' at offset 1 */
struct mcp_uritemplate *mcp_uritemplate_new(const char *tmpl, char *err, size_t errlen);
/* Frees; NULL does nothing. */
void mcp_uritemplate_free(struct mcp_uritemplate *);
/* The template text (borrowed). */
const char *mcp_uritemplate_text(const struct mcp_uritemplate *);

/* Variables */
/* Distinct variable names; a name used twice ("{x}/{x}") counts once. */
size_t mcp_uritemplate_var_count(const struct mcp_uritemplate *);
/* Name of variable i, in order of first appearance (borrowed). */
const char *mcp_uritemplate_var_name(const struct mcp_uritemplate *, size_t i);

/* Expansion and matching */
/* Expand with vars (borrowed; NULL means no variables), an object of name ->
 * string, number, boolean, array of those (a list) or object of those (an
 * associative array). null, [] and {} are undefined and skipped. Returns a
 * string the caller frees, NULL on error: vars not an object, a nested
 * composite, or a prefix modifier on a composite value ("{list:3}"). */
char *mcp_uritemplate_expand(const struct mcp_uritemplate *, const cJSON *vars);

/*
 * Match uri against the template. On success returns 0 and sets *vars (if
 * vars is not NULL) to a new object (the caller owns it) of name -> decoded
 * string, or array of strings for exploded variables, keys in template order.
 * Returns -1 when the uri does not match; *vars is then left alone.
 *
 * The rules, chosen so that expanding the result gives a uri that matches
 * again:
 * - Literal text matches exactly; only the hex digits of %XX compare without
 *   case, and a non-ASCII template character matches itself or its UTF-8
 *   %XX%XX form.
 * - The uri is at most MCP_URITEMPLATE_MAX_URI bytes of valid uri characters
 *   (RFC 3986 unreserved, reserved, %XX; bytes >= 0x80 allowed as in IRIs).
 * - Values are percent-decoded; a value that would hold a NUL byte or invalid
 *   UTF-8 does not match. Unencoded reserved characters that carry no meaning
 *   at that place (':', '@', '=', ...) are accepted in values.
 * - {var} matches one or more characters, not '/', '?', '#' or ','.
 *   {+var} and {#var} also take '/', '?', '#' and ','; {+var} needs one or
 *   more characters, {#var} nothing or '#' and one or more. Their values may
 *   not decode to "%XX" (%25XX in the uri): expansion would not re-encode it.
 * - {/var} and {.var} are nothing or the prefix character and a value (may be
 *   empty) without '/', '?', '#'.
 * - {;a,b}, {?a,b} and {&a,b} are nothing or parameters after the prefix
 *   character, in any order, each at most once (an exploded variable may
 *   repeat and collects an array). "?a" alone gives a = "". An unknown
 *   parameter name means no match. Values may not hold the separator (';' or
 *   '&'), nor '#', nor for ';' also '/' and '?'. Parameters are not shared
 *   between expressions: "{?a}{&b}" wants a before b.
 * - Inside one expression the values are split at the separator (',' '.' '/')
 *   left to right; the last variable may hold further separators where
 *   expansion leaves them unencoded (',' in {+..} and {#..}, '.' in {.x}).
 *   An exploded variable takes every remaining item, so a variable after it
 *   in the same expression stays undefined. Variables after the last value
 *   are undefined (absent from *vars).
 * - {var:N} matches at most N characters.
 * - Between expressions, each value is as short as possible such that the rest
 *   of the template still matches (backtracking): "{a}-{b}" on "x-y-z" gives
 *   a = "x", b = "y-z"; "{+dir}/{name}" on "a/b/c" gives dir = "a/b". An
 *   expression that may be empty is tried empty last: "{/a}{/b}" on "/x"
 *   gives a = "x".
 * - A variable used more than once must get equal values ({x:1}/{x}: the
 *   first is the prefix of the second), or be undefined everywhere; a split
 *   where they differ is dropped and the next one tried.
 * - Cost is bounded: a linear pass (parts x uri length; about 1ms for a
 *   64 KiB uri and a few parts) rules out most splits, then backtracking
 *   gives up after a fixed amount of work (a few milliseconds) and reports
 *   no match ("gave up" in err).
 */
int mcp_uritemplate_match(const struct mcp_uritemplate *, const char *uri, cJSON **vars);
/* As mcp_uritemplate_match, writing why it did not match to err: "uri does
 * not match", an invalid or too long uri, conflicting values, or "gave up". */
int mcp_uritemplate_match_err(const struct mcp_uritemplate *, const char *uri,
    cJSON **vars, char *err, size_t errlen);

#endif
