#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Status and history at the terminal, and the files detect writes beside
# the JSON report: latest.html, the HTML history copy, --metrics-file;
# no progress line when stderr is not a terminal.
. "$(dirname "$0")/lib.sh"
unset DRIFT_PUSHGATEWAY_URL DRIFT_ALERTMANAGER_URL DRIFT_WEBHOOK_URL

run synth --rows 3000 --hours 3 --rows-per-hour 400 --magnitude 1.0 \
	--end 2025-12-24T18:00:00Z --seed 7
expect "synth" 0
run baseline --model spam-detector --version v1 \
	--input "$T/store/training-data/spam-detector/train.parquet"
expect "baseline" 0
if [ -z "$err" ]; then ok; else not_ok "baseline: stderr not empty (progress?): $err"; fi

run history --model spam-detector
expect "history before any run" 0 "No drift reports for spam-detector"

for h in 1 2 3; do
	run detect --model spam-detector --version v1 --at 2025-12-24T18:00:00Z \
		--window-hours $h --metrics-file "$T/m.prom"
	expect "detect ${h}h" 0 "^HTML report: .*/drift-reports/spam-detector/latest.html$"
	if [ -z "$err" ]; then ok; else not_ok "detect: stderr not empty: $err"; fi
	sleep 1
done
check "latest.html" test -s "$T/store/drift-reports/spam-detector/latest.html"
check "history html (3 runs + the version's latest.html)" \
	test "$(ls "$T"/store/drift-reports/spam-detector/v1/*.html | wc -l)" -eq 4
check "version latest.html" test -s "$T/store/drift-reports/spam-detector/v1/latest.html"
check "metrics file" grep -q '^driftmon_drift_score{model="spam-detector",model_version="v1"} ' "$T/m.prom"
check "no temporary files left" test "$(ls "$T" | grep -c 'm.prom.tmp')" -eq 0

run history --model spam-detector
expect "history" 0 "^WINDOW \(UTC\) +RUN \(UTC\) +VERSION +SAMPLES +SCORE +DRIFTED +ALERTS +STATUS"
n=$(printf '%s\n' "$out" | grep -cE '^2025-12-24 1[5-7]:00 \.\. 2025-12-24 18:00 +20[0-9-]+ [0-9:]+ +v1 +[0-9]+ +[0-9.]+% .* DRIFT$')
check "history: three runs" test "$n" -eq 3
if printf '%s' "$out" | grep -q 'Drift score'; then not_ok "sparkline when not a terminal"; else ok; fi
run history --model spam-detector --last 2 --sparkline
expect "history --last 2 --sparkline" 0 "^Drift score [▁▂▃▄▅▆▇█]{2}  min [0-9.]+%, max [0-9.]+%, last [0-9.]+%$"
n=$(printf '%s\n' "$out" | grep -cE '^2025-12-24 ')
check "history --last 2" test "$n" -eq 2
run history --model spam-detector --version v9
expect "history of another version" 0 "No drift reports for spam-detector v9"
run history
expect "history needs --model" 2 "--model is required"
run history --model ../x
expect "history: bad model" 2 "invalid model name"

run status
expect "status" 0 "spam-detector +v1 .* DRIFT"
run list reports
if printf '%s' "$out" | grep -q "alerts.state\|unreadable"; then not_ok "list reports: $out"; else ok; fi

# compare --format html goes to stdout; report re-renders a stored report.
run compare --reference "$T/store/training-data/spam-detector/train.parquet" \
	--current "$T/store/inference-logs/year=2025/month=12/day=24/hour=17/part-synth-spam-detector-v1.parquet" \
	--format html
expect "compare --format html" 0 "^<!DOCTYPE html>"
run compare --reference a.csv --current b.csv --format xml
expect "compare --format xml" 2 "text, json or html"
run report --input "$T/store/drift-reports/spam-detector/latest.json" --output "$T/r.html"
expect "report" 0
check "report output" grep -q '<svg class="chart trend"' "$T/r.html"
run report --input "$T/store/drift-reports/spam-detector/latest.json" --output "$T/no/dir/r.html"
expect "report: unwritable output" 1 "cannot write '.*r.html'"
finish
