#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Reference vectors for the drop tests of classifiers of class names and
regressions (src/labels/refperf.c dm_perf_compare, src/quality/drop.c).

Writes tests/data/quality_perf_tasks.txt from fixed seeds, with Debian 12's
scipy 1.10, statsmodels 0.13 and scikit-learn 1.2:

  tsf T DF P            scipy.stats.t.sf(T, DF)
  class ... end         a classifier: reference and window pairs (class
                        names), then accuracy and macro F1 of each
                        (sklearn accuracy_score, f1_score(average="macro")),
                        the one-sided z-test p-values (scipy norm.sf) of
                        H0: drop <= min_effect, Holm-adjusted together
                        (statsmodels multipletests), and dropped
  regress ... end       a regression: reference and window pairs (numbers),
                        MAE and RMSE of each (sklearn), and Welch's t-test
                        of the window's |e| against (1 + d) times the
                        reference's |e|, and of e^2 against (1 + d)^2 times
                        the reference's e^2 (scipy ttest_ind(equal_var=
                        False, alternative="greater")): statistic, p, the
                        Holm-adjusted p and dropped

The standard error of a macro F1 is the one the C code states (each
class's F1 standard error by NannyML's decomposition, combined as
independent): this file pins its arithmetic, the z-test and Holm; the
classes' F1 values themselves are sklearn's.

    /usr/bin/python3 tests/oracle/gen_perf_task_vectors.py
"""
import math
import os

import numpy as np
from scipy import stats
from sklearn.metrics import (accuracy_score, f1_score, mean_absolute_error,
                             mean_squared_error)
from statsmodels.stats.multitest import multipletests

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data")


def r(v):
    v = float(v)
    return "nan" if math.isnan(v) else repr(v)


def se_f1(tp, fp, fn):
    rel = tp + fp + fn
    if rel <= 0 or tp + 0.5 * (fp + fn) <= 0:
        return float("nan")
    k = rel / (tp + 0.5 * (fp + fn))
    mean = k * tp / rel
    var = k * k * tp / rel - mean * mean
    return math.sqrt(max(var, 0.0)) / math.sqrt(rel)


def se_f1_macro(y, yh):
    classes = sorted(set(y) | set(yh))
    tot = 0.0
    for c in classes:
        tp = sum(1 for a, b in zip(y, yh) if a == c and b == c)
        fp = sum(1 for a, b in zip(y, yh) if a != c and b == c)
        fn = sum(1 for a, b in zip(y, yh) if a == c and b != c)
        s = se_f1(tp, fp, fn)
        if not math.isnan(s):
            tot += s * s
    return math.sqrt(tot) / len(classes)


def draw_classes(rng, n, classes, err, prior=None):
    y = list(rng.choice(classes, size=n, p=prior))
    yh = [c if rng.uniform() >= err else str(rng.choice(classes)) for c in y]
    return [str(c) for c in y], yh


def class_case(out, name, rng, classes, nref, nwin, eref, ewin, d, alpha,
               prior=None):
    ry, rh = draw_classes(rng, nref, classes, eref, prior)
    wy, wh = draw_classes(rng, nwin, classes, ewin, prior)
    out.append("class %s %d %d %s %s" % (name, nref, nwin, r(d), r(alpha)))
    for a, b in zip(ry, rh):
        out.append("%s %s" % (a, b))
    for a, b in zip(wy, wh):
        out.append("%s %s" % (a, b))
    ref = [accuracy_score(ry, rh), f1_score(ry, rh, average="macro")]
    win = [accuracy_score(wy, wh), f1_score(wy, wh, average="macro")]
    rse = [math.sqrt(ref[0] * (1 - ref[0]) / nref), se_f1_macro(ry, rh)]
    wse = [math.sqrt(win[0] * (1 - win[0]) / nwin), se_f1_macro(wy, wh)]
    p = [stats.norm.sf((ref[i] - win[i] - d) / math.hypot(rse[i], wse[i]))
         for i in range(2)]
    adj = multipletests(p, method="holm")[1]
    for i, key in enumerate(("accuracy", "f1_macro")):
        dropped = int(adj[i] < alpha and ref[i] - win[i] > d)
        out.append("%s %s %s %s %s %d" % (key, r(ref[i]), r(win[i]), r(p[i]),
                                          r(adj[i]), dropped))
    out.append("end")


def regress_case(out, name, rng, nref, nwin, sref, swin, bias, d, alpha,
                 scale=1.0):
    ry = rng.normal(50, 10, nref) * scale
    rp = ry + rng.normal(0, sref, nref) * scale
    wy = rng.normal(50, 10, nwin) * scale
    wp = wy + (bias + rng.normal(0, swin, nwin)) * scale
    out.append("regress %s %d %d %s %s" % (name, nref, nwin, r(d), r(alpha)))
    for a, b in zip(ry, rp):
        out.append("%s %s" % (r(a), r(b)))
    for a, b in zip(wy, wp):
        out.append("%s %s" % (r(a), r(b)))
    re, we = rp - ry, wp - wy
    k = [1 + d, (1 + d) ** 2]
    tests = [stats.ttest_ind(np.abs(we), k[0] * np.abs(re), equal_var=False,
                             alternative="greater"),
             stats.ttest_ind(we ** 2, k[1] * re ** 2, equal_var=False,
                             alternative="greater")]
    ref = [mean_absolute_error(ry, rp), mean_squared_error(ry, rp, squared=False)]
    win = [mean_absolute_error(wy, wp), mean_squared_error(wy, wp, squared=False)]
    adj = multipletests([t.pvalue for t in tests], method="holm")[1]
    for i, key in enumerate(("mae", "rmse")):
        dropped = int(adj[i] < alpha and win[i] - ref[i] > d * ref[i])
        out.append("%s %s %s %s %s %s %d" % (key, r(ref[i]), r(win[i]),
                                             r(tests[i].statistic),
                                             r(tests[i].pvalue), r(adj[i]),
                                             dropped))
    out.append("end")


def main():
    out = ["# see tests/oracle/gen_perf_task_vectors.py"]
    for t in (-3.0, -0.5, 0.0, 0.5, 1.7, 4.0, 10.0, 40.0):
        for df in (1.0, 2.5, 10.0, 57.3, 1000.0, 123456.0):
            out.append("tsf %s %s %s" % (r(t), r(df), r(stats.t.sf(t, df))))
    rng = np.random.default_rng(2026)
    three = ["cat", "dog", "emu"]
    class_case(out, "same", rng, three, 600, 300, 0.2, 0.2, 0.02, 0.01)
    class_case(out, "worse", rng, three, 600, 300, 0.2, 0.45, 0.02, 0.01)
    class_case(out, "slightly_worse", rng, three, 600, 300, 0.2, 0.28, 0.0, 0.05)
    class_case(out, "two_classes", rng, ["no", "yes"], 400, 200, 0.3, 0.5, 0.02,
               0.01)
    class_case(out, "rare_class", rng, three + ["fox"], 800, 250, 0.15, 0.3,
               0.02, 0.01, prior=[0.4, 0.3, 0.27, 0.03])
    regress_case(out, "same", rng, 500, 200, 1.0, 1.0, 0.0, 0.02, 0.01)
    regress_case(out, "wider", rng, 500, 200, 1.0, 1.4, 0.0, 0.02, 0.01)
    regress_case(out, "biased", rng, 500, 200, 1.0, 1.0, 0.6, 0.05, 0.01)
    regress_case(out, "slightly_wider", rng, 400, 300, 1.0, 1.08, 0.0, 0.0, 0.05)
    regress_case(out, "large_labels", rng, 300, 150, 1.0, 1.3, 0.0, 0.02, 0.01,
                 scale=1e4)
    with open(os.path.join(DATA, "quality_perf_tasks.txt"), "w") as f:
        f.write("\n".join(out) + "\n")


main()
