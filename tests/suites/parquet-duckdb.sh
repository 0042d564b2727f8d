#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Parquet interoperability with DuckDB: the files driftmon writes are read
# back by DuckDB (@duckdb/node-api, pinned in tests/interop/package.json)
# and every value and type is compared.  The reading direction (fixtures
# of real writers read by driftmon) is in the unit tests (test_parquet).
# Installs node/npm (Debian) and the npm packages (npm ci) when missing;
# if that fails the suite fails, unless DM_OPTIONAL lists "duckdb" (then
# it exits 77: skipped).  Usage: tests/suites/parquet-duckdb.sh [DRIFTMON]
set -u
cd "$(dirname "$0")/../.."
. tests/suites/lib/need.sh
build=$(dirname "${1:-build/driftmon}")
need_npm tests/interop @duckdb/node-api || cannot_run parquet-duckdb duckdb "$NEED_WHY"
if tests/interop/check-written.sh "$build"; then
	echo "parquet-duckdb: 1 passed, 0 failed"
else
	echo "parquet-duckdb: 0 passed, 1 failed"
	exit 1
fi
