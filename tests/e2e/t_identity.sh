#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Report identity and the reasons behind a small window:
#   - backfills (detect --at in a loop) and concurrent runs each keep
#     their own history entry, and `history` shows the window of each;
#   - latest.json stays at drift-reports/<model>/latest.json (the latest
#     window of any version), each version has its own latest.json, and
#     `status` shows the verdict of every version;
#   - an empty or small window says why: rows of other versions, of other
#     models, malformed rows, unreadable files, no logs in the window
#     (and where the logs are), each counted apart, in the summary, the
#     JSON and the HTML;
#   - --at with UTC offsets and calendar checks; read commands on a store
#     that does not exist; typo'd flags; the progress line on a terminal.
. "$(dirname "$0")/lib.sh"
unset DRIFT_PUSHGATEWAY_URL DRIFT_ALERTMANAGER_URL DRIFT_WEBHOOK_URL
PY=/usr/bin/python3
S=$T/store
L=$S/inference-logs/year=2025/month=01/day=01

# A training table and hourly logs: hours 00-06 hold 150 rows of m v1
# each; hour 08 holds rows of m v2 only; hour 09 rows of another model;
# hour 10 a malformed row and a file that is not Parquet.
$PY - "$T" "$L" <<'EOF'
import csv, os, random, sys
t, logs = sys.argv[1], sys.argv[2]
rnd = random.Random(5)
def rows(n):
    return [(round(rnd.gauss(10, 2), 3), rnd.choice("abc")) for _ in range(n)]
with open(os.path.join(t, "train.csv"), "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["x", "k"])
    w.writerows(rows(600))
def hour(h, model, version, n, name="part-0.csv"):
    d = os.path.join(logs, "hour=%02d" % h)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["timestamp", "model_name", "model_version", "x", "k"])
        for x, k in rows(n):
            w.writerow(["2025-01-01T%02d:10:00Z" % h, model, version, x, k])
for h in range(7):
    hour(h, "m", "v1", 150)
hour(8, "m", "v2", 150)
hour(9, "other-model", "v1", 120)
hour(10, "m", "v1", 150)
with open(os.path.join(logs, "hour=10", "part-0.csv"), "a") as f:
    f.write("2025-01-01T10:20:00Z,m,v1,1.0,a,z\n")  # one field too many
with open(os.path.join(logs, "hour=10", "part-1.parquet"), "wb") as f:
    f.write(b"not parquet at all")
EOF

run baseline --model m --version v1 --input "$T/train.csv"
expect "baseline v1" 0
run baseline --model m --version v2 --input "$T/train.csv"
expect "baseline v2" 0

# ---- backfills: seven runs in a loop, seven history entries ------------
for h in 1 2 3 4 5 6 7; do
	run detect --model m --version v1 --at "2025-01-01T0$h:00:00Z" \
		--window-hours 1 --format none
	expect "backfill $h" 0
done
n=$(ls "$S"/drift-reports/m/v1/ | grep -c '^20250101T0[1-7]0000Z--.*\.json$')
check "7 backfills: 7 history files" test "$n" -eq 7
run history --model m
expect "history after backfills" 0 "^WINDOW \(UTC\) +RUN \(UTC\)"
for h in 1 2 3 4 5 6 7; do
	if printf '%s\n' "$out" | grep -qE "^2025-01-01 0$((h - 1)):00 \.\. 2025-01-01 0$h:00 +20[0-9-]+ [0-9:]+ +v1 +(150|0) "; then ok
	else not_ok "history: no line for the window ending 0$h:00: $out"; fi
done
check "history: 7 runs" test "$(printf '%s\n' "$out" | grep -c '^2025-01-01 ')" -eq 7
# in window order, whatever order they ran in
run detect --model m --version v1 --at 2025-01-01T03:00:00Z --window-hours 1 --format none
expect "a late backfill" 0
run history --model m
first=$(printf '%s\n' "$out" | grep '^2025-01-01 ' | awk '{print $5}' | tr '\n' ' ')
check "history ordered by window" test "$first" = "01:00 02:00 03:00 03:00 04:00 05:00 06:00 07:00 "
# latest.json: the latest window (07:00), not the last run (03:00)
end=$($PY -c 'import json,sys; print(json.load(open(sys.argv[1]))["window"]["end"])' "$S/drift-reports/m/latest.json")
check "latest.json is the latest window" test "$end" = 2025-01-01T07:00:00Z
end=$($PY -c 'import json,sys; print(json.load(open(sys.argv[1]))["window"]["end"])' "$S/drift-reports/m/v1/latest.json")
check "v1/latest.json is the latest window" test "$end" = 2025-01-01T07:00:00Z

# ---- concurrent runs: N runs of one window, N entries ---------------------
N=24
for i in $(seq $N); do
	timeout 120 "$DM" detect --model m --version v1 --at 2025-01-01T05:00:00Z \
		--window-hours 1 --format none >"$T/c$i.out" 2>"$T/c$i.err" &
done
wait
bad=0
for i in $(seq $N); do [ -s "$T/c$i.err" ] && bad=$((bad + 1)); done
check "concurrent runs: no errors ($bad)" test "$bad" -eq 0
n=$(ls "$S"/drift-reports/m/v1/ | grep -c '^20250101T050000Z--.*\.json$')
check "$N concurrent runs + 1 backfill: $((N + 1)) history files (got $n)" test "$n" -eq $((N + 1))
run history --model m --last 1000
n=$(printf '%s\n' "$out" | grep -c '^2025-01-01 04:00 \.\. 2025-01-01 05:00 ')
check "history lists every concurrent run ($n)" test "$n" -eq $((N + 1))
check "no temporary files left" test -z "$(find "$S" -name '*.tmp-*')"
check "latest.json still valid" $PY -c 'import json,sys; json.load(open(sys.argv[1]))' "$S/drift-reports/m/latest.json"

# ---- versions: v2 does not hide v1 ---------------------------------------
run detect --model m --version v1 --at 2025-01-01T10:00:00Z --window-hours 2
expect "v1 on an hour of v2 rows" 0 "^Samples analyzed: 0$"
expect "v1: why zero" 0 "^Not analyzed: 150 rows of other versions of m \(e\.g\. 'v2'\), 120 rows of other models \(e\.g\. 'other-model'\)$"
run detect --model m --version v2 --at 2025-01-01T10:00:00Z --window-hours 2
expect "v2" 0 "^Samples analyzed: 150$"
expect "v2: why some rows are out" 0 "^Not analyzed: 120 rows of other models \(e\.g\. 'other-model'\)$"
check "the model's latest.json (original layout)" test -s "$S/drift-reports/m/latest.json"
check "v1/latest.json" test -s "$S/drift-reports/m/v1/latest.json"
check "v2/latest.json" test -s "$S/drift-reports/m/v2/latest.json"
run status
expect "status" 0 "^MODEL +VERSION +WINDOW END \(UTC\) +LAST RUN"
expect "status shows v1" 0 "^m +v1 +2025-01-01 10:00 .* INSUFFICIENT DATA$"
expect "status shows v2" 0 "^m +v2 +2025-01-01 10:00 .* (OK|DRIFT)$"
check "status: one line per version" test "$(printf '%s\n' "$out" | grep -c '^m ')" -eq 2
run status --model m
check "status --model: both versions" test "$(printf '%s\n' "$out" | grep -c '^m ')" -eq 2
run history --model m --version v2
check "history of v2 only" test "$(printf '%s\n' "$out" | grep -c '^2025-01-01 ')" -eq 1
# a store written before per-version files: the model's latest.json (a
# report_version 1 report) still counts
mkdir -p "$S/drift-reports/old-model"
$PY - "$S/drift-reports/m/v1/latest.json" "$S/drift-reports/old-model/latest.json" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))
r["report_version"] = 1
r["model"] = "old-model"
for k in ("data", "samples_note", "columns_not_monitored"):
    r.pop(k)
json.dump(r, open(sys.argv[2], "w"))
EOF
run status
expect "status: an old-layout model" 0 "^old-model +v1 +2025-01-01 10:00 .* INSUFFICIENT DATA$"
check "status: m still one line per version" test "$(printf '%s\n' "$out" | grep -c '^m ')" -eq 2

# ---- why: each reason counted apart ------------------------------------
run detect --model m --version v1 --at 2025-01-01T10:00:00Z --window-hours 2 --format json --no-write
json_check "JSON: reasons counted apart" \
	'd["samples"] == 0 and d["data"]["rows_other_version"] == 150 and d["data"]["rows_other_model"] == 120 and d["rows_filtered"] == 270 and d["data"]["other_version_example"] == "v2" and d["data"]["files_read"] == 2 and "150 rows of other versions" in d["samples_note"]'
run detect --model m --version v1 --at 2025-01-01T11:00:00Z --window-hours 1 --format json --no-write
json_check "JSON: malformed rows and unreadable files" \
	'd["samples"] == 150 and d["data"]["rows_malformed"] == 1 and d["rows_skipped"] == 1 and d["data"]["files_unreadable"] == 1 and d["data"]["files_read"] == 1 and "1 malformed row" in d["samples_note"] and "1 unreadable file" in d["samples_note"]'
run detect --model m --version v1 --at 2025-01-01T11:00:00Z --window-hours 1
expect "summary: malformed and unreadable" 0 "^Not analyzed: 1 malformed row, 1 unreadable file \(first: .*part-1\.parquet"
run detect --model m --version v1 --at 2025-02-01T00:00:00Z --window-hours 24
expect "empty window: zero" 0 "^Samples analyzed: 0$"
expect "empty window: why" 0 "^Not analyzed: no inference logs in the window 2025-01-31T00:00:00Z \.\. 2025-02-01T00:00:00Z, 11 log files outside the window \(latest hour before it: 2025-01-01T10:00:00Z\)$"
check "the HTML says why" grep -q 'no inference logs in the window 2025-01-31T00:00:00Z' "$S/drift-reports/m/v1/latest.html"
run detect --model m --version v1 --at 2024-12-31T00:00:00Z --window-hours 2 --format json --no-write
json_check "JSON: the logs are after the window" \
	'd["data"]["files_outside_window"] == 11 and d["data"]["earliest_hour_after_window"] == "2025-01-01T00:00:00Z" and d["data"]["latest_hour_before_window"] is None'
run detect --model m --version v1 --input "$L/hour=08/part-0.csv" --no-write
expect "files given: why zero" 0 "^Not analyzed: 150 rows of other versions of m \(e\.g\. 'v2'\)$"
run detect --model m --version v2 --at 2025-01-01T03:00:00Z --window-hours 3 --no-write
expect "v2 on v1 hours" 0 "^Samples analyzed: 0$"
if printf '%s\n' "$out" | grep -A1 '^Samples analyzed: 0$' | tail -n 1 | grep -q '^Not analyzed: 450 rows of other versions'; then ok
else not_ok "'Samples analyzed: 0' without the reason under it: $out"; fi

# ---- --at ---------------------------------------------------------------
run detect --model m --version v1 --at 2025-01-01T12:30:00+02:00 --window-hours 1 --format json --no-write
json_check "--at with +02:00" 'd["window"] == {"start": "2025-01-01T09:00:00Z", "end": "2025-01-01T10:00:00Z"}'
run detect --model m --version v1 --at 2024-12-31T19:59:59-05:00 --window-hours 1 --format json --no-write
json_check "--at with -05:00" 'd["window"]["end"] == "2025-01-01T00:00:00Z"'
run detect --model m --version v1 --at 2025-01-01T05:00+0100 --window-hours 1 --format json --no-write
json_check "--at with +0100, no seconds" 'd["window"]["end"] == "2025-01-01T04:00:00Z"'
run detect --model m --version v1 --at 2024-02-29T00:00:00Z --no-write --format none
expect "--at on a leap day" 0
run detect --model m --version v1 --at 2025-02-30
expect_err "--at 2025-02-30" 2 "invalid --at '2025-02-30': February 2025 has 28 days"
run detect --model m --version v1 --at 2023-02-29T10:00:00Z
expect_err "--at 2023-02-29" 2 "February 2023 has 28 days"
run detect --model m --version v1 --at 2025-04-31T00:00:00Z
expect_err "--at 2025-04-31" 2 "April 2025 has 30 days"
run detect --model m --version v1 --at 1969-12-31T23:00:00Z
expect_err "--at before 1970" 2 "year 1969 is before 1970"
run detect --model m --version v1 --at 1970-01-01T00:30:00+01:00
expect_err "--at before the epoch by its offset" 2 "before 1970-01-01T00:00:00Z"
run detect --model m --version v1 --at 2025-01-01T10:00:00+24:00
expect_err "--at offset out of range" 2 "UTC offset out of range"
run detect --model m --version v1 --at 2025-13-01
expect_err "--at month 13" 2 "month 13 does not exist"
run detect --model m --version v1 --at 2025-01-01T24:00:00Z
expect_err "--at hour 24" 2 "24:00:00 does not exist"
run detect --model m --version v1 --at 2025-01-01T10:00:00Zjunk
expect_err "--at trailing junk" 2 "expected an ISO-8601 UTC time"

# ---- read commands on a store that does not exist -------------------------
for cmd in "list reports" "list baselines" "status" "history --model m"; do
	# shellcheck disable=SC2086
	run $cmd --store "$T/no-such-store"
	expect_err "$cmd on a missing store" 1 "store '$T/no-such-store' does not exist"
done
(cd "$T" && env -u DRIFTMON_STORE "$DM" history --model m >"$T/.out" 2>"$T/.err"); rc=$?
out=$(cat "$T/.out"); err=$(cat "$T/.err")
expect_err "the default store, missing" 1 "store './driftmon-data' does not exist \(the default; give --store or set DRIFTMON_STORE"
DRIFTMON_STORE=$T/nope run status
expect_err "status on a missing \$DRIFTMON_STORE" 1 "store '$T/nope' does not exist"
: >"$T/a-file"
run list reports --store "$T/a-file"
expect_err "a file as the store" 1 "store '$T/a-file': not a folder"

# ---- typo'd flags ---------------------------------------------------------
run detect --model m --version v1 --window-hourz 3
expect_err "detect --window-hourz" 2 "^driftmon detect: unknown option '--window-hourz'; did you mean '--window-hours'\?$"
run status --modle m
expect_err "status --modle" 2 "unknown option '--modle'; did you mean '--model'\?$"
run history --model m --sparklnie
expect_err "history --sparklnie" 2 "did you mean '--sparkline'\?$"
run baseline --model m --version v1 --inptu x.csv
expect_err "baseline --inptu" 2 "did you mean '--input'\?$"
run detect --model m --version v1 --bogus
expect_err "no suggestion for a flag far from any" 2 "^driftmon detect: unknown option '--bogus'$"
run detcet --model m
expect_err "a typo'd command" 2 "^driftmon: 'detcet' is not a driftmon command; did you mean 'detect'\? See 'driftmon --help'\.$"

# ---- progress on a terminal -------------------------------------------------
if command -v script >/dev/null; then
	script -qec "'$DM' detect --model m --version v1 --at 2025-01-01T07:00:00Z --window-hours 7 --no-write --format none" /dev/null >"$T/tty.out" 2>&1
	if grep -qa 'detect: 1,050 rows' "$T/tty.out"; then ok
	else not_ok "no progress line on a terminal: $(cat -v "$T/tty.out")"; fi
else
	not_ok "script(1) is missing (bsdutils): cannot test the progress line"
fi
run detect --model m --version v1 --at 2025-01-01T07:00:00Z --window-hours 7 --no-write --format none
if [ -z "$err" ]; then ok; else not_ok "progress when stderr is not a terminal: $err"; fi
finish
