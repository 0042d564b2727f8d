/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Ranking metrics: ROC AUC and average precision, exact on held values,
 * and a mergeable score histogram with a stated error.
 *
 * Both exact metrics walk the rows by descending score and emit one
 * point per distinct score (sklearn.metrics._ranking._binary_clf_curve):
 * the cumulative positive weight tps and negative weight fps at that
 * threshold.  ROC AUC is the trapezoidal area under (fps/FPS, tps/TPS)
 * from (0, 0) (sklearn.metrics.auc), so a group of tied scores is one
 * diagonal step and a tied positive/negative pair counts one half (the
 * Mann-Whitney convention).  Average precision is
 * sum_i (R_i - R_{i-1}) P_i over the thresholds (no interpolation;
 * sklearn.metrics.average_precision_score), with P_i = tps/(tps + fps),
 * 0 when that is 0/0.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "driftmon/quality.h"

struct srow {
	double s;
	double w;
	unsigned char pos;
};

static int cmp_desc(const void *a, const void *b)
{
	const struct srow *x = a, *y = b;

	return (x->s < y->s) - (x->s > y->s);
}

/* The rows sorted by descending score; NULL with *err set on failure. */
static struct srow *sorted_rows(const double *score, const unsigned char *pos,
				const double *w, size_t n, dm_err *err)
{
	struct srow *r;
	size_t i;

	*err = DM_OK;
	if (n > SIZE_MAX / sizeof(*r)) {
		*err = DM_ENOMEM;
		return NULL;
	}
	r = malloc((n ? n : 1) * sizeof(*r));
	if (!r) {
		*err = DM_ENOMEM;
		return NULL;
	}
	for (i = 0; i < n; i++) {
		r[i].s = score[i];
		r[i].w = w ? w[i] : 1.0;
		r[i].pos = pos[i] != 0;
		if (isnan(r[i].s) || !isfinite(r[i].w) || r[i].w < 0.0) {
			free(r);
			*err = DM_EINVAL;
			return NULL;
		}
	}
	qsort(r, n, sizeof(*r), cmp_desc);
	return r;
}

/* Visits the threshold points (tps, fps) in order; returns totals. */
typedef void (*point_fn)(void *ctx, double tps, double fps);

static void walk(const struct srow *r, size_t n, point_fn fn, void *ctx)
{
	double tps = 0.0, fps = 0.0;
	size_t i;

	for (i = 0; i < n; i++) {
		if (r[i].pos)
			tps += r[i].w;
		else
			fps += r[i].w;
		if (i + 1 == n || r[i + 1].s != r[i].s)
			fn(ctx, tps, fps);
	}
}

struct totals {
	double tps, fps;
};

static void take_last(void *ctx, double tps, double fps)
{
	struct totals *t = ctx;

	t->tps = tps;
	t->fps = fps;
}

struct auc_ctx {
	double tot_p, tot_n;
	double prev_tpr, prev_fpr;
	double area;
};

static void auc_point(void *ctx, double tps, double fps)
{
	struct auc_ctx *a = ctx;
	double tpr = tps / a->tot_p, fpr = fps / a->tot_n;

	a->area += (fpr - a->prev_fpr) * (tpr + a->prev_tpr) / 2.0;
	a->prev_tpr = tpr;
	a->prev_fpr = fpr;
}

struct ap_ctx {
	double tot_p;
	double prev_r;
	double ap;
};

static void ap_point(void *ctx, double tps, double fps)
{
	struct ap_ctx *a = ctx;
	double ps = tps + fps, p = ps != 0.0 ? tps / ps : 0.0;
	/* sklearn: recall is all ones when there are no positives */
	double r = a->tot_p != 0.0 ? tps / a->tot_p : 1.0;

	a->ap += (r - a->prev_r) * p;
	a->prev_r = r;
}

double dm_roc_auc(const double *score, const unsigned char *pos,
		  const double *w, size_t n, dm_err *err)
{
	struct totals t = {0, 0};
	struct auc_ctx a = {0, 0, 0, 0, 0};
	struct srow *r;
	dm_err e;

	r = sorted_rows(score, pos, w, n, &e);
	if (err)
		*err = e;
	if (!r)
		return NAN;
	walk(r, n, take_last, &t);
	if (!(t.tps > 0.0 && t.fps > 0.0)) {
		free(r);
		return NAN;
	}
	a.tot_p = t.tps;
	a.tot_n = t.fps;
	walk(r, n, auc_point, &a);
	free(r);
	return a.area;
}

double dm_average_precision(const double *score, const unsigned char *pos,
			    const double *w, size_t n, dm_err *err)
{
	struct totals t = {0, 0};
	struct ap_ctx a = {0, 0, 0};
	struct srow *r;
	dm_err e;

	r = sorted_rows(score, pos, w, n, &e);
	if (err)
		*err = e;
	if (!r)
		return NAN;
	if (n == 0) {
		free(r);
		return NAN;
	}
	walk(r, n, take_last, &t);
	a.tot_p = t.tps;
	/* sklearn's curve starts at recall 1 for no positives, which the
	 * first point repeats: the sum is then the first precision, 0 */
	a.prev_r = t.tps != 0.0 ? 0.0 : 1.0;
	walk(r, n, ap_point, &a);
	free(r);
	if (t.tps == 0.0)
		return 0.0;
	return a.ap;
}

typedef double (*binary_metric)(const double *, const unsigned char *,
				const double *, size_t, dm_err *);

static dm_err ovr(binary_metric fn, const double *prob, const size_t *y,
		  const double *w, size_t n, size_t k, double *macro,
		  double *weighted)
{
	double *col = NULL, sum = 0.0, wsum = 0.0, wtot = 0.0;
	unsigned char *pos = NULL;
	size_t i, c;
	dm_err err = DM_OK;

	if (macro)
		*macro = NAN;
	if (weighted)
		*weighted = NAN;
	if (k < 2 || k > DM_QUALITY_MAX_CLASSES)
		return DM_EINVAL;
	col = malloc((n ? n : 1) * sizeof(double));
	pos = malloc(n ? n : 1);
	if (!col || !pos) {
		err = DM_ENOMEM;
		goto out;
	}
	for (i = 0; i < n; i++)
		if (y[i] >= k) {
			err = DM_EINVAL;
			goto out;
		}
	for (c = 0; c < k; c++) {
		double v, support = 0.0;

		for (i = 0; i < n; i++) {
			col[i] = prob[i * k + c];
			pos[i] = y[i] == c;
			if (pos[i])
				support += w ? w[i] : 1.0;
		}
		v = fn(col, pos, w, n, &err);
		if (err != DM_OK)
			goto out;
		sum += v;
		wsum += support * v;
		wtot += support;
	}
	if (macro)
		*macro = sum / (double)k;
	if (weighted)
		*weighted = wtot > 0.0 ? wsum / wtot : NAN;
out:
	free(col);
	free(pos);
	return err;
}

dm_err dm_roc_auc_ovr(const double *prob, const size_t *y, const double *w,
		      size_t n, size_t k, double *macro, double *weighted)
{
	return ovr(dm_roc_auc, prob, y, w, n, k, macro, weighted);
}

dm_err dm_average_precision_ovr(const double *prob, const size_t *y,
				const double *w, size_t n, size_t k,
				double *macro, double *weighted)
{
	return ovr(dm_average_precision, prob, y, w, n, k, macro, weighted);
}

/* ---- score histogram ------------------------------------------------ */

#define HIST_MAX_BINS 1000000

dm_err dm_score_hist_init(dm_score_hist *h, size_t nbins, double lo, double hi)
{
	memset(h, 0, sizeof(*h));
	if (nbins < 1 || nbins > HIST_MAX_BINS || !isfinite(lo) ||
	    !isfinite(hi) || !(hi > lo))
		return DM_EINVAL;
	h->pos = calloc(nbins, sizeof(double));
	h->neg = calloc(nbins, sizeof(double));
	if (!h->pos || !h->neg) {
		dm_score_hist_release(h);
		return DM_ENOMEM;
	}
	h->nbins = nbins;
	h->lo = lo;
	h->hi = hi;
	return DM_OK;
}

void dm_score_hist_release(dm_score_hist *h)
{
	if (!h)
		return;
	free(h->pos);
	free(h->neg);
	memset(h, 0, sizeof(*h));
}

dm_err dm_score_hist_add(dm_score_hist *h, double score, int pos, double w)
{
	double f;
	size_t b;

	if (isnan(score) || !isfinite(w) || w < 0.0)
		return DM_EINVAL;
	f = (score - h->lo) / (h->hi - h->lo) * (double)h->nbins;
	if (f < 0.0)
		b = 0;
	else if (f >= (double)h->nbins)
		b = h->nbins - 1;
	else
		b = (size_t)f;
	if (pos)
		h->pos[b] += w;
	else
		h->neg[b] += w;
	return DM_OK;
}

dm_err dm_score_hist_merge(dm_score_hist *dst, const dm_score_hist *src)
{
	size_t b;

	if (dst->nbins != src->nbins || dst->lo != src->lo ||
	    dst->hi != src->hi)
		return DM_EINVAL;
	for (b = 0; b < dst->nbins; b++) {
		dst->pos[b] += src->pos[b];
		dst->neg[b] += src->neg[b];
	}
	return DM_OK;
}

/*
 * AUC = P(score+ > score-) + P(tie)/2 over positive/negative pairs.
 * Within-bin pairs are counted as ties; their true contribution is
 * anywhere in [0, 1] instead of 1/2, hence the bound.
 */
double dm_score_hist_auc(const dm_score_hist *h, double *bound)
{
	double P = 0.0, N = 0.0, below = 0.0, num = 0.0, same = 0.0;
	size_t b;

	for (b = 0; b < h->nbins; b++) {
		P += h->pos[b];
		N += h->neg[b];
	}
	if (!(P > 0.0 && N > 0.0)) {
		if (bound)
			*bound = NAN;
		return NAN;
	}
	for (b = 0; b < h->nbins; b++) {
		num += h->pos[b] * (below + 0.5 * h->neg[b]);
		same += h->pos[b] * h->neg[b];
		below += h->neg[b];
	}
	if (bound)
		*bound = same / (2.0 * P * N);
	return num / (P * N);
}
