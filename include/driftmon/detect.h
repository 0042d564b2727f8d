/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Drift detection: compare a current profile with a baseline column by
 * column, decide drift, score it and raise alerts.
 *
 * The rule (docs/drift-decision.md):
 *   - only columns whose role is FEATURE or PREDICTION are compared; any
 *     other role (label, event time, identifier, text, ignored) gets
 *     status NOT_MONITORED, no statistics and no alerts;
 *   - every compared column gets PSI (over the baseline's bins or
 *     categories), KS (numeric) or chi-square (categorical), and its drift
 *     test (docs/drift-tests.md): --test, else the spec's, else the
 *     automatic one (KS for numeric columns, chi-square for categorical
 *     ones, the z-test or Fisher's exact test for two categories).  A
 *     test with a p-value joins the Holm family below; a distance (psi,
 *     wasserstein, energy, jensenshannon, hellinger, kl) has no p-value
 *     and the column has DRIFTED when it reaches its threshold (the
 *     column's min_effect, else --test-threshold, else the test's
 *     default; psi: PSI > psi_threshold), MINOR from half of it;
 *   - the p-values of all tested columns (features and predictions, one
 *     family) are adjusted by Holm's step-down procedure (dm_holm) at
 *     family-wise level alpha (0.01: an hourly job at 0.05 would raise a
 *     false alarm about once a day);
 *   - a column has DRIFTED when its Holm-adjusted p-value < alpha (the
 *     false-alarm control) AND its shift is large enough to matter:
 *       PSI > psi_threshold (DRIFT_PSI_THRESHOLD, 0.2: the original's
 *       "significant drift", strictly above), or
 *       the test's own effect passes its floor: KS D >= min_ks_d (0.05)
 *       for numeric columns; for categorical ones only when the spec sets
 *       min_effect, the total variation distance >= min_effect.
 *     The column's own psi_threshold / min_effect (monitoring spec) replace
 *     the model's when not NaN.  So a lower PSI threshold flags at least
 *     as many columns and a higher one at most as many; a threshold above
 *     every PSI turns the PSI rule off, leaving KS D as the only effect
 *     measure (and --min-ks-d 1 makes PSI the only one);
 *   - otherwise status MINOR when PSI >= min(psi_minor, psi_threshold)
 *     (the original's 0.1-0.2 band) or the raw p-value < 0.05, else NONE;
 *   - drift is detected when at least one FEATURE drifted; the drift score
 *     is the importance-weighted share of compared FEATURES that drifted
 *     (0 when their weights sum to 0).  A drifted PREDICTION raises its
 *     own PREDICTION_DRIFT alert and counts in predictions_drifted, not
 *     in the feature counts or the score;
 *   - fewer than min_samples rows: no verdict (INSUFFICIENT_DATA).
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

/* 2: the features list holds the analysed columns only (the others are
 * in columns_not_monitored); "data" says where the rows went. */
#define DM_REPORT_FORMAT_VERSION 2

typedef struct dm_detect_config {
	double psi_threshold;	   /* DRIFT_PSI_THRESHOLD, default 0.2 */
	double psi_minor;	   /* lower PSI band, default 0.1 */
	double alpha;		   /* family-wise significance, 0.01 */
	double min_ks_d;	   /* KS effect floor, default 0.05 */
	double critical_threshold; /* DRIFT_SCORE_CRITICAL_THRESHOLD, 0.5 */
	uint64_t min_samples;	   /* DRIFT_MIN_SAMPLES, default 100 */
	double invalid_rate_alert; /* invalid-value share alerting, 0.01 */
	double missing_jump_alert; /* missing-rate rise alerting, 0.05 */
	/* --test: one test (dm_test_id, driftmon/stats.h) for every column
	 * of a kind it applies to, over the spec's choice; DM_TEST_AUTO (0)
	 * = each column's own (spec) or the automatic choice. */
	int test;
	/* --test-threshold: a distance's drift threshold where the column
	 * sets no min_effect; NaN = the test's default. */
	double test_threshold;
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
	const dm_feature *cur;	/* in the current profile (may be absent) */
	dm_status status;
	int drifted;
	int tested;	       /* a p-value was computed */
	double psi;	       /* NaN when not compared */
	double ks_statistic;   /* numeric only, else NaN */
	double ks_pvalue;      /* numeric only, else NaN */
	double ks_d_error;     /* bound on |D - D_exact| from the sketches */
	int ks_exact;	       /* both sides held every value */
	const char *ks_method; /* "exact" / "asymp" */
	double chi2_statistic; /* categorical only, else NaN */
	double chi2_pvalue;
	int chi2_df;
	double tv_distance; /* categorical only: total variation distance of
			       the category proportions, else NaN */
	/* The column's drift test (docs/drift-tests.md): its name, its
	 * statistic, its p-value (NaN for a distance) and, for a distance,
	 * the threshold it was held to (NaN for a test with a p-value). */
	const char *test;
	double test_statistic;
	double test_pvalue;
	double test_threshold;
	/* bound on |statistic - statistic on all the data| from the sketches
	 * (0 when exact; NaN when no bound is stated) */
	double test_error;
	double pvalue;		/* the test's raw p-value */
	double pvalue_adjusted; /* Holm-adjusted (dm_holm); NaN if untested */
	double missing_rate_base;
	double missing_rate_cur;
	double invalid_rate;
	uint64_t unseen;      /* categorical: values not in the baseline */
	double severity_rank; /* for sorting: higher = worse */
} dm_feature_result;

/*
 * Where the rows of a run came from and why some were not analysed (the
 * report's "data" block, docs/report-format.md).  Filled by whoever read
 * the data (the CLI's detect and compare); all zeros = not known.
 */
typedef struct dm_data_account {
	int from_window;	    /* read from the store's hour partitions */
	uint64_t files_read;	    /* data files profiled */
	uint64_t files_empty;	    /* empty files (no rows yet) */
	uint64_t files_unreadable;  /* skipped: could not be read */
	char first_unreadable[200]; /* the first one's error */
	/* Log files of the store outside the window; looked at only when
	 * the window had fewer rows than min_samples (outside_counted). */
	int outside_counted;
	uint64_t files_outside;
	char outside_before[32]; /* latest hour with logs before the
				  * window (ISO-8601), "" if none */
	char outside_after[32];	 /* earliest hour with logs after it */
	/* From the current profile (rows_filtered split by reason). */
	uint64_t rows_other_model;
	uint64_t rows_other_version;
	char other_model_example[64];
	char other_version_example[64];
} dm_data_account;

/*
 * Multivariate drift (docs/alerts.md MULTIVARIATE_DRIFT): the window's
 * mean reconstruction error against the baseline's PCA and its band:
 * centre = the sum of the discarded eigenvalues, half-width =
 * DM_MV_BAND_Z * max(Gaussian sd, the window's own sd of one row's
 * error) / sqrt(rows).  Above the band and more than DM_MV_MIN_EFFECT
 * (25%) above its centre = drift (an effect floor, as for one column:
 * the band alone fired on same-distribution windows).  Its own alert,
 * raised only when no column drifted: it does not count in
 * features_drifted nor set drift_detected.  The band's top is at least
 * DM_MV_ERROR_FLOOR per column: below it an error is rounding (the
 * errors are in units of the standardised columns' variance).
 */
#define DM_MV_BAND_Z	  3.0
#define DM_MV_MIN_EFFECT  0.25
#define DM_MV_ERROR_FLOOR 1e-9
typedef struct dm_mv_result {
	int checked;	  /* both profiles have it and rows >= min_samples */
	int drifted;	  /* error > hi */
	int alerted;	  /* MULTIVARIATE_DRIFT raised: drifted, and no
			     feature or prediction drifted */
	double error;	  /* window's mean reconstruction error */
	double lo, hi;	  /* band */
	double reference; /* the baseline's own mean error */
	size_t columns, components;
	double share;  /* variance share the components keep */
	uint64_t rows; /* complete rows of the window */
	uint64_t rows_skipped;
} dm_mv_result;

typedef struct dm_result {
	char *model;
	char *model_version;
	char *generated_at; /* ISO-8601 UTC */
	char *window_start; /* ISO-8601 UTC or NULL (files given) */
	char *window_end;
	uint64_t samples;
	uint64_t rows_skipped;
	uint64_t rows_filtered;
	int insufficient; /* fewer samples than min_samples: no verdict */
	int drift_detected;
	double drift_score;
	size_t features_drifted;
	size_t features_total; /* role FEATURE columns compared */
	size_t predictions_drifted;
	size_t predictions_total;    /* role PREDICTION columns compared */
	dm_feature_result *features; /* nfeatures, in baseline order */
	size_t nfeatures;
	dm_alert *alerts;
	size_t nalerts;
	dm_detect_config config;
	char **ignored_columns; /* borrowed from the current profile */
	size_t nignored;
	dm_data_account data; /* set by the caller after dm_detect() */
	/* Measured performance from joined labels (driftmon/labels.h), set
	 * by the caller; owned (dm_perf_free), NULL when none. */
	struct dm_perf *performance;
	dm_mv_result multivariate; /* checked = 0 when not available */
	/* What the window was compared with (set by the caller; the report's
	 * "reference"): reference_start NULL = the training baseline; else
	 * the earlier production window [reference_start, reference_end)
	 * (ISO-8601 UTC, owned) of reference_rows rows, merged from hour
	 * profiles (detect --reference-window). */
	char *reference_start;
	char *reference_end;
	uint64_t reference_rows;
	/* The trend (set by the caller, owned; NULL when the window was not
	 * merged from hour profiles): PSI against the baseline of each hour
	 * of the window, hourly_psi[i * hourly_hours + h] for feature i (in
	 * features order) and hour h from hourly_start (ISO-8601 UTC); NaN
	 * for an hour without values of the feature. */
	double *hourly_psi;
	size_t hourly_hours;
	char *hourly_start;
} dm_result;

/*
 * Compares current (built with the baseline as reference) against
 * baseline by the rule above.  Fills *res (release with
 * dm_result_release).  The profiles must outlive *res (it points into
 * them).  cfg NULL = the defaults.  Errors (*res is then released):
 * DM_ESCHEMA with a diag when the current data has rows but none of the
 * baseline's monitored columns; DM_ENOMEM when any allocation fails, the
 * Holm adjustment's included (never a silent "no drift").
 */
/*
 * The PSI of current feature c against baseline feature b as dm_detect
 * computes it: over the baseline's bins (numeric) or its categories,
 * "other" and unseen values (categorical).  NaN when b is not analysed
 * or c has no values.
 */
DM_API double dm_feature_psi(const dm_feature *b, const dm_feature *c);

DM_API dm_err dm_detect(const dm_profile *baseline, const dm_profile *current,
			const dm_detect_config *cfg, dm_result *res,
			dm_diag *diag);
DM_API void dm_result_release(dm_result *res);
/* Appends an alert (code and message are copied, truncated to fit;
 * feature may be NULL). */
DM_API dm_err dm_result_add_alert(dm_result *res, dm_severity sev,
				  const char *code, const char *feature,
				  const char *message);
/*
 * Schema checks (docs/alerts.md): appends SCHEMA_NEW_COLUMN (columns the
 * baseline does not have), SCHEMA_TYPE_CHANGED (values that no longer
 * fit a column's logical type) and SCHEMA_BOOLEAN_VALUE (a boolean's
 * third value) alerts to res.  Differences of representation only (CSV
 * vs Parquet) raise nothing.  Called by dm_detect.
 */
DM_API dm_err dm_schema_check(const dm_profile *baseline,
			      const dm_profile *current, dm_result *res);
/* Number of alerts of a severity. */
DM_API size_t dm_result_count_alerts(const dm_result *res, dm_severity sev);

#ifdef __cplusplus
}
#endif
#endif
