#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Hour profiles written by the logger (`driftmon collect`,
# docs/hourly-profiles.md): for a model version with a baseline, the
# collector stores each hour's profile as it uploads; it is byte for byte
# the profile `driftmon profile --force` (detect's raw read) builds from
# the same files, detect then reads no log (DRIFTMON_PROFILE_STATS) and
# its report equals the raw read's (report_cmp.py).  No baseline: one
# line, no profile.  Another writer's file in the hour, or files uploaded
# by an earlier run (kill -9, WAL replay): that hour is left to detect
# (never a wrong profile).  --no-hourly-profiles and
# DRIFTMON_NO_PROFILES=1 turn it off.
. "$(dirname "$0")/lib.sh"
unset DRIFT_PUSHGATEWAY_URL DRIFT_ALERTMANAGER_URL DRIFT_WEBHOOK_URL
unset DRIFTMON_NO_PROFILES DRIFTMON_COLLECTOR_TOKEN
CMP="$(dirname "$0")/report_cmp.py"
PY=/usr/bin/python3
command -v curl >/dev/null || { echo "t_logger_profiles: needs curl"; exit 1; }
PR=profiles/m1/v1/year=2025/month=12/day=24

# training data and the baseline of m1 v1 (m1 v2 and m2 have none)
$PY - "$T/train.csv" <<'PY'
import random, sys
r = random.Random(3)
with open(sys.argv[1], "w") as f:
    f.write("num1,num2,cat,prediction\n")
    for i in range(2000):
        f.write("%.6f,%.4f,%s,%.5f\n" % (r.gauss(0, 1), r.uniform(0, 100),
                r.choice("abc"), r.random()))
PY
# records: NDJSON, hours 15 and 16 of 2025-12-24, drifted, with missing
# values, an unseen category and rows of models without a baseline
records() { # FILE SEED N [HOURS]
	$PY - "$@" <<'PY'
import json, random, sys
r = random.Random(int(sys.argv[2]))
n = int(sys.argv[3])
hours = [int(h) for h in (sys.argv[4] if len(sys.argv) > 4 else "15,16").split(",")]
with open(sys.argv[1], "w") as f:
    for i in range(n):
        h = hours[i * len(hours) // n]
        m, v = ("m2", "v1") if i % 37 == 5 else ("m1", "v2") if i % 53 == 7 else ("m1", "v1")
        feat = {"num1": None if i % 41 == 0 else r.gauss(0.4, 1.2),
                "num2": r.uniform(10, 120),
                "cat": "zz" if i % 29 == 0 else r.choice("abbc")}
        f.write(json.dumps({"timestamp": "2025-12-24T%02d:%02d:%02d.%03dZ" % (h, (i // 60) % 60, i % 60, i % 1000),
                            "model_name": m, "model_version": v,
                            "request_id": "r%d" % i, "features": feat,
                            "prediction": r.random()}) + "\n")
PY
}

# start DIR [args]: a collector on DIR/wal, DIR/store; sets cpid, port
start() {
	local d=$1 i
	shift
	mkdir -p "$d"
	rm -f "$d/port"
	"$DM" collect --listen 127.0.0.1:0 --port-file "$d/port" \
		--wal-dir "$d/wal" --store "$d/store" "$@" 2>>"$d/log" &
	cpid=$!
	for i in $(seq 500); do
		[ -s "$d/port" ] && break
		kill -0 "$cpid" 2>/dev/null || break
		sleep 0.02
	done
	port=$(cat "$d/port" 2>/dev/null)
}
stop() { kill -TERM "$cpid" 2>/dev/null; wait "$cpid"; }
post() { # FILE [LINES PER REQUEST]
	local d
	d=$(mktemp -d "$T/post.XXXXXX")
	split -l "${2:-400}" "$1" "$d/x"
	for f in "$d"/x*; do
		code=$(curl -sS -o /dev/null -w '%{http_code}' --data-binary @"$f" \
			"http://127.0.0.1:$port/v1/predictions")
		[ "$code" = 202 ] || { echo "POST: $code" >&2; return 1; }
	done
}
baseline() { # STORE
	DRIFTMON_STORE="$1" run baseline --model m1 --version v1 --input "$T/train.csv"
	expect "baseline in $1" 0
}
# same_as_rebuilt DIR HOUR NAME: the logger's profile of HOUR equals the
# one `driftmon profile --force` builds from the same files
same_as_rebuilt() {
	local d=$1 h=$2 name=$3
	cp "$d/store/$PR/hour=$h/profile.json" "$T/logger.json"
	DRIFTMON_STORE="$d/store" run profile --model m1 --version v1 \
		--from 2025-12-24T$h:00Z --to 2025-12-24T$((10#$h + 1)):00Z --force
	expect "$name: profile --force" 0 ": 1 hours, 0 without logs, 0 fresh, 1 read"
	if cmp -s "$T/logger.json" "$d/store/$PR/hour=$h/profile.json"; then ok
	else
		not_ok "$name: the logger's profile of hour $h differs from detect's"
		$PY - "$T/logger.json" "$d/store/$PR/hour=$h/profile.json" >&2 <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
def walk(x, y, path):
    if type(x) != type(y) or (not isinstance(x, (dict, list)) and x != y):
        print("  differs at", path, str(x)[:80], str(y)[:80]); return True
    if isinstance(x, dict):
        for k in sorted(set(x) | set(y)):
            if walk(x.get(k), y.get(k), path + "." + k): return True
    if isinstance(x, list):
        if len(x) != len(y): print("  length at", path, len(x), len(y)); return True
        for i, (p, q) in enumerate(zip(x, y)):
            if walk(p, q, "%s[%d]" % (path, i)): return True
    return False
walk(a, b, "")
PY
	fi
	cp "$T/logger.json" "$d/store/$PR/hour=$h/profile.json"
}

# ---- 1. the normal case: two hours, several segments each ---------------
D=$T/a
baseline "$D/store"
records "$T/rec.ndjson" 1 3000
start "$D" --flush-rows 250
check "collector starts" test -n "$port"
check "records posted" post "$T/rec.ndjson"
check "SIGTERM: exit 0" stop
check "no baseline of m2: one line" test "$(grep -c "no baseline for model 'm2' version 'v1'" "$D/log")" = 1
check "no baseline of m1 v2: one line" test "$(grep -c "no baseline for model 'm1' version 'v2'" "$D/log")" = 1
check "hour 15 profiled" test -s "$D/store/$PR/hour=15/profile.json"
check "hour 16 profiled" test -s "$D/store/$PR/hour=16/profile.json"
check "only m1 v1 profiled" test "$(find "$D/store/profiles" -name profile.json | wc -l)" = 2
check "more than ten files an hour" test "$(ls "$D/store/inference-logs/year=2025/month=12/day=24/hour=15" | wc -l)" -ge 10
check "nothing left to detect" test "$(grep -c 'hour profile of model .* not written' "$D/log")" = 0
same_as_rebuilt "$D" 15 "hour 15"
same_as_rebuilt "$D" 16 "hour 16"
# detect takes the logger's profiles and reports what the raw read does
DRIFTMON_STORE="$D/store" DRIFTMON_PROFILE_STATS=1 run detect --model m1 \
	--version v1 --at 2025-12-24T17:00:00Z --window-hours 3 --format json --no-write
expect "detect from the logger's profiles" 0 "3 hours, 1 without logs, 2 from profiles, 0 read, 0 rebuilt"
cp "$T/.out" "$T/prof.json"
DRIFTMON_STORE="$D/store" run detect --model m1 --version v1 \
	--at 2025-12-24T17:00:00Z --window-hours 3 --format json --no-write --no-hourly-profiles
expect "detect raw" 0
cp "$T/.out" "$T/raw.json"
# (more than 1024 values an hour: the hours' sketches are compressed)
if res=$($PY "$CMP" --sketch-bound "$T/raw.json" "$T/prof.json"); then ok
else not_ok "report from the logger's profiles differs from the raw read: $res"; fi

# ---- 2. another writer's file in the hour: that hour is left to detect --
D=$T/b
baseline "$D/store"
mkdir -p "$D/store/inference-logs/year=2025/month=12/day=24/hour=16"
printf 'model_name,model_version,num1,num2,cat\nm1,v1,0.5,20,a\n' \
	>"$D/store/inference-logs/year=2025/month=12/day=24/hour=16/other.csv"
start "$D" --flush-rows 250
post "$T/rec.ndjson" && stop
check "other writer: exit 0" test $? = 0
check "other writer: hour 15 written" test -s "$D/store/$PR/hour=15/profile.json"
check "other writer: hour 16 not written" test ! -e "$D/store/$PR/hour=16/profile.json"
check "other writer: one line says why" grep -q "for 2025-12-24T16:00Z not written: the hour has [0-9]* data files in the store, this logger profiled" "$D/log"
DRIFTMON_STORE="$D/store" DRIFTMON_PROFILE_STATS=1 run detect --model m1 \
	--version v1 --at 2025-12-24T17:00:00Z --window-hours 2 --format json --no-write
expect "other writer: detect reads hour 16 only" 0 "1 from profiles, 1 read"

# ---- 3. kill -9 and WAL replay: a correct profile or none ---------------
# (a) nothing uploaded before the kill: the replay's profile is whole
D=$T/c
baseline "$D/store"
records "$T/rec1.ndjson" 2 900 15
start "$D" --flush-rows 100000 --flush-seconds 3600
post "$T/rec1.ndjson"
kill -KILL "$cpid"; wait "$cpid" 2>/dev/null
check "kill -9: nothing uploaded yet" test ! -e "$D/store/inference-logs"
start "$D" --flush-rows 100000 --flush-seconds 3600
stop
check "replay: exit 0" test $? = 0
check "replay: hour 15 profiled" test -s "$D/store/$PR/hour=15/profile.json"
[ -s "$D/store/$PR/hour=15/profile.json" ] && same_as_rebuilt "$D" 15 "replay"
# (b) one segment uploaded, then the kill: the restarted logger did not
# upload the hour's first file, so it writes no profile of it.  The rest
# (300 records) stays below --flush-rows, in the open segment, until the
# kill: were it a sealed segment, a quick flusher could upload it before
# the kill, leave the restarted logger nothing to replay, and the hour
# nothing to say (a race this test lost now and then)
D=$T/d
baseline "$D/store"
records "$T/rec2.ndjson" 3 700 15
head -n 400 "$T/rec2.ndjson" >"$T/rec2a.ndjson"
tail -n +401 "$T/rec2.ndjson" >"$T/rec2b.ndjson"
start "$D" --flush-rows 400 --flush-seconds 3600
post "$T/rec2a.ndjson" 400
for i in $(seq 300); do
	[ -n "$(ls "$D/store/inference-logs/year=2025/month=12/day=24/hour=15" 2>/dev/null)" ] && break
	sleep 0.05
done
sleep 0.5
post "$T/rec2b.ndjson" 1000
kill -KILL "$cpid"; wait "$cpid" 2>/dev/null
start "$D" --flush-rows 100000 --flush-seconds 3600
stop
check "partial upload then kill: exit 0" test $? = 0
if [ -e "$D/store/$PR/hour=15/profile.json" ]; then
	same_as_rebuilt "$D" 15 "partial upload then kill"
else
	check "partial upload then kill: left to detect, said" grep -q "for 2025-12-24T15:00Z not written" "$D/log"
fi

# ---- 4. the switches -------------------------------------------------------
D=$T/e
baseline "$D/store"
start "$D" --flush-rows 700 --no-hourly-profiles
post "$T/rec.ndjson" && stop
check "--no-hourly-profiles: logs written" test -d "$D/store/inference-logs"
check "--no-hourly-profiles: no profile" test ! -e "$D/store/profiles"
D=$T/f
baseline "$D/store"
DRIFTMON_NO_PROFILES=1 start "$D" --flush-rows 700
post "$T/rec.ndjson" && stop
check "DRIFTMON_NO_PROFILES=1: no profile" test ! -e "$D/store/profiles"
finish
