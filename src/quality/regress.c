/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Regression metrics from mergeable sums: MAE, RMSE, MAPE and R^2 as
 * scikit-learn 1.2 defines them (mean_absolute_error, mean_squared_error,
 * mean_absolute_percentage_error, r2_score with force_finite), and the
 * quantiles of the errors as numpy.quantile (method "linear").
 *
 * R^2's denominator, sum w (y - ybar_w)^2, is kept by the weighted
 * Welford update (West 1979, "Updating mean and variance estimates: an
 * improved method", CACM 22(9), eq. for weighted data) and merged with
 * Chan, Golub and LeVeque's pairwise formula (1979), so a window's R^2
 * is the merge of its hours' sums without a second pass over the rows.
 */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "driftmon/quality.h"

void dm_regress_init(dm_regress *r)
{
	memset(r, 0, sizeof(*r));
}

dm_err dm_regress_add(dm_regress *r, double label, double pred, double w)
{
	double e, ae, sw, delta;

	if (!isfinite(label) || !isfinite(pred) || !isfinite(w) || w < 0.0)
		return DM_EINVAL;
	e = pred - label;
	ae = fabs(e);
	r->n++;
	if (w == 0.0)
		return DM_OK;
	r->sw_abs += w * ae;
	r->sw_sq += w * e * e;
	/* sklearn: |e| / max(|y|, finfo(float64).eps) */
	r->sw_ape += w * ae / fmax(fabs(label), DBL_EPSILON);
	sw = r->sw + w;
	delta = label - r->mean_y;
	r->mean_y += delta * w / sw;
	r->m2_y += w * delta * (label - r->mean_y);
	r->sw = sw;
	return DM_OK;
}

void dm_regress_merge(dm_regress *dst, const dm_regress *src)
{
	double sw = dst->sw + src->sw, delta;

	dst->n += src->n;
	if (src->sw == 0.0)
		return;
	delta = src->mean_y - dst->mean_y;
	dst->m2_y += src->m2_y + delta * delta * dst->sw * src->sw / sw;
	dst->mean_y += delta * src->sw / sw;
	dst->sw_abs += src->sw_abs;
	dst->sw_sq += src->sw_sq;
	dst->sw_ape += src->sw_ape;
	dst->sw = sw;
}

void dm_regress_metrics_compute(const dm_regress *r, dm_regress_metrics *m)
{
	m->n = r->n;
	if (r->sw == 0.0) {
		m->mae = m->rmse = m->mape = m->r2 = NAN;
		return;
	}
	m->mae = r->sw_abs / r->sw;
	m->rmse = sqrt(r->sw_sq / r->sw);
	m->mape = r->sw_ape / r->sw;
	if (r->n < 2)
		m->r2 = NAN; /* sklearn: not well-defined */
	else if (r->m2_y != 0.0)
		m->r2 = 1.0 - r->sw_sq / r->m2_y;
	else
		m->r2 = r->sw_sq == 0.0 ? 1.0 : 0.0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* numpy's _lerp: a + (b - a) t, computed from b when t >= 1/2. */
static double lerp(double a, double b, double t)
{
	double d = b - a;

	return t >= 0.5 ? b - d * (1.0 - t) : a + d * t;
}

dm_err dm_error_quantiles(const double *label, const double *pred, size_t n,
			  const double *q, size_t nq, double *out)
{
	double *e;
	size_t i;

	if (n == 0)
		return DM_EEMPTY;
	for (i = 0; i < nq; i++)
		if (!(q[i] >= 0.0 && q[i] <= 1.0))
			return DM_EINVAL;
	if (n > SIZE_MAX / sizeof(double))
		return DM_ENOMEM;
	e = malloc(n * sizeof(double));
	if (!e)
		return DM_ENOMEM;
	for (i = 0; i < n; i++) {
		e[i] = pred[i] - label[i];
		if (isnan(e[i])) {
			free(e);
			return DM_EINVAL;
		}
	}
	qsort(e, n, sizeof(double), cmp_double);
	for (i = 0; i < nq; i++) {
		double h = (double)(n - 1) * q[i], lo = floor(h);
		size_t a = (size_t)lo, b = a + 1 < n ? a + 1 : n - 1;

		out[i] = lerp(e[a], e[b], h - lo);
	}
	free(e);
	return DM_OK;
}

void dm_error_moments_compute(const double *label, const double *pred, size_t n,
			      dm_error_moments *out)
{
	double sa = 0.0, ss = 0.0, va = 0.0, vs = 0.0;
	size_t i;

	out->n = (double)n;
	out->abs_mean = out->sq_mean = out->abs_var = out->sq_var = NAN;
	if (n == 0)
		return;
	for (i = 0; i < n; i++) {
		double e = pred[i] - label[i];

		sa += fabs(e);
		ss += e * e;
	}
	out->abs_mean = sa / (double)n;
	out->sq_mean = ss / (double)n;
	if (n < 2)
		return;
	for (i = 0; i < n; i++) {
		double e = pred[i] - label[i];
		double da = fabs(e) - out->abs_mean, ds = e * e - out->sq_mean;

		va += da * da;
		vs += ds * ds;
	}
	out->abs_var = va / (double)(n - 1);
	out->sq_var = vs / (double)(n - 1);
}
