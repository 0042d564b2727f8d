/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Ground truth: label records stored beside the inference logs, and the
 * join of a window's predictions with them into measured performance.
 *
 * A label record is (request_id, model_name, model_version, label,
 * timestamp): the label is a class name or a number, kept as text; the
 * timestamp is when the truth became known (UTC).  Records are stored as
 * Parquet, one file per import and hour of the timestamp:
 *
 *   labels/year=YYYY/month=MM/day=DD/hour=HH/labels-<tag>.parquet
 *
 * with columns timestamp (TIMESTAMP micros, UTC), model_name,
 * model_version, request_id, label (STRING), all required.
 * docs/model-quality.md describes the join.
 */
#ifndef DRIFTMON_LABELS_H
#define DRIFTMON_LABELS_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include "driftmon/export.h"

#include "driftmon/error.h"
#include "driftmon/logger.h"
#include "driftmon/quality.h"
#include "driftmon/store.h"
#include "driftmon/table.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Most distinct hours one import may write (a bound on open writers). */
#define DM_LABELS_MAX_HOURS 4096
/* Longest maximum delay the join accepts (a leap year). */
#define DM_LABELS_MAX_DELAY_HOURS 8784
/* Bins of a binary-score window's calibration curve (dm_perf.calib). */
#define DM_PERF_CALIB_BINS 10
/* Most classes the join distinguishes. */
#define DM_LABELS_MAX_CLASSES 256

typedef struct dm_labels_import_stats {
	uint64_t rows;		       /* label records read and stored */
	uint64_t files;		       /* Parquet files written (hours) */
	int64_t first_hour, last_hour; /* epoch seconds of the hours */
} dm_labels_import_stats;

/*
 * Reads label records from r (columns named request_id, model_name,
 * model_version, label and timestamp, in any order; others ignored) and
 * stores them.  file names the input in diagnostics.  tag (letters,
 * digits, '-', '_', '.'; at most 64) names the import: importing again
 * with the same tag replaces its files.  A timestamp is an ISO-8601 UTC
 * time (YYYY-MM-DD[Thh[:mm[:ss[.f]]]][Z|+hh:mm]) or, from Parquet, a
 * timestamp column.  Errors: DM_ESCHEMA when a column is missing;
 * DM_EFORMAT for an empty request id, model, version or label or a bad
 * timestamp (diag names the row and column); DM_ETOOBIG past
 * DM_LABELS_MAX_HOURS hours; DM_EEMPTY when there is no record; store
 * errors.  Nothing is stored unless every row is good.
 */
DM_API dm_err dm_labels_import(dm_store *st, dm_reader *r, const char *file,
			       const char *tag, dm_labels_import_stats *stats,
			       dm_diag *diag);

/*
 * Label records as JSON (the collector's POST /v1/labels): a JSON array
 * of objects, or NDJSON (one per line; blank lines ignored), each
 *
 *   {"request_id": "abc-123", "model_name": "spam", "model_version": "v1",
 *    "label": "spam" | 1 | 0.25,              (a class name or a number)
 *    "timestamp": "2025-12-24T17:03:00Z"}     (or seconds since 1970;
 *                                              optional: now)
 *
 * into logger records (out->records) whose one output is the string
 * column "label" (a number label as its shortest text: 1.0 is "1"), for
 * a logger with prefix "labels" whose Parquet files the join reads.
 * Any other field is an error.  At most max_records (0 = no limit; more
 * is DM_ETOOBIG).  Errors: DM_EEMPTY (no record), DM_EFORMAT (malformed
 * JSON naming the line and column; a missing, empty or mistyped field
 * naming the record, diag->row, and the field, diag->column).  out is
 * always initialised; release it with dm_labels_parsed_release (body
 * may be freed before).
 */
DM_API dm_err dm_labels_parse_json(const char *body, size_t len,
				   size_t max_records, dm_log_parsed *out,
				   dm_diag *diag);
DM_API void dm_labels_parsed_release(dm_log_parsed *p);

/* ISO-8601 time to seconds since the epoch; 0 on success, -1 if bad. */
DM_API int dm_labels_parse_time(const char *s, size_t len, double *out);

/* ------------------------------------------------------------------ */
/* The join                                                            */
/* ------------------------------------------------------------------ */
typedef enum dm_perf_task {
	DM_PERF_NONE = 0,	/* no labelled prediction */
	DM_PERF_BINARY_SCORE,	/* labels 0/1, predictions scores in [0,1] */
	DM_PERF_CLASSIFICATION, /* classes (binary or multiclass) */
	DM_PERF_REGRESSION	/* numbers */
} dm_perf_task;

/* Name of a task ("none", "binary_score", ...). */
DM_API const char *dm_perf_task_name(dm_perf_task t);

/* Metrics compared with the reference, by slot: binary_score accuracy,
 * F1 (class 1), ROC AUC; classification accuracy, macro F1 (slot 2
 * unused); regression MAE, RMSE (slot 2 unused). */
enum { DM_PERF_ACC, DM_PERF_F1, DM_PERF_AUC, DM_PERF_NCMP };

/* The name of slot i of task t ("accuracy", "f1", "roc_auc", "f1_macro",
 * "mae", "rmse"), or NULL when the task has no metric there. */
DM_API const char *dm_perf_metric_name(dm_perf_task t, int i);

typedef struct dm_perf {
	uint64_t predictions;	/* rows of the model and version with a
				   request id */
	uint64_t labelled;	/* joined with a label within the delay */
	uint64_t late;		/* a label exists, later than the delay */
	uint64_t labels_loaded; /* labels of the model and version read */
	double max_delay_hours;
	char prediction_column[128];
	dm_perf_task task;
	/* classification */
	size_t nclasses;
	char **classes;	 /* nclasses names, sorted (owned) */
	dm_confusion cm; /* rows true, columns predicted */
	dm_class_scores scores;
	/* binary with scores (class "1" positive); NaN otherwise */
	double roc_auc, average_precision, log_loss, brier;
	/* binary with scores: the calibration curve (reliability
	 * diagram), DM_PERF_CALIB_BINS uniform bins; nbins 0 otherwise */
	dm_calib calib;
	/* regression */
	dm_regress_metrics reg;
	dm_error_moments errm; /* of |e| and e^2 (the drop test) */
	/* every window prediction of the model and version that parses as
	 * a number (labelled or not), for CBPE; owned */
	double *wscores;
	size_t nwscores, wscores_cap;
	/* against the reference performance (dm_perf_compare) */
	int compared;			   /* a reference was given */
	dm_perf_task ref_task;		   /* the reference's task */
	double ref[DM_PERF_NCMP];	   /* reference accuracy, F1, ROC AUC */
	dm_quality_cmp drop[DM_PERF_NCMP]; /* realized vs reference */
	int has_estimate;
	dm_cbpe_estimate estimate; /* CBPE from the window's scores */
	int estimated_drop[DM_PERF_NCMP];
} dm_perf;

/* Frees what p owns; p may be NULL. */
DM_API void dm_perf_release(dm_perf *p);
/* Heap form for dm_result: frees and releases; NULL accepted. */
DM_API void dm_perf_free(dm_perf *p);

/*
 * Joins the window [start, end) of the store's inference logs (the
 * rows of model and version whose request_id is set) with the labels of
 * the same model, version and request id stored for the hours
 * [start, end + max_delay).  A prediction is labelled when its label's
 * timestamp is at most max_delay_hours after the prediction's (a label
 * stamped before the prediction counts too: clocks differ); a
 * prediction row without a timestamp accepts any label found.  When one
 * request id has several labels the latest counts.  pred_col names the
 * prediction column of the logs.  The metrics follow the task the
 * values show (dm_perf_task).  Fills *out (release with
 * dm_perf_release).  A file that cannot be read (malformed, empty,
 * unsupported) is skipped, as detect's profiling pass skips it.  task
 * DM_PERF_NONE infers the task from the values (dm_perf_compute);
 * another is the reference's task, forced when the values allow it
 * (dm_perf_compute_task).  Errors: DM_EINVAL for a delay outside
 * [0, DM_LABELS_MAX_DELAY_HOURS]; store errors with a diag.
 */
DM_API dm_err dm_perf_join(dm_store *st, const char *model, const char *version,
			   time_t start, time_t end, double max_delay_hours,
			   const char *pred_col, dm_perf_task task,
			   dm_perf *out, dm_diag *diag);
/*
 * dm_perf_join for a caller that needs the window's prediction scores
 * only with labels (no reference performance to estimate against): when
 * no label of the model version is found, the window's logs are not
 * read at all (out->labels_loaded is 0, nothing else is filled), so a
 * window merged from hour profiles stays free of raw reads.
 */
DM_API dm_err dm_perf_join_if_labelled(dm_store *st, const char *model,
				       const char *version, time_t start,
				       time_t end, double max_delay_hours,
				       const char *pred_col, dm_perf *out,
				       dm_diag *diag);

/*
 * The metrics of labelled pairs (label text, prediction text): the
 * task is binary_score when every label is 0 or 1 and every prediction
 * a number in [0, 1] not all 0/1; regression when all are numbers and
 * some label is not an integer or there are more than
 * DM_LABELS_MAX_CLASSES distinct values; classification otherwise.
 * Fills the metric fields of out (counts untouched).
 */
DM_API dm_err dm_perf_compute(const char *const *labels,
			      const char *const *preds, size_t n, dm_perf *out);
/* The same with the task given: classification always applies (the
 * values as class names); regression when every label and prediction
 * is a finite number; binary_score (or none, or regression on text)
 * falls back to dm_perf_compute's inference. */
DM_API dm_err dm_perf_compute_task(const char *const *labels,
				   const char *const *preds, size_t n,
				   dm_perf_task task, dm_perf *out);

/* ------------------------------------------------------------------ */
/* Reference performance (a validation set, given once per version)    */
/* ------------------------------------------------------------------ */
/*
 * The performance of a model on a labelled reference set.  A binary
 * classifier with scores (task binary_score): accuracy, F1, ROC AUC and
 * what CBPE needs to estimate a window's performance from its scores
 * (the isotonic calibrator and the sampling-error components); stored
 * as baselines/<model>/<version>/reference-performance.json
 * (format_version 1).  A classifier of class names (classification):
 * accuracy and macro F1 with their standard errors and the classes; a
 * regression: MAE and RMSE and the moments of |e| and e^2 (format_version
 * 2; docs/model-quality.md).
 */
typedef struct dm_refperf {
	uint64_t rows;
	double threshold;
	double value[DM_PERF_NCMP]; /* by slot (dm_perf_metric_name) */
	double se[DM_PERF_NCMP];    /* their standard errors */
	dm_cbpe cbpe;		    /* binary_score only */
	dm_perf_task task;	    /* 0 (a zeroed struct) = binary_score */
	dm_error_moments errm;	    /* regression */
	size_t nclasses;	    /* classification: the classes seen */
	char **classes;
} dm_refperf;

/* From pairs (label text 0/1, score text): DM_EFORMAT when a label is
 * not 0/1 or a score not a number in [0, 1] (diag names the row), and
 * the dm_cbpe_fit errors.  Release with dm_refperf_release. */
DM_API dm_err dm_refperf_from_pairs(const char *const *labels,
				    const char *const *scores, size_t n,
				    double threshold, dm_refperf *out,
				    dm_diag *diag);
DM_API void dm_refperf_release(dm_refperf *r);
/* JSON (malloc'd text) and back; from_json: DM_EFORMAT / DM_EVERSION
 * with a diag naming the field. */
DM_API dm_err dm_refperf_to_json(const dm_refperf *r, const char *model,
				 const char *version, char **out, size_t *len);
DM_API dm_err dm_refperf_from_json(const char *text, size_t len,
				   const char *name, dm_refperf *out,
				   dm_diag *diag);
/* From pairs of a task: binary_score as dm_refperf_from_pairs;
 * classification (any text; at most DM_LABELS_MAX_CLASSES classes, else
 * DM_ETOOBIG); regression (DM_EFORMAT naming the row and "label" or
 * "score" when a value is not a finite number; at least 2 rows). */
DM_API dm_err dm_refperf_from_pairs_task(const char *const *labels,
					 const char *const *preds, size_t n,
					 dm_perf_task task, double threshold,
					 dm_refperf *out, dm_diag *diag);
/* Reads pairs from a file (columns label_col and pred_col) and fits
 * (dm_refperf_from_pairs_task). */
DM_API dm_err dm_refperf_from_reader(dm_reader *r, const char *file,
				     const char *label_col,
				     const char *pred_col, dm_perf_task task,
				     double threshold, dm_refperf *out,
				     dm_diag *diag);

/*
 * Compares p with the reference when their tasks agree, by the drop
 * rule (dm_quality_drops: one-sided tests, Holm over the task's metrics,
 * alpha, min_effect): binary_score accuracy, F1 and ROC AUC (z-tests);
 * classification accuracy and macro F1 (z-tests; dm_se_proportion,
 * dm_se_f1_macro); regression MAE and RMSE (Welch t-tests of |e| and
 * e^2, min_effect relative: MAE (1 + min_effect) and RMSE
 * (1 + min_effect), i.e. MSE (1 + min_effect)^2).  For a binary_score
 * reference, also the CBPE estimate from p->wscores, an estimated drop
 * being an upper band below reference - min_effect.
 */
DM_API dm_err dm_perf_compare(dm_perf *p, const dm_refperf *ref, double alpha,
			      double min_effect);

#ifdef __cplusplus
}
#endif
#endif
