/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Moments, the quantile sketch and PSI against naive oracles: streaming
 * results against a two-pass computation, merged sketches against the
 * proven rank-error bound on the true ECDF; the sketch's levels, bit for
 * bit, against the algorithm written plainly; its memory bound.
 */
#include "dmtest.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "driftmon/stats.h"
#include "stats/sketch_state.h"

static uint64_t rng_state = 88172645463325252ull;

static double urand(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (double)(rng_state >> 11) / 9007199254740992.0;
}

static double nrand(void)
{
	double u = urand(), v = urand();

	return sqrt(-2.0 * log(u + 1e-300)) * cos(6.283185307179586 * v);
}

static int cmpd(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static void moments_match_two_pass(void **state)
{
	enum { N = 100000 };
	double *x = malloc(N * sizeof(double));
	long double mean = 0, ss = 0;
	dm_moments a, b, whole;
	size_t i;

	(void)state;
	for (i = 0; i < N; i++)
		x[i] = 1e6 + nrand(); /* large offset: catastrophic for naive */
	for (i = 0; i < N; i++)
		mean += x[i];
	mean /= N;
	for (i = 0; i < N; i++)
		ss += (x[i] - mean) * (x[i] - mean);
	dm_moments_init(&a);
	dm_moments_init(&b);
	dm_moments_init(&whole);
	for (i = 0; i < N / 3; i++)
		dm_moments_add(&a, x[i]);
	dm_moments_add_block(&b, x + N / 3, N - N / 3);
	dm_moments_add_block(&whole, x, N);
	dm_moments_merge(&a, &b);
	assert_int_equal(a.n, N);
	/* long double two-pass oracle; relative 1e-12 */
	assert_true(fabs(a.mean - (double)mean) < 1e-12 * 1e6);
	assert_true(fabs(dm_moments_var(&a) / (double)(ss / (N - 1)) - 1) <
		    1e-9);
	assert_true(fabs(dm_moments_var(&whole) / (double)(ss / (N - 1)) - 1) <
		    1e-9);
	dm_moments_init(&b);
	assert_true(isnan(dm_moments_var(&b)));
	free(x);
}

static void sketch_exact_below_k(void **state)
{
	dm_sketch *s = dm_sketch_new(1000);
	double x[1000], *v;
	uint64_t *w;
	size_t n, i;

	(void)state;
	for (i = 0; i < 1000; i++)
		x[i] = nrand();
	assert_int_equal(dm_sketch_add_block(s, x, 1000), DM_OK);
	assert_true(dm_sketch_is_exact(s));
	assert_true(dm_sketch_rank_error(s) == 0.0);
	assert_int_equal(dm_sketch_items(s, &v, &w, &n), DM_OK);
	qsort(x, 1000, sizeof(double), cmpd);
	assert_int_equal(n, 1000);
	for (i = 0; i < n; i++) {
		assert_true(v[i] == x[i]);
		assert_int_equal(w[i], 1);
	}
	/* lower quantile: smallest x with F(x) >= q */
	assert_true(dm_sketch_quantile(s, 0.5) == x[499]);
	assert_true(dm_sketch_quantile(s, 0.0) == x[0]);
	assert_true(dm_sketch_quantile(s, 1.0) == x[999]);
	assert_true(dm_sketch_cdf(s, x[9]) == 10.0 / 1000.0);
	free(v);
	free(w);
	/* the (k+1)-th value starts compaction */
	assert_int_equal(dm_sketch_add(s, 0.5), DM_OK);
	assert_int_equal(dm_sketch_add(s, 0.5), DM_OK);
	assert_false(dm_sketch_is_exact(s));
	dm_sketch_free(s);
}

/* max over x of |F_sketch(x) - F_true(x)| at every true value */
static double max_rank_err(const dm_sketch *s, const double *sorted, size_t n)
{
	double *v;
	uint64_t *w, acc = 0;
	size_t m, i, j = 0;
	double worst = 0;

	assert_int_equal(dm_sketch_items(s, &v, &w, &m), DM_OK);
	for (i = 0; i < n; i++) {
		double e;

		if (i + 1 < n && sorted[i + 1] == sorted[i])
			continue;
		while (j < m && v[j] <= sorted[i])
			acc += w[j++];
		e = fabs((double)acc - (double)(i + 1)) / (double)n;
		if (e > worst)
			worst = e;
	}
	free(v);
	free(w);
	return worst;
}

static void sketch_bound_holds_streaming(void **state)
{
	enum { N = 300000 };
	double *x = malloc(N * sizeof(double));
	dm_sketch *s = dm_sketch_new(2048);
	size_t i;
	double err, bound;

	(void)state;
	for (i = 0; i < N; i++)
		x[i] = (i % 7 == 0) ? floor(nrand() * 3) : nrand(); /* ties */
	for (i = 0; i < N; i++)
		assert_int_equal(dm_sketch_add(s, x[i]), DM_OK);
	qsort(x, N, sizeof(double), cmpd);
	err = max_rank_err(s, x, N);
	bound = dm_sketch_rank_error(s);
	assert_int_equal(dm_sketch_count(s), N);
	/* (1 + 4 log2(n/k)) / k ~ 1.4% */
	assert_true(bound > 0 && bound < 0.02);
	assert_true(err <= bound + 1e-12);
	dm_sketch_free(s);
	free(x);
}

static void sketch_merge_bound_holds(void **state)
{
	enum { N = 200000, PARTS = 37 };
	double *x = malloc(N * sizeof(double));
	dm_sketch *all = dm_sketch_new(512);
	size_t i, p;
	double err;

	(void)state;
	for (i = 0; i < N; i++)
		x[i] = exp(nrand());
	for (p = 0; p < PARTS; p++) {
		dm_sketch *s = dm_sketch_new(512);
		size_t lo = N * p / PARTS, hi = N * (p + 1) / PARTS;

		assert_int_equal(dm_sketch_add_block(s, x + lo, hi - lo),
				 DM_OK);
		assert_int_equal(dm_sketch_merge(all, s), DM_OK);
		dm_sketch_free(s);
	}
	assert_int_equal(dm_sketch_count(all), N);
	qsort(x, N, sizeof(double), cmpd);
	err = max_rank_err(all, x, N);
	assert_true(err <= dm_sketch_rank_error(all) + 1e-12);
	/* merging two small exact sketches stays exact */
	{
		dm_sketch *a = dm_sketch_new(100), *b = dm_sketch_new(100);

		dm_sketch_add_block(a, x, 40);
		dm_sketch_add_block(b, x + 40, 50);
		assert_int_equal(dm_sketch_merge(a, b), DM_OK);
		assert_true(dm_sketch_is_exact(a));
		assert_int_equal(dm_sketch_count(a), 90);
		dm_sketch_free(a);
		dm_sketch_free(b);
	}
	dm_sketch_free(all);
	free(x);
}

static void sketch_compress_and_freeze(void **state)
{
	enum { N = 50000 };
	double *x = malloc(N * sizeof(double)), *v, added;
	uint64_t *w;
	size_t n, i;
	dm_sketch *s = dm_sketch_new(N), *f;

	(void)state;
	for (i = 0; i < N; i++)
		x[i] = (i % 2) ? nrand() : (double)(i % 5); /* half ties */
	dm_sketch_add_block(s, x, N);
	assert_int_equal(dm_sketch_items(s, &v, &w, &n), DM_OK);
	added = dm_sketch_compress_items(v, w, &n, 1000);
	assert_true(n <= 1000);
	assert_true(added > 0 && added <= 2.0 / 999 + 1e-12);
	f = dm_sketch_from_items(N, v, w, n, added);
	assert_non_null(f);
	assert_int_equal(dm_sketch_count(f), N);
	qsort(x, N, sizeof(double), cmpd);
	assert_true(max_rank_err(f, x, N) <= dm_sketch_rank_error(f) + 1e-12);
	/* frozen sketches take no more values */
	assert_int_equal(dm_sketch_add(f, 1.0), DM_EINVAL);
	/* unsorted input is refused */
	v[0] = 1e300;
	assert_null(dm_sketch_from_items(N, v, w, n, 0));
	free(v);
	free(w);
	dm_sketch_free(f);
	dm_sketch_free(s);
	free(x);
}

/*
 * The compactor stack of src/stats/sketch.c written plainly, as it was
 * first built: a compaction merges the kept half into the level above,
 * which is compacted afterwards if that filled it.  The sketch compacts
 * a level that a merge fills straight from scratch; the levels must be
 * the same, bit for bit.
 */
#define RMAXLEV 60
struct rsk {
	uint32_t k, kup;
	uint64_t n;
	double err;
	unsigned nlev;
	double *v[RMAXLEV];
	size_t len[RMAXLEV];
	unsigned flip[RMAXLEV];
};

static uint64_t rkey(double d)
{
	uint64_t u;

	memcpy(&u, &d, sizeof(u));
	return (u >> 63) ? ~u : (u | 0x8000000000000000ull);
}

static int cmp_rkey(const void *a, const void *b)
{
	uint64_t x = rkey(*(const double *)a), y = rkey(*(const double *)b);

	return (x > y) - (x < y);
}

static void rsk_init(struct rsk *r, uint32_t k)
{
	memset(r, 0, sizeof(*r));
	r->k = k + (k & 1u);
	r->kup = r->k / 4 < DM_SKETCH_K_MIN ? DM_SKETCH_K_MIN : r->k / 4;
	r->kup += r->kup & 1u;
	r->nlev = 1;
}

static void rsk_free(struct rsk *r)
{
	unsigned h;

	for (h = 0; h < RMAXLEV; h++)
		free(r->v[h]);
}

/* b[0..nb) (sorted) merged into level h; on ties the level's first */
static void rsk_merge(struct rsk *r, unsigned h, const double *b, size_t nb)
{
	size_t na = r->len[h], i = 0, j = 0, o = 0;
	double *out = malloc((na + nb + 1) * sizeof(double));

	assert_non_null(out);
	while (i < na && j < nb)
		out[o++] = b[j] < r->v[h][i] ? b[j++] : r->v[h][i++];
	while (i < na)
		out[o++] = r->v[h][i++];
	while (j < nb)
		out[o++] = b[j++];
	free(r->v[h]);
	r->v[h] = out;
	r->len[h] = o;
}

static void rsk_cascade(struct rsk *r)
{
	unsigned h;

	for (h = 0; h < r->nlev; h++) {
		size_t len = r->len[h], m = len & ~(size_t)1, i;
		double *kept;

		if (len < (h ? r->kup : r->k))
			continue;
		if (h == 0)
			qsort(r->v[0], len, sizeof(double), cmp_rkey);
		kept = malloc((m / 2 + 1) * sizeof(double));
		assert_non_null(kept);
		for (i = 0; i < m / 2; i++)
			kept[i] = r->v[h][2 * i + r->flip[h]];
		r->flip[h] ^= 1u;
		if (h + 1 == r->nlev)
			r->nlev++;
		rsk_merge(r, h + 1, kept, m / 2);
		free(kept);
		if (len > m)
			r->v[h][0] = r->v[h][m];
		r->len[h] = len - m;
		r->err += ldexp(1.0, (int)h);
	}
}

static void rsk_add(struct rsk *r, const double *x, size_t n)
{
	while (n > 0) {
		size_t take;

		if (r->len[0] >= r->k)
			rsk_cascade(r);
		take = r->k - r->len[0] < n ? r->k - r->len[0] : n;
		r->v[0] = realloc(r->v[0], r->k * sizeof(double));
		assert_non_null(r->v[0]);
		memcpy(r->v[0] + r->len[0], x, take * sizeof(double));
		r->len[0] += take;
		r->n += take;
		x += take;
		n -= take;
	}
}

static void rsk_merge_sketch(struct rsk *d, const struct rsk *s)
{
	unsigned h;

	for (h = 0; h < s->nlev; h++) {
		if (!s->len[h])
			continue;
		if (h == 0) {
			d->v[0] = realloc(d->v[0], (d->len[0] + s->len[0]) *
							   sizeof(double));
			assert_non_null(d->v[0]);
			memcpy(d->v[0] + d->len[0], s->v[0],
			       s->len[0] * sizeof(double));
			d->len[0] += s->len[0];
		} else {
			rsk_merge(d, h, s->v[h], s->len[h]);
		}
		if (h + 1 > d->nlev)
			d->nlev = h + 1;
	}
	d->n += s->n;
	d->err += s->err;
	rsk_cascade(d);
}

/* every level's values, bit for bit, their flips, n and the error */
static void same_levels(const dm_sketch *s, const struct rsk *r)
{
	sketch_state st;
	unsigned h;

	assert_int_equal(sketch_state_get(s, &st), DM_OK);
	assert_int_equal(st.n, r->n);
	assert_int_equal(st.nlev, r->nlev);
	assert_true(st.err_w == r->err);
	for (h = 0; h < st.nlev; h++) {
		assert_int_equal(st.len[h], r->len[h]);
		assert_int_equal(st.flip[h], r->flip[h]);
		if (st.len[h])
			assert_memory_equal(st.v[h], r->v[h],
					    st.len[h] * sizeof(double));
	}
}

/* ties (a pool of values), both zeros, both signs, a wide range */
static double mixed_value(void)
{
	double u = urand();

	if (u < 0.05)
		return u < 0.025 ? 0.0 : -0.0;
	if (u < 0.5)
		return floor(urand() * 200) - 100;
	return nrand() * exp(nrand() * 3);
}

static void sketch_levels_match_plain_algorithm(void **state)
{
	static const uint32_t ks[] = {16, 256, 1000};
	size_t t;

	(void)state;
	for (t = 0; t < sizeof(ks) / sizeof(ks[0]); t++) {
		dm_sketch *s = dm_sketch_new(ks[t]), *p = dm_sketch_new(ks[t]);
		struct rsk r, rp;
		double x[3000];
		int blk;

		rsk_init(&r, ks[t]);
		rsk_init(&rp, ks[t]);
		for (blk = 0; blk < 200; blk++) {
			size_t n = 1 + (size_t)(urand() * 2999), i;

			for (i = 0; i < n; i++)
				x[i] = mixed_value();
			assert_int_equal(dm_sketch_add_block(s, x, n), DM_OK);
			rsk_add(&r, x, n);
			same_levels(s, &r);
			/* and a second sketch, merged in every 20 blocks */
			assert_int_equal(dm_sketch_add_block(p, x, n / 3),
					 DM_OK);
			rsk_add(&rp, x, n / 3);
			if (blk % 20 == 19) {
				assert_int_equal(dm_sketch_merge(s, p), DM_OK);
				rsk_merge_sketch(&r, &rp);
				same_levels(s, &r);
			}
		}
		assert_true(r.nlev > 4);
		dm_sketch_free(s);
		dm_sketch_free(p);
		rsk_free(&r);
		rsk_free(&rp);
	}
}

/* A level above 0 keeps at most one merge from below (k/8 values)
 * between compactions: memory k + levels x k/8, not levels x k/2. */
static void sketch_levels_memory_bound(void **state)
{
	enum { K = 16384, KUP = K / 4 };
	dm_sketch *s = dm_sketch_new(K);
	double x[5000];
	sketch_state st;
	size_t b, i;
	unsigned h;

	(void)state;
	for (b = 0; b < 600; b++) {
		for (i = 0; i < 5000; i++)
			x[i] = nrand();
		assert_int_equal(dm_sketch_add_block(s, x, 5000), DM_OK);
	}
	assert_int_equal(sketch_state_get(s, &st), DM_OK);
	assert_true(st.nlev >= 8);   /* 3 million values, 2^7 k */
	assert_true(st.cap[0] <= K); /* level 0: no slack beyond k */
	for (h = 1; h < st.nlev; h++)
		assert_true(st.cap[h] <= KUP / 2 + 64);
	/* levels 1 and 2 are filled by every compaction below them: they
	 * keep at most the odd leftover */
	assert_true(st.len[1] <= 1 && st.len[2] <= 1);
	dm_sketch_free(s);
}

static void psi_formula(void **state)
{
	uint64_t e[3] = {50, 30, 20}, a[3] = {20, 30, 50}, z[3] = {0, 0, 0};
	double pe[3], pa[3], want = 0;
	int i;

	(void)state;
	for (i = 0; i < 3; i++) {
		pe[i] = (e[i] + 0.5) / (100 + 1.5);
		pa[i] = (a[i] + 0.5) / (100 + 1.5);
		want += (pa[i] - pe[i]) * log(pa[i] / pe[i]);
	}
	assert_true(fabs(dm_psi(e, a, 3) - want) < 1e-15);
	assert_true(fabs(dm_psi(e, e, 3)) < 1e-15);
	/* proportions + baseline size give the same value as counts */
	{
		double props[3] = {0.5, 0.3, 0.2};

		assert_true(fabs(dm_psi_props(props, 100, a, 3) -
				 dm_psi(e, a, 3)) < 1e-15);
		assert_true(isnan(dm_psi_props(props, 0, a, 3)));
		assert_true(isnan(dm_psi_props(props, 100, z, 3)));
	}
	assert_true(isnan(dm_psi(e, z, 3)));
	/* an empty bin stays finite */
	{
		uint64_t e2[2] = {100, 0}, a2[2] = {50, 50};

		assert_true(isfinite(dm_psi(e2, a2, 2)));
		assert_true(dm_psi(e2, a2, 2) > 1.0);
	}
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(moments_match_two_pass),
		cmocka_unit_test(sketch_exact_below_k),
		cmocka_unit_test(sketch_bound_holds_streaming),
		cmocka_unit_test(sketch_merge_bound_holds),
		cmocka_unit_test(sketch_compress_and_freeze),
		cmocka_unit_test(sketch_levels_match_plain_algorithm),
		cmocka_unit_test(sketch_levels_memory_bound),
		cmocka_unit_test(psi_formula),
	};

	if (argc > 1)
		cmocka_set_test_filter(argv[1]);
	return cmocka_run_group_tests_name("sketch", tests, NULL, NULL);
}
