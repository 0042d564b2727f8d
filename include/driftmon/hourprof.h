/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Hourly profiles (docs/hourly-profiles.md): the current-mode profile of
 * one hour of one model version's inference logs against its baseline,
 * stored once under dm_layout_hour_profile_key (driftmon/layout.h):
 *   profiles/<model>/<version>/year=YYYY/month=MM/day=DD/hour=HH/profile.json
 * with the list of log files it covers, so that a window of any length is
 * the merge of its hours' profiles and an hour of logs is read once.
 *
 * Counts, missing, invalid and unseen counts, bins, categories, schema
 * findings and row accounts merge exactly; moments up to rounding (Chan's
 * merge, grouped by hour); the quantile sketch is stored as at most
 * DM_HOUR_SKETCH_ITEMS weighted points per feature (exact while the hour
 * has at most that many values) and the window's sketch carries the
 * summed, proven rank-error bound.
 */
#ifndef DRIFTMON_HOURPROF_H
#define DRIFTMON_HOURPROF_H

#include <stddef.h>
#include <stdint.h>

#include "driftmon/error.h"
#include "driftmon/export.h"
#include "driftmon/detect.h"
#include "driftmon/profile.h"
#include "driftmon/store.h"

#ifdef __cplusplus
extern "C" {
#endif

#define DM_HOUR_PROFILE_FORMAT_VERSION 2
/* Weighted points kept per numeric feature in an hour profile: the
 * stored sketch's rank error grows by at most 2 / this (0.2%). */
#define DM_HOUR_SKETCH_ITEMS 1024
/* Largest hour profile read (bytes). */
#define DM_HOUR_PROFILE_MAX_BYTES (256u << 20)

/* What became of one log file of the hour. */
typedef enum dm_hour_file_state {
	DM_HOUR_FILE_READ = 0,
	DM_HOUR_FILE_EMPTY = 1,	    /* no rows yet (skipped, lenient) */
	DM_HOUR_FILE_UNREADABLE = 2 /* skipped with a warning (lenient) */
} dm_hour_file_state;

typedef struct dm_hour_file {
	char *key;     /* store key of the log file */
	uint64_t size; /* its size in bytes when profiled */
	dm_hour_file_state state;
} dm_hour_file;

/* A numeric feature's sketch as sorted weighted points. */
typedef struct dm_hour_items {
	double *v;
	uint64_t *w;
	size_t n;
	uint64_t total; /* sum of w: the feature's count */
	double err_w;	/* proven rank-error bound, in weight (not /total) */
} dm_hour_items;

typedef struct dm_hour_profile {
	int64_t hour;		   /* start of the hour, seconds since 1970 */
	char *baseline_created_at; /* created_at of the baseline used */
	/* what the profile depends on in that baseline (names, types,
	 * roles, bin edges, reference categories): FNV-1a 64 */
	uint64_t baseline_fingerprint;
	dm_hour_file *files;
	size_t nfiles;
	char first_unreadable[200]; /* the first unreadable file's error */
	/* The hour's profile against the baseline, or an empty profile
	 * (nfeat 0) when no file had rows.  Numeric features have no live
	 * sketch: their points are in items[i] (prof.nfeat entries). */
	dm_profile prof;
	dm_hour_items *items;
} dm_hour_profile;

/* Initialises an empty hour profile of the hour starting at hour. */
DM_API void dm_hour_profile_init(dm_hour_profile *hp, int64_t hour);
/* Releases everything hp owns; hp may be NULL. */
DM_API void dm_hour_profile_release(dm_hour_profile *hp);
/* Records one log file of the hour (key copied). */
DM_API dm_err dm_hour_profile_add_file(dm_hour_profile *hp, const char *key,
				       uint64_t size, dm_hour_file_state state);
/*
 * Takes the hour's current-mode profile cur (built against the baseline
 * ref, whose created_at is recorded): cur's contents move into hp->prof
 * (cur is left empty, to be released) and each numeric sketch becomes at
 * most DM_HOUR_SKETCH_ITEMS points.
 */
DM_API dm_err dm_hour_profile_take(dm_hour_profile *hp, dm_profile *cur,
				   const dm_profile *ref);
/* Serialises hp (docs/hourly-profiles.md).  *out is malloc'd. */
DM_API dm_err dm_hour_profile_to_json(const dm_hour_profile *hp,
				      const char *model, const char *version,
				      char **out, size_t *len);
/*
 * Parses an hour profile of model/version for the hour starting at hour,
 * profiled against the baseline ref, into hp (initialised here).
 * DM_EVERSION for another format version, DM_ESCHEMA if it was profiled
 * against another baseline (created_at, features or bin edges differ)
 * or is of another model, version or hour, DM_EFORMAT naming the field
 * for anything malformed or inconsistent (truncated files included).
 * On error hp is released.
 */
DM_API dm_err dm_hour_profile_from_json(const char *json, size_t len,
					const char *name, const char *model,
					const char *version, int64_t hour,
					const dm_profile *ref,
					dm_hour_profile *hp, dm_diag *diag);
/* 1 if hp covers exactly the data files keys[0..n) (the hour's listing,
 * data files only, any order), 0 if a file arrived or went since. */
DM_API int dm_hour_profile_covers(const dm_hour_profile *hp, char *const *keys,
				  size_t n);

/* The merge of hour profiles into a window's profile. */
typedef struct dm_window_acc {
	dm_profile prof; /* merged so far (nfeat 0 until a non-empty hour) */
	/* private: per feature (prof.nfeat), the sketch points folded so
	 * far and those of the hours since (at most k + k/2 in all) */
	struct dm_item_runs *runs;
	uint64_t files_read, files_empty, files_unreadable;
	char first_unreadable[200];
} dm_window_acc;

DM_API void dm_window_acc_init(dm_window_acc *w);
DM_API void dm_window_acc_release(dm_window_acc *w);
/* Merges hp (hours in ascending order) into w; hp's profile may be
 * moved into w (hp stays releasable).  DM_ESCHEMA if the feature sets
 * differ. */
DM_API dm_err dm_window_acc_add(dm_window_acc *w, dm_hour_profile *hp,
				dm_diag *diag);
/* Moves the window's profile into *out (released and replaced), with a
 * frozen sketch per numeric feature from the merged points; w keeps its
 * file counts. */
DM_API dm_err dm_window_acc_finish(dm_window_acc *w, dm_profile *out);

/* ------------------------------------------------------------------ */
/* Windows from hour profiles (src/job/hourwin.c)                   */
/* ------------------------------------------------------------------ */
typedef struct dm_hourly_opts {
	int use_profiles;   /* read fresh hour profiles (0: every hour raw) */
	int write_profiles; /* store the profile of each hour read raw */
	int lenient;	    /* skip unreadable and empty log files */
	int rebuild;	    /* read every hour raw even if its profile is
			     * fresh (backfill --force) */
	/* Only the hours whose index from start is shard_index modulo
	 * shard_count (0 / 0 or 1: every hour); a Kubernetes Indexed Job's
	 * JOB_COMPLETION_INDEX / JOB_COMPLETIONS. */
	unsigned shard_index, shard_count;
	/* Optional: one sentence per warning (a skipped log file, a stale,
	 * corrupt or foreign hour profile rebuilt, a profile not written). */
	void (*warn)(void *ctx, const char *msg);
	void *warn_ctx;
	/* Optional: each hour's profile, in order, before it is merged
	 * (from a day roll-up: counts, bins and categories only). */
	void (*on_hour)(void *ctx, const dm_hour_profile *hp);
	void *hour_ctx;
	/* Neither read nor write day roll-ups
	 * (profiles/.../day=DD/day.json): whole days are still merged as
	 * days, from their hours, so the result is the same. */
	int no_days;
} dm_hourly_opts;

typedef struct dm_hourly_stats {
	uint64_t hours;		/* hours of the window */
	uint64_t hours_empty;	/* without log files */
	uint64_t from_profiles; /* hours merged from a fresh profile */
	uint64_t read_raw;	/* hours whose logs were read */
	uint64_t rebuilt;	/* stale, corrupt or foreign profiles */
	uint64_t written;	/* hour profiles stored */
	uint64_t from_days;	/* of from_profiles: via a day roll-up */
	uint64_t days_rebuilt;	/* stale or corrupt day roll-ups */
	uint64_t days_written;	/* day roll-ups stored */
} dm_hourly_stats;

/*
 * The profile of the model version's logs in the hours [start, end)
 * (multiples of 3600) against po->reference, as the merge of the hours'
 * profiles: an hour with a fresh profile (covering exactly the hour's
 * log files, made against this baseline) is not read; any other hour is
 * read from its log files (inference-logs/year=.../hour=HH/) and, with
 * write_profiles, its profile stored.  A profile that is corrupt,
 * truncated, of another format version or baseline, or stale (a file
 * arrived or went) gives a warning and is rebuilt, never trusted.
 * *cur is released and replaced; acct gets the files read, empty and
 * unreadable (from_window set); stats (may be NULL) what was done.
 * With cur and acct NULL the hours are only profiled and stored (a
 * backfill): nothing is merged.
 *
 * Whole UTC days of the window (unless sharded) are merged as days: the
 * merge of their 24 hours with the sketch points cut to
 * DM_HOUR_SKETCH_ITEMS, read from the day roll-up
 * profiles/<model>/<version>/year=YYYY/month=MM/day=DD/day.json when it
 * is fresh (each hour's log files are those it recorded), otherwise
 * built from the hours (with a warning if it was stale or corrupt) and,
 * with write_profiles, stored.  The result does not depend on whether
 * the roll-up was there.  on_hour then gets, for the hours of a roll-up,
 * profiles holding only each feature's count, bins and baseline
 * categories' counts (what dm_feature_psi reads).
 */
DM_API dm_err dm_window_profile_hourly(dm_store *st, const char *model,
				       const char *version, int64_t start,
				       int64_t end, const dm_profile_opts *po,
				       const dm_hourly_opts *ho,
				       dm_profile *cur, dm_data_account *acct,
				       dm_hourly_stats *stats, dm_diag *diag);

#ifdef __cplusplus
}
#endif
#endif
