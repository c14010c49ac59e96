#!/usr/bin/env bash
# Run every test suite and add up their closing "N passed, N failed" lines.
# Each suite prints PASS/FAIL lines and ends with its own count; a suite that
# dies without a count is one failure. Logs of failing suites are shown.
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
LOGDIR=$BUILD/test-logs
mkdir -p "$LOGDIR"
total_pass=0
total_fail=0
total_skip=0
failed_suites=()

# run_suite NAME CMD...: run one suite (at most SUITE_TIMEOUT seconds, so a
# hang is a failure, not a stuck CI), add up its counts.
run_suite() {
	local name=$1; shift
	local log="$LOGDIR/${name//\//_}.log"
	local start=$SECONDS rc line p f k=
	timeout -k 10 "${SUITE_TIMEOUT:-600}" "$@" >"$log" 2>&1
	rc=$?
	[ "$rc" -eq 124 ] && echo "FAIL $name: timed out after ${SUITE_TIMEOUT:-600}s" >>"$log"
	line=$(grep -E '^[A-Za-z-]*:? ?[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
	if [ -n "$line" ]; then
		p=$(sed -E 's/.*\b([0-9]+) passed.*/\1/' <<<"$line")
		f=$(sed -E 's/.*passed, ([0-9]+) failed.*/\1/' <<<"$line")
		k=$(sed -nE 's/.*failed, ([0-9]+) skipped.*/\1/p' <<<"$line")
	else
		p=0; f=1
	fi
	k=${k:-0}
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1	# it counted no failure but exited badly (a leak, a crash)
	fi
	total_pass=$((total_pass + p))
	total_fail=$((total_fail + f))
	total_skip=$((total_skip + k))
	printf '%-44s %4d passed, %d failed%s  (%ds)\n' "$name" "$p" "$f" \
	    "$([ "$k" -gt 0 ] && echo ", $k skipped")" $((SECONDS - start))
	if [ "$f" -ne 0 ]; then
		failed_suites+=("$name")
		echo "---- $name (exit $rc): last lines of $log"
		grep -E '^(FAIL|  )|ERROR|Sanitizer|runtime error' "$log" | head -n 40
		tail -n 15 "$log"
		echo "----"
	fi
}

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:halt_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

echo "== unit tests"
for t in "$BUILD"/tests/*; do
	[ -x "$t" ] && run_suite "unit/$(basename "$t")" "$t"
done
echo "== unit tests under ASan+UBSan"
for t in "$BUILD"/asan/tests/*; do
	[ -x "$t" ] && run_suite "asan/$(basename "$t")" "$t"
done
echo "== scripts: the build, the programs' command lines"
for s in tests/*-test.sh tests/mcp/*-test.sh; do
	[ -x "$s" ] && run_suite "script/$(basename "$s" .sh)" env BUILD="$BUILD" "$s"
done

echo "== interoperability with the official peers (servers built with ASan+UBSan)"
if tests/interop/setup.sh >"$LOGDIR/interop-setup.log" 2>&1; then
	example=$BUILD/asan/mcp-example-everything
	run_suite "interop/sdk-client-stdio" \
		node tests/interop/sdk-client.mjs -- "$example"
	run_suite "interop/conformance-http" \
		env CONFORMANCE_OUT="$BUILD/interop" CONFORMANCE_SUITE=all tests/interop/conformance.sh "$example"
	client=$BUILD/asan/mcp-example-client
	run_suite "interop/conformance-client" \
		env CONFORMANCE_OUT="$BUILD/interop" tests/interop/client-conformance.sh "$client"
	run_suite "interop/client-everything" \
		env CONFORMANCE_OUT="$BUILD/interop" tests/interop/client-everything.sh "$client"
	# The rest: each tests/interop/NAME-test.sh drives our programs (from
	# $BUILD, ASan builds) with the official peers and prints its own count.
	for s in tests/interop/*-test.sh; do
		[ -x "$s" ] && run_suite "interop/$(basename "$s" .sh)" env BUILD="$BUILD" "$s"
	done
else
	cat "$LOGDIR/interop-setup.log"
	run_suite "interop/setup" false
fi

echo "== fuzz targets: replay the corpora, then a short run each"
if [ -x tests/fuzz/run.sh ]; then
	run_suite "fuzz" env FUZZ_SECONDS=${FUZZ_SECONDS:-10} \
	    FUZZ_SEED=${FUZZ_SEED:-1} tests/fuzz/run.sh
fi

echo
if [ ${#failed_suites[@]} -gt 0 ]; then
	echo "failed suites: ${failed_suites[*]} (logs in $LOGDIR/)"
fi
if [ "$total_skip" -gt 0 ]; then
	echo "$total_pass passed, $total_fail failed, $total_skip skipped"
else
	echo "$total_pass passed, $total_fail failed"
fi
[ "$total_fail" -eq 0 ]
