#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Production data for `driftmon detect` and `driftmon compare`: a few bad
# rows or values do not stop the run but are counted and reported (an
# alert above 1%); --strict makes them errors; missing, extra and foreign
# columns and rows; too few rows; --fail-on-drift; the JSON report.
. "$(dirname "$0")/lib.sh"

D=$T/data
mkdir -p "$D"

# gen KIND FILE [N] [SEED]: deterministic test data (Debian's python3).
#   train     x ~ N(0,1), y in 0..9, cat in a/b/c
#   logs      the same distribution with the log metadata columns, two
#             extra columns, and, when KIND is "badlogs", 6 unparsable
#             x (row 11, 21, ... 61), a NaN x (row 71), an inf y (row 81),
#             a long row (row 91), and 10 rows each of another
#             model_name (rows 6, 56, ...) and model_version (rows 8, ...)
#   drifted   x ~ N(2,1), y in 5..14, cat in c/d
gen() {
	/usr/bin/python3 - "$@" <<'EOF'
import random, sys
kind, path = sys.argv[1], sys.argv[2]
n = int(sys.argv[3]) if len(sys.argv) > 3 else 500
random.seed(int(sys.argv[4]) if len(sys.argv) > 4 else 1)
with open(path, "w") as f:
    if kind == "train":
        f.write("x,y,cat\n")
        for i in range(n):
            f.write("%.4f,%d,%s\n" % (random.gauss(0, 1), random.randint(0, 9), random.choice("abc")))
    elif kind == "drifted":
        f.write("x,y,cat\n")
        for i in range(n):
            f.write("%.4f,%d,%s\n" % (random.gauss(2, 1), random.randint(5, 14), random.choice("cd")))
    else:
        bad = kind == "badlogs"
        f.write("timestamp,model_name,model_version,request_id,x,y,cat,extra1,extra2\n")
        for i in range(n):
            x = "%.4f" % random.gauss(0, 1)
            y = str(random.randint(0, 9))
            c = random.choice("abc")
            mn, mv = "m", "v1"
            if bad:
                if i in (10, 20, 30, 40, 50, 60): x = "oops"
                if i == 70: x = "NaN"
                if i == 80: y = "inf"
                if i % 50 == 5: mn = "other"
                if i % 50 == 7: mv = "v0"
            line = "2025-03-01T10:%02d:00Z,%s,%s,r%d,%s,%s,%s,e,%d" % (i % 60, mn, mv, i, x, y, c, i)
            if bad and i == 90:
                line = "2025-03-01T10:30:00Z,m,v1,r90,1.0,3,a,e,90,9"
            f.write(line + "\n")
EOF
}

gen train "$D/train.csv" 1000 1
run baseline --model m --version v1 --input "$D/train.csv"
expect "baseline" 0 "Baseline for m v1: 1000 rows, 3 features \(2 numeric, 1 categorical\)"

# ---- a few bad rows and values: the run goes on -----------------------------
gen badlogs "$D/bad.csv" 500 2
run detect --model m --version v1 --input "$D/bad.csv" --no-write
expect "bad rows: the run goes on" 0 "Samples analyzed: 479$"
expect "bad rows: summary" 0 "Overall drift detected: NO"
run detect --model m --version v1 --input "$D/bad.csv" --no-write --format json
expect "bad rows: JSON" 0
json_check "bad rows: rows_skipped" 'd["rows_skipped"] == 1'
json_check "bad rows: rows_filtered (other model_name / model_version)" 'd["rows_filtered"] == 20'
json_check "bad rows: samples" 'd["samples"] == 479'
json_check "bad rows: invalid count of x" \
	'[f["current"]["invalid"] for f in d["features"] if f["name"] == "x"] == [7]'
json_check "bad rows: invalid rate of x" \
	'[round(f["current"]["invalid_rate"], 6) for f in d["features"] if f["name"] == "x"] == [round(7 / 479, 6)]'
json_check "bad rows: invalid count of y" \
	'[f["current"]["invalid"] for f in d["features"] if f["name"] == "y"] == [1]'
json_check "bad rows: x is still compared" \
	'[f["current"]["count"] for f in d["features"] if f["name"] == "x"] == [472] and
	 all(f["status"] == "none" for f in d["features"])'
json_check "bad rows: INVALID_VALUES alert for x (1.5%)" \
	'[(a["severity"], a["feature"]) for a in d["alerts"] if a["code"] == "INVALID_VALUES"] == [("WARNING", "x")]'
json_check "bad rows: the alert gives the rate and an example" \
	'any("1.5%" in a["message"] and "oops" in a["message"] for a in d["alerts"])'
json_check "bad rows: one short row in 500 is no alert" \
	'not any(a["code"] == "MALFORMED_ROWS" for a in d["alerts"])'
json_check "bad rows: extra columns ignored and listed" \
	'sorted(d["ignored_columns"]) == ["extra1", "extra2"]'
json_check "bad rows: no verdict change" 'd["drift_detected"] is False and d["status"] == "ok"'

# The same file in the store's hour partitions, next to an empty file (a
# writer that has not written yet) and a non-data file.
H=$T/store/inference-logs/year=2025/month=03/day=01/hour=10
mkdir -p "$H"
cp "$D/bad.csv" "$H/part-0.csv"
: >"$H/part-1.csv"
echo "not data" >"$H/_SUCCESS"
run detect --model m --version v1 --at 2025-03-01T11:00:00Z --window-hours 1 --format json
expect "store window with bad rows" 0
json_check "store window: the same counts" \
	'(d["samples"], d["rows_skipped"], d["rows_filtered"]) == (479, 1, 20) and
	 d["window"] == {"start": "2025-03-01T10:00:00Z", "end": "2025-03-01T11:00:00Z"}'
check "store window: report written" test -s "$T/store/drift-reports/m/latest.json"
stdout_json=$out
out=$(cat "$T/store/drift-reports/m/latest.json")
if [ "$out" = "$stdout_json" ]; then ok; else not_ok "detect --format json differs from latest.json"; fi
json_check "latest.json: INVALID_VALUES alert" 'any(a["code"] == "INVALID_VALUES" for a in d["alerts"])'
# Logs exported compressed (Spark's part-*.csv.gz, zstd) are read too.
H2=$T/store/inference-logs/year=2025/month=03/day=01/hour=12
mkdir -p "$H2"
gzip -c "$D/bad.csv" >"$H2/part-0.csv.gz"
run detect --model m --version v1 --at 2025-03-01T13:00:00Z --window-hours 1 --format json --no-write
expect "store window of .csv.gz logs" 0
json_check "store window of .csv.gz logs: the same counts" \
	'(d["samples"], d["rows_skipped"], d["rows_filtered"]) == (479, 1, 20)'

# ---- --strict: each of these is an error naming file, row, column ------------------
run detect --model m --version v1 --input "$D/bad.csv" --no-write --strict
expect_err "--strict: long row" 1 "^driftmon: cannot read: '$D/bad\.csv': row 91, expected 9 fields, found 10$"

head -n 40 "$D/bad.csv" >"$D/strict1.csv"
run detect --model m --version v1 --input "$D/strict1.csv" --no-write --strict
expect_err "--strict: unparsable number" 1 "^driftmon: cannot read: '$D/strict1\.csv': row 11, column 'x': not a number: 'oops'$"
{ head -n 1 "$D/bad.csv"; sed -n '70,73p' "$D/bad.csv"; } >"$D/strict2.csv"
run detect --model m --version v1 --input "$D/strict2.csv" --no-write --strict
expect_err "--strict: NaN" 1 "^driftmon: cannot read: '$D/strict2\.csv': row 3, column 'x': NaN is not allowed with --strict"
{ head -n 1 "$D/bad.csv"; sed -n '80,83p' "$D/bad.csv"; } >"$D/strict3.csv"
run detect --model m --version v1 --input "$D/strict3.csv" --no-write --strict
expect_err "--strict: infinity" 1 "^driftmon: cannot read: '$D/strict3\.csv': row 3, column 'y': an infinite value is not allowed with --strict"
# Bad values in rows of another model are not this model's problem.
{ head -n 1 "$D/bad.csv"; echo "2025-03-01T10:00:00Z,other,v1,r1,oops,1,a,e,1"; sed -n '2,5p' "$D/bad.csv"; } >"$D/strict4.csv"
run detect --model m --version v1 --input "$D/strict4.csv" --no-write --strict
expect "--strict: bad value in another model's row" 0 "Samples analyzed: 4$"
run detect --model m --version v1 --at 2025-03-01T11:00:00Z --window-hours 1 --no-write --strict
expect_err "--strict: store window" 1 "^driftmon: cannot read logs: '$H/part-0\.csv': row 91, expected 9 fields, found 10$"

# ---- the 1% rate ------------------------------------------------------------------
gen logs "$D/ok200.csv" 200 3
awk -F, -v OFS=, 'NR == 10 || NR == 20 { $5 = "bad" } 1' "$D/ok200.csv" >"$D/inv1.csv"
awk -F, -v OFS=, 'NR == 10 || NR == 20 || NR == 30 { $5 = "bad" } 1' "$D/ok200.csv" >"$D/inv15.csv"
run detect --model m --version v1 --input "$D/inv1.csv" --no-write --format json
json_check "1.0% invalid: no alert" 'not any(a["code"] == "INVALID_VALUES" for a in d["alerts"])'
run detect --model m --version v1 --input "$D/inv15.csv" --no-write --format json
json_check "1.5% invalid: alert" '[a["feature"] for a in d["alerts"] if a["code"] == "INVALID_VALUES"] == ["x"]'

awk -F, -v OFS=, 'NR > 1 && NR % 10 == 0 { print $0, "x"; next } 1' "$D/ok200.csv" >"$D/malformed.csv"
run detect --model m --version v1 --input "$D/malformed.csv" --no-write --format json
expect "10% malformed rows: the run goes on" 0
json_check "10% malformed rows: MALFORMED_ROWS alert" \
	'd["rows_skipped"] == 20 and d["samples"] == 180 and
	 [a["severity"] for a in d["alerts"] if a["code"] == "MALFORMED_ROWS"] == ["WARNING"]'

# A numeric feature that arrives as text: every value invalid, an alert.
awk -F, -v OFS=, 'NR > 1 { $6 = "high" } 1' "$D/ok200.csv" >"$D/ytext.csv"
run detect --model m --version v1 --input "$D/ytext.csv" --no-write --format json
expect "numeric feature full of text" 0
json_check "numeric feature full of text: 100% invalid" \
	'[(f["current"]["invalid"], f["status"]) for f in d["features"] if f["name"] == "y"] == [(200, "not_compared")] and
	 any(a["code"] == "INVALID_VALUES" and a["feature"] == "y" and "100.0%" in a["message"] for a in d["alerts"])'

# ---- columns ------------------------------------------------------------------------
cut -d, -f1-5,7- "$D/ok200.csv" >"$D/noy.csv"
run detect --model m --version v1 --input "$D/noy.csv" --no-write --format json
expect "baseline feature missing from the logs" 0
json_check "FEATURE_MISSING alert" \
	'[(a["severity"], a["feature"]) for a in d["alerts"] if a["code"] == "FEATURE_MISSING"] == [("WARNING", "y")]'
json_check "missing feature: not compared" \
	'[f["status"] for f in d["features"] if f["name"] == "y"] == ["not_compared"]'
run detect --model m --version v1 --input "$D/noy.csv" --no-write
# FEATURE_MISSING, and SCHEMA_NEW_COLUMN for extra1 and extra2
expect "missing feature: the alert counts" 0 "^Alerts: 2 \(0 CRITICAL, 2 WARNING\)$"

awk -F, -v OFS=, '{ print $7, $6, $5, $9, $1 }' "$D/ok200.csv" >"$D/reordered.csv"
run detect --model m --version v1 --input "$D/reordered.csv" --no-write --format json
json_check "columns in another order" \
	'd["samples"] == 200 and d["drift_detected"] is False and d["ignored_columns"] == ["extra2"] and
	 all(f["current"]["count"] == 200 for f in d["features"])'

printf 'p,q\n' >"$D/foreign.csv"
for i in $(seq 1 200); do echo "$i,$i"; done >>"$D/foreign.csv"
run detect --model m --version v1 --input "$D/foreign.csv" --no-write
expect_err "detect: no shared feature" 1 "^driftmon: cannot compare '$D/foreign\.csv' with the baseline: the current data shares no feature with the baseline \(baseline features: x, y, cat; current columns: p, q\)$"
run compare --reference "$D/train.csv" --current "$D/foreign.csv"
expect_err "compare: no shared feature" 1 "^driftmon: cannot compare '$D/foreign\.csv' with '$D/train\.csv': the current data shares no feature"

# ---- rows of other models, too few rows ---------------------------------------------
sed 's/,m,v1,/,other,v1,/' "$D/ok200.csv" >"$D/othermodel.csv"
run detect --model m --version v1 --input "$D/othermodel.csv" --no-write --format json
json_check "rows of another model filtered out" \
	'd["samples"] == 0 and d["rows_filtered"] == 200 and d["status"] == "insufficient_data" and
	 d["drift_detected"] is False'

gen drifted "$D/drifted.csv" 2000 4
head -n 51 "$D/drifted.csv" >"$D/few.csv"
run detect --model m --version v1 --input "$D/few.csv" --no-write --fail-on-drift
expect "insufficient data: exit 0 even with --fail-on-drift" 0 "^Overall drift detected: UNKNOWN \(insufficient data: 50 < 100 samples\)$"
expect "insufficient data: one WARNING" 0 "^Alerts: 1 \(0 CRITICAL, 1 WARNING\)$"
run detect --model m --version v1 --input "$D/few.csv" --no-write --format json
json_check "insufficient data: JSON" \
	'd["status"] == "insufficient_data" and d["drift_detected"] is False and d["drift_score"] == 0 and
	 d["features_drifted"] == 0 and [a["code"] for a in d["alerts"]] == ["INSUFFICIENT_DATA"] and
	 all(f["drifted"] is False for f in d["features"])'
DRIFT_MIN_SAMPLES=5000 run detect --model m --version v1 --input "$D/drifted.csv" --no-write
expect "DRIFT_MIN_SAMPLES=5000: insufficient" 0 "insufficient data: 2000 < 5000 samples"
run detect --model m --version v1 --input "$D/drifted.csv" --no-write --min-samples 5000
expect "--min-samples 5000: insufficient" 0 "insufficient data: 2000 < 5000 samples"
run compare --reference "$D/train.csv" --current "$D/few.csv" --fail-on-drift
expect "compare, too few rows" 0 "UNKNOWN \(insufficient data: 50 < 100 samples\)"

# ---- --fail-on-drift ------------------------------------------------------------------
run detect --model m --version v1 --input "$D/drifted.csv" --fail-on-drift
expect "--fail-on-drift with drift: exit 3" 3 "^Overall drift detected: YES$"
expect "--fail-on-drift: the summary still printed" 3 "^Alerts: [0-9]+ \(1 CRITICAL, [0-9]+ WARNING\)$"
check "--fail-on-drift: the report still written" test -s "$T/store/drift-reports/m/latest.json"
run detect --model m --version v1 --input "$D/drifted.csv" --no-write
expect "drift without --fail-on-drift: exit 0" 0 "^Overall drift detected: YES$"
run detect --model m --version v1 --input "$D/ok200.csv" --no-write --fail-on-drift
expect "--fail-on-drift without drift: exit 0" 0 "^Overall drift detected: NO$"
run compare --reference "$D/train.csv" --current "$D/drifted.csv" --fail-on-drift --format json
expect "compare --fail-on-drift: exit 3" 3
json_check "compare --fail-on-drift: the JSON still printed" 'd["drift_detected"] is True'
run compare --reference "$D/train.csv" --current "$D/drifted.csv"
expect "compare with drift: exit 0" 0 "^Drifted features: "

# ---- compare --format json: the report object -----------------------------------------
run compare --reference "$D/train.csv" --current "$D/bad.csv" --format json
expect "compare --format json" 0
json_check "compare JSON: top-level fields" \
	'all(k in d for k in ("report_version", "model", "model_version", "generated_at", "window",
	 "samples", "drift_detected", "drift_score", "features_drifted", "features_total",
	 "alerts", "features", "rows_skipped", "rows_filtered", "ignored_columns"))'
json_check "compare JSON: types" \
	'isinstance(d["report_version"], int) and isinstance(d["samples"], int) and
	 isinstance(d["drift_detected"], bool) and 0 <= d["drift_score"] <= 1 and
	 set(d["window"]) == {"start", "end"} and d["generated_at"].endswith("Z")'
json_check "compare JSON: alerts" \
	'all(set(a) >= {"severity", "code", "message", "feature"} and a["severity"] in ("CRITICAL", "WARNING")
	 for a in d["alerts"]) and len(d["alerts"]) >= 1'
json_check "compare JSON: features" \
	'[f["name"] for f in d["features"]] == ["x", "y", "cat"] and
	 all(set(f) >= {"name", "type", "status", "drifted", "psi", "ks_statistic", "ks_pvalue", "baseline", "current"}
	 for f in d["features"])'
json_check "compare JSON: numeric sides" \
	'all(set(f[s]) >= {"count", "missing_rate", "mean", "std", "quantiles", "bin_proportions"}
	 and abs(sum(f[s]["bin_proportions"]) - 1) < 1e-9
	 for f in d["features"] if f["type"] == "numeric" for s in ("baseline", "current"))'
json_check "compare JSON: numeric statistics" \
	'all(0 <= f["ks_statistic"] <= 1 and 0 <= f["ks_pvalue"] <= 1 and f["psi"] >= 0
	 for f in d["features"] if f["type"] == "numeric")'
json_check "compare JSON: categorical sides" \
	'[sorted(f["baseline"]["categories"]) for f in d["features"] if f["type"] == "categorical"] == [["a", "b", "c"]]'
json_check "compare JSON: bad rows counted (the current is lenient)" \
	'(d["samples"], d["rows_skipped"]) == (500 - 1, 1)'

# The reference is profiled like training data: a NaN there is an error.
{ cat "$D/train.csv"; echo "NaN,1,a"; } >"$D/ref_nan.csv"
run compare --reference "$D/ref_nan.csv" --current "$D/train.csv"
expect_err "compare: NaN in the reference" 1 "^driftmon: cannot read: '$D/ref_nan\.csv': row 1001, column 'x': NaN is not allowed in training data"
run compare --reference "$D/train.csv" --current "$D/nope.csv"
expect_err "compare: missing current file" 1 "^driftmon: cannot read: '$D/nope\.csv': cannot open: No such file or directory$"
: >"$D/empty.csv"
run compare --reference "$D/train.csv" --current "$D/empty.csv"
expect_err "compare: empty current file" 1 "^driftmon: cannot read: '$D/empty\.csv': file is empty$"
finish
