#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Installs the Debian packages driftmon needs, if missing.
#   scripts/deps.sh build   - to build driftmon
#   scripts/deps.sh test    - to build and run the test suite
#   scripts/deps.sh bench   - to run the benchmarks (pandas + scipy peer)
#   scripts/deps.sh lint    - for `make lint` and `make format` (clang-format)
# As root it runs apt-get; otherwise it prints the exact command and fails.
set -eu

build_pkgs="gcc make pkg-config libjansson-dev libcurl4-openssl-dev libsnappy-dev libzstd-dev zlib1g-dev liblz4-dev libbrotli-dev libssl-dev libexpat1-dev libmicrohttpd-dev libyaml-dev"
test_pkgs="$build_pkgs libcmocka-dev python3 python3-numpy python3-scipy time clang-format"
bench_pkgs="$build_pkgs python3 python3-numpy python3-scipy python3-pandas time"

case "${1:-build}" in
build) want=$build_pkgs ;;
test) want=$test_pkgs ;;
bench) want=$bench_pkgs ;;
lint) want="clang-format" ;;
*) echo "usage: $0 build|test|bench|lint" >&2; exit 2 ;;
esac

missing=""
for p in $want; do
	st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
	[ "$st" = "installed" ] || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

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
