#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The collector under hostile and failing conditions (issue 15): a full
# WAL disk (a 3 MiB tmpfs, or a loop file system; needs root, as CI
# runs), idle and slow connections (loopback only, bounded), limits that
# junk could use up, /healthz privacy and the redaction of credentials.
# See tests/reliability/run.py.
#
#   tests/suites/reliability.sh path/to/driftmon
#
# Prints "reliability: N passed, N failed"; exits non-zero on any failure.
set -u
cd "$(dirname "$0")/../.."
bin=${1:-build/driftmon}
if [ ! -x "$bin" ]; then
	echo "reliability: $bin not built"
	echo "reliability: 0 passed, 1 failed"
	exit 1
fi
exec /usr/bin/python3 tests/reliability/run.py "$bin"
