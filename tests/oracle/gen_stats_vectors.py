#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Reference vectors for the KS and chi-square code in src/stats.

Writes, from fixed seeds, what Debian 12's scipy (1.10.1, numpy 1.24)
computes for

  tests/data/ks_cases/*.txt     ks_2samp(x, y) on sample pairs (statistic,
                                p-value, method), listed in ks_cases/INDEX
  tests/data/ks_pvalue.txt      the p-value step of ks_2samp for given
                                (D, n1, n2)
  tests/data/kstwo_sf.txt       scipy.stats.kstwo.sf(d, n), labelled with the
                                branch of scipy's _kolmogn that computes it
  tests/data/chi2_sf.txt        scipy.stats.chi2.sf(x, df)
  tests/data/chi2_contingency.txt
                                chi2_contingency(table, correction=False)

Run it with Debian's interpreter (the python3 on PATH may lack scipy):

    /usr/bin/python3 tests/oracle/gen_stats_vectors.py

The C tests (tests/unit/test_ks.c, test_chi2.c) read only these files.

How samples are stored.  ks_2samp's D depends on the samples only through
the order of the pooled values (np.searchsorted), so a sample pair is stored
as its pooled sorted sequence of distinct values, each with its count in x
and in y, run-length encoded:

    xK   K consecutive distinct values, each once in x only
    yK   the same for y
    a:b  one distinct value, a times in x and b times in y

The C test gives the i-th distinct value the value i (any increasing map
gives the same D and p), rebuilds both samples and shuffles them.  Cases
with published expected values also carry the numbers printed in scipy's
own test suite (scipy/stats/tests/test_stats.py, class TestKSTwoSamples),
which scipy checks to 6 decimals.

All floats are written with repr(), i.e. the shortest string that reads
back to the same double.
"""

import math
import os
import sys
import warnings

import numpy as np
import scipy
import scipy.stats as st
from scipy.stats import chi2_contingency
from scipy.stats._stats_py import _attempt_exact_2kssamp

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
DATA = os.path.join(ROOT, "tests", "data")
KS_DIR = os.path.join(DATA, "ks_cases")
MAX_AUTO_N = 10000  # scipy's ks_2samp 'auto' switch-over

warnings.simplefilter("ignore", RuntimeWarning)


def r(v):
    """repr of a float as a double, 'nan'/'inf' spelled for strtod."""
    v = float(v)
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    return repr(v)


# ---------------------------------------------------------------------------
# KS: sample pairs
# ---------------------------------------------------------------------------

def ks_method(x, y):
    """'exact' or 'asymp': the method ks_2samp(method='auto') ends up using.

    ks_2samp does not report it; this repeats its decision with scipy's own
    _attempt_exact_2kssamp on the raw statistic.
    """
    n1, n2 = len(x), len(y)
    if max(n1, n2) > MAX_AUTO_N:
        return "asymp"
    d_raw = st.ks_2samp(x, y, method="asymp").statistic
    ok, _, _ = _attempt_exact_2kssamp(n1, n2, math.gcd(n1, n2), d_raw,
                                      "two-sided")
    return "exact" if ok else "asymp"


def encode_pooled(x, y):
    """Run-length tokens of the pooled distinct values (see module doc)."""
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    vals = np.unique(np.concatenate([x, y]))
    cx = np.searchsorted(np.sort(x), vals, side="right") - \
        np.searchsorted(np.sort(x), vals, side="left")
    cy = np.searchsorted(np.sort(y), vals, side="right") - \
        np.searchsorted(np.sort(y), vals, side="left")
    toks = []
    run_kind, run_len = None, 0

    def flush():
        nonlocal run_kind, run_len
        if run_len:
            toks.append("%s%d" % (run_kind, run_len))
        run_kind, run_len = None, 0

    for a, b in zip(cx.tolist(), cy.tolist()):
        kind = "x" if (a, b) == (1, 0) else "y" if (a, b) == (0, 1) else None
        if kind is None:
            flush()
            toks.append("%d:%d" % (a, b))
        elif kind == run_kind:
            run_len += 1
        else:
            flush()
            run_kind, run_len = kind, 1
    flush()
    return toks


def write_ks_case(name, desc, x, y, published=None):
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    res = st.ks_2samp(x, y)  # method='auto', two-sided: the oracle
    raw = st.ks_2samp(x, y, method="asymp").statistic  # D before rounding
    method = ks_method(x, y)
    toks = encode_pooled(x, y)
    lines = ["# " + desc,
             "name %s" % name,
             "sizes %d %d" % (len(x), len(y)),
             "statistic %s" % r(raw),
             "expect %s %s %s" % (r(res.statistic), r(res.pvalue), method)]
    if published is not None:
        lines.append("published %s %s" % (r(published[0]), r(published[1])))
    lines.append("pooled %d" % len(toks))
    for i in range(0, len(toks), 20):
        lines.append(" ".join(toks[i:i + 20]))
    with open(os.path.join(KS_DIR, name + ".txt"), "w") as f:
        f.write("\n".join(lines) + "\n")
    return name, res.pvalue, method


def ks_published_cases():
    """Two-sided cases of scipy's TestKSTwoSamples with their published
    expected (D, p)."""
    cases = []
    add = cases.append
    add(("pub_small_0_1", "testSmall [0] vs [1]", [0.0], [1.0], (1.0, 1.0)))
    add(("pub_small_1_0", "testSmall [1] vs [0]", [1.0], [0.0], (1.0, 1.0)))
    d1 = np.array([1.0, 2.0])
    d2 = np.array([1.0, 2.0, 3.0])
    add(("pub_two_vs_three_p", "testTwoVsThree data1+0.01",
         d1 + 0.01, d2, (1.0 / 3, 1.0)))
    add(("pub_two_vs_three_m", "testTwoVsThree data1-0.01",
         d1 - 0.01, d2, (2.0 / 3, 0.6)))
    d4 = np.array([1.0, 2.0, 3.0, 4.0])
    add(("pub_two_vs_four_p", "testTwoVsFour data1+0.01",
         d1 + 0.01, d4, (2.0 / 4, 14.0 / 15)))
    add(("pub_two_vs_four_m", "testTwoVsFour data1-0.01",
         d1 - 0.01, d4, (3.0 / 4, 6.0 / 15)))
    x100 = np.linspace(1, 100, 100)
    add(("pub_100_100_p1", "test100_100 x100 vs x100+2+0.1",
         x100, x100 + 2 + 0.1, (3.0 / 100, 0.9999999999962055)))
    add(("pub_100_100_m1", "test100_100 x100 vs x100+2-0.1",
         x100, x100 + 2 - 0.1, (2.0 / 100, 1.0)))
    x110 = np.linspace(1, 100, 110)
    add(("pub_100_110_p1", "test100_110 x100 vs x110+20+0.1",
         x100, x110 + 20 + 0.1, (232.0 / 1100, 0.015739183865607353)))
    add(("pub_100_110_m1", "test100_110 x100 vs x110+20-0.1",
         x100, x110 + 20 - 0.1, (229.0 / 1100, 0.017803803861026313)))
    x2233 = np.array([2] * 3 + [3] * 4 + [5] * 5 + [6] * 4, dtype=int)
    x3344 = x2233 + 1
    x2356 = np.array([2] * 3 + [3] * 4 + [5] * 10 + [6] * 4, dtype=int)
    x3467 = np.array([3] * 10 + [4] * 2 + [6] * 10 + [7] * 4, dtype=int)
    add(("pub_repeated_2233_3344", "testRepeatedValues x2233 vs x3344",
         x2233, x3344, (5.0 / 16, 0.4262934613454952)))
    add(("pub_repeated_2356_3467", "testRepeatedValues x2356 vs x3467",
         x2356, x3467, (190.0 / 21 / 26, 0.0919245790168125)))
    e3 = np.array([1.0, 2.0, 3.0])
    add(("pub_equal_sizes_p1", "testEqualSizes data2 vs data2+1",
         e3, e3 + 1, (1.0 / 3, 1.0)))
    add(("pub_equal_sizes_p05", "testEqualSizes data2 vs data2+0.5",
         e3, e3 + 0.5, (1.0 / 3, 1.0)))
    add(("pub_equal_sizes_m05", "testEqualSizes data2 vs data2-0.5",
         e3, e3 - 0.5, (1.0 / 3, 1.0)))
    n1, n2 = 500, 600
    delta = 1.0 / n1 / n2 / 2 / 2
    add(("pub_middling_both", "testMiddlingBoth 500 vs 600, auto",
         np.linspace(1, 200, n1) - delta, np.linspace(2, 200, n2),
         (2000.0 / n1 / n2, 1.0)))
    n1, n2 = 1000, 1100
    delta = 1.0 / n1 / n2 / 2 / 2
    add(("pub_medium_both", "testMediumBoth 1000 vs 1100, auto",
         np.linspace(1, 200, n1) - delta, np.linspace(2, 200, n2),
         (6600.0 / n1 / n2, 1.0)))
    n1, n2 = 10000, 110
    delta = 1.0 / n1 / n2 / 2 / 2
    add(("pub_large", "testLarge 10000 vs 110 (exact, p ~ 4e-15)",
         np.linspace(1, 200, n1) - delta, np.linspace(2, 100, n2),
         (55275.0 / (n1 * 11.0), 4.2188474935755949e-15)))
    np.random.seed(123456)
    gx = np.random.normal(size=3000)
    gy = np.random.normal(size=3001) * 1.5
    add(("pub_gh11184", "test_gh11184 3000 vs 3001 (exact)", gx, gy,
         (0.11292880151060758, 2.7755575615628914e-15)))
    np.random.seed(123456)
    gx = np.random.normal(size=10000)
    gy = np.random.normal(size=10001) * 1.5
    add(("pub_gh11184_bigger", "test_gh11184_bigger 10000 vs 10001 (auto: "
         "asymp)", gx, gy, (0.10597913208679133, 3.3149311398483503e-49)))
    n1, n2 = 10000, 11000
    delta = 1.0 / n1 / n2 / 2 / 2
    add(("pub_large_both", "testLargeBoth 10000 vs 11000, auto",
         np.linspace(1, 200, n1) - delta, np.linspace(2, 200, n2),
         (563.0 / (n1 * 11.0), 0.9990660108966576)))
    for x6val in (5.9, 6.1):
        x = np.arange(10, dtype=np.float64)
        y = x.copy()
        x[6] = x6val
        add(("pub_location_sign_%s" % str(x6val).replace(".", ""),
             "test_location_sign two-sided x[6]=%s (statistic only: p "
             "published as None, stored as nan)" % x6val, x, y,
             (0.1, float("nan"))))
    return cases


def ks_random_cases():
    """Seeded sample pairs: sizes 1..20,000, ties, shifts down to p ~ 0."""
    rng = np.random.default_rng(20240611)
    cases = []

    def norm(n, loc=0.0, scale=1.0):
        return rng.normal(loc, scale, n)

    def add(name, desc, x, y):
        cases.append((name, desc, x, y, None))

    # sizes: tiny, unequal, gcd > 1, n1 = k * n2, around 10000, up to 20000
    for n1, n2, shift in [(1, 1, 0.0), (1, 2, 0.5), (1, 7, 1.0), (2, 2, 3.0),
                          (3, 7, 0.2), (5, 5, 2.0), (8, 12, 1.0),
                          (20, 30, 0.3), (50, 50, 0.5), (64, 96, 1.0),
                          (100, 300, 0.4), (137, 139, 0.0), (250, 1000, 0.6),
                          (999, 1000, 0.1), (1000, 1000, 0.35),
                          (2000, 3000, 0.05), (3001, 3000, 0.0),
                          (4096, 6144, 0.15), (7000, 3500, 0.5),
                          (1, 10000, 0.0), (3, 10000, 3.0),
                          (10000, 2, 2.0), (9999, 10000, 0.04),
                          (10000, 9999, 0.6), (10000, 10000, 0.02),
                          (10000, 10000, 0.2), (10000, 10000, 0.68),
                          (10000, 10000, 1.2), (10000, 10001, 0.05),
                          (10001, 10001, 0.3), (10001, 10000, 0.66),
                          (12345, 6789, 0.1), (15000, 9000, 0.25),
                          (20000, 1, 1.0), (20000, 3, 0.0),
                          (20000, 20000, 0.01), (20000, 20000, 0.47),
                          (20000, 19999, 0.9), (200, 20000, 0.3),
                          (7919, 7907, 0.07)]:
        add("norm_%d_%d_s%s" % (n1, n2, str(shift).replace(".", "")),
            "normal(0,1) n=%d vs normal(%g,1) n=%d" % (n1, shift, n2),
            norm(n1), norm(n2, shift))
    # different scale, same location
    add("scale_3000_3001", "normal(0,1) vs normal(0,1.5), 3000 vs 3001",
        norm(3000), norm(3001, 0.0, 1.5))
    # ties: integer data, heavily repeated values
    add("ties_poisson_500_700", "Poisson(3) vs Poisson(3.3)",
        rng.poisson(3.0, 500), rng.poisson(3.3, 700))
    add("ties_binary_300_200", "Bernoulli(0.5) vs Bernoulli(0.6)",
        rng.integers(0, 2, 300), (rng.random(200) < 0.6).astype(int))
    add("ties_const_equal", "all values equal in both samples (D = 0)",
        np.full(40, 7.0), np.full(25, 7.0))
    add("ties_const_apart", "constant 1 vs constant 2 (D = 1)",
        np.full(30, 1.0), np.full(45, 2.0))
    add("ties_round_10000_10000", "normal rounded to 0.1, shift 0.05",
        np.round(rng.normal(0, 1, 10000), 1),
        np.round(rng.normal(0.05, 1, 10000), 1))
    add("ties_round_9000_8000", "normal rounded to 0.5, shift 0.3",
        np.round(rng.normal(0, 1, 9000) * 2) / 2,
        np.round(rng.normal(0.3, 1, 8000) * 2) / 2)
    add("ties_poisson_20000_15000", "Poisson(2) vs Poisson(2.05)",
        rng.poisson(2.0, 20000), rng.poisson(2.05, 15000))
    add("ties_poisson_10000_10000", "Poisson(5) vs Poisson(5)",
        rng.poisson(5.0, 10000), rng.poisson(5.0, 10000))
    add("ties_dice_6_4000", "dice, 6 vs 4000", rng.integers(1, 7, 6),
        rng.integers(1, 7, 4000))
    add("fallback_7_7", "n1 = n2 = 7, D = 1/7: exact fails, asymptotic p",
        np.arange(7.0), np.arange(7.0) + 0.5)
    add("ties_mixed_1200_800", "continuous with 30% repeated zeros",
        np.where(rng.random(1200) < 0.3, 0.0, norm(1200)),
        np.where(rng.random(800) < 0.35, 0.0, norm(800, 0.1)))
    return cases


def gen_ks_cases():
    os.makedirs(KS_DIR, exist_ok=True)
    for f in os.listdir(KS_DIR):
        if f.endswith(".txt") or f == "INDEX":
            os.remove(os.path.join(KS_DIR, f))
    names = []
    for name, desc, x, y, pub in ks_published_cases() + ks_random_cases():
        n, p, m = write_ks_case(name, desc, x, y, pub)
        names.append(n)
        print("  %-32s p=%-24s %s" % (n, r(p), m))
    with open(os.path.join(KS_DIR, "INDEX"), "w") as f:
        f.write("# one ks_2samp case per line; files <name>.txt\n")
        f.write("\n".join(names) + "\n")
    return len(names)


# ---------------------------------------------------------------------------
# KS: the p-value step for given (D, n1, n2)
# ---------------------------------------------------------------------------

def ks_2samp_pvalue(d, n1, n2):
    """The part of ks_2samp (method='auto', two-sided) after D, verbatim
    in its decisions; returns (D, p, method)."""
    g = math.gcd(n1, n2)
    mode = "exact" if max(n1, n2) <= MAX_AUTO_N else "asymp"
    if mode == "exact":
        success, d, prob = _attempt_exact_2kssamp(n1, n2, g, d, "two-sided")
        if not success:
            mode = "asymp"
    if mode == "asymp":
        m, n = sorted([float(n1), float(n2)], reverse=True)
        en = m * n / (m + n)
        prob = st.kstwo.sf(d, np.round(en))
    prob = np.clip(prob, 0, 1)
    return float(d), float(prob), mode


def gen_ks_pvalue():
    rng = np.random.default_rng(77)
    pairs = [(1, 1), (1, 2), (2, 2), (1, 10000), (2, 10000), (3, 5),
             (10, 10), (10, 15), (25, 40), (100, 100), (100, 101),
             (128, 192), (500, 1500), (1000, 1000), (999, 1001),
             (2500, 10000), (5000, 5000), (7919, 7907), (9999, 10000),
             (10000, 10000), (10000, 10001), (10001, 10001), (10000, 20000),
             (20000, 20000), (15000, 4999), (1, 20000), (20000, 19999),
             (3000, 20000), (10001, 200000)]
    targets = [0.999, 0.9, 0.5, 0.1, 1e-2, 1e-5, 1e-10, 1e-20, 1e-50,
               1e-100, 1e-200, 1e-300, 1e-320]
    lines = ["# n1 n2 d_in  D p method: the p-value step of "
             "scipy.stats.ks_2samp (scipy %s)" % scipy.__version__]
    for n1, n2 in pairs:
        en = n1 * n2 / (n1 + n2)
        ds = [0.0, 1.0, 0.25 / en, 0.75 / en]
        for p in targets:
            d = math.sqrt(-math.log(p / 2) / (2 * en))
            if d < 1.0:
                ds.append(d)
        big_unequal = n1 != n2 and max(n1, n2) <= MAX_AUTO_N and \
            min(n1, n2) > 2000
        ds += list(rng.uniform(0, 0.3 if big_unequal else 1.0, 3))
        g = math.gcd(n1, n2)
        lcm = n1 // g * n2
        if lcm < 1e7:
            # exactly on the lattice and half-way between two points
            h = int(rng.integers(1, lcm + 1)) if lcm > 1 else 1
            ds += [h / lcm, (h - 0.5) / lcm]
        for d in ds:
            if not 0.0 <= d <= 1.0:
                continue  # a statistic is in [0, 1]; the API rejects others
            D, p, m = ks_2samp_pvalue(float(d), n1, n2)
            lines.append("%d %d %s %s %s %s" % (n1, n2, r(d), r(D), r(p), m))
    # n1 == n2, D = 1/n: scipy's exact sum gives 1.0000000000000002, which
    # is not a probability, so ks_2samp falls back to the asymptotic p
    for n in (5, 7, 13, 1000, 9999):
        D, p, m = ks_2samp_pvalue(1.0 / n, n, n)
        lines.append("%d %d %s %s %s %s" % (n, n, r(1.0 / n), r(D), r(p), m))
    with open(os.path.join(DATA, "ks_pvalue.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")
    return len(lines) - 1


# ---------------------------------------------------------------------------
# kstwo.sf
# ---------------------------------------------------------------------------

def kolmogn_branch(n, x):
    """The branch of scipy 1.10's _kolmogn(n, x, cdf=False) (and kstwo's
    support handling) that computes kstwo.sf(x, n)."""
    if not (n >= 1 and n == round(n)):
        return "badn"
    if math.isnan(x):
        return "nan"
    if x <= 0.5 / n:
        return "support"
    if x >= 1.0:
        return "one"
    t = n * x
    if t <= 1.0:
        return "rg_low_small" if n <= 140 else "rg_low_stirling"
    if t >= n - 1:
        return "rg_high"
    if x >= 0.5:
        return "smirnov_x05"
    nxsq = t * x
    if n <= 140:
        if nxsq <= 0.754693:
            return "dmtw_n140"
        if nxsq <= 4:
            return "pomeranz"
        return "smirnov_n140"
    if nxsq >= 370.0:
        return "zero"
    if nxsq >= 2.2:
        return "smirnov_approx" if n > 1000000 else "smirnov"
    if n <= 100000 and n * x ** 1.5 <= 1.4:
        return "dmtw"
    return "pelzgood"


def gen_kstwo():
    rng = np.random.default_rng(1234)
    ns = [1, 2, 3, 4, 5, 7, 10, 16, 33, 64, 100, 139, 140, 141, 142, 200,
          500, 1000, 2500, 5000, 9999, 10000, 10001, 20000, 50000, 99999,
          100000, 100001, 250000, 1000001, 3000000, 500000, 1000000]
    rows = []
    for n in ns:
        xs = set()
        xs.update(rng.uniform(0, 1, 12).tolist())
        xs.update(np.exp(rng.uniform(math.log(0.3 / n), 0, 16)).tolist())
        xs.update(np.sqrt(rng.uniform(0.05, 8, 16) / n).tolist())
        # the branch boundaries, and a hair either side
        for b in [0.5 / n, 1.0 / n, (n - 1.0) / n, 0.5,
                  math.sqrt(0.754693 / n), math.sqrt(4.0 / n),
                  math.sqrt(2.2 / n), math.sqrt(18.0 / n),
                  math.sqrt(370.0 / n), (1.4 / n) ** (2.0 / 3.0)]:
            for f in (1 - 1e-9, 1.0, 1 + 1e-9):
                v = b * f
                if 0 < v < 1:
                    xs.add(v)
        # p from 1 down to ~1e-300 by the asymptotic inversion
        for p in [0.999, 0.5, 0.05, 1e-3, 1e-8, 1e-16, 1e-40, 1e-100,
                  1e-200, 1e-300]:
            v = math.sqrt(-math.log(p / 2) / (2 * n))
            if v < 1:
                xs.add(v)
        xs.update([0.0, 1.0, 1.5, -0.25])
        for x in sorted(xs):
            rows.append((kolmogn_branch(n, x), n, x,
                         float(st.kstwo.sf(x, n))))
    rows.append((kolmogn_branch(2.5, 0.3), 2.5, 0.3,
                 float(st.kstwo.sf(0.3, 2.5))))
    rows.append((kolmogn_branch(0, 0.3), 0, 0.3, float(st.kstwo.sf(0.3, 0))))
    lines = ["# branch n d kstwo.sf(d, n) (scipy %s)" % scipy.__version__]
    for b, n, x, e in rows:
        lines.append("%s %s %s %s" % (b, r(n), r(x), r(e)))
    with open(os.path.join(DATA, "kstwo_sf.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")
    counts = {}
    for b, *_ in rows:
        counts[b] = counts.get(b, 0) + 1
    return len(rows), counts


# ---------------------------------------------------------------------------
# chi-square
# ---------------------------------------------------------------------------

def gen_chi2_sf():
    rng = np.random.default_rng(99)
    dfs = list(range(1, 201)) + list(range(203, 1001, 3)) + [1000] + \
        [0.5, 1.5, 2.5, 7.3, 99.9, 1000.5, 0.1, 0.01, 2000.0, 5000.0]
    ps = [0.999999, 0.9, 0.5, 0.1, 1e-3, 1e-10, 1e-30, 1e-100, 1e-200,
          1e-300, 1e-306]
    lines = ["# df x chi2.sf(x, df) (scipy %s)" % scipy.__version__]
    for df in dfs:
        xs = [1e-10, 0.001 * df, 0.5 * df, df - 1, df, df + 1, df + 2,
              2 * df, float(rng.uniform(0, 3 * df + 10))]
        xs += [float(st.chi2.isf(p, df)) for p in ps]
        for x in xs:
            if x > 0 and math.isfinite(x):
                lines.append("%s %s %s" % (r(df), r(x),
                                           r(st.chi2.sf(x, df))))
    for df, x in [(1, 0.0), (3, -1.0), (10, float("inf")), (5, 2000.0),
                  (2, 1500.0), (1, 1e-300), (1000, 1e-5)]:
        lines.append("%s %s %s" % (r(df), r(x), r(st.chi2.sf(x, df))))
    with open(os.path.join(DATA, "chi2_sf.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")
    return len(lines) - 1


def gen_chi2_contingency():
    rng = np.random.default_rng(4242)
    cases = []
    for k in [2, 2, 3, 4, 5, 8, 9, 10, 16, 17, 33, 64, 65, 130, 300]:
        for scale in (5, 200, 100000):
            pa = rng.dirichlet(np.ones(k))
            pb = pa * np.exp(rng.normal(0, 0.3 if scale < 1e5 else 0.05, k))
            pb /= pb.sum()
            a = rng.multinomial(scale, pa)
            b = rng.multinomial(int(scale * rng.uniform(0.5, 2)), pb)
            if k > 4:
                z = rng.integers(0, k)
                a[z] = b[z] = 0  # an all-zero column to drop
            cases.append((a, b))
    # strongly different: tiny p
    cases.append((np.array([100000, 0, 5]), np.array([0, 100000, 5])))
    cases.append((np.array([5000, 4000, 3000, 2000]),
                  np.array([2000, 3000, 4000, 5000])))
    cases.append((np.array([1, 0]), np.array([0, 1])))
    cases.append((np.array([0, 3, 0, 4]), np.array([0, 5, 0, 1])))
    cases.append((np.array([0, 7, 0]), np.array([0, 3, 0])))  # df 0
    lines = ["# k, then a (k counts), b (k counts), expected stat p df of "
             "chi2_contingency(table without all-zero columns, "
             "correction=False) (scipy %s)" % scipy.__version__]
    for a, b in cases:
        keep = (a + b) > 0
        res = chi2_contingency(np.array([a[keep], b[keep]]), correction=False)
        lines.append("case %d" % len(a))
        lines.append(" ".join(str(int(v)) for v in a))
        lines.append(" ".join(str(int(v)) for v in b))
        lines.append("expect %s %s %d" % (r(res[0]), r(res[1]), res[2]))
    with open(os.path.join(DATA, "chi2_contingency.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")
    return len(cases)


def main():
    if scipy.__version__ != "1.10.1":
        sys.stderr.write("warning: scipy %s, the vectors are meant for "
                         "1.10.1\n" % scipy.__version__)
    print("ks_2samp cases:")
    n = gen_ks_cases()
    print("%d ks_2samp cases" % n)
    print("%d ks p-value rows" % gen_ks_pvalue())
    n, counts = gen_kstwo()
    print("%d kstwo.sf rows: %s" % (n, counts))
    print("%d chi2.sf rows" % gen_chi2_sf())
    print("%d chi2_contingency cases" % gen_chi2_contingency())


if __name__ == "__main__":
    main()
