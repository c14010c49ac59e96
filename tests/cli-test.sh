#!/usr/bin/env bash
# tripmcp's command line (the ASan+UBSan build) on the bundled servers and on
# configuration files: listings, typed calls, --json, exit statuses, the
# approval gate without a terminal (refused, --yes for one command, never
# auto-approved by configuration, grants and their revocation), bad
# configuration files, a Claude Desktop file as it is, the state files.
# Every run gets a private XDG_DATA_HOME, XDG_STATE_HOME and XDG_CONFIG_HOME.
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$PWD/$BUILD ;; esac
TRIPMCP=$BUILD/asan/tripmcp
EVERYTHING=$BUILD/asan/mcp-example-everything
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}:exitcode=99
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}
export TRIPMCP_TODAY=2024-05-01
pass=0
fail=0
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

ok() { echo "PASS $1"; pass=$((pass + 1)); }
bad() { echo "FAIL $1"; shift; for l in "$@"; do echo "  $l"; done; fail=$((fail + 1)); }

# fresh: a new private home for the next runs.
fresh() {
	H=$(mktemp -d "$TMP/home.XXXX")
	export XDG_DATA_HOME=$H/data XDG_STATE_HOME=$H/state XDG_CONFIG_HOME=$H/config
	export HOME=$H
	STATE=$XDG_STATE_HOME/tripmcp
}

# run ARGS...: tripmcp without a terminal; sets OUT, ERR, RC.
run() {
	timeout 60 "$TRIPMCP" "$@" </dev/null >"$TMP/out" 2>"$TMP/err"
	RC=$?
	OUT=$(cat "$TMP/out")
	ERR=$(cat "$TMP/err")
	if grep -qE 'Sanitizer|runtime error' "$TMP/err"; then
		bad "no sanitizer report from: tripmcp $*" "$(head -20 "$TMP/err")"
	fi
}

# expect NAME RC [GREP-OUT [GREP-ERR]]
expect() {
	local name=$1 want=$2 o=${3:-} e=${4:-}
	if [ "$RC" -ne "$want" ]; then
		bad "$name" "exit $RC, wanted $want" "stdout: ${OUT:0:300}" "stderr: ${ERR:0:400}"
	elif [ -n "$o" ] && ! grep -qE -- "$o" <<<"$OUT"; then
		bad "$name" "stdout lacks /$o/" "stdout: ${OUT:0:400}"
	elif [ -n "$e" ] && ! grep -qE -- "$e" <<<"$ERR"; then
		bad "$name" "stderr lacks /$e/" "stderr: ${ERR:0:400}"
	else
		ok "$name"
	fi
}

# pyjson EXPR: evaluate EXPR with d = the JSON on stdout; prints the value.
pyjson() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)" <<<"$OUT" 2>&1; }

if [ ! -x "$TRIPMCP" ]; then
	echo "FAIL $TRIPMCP is not built; run make $TRIPMCP"
	echo "0 passed, 1 failed"
	exit 1
fi
fresh

# The program's own options --------------------------------------------------
run --version
expect "--version" 0 '^tripmcp [0-9]+\.[0-9]+'
run --help
expect "--help lists the commands and exit statuses" 0 'call SERVER/TOOL'
grep -q '4  declined' <<<"$OUT" && ok "--help documents the exit statuses" ||
	bad "--help documents the exit statuses" "$OUT"
for c in servers tools resources read prompts prompt call grants repl; do
	run "$c" --help
	expect "$c --help" 0 "^usage: tripmcp .*$c"
done
run
expect "no command: usage" 2 '' 'no command given'
run frobnicate
expect "an unknown command: usage" 2 '' "unknown command 'frobnicate'"
run --frob servers
expect "an unknown option: usage" 2 '' "unknown option '--frob'"
run servers extra
expect "an extra argument: usage" 2 '' "unexpected argument 'extra'"
run -c
expect "-c without FILE: usage" 2 '' '-c needs a FILE'
run --timeout soon servers
expect "a bad --timeout: usage" 2 '' "--timeout takes milliseconds from 1 to 86400000, not 'soon'"
run call weather/checkWeather --timeout 0
expect "a bad --timeout after the command: usage" 2 '' "not '0'"

# servers ----------------------------------------------------------------------
run servers
expect "servers: the three bundled servers are ready" 0 '^travel +ready'
n=$(grep -cE '^(travel|weather|calendar) +ready' <<<"$OUT")
[ "$n" -eq 3 ] && ok "servers: all three listed ready" ||
	bad "servers: all three listed ready" "$OUT"
run --json servers
v=$(pyjson '",".join(s["name"]+"="+s["state"] for s in d)')
[ "$v" = "travel=ready,weather=ready,calendar=ready" ] &&
	ok "servers --json parses, three ready" || bad "servers --json parses, three ready" "$v"
v=$(pyjson 'all(s["tools"] > 0 and s["pid"] > 0 for s in d)')
[ "$v" = True ] && ok "servers --json: tools and pids" || bad "servers --json: tools and pids" "$v"

# tools, resources, prompts -----------------------------------------------------
run tools weather
expect "tools weather" 0 '^weather/checkWeather +\(read-only\)'
grep -q 'location=string startDate=string endDate=string' <<<"$OUT" &&
	ok "tools shows the arguments" || bad "tools shows the arguments" "$OUT"
run tools travel --json
v=$(pyjson 'sorted(t["name"] for t in d if t["server"]=="travel" and t["name"].startswith("book"))')
[ "$v" = "['bookFlight', 'bookHotel']" ] && ok "tools --json after the server" ||
	bad "tools --json after the server" "$v"
run tools
grep -qE '^calendar/sendEmail +\(always asks\)' <<<"$OUT" &&
	ok "tools: sendEmail always asks" || bad "tools: sendEmail always asks" "$OUT"
run tools nowhere
expect "tools of an unknown server: usage" 2 '' "unknown server 'nowhere': the servers are travel, weather, calendar"
run resources --json
v=$(pyjson '[r["server"] for r in d["resources"] if r["uri"]=="weather://about"]')
[ "$v" = "['weather']" ] && ok "resources --json" || bad "resources --json" "$v"
run read calendar://my-calendar/June-2024
expect "read a calendar period through its template" 0 '"start":"2024-06-01"'
run read nothing://here
expect "read a URI no server offers: usage" 2 '' 'no server offers nothing://here'
run prompts --json
v=$(pyjson '[a["name"] for p in d if p["name"]=="best-time-to-visit" for a in p["arguments"]]')
[ "$v" = "['destination']" ] && ok "prompts --json" || bad "prompts --json" "$v"
run prompt weather/best-time-to-visit destination=Barcelona
expect "prompt with an argument" 0 'best time to visit Barcelona'
run prompt best-time-to-visit destination=Lisbon
expect "a prompt by its bare name (one server offers it)" 0 'best time to visit Lisbon, Portugal'
run prompt no-such-prompt
expect "an unknown prompt: usage" 2 '' "no server offers a prompt 'no-such-prompt'"
run prompt weather/best-time-to-visit place=Barcelona
expect "prompt with an unknown argument: usage" 2 '' "has no argument 'place'; it takes destination"

# call -----------------------------------------------------------------------
run call weather/checkWeather location=Barcelona startDate=2024-06-15 endDate=2024-06-22
expect "call weather/checkWeather key=value" 0 '^2024-06-22: '
grep -q '"tool":"checkWeather".*"decision":"once","by":"policy","reason":".*read-only' "$STATE/audit.log" 2>/dev/null &&
	ok "a read-only call run by the gate's policy is audited" ||
	bad "a read-only call run by the gate's policy is audited" "$(cat "$STATE/audit.log" 2>&1)"
grep -q '^Barcelona, Spain, 2024-06-15 to 2024-06-22' <<<"$OUT" &&
	ok "checkWeather: the guide's Barcelona week" || bad "checkWeather: the guide's Barcelona week" "$OUT"
run --json call weather/checkWeather '{"location": "Barcelona", "startDate": "2024-06-15", "endDate": "2024-06-22"}'
v=$(pyjson '(d.get("isError", False), len(d["structuredContent"]["days"]) if "structuredContent" in d else "text" in d["content"][0]["text"] or d["content"][0]["text"].count("2024-06-"))')
case "$v" in
"(False, 8)"|"(False, True)"|"(False, 9)") ok "call --json '{json}' parses: 8 days" ;;
*) bad "call --json '{json}' parses: 8 days" "$v" ;;
esac
run call travel/searchHotels location=Barcelona checkIn=2024-06-15 checkOut=2024-06-22 guests=two
expect "an integer argument that is not: usage" 2 '' 'guests=two must be an integer'
run call travel/searchHotels location=Barcelona checkIn=2024-06-15 checkOut=2024-06-22 guests=2 maxPrice=250 minStars=4 --json
v=$(pyjson 'd.get("isError", False)')
[ "$RC" -eq 0 ] && [ "$v" = False ] && ok "typed integer and number arguments reach the server" ||
	bad "typed integer and number arguments reach the server" "rc $RC" "$v" "$ERR"
run call weather/checkWeather location=Barcelona
expect "a missing required argument: usage" 2 '' "needs the argument 'startDate'"
run call weather/checkWeather
expect "no arguments for a tool that needs some: usage" 2 '' "needs the argument 'location'"
run --yes repl
expect "--yes is refused for a whole REPL session" 2 '' '--yes approves one command'
run call weather/checkWeather locaton=Barcelona
expect "an unknown argument: usage" 2 '' "has no argument 'locaton'; it takes location"
run call weather/checkWeather '{"location": '
expect "bad JSON arguments: usage" 2 '' 'not valid JSON'
run call weather/checkWeather location=a location=b
expect "an argument given twice: usage" 2 '' 'given twice'
run call weather/forecast location=Barcelona
expect "an unknown tool: usage" 2 '' 'unknown tool weather/forecast'
run call nowhere/tool
expect "an unknown server: usage" 2 '' "unknown server 'nowhere'"
run call checkWeather
expect "a tool without its server: usage" 2 '' 'SERVER/TOOL'
run call weather/checkWeather location=Barcelona startDate=2024-06-22 endDate=2024-06-15
expect "a tool error exits 1" 1 '' 'the tool reported an error'

# The approval gate without a terminal ---------------------------------------
outbox=$XDG_DATA_HOME/tripmcp/outbox/new
run call calendar/sendEmail to=me@example.com subject=Barcelona body=Hello
expect "sendEmail without a terminal nor --yes is declined" 4 '' 'no terminal to ask on; nothing was sent.*--yes'
[ -z "$(ls -A "$outbox" 2>/dev/null)" ] && ok "declined: the outbox stays empty" ||
	bad "declined: the outbox stays empty" "$(ls "$outbox")"
grep -q '"tool":"sendEmail".*"decision":"deny","by":"no terminal"' "$STATE/audit.log" 2>/dev/null &&
	ok "the refusal is in the audit log" || bad "the refusal is in the audit log" "$(cat "$STATE/audit.log" 2>&1)"
run --yes call calendar/sendEmail to=me@example.com subject=Barcelona body=Hello
expect "sendEmail with --yes runs" 0 'written to the outbox'
[ "$(ls -A "$outbox" | wc -l)" -eq 1 ] && ok "--yes: one message in the outbox" ||
	bad "--yes: one message in the outbox" "$(ls "$outbox")"
grep -q '"tool":"sendEmail","arguments":{"to":"me@example.com","subject":"Barcelona","body":"Hello"},"decision":"once","by":"--yes"' "$STATE/audit.log" &&
	ok "the --yes approval and its exact arguments are audited" ||
	bad "the --yes approval and its exact arguments are audited" "$(cat "$STATE/audit.log")"
run call calendar/sendEmail to=me@example.com subject=Again body=Hello
expect "--yes approved one command only: the next is declined" 4
[ "$(ls -A "$outbox" | wc -l)" -eq 1 ] && ok "still one message" || bad "still one message" "$(ls "$outbox")"
run call --yes travel/cancelBooking confirmation=NOPE-1
[ "$RC" -ne 4 ] && ok "--yes after the command's name approves too" ||
	bad "--yes after the command's name approves too" "$ERR"

# --verbose names who decided, in the audit log's words.
last_by() { grep -F "\"tool\":\"$1\"" "$STATE/audit.log" | tail -1 | sed -nE 's/.*"by":"([^"]*)".*/\1/p'; }
run --verbose call calendar/sendEmail to=me@example.com subject=Verbose body=Hello
if [ "$RC" -eq 4 ] && grep -qE 'call [0-9]+: calendar/sendEmail denied \(by no terminal\)' <<<"$ERR" &&
    [ "$(last_by sendEmail)" = "no terminal" ] && ! grep -q 'by the user' <<<"$ERR"; then
	ok "--verbose: a refusal without a terminal is by 'no terminal', as audited"
else
	bad "--verbose: a refusal without a terminal is by 'no terminal', as audited" \
	    "rc $RC, audit by '$(last_by sendEmail)'" "$(grep -E 'denied|approved' <<<"$ERR")"
fi
run --verbose --yes call travel/cancelBooking confirmation=NOPE-2
if grep -qE 'call [0-9]+: travel/cancelBooking approved once \(by --yes\)' <<<"$ERR" &&
    [ "$(last_by cancelBooking)" = "--yes" ] && ! grep -q 'by the user' <<<"$ERR"; then
	ok "--verbose: an approval by --yes says --yes, as audited"
else
	bad "--verbose: an approval by --yes says --yes, as audited" \
	    "audit by '$(last_by cancelBooking)'" "$(grep -E 'denied|approved' <<<"$ERR")"
fi
run --verbose call weather/getSeasonalInfo location=Lisbon
grep -qE 'call [0-9]+: weather/getSeasonalInfo approved once \(by policy\): read-only' <<<"$ERR" &&
    [ "$(last_by getSeasonalInfo)" = policy ] &&
	ok "--verbose: a read-only tool is run by policy, as audited" ||
	bad "--verbose: a read-only tool is run by policy, as audited" "$(grep -E 'denied|approved' <<<"$ERR")"

# A booking the same: refused without a terminal, nothing booked; --yes books.
run --json call travel/searchHotels location=Barcelona checkIn=2024-06-15 checkOut=2024-06-22 guests=2
offer=$(pyjson 'd["structuredContent"]["offers"][0]["offerId"]')
run call travel/bookHotel offerId="$offer" guests=2 idempotencyKey=cli-test-1
expect "bookHotel without a terminal nor --yes is declined" 4 '' 'bookHotel needs approval'
run --json call travel/listBookings
v=$(pyjson 'd["structuredContent"]["count"]')
[ "$v" = 0 ] && ok "declined: nothing booked" || bad "declined: nothing booked" "$v"
run --yes call travel/bookHotel offerId="$offer" guests=2 idempotencyKey=cli-test-1
expect "bookHotel with --yes books" 0 '[A-Z0-9]'
run --json call travel/listBookings
v=$(pyjson 'd["structuredContent"]["count"]')
[ "$v" = 1 ] && ok "--yes: one booking" || bad "--yes: one booking" "$v"

# A configuration cannot auto-approve an email, nor a grant allow it.
cat >"$TMP/auto.json" <<EOF
{"mcpServers": {"calendar": {"command": "$BUILD/asan/tripmcp-calendar",
  "tripmcp": {"approve": {"sendEmail": "auto", "*": "auto"}}}}}
EOF
mkdir -p "$STATE"
cat >"$STATE/grants.json" <<EOF
{"version": 1, "grants": [{"server": "calendar", "tool": "sendEmail"},
  {"server": "calendar", "tool": "createCalendarEvent"}]}
EOF
run -c "$TMP/auto.json" call calendar/sendEmail to=me@example.com subject=Auto body=Hello
expect "config \"auto\" and a grant cannot approve sendEmail" 4 '' 'sendEmail always asks'
[ "$(ls -A "$outbox" | wc -l)" -eq 1 ] && ok "auto: nothing written" || bad "auto: nothing written" "$(ls "$outbox")"

# A rule on an argument's value: typed numbers reach the gate as numbers.
cat >"$TMP/price.json" <<EOF
{"mcpServers": {"travel": {"command": "$BUILD/asan/tripmcp-travel",
  "tripmcp": {"approve": {"searchHotels": {"askAbove": {"maxPrice": 300}}}}}}}
EOF
run -c "$TMP/price.json" call travel/searchHotels location=Barcelona checkIn=2024-06-15 checkOut=2024-06-22 guests=2 maxPrice=250
expect "askAbove: below the limit a read-only search runs" 0 '[0-9]'
run -c "$TMP/price.json" call travel/searchHotels location=Barcelona checkIn=2024-06-15 checkOut=2024-06-22 guests=2 maxPrice=900
expect "askAbove: above the limit it asks (declined without a terminal)" 4 '' 'maxPrice is 900, above 300'

# Arrays and booleans typed from the schema.
run --verbose call travel/searchFlights origin=JFK destination=BCN departure=2024-06-15 travelers=2 preferredAirlines=IB,VY
[ "$RC" -eq 0 ] && grep -q '"travelers":2,"preferredAirlines":\["IB","VY"\]' <<<"$ERR" &&
	ok "a comma-separated list becomes an array of strings" ||
	bad "a comma-separated list becomes an array of strings" "rc $RC" "$ERR"
run --verbose call travel/searchFlights origin=JFK destination=BCN departure=2024-06-15 travelers=2 'preferredAirlines=["IB"]' cabin=economy
grep -q '"preferredAirlines":\["IB"\]' <<<"$ERR" && ok "an array given as JSON" || bad "an array given as JSON" "$ERR"
run call travel/searchFlights origin=JFK destination=BCN departure=2024-06-15 travelers=2.5
expect "a fraction for an integer: usage" 2 '' 'travelers=2.5 must be an integer'
run call travel/searchFlights origin=JFK destination=BCN departure=2024-06-15 travelers=2 maxPrice=cheap
expect "a word for a number: usage" 2 '' 'maxPrice=cheap must be a number'
run --verbose call travel/searchFlights origin=JFK destination=BCN departure=2024-06-15 travelers:=2 'maxPrice:=1e3'
grep -q '"travelers":2,"maxPrice":1000' <<<"$ERR" && ok "key:=JSON passes raw JSON" || bad "key:=JSON passes raw JSON" "$ERR"

# Grants: a granted tool runs unasked; revoked, it asks again.
run grants
expect "grants lists the stored grants" 0 '^calendar/createCalendarEvent +always'
run call calendar/createCalendarEvent calendar=my-calendar title=Flight startDate=2024-06-15 endDate=2024-06-15 description=BCN reminders='[]'
expect "a granted tool runs without a terminal" 0
run grants revoke calendar/createCalendarEvent
expect "grants revoke" 0 'revoked calendar/createCalendarEvent'
run --json grants
v=$(pyjson '[g["tool"] for g in d]')
[ "$v" = "['sendEmail']" ] && ok "the revoked grant is gone from grants.json" ||
	bad "the revoked grant is gone from grants.json" "$v"
run call calendar/createCalendarEvent calendar=my-calendar title=Hotel startDate=2024-06-15 endDate=2024-06-15 description=BCN reminders='[]'
expect "revoked: the tool asks again (declined without a terminal)" 4 '' 'createCalendarEvent needs approval'
run grants revoke calendar/createCalendarEvent
expect "revoking a grant that is not there: usage" 2 '' 'no grant for calendar/createCalendarEvent'
echo '{"grants": [{"server": 1}]}' >"$STATE/grants.json"
run grants
expect "a damaged grants.json is named, not used" 2 '' 'grants.json is damaged'
rm -f "$STATE/grants.json"

# The REPL reading a pipe: commands run, approval is refused (no terminal).
printf 'tools weather\ncall calendar/sendEmail to=me@example.com subject=Piped body=Hi\nquit\n' |
    timeout 60 "$TRIPMCP" repl >"$TMP/out" 2>"$TMP/err"
RC=$?; OUT=$(cat "$TMP/out"); ERR=$(cat "$TMP/err")
expect "the REPL reads commands from a pipe" 0 '^weather/checkWeather' 'sendEmail needs approval .* no terminal'
[ "$(ls -A "$outbox" | wc -l)" -eq 1 ] && ok "piped REPL: nothing more in the outbox" ||
	bad "piped REPL: nothing more in the outbox" "$(ls "$outbox")"
grep -qE 'Sanitizer|runtime error' "$TMP/err" && bad "piped REPL: no sanitizer report" "$ERR"

# The REPL reading a file (epoll cannot watch one) runs its commands, the
# last line without a newline too, and ends at the end of the file.
printf 'tools weather\n\nhelp call\nprompt weather/best-time-to-visit destination=Lisbon' >"$TMP/script.repl"
timeout 60 "$TRIPMCP" repl <"$TMP/script.repl" >"$TMP/out" 2>"$TMP/err"
RC=$?; OUT=$(cat "$TMP/out"); ERR=$(cat "$TMP/err")
expect "the REPL reads commands from a file" 0 '^weather/checkWeather'
grep -q '^call SERVER/TOOL' <<<"$OUT" && grep -q 'best time to visit Lisbon' <<<"$OUT" &&
	ok "a REPL file: every command ran, the last line without a newline too" ||
	bad "a REPL file: every command ran, the last line without a newline too" "${OUT:0:600}" "${ERR:0:300}"
grep -q '^tripmcp> prompt weather/best-time-to-visit destination=Lisbon$' <<<"$OUT" &&
	ok "a REPL file: each line is shown after the prompt, as from a pipe" ||
	bad "a REPL file: each line is shown after the prompt, as from a pipe" "${OUT:0:600}"
[ -z "$ERR" ] && ok "a REPL file: nothing on stderr" || bad "a REPL file: nothing on stderr" "$ERR"
timeout 20 "$TRIPMCP" repl </dev/null >"$TMP/out" 2>"$TMP/err"
RC=$?; OUT=$(cat "$TMP/out"); ERR=$(cat "$TMP/err")
expect "repl </dev/null ends at once with 0" 0 '^tripmcp> $'
[ -z "$ERR" ] && ok "repl </dev/null: nothing on stderr" || bad "repl </dev/null: nothing on stderr" "$ERR"

# The event stream: --verbose and the session log.
run --verbose call weather/getSeasonalInfo location=Barcelona
expect "--verbose prints the event stream" 0 '' 'weather: ready'
grep -qE 'call [0-9]+: tools/call weather/getSeasonalInfo \{"location":"Barcelona"\}' <<<"$ERR" &&
	ok "--verbose shows the call with its arguments" || bad "--verbose shows the call with its arguments" "$ERR"
grep -qE 'tools/call weather/getSeasonalInfo done in [0-9]+ ms' "$STATE/session.log" &&
	ok "the session log has the call's end" || bad "the session log has the call's end" "$(tail -5 "$STATE/session.log")"

# What reaches the terminal is cleaned: a right-to-left override in an
# argument is shown as '?', while the server gets it as typed.
run --verbose call weather/getSeasonalInfo "location=Lis$(printf '\xe2\x80\xae')bon"
grep -q '{"location":"Lis?bon"}' <<<"$ERR" &&
	ok "a bidirectional control in arguments is shown as ?" ||
	bad "a bidirectional control in arguments is shown as ?" "$ERR"
run --verbose call weather/getSeasonalInfo "location=Lis$(printf '\033[31m')bon"
grep -q $'\033' <<<"$ERR" && bad "no escape sequence reaches stderr" "$ERR" ||
	ok "no escape sequence reaches stderr"

# Configuration files ----------------------------------------------------------
fresh
printf '{\n  "mcpServers": {\n    "weather": {"command": "%s"},\n    "b": {"command": "x",\n      "args": [1]}\n  }\n}\n' \
    "$BUILD/asan/tripmcp-weather" >"$TMP/bad.json"
run -c "$TMP/bad.json" servers
expect "a bad config: its position" 2 '' 'bad.json:5:16: mcpServers.b.args\[0\]: expected a string'
[ ! -e "$XDG_DATA_HOME/tripmcp/weather.db" ] && ok "a bad config starts nothing" ||
	bad "a bad config starts nothing" "$(ls "$XDG_DATA_HOME/tripmcp")"
printf '{"mcpServers": {"a": {"command": "x"},}}' >"$XDG_CONFIG_HOME.json"
mkdir -p "$XDG_CONFIG_HOME/tripmcp"
printf '{"mcpServers": {"a": {"command": "x"},}}' >"$XDG_CONFIG_HOME/tripmcp/config.json"
run servers
expect "the user's config.json is read (and its error placed)" 2 '' 'config.json:1:39: expected a string key'
rm -rf "$XDG_CONFIG_HOME/tripmcp"

cat >"$TMP/claude_desktop_config.json" <<EOF
{
  "globalShortcut": "Ctrl+Space",
  "mcpServers": {
    "everything": {
      "command": "$EVERYTHING",
      "args": [],
      "env": {"EXAMPLE": "\${TRIPMCP_TODAY}"}
    }
  },
  "preferences": {"menuBarEnabled": false}
}
EOF
run -c "$TMP/claude_desktop_config.json" servers
expect "a Claude Desktop config as it is" 0 '^everything +ready +[0-9]+'
run -c "$TMP/claude_desktop_config.json" call everything/test_simple_text
expect "a call to a third-party-style server" 0 'simple text|text'
run -c "$TMP/claude_desktop_config.json" call everything/test_error_handling --yes
expect "its tool error exits 1" 1

cat >"$TMP/down.json" <<EOF
{"mcpServers": {"gone": {"command": "$TMP/no-such-server"},
  "weather": {"command": "$BUILD/asan/tripmcp-weather"}}}
EOF
run -c "$TMP/down.json" servers
expect "servers: one that cannot start exits 3" 3 '^gone +failed'
run -c "$TMP/down.json" call gone/anything
expect "a call to a server that is down exits 3" 3 '' "server 'gone' is failed"
run -c "$TMP/down.json" call weather/getSeasonalInfo location=Barcelona
expect "the other server still answers" 0 'Barcelona'

# A command for one server starts that server alone: the one that cannot
# start is not tried, said, nor logged.
fresh
run -c "$TMP/down.json" --verbose call weather/checkWeather location=Barcelona startDate=2024-06-15 endDate=2024-06-22
expect "call SERVER/TOOL beside a server that cannot start" 0 '^2024-06-22: ' 'weather: ready'
grep -q 'gone' <<<"$OUT$ERR" && bad "call SERVER/TOOL does not mention the other server" "$ERR" ||
	ok "call SERVER/TOOL does not mention the other server"
if grep -q 'weather: ready' "$STATE/session.log" 2>/dev/null && ! grep -q 'gone' "$STATE/session.log"; then
	ok "the session log has no trace of the other server"
else
	bad "the session log has no trace of the other server" "$(cat "$STATE/session.log" 2>&1)"
fi
run -c "$TMP/down.json" call nowhere/tool
expect "an unknown server still lists the configured ones" 2 '' "unknown server 'nowhere': the servers are gone, weather"
grep -q 'gone: ' "$STATE/session.log" && bad "an unknown server starts nothing" "$(cat "$STATE/session.log")" ||
	ok "an unknown server starts nothing"
# started NAME: the servers the last run logged starting, in order.
started() { grep -oE ' (travel|weather|calendar|gone): starting$' "$STATE/session.log" | sed 's/: starting//' | tr -d ' ' | tr '\n' ' '; }
fresh
run tools weather
[ "$RC" -eq 0 ] && [ "$(started)" = "weather " ] && ok "tools SERVER starts that server alone" ||
	bad "tools SERVER starts that server alone" "rc $RC, started: $(started)"
fresh
run prompt travel/plan-vacation destination=Barcelona departure_date=2024-06-15 return_date=2024-06-22 budget=3000 travelers=2
[ "$RC" -eq 0 ] && [ "$(started)" = "travel " ] && ok "prompt SERVER/NAME starts that server alone" ||
	bad "prompt SERVER/NAME starts that server alone" "rc $RC, started: $(started)" "${ERR:0:300}"
fresh
run tools
[ "$RC" -eq 0 ] && [ "$(started)" = "travel weather calendar " ] && ok "tools without a server starts them all" ||
	bad "tools without a server starts them all" "rc $RC, started: $(started)"
# read URI: the server its scheme names alone, when one has that name and
# owns the URI; else every server, so that the one that owns it answers.
fresh
run -c "$TMP/down.json" read weather://climate/Barcelona
expect "read SCHEME://... beside a server that cannot start" 0 '"label":"Barcelona, Spain"'
! grep -q gone <<<"$ERR" && ! grep -q 'gone' "$STATE/session.log" &&
	ok "read SCHEME://... starts the server of that name alone" ||
	bad "read SCHEME://... starts the server of that name alone" "$ERR" "$(cat "$STATE/session.log")"
cat >"$TMP/swapped.json" <<EOF
{"mcpServers": {"calendar": {"command": "$BUILD/asan/tripmcp-weather"},
  "cal": {"command": "$BUILD/asan/tripmcp-calendar"}}}
EOF
fresh
run -c "$TMP/swapped.json" --verbose read calendar://us-holidays/July-2024
expect "a scheme's server that does not own the URI: the others are asked" 0 'Independence Day' \
    'resources/read cal/calendar://us-holidays/July-2024 done'
fresh
run read nothing://here
[ "$RC" -eq 2 ] && [ "$(started)" = "travel weather calendar " ] &&
	ok "a URI no server's name matches starts them all" ||
	bad "a URI no server's name matches starts them all" "rc $RC, started: $(started)"
printf 'tools weather\ncall weather/getSeasonalInfo location=Rome\n' >"$TMP/one.repl"
fresh
timeout 60 "$TRIPMCP" repl <"$TMP/one.repl" >"$TMP/out" 2>"$TMP/err"
[ "$(started)" = "travel weather calendar " ] && ok "the REPL starts every server, whatever its first command" ||
	bad "the REPL starts every server, whatever its first command" "started: $(started)"

# Bundled servers missing: say which and how to build them.
mkdir -p "$TMP/alone"
cp "$TRIPMCP" "$TMP/alone/tripmcp"
if [ ! -e /usr/local/bin/tripmcp-travel ]; then
	timeout 30 "$TMP/alone/tripmcp" servers </dev/null >"$TMP/out" 2>"$TMP/err"
	RC=$?; OUT=$(cat "$TMP/out"); ERR=$(cat "$TMP/err")
	expect "no bundled server: which, and how to build them" 3 '' \
	    'cannot start the bundled servers tripmcp-travel, tripmcp-weather, tripmcp-calendar.*make'
else
	ok "no bundled server (skipped: installed in /usr/local/bin)"
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
