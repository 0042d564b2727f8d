/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Drift reports: the JSON report (docs/report-format.md, versioned), the
 * text summary in the original system's shape, and a brief view of a
 * stored report for `status` and `list`.
 */
#ifndef DRIFTMON_REPORT_H
#define DRIFTMON_REPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "driftmon/detect.h"
#include "driftmon/error.h"
#include "driftmon/export.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The JSON report of r (pretty-printed).  *out is malloc'd. */
DM_API dm_err dm_report_to_json(const dm_result *r, char **out, size_t *len);

/* Oldest report_version the readers below accept (1: features may
 * include columns that are not analysed; no "data" block). */
#define DM_REPORT_FORMAT_OLDEST 1

/* Prints the DRIFT DETECTION SUMMARY block to fp: the original system's
 * lines, plus "Not analyzed: ..." under "Samples analyzed:" when rows
 * were filtered out or skipped (dm_report_samples_note) and "Not
 * monitored: ..." when the baseline has columns that are not analysed. */
DM_API void dm_report_summary(const dm_result *r, FILE *fp);

/*
 * Why rows were not analysed, as one line: rows of other versions and of
 * other models (each counted, with an example value), malformed rows,
 * unreadable and empty files, a window without logs and the logs outside
 * it (r->data).  NULL when there is nothing to say; never NULL when
 * r->samples is 0 (but on allocation failure).  malloc'd.
 */
DM_API char *dm_report_samples_note(const dm_result *r);

/* The headline of a stored report. */
typedef struct dm_report_brief {
	char model[128];
	char model_version[64];
	char generated_at[40];
	char window_start[40]; /* "" when files were given */
	char window_end[40];
	uint64_t samples;
	int drift_detected;
	int insufficient;
	double drift_score;
	uint64_t features_drifted;
	uint64_t features_total;
	uint64_t alerts_critical;
	uint64_t alerts_warning;
	/* the "performance" section's accuracy: measured (labels), its
	 * reference, and CBPE's estimate with its band; NaN when absent */
	double acc_measured, acc_reference;
	double acc_estimated, acc_est_lower, acc_est_upper;
	/* measured F1 (binary scores: class 1's; class names: macro) and
	 * ROC AUC; NaN when absent */
	double f1_measured, auc_measured;
} dm_report_brief;

/* Parses the headline fields of a JSON report.  DM_EFORMAT / DM_EVERSION
 * with a diag naming name and the field. */
DM_API dm_err dm_report_brief_parse(const char *json, size_t len,
				    const char *name, dm_report_brief *b,
				    dm_diag *diag);

/* ------------------------------------------------------------------ */
/* HTML report (src/report/report_html.c)                              */
/* ------------------------------------------------------------------ */
/*
 * One self-contained HTML file: inline CSS and SVG, no scripts, nothing
 * fetched.  A header (verdict, drift score, samples, window, alerts), the
 * drift score over the report history, a table of the features sorted by
 * severity, and per feature the baseline and current distributions
 * overlaid (bin or category proportions), the ECDFs from the quantiles
 * where KS decided, PSI, KS D, p-values and status.  Built from the
 * report (that is, from profiles), so its size does not grow with the
 * data; every string from the report is HTML-escaped.
 */

/* One run in the drift-score trend. */
typedef struct dm_report_point {
	char generated_at[40]; /* ISO-8601 UTC */
	char window_end[40];   /* ISO-8601 UTC; "" when files were given */
	double drift_score;
	int drift_detected;
	int insufficient;
	/* accuracy over time (the HTML report's performance chart): which
	 * of the values below the run has (DM_POINT_*; 0 = none) */
	int perf;
	double acc_measured, acc_reference;
	double acc_estimated, acc_est_lower, acc_est_upper;
	double f1_measured, auc_measured; /* as dm_report_brief */
} dm_report_point;

#define DM_POINT_MEASURED  1  /* acc_measured */
#define DM_POINT_REFERENCE 2  /* acc_reference */
#define DM_POINT_ESTIMATED 4  /* acc_estimated and its band */
#define DM_POINT_F1	   8  /* f1_measured */
#define DM_POINT_AUC	   16 /* auc_measured */

typedef struct dm_html_opts {
	/* Earlier runs, oldest first (may include the report itself).
	 * Points later than the report are left out; the report's own
	 * point is added when missing.  May be NULL. */
	const dm_report_point *history;
	size_t nhistory;
	/* Where the report's JSON lives, shown in the footer (may be NULL). */
	const char *json_location;
	/* Categories drawn per categorical feature (0 = 12); the rest are
	 * drawn as one "other" bar. */
	size_t max_categories;
} dm_html_opts;

#define DM_HTML_HISTORY_DEFAULT 30

/*
 * Renders a JSON report (report_version DM_REPORT_FORMAT_OLDEST up to
 * DM_REPORT_FORMAT_VERSION, as dm_report_to_json writes it) as HTML.  name is
 * used in diagnostics.  o may be NULL.  *out is malloc'd (free()), *len its
 * length.  DM_EFORMAT / DM_EVERSION with a diag naming the field for a
 * malformed or unsupported report; missing optional fields (NaN statistics, no
 * current side) are drawn as "–".
 */
DM_API dm_err dm_report_html_from_json(const char *json, size_t len,
				       const char *name, const dm_html_opts *o,
				       char **out, size_t *outlen,
				       dm_diag *diag);
/* The same from a result: builds its JSON report and renders that. */
DM_API dm_err dm_report_to_html(const dm_result *r, const dm_html_opts *o,
				char **out, size_t *outlen, dm_diag *diag);
/* s HTML-escaped (& < > " ', control characters as U+FFFD) for text
 * and attribute values.  Returns a malloc'd string or NULL. */
DM_API char *dm_html_escape(const char *s);

/* ------------------------------------------------------------------ */
/* Prometheus text exposition (src/report/metrics.c)                   */
/* ------------------------------------------------------------------ */
/*
 * The metrics of a run in the Prometheus text format 0.0.4 (docs/
 * metrics.md): driftmon_drift_score, driftmon_drift_detected,
 * driftmon_features_drifted, driftmon_samples, ...,
 * driftmon_feature_psi{feature=...}, driftmon_feature_ks_pvalue{...},
 * every series labelled model and model_version; a statistic that is
 * NaN (not computed) is left out rather than written as NaN.  No
 * timestamps (the Pushgateway rejects them).
 */
typedef struct dm_metrics_info {
	double run_timestamp; /* Unix seconds the run started; <= 0: omitted */
	double run_duration;  /* seconds; < 0: omitted */
} dm_metrics_info;

/* *out is malloc'd (free()), *len its length.  info may be NULL. */
DM_API dm_err dm_report_metrics(const dm_result *r, const dm_metrics_info *info,
				char **out, size_t *len);
/* s escaped as a label value (\\, \", \n).  Returns a malloc'd string
 * or NULL. */
DM_API char *dm_prom_escape_label(const char *s);

/*
 * One feature's PSI hour by hour from a JSON report (features[].
 * hourly_psi, docs/hourly-profiles.md "The trend"): the first hour into
 * start (startn bytes), *vals (malloc'd; NaN for an hour without values)
 * and *n hours.  DM_ENOENT with a diag when the report has no such
 * feature or no hourly PSI for it; DM_EFORMAT when malformed.
 */
DM_API dm_err dm_report_hourly_psi(const char *json, size_t len,
				   const char *name, const char *feature,
				   char *start, size_t startn, double **vals,
				   size_t *n, dm_diag *diag);

#ifdef __cplusplus
}
#endif
#endif
