/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Day roll-ups of hour profiles (docs/hourly-profiles.md, "Day
 * roll-ups"): the merge of one UTC day's 24 hour profiles, stored at
 *   profiles/<model>/<version>/year=YYYY/month=MM/day=DD/day.json
 * with the log files each hour covered (the freshness check) and each
 * hour's counts the PSI trend needs, so a window covering the whole day
 * reads one file instead of 24.
 */
#ifndef DRIFTMON_DAYPROF_H
#define DRIFTMON_DAYPROF_H

#include "driftmon/hourprof.h"
#include "driftmon/layout.h"

#define DM_DAY_PROFILE_FORMAT_VERSION 1
/* Points read per numeric feature of a roll-up: a day keeps every point
 * of its hours while they are at most the sketch's k (so a window that
 * holds every value stays exact), else DM_HOUR_SKETCH_ITEMS. */
#define DM_DAY_SKETCH_ITEMS_MAX (1u << 20)

/* One hour of the day as the roll-up recorded it. */
typedef struct dm_day_hour {
	size_t nfiles; /* its log files: the next nfiles of hp.files */
	int rows;      /* -1 no files, 0 files but no rows, 1 trend below */
	/* per baseline feature: the count, then (analysed) the bin counts
	 * (numeric) or the baseline categories' counts (categorical) */
	uint64_t *trend;
	size_t ntrend;
} dm_day_hour;

typedef struct dm_day_profile {
	/* the day's merge as an hour profile (hp.hour: 00:00 UTC), its files
	 * those of the 24 hours in hour order, its points at most
	 * DM_HOUR_SKETCH_ITEMS per feature */
	dm_hour_profile hp;
	dm_day_hour hours[24];
	/* while built: per feature, the points its hours brought
	 * (SIZE_MAX once an hour had cut its points) */
	size_t *npts;
} dm_day_profile;

void dm_day_profile_init(dm_day_profile *dp, int64_t day);
void dm_day_profile_release(dm_day_profile *dp);
/* Records hour j's files and trend counts from its profile hp. */
dm_err dm_day_profile_note_hour(dm_day_profile *dp, int j,
				const dm_hour_profile *hp,
				const dm_profile *ref);
dm_err dm_day_profile_to_json(const dm_day_profile *dp, const char *model,
			      const char *version, char **out, size_t *len);
dm_err dm_day_profile_from_json(const char *json, size_t len, const char *name,
				const char *model, const char *version,
				int64_t day, const dm_profile *ref,
				dm_day_profile *dp, dm_diag *diag);
/* -1 if the hours' log files now (keys[j][0..n[j]), data files only)
 * are exactly those recorded; else the first hour (0..23) that
 * differs. */
int dm_day_profile_stale_hour(const dm_day_profile *dp, char **const keys[24],
			      const size_t n[24]);
/* Calls on_hour for each hour with rows, with a profile holding only
 * each feature's count, bins and baseline categories' counts (what
 * dm_feature_psi reads). */
dm_err dm_day_profile_replay(const dm_day_profile *dp, const dm_profile *ref,
			     void (*on_hour)(void *ctx,
					     const dm_hour_profile *hp),
			     void *ctx);
/* profiles/<model>/<version>/year=YYYY/month=MM/day=DD/day.json */
dm_err dm_layout_day_profile_key(const char *model, const char *version,
				 int64_t day, char *out, size_t n,
				 dm_diag *diag);

#endif
