#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Builds the Parquet reader's libFuzzer target with ASan + UBSan and runs
# it for SECONDS (default 60) on a scratch corpus seeded from
# tests/fuzz/corpus_parquet and the interop fixtures in tests/data/parquet.
# Findings (crash-*, leak-*, timeout-*, oom-*) are left in OUT (default
# build/fuzz-parquet) and make the script fail.
# Usage (from anywhere): tests/fuzz/fuzz-parquet.sh [SECONDS] [OUT]
set -eu
cd "$(dirname "$0")/../.."
secs=${1:-60}
out=${2:-build/fuzz-parquet}
mkdir -p "$out/corpus"
make --no-print-directory build-fuzz/fuzz_parquet >/dev/null
cp build-fuzz/fuzz_parquet "$out/fuzz_parquet"
cd "$out"
./fuzz_parquet -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
	-max_len=65536 -print_final_stats=1 corpus \
	../../tests/fuzz/corpus_parquet ../../tests/data/parquet 2>&1 | tail -12
if ls crash-* leak-* timeout-* oom-* >/dev/null 2>&1; then
	echo "fuzz-parquet: findings in $out"
	exit 1
fi
echo "fuzz-parquet: 1 passed, 0 failed"
