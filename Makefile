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
LDLIBS := -lmicrohttpd -ljansson -lcurl -lsnappy -lzstd -lz -llz4 -lbrotlidec -lbrotlienc -lcrypto -lexpat -lyaml -lm -pthread
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

.PHONY: all lib help deps clean test test-unit test-unit-bins test-e2e test-san test-cov \
	test-synthetic demo bench generate-baseline run-drift-detection \
	list-baselines list-reports view-metrics lint format

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

$(BUILD)/tests/test_%: tests/unit/test_%.c tests/unit/dmtest.h $(LIBA)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -Itests/unit $(CFLAGS) -Wno-missing-prototypes -MMD -MP -o $@ $< $(LIBA) $(LDFLAGS) -lcmocka $(LDLIBS)

-include $(DEPS)

help: ## Show all targets
	@echo "driftmon $(VERSION) — drift monitoring for ML models"
	@echo
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | \
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

test-unit: $(UNIT_BIN) ## Run only the C unit tests of this build flavour
	@scripts/run-unit.sh $(BUILD)

test-cov: ## Tests with coverage (prints line coverage)
	@scripts/deps.sh test
	@scripts/coverage.sh

test-synthetic: ## Run the synthetic drift scenarios (false-alarm and detection rates)
	@scripts/deps.sh build
	@$(MAKE) --no-print-directory $(BUILD)/driftmon
	@$(BUILD)/driftmon selftest-synthetic $(SYNTH_ARGS)

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

# ---- hygiene ------------------------------------------------------------
lint: ## Banned calls and formatting checks
	@scripts/lint.sh

clean: ## Remove build outputs
	rm -rf build build-san build-cov
