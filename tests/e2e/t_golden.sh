#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Golden files: `driftmon compare` on the fixed pair in tests/data/e2e/
# (made by make-fixtures.py) prints exactly compare.golden.txt, and its
# JSON report matches compare.golden.json on the fields that do not
# depend on the clock (statuses, alerts, counts, the thresholds used;
# statistics, the Holm-adjusted p-values included, to 6 significant
# digits).  `detect` on the same pair gives the same summary.
# After an intended change: UPDATE_GOLDEN=1 tests/e2e/run.sh DRIFTMON t_golden
. "$(dirname "$0")/lib.sh"

G=$(cd "$(dirname "$0")/../data/e2e" && pwd)
cd "$G" || exit 1

# golden NAME FILE TEXT: TEXT equals the golden FILE (or rewrites it).
golden() {
	if [ "${UPDATE_GOLDEN:-0}" = 1 ]; then
		printf '%s\n' "$3" >"$G/$2"
		echo "  updated $2" >&2
	fi
	if printf '%s\n' "$3" | diff -u "$G/$2" - >"$T/.diff"; then ok
	else not_ok "$1: differs from $2:"; cat "$T/.diff" >&2; fi
}

# The stable part of a JSON report, one item a line.
project() {
	/usr/bin/python3 -c '
import json, sys
d = json.load(sys.stdin)
def g(x):
    return None if x is None else float("%.6g" % x)
out = {k: d[k] for k in ("report_version", "samples", "rows_skipped", "rows_filtered",
                         "status", "drift_detected", "drift_score", "features_drifted",
                         "features_total", "ignored_columns", "columns_not_monitored",
                         "samples_note")}
out["alerts"] = [[a["severity"], a["code"], a["feature"], a["message"]] for a in d["alerts"]]
out["thresholds"] = d["thresholds"]
out["features"] = [[f["name"], f["type"], f["status"], f["drifted"], g(f["psi"]),
                    g(f["ks_statistic"]), g(f["ks_pvalue"]), g(f["chi2_pvalue"]),
                    g(f["pvalue_adjusted"]),
                    f["current"]["count"], f["current"]["missing"], f["current"]["invalid"]]
                   for f in d["features"]]
for k, v in out.items():
    if isinstance(v, list):
        print(json.dumps(k) + ": [")
        for item in v:
            print("  " + json.dumps(item))
        print("]")
    else:
        print(json.dumps(k) + ": " + json.dumps(v))
'
}

run compare --reference reference.csv --current current.csv
expect "compare text" 0 "^DRIFT DETECTION SUMMARY$"
if [ -z "$err" ]; then ok; else not_ok "compare text: stderr: $err"; fi
golden "compare text output" compare.golden.txt "$out"

run compare --reference reference.csv --current current.csv --format json
expect "compare json" 0
json_check "compare json: model and window" \
	'd["model"] == "current.csv" and d["window"] == {"start": None, "end": None}'
golden "compare JSON report (stable fields)" compare.golden.json "$(printf '%s' "$out" | project)"

# detect on the same pair: the same verdict, lines and alerts.
run baseline --model spam-detector --version v1 --input reference.csv
expect "baseline of the reference" 0 "300 rows, 6 features \(5 numeric, 1 categorical\)"
run detect --model spam-detector --version v1 --input current.csv --no-write
expect "detect on the pair" 0
want=$(sed 's/^Model: .*/Model: spam-detector v1/' "$G/compare.golden.txt")
if [ "$out" = "$want" ]; then ok
else not_ok "detect summary differs from compare's:"; diff -u <(echo "$want") <(echo "$out") >&2; fi
finish
