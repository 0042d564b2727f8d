/* SPDX-License-Identifier: Apache-2.0 */
/* Private to src/stats/: helpers shared by the statistical tests. */
#ifndef DM_STATS_INT_H
#define DM_STATS_INT_H

#include <stddef.h>
#include <stdint.h>

/* chi2.c: the common start of the 2 x k homogeneity tests (see there). */
int stats_homogeneity_rows(const uint64_t *a, const uint64_t *b, size_t k,
			   double *ra, double *rb, double *stat, double *pvalue,
			   int *df);

/* KS (ks.c, ecdfcount.c): the running extremes of F1 - F2 ... */
static inline void ks_track(double diff, double *dmax, double *dmin)
{
	if (diff > *dmax)
		*dmax = diff;
	if (diff < *dmin)
		*dmin = diff;
}

/* ... and D from them, as scipy: minS = clip(-min, 0, 1);
 * D = minS if minS > maxS else maxS. */
static inline double ks_from_extremes(double dmax, double dmin)
{
	double mins = -dmin;

	if (mins > 1.0)
		mins = 1.0;
	return mins > dmax ? mins : dmax;
}

#endif
