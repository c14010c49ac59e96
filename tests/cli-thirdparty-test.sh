#!/usr/bin/env bash
# tripmcp (the ASan+UBSan build) with a third-party server beside the bundled
# three: the official @modelcontextprotocol/server-everything (pinned in
# tests/interop/package.json, installed by tests/interop/setup.sh) in one
# configuration with tripmcp-travel, -weather and -calendar.
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$PWD/$BUILD ;; esac
TRIPMCP=$BUILD/asan/tripmcp
SERVER=$PWD/tests/interop/node_modules/@modelcontextprotocol/server-everything/dist/index.js
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}:exitcode=99
export TRIPMCP_TODAY=2024-05-01
pass=0
fail=0
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
export HOME=$TMP XDG_DATA_HOME=$TMP/data XDG_STATE_HOME=$TMP/state XDG_CONFIG_HOME=$TMP/config

ok() { echo "PASS thirdparty: $1"; pass=$((pass + 1)); }
bad() { echo "FAIL thirdparty: $1"; shift; for l in "$@"; do echo "  $l"; done; fail=$((fail + 1)); }

[ -x "$TRIPMCP" ] || { echo "FAIL thirdparty: $TRIPMCP is not built"; echo "0 passed, 1 failed"; exit 1; }
if ! tests/interop/setup.sh >"$TMP/setup.log" 2>&1 || [ ! -f "$SERVER" ] ||
    ! command -v node >/dev/null; then
	echo "FAIL thirdparty: server-everything is not installed (tests/interop/setup.sh):"
	tail -5 "$TMP/setup.log"
	echo "0 passed, 1 failed"
	exit 1
fi

cat >"$TMP/config.json" <<EOF
{"mcpServers": {
  "travel": {"command": "$BUILD/asan/tripmcp-travel"},
  "weather": {"command": "$BUILD/asan/tripmcp-weather"},
  "calendar": {"command": "$BUILD/asan/tripmcp-calendar"},
  "everything": {"command": "node", "args": ["$SERVER", "stdio"]}
}}
EOF

run() {
	timeout 60 "$TRIPMCP" -c "$TMP/config.json" "$@" </dev/null >"$TMP/out" 2>"$TMP/err"
	RC=$?
	OUT=$(cat "$TMP/out")
	ERR=$(cat "$TMP/err")
	grep -qE 'Sanitizer|runtime error' "$TMP/err" && bad "no sanitizer report: $*" "$(head -20 "$TMP/err")"
}

expect() {	# NAME RC REGEX-OUT [REGEX-ERR]
	if [ "$RC" -ne "$2" ]; then
		bad "$1" "exit $RC, wanted $2" "stdout: ${OUT:0:300}" "stderr: ${ERR:0:300}"
	elif ! grep -qE -- "$3" <<<"$OUT"; then
		bad "$1" "stdout lacks /$3/" "${OUT:0:400}"
	elif [ -n "${4:-}" ] && ! grep -qE -- "$4" <<<"$ERR"; then
		bad "$1" "stderr lacks /$4/" "${ERR:0:400}"
	else
		ok "$1"
	fi
}

run servers
expect "four servers ready" 0 '^everything +ready .*mcp-servers/everything'
n=$(grep -cE '^(travel|weather|calendar|everything) +ready' <<<"$OUT")
[ "$n" -eq 4 ] && ok "all four listed ready" || bad "all four listed ready" "$OUT"
run call everything/get-sum a=2 b=3.5
expect "numbers typed from its schema (get-sum 2 + 3.5)" 0 'sum of 2 and 3.5 is 5.5'
run call everything/echo message='hola, Barcelona'
expect "echo" 0 '^Echo: hola, Barcelona$'
run call everything/get-tiny-image
expect "an image block is described, not dumped" 0 '^\[image image/png, [0-9]+ bytes\]$'
run --verbose call everything/trigger-long-running-operation duration=0.3 steps=3
expect "progress reaches the event stream" 0 'completed' 'call [0-9]+: progress 3/3'
run call everything/trigger-long-running-operation duration=5 steps=1 --timeout 300
expect "--timeout: a call without progress in time exits 3" 3 '^$' 'timed out after 300 ms without progress'
run read demo://resource/static/document/features.md
expect "read a resource the third-party server owns" 0 '[A-Za-z]'
run prompt everything/args-prompt city=Lisbon
expect "a third-party prompt" 0 'Lisbon'
run call weather/getSeasonalInfo location=Barcelona
expect "a bundled server's tool in the same configuration" 0 'Barcelona'
mkdir -p "$TMP/a trip"
( cd "$TMP/a trip" && timeout 60 "$TRIPMCP" -c "$TMP/config.json" call everything/get-roots-list \
    </dev/null >"$TMP/out" 2>"$TMP/err" ); RC=$?; OUT=$(cat "$TMP/out"); ERR=$(cat "$TMP/err")
expect "roots/list answers the current directory" 0 "URI: file://$TMP/a%20trip\$"
run call everything/toggle-simulated-logging
expect "a third-party tool that is not read-only asks (declined without a terminal)" 4 '^$' 'needs approval'

# A server asking for input: declined without a terminal ...
run --yes call everything/trigger-elicitation-request
expect "elicitation without a terminal is declined" 0 'declined' 'everything asks for input, and there is no terminal to answer on; declined'

# ... and answered field by field on one (tmux on a private socket).
if command -v tmux >/dev/null; then
	tm() { tmux -S "$TMP/tmux" -f /dev/null "$@"; }
	screen() { tm capture-pane -p -J -S -200 2>/dev/null; }
	wait_for() {
		local i
		for i in $(seq 1 150); do
			screen | grep -qE -- "$1" && return 0
			sleep 0.1
		done
		return 1
	}
	check() { wait_for "$2" && ok "$1" || bad "$1" "the screen lacks /$2/" "$(screen | grep -v '^$' | tail -12)"; }
	env | grep -E '^(HOME|XDG_[A-Z_]+|ASAN_OPTIONS|TRIPMCP_TODAY)=' | sed 's/^/export /; s/=\(.*\)$/="\1"/' >"$TMP/env.sh"
	tm new-session -d -x 200 -y 60 "bash --norc --noprofile -c '. $TMP/env.sh; $TRIPMCP -c $TMP/config.json call everything/trigger-elicitation-request; echo EXITED \$?; sleep 30'"
	check "the call is approved first" 'approve\? '
	tm send-keys o Enter
	check "the server's message is shown" 'everything asks for input: Please provide inputs'
	check "a required field says so" 'String \(required\): $'
	tm send-keys Enter
	check "a required field cannot be left empty" 'name is required'
	tm send-keys Ada Enter
	tm send-keys yes Enter
	for i in 1 2 3 4; do tm send-keys Enter; done
	check "a field's default is offered" 'Integer \[42\]: $'
	tm send-keys abc Enter
	check "a value of the wrong type is asked again" 'must be an integer; try again'
	tm send-keys 7 Enter
	tm send-keys Enter
	check "choices are listed" 'choices: Monica, Rachel, Joey'
	tm send-keys joey Enter
	check "a list's default as it would be typed" 'Untitled Multiple Select Enum \[Guitar\]: $'
	tm send-keys Piano,drums Enter
	tm send-keys 'Wonder Woman' Enter
	tm send-keys Enter Enter
	check "the whole answer is shown before it is sent" '"integer":7,"number":3.14,"untitledSingleSelectEnum":"Joey","untitledMultipleSelectEnum":\["Piano","Drums"\],"titledSingleSelectEnum":"hero-3"'
	tm send-keys y Enter
	check "the server got the answer" '"name": "Ada"'
	check "and the call ends well" '^EXITED 0$'
	screen | grep -qE 'Sanitizer|runtime error' && bad "no sanitizer report on the terminal" "$(screen | tail -20)"
	tm kill-server 2>/dev/null
else
	bad "tmux is installed (make deps)"
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
