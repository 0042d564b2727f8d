#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Writes the small fixed dataset pair of the golden-file test
(tests/e2e/t_golden.sh): reference.csv (training-like, 300 rows) and
current.csv (300 rows of inference logs with drift in a few features,
a missing-value surge, a few invalid values and an extra column).

The files are committed; run this only to change them on purpose, then
regenerate the golden outputs with UPDATE_GOLDEN=1 tests/e2e/run.sh
build/driftmon t_golden.  Uses only the standard library, seeded.
"""
import math
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))
N = 300


def poisson(rng, lam):
    # Knuth's method: fine for the small means used here.
    limit, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def neg_binomial(rng, mean, shape):
    return poisson(rng, rng.gammavariate(shape, mean / shape))


def rows(rng, current):
    for i in range(N):
        url_count = poisson(rng, 3.5 if current else 2.0)
        word_count = neg_binomial(rng, 120.0, 2.0)
        uppercase_ratio = "%.4f" % rng.betavariate(2, 8)
        body_length = int(rng.lognormvariate(6.0, 0.8) * (1.6 if current else 1.0))
        domains = ["gmail.com", "yahoo.com", "outlook.com", "corp.example"]
        if current and rng.random() < 0.15:
            sender_domain = "mail.example"
        else:
            sender_domain = rng.choice(domains)
        hour = rng.randrange(24)
        # missing values: 2% of word_count in both, 25% in the current
        if rng.random() < (0.25 if current else 0.02):
            word_count = ""
        if current and i % 60 == 7:
            uppercase_ratio = "n/a"
        row = [url_count, word_count, uppercase_ratio, body_length,
               sender_domain, hour]
        if current:
            row = ["2025-06-01T12:%02d:00Z" % (i % 60), "spam-detector", "v1"] \
                + row + ["dbg-%04d" % i]
        yield ",".join(str(v) for v in row)


def write(name, current, seed):
    rng = random.Random(seed)
    header = ["url_count", "word_count", "uppercase_ratio", "body_length",
              "sender_domain", "hour_of_day"]
    if current:
        header = ["timestamp", "model_name", "model_version"] + header + ["debug_id"]
    with open(os.path.join(HERE, name), "w", newline="\n") as f:
        f.write(",".join(header) + "\n")
        for line in rows(rng, current):
            f.write(line + "\n")


write("reference.csv", False, 20250601)
write("current.csv", True, 20250602)
