#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# A corrupt, foreign or wrong-version baseline.json in the store: detect
# exits 1 with one line naming the file and the field; a missing baseline
# says how to create one.
. "$(dirname "$0")/lib.sh"

D=$T/data
mkdir -p "$D"
{
	echo a,b,c
	for i in $(seq 1 300); do echo "$i,$((i % 7)),k$((i % 3))"; done
} >"$D/train.csv"
cp "$D/train.csv" "$D/current.csv"

run baseline --model good --version v1 --input "$D/train.csv"
expect "good baseline" 0 "Baseline for good v1: 300 rows, 3 features"
GOOD=$T/store/baselines/good/v1/baseline.json
run detect --model good --version v1 --input "$D/current.csv" --no-write
expect "detect with the good baseline" 0 "Overall drift detected: NO"

# corrupt NAME PYTHON: stores the good baseline transformed by the Python
# statements (on the parsed JSON d, or on the text s) as model NAME.
corrupt() {
	mkdir -p "$T/store/baselines/$1/v1"
	/usr/bin/python3 -c '
import json, sys
s = orig = open(sys.argv[1]).read()
d = json.loads(s)
exec(sys.argv[2])
sys.stdout.write(s if s != orig else json.dumps(d, indent=1))' "$GOOD" "$2" \
		>"$T/store/baselines/$1/v1/baseline.json"
}

# bad NAME PYTHON PATTERN: detect with the corrupted baseline fails (1)
# with one line "bad baseline: '<path>': PATTERN".
bad() {
	corrupt "$1" "$2"
	run detect --model "$1" --version v1 --input "$D/current.csv" --no-write
	expect_err "$1" 1 "^driftmon: bad baseline: '$T/store/baselines/$1/v1/baseline\.json': $3"
}

bad truncated 's = s[:300]' "not valid JSON \(line [0-9]+, column [0-9]+: "
bad truncated-end 's = s[:-2]' "not valid JSON \(line [0-9]+, column [0-9]+: "
bad not-json 's = "hello world\n"' "not valid JSON \(line 1, column [0-9]+: "
bad empty-file 's = ""' "not valid JSON "
bad binary 's = "\x00\x01\x02garbage"' "not valid JSON "
bad json-array 's = "[1, 2, 3]"' "field 'format': not a driftmon baseline \(expected \"driftmon-baseline\"\)$"
bad other-format 'd["format"] = "driftmon-report"' "field 'format': not a driftmon baseline"
bad version-99 'd["format_version"] = 99' "baseline format_version 99 is not supported \(this driftmon reads versions 1 to 2\)$"
bad version-0 'd["format_version"] = 0' "baseline format_version 0 is not supported"
bad version-string 'd["format_version"] = "1"' "field 'format_version': missing or not an integer$"
bad version-missing 'del d["format_version"]' "field 'format_version': missing or not an integer$"
bad duplicate-key 's = s.replace("\"rows\":", "\"rows\": 1, \"rows\":", 1)' "not valid JSON .*duplicate"
bad settings-type 'd["settings"]["psi_bins"] = "ten"' "field 'settings': "
bad rows-negative 'd["rows"] = -5' "field 'rows': missing or not a non-negative integer$"
bad features-object 'd["features"] = {}' "field 'features': missing or empty$"
bad features-empty 'd["features"] = []' "field 'features': missing or empty$"
bad name-missing 'del d["features"][1]["name"]' "field 'features\[1\]': needs 'name' and 'type'$"
bad count-string 'd["features"][0]["count"] = "300"' "field 'features\[0\] \('a'\)': needs non-negative integer 'count' and 'missing'$"
bad missing-negative 'd["features"][0]["missing"] = -1' "field 'features\[0\] \('a'\)': needs non-negative integer 'count' and 'missing'$"
bad type-unknown 'd["features"][0]["type"] = "ordinal"' "field 'features\[0\] \('a'\)': type must be 'numeric' or 'categorical'$"
bad mean-string 'd["features"][0]["mean"] = "150"' "field 'features\[0\] \('a'\)': mean, std, min, max and m2 must be numbers$"
bad importance-negative 'd["features"][0]["importance"] = -1' "field 'features\[0\] \('a'\)': importance must be >= 0$"
bad duplicate-feature 'd["features"][1]["name"] = "a"' "field 'features\[1\]': duplicate feature name$"
bad sketch-unsorted 'v = d["features"][0]["sketch"]["values"]; v.reverse()' "field 'features\[0\] \('a'\)\.sketch\.values': values must be sorted and finite$"
bad sketch-string 'd["features"][0]["sketch"]["values"][3] = "4"' "field 'features\[0\] \('a'\)\.sketch\.values\[3\]': not a number"
bad sketch-short 'd["features"][0]["sketch"]["values"].pop()' "field 'features\[0\] \('a'\)\.sketch': weights do not add up to 'count'$"
bad sketch-missing 'del d["features"][0]["sketch"]' "field 'features\[0\] \('a'\)\.sketch': needs 'values'"
bad edges-decreasing 'e = d["features"][0]["bins"]["edges"]; e[1] = e[0] - 1' "field 'features\[0\] \('a'\)\.bins\.edges\[1\]': edges must be increasing numbers$"
bad edges-counts 'd["features"][0]["bins"]["counts"].pop()' "field 'features\[0\] \('a'\)\.bins': needs 'edges' and 'counts' arrays, one more count than edges$"
bad counts-negative 'd["features"][0]["bins"]["counts"][0] = -3' "field 'features\[0\] \('a'\)\.bins\.counts\[0\]': counts must be non-negative integers$"
bad categories-type 'd["features"][2]["categories"] = "k0,k1"' "field 'features\[2\] \('c'\)': needs a 'categories' array$"
bad category-value 'del d["features"][2]["categories"][0]["value"]' "field 'features\[2\] \('c'\)': each category needs 'value' and 'count'$"
# Checked as a whole (hostile baselines must not give a false verdict).
bad category-twice 'c = d["features"][2]["categories"]; c[1]["value"] = c[0]["value"]' "feature 'c': category 'k[0-9]' appears twice$"
bad category-sum 'd["features"][2]["categories"][0]["count"] += 1' "feature 'c': category counts add up to 301, not its count 300$"
bad bins-sum 'd["features"][0]["bins"]["counts"][0] += 5' "feature 'a': bin counts add up to 305, not its count 300$"
bad mean-outside 'd["features"][0]["mean"] = 1e9' "feature 'a': mean, m2, min and max are not consistent"
bad rows-too-few 'd["rows"] = 10' "feature 'a': count \+ missing \(300\) exceed the baseline's rows \(10\)$"
bad categories-too-many 'c = d["features"][2]["categories"]; c.extend({"value": "z%d" % i, "count": 1} for i in range(1000000)); d["features"][2]["count"] += 1000000' "field 'features\[2\] \('c'\)': 1000003 categories: at most 1024 are kept \(the rest are counted in 'other'\)$"
bad name-too-long 'd["features"][1]["name"] = "n" * 5000' "field 'features\[1\]': name longer than 1024 bytes$"
bad name-huge 'd["features"][1]["name"] = "x" * (8 << 20)' "field 'features\[1\]': name longer than 1024 bytes$"
# Stored under one model and version, naming another.
corrupt foreign 'd["model"] = "victim"'
run detect --model foreign --version v1 --input "$D/current.csv"
expect_err "baseline naming another model" 1 "^driftmon: bad baseline: '$T/store/baselines/foreign/v1/baseline\.json': it is the baseline of model 'victim' version 'v1', stored under model 'foreign' version 'v1'$"
if [ -e "$T/store/drift-reports/victim" ]; then not_ok "a foreign baseline wrote reports under its model"; else ok; fi
corrupt foreign-version 'd["model_version"] = "v9"'
run detect --model foreign-version --version v1 --input "$D/current.csv" --no-write
expect_err "baseline naming another version" 1 "it is the baseline of model 'good' version 'v9', stored under model 'foreign-version' version 'v1'$"

# Not a crash: a baseline whose counts do not match its rows still loads
# or fails cleanly (exit 0 or 1, never a signal).
corrupt odd-counts 'd["rows"] = 1; d["features"][2]["categories"][0]["count"] = 10**15'
run detect --model odd-counts --version v1 --input "$D/current.csv" --no-write
if san_clean "odd counts" && [ "$rc" -le 1 ]; then ok; else not_ok "odd counts: exit $rc: $err"; fi

# The baseline file's key is a folder.
mkdir -p "$T/store/baselines/dir/v1/baseline.json"
run detect --model dir --version v1 --input "$D/current.csv" --no-write
expect_err "baseline.json is a folder" 1 "^driftmon: cannot read baseline: '$T/store/baselines/dir/v1/baseline\.json': not a regular file$"

# Missing baselines.
run detect --model nosuch --version v1 --input "$D/current.csv" --no-write
expect_err "missing baseline" 1 "^driftmon: no baseline for model 'nosuch' version 'v1' \(looked for '$T/store/baselines/nosuch/v1/baseline\.json'\); create it with 'driftmon baseline'$"
run detect --model good --version v2 --input "$D/current.csv" --no-write
expect_err "missing baseline version" 1 "^driftmon: no baseline for model 'good' version 'v2' .*create it with 'driftmon baseline'$"
run detect --model nosuch --version v1
expect_err "missing baseline (store window)" 1 "no baseline for model 'nosuch' version 'v1'"

# A corrupt report: status and list say so and go on.
mkdir -p "$T/store/drift-reports/broken"
printf '{"report_version": 1, "mod' >"$T/store/drift-reports/broken/latest.json"
run status
expect "status with a corrupt report: exit 1" 1 "^broken +\(unreadable report: 'drift-reports/broken/latest\.json': not valid JSON"
if printf '%s\n' "$out" | grep -q 'No drift reports'; then
	not_ok "status with a corrupt report claims there are no reports: $out"
else ok; fi
run list reports
expect "list reports with a corrupt report" 0 "^drift-reports/broken/latest\.json +\(unreadable: .*not valid JSON"
# --output: a failed write (disk full, file too large) says why, exits 1,
# stores no baseline, and leaves no partial file: an older file stays.
run synth --training "$T/out-train.csv" --rows 3000 --numeric-only --seed 3
expect "synth for --output" 0
run baseline --model outfail --version v1 --input "$T/out-train.csv" \
	--output /dev/full
expect_err "--output on a full device" 1 "^driftmon: cannot write '/dev/full': No space left on device$"
printf 'older\n' >"$T/out-old.json"
(
	ulimit -f 16 # KiB: the baseline of 51 features is larger
	trap '' XFSZ
	run baseline --model outfail --version v1 \
		--input "$T/out-train.csv" --output "$T/out-old.json"
	echo "$rc" >"$T/.rc-fsize"
	printf '%s\n' "$err" >"$T/.err-fsize"
)
rc=$(cat "$T/.rc-fsize") err=$(cat "$T/.err-fsize") out=
expect_err "--output larger than the file size limit" 1 "^driftmon: cannot write '.*/out-old\.json': File too large$"
check "--output failed: the older file is unchanged" \
	grep -qx older "$T/out-old.json"
if compgen -G "$T/out-old.json.tmp.*" >/dev/null; then
	not_ok "--output failed: a temporary file is left: $(ls "$T")"
else ok; fi
check "--output failed: no baseline stored" \
	test ! -e "$T/store/baselines/outfail/v1/baseline.json"
run baseline --model outfail --version v1 --input "$T/out-train.csv" \
	--output "$T/out-old.json"
expect "--output replaces the older file" 0
out=$(cat "$T/out-old.json")
json_check "--output: the new baseline" \
	"d['format'] == 'driftmon-baseline' and d['model'] == 'outfail'"
finish
