/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The chi-square survival function and test of homogeneity against scipy
 * 1.10.1: scipy.stats.chi2.sf(x, df) for df 0.01..5000 and p from 1 down
 * to the underflow, and scipy.stats.chi2_contingency(..., correction=
 * False) on 2 x k tables (tests/data, written by
 * tests/oracle/gen_stats_vectors.py).  Tolerance 1e-10 relative, or both
 * below 1e-300; the statistic bit-identical.
 */
#include "dmtest.h"
#include "dmtest_vec.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "driftmon/stats.h"

#define SF_RTOL 1e-10

/* chi2.sf on the stored grid; worst error overall and by df range. */
static void chi2_sf_matches_scipy(void **state)
{
	dmv_file f;
	dmv_worst worst_small = {0.0, ""}, worst_large = {0.0, ""};
	size_t n = 0, bad = 0, ntiny = 0;
	double max_df = 0.0, df = 0, x = 0, want = 0;
	(void)state;

	assert_int_equal(dmv_open(&f, "tests/data/chi2_sf.txt"), 0);
	while (dmv_double(&f, &df) == 0) {
		char where[96];

		assert_int_equal(dmv_double(&f, &x), 0);
		assert_int_equal(dmv_double(&f, &want), 0);
		double got = dm_chi2_sf(x, df);
		double e = dmv_err(got, want);
		snprintf(where, sizeof(where), "df=%.17g x=%.17g", df, x);
		dmv_note(df <= 100 ? &worst_small : &worst_large, e, where);
		n++;
		ntiny += want > 0 && want < 1e-250;
		if (df > max_df)
			max_df = df;
		if (!(e <= SF_RTOL)) {
			bad++;
			print_message("  %s: %.17g, scipy %.17g\n", where, got,
				      want);
		}
	}
	dmv_close(&f);
	print_message("  %zu rows (%zu with p < 1e-250): worst rel. error "
		      "%.3g (%s) for df <= 100, %.3g (%s) for df > 100\n",
		      n, ntiny, worst_small.err, worst_small.where,
		      worst_large.err, worst_large.where);
	assert_true(n >= 9000 && ntiny >= 500 && max_df >= 1000);
	assert_int_equal(bad, 0);
}

/* Arguments outside the support, as scipy.stats.chi2.sf treats them. */
static void chi2_sf_edges(void **state)
{
	(void)state;
	assert_true(dm_chi2_sf(0.0, 3) == 1.0);
	assert_true(dm_chi2_sf(-2.0, 3) == 1.0);
	assert_true(dm_chi2_sf(INFINITY, 3) == 0.0);
	assert_true(isnan(dm_chi2_sf(NAN, 3)));
	assert_true(isnan(dm_chi2_sf(1.0, NAN)));
	assert_true(isnan(dm_chi2_sf(1.0, 0.0)));
	assert_true(isnan(dm_chi2_sf(1.0, -1.0)));
	/* closed forms: df = 2 is exp(-x/2); df = 1 is erfc(sqrt(x/2)) */
	for (double xx = 0.125; xx < 1400; xx *= 1.7) {
		assert_true(dmv_err(dm_chi2_sf(xx, 2), exp(-xx / 2)) < 1e-13);
		assert_true(dmv_err(dm_chi2_sf(xx, 1), erfc(sqrt(xx / 2))) <
			    1e-12);
	}
}

/* chi2_contingency(correction=False) on the stored tables. */
static void chi2_homogeneity_matches_scipy(void **state)
{
	dmv_file f;
	dmv_worst worst = {0.0, ""};
	size_t ncase = 0, bad = 0, ntiny = 0;
	(void)state;

	assert_int_equal(dmv_open(&f, "tests/data/chi2_contingency.txt"), 0);
	while (dmv_expect(&f, "case") == 0) {
		uint64_t k = 0, a[400], b[400];
		double stat = 0, p = 0, wdf = 0, got_stat, got_p;
		int got_df;
		char where[64];

		assert_int_equal(dmv_u64(&f, &k), 0);
		assert_true(k >= 1 && k <= 400);
		for (uint64_t i = 0; i < k; i++)
			assert_int_equal(dmv_u64(&f, &a[i]), 0);
		for (uint64_t i = 0; i < k; i++)
			assert_int_equal(dmv_u64(&f, &b[i]), 0);
		assert_int_equal(dmv_expect(&f, "expect"), 0);
		assert_int_equal(dmv_double(&f, &stat), 0);
		assert_int_equal(dmv_double(&f, &p), 0);
		assert_int_equal(dmv_double(&f, &wdf), 0);
		dm_chi2_homogeneity(a, b, (size_t)k, &got_stat, &got_p,
				    &got_df);
		double e = dmv_err(got_p, p);
		snprintf(where, sizeof(where), "case %zu (k=%llu)", ncase,
			 (unsigned long long)k);
		dmv_note(&worst, e, where);
		ncase++;
		ntiny += p < 1e-100;
		if (got_stat != stat || !(e <= SF_RTOL) || got_df != (int)wdf) {
			bad++;
			print_message("  %s: %.17g %.17g %d; scipy %.17g %.17g "
				      "%d\n",
				      where, got_stat, got_p, got_df, stat, p,
				      (int)wdf);
		}
	}
	assert_null(dmv_tok(&f)); /* the whole file was cases */
	dmv_close(&f);
	print_message("  %zu tables: statistic bit-identical, worst p rel. "
		      "error %.3g (%s)\n",
		      ncase, worst.err, worst.where);
	assert_true(ncase >= 40 && ntiny >= 2);
	assert_int_equal(bad, 0);
}

/* Empty categories are dropped; degenerate tables. */
static void chi2_homogeneity_edges(void **state)
{
	const uint64_t a[5] = {10, 0, 20, 0, 30};
	const uint64_t b[5] = {15, 0, 10, 0, 35};
	const uint64_t a3[3] = {10, 20, 30}, b3[3] = {15, 10, 35};
	const uint64_t z[3] = {0, 0, 0};
	double s1, p1, s2, p2;
	int d1, d2;
	(void)state;

	dm_chi2_homogeneity(a, b, 5, &s1, &p1, &d1);
	dm_chi2_homogeneity(a3, b3, 3, &s2, &p2, &d2);
	assert_true(s1 == s2 && p1 == p2 && d1 == 2 && d2 == 2);
	assert_true(s1 > 0 && p1 > 0 && p1 < 1);

	/* fewer than two non-empty categories */
	dm_chi2_homogeneity(z, z, 3, &s1, &p1, &d1);
	assert_true(s1 == 0.0 && p1 == 1.0 && d1 == 0);
	dm_chi2_homogeneity(a3, z, 1, &s1, &p1, &d1);
	assert_true(s1 == 0.0 && p1 == 1.0 && d1 == 0);
	dm_chi2_homogeneity(a, b, 0, &s1, &p1, &d1);
	assert_true(s1 == 0.0 && p1 == 1.0 && d1 == 0);

	/* one side empty: scipy refuses the table (zero expected count) */
	dm_chi2_homogeneity(a3, z, 3, &s1, &p1, &d1);
	assert_true(isnan(s1) && isnan(p1) && d1 == 2);
	dm_chi2_homogeneity(z, b3, 3, &s1, &p1, &d1);
	assert_true(isnan(s1) && isnan(p1) && d1 == 2);

	/* identical proportions: statistic 0, p-value 1 */
	const uint64_t c1[3] = {1, 2, 3}, c2[3] = {2, 4, 6};
	dm_chi2_homogeneity(c1, c2, 3, &s1, &p1, &d1);
	assert_true(s1 == 0.0 && p1 == 1.0 && d1 == 2);
}

/* The comparison itself must be able to fail. */
static void chi2_checker_rejects_errors(void **state)
{
	(void)state;
	assert_true(dmv_err(0.3 * (1 + 2e-10), 0.3) > SF_RTOL);
	assert_true(dmv_err(1e-250 * (1 + 2e-10), 1e-250) > SF_RTOL);
	assert_true(dmv_err(0.0, 1e-290) > SF_RTOL);
	assert_true(dmv_err(NAN, 1.0) > SF_RTOL);
	assert_true(dmv_err(1e-310, 0.0) <= SF_RTOL);
}

static const struct CMUnitTest chi2_tests[] = {
	cmocka_unit_test(chi2_checker_rejects_errors),
	cmocka_unit_test(chi2_sf_matches_scipy),
	cmocka_unit_test(chi2_sf_edges),
	cmocka_unit_test(chi2_homogeneity_matches_scipy),
	cmocka_unit_test(chi2_homogeneity_edges),
};

DMTEST_MAIN("chi2", chi2_tests)
