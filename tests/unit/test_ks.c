/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The two-sample Kolmogorov-Smirnov test against scipy 1.10.1: D, the
 * p-value and the method of scipy.stats.ks_2samp on stored sample pairs,
 * the p-value step on a (D, n1, n2) grid, and kstwo.sf over every branch
 * of scipy's kolmogn.  The reference values are in tests/data (see
 * tests/oracle/gen_stats_vectors.py); the tests run from the repository
 * root.  Tolerances: D bit-identical; p-values 1e-9 relative, or both
 * below 1e-300 (underflowing tails).
 */
#include "dmtest.h"
#include "dmtest_vec.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "driftmon/stats.h"

#define P_RTOL 1e-9
/* scipy's own tolerance for its published numbers (decimal=6) */
#define PUBLISHED_ATOL 1.5e-6

/* ------------------------------------------------------------------ */
/* the sample-pair files                                               */
/* ------------------------------------------------------------------ */

/* One ks_2samp case: the pooled distinct values 0..nv-1 with their
 * counts in x and y, and scipy's results. */
typedef struct ks_case {
	char name[96];
	uint64_t n1, n2;
	size_t nv;
	uint64_t *cx, *cy;
	double stat_raw; /* D before the exact method's rounding */
	double stat, p;	 /* ks_2samp(x, y) */
	dm_ks_method method;
	int has_published;
	double pub_stat, pub_p;
} ks_case;

static void ks_case_free(ks_case *c)
{
	free(c->cx);
	free(c->cy);
	c->cx = c->cy = NULL;
}

/* Appends (a, b) to the pooled arrays, growing them. */
static int push_pooled(ks_case *c, size_t *cap, uint64_t a, uint64_t b)
{
	if (c->nv == *cap) {
		size_t ncap = *cap ? 2 * *cap : 256;
		uint64_t *nx = realloc(c->cx, ncap * sizeof(*nx));
		if (!nx)
			return -1;
		c->cx = nx;
		uint64_t *ny = realloc(c->cy, ncap * sizeof(*ny));
		if (!ny)
			return -1;
		c->cy = ny;
		*cap = ncap;
	}
	c->cx[c->nv] = a;
	c->cy[c->nv] = b;
	c->nv++;
	return 0;
}

/* Parses tests/data/ks_cases/<name>.txt; 0 on success. */
static int ks_case_load(const char *name, ks_case *c)
{
	char path[256];
	dmv_file f;
	uint64_t ntok, sx = 0, sy = 0;
	size_t cap = 0;
	const char *t;
	int rc = -1;

	memset(c, 0, sizeof(*c));
	snprintf(path, sizeof(path), "tests/data/ks_cases/%s.txt", name);
	if (dmv_open(&f, path) != 0)
		return -1;
	if (dmv_expect(&f, "name") || !(t = dmv_tok(&f)))
		goto out;
	snprintf(c->name, sizeof(c->name), "%s", t);
	if (dmv_expect(&f, "sizes") || dmv_u64(&f, &c->n1) ||
	    dmv_u64(&f, &c->n2))
		goto out;
	if (dmv_expect(&f, "statistic") || dmv_double(&f, &c->stat_raw))
		goto out;
	if (dmv_expect(&f, "expect") || dmv_double(&f, &c->stat) ||
	    dmv_double(&f, &c->p) || !(t = dmv_tok(&f)))
		goto out;
	if (strcmp(t, "exact") == 0)
		c->method = DM_KS_EXACT;
	else if (strcmp(t, "asymp") == 0)
		c->method = DM_KS_ASYMP;
	else
		goto out;
	t = dmv_tok(&f);
	if (t && strcmp(t, "published") == 0) {
		c->has_published = 1;
		if (dmv_double(&f, &c->pub_stat) || dmv_double(&f, &c->pub_p))
			goto out;
		t = dmv_tok(&f);
	}
	if (!t || strcmp(t, "pooled") != 0 || dmv_u64(&f, &ntok))
		goto out;
	for (uint64_t i = 0; i < ntok; i++) {
		char *end;
		unsigned long long k;
		if (!(t = dmv_tok(&f)))
			goto out;
		if (t[0] == 'x' || t[0] == 'y') {
			/* k distinct values, each once in one sample */
			k = strtoull(t + 1, &end, 10);
			if (*end || k == 0)
				goto out;
			for (unsigned long long q = 0; q < k; q++)
				if (push_pooled(c, &cap, t[0] == 'x',
						t[0] == 'y'))
					goto out;
		} else {
			/* a:b, one tied value */
			unsigned long long a = strtoull(t, &end, 10), b;
			if (*end != ':')
				goto out;
			b = strtoull(end + 1, &end, 10);
			if (*end || a + b == 0)
				goto out;
			if (push_pooled(c, &cap, a, b))
				goto out;
		}
	}
	if (dmv_tok(&f) != NULL)
		goto out;
	for (size_t i = 0; i < c->nv; i++) {
		sx += c->cx[i];
		sy += c->cy[i];
	}
	if (sx != c->n1 || sy != c->n2)
		goto out;
	rc = 0;
out:
	dmv_close(&f);
	if (rc != 0)
		ks_case_free(c);
	return rc;
}

/* The names listed in tests/data/ks_cases/INDEX (a malloc'd array of
 * pointers into *f's buffer). */
static char **ks_index(dmv_file *f, size_t *n)
{
	char **names = NULL, *t;
	size_t cap = 0;

	*n = 0;
	if (dmv_open(f, "tests/data/ks_cases/INDEX") != 0)
		return NULL;
	while ((t = dmv_tok(f)) != NULL) {
		if (*n == cap) {
			cap = cap ? 2 * cap : 128;
			char **nn = realloc(names, cap * sizeof(*nn));
			if (!nn) {
				free(names);
				return NULL;
			}
			names = nn;
		}
		names[(*n)++] = t;
	}
	return names;
}

/* value of the i-th pooled distinct value: increasing, not integral */
static double pooled_value(size_t i)
{
	return (double)i * 0.37 - 1000.0;
}

/* Expands the pooled counts into the two sorted samples. */
static void expand(const ks_case *c, double *x, double *y)
{
	size_t ix = 0, iy = 0;

	for (size_t i = 0; i < c->nv; i++) {
		for (uint64_t q = 0; q < c->cx[i]; q++)
			x[ix++] = pooled_value(i);
		for (uint64_t q = 0; q < c->cy[i]; q++)
			y[iy++] = pooled_value(i);
	}
}

static uint64_t shuf_state;

static uint64_t xorshift(void)
{
	shuf_state ^= shuf_state << 13;
	shuf_state ^= shuf_state >> 7;
	shuf_state ^= shuf_state << 17;
	return shuf_state;
}

static void shuffle(double *v, size_t n)
{
	for (size_t i = n; i > 1; i--) {
		size_t j = (size_t)(xorshift() % i);
		double t = v[i - 1];
		v[i - 1] = v[j];
		v[j] = t;
	}
}

/* The weighted form: distinct values of one sample with their counts;
 * with split != 0 every count > 1 is given as two entries (c-1, 1), as a
 * sketch may hold a tie. */
static size_t weighted(const ks_case *c, const uint64_t *cnt, int split,
		       double *v, uint64_t *w)
{
	size_t k = 0;

	for (size_t i = 0; i < c->nv; i++) {
		if (cnt[i] == 0)
			continue;
		if (split && cnt[i] > 1) {
			v[k] = pooled_value(i);
			w[k++] = cnt[i] - 1;
			v[k] = pooled_value(i);
			w[k++] = 1;
		} else {
			v[k] = pooled_value(i);
			w[k++] = cnt[i];
		}
	}
	return k;
}

/* Runs fn on every case of the INDEX; returns the number of cases. */
static size_t for_each_case(void (*fn)(const ks_case *, void *), void *arg)
{
	dmv_file idx;
	size_t n;
	char **names = ks_index(&idx, &n);

	assert_non_null(names);
	for (size_t i = 0; i < n; i++) {
		ks_case c;
		if (ks_case_load(names[i], &c) != 0)
			fail_msg("cannot read tests/data/ks_cases/%s.txt",
				 names[i]);
		assert_string_equal(c.name, names[i]);
		fn(&c, arg);
		ks_case_free(&c);
	}
	free(names);
	dmv_close(&idx);
	return n;
}

/* ------------------------------------------------------------------ */
/* cases                                                               */
/* ------------------------------------------------------------------ */

typedef struct stat_tally {
	size_t n, bad;
} stat_tally;

static void check_statistic(const ks_case *c, void *arg)
{
	stat_tally *t = arg;
	double *x = malloc(c->n1 * sizeof(*x)), *y = malloc(c->n2 * sizeof(*y));
	double *xv = malloc(2 * c->nv * sizeof(*xv));
	double *yv = malloc(2 * c->nv * sizeof(*yv));
	uint64_t *xw = malloc(2 * c->nv * sizeof(*xw));
	uint64_t *yw = malloc(2 * c->nv * sizeof(*yw));
	uint64_t *ones = malloc(c->n1 * sizeof(*ones));
	double d[6];

	assert_true(x && y && xv && yv && xw && yw && ones);
	expand(c, x, y);
	for (size_t i = 0; i < c->n1; i++)
		ones[i] = 1;
	d[0] = dm_ks_statistic(x, NULL, c->n1, y, NULL, c->n2);
	d[1] = dm_ks_statistic(x, ones, c->n1, y, NULL, c->n2);
	d[2] = dm_ks_statistic(y, NULL, c->n2, x, NULL, c->n1);
	size_t kx = weighted(c, c->cx, 0, xv, xw);
	size_t ky = weighted(c, c->cy, 0, yv, yw);
	d[3] = dm_ks_statistic(xv, xw, kx, yv, yw, ky);
	kx = weighted(c, c->cx, 1, xv, xw);
	ky = weighted(c, c->cy, 1, yv, yw);
	d[4] = dm_ks_statistic(xv, xw, kx, yv, yw, ky);
	d[5] = dm_ks_statistic(yv, yw, ky, xv, xw, kx);
	for (int i = 0; i < 6; i++) {
		t->n++;
		if (d[i] != c->stat_raw) {
			t->bad++;
			print_message("  %s: D variant %d = %.17g, "
				      "scipy %.17g\n",
				      c->name, i, d[i], c->stat_raw);
		}
	}
	free(x);
	free(y);
	free(xv);
	free(yv);
	free(xw);
	free(yw);
	free(ones);
}

/* D of every stored pair, from plain, unit-weight, weighted and
 * split-tie inputs, in both orders: bit-identical to scipy's. */
static void ks_statistic_matches_scipy(void **state)
{
	stat_tally t = {0, 0};
	(void)state;

	size_t n = for_each_case(check_statistic, &t);
	print_message("  %zu cases, %zu statistics, %zu not bit-identical\n", n,
		      t.n, t.bad);
	assert_true(n >= 60);
	assert_int_equal(t.bad, 0);
}

typedef struct samp_tally {
	size_t n, bad, pbitexact, nexact, nasymp, ntiny;
	dmv_worst worst;
	double slowest;
	char slowest_name[96];
} samp_tally;

static void check_2samp(const ks_case *c, void *arg)
{
	samp_tally *t = arg;
	double *x = malloc(c->n1 * sizeof(*x)), *y = malloc(c->n2 * sizeof(*y));
	dm_ks_result res;

	assert_true(x && y);
	expand(c, x, y);
	shuf_state = 0x9E3779B97F4A7C15ull ^ (uint64_t)c->nv;
	shuffle(x, c->n1);
	shuffle(y, c->n2);
	double t0 = dmv_cpu_seconds();
	dm_err err = dm_ks_2samp(x, c->n1, y, c->n2, &res);
	double dt = dmv_cpu_seconds() - t0;
	assert_int_equal(err, DM_OK);
	if (dt > t->slowest) {
		t->slowest = dt;
		snprintf(t->slowest_name, sizeof(t->slowest_name), "%s",
			 c->name);
	}
	double e = dmv_err(res.pvalue, c->p);
	dmv_note(&t->worst, e, c->name);
	t->n++;
	t->pbitexact += res.pvalue == c->p;
	t->nexact += c->method == DM_KS_EXACT;
	t->nasymp += c->method == DM_KS_ASYMP;
	t->ntiny += c->p < 1e-250;
	if (res.statistic != c->stat || !(e <= P_RTOL) ||
	    res.method != c->method) {
		t->bad++;
		print_message("  %s: D %.17g p %.17g method %d; scipy D %.17g "
			      "p %.17g method %d\n",
			      c->name, res.statistic, res.pvalue, res.method,
			      c->stat, c->p, c->method);
	}
	free(x);
	free(y);
}

/* dm_ks_2samp on the shuffled pairs: D, p and method as ks_2samp. */
static void ks_2samp_matches_scipy(void **state)
{
	samp_tally t;
	(void)state;

	memset(&t, 0, sizeof(t));
	size_t n = for_each_case(check_2samp, &t);
	print_message("  %zu cases (%zu exact, %zu asymp, %zu with p < "
		      "1e-250): worst p rel. error %.3g (%s), %zu p "
		      "bit-identical; slowest %.1f ms (%s)\n",
		      n, t.nexact, t.nasymp, t.ntiny, t.worst.err,
		      t.worst.where, t.pbitexact, 1e3 * t.slowest,
		      t.slowest_name);
	assert_true(t.nexact >= 30 && t.nasymp >= 10 && t.ntiny >= 3);
	assert_int_equal(t.bad, 0);
}

static void check_published(const ks_case *c, void *arg)
{
	size_t *n = arg;
	double *x, *y;
	dm_ks_result res;

	if (!c->has_published)
		return;
	x = malloc(c->n1 * sizeof(*x));
	y = malloc(c->n2 * sizeof(*y));
	assert_true(x && y);
	expand(c, x, y);
	assert_int_equal(dm_ks_2samp(x, c->n1, y, c->n2, &res), DM_OK);
	if (fabs(res.statistic - c->pub_stat) > PUBLISHED_ATOL ||
	    (!isnan(c->pub_p) && fabs(res.pvalue - c->pub_p) > PUBLISHED_ATOL))
		fail_msg("%s: D %.17g p %.17g, published %.17g %.17g", c->name,
			 res.statistic, res.pvalue, c->pub_stat, c->pub_p);
	(*n)++;
	free(x);
	free(y);
}

/* The expected values printed in scipy's TestKSTwoSamples, at scipy's own
 * tolerance (they predate scipy 1.10's more exact algorithms). */
static void ks_published_values(void **state)
{
	size_t n = 0;
	(void)state;

	for_each_case(check_published, &n);
	print_message("  %zu published scipy cases\n", n);
	assert_true(n >= 20);
}

/* The p-value step alone on a (D, n1, n2) grid: sizes 1..200,000 around
 * the 10,000 switch-over, D on and between lattice points, p from 1 to
 * below 1e-300. */
static void ks_pvalue_grid(void **state)
{
	dmv_file f;
	dmv_worst worst_exact = {0.0, ""}, worst_asymp = {0.0, ""};
	size_t n = 0, bad = 0, nexact = 0, bitexact = 0, nasymp = 0;
	double slowest = 0.0;
	char slow_where[160] = "";
	(void)state;

	assert_int_equal(dmv_open(&f, "tests/data/ks_pvalue.txt"), 0);
	for (;;) {
		uint64_t n1 = 0, n2 = 0;
		double din = 0, d = 0, p = 0;
		const char *t;
		dm_ks_result res;
		char where[160];

		if (dmv_u64(&f, &n1) != 0)
			break;
		assert_int_equal(dmv_u64(&f, &n2), 0);
		assert_int_equal(dmv_double(&f, &din), 0);
		assert_int_equal(dmv_double(&f, &d), 0);
		assert_int_equal(dmv_double(&f, &p), 0);
		assert_non_null(t = dmv_tok(&f));
		dm_ks_method m =
			strcmp(t, "exact") == 0 ? DM_KS_EXACT : DM_KS_ASYMP;
		double t0 = dmv_cpu_seconds();
		assert_int_equal(dm_ks_pvalue(din, n1, n2, &res), DM_OK);
		double dt = dmv_cpu_seconds() - t0;
		snprintf(where, sizeof(where), "n1=%llu n2=%llu d=%.17g",
			 (unsigned long long)n1, (unsigned long long)n2, din);
		if (dt > slowest) {
			slowest = dt;
			snprintf(slow_where, sizeof(slow_where), "%s", where);
		}
		double e = dmv_err(res.pvalue, p);
		dmv_note(m == DM_KS_EXACT ? &worst_exact : &worst_asymp, e,
			 where);
		n++;
		nexact += m == DM_KS_EXACT;
		nasymp += m == DM_KS_ASYMP;
		bitexact += m == DM_KS_EXACT && res.pvalue == p;
		if (res.statistic != d || !(e <= P_RTOL) || res.method != m) {
			bad++;
			print_message("  %s: D %.17g p %.17g m %d; scipy %.17g "
				      "%.17g %d\n",
				      where, res.statistic, res.pvalue,
				      res.method, d, p, m);
		}
	}
	dmv_close(&f);
	print_message("  %zu rows: exact %zu (worst %.3g at %s; %zu "
		      "bit-identical), asymp %zu (worst %.3g at %s); slowest "
		      "%.1f ms (%s)\n",
		      n, nexact, worst_exact.err, worst_exact.where, bitexact,
		      nasymp, worst_asymp.err, worst_asymp.where, 1e3 * slowest,
		      slow_where);
	assert_true(n >= 400 && nexact >= 150 && nasymp >= 150);
	assert_int_equal(bad, 0);
#if FLT_EVAL_METHOD == 0
	/* The exact recursions use +, *, / only: with IEEE double and no
	 * fused multiply-add they reproduce scipy to the last bit. */
	assert_int_equal(bitexact, nexact);
#endif
}

/* kstwo.sf(d, n) against scipy, worst error per kolmogn branch; every
 * branch must be present in the vectors. */
static void kstwo_sf_branches(void **state)
{
	static const char *const branches[] = {
		"support",	"one",
		"rg_low_small", "rg_low_stirling",
		"rg_high",	"smirnov_x05",
		"dmtw_n140",	"pomeranz",
		"smirnov_n140", "zero",
		"smirnov",	"smirnov_approx",
		"dmtw",		"pelzgood",
		"badn"};
	enum { NB = sizeof(branches) / sizeof(branches[0]) };
	dmv_worst worst[NB];
	size_t count[NB], bad = 0;
	dmv_file f;
	const char *t;
	(void)state;

	memset(worst, 0, sizeof(worst));
	memset(count, 0, sizeof(count));
	assert_int_equal(dmv_open(&f, "tests/data/kstwo_sf.txt"), 0);
	while ((t = dmv_tok(&f)) != NULL) {
		double n = 0, d = 0, want = 0;
		int b;
		char where[160];

		for (b = 0; b < NB; b++)
			if (strcmp(t, branches[b]) == 0)
				break;
		if (b == NB)
			fail_msg("unknown branch '%s' in kstwo_sf.txt", t);
		assert_int_equal(dmv_double(&f, &n), 0);
		assert_int_equal(dmv_double(&f, &d), 0);
		assert_int_equal(dmv_double(&f, &want), 0);
		double got = dm_kstwo_sf(d, n);
		double e = dmv_err(got, want);
		snprintf(where, sizeof(where), "n=%.17g d=%.17g", n, d);
		dmv_note(&worst[b], e, where);
		count[b]++;
		if (!(e <= P_RTOL)) {
			bad++;
			print_message("  %s %s: %.17g, scipy %.17g\n",
				      branches[b], where, got, want);
		}
	}
	dmv_close(&f);
	for (int b = 0; b < NB; b++) {
		print_message("  %-16s %4zu rows, worst rel. error %.3g (%s)\n",
			      branches[b], count[b], worst[b].err,
			      worst[b].where);
		assert_true(count[b] > 0);
	}
	assert_int_equal(bad, 0);
}

/* Bad arguments and degenerate samples. */
static void ks_edge_cases(void **state)
{
	dm_ks_result res;
	const double one[1] = {1.0}, two[2] = {1.0, 2.0};
	const double unsorted[3] = {1.0, 3.0, 2.0};
	const double withnan[2] = {1.0, NAN};
	const uint64_t zero_w[2] = {0, 0};
	(void)state;

	assert_int_equal(dm_ks_pvalue(0.5, 0, 3, &res), DM_EINVAL);
	assert_int_equal(dm_ks_pvalue(0.5, 3, 0, &res), DM_EINVAL);
	assert_int_equal(dm_ks_pvalue(-0.01, 3, 4, &res), DM_EINVAL);
	assert_int_equal(dm_ks_pvalue(1.01, 3, 4, &res), DM_EINVAL);
	assert_int_equal(dm_ks_pvalue(NAN, 3, 4, &res), DM_EINVAL);
	assert_int_equal(dm_ks_pvalue(0.5, 3, 4, NULL), DM_EINVAL);
	assert_int_equal(dm_ks_2samp(one, 0, two, 2, &res), DM_EINVAL);
	assert_int_equal(dm_ks_2samp(one, 1, two, 0, &res), DM_EINVAL);
	assert_int_equal(dm_ks_2samp(withnan, 2, two, 2, &res), DM_EINVAL);

	assert_true(isnan(dm_ks_statistic(one, NULL, 0, two, NULL, 2)));
	assert_true(isnan(dm_ks_statistic(one, NULL, 1, two, NULL, 0)));
	assert_true(isnan(dm_ks_statistic(unsorted, NULL, 3, two, NULL, 2)));
	assert_true(isnan(dm_ks_statistic(withnan, NULL, 2, two, NULL, 2)));
	assert_true(isnan(dm_ks_statistic(two, zero_w, 2, two, NULL, 2)));
	assert_true(dm_ks_statistic(two, NULL, 2, two, NULL, 2) == 0.0);

	/* D = 0: p = 1 by the exact method; D = 1, n = 1: p = 1 too */
	assert_int_equal(dm_ks_pvalue(0.0, 5, 7, &res), DM_OK);
	assert_true(res.pvalue == 1.0 && res.method == DM_KS_EXACT);
	assert_int_equal(dm_ks_2samp(one, 1, two + 1, 1, &res), DM_OK);
	assert_true(res.statistic == 1.0 && res.pvalue == 1.0);
	/* rounding to the lattice: 0.26 for 2 x 2 is h = round(1.04) = 1 */
	assert_int_equal(dm_ks_pvalue(0.26, 2, 2, &res), DM_OK);
	assert_true(res.statistic == 0.5);
	/* the asymptotic method does not round D */
	assert_int_equal(dm_ks_pvalue(0.0123456, 20000, 20000, &res), DM_OK);
	assert_true(res.statistic == 0.0123456 && res.method == DM_KS_ASYMP);

	assert_true(isnan(dm_kstwo_sf(NAN, 5)));
	assert_true(isnan(dm_kstwo_sf(0.3, NAN)));
	assert_true(isnan(dm_kstwo_sf(0.3, 0.0)));
	assert_true(isnan(dm_kstwo_sf(0.3, 2.5)));
	assert_true(isnan(dm_kstwo_sf(0.3, INFINITY)));
	assert_true(dm_kstwo_sf(0.05, 10) == 1.0); /* d <= 0.5/n */
	assert_true(dm_kstwo_sf(1.0, 10) == 0.0);
	assert_true(dm_kstwo_sf(-1.0, 10) == 1.0);
}

/* n1 = n2 = 10,000 (exact) must be fast at any D, and n1 != n2 near the
 * switch-over stays reasonable; CPU time, not wall time. */
static void ks_pvalue_speed(void **state)
{
	static const double ds[] = {0.005, 0.02, 0.1, 0.3, 0.7, 1.0};
	double worst_eq = 0.0, t0, dt;
	dm_ks_result res;
	(void)state;

	for (size_t i = 0; i < sizeof(ds) / sizeof(ds[0]); i++) {
		t0 = dmv_cpu_seconds();
		dm_err err = dm_ks_pvalue(ds[i], 10000, 10000, &res);
		assert_int_equal(err, DM_OK);
		dt = dmv_cpu_seconds() - t0;
		assert_int_equal(res.method, DM_KS_EXACT);
		if (dt > worst_eq)
			worst_eq = dt;
	}
	t0 = dmv_cpu_seconds();
	assert_int_equal(dm_ks_pvalue(0.02, 10000, 9999, &res), DM_OK);
	dt = dmv_cpu_seconds() - t0;
	print_message("  n1 = n2 = 10000 exact: slowest %.3f ms; 10000 x 9999 "
		      "at D = 0.02: %.1f ms\n",
		      1e3 * worst_eq, 1e3 * dt);
	assert_true(worst_eq < 0.050);
	assert_true(dt < 1.0);
}

/* ------------------------------------------------------------------ */
/* KS against a stored ECDF (dm_ecdf_count, src/stats/ecdfcount.c)     */
/* ------------------------------------------------------------------ */

/* Counts window w[0..n) against the reference (rv, rw, rn) with extra
 * points, in chunks of irregular sizes and with a NaN after every 7th
 * value (skipped); returns the counter, finished. */
static dm_ecdf_count *count_window(const double *rv, const uint64_t *rw,
				   size_t rn, const double *extra,
				   size_t nextra, const double *w, size_t n)
{
	/* the tails' sketch holds every value of these windows */
	dm_ecdf_count *c = dm_ecdf_count_new(rv, rw, rn, extra, nextra, 16384);
	double buf[40];
	size_t i = 0, k = 0, chunk = 1;

	assert_non_null(c);
	while (i < n) {
		buf[k++] = w[i++];
		if (i % 7 == 0)
			buf[k++] = NAN;
		if (k >= chunk || k + 2 > sizeof(buf) / sizeof(buf[0]) ||
		    i == n) {
			assert_int_equal(dm_ecdf_count_add(c, buf, k), DM_OK);
			k = 0;
			chunk = chunk % 37 + 1;
		}
	}
	assert_int_equal(dm_ecdf_count_finish(c), DM_OK);
	return c;
}

typedef struct counted_tally {
	size_t n, bad, outside;
	dmv_worst worst;
} counted_tally;

/* One orientation: the reference is side r (its distinct values with
 * their counts, ties split in two entries as a sketch may give them),
 * the window side w (every value, shuffled). */
static void check_counted_side(const ks_case *c, const uint64_t *rc,
			       uint64_t rn_total, double *w, uint64_t wn,
			       counted_tally *t)
{
	double *rv = malloc(2 * c->nv * sizeof(*rv));
	uint64_t *rw = malloc(2 * c->nv * sizeof(*rw));
	/* extra points of weight 0: between values, below and above all */
	double extra[4] = {pooled_value(0) - 5.0, pooled_value(c->nv / 2) + 0.1,
			   pooled_value(c->nv) + 5.0, pooled_value(1)};
	dm_ks_result res;

	assert_true(rv && rw);
	size_t rn = weighted(c, rc, 1, rv, rw);
	shuf_state = 0x243F6A8885A308D3ull ^ (uint64_t)c->nv;
	shuffle(w, wn);
	for (int ex = 0; ex < 2; ex++) {
		dm_ecdf_count *e =
			count_window(rv, rw, rn, extra, ex ? 4 : 0, w, wn);
		double d = dm_ecdf_count_ks(e);

		assert_int_equal(dm_ecdf_count_n(e), wn);
		assert_int_equal(dm_ecdf_count_ref_n(e), rn_total);
		assert_int_equal(dm_ks_pvalue(d, rn_total, wn, &res), DM_OK);
		double err = dmv_err(res.pvalue, c->p);
		dmv_note(&t->worst, err, c->name);
		t->n++;
		if (d != c->stat_raw || res.method != c->method ||
		    !(err <= P_RTOL)) {
			t->bad++;
			print_message("  %s: counted D %.17g p %.17g, scipy "
				      "%.17g %.17g\n",
				      c->name, d, res.pvalue, c->stat_raw,
				      c->p);
		}
		dm_ecdf_count_free(e);
	}
	/* window values outside the reference's range */
	t->outside += w[0] != w[0] || wn == 0 ? 0 : 1;
	free(rv);
	free(rw);
}

static void check_counted(const ks_case *c, void *arg)
{
	double *x = malloc(c->n1 * sizeof(*x)), *y = malloc(c->n2 * sizeof(*y));

	assert_true(x && y);
	expand(c, x, y);
	check_counted_side(c, c->cx, c->n1, y, c->n2, arg);
	check_counted_side(c, c->cy, c->n2, x, c->n1, arg);
	free(x);
	free(y);
}

/* D of every stored pair with one side as a stored (weighted) ECDF and
 * the other counted against it, in both orders, with extra points and
 * NaNs in the window: bit-identical to scipy's ks_2samp, and its
 * p-value and method as scipy's. */
static void ks_counted_matches_scipy(void **state)
{
	counted_tally t;
	(void)state;

	memset(&t, 0, sizeof(t));
	size_t n = for_each_case(check_counted, &t);
	print_message("  %zu cases, %zu statistics, %zu off; worst p rel. "
		      "error %.3g (%s)\n",
		      n, t.n, t.bad, t.worst.err, t.worst.where);
	assert_true(n >= 60);
	assert_int_equal(t.bad, 0);
}

static int cmp_dbl(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Bins, quantiles and items of a window counted against a sketch's
 * items: bins as dm_feature_bin counts them (the number of edges < x),
 * quantiles exact at a point and within the interval of points (or the
 * tails' exact values) elsewhere. */
static void ecdf_count_bins_quantiles(void **state)
{
	enum { NREF = 20000, NW = 3001, NE = 9 };
	static const double qs[] = {0.0, 0.001, 0.01, 0.05, 0.25,
				    0.5, 0.75,	0.95, 0.99, 1.0};
	dm_sketch *sk = dm_sketch_new(256);
	double *rv, *w = malloc(NW * sizeof(*w)), edges[NE], q[10], *iv;
	uint64_t *rw, bins[NE + 1], brute[NE + 1] = {0}, *iw, tot = 0;
	size_t rn, n_items, i, j;
	int exact;
	(void)state;

	assert_true(sk && w);
	shuf_state = 0x9E3779B97F4A7C15ull;
	for (i = 0; i < NREF; i++) /* discrete-ish: many ties */
		assert_int_equal(
			dm_sketch_add(sk, (double)(xorshift() % 4001) / 100.0),
			DM_OK);
	assert_int_equal(dm_sketch_items(sk, &rv, &rw, &rn), DM_OK);
	for (j = 0; j < NE; j++)
		edges[j] = 4.0 * (double)(j + 1) + 0.005; /* not points */
	for (i = 0; i < NW; i++) /* shifted: tails below and above */
		w[i] = (double)(xorshift() % 5001) / 100.0 - 5.0;
	dm_ecdf_count *c = count_window(rv, rw, rn, edges, NE, w, NW);
	assert_int_equal(dm_ecdf_count_bins(c, edges, NE, bins), DM_OK);
	for (i = 0; i < NW; i++) {
		size_t b = 0;
		for (j = 0; j < NE; j++)
			b += edges[j] < w[i];
		brute[b]++;
	}
	for (j = 0; j <= NE; j++)
		assert_int_equal(bins[j], brute[j]);
	/* an edge that is not a point cannot be answered */
	double off = 0.0051;
	assert_int_equal(dm_ecdf_count_bins(c, &off, 1, bins), DM_EINVAL);

	qsort(w, NW, sizeof(*w), cmp_dbl);
	assert_int_equal(dm_ecdf_count_quantiles(c, qs, 10, q), DM_OK);
	for (i = 0; i < 10; i++) {
		size_t r = qs[i] <= 0.0 ? 0 : (size_t)ceil(qs[i] * NW) - 1;
		double x = w[r];
		size_t lo = 0;

		/* the reference points around x */
		while (lo < rn && rv[lo] < x)
			lo++;
		if (lo < rn && rv[lo] == x)
			assert_true(q[i] == x); /* a point: exact */
		else if (lo == 0 || lo == rn)
			assert_true(q[i] == x); /* tails: exact sketch */
		else
			assert_true(q[i] > rv[lo - 1] && q[i] <= rv[lo]);
	}
	assert_int_equal(dm_ecdf_count_items(c, &iv, &iw, &n_items, &exact),
			 DM_OK);
	for (i = 0; i < n_items; i++) {
		tot += iw[i];
		if (i)
			assert_true(iv[i] >= iv[i - 1]);
	}
	assert_int_equal(tot, NW);
	assert_int_equal(exact, 0); /* window values between the points */
	free(iv);
	free(iw);
	dm_ecdf_count_free(c);

	/* a window on the points only: items exact, equal to the window */
	c = count_window(rv, rw, rn, NULL, 0, rv, rn);
	assert_int_equal(dm_ecdf_count_items(c, &iv, &iw, &n_items, &exact),
			 DM_OK);
	assert_int_equal(exact, 1);
	for (i = 0, tot = 0; i < n_items; i++)
		tot += iw[i];
	assert_int_equal(tot, rn);
	assert_true(dm_ecdf_count_ks(c) > 0.0 || rn == 1);
	free(iv);
	free(iw);
	dm_ecdf_count_free(c);

	/* no value: NaN D, NaN quantiles; bad references refused */
	c = dm_ecdf_count_new(rv, rw, rn, NULL, 0, 64);
	assert_true(isnan(dm_ecdf_count_ks(c)));
	assert_int_equal(dm_ecdf_count_quantiles(c, qs, 1, q), DM_OK);
	assert_true(isnan(q[0]));
	dm_ecdf_count_free(c);
	double bad[2] = {2.0, 1.0}, nan1 = NAN;
	uint64_t zero[2] = {0, 0};
	assert_null(dm_ecdf_count_new(bad, NULL, 2, NULL, 0, 64));
	assert_null(dm_ecdf_count_new(&nan1, NULL, 1, NULL, 0, 64));
	assert_null(dm_ecdf_count_new(rv, zero, 1, NULL, 0, 64));
	assert_null(dm_ecdf_count_new(rv, rw, 0, NULL, 0, 64));
	free(rv);
	free(rw);
	free(w);
	dm_sketch_free(sk);
}

/* dm_ecdf_count_ks_test: the p-value of the values counted so far,
 * equal to dm_ks_pvalue of D; kept only until more values are counted. */
static void ecdf_count_ks_test_cached(void **state)
{
	enum { NREF = 5000, NW = 4000 };
	double ref[NREF], w[NW];
	dm_ecdf_count *c;
	dm_ks_result a, b, again;
	size_t i;
	(void)state;

	for (i = 0; i < NREF; i++)
		ref[i] = (double)i / NREF;
	for (i = 0; i < NW; i++) /* the second half shifted */
		w[i] = (double)((i * 7919) % NW) / NW + (i >= NW / 2 ? 0.3 : 0);
	c = dm_ecdf_count_new(ref, NULL, NREF, NULL, 0, 64);
	assert_non_null(c);
	assert_int_equal(dm_ecdf_count_add(c, w, NW / 2), DM_OK);
	assert_int_equal(dm_ecdf_count_finish(c), DM_OK);
	assert_int_equal(dm_ecdf_count_ks_test(c, &a), DM_OK);
	assert_int_equal(dm_ks_pvalue(dm_ecdf_count_ks(c), NREF, NW / 2, &b),
			 DM_OK);
	assert_true(a.statistic == b.statistic && a.pvalue == b.pvalue &&
		    a.method == b.method);
	assert_int_equal(dm_ecdf_count_ks_test(c, &again), DM_OK);
	assert_true(again.pvalue == a.pvalue);
	/* more values: computed afresh */
	assert_int_equal(dm_ecdf_count_add(c, w + NW / 2, NW / 2), DM_OK);
	assert_int_equal(dm_ecdf_count_finish(c), DM_OK);
	assert_int_equal(dm_ecdf_count_ks_test(c, &a), DM_OK);
	assert_int_equal(dm_ks_pvalue(dm_ecdf_count_ks(c), NREF, NW, &b),
			 DM_OK);
	assert_true(a.statistic == b.statistic && a.pvalue == b.pvalue);
	assert_true(a.pvalue != again.pvalue);
	dm_ecdf_count_free(c);
}

/* The comparison itself must be able to fail. */
static void ks_checker_rejects_errors(void **state)
{
	(void)state;
	assert_true(dmv_err(1.0 + 2e-9, 1.0) > P_RTOL);
	assert_true(dmv_err(1e-200 * (1 + 2e-9), 1e-200) > P_RTOL);
	assert_true(dmv_err(1e-299, 0.0) > P_RTOL);
	assert_true(dmv_err(NAN, 0.5) > P_RTOL);
	assert_true(dmv_err(0.5, NAN) > P_RTOL);
	assert_true(dmv_err(1e-301, 1e-305) <= P_RTOL); /* both underflow */
	assert_true(dmv_err(0.25 * (1 + 5e-10), 0.25) <= P_RTOL);
}

static const struct CMUnitTest ks_tests[] = {
	cmocka_unit_test(ks_checker_rejects_errors),
	cmocka_unit_test(ks_statistic_matches_scipy),
	cmocka_unit_test(ks_counted_matches_scipy),
	cmocka_unit_test(ecdf_count_bins_quantiles),
	cmocka_unit_test(ecdf_count_ks_test_cached),
	cmocka_unit_test(ks_2samp_matches_scipy),
	cmocka_unit_test(ks_published_values),
	cmocka_unit_test(ks_pvalue_grid),
	cmocka_unit_test(kstwo_sf_branches),
	cmocka_unit_test(ks_edge_cases),
	cmocka_unit_test(ks_pvalue_speed),
};

DMTEST_MAIN("ks", ks_tests)
