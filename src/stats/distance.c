/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Distances between two distributions: Wasserstein and energy distance
 * between weighted samples (scipy.stats._cdf_distance), Jensen-Shannon,
 * Hellinger and Kullback-Leibler between count vectors.
 */
#include <math.h>

#include "driftmon/stats.h"
#include "merge_walk.h"

/* The integral of |F_x - F_y|^p (p = 1 or 2) over the pooled range: F
 * is constant between consecutive distinct values. */
static double cdf_distance(int p, const double *x, const uint64_t *wx,
			   size_t nx, const double *y, const uint64_t *wy,
			   size_t ny)
{
	int bad = 0;
	uint64_t tx = dm_mwalk_total(x, wx, nx, &bad);
	uint64_t ty = dm_mwalk_total(y, wy, ny, &bad);
	uint64_t cx = 0, cy = 0;
	double sum = 0.0, prev = 0.0, d = 0.0;
	dm_mwalk m;
	int first = 1;

	if (bad || tx == 0 || ty == 0)
		return NAN;
	dm_mwalk_init(&m, x, wx, nx, y, wy, ny);
	while (dm_mwalk_next(&m)) {
		if (!first) {
			double delta = m.v - prev;

			sum += (p == 1 ? fabs(d) : d * d) * delta;
		}
		first = 0;
		prev = m.v;
		cx += m.cx;
		cy += m.cy;
		d = (double)cx / (double)tx - (double)cy / (double)ty;
	}
	return sum;
}

double dm_wasserstein(const double *x, const uint64_t *wx, size_t nx,
		      const double *y, const uint64_t *wy, size_t ny)
{
	return cdf_distance(1, x, wx, nx, y, wy, ny);
}

double dm_energy_distance(const double *x, const uint64_t *wx, size_t nx,
			  const double *y, const uint64_t *wy, size_t ny)
{
	return sqrt(2.0) * sqrt(cdf_distance(2, x, wx, nx, y, wy, ny));
}

static int totals(const uint64_t *a, const uint64_t *b, size_t k, double *ta,
		  double *tb)
{
	uint64_t na = 0, nb = 0;

	for (size_t i = 0; i < k; i++) {
		na += a[i];
		nb += b[i];
	}
	*ta = (double)na;
	*tb = (double)nb;
	return na > 0 && nb > 0;
}

/* x ln(x / y), 0 for x = 0 (scipy.special.rel_entr). */
static double rel_entr(double x, double y)
{
	return x > 0.0 ? x * log(x / y) : 0.0;
}

double dm_js_distance(const uint64_t *a, const uint64_t *b, size_t k)
{
	double ta, tb, left = 0.0, right = 0.0;

	if (!totals(a, b, k, &ta, &tb))
		return NAN;
	for (size_t i = 0; i < k; i++) {
		double p = (double)a[i] / ta, q = (double)b[i] / tb;
		double m = (p + q) / 2.0;

		left += rel_entr(p, m);
		right += rel_entr(q, m);
	}
	return sqrt((left + right) / 2.0);
}

double dm_hellinger(const uint64_t *a, const uint64_t *b, size_t k)
{
	double ta, tb, s = 0.0;

	if (!totals(a, b, k, &ta, &tb))
		return NAN;
	for (size_t i = 0; i < k; i++) {
		double d = sqrt((double)a[i] / ta) - sqrt((double)b[i] / tb);

		s += d * d;
	}
	return sqrt(s) / sqrt(2.0);
}

double dm_kl_divergence(const uint64_t *a, const uint64_t *b, size_t k)
{
	double ta, tb, da, db, s = 0.0;

	if (!totals(a, b, k, &ta, &tb))
		return NAN;
	da = ta + DM_PSI_ALPHA * (double)k;
	db = tb + DM_PSI_ALPHA * (double)k;
	for (size_t i = 0; i < k; i++)
		s += rel_entr(((double)a[i] + DM_PSI_ALPHA) / da,
			      ((double)b[i] + DM_PSI_ALPHA) / db);
	return s;
}
