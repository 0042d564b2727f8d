/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The category table of a feature (dm_feature.cats, with its open-
 * addressing hash of indices + 1): lookup, insertion and counting.
 * Used by profiling (profile.c) and inference (infer.c), which
 * therefore depend on it and not on each other.
 */
#include <stdlib.h>
#include <string.h>

#include "driftmon/profile.h"
#include "profile/profile_int.h"

static int cat_rehash(dm_feature *f, size_t cap)
{
	uint32_t *t = calloc(cap, sizeof(*t));
	size_t i;

	if (!t)
		return -1;
	for (i = 0; i < f->ncats; i++) {
		const char *v = f->cats[i].value;
		size_t j = pf_hash_bytes(v, strlen(v)) & (cap - 1);

		while (t[j])
			j = (j + 1) & (cap - 1);
		t[j] = (uint32_t)(i + 1);
	}
	free(f->hash);
	f->hash = t;
	f->hash_cap = cap;
	return 0;
}

long pf_cat_index(dm_feature *f, const char *s, size_t n, int add)
{
	size_t j;
	dm_category *c;

	if (f->hash_cap) {
		j = pf_hash_bytes(s, n) & (f->hash_cap - 1);
		while (f->hash[j]) {
			const char *v = f->cats[f->hash[j] - 1].value;

			if (strncmp(v, s, n) == 0 && v[n] == '\0')
				return (long)f->hash[j] - 1;
			j = (j + 1) & (f->hash_cap - 1);
		}
	}
	if (!add || f->ncats >= DM_MAX_CATEGORIES)
		return -1;
	if (f->ncats == f->cats_cap) {
		size_t cap = f->cats_cap ? f->cats_cap * 2 : 16;

		c = realloc(f->cats, cap * sizeof(*c));
		if (!c)
			return -2;
		f->cats = c;
		f->cats_cap = cap;
	}
	c = &f->cats[f->ncats];
	c->value = strndup(s, n);
	if (!c->value)
		return -2;
	c->count = 0;
	f->ncats++;
	if (f->ncats * 2 > f->hash_cap) {
		size_t cap = f->hash_cap ? f->hash_cap * 2 : 64;

		while (cap < f->ncats * 2)
			cap *= 2;
		if (cat_rehash(f, cap) < 0) {
			free(c->value);
			f->ncats--;
			return -2;
		}
	} else {
		j = pf_hash_bytes(s, n) & (f->hash_cap - 1);
		while (f->hash[j])
			j = (j + 1) & (f->hash_cap - 1);
		f->hash[j] = (uint32_t)f->ncats;
	}
	return (long)f->ncats - 1;
}

int pf_cat_add(dm_feature *f, const char *s, uint64_t n)
{
	long i = pf_cat_index(f, s, strlen(s), 1);

	if (i == -2)
		return -1;
	if (i < 0)
		f->other += n;
	else
		f->cats[i].count += n;
	return 0;
}
