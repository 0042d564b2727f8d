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

# run: runs driftmon with the arguments; sets $rc, $out (stdout), $err (stderr)
run() {
	"$DM" "$@" >"$T/.out" 2>"$T/.err"
	rc=$?
	out=$(cat "$T/.out")
	err=$(cat "$T/.err")
}

# expect NAME RC [PATTERN_IN_STDERR_OR_STDOUT] -- after run
expect() {
	local name=$1 want=$2 pat=${3:-}
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
	n=$(printf '%s' "$err" | grep -c '')
	if [ "$n" -ne 1 ] || ! printf '%s' "$err" | grep -q '^driftmon'; then
		not_ok "$1: expected one 'driftmon...' error line, got: $err"
	else
		ok
	fi
}

check() { # NAME COMMAND...: passes if the command succeeds
	local name=$1
	shift
	if "$@"; then ok; else not_ok "$name"; fi
}

finish() {
	echo "$(basename "$0"): $_pass passed, $_fail failed"
	[ "$_fail" -eq 0 ]
}
