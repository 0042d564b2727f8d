#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Files driftmon writes are read back by DuckDB, every value and type
# checked.  Usage (from the repository root): tests/interop/check-written.sh [BUILD]
# Needs node and `npm ci` in tests/interop (done here if missing).
set -euo pipefail
build=${1:-build}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$root"
[ -x "$build/tests/test_parquet" ] || make --no-print-directory "$build/tests/test_parquet"
[ -d "$here/node_modules/@duckdb/node-api" ] || (cd "$here" && npm ci --no-audit --no-fund >/dev/null)
rm -rf build/tests/parquet-written
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! "$build/tests/test_parquet" writer_files_for_duckdb >"$log" 2>&1; then
	cat "$log"
	exit 1
fi
node "$here/check-written.mjs" build/tests/parquet-written
