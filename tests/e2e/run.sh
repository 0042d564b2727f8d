#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Runs every end-to-end CLI test file (tests/e2e/t_*.sh) against a binary.
# usage: tests/e2e/run.sh build/driftmon [t_name ...]
set -u
DM=$(realpath "${1:?usage: run.sh DRIFTMON [tests...]}")
export DM
shift
cd "$(dirname "$0")/../.."
files=("$@")
log=$(mktemp)
trap 'rm -f "$log"' EXIT
[ ${#files[@]} -eq 0 ] && files=(tests/e2e/t_*.sh)
p=0; f=0
for t in "${files[@]}"; do
	[ -e "$t" ] || t="tests/e2e/$t.sh"
	# (not `tee /dev/stderr`: on Linux that reopens a log file given as
	# stderr and truncates it)
	bash "$t" >"$log" 2>&1
	cat "$log"
	line=$(tail -n 1 "$log")
	np=$(sed -n 's/.*: \([0-9]*\) passed, \([0-9]*\) failed$/\1/p' <<<"$line")
	nf=$(sed -n 's/.*: \([0-9]*\) passed, \([0-9]*\) failed$/\2/p' <<<"$line")
	if [ -z "$np" ]; then
		echo "  FAIL: $t did not finish" >&2
		f=$((f + 1))
		continue
	fi
	p=$((p + np)); f=$((f + nf))
done
echo "e2e: $p passed, $f failed"
[ "$f" -eq 0 ] && [ "$p" -gt 0 ]
