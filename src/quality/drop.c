/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The drop rule: is a window's measured performance worse than the
 * reference performance by more than a minimum effect, beyond sampling
 * noise?  Each metric gets a one-sided normal-approximation test of
 * H0: degradation <= min_effect, using the standard errors of the
 * reference value and of the window's value (independent samples), and
 * the p-values of one window's metrics are Holm-adjusted together
 * (dm_holm, the family-wise control the drift decision uses), so
 * checking five metrics does not multiply the false alarms by five.
 * docs/model-quality.md states the rule and its measured false-alarm
 * rate.
 *
 * Standard errors: a proportion sqrt(v (1 - v) / n); the AUC by Hanley
 * and McNeil (1982), "The meaning and use of the area under a receiver
 * operating characteristic (ROC) curve", Radiology 143(1), eq. 2; F1 by
 * NannyML's per-row decomposition; the MAE as the standard error of a
 * mean.
 *
 * A regression's MAE and RMSE are means of |e| and e^2: Welch's t-test
 * of the window's rows against the reference's (scaled by 1 + the
 * relative minimum effect), from the moments stored with the reference;
 * Student's t from the regularized incomplete beta function (its
 * continued fraction, evaluated by the modified Lentz method).
 */
#include <math.h>
#include <stdlib.h>

#include "driftmon/quality.h"
#include "driftmon/stats.h"

double dm_se_proportion(double v, double n)
{
	if (!(n > 0.0) || !(v >= 0.0 && v <= 1.0))
		return NAN;
	return sqrt(v * (1.0 - v) / n);
}

double dm_se_auc(double a, double npos, double nneg)
{
	double q1, q2, var;

	if (!(npos > 0.0 && nneg > 0.0) || !(a >= 0.0 && a <= 1.0))
		return NAN;
	q1 = a / (2.0 - a);
	q2 = 2.0 * a * a / (1.0 + a);
	var = (a * (1.0 - a) + (npos - 1.0) * (q1 - a * a) +
	       (nneg - 1.0) * (q2 - a * a)) /
	      (npos * nneg);
	return var > 0.0 ? sqrt(var) : 0.0;
}

double dm_se_f1(double tp, double fp, double fn)
{
	double rel = tp + fp + fn, k, mean, var;

	if (!(rel > 0.0) || !(tp + 0.5 * (fp + fn) > 0.0))
		return NAN;
	k = rel / (tp + 0.5 * (fp + fn));
	mean = k * tp / rel;
	var = k * k * tp / rel - mean * mean;
	return (var > 0.0 ? sqrt(var) : 0.0) / sqrt(rel);
}

double dm_se_mae(const dm_regress *r)
{
	double mae, var;

	if (r->n < 2 || !(r->sw > 0.0))
		return NAN;
	mae = r->sw_abs / r->sw;
	var = r->sw_sq / r->sw - mae * mae;
	return (var > 0.0 ? sqrt(var) : 0.0) / sqrt((double)r->n);
}

double dm_se_f1_macro(const dm_confusion *cm)
{
	size_t k = cm ? cm->k : 0, i, j;
	double sum = 0.0;

	if (k == 0)
		return NAN;
	for (i = 0; i < k; i++) {
		double tp = cm->m[i * k + i], row = 0.0, col = 0.0, se;

		for (j = 0; j < k; j++) {
			row += cm->m[i * k + j];
			col += cm->m[j * k + i];
		}
		se = dm_se_f1(tp, col - tp, row - tp);
		if (!isnan(se))
			sum += se * se;
	}
	return sqrt(sum) / (double)k;
}

/* Continued fraction of I_x(a, b) (x < (a + 1) / (a + b + 2)), modified
 * Lentz: terms d_{2m+1} = -(a+m)(a+b+m)x / ((a+2m)(a+2m+1)),
 * d_{2m} = m(b-m)x / ((a+2m-1)(a+2m)). */
static double beta_cf(double a, double b, double x)
{
	const double tiny = 1e-300;
	double c = 1.0, d = 1.0 - (a + b) * x / (a + 1.0), f;
	int m;

	if (fabs(d) < tiny)
		d = tiny;
	d = 1.0 / d;
	f = d;
	for (m = 1; m <= 10000; m++) {
		double aa = m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m));
		double del;

		d = 1.0 + aa * d;
		d = fabs(d) < tiny ? 1.0 / tiny : 1.0 / d;
		c = 1.0 + aa / c;
		if (fabs(c) < tiny)
			c = tiny;
		f *= d * c;
		aa = -(a + m) * (a + b + m) * x /
		     ((a + 2 * m) * (a + 2 * m + 1));
		d = 1.0 + aa * d;
		d = fabs(d) < tiny ? 1.0 / tiny : 1.0 / d;
		c = 1.0 + aa / c;
		if (fabs(c) < tiny)
			c = tiny;
		del = d * c;
		f *= del;
		if (fabs(del - 1.0) < 1e-16)
			break;
	}
	return f;
}

/* I_x(a, b), given x and y = 1 - x computed separately. */
static double beta_reg(double a, double b, double x, double y)
{
	double lfront;

	if (x <= 0.0)
		return 0.0;
	if (y <= 0.0)
		return 1.0;
	lfront = a * log(x) + b * log(y) -
		 (lgamma(a) + lgamma(b) - lgamma(a + b));
	if (x < (a + 1.0) / (a + b + 2.0))
		return exp(lfront) * beta_cf(a, b, x) / a;
	return 1.0 - exp(lfront) * beta_cf(b, a, y) / b;
}

double dm_t_sf(double t, double df)
{
	double tail;

	if (isnan(t) || !(df > 0.0))
		return NAN;
	if (isinf(df))
		return 0.5 * erfc(t / sqrt(2.0));
	if (isinf(t))
		return t > 0 ? 0.0 : 1.0;
	/* P(|T| >= |t|) = I_{df/(df+t^2)}(df/2, 1/2) */
	tail = 0.5 *
	       beta_reg(df / 2.0, 0.5, df / (df + t * t), t * t / (df + t * t));
	return t >= 0.0 ? tail : 1.0 - tail;
}

static void test_one(dm_quality_cmp *c)
{
	double se, k = 1.0, margin = c->min_effect, a, b;

	c->tested = 0;
	c->dropped = 0;
	c->z = c->pvalue = c->pvalue_adjusted = c->df = NAN;
	c->degradation = c->higher_is_better ? c->reference - c->window
					     : c->window - c->reference;
	if (c->relative) {
		k = c->higher_is_better ? 1.0 - c->min_effect
					: 1.0 + c->min_effect;
		margin = c->min_effect * fabs(c->reference);
	}
	a = c->window_se * c->window_se;
	b = k * k * c->ref_se * c->ref_se;
	se = sqrt(a + b);
	if (isnan(c->degradation) || isnan(se) || se == 0.0)
		return;
	c->z = (c->degradation - margin) / se;
	if (c->ref_n > 1.0 && c->window_n > 1.0) {
		c->df = (a + b) * (a + b) /
			(a * a / (c->window_n - 1.0) +
			 b * b / (c->ref_n - 1.0));
		c->pvalue = dm_t_sf(c->z, c->df);
	} else {
		c->pvalue = 0.5 * erfc(c->z / sqrt(2.0));
	}
	c->tested = 1;
}

dm_err dm_quality_drops(dm_quality_cmp *m, size_t n, double alpha)
{
	double *p;
	size_t i, k = 0;
	dm_err err;

	if (!(alpha > 0.0 && alpha < 1.0))
		return DM_EINVAL;
	for (i = 0; i < n; i++)
		if (!(m[i].min_effect >= 0.0))
			return DM_EINVAL;
	p = calloc(n ? n : 1, sizeof(double));
	if (!p)
		return DM_ENOMEM;
	for (i = 0; i < n; i++) {
		test_one(&m[i]);
		if (m[i].tested)
			p[k++] = m[i].pvalue;
	}
	err = dm_holm(p, k, p);
	for (i = 0, k = 0; err == DM_OK && i < n; i++) {
		if (!m[i].tested)
			continue;
		m[i].pvalue_adjusted = p[k++];
		m[i].dropped =
			m[i].pvalue_adjusted < alpha &&
			m[i].degradation >
				(m[i].relative ? m[i].min_effect *
							 fabs(m[i].reference)
					       : m[i].min_effect);
	}
	free(p);
	return err;
}
