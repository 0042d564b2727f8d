#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The Python package (python/, docs/python.md): builds the extension
# against the in-tree library into build/python and runs its pytest suite
# (python/tests) with Debian's python3, pandas, NumPy and pytest:
#   - compare/baseline equal the CLI's JSON on the same data;
#   - float64 columns are read in place (no allocation proportional to
#     rows), reference counts are stable, repeated calls do not grow;
#   - errors are DriftmonError subclasses with the library's message;
#   - the Logger's records read back from Parquet; the collector client.
# Then the same tests against the sanitizer build (build-san, ASan +
# UBSan, runtime preloaded into python3; `make SAN=1 lib` first), unless
# DM_SKIP_SAN=1 (as scripts/run-tests.sh); see tests/README.md.
# A failed build is a failure, never a skip.
# usage: tests/suites/python.sh build/driftmon
set -u
DM=$(realpath "${1:?usage: python.sh DRIFTMON}")
cd "$(dirname "$0")/../.." || exit 1
ROOT=$PWD
PY=/usr/bin/python3
# shellcheck source=tests/suites/lib/need.sh
. tests/suites/lib/need.sh

if ! need_apt python3-dev python3-numpy python3-pandas python3-pytest \
	python3-setuptools; then
	echo "python: $NEED_WHY"
	echo "python.sh: 0 passed, 1 failed"
	exit 1
fi

# build_ext BUILD_DIR OUT: the extension against BUILD_DIR/libdriftmon.a
build_ext() {
	local lib=$1 out=$2
	rm -rf "$out"
	mkdir -p "$out/driftmon"
	(cd python && DRIFTMON_LIB=intree DRIFTMON_BUILD_DIR="$ROOT/$lib" \
		"$PY" setup.py -q build_ext --build-lib "$ROOT/$out" \
		--build-temp "$ROOT/$out-tmp" --force) >"$out.log" 2>&1 || {
		cat "$out.log"
		return 1
	}
	cp python/driftmon/*.py python/driftmon/*.pyi python/driftmon/py.typed \
		"$out/driftmon/"
}

pass=0
fail=0
run_pytest() { # name out [env...]
	local name=$1 out=$2
	shift 2
	if env "$@" PYTHONPATH="$ROOT/$out:$ROOT/python/tests" \
		DRIFTMON_CLI="$DM" PYTHONDONTWRITEBYTECODE=1 \
		"$PY" -m pytest -q -p no:cacheprovider python/tests; then
		echo "ok: $name"
		pass=$((pass + 1))
	else
		echo "FAILED: $name"
		fail=$((fail + 1))
	fi
}

make -s -j2 lib >/dev/null || { echo "python: make lib failed"; exit 1; }
if build_ext build build/python; then
	run_pytest "pytest (build)" build/python
else
	echo "FAILED: the extension does not build against build/"
	fail=$((fail + 1))
fi

if [ "${DM_SKIP_SAN:-}" != 1 ]; then
	make -s -j2 SAN=1 lib >/dev/null ||
		{ echo "python: make SAN=1 lib failed"; exit 1; }
	ASAN=$(gcc -print-file-name=libasan.so)
	UBSAN=$(gcc -print-file-name=libubsan.so)
	if build_ext build-san build/python-san; then
		# detect_leaks=0: CPython keeps its own memory until exit;
		# the tests check growth themselves.  The zero-copy RSS bounds
		# do not hold under ASan's shadow memory (DM_PY_SAN tells).
		run_pytest "pytest (build-san, ASan + UBSan)" build/python-san \
			LD_PRELOAD="$(realpath "$ASAN"):$(realpath "$UBSAN")" \
			ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 \
			UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
			DM_PY_SAN=1
	else
		echo "FAILED: the extension does not build against build-san/"
		fail=$((fail + 1))
	fi
fi
echo "python.sh: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
