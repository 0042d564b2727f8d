#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The monitoring spec (docs/spec-format.md): --suggest-spec then --spec
# gives the same baseline and the same suggestion again; odd column names
# survive the round trip; a bad spec is one line naming the line and the
# key; the spec stored in the baseline sets detect's thresholds with no
# flag, below the environment and the flags.
. "$(dirname "$0")/lib.sh"

D=$T/data
mkdir -p "$D"
{
	echo 'customer_id,amount,event date,city,yes,1e3,"x: y",null,ünï,#hash,it'"'"'s,"a,b","q""uote",on,~,- dash,[x],{y},*star,&amp,!bang,%pct,@at,`tick`'
	for i in $(seq 1 400); do
		printf '%s' "$i,$((i * 37 % 101)).25,2024-01-0$((i % 9 + 1)),c$((i % 5)),$((i % 2)),k$((i % 3)),$((i % 7)),n$((i % 2)),$((i % 11))"
		for j in $(seq 1 15); do printf ',v%s' $(((i + j) % 4)); done
		echo
	done
} >"$D/train.csv"

# 1. suggest, then build with the suggestion: same profile, same suggestion
run baseline --model m --version v1 --input "$D/train.csv" \
	--suggest-spec "$T/s1.yaml" --output "$T/b1.json"
expect "suggest-spec" 0 "Suggested spec written to $T/s1.yaml"
check "suggestion has a header" grep -q '^# driftmon monitoring spec' "$T/s1.yaml"
check "suggestion has the version" grep -qx 'version: 1' "$T/s1.yaml"
check "suggestion names the model" grep -qx 'model: m' "$T/s1.yaml"
check "suggestion lists every column" [ "$(grep -c '^    role: ' "$T/s1.yaml")" -eq 24 ]
# an independent YAML 1.1 reader (PyYAML) reads every name back as text
check "PyYAML reads the names back" /usr/bin/python3 -c '
import csv, sys, yaml
d = yaml.safe_load(open(sys.argv[1], encoding="utf-8"))
hdr = next(csv.reader(open(sys.argv[2], encoding="utf-8")))
names = list(d["columns"])
if names != hdr or d["version"] != 1 or d["model"] != "m":
    sys.exit("%r != %r" % (names, hdr))' "$T/s1.yaml" "$D/train.csv"
check "odd names are quoted" grep -qx '  "yes":' "$T/s1.yaml"
check "names that look like numbers are quoted" grep -qx '  "1e3":' "$T/s1.yaml"
check "names with colons are quoted" grep -qx '  "x: y":' "$T/s1.yaml"
check "names with spaces are quoted" grep -qx '  "event date":' "$T/s1.yaml"
check "null is quoted" grep -qx '  "null":' "$T/s1.yaml"
check "unicode names" grep -qx '  "ünï":' "$T/s1.yaml"
check "no spec stored without --spec" /usr/bin/python3 -c '
import json, sys
sys.exit("spec" in json.load(open(sys.argv[1])))' "$T/b1.json"

run baseline --model m --version v1 --input "$D/train.csv" \
	--spec "$T/s1.yaml" --suggest-spec "$T/s2.yaml" --output "$T/b2.json"
expect "baseline --spec" 0 "Baseline for m v1: 400 rows, [0-9]+ features"
# the same spec again (comments aside: a column set by a spec may say so)
check "the suggestion is a fixed point" /usr/bin/python3 -c '
import sys, yaml
a, b = (yaml.safe_load(open(f, encoding="utf-8")) for f in sys.argv[1:3])
sys.exit(a != b)' "$T/s1.yaml" "$T/s2.yaml"
# the same profile, where the column came from (origin, reason) aside
check "same baseline with the suggested spec" /usr/bin/python3 -c '
import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:3])
for d in (a, b):
    for f in d["features"]:
        f.pop("origin", None); f.pop("reason", None)
sys.exit(a["features"] != b["features"] or a["rows"] != b["rows"])' \
	"$T/b1.json" "$T/b2.json"
check "the spec is stored verbatim" /usr/bin/python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
sys.exit(d.get("spec") != open(sys.argv[2], encoding="utf-8").read())' \
	"$T/b2.json" "$T/s1.yaml"
check "the stored baseline has the spec" /usr/bin/python3 -c '
import json, sys
sys.exit("version: 1" not in json.load(open(sys.argv[1]))["spec"])' \
	"$T/store/baselines/m/v1/baseline.json"

# odd names against an independent YAML implementation (PyYAML): what
# driftmon writes, PyYAML reads as the same names; what PyYAML writes,
# driftmon reads as the same names
/usr/bin/python3 tests/oracle/spec_names.py "$D/odd.csv" "$T/pyyaml.yaml"
run baseline --model odd --version v1 --input "$D/odd.csv" --suggest-spec "$T/odd1.yaml" --dry-run
expect "odd names: suggest" 0 "Dry run: baseline for odd v1 not stored \(150 rows, 61 features\)"
check "odd names: PyYAML reads driftmon's spec" /usr/bin/python3 -c '
import csv, sys, yaml
d = yaml.safe_load(open(sys.argv[1], encoding="utf-8"))
hdr = next(csv.reader(open(sys.argv[2], encoding="utf-8", newline="")))
sys.exit(list(d["columns"]) != hdr)' "$T/odd1.yaml" "$D/odd.csv"
run baseline --model odd --version v1 --input "$D/odd.csv" --spec "$T/pyyaml.yaml" \
	--suggest-spec "$T/odd2.yaml" --dry-run
expect "odd names: PyYAML's spec" 0 "Dry run: baseline for odd v1"
check "odd names: driftmon reads PyYAML's spec" /usr/bin/python3 -c '
import sys, yaml
a, b = (yaml.safe_load(open(f, encoding="utf-8")) for f in sys.argv[1:3])
sys.exit(list(a["columns"]) != list(b["columns"]))' "$T/odd1.yaml" "$T/odd2.yaml"

# --suggest-spec - writes the spec to stdout; --dry-run stores nothing
run baseline --model dry --version v1 --input "$D/train.csv" \
	--suggest-spec - --dry-run
expect "suggest to stdout" 0 "^version: 1$"
check "dry run stores nothing" [ ! -e "$T/store/baselines/dry" ]
printf '%s\n' "$out" >"$T/s3.yaml"
run baseline --model dry --version v1 --input "$D/train.csv" --spec "$T/s3.yaml" --dry-run
expect "stdout suggestion reads back" 0 "Dry run: baseline for dry v1 not stored \(400 rows, 24 features\)"

# 2. bad specs: one line, exit 2, naming the file, the line and the key
sed 's/^    type: numeric$/    typ: numeric/' "$T/s1.yaml" >"$T/bad.yaml"
line=$(grep -n '^    typ: ' "$T/bad.yaml" | head -n 1 | cut -d: -f1)
run baseline --model m --version v2 --input "$D/train.csv" --spec "$T/bad.yaml"
expect_err "unknown key" 2 "^driftmon: invalid spec: '$T/bad.yaml': line $line: columns.customer_id: unknown key 'typ' \(did you mean 'type'\?\)$"
check "no baseline from a bad spec" [ ! -e "$T/store/baselines/m/v2" ]

bad_spec() { # NAME YAML PATTERN
	printf '%b' "$2" >"$T/b.yaml"
	run baseline --model m --version v2 --input "$D/train.csv" --spec "$T/b.yaml"
	expect_err "$1" 2 "^driftmon: invalid spec: '$T/b.yaml': $3"
}
bad_spec "wrong type" 'version: 1\ndefaults:\n  psi_threshold: high\n' \
	"line 3: defaults.psi_threshold: expected a number from 0 to 100, got 'high'$"
bad_spec "duplicate column" 'version: 1\ncolumns:\n  city: {role: feature}\n  city: {role: ignored}\n' \
	"line 4: columns: duplicate column 'city' \(first at line 3\)$"
bad_spec "unknown role" 'version: 1\ncolumns:\n  city:\n    role: identifer\n' \
	"line 4: columns.city.role: unknown role 'identifer' \(did you mean 'identifier'\?\)$"
bad_spec "alpha out of range" 'version: 1\ndefaults:\n  alpha: 1\n' \
	"line 3: defaults.alpha: must be a significance level in \(0, 0.5\], got 1$"
bad_spec "version 2" 'version: 2\n' \
	"line 1: version: spec version 2 is not supported \(this driftmon reads version 1\)$"
bad_spec "not YAML" 'version: 1\ncolumns: [a\n' "line 3, column 1: not valid YAML: "
bad_spec "list for a map" 'version: 1\ncolumns:\n  - city\n' \
	"line 3: columns: expected a mapping \(key: value lines\), got a list$"

head -c 1100000 /dev/zero | tr '\0' '#' >"$T/huge.yaml"
run baseline --model m --version v2 --input "$D/train.csv" --spec "$T/huge.yaml"
expect_err "spec too large" 2 "^driftmon: invalid spec: '$T/huge.yaml': larger than 1048576 bytes"
run baseline --model m --version v2 --input "$D/train.csv" --spec "$T/nonexistent.yaml"
expect_err "spec missing" 1 "^driftmon: cannot read spec '$T/nonexistent.yaml': No such file"
printf 'version: 1\nmodel: other\n' >"$T/o.yaml"
run baseline --model m --version v2 --input "$D/train.csv" --spec "$T/o.yaml"
expect_err "spec for another model" 2 "^driftmon baseline: spec '$T/o.yaml' is for model 'other', not 'm'$"

# 3. the stored spec sets detect's thresholds: flag > env > spec > default
psi() { printf '%s' "$out" | /usr/bin/python3 -c '
import json, sys
t = json.load(sys.stdin)["thresholds"]
print(t["psi"], t["min_samples"], t["alpha"], t["critical"])'; }
run detect --model m --version v1 --input "$D/train.csv" --no-write --format json
expect "detect, suggested spec" 0
check "built-in defaults" [ "$(psi)" = "0.2 100 0.01 0.5" ]
printf 'version: 1\ndefaults:\n  psi_threshold: 0.7\n  min_samples: 50\n  alpha: 0.001\n  critical_threshold: 0.9\n' >"$T/d.yaml"
run baseline --model m --version v1 --input "$D/train.csv" --spec "$T/d.yaml"
expect "baseline with defaults" 0
run detect --model m --version v1 --input "$D/train.csv" --no-write --format json
expect "detect, no flag" 0
check "the stored spec's defaults apply" [ "$(psi)" = "0.7 50 0.001 0.9" ]
DRIFT_PSI_THRESHOLD=0.3 run detect --model m --version v1 --input "$D/train.csv" --no-write --format json
expect "detect, env" 0
check "the environment beats the spec" [ "$(psi)" = "0.3 50 0.001 0.9" ]
DRIFT_PSI_THRESHOLD=0.3 run detect --model m --version v1 --input "$D/train.csv" --no-write --format json --psi-threshold 0.05 --min-samples 10
expect "detect, flag" 0
check "a flag beats the environment and the spec" [ "$(psi)" = "0.05 10 0.001 0.9" ]
run compare --reference "$D/train.csv" --current "$D/train.csv" --spec "$T/d.yaml" --format json
expect "compare --spec" 0
check "compare applies the spec's defaults" [ "$(psi)" = "0.7 50 0.001 0.9" ]

# the complete example of docs/spec-format.md is a valid spec
/usr/bin/python3 -c '
import re, sys
s = open("docs/spec-format.md", encoding="utf-8").read()
sys.stdout.write(re.findall(r"```yaml\n(.*?)```", s, re.S)[0])' >"$T/doc.yaml"
run compare --reference "$D/train.csv" --current "$D/train.csv" --spec "$T/doc.yaml" --format json
expect "the documented example parses" 0
check "the documented example's defaults" [ "$(psi)" = "0.25 500 0.005 0.5" ]

# a stored spec that does not parse is a bad baseline
B=$T/store/baselines/m/v1/baseline.json
/usr/bin/python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
d["spec"] = "version: 2\n"
json.dump(d, open(sys.argv[1], "w"))' "$B"
run detect --model m --version v1 --input "$D/train.csv" --no-write
expect_err "bad stored spec" 1 "^driftmon: bad baseline: 'baselines/m/v1/baseline.json: spec': line 1: version: spec version 2 is not supported"
/usr/bin/python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
d["spec"] = 42
json.dump(d, open(sys.argv[1], "w"))' "$B"
run detect --model m --version v1 --input "$D/train.csv" --no-write
expect_err "spec not text" 1 "field 'spec': must be the spec's YAML text$"

finish
