#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The inference logger and `driftmon collect`, end to end.
#
#   tests/suites/logger.sh path/to/driftmon
#
#  1. HTTP basics: 202 / 400 naming record and field / type conflicts /
#     401 / 404 / 405 / 413 / healthz / metrics / SIGTERM drains.
#  2. The examples: examples/collector.sh, and examples/gateway.c built
#     against libdriftmon.so and run.
#  3. kill -9 at random moments (DM_LOGGER_ROUNDS, default 20) under load
#     from bench/collector_load.c (4 connections, batches of 1-200
#     records, 10% malformed), with fsync always / interval / never drawn
#     at random, small segments so that uploads are always under way, and
#     some kills during start-up recovery; then a clean restart and
#     SIGTERM.  The records in the Parquet files must be exactly the ones
#     acknowledged (202), plus whole requests whose answer the kill cut
#     off (the client cannot know), never a refused one, never twice.
#  4. Storage outage under load: the store is swapped for a dead path
#     (atomically, by a symlink), the WAL fills to its cap (503s), the
#     store comes back: every acknowledged record arrives, exactly once.
#  5. 16 concurrent clients, 25% malformed bodies: each bad one gets 400,
#     each good one 202, and the files hold exactly the good ones.
#  6. Azure: azurite killed under load and restarted; every
#     acknowledged record ends up in the container, exactly once (read
#     back with Microsoft's @azure/storage-blob).
#  7. `driftmon detect` reads the hour partitions of its window, and
#     DuckDB reads every file.
#
# azurite (tests/azure) and DuckDB (tests/interop) are installed with
# npm ci when missing.  If that fails, the part fails, unless DM_OPTIONAL
# lists "azure" / "duckdb": then the part is reported as skipped and
# counted in the closing line (tests/README.md, the skip policy).
#
# Needs curl, cc and python3 (Debian's /usr/bin/python3).  Prints
# "logger: N passed, N failed".
set -u
cd "$(dirname "$0")/../.."
root=$(pwd)
bin=${1:-build/driftmon}
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
build=$(dirname "$bin")
PY=/usr/bin/python3
T=$(mktemp -d "${TMPDIR:-/tmp}/dm-logger.XXXXXX")
pids=()
pass=0
fail=0
skip=0
t_start=$(date +%s)
. tests/suites/lib/need.sh

cleanup() {
	local p
	for p in "${pids[@]+"${pids[@]}"}"; do kill -9 "$p" 2>/dev/null; done
	wait 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT

ok() { pass=$((pass + 1)); echo "  ok: $*"; }
not_ok() { fail=$((fail + 1)); echo "  FAIL: $*"; }
# unavailable COMPONENT WHAT: a part that cannot run fails, unless the
# component is optional in this run (DM_OPTIONAL)
unavailable() {
	if dm_optional "$1"; then
		skip=$((skip + 1))
		echo "  skipped: $2: $NEED_WHY ($1 is optional: DM_OPTIONAL=$DM_OPTIONAL)"
	else
		not_ok "$2: $NEED_WHY"
	fi
}
check() { # name command...
	local name=$1
	shift
	if "$@"; then ok "$name"; else not_ok "$name"; fi
}
san_clean() { # log file
	! grep -qE 'ERROR: (Address|Leak)Sanitizer|runtime error:|SUMMARY: [A-Za-z]+Sanitizer' "$1"
}

for tool in curl cc; do
	command -v $tool >/dev/null || { echo "logger: $tool missing"; echo "logger: 0 passed, 1 failed"; exit 1; }
done
[ -x "$PY" ] || { echo "logger: $PY missing"; echo "logger: 0 passed, 1 failed"; exit 1; }

# The sanitizer build's library needs the sanitizer runtime in programs
# linked against it.
sanflags=
if nm -D "$build/libdriftmon.so" 2>/dev/null | grep -q __asan; then
	sanflags="-fsanitize=address,undefined"
	export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
	export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
fi
load=$T/collector_load
cc -O2 -pthread -o "$load" bench/collector_load.c || { echo "logger: cannot build the load client"; echo "logger: 0 passed, 1 failed"; exit 1; }

cpid=
port=
# start_collector DIR [args...]: sets cpid and port ("" if it failed).
start_collector() {
	local d=$1 i
	shift
	mkdir -p "$d"
	rm -f "$d/port"
	"$bin" collect --listen 127.0.0.1:0 --port-file "$d/port" \
		--wal-dir "$d/wal" --store "$d/store" "$@" 2>>"$d/collector.log" &
	cpid=$!
	pids+=("$cpid")
	port=
	for i in $(seq 600); do
		[ -s "$d/port" ] && break
		kill -0 "$cpid" 2>/dev/null || break
		sleep 0.02
	done
	[ -s "$d/port" ] && port=$(cat "$d/port")
}

# stop_collector: SIGTERM, wait; returns its exit status.
stop_collector() {
	kill -TERM "$cpid" 2>/dev/null
	wait "$cpid"
}

# request_ids STORE > file: one request_id per line, from every file
# (two readers at a time, each into its own file: lines of two writers
# to one pipe could interleave).
request_ids() {
	local out
	out=$(mktemp -d "$T/ids.XXXXXX")
	find "$1" -name '*.parquet' -print0 | sort -z |
		xargs -0 -r -n 20 -P 2 sh -c 'o=$(mktemp "$1/XXXXXX"); shift; for f; do "$0" parquet cat "$f" --columns request_id --format csv | tail -n +2; done >"$o"' "$bin" "$out"
	cat "$out"/*
	rm -rf "$out"
}

# verify ACKLOG FOUND [strict]: the ids found against the client's log.
verify() {
	"$PY" - "$@" <<'EOF'
import sys
from collections import Counter
acklog, found_path = sys.argv[1], sys.argv[2]
strict = len(sys.argv) > 3
acked, refused, doubt = set(), set(), []
for line in open(acklog):
    st, base, n = line.split()
    ids = [f"{base}-{i}" for i in range(int(n))]
    if st == "202":
        acked.update(ids)
    elif st == "ERR":
        doubt.append(ids)
    else:
        refused.update(ids)
found = Counter(l.strip() for l in open(found_path) if l.strip())
fs = set(found)
dups = sum(1 for c in found.values() if c > 1)
missing = len(acked - fs)
refused_kept = len(refused & fs)
doubt_ids = set(i for g in doubt for i in g)
kept_groups = sum(1 for g in doubt if all(i in fs for i in g))
partial = sum(1 for g in doubt if any(i in fs for i in g) and not all(i in fs for i in g))
stray = len(fs - acked - doubt_ids - refused)
print(f"    acknowledged={len(acked)} found={sum(found.values())} missing={missing} "
      f"duplicated={dups} refused_but_found={refused_kept} stray={stray} "
      f"in_doubt_requests={len(doubt)} (kept whole={kept_groups}, partial={partial}) "
      f"refused_records={len(refused)}")
bad = missing or dups or refused_kept or stray or partial or (strict and doubt)
sys.exit(1 if bad else 0)
EOF
}

# ---------------------------------------------------------------------------
echo "== 1. HTTP basics"
d=$T/basics
DRIFTMON_COLLECTOR_TOKEN=s3cret start_collector "$d" --max-body-bytes 64KiB --max-records 50 --fsync always
if [ -z "$port" ]; then
	not_ok "collector starts"
	cat "$d/collector.log"
else
	u=http://127.0.0.1:$port
	A=(-H "Authorization: Bearer s3cret")
	post() { curl -sS -o "$d/out" -w '%{http_code}' "${A[@]}" "$u/v1/predictions" "$@"; }
	rec='{"timestamp":"2025-12-24T17:03:00Z","model_name":"m","model_version":"v1","request_id":"b1","features":{"x":1.5,"s":"a"},"prediction":0.2}'
	check "202 for a valid array" test "$(post -d "[$rec]")" = 202
	check "202 body counts the records" grep -q '"accepted":1' "$d/out"
	check "202 for NDJSON" test "$(post --data-binary "$(printf '%s\n%s\n' "${rec/b1/b2}" "${rec/b1/b3}")")" = 202
	code=$(post -d '[{"model_name":"m","model_version":"v1","request_id":"b4"},{"model_name":"m","model_version":"v1","request_id":"b5","features":{"x":{"y":1}}}]')
	check "400 for an object value" test "$code" = 400
	check "400 names record and field" grep -q '"error":"record 2: field '"'"'features.x'"'"': expected a number, string, boolean or null, got an object","record":2,"field":"features.x"' "$d/out"
	code=$(post -d '[{"model_name":"m","model_version":"v1","request_id":"b6","features":{"x":"str"}}]')
	check "400 for a type conflict" test "$code" = 400
	check "type conflict names column and types" grep -q "column 'x': type conflict: the schema has number, got string" "$d/out"
	code=$(post -d '{"model_name":"m","model_version":"v1","request_id":"b7"')
	check "400 for malformed JSON" test "$code" = 400
	check "malformed JSON: line and column" grep -q 'record 1 (line 1, column 57): invalid JSON' "$d/out"
	code=$(post -d '{"model_name":"m","model_version":"v1","request_id":"b8","featurez":{}}')
	check "400 for an unknown field" test "$code" = 400
	code=$(curl -sS -o "$d/out" -w '%{http_code}' "$u/v1/predictions" -d "[$rec]")
	check "401 without a token" test "$code" = 401
	code=$(curl -sS -o "$d/out" -w '%{http_code}' -H "Authorization: Bearer wrong" "$u/v1/predictions" -d "[$rec]")
	check "401 with a wrong token" test "$code" = 401
	head -c 70000 /dev/zero | tr '\0' ' ' >"$d/big"
	code=$(post --data-binary @"$d/big")
	check "413 for a body over --max-body-bytes" test "$code" = 413
	many=$(for i in $(seq 51); do printf '%s\n' "${rec/b1/m$i}"; done)
	code=$(post --data-binary "$many")
	check "413 over --max-records" test "$code" = 413
	check "404 elsewhere" test "$(curl -sS -o /dev/null -w '%{http_code}' "$u/v2/x")" = 404
	check "405 for GET /v1/predictions" test "$(curl -sS -o /dev/null -w '%{http_code}' "${A[@]}" "$u/v1/predictions")" = 405
	check "healthz" test "$(curl -sS -o "$d/out" -w '%{http_code}' "$u/healthz")" = 200
	curl -sS "$u/metrics" >"$d/metrics"
	check "metrics: records received" grep -qx 'driftmon_collector_records_received_total 3' "$d/metrics"
	check "metrics: 400s" grep -qx 'driftmon_collector_requests_total{code="400"} 4' "$d/metrics"
	check "metrics: histogram" grep -q '^driftmon_collector_request_duration_seconds_bucket{le="+Inf"} ' "$d/metrics"
	check "metrics: WAL bytes" grep -q '^driftmon_logger_wal_bytes [1-9]' "$d/metrics"
	check "metrics: flush failures" grep -qx 'driftmon_logger_flush_failures_total 0' "$d/metrics"
	"$bin" collect --listen 127.0.0.1:0 --wal-dir "$d/wal" --store "$d/store" 2>"$d/err2"
	rc=$?
	check "a second collector on the same WAL folder: exit 1" test $rc = 1
	check "... saying why" grep -q "in use by another logger (pid $cpid)" "$d/err2"
	stop_collector
	check "SIGTERM: exit 0" test $? = 0
	check "SIGTERM: drained" grep -q 'all records uploaded' "$d/collector.log"
	check "collector: no sanitizer report" san_clean "$d/collector.log"
	request_ids "$d/store" | sort >"$d/found"
	check "files hold exactly the 3 accepted records" test "$(tr '\n' ' ' <"$d/found")" = "b1 b2 b3 "
	"$bin" collect --listen nonsense:xx 2>"$d/err"
	check "bad --listen is a usage error" test $? = 2
fi

# ---------------------------------------------------------------------------
echo "== 2. examples"
if examples/collector.sh "$bin" >"$T/example.log" 2>&1; then
	ok "examples/collector.sh"
else
	not_ok "examples/collector.sh"
	tail -20 "$T/example.log"
fi
d=$T/gateway
mkdir -p "$d"
if cc $sanflags -Iinclude -o "$d/gateway" examples/gateway.c -L"$build" -ldriftmon \
	-Wl,-rpath,"$build" -pthread -lm 2>"$d/cc.log"; then
	ok "examples/gateway.c builds against libdriftmon.so"
	if "$d/gateway" --store "$d/store" --wal "$d/wal" --requests 5000 >"$d/out" 2>&1; then
		ok "gateway runs"
	else
		not_ok "gateway runs"
		cat "$d/out"
	fi
	check "gateway: no sanitizer report" san_clean "$d/out"
	request_ids "$d/store" | sort -u >"$d/found"
	check "gateway: 5000 predictions in the files" test "$(wc -l <"$d/found")" = 5000
else
	not_ok "examples/gateway.c builds"
	cat "$d/cc.log"
fi

# ---------------------------------------------------------------------------
rounds=${DM_LOGGER_ROUNDS:-20}
echo "== 3. kill -9 under load, $rounds rounds"
d=$T/kill
mkdir -p "$d"
policies=(always interval never)
RANDOM=4242
kills_in_recovery=0
load_bad=0
for r in $(seq "$rounds"); do
	pol=${policies[$((RANDOM % 3))]}
	if [ $((r % 4)) = 0 ]; then
		# an extra kill during start-up, while the recovery of the
		# earlier rounds' WAL may be under way
		start_collector "$d" --fsync "$pol"
		sleep "0.0$((RANDOM % 10))"
		kill -9 "$cpid"
		wait "$cpid" 2>/dev/null
		kills_in_recovery=$((kills_in_recovery + 1))
	fi
	start_collector "$d" --fsync "$pol" --fsync-ms 5 --flush-rows 3000 --flush-seconds 1
	if [ -z "$port" ]; then
		not_ok "round $r: collector did not start"
		tail -5 "$d/collector.log"
		break
	fi
	"$load" --port "$port" --conns 4 --duration 10 --batch-min 1 --batch-max 200 \
		--features 8 --models 2 --bad-pct 10 --prefix "k$r" --ack-log "$d/acks" \
		--exit-on-refused --seed "$r" --pause-ms 10 >"$d/load.$r" 2>&1 &
	lpid=$!
	pids+=("$lpid")
	sleep "$((RANDOM % 2)).$((RANDOM % 10))$((RANDOM % 10))"
	kill -9 "$cpid"
	wait "$cpid" 2>/dev/null
	wait "$lpid"
	grep -q ' unexpected=0 ' "$d/load.$r" || { load_bad=$((load_bad + 1)); cat "$d/load.$r"; }
done
check "load client: every answer as expected (400 for malformed, 202 else)" test "$load_bad" = 0
start_collector "$d" --fsync interval
if [ -n "$port" ]; then
	stop_collector
	check "restart after the last kill, then SIGTERM: exit 0" test $? = 0
else
	not_ok "restart after the last kill"
fi
check "WAL folder empty after the drain" test -z "$(find "$d/wal" -name '*.wal')"
check "nothing quarantined" test ! -e "$d/wal/quarantine"
check "collector log: no sanitizer report" san_clean "$d/collector.log"
grep -c 'recovered: ' "$d/collector.log" | sed 's/^/    recoveries logged: /'
echo "    collector starts by fsync policy: $(grep -o 'fsync [a-z]*' "$d/collector.log" | sort | uniq -c | tr -s ' ' | tr '\n' ';')"
request_ids "$d/store" >"$d/found"
echo "    rounds under load: $rounds; extra kills during start-up: $kills_in_recovery"
check "kill -9: Parquet records == acknowledged (+ whole in-doubt requests), no duplicates" verify "$d/acks" "$d/found"
kill_rows=$(wc -l <"$d/found")

# ---------------------------------------------------------------------------
echo "== 4. storage outage under load"
d=$T/outage
mkdir -p "$d/real" "$d/wal"
: >"$d/dead" # a file: nothing can be created under it
ln -s real "$d/link"
cpid=
"$bin" collect --listen 127.0.0.1:0 --port-file "$d/port" --wal-dir "$d/wal" \
	--store "$d/link/store" --flush-rows 500 --flush-seconds 1 \
	--wal-max-bytes 1MiB 2>>"$d/collector.log" &
cpid=$!
pids+=("$cpid")
for _ in $(seq 300); do [ -s "$d/port" ] && break; sleep 0.02; done
port=$(cat "$d/port" 2>/dev/null)
if [ -z "$port" ]; then
	not_ok "outage: collector starts"
else
	"$load" --port "$port" --conns 4 --duration 7 --batch 40 --features 8 \
		--prefix o --ack-log "$d/acks" --pause-ms 2 >"$d/load" 2>&1 &
	lpid=$!
	pids+=("$lpid")
	sleep 1.5
	ln -s dead "$d/link.new" && mv -T "$d/link.new" "$d/link" # outage
	sleep 2.5
	hz=$(curl -sS "http://127.0.0.1:$port/healthz")
	curl -sS "http://127.0.0.1:$port/metrics" >"$d/metrics"
	ln -s real "$d/link.new" && mv -T "$d/link.new" "$d/link" # back
	wait "$lpid"
	cat "$d/load" | sed 's/^/    /'
	echo "    healthz during the outage: $hz"
	check "outage: uploads failed and were counted" grep -q '^driftmon_logger_flush_failures_total [1-9]' "$d/metrics"
	check "outage: storage_up 0" grep -qx 'driftmon_logger_storage_up 0' "$d/metrics"
	check "outage: healthz reports it" sh -c 'echo "$0" | grep -qE "degraded|nearly full"' "$hz"
	check "outage: the WAL cap refused records with 503" grep -qE ' status503=[1-9]' "$d/load"
	check "outage: no other unexpected answer" grep -q ' unexpected=0 ' "$d/load"
	check "outage: collector logged the failures" grep -q 'upload failed: ' "$d/collector.log"
	stop_collector
	check "outage: SIGTERM after recovery: exit 0" test $? = 0
	check "outage: storage back logged" grep -q 'storage back' "$d/collector.log"
	request_ids "$d/real/store" >"$d/found"
	check "outage: every acknowledged record arrived, exactly once; no refused one" verify "$d/acks" "$d/found" strict
fi

# ---------------------------------------------------------------------------
echo "== 5. concurrent clients with malformed bodies"
d=$T/conc
start_collector "$d" --flush-rows 2000 --flush-seconds 1
if [ -z "$port" ]; then
	not_ok "concurrency: collector starts"
else
	"$load" --port "$port" --conns 16 --duration 3 --batch-min 1 --batch-max 100 \
		--features 20 --models 3 --bad-pct 25 --prefix c --ack-log "$d/acks" \
		--pause-ms 5 >"$d/load" 2>&1
	check "16 clients: every malformed body 400, every valid one 202" test $? = 0
	sed 's/^/    /' "$d/load"
	stop_collector
	check "concurrency: SIGTERM: exit 0" test $? = 0
	request_ids "$d/store" >"$d/found"
	check "concurrency: the files hold exactly the accepted records" verify "$d/acks" "$d/found" strict
	check "concurrency: no sanitizer report" san_clean "$d/collector.log"
fi

# ---------------------------------------------------------------------------
echo "== 6. Azure: azurite stopped under load, then restarted"
azd=$root/tests/azure
if ! need_npm "$azd" .bin/azurite-blob || ! need_npm "$azd" @azure/storage-blob/package.json; then
	unavailable azure "azure: cannot install azurite"
else
	d=$T/azure
	mkdir -p "$d"
	azport=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
	start_azurite() {
		"$azd/node_modules/.bin/azurite-blob" --blobHost 127.0.0.1 --blobPort "$azport" \
			--location "$d/az" --skipApiVersionCheck --disableTelemetry --loose --silent \
			>>"$d/azurite.log" 2>&1 &
		azpid=$!
		pids+=("$azpid")
		for _ in $(seq 300); do
			"$PY" -c 'import socket,sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 0.2).close()' \
				"$azport" 2>/dev/null && return 0
			sleep 0.1
		done
		return 1
	}
	# azurite's documented development account (public, not a secret)
	azkey="Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
	azconn="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=$azkey;BlobEndpoint=http://127.0.0.1:$azport/devstoreaccount1;"
	if start_azurite; then
		AZURE_STORAGE_KEY=$azkey DRIFTMON_AZURE_ATTEMPTS=2 DRIFTMON_AZURE_BACKOFF_MS=50 \
			DRIFTMON_AZURE_CONNECT_TIMEOUT_SECONDS=2 "$bin" collect --listen 127.0.0.1:0 --port-file "$d/port" \
			--wal-dir "$d/wal" --store "http://127.0.0.1:$azport/devstoreaccount1/logs" \
			--flush-rows 500 --flush-seconds 1 --drain-seconds 60 2>>"$d/collector.log" &
		cpid=$!
		pids+=("$cpid")
		for _ in $(seq 300); do [ -s "$d/port" ] && break; sleep 0.02; done
		port=$(cat "$d/port" 2>/dev/null)
		"$load" --port "$port" --conns 4 --duration 7 --batch 40 --features 8 \
			--prefix a --ack-log "$d/acks" --pause-ms 5 >"$d/load" 2>&1 &
		lpid=$!
		pids+=("$lpid")
		sleep 1.5
		# storage gone.  (SIGTERM: azurite saves its metadata database
		# only from time to time, so a SIGKILL would lose blobs it had
		# acknowledged, which no client could help.)
		kill -TERM "$azpid"
		wait "$azpid" 2>/dev/null
		sleep 3
		curl -sS "http://127.0.0.1:$port/metrics" >"$d/metrics"
		start_azurite || not_ok "azure: azurite restarts"
		wait "$lpid"
		sed 's/^/    /' "$d/load"
		check "azure: uploads failed while azurite was down" grep -q '^driftmon_logger_flush_failures_total [1-9]' "$d/metrics"
		check "azure: every answer 202" grep -q ' unexpected=0 ' "$d/load"
		stop_collector
		check "azure: SIGTERM after azurite is back: exit 0" test $? = 0
		node tests/suites/logger-azure-fetch.mjs "$azd" "$azconn" logs inference-logs/ "$d/dl" | sed 's/^/    /'
		request_ids "$d/dl" >"$d/found"
		check "azure: every acknowledged record in the container, exactly once" verify "$d/acks" "$d/found" strict
		check "azure: no sanitizer report" san_clean "$d/collector.log"
		kill "$azpid" 2>/dev/null
	else
		not_ok "azure: azurite starts"
		tail -5 "$d/azurite.log"
	fi
fi

# ---------------------------------------------------------------------------
echo "== 7. detect reads the partitions; DuckDB reads the files"
d=$T/detect
start_collector "$d" --flush-seconds 1
if [ -z "$port" ]; then
	not_ok "detect: collector starts"
else
	# 3000 records of model m0, timestamps in 2025-12-24 10:00-12:00 UTC
	"$load" --port "$port" --conns 2 --requests 30 --batch 100 --features 5 \
		--prefix d --ack-log "$d/acks" --ts-start 2025-12-24T10:00:00 --ts-hours 2 >"$d/load" 2>&1
	# and 500 outside the window (09:00-10:00), which detect must not read
	"$load" --port "$port" --conns 1 --requests 5 --batch 100 --features 5 \
		--prefix e --ack-log "$d/acks" --ts-start 2025-12-24T09:00:00 --ts-hours 1 >>"$d/load" 2>&1
	stop_collector
	check "detect: collector exit 0" test $? = 0
	ls "$d/store/inference-logs/year=2025/month=12/day=24" >"$d/hours"
	check "detect: partitions hour=09, 10, 11" test "$(tr '\n' ' ' <"$d/hours")" = "hour=09 hour=10 hour=11 "
	awk 'BEGIN { srand(7); print "f00,f01,f02,f03,f04";
		for (i = 0; i < 3000; i++) { for (j = 0; j < 5; j++)
			printf "%s%.3f", j ? "," : "", rand() * 2000 - 1000; print "" } }' >"$d/train.csv"
	"$bin" baseline --model m0 --version v1 --input "$d/train.csv" --store "$d/store" >"$d/baseline.out" 2>&1
	check "detect: baseline" test $? = 0
	"$bin" detect --model m0 --version v1 --at 2025-12-24T12:00:00Z --window-hours 2 \
		--store "$d/store" --no-write >"$d/detect.out" 2>&1
	rc=$?
	check "detect: runs on the logger's files (exit 0)" test $rc = 0
	check "detect: reads exactly the 3000 records of its window" grep -q 'Samples analyzed: 3000$' "$d/detect.out"
	grep -E 'Samples analyzed|drift detected' "$d/detect.out" | sed 's/^/    /'
	if ! need_npm tests/interop @duckdb/node-api; then
		unavailable duckdb "DuckDB reads the files"
	else
		check "DuckDB reads every file: rows, unique ids, types, partitions" \
			node tests/suites/logger-duckdb.mjs "$root/tests/interop" "$d/store" 3500
		if [ -n "${kill_rows:-}" ]; then
			check "DuckDB reads the kill -9 rounds' files" \
				node tests/suites/logger-duckdb.mjs "$root/tests/interop" "$T/kill/store" "$kill_rows"
		fi
	fi
fi

echo "    suite time: $(($(date +%s) - t_start)) s"
echo "logger: $pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
