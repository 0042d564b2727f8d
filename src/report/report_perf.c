/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The measured performance of a window (labels joined with predictions,
 * driftmon/labels.h) in the JSON report's "performance" section and the
 * text summary.  docs/report-format.md and docs/model-quality.md describe
 * the fields.
 */
#include <math.h>
#include <stdio.h>

#include "report/report_perf.h"

static void num_or_null(jw *w, const char *k, double v)
{
	jw_key(w, k);
	if (isfinite(v))
		jw_num(w, v);
	else
		jw_null(w);
}

static void prf(jw *w, const char *k, const dm_prf *p)
{
	jw_key(w, k);
	jw_obj(w);
	num_or_null(w, "precision", p->precision);
	num_or_null(w, "recall", p->recall);
	num_or_null(w, "f1", p->f1);
	num_or_null(w, "support", p->support);
	jw_obj_end(w);
}

static void calibration(jw *w, const dm_calib *c);

static void classification(jw *w, const dm_perf *p)
{
	size_t i, j, k = p->cm.k;

	num_or_null(w, "accuracy", p->scores.accuracy);
	prf(w, "macro", &p->scores.macro);
	prf(w, "micro", &p->scores.micro);
	prf(w, "weighted", &p->scores.weighted);
	jw_key(w, "classes");
	jw_arr(w);
	for (i = 0; i < p->nclasses; i++) {
		jw_obj(w);
		jw_key(w, "class");
		jw_str(w, p->classes[i]);
		num_or_null(w, "precision", p->scores.cls[i].precision);
		num_or_null(w, "recall", p->scores.cls[i].recall);
		num_or_null(w, "f1", p->scores.cls[i].f1);
		num_or_null(w, "support", p->scores.cls[i].support);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_key(w, "confusion_matrix");
	jw_arr(w);
	for (i = 0; i < k; i++) {
		jw_arr(w);
		for (j = 0; j < k; j++)
			jw_num(w, p->cm.m[i * k + j]);
		jw_arr_end(w);
	}
	jw_arr_end(w);
	if (p->task == DM_PERF_CLASSIFICATION)
		num_or_null(w, "f1_macro", p->scores.macro.f1);
	if (p->task == DM_PERF_BINARY_SCORE) {
		num_or_null(w, "f1", p->scores.cls[1].f1);
		num_or_null(w, "roc_auc", p->roc_auc);
		num_or_null(w, "average_precision", p->average_precision);
		num_or_null(w, "log_loss", p->log_loss);
		num_or_null(w, "brier", p->brier);
		calibration(w, &p->calib);
	}
}

/* "calibration": the non-empty bins of the reliability diagram, as
 * sklearn's calibration_curve(strategy="uniform") lists them. */
static void calibration(jw *w, const dm_calib *c)
{
	size_t b;

	if (!c->nbins)
		return;
	jw_key(w, "calibration");
	jw_obj(w);
	jw_key(w, "bins");
	jw_u64(w, c->nbins);
	jw_key(w, "curve");
	jw_arr(w);
	for (b = 0; b < c->nbins; b++) {
		if (!c->count[b])
			continue;
		jw_obj(w);
		jw_key(w, "bin");
		jw_u64(w, b);
		num_or_null(w, "mean_predicted",
			    c->sum_prob[b] / (double)c->count[b]);
		num_or_null(w, "fraction_positive",
			    c->sum_true[b] / (double)c->count[b]);
		jw_key(w, "count");
		jw_u64(w, c->count[b]);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_obj_end(w);
}

static const char *const cmp_names[DM_PERF_NCMP] = {"accuracy", "f1",
						    "roc_auc"};
static const int cbpe_of[DM_PERF_NCMP] = {DM_CBPE_ACCURACY, DM_CBPE_F1,
					  DM_CBPE_ROC_AUC};

/* "reference": per metric its reference value and the drop test;
 * "estimated": CBPE's expected confusion matrix and metrics with bands. */
static void comparison(jw *w, const dm_perf *p)
{
	int i;

	jw_key(w, "reference");
	jw_obj(w);
	for (i = 0; i < DM_PERF_NCMP; i++) {
		const dm_quality_cmp *c = &p->drop[i];

		if (!c->name)
			continue; /* a slot the reference's task has not */
		jw_key(w, c->name);
		jw_obj(w);
		num_or_null(w, "value", p->ref[i]);
		num_or_null(w, "min_effect", c->min_effect);
		jw_key(w, "tested");
		jw_bool(w, c->tested);
		num_or_null(w, "pvalue", c->pvalue);
		num_or_null(w, "pvalue_adjusted", c->pvalue_adjusted);
		jw_key(w, "dropped");
		jw_bool(w, c->dropped);
		jw_obj_end(w);
	}
	jw_obj_end(w);
	jw_key(w, "estimated");
	if (!p->has_estimate) {
		jw_null(w);
		return;
	}
	jw_obj(w);
	jw_key(w, "method");
	jw_str(w, "cbpe");
	jw_key(w, "rows");
	jw_u64(w, p->estimate.n);
	jw_key(w, "confusion_matrix");
	jw_arr(w);
	jw_arr(w);
	jw_num(w, p->estimate.tn);
	jw_num(w, p->estimate.fp);
	jw_arr_end(w);
	jw_arr(w);
	jw_num(w, p->estimate.fn);
	jw_num(w, p->estimate.tp);
	jw_arr_end(w);
	jw_arr_end(w);
	for (i = 0; i < DM_CBPE_NMETRICS; i++) {
		jw_key(w, dm_cbpe_metric_name(i));
		jw_obj(w);
		num_or_null(w, "value", p->estimate.value[i]);
		num_or_null(w, "lower", p->estimate.lower[i]);
		num_or_null(w, "upper", p->estimate.upper[i]);
		jw_obj_end(w);
	}
	jw_key(w, "dropped");
	jw_arr(w);
	for (i = 0; i < DM_PERF_NCMP; i++)
		if (p->estimated_drop[i])
			jw_str(w, cmp_names[i]);
	jw_arr_end(w);
	jw_obj_end(w);
}

void dm_report_perf_json(jw *w, const dm_perf *p)
{
	jw_key(w, "performance");
	jw_obj(w);
	jw_key(w, "prediction_column");
	jw_str(w, p->prediction_column);
	jw_key(w, "predictions");
	jw_u64(w, p->predictions);
	jw_key(w, "labelled");
	jw_u64(w, p->labelled);
	jw_key(w, "labels_late");
	jw_u64(w, p->late);
	num_or_null(w, "max_delay_hours", p->max_delay_hours);
	jw_key(w, "task");
	jw_str(w, dm_perf_task_name(p->task));
	if (p->task == DM_PERF_REGRESSION) {
		num_or_null(w, "mae", p->reg.mae);
		num_or_null(w, "rmse", p->reg.rmse);
		num_or_null(w, "mape", p->reg.mape);
		num_or_null(w, "r2", p->reg.r2);
	} else if (p->task != DM_PERF_NONE) {
		classification(w, p);
	}
	if (p->compared)
		comparison(w, p);
	jw_obj_end(w);
}

void dm_report_perf_summary(const dm_perf *p, FILE *fp)
{
	fprintf(fp, "Predictions with labels: %llu/%llu (max delay %gh",
		(unsigned long long)p->labelled,
		(unsigned long long)p->predictions, p->max_delay_hours);
	if (p->late)
		fprintf(fp, "; %llu labels later", (unsigned long long)p->late);
	fprintf(fp, ")\n");
	switch (p->task) {
	case DM_PERF_BINARY_SCORE:
		fprintf(fp,
			"Performance: accuracy %.4f, F1 %.4f, ROC AUC %.4f\n",
			p->scores.accuracy, p->scores.cls[1].f1, p->roc_auc);
		break;
	case DM_PERF_CLASSIFICATION:
		fprintf(fp, "Performance: accuracy %.4f, macro F1 %.4f\n",
			p->scores.accuracy, p->scores.macro.f1);
		break;
	case DM_PERF_REGRESSION:
		fprintf(fp, "Performance: MAE %.6g, RMSE %.6g, R2 %.4f\n",
			p->reg.mae, p->reg.rmse, p->reg.r2);
		break;
	default:
		break;
	}
	if (p->has_estimate) {
		const dm_cbpe_estimate *e = &p->estimate;

		fprintf(fp,
			"Estimated (CBPE): accuracy %.4f [%.4f, %.4f], "
			"ROC AUC %.4f [%.4f, %.4f]; reference %.4f, %.4f\n",
			e->value[cbpe_of[DM_PERF_ACC]],
			e->lower[cbpe_of[DM_PERF_ACC]],
			e->upper[cbpe_of[DM_PERF_ACC]],
			e->value[cbpe_of[DM_PERF_AUC]],
			e->lower[cbpe_of[DM_PERF_AUC]],
			e->upper[cbpe_of[DM_PERF_AUC]], p->ref[DM_PERF_ACC],
			p->ref[DM_PERF_AUC]);
	}
}
