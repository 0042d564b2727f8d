/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The hour-profile JSON reader and writer, shared with the day roll-ups
 * (src/profile/dayprof.c): the same body under another format name,
 * version and time key, with extra top-level fields.
 */
#ifndef DRIFTMON_HOURPROF_INT_H
#define DRIFTMON_HOURPROF_INT_H

#include <jansson.h>

#include "core/jsonw.h"
#include "driftmon/hourprof.h"

struct hp_kind {
	const char *format;   /* "format" */
	unsigned version;     /* written; versions 1..version are read */
	const char *time_key; /* "hour" or "day" */
	const char *noun;     /* in messages: "hour profile" */
	const char *badfmt;   /* the message for another "format" */
	int sketch_version;   /* 0: as format_version; else the encoding */
	uint64_t max_items;   /* points per numeric feature read */
};

/* "YYYY-MM-DDTHH:00:00Z" of the hour starting at t (seconds, UTC). */
void hp_hour_iso(int64_t t, char *buf, size_t n);

/* dm_hour_profile_take with at most max[i] points for feature i (NULL:
 * DM_HOUR_SKETCH_ITEMS each). */
dm_err hp_take_max(dm_hour_profile *hp, dm_profile *cur, const dm_profile *ref,
		   const size_t *max);

/* Writes the extra top-level fields (before baseline_fingerprint). */
typedef void (*hp_extra_write)(jw *w, const void *ctx);
/* Reads them from root once the rest is read and checked. */
typedef dm_err (*hp_extra_read)(json_t *root, void *ctx, const char *name,
				dm_diag *diag);

dm_err hp_json_write(const dm_hour_profile *hp, const char *model,
		     const char *version, const struct hp_kind *kind,
		     hp_extra_write extra, const void *ectx, char **out,
		     size_t *len);
dm_err hp_json_read(const char *json, size_t len, const char *name,
		    const char *model, const char *version, int64_t hour,
		    const dm_profile *ref, const struct hp_kind *kind,
		    hp_extra_read extra, void *ectx, dm_hour_profile *hp,
		    dm_diag *diag);

#endif
