#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Checks scripts/lint.sh itself: each banned call is found, also on a
# line that holds an allowed one (snprintf beside sprintf), and allowed
# look-alikes pass; scripts/call-cycles.sh finds a cycle of three files
# and passes a graph without one.  Prints "lint-selftest: N passed, N failed".
set -u
cd "$(dirname "$0")/.."
T=$(mktemp -d "${TMPDIR:-/tmp}/dm-lint.XXXXXX")
trap 'rm -rf "$T"' EXIT
pass=0 fail=0
expect() { # want(0 clean|1 flagged) name line
	local want=$1 name=$2 got
	printf '/* SPDX-License-Identifier: Apache-2.0 */\nvoid f(void)\n{\n\t%s\n}\n' "$3" >"$T/t.c"
	scripts/lint.sh "$T/t.c" >"$T/out" 2>&1
	got=$?
	if [ "$got" = "$want" ]; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "  FAIL: $name: lint exit $got, want $want: $3"
		sed 's/^/    /' "$T/out"
	fi
}
for call in atoi atol sprintf vsprintf strcpy strcat gets strtok; do
	expect 1 "$call" "x = $call(a, b);"
	expect 1 "$call with a space" "x = $call (a, b);"
done
expect 1 "sprintf beside snprintf" 'snprintf(a, 4, "x"); sprintf(b, "y");'
expect 1 "sprintf beside vsnprintf" 'vsnprintf(a, 4, f, ap); n = sprintf(b, "y");'
expect 1 "strcpy after a cast" '(void)strcpy(a, b);'
expect 1 "at the start of a line" 'strcat(a, b);'
expect 0 "snprintf" 'snprintf(a, sizeof(a), "%d", 1);'
expect 0 "vsnprintf" 'vsnprintf(a, sizeof(a), f, ap);'
expect 0 "fgets" 'fgets(a, sizeof(a), fp);'
expect 0 "strtok_r" 'p = strtok_r(s, ",", &save);'
expect 0 "strtol" 'v = strtol(s, NULL, 10);'
expect 0 "my_sprintf" 'my_sprintf(a, b);'
expect 0 "the word, no call" 'x = 1; /* unlike sprintf, this is bounded */'
# a file without its SPDX line
printf 'int x;\n' >"$T/nospdx.c"
if scripts/lint.sh "$T/nospdx.c" >/dev/null 2>&1; then
	fail=$((fail + 1)); echo "  FAIL: a file without SPDX passes"
else
	pass=$((pass + 1))
fi
# call cycles (scripts/call-cycles.sh): a -> b -> c -> a is one, found
# with its path; a -> b <- c is none
cycle_case() { # want name, then one "file:calls..." per file
	local want=$1 name=$2 f c me calls body got
	shift 2
	rm -rf "$T/b" && mkdir -p "$T/b/obj/src/x"
	for f in "$@"; do
		me=${f%%:*} calls=${f#*:} body=""
		for c in $calls; do body="$body void $c(void); $c();"; done
		printf 'void %s(void);\nvoid %s(void) {%s }\n' "$me" "$me" "$body" \
			>"$T/b/$me.c"
		cc -c -w -o "$T/b/obj/src/x/$me.o" "$T/b/$me.c" || return 1
	done
	scripts/call-cycles.sh "$T/b" >"$T/out" 2>&1
	got=$?
	if [ "$got" = "$want" ] && { [ "$want" = 0 ] || grep -q "^cycle: " "$T/out"; }; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "  FAIL: call cycles, $name: exit $got, want $want"
		sed 's/^/    /' "$T/out"
	fi
}
cycle_case 1 "a -> b -> c -> a" "a:b" "b:c" "c:a"
cycle_case 0 "a -> b <- c" "a:b" "b:" "c:b"
echo "lint-selftest: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
