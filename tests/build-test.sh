#!/usr/bin/env bash
# The build's promises: a missing library is named with its Debian package,
# `make deps` prints the exact command when it cannot install, and
# `make install` puts programs and man pages under DESTDIR/PREFIX.
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
pass=0
fail=0
check() {	# check NAME CONDITION-EXIT-STATUS [DETAIL]
	if [ "$2" -eq 0 ]; then
		pass=$((pass + 1)); echo "PASS build: $1"
	else
		fail=$((fail + 1)); echo "FAIL build: $1${3:+: $3}"
	fi
}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# A pkg-config that knows every library but libcjson.
mkdir -p "$tmp/bin"
cat >"$tmp/bin/pkg-config" <<'SH'
#!/bin/sh
for a in "$@"; do [ "$a" = libcjson ] && exit 1; done
exec /usr/bin/pkg-config "$@"
SH
chmod +x "$tmp/bin/pkg-config"
out=$(PATH="$tmp/bin:$PATH" make --no-print-directory check-deps 2>&1)
rc=$?
[ $rc -ne 0 ] && grep -q "library libcjson is missing; install the Debian package libcjson-dev" <<<"$out"
check "a missing library is named with its Debian package" $? "$out"

# Not root and a package missing: make deps prints the command, installs nothing.
cat >"$tmp/bin/id" <<'SH'
#!/bin/sh
echo 1000
SH
cat >"$tmp/bin/dpkg-query" <<'SH'
#!/bin/sh
case "$*" in *libevent-dev*) exit 1 ;; esac
echo "install ok installed"
SH
cat >"$tmp/bin/apt-get" <<'SH'
#!/bin/sh
echo "apt-get must not run" >&2
exit 99
SH
chmod +x "$tmp/bin/id" "$tmp/bin/dpkg-query" "$tmp/bin/apt-get"
out=$(PATH="$tmp/bin:$PATH" make --no-print-directory deps 2>&1)
rc=$?
[ $rc -ne 0 ] && grep -q "run: sudo apt-get install -y libevent-dev" <<<"$out" &&
    ! grep -q "must not run" <<<"$out"
check "make deps prints the exact command when not root" $? "$out"

# Nothing missing: make deps says so and succeeds.
out=$(make --no-print-directory deps 2>&1)
check "make deps with everything installed" $? "$out"

# make install into a staging directory.
out=$(make --no-print-directory install PREFIX=/usr DESTDIR="$tmp/stage" 2>&1)
rc=$?
[ $rc -eq 0 ] && [ -x "$tmp/stage/usr/bin/mcp-example-everything" ] &&
    [ -f "$tmp/stage/usr/share/man/man1/mcp-example-everything.1" ]
check "make install honours PREFIX and DESTDIR" $? "$out"
"$tmp/stage/usr/bin/mcp-example-everything" --version | grep -q '^mcp-example-everything '
check "the installed program runs" $?
[ -f "$tmp/stage/usr/share/man/man5/tripmcp-config.5" ] &&
    [ -f "$tmp/stage/usr/share/man/man1/tripmcp-travel.1" ]
check "make install puts the man pages of sections 1 and 5" $?
# An installed server finds its seed data under the prefix, wherever the
# build tree is: it seeds a fresh database and exits at EOF.
out=$(env -u TRIPMCP_DATA_DIR "$tmp/stage/usr/bin/tripmcp-weather" --db "$tmp/w.db" </dev/null 2>&1)
rc=$?
[ $rc -eq 0 ] && [ -s "$tmp/w.db" ]
check "an installed server seeds its database from the installed data" $? "$out"

out=$(make --no-print-directory help 2>&1)
for t in run test bench fuzz deps install; do
	grep -q "^make $t" <<<"$out"
	check "make help lists $t" $?
done

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
