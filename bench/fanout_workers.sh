#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The fan-out benchmark's workers (bench/sections/60-fanout.sh): N
# processes side by side, each `driftmon baseline --shard I/N` on one
# thread, as an Indexed Job's pods would run, each under /usr/bin/time
# (one line per worker in TIMES.I).
#   bench/fanout_workers.sh DRIFTMON N STORE VERSION INPUT TIMES
set -u
[ $# -eq 6 ] || { echo "usage: $0 DRIFTMON N STORE VERSION INPUT TIMES" >&2; exit 2; }
dm=$1 n=$2 store=$3 version=$4 input=$5 times=$6
pids=()
for ((i = 0; i < n; i++)); do
	DRIFTMON_THREADS=1 /usr/bin/time \
		-f "worker $i/$n: %U s user, %S s sys, %e s wall, %M KB peak" \
		-o "$times.$i" "$dm" baseline --store "$store" -m fanout -v "$version" \
		--input "$input" --shard "$i/$n" >/dev/null &
	pids+=($!)
done
rc=0
for p in "${pids[@]}"; do wait "$p" || rc=1; done
exit $rc
