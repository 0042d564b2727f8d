/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Multiple-testing correction: Holm's step-down procedure (Holm 1979,
 * "A simple sequentially rejective multiple test procedure", Scand. J.
 * Statist. 6(2), 65-70).  With m p-values sorted ascending
 * p_(1) <= ... <= p_(m), the adjusted values are
 *
 *     p~_(i) = min(1, max_{j <= i} (m - j + 1) p_(j))
 *
 * and rejecting every hypothesis with p~ < alpha controls the family-wise
 * error rate at alpha under any dependence between the tests.  This is
 * exactly what statsmodels.stats.multitest.multipletests(p,
 * method='holm')[1] returns (statsmodels 0.13: the running maximum of
 * the sorted p-values times m, m-1, ..., 1, then clipped at 1), including
 * its treatment of NaN: numpy sorts NaN last, so a NaN counts in m as
 * the largest p-value and its adjusted value is NaN.  The stored
 * statsmodels vectors in tests/data/holm_cases.txt check this.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "driftmon/stats.h"

struct ranked {
	double p;
	size_t i;
};

/* Ascending p, NaN last, ties in input order (the adjusted values of
 * tied p-values are equal whatever their order). */
static int cmp_ranked(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;
	int xn = isnan(x->p), yn = isnan(y->p);

	if (xn != yn)
		return xn - yn;
	if (!xn && x->p != y->p)
		return x->p < y->p ? -1 : 1;
	return (x->i > y->i) - (x->i < y->i);
}

dm_err dm_holm(const double *p, size_t m, double *adj)
{
	struct ranked *v = NULL;
	double run = 0.0;
	size_t i;

	if (m == 0)
		return DM_OK;
	if (m <= SIZE_MAX / sizeof(*v))
		v = malloc(m * sizeof(*v));
	if (!v)
		return DM_ENOMEM;
	for (i = 0; i < m; i++) {
		v[i].p = p[i];
		v[i].i = i;
	}
	qsort(v, m, sizeof(*v), cmp_ranked);
	for (i = 0; i < m; i++) {
		double a = (double)(m - i) * v[i].p;

		if (isnan(a)) {
			adj[v[i].i] = NAN;
			continue;
		}
		if (a > run)
			run = a;
		adj[v[i].i] = run < 1.0 ? run : 1.0;
	}
	free(v);
	return DM_OK;
}
