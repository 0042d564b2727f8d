#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Reference vectors for the model-quality metrics in src/quality.

Writes, from fixed seeds, what Debian 12's scikit-learn (1.2.1, numpy
1.24) computes for

  tests/data/quality_class.txt     classification: confusion matrix,
                                   precision/recall/F1 per class and
                                   averaged, accuracy, ROC AUC, average
                                   precision, log loss, Brier score,
                                   calibration curve
  tests/data/quality_regress.txt   regression: MAE, RMSE, MAPE, R^2 and
                                   numpy.quantile of the errors
  tests/data/quality_isotonic.txt  IsotonicRegression(out_of_bounds="clip")
                                   predictions
  tests/data/quality_cbpe.txt      CBPE estimates: sklearn's isotonic
                                   calibrator, then NannyML's estimators
                                   (metrics.py: estimate_f1, estimate_roc_auc
                                   without its 5-decimal rounding, and the
                                   expected confusion matrix)
  tests/data/quality_drop.txt      the drop rule: one-sided z-test p-values
                                   (scipy.stats.norm.sf) Holm-adjusted by
                                   statsmodels multipletests

Run it with Debian's interpreter:

    /usr/bin/python3 tests/oracle/gen_quality_vectors.py

Format (whitespace separated, '#' comments): each case starts with
"case NAME" and its shape, then its rows, then "key value" pairs up to
"end".  A key the C test does not compute is an error there, so every
value written here is checked.  Floats are written with repr().
"""

import math
import os
import warnings

import numpy as np
import sklearn
from sklearn.calibration import calibration_curve
from sklearn.isotonic import IsotonicRegression
from sklearn.metrics import (accuracy_score, average_precision_score,
                             brier_score_loss, confusion_matrix, log_loss,
                             mean_absolute_error,
                             mean_absolute_percentage_error,
                             mean_squared_error,
                             precision_recall_fscore_support, r2_score,
                             roc_auc_score)
from sklearn.preprocessing import label_binarize

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
DATA = os.path.join(ROOT, "tests", "data")
warnings.simplefilter("ignore")

QUANTILES = [0.0, 0.05, 0.25, 0.5, 0.75, 0.95, 1.0]


def r(v):
    v = float(v)
    if math.isnan(v):
        return "nan"
    return repr(v)


def safe(fn):
    try:
        return fn()
    except ValueError:
        return float("nan")


def class_case(out, name, y, yhat, prob, w):
    """prob: n x k (k >= 2).  For k == 2 the binary metrics use prob[:, 1]."""
    n, k = prob.shape
    labels = list(range(k))
    out.append("case %s %d %d %d" % (name, k, n, 0 if w is None else 1))
    for i in range(n):
        row = [str(int(y[i])), str(int(yhat[i])), r(1.0 if w is None else w[i])]
        row += [r(p) for p in prob[i]]
        out.append(" ".join(row))
    kv = []
    cm = confusion_matrix(y, yhat, labels=labels, sample_weight=w)
    for t in range(k):
        for p in range(k):
            kv.append(("cm.%d.%d" % (t, p), cm[t, p]))
    p, rc, f, s = precision_recall_fscore_support(
        y, yhat, labels=labels, sample_weight=w, zero_division="warn")
    for c in range(k):
        kv += [("precision.%d" % c, p[c]), ("recall.%d" % c, rc[c]),
               ("f1.%d" % c, f[c]), ("support.%d" % c, s[c])]
    for avg in ("macro", "micro", "weighted"):
        p, rc, f, _ = precision_recall_fscore_support(
            y, yhat, labels=labels, sample_weight=w, average=avg)
        kv += [("%s.precision" % avg, p), ("%s.recall" % avg, rc),
               ("%s.f1" % avg, f)]
    if len(y):
        kv.append(("accuracy", accuracy_score(y, yhat, sample_weight=w)))
    if k == 2:
        pos = (np.asarray(y) == 1).astype(int)
        s1 = prob[:, 1]
        kv.append(("roc_auc", safe(lambda: roc_auc_score(pos, s1, sample_weight=w))))
        kv.append(("average_precision",
                   safe(lambda: average_precision_score(pos, s1, sample_weight=w))))
        kv.append(("log_loss_1col", safe(lambda: log_loss(pos, s1, sample_weight=w,
                                                          labels=[0, 1]))))
        kv.append(("brier", brier_score_loss(pos, s1, sample_weight=w, pos_label=1)))
        for nb in (5, 10):
            pt, pp = calibration_curve(pos, s1, n_bins=nb, strategy="uniform")
            # bins with rows, in order; the C test lists its non-empty bins
            kv.append(("calib%d.nonempty" % nb, len(pt)))
            for j in range(len(pt)):
                kv += [("calib%d.%d.true" % (nb, j), pt[j]),
                       ("calib%d.%d.pred" % (nb, j), pp[j])]
    else:
        for avg in ("macro", "weighted"):
            kv.append(("roc_auc_ovr.%s" % avg,
                       safe(lambda: roc_auc_score(y, prob, multi_class="ovr",
                                                  average=avg, labels=labels,
                                                  sample_weight=w))))
            yb = label_binarize(y, classes=labels)
            kv.append(("average_precision_ovr.%s" % avg,
                       safe(lambda: average_precision_score(
                           yb, prob, average=avg, sample_weight=w))))
    kv.append(("log_loss", safe(lambda: log_loss(y, prob, sample_weight=w,
                                                 labels=labels))))
    for key, v in kv:
        out.append("%s %s" % (key, r(v)))
    out.append("end")


def dirichlet_probs(rng, n, k, decimals):
    p = rng.dirichlet(np.ones(k) * 0.8, size=n)
    if decimals is not None:
        p = np.round(p, decimals)
        p[:, -1] = 1.0 - p[:, :-1].sum(axis=1)
        p = np.clip(p, 0.0, 1.0)
    return p


def gen_class():
    rng = np.random.default_rng(20261204)
    out = ["# sklearn %s, numpy %s" % (sklearn.__version__, np.__version__),
           "# case NAME k n weighted; rows: y yhat w p_0..p_{k-1}; key value; end"]

    def binary(name, n, decimals=2, weighted=False, yhat_fn=None, y=None,
               s=None):
        if s is None:
            s = rng.uniform(0, 1, n)
            if decimals is not None:
                s = np.round(s, decimals)
        if y is None:
            y = (rng.uniform(0, 1, n) < s).astype(int)
        yhat = (s >= 0.5).astype(int) if yhat_fn is None else yhat_fn(s)
        w = rng.uniform(0.1, 3.0, n).round(3) if weighted else None
        prob = np.column_stack([1.0 - s, s])
        class_case(out, name, y, yhat, prob, w)

    binary("binary_ties", 200)
    binary("binary_weighted", 300, decimals=3, weighted=True)
    binary("binary_three_scores", 150,
           s=rng.choice([0.1, 0.5, 0.9], 150))
    binary("binary_bin_edges", 120,
           s=rng.choice([0.0, 0.2, 0.4, 0.6, 0.8, 1.0, 0.3], 120))
    binary("binary_never_positive", 80, yhat_fn=lambda s: np.zeros_like(s, int))
    binary("binary_all_negative", 60, y=np.zeros(60, int))
    binary("binary_all_positive_weighted", 50, y=np.ones(50, int), weighted=True)
    binary("binary_continuous", 500, decimals=None)
    binary("binary_perfect", 40, y=None, s=np.r_[np.full(20, 0.2), np.full(20, 0.8)],
           yhat_fn=None)
    # multiclass
    for name, n, k, dec, weighted in (("multi3_ties", 300, 3, 2, True),
                                      ("multi5", 400, 5, None, False),
                                      ("multi4_weighted", 250, 4, 3, True)):
        p = dirichlet_probs(rng, n, k, dec)
        y = np.array([rng.choice(k, p=row / row.sum()) for row in p])
        yhat = p.argmax(axis=1)
        w = rng.uniform(0.2, 2.0, n).round(3) if weighted else None
        class_case(out, name, y, yhat, p, w)
    # class 3 never true nor predicted: zero rows in macro, OvR AUC NaN
    n, k = 200, 4
    p = dirichlet_probs(rng, n, 3, 2)
    p = np.column_stack([p, np.zeros(n)])
    y = np.array([rng.choice(3, p=row[:3] / row[:3].sum()) for row in p])
    class_case(out, "multi4_empty_class", y, p.argmax(axis=1), p, None)
    # class 2 predicted but never true
    n = 150
    p = dirichlet_probs(rng, n, 3, 2)
    y = rng.choice(2, n)
    class_case(out, "multi3_unseen_truth", y, p.argmax(axis=1), p, None)
    with open(os.path.join(DATA, "quality_class.txt"), "w") as f:
        f.write("\n".join(out) + "\n")


def reg_case(out, name, y, yhat, w):
    n = len(y)
    out.append("case %s %d %d" % (name, n, 0 if w is None else 1))
    for i in range(n):
        out.append("%s %s %s" % (r(y[i]), r(yhat[i]), r(1.0 if w is None else w[i])))
    kv = [("mae", mean_absolute_error(y, yhat, sample_weight=w)),
          ("rmse", mean_squared_error(y, yhat, sample_weight=w, squared=False)),
          ("mape", mean_absolute_percentage_error(y, yhat, sample_weight=w)),
          ("r2", r2_score(y, yhat, sample_weight=w))]
    qs = np.quantile(np.asarray(yhat) - np.asarray(y), QUANTILES)
    for q, v in zip(QUANTILES, qs):
        kv.append(("q%s" % repr(q), v))
    for key, v in kv:
        out.append("%s %s" % (key, r(v)))
    out.append("end")


def gen_regress():
    rng = np.random.default_rng(42)
    out = ["# sklearn %s, numpy %s" % (sklearn.__version__, np.__version__),
           "# case NAME n weighted; rows: y yhat w; key value; end"]
    y = rng.normal(10, 3, 400)
    reg_case(out, "normal", y, y + rng.normal(0.5, 1, 400), None)
    y = rng.normal(0, 1, 300)
    reg_case(out, "weighted", y, 0.8 * y + rng.normal(0, 0.3, 300),
             rng.uniform(0.1, 2, 300).round(3))
    y = rng.choice([0.0, 1.0, -2.0, 3.5], 100)
    reg_case(out, "zeros_in_labels", y, y + rng.normal(0, 0.1, 100), None)
    reg_case(out, "constant_exact", np.full(20, 3.0), np.full(20, 3.0), None)
    reg_case(out, "constant_off", np.full(20, 3.0), np.full(20, 3.0) + rng.normal(0, 1, 20), None)
    y = 1e6 + rng.normal(0, 1, 200)
    reg_case(out, "large_offset", y, y + rng.normal(0, 0.5, 200), None)
    reg_case(out, "single", np.array([2.0]), np.array([2.5]), None)
    y = rng.normal(0, 1, 7)
    reg_case(out, "seven", y, -y, None)
    with open(os.path.join(DATA, "quality_regress.txt"), "w") as f:
        f.write("\n".join(out) + "\n")


def iso_case(out, name, x, y, w, increasing, y_min, y_max, t):
    n = len(x)
    out.append("case %s %d %d %s %s %d" % (name, n, int(increasing),
                                          r(np.nan if y_min is None else y_min),
                                          r(np.nan if y_max is None else y_max),
                                          len(t)))
    for i in range(n):
        out.append("%s %s %s" % (r(x[i]), r(y[i]), r(1.0 if w is None else w[i])))
    m = IsotonicRegression(out_of_bounds="clip", increasing=bool(increasing),
                           y_min=y_min, y_max=y_max).fit(x, y, sample_weight=w)
    pred = m.predict(t)
    for a, b in zip(t, pred):
        out.append("%s %s" % (r(a), r(b)))
    out.append("end")


def gen_isotonic():
    rng = np.random.default_rng(7)
    out = ["# sklearn %s, numpy %s" % (sklearn.__version__, np.__version__),
           "# case NAME n increasing y_min y_max nq; rows: x y w; nq rows: t pred; end"]

    def queries(x, extra=10):
        lo, hi = float(np.min(x)), float(np.max(x))
        span = hi - lo if hi > lo else 1.0
        t = np.r_[np.unique(x)[:40], rng.uniform(lo - 0.2 * span, hi + 0.2 * span, extra)]
        return t

    x = rng.uniform(0, 1, 300)
    y = (rng.uniform(0, 1, 300) < x).astype(float)
    iso_case(out, "calibration_binary", x, y, None, 1, None, None, queries(x, 60))
    x = np.round(rng.uniform(0, 1, 200), 1)
    y = x + rng.normal(0, 0.3, 200)
    iso_case(out, "ties_in_x", x, y, None, 1, None, None, queries(x))
    x = rng.uniform(-5, 5, 150)
    y = -x + rng.normal(0, 2, 150)
    iso_case(out, "decreasing", x, y, rng.uniform(0.5, 2, 150).round(2), 0, None, None, queries(x, 30))
    x = rng.uniform(0, 1, 100)
    y = 2 * x - 0.5 + rng.normal(0, 0.2, 100)
    iso_case(out, "clipped", x, y, None, 1, 0.0, 1.0, queries(x, 30))
    x = rng.uniform(0, 1, 100)
    y = x + rng.normal(0, 0.2, 100)
    w = rng.choice([0.0, 1.0, 2.5], 100)
    iso_case(out, "zero_weights", x, y, w, 1, None, None, queries(x[w > 0], 30))
    x = np.r_[np.full(5, 0.5), np.full(5, 0.5 + 4e-16), np.full(5, 0.7)]
    y = rng.normal(0, 1, 15)
    iso_case(out, "x_within_resolution", x, y, None, 1, None, None, np.array([0.4, 0.5, 0.6, 0.7, 0.8]))
    iso_case(out, "single_x", np.full(6, 2.0), rng.normal(0, 1, 6), None, 1, None, None,
             np.array([1.0, 2.0, 3.0]))
    x = np.arange(50.0)
    y = np.sin(x / 5.0) + x / 20.0
    iso_case(out, "wave", x, y, None, 1, None, 1.5, queries(x, 20))
    with open(os.path.join(DATA, "quality_isotonic.txt"), "w") as f:
        f.write("\n".join(out) + "\n")


def gen_drop():
    from scipy.stats import norm
    from statsmodels.stats.multitest import multipletests
    rng = np.random.default_rng(99)
    out = ["# case NAME m alpha; rows: ref ref_se win win_se higher min_effect"
           " -> tested p p_adj dropped"]
    cases = []
    for c in range(6):
        m = int(rng.integers(1, 7))
        rows = []
        for j in range(m):
            ref = float(rng.uniform(0.6, 0.95))
            win = ref - float(rng.normal(0.03, 0.04))
            rows.append([ref, float(rng.uniform(0.002, 0.02)), win,
                         float(rng.uniform(0.005, 0.03)), int(rng.integers(0, 2)),
                         float(rng.choice([0.0, 0.01, 0.02]))])
        cases.append(("random%d" % c, rows, 0.05))
    cases.append(("one_untested", [[0.9, 0.0, 0.8, 0.0, 1, 0.0],
                                   [0.9, 0.01, 0.85, 0.01, 1, 0.0],
                                   [0.2, 0.01, 0.25, 0.02, 0, 0.01]], 0.01))
    for name, rows, alpha in cases:
        out.append("case %s %d %s" % (name, len(rows), r(alpha)))
        ps, idx = [], []
        res = []
        for j, (ref, rse, win, wse, hib, me) in enumerate(rows):
            d = ref - win if hib else win - ref
            se = math.sqrt(rse * rse + wse * wse)
            if se == 0:
                res.append([0, float("nan")])
                continue
            z = (d - me) / se
            res.append([1, norm.sf(z)])
            ps.append(norm.sf(z))
            idx.append(j)
        adj = multipletests(ps, method="holm")[1] if ps else []
        for j, row in enumerate(rows):
            tested, pv = res[j]
            pa = adj[idx.index(j)] if tested else float("nan")
            d = row[0] - row[2] if row[4] else row[2] - row[0]
            dropped = int(tested and pa < alpha and d > row[5])
            out.append(" ".join(r(v) for v in row[:4]) + " %d %s -> %d %s %s %d" % (
                row[4], r(row[5]), tested, r(pv), r(pa), dropped))
        out.append("end")
    with open(os.path.join(DATA, "quality_drop.txt"), "w") as f:
        f.write("\n".join(out) + "\n")


def gen_cbpe():
    from sklearn.metrics import auc
    rng = np.random.default_rng(11)
    out = ["# case NAME nref nwin threshold; ref rows: score y; window rows: score;"
           " then tp fp fn tn accuracy precision recall f1 roc_auc; end"]

    def sig(z):
        return 1 / (1 + np.exp(-z))

    for name, nref, nwin, shift, thr in (("noshift", 3000, 800, 0.0, 0.5),
                                         ("shift1", 3000, 800, 1.0, 0.5),
                                         ("threshold03", 2000, 500, 0.5, 0.3)):
        x = rng.normal(0, 1, nref)
        s = sig(2 * (1.5 * x + 0.3) + 0.5)
        y = (rng.uniform(0, 1, nref) < sig(1.5 * x + 0.3)).astype(int)
        xw = rng.normal(shift, 1, nwin)
        sw = sig(2 * (1.5 * xw + 0.3) + 0.5)
        cal = IsotonicRegression(out_of_bounds="clip", y_min=0, y_max=1,
                                 increasing=True).fit(s, y)
        p = cal.predict(sw)
        yp = (sw >= thr).astype(int)
        tp = np.sum(np.where(yp == 1, p, 0)); fp = np.sum(np.where(yp == 1, 1 - p, 0))
        fn = np.sum(np.where(yp == 0, p, 0)); tn = np.sum(np.where(yp == 0, 1 - p, 0))
        acc = (tp + tn) / nwin
        prec = tp / (tp + fp); rec = tp / (tp + fn)
        f1 = tp / (tp + 0.5 * (fp + fn))
        # NannyML estimate_roc_auc (scores have no ties here), no rounding
        order = np.argsort(sw)[::-1]
        ps = p[order]
        tps = np.r_[0, np.cumsum(ps)]
        fps = np.r_[0, 1 + np.arange(len(ps)) - np.cumsum(ps)]
        roc = auc(fps / fps[-1], tps / tps[-1])
        out.append("case %s %d %d %s" % (name, nref, nwin, r(thr)))
        for a, b in zip(s, y):
            out.append("%s %d" % (r(a), b))
        for a in sw:
            out.append(r(a))
        out.append(" ".join(r(v) for v in (tp, fp, fn, tn, acc, prec, rec, f1, roc)))
        out.append("end")
    with open(os.path.join(DATA, "quality_cbpe.txt"), "w") as f:
        f.write("\n".join(out) + "\n")


gen_class()
gen_regress()
gen_drop()
gen_cbpe()
gen_isotonic()
