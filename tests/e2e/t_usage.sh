#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Usage errors exit 2 with one line (plus the "Try ... --help" hint)
# naming the flag, variable or argument; --help works everywhere; model
# names cannot escape the store.  Runtime errors exit 1 (docs/cli.md).
. "$(dirname "$0")/lib.sh"

printf 'a,b\n' >"$T/train.csv"
for i in $(seq 1 200); do echo "$i,$((i % 7))"; done >>"$T/train.csv"

# ---- the top level ---------------------------------------------------------
run
if [ "$rc" -eq 2 ] && [ -z "$out" ] &&
	printf '%s\n' "$err" | grep -q '^usage: driftmon <command>'; then ok
else not_ok "driftmon alone: exit $rc, expected 2 and the usage on stderr; stderr: $err"; fi

run --help
expect "driftmon --help" 0 "^usage: driftmon <command> \[options\]$"
expect "--help documents the exit codes" 0 "Exit codes: 0 success, 1 runtime error \(data, storage\), 2 usage error,"
expect "--help documents exit 3" 0 "3 drift detected \(with --fail-on-drift\)"
for c in baseline detect compare list status synth; do
	expect "--help lists $c" 0 "^  $c +[a-z]"
done

run frobnicate
expect_err "unknown command" 2 "^driftmon: 'frobnicate' is not a driftmon command\. See 'driftmon --help'\.$"

run --frobnicate
expect_err "unknown top-level flag" 2 "^driftmon: '--frobnicate' is not a driftmon command"

run --version
expect "--version" 0 "^driftmon [0-9]+\.[0-9]+\.[0-9]+$"

# ---- every command's --help --------------------------------------------------
for c in baseline detect compare list status synth simulate parquet; do
	run "$c" --help
	expect "$c --help" 0 "^usage: driftmon $c"
	if [ -z "$err" ]; then ok; else not_ok "$c --help wrote to stderr: $err"; fi
done
for c in baseline detect compare list status synth simulate; do
	run "$c" -h
	expect "$c -h" 0 "^usage: driftmon $c"
done
run baseline --help
for o in "--features a,b" "--exclude a,b" "--categorical a,b" "--importance a=2,b=0.5" "--bins N"; do
	expect "baseline --help: $o" 0 "^ +$o( |$)"
done
run detect --help
for o in psi-threshold min-samples critical-threshold window-hours; do
	expect "detect --help: --$o" 0 "^ +(-w, )?--$o [A-Z]"
done
for v in DRIFT_PSI_THRESHOLD DRIFT_MIN_SAMPLES DRIFT_SCORE_CRITICAL_THRESHOLD DRIFT_ANALYSIS_WINDOW_HOURS; do
	expect "detect --help: \$$v" 0 "\\\$$v"
done
expect "detect --help: --strict" 0 "^ +--strict +malformed rows"
expect "detect --help: the 1% rate" 0 "alert above 1%"
run compare --help
expect "compare --help: --format" 0 "--format text\|json"

# ---- unknown flags, missing values --------------------------------------------
for c in baseline detect compare list status synth simulate; do
	run "$c" --bogus
	expect_err "$c: unknown flag" 2 "^driftmon $c: unknown option '--bogus'$"
done
run baseline --model m --version v1 --input "$T/train.csv" --bogus=1
expect_err "unknown flag with a value" 2 "^driftmon baseline: unknown option '--bogus'$"
run detect --model m --version v1 -q
expect_err "unknown short flag" 2 "^driftmon detect: unknown option '-q'"
run detect --model
expect_err "detect: missing value (--model)" 2 "^driftmon detect: option '--model' needs a value$"
run baseline --model m --version v1 --input "$T/train.csv" --bins
expect_err "baseline: missing value (--bins)" 2 "^driftmon baseline: option '--bins' needs a value$"
run compare --reference "$T/train.csv" --current
expect_err "compare: missing value (--current)" 2 "^driftmon compare: option '--current' needs a value$"
run detect --model m --version v1 -m
expect_err "detect: missing value (-m)" 2 "^driftmon detect: .*'-m'.*needs a value"
run detect --model m --version v1 --strict=yes
expect_err "value for a flag that takes none" 2 "^driftmon detect: option '--strict' takes no value$"

# ---- missing or extra arguments -------------------------------------------------
run baseline --input "$T/train.csv"
expect_err "baseline without --model" 2 "^driftmon baseline: --model and --version are required$"
run baseline --model m --version v1
expect_err "baseline without input" 2 "^driftmon baseline: no input files"
run detect --version v1
expect_err "detect without --model" 2 "^driftmon detect: --model and --version are required$"
run compare --reference "$T/train.csv"
expect_err "compare without --current" 2 "^driftmon compare: --reference FILE and --current FILE are required$"
run compare --reference "$T/train.csv" --current "$T/train.csv" extra
expect_err "compare: extra argument" 2 "^driftmon compare: unexpected argument 'extra'$"
run list
expect_err "list without a subject" 2 "^driftmon list: say what to list: baselines or reports$"
run list models
expect_err "list models" 2 "^driftmon list: cannot list 'models': expected baselines or reports$"
run list baselines extra
expect_err "list: extra argument" 2 "^driftmon list: unexpected argument 'extra'$"
run status extra
expect_err "status: extra argument" 2 "^driftmon status: unexpected argument 'extra'$"
run detect --model m --version v1 --at yesterday
expect_err "detect --at yesterday" 2 "^driftmon detect: invalid --at 'yesterday': expected an ISO-8601 UTC time"
run detect --model m --version v1 --at 2025-13-01T00:00:00Z
expect_err "detect --at month 13" 2 "^driftmon detect: invalid --at '2025-13-01T00:00:00Z'"
run detect --model m --version v1 --format xml
expect_err "detect --format xml" 2 "^driftmon detect: invalid --format 'xml': expected text, json"
run compare --reference "$T/train.csv" --current "$T/train.csv" --format xml
expect_err "compare --format xml" 2 "^driftmon compare: invalid --format 'xml': expected text(,| or) json"

# ---- model names cannot leave the store ---------------------------------------------
bad_names=("a/b" ".." "../x" "x/../../y" 'a\b')
for m in "${bad_names[@]}"; do
	# the name as shown (a backslash doubled), as a regex
	esc=$(printf '%s' "$m" | sed 's/\\/\\\\/g; s/[.\\/]/\\&/g')
	run baseline --model "$m" --version v1 --input "$T/train.csv"
	expect_err "baseline --model '$m'" 2 "^driftmon baseline: invalid model name '$esc': (contains a path separator|may not start with)"
	run detect --model "$m" --version v1
	expect_err "detect --model '$m'" 2 "^driftmon detect: invalid model name '$esc': "
	run list baselines --model "$m"
	expect_err "list baselines --model '$m'" 2 "^driftmon list: invalid model name '$esc': "
	run list reports --model "$m"
	expect_err "list reports --model '$m'" 2 "^driftmon list: invalid model name '$esc': "
	run status --model "$m"
	expect_err "status --model '$m'" 2 "^driftmon status: invalid model name '$esc': "
done
run baseline --model m --version ../v1 --input "$T/train.csv"
expect_err "baseline --version '../v1'" 2 "^driftmon baseline: invalid model version '\.\./v1': "
run baseline --model "$(printf 'm\tx')" --version v1 --input "$T/train.csv"
expect_err "baseline: control character in the model name" 2 "^driftmon baseline: invalid model name 'm\\\\u0009x': contains U\\+0009 \\(a control character\\)$"
for v in latest.json BASELINE.JSON .hidden; do
	run baseline --model m --version "$v" --input "$T/train.csv"
	expect_err "baseline --version $v" 2 "^driftmon baseline: invalid model version '\\.?$(printf '%s' "${v#.}" | sed 's/\./\\./g')': "
done
run baseline --model "$(printf 'a\xe2\x80\xaeb')" --version v1 --input "$T/train.csv"
expect_err "baseline: bidi override in the model name" 2 "^driftmon baseline: invalid model name 'a\\\\u202eb': contains U\\+202E"
check "nothing written for bad model names" test ! -e "$T/store"

# ---- settings: environment and flags ------------------------------------------------
# Settings are checked before the store is read: no baseline exists here,
# so a setting that slipped through would give exit 1 ("no baseline").
env_bad() { # VAR VALUE EXPECTED_TEXT
	local esc
	esc=$(printf '%s' "$2" | sed 's/[.+]/\\&/g')
	export "$1=$2"
	run detect --model m --version v1
	unset "$1"
	expect_err "detect with $1='$2'" 2 "^driftmon: invalid $1='$esc': expected $3$"
}
env_bad DRIFT_PSI_THRESHOLD abc "a number >= 0"
env_bad DRIFT_PSI_THRESHOLD -0.1 "a number >= 0"
env_bad DRIFT_PSI_THRESHOLD nan "a number >= 0"
env_bad DRIFT_PSI_THRESHOLD inf "a number >= 0"
env_bad DRIFT_PSI_THRESHOLD "0.2x" "a number >= 0"
env_bad DRIFT_PSI_THRESHOLD "" "a number >= 0"
env_bad DRIFT_MIN_SAMPLES -1 "a whole number >= 1"
env_bad DRIFT_MIN_SAMPLES 0 "a whole number >= 1"
env_bad DRIFT_MIN_SAMPLES 1.5 "a whole number >= 1"
env_bad DRIFT_ANALYSIS_WINDOW_HOURS 0 "a whole number of hours from 1 to 8784"
env_bad DRIFT_ANALYSIS_WINDOW_HOURS 1e9 "a whole number of hours from 1 to 8784"
env_bad DRIFT_SCORE_CRITICAL_THRESHOLD 2 "a number from 0 to 1"
env_bad DRIFT_SCORE_CRITICAL_THRESHOLD -0.5 "a number from 0 to 1"

DRIFT_PSI_THRESHOLD=abc run compare --reference "$T/train.csv" --current "$T/train.csv"
expect_err "compare with DRIFT_PSI_THRESHOLD=abc" 2 "^driftmon: invalid DRIFT_PSI_THRESHOLD='abc'"

flag_bad() { # CMD FLAG VALUE EXPECTED_TEXT
	local esc
	esc=$(printf '%s' "$3" | sed 's/[.+]/\\&/g')
	if [ "$1" = detect ]; then
		run detect --model m --version v1 "--$2" "$3"
	else
		run compare --reference "$T/train.csv" --current "$T/train.csv" "--$2" "$3"
	fi
	expect_err "$1 --$2 '$3'" 2 "^driftmon $1: invalid --$2 '$esc': expected $4$"
}
flag_bad detect psi-threshold x "a number >= 0"
flag_bad detect psi-threshold -1 "a number >= 0"
flag_bad detect min-samples 0 "a whole number >= 1"
flag_bad detect window-hours 0 "a whole number of hours from 1 to 8784"
flag_bad detect window-hours 1.5 "a whole number of hours from 1 to 8784"
flag_bad detect critical-threshold 2 "a number from 0 to 1"
flag_bad detect alpha 0 "a significance level in \(0, 0\.5\]"
flag_bad detect min-ks-d 1.5 "a number from 0 to 1"
flag_bad compare psi-threshold x "a number >= 0"
flag_bad compare min-samples -1 "a whole number >= 1"
flag_bad compare critical-threshold 1.01 "a number from 0 to 1"
run detect --model m --version v1 -w 0
expect_err "detect -w 0" 2 "^driftmon detect: invalid --window-hours '0'"

# ---- model quality: synth --labels, simulate --performance ---------------------
run synth --labels --training "$T/x.csv"
expect_err "synth --labels without --logs" 2 "^driftmon synth: --labels needs --logs"
run synth --scenario concept-drifts --logs
expect_err "synth: unknown scenario" 2 "^driftmon synth: unknown --scenario 'concept-drifts'"
run simulate --performance --window-rows 50
expect_err "simulate --window-rows below 100" 2 "^driftmon simulate: invalid --window-rows '50' \(at least 100\)"
run simulate --performance --min-performance-drop 1.5
expect_err "simulate --min-performance-drop out of range" 2 "^driftmon simulate: invalid --min-performance-drop '1.5' \(0 to 1\)"
run simulate --help
expect "simulate --help: --performance" 0 "^  --performance +instead: the performance alerts"

# A valid setting gets through to the next step (the missing baseline).
DRIFT_PSI_THRESHOLD=0.3 DRIFT_MIN_SAMPLES=10 DRIFT_ANALYSIS_WINDOW_HOURS=6 \
	DRIFT_SCORE_CRITICAL_THRESHOLD=1 run detect --model m --version v1
expect_err "valid settings, no baseline" 1 "^driftmon: no baseline for model 'm' version 'v1' .*create it with 'driftmon baseline'$"
finish
