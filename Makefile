# SPDX-License-Identifier: Apache-2.0
# driftmon — the one entry point for building, testing and operating.
# `make help` lists the targets.

.DEFAULT_GOAL := all
SHELL := /bin/bash

VERSION := 0.1.0

# ---- configuration (the original system's variables) ----------------
MODEL_NAME ?= spam-detector
MODEL_VERSION ?= v1
TRAINING_DATA ?=
DRIFTMON_STORE ?= ./driftmon-data
export DRIFTMON_STORE

# ---- build flavours ---------------------------------------------------
#   make            optimised build in build/
#   make SAN=1      AddressSanitizer + UBSan build in build-san/
#   make COV=1      coverage build in build-cov/
CC ?= cc
ifeq ($(CC),cc)
CC := gcc
endif
OPT ?= -O2
BUILD ?= build
ifeq ($(SAN),1)
BUILD := build-san
OPT := -O1 -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
LDSAN := -fsanitize=address,undefined
endif
ifeq ($(COV),1)
BUILD := build-cov
OPT := -O0 --coverage
LDSAN := --coverage
endif

WARN := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wno-unused-parameter
CPPFLAGS += -Iinclude -Isrc -D_GNU_SOURCE -DDM_VERSION='"$(VERSION)"'
CFLAGS ?= -g
CFLAGS += -std=c11 $(WARN) $(OPT) -fPIC -pthread
LDLIBS := -lmicrohttpd -ljansson -lcurl -lsnappy -lzstd -lz -lbz2 -llzma -llz4 -lbrotlidec -lbrotlienc -lcrypto -lexpat -lyaml -lm -pthread
LDFLAGS += $(LDSAN)

LIB_SRC := $(shell find src -name '*.c' -not -path 'src/cli/*' | sort)
CLI_SRC := $(sort $(wildcard src/cli/*.c))
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/obj/%.o)
CLI_OBJ := $(CLI_SRC:%.c=$(BUILD)/obj/%.o)
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
DEPS := $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(UNIT_BIN:=.d)

BIN := $(BUILD)/driftmon
LIBA := $(BUILD)/libdriftmon.a
LIBSO := $(BUILD)/libdriftmon.so

# ---- the installable library: exports and soname ----------------------
# Compiled hidden by default: only declarations marked DM_API in
# include/driftmon/ are exported (include/driftmon/export.h); lint checks
# the export list against the headers.
# (library objects only: a test binary that interposes malloc must export it)
$(LIB_OBJ): CFLAGS += -fvisibility=hidden
SOVERSION := $(firstword $(subst ., ,$(VERSION)))
SONAME := libdriftmon.so.$(SOVERSION)
LIBSO_REAL := $(BUILD)/libdriftmon.so.$(VERSION)
# ---- end of exports and soname ------------------------------------------

-include deploy/deploy.mk
-include deploy/hourly.mk

.PHONY: all lib help deps clean test test-unit test-unit-bins test-e2e test-san test-cov \
	test-synthetic demo bench generate-baseline run-drift-detection \
	list-baselines list-reports view-metrics lint format fuzz fuzz-long mutate

all: $(BIN) $(LIBSO)

lib: $(LIBA) $(LIBSO)

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -MMD -MP -c $< -o $@

$(LIBA): $(LIB_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

# The shared library: the real file carries VERSION, its SONAME the major
# version; build/libdriftmon.so and build/libdriftmon.so.0 are symlinks.
$(LIBSO_REAL): $(LIB_OBJ)
	$(CC) -shared -Wl,-soname,$(SONAME) -o $@ $^ $(LDFLAGS) $(LDLIBS)

$(BUILD)/$(SONAME): $(LIBSO_REAL)
	ln -sf $(notdir $<) $@

$(LIBSO): $(BUILD)/$(SONAME)
	ln -sf $(SONAME) $@

$(BIN): $(CLI_OBJ) $(LIBA)
	$(CC) -o $@ $(CLI_OBJ) $(LIBA) $(LDFLAGS) $(LDLIBS)

$(BUILD)/tests/test_%: tests/unit/test_%.c tests/unit/dmtest.h tests/unit/dmtest_alloc.h $(LIBA)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -Itests/unit $(CFLAGS) -Wno-missing-prototypes -MMD -MP -o $@ $< $(LIBA) $(LDFLAGS) -lcmocka $(LDLIBS)

# ---- fuzz targets: every tests/fuzz/fuzz_*.c, built by pattern ----------
# The library is compiled again with clang for libFuzzer (coverage
# instrumentation, ASan + UBSan) into build-fuzz/; each target links
# against that archive, so a new tests/fuzz/fuzz_<name>.c needs no rule.
FUZZ_CC ?= clang
FUZZ_FLAGS := -g -O1 -fsanitize=address,undefined -fno-sanitize-recover=undefined \
	-fno-omit-frame-pointer -pthread
FUZZ_SRC := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BIN := $(FUZZ_SRC:tests/fuzz/%.c=build-fuzz/%)
FUZZ_OBJ := $(LIB_SRC:%.c=build-fuzz/obj/%.o)
FUZZ_LIB := build-fuzz/libdriftmon-fuzz.a

build-fuzz/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(CPPFLAGS) -std=c11 $(WARN) $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link -MMD -MP -c $< -o $@

$(FUZZ_LIB): $(FUZZ_OBJ)
	rm -f $@ && ar rcs $@ $^

build-fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_LIB)
	$(FUZZ_CC) $(CPPFLAGS) -std=c11 $(FUZZ_FLAGS) -fsanitize=fuzzer -MMD -MP -o $@ $< $(FUZZ_LIB) $(LDLIBS)

fuzz: $(FUZZ_BIN) ## Build every fuzz target (tests/fuzz/fuzz_*.c: clang, libFuzzer, ASan+UBSan) in build-fuzz/

# Longer fuzzing of every target: FUZZ_LONG_SECONDS each (default 3600),
# one after the other; findings fail the run (tests/fuzz/README).
FUZZ_LONG_SECONDS ?= 3600
fuzz-long: ## Fuzz every parser for FUZZ_LONG_SECONDS each (default 1 h), findings fail
	@FUZZ_SECONDS=$(FUZZ_LONG_SECONDS) tests/suites/fuzz.sh

-include $(DEPS)
ifneq ($(filter fuzz build-fuzz/%,$(MAKECMDGOALS)),)
-include $(FUZZ_OBJ:.o=.d) $(FUZZ_BIN:=.d)
endif

help: ## Show all targets
	@echo "driftmon $(VERSION) — drift monitoring for ML models"
	@echo
	@grep -hE '^[a-zA-Z0-9_-]+:.*## ' $(MAKEFILE_LIST) | \
		awk 'BEGIN {FS = ":.*## "} {printf "  make %-22s %s\n", $$1, $$2}'
	@echo
	@echo "Variables: MODEL_NAME=$(MODEL_NAME) MODEL_VERSION=$(MODEL_VERSION)"
	@echo "           DRIFTMON_STORE=$(DRIFTMON_STORE) TRAINING_DATA=<file> SAN=1 COV=1"

deps: ## Install missing Debian build packages (apt-get as root)
	@scripts/deps.sh build

# ---- development ------------------------------------------------------
test: ## Run all tests (unit, end-to-end, suites; again under ASan+UBSan)
	@scripts/deps.sh test
	@scripts/run-tests.sh

test-unit-bins: $(UNIT_BIN)

# test_job compares the library's hourly job with the CLI of the same build
$(BUILD)/tests/test_job: | $(BIN)

test-unit: $(UNIT_BIN) ## Run only the C unit tests of this build flavour
	@scripts/run-unit.sh $(BUILD)

test-cov: ## Tests with coverage (prints line coverage)
	@scripts/deps.sh test
	@scripts/coverage.sh

# `driftmon simulate` checks the targets (false alarms <= 5% at every
# window, detection of the 0.25-sd shift >= 99%) and exits 1 if one is
# missed.  SYNTH_ARGS adds flags, e.g. SYNTH_ARGS='--seeds 30 --psi-threshold 0.05'.
test-synthetic: ## Run the synthetic drift scenarios (false-alarm and detection rates)
	@scripts/deps.sh build
	@$(MAKE) --no-print-directory $(BUILD)/driftmon
	@$(BUILD)/driftmon simulate $(SYNTH_ARGS) && echo "test-synthetic: every target met" || \
		{ echo "test-synthetic: FAILED (a target was missed or a run failed)"; exit 1; }

demo: ## Sample data -> baseline -> drift detection -> summary
	@scripts/deps.sh build
	@$(MAKE) --no-print-directory $(BIN)
	@scripts/demo.sh $(BIN)

bench: ## Benchmarks: rows/s and peak memory vs a pandas + scipy peer
	@scripts/deps.sh bench
	@$(MAKE) --no-print-directory $(BIN)
	@bench/run.sh $(BIN)

# ---- local operations (the original system's targets) -----------------
generate-baseline: $(BIN) ## Create baseline from training data (MODEL_NAME, MODEL_VERSION, TRAINING_DATA)
	@scripts/generate-baseline.sh $(BIN) "$(MODEL_NAME)" "$(MODEL_VERSION)" "$(TRAINING_DATA)"

run-drift-detection: $(BIN) ## Run drift detection locally
	@$(BIN) detect --model "$(MODEL_NAME)" --version "$(MODEL_VERSION)"

list-baselines: $(BIN) ## List stored baselines
	@$(BIN) list baselines

list-reports: $(BIN) ## List drift reports
	@$(BIN) list reports

view-metrics: $(BIN) ## Quick drift status
	@$(BIN) status

mutate: ## Mutation testing: every tests/mutants/*.patch must be caught (MUTANTS='pq-*', MUTATE_JOBS, MUTATE_KEEP=1)
	@scripts/deps.sh test
	@scripts/mutate.sh $(MUTANTS)

# ---- hygiene ------------------------------------------------------------
lint: ## Banned calls, SPDX lines, clang-format (every C file), exports of build/libdriftmon.so, call cycles (scripts/call-cycles.sh), the lint self-test
	@scripts/deps.sh lint
	@scripts/lint.sh
	@scripts/lint-selftest.sh

clean: ## Remove build outputs
	rm -rf build build-san build-cov build-fuzz

# ---- test-e2e, test-san and format: real recipes ----------------------
test-e2e: $(BIN) ## Run the end-to-end CLI tests (tests/e2e) on this build flavour
	@tests/e2e/run.sh $(BIN)

test-san: ## Build with ASan+UBSan in build-san/ and run the unit and e2e tests under it
	@scripts/deps.sh test
	@$(MAKE) --no-print-directory SAN=1 all lib test-unit-bins
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		scripts/run-unit.sh build-san
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		tests/e2e/run.sh build-san/driftmon

# `make format` formats every C source and header (scripts/c-sources.sh)
# to .clang-format; scripts/lint.sh fails on any file it would change.
format: ## clang-format -i every C source and header (what lint checks)
	@scripts/deps.sh lint
	@files=$$(scripts/c-sources.sh); \
		clang-format -i $$files && echo "format: $$(echo $$files | wc -w) files formatted"
# ---- end of test-e2e, test-san and format -------------------------------

# ---- install ----------------------------------------------------------
#   make install [PREFIX=/usr/local] [DESTDIR=] [LIBDIR=$(PREFIX)/lib]
# installs the CLI, the public headers, libdriftmon.a, the shared library
# with its links, driftmon.pc and the man page; `make uninstall` removes
# them.  driftmon.pc lists the libraries libdriftmon links in Libs.private
# (not Requires.private: `pkg-config --static` would then want libcurl's
# own static closure, whose -dev packages are not installed).
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
INCLUDEDIR ?= $(PREFIX)/include
LIBDIR ?= $(PREFIX)/lib
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
MANDIR ?= $(PREFIX)/share/man
INSTALL ?= install
PUBLIC_H := $(sort $(wildcard include/driftmon/*.h))

.PHONY: install uninstall
install: $(BIN) $(LIBA) $(LIBSO) ## Install CLI, headers, libraries, driftmon.pc, man page (PREFIX, DESTDIR, LIBDIR)
	$(INSTALL) -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(INCLUDEDIR)/driftmon $(DESTDIR)$(LIBDIR) \
		$(DESTDIR)$(PKGCONFIGDIR) $(DESTDIR)$(MANDIR)/man1
	$(INSTALL) -m 755 $(BIN) $(DESTDIR)$(BINDIR)/driftmon
	$(INSTALL) -m 644 $(PUBLIC_H) $(DESTDIR)$(INCLUDEDIR)/driftmon/
	$(INSTALL) -m 644 $(LIBA) $(DESTDIR)$(LIBDIR)/libdriftmon.a
	$(INSTALL) -m 755 $(LIBSO_REAL) $(DESTDIR)$(LIBDIR)/libdriftmon.so.$(VERSION)
	ln -sf libdriftmon.so.$(VERSION) $(DESTDIR)$(LIBDIR)/$(SONAME)
	ln -sf $(SONAME) $(DESTDIR)$(LIBDIR)/libdriftmon.so
	sed -e 's|@PREFIX@|$(PREFIX)|g' \
		-e 's|@LIBDIR@|$(patsubst $(PREFIX)/%,$${prefix}/%,$(LIBDIR))|g' \
		-e 's|@INCLUDEDIR@|$(patsubst $(PREFIX)/%,$${prefix}/%,$(INCLUDEDIR))|g' \
		-e 's|@VERSION@|$(VERSION)|g' \
		-e 's|@LIBS_PRIVATE@|$(LDLIBS)|g' driftmon.pc.in >$(DESTDIR)$(PKGCONFIGDIR)/driftmon.pc
	chmod 644 $(DESTDIR)$(PKGCONFIGDIR)/driftmon.pc
	$(INSTALL) -m 644 man/driftmon.1 $(DESTDIR)$(MANDIR)/man1/driftmon.1

uninstall: ## Remove what `make install` installed (same PREFIX, DESTDIR, LIBDIR)
	rm -f $(DESTDIR)$(BINDIR)/driftmon $(DESTDIR)$(MANDIR)/man1/driftmon.1 \
		$(DESTDIR)$(PKGCONFIGDIR)/driftmon.pc $(DESTDIR)$(LIBDIR)/libdriftmon.a \
		$(DESTDIR)$(LIBDIR)/libdriftmon.so $(DESTDIR)$(LIBDIR)/$(SONAME) \
		$(DESTDIR)$(LIBDIR)/libdriftmon.so.$(VERSION)
	rm -f $(addprefix $(DESTDIR)$(INCLUDEDIR)/driftmon/,$(notdir $(PUBLIC_H)))
	rmdir $(DESTDIR)$(INCLUDEDIR)/driftmon 2>/dev/null || true
# ---- end of install -----------------------------------------------------
