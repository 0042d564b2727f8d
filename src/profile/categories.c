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

/* The table of indices rebuilt at capacity cap; fnv: each category's
 * pf_hash_bytes, or NULL to compute them. */
static int cat_rehash_with(dm_feature *f, size_t cap, const uint64_t *fnv)
{
	uint32_t *t = calloc(cap, sizeof(*t));
	size_t i;

	if (!t)
		return -1;
	for (i = 0; i < f->ncats; i++) {
		const char *v = f->cats[i].value;
		size_t j = (fnv ? fnv[i] : pf_hash_bytes(v, strlen(v))) &
			   (cap - 1);

		while (t[j])
			j = (j + 1) & (cap - 1);
		t[j] = (uint32_t)(i + 1);
	}
	free(f->hash);
	f->hash = t;
	f->hash_cap = cap;
	return 0;
}

static int cat_rehash(dm_feature *f, size_t cap)
{
	return cat_rehash_with(f, cap, NULL);
}

/* A category is a C string: its text ends at the first NUL byte (a
 * Parquet BLOB's bytes may hold one), so that the hash, the comparison
 * and the stored copy (strndup) all see the same bytes. */
static size_t cat_len(const char *s, size_t n)
{
	const char *z = memchr(s, '\0', n);

	return z ? (size_t)(z - s) : n;
}

long pf_cat_index(dm_feature *f, const char *s, size_t n, int add)
{
	size_t j;
	dm_category *c;

	n = cat_len(s, n);

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

/* A reference category by its value without the spaces around it. */
struct pf_loose_cat {
	const char *p; /* into the category's value */
	size_t n;
	size_t ix;
};

static int cmp_loose(const void *a, const void *b)
{
	const struct pf_loose_cat *x = a, *y = b;
	int c;

	if (x->n != y->n)
		return x->n < y->n ? -1 : 1;
	c = memcmp(x->p, y->p, x->n);
	return c ? c : (x->ix > y->ix) - (x->ix < y->ix);
}

long pf_cat_loose(dm_feature *f, pf_evidence *e, const char *s, size_t n,
		  size_t nref)
{
	struct pf_loose_cat key;
	size_t t = n, lo, hi, i;
	const char *p = pf_trim(s, &t);
	long j;

	if (t < n) { /* " Private" against "Private" */
		j = pf_cat_index(f, p, t, 0);
		if (j >= 0 && (size_t)j < nref)
			return j;
	}
	if (!e->loose_built) { /* "Private" against " Private" */
		e->loose_built = 1;
		for (i = 0; i < nref && i < f->ncats; i++) {
			size_t m = strlen(f->cats[i].value);
			const char *q = pf_trim(f->cats[i].value, &m);

			if (m == strlen(f->cats[i].value))
				continue;
			if (e->nloose % 16 == 0) {
				struct pf_loose_cat *nl =
					realloc(e->loose,
						(e->nloose + 16) * sizeof(*nl));

				if (!nl)
					return -2;
				e->loose = nl;
			}
			e->loose[e->nloose++] = (struct pf_loose_cat){q, m, i};
		}
		if (e->nloose)
			qsort(e->loose, e->nloose, sizeof(*e->loose),
			      cmp_loose);
	}
	/* the first of the padded categories with this value */
	key = (struct pf_loose_cat){p, t, 0};
	lo = 0;
	hi = e->nloose;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (cmp_loose(&e->loose[mid], &key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < e->nloose && e->loose[lo].n == t &&
	    !memcmp(e->loose[lo].p, p, t))
		return (long)e->loose[lo].ix;
	return -1;
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

/*
 * Which categories a baseline keeps of a column with more values than
 * DM_MAX_CATEGORIES.  Keeping the first ones seen made the test against
 * current data biased: a value is kept because it occurred early in the
 * training data, so the kept values' training counts run high against any
 * other sample (a column of 3,000 equally likely cities in 5,000 rows
 * "drifted" against itself at p = 1e-64; a Zipf-like long tail of product
 * names always did).  Kept now are the values whose key (a mix of the
 * value's hash) is smallest: a sample of the values that does not depend
 * on their counts or order, the same whatever the order of the rows or
 * how the data was split.  Once the table is full, a new value with a
 * smaller key than the largest kept takes that one's place, whose count
 * moves to "other"; a kept value was so from its first occurrence on (the
 * largest kept key only falls), so every count is exact.  Columns with at
 * most DM_MAX_CATEGORIES values keep them all, as before.
 */
struct pf_catsample {
	uint64_t fnv[DM_MAX_CATEGORIES]; /* pf_hash_bytes of each */
	uint64_t key[DM_MAX_CATEGORIES]; /* its sampling key */
	size_t imax;			 /* the largest key's index */
};

/* The FNV hash's bits spread for the keys. */
static uint64_t sample_key(uint64_t h)
{
	return pf_mix64(h);
}

uint64_t pf_cat_key(const char *s, size_t n)
{
	return sample_key(pf_hash_bytes(s, cat_len(s, n)));
}

static void find_max(struct pf_catsample *cs, size_t n)
{
	size_t i;

	cs->imax = 0;
	for (i = 1; i < n; i++)
		if (cs->key[i] > cs->key[cs->imax])
			cs->imax = i;
}

void pf_catsample_free(struct pf_catsample *cs)
{
	free(cs);
}

int pf_cat_count_sampled(dm_feature *f, pf_evidence *e, const char *s, size_t n,
			 uint64_t w)
{
	struct pf_catsample *cs = e->catsample;
	long i;
	uint64_t h, key;
	char *v;
	size_t k;

	n = cat_len(s, n);
	i = pf_cat_index(f, s, n, f->ncats < DM_MAX_CATEGORIES);

	if (i == -2)
		return -1;
	if (i >= 0) {
		f->cats[i].count += w;
		return 0;
	}
	/* the table is full and s is not in it */
	if (!cs) {
		if (!(cs = malloc(sizeof(*cs))))
			return -1;
		for (k = 0; k < f->ncats; k++) {
			const char *c = f->cats[k].value;

			cs->fnv[k] = pf_hash_bytes(c, strlen(c));
			cs->key[k] = sample_key(cs->fnv[k]);
		}
		find_max(cs, f->ncats);
		e->catsample = cs;
	}
	h = pf_hash_bytes(s, n);
	key = sample_key(h);
	f->cats_by_key = 1;
	if (key >= cs->key[cs->imax]) {
		f->other += w;
		return 0;
	}
	if (!(v = strndup(s, n)))
		return -1;
	k = cs->imax;
	f->other += f->cats[k].count;
	free(f->cats[k].value);
	f->cats[k].value = v;
	f->cats[k].count = w;
	cs->fnv[k] = h;
	cs->key[k] = key;
	find_max(cs, f->ncats);
	return cat_rehash_with(f, f->hash_cap, cs->fnv);
}

static int by_count(const void *a, const void *b)
{
	const dm_category *x = a, *y = b;

	if (x->count != y->count)
		return x->count < y->count ? 1 : -1;
	return strcmp(x->value, y->value);
}

int pf_cats_by_key_order(dm_feature *f)
{
	if (!f->cats_by_key || f->ncats < 2)
		return 0;
	/* the kept set is the same whatever the order of the rows; its
	 * order in the table is not: most frequent first, then by value */
	qsort(f->cats, f->ncats, sizeof(*f->cats), by_count);
	return cat_rehash(f, f->hash_cap);
}
