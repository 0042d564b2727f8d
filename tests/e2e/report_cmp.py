#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
# Compares two drift reports (JSON) field by field: every key and list
# entry must be there in both, strings and integers equal, floating-point
# numbers equal to a relative 1e-9 (hour profiles merge moments by hour:
# the same sums grouped differently) unless the key names a statistic
# that comes from the quantile sketch (relative 0.01).  generated_at is
# ignored.  Prints the differences and exits 1 if there is any.
import json
import sys

SKETCH_KEYS = {"ks_d", "ks_statistic", "ks_pvalue", "pvalue",
               "pvalue_adjusted", "statistic", "p01", "p05", "p10", "p25",
               "p50", "p75", "p90", "p95", "p99", "median"}
IGNORE = {"generated_at", "hourly_psi"}  # hourly_psi: profiles only
# --sketch-bound: the sketches are not exact (more values than k): the
# sketch's own figures (bounds, exactness, p-values, quantiles, alert
# texts that quote them) are not compared; KS D must agree within the
# sum of the two stated error bounds.
BOUND_SKIP = {"ks_exact", "ks_statistic_error_bound", "pvalue",
              "pvalue_adjusted", "test_statistic_error_bound", "quantiles",
              "message", "ks_pvalue", "p_value", "test_pvalue",
              "ecdf_steps"}


def within_bound(a, b, path, out):
    for stat, bound in (("ks_statistic", "ks_statistic_error_bound"),
                        ("test_statistic", "test_statistic_error_bound")):
        if stat in a and stat in b and bound in a and bound in b:
            if a[stat] is None or b[stat] is None:
                if a[stat] is not b[stat]:
                    out.append("%s.%s: %r vs %r" % (path, stat, a[stat],
                                                    b[stat]))
                continue
            lim = (a[bound] or 0) + (b[bound] or 0) + 1e-12
            if abs(a[stat] - b[stat]) > lim:
                out.append("%s.%s: %r vs %r beyond the bound %g" %
                           (path, stat, a[stat], b[stat], lim))


def cmp(a, b, path, tol, out, bound=False):
    if isinstance(a, dict) and isinstance(b, dict):
        if bound:
            within_bound(a, b, path, out)
        for k in sorted(set(a) | set(b)):
            if k in IGNORE or (bound and (k in BOUND_SKIP or k in (
                    "ks_statistic", "test_statistic"))):
                continue
            if k not in a or k not in b:
                out.append("%s.%s: only in %s" % (path, k,
                           "first" if k in a else "second"))
                continue
            cmp(a[k], b[k], "%s.%s" % (path, k), tol, out, bound)
    elif isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            out.append("%s: %d vs %d entries" % (path, len(a), len(b)))
            return
        for i, (x, y) in enumerate(zip(a, b)):
            cmp(x, y, "%s[%d]" % (path, i), tol, out, bound)
    elif isinstance(a, float) or isinstance(b, float):
        if not isinstance(a, (int, float)) or not isinstance(b, (int, float)):
            out.append("%s: %r vs %r" % (path, a, b))
            return
        key = path.rsplit(".", 1)[-1].split("[")[0]
        rel = tol if key in SKETCH_KEYS else 1e-9
        if abs(a - b) > rel * max(1.0, abs(a), abs(b)):
            out.append("%s: %r vs %r" % (path, a, b))
    elif a != b:
        out.append("%s: %r vs %r" % (path, a, b))


def main():
    args = sys.argv[1:]
    tol = 0.01
    bound = False
    if args and args[0] == "--sketch-bound":
        bound = True
        args.pop(0)
    with open(args[0]) as f:
        a = json.load(f)
    with open(args[1]) as f:
        b = json.load(f)
    out = []
    cmp(a, b, "$", tol, out, bound)
    for line in out[:20]:
        print(line)
    sys.exit(1 if out else 0)


main()
