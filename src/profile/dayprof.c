/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Day roll-ups (dayprof.h, docs/hourly-profiles.md): the merged profile
 * of a UTC day in the hour-profile format (its own name, version and
 * "day" key) plus, per hour, the number of log files it covered and the
 * counts its PSI is computed from.
 */
#include <inttypes.h>
#include <stdint.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "profile/dayprof.h"
#include "profile/hourprof_int.h"
#include "profile/json_get.h"

static const struct hp_kind day_kind = {"driftmon-day-profile",
					DM_DAY_PROFILE_FORMAT_VERSION,
					"day",
					"day roll-up",
					"not a driftmon day roll-up",
					DM_HOUR_PROFILE_FORMAT_VERSION,
					DM_DAY_SKETCH_ITEMS_MAX};

void dm_day_profile_init(dm_day_profile *dp, int64_t day)
{
	memset(dp, 0, sizeof(*dp));
	dm_hour_profile_init(&dp->hp, day);
	for (int j = 0; j < 24; j++)
		dp->hours[j].rows = -1;
}

void dm_day_profile_release(dm_day_profile *dp)
{
	int j;

	if (!dp)
		return;
	dm_hour_profile_release(&dp->hp);
	free(dp->npts);
	for (j = 0; j < 24; j++)
		free(dp->hours[j].trend);
	memset(dp, 0, sizeof(*dp));
}

/* What the trend keeps of baseline feature f after its count. */
static size_t trend_len(const dm_feature *f)
{
	if (!dm_role_analysed(f->role))
		return 0;
	return f->type == DM_FEATURE_NUMERIC ? f->nedges + 1 : f->ncats;
}

static size_t trend_total(const dm_profile *ref)
{
	size_t i, n = 0;

	for (i = 0; i < ref->nfeat; i++)
		n += 1 + trend_len(&ref->feat[i]);
	return n;
}

dm_err dm_day_profile_note_hour(dm_day_profile *dp, int j,
				const dm_hour_profile *hp,
				const dm_profile *ref)
{
	dm_day_hour *dh = &dp->hours[j];
	size_t i, k, o = 0;
	dm_err err;

	for (i = 0; i < hp->nfiles; i++)
		if ((err = dm_hour_profile_add_file(
			     &dp->hp, hp->files[i].key, hp->files[i].size,
			     hp->files[i].state)) != DM_OK)
			return err;
	if (hp->nfiles && !dp->hp.first_unreadable[0])
		memcpy(dp->hp.first_unreadable, hp->first_unreadable,
		       sizeof(dp->hp.first_unreadable));
	dh->nfiles = hp->nfiles;
	if (hp->items && hp->prof.nfeat == ref->nfeat && ref->nfeat) {
		if (!dp->npts &&
		    !(dp->npts = calloc(ref->nfeat, sizeof(*dp->npts))))
			return DM_ENOMEM;
		/* an hour that already cut its points makes the day
		 * inexact whatever its size (SIZE_MAX) */
		for (i = 0; i < ref->nfeat; i++)
			dp->npts[i] = hp->items[i].err_w > 0 ||
						      dp->npts[i] == SIZE_MAX
					      ? SIZE_MAX
					      : dp->npts[i] + hp->items[i].n;
	}
	free(dh->trend);
	dh->trend = NULL;
	dh->ntrend = 0;
	if (hp->nfiles == 0) {
		dh->rows = -1;
		return DM_OK;
	}
	if (hp->prof.nfeat != ref->nfeat || ref->nfeat == 0) {
		dh->rows = 0;
		return DM_OK;
	}
	dh->rows = 1;
	dh->ntrend = trend_total(ref);
	dh->trend = calloc(dh->ntrend, sizeof(uint64_t));
	if (!dh->trend)
		return DM_ENOMEM;
	for (i = 0; i < ref->nfeat; i++) {
		const dm_feature *b = &ref->feat[i], *c = &hp->prof.feat[i];
		size_t n = trend_len(b);

		dh->trend[o++] = c->count;
		if (n && b->type == DM_FEATURE_NUMERIC) {
			for (k = 0; c->bins && k < n && k <= c->nedges; k++)
				dh->trend[o + k] = c->bins[k];
		} else if (n) {
			for (k = 0; k < n; k++) {
				size_t m;

				for (m = 0; m < c->ncats; m++)
					if (strcmp(c->cats[m].value,
						   b->cats[k].value) == 0)
						break;
				dh->trend[o + k] =
					m < c->ncats ? c->cats[m].count : 0;
			}
		}
		o += n;
	}
	return DM_OK;
}

static void write_hours(jw *w, const void *ctx)
{
	const dm_day_profile *dp = ctx;
	char iso[32];
	size_t k;
	int j;

	jw_key(w, "hours");
	jw_arr(w);
	for (j = 0; j < 24; j++) {
		const dm_day_hour *dh = &dp->hours[j];

		hp_hour_iso(dp->hp.hour + 3600 * (int64_t)j, iso, sizeof(iso));
		jw_obj(w);
		jw_key(w, "hour");
		jw_str(w, iso);
		jw_key(w, "files");
		jw_u64(w, dh->nfiles);
		jw_key(w, "trend");
		if (dh->rows < 0) {
			jw_null(w);
		} else {
			jw_arr(w);
			for (k = 0; k < dh->ntrend; k++)
				jw_u64(w, dh->trend[k]);
			jw_arr_end(w);
		}
		jw_obj_end(w);
	}
	jw_arr_end(w);
}

dm_err dm_day_profile_to_json(const dm_day_profile *dp, const char *model,
			      const char *version, char **out, size_t *len)
{
	return hp_json_write(&dp->hp, model, version, &day_kind, write_hours,
			     dp, out, len);
}

struct rd {
	dm_day_profile *dp;
	const dm_profile *ref;
};

static dm_err bad_hours(const char *name, dm_diag *diag, int j, const char *why)
{
	return dm_diag_set(diag, DM_EFORMAT, name, 0, NULL,
			   "day roll-up field 'hours[%d]': %s", j, why);
}

/* Bins add up to the count; categories at most to it. */
static int trend_ok(const dm_profile *ref, const uint64_t *t)
{
	size_t i, k, o = 0;

	for (i = 0; i < ref->nfeat; i++) {
		const dm_feature *b = &ref->feat[i];
		size_t n = trend_len(b);
		uint64_t count = t[o++], sum = 0;

		for (k = 0; k < n; k++)
			sum += t[o + k];
		o += n;
		if (n && b->type == DM_FEATURE_NUMERIC ? sum != count
						       : sum > count)
			return 0;
	}
	return 1;
}

static dm_err read_hours(json_t *root, void *ctx, const char *name,
			 dm_diag *diag)
{
	struct rd *r = ctx;
	dm_day_profile *dp = r->dp;
	json_t *hours = json_object_get(root, "hours"), *jh;
	size_t total = 0, want = trend_total(r->ref), k;
	char iso[32];
	int j;

	if (!json_is_array(hours) || json_array_size(hours) != 24)
		return dm_diag_set(diag, DM_EFORMAT, name, 0, NULL,
				   "day roll-up field 'hours': must be an "
				   "array of 24 hours");
	for (j = 0; j < 24; j++) {
		dm_day_hour *dh = &dp->hours[j];
		json_t *t;
		uint64_t nf;

		jh = json_array_get(hours, (size_t)j);
		t = json_object_get(jh, "trend");
		hp_hour_iso(dp->hp.hour + 3600 * (int64_t)j, iso, sizeof(iso));
		if (!json_is_string(json_object_get(jh, "hour")) ||
		    strcmp(json_string_value(json_object_get(jh, "hour")),
			   iso) != 0 ||
		    pj_get_u64(jh, "files", &nf) || !t)
			return bad_hours(name, diag, j,
					 "needs its 'hour', 'files' and "
					 "'trend'");
		dh->nfiles = (size_t)nf;
		total += dh->nfiles;
		if (json_is_null(t)) {
			if (nf)
				return bad_hours(name, diag, j,
						 "an hour with files needs "
						 "a trend");
			dh->rows = -1;
			continue;
		}
		if (!json_is_array(t) || nf == 0)
			return bad_hours(name, diag, j,
					 "'trend' must be null for an hour "
					 "without files, else an array");
		if (json_array_size(t) == 0) {
			dh->rows = 0;
			continue;
		}
		if (json_array_size(t) != want || want == 0)
			return bad_hours(name, diag, j,
					 "'trend' does not match the "
					 "baseline's features");
		dh->trend = malloc(want * sizeof(uint64_t));
		if (!dh->trend)
			return DM_ENOMEM;
		dh->ntrend = want;
		dh->rows = 1;
		for (k = 0; k < want; k++) {
			json_t *x = json_array_get(t, k);

			if (!json_is_integer(x) || json_integer_value(x) < 0)
				return bad_hours(name, diag, j,
						 "trend counts must be "
						 "non-negative integers");
			dh->trend[k] = (uint64_t)json_integer_value(x);
		}
		if (!trend_ok(r->ref, dh->trend))
			return bad_hours(name, diag, j,
					 "trend counts do not add up");
	}
	if (total != dp->hp.nfiles)
		return dm_diag_set(diag, DM_EFORMAT, name, 0, NULL,
				   "day roll-up field 'hours': %zu files "
				   "by hour, %zu listed",
				   total, dp->hp.nfiles);
	return DM_OK;
}

dm_err dm_day_profile_from_json(const char *json, size_t len, const char *name,
				const char *model, const char *version,
				int64_t day, const dm_profile *ref,
				dm_day_profile *dp, dm_diag *diag)
{
	struct rd r = {dp, ref};
	dm_err err;

	dm_day_profile_init(dp, day);
	err = hp_json_read(json, len, name, model, version, day, ref, &day_kind,
			   read_hours, &r, &dp->hp, diag);
	if (err != DM_OK)
		dm_day_profile_release(dp);
	return err;
}

int dm_day_profile_stale_hour(const dm_day_profile *dp, char **const keys[24],
			      const size_t n[24])
{
	size_t off = 0, i, m;
	int j;

	for (j = 0; j < 24; j++) {
		const dm_day_hour *dh = &dp->hours[j];

		if (n[j] != dh->nfiles || off + dh->nfiles > dp->hp.nfiles)
			return j;
		for (i = 0; i < n[j]; i++) {
			for (m = 0; m < dh->nfiles; m++)
				if (strcmp(keys[j][i],
					   dp->hp.files[off + m].key) == 0)
					break;
			if (m == dh->nfiles)
				return j;
		}
		off += dh->nfiles;
	}
	return -1;
}

dm_err dm_day_profile_replay(const dm_day_profile *dp, const dm_profile *ref,
			     void (*on_hour)(void *ctx,
					     const dm_hour_profile *hp),
			     void *ctx)
{
	dm_hour_profile tmp;
	dm_feature *feat;
	dm_category *cats = NULL;
	size_t i, k, ncat = 0, o, co;
	int j;

	for (i = 0; i < ref->nfeat; i++)
		if (ref->feat[i].type != DM_FEATURE_NUMERIC)
			ncat += trend_len(&ref->feat[i]);
	feat = calloc(ref->nfeat + 1, sizeof(*feat));
	cats = calloc(ncat + 1, sizeof(*cats));
	if (!feat || !cats) {
		free(feat);
		free(cats);
		return DM_ENOMEM;
	}
	for (j = 0; j < 24; j++) {
		const dm_day_hour *dh = &dp->hours[j];

		if (dh->rows < 0)
			continue;
		memset(&tmp, 0, sizeof(tmp));
		tmp.hour = dp->hp.hour + 3600 * (int64_t)j;
		if (dh->rows > 0) {
			tmp.prof.feat = feat;
			tmp.prof.nfeat = ref->nfeat;
		}
		for (i = 0, o = 0, co = 0; dh->rows > 0 && i < ref->nfeat;
		     i++) {
			const dm_feature *b = &ref->feat[i];
			dm_feature *c = &feat[i];
			size_t n = trend_len(b);

			memset(c, 0, sizeof(*c));
			c->name = b->name;
			c->type = b->type;
			c->role = b->role;
			c->count = dh->trend[o++];
			if (n && b->type == DM_FEATURE_NUMERIC) {
				c->bins = &dh->trend[o];
				c->nedges = n - 1;
			} else if (n) {
				c->cats = &cats[co];
				c->ncats = n;
				for (k = 0; k < n; k++) {
					cats[co + k].value = b->cats[k].value;
					cats[co + k].count = dh->trend[o + k];
				}
				co += n;
			}
			o += n;
		}
		on_hour(ctx, &tmp);
	}
	free(feat);
	free(cats);
	return DM_OK;
}

dm_err dm_layout_day_profile_key(const char *model, const char *version,
				 int64_t day, char *out, size_t n,
				 dm_diag *diag)
{
	static const char tail[] = "hour=00/profile.json";
	size_t len;
	dm_err err;

	err = dm_layout_hour_profile_key(model, version, (time_t)day, out, n,
					 diag);
	if (err != DM_OK)
		return err;
	len = strlen(out);
	if (len < sizeof(tail) - 1 ||
	    strcmp(out + len - (sizeof(tail) - 1), tail) != 0)
		return dm_diag_set(diag, DM_EINVAL, NULL, 0, NULL,
				   "%lld is not the start of a day",
				   (long long)day);
	snprintf(out + len - (sizeof(tail) - 1), sizeof(tail), "day.json");
	return DM_OK;
}
