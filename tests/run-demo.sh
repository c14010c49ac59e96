#!/usr/bin/env bash
# `make run`, until the terminal program exists: serve the example MCP server
# over Streamable HTTP on loopback and say what it is.
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
ADDR=${TRIPMCP_DEMO_ADDR:-127.0.0.1:8808}
server=$BUILD/mcp-example-everything
if [ ! -x "$server" ]; then
	echo "run: $server is missing; run 'make' first" >&2
	exit 1
fi
cat <<MSG
tripmcp is not finished: its terminal interface and travel servers are still
being built. What runs now is the foundation, the MCP library, through its
example server mcp-example-everything (tools, resources, prompts, completion).

Serving it on http://$ADDR/mcp (Streamable HTTP). Try it with any MCP client,
for instance the MCP Inspector:
    npx @modelcontextprotocol/inspector --cli http://$ADDR/mcp --transport http --method tools/list
or over stdio:
    $server --help
Press Ctrl-C to stop.
MSG
exec "$server" --http "$ADDR" --log-level notice
