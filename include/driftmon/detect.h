/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Drift detection: compare a current profile with a baseline feature by
 * feature, decide drift, score it and raise alerts.
 *
 * The rule (docs/drift-decision.md):
 *   - every feature gets PSI (over the baseline's bins or categories) and
 *     a test p-value: two-sample KS for numeric features, chi-square
 *     homogeneity for categorical ones;
 *   - the p-values are corrected for testing many features at once by
 *     Holm's step-down procedure at family-wise level alpha (0.01: an
 *     hourly job at 0.05 would raise a false alarm about once a day);
 *   - a feature has drifted when its corrected test is significant AND
 *     the shift is large enough to matter: PSI >= the minor band (0.1)
 *     or, for numeric features, KS D >= min_ks_d (0.05);
 *   - drift is detected when at least one feature drifted; the drift
 *     score is the importance-weighted share of features drifted.
 */
#ifndef DRIFTMON_DETECT_H
#define DRIFTMON_DETECT_H

#include <stddef.h>
#include <stdint.h>

#include "driftmon/error.h"
#include "driftmon/profile.h"
#include "driftmon/export.h"

#ifdef __cplusplus
extern "C" {
#endif

#define DM_REPORT_FORMAT_VERSION 1

typedef struct dm_detect_config {
	double psi_threshold;      /* DRIFT_PSI_THRESHOLD, default 0.2 */
	double psi_minor;          /* lower PSI band, default 0.1 */
	double alpha;              /* family-wise significance, 0.01 */
	double min_ks_d;           /* KS effect floor, default 0.05 */
	double critical_threshold; /* DRIFT_SCORE_CRITICAL_THRESHOLD, 0.5 */
	uint64_t min_samples;      /* DRIFT_MIN_SAMPLES, default 100 */
	double invalid_rate_alert; /* invalid-value share alerting, 0.01 */
	double missing_jump_alert; /* missing-rate rise alerting, 0.05 */
} dm_detect_config;

/* Fills the defaults above. */
DM_API void dm_detect_config_init(dm_detect_config *c);

typedef enum dm_status {
	DM_STATUS_NONE = 0,
	DM_STATUS_MINOR,
	DM_STATUS_DRIFT,
	DM_STATUS_NOT_COMPARED, /* absent from the data, or no values */
	DM_STATUS_INSUFFICIENT, /* fewer rows than min_samples */
	/* the column's role (identifier, event time, text, label, ignored)
	 * is not analysed for drift; reports list it apart */
	DM_STATUS_NOT_MONITORED
} dm_status;

DM_API const char *dm_status_name(dm_status s);

typedef enum dm_severity {
	DM_SEV_WARNING = 0,
	DM_SEV_CRITICAL = 1
} dm_severity;

typedef struct dm_alert {
	dm_severity severity;
	char code[32];
	char feature[128]; /* "" when the alert is not about one feature */
	char message[320];
} dm_alert;

typedef struct dm_feature_result {
	const dm_feature *base; /* in the baseline profile */
	const dm_feature *cur;  /* in the current profile (may be absent) */
	dm_status status;
	int drifted;
	int tested;          /* a p-value was computed */
	double psi;          /* NaN when not compared */
	double ks_statistic; /* numeric only, else NaN */
	double ks_pvalue;    /* numeric only, else NaN */
	double ks_d_error;   /* bound on |D - D_exact| from the sketches */
	int ks_exact;        /* both sides held every value */
	const char *ks_method; /* "exact" / "asymp" */
	double chi2_statistic; /* categorical only, else NaN */
	double chi2_pvalue;
	int chi2_df;
	double pvalue;       /* the test's raw p-value */
	double pvalue_adjusted; /* Holm-adjusted */
	double missing_rate_base;
	double missing_rate_cur;
	double invalid_rate;
	uint64_t unseen;     /* categorical: values not in the baseline */
	double severity_rank; /* for sorting: higher = worse */
} dm_feature_result;

typedef struct dm_result {
	char *model;
	char *model_version;
	char *generated_at;   /* ISO-8601 UTC */
	char *window_start;   /* ISO-8601 UTC or NULL (files given) */
	char *window_end;
	uint64_t samples;
	uint64_t rows_skipped;
	uint64_t rows_filtered;
	int insufficient;     /* fewer samples than min_samples: no verdict */
	int drift_detected;
	double drift_score;
	size_t features_drifted;
	size_t features_total;  /* features compared */
	dm_feature_result *features; /* nfeatures, in baseline order */
	size_t nfeatures;
	dm_alert *alerts;
	size_t nalerts;
	dm_detect_config config;
	char **ignored_columns; /* borrowed from the current profile */
	size_t nignored;
} dm_result;

/*
 * Compares current (built with the baseline as reference) against
 * baseline.  Fills *res (release with dm_result_release).  The profiles
 * must outlive *res (it points into them).
 */
DM_API dm_err dm_detect(const dm_profile *baseline, const dm_profile *current,
			const dm_detect_config *cfg, dm_result *res,
			dm_diag *diag);
DM_API void dm_result_release(dm_result *res);
/* Appends an alert (code and message are copied, truncated to fit;
 * feature may be NULL). */
DM_API dm_err dm_result_add_alert(dm_result *res, dm_severity sev,
				  const char *code, const char *feature,
				  const char *message);
/* Number of alerts of a severity. */
DM_API size_t dm_result_count_alerts(const dm_result *res, dm_severity sev);

#ifdef __cplusplus
}
#endif
#endif
