# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
# Benchmark section "azure" (issue 4): runs bench/azure.sh, the Azure
# engineer's standalone benchmark (driftmon detect over a 24-hour window
# in azurite against the same window in a local folder, CSV and Parquet
# logs; it installs azurite with npm ci in tests/azure and stops the
# azurite it starts), and hands its Markdown table (bench/out/azure.md)
# to the report.  Skipped when bench/azure.sh is absent.  Its own
# settings (BENCH_AZ_ROWS_PER_HOUR, BENCH_REPEAT) pass through.
# Sourced by bench/run.sh (see bench/lib.sh).

section_azure() {
	local script=$BENCH_ROOT/bench/azure.sh

	if [ ! -f "$script" ]; then
		bench_log "bench/azure.sh not found: section azure skipped"
		return 0
	fi
	rm -f "$BENCH_OUT/azure.md"
	bench_script azure "$script" BENCH_OUT="$BENCH_OUT" || return 0
	bench_block azure "Azure Blob storage: detect against azurite (issue 4)" \
		"$BENCH_OUT/azure.md"
}
