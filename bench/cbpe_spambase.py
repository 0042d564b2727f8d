#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""CBPE on real data: how far driftmon's estimated accuracy and ROC AUC
are from the realized ones under covariate shift of growing strength, and
where the estimate fails (concept shift).  docs/model-quality.md shows
the table this prints.

    bench/cbpe_spambase.py path/to/driftmon [--windows N] [--seed S]

Data: the spambase data set (4,601 e-mails, 57 features) as Debian's
r-cran-kernlab ships it (`data(spam, package = "kernlab")`; needs
Rscript: `scripts/deps.sh bench` installs it).  Model: scikit-learn's
logistic regression on log1p-scaled features, trained on 40% of the rows;
30% are the reference (validation) set given to `driftmon reference`; the
other 30% are the pool the windows are drawn from.

Windows (1,000 rows each, drawn with replacement from the pool):
  * covariate shift of strength s: rows weighted by exp(s * z), z the
    standardised log1p(capitalRunLengthTotal) -- P(label | e-mail) is
    untouched, only the mix of e-mails moves;
  * covariate shift toward the e-mails the model is unsure of: weights
    exp(t * u), u the standardised -|logit(score)| (accuracy falls);
  * concept shift: unweighted, with a share of the labels flipped -- the
    e-mails (and scores) keep their distribution, the truth moves.
Each window is written as one hour of inference logs without labels;
`driftmon detect --format json` gives CBPE's estimate and band, compared
with the realized values on the window's true labels (scikit-learn).
"""
import argparse
import json
import math
import os
import random
import shutil
import subprocess
import sys
import tempfile

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, roc_auc_score
from sklearn.preprocessing import StandardScaler


def load_spam(tmp):
    path = os.path.join(tmp, "spam.csv")
    r = subprocess.run(["Rscript", "-e",
                        'data(spam, package = "kernlab"); '
                        'write.csv(spam, "%s", row.names = FALSE)' % path],
                       capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit("cbpe_spambase: cannot read kernlab's spam data (apt-get "
                 "install r-cran-kernlab): " + r.stderr.strip())
    with open(path) as f:
        head = f.readline().strip().replace('"', "").split(",")
        rows = [l.strip().replace('"', "").split(",") for l in f if l.strip()]
    names = head[:-1]
    x = np.array([[float(v) for v in r[:-1]] for r in rows])
    y = np.array([1 if r[-1] == "spam" else 0 for r in rows])
    return names, x, y


def write_csv(path, header, rows):
    with open(path, "w") as f:
        f.write(",".join(header) + "\n")
        for r in rows:
            f.write(",".join(r) + "\n")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("driftmon")
    ap.add_argument("--windows", type=int, default=20,
                    help="windows per scenario (default 20)")
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    dm = os.path.abspath(a.driftmon)
    tmp = tempfile.mkdtemp(prefix="dm-cbpe.")
    try:
        run(dm, tmp, a.windows, a.seed)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def run(dm, tmp, nwin, seed):
    names, x, y = load_spam(tmp)
    rng = np.random.default_rng(seed)
    idx = rng.permutation(len(y))
    n = len(y)
    tr, va, pool = idx[: int(0.4 * n)], idx[int(0.4 * n): int(0.7 * n)], idx[int(0.7 * n):]
    lx = np.log1p(x)
    sc = StandardScaler().fit(lx[tr])
    model = LogisticRegression(max_iter=5000).fit(sc.transform(lx[tr]), y[tr])
    score = model.predict_proba(sc.transform(lx))[:, 1]
    store = os.path.join(tmp, "store")
    env = dict(os.environ, DRIFTMON_STORE=store)
    fmt = lambda v: "%.10g" % v
    write_csv(os.path.join(tmp, "train.csv"), names + ["prediction"],
              [[fmt(v) for v in x[i]] + [fmt(score[i])] for i in tr])
    write_csv(os.path.join(tmp, "val.csv"), ["label", "prediction"],
              [[str(y[i]), fmt(score[i])] for i in va])
    for cmd in (["baseline", "--input", os.path.join(tmp, "train.csv")],
                ["reference", "--input", os.path.join(tmp, "val.csv")]):
        r = subprocess.run([dm] + cmd + ["--model", "spam", "--version", "v1"],
                           env=env, capture_output=True, text=True)
        if r.returncode != 0:
            sys.exit("cbpe_spambase: driftmon %s failed: %s" % (cmd[0], r.stderr))
        if cmd[0] == "reference":
            print(r.stdout.strip().splitlines()[0])
    z = lx[:, names.index("capitalTotal")]
    z = (z - z[pool].mean()) / z[pool].std()
    hour = [0]

    def window(weights, flip):
        p = weights / weights.sum()
        rows = rng.choice(pool, size=1000, replace=True, p=p)
        yy = y[rows].copy()
        if flip:
            f = rng.random(len(rows)) < flip
            yy[f] = 1 - yy[f]
        h = hour[0]
        hour[0] += 1
        day, hh = 1 + h // 24, h % 24
        d = os.path.join(store, "inference-logs/year=2025/month=03/day=%02d/hour=%02d" % (day, hh))
        os.makedirs(d, exist_ok=True)
        ts = "2025-03-%02dT%02d:30:00Z" % (day, hh)
        write_csv(os.path.join(d, "w.csv"),
                  ["timestamp", "model_name", "model_version", "request_id"] + names + ["prediction"],
                  [[ts, "spam", "v1", "r%d-%d" % (h, k)] + [fmt(v) for v in x[i]] + [fmt(score[i])]
                   for k, i in enumerate(rows)])
        at = "2025-03-%02dT%02d:00:00Z" % (day + (hh + 1) // 24, (hh + 1) % 24)
        r = subprocess.run([dm, "detect", "--model", "spam", "--version", "v1", "--at", at,
                            "--window-hours", "1", "--no-write", "--format", "json"],
                           env=env, capture_output=True, text=True)
        est = json.loads(r.stdout)["performance"]["estimated"]
        s = score[rows]
        real_acc = accuracy_score(yy, (s >= 0.5).astype(int))
        real_auc = roc_auc_score(yy, s)
        ea, eu = est["accuracy"], est["roc_auc"]
        return (real_acc, ea["value"], real_auc, eu["value"],
                ea["lower"] <= real_acc <= ea["upper"])

    print("\n| Scenario | Realized accuracy | Estimated | \\|err\\| accuracy | "
          "Realized ROC AUC | Estimated | \\|err\\| ROC AUC | Band covers accuracy |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    cases = [("covariate shift s = %g" % s, np.exp(s * z[pool]), 0.0)
             for s in (0, 0.5, 1.0, 1.5, 2.0)]
    # toward the e-mails the model is unsure of (a function of the
    # e-mail, so still a covariate shift): accuracy falls
    u = -np.abs(np.log(score[pool] / (1 - score[pool] + 1e-300) + 1e-300))
    u = (u - u.mean()) / u.std()
    cases += [("covariate shift toward unsure e-mails t = %g" % t,
               np.exp(t * u), 0.0) for t in (0.5, 1.0, 2.0)]
    cases += [("concept shift: %d%% of labels flipped" % int(f * 100),
               np.ones(len(pool)), f) for f in (0.1, 0.2)]
    for label, w, flip in cases:
        res = [window(w, flip) for _ in range(nwin)]
        m = lambda k: sum(r[k] for r in res) / len(res)
        ea = sum(abs(r[0] - r[1]) for r in res) / len(res)
        eu = sum(abs(r[2] - r[3]) for r in res) / len(res)
        cov = 100.0 * sum(r[4] for r in res) / len(res)
        print("| %s | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f | %.0f%% |"
              % (label, m(0), m(1), ea, m(2), m(3), eu, cov))
    print("\n%d windows of 1,000 rows per scenario, seed %d" % (nwin, seed))


if __name__ == "__main__":
    main()
