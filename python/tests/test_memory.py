# SPDX-License-Identifier: Apache-2.0
"""float64 columns are read in place, and nothing leaks.

Zero copy: profiling a DataFrame allocates nothing proportional to its
rows -- neither Python objects (tracemalloc sees NumPy's buffers) nor C
memory (the peak RSS of the process).  Reference counts: the DataFrame,
its arrays and the objects the package returns keep their counts over
many calls, and repeated calls do not grow memory.
"""
import gc
import os
import resource
import sys
import tracemalloc

import numpy as np
import pandas as pd

import driftmon

ROWS = 3_000_000  # 24 MB per column
# Under ASan (tests/suites/python.sh) the peak RSS includes the shadow
# memory and quarantine: only the Python-side bounds are checked there.
SAN = os.environ.get("DM_PY_SAN") == "1"


def _maxrss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def test_float64_columns_are_not_copied():
    rng = np.random.default_rng(0)
    df = pd.DataFrame({"a": rng.normal(size=ROWS),
                       "b": rng.exponential(size=ROWS)})
    df.loc[::1000, "a"] = np.nan  # NaN = missing: still no copy
    cur = pd.DataFrame({"a": rng.normal(0.1, 1, ROWS),
                        "b": rng.exponential(size=ROWS)})
    driftmon.compare(df.iloc[:1000], cur.iloc[:1000])  # warm up
    gc.collect()
    rss0 = _maxrss_mb()
    tracemalloc.start()
    base = driftmon.baseline(df)
    report = driftmon.compare(base, cur)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss1 = _maxrss_mb()
    assert base.rows == ROWS
    assert report.to_dict()["features"][0]["baseline"]["missing"] == \
        ROWS // 1000
    # a copy of one column would be 24 MB (Python) or raise the peak RSS
    # by as much (C); what is allowed is bounded by batches and sketches
    assert peak < 2 * 1024 * 1024, f"Python allocated {peak} bytes"
    if not SAN:
        assert rss1 - rss0 < 12, f"peak RSS grew {rss1 - rss0:.1f} MB"


def test_integer_and_bool_columns_bounded_too():
    n = 2_000_000
    df = pd.DataFrame({"i": np.arange(n, dtype=np.int32) % 97,
                       "f": np.zeros(n, dtype=bool)})
    df.loc[::3, "f"] = True
    tracemalloc.start()
    base = driftmon.baseline(df)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert base.rows == n
    assert peak < 2 * 1024 * 1024, f"Python allocated {peak} bytes"


def test_reference_counts_do_not_change():
    rng = np.random.default_rng(1)
    df = pd.DataFrame({"a": rng.normal(size=500),
                       "c": rng.choice(["x", "y"], 500)})
    arr = df["a"].to_numpy()
    base = driftmon.baseline(df)
    before = (sys.getrefcount(df), sys.getrefcount(arr),
              sys.getrefcount(base), sys.getrefcount(base._p))
    for _ in range(300):
        r = driftmon.compare(base, df)
        driftmon.profile(df, base)
        driftmon.baseline(df).to_json()
    del r
    gc.collect()
    after = (sys.getrefcount(df), sys.getrefcount(arr),
             sys.getrefcount(base), sys.getrefcount(base._p))
    assert before == after


def test_no_growth_over_many_calls(tmp_path):
    rng = np.random.default_rng(2)
    df = pd.DataFrame({"a": rng.normal(size=2000),
                       "c": rng.choice(["x", "y", "z"], 2000)})
    path = tmp_path / "d.csv"
    df.to_csv(path, index=False)

    def work():
        for _ in range(50):
            base = driftmon.baseline(df, model="m", version="v")
            driftmon.compare(base, df).to_frame()
            driftmon.compare(str(path), str(path))
            try:
                driftmon.baseline(pd.DataFrame({"a": [np.inf]}))
            except driftmon.FormatError:
                pass

    work()
    gc.collect()
    rss0 = _maxrss_mb()
    tracemalloc.start()
    snap0 = tracemalloc.take_snapshot()
    work()
    gc.collect()
    snap1 = tracemalloc.take_snapshot()
    tracemalloc.stop()
    grown = sum(s.size_diff for s in snap1.compare_to(snap0, "filename"))
    assert grown < 256 * 1024, f"Python memory grew by {grown} bytes"
    if not SAN:
        assert _maxrss_mb() - rss0 < 8
