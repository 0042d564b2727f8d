#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Drift tests per column (docs/drift-tests.md): the automatic choice (KS,
# z-test for two categories, chi-square), --test NAME for every column of
# its kind, the spec's test: and --test over it, a distance's threshold
# (--test-threshold), a bad name; the report's test fields equal scipy
# (wasserstein_distance / np.std, cramervonmises_2samp, fisher_exact) on
# these exact samples.
. "$(dirname "$0")/lib.sh"

/usr/bin/python3 - "$T" <<'EOF2'
import random, sys
d = sys.argv[1]
rng = random.Random(14)
def write(path, n, shift, share_yes):
    with open(path, "w") as f:
        f.write("x,flag,kind\n")
        for i in range(n):
            x = rng.gauss(shift, 1.0)
            flag = "yes" if rng.random() < share_yes else "no"
            kind = rng.choice("abc")
            f.write("%r,%s,%s\n" % (x, flag, kind))
write(d + "/ref.csv", 3000, 0.0, 0.5)
write(d + "/cur.csv", 1000, 0.3, 0.65)
EOF2

# field NAME COLUMN: a field of a column of the JSON report in $out
field() {
	printf '%s' "$out" | /usr/bin/python3 -c '
import json, sys
r = json.load(sys.stdin)
f = [f for f in r["features"] if f["name"] == sys.argv[2]][0]
print(json.dumps(f[sys.argv[1]]))' "$1" "$2"
}
# same NAME GOT WANT: GOT equals WANT to 1e-9 relative (or 1e-12
# absolute: a tiny p-value that is a difference 1 - cdf)
same() {
	if /usr/bin/python3 -c 'import sys; g, w = float(sys.argv[1]), float(sys.argv[2]); sys.exit(not abs(g - w) <= max(1e-9 * abs(w), 1e-12))' "$2" "$3"; then ok
	else not_ok "$1: $2, expected $3"; fi
}
oracle() {
	/usr/bin/python3 - "$T" "$1" <<'EOF2'
import sys, numpy as np, pandas as pd, scipy.stats as st
d, what = sys.argv[1], sys.argv[2]
a, b = pd.read_csv(d + "/ref.csv"), pd.read_csv(d + "/cur.csv")
x, y = a["x"].values, b["x"].values
if what == "wasserstein":
    print(repr(st.wasserstein_distance(x, y) / np.std(x)))
elif what == "cvm":
    r = st.cramervonmises_2samp(x, y); print(repr(r.statistic), repr(r.pvalue))
elif what == "fisher":
    ya, yb = (a["flag"] == "yes").sum(), (b["flag"] == "yes").sum()
    # the baseline's categories in first-seen order
    first = a["flag"].iloc[0]
    t = [[ya, len(a) - ya], [yb, len(b) - yb]] if first == "yes" else \
        [[len(a) - ya, ya], [len(b) - yb, yb]]
    print(repr(st.fisher_exact(t)[1]))
EOF2
}

run compare -r "$T/ref.csv" -c "$T/cur.csv" --format json
expect "auto" 0
[ "$(field test x)" = '"ks"' ] && ok || not_ok "auto: x is tested by $(field test x)"
[ "$(field test flag)" = '"ztest"' ] && ok || not_ok "auto: flag is tested by $(field test flag)"
[ "$(field test kind)" = '"chi2"' ] && ok || not_ok "auto: kind is tested by $(field test kind)"
same "auto: test p = KS p" "$(field test_pvalue x)" "$(field ks_pvalue x)"

run compare -r "$T/ref.csv" -c "$T/cur.csv" --format json --test wasserstein
expect "--test wasserstein" 0
[ "$(field test x)" = '"wasserstein"' ] && ok || not_ok "wasserstein: x"
[ "$(field test flag)" = '"ztest"' ] && ok || not_ok "wasserstein: flag keeps its test"
[ "$(field test_pvalue x)" = null ] && ok || not_ok "wasserstein: a p-value"
[ "$(field pvalue_adjusted x)" = null ] && ok || not_ok "wasserstein: in the Holm family"
[ "$(field test_threshold x)" = 0.1 ] && ok || not_ok "wasserstein: threshold $(field test_threshold x)"
[ "$(field drifted x)" = true ] && ok || not_ok "wasserstein: 0.3 sd not drifted"
same "wasserstein = scipy / np.std" "$(field test_statistic x)" "$(oracle wasserstein)"

run compare -r "$T/ref.csv" -c "$T/cur.csv" --format json --test wasserstein --test-threshold 5
expect "--test-threshold 5" 0
[ "$(field drifted x)" = false ] && ok || not_ok "threshold 5: x drifted"
[ "$(field test_threshold x)" = 5 ] && ok || not_ok "threshold 5: $(field test_threshold x)"

run compare -r "$T/ref.csv" -c "$T/cur.csv" --format json --test cvm
expect "--test cvm" 0
read -r cs cp <<<"$(oracle cvm)"
same "cvm statistic = scipy" "$(field test_statistic x)" "$cs"
same "cvm p-value = scipy" "$(field test_pvalue x)" "$cp"

run compare -r "$T/ref.csv" -c "$T/cur.csv" --format json --test fisher
expect "--test fisher" 0
[ "$(field test flag)" = '"fisher"' ] && ok || not_ok "fisher: flag"
[ "$(field test x)" = '"ks"' ] && ok || not_ok "fisher: x keeps KS"
same "fisher p = scipy" "$(field test_pvalue flag)" "$(oracle fisher)"

printf 'version: 1\ncolumns:\n  x:\n    test: energy\n  kind:\n    test: hellinger\n    min_effect: 0.5\n' >"$T/spec.yaml"
run compare -r "$T/ref.csv" -c "$T/cur.csv" --format json --spec "$T/spec.yaml"
expect "spec tests" 0
[ "$(field test x)" = '"energy"' ] && ok || not_ok "spec: x by $(field test x)"
[ "$(field test kind)" = '"hellinger"' ] && ok || not_ok "spec: kind by $(field test kind)"
[ "$(field test_threshold kind)" = 0.5 ] && ok || not_ok "spec: min_effect is the threshold"
run compare -r "$T/ref.csv" -c "$T/cur.csv" --format json --spec "$T/spec.yaml" --test ks
expect "--test over the spec" 0
[ "$(field test x)" = '"ks"' ] && ok || not_ok "--test ks: x by $(field test x)"
[ "$(field test kind)" = '"hellinger"' ] && ok || not_ok "--test ks: kind keeps the spec's"

run compare -r "$T/ref.csv" -c "$T/cur.csv" --test wasserstien
expect "a bad name" 2 "invalid --test 'wasserstien': expected one of auto, psi, ks, chi2, wasserstein"
run compare -r "$T/ref.csv" -c "$T/cur.csv" --test-threshold -1
expect "a bad threshold" 2 "invalid --test-threshold '-1'"
run compare -r "$T/ref.csv" -c "$T/cur.csv" --test cvm --format html
expect "HTML names the test" 0 '<span>test <b class="test">cvm '

# KS against the stored baseline's ECDF (docs/drift-tests.md, "KS
# against a stored baseline"): detect --input counts the window's values
# against the baseline's stored sketch, so D is scipy's ks_2samp of the
# stored (value, weight) pairs against every window value, bit for bit,
# its bound is the baseline's rank error alone, and D is within that
# bound of ks_2samp on the raw samples; empty cells are missing.
/usr/bin/python3 - "$T" <<'EOF2'
import sys
d = sys.argv[1]
with open(d + "/cur.csv") as f, open(d + "/cur_na.csv", "w") as g:
    for i, line in enumerate(f):
        g.write((",".join([""] + line.split(",")[1:])) if i % 9 == 5 else line)
EOF2
run baseline --model kst --version v1 --input "$T/ref.csv" --sketch-k 64
expect "baseline, k 64" 0
run detect --model kst --version v1 --input "$T/cur_na.csv" --format json
expect "detect against a k 64 sketch" 0
printf '%s' "$out" >"$T/kst.json"
kst=$(/usr/bin/python3 - "$T" 2>&1 <<'EOF2'
import json, sys, numpy as np, pandas as pd, scipy.stats as st
d = sys.argv[1]
b = json.load(open(d + "/store/baselines/kst/v1/baseline.json"))
r = json.load(open(d + "/kst.json"))
sk = [f for f in b["features"] if f["name"] == "x"][0]["sketch"]
fx = [f for f in r["features"] if f["name"] == "x"][0]
x = pd.read_csv(d + "/ref.csv")["x"].values
y = pd.read_csv(d + "/cur_na.csv")["x"].dropna().values
stored = np.repeat(sk["values"], sk.get("weights") or 1)
want = st.ks_2samp(stored, y)
bad = []
if fx["ks_statistic"] != want.statistic:
    bad.append("D %r, ks_2samp on the stored pairs %r" % (fx["ks_statistic"], want.statistic))
if abs(fx["ks_pvalue"] - want.pvalue) > 1e-9 * max(want.pvalue, 1e-300):
    bad.append("p %r, ks_2samp %r" % (fx["ks_pvalue"], want.pvalue))
if fx["ks_statistic_error_bound"] != sk["rank_error"] or sk["rank_error"] <= 0:
    bad.append("bound %r, the baseline's rank error %r" % (fx["ks_statistic_error_bound"], sk["rank_error"]))
raw = st.ks_2samp(x, y).statistic
if abs(fx["ks_statistic"] - raw) > sk["rank_error"] + 1e-12:
    bad.append("D %r is beyond the bound of the raw samples' %r" % (fx["ks_statistic"], raw))
if fx["current"]["count"] != len(y) or fx["ks_exact"]:
    bad.append("count %r (want %d), exact %r" % (fx["current"]["count"], len(y), fx["ks_exact"]))
print("; ".join(bad))
EOF2
)
[ -z "$kst" ] && ok || not_ok "KS against the stored ECDF: $kst"
finish
