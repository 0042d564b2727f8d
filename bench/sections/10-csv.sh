# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
# Benchmark section "csv" (issue 2, "Speed"): driftmon baseline / detect
# on CSV against the pandas + scipy peer (bench/peers/pandas_scipy_drift.py).
#
# Data: `driftmon synth --numeric-only` (50 numeric features + the
# prediction column) for each row count in BENCH_ROWS: training data, and
# current data with a 0.25-sd mean shift in 5 features.  Cached in
# bench/out/data.
#
# Jobs:  baseline  driftmon baseline --input train.csv   (store in $TMP)
#                  peer: read the CSV, describe, quantiles, bins -> JSON
#        detect    driftmon detect --input current.csv
#                  peer: read current + training CSV (KS needs the raw
#                  training values), PSI + ks_2samp per feature
# Check: at every size, both flag the same features, and the shifted
# ones are among them.  Sourced by bench/run.sh (see bench/lib.sh).

section_csv() {
	local rows_list=${BENCH_ROWS:-100000 300000 1000000}
	local seed=42 k=5 rows train cur ncols store peer_dir
	local data=$BENCH_OUT/data

	bench_title csv "CSV: driftmon vs pandas + scipy (issue 2)"
	bench_target csv speedup 20 pandas-scipy
	bench_target csv memratio 10 pandas-scipy
	bench_target csv flat 1.2

	# --- data (cached) ----------------------------------------------
	for rows in $rows_list; do
		case $rows in '' | *[!0-9]*) bench_die "BENCH_ROWS: not a row count: $rows" ;; esac
	done
	# Ascending: the last size is the headline (targets, profile).
	# shellcheck disable=SC2086 # split the list on purpose
	rows_list=$(printf '%s\n' $rows_list | sort -n -u | tr '\n' ' ')
	for rows in $rows_list; do
		bench_cached "$data/train_$rows.csv" "$DRIFTMON" synth \
			--training @OUT@ --rows "$rows" --numeric-only --seed "$seed"
		bench_cached "$data/current_$rows.csv" "$DRIFTMON" synth \
			--current @OUT@ --rows "$rows" --numeric-only --seed "$seed" \
			--scenario mean-shift --drift-features "$k"
	done

	for rows in $rows_list; do
		train=$data/train_$rows.csv
		cur=$data/current_$rows.csv
		ncols=$(bench_ncols "$train")
		store=$BENCH_TMP/store-$rows
		peer_dir=$BENCH_TMP/peer-$rows
		mkdir -p "$peer_dir"
		bench_warm "$train" "$cur"
		bench_command csv data synth "$rows" "$DRIFTMON" synth --training \
			"$train" --rows "$rows" --numeric-only --seed "$seed"
		bench_command csv data synth "$rows" "$DRIFTMON" synth --current \
			"$cur" --rows "$rows" --numeric-only --seed "$seed" \
			--scenario mean-shift --drift-features "$k"
		bench_command csv data mkdir "$rows" mkdir -p "$peer_dir"

		# --- driftmon: its default threads, then one --------------
		bench_measure -n "$BENCH_REPEAT" csv baseline driftmon "$rows" \
			$((rows * ncols)) -- env DRIFTMON_STORE="$store" \
			"$DRIFTMON" baseline --model bench --version v1 --input "$train"
		bench_measure -n "$BENCH_REPEAT" csv detect driftmon "$rows" \
			$((rows * ncols)) -- env DRIFTMON_STORE="$store" \
			"$DRIFTMON" detect --model bench --version v1 --input "$cur"
		bench_measure -n "$BENCH_REPEAT" csv baseline driftmon-1t "$rows" \
			$((rows * ncols)) -- env DRIFTMON_STORE="$store-1t" \
			DRIFTMON_THREADS=1 \
			"$DRIFTMON" baseline --model bench --version v1 --input "$train"
		bench_measure -n "$BENCH_REPEAT" csv detect driftmon-1t "$rows" \
			$((rows * ncols)) -- env DRIFTMON_STORE="$store-1t" \
			DRIFTMON_THREADS=1 \
			"$DRIFTMON" detect --model bench --version v1 --input "$cur"

		# --- peer: pandas + scipy (one thread), as many runs -------
		bench_measure -n "$BENCH_REPEAT" csv baseline pandas-scipy "$rows" \
			$((rows * ncols)) -- \
			"$PY" "$BENCH_ROOT/bench/peers/pandas_scipy_drift.py" baseline \
			--input "$train" --output "$peer_dir/baseline.json"
		bench_measure -n "$BENCH_REPEAT" csv detect pandas-scipy "$rows" \
			$((rows * ncols)) -- \
			"$PY" "$BENCH_ROOT/bench/peers/pandas_scipy_drift.py" detect \
			--baseline "$peer_dir/baseline.json" --reference "$train" \
			--input "$cur" --output "$peer_dir/report.json"

		# --- sanity: same verdict ---------------------------------
		bench_check csv "verdict-$rows" "$PY" "$BENCH_ROOT/bench/check_verdicts.py" \
			--expect-drifted "$k" \
			"$store/drift-reports/bench/latest.json" "$peer_dir/report.json"
	done

	# --- where driftmon's time goes (BENCH_PROFILE=1) --------------
	bench_profile csv baseline "$rows" -- env DRIFTMON_STORE="$store" \
		"$DRIFTMON" baseline --model bench --version v1 --input "$train"
	bench_profile csv detect "$rows" -- env DRIFTMON_STORE="$store" \
		"$DRIFTMON" detect --model bench --version v1 --input "$cur"

	local phases
	phases=$(sed -n 's/^peer \(baseline\|detect\): /\1: /p' \
		"$BENCH_OUT"/logs/csv-{baseline,detect}-pandas-scipy-"$rows".1.err |
		paste -sd '|' - | sed 's/|/ \/ /g')
	bench_note csv "Peer's own phase timings at $rows rows (wall): $phases."
	bench_note csv "Data: \`driftmon synth --numeric-only --seed $seed\` (50 numeric features + prediction = $ncols columns); current data: \`--scenario mean-shift --drift-features $k\` (0.25 sd)."
	bench_note csv "Every side: $BENCH_REPEAT runs, the median and the fastest shown; \"load\" is the 1-minute load average just before the median run. Threads: driftmon = DRIFTMON_THREADS=${DRIFTMON_THREADS:-default} ($(nproc) CPUs: $(( $(nproc) > 4 ? 4 : $(nproc) )) threads by default), driftmon-1t = DRIFTMON_THREADS=1; pandas + scipy run on one thread (the peer's 1-thread row is its only row). The ratios against pandas-scipy use the multi-threaded driftmon; driftmon-1t is listed as a peer too, its ratio is the gain of the threads. Files are in the page cache before each job (read once beforehand)."
	bench_note csv "The peer's detect also reads the training CSV: ks_2samp needs the raw training values, whereas driftmon compares with the sketch kept in baseline.json. values/s counts the values of the job's main input (rows x $ncols)."
}
