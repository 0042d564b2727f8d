/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The drift tests of issue 14 against scipy 1.10.1 / statsmodels (vectors
 * in tests/data/breadth_*.txt, written by
 * tests/oracle/gen_breadth_vectors.py): Wasserstein, energy distance,
 * Cramér-von Mises and Anderson-Darling on exact samples (given both raw
 * and as (value, weight) runs, as a sketch holds them), Jensen-Shannon,
 * Hellinger, KL and the G-test on counts, Fisher's exact test and the
 * two-proportion z-test on 2x2 tables.  Statistics to 1e-9 relative;
 * p-values to 1e-9 relative (or 1e-12 absolute for a p-value that is a
 * difference 1 - cdf, see PV_ATOL).  Then one case per test per edge:
 * ties, constant samples, tiny samples, empty bins.
 */
#include "dmtest.h"
#include "dmtest_vec.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "driftmon/schema.h"
#include "driftmon/stats.h"

#define RTOL	1e-9
#define PV_ATOL 1e-12

typedef struct ncase {
	char name[64];
	double *x, *y;
	size_t nx, ny;
	double want[6]; /* wass energy cvm_t cvm_p ad_t ad_p */
} ncase;

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static int read_ncase(dmv_file *f, ncase *c)
{
	const char *t = dmv_tok(f);
	uint64_t n = 0;

	if (!t)
		return -1;
	assert_string_equal(t, "case");
	snprintf(c->name, sizeof(c->name), "%s", dmv_tok(f));
	assert_int_equal(dmv_u64(f, &n), 0);
	c->nx = (size_t)n;
	c->x = malloc(n * sizeof(double));
	for (size_t i = 0; i < c->nx; i++)
		assert_int_equal(dmv_double(f, &c->x[i]), 0);
	assert_int_equal(dmv_u64(f, &n), 0);
	c->ny = (size_t)n;
	c->y = malloc(n * sizeof(double));
	for (size_t i = 0; i < c->ny; i++)
		assert_int_equal(dmv_double(f, &c->y[i]), 0);
	assert_int_equal(dmv_expect(f, "expect"), 0);
	for (int i = 0; i < 6; i++)
		assert_int_equal(dmv_double(f, &c->want[i]), 0);
	qsort(c->x, c->nx, sizeof(double), cmp_d);
	qsort(c->y, c->ny, sizeof(double), cmp_d);
	return 0;
}

/* Loads the case called name from the numeric file. */
static void load_ncase(const char *name, ncase *c)
{
	dmv_file f;

	assert_int_equal(dmv_open(&f, DMTEST_DATA("breadth_numeric.txt")), 0);
	while (read_ncase(&f, c) == 0) {
		if (strcmp(c->name, name) == 0) {
			dmv_close(&f);
			return;
		}
		free(c->x);
		free(c->y);
	}
	dmv_close(&f);
	fail_msg("no case %s", name);
}

/* Run-length form of a sorted sample: distinct values and weights. */
static size_t runs(const double *v, size_t n, double *rv, uint64_t *rw)
{
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		if (o && rv[o - 1] == v[i]) {
			rw[o - 1]++;
		} else {
			rv[o] = v[i];
			rw[o++] = 1;
		}
	}
	return o;
}

static double pv_err(double got, double want)
{
	if (!isnan(got) && !isnan(want) && fabs(got - want) <= PV_ATOL)
		return 0.0;
	return dmv_err(got, want);
}

/* All six results of one case, from w (NULL: raw sample). Returns the
 * number of mismatches and updates the worst errors. */
static size_t check_ncase(const ncase *c, int weighted, dmv_worst *ws,
			  dmv_worst *wp)
{
	double *xv = c->x, *yv = c->y, got[6], *rx = NULL, *ry = NULL;
	uint64_t *wx = NULL, *wy = NULL;
	size_t nx = c->nx, ny = c->ny, bad = 0;
	dm_test_result cr, ar;
	dm_err ce, ae;
	char where[128];

	if (weighted) {
		rx = malloc(c->nx * sizeof(double));
		ry = malloc(c->ny * sizeof(double));
		wx = malloc(c->nx * sizeof(uint64_t));
		wy = malloc(c->ny * sizeof(uint64_t));
		nx = runs(c->x, c->nx, rx, wx);
		ny = runs(c->y, c->ny, ry, wy);
		xv = rx;
		yv = ry;
	}
	got[0] = dm_wasserstein(xv, wx, nx, yv, wy, ny);
	got[1] = dm_energy_distance(xv, wx, nx, yv, wy, ny);
	ce = dm_cvm_2samp(xv, wx, nx, yv, wy, ny, &cr);
	got[2] = cr.statistic;
	got[3] = cr.pvalue;
	ae = dm_anderson_2samp(xv, wx, nx, yv, wy, ny, &ar);
	got[4] = ar.statistic;
	got[5] = ar.pvalue;
	if (isnan(c->want[2]) != (ce == DM_EINVAL) ||
	    isnan(c->want[4]) != (ae == DM_EINVAL)) {
		print_message("  %s: error codes %d %d\n", c->name, ce, ae);
		bad++;
	}
	for (int i = 0; i < 6; i++) {
		int pv = i == 3 || i == 5;
		double e = pv ? pv_err(got[i], c->want[i])
			      : dmv_err(got[i], c->want[i]);

		snprintf(where, sizeof(where), "%s[%d]%s", c->name, i,
			 weighted ? " weighted" : "");
		dmv_note(pv ? wp : ws, e, where);
		if (!(e <= RTOL)) {
			print_message("  %s: %.17g, scipy %.17g\n", where,
				      got[i], c->want[i]);
			bad++;
		}
	}
	free(rx);
	free(ry);
	free(wx);
	free(wy);
	return bad;
}

static void numeric_tests_match_scipy(void **state)
{
	dmv_file f;
	ncase c;
	dmv_worst ws = {0.0, ""}, wp = {0.0, ""};
	size_t n = 0, bad = 0, exact = 0, asymp = 0;
	(void)state;

	assert_int_equal(dmv_open(&f, DMTEST_DATA("breadth_numeric.txt")), 0);
	while (read_ncase(&f, &c) == 0) {
		bad += check_ncase(&c, 0, &ws, &wp);
		bad += check_ncase(&c, 1, &ws, &wp);
		if (c.nx <= 20 && c.ny <= 20)
			exact++;
		else
			asymp++;
		n++;
		free(c.x);
		free(c.y);
	}
	dmv_close(&f);
	print_message("  %zu cases (%zu exact CvM, %zu asymptotic): worst "
		      "rel. error %.3g (%s) for statistics, %.3g (%s) for "
		      "p-values\n",
		      n, exact, asymp, ws.err, ws.where, wp.err, wp.where);
	assert_true(n >= 25 && exact >= 10 && asymp >= 10);
	assert_int_equal(bad, 0);
}

/* One named case, both input forms, plus what the edge implies. */
static void one_case(const char *name, ncase *c)
{
	dmv_worst ws = {0.0, ""}, wp = {0.0, ""};

	load_ncase(name, c);
	assert_int_equal(check_ncase(c, 0, &ws, &wp), 0);
	assert_int_equal(check_ncase(c, 1, &ws, &wp), 0);
}

static void free_case(ncase *c)
{
	free(c->x);
	free(c->y);
}

static void wasserstein_edges(void **state)
{
	ncase c;
	double v[3] = {1, 2, 3};
	(void)state;

	one_case("const_both", &c); /* constant, equal: 0 */
	assert_true(dm_wasserstein(c.x, NULL, c.nx, c.y, NULL, c.ny) == 0.0);
	free_case(&c);
	one_case("const_diff", &c); /* constant: the gap */
	assert_true(dm_wasserstein(c.x, NULL, c.nx, c.y, NULL, c.ny) == 1.0);
	free_case(&c);
	one_case("ties_small", &c);
	free_case(&c);
	one_case("tiny2", &c);
	free_case(&c);
	assert_true(isnan(dm_wasserstein(v, NULL, 3, v, NULL, 0)));
}

static void energy_edges(void **state)
{
	ncase c;
	double v[3] = {1, 3, 2}; /* unsorted: NaN */
	(void)state;

	one_case("const_diff", &c);
	/* two point masses d apart: sqrt(2 d) */
	assert_true(fabs(dm_energy_distance(c.x, NULL, c.nx, c.y, NULL, c.ny) -
			 sqrt(2.0)) < 1e-15);
	free_case(&c);
	one_case("all_tied_but_one", &c);
	free_case(&c);
	one_case("tiny_2_3", &c);
	free_case(&c);
	assert_true(isnan(dm_energy_distance(v, NULL, 3, v, NULL, 3)));
}

static void cvm_edges(void **state)
{
	ncase c;
	dm_test_result r;
	double one = 1.0, two[2] = {1, 2};
	(void)state;

	one_case("ties_small", &c); /* midranks in the exact branch */
	assert_int_equal(dm_cvm_2samp(c.x, NULL, c.nx, c.y, NULL, c.ny, &r),
			 DM_OK);
	assert_string_equal(r.method, "exact");
	free_case(&c);
	one_case("const_both", &c); /* all tied: p 1 */
	assert_int_equal(dm_cvm_2samp(c.x, NULL, c.nx, c.y, NULL, c.ny, &r),
			 DM_OK);
	assert_true(r.pvalue == 1.0);
	free_case(&c);
	one_case("tiny_sep", &c); /* smallest p of 3 vs 4: 2 / C(7, 3) */
	assert_true(fabs(c.want[3] - 2.0 / 35.0) < 1e-15);
	free_case(&c);
	one_case("n21_20_s0.2_sc1_rNone", &c); /* first asymptotic size */
	assert_int_equal(dm_cvm_2samp(c.x, NULL, c.nx, c.y, NULL, c.ny, &r),
			 DM_OK);
	assert_string_equal(r.method, "asymp");
	free_case(&c);
	/* heavy ties (counts): the midrank statistic is inflated, which
	 * dm_cvm_tie_excess measures; none without ties */
	one_case("poisson", &c);
	assert_true(dm_cvm_tie_excess(c.x, NULL, c.nx, c.y, NULL, c.ny) >
		    DM_CVM_MAX_TIE_EXCESS);
	free_case(&c);
	/* ties_small: groups 2, 4, 4 (and 1) of 5 + 6 values:
	 * (8 + 64 + 64) (25 + 36) / (12 * 30 * 121) */
	one_case("ties_small", &c);
	assert_true(fabs(dm_cvm_tie_excess(c.x, NULL, c.nx, c.y, NULL, c.ny) /
				 (136.0 * 61.0 / 43560.0) -
			 1.0) < 1e-14);
	free_case(&c);
	one_case("n1000_1000_s0.05_sc1_rNone", &c);
	assert_true(dm_cvm_tie_excess(c.x, NULL, c.nx, c.y, NULL, c.ny) == 0.0);
	free_case(&c);
	/* fewer than two observations: scipy raises */
	assert_int_equal(dm_cvm_2samp(&one, NULL, 1, two, NULL, 2, &r),
			 DM_EINVAL);
	assert_true(isnan(r.pvalue));
}

static void anderson_edges(void **state)
{
	ncase c;
	dm_test_result r;
	(void)state;

	one_case("const_both", &c); /* one distinct value: scipy raises */
	assert_int_equal(
		dm_anderson_2samp(c.x, NULL, c.nx, c.y, NULL, c.ny, &r),
		DM_EINVAL);
	free_case(&c);
	one_case("tiny2", &c); /* capped at 0.25 */
	assert_int_equal(
		dm_anderson_2samp(c.x, NULL, c.nx, c.y, NULL, c.ny, &r), DM_OK);
	assert_true(r.pvalue == 0.25);
	assert_string_equal(r.method, "capped");
	free_case(&c);
	one_case("n800_1200_s1.5_sc1_rNone", &c); /* floored at 0.001 */
	assert_int_equal(
		dm_anderson_2samp(c.x, NULL, c.nx, c.y, NULL, c.ny, &r), DM_OK);
	assert_true(r.pvalue == 0.001);
	assert_string_equal(r.method, "floored");
	free_case(&c);
	one_case("poisson", &c); /* heavy ties */
	assert_int_equal(
		dm_anderson_2samp(c.x, NULL, c.nx, c.y, NULL, c.ny, &r), DM_OK);
	free_case(&c);
	one_case("const_x", &c);
	free_case(&c);
}

/* ---- counts ---- */

typedef struct ccase {
	char name[64];
	size_t k;
	uint64_t a[32], b[32];
	double js, hell, kl, g, gp;
	int gdf;
} ccase;

static int read_ccase(dmv_file *f, ccase *c)
{
	const char *t = dmv_tok(f);
	uint64_t k = 0, df = 0;

	if (!t)
		return -1;
	assert_string_equal(t, "case");
	snprintf(c->name, sizeof(c->name), "%s", dmv_tok(f));
	assert_int_equal(dmv_u64(f, &k), 0);
	assert_true(k <= 32);
	c->k = (size_t)k;
	for (size_t i = 0; i < c->k; i++)
		assert_int_equal(dmv_u64(f, &c->a[i]), 0);
	for (size_t i = 0; i < c->k; i++)
		assert_int_equal(dmv_u64(f, &c->b[i]), 0);
	assert_int_equal(dmv_expect(f, "expect"), 0);
	assert_int_equal(dmv_double(f, &c->js), 0);
	assert_int_equal(dmv_double(f, &c->hell), 0);
	assert_int_equal(dmv_double(f, &c->kl), 0);
	assert_int_equal(dmv_double(f, &c->g), 0);
	assert_int_equal(dmv_double(f, &c->gp), 0);
	assert_int_equal(dmv_u64(f, &df), 0);
	c->gdf = (int)df;
	return 0;
}

static size_t check_ccase(const ccase *c, dmv_worst *w)
{
	double got[5], want[5] = {c->js, c->hell, c->kl, c->g, c->gp};
	size_t bad = 0;
	int df;

	got[0] = dm_js_distance(c->a, c->b, c->k);
	got[1] = dm_hellinger(c->a, c->b, c->k);
	got[2] = dm_kl_divergence(c->a, c->b, c->k);
	dm_gtest_homogeneity(c->a, c->b, c->k, &got[3], &got[4], &df);
	if (df != c->gdf) {
		print_message("  %s: df %d, scipy %d\n", c->name, df, c->gdf);
		bad++;
	}
	for (int i = 0; i < 5; i++) {
		double e = i == 4 ? pv_err(got[i], want[i])
				  : dmv_err(got[i], want[i]);
		char where[96];

		/* a zero distance may come out as rounding noise */
		if (want[i] == 0.0 && fabs(got[i]) < 1e-15)
			e = 0.0;
		snprintf(where, sizeof(where), "%s[%d]", c->name, i);
		dmv_note(w, e, where);
		if (!(e <= RTOL)) {
			print_message("  %s: %.17g, scipy %.17g\n", where,
				      got[i], want[i]);
			bad++;
		}
	}
	return bad;
}

static void load_ccase(const char *name, ccase *c)
{
	dmv_file f;

	assert_int_equal(dmv_open(&f, DMTEST_DATA("breadth_counts.txt")), 0);
	while (read_ccase(&f, c) == 0)
		if (strcmp(c->name, name) == 0) {
			dmv_close(&f);
			return;
		}
	dmv_close(&f);
	fail_msg("no case %s", name);
}

static void count_tests_match_scipy(void **state)
{
	dmv_file f;
	ccase c;
	dmv_worst w = {0.0, ""};
	size_t n = 0, bad = 0;
	(void)state;

	assert_int_equal(dmv_open(&f, DMTEST_DATA("breadth_counts.txt")), 0);
	while (read_ccase(&f, &c) == 0) {
		bad += check_ccase(&c, &w);
		n++;
	}
	dmv_close(&f);
	print_message("  %zu count cases: worst rel. error %.3g (%s)\n", n,
		      w.err, w.where);
	assert_true(n >= 12);
	assert_int_equal(bad, 0);
}

static void js_hellinger_edges(void **state)
{
	ccase c;
	dmv_worst w = {0.0, ""};
	uint64_t z[2] = {0, 0}, o[2] = {1, 1};
	(void)state;

	load_ccase("disjoint", &c); /* no overlap: the maxima */
	assert_int_equal(check_ccase(&c, &w), 0);
	assert_true(fabs(dm_js_distance(c.a, c.b, c.k) - sqrt(log(2.0))) <
		    1e-15);
	assert_true(dm_hellinger(c.a, c.b, c.k) == 1.0);
	load_ccase("empty_bin_a", &c);
	assert_int_equal(check_ccase(&c, &w), 0);
	load_ccase("empty_both", &c);
	assert_int_equal(check_ccase(&c, &w), 0);
	load_ccase("equal", &c);
	assert_int_equal(check_ccase(&c, &w), 0);
	assert_true(isnan(dm_js_distance(z, o, 2)));
	assert_true(isnan(dm_hellinger(o, z, 2)));
}

static void kl_edges(void **state)
{
	ccase c;
	dmv_worst w = {0.0, ""};
	(void)state;

	load_ccase("empty_bin_b", &c); /* an empty current bin: finite */
	assert_int_equal(check_ccase(&c, &w), 0);
	assert_true(isfinite(dm_kl_divergence(c.a, c.b, c.k)));
	load_ccase("one_cat", &c);
	assert_int_equal(check_ccase(&c, &w), 0);
	load_ccase("tiny", &c);
	assert_int_equal(check_ccase(&c, &w), 0);
}

static void gtest_edges(void **state)
{
	ccase c;
	dmv_worst w = {0.0, ""};
	uint64_t a[3] = {4, 6, 0}, z[3] = {0, 0, 0};
	double s, p;
	int df;
	(void)state;

	load_ccase("one_cat", &c); /* one non-empty category: df 0, p 1 */
	assert_int_equal(check_ccase(&c, &w), 0);
	assert_int_equal(c.gdf, 0);
	load_ccase("empty_both", &c); /* the empty column is dropped */
	assert_int_equal(check_ccase(&c, &w), 0);
	assert_int_equal(c.gdf, 1);
	load_ccase("disjoint", &c);
	assert_int_equal(check_ccase(&c, &w), 0);
	load_ccase("tiny", &c);
	assert_int_equal(check_ccase(&c, &w), 0);
	dm_gtest_homogeneity(a, z, 3, &s, &p, &df); /* an empty side */
	assert_true(isnan(s) && isnan(p));
	assert_int_equal(df, 1);
}

/* ---- 2x2 ---- */

static void tables_match_scipy(void **state)
{
	dmv_file f;
	uint64_t t[4];
	double want[4];
	size_t n = 0, bad = 0;
	dmv_worst w = {0.0, ""};
	(void)state;

	assert_int_equal(dmv_open(&f, DMTEST_DATA("breadth_2x2.txt")), 0);
	while (dmv_u64(&f, &t[0]) == 0) {
		dm_test_result fr, zr;
		char where[96];

		for (int i = 1; i < 4; i++)
			assert_int_equal(dmv_u64(&f, &t[i]), 0);
		for (int i = 0; i < 4; i++)
			assert_int_equal(dmv_double(&f, &want[i]), 0);
		assert_int_equal(dm_fisher_exact(t[0], t[1], t[2], t[3], &fr),
				 DM_OK);
		assert_int_equal(dm_prop_ztest(t[0], t[0] + t[1], t[2],
					       t[2] + t[3], &zr),
				 DM_OK);
		snprintf(where, sizeof(where), "[[%llu %llu] [%llu %llu]]",
			 (unsigned long long)t[0], (unsigned long long)t[1],
			 (unsigned long long)t[2], (unsigned long long)t[3]);
		double e[4] = {dmv_err(fr.statistic, want[0]),
			       pv_err(fr.pvalue, want[1]),
			       /* statsmodels gives none: ours is z 0, p 1 */
			       isnan(want[2]) ? (zr.pvalue == 1.0 ? 0 : 1)
					      : dmv_err(zr.statistic, want[2]),
			       isnan(want[3]) ? 0 : pv_err(zr.pvalue, want[3])};

		for (int i = 0; i < 4; i++) {
			dmv_note(&w, e[i], where);
			if (!(e[i] <= RTOL)) {
				print_message("  %s[%d]: got %.17g %.17g "
					      "%.17g %.17g, want %.17g\n",
					      where, i, fr.statistic, fr.pvalue,
					      zr.statistic, zr.pvalue, want[i]);
				bad++;
			}
		}
		n++;
	}
	dmv_close(&f);
	print_message("  %zu tables: worst rel. error %.3g (%s)\n", n, w.err,
		      w.where);
	assert_true(n >= 25);
	assert_int_equal(bad, 0);
}

static void fisher_edges(void **state)
{
	dm_test_result r;
	(void)state;

	/* an empty row: odds ratio NaN, p 1 */
	assert_int_equal(dm_fisher_exact(0, 0, 3, 4, &r), DM_OK);
	assert_true(isnan(r.statistic) && r.pvalue == 1.0);
	/* symmetric table: p 1 (ties with the mode) */
	assert_int_equal(dm_fisher_exact(10, 10, 10, 10, &r), DM_OK);
	assert_true(r.pvalue == 1.0);
	/* [[3,1],[1,3]]: two-sided counts both tails: 34/70 */
	assert_int_equal(dm_fisher_exact(3, 1, 1, 3, &r), DM_OK);
	assert_true(fabs(r.pvalue - 34.0 / 70.0) < 1e-15);
	/* the same below the mode: the other tail counts too */
	assert_int_equal(dm_fisher_exact(1, 3, 3, 1, &r), DM_OK);
	assert_true(fabs(r.pvalue - 34.0 / 70.0) < 1e-15);
	assert_int_equal(dm_fisher_exact(0, 4, 4, 0, &r), DM_OK);
	assert_true(fabs(r.pvalue - 2.0 / 70.0) < 1e-15);
	/* zeros off the diagonal: odds ratio inf; the smallest table */
	assert_int_equal(dm_fisher_exact(4, 0, 0, 4, &r), DM_OK);
	assert_true(isinf(r.statistic));
	assert_true(fabs(r.pvalue - 2.0 / 70.0) < 1e-15);
	assert_int_equal(dm_fisher_exact(0, 1, 1, 0, &r), DM_OK);
	assert_true(r.pvalue == 1.0);
	/* a large table runs (tail terms dropped below 1e-300) */
	assert_int_equal(dm_fisher_exact(400000, 600000, 500000, 500000, &r),
			 DM_OK);
	assert_true(r.pvalue == 0.0);
}

static void ztest_edges(void **state)
{
	dm_test_result r;
	(void)state;

	/* both all false / all true: no evidence, p 1 */
	assert_int_equal(dm_prop_ztest(0, 10, 0, 20, &r), DM_OK);
	assert_true(r.statistic == 0.0 && r.pvalue == 1.0);
	assert_int_equal(dm_prop_ztest(10, 10, 20, 20, &r), DM_OK);
	assert_true(r.pvalue == 1.0);
	/* z^2 is the chi-square statistic without correction */
	assert_int_equal(dm_prop_ztest(120, 200, 285, 384, &r), DM_OK);
	assert_true(fabs(r.statistic * r.statistic - 12.508028139871717) <
		    1e-9);
	assert_int_equal(dm_prop_ztest(1, 0, 0, 5, &r), DM_EINVAL);
	assert_int_equal(dm_prop_ztest(6, 5, 0, 5, &r), DM_EINVAL);
}

static void bessel_and_cvm_limit(void **state)
{
	(void)state;
	/* scipy.special.kv(0.25, x) */
	assert_true(fabs(dm_bessel_k(0.25, 1.0) / 0.4307397744485814 - 1) <
		    1e-13);
	assert_true(fabs(dm_bessel_k(0.25, 0.01) / 6.165741264139234 - 1) <
		    1e-13);
	assert_true(fabs(dm_bessel_k(0.25, 30.0) / 2.1346641833090352e-14 - 1) <
		    1e-12);
	/* the CvM limit: cdf(0.46136) ~ 0.95 (Anderson-Darling 1952) */
	assert_true(fabs(dm_cvm_inf_cdf(0.46136) - 0.95) < 1e-4);
}

/* ---- multivariate: covariance, PCA, reconstruction error ---- */

/* Correlation eigenvalues, components kept and reconstruction errors
 * against numpy.linalg.eigh; the covariance of two halves merged equals
 * the covariance of the whole. */
static void pca_matches_numpy(void **state)
{
	dmv_file f;
	const char *t;
	size_t ncases = 0, bad = 0;
	dmv_worst w = {0.0, ""};
	(void)state;

	assert_int_equal(dmv_open(&f, DMTEST_DATA("breadth_pca.txt")), 0);
	while ((t = dmv_tok(&f)) != NULL) {
		uint64_t n = 0, d = 0, k = 0;
		double share = 0, *x, want = 0;
		dm_cov all, h1, h2;
		dm_pca p;
		char where[64];

		assert_string_equal(t, "case");
		assert_int_equal(dmv_u64(&f, &n), 0);
		assert_int_equal(dmv_u64(&f, &d), 0);
		assert_int_equal(dmv_double(&f, &share), 0);
		x = malloc(n * d * sizeof(double));
		for (size_t i = 0; i < n * d; i++)
			assert_int_equal(dmv_double(&f, &x[i]), 0);
		assert_int_equal(dm_cov_init(&all, d), DM_OK);
		assert_int_equal(dm_cov_init(&h1, d), DM_OK);
		assert_int_equal(dm_cov_init(&h2, d), DM_OK);
		for (size_t i = 0; i < n; i++) {
			dm_cov_add(&all, &x[i * d]);
			dm_cov_add(i < n / 3 ? &h1 : &h2, &x[i * d]);
		}
		assert_int_equal(dm_cov_merge(&h1, &h2), DM_OK);
		for (size_t i = 0; i < d; i++)
			for (size_t j = 0; j < d; j++)
				assert_true(dmv_err(dm_cov_get(&h1, i, j),
						    dm_cov_get(&all, i, j)) <
					    1e-12);
		assert_int_equal(dm_pca_fit(&all, share, &p), DM_OK);
		assert_int_equal(dmv_expect(&f, "eig"), 0);
		for (size_t i = 0; i < d; i++) {
			assert_int_equal(dmv_double(&f, &want), 0);
			snprintf(where, sizeof(where), "case %zu eig %zu",
				 ncases, i);
			dmv_note(&w, dmv_err(p.w[i], want), where);
			bad += !(dmv_err(p.w[i], want) <= RTOL);
		}
		assert_int_equal(dmv_expect(&f, "k"), 0);
		assert_int_equal(dmv_u64(&f, &k), 0);
		assert_int_equal(p.k, k);
		assert_int_equal(dmv_expect(&f, "err"), 0);
		for (size_t i = 0; i < 20; i++) {
			double e;

			assert_int_equal(dmv_double(&f, &want), 0);
			e = dmv_err(dm_pca_recon_error(&p, &x[i * d]), want);
			snprintf(where, sizeof(where), "case %zu row %zu",
				 ncases, i);
			dmv_note(&w, e, where);
			if (!(e <= RTOL)) {
				print_message("  %s: %.17g, numpy %.17g\n",
					      where,
					      dm_pca_recon_error(&p, &x[i * d]),
					      want);
				bad++;
			}
		}
		dm_pca_release(&p);
		dm_cov_release(&all);
		dm_cov_release(&h1);
		dm_cov_release(&h2);
		free(x);
		ncases++;
	}
	dmv_close(&f);
	print_message("  %zu data sets: worst rel. error %.3g (%s)\n", ncases,
		      w.err, w.where);
	assert_true(ncases >= 4);
	assert_int_equal(bad, 0);
}

/* xorshift64* and Box-Muller: a deterministic normal sample. */
static double gauss(uint64_t *s)
{
	double u1, u2;

	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	u1 = ((double)((*s * 2685821657736338717ull) >> 11) + 0.5) * 0x1p-53;
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	u2 = ((double)((*s * 2685821657736338717ull) >> 11) + 0.5) * 0x1p-53;
	return sqrt(-2.0 * log(u1)) * cos(2.0 * M_PI * u2);
}

/* Two features with correlation +0.8 at baseline and -0.8 in the window:
 * each marginal is N(0, 1) on both sides, so KS on either does not fire;
 * the mean reconstruction error (one component kept) leaves its band. */
static void pca_sees_a_flipped_correlation(void **state)
{
	uint64_t s = 0x9e3779b97f4a7c15ull;
	dm_cov c;
	dm_pca p;
	double a[4000], b[4000], xa[1000], xb[1000], lo, hi, mean = 0.0;
	double mean0 = 0.0;
	dm_ks_result ks;
	(void)state;

	assert_int_equal(dm_cov_init(&c, 2), DM_OK);
	for (int i = 0; i < 4000; i++) {
		double z1 = gauss(&s), z2 = gauss(&s), row[2];

		a[i] = z1;
		b[i] = 0.8 * z1 + 0.6 * z2;
		row[0] = a[i];
		row[1] = b[i];
		dm_cov_add(&c, row);
	}
	assert_int_equal(dm_pca_fit(&c, 0.8, &p), DM_OK);
	assert_int_equal(p.k, 1);
	dm_pca_band(&p, 1000, 3.0, &lo, &hi);
	for (int i = 0; i < 1000; i++) {
		double z1 = gauss(&s), z2 = gauss(&s), row[2], row0[2];

		xa[i] = z1;
		xb[i] = -0.8 * z1 + 0.6 * z2;
		row[0] = xa[i];
		row[1] = xb[i];
		mean += dm_pca_recon_error(&p, row) / 1000.0;
		row0[0] = a[i];
		row0[1] = b[i];
		mean0 += dm_pca_recon_error(&p, row0) / 1000.0;
	}
	print_message("  band [%.3f, %.3f]; baseline rows %.3f, flipped "
		      "window %.3f\n",
		      lo, hi, mean0, mean);
	assert_true(mean0 >= lo && mean0 <= hi);
	assert_true(mean > hi);
	assert_int_equal(dm_ks_2samp(a, 4000, xa, 1000, &ks), DM_OK);
	assert_true(ks.pvalue > 0.01);
	assert_int_equal(dm_ks_2samp(b, 4000, xb, 1000, &ks), DM_OK);
	assert_true(ks.pvalue > 0.01);
	dm_pca_release(&p);
	dm_cov_release(&c);
}

/* Every test of the table is a name the spec accepts, and back. */
static void test_names_agree_with_spec(void **state)
{
	(void)state;
	for (int i = 0; i < DM_TEST_COUNT_; i++) {
		const dm_test_info *ti = dm_test_info_of((dm_test_id)i);

		assert_non_null(ti);
		assert_true(dm_spec_test_known(ti->name));
		assert_int_equal(dm_test_from_name(ti->name), i);
		assert_non_null(strstr(dm_test_names_list(), ti->name));
	}
	assert_false(dm_spec_test_known("wasserstien"));
	assert_int_equal(dm_test_from_name("wasserstien"), -1);
	assert_null(dm_test_info_of(DM_TEST_COUNT_));
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(numeric_tests_match_scipy),
	cmocka_unit_test(wasserstein_edges),
	cmocka_unit_test(energy_edges),
	cmocka_unit_test(cvm_edges),
	cmocka_unit_test(anderson_edges),
	cmocka_unit_test(count_tests_match_scipy),
	cmocka_unit_test(js_hellinger_edges),
	cmocka_unit_test(kl_edges),
	cmocka_unit_test(gtest_edges),
	cmocka_unit_test(tables_match_scipy),
	cmocka_unit_test(fisher_edges),
	cmocka_unit_test(ztest_edges),
	cmocka_unit_test(bessel_and_cvm_limit),
	cmocka_unit_test(pca_matches_numpy),
	cmocka_unit_test(test_names_agree_with_spec),
	cmocka_unit_test(pca_sees_a_flipped_correlation),
};

DMTEST_MAIN("breadth", tests)
