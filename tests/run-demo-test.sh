#!/usr/bin/env bash
# `make run` without a terminal: the demo says what to try and lists the
# three bundled servers, all ready, on a fresh data directory.
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
tmp=$(mktemp -d /tmp/tripmcp-run-demo.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
check() {
	if [ "$2" -eq 0 ]; then pass=$((pass + 1)); echo "PASS run-demo: $1"
	else fail=$((fail + 1)); echo "FAIL run-demo: $1"; [ -n "${3:-}" ] && printf '%s\n' "$3" | head -20; fi
}
out=$(env -u TRIPMCP_TODAY XDG_DATA_HOME="$tmp/data" XDG_STATE_HOME="$tmp/state" \
    XDG_CONFIG_HOME="$tmp/config" BUILD="$BUILD" timeout 60 tests/run-demo.sh </dev/null 2>&1)
rc=$?
check "make run without a terminal exits 0" $rc "$out"
for s in travel weather calendar; do
	grep -Eq "^$s +ready " <<<"$out"
	check "the $s server is ready" $? "$out"
done
grep -q "^2024-05-01 for the demo" <<<"$out"
check "the demo date is the guide's" $? "$out"
[ -s "$tmp/data/tripmcp/travel.db" ] && [ -s "$tmp/data/tripmcp/calendar.db" ]
check "the databases were seeded in XDG_DATA_HOME" $? "$(ls -R "$tmp" 2>&1)"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
