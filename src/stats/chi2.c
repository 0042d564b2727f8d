/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The chi-square distribution's survival function and the chi-square test
 * of homogeneity of two count vectors.
 *
 * chi2.sf(x, df) = Q(df/2, x/2), the regularized upper incomplete gamma
 * function Q(a, x) = Gamma(a, x)/Gamma(a).  Q is computed from
 *   - the power series of P = 1 - Q when x < a + 1 (DLMF 8.11.4;
 *     Numerical Recipes 3rd ed. section 6.2, "gser"), where Q >= 0.08, so
 *     1 - P loses nothing;
 *   - the continued fraction of Q otherwise (DLMF 8.9.2, Legendre's
 *     fraction; NR section 6.2 "gcf"), evaluated by the modified Lentz
 *     method (Lentz 1976; Thompson and Barnett 1986).
 * Both are scaled by the prefactor x^a e^-x / Gamma(a).  For a >= 10 the
 * prefactor is formed as in Loader (2000, "Fast and accurate computation
 * of binomial probabilities"): with u = (x - a)/a,
 *   log(x^a e^-x / Gamma(a)) = a (log1p(u) - u) + log(a/(2 pi))/2 - s(a),
 * where s(a) = lgamma(a) - (a - 1/2) log a + a - log(2 pi)/2 is Stirling's
 * error term (its asymptotic series, Abramowitz and Stegun 6.1.41), which
 * avoids the cancellation in a log x - x - lgamma(a) (terms of 10^3 that
 * leave a result of order 1).
 *
 * Accuracy (tests/unit/test_chi2.c): within 2e-13 relative of mpmath down
 * to 1e-300 (the rounding of an exponent near -700), and within 3e-12 of
 * scipy.stats.chi2.sf (cephes igamc, whose own error that is) for df up to
 * 5000.  This is not a port of cephes: scipy's Temme expansion for a ~ x
 * is replaced by the series/fraction above, which are as accurate there.
 */
#include <float.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>

#include "driftmon/stats.h"
#include "stats/stats_int.h"

/* Round as scipy's float64 code does: no fused multiply-add. */
#if defined(__clang__)
#pragma clang fp contract(off)
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

#define IGAM_MAXITER 100000
#define LENTZ_TINY   1e-300

/* log(1 + u) - u, accurate also for small |u|.  With w = u/(2 + u),
 * log(1 + u) = 2 atanh(w) = 2 (w + w^3/3 + w^5/5 + ...), and 2w - u =
 * -u^2/(2 + u), hence log(1 + u) - u = -u w + 2 w (w^2/3 + w^4/5 + ...). */
static double log1pmx(double u)
{
	if (fabs(u) > 0.5)
		return log1p(u) - u;
	double w = u / (2.0 + u), w2 = w * w;
	double term = w2 * w, s = 0.0;
	for (int k = 3; k < 200; k += 2) {
		double add = term / k;
		s += add;
		if (fabs(add) <= DBL_EPSILON * 1e-3 * fabs(s))
			break;
		term *= w2;
	}
	return -u * w + 2.0 * s;
}

/* Stirling's error term s(a) = lgamma(a) - [(a - 1/2) log a - a +
 * log(2 pi)/2] for a >= 10 (A&S 6.1.41: 1/12a - 1/360a^3 + 1/1260a^5 -
 * 1/1680a^7 + 1/1188a^9 - 691/360360a^11 + 1/156a^13). */
static double stirling_err(double a)
{
	double r = 1.0 / a, r2 = r * r;
	return r *
	       (1.0 / 12 - r2 * (1.0 / 360 -
				 r2 * (1.0 / 1260 -
				       r2 * (1.0 / 1680 -
					     r2 * (1.0 / 1188 -
						   r2 * (691.0 / 360360 -
							 r2 * (1.0 / 156)))))));
}

/* log(x^a e^-x / Gamma(a)). */
static double log_igam_prefactor(double a, double x)
{
	if (a < 10.0)
		return a * log(x) - x - lgamma(a);
	double u = (x - a) / a;
	return a * log1pmx(u) + 0.5 * log(a / (2.0 * M_PI)) - stirling_err(a);
}

/* P(a, x) by its series, x < a + 1: prefactor/a * sum_n x^n/((a+1)...(a+n)) */
static double igam_series(double a, double x)
{
	double lf = log_igam_prefactor(a, x);
	double ap = a, del = 1.0, sum = 1.0;

	for (int i = 0; i < IGAM_MAXITER; i++) {
		ap += 1.0;
		del *= x / ap;
		sum += del;
		if (del < sum * DBL_EPSILON * 0.25)
			break;
	}
	return sum * exp(lf) / a;
}

/* Q(a, x) by Legendre's continued fraction, x >= a + 1:
 * Q = prefactor * 1/(x+1-a- 1(1-a)/(x+3-a- 2(2-a)/(x+5-a- ...))). */
static double igamc_cfrac(double a, double x)
{
	double lf = log_igam_prefactor(a, x);
	if (lf < -760.0)
		return 0.0; /* below the smallest subnormal */
	double b = x + 1.0 - a;
	double c = 1.0 / LENTZ_TINY;
	double d = 1.0 / b;
	double h = d;

	for (int i = 1; i < IGAM_MAXITER; i++) {
		double an = -i * (i - a);
		b += 2.0;
		d = an * d + b;
		if (fabs(d) < LENTZ_TINY)
			d = LENTZ_TINY;
		c = b + an / c;
		if (fabs(c) < LENTZ_TINY)
			c = LENTZ_TINY;
		d = 1.0 / d;
		double del = d * c;
		h *= del;
		if (fabs(del - 1.0) < DBL_EPSILON * 0.5)
			break;
	}
	/* exp(lf) * h, without a spurious underflow of exp(lf) */
	return exp(lf + log(h));
}

/* Q(a, x) for a > 0, x >= 0. */
static double igamc(double a, double x)
{
	if (x == 0.0)
		return 1.0;
	if (isinf(x))
		return 0.0;
	if (x < a + 1.0)
		return 1.0 - igam_series(a, x);
	return igamc_cfrac(a, x);
}

/* scipy.stats.chi2.sf: NaN for NaN arguments or df <= 0, 1 for x <= 0,
 * 0 for x = +inf. */
double dm_chi2_sf(double x, double df)
{
	if (isnan(x) || isnan(df) || !(df > 0.0))
		return NAN;
	if (x <= 0.0)
		return 1.0;
	if (isinf(df))
		return NAN;
	double q = igamc(df / 2.0, x / 2.0);
	if (q < 0.0)
		q = 0.0;
	if (q > 1.0)
		q = 1.0;
	return q;
}

/*
 * The terms (o - e)^2 / e of the 2 x k' table (a; b) without its all-zero
 * columns, in row-major order (a's row first), with e = row * col / total
 * formed as scipy.stats.contingency.expected_freq does (in float64).
 */
typedef struct term_iter {
	const uint64_t *a, *b;
	size_t k, pos;
	int row;
	double ra, rb, total;
} term_iter;

static double next_term(term_iter *it)
{
	for (;;) {
		if (it->pos == it->k) {
			it->row = 1;
			it->pos = 0;
		}
		size_t j = it->pos++;
		if (it->a[j] == 0 && it->b[j] == 0)
			continue;
		double col = (double)it->a[j] + (double)it->b[j];
		double o = (double)(it->row ? it->b[j] : it->a[j]);
		double e = (it->row ? it->rb : it->ra) * col / it->total;
		double diff = o - e;
		return diff * diff / e;
	}
}

/* Sum of the next n terms in numpy's pairwise order (np.add.reduce of a
 * contiguous float64 array: blocks of <= 128 with 8 accumulators, halves
 * split at a multiple of 8), so the statistic is scipy's to the bit. */
static double pairwise_sum_terms(term_iter *it, size_t n)
{
	if (n < 8) {
		double res = 0.0;
		for (size_t i = 0; i < n; i++)
			res += next_term(it);
		return res;
	}
	if (n <= 128) {
		double r[8];
		size_t i;
		for (int j = 0; j < 8; j++)
			r[j] = next_term(it);
		for (i = 8; i < n - (n % 8); i += 8)
			for (int j = 0; j < 8; j++)
				r[j] += next_term(it);
		double res = ((r[0] + r[1]) + (r[2] + r[3])) +
			     ((r[4] + r[5]) + (r[6] + r[7]));
		for (; i < n; i++)
			res += next_term(it);
		return res;
	}
	size_t n2 = n / 2;
	n2 -= n2 % 8;
	double left = pairwise_sum_terms(it, n2);
	return left + pairwise_sum_terms(it, n - n2);
}

/*
 * Pearson's chi-square test of homogeneity for the 2 x k' table (a; b)
 * restricted to its k' non-empty columns, with (2-1)(k'-1) degrees of
 * freedom and no continuity correction: scipy.stats.chi2_contingency(
 * table, correction=False) (Pearson 1900; e.g. Agresti, "Categorical Data
 * Analysis", 3rd ed.).  The margins are exact integer sums
 * below 2^53.  If a or b is all zero, scipy refuses the table (an expected
 * count is 0): *stat and *pvalue are then NaN and *df is k' - 1.
 */
/*
 * The common start of the 2 x k homogeneity tests (chi-square, G-test):
 * the row totals over the categories seen on either side and df.  Returns
 * 0 when the caller has its answer already (fewer than two categories:
 * statistic 0, p 1; an empty side: NaN), else 1.
 */
int stats_homogeneity_rows(const uint64_t *a, const uint64_t *b, size_t k,
			   double *ra, double *rb, double *stat, double *pvalue,
			   int *df)
{
	size_t kk = 0;

	*ra = *rb = 0.0;
	for (size_t j = 0; j < k; j++) {
		if (a[j] == 0 && b[j] == 0)
			continue;
		kk++;
		*ra += (double)a[j];
		*rb += (double)b[j];
	}
	if (kk < 2) {
		*stat = 0.0;
		*pvalue = 1.0;
		*df = 0;
		return 0;
	}
	*df = (int)(kk - 1);
	if (*ra == 0.0 || *rb == 0.0) {
		*stat = NAN;
		*pvalue = NAN;
		return 0;
	}
	return 1;
}

void dm_chi2_homogeneity(const uint64_t *a, const uint64_t *b, size_t k,
			 double *stat, double *pvalue, int *df)
{
	double ra, rb;

	if (!stats_homogeneity_rows(a, b, k, &ra, &rb, stat, pvalue, df))
		return;
	term_iter it = {a, b, k, 0, 0, ra, rb, ra + rb};
	/* df + 1 categories seen */
	*stat = pairwise_sum_terms(&it, 2 * ((size_t)*df + 1));
	*pvalue = dm_chi2_sf(*stat, (double)*df);
}
