/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The Anderson-Darling k-sample test for two samples, as scipy 1.10's
 * anderson_ksamp([x, y]) (midrank=True) computes it: Scholz and Stephens
 * 1987, "K-sample Anderson-Darling tests", JASA 82(399), eq. 7 (A2akN,
 * for ties), standardised by its variance under H0, and the p-value
 * interpolated (quadratic fit of log significance on the critical values
 * of their Table 2, as numpy.polyfit) and capped to [0.001, 0.25].
 */
#include <math.h>

#include "driftmon/stats.h"
#include "merge_walk.h"

/* Least-squares quadratic through (x[i], y[i]), i < 7, evaluated at t
 * (numpy.polyfit(x, y, 2) then polyval; normal equations about the mean
 * of x in long double, which is well conditioned for these 7 points). */
static double quad_fit_eval(const double *x, const double *y, int n, double t)
{
	long double mx = 0, s[5] = {0}, r[3] = {0}, m[3][4], c[3];
	int i, j, k;

	for (i = 0; i < n; i++)
		mx += x[i];
	mx /= n;
	for (i = 0; i < n; i++) {
		long double d = x[i] - mx, p = 1;

		for (k = 0; k < 5; k++) {
			s[k] += p;
			if (k < 3)
				r[k] += p * y[i];
			p *= d;
		}
	}
	for (i = 0; i < 3; i++) {
		for (j = 0; j < 3; j++)
			m[i][j] = s[i + j];
		m[i][3] = r[i];
	}
	for (i = 0; i < 3; i++) { /* Gauss-Jordan with partial pivoting */
		int piv = i;

		for (j = i + 1; j < 3; j++)
			if (fabsl(m[j][i]) > fabsl(m[piv][i]))
				piv = j;
		for (k = 0; k < 4; k++) {
			long double tmp = m[i][k];

			m[i][k] = m[piv][k];
			m[piv][k] = tmp;
		}
		for (j = 0; j < 3; j++) {
			long double f;

			if (j == i)
				continue;
			f = m[j][i] / m[i][i];
			for (k = i; k < 4; k++)
				m[j][k] -= f * m[i][k];
		}
	}
	for (i = 0; i < 3; i++)
		c[i] = m[i][3] / m[i][i];
	{
		long double d = t - mx;

		return (double)(c[0] + d * (c[1] + d * c[2]));
	}
}

dm_err dm_anderson_2samp(const double *x, const uint64_t *wx, size_t nx,
			 const double *y, const uint64_t *wy, size_t ny,
			 dm_test_result *res)
{
	static const double b0[7] = {0.675, 1.281, 1.645, 1.96,
				     2.326, 2.573, 3.085};
	static const double b1[7] = {-0.245, 0.25,  0.678, 1.149,
				     1.822,  2.364, 3.615};
	static const double b2[7] = {-0.105, -0.305, -0.362, -0.391,
				     -0.396, -0.345, -0.154};
	static const double sig[7] = {0.25, 0.1,   0.05, 0.025,
				      0.01, 0.005, 0.001};
	int bad = 0;
	uint64_t n1 = dm_mwalk_total(x, wx, nx, &bad);
	uint64_t n2 = dm_mwalk_total(y, wy, ny, &bad);
	uint64_t before = 0, cx = 0, cy = 0, distinct = 0;
	double N = (double)(n1 + n2), s1 = 0.0, s2 = 0.0, a2kn;
	double H, h, g, hs = 0.0, a, b, c, d, sigmasq, A2;
	double crit[7], lsig[7], cmin = INFINITY, cmax = -INFINITY;
	const double k = 2.0;
	dm_mwalk m;

	res->statistic = res->pvalue = NAN;
	res->method = NULL;
	if (bad || n1 == 0 || n2 == 0 || n1 + n2 < 4)
		return DM_EINVAL;
	dm_mwalk_init(&m, x, wx, nx, y, wy, ny);
	while (dm_mwalk_next(&m))
		distinct++;
	if (distinct < 2)
		return DM_EINVAL;
	dm_mwalk_init(&m, x, wx, nx, y, wy, ny);
	while (dm_mwalk_next(&m)) {
		double lj = distinct == n1 + n2 ? 1.0 : (double)(m.cx + m.cy);
		double bj = (double)before + lj / 2.0;
		double mx = (double)cx + (double)m.cx / 2.0;
		double my = (double)cy + (double)m.cy / 2.0;
		double den = bj * (N - bj) - N * lj / 4.0;
		double ex = N * mx - bj * (double)n1;
		double ey = N * my - bj * (double)n2;

		s1 += lj / N * ex * ex / den;
		s2 += lj / N * ey * ey / den;
		before += m.cx + m.cy;
		cx += m.cx;
		cy += m.cy;
	}
	a2kn = (s1 / (double)n1 + s2 / (double)n2) * (N - 1.0) / N;
	H = 1.0 / (double)n1 + 1.0 / (double)n2;
	/* hs_cs = cumsum(1 / (N-1 .. 2)); h = hs_cs[-1] + 1;
	 * g = sum(hs_cs / (2 .. N-1)) */
	g = 0.0;
	for (uint64_t i = 0; i + 2 < n1 + n2; i++) {
		hs += 1.0 / (N - 1.0 - (double)i);
		g += hs / (double)(i + 2);
	}
	h = hs + 1.0;
	a = (4 * g - 6) * (k - 1) + (10 - 6 * g) * H;
	b = (2 * g - 4) * k * k + 8 * h * k + (2 * g - 14 * h - 4) * H - 8 * h +
	    4 * g - 6;
	c = (6 * h + 2 * g - 2) * k * k + (4 * h - 4 * g + 6) * k +
	    (2 * h - 6) * H + 4 * h;
	d = (2 * h + 6) * k * k - 4 * h * k;
	sigmasq = (a * N * N * N + b * N * N + c * N + d) /
		  ((N - 1.0) * (N - 2.0) * (N - 3.0));
	A2 = (a2kn - 1.0) / sqrt(sigmasq);
	for (int i = 0; i < 7; i++) {
		crit[i] = b0[i] + b1[i] / sqrt(1.0) + b2[i] / 1.0;
		lsig[i] = log(sig[i]);
		cmin = fmin(cmin, crit[i]);
		cmax = fmax(cmax, crit[i]);
	}
	res->statistic = A2;
	if (A2 < cmin) {
		res->pvalue = 0.25;
		res->method = "capped";
	} else if (A2 > cmax) {
		res->pvalue = 0.001;
		res->method = "floored";
	} else {
		res->pvalue = exp(quad_fit_eval(crit, lsig, 7, A2));
		res->method = "interp";
	}
	return DM_OK;
}
