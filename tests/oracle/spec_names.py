#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Odd column names for the monitoring spec's round trips (tests/e2e/t_spec.sh).

usage: spec_names.py DATA.csv SPEC.yaml

Writes DATA.csv (Python's csv module) whose header is 60 column names made
of YAML's indicators, quotes, control characters, line breaks, non-BMP
characters and words YAML 1.1 reads as booleans, nulls or numbers, plus a
300-character name; and SPEC.yaml, a spec naming those columns written by
PyYAML (yaml.safe_dump), the independent YAML implementation.

PyYAML writes NEL, LS and PS raw inside single-quoted scalars and folds
them as text, while libyaml reads them as line breaks (YAML 1.1 leaves it
open); names with those characters go only into the CSV header, not into
the PyYAML-written spec.  driftmon's own writer escapes them.
"""
import csv
import random
import sys

import yaml

ALPHABET = ["a", "Z", " ", ":", "#", "'", '"', "\\", "-", "?", "[", "]", "{",
            "}", ",", "&", "*", "!", "|", ">", "%", "@", "`", "\t", "\n",
            "\x7f", "\x01", "\x85", "\u00e9", "\u2028", "\ufeff",
            "\U0001F600", "\u65e5", "0", "1", ".", "e", "~"]
WORDS = ["yes", "no", "null", "~", "true", "off", "1e3", "0x1F", ".inf", "-",
         "---", "...", "<<", "=", "123", "1.5"]
LINE_BREAKS = ("\x85", "\u2028", "\u2029")


def main():
    rng = random.Random(7)
    names = set(WORDS)
    while len(names) < 60:
        names.add("".join(rng.choice(ALPHABET)
                          for _ in range(rng.randint(1, 12))))
    names.add("L" * 300)
    names = sorted(names)
    with open(sys.argv[1], "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(names)
        for i in range(150):
            w.writerow([str((i + j) % 5) for j in range(len(names))])
    cols = {n: {"role": "feature"} for n in names
            if not any(c in n for c in LINE_BREAKS)}
    with open(sys.argv[2], "w", encoding="utf-8") as f:
        yaml.safe_dump({"version": 1, "columns": cols}, f,
                       allow_unicode=True, sort_keys=False)


if __name__ == "__main__":
    main()
