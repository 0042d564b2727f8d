#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Static checks, run by `make lint` and first by the test suite:
#   banned calls   atoi, atol, sprintf, vsprintf, strcpy, strcat, gets,
#                  strtok: the name as a whole token followed by "(", so
#                  snprintf, vsnprintf, fgets or strtok_r pass whatever
#                  else is on the line
#   spdx           every C file opens with an SPDX line
#   format         clang-format --dry-run -Werror on every C source and
#                  header (scripts/c-sources.sh); `make format` formats
#                  them
#   exports        when BUILD/libdriftmon.so exists: the exported symbols
#                  are exactly the functions declared in include/driftmon/
#                  (each marked DM_API) and all start with dm_
#
#   scripts/lint.sh                 all checks (exports only if built)
#   scripts/lint.sh FILE...         banned calls and SPDX of these files
#                                   only (scripts/lint-selftest.sh)
#   scripts/lint.sh --exports [BUILD]
#                                   only the export check; fails when
#                                   BUILD/libdriftmon.so (default build)
#                                   is missing (run after the build)
#   cycles         when BUILD has objects: no call cycles between source
#                  files (scripts/call-cycles.sh: a file calls another's
#                  functions, never the other way round as well)
# Builds nothing.  Prints "lint: N passed, N failed".
set -u
cd "$(dirname "$0")/.."
passed=0
failed=0

result() { # name status
	if [ "$2" -eq 0 ]; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		echo "lint: $1 failed"
	fi
}

c_files() {
	if [ ${#only[@]} -gt 0 ]; then
		printf '%s\n' "${only[@]}"
		return
	fi
	git ls-files 'src/*.[ch]' 'include/*.h' 'tests/unit/*.[ch]' 2>/dev/null ||
		find src include tests/unit -name '*.[ch]'
}

check_banned() {
	local banned='(^|[^A-Za-z0-9_])(atoi|atol|sprintf|vsprintf|strcpy|strcat|gets|strtok)[[:space:]]*\('
	local files
	if [ ${#only[@]} -gt 0 ]; then
		files=("${only[@]}")
	else
		mapfile -t files < <(git ls-files 'src/*.c' 'src/*.h' 'include/*.h' 2>/dev/null ||
			find src include -name '*.[ch]')
	fi
	if [ ${#files[@]} -gt 0 ] && grep -nE "$banned" "${files[@]}" /dev/null; then
		echo "lint: banned calls above (use snprintf, strtod/strtoull, memcpy with lengths)"
		return 1
	fi
}

check_spdx() {
	local f bad=0
	for f in $(c_files); do
		head -n 1 "$f" | grep -q 'SPDX-License-Identifier' ||
			{ echo "lint: $f lacks an SPDX line"; bad=1; }
	done
	return $bad
}

check_format() {
	local f bad=0 n=0
	if ! command -v clang-format >/dev/null; then
		echo "lint: clang-format missing (scripts/deps.sh lint installs it)"
		return 1
	fi
	for f in $(scripts/c-sources.sh); do
		n=$((n + 1))
		if ! out=$(clang-format --dry-run -Werror "$f" 2>&1); then
			printf '%s\n' "$out" | head -n 6
			echo "lint: $f is not clang-format clean (make format)"
			bad=1
		fi
	done
	[ $bad -eq 0 ] && echo "lint: format: $n files clean"
	return $bad
}

# The function names declared (not static inline) in include/driftmon/,
# from the compiler itself (-aux-info), one per line.
declared_functions() {
	local tmp=$1
	(cd include/driftmon && printf '#include "driftmon/%s"\n' *.h) >"$tmp/all.c"
	"${CC:-cc}" -std=c11 -D_GNU_SOURCE -Iinclude -fsyntax-only \
		-aux-info "$tmp/aux" "$tmp/all.c" || return 1
	awk '/^\/\* include\/driftmon\// && / \*\/ extern / {
		s = $0; sub(/ \(.*/, "", s); n = split(s, w, " ");
		name = w[n]; sub(/^\**/, "", name); print name }' "$tmp/aux" | sort -u
}

check_exports() { # BUILD required(0|1)
	local so=$1/libdriftmon.so tmp bad=0 list
	if [ ! -e "$so" ]; then
		if [ "$2" = 1 ]; then
			echo "lint: exports: $so missing (build first: make lib)"
			return 1
		fi
		echo "lint: exports: $so not built yet, checked after the build"
		return 0
	fi
	tmp=$(mktemp -d)
	declared_functions "$tmp" >"$tmp/declared" ||
		{ echo "lint: exports: the public headers do not compile"; rm -rf "$tmp"; return 1; }
	nm -D --defined-only "$so" | awk '{ print $NF }' | sort -u >"$tmp/exported"
	list=$(grep -v '^dm_' "$tmp/exported")
	[ -n "$list" ] && { echo "lint: exported without the dm_ prefix:" $list; bad=1; }
	list=$(comm -23 "$tmp/exported" "$tmp/declared")
	[ -n "$list" ] && { echo "lint: exported but not declared in include/driftmon/:" $list; bad=1; }
	list=$(comm -13 "$tmp/exported" "$tmp/declared")
	[ -n "$list" ] &&
		{ echo "lint: declared in include/driftmon/ but not exported (DM_API missing, or not defined):" $list; bad=1; }
	[ $bad -eq 0 ] && echo "lint: exports: $(wc -l <"$tmp/exported") symbols, all declared, all dm_"
	rm -rf "$tmp"
	return $bad
}

check_cycles() { # BUILD
	local out rc
	out=$(scripts/call-cycles.sh "$1" 2>&1)
	rc=$?
	case $rc in
	0) echo "lint: cycles: none ($(printf '%s\n' "$out" | tail -n 1 | sed 's/.* among //'))" ;;
	2) echo "lint: cycles: $1 not built yet, checked after the build"; return 0 ;;
	*) printf '%s\n' "$out"; echo "lint: call cycles between source files (break them: scripts/call-cycles.sh --edges)" ;;
	esac
	return $rc
}

only=()
if [ "${1:-}" = --exports ]; then
	check_exports "${2:-build}" 1
	result exports $?
elif [ $# -gt 0 ]; then
	only=("$@")
	check_banned
	result "banned calls" $?
	check_spdx
	result spdx $?
else
	check_banned
	result "banned calls" $?
	check_spdx
	result spdx $?
	check_format
	result format $?
	check_exports build 0
	result exports $?
	check_cycles build
	result cycles $?
fi
echo "lint: $passed passed, $failed failed"
[ $failed -eq 0 ]
