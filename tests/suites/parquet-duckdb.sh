#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Parquet interoperability with DuckDB: the files driftmon writes are read
# back by DuckDB (@duckdb/node-api, pinned in tests/interop/package.json)
# and every value and type is compared.  The reading direction (fixtures
# of real writers read by driftmon) is in the unit tests (test_parquet).
# Skips, passing, when node/npm are missing or npm cannot install.
set -u
cd "$(dirname "$0")/../.."
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
	echo "parquet-duckdb: node/npm not installed; skipped"
	echo "0 passed, 0 failed, 1 skipped"
	exit 0
fi
if [ ! -d tests/interop/node_modules/@duckdb/node-api ]; then
	(cd tests/interop && npm ci --no-audit --no-fund >/dev/null 2>&1) || {
		echo "parquet-duckdb: npm ci failed; skipped"
		echo "0 passed, 0 failed, 1 skipped"
		exit 0
	}
fi
exec tests/interop/check-written.sh build
