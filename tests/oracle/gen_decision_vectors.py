#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Reference vectors for the drift decision's statistics (src/stats/
multitest.c, src/stats/psi.c), computed by independent implementations:

  tests/data/holm_cases.txt   statsmodels.stats.multitest.multipletests(p,
                              method='holm')[1] for families of p-values,
                              with ties, NaNs, zeros, ones and clipping
  tests/data/psi_cases.txt    PSI of two count vectors of unequal totals,
                              with empty bins, smoothed as docs/statistics
                              and src/stats/psi.c document (alpha = 0.5 added
                              to every bin on both sides), computed as the
                              symmetric Kullback-Leibler divergence
                              scipy.stats.entropy(a, e) + entropy(e, a) of
                              the smoothed counts (entropy normalises them),
                              not by the C code's formula

Run it with Debian's interpreter (the python3 on PATH may lack statsmodels):

    /usr/bin/python3 tests/oracle/gen_decision_vectors.py

The C tests (tests/unit/test_detect.c) read only these files.  Formats,
one case after another ('#' starts a comment):

    holm M <label>        then M p-values, then M adjusted values
    psi B <label>         then B expected counts, B actual counts, the PSI

Floats are written with repr() (the shortest string that reads back to
the same double); NaN as "nan".
"""

import os

import numpy as np
import scipy
import scipy.stats as st
import statsmodels
from statsmodels.stats.multitest import multipletests

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
DATA = os.path.join(ROOT, "tests", "data")
PSI_ALPHA = 0.5  # DM_PSI_ALPHA


def r(x):
    x = float(x)
    return "nan" if np.isnan(x) else repr(x)


def holm_families():
    rng = np.random.default_rng(20261204)
    fams = [
        ("distinct", [0.01, 0.04, 0.03, 0.005, 0.2]),
        ("one", [0.03]),
        ("one-nan", [float("nan")]),
        ("ties", [0.01, 0.01, 0.04, 0.04, 0.5]),
        ("all-tied", [0.02] * 6),
        ("nans", [0.01, float("nan"), 0.04, 0.03, float("nan"), 0.2]),
        ("all-nan", [float("nan")] * 3),
        ("zeros-ones", [0.0, 1.0, 0.0, 0.5, 1.0]),
        ("clipping", [0.3, 0.4, 0.25, 0.9, 0.35]),
        # (m - i) p decreases along the sorted order: the running
        # maximum decides every value after the first
        ("running-max", [0.001, 0.0011, 0.0012, 0.0013, 0.0014, 0.9]),
        ("tiny", [1e-300, 5e-200, 1e-16, 2e-16, 0.5]),
    ]
    # a drift run: 50 features, 5 shifted, the rest uniform
    p = rng.uniform(size=50)
    p[[3, 11, 20, 33, 41]] = rng.uniform(1e-12, 1e-4, size=5)
    fams.append(("fifty", list(p)))
    # ties from rounding and NaNs in a large family
    p = np.round(rng.uniform(size=400) ** 3, 3)
    p[rng.choice(400, size=7, replace=False)] = np.nan
    fams.append(("large-rounded", list(p)))
    return fams


def write_holm(path):
    with open(path, "w") as f:
        f.write("# statsmodels %s multipletests(p, method='holm')[1]\n"
                % statsmodels.__version__)
        f.write("# (tests/oracle/gen_decision_vectors.py)\n")
        for label, p in holm_families():
            p = np.array(p, dtype=float)
            adj = multipletests(p, method="holm")[1]
            f.write("holm %d %s\n" % (len(p), label))
            f.write(" ".join(r(x) for x in p) + "\n")
            f.write(" ".join(r(x) for x in adj) + "\n")


def psi_oracle(e, a):
    es = np.asarray(e, dtype=float) + PSI_ALPHA
    as_ = np.asarray(a, dtype=float) + PSI_ALPHA
    return st.entropy(as_, es) + st.entropy(es, as_)


def psi_cases():
    rng = np.random.default_rng(7)
    cases = [
        ("equal-sizes", [50, 30, 20], [20, 30, 50]),
        ("unequal-sizes", [500, 300, 200], [20, 30, 50]),
        ("unequal-same-shape", [5000, 3000, 2000], [50, 30, 20]),
        ("empty-expected-bin", [100, 0, 50], [40, 30, 30]),
        ("empty-actual-bin", [100, 60, 40], [0, 70, 30]),
        ("both-empty-bin", [100, 0, 40], [7, 0, 300]),
        ("two-bins", [1, 999], [999, 1]),
        ("identical", [10, 20, 30, 40], [10, 20, 30, 40]),
        ("proportional", [10, 20, 30, 40], [100, 200, 300, 400]),
    ]
    for k, ne, na in [(10, 20000, 100), (10, 20000, 1000), (10, 300, 5000),
                      (25, 1000, 37), (100, 100000, 1000), (2, 10, 1000000)]:
        pe = rng.dirichlet(np.ones(k))
        pa = 0.7 * pe + 0.3 * rng.dirichlet(np.ones(k))
        e = rng.multinomial(ne, pe)
        a = rng.multinomial(na, pa)
        cases.append(("random-%d-%d-%d" % (k, ne, na), list(e), list(a)))
    return cases


def write_psi(path):
    with open(path, "w") as f:
        f.write("# scipy %s: entropy(a+0.5, e+0.5) + entropy(e+0.5, a+0.5)\n"
                % scipy.__version__)
        f.write("# (tests/oracle/gen_decision_vectors.py)\n")
        for label, e, a in psi_cases():
            f.write("psi %d %s\n" % (len(e), label))
            f.write(" ".join(str(int(x)) for x in e) + "\n")
            f.write(" ".join(str(int(x)) for x in a) + "\n")
            f.write(r(psi_oracle(e, a)) + "\n")


write_holm(os.path.join(DATA, "holm_cases.txt"))
write_psi(os.path.join(DATA, "psi_cases.txt"))
