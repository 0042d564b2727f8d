/* SPDX-License-Identifier: Apache-2.0 */
/*
 * CBPE: confidence-based performance estimation for a binary classifier
 * (NannyML, "Confidence-based Performance Estimation", how_it_works/
 * performance_estimation; the estimators of its
 * performance_estimation/confidence_based/metrics.py and the sampling
 * errors of sampling_error/binary_classification.py).
 *
 * If the calibrated score p = P(y = 1 | score) holds in a window, each
 * row predicted positive is a true positive with probability p and a
 * false positive with 1 - p; each row predicted negative a false negative
 * with p and a true negative with 1 - p.  Summing gives the expected
 * confusion matrix, from which accuracy (TP + TN) / n, precision
 * TP / (TP + FP), recall TP / (TP + FN) and F1 TP / (TP + (FP + FN) / 2)
 * follow.  The expected ROC curve walks the rows by descending raw score,
 * adding p to the true and 1 - p to the false positives; its area is
 * exactly dm_roc_auc over the rows doubled into (score, positive, weight
 * p) and (score, negative, weight 1 - p), so tied raw scores form one
 * step.  NannyML instead orders ties arbitrarily and rounds the
 * cumulative sums to 5 decimals; without ties both agree.
 *
 * The estimate is only as good as the calibration: it holds under
 * covariate shift (P(y | score) unchanged) and fails under concept shift,
 * which no method without labels can see (docs/model-quality.md measures
 * both).
 *
 * Sampling error (NannyML's): the standard deviation s over the reference
 * set of each row's contribution to the metric, among the fraction f of
 * rows the metric is over; a window of n rows has standard error
 * s / sqrt(n f).  Accuracy: correctness over all rows.  Precision:
 * correctness over the rows predicted positive.  Recall: correctness
 * over the positive rows.  F1: TP rows 1, FP and FN rows 0, scaled by
 * (TP + FP + FN) / (TP + (FP + FN) / 2), over the TP, FP and FN rows.
 * ROC AUC: for each positive, the fraction of negatives scored below it
 * (ties one half), over the positives (the Mann-Whitney form of the AUC,
 * whose mean is the AUC; with the minority class as "positive" as
 * NannyML does).  The band is the estimate +/- 3 standard errors, clipped
 * to [0, 1].
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "driftmon/quality.h"

#define CBPE_BAND_SE 3.0

static const char *const metric_names[DM_CBPE_NMETRICS] = {
	"accuracy", "precision", "recall", "f1", "roc_auc",
};

const char *dm_cbpe_metric_name(int metric)
{
	if (metric < 0 || metric >= DM_CBPE_NMETRICS)
		return "?";
	return metric_names[metric];
}

/* Population standard deviation of n values given their sum and sum of
 * squares (numpy.std, ddof 0). */
static double pop_std(double n, double s, double ss)
{
	double mean, var;

	if (n <= 0.0)
		return NAN;
	mean = s / n;
	var = ss / n - mean * mean;
	return var > 0.0 ? sqrt(var) : 0.0;
}

struct cnt {
	double tp, fp, fn, tn;
};

static void count_reference(const double *score, const unsigned char *pos,
			    size_t n, double thr, struct cnt *c)
{
	size_t i;

	memset(c, 0, sizeof(*c));
	for (i = 0; i < n; i++) {
		int yh = score[i] >= thr;

		if (yh && pos[i])
			c->tp++;
		else if (yh)
			c->fp++;
		else if (pos[i])
			c->fn++;
		else
			c->tn++;
	}
}

/* Metrics of a (realized or expected) confusion matrix. */
static void cm_metrics(const struct cnt *c, double *v)
{
	double n = c->tp + c->fp + c->fn + c->tn;
	double f1d = c->tp + 0.5 * (c->fp + c->fn);

	v[DM_CBPE_ACCURACY] = n > 0 ? (c->tp + c->tn) / n : NAN;
	v[DM_CBPE_PRECISION] =
		c->tp + c->fp > 0 ? c->tp / (c->tp + c->fp) : NAN;
	v[DM_CBPE_RECALL] = c->tp + c->fn > 0 ? c->tp / (c->tp + c->fn) : NAN;
	v[DM_CBPE_F1] = f1d > 0 ? c->tp / f1d : NAN;
}

/* Sampling-error components of the confusion-matrix metrics. */
static void cm_components(dm_cbpe *m, const struct cnt *c)
{
	double n = c->tp + c->fp + c->fn + c->tn, rel, k;

	m->se_std[DM_CBPE_ACCURACY] = pop_std(n, c->tp + c->tn, c->tp + c->tn);
	m->se_frac[DM_CBPE_ACCURACY] = 1.0;
	m->se_std[DM_CBPE_PRECISION] = pop_std(c->tp + c->fp, c->tp, c->tp);
	m->se_frac[DM_CBPE_PRECISION] = (c->tp + c->fp) / n;
	m->se_std[DM_CBPE_RECALL] = pop_std(c->tp + c->fn, c->tp, c->tp);
	m->se_frac[DM_CBPE_RECALL] = (c->tp + c->fn) / n;
	rel = c->tp + c->fp + c->fn;
	k = rel > 0 ? rel / (c->tp + 0.5 * (c->fp + c->fn)) : NAN;
	m->se_std[DM_CBPE_F1] = pop_std(rel, k * c->tp, k * k * c->tp);
	m->se_frac[DM_CBPE_F1] = rel / n;
}

struct ranked {
	double s;
	int pos;
};

static int cmp_ranked(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;

	return (x->s > y->s) - (x->s < y->s);
}

/* The Mann-Whitney components of the AUC over the minority class. */
static dm_err auc_components(dm_cbpe *m, const double *score,
			     const unsigned char *pos, size_t n)
{
	struct ranked *r = malloc(n * sizeof(*r));
	double npos = 0, nneg, below = 0, s = 0, ss = 0;
	size_t i, j;
	int flip;

	if (!r)
		return DM_ENOMEM;
	for (i = 0; i < n; i++)
		npos += pos[i] != 0;
	flip = npos > (double)n / 2.0;
	for (i = 0; i < n; i++) {
		r[i].s = flip ? -score[i] : score[i];
		r[i].pos = (pos[i] != 0) != flip;
	}
	if (flip)
		npos = (double)n - npos;
	nneg = (double)n - npos;
	qsort(r, n, sizeof(*r), cmp_ranked);
	for (i = 0; i < n; i = j) {
		double gp = 0, gn = 0, u;

		for (j = i; j < n && r[j].s == r[i].s; j++) {
			if (r[j].pos)
				gp++;
			else
				gn++;
		}
		u = (below + 0.5 * gn) / nneg;
		s += gp * u;
		ss += gp * u * u;
		below += gn;
	}
	free(r);
	m->se_std[DM_CBPE_ROC_AUC] = pop_std(npos, s, ss);
	m->se_frac[DM_CBPE_ROC_AUC] = npos / (double)n;
	return DM_OK;
}

dm_err dm_cbpe_fit(dm_cbpe *m, const double *score, const unsigned char *pos,
		   size_t n, double threshold)
{
	double *y = NULL;
	struct cnt c;
	size_t i, npos = 0;
	dm_err err;

	memset(m, 0, sizeof(*m));
	m->threshold = threshold;
	if (n == 0)
		return DM_EEMPTY;
	for (i = 0; i < n; i++) {
		if (isnan(score[i]))
			return DM_EINVAL;
		npos += pos[i] != 0;
	}
	if (npos == 0 || npos == n)
		return DM_EEMPTY;
	y = malloc(n * sizeof(double));
	if (!y)
		return DM_ENOMEM;
	for (i = 0; i < n; i++)
		y[i] = pos[i] ? 1.0 : 0.0;
	err = dm_isotonic_fit(&m->cal, score, y, NULL, n, 1, 0.0, 1.0);
	free(y);
	if (err != DM_OK)
		return err;
	count_reference(score, pos, n, threshold, &c);
	cm_metrics(&c, m->ref_value);
	cm_components(m, &c);
	m->ref_value[DM_CBPE_ROC_AUC] = dm_roc_auc(score, pos, NULL, n, &err);
	if (err == DM_OK)
		err = auc_components(m, score, pos, n);
	m->ref_pos_frac = (double)npos / (double)n;
	m->ref_n = n;
	if (err != DM_OK)
		dm_cbpe_release(m);
	return err;
}

/* Expected AUC: each row split into a positive of weight p and a
 * negative of weight 1 - p at its raw score. */
static double expected_auc(const double *score, const double *p, size_t n,
			   dm_err *err)
{
	double *s2 = malloc(2 * n * sizeof(double));
	double *w2 = malloc(2 * n * sizeof(double));
	unsigned char *pos2 = malloc(2 * n);
	double auc = NAN;
	size_t i;

	*err = DM_ENOMEM;
	if (s2 && w2 && pos2) {
		for (i = 0; i < n; i++) {
			s2[2 * i] = s2[2 * i + 1] = score[i];
			pos2[2 * i] = 1;
			pos2[2 * i + 1] = 0;
			w2[2 * i] = p[i];
			w2[2 * i + 1] = 1.0 - p[i];
		}
		auc = dm_roc_auc(s2, pos2, w2, 2 * n, err);
	}
	free(s2);
	free(w2);
	free(pos2);
	return auc;
}

dm_err dm_cbpe_estimate_window(const dm_cbpe *m, const double *score, size_t n,
			       dm_cbpe_estimate *out)
{
	struct cnt c = {0, 0, 0, 0};
	double *p;
	size_t i;
	int k;
	dm_err err;

	memset(out, 0, sizeof(*out));
	if (n == 0)
		return DM_EEMPTY;
	p = malloc(n * sizeof(double));
	if (!p)
		return DM_ENOMEM;
	for (i = 0; i < n; i++) {
		if (isnan(score[i])) {
			free(p);
			return DM_EINVAL;
		}
		p[i] = dm_isotonic_predict(&m->cal, score[i]);
		if (score[i] >= m->threshold) {
			c.tp += p[i];
			c.fp += 1.0 - p[i];
		} else {
			c.fn += p[i];
			c.tn += 1.0 - p[i];
		}
	}
	out->n = n;
	out->tp = c.tp;
	out->fp = c.fp;
	out->fn = c.fn;
	out->tn = c.tn;
	cm_metrics(&c, out->value);
	out->value[DM_CBPE_ROC_AUC] = expected_auc(score, p, n, &err);
	free(p);
	if (err != DM_OK)
		return err;
	for (k = 0; k < DM_CBPE_NMETRICS; k++) {
		double se = m->se_std[k] / sqrt((double)n * m->se_frac[k]);

		out->se[k] = se;
		out->lower[k] = fmax(0.0, out->value[k] - CBPE_BAND_SE * se);
		out->upper[k] = fmin(1.0, out->value[k] + CBPE_BAND_SE * se);
	}
	return DM_OK;
}

void dm_cbpe_release(dm_cbpe *m)
{
	if (!m)
		return;
	dm_isotonic_release(&m->cal);
}
