# SPDX-License-Identifier: Apache-2.0
# Helpers for the end-to-end CLI tests.  Each t_*.sh file sources this,
# runs driftmon ($DM) in a scratch folder ($T) and calls the checks; the
# runner counts the results.
set -u
: "${DM:?DM must point at the driftmon binary}"
T=$(mktemp -d "${TMPDIR:-/tmp}/dm-e2e.XXXXXX")
trap 'rm -rf "$T"' EXIT
export DRIFTMON_STORE="$T/store"
unset DRIFT_PSI_THRESHOLD DRIFT_ANALYSIS_WINDOW_HOURS DRIFT_MIN_SAMPLES DRIFT_SCORE_CRITICAL_THRESHOLD
_pass=0
_fail=0

ok() { _pass=$((_pass + 1)); }
not_ok() { _fail=$((_fail + 1)); echo "  FAIL: $*" >&2; }

# run: runs driftmon with the arguments; sets $rc, $out (stdout), $err
# (stderr).  stdin is /dev/null, and a run that takes longer than
# $DM_TIMEOUT seconds (default 120) is killed: a hang is a failure (exit
# 124), never a stuck suite.
run() {
	timeout -k 5 "${DM_TIMEOUT:-120}" "$DM" "$@" </dev/null \
		>"$T/.out" 2>"$T/.err"
	rc=$?
	out=$(cat "$T/.out")
	err=$(cat "$T/.err")
}

# san_clean NAME: fails NAME if the last run printed a sanitizer report
# (ASan/UBSan/LSan exit with 1 by default, which an expected runtime
# error would hide).
san_clean() {
	if printf '%s\n' "$err" | grep -qE 'ERROR: (Address|Leak)Sanitizer|runtime error:|SUMMARY: [A-Za-z]+Sanitizer'; then
		not_ok "$1: sanitizer report: $err"
		return 1
	fi
	if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
		not_ok "$1: timed out (hang?)"
		return 1
	fi
	return 0
}

# expect NAME RC [PATTERN_IN_STDERR_OR_STDOUT] -- after run
expect() {
	local name=$1 want=$2 pat=${3:-}
	san_clean "$name" || return
	if [ "$rc" -ne "$want" ]; then
		not_ok "$name: exit $rc, expected $want; stderr: $err"
		return
	fi
	if [ "$rc" -ge 128 ]; then
		not_ok "$name: crashed (exit $rc)"
		return
	fi
	if [ -n "$pat" ] && ! printf '%s\n%s\n' "$out" "$err" | grep -qE -- "$pat"; then
		not_ok "$name: output does not match /$pat/; stdout: $out; stderr: $err"
		return
	fi
	ok
}

# one_line NAME: stderr is exactly one line starting with "driftmon"
one_line() {
	local n
	san_clean "$1" || return
	n=$(printf '%s' "$err" | grep -c '')
	if [ "$n" -ne 1 ] || ! printf '%s' "$err" | grep -q '^driftmon'; then
		not_ok "$1: expected one 'driftmon...' error line, got: $err"
	else
		ok
	fi
}

# expect_err NAME RC PATTERN -- after run: exit code RC, nothing on
# stdout, and stderr is one error line starting with "driftmon" that
# matches the extended regex PATTERN, optionally followed by the usage
# hint "Try 'driftmon CMD --help'." (usage errors).
expect_err() {
	local name=$1 want=$2 pat=$3 first rest
	san_clean "$name" || return
	if [ "$rc" -ne "$want" ]; then
		not_ok "$name: exit $rc, expected $want; stderr: $err"
		return
	fi
	first=$(printf '%s\n' "$err" | head -n 1)
	rest=$(printf '%s\n' "$err" | tail -n +2)
	if [ -n "$rest" ] &&
		! [[ $rest =~ ^"Try 'driftmon "[a-z]+" --help'."$ ]]; then
		not_ok "$name: expected one error line, got: $err"
		return
	fi
	case $first in
	driftmon*) ;;
	*) not_ok "$name: error line does not start with 'driftmon': $err"
	   return ;;
	esac
	if ! printf '%s\n' "$first" | grep -qE -- "$pat"; then
		not_ok "$name: error line does not match /$pat/: $first"
		return
	fi
	if [ -n "$out" ]; then
		not_ok "$name: printed on stdout despite the error: $out"
		return
	fi
	ok
}

# json_check NAME PYTHON_EXPR -- after run: stdout is a JSON document d
# for which the Python expression is true (Debian's /usr/bin/python3).
json_check() {
	local name=$1 expr=$2 res
	res=$(printf '%s' "$out" | /usr/bin/python3 -c '
import json, math, sys
try:
    d = json.load(sys.stdin)
except ValueError as e:
    print("not JSON: %s" % e); sys.exit(0)
print("ok" if eval("(" + sys.argv[1] + ")") else "false")' "$expr" 2>&1)
	if [ "$res" = ok ]; then ok; else not_ok "$name: $expr: $res"; fi
}

check() { # NAME COMMAND...: passes if the command succeeds
	local name=$1
	shift
	if "$@"; then ok; else not_ok "$name"; fi
}

# hourly_store ROWS_PER_HOUR SEED: 170 hours of spam-detector v1 logs
# ending at $AT (ROWS_PER_HOUR rows each) and its baseline, in $T/store
hourly_store() {
	run synth --rows 3000 --hours 170 --rows-per-hour "$1" --end "$AT" \
		--seed "$2"
	expect "synth" 0
	run baseline --model spam-detector --version v1 \
		--input "$T/store/training-data/spam-detector/train.parquet"
	expect "baseline" 0
}


# baseline_st FILE NAME ENV...: a dry-run baseline of FILE with the
# environment given; leaves "$rc\n$stderr" in $T/NAME.st and the JSON,
# without its created_at line, in $T/NAME.json.  For comparing runs.
baseline_st() {
	local f=$1 name=$2
	shift 2
	rm -f "$T/$name.json"
	env "$@" timeout -k 5 120 "$DM" baseline --model m --version v \
		--dry-run --output "$T/$name.json" --input "$f" \
		</dev/null >/dev/null 2>"$T/$name.err"
	echo "$?" >"$T/$name.st"
	cat "$T/$name.err" >>"$T/$name.st"
	[ -f "$T/$name.json" ] &&
		sed -i '/"created_at"/d' "$T/$name.json"
	return 0
}
finish() {
	echo "$(basename "$0"): $_pass passed, $_fail failed"
	[ "$_fail" -eq 0 ]
}
