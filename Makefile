# tripmcp: the MCP library (mcp/), the bundled servers, the terminal program
# and everything that tests them. `make help` lists the targets.

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
DESTDIR ?=
BUILD ?= build

CC ?= cc
FUZZCC ?= clang
OPT ?= -O2
CSTD := -std=c11 -D_GNU_SOURCE
WARN := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes
SAN := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined

# pkg-config name : Debian package that provides it.
DEP_PKGS := libcjson:libcjson-dev libevent:libevent-dev sqlite3:libsqlite3-dev \
	libcurl:libcurl4-openssl-dev gmime-3.0:libgmime-3.0-dev \
	ncursesw:libncurses-dev
# Tools the build and the tests need, as Debian packages (readline has no
# .pc file on Debian 12; tmux drives the REPL's tests).
DEP_TOOLS := pkg-config clang libclang-rt-14-dev libreadline-dev tmux
PKG_NAMES := $(foreach d,$(DEP_PKGS),$(firstword $(subst :, ,$(d))))

PKG_CFLAGS := $(shell pkg-config --cflags libcjson libevent libcurl 2>/dev/null)
PKG_LIBS := $(shell pkg-config --libs libcjson libevent libcurl 2>/dev/null) -lm
SQLITE_CFLAGS := $(shell pkg-config --cflags sqlite3 2>/dev/null)
SQLITE_LIBS := $(shell pkg-config --libs sqlite3 2>/dev/null)
# GMime (MIME messages and addresses, for the calendar server's sendEmail);
# its glib headers are system headers to us.
GMIME_CFLAGS := $(patsubst -I%,-isystem %,$(shell pkg-config --cflags gmime-3.0 2>/dev/null))
GMIME_LIBS := $(shell pkg-config --libs gmime-3.0 2>/dev/null)
DATADIR ?= $(PREFIX)/share/tripmcp/data

CFLAGS ?= $(OPT) -g
ALL_CFLAGS = $(CSTD) $(WARN) $(CFLAGS) -I. $(PKG_CFLAGS) $(SQLITE_CFLAGS) \
	$(GMIME_CFLAGS) -DTRIPMCP_DATADIR='"$(DATADIR)"' -MMD -MP
LDFLAGS ?=

MCP_SRC := $(wildcard mcp/*.c)
EXAMPLE_SRC := $(wildcard mcp/examples/*.c)
TEST_SRC := $(wildcard tests/mcp/*-test.c)
FUZZ_SRC := $(wildcard tests/fuzz/*-fuzzer.c)
BENCH_SRC := $(filter-out bench/benchutil.c,$(wildcard bench/*.c))
BENCHUTIL_OBJ := $(BUILD)/obj/bench/benchutil.o

MCP_OBJ := $(MCP_SRC:%.c=$(BUILD)/obj/%.o)
MCP_ASAN_OBJ := $(MCP_SRC:%.c=$(BUILD)/asan/obj/%.o)
MCP_FUZZ_OBJ := $(MCP_SRC:%.c=$(BUILD)/fuzz/obj/%.o)
LIBMCP := $(BUILD)/libmcp.a
LIBMCP_ASAN := $(BUILD)/asan/libmcp.a

EXAMPLES := $(EXAMPLE_SRC:mcp/examples/%.c=$(BUILD)/mcp-example-%)
EXAMPLES_ASAN := $(EXAMPLE_SRC:mcp/examples/%.c=$(BUILD)/asan/mcp-example-%)
TESTS := $(TEST_SRC:tests/mcp/%.c=$(BUILD)/tests/%)
TESTS_ASAN := $(TEST_SRC:tests/mcp/%.c=$(BUILD)/asan/tests/%)
# Helpers every test binary links; not a test itself (not *-test.c).
# servers/common: what the bundled servers share (sqlite, places, dates).
COMMON_SRC := $(wildcard servers/common/*.c)
COMMON_OBJ := $(COMMON_SRC:%.c=$(BUILD)/obj/%.o)
COMMON_ASAN_OBJ := $(COMMON_SRC:%.c=$(BUILD)/asan/obj/%.o)
LIBCOMMON := $(BUILD)/libservers-common.a
LIBCOMMON_ASAN := $(BUILD)/asan/libservers-common.a
# tests/servers/NAME-test.c -> $(BUILD)/tests/servers-NAME-test
SERVERS_TEST_SRC := $(wildcard tests/servers/*-test.c)
SERVERS_TESTS := $(SERVERS_TEST_SRC:tests/servers/%.c=$(BUILD)/tests/servers-%)
SERVERS_TESTS_ASAN := $(SERVERS_TEST_SRC:tests/servers/%.c=$(BUILD)/asan/tests/servers-%)
TESTUTIL_OBJ := $(BUILD)/obj/tests/mcp/testutil.o
TESTUTIL_ASAN_OBJ := $(BUILD)/asan/obj/tests/mcp/testutil.o
SERVERUTIL_OBJ := $(BUILD)/obj/tests/servers/serverutil.o
SERVERUTIL_ASAN_OBJ := $(BUILD)/asan/obj/tests/servers/serverutil.o
# The bundled servers: servers/NAME/*.c -> $(BUILD)/tripmcp-NAME.
SERVER_NAMES := $(notdir $(patsubst %/,%,$(dir $(wildcard servers/*/main.c))))
SERVERS := $(SERVER_NAMES:%=$(BUILD)/tripmcp-%)
SERVERS_ASAN := $(SERVER_NAMES:%=$(BUILD)/asan/tripmcp-%)
FUZZERS := $(FUZZ_SRC:tests/fuzz/%.c=$(BUILD)/fuzz/%)
BENCHES := $(BENCH_SRC:bench/%.c=$(BUILD)/bench/%)
# The tripmcp program: tui/*.c on the library, with ncurses and readline.
TUI_SRC := $(wildcard tui/*.c)
TUI_CFLAGS := $(shell pkg-config --cflags ncursesw 2>/dev/null)
TUI_LIBS := $(shell pkg-config --libs ncursesw 2>/dev/null) -lreadline
TRIPMCP := $(if $(TUI_SRC),$(BUILD)/tripmcp)
TRIPMCP_ASAN := $(if $(TUI_SRC),$(BUILD)/asan/tripmcp)
PROGRAMS := $(EXAMPLES) $(SERVERS) $(TRIPMCP)

.PHONY: all help deps check-deps test test-build bench fuzz run install \
	uninstall clean
.DEFAULT_GOAL := all
# Keep objects made along pattern chains (tests, examples): no rebuild next time.
.SECONDARY:

all: check-deps $(LIBMCP) $(PROGRAMS)

help:
	@echo "make            build the library and programs into $(BUILD)/"
	@echo "make run        build, then start tripmcp on its bundled servers"
	@echo "make test       install what is missing, build, run every test"
	@echo "make bench      benchmarks (figures, never pass/fail)"
	@echo "make fuzz       libFuzzer targets, a longer bounded run (FUZZ_SECONDS=$(FUZZ_SECONDS))"
	@echo "make deps       install missing Debian packages (or print the command)"
	@echo "make install    PREFIX=$(PREFIX) DESTDIR=..."
	@echo "make clean"

# Dependencies ----------------------------------------------------------------

# Which of the Debian packages above are missing, by dpkg when there is one.
missing_debs = $(shell for d in $(foreach d,$(DEP_PKGS),$(lastword $(subst :, ,$(d)))) $(DEP_TOOLS); do \
	dpkg-query -W -f='$${Status}' $$d 2>/dev/null | grep -q 'ok installed' || echo $$d; done; \
	command -v npm >/dev/null 2>&1 || echo nodejs npm)

deps:
	@missing="$(missing_debs)"; \
	if [ -z "$$missing" ]; then echo "deps: all build packages are installed"; exit 0; fi; \
	if ! command -v apt-get >/dev/null 2>&1; then \
		echo "deps: missing $$missing; this is not a Debian system, install their equivalents"; exit 1; fi; \
	if [ "$$(id -u)" != 0 ]; then \
		echo "deps: missing packages; run: sudo apt-get install -y $$missing"; exit 1; fi; \
	echo "deps: installing $$missing (apt-get)"; \
	export DEBIAN_FRONTEND=noninteractive; \
	apt-get update -qq && apt-get install -y -qq --no-install-recommends $$missing >/dev/null \
		|| { echo "deps: apt-get install $$missing failed"; exit 1; }; \
	echo "deps: installed $$missing"

check-deps:
	@command -v pkg-config >/dev/null 2>&1 || { \
		echo "build: pkg-config is missing; install the Debian package pkg-config (or run 'make deps')"; exit 1; }
	@for d in $(DEP_PKGS); do p=$${d%%:*}; deb=$${d##*:}; \
		pkg-config --exists $$p || { \
		echo "build: library $$p is missing; install the Debian package $$deb (or run 'make deps')"; exit 1; }; \
	done

# Compiling -------------------------------------------------------------------

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(BUILD)/asan/obj/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -O1 $(SAN) -c $< -o $@

$(BUILD)/fuzz/obj/%.o: %.c
	@mkdir -p $(@D)
	$(FUZZCC) $(CSTD) $(WARN) -g -O1 -I. $(PKG_CFLAGS) -MMD -MP \
		-fsanitize=fuzzer-no-link,address,undefined -c $< -o $@

$(LIBMCP): $(MCP_OBJ)
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^

$(LIBMCP_ASAN): $(MCP_ASAN_OBJ)
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^

$(BUILD)/mcp-example-%: $(BUILD)/obj/mcp/examples/%.o $(LIBMCP)
	$(CC) $(LDFLAGS) $^ $(PKG_LIBS) -o $@

$(BUILD)/asan/mcp-example-%: $(BUILD)/asan/obj/mcp/examples/%.o $(LIBMCP_ASAN)
	$(CC) $(SAN) $(LDFLAGS) $^ $(PKG_LIBS) -o $@

# The helpers' objects, named so that they are built (by the pattern rules
# above) and kept like any other target.
$(TESTUTIL_OBJ): tests/mcp/testutil.c
$(TESTUTIL_ASAN_OBJ): tests/mcp/testutil.c

$(LIBCOMMON): $(COMMON_OBJ)
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^

$(LIBCOMMON_ASAN): $(COMMON_ASAN_OBJ)
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^

$(SERVERUTIL_OBJ): tests/servers/serverutil.c
$(SERVERUTIL_ASAN_OBJ): tests/servers/serverutil.c

# One rule per server program: every .c of its folder, the common code, the kit.
define server_rules
$(1)_SRC := $$(wildcard servers/$(1)/*.c)
$(BUILD)/tripmcp-$(1): $$($(1)_SRC:%.c=$(BUILD)/obj/%.o) $(LIBCOMMON) $(LIBMCP)
	$$(CC) $$(LDFLAGS) $$^ $$(PKG_LIBS) $$(SQLITE_LIBS) $$(GMIME_LIBS) -o $$@
$(BUILD)/asan/tripmcp-$(1): $$($(1)_SRC:%.c=$(BUILD)/asan/obj/%.o) \
    $(LIBCOMMON_ASAN) $(LIBMCP_ASAN)
	@mkdir -p $$(@D)
	$$(CC) $$(SAN) $$(LDFLAGS) $$^ $$(PKG_LIBS) $$(SQLITE_LIBS) $$(GMIME_LIBS) -o $$@
endef
$(foreach s,$(SERVER_NAMES),$(eval $(call server_rules,$(s))))

# tripmcp finds the bundled servers beside itself, then in BINDIR.
$(BUILD)/obj/tui/%.o $(BUILD)/asan/obj/tui/%.o: ALL_CFLAGS += $(TUI_CFLAGS) \
	-DTRIPMCP_BINDIR='"$(BINDIR)"'
$(BUILD)/tripmcp: $(TUI_SRC:%.c=$(BUILD)/obj/%.o) $(LIBMCP)
	$(CC) $(LDFLAGS) $^ $(PKG_LIBS) $(TUI_LIBS) -o $@
$(BUILD)/asan/tripmcp: $(TUI_SRC:%.c=$(BUILD)/asan/obj/%.o) $(LIBMCP_ASAN)
	$(CC) $(SAN) $(LDFLAGS) $^ $(PKG_LIBS) $(TUI_LIBS) -o $@

# Server tests drive the programs (found beside the test's own directory).
$(BUILD)/tests/servers-%: $(BUILD)/obj/tests/servers/%.o $(SERVERUTIL_OBJ) \
    $(TESTUTIL_OBJ) $(LIBCOMMON) $(LIBMCP) | $(SERVERS)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) $(filter %.o %.a,$^) $(PKG_LIBS) $(SQLITE_LIBS) $(GMIME_LIBS) -o $@

$(BUILD)/asan/tests/servers-%: $(BUILD)/asan/obj/tests/servers/%.o \
    $(SERVERUTIL_ASAN_OBJ) $(TESTUTIL_ASAN_OBJ) $(LIBCOMMON_ASAN) \
    $(LIBMCP_ASAN) | $(SERVERS_ASAN)
	@mkdir -p $(@D)
	$(CC) $(SAN) $(LDFLAGS) $(filter %.o %.a,$^) $(PKG_LIBS) $(SQLITE_LIBS) $(GMIME_LIBS) -o $@

$(BUILD)/tests/%: $(BUILD)/obj/tests/mcp/%.o $(TESTUTIL_OBJ) $(LIBMCP)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) $^ $(PKG_LIBS) -o $@

$(BUILD)/asan/tests/%: $(BUILD)/asan/obj/tests/mcp/%.o $(TESTUTIL_ASAN_OBJ) \
	$(LIBMCP_ASAN)
	@mkdir -p $(@D)
	$(CC) $(SAN) $(LDFLAGS) $^ $(PKG_LIBS) -o $@

$(BUILD)/fuzz/%: tests/fuzz/%.c $(MCP_FUZZ_OBJ)
	@mkdir -p $(@D)
	$(FUZZCC) $(CSTD) -g -O1 -I. $(PKG_CFLAGS) -fsanitize=fuzzer,address,undefined \
		$^ $(PKG_LIBS) -o $@

$(BUILD)/bench/%: $(BUILD)/obj/bench/%.o $(BENCHUTIL_OBJ) $(LIBMCP)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) $^ $(PKG_LIBS) -o $@

# Running ---------------------------------------------------------------------

test-build: check-deps $(LIBMCP) $(PROGRAMS) $(TESTS) $(LIBMCP_ASAN) $(EXAMPLES_ASAN) \
	$(SERVERS_ASAN) $(TRIPMCP_ASAN) \
	$(TESTS_ASAN) $(SERVERS_TESTS) $(SERVERS_TESTS_ASAN) $(FUZZERS)

test: deps
	@$(MAKE) --no-print-directory test-build
	@BUILD=$(BUILD) tests/run.sh

FUZZ_SECONDS ?= 300
fuzz: deps
	@$(MAKE) --no-print-directory $(FUZZERS)
	@BUILD=$(BUILD) FUZZ_SECONDS=$(FUZZ_SECONDS) tests/fuzz/run.sh

bench: deps
	@$(MAKE) --no-print-directory all $(BENCHES)
	@BUILD=$(BUILD) bench/run.sh
	@BUILD=$(BUILD) bench/servers.sh
	@BUILD=$(BUILD) bench/tripmcp.sh

run: deps
	@$(MAKE) --no-print-directory all
	@BUILD=$(BUILD) tests/run-demo.sh

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 \
	    $(DESTDIR)$(DATADIR)
	install -m 755 $(PROGRAMS) $(DESTDIR)$(BINDIR)/
	install -m 644 data/*.csv data/README.md data/NOTICE $(DESTDIR)$(DATADIR)/
	for m in $(wildcard man/*.1); do install -m 644 $$m $(DESTDIR)$(MANDIR)/man1/; done
	for m in $(wildcard man/*.5); do install -m 644 $$m $(DESTDIR)$(MANDIR)/man5/; done

uninstall:
	rm -f $(addprefix $(DESTDIR)$(BINDIR)/,$(notdir $(PROGRAMS)))
	rm -f $(addprefix $(DESTDIR)$(MANDIR)/man1/,$(notdir $(wildcard man/*.1)))
	rm -f $(addprefix $(DESTDIR)$(MANDIR)/man5/,$(notdir $(wildcard man/*.5)))
	rm -rf $(DESTDIR)$(DATADIR)

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
