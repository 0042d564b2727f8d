/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Walks two sorted weighted samples together, one distinct value at a
 * time (private to src/stats): at each step v is the next value of the
 * pooled sample and cx, cy the weight of x and y at v (several entries
 * with the same value are added up).
 */
#ifndef DM_STATS_MERGE_WALK_H
#define DM_STATS_MERGE_WALK_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>

typedef struct dm_mwalk {
	const double *x, *y;
	const uint64_t *wx, *wy;
	size_t nx, ny, i, j;
	double v;
	uint64_t cx, cy;
} dm_mwalk;

/* Total weight of a side; 0 when it holds a NaN or is not sorted
 * (callers treat that as invalid input). */
static inline uint64_t dm_mwalk_total(const double *x, const uint64_t *w,
				      size_t n, int *bad)
{
	uint64_t t = 0;

	for (size_t i = 0; i < n; i++) {
		if (isnan(x[i]) || (i > 0 && x[i] < x[i - 1]))
			*bad = 1;
		t += w ? w[i] : 1;
	}
	return t;
}

static inline void dm_mwalk_init(dm_mwalk *m, const double *x,
				 const uint64_t *wx, size_t nx, const double *y,
				 const uint64_t *wy, size_t ny)
{
	m->x = x;
	m->wx = wx;
	m->nx = nx;
	m->y = y;
	m->wy = wy;
	m->ny = ny;
	m->i = m->j = 0;
}

/* The next distinct value; 0 at the end. */
static inline int dm_mwalk_next(dm_mwalk *m)
{
	if (m->i >= m->nx && m->j >= m->ny)
		return 0;
	if (m->j >= m->ny || (m->i < m->nx && m->x[m->i] <= m->y[m->j]))
		m->v = m->x[m->i];
	else
		m->v = m->y[m->j];
	m->cx = m->cy = 0;
	while (m->i < m->nx && m->x[m->i] == m->v)
		m->cx += m->wx ? m->wx[m->i++] : (m->i++, 1);
	while (m->j < m->ny && m->y[m->j] == m->v)
		m->cy += m->wy ? m->wy[m->j++] : (m->j++, 1);
	return 1;
}

#endif
