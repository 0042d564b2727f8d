#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# `driftmon parquet schema|meta|cat` against golden output
# (tests/data/parquet/golden/*.out; UPDATE_GOLDEN=1 rewrites them after a
# deliberate change, e.g. regenerated fixtures).
# Usage: tests/suites/parquet-cli.sh [DRIFTMON]
set -u
cd "$(dirname "$0")/../.."
bin=${1:-build/driftmon}
data=tests/data/parquet
gold=$data/golden
pass=0
fail=0
check() { # name args...
	local name=$1 out
	shift
	out=$("$bin" parquet "$@" 2>&1; echo "exit $?")
	if [ "${UPDATE_GOLDEN:-0}" = 1 ]; then
		printf '%s\n' "$out" >"$gold/$name.out"
	fi
	if diff -u "$gold/$name.out" <(printf '%s\n' "$out") >/dev/null 2>&1; then
		pass=$((pass + 1))
	else
		echo "FAIL: parquet $* (golden $gold/$name.out)"
		diff -u "$gold/$name.out" <(printf '%s\n' "$out") | head -20
		fail=$((fail + 1))
	fi
}
check schema_duckdb schema $data/duckdb_v2_zstd.parquet
check schema_arrow schema $data/arrow_v2_nodict_snappy.parquet
check meta_duckdb meta $data/duckdb_rowgroups_v1.parquet
check meta_parquetjs meta $data/parquetjs_v1_gzip.parquet
check cat_duckdb_csv cat $data/duckdb_v1_snappy.parquet --limit 12
check cat_duckdb_jsonl cat $data/duckdb_v2_brotli.parquet --format jsonl --limit 6
check cat_arrow_columns cat $data/arrow_v1_dict_lz4.parquet --columns ts,dt,s,u32,f32 --limit 10
check cat_parquetjs cat $data/parquetjs_v2_snappy.parquet --format=jsonl --limit=5
check cat_hyparquet cat $data/hyparquet_encodings.parquet --limit 8
check cat_no_such_column cat $data/hyparquet_default.parquet --columns nope
check cat_nested_column cat $data/duckdb_v1_snappy.parquet --columns id,lst
check cat_bad_format cat $data/hyparquet_default.parquet --format xml
check not_parquet meta tests/data/parquet/manifest.json
check missing_file schema tests/data/parquet/no-such-file.parquet
check usage bogus
echo "parquet-cli: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
