#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Sanity check of the benchmark: driftmon and the peer agree.

  check_verdicts.py [--expect-drifted K] DRIFTMON_REPORT PEER_REPORT

DRIFTMON_REPORT is driftmon's drift report (drift-reports/<model>/latest.json),
PEER_REPORT the JSON written by bench/peers/pandas_scipy_drift.py detect.
Passes (exit 0) when
  - both detect drift, and flag exactly the same features, at least K of
    them (the benchmark data shifts K features);
  - for every feature, driftmon's KS D is within its reported error bound
    (ks_statistic_error_bound, 0 when exact) of scipy's, plus 1e-9: the
    two implementations computed the same statistic.
Otherwise prints what differs and exits 1.  The last line is a one-line
summary.
"""
import argparse
import json
import sys


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--expect-drifted", type=int, default=1)
    ap.add_argument("driftmon_report")
    ap.add_argument("peer_report")
    a = ap.parse_args()
    with open(a.driftmon_report) as f:
        dm = json.load(f)
    with open(a.peer_report) as f:
        peer = json.load(f)

    problems = []
    dm_f = {x["name"]: x for x in dm["features"]}
    pe_f = {x["name"]: x for x in peer["features"]}
    dm_set = {n for n, x in dm_f.items() if x.get("drifted")}
    pe_set = {n for n, x in pe_f.items() if x.get("drifted")}

    if not dm.get("drift_detected") or not peer.get("drift_detected"):
        problems.append(f"drift_detected: driftmon {dm.get('drift_detected')}"
                        f", peer {peer.get('drift_detected')}")
    if dm_set != pe_set:
        problems.append(f"drifted features differ: only driftmon "
                        f"{sorted(dm_set - pe_set)}, only peer "
                        f"{sorted(pe_set - dm_set)}")
    if len(dm_set) < a.expect_drifted:
        problems.append(f"{len(dm_set)} features flagged, expected at least "
                        f"{a.expect_drifted}")
    if set(dm_f) != set(pe_f):
        problems.append(f"feature sets differ: "
                        f"{sorted(set(dm_f) ^ set(pe_f))}")

    worst = (0.0, None)
    for name in sorted(set(dm_f) & set(pe_f)):
        d1 = dm_f[name].get("ks_statistic")
        d2 = pe_f[name].get("ks_statistic")
        if d1 is None or d2 is None:
            problems.append(f"{name}: KS D missing")
            continue
        bound = dm_f[name].get("ks_statistic_error_bound") or 0.0
        diff = abs(d1 - d2)
        if diff > worst[0]:
            worst = (diff, name)
        if diff > bound + 1e-9:
            problems.append(f"{name}: KS D driftmon {d1:.6g}, scipy "
                            f"{d2:.6g}, |diff| {diff:.3g} > bound {bound:.3g}")

    for p in problems:
        print("  " + p)
    flagged = ", ".join(sorted(dm_set)) or "-"
    if problems:
        print(f"DISAGREE: {len(problems)} problem(s); driftmon flagged "
              f"{flagged}")
        return 1
    print(f"agree: both flag {len(dm_set)}/{len(dm_f)} ({flagged}); "
          f"KS D within bound (max |diff| {worst[0]:.2g})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
