# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
# Benchmark section "hourly" (issue 12, "Numbers"): detect over windows
# of 24 h, 7 d and 30 d of a model logging BENCH_HOURLY_ROWS rows an hour
# (default 100,000), once the hours are profiled (hour profiles merged)
# against re-reading the raw logs (--no-hourly-profiles), the backfill
# that profiles the hours (driftmon profile), and the size of one hour's
# profile for the 50 features.
#
# Data: `driftmon synth --logs` (50 features + the prediction, Parquet,
# one file per hour) for the longest window, in a store cached in
# bench/out/data.  Jobs ("rows" = rows of the window):
#   profile   driftmon profile over every hour (the backfill, once)
#   raw       detect --window-hours H --no-hourly-profiles --no-write
#   profiles  detect --window-hours H --no-write (all hours fresh; the
#             window ends at midnight, so its days come from the day
#             roll-ups the backfill wrote)
#   hours     the same with DRIFTMON_NO_DAY_ROLLUPS=1: every day merged
#             from its 24 hour profiles (what a window cost before day
#             roll-ups, but for the grouping by day)
# Checks: the profile-merged and raw reports flag the same features,
# detect from profiles reads no log (DRIFTMON_PROFILE_STATS line), takes
# every whole day from its roll-up, and reports byte for byte what the
# hours-only merge reports.
# Settings: BENCH_HOURLY_ROWS, BENCH_HOURLY_WINDOWS="24 168 720".  The
# defaults write 720 hours of 100,000 rows (about 13 GB of Parquet, and
# the raw 720-hour detect reads all of it); the cost from profiles does
# not depend on the rows once an hour has more values than its profile
# keeps points (1024 per feature), so BENCH_HOURLY_ROWS=3000 measures
# the same merge on a 0.4 GB store (docs/hourly-profiles.md, "Cost").
# Sourced by bench/run.sh (see bench/lib.sh).

section_hourly() {
	local per=${BENCH_HOURLY_ROWS:-100000}
	local windows=${BENCH_HOURLY_WINDOWS:-24 168 720}
	local end=2025-12-31T00:00:00Z max=0 w store rows size
	local data=$BENCH_OUT/data

	bench_title hourly "Hourly profiles: detect windows from profiles vs raw logs (issue 12)"
	for w in $windows; do
		case $w in '' | *[!0-9]*) bench_die "BENCH_HOURLY_WINDOWS: not hours: $w" ;; esac
		[ "$w" -gt "$max" ] && max=$w
	done
	case $per in '' | *[!0-9]*) bench_die "BENCH_HOURLY_ROWS: not a row count: $per" ;; esac
	store=$data/hourly-store-$per-$max
	if [ ! -d "$store/inference-logs" ] || [ -n "${BENCH_REGEN:-}" ]; then
		rm -rf "$store"
		bench_log "hourly: writing $max hours of $per rows (cached in ${store#"$BENCH_ROOT"/})"
		"$DRIFTMON" synth --store "$store" --rows 100000 --hours "$max" \
			--rows-per-hour "$per" --end "$end" --seed 12 >/dev/null ||
			bench_die "hourly: synth failed"
		"$DRIFTMON" baseline --store "$store" --model spam-detector \
			--version v1 --input \
			"$store/training-data/spam-detector/train.parquet" \
			>/dev/null || bench_die "hourly: baseline failed"
	fi
	bench_command hourly data synth "$per" "$DRIFTMON" synth --store \
		"$store" --rows 100000 --hours "$max" --rows-per-hour "$per" \
		--end "$end" --seed 12
	rm -rf "$store/profiles"
	bench_measure hourly profile driftmon $((per * max)) $((per * max * 51)) -- \
		"$DRIFTMON" profile --store "$store" --model spam-detector \
		--version v1 --from "$(date -u -d "$end - $max hours" +%Y-%m-%dT%H:%MZ)" \
		--to "$end"
	for w in $windows; do
		rows=$((per * w))
		bench_measure -n "$BENCH_REPEAT" hourly "raw-${w}h" driftmon "$rows" \
			$((rows * 51)) -- env DRIFTMON_NO_PROFILES=1 "$DRIFTMON" detect \
			--store "$store" --model spam-detector --version v1 --at "$end" \
			--window-hours "$w" --no-write --format json
		cp "$BENCH_OUT/logs/hourly-raw-${w}h-driftmon-$rows.1.out" "$BENCH_TMP/raw-$w.json"
		bench_measure -n "$BENCH_REPEAT" hourly "profiles-${w}h" driftmon \
			"$rows" $((rows * 51)) -- env DRIFTMON_PROFILE_STATS=1 \
			"$DRIFTMON" detect --store "$store" --model spam-detector \
			--version v1 --at "$end" --window-hours "$w" --no-write \
			--format json
		bench_check hourly "same-verdict-${w}h" python3 -c '
import json, sys
a = json.load(open(sys.argv[1])); b = json.load(open(sys.argv[2]))
fa = sorted(f["name"] for f in a["features"] if f["drifted"])
fb = sorted(f["name"] for f in b["features"] if f["drifted"])
print("drifted, raw: %d, from profiles: %d" % (len(fa), len(fb)))
sys.exit(0 if fa == fb and a["samples"] == b["samples"] else 1)' \
			"$BENCH_TMP/raw-$w.json" \
			"$BENCH_OUT/logs/hourly-profiles-${w}h-driftmon-$rows.1.out"
		bench_check hourly "no-log-read-${w}h" grep -E \
			"hour profiles: $w hours, 0 without logs, $w from profiles, 0 read" \
			"$BENCH_OUT/logs/hourly-profiles-${w}h-driftmon-$rows.1.err"
		bench_measure -n "$BENCH_REPEAT" hourly "hours-${w}h" driftmon \
			"$rows" $((rows * 51)) -- env DRIFTMON_PROFILE_STATS=1 \
			DRIFTMON_NO_DAY_ROLLUPS=1 "$DRIFTMON" detect --store \
			"$store" --model spam-detector --version v1 --at "$end" \
			--window-hours "$w" --no-write --format json
		if [ "$w" -ge 24 ]; then
			bench_check hourly "day-rollups-${w}h" grep -E \
				"day roll-ups: $((w / 24 * 24)) hours, 0 rebuilt" \
				"$BENCH_OUT/logs/hourly-profiles-${w}h-driftmon-$rows.1.err"
		fi
		bench_check hourly "day-rollups-same-report-${w}h" sh -c '
grep -v "\"generated_at\"" "$1" >"$1.cmp" &&
grep -v "\"generated_at\"" "$2" >"$2.cmp" && cmp "$1.cmp" "$2.cmp" &&
echo "from day roll-ups and from hours only: the same report"' sh \
			"$BENCH_OUT/logs/hourly-profiles-${w}h-driftmon-$rows.1.out" \
			"$BENCH_OUT/logs/hourly-hours-${w}h-driftmon-$rows.1.out"
	done
	size=$(find "$store/profiles" -name profile.json -printf '%s\n' |
		sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
	fv=$(grep -o '"format_version":[0-9]*' \
		"$(find "$store/profiles" -name profile.json -print -quit)")
	bench_check hourly profile-size sh -c "echo 'one hour profile of 50 features + prediction, $per rows: $((size / 1024)) KB (median of $max hours, format_version ${fv#*:})'"
	size=$(find "$store/profiles" -name day.json -printf '%s\n' |
		sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] + 0 }')
	bench_check hourly day-size sh -c "echo 'one day roll-up of 50 features + prediction, $per rows an hour: $((size / 1024)) KB (median)'"
}
