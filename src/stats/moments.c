/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Streaming moments: count, mean, sum of squared deviations (M2), min and
 * max.  One value at a time by Welford's update (Welford 1962, "Note on a
 * method for calculating corrected sums of squares and products",
 * Technometrics 4(3)); blocks and profiles merge by the pairwise formula
 * of Chan, Golub and LeVeque (1979, "Updating formulae and a pairwise
 * algorithm for computing sample variances", eq. 2.1b):
 *
 *     delta = mean_b - mean_a
 *     M2    = M2_a + M2_b + delta^2 * n_a * n_b / (n_a + n_b)
 *
 * which is exact in exact arithmetic and numerically stable in floating
 * point.
 */
#include <math.h>

#include "driftmon/stats.h"
#include "stats/moments_lanes.h"

void dm_moments_init(dm_moments *m)
{
	m->n = 0;
	m->mean = 0.0;
	m->m2 = 0.0;
	m->min = INFINITY;
	m->max = -INFINITY;
}

void dm_moments_add(dm_moments *m, double x)
{
	double delta;

	m->n++;
	delta = x - m->mean;
	m->mean += delta / (double)m->n;
	m->m2 += delta * (x - m->mean);
	if (x < m->min)
		m->min = x;
	if (x > m->max)
		m->max = x;
}

void dm_moments_add_block(dm_moments *m, const double *x, size_t n)
{
	dm_moments b;
	double sum, lo, hi;

	if (n == 0)
		return;
	/* Two passes over a block that is in cache: mean, then M2 (in the
	 * lanes every path shares: stats/moments_lanes.h). */
	dm_lanes_pass1(x, n, &sum, &lo, &hi);
	b.n = n;
	b.mean = sum / (double)n;
	b.m2 = dm_lanes_ss(x, n, b.mean);
	b.min = lo;
	b.max = hi;
	dm_moments_merge(m, &b);
}

void dm_moments_merge(dm_moments *a, const dm_moments *b)
{
	double na, nb, n, delta;

	if (b->n == 0)
		return;
	if (a->n == 0) {
		*a = *b;
		return;
	}
	na = (double)a->n;
	nb = (double)b->n;
	n = na + nb;
	delta = b->mean - a->mean;
	a->mean += delta * (nb / n);
	a->m2 += b->m2 + delta * delta * (na * nb / n);
	a->n += b->n;
	if (b->min < a->min)
		a->min = b->min;
	if (b->max > a->max)
		a->max = b->max;
}

double dm_moments_var(const dm_moments *m)
{
	if (m->n < 2)
		return NAN;
	return m->m2 / (double)(m->n - 1);
}

double dm_moments_std(const dm_moments *m)
{
	return sqrt(dm_moments_var(m));
}
