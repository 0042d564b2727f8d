#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Runs every C unit-test binary of one build folder; fails if any fails.
# Cases a binary skipped (cmocka skip(): e.g. the allocation-failure
# tests, which cannot run under ASan) are named in the closing line, so a
# skip is never silent.
set -u
build=${1:-build}
fail=0; n=0
skipped=()
log=$(mktemp)
trap 'rm -f "$log"' EXIT
for t in "$build"/tests/test_*; do
	[ -x "$t" ] || continue
	case "$t" in *.d) continue ;; esac
	n=$((n + 1))
	"$t" >"$log" 2>&1
	rc=$?
	cat "$log"
	if [ $rc -ne 0 ]; then
		echo "FAILED: $t" >&2
		fail=$((fail + 1))
	fi
	while read -r c; do
		skipped+=("$(basename "$t"):$c")
	done < <(sed -n 's/^\[  SKIPPED \] \([A-Za-z_0-9]*\)$/\1/p' "$log" | sort -u)
done
echo "unit test binaries: $n run, $fail failed; ${#skipped[@]} cases skipped${skipped[*]+: ${skipped[*]}}"
[ "$n" -gt 0 ] && [ "$fail" -eq 0 ]
