#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The cost of hour profiles to the inference logger (issue 12; goal: under
# 10% of its throughput).  With a baseline of the logged model in the
# store, the logger profiles each file it uploads (docs/hourly-profiles.md);
# this measures the CPU time per record with and without
# (--hour-profiles on|off, collect --no-hourly-profiles), runs alternated:
#
#  1. the library (bench/logger_bench.c): 1 thread, BENCH_HP_RECORDS
#     records (default 200,000) of 50 numeric features, fsync interval;
#     the process's CPU time (callers, flushers, close and the profile's
#     write included) per record;
#  2. the collector: bench/collector_load.c, 4 connections, batches of
#     100 records x 50 features for BENCH_HP_SECONDS (default 10); the
#     collector's CPU time from start to exit (the drain, and the hour
#     profile written at exit, included) per record acknowledged.
#
# BENCH_HP_REPS pairs of runs (default 5; the order within a pair
# alternates); the median and the minimum (the run least disturbed by
# other load) of each side are reported, and each pair's overhead with
# their median (the pair's two runs are adjacent in time, so a host that
# slows down for minutes moves both), and the collector's throughput
# (records acknowledged) with against without.  The baseline is of 5,000
# rows (its sketch of 16,384 points per feature: a 7.8 MB file read and
# parsed once per model version and hour).  Prints a Markdown report
# (also in bench/out/hour_profiles.md).  The machine may be shared: CPU
# time, not wall time, is compared.
#
# usage: bench/hour_profiles.sh build/driftmon
set -euo pipefail
DM=$(realpath "${1:?usage: hour_profiles.sh DRIFTMON}")
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(dirname "$DM")
reps=${BENCH_HP_REPS:-5}
records=${BENCH_HP_RECORDS:-200000}
secs=${BENCH_HP_SECONDS:-10}
tmp=$(mktemp -d)
cpid=
trap '[ -n "$cpid" ] && kill "$cpid" 2>/dev/null; rm -rf "$tmp"' EXIT
log() { echo "hour_profiles: $*" >&2; }
kv() { printf '%s\n' "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"; }

[ -f "$build/libdriftmon.so" ] || { echo "hour_profiles: $build/libdriftmon.so missing (make all)" >&2; exit 1; }
cc -O2 -pthread -o "$tmp/load" "$root/bench/collector_load.c"
cc -O2 -pthread -I"$root/include" -o "$tmp/lbench" "$root/bench/logger_bench.c" \
	-L"$build" -ldriftmon -Wl,-rpath,"$build"

# training data like the logged records: f00..f49 and the prediction
awk 'BEGIN { srand(7); for (i = 0; i < 50; i++) printf "f%02d,", i; print "prediction";
	for (r = 0; r < 5000; r++) { for (i = 0; i < 50; i++) printf "%.2f,", rand() * 1000;
	printf "%.4f\n", rand() } }' >"$tmp/train.csv"
for m in bench m0; do
	DRIFTMON_STORE="$tmp/base" "$DM" baseline --model $m --version v1 \
		--input "$tmp/train.csv" >/dev/null
done

fresh() { # DIR: an empty store with the baselines
	rm -rf "$1"
	mkdir -p "$1/store"
	cp -r "$tmp/base/baselines" "$1/store/"
}
profiles() { find "$1" -name profile.json 2>/dev/null | wc -l; }

: >"$tmp/lib"
: >"$tmp/col"
for r in $(seq "$reps"); do
	# the pair's order alternates: neither side always runs first
	order="on off"
	[ $((r % 2)) = 0 ] && order="off on"
	for hp in $order; do
		fresh "$tmp/l"
		line=$("$tmp/lbench" --store "$tmp/l/store" --wal "$tmp/l/wal" \
			--records "$records" --features 50 --hour-profiles $hp)
		la=$(cut -d' ' -f1 /proc/loadavg)
		echo "$hp $(kv "$line" cpu_us_per_record) $(kv "$line" records_per_s) $(profiles "$tmp/l/store") $la $r" >>"$tmp/lib"
		log "library $r $hp: $(kv "$line" cpu_us_per_record) us CPU/record"

		fresh "$tmp/c"
		flag=
		[ $hp = off ] && flag=--no-hourly-profiles
		/usr/bin/time -f '%U %S' -o "$tmp/c/time" "$DM" collect --listen 127.0.0.1:0 \
			--port-file "$tmp/c/port" --wal-dir "$tmp/c/wal" --store "$tmp/c/store" \
			--wal-max-bytes 8GiB $flag 2>"$tmp/c/log" &
		tpid=$!
		for _ in $(seq 250); do [ -s "$tmp/c/port" ] && break; sleep 0.02; done
		cpid=$(pgrep -P "$tpid") # the collector, child of time
		"$tmp/load" --port "$(cat "$tmp/c/port")" --conns 4 --duration "$secs" \
			--batch 100 --features 50 --prefix b >"$tmp/c/load.out"
		kill -TERM "$cpid"
		wait "$tpid" || true
		cpid=
		acked=$(kv "$(cat "$tmp/c/load.out")" records_acked)
		cpu=$(awk '{ print $1 + $2 }' "$tmp/c/time")
		la=$(cut -d' ' -f1 /proc/loadavg)
		echo "$hp $(awk -v c="$cpu" -v n="$acked" 'BEGIN { printf "%.3f", c * 1e6 / n }') $acked $(profiles "$tmp/c/store") $la $r" >>"$tmp/col"
		log "collector $r $hp: $cpu s CPU for $acked records"
	done
done

summary() { # FILE: median CPU us/record on, off, the overhead; the same of the minima
	awk '{ v[$1] = v[$1] " " $2 } END {
		for (k in v) { n = split(substr(v[k], 2), a, " ");
			for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++)
				if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
			m[k] = n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2; lo[k] = a[1] }
		printf "%.3f %.3f %.1f %.3f %.3f %.1f\n", m["on"], m["off"], (m["on"] / m["off"] - 1) * 100,
			lo["on"], lo["off"], (lo["on"] / lo["off"] - 1) * 100 }' "$1"
}
pairs() { # FILE COLUMN: each pair's on / off - 1 (%) of the column, then their median
	awk -v c="$2" '{ v[$6, $1] = $c; if ($6 > n) n = $6 } END {
		for (r = 1; r <= n; r++) { p[r] = (v[r, "on"] / v[r, "off"] - 1) * 100; printf "%.1f ", p[r] }
		for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++)
			if (p[j] < p[i]) { t = p[i]; p[i] = p[j]; p[j] = t }
		printf "%.1f\n", n % 2 ? p[(n + 1) / 2] : (p[n / 2] + p[n / 2 + 1]) / 2 }' "$1"
}
read -r lon loff lpct lmon lmoff lmpct < <(summary "$tmp/lib")
read -r con coff cpct cmon cmoff cmpct < <(summary "$tmp/col")
lpairs=$(pairs "$tmp/lib" 2)
cpairs=$(pairs "$tmp/col" 2)
# the collector's throughput: records acknowledged in the run (the same
# length for each), on against off
tpairs=$(pairs "$tmp/col" 3)
mkdir -p "$root/bench/out"
{
	echo "## Hour profiles: cost to the logger (issue 12)"
	echo
	echo "Measured $(date -u '+%Y-%m-%d %H:%M UTC') on $(nproc) cores (shared: CPU time compared, runs"
	echo "alternated, median of $reps); driftmon $("$DM" --version | awk '{ print $2 }')."
	echo "50 numeric features + the prediction; a baseline in the store (hour profiles"
	echo "are made only for model versions that have one).  Rerun: \`bench/hour_profiles.sh"
	echo "build/driftmon\` (this table alone; \`BENCH_HP_REPS\`, \`BENCH_HP_RECORDS\`,"
	echo "\`BENCH_HP_SECONDS\`), or \`BENCH_SECTIONS=collector bench/run.sh build/driftmon\`."
	echo
	echo "| | hour profiles | CPU us / record (each run) | median | overhead |"
	echo "|:--|:--|:--|--:|--:|"
	printf '| library, %s records, 1 thread | on | %s | %s | %s%% |\n' "$records" \
		"$(awk '$1 == "on" { printf "%s ", $2 }' "$tmp/lib")" "$lon" "$lpct"
	printf '| | off | %s | %s | |\n' "$(awk '$1 == "off" { printf "%s ", $2 }' "$tmp/lib")" "$loff"
	printf '| collector, %s s, 4 connections | on | %s | %s | %s%% |\n' "$secs" \
		"$(awk '$1 == "on" { printf "%s ", $2 }' "$tmp/col")" "$con" "$cpct"
	printf '| | off | %s | %s | |\n' "$(awk '$1 == "off" { printf "%s ", $2 }' "$tmp/col")" "$coff"
	echo
	echo "Minimum of the runs (the least disturbed): library on $lmon, off $lmoff ($lmpct%);"
	echo "collector on $cmon, off $cmoff ($cmpct%)."
	echo
	echo "Each pair's CPU overhead (on / off - 1, the two runs side by side in time,"
	echo "their order alternating), then the median: library ${lpairs% *}% -> **${lpairs##* }%**;"
	echo "collector ${cpairs% *}% -> **${cpairs##* }%**.  The collector's throughput with"
	echo "hour profiles against without (records acknowledged in the same time, the"
	echo "load client sharing the cores): ${tpairs% *}% -> ${tpairs##* }%."
	echo "(Records acknowledged per run, on: $(awk '$1 == "on" { printf "%s ", $3 }' "$tmp/col")off: $(awk '$1 == "off" { printf "%s ", $3 }' "$tmp/col"))"
	echo
	echo "Hour profiles written (runs with them on): library $(awk '$1 == "on" { printf "%s ", $4 }' "$tmp/lib"),"
	echo "collector $(awk '$1 == "on" { printf "%s ", $4 }' "$tmp/col")(one per run expected: one model, one hour)."
} | tee "$root/bench/out/hour_profiles.md"
