#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The main job end to end on the local store: synth -> baseline -> detect
# -> status / list, and the summary in the original system's exact shape.
. "$(dirname "$0")/lib.sh"

run synth --rows 5000 --hours 6 --rows-per-hour 400 --magnitude 1.0 \
	--end 2025-12-24T18:00:00Z --seed 7
expect "synth" 0 "Training data: 5000 rows"
check "training file" test -s "$T/store/training-data/spam-detector/train.parquet"
check "hour partition" test -s "$T/store/inference-logs/year=2025/month=12/day=24/hour=17/part-synth-spam-detector-v1.parquet"

run baseline --model spam-detector --version v1 \
	--input "$T/store/training-data/spam-detector/train.parquet"
expect "baseline" 0 "Baseline for spam-detector v1: 5000 rows"
check "baseline key" test -s "$T/store/baselines/spam-detector/v1/baseline.json"

run detect --model spam-detector --version v1 --at 2025-12-24T18:30:00Z --window-hours 6
expect "detect" 0 "Overall drift detected: YES"
# The summary has exactly the original's lines, in order.
shape=$(printf '%s\n' "$out" | sed -E 's/: .*/:/' | head -n 13)
want='============================================================
DRIFT DETECTION SUMMARY
============================================================
Model:
Samples analyzed:

Overall drift detected:
Drift score:
Features drifted:

Drifted features:
Alerts:
============================================================'
if [ "$shape" = "$want" ]; then ok; else not_ok "summary shape: $out"; fi
expect "samples" 0 "Samples analyzed: 2400$"
expect "alerts line" 0 "^Alerts: [0-9]+ \([0-9]+ CRITICAL, [0-9]+ WARNING\)$"
expect "report location" 0 "Report: .*/drift-reports/spam-detector/latest.json"
check "latest report" test -s "$T/store/drift-reports/spam-detector/latest.json"
check "history report" test -n "$(ls "$T"/store/drift-reports/spam-detector/v1/*.json)"

run status
expect "status" 0 "spam-detector +v1 .* DRIFT"
run list baselines
expect "list baselines" 0 "spam-detector +v1 +baselines/spam-detector/v1/baseline.json"
run list reports
expect "list reports" 0 "drift-reports/spam-detector/latest.json"

# A window with no logs: no verdict, never a drift alarm.
run detect --model spam-detector --version v1 --at 2024-01-01T00:00:00Z --no-write
expect "empty window" 0 "Overall drift detected: UNKNOWN \(insufficient data"

# The same data without drift: no alarm.
run synth --logs --scenario none --hours 3 --rows-per-hour 1000 \
	--end 2025-12-25T18:00:00Z --seed 8
expect "synth none" 0
run detect --model spam-detector --version v1 --at 2025-12-25T18:00:00Z --window-hours 3 --no-write
expect "no drift" 0 "Overall drift detected: NO"

run --version
expect "version" 0 "^driftmon [0-9]+\.[0-9]+\.[0-9]+$"
finish
