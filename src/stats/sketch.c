/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Mergeable quantile sketch.
 *
 * Design.  The sketch is a stack of "compactors" (Manku, Rajagopalan and
 * Lindsay 1998, "Approximate medians and other quantiles in one pass and
 * with limited memory"; Karnin, Lang and Liberty 2016, "Optimal quantile
 * approximation in streams", the KLL sketch), all of the same capacity k.
 * Level 0 is an append buffer of raw values (capacity k); the levels above
 * have capacity k/4.  When a level is full it is sorted and compacted: every
 * other value (starting at an offset that alternates between 0 and 1 on
 * successive compactions of that level) moves to the level above with twice the
 * weight; the rest are dropped.  A value at level h weighs 2^h.
 *
 * Error bound.  For any x, one compaction of level h changes the weight
 * counted at or below x by at most 2^h (the sorted values pair up and
 * each pair keeps exactly one of its two members at double weight).  The
 * sketch adds 2^h to err_w at every compaction, so
 *
 *     |rank_sketch(x) - rank_true(x)| <= err_w   for every x,
 *
 * a proven bound, reported normalised as err_w / n.  Level 0 compacts
 * n / k times (error n / k in all) and level h >= 1 about n / (2^h k/4)
 * times (error 4n / k each), so err_w / n is about (1 + 4 log2(n/k)) / k:
 * 0.15% for n = 1e6 and k = 16384.
 * Until level 0 first fills (n <= k) nothing is compacted and the sketch
 * holds every value: err_w = 0, the sketch is exact.
 *
 * Merging two sketches concatenates their levels and compacts what
 * overflows; the error bounds add.  Memory is k + levels * ~k/8 doubles
 * with levels = ceil(log2(n / k)) (a level above 0 holds at most one
 * merge from below between its compactions: see cascade()): 0.2 MB per
 * feature at a million values, 0.35 MB at a billion; sort and merge
 * scratch is per thread.
 *
 * A "frozen" sketch is one rebuilt from serialised (value, weight) pairs
 * (a stored baseline): it answers queries but takes no more values.
 */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "driftmon/stats.h"
#include "stats/dsort.h"
#include "stats/sketch_state.h"

#define MAXLEV SKETCH_STATE_MAXLEV

struct level {
	double *v;
	size_t len;
	size_t cap;
	unsigned flip;
};

struct dm_sketch {
	uint32_t k;
	uint64_t n;
	double err_w;
	unsigned nlev; /* levels in use (level 0 always) */
	struct level lv[MAXLEV];
	uint32_t kup; /* capacity of levels >= 1 */
	/* frozen form */
	int frozen;
	double frozen_err;
	double *fv;
	uint64_t *fcum; /* cumulative weights */
	size_t fn;
};

dm_sketch *dm_sketch_new(uint32_t k)
{
	dm_sketch *s;

	if (k < DM_SKETCH_K_MIN)
		k = DM_SKETCH_K_MIN;
	k += k & 1u;
	s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->k = k;
	s->kup = k / 4 < DM_SKETCH_K_MIN ? DM_SKETCH_K_MIN : k / 4;
	s->kup += s->kup & 1u;
	s->nlev = 1;
	return s;
}

void dm_sketch_free(dm_sketch *s)
{
	unsigned h;

	if (!s)
		return;
	for (h = 0; h < MAXLEV; h++)
		free(s->lv[h].v);
	free(s->fv);
	free(s->fcum);
	free(s);
}

/*
 * Sort keys are scratch, needed only inside one call: one set per thread
 * (not per sketch) keeps memory at levels x values.  So are the two
 * buffers a level's values are merged into when the merge fills it
 * (cascade()).  Freed when the thread exits.
 */
struct scratch {
	uint64_t *keys;
	size_t keys_cap;
	double *t[2];
	size_t tcap[2];
};

static pthread_key_t scratch_key;
static pthread_once_t scratch_once = PTHREAD_ONCE_INIT;

static void scratch_free(void *p)
{
	struct scratch *sc = p;

	if (!sc)
		return;
	free(sc->keys);
	free(sc->t[0]);
	free(sc->t[1]);
	free(sc);
}

static void scratch_init(void)
{
	(void)pthread_key_create(&scratch_key, scratch_free);
}

static struct scratch *get_scratch(void)
{
	struct scratch *sc;

	pthread_once(&scratch_once, scratch_init);
	sc = pthread_getspecific(scratch_key);
	if (!sc) {
		sc = calloc(1, sizeof(*sc));
		if (sc && pthread_setspecific(scratch_key, sc) != 0) {
			free(sc);
			sc = NULL;
		}
	}
	return sc;
}

static int reserve(double **v, size_t *cap, size_t need)
{
	double *p;
	size_t c;

	if (need <= *cap)
		return 0;
	c = *cap ? *cap : 64;
	while (c < need)
		c += c / 2 + 64;
	p = realloc(*v, c * sizeof(double));
	if (!p)
		return -1;
	*v = p;
	*cap = c;
	return 0;
}

/* A level above 0 takes about the same number of values at every
 * compaction of the level below (half of it), so its buffer is sized to
 * what it needs (rounded to 64 values) rather than grown by half: 51
 * sketches of a million values kept 4 MB less. */
static int reserve_level(double **v, size_t *cap, size_t need)
{
	double *p;
	size_t c = (need + 63) & ~(size_t)63;

	if (need <= *cap)
		return 0;
	p = realloc(*v, c * sizeof(double));
	if (!p)
		return -1;
	*v = p;
	*cap = c;
	return 0;
}

/* Level 0 sorted and compacted: its kept values (every other, from
 * its flip) first, the largest last if it holds an odd number. */
static dm_err sort_level0(dm_sketch *s)
{
	struct level *l = &s->lv[0];
	struct scratch *sc = get_scratch();

	if (!sc)
		return DM_ENOMEM;
	if (l->len * 2 + STATS_DSORT_EXTRA > sc->keys_cap) {
		size_t cap = l->len * 2 + STATS_DSORT_EXTRA;
		uint64_t *p = realloc(sc->keys, cap * sizeof(uint64_t));

		if (!p)
			return DM_ENOMEM;
		sc->keys = p;
		sc->keys_cap = cap;
	}
	stats_dsort_pick(l->v, l->len, sc->keys, l->flip);
	return DM_OK;
}

/* Merges sorted b[0..nb) into level l (sorted), in place from the back
 * (no copy of the level); on ties the level's value comes first. */
static dm_err merge_into(dm_sketch *s, struct level *l, const double *b,
			 size_t nb)
{
	size_t i, j, o;
	double *v;

	(void)s;
	if (reserve_level(&l->v, &l->cap, l->len + nb) < 0)
		return DM_ENOMEM;
	v = l->v;
	i = l->len;
	j = nb;
	o = l->len + nb;
	while (i > 0 && j > 0) {
		/* (branch-free selects were slower: the loads wait for them) */
		if (b[j - 1] <
		    v[i - 1]) /* the level's is larger: it goes last */
			v[--o] = v[--i];
		else
			v[--o] = b[--j];
	}
	while (j > 0)
		v[--o] = b[--j];
	/* what is left of the level is in place already */
	l->len += nb;
	return DM_OK;
}

/* Merges sorted a[0..na) (a level's values) and b[0..nb) into o; on ties
 * a's value comes first, as in merge_into(). */
static void merge_to(double *o, const double *a, size_t na, const double *b,
		     size_t nb)
{
	size_t i = 0, j = 0, k = 0;

	while (i < na && j < nb) {
		if (b[j] < a[i])
			o[k++] = b[j++];
		else
			o[k++] = a[i++];
	}
	while (i < na)
		o[k++] = a[i++];
	while (j < nb)
		o[k++] = b[j++];
}

/*
 * Compacts every level that holds k or more values, bottom up.
 *
 * A level above 0 that a compaction below fills (k/4 values or more
 * once the half from below is merged in) compacts at once: its values
 * and the half are merged into a thread's scratch buffer, compacted
 * there, and only the odd leftover goes back into the level's own
 * buffer.  The result is the one of merging into the level first and
 * compacting it then, but a level's buffer never holds more than it
 * keeps between compactions (under k/4 values; levels 1 and 2, which
 * every compaction below fills, hold at most one): at 10 million
 * values the levels above 0 take 150 KB a sketch instead of 360 KB.
 */
static dm_err cascade(dm_sketch *s)
{
	struct scratch *sc = NULL;
	double *held = NULL; /* level h's values, merged in scratch */
	size_t nheld = 0;
	unsigned h;
	dm_err err;

	for (h = 0; h < s->nlev; h++) {
		struct level *l = &s->lv[h], *up;
		double *src = held ? held : l->v, *next = NULL;
		size_t len = held ? nheld : l->len, m, i, half, nnext = 0;

		if (len < (h ? s->kup : s->k))
			continue;
		if (h + 1 >= MAXLEV)
			return DM_ETOOBIG;
		m = len & ~(size_t)1;
		half = m / 2;
		up = &s->lv[h + 1];
		if (!sc && !(sc = get_scratch()))
			return DM_ENOMEM;
		/* room first: nothing below changes the sketch on failure
		 * until every buffer it needs is there */
		if (len > m && reserve_level(&l->v, &l->cap, 1) < 0)
			return DM_ENOMEM;
		if (!held)
			src = l->v;
		if (up->len + half >= s->kup) {
			int t = src == sc->t[0];

			if (reserve_level(&sc->t[t], &sc->tcap[t],
					  up->len + half) < 0)
				return DM_ENOMEM;
			next = sc->t[t];
		} else if (reserve_level(&up->v, &up->cap, up->len + half) <
			   0) {
			return DM_ENOMEM; /* merge_into() then cannot fail */
		}
		/* Pick every other value in place: v[i] = v[2i + flip]
		 * (level 0: as it is sorted). */
		if (h == 0) {
			if ((err = sort_level0(s)) != DM_OK)
				return err;
		} else {
			for (i = 0; i < half; i++)
				src[i] = src[2 * i + l->flip];
		}
		l->flip ^= 1u;
		if (h + 1 == s->nlev)
			s->nlev++;
		if (next) { /* level h + 1 is full: it compacts next */
			merge_to(next, up->v, up->len, src, half);
			nnext = up->len + half;
			up->len = 0;
		} else if ((err = merge_into(s, up, src, half)) != DM_OK) {
			return err;
		}
		/* An odd leftover (the largest value) stays on this level. */
		if (len > m)
			l->v[0] = src[m];
		l->len = len - m;
		s->err_w += ldexp(1.0, (int)h);
		held = next;
		nheld = nnext;
	}
	return DM_OK;
}

dm_err dm_sketch_add(dm_sketch *s, double x)
{
	return dm_sketch_add_block(s, &x, 1);
}

dm_err dm_sketch_add_block(dm_sketch *s, const double *x, size_t n)
{
	struct level *l = &s->lv[0];
	dm_err err;

	if (s->frozen)
		return DM_EINVAL;
	while (n > 0) {
		size_t room, take;

		if (l->len >= s->k) {
			err = cascade(s);
			if (err != DM_OK)
				return err;
		}
		room = s->k - l->len;
		take = n < room ? n : room;
		/* Level 0 grows with the data up to k values, so a feature
		 * with few values (a wide file, a short window) costs few
		 * bytes; the growth is the doubling here (reserve_level
		 * adds no slack of its own: never more than k, rounded). */
		if (l->len + take > l->cap) {
			size_t want = l->cap * 2 > l->len + take
					      ? l->cap * 2
					      : l->len + take;

			if (want > s->k)
				want = s->k;
			if (reserve_level(&l->v, &l->cap, want) < 0)
				return DM_ENOMEM;
		}
		memcpy(l->v + l->len, x, take * sizeof(double));
		l->len += take;
		s->n += take;
		x += take;
		n -= take;
	}
	return DM_OK;
}

dm_err dm_sketch_merge(dm_sketch *dst, const dm_sketch *src)
{
	unsigned h;
	dm_err err;

	if (dst->frozen || dst->k != src->k)
		return DM_EINVAL;
	if (src->frozen) {
		/* A frozen sketch has weights that are not powers of two on
		 * levels; merging it would break the bound accounting. */
		return DM_EINVAL;
	}
	for (h = 0; h < src->nlev; h++) {
		const struct level *sl = &src->lv[h];
		struct level *dl = &dst->lv[h];

		if (sl->len == 0)
			continue;
		if (h == 0) {
			if (reserve(&dl->v, &dl->cap, dl->len + sl->len) < 0)
				return DM_ENOMEM;
			memcpy(dl->v + dl->len, sl->v,
			       sl->len * sizeof(double));
			dl->len += sl->len;
		} else {
			err = merge_into(dst, dl, sl->v, sl->len);
			if (err != DM_OK)
				return err;
		}
		if (h + 1 > dst->nlev)
			dst->nlev = h + 1;
	}
	dst->n += src->n;
	dst->err_w += src->err_w;
	return cascade(dst);
}

uint64_t dm_sketch_count(const dm_sketch *s)
{
	return s->n;
}

uint32_t dm_sketch_k(const dm_sketch *s)
{
	return s->k;
}

int dm_sketch_is_exact(const dm_sketch *s)
{
	return s->frozen ? s->frozen_err == 0.0 : s->err_w == 0.0;
}

double dm_sketch_rank_error(const dm_sketch *s)
{
	if (s->frozen)
		return s->frozen_err;
	return s->n ? s->err_w / (double)s->n : 0.0;
}

dm_err dm_sketch_items(const dm_sketch *s, double **vals, uint64_t **wts,
		       size_t *n)
{
	size_t total = 0, o, i;
	double *v = NULL, *tv = NULL;
	uint64_t *w = NULL, *tw = NULL;
	unsigned h;
	dm_err err = DM_ENOMEM;

	*vals = NULL;
	*wts = NULL;
	*n = 0;
	if (s->frozen) {
		if (s->fn == 0)
			return DM_OK;
		v = malloc(s->fn * sizeof(*v));
		w = malloc(s->fn * sizeof(*w));
		if (!v || !w)
			goto out;
		for (i = 0; i < s->fn; i++) {
			v[i] = s->fv[i];
			w[i] = s->fcum[i] - (i ? s->fcum[i - 1] : 0);
		}
		total = s->fn;
		goto done;
	}
	for (h = 0; h < s->nlev; h++)
		total += s->lv[h].len;
	if (total == 0)
		return DM_OK;
	v = malloc(total * sizeof(*v));
	w = malloc(total * sizeof(*w));
	tv = malloc(total * sizeof(*tv));
	tw = malloc(total * sizeof(*tw));
	if (!v || !w || !tv || !tw)
		goto out;
	/* Level 0 sorted, then merge each level in. */
	o = s->lv[0].len;
	memcpy(v, s->lv[0].v, o * sizeof(double));
	if (o > 0) {
		uint64_t *keys =
			malloc((2 * o + STATS_DSORT_EXTRA) * sizeof(uint64_t));

		if (!keys)
			goto out;
		stats_dsort(v, o, keys);
		free(keys);
	}
	for (i = 0; i < o; i++)
		w[i] = 1;
	for (h = 1; h < s->nlev; h++) {
		const struct level *l = &s->lv[h];
		uint64_t wh = (uint64_t)1 << h;
		size_t a = 0, b = 0, m = 0;

		if (l->len == 0)
			continue;
		while (a < o && b < l->len) {
			if (l->v[b] < v[a]) {
				tv[m] = l->v[b++];
				tw[m++] = wh;
			} else {
				tv[m] = v[a];
				tw[m++] = w[a++];
			}
		}
		while (a < o) {
			tv[m] = v[a];
			tw[m++] = w[a++];
		}
		while (b < l->len) {
			tv[m] = l->v[b++];
			tw[m++] = wh;
		}
		memcpy(v, tv, m * sizeof(double));
		memcpy(w, tw, m * sizeof(uint64_t));
		o = m;
	}
	total = o;
done:
	*vals = v;
	*wts = w;
	*n = total;
	v = NULL;
	w = NULL;
	err = DM_OK;
out:
	free(v);
	free(w);
	free(tv);
	free(tw);
	return err;
}

double dm_sketch_compress_items(double *vals, uint64_t *wts, size_t *n,
				size_t max_items)
{
	size_t i, o = 0, start;
	uint64_t total = 0, limit;

	/* Equal values merge losslessly. */
	for (i = 0; i < *n; i++) {
		if (o > 0 && vals[o - 1] == vals[i]) {
			wts[o - 1] += wts[i];
		} else {
			vals[o] = vals[i];
			wts[o++] = wts[i];
		}
	}
	*n = o;
	if (o <= max_items || max_items < 3)
		return 0.0;
	for (i = 0; i < o; i++)
		total += wts[i];
	limit = (uint64_t)(2.0 * (double)total / (double)(max_items - 1));
	if (limit < 1)
		limit = 1;
	/* Greedy groups of weight <= limit: two neighbours always weigh more
	 * than limit together, so there are at most max_items groups. */
	start = 0;
	o = 0;
	while (start < *n) {
		size_t end = start + 1, j;
		uint64_t gw = wts[start], half, acc = 0;

		while (end < *n && gw + wts[end] <= limit)
			gw += wts[end++];
		half = (gw + 1) / 2;
		for (j = start; j < end; j++) {
			acc += wts[j];
			if (acc >= half)
				break;
		}
		vals[o] = vals[j];
		wts[o++] = gw;
		start = end;
	}
	*n = o;
	return (double)limit / (double)total;
}

dm_sketch *dm_sketch_from_items(uint32_t k, const double *vals,
				const uint64_t *wts, size_t n,
				double rank_error)
{
	dm_sketch *s = dm_sketch_new(k);
	size_t i;
	uint64_t cum = 0;

	if (!s)
		return NULL;
	s->frozen = 1;
	s->frozen_err = rank_error;
	if (n) {
		s->fv = malloc(n * sizeof(double));
		s->fcum = malloc(n * sizeof(uint64_t));
		if (!s->fv || !s->fcum)
			goto fail;
	}
	for (i = 0; i < n; i++) {
		if (!isfinite(vals[i]) || wts[i] == 0 ||
		    (i > 0 && vals[i] < vals[i - 1]) || cum + wts[i] < cum)
			goto fail;
		cum += wts[i];
		s->fv[i] = vals[i];
		s->fcum[i] = cum;
	}
	s->fn = n;
	s->n = cum;
	return s;
fail:
	dm_sketch_free(s);
	return NULL;
}

double dm_sketch_cdf(const dm_sketch *s, double x)
{
	uint64_t below = 0;
	unsigned h;
	size_t i;

	if (s->n == 0 || isnan(x))
		return NAN;
	if (s->frozen) {
		/* first index with value > x */
		size_t lo = 0, hi = s->fn;

		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;

			if (s->fv[mid] <= x)
				lo = mid + 1;
			else
				hi = mid;
		}
		return lo ? (double)s->fcum[lo - 1] / (double)s->n : 0.0;
	}
	for (i = 0; i < s->lv[0].len; i++)
		below += s->lv[0].v[i] <= x;
	for (h = 1; h < s->nlev; h++) {
		const struct level *l = &s->lv[h];
		size_t lo = 0, hi = l->len;

		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;

			if (l->v[mid] <= x)
				lo = mid + 1;
			else
				hi = mid;
		}
		below += (uint64_t)lo << h;
	}
	return (double)below / (double)s->n;
}

double dm_sketch_quantile(const dm_sketch *s, double q)
{
	double *v = NULL, r = NAN;
	uint64_t *w = NULL, total = 0, acc = 0;
	size_t n = 0, i;

	if (s->n == 0 || isnan(q))
		return NAN;
	if (dm_sketch_items(s, &v, &w, &n) != DM_OK || n == 0)
		goto out;
	for (i = 0; i < n; i++)
		total += w[i];
	if (q <= 0.0) {
		r = v[0];
		goto out;
	}
	for (i = 0; i < n; i++) {
		acc += w[i];
		/* smallest x with F(x) >= q */
		if ((double)acc >= q * (double)total) {
			r = v[i];
			goto out;
		}
	}
	r = v[n - 1];
out:
	free(v);
	free(w);
	return r;
}

/* ---- exact state (baseline partials, src/profile/partial.c) ----------- */

dm_err sketch_state_get(const dm_sketch *s, sketch_state *st)
{
	unsigned h;

	if (s->frozen)
		return DM_EINVAL;
	st->k = s->k;
	st->n = s->n;
	st->err_w = s->err_w;
	st->nlev = s->nlev;
	for (h = 0; h < s->nlev; h++) {
		st->v[h] = s->lv[h].v;
		st->len[h] = s->lv[h].len;
		st->flip[h] = s->lv[h].flip;
		st->cap[h] = s->lv[h].cap;
	}
	return DM_OK;
}

dm_sketch *sketch_state_new(const sketch_state *st)
{
	dm_sketch *s;
	unsigned h;
	uint64_t n = 0;

	if (st->nlev < 1 || st->nlev > SKETCH_STATE_MAXLEV ||
	    !(st->err_w >= 0) || st->k < DM_SKETCH_K_MIN || (st->k & 1u))
		return NULL;
	s = dm_sketch_new(st->k);
	if (!s)
		return NULL;
	for (h = 0; h < st->nlev; h++) {
		struct level *l = &s->lv[h];
		size_t i;

		/* level 0 holds fewer than k values, the others fewer than
		 * k/4, each of weight 2^h; above level 0 they are sorted */
		if (st->len[h] >= (h ? s->kup : s->k) || st->flip[h] > 1)
			goto bad;
		for (i = 0; i < st->len[h]; i++)
			if (!isfinite(st->v[h][i]) ||
			    (h && i && st->v[h][i] < st->v[h][i - 1]))
				goto bad;
		if (st->len[h] && reserve(&l->v, &l->cap, st->len[h]) < 0)
			goto bad;
		if (st->len[h])
			memcpy(l->v, st->v[h], st->len[h] * sizeof(double));
		l->len = st->len[h];
		l->flip = st->flip[h];
		n += (uint64_t)st->len[h] << h;
	}
	s->nlev = st->nlev;
	s->err_w = st->err_w;
	s->n = st->n;
	/* compactions keep the weight: it adds up to the count */
	if (n != st->n || (st->nlev == 1 && st->err_w != 0))
		goto bad;
	return s;
bad:
	dm_sketch_free(s);
	return NULL;
}
