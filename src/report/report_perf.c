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
	if (p->task == DM_PERF_BINARY_SCORE) {
		num_or_null(w, "roc_auc", p->roc_auc);
		num_or_null(w, "average_precision", p->average_precision);
		num_or_null(w, "log_loss", p->log_loss);
		num_or_null(w, "brier", p->brier);
	}
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
		fprintf(fp, "Performance: accuracy %.4f, F1 %.4f, ROC AUC %.4f\n",
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
}
