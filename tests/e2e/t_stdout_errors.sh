#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# A write error on standard output (a full disk) is an error: exit 1 and
# one line saying so, never a silent success.
. "$(dirname "$0")/lib.sh"

D=$T/data
mkdir -p "$D"
{
	echo a,b
	for i in $(seq 1 200); do echo "$i,k$((i % 3))"; done
} >"$D/train.csv"
run baseline --model m --version v1 --input "$D/train.csv"
expect "baseline" 0

# full NAME ARGS...: driftmon ARGS > /dev/full exits 1 with one line.
full() {
	local name=$1
	shift
	timeout -k 5 60 "$DM" "$@" </dev/null >/dev/full 2>"$T/.err"
	rc=$?
	err=$(cat "$T/.err")
	out=
	expect_err "$name > /dev/full" 1 "cannot write to standard output: No space left on device$"
}
full "list baselines" list baselines
full "status" status
full "--help" --help
full "--version" --version
full "compare" compare --reference "$D/train.csv" --current "$D/train.csv"
full "baseline --help" baseline --help
finish
