/* SPDX-License-Identifier: Apache-2.0 */
/*
 * driftmon model quality: the performance of a model measured from
 * (label, prediction) pairs, and estimated from scores alone.
 *
 *   classification  confusion matrix; precision, recall, F1 per class and
 *                   macro / micro / weighted; accuracy; ROC AUC (binary,
 *                   one-vs-rest for multiclass); average precision; log
 *                   loss; Brier score; calibration curve
 *   regression      MAE, RMSE, MAPE, R^2, error quantiles
 *   calibration     isotonic regression (pool-adjacent-violators)
 *   estimation      CBPE: the expected confusion matrix, accuracy,
 *                   precision, recall, F1 and ROC AUC of a binary
 *                   classifier from calibrated scores (NannyML)
 *
 * Every metric is defined as scikit-learn 1.2 (Debian 12) computes it,
 * including its choices on ties and on zero divisions; the unit tests
 * compare with stored sklearn vectors (tests/data/quality_*.txt) to 1e-9.
 * docs/model-quality.md states the rules.
 *
 * Classes are indices 0..k-1 (the caller maps its labels).  Weights are
 * optional (NULL = every weight 1); a weight must be finite and >= 0.
 * Functions that need held values (ranking metrics, quantiles) say so;
 * the accumulators (confusion matrix, calibration bins, regression sums,
 * score histogram) merge, so hourly partials combine into a window.
 * Like src/stats, this layer depends on libc and libm only.
 */
#ifndef DRIFTMON_QUALITY_H
#define DRIFTMON_QUALITY_H

#include <stddef.h>
#include <stdint.h>
#include "driftmon/export.h"

#include "driftmon/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Most classes a classification metric accepts (a bound on k*k cells). */
#define DM_QUALITY_MAX_CLASSES 4096

/* ------------------------------------------------------------------ */
/* Confusion matrix (mergeable)                                        */
/* ------------------------------------------------------------------ */
/*
 * m[t * k + p] is the total weight of rows with true class t predicted
 * as p (sklearn.metrics.confusion_matrix(y, yhat, labels=range(k),
 * sample_weight=w)).
 */
typedef struct dm_confusion {
	size_t k;
	double *m;
} dm_confusion;

/* Allocates a zero k x k matrix (2 <= k <= DM_QUALITY_MAX_CLASSES):
 * DM_EINVAL for another k, DM_ENOMEM.  Release with dm_confusion_release. */
DM_API dm_err dm_confusion_init(dm_confusion *c, size_t k);
/* Frees the cells; c may be NULL or already released. */
DM_API void dm_confusion_release(dm_confusion *c);
/* Adds one row of weight w: DM_EINVAL if a class is >= k or w is not a
 * finite value >= 0 (the matrix is then unchanged). */
DM_API dm_err dm_confusion_add(dm_confusion *c, size_t truth, size_t pred,
			       double w);
/* Adds n rows (w may be NULL); stops at the first bad row, returning
 * DM_EINVAL, with the rows before it added. */
DM_API dm_err dm_confusion_add_n(dm_confusion *c, const size_t *truth,
				 const size_t *pred, const double *w, size_t n);
/* dst += src; DM_EINVAL if their k differ. */
DM_API dm_err dm_confusion_merge(dm_confusion *dst, const dm_confusion *src);
/* Total weight. */
DM_API double dm_confusion_total(const dm_confusion *c);

/* Precision, recall, F1 (beta = 1) and support (total true weight). */
typedef struct dm_prf {
	double precision;
	double recall;
	double f1;
	double support;
} dm_prf;

/*
 * Scores of a confusion matrix as
 * sklearn.metrics.precision_recall_fscore_support(labels=range(k),
 * zero_division="warn") gives them: a ratio with a zero denominator is 0
 * (so a class never seen nor predicted has precision, recall and F1 0,
 * and counts in the macro average), and F1 is 0 when precision + recall
 * is 0.  macro is the plain mean over the k classes, weighted the mean
 * weighted by support (all three 0 when the support is 0), micro pools
 * the counts (for single-label data its three values equal accuracy).
 * accuracy is the trace over the total (NaN on an empty matrix).  cls
 * has k entries, owned by the struct.
 */
typedef struct dm_class_scores {
	size_t k;
	dm_prf *cls;
	dm_prf macro;
	dm_prf micro;
	dm_prf weighted;
	double accuracy;
} dm_class_scores;

/* Fills s from c (allocates s->cls): DM_ENOMEM; release with
 * dm_class_scores_release. */
DM_API dm_err dm_class_scores_compute(const dm_confusion *c,
				      dm_class_scores *s);
/* Frees s->cls; s may be NULL. */
DM_API void dm_class_scores_release(dm_class_scores *s);

/* ------------------------------------------------------------------ */
/* Ranking metrics (exact, on held values)                             */
/* ------------------------------------------------------------------ */
/*
 * ROC AUC of scores against binary truth pos[i] (nonzero = positive),
 * as sklearn.metrics.roc_auc_score: the trapezoidal area under the ROC
 * curve whose points are the distinct score thresholds, so tied scores
 * form one step (a tied positive/negative pair counts one half).  NaN
 * when either class has zero total weight (sklearn raises) or n is 0;
 * *err (may be NULL) receives DM_ENOMEM, DM_EINVAL (a NaN score or a bad
 * weight) or DM_OK.  Allocates O(n) temporarily.
 */
DM_API double dm_roc_auc(const double *score, const unsigned char *pos,
			 const double *w, size_t n, dm_err *err);

/*
 * Average precision as sklearn.metrics.average_precision_score:
 * sum over distinct thresholds (descending) of (R_i - R_{i-1}) P_i, with
 * no interpolation.  0 when no row is positive (sklearn warns and gives
 * 0), NaN when n is 0.  Errors as dm_roc_auc.
 */
DM_API double dm_average_precision(const double *score,
				   const unsigned char *pos, const double *w,
				   size_t n, dm_err *err);

/*
 * One-vs-rest over k classes: prob is n x k row-major (prob[i*k + c]),
 * y[i] < k the true class.  *macro is the plain mean of the k binary
 * scores, *weighted the mean weighted by each class's true weight (either
 * pointer may be NULL).  For ROC AUC, a class with no positive or no
 * negative row makes both NaN (sklearn raises); for average precision
 * such a class scores as dm_average_precision says.  DM_EINVAL for k < 2,
 * a class >= k or a NaN probability; DM_ENOMEM.
 */
DM_API dm_err dm_roc_auc_ovr(const double *prob, const size_t *y,
			     const double *w, size_t n, size_t k, double *macro,
			     double *weighted);
DM_API dm_err dm_average_precision_ovr(const double *prob, const size_t *y,
				       const double *w, size_t n, size_t k,
				       double *macro, double *weighted);

/* ------------------------------------------------------------------ */
/* Probabilistic metrics                                               */
/* ------------------------------------------------------------------ */
/*
 * Log loss as sklearn.metrics.log_loss(y, prob, labels=range(k)) with
 * eps "auto" (2^-52): each probability is clipped to [eps, 1 - eps], the
 * row renormalised to sum 1, and the loss is the weighted mean of
 * -log p[i, y_i].  prob is n x k row-major.  For a binary model with one
 * score column pass k = 1: prob[i] is P(class 1) and y[i] is 0 or 1.
 * NaN for n = 0 or zero total weight; *err as dm_roc_auc.
 */
DM_API double dm_log_loss(const double *prob, size_t k, const size_t *y,
			  const double *w, size_t n, dm_err *err);

/* Brier score (binary): weighted mean of (pos_i - p_i)^2, as
 * sklearn.metrics.brier_score_loss.  NaN for n = 0 or zero weight. */
DM_API double dm_brier(const double *p, const unsigned char *pos,
		       const double *w, size_t n, dm_err *err);

/*
 * Calibration curve with nbins uniform bins on [0, 1], as
 * sklearn.calibration.calibration_curve(strategy="uniform"): a score p
 * falls in bin b = the number of inner edges b/nbins strictly below p
 * (numpy.searchsorted, side "left"), so an edge value belongs to the
 * lower bin.  For bins with count > 0, prob_true = sum_true / count and
 * prob_pred = sum_prob / count; sklearn returns only those bins.
 * Mergeable; unweighted (as sklearn).
 */
typedef struct dm_calib {
	size_t nbins;
	double *sum_prob;
	double *sum_true;
	uint64_t *count;
} dm_calib;

/* 1 <= nbins <= 10000: DM_EINVAL, DM_ENOMEM. */
DM_API dm_err dm_calib_init(dm_calib *c, size_t nbins);
DM_API void dm_calib_release(dm_calib *c);
/* DM_EINVAL if p is outside [0, 1] or NaN (sklearn raises). */
DM_API dm_err dm_calib_add(dm_calib *c, double p, int pos);
DM_API dm_err dm_calib_merge(dm_calib *dst, const dm_calib *src);
/* Bin of p (no range check). */
DM_API size_t dm_calib_bin(size_t nbins, double p);

/* ------------------------------------------------------------------ */
/* Score histogram: a mergeable ROC AUC with a stated error            */
/* ------------------------------------------------------------------ */
/*
 * Positive and negative weight per score bin (nbins uniform bins on
 * [lo, hi], values outside clamped to the end bins).  dm_score_hist_auc
 * treats the scores within one bin as tied, so it is the exact AUC of the
 * binned scores; *bound receives a proven bound on its distance from the
 * exact AUC of the raw scores: half the weight of the positive/negative
 * pairs that share a bin, sum_b pos_b neg_b / (2 P N).
 */
typedef struct dm_score_hist {
	size_t nbins;
	double lo, hi;
	double *pos;
	double *neg;
} dm_score_hist;

DM_API dm_err dm_score_hist_init(dm_score_hist *h, size_t nbins, double lo,
				 double hi);
DM_API void dm_score_hist_release(dm_score_hist *h);
DM_API dm_err dm_score_hist_add(dm_score_hist *h, double score, int pos,
				double w);
DM_API dm_err dm_score_hist_merge(dm_score_hist *dst, const dm_score_hist *src);
/* NaN (and bound NaN) when a class has zero weight. */
DM_API double dm_score_hist_auc(const dm_score_hist *h, double *bound);

/* ------------------------------------------------------------------ */
/* Regression (mergeable sums)                                         */
/* ------------------------------------------------------------------ */
/*
 * Error e = prediction - label.  Sums are weighted; the mean and M2 of
 * the labels use the weighted Welford update (West 1979) and Chan's
 * merge, so R^2's denominator needs no second pass.
 */
typedef struct dm_regress {
	uint64_t n;
	double sw;     /* total weight */
	double sw_abs; /* sum w |e| */
	double sw_sq;  /* sum w e^2 */
	double sw_ape; /* sum w |e| / max(|y|, DBL_EPSILON) */
	double mean_y; /* weighted mean of labels */
	double m2_y;   /* sum w (y - mean_y)^2 */
} dm_regress;

typedef struct dm_regress_metrics {
	uint64_t n;
	double mae;  /* sklearn mean_absolute_error */
	double rmse; /* sqrt(mean_squared_error) */
	double mape; /* mean_absolute_percentage_error (a ratio, not %) */
	double r2;   /* r2_score: 1 - SSres/SStot; SStot = 0 gives 1 if
			SSres = 0, else 0 (force_finite);
			NaN for fewer than 2 rows, as sklearn */
} dm_regress_metrics;

DM_API void dm_regress_init(dm_regress *r);
/* DM_EINVAL for a non-finite value or a bad weight (r unchanged). */
DM_API dm_err dm_regress_add(dm_regress *r, double label, double pred,
			     double w);
DM_API void dm_regress_merge(dm_regress *dst, const dm_regress *src);
/* NaN everywhere when the total weight is 0. */
DM_API void dm_regress_metrics_compute(const dm_regress *r,
				       dm_regress_metrics *m);

/*
 * Quantiles of the errors pred[i] - label[i] at levels q[0..nq) in
 * [0, 1], as numpy.quantile (linear interpolation between order
 * statistics).  Held values; allocates O(n).  DM_EEMPTY for n = 0,
 * DM_EINVAL for a level outside [0, 1] or a NaN value, DM_ENOMEM.
 */
DM_API dm_err dm_error_quantiles(const double *label, const double *pred,
				 size_t n, const double *q, size_t nq,
				 double *out);

/* ------------------------------------------------------------------ */
/* Isotonic regression                                                 */
/* ------------------------------------------------------------------ */
/*
 * The fitted step function of
 * sklearn.isotonic.IsotonicRegression(out_of_bounds="clip"): rows with
 * weight 0 dropped, rows sorted by (x, y), x values closer than 1e-15
 * merged (weighted mean of y, summed weight), the pool-adjacent-violators
 * solution (Ayer et al. 1955; Best and Chakravarti 1990) of the weighted
 * least-squares monotone fit, clipped to [y_min, y_max], then the
 * interior points of constant runs dropped.  Prediction interpolates
 * linearly between the kept thresholds and clips x to [x_min, x_max].
 */
typedef struct dm_isotonic {
	size_t n;  /* thresholds kept */
	double *x; /* ascending */
	double *y;
	double x_min, x_max;
} dm_isotonic;

/*
 * Fits m (allocates; release with dm_isotonic_release).  w may be NULL.
 * increasing 0 fits a non-increasing function.  y_min / y_max: NaN for
 * none.  DM_EINVAL for a NaN or infinite x or y or a bad weight, DM_EEMPTY
 * when no row has positive weight, DM_ENOMEM.
 */
DM_API dm_err dm_isotonic_fit(dm_isotonic *m, const double *x, const double *y,
			      const double *w, size_t n, int increasing,
			      double y_min, double y_max);
/* The fitted value at x (NaN for a NaN x). */
DM_API double dm_isotonic_predict(const dm_isotonic *m, double x);
DM_API void dm_isotonic_release(dm_isotonic *m);

/* ------------------------------------------------------------------ */
/* CBPE: confidence-based performance estimation (binary)              */
/* ------------------------------------------------------------------ */
/*
 * NannyML's CBPE (docs: "Confidence-based Performance Estimation"): an
 * isotonic calibrator maps the model's score to P(y = 1) on a labelled
 * reference set; for a window without labels each row predicted positive
 * (score >= threshold) is a true positive with probability p and a false
 * positive with 1 - p, each row predicted negative a false negative with
 * p and a true negative with 1 - p.  The sums are the expected confusion
 * matrix; accuracy, precision, recall and F1 follow from it.  ROC AUC is
 * the area under the expected ROC curve: rows sorted by raw score, the
 * expected true and false positives accumulated by calibrated p, tied
 * raw scores forming one step.  The sampling error of each metric comes
 * from the reference set as in NannyML's sampling_error module (standard
 * deviation of the per-row contributions over sqrt(n times the relevant
 * fraction); ROC AUC from Hanley and McNeil 1982), and the band is
 * estimate +/- 3 sampling errors clipped to [0, 1].
 */
enum {
	DM_CBPE_ACCURACY,
	DM_CBPE_PRECISION,
	DM_CBPE_RECALL,
	DM_CBPE_F1,
	DM_CBPE_ROC_AUC,
	DM_CBPE_NMETRICS
};

typedef struct dm_cbpe {
	dm_isotonic cal;
	double threshold;
	/* from the reference set */
	double ref_value[DM_CBPE_NMETRICS]; /* realized */
	double se_std[DM_CBPE_NMETRICS];    /* per-row standard deviation */
	double se_frac[DM_CBPE_NMETRICS];   /* fraction of rows it is over */
	double ref_pos_frac;
	uint64_t ref_n;
} dm_cbpe;

typedef struct dm_cbpe_estimate {
	uint64_t n;
	double tp, fp, fn, tn; /* expected confusion matrix */
	double value[DM_CBPE_NMETRICS];
	double se[DM_CBPE_NMETRICS];
	double lower[DM_CBPE_NMETRICS];
	double upper[DM_CBPE_NMETRICS];
} dm_cbpe_estimate;

/* Name of a metric index ("accuracy", ..., "roc_auc"). */
DM_API const char *dm_cbpe_metric_name(int metric);

/*
 * Calibrates on the reference set (score, binary truth) and records its
 * sampling-error components.  DM_EINVAL for a NaN score, DM_EEMPTY when
 * n is 0 or one class is absent, DM_ENOMEM.  Release with
 * dm_cbpe_release.
 */
DM_API dm_err dm_cbpe_fit(dm_cbpe *m, const double *score,
			  const unsigned char *pos, size_t n, double threshold);
/*
 * Estimates a window's performance from its scores alone.  A metric
 * whose expected denominator is 0 is NaN.  DM_EEMPTY for n = 0,
 * DM_EINVAL for a NaN score, DM_ENOMEM.
 */
DM_API dm_err dm_cbpe_estimate_window(const dm_cbpe *m, const double *score,
				      size_t n, dm_cbpe_estimate *out);
DM_API void dm_cbpe_release(dm_cbpe *m);

/* ------------------------------------------------------------------ */
/* Standard errors and the drop rule                                   */
/* ------------------------------------------------------------------ */
/* sqrt(v (1 - v) / n): a proportion (accuracy, precision, recall) over
 * n rows.  NaN for n = 0 or v outside [0, 1]. */
DM_API double dm_se_proportion(double v, double n);
/* Hanley and McNeil (1982, Radiology 143, eq. 2) standard error of an
 * AUC a with npos positives and nneg negatives.  NaN if either is 0. */
DM_API double dm_se_auc(double a, double npos, double nneg);
/* Standard error of F1 = tp / (tp + (fp + fn) / 2) from the counts: the
 * standard deviation of the per-row contributions (tp rows 1, fp and fn
 * rows 0, scaled to mean F1) over sqrt(tp + fp + fn) (NannyML). */
DM_API double dm_se_f1(double tp, double fp, double fn);
/* Standard error of the MAE: sqrt((mean e^2 - MAE^2) / n) with n the
 * number of rows of positive weight; NaN for fewer than 2. */
DM_API double dm_se_mae(const dm_regress *r);

/*
 * One metric compared with its reference value.  The degradation is
 * d = reference - window when higher is better, window - reference
 * otherwise.  The drop test is one-sided, H0: d <= min_effect, with
 * z = (d - min_effect) / sqrt(ref_se^2 + window_se^2) and
 * p = P(Z >= z); the p-values of all tested metrics are Holm-adjusted
 * together, and a metric has dropped when its adjusted p < alpha (and
 * then d > min_effect).  A metric with a NaN value or standard error,
 * or both standard errors 0, is not tested (tested 0, p NaN).
 *
 * relative 1: min_effect is a fraction of the reference value: the
 * margin is m = min_effect |reference|, and the statistic
 * (d - m) / sqrt(window_se^2 + k^2 ref_se^2), k = 1 + min_effect (lower
 * is better) or 1 - min_effect (higher), so that the test compares the
 * window with the reference scaled by k; dropped needs d > m.  Both
 * ref_n and window_n > 1 (the rows behind standard errors of means):
 * Welch's t with the Welch-Satterthwaite degrees of freedom
 * df = S^2 / (window_se^4 / (window_n - 1) + k^4 ref_se^4 / (ref_n - 1)),
 * S the squared denominator, and p = P(T_df >= t), as scipy's
 * ttest_ind(window, k * reference, equal_var=False,
 * alternative="greater") on the rows (lower is better); otherwise the
 * normal approximation (df NaN).
 */
typedef struct dm_quality_cmp {
	const char *name;
	double reference, ref_se;
	double window, window_se;
	int higher_is_better;
	double min_effect; /* >= 0 */
	/* results */
	int tested;
	double degradation;
	double z, pvalue, pvalue_adjusted;
	int dropped;
	/* options (after the results: zero = absolute margin, normal) */
	int relative;
	double ref_n, window_n;
	double df; /* result: Welch's degrees of freedom, or NaN */
} dm_quality_cmp;

/* Student's t survival function P(T_df >= t) (the regularized
 * incomplete beta function; the normal one for an infinite df).  NaN
 * for a NaN argument or df <= 0. */
DM_API double dm_t_sf(double t, double df);

/* Standard error of the macro F1 of a confusion matrix: the root of the
 * sum of the per-class dm_se_f1 squared, over k, the classes treated as
 * independent (classes with no row and no prediction count 0).  NaN for
 * an empty matrix. */
DM_API double dm_se_f1_macro(const dm_confusion *cm);

/*
 * Moments of the errors e = pred - label of n pairs: their count, the
 * mean and sample variance (ddof 1) of |e| and of e^2 (two passes).
 * The means are the MAE and the MSE; what the Welch drop test of a
 * regression's MAE and RMSE needs.  Variances NaN below 2 rows.
 */
typedef struct dm_error_moments {
	double n;
	double abs_mean, abs_var;
	double sq_mean, sq_var;
} dm_error_moments;

DM_API void dm_error_moments_compute(const double *label, const double *pred,
				     size_t n, dm_error_moments *out);

/* Fills the results of m[0..n).  DM_EINVAL for alpha outside (0, 1) or
 * a negative min_effect; DM_ENOMEM. */
DM_API dm_err dm_quality_drops(dm_quality_cmp *m, size_t n, double alpha);

#ifdef __cplusplus
}
#endif
#endif
