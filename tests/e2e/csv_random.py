#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Random messy CSV files and an independent oracle, for t_csv_random.sh.

    csv_random.py gen SEED OUTPREFIX   writes OUTPREFIX.csv or .tsv, prints
                                       its path
    csv_random.py check FILE BASELINE  checks the baseline's row count and
                                       every column's count and missing
                                       count against Python's csv module
    csv_random.py ragged FILE          prints the first ragged row as
                                       driftmon's error names it
    csv_random.py features FILE        prints --role's value making every
                                       column a feature

A file has 1-8 columns of integers, floats (with a decimal comma in most
';' files), categories, quoted free text (embedded separators, quotes,
LF, CR), booleans in several spellings, date-times and mixed text; ',',
';' or tab between fields; LF, CRLF or both; a BOM at times; blank lines;
missing values as the empty field (quoted or not), spaces and markers;
and in some files ragged rows, short or long (then the baseline is an
error naming the first).  The oracle's missing count: the cell is empty or spaces/tabs only,
or one of the default markers (docs/schema.md).
"""
import csv
import io
import json
import random
import sys

MARKERS = {"NA", "N/A", "n/a", "NULL", "null", "None", "<NA>", "#N/A", "#NA",
           "#N/A N/A"}


def gen(seed, out):
    r = random.Random(seed)
    ncol = r.randint(1, 8)
    kinds = [r.choice(["int", "float", "cat", "text", "bool", "date", "mixed"])
             for _ in range(ncol)]
    eol = r.choice(["\n", "\r\n", "mix"])
    sep = r.choice([",", ",", ",", ";", "\t"])

    def cell(k):
        x = r.random()
        if x < 0.03:
            return ""
        if x < 0.04:
            return r.choice(["NA", "null", '""', " "])
        if k == "int":
            return str(r.randint(-1000, 10 ** r.randint(1, 12)))
        if k == "float":
            v = r.gauss(0, 10 ** r.randint(-3, 6))
            s = r.choice(["%.17g", "%.3f", "%g", "%.1e"]) % v
            return s.replace(".", ",") if sep == ";" and r.random() < 0.9 else s
        if k == "cat":
            return r.choice(["a", "b", "c d", "\u00e9", "x" * r.randint(1, 30)])
        if k == "text":
            t = " ".join(r.choice(["w", 'q"q', "l\nn", "c,s", "s;c", "t\tt",
                                   "r\r"]) for _ in range(r.randint(0, 10)))
            return '"' + t.replace('"', '""') + '"'
        if k == "bool":
            return r.choice(["true", "False", "t", "f", "TRUE"])
        if k == "date":
            return "2024-%02d-%02dT%02d:00:00" % (r.randint(1, 12),
                                                 r.randint(1, 28),
                                                 r.randint(0, 23))
        return r.choice([str(r.random()), "abc", "1e5", "-0"])

    def quote(c):
        if len(c) >= 2 and c[0] == '"' and c[-1] == '"':
            return c
        if any(ch in c for ch in (sep, '"', "\n", "\r")) or (
                r.random() < 0.05 and c):
            return '"' + c.replace('"', '""') + '"'
        return c

    def end():
        return r.choice(["\n", "\r\n"]) if eol == "mix" else eol

    bad = r.random() < 0.4
    short = r.random() < 0.5  # the file's ragged rows: short or long
    lines = []
    for _ in range(r.randint(2000, 40000)):
        cells = [quote(cell(k)) for k in kinds]
        if bad and r.random() < 0.0005:
            cells = (cells[:r.randint(1, len(cells) - 1)]
                     if len(cells) > 1 and short else cells + ["zz"])
        lines.append(sep.join(cells))
        if r.random() < 0.001:
            lines.append("")
    body = "".join(line + end() for line in lines)
    if r.random() < 0.3:
        body = body.rstrip("\r\n")
    bom = "\ufeff" if r.random() < 0.2 else ""
    ext = ".tsv" if sep == "\t" and r.random() < 0.5 else ".csv"
    hdr = sep.join("c%d" % i for i in range(ncol))
    with open(out + ext, "w", newline="", encoding="utf-8") as f:
        f.write(bom + hdr + end() + body)
    print(out + ext)


def read(path):
    """The file's header and data records, as Python's csv module reads
    them with driftmon's choice of separator."""
    data = open(path, newline="", encoding="utf-8").read()
    if data.startswith("\ufeff"):
        data = data[1:]
    first = data.lstrip("\r\n").split("\n")[0]
    if path.endswith(".tsv"):
        sep = "\t"
    elif "," in first:
        sep = ","
    else:
        n = {c: first.count(c) for c in ";\t|"}
        if n[";"] > n["\t"] and n[";"] >= n["|"]:
            sep = ";"
        elif n["\t"] and n["\t"] >= n["|"]:
            sep = "\t"
        else:
            sep = "|" if n["|"] else ","
    rows = [row for row in csv.reader(io.StringIO(data, newline=""),
                                      delimiter=sep) if row != []]
    return rows[0], rows[1:]


def ragged(path):
    hdr, body = read(path)
    width = len(hdr)
    if body and len(body[0]) == width + 1:
        width += 1  # R's row names: an unnamed index column (pandas too)
    for i, row in enumerate(body):
        if len(row) != width:
            print("row %d, expected %d fields, found %d" % (i + 1, width,
                                                            len(row)))
            return
    sys.exit("no ragged row")


def check(path, baseline):
    hdr, body = read(path)
    b = json.load(open(baseline))
    if b["rows"] != len(body):
        sys.exit("rows: %d, Python's csv: %d" % (b["rows"], len(body)))
    feats = {f["name"]: f for f in b["features"]}
    for j, name in enumerate(hdr):
        miss = sum(1 for row in body
                   if row[j].strip(" \t") == "" or row[j] in MARKERS)
        f = feats[name]
        if f["missing"] != miss or f["count"] + f["missing"] != len(body):
            sys.exit("column %s: count %d, missing %d; Python's csv: %d "
                     "rows, %d missing" % (name, f["count"], f["missing"],
                                           len(body), miss))


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "gen":
        gen(int(sys.argv[2]), sys.argv[3])
    elif len(sys.argv) == 4 and sys.argv[1] == "check":
        check(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 3 and sys.argv[1] == "ragged":
        ragged(sys.argv[2])
    elif len(sys.argv) == 3 and sys.argv[1] == "features":
        print(",".join(name + "=feature" for name in read(sys.argv[2])[0]))
    else:
        sys.exit(__doc__)
