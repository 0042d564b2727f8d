/* SPDX-License-Identifier: Apache-2.0 */
/* Private to src/stats/: helpers shared by the statistical tests. */
#ifndef DM_STATS_INT_H
#define DM_STATS_INT_H

#include <stddef.h>
#include <stdint.h>

/* chi2.c: the common start of the 2 x k homogeneity tests (see there). */
int stats_homogeneity_rows(const uint64_t *a, const uint64_t *b, size_t k,
			   double *ra, double *rb, double *stat,
			   double *pvalue, int *df);

#endif
