#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Multivariate drift (docs/alerts.md MULTIVARIATE_DRIFT): a baseline of
# synth training data stores a PCA of its numeric features; current data
# whose url_count / link_domain_count correlation flips (synth
# --scenario correlation-flip: both marginals unchanged) drifts in no
# feature, yet raises MULTIVARIATE_DRIFT with a summary line; data of
# the training distribution raises nothing.  An older baseline without
# the "multivariate" object still loads (no section in the report); a
# malformed one is refused naming the field.
. "$(dirname "$0")/lib.sh"

run synth --numeric-only --rows 20000 --seed 3 --training "$T/train.csv"
expect "synth training" 0
run synth --numeric-only --rows 5000 --seed 7 --scenario correlation-flip \
	--current "$T/flip.csv"
expect "synth correlation-flip" 0
run synth --numeric-only --rows 5000 --seed 8 --scenario none \
	--current "$T/same.csv"
expect "synth none" 0
run baseline -m mv -v 1 -i "$T/train.csv"
expect "baseline" 0
B="$DRIFTMON_STORE/baselines/mv/1/baseline.json"
check "baseline has a multivariate PCA" /usr/bin/python3 -c '
import json, sys
m = json.load(open(sys.argv[1]))["multivariate"]
d = len(m["columns"]); k = len(m["components"])
assert d == 50 and 1 <= k < d, (d, k)
assert m["share"] >= 0.9 and len(m["eigenvalues"]) == d
assert all(len(c) == d for c in m["components"])
assert abs(m["reference_error"] - sum(m["eigenvalues"][k:]) * (m["rows"] - 1) / m["rows"]) < 1e-9 * m["reference_error"]
assert m["row_stride"] == 2 and m["rows"] + m["rows_skipped"] == 10000
' "$B"

# the flipped correlation: no feature drifts, the multivariate check fires
run detect -m mv -v 1 -i "$T/flip.csv"
expect "detect flip: summary line" 0 '^Multivariate drift: YES'
expect "detect flip: no drifted features" 0 '^Features drifted: 0/50'
run detect -m mv -v 1 -i "$T/flip.csv" --format json
json_check "flip: univariate verdict" \
	'd["features_drifted"] == 0 and not d["drift_detected"]'
json_check "flip: MULTIVARIATE_DRIFT" \
	'[a["code"] for a in d["alerts"]] == ["MULTIVARIATE_DRIFT"]'
json_check "flip: report section" \
	'd["multivariate"]["drifted"] and d["multivariate"]["error"] > d["multivariate"]["band"][1] and d["multivariate"]["columns"] == 50 and d["multivariate"]["rows_used"] + d["multivariate"]["rows_skipped"] == 1250'

# the same distribution: nothing
run detect -m mv -v 1 -i "$T/same.csv" --format json
expect "detect same" 0
json_check "same: no alert" 'd["alerts"] == [] and d["features_drifted"] == 0'
json_check "same: error inside the band" \
	'd["multivariate"]["checked"] and not d["multivariate"]["drifted"] and d["multivariate"]["band"][0] <= d["multivariate"]["error"] <= d["multivariate"]["band"][1]'
run detect -m mv -v 1 -i "$T/same.csv"
if printf '%s\n' "$out" | grep -q '^Multivariate'; then
	not_ok "same: a multivariate summary line"
else ok; fi

# an older baseline (no "multivariate" object) still loads
/usr/bin/python3 - "$B" <<'EOF2'
import json, sys
b = json.load(open(sys.argv[1]))
del b["multivariate"]
json.dump(b, open(sys.argv[1], "w"))
EOF2
run detect -m mv -v 1 -i "$T/flip.csv" --format json
expect "old baseline loads" 0
json_check "old baseline: no multivariate section" \
	'"multivariate" not in d and d["alerts"] == []'

# a malformed one is refused, naming the field
run baseline -m mv -v 2 -i "$T/train.csv"
B2="$DRIFTMON_STORE/baselines/mv/2/baseline.json"
/usr/bin/python3 - "$B2" <<'EOF2'
import json, sys
b = json.load(open(sys.argv[1]))
b["multivariate"]["sds"][3] = -1.0
json.dump(b, open(sys.argv[1], "w"))
EOF2
run detect -m mv -v 2 -i "$T/same.csv"
expect "bad sds refused" 1 "multivariate.sds"
one_line "bad sds: one line"

# Degenerate columns, as real tables have them: a constant column, a
# duplicated one, a sentinel near the largest double (the mean and the
# variance overflow) and one of +-1e160 (the variance alone overflows).  Detect on the training rows themselves raises nothing:
# the constant and the overflowing column are left out of the fit (the
# baseline says why for the latter, and stays readable), and the exact
# relation of the duplicate (an eigenvalue of ~1e-17) is not rounding
# noise above a band of ~1e-17.  When the duplicate stops following its
# source (same marginal, shuffled), the check still fires.
/usr/bin/python3 - "$T" <<'EOF2'
import random, sys
random.seed(11)
d = sys.argv[1]
def rows(n, broken):
    out = ["a,b,c,dup,const,big,huge"]
    cs = [random.gauss(0, 1) for _ in range(n)]
    dups = cs[:]
    if broken:
        random.shuffle(dups)
    for i in range(n):
        a = random.gauss(0, 1)
        b = a * 0.5 + random.gauss(0, 1)
        big = random.choice(["1.7976931348623157e308", "-1.7976931348623157e308"]) \
            if random.random() < 0.1 else repr(random.gauss(5, 2))
        huge = random.choice(["1e160", "-1e160"]) if random.random() < 0.1 \
            else repr(random.gauss(5, 2))
        out.append("%r,%r,%r,%r,7,%s,%s" % (a, b, cs[i], dups[i], big, huge))
    return "\n".join(out) + "\n"
open(d + "/degen.csv", "w").write(rows(6000, False))
open(d + "/degen_broken.csv", "w").write(rows(6000, True))
EOF2
run baseline -m degen -v 1 -i "$T/degen.csv"
expect "degenerate baseline" 0 "column 'big': its values .* are too large for a finite variance"
check "degenerate baseline: constant and overflowing columns not fitted" \
	/usr/bin/python3 -c '
import json, sys
b = json.load(open(sys.argv[1]))
m = b["multivariate"]
assert m["columns"] == ["a", "b", "c", "dup"], m["columns"]
assert all(isinstance(x, float) or isinstance(x, int) for x in m["means"] + m["sds"] + m["eigenvalues"])
big = [f for f in b["features"] if f["name"] == "big"][0]
assert big["mean"] is None and big["std"] is None and big["max"] > 1e308
assert any("big" in w for w in b["warnings"])
# +-1e160: a finite mean, an infinite variance
huge = [f for f in b["features"] if f["name"] == "huge"][0]
assert huge["std"] is None and huge["max"] == 1e160
assert any("huge" in w for w in b["warnings"])
' "$DRIFTMON_STORE/baselines/degen/1/baseline.json"
run detect -m degen -v 1 -i "$T/degen.csv" --format json
expect "degenerate: detect on the training rows" 0
json_check "degenerate: no alert on the training rows" \
	'd["alerts"] == [] and not d["multivariate"]["drifted"] and d["multivariate"]["band"][1] >= 4e-9'
H="$DRIFTMON_STORE/drift-reports/degen/latest.html"
check "degenerate: an HTML report" test -s "$H"
if [ ! -s "$H" ] || grep -qiE ' (d|x|y)="[^"]*nan' "$H"; then
	not_ok "degenerate: a NaN coordinate in the HTML report's charts"
else ok; fi
json_check "degenerate: big's moments unknown, not zero" \
	'[(f["baseline"]["mean"], f["baseline"]["std"]) for f in d["features"] if f["name"] == "big"] == [(None, None)]'
run detect -m degen -v 1 -i "$T/degen.csv" --test wasserstein --format json
json_check "degenerate: Wasserstein over an unknown sd is unknown, not drift" \
	'[(f["test_statistic"], f["drifted"]) for f in d["features"] if f["name"] == "big"] == [(None, False)] and d["features_drifted"] == 0'
run detect -m degen -v 1 -i "$T/degen_broken.csv" --format json
json_check "degenerate: the duplicate's relation broken fires" \
	'd["features_drifted"] == 0 and [a["code"] for a in d["alerts"]] == ["MULTIVARIATE_DRIFT"]'
finish
