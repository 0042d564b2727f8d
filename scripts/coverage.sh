#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# make test-cov: builds with --coverage, runs the unit and e2e tests, and
# prints line coverage of src/ (gcov).
set -uo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc 2>/dev/null || echo 2)
find build-cov -name '*.gcda' -delete 2>/dev/null
make --no-print-directory -j"$jobs" COV=1 all test-unit-bins >/dev/null || exit 1
scripts/run-unit.sh build-cov >/dev/null 2>&1
tests/e2e/run.sh build-cov/driftmon >/dev/null 2>&1
total=0; hit=0
printf '%-40s %8s\n' FILE LINES
while read -r src; do
	obj="build-cov/obj/${src%.c}.gcno"
	[ -f "$obj" ] || continue
	line=$(gcov -n -o "$(dirname "$obj")" "$src" 2>/dev/null | grep -A1 "File '$src'" | sed -n 's/Lines executed:\([0-9.]*\)% of \([0-9]*\)/\1 \2/p')
	[ -n "$line" ] || continue
	set -- $line
	printf '%-40s %7s%% of %s\n' "$src" "$1" "$2"
	total=$((total + $2))
	hit=$(awk -v t="$hit" -v p="$1" -v n="$2" 'BEGIN { printf "%d", t + p * n / 100 + 0.5 }')
done < <(find src -name '*.c' | sort)
awk -v h="$hit" -v t="$total" 'BEGIN { printf "TOTAL line coverage: %.1f%% (%d of %d lines)\n", t ? 100 * h / t : 0, h, t }'
