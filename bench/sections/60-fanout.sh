# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
# Benchmark section "fanout" (issue 12, "Fan-out"; docs/fanout.md): a
# sharded baseline of BENCH_FANOUT_ROWS rows (default 100,000,000) x 5
# numeric DOUBLE columns (Parquet, SNAPPY, 1% NULLs; smooth random walks
# written by bench/parquet_bench.c) in BENCH_FANOUT_FILES files (default
# 16: one file written once and hard-linked, so the files are equal and
# read from the page cache) across 1, 2, 4 and 8 workers
# (BENCH_FANOUT_WORKERS).  The workers are processes side by side on
# this machine (bench/fanout_workers.sh), each `driftmon baseline
# --shard I/N` with DRIFTMON_THREADS=1, as an Indexed Job's pods would
# run; on a 2-core machine more than 2 workers share the cores, so the
# figures to read are the CPU time per worker (it falls as 1/N) and the
# merge time (it must be negligible), not the wall time.
#
# Jobs ("rows" = rows of the whole input):
#   workers-N  the N shards side by side: wall of the whole fan-out,
#              CPU of all workers together, the largest worker's peak RSS
#   merge-N    driftmon baseline --merge-partials of the N partials
# Checks: every worker's CPU time and peak RSS (one line per worker), the
# partials' size, and the merged baseline of N workers against the one
# of 1 worker (tests/e2e/baseline_cmp.py --sketch-bound: counts exact,
# moments to 1e-9, bin edges within the sketch's stated rank bound).
# Sourced by bench/run.sh (see bench/lib.sh).

section_fanout() {
	local rows=${BENCH_FANOUT_ROWS:-100000000}
	local nfiles=${BENCH_FANOUT_FILES:-16}
	local workers=${BENCH_FANOUT_WORKERS:-1 2 4 8}
	local data=$BENCH_OUT/data per dir tool store n i

	bench_title fanout "Fan-out: a sharded baseline across 1, 2, 4 and 8 workers (issue 12)"
	case $rows$nfiles in *[!0-9]*) bench_die "BENCH_FANOUT_ROWS / BENCH_FANOUT_FILES: not numbers" ;; esac
	per=$((rows / nfiles))
	rows=$((per * nfiles))
	tool=$BENCH_OUT/parquet_bench
	# shellcheck disable=SC2046
	gcc -O2 -std=c11 -D_GNU_SOURCE -I"$BENCH_ROOT/include" -I"$BENCH_ROOT/src" -o "$tool" \
		"$BENCH_ROOT/bench/parquet_bench.c" "$BENCH_ROOT/build/libdriftmon.a" \
		$(sed -n 's/^LDLIBS := //p' "$BENCH_ROOT/Makefile") ||
		bench_die "fanout: cannot build bench/parquet_bench.c (make lib first)"
	mkdir -p "$data"
	bench_cached "$data/fanout-$per.parquet" "$tool" write @OUT@ "$per" 5 snappy
	# shellcheck disable=SC2046
	bench_command fanout data parquet_bench "$rows" gcc -O2 -std=c11 \
		-D_GNU_SOURCE -Iinclude -Isrc -o "$tool" bench/parquet_bench.c \
		build/libdriftmon.a $(sed -n 's/^LDLIBS := //p' "$BENCH_ROOT/Makefile")
	bench_command fanout data parquet_bench "$rows" "$tool" write \
		"$data/fanout-$per.parquet" "$per" 5 snappy
	dir=$data/fanout-$rows-$nfiles
	rm -rf "$dir"
	mkdir -p "$dir"
	for ((i = 0; i < nfiles; i++)); do
		ln "$data/fanout-$per.parquet" "$dir/part-$(printf %03d $i).parquet" 2>/dev/null ||
			cp "$data/fanout-$per.parquet" "$dir/part-$(printf %03d $i).parquet"
	done
	bench_warm "$data/fanout-$per.parquet"
	store=$BENCH_TMP/fanout-store
	for n in $workers; do
		bench_measure fanout "workers-$n" driftmon "$rows" $((rows * 5)) -- \
			bash "$BENCH_ROOT/bench/fanout_workers.sh" "$DRIFTMON" "$n" \
			"$store" "n$n" "$dir" "$BENCH_TMP/fanout-$n.w"
		bench_check fanout "per-worker-$n" sh -c "cat '$BENCH_TMP'/fanout-$n.w* | paste -sd \\; -"
		bench_check fanout "partials-$n" sh -c "du -cb '$store/baselines/fanout/n$n/partials/'*.json | tail -n 1 | awk '{ printf \"$n partials: %.1f MB in all\\n\", \$1 / 1048576 }'"
		bench_measure fanout "merge-$n" driftmon "$rows" $((rows * 5)) -- \
			"$DRIFTMON" baseline --store "$store" -m fanout -v n$n \
			--merge-partials --output "$BENCH_TMP/fanout-merged-$n.json"
		bench_check fanout "merged-$n-vs-1" /usr/bin/python3 \
			"$BENCH_ROOT/tests/e2e/baseline_cmp.py" --sketch-bound \
			"$BENCH_TMP/fanout-merged-$(set -- $workers; echo "$1").json" \
			"$BENCH_TMP/fanout-merged-$n.json"
	done
	bench_note fanout "$rows rows x 5 numeric columns in $nfiles Parquet files (hard links of one file of $per rows: ${dir#"$BENCH_ROOT"/}/part-NNN.parquet); workers are processes with DRIFTMON_THREADS=1 sharing this machine's cores ($(nproc)), so read CPU per worker (checks), not wall."
}
