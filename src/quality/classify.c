/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Classification metrics from counts: the confusion matrix and the
 * precision / recall / F1 family, log loss, Brier score and the
 * calibration curve.  Each follows scikit-learn 1.2's definition,
 * including its zero-division rule (a 0/0 ratio is 0,
 * sklearn.metrics._classification._prf_divide with zero_division
 * "warn"); see include/driftmon/quality.h and docs/model-quality.md.
 */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "driftmon/quality.h"

static int weight_ok(double w)
{
	return isfinite(w) && w >= 0.0;
}

dm_err dm_confusion_init(dm_confusion *c, size_t k)
{
	c->k = 0;
	c->m = NULL;
	if (k < 2 || k > DM_QUALITY_MAX_CLASSES)
		return DM_EINVAL;
	c->m = calloc(k * k, sizeof(double));
	if (!c->m)
		return DM_ENOMEM;
	c->k = k;
	return DM_OK;
}

void dm_confusion_release(dm_confusion *c)
{
	if (!c)
		return;
	free(c->m);
	c->m = NULL;
	c->k = 0;
}

dm_err dm_confusion_add(dm_confusion *c, size_t truth, size_t pred, double w)
{
	if (truth >= c->k || pred >= c->k || !weight_ok(w))
		return DM_EINVAL;
	c->m[truth * c->k + pred] += w;
	return DM_OK;
}

dm_err dm_confusion_add_n(dm_confusion *c, const size_t *truth,
			  const size_t *pred, const double *w, size_t n)
{
	size_t i;
	dm_err err = DM_OK;

	for (i = 0; i < n && err == DM_OK; i++)
		err = dm_confusion_add(c, truth[i], pred[i], w ? w[i] : 1.0);
	return err;
}

dm_err dm_confusion_merge(dm_confusion *dst, const dm_confusion *src)
{
	size_t i;

	if (dst->k != src->k)
		return DM_EINVAL;
	for (i = 0; i < dst->k * dst->k; i++)
		dst->m[i] += src->m[i];
	return DM_OK;
}

double dm_confusion_total(const dm_confusion *c)
{
	double s = 0.0;
	size_t i;

	for (i = 0; i < c->k * c->k; i++)
		s += c->m[i];
	return s;
}

/* sklearn's _prf_divide: 0 when the denominator is 0. */
static double prf_div(double num, double den)
{
	return den == 0.0 ? 0.0 : num / den;
}

/* F-beta with beta = 1 as sklearn: the denominator 0 is replaced by 1. */
static double f1_of(double p, double r)
{
	double den = p + r;

	if (den == 0.0)
		den = 1.0;
	return 2.0 * p * r / den;
}

static void class_counts(const dm_confusion *c, size_t j, double *tp,
			 double *pred_sum, double *true_sum)
{
	size_t i, k = c->k;

	*tp = c->m[j * k + j];
	*pred_sum = 0.0;
	*true_sum = 0.0;
	for (i = 0; i < k; i++) {
		*pred_sum += c->m[i * k + j];
		*true_sum += c->m[j * k + i];
	}
}

static void average_weighted(dm_class_scores *s, double support_sum)
{
	dm_prf *a = &s->weighted;
	size_t j;

	memset(a, 0, sizeof(*a));
	a->support = support_sum;
	if (support_sum == 0.0) {
		/* sklearn returns (0, 0, 0) with zero_division "warn" whether
		 * or not anything was predicted */
		return;
	}
	for (j = 0; j < s->k; j++) {
		double wj = s->cls[j].support;

		a->precision += wj * s->cls[j].precision;
		a->recall += wj * s->cls[j].recall;
		a->f1 += wj * s->cls[j].f1;
	}
	a->precision /= support_sum;
	a->recall /= support_sum;
	a->f1 /= support_sum;
}

dm_err dm_class_scores_compute(const dm_confusion *c, dm_class_scores *s)
{
	double tp_all = 0.0, pred_all = 0.0, true_all = 0.0, total;
	size_t j, k = c->k;

	memset(s, 0, sizeof(*s));
	s->cls = calloc(k ? k : 1, sizeof(*s->cls));
	if (!s->cls)
		return DM_ENOMEM;
	s->k = k;
	for (j = 0; j < k; j++) {
		double tp, ps, ts;
		dm_prf *p = &s->cls[j];

		class_counts(c, j, &tp, &ps, &ts);
		p->precision = prf_div(tp, ps);
		p->recall = prf_div(tp, ts);
		p->f1 = f1_of(p->precision, p->recall);
		p->support = ts;
		tp_all += tp;
		pred_all += ps;
		true_all += ts;
		s->macro.precision += p->precision;
		s->macro.recall += p->recall;
		s->macro.f1 += p->f1;
	}
	if (k > 0) {
		s->macro.precision /= (double)k;
		s->macro.recall /= (double)k;
		s->macro.f1 /= (double)k;
	}
	s->macro.support = true_all;
	s->micro.precision = prf_div(tp_all, pred_all);
	s->micro.recall = prf_div(tp_all, true_all);
	s->micro.f1 = f1_of(s->micro.precision, s->micro.recall);
	s->micro.support = true_all;
	average_weighted(s, true_all);
	total = dm_confusion_total(c);
	s->accuracy = total > 0.0 ? tp_all / total : NAN;
	return DM_OK;
}

void dm_class_scores_release(dm_class_scores *s)
{
	if (!s)
		return;
	free(s->cls);
	s->cls = NULL;
	s->k = 0;
}

/* ---- log loss, Brier ------------------------------------------------ */

/* numpy's finfo(float64).eps, sklearn's eps="auto" */
#define LOGLOSS_EPS DBL_EPSILON

static double clip_prob(double p)
{
	if (p < LOGLOSS_EPS)
		return LOGLOSS_EPS;
	if (p > 1.0 - LOGLOSS_EPS)
		return 1.0 - LOGLOSS_EPS;
	return p;
}

/* -log of the renormalised clipped probability of class y in row r. */
static double row_loss(const double *r, size_t k, size_t y)
{
	double sum = 0.0, py = 0.0;
	size_t c;

	if (k == 1) {
		double p1 = clip_prob(r[0]), p0 = 1.0 - p1;

		sum = p0 + p1;
		py = y ? p1 : p0;
		return -log(py / sum);
	}
	for (c = 0; c < k; c++) {
		double p = clip_prob(r[c]);

		sum += p;
		if (c == y)
			py = p;
	}
	return -log(py / sum);
}

double dm_log_loss(const double *prob, size_t k, const size_t *y,
		   const double *w, size_t n, dm_err *err)
{
	double sw = 0.0, s = 0.0;
	size_t i, c, kk = k == 1 ? 2 : k;
	dm_err e = DM_OK;

	if (k == 0 || k > DM_QUALITY_MAX_CLASSES) {
		e = DM_EINVAL;
		goto out;
	}
	for (i = 0; i < n; i++) {
		double wi = w ? w[i] : 1.0;
		const double *r = prob + i * k;

		if (y[i] >= kk || !weight_ok(wi)) {
			e = DM_EINVAL;
			goto out;
		}
		for (c = 0; c < k; c++)
			if (isnan(r[c])) {
				e = DM_EINVAL;
				goto out;
			}
		s += wi * row_loss(r, k, y[i]);
		sw += wi;
	}
out:
	if (err)
		*err = e;
	if (e != DM_OK || sw == 0.0)
		return NAN;
	return s / sw;
}

double dm_brier(const double *p, const unsigned char *pos, const double *w,
		size_t n, dm_err *err)
{
	double sw = 0.0, s = 0.0;
	size_t i;
	dm_err e = DM_OK;

	for (i = 0; i < n; i++) {
		double wi = w ? w[i] : 1.0, d = (pos[i] ? 1.0 : 0.0) - p[i];

		if (isnan(p[i]) || !weight_ok(wi)) {
			e = DM_EINVAL;
			break;
		}
		s += wi * d * d;
		sw += wi;
	}
	if (err)
		*err = e;
	if (e != DM_OK || sw == 0.0)
		return NAN;
	return s / sw;
}

/* ---- calibration curve ---------------------------------------------- */

#define CALIB_MAX_BINS 10000

dm_err dm_calib_init(dm_calib *c, size_t nbins)
{
	memset(c, 0, sizeof(*c));
	if (nbins < 1 || nbins > CALIB_MAX_BINS)
		return DM_EINVAL;
	c->sum_prob = calloc(nbins, sizeof(double));
	c->sum_true = calloc(nbins, sizeof(double));
	c->count = calloc(nbins, sizeof(uint64_t));
	if (!c->sum_prob || !c->sum_true || !c->count) {
		dm_calib_release(c);
		return DM_ENOMEM;
	}
	c->nbins = nbins;
	return DM_OK;
}

void dm_calib_release(dm_calib *c)
{
	if (!c)
		return;
	free(c->sum_prob);
	free(c->sum_true);
	free(c->count);
	memset(c, 0, sizeof(*c));
}

/*
 * numpy.linspace(0, 1, nbins + 1) computes edge i as i * (1 / nbins);
 * searchsorted(edges[1:-1], p, side="left") counts the inner edges < p.
 */
size_t dm_calib_bin(size_t nbins, double p)
{
	double step = 1.0 / (double)nbins;
	size_t b = (size_t)(p * (double)nbins);

	if (b > nbins - 1)
		b = nbins - 1;
	/* repair the guess against the exact edges */
	while (b > 0 && (double)b * step >= p)
		b--;
	while (b + 1 < nbins && (double)(b + 1) * step < p)
		b++;
	return b;
}

dm_err dm_calib_add(dm_calib *c, double p, int pos)
{
	size_t b;

	if (!(p >= 0.0 && p <= 1.0))
		return DM_EINVAL;
	b = dm_calib_bin(c->nbins, p);
	c->sum_prob[b] += p;
	c->sum_true[b] += pos ? 1.0 : 0.0;
	c->count[b]++;
	return DM_OK;
}

dm_err dm_calib_merge(dm_calib *dst, const dm_calib *src)
{
	size_t b;

	if (dst->nbins != src->nbins)
		return DM_EINVAL;
	for (b = 0; b < dst->nbins; b++) {
		dst->sum_prob[b] += src->sum_prob[b];
		dst->sum_true[b] += src->sum_true[b];
		dst->count[b] += src->count[b];
	}
	return DM_OK;
}
