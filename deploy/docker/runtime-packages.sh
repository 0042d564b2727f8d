#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Prints the Debian packages that provide the shared libraries a binary
# links, one per line, sorted: the
# runtime image installs exactly these (plus ca-certificates), so a library
# the build gains (libcurl for Azure, libmicrohttpd for the collector)
# joins the image by itself.
#
#   deploy/docker/runtime-packages.sh build/driftmon [--all]
set -euo pipefail
bin=${1:?usage: runtime-packages.sh BIN}
out=$(ldd "$bin") || {
	echo "runtime-packages: ldd '$bin' failed" >&2
	exit 1
}
if grep -q 'not found' <<<"$out"; then
	echo "runtime-packages: '$bin' links libraries this system lacks:" >&2
	grep 'not found' <<<"$out" >&2
	exit 1
fi
# Only the libraries the binary names itself (DT_NEEDED): apt brings what
# they depend on.  --all lists every library ldd resolves.
if [ "${2:-}" = --all ]; then
	needed=ALL
else
	needed=" $(readelf -d "$bin" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | tr '\n' ' ') "
fi
mapfile -t libs < <(awk -v needed="$needed" '
	$2 == "=>" && $3 ~ /^\// && (needed == "ALL" || index(needed, " " $1 " ")) { print $3 }' <<<"$out")

# dpkg knows a file by the path its package installed; on merged-/usr that
# may be /lib/... or /usr/lib/..., and the link or its target: ask about
# every spelling at once (one dpkg-query call) and keep the first found.
declare -A owner=()
cands=()
for lib in "${libs[@]}"; do
	real=$(readlink -f "$lib")
	for p in "$lib" "$real"; do
		cands+=("/usr${p#/usr}" "/${p#/usr/}")
	done
done
while IFS= read -r line; do
	path=${line##*: }
	pkg=${line%%: *}
	pkg=${pkg%%,*}
	owner[$path]=${pkg%%:*}
done < <(dpkg-query -S "${cands[@]}" 2>/dev/null || true)

pkgs=()
for lib in "${libs[@]}"; do
	real=$(readlink -f "$lib")
	found=
	for p in "/usr${lib#/usr}" "/${lib#/usr/}" "/usr${real#/usr}" "/${real#/usr/}"; do
		if [ -n "${owner[$p]:-}" ]; then
			found=${owner[$p]}
			break
		fi
	done
	if [ -z "$found" ]; then
		echo "runtime-packages: no Debian package provides $lib" >&2
		exit 1
	fi
	pkgs+=("$found")
done
printf '%s\n' "${pkgs[@]}" | sort -u
