#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Ground truth: `driftmon labels` stores label records as hourly Parquet
# partitions; `detect` joins them with the window's predictions by model,
# version and request id within the maximum delay and reports the
# measured performance, equal to scikit-learn's on the same pairs.
. "$(dirname "$0")/lib.sh"

D=$T/data
mkdir -p "$D"
LOGS=$DRIFTMON_STORE/inference-logs/year=2025/month=03/day=01

# gen: training data, one hour of logs per model and the label files, and
# the expected metrics (sklearn) of the predictions that have a label in
# time: binary model "b" (scores), multiclass model "c" (class names),
# regression model "r".
/usr/bin/python3 - "$D" "$LOGS" <<'PY'
import json, math, os, random, sys
from sklearn.metrics import (accuracy_score, f1_score, mean_absolute_error,
                             r2_score, roc_auc_score)
d, logs = sys.argv[1], sys.argv[2]
random.seed(5)
os.makedirs(logs + "/hour=10", exist_ok=True)
exp = {}
def sig(z): return 1 / (1 + math.exp(-z))
with open(d + "/train_b.csv", "w") as f:
    f.write("x,score\n")
    for i in range(400):
        x = random.gauss(0, 1); f.write("%.4f,%.4f\n" % (x, sig(2 * x)))
with open(d + "/train_c.csv", "w") as f:
    f.write("x,animal\n")
    for i in range(400):
        f.write("%.4f,%s\n" % (random.gauss(0, 1), random.choice(["cat", "dog", "eel"])))
with open(d + "/train_r.csv", "w") as f:
    f.write("x,price\n")
    for i in range(400):
        x = random.gauss(0, 1); f.write("%.4f,%.4f\n" % (x, 3 * x + 10))
lab = open(d + "/labels.csv", "w")
lab.write("request_id,model_name,model_version,label,timestamp\n")
# binary: 300 predictions; 200 labelled in time, 30 labelled 5 hours late
# (2 h 10 min to 2 h 39 min after the prediction; the test uses a 2-hour delay), one relabelled (the latest counts), and
# labels of another version and model with the same ids (ignored)
y, p = [], []
with open(logs + "/hour=10/b.csv", "w") as f:
    f.write("timestamp,model_name,model_version,request_id,x,score\n")
    for i in range(300):
        x = random.gauss(0, 1); s = sig(2 * x)
        f.write("2025-03-01T10:%02d:00Z,b,v1,q%d,%.4f,%.4f\n" % (i % 60, i, x, s))
        t = 1 if random.random() < s else 0
        if i < 200:
            if i == 7:
                lab.write("q7,b,v1,%d,2025-03-01T10:30:00Z\n" % (1 - t))
            lab.write("q%d,b,v1,%d,2025-03-01T11:%02d:00Z\n" % (i, t, i % 60))
            lab.write("q%d,b,v2,%d,2025-03-01T11:00:00Z\n" % (i, 1 - t))
            lab.write("q%d,other,v1,%d,2025-03-01T11:00:00Z\n" % (i, 1 - t))
            y.append(t); p.append(float("%.4f" % s))
        elif i < 230:
            lab.write("q%d,b,v1,%d,2025-03-01T12:59:00Z\n" % (i, t))
exp["b"] = dict(n=len(y), acc=accuracy_score(y, [int(v >= 0.5) for v in p]),
                auc=roc_auc_score(y, p), f1=f1_score(y, [int(v >= 0.5) for v in p]))
# multiclass: every prediction labelled
y, p = [], []
with open(logs + "/hour=10/c.csv", "w") as f:
    f.write("timestamp,model_name,model_version,request_id,x,animal\n")
    for i in range(150):
        a = random.choice(["cat", "dog", "eel"])
        t = a if random.random() < 0.7 else random.choice(["cat", "dog", "eel"])
        f.write("2025-03-01T10:%02d:00Z,c,v1,k%d,%.4f,%s\n" % (i % 60, i, random.gauss(0, 1), a))
        lab.write("k%d,c,v1,%s,2025-03-01T12:00:00Z\n" % (i, t))
        y.append(t); p.append(a)
exp["c"] = dict(n=len(y), acc=accuracy_score(y, p), f1=f1_score(y, p, average="macro"))
# regression
y, p = [], []
with open(logs + "/hour=10/r.csv", "w") as f:
    f.write("timestamp,model_name,model_version,request_id,x,price\n")
    for i in range(120):
        x = random.gauss(0, 1); pr = round(3 * x + 10, 4); t = round(pr + random.gauss(0, 1), 4)
        f.write("2025-03-01T10:%02d:00Z,r,v1,z%d,%.4f,%.4f\n" % (i % 60, i, x, pr))
        lab.write("z%d,r,v1,%.4f,2025-03-01T10:59:00Z\n" % (i, t))
        y.append(t); p.append(pr)
exp["r"] = dict(n=len(y), mae=mean_absolute_error(y, p), r2=r2_score(y, p))
# reference performance: a validation set of the binary model, and two
# more models of the same kind: "d" whose labels follow a shifted concept
# (measured drop; CBPE cannot see it), "e" whose window has no labels
# but scores near 0.5 (estimated drop)
with open(d + "/validation.csv", "w") as f:
    f.write("label,score\n")
    for i in range(4000):
        x = random.gauss(0, 1); s = sig(2 * x)
        f.write("%d,%.4f\n" % (1 if random.random() < s else 0, s))
for m, shift, scale, labelled in (("d", -2.0, 2.0, True), ("e", 0.0, 0.3, False)):
    with open(d + "/train_%s.csv" % m, "w") as f:
        f.write("x,score\n")
        for i in range(400):
            x = random.gauss(0, 1); f.write("%.4f,%.4f\n" % (x, sig(2 * x)))
    with open(logs + "/hour=10/%s.csv" % m, "w") as f:
        f.write("timestamp,model_name,model_version,request_id,x,score\n")
        for i in range(1500):
            x = random.gauss(0, 1); s = sig(scale * x)
            f.write("2025-03-01T10:%02d:00Z,%s,v1,%s%d,%.4f,%.4f\n" % (i % 60, m, m, i, x, s))
            if labelled:
                t = 1 if random.random() < sig(2 * x + shift) else 0
                lab.write("%s%d,%s,v1,%d,2025-03-01T11:00:00Z\n" % (m, i, m, t))
lab.close()
json.dump(exp, open(d + "/expected.json", "w"))
PY

for m in b c r; do
	run baseline --model $m --version v1 --input "$D/train_$m.csv"
	expect "baseline $m" 0 "Baseline for $m v1"
done
run labels --input "$D/labels.csv"
expect "labels stored" 0 "^Stored 2401 labels in 3 hour files \(2025-03-01T10:00:00Z \.\. 2025-03-01T12:00:00Z\), tag labels$"
check "labels: hourly Parquet partitions" test -f "$DRIFTMON_STORE/labels/year=2025/month=03/day=01/hour=11/labels-labels.parquet"
run parquet cat "$DRIFTMON_STORE/labels/year=2025/month=03/day=01/hour=12/labels-labels.parquet"
expect "labels: readable Parquet" 0 "^q200,b,v1,[01],2025-03-01T12:59:00Z$"

# a Parquet label file (the stored partition itself) imports the same
# records under another tag
cp "$DRIFTMON_STORE/labels/year=2025/month=03/day=01/hour=12/labels-labels.parquet" "$D/h12.parquet"
run labels --input "$D/h12.parquet"
expect "labels from Parquet" 0 "^Stored 180 labels in 1 hour file \(2025-03-01T12:00:00Z \.\. 2025-03-01T12:00:00Z\), tag h12$"
run parquet cat "$DRIFTMON_STORE/labels/year=2025/month=03/day=01/hour=12/labels-h12.parquet"
expect "labels from Parquet: same records" 0 "^q200,b,v1,[01],2025-03-01T12:59:00Z$"
run labels --input "$D/h12.parquet"
expect "labels: the same tag replaces" 0 "tag h12$"
check "labels: one file per tag" test "$(ls "$DRIFTMON_STORE/labels/year=2025/month=03/day=01/hour=12/" | wc -l)" -eq 2

E=$D/expected.json
run detect --model b --version v1 --at 2025-03-01T11:00:00Z --no-write \
	--prediction-column score --label-max-delay-hours 2 --format json
expect "detect b json" 0
json_check "binary: counts" "d['performance']['predictions'] == 300 and d['performance']['labelled'] == 200 and d['performance']['labels_late'] == 30 and d['performance']['task'] == 'binary_score'"
json_check "binary: metrics equal sklearn" "(lambda e, q: abs(q['accuracy'] - e['acc']) < 1e-12 and abs(q['roc_auc'] - e['auc']) < 1e-12 and abs(q['classes'][1]['f1'] - e['f1']) < 1e-12)(json.load(open('$E'))['b'], d['performance'])"
run detect --model b --version v1 --at 2025-03-01T11:00:00Z --no-write \
	--prediction-column score --label-max-delay-hours 2
expect "binary: summary lines" 0 "Predictions with labels: 200/300 \(max delay 2h; 30 labels later\)"
expect "binary: summary metrics" 0 "^Performance: accuracy 0\.[0-9]{4}, F1 0\.[0-9]{4}, ROC AUC 0\.[0-9]{4}$"
run detect --model b --version v1 --at 2025-03-01T11:00:00Z --no-write \
	--prediction-column score --format json
json_check "binary: a longer delay takes the late labels" "d['performance']['labelled'] == 230 and d['performance']['labels_late'] == 0"

run detect --model b --version v1 --at 2025-03-01T11:00:00Z --no-write \
	--prediction-column score --label-max-delay-hours 2 --format none \
	--metrics-file "$D/b.prom"
expect "binary: metrics file" 0
check "metrics: labelled count" grep -qx 'driftmon_model_predictions_labelled{model="b",model_version="v1"} 200' "$D/b.prom"
check "metrics: late count" grep -qx 'driftmon_model_labels_late{model="b",model_version="v1"} 30' "$D/b.prom"
check "metrics: ROC AUC" grep -qE '^driftmon_model_metric\{model="b",model_version="v1",metric="roc_auc"\} 0\.[0-9]+$' "$D/b.prom"

run detect --model c --version v1 --at 2025-03-01T11:00:00Z --no-write \
	--prediction-column animal --format json
json_check "multiclass: metrics equal sklearn" "(lambda e, q: q['task'] == 'classification' and q['labelled'] == e['n'] and abs(q['accuracy'] - e['acc']) < 1e-12 and abs(q['macro']['f1'] - e['f1']) < 1e-12 and [c['class'] for c in q['classes']] == ['cat', 'dog', 'eel'])(json.load(open('$E'))['c'], d['performance'])"

run detect --model r --version v1 --at 2025-03-01T11:00:00Z --no-write \
	--prediction-column price --format json
json_check "regression: metrics equal sklearn" "(lambda e, q: q['task'] == 'regression' and q['labelled'] == e['n'] and abs(q['mae'] - e['mae']) < 1e-9 and abs(q['r2'] - e['r2']) < 1e-9)(json.load(open('$E'))['r'], d['performance'])"

# the reference performance (a validation set) and the drop rule
for m in d e; do
	run baseline --model $m --version v1 --input "$D/train_$m.csv"
	expect "baseline $m" 0 "Baseline for $m v1"
done
for m in b d e; do
	run reference --model $m --version v1 --input "$D/validation.csv" --prediction-column score
	expect "reference $m" 0 "^Reference for $m v1: 4000 rows, accuracy 0\.[0-9]{4}, F1 0\.[0-9]{4}, ROC AUC 0\.[0-9]{4}$"
done
check "reference stored" test -f "$DRIFTMON_STORE/baselines/b/v1/reference-performance.json"
run detect --model b --version v1 --at 2025-03-01T11:00:00Z --no-write \
	--prediction-column score --format json
json_check "same model: no drop, measured or estimated" "not any(a['code'] in ('PERFORMANCE_DROP', 'ESTIMATED_PERFORMANCE_DROP') for a in d['alerts']) and d['performance']['estimated']['rows'] == 300 and abs(d['performance']['estimated']['accuracy']['value'] - d['performance']['reference']['accuracy']['value']) < 0.05"
run detect --model d --version v1 --at 2025-03-01T11:00:00Z --no-write \
	--prediction-column score --format json
json_check "concept shift: measured drop" "any(a['code'] == 'PERFORMANCE_DROP' and 'measured accuracy' in a['message'] for a in d['alerts']) and d['performance']['reference']['accuracy']['dropped']"
run detect --model d --version v1 --at 2025-03-01T11:00:00Z \
	--prediction-column score --format none
expect "concept shift: reports written" 0
check "html: performance section" grep -q '<h2 id="performance">Model performance</h2>' "$DRIFTMON_STORE/drift-reports/d/v1/latest.html"
check "html: measured F1, its drop and the estimate's band" grep -qE '<td>F1</td><td>0\.[0-9]+ <strong>\(drop\)</strong></td><td>0\.[0-9]+</td><td>0\.[0-9]+ \[0\.[0-9]+, 0\.[0-9]+\]</td>' "$DRIFTMON_STORE/drift-reports/d/v1/latest.html"
run detect --model d --version v1 --at 2025-03-01T11:00:00Z --no-write \
	--prediction-column score --format json
json_check "concept shift: CBPE does not see it" "not any(a['code'] == 'ESTIMATED_PERFORMANCE_DROP' for a in d['alerts'])"
run detect --model e --version v1 --at 2025-03-01T11:00:00Z --no-write \
	--prediction-column score --format json
json_check "unsure scores, no labels: estimated drop" "d['performance']['labelled'] == 0 and d['performance']['task'] == 'none' and any(a['code'] == 'ESTIMATED_PERFORMANCE_DROP' and 'estimated accuracy' in a['message'] for a in d['alerts'])"
run detect --model e --version v1 --at 2025-03-01T11:00:00Z --no-write \
	--prediction-column score
expect "summary: the estimate" 0 "^Estimated \(CBPE\): accuracy 0\.[0-9]{4} \[0\.[0-9]{4}, 0\.[0-9]{4}\], ROC AUC"
run reference --model b --version v1 --input "$D/labels.csv" --prediction-column request_id
expect_err "reference: not a score" 1 "^driftmon: cannot measure the reference: '$D/labels\.csv': row 1, column 'request_id': 'q0' is not a score in \[0, 1\]$"

# no labels for this model: no performance section, the summary as before
run detect --model c --version v1 --at 2025-03-05T11:00:00Z --no-write \
	--prediction-column animal --format json
json_check "no labels: no performance section" "'performance' not in d"

# bad label files: one line naming the file, row and column; nothing stored
printf 'request_id,model_name,model_version,label,timestamp\nq1,b,v1,1,2025-03-01T11:00:00Z\nq2,b,v1,1,yesterday\n' >"$D/bad.csv"
run labels --input "$D/bad.csv"
expect_err "labels: bad timestamp" 1 "^driftmon: cannot store labels: '$D/bad\.csv': row 2, column 'timestamp': not an ISO-8601 time \(YYYY-MM-DDThh:mm:ssZ\)$"
check "labels: a bad file stores nothing" test ! -e "$DRIFTMON_STORE/labels/year=2025/month=03/day=01/hour=11/labels-bad.parquet"
printf 'request_id,model_name,label,timestamp\n' >"$D/nover.csv"
run labels --input "$D/nover.csv"
expect_err "labels: missing column" 1 "^driftmon: cannot store labels: '$D/nover\.csv': no column 'model_version'"
run labels
expect_err "labels: no input" 2 "^driftmon labels: say which file: --input FILE$"
run detect --model b --version v1 --label-max-delay-hours -1
expect_err "detect: bad delay" 2 "invalid --label-max-delay-hours '-1': expected hours from 0 to 8784"
run detect --model b --version v1 --label-max-delay-hours 1e9
expect_err "detect: huge delay" 2 "invalid --label-max-delay-hours '1e9'"

# an unreadable log file is skipped by the join as by the profiling pass
printf 'PAR1 not really' >"$LOGS/hour=10/broken.parquet"
run detect --model b --version v1 --at 2025-03-01T11:00:00Z --no-write \
	--prediction-column score --format json
json_check "join: a broken log file is skipped" "d['performance']['labelled'] == 230 and any(a['code'] == 'UNREADABLE_FILES' for a in d['alerts'])"
finish
