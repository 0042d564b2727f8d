#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Every fuzz target under libFuzzer with AddressSanitizer + UBSan, briefly
# (FUZZ_SECONDS each, default 20).  The targets are every
# tests/fuzz/fuzz_<name>.c, built by `make fuzz` (clang) into build-fuzz/;
# each runs on a scratch corpus seeded from tests/fuzz/corpus_<name>/,
# with tests/fuzz/<name>.dict as its dictionary and the libFuzzer flags
# of tests/fuzz/fuzz_<name>.options (one a line) when they exist.
# Installs clang and its runtime if missing (and fails if it cannot).
# Any crash, leak or timeout, a target that does not build or does not
# run, fails the suite.  Long runs: tests/fuzz/README.
set -u
cd "$(dirname "$0")/../.."
. tests/suites/lib/need.sh
root=$PWD
secs=${FUZZ_SECONDS:-20}
out=build-fuzz/run
pass=0 fail=0

need_apt clang libclang-rt-14-dev || { echo "fuzz: $NEED_WHY"; echo "fuzz: 0 passed, 1 failed"; exit 1; }
if ! make --no-print-directory -j"$(nproc 2>/dev/null || echo 2)" fuzz >build-fuzz.log 2>&1; then
	grep -E 'error|Error' build-fuzz.log | head -20
	echo "fuzz: the fuzz targets do not build (make fuzz; log in build-fuzz.log)"
	echo "fuzz: 0 passed, 1 failed"
	exit 1
fi
rm -f build-fuzz.log
mkdir -p "$out"
ntargets=0
for src in tests/fuzz/fuzz_*.c; do
	[ -e "$src" ] || continue
	name=$(basename "$src" .c)
	short=${name#fuzz_}
	bin=build-fuzz/$name
	ntargets=$((ntargets + 1))
	if [ ! -x "$bin" ]; then
		echo "  FAIL: $name was not built"; fail=$((fail + 1)); continue
	fi
	dir=$out/$name
	rm -rf "$dir"
	mkdir -p "$dir/corpus"
	args=(-max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=65536)
	[ -f "tests/fuzz/$short.dict" ] && args+=(-dict="$root/tests/fuzz/$short.dict")
	if [ -f "tests/fuzz/$name.options" ]; then
		mapfile -t extra < <(grep -v '^#' "tests/fuzz/$name.options" | grep .)
		args+=("${extra[@]}")
	fi
	seeds=()
	[ -d "tests/fuzz/corpus_$short" ] && seeds+=("$root/tests/fuzz/corpus_$short")
	(cd "$dir" && "$root/$bin" "${args[@]}" corpus "${seeds[@]}" >log 2>&1)
	if ls "$dir"/crash-* "$dir"/leak-* "$dir"/timeout-* "$dir"/oom-* >/dev/null 2>&1; then
		echo "  FAIL: $name: findings in $dir"; tail -20 "$dir/log"; fail=$((fail + 1))
	elif ! grep -q "Done [0-9]* runs" "$dir/log"; then
		echo "  FAIL: $name did not run"; tail -20 "$dir/log"; fail=$((fail + 1))
	else
		echo "  ok: $name $(grep -o 'Done [0-9]* runs in [0-9]* second(s)' "$dir/log")"; pass=$((pass + 1))
	fi
done
[ $ntargets -gt 0 ] || { echo "  FAIL: no fuzz target"; fail=$((fail + 1)); }
echo "fuzz: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
