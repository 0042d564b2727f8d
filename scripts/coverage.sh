#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# make test-cov: builds with --coverage, runs the unit and e2e tests, and
# prints line and branch coverage of src/ (gcov -b: a branch counts as
# covered when it was taken at least once), per file and in total, and the
# branch coverage of the decision's code (src/detect/, src/stats/).
set -uo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc 2>/dev/null || echo 2)
find build-cov -name '*.gcda' -delete 2>/dev/null
make --no-print-directory -j"$jobs" COV=1 all test-unit-bins >/dev/null || exit 1
scripts/run-unit.sh build-cov >/dev/null 2>&1
tests/e2e/run.sh build-cov/driftmon >/dev/null 2>&1
tab=$(mktemp)
trap 'rm -f "$tab"' EXIT
printf '%-40s %18s %18s\n' FILE LINES BRANCHES
while read -r src; do
	obj="build-cov/obj/${src%.c}.gcno"
	[ -f "$obj" ] || continue
	# "Lines executed:P% of N" and "Taken at least once:P% of N"
	res=$(gcov -b -n -o "$(dirname "$obj")" "$src" 2>/dev/null |
		awk -v f="File '$src'" '
			$0 == f { on = 1; next }
			on && /^File / { exit }
			on && /^Lines executed:/ { split($0, a, /[:% ]+/); lp = a[3]; ln = a[5] }
			on && /^Taken at least once:/ { split($0, a, /[:% ]+/); bp = a[5]; bn = a[7] }
			on && /^No branches/ { bp = 0; bn = 0 }
			END { if (ln != "") printf "%s %s %s %s\n", lp, ln, (bp == "" ? 0 : bp), (bn == "" ? 0 : bn) }')
	[ -n "$res" ] || continue
	set -- $res
	printf '%-40s %7s%% of %-6s %7s%% of %-6s\n' "$src" "$1" "$2" "$3" "$4"
	echo "$src $1 $2 $3 $4" >>"$tab"
done < <(find src -name '*.c' | sort)
# total PREFIX LABEL: line and branch totals over the files under PREFIX
total() {
	awk -v p="$1" -v label="$2" '
		index($1, p) == 1 {
			lh += $2 * $3 / 100; lt += $3; bh += $4 * $5 / 100; bt += $5
		}
		END {
			printf "%s line coverage: %.1f%% (%d of %d lines), branch coverage: %.1f%% (%d of %d branches)\n",
				label, lt ? 100 * lh / lt : 0, lh + 0.5, lt, bt ? 100 * bh / bt : 0, bh + 0.5, bt
		}' "$tab"
}
total src/detect/ "src/detect/"
total src/stats/ "src/stats/"
total src/ "TOTAL"
