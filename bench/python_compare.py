#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Benchmark driver of the "python" section (bench/sections/50-python.sh).

  python_compare.py convert IN.csv OUT.pkl
      the CSV as a pickled DataFrame (loading it costs the same for every
      engine below, and much less than parsing CSV)
  python_compare.py frames --engine driftmon|pandas-scipy REF.pkl CUR.pkl OUT.json
      loads both DataFrames, then times only the comparison:
        driftmon      driftmon.compare(ref_df, cur_df) (baseline of the
                      reference, profile of the current, report)
        pandas-scipy  the peer's baseline_frame + detect_frames on the
                      same DataFrames (bench/peers/pandas_scipy_drift.py)
      and writes the report; "compare: S s" on stderr
  python_compare.py files REF.csv CUR.csv OUT.json
      driftmon.compare on the two file paths, as `driftmon compare` does:
      the difference to the CLI is the Python layer's overhead

The driftmon package is imported from PYTHONPATH (build/python).
"""
import importlib.util
import json
import os
import sys
import time


def _peer():
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "peers",
                        "pandas_scipy_drift.py")
    spec = importlib.util.spec_from_file_location("peer", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def main(argv):
    import pandas as pd
    if argv[0] == "convert":
        pd.read_csv(argv[1], float_precision="round_trip").to_pickle(argv[2])
        return 0
    if argv[0] == "frames":
        engine, ref_p, cur_p, out = argv[2], argv[3], argv[4], argv[5]
        ref, cur = pd.read_pickle(ref_p), pd.read_pickle(cur_p)
        t0 = time.perf_counter()
        if engine == "driftmon":
            import driftmon
            text = driftmon.compare(ref, cur).json
        else:
            peer = _peer()
            base = peer.baseline_frame(ref, 10)
            text = json.dumps(peer.detect_frames(base, ref, cur),
                              default=lambda o: o.item())
        dt = time.perf_counter() - t0
        print(f"compare: {dt:.3f} s ({engine}, {len(ref)} + {len(cur)} "
              f"rows x {ref.shape[1]} columns)", file=sys.stderr)
        with open(out, "w") as f:
            f.write(text)
        return 0
    if argv[0] == "files":
        import driftmon
        with open(argv[3], "w") as f:
            f.write(driftmon.compare(argv[1], argv[2]).json)
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
