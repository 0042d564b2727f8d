#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The HTML report in a real browser: Debian's Chromium (installed with
# apt-get when missing), headless, renders the reports that detect,
# `driftmon report` and `compare --format html` write; the checks read
# its --dump-dom output and --screenshot:
#   - it loads without errors and references nothing outside the file;
#   - every feature has its card and charts (bins or categories, and the
#     ECDF where KS decided), sorted by severity;
#   - the numbers shown are the JSON report's;
#   - hostile feature and model names are shown as text, never markup;
#   - the 200-feature report stays under 1 MB.
# usage: tests/suites/html.sh build/driftmon
set -u
DM=$(realpath "${1:?usage: html.sh DRIFTMON}")
export DM
cd "$(dirname "$0")/../.."
PY=/usr/bin/python3

if ! command -v chromium >/dev/null; then
	if [ "$(id -u)" != 0 ]; then
		echo "html: chromium is not installed (sudo apt-get install chromium)"
		echo "html.sh: 0 passed, 1 failed"
		exit 1
	fi
	echo "html: installing chromium" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >/dev/null 2>&1 || true
	if ! apt-get install -y -qq --no-install-recommends chromium >/dev/null 2>&1; then
		echo "html: apt-get install chromium failed"
		echo "html.sh: 0 passed, 1 failed"
		exit 1
	fi
fi

. tests/e2e/lib.sh
unset DRIFT_PUSHGATEWAY_URL DRIFT_ALERTMANAGER_URL DRIFT_WEBHOOK_URL

# browse FILE OUT_PREFIX: OUT.dom, OUT.png, OUT.log (Chromium's stderr)
browse() {
	local prof
	prof=$(mktemp -d "$T/chrome.XXXXXX")
	timeout 90 chromium --headless --no-sandbox --disable-gpu \
		--disable-background-networking --disable-component-update \
		--disable-sync --no-first-run --user-data-dir="$prof" \
		--enable-logging=stderr --v=0 --hide-scrollbars \
		--window-size=1400,2400 --dump-dom "file://$1" \
		>"$2.dom" 2>"$2.log"
	shoot "$1" "$2" "$prof"
	# a headless screenshot that timed out on a loaded machine (CI saw
	# one, of the 200-feature report, that the same build draws in 5 s)
	# gets a second try; a second failure fails the check below
	if [ ! -s "$2.png" ]; then
		echo "html: $2.png not drawn, trying again" >&2
		shoot "$1" "$2" "$prof"
	fi
}

# shoot FILE OUT PROFILE: Chromium's screenshot of FILE into OUT.png
shoot() {
	timeout 90 chromium --headless --no-sandbox --disable-gpu \
		--disable-background-networking --disable-component-update \
		--disable-sync --no-first-run --user-data-dir="$3" \
		--hide-scrollbars --window-size=1400,2400 \
		--screenshot="$2.png" "file://$1" >>"$2.log" 2>&1
}

pycheck() {
	if $PY - >"$T/.py" 2>&1; then ok; else not_ok "$1: $(tail -n 4 "$T/.py")"; fi
}

cat >"$T/dom.py" <<'EOF'
# Parses Chromium's --dump-dom output into the facts the checks need.
import html.parser, json, math, os
class Dom(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.cards, self.tags, self.text = [], [], {}, {}
        self.cur, self.capture, self.circles = None, None, 0
        self.svgs_outside, self.handlers = [], 0
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        cls = (a.get("class") or "").split()
        self.tags[tag] = self.tags.get(tag, 0) + 1
        self.handlers += sum(1 for k in a if k.lower().startswith("on"))
        if tag == "article" and "feat" in cls:
            self.cur = {"name": a.get("data-feature"), "status": a.get("data-status"),
                        "id": a.get("id"), "svg": [], "stats": {}, "h3": ""}
            self.cards.append(self.cur)
        if tag == "svg":
            if self.cur is not None:
                self.cur["svg"].append(cls)
            else:
                self.svgs_outside.append(cls)
        if tag == "circle":
            self.circles += 1
        if tag == "b" and self.cur is not None and cls:
            self.capture = ("stat", cls[0])
        elif tag == "h3" and self.cur is not None:
            self.capture = ("h3", None)
        elif tag == "dd" and cls:
            self.capture = ("kpi", cls[0])
        if tag not in ("meta", "path", "rect", "br", "link", "img", "input", "circle"):
            self.stack.append(tag)
    def handle_endtag(self, tag):
        if tag == "article":
            self.cur = None
        if tag in ("b", "dd", "h3"):
            self.capture = None
        if self.stack and self.stack[-1] == tag:
            self.stack.pop()
    def handle_data(self, d):
        if not self.capture:
            return
        kind, key = self.capture
        if kind == "stat":
            self.cur["stats"][key] = self.cur["stats"].get(key, "") + d
        elif kind == "h3":
            self.cur["h3"] += d
        else:
            self.text[key] = self.text.get(key, "") + d
def parse(path):
    d = Dom()
    d.feed(open(path, encoding="utf-8").read())
    return d
def g(x, sig):
    return "\u2013" if x is None else "%.*g" % (sig, x)
def rank(f):
    cls = {"drift": 3, "minor": 2, "none": 1}.get(f["status"], 0)
    v = (f["psi"] or 0) + (f["ks_statistic"] or 0)
    return (-cls, -v)
EOF
export PYTHONPATH="$T" T

# ---- reports -------------------------------------------------------------------------
S50="$T/s50"
S200="$T/s200"
DRIFTMON_STORE=$S50 run synth --rows 4000 --hours 4 --rows-per-hour 400 \
	--magnitude 1.0 --end 2025-12-24T18:00:00Z --seed 7
expect "synth 50" 0
DRIFTMON_STORE=$S50 run baseline --model spam-detector --version v1 \
	--input "$S50/training-data/spam-detector/train.parquet"
expect "baseline 50" 0
for h in 2 3 4; do
	DRIFTMON_STORE=$S50 run detect --model spam-detector --version v1 \
		--at 2025-12-24T18:00:00Z --window-hours $h
	expect "detect 50 (${h}h)" 0 "HTML report: .*latest.html"
done
DRIFTMON_STORE=$S200 run synth --features 200 --rows 3000 --hours 2 \
	--rows-per-hour 500 --end 2025-12-24T18:00:00Z --seed 9
expect "synth 200" 0
DRIFTMON_STORE=$S200 run baseline --model spam-detector --version v1 \
	--input "$S200/training-data/spam-detector/train.parquet"
expect "baseline 200" 0
DRIFTMON_STORE=$S200 run detect --model spam-detector --version v1 \
	--at 2025-12-24T18:00:00Z --window-hours 2 --format none
expect "detect 200" 0

export R50="$S50/drift-reports/spam-detector/latest" R200="$S200/drift-reports/spam-detector/latest"
check "history copy of the HTML" test -n "$(ls "$S50"/drift-reports/spam-detector/v1/*.html)"
n_json=$(ls "$S50"/drift-reports/spam-detector/v1/*.json | grep -vc '/latest\.json$')
n_html=$(ls "$S50"/drift-reports/spam-detector/v1/*.html | grep -vc '/latest\.html$')
check "the version's latest.html" test -s "$S50/drift-reports/spam-detector/v1/latest.html"
check "one HTML per JSON in the history" test "$n_json" -eq "$n_html" -a "$n_json" -eq 3

size50=$(stat -c %s "$R50.html")
size200=$(stat -c %s "$R200.html")
echo "html: report size: 50 features $size50 bytes, 200 features $size200 bytes"
check "200-feature report under 1 MB" test "$size200" -lt 1000000

# ---- in the browser -------------------------------------------------------------------
browse "$R50.html" "$T/r50"
browse "$R200.html" "$T/r200"
for r in r50 r200; do
	check "$r: DOM dumped" test -s "$T/$r.dom"
	check "$r: screenshot" test -s "$T/$r.png"
	if grep -Ei "Uncaught|Failed to load|net::ERR|Refused to|CONSOLE" "$T/$r.log"; then
		not_ok "$r: errors while loading"
	else
		ok
	fi
done

pycheck "self-contained: no scripts, no outside references" <<'EOF'
import os, re
for r in ("R50", "R200"):
    t = open(os.environ[r] + ".html", encoding="utf-8").read()
    assert "<script" not in t.lower(), r
    assert not re.search(r'\b(src|href)\s*=\s*"(?!#)', t), re.search(r'\b(src|href)\s*=\s*"(?!#)', t)
    assert "url(" not in t and "@import" not in t
EOF

pycheck "every feature has its card and charts, sorted by severity" <<'EOF'
import json, os
from dom import *
for r in ("R50", "R200"):
    rep = json.load(open(os.environ[r] + ".json"))
    d = parse(os.path.join(os.environ["T"], r.lower() + ".dom"))
    feats = rep["features"]
    assert len(d.cards) == len(feats) > 0, (len(d.cards), len(feats))
    byname = {f["name"]: f for f in feats}
    assert [c["name"] for c in d.cards] == [f["name"] for f in sorted(feats, key=rank)]
    for c in d.cards:
        f = byname[c["name"]]
        hist = [s for s in c["svg"] if "hist" in s]
        ecdf = [s for s in c["svg"] if "ecdf" in s]
        assert len(hist) == 1, c
        want_ecdf = f["type"] == "numeric" and f["ks_statistic"] is not None and f["current"]
        assert len(ecdf) == (1 if want_ecdf else 0), c
        if f["type"] == "categorical":
            assert "cat" in hist[0]
    assert d.tags.get("script", 0) == 0
EOF

pycheck "the numbers shown are the JSON's" <<'EOF'
import json, os
from dom import *
for r in ("R50", "R200"):
    rep = json.load(open(os.environ[r] + ".json"))
    d = parse(os.path.join(os.environ["T"], r.lower() + ".dom"))
    byname = {f["name"]: f for f in rep["features"]}
    n = 0
    for c in d.cards:
        f, s = byname[c["name"]], c["stats"]
        assert s["psi"] == g(f["psi"], 4), (c["name"], s, f["psi"])
        assert s["padj"] == g(f["pvalue_adjusted"], 3), (c["name"], s)
        if f["type"] == "numeric":
            assert s["ksd"] == g(f["ks_statistic"], 4), (c["name"], s)
            assert s["ksp"] == g(f["ks_pvalue"], 3), (c["name"], s)
        else:
            assert s["chi2p"] == g(f["chi2_pvalue"], 3), (c["name"], s)
        assert c["status"] == f["status"]
        n += 1
    assert d.text["score"] == "%.1f%%" % (100 * rep["drift_score"]), d.text
    assert d.text["samples"] == str(rep["samples"])
    assert d.text["drifted"] == "%d / %d" % (rep["features_drifted"], rep["features_total"])
    assert d.text["generated"] == rep["generated_at"]
    assert d.text["window"].startswith(rep["window"]["start"])
    assert n == len(rep["features"])
EOF

pycheck "the trend shows the report history" <<'EOF'
import os
from dom import *
d = parse(os.path.join(os.environ["T"], "r50.dom"))
assert any("trend" in s for s in d.svgs_outside)
assert d.circles == 3, d.circles
d = parse(os.path.join(os.environ["T"], "r200.dom"))
assert d.circles == 1, d.circles
EOF

pycheck "the screenshots are drawn" <<'EOF'
import os
t = os.environ["T"]
for r in ("r50", "r200"):
    data = open(os.path.join(t, r + ".png"), "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20000, (r, len(data))
    try:
        from PIL import Image
    except ImportError:
        continue
    im = Image.open(os.path.join(t, r + ".png")).convert("RGB")
    assert im.size == (1400, 2400), im.size
    colours = im.getcolors(1 << 20)
    assert colours is not None and len(colours) > 50, len(colours or [])
    # the verdict badge (orange-red) and the chart colours are there
    px = {c for _, c in colours}
    assert any(abs(r_ - 0xd9) < 8 and abs(g_ - 0x48) < 8 and abs(b_ - 0x0f) < 8 for r_, g_, b_ in px)
EOF

# ---- driftmon report and compare --format html ---------------------------------------
DRIFTMON_STORE=$S50 run report --input "$R50.json" --output "$T/again.html"
expect "report --input --output" 0
pycheck "report renders what detect rendered" <<'EOF'
import os, re
t = os.environ["T"]
a = open(os.environ["R50"] + ".html").read()
b = open(os.path.join(t, "again.html")).read()
cut = lambda s: s[:s.index("<footer>")]
assert cut(a) == cut(b)
EOF
DRIFTMON_STORE=$S50 run report --input "$R50.json" --output "$T/nohist.html" --history 0
pycheck "--history 0: only the report itself" <<'EOF'
import os
t = open(os.path.join(os.environ["T"], "nohist.html")).read()
assert t.count("<circle") == 1
EOF
run report --input "$T/none.json" --output "$T/x.html"
expect "missing input" 1 "cannot read '.*none.json'"
one_line "missing input, one line"
printf '{"report_version": 1, ' >"$T/trunc.json"
run report --input "$T/trunc.json" --output "$T/x.html"
expect "truncated JSON" 1 "trunc.json.*not valid JSON"
one_line "truncated JSON, one line"
$PY -c 'import json,sys; r=json.load(open(sys.argv[1])); r["report_version"]=3; json.dump(r,open(sys.argv[2],"w"))' "$R50.json" "$T/v3.json"
run report --input "$T/v3.json" --output "$T/x.html"
expect "report_version 3 (from the future)" 1 "report_version 3 is not supported"
$PY -c 'import json,sys; r=json.load(open(sys.argv[1])); r["features"][3]["name"]=7; json.dump(r,open(sys.argv[2],"w"))' "$R50.json" "$T/badf.json"
run report --input "$T/badf.json" --output "$T/x.html"
expect "malformed feature" 1 "features\[3\]\.name"
check "no partial output left" test ! -e "$T/x.html"
run report --input "$R50.json"
expect "--output required" 2 "--output"

# ---- hostile names ----------------------------------------------------------------------
export EVIL='<script>alert("x")</script>'"'"'&amp;"<img src=x onerror=alert(1)>'
$PY - "$R50.json" "$T/evil.json" <<'EOF'
import json, os, sys
r = json.load(open(sys.argv[1]))
evil = os.environ["EVIL"]
r["model"] = "m" + evil
r["model_version"] = "v" + evil
r["generated_at"] = r["generated_at"] + evil
for f in r["features"]:
    if f["type"] == "categorical":
        cats = f["baseline"]["categories"]
        k = next(iter(cats))
        cats[evil] = cats.pop(k)
        if f["current"]:
            f["current"]["categories"][evil] = f["current"]["categories"].pop(k)
        break
r["features"][0]["name"] = evil
r["alerts"][0]["message"] = evil
r["alerts"][0]["code"] = evil
json.dump(r, open(sys.argv[2], "w"))
EOF
run report --input "$T/evil.json" --output "$T/evil.html" --history 0
expect "evil report" 0
browse "$T/evil.html" "$T/evil"
pycheck "hostile names are text, never markup" <<'EOF'
import os
from dom import *
t = os.environ["T"]
evil = os.environ["EVIL"]
src = open(os.path.join(t, "evil.html"), encoding="utf-8").read()
assert "<script" not in src and "<img" not in src
d = parse(os.path.join(t, "evil.dom"))
assert d.tags.get("script", 0) == 0 and d.tags.get("img", 0) == 0, d.tags
assert d.handlers == 0
assert any(c["name"] == evil for c in d.cards), [c["name"] for c in d.cards][:3]
assert any(c["h3"].startswith(evil) for c in d.cards)
dom = open(os.path.join(t, "evil.dom"), encoding="utf-8").read()
assert "m&lt;script&gt;alert" in dom
EOF

# The whole way: a CSV column named like markup, through compare.
$PY - "$T/ref.csv" "$T/cur.csv" <<'EOF'
import csv, random, sys
random.seed(4)
name = '<b onmouseover="x">col</b> & \'q\''
for path, shift in ((sys.argv[1], 0.0), (sys.argv[2], 1.0)):
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["a", name, "kind"])
        for i in range(600):
            w.writerow([random.gauss(0, 1), random.gauss(shift, 1), random.choice("xyz")])
EOF
run compare --reference "$T/ref.csv" --current "$T/cur.csv" --format html
expect "compare --format html" 0 "<!DOCTYPE html>"
printf '%s\n' "$out" >"$T/cmp.html"
browse "$T/cmp.html" "$T/cmp"
pycheck "compare: markup in a column name stays text" <<'EOF'
import os
from dom import *
d = parse(os.path.join(os.environ["T"], "cmp.dom"))
assert len(d.cards) == 3 and d.handlers == 0
names = [c["name"] for c in d.cards]
assert names[0] == '<b onmouseover="x">col</b> & \'q\'', names
assert d.cards[0]["h3"].startswith(names[0])
EOF


# ---- what a new user hit: unseen categories named, the step ECDF of a
# discrete feature, readable axis numbers, the reasons in the header ------
$PY - "$T/ref2.csv" "$T/cur2.csv" <<'EOF'
import csv, random, sys
random.seed(11)
for path, cur in ((sys.argv[1], False), (sys.argv[2], True)):
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["amount", "n_items", "channel"])
        for i in range(800):
            amount = round(random.gauss(100500 if cur else 100000, 400), 2)
            n_items = random.choice([0, 1, 1, 2, 2, 2, 3, 4] if not cur else [1, 2, 3, 3, 4, 4])
            chans = ["web", "app", "store"] + (["kiosk", "phone"] if cur else [])
            w.writerow([amount, n_items, random.choice(chans)])
EOF
run compare --reference "$T/ref2.csv" --current "$T/cur2.csv" --format json
expect "compare (new-user table), json" 0
printf '%s\n' "$out" >"$T/cmp2.json"
run compare --reference "$T/ref2.csv" --current "$T/cur2.csv" --format html
expect "compare (new-user table), html" 0 "<!DOCTYPE html>"
printf '%s\n' "$out" >"$T/cmp2.html"
browse "$T/cmp2.html" "$T/cmp2"
pycheck "unseen categories are named" <<'EOF'
import json, os, re
t = os.environ["T"]
rep = json.load(open(os.path.join(t, "cmp2.json")))
ch = next(f for f in rep["features"] if f["name"] == "channel")
assert sorted(ch["current"]["unseen_categories"]) == ["kiosk", "phone"], ch["current"]
dom = open(os.path.join(t, "cmp2.dom"), encoding="utf-8").read()
card = dom[dom.index('data-feature="channel"'):]
card = card[:card.index("</article>")]
names = re.findall(r'<code class="unseen-cat">([^<]*)</code>', card)
assert sorted(names) == ["kiosk", "phone"], names
assert re.search(r'Unseen in the baseline \(%d values, [0-9.]+%% of the current data\)' % ch["unseen"], card), card[:600]
assert re.search(r'class="unseen-bar">unseen \(2\)</text>', card), card
EOF
pycheck "the ECDF of a discrete feature is a step function" <<'EOF'
import json, os, re
t = os.environ["T"]
rep = json.load(open(os.path.join(t, "cmp2.json")))
f = next(f for f in rep["features"] if f["name"] == "n_items")
assert f["baseline"]["ecdf_steps"]["values"] == [0, 1, 2, 3, 4], f["baseline"]["ecdf_steps"]
assert f["current"]["ecdf_steps"]["values"] == [1, 2, 3, 4]
assert abs(f["baseline"]["ecdf_steps"]["cdf"][-1] - 1) < 1e-12
a = next(f for f in rep["features"] if f["name"] == "amount")
assert "ecdf_steps" not in a["baseline"], "a continuous feature has no steps"
dom = open(os.path.join(t, "cmp2.dom"), encoding="utf-8").read()
card = dom[dom.index('data-feature="n_items"'):]
card = card[:card.index("</article>")]
svg = re.search(r'<svg class="chart ecdf discrete".*?</svg>', card, re.S)
assert svg, "no step ECDF"
paths = re.findall(r'<path class="(l[bc]) step" d="([^"]*)"', svg.group(0))
assert sorted(c for c, _ in paths) == ["lb", "lc"], paths
for c, d in paths:
    cmds = re.findall(r"[A-Za-z]", d)
    assert cmds[0] == "M" and set(cmds[1:]) <= {"H", "V"}, (c, d)
    # one jump per distinct value
    assert cmds.count("V") == (5 if c == "lb" else 4), (c, d)
# the continuous feature keeps its line through the quantiles
card = dom[dom.index('data-feature="amount"'):]
card = card[:card.index("</article>")]
assert '<svg class="chart ecdf"' in card and " step" not in card
EOF
pycheck "axis labels are readable numbers" <<'EOF'
import math, os, re
t = os.environ["T"]
pat = re.compile(r"^-?\d{1,3}(,\d{3})*(\.\d+)?[kMG]?$")
n = 0
for dom in ("cmp2.dom", "r50.dom", "r200.dom"):
    src = open(os.path.join(t, dom), encoding="utf-8").read()
    for lab in re.findall(r'<text class="xl"[^>]*>([^<]*)</text>', src):
        assert "e+" not in lab and "e-" not in lab and pat.match(lab), (dom, lab)
        n += 1
assert n > 100, n
src = open(os.path.join(t, "cmp2.dom"), encoding="utf-8").read()
card = src[src.index('data-feature="amount"'):]
card = card[:card.index("</article>")]
labs = re.findall(r'<text class="xl"[^>]*>([^<]*)</text>', card)
# values near 100,000: in thousands, neighbours told apart
assert labs and all(l.endswith("k") for l in labs), labs
ecdf = card[card.index('class="chart ecdf"'):]
ticks = re.findall(r'<text class="xl"[^>]*>([^<]*)</text>', ecdf)
assert 2 <= len(ticks) <= 5 and len(set(ticks)) == len(ticks), ticks
vals = [float(x[:-1].replace(",", "")) for x in ticks]
steps = {round(b - a, 6) for a, b in zip(vals, vals[1:])}
assert len(steps) == 1, ticks  # evenly spaced
step = steps.pop()
assert round(step / 10 ** math.floor(math.log10(step)), 6) in (1, 2, 5), ticks  # round
EOF
$PY - "$R50.json" "$T/why.json" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))
r["samples_note"] = "150 rows of other versions of spam-detector (e.g. 'v2')"
r["columns_not_monitored"] = [{"name": "customer_id", "role": "identifier"},
                              {"name": "comment", "role": "text"}]
json.dump(r, open(sys.argv[2], "w"))
EOF
run report --input "$T/why.json" --output "$T/why.html" --history 0
expect "report with reasons" 0
browse "$T/why.html" "$T/why"
pycheck "the header says why and what is not monitored" <<'EOF'
import os, re
dom = open(os.path.join(os.environ["T"], "why.dom"), encoding="utf-8").read()
m = re.search(r'<p class="why" id="samples-note">(.*?)</p>', dom)
assert m and "150 rows of other versions of spam-detector (e.g. 'v2')" in m.group(1).replace("&#39;", "'"), m
m = re.search(r'<p class="note" id="not-monitored">(.*?)</p>', dom)
assert m and m.group(1) == "Not monitored (2): customer_id (identifier), comment (text)", m
EOF

# ---- model performance: accuracy, F1 and ROC AUC over time and the calibration curve ------------------
# three hours of the same distribution, then three of concept drift (15% of
# labels flipped), with the labels; one detect per hour writes the history
SP="$T/sperf"
DRIFTMON_STORE=$SP run synth --training "$T/perf-train.csv" --validation "$T/perf-val.csv" --rows 4000 --seed 3
expect "perf: training and validation data" 0
DRIFTMON_STORE=$SP run synth --logs --labels --scenario none --hours 3 \
	--rows-per-hour 1000 --end 2025-03-01T13:00:00Z
expect "perf: logs and labels, same distribution" 0
DRIFTMON_STORE=$SP run synth --logs --labels --scenario concept-drift --hours 3 \
	--rows-per-hour 1000 --end 2025-03-01T16:00:00Z --seed 7
expect "perf: logs and labels, concept drift" 0
DRIFTMON_STORE=$SP run baseline --model spam-detector --version v1 --input "$T/perf-train.csv"
expect "perf: baseline" 0
DRIFTMON_STORE=$SP run reference --model spam-detector --version v1 --input "$T/perf-val.csv"
expect "perf: reference" 0
for h in 11 12 13 14 15 16; do
	DRIFTMON_STORE=$SP run detect --model spam-detector --version v1 \
		--at 2025-03-01T$h:00:00Z --window-hours 1
	expect "perf: detect $h:00" 0 "HTML report: .*latest.html"
done
browse "$SP/drift-reports/spam-detector/latest.html" "$T/perf"
pycheck "perf: the section renders: measured and estimated accuracy of each run, the calibration curve, the JSON's numbers" <<'EOF'
import glob, json, os, re
T = os.environ["T"]
dom = open(os.path.join(T, "perf.dom"), encoding="utf-8").read()
assert '<h2 id="performance">Model performance</h2>' in dom
reps = [json.load(open(f)) for f in sorted(glob.glob(os.path.join(T, "sperf/drift-reports/spam-detector/v1/2025*.json")))]
assert len(reps) == 6, len(reps)
trend = dom[dom.index('class="chart trend perf-trend"'):]
trend = trend[:trend.index("</svg>")]
meas = [float(x) for x in re.findall(r'<circle class="pmc"[^>]*data-acc="([0-9.]+)"', trend)]
est = [float(x) for x in re.findall(r'<circle class="pec"[^>]*data-acc="([0-9.]+)"', trend)]
want_m = [r["performance"]["accuracy"] for r in reps]
want_e = [r["performance"]["estimated"]["accuracy"]["value"] for r in reps]
assert len(meas) == 6 and all(abs(a - b) < 1e-6 for a, b in zip(meas, want_m)), (meas, want_m)
assert len(est) == 6 and all(abs(a - b) < 1e-6 for a, b in zip(est, want_e)), (est, want_e)
# F1 and ROC AUC beside accuracy, each point the run's measured value
f1 = [float(x) for x in re.findall(r'<circle class="pfc"[^>]*data-f1="([0-9.]+)"', trend)]
auc = [float(x) for x in re.findall(r'<circle class="pac"[^>]*data-auc="([0-9.]+)"', trend)]
want_f = [r["performance"]["f1"] for r in reps]
want_a = [r["performance"]["roc_auc"] for r in reps]
assert len(f1) == 6 and all(abs(a - b) < 1e-6 for a, b in zip(f1, want_f)), (f1, want_f)
assert len(auc) == 6 and all(abs(a - b) < 1e-6 for a, b in zip(auc, want_a)), (auc, want_a)
assert 'class="pf"' in trend and 'class="pa"' in trend
# the concept drift shows in the measured accuracy only
assert min(want_m[:3]) > 0.9 and max(want_m[3:]) < 0.86, want_m
assert min(want_e) > 0.9, want_e
assert 'class="pband"' in trend and 'class="pr"' in trend
cal = dom[dom.index('class="chart calib"'):]
cal = cal[:cal.index("</svg>")]
pts = [(float(x), float(y), int(c)) for x, y, c in re.findall(r'<circle class="calc"[^>]*data-x="([0-9.]+)" data-y="([0-9.]+)" data-count="([0-9]+)"', cal)]
curve = reps[-1]["performance"]["calibration"]["curve"]
assert len(pts) == len(curve) and len(curve) >= 5, (pts, curve)
for (x, y, c), q in zip(pts, curve):
    assert abs(x - q["mean_predicted"]) < 1e-6 and abs(y - q["fraction_positive"]) < 1e-6 and c == q["count"], (x, y, c, q)
assert sum(c for _, _, c in pts) == reps[-1]["performance"]["labelled"]
# three PERFORMANCE_DROP alerts in the last window, shown
assert dom.count("PERFORMANCE_DROP") >= 3
EOF

finish
