/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Survival function of Kolmogorov's two-sided one-sample statistic
 * D_n = sup_x |F_n(x) - F(x)| for a finite sample size n:
 * dm_kstwo_sf(d, n) = Pr(D_n >= d).  The two-sample KS test uses it as its
 * asymptotic p-value with n = round(n1*n2/(n1+n2)).
 *
 * Design.  This is a port of the method selection of scipy 1.10's
 * scipy.stats.kstwo.sf (stats/_ksstats.py, _kolmogn with cdf=False),
 * which follows Simard and L'Ecuyer's rules [7], so that driftmon's
 * p-values equal scipy's.  Every branch, threshold and, where the result
 * is sensitive to it, every floating-point operation is kept in scipy's
 * order; the comment of each function names the scipy routine it mirrors.
 * With t = n*d and nxsq = n*d^2 the branches are:
 *
 *   d >= 1                      0
 *   d <= 0.5/n                  1                (kstwo support)
 *   t <= 1                      Ruben-Gambino: 1 - n!/n^n (2t-1)^n
 *   t >= n-1                    Ruben-Gambino: 2 (1-d)^n
 *   d >= 0.5                    2 * smirnov(n, d)  (exact: D+ and D- events
 *                                                   are disjoint)
 *   n <= 140:  nxsq <= 0.754693 1 - Durbin matrix [1,3]
 *              nxsq <= 4        1 - Pomeranz recursion [2]
 *              else             2 * smirnov(n, d)  (Miller)
 *   n > 140:   nxsq >= 370      0
 *              nxsq >= 2.2      2 * smirnov(n, d)
 *              n <= 100000 and n*d^1.5 <= 1.4
 *                               1 - Durbin matrix
 *              else             1 - Pelz-Good asymptotic series [6]
 *
 * smirnov(n, d) = Pr(D_n^+ >= d) is scipy.special.smirnov (cephes C, with
 * double-double arithmetic); here it is computed from the Birnbaum-Tingey
 * sum [4] in double with the terms in log space (scipy to about 1e-11
 * relative at n = 10^6, 1e-14 for n < 10^3), and with cephes' special
 * cases and cut-offs.
 *
 * scipy's scaling constants 2^128 and 2^-128 are numpy longdoubles: once a
 * scalar has been rescaled by one of them, scipy carries on in 80-bit
 * extended precision.  The Durbin and Pomeranz ports do the same (type
 * xprob below) so that 1 - cdf is rounded exactly as scipy rounds it.
 *
 * Not bit-identical: numpy's matmul (BLAS dgemm) and convolve (BLAS ddot)
 * sum in an order of BLAS' choosing; those branches only produce
 * sf >= 6e-4, where the difference is ~1e-15 relative.
 *
 * References:
 * [1] Durbin J (1968). "The Probability that the Sample Distribution
 *     Function Lies Between Two Parallel Straight Lines." Ann. Math.
 *     Statist. 39, 398-411.  (Also Durbin 1973, "Distribution Theory for
 *     Tests Based on the Sample Distribution Function", SIAM.)
 * [2] Pomeranz J (1974). "Exact Cumulative Distribution of the
 *     Kolmogorov-Smirnov Statistic for Small Samples (Algorithm 487)."
 *     CACM 17(12), 703-704.
 * [3] Marsaglia G, Tsang WW, Wang J (2003). "Evaluating Kolmogorov's
 *     Distribution." J. Stat. Softw. 8(18), 1-4.
 * [4] Birnbaum ZW, Tingey FH (1951). "One-Sided Confidence Contours for
 *     Probability Distribution Functions." Ann. Math. Statist. 22(4),
 *     592-596.
 * [5] Ruben H, Gambino J (1982). "The exact distribution of Kolmogorov's
 *     statistic D_n for n <= 10." Ann. Inst. Stat. Math. 34, 167-173.
 * [6] Pelz W, Good IJ (1976). "Approximating the Lower Tail-areas of the
 *     Kolmogorov-Smirnov One-sample Statistic." JRSS B 38(2), 152-156.
 * [7] Simard R, L'Ecuyer P (2011). "Computing the Two-Sided
 *     Kolmogorov-Smirnov Distribution." J. Stat. Softw. 39(11), 1-18.
 * [8] van Mulbregt P (2018). "Computing the Cumulative Distribution
 *     Function and Quantiles of the One-sided Kolmogorov-Smirnov
 *     Statistic." arXiv:1802.06966.
 */
#include <assert.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "driftmon/stats.h"

/* Round as scipy's float64 code does: no fused multiply-add. */
#if defined(__clang__)
#pragma clang fp contract(off)
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif
#ifndef M_LN2
#define M_LN2 0.69314718055994530942
#endif

#define E128  128
#define EP128 0x1p128L
#define EM128 0x1p-128L

/* A probability as scipy holds it: a float64, or (ext != 0) a numpy
 * longdouble after a rescaling by EP128/EM128. */
typedef struct xprob {
	long double v;
	int ext;
} xprob;

/* np.clip(p, 0, 1), NaN passes through. */
static double clip01(double p)
{
	if (p < 0.0)
		return 0.0;
	if (p > 1.0)
		return 1.0;
	return p;
}

static long double clip01l(long double p)
{
	if (p < 0.0L)
		return 0.0L;
	if (p > 1.0L)
		return 1.0L;
	return p;
}

/* _select_and_clip_prob(p, 1 - p, cdf=False) applied to a cdf that was
 * itself clipped: the float64 sf scipy stores. */
static double sf_of_xcdf(xprob cdf)
{
	if (cdf.ext)
		return (double)clip01l(1.0L - clip01l(cdf.v));
	return clip01(1.0 - clip01((double)cdf.v));
}

/* ------------------------------------------------------------------ */
/* Durbin's matrix algorithm, Marsaglia-Tsang-Wang form [1, 3]         */
/* ------------------------------------------------------------------ */

/* c := a * b for m x m row-major matrices. */
static void matmul(double *c, const double *a, const double *b, int m)
{
	for (int i = 0; i < m; i++) {
		double *ci = c + (size_t)i * m;
		for (int j = 0; j < m; j++)
			ci[j] = 0.0;
		for (int k = 0; k < m; k++) {
			double aik = a[(size_t)i * m + k];
			const double *bk = b + (size_t)k * m;
			for (int j = 0; j < m; j++)
				ci[j] += aik * bk[j];
		}
	}
}

/* A result scaled by 2^expnt: the long double pl once the computation
 * moved to it (ext), else the double p; clipped to [0, 1]. */
static xprob scaled_result(double p, long double pl, int ext, int64_t expnt)
{
	xprob res = {NAN, 0};

	if (ext) {
		if (expnt != 0)
			pl = ldexpl(pl, (int)expnt);
		res.v = clip01l(pl);
		res.ext = 1;
	} else {
		if (expnt != 0)
			p = ldexp(p, (int)expnt);
		res.v = clip01(p);
	}
	return res;
}

/* The m x m matrix H of [3] for h = k - n d, into h_mat (zeroed), with
 * v and w (m each) as work: v[j] = (1 - h^(j+1)) / (j+1)!, w[j] = 1/j!
 * ([3], first column). */
static void dmtw_matrix(double *h_mat, double *v, double *w, int m, double h)
{
	double fac = 1.0;
	for (int j = 1; j <= m; j++) {
		v[j - 1] = 1.0 - pow(h, (double)j);
		w[j - 1] = fac;
		fac /= (double)j;
		v[j - 1] *= fac;
	}
	double base = 2.0 * h - 1.0;
	double tt = (base > 0.0 ? pow(base, (double)m) : 0.0) -
		    2.0 * pow(h, (double)m);
	v[m - 1] = (1.0 + tt) * fac;

	for (int i = 1; i < m; i++)
		for (int r = i - 1; r < m; r++)
			h_mat[(size_t)r * m + i] = w[r - (i - 1)];
	for (int r = 0; r < m; r++)
		h_mat[(size_t)r * m] = v[r];
	for (int c = 0; c < m; c++)
		h_mat[(size_t)(m - 1) * m + c] = v[m - 1 - c];
}

/* H^n into *hpwr by repeated squaring (*h_mat, *hpwr and *tmp are m x m
 * and swap places), H rescaled by 2^-128 whenever its (k, k) entry
 * exceeds 2^128; *expnt: the power's binary exponent. */
static void dmtw_power(double **h_mat, double **hpwr, double **tmp, int m,
		       int k, int64_t n, int64_t *expnt)
{
	size_t mm = (size_t)m * (size_t)m;
	int64_t nn = n, hexpnt = 0;
	int have_pwr = 0;

	while (nn > 0) {
		if (nn % 2) {
			if (!have_pwr) {
				/* identity * H == H exactly */
				memcpy(*hpwr, *h_mat, mm * sizeof(**hpwr));
				have_pwr = 1;
			} else {
				matmul(*tmp, *hpwr, *h_mat, m);
				double *sw = *hpwr;
				*hpwr = *tmp;
				*tmp = sw;
			}
			*expnt += hexpnt;
		}
		nn /= 2;
		if (nn == 0)
			break; /* scipy squares once more, unused */
		matmul(*tmp, *h_mat, *h_mat, m);
		double *sw = *h_mat;
		*h_mat = *tmp;
		*tmp = sw;
		hexpnt *= 2;
		double hkk = (*h_mat)[(size_t)(k - 1) * m + (k - 1)];
		if (fabs(hkk) > (double)EP128) {
			for (size_t q = 0; q < mm; q++)
				(*h_mat)[q] /= (double)EP128;
			hexpnt += E128;
		}
	}
}

/* p (times 2^expnt) multiplied by n!/n^n, rescaling to keep p normal;
 * scipy's p becomes a longdouble at the first rescaling. */
static xprob dmtw_times_nfact(double p, int64_t n, int64_t expnt)
{
	long double pl = 0.0L;
	int ext = 0;
	for (int64_t i = 1; i <= n; i++) {
		if (!ext) {
			p = (double)i * p / (double)n;
			if (fabs(p) < (double)EM128) {
				pl = (long double)p * EP128;
				ext = 1;
				expnt -= E128;
			}
		} else {
			pl = (long double)i * pl / (long double)n;
			if (fabsl(pl) < EM128) {
				pl *= EP128;
				expnt -= E128;
			}
		}
	}
	return scaled_result(p, pl, ext, expnt);
}

/*
 * Pr(D_n <= d) by [3]: write d = (k - h)/n with k = ceil(n d), 0 <= h < 1;
 * the answer is n!/n^n times entry (k, k) of H^n for the m x m matrix H,
 * m = 2k - 1, of [3].  H^n by repeated squaring, rescaling H by
 * 2^-128 whenever its (k, k) entry exceeds 2^128 (scipy _kolmogn_DMTW).
 * Returns the clipped cdf; NaN if the work area cannot be allocated.
 * Cost O(m^3 log n); memory 3 m^2 doubles (m <= 117 on the paths that
 * call it).
 */
static xprob kolmogn_dmtw_cdf(int64_t n, double d)
{
	xprob res = {NAN, 0};
	double *h_mat = NULL, *hpwr = NULL, *tmp = NULL;
	double *v = NULL, *w = NULL;
	int64_t expnt = 0;

	if (d >= 1.0) {
		res.v = 1.0L;
		goto out;
	}
	double nd = (double)n * d;
	if (nd <= 0.5) {
		res.v = 0.0L;
		goto out;
	}
	int k = (int)ceil(nd);
	double h = (double)k - nd;
	int m = 2 * k - 1;
	size_t mm = (size_t)m * (size_t)m;

	h_mat = calloc(mm, sizeof(*h_mat));
	hpwr = calloc(mm, sizeof(*hpwr));
	tmp = malloc(mm * sizeof(*tmp));
	v = malloc((size_t)m * sizeof(*v));
	w = malloc((size_t)m * sizeof(*w));
	if (!h_mat || !hpwr || !tmp || !v || !w)
		goto out;
	dmtw_matrix(h_mat, v, w, m, h);
	dmtw_power(&h_mat, &hpwr, &tmp, m, k, n, &expnt);
	res = dmtw_times_nfact(hpwr[(size_t)(k - 1) * m + (k - 1)], n, expnt);
out:
	free(h_mat);
	free(hpwr);
	free(tmp);
	free(v);
	free(w);
	return res;
}

/* ------------------------------------------------------------------ */
/* Pomeranz's recursion [2]                                            */
/* ------------------------------------------------------------------ */

/* Only called for n <= 140 and n d^2 <= 4: floor(n d) <= 23. */
#define POM_MAXPWRS 64

/* Python's a[start:stop] for an array of length len: the clamped
 * [*lo, *hi). */
static void py_slice(int64_t start, int64_t stop, int64_t len, int64_t *lo,
		     int64_t *hi)
{
	if (start < 0)
		start = start + len < 0 ? 0 : start + len;
	else if (start > len)
		start = len;
	if (stop < 0)
		stop = stop + len < 0 ? 0 : stop + len;
	else if (stop > len)
		stop = len;
	*lo = start;
	*hi = stop < start ? start : stop;
}

/* Endpoints of the non-zero interval of row i ([2]; scipy
 * _pomeranz_compute_j1j2). */
static void pomeranz_j1j2(int64_t i, int64_t n, int64_t ll, int ceilf,
			  int roundf, int64_t *j1, int64_t *j2)
{
	int64_t a, b;

	if (i == 0) {
		a = -ll - ceilf - 1;
		b = ll + ceilf - 1;
	} else {
		int64_t ip1div2 = (i + 1) / 2, ip1mod2 = (i + 1) % 2;
		if (ip1mod2 == 0) {
			if (ip1div2 == n + 1) {
				a = n - ll - ceilf - 1;
				b = n + ll + ceilf - 1;
			} else {
				a = ip1div2 - 1 - ll - roundf - 1;
				b = ip1div2 + ll - 1 + ceilf - 1;
			}
		} else {
			a = ip1div2 - 1 - ll - 1;
			b = ip1div2 + ll + roundf - 1;
		}
	}
	*j1 = a + 2 > 0 ? a + 2 : 0;
	*j2 = b < n ? b : n;
}

/* The truncated Poisson series of a step: pwr[m] = (c/n)^m / m! for
 * c = g, 2g and 1 - 2g, m < npwrs. */
static void pomeranz_powers(double *gpower, double *twogpower,
			    double *onem2gpower, int64_t npwrs, double g,
			    int64_t n)
{
	gpower[0] = twogpower[0] = onem2gpower[0] = 1.0;
	double g_over_n = g / (double)n, two_g_over_n = 2 * g / (double)n;
	double one_minus_two_g_over_n = (1 - 2 * g) / (double)n;
	for (int64_t m = 1; m < npwrs; m++) {
		gpower[m] = gpower[m - 1] * g_over_n / (double)m;
		twogpower[m] = twogpower[m - 1] * two_g_over_n / (double)m;
		onem2gpower[m] =
			onem2gpower[m - 1] * one_minus_two_g_over_n / (double)m;
	}
}

/* One step's row: v1[0 .. j2 - j1] = np.convolve(V0[k1-V0s :
 * k1-V0s+ln2], pwrs[:ln2])[j1 - k1 : j2 - k1 + 1] (v0 and v1 of npwrs
 * entries, ln2 = j2 - k1 + 1 > 0); -1 where numpy would raise (not
 * reachable). */
static int pomeranz_convolve(const double *v0, int64_t v0s, double *v1,
			     int64_t npwrs, const double *pwrs, int64_t k1,
			     int64_t j1, int64_t j2)
{
	int64_t ln2 = j2 - k1 + 1;
	int64_t alo, ahi, blo, bhi;
	py_slice(k1 - v0s, k1 - v0s + ln2, npwrs, &alo, &ahi);
	py_slice(0, ln2, npwrs, &blo, &bhi);
	const double *a = v0 + alo, *b = pwrs + blo;
	int64_t la = ahi - alo, lb = bhi - blo;
	assert(la > 0 && lb > 0);
	if (la == 0 || lb == 0)
		return -1;
	int64_t lconv = la + lb - 1;
	int64_t conv_start = j1 - k1, conv_len = j2 - j1 + 1;
	int64_t clo, chi;
	py_slice(conv_start, conv_start + conv_len, lconv, &clo, &chi);
	for (int64_t c = clo; c < chi; c++) {
		int64_t ilo = c - (lb - 1) > 0 ? c - (lb - 1) : 0;
		int64_t ihi = c < la - 1 ? c : la - 1;
		double s = 0.0;
		for (int64_t q = ilo; q <= ihi; q++)
			s += a[q] * b[c - q];
		v1[c - clo] = s;
	}
	return 0;
}

/* A row whose largest entry dropped below 2^-128 is scaled by 2^128. */
static void pomeranz_rescale(double *v1, int64_t npwrs, int64_t *expnt)
{
	double vmax = v1[0];
	for (int64_t q = 1; q < npwrs; q++)
		if (v1[q] > vmax)
			vmax = v1[q];
	if (0 < vmax && vmax < (double)EM128) {
		for (int64_t q = 0; q < npwrs; q++)
			v1[q] *= (double)EP128;
		*expnt -= E128;
	}
}

/* ans (times 2^expnt) multiplied by n!, moving to a long double scaled
 * by 2^-128 when it exceeds 2^128. */
static xprob pomeranz_times_nfact(double ans, int64_t n, int64_t expnt)
{
	long double ansl = 0.0L;
	int ext = 0;
	for (int64_t m = 1; m <= n; m++) {
		if (!ext) {
			if (fabs(ans) > (double)EP128) {
				ansl = (long double)ans * EM128;
				ext = 1;
				expnt += E128;
				ansl *= (long double)m;
			} else {
				ans *= (double)m;
			}
		} else {
			if (fabsl(ansl) > EP128) {
				ansl *= EM128;
				expnt += E128;
			}
			ansl *= (long double)m;
		}
	}
	return scaled_result(ans, ansl, ext, expnt);
}

/*
 * Pr(D_n <= x) by Pomeranz's recursion (scipy _kolmogn_Pomeranz): 2n+1
 * steps, each a convolution of the previous row with a truncated Poisson
 * series in g/n, 2g/n or (1-2g)/n, where g = min(f, 1-f) and f is the
 * fractional part of n x; finally n! times the last entry.  Rows rescaled
 * by 2^128 when they drop below 2^-128.
 */
static xprob kolmogn_pomeranz_cdf(int64_t n, double x)
{
	double gpower[POM_MAXPWRS], twogpower[POM_MAXPWRS];
	double onem2gpower[POM_MAXPWRS];
	double bufa[POM_MAXPWRS], bufb[POM_MAXPWRS];
	double *v0 = bufa, *v1 = bufb;
	int64_t v0s = 0, v1s = 0, expnt = 0, j1, j2;
	xprob res = {NAN, 0};

	double t = (double)n * x;
	int64_t ll = (int64_t)floor(t);
	double f = 1.0 * (t - (double)ll);
	double g = f < 1.0 - f ? f : 1.0 - f;
	int ceilf = f > 0 ? 1 : 0;
	int roundf = f > 0.5 ? 1 : 0;
	int64_t npwrs = 2 * (ll + 1);

	assert(npwrs <= POM_MAXPWRS && npwrs >= 1);
	if (npwrs > POM_MAXPWRS || npwrs < 1)
		return res; /* not reachable from kolmogn_sf */
	pomeranz_powers(gpower, twogpower, onem2gpower, npwrs, g, n);
	for (int64_t q = 0; q < npwrs; q++)
		v0[q] = v1[q] = 0.0;
	v1[0] = 1.0;

	pomeranz_j1j2(0, n, ll, ceilf, roundf, &j1, &j2);
	for (int64_t i = 1; i < 2 * n + 2; i++) {
		int64_t k1 = j1, tmps;
		double *sw = v0;
		v0 = v1;
		v1 = sw;
		tmps = v0s;
		v0s = v1s;
		v1s = tmps;
		for (int64_t q = 0; q < npwrs; q++)
			v1[q] = 0.0;
		pomeranz_j1j2(i, n, ll, ceilf, roundf, &j1, &j2);
		const double *pwrs;
		if (i == 1 || i == 2 * n + 1)
			pwrs = gpower;
		else
			pwrs = (i % 2) ? twogpower : onem2gpower;
		if (j2 - k1 + 1 <= 0)
			continue;
		if (pomeranz_convolve(v0, v0s, v1, npwrs, pwrs, k1, j1, j2) < 0)
			return res; /* numpy raises; not reachable */
		pomeranz_rescale(v1, npwrs, &expnt);
		v1s = v0s + j1 - k1;
	}

	/* multiply by n! */
	int64_t idx = n - v1s;
	if (idx < 0)
		idx += npwrs;
	assert(idx >= 0 && idx < npwrs);
	if (idx < 0 || idx >= npwrs)
		return res; /* numpy raises IndexError; not reachable */
	return pomeranz_times_nfact(v1[idx], n, expnt);
}

/* ------------------------------------------------------------------ */
/* Pelz-Good asymptotic series [6]                                     */
/* ------------------------------------------------------------------ */

/* numpy's pairwise summation (np.add.reduce of a contiguous float64
 * array), used so that sums come out as numpy's do. */
static double np_pairwise_sum(const double *a, size_t n)
{
	if (n < 8) {
		double res = 0.0;
		for (size_t i = 0; i < n; i++)
			res += a[i];
		return res;
	}
	if (n <= 128) {
		double r[8];
		size_t i;
		for (int j = 0; j < 8; j++)
			r[j] = a[j];
		for (i = 8; i < n - (n % 8); i += 8)
			for (int j = 0; j < 8; j++)
				r[j] += a[i + j];
		double res = ((r[0] + r[1]) + (r[2] + r[3])) +
			     ((r[4] + r[5]) + (r[6] + r[7]));
		for (; i < n; i++)
			res += a[i];
		return res;
	}
	size_t n2 = n / 2;
	n2 -= n2 % 8;
	return np_pairwise_sum(a, n2) + np_pairwise_sum(a + n2, n - n2);
}

/*
 * Pelz and Good's approximation [6] to Pr(D_n <= x): the Li-Chien /
 * Korolyuk expansion K0 + K1/sqrt(n) + K2/n + K3/n^1.5 with each K_i put
 * in theta-function form for small z = x sqrt(n) ([6, 7];
 * scipy _kolmogn_PelzGood).  Unclipped, as scipy returns it.
 */
static double kolmogn_pelzgood_cdf(int64_t n, double x)
{
	const double pi2 = pow(M_PI, 2.0), pi4 = pow(M_PI, 4.0);
	const double pi6 = pow(M_PI, 6.0);
	const double sqrt2pi = sqrt(2 * M_PI), sqrt3 = sqrt(3.0);
	double kk[4] = {0.0, 0.0, 0.0, 0.0};
	double t2[8], t3[8];

	if (x <= 0.0)
		return 0.0;
	if (x >= 1.0)
		return 1.0;
	double z = sqrt((double)n) * x;
	double zsquared = pow(z, 2.0), zthree = pow(z, 3.0);
	double zfour = pow(z, 4.0), zsix = pow(z, 6.0);
	double qlog = -pi2 / 8 / zsquared;
	if (qlog < -708)
		return 0.0;
	double q = exp(qlog);

	double k1a = -zsquared;
	double k1b = pi2 / 4;
	double k2a = 6 * zsix + 2 * zfour;
	double k2b = (2 * zfour - 5 * zsquared) * pi2 / 4;
	double k2c = pi4 * (1 - 2 * zsquared) / 16;
	double k3d = pi6 * (5 - 30 * zsquared) / 64;
	double k3c = pi4 * (-60 * zsquared + 212 * zfour) / 16;
	double k3b = pi2 * (135 * zfour - 96 * zsix) / 4;
	double k3a = -30 * zsix - 90 * pow(z, 8.0);

	/* Horner scheme in q^8 over odd m = 2k - 1 */
	int maxk = (int)ceil(16 * z / M_PI);
	assert(maxk <= 8);
	if (maxk > 8)
		return NAN; /* needs z > 1.57; callers have z^2 < 2.2 */
	for (int k = maxk; k > 0; k--) {
		double m = 2.0 * k - 1;
		double msq = m * m, mfour = msq * msq, msix = mfour * msq;
		double qpower = pow(q, (double)(8 * k));
		double c1 = k1a + k1b * msq;
		double c2 = k2a + k2b * msq + k2c * mfour;
		double c3 = k3a + k3b * msq + k3c * mfour + k3d * msix;
		kk[0] *= qpower;
		kk[1] *= qpower;
		kk[2] *= qpower;
		kk[3] *= qpower;
		kk[0] += 1.0;
		kk[1] += c1;
		kk[2] += c2;
		kk[3] += c3;
	}
	for (int i = 0; i < 4; i++) {
		kk[i] *= q;
		kk[i] *= sqrt2pi;
	}
	kk[0] /= z;
	kk[1] /= 6 * zfour;
	kk[2] /= 72 * pow(z, 7.0);
	kk[3] /= 6480 * pow(z, 10.0);

	/* The sums over all integers k of the K2 and K3 extra terms. */
	q = exp(-pi2 / 2 / zsquared);
	double sqrt3z = sqrt3 * z;
	for (int i = 0; i < maxk; i++) {
		int64_t ks = maxk - i;
		double ksq = (double)(ks * ks);
		double kspi = M_PI * (double)ks;
		double qp = pow(q, ksq);
		t2[i] = ksq * qp;
		t3[i] = (sqrt3z + kspi) * (sqrt3z - kspi) * ksq * qp;
	}
	double k2extra = np_pairwise_sum(t2, (size_t)maxk);
	k2extra *= pi2 * sqrt2pi / (-36 * zthree);
	kk[2] += k2extra;
	double k3extra = np_pairwise_sum(t3, (size_t)maxk);
	k3extra *= pi2 * sqrt2pi / (216 * zsix);
	kk[3] += k3extra;
	double dn = (double)n * 1.0;
	kk[0] /= pow(dn, 0.0);
	kk[1] /= pow(dn, 0.5);
	kk[2] /= pow(dn, 1.0);
	kk[3] /= pow(dn, 1.5);
	return (((0.0 + kk[0]) + kk[1]) + kk[2]) + kk[3];
}

/* ------------------------------------------------------------------ */
/* Smirnov's one-sided distribution                                    */
/* ------------------------------------------------------------------ */

/* cephes MINLOG = log(2^-1075) */
#define CEPHES_MINLOG (-7.451332191019412076235E2)
/* cephes kolmogorov.c: n above this uses an approximation */
#define SMIRNOV_MAX_COMPUTE_N 1000000

/*
 * Pr(D_n^+ >= x) for 0 <= x <= 1 (scipy.special.smirnov).  The
 * Birnbaum-Tingey formula [4]:
 *
 *   sf = x * sum_{v=0}^{floor(n(1-x))} C(n,v) (x + v/n)^(v-1)
 *                                      (1 - x - v/n)^(n-v)
 *
 * all terms positive, summed in double with each term as
 * exp(log C(n,v) + (v-1) log(x+v/n) + (n-v) log(1-x-v/n)), scaled by
 * 2^k ~ e^(2 n x^2) so that no term underflows (sf ~ e^(-2 n x^2) goes
 * down to e^-745).  The sum has up to n(1-x) terms that matter (the
 * crossing time is spread over the whole bridge): in long double, 200 ns
 * a term, one p-value of a window of 10^6 against a baseline took 0.1 s;
 * in double 20 ns.  The bases are
 * formed from the exact product n*x (an fma split) so that 1-x-v/n keeps
 * its relative accuracy near 0.  The special cases, the early stop once
 * the terms are below DBL_EPSILON of the sum, the underflow cut-off and
 * the n > 10^6 approximation are those of cephes' _smirnov [8].  cephes
 * also has an alternating "upper sum" for x <= 0.5/sqrt(n) with at most 3
 * terms; kolmogn never calls smirnov there (it does for x >= 0.5 or
 * n x^2 >= 0.754693), so this function only evaluates the lower sum.
 */
static double smirnov_sf(int64_t n, double x)
{
	if (!(n > 0 && x >= 0.0 && x <= 1.0))
		return NAN;
	if (n == 1)
		return 1 - x;
	if (x == 0.0)
		return 1.0;
	if (x == 1.0)
		return 0.0;

	/* floor(n x) and its fractional part from the exact product */
	double dn = (double)n;
	double nx_hi = dn * x;
	double nx_lo = fma(dn, x, -nx_hi);
	double nxfl_d = floor(nx_hi);
	if (nxfl_d == nx_hi && nx_lo < 0)
		nxfl_d -= 1.0;
	double alpha = (nx_hi - nxfl_d) + nx_lo;
	int64_t nxfl = (int64_t)nxfl_d;
	if (alpha == 1.0) {
		nxfl += 1;
		alpha = 0.0;
	}
	/* last term of the lower sum; a zero term when alpha == 0 */
	int64_t n1mxfl = n - nxfl - 1;

	if (nxfl == 0 || (nxfl == 1 && alpha == 0)) {
		/* x <= 1/n: sf = 1 - x (1 + x)^(n-1) */
		long double tl =
			powl(1.0L + (long double)x, (long double)(n - 1));
		double cdf = (double)((long double)x * tl);
		return clip01(1 - cdf);
	}
	if (-2 * n * x * x < CEPHES_MINLOG)
		return 0.0;
	if (nxfl >= n - 1) {
		/* x >= 1 - 1/n: only the v = 0 term */
		return clip01(
			(double)powl(1.0L - (long double)x, (long double)n));
	}
	if (n > SMIRNOV_MAX_COMPUTE_N) {
		/* p ~ e^(-(6nx+1)^2 / 18n), cephes' choice for very large n */
		double logp = -pow(6.0 * n * x + 1, 2) / 18.0 / n;
		double sf;
		if (logp < -M_LN2) {
			sf = exp(logp);
		} else {
			double cdf = -expm1(logp);
			sf = 1 - cdf;
		}
		return clip01(sf);
	}

	/* Lower sum, v = 0 .. n1mxfl, in double (each term's logarithms to
	 * about 2e-11 absolute at n = 10^6: scipy to ~1e-11 relative, where
	 * long double took ~200 ns a term, 0.1 s for n = 5 10^5). */
	double hi = nx_hi, lo = nx_lo;
	/* every term times 2^k, e^(2 n x^2) or so (sf is about e^(-2 n x^2),
	 * down to e^-745): no term underflows where the sum does not */
	int k = (int)floor(2.0 * dn * x * x / M_LN2);
	double shift = (double)k * M_LN2;
	/* log C(n, v) as a compensated running sum (Neumaier 1974): a plain
	 * sum of 10^4 increments drifts by 1e-13 once it is 10^4 large. */
	double logc = 0.0, logc_err = 0.0;
	double sum = 0.0;
	int64_t nterms = n1mxfl + 1, vmid = n / 2;
	for (int64_t v = 0; v < nterms; v++) {
		double dv = (double)v;
		if (v > 0) {
			double inc = log((dn - dv + 1.0) / dv);
			double t = logc + inc;
			if (fabs(logc) >= fabs(inc))
				logc_err += (logc - t) + inc;
			else
				logc_err += (inc - t) + logc;
			logc = t;
		}
		/* x + v/n and 1 - x - v/n, from n x = hi + lo exactly */
		double b1 = ((dv + hi) + lo) / dn;
		double b2 = (((dn - dv) - hi) - lo) / dn;
		double term;
		if (v == 0)
			term = exp(dn * log1p(-x) + shift) / x;
		else if (b2 <= 0.0)
			term = 0.0;
		else
			term = exp((logc + logc_err) + (dv - 1.0) * log(b1) +
				   (dn - dv) * log(b2) + shift);
		if (isfinite(term) && term != 0.0) {
			sum += term; /* positive terms: 1e-14 relative */
		}
		if (term != 0.0) {
			if (4.0 * (double)(nterms - v) * term <
				    DBL_EPSILON * sum &&
			    v != nterms - 1)
				break;
		} else if (v > vmid) {
			break;
		}
	}
	return clip01(ldexp(x * sum, -k));
}

/* ------------------------------------------------------------------ */
/* kolmogn: the branch selection                                       */
/* ------------------------------------------------------------------ */

/* log(n!/n^n) by Stirling's series (scipy _log_nfactorial_div_n_pow_n):
 * log(n)/2 - n + log(2 pi)/2 + sum_j B_2j/(2j(2j-1)) n^(1-2j). */
static double log_nfactorial_div_n_pow_n(int64_t n)
{
	/* B_{2j}/(2j)/(2j-1) for j = 8, ..., 1 (Abramowitz-Stegun 6.1.40) */
	static const double stirling[8] = {
		-2.955065359477124183e-2,  6.4102564102564102564e-3,
		-1.9175269175269175269e-3, 8.4175084175084175084e-4,
		-5.952380952380952381e-4,  7.9365079365079365079e-4,
		-2.7777777777777777778e-3, 8.3333333333333333333e-2};
	double dn = (double)n;
	double rn = 1.0 / dn, y = 0.0, u = rn / dn;
	for (int i = 0; i < 8; i++)
		y = y * u + stirling[i];
	return log(dn) / 2 - dn + log(2 * M_PI) / 2 + rn * y;
}

/* Pr(D_n >= x), scipy _kolmogn(n, x, cdf=False); n >= 1. */
static double kolmogn_sf(int64_t n, double x)
{
	double dn = (double)n;

	if (x >= 1.0)
		return 0.0;
	if (x <= 0.0)
		return 1.0;
	double t = dn * x;
	if (t <= 1.0) {
		/* Ruben-Gambino [5]: cdf = n!/n^n (2t-1)^n, 1/2n <= x <= 1/n */
		double prob;
		if (t <= 0.5)
			return 1.0;
		if (n <= 140) {
			double rn = 1.0 / dn, u = 2 * t - 1;
			prob = 1.0;
			for (int64_t i = 1; i <= n; i++)
				prob *= (double)i * rn * u;
		} else {
			prob = exp(log_nfactorial_div_n_pow_n(n) +
				   dn * log(2 * t - 1));
		}
		return clip01(1.0 - prob);
	}
	if (t >= dn - 1) /* Ruben-Gambino [5] */
		return clip01(2 * pow(1.0 - x, dn));
	if (x >= 0.5) /* D+ >= x and D- >= x are disjoint */
		return clip01(2 * smirnov_sf(n, x));

	double nxsquared = t * x;
	if (n <= 140) {
		if (nxsquared <= 0.754693)
			return sf_of_xcdf(kolmogn_dmtw_cdf(n, x));
		if (nxsquared <= 4)
			return sf_of_xcdf(kolmogn_pomeranz_cdf(n, x));
		return clip01(2 * smirnov_sf(n, x));
	}
	if (nxsquared >= 370.0)
		return 0.0;
	if (nxsquared >= 2.2)
		return clip01(2 * smirnov_sf(n, x));
	if (n <= 100000 && dn * pow(x, 1.5) <= 1.4)
		return sf_of_xcdf(kolmogn_dmtw_cdf(n, x));
	return clip01(1.0 - kolmogn_pelzgood_cdf(n, x));
}

/*
 * scipy.stats.kstwo.sf(d, n): NaN for a NaN argument or an n that is not
 * an integer >= 1, 1 on d <= 0.5/n (the lower end of the support), 0 on
 * d >= 1, else kolmogn.  NaN also if the Durbin work area (at most
 * 3 * 117^2 doubles) cannot be allocated.
 */
double dm_kstwo_sf(double d, double n)
{
	if (isnan(d) || isnan(n))
		return NAN;
	if (!(n >= 1.0 && n == nearbyint(n)) || !(n < 0x1p62))
		return NAN;
	if (d <= 0.5 / n)
		return 1.0;
	if (d >= 1.0)
		return 0.0;
	return kolmogn_sf((int64_t)n, d);
}
