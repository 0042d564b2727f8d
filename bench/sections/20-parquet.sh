# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
# Benchmark section "parquet" (issue 3, "Speed"): driftmon baseline /
# detect on SNAPPY Parquet against DuckDB (@duckdb/node-api, pinned in
# bench/peers/duckdb/package.json) on one thread and on all cores.
#
# Data: `driftmon synth --numeric-only` written as Parquet (50 numeric
# DOUBLE features + the prediction column; SNAPPY, 131,072-row groups):
# training data, and current data with a 0.25-sd mean shift in 5
# features, for each row count in BENCH_PQ_ROWS.  Cached in
# bench/out/data.
#
# Jobs:  baseline  driftmon baseline --input train.parquet
#                  DuckDB: per column count, null count, mean, stddev,
#                  min, max and exact quantiles (deciles, p01..p99) in one
#                  query, then the 10-bin histogram over the deciles
#        detect    driftmon detect --input current.parquet
#                  DuckDB: per column count, null count, mean, stddev,
#                  min, max and the histogram over driftmon's baseline
#                  bin edges, in one query
# DuckDB runs each job with approx_quantile (like for like: -approx),
# with exact quantiles (-exact), and a bare scan (sum, min, max per
# column: -scan, baseline row only), on 1 thread and on all cores,
# BENCH_REPEAT runs each like driftmon, and driftmon-1t is driftmon on
# one thread; all at the largest row count only (it takes minutes there);
# driftmon runs at every size, to show its memory stays flat.
# Checks: DuckDB's exact figures against driftmon's (counts, min, max
# equal; mean, std to 1e-9; exact deciles within the sketch's rank error;
# every bin count of detect equal).
#
# Environment (besides bench/run.sh's):
#   BENCH_PQ_ROWS="1000000 3000000 10000000"   row counts (largest: headline)
#   BENCH_PQ_PEER=1      0: skip DuckDB (driftmon only)
# Sourced by bench/run.sh (see bench/lib.sh).

section_parquet() {
	local rows_list=${BENCH_PQ_ROWS:-1000000 3000000 10000000}
	local seed=42 k=5 rows train cur ncols store peer_dir big ncpu peer
	local data=$BENCH_OUT/data
	local pdir=$BENCH_ROOT/bench/peers/duckdb

	bench_title parquet "Parquet: driftmon vs DuckDB (issue 3)"
	ncpu=$(nproc)

	for rows in $rows_list; do
		case $rows in '' | *[!0-9]*) bench_die "BENCH_PQ_ROWS: not a row count: $rows" ;; esac
	done
	# shellcheck disable=SC2086 # split the list on purpose
	rows_list=$(printf '%s\n' $rows_list | sort -n -u | tr '\n' ' ')
	big=${rows_list% }
	big=${big##* }

	peer=${BENCH_PQ_PEER:-1}
	if [ "$peer" = 1 ]; then
		command -v node >/dev/null ||
			bench_die "the Parquet section needs node and npm (Debian packages nodejs, npm), or BENCH_PQ_PEER=0"
		if [ ! -e "$pdir/node_modules/@duckdb/node-api/package.json" ]; then
			bench_log "installing @duckdb/node-api (npm ci in bench/peers/duckdb)"
			npm ci --prefix "$pdir" --no-audit --no-fund --loglevel=error \
				>"$BENCH_OUT/logs/parquet-npm.log" 2>&1 ||
				bench_die "npm ci failed; see bench/out/logs/parquet-npm.log"
		fi
		# issue 18: >= 10x DuckDB on all cores computing the same
		# statistics with approx_quantile
		bench_target parquet speedup 10 "duckdb-${ncpu}t-approx"
	fi
	bench_target parquet peak_mb 200
	bench_target parquet flat 1.2

	# --- data (cached) ----------------------------------------------
	for rows in $rows_list; do
		bench_cached "$data/train_$rows.parquet" "$DRIFTMON" synth \
			--training @OUT@ --rows "$rows" --numeric-only --seed "$seed"
		bench_cached "$data/current_$rows.parquet" "$DRIFTMON" synth \
			--current @OUT@ --rows "$rows" --numeric-only --seed "$seed" \
			--scenario mean-shift --drift-features "$k"
	done

	for rows in $rows_list; do
		train=$data/train_$rows.parquet
		cur=$data/current_$rows.parquet
		ncols=$("$DRIFTMON" parquet schema "$train" | grep -c .)
		store=$BENCH_TMP/pq-store-$rows
		peer_dir=$BENCH_TMP/pq-peer-$rows
		mkdir -p "$peer_dir"
		bench_warm "$train" "$cur"
		bench_command parquet data synth "$rows" "$DRIFTMON" synth --training \
			"$train" --rows "$rows" --numeric-only --seed "$seed"
		bench_command parquet data synth "$rows" "$DRIFTMON" synth --current \
			"$cur" --rows "$rows" --numeric-only --seed "$seed" \
			--scenario mean-shift --drift-features "$k"

		# --- driftmon: its default threads, then one --------------
		bench_measure -n "$BENCH_REPEAT" parquet baseline driftmon "$rows" \
			$((rows * ncols)) -- env DRIFTMON_STORE="$store" \
			"$DRIFTMON" baseline --model bench --version v1 --input "$train"
		bench_measure -n "$BENCH_REPEAT" parquet detect driftmon "$rows" \
			$((rows * ncols)) -- env DRIFTMON_STORE="$store" \
			"$DRIFTMON" detect --model bench --version v1 --input "$cur"

		[ "$peer" = 1 ] && [ "$rows" = "$big" ] || continue

		bench_measure -n "$BENCH_REPEAT" parquet baseline driftmon-1t "$rows" \
			$((rows * ncols)) -- env DRIFTMON_STORE="$store-1t" \
			DRIFTMON_THREADS=1 \
			"$DRIFTMON" baseline --model bench --version v1 --input "$train"
		bench_measure -n "$BENCH_REPEAT" parquet detect driftmon-1t "$rows" \
			$((rows * ncols)) -- env DRIFTMON_STORE="$store-1t" \
			DRIFTMON_THREADS=1 \
			"$DRIFTMON" detect --model bench --version v1 --input "$cur"

		# --- peer: DuckDB, one thread and all cores ----------------
		# Like for like first (approx_quantile: a sketch, as driftmon's
		# deciles), then exact quantiles (quantile_disc), then the bare
		# scan (sum, min, max: the floor), each as many runs as driftmon.
		bench_command parquet data npm "$rows" npm ci --prefix "$pdir"
		bench_command parquet data mkdir "$rows" mkdir -p "$peer_dir"
		local t q impl threads_list=1
		[ "$ncpu" -gt 1 ] && threads_list="1 $ncpu"
		for t in $threads_list; do
			for q in approx exact; do
				impl=duckdb-${t}t-$q
				bench_warm "$train" "$cur"
				bench_measure -n "$BENCH_REPEAT" parquet baseline "$impl" \
					"$rows" $((rows * ncols)) -- \
					node "$pdir/duckdb_drift.mjs" baseline --input "$train" \
					--threads "$t" --quantiles "$q" \
					--output "$peer_dir/baseline-$t-$q.json"
				# (detect does not use quantiles: the same query)
				bench_measure -n "$BENCH_REPEAT" parquet detect "$impl" \
					"$rows" $((rows * ncols)) -- \
					node "$pdir/duckdb_drift.mjs" detect --input "$cur" \
					--baseline "$store/baselines/bench/v1/baseline.json" \
					--threads "$t" --output "$peer_dir/detect-$t.json"
			done
			bench_measure -n "$BENCH_REPEAT" parquet baseline \
				"duckdb-${t}t-scan" "$rows" $((rows * ncols)) -- \
				node "$pdir/duckdb_drift.mjs" scan --input "$train" \
				--threads "$t" --output "$peer_dir/scan-$t.json"
			bench_check parquet "baseline-duckdb-${t}t-exact-$rows" "$PY" \
				"$BENCH_ROOT/bench/check_parquet.py" baseline \
				"$store/baselines/bench/v1/baseline.json" \
				"$peer_dir/baseline-$t-exact.json"
			bench_check parquet "detect-duckdb-${t}t-$rows" "$PY" \
				"$BENCH_ROOT/bench/check_parquet.py" detect \
				"$store/drift-reports/bench/latest.json" "$peer_dir/detect-$t.json"
		done
	done

	# --- where driftmon's time goes (BENCH_PROFILE=1) --------------
	store=$BENCH_TMP/pq-store-$big
	bench_profile parquet baseline "$big" -- env DRIFTMON_STORE="$store" \
		"$DRIFTMON" baseline --model bench --version v1 \
		--input "$data/train_$big.parquet"
	bench_profile parquet detect "$big" -- env DRIFTMON_STORE="$store" \
		"$DRIFTMON" detect --model bench --version v1 \
		--input "$data/current_$big.parquet"

	local phases sizes
	if [ "$peer" = 1 ]; then
		phases=$(sed -n 's/^peer \(baseline\|detect\): \(.*\); [0-9]* columns.*/\1: \2/p' \
			"$BENCH_OUT"/logs/parquet-{baseline,detect}-duckdb-1t-exact-"$big".1.err |
			paste -sd '|' - | sed 's/|/ \/ /g')
		bench_note parquet "DuckDB's own phase timings at $big rows on one thread (wall): $phases."
		bench_note parquet "DuckDB $(node -e "console.log(require('$pdir/node_modules/@duckdb/node-api/package.json').version)" 2>/dev/null) (\`@duckdb/node-api\`, bench/peers/duckdb/duckdb_drift.mjs): duckdb-1t-* is \`threads=1\`, duckdb-${ncpu}t-* all $ncpu cores; *-approx computes the deciles with \`approx_quantile\` (a sketch, like driftmon's: the like-for-like peer), *-exact with \`quantile_disc\` (exact: not the same work), *-scan only sums, mins and maxes every column (the bare scan; baseline row only); $BENCH_REPEAT runs each, as driftmon. It reads the same files; its detect bins with driftmon's baseline edges, so the counts must match exactly (sanity checks below)."
		bench_note parquet "Not the same work in every detail: driftmon also keeps a quantile sketch of each column, runs KS and PSI tests and writes the JSON and HTML reports; DuckDB's deciles are exact (it holds every value: hence its memory), driftmon's come from its sketch (rank error shown in the checks)."
	fi
	sizes=$(for rows in $rows_list; do
		printf '%s rows %s MB; ' "$rows" \
			"$(( ($(stat -c %s "$data/train_$rows.parquet") + 500000) / 1000000 ))"
	done)
	bench_note parquet "Data: \`driftmon synth --numeric-only --seed $seed --training FILE.parquet\` ($ncols DOUBLE columns, SNAPPY, the writer's defaults: 131,072-row groups, 1 MiB pages; ${sizes%; }); current data: \`--scenario mean-shift --drift-features $k\` (0.25 sd)."
	bench_note parquet "Every side: $BENCH_REPEAT runs, the median and the fastest shown; \"load\" is the 1-minute load average just before the median run. driftmon: DRIFTMON_THREADS=${DRIFTMON_THREADS:-unset: $((ncpu > 4 ? 4 : ncpu)) threads on $ncpu cores}; driftmon-1t: DRIFTMON_THREADS=1 (at the largest size). Files are in the page cache before each job (read once beforehand)."
	bench_note parquet "driftmon's peak memory is about one decompressed page per column (51 x the writer's 1 MiB pages: ~56 MB), the quantile sketches (~10 MB at 1M rows: 6.7 MB for level 0, 16,384 values a column, and 0.9 MB more for each doubling of the rows: the only growth), the read windows (51 x 256 KiB) and one 8192-row batch; it does not depend on the number of rows otherwise. DuckDB's exact quantiles hold every value of every column (10M x 51 doubles = 4 GB) before sorting."
	bench_note parquet "This machine is shared: wall times depend on what else is running (see the load column), so compare the CPU times (user + system, all threads) too."
}
