#!/usr/bin/env bash
# The example server as a process: its flags (mcp_server_main), exit codes
# and messages, and how it ends (EOF on stdin, SIGTERM, SIGINT). Runs the
# plain and the ASan+UBSan build when both exist. Prints PASS/FAIL lines and
# "N passed, N failed".
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:halt_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
passed=0
failed=0

pass() { echo "PASS example-flags: $1"; passed=$((passed + 1)); }
fail() {
	echo "FAIL example-flags: $1"
	failed=$((failed + 1))
	if [ -s "$TMP/err" ]; then sed 's/^/  stderr: /' "$TMP/err" | head -n 10; fi
}

# run NAME WANT_STATUS CMD...: run with stdin from /dev/null, at most 10 s;
# stdout in $TMP/out, stderr in $TMP/err.
run() {
	local name=$1 want=$2 rc
	shift 2
	timeout -k 2 10 "$@" </dev/null >"$TMP/out" 2>"$TMP/err"
	rc=$?
	if [ "$rc" -eq "$want" ]; then
		return 0
	fi
	fail "$name: exit status $rc, expected $want"
	return 1
}

# check NAME FILE PATTERN: FILE matches the extended regex PATTERN.
check() {
	if grep -Eq -- "$3" "$2"; then
		pass "$1"
	else
		fail "$1: $(basename "$2") does not match /$3/"
		sed 's/^/  got: /' "$2" | head -n 5
	fi
}

# A clean stderr: no sanitizer report.
clean() {
	if grep -Eq 'Sanitizer|runtime error|LeakSanitizer' "$TMP/err"; then
		fail "$1: sanitizer report"
	fi
}

# wait_exit PID SECONDS: the process's exit status, or 124 if it is still
# running after SECONDS (then it is killed).
wait_exit() {
	local pid=$1 limit=$(($2 * 10)) i
	for ((i = 0; i < limit; i++)); do
		if ! kill -0 "$pid" 2>/dev/null; then
			wait "$pid"
			return $?
		fi
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	return 124
}

INIT='{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"sh","version":"1"}}}'
INITIALIZED='{"jsonrpc":"2.0","method":"notifications/initialized"}'

binaries=()
for b in "$BUILD/mcp-example-everything" "$BUILD/asan/mcp-example-everything"; do
	[ -x "$b" ] && binaries+=("$b")
done
if [ ${#binaries[@]} -eq 0 ]; then
	echo "FAIL example-flags: no $BUILD/mcp-example-everything; run 'make'"
	echo "0 passed, 1 failed"
	exit 1
fi

for bin in "${binaries[@]}"; do
	tag=$(basename "$(dirname "$bin")")/$(basename "$bin")
	tag=${tag#"$(basename "$BUILD")/"}

	if run "$tag --help" 0 "$bin" --help; then
		check "$tag --help: usage line" "$TMP/out" '^usage: mcp-example-everything '
		check "$tag --help: mentions --http" "$TMP/out" '--http ADDR:PORT'
		check "$tag --help: mentions --log-level" "$TMP/out" '--log-level LEVEL'
		[ -s "$TMP/err" ] && fail "$tag --help: wrote to stderr" || pass "$tag --help: nothing on stderr"
	fi
	if run "$tag -h" 0 "$bin" -h; then
		check "$tag -h" "$TMP/out" '--log-level'
	fi
	if run "$tag --version" 0 "$bin" --version; then
		check "$tag --version" "$TMP/out" '^mcp-example-everything [0-9]+\.[0-9]+\.[0-9]+$'
	fi
	if run "$tag unknown option" 2 "$bin" --frobnicate; then
		check "$tag unknown option: named" "$TMP/err" "unknown option '--frobnicate'"
		check "$tag unknown option: points at --help" "$TMP/err" "--help"
		[ -s "$TMP/out" ] && fail "$tag unknown option: wrote to stdout" || pass "$tag unknown option: stdout empty"
	fi
	if run "$tag stray argument" 2 "$bin" extra; then
		check "$tag stray argument: named" "$TMP/err" "'extra'"
	fi
	if run "$tag --log-level bogus" 2 "$bin" --log-level bogus; then
		check "$tag --log-level bogus: named" "$TMP/err" "'bogus'"
		check "$tag --log-level bogus: lists levels" "$TMP/err" 'debug.*emergency'
	fi
	if run "$tag --log-level without value" 2 "$bin" --log-level; then
		check "$tag --log-level without value" "$TMP/err" '--log-level needs a value'
	fi
	if run "$tag --http without value" 2 "$bin" --http; then
		check "$tag --http without value" "$TMP/err" '--http needs a value'
	fi
	if run "$tag --http 999.1.1.1:1" 1 "$bin" --http 999.1.1.1:1; then
		check "$tag --http 999.1.1.1:1: clear message" "$TMP/err" '999\.1\.1\.1:1'
		clean "$tag --http 999.1.1.1:1"
	fi
	if run "$tag --http bad port" 1 "$bin" --http 127.0.0.1:99999; then
		check "$tag --http bad port: clear message" "$TMP/err" '127\.0\.0\.1:99999'
	fi

	# EOF on stdin: answer what came, then exit 0 at once.
	start=$SECONDS
	printf '%s\n%s\n%s\n' "$INIT" "$INITIALIZED" \
	    '{"jsonrpc":"2.0","id":2,"method":"tools/list"}' |
	    timeout -k 2 10 "$bin" >"$TMP/out" 2>"$TMP/err"
	rc=$?
	if [ "$rc" -eq 0 ] && [ $((SECONDS - start)) -le 3 ]; then
		pass "$tag EOF: exit 0 promptly"
	else
		fail "$tag EOF: exit status $rc after $((SECONDS - start)) s"
	fi
	check "$tag EOF: answered initialize" "$TMP/out" '^\{"jsonrpc":"2\.0","id":1,"result":\{"protocolVersion":"2025-11-25"'
	check "$tag EOF: answered tools/list" "$TMP/out" '^\{"jsonrpc":"2\.0","id":2,"result":\{"tools":\['
	if grep -vq '^{"jsonrpc":"2.0"' "$TMP/out"; then
		fail "$tag EOF: stdout holds something besides JSON-RPC lines"
	else
		pass "$tag EOF: stdout holds only JSON-RPC lines"
	fi
	clean "$tag EOF"
	timeout -k 2 10 "$bin" </dev/null >"$TMP/out" 2>"$TMP/err"
	rc=$?
	[ "$rc" -eq 0 ] && pass "$tag empty stdin: exit 0" || fail "$tag empty stdin: exit status $rc"
	# Closed standard descriptors: no descriptor mix-up, no hang.
	timeout -k 2 5 "$bin" <&- >"$TMP/out" 2>"$TMP/err"
	rc=$?
	[ "$rc" -eq 0 ] && pass "$tag closed stdin: exit 0" || fail "$tag closed stdin: exit status $rc"
	printf '%s\n' "$INIT" | timeout -k 2 5 "$bin" >&- 2>"$TMP/err"
	rc=$?
	[ "$rc" -eq 0 ] && pass "$tag closed stdout: exit 0" || fail "$tag closed stdout: exit status $rc"
	clean "$tag closed stdout"

	# EOF with a 5 s call in flight: the call is cancelled, no waiting.
	start=$SECONDS
	printf '%s\n%s\n%s\n' "$INIT" "$INITIALIZED" \
	    '{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"test_slow","arguments":{"ms":5000}}}' |
	    timeout -k 2 10 "$bin" >"$TMP/out" 2>"$TMP/err"
	rc=$?
	if [ "$rc" -eq 0 ] && [ $((SECONDS - start)) -le 3 ]; then
		pass "$tag EOF mid-call: exit 0 promptly"
	else
		fail "$tag EOF mid-call: exit status $rc after $((SECONDS - start)) s"
	fi
	clean "$tag EOF mid-call"

	# SIGTERM and SIGINT while serving stdio: exit 0.
	for sig in TERM INT; do
		mkfifo "$TMP/in"
		"$bin" <"$TMP/in" >"$TMP/out" 2>"$TMP/err" &
		pid=$!
		exec 9>"$TMP/in"
		printf '%s\n' "$INIT" >&9
		for ((i = 0; i < 50; i++)); do
			grep -q '"id":1' "$TMP/out" 2>/dev/null && break
			sleep 0.1
		done
		kill -"$sig" "$pid"
		wait_exit "$pid" 5
		rc=$?
		exec 9>&-
		rm -f "$TMP/in"
		[ "$rc" -eq 0 ] && pass "$tag SIG$sig: exit 0" ||
		    fail "$tag SIG$sig: exit status $rc"
		clean "$tag SIG$sig"
	done

	# SIGTERM while serving HTTP on a free port: exit 0.
	"$bin" --http 127.0.0.1:0 --log-level notice </dev/null >"$TMP/out" 2>"$TMP/err" &
	pid=$!
	for ((i = 0; i < 50; i++)); do
		grep -q 'mcp$' "$TMP/err" 2>/dev/null && break
		sleep 0.1
	done
	check "$tag --http 127.0.0.1:0: says where" "$TMP/err" 'serving MCP on http://127\.0\.0\.1:[1-9][0-9]*/mcp$'
	kill -TERM "$pid"
	wait_exit "$pid" 5
	rc=$?
	[ "$rc" -eq 0 ] && pass "$tag --http SIGTERM: exit 0" ||
	    fail "$tag --http SIGTERM: exit status $rc"
	clean "$tag --http SIGTERM"
	[ -s "$TMP/out" ] && fail "$tag --http: wrote to stdout" || pass "$tag --http: stdout empty"
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
