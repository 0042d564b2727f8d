#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Installs the Debian packages driftmon needs, if missing.
#   scripts/deps.sh build   - to build driftmon
#   scripts/deps.sh test    - to build and run the test suite (and the
#                             de_DE.UTF-8 / fr_FR.UTF-8 locales the number
#                             parser's locale test needs)
#   scripts/deps.sh bench   - to run the benchmarks (pandas + scipy peer)
#   scripts/deps.sh lint    - for `make lint` and `make format` (clang-format)
# As root it runs apt-get; otherwise it prints the exact command and fails.
set -eu

build_pkgs="gcc make pkg-config libjansson-dev libcurl4-openssl-dev libsnappy-dev libzstd-dev zlib1g-dev libbz2-dev liblzma-dev liblz4-dev libbrotli-dev libssl-dev libexpat1-dev libmicrohttpd-dev libyaml-dev"
test_pkgs="$build_pkgs libcmocka-dev python3 python3-numpy python3-scipy python3-dev python3-pandas python3-sklearn python3-yaml python3-pytest python3-setuptools python3-pip time gzip zstd bzip2 xz-utils locales clang libclang-rt-14-dev clang-format"
bench_pkgs="$build_pkgs python3 python3-numpy python3-scipy python3-pandas python3-sklearn r-cran-kernlab time"

mode=${1:-build}
case "$mode" in
build) want=$build_pkgs ;;
test) want=$test_pkgs ;;
bench) want=$bench_pkgs ;;
lint) want="clang-format" ;;
*) echo "usage: $0 build|test|bench|lint" >&2; exit 2 ;;
esac

# The locales with a decimal comma (tests/unit/test_parse_double.c).
locales_missing() {
	for l in de_DE fr_FR; do
		locale -a 2>/dev/null | grep -qiE "^$l\.utf-?8$" || echo "$l.UTF-8"
	done
}
need_locales() {
	[ "$mode" = test ] || return 0
	lm=$(locales_missing)
	[ -z "$lm" ] && return 0
	if [ "$(id -u)" != 0 ]; then
		echo "deps: locales$(printf ' %s' $lm) are missing. Generate them with:" >&2
		for l in $lm; do
			echo "  sudo sed -i 's/^# *\($l UTF-8\)/\1/' /etc/locale.gen" >&2
		done
		echo "  sudo locale-gen" >&2
		exit 1
	fi
	echo "deps: generating locales:$(printf ' %s' $lm)" >&2
	for l in $lm; do
		if grep -qE "^# *$l UTF-8" /etc/locale.gen 2>/dev/null; then
			sed -i "s/^# *\($l UTF-8\)/\1/" /etc/locale.gen
		elif ! grep -qE "^$l UTF-8" /etc/locale.gen 2>/dev/null; then
			echo "$l UTF-8" >>/etc/locale.gen
		fi
	done
	locale-gen >&2 || { echo "deps: locale-gen failed" >&2; exit 1; }
	lm=$(locales_missing)
	[ -z "$lm" ] || { echo "deps: locales still missing:$lm" >&2; exit 1; }
}

missing=""
for p in $want; do
	st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
	[ "$st" = "installed" ] || missing="$missing $p"
done
if [ -z "$missing" ]; then
	need_locales
	exit 0
fi

if [ "$(id -u)" = 0 ]; then
	echo "deps: installing:$missing" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >&2 || true
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $missing >&2
else
	echo "deps: missing Debian packages. Install them with:" >&2
	echo "  sudo apt-get install -y$missing" >&2
	exit 1
fi
need_locales
