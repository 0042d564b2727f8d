#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Runs every C unit-test binary of one build folder; fails if any fails.
set -u
build=${1:-build}
fail=0; n=0
for t in "$build"/tests/test_*; do
	[ -x "$t" ] || continue
	case "$t" in *.d) continue ;; esac
	n=$((n + 1))
	if ! "$t"; then
		echo "FAILED: $t" >&2
		fail=$((fail + 1))
	fi
done
echo "unit test binaries: $n run, $fail failed"
[ "$n" -gt 0 ] && [ "$fail" -eq 0 ]
