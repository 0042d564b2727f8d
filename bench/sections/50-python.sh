# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
# Benchmark section "python" (issue 16): the Python package.
#
# Data: the csv section's `driftmon synth --numeric-only` training and
# current data (50 numeric features + the prediction; 5 features shifted)
# for each row count in BENCH_PY_ROWS (default 1000000), also as pickled
# DataFrames.  The package is built into bench/out/python from the
# in-tree library (make lib).
#
# Jobs:  frames   (impl "driftmon") driftmon.compare(train_df, current_df)
#                 in one process vs the pandas + scipy peer's baseline +
#                 detect on the same
#                 DataFrames (both load the same pickles first; the
#                 comparison alone is in each log's "compare: S s")
#        files    driftmon.compare(train.csv, current.csv) from Python vs
#                 `driftmon compare` on the same files: the Python layer's
#                 overhead over the CLI
# Check: at every size, driftmon.compare and the peer flag the same
# features; the Python and CLI reports on the files agree on every
# feature's verdict and PSI.

section_python() {
	local rows_list=${BENCH_PY_ROWS:-1000000}
	local seed=42 k=5 rows train cur ncols pyb=$BENCH_OUT/python
	local data=$BENCH_OUT/data drv=$BENCH_ROOT/bench/python_compare.py

	bench_title python "Python: driftmon.compare vs pandas + scipy (issue 16)"

	# --- the package (built against the in-tree library) -------------
	(cd "$BENCH_ROOT" && make -s -j2 lib >/dev/null) ||
		bench_die "make lib failed"
	mkdir -p "$pyb/driftmon"
	(cd "$BENCH_ROOT/python" && DRIFTMON_LIB=intree "$PY" setup.py -q \
		build_ext --build-lib "$pyb" --build-temp "$BENCH_TMP/pybuild") \
		>"$BENCH_OUT/logs/python-build.log" 2>&1 ||
		bench_die "the Python extension does not build; see bench/out/logs/python-build.log"
	cp "$BENCH_ROOT"/python/driftmon/*.py "$pyb/driftmon/"
	export PYTHONPATH=$pyb

	# shellcheck disable=SC2086 # split the list on purpose
	rows_list=$(printf '%s\n' $rows_list | sort -n -u | tr '\n' ' ')
	for rows in $rows_list; do
		case $rows in '' | *[!0-9]*) bench_die "BENCH_PY_ROWS: not a row count: $rows" ;; esac
		train=$data/train_$rows.csv
		cur=$data/current_$rows.csv
		bench_cached "$train" "$DRIFTMON" synth \
			--training @OUT@ --rows "$rows" --numeric-only --seed "$seed"
		bench_cached "$cur" "$DRIFTMON" synth \
			--current @OUT@ --rows "$rows" --numeric-only --seed "$seed" \
			--scenario mean-shift --drift-features "$k"
		bench_cached "$data/train_$rows.pkl" "$PY" "$drv" convert "$train" @OUT@
		bench_cached "$data/current_$rows.pkl" "$PY" "$drv" convert "$cur" @OUT@
		ncols=$(bench_ncols "$train")
		bench_warm "$train" "$cur" "$data/train_$rows.pkl" "$data/current_$rows.pkl"

		bench_measure -n "$BENCH_REPEAT" python frames driftmon "$rows" \
			$((2 * rows * ncols)) -- "$PY" "$drv" frames --engine driftmon \
			"$data/train_$rows.pkl" "$data/current_$rows.pkl" \
			"$BENCH_TMP/py-$rows.json"
		bench_measure -n "$BENCH_REPEAT" python frames pandas-scipy "$rows" \
			$((2 * rows * ncols)) -- "$PY" "$drv" frames --engine pandas-scipy \
			"$data/train_$rows.pkl" "$data/current_$rows.pkl" \
			"$BENCH_TMP/peer-$rows.json"
		bench_measure -n "$BENCH_REPEAT" python files driftmon-python "$rows" \
			$((2 * rows * ncols)) -- "$PY" "$drv" files "$train" "$cur" \
			"$BENCH_TMP/pyfiles-$rows.json"
		bench_measure -n "$BENCH_REPEAT" python files driftmon-cli "$rows" \
			$((2 * rows * ncols)) -- "$DRIFTMON" compare -r "$train" \
			-c "$cur" --format json

		bench_check python "verdict-$rows" "$PY" "$BENCH_ROOT/bench/check_verdicts.py" \
			--expect-drifted "$k" "$BENCH_TMP/py-$rows.json" "$BENCH_TMP/peer-$rows.json"
		bench_check python "same-as-cli-$rows" "$PY" -c '
import json, sys
a = json.load(open(sys.argv[1])); b = json.load(open(sys.argv[2]))
va = [(f["name"], f["status"], f["psi"]) for f in a["features"]]
vb = [(f["name"], f["status"], f["psi"]) for f in b["features"]]
print("same verdicts" if va == vb else "differ"); sys.exit(va != vb)' \
			"$BENCH_TMP/pyfiles-$rows.json" \
			"$BENCH_OUT/logs/python-files-driftmon-cli-$rows.1.out"
	done
	bench_note python "frames: one process loads both pickled DataFrames, then compares; the compare-only seconds are in bench/out/logs/python-frames-*.err (\`compare: S s\`)."
	bench_note python "files: driftmon.compare on the CSV paths from Python minus \`driftmon compare\` on the same files = the Python layer's overhead (interpreter start, imports, the report's JSON parsed once)."
}
