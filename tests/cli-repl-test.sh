#!/usr/bin/env bash
# tripmcp repl (the ASan+UBSan build) driven through a pseudo-terminal: tmux
# on a private socket (-S in the test's directory, -f /dev/null) types keys
# and reads the screen.
# Tab completion of a tool name, an argument name and a prompt argument's
# value (asked of the server with completion/complete), a call, approvals
# asked at the terminal (always, then revoked and asked again; an email only
# once or deny), persistent history.
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$PWD/$BUILD ;; esac
TRIPMCP=$BUILD/asan/tripmcp
pass=0
fail=0
TMP=$(mktemp -d)
SOCK=$TMP/tmux-0
tm() { tmux -S "$SOCK" -f /dev/null "$@"; }
cleanup() {
	local s
	for s in "$TMP"/tmux-*; do
		[ -S "$s" ] && tmux -S "$s" kill-server 2>/dev/null
	done
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

ok() { echo "PASS repl: $1"; pass=$((pass + 1)); }
bad() { echo "FAIL repl: $1"; shift; for l in "$@"; do echo "  $l"; done; fail=$((fail + 1)); }

if ! command -v tmux >/dev/null; then
	echo "FAIL repl: tmux is not installed (make deps installs it)"
	echo "0 passed, 1 failed"
	exit 1
fi
if [ ! -x "$TRIPMCP" ]; then
	echo "FAIL repl: $TRIPMCP is not built"
	echo "0 passed, 1 failed"
	exit 1
fi

H=$TMP/home
mkdir -p "$H" "$TMP/asan"
cat >"$TMP/env.sh" <<EOF
export HOME=$H XDG_DATA_HOME=$H/data XDG_STATE_HOME=$H/state XDG_CONFIG_HOME=$H/config
export TRIPMCP_TODAY=2024-05-01 TERM=xterm
export ASAN_OPTIONS=detect_leaks=1:log_path=$TMP/asan/report
export UBSAN_OPTIONS=print_stacktrace=1:log_path=$TMP/asan/report
EOF
STATE=$H/state/tripmcp

screen() { tm capture-pane -p -J -S -300 2>/dev/null; }

# wait_for REGEX [SECONDS]: until the screen shows it.
wait_for() {
	local i
	for i in $(seq 1 $((${2:-15} * 10))); do
		screen | grep -qE -- "$1" && return 0
		sleep 0.1
	done
	return 1
}

# wait_count REGEX N: until the screen shows it N times.
wait_count() {
	local i
	for i in $(seq 1 150); do
		[ "$(screen | grep -cE -- "$1")" -ge "$2" ] && return 0
		sleep 0.1
	done
	return 1
}

# check NAME REGEX [SECONDS]
check() {
	if wait_for "$2" "${3:-15}"; then
		ok "$1"
	else
		bad "$1" "the screen lacks /$2/:" "$(screen | grep -v '^$' | tail -15)"
	fi
}

nstart=0
# start [COMMAND]: tripmcp (default: its REPL) on a new terminal.
start() {	# each session on its own socket: no race with the last one's end
	tm kill-server 2>/dev/null
	nstart=$((nstart + 1))
	SOCK=$TMP/tmux-$nstart
	tm new-session -d -x 160 -y 50 \
	    "bash --norc --noprofile -c '. $TMP/env.sh; ${1:-$TRIPMCP repl}; echo EXITED \$?; sleep 60'"
	[ -n "${1:-}" ] || wait_for '^tripmcp> ' 20
}

start || bad "the REPL shows its prompt" "$(screen)"
tm send-keys 'servers' Enter
check "servers in the REPL: all three ready" '^calendar +ready'

# A tool name, then an argument name, completed; the call runs.
tm send-keys 'call weather/checkW' Tab
check "Tab completes a tool name" '^tripmcp> call weather/checkWeather $'
tm send-keys 'loc' Tab
check "Tab completes an argument name" '^tripmcp> call weather/checkWeather location=$'
tm send-keys 'Barcelona startDate=2024-06-15 endDate=2024-06-22' Enter
check "the completed call runs" '^2024-06-22: '
check "and the prompt comes back" '^tripmcp> $'

# A prompt argument's value from the server (completion/complete).
tm send-keys 'prompt weather/best' Tab
check "Tab completes a prompt name" '^tripmcp> prompt weather/best-time-to-visit $'
tm send-keys 'destination=Barcel' Tab
check "the server's completions: the common part, then the choices" \
    'destination=Barcelona,\\ Venezuela'
check "the common part is inserted" '^tripmcp> prompt weather/best-time-to-visit destination=Barcelona,\\ $'
tm send-keys 'S' Tab
check "a value completed from the server's answer" 'destination=Barcelona,\\ Spain $'
tm send-keys Enter
check "the prompt runs with the completed value" 'best time to visit Barcelona, Spain\?'

# Approval at the terminal: the exact call, answered "always".
tm send-keys 'call calendar/createCalendarEvent calendar=my-calendar title=Flight startDate=2024-06-15 endDate=2024-06-15 description=BCN reminders=[]' Enter
check "the approval shows the server" '^  server     calendar$'
check "the approval shows the exact JSON arguments" \
    '^  arguments  \{"calendar":"my-calendar","title":"Flight","startDate":"2024-06-15","endDate":"2024-06-15","description":"BCN","reminders":\[\]\}$'
check "the approval asks once/session/always/deny" 'approve\? \[o\]nce, \[s\]ession, \[a\]lways, \[d\]eny: $'
tm send-keys 'a' Enter
check "approved always: the call runs" '^Created "Flight" in my-calendar'
v=$(python3 -c 'import json,sys; print([(g["server"], g["tool"]) for g in json.load(open(sys.argv[1]))["grants"]])' "$STATE/grants.json" 2>&1)
[ "$v" = "[('calendar', 'createCalendarEvent')]" ] &&
    ok "the always grant is kept in grants.json" ||
    bad "the always grant is kept in grants.json" "$(cat "$STATE/grants.json" 2>&1)"
grep -q '"tool":"createCalendarEvent".*"decision":"always","by":"user"' "$STATE/audit.log" &&
    ok "the answer is in the audit log" || bad "the answer is in the audit log" "$(cat "$STATE/audit.log")"
tm send-keys 'call calendar/createCalendarEvent calendar=my-calendar title=Hotel startDate=2024-06-16 endDate=2024-06-16 description=BCN reminders=[]' Enter
check "granted: the next call runs unasked" '^Created "Hotel" in my-calendar'
n=$(screen | grep -c 'approve? ')
[ "$n" -eq 1 ] && ok "asked only once" || bad "asked only once" "$n questions"

# Revoked: asked again, and a denial sends nothing.
tm send-keys 'grants revoke calendar/create' Tab
check "Tab completes a grant" '^tripmcp> grants revoke calendar/createCalendarEvent $'
tm send-keys Enter
check "revoked" '^revoked calendar/createCalendarEvent: its next call asks again$'
tm send-keys 'call calendar/createCalendarEvent calendar=my-calendar title=Museum startDate=2024-06-17 endDate=2024-06-17 description=BCN reminders=[]' Enter
check "a revoked grant asks again" '"title":"Museum"'
tm send-keys 'd' Enter
check "denied: nothing was sent" 'calendar/createCalendarEvent: declined; nothing was sent'
screen | grep -q 'Created "Museum"' && bad "the denied event was not created" ||
    ok "the denied event was not created"

# An email can only be approved once at a time.
tm send-keys 'call calendar/sendEmail to=me@example.com subject=Trip body=Hi' Enter
check "sendEmail offers only once or deny" 'approve\? \[o\]nce, \[d\]eny: $'
tm send-keys 'a' Enter
check "always is not an answer for an email" 'answer o \(once\) or d \(deny\)'
tm send-keys 'd' Enter
check "the email is declined" 'calendar/sendEmail: declined; nothing was sent'
[ -z "$(ls -A "$H/data/tripmcp/outbox/new" 2>/dev/null)" ] && ok "the outbox stays empty" ||
    bad "the outbox stays empty" "$(ls "$H/data/tripmcp/outbox/new")"

# A resource template's variable, completed by its server, percent-encoded.
tm send-keys 'read weather://climate/Lisb' Tab
check "Tab completes a template variable from the server" '^tripmcp> read weather://climate/Lisbon%2C%20Portugal $'
tm send-keys Enter
check "the completed URI is read" '"label":"Lisbon, Portugal"'

# Ctrl-C: at the prompt it drops the line; at a question it denies.
tm send-keys 'call weather/checkWeather location=Nowhere'
tm send-keys C-c
check "Ctrl-C at the prompt drops the line" '^tripmcp> call weather/checkWeather location=Nowhere\^C$'
tm send-keys 'call calendar/sendEmail to=me@example.com subject=Stop body=Hi' Enter
check "a question before Ctrl-C" '"subject":"Stop"'
tm send-keys C-c
wait_count 'calendar/sendEmail: declined; nothing was sent' 2 &&
    ok "Ctrl-C at a question denies it" ||
    bad "Ctrl-C at a question denies it" "$(screen | grep -v '^$' | tail -8)"
grep -q '"subject":"Stop".*"decision":"deny","by":"interrupted"' "$STATE/audit.log" &&
    ok "the interrupted question is audited" || bad "the interrupted question is audited" "$(tail -2 "$STATE/audit.log")"
check "the prompt comes back after Ctrl-C" '^tripmcp> $'
screen | grep -qE 'restarting|signal 2' && bad "Ctrl-C reaches no server" "$(screen | grep -E 'restarting|signal 2')" ||
    ok "Ctrl-C reaches no server"

# A server killed under the REPL: said at once, over the prompt; restarted.
shell=$(tm display-message -p '#{pane_pid}')
repl=$(pgrep -P "$shell" | head -1)
weather=$(pgrep -P "$repl" -f tripmcp-weather | head -1)
if [ -n "$weather" ]; then
	kill -9 "$weather"
	check "a killed server is reported in the REPL" 'tripmcp: weather: restarting: .*signal 9'
	# It comes back after 250 ms (more on a loaded machine): try a few times.
	for i in 1 2 3 4 5 6 7 8 9 10; do
		tm send-keys 'call weather/getSeasonalInfo location=Reykjavik' Enter
		wait_for 'Best time to visit Reykjav' 2 && break
	done
	check "the restarted server answers" 'Best time to visit Reykjav'
else
	bad "found the weather server's process" "shell $shell repl $repl"
fi

tm send-keys 'quit' Enter
check "quit leaves with status 0" '^EXITED 0$'
grep -q '^prompt weather/best-time-to-visit destination=Barcelona,\\ Spain *$' "$STATE/history" &&
    ok "history is kept" || bad "history is kept" "$(cat "$STATE/history" 2>&1)"

# History comes back in a new session.
start || bad "the REPL starts again" "$(screen)"
tm send-keys Up
check "Up recalls the last session's command" '^tripmcp> quit$'
tm send-keys C-u C-d
check "Ctrl-D leaves" '^EXITED 0$'

# One command on a terminal: it asks there, then runs; with stdout to a
# file the question still reaches the terminal.
start "$TRIPMCP --json call calendar/sendEmail to=me@example.com subject=Once body=Hi >$TMP/once.json"
check "a one-shot call asks on the terminal" 'approve\? \[o\]nce, \[d\]eny: $'
tm send-keys 'o' Enter
check "approved once, the command ends with 0" '^EXITED 0$'
v=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["content"][0]["text"][:21])' "$TMP/once.json" 2>&1)
[ "$v" = 'Email "Once" to ["me@' ] && ok "its --json result went to the file" || bad "its --json result went to the file" "$v"
[ "$(ls -A "$H/data/tripmcp/outbox/new" | wc -l)" -eq 1 ] && ok "one message in the outbox" ||
    bad "one message in the outbox" "$(ls "$H/data/tripmcp/outbox/new")"
start "$TRIPMCP call calendar/sendEmail to=me@example.com subject=Never body=Hi"
check "asked again: --yes or an answer lasts one command" 'approve\? \[o\]nce, \[d\]eny: $'
tm send-keys C-d
check "end of input at the question declines: exit 4" '^EXITED 4$'

if [ -n "$(ls -A "$TMP/asan")" ]; then
	bad "no sanitizer report" "$(cat "$TMP"/asan/* | head -30)"
else
	ok "no sanitizer report"
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
