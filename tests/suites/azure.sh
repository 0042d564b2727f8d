#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Azure Blob Storage end to end, against azurite (the official emulator,
# from npm, pinned in tests/azure/package-lock.json and installed into
# tests/azure/node_modules), checked with a second, official client
# (@azure/storage-blob, same folder).  Everything listens on free
# 127.0.0.1 ports and is stopped at the end.
#
#   flow      synth -> baseline (Put Block path) -> detect -> list ->
#             status; every blob at the original layout's key, its
#             content equal to what driftmon reports; az:// with a
#             connection string; a SAS token (and a read-only one)
#   faults    wrong key: one attempt, a clear message; 503 + Retry-After
#             honoured; 500 forever: bounded attempts; Retry-After too
#             long: no wait; azurite frozen (SIGSTOP) and killed in the
#             middle of a detect: a clear error after bounded retries and
#             no partial report; restarted: the rerun succeeds
#   races     two detects at once: latest.json is one whole report;
#             If-Match / If-None-Match conflicts
#   fan-out   sharded baseline indexes side by side (--input-prefix,
#             --shard job) merged == one process; a missing partial blob;
#             the backfill's indexes side by side (docs/fanout.md)
#   listing   12,000 blobs: continuation markers, sorted, complete;
#             a delimiter listing
#   parquet   a projected read downloads the footer and the chosen
#             column chunks only (bytes downloaded vs file size)
#   tokens    workload identity and managed identity against a loopback
#             stand-in token server, to an azurite that checks bearer
#             tokens over HTTPS (--oauth basic) with a test CA bundle;
#             TLS verification on; secrets in no output or trace
# usage: tests/suites/azure.sh build/driftmon
set -u
DM=$(realpath "${1:?usage: azure.sh DRIFTMON}")
export DM
cd "$(dirname "$0")/../.."
ROOT=$PWD
PY=/usr/bin/python3
AZD=$ROOT/tests/azure
NAME=azure.sh

. tests/e2e/lib.sh
# cannot_run: a missing azurite fails the suite unless DM_OPTIONAL lists
# "azure" (then exit 77: skipped; tests/README.md)
. tests/suites/lib/need.sh
for v in $(env | sed -n 's/^\(AZURE_[A-Z_]*\|DRIFTMON_AZURE_[A-Z_]*\|CURL_CA_BUNDLE\)=.*/\1/p'); do
	unset "$v"
done
unset DRIFTMON_STORE
pids=()
cleanup() {
	local p
	for p in "${pids[@]+"${pids[@]}"}"; do
		kill -CONT "$p" 2>/dev/null
		kill "$p" 2>/dev/null
	done
	wait 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
bail() {
	echo "azure: $*" >&2
	echo "$NAME: $_pass passed, $((_fail + 1)) failed"
	exit 1
}

# ---- tools ----------------------------------------------------------------------
need=""
command -v node >/dev/null || need="$need nodejs"
command -v npm >/dev/null || need="$need npm"
command -v openssl >/dev/null || need="$need openssl"
if [ -n "$need" ]; then
	[ "$(id -u)" = 0 ] || cannot_run azure azure "missing Debian packages:$need (sudo apt-get install$need)"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >/dev/null 2>&1 || true
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $need >/dev/null 2>&1 ||
		cannot_run azure azure "apt-get install$need failed"
fi
if [ ! -e "$AZD/node_modules/.bin/azurite-blob" ] ||
	[ ! -e "$AZD/node_modules/@azure/storage-blob/package.json" ]; then
	echo "azure: installing azurite and @azure/storage-blob (npm ci)" >&2
	(cd "$AZD" && npm ci --no-audit --no-fund --loglevel=error >"$T/npm.log" 2>&1) ||
		cannot_run azure azure "npm ci failed: $(tail -n 5 "$T/npm.log")"
fi
BUILD=$(dirname "$DM")
SANFLAGS=""
case "$BUILD" in *san*) SANFLAGS="-fsanitize=address,undefined" ;; esac
# the libraries the Makefile links with
LIBS=$(sed -n 's/^LDLIBS := //p' Makefile)
# shellcheck disable=SC2086
cc -std=c11 -D_GNU_SOURCE -Iinclude -Isrc $SANFLAGS -o "$T/az_probe" "$AZD/az_probe.c" \
	"$BUILD/libdriftmon.a" $LIBS 2>"$T/cc.log" ||
	bail "cannot build az_probe: $(head -n 5 "$T/cc.log")"
PROBE=$T/az_probe

free_port() {
	$PY -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}
wait_file() { # FILE: up to 10 s
	local i
	for i in $(seq 100); do [ -s "$1" ] && return 0; sleep 0.1; done
	return 1
}
AZ_PID=""
start_azurite() { # PORT DIR|- [args]: sets LAST_PID ("-": in memory)
	local port=$1 dir=$2 i
	shift 2
	if [ "$dir" = - ]; then
		set -- --inMemoryPersistence "$@"
	else
		mkdir -p "$dir"
		set -- --location "$dir" "$@"
	fi
	"$AZD/node_modules/.bin/azurite-blob" --blobHost 127.0.0.1 --blobPort "$port" \
		--skipApiVersionCheck --disableTelemetry --loose --silent \
		"$@" >>"$T/azurite.log" 2>&1 &
	LAST_PID=$!
	pids+=("$LAST_PID")
	for i in $(seq 300); do
		kill -0 "$LAST_PID" 2>/dev/null || break
		$PY -c 'import socket,sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 0.2).close()' \
			"$port" 2>/dev/null && return 0
		sleep 0.1
	done
	bail "azurite did not start on port $port: $(tail -n 5 "$T/azurite.log")"
}
KEY="Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
C=driftmon
P=$(free_port)
start_azurite "$P" "$T/az1"
AZ_PID=$LAST_PID
CONN="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=$KEY;BlobEndpoint=http://127.0.0.1:$P/devstoreaccount1;"
S="http://127.0.0.1:$P/devstoreaccount1/$C"
nodeck() { node "$AZD/check.mjs" "$@"; }
ck() { nodeck "$1" "$CONN" "$C" "${@:2}"; }
# the 12,000 blobs of the listing test go to a second, in-memory azurite,
# filled in the background while the other tests run (azurite stores
# about 200 blobs a second)
P3=$(free_port)
start_azurite "$P3" -
CONN3="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=$KEY;BlobEndpoint=http://127.0.0.1:$P3/devstoreaccount1;"
S3="http://127.0.0.1:$P3/devstoreaccount1/bulk"
FILL_T0=$(date +%s.%N)
(nodeck fill "$CONN3" bulk bulk/part- 12000 >"$T/fill.out" 2>&1; date +%s.%N >"$T/fill.done") &
FILL_PID=$!
pids+=("$FILL_PID")

# pycheck NAME <<EOF python EOF: passes when the script exits 0
pycheck() {
	if $PY - >"$T/.py" 2>&1; then ok; else not_ok "$1: $(tail -n 4 "$T/.py")"; fi
}
# no_secret NAME FILE...: none of the secrets appears in the files
no_secret() {
	local name=$1 f s
	shift
	for f in "$@"; do
		for s in "$KEY" "${SECRETS[@]+"${SECRETS[@]}"}"; do
			[ -n "$s" ] || continue
			if grep -qF -- "$s" "$f" 2>/dev/null; then
				not_ok "$name: a secret appears in $f"
				return
			fi
		done
	done
	ok
}
SECRETS=()

# ---- the flow -----------------------------------------------------------------------
export DRIFTMON_STORE=$S
export DRIFTMON_AZURE_TRACE=$T/trace
END=2025-12-24T18:00:00Z
run synth --training "$T/train.csv" --logs --rows 4000 --hours 24 --rows-per-hour 300 \
	--end "$END" --seed 11
expect "synth to azurite" 0 "Inference logs: 24 hours"
# the same logs in a folder, for the byte comparison
DRIFTMON_STORE=$T/local run synth --logs --hours 24 --rows-per-hour 300 --end "$END" --seed 11
expect "synth to a folder" 0

: >"$T/trace"
DRIFTMON_AZURE_PUT_THRESHOLD=65536 DRIFTMON_AZURE_BLOCK_SIZE=32768 \
	run baseline --model spam-detector --version v1 --input "$T/train.csv"
expect "baseline (blocks)" 0 "Written to $S/baselines/spam-detector/v1/baseline.json"
nb=$(grep -c 'comp=block&blockid=' "$T/trace")
nl=$(grep -c 'comp=blocklist' "$T/trace")
if [ "$nb" -gt 10 ] && [ "$nl" -eq 1 ]; then ok; else not_ok "Put Block path: $nb blocks, $nl block lists"; fi
DRIFTMON_STORE=$T/local run baseline --model spam-detector --version v1 --input "$T/train.csv"
expect "baseline to a folder" 0

run detect --model spam-detector --version v1 --at 2025-12-24T18:20:00Z --format json
expect "detect" 0 '"drift_detected"'
cp "$T/.out" "$T/detect1.json"
run list baselines
expect "list baselines" 0 "spam-detector +v1 +baselines/spam-detector/v1/baseline.json"
run list reports
expect "list reports" 0 "drift-reports/spam-detector/latest.json"
printf '%s\n' "$out" >"$T/list-reports.txt"
run status
expect "status" 0 "spam-detector +v1 .* (DRIFT|OK)"
printf '%s\n' "$out" >"$T/status.txt"

# the official client sees every blob at the original layout's key
ck list >"$T/blobs.txt" || bail "check.mjs list failed"
$PY - "$T/blobs.txt" "$T/detect1.json" <<'EOF' >"$T/.py" 2>&1 && ok || not_ok "layout: $(tail -n 3 "$T/.py")"
import json, sys
names = open(sys.argv[1]).read().split()
rep = json.load(open(sys.argv[2]))
stamp = rep["generated_at"].replace("-", "").replace(":", "")
wend = rep["window"]["end"].replace("-", "").replace(":", "")
want = {"baselines/spam-detector/v1/baseline.json",
        "drift-reports/spam-detector/latest.json",
        "drift-reports/spam-detector/v1/latest.json"}
# the history copy: <window end>--<run time>-<nonce>.json
import re
hist = [n for n in names if re.fullmatch(r"drift-reports/spam-detector/v1/%s--%s-[0-9a-f]{8}\.json" % (wend, stamp), n)]
assert len(hist) == 1, [n for n in names if n.startswith("drift-reports/")]
want |= {"inference-logs/year=2025/month=12/day=%02d/hour=%02d/part-synth-spam-detector-v1.parquet"
         % (23 + (h + 18) // 24, (h + 18) % 24) for h in range(24)}
# detect read every hour raw, so it wrote each hour's profile
# (docs/hourly-profiles.md)
want |= {"profiles/spam-detector/v1/year=2025/month=12/day=%02d/hour=%02d/profile.json"
         % (23 + (h + 18) // 24, (h + 18) % 24) for h in range(24)}
missing = want - set(names)
assert not missing, "missing: %s" % sorted(missing)
extra = [n for n in names if not n.startswith(("baselines/", "inference-logs/", "drift-reports/", "profiles/spam-detector/v1/"))]
assert not extra, "unexpected blobs: %s" % extra
assert names == sorted(names, key=lambda s: s.encode())
EOF
ck get drift-reports/spam-detector/latest.json >"$T/latest.json"
check "latest.json = detect's report" cmp -s "$T/latest.json" "$T/detect1.json"
hist=$(grep '^drift-reports/spam-detector/v1/.*\.json$' "$T/blobs.txt" | head -n 1)
ck get "$hist" >"$T/hist.json"
check "history report = detect's report" cmp -s "$T/hist.json" "$T/detect1.json"
bad=0
for k in $(grep '^inference-logs/' "$T/blobs.txt"); do
	ck get "$k" >"$T/blob" && cmp -s "$T/blob" "$T/local/$k" || bad=$((bad + 1))
done
if [ "$bad" -eq 0 ]; then ok; else not_ok "$bad inference logs differ from the folder's"; fi
ck get baselines/spam-detector/v1/baseline.json >"$T/baseline.json"
$PY - "$T/baseline.json" "$T/local/baselines/spam-detector/v1/baseline.json" <<'EOF' >"$T/.py" 2>&1 && ok || not_ok "baseline content: $(tail -n 3 "$T/.py")"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
for d in (a, b):
    d.pop("created_at", None)
assert a == b, "baseline in azurite differs from the folder's"
EOF
# driftmon's list and status agree with what the client downloads
$PY - "$T/blobs.txt" "$T/list-reports.txt" "$T/status.txt" "$T/latest.json" <<'EOF' >"$T/.py" 2>&1 && ok || not_ok "list/status vs blobs: $(tail -n 3 "$T/.py")"
import json, sys
names = set(open(sys.argv[1]).read().split())
listed = [l.split()[0] for l in open(sys.argv[2]) if l.startswith("drift-reports/")]
assert listed and set(listed) <= names, listed
assert set(listed) == {n for n in names if n.startswith("drift-reports/") and n.endswith(".json")}
rep = json.load(open(sys.argv[4]))
status = open(sys.argv[3]).read()
assert ("%.1f%%" % (100 * rep["drift_score"])) in status, (rep["drift_score"], status)
EOF
t=$(ck type drift-reports/spam-detector/latest.json)
if [ "$t" = application/json ]; then ok; else not_ok "report Content-Type: $t"; fi

# az:// with a connection string: the same answers
AZURE_STORAGE_CONNECTION_STRING=$CONN DRIFTMON_STORE=az://$C run status
expect "az:// + connection string" 0 "spam-detector +v1"
if [ "$out" = "$(cat "$T/status.txt")" ]; then ok; else not_ok "az:// status differs: $out"; fi
# a SAS token (read + list): reads work, writes fail at once, sig= redacted
SAS=$(ck sas rl) || bail "check.mjs sas failed"
SIG=$(printf '%s' "$SAS" | sed -n 's/.*sig=\([^&]*\).*/\1/p')
SECRETS+=("$SIG" "$($PY -c 'import sys, urllib.parse; print(urllib.parse.unquote(sys.argv[1]))' "$SIG")")
: >"$T/trace"
AZURE_STORAGE_SAS_TOKEN="?$SAS" run status
expect "SAS token: status" 0 "spam-detector +v1"
if grep -q 'sig=REDACTED' "$T/trace"; then ok; else not_ok "SAS in trace not redacted"; fi
AZURE_STORAGE_SAS_TOKEN=$SAS run detect --model spam-detector --version v1 --at 2025-12-24T18:20:00Z
expect_err "read-only SAS: detect" 1 "authentication failed \(HTTP 403 .*SAS token.*not retried"
no_secret "SAS never shown" "$T/trace" "$T/.err" "$T/.out"

# ---- faults ------------------------------------------------------------------------------
WRONG=$(printf 'not-the-account-key-0123456789' | base64)
SECRETS+=("$WRONG")
: >"$T/trace"
t0=$(date +%s.%N)
AZURE_STORAGE_KEY=$WRONG run status
t1=$(date +%s.%N)
expect_err "wrong key" 1 "authentication failed \(HTTP 403.*Shared Key from AZURE_STORAGE_KEY.*not retried"
n=$(grep -c . "$T/trace")
fast=$($PY -c "print(1 if $t1 - $t0 < 3 else 0)")
if [ "$n" -eq 1 ] && [ "$fast" = 1 ]; then ok; else not_ok "wrong key: $n attempts, fast=$fast"; fi
no_secret "wrong key never shown" "$T/trace" "$T/.err"

# a fault-injecting proxy in front of azurite
RULES=$T/rules.json
echo '[]' >"$RULES"
$PY "$AZD/standin.py" proxy "$T/proxy.port" "$P" "$RULES" "$T/proxy.log" 2>>"$T/standin.log" &
pids+=("$!")
wait_file "$T/proxy.port" || bail "the proxy did not start"
PX="http://127.0.0.1:$(cat "$T/proxy.port")/devstoreaccount1/$C"
echo '[{"match": "latest.json", "status": 503, "retry_after": "1", "times": 2}]' >"$RULES"
DRIFTMON_STORE=$PX DRIFTMON_AZURE_BACKOFF_MS=50 run status
expect "503 + Retry-After: recovers" 0 "spam-detector +v1"
$PY - "$T/proxy.log" <<'EOF' >"$T/.py" 2>&1 && ok || not_ok "Retry-After: $(tail -n 3 "$T/.py")"
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1]) if "latest.json" in l]
assert [e["status"] for e in ev] == [503, 503, 200], ev
assert ev[1]["t"] - ev[0]["t"] >= 0.95 and ev[2]["t"] - ev[1]["t"] >= 0.95, "waited less than Retry-After"
EOF
echo '[{"match": "comp=list", "status": 500, "code": "InternalError", "times": -1}]' >"$RULES"
DRIFTMON_STORE=$PX DRIFTMON_AZURE_ATTEMPTS=3 DRIFTMON_AZURE_BACKOFF_MS=50 run status
expect_err "500 forever: bounded" 1 "gave up after 3 attempts in [0-9.]+ s \(HTTP 500 InternalError x3\)"
echo '[{"match": "comp=list", "status": 429, "retry_after": "120", "times": -1}]' >"$RULES"
t0=$(date +%s)
DRIFTMON_STORE=$PX DRIFTMON_AZURE_BACKOFF_MAX_MS=5000 run status
expect_err "Retry-After over the cap" 1 "asked to retry after 120 s"
if [ $(($(date +%s) - t0)) -lt 5 ]; then ok; else not_ok "Retry-After over the cap: waited"; fi
echo '[]' >"$RULES"

# the service goes away in the middle of a detect: reads are slowed
# (1 KiB ranged reads) so that the detect is surely mid-way when the
# trace shows the 6th hour being read
before_list=$(ck list drift-reports/)
mid_detect() { # SIGNAL: runs detect, sends SIGNAL to azurite mid-way
	: >"$T/trace"
	(
		DRIFTMON_AZURE_READ_AHEAD=1024 DRIFTMON_AZURE_ATTEMPTS=3 DRIFTMON_AZURE_BACKOFF_MS=100 \
			DRIFTMON_AZURE_TIMEOUT_SECONDS=1 DRIFTMON_AZURE_CONNECT_TIMEOUT_SECONDS=1 \
			timeout 60 "$DM" detect --model spam-detector --version v1 \
			--at 2025-12-24T18:20:00Z >"$T/mid.out" 2>"$T/mid.err"
		echo $? >"$T/mid.rc"
	) &
	local w=$! i
	for i in $(seq 600); do
		grep -q 'hour%3D23/' "$T/trace" 2>/dev/null && break
		[ -e "$T/mid.rc" ] && break
		sleep 0.02
	done
	kill "-$1" "$AZ_PID"
	[ "$1" = KILL ] && { wait "$AZ_PID"; } 2>/dev/null
	wait "$w"
	rc=$(cat "$T/mid.rc")
	out=$(cat "$T/mid.out")
	err=$(cat "$T/mid.err")
	rm -f "$T/mid.rc"
}
mid_detect STOP
expect_err "azurite frozen mid-detect" 1 "cannot (read|list) logs: .*gave up after 3 attempts in [0-9.]+ s \(timed out"
kill -CONT "$AZ_PID"
after_list=$(ck list drift-reports/)
if [ "$before_list" = "$after_list" ]; then ok; else not_ok "frozen: a report was written"; fi
mid_detect KILL
expect_err "azurite killed mid-detect" 1 "cannot (read|list) logs: .*gave up after 3 attempts in [0-9.]+ s \(.*connection refused"
start_azurite "$P" "$T/az1"
AZ_PID=$LAST_PID
after_list=$(ck list drift-reports/)
if [ "$before_list" = "$after_list" ]; then ok; else not_ok "killed: a report was written"; fi
ck get drift-reports/spam-detector/latest.json >"$T/latest2.json"
check "killed: latest.json untouched" cmp -s "$T/latest2.json" "$T/detect1.json"
sleep 1 # a new history stamp
run detect --model spam-detector --version v1 --at 2025-12-24T18:20:00Z --format json
expect "restarted: the rerun succeeds" 0 '"drift_detected"'
cp "$T/.out" "$T/detect2.json"
ck get drift-reports/spam-detector/latest.json >"$T/latest3.json"
check "rerun: latest.json replaced whole" cmp -s "$T/latest3.json" "$T/detect2.json"

# ---- races --------------------------------------------------------------------------------
sleep 1
for i in 1 2 3; do
	"$DM" detect --model spam-detector --version v1 --at 2025-12-24T18:20:00Z \
		--format json >"$T/race$i.json" 2>"$T/race$i.err" &
	rp[$i]=$!
done
rfail=0
for i in 1 2 3; do wait "${rp[$i]}" || rfail=$((rfail + 1)); done
if [ "$rfail" -eq 0 ]; then ok; else not_ok "racing detects failed: $(cat "$T"/race*.err)"; fi
ck get drift-reports/spam-detector/latest.json >"$T/latest4.json"
$PY - "$T/latest4.json" "$T"/race[123].json <<'EOF' >"$T/.py" 2>&1 && ok || not_ok "races: $(tail -n 3 "$T/.py")"
import json, sys
latest = open(sys.argv[1], "rb").read()
runs = [open(p, "rb").read() for p in sys.argv[2:]]
assert latest in runs, "latest.json is not one of the racing runs' reports"
newest = max(json.loads(r)["generated_at"] for r in runs)
assert json.loads(latest)["generated_at"] == newest, "an older run replaced a newer report"
EOF
printf 'one' | $PROBE put-if "$S" race/x.txt - >"$T/p1"
printf 'two' | $PROBE put-if "$S" race/x.txt - >"$T/p2"
tag=$($PROBE tag "$S" race/x.txt)
printf 'three' | $PROBE put-if "$S" race/x.txt "$tag" >"$T/p3"
printf 'four' | $PROBE put-if "$S" race/x.txt "$tag" >"$T/p4"
got=$(cat "$T/p1" "$T/p2" "$T/p3" "$T/p4" | tr '\n' ' ')$(ck get race/x.txt)
if [ "$got" = "written conflict written conflict three" ]; then ok; else not_ok "If-None-Match / If-Match: $got"; fi
$PROBE delete "$S" race/x.txt && ! ck get race/x.txt >/dev/null 2>&1 && ok || not_ok "Delete Blob"

# ---- fan-out (docs/fanout.md) ------------------------------------------------------------------
# The Indexed Job's indexes as processes side by side against azurite:
# a sharded baseline of the 24 hourly log files under a store prefix
# (--input-prefix, --shard job) merged == the single-process baseline
# of the same blobs, and == one built from a local copy of the same
# files; then the backfill (profile, JOB_COMPLETION_INDEX) side by side,
# after which detect reads no raw log.
SF="http://127.0.0.1:$P/devstoreaccount1/fanout"
DRIFTMON_STORE=$SF run synth --logs --hours 24 --rows-per-hour 300 --end "$END" --seed 11
expect "fan-out: logs to azurite" 0 "Inference logs: 24 hours"
DRIFTMON_STORE=$SF run baseline -m fan -v single --input-prefix inference-logs/ --output "$T/fan-single.json"
expect "fan-out: single-process baseline from a store prefix" 0 "Baseline for fan single: 7200 rows"
DRIFTMON_STORE=$T/local run baseline -m fan -v local --input-prefix inference-logs/ --output "$T/fan-local.json"
expect "fan-out: the same from a folder store" 0 "7200 rows"
if res=$($PY tests/e2e/baseline_cmp.py "$T/fan-single.json" "$T/fan-local.json"); then ok
else not_ok "fan-out: azurite and folder baselines differ: $res"; fi
for n in 1 2 4; do
	fp=()
	for ((i = 0; i < n; i++)); do
		DRIFTMON_STORE=$SF JOB_COMPLETION_INDEX=$i JOB_COMPLETIONS=$n "$DM" baseline \
			-m fan -v n$n --input-prefix inference-logs/ --shard job \
			>"$T/fan$i.out" 2>&1 </dev/null &
		fp+=($!)
	done
	ffail=0
	for i in "${!fp[@]}"; do wait "${fp[$i]}" || ffail=1; done
	if [ "$ffail" -eq 0 ]; then ok; else not_ok "fan-out: $n shards: $(cat "$T"/fan*.out)"; fi
	DRIFTMON_STORE=$SF run baseline -m fan -v n$n --merge-partials --output "$T/fan-merged.json"
	expect "fan-out: merge of $n" 0 "Written to $SF/baselines/fan/n$n/baseline.json"
	if res=$($PY tests/e2e/baseline_cmp.py "$T/fan-single.json" "$T/fan-merged.json"); then ok
	else not_ok "fan-out: $n shards against azurite differ from one process: $res"; fi
done
# the partials are blobs the official client reads
nodeck list "$CONN" fanout baselines/fan/n4/partials/ >"$T/fan-parts.txt"
if [ "$(grep -c 'part-0000[0-3]-of-00004.json' "$T/fan-parts.txt")" -eq 4 ]; then ok
else not_ok "fan-out: partial blobs: $(cat "$T/fan-parts.txt")"; fi
# a missing partial blob is named; rerunning that index is enough
$PROBE delete "$SF" baselines/fan/n4/partials/part-00002-of-00004.json
DRIFTMON_STORE=$SF run baseline -m fan -v n4 --merge-partials
expect_err "fan-out: missing partial blob" 1 "1 of 4 partials missing.*shard 2 "
DRIFTMON_STORE=$SF JOB_COMPLETION_INDEX=2 JOB_COMPLETIONS=4 run baseline -m fan -v n4 \
	--input-prefix inference-logs/ --shard job
expect "fan-out: rerun of index 2" 0 "shard 2/4: 6 of 24 files"
DRIFTMON_STORE=$SF run baseline -m fan -v n4 --merge-partials --output "$T/fan-merged.json"
expect "fan-out: merge after the rerun" 0
$PY tests/e2e/baseline_cmp.py "$T/fan-single.json" "$T/fan-merged.json" >/dev/null && ok ||
	not_ok "fan-out: merge after the rerun differs"
# the backfill of hour profiles, three indexes side by side
fp=()
for i in 0 1 2; do
	DRIFTMON_STORE=$SF JOB_COMPLETION_INDEX=$i JOB_COMPLETIONS=3 "$DM" profile \
		--model fan --version n4 --from 2025-12-23T18:00Z --to "$END" \
		>"$T/bf$i.out" 2>&1 </dev/null &
	fp+=($!)
done
for i in 0 1 2; do
	wait "${fp[$i]}" && grep -q "(shard $i/3): 8 hours, 0 without logs, 0 fresh, 8 read (0 stale or corrupt), 8 written" "$T/bf$i.out" &&
		ok || not_ok "fan-out: backfill shard $i: $(cat "$T/bf$i.out")"
done
DRIFTMON_STORE=$SF DRIFTMON_PROFILE_STATS=1 run detect --model fan --version n4 \
	--at 2025-12-24T18:20:00Z --window-hours 24 --no-write
expect "fan-out: detect after the backfill reads no log" 0 "24 hours, 0 without logs, 24 from profiles, 0 read"

# ---- 12,000 blobs --------------------------------------------------------------------------
wait "$FILL_PID" 2>/dev/null
grep -q 'filled 12000' "$T/fill.out" || bail "check.mjs fill failed: $(tail -n 3 "$T/fill.out")"
: >"$T/trace"
t1=$(date +%s.%N)
$PROBE list "$S3" bulk/ >"$T/bulk-dm.txt" || not_ok "list 12,000"
t2=$(date +%s.%N)
nodeck list "$CONN3" bulk bulk/ >"$T/bulk-ck.txt"
n=$(grep -c . "$T/bulk-dm.txt")
pages=$(grep -c 'comp=list' "$T/trace")
markers=$(grep -c 'marker=' "$T/trace")
if [ "$n" -eq 12000 ] && cmp -s "$T/bulk-dm.txt" "$T/bulk-ck.txt" && [ "$(sort -u "$T/bulk-dm.txt" | grep -c .)" -eq 12000 ]; then
	ok
else
	not_ok "12,000 listing: $n keys; same as the client's: $(cmp -s "$T/bulk-dm.txt" "$T/bulk-ck.txt" && echo yes || echo no)"
fi
if [ "$pages" -eq 3 ] && [ "$markers" -eq 2 ]; then ok; else not_ok "continuation: $pages pages, $markers markers"; fi
$PROBE dirs "$S" "" >"$T/dirs.txt"
if [ "$(tr '\n' ' ' <"$T/dirs.txt")" = "baselines/ drift-reports/ inference-logs/ profiles/ " ]; then ok; else not_ok "delimiter listing: $(cat "$T/dirs.txt")"; fi
LIST_S=$($PY -c "print('%.2f' % ($t2 - $t1))")
FILL_S=$($PY -c "print('%.1f' % ($(cat "$T/fill.done") - $FILL_T0))")

# ---- Parquet: ranged reads ---------------------------------------------------------------------
$PROBE parquet-write "$S" logs/sample.parquet 40000 10000 >"$T/pw.json" || not_ok "parquet write"
: >"$T/trace"
$PROBE parquet-read "$S" logs/sample.parquet url_count,word_count >"$T/pr.json" || not_ok "parquet read"
$PY - "$T/pr.json" "$T/trace" <<'EOF' >"$T/.py" 2>&1 && ok || not_ok "ranged Parquet read: $(tail -n 3 "$T/.py")"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["rows"] == 40000, r
assert r["delivered"] >= r["chunk_bytes"], r
assert r["http_down"] < 0.15 * r["size"], "downloaded %d of %d bytes" % (r["http_down"], r["size"])
lines = open(sys.argv[2]).read().splitlines()
assert lines[0].split()[1] == "HEAD", lines[0]
assert all(" GET " in l and "status=206" in l for l in lines[1:]), "not all ranged"
EOF
PQ=$(cat "$T/pr.json")

# ---- tokens ------------------------------------------------------------------------------------
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 \
	-addext subjectAltName=IP:127.0.0.1 -keyout "$T/tls.key" -out "$T/tls.crt" \
	>/dev/null 2>&1 || bail "openssl could not make a test certificate"
TOKKEY=$(head -c 32 /dev/urandom | base64)
SECRETS+=("$TOKKEY")
P2=$(free_port)
AZURITE_ACCOUNTS="tokacct:$TOKKEY" start_azurite "$P2" "$T/az2" --oauth basic \
	--cert "$T/tls.crt" --key "$T/tls.key"
echo "header.$(head -c 48 /dev/urandom | base64 | tr -d '/+=').sig" >"$T/fed.jwt"
SECRETS+=("$(cat "$T/fed.jwt")")
EXPECT_ASSERTION_FILE=$T/fed.jwt EXPECT_CLIENT_ID=11111111-2222-3333-4444-555555555555 \
	$PY "$AZD/standin.py" tokens "$T/tok.port" "$T/tok.log" 2>>"$T/standin.log" &
pids+=("$!")
wait_file "$T/tok.port" || bail "the token stand-in did not start"
TP=$(cat "$T/tok.port")
S2="https://127.0.0.1:$P2/tokacct/tokens"
: >"$T/trace"
(
	export DRIFTMON_STORE=$S2 AZURE_CA_BUNDLE=$T/tls.crt
	export AZURE_CLIENT_ID=11111111-2222-3333-4444-555555555555
	export AZURE_TENANT_ID=72f988bf-86f1-41af-91ab-2d7cd011db47
	export AZURE_FEDERATED_TOKEN_FILE=$T/fed.jwt AZURE_AUTHORITY_HOST=http://127.0.0.1:$TP/
	run synth --logs --hours 3 --rows-per-hour 200 --end "$END" --seed 3
	expect "workload identity: synth" 0 "Inference logs: 3 hours"
	run baseline --model spam-detector --version v1 --input "$T/train.csv"
	expect "workload identity: baseline" 0 "Written to $S2/"
	run detect --model spam-detector --version v1 --at "$END" --window-hours 3
	expect "workload identity: detect" 0 "Overall drift detected"
	run status
	expect "workload identity: status" 0 "spam-detector +v1"
	echo "header.rotated-but-not-federated.sig" >"$T/fed.jwt.bad"
	AZURE_FEDERATED_TOKEN_FILE=$T/fed.jwt.bad run status
	expect_err "workload identity: rejected assertion" 1 "token exchange failed \(HTTP 401\): invalid_client: AADSTS700213"
	unset AZURE_CA_BUNDLE
	run status
	expect_err "TLS verification on" 1 "TLS certificate not trusted"
	echo "$_pass $_fail" >"$T/sub1"
)
read -r _pass _fail <"$T/sub1"
n=$($PY -c "import json,sys; print(sum(1 for l in open(sys.argv[1]) if json.loads(l)['kind']=='workload' and json.loads(l)['ok']))" "$T/tok.log")
# one exchange per process (the token is cached): synth, baseline, detect,
# status and the TLS run (which gets its token before the TLS failure)
if [ "$n" -eq 5 ]; then ok; else not_ok "workload identity: $n token exchanges for 5 runs"; fi
(
	export DRIFTMON_STORE=$S2 AZURE_CA_BUNDLE=$T/tls.crt
	export DRIFTMON_AZURE_IMDS_ENDPOINT=http://127.0.0.1:$TP/metadata/identity/oauth2/token
	run status
	expect "managed identity: status" 0 "spam-detector +v1"
	DRIFTMON_AZURE_IMDS_ENDPOINT=http://127.0.0.1:$(free_port)/metadata/identity/oauth2/token \
		DRIFTMON_AZURE_ATTEMPTS=2 DRIFTMON_AZURE_BACKOFF_MS=50 run status
	expect_err "managed identity: endpoint down" 1 "no usable credentials \(managed identity"
	DRIFTMON_STORE=http://127.0.0.1:$P2/tokacct/tokens run status
	expect_err "no bearer tokens over http" 2 "Entra ID tokens are only sent over https"
	echo "$_pass $_fail" >"$T/sub2"
)
read -r _pass _fail <"$T/sub2"
if grep -q '"kind": "imds", "ok": true' "$T/tok.log"; then ok; else not_ok "managed identity: no valid IMDS request"; fi
if grep -q 'Bearer' "$T/trace" || grep -q 'eyJ' "$T/trace"; then not_ok "a token in the trace"; else ok; fi
no_secret "no secret in the trace" "$T/trace"

echo "azure: 12,000 blobs created in ${FILL_S} s by the npm client, listed by driftmon in ${LIST_S} s"
echo "azure: projected Parquet read: $PQ"
finish
