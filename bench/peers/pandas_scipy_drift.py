#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""The pandas + scipy drift job that driftmon replaces (benchmark peer).

This is the script a data-science team typically writes first: load the
whole CSV into a DataFrame, describe every column, cut it into quantile
bins, and later compare a new batch against it with PSI and
scipy.stats.ks_2samp.  It is written the way such a script is written when
someone cares about speed: vectorised pandas / NumPy calls over whole
columns (no Python loops over rows), the C CSV parser, one pass per
statistic.  Nothing is made deliberately slow.

It computes the same job as `driftmon baseline` and `driftmon detect` on
numeric features, with the same statistics and the same decision rule, so
that the benchmark compares like with like and its sanity check can ask
whether both reach the same verdict:

  baseline  per feature: count, missing, mean, std (ddof = 1), min, max,
            quantiles (1, 5, 10, 25, 50, 75, 90, 95, 99 %), and PSI bins:
            the 10 % ... 90 % quantiles as edges (duplicates and edges at
            the maximum dropped, outer bins open), with the proportion of
            training rows in each bin; written as JSON.
  detect    per feature: PSI of the current data over the baseline bins
            (empty bins smoothed by adding 0.5 to every count, as driftmon
            documents), and the two-sample KS test of the current column
            against the *training* column (scipy.stats.ks_2samp, method
            'auto').  KS needs the raw training values, so this script
            reads the training CSV again, as such scripts do.  Verdict as
            driftmon's: Holm-adjusted KS p-value < alpha (0.05) and an
            effect size that matters (PSI >= 0.1 or KS D >= 0.05).

Differences from driftmon that do not change the work done: bin edges come
from pandas' linearly interpolated quantiles (driftmon uses lower
quantiles of its sketch), so PSI values can differ slightly on integer
features; categorical (text) columns are skipped (the benchmark data is
numeric only).

Usage:
  pandas_scipy_drift.py baseline --input train.csv --output baseline.json
  pandas_scipy_drift.py detect --baseline baseline.json \\
      --reference train.csv --input current.csv --output report.json

Timings of the phases (read, statistics, write) go to stderr.
"""
import argparse
import json
import sys
import time

import numpy as np
import pandas as pd
from scipy import stats

# Columns of inference logs that are never features (as in driftmon).
NON_FEATURES = {"timestamp", "model_name", "model_version", "request_id"}
QUANTILES = [0.01, 0.05, 0.10, 0.25, 0.50, 0.75, 0.90, 0.95, 0.99]
PSI_ALPHA = 0.5  # additive smoothing of bin counts
PSI_MINOR = 0.1  # PSI at which a shift is big enough to matter
MIN_KS_D = 0.05  # KS D at which a shift is big enough to matter
ALPHA = 0.05  # family-wise significance level


class Phases:
    """Wall-clock time of each phase, printed to stderr at the end."""

    def __init__(self):
        self.t0 = self.last = time.perf_counter()
        self.parts = []

    def mark(self, name):
        now = time.perf_counter()
        self.parts.append((name, now - self.last))
        self.last = now

    def report(self, job):
        parts = ", ".join(f"{n} {s:.2f} s" for n, s in self.parts)
        total = time.perf_counter() - self.t0
        print(f"peer {job}: {parts}; total {total:.2f} s", file=sys.stderr)


def numeric_features(df):
    """Numeric columns that are features, in file order."""
    return [c for c in df.select_dtypes(include="number").columns
            if c not in NON_FEATURES]


def bin_counts(values, edges):
    """Counts per bin; bin i holds edges[i-1] < x <= edges[i] (outer bins
    open), i.e. the bin index is the number of edges strictly below x."""
    idx = np.searchsorted(edges, values, side="left")
    return np.bincount(idx, minlength=len(edges) + 1)


def psi(expected_counts, actual_counts):
    """PSI = sum (a - e) ln(a / e) over smoothed proportions."""
    e = np.asarray(expected_counts, dtype=float) + PSI_ALPHA
    a = np.asarray(actual_counts, dtype=float) + PSI_ALPHA
    e /= e.sum()
    a /= a.sum()
    return float(np.sum((a - e) * np.log(a / e)))


def holm(pvalues):
    """Holm (1979) step-down adjusted p-values."""
    p = np.asarray(pvalues, dtype=float)
    m = len(p)
    order = np.argsort(p, kind="stable")
    adj = np.minimum(1.0, (m - np.arange(m)) * p[order])
    adj = np.maximum.accumulate(adj)
    out = np.empty(m)
    out[order] = adj
    return out


def baseline_frame(df, bins, ph=None):
    """The baseline of a DataFrame (the JSON document cmd_baseline
    writes); ph marks the phases when given."""
    feats = numeric_features(df)
    x = df[feats]
    count = x.count()
    missing = x.isna().sum()
    mean = x.mean()
    std = x.std()
    vmin = x.min()
    vmax = x.max()
    # One quantile pass (one sort per column) for the reported quantiles
    # and the bin edges together.
    edge_levels = [round(j / bins, 10) for j in range(1, bins)]
    quant = x.quantile(sorted(set(QUANTILES) | set(edge_levels)))
    if ph:
        ph.mark("describe+quantiles")

    features = []
    for c in feats:
        col = x[c].dropna().to_numpy()
        edges = np.unique(quant.loc[edge_levels, c].to_numpy())
        edges = edges[edges < vmax[c]]  # an edge at the max empties a bin
        counts = bin_counts(col, edges)
        features.append({
            "name": c,
            "count": int(count[c]),
            "missing": int(missing[c]),
            "mean": float(mean[c]),
            "std": float(std[c]),
            "min": float(vmin[c]),
            "max": float(vmax[c]),
            "quantiles": {f"p{round(q * 100):02d}": float(quant.at[q, c])
                          for q in QUANTILES},
            "bins": {"edges": edges.tolist(),
                     "counts": counts.tolist(),
                     "proportions": (counts / max(len(col), 1)).tolist()},
        })
    if ph:
        ph.mark("bins")
    return {"rows": len(df), "features": features}


def cmd_baseline(args):
    ph = Phases()
    df = pd.read_csv(args.input)
    ph.mark("read_csv")
    doc = baseline_frame(df, args.bins, ph)

    with open(args.output, "w") as f:
        json.dump(doc, f)
    ph.mark("write")
    ph.report("baseline")
    print(f"Baseline: {len(df)} rows, {len(doc['features'])} features -> "
          f"{args.output}")
    return 0


def detect_frames(base, ref, cur):
    """The drift report (cmd_detect's JSON document) of DataFrame cur
    against baseline document base and the training DataFrame ref (KS
    needs its raw values)."""
    rows = []
    for b in base["features"]:
        c = b["name"]
        if c not in cur.columns:
            continue
        a = cur[c].dropna().to_numpy()
        r = ref[c].dropna().to_numpy()
        counts = bin_counts(a, np.asarray(b["bins"]["edges"], dtype=float))
        ks = stats.ks_2samp(r, a)
        rows.append({
            "name": c,
            "psi": psi(b["bins"]["counts"], counts),
            "ks_statistic": float(ks.statistic),
            "ks_pvalue": float(ks.pvalue),
            "missing_rate": float(cur[c].isna().mean()),
            "mean": float(np.mean(a)) if len(a) else None,
        })

    res = pd.DataFrame(rows)
    res["pvalue_adjusted"] = holm(res["ks_pvalue"])
    res["drifted"] = (res["pvalue_adjusted"] < ALPHA) & (
        (res["psi"] >= PSI_MINOR) | (res["ks_statistic"] >= MIN_KS_D))
    res["status"] = np.where(
        res["drifted"], "drift",
        np.where((res["psi"] >= PSI_MINOR) | (res["ks_pvalue"] < 0.05),
                 "minor", "none"))
    drifted = res.loc[res["drifted"]].sort_values(
        ["psi", "ks_statistic"], ascending=False)
    score = len(drifted) / max(len(res), 1)
    report = {
        "samples": len(cur),
        "drift_detected": bool(len(drifted) > 0),
        "drift_score": score,
        "features_drifted": int(len(drifted)),
        "features_total": int(len(res)),
        "features": res.to_dict(orient="records"),
    }
    return report


def cmd_detect(args):
    ph = Phases()
    with open(args.baseline) as f:
        base = json.load(f)
    feats = [b["name"] for b in base["features"]]
    cur = pd.read_csv(args.input)
    ph.mark("read_csv current")
    ref = pd.read_csv(args.reference, usecols=feats)
    ph.mark("read_csv reference")

    report = detect_frames(base, ref, cur)
    ph.mark("psi+ks")
    res = pd.DataFrame(report["features"])
    drifted = res.loc[res["drifted"]].sort_values(
        ["psi", "ks_statistic"], ascending=False)
    score = report["drift_score"]
    with open(args.output, "w") as f:
        json.dump(report, f, default=lambda o: o.item())
    ph.mark("write")
    ph.report("detect")

    print("=" * 60)
    print("DRIFT DETECTION SUMMARY (pandas + scipy peer)")
    print("=" * 60)
    print(f"Samples analyzed: {len(cur)}")
    print(f"Overall drift detected: {'YES' if len(drifted) else 'NO'}")
    print(f"Drift score: {100 * score:.1f}%")
    print(f"Features drifted: {len(drifted)}/{len(res)}")
    print(f"Drifted features: {', '.join(drifted['name']) or '-'}")
    print("=" * 60)
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("baseline", help="profile training data")
    b.add_argument("--input", required=True)
    b.add_argument("--output", required=True)
    b.add_argument("--bins", type=int, default=10)
    d = sub.add_parser("detect", help="compare current data with baseline")
    d.add_argument("--baseline", required=True)
    d.add_argument("--reference", required=True,
                   help="the training CSV (KS needs its raw values)")
    d.add_argument("--input", required=True)
    d.add_argument("--output", required=True)
    args = ap.parse_args()
    return cmd_baseline(args) if args.cmd == "baseline" else cmd_detect(args)


if __name__ == "__main__":
    sys.exit(main())
