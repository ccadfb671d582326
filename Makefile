# senda - build, test and install.
#
# `make run` builds and starts the console (a demo store on first run);
# `make test` installs missing Debian packages, builds and runs every test.
# Every library object comes from src/<module>/*.c; programs from src/main/.
# Unit tests are tests/unit/test_*.c, end-to-end tests tests/e2e/*.sh.
# Module-specific rules (generated sources, benches, fuzzers) live in mk/*.mk.

VERSION := 0.1.0
BUILD   ?= build
PREFIX  ?= /usr/local
DESTDIR ?=
CC      ?= cc
ifeq ($(origin CC),default)
CC := gcc
endif

# Debian packages the build and the tests need.  `make deps` installs the
# missing ones; it is cheap and silent when nothing is missing.
DEB_PKGS := gcc make pkg-config libncurses-dev libsqlite3-dev libgcrypt20-dev \
	libiniparser-dev libjansson-dev libcurl4-gnutls-dev libmicrohttpd-dev \
	zlib1g-dev libcmocka-dev sqlite3 tmux curl
# Only the benchmarks and fuzzers need these.
BENCH_PKGS := libsqlcipher-dev
FUZZ_PKGS  := clang libclang-rt-14-dev

PKGS := ncursesw sqlite3 libgcrypt jansson libcurl libmicrohttpd zlib

ifeq ($(V),1)
Q :=
quiet = @true
else
Q := @
quiet = @printf '  %-6s %s\n'
endif

WARN := -std=c11 -Wall -Wextra -Wshadow -Wstrict-prototypes $(WERROR)
OPT  ?= -O2 -g
ifeq ($(SAN),1)
OPT  := -O1 -g -fno-omit-frame-pointer
SANFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=undefined
endif

PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CMOCKA_CFLAGS := $(shell pkg-config --cflags cmocka 2>/dev/null)
CMOCKA_LIBS   := $(shell pkg-config --libs cmocka 2>/dev/null)

ALL_CFLAGS = $(WARN) $(OPT) $(SANFLAGS) -D_GNU_SOURCE -Isrc -I$(BUILD)/gen \
	-I/usr/include/iniparser $(PKG_CFLAGS) \
	-DSENDA_VERSION='"$(VERSION)"' -DSENDA_PREFIX='"$(PREFIX)"' \
	-MMD -MP $(CFLAGS)
ALL_LDFLAGS = $(SANFLAGS) $(LDFLAGS)
LIBS = -liniparser $(PKG_LIBS) -lm -lpthread

LIB_SRCS  := $(filter-out src/main/%,$(wildcard src/*/*.c))
GEN_SRCS  :=
LIB_OBJS   = $(LIB_SRCS:%.c=$(BUILD)/%.o) $(GEN_SRCS:%.c=%.o)
PROGS     := $(BUILD)/senda $(BUILD)/senda-server
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)
TOOL_SRCS := $(wildcard tests/tools/*.c)
TOOL_BINS := $(TOOL_SRCS:tests/tools/%.c=$(BUILD)/tools/%)
E2E       := $(sort $(wildcard tests/e2e/t[0-9]*.sh))
MANPAGES  := $(wildcard docs/*.[1-8])

.PHONY: all run test bench fuzz test-run asan bench deps deps-bench deps-fuzz install clean check-build
.DEFAULT_GOAL := all
# Keep objects that pattern chains would treat as intermediate: deleting
# them made every `make run` and `make test` relink the tests.
.SECONDARY:

all: $(PROGS) $(UNIT_BINS) $(TOOL_BINS)

-include mk/*.mk

# Modules add their benchmarks and fuzzers as prerequisites in mk/*.mk.
bench: deps deps-bench
fuzz: deps deps-fuzz

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(quiet) CC $<
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/libsenda.a: $(LIB_OBJS)
	$(quiet) AR $@
	$(Q)rm -f $@ && ar rcs $@ $^

$(BUILD)/senda: $(BUILD)/src/main/senda.o $(BUILD)/libsenda.a
	$(quiet) LINK $@
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)

$(BUILD)/senda-server: $(BUILD)/src/main/senda-server.o $(BUILD)/libsenda.a
	$(quiet) LINK $@
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)

$(BUILD)/tests/%: $(BUILD)/tests/unit/%.o $(BUILD)/libsenda.a
	@mkdir -p $(dir $@)
	$(quiet) LINK $@
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(CMOCKA_LIBS) $(LIBS)

$(BUILD)/tests/unit/%.o: tests/unit/%.c
	@mkdir -p $(dir $@)
	$(quiet) CC $<
	$(Q)$(CC) $(ALL_CFLAGS) $(CMOCKA_CFLAGS) -c -o $@ $<

$(BUILD)/tools/%: $(BUILD)/tests/tools/%.o $(BUILD)/libsenda.a
	@mkdir -p $(dir $@)
	$(quiet) LINK $@
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)

# Programs as a new user starts them: the console on a demo store.
run: deps
	@$(MAKE) --no-print-directory all
	@./tests/tools/demo.sh $(BUILD)/senda

# Every test; `make test T=name` runs the tests whose name contains "name".
# The test builds treat any warning as an error, so "zero warnings" holds;
# a plain `make` or `make run` on a newer compiler still builds.
test: deps
	@$(MAKE) --no-print-directory WERROR=-Werror all
	@$(MAKE) --no-print-directory test-run

test-run:
	@BUILD=$(BUILD) SAN=$(SAN) ./tests/run $(if $(T),--only '$(T)') $(UNIT_BINS) $(E2E)

# The whole suite under AddressSanitizer and UndefinedBehaviorSanitizer.
asan: deps
	@$(MAKE) --no-print-directory BUILD=build-asan SAN=1 WERROR=-Werror all
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
		$(MAKE) --no-print-directory BUILD=build-asan SAN=1 test-run

deps:
	@missing=$$(./tests/tools/missing-pkgs $(DEB_PKGS)); \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" != 0 ]; then \
			echo "missing packages; run: sudo apt-get install -y$$missing" >&2; exit 1; \
		fi; \
		echo "installing:$$missing"; \
		export DEBIAN_FRONTEND=noninteractive; \
		apt-get update -qq && apt-get install -y -qq $$missing >/dev/null || exit 1; \
	fi

deps-bench:
	@$(MAKE) --no-print-directory deps DEB_PKGS='$(BENCH_PKGS)'

deps-fuzz:
	@$(MAKE) --no-print-directory deps DEB_PKGS='$(FUZZ_PKGS)'

install: $(PROGS)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/senda/forms
	install -m 0755 $(PROGS) $(DESTDIR)$(PREFIX)/bin/
	install -m 0644 forms/*.ini $(DESTDIR)$(PREFIX)/share/senda/forms/
	@for m in $(MANPAGES); do \
		s=$${m##*.}; install -d $(DESTDIR)$(PREFIX)/share/man/man$$s; \
		install -m 0644 $$m $(DESTDIR)$(PREFIX)/share/man/man$$s/; \
	done

clean:
	rm -rf build build-asan build-fuzz

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
