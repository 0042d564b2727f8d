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

static void test_one(dm_quality_cmp *c)
{
	double se;

	c->tested = 0;
	c->dropped = 0;
	c->z = c->pvalue = c->pvalue_adjusted = NAN;
	c->degradation = c->higher_is_better ? c->reference - c->window
					     : c->window - c->reference;
	se = sqrt(c->ref_se * c->ref_se + c->window_se * c->window_se);
	if (isnan(c->degradation) || isnan(se) || se == 0.0)
		return;
	c->z = (c->degradation - c->min_effect) / se;
	c->pvalue = 0.5 * erfc(c->z / sqrt(2.0));
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
		m[i].dropped = m[i].pvalue_adjusted < alpha &&
			       m[i].degradation > m[i].min_effect;
	}
	free(p);
	return err;
}
