#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The CSV reader tokenises a batch in pieces on several threads
# (src/io/csv.c, "Parallel tokenising"); the baseline must not change.
# Every CSV fixture under tests/ (tests/data, the CSV and profile fuzz
# corpora) and a few generated files (quoted newlines, CRLF, CR-only line
# ends, a BOM, ragged rows, bad values) are profiled with one thread and
# no pieces, then with two threads and pieces of a few bytes
# (DRIFTMON_CSV_PIECE), and with two threads and the default pieces on a
# file whose batches are large enough to be cut: the baseline JSON (but its creation time),
# the exit status and the error message must be byte for byte the same.
. "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3
G=$T/gen
mkdir -p "$G"

# Generated inputs: small edge cases and a 20 MB file with quoted
# newlines, "" escapes, CRLF line ends and a long text column (batches of
# about 2.8 MB of 8,192 rows: cut into the default pieces of 1 MiB or
# more; checked by hand that they are).
$PY - "$G" <<'EOF'
import os, random, sys
g = sys.argv[1]
rnd = random.Random(18)
def w(name, text):
    with open(os.path.join(g, name), "w", newline="") as f:
        f.write(text)
rows = []
for i in range(60000):
    k = rnd.choice(['a', 'b', '"c\nd"', '"e,""f"""', ''])
    t = '"%s"' % ("word, " * rnd.randint(45, 60)).replace("w", "w\n", i % 2)
    rows.append('%d,%.4f,%s,%d,%s\r\n' % (i, rnd.gauss(0, 1), k, rnd.randint(0, 5), t))
w("big_quoted_crlf.csv", "id,x,k,n,t\r\n" + "".join(rows))
w("cr_only.csv", "x,k\r" + "".join("%d,%s\r" % (i, "ab"[i % 2]) for i in range(300)))
w("bom_crlf.csv", "\ufeffx,y\r\n" + "".join("%d,%d\r\n" % (i, i * i) for i in range(300)))
w("ragged.csv", "x,y\n" + "".join("%d,%d\n" % (i, i) for i in range(200)) + "7\n1,2\n")
w("bad_value.csv", "x,y\n" + "".join("%d,%d\n" % (i, i) for i in range(250)) + "1,zz\n3,4\n")
w("quoted_nl.csv", "k,x\n" + "".join('"a\nb%d",%d\n' % (i % 3, i) for i in range(300)))
# Several batches (8,192 rows of 5 columns: the pool path, batch k+1
# read while batch k is profiled): a bad value in the second batch and a
# ragged row in the third (the value's error is the one reported), and a
# ragged row alone in the third.
five = lambda i: "%d,%d,%.3f,%d,%d\n" % (i, i % 7, i / 3.0, i % 2, i * 3)
late = [five(i) for i in range(30000)]
late[10000] = "1,2,zz,4,5\n"
late[20000] = "1,2\n"
w("late_errors.csv", "a,b,c,d,e\n" + "".join(late))
late[10000] = five(10000)
late[20000] = "1\n"
w("late_ragged.csv", "a,b,c,d,e\n" + "".join(late))
w("unterminated.csv", "k,x\n" + "".join('%d,%d\n' % (i, i) for i in range(100)) + '"open,1\n2,3\n')
EOF

profile() { baseline_st "$@"; } # (lib.sh)

same() {
	local what=$1 a=$2 b=$3
	if ! cmp -s "$T/$a.st" "$T/$b.st"; then
		not_ok "$what: status or message differs: $(cat "$T/$a.st") / $(cat "$T/$b.st")"
		return
	fi
	if [ -f "$T/$a.json" ] || [ -f "$T/$b.json" ]; then
		if ! cmp -s "$T/$a.json" "$T/$b.json"; then
			not_ok "$what: baseline JSON differs"
			diff "$T/$a.json" "$T/$b.json" | head -5 >&2
			return
		fi
	fi
	ok
}

n=0
for f in $(find tests/data tests/fuzz/corpus_csv tests/fuzz/corpus_profile \
		-type f \( -name '*.csv' -o -path '*corpus_csv*' -o -path '*corpus_profile*' \) |
		sort) "$G"/*.csv; do
	profile "$f" seq DRIFTMON_THREADS=1 DRIFTMON_CSV_PIECE=
	for piece in 1 7 64; do
		profile "$f" par DRIFTMON_THREADS=2 DRIFTMON_CSV_PIECE=$piece
		same "$f (pieces of $piece bytes)" seq par
	done
	n=$((n + 1))
done
[ "$n" -ge 50 ] && ok || not_ok "only $n CSV inputs found"

# The default pieces (1 MiB and more) on the 20 MB file: the path the
# CLI takes with DRIFTMON_THREADS=2.
profile "$G/big_quoted_crlf.csv" seq DRIFTMON_THREADS=1 DRIFTMON_CSV_PIECE=
profile "$G/big_quoted_crlf.csv" par DRIFTMON_THREADS=2 DRIFTMON_CSV_PIECE=
same "20 MB file, default pieces" seq par
grep -q '"count": 60000' "$T/par.json" && ok ||
	not_ok "20 MB file: 60000 values not counted"

# Huge pages (src/cli/main.c): the profiling commands start themselves
# again with glibc's heap on transparent huge pages; the baseline is the
# same, and DRIFTMON_HUGEPAGES=0 leaves the process as it is.
profile "$G/big_quoted_crlf.csv" hp0 DRIFTMON_THREADS=2 DRIFTMON_CSV_PIECE= DRIFTMON_HUGEPAGES=0
same "huge pages off: the same baseline" par hp0
DRIFTMON_HUGEPAGES=maybe run baseline --model m --version v --dry-run \
	--input "$G/big_quoted_crlf.csv"
expect "DRIFTMON_HUGEPAGES=maybe" 2 "DRIFTMON_HUGEPAGES must be 0 or 1, not 'maybe'"
# the running process's environment (the kernel must offer huge pages;
# a sanitizer build keeps its own allocator)
hp_env() { # VALUE [INPUT]: yes if the baseline ran with glibc's tunable set
	# (and under its own name: "exe" if started again as /proc/self/exe)
	local pid i got=no comm=
	env ${1:+DRIFTMON_HUGEPAGES=$1} "$DM" baseline --model m --version v \
		--dry-run --input "${2:-$G/big_quoted_crlf.csv}" </dev/null \
		>/dev/null 2>&1 &
	pid=$!
	for i in $(seq 2000); do
		if tr '\0' '\n' <"/proc/$pid/environ" 2>/dev/null |
			grep -q '^GLIBC_TUNABLES=.*glibc\.malloc\.hugetlb=1'; then
			got=yes
			comm=$(cat "/proc/$pid/comm" 2>/dev/null)
			[ "$comm" = "$(basename "$(readlink -f "$DM")")" ] ||
				got="yes, named '$comm'"
			break
		fi
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.002
	done
	wait "$pid"
	echo "$got"
}
want=no
grep -qE '\[(madvise|always)\]' /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null &&
	! grep -q __asan_init "$DM" && want=yes
got=$(hp_env "")
[ "$got" = "$want" ] && ok || not_ok "huge pages: tunable set '$got', expected '$want'"
got=$(hp_env 0)
[ "$got" = no ] && ok || not_ok "DRIFTMON_HUGEPAGES=0: tunable set anyway"
# not for Parquet files (their page buffers: more memory, little time);
# a file that takes long enough to be seen with the tunable if it were
"$DM" synth --training "$T/hp.parquet" --rows 400000 --numeric-only \
	--seed 7 >/dev/null 2>&1
got=$(hp_env "" "$T/hp.parquet")
[ "$got" = no ] && ok || not_ok "a Parquet input: tunable set ($got)"

# The errors the pieces leave to the sequential reader keep their rows.
profile "$G/ragged.csv" par DRIFTMON_THREADS=2 DRIFTMON_CSV_PIECE=5
grep -q 'row 201, expected 2 fields, found 1' "$T/par.st" && ok ||
	not_ok "ragged row: $(cat "$T/par.st")"
profile "$G/unterminated.csv" par DRIFTMON_THREADS=2 DRIFTMON_CSV_PIECE=3
grep -q 'unterminated quoted field starting at row 101' "$T/par.st" && ok ||
	not_ok "unterminated quote: $(cat "$T/par.st")"
# Errors in later batches, read ahead on the pool: the row of the first.
profile "$G/late_errors.csv" par DRIFTMON_THREADS=2
grep -q "row 10001, column 'c': not a number: 'zz'" "$T/par.st" && ok ||
	not_ok "late bad value: $(cat "$T/par.st")"
profile "$G/late_ragged.csv" par DRIFTMON_THREADS=2
grep -q 'row 20001, expected 5 fields, found 1' "$T/par.st" && ok ||
	not_ok "late ragged row: $(cat "$T/par.st")"
finish
