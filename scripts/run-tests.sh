#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The whole test suite (what `make test` and CI run):
#   1. lint, optimised build with -Werror, the library's export list
#      (scripts/lint.sh --exports), C unit tests, end-to-end CLI tests
#   2. the same under AddressSanitizer + UndefinedBehaviorSanitizer
#   3. interoperability and service tests that need extra tools
#      (each suite installs what it needs and starts its own servers)
# One line per suite ("=== PASSED|FAILED|SKIPPED: name (N s)"), then the
# closing line "suites: N passed, N failed, N skipped".
#
# Skip policy (tests/README.md): a suite is skipped only when it exits
# with code 77, which a suite may do only for a component the run
# declared optional (DM_OPTIONAL=azure,duckdb,...); any other failure to
# run is a failure.  DM_SKIP_SAN=1 leaves out the sanitizer runs: they
# are counted as skipped, never silently dropped.
set -u
cd "$(dirname "$0")/.."
jobs=$(nproc 2>/dev/null || echo 2)
passed=0
failed=0
skipped=0
lines=()
# the number parser's locale test must run, not skip (scripts/deps.sh
# test generates the locales)
export DM_REQUIRE_LOCALES=1

suite() { # name command...
	local name=$1 rc t0
	shift
	echo "=== $name"
	t0=$(date +%s)
	"$@"
	rc=$?
	t0=$(($(date +%s) - t0))
	if [ $rc -eq 0 ]; then
		passed=$((passed + 1))
		lines+=("PASSED:  $name (${t0} s)")
	elif [ $rc -eq 77 ] && [ -n "${DM_OPTIONAL:-}" ]; then
		skipped=$((skipped + 1))
		lines+=("SKIPPED: $name (${t0} s; optional in this run: DM_OPTIONAL=${DM_OPTIONAL:-})")
	else
		failed=$((failed + 1))
		if [ $rc -eq 77 ]; then
			lines+=("FAILED:  $name (${t0} s, exit 77 = skipped, but DM_OPTIONAL declares nothing optional)")
		else
			lines+=("FAILED:  $name (${t0} s, exit $rc)")
		fi
	fi
	echo "=== ${lines[-1]}"
}
skip_suite() { # name why
	skipped=$((skipped + 1))
	lines+=("SKIPPED: $1 ($2)")
	echo "=== SKIPPED: $1 ($2)"
}

build() { make --no-print-directory -j"$jobs" "$@" all lib >/dev/null && make --no-print-directory -j"$jobs" "$@" test-unit-bins >/dev/null; }

suite "lint" scripts/lint.sh
suite "lint self-test" scripts/lint-selftest.sh
suite "build" build
suite "exports" scripts/lint.sh --exports build
suite "unit" scripts/run-unit.sh build
suite "e2e" tests/e2e/run.sh build/driftmon
for s in tests/suites/*.sh; do
	[ -e "$s" ] || continue
	suite "$(basename "$s" .sh)" "$s" build/driftmon
done
san=("build (ASan+UBSan)" "unit (ASan+UBSan)" "e2e (ASan+UBSan)")
if [ "${DM_SKIP_SAN:-0}" != 1 ]; then
	suite "${san[0]}" build SAN=1
	export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0
	export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
	suite "${san[1]}" scripts/run-unit.sh build-san
	suite "${san[2]}" tests/e2e/run.sh build-san/driftmon
else
	for s in "${san[@]}"; do skip_suite "$s" "DM_SKIP_SAN=1"; done
fi

echo
for l in "${lines[@]}"; do echo "  $l"; done
echo "suites: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
