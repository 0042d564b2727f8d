#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Reference performance and PERFORMANCE_DROP for a classifier of class
# names (accuracy, macro F1) and a regression (MAE, RMSE), each alert
# case by case; the minimum effect from the monitoring spec
# (defaults.min_performance_drop) and the flag overriding it.
. "$(dirname "$0")/lib.sh"

D=$T/data
mkdir -p "$D"
LOGS=$DRIFTMON_STORE/inference-logs/year=2025/month=03/day=01

# gen: per model a training file, a validation set (label, prediction),
# one hour of logs and its labels; the expected reference metrics
# (sklearn) in expected.json.
#   mc1 / mc2  three animals; mc1's window errs as the validation set
#              (20%), mc2's errs on 45% of rows
#   rg1 / rg2  counts: labels and predictions whole numbers, under 256
#              distinct values (the join alone would call them classes:
#              the regression reference makes them a regression); rg1 errs
#              as the validation set (sd 1), rg2 with sd 1.5
#   bs         a binary classifier whose labels follow a shifted concept
/usr/bin/python3 - "$D" "$LOGS" <<'PY'
import json, math, os, random, sys
from sklearn.metrics import accuracy_score, f1_score, mean_absolute_error, mean_squared_error
d, logs = sys.argv[1], sys.argv[2]
random.seed(13)
os.makedirs(logs + "/hour=10", exist_ok=True)
A = ["cat", "dog", "emu"]
def sig(z): return 1 / (1 + math.exp(-z))
def animal(err):
    t = random.choice(A)
    return t, (t if random.random() >= err else random.choice([a for a in A if a != t]))
exp = {}
lab = open(d + "/labels.csv", "w")
lab.write("request_id,model_name,model_version,label,timestamp\n")
for m, col in (("mc1", "animal"), ("mc2", "animal"), ("rg1", "price"), ("rg2", "price"), ("bs", "score")):
    with open(d + "/train_%s.csv" % m, "w") as f:
        f.write("x,%s\n" % col)
        for i in range(300):
            x = random.gauss(0, 1)
            v = random.choice(A) if col == "animal" else ("%.4f" % (3 * x + 50) if col == "price" else "%.4f" % sig(2 * x))
            f.write("%.4f,%s\n" % (x, v))
# validation sets
y, p = [], []
with open(d + "/val_mc.csv", "w") as f:
    f.write("label,prediction\n")
    for i in range(2000):
        t, a = animal(0.2); f.write("%s,%s\n" % (t, a)); y.append(t); p.append(a)
exp["mc"] = dict(acc=accuracy_score(y, p), f1=f1_score(y, p, average="macro"))
y, p = [], []
with open(d + "/val_rg.csv", "w") as f:
    f.write("label,prediction\n")
    for i in range(2000):
        pr = int(round(random.gauss(50, 10) + random.gauss(0, 1))); t = int(round(pr + random.gauss(0, 1)))
        f.write("%d,%d\n" % (t, pr)); y.append(t); p.append(pr)
exp["rg"] = dict(mae=mean_absolute_error(y, p), rmse=math.sqrt(mean_squared_error(y, p)))
with open(d + "/val_bs.csv", "w") as f:
    f.write("label,prediction\n")
    for i in range(3000):
        x = random.gauss(0, 1); s = sig(2 * x)
        f.write("%d,%.4f\n" % (1 if random.random() < s else 0, s))
# windows
for m, err in (("mc1", 0.2), ("mc2", 0.45)):
    with open(logs + "/hour=10/%s.csv" % m, "w") as f:
        f.write("timestamp,model_name,model_version,request_id,x,animal\n")
        for i in range(600):
            t, a = animal(err)
            f.write("2025-03-01T10:%02d:00Z,%s,v1,%s-%d,%.4f,%s\n" % (i % 60, m, m, i, random.gauss(0, 1), a))
            lab.write("%s-%d,%s,v1,%s,2025-03-01T11:00:00Z\n" % (m, i, m, t))
for m, sd in (("rg1", 1.0), ("rg2", 1.5)):
    y, p = [], []
    with open(logs + "/hour=10/%s.csv" % m, "w") as f:
        f.write("timestamp,model_name,model_version,request_id,x,price\n")
        for i in range(600):
            pr = int(round(random.gauss(50, 10) + random.gauss(0, 1))); t = int(round(pr + random.gauss(0, sd)))
            f.write("2025-03-01T10:%02d:00Z,%s,v1,%s-%d,%.4f,%d\n" % (i % 60, m, m, i, random.gauss(0, 1), pr))
            lab.write("%s-%d,%s,v1,%d,2025-03-01T11:00:00Z\n" % (m, i, m, t))
            y.append(t); p.append(pr)
    exp[m] = dict(mae=mean_absolute_error(y, p), rmse=math.sqrt(mean_squared_error(y, p)))
with open(logs + "/hour=10/bs.csv", "w") as f:
    f.write("timestamp,model_name,model_version,request_id,x,score\n")
    for i in range(1500):
        x = random.gauss(0, 1); s = sig(2 * x)
        f.write("2025-03-01T10:%02d:00Z,bs,v1,bs-%d,%.4f,%.4f\n" % (i % 60, i, x, s))
        lab.write("bs-%d,bs,v1,%d,2025-03-01T11:00:00Z\n" % (i, 1 if random.random() < sig(2 * x - 2) else 0))
lab.close()
json.dump(exp, open(d + "/expected.json", "w"))
PY
E=$D/expected.json

for m in mc1 mc2 rg1 rg2; do
	run baseline --model $m --version v1 --input "$D/train_$m.csv"
	expect "baseline $m" 0 "Baseline for $m v1"
done
run labels --input "$D/labels.csv"
expect "labels stored" 0 "^Stored 3900 labels"
for m in mc1 mc2; do
	run reference --model $m --version v1 --input "$D/val_mc.csv" --task classification
	expect "reference $m" 0 "^Reference for $m v1: 2000 rows, 3 classes, accuracy 0\.[0-9]{4}, macro F1 0\.[0-9]{4}$"
done
for m in rg1 rg2; do
	run reference --model $m --version v1 --input "$D/val_rg.csv" --task regression
	expect "reference $m" 0 "^Reference for $m v1: 2000 rows, MAE [01]\.[0-9]+, RMSE [01]\.[0-9]+$"
done
check "reference: format_version 2" /usr/bin/python3 -c "
import json, sys
r = json.load(open('$DRIFTMON_STORE/baselines/rg1/v1/reference-performance.json'))
c = json.load(open('$DRIFTMON_STORE/baselines/mc1/v1/reference-performance.json'))
sys.exit(not (r['format_version'] == 2 and r['task'] == 'regression' and r['errors']['n'] == 2000
              and c['task'] == 'classification' and c['classes'] == ['cat', 'dog', 'emu']))"

# classifier of class names
run detect --model mc1 --version v1 --at 2025-03-01T11:00:00Z --no-write \
	--prediction-column animal --format json
json_check "classes, same errors: no drop" "d['performance']['task'] == 'classification' and not any(a['code'] == 'PERFORMANCE_DROP' for a in d['alerts']) and d['performance']['reference']['accuracy']['tested'] and d['performance']['reference']['f1_macro']['tested'] and 'roc_auc' not in d['performance']['reference'] and d['performance']['estimated'] is None"
json_check "classes: reference values equal sklearn" "(lambda e, r: abs(r['accuracy']['value'] - e['acc']) < 1e-12 and abs(r['f1_macro']['value'] - e['f1']) < 1e-12)(json.load(open('$E'))['mc'], d['performance']['reference'])"
run detect --model mc2 --version v1 --at 2025-03-01T11:00:00Z --no-write \
	--prediction-column animal --format json
json_check "classes, worse: PERFORMANCE_DROP accuracy" "any(a['code'] == 'PERFORMANCE_DROP' and a['feature'] == 'accuracy' and a['message'].startswith('measured accuracy 0.5') for a in d['alerts'])"
json_check "classes, worse: PERFORMANCE_DROP f1_macro" "any(a['code'] == 'PERFORMANCE_DROP' and a['feature'] == 'f1_macro' and a['message'].startswith('measured macro F1 ') for a in d['alerts']) and d['performance']['reference']['f1_macro']['dropped'] and d['performance']['f1_macro'] < 0.6"
run detect --model mc2 --version v1 --at 2025-03-01T11:00:00Z \
	--prediction-column animal --format none
expect "classes, worse: reports written" 0
check "html: the chart's macro F1 point is the report's" /usr/bin/python3 -c "
import json, re, sys
h = open('$DRIFTMON_STORE/drift-reports/mc2/v1/latest.html', encoding='utf-8').read()
r = json.load(open('$DRIFTMON_STORE/drift-reports/mc2/v1/latest.json'))
f = [float(x) for x in re.findall(r'<circle class=\"pfc\"[^>]*data-f1=\"([0-9.]+)\"', h)]
sys.exit(not (len(f) == 1 and abs(f[0] - r['performance']['f1_macro']) < 1e-6 and 'data-auc' not in h))"
check "html: macro F1 row with its drop" grep -qE '<td>Macro F1</td><td>0\.[0-9]+ <strong>\(drop\)</strong></td><td>0\.[0-9]+</td>' "$DRIFTMON_STORE/drift-reports/mc2/v1/latest.html"

# regression
run detect --model rg1 --version v1 --at 2025-03-01T11:00:00Z --no-write \
	--prediction-column price --format json
json_check "regression, same errors: no drop" "d['performance']['task'] == 'regression' and not any(a['code'] == 'PERFORMANCE_DROP' for a in d['alerts']) and d['performance']['reference']['mae']['tested'] and d['performance']['reference']['rmse']['tested']"
json_check "regression: whole-number labels still a regression, metrics equal sklearn" "(lambda e, q: abs(q['mae'] - e['mae']) < 1e-9 and abs(q['rmse'] - e['rmse']) < 1e-9)(json.load(open('$E'))['rg1'], d['performance'])"
json_check "regression: reference values equal sklearn" "(lambda e, r: abs(r['mae']['value'] - e['mae']) < 1e-12 and abs(r['rmse']['value'] - e['rmse']) < 1e-12)(json.load(open('$E'))['rg'], d['performance']['reference'])"
run detect --model rg2 --version v1 --at 2025-03-01T11:00:00Z --no-write \
	--prediction-column price --format json --metrics-file "$D/rg2.prom"
json_check "regression, wider errors: PERFORMANCE_DROP mae" "any(a['code'] == 'PERFORMANCE_DROP' and a['feature'] == 'mae' and a['message'].startswith('measured MAE ') for a in d['alerts'])"
json_check "regression, wider errors: PERFORMANCE_DROP rmse" "any(a['code'] == 'PERFORMANCE_DROP' and a['feature'] == 'rmse' and a['message'].startswith('measured RMSE ') for a in d['alerts']) and d['performance']['reference']['rmse']['min_effect'] == 0.02"
check "metrics: mae dropped" grep -qx 'driftmon_model_performance_dropped{model="rg2",model_version="v1",metric="mae"} 1' "$D/rg2.prom"
check "metrics: rmse reference" grep -qE '^driftmon_model_metric_reference\{model="rg2",model_version="v1",metric="rmse"\} [01]\.[0-9]+$' "$D/rg2.prom"
# a minimum effect of 60% hides the drop (MAE 1.2 against 0.8: +50%)
run detect --model rg2 --version v1 --at 2025-03-01T11:00:00Z --no-write \
	--prediction-column price --format json --min-performance-drop 0.6
json_check "regression: a large minimum effect, no drop" "not any(a['code'] == 'PERFORMANCE_DROP' for a in d['alerts']) and d['performance']['reference']['mae']['min_effect'] == 0.6"

# the minimum effect from the spec; the flag wins over it
cat >"$D/bs.spec.yaml" <<'YAML'
version: 1
defaults:
  min_performance_drop: 0.3
YAML
run baseline --model bs --version v1 --input "$D/train_bs.csv" --spec "$D/bs.spec.yaml"
expect "baseline bs with a spec" 0 "Baseline for bs v1"
run reference --model bs --version v1 --input "$D/val_bs.csv"
expect "reference bs" 0 "^Reference for bs v1: 3000 rows"
run detect --model bs --version v1 --at 2025-03-01T11:00:00Z --no-write \
	--prediction-column score --format json
json_check "spec: min_performance_drop 0.3 applies (no drop)" "d['performance']['reference']['accuracy']['min_effect'] == 0.3 and not any(a['code'] == 'PERFORMANCE_DROP' for a in d['alerts'])"
run detect --model bs --version v1 --at 2025-03-01T11:00:00Z --no-write \
	--prediction-column score --format json --min-performance-drop 0.02
json_check "spec: the flag overrides it (drop)" "d['performance']['reference']['accuracy']['min_effect'] == 0.02 and any(a['code'] == 'PERFORMANCE_DROP' and a['feature'] == 'accuracy' for a in d['alerts'])"
printf 'version: 1\ndefaults:\n  min_performance_drop: 2\n' >"$D/bad.spec.yaml"
run baseline --model bs --version v2 --input "$D/train_bs.csv" --spec "$D/bad.spec.yaml"
expect_err "spec: bad min_performance_drop" 2 "^driftmon: invalid spec: '$D/bad\.spec\.yaml': line 3: defaults\.min_performance_drop: must be a number from 0 to 1, got 2$"

# bad reference input
run reference --model rg1 --version v1 --input "$D/val_mc.csv" --task regression
expect_err "reference: regression needs numbers" 1 "^driftmon: cannot measure the reference: '$D/val_mc\.csv': row 1, column 'label': '[a-z]+' is not a number$"
run reference --model rg1 --version v1 --input "$D/val_rg.csv" --task ranking
expect_err "reference: bad task" 2 "invalid --task 'ranking': expected binary_score, classification or regression$"
finish
