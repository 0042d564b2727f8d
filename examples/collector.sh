#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The HTTP collector fed by curl: what a gateway in any language does.
#
#   examples/collector.sh [path/to/driftmon]
#
# Starts `driftmon collect` on a free loopback port with a scratch WAL
# folder and store, posts predictions as a JSON array and as NDJSON,
# shows what a bad request gets back, reads /healthz and /metrics, stops
# the collector the way Kubernetes does (SIGTERM: it drains and uploads),
# and prints the Parquet file it wrote.  Exits non-zero if any step does
# not behave as shown.  tests/suites/logger.sh runs it.
set -euo pipefail
DM=${1:-build/driftmon}
DM=$(cd "$(dirname "$DM")" && pwd)/$(basename "$DM")
work=$(mktemp -d "${TMPDIR:-/tmp}/driftmon-collector-example.XXXXXX")
pid=
cleanup() {
	if [ -n "$pid" ]; then
		kill "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	fi
	rm -rf "$work"
}
trap cleanup EXIT
cd "$work"

export DRIFTMON_COLLECTOR_TOKEN=example-secret
"$DM" collect --listen 127.0.0.1:0 --port-file port --wal-dir wal \
	--store store --fsync always 2>collector.log &
pid=$!
for _ in $(seq 100); do [ -s port ] && break; sleep 0.05; done
url=http://127.0.0.1:$(cat port)
auth=(-H "Authorization: Bearer $DRIFTMON_COLLECTOR_TOKEN")
step() { printf '\n$ %s\n' "$*"; }

step "POST a JSON array of two predictions"
curl -sS "${auth[@]}" -H 'Content-Type: application/json' "$url/v1/predictions" -d '[
  {"timestamp": "2025-12-24T17:03:00Z", "model_name": "spam-detector",
   "model_version": "v1", "request_id": "req-1",
   "features": {"url_count": 3, "word_count": 120, "sender_domain": "example.com"},
   "prediction": 0.91, "predictions": {"label": "spam"}},
  {"timestamp": "2025-12-24T17:04:30.5Z", "model_name": "spam-detector",
   "model_version": "v1", "request_id": "req-2",
   "features": {"url_count": 0, "word_count": 45, "sender_domain": null},
   "prediction": 0.07, "predictions": {"label": "ham"}}
]' | tee out
grep -q '"accepted":2' out

step "POST NDJSON (one record per line)"
printf '%s\n' \
	'{"timestamp":"2025-12-24T17:10:00Z","model_name":"spam-detector","model_version":"v1","request_id":"req-3","features":{"url_count":1,"word_count":300},"prediction":0.4}' \
	'{"timestamp":"2025-12-24T17:11:00Z","model_name":"spam-detector","model_version":"v1","request_id":"req-4","features":{"url_count":7,"word_count":80},"prediction":0.99}' |
	curl -sS "${auth[@]}" -H 'Content-Type: application/x-ndjson' --data-binary @- "$url/v1/predictions" | tee out
grep -q '"accepted":2' out

step "a type conflict: url_count was a number; 400 names the record, column and types"
code=$(curl -sS -o out -w '%{http_code}' "${auth[@]}" "$url/v1/predictions" \
	-d '[{"model_name":"spam-detector","model_version":"v1","features":{"url_count":2}},
	     {"model_name":"spam-detector","model_version":"v1","features":{"url_count":"three"}}]')
cat out
[ "$code" = 400 ] && grep -q "record 2: column 'url_count': type conflict" out

step "no token: 401"
code=$(curl -sS -o out -w '%{http_code}' "$url/v1/predictions" -d '[]')
cat out
[ "$code" = 401 ]

step "GET /healthz"
curl -sS "$url/healthz" | tee out
grep -q '"status":"ok"' out

step "GET /metrics (excerpt)"
curl -sS "$url/metrics" | grep -E '^driftmon_(collector_records_received_total|collector_requests_total\{code="(202|400)"\}|logger_wal_bytes)' | tee out
grep -q 'driftmon_collector_records_received_total 4' out

step "SIGTERM: stop accepting, upload, exit"
kill -TERM "$pid"
wait "$pid"
pid=
cat collector.log

step "the hour partition it wrote"
find store -name '*.parquet' | sort | tee files
[ "$(wc -l <files)" = 1 ]
"$DM" parquet cat "$(cat files)" | tee out
[ "$(wc -l <out)" = 5 ]
grep -q '^2025-12-24T17:04:30.5[0-9]*Z,spam-detector,v1,req-2,0,45,,0.07[0-9]*,ham$' out
echo
echo "collector example: ok"
