/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Isotonic regression as sklearn.isotonic.IsotonicRegression (1.2) fits
 * and predicts with out_of_bounds="clip".
 *
 * Fit: drop rows of weight 0; sort by (x, y); merge runs of x closer
 * than numpy's float64 resolution (1e-15) into one point with the
 * weighted mean of y and the summed weight (sklearn's _make_unique);
 * solve the weighted least-squares monotone fit by pool-adjacent-
 * violators (Ayer, Brunk, Ewing, Reid and Silverman 1955; the linear-time
 * single pass with backtracking of Best and Chakravarti 1990, as in
 * sklearn's _inplace_contiguous_isotonic_regression, which pools ties
 * too); clip to [y_min, y_max]; keep the ends and every point where the
 * fitted value changes.  A non-increasing fit runs the same on the
 * reversed sequence.
 *
 * Predict: clip x to [x_min, x_max] and interpolate linearly between the
 * kept points as scipy.interpolate.interp1d: for the first index hi with
 * x <= x[hi] (at least 1), y[lo] + slope (x - x[lo]) with lo = hi - 1.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "driftmon/quality.h"

/* numpy.finfo(numpy.float64).resolution */
#define ISO_X_RESOLUTION 1e-15

struct xyw {
	double x, y, w;
};

static int cmp_xy(const void *a, const void *b)
{
	const struct xyw *p = a, *q = b;

	if (p->x != q->x)
		return p->x < q->x ? -1 : 1;
	return (p->y > q->y) - (p->y < q->y);
}

/* Pools adjacent violators in place; y and w have n entries; tgt is
 * scratch of n.  After it, y is the non-decreasing fit. */
static void pava(double *y, double *w, size_t *tgt, size_t n)
{
	size_t i = 0, k;

	for (i = 0; i < n; i++)
		tgt[i] = i;
	i = 0;
	while (i < n) {
		double sum_wy, sum_w, prev_y;

		k = tgt[i] + 1;
		if (k == n)
			break;
		if (y[i] < y[k]) {
			i = k;
			continue;
		}
		sum_wy = w[i] * y[i];
		sum_w = w[i];
		for (;;) {
			prev_y = y[k];
			sum_wy += w[k] * y[k];
			sum_w += w[k];
			k = tgt[k] + 1;
			if (k == n || prev_y < y[k]) {
				y[i] = sum_wy / sum_w;
				w[i] = sum_w;
				tgt[i] = k - 1;
				tgt[k - 1] = i;
				if (i > 0)
					i = tgt[i - 1];
				break;
			}
		}
	}
	for (i = 0; i < n; i = k) {
		size_t j;

		k = tgt[i] + 1;
		for (j = i + 1; j < k; j++)
			y[j] = y[i];
	}
}

static void reverse(double *v, size_t n)
{
	size_t i;

	for (i = 0; i < n / 2; i++) {
		double t = v[i];

		v[i] = v[n - 1 - i];
		v[n - 1 - i] = t;
	}
}

/* sklearn's _make_unique over rows sorted by (x, y); returns the count. */
static size_t make_unique(const struct xyw *r, size_t n, double *ux, double *uy,
			  double *uw)
{
	double cx = r[0].x, cy = 0.0, cw = 0.0;
	size_t i, m = 0;

	for (i = 0; i < n; i++) {
		if (r[i].x - cx >= ISO_X_RESOLUTION) {
			ux[m] = cx;
			uw[m] = cw;
			uy[m] = cy / cw;
			m++;
			cx = r[i].x;
			cw = r[i].w;
			cy = r[i].y * r[i].w;
		} else {
			cw += r[i].w;
			cy += r[i].y * r[i].w;
		}
	}
	ux[m] = cx;
	uw[m] = cw;
	uy[m] = cy / cw;
	return m + 1;
}

/* Keeps the ends and each point whose y differs from a neighbour's. */
static size_t trim(double *x, double *y, size_t n)
{
	size_t i, m = 0;

	for (i = 0; i < n; i++) {
		int keep = i == 0 || i == n - 1 || y[i] != y[i - 1] ||
			   y[i] != y[i + 1];

		if (keep) {
			x[m] = x[i];
			y[m] = y[i];
			m++;
		}
	}
	return m;
}

dm_err dm_isotonic_fit(dm_isotonic *m, const double *x, const double *y,
		       const double *w, size_t n, int increasing, double y_min,
		       double y_max)
{
	struct xyw *r = NULL;
	double *ux = NULL, *uy = NULL, *uw = NULL;
	size_t *tgt = NULL, i, nr = 0, nu;
	dm_err err = DM_OK;

	memset(m, 0, sizeof(*m));
	if (n > SIZE_MAX / sizeof(*r))
		return DM_ENOMEM;
	r = malloc((n ? n : 1) * sizeof(*r));
	if (!r)
		return DM_ENOMEM;
	for (i = 0; i < n; i++) {
		double wi = w ? w[i] : 1.0;

		if (!isfinite(x[i]) || !isfinite(y[i]) || !isfinite(wi) ||
		    wi < 0.0) {
			err = DM_EINVAL;
			goto out;
		}
		if (wi > 0.0) {
			r[nr].x = x[i];
			r[nr].y = y[i];
			r[nr].w = wi;
			nr++;
		}
	}
	if (nr == 0) {
		err = DM_EEMPTY;
		goto out;
	}
	qsort(r, nr, sizeof(*r), cmp_xy);
	ux = malloc(nr * sizeof(double));
	uy = malloc(nr * sizeof(double));
	uw = malloc(nr * sizeof(double));
	tgt = malloc(nr * sizeof(size_t));
	if (!ux || !uy || !uw || !tgt) {
		err = DM_ENOMEM;
		goto out;
	}
	nu = make_unique(r, nr, ux, uy, uw);
	if (!increasing) {
		reverse(uy, nu);
		reverse(uw, nu);
	}
	pava(uy, uw, tgt, nu);
	if (!increasing)
		reverse(uy, nu);
	for (i = 0; i < nu; i++) {
		if (!isnan(y_min) && uy[i] < y_min)
			uy[i] = y_min;
		if (!isnan(y_max) && uy[i] > y_max)
			uy[i] = y_max;
	}
	m->x_min = ux[0];
	m->x_max = ux[nu - 1];
	m->n = trim(ux, uy, nu);
	m->x = ux;
	m->y = uy;
	ux = uy = NULL;
out:
	free(r);
	free(ux);
	free(uy);
	free(uw);
	free(tgt);
	return err;
}

double dm_isotonic_predict(const dm_isotonic *m, double x)
{
	size_t lo, hi, a, b;

	if (isnan(x) || m->n == 0)
		return NAN;
	if (m->n == 1)
		return m->y[0];
	if (x < m->x_min)
		x = m->x_min;
	if (x > m->x_max)
		x = m->x_max;
	/* searchsorted(side="left"): first index with x <= m->x[i] */
	a = 0;
	b = m->n;
	while (a < b) {
		size_t mid = a + (b - a) / 2;

		if (m->x[mid] < x)
			a = mid + 1;
		else
			b = mid;
	}
	hi = a < 1 ? 1 : (a > m->n - 1 ? m->n - 1 : a);
	lo = hi - 1;
	return (m->y[hi] - m->y[lo]) / (m->x[hi] - m->x[lo]) * (x - m->x[lo]) +
	       m->y[lo];
}

void dm_isotonic_release(dm_isotonic *m)
{
	if (!m)
		return;
	free(m->x);
	free(m->y);
	memset(m, 0, sizeof(*m));
}
