#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Reference vectors for the drift tests of issue 14 (src/stats/distance.c,
cvm.c, adk.c, cattests.c), from Debian 12's scipy 1.10.1 / numpy 1.24 /
statsmodels, with fixed seeds:

  tests/data/breadth_numeric.txt  pairs of samples x, y with
      scipy.stats.wasserstein_distance, energy_distance,
      cramervonmises_2samp (statistic, p-value), anderson_ksamp([x, y])
      (statistic, capped p-value); "nan" where scipy raises
  tests/data/breadth_counts.txt   pairs of count vectors a (baseline), b with
      scipy.spatial.distance.jensenshannon(a, b), the Hellinger distance
      (numpy formula), scipy.stats.entropy of the PSI-smoothed proportions
      (KL(a || b)), chi2_contingency(lambda_="log-likelihood",
      correction=False) on the table without all-zero columns
  tests/data/breadth_pca.txt      data sets (n rows of d features) with the
      eigenvalues of their correlation matrix (numpy.linalg.eigh,
      descending), the components kept for a share of the variance, and
      the squared reconstruction error of rows (standardised with ddof 1,
      projected on the kept eigenvectors)
  tests/data/breadth_2x2.txt      2x2 tables [[a, b], [c, d]] with
      scipy.stats.fisher_exact (odds ratio, two-sided p) and statsmodels'
      proportions_ztest([a, c], [a + b, c + d]) (z, p)

Run:  /usr/bin/python3 tests/oracle/gen_breadth_vectors.py
Floats are written with repr() (round-trips exactly).
"""

import math
import os
import warnings

import numpy as np
import scipy.stats as st
from scipy.spatial.distance import jensenshannon
from statsmodels.stats.proportion import proportions_ztest

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..", "data")
ALPHA = 0.5  # DM_PSI_ALPHA


def r(v):
    return repr(float(v))


def numeric_cases():
    rng = np.random.default_rng(20261204)
    cases = []
    # tiny and exact-CvM sizes
    cases.append(("tiny2", [0.5, 1.5], [1.0, 2.0]))
    cases.append(("tiny_2_3", [3.0, 1.0], [2.0, 5.0, 4.0]))
    cases.append(("tiny_sep", [1.0, 2.0, 3.0], [10.0, 11.0, 12.0, 13.0]))
    cases.append(("ties_small", [1, 1, 2, 2, 3], [2, 2, 3, 3, 3, 4]))
    cases.append(("all_tied_but_one", [1, 1, 1, 1], [1, 1, 1, 2]))
    cases.append(("const_x", [5.0] * 8, list(rng.normal(5, 1, 9))))
    cases.append(("const_both", [2.0] * 6, [2.0] * 7))
    cases.append(("const_diff", [2.0] * 6, [3.0] * 7))
    for nx, ny, shift, scale, rnd in [
        (5, 7, 0.0, 1.0, None), (10, 10, 1.0, 1.0, None),
        (20, 20, 0.3, 1.0, None), (20, 13, 0.0, 2.0, None),
        (17, 20, 0.5, 1.0, 0), (12, 18, 0.0, 1.0, 1),
        (21, 20, 0.2, 1.0, None), (50, 60, 0.0, 1.0, None),
        (100, 80, 0.4, 1.0, None), (200, 300, 0.1, 1.0, 1),
        (500, 400, 0.0, 1.3, None), (1000, 1000, 0.05, 1.0, None),
        (3000, 2000, 0.1, 1.0, 2), (2500, 2500, 0.0, 1.0, 0),
        (800, 1200, 1.5, 1.0, None), (4000, 3000, 0.02, 1.0, 1),
    ]:
        x = rng.normal(0, 1, nx)
        y = rng.normal(shift, scale, ny)
        if rnd is not None:
            x = np.round(x, rnd)
            y = np.round(y, rnd)
        cases.append(("n%d_%d_s%g_sc%g_r%s" % (nx, ny, shift, scale, rnd),
                      list(x), list(y)))
    # skewed, heavy ties (integers), exponential
    cases.append(("poisson", list(rng.poisson(3, 700).astype(float)),
                  list(rng.poisson(3.3, 600).astype(float))))
    cases.append(("expo", list(rng.exponential(1, 900)),
                  list(rng.exponential(1.1, 1100))))
    return cases


def numeric_expect(x, y):
    x = np.asarray(x, float)
    y = np.asarray(y, float)
    w = st.wasserstein_distance(x, y)
    e = st.energy_distance(x, y)
    try:
        c = st.cramervonmises_2samp(x, y)
        cs, cp = c.statistic, c.pvalue
    except ValueError:
        cs = cp = math.nan
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            a = st.anderson_ksamp([x, y])
            ast, ap = a.statistic, a.significance_level
            if not np.isfinite(ast):
                ast = ap = math.nan
        except (ValueError, ZeroDivisionError):
            ast = ap = math.nan
    return w, e, cs, cp, ast, ap


def count_cases():
    rng = np.random.default_rng(14)
    cases = [
        ("two", [30, 70], [45, 55]),
        ("equal", [10, 20, 30], [10, 20, 30]),
        ("empty_bin_a", [0, 40, 60], [5, 35, 60]),
        ("empty_bin_b", [10, 40, 50], [0, 50, 50]),
        ("empty_both", [10, 0, 90], [20, 0, 80]),
        ("disjoint", [10, 0], [0, 10]),
        ("tiny", [1, 2], [2, 1]),
        ("one_cat", [5, 0, 0], [7, 0, 0]),
    ]
    for k, n1, n2, drift in [(3, 100, 80, 0.0), (5, 1000, 1200, 0.1),
                             (10, 5000, 3000, 0.0), (10, 20000, 20000, 0.05),
                             (20, 300, 250, 0.3), (4, 50, 40, 0.5)]:
        p = rng.dirichlet(np.ones(k) * 2)
        q = (1 - drift) * p + drift * rng.dirichlet(np.ones(k))
        a = rng.multinomial(n1, p)
        b = rng.multinomial(n2, q)
        cases.append(("k%d_%d_%d_d%g" % (k, n1, n2, drift), list(a), list(b)))
    return cases


def count_expect(a, b):
    a = np.asarray(a, float)
    b = np.asarray(b, float)
    js = jensenshannon(a, b)
    p, q = a / a.sum(), b / b.sum()
    hell = np.sqrt(np.sum((np.sqrt(p) - np.sqrt(q)) ** 2)) / np.sqrt(2)
    k = len(a)
    ps = (a + ALPHA) / (a.sum() + ALPHA * k)
    qs = (b + ALPHA) / (b.sum() + ALPHA * k)
    kl = st.entropy(ps, qs)
    keep = (a + b) > 0
    tab = np.array([a[keep], b[keep]])
    if tab.shape[1] < 2:
        g, gp, gdf = 0.0, 1.0, 0
    else:
        g, gp, gdf, _ = st.chi2_contingency(tab, correction=False,
                                            lambda_="log-likelihood")
    return js, hell, kl, g, gp, gdf


def tables():
    rng = np.random.default_rng(2026)
    t = [(3, 1, 1, 3), (1, 9, 11, 3), (0, 5, 5, 0), (8, 2, 1, 5),
         (10, 10, 10, 10), (0, 10, 0, 12), (2, 7, 8, 2), (5, 0, 3, 4),
         (20, 15, 12, 25), (100, 900, 130, 870), (1, 1, 1, 1),
         (0, 3, 4, 0), (6, 6, 6, 5), (500, 500, 450, 560),
         (7, 93, 17, 83), (0, 1, 1, 0), (4, 0, 0, 4)]
    for _ in range(12):
        n1, n2 = rng.integers(2, 60, 2)
        p1 = rng.uniform(0.05, 0.95)
        p2 = min(0.99, max(0.01, p1 + rng.normal(0, 0.2)))
        x1 = rng.binomial(n1, p1)
        x2 = rng.binomial(n2, p2)
        t.append((int(x1), int(n1 - x1), int(x2), int(n2 - x2)))
    return t


def pca_cases():
    rng = np.random.default_rng(404)
    out = []
    for n, d, share in [(400, 5, 0.8), (300, 3, 0.9), (1000, 8, 0.7),
                        (50, 4, 0.95)]:
        a = rng.normal(size=(d, d))
        x = rng.normal(size=(n, d)) @ a + rng.normal(size=d) * 3
        x[:, 0] *= 100.0  # scales differ: the PCA is of standardised data
        mean = x.mean(axis=0)
        sd = x.std(axis=0, ddof=1)
        r = np.corrcoef(x, rowvar=False)
        w, v = np.linalg.eigh(r)
        order = np.argsort(w)[::-1]
        w, v = w[order], v[:, order]
        cum = np.cumsum(w) / w.sum()
        k = int(np.searchsorted(cum, share * (1 - 1e-12)) + 1)
        z = (x - mean) / sd
        proj = z @ v[:, :k]
        err = (z ** 2).sum(axis=1) - (proj ** 2).sum(axis=1)
        out.append((n, d, share, x, w, k, err[:20]))
    return out


def main():
    with open(os.path.join(DATA, "breadth_numeric.txt"), "w") as f:
        f.write("# case NAME nx x... ny y... expect wasserstein energy "
                "cvm_stat cvm_p ad_stat ad_p (scipy 1.10.1; nan = scipy "
                "raises)\n")
        for name, x, y in numeric_cases():
            ex = numeric_expect(x, y)
            f.write("case %s\n%d %s\n%d %s\nexpect %s\n" % (
                name, len(x), " ".join(r(v) for v in x), len(y),
                " ".join(r(v) for v in y), " ".join(r(v) for v in ex)))
    with open(os.path.join(DATA, "breadth_counts.txt"), "w") as f:
        f.write("# case NAME k a... b... expect js hellinger kl g g_p g_df\n")
        for name, a, b in count_cases():
            ex = count_expect(a, b)
            f.write("case %s %d\n%s\n%s\nexpect %s %s %s %s %s %d\n" % (
                name, len(a), " ".join(str(int(v)) for v in a),
                " ".join(str(int(v)) for v in b),
                *(r(v) for v in ex[:5]), int(ex[5])))
    with open(os.path.join(DATA, "breadth_pca.txt"), "w") as f:
        f.write("# case n d share, n rows of d values, eigenvalues "
                "(descending), k, errors of the first 20 rows\n")
        for n, d, share, x, w, k, err in pca_cases():
            f.write("case %d %d %s\n" % (n, d, r(share)))
            for row in x:
                f.write(" ".join(r(v) for v in row) + "\n")
            f.write("eig %s\nk %d\nerr %s\n" % (
                " ".join(r(v) for v in w), k, " ".join(r(v) for v in err)))
    with open(os.path.join(DATA, "breadth_2x2.txt"), "w") as f:
        f.write("# a b c d  fisher_oddsratio fisher_p  z z_p  "
                "(z: proportions_ztest([a, c], [a+b, c+d]); nan where "
                "statsmodels gives none)\n")
        for a, b, c, d in tables():
            o, p = st.fisher_exact([[a, b], [c, d]])
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                try:
                    z, zp = proportions_ztest([a, c], [a + b, c + d])
                except (ValueError, ZeroDivisionError):
                    z = zp = math.nan
            if not (np.isfinite(z) and np.isfinite(zp)):
                z = zp = math.nan
            f.write("%d %d %d %d %s %s %s %s\n" % (a, b, c, d, r(o), r(p),
                                                    r(z), r(zp)))


if __name__ == "__main__":
    main()
