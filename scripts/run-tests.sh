#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The whole test suite (what `make test` and CI run):
#   1. lint, optimised build with -Werror, the library's export list
#      (scripts/lint.sh --exports), C unit tests, end-to-end CLI tests
#   2. the same under AddressSanitizer + UndefinedBehaviorSanitizer
#   3. interoperability and service tests that need extra tools
#      (each suite installs what it needs and starts its own servers)
# Prints one closing line "N passed, N failed".
set -u
cd "$(dirname "$0")/.."
jobs=$(nproc 2>/dev/null || echo 2)
passed=0
failed=0
failures=()

suite() { # name command...
	local name=$1
	shift
	echo "=== $name"
	if "$@"; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		failures+=("$name")
		echo "=== FAILED: $name"
	fi
}

build() { make --no-print-directory -j"$jobs" "$@" all lib >/dev/null && make --no-print-directory -j"$jobs" "$@" test-unit-bins >/dev/null; }

suite "lint" scripts/lint.sh
suite "build" build
suite "exports" scripts/lint.sh --exports build
suite "unit" scripts/run-unit.sh build
suite "e2e" tests/e2e/run.sh build/driftmon
for s in tests/suites/*.sh; do
	[ -e "$s" ] || continue
	suite "$(basename "$s" .sh)" "$s" build/driftmon
done
if [ "${DM_SKIP_SAN:-0}" != 1 ]; then
	suite "build (ASan+UBSan)" build SAN=1
	export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0
	export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
	suite "unit (ASan+UBSan)" scripts/run-unit.sh build-san
	suite "e2e (ASan+UBSan)" tests/e2e/run.sh build-san/driftmon
fi

echo
for f in "${failures[@]+"${failures[@]}"}"; do echo "failed suite: $f"; done
echo "suites: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
