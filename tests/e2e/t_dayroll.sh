#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Day roll-ups of hour profiles (docs/hourly-profiles.md, "Day
# roll-ups"): a window's whole UTC days come from
# profiles/.../day=DD/day.json when it is fresh, and the report is byte
# for byte the one merged from the hours alone (DRIFTMON_NO_DAY_ROLLUPS=1),
# trend included, and within the sketch bound of a raw read; a late file
# or a missing hour makes a day stale, a corrupt day file is rebuilt with
# a warning; partial days at the edges come from hours; the backfill
# writes them.
. "$(dirname "$0")/lib.sh"
unset DRIFT_PUSHGATEWAY_URL DRIFT_ALERTMANAGER_URL DRIFT_WEBHOOK_URL
unset DRIFTMON_NO_PROFILES DRIFTMON_NO_DAY_ROLLUPS
export DRIFTMON_PROFILE_STATS=1
CMP="$(dirname "$0")/report_cmp.py"
AT=2025-12-24T18:00:00Z
PR="$T/store/profiles/spam-detector/v1/year=2025/month=12"
LR="$T/store/inference-logs/year=2025/month=12"

# 800 rows an hour: an hour keeps every value, a day (19,200) is cut to
# 1,024 points per feature
hourly_store 800 5

det() { # HOURS [AT]: detect, the report without generated_at in $T/.rep
	run detect --model spam-detector --version v1 --at "${2:-$AT}" \
		--window-hours "$1" --format json
	grep -v '"generated_at"' "$T/.out" >"$T/.rep"
}
hours_only() { # NAME HOURS [AT]: the same window from hours only
	DRIFTMON_NO_DAY_ROLLUPS=1 det "$2" "${3:-}"
	expect "$1: hours only" 0
	cp "$T/.rep" "$T/hours.json"
}
same() { # NAME: the last report is the hours-only one
	check "$1: the same report as from hours only" cmp -s "$T/.rep" "$T/hours.json"
}
ndays() { find "$T/store/profiles" -name day.json | wc -l; }

DRIFTMON_NO_PROFILES=1 run detect --model spam-detector --version v1 \
	--at $AT --window-hours 168 --format json --no-write
expect "168h: raw read" 0
cp "$T/.out" "$T/raw.json"
hours_only "168h" 168
check "hours only: no day roll-up written" test "$(ndays)" -eq 0
det 168
expect "168h first run: 6 days built and stored" 0 "168 from profiles, 0 read, 0 rebuilt, 0 written; day roll-ups: 0 hours, 0 rebuilt, 6 written"
same "168h first run"
check "6 day roll-ups" test "$(ndays)" -eq 6
check "the format names itself" grep -q '"format":"driftmon-day-profile","format_version":1' "$PR/day=20/day.json"
det 168
expect "168h from day roll-ups" 0 "168 hours, 0 without logs, 168 from profiles, 0 read, 0 rebuilt, 0 written; day roll-ups: 144 hours, 0 rebuilt, 0 written"
same "168h from day roll-ups"
check "trend present" grep -q '"hourly_psi"' "$T/.rep"
if res=$(python3 "$CMP" --sketch-bound "$T/raw.json" "$T/.out"); then ok
else not_ok "168h from day roll-ups differs from the raw read beyond the bound: $res"; fi
run history --model spam-detector --version v1 --feature url_count
expect "history from day roll-ups" 0
cp "$T/.out" "$T/hist-days"
DRIFTMON_NO_DAY_ROLLUPS=1 det 168
run history --model spam-detector --version v1 --feature url_count
check "history: the same hour-by-hour PSI" cmp -s "$T/.out" "$T/hist-days"

# partial days at the edges come from hours: 30 h has no whole day,
# 48 h one
hours_only "30h" 30
det 30
expect "30h: no whole day" 0 "30 from profiles, 0 read, 0 rebuilt, 0 written$"
same "30h"
hours_only "48h" 48
det 48
expect "48h: one whole day" 0 "day roll-ups: 24 hours, 0 rebuilt, 0 written"
same "48h"
hours_only "window starting at midnight" 36 2025-12-21T12:00:00Z
det 36 2025-12-21T12:00:00Z
expect "window starting at midnight" 0 "day roll-ups: 24 hours, 0 rebuilt"
same "window starting at midnight"
cp "$T/.out" "$T/mid.json"
DRIFTMON_NO_PROFILES=1 run detect --model spam-detector --version v1 \
	--at 2025-12-21T12:00:00Z --window-hours 36 --format json --no-write
expect "window starting at midnight: raw read" 0
if res=$(python3 "$CMP" --sketch-bound "$T/.out" "$T/mid.json"); then ok
else not_ok "window starting at midnight differs from the raw read: $res"; fi

# a late file: its day is stale, rebuilt with a warning
cp "$LR/day=20/hour=10/part-synth-spam-detector-v1.parquet" "$LR/day=20/hour=05/part-late.parquet"
hours_only "late file" 168
det 168
expect "late file: the day is stale" 0 "day roll-up .*day=20/day.json is stale \(hour 05 covered 1 log files, it has 2 now\)"
expect "late file: counts (the hour was rebuilt by the hours-only run)" 0 "168 from profiles, 0 read, 0 rebuilt, 0 written; day roll-ups: 120 hours, 1 rebuilt, 1 written"
same "late file"
check "late file: the rebuilt day covers it" grep -q part-late.parquet "$PR/day=20/day.json"
det 168
expect "late file: fresh again" 0 "day roll-ups: 144 hours, 0 rebuilt, 0 written"
same "late file, fresh again"

# missing hours: logs gone, then an hour that had none gets some
rm -r "$LR/day=19/hour=03" "$LR/day=19/hour=04"
hours_only "missing hours" 168
det 168
expect "missing hours: stale" 0 "day=19/day.json is stale \(hour 03 covered 1 log files, it has 0 now\)"
same "missing hours"
det 168
expect "missing hours: fresh" 0 "168 hours, 2 without logs, 166 from profiles, 0 read, 0 rebuilt, 0 written; day roll-ups: 142 hours"
same "missing hours, fresh"
mkdir -p "$LR/day=19/hour=04"
cp "$LR/day=19/hour=10/part-synth-spam-detector-v1.parquet" "$LR/day=19/hour=04/part-new.parquet"
hours_only "hour appeared" 168
det 168
expect "hour appeared: stale" 0 "day=19/day.json is stale \(hour 04 covered 0 log files, it has 1 now\)"
same "hour appeared"

# corrupt day files are never trusted
head -c 3000 "$PR/day=21/day.json" >"$T/x" && mv "$T/x" "$PR/day=21/day.json"
det 168
expect "truncated day" 0 "day roll-up .*day=21/day.json cannot be used \(.*not valid JSON"
same "truncated day"
python3 - "$PR/day=22/day.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
h = [h for h in d["hours"] if h["trend"]][0]
h["trend"][1] += 1
json.dump(d, open(sys.argv[1], "w"))
PY
det 168
expect "edited trend" 0 "day=22/day.json cannot be used \(.*trend counts do not add up"
same "edited trend"
python3 - "$PR/day=18/day.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
f = [f for f in d["profile"]["features"] if "bins" in f][0]
f["bins"][0] += 1
json.dump(d, open(sys.argv[1], "w"))
PY
det 168
expect "edited bins" 0 "day=18/day.json cannot be used \(.*do not add up to its count"
same "edited bins"
sed -i 's/"format_version":1/"format_version":7/' "$PR/day=23/day.json"
det 168
expect "foreign version" 0 "day=23/day.json cannot be used \(.*format_version 7 is not supported"
same "foreign version"
det 168
expect "all rebuilt" 0 "day roll-ups: 143 hours, 0 rebuilt, 0 written"
same "all rebuilt"

# threads: the same report
DRIFTMON_THREADS=4 det 168
same "4 threads"

# the backfill writes them (not when sharded)
find "$T/store/profiles" -name day.json -delete
run profile --model spam-detector --version v1 --from 2025-12-18T00:00Z --to 2025-12-24T00:00Z --shard 0/2
expect "sharded backfill: no day roll-ups" 0
check "sharded backfill: none written" test "$(ndays)" -eq 0
run profile --model spam-detector --version v1 --from 2025-12-18T00:00Z --to 2025-12-24T00:00Z
expect "backfill: day roll-ups written" 0 "day roll-ups: 0 hours fresh, 0 rebuilt, 6 written"
check "backfill: 6 day roll-ups" test "$(ndays)" -eq 6
run profile --model spam-detector --version v1 --from 2025-12-18T00:00Z --to 2025-12-24T00:00Z
expect "backfill again: fresh" 0 "day roll-ups: 143 hours fresh, 0 rebuilt, 0 written"
det 168
expect "after backfill" 0 "day roll-ups: 143 hours, 0 rebuilt, 0 written"
same "after backfill"
finish
