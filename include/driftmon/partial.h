/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Baseline partials (docs/fanout.md): a sharded baseline build profiles
 * each share of the training files in its own process and stores the
 * unfinished profile of that share; a merge step merges the shares in
 * order and finishes the baseline.  A partial carries the whole
 * baseline-mode state (counts, moments, the live quantile sketch level by
 * level, categories, missing markers, the type and role evidence and the
 * multivariate co-moments), so that the merged baseline equals a
 * single-process build on the same files: exactly for counts, categories,
 * types and roles, moments to rounding, bin edges exactly while the
 * sketch holds every value and within its bound beyond.
 */
#ifndef DRIFTMON_PARTIAL_H
#define DRIFTMON_PARTIAL_H

#include <stddef.h>
#include <stdint.h>

#include "driftmon/error.h"
#include "driftmon/export.h"
#include "driftmon/profile.h"

#ifdef __cplusplus
extern "C" {
#endif

#define DM_PARTIAL_FORMAT_VERSION 1

typedef struct dm_partial {
	char *model;
	char *model_version;
	unsigned shard;	 /* 0-based index of this share */
	unsigned shards; /* shares of the run */
	/* FNV-1a 64 of the run's whole input file list and profiling
	 * options: partials of one run share it */
	uint64_t run_fingerprint;
	uint64_t files_total; /* input files of the whole run */
	char **files;	      /* this share's files, in order */
	uint64_t *sizes;      /* their sizes when read (0 unknown) */
	size_t nfiles;
	char *created_at;
	/* baseline mode, not finished (dm_profile_finish not called); its
	 * spec_yaml is the spec the share was built with, or NULL */
	dm_profile prof;
} dm_partial;

DM_API void dm_partial_init(dm_partial *pt);
DM_API void dm_partial_release(dm_partial *pt);
/* Appends a file of the share; DM_ENOMEM. */
DM_API dm_err dm_partial_add_file(dm_partial *pt, const char *key,
				  uint64_t size);
/* Serialises pt (one line of JSON, no indentation). */
DM_API dm_err dm_partial_to_json(const dm_partial *pt, char **out, size_t *len);
/* Parses and checks a partial (name for messages).  DM_EFORMAT with a
 * diag naming name and the field when it is not a whole, consistent
 * partial of this format_version. */
DM_API dm_err dm_partial_from_json(const char *json, size_t len,
				   const char *name, dm_partial *pt,
				   dm_diag *diag);
/* dst := dst's rows followed by src's (two unfinished baseline-mode
 * profiles of the same columns; src may be changed: a column that was
 * all missing in one takes the other's type).  DM_ESCHEMA with a diag
 * when the columns, bins, sketch size or a column's type differ. */
DM_API dm_err dm_partial_merge(dm_profile *dst, dm_profile *src, dm_diag *diag);

#ifdef __cplusplus
}
#endif

#endif
