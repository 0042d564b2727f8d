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
finish
