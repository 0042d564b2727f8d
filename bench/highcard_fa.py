#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""False alarms and detection on categorical columns of more values than a
baseline keeps (1,024): a Zipf tail of 5,000 product names and 3,000
equally likely cities, 20,000 rows of training data and 20,000 of current
data per seed.  "same": current data drawn like the training data (every
flag is a false alarm); "tail": the product column's Zipf exponent 1.15
instead of 1 (a flag is a detection).  Prints a Markdown table.

usage: bench/highcard_fa.py build/driftmon [SEEDS]
"""
import json
import os
import random
import subprocess
import sys
import tempfile


def table(path, seed, expo, n=20000):
    r = random.Random(seed)
    names = ["prod_%d" % i for i in range(5000)]
    w = [1.0 / (i + 1) ** expo for i in range(5000)]
    with open(path, "w") as f:
        f.write("product,city,x\n")
        for p in r.choices(names, w, k=n):
            f.write("%s,c%d,%.4f\n" % (p, r.randrange(3000), r.gauss(0, 1)))


def main():
    dm = os.path.realpath(sys.argv[1])
    seeds = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    tmp = tempfile.mkdtemp()
    res = {}
    for s in range(seeds):
        store = os.path.join(tmp, "store%d" % s)
        table(tmp + "/train.csv", 1000 + s, 1.0)
        subprocess.run([dm, "baseline", "--model", "hc", "--version", "v",
                        "--store", store, "--input", tmp + "/train.csv"],
                       check=True, capture_output=True)
        for case, expo in (("same", 1.0), ("tail", 1.15)):
            table(tmp + "/cur.csv", 5000 + s, expo)
            out = subprocess.run(
                [dm, "detect", "--model", "hc", "--version", "v", "--store",
                 store, "--input", tmp + "/cur.csv", "--no-write",
                 "--format", "json"], capture_output=True, text=True).stdout
            for f in json.loads(out)["features"]:
                if f["type"] == "categorical":
                    res.setdefault((case, f["name"]), []).append(
                        (f["status"], f["chi2_pvalue"], f["psi"]))
    print("| current data | column | runs | flagged (minor or drift) | "
          "drift | chi-square p < 0.05 | median p | median PSI |")
    print("|:--|:--|--:|--:|--:|--:|--:|--:|")
    for (case, name), v in sorted(res.items()):
        ps = sorted(x[1] for x in v)
        psis = sorted(x[2] for x in v)
        print("| %s | %s | %d | %d | %d | %d | %.3g | %.4f |" % (
            case, name, len(v), sum(x[0] != "none" for x in v),
            sum(x[0] == "drift" for x in v), sum(p < 0.05 for p in ps),
            ps[len(ps) // 2], psis[len(psis) // 2]))


if __name__ == "__main__":
    main()
