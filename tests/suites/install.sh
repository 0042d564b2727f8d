#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# libdriftmon as an installed product:
#   - `make install DESTDIR=... PREFIX=/usr` puts the CLI, the headers,
#     libdriftmon.a, libdriftmon.so.VERSION with its links, driftmon.pc
#     and the man page where they belong; the installed CLI runs;
#   - the shared library's SONAME is libdriftmon.so.MAJOR and it exports
#     exactly the functions declared in the installed headers, all dm_;
#   - tests/install/embed.c, copied outside the tree, builds with
#     `pkg-config --cflags --libs driftmon` against the shared library
#     (run with LD_LIBRARY_PATH) and with `pkg-config --static` against
#     libdriftmon.a, and both give the expected verdicts, the same as the
#     installed CLI's on the same files;
#   - examples/embed_detect.c, built the same way, runs the hourly job
#     through the installed library (dm_job_detect, dm_job_write_report)
#     and gets the installed CLI's report (JSON equal but generated_at)
#     and warning on the same store, and writes what the CLI writes;
#   - the man page renders without warnings and names every command of
#     `driftmon --help`;
#   - `make uninstall` removes everything it installed.
# Installs pkg-config, man-db and binutils with apt-get when missing.
# usage: tests/suites/install.sh [build/driftmon]
set -u
cd "$(dirname "$0")/../.." || exit 1
root=$(pwd)
bin=${1:-build/driftmon}
build=$(dirname "$bin")
passed=0
failed=0

ok() { passed=$((passed + 1)); }
not_ok() { failed=$((failed + 1)); echo "  FAIL: $*" >&2; }
check() { # NAME COMMAND...: ok when COMMAND succeeds
	local name=$1
	shift
	if "$@"; then ok; else not_ok "$name"; fi
}
finish() {
	echo "install: $passed passed, $failed failed"
	[ "$failed" -eq 0 ]
	exit
}

need=
command -v pkg-config >/dev/null || need="$need pkg-config"
command -v man >/dev/null || need="$need man-db"
command -v readelf >/dev/null || need="$need binutils"
if [ -n "$need" ]; then
	if [ "$(id -u)" != 0 ]; then
		not_ok "missing:$need (sudo apt-get install$need)"
		finish
	fi
	echo "install: installing$need" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >/dev/null 2>&1 || true
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $need >/dev/null 2>&1 ||
		{ not_ok "apt-get install$need failed"; finish; }
fi

T=$(mktemp -d "${TMPDIR:-/tmp}/dm-install.XXXXXX")
trap 'rm -rf "$T"' EXIT
dest=$T/root
version=$(sed -n 's/^VERSION := //p' Makefile)
major=${version%%.*}
flavour=
case "$build" in *san*) flavour=SAN=1 ;; esac

echo "== make install DESTDIR=\$T/root PREFIX=/usr"
# shellcheck disable=SC2086
if ! make --no-print-directory $flavour BUILD="$build" install DESTDIR="$dest" PREFIX=/usr \
	>"$T/install.log" 2>&1; then
	not_ok "make install: $(tail -n 5 "$T/install.log")"
	finish
fi
ok
u=$dest/usr
for f in bin/driftmon lib/libdriftmon.a "lib/libdriftmon.so.$version" \
	lib/pkgconfig/driftmon.pc share/man/man1/driftmon.1; do
	check "installed: $f" test -f "$u/$f"
done
check "lib/libdriftmon.so.$major -> libdriftmon.so.$version" \
	test "$(readlink "$u/lib/libdriftmon.so.$major")" = "libdriftmon.so.$version"
check "lib/libdriftmon.so -> libdriftmon.so.$major" \
	test "$(readlink "$u/lib/libdriftmon.so")" = "libdriftmon.so.$major"
check "headers: include/driftmon/ as in the tree" diff -r include/driftmon "$u/include/driftmon"
check "the installed CLI runs" test "$("$u/bin/driftmon" --version 2>&1 | grep -c "$version")" -ge 1

echo "== the shared library"
check "SONAME libdriftmon.so.$major" \
	grep -q "Library soname: \[libdriftmon.so.$major\]" <(readelf -d "$u/lib/libdriftmon.so.$version")
if scripts/lint.sh --exports "$u/lib" >"$T/exports.log" 2>&1; then
	ok
else
	not_ok "exports of the installed library: $(cat "$T/exports.log")"
fi
n=$(nm -D --defined-only "$u/lib/libdriftmon.so" | wc -l)
check "exports: some symbols ($n)" test "$n" -gt 100

echo "== pkg-config"
export PKG_CONFIG_PATH=$u/lib/pkgconfig PKG_CONFIG_SYSROOT_DIR=$dest
export PKG_CONFIG_ALLOW_SYSTEM_CFLAGS=1 PKG_CONFIG_ALLOW_SYSTEM_LIBS=1
check "pkg-config --modversion driftmon = $version" \
	test "$(pkg-config --modversion driftmon 2>&1)" = "$version"
cflags=$(pkg-config --cflags driftmon)
cflags=${cflags% }
libs=$(pkg-config --libs driftmon)
slibs=$(pkg-config --static --libs driftmon)
check "cflags name the installed headers ($cflags)" test "$cflags" = "-I$u/include"
check "static libs list the Debian libraries" grep -q -- '-lcurl.*-lyaml.*-lm' <<<"$slibs"

echo "== a program outside the tree (tests/install/embed.c)"
mkdir -p "$T/app"
cp tests/install/embed.c "$T/app/"
cd "$T/app" || exit 1
# shellcheck disable=SC2086
if cc -std=c11 -Wall -Wextra -Werror -o embed-shared embed.c $cflags $libs 2>cc.log; then
	ok
else
	not_ok "build against the shared library: $(head -n 5 cc.log)"
fi
# static: the same flags, libdriftmon.a instead of the .so beside it
# shellcheck disable=SC2086
if cc -std=c11 -Wall -Wextra -Werror -o embed-static embed.c $cflags \
	${slibs/-ldriftmon/-l:libdriftmon.a} 2>cc.log; then
	ok
else
	not_ok "build against the static library: $(head -n 5 cc.log)"
fi
check "embed-shared needs libdriftmon.so.$major" \
	grep -q "Shared library: \[libdriftmon.so.$major\]" <(readelf -d embed-shared 2>&1)
check "embed-static needs no libdriftmon" \
	bash -c '! readelf -d embed-static | grep -q libdriftmon'
check "embed-shared loads the installed library" \
	grep -q "$u/lib/libdriftmon.so.$major" <(LD_LIBRARY_PATH=$u/lib ldd embed-shared)

expect_verdicts() { # NAME OUTPUT
	if grep -qx 'same: rows=4000 drift=no x=[a-z]* colour=[a-z]*' <<<"$2" &&
		! grep -q 'same:.*=drift' <<<"$2" &&
		grep -qx 'shift: rows=4000 drift=yes x=drift colour=[a-z]*' <<<"$2"; then
		ok
	else
		not_ok "$1: unexpected output: $2"
	fi
}
out=$(LD_LIBRARY_PATH=$u/lib ./embed-shared 2>&1)
expect_verdicts "embed-shared" "$out"
out=$(./embed-static 2>&1)
expect_verdicts "embed-static" "$out"

# CSV files: the embedded library and the installed CLI agree.
if "$u/bin/driftmon" synth --training train.csv --current cur.csv --rows 3000 \
	--scenario mean-shift --seed 7 >synth.log 2>&1; then
	want=$("$u/bin/driftmon" compare -r train.csv -c cur.csv --format json |
		grep -o '"drift_detected": *[a-z]*' | grep -o '[a-z]*$')
	[ "$want" = true ] && want=yes || want=no
	out=$(./embed-static train.csv cur.csv 2>&1)
	check "embed on CSV files: drift=$want as the CLI says ($out)" \
		grep -qx "files: rows=3000 drift=$want" <<<"$out"
	check "the CLI sees the mean shift" test "$want" = yes
	out=$(LD_LIBRARY_PATH=$u/lib ./embed-shared train.csv train.csv 2>&1)
	check "embed: training data against itself, no drift ($out)" \
		grep -qx "files: rows=3000 drift=no" <<<"$out"
	out=$(./embed-static train.csv missing.csv 2>&1)
	check "embed: a missing file is one error line ($out)" \
		test "$(wc -l <<<"$out")" = 1 -a -n "$(grep missing.csv <<<"$out")"
else
	not_ok "driftmon synth: $(tail -n 3 synth.log)"
fi

echo "== the hourly job through the library (examples/embed_detect.c)"
cp "$root/examples/embed_detect.c" .
# shellcheck disable=SC2086
if cc -std=c11 -Wall -Wextra -Werror -o embed-detect embed_detect.c $cflags $libs 2>cc.log; then
	ok
else
	not_ok "build embed_detect.c against the shared library: $(head -n 5 cc.log)"
fi
S=$T/jobstore
if "$u/bin/driftmon" synth --store "$S" --rows 3000 --hours 3 --rows-per-hour 400 \
	--magnitude 1.0 --end 2025-12-24T18:00:00Z --seed 7 >synth.log 2>&1 &&
	"$u/bin/driftmon" baseline --store "$S" --model spam-detector --version v1 \
		--input "$S/training-data/spam-detector/train.parquet" >>synth.log 2>&1; then
	# one unreadable file in the window: both skip it with a warning
	echo "not a Parquet file" >"$S/inference-logs/year=2025/month=12/day=24/hour=16/broken.parquet"
	at=$(date -u -d 2025-12-24T18:30:00Z +%s)
	DRIFT_ANALYSIS_WINDOW_HOURS=3 "$u/bin/driftmon" detect --store "$S" --model spam-detector \
		--version v1 --at 2025-12-24T18:30:00Z --format json --no-write >cli.json 2>cli.err
	DRIFT_ANALYSIS_WINDOW_HOURS=3 LD_LIBRARY_PATH=$u/lib ./embed-detect "$S" spam-detector v1 \
		"$at" >lib.json 2>lib.err
	rc=$?
	check "embed-detect: exit 3, drift detected (exit $rc: $(head -n 3 lib.err))" test "$rc" = 3
	check "embed-detect: the CLI's report, JSON equal but generated_at" python3 -c '
import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:])
for r in (a, b):
    r.pop("generated_at")
sys.exit(a != b or not a.get("drift_detected"))' cli.json lib.json
	w_cli=$(sed -n 's/^driftmon: warning: \(skipping log file: .*\)/\1/p' cli.err)
	w_lib=$(sed -n 's/^embed_detect: warning: \(skipping log file: .*\)/\1/p' lib.err)
	check "embed-detect: the CLI's warning ($w_lib)" test -n "$w_lib" -a "$w_lib" = "$w_cli"
	hist=$(find "$S/drift-reports/spam-detector/v1" -name '*--*.json' | wc -l)
	check "embed-detect: one history copy written ($hist)" test "$hist" = 1
	check "embed-detect: the model's latest.json written" \
		test -s "$S/drift-reports/spam-detector/latest.json"
	check "embed-detect: the version's latest.json written" \
		test -s "$S/drift-reports/spam-detector/v1/latest.json"
	check "driftmon status reads the library's report" \
		grep -qE "spam-detector +v1 .* DRIFT" <("$u/bin/driftmon" status --store "$S" 2>&1)
	out=$(LD_LIBRARY_PATH=$u/lib ./embed-detect "$S" spam-detector v9 "$at" 2>&1)
	check "embed-detect: no baseline is one error line ($out)" \
		test "$(wc -l <<<"$out")" = 1 -a -n "$(grep "no baseline for model 'spam-detector' version 'v9'" <<<"$out")"
else
	not_ok "driftmon synth/baseline for the job: $(tail -n 3 synth.log)"
fi
cd - >/dev/null || exit 1

echo "== the man page"
man1=$u/share/man/man1/driftmon.1
if MANWIDTH=80 man -l "$man1" >"$T/man.txt" 2>"$T/man.err" && [ ! -s "$T/man.err" ]; then
	ok
else
	not_ok "man -l driftmon.1: $(head -n 5 "$T/man.err")"
fi
warn=$(groff -man -Tutf8 -ww -z "$man1" 2>&1)
check "groff -ww: no warnings ($warn)" test -z "$warn"
for s in NAME SYNOPSIS COMMANDS ENVIRONMENT "EXIT STATUS" FILES; do
	check "man: section $s" grep -qx "$s" "$T/man.txt"
done
cmds=$("$bin" --help 2>&1 | sed -n '/^Commands:/,/^$/p' | awk 'NR > 1 && NF { print $1 }')
check "driftmon --help lists commands" test "$(wc -w <<<"$cmds")" -ge 10
for c in $cmds; do
	check "man: command $c" grep -qE "^       $c( |$)" "$T/man.txt"
done
for v in DRIFTMON_STORE DRIFT_PSI_THRESHOLD DRIFT_ANALYSIS_WINDOW_HOURS DRIFT_MIN_SAMPLES \
	DRIFT_SCORE_CRITICAL_THRESHOLD DRIFT_ALPHA DRIFT_PUSHGATEWAY_URL DRIFT_ALERTMANAGER_URL \
	DRIFT_WEBHOOK_URL DRIFTMON_THREADS; do
	check "man: variable $v" grep -q "$v" "$T/man.txt"
done

echo "== make uninstall"
# shellcheck disable=SC2086
if make --no-print-directory $flavour BUILD="$build" uninstall DESTDIR="$dest" PREFIX=/usr \
	>"$T/uninstall.log" 2>&1; then
	left=$(cd "$dest" && find . \( -type f -o -type l \) | head -n 5)
	check "uninstall leaves no file ($left)" test -z "$left"
else
	not_ok "make uninstall: $(tail -n 5 "$T/uninstall.log")"
fi
finish
