#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The project's C sources and headers, one path per line: what `make
# format` formats and scripts/lint.sh holds to .clang-format.  Tracked
# files in a git checkout; otherwise (a tarball) every *.c and *.h under
# the source folders.  Build output and node_modules are never listed.
cd "$(dirname "$0")/.."
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	git ls-files '*.c' '*.h'
else
	find src include tests bench examples python -name node_modules -prune \
		-o -type f \( -name '*.c' -o -name '*.h' \) -print 2>/dev/null | sort
fi
