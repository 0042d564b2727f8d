#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Azure benchmark: `driftmon detect` over a 24-hour window stored in
# azurite (the Azure Blob emulator, from tests/azure, on a loopback port)
# against the same window in a local folder, for CSV logs (as `synth`
# writes them) and for Parquet logs; also the time to write the logs.
# Reports wall time (median of BENCH_REPEAT runs), HTTP requests and bytes
# downloaded (from DRIFTMON_AZURE_TRACE) and the bytes of the logs.
#
#   bench/azure.sh path/to/driftmon
#
# Environment:
#   BENCH_AZ_ROWS_PER_HOUR=10000   log rows per hour (24 hours)
#   BENCH_REPEAT=3                 detect runs per case (median kept)
#   BENCH_OUT=bench/out            where azure.tsv and azure.md go
#
# bench/run.sh can call it as one more section; it prints a Markdown
# table on stdout and writes $BENCH_OUT/azure.md and azure.tsv.  It
# stops the azurite it started.  Exit 1 if a command fails or the
# verdicts differ between the two stores.
set -euo pipefail

if [ $# -ne 1 ] || [ "$1" = -h ] || [ "$1" = --help ]; then
	sed -n '3,20p' "$0" | sed 's/^# \{0,1\}//'
	[ $# -eq 1 ] && exit 0
	exit 2
fi
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DM=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
BUILD=$(dirname "$DM")
AZD=$ROOT/tests/azure
PY=/usr/bin/python3
RPH=${BENCH_AZ_ROWS_PER_HOUR:-10000}
REPEAT=${BENCH_REPEAT:-3}
OUT=${BENCH_OUT:-$ROOT/bench/out}
mkdir -p "$OUT"
W=$(mktemp -d "${TMPDIR:-/tmp}/dm-bench-az.XXXXXX")
AZ_PID=""
cleanup() {
	[ -n "$AZ_PID" ] && kill "$AZ_PID" 2>/dev/null && wait "$AZ_PID" 2>/dev/null
	rm -rf "$W"
}
trap cleanup EXIT
die() {
	echo "bench/azure: $*" >&2
	exit 1
}
log() { printf '[bench azure %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
for v in $(env | sed -n 's/^\(AZURE_[A-Z_]*\|DRIFTMON_AZURE_[A-Z_]*\)=.*/\1/p'); do unset "$v"; done

if [ ! -e "$AZD/node_modules/.bin/azurite-blob" ]; then
	log "installing azurite (npm ci in tests/azure)"
	(cd "$AZD" && npm ci --no-audit --no-fund --loglevel=error >"$W/npm.log" 2>&1) ||
		die "npm ci failed: $(tail -n 5 "$W/npm.log")"
fi
LIBS=$(sed -n 's/^LDLIBS := //p' "$ROOT/Makefile")
# shellcheck disable=SC2086
cc -std=c11 -D_GNU_SOURCE -I"$ROOT/include" -I"$ROOT/src" -o "$W/az_probe" "$AZD/az_probe.c" \
	"$BUILD/libdriftmon.a" $LIBS || die "cannot build az_probe"

PORT=$($PY -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
"$AZD/node_modules/.bin/azurite-blob" --blobHost 127.0.0.1 --blobPort "$PORT" --location "$W/azurite" \
	--skipApiVersionCheck --disableTelemetry --loose --silent >"$W/azurite.log" 2>&1 &
AZ_PID=$!
for _ in $(seq 300); do
	$PY -c 'import socket,sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 0.2).close()' \
		"$PORT" 2>/dev/null && break
	sleep 0.1
done
AZ_CSV="http://127.0.0.1:$PORT/devstoreaccount1/bench-csv"
AZ_PQ="http://127.0.0.1:$PORT/devstoreaccount1/bench-parquet"
LO_CSV=$W/local-csv
LO_PQ=$W/local-parquet
END=2025-12-24T18:00:00Z
AT=2025-12-24T18:00:00Z

now() { date +%s.%N; }
secs() { $PY -c "print('%.3f' % ($2 - $1))"; }
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

log "training data and baselines"
"$DM" synth --training "$W/train.csv" --rows 50000 --seed 5 >/dev/null
for s in "$AZ_CSV" "$AZ_PQ" "$LO_CSV" "$LO_PQ"; do
	"$DM" baseline --model spam-detector --version v1 --input "$W/train.csv" --store "$s" >/dev/null
done

log "writing 24 hours x $RPH rows of CSV logs"
t0=$(now)
"$DM" synth --logs --hours 24 --rows-per-hour "$RPH" --end "$END" --seed 5 --store "$LO_CSV" >/dev/null
t1=$(now)
DRIFTMON_AZURE_TRACE=$W/put.trace "$DM" synth --logs --hours 24 --rows-per-hour "$RPH" \
	--end "$END" --seed 5 --store "$AZ_CSV" >/dev/null
t2=$(now)
PUT_LOCAL=$(secs "$t0" "$t1")
PUT_AZ=$(secs "$t1" "$t2")
PUT_UP=$(awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^up=/) s += substr($i, 4) } END { printf "%d", s }' "$W/put.trace")

log "writing 24 hours x $RPH rows of Parquet logs"
e=$($PY -c 'import calendar, time; print(calendar.timegm(time.strptime("'$END'", "%Y-%m-%dT%H:%M:%SZ")))')
for i in $(seq 1 24); do
	k=$(date -u -d "@$((e - i * 3600))" +'inference-logs/year=%Y/month=%m/day=%d/hour=%H/part-0.parquet')
	"$W/az_probe" parquet-write "$LO_PQ" "$k" "$RPH" 100000 >/dev/null
	"$W/az_probe" parquet-write "$AZ_PQ" "$k" "$RPH" 100000 >/dev/null
done
CSV_BYTES=$(find "$LO_CSV/inference-logs" -type f -printf '%s\n' | awk '{ s += $1 } END { printf "%d", s }')
PQ_BYTES=$(find "$LO_PQ/inference-logs" -type f -printf '%s\n' | awk '{ s += $1 } END { printf "%d", s }')

# detect_case NAME STORE: median wall time; requests and bytes of the last run
declare -A T_MED REQ DOWN VERDICT
detect_case() {
	local name=$1 store=$2 i t a b
	local times=()
	for i in $(seq "$REPEAT"); do
		: >"$W/$name.trace"
		a=$(now)
		DRIFTMON_AZURE_TRACE=$W/$name.trace "$DM" detect --model spam-detector --version v1 \
			--at "$AT" --window-hours 24 --no-write --store "$store" >"$W/$name.out" 2>"$W/$name.err" ||
			die "detect ($name) failed: $(cat "$W/$name.err")"
		b=$(now)
		times+=("$(secs "$a" "$b")")
	done
	T_MED[$name]=$(median "${times[@]}")
	REQ[$name]=$(grep -c . "$W/$name.trace" || true)
	DOWN[$name]=$(awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^down=/) s += substr($i, 6) } END { printf "%d", s }' "$W/$name.trace")
	VERDICT[$name]=$(grep -E '^(Overall drift detected|Samples analyzed|Drift score):' "$W/$name.out" | tr '\n' ' ')
	log "detect $name: ${T_MED[$name]} s (runs: ${times[*]})"
}
detect_case csv-local "$LO_CSV"
detect_case csv-azurite "$AZ_CSV"
detect_case parquet-local "$LO_PQ"
detect_case parquet-azurite "$AZ_PQ"
[ "${VERDICT[csv-local]}" = "${VERDICT[csv-azurite]}" ] || die "CSV verdicts differ: ${VERDICT[csv-local]} / ${VERDICT[csv-azurite]}"
[ "${VERDICT[parquet-local]}" = "${VERDICT[parquet-azurite]}" ] || die "Parquet verdicts differ"

mb() { $PY -c "print('%.1f' % ($1 / 1e6))"; }
{
	echo "| case (24 h x $RPH rows/h, 51 columns) | wall time | HTTP requests | downloaded | logs size |"
	echo "|---|---:|---:|---:|---:|"
	for n in csv-local csv-azurite parquet-local parquet-azurite; do
		case $n in csv-*) size=$CSV_BYTES ;; *) size=$PQ_BYTES ;; esac
		if [ "${n#*-}" = local ]; then req="-"; down="(reads the files)"; else req=${REQ[$n]}; down="$(mb "${DOWN[$n]}") MB"; fi
		echo "| detect, $n | ${T_MED[$n]} s | $req | $down | $(mb "$size") MB |"
	done
	echo "| synth --logs (CSV) to a folder | $PUT_LOCAL s | - | - | $(mb "$CSV_BYTES") MB |"
	echo "| synth --logs (CSV) to azurite | $PUT_AZ s | $(grep -c . "$W/put.trace") | uploaded $(mb "$PUT_UP") MB | $(mb "$CSV_BYTES") MB |"
	echo
	echo "Downloaded includes the baseline ($(mb "$(stat -c %s "$LO_CSV/baselines/spam-detector/v1/baseline.json")") MB) and the listings;"
	echo "azurite on 127.0.0.1, $(nproc) cores; median of $REPEAT runs."
} | tee "$OUT/azure.md"
{
	printf 'case\tseconds\trequests\tbytes_down\tlog_bytes\n'
	for n in csv-local csv-azurite parquet-local parquet-azurite; do
		case $n in csv-*) size=$CSV_BYTES ;; *) size=$PQ_BYTES ;; esac
		printf '%s\t%s\t%s\t%s\t%s\n' "detect-$n" "${T_MED[$n]}" "${REQ[$n]}" "${DOWN[$n]}" "$size"
	done
	printf 'synth-csv-local\t%s\t0\t0\t%s\n' "$PUT_LOCAL" "$CSV_BYTES"
	printf 'synth-csv-azurite\t%s\t%s\t0\t%s\n' "$PUT_AZ" "$(grep -c . "$W/put.trace")" "$CSV_BYTES"
} >"$OUT/azure.tsv"
