#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Files as real writers make them.  A monitor must not go blind because of
# one bad file: an unreadable log file in the window is skipped with an
# UNREADABLE_FILES alert (and is an error with --strict); non-UTF-8
# categories survive the JSON round trip; R / pandas missing-value markers
# (NA, NULL, None, ...) are missing values, not text.
. "$(dirname "$0")/lib.sh"

printf 'x,city\n' >"$T/train.csv"
for i in $(seq 1 300); do printf '%d,paris\n%d,caf\xe9\n' $((i % 17)) $((i % 13)); done >>"$T/train.csv"
run baseline --model m --version v1 "$T/train.csv"
expect "latin-1 baseline" 0
run detect --model m --version v1 --input "$T/train.csv" --format json --no-write
expect "latin-1 categories round-trip" 0 '"drift_detected": false'
expect "latin-1 stored as UTF-8" 0 'caf\\u00e9|café'

d="$T/store/inference-logs/year=2025/month=12/day=24/hour=17"
mkdir -p "$d"
cp "$T/train.csv" "$d/part-1.csv"
printf 'x,city\n1,"unterminated\n' >"$d/part-2.csv"
run detect --model m --version v1 --at 2025-12-24T18:00:00Z --window-hours 1 --format json --no-write
expect "bad file skipped" 0 '"code": "UNREADABLE_FILES"'
expect "skip names the file" 0 "part-2.csv"
expect "rows of the good file count" 0 '"samples": 600'
run detect --model m --version v1 --at 2025-12-24T18:00:00Z --window-hours 1 --strict --no-write
expect "strict: bad file is an error" 1 "part-2.csv.*unterminated"

# Missing-value markers of R, pandas and SQL exports.
{ printf 'a,b,c\n'; for i in $(seq 1 100); do echo "$i,$((i % 9)),x$((i % 3))"; done
  printf 'NA,null,None\nN/A,NULL,NA\n<NA>,#N/A,\n'; } >"$T/na.csv"
run baseline --model na --version v1 "$T/na.csv" --output "$T/na.json"
expect "NA markers are missing values" 0 "3 features \(2 numeric, 1 categorical\)"
check "NA counted as missing" /usr/bin/python3 -c "
import json; b = json.load(open('$T/na.json'))
m = {f['name']: (f['count'], f['missing']) for f in b['features']}
assert m == {'a': (100, 3), 'b': (100, 3), 'c': (100, 3)}, m"

# A spreadsheet's export in a decimal-comma locale: ';' between fields,
# numbers written 3,14 (pandas to_csv(sep=';', decimal=',')).  Its
# baseline is the one of the same table written with ',' and '.'; in a
# ',' file a quoted "1,500" is 1500 (there ',' is a thousands mark).
/usr/bin/python3 - "$T" <<'PY'
import random, sys
import pandas as pd
t = sys.argv[1]
rnd = random.Random(5)
n = 3000
df = pd.DataFrame({
    "amount": [round(rnd.lognormvariate(3, 1), 2) for _ in range(n)],
    "ratio": [None if rnd.random() < 0.05 else rnd.random() for _ in range(n)],
    "age": [None if rnd.random() < 0.1 else rnd.randint(18, 90) for _ in range(n)],
    "city": [rnd.choice(["Lyon", "Köln", "a,b", "Gent"]) for _ in range(n)],
    "score": [rnd.random() for _ in range(n)],
})
df.to_csv(t + "/dot.csv", index=False)
df.to_csv(t + "/comma.csv", index=False, sep=";", decimal=",")
df["amount"] = df["amount"] * 1.5
df.to_csv(t + "/comma_shift.csv", index=False, sep=";", decimal=",")
with open(t + "/thousands.csv", "w") as f:
    f.write("x,y\n" + "".join('"%d,%03d",%d\n' % (i, i % 1000, i) for i in range(1, 300)))
PY
grep -q '^amount;ratio;age;city;score' "$T/comma.csv" && grep -q ';[0-9]*,[0-9]' "$T/comma.csv"
check "decimal comma: the file has ';' and 3,14" test $? -eq 0
# same_baseline NAME A B: files A and B (in $T) give the same baseline
same_baseline() {
	baseline_st "$T/$2" a
	baseline_st "$T/$3" b
	if [ "$(head -1 "$T/a.st")" = 0 ] && cmp -s "$T/a.json" "$T/b.json"; then
		ok
	else
		not_ok "$1: $(head -c 200 "$T/a.st") / $(head -c 200 "$T/b.st")"
		diff "$T/a.json" "$T/b.json" 2>&1 | head -5 >&2
	fi
}
same_baseline "decimal comma: the same baseline as with '.' and ','" comma.csv dot.csv
check "decimal comma: numbers, and their joint rows" /usr/bin/python3 -c "
import json; a = json.load(open('$T/a.json'))
t = {f['name']: f['type'] for f in a['features']}
assert t == {'amount': 'numeric', 'ratio': 'numeric', 'age': 'numeric',
             'city': 'categorical', 'score': 'numeric'}, t
assert a['multivariate']['rows'] > 1000, a['multivariate']"
run baseline --model dc --version v1 --store "$T/dcstore" --input "$T/comma.csv"
expect "decimal comma: baseline" 0 "3000 rows"
run detect --model dc --version v1 --store "$T/dcstore" --input "$T/dot.csv" --no-write
expect "decimal comma: the same rows with '.' do not drift" 0 "Overall drift detected: NO"
run detect --model dc --version v1 --store "$T/dcstore" --input "$T/comma_shift.csv" --no-write
expect "decimal comma: amount x1.5 drifts" 0 "Drifted features: amount$"
run baseline --model th --version v1 --dry-run --input "$T/thousands.csv" --output "$T/th.json"
expect "quoted 1,500 in a ',' file" 0 "299 rows"
check "quoted 1,500 in a ',' file is 1500 (a thousands mark), not 1.5" /usr/bin/python3 -c "
import json; f = json.load(open('$T/th.json'))['features'][0]
assert f['type'] == 'numeric', f['type']
assert (f['min'], f['max']) == (1001, 299299), (f['min'], f['max'])"

# Booleans as PostgreSQL's COPY ... CSV writes them (t, f; NULL as the
# empty field): the baseline of pandas' True/False for the same rows.
/usr/bin/python3 - "$T" <<'PY'
import random, sys
t = sys.argv[1]
rnd = random.Random(9)
rows = [(i, rnd.choice([True, True, False, None]), rnd.random()) for i in range(2000)]
def w(name, tv, fv):
    with open(t + "/" + name, "w") as f:
        f.write("n,active,x\n")
        for i, b, x in rows:
            f.write("%d,%s,%r\n" % (i % 7, "" if b is None else tv if b else fv, x))
w("pg.csv", "t", "f")
w("pd.csv", "True", "False")
PY
same_baseline "PostgreSQL t/f: the baseline of True/False" pg.csv pd.csv
check "PostgreSQL t/f: a boolean" /usr/bin/python3 -c "
import json; f = json.load(open('$T/a.json'))['features'][1]
assert f['ltype'] == 'boolean', f
assert [c['value'] for c in f['categories']] == ['false', 'true'], f"
# Separators and encodings of other exports: '|' between fields (database
# exports), Excel's "sep=;" first line, UTF-16 ("Unicode text"); the same
# table gives the baseline of its ',' file.  A file whose separator the
# reader does not know reads as one column: an error, not a baseline
# that monitors nothing.
/usr/bin/python3 - "$T" <<'PY'
import random, sys
import pandas as pd
t = sys.argv[1]
rnd = random.Random(11)
n = 800
df = pd.DataFrame({
    "amount": [round(rnd.lognormvariate(3, 1), 2) for _ in range(n)],
    "n": [rnd.randint(0, 9) for _ in range(n)],
    "city": [rnd.choice(["Lyon", "Köln", "a;b", "a|b", "Gent"]) for _ in range(n)],
    "flag": [rnd.choice([True, False]) for _ in range(n)],
})
df.to_csv(t + "/sep_comma.csv", index=False)
df.to_csv(t + "/sep_pipe.csv", index=False, sep="|")
with open(t + "/sep_excel.csv", "w", newline="") as f:
    f.write("sep=;\r\n")
    df.to_csv(f, index=False, sep=";", lineterminator="\r\n")
# the line names the separator: a ',' in a column's name is no separator
with open(t + "/sep_excel_names.csv", "w", newline="") as f:
    f.write("sep=;\r\n")
    df.rename(columns={"amount": "amount, EUR"}).to_csv(
        f, index=False, sep=";", lineterminator="\r\n")
df.to_csv(t + "/sep_colon.csv", index=False, sep=":")
with open(t + "/utf16.txt", "wb") as f:
    f.write(df.to_csv(index=False, sep="\t").encode("utf-16"))
PY
grep -q '^amount|n|city|flag' "$T/sep_pipe.csv" && grep -q '"a|b"' "$T/sep_pipe.csv" &&
	head -1 "$T/sep_excel.csv" | grep -q '^sep=;'
check "separators: the files as written" test $? -eq 0
same_baseline "'|' between fields: the baseline of ','" sep_pipe.csv sep_comma.csv
same_baseline "Excel's sep=; line: the baseline of ','" sep_excel.csv sep_comma.csv
run baseline --model sep --version v4 --dry-run --input "$T/sep_excel_names.csv" --output "$T/sepn.json"
expect "Excel's sep=; line: a ',' in a name" 0 "800 rows, 4 features"
check "Excel's sep=; line: the names it separates" /usr/bin/python3 -c "
import json; b = json.load(open('$T/sepn.json'))
n = [f['name'] for f in b['features']]
assert n == ['amount, EUR', 'n', 'city', 'flag'], n"
run baseline --model sep --version v1 --store "$T/sepstore" --input "$T/sep_comma.csv"
expect "separators: baseline" 0 "800 rows, 4 features"
run detect --model sep --version v1 --store "$T/sepstore" --input "$T/sep_excel.csv" --no-write
expect "Excel's sep=; file against the ',' baseline: no drift" 0 "Overall drift detected: NO"
run baseline --model sep --version v2 --dry-run --input "$T/sep_colon.csv"
expect_err "one column: nothing to monitor" 1 "^driftmon: cannot build a baseline from .*sep_colon\.csv: nothing to monitor: no column is a feature or a prediction \('amount:n:city:flag' identifier: .*\); one column: are the fields separated by something other than ',', ';', tab, '\|' or blanks\?$"
run baseline --model sep --version v3 --dry-run --input "$T/utf16.txt"
expect_err "UTF-16: named" 1 "^driftmon: cannot read: '.*utf16\.txt': UTF-16 text \(byte-order mark FF FE\) — save it as UTF-8 CSV$"
# Compressed files as pandas, gzip, zstd, bzip2 and xz write them
# (.csv.gz with one or several gzip members, .csv.zst, .tsv.gz, .csv.bz2
# from pandas and from bzip2, in one stream or two as pbzip2 writes,
# .csv.xz): the baseline of the plain file, whatever writes it.  What is
# not read (ZIP, a compressed Parquet file) is a one-line error that
# says what to do.
/usr/bin/python3 - "$T" <<'PY'
import sys
import pandas as pd
t = sys.argv[1]
df = pd.read_csv(t + "/sep_comma.csv")
df.to_csv(t + "/cz_plain.csv", index=False)
df.to_csv(t + "/cz_pandas.csv.gz", index=False, compression="gzip")
df.to_csv(t + "/cz_tabs.tsv", index=False, sep="\t")
df.to_csv(t + "/cz_pandas.csv.bz2", index=False, compression="bz2")
df.to_csv(t + "/cz_pandas.csv.xz", index=False, compression="xz")
PY
gzip -c "$T/cz_plain.csv" >"$T/cz_gzip.csv.gz"
{ head -n 300 "$T/cz_plain.csv" | gzip -c; tail -n +301 "$T/cz_plain.csv" | gzip -1 -c; } >"$T/cz_members.csv.gz"
zstd -q -c "$T/cz_plain.csv" >"$T/cz_zstd.csv.zst"
gzip -c "$T/cz_tabs.tsv" >"$T/cz_tabs.tsv.gz"
bzip2 -c "$T/cz_plain.csv" >"$T/cz_bzip2.csv.bz2"
{ head -n 300 "$T/cz_plain.csv" | bzip2 -c; tail -n +301 "$T/cz_plain.csv" | bzip2 -1 -c; } >"$T/cz_streams.csv.bz2"
{ head -n 300 "$T/cz_plain.csv" | xz -c; tail -n +301 "$T/cz_plain.csv" | xz -0 -c; } >"$T/cz_streams.csv.xz"
check "compressed: the files as written" test "$(gzip -dc "$T/cz_pandas.csv.gz" | head -c 20)" = "$(head -c 20 "$T/cz_plain.csv")"
same_baseline "pandas' .csv.gz: the baseline of the plain file" cz_pandas.csv.gz cz_plain.csv
same_baseline "gzip's .csv.gz: the baseline of the plain file" cz_gzip.csv.gz cz_plain.csv
same_baseline "two gzip members: the baseline of the plain file" cz_members.csv.gz cz_plain.csv
same_baseline "zstd's .csv.zst: the baseline of the plain file" cz_zstd.csv.zst cz_plain.csv
same_baseline ".tsv.gz: tab-separated" cz_tabs.tsv.gz cz_plain.csv
run detect --model sep --version v1 --store "$T/sepstore" --input "$T/cz_zstd.csv.zst" --no-write
expect "compressed current data: no drift" 0 "Overall drift detected: NO"
head -c 3000 "$T/cz_gzip.csv.gz" >"$T/cz_cut.csv.gz"
run baseline --model cz --version v1 --dry-run --input "$T/cz_cut.csv.gz"
expect_err "compressed: truncated" 1 "^driftmon: cannot read: '.*cz_cut\.csv\.gz': gzip data truncated: the file ends inside the compressed stream \(after 3000 bytes of it\)$"
same_baseline "bzip2's .csv.bz2: the baseline of the plain file" cz_bzip2.csv.bz2 cz_plain.csv
same_baseline "pandas' .csv.bz2: the baseline of the plain file" cz_pandas.csv.bz2 cz_plain.csv
same_baseline "two bzip2 streams: the baseline of the plain file" cz_streams.csv.bz2 cz_plain.csv
same_baseline "pandas' .csv.xz: the baseline of the plain file" cz_pandas.csv.xz cz_plain.csv
same_baseline "two xz streams: the baseline of the plain file" cz_streams.csv.xz cz_plain.csv
run detect --model sep --version v1 --store "$T/sepstore" --input "$T/cz_streams.csv.bz2" --no-write
expect "compressed current data (bzip2): no drift" 0 "Overall drift detected: NO"
for kz in bzip2:cz_bzip2.csv.bz2:bz2 xz:cz_pandas.csv.xz:xz; do
	IFS=: read -r kind src ext <<<"$kz"
	head -c $(($(wc -c <"$T/$src") / 2)) "$T/$src" >"$T/cz_cut.csv.$ext"
	run baseline --model cz --version v1 --dry-run --input "$T/cz_cut.csv.$ext"
	expect_err "compressed: $kind truncated" 1 "^driftmon: cannot read: '.*cz_cut\.csv\.$ext': $kind data truncated: the file ends inside the compressed stream \(after [0-9]+ bytes of it\)$"
done
/usr/bin/python3 -c '
import sys, zipfile
with zipfile.ZipFile(sys.argv[2], "w", zipfile.ZIP_DEFLATED) as z:
    z.write(sys.argv[1], "cz_plain.csv")' "$T/cz_plain.csv" "$T/cz_zip.csv.zip"
run baseline --model cz --version v1 --dry-run --input "$T/cz_zip.csv.zip"
expect_err "compressed: ZIP is not read" 1 "^driftmon: cannot read: '.*cz_zip\.csv\.zip': zip-compressed data is not supported; decompress the file first$"
# Files joined with cat (each with its header, the second's after a
# BOM): the header rows inside are skipped with a warning, every
# feature's profile that of the rows alone (the multivariate sample,
# taken by row number, moves by the row).
{ cat "$T/cz_plain.csv"; printf '\357\273\277'; cat "$T/cz_plain.csv"; } >"$T/cat_two.csv"
{ cat "$T/cz_plain.csv"; tail -n +2 "$T/cz_plain.csv"; } >"$T/cat_rows.csv"
baseline_st "$T/cat_two.csv" a
baseline_st "$T/cat_rows.csv" b
check "files joined with cat: the header inside skipped" /usr/bin/python3 -c "
import json; a = json.load(open('$T/a.json')); b = json.load(open('$T/b.json'))
assert a['rows'] == b['rows'] and a['features'] == b['features'], (a['rows'], b['rows'])"
grep -q "^driftmon: warning: '.*cat_two\.csv': 1 row repeats the header (the first: row $(wc -l <"$T/cz_plain.csv"); files joined with cat?): skipped$" "$T/a.st" && ok ||
	not_ok "files joined with cat: the warning: $(head -c 300 "$T/a.st")"
# Current data whose names differ from the baseline's in case or in the
# spaces around them (a warehouse that upper-cases names, a spreadsheet's
# ' Amount '): read as the baseline's features, with a warning; two
# columns that both could be one feature are not guessed between.
/usr/bin/python3 - "$T" <<'PY'
import random, sys
t = sys.argv[1]
r = random.Random(12)
def table(name, hdr):
    with open(t + "/" + name, "w") as f:
        f.write(hdr + "\n")
        for _ in range(800):
            f.write("%.2f,%s,%d\n" % (r.gauss(50, 10), r.choice("xyz"), r.randrange(5)))
table("ln_train.csv", "Amount,City,n_items")
table("ln_upper.csv", "AMOUNT, City ,N_ITEMS")
table("ln_clash.csv", "amount,AMOUNT,n_items")
PY
run baseline --model ln --version v1 --store "$T/lnstore" --input "$T/ln_train.csv"
run detect --model ln --version v1 --store "$T/lnstore" --input "$T/ln_upper.csv" --no-write
expect "names in upper case, spaces around: no drift" 0 "^Features drifted: 0/3$"
case $err in
*"warning: 3 columns read as the baseline's features whose names differ in case or spaces (the first: 'AMOUNT' read as 'Amount')"*) ok ;;
*) not_ok "names in upper case: the warnings: $err" ;;
esac
# a window of two such files: the warning once
cp "$T/ln_upper.csv" "$T/ln_upper2.csv"
run detect --model ln --version v1 --store "$T/lnstore" --input "$T/ln_upper.csv" --input "$T/ln_upper2.csv" --no-write
[ "$(grep -c "read as the baseline's features" <<<"$err")" = 1 ] && ok ||
	not_ok "two files, names in upper case: the warning not once: $err"
run compare --reference "$T/ln_train.csv" --current "$T/ln_upper.csv"
expect "compare: names in upper case: no drift" 0 "^Features drifted: 0/3$"
head -n 300 "$T/ln_upper.csv" | sed '1s/.*/AMOUNT,City,n_items/' >"$T/ln_one.csv"
run detect --model ln --version v1 --store "$T/lnstore" --input "$T/ln_one.csv" --no-write
case $err in
*"warning: column 'AMOUNT' read as 'Amount' (the names differ in case or spaces)"*) ok ;;
*) not_ok "one name in upper case: the warning: $err" ;;
esac
run detect --model ln --version v1 --store "$T/lnstore" --input "$T/ln_clash.csv" --no-write --format json
json_check "two columns for one feature: not guessed" \
	'[f["name"] for f in d["features"] if f["current"] and f["current"].get("count")] == ["n_items"]'
# The same with a Parquet file (its reader's names are its metadata's:
# read as the baseline's without being freed or changed): a baseline of
# upper-cased names against synth's Parquet.
"$DM" synth --training "$T/ln_syn.parquet" --rows 1500 --seed 3 >/dev/null
"$DM" synth --training "$T/ln_syn.csv" --rows 1500 --seed 4 >/dev/null
{ head -n 1 "$T/ln_syn.csv" | tr 'a-z' 'A-Z'; tail -n +2 "$T/ln_syn.csv"; } >"$T/ln_synU.csv"
run baseline --model lnp --version v1 --store "$T/lnstore" --input "$T/ln_synU.csv"
run detect --model lnp --version v1 --store "$T/lnstore" --input "$T/ln_syn.parquet" --no-write
expect "Parquet names in another case: read, no drift" 0 "^Overall drift detected: NO"
case $err in
*"warning: 51 columns read as the baseline's features whose names differ in case or spaces (the first: 'url_count' read as 'URL_COUNT')"*) ok ;;
*) not_ok "Parquet names in another case: the warning: $err" ;;
esac
# Numbers as spreadsheets and finance exports write them: "$1,234.56",
# "12.5%", "(1,234.00)" for a negative, "1.234,56 EUR" in ';' files.
# Read as text they were categories (or identifiers, every amount being
# distinct) that no drift test could compare; now they are the numbers,
# and give the baseline of the same table written plainly (only the
# reason differs), with 1 thread and 2.
/usr/bin/python3 - "$T" <<'PY'
import random, sys
t = sys.argv[1]
rnd = random.Random(21)
rows = []
for _ in range(2500):
    a = round(rnd.gammavariate(2, 800), 2)
    r = round(rnd.uniform(0, 30), 1)
    b = round(rnd.gauss(500, 2000), 2)
    rows.append((a, r, b, rnd.randint(1, 5000), rnd.choice("NSEW")))
with open(t + "/fmt_plain.csv", "w") as f:
    f.write("amount,rate,balance,qty,region\n")
    for a, r, b, q, g in rows:
        f.write("%.2f,%.1f,%.2f,%d,%s\n" % (a, r, b, q, g))
with open(t + "/fmt_us.csv", "w") as f:
    f.write("amount,rate,balance,qty,region\n")
    for a, r, b, q, g in rows:
        bal = "(%s)" % format(-b, ",.2f") if b < 0 else format(b, ",.2f")
        f.write('"$%s",%.1f%%,"%s",%d,%s\n' % (format(a, ",.2f"), r, bal, q, g))
with open(t + "/fmt_eu.csv", "w") as f:
    f.write("amount;rate;balance;qty;region\n")
    eu = lambda x: format(x, ",.2f").replace(",", " ").replace(".", ",").replace(" ", ".")
    for a, r, b, q, g in rows:
        f.write("%s \u20ac;%s%%;%s;%d;%s\n" % (eu(a), ("%.1f" % r).replace(".", ","), eu(b), q, g))
PY
grep -q '^"$1,' "$T/fmt_us.csv" && grep -q '"(' "$T/fmt_us.csv" && grep -q '\.[0-9][0-9][0-9],[0-9][0-9] €;' "$T/fmt_eu.csv"
check "formatted numbers: the files as written" test $? -eq 0
baseline_st "$T/fmt_plain.csv" fp
# same_but_reason NAME A B: baselines A and B (made by baseline_st) agree
# but for the columns' reasons
same_but_reason() {
	check "$1" /usr/bin/python3 -c "
import json, sys
def load(n):
    b = json.load(open('$T/' + n + '.json'))
    for f in b['features']:
        f.pop('reason', None)
    return b
a, b = load('$2'), load('$3')
assert a == b, [k for k in a if a[k] != b.get(k)]
r = {f['name']: f['reason'] for f in json.load(open('$T/$3.json'))['features']}
assert r['amount'] == 'numbers written with currency, % or groups', r"
}
for th in 1 2; do
	baseline_st "$T/fmt_us.csv" fu DRIFTMON_THREADS=$th
	same_but_reason "\$1,234.56, 12.5%, (1,234.00): the plain table's baseline ($th thread(s))" fp fu
done
baseline_st "$T/fmt_eu.csv" fe
same_but_reason "1.234,56 EUR in a ';' file: the plain table's baseline" fp fe
run baseline --model fmt --version v1 --store "$T/fmtstore" --input "$T/fmt_plain.csv"
expect "formatted numbers: baseline of the plain table" 0 "2500 rows"
run detect --model fmt --version v1 --store "$T/fmtstore" --input "$T/fmt_us.csv" --no-write --format json
json_check "formatted numbers against plain ones: the same values (KS D = 0)" \
	'[f["ks_statistic"] for f in d["features"] if f["name"] in ("amount", "rate", "balance")] == [0, 0, 0] and not d["alerts"]'
# Columns of more values than a baseline keeps (1,024): a long tail of
# product names (Zipf over 5,000) and 3,000 equally likely cities.  Kept
# were the first values seen, so kept values' training counts ran high
# against any other sample: the same distribution "drifted" (p = 1e-64).
# Kept now are the values of smallest key (tests/e2e/hc_keys.py computes
# the keys as the C does), with exact counts, whatever the order of the
# rows or the split of the files; fresh samples of the same distribution
# do not drift; a change of the tail does.
mkdir -p "$T/hc"
/usr/bin/python3 - "$T/hc" <<'PY'
import random, sys
d = sys.argv[1]
names = ["prod_%d" % i for i in range(5000)]
w = [1.0 / (i + 1) for i in range(5000)]
w2 = [1.0 / (i + 1) ** 1.15 for i in range(5000)]
def table(path, seed, weights, n=20000, parts=1):
    r = random.Random(seed)
    rows = ["%s,c%d,%.4f" % (p, r.randrange(3000), r.gauss(0, 1))
            for p in r.choices(names, weights, k=n)]
    for k in range(parts):
        with open(path % k if parts > 1 else path, "w") as f:
            f.write("product,city,x\n" + "".join(x + "\n" for x in rows[k::parts]))
table(d + "/train-%d.csv", 1, w, parts=3)
for s in (2, 3, 4):
    table(d + "/same%d.csv" % s, s, w)
table(d + "/tail.csv", 5, w2)
PY
mkdir -p "$T/hc/train" && mv "$T/hc"/train-*.csv "$T/hc/train/"
run baseline --model hc --version v1 --store "$T/hcstore" --input "$T/hc/train" --output "$T/hc/base.json"
expect "many values: baseline" 0 "20000 rows"
check "many values: kept by key, counts exact" /usr/bin/python3 "$(dirname "$0")/hc_keys.py" "$T/hc/base.json" "$T/hc/train"
for s in 2 3 4; do
	run detect --model hc --version v1 --store "$T/hcstore" --input "$T/hc/same$s.csv" --no-write --format json
	json_check "many values, the same distribution ($s): no drift, a fair test" \
		'all(f["status"] == "none" and f["chi2_pvalue"] > 1e-3 for f in d["features"] if f["name"] in ("product", "city"))'
done
run detect --model hc --version v1 --store "$T/hcstore" --input "$T/hc/tail.csv" --no-write --format json
json_check "many values, a heavier head: the product column moves" \
	'[f["chi2_pvalue"] < 1e-10 for f in d["features"] if f["name"] == "product"] == [True]'
for i in 0 1 2; do
	"$DM" baseline --model hc --version sh --store "$T/hcstore" --input "$T/hc/train" --shard "$i/3" >/dev/null 2>&1 </dev/null &
done
wait
run baseline --model hc --version sh --store "$T/hcstore" --merge-partials --output "$T/hc/merged.json"
expect "many values: 3 shards merged" 0 "20000 rows"
check "many values: 3 shards keep the values and counts of one process" /usr/bin/python3 -c "
import json
a, b = (json.load(open('$T/hc/' + n)) for n in ('base.json', 'merged.json'))
for fa, fb in zip(a['features'], b['features']):
    if fa['type'] == 'categorical':
        assert fa['categories'] == fb['categories'] and fa['other'] == fb['other'], fa['name']
        assert fa.get('categories_by_key') is True and fb.get('categories_by_key') is True, fa['name']"
# R's write.table: fields separated by blanks, text quoted (a quote in it
# escaped with a backslash), NA for missing, and each row's name first
# with no name for it in the header (tests/data/csv/r, written by R 4.2:
# see its README).  Read as R and pandas read them: the baseline of the
# same table from write.csv, whose row-name column is named "".
R="$(dirname "$0")/../data/csv/r"
cp "$R"/* "$T/"
same_baseline "R write.table (blanks, row names, \\\") = write.csv" \
	airquality_write_table.txt airquality_write_csv.csv
check "R write.table: the columns pandas reads from write.csv" /usr/bin/python3 -c "
import json, pandas as pd
b = json.load(open('$T/a.json'))
df = pd.read_csv('$T/airquality_write_csv.csv', index_col=0)
got = {f['name']: (f['count'], f['missing']) for f in b['features']}
want = {c: (int(df[c].notna().sum()), int(df[c].isna().sum())) for c in df.columns}
want['Unnamed: 0'] = (len(df), 0)
assert got == want, (got, want)
note = [f for f in b['features'] if f['name'] == 'Note'][0]
cats = {c['value'] for c in note['categories']}
assert cats == set(df['Note']), cats"
same_baseline "R write.table(sep=','): row names in a ',' file" \
	mtcars_write_table.csv mtcars_write_csv.csv
check "R row names: 'Unnamed: 0', ignored" /usr/bin/python3 -c "
import json
b = json.load(open('$T/a.json'))
r = {f['name']: f['role'] for f in b['features']}
assert r['Unnamed: 0'] == 'ignored' and r['mpg'] == 'feature', r"

# A file laid out in columns with blanks (the UCI repository's .data, a
# fixed-width report): the baseline of the same table as CSV.  Without a
# header row its first row becomes the names: a warning says so.
/usr/bin/python3 - "$T" <<'PY'
import random, sys
import pandas as pd
t = sys.argv[1]
rnd = random.Random(11)
df = pd.DataFrame({"x": [rnd.gauss(0, 50) for _ in range(400)],
                   "n": [rnd.randint(-5, 900) for _ in range(400)],
                   "g": [rnd.choice(["a", "bb", "ccc"]) for _ in range(400)]})
df.to_csv(t + "/cols.csv", index=False)
with open(t + "/cols.data", "w") as f:
    f.write("%12s %6s %4s\n" % tuple(df.columns))
    for x, n, g in df.itertuples(index=False):
        f.write("%12r\t%6d %4s  \r\n" % (x, n, g))
with open(t + "/noheader.data", "w") as f:
    for x, n, g in df.itertuples(index=False):
        f.write(" %.4f %d %d\n" % (x, n, len(g)))
# pandas' to_csv(header=False): the first row is data; the same table
# with the names driftmon gives such columns; two more draws (the second
# shifted in x) without a header
for name, seed, shift in (("nh_a", 12, 0), ("nh_b", 13, 0), ("nh_s", 14, 40)):
    r2 = random.Random(seed)
    d = pd.DataFrame({"x": [r2.gauss(shift, 50) for _ in range(600)],
                      "g": [r2.choice(["a", "bb", None]) for _ in range(600)],
                      "n": [r2.randint(-5, 900) for _ in range(600)],
                      "ok": [r2.random() < 0.3 for _ in range(600)]})
    d.to_csv(t + "/" + name + ".csv", index=False, header=False)
    if name == "nh_a":
        d.to_csv(t + "/nh_named.csv", index=False,
                 header=["column_%d" % i for i in range(1, 5)])
r = pd.read_csv(t + "/cols.data", sep=r"\s+", float_precision="round_trip")
assert r.equals(df)  # pandas reads it as this table
PY
same_baseline "blank-separated columns = the CSV" cols.data cols.csv
baseline_st "$T/noheader.data" nh
grep -q "warning: no header row: the first row is data (a number in every column of numbers), the columns are named column_1 ... column_3" "$T/nh.st"
check "no header row (blank-separated): a warning" test $? -eq 0
check "no header row (blank-separated): every row, columns column_1..3" /usr/bin/python3 -c "
import json; b = json.load(open('$T/nh.json'))
assert b['rows'] == 400, b['rows']
assert [f['name'] for f in b['features']] == ['column_1', 'column_2', 'column_3'], b['features']"
baseline_st "$T/nh_a.csv" a
baseline_st "$T/nh_named.csv" b
check "no header row: the baseline of the table named column_1..4 (but its warning)" /usr/bin/python3 -c "
import json; a = json.load(open('$T/a.json')); b = json.load(open('$T/b.json'))
assert a.pop('warnings') == ['no header row: the first row is data (a number in every column of numbers), the columns are named column_1 ... column_4'], a
assert b.pop('warnings') == [], b
assert a == b"

run baseline --model nh --version v1 --store "$T/nhstore" --input "$T/nh_a.csv"
expect "no header row: baseline" 0 "600 rows, 4 features"
run detect --model nh --version v1 --store "$T/nhstore" --input "$T/nh_b.csv"
expect "no header row: a new draw compares every column, no drift" 0 "Features drifted: 0/4"
run detect --model nh --version v1 --store "$T/nhstore" --input "$T/nh_s.csv"
expect "no header row: a shifted column drifts" 0 "Drifted features: column_1$"
# Names that are all numbers over columns of text: a header by the values,
# so the warning asks about the first row
{ echo "59,2,32.1"; for i in $(seq 1 30); do echo "r$((i % 3)),s$((i % 4)),t$((i % 2))"; done; } >"$T/numnames.csv"
baseline_st "$T/numnames.csv" nn
grep -q "warning: every column name is a number ('59', '2', '32.1'): if the file has no header row" "$T/nn.st"
check "names all numbers over text: the warning" test $? -eq 0
# A header whose numbers name columns of numbers stays a header: years
# (a World Bank table), pandas' labels, a single year, a quantile over
# counts; as does a header of words.  Neither the reader nor the
# baseline warns then ("no header row" is in both warnings)
for h in "country,2019,2020,2021:US,1.5,2.5,3" "2019,2020,2021:1.5,2.5,3" \
	"0,1,2:4.5,5,6" "name,2000:x,4" \
	"id,0.5,0.9:a,1,2" "a,b:1,2"; do
	{ echo "${h%%:*}"; for i in 1 2 3 4 5; do echo "${h#*:}"; done; } >"$T/hdr.csv"
	run baseline --model hd --version v1 --dry-run --input "$T/hdr.csv"
	check "a header of ${h%%:*}: kept" test "$(printf '%s\n' "$err" | grep -c 'no header row')" = 0
	expect "a header of ${h%%:*}: five rows" 0 "5 rows"
done
# A line of counts above the header (scikit-learn's data files: "506,13"
# then the names), or a title: the error asks about the first line.
{ printf '506,13,\n"CRIM","ZN","INDUS"\n'; for i in $(seq 1 300); do echo "0.$i,$((i % 7)),$((i % 5)).5"; done; } >"$T/counts_line.csv"
run baseline --model cl --version v1 "$T/counts_line.csv" --dry-run
expect_err "a line of counts above the header: the first line questioned" 1 "^driftmon: cannot read: '.*counts_line\.csv': row 1, column '506': not a number: 'CRIM' \(is the first line a title or a note, not the header\?\)$"
{ printf 'Sales report, 2024\nregion,amount,units\n'; for i in $(seq 1 300); do echo "r$((i % 4)),$i.5,$((i % 9))"; done; } >"$T/title_line.csv"
run baseline --model tl --version v1 "$T/title_line.csv" --dry-run
expect_err "a title above the header: the first line questioned" 1 "^driftmon: cannot read: '.*title_line\.csv': row 1, column 'Sales report': not a number: 'amount' \(a column of numbers; .*; or is the first line a title, not the header\?\)$"
/usr/bin/python3 -c "
import numpy as np, pandas as pd
pd.DataFrame(np.arange(600.0).reshape(200, 3)).to_csv('$T/labels.csv')
pd.DataFrame(np.arange(600.0).reshape(200, 3)).to_csv('$T/labels1.csv', index=False, header=['1', '2', '3'])"
baseline_st "$T/labels.csv" lb
baseline_st "$T/labels1.csv" lb1
check "pandas' labels 0..n-1 (and 1..n): no warning" test "$(cat "$T/lb.st" "$T/lb1.st")" = "$(printf '0\n0')"
# Periods written as text (a month, a quarter, an ISO week) and dates
# written day first with dots (a German export, ';' and decimal commas):
# times, not categories whose new values would drift every period.
/usr/bin/python3 - "$T" <<'PY'
import random, sys
t = sys.argv[1]
r = random.Random(4)
def write(path, y0):
    with open(path, "w") as f:
        f.write("Monat;Quartal;Woche;Datum;Betrag;Segment\n")
        for i in range(2000):
            y = y0 + i // 1000
            m = 1 + (i // 84) % 12
            f.write("%d-%02d;%dQ%d;%d-W%02d;%02d.%02d.%d;%s;%s\n" % (
                y, m, y, (m - 1) // 3 + 1, y, 1 + (i // 40) % 52,
                1 + i % 28, m, y, ("%.2f" % r.gauss(50, 10)).replace(".", ","),
                r.choice("ABC")))
write(t + "/periods_train.csv", 2021)
write(t + "/periods_cur.csv", 2023)
PY
run baseline --model per --version v1 "$T/periods_train.csv"
expect "periods: 2021-01 is a time (the event time)" 0 "^Monat +event_time +timestamp +0 +dates; the event time"
expect "periods: 2021Q1 is a time" 0 "^Quartal +ignored +timestamp +0 +dates; another timestamp"
expect "periods: 2021-W01 is a time" 0 "^Woche +ignored +timestamp"
expect "periods: 01.01.2021 is a time" 0 "^Datum +ignored +timestamp"
expect "periods: the amounts are the one numeric feature" 0 "2 features \(1 numeric, 1 categorical\)"
run detect --model per --version v1 --input "$T/periods_cur.csv" --no-write --format json
json_check "periods: two years later, no drift (times are not features)" \
	'd["drift_detected"] is False and len(d["features"]) == 2'
# Placeholders for a missing number, as SAS and Stata ("."), the World
# Bank ("..") and reports (a dash) write them: missing values of that
# column, said in a warning, stored in the baseline so that current data
# reads them the same way; a placeholder the baseline never saw is an
# invalid value of the current data.
/usr/bin/python3 - "$T" <<'PY'
import random, sys
t = sys.argv[1]
r = random.Random(9)
for name, marks in (("sas_train", "."), ("sas_cur", "."), ("sas_other", "-")):
    with open("%s/%s.csv" % (t, name), "w") as f:
        f.write("income,gdp,region\n")
        for i in range(3000):
            f.write("%s,%s,%s\n" % (
                marks if r.random() < 0.08 else "%.2f" % r.gauss(100, 15),
                ".." if r.random() < 0.03 else "%.1f" % r.gauss(5, 1),
                r.choice("NSEW")))
PY
run baseline --model ph --version v1 "$T/sas_train.csv" --output "$T/ph.json"
expect "placeholders: '.' among numbers, a warning" 0 "warning: column 'income': '\.' read as a missing value \([0-9]+ cells\), a placeholder among numbers"
expect "placeholders: '..' too" 0 "warning: column 'gdp': '\.\.' read as a missing value"
expect "placeholders: both columns numeric" 0 "3 features \(2 numeric, 1 categorical\)"
check "placeholders: stored as the column's markers, with their counts" /usr/bin/python3 -c "
import json, pandas as pd
b = json.load(open('$T/ph.json'))
df = pd.read_csv('$T/sas_train.csv', na_values=['.', '..'], keep_default_na=False)
for f in b['features'][:2]:
    mk = {m['value']: m['count'] for m in f['missing_markers']}
    want = {'income': '.', 'gdp': '..'}[f['name']]
    assert mk.get(want) == f['missing'] == int(df[f['name']].isna().sum()), (f['name'], mk, f['missing'])
    assert f['count'] == int(df[f['name']].notna().sum()), f['name']"
run detect --model ph --version v1 --input "$T/sas_cur.csv" --no-write --format json
json_check "placeholders: the same export later, read alike: no drift, no invalid values" \
	'd["drift_detected"] is False and not [a for a in d.get("alerts", []) if "INVALID" in a["code"]]'
run detect --model ph --version v1 --input "$T/sas_other.csv" --no-write --format json
json_check "placeholders: a '-' the baseline never saw is an invalid value" \
	'[a for a in d.get("alerts", []) if "INVALID" in a["code"]] != []'
# Shards (--shard, then --merge-partials) whose files hold different
# placeholders ('-' in one, '.' in the other) merge their markers by name: the baseline of one
# process.
mkdir -p "$T/phparts"
{ head -1 "$T/sas_train.csv"; sed -n 2,1001p "$T/sas_train.csv" | sed 's/^\.,/-,/'; } >"$T/phparts/a.csv"
{ head -1 "$T/sas_train.csv"; sed -n 1002,3001p "$T/sas_train.csv"; } >"$T/phparts/b.csv"
for i in 0 1; do
	"$DM" baseline --model m --version v --store "$T/phstore" --input "$T/phparts" --shard "$i/2" >/dev/null 2>&1 </dev/null
done
run baseline --model m --version v --store "$T/phstore" --merge-partials --output "$T/phs_merged.json"
expect "placeholders: 2 shards merged" 0 ""
baseline_st "$T/phparts" phs_one
sed '/"created_at"/d' "$T/phs_merged.json" >"$T/phs_m.json"
cmp -s "$T/phs_one.json" "$T/phs_m.json"
check "placeholders: shards holding different ones merge to the one-process baseline" test $? -eq 0

# A passenger list split at random (Titanic's Ticket and Cabin): most
# tickets and cabins occur once, so most of the held-out rows' values are
# new to the baseline.  Seen once, they pool with the training values
# seen once: no drift; a new ticket on a quarter of the rows is drift.
/usr/bin/python3 - "$T" <<'PY'
import random, sys
d = sys.argv[1]
r = random.Random(11)
pre = ["", "", "", "PC ", "A/5 ", "STON/O2. ", "C.A. ", "W./C. "]
tickets = []
for i in range(1300):
    t = r.choice(pre) + str(r.randint(1000, 400000))
    tickets += [t] * (2 if r.random() < 0.25 else 1)
r.shuffle(tickets)
cabins = [r.choice("ABCDEFG") + str(r.randint(1, 150)) for _ in range(200)]
rows = ["%d,%d,%s,%s,%s" % (i + 1, r.choice([1, 2, 3]), t,
        r.choice(cabins) if r.random() < 0.23 else "", r.choice("SCQ"))
        for i, t in enumerate(tickets)]
cut = int(len(rows) * 0.7)
head = "PassengerId,Pclass,Ticket,Cabin,Embarked\n"
open(d + "/pax_train.csv", "w").write(head + "\n".join(rows[:cut]) + "\n")
open(d + "/pax_test.csv", "w").write(head + "\n".join(rows[cut:]) + "\n")
flood = [x if i % 4 else ",".join(x.split(",")[:2] + ["NEW 1"] + x.split(",")[3:])
         for i, x in enumerate(rows[cut:])]
open(d + "/pax_flood.csv", "w").write(head + "\n".join(flood) + "\n")
PY
run baseline --model pax --version v1 --store "$T/paxstore" --input "$T/pax_train.csv"
expect "passenger list: Ticket a categorical feature" 0 "^Ticket +feature +categorical"
run detect --model pax --version v1 --store "$T/paxstore" --input "$T/pax_test.csv" --no-write --format json
expect "held-out passengers" 0
json_check "held-out passengers: new tickets and cabins seen once are not drift" \
	'[(f["name"], f["drifted"], f["unseen"] > 50) for f in d["features"] if f["name"] in ("Ticket", "Cabin")] == [("Ticket", False, True), ("Cabin", False, False)] and not d["drift_detected"]'
run detect --model pax --version v1 --store "$T/paxstore" --input "$T/pax_flood.csv" --no-write --format json
json_check "a new ticket on a quarter of the rows: drift" \
	'[f["drifted"] for f in d["features"] if f["name"] == "Ticket"] == [True]'
# A table written with ", " between fields (the UCI adult data) and the
# same table written plainly (pandas' to_csv, or read with
# skipinitialspace and stored again): " Private" and "Private", " True"
# and "True" are one value.  Every pairing of baseline and current data
# compares all five columns, finds no unseen category and no drift.
/usr/bin/python3 - "$T" <<'PY'
import random, sys
import pandas as pd
t = sys.argv[1]
def draw(seed, n=3000):
    r = random.Random(seed)
    return pd.DataFrame({
        "age": [r.randint(17, 90) for _ in range(n)],
        "workclass": [r.choice(["Private", "State-gov", "Self-emp", "?"]) for _ in range(n)],
        "fnlwgt": [r.randint(20000, 900000) for _ in range(n)],
        "married": [r.random() < 0.4 for _ in range(n)],
        "sex": [r.choice(["Male", "Female"]) for _ in range(n)]})
for name, seed in (("a", 31), ("b", 32)):
    d = draw(seed)
    with open("%s/pad_%s.csv" % (t, name), "w") as f:
        f.write(", ".join(d.columns) + "\n")
        for row in d.itertuples(index=False):
            f.write(", ".join(str(v) for v in row) + "\n")
    d.to_csv("%s/trim_%s.csv" % (t, name), index=False)
PY
for base in pad trim; do
	run baseline --model sp --version "$base" --store "$T/spstore" --input "$T/${base}_a.csv"
	expect "', ' between fields ($base): baseline" 0 "3000 rows, 5 features"
	for cur in pad trim; do
		run detect --model sp --version "$base" --store "$T/spstore" --input "$T/${cur}_b.csv" --format json --no-write
		check "', ' between fields: baseline $base, current $cur: the same values" /usr/bin/python3 -c "
import json, sys; r = json.loads(sys.argv[1])
assert r['features_total'] == 5 and r['features_drifted'] == 0, r['features_drifted']
assert not r['alerts'], r['alerts']
for f in r['features']:
    assert f['status'] == 'none', (f['name'], f['status'])
    assert not f['current'].get('unseen_categories'), (f['name'], f['current'])" "$out"
	done
done

# Current data exported without the header line, against a baseline with
# one: the error says so
tail -n +2 "$T/trim_b.csv" >"$T/trim_b_nohdr.csv"
run detect --model sp --version trim --store "$T/spstore" --input "$T/trim_b_nohdr.csv"
expect "current data without a header row: the error says so" 1 "current columns: column_1, column_2, column_3, column_4, column_5\) — a CSV file without a header row: put the header line of the training data first$"

finish
