/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Model-quality metrics (src/quality) against scikit-learn 1.2: the
 * stored vectors tests/data/quality_class.txt, quality_regress.txt and
 * quality_isotonic.txt (tests/oracle/gen_quality_vectors.py).  Each case
 * lists its rows and the "key value" pairs sklearn computed; the test
 * computes the same keys and requires every one to match to 1e-9
 * (|got - want| <= 1e-9 max(1, |want|), NaN equal to NaN).  A key the
 * test cannot compute fails, so the vector file and the test cannot drift
 * apart silently.  Further cases check merging, the histogram AUC's
 * bound, the named boundaries (AUC ties, F1's zero division) by hand, and
 * CBPE on simulated data whose truth is known.
 */
#include "dmtest.h"
#include "dmtest_vec.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "driftmon/labels.h"
#include "driftmon/quality.h"
#include "synth/rng.h"

#define TOL 1e-9

/* ---- key/value results --------------------------------------------- */

struct kv {
	char key[48];
	double v;
};

struct kvs {
	struct kv *a;
	size_t n, cap;
};

static void kv_put(struct kvs *t, double v, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void kv_put(struct kvs *t, double v, const char *fmt, ...)
{
	va_list ap;

	if (t->n == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 64;
		t->a = realloc(t->a, t->cap * sizeof(*t->a));
		assert_non_null(t->a);
	}
	va_start(ap, fmt);
	vsnprintf(t->a[t->n].key, sizeof(t->a[t->n].key), fmt, ap);
	va_end(ap);
	t->a[t->n].v = v;
	t->n++;
}

static int close_enough(double got, double want)
{
	if (isnan(got) || isnan(want))
		return isnan(got) && isnan(want);
	return fabs(got - want) <= TOL * fmax(1.0, fabs(want));
}

/* Reads "key value" pairs to "end" and checks each against t; returns
 * the number of keys checked. */
static size_t kv_check(dmv_file *f, const struct kvs *t, const char *cname,
		       double *worst)
{
	size_t checked = 0, i;
	const char *key;

	while ((key = dmv_tok(f)) != NULL && strcmp(key, "end") != 0) {
		double want = 0;
		int found = 0;

		assert_int_equal(dmv_double(f, &want), 0);
		for (i = 0; i < t->n; i++) {
			if (strcmp(t->a[i].key, key) != 0)
				continue;
			found = 1;
			if (!close_enough(t->a[i].v, want))
				fail_msg("%s: %s = %.17g, sklearn %.17g", cname,
					 key, t->a[i].v, want);
			if (!isnan(want) && fabs(t->a[i].v - want) > *worst)
				*worst = fabs(t->a[i].v - want);
		}
		if (!found)
			fail_msg("%s: key %s not computed", cname, key);
		checked++;
	}
	return checked;
}

/* ---- classification ------------------------------------------------ */

struct cls_case {
	char name[64];
	size_t k, n;
	size_t *y, *yhat;
	double *w, *prob;
	unsigned char *pos;
	double *p1;
};

static int cls_read(dmv_file *f, struct cls_case *c)
{
	uint64_t k = 0, n = 0, weighted = 0;
	const char *name;
	size_t i, j;

	if (dmv_expect(f, "case") != 0)
		return 0;
	name = dmv_tok(f);
	assert_non_null(name);
	snprintf(c->name, sizeof(c->name), "%s", name);
	assert_int_equal(dmv_u64(f, &k), 0);
	assert_int_equal(dmv_u64(f, &n), 0);
	assert_int_equal(dmv_u64(f, &weighted), 0);
	c->k = k;
	c->n = n;
	c->y = calloc(n + 1, sizeof(size_t));
	c->yhat = calloc(n + 1, sizeof(size_t));
	c->w = calloc(n + 1, sizeof(double));
	c->prob = calloc(n * k + 1, sizeof(double));
	c->pos = calloc(n + 1, 1);
	c->p1 = calloc(n + 1, sizeof(double));
	assert_true(c->y && c->yhat && c->w && c->prob && c->pos && c->p1);
	for (i = 0; i < n; i++) {
		uint64_t y = 0, yh = 0;

		assert_int_equal(dmv_u64(f, &y), 0);
		assert_int_equal(dmv_u64(f, &yh), 0);
		assert_int_equal(dmv_double(f, &c->w[i]), 0);
		c->y[i] = y;
		c->yhat[i] = yh;
		for (j = 0; j < k; j++)
			assert_int_equal(dmv_double(f, &c->prob[i * k + j]), 0);
		c->pos[i] = y == 1;
		c->p1[i] = c->prob[i * k + 1];
	}
	if (!weighted) {
		free(c->w);
		c->w = NULL;
	}
	return 1;
}

static void cls_free(struct cls_case *c)
{
	free(c->y);
	free(c->yhat);
	free(c->w);
	free(c->prob);
	free(c->pos);
	free(c->p1);
}

static void put_prf(struct kvs *t, const char *avg, const dm_prf *p)
{
	kv_put(t, p->precision, "%s.precision", avg);
	kv_put(t, p->recall, "%s.recall", avg);
	kv_put(t, p->f1, "%s.f1", avg);
}

static void cls_binary_keys(const struct cls_case *c, struct kvs *t)
{
	size_t i, nb, j, b;
	dm_err err;

	kv_put(t, dm_roc_auc(c->p1, c->pos, c->w, c->n, &err), "roc_auc");
	assert_int_equal(err, DM_OK);
	kv_put(t, dm_average_precision(c->p1, c->pos, c->w, c->n, &err),
	       "average_precision");
	assert_int_equal(err, DM_OK);
	kv_put(t, dm_log_loss(c->p1, 1, c->y, c->w, c->n, &err),
	       "log_loss_1col");
	assert_int_equal(err, DM_OK);
	kv_put(t, dm_brier(c->p1, c->pos, c->w, c->n, &err), "brier");
	assert_int_equal(err, DM_OK);
	for (nb = 5; nb <= 10; nb += 5) {
		dm_calib cal;

		assert_int_equal(dm_calib_init(&cal, nb), DM_OK);
		for (i = 0; i < c->n; i++)
			assert_int_equal(
				dm_calib_add(&cal, c->p1[i], c->pos[i]), DM_OK);
		for (b = 0, j = 0; b < nb; b++) {
			double cnt = (double)cal.count[b];

			if (cal.count[b] == 0)
				continue;
			kv_put(t, cal.sum_true[b] / cnt, "calib%zu.%zu.true",
			       nb, j);
			kv_put(t, cal.sum_prob[b] / cnt, "calib%zu.%zu.pred",
			       nb, j);
			j++;
		}
		kv_put(t, (double)j, "calib%zu.nonempty", nb);
		dm_calib_release(&cal);
	}
}

static void cls_keys(const struct cls_case *c, struct kvs *t)
{
	dm_confusion cm;
	dm_class_scores s;
	size_t a, b;
	double m, w;
	dm_err err;

	assert_int_equal(dm_confusion_init(&cm, c->k), DM_OK);
	assert_int_equal(dm_confusion_add_n(&cm, c->y, c->yhat, c->w, c->n),
			 DM_OK);
	for (a = 0; a < c->k; a++)
		for (b = 0; b < c->k; b++)
			kv_put(t, cm.m[a * c->k + b], "cm.%zu.%zu", a, b);
	assert_int_equal(dm_class_scores_compute(&cm, &s), DM_OK);
	for (a = 0; a < c->k; a++) {
		kv_put(t, s.cls[a].precision, "precision.%zu", a);
		kv_put(t, s.cls[a].recall, "recall.%zu", a);
		kv_put(t, s.cls[a].f1, "f1.%zu", a);
		kv_put(t, s.cls[a].support, "support.%zu", a);
	}
	put_prf(t, "macro", &s.macro);
	put_prf(t, "micro", &s.micro);
	put_prf(t, "weighted", &s.weighted);
	kv_put(t, s.accuracy, "accuracy");
	dm_class_scores_release(&s);
	dm_confusion_release(&cm);
	if (c->k == 2)
		cls_binary_keys(c, t);
	assert_int_equal(
		dm_roc_auc_ovr(c->prob, c->y, c->w, c->n, c->k, &m, &w), DM_OK);
	kv_put(t, m, "roc_auc_ovr.macro");
	kv_put(t, w, "roc_auc_ovr.weighted");
	assert_int_equal(dm_average_precision_ovr(c->prob, c->y, c->w, c->n,
						  c->k, &m, &w),
			 DM_OK);
	kv_put(t, m, "average_precision_ovr.macro");
	kv_put(t, w, "average_precision_ovr.weighted");
	kv_put(t, dm_log_loss(c->prob, c->k, c->y, c->w, c->n, &err),
	       "log_loss");
	assert_int_equal(err, DM_OK);
}

static void quality_class_vs_sklearn(void **state)
{
	struct cls_case c;
	dmv_file f;
	size_t ncases = 0, nkeys = 0;
	double worst = 0.0;

	(void)state;
	assert_int_equal(dmv_open(&f, DMTEST_DATA("quality_class.txt")), 0);
	while (cls_read(&f, &c)) {
		struct kvs t = {0};

		cls_keys(&c, &t);
		nkeys += kv_check(&f, &t, c.name, &worst);
		free(t.a);
		cls_free(&c);
		ncases++;
	}
	dmv_close(&f);
	assert_true(ncases >= 14);
	printf("quality_class: %zu cases, %zu values, worst abs error %.3g\n",
	       ncases, nkeys, worst);
}

/* ---- regression ---------------------------------------------------- */

static void quality_regress_vs_sklearn(void **state)
{
	dmv_file f;
	size_t ncases = 0, nkeys = 0;
	double worst = 0.0;
	static const double qs[] = {0.0, 0.05, 0.25, 0.5, 0.75, 0.95, 1.0};

	(void)state;
	assert_int_equal(dmv_open(&f, DMTEST_DATA("quality_regress.txt")), 0);
	while (dmv_expect(&f, "case") == 0) {
		char name[64];
		uint64_t n = 0, weighted = 0, i;
		double *y, *yh, w = 0, qv[7];
		dm_regress acc, half[2];
		dm_regress_metrics m, mm;
		struct kvs t = {0};

		snprintf(name, sizeof(name), "%s", dmv_tok(&f));
		assert_int_equal(dmv_u64(&f, &n), 0);
		assert_int_equal(dmv_u64(&f, &weighted), 0);
		y = malloc(n * sizeof(double));
		yh = malloc(n * sizeof(double));
		assert_true(y && yh);
		dm_regress_init(&acc);
		dm_regress_init(&half[0]);
		dm_regress_init(&half[1]);
		for (i = 0; i < n; i++) {
			assert_int_equal(dmv_double(&f, &y[i]), 0);
			assert_int_equal(dmv_double(&f, &yh[i]), 0);
			assert_int_equal(dmv_double(&f, &w), 0);
			assert_int_equal(dm_regress_add(&acc, y[i], yh[i], w),
					 DM_OK);
			assert_int_equal(dm_regress_add(&half[i % 3 == 0], y[i],
							yh[i], w),
					 DM_OK);
		}
		dm_regress_metrics_compute(&acc, &m);
		kv_put(&t, m.mae, "mae");
		kv_put(&t, m.rmse, "rmse");
		kv_put(&t, m.mape, "mape");
		kv_put(&t, m.r2, "r2");
		assert_int_equal(dm_error_quantiles(y, yh, n, qs, 7, qv),
				 DM_OK);
		for (i = 0; i < 7; i++)
			kv_put(&t, qv[i], "q%s",
			       i == 0	? "0.0"
			       : i == 6 ? "1.0"
			       : i == 1 ? "0.05"
			       : i == 2 ? "0.25"
			       : i == 3 ? "0.5"
			       : i == 4 ? "0.75"
					: "0.95");
		nkeys += kv_check(&f, &t, name, &worst);
		/* the merge of two interleaved parts gives the same metrics */
		dm_regress_merge(&half[0], &half[1]);
		dm_regress_metrics_compute(&half[0], &mm);
		assert_true(close_enough(mm.mae, m.mae));
		assert_true(close_enough(mm.rmse, m.rmse));
		assert_true(close_enough(mm.mape, m.mape));
		assert_true(close_enough(mm.r2, m.r2));
		assert_int_equal(mm.n, n);
		free(t.a);
		free(y);
		free(yh);
		ncases++;
	}
	dmv_close(&f);
	assert_true(ncases >= 8);
	printf("quality_regress: %zu cases, %zu values, worst abs error "
	       "%.3g\n",
	       ncases, nkeys, worst);
}

/* ---- isotonic ------------------------------------------------------ */

static void quality_isotonic_vs_sklearn(void **state)
{
	dmv_file f;
	size_t ncases = 0, npred = 0;
	double worst = 0.0;

	(void)state;
	assert_int_equal(dmv_open(&f, DMTEST_DATA("quality_isotonic.txt")), 0);
	while (dmv_expect(&f, "case") == 0) {
		char name[64];
		uint64_t n = 0, inc = 0, nq = 0, i;
		double *x, *y, *w, ymin = 0, ymax = 0;
		dm_isotonic m;

		snprintf(name, sizeof(name), "%s", dmv_tok(&f));
		assert_int_equal(dmv_u64(&f, &n), 0);
		assert_int_equal(dmv_u64(&f, &inc), 0);
		assert_int_equal(dmv_double(&f, &ymin), 0);
		assert_int_equal(dmv_double(&f, &ymax), 0);
		assert_int_equal(dmv_u64(&f, &nq), 0);
		x = malloc(n * sizeof(double));
		y = malloc(n * sizeof(double));
		w = malloc(n * sizeof(double));
		assert_true(x && y && w);
		for (i = 0; i < n; i++) {
			assert_int_equal(dmv_double(&f, &x[i]), 0);
			assert_int_equal(dmv_double(&f, &y[i]), 0);
			assert_int_equal(dmv_double(&f, &w[i]), 0);
		}
		assert_int_equal(
			dm_isotonic_fit(&m, x, y, w, n, (int)inc, ymin, ymax),
			DM_OK);
		for (i = 0; i < nq; i++) {
			double t = 0, want = 0, got;

			assert_int_equal(dmv_double(&f, &t), 0);
			assert_int_equal(dmv_double(&f, &want), 0);
			got = dm_isotonic_predict(&m, t);
			if (!close_enough(got, want))
				fail_msg("%s: f(%.17g) = %.17g, sklearn %.17g",
					 name, t, got, want);
			if (fabs(got - want) > worst)
				worst = fabs(got - want);
			npred++;
		}
		assert_int_equal(dmv_expect(&f, "end"), 0);
		dm_isotonic_release(&m);
		free(x);
		free(y);
		free(w);
		ncases++;
	}
	dmv_close(&f);
	assert_true(ncases >= 8);
	printf("quality_isotonic: %zu cases, %zu predictions, worst abs error "
	       "%.3g\n",
	       ncases, npred, worst);
}

/* ---- named boundaries ----------------------------------------------- */

/* Two tied positive/negative pairs count one half each. */
static void quality_auc_ties_half(void **state)
{
	static const double s[] = {0.5, 0.5, 0.9, 0.1};
	static const unsigned char pos[] = {1, 0, 1, 0};
	dm_err err;

	(void)state;
	/* pairs: (0.5+,0.5-) 1/2, (0.5+,0.1-) 1, (0.9+,0.5-) 1, (0.9+,0.1-) 1
	 */
	assert_true(fabs(dm_roc_auc(s, pos, NULL, 4, &err) - 3.5 / 4.0) <
		    1e-15);
	assert_int_equal(err, DM_OK);
	/* AP: thresholds 0.9 (R 1/2, P 1), 0.5 (R 1, P 2/3) */
	assert_true(fabs(dm_average_precision(s, pos, NULL, 4, &err) -
			 (0.5 + 0.5 * 2.0 / 3.0)) < 1e-15);
}

/* A class never predicted has precision 0, not NaN, and F1 0. */
static void quality_f1_zero_division(void **state)
{
	dm_confusion c;
	dm_class_scores s;

	(void)state;
	assert_int_equal(dm_confusion_init(&c, 3), DM_OK);
	assert_int_equal(dm_confusion_add(&c, 0, 0, 2.0), DM_OK);
	assert_int_equal(dm_confusion_add(&c, 1, 0, 1.0), DM_OK);
	assert_int_equal(dm_confusion_add(&c, 3, 0, 1.0), DM_EINVAL);
	assert_int_equal(dm_confusion_add(&c, 0, 0, -1.0), DM_EINVAL);
	assert_int_equal(dm_class_scores_compute(&c, &s), DM_OK);
	assert_true(s.cls[1].precision == 0.0 && s.cls[1].recall == 0.0);
	assert_true(s.cls[1].f1 == 0.0);
	assert_true(s.cls[2].f1 == 0.0 && s.cls[2].support == 0.0);
	/* class 0: P 2/3, R 1, F1 0.8; macro over all three classes */
	assert_true(fabs(s.cls[0].f1 - 0.8) < 1e-15);
	assert_true(fabs(s.macro.f1 - 0.8 / 3.0) < 1e-15);
	assert_true(fabs(s.accuracy - 2.0 / 3.0) < 1e-15);
	dm_class_scores_release(&s);
	dm_confusion_release(&c);
}

/* Merged confusion matrices equal the matrix of all rows. */
static void quality_confusion_merge(void **state)
{
	dm_confusion a, b, all;
	size_t i;

	(void)state;
	assert_int_equal(dm_confusion_init(&a, 4), DM_OK);
	assert_int_equal(dm_confusion_init(&b, 4), DM_OK);
	assert_int_equal(dm_confusion_init(&all, 4), DM_OK);
	for (i = 0; i < 100; i++) {
		size_t t = (i * 7) % 4, p = (i * 3 + 1) % 4;

		assert_int_equal(dm_confusion_add(i % 2 ? &a : &b, t, p, 1.0),
				 DM_OK);
		assert_int_equal(dm_confusion_add(&all, t, p, 1.0), DM_OK);
	}
	assert_int_equal(dm_confusion_merge(&a, &b), DM_OK);
	assert_memory_equal(a.m, all.m, 16 * sizeof(double));
	dm_confusion_release(&b);
	assert_int_equal(dm_confusion_init(&b, 3), DM_OK);
	assert_int_equal(dm_confusion_merge(&a, &b), DM_EINVAL);
	dm_confusion_release(&a);
	dm_confusion_release(&b);
	dm_confusion_release(&all);
	dm_confusion_release(NULL);
}

/* The histogram AUC is within its bound of the exact AUC. */
static void quality_hist_auc_bound(void **state)
{
	enum { N = 5000 };
	double *s = malloc(N * sizeof(double)), exact, approx, bound;
	unsigned char *pos = malloc(N);
	dm_score_hist h, h2;
	unsigned long long z = 12345;
	size_t i;

	(void)state;
	assert_true(s && pos);
	assert_int_equal(dm_score_hist_init(&h, 100, 0.0, 1.0), DM_OK);
	assert_int_equal(dm_score_hist_init(&h2, 100, 0.0, 1.0), DM_OK);
	for (i = 0; i < N; i++) {
		double u, v;

		z = z * 6364136223846793005ULL + 1442695040888963407ULL;
		u = (double)(z >> 11) / 9007199254740992.0;
		z = z * 6364136223846793005ULL + 1442695040888963407ULL;
		v = (double)(z >> 11) / 9007199254740992.0;
		s[i] = u;
		pos[i] = v < u;
		assert_int_equal(
			dm_score_hist_add(i % 2 ? &h : &h2, s[i], pos[i], 1.0),
			DM_OK);
	}
	assert_int_equal(dm_score_hist_merge(&h, &h2), DM_OK);
	exact = dm_roc_auc(s, pos, NULL, N, NULL);
	approx = dm_score_hist_auc(&h, &bound);
	assert_true(bound > 0.0 && bound < 0.01);
	assert_true(fabs(approx - exact) <= bound);
	printf("hist AUC %.6f exact %.6f bound %.2g\n", approx, exact, bound);
	dm_score_hist_release(&h);
	dm_score_hist_release(&h2);
	free(s);
	free(pos);
}

/* Bad input is an error, not a crash or a silent number. */
static void quality_bad_input(void **state)
{
	static const double s[] = {0.1, NAN};
	static const unsigned char pos[] = {1, 0};
	static const size_t y[] = {0, 5};
	dm_calib c;
	dm_err err;

	(void)state;
	assert_true(isnan(dm_roc_auc(s, pos, NULL, 2, &err)));
	assert_int_equal(err, DM_EINVAL);
	assert_true(isnan(dm_log_loss(s, 1, y, NULL, 2, &err)));
	assert_int_equal(err, DM_EINVAL);
	assert_int_equal(dm_calib_init(&c, 0), DM_EINVAL);
	assert_int_equal(dm_calib_init(&c, 4), DM_OK);
	assert_int_equal(dm_calib_add(&c, 1.5, 1), DM_EINVAL);
	assert_int_equal(dm_calib_add(&c, NAN, 1), DM_EINVAL);
	dm_calib_release(&c);
	assert_int_equal(dm_confusion_init(&(dm_confusion){0}, 1), DM_EINVAL);
}

/* ---- CBPE ------------------------------------------------------------ */

/* A hand-checked window: calibration maps 0.2 -> 0.2 and 0.8 -> 0.8. */
static void quality_cbpe_hand_example(void **state)
{
	static const double rs[] = {0.2, 0.2, 0.2, 0.2, 0.2,
				    0.8, 0.8, 0.8, 0.8, 0.8};
	static const unsigned char rp[] = {1, 0, 0, 0, 0, 1, 1, 1, 1, 0};
	static const double ws[] = {0.2, 0.8, 0.8};
	dm_cbpe m;
	dm_cbpe_estimate e;

	(void)state;
	assert_int_equal(dm_cbpe_fit(&m, rs, rp, 10, 0.5), DM_OK);
	assert_int_equal(dm_cbpe_estimate_window(&m, ws, 3, &e), DM_OK);
	assert_true(fabs(e.tp - 1.6) < 1e-12 && fabs(e.fp - 0.4) < 1e-12);
	assert_true(fabs(e.fn - 0.2) < 1e-12 && fabs(e.tn - 0.8) < 1e-12);
	assert_true(fabs(e.value[DM_CBPE_ACCURACY] - 0.8) < 1e-12);
	assert_true(fabs(e.value[DM_CBPE_PRECISION] - 0.8) < 1e-12);
	assert_true(fabs(e.value[DM_CBPE_RECALL] - 1.6 / 1.8) < 1e-12);
	assert_true(fabs(e.value[DM_CBPE_F1] - 1.6 / 1.9) < 1e-12);
	/* expected ROC: (1/3, 8/9) then (1, 1): area 7/9 */
	assert_true(fabs(e.value[DM_CBPE_ROC_AUC] - 7.0 / 9.0) < 1e-12);
	/* reference: accuracy 0.8 over 10 rows, std 0.4; window of 3 */
	assert_true(fabs(m.ref_value[DM_CBPE_ACCURACY] - 0.8) < 1e-12);
	assert_true(fabs(e.se[DM_CBPE_ACCURACY] - 0.4 / sqrt(3.0)) < 1e-12);
	assert_true(fabs(e.lower[DM_CBPE_ACCURACY] - (0.8 - 1.2 / sqrt(3.0))) <
		    1e-12);
	assert_true(e.upper[DM_CBPE_ACCURACY] == 1.0);
	dm_cbpe_release(&m);
	/* one class only, or no rows: no calibration */
	assert_int_equal(dm_cbpe_fit(&m, rs, rp + 5, 4, 0.5), DM_EEMPTY);
	assert_int_equal(dm_cbpe_fit(&m, rs, rp, 0, 0.5), DM_EEMPTY);
	dm_cbpe_release(&m);
}

/* CBPE against NannyML's estimators on sklearn's calibrator (stored
 * vectors): the expected confusion matrix, accuracy, precision, recall,
 * F1 and ROC AUC. */
static void quality_cbpe_vs_nannyml(void **state)
{
	dmv_file f;
	size_t ncases = 0;

	(void)state;
	assert_int_equal(dmv_open(&f, DMTEST_DATA("quality_cbpe.txt")), 0);
	while (dmv_expect(&f, "case") == 0) {
		uint64_t nref = 0, nwin = 0, i, yy = 0;
		double thr = 0, *rs, *ws, want[9] = {0}, got[9];
		unsigned char *ry;
		char name[64];
		dm_cbpe m;
		dm_cbpe_estimate e;
		int k;

		snprintf(name, sizeof(name), "%s", dmv_tok(&f));
		assert_int_equal(dmv_u64(&f, &nref), 0);
		assert_int_equal(dmv_u64(&f, &nwin), 0);
		assert_int_equal(dmv_double(&f, &thr), 0);
		rs = malloc(nref * sizeof(double));
		ry = malloc(nref);
		ws = malloc(nwin * sizeof(double));
		assert_true(rs && ry && ws);
		for (i = 0; i < nref; i++) {
			assert_int_equal(dmv_double(&f, &rs[i]), 0);
			assert_int_equal(dmv_u64(&f, &yy), 0);
			ry[i] = (unsigned char)yy;
		}
		for (i = 0; i < nwin; i++)
			assert_int_equal(dmv_double(&f, &ws[i]), 0);
		for (k = 0; k < 9; k++)
			assert_int_equal(dmv_double(&f, &want[k]), 0);
		assert_int_equal(dmv_expect(&f, "end"), 0);
		assert_int_equal(dm_cbpe_fit(&m, rs, ry, nref, thr), DM_OK);
		assert_int_equal(dm_cbpe_estimate_window(&m, ws, nwin, &e),
				 DM_OK);
		got[0] = e.tp;
		got[1] = e.fp;
		got[2] = e.fn;
		got[3] = e.tn;
		for (k = 0; k < DM_CBPE_NMETRICS; k++)
			got[4 + k] = e.value[k];
		for (k = 0; k < 9; k++)
			if (!close_enough(got[k], want[k]))
				fail_msg("%s: value %d = %.17g, NannyML %.17g",
					 name, k, got[k], want[k]);
		dm_cbpe_release(&m);
		free(rs);
		free(ry);
		free(ws);
		ncases++;
	}
	dmv_close(&f);
	assert_true(ncases >= 3);
}

/*
 * A synthetic task whose truth is known: x ~ N((shift, 0), I), the true
 * log-odds t(x) = 1.5 x1 - x2 + 0.3 (+ concept, a change of P(y | x)).
 * The model scores sigmoid(a t'(x) + b) with t' = t (calibration holds
 * under any covariate shift: P(y | score) does not change) or t' tilted
 * (the score misses part of t, so P(y | score) moves with the shift).
 */
struct task {
	double shift;
	double concept; /* added to the true log-odds */
	int tilted;
};

static double sigmoid(double z)
{
	return 1.0 / (1.0 + exp(-z));
}

static void task_draw(rng_gen *r, const struct task *t, size_t n, double *s,
		      unsigned char *y)
{
	size_t i;

	for (i = 0; i < n; i++) {
		double x1 = rng_normal(r) + t->shift, x2 = rng_normal(r);
		double lt = 1.5 * x1 - x2 + 0.3;
		double lm = t->tilted ? 1.5 * x1 - 0.4 * x2 + 0.3 : lt;

		y[i] = rng_uniform(r) < sigmoid(lt + t->concept);
		/* over-confident and biased: needs the calibration */
		s[i] = sigmoid(2.0 * lm + 0.5);
	}
}

struct cbpe_err {
	double acc, auc, f1; /* mean |estimated - realized| */
	double covered;	     /* share of windows whose realized accuracy is
				inside the band */
	double realized_acc, estimated_acc;
};

static void cbpe_run(const struct task *t, int windows, struct cbpe_err *out)
{
	enum { NREF = 20000, NWIN = 5000 };
	double *s = malloc(NREF * sizeof(double));
	unsigned char *y = malloc(NREF);
	struct task ref = {0.0, 0.0, t->tilted};
	dm_cbpe m;
	rng_gen r;
	int w;

	assert_true(s && y);
	memset(out, 0, sizeof(*out));
	rng_seed(&r, 2026,
		 (uint64_t)(t->shift * 100 + t->concept * 10 +
			    t->tilted * 1000));
	task_draw(&r, &ref, NREF, s, y);
	assert_int_equal(dm_cbpe_fit(&m, s, y, NREF, 0.5), DM_OK);
	for (w = 0; w < windows; w++) {
		dm_cbpe_estimate e;
		struct cbpe_cm {
			double ok, tp, fp, fn;
		} c = {0, 0, 0, 0};
		double acc, f1, auc;
		size_t i;

		task_draw(&r, t, NWIN, s, y);
		assert_int_equal(dm_cbpe_estimate_window(&m, s, NWIN, &e),
				 DM_OK);
		for (i = 0; i < NWIN; i++) {
			int yh = s[i] >= 0.5;

			c.ok += yh == y[i];
			c.tp += yh && y[i];
			c.fp += yh && !y[i];
			c.fn += !yh && y[i];
		}
		acc = c.ok / NWIN;
		f1 = c.tp / (c.tp + 0.5 * (c.fp + c.fn));
		auc = dm_roc_auc(s, y, NULL, NWIN, NULL);
		out->acc += fabs(e.value[DM_CBPE_ACCURACY] - acc) / windows;
		out->auc += fabs(e.value[DM_CBPE_ROC_AUC] - auc) / windows;
		out->f1 += fabs(e.value[DM_CBPE_F1] - f1) / windows;
		out->covered += (acc >= e.lower[DM_CBPE_ACCURACY] &&
				 acc <= e.upper[DM_CBPE_ACCURACY]) /
				(double)windows;
		out->realized_acc += acc / windows;
		out->estimated_acc += e.value[DM_CBPE_ACCURACY] / windows;
	}
	dm_cbpe_release(&m);
	free(s);
	free(y);
}

static void cbpe_print(const char *what, const struct task *t,
		       const struct cbpe_err *e)
{
	printf("cbpe %-9s shift %.2f concept %+.1f: accuracy realized %.4f "
	       "estimated %.4f |err| %.4f, AUC |err| %.4f, F1 |err| %.4f, "
	       "band covers %.0f%%\n",
	       what, t->shift, t->concept, e->realized_acc, e->estimated_acc,
	       e->acc, e->auc, e->f1, 100.0 * e->covered);
}

/* Covariate shift of growing strength, calibration holding: the
 * estimates stay within 2 points of the realized values. */
static void quality_cbpe_covariate_shift(void **state)
{
	static const double shifts[] = {0.0, 0.5, 1.0, 1.5, 2.0};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(shifts) / sizeof(shifts[0]); i++) {
		struct task t = {shifts[i], 0.0, 0};
		struct cbpe_err e;

		cbpe_run(&t, 20, &e);
		cbpe_print("holds", &t, &e);
		assert_true(e.acc < 0.02);
		assert_true(e.auc < 0.02);
		assert_true(e.covered >= 0.9);
	}
}

/* The score misses part of the truth: P(y | score) moves with the
 * inputs and the estimate drifts away as the shift grows. */
static void quality_cbpe_tilted_model(void **state)
{
	static const double shifts[] = {0.0, 1.0, 2.0};
	struct cbpe_err e[3];
	size_t i;

	(void)state;
	for (i = 0; i < 3; i++) {
		struct task t = {shifts[i], 0.0, 1};

		cbpe_run(&t, 10, &e[i]);
		cbpe_print("tilted", &t, &e[i]);
	}
	assert_true(e[0].acc < 0.02);
}

/* Concept shift: P(y | x) changes, the scores do not, so CBPE (which
 * sees only scores) keeps its estimate while the realized accuracy
 * falls.  This is the documented failure. */
static void quality_cbpe_concept_shift_missed(void **state)
{
	static const double concept[] = {-1.0, -2.0};
	size_t i;

	(void)state;
	for (i = 0; i < 2; i++) {
		struct task t = {0.0, concept[i], 0};
		struct cbpe_err e;

		cbpe_run(&t, 10, &e);
		cbpe_print("concept", &t, &e);
		assert_true(e.acc > 0.05);
		assert_true(e.covered < 0.1);
	}
}

/* ---- the drop rule --------------------------------------------------- */

static void quality_drop_vs_scipy(void **state)
{
	dmv_file f;
	size_t ncases = 0;

	(void)state;
	assert_int_equal(dmv_open(&f, DMTEST_DATA("quality_drop.txt")), 0);
	while (dmv_expect(&f, "case") == 0) {
		dm_quality_cmp m[8];
		uint64_t n = 0, i, u = 0;
		double alpha = 0, want[8][3] = {{0}};
		uint64_t wt[8] = {0}, wd[8] = {0};
		char name[64];

		snprintf(name, sizeof(name), "%s", dmv_tok(&f));
		assert_int_equal(dmv_u64(&f, &n), 0);
		assert_true(n <= 8);
		assert_int_equal(dmv_double(&f, &alpha), 0);
		for (i = 0; i < n; i++) {
			memset(&m[i], 0, sizeof(m[i]));
			assert_int_equal(dmv_double(&f, &m[i].reference), 0);
			assert_int_equal(dmv_double(&f, &m[i].ref_se), 0);
			assert_int_equal(dmv_double(&f, &m[i].window), 0);
			assert_int_equal(dmv_double(&f, &m[i].window_se), 0);
			assert_int_equal(dmv_u64(&f, &u), 0);
			m[i].higher_is_better = (int)u;
			assert_int_equal(dmv_double(&f, &m[i].min_effect), 0);
			assert_int_equal(dmv_expect(&f, "->"), 0);
			assert_int_equal(dmv_u64(&f, &wt[i]), 0);
			assert_int_equal(dmv_double(&f, &want[i][0]), 0);
			assert_int_equal(dmv_double(&f, &want[i][1]), 0);
			assert_int_equal(dmv_u64(&f, &wd[i]), 0);
		}
		assert_int_equal(dmv_expect(&f, "end"), 0);
		assert_int_equal(dm_quality_drops(m, n, alpha), DM_OK);
		for (i = 0; i < n; i++) {
			if ((uint64_t)m[i].tested != wt[i] ||
			    (uint64_t)m[i].dropped != wd[i] ||
			    !close_enough(m[i].pvalue, want[i][0]) ||
			    !close_enough(m[i].pvalue_adjusted, want[i][1]))
				fail_msg("%s row %u: tested %d p %.17g adj "
					 "%.17g "
					 "dropped %d; want %u %.17g %.17g %u",
					 name, (unsigned)i, m[i].tested,
					 m[i].pvalue, m[i].pvalue_adjusted,
					 m[i].dropped, (unsigned)wt[i],
					 want[i][0], want[i][1],
					 (unsigned)wd[i]);
		}
		ncases++;
	}
	dmv_close(&f);
	assert_true(ncases >= 7);
	assert_int_equal(dm_quality_drops(NULL, 0, 0.0), DM_EINVAL);
}

/* |got - want| <= 1e-9 |want| (p-values: relative, however small). */
static int close_rel(double got, double want)
{
	if (isnan(got) || isnan(want))
		return isnan(got) && isnan(want);
	return fabs(got - want) <= 1e-9 * fabs(want) + 1e-300;
}

/* One "class" or "regress" case of quality_perf_tasks.txt: reference
 * and window pairs through dm_refperf_from_pairs_task,
 * dm_perf_compute_task and dm_perf_compare, against sklearn, scipy and
 * statsmodels. */
static void perf_task_case(dmv_file *f, dm_perf_task task)
{
	const char *lab[1000], *pre[1000];
	uint64_t nref = 0, nwin = 0, i, wd = 0;
	double d = 0, alpha = 0, want[5];
	char name[64];
	dm_refperf ref;
	dm_perf p;
	dm_diag diag;
	int m;

	snprintf(name, sizeof(name), "%s", dmv_tok(f));
	assert_int_equal(dmv_u64(f, &nref), 0);
	assert_int_equal(dmv_u64(f, &nwin), 0);
	assert_int_equal(dmv_double(f, &d), 0);
	assert_int_equal(dmv_double(f, &alpha), 0);
	assert_true(nref <= 1000 && nwin <= 1000);
	for (i = 0; i < nref; i++) {
		lab[i] = dmv_tok(f);
		pre[i] = dmv_tok(f);
	}
	assert_int_equal(dm_refperf_from_pairs_task(lab, pre, nref, task, 0.5,
						    &ref, &diag),
			 DM_OK);
	for (i = 0; i < nwin; i++) {
		lab[i] = dmv_tok(f);
		pre[i] = dmv_tok(f);
	}
	memset(&p, 0, sizeof(p));
	p.predictions = p.labelled = nwin;
	assert_int_equal(dm_perf_compute_task(lab, pre, nwin, task, &p), DM_OK);
	assert_int_equal(p.task, task);
	assert_int_equal(dm_perf_compare(&p, &ref, alpha, d), DM_OK);
	for (m = 0; m < 2; m++) {
		const dm_quality_cmp *c = &p.drop[m];
		const char *key = dmv_tok(f);
		int k, nw = task == DM_PERF_REGRESSION ? 5 : 4;

		assert_non_null(c->name);
		assert_string_equal(c->name, key);
		for (k = 0; k < nw; k++)
			assert_int_equal(dmv_double(f, &want[k]), 0);
		assert_int_equal(dmv_u64(f, &wd), 0);
		if (!close_enough(p.ref[m], want[0]) ||
		    !close_enough(c->reference, want[0]) ||
		    !close_enough(c->window, want[1]) ||
		    (nw == 5 && !close_enough(c->z, want[2])) ||
		    !close_rel(c->pvalue, want[nw - 2]) ||
		    !close_rel(c->pvalue_adjusted, want[nw - 1]) ||
		    c->dropped != (int)wd || !c->tested)
			fail_msg("%s %s: ref %.17g window %.17g stat %.17g p "
				 "%.17g adj %.17g dropped %d; want %.17g "
				 "%.17g ... p %.17g adj %.17g dropped %u",
				 name, key, p.ref[m], c->window, c->z,
				 c->pvalue, c->pvalue_adjusted, c->dropped,
				 want[0], want[1], want[nw - 2], want[nw - 1],
				 (unsigned)wd);
	}
	assert_null(p.drop[2].name);
	assert_false(p.drop[2].tested);
	assert_false(p.has_estimate);
	assert_int_equal(dmv_expect(f, "end"), 0);
	dm_perf_release(&p);
	dm_refperf_release(&ref);
}

static void quality_perf_tasks_vs_scipy(void **state)
{
	dmv_file f;
	size_t ntsf = 0, ncls = 0, nreg = 0;
	char *t;

	(void)state;
	assert_int_equal(dmv_open(&f, DMTEST_DATA("quality_perf_tasks.txt")),
			 0);
	while ((t = dmv_tok(&f)) != NULL) {
		if (!strcmp(t, "tsf")) {
			double x = 0, df = 0, want = 0, got;

			assert_int_equal(dmv_double(&f, &x), 0);
			assert_int_equal(dmv_double(&f, &df), 0);
			assert_int_equal(dmv_double(&f, &want), 0);
			got = dm_t_sf(x, df);
			if (!close_rel(got, want))
				fail_msg("t.sf(%g, %g) = %.17g, want %.17g", x,
					 df, got, want);
			ntsf++;
		} else if (!strcmp(t, "class")) {
			perf_task_case(&f, DM_PERF_CLASSIFICATION);
			ncls++;
		} else {
			assert_string_equal(t, "regress");
			perf_task_case(&f, DM_PERF_REGRESSION);
			nreg++;
		}
	}
	dmv_close(&f);
	assert_true(ntsf >= 40 && ncls >= 5 && nreg >= 5);
	assert_true(isnan(dm_t_sf(NAN, 3)) && isnan(dm_t_sf(1, 0)));
	assert_true(dm_t_sf(INFINITY, 3) == 0.0);
	assert_true(fabs(dm_t_sf(1.5, INFINITY) - 0.5 * erfc(1.5 / sqrt(2.0))) <
		    1e-16);
}

static void quality_standard_errors(void **state)
{
	dm_regress r;

	(void)state;
	assert_true(fabs(dm_se_proportion(0.8, 100) - 0.04) < 1e-15);
	assert_true(isnan(dm_se_proportion(0.8, 0)));
	/* Hanley-McNeil Table: A = 0.5 with 1 + 1 rows: var 1/4 */
	assert_true(fabs(dm_se_auc(0.5, 1, 1) - 0.5) < 1e-15);
	assert_true(isnan(dm_se_auc(0.7, 0, 10)));
	/* F1 = 1: every relevant row is a TP, no spread */
	assert_true(dm_se_f1(10, 0, 0) == 0.0);
	/* tp 1, fp 1: F1 2/3, rows {4/3, 0}: sd 2/3 over sqrt(2) */
	assert_true(fabs(dm_se_f1(1, 1, 0) - (2.0 / 3.0) / sqrt(2.0)) < 1e-15);
	dm_regress_init(&r);
	assert_int_equal(dm_regress_add(&r, 0, 1, 1), DM_OK);
	assert_int_equal(dm_regress_add(&r, 0, -3, 1), DM_OK);
	/* |e| = {1, 3}: MAE 2, mean e^2 5, sd 1, n 2 */
	assert_true(fabs(dm_se_mae(&r) - 1.0 / sqrt(2.0)) < 1e-15);
}

/*
 * The rule's false-alarm rate and power on the synthetic task: the
 * reference and every window from the same model (no change), then
 * windows under concept shift.  Realized accuracy, F1 and ROC AUC are
 * tested together (Holm) at alpha 0.05 with no minimum effect.
 */
static int drop_window(rng_gen *r, const struct task *t, const double *ref,
		       const double *ref_se, double *s, unsigned char *y,
		       size_t n)
{
	dm_quality_cmp m[3];
	double tp = 0, fp = 0, fn = 0, ok = 0, npos = 0, v[3], se[3];
	size_t i;
	int k, any = 0;

	task_draw(r, t, n, s, y);
	for (i = 0; i < n; i++) {
		int yh = s[i] >= 0.5;

		ok += yh == y[i];
		tp += yh && y[i];
		fp += yh && !y[i];
		fn += !yh && y[i];
		npos += y[i];
	}
	v[0] = ok / (double)n;
	se[0] = dm_se_proportion(v[0], (double)n);
	v[1] = tp / (tp + 0.5 * (fp + fn));
	se[1] = dm_se_f1(tp, fp, fn);
	v[2] = dm_roc_auc(s, y, NULL, n, NULL);
	se[2] = dm_se_auc(v[2], npos, (double)n - npos);
	for (k = 0; k < 3; k++) {
		memset(&m[k], 0, sizeof(m[k]));
		m[k].reference = ref[k];
		m[k].ref_se = ref_se[k];
		m[k].window = v[k];
		m[k].window_se = se[k];
		m[k].higher_is_better = 1;
	}
	assert_int_equal(dm_quality_drops(m, 3, 0.05), DM_OK);
	for (k = 0; k < 3; k++)
		any |= m[k].dropped;
	return any;
}

static void quality_drop_false_alarms_and_power(void **state)
{
	enum { NREF = 20000, NWIN = 2000, RUNS = 400 };
	double *s = malloc(NREF * sizeof(double)), ref[3], ref_se[3];
	unsigned char *y = malloc(NREF);
	struct task same = {0.0, 0.0, 0}, drift = {0.0, -0.5, 0};
	struct task drift2 = {0.0, -1.0, 0};
	double tp = 0, fp = 0, fn = 0, ok = 0, npos = 0;
	int run, alarms = 0, hits = 0, hits2 = 0;
	rng_gen r;
	size_t i;

	(void)state;
	assert_true(s && y);
	rng_seed(&r, 77, 1);
	task_draw(&r, &same, NREF, s, y);
	for (i = 0; i < NREF; i++) {
		int yh = s[i] >= 0.5;

		ok += yh == y[i];
		tp += yh && y[i];
		fp += yh && !y[i];
		fn += !yh && y[i];
		npos += y[i];
	}
	ref[0] = ok / NREF;
	ref_se[0] = dm_se_proportion(ref[0], NREF);
	ref[1] = tp / (tp + 0.5 * (fp + fn));
	ref_se[1] = dm_se_f1(tp, fp, fn);
	ref[2] = dm_roc_auc(s, y, NULL, NREF, NULL);
	ref_se[2] = dm_se_auc(ref[2], npos, NREF - npos);
	for (run = 0; run < RUNS; run++) {
		alarms += drop_window(&r, &same, ref, ref_se, s, y, NWIN);
		hits += drop_window(&r, &drift, ref, ref_se, s, y, NWIN);
		hits2 += drop_window(&r, &drift2, ref, ref_se, s, y, NWIN);
	}
	printf("drop rule: false alarms %d/%d (%.1f%%), detection of a "
	       "concept shift of -0.5 log-odds %d/%d (%.1f%%), of -1 %d/%d "
	       "(%.1f%%), windows of %d\n",
	       alarms, RUNS, 100.0 * alarms / RUNS, hits, RUNS,
	       100.0 * hits / RUNS, hits2, RUNS, 100.0 * hits2 / RUNS, NWIN);
	/* at most alpha plus three binomial standard errors */
	assert_true(alarms <= RUNS * 0.05 + 3 * sqrt(RUNS * 0.05 * 0.95));
	assert_true(hits >= RUNS * 0.5);
	assert_true(hits2 >= RUNS * 0.95);
	free(s);
	free(y);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(quality_class_vs_sklearn),
		cmocka_unit_test(quality_regress_vs_sklearn),
		cmocka_unit_test(quality_isotonic_vs_sklearn),
		cmocka_unit_test(quality_auc_ties_half),
		cmocka_unit_test(quality_f1_zero_division),
		cmocka_unit_test(quality_confusion_merge),
		cmocka_unit_test(quality_hist_auc_bound),
		cmocka_unit_test(quality_bad_input),
		cmocka_unit_test(quality_cbpe_hand_example),
		cmocka_unit_test(quality_cbpe_vs_nannyml),
		cmocka_unit_test(quality_cbpe_covariate_shift),
		cmocka_unit_test(quality_cbpe_tilted_model),
		cmocka_unit_test(quality_cbpe_concept_shift_missed),
		cmocka_unit_test(quality_drop_vs_scipy),
		cmocka_unit_test(quality_perf_tasks_vs_scipy),
		cmocka_unit_test(quality_standard_errors),
		cmocka_unit_test(quality_drop_false_alarms_and_power),
	};

	if (argc > 1)
		cmocka_set_test_filter(argv[1]);
	return cmocka_run_group_tests_name("quality", tests, NULL, NULL);
}
