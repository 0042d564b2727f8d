#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Sharded baseline (docs/fanout.md): N shards run side by side, each
# writing a partial, and --merge-partials give the baseline.json a single
# process gives on the same files, field by field
# (tests/e2e/baseline_cmp.py: exact but moments and the PCA to 1e-9);
# 1, 2, 3 shards and more shards than files; a missing partial, a
# partial of another shard count or another input is a clear error, and
# rerunning the one bad index is enough.
. "$(dirname "$0")/lib.sh"
CMP="$(dirname "$0")/baseline_cmp.py"
PY=/usr/bin/python3
mkdir -p "$T/in"
for s in 1 2 3 4 5; do
	run synth --training "$T/in/part-$s.parquet" --rows 1500 --seed $s
	expect "synth $s" 0
done
run baseline -m fan -v single --input "$T/in" --output "$T/single.json"
expect "single-process baseline" 0 "7500 rows"

# shards N VERSION [INPUT...]: every index side by side, then the merge
shards() {
	local n=$1 v=$2 i pids=()
	shift 2
	for ((i = 0; i < n; i++)); do
		"$DM" baseline -m fan -v "$v" --input "${@:-$T/in}" \
			--shard "$i/$n" >"$T/shard$i.out" 2>&1 </dev/null &
		pids+=($!)
	done
	for i in "${!pids[@]}"; do
		wait "${pids[$i]}" || not_ok "shard $i/$n of $v failed: $(cat "$T/shard$i.out")"
	done
}
merged_equal() { # NAME VERSION
	run baseline -m fan -v "$2" --merge-partials --output "$T/merged.json"
	expect "$1: merge" 0 "Baseline for fan $2: 7500 rows"
	if res=$($PY "$CMP" "$T/single.json" "$T/merged.json"); then ok
	else not_ok "$1: merged baseline differs from the single process: $res"; fi
}

for n in 1 2 3 7; do
	shards $n n$n
	merged_equal "$n shards" n$n
done
[ -f "$T/store/baselines/fan/n7/partials/part-00006-of-00007.json" ] &&
	grep -q '"files":\[\]' "$T/store/baselines/fan/n7/partials/part-00000-of-00007.json" &&
	ok || not_ok "7 shards over 5 files: empty shares write empty partials"

# a missing partial: named, with the rerun
shards 3 miss
rm "$T/store/baselines/fan/miss/partials/part-00001-of-00003.json"
run baseline -m fan -v miss --merge-partials
expect_err "missing partial" 1 "1 of 3 partials missing.*shard 1 .*--shard I/3"
# rerun of the one index is enough
"$DM" baseline -m fan -v miss --input "$T/in" --shard 1/3 >/dev/null
merged_equal "rerun of one index" miss

# a partial of another shard count under this one's name
shards 2 other
cp "$T/store/baselines/fan/other/partials/part-00000-of-00002.json" \
	"$T/store/baselines/fan/miss/partials/part-00002-of-00003.json"
run baseline -m fan -v miss --merge-partials
expect_err "partial of another N" 1 "more than one run|is shard 0/2 of fan other"
run baseline -m fan -v miss --merge-partials --shards 3
expect_err "partial of another N, --shards" 1 "is shard 0/2 of fan other, not shard 2/3 of fan miss"

# a partial of another input (one file fewer), then the rerun
shards 3 inp
"$DM" baseline -m fan -v inp --input "$T/in/part-1.parquet" \
	"$T/in/part-2.parquet" --shard 2/3 >/dev/null
run baseline -m fan -v inp --merge-partials
expect_err "partial of another input" 1 "part-00002-of-00003.json is of another run than shard 0"
"$DM" baseline -m fan -v inp --input "$T/in" --shard 2/3 >/dev/null
merged_equal "rerun after another input" inp

# another option (bins) is another run too
shards 2 opt
"$DM" baseline -m fan -v opt --input "$T/in" --bins 5 --shard 1/2 >/dev/null
run baseline -m fan -v opt --merge-partials
expect_err "partial with other options" 1 "is of another run"

# a corrupt partial is named
shards 2 bad
printf '{"format":"driftmon-baseline-partial"' \
	>"$T/store/baselines/fan/bad/partials/part-00001-of-00002.json"
run baseline -m fan -v bad --merge-partials
expect_err "corrupt partial" 1 "part-00001-of-00002.json.*not valid JSON"
sed -i 's/"format_version":1/"format_version":99/' \
	"$T/store/baselines/fan/bad/partials/part-00000-of-00002.json"
run baseline -m fan -v bad --merge-partials --shards 2
expect_err "future partial" 1 "format_version 99 is not supported"

# the same files named another way are the same run; an empty folder
# has no data files
"$DM" baseline -m fan -v spell --input "$T/in/" --shard 0/2 >/dev/null
"$DM" baseline -m fan -v spell --input "$T/in" --shard 1/2 >/dev/null
merged_equal "input spelled with and without a slash" spell
mkdir -p "$T/empty"
run baseline -m fan -v x --input "$T/empty" --shard 0/2
expect_err "empty folder" 1 "no data files \(.parquet, .csv, .tsv, .csv.gz, .csv.zst, .csv.bz2, .csv.xz\) in the input"
run baseline -m fan -v x --input-prefix nothing/ --shard 0/2
expect_err "empty prefix" 1 "none under prefix 'nothing/' of"

# no partials at all
run baseline -m fan -v none --merge-partials
expect_err "no partials" 1 "no baseline partials under baselines/fan/none/partials/"

# Kubernetes: --shard job reads the Indexed Job's variables; a plain
# baseline ignores them
for i in 0 1; do
	JOB_COMPLETION_INDEX=$i JOB_COMPLETIONS=2 "$DM" baseline -m fan -v job \
		--input "$T/in" --shard job >/dev/null || not_ok "--shard job $i"
done
merged_equal "--shard job" job
JOB_COMPLETION_INDEX=0 JOB_COMPLETIONS=2 run baseline -m fan -v plain --input "$T/in"
expect "plain baseline ignores JOB_*" 0 "Baseline for fan plain: 7500 rows"
[ ! -e "$T/store/baselines/fan/plain/partials" ] && ok ||
	not_ok "plain baseline wrote partials"
run baseline -m fan -v x --input "$T/in" --shard job
expect_err "--shard job without the variables" 2 "JOB_COMPLETION_INDEX and JOB_COMPLETIONS are not both set"
run baseline -m fan -v x --input "$T/in" --shard 3/3
expect_err "bad --shard" 2 "invalid --shard '3/3'"
run baseline -m fan -v x --input "$T/in" --merge-partials
expect_err "merge with input" 2 "no --shard or input"
finish
