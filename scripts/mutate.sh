#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Mutation testing (`make mutate`): every tests/mutants/*.patch is a small
# deliberate bug.  Each is applied to a scratch copy of the tree (never to
# this checkout), built and tested; the tests must fail ("caught").  A
# mutant that survives, does not apply, or does not build fails the run.
#
#   scripts/mutate.sh [NAME-GLOB...]      e.g. scripts/mutate.sh 'pq-*'
#
# A mutant file starts with comment lines, then a unified diff (paths
# a/... b/..., as `git diff` writes them):
#   # catches: <the test that kills it: test binary + case, e2e file, suite>
#   # run: <command, from the tree's root>   (optional; default: the unit
#   #       tests and the e2e tests of the build)
#   # build: <command>  (optional; default `make -j1 all lib
#   #       test-unit-bins`): what to rebuild before the run, e.g. just
#   #       `make -j1 build/tests/test_parquet` for a run of that binary
# The mutated tree is always built first; a build that fails makes the
# mutant invalid.  A `# run:` command that needs the sanitizer build says
# `make SAN=1 ...` itself (the scratch base is then built with SAN=1 too,
# once).
#
# Every distinct run command is first run on the unmutated copy: a
# command that fails there would make every mutant look caught, so the
# run stops.  Environment:
#   MUTATE_JOBS     mutants tested at once (default: the number of cores,
#                   at most 2; each builds with make -j1)
#   MUTATE_TIMEOUT  seconds per mutant test run (default 600; a timeout
#                   counts as caught, e.g. an endless loop)
#   MUTATE_KEEP=1   keep the scratch directory (logs of every mutant)
# Prints the table "mutant | file:line | result | by" and
# "mutate: N caught, N survived, N invalid".
set -u
cd "$(dirname "$0")/.."
root=$PWD
jobs=${MUTATE_JOBS:-$(nproc 2>/dev/null || echo 2)}
[ "$jobs" -gt 2 ] && [ -z "${MUTATE_JOBS:-}" ] && jobs=2
[ "$jobs" -ge 1 ] 2>/dev/null || jobs=1
tmo=${MUTATE_TIMEOUT:-600}
default_run='scripts/run-unit.sh build >unit.log 2>&1 || { grep -E "FAILED|FAIL:|runtime error|Sanitizer" unit.log | head -20; exit 1; }; tests/e2e/run.sh build/driftmon'

# ---- which mutants ---------------------------------------------------------
mutants=()
if [ $# -eq 0 ]; then
	set -- '*'
fi
for g in "$@"; do
	for p in tests/mutants/$g.patch; do
		[ -f "$p" ] && mutants+=("$p")
	done
done
if [ ${#mutants[@]} -eq 0 ]; then
	echo "mutate: no mutant matches $* (tests/mutants/*.patch)" >&2
	exit 2
fi
mapfile -t mutants < <(printf '%s\n' "${mutants[@]}" | sort -u)

header() { # FILE KEY: the value of "# KEY:" (first one)
	sed -n "s/^# $2: *//p" "$1" | head -n 1
}
build_of() {
	local b
	b=$(header "$1" build)
	printf '%s' "${b:-make --no-print-directory -j1 all lib test-unit-bins}"
}
run_of() {
	local r
	r=$(header "$1" run)
	printf '%s' "${r:-$default_run}"
}
# file:line of the first changed line of the patch (in the patched file)
where() {
	awk '
	/^\+\+\+ / { f = $2; sub(/^b\//, "", f); next }
	/^@@ / && !done {
		split($3, a, ","); line = substr(a[1], 2) + 0; inhunk = 1; next
	}
	inhunk && !done {
		if ($0 ~ /^[-+]/) { print f ":" line; done = 1; exit }
		line++
	}' "$1"
}

# ---- the scratch base ------------------------------------------------------
scratch=$(mktemp -d "${TMPDIR:-/tmp}/dm-mutate.XXXXXX")
cleanup() {
	if [ "${MUTATE_KEEP:-0}" = 1 ]; then
		echo "mutate: scratch kept in $scratch"
	else
		rm -rf "$scratch"
	fi
}
trap cleanup EXIT
base=$scratch/base
mkdir -p "$base"
# the working tree as it is (committed or not), without build outputs
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	git ls-files -z --cached --others --exclude-standard |
		while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done |
		tar -cf - --null -T - | tar -xf - -C "$base"
else
	tar -cf - --exclude=./build --exclude=./build-san --exclude=./build-cov \
		--exclude=node_modules . | tar -xf - -C "$base"
fi
need_san=0
for m in "${mutants[@]}"; do
	case "$(run_of "$m")" in *SAN=1*) need_san=1 ;; esac
done
echo "mutate: ${#mutants[@]} mutants, $jobs at a time; building the unmutated copy in $base"
if ! (cd "$base" && make --no-print-directory -j"$jobs" all lib test-unit-bins >"$scratch/base-build.log" 2>&1); then
	tail -20 "$scratch/base-build.log"
	echo "mutate: the unmutated tree does not build"
	exit 1
fi
if [ $need_san = 1 ] &&
	! (cd "$base" && make --no-print-directory -j"$jobs" SAN=1 all lib test-unit-bins >>"$scratch/base-build.log" 2>&1); then
	tail -20 "$scratch/base-build.log"
	echo "mutate: the unmutated tree does not build with SAN=1"
	exit 1
fi

# every distinct run command must pass on the unmutated tree
mapfile -t cmds < <(for m in "${mutants[@]}"; do run_of "$m"; echo; done | sort -u)
i=0
for c in "${cmds[@]}"; do
	[ -n "$c" ] || continue
	i=$((i + 1))
	if ! (cd "$base" && timeout "$tmo" bash -c "$c") >"$scratch/base-run-$i.log" 2>&1; then
		tail -20 "$scratch/base-run-$i.log"
		echo "mutate: this test command fails on the unmutated tree: $c"
		exit 1
	fi
done

# ---- one mutant ---------------------------------------------------------------
# Writes "<name>\t<file:line>\t<result>\t<by>" to $scratch/res/<name>.
one() {
	local m=$1 name dir by loc res log rc failed
	name=$(basename "$m" .patch)
	dir=$scratch/m-$name
	log=$scratch/log/$name.log
	by=$(header "$m" catches)
	loc=$(where "$m")
	res=survived
	# cp -a keeps the build's timestamps: only what the patch touches
	# is rebuilt
	cp -a "$base" "$dir"
	if ! patch -p1 -s --no-backup-if-mismatch -d "$dir" <"$m" >"$log" 2>&1; then
		res="invalid (does not apply)"
	elif ! (cd "$dir" && bash -c "$(build_of "$m")") >>"$log" 2>&1; then
		res="invalid (does not build)"
	else
		(cd "$dir" && timeout "$tmo" bash -c "$(run_of "$m")") >>"$log" 2>&1
		rc=$?
		if [ $rc -eq 124 ]; then
			res="caught (timeout)"
		elif [ $rc -ne 0 ]; then
			res=caught
		fi
	fi
	# what failed, as the log tells it (cmocka cases, e2e checks,
	# sanitizer reports)
	failed=$(grep -hoE '^\[  FAILED  \] [A-Za-z_0-9]+$|FAIL: .{0,40}|ERROR: [A-Za-z]+Sanitizer: [a-z-]+|runtime error' "$log" 2>/dev/null |
		sed 's/^\[  FAILED  \] //' | awk '!seen[$0]++' | head -n 3 | paste -sd ';' -)
	[ "$res" = caught ] || [ "$res" = "caught (timeout)" ] || failed=""
	printf '%s\t%s\t%s\t%s\t%s\n' "$name" "${loc:-?}" "$res" "${by:-?}" "$failed" >"$scratch/res/$name"
	printf '  %-34s %s\n' "$name" "$res"
	rm -rf "$dir"
}
export -f one header run_of build_of where
export scratch base tmo default_run
mkdir -p "$scratch/res" "$scratch/log"
printf '%s\n' "${mutants[@]}" | xargs -d '\n' -P "$jobs" -I{} bash -c 'one "$1"' _ {}

# ---- the table -------------------------------------------------------------------
caught=0 survived=0 invalid=0
echo
printf '%-34s | %-42s | %-24s | %s\n' mutant file:line result by
printf '%s\n' "$(printf '%.0s-' {1..130})"
for m in "${mutants[@]}"; do
	name=$(basename "$m" .patch)
	f=$scratch/res/$name
	if [ ! -s "$f" ]; then
		printf '%-34s | %-42s | %-24s | %s\n' "$name" "?" "invalid (not run)" "?"
		invalid=$((invalid + 1))
		continue
	fi
	IFS=$'\t' read -r n loc res by failed <"$f"
	printf '%-34s | %-42s | %-24s | %s\n' "$n" "$loc" "$res" "$by"
	[ -n "$failed" ] && printf '    (failed: %s)\n' "$failed"
	case "$res" in
	caught*) caught=$((caught + 1)) ;;
	survived) survived=$((survived + 1)); echo "    log: $scratch/log/$n.log (MUTATE_KEEP=1 keeps it)" ;;
	*) invalid=$((invalid + 1)); tail -5 "$scratch/log/$n.log" | sed 's/^/    /' ;;
	esac
done
echo
echo "mutate: $caught caught, $survived survived, $invalid invalid"
[ $survived -eq 0 ] && [ $invalid -eq 0 ]
