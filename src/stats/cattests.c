/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Tests on counts: the G-test of homogeneity (log-likelihood ratio,
 * Sokal and Rohlf's G), the two-proportion z-test and Fisher's exact test
 * of a 2x2 table, each as scipy / statsmodels compute them.
 */
#include <math.h>
#include <stdlib.h>

#include "driftmon/stats.h"
#include "stats/stats_int.h"

void dm_gtest_homogeneity(const uint64_t *a, const uint64_t *b, size_t k,
			  double *stat, double *pvalue, int *df)
{
	double ra, rb, n, g = 0.0;

	if (!stats_homogeneity_rows(a, b, k, &ra, &rb, stat, pvalue, df))
		return;
	n = ra + rb;
	for (size_t j = 0; j < k; j++) {
		double col = (double)a[j] + (double)b[j];
		double ea = ra * col / n, eb = rb * col / n;

		if (a[j])
			g += 2.0 * (double)a[j] * log((double)a[j] / ea);
		if (b[j])
			g += 2.0 * (double)b[j] * log((double)b[j] / eb);
	}
	*stat = g;
	*pvalue = dm_chi2_sf(g, (double)*df);
}

dm_err dm_prop_ztest(uint64_t x1, uint64_t n1, uint64_t x2, uint64_t n2,
		     dm_test_result *res)
{
	double p1, p2, p, se;

	res->statistic = res->pvalue = NAN;
	res->method = NULL;
	if (n1 == 0 || n2 == 0 || x1 > n1 || x2 > n2)
		return DM_EINVAL;
	p1 = (double)x1 / (double)n1;
	p2 = (double)x2 / (double)n2;
	p = ((double)x1 + (double)x2) / ((double)n1 + (double)n2);
	se = sqrt(p * (1.0 - p) * (1.0 / (double)n1 + 1.0 / (double)n2));
	if (!(se > 0.0)) {
		res->statistic = 0.0;
		res->pvalue = 1.0;
		return DM_OK;
	}
	res->statistic = (p1 - p2) / se;
	res->pvalue = erfc(fabs(res->statistic) / sqrt(2.0));
	return DM_OK;
}

/* The hypergeometric probabilities of the table's first cell over the
 * part of the support that matters, normalised (long double, built by the
 * ratio of consecutive terms outward from the mode). */
typedef struct hyper {
	int64_t lo, hi; /* pmf[x - lo] for lo <= x <= hi; 0 outside */
	long double *pmf;
} hyper;

static long double hpmf(const hyper *h, int64_t x)
{
	return (x < h->lo || x > h->hi) ? 0.0L : h->pmf[x - h->lo];
}

/* sum of pmf(x) for x <= t */
static long double hcdf(const hyper *h, int64_t t)
{
	long double s = 0.0L;

	for (int64_t x = h->lo; x <= t && x <= h->hi; x++)
		s += h->pmf[x - h->lo];
	return s;
}

/* sum of pmf(x) for x > t */
static long double hsf(const hyper *h, int64_t t)
{
	long double s = 0.0L;

	for (int64_t x = h->hi; x > t && x >= h->lo; x--)
		s += h->pmf[x - h->lo];
	return s;
}

/* scipy's _binary_search_for_binom_tst on sign * pmf */
static int64_t bsearch_pmf(const hyper *h, int sign, long double d, int64_t lo,
			   int64_t hi)
{
	while (lo < hi) {
		int64_t mid = lo + (hi - lo) / 2;
		long double v = sign * hpmf(h, mid);

		if (v < d)
			lo = mid + 1;
		else if (v > d)
			hi = mid - 1;
		else
			return mid;
	}
	return sign * hpmf(h, lo) <= d ? lo : lo - 1;
}

dm_err dm_fisher_exact(uint64_t a, uint64_t b, uint64_t c, uint64_t d,
		       dm_test_result *res)
{
	int64_t n1 = (int64_t)(a + b), n2 = (int64_t)(c + d);
	int64_t n = (int64_t)(a + c), x0 = (int64_t)a;
	int64_t slo, shi, mode, lo, hi, x;
	long double *w, tot = 0.0L, pexact, pmode, p;
	const long double eps = 1e-14L, gam = 1.0L + 1e-14L;
	hyper h;

	res->method = "exact";
	if (a + b == 0 || c + d == 0 || a + c == 0 || b + d == 0) {
		res->statistic = NAN;
		res->pvalue = 1.0;
		return DM_OK;
	}
	res->statistic = (c > 0 && b > 0) ? ((double)a * (double)d) /
						    ((double)c * (double)b)
					  : INFINITY;
	slo = n - n2 > 0 ? n - n2 : 0;
	shi = n < n1 ? n : n1;
	mode = (int64_t)((double)((n + 1) * (n1 + 1)) / (double)(n1 + n2 + 2));
	if (mode < slo)
		mode = slo;
	if (mode > shi)
		mode = shi;
	/* grow [lo, hi] around the mode while terms matter */
	{
		long double t = 1.0L;

		for (hi = mode; hi < shi; hi++) {
			t *= (long double)(n1 - hi) * (long double)(n - hi) /
			     ((long double)(hi + 1) *
			      (long double)(n2 - n + hi + 1));
			if (t < 1e-300L)
				break;
		}
		t = 1.0L;
		for (lo = mode; lo > slo; lo--) {
			t *= (long double)lo * (long double)(n2 - n + lo) /
			     ((long double)(n1 - lo + 1) *
			      (long double)(n - lo + 1));
			if (t < 1e-300L)
				break;
		}
	}
	w = malloc((size_t)(hi - lo + 1) * sizeof(*w));
	if (!w)
		return DM_ENOMEM;
	w[mode - lo] = 1.0L;
	for (x = mode; x < hi; x++)
		w[x + 1 - lo] =
			w[x - lo] * (long double)(n1 - x) *
			(long double)(n - x) /
			((long double)(x + 1) * (long double)(n2 - n + x + 1));
	for (x = mode; x > lo; x--)
		w[x - 1 - lo] =
			w[x - lo] * (long double)x * (long double)(n2 - n + x) /
			((long double)(n1 - x + 1) * (long double)(n - x + 1));
	for (x = lo; x <= hi; x++)
		tot += w[x - lo];
	for (x = lo; x <= hi; x++)
		w[x - lo] /= tot;
	h.lo = lo;
	h.hi = hi;
	h.pmf = w;
	pexact = hpmf(&h, x0);
	pmode = hpmf(&h, mode);
	if (fabsl(pexact - pmode) / fmaxl(pexact, pmode) <= eps) {
		p = 1.0L;
	} else if (x0 < mode) {
		p = hcdf(&h, x0);
		if (!(hpmf(&h, n) > pexact * gam))
			p += hsf(&h,
				 bsearch_pmf(&h, -1, -pexact * gam, mode, n));
	} else {
		p = hsf(&h, x0 - 1);
		if (!(hpmf(&h, 0) > pexact * gam))
			p += hcdf(&h,
				  bsearch_pmf(&h, 1, pexact * gam, 0, mode));
	}
	free(w);
	res->pvalue = p < 1.0L ? (double)p : 1.0;
	return DM_OK;
}
