# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
# Benchmark section "collector" (issue 5): runs bench/collector.sh, the
# logger engineer's standalone benchmark (`driftmon collect` under load
# over loopback, and the logger library alone), and hands its Markdown
# report (bench/out/collector.md) to the report, which refreshes the
# bench:collector block of BENCHMARKS.md (the script is run with
# BENCH_NO_DOCS=1 so that only bench/run.sh writes the file).  Skipped
# when bench/collector.sh is absent.  Its own settings
# (BENCH_COLLECTOR_SECONDS, BENCH_COLLECTOR_CONNS) pass through.
# Sourced by bench/run.sh (see bench/lib.sh).

section_collector() {
	local script=$BENCH_ROOT/bench/collector.sh

	if [ ! -f "$script" ]; then
		bench_log "bench/collector.sh not found: section collector skipped"
		return 0
	fi
	rm -f "$BENCH_OUT/collector.md"
	bench_script collector "$script" BENCH_NO_DOCS=1 || return 0
	bench_block collector "Inference logger: collector and library (issue 5)" \
		"$BENCH_OUT/collector.md"
}
