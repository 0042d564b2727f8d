/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A window's exact ECDF at the points of a reference step ECDF (a stored
 * baseline's sketch), for the KS statistic against that reference
 * without a sketch of the window.
 *
 * Design.  The reference is a step function F_ref with jumps at its
 * distinct points p_0 < ... < p_{m-1} (the sketch's values; extra points
 * of weight 0, e.g. the PSI bin edges, may be added).  Each window value
 * x falls in one of 2m + 1 slots: the open interval below p_0 (slot 0),
 * the point p_i (slot 2i + 1), the open interval (p_i, p_{i+1}) (slot
 * 2i + 2), the open interval above p_{m-1} (slot 2m).  The slot comes
 * from a branch-free binary search (the number of points <= x, then one
 * equality test); its trip count depends on m only, so the loop has no
 * data-dependent branch.  The searches of a run of values are made
 * before any of their counts is stored (count_run()): a count's store,
 * at an address the search computes, would otherwise hold up the loads
 * of the searches after it, and the searches of successive values would
 * run one after another rather than overlapped in the CPU (33% slower).
 * O(log m) per value, no sort, memory O(m).
 *
 * KS.  F_ref is constant on [p_i, p_{i+1}) and the window's ECDF F_w is
 * non-decreasing, so sup |F_ref - F_w| over that interval is reached at
 * p_i itself or just below p_{i+1} (the last window value in the open
 * interval, when there is one).  Both are known exactly from the slot
 * counts: F_w(p_i) = (values in slots <= 2i + 1) / n, F_w(p_{i+1}^-) =
 * (values in slots <= 2i + 2) / n.  These are the values at which the
 * merge walk of dm_ks_statistic() evaluates the two ECDFs (it looks at
 * every value of both samples; a window value inside an open interval
 * other than the last one there can give neither the maximum nor the
 * minimum of F_ref - F_w), with the same float operations, so D is
 * bit-identical to dm_ks_statistic() (and scipy's ks_2samp) on the
 * reference's weighted points and the full window.  The error of D
 * against the true training data is then the reference sketch's own rank
 * error alone (the window side is exact).
 *
 * Quantiles.  Values below p_0 or above p_{m-1} (the tails, rare unless
 * the window moved out of the reference's range) also go into a sketch
 * of their own, so quantiles falling there are sketch quantiles of the
 * window's values.  A quantile falling inside an open interval
 * (p_i, p_{i+1}) is given as p_{i+1}, the smallest reference point at
 * which F_w reaches it (the true value lies in the interval); one falling
 * on a point is exact.
 */
#include <emmintrin.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "driftmon/stats.h"
#include "stats/stats_int.h"

struct dm_ecdf_count {
	size_t m;	    /* distinct points */
	double *p;	    /* p[0..m-1], sorted, distinct; p[-1] and
			       p[m..m + 2^levels) are NaN */
	double *pbuf;	    /* the allocation of p */
	uint64_t *rcum;	    /* reference weight <= p[i] */
	uint64_t rtotal;    /* reference total weight */
	uint32_t *hot;	    /* 2m + 1 window counts since the last flush */
	uint64_t *slot;	    /* 2m + 1 flushed counts (NULL until needed) */
	uint64_t unflushed; /* values in hot */
	uint64_t n;	    /* window values counted */
	/* the grid that starts each search: a value v in bucket
	 * b = clamp((v - g0) * inv_w, 0, nb - 1) is above the first first[b]
	 * points and below those from first[b + 1] on */
	double g0, inv_w, nbm1;
	uint32_t *first; /* nb + 1 entries */
	unsigned levels; /* 2^levels > points in any bucket */
	dm_sketch *tail; /* the window's values outside [p_0, p_{m-1}] */
	uint32_t k;	 /* its capacity */
	double *pend;	 /* values added, not counted yet (PEND of them) */
	size_t npend;
	/* dm_ecdf_count_ks_test() of the values counted (ks_done), so that
	 * it can be computed on a worker thread before it is asked for */
	int ks_done;
	dm_ks_result ks;
};

/* the window's count in slot s */
static uint64_t cnt(const dm_ecdf_count *c, size_t s)
{
	return (c->slot ? c->slot[s] : 0) + c->hot[s];
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* The bucket of v (see struct dm_ecdf_count): non-decreasing in v, so a
 * point in a lower bucket is below v and one in a higher bucket above
 * it, whatever the rounding. */
static inline size_t bucket(const dm_ecdf_count *c, double v)
{
	__m128d d = _mm_set_sd((v - c->g0) * c->inv_w);

	/* maxsd, minsd: d > 0 ? d : 0 (NaN too), then d < nbm1 ? d : nbm1,
	 * without a branch; d is then in [0, nb - 1] */
	d = _mm_max_sd(d, _mm_setzero_pd());
	d = _mm_min_sd(d, _mm_set_sd(c->nbm1));
	return (size_t)_mm_cvttsd_si64(d);
}

/* Buckets of at most this many points on average: the grid spans the
 * points' middle (99.8% of them, the tails' points fall in the end
 * buckets). */
#define GRID_SHARE 1000

/* The padded copy of the m sorted points all[] and the grid. */
static dm_err make_grid(dm_ecdf_count *c, const double *all)
{
	size_t m = c->m, nb = 1, b, i, most = 0, lo, hi, pad;
	double span;

	while (nb * 2 <= m)
		nb *= 2;
	lo = m / GRID_SHARE;
	hi = m - 1 - m / GRID_SHARE;
	span = all[hi] - all[lo];
	c->g0 = all[lo];
	c->inv_w = span > 0.0 && isfinite(span) ? (double)nb / span : 0.0;
	if (!isfinite(c->inv_w))
		c->inv_w = 0.0;
	c->nbm1 = (double)(nb - 1);
	c->first = malloc((nb + 1) * sizeof(*c->first));
	if (!c->first)
		return DM_ENOMEM;
	for (i = 0, b = 0; b <= nb; b++) {
		while (i < m && bucket(c, all[i]) < b)
			i++;
		c->first[b] = (uint32_t)i;
	}
	for (b = 0; b < nb; b++)
		if (c->first[b + 1] - c->first[b] > most)
			most = c->first[b + 1] - c->first[b];
	for (c->levels = 0; ((size_t)1 << c->levels) <= most; c->levels++)
		;
	pad = (size_t)1 << c->levels;
	c->pbuf = malloc((1 + m + pad) * sizeof(*c->pbuf));
	if (!c->pbuf)
		return DM_ENOMEM;
	c->p = c->pbuf + 1;
	c->p[-1] = NAN;
	memcpy(c->p, all, m * sizeof(*c->p));
	for (i = 0; i < pad; i++)
		c->p[m + i] = NAN;
	return DM_OK;
}

dm_ecdf_count *dm_ecdf_count_new(const double *ref, const uint64_t *wref,
				 size_t nref, const double *extra,
				 size_t nextra, uint32_t k)
{
	dm_ecdf_count *c;
	double *all = NULL;
	size_t i, j, n;

	if (!ref || nref == 0 || nref + nextra > UINT32_MAX / 2)
		return NULL;
	for (i = 0; i < nref; i++)
		if (isnan(ref[i]) || (i > 0 && ref[i] < ref[i - 1]))
			return NULL;
	for (i = 0; i < nextra; i++)
		if (isnan(extra[i]))
			return NULL;
	c = calloc(1, sizeof(*c));
	all = malloc((nref + nextra) * sizeof(*all));
	if (!c || !all)
		goto fail;
	n = nref + nextra;
	if (nextra) {
		/* ref is sorted: sort the few extra points, then merge */
		double *ex = malloc(nextra * sizeof(*ex));
		size_t a = 0, b = 0, o = 0;

		if (!ex)
			goto fail;
		memcpy(ex, extra, nextra * sizeof(*ex));
		qsort(ex, nextra, sizeof(*ex), cmp_double);
		while (a < nref || b < nextra)
			all[o++] = b == nextra || (a < nref && ref[a] <= ex[b])
					   ? ref[a++]
					   : ex[b++];
		free(ex);
	} else {
		memcpy(all, ref, nref * sizeof(*all));
	}
	for (i = 0, j = 0; i < n; i++)
		if (j == 0 || all[i] != all[j - 1])
			all[j++] = all[i];
	c->m = j;
	c->rcum = calloc(c->m, sizeof(*c->rcum));
	c->hot = calloc(2 * c->m + 1, sizeof(*c->hot));
	if (!c->rcum || !c->hot || make_grid(c, all) != DM_OK)
		goto fail;
	/* the reference's weight at each point, then cumulated */
	for (i = 0, j = 0; i < nref; i++) {
		while (c->p[j] != ref[i])
			j++;
		c->rcum[j] += wref ? wref[i] : 1;
	}
	for (j = 0; j < c->m; j++) {
		c->rtotal += c->rcum[j];
		c->rcum[j] = c->rtotal;
	}
	free(all);
	if (c->rtotal == 0) {
		dm_ecdf_count_free(c);
		return NULL;
	}
	c->k = k;
	return c;
fail:
	free(all);
	dm_ecdf_count_free(c);
	return NULL;
}

void dm_ecdf_count_free(dm_ecdf_count *c)
{
	if (!c)
		return;
	free(c->pbuf);
	free(c->rcum);
	free(c->hot);
	free(c->slot);
	free(c->first);
	free(c->pend);
	dm_sketch_free(c->tail);
	free(c);
}

/* Adds n values outside [p_0, p_{m-1}] to the tail sketch. */
static dm_err ecdf_tail(dm_ecdf_count *c, const double *v, size_t n)
{
	if (!c->tail && !(c->tail = dm_sketch_new(c->k)))
		return DM_ENOMEM;
	return dm_sketch_add_block(c->tail, v, n);
}

/* The slot of v: its bucket, then `levels` steps of a branch-free
 * binary search among the bucket's points (points beyond the bucket are
 * above the value and the padding is NaN, so a step past the bucket
 * never moves).  A NaN lands in slot 0 (bucket 0, no step moves). */
static inline __attribute__((always_inline)) size_t
slot_of(const dm_ecdf_count *c, double v, uint32_t b, unsigned levels)
{
	const double *p = c->p;
	size_t o = c->first[b];
	unsigned l;

	/* o: the points <= v */
#pragma GCC unroll 16
	for (l = levels; l > 0; l--) {
		size_t step = (size_t)1 << (l - 1);

		o += -(size_t)(p[o + step - 1] <= v) & step;
	}
	/* slot 2o, or 2o - 1 when v is p[o - 1] (p[-1] is NaN) */
	return 2 * o - (size_t)(p[(ptrdiff_t)o - 1] == v);
}

/* values counted per call of count_block (its tail, bucket and slot
 * buffers; 256 was 5% slower, 64 10%) */
#define CHUNK 1024

/* Counts x[0..n), in bucket bk[i], into h (copy i & mask of the slot
 * counts, each stride apart: successive values equal to one point then
 * add to different counters, not one after another to the same); values
 * outside [p_0, p_{m-1}] are copied to tail, their number returned in
 * *nt.  n <= CHUNK: their slots are found, then counted.  No
 * data-dependent branch.  Inlined with levels and mask constant. */
static inline __attribute__((always_inline)) uint64_t
count_run(const dm_ecdf_count *c, const double *x, const uint32_t *bk, size_t n,
	  uint32_t *h, size_t stride, size_t mask, double *tail, size_t *nt,
	  unsigned levels)
{
	const size_t last = 2 * c->m;
	uint64_t added = 0;
	size_t i, k = 0;
	uint32_t sl[CHUNK];

	/* the searches first: no store in this loop depends on one, so the
	 * CPU overlaps the searches of many values */
	for (i = 0; i < n; i++)
		sl[i] = (uint32_t)slot_of(c, x[i], bk[i], levels);
	for (i = 0; i < n; i++) {
		double v = x[i];
		size_t s = sl[i];
		uint32_t ok = !isnan(v);

		h[(i & mask) * stride + s] += ok;
		added += ok;
		tail[k] = v;
		k += ok & ((s == 0) | (s == last));
	}
	*nt = k;
	return added;
}

/* count_run with the search's depth a constant: levels up to 12 (a
 * bucket of up to 4,095 points; the grid makes them rarely hold more
 * than a few), else the loop as is. */
#define COUNT_LEVELS(MASK)                                                     \
	switch (c->levels) {                                                   \
	case 0:                                                                \
		return count_run(c, x, bk, n, h, stride, MASK, tail, nt, 0);   \
	case 1:                                                                \
		return count_run(c, x, bk, n, h, stride, MASK, tail, nt, 1);   \
	case 2:                                                                \
		return count_run(c, x, bk, n, h, stride, MASK, tail, nt, 2);   \
	case 3:                                                                \
		return count_run(c, x, bk, n, h, stride, MASK, tail, nt, 3);   \
	case 4:                                                                \
		return count_run(c, x, bk, n, h, stride, MASK, tail, nt, 4);   \
	case 5:                                                                \
		return count_run(c, x, bk, n, h, stride, MASK, tail, nt, 5);   \
	case 6:                                                                \
		return count_run(c, x, bk, n, h, stride, MASK, tail, nt, 6);   \
	case 7:                                                                \
		return count_run(c, x, bk, n, h, stride, MASK, tail, nt, 7);   \
	case 8:                                                                \
		return count_run(c, x, bk, n, h, stride, MASK, tail, nt, 8);   \
	case 9:                                                                \
		return count_run(c, x, bk, n, h, stride, MASK, tail, nt, 9);   \
	case 10:                                                               \
		return count_run(c, x, bk, n, h, stride, MASK, tail, nt, 10);  \
	case 11:                                                               \
		return count_run(c, x, bk, n, h, stride, MASK, tail, nt, 11);  \
	case 12:                                                               \
		return count_run(c, x, bk, n, h, stride, MASK, tail, nt, 12);  \
	default:                                                               \
		return count_run(c, x, bk, n, h, stride, MASK, tail, nt,       \
				 c->levels);                                   \
	}

static uint64_t count_one(const dm_ecdf_count *c, const double *x,
			  const uint32_t *bk, size_t n, uint32_t *h,
			  size_t stride, double *tail, size_t *nt)
{
	COUNT_LEVELS(0)
}

static uint64_t count_four(const dm_ecdf_count *c, const double *x,
			   const uint32_t *bk, size_t n, uint32_t *h,
			   size_t stride, double *tail, size_t *nt)
{
	COUNT_LEVELS(3)
}

/* The buckets of x[0..n), two at a time: bucket()'s operations on each
 * (the same results), in a pass of their own ahead of the searches. */
static void buckets(const dm_ecdf_count *c, const double *x, size_t n,
		    uint32_t *bk)
{
	const __m128d g0 = _mm_set1_pd(c->g0), inv = _mm_set1_pd(c->inv_w),
		      top = _mm_set1_pd(c->nbm1), zero = _mm_setzero_pd();
	size_t i;

	for (i = 0; i + 2 <= n; i += 2) {
		__m128d d =
			_mm_mul_pd(_mm_sub_pd(_mm_loadu_pd(x + i), g0), inv);

		d = _mm_min_pd(_mm_max_pd(d, zero), top);
		_mm_storel_epi64((__m128i *)(void *)(bk + i),
				 _mm_cvttpd_epi32(d));
	}
	for (; i < n; i++)
		bk[i] = (uint32_t)bucket(c, x[i]);
}

/* slots of a column counted in four copies (few points: integer codes,
 * where runs of one value are common) */
#define FEW_SLOTS 128

/* Counts x[0..n), n <= CHUNK, into the slots; values outside
 * [p_0, p_{m-1}] are copied to tail (n entries), their number returned
 * in *nt. */
static uint64_t count_block(dm_ecdf_count *c, const double *x, size_t n,
			    double *tail, size_t *nt)
{
	const size_t ns = 2 * c->m + 1;
	uint32_t four[4 * FEW_SLOTS], bk[CHUNK];
	uint64_t added;
	size_t s;

	buckets(c, x, n, bk);
	if (ns > FEW_SLOTS)
		return count_one(c, x, bk, n, c->hot, 0, tail, nt);
	memset(four, 0, 4 * ns * sizeof(*four));
	added = count_four(c, x, bk, n, four, ns, tail, nt);
	for (s = 0; s < ns; s++)
		c->hot[s] += four[s] + four[ns + s] + four[2 * ns + s] +
			     four[3 * ns + s];
	return added;
}

/* Moves the 32-bit counts to the 64-bit ones. */
static dm_err flush(dm_ecdf_count *c)
{
	size_t s;

	if (!c->slot && !(c->slot = calloc(2 * c->m + 1, sizeof(*c->slot))))
		return DM_ENOMEM;
	for (s = 0; s <= 2 * c->m; s++) {
		c->slot[s] += c->hot[s];
		c->hot[s] = 0;
	}
	c->unflushed = 0;
	return DM_OK;
}

/* Counts x[0..n). */
static dm_err count_values(dm_ecdf_count *c, const double *x, size_t n)
{
	double tail[CHUNK];
	size_t i, nt;
	dm_err err;

	for (i = 0; i < n; i += CHUNK) {
		size_t k = n - i < CHUNK ? n - i : CHUNK;
		uint64_t added;

		if (c->unflushed + k > UINT32_MAX && (err = flush(c)) != DM_OK)
			return err;
		added = count_block(c, x + i, k, tail, &nt);
		c->n += added;
		c->unflushed += added;
		if (nt && (err = ecdf_tail(c, tail, nt)) != DM_OK)
			return err;
	}
	return DM_OK;
}

/*
 * Values are counted PEND at a time: the counts and points of a column
 * (~0.3 MB at 16384 points) are then brought into the cache once for
 * many values, not once per batch of a few thousand (with a batch per
 * column at a time, the columns' arrays evict each other).  The buffer
 * is no larger than level 0 of the sketch it replaces (16384 values:
 * 32768 took 6.7 MB more for 51 columns and was no faster).  The counts
 * do not depend on it, nor does the tail sketch (fed in the same order).
 */
#define PEND 16384

dm_err dm_ecdf_count_add(dm_ecdf_count *c, const double *x, size_t n)
{
	dm_err err;

	if (!c->pend && !(c->pend = malloc(PEND * sizeof(*c->pend))))
		return DM_ENOMEM;
	while (n > 0) {
		size_t k = PEND - c->npend < n ? PEND - c->npend : n;

		memcpy(c->pend + c->npend, x, k * sizeof(*x));
		c->npend += k;
		x += k;
		n -= k;
		if (c->npend == PEND &&
		    (err = dm_ecdf_count_finish(c)) != DM_OK)
			return err;
	}
	return DM_OK;
}

dm_err dm_ecdf_count_finish(dm_ecdf_count *c)
{
	dm_err err = count_values(c, c->pend, c->npend);

	if (c->npend) /* the values counted change: the p-value too */
		c->ks_done = 0;
	c->npend = 0;
	return err;
}

uint64_t dm_ecdf_count_n(const dm_ecdf_count *c)
{
	return c->n;
}

uint64_t dm_ecdf_count_ref_n(const dm_ecdf_count *c)
{
	return c->rtotal;
}

double dm_ecdf_count_ks(const dm_ecdf_count *c)
{
	const double n1 = (double)c->rtotal, n2 = (double)c->n;
	uint64_t cw = 0, prev = 0;
	double dmax = 0.0, dmin = 0.0;
	size_t i;

	if (c->n == 0)
		return NAN;
	for (i = 0; i < c->m; i++) {
		uint64_t below = cnt(c, 2 * i);

		/* just below p_i: the last window value in (p_{i-1}, p_i) */
		cw += below;
		if (below)
			ks_track((double)prev / n1 - (double)cw / n2, &dmax,
				 &dmin);
		/* at p_i */
		cw += cnt(c, 2 * i + 1);
		prev = c->rcum[i];
		ks_track((double)prev / n1 - (double)cw / n2, &dmax, &dmin);
	}
	/* above p_{m-1}, F_ref = 1 >= F_window: between 0 and the value
	 * at p_{m-1}, already seen */
	return ks_from_extremes(dmax, dmin);
}

dm_err dm_ecdf_count_ks_test(dm_ecdf_count *c, dm_ks_result *res)
{
	dm_err err;

	if (c->ks_done) {
		*res = c->ks;
		return DM_OK;
	}
	err = dm_ks_pvalue(dm_ecdf_count_ks(c), c->rtotal, c->n, res);
	if (err != DM_OK)
		return err;
	c->ks = *res;
	c->ks_done = 1;
	return DM_OK;
}

dm_err dm_ecdf_count_bins(const dm_ecdf_count *c, const double *edges,
			  size_t nedges, uint64_t *bins)
{
	uint64_t below = 0, le = 0;
	size_t i = 0, j;

	for (j = 0; j < nedges; j++) {
		/* le: the values in the slots up to edge j's point */
		for (; i < c->m && c->p[i] <= edges[j]; i++)
			le += cnt(c, 2 * i) + cnt(c, 2 * i + 1);
		if (i == 0 || c->p[i - 1] != edges[j])
			return DM_EINVAL;
		bins[j] = le - below;
		below = le;
	}
	bins[nedges] = c->n - below;
	return DM_OK;
}

/* The lower quantile of the tail items at rank target (1-based, a
 * fraction of a value allowed), as dm_feature_quantiles walks items. */
static double tail_quantile(const double *v, const uint64_t *w, size_t n,
			    double target)
{
	uint64_t acc = 0;
	size_t k = 0;

	while (k < n - 1 && (double)(acc + w[k]) < target)
		acc += w[k++];
	return v[k];
}

dm_err dm_ecdf_count_quantiles(const dm_ecdf_count *c, const double *q,
			       size_t nq, double *out)
{
	double *tv = NULL;
	uint64_t *tw = NULL, acc = 0, low = cnt(c, 0);
	size_t tn = 0, i, s = 0, last = 2 * c->m;
	dm_err err;

	for (i = 0; i < nq; i++)
		out[i] = NAN;
	if (c->n == 0)
		return DM_OK;
	if (c->tail && (err = dm_sketch_items(c->tail, &tv, &tw, &tn)) != DM_OK)
		return err;
	for (i = 0; i < nq; i++) {
		/* q <= 0: the first value (rank 1/2 stops there) */
		double t = q[i] > 0.0 ? q[i] * (double)c->n : 0.5;

		/* the first slot where the count reaches t */
		while (s < last && (double)(acc + cnt(c, s)) < t)
			acc += cnt(c, s++);
		if (s == 0 || s == last) {
			/* in a tail: its sketch (the low tail first) */
			double r = s == 0 ? t : (double)low + (t - (double)acc);

			out[i] = tn ? tail_quantile(tv, tw, tn, r)
				    : c->p[s == 0 ? 0 : c->m - 1];
		} else if (s & 1) {
			out[i] = c->p[s / 2]; /* a point: exact */
		} else {
			/* in (p_{j-1}, p_j), j = s / 2: linear in rank */
			size_t j = s / 2;
			double f = (t - (double)acc) / (double)cnt(c, s);

			out[i] = c->p[j - 1] + f * (c->p[j] - c->p[j - 1]);
		}
	}
	free(tv);
	free(tw);
	return DM_OK;
}

dm_err dm_ecdf_count_items(const dm_ecdf_count *c, double **vals,
			   uint64_t **wts, size_t *n, int *exact)
{
	double *tv = NULL, *v;
	uint64_t *tw = NULL, *w;
	size_t tn = 0, i, k = 0, t = 0, cap;
	dm_err err;

	*vals = NULL;
	*wts = NULL;
	*n = 0;
	*exact = 1;
	if (c->tail && (err = dm_sketch_items(c->tail, &tv, &tw, &tn)) != DM_OK)
		return err;
	cap = tn + 2 * c->m + 1;
	v = malloc(cap * sizeof(*v));
	w = malloc(cap * sizeof(*w));
	if (!v || !w) {
		free(v);
		free(w);
		free(tv);
		free(tw);
		return DM_ENOMEM;
	}
	/* the tail below p_0 */
	for (; t < tn && tv[t] < c->p[0]; t++) {
		v[k] = tv[t];
		w[k++] = tw[t];
	}
	for (i = 0; i < c->m; i++) {
		if (i > 0 && cnt(c, 2 * i)) {
			/* values in (p_{i-1}, p_i), placed at p_i */
			v[k] = c->p[i];
			w[k++] = cnt(c, 2 * i);
			*exact = 0;
		}
		if (cnt(c, 2 * i + 1)) {
			v[k] = c->p[i];
			w[k++] = cnt(c, 2 * i + 1);
		}
	}
	for (; t < tn; t++) {
		v[k] = tv[t];
		w[k++] = tw[t];
	}
	free(tv);
	free(tw);
	*vals = v;
	*wts = w;
	*n = k;
	return DM_OK;
}
