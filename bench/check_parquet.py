#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Sanity checks of the Parquet benchmark: driftmon against DuckDB.

  check_parquet.py baseline DRIFTMON_BASELINE.json DUCKDB_BASELINE.json
      Same features; per feature the same count and null count, the same
      min and max, mean and standard deviation equal to 1e-9 (relative to
      the spread); and DuckDB's exact deciles where driftmon's stored
      sketch puts them: for each exact decile x_q, the sketch's fraction
      of values below x_q is at most q + e and its fraction at or below
      x_q at least q - e, e being the sketch's stated rank error (plus
      2/n for the quantile convention).
  check_parquet.py detect DRIFTMON_REPORT.json DUCKDB_DETECT.json
      Same features; per feature the same count, null count, min and max,
      mean and standard deviation to 1e-9, the same bin edges, and
      exactly the same count in every bin (driftmon's report gives
      proportions of the current count; DuckDB's histogram() counts).

Prints one line per problem (at most 20) and a closing summary line;
exit status 0 when everything agrees, 1 otherwise.
"""
import bisect
import json
import math
import sys


def load(path):
    with open(path) as f:
        return json.load(f)


def close(a, b, scale, tol=1e-9):
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= tol * max(scale, abs(a), abs(b), 1e-300)


def moments(problems, name, dm, dk):
    """dm: driftmon's stats (count, missing, mean, std, min, max)."""
    for k in ("count", "missing"):
        if int(dm[k]) != int(dk[k]):
            problems.append(f"{name}: {k} {dm[k]} vs DuckDB {dk[k]}")
    if not dm["count"]:
        return
    for k in ("min", "max"):
        if dm[k] != dk[k]:
            problems.append(f"{name}: {k} {dm[k]!r} vs DuckDB {dk[k]!r}")
    spread = (dk["std"] or 0) + abs(dk["mean"] or 0)
    for k in ("mean", "std"):
        if dk[k] is None and dm["count"] < 2:
            continue
        if not close(dm[k], dk[k], spread):
            problems.append(f"{name}: {k} {dm[k]!r} vs DuckDB {dk[k]!r}")


def check_baseline(dm_path, dk_path):
    dm, dk = load(dm_path), load(dk_path)
    problems, worst, nq = [], 0.0, 0
    mine = {f["name"]: f for f in dm["features"] if f["type"] == "numeric"}
    theirs = {f["name"]: f for f in dk["features"]}
    if sorted(mine) != sorted(theirs):
        problems.append(f"features differ: {sorted(set(mine) ^ set(theirs))}")
    err = 0.0
    for name in sorted(set(mine) & set(theirs)):
        f, g = mine[name], theirs[name]
        moments(problems, name, f, g)
        sk = f.get("sketch") or {}
        vals, wts = sk.get("values") or [], sk.get("weights") or []
        total = float(sum(wts))
        if not f["count"] or not total:
            continue
        err = float(sk.get("rank_error", 0))
        cum = [0.0]
        for w in wts:
            cum.append(cum[-1] + w)
        slack = err + 2.0 / f["count"] + 1e-12
        for p in range(10, 100, 10):
            x = g["quantiles"].get(f"p{p}")
            if x is None:
                continue
            q = p / 100.0
            below = cum[bisect.bisect_left(vals, x)] / total
            at_or_below = cum[bisect.bisect_right(vals, x)] / total
            off = max(below - q, q - at_or_below, 0.0)
            worst = max(worst, off)
            nq += 1
            if off > slack:
                problems.append(
                    f"{name}: exact p{p} = {x!r} is at rank {below:.6f}.."
                    f"{at_or_below:.6f} of driftmon's sketch (rank error "
                    f"{err:g})")
    return problems, (
        f"{len(theirs)} features: counts, nulls, min, max equal; mean, std "
        f"within 1e-9; {nq} exact deciles within the sketch's rank error "
        f"{err:g} (largest rank distance beyond the decile {worst:.2g})")


def check_detect(report_path, dk_path):
    rep, dk = load(report_path), load(dk_path)
    problems, nbins = [], 0
    mine = {f["name"]: f for f in rep["features"] if f["type"] == "numeric"}
    theirs = {f["name"]: f for f in dk["features"]}
    if sorted(mine) != sorted(theirs):
        problems.append(f"features differ: {sorted(set(mine) ^ set(theirs))}")
    for name in sorted(set(mine) & set(theirs)):
        f, g = mine[name], theirs[name]
        cur = f["current"]
        moments(problems, name, cur, g)
        edges = f.get("bin_edges") or []
        if [float(e) for e in edges] != [float(e) for e in g["edges"]]:
            problems.append(f"{name}: bin edges differ")
            continue
        props = cur.get("bin_proportions") or []
        counts = [round(p * cur["count"]) for p in props]
        if len(counts) != len(g["counts"]) or any(
                a != b for a, b in zip(counts, g["counts"])):
            problems.append(f"{name}: bin counts {counts} vs DuckDB "
                            f"{g['counts']}")
        nbins += len(counts)
    return problems, (
        f"{len(theirs)} features: counts, nulls, min, max equal; mean, std "
        f"within 1e-9; all {nbins} bin counts equal")


def main():
    if len(sys.argv) != 4 or sys.argv[1] not in ("baseline", "detect"):
        print(__doc__.strip().split("\n\n")[1], file=sys.stderr)
        return 2
    fn = check_baseline if sys.argv[1] == "baseline" else check_detect
    try:
        problems, summary = fn(sys.argv[2], sys.argv[3])
    except (OSError, ValueError, KeyError, TypeError) as e:
        print(f"check_parquet: {e}")
        return 1
    for p in problems[:20]:
        print(p)
    if problems:
        print(f"DISAGREE: {len(problems)} problem(s)")
        return 1
    print(f"agree: {summary}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
