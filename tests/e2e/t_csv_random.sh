#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Random messy CSV files (tests/e2e/csv_random.py: 1-8 columns of numbers,
# decimal commas, categories, quoted text with separators and line ends,
# booleans, dates, missing values in many spellings; ',', ';' or tab; LF,
# CRLF or both; BOMs, blank lines, a ragged row at times).  For each:
#   - one thread, two threads (batches split into pieces across the pool)
#     and two threads with pieces of a random few bytes give the same
#     exit status, message and baseline, byte for byte;
#   - a file that profiles has the rows and, in every column, the count
#     and missing count Python's csv module finds (csv_random.py check);
#     one that does not names its first ragged row as Python's csv
#     module counts rows, with the fields expected and found.
# CSV_RANDOM_SEEDS (default 24) files, seeds from CSV_RANDOM_FIRST (1).
. "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3
R=tests/e2e/csv_random.py
first=${CSV_RANDOM_FIRST:-1}
last=$((first + ${CSV_RANDOM_SEEDS:-24} - 1))

profile() { baseline_st "$@"; } # (lib.sh)

profiled=0
ragged=0
for s in $(seq "$first" "$last"); do
	f=$($PY $R gen "$s" "$T/r$s") || { not_ok "seed $s: generator failed"; continue; }
	profile "$f" one DRIFTMON_THREADS=1
	profile "$f" two DRIFTMON_THREADS=2
	profile "$f" bits DRIFTMON_THREADS=2 DRIFTMON_CSV_PIECE=$((s * 7919 % 4000 + 1))
	for v in two bits; do
		if cmp -s "$T/one.st" "$T/$v.st" &&
			{ [ ! -f "$T/one.json" ] || cmp -s "$T/one.json" "$T/$v.json"; }; then
			ok
		else
			not_ok "seed $s ($v): not what one thread gives: $(head -c 200 "$T/one.st") / $(head -c 200 "$T/$v.st")"
		fi
	done
	if [ "$(head -1 "$T/one.st")" = 0 ]; then
		profiled=$((profiled + 1))
		if msg=$($PY $R check "$f" "$T/one.json" 2>&1); then ok; else
			not_ok "seed $s: against Python's csv: $msg"
		fi
	elif grep -q "nothing to monitor: no column is a feature" "$T/one.st"; then
		# every column text or a time (an error: a baseline that
		# monitors nothing): counted with each made a feature
		profiled=$((profiled + 1))
		rm -f "$T/one.json"
		timeout -k 5 120 "$DM" baseline --model m --version v --dry-run \
			--output "$T/one.json" --input "$f" \
			--role "$($PY $R features "$f")" >/dev/null 2>&1
		if msg=$($PY $R check "$f" "$T/one.json" 2>&1); then ok; else
			not_ok "seed $s: every column a feature, against Python's csv: $msg"
		fi
	elif want=$($PY $R ragged "$f" 2>&1) && grep -qF "$want" "$T/one.st"; then
		ragged=$((ragged + 1))
		ok
	else
		not_ok "seed $s: unexpected error: $(head -c 300 "$T/one.st")"
	fi
	rm -f "$f"
done
# the draw covers both outcomes (a check that cannot fail is no check)
[ "$profiled" -ge 10 ] && [ "$ragged" -ge 1 ] && ok ||
	not_ok "$profiled files profiled, $ragged ragged: the seeds cover too little"
finish
