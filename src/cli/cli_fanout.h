/* SPDX-License-Identifier: Apache-2.0 */
/* Fan-out helpers of the CLI (cli_fanout.c, docs/fanout.md). */
#ifndef DM_CLI_FANOUT_H
#define DM_CLI_FANOUT_H

#include <stddef.h>
#include <stdint.h>

#include "driftmon/partial.h"
#include "driftmon/profile.h"
#include "driftmon/store.h"

#define CLI_MAX_SHARDS 100000u

/* "I/N" into *i, *n (0 <= I < N <= CLI_MAX_SHARDS); -1 if malformed. */
int cli_parse_shard(const char *s, unsigned *i, unsigned *n);
/* A Kubernetes Indexed Job's share, when JOB_COMPLETION_INDEX and
 * JOB_COMPLETIONS are both set (*i, *n untouched otherwise).  Prints a
 * usage error for cmd and returns EXIT_USAGE when they are invalid. */
int cli_shard_from_env(const char *cmd, unsigned *i, unsigned *n);

/* The training files of a run, in order: local paths (a folder stands
 * for its .parquet/.csv/.tsv files, sorted), then the data files under
 * a store prefix (sorted keys). */
typedef struct fanout_files {
	char **keys; /* NULL-terminated */
	uint64_t *sizes;
	uint8_t *in_store; /* 1: a key of the store, 0: a local path */
	size_t n;
} fanout_files;

int fanout_list_inputs(char *const *inputs, const char *prefix, dm_store *st,
		       fanout_files *ff);
void fanout_files_release(fanout_files *ff);
/* Share i of shards: files [*lo, *hi), contiguous, so that merging the
 * shares in order reads the files in the single-process order. */
void fanout_share(size_t n, unsigned i, unsigned shards, size_t *lo,
		  size_t *hi);
/* Profiles files [lo, hi) into p (baseline or current mode, as po
 * says).  Prints errors; returns an exit code. */
int fanout_profile(const fanout_files *ff, size_t lo, size_t hi, dm_store *st,
		   const dm_profile_opts *po, dm_profile *p);

/* baselines/<model>/<version>/partials/ (with the slash) into out. */
int fanout_partials_prefix(const char *model, const char *version, char *out,
			   size_t n);
/* Writes share i of shards (files [lo, hi) of ff, profiled in p, which
 * it takes over) as a partial; prints the summary line.  fingerprint
 * identifies the run (files and options). */
int fanout_write_partial(dm_store *st, const char *model, const char *version,
			 unsigned i, unsigned shards, uint64_t fingerprint,
			 const fanout_files *ff, size_t lo, size_t hi,
			 dm_profile *p);
/* Reads the partials of shards shares (0: the one count found) and
 * merges them in order into p (unfinished); prints errors naming the
 * missing or inconsistent partials.  Returns an exit code. */
int fanout_merge_partials(dm_store *st, const char *model, const char *version,
			  unsigned shards, dm_profile *p);

#endif
