#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Bad training data for `driftmon baseline`: each case exits 1 (runtime
# error) with one line naming the file, and the row and column where
# there is one; the RFC 4180 cases that must work do.  Option errors
# (--bins, --importance) are usage errors (exit 2).
. "$(dirname "$0")/lib.sh"

D=$T/data
mkdir -p "$D"
B=(baseline --model m --version v1)

# 50 good rows "i,2i" (a numeric, b numeric)
rows() { local i; for i in $(seq 1 "${1:-50}"); do echo "$i,$((i * 2))"; done; }

# ---- files that cannot be read -------------------------------------------
run "${B[@]}" --input "$D/nope.csv"
expect_err "missing file" 1 "'$D/nope\.csv': cannot open: No such file or directory$"

: >"$D/empty.csv"
run "${B[@]}" --input "$D/empty.csv"
expect_err "empty file" 1 "'$D/empty\.csv': file is empty$"

printf 'a,b\n' >"$D/header.csv"
run "${B[@]}" --input "$D/header.csv"
expect_err "header only" 1 "$D/header\.csv.*no data rows"
check "header only: no baseline written" test ! -e "$T/store/baselines/m/v1/baseline.json"

printf '\n\r\n\n' >"$D/blank.csv"
run "${B[@]}" --input "$D/blank.csv"
expect_err "blank lines only" 1 "'$D/blank\.csv': no header row"

{ echo a,b; rows 3; echo 7; rows 3; } >"$D/ragged.csv"
run "${B[@]}" --input "$D/ragged.csv"
expect_err "ragged row (too few fields)" 1 "'$D/ragged\.csv': row 4, expected 2 fields, found 1$"

{ echo a,b; rows 2; echo 1,2,3; } >"$D/ragged2.csv"
run "${B[@]}" --input "$D/ragged2.csv"
expect_err "ragged row (too many fields)" 1 "'$D/ragged2\.csv': row 3, expected 2 fields, found 3$"

{ echo a,b; rows 1; printf '2,"open\n3,4\n5,6\n'; } >"$D/quote.csv"
run "${B[@]}" --input "$D/quote.csv"
expect_err "unterminated quote" 1 "'$D/quote\.csv': column 'b': unterminated quoted field starting at row 2$"

printf 'a\0,b\n1,2\n' >"$D/nulhdr.csv"
run "${B[@]}" --input "$D/nulhdr.csv"
expect_err "NUL byte in the header" 1 "'$D/nulhdr\.csv': binary data \(NUL byte\) .*byte offset 1\)$"

# A NUL byte past the first 4 KiB is reported with its row and column.
{ echo a,b; rows 600; printf '7,8\0\n'; } >"$D/nulrow.csv"
run "${B[@]}" --input "$D/nulrow.csv"
expect_err "NUL byte in a data row" 1 "'$D/nulrow\.csv': row 601, column 'b': binary data \(NUL byte\)"

/usr/bin/python3 -c '
import random, sys
random.seed(7)
sys.stdout.buffer.write(bytes(random.randrange(256) for _ in range(8192)))' >"$D/random.csv"
run "${B[@]}" --input "$D/random.csv"
expect_err "random bytes" 1 "'$D/random\.csv': binary data \(NUL byte\)"

# Random bytes without a NUL still fail cleanly (one line, the file named).
/usr/bin/python3 -c '
import random, sys
random.seed(8)
sys.stdout.buffer.write(bytes(random.randrange(1, 256) for _ in range(8192)))' >"$D/random2.csv"
run "${B[@]}" --input "$D/random2.csv"
expect_err "random bytes without NUL" 1 "'$D/random2\.csv': "

# compressed data is known by its bytes, not its name
{ echo a,b; rows 20; } | gzip -c >"$D/gz.csv"
run "${B[@]}" --input "$D/gz.csv" --dry-run
expect "gzip data named .csv: read" 0 "20 rows"
{ echo a,b; rows 20; } | xz -c >"$D/xz.csv"
run "${B[@]}" --input "$D/xz.csv" --dry-run
expect "xz data named .csv: read" 0 "20 rows"
{ echo a,b; rows 20; } | bzip2 -c >"$D/bz.dat"
run "${B[@]}" --input "$D/bz.dat" --dry-run
expect "bzip2 data named .dat: read" 0 "20 rows"
{ echo a,b; rows 20; } | zip -q - - >"$D/zip.csv" 2>/dev/null ||
	printf 'PK\003\004\024\000\000\000' >"$D/zip.csv"
run "${B[@]}" --input "$D/zip.csv"
expect_err "ZIP data named .csv" 1 "'$D/zip\.csv': zip-compressed data is not supported; decompress the file first$"

# spreadsheet workbooks: an .xlsx (a ZIP), an old .xls (OLE2) by its bytes
/usr/bin/python3 -c '
import sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w") as z:
    z.writestr("xl/workbook.xml", "<workbook/>")
open(sys.argv[2], "wb").write(bytes.fromhex("d0cf11e0a1b11ae1") + bytes(504))' "$D/book.xlsx" "$D/book.dat"
run "${B[@]}" --input "$D/book.xlsx"
expect_err "an .xlsx workbook" 1 "'$D/book\.xlsx': a spreadsheet workbook, not a table file: save the sheet as CSV \(or Parquet\)$"
run "${B[@]}" --input "$D/book.dat"
expect_err "an .xls workbook by its bytes" 1 "'$D/book\.dat': a spreadsheet workbook, not a table file"

# ---- bad values ----------------------------------------------------------
{ echo a,b; rows 56; echo 57,abc; rows 10; } >"$D/text.csv"
run "${B[@]}" --input "$D/text.csv"
expect_err "text in a numeric column" 1 "'$D/text\.csv': row 57, column 'b': not a number: 'abc' \\(a column of numbers; a marker of missing values goes in --missing-values, text needs --type b=categorical\\)$"

{ echo a,b; rows 50; echo NaN,3; } >"$D/nan.csv"
run "${B[@]}" --input "$D/nan.csv"
expect_err "NaN in training data" 1 "'$D/nan\.csv': row 51, column 'a': NaN is not allowed in training data \\(leave the field empty for a missing value, or list 'NaN' in --missing-values\\)$"
# the NaN Spark and Polars write for a missing float: a marker if listed
{ echo a,b; rows 50; echo NaN,3; echo nan,4; } >"$D/nan2.csv"
run "${B[@]}" --input "$D/nan2.csv" --missing-values NaN,nan --output "$T/nan2.json"
expect "--missing-values NaN: a marker" 0 "52 rows"
check "--missing-values NaN: counted missing" /usr/bin/python3 -c "
import json; f = json.load(open('$T/nan2.json'))['features'][0]
assert (f['name'], f['count'], f['missing']) == ('a', 50, 2), f
assert {m['value']: m['count'] for m in f['missing_markers']} == {'NaN': 1, 'nan': 1}, f['missing_markers']"

{ echo a,b; rows 50; echo 3,+Inf; } >"$D/pinf.csv"
run "${B[@]}" --input "$D/pinf.csv"
expect_err "+Inf in training data" 1 "'$D/pinf\.csv': row 51, column 'b': an infinite value is not allowed in training data"

{ echo a,b; rows 20; echo -inf,3; rows 5; } >"$D/ninf.csv"
run "${B[@]}" --input "$D/ninf.csv"
expect_err "-Inf in training data" 1 "'$D/ninf\.csv': row 21, column 'a': an infinite value is not allowed"

{ echo a,b; rows 30; echo 1,Infinity; } >"$D/infinity.csv"
run "${B[@]}" --input "$D/infinity.csv"
expect_err "Infinity in training data" 1 "row 31, column 'b': an infinite value"

# ---- header problems -----------------------------------------------------
# A column name longer than a baseline stores (1,024 bytes as UTF-8; a
# byte that is not UTF-8 is stored as two): an error at baseline time,
# never a baseline that detect cannot read back.  1,024 bytes are fine.
/usr/bin/python3 - "$D" <<'EOF'
import sys
d = sys.argv[1]
open(d + "/name1024.csv", "w").write("x" * 1024 + ",b\n1,2\n3,4\n")
open(d + "/name1025.csv", "w").write("x" * 1025 + ",b\n1,2\n3,4\n")
open(d + "/name_latin1.csv", "wb").write(b"\xe9" * 600 + b",b\n1,2\n3,4\n")
EOF
run baseline --model ln --version v1 --input "$D/name1024.csv"
expect "a 1,024-byte column name" 0 "2 rows, 2 features"
run detect --model ln --version v1 --input "$D/name1024.csv" --no-write
expect "a 1,024-byte column name: read back by detect" 0 "Samples analyzed: 2"
run "${B[@]}" --input "$D/name1025.csv"
expect_err "a 1,025-byte column name" 1 "'$D/name1025\.csv': a column name of 1025 bytes \('x{60}\.\.\.'\): at most 1024 bytes \(as UTF-8\)$"
run "${B[@]}" --input "$D/name_latin1.csv"
expect_err "600 Latin-1 bytes: 1,200 as UTF-8" 1 "'$D/name_latin1\.csv': a column name of 1200 bytes"

# duplicate names (a SQL join's export): renamed as pandas renames them
printf 'a,b,a,a\n1,2,3,4\n5,6,7,8\n' >"$D/dup.csv"
run "${B[@]}" --input "$D/dup.csv" --dry-run --output "$D/dup.json"
expect "duplicate column names: read" 0 "2 rows, 4 features"
check "duplicate column names: a, b, a.1, a.2" /usr/bin/python3 -c "
import json; n = [f['name'] for f in json.load(open('$D/dup.json'))['features']]
assert n == ['a', 'b', 'a.1', 'a.2'], n"

# pandas' to_csv writes its index as a column with an empty name: it is
# named "Unnamed: 0" (as pandas reads it) and is never a feature (the
# baseline records it, role "ignored", without values).
{ printf ',a,c\n'; for i in $(seq 0 199); do echo "$i,$((i % 7)),$((i % 5))"; done; } >"$D/noname.csv"
run "${B[@]}" --input "$D/noname.csv"
expect "pandas index column" 0 "2 features"
check "index column not a feature" /usr/bin/python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
f = [f for f in d["features"] if f["name"] == "Unnamed: 0"]
sys.exit(not (len(f) == 1 and f[0]["role"] == "ignored" and "sketch" not in f[0]))' "$T/store/baselines/m/v1/baseline.json"

{ echo a,b; rows 5; } >"$D/ab.csv"
{ echo a; seq 5; } >"$D/a_only.csv"
run "${B[@]}" --input "$D/ab.csv" --input "$D/a_only.csv"
expect_err "second file lacks a feature" 1 "'$D/a_only\.csv': column 'b': column missing"

# ---- RFC 4180 inputs that must work ---------------------------------------
printf '\xef\xbb\xbfa,b,c\r\n1,2,x\r\n3,4,y\r\n5,,x\r\n' >"$D/bom_crlf.csv"
run "${B[@]}" --input "$D/bom_crlf.csv" --output "$T/bom.json"
expect "BOM + CRLF" 0 "3 rows, 3 features \(2 numeric, 1 categorical\)"
out=$(cat "$T/bom.json")
json_check "BOM + CRLF: clean names and values" \
	'[f["name"] for f in d["features"]] == ["a", "b", "c"] and
	 [c["value"] for c in d["features"][2]["categories"]] == ["x", "y"] and
	 d["features"][1]["missing"] == 1 and d["features"][0]["max"] == 5'

printf 'a,b,c\n1,"2","x,y"\n3,4,"multi\nline"\n5,6,"q""q"\n"7",8,""\n' >"$D/quoted.csv"
run "${B[@]}" --input "$D/quoted.csv" --output "$T/quoted.json"
expect "quoted fields" 0 "4 rows, 3 features \(2 numeric, 1 categorical\)"
out=$(cat "$T/quoted.json")
# (a quoted empty field is missing, as the empty field is: pandas reads
# both as NaN; docs/schema.md)
json_check "quoted fields: embedded comma, newline and quote" \
	'sorted(c["value"] for c in d["features"][2]["categories"]) ==
	 sorted(["x,y", "multi\nline", "q\"q"]) and
	 d["features"][2]["missing"] == 1 and d["features"][2]["count"] == 3 and
	 d["features"][0]["max"] == 7 and d["features"][1]["count"] == 4'

# A record with a quoted newline counts as one row in messages.
{ printf 'a,c\n'; for i in $(seq 1 30); do echo "$i,\"l$i"; echo "x\""; done; echo "zz,1"; } >"$D/rowcount.csv"
run "${B[@]}" --input "$D/rowcount.csv"
expect_err "row numbers count records, not lines" 1 "'$D/rowcount\.csv': row 31, column 'a': not a number: 'zz' \\(a column of numbers;.*--type a=categorical\\)$"

printf 'timestamp,model_name,model_version,request_id,x\n2025-01-01T00:00:00Z,m,v1,r1,1\n2025-01-01T00:00:00Z,m,v1,r2,2\n' >"$D/meta.csv"
run "${B[@]}" --input "$D/meta.csv"
expect "metadata columns are never features" 0 "2 rows, 1 feature "

# Options may follow the input files.
run "${B[@]}" "$D/ab.csv" --bins 4
expect "options after the input files" 0 "5 rows, 2 features"

# ---- feature selection ----------------------------------------------------
printf 'a,b,c\n' >"$D/abc.csv"
for i in $(seq 1 40); do echo "$i,$((i % 5)),k$((i % 3))"; done >>"$D/abc.csv"

run "${B[@]}" --input "$D/abc.csv" --features a,zz
expect_err "--features names a missing column" 1 "'$D/abc\.csv': column 'zz': --features names a column that is not in the data$"

run "${B[@]}" --input "$D/abc.csv" --features a,c
expect "--features a,c" 0 "2 features \(1 numeric, 1 categorical\)"

run "${B[@]}" --input "$D/abc.csv" --categorical zz
expect_err "--categorical names a missing column" 1 "'$D/abc\.csv': column 'zz': --categorical names a column that is not a feature$"

run "${B[@]}" --input "$D/abc.csv" --categorical b --output "$T/cat.json"
expect "--categorical b" 0 "3 features \(1 numeric, 2 categorical\)"
out=$(cat "$T/cat.json")
json_check "--categorical b: categories of b" \
	'd["features"][1]["type"] == "categorical" and
	 sorted(c["value"] for c in d["features"][1]["categories"]) == ["0", "1", "2", "3", "4"]'

run "${B[@]}" --input "$D/abc.csv" --exclude b
expect "--exclude b" 0 "2 features \(1 numeric, 1 categorical\)"

run "${B[@]}" --input "$D/abc.csv" --exclude a,b,c
expect_err "--exclude every column" 1 "'$D/abc\.csv': no feature columns"

run "${B[@]}" --input "$D/abc.csv" --features a --exclude a
expect_err "--features and --exclude the same column" 1 "column 'a'"

# ---- --importance and --bins ----------------------------------------------
for bad in a a=x =2 a=-1 a=1e999 'a=2,b'; do
	run "${B[@]}" --input "$D/abc.csv" --importance "$bad"
	expect_err "--importance '$bad'" 2 "^driftmon baseline: invalid --importance '$bad': expected name=weight"
done
run "${B[@]}" --input "$D/abc.csv" --importance zz=2
expect_err "--importance names a missing column" 1 "'$D/abc\.csv': column 'zz': --importance names a column that is not a feature$"
run "${B[@]}" --input "$D/abc.csv" --importance "a=2, c=0.5" --output "$T/imp.json"
expect "--importance a=2,c=0.5" 0
out=$(cat "$T/imp.json")
json_check "--importance weights stored" \
	'[f["importance"] for f in d["features"]] == [2, 1, 0.5]'

for bad in 0 1 101 x -3 2.5 ''; do
	run "${B[@]}" --input "$D/abc.csv" --bins "$bad"
	expect_err "--bins '$bad'" 2 "^driftmon baseline: invalid --bins '$bad': expected a whole number from 2 to 100$"
done
run "${B[@]}" --input "$D/abc.csv" --bins 2 --output "$T/bins.json"
expect "--bins 2" 0
out=$(cat "$T/bins.json")
json_check "--bins 2: two bins" \
	'len(d["features"][0]["bins"]["counts"]) == 2 and d["settings"]["psi_bins"] == 2'
run "${B[@]}" --input "$D/abc.csv" --bins 100
expect "--bins 100" 0

run "${B[@]}" --input "$D/abc.csv" --sketch-k 3
expect_err "--sketch-k out of range" 2 "^driftmon baseline: invalid --sketch-k '3'"

run "${B[@]}" --input "$D/abc.csv" --output "$T/no/such/dir/b.json"
expect_err "--output into a missing folder" 1 "cannot write '$T/no/such/dir/b\.json'"
finish
