#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""A messy, real-world-like table for the schema tests (tests/suites/
schema-interop.sh): what a training export or a day of traffic looks like.

    messy.py OUTDIR [--rows N] [--seed S] [--first-id K] [--shift]

Columns: customer_id (sequential integers), txn_id (unique codes),
event_date (dates), signup_ts (date-times), comment (free text), is_returning
(booleans), newsletter (yes/no), pickup_time (times of day, some
missing), children (a survey answer whose most common value is the word
'None'), plan (a category with missing values, some written 'NA'),
n_items (an integer code with missing values), amount (money), score (the
model's prediction), label (ground truth).  --shift moves exactly three
columns: amount (x1.6), plan (the mix) and is_returning (the rate); every
other column keeps its distribution (ids and dates go on).

Writes, in OUTDIR:
  python.csv      Python's csv module (True/False, ISO 'T' date-times,
                  missing as '' or 'NA')
  pandas.csv      pandas' to_csv (True/False, 'YYYY-MM-DD HH:MM:SS',
                  integers with missing values as 3.0)
  quoted.csv      pandas' to_csv with every field quoted: missing as ""
  records.jsonl   typed JSON rows (booleans, null), for the Node writers
  collector.ndjson  the same rows as records for `driftmon collect`
"""
import csv
import datetime as dt
import json
import os
import random
import sys

WORDS = ("the delivery was late again and support never answered my "
         "question about the refund great service friendly staff would buy "
         "again app crashes when I open the basket price too high for what "
         "you get fast shipping packaging damaged but product fine love it "
         "not sure yet will see next month").split()
COLUMNS = ["customer_id", "txn_id", "event_date", "signup_ts", "comment",
           "is_returning", "newsletter", "pickup_time", "children", "plan",
           "n_items", "amount", "score", "label"]


def rows(n, seed, first_id, shift):
    rnd = random.Random(seed)
    day0 = dt.date(2024, 1, 1) + dt.timedelta(days=(first_id - 1) // 50)
    out = []
    for i in range(n):
        r = {}
        r["customer_id"] = first_id + i
        r["txn_id"] = "TX%010x" % rnd.getrandbits(40)
        r["event_date"] = (day0 + dt.timedelta(days=i // 50)).isoformat()
        ts = dt.datetime(2020, 1, 1) + dt.timedelta(
            seconds=rnd.randrange(4 * 365 * 86400))
        r["signup_ts"] = ts
        r["comment"] = (None if rnd.random() < 0.05 else " ".join(
            rnd.choice(WORDS) for _ in range(rnd.randint(3, 12))))
        p = 0.7 if shift else 0.4
        r["is_returning"] = None if rnd.random() < 0.03 else rnd.random() < p
        # yes/no: a BOOLEAN to DuckDB's CSV reader, text to the others
        r["newsletter"] = (None if rnd.random() < 0.02 else
                           rnd.choice(["yes", "no", "no"]))
        # busiest at midday; written 14:23:05 by csv, pandas and JSON
        sec = min(86399, max(0, int(rnd.gauss(13 * 3600, 3 * 3600))))
        r["pickup_time"] = (None if rnd.random() < 0.02 else
                            dt.time(sec // 3600, sec // 60 % 60, sec % 60))
        r["children"] = rnd.choices(["None", "One", "Two", "Three or more"],
                                    [65, 20, 10, 5])[0]
        mix = [20, 30, 50] if shift else [50, 30, 20]
        r["plan"] = (None if rnd.random() < 0.04 else
                     rnd.choices(["basic", "plus", "pro"], mix)[0])
        r["n_items"] = (None if rnd.random() < 0.05 else
                        min(5, int(rnd.expovariate(0.7))))
        amt = rnd.lognormvariate(3.5, 0.6) * (1.6 if shift else 1.0)
        r["amount"] = round(amt, 2)
        r["score"] = round(rnd.betavariate(2, 5), 4)
        r["label"] = int(rnd.random() < r["score"])
        out.append(r)
    return out


def write_python_csv(path, data, seed):
    rnd = random.Random(seed + 1)
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(COLUMNS)
        for r in data:
            row = []
            for c in COLUMNS:
                v = r[c]
                if v is None:
                    v = "NA" if c == "plan" and rnd.random() < 0.5 else ""
                elif c == "signup_ts":
                    v = v.strftime("%Y-%m-%dT%H:%M:%S")
                row.append(v)
            w.writerow(row)


def write_pandas_csv(path, data):
    import pandas as pd
    df = pd.DataFrame(data, columns=COLUMNS)
    df["event_date"] = pd.to_datetime(df["event_date"]).dt.date
    df["signup_ts"] = pd.to_datetime(df["signup_ts"])
    df.to_csv(path, index=False)


def write_quoted_csv(path, data):
    """pandas' to_csv with every field quoted (csv.QUOTE_ALL), as database
    and spreadsheet exports do: a missing value is the quoted "" and
    numbers and booleans are quoted too."""
    import pandas as pd
    df = pd.DataFrame(data, columns=COLUMNS)
    df["signup_ts"] = pd.to_datetime(df["signup_ts"])
    df.to_csv(path, index=False, quoting=csv.QUOTE_ALL)


def write_jsonl(path, data):
    with open(path, "w") as f:
        for r in data:
            d = dict(r)
            d["signup_ts"] = r["signup_ts"].strftime("%Y-%m-%dT%H:%M:%SZ")
            if r["pickup_time"] is not None:
                d["pickup_time"] = r["pickup_time"].isoformat()
            f.write(json.dumps(d) + "\n")


def write_collector(path, data):
    """Records as a gateway sends them: features, the score as a named
    prediction, no label (labels arrive later)."""
    with open(path, "w") as f:
        for i, r in enumerate(data):
            feats = {c: r[c] for c in COLUMNS
                     if c not in ("score", "label")}
            feats["signup_ts"] = r["signup_ts"].strftime("%Y-%m-%dT%H:%M:%SZ")
            if r["pickup_time"] is not None:
                feats["pickup_time"] = r["pickup_time"].isoformat()
            rec = {"timestamp": "2025-06-01T12:%02d:00Z" % (i % 60),
                   "model_name": "shop", "model_version": "v1",
                   "request_id": "req-%d" % r["customer_id"],
                   "features": feats,
                   "predictions": {"score": r["score"]}}
            f.write(json.dumps(rec) + "\n")


def main(argv):
    out, n, seed, first, shift = None, 3000, 1, 1, False
    i = 0
    while i < len(argv):
        a = argv[i]
        if a == "--rows":
            n = int(argv[i + 1]); i += 1
        elif a == "--seed":
            seed = int(argv[i + 1]); i += 1
        elif a == "--first-id":
            first = int(argv[i + 1]); i += 1
        elif a == "--shift":
            shift = True
        else:
            out = a
        i += 1
    if not out:
        sys.exit(__doc__)
    os.makedirs(out, exist_ok=True)
    data = rows(n, seed, first, shift)
    write_python_csv(os.path.join(out, "python.csv"), data, seed)
    write_pandas_csv(os.path.join(out, "pandas.csv"), data)
    write_quoted_csv(os.path.join(out, "quoted.csv"), data)
    write_jsonl(os.path.join(out, "records.jsonl"), data)
    write_collector(os.path.join(out, "collector.ndjson"), data)


if __name__ == "__main__":
    main(sys.argv[1:])
