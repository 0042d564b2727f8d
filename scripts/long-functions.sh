#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The functions longer than a limit, longest first: one line each,
# "LINES file:line name".  Lengths are from the opening line of the
# definition to its closing brace (universal-ctags' end field).
#
#   scripts/long-functions.sh [LIMIT] [PATH...]   (default 100, src)
#
# Prints "long-functions: N over LIMIT lines" last; always exits 0 (a
# report, not a gate).
set -u
cd "$(dirname "$0")/.."
limit=${1:-100}
shift || true
[ $# -gt 0 ] || set -- src
command -v ctags >/dev/null || { echo "long-functions: ctags missing (apt-get install universal-ctags)" >&2; exit 1; }
ctags -R --languages=C --kinds-C=f --fields=+ne -o - "$@" 2>/dev/null |
	awk -F'\t' -v limit="$limit" '
	/^!_TAG/ { next }
	{
		name = $1; file = $2; line = 0; end = 0
		for (i = 4; i <= NF; i++) {
			if ($i ~ /^line:/) line = substr($i, 6)
			if ($i ~ /^end:/) end = substr($i, 5)
		}
		if (end && end - line + 1 > limit)
			printf "%d %s:%d %s\n", end - line + 1, file, line, name
	}' | sort -k1,1nr -k2 | awk -v limit="$limit" '{ print } END { printf "long-functions: %d over %d lines\n", NR, limit }'
