/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Finding a feature of a profile by name (dm_profile_find) and the index
 * that makes it fast.  Its own file: profiling, the multivariate check
 * and the baseline reader all look features up.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "driftmon/profile.h"
#include "profile/profile_int.h"

/*
 * The name index: open addressing over feature numbers + 1 (0 = empty),
 * kept by every function that adds a feature.  A profile whose index
 * does not cover every feature (built by hand) is searched linearly.
 * Lookups only read it, so profiling threads may share a reference.
 */
struct dm_findex {
	uint32_t *slot;
	size_t cap; /* a power of two, at least twice n */
	size_t n;   /* features indexed: 0 .. n-1 */
};

static uint64_t name_hash(const char *s)
{
	uint64_t h = 1469598103934665603ull;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ull;
	}
	return h ^ (h >> 29);
}

static void findex_put(struct dm_findex *x, const dm_profile *p, size_t i)
{
	size_t j = name_hash(p->feat[i].name) & (x->cap - 1);

	while (x->slot[j])
		j = (j + 1) & (x->cap - 1);
	x->slot[j] = (uint32_t)(i + 1);
}

dm_err dmp_profile_index_add(dm_profile *p, size_t i)
{
	struct dm_findex *x = p->findex;
	size_t k;

	if (i >= UINT32_MAX)
		return DM_ETOOBIG;
	if (!x) {
		x = calloc(1, sizeof(*x));
		if (!x)
			return DM_ENOMEM;
		p->findex = x;
	}
	if (x->n != i) /* not covering every feature: stays stale */
		return DM_OK;
	if (2 * (x->n + 1) > x->cap) {
		size_t ncap = x->cap ? 2 * x->cap : 64;
		uint32_t *ns = calloc(ncap, sizeof(*ns));

		if (!ns)
			return DM_ENOMEM;
		free(x->slot);
		x->slot = ns;
		x->cap = ncap;
		for (k = 0; k < x->n; k++)
			findex_put(x, p, k);
	}
	findex_put(x, p, i);
	x->n++;
	return DM_OK;
}

void dmp_profile_index_free(dm_profile *p)
{
	if (p->findex)
		free(p->findex->slot);
	free(p->findex);
	p->findex = NULL;
}

dm_feature *dm_profile_find(const dm_profile *p, const char *name)
{
	const struct dm_findex *x = p->findex;
	size_t i, j;

	if (x && x->n == p->nfeat && x->cap) {
		for (j = name_hash(name) & (x->cap - 1); x->slot[j];
		     j = (j + 1) & (x->cap - 1)) {
			i = x->slot[j] - 1;
			if (strcmp(p->feat[i].name, name) == 0)
				return &p->feat[i];
		}
		return NULL;
	}
	for (i = 0; i < p->nfeat; i++)
		if (strcmp(p->feat[i].name, name) == 0)
			return &p->feat[i];
	return NULL;
}
