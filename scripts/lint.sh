#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Banned calls (atoi, sprintf, strcpy, strcat, gets, strtok) and SPDX
# headers.  Run by `make lint` and by the test suite.
set -u
cd "$(dirname "$0")/.."
bad=0
if grep -nE '\b(atoi|atol|sprintf|vsprintf|strcpy|strcat|gets|strtok)\s*\(' \
	$(git ls-files 'src/*.c' 'src/*.h' 'include/*.h' 2>/dev/null || find src include -name '*.[ch]') \
	| grep -v 'snprintf\|vsnprintf'; then
	echo "lint: banned calls above (use snprintf, strtod/strtoull, memcpy with lengths)"
	bad=1
fi
for f in $(git ls-files 'src/*.[ch]' 'include/*.h' 'tests/unit/*.[ch]' 2>/dev/null); do
	head -n 1 "$f" | grep -q 'SPDX-License-Identifier' || { echo "lint: $f lacks an SPDX line"; bad=1; }
done
[ $bad -eq 0 ] && echo "lint: 1 passed, 0 failed" || echo "lint: 0 passed, 1 failed"
exit $bad
