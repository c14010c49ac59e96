#!/usr/bin/env bash
# Replay each fuzz target's committed corpus, then fuzz it for a while.
#
# For every built $BUILD/fuzz/NAME-fuzzer:
#  1. run it once on each file of tests/fuzz/corpus/NAME/ (the crashers and
#     seeds we keep) when that folder exists;
#  2. fuzz for $FUZZ_SECONDS seconds from a scratch copy of that corpus in
#     $BUILD/fuzz-work/NAME-fuzzer/ (the committed corpus is never written),
#     with tests/fuzz/NAME.dict when there is one and -max_len set to the
#     target's cap: "#define FUZZ_MAX_LEN <bytes>" in tests/fuzz/NAME-fuzzer.c,
#     else "max_len = <bytes>" in tests/fuzz/NAME-fuzzer.options, else 4096.
# FUZZ_SEED, when set, fixes libFuzzer's seed: `make test` sets it so that a
# short run explores the same inputs every time (a finding is reproducible and
# CI does not fail by chance); `make fuzz` leaves it unset to explore anew.
# Prints "PASS fuzz: NAME-fuzzer" or "FAIL fuzz: NAME-fuzzer" per target and ends with
# "N passed, N failed"; exits 1 if any target failed. Each target's output
# is in $BUILD/fuzz-work/NAME-fuzzer.log, crashing inputs next to it.
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
FUZZ_SECONDS=${FUZZ_SECONDS:-10}
WORK=$BUILD/fuzz-work
COMMON=(-rss_limit_mb=2048 -timeout=10 -print_final_stats=0)

case $FUZZ_SECONDS in
''|*[!0-9]*)
	echo "fuzz: FUZZ_SECONDS must be a whole number of seconds, not '$FUZZ_SECONDS'"
	exit 2 ;;
esac

# cap TARGET: the largest input the target takes.
cap() {
	local src=tests/fuzz/$1.c opt=tests/fuzz/$1.options n=""
	if [ -f "$src" ]; then
		n=$(sed -n 's/^#define[[:space:]]\{1,\}FUZZ_MAX_LEN[[:space:]]\{1,\}\([0-9]\{1,\}\).*/\1/p' "$src" | head -n 1)
	fi
	if [ -z "$n" ] && [ -f "$opt" ]; then
		n=$(sed -n 's/^[[:space:]]*max_len[[:space:]]*=[[:space:]]*\([0-9]\{1,\}\).*/\1/p' "$opt" | head -n 1)
	fi
	echo "${n:-4096}"
}

mkdir -p "$WORK"
passed=0
failed=0
shopt -s nullglob
targets=("$BUILD"/fuzz/*-fuzzer)
if [ ${#targets[@]} -eq 0 ]; then
	echo "fuzz: no fuzz targets in $BUILD/fuzz/; build them with 'make fuzz' or 'make test-build'"
fi

for bin in "${targets[@]}"; do
	[ -x "$bin" ] || continue
	name=$(basename "$bin")
	short=${name%-fuzzer}
	corpus=tests/fuzz/corpus/$short
	dict=tests/fuzz/$short.dict
	scratch=$WORK/$name
	log=$WORK/$name.log
	artifacts=$WORK/$name-crash-
	max_len=$(cap "$name")
	ok=1
	: >"$log"

	# 1. Replay: every kept input, one run each.
	if [ -d "$corpus" ]; then
		files=("$corpus"/*)
		if [ ${#files[@]} -gt 0 ]; then
			echo "== replay ${#files[@]} inputs of $corpus" >>"$log"
			if ! "$bin" "${COMMON[@]}" -artifact_prefix="$artifacts" \
			    "${files[@]}" </dev/null >>"$log" 2>&1; then
				ok=0
				echo "fuzz: $name fails on its committed corpus $corpus/; see $log"
			fi
		fi
	fi

	# 2. Fuzz from a scratch copy (kept between runs, refreshed from the
	#    committed corpus).
	if [ $ok -eq 1 ] && [ "$FUZZ_SECONDS" -gt 0 ]; then
		mkdir -p "$scratch"
		if [ -d "$corpus" ]; then
			cp -n "$corpus"/* "$scratch"/ 2>/dev/null
		fi
		args=("${COMMON[@]}" -max_total_time="$FUZZ_SECONDS" -max_len="$max_len"
		    -artifact_prefix="$artifacts")
		[ -n "${FUZZ_SEED:-}" ] && args+=(-seed="$FUZZ_SEED")
		note=""
		if [ -f "$dict" ]; then
			args+=(-dict="$dict")
			note=", dict $dict"
		fi
		echo "== fuzz ${FUZZ_SECONDS}s, max_len $max_len$note" >>"$log"
		if ! "$bin" "${args[@]}" "$scratch" </dev/null >>"$log" 2>&1; then
			ok=0
			echo "fuzz: $name found a failing input (${artifacts}*); see $log." \
			    "Once fixed, keep the input in $corpus/"
		fi
	fi

	if [ $ok -eq 1 ]; then
		echo "PASS fuzz: $name"
		passed=$((passed + 1))
	else
		echo "FAIL fuzz: $name"
		failed=$((failed + 1))
	fi
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
