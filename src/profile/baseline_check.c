/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A baseline read from storage is checked as a whole before anything
 * trusts it: a hand-edited or hostile file must fail with a message
 * naming the field, never produce a false verdict (a duplicated
 * category once made the training data "drift" against itself with an
 * unseen count near 2^64).
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "driftmon/profile.h"
#include "profile/profile_int.h"

static dm_err bad(dm_diag *diag, const char *name, const char *feat,
		  const char *why)
{
	return dm_diag_set(diag, DM_EFORMAT, name, 0, NULL,
			   "feature '%.150s': %s", feat, why);
}

/* FNV-1a over a NUL-terminated string. */
static uint64_t str_hash(const char *s)
{
	uint64_t h = 1469598103934665603ull;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ull;
	}
	return h;
}

/* Nonzero if two categories of f share a value (a hash set over the
 * category numbers; at most DM_MAX_CATEGORIES of them). */
static int has_duplicate_category(const dm_feature *f, size_t *dup)
{
	size_t cap = 16, i, j;
	uint32_t *slot;
	int found = 0;

	while (cap < 2 * f->ncats)
		cap *= 2;
	slot = calloc(cap, sizeof(*slot));
	if (!slot)
		return -1;
	for (i = 0; i < f->ncats && !found; i++) {
		for (j = str_hash(f->cats[i].value) & (cap - 1); slot[j];
		     j = (j + 1) & (cap - 1)) {
			if (strcmp(f->cats[slot[j] - 1].value,
				   f->cats[i].value) == 0) {
				found = 1;
				*dup = i;
				break;
			}
		}
		if (!found)
			slot[j] = (uint32_t)(i + 1);
	}
	free(slot);
	return found;
}

/* a + b, or UINT64_MAX when it would wrap. */
static uint64_t add_sat(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

static dm_err check_categorical(const dm_feature *f, const char *name,
				dm_diag *diag)
{
	uint64_t sum = f->other;
	size_t i, dup = 0;
	int d;

	if (f->ncats > DM_MAX_CATEGORIES)
		return bad(diag, name, f->name, "more categories than allowed");
	/* (a category may have count 0: a boolean keeps both "false" and
	 * "true") */
	for (i = 0; i < f->ncats; i++)
		sum = add_sat(sum, f->cats[i].count);
	d = has_duplicate_category(f, &dup);
	if (d < 0)
		return DM_ENOMEM;
	if (d)
		return dm_diag_set(diag, DM_EFORMAT, name, 0, NULL,
				   "feature '%.150s': category '%.100s' "
				   "appears twice",
				   f->name, f->cats[dup].value);
	if (sum != f->count)
		return dm_diag_set(diag, DM_EFORMAT, name, 0, NULL,
				   "feature '%.150s': category counts add "
				   "up to %llu, not its count %llu",
				   f->name, (unsigned long long)sum,
				   (unsigned long long)f->count);
	return DM_OK;
}

static dm_err check_numeric(const dm_feature *f, const char *name,
			    dm_diag *diag)
{
	uint64_t sum = 0;
	size_t i;

	for (i = 0; i < f->nedges; i++)
		if (!isfinite(f->edges[i]) ||
		    (i > 0 && !(f->edges[i] > f->edges[i - 1])))
			return bad(diag, name, f->name,
				   "bin edges must be finite and increasing");
	for (i = 0; f->bins && i <= f->nedges; i++)
		sum = add_sat(sum, f->bins[i]);
	if (f->bins && sum != f->count)
		return dm_diag_set(diag, DM_EFORMAT, name, 0, NULL,
				   "feature '%.150s': bin counts add up to "
				   "%llu, not its count %llu",
				   f->name, (unsigned long long)sum,
				   (unsigned long long)f->count);
	if (f->count > 0 && !pf_moments_overflowed(&f->mom) &&
	    (!isfinite(f->mom.mean) || !isfinite(f->mom.m2) || f->mom.m2 < 0 ||
	     !isfinite(f->mom.min) || !isfinite(f->mom.max) ||
	     f->mom.min > f->mom.max ||
	     f->mom.mean < f->mom.min - 1e-9 * fabs(f->mom.min) - 1e-300 ||
	     f->mom.mean > f->mom.max + 1e-9 * fabs(f->mom.max) + 1e-300))
		return bad(diag, name, f->name,
			   "mean, m2, min and max are not consistent "
			   "(finite, min <= mean <= max, m2 >= 0)");
	return DM_OK;
}

dm_err dmp_baseline_validate(dm_profile *p, const char *name, dm_diag *diag)
{
	size_t i;
	dm_err err;

	for (i = 0; i < p->nfeat; i++) {
		const dm_feature *f = &p->feat[i];

		if (strlen(f->name) > DM_MAX_NAME_BYTES)
			return dm_diag_set(diag, DM_EFORMAT, name, 0, NULL,
					   "feature %zu: name of %zu bytes "
					   "(at most %d bytes)",
					   i, strlen(f->name),
					   DM_MAX_NAME_BYTES);
		if (dm_profile_find(p, f->name) != f)
			return bad(diag, name, f->name,
				   "duplicate feature name");
		if (add_sat(f->count, f->missing) > p->rows && p->rows != 0)
			return dm_diag_set(diag, DM_EFORMAT, name, 0, NULL,
					   "feature '%.150s': count + missing "
					   "(%llu) exceed the baseline's rows "
					   "(%llu)",
					   f->name,
					   (unsigned long long)add_sat(
						   f->count, f->missing),
					   (unsigned long long)p->rows);
		if (!(f->importance >= 0) || !isfinite(f->importance))
			return bad(diag, name, f->name,
				   "importance must be a finite number >= 0");
		/* Columns that are not analysed keep counts only. */
		if (!dm_role_analysed(f->role))
			continue;
		err = f->type == DM_FEATURE_CATEGORICAL
			      ? check_categorical(f, name, diag)
			      : check_numeric(f, name, diag);
		if (err != DM_OK)
			return err;
	}
	return DM_OK;
}
