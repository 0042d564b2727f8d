#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Banned calls (atoi, atol, sprintf, vsprintf, strcpy, strcat, gets,
# strtok) and SPDX headers.  Run by `make lint` and by the test suite;
# scripts/lint-selftest.sh checks this script itself.
#   scripts/lint.sh            the tree (src/, include/, tests/unit/)
#   scripts/lint.sh FILE...    only these files
# A banned call is its name as a whole token followed by "(": snprintf,
# vsnprintf, fgets or strtok_r are different tokens and pass, whatever
# else is on the line.
set -u
cd "$(dirname "$0")/.."
bad=0
banned='(^|[^A-Za-z0-9_])(atoi|atol|sprintf|vsprintf|strcpy|strcat|gets|strtok)[[:space:]]*\('
if [ $# -gt 0 ]; then
	csrc=("$@")
	spdx=("$@")
else
	mapfile -t csrc < <(git ls-files 'src/*.c' 'src/*.h' 'include/*.h' 2>/dev/null || find src include -name '*.[ch]')
	mapfile -t spdx < <(git ls-files 'src/*.[ch]' 'include/*.h' 'tests/unit/*.[ch]' 2>/dev/null)
fi
if [ ${#csrc[@]} -gt 0 ] && grep -nE "$banned" "${csrc[@]}" /dev/null; then
	echo "lint: banned calls above (use snprintf, strtod/strtoull, memcpy with lengths)"
	bad=1
fi
for f in "${spdx[@]}"; do
	head -n 1 "$f" | grep -q 'SPDX-License-Identifier' || { echo "lint: $f lacks an SPDX line"; bad=1; }
done
[ $bad -eq 0 ] && echo "lint: 1 passed, 0 failed" || echo "lint: 0 passed, 1 failed"
exit $bad
