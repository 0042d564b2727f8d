#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Checks for tests/suites/schema-interop.sh.

    messy-check.py schema REF.json OTHER.json [--logger]
        the two baselines agree column by column: role (a timestamp that is
        not the event time is as unmonitored as the event time), logical
        type, analysis type, count, missing and categories.  --logger:
        OTHER came through the collector, so it has the four metadata
        columns and no label (labels arrive later), and its own
        'timestamp' is the event time.
    messy-check.py same REPORT.json
        no drift, every compared feature has PSI 0 and KS D 0 (the same
        rows, whatever the writers), no schema alert.
    messy-check.py nodrift REPORT.json
        no feature drifted and no schema alert.
    messy-check.py shift REPORT.json a,b,c
        exactly these features drifted, and no schema alert.
Prints one line saying what differs and exits 1, or exits 0.
"""
import json
import sys

META = {"timestamp", "model_name", "model_version", "request_id"}


def fail(msg):
    print(msg)
    sys.exit(1)


def cols(path):
    d = json.load(open(path))
    out = {}
    for f in d["features"]:
        cats = sorted((c["value"], c["count"]) for c in f.get("categories", []))
        role = f["role"]
        if f["ltype"] == "timestamp" and role in ("event_time", "ignored"):
            role = "timestamp"
        out[f["name"]] = (role, f["ltype"], f["type"], f["count"],
                          f["missing"], tuple(cats))
    return out


def schema(ref, other, logger):
    a, b = cols(ref), cols(other)
    if logger:
        extra = set(b) - set(a)
        gone = set(a) - set(b)
        if extra != META or gone != {"label"}:
            fail("collector columns: extra %s, missing %s" %
                 (sorted(extra), sorted(gone)))
        a.pop("label")
        for m in META:
            b.pop(m)
    if set(a) != set(b):
        fail("columns differ: %s vs %s" % (sorted(a), sorted(b)))
    names = ("role", "ltype", "type", "count", "missing", "categories")
    for c in a:
        for i, n in enumerate(names):
            if a[c][i] != b[c][i]:
                fail("column %s: %s %r vs %r" % (c, n, a[c][i], b[c][i]))


def report(path):
    d = json.load(open(path))
    bad = [a["code"] + ": " + a["message"] for a in d["alerts"]
           if a["code"].startswith("SCHEMA_")]
    if bad:
        fail("schema alert: " + bad[0])
    # FEATURE_MISSING only for columns that are not analysed (metadata
    # columns, labels): the logs never have labels
    for a in d["alerts"]:
        if a["code"] == "FEATURE_MISSING":
            f = [x for x in d["features"] if x["name"] == a["feature"]]
            if f and f[0].get("status") != "not_compared":
                fail("unexpected " + a["message"])
    return d


def main(argv):
    if len(argv) >= 3 and argv[0] == "schema":
        schema(argv[1], argv[2], "--logger" in argv[3:])
    elif len(argv) >= 2 and argv[0] in ("same", "nodrift"):
        d = report(argv[1])
        drifted = [f["name"] for f in d["features"] if f["drifted"]]
        if drifted:
            fail("drifted: %s" % drifted)
        if argv[0] == "same":
            for f in d["features"]:
                for k in ("psi", "ks_statistic"):
                    if f.get(k) not in (None, 0, 0.0):
                        fail("%s: %s = %r on the same rows" %
                             (f["name"], k, f[k]))
    elif len(argv) == 3 and argv[0] == "shift":
        d = report(argv[1])
        drifted = sorted(f["name"] for f in d["features"] if f["drifted"])
        want = sorted(argv[2].split(","))
        if drifted != want:
            fail("drifted %s, expected %s" % (drifted, want))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
