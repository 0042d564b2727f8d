#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Metrics and alerts against the real services: Debian's
# prometheus-pushgateway and prometheus-alertmanager (installed with
# apt-get when missing) and a loopback webhook receiver, each started
# here on a free 127.0.0.1 port and stopped at the end.
#
#   run A  drift        series on the Pushgateway and in --metrics-file,
#                       alerts active in Alertmanager, webhook POST
#   run B  no drift,    deliveries fail: warnings, exit code unchanged,
#          services down  the resolutions kept to retry
#   run C  no drift     alerts resolved in Alertmanager (and its own
#                       "resolved" notification), webhook "resolved"
#   run D  drift, 503   bounded retries, --fail-on-drift still exits 3
#   run E  odd names    label values escaped in the URL and the text
# usage: tests/suites/notify.sh build/driftmon
set -u
DM=$(realpath "${1:?usage: notify.sh DRIFTMON}")
export DM
cd "$(dirname "$0")/../.."
PY=/usr/bin/python3

need=""
command -v prometheus-pushgateway >/dev/null || need="$need prometheus-pushgateway"
command -v prometheus-alertmanager >/dev/null || need="$need prometheus-alertmanager"
if [ -n "$need" ]; then
	if [ "$(id -u)" != 0 ]; then
		echo "notify: missing Debian packages:$need (sudo apt-get install$need)"
		echo "notify.sh: 0 passed, 1 failed"
		exit 1
	fi
	echo "notify: installing$need" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >/dev/null 2>&1 || true
	# shellcheck disable=SC2086
	if ! apt-get install -y -qq --no-install-recommends $need >/dev/null 2>&1; then
		echo "notify: apt-get install$need failed"
		echo "notify.sh: 0 passed, 1 failed"
		exit 1
	fi
fi

. tests/e2e/lib.sh
unset DRIFT_PUSHGATEWAY_URL DRIFT_ALERTMANAGER_URL DRIFT_WEBHOOK_URL \
	DRIFT_NOTIFY_ATTEMPTS DRIFT_NOTIFY_TIMEOUT_SECONDS DRIFT_ALERT_HOLD_HOURS
pids=()
cleanup() {
	local p
	for p in "${pids[@]+"${pids[@]}"}"; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT

free_port() {
	$PY -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# wait_http URL: up to 20 s for a 200
wait_http() {
	$PY - "$1" <<'EOF'
import sys, time, urllib.request
for _ in range(200):
    try:
        if urllib.request.urlopen(sys.argv[1], timeout=1).status == 200:
            sys.exit(0)
    except Exception:
        pass
    time.sleep(0.1)
sys.exit(1)
EOF
}

# pycheck NAME <<EOF python EOF: passes when the script exits 0
pycheck() {
	if $PY - >"$T/.py" 2>&1; then ok; else not_ok "$1: $(tail -n 4 "$T/.py")"; fi
}

# ---- the services ---------------------------------------------------------
PG_PORT=$(free_port)
AM_PORT=$(free_port)
HOOK_PORT=$(free_port)
DEAD_PORT=$(free_port) # nothing listens here
export PG="http://127.0.0.1:$PG_PORT" AM="http://127.0.0.1:$AM_PORT"
export HOOK="http://127.0.0.1:$HOOK_PORT" HOOK_LOG="$T/hook.jsonl"
: >"$HOOK_LOG"

cat >"$T/hook.py" <<'EOF'
# Loopback webhook receiver: records every POST as one JSON line.
# /bad answers 400, /flaky 503, anything else 200.
import http.server, json, sys
out = sys.argv[2]
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        code = 400 if self.path.startswith("/bad") else \
            503 if self.path.startswith("/flaky") else 200
        with open(out, "a") as f:
            f.write(json.dumps({"path": self.path, "code": code,
                                "ctype": self.headers.get("Content-Type"),
                                "body": body.decode("utf-8", "replace")}) + "\n")
        self.send_response(code)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")
    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")
    def log_message(self, *a):
        pass
http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
EOF
$PY "$T/hook.py" "$HOOK_PORT" "$HOOK_LOG" 2>"$T/hook.err" &
pids+=($!)

prometheus-pushgateway --web.listen-address="127.0.0.1:$PG_PORT" \
	>"$T/pg.log" 2>&1 &
pids+=($!)

cat >"$T/am.yml" <<EOF
route:
  receiver: hook
  group_by: ['alertname', 'model', 'feature']
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: hook
    webhook_configs:
      - url: $HOOK/am
        send_resolved: true
EOF
prometheus-alertmanager --config.file="$T/am.yml" --storage.path="$T/am-data" \
	--web.listen-address="127.0.0.1:$AM_PORT" --cluster.listen-address= \
	>"$T/am.log" 2>&1 &
pids+=($!)

for u in "$PG/-/ready" "$AM/-/ready" "$HOOK/"; do
	if ! wait_http "$u"; then
		not_ok "service $u did not start: $(tail -n 3 "$T"/*.log "$T/hook.err" 2>/dev/null)"
		finish
		exit 1
	fi
done

# ---- data --------------------------------------------------------------------
run synth --rows 4000 --hours 4 --rows-per-hour 400 --magnitude 1.0 \
	--end 2025-12-24T18:00:00Z --seed 7
expect "synth" 0
run baseline --model spam-detector --version v1 \
	--input "$T/store/training-data/spam-detector/train.parquet"
expect "baseline" 0
run synth --logs --scenario none --hours 3 --rows-per-hour 800 \
	--end 2025-12-25T18:00:00Z --seed 8
expect "synth (no drift)" 0
export REPORT="$T/store/drift-reports/spam-detector/latest.json"
export STATE="$T/store/drift-reports/spam-detector/alerts.state"
mkdir -p "$T/textfile"
export PROM="$T/textfile/driftmon.prom"

# ---- run A: drift, everything up ------------------------------------------------
DRIFT_PUSHGATEWAY_URL=$PG DRIFT_ALERTMANAGER_URL=$AM DRIFT_WEBHOOK_URL=$HOOK/hook \
	run detect --model spam-detector --version v1 \
	--at 2025-12-24T18:00:00Z --window-hours 4 --metrics-file "$PROM"
expect "A: detect" 0 "Overall drift detected: YES"
expect "A: html line" 0 "^HTML report: .*/drift-reports/spam-detector/latest.html$"
if printf '%s' "$err" | grep -q warning; then not_ok "A: warnings: $err"; else ok; fi
check "A: alert state stored" test -s "$STATE"

# Shared parsing for the checks below.
cat >"$T/lib.py" <<'EOF'
import json, math, os, re, urllib.request
def get(url):
    return urllib.request.urlopen(url, timeout=5).read().decode()
SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)\{(.*)\} (\S+)$')
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')
def unescape(v):
    return re.sub(r'\\(.)', lambda m: {"n": "\n"}.get(m.group(1), m.group(1)), v)
def samples(text):
    out = []
    for line in text.splitlines():
        m = SAMPLE.match(line)
        if m:
            labels = {k: unescape(v) for k, v in LABEL.findall(m.group(2))}
            out.append((m.group(1), labels, float(m.group(3))))
    return out
def report():
    return json.load(open(os.environ["REPORT"]))
def close(a, b):
    return a == b or abs(a - b) <= 1e-12 * max(abs(a), abs(b))
def hook_posts(path):
    return [json.loads(l) for l in open(os.environ["HOOK_LOG"])
            if json.loads(l)["path"] == path]
def am_alerts(model="spam-detector"):
    return [a for a in json.loads(get(os.environ["AM"] + "/api/v2/alerts"))
            if a["labels"].get("model") == model]
def expected_alerts(r):
    name = lambda c: "Driftmon" + "".join(w.capitalize() for w in c.split("_"))
    return {(name(a["code"]), a["severity"].lower(), a["feature"] or "")
            for a in r["alerts"]}
EOF
export PYTHONPATH="$T"

pycheck "A: pushgateway series match the report" <<'EOF'
import os
from lib import *
r = report()
s = [x for x in samples(get(os.environ["PG"] + "/metrics"))
     if x[0].startswith("driftmon_") and x[1].get("model") == "spam-detector"]
one = {n: (l, v) for n, l, v in s if "feature" not in l and "severity" not in l}
assert one["driftmon_drift_score"][0]["job"] == "driftmon", one["driftmon_drift_score"]
assert one["driftmon_drift_score"][0]["model_version"] == "v1"
assert close(one["driftmon_drift_score"][1], r["drift_score"]), one["driftmon_drift_score"]
assert one["driftmon_drift_detected"][1] == 1
assert one["driftmon_samples"][1] == r["samples"]
assert one["driftmon_features_drifted"][1] == r["features_drifted"]
assert one["driftmon_last_run_timestamp_seconds"][1] > 1.7e9
assert 0 <= one["driftmon_run_duration_seconds"][1] < 600
psi = {l["feature"]: v for n, l, v in s if n == "driftmon_feature_psi"}
want = {f["name"]: f["psi"] for f in r["features"] if f["psi"] is not None}
assert set(psi) == set(want), set(psi) ^ set(want)
assert all(close(psi[k], want[k]) for k in want)
ksp = {l["feature"]: v for n, l, v in s if n == "driftmon_feature_ks_pvalue"}
want = {f["name"]: f["ks_pvalue"] for f in r["features"] if f["ks_pvalue"] is not None}
assert set(ksp) == set(want) and all(close(ksp[k], want[k]) for k in want)
dr = {l["feature"]: v for n, l, v in s if n == "driftmon_feature_drifted"}
assert sum(dr.values()) == r["features_drifted"]
EOF

pycheck "A: textfile written atomically, same values" <<'EOF'
import os
from lib import *
r = report()
text = open(os.environ["PROM"]).read()
assert os.listdir(os.path.dirname(os.environ["PROM"])) == ["driftmon.prom"]
fams = [l.split()[2] for l in text.splitlines() if l.startswith("# TYPE ")]
helps = [l.split()[2] for l in text.splitlines() if l.startswith("# HELP ")]
assert fams == helps and len(fams) == len(set(fams)) and len(fams) >= 15, fams
s = samples(text)
assert all(n in fams for n, _, _ in s)
score = [v for n, l, v in s if n == "driftmon_drift_score"]
assert score and close(score[0], r["drift_score"])
assert os.stat(os.environ["PROM"]).st_mode & 0o444 == 0o444
EOF

pycheck "A: alertmanager has the report's alerts, active" <<'EOF'
import os, datetime
from lib import *
r = report()
got = am_alerts()
have = {(a["labels"]["alertname"], a["labels"]["severity"], a["labels"].get("feature", ""))
        for a in got}
assert have == expected_alerts(r), (have, expected_alerts(r))
now = datetime.datetime.now(datetime.timezone.utc)
for a in got:
    assert a["status"]["state"] == "active", a
    assert a["labels"]["model_version"] == "v1"
    assert a["annotations"]["summary"]
    rep = a["annotations"]["report"]
    assert rep.endswith(".html") and os.path.exists(rep), rep
    ends = datetime.datetime.fromisoformat(a["endsAt"].replace("Z", "+00:00"))
    assert ends > now + datetime.timedelta(hours=2), a["endsAt"]
feat = [a for a in got if a["labels"]["alertname"] == "DriftmonFeatureDrift"]
assert len(feat) == r["features_drifted"] and len(feat) > 0
EOF

pycheck "A: webhook got one Slack-compatible POST" <<'EOF'
import json
from lib import *
r = report()
posts = hook_posts("/hook")
assert len(posts) == 1, posts
p = posts[0]
assert p["ctype"] == "application/json"
b = json.loads(p["body"])
assert "DRIFT DETECTED" in b["text"] and "spam-detector v1" in b["text"], b["text"]
assert b["model"] == "spam-detector" and b["status"] == "drift"
assert {a["status"] for a in b["alerts"]} == {"firing"}
have = {(a["labels"]["alertname"], a["labels"]["severity"], a["labels"].get("feature", ""))
        for a in b["alerts"]}
assert have == expected_alerts(r)
EOF

# ---- run B: no drift, deliveries fail ----------------------------------------------
DRIFT_PUSHGATEWAY_URL=http://127.0.0.1:$DEAD_PORT \
	DRIFT_ALERTMANAGER_URL=http://127.0.0.1:$DEAD_PORT \
	DRIFT_WEBHOOK_URL=$HOOK/bad/secret-token DRIFT_NOTIFY_ATTEMPTS=2 \
	DRIFT_NOTIFY_TIMEOUT_SECONDS=2 \
	run detect --model spam-detector --version v1 \
	--at 2025-12-25T18:00:00Z --window-hours 3
expect "B: detect despite failed deliveries" 0 "Overall drift detected: NO"
expect "B: summary and report still printed" 0 "^Report: .*latest.json$"
expect "B: alertmanager failure reported" 0 \
	"warning: cannot send alerts to Alertmanager: POST http://127.0.0.1:$DEAD_PORT: .*\(2 attempts\)"
expect "B: pushgateway failure reported" 0 \
	"warning: cannot push metrics to the Pushgateway: PUT http://127.0.0.1:$DEAD_PORT: .*\(2 attempts\)"
expect "B: 4xx not retried" 0 \
	"warning: cannot send alerts to the webhook: POST http://127.0.0.1:$HOOK_PORT: HTTP 400.*\(1 attempt\)"
if printf '%s' "$err" | grep -q secret-token; then not_ok "B: URL path leaked: $err"; else ok; fi
pycheck "B: report written, resolutions kept for the next run" <<'EOF'
import json, os
from lib import *
assert report()["status"] == "ok"
st = json.load(open(os.environ["STATE"]))
assert st["firing"] == [] and len(st["unsent_resolved"]) > 0, st
assert all(a["endsAt"] for a in st["unsent_resolved"])
assert all(a["status"]["state"] == "active" for a in am_alerts()) and am_alerts()
EOF

# ---- run C: no drift, everything up: resolve -----------------------------------
DRIFT_PUSHGATEWAY_URL=$PG DRIFT_ALERTMANAGER_URL=$AM DRIFT_WEBHOOK_URL=$HOOK/hook \
	run detect --model spam-detector --version v1 \
	--at 2025-12-25T18:00:00Z --window-hours 3
expect "C: detect" 0 "Overall drift detected: NO"
if printf '%s' "$err" | grep -q warning; then not_ok "C: warnings: $err"; else ok; fi
pycheck "C: alerts resolved in alertmanager" <<'EOF'
import json, time
from lib import *
assert am_alerts() == [], am_alerts()
# Alertmanager itself notifies its receiver that they resolved.
for _ in range(150):
    res = [json.loads(p["body"]) for p in hook_posts("/am")]
    key = lambda a: (a["labels"]["alertname"], a["labels"].get("feature", ""))
    firing = {key(a) for b in res for a in b["alerts"] if a["status"] == "firing"}
    resolved = {key(a) for b in res for a in b["alerts"] if a["status"] == "resolved"}
    if firing and firing <= resolved:
        break
    time.sleep(0.2)
assert firing and firing <= resolved, (firing, resolved)
EOF
pycheck "C: webhook told resolved, state empty, gauge 0" <<'EOF'
import json, os
from lib import *
posts = hook_posts("/hook")
assert len(posts) == 2, len(posts)
b = json.loads(posts[-1]["body"])
assert b["status"] == "ok" and b["alerts"], b
assert {a["status"] for a in b["alerts"]} == {"resolved"}
assert "RESOLVED" in b["text"]
st = json.load(open(os.environ["STATE"]))
assert st["firing"] == [] and st["unsent_resolved"] == [], st
s = samples(get(os.environ["PG"] + "/metrics"))
dd = [v for n, l, v in s if n == "driftmon_drift_detected" and l.get("model") == "spam-detector"]
assert dd == [0.0], dd
EOF

# A quiet run sends nothing to the webhook.
DRIFT_WEBHOOK_URL=$HOOK/hook run detect --model spam-detector --version v1 \
	--at 2025-12-25T18:00:00Z --window-hours 3
expect "C: quiet run" 0 "Overall drift detected: NO"
pycheck "C: nothing to say, nothing sent" <<'EOF'
from lib import *
assert len(hook_posts("/hook")) == 2
EOF

# ---- run D: 503s are retried, the exit code is the drift verdict's ---------------
DRIFT_WEBHOOK_URL=$HOOK/flaky DRIFT_NOTIFY_ATTEMPTS=3 \
	run detect --model spam-detector --version v1 \
	--at 2025-12-24T18:00:00Z --window-hours 4 --fail-on-drift
expect "D: --fail-on-drift exit 3" 3 "Overall drift detected: YES"
expect "D: 503 retried, bounded" 3 \
	"warning: cannot send alerts to the webhook: POST $HOOK: HTTP 503.*\(3 attempts\)"
pycheck "D: exactly 3 attempts" <<'EOF'
from lib import *
assert len(hook_posts("/flaky")) == 3
EOF

# ---- run E: odd names are escaped ----------------------------------------------------
run baseline --model 'odd "m" <x>' --version 'v2 beta/1' \
	--input "$T/store/training-data/spam-detector/train.parquet"
expect "E: a version with '/' is refused" 2
run baseline --model 'odd "m" <x>' --version 'v2 b&ta' \
	--input "$T/store/training-data/spam-detector/train.parquet"
expect "E: baseline" 0
run synth --current "$T/cur.csv" --rows 600 --seed 5
DRIFT_PUSHGATEWAY_URL=$PG DRIFT_ALERTMANAGER_URL=$AM run detect \
	--model 'odd "m" <x>' --version 'v2 b&ta' --input "$T/cur.csv"
expect "E: detect" 0
if printf '%s' "$err" | grep -q warning; then not_ok "E: warnings: $err"; else ok; fi
pycheck "E: labels round-trip" <<'EOF'
import os
from lib import *
s = [x for x in samples(get(os.environ["PG"] + "/metrics")) if x[0] == "driftmon_samples"]
labels = [l for n, l, v in s if l.get("model") == 'odd "m" <x>']
assert labels and labels[0]["model_version"] == "v2 b&ta", s
assert am_alerts('odd "m" <x>'), "no alerts for the odd model"
EOF

# ---- settings and --no-write -------------------------------------------------------
DRIFT_ALERTMANAGER_URL=ftp://127.0.0.1/ run detect --model spam-detector --version v1 \
	--at 2025-12-25T18:00:00Z
expect "invalid URL is a usage error" 2 "^driftmon detect: invalid DRIFT_ALERTMANAGER_URL"
DRIFT_NOTIFY_ATTEMPTS=0 run detect --model spam-detector --version v1
expect "invalid attempts" 2 "DRIFT_NOTIFY_ATTEMPTS"
# count the webhook's own posts: Alertmanager's (path /am) come when its
# group timers fire, during this run too
hook_posts() { grep -c '"path": "/hook' "$HOOK_LOG"; }
before=$(hook_posts)
DRIFT_WEBHOOK_URL=$HOOK/hook run detect --model spam-detector --version v1 \
	--at 2025-12-24T18:00:00Z --window-hours 4 --no-write --metrics-file "$T/nw.prom"
expect "--no-write" 0 "Overall drift detected: YES"
check "--no-write sends nothing" test "$(hook_posts)" -eq "$before"
check "--no-write still writes --metrics-file" test -s "$T/nw.prom"
run detect --model spam-detector --version v1 --at 2025-12-24T18:00:00Z \
	--metrics-file "$T/no/such/dir/m.prom"
expect "unwritable --metrics-file is an error" 1 "cannot write '.*m.prom'"

# ---- run P: performance alerts in Alertmanager (one per metric), then resolved ---------
# model "scorer": two hours of concept drift (labels flipped) with labels,
# then two of the same distribution
PS="$T/perfstore"
for args in "--training $T/ptrain.csv --validation $T/pval.csv --rows 4000 --seed 3" \
	"--logs --labels --scenario concept-drift --hours 2 --rows-per-hour 1500 --end 2025-03-01T12:00:00Z --seed 7" \
	"--logs --labels --scenario none --hours 2 --rows-per-hour 1500 --end 2025-03-01T14:00:00Z --seed 8"; do
	# shellcheck disable=SC2086
	DRIFTMON_STORE=$PS run synth --model scorer $args
	expect "P: synth $args" 0
done
DRIFTMON_STORE=$PS run baseline --model scorer --version v1 --input "$T/ptrain.csv"
expect "P: baseline" 0
DRIFTMON_STORE=$PS run reference --model scorer --version v1 --input "$T/pval.csv"
expect "P: reference" 0
DRIFTMON_STORE=$PS DRIFT_PUSHGATEWAY_URL=$PG DRIFT_ALERTMANAGER_URL=$AM \
	run detect --model scorer --version v1 --at 2025-03-01T12:00:00Z --window-hours 2
expect "P1: detect (concept drift)" 0 "^Performance: accuracy 0\.8"
export PREPORT="$PS/drift-reports/scorer/latest.json"
pycheck "P1: one active DriftmonPerformanceDrop per dropped metric; pushgateway driftmon_model_* = the report's" <<'EOF'
import json, os
from lib import *
r = json.load(open(os.environ["PREPORT"]))
p = r["performance"]
got = am_alerts("scorer")
drops = {a["labels"]["feature"] for a in got if a["labels"]["alertname"] == "DriftmonPerformanceDrop"}
assert drops == {"accuracy", "f1", "roc_auc"}, got
assert all(a["status"]["state"] == "active" for a in got)
assert not [a for a in got if a["labels"]["alertname"] == "DriftmonEstimatedPerformanceDrop"], got
s = [x for x in samples(get(os.environ["PG"] + "/metrics")) if x[1].get("model") == "scorer"]
val = lambda n, m=None: [v for k, l, v in s if k == n and l.get("metric") == m]
assert val("driftmon_model_predictions_labelled") == [p["labelled"]] and p["labelled"] == 3000
assert close(val("driftmon_model_metric", "accuracy")[0], p["accuracy"])
assert close(val("driftmon_model_metric_reference", "accuracy")[0], p["reference"]["accuracy"]["value"])
assert close(val("driftmon_model_metric_estimated", "accuracy")[0], p["estimated"]["accuracy"]["value"])
assert val("driftmon_model_performance_dropped", "f1") == [1.0]
assert val("driftmon_model_performance_estimated_dropped", "accuracy") == [0.0]
# Alertmanager notifies its receiver of the three (group_wait 1 s)
import time
for _ in range(150):
    res = [json.loads(p["body"]) for p in hook_posts("/am")]
    firing = {a["labels"].get("feature") for b in res for a in b["alerts"]
              if a["status"] == "firing" and a["labels"].get("model") == "scorer"}
    if firing >= {"accuracy", "f1", "roc_auc"}:
        break
    time.sleep(0.2)
assert firing >= {"accuracy", "f1", "roc_auc"}, firing
EOF
DRIFTMON_STORE=$PS DRIFT_PUSHGATEWAY_URL=$PG DRIFT_ALERTMANAGER_URL=$AM \
	run detect --model scorer --version v1 --at 2025-03-01T14:00:00Z --window-hours 2
expect "P2: detect (same distribution)" 0
pycheck "P2: the performance alerts resolved in Alertmanager, which says so" <<'EOF'
import json, os, time
from lib import *
r = json.load(open(os.environ["PREPORT"]))
assert not [a for a in r["alerts"] if "PERFORMANCE" in a["code"]], r["alerts"]
assert am_alerts("scorer") == [], am_alerts("scorer")
key = lambda a: (a["labels"]["alertname"], a["labels"].get("feature", ""))
want = {("DriftmonPerformanceDrop", m) for m in ("accuracy", "f1", "roc_auc")}
for _ in range(150):
    res = [json.loads(p["body"]) for p in hook_posts("/am")]
    resolved = {key(a) for b in res for a in b["alerts"]
                if a["status"] == "resolved" and a["labels"].get("model") == "scorer"}
    if want <= resolved:
        break
    time.sleep(0.2)
assert want <= resolved, resolved
s = [x for x in samples(get(os.environ["PG"] + "/metrics")) if x[1].get("model") == "scorer"]
assert [v for k, l, v in s if k == "driftmon_model_performance_dropped"] == [0.0, 0.0, 0.0]
EOF

finish
