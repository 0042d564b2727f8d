#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Every parser under libFuzzer with AddressSanitizer + UBSan, briefly
# (FUZZ_SECONDS each, default 20): the CSV reader, the Parquet reader,
# the stored-report readers and profiling with the schema inference.
# Installs clang's runtime if missing.  Any crash, leak or timeout fails
# the suite.  Long runs: tests/fuzz/README.
set -u
cd "$(dirname "$0")/../.."
secs=${FUZZ_SECONDS:-20}
out=build/fuzz
pass=0 fail=0

need=""
command -v clang >/dev/null || need="$need clang"
dpkg-query -W -f='${db:Status-Status}' libclang-rt-14-dev 2>/dev/null | grep -q '^installed$' || need="$need libclang-rt-14-dev"
if [ -n "$need" ]; then
	if [ "$(id -u)" = 0 ]; then
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $need >/dev/null 2>&1 ||
			{ apt-get update -qq >/dev/null 2>&1; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $need >/dev/null; }
	else
		echo "fuzz: needs:$need (sudo apt-get install$need)"; echo "fuzz: 0 passed, 1 failed"; exit 1
	fi
fi
mkdir -p "$out"
CF="-g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -D_GNU_SOURCE -DDM_VERSION=\"fuzz\" -Iinclude -Isrc"
LIBS="-ljansson -lcurl -lsnappy -lzstd -lz -llz4 -lbrotlidec -lbrotlienc -lcrypto -lexpat -lmicrohttpd -lm -pthread"

run() { # name corpus-dir extra-args... ; binary in $out/$name
	local name=$1 seeds=$2
	shift 2
	local dir="$out/$name-run"
	rm -rf "$dir"
	mkdir -p "$dir/corpus"
	(cd "$dir" && "../$name" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
		-max_len=65536 "$@" corpus "../../../$seeds" >log 2>&1)
	if ls "$dir"/crash-* "$dir"/leak-* "$dir"/timeout-* "$dir"/oom-* >/dev/null 2>&1; then
		echo "  FAIL: $name: findings in $dir"; tail -20 "$dir/log"; fail=$((fail + 1))
	elif ! grep -q "Done [0-9]* runs" "$dir/log"; then
		echo "  FAIL: $name did not run"; tail -20 "$dir/log"; fail=$((fail + 1))
	else
		echo "  ok: $name $(grep -o 'Done [0-9]* runs in [0-9]* second(s)' "$dir/log")"; pass=$((pass + 1))
	fi
}

# shellcheck disable=SC2086
if clang $CF tests/fuzz/fuzz_csv.c src/io/csv.c src/io/csv_write.c src/io/numfmt.c \
	src/io/parse_double.c src/io/pow10.c src/io/source.c src/core/error.c -lm -o "$out/fuzz_csv" 2>"$out/build-csv.log"; then
	run fuzz_csv tests/fuzz/corpus_csv -dict=../../../tests/fuzz/csv.dict
else
	echo "  FAIL: fuzz_csv does not build"; cat "$out/build-csv.log"; fail=$((fail + 1))
fi
# shellcheck disable=SC2086
if clang $CF tests/fuzz/fuzz_parquet.c src/io/parquet/*.c src/io/source.c src/core/error.c \
	-lsnappy -lzstd -lz -llz4 -lbrotlidec -lm -o "$out/fuzz_parquet" 2>"$out/build-pq.log"; then
	run fuzz_parquet tests/fuzz/corpus_parquet
else
	echo "  FAIL: fuzz_parquet does not build"; cat "$out/build-pq.log"; fail=$((fail + 1))
fi
# The report readers link the whole library (built with the fuzzer's flags).
objs=$(find src -name '*.c' -not -path 'src/cli/*' | sort)
# shellcheck disable=SC2086
if clang $CF -fsanitize=fuzzer-no-link tests/fuzz/fuzz_report.c $objs $LIBS -o "$out/fuzz_report" 2>"$out/build-report.log"; then
	run fuzz_report tests/fuzz/corpus_report
else
	echo "  FAIL: fuzz_report does not build"; tail -20 "$out/build-report.log"; fail=$((fail + 1))
fi
# Profiling and the monitoring schema (inference, dates, markers, the
# baseline JSON written and read back, the schema checks): the library too.
# shellcheck disable=SC2086
if clang $CF -fsanitize=fuzzer-no-link tests/fuzz/fuzz_profile.c $objs $LIBS -lyaml -o "$out/fuzz_profile" 2>"$out/build-profile.log"; then
	run fuzz_profile tests/fuzz/corpus_profile
else
	echo "  FAIL: fuzz_profile does not build"; tail -20 "$out/build-profile.log"; fail=$((fail + 1))
fi
echo "fuzz: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
