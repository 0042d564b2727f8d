# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
# Helpers for the benchmark sections, sourced by bench/run.sh (bash).
#
# A section measures commands with bench_measure, which appends one line
# per measurement to $BENCH_OUT/results.tsv; declares its targets with
# bench_target; records sanity checks with bench_check.  bench/report.py
# turns these files into the printed table, bench/out/results.md and the
# section's block of BENCHMARKS.md.  Nothing here knows about CSV,
# Parquet or pandas: a new section (bench/sections/NN-name.sh) reuses all
# of it.
#
# Variables set by run.sh: BENCH_ROOT (repository), BENCH_OUT (bench/out),
# BENCH_TMP (scratch folder, removed at exit), DRIFTMON (binary, absolute),
# BENCH_REPEAT (runs of each driftmon measurement).

BENCH_TIME=/usr/bin/time

bench_log() { printf '[bench %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
bench_die() {
	printf 'bench: %s\n' "$*" >&2
	exit 1
}

# bench_ncols FILE: number of columns in the header line of a CSV file
# (no quoted commas in the benchmark data's header).
bench_ncols() {
	head -n 1 "$1" | awk -F, '{ print NF }'
}

# bench_cached FILE CMD...: runs CMD (which must write FILE) unless FILE
# exists and was made by exactly the same command (recorded in
# FILE.cmd).  BENCH_REGEN=1 forces a rebuild.  CMD writes to a temporary
# name first: the literal word @OUT@ in CMD is replaced by it, so an
# interrupted run never leaves a half-written file that looks cached.
# The temporary name keeps FILE's extension (train.tmp123.parquet), for
# writers that choose the format by name.
bench_cached() {
	local file=$1 tmp want a base
	shift
	want=$(printf '%q ' "$@")
	if [ "${BENCH_REGEN:-0}" != 1 ] && [ -s "$file" ] &&
		[ "$(cat "$file.cmd" 2>/dev/null)" = "$want" ]; then
		bench_log "cached: ${file#"$BENCH_ROOT"/}"
		return 0
	fi
	base=$(basename "$file")
	case $base in
	?*.*) tmp="${file%.*}.tmp$$.${file##*.}" ;;
	*) tmp="$file.tmp.$$" ;;
	esac
	local args=()
	for a in "$@"; do
		args+=("${a//@OUT@/$tmp}")
	done
	bench_log "generating ${file#"$BENCH_ROOT"/}"
	rm -f "$file" "$file.cmd"
	"${args[@]}" >"$BENCH_OUT/logs/$(basename "$file").gen.log" 2>&1 ||
		{
			rm -f "$tmp"
			bench_die "generating $file failed; see bench/out/logs/$(basename "$file").gen.log"
		}
	mv -f "$tmp" "$file"
	printf '%s' "$want" >"$file.cmd"
}

# bench_warm FILE...: reads the files once so every measured run starts
# with them in the page cache (all implementations alike).
bench_warm() {
	cat "$@" >/dev/null
}

# time -v prints "Elapsed (wall clock) time (h:mm:ss or m:ss): 1:02.34".
_bench_tv() { # FILE LABEL
	sed -n "s/^[[:space:]]*$2: //p" "$1" | tail -n 1
}
_bench_secs() { # [h:]m:ss.ss -> seconds
	awk -v t="$1" 'BEGIN { n = split(t, a, ":"); s = 0;
		for (i = 1; i <= n; i++) s = s * 60 + a[i]; printf "%.3f", s }'
}

# bench_measure [-n RUNS] SECTION JOB IMPL ROWS VALUES -- CMD...
#   Runs CMD under /usr/bin/time -v RUNS times (default 1), stdout and
#   stderr to bench/out/logs/, and appends to results.tsv the run with the
#   median wall-clock time (its CPU time and the load average taken just
#   before it started), the number of runs, the smallest wall-clock time,
#   and the largest peak RSS of all runs.
#   VALUES is the number of values the job reads (rows x columns), for
#   values/s.  A failing CMD stops the benchmark.  The command line is
#   recorded in commands.tsv (repository paths made relative).
bench_measure() {
	local runs=1
	if [ "$1" = -n ]; then
		runs=$2
		shift 2
	fi
	local section=$1 job=$2 impl=$3 rows=$4 values=$5
	shift 5
	[ "$1" = -- ] && shift
	local tag="$section-$job-$impl-$rows" i log tv rc wall user sys peak load
	local lines=() maxpeak=0
	for ((i = 1; i <= runs; i++)); do
		log="$BENCH_OUT/logs/$tag.$i"
		load=$(cut -d' ' -f1 /proc/loadavg)
		rc=0
		"$BENCH_TIME" -v -o "$log.time" "$@" >"$log.out" 2>"$log.err" || rc=$?
		if [ "$rc" -ne 0 ]; then
			tail -n 5 "$log.err" >&2
			bench_die "$impl $job ($rows rows) failed (exit $rc); see ${log#"$BENCH_ROOT"/}.err"
		fi
		tv="$log.time"
		wall=$(_bench_secs "$(_bench_tv "$tv" 'Elapsed (wall clock) time (h:mm:ss or m:ss)')")
		user=$(_bench_tv "$tv" 'User time (seconds)')
		sys=$(_bench_tv "$tv" 'System time (seconds)')
		peak=$(_bench_tv "$tv" 'Maximum resident set size (kbytes)')
		[ "$peak" -gt "$maxpeak" ] && maxpeak=$peak
		lines+=("$wall $user $sys $load")
		bench_log "$(printf '%-9s %-8s %-13s %8s rows  run %d/%d: %7.2f s wall, %7.2f s cpu, %6d MB peak' \
			"$section" "$job" "$impl" "$rows" "$i" "$runs" "$wall" \
			"$(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')" $((peak / 1024)))"
	done
	local med wmin
	med=$(printf '%s\n' "${lines[@]}" | sort -n -k1,1 | sed -n "$(((runs + 1) / 2))p")
	wmin=$(printf '%s\n' "${lines[@]}" | sort -n -k1,1 | sed -n 1p | cut -d' ' -f1)
	read -r wall user sys load <<<"$med"
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' \
		"$section" "$job" "$impl" "$rows" "$runs" "$wall" "$user" "$sys" \
		"$maxpeak" "$values" "$load" "$wmin" >>"$BENCH_OUT/results.tsv"
	bench_command "$section" "$job" "$impl" "$rows" "$@"
}

# bench_command SECTION JOB IMPL ROWS CMD...: records a command line for
# the "Rerun" part of the report (bench_measure records its own; use this
# for set-up such as data generation).  Paths in the repository are made
# relative to it, the scratch folder is written $TMP.
bench_command() {
	local section=$1 job=$2 impl=$3 rows=$4 cmd
	shift 4
	cmd=$(printf '%q ' "$@")
	cmd=${cmd//"$BENCH_ROOT"\//}
	cmd=${cmd//"$BENCH_TMP"/\$TMP}
	printf '%s\t%s\t%s\t%s\t%s\n' "$section" "$job" "$impl" "$rows" \
		"${cmd% }" >>"$BENCH_OUT/commands.tsv"
}

# bench_target SECTION KIND VALUE [PEER]
#   speedup  PEER  end-to-end (all jobs) wall-clock ratio peer / driftmon,
#                  at the largest row count, at least VALUE
#   memratio PEER  peak memory ratio peer / driftmon (largest peak of the
#                  jobs), at the largest row count, at least VALUE
#   flat           driftmon's peak at the largest row count over its peak
#                  at the smallest, per job, at most VALUE
#   peak_mb        driftmon's peak memory, any job and size, at most VALUE
bench_target() {
	printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "${4:-}" >>"$BENCH_OUT/targets.tsv"
}

# bench_check SECTION NAME CMD...: runs a sanity check; its output goes
# to the log and its verdict (exit 0 = pass) to checks.tsv.  A failed
# check makes bench/run.sh exit non-zero after the report.
bench_check() {
	local section=$1 name=$2 out rc=0
	shift 2
	out=$("$@" 2>&1) || rc=$?
	printf '%s\n' "$out" >"$BENCH_OUT/logs/$section-check-$name.log"
	printf '%s\n' "$out" | sed 's/^/    /' >&2
	printf '%s\t%s\t%s\t%s\n' "$section" "$name" \
		"$([ $rc -eq 0 ] && echo pass || echo FAIL)" \
		"$(printf '%s' "$out" | tail -n 1)" >>"$BENCH_OUT/checks.tsv"
	[ $rc -eq 0 ] || bench_log "CHECK FAILED: $section $name"
	return 0
}

# bench_profile SECTION JOB ROWS -- CMD...: with BENCH_PROFILE=1, runs
# CMD under `perf record` and appends its hottest functions (self time,
# >= 1 %) to profile.tsv: section, job, rows, percent, object, function,
# source file.  Without BENCH_PROFILE=1 it does nothing.
bench_profile() {
	[ "${BENCH_PROFILE:-0}" = 1 ] || return 0
	local section=$1 job=$2 rows=$3 data
	shift 3
	[ "$1" = -- ] && shift
	command -v perf >/dev/null ||
		bench_die "BENCH_PROFILE=1 needs perf (Debian package linux-perf)"
	data=$BENCH_TMP/perf-$section-$job-$rows.data
	bench_log "profiling $section $job ($rows rows) with perf"
	perf record -q -F 999 -o "$data" -- "$@" \
		>"$BENCH_OUT/logs/$section-$job-profile-$rows.out" 2>&1 ||
		bench_die "perf record failed; see bench/out/logs/$section-$job-profile-$rows.out"
	perf report -i "$data" --no-children --percent-limit 1 --stdio \
		--sort dso,sym,srcfile 2>/dev/null |
		awk -v s="$section" -v j="$job" -v r="$rows" -v OFS='\t' '
			/^ *[0-9.]+%/ { pct = $1; sub(/%/, "", pct)
				dso = $2; sym = $4; src = $5
				print s, j, r, pct, dso, sym, src }' \
			>>"$BENCH_OUT/profile.tsv"
}

# bench_title SECTION TEXT: the section's heading in the report.
# bench_note SECTION TEXT: a line (markdown) for the section's notes.
bench_title() {
	printf '%s\ttitle\t%s\n' "$1" "$2" >>"$BENCH_OUT/notes.tsv"
}
bench_note() {
	printf '%s\tnote\t%s\n' "$1" "$2" >>"$BENCH_OUT/notes.tsv"
}

# bench_block SECTION TITLE FILE: for a section measured by a script of
# its own that writes a Markdown report (bench/azure.sh,
# bench/collector.sh): report.py prints FILE and makes it the section's
# block of BENCHMARKS.md, under "## TITLE" unless FILE starts with a
# "## " heading of its own.
bench_block() {
	printf '%s\t%s\t%s\n' "$1" "$2" "$3" >>"$BENCH_OUT/blocks.tsv"
}

# bench_script SECTION SCRIPT [VAR=VALUE...]: runs a standalone benchmark
# script (SCRIPT path/to/driftmon, with the VAR=VALUE settings in its
# environment), its output in bench/out/logs/SECTION.log, as a sanity
# check: a failing script is reported (and makes bench/run.sh exit 1)
# without stopping the other sections.  Returns 1 if it failed.
bench_script() {
	local section=$1 script=$2 log=$BENCH_OUT/logs/$1.log
	shift 2
	bench_log "running ${script#"$BENCH_ROOT"/} (output: ${log#"$BENCH_ROOT"/})"
	bench_check "$section" run _bench_script "$log" "$script" "$@"
	[ "$(tail -n 1 "$BENCH_OUT/checks.tsv" | cut -f3)" = pass ]
}
_bench_script() { # LOG SCRIPT [VAR=VALUE...]
	local log=$1 script=$2 start=$SECONDS
	shift 2
	if env "$@" "$script" "$DRIFTMON" >"$log" 2>&1; then
		echo "${script#"$BENCH_ROOT"/} finished in $((SECONDS - start)) s"
	else
		tail -n 3 "$log"
		echo "${script#"$BENCH_ROOT"/} FAILED (exit status non-zero); see ${log#"$BENCH_ROOT"/}"
		return 1
	fi
}
