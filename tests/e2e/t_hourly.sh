#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Hour profiles (docs/hourly-profiles.md): detect over 1 h, 24 h and 7 d
# windows merged from hour profiles gives the report a raw read of the
# logs gives (tests/e2e/report_cmp.py: every field; floats to 1e-9,
# exactly while the window's sketch holds every value, else KS D within
# the stated bound); a late file makes its hour stale,
# a missing hour is empty, a corrupt, truncated, foreign-version or
# other-baseline profile is rebuilt with a warning; --no-write writes none;
# hours looked up ahead on worker threads give the same report.
. "$(dirname "$0")/lib.sh"
unset DRIFT_PUSHGATEWAY_URL DRIFT_ALERTMANAGER_URL DRIFT_WEBHOOK_URL
unset DRIFTMON_NO_PROFILES
export DRIFTMON_PROFILE_STATS=1
CMP="$(dirname "$0")/report_cmp.py"
CMPFLAGS=
AT=2025-12-24T18:00:00Z
P="$T/store/profiles/spam-detector/v1/year=2025/month=12/day=24"
L="$T/store/inference-logs/year=2025/month=12/day=24"

hourly_store 90 11

# detect NAME HOURS: a raw read and a run from profiles, compared
raw() {
	DRIFTMON_NO_PROFILES=1 run detect --model spam-detector --version v1 \
		--at $AT --window-hours "$1" --format json --no-write
	expect "$2: raw read" 0
	cp "$T/.out" "$T/raw.json"
}
prof() { # HOURS NAME STATS-PATTERN
	run detect --model spam-detector --version v1 --at $AT \
		--window-hours "$1" --format json
	expect "$2: from profiles" 0 "$3"
	cp "$T/.out" "$T/prof.json"
	if res=$(python3 "$CMP" $CMPFLAGS "$T/raw.json" "$T/prof.json"); then ok
	else not_ok "$2: profile-merged report differs from the raw read: $res"; fi
}

# lines_inside HTML NAME: every hourly PSI line stays inside its chart
lines_inside() {
	python3 - "$1" <<'PY' && ok || not_ok "$2"
import re, sys
h = open(sys.argv[1]).read()
ys = [float(y) for c in re.findall(r'<svg class="chart hourly".*?</svg>', h, re.S)
      for d in re.findall(r'<path class="lt" d="([^"]*)"', c)
      for y in re.findall(r'[ML][0-9.]+ (-?[0-9.]+)', d)]
print(len(ys), min(ys), max(ys))
sys.exit(0 if ys and min(ys) >= 8 and max(ys) <= 76 else 1)
PY
}

for w in 1 24 168; do
	raw $w "${w}h"
	prof $w "${w}h first run" "hour profiles: $w hours, 0 without logs, [0-9]+ from profiles, [0-9]+ read, 0 rebuilt"
	prof $w "${w}h again" "hour profiles: $w hours, 0 without logs, $w from profiles, 0 read, 0 rebuilt, 0 written"
done
check "an hour profile per hour of logs" \
	test "$(find "$T/store/profiles" -name profile.json | wc -l)" -eq 168
run detect --model spam-detector --version v1 --at $AT --window-hours 168 --format json
if cmp -s <(grep -v '"generated_at"' "$T/.out") <(grep -v '"generated_at"' "$T/prof.json"); then ok
else not_ok "a second run from profiles differs"; fi
check "the format names itself" grep -q '"format":"driftmon-hour-profile","format_version":2' "$P/hour=17/profile.json"

# a late file: its hour is stale, rebuilt, and counted
cp "$L/hour=10/part-synth-spam-detector-v1.parquet" "$L/hour=17/part-late.parquet"
raw 24 "late file"
prof 24 "late file" "hour profile .*hour=17/profile.json is stale \(it covers 1 log files, the hour has 2\)"
expect "late file: stats" 0 "23 from profiles, 1 read, 1 rebuilt, 1 written"
check "late file: the rebuilt profile covers it" grep -q part-late.parquet "$P/hour=17/profile.json"
prof 24 "late file, rebuilt" "24 from profiles, 0 read, 0 rebuilt"

# an unreadable file, an empty file and rows of another model in an
# hour: the data block, the UNREADABLE_FILES alert and the filtered rows
# come out of the profile as out of the raw read
printf 'not parquet at all' >"$L/hour=16/part-bad.parquet"
: >"$L/hour=16/part-empty.csv"
printf 'model_name,model_version,url_count\nother-model,v1,3\nother-model,v1,4\nspam-detector,v9,5\n' \
	>"$L/hour=16/part-other.csv"
raw 24 "odd files"
json_check "odd files, raw: counted" 'd["data"]["files_unreadable"] == 1 and d["data"]["files_empty"] == 1 and d["data"]["rows_other_model"] == 2 and d["data"]["rows_other_version"] == 1 and any(a["code"] == "UNREADABLE_FILES" for a in d["alerts"])'
prof 24 "odd files, read" "skipping log file: .*part-bad.parquet"
prof 24 "odd files, from the profile" "24 from profiles, 0 read"
rm "$L/hour=16/part-bad.parquet" "$L/hour=16/part-empty.csv" "$L/hour=16/part-other.csv"
raw 24 "odd files gone"
prof 24 "odd files gone" "23 from profiles, 1 read, 1 rebuilt"

# missing hours: logs gone (their profiles are not used) and a window
# reaching past the logs
rm -r "$L/hour=12" "$L/hour=13"
raw 24 "missing hours"
prof 24 "missing hours" "24 hours, 2 without logs, 22 from profiles, 0 read"
DRIFTMON_NO_PROFILES=1 run detect --model spam-detector --version v1 \
	--at 2025-12-24T21:00:00Z --window-hours 6 --format json --no-write
cp "$T/.out" "$T/raw.json"
run detect --model spam-detector --version v1 --at 2025-12-24T21:00:00Z \
	--window-hours 6 --format json
expect "window past the logs" 0 "6 hours, 3 without logs, 3 from profiles"
cp "$T/.out" "$T/prof.json"
res=$(python3 "$CMP" "$T/raw.json" "$T/prof.json") && ok || not_ok "window past the logs: $res"

# corrupt profiles are never trusted: truncated, edited, foreign version
raw 24 "corrupt"
head -c 2000 "$P/hour=15/profile.json" >"$T/x" && mv "$T/x" "$P/hour=15/profile.json"
prof 24 "truncated" "hour profile .*hour=15/profile.json cannot be used \(.*not valid JSON"
expect "truncated: rebuilt" 0 "1 rebuilt, 1 written"
sed -i 's/"format_version":2/"format_version":99/' "$P/hour=14/profile.json"
prof 24 "foreign version" "hour=14/profile.json cannot be used \(.*format_version 99 is not supported"
python3 - "$P/hour=16/profile.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
f = [f for f in d["profile"]["features"] if "bins" in f][0]
f["bins"][0] += 1
json.dump(d, open(sys.argv[1], "w"))
PY
prof 24 "edited bin count" "hour=16/profile.json cannot be used \(.*do not add up to its count"
expect "edited: rebuilt" 0 "1 rebuilt"
python3 - "$P/hour=11/profile.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
f = [f for f in d["profile"]["features"] if "categories" in f][0]
f["categories"].append(["made-up", 5])
json.dump(d, open(sys.argv[1], "w"))
PY
prof 24 "edited categories" "hour=11/profile.json cannot be used \(.*category counts do not add up"
printf 'not json' >"$P/hour=09/profile.json"
prof 24 "garbage" "hour=09/profile.json cannot be used"
prof 24 "all rebuilt" "0 read, 0 rebuilt"

# read ahead: with DRIFTMON_THREADS above 1 the next hours' profiles are
# looked up on worker threads while the hours are merged in order; one
# thread and four give the same report, counts and warnings (in hour
# order), with a corrupt and a stale hour in the window (--no-write:
# both runs see them)
printf 'not json' >"$P/hour=09/profile.json"
cp "$L/hour=10/part-synth-spam-detector-v1.parquet" "$L/hour=15/part-late2.parquet"
for t in 1 4; do
	DRIFTMON_THREADS=$t run detect --model spam-detector --version v1 \
		--at $AT --window-hours 168 --format json --no-write
	expect "read ahead, $t threads" 0 "hour=15/profile.json is stale"
	grep -v '"generated_at"' "$T/.out" >"$T/ahead-$t.json"
	cp "$T/.err" "$T/ahead-$t.err"
done
check "read ahead: the same report on 1 and 4 threads" \
	cmp -s "$T/ahead-1.json" "$T/ahead-4.json"
check "read ahead: the same warnings and counts, in hour order" \
	cmp -s "$T/ahead-1.err" "$T/ahead-4.err"
check "read ahead: the corrupt hour warned before the stale one" \
	grep -qzE 'hour=09/profile.json cannot be used.*hour=15/profile.json is stale' "$T/ahead-4.err"
rm "$L/hour=15/part-late2.parquet"
prof 24 "read ahead, rebuilt" "21 from profiles, 1 read, 1 rebuilt, 1 written"

# format_version 2 encodes the sketch points (base64 of little-endian
# float64 values, of LEB128 weights): Python's own decoding of them is a
# valid version-1 profile, which is still read (no rebuild) and merges
# to the same report; damaged encodings are rebuilt
edit_sketch() { # FILE MODE: rewrite the first sketch with weights
	python3 - "$@" <<'PY'
import base64, json, struct, sys
path, mode = sys.argv[1], sys.argv[2]
d = json.load(open(path))
def varints(b):
    out, x, sh = [], 0, 0
    for c in b:
        x |= (c & 0x7f) << sh; sh += 7
        if not c & 0x80:
            out.append(x); x, sh = 0, 0
    return out
feats = [f for f in d["profile"]["features"] if "sketch" in f]
if mode == "v1":
    d["format_version"] = 1
    for f in feats:
        sk = f["sketch"]; n = sk.pop("n")
        sk["values"] = list(struct.unpack("<%dd" % n, base64.b64decode(sk["values"])))
        if "weights" in sk:
            sk["weights"] = varints(base64.b64decode(sk["weights"]))
            assert len(sk["weights"]) == n
        assert sum(sk.get("weights", [1] * n)) == f["count"]
else:
    sk = [f["sketch"] for f in feats if "weights" in f["sketch"]][0]
    if mode == "bad-char":
        sk["values"] = "!" + sk["values"][1:]
    elif mode == "cut-weights":
        sk["weights"] = sk["weights"][:-4]
    elif mode == "n":
        sk["n"] += 1
    elif mode == "unsorted":
        v = list(struct.unpack("<%dd" % sk["n"], base64.b64decode(sk["values"])))
        v[0], v[-1] = v[-1], v[0]
        sk["values"] = base64.b64encode(struct.pack("<%dd" % len(v), *v)).decode()
    elif mode == "moved":
        d["files"][0]["values"] = sk.pop("values")
json.dump(d, open(path, "w"), separators=(",", ":"))
PY
}
edit_sketch "$P/hour=15/profile.json" v1
check "a version-1 profile" grep -q '"format_version":1,' "$P/hour=15/profile.json"
prof 24 "version 1 still read" "from profiles, 0 read, 0 rebuilt"
edit_sketch "$P/hour=14/profile.json" bad-char
prof 24 "encoded values: a foreign character" "hour=14/profile.json cannot be used \(.*values are not base64"
edit_sketch "$P/hour=14/profile.json" cut-weights
prof 24 "encoded weights cut" "hour=14/profile.json cannot be used \(.*sketch: weights"
edit_sketch "$P/hour=14/profile.json" n
prof 24 "sketch n one more" "hour=14/profile.json cannot be used \(.*sketch: values"
edit_sketch "$P/hour=14/profile.json" unsorted
prof 24 "encoded values unsorted" "hour=14/profile.json cannot be used \(.*must be sorted"
edit_sketch "$P/hour=14/profile.json" moved
prof 24 "encoded values moved" "hour=14/profile.json cannot be used \(.*sketch needs"
head -c 3000 "$P/hour=14/profile.json" >"$T/x" && mv "$T/x" "$P/hour=14/profile.json"
prof 24 "truncated inside an encoded sketch" "hour=14/profile.json cannot be used \(.*not valid JSON"
prof 24 "encoded: all rebuilt" "0 read, 0 rebuilt"

# another baseline: every profile of the window is rebuilt
sleep 1
run baseline --model spam-detector --version v1 --rows 2000 \
	--input "$T/store/training-data/spam-detector/train.parquet"
run baseline --model spam-detector --version v1 \
	--input "$T/store/training-data/spam-detector/train.parquet"
expect "baseline rebuilt" 0
raw 3 "new baseline"
prof 3 "new baseline" "made against another baseline"
expect "new baseline: all rebuilt" 0 "3 rebuilt, 3 written"

# more values than the sketch holds (200 rows an hour for 7 days): KS D
# within the stated bound, every count exact
run synth --rows 3000 --hours 170 --rows-per-hour 200 --end $AT --seed 12
expect "synth, more rows" 0
rm -r "$T/store/profiles"
CMPFLAGS=--sketch-bound
raw 168 "7d inexact"
prof 168 "7d inexact first" "168 hours, 0 without logs, 0 from profiles, 168 read"
prof 168 "7d inexact again" "168 from profiles"
check "7d inexact: the window is not exact" grep -q '"ks_exact": *false' "$T/prof.json"

# the trend: each feature's PSI hour by hour equals the PSI of a one-hour
# window of that hour; hours without logs (past the logs' end) are null
run detect --model spam-detector --version v1 --at 2025-12-24T20:00:00Z --window-hours 24 \
	--format json --no-write
cp "$T/.out" "$T/trend.json"
json_check "hourly_psi: 24 values from the window start, 2 hours null" \
	'all(f["hourly_psi"]["start"] == "2025-12-23T20:00:00Z" and len(f["hourly_psi"]["values"]) == 24 and f["hourly_psi"]["values"][22] is None and f["hourly_psi"]["values"][23] is None and None not in f["hourly_psi"]["values"][:22] for f in d["features"])'
for h in 03 09 17; do
	run detect --model spam-detector --version v1 --at "2025-12-24T$h:00:00Z" \
		--window-hours 1 --format json --no-write
	python3 - "$T/trend.json" "$T/.out" "$h" <<'PY' && ok || not_ok "hourly_psi of hour $h differs from a 1-hour window"
import json, sys
t = json.load(open(sys.argv[1])); o = json.load(open(sys.argv[2]))
k = 4 + int(sys.argv[3]) - 1   # hours since 2025-12-23T20:00
one = {f["name"]: f["psi"] for f in o["features"]}
bad = [(f["name"], f["hourly_psi"]["values"][k], one[f["name"]])
       for f in t["features"]
       if (f["hourly_psi"]["values"][k] is None) != (one[f["name"]] is None)
       or (one[f["name"]] is not None
           and abs(f["hourly_psi"]["values"][k] - one[f["name"]]) > 1e-12)]
print(bad[:3]); sys.exit(1 if bad else 0)
PY
done

# ... shown by history --feature and in the HTML report
run detect --model spam-detector --version v1 --at 2025-12-24T22:00:00Z --window-hours 8
expect "detect with a trend (the latest window)" 0
run history --model spam-detector --feature url_count --sparkline
expect "history --feature" 0 "^PSI of url_count hour by hour \(drift-reports/spam-detector/latest.json, 8 hours\)$"
want=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); v=[f for f in d["features"] if f["name"]=="url_count"][0]["hourly_psi"]["values"]; print("%.4f" % v[20])' "$T/trend.json")
expect "history --feature: the hour's PSI" 0 "^2025-12-24 16:00  $want$"
expect "history --feature: hours without logs" 0 "^2025-12-24 19:00  -$"
expect "history --feature: sparkline" 0 "^PSI .*··  min [0-9.]+, max [0-9.]+, last [0-9.]+$"
check "HTML: PSI hour by hour" grep -q '<h2 id="hourly">PSI hour by hour</h2>' "$T/store/drift-reports/spam-detector/latest.html"
lines_inside "$T/store/drift-reports/spam-detector/latest.html" "HTML: hourly lines inside their charts"
check "HTML: six hourly charts" test "$(grep -o 'class="chart hourly"' "$T/store/drift-reports/spam-detector/latest.html" | wc -l)" -eq 6
run history --model spam-detector --feature no_such_column
expect_err "history --feature: unknown" 1 "no feature of that name"
run detect --model spam-detector --version v1 --at 2025-12-24T22:00:00Z --window-hours 8 --no-hourly-profiles
expect "detect without profiles" 0
run history --model spam-detector --feature url_count
expect_err "history --feature: a raw report" 1 "has no hourly PSI"
check "HTML of a raw report: no hourly section" sh -c "! grep -q 'id=\"hourly\"' '$T/store/drift-reports/spam-detector/latest.html'"

# backfill: `driftmon profile` in three shards side by side (an Indexed
# Job's indexes), then detect reads no log; rerunning one index alone
# restores its hours
rm -r "$T/store/profiles"
for i in 0 1 2; do
	JOB_COMPLETION_INDEX=$i JOB_COMPLETIONS=3 timeout 120 "$DM" profile \
		--model spam-detector --version v1 --from 2025-12-17T18:00Z \
		--to $AT >"$T/shard$i.out" 2>&1 &
done
wait
for i in 0 1 2; do
	check "backfill shard $i" grep -q "(shard $i/3): 56 hours, 0 without logs, 0 fresh, 56 read (0 stale or corrupt), 56 written" "$T/shard$i.out"
done
prof 168 "after the backfill" "168 hours, 0 without logs, 168 from profiles, 0 read"
rm "$P/hour=16/profile.json" "$P/hour=13/profile.json"
run profile --model spam-detector --version v1 --from 2025-12-17T18:00Z --to $AT --shard 1/3
expect "rerun of one index" 0 "56 hours, 0 without logs, 54 fresh, 2 read \(0 stale or corrupt\), 2 written"
run profile --model spam-detector --version v1 --from 2025-12-24T10:00Z --to $AT --force
expect "profile --force" 0 ": 8 hours, 0 without logs, 0 fresh, 8 read"
run profile --model spam-detector --version v1 --from 2025-12-24T10:00Z --to 2025-12-24T09:00Z
expect_err "profile: empty range" 2 "--from must be before --to"
run profile --model spam-detector --version v1 --from 2025-12-24T10:00Z --shard 3/3
expect_err "profile: bad shard" 2 "invalid --shard '3/3'"
JOB_COMPLETION_INDEX=x JOB_COMPLETIONS=3 run profile --model spam-detector \
	--version v1 --from 2025-12-24T10:00Z
expect_err "profile: bad JOB_COMPLETION_INDEX" 2 "invalid JOB_COMPLETION_INDEX 'x'"
run profile --model spam-detector --version v9 --from 2025-12-24T10:00Z
expect "profile: no baseline" 1 "baseline"

# reference windows: day 1 without drift, day 2 shifted; against the
# baseline day 2 drifts, against itself nothing does (PSI 0), against
# day 1 it drifts; profile-merged and raw reference reports agree
rm -r "$T/store/profiles" "$T/store/inference-logs"
run synth --hours 24 --rows-per-hour 100 --end 2025-12-23T18:00:00Z \
	--scenario none --seed 21
expect "synth day 1" 0
run synth --hours 24 --rows-per-hour 100 --end $AT --magnitude 1.0 --seed 22
expect "synth day 2" 0
run detect --model spam-detector --version v1 --at $AT --window-hours 24 --no-write
expect "day 2 vs the baseline" 0 "Overall drift detected: YES"
if printf '%s' "$out" | grep -q "^Reference:"; then
	not_ok "a Reference: line without --reference-window"; else ok; fi
run detect --model spam-detector --version v1 --at $AT --window-hours 24 \
	--reference-window 2025-12-23T18:00Z/2025-12-24T18:00Z --format json
expect "day 2 vs itself" 0
json_check "day 2 vs itself: window reference, no drift, PSI 0" \
	'd["reference"] == {"kind": "window", "start": "2025-12-23T18:00:00Z", "end": "2025-12-24T18:00:00Z", "rows": 2400} and not d["drift_detected"] and max(f["psi"] for f in d["features"] if f.get("psi") is not None) == 0'
run detect --model spam-detector --version v1 --at $AT --window-hours 24 \
	--reference-window 24h
expect "day 2 vs day 1" 0 "^Reference: production window 2025-12-22T18:00:00Z \.\. 2025-12-23T18:00:00Z \(2400 rows\)$"
expect "day 2 vs day 1: drift" 0 "Overall drift detected: YES"
run detect --model spam-detector --version v1 --at $AT --window-hours 24 \
	--reference-window 1d --format json --no-write
cp "$T/.out" "$T/prof.json"
DRIFTMON_NO_PROFILES=1 run detect --model spam-detector --version v1 --at $AT \
	--window-hours 24 --reference-window 1d --format json --no-write
expect "day 2 vs day 1, raw" 0
json_check "day 2 vs day 1, raw: a window reference" 'd["reference"]["kind"] == "window"'
res=$(python3 "$CMP" "$T/.out" "$T/prof.json") && ok || not_ok "reference window from profiles vs raw: $res"
run detect --model spam-detector --version v1 --at $AT --format json --no-write
cp "$T/.out" "$T/big.json"
json_check "day 2: hourly PSI above 1 (for the chart's axis)" 'max(max(v for v in f["hourly_psi"]["values"] if v is not None) for f in d["features"]) > 1'
json_check "no --reference-window: the baseline" 'd["reference"] == {"kind": "baseline"}'
run report --input "$T/big.json" --output "$T/big.html"
lines_inside "$T/big.html" "HTML: hourly lines of PSI above 1 inside their charts"
export DRIFTMON_PROFILE_STATS=0
run detect --model spam-detector --version v1 --at $AT --reference-window 2020-01-01T00:00Z/2020-01-01T05:00Z --no-write
expect_err "an empty reference window" 1 "the reference window 2020-01-01T00:00:00Z \.\. 2020-01-01T05:00:00Z has no rows"
run detect --model spam-detector --version v1 --reference-window 5x
expect_err "--reference-window 5x" 2 "invalid --reference-window '5x'"
run detect --model spam-detector --version v1 --reference-window 2025-12-24T00:00Z/2025-12-23T00:00Z
expect_err "--reference-window backwards" 2 "must end after it starts"
run detect --model spam-detector --version v1 --input "$T/store/training-data/spam-detector/train.parquet" --reference-window 24h
expect_err "--reference-window 24h with --input" 2 "not with --input"
export DRIFTMON_PROFILE_STATS=1

# moments that overflowed a double (values beyond 1e150 in magnitude:
# written as null, min or max telling why) are trusted, not rebuilt; a
# null m2 with ordinary min and max is corrupt and rebuilt
run detect --model spam-detector --version v1 --at $AT --window-hours 2
expect "overflow: profiles written" 0 "0 rebuilt"
for mx in 1e160 5; do
	check "overflow: hour 17 edited (max $mx)" python3 - "$P/hour=17/profile.json" "$mx" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
f = next(f for f in d["profile"]["features"] if "moments" in f)
f["moments"]["m2"] = None
f["moments"]["max"] = max(float(sys.argv[2]), f["moments"]["min"])
json.dump(d, open(sys.argv[1], "w"))
PY
	run detect --model spam-detector --version v1 --at $AT --window-hours 2 --no-write
	if [ $mx = 5 ]; then
		expect "null m2, ordinary values: rebuilt" 0 "hour=17/profile.json.*(corrupt|add up)"
	else
		expect "null m2 of values up to 1e160: trusted" 0 "2 from profiles, 0 read, 0 rebuilt"
	fi
done

# --no-write writes no hour profile
rm -r "$T/store/profiles"
run detect --model spam-detector --version v1 --at $AT --window-hours 2 --no-write
expect "--no-write" 0 "0 from profiles, 2 read, 0 rebuilt, 0 written"
check "--no-write: no profiles" test ! -e "$T/store/profiles"
run detect --model spam-detector --version v1 --at $AT --window-hours 2 \
	--no-hourly-profiles --no-write
expect "--no-hourly-profiles" 0
if printf '%s' "$err" | grep -q "hour profiles:"; then
	not_ok "--no-hourly-profiles still used profiles"
else ok; fi
finish
