/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The two passes of a block's moments (dm_moments_add_block, and the
 * profile's column loops that fuse them with other work), in one order
 * that every path shares so that a block's moments are the same bits
 * whichever computes them: value i goes to lane i % 4, the lanes are
 * combined as (l0 + l1) + (l2 + l3).  Four chains of additions instead of
 * one, each of which waited on the last (3-4 cycles a value; the sum is
 * also no less accurate than the running one).  The extremes take the
 * same lanes, combined in the same order, with the comparisons of the
 * running form (x < lo keeps the first of equal values).
 */
#ifndef DM_STATS_MOMENTS_LANES_H
#define DM_STATS_MOMENTS_LANES_H

#include <math.h>
#include <stddef.h>

typedef struct {
	double s[4], lo[4], hi[4];
} dm_lanes;

static inline void dm_lanes_init(dm_lanes *l)
{
	int k;

	for (k = 0; k < 4; k++) {
		l->s[k] = 0.0;
		l->lo[k] = INFINITY;
		l->hi[k] = -INFINITY;
	}
}

static inline double dm_lanes_sum(const double s[4])
{
	return (s[0] + s[1]) + (s[2] + s[3]);
}

static inline double dm_lanes_lo(const dm_lanes *l)
{
	double a = l->lo[1] < l->lo[0] ? l->lo[1] : l->lo[0];
	double b = l->lo[3] < l->lo[2] ? l->lo[3] : l->lo[2];

	return b < a ? b : a;
}

static inline double dm_lanes_hi(const dm_lanes *l)
{
	double a = l->hi[1] > l->hi[0] ? l->hi[1] : l->hi[0];
	double b = l->hi[3] > l->hi[2] ? l->hi[3] : l->hi[2];

	return b > a ? b : a;
}

/* Value x, the i-th of its block, into the sum and extremes. */
static inline void dm_lanes_add(dm_lanes *l, size_t i, double x)
{
	size_t k = i & 3;

	l->s[k] += x;
	l->lo[k] = x < l->lo[k] ? x : l->lo[k];
	l->hi[k] = x > l->hi[k] ? x : l->hi[k];
}

/* The first pass over x[0..n): sum, smallest, largest. */
static inline void dm_lanes_pass1(const double *x, size_t n, double *sum,
				  double *lo, double *hi)
{
	dm_lanes l;
	size_t i;

	dm_lanes_init(&l);
	for (i = 0; i + 4 <= n; i += 4) {
		dm_lanes_add(&l, 0, x[i]);
		dm_lanes_add(&l, 1, x[i + 1]);
		dm_lanes_add(&l, 2, x[i + 2]);
		dm_lanes_add(&l, 3, x[i + 3]);
	}
	for (; i < n; i++)
		dm_lanes_add(&l, i, x[i]);
	*sum = dm_lanes_sum(l.s);
	*lo = dm_lanes_lo(&l);
	*hi = dm_lanes_hi(&l);
}

/* The second pass: the squared deviations from mean, summed. */
static inline double dm_lanes_ss(const double *x, size_t n, double mean)
{
	double s[4] = {0.0, 0.0, 0.0, 0.0};
	size_t i;

	for (i = 0; i + 4 <= n; i += 4) {
		double d0 = x[i] - mean, d1 = x[i + 1] - mean,
		       d2 = x[i + 2] - mean, d3 = x[i + 3] - mean;

		s[0] += d0 * d0;
		s[1] += d1 * d1;
		s[2] += d2 * d2;
		s[3] += d3 * d3;
	}
	for (; i < n; i++) {
		double d = x[i] - mean;

		s[i & 3] += d * d;
	}
	return dm_lanes_sum(s);
}

#endif
