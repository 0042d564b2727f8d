#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The original system's four settings move the verdict in the documented
# direction (docs/drift-decision.md), as environment variables and as
# flags (a flag wins over the variable):
#   DRIFT_PSI_THRESHOLD / --psi-threshold: PSI above it (and a significant
#     Holm-adjusted test) = drift; lower flags more, higher fewer, 5 none
#     of these shifts;
#   DRIFT_SCORE_CRITICAL_THRESHOLD / --critical-threshold: a score at or
#     above it is CRITICAL;
#   DRIFT_MIN_SAMPLES / --min-samples: fewer rows = no verdict;
#   DRIFT_ANALYSIS_WINDOW_HOURS / --window-hours: the hours read.
. "$(dirname "$0")/lib.sh"

# reference: 4000 rows; current: 1000 rows.  Three categorical columns
# shift from 50/50 to 64/36 (PSI ~0.08), 70/30 (~0.17) and 80/20 (~0.42),
# every one significant; three numeric columns do not change.
/usr/bin/python3 - "$T" <<'EOF'
import random, sys
d = sys.argv[1]
rng = random.Random(20261204)
def column(n, share_a):
    v = ["a"] * round(n * share_a) + ["b"] * (n - round(n * share_a))
    rng.shuffle(v)
    return v
def write(path, n, shares):
    cols = [column(n, s) for s in shares]
    with open(path, "w") as f:
        f.write("plan_s,plan_m,plan_l,x,y,z\n")
        for i in range(n):
            f.write("%s,%s,%s,%.5f,%.5f,%d\n" % (cols[0][i], cols[1][i], cols[2][i],
                    rng.gauss(0, 1), rng.expovariate(1.0), rng.randrange(10)))
write(d + "/ref.csv", 4000, (0.5, 0.5, 0.5))
write(d + "/cur.csv", 1000, (0.64, 0.70, 0.80))
EOF

# cmp_json NAME ARGS... -- runs compare --format json with ARGS (the
# caller may set variables in front of the call)
cmp_json() {
	run compare --reference "$T/ref.csv" --current "$T/cur.csv" --format json "$@"
}

# ---- DRIFT_PSI_THRESHOLD ----------------------------------------------------
cmp_json
expect "default threshold" 0
json_check "default 0.2: only the 0.42 shift drifts, the 0.17 one is minor" \
	'd["thresholds"]["psi"] == 0.2 and d["features_drifted"] == 1 and
	 [f["status"] for f in d["features"][:3]] == ["minor", "minor", "drift"] and
	 not any(f["drifted"] for f in d["features"][3:])'
json_check "every shift is significant after Holm" \
	'all(f["pvalue_adjusted"] < 0.01 for f in d["features"][:3])'
for v in 0.05:3 0.1:2 0.2:1 5:0; do
	thr=${v%:*} want=${v#*:}
	cmp_json --psi-threshold "$thr"
	expect "--psi-threshold $thr" 0
	json_check "--psi-threshold $thr: $want drifted" \
		"d['thresholds']['psi'] == $thr and d['features_drifted'] == $want and d['drift_detected'] == ($want > 0)"
	DRIFT_PSI_THRESHOLD=$thr cmp_json
	expect "DRIFT_PSI_THRESHOLD=$thr" 0
	json_check "DRIFT_PSI_THRESHOLD=$thr: $want drifted" \
		"d['thresholds']['psi'] == $thr and d['features_drifted'] == $want"
done
DRIFT_PSI_THRESHOLD=5 cmp_json --psi-threshold 0.05
json_check "the flag wins over DRIFT_PSI_THRESHOLD" 'd["features_drifted"] == 3'
cmp_json --psi-threshold 5
json_check "threshold 5: shifts above the minor band stay 'minor'" \
	'[f["status"] for f in d["features"][:3]] == ["minor", "minor", "minor"]'
# the summary says the same
run compare --reference "$T/ref.csv" --current "$T/cur.csv" --psi-threshold 0.05
expect "summary at 0.05" 0 "^Features drifted: 3/6$"
run compare --reference "$T/ref.csv" --current "$T/cur.csv" --psi-threshold 5
expect "summary at 5" 0 "^Overall drift detected: NO$"

# ---- DRIFT_SCORE_CRITICAL_THRESHOLD -------------------------------------------
# at --psi-threshold 0.1 the score is 2/6 = 33.3%
codes='[a["code"] for a in d["alerts"] if a["feature"] is None]'
cmp_json --psi-threshold 0.1
json_check "score 2/6 below the default 0.5: a WARNING" \
	"abs(d['drift_score'] - 1/3) < 1e-12 and $codes == ['DRIFT_DETECTED']"
cmp_json --psi-threshold 0.1 --critical-threshold 0.3
json_check "--critical-threshold 0.3: CRITICAL" "$codes == ['DRIFT_CRITICAL']"
DRIFT_SCORE_CRITICAL_THRESHOLD=0.3 cmp_json --psi-threshold 0.1
json_check "DRIFT_SCORE_CRITICAL_THRESHOLD=0.3: CRITICAL" "$codes == ['DRIFT_CRITICAL']"
DRIFT_SCORE_CRITICAL_THRESHOLD=0.34 cmp_json --psi-threshold 0.1
json_check "DRIFT_SCORE_CRITICAL_THRESHOLD=0.34: a WARNING" "$codes == ['DRIFT_DETECTED']"
cmp_json --psi-threshold 0.05
json_check "score 3/6 at the default 0.5: CRITICAL (at or above)" \
	"d['drift_score'] == 0.5 and $codes == ['DRIFT_CRITICAL']"
DRIFT_SCORE_CRITICAL_THRESHOLD=0.3 cmp_json --psi-threshold 0.05 --critical-threshold 0.6
json_check "the flag wins over DRIFT_SCORE_CRITICAL_THRESHOLD" "$codes == ['DRIFT_DETECTED']"

# ---- DRIFT_MIN_SAMPLES ----------------------------------------------------------
cmp_json --min-samples 1000
json_check "--min-samples 1000 (= rows): a verdict" 'd["status"] == "drift" and d["drift_detected"]'
cmp_json --min-samples 1001
json_check "--min-samples 1001: no verdict" \
	'd["status"] == "insufficient_data" and not d["drift_detected"] and
	 [a["code"] for a in d["alerts"]] == ["INSUFFICIENT_DATA"]'
DRIFT_MIN_SAMPLES=1001 cmp_json
json_check "DRIFT_MIN_SAMPLES=1001: no verdict" 'd["status"] == "insufficient_data"'
DRIFT_MIN_SAMPLES=1000 cmp_json
json_check "DRIFT_MIN_SAMPLES=1000: a verdict" 'd["status"] == "drift"'
DRIFT_MIN_SAMPLES=1001 cmp_json --min-samples 10
json_check "the flag wins over DRIFT_MIN_SAMPLES" 'd["status"] == "drift"'

# ---- the same through the store: baseline + detect ----------------------------------
run baseline --model m --version v1 --input "$T/ref.csv"
expect "baseline" 0
DRIFT_PSI_THRESHOLD=0.05 run detect --model m --version v1 --input "$T/cur.csv" --no-write
expect "detect, DRIFT_PSI_THRESHOLD=0.05" 0 "^Features drifted: 3/6$"
DRIFT_PSI_THRESHOLD=5 run detect --model m --version v1 --input "$T/cur.csv" --no-write
expect "detect, DRIFT_PSI_THRESHOLD=5" 0 "^Overall drift detected: NO$"
DRIFT_MIN_SAMPLES=5000 run detect --model m --version v1 --input "$T/cur.csv" --no-write
expect "detect, DRIFT_MIN_SAMPLES=5000" 0 "insufficient data: 1000 < 5000 samples"

# ---- DRIFT_ANALYSIS_WINDOW_HOURS ----------------------------------------------------
# Six hours of logs at 400 rows an hour: the four older hours drifted
# (mean shift of 1 sd), the last two not.  A 2-hour window sees no drift,
# a 6-hour window sees it; one hour of 400 rows with DRIFT_MIN_SAMPLES=500
# has too few rows.
run synth --rows 5000 --hours 6 --rows-per-hour 400 --magnitude 1.0 \
	--end 2025-12-24T18:00:00Z --seed 7 --model w --version v1
expect "synth drifted hours" 0
run synth --logs --scenario none --hours 2 --rows-per-hour 400 \
	--end 2025-12-24T18:00:00Z --seed 8 --model w --version v1
expect "synth the last two hours without drift" 0
run baseline --model w --version v1 --input "$T/store/training-data/w/train.parquet"
expect "baseline w" 0
at=2025-12-24T18:00:00Z
for v in 2:800:NO 6:2400:YES; do
	IFS=: read -r h n verdict <<<"$v"
	run detect --model w --version v1 --at $at --window-hours "$h" --no-write
	expect "--window-hours $h: $n samples" 0 "^Samples analyzed: $n$"
	expect "--window-hours $h: drift $verdict" 0 "^Overall drift detected: $verdict$"
	DRIFT_ANALYSIS_WINDOW_HOURS=$h run detect --model w --version v1 --at $at --no-write
	expect "DRIFT_ANALYSIS_WINDOW_HOURS=$h: $n samples" 0 "^Samples analyzed: $n$"
	expect "DRIFT_ANALYSIS_WINDOW_HOURS=$h: drift $verdict" 0 "^Overall drift detected: $verdict$"
done
DRIFT_ANALYSIS_WINDOW_HOURS=2 run detect --model w --version v1 --at $at --window-hours 6 --no-write
expect "the flag wins over DRIFT_ANALYSIS_WINDOW_HOURS" 0 "^Samples analyzed: 2400$"
DRIFT_MIN_SAMPLES=500 run detect --model w --version v1 --at $at --window-hours 1 --no-write
expect "one hour of 400 rows < 500: no verdict" 0 "insufficient data: 400 < 500 samples"
finish
