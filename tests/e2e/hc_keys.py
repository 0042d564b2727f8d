#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""The categories a baseline keeps of a column of more than 1,024 values,
computed independently: the values whose sampling keys are smallest (the
key: FNV-1a 64 of the UTF-8 bytes, then splitmix64's finaliser, as in
src/profile/categories.c), with their exact counts, the rest in 'other'.

    hc_keys.py BASELINE.json DIR   checks every categorical feature of the
                                   baseline against the CSV files in DIR
"""
import collections
import csv
import glob
import json
import sys

M = (1 << 64) - 1


def key(s):
    h = 1469598103934665603
    for b in s.encode("utf-8"):
        h = ((h ^ b) * 1099511628211) & M
    h ^= h >> 30
    h = (h * 0xBF58476D1CE4E5B9) & M
    h ^= h >> 27
    h = (h * 0x94D049BB133111EB) & M
    h ^= h >> 31
    return h


def main(baseline, folder):
    b = json.load(open(baseline))
    counts = collections.defaultdict(collections.Counter)
    for path in sorted(glob.glob(folder + "/*.csv")):
        with open(path, newline="", encoding="utf-8") as f:
            for row in csv.DictReader(f):
                for k, v in row.items():
                    counts[k][v] += 1
    checked = 0
    for f in b["features"]:
        if f["type"] != "categorical":
            continue
        c = counts[f["name"]]
        if len(c) <= 1024:
            continue
        kept = sorted(c, key=key)[:1024]
        want = {v: c[v] for v in kept}
        got = {x["value"]: x["count"] for x in f["categories"]}
        if got != want:
            sys.exit("%s: kept values differ (%d of %d the same)" % (
                f["name"], len(set(got) & set(want)), len(want)))
        if f["other"] != sum(c.values()) - sum(want.values()):
            sys.exit("%s: other %d" % (f["name"], f["other"]))
        if f.get("categories_by_key") is not True:
            sys.exit("%s: categories_by_key not set" % f["name"])
        checked += 1
    if checked < 2:
        sys.exit("only %d columns of more than 1,024 values" % checked)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
