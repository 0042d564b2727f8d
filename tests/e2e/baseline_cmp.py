#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Compares two baseline.json files field by field (docs/fanout.md):
a merged sharded baseline against a single-process one.

    baseline_cmp.py SINGLE MERGED [--sketch-bound]

Exact: every count, name, category, role, type, reason, warning and
setting.  Moments (mean, std, m2) and the multivariate fit (means, sds,
eigenvalues, components, reference error): relative 1e-9 (Chan's merge
groups the sums differently), each component up to its sign (an
eigenvector's sign is arbitrary; the projection is the same).  Bin edges, bin counts, quantiles and
sketch points: exact by default; with --sketch-bound (inputs larger than
the sketch holds) each merged edge must sit, in the single-process
sketch's distribution, within the two stated rank-error bounds (plus
one point's weight) of the rank the single-process edge sits at, and
the sketch points are not compared one by one.  created_at and
model_version are ignored.  Prints each difference; exits 1 if any.
"""
import json
import math
import sys

ROUNDING = {"mean", "std", "m2", "means", "sds", "eigenvalues", "components",
            "reference_error", "reference_error_sd"}
SKETCHY = {"quantiles", "bins", "sketch"}
IGNORED = {"created_at", "model_version"}


def close(x, y, tol):
    if isinstance(x, (int, float)) and isinstance(y, (int, float)):
        return x == y or abs(x - y) <= tol * max(abs(x), abs(y), 1e-300) \
            or abs(x - y) <= 1e-12
    return x == y


def diff(x, y, path, tol, out, bound):
    if isinstance(x, dict) and isinstance(y, dict):
        for k in sorted(set(x) | set(y)):
            if k in IGNORED:
                continue
            if bound and k in SKETCHY:
                continue
            if k not in x or k not in y:
                out.append(f"{path}.{k}: only in {'merged' if k in y else 'single'}")
                continue
            yk = y[k]
            if k == "components" and isinstance(yk, list):
                # an eigenvector's sign is arbitrary (the projection, and
                # so the reconstruction error, is the same)
                yk = [[-v for v in r] if sum(u * v for u, v in zip(q, r)) < 0
                      else r for q, r in zip(x[k], yk)]
            diff(x[k], yk, f"{path}.{k}", 1e-9 if k in ROUNDING else tol,
                 out, bound)
    elif isinstance(x, list) and isinstance(y, list):
        if len(x) != len(y):
            out.append(f"{path}: {len(x)} items, merged {len(y)}")
            return
        for i, (u, v) in enumerate(zip(x, y)):
            diff(u, v, f"{path}[{i}]", tol, out, bound)
    elif isinstance(x, bool) or isinstance(y, bool):
        if x is not y:  # (True == 1 in Python: compared as booleans)
            out.append(f"{path}: single {x!r}, merged {y!r}")
    elif not close(x, y, tol):
        out.append(f"{path}: single {x!r}, merged {y!r}")


def cdf(sk, x):
    vals, wts = sk["values"], sk.get("weights") or [1] * len(sk["values"])
    tot = sum(wts)
    return sum(w for v, w in zip(vals, wts) if v <= x) / tot, tot


def bound_check(a, b, out):
    for fa, fb in zip(a["features"], b["features"]):
        if "sketch" not in fa or "sketch" not in fb:
            continue
        sa, sb = fa["sketch"], fb["sketch"]
        if sum(fa["bins"]["counts"]) != sum(fb["bins"]["counts"]):
            out.append(f"{fa['name']}: bin counts add up differently")
        ea, eb = fa["bins"]["edges"], fb["bins"]["edges"]
        tot = sum(sa.get("weights") or [1] * len(sa["values"]))
        wmax = max(sa.get("weights") or [1]) / tot
        allow = sa["rank_error"] + sb["rank_error"] + wmax + 1e-12
        worst = 0.0
        for x in eb:
            # the merged edge's rank in the single-process distribution
            # is within the bounds of a quantile j/nbins the single run
            # also cut at
            r, _ = cdf(sa, x)
            best = min(abs(r - cdf(sa, y)[0]) for y in ea) if ea else 1
            worst = max(worst, best)
        if worst > allow:
            out.append(f"{fa['name']}: merged edges {worst:.3g} in rank "
                       f"from the single run's (bound {allow:.3g})")


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    bound = "--sketch-bound" in sys.argv
    if len(args) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    with open(args[0]) as f:
        a = json.load(f)
    with open(args[1]) as f:
        b = json.load(f)
    out = []
    diff(a, b, "", 0.0, out, bound)
    if bound:
        bound_check(a, b, out)
    for line in out[:50]:
        print("baseline_cmp:", line)
    if len(out) > 50:
        print(f"baseline_cmp: ... {len(out) - 50} more")
    if not out:
        print(f"baseline_cmp: equal ({len(a['features'])} features, "
              f"{a['rows']} rows{', sketch within its bound' if bound else ''})")
    return 1 if out else 0


if __name__ == "__main__":
    sys.exit(main())
