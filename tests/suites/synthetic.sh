#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# A quick run of the synthetic drift scenarios (the full one is
# `make test-synthetic`, 100 seeds): detection must stay at 100% and false
# alarms rare.  With 30 seeds the false-alarm bound checked is 10% (at the
# true rate of about 1%, three or more alarms in 30 runs has probability
# 0.3%), so the check is not flaky but still catches a broken verdict.
set -u
DM=${1:?usage: synthetic.sh DRIFTMON}
out=$("$DM" simulate --seeds 30 --windows 100,1000,10000 --baseline-rows 10000 2>&1)
echo "$out"
pass=0 fail=0
while read -r line; do
	# the first field that is a bare percentage (the RATE column)
	rate=$(awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^[0-9.]+%$/) { sub(/%/, "", $i); print $i; exit } }' <<<"$line")
	[ -n "$rate" ] || continue
	case "$line" in
	"no drift"*) ok=$(awk -v r="$rate" 'BEGIN { print (r <= 10) }') ;;
	*) ok=$(awk -v r="$rate" 'BEGIN { print (r >= 99) }') ;;
	esac
	if [ "$ok" = 1 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "  FAIL: $line"; fi
done <<<"$out"
echo "synthetic: $pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
