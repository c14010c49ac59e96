/*
 * The approval gate's question. The host decides when to ask; this is how
 * tripmcp asks: on a terminal, a readline prompt showing the exact server,
 * tool and JSON arguments that will be sent, answered once, for the session,
 * always (kept in grants.json) or deny; without a terminal the action is
 * refused unless --yes approved this one command's calls. Every decision
 * goes to the audit log.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <readline/readline.h>

#include "mcp/json.h"
#include "tui/cli.h"

/* Bookings, cancellations and email: asked every time, whatever the
 * configuration or a grant says (the host enforces it; the list is ours). */
const char *const tui_cli_always_ask[] = {
	"bookFlight",
	"bookHotel",
	"cancelBooking",
	"sendEmail",
	NULL,
};

struct tui_cli_ask {
	struct tui_cli_ask *next;
	struct mcp_host_request req;	/* its strings are the copies below */
	char *server, *tool, *arguments, *reason;
};

static void approve_next(struct tui_cli *);

static void
approve_free(struct tui_cli_ask *a)
{
	free(a->server);
	free(a->tool);
	free(a->arguments);
	free(a->reason);
	free(a);
}

static void
approve_answer(struct tui_cli *cli, struct tui_cli_ask *a,
    enum mcp_host_decision d, const char *by)
{
	static const char *const names[] = { "deny", "once", "session",
	    "always" };

	tui_cli_state_audit(cli, &a->req, names[d], by);
	if (d == MCP_HOST_ALWAYS && a->req.grantable)
		tui_cli_state_grant_save(cli, a->req.server, a->req.tool);
	/* The call may end inside; it may have ended already (-1). */
	mcp_host_answer(cli->host, a->req.call, d);
}

void
tui_cli_approve(void *arg, const struct mcp_host_request *req)
{
	struct tui_cli *cli = arg;
	struct tui_cli_ask *a;

	if (cli->yes) {
		tui_cli_state_audit(cli, req, "once", "--yes");
		mcp_host_answer(cli->host, req->call, MCP_HOST_ONCE);
		return;
	}
	if (!cli->interactive) {
		char *tool = tui_cli_clean(req->tool, false);
		char *reason = tui_cli_clean(req->reason, false);

		tui_cli_error(cli, "%s/%s needs approval (%s) and there is no "
		    "terminal to ask on; nothing was sent: run it on a "
		    "terminal, or add --yes to approve this command's calls",
		    req->server, tool, reason);
		free(tool);
		free(reason);
		cli->declined_told = true;
		tui_cli_state_audit(cli, req, "deny", "no terminal");
		mcp_host_answer(cli->host, req->call, MCP_HOST_DENY);
		return;
	}
	a = mcp_xcalloc(1, sizeof *a);
	a->server = mcp_xstrdup(req->server);
	a->tool = mcp_xstrdup(req->tool);
	a->arguments = mcp_xstrdup(req->arguments);
	a->reason = mcp_xstrdup(req->reason != NULL ? req->reason : "");
	a->req = *req;
	a->req.server = a->server;
	a->req.tool = a->tool;
	a->req.arguments = a->arguments;
	a->req.reason = a->reason;
	a->req.annotations = NULL;	/* borrowed only for the callback */
	if (cli->asks_tail == NULL)
		cli->asks_tail = &cli->asks;
	*cli->asks_tail = a;
	cli->asks_tail = &a->next;
	tui_cli_asks_next(cli);
}

void
tui_cli_asks_next(struct tui_cli *cli)
{
	approve_next(cli);
	tui_cli_elicit_next(cli);
	if (!cli->asking)
		tui_cli_repl_next(cli);
}

static struct tui_cli_ask *
approve_pop(struct tui_cli *cli)
{
	struct tui_cli_ask *a = cli->asks;

	if (a == NULL)
		return NULL;
	cli->asks = a->next;
	if (cli->asks == NULL)
		cli->asks_tail = &cli->asks;
	return a;
}

static void
approve_line(struct tui_cli *cli, char *line)
{
	struct tui_cli_ask *a = cli->asks;
	enum mcp_host_decision d;
	const char *s = line;

	if (a == NULL) {
		free(line);
		return;
	}
	if (s == NULL) {
		fputs("\n", rl_outstream);
		d = MCP_HOST_DENY;
	} else {
		s += strspn(s, " \t");
		if (strcasecmp(s, "o") == 0 || strcasecmp(s, "once") == 0 ||
		    strcasecmp(s, "y") == 0 || strcasecmp(s, "yes") == 0)
			d = MCP_HOST_ONCE;
		else if (a->req.grantable && (strcasecmp(s, "s") == 0 ||
		    strcasecmp(s, "session") == 0))
			d = MCP_HOST_SESSION;
		else if (a->req.grantable && (strcasecmp(s, "a") == 0 ||
		    strcasecmp(s, "always") == 0))
			d = MCP_HOST_ALWAYS;
		else if (strcasecmp(s, "d") == 0 || strcasecmp(s, "deny") == 0 ||
		    strcasecmp(s, "n") == 0 || strcasecmp(s, "no") == 0)
			d = MCP_HOST_DENY;
		else {
			free(line);
			fprintf(rl_outstream, "answer %s\n", a->req.grantable ?
			    "o (once), s (this session), a (always) or d (deny)" :
			    "o (once) or d (deny)");
			cli->asking = false;
			approve_next(cli);
			return;
		}
	}
	free(line);
	a = approve_pop(cli);
	cli->asking = false;
	approve_answer(cli, a, d, "user");
	approve_free(a);
	tui_cli_asks_next(cli);
}

static void
approve_next(struct tui_cli *cli)
{
	struct tui_cli_ask *a = cli->asks;
	FILE *out = rl_outstream;
	char *tool, *args, *reason;

	if (a == NULL || cli->asking)
		return;
	cli->asking = true;
	tui_cli_input_stop(cli);
	tool = tui_cli_clean(a->tool, false);
	args = tui_cli_clean(a->arguments, false);
	reason = tui_cli_clean(a->reason, false);
	fflush(stdout);
	fprintf(out, "\n%s/%s asks for approval: %s\n"
	    "  server     %s\n"
	    "  tool       %s\n"
	    "  arguments  %s\n", a->server, tool, reason, a->server, tool,
	    args);
	if (!a->req.grantable)
		fprintf(out, "  (%s can only be approved once at a time)\n",
		    tool);
	fflush(out);
	free(tool);
	free(args);
	free(reason);
	tui_cli_input_start(cli, a->req.grantable ?
	    "approve? [o]nce, [s]ession, [a]lways, [d]eny: " :
	    "approve? [o]nce, [d]eny: ", approve_line);
}

void
tui_cli_approve_clear(struct tui_cli *cli)
{
	struct tui_cli_ask *a;

	if (cli->asking)
		tui_cli_input_stop(cli);
	cli->asking = false;
	while ((a = approve_pop(cli)) != NULL) {
		if (cli->host != NULL)
			approve_answer(cli, a, MCP_HOST_DENY, "interrupted");
		approve_free(a);
	}
}
