#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# One value model across writers (docs/schema.md): a messy, real-world-like
# table (tests/interop/messy.py: ids, transaction codes, dates, date-times,
# free text, booleans, a survey answer 'None', a category with 'NA',
# an integer code with missing values, money, a score and a label) written
# by seven writers, some of them in several forms:
#
#   python.csv   Python's csv module        pandas.csv   pandas' to_csv
#   quoted.csv   pandas, every field quoted (missing values: "")
#   duckdb_empty.parquet  DuckDB, missing text stored as ''
#   duckdb_strings.parquet  DuckDB, every column a string (as Spark
#                writes a CSV read without inferSchema)
#   duckdb_auto.parquet  python.csv converted by DuckDB's read_csv_auto
#                (its sniffer: yes/no a BOOLEAN, times a TIME)
#   duckdb.csv   DuckDB COPY (csv)          duckdb.parquet  DuckDB
#   hyparquet.parquet  hyparquet-writer     arrow.parquet   arrow-rs
#                                              (parquet-wasm)
#   collector    records posted to `driftmon collect` (its Parquet file)
#
# Checks, for three draws of the table (base; same distribution, new rows;
# shifted in amount, plan and is_returning only):
#   1. the baseline of every writer equals python.csv's column by column
#      (role, logical type, counts, missing, categories);
#   2. every pairing (baseline from writer A, current rows from writer B):
#      the same rows give PSI 0 and KS D 0 everywhere and no schema alert;
#      a new draw of the same distribution drifts nowhere; the shifted
#      draw drifts in exactly amount, plan and is_returning.  (A baseline
#      from the collector has no label column; a table that has one raises
#      nothing: labels are expected to come and go.)
#
#   tests/suites/schema-interop.sh [path/to/driftmon]
#
# Needs node/npm (installs tests/interop's pinned packages when missing),
# curl and Debian's python3 with pandas.  A missing component is a
# failure, never a silent skip.  Prints "schema-interop: N passed, N failed".
set -u
cd "$(dirname "$0")/../.."
root=$(pwd)
DM=${1:-build/driftmon}
DM=$(cd "$(dirname "$DM")" && pwd)/$(basename "$DM")
PY=/usr/bin/python3
T=$(mktemp -d "${TMPDIR:-/tmp}/dm-schema.XXXXXX")
pid=
pass=0
fail=0
cleanup() {
	if [ -n "$pid" ]; then kill -9 "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; fi
	rm -rf "$T"
}
trap cleanup EXIT

ok() { pass=$((pass + 1)); }
not_ok() { fail=$((fail + 1)); echo "  FAIL: $*"; }
finish() {
	echo "schema-interop: $pass passed, $fail failed"
	[ "$fail" -eq 0 ]
	exit
}
need() { # NAME COMMAND...: a component that must work
	if ! "${@:2}" >/dev/null 2>&1; then
		not_ok "$1 is missing (this suite needs it)"
		finish
	fi
}

need "driftmon ($DM)" test -x "$DM"
need "node" node --version
need "npm" npm --version
need "curl" curl --version
need "python3 with pandas" "$PY" -c 'import pandas'
if [ ! -d tests/interop/node_modules/@duckdb/node-api ] ||
	[ ! -d tests/interop/node_modules/parquet-wasm ] ||
	[ ! -d tests/interop/node_modules/hyparquet-writer ]; then
	(cd tests/interop && npm ci --no-audit --no-fund >"$T/npm.log" 2>&1) || {
		not_ok "npm ci in tests/interop failed: $(tail -3 "$T/npm.log")"
		finish
	}
fi

WRITERS="python.csv pandas.csv quoted.csv duckdb.csv duckdb.parquet duckdb_empty.parquet duckdb_strings.parquet duckdb_auto.parquet hyparquet.parquet arrow.parquet collector.parquet"

# collect DIR: posts DIR/collector.ndjson to a fresh collector and leaves
# the Parquet file it wrote as DIR/collector.parquet.
collect() {
	local d=$1 f n
	mkdir -p "$d/col"
	(cd "$d/col" && exec "$DM" collect --listen 127.0.0.1:0 --port-file port \
		--wal-dir wal --store store --fsync never 2>collector.log) &
	pid=$!
	for _ in $(seq 200); do [ -s "$d/col/port" ] && break; sleep 0.05; done
	if ! curl -sS --data-binary @"$d/collector.ndjson" \
		"http://127.0.0.1:$(cat "$d/col/port")/v1/predictions" >"$d/col/post.out"; then
		not_ok "collector: POST failed"
	fi
	kill -TERM "$pid"
	wait "$pid"
	pid=
	n=$(find "$d/col/store" -name '*.parquet' | wc -l)
	f=$(find "$d/col/store" -name '*.parquet' | head -1)
	if [ "$n" -ne 1 ]; then
		not_ok "collector: $n Parquet files, expected 1 ($(cat "$d/col/post.out"))"
		return
	fi
	cp "$f" "$d/collector.parquet"
	ok
}

# make NAME ARGS...: one draw of the table by every writer.
make_set() {
	local name=$1
	shift
	if ! "$PY" tests/interop/messy.py "$T/$name" "$@" >"$T/$name.log" 2>&1; then
		not_ok "messy.py $name: $(tail -1 "$T/$name.log")"
		finish
	fi
	if ! node tests/interop/messy-write.mjs "$T/$name" >>"$T/$name.log" 2>&1; then
		not_ok "messy-write.mjs $name: $(tail -3 "$T/$name.log")"
		finish
	fi
	collect "$T/$name"
	for w in $WRITERS; do
		[ -s "$T/$name/$w" ] || { not_ok "$name: $w was not written"; finish; }
	done
	ok
}

make_set base --rows 3000 --seed 1 --first-id 1
make_set same --rows 3000 --seed 2 --first-id 3001
make_set shift --rows 3000 --seed 3 --first-id 6001 --shift

# ---- 1. the same baseline from every writer ---------------------------------
for w in $WRITERS; do
	st="$T/store-$w"
	if ! "$DM" baseline --model shop --version v1 --store "$st" \
		--input "$T/base/$w" --output "$T/base-$w.json" >"$T/bl.out" 2>&1; then
		not_ok "baseline from $w: $(tail -1 "$T/bl.out")"
		continue
	fi
	ok
	flag=
	[ "$w" = collector.parquet ] && flag=--logger
	if msg=$("$PY" tests/interop/messy-check.py schema "$T/base-python.csv.json" \
		"$T/base-$w.json" $flag); then ok
	else not_ok "baseline from $w differs from python.csv's: $msg"; fi
done
# the column table of the reference, for the log
"$DM" baseline --model shop --version v1 --store "$T/store-show" \
	--input "$T/base/python.csv" 2>/dev/null | sed -n '/^COLUMN/,$p'

# ---- 2. every pairing of writers --------------------------------------------
for a in $WRITERS; do
	for b in $WRITERS; do
		for set in base same shift; do
			"$DM" detect --model shop --version v1 --store "$T/store-$a" \
				--input "$T/$set/$b" --no-write --format json \
				>"$T/r.json" 2>"$T/r.err"
			rc=$?
			if [ "$rc" -ne 0 ]; then
				not_ok "$a -> $b ($set): detect exit $rc: $(tail -1 "$T/r.err")"
				continue
			fi
			case $set in
			base) what=same ;;
			same) what=nodrift ;;
			shift) what=shift ;;
			esac
			if msg=$("$PY" tests/interop/messy-check.py $what "$T/r.json" \
				amount,is_returning,plan); then ok
			else not_ok "baseline $a, current $b ($set): $msg"; fi
		done
	done
done
finish
