/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The metrics of a drift run in the Prometheus text exposition format
 * (version 0.0.4), for the Pushgateway and node-exporter's textfile
 * collector.  Names follow the Prometheus conventions: a driftmon_
 * prefix, base units (_seconds), _ratio for shares, one HELP and TYPE
 * line per family and all samples of a family together.  Every series
 * carries model and model_version; per-feature series add feature.
 * Statistics that were not computed (NaN) are left out: an absent
 * series is easier to alert on correctly than a NaN.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/jsonw.h"
#include "core/sbuf.h"
#include "driftmon/labels.h"
#include "driftmon/report.h"

/* Appends s escaped as a label value: \ " and newline. */
static void put_label(sbuf *b, const char *s)
{
	const char *p;

	for (p = s ? s : ""; *p; p++) {
		if (*p == '\\')
			sb_puts(b, "\\\\");
		else if (*p == '"')
			sb_puts(b, "\\\"");
		else if (*p == '\n')
			sb_puts(b, "\\n");
		else
			sb_putc(b, *p);
	}
}

char *dm_prom_escape_label(const char *s)
{
	sbuf b;
	char *out;

	sb_init(&b, 0);
	put_label(&b, s);
	return sb_finish(&b, &out, NULL) == DM_OK ? out : NULL;
}

static void put_value(sbuf *b, double x)
{
	char num[40];

	if (isinf(x))
		sb_puts(b, x > 0 ? "+Inf" : "-Inf");
	else if (isnan(x))
		sb_puts(b, "NaN");
	else {
		jw_fmt_double(num, sizeof(num), x);
		sb_puts(b, num);
	}
}

static void family(sbuf *b, const char *name, const char *type,
		   const char *help)
{
	sb_printf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* name{model="..",model_version=".."[,k="v"]} value */
static void sample(sbuf *b, const char *name, const dm_result *r, const char *k,
		   const char *v, double x)
{
	sb_puts(b, name);
	sb_puts(b, "{model=\"");
	put_label(b, r->model);
	sb_puts(b, "\",model_version=\"");
	put_label(b, r->model_version);
	if (k) {
		sb_printf(b, "\",%s=\"", k);
		put_label(b, v);
	}
	sb_puts(b, "\"} ");
	put_value(b, x);
	sb_putc(b, '\n');
}

enum fstat { F_DRIFTED, F_PSI, F_KS_D, F_KS_P, F_CHI2_P, F_P_ADJ, F_MISSING };

static const struct {
	enum fstat which;
	const char *name;
	const char *help;
} fstats[] = {
	{F_DRIFTED, "driftmon_feature_drifted",
	 "1 if the feature drifted in the last run, else 0 (compared "
	 "features only)."},
	{F_PSI, "driftmon_feature_psi",
	 "Population stability index of the feature, current window vs "
	 "baseline."},
	{F_KS_D, "driftmon_feature_ks_statistic",
	 "Two-sample Kolmogorov-Smirnov statistic D (numeric features)."},
	{F_KS_P, "driftmon_feature_ks_pvalue",
	 "Kolmogorov-Smirnov p-value before the multiple-testing "
	 "correction (numeric features)."},
	{F_CHI2_P, "driftmon_feature_chi2_pvalue",
	 "Chi-square homogeneity p-value before the multiple-testing "
	 "correction (categorical features)."},
	{F_P_ADJ, "driftmon_feature_pvalue_adjusted",
	 "Holm-adjusted p-value of the feature's test."},
	{F_MISSING, "driftmon_feature_missing_ratio",
	 "Share of missing values of the feature in the current window."},
};

static int compared(const dm_feature_result *f)
{
	return f->status != DM_STATUS_NOT_COMPARED &&
	       f->status != DM_STATUS_INSUFFICIENT && !isnan(f->psi);
}

static double fvalue(const dm_feature_result *f, enum fstat w)
{
	if (f->status == DM_STATUS_NOT_MONITORED)
		return NAN; /* not a drift feature: no series */
	switch (w) {
	case F_DRIFTED:
		return compared(f) ? (f->drifted ? 1.0 : 0.0) : NAN;
	case F_PSI:
		return f->psi;
	case F_KS_D:
		return f->ks_statistic;
	case F_KS_P:
		return f->ks_pvalue;
	case F_CHI2_P:
		return f->chi2_pvalue;
	case F_P_ADJ:
		return f->tested ? f->pvalue_adjusted : NAN;
	case F_MISSING:
		return f->cur && f->cur->present ? f->missing_rate_cur : NAN;
	}
	return NAN;
}

/* Against the reference performance (driftmon reference): the reference
 * values, CBPE's estimate with its band, and which metrics dropped
 * (1/0: the PERFORMANCE_DROP and ESTIMATED_PERFORMANCE_DROP alerts). */
static void comparison(sbuf *b, const dm_result *r)
{
	static const char *const cmp[DM_PERF_NCMP] = {"accuracy", "f1",
						      "roc_auc"};
	static const struct {
		const char *name, *help;
	} est[3] = {
		{"driftmon_model_metric_estimated",
		 "Performance estimated from the window's scores (CBPE)."},
		{"driftmon_model_metric_estimated_lower",
		 "Lower end of the CBPE estimate's band."},
		{"driftmon_model_metric_estimated_upper",
		 "Upper end of the CBPE estimate's band."},
	};
	const dm_perf *p = r->performance;
	int i, k;

	family(b, "driftmon_model_metric_reference", "gauge",
	       "Performance on the reference (validation) set.");
	for (i = 0; i < DM_PERF_NCMP; i++)
		if (p->drop[i].name && isfinite(p->ref[i]))
			sample(b, "driftmon_model_metric_reference", r,
			       "metric", p->drop[i].name, p->ref[i]);
	family(b, "driftmon_model_performance_dropped", "gauge",
	       "1 if the measured metric dropped below the reference "
	       "(PERFORMANCE_DROP), else 0.");
	for (i = 0; i < DM_PERF_NCMP; i++)
		if (p->drop[i].name)
			sample(b, "driftmon_model_performance_dropped", r,
			       "metric", p->drop[i].name,
			       p->drop[i].dropped ? 1.0 : 0.0);
	if (!p->has_estimate)
		return;
	for (k = 0; k < 3; k++) {
		family(b, est[k].name, "gauge", est[k].help);
		for (i = 0; i < DM_CBPE_NMETRICS; i++) {
			double v = k == 0   ? p->estimate.value[i]
				   : k == 1 ? p->estimate.lower[i]
					    : p->estimate.upper[i];

			if (isfinite(v))
				sample(b, est[k].name, r, "metric",
				       dm_cbpe_metric_name(i), v);
		}
	}
	family(b, "driftmon_model_performance_estimated_dropped", "gauge",
	       "1 if CBPE's band lies below the reference minus the minimum "
	       "drop (ESTIMATED_PERFORMANCE_DROP), else 0.");
	for (i = 0; i < DM_PERF_NCMP; i++)
		sample(b, "driftmon_model_performance_estimated_dropped", r,
		       "metric", cmp[i], p->estimated_drop[i] ? 1.0 : 0.0);
}

/* The measured performance (labels joined with predictions): counts and
 * one driftmon_model_metric sample per finite metric. */
static void performance(sbuf *b, const dm_result *r)
{
	const dm_perf *p = r->performance;
	struct {
		const char *name;
		double v;
	} m[12];
	size_t n = 0, i;

	family(b, "driftmon_model_predictions", "gauge",
	       "Predictions in the window with a request id.");
	sample(b, "driftmon_model_predictions", r, NULL, NULL,
	       (double)p->predictions);
	family(b, "driftmon_model_predictions_labelled", "gauge",
	       "Predictions joined with a label within the maximum delay.");
	sample(b, "driftmon_model_predictions_labelled", r, NULL, NULL,
	       (double)p->labelled);
	family(b, "driftmon_model_labels_late", "gauge",
	       "Predictions whose label came after the maximum delay.");
	sample(b, "driftmon_model_labels_late", r, NULL, NULL, (double)p->late);
	if (p->task == DM_PERF_REGRESSION) {
		m[n].name = "mae", m[n++].v = p->reg.mae;
		m[n].name = "rmse", m[n++].v = p->reg.rmse;
		m[n].name = "mape", m[n++].v = p->reg.mape;
		m[n].name = "r2", m[n++].v = p->reg.r2;
	} else if (p->task != DM_PERF_NONE) {
		m[n].name = "accuracy", m[n++].v = p->scores.accuracy;
		m[n].name = "precision_macro",
		m[n++].v = p->scores.macro.precision;
		m[n].name = "recall_macro", m[n++].v = p->scores.macro.recall;
		m[n].name = "f1_macro", m[n++].v = p->scores.macro.f1;
		if (p->task == DM_PERF_BINARY_SCORE) {
			m[n].name = "f1", m[n++].v = p->scores.cls[1].f1;
			m[n].name = "roc_auc", m[n++].v = p->roc_auc;
			m[n].name = "average_precision",
			m[n++].v = p->average_precision;
			m[n].name = "log_loss", m[n++].v = p->log_loss;
			m[n].name = "brier", m[n++].v = p->brier;
		}
	}
	if (n > 0) {
		family(b, "driftmon_model_metric", "gauge",
		       "Measured performance of the window's labelled "
		       "predictions.");
		for (i = 0; i < n; i++)
			if (isfinite(m[i].v))
				sample(b, "driftmon_model_metric", r, "metric",
				       m[i].name, m[i].v);
	}
	if (p->compared)
		comparison(b, r);
}

dm_err dm_report_metrics(const dm_result *r, const dm_metrics_info *info,
			 char **out, size_t *len)
{
	sbuf b;
	size_t i, j;

	sb_init(&b, 0);
	family(&b, "driftmon_build_info", "gauge",
	       "Always 1; the driftmon version that produced the metrics.");
	sample(&b, "driftmon_build_info", r, "version", DM_VERSION, 1.0);
	family(&b, "driftmon_drift_score", "gauge",
	       "Importance-weighted share of compared features that drifted "
	       "(0 to 1).");
	sample(&b, "driftmon_drift_score", r, NULL, NULL, r->drift_score);
	family(&b, "driftmon_drift_detected", "gauge",
	       "1 if the last run detected drift, else 0.");
	sample(&b, "driftmon_drift_detected", r, NULL, NULL,
	       r->drift_detected ? 1.0 : 0.0);
	family(&b, "driftmon_insufficient_data", "gauge",
	       "1 if the last run had too few samples for a verdict, else "
	       "0.");
	sample(&b, "driftmon_insufficient_data", r, NULL, NULL,
	       r->insufficient ? 1.0 : 0.0);
	family(&b, "driftmon_features_drifted", "gauge",
	       "Number of features that drifted in the last run.");
	sample(&b, "driftmon_features_drifted", r, NULL, NULL,
	       (double)r->features_drifted);
	family(&b, "driftmon_features_compared", "gauge",
	       "Number of features compared in the last run.");
	sample(&b, "driftmon_features_compared", r, NULL, NULL,
	       (double)r->features_total);
	family(&b, "driftmon_samples", "gauge",
	       "Rows of inference data analysed in the last run.");
	sample(&b, "driftmon_samples", r, NULL, NULL, (double)r->samples);
	family(&b, "driftmon_rows_skipped", "gauge",
	       "Malformed rows skipped in the last run.");
	sample(&b, "driftmon_rows_skipped", r, NULL, NULL,
	       (double)r->rows_skipped);
	family(&b, "driftmon_rows_filtered", "gauge",
	       "Rows of the data read that belong to another model or "
	       "another version of the model, by reason.");
	sample(&b, "driftmon_rows_filtered", r, "reason", "other_model",
	       (double)r->data.rows_other_model);
	sample(&b, "driftmon_rows_filtered", r, "reason", "other_version",
	       (double)r->data.rows_other_version);
	family(&b, "driftmon_files_unreadable", "gauge",
	       "Log files skipped because they could not be read.");
	sample(&b, "driftmon_files_unreadable", r, NULL, NULL,
	       (double)r->data.files_unreadable);
	family(&b, "driftmon_alerts", "gauge",
	       "Alerts raised by the last run, by severity.");
	sample(&b, "driftmon_alerts", r, "severity", "critical",
	       (double)dm_result_count_alerts(r, DM_SEV_CRITICAL));
	sample(&b, "driftmon_alerts", r, "severity", "warning",
	       (double)dm_result_count_alerts(r, DM_SEV_WARNING));
	if (info && info->run_timestamp > 0) {
		family(&b, "driftmon_last_run_timestamp_seconds", "gauge",
		       "Unix time the last run started.");
		sample(&b, "driftmon_last_run_timestamp_seconds", r, NULL, NULL,
		       info->run_timestamp);
	}
	if (info && info->run_duration >= 0) {
		family(&b, "driftmon_run_duration_seconds", "gauge",
		       "Wall-clock duration of the last run.");
		sample(&b, "driftmon_run_duration_seconds", r, NULL, NULL,
		       info->run_duration);
	}
	if (r->performance)
		performance(&b, r);
	for (j = 0; j < sizeof(fstats) / sizeof(fstats[0]); j++) {
		int any = 0;

		for (i = 0; i < r->nfeatures && !any; i++)
			any = !isnan(fvalue(&r->features[i], fstats[j].which));
		if (!any)
			continue;
		family(&b, fstats[j].name, "gauge", fstats[j].help);
		for (i = 0; i < r->nfeatures; i++) {
			const dm_feature_result *f = &r->features[i];
			double x = fvalue(f, fstats[j].which);

			if (!isnan(x))
				sample(&b, fstats[j].name, r, "feature",
				       f->base->name, x);
		}
	}
	return sb_finish(&b, out, len);
}
