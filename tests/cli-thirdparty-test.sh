#!/usr/bin/env bash
# tripmcp (the ASan+UBSan build) with third-party servers beside the bundled
# three: the official @modelcontextprotocol/server-everything and
# @modelcontextprotocol/server-filesystem (pinned in tests/interop/package.json,
# installed by tests/interop/setup.sh) in one configuration with
# tripmcp-travel, -weather and -calendar.
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$PWD/$BUILD ;; esac
TRIPMCP=$BUILD/asan/tripmcp
SERVER=$PWD/tests/interop/node_modules/@modelcontextprotocol/server-everything/dist/index.js
FSSERVER=$PWD/tests/interop/node_modules/@modelcontextprotocol/server-filesystem/dist/index.js
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
    [ ! -f "$FSSERVER" ] || ! command -v node >/dev/null; then
	echo "FAIL thirdparty: server-everything or server-filesystem is not installed (tests/interop/setup.sh):"
	tail -5 "$TMP/setup.log"
	echo "0 passed, 1 failed"
	exit 1
fi

# The filesystem server is rooted at a private directory, FS. server-filesystem
# replaces its command-line directories with the client's roots once it has
# them (a moment after initialization), and tripmcp answers its roots/list
# with the roots configured for it: FS and a second directory, FS2. tripmcp
# runs elsewhere, in a directory the server must never be given.
FS=$TMP/files
FS2=$TMP/more-files
mkdir -p "$FS" "$FS2" "$TMP/elsewhere"
printf 'hola from the filesystem server\n' >"$FS/note.txt"
printf 'a second root\n' >"$FS2/other.txt"
cat >"$TMP/config.json" <<EOF
{"mcpServers": {
  "travel": {"command": "$BUILD/asan/tripmcp-travel"},
  "weather": {"command": "$BUILD/asan/tripmcp-weather"},
  "calendar": {"command": "$BUILD/asan/tripmcp-calendar"},
  "everything": {"command": "node", "args": ["$SERVER", "stdio"]},
  "filesystem": {"command": "node", "args": ["$FSSERVER", "$FS"],
    "tripmcp": {"roots": ["\${FS_ROOT}", "file://$FS2"]}}
}}
EOF
export FS_ROOT=$FS
cd "$TMP/elsewhere" || exit 1

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
expect "five servers ready" 0 '^everything +ready .*mcp-servers/everything'
n=$(grep -cE '^(travel|weather|calendar|everything|filesystem) +ready' <<<"$OUT")
[ "$n" -eq 5 ] && ok "all five listed ready" || bad "all five listed ready" "$OUT"
grep -qE '^filesystem +ready +14 .*secure-filesystem-server' <<<"$OUT" &&
    ok "server-filesystem is ready with its 14 tools" || bad "server-filesystem is ready with its 14 tools" "$OUT"
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
# A server's configured roots, else its configured cwd, else tripmcp's own.
roots_of() {	# NAME SETTINGS: everything alone, with these settings added
	printf '{"mcpServers": {"everything": {"command": "node", "args": ["%s", "stdio"]%s}}}\n' \
	    "$SERVER" "$2" >"$TMP/$1.json"
	timeout 60 "$TRIPMCP" -c "$TMP/$1.json" call everything/get-roots-list </dev/null >"$TMP/out" 2>"$TMP/err"
	RC=$?; OUT=$(cat "$TMP/out"); ERR=$(cat "$TMP/err")
}
roots_of roots ", \"cwd\": \"$TMP/a trip\", \"tripmcp\": {\"roots\": [\"$FS\", \"file://$TMP/a%20trip\"]}"
expect "configured roots are the answer, whatever the cwd" 0 "URI: file://$FS\$"
grep -q "URI: file://$TMP/a%20trip\$" <<<"$OUT" && grep -q 'Current MCP Roots (2 total)' <<<"$OUT" &&
    ok "both configured roots, nothing else" || bad "both configured roots, nothing else" "$OUT"
roots_of cwd ", \"cwd\": \"$TMP/a trip\""
expect "without roots, the server's configured cwd" 0 "URI: file://$TMP/a%20trip\$"
grep -q 'elsewhere' <<<"$OUT" && bad "not tripmcp's own directory" "$OUT" || ok "not tripmcp's own directory"
roots_of none ", \"tripmcp\": {\"roots\": []}"
expect "roots [] answers no root" 0 'no roots are currently configured'
run call everything/toggle-simulated-logging
expect "a third-party tool that is not read-only asks (declined without a terminal)" 4 '^$' 'needs approval'

# server-filesystem: what its tools declare decides the gate.
audit() {	# TOOL: the audit log's last decision on it
	grep -F "\"tool\":\"$1\"" "$XDG_STATE_HOME/tripmcp/audit.log" 2>/dev/null | tail -1
}
run tools filesystem
expect "tools filesystem" 0 '^filesystem/list_directory  \(read-only\)$'
others=$(grep -E '^[^ ]' <<<"$OUT" | grep -vE '^filesystem/')
[ -z "$others" ] && ok "tools filesystem lists that server's tools only" ||
    bad "tools filesystem lists that server's tools only" "$others"
labels=$(sed -nE 's,^filesystem/([a-z_]+)  \((read-only|asks)\)$,\1 \2,p' <<<"$OUT" | sort)
run --json tools filesystem
declared=$(node -e '
	const tools = JSON.parse(require("fs").readFileSync(0, "utf8"));
	for (const t of tools)
		if (t.server === "filesystem")
			console.log(t.name, t.annotations && t.annotations.readOnlyHint === true ? "read-only" : "asks");
' <<<"$OUT" 2>&1 | sort)
if [ -n "$labels" ] && [ "$labels" = "$declared" ] && grep -q ' read-only$' <<<"$labels" &&
    grep -q ' asks$' <<<"$labels"; then
	ok "each filesystem tool is read-only exactly when it declares readOnlyHint, else it asks"
else
	bad "each filesystem tool is read-only exactly when it declares readOnlyHint, else it asks" \
	    "shown: $(tr '\n' ' ' <<<"$labels")" "declared: $(tr '\n' ' ' <<<"$declared")"
fi
# One session: once server-filesystem has taken tripmcp's roots (asked again
# until then, 15 s at most), it may use both configured directories, and
# nothing of the directory tripmcp runs in.
mkfifo "$TMP/repl.fifo"
timeout 60 "$TRIPMCP" -c "$TMP/config.json" repl <"$TMP/repl.fifo" >"$TMP/out" 2>"$TMP/err" &
repl_pid=$!
trap '' PIPE	# should tripmcp die, a write fails instead of ending the test
exec 7>"$TMP/repl.fifo"
for i in $(seq 1 75); do
	echo "call filesystem/list_allowed_directories" >&7 || break
	sleep 0.2
	grep -qx "$FS2" "$TMP/out" && break
done
printf '%s\n' "call filesystem/read_text_file path=$FS/note.txt" \
    "call filesystem/read_text_file path=$FS2/other.txt" \
    "call filesystem/list_directory path=$TMP/elsewhere" quit >&7
exec 7>&-
trap - PIPE
wait "$repl_pid"
RC=$?; OUT=$(cat "$TMP/out"); ERR=$(cat "$TMP/err")
grep -qE 'Sanitizer|runtime error' "$TMP/err" && bad "no sanitizer report: repl" "$(head -20 "$TMP/err")"
last=$(grep -A3 '^Allowed directories:$' <<<"$OUT" | tail -3)
[ "$(grep -c . <<<"$last")" -ge 2 ] && grep -qx "$FS" <<<"$last" && grep -qx "$FS2" <<<"$last" &&
    ! grep -q elsewhere <<<"$last" &&
    ok "server-filesystem's allowed directories become the configured roots, not tripmcp's cwd" ||
    bad "server-filesystem's allowed directories become the configured roots, not tripmcp's cwd" "${OUT:0:600}"
expect "with the roots taken, the first root's file is read" 0 '^hola from the filesystem server$'
expect "and the second root's" 0 '^a second root$'
grep -q "Access denied - path outside allowed directories: $TMP/elsewhere" <<<"$ERR$OUT" &&
    ok "tripmcp's own directory is out of its reach" || bad "tripmcp's own directory is out of its reach" "${ERR:0:400}"
run call filesystem/list_directory path="$FS"
expect "list_directory (readOnlyHint) runs unasked without a terminal" 0 '^\[FILE\] note\.txt$'
audit list_directory | grep -qF '"decision":"once","by":"policy","reason":"read-only (readOnlyHint)"' &&
    ok "the audit log says the policy let it run as read-only" ||
    bad "the audit log says the policy let it run as read-only" "$(audit list_directory)"
run call filesystem/read_text_file path="$FS/note.txt"
expect "read_text_file runs unasked and reads the file" 0 '^hola from the filesystem server$'
run call filesystem/write_file path="$FS/new.txt" content='written by tripmcp'
expect "write_file without a terminal or --yes is refused" 4 '^$' \
    'filesystem/write_file needs approval .* no terminal to ask on; nothing was sent'
[ ! -e "$FS/new.txt" ] && ok "and the file is not created" || bad "and the file is not created" "$(ls -l "$FS")"
audit write_file | grep -qF '"decision":"deny","by":"no terminal"' &&
    ok "the audit log records the refusal" || bad "the audit log records the refusal" "$(audit write_file)"
run --yes call filesystem/write_file path="$FS/new.txt" content='written by tripmcp'
expect "write_file with --yes" 0 "^Successfully wrote to $FS/new.txt\$"
[ "$(cat "$FS/new.txt" 2>/dev/null)" = 'written by tripmcp' ] && ok "the file holds what was sent" ||
    bad "the file holds what was sent" "$(ls -l "$FS")"
audit write_file | grep -qF '"decision":"once","by":"--yes"' &&
    ok "the audit log records --yes" || bad "the audit log records --yes" "$(audit write_file)"

# Resources go to the server that owns them, listed or by template.
run --verbose read weather://climate/Barcelona
expect "a bundled server's resource template is read from it" 0 '"label":"Barcelona, Spain"' \
    'resources/read weather/weather://climate/Barcelona done'
run --verbose read demo://resource/dynamic/text/3
expect "a third-party resource template is read from it" 0 '^Resource 3: ' \
    'resources/read everything/demo://resource/dynamic/text/3 done'
run --verbose read calendar://us-holidays/July-2024
expect "a listed resource is read from the server that lists it" 0 'Independence Day' \
    'resources/read calendar/calendar://us-holidays/July-2024 done'

# One REPL session, its commands piped in: calls on two servers, --yes for one
# command only, and a resource read, all on the servers started once.
rm -f "$FS/repl.txt"
printf '%s\n' "call filesystem/read_text_file path=$FS/note.txt" \
    "call weather/checkWeather location=Barcelona startDate=2024-06-15 endDate=2024-06-22" \
    "call filesystem/write_file path=$FS/repl.txt content=one" \
    "call --yes filesystem/write_file path=$FS/repl.txt content=two" \
    "call filesystem/write_file path=$FS/repl.txt content=three" \
    "read demo://resource/static/document/features.md" >"$TMP/repl.in"
cat "$TMP/repl.in" | timeout 60 "$TRIPMCP" -c "$TMP/config.json" --verbose repl >"$TMP/out" 2>"$TMP/err"
RC=${PIPESTATUS[1]}; OUT=$(cat "$TMP/out"); ERR=$(cat "$TMP/err")
grep -qE 'Sanitizer|runtime error' "$TMP/err" && bad "no sanitizer report: repl" "$(head -20 "$TMP/err")"
expect "repl: a filesystem call" 0 '^hola from the filesystem server$'
expect "repl: then a weather call in the same session" 0 '^2024-06-22: Sunny'
n=$(grep -cE ': (travel|weather|calendar|everything|filesystem): starting$' <<<"$ERR")
[ "$n" -eq 5 ] && ok "repl: each server started once for the whole session" ||
    bad "repl: each server started once for the whole session" "$n starts" "${ERR:0:400}"
n=$(grep -c 'filesystem/write_file needs approval' <<<"$ERR")
[ "$n" -eq 2 ] && [ "$(cat "$FS/repl.txt" 2>/dev/null)" = two ] &&
    ok "repl: --yes approves its one command; the writes before and after are refused" ||
    bad "repl: --yes approves its one command; the writes before and after are refused" \
        "$n refusals, file: $(cat "$FS/repl.txt" 2>/dev/null)"
expect "repl: a resource read in the same session" 0 '[A-Za-z]' \
    'resources/read everything/demo://resource/static/document/features.md done'

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
