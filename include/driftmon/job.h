/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The hourly job as library calls: what `driftmon detect` (and the
 * Kubernetes CronJob that runs it) does, for an embedder.
 *
 *   dm_job_opts o;
 *   dm_job *job = NULL;
 *   dm_job_written w;
 *
 *   dm_job_opts_from_env(&o, &diag);     // or dm_job_opts_init(&o)
 *   o.model = "spam"; o.version = "v1";
 *   dm_job_detect(st, &o, &job, &diag);   // baseline, window, decision
 *   dm_job_write_report(st, dm_job_result(job), NULL, 0, &w, &diag);
 *   ... dm_report_summary(dm_job_result(job), stdout) ...
 *   dm_job_free(job);
 *
 * Reproducing the CronJob.  `driftmon detect --model M --version V` with
 * the DRIFT_* environment of the ConfigMap is exactly:
 *   1. dm_job_opts_from_env (DRIFT_PSI_THRESHOLD, DRIFT_MIN_SAMPLES,
 *      DRIFT_SCORE_CRITICAL_THRESHOLD, DRIFT_ALPHA, DRIFT_MIN_KS_D,
 *      DRIFT_ANALYSIS_WINDOW_HOURS, DRIFTMON_THREADS) — or, without an
 *      environment, dm_job_opts_init then dm_job_settings_set for each
 *      variable's flag name ("psi-threshold", "min-samples",
 *      "critical-threshold", "alpha", "min-ks-d", "window-hours",
 *      "test", "test-threshold") and o.threads;
 *   2. each command-line flag as dm_job_settings_set (flags win over the
 *      environment simply by being applied later) and the other fields
 *      of dm_job_opts (--at: o.at; --strict: o.strict; --input: o.inputs;
 *      --label-max-delay-hours, --prediction-column,
 *      --min-performance-drop);
 *   3. dm_job_detect, which applies the monitoring spec stored with the
 *      baseline below every setting marked given (set from the
 *      environment or a flag), as the CLI does;
 *   4. dm_job_write_report (unless --no-write).
 * What the CLI adds after that — the summary, the HTML report, metrics,
 * Alertmanager and webhooks — uses report.h and notify.h on the result.
 *
 * The library never prints: warnings (a log file skipped, no logs in the
 * window) go to the optional warn callback, errors to the diag.
 */
#ifndef DRIFTMON_JOB_H
#define DRIFTMON_JOB_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include "driftmon/export.h"

#include "driftmon/detect.h"
#include "driftmon/error.h"
#include "driftmon/layout.h"
#include "driftmon/profile.h"
#include "driftmon/schema.h"
#include "driftmon/store.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ */
/* Settings and their precedence                                       */
/* ------------------------------------------------------------------ */

/*
 * The decision's settings and the window length, with a record of which
 * were given (by the environment or a flag), so that the monitoring spec
 * stored with the baseline fills only the others.  Precedence, highest
 * first: flag, environment, stored spec, built-in default.
 */
typedef struct dm_job_settings {
	dm_detect_config det; /* dm_detect_config_init defaults */
	double window_hours;  /* default 24 (DM_JOB_WINDOW_HOURS) */
	unsigned given;	      /* private bookkeeping: use _given() */
} dm_job_settings;

/* Default of window_hours. */
#define DM_JOB_WINDOW_HOURS 24
/* Defaults of dm_job_opts.label_max_delay_hours and
 * min_performance_drop. */
#define DM_JOB_LABEL_MAX_DELAY_HOURS 72.0
#define DM_JOB_MIN_PERFORMANCE_DROP  DM_SPEC_MIN_PERFORMANCE_DROP

/* The defaults; nothing given. */
DM_API void dm_job_settings_init(dm_job_settings *s);

/*
 * dm_job_settings_init, then each DRIFT_* variable that is set
 * (DRIFT_PSI_THRESHOLD, DRIFT_ANALYSIS_WINDOW_HOURS, DRIFT_MIN_SAMPLES,
 * DRIFT_SCORE_CRITICAL_THRESHOLD, DRIFT_ALPHA, DRIFT_MIN_KS_D), marked
 * given.  DM_EINVAL for a bad value, with a diag such as
 *   invalid DRIFT_ALPHA='2': expected a significance level in (0, 0.5]
 */
DM_API dm_err dm_job_settings_from_env(dm_job_settings *s, dm_diag *diag);

/*
 * Applies one setting by its flag name (without "--"): "psi-threshold",
 * "window-hours", "min-samples", "critical-threshold", "alpha",
 * "min-ks-d" (marked given), "test" (a dm_test_from_name name) and
 * "test-threshold".  DM_OK; DM_ENOENT when name is not a setting;
 * DM_EINVAL for a bad value, with a diag such as
 *   invalid --alpha '2': expected a significance level in (0, 0.5]
 */
DM_API dm_err dm_job_settings_set(dm_job_settings *s, const char *name,
				  const char *value, dm_diag *diag);

/* 1 if the setting of flag name was given (environment or flag). */
DM_API int dm_job_settings_given(const dm_job_settings *s, const char *name);

/*
 * Applies a monitoring spec to a run: its model-level defaults
 * (psi_threshold, alpha, critical_threshold, min_samples) where not
 * given, its per-column settings (test, psi_threshold, min_effect,
 * importance) to the features of base (may be NULL).
 */
DM_API void dm_job_settings_apply_spec(dm_job_settings *s, const dm_spec *spec,
				       dm_profile *base);

/* ------------------------------------------------------------------ */
/* One run                                                             */
/* ------------------------------------------------------------------ */

/* What a warning is about (the message says it in words). */
typedef enum dm_job_warning {
	/* "skipping log file: <why>": a log file that cannot be read was
	 * skipped (lenient mode); it is counted, and the report gets an
	 * UNREADABLE_FILES alert */
	DM_JOB_WARN_SKIPPED_FILE = 1,
	/* "no inference logs found for <start> .. <end>": the window had no
	 * data file (raised after the window is read) */
	DM_JOB_WARN_NO_LOGS = 2,
	/* "hour profile <key> cannot be used (...)" / "... is stale ...":
	 * a stored hour profile was not trusted and is rebuilt from the
	 * logs; "cannot write hour profile ..." */
	DM_JOB_WARN_HOUR_PROFILE = 3,
	/* a note on the current data as it was read: columns read as the
	 * baseline's features of the same names but for case or spaces,
	 * rows skipped as repeated headers (the profile's warnings) */
	DM_JOB_WARN_DATA = 4
} dm_job_warning;

struct dm_hourly_stats;

/* Use dm_job_opts_init or dm_job_opts_from_env, then set the fields. */
typedef struct dm_job_opts {
	const char *model;   /* required; a valid name (driftmon/names.h) */
	const char *version; /* required */
	/* End of the window, rounded down to the hour; DM_JOB_NOW = the
	 * run time. */
	time_t at;
	/* The run time (generated_at of the report); 0 = the clock. */
	time_t now;
	/* Local files (CSV, TSV, Parquet) to profile instead of the store's
	 * window, NULL-terminated; NULL or empty = the window. */
	const char *const *inputs;
	/* 1: malformed rows and bad values are errors naming the file, row
	 * and column; 0 (default): counted, and unreadable window files
	 * skipped. */
	int strict;
	dm_job_settings settings;
	/* Labels count for a prediction up to this many hours after it
	 * (0 to DM_LABELS_MAX_DELAY_HOURS); DM_JOB_LABEL_MAX_DELAY_HOURS. */
	double label_max_delay_hours;
	/* The logs' prediction column joined with labels; NULL = the
	 * baseline's first prediction column. */
	const char *prediction_column;
	/* Smallest drop of a model metric that alerts, in [0, 1] (for
	 * MAE and RMSE a fraction of the reference value).  NaN (the
	 * default of dm_job_opts_init): the stored spec's
	 * defaults.min_performance_drop, else DM_JOB_MIN_PERFORMANCE_DROP;
	 * a number (the --min-performance-drop flag) wins over the spec. */
	double min_performance_drop;
	/* Profiling threads (0 or 1: the calling thread; at most 8). */
	unsigned threads;
	/* Optional: rows read so far, after each batch (dm_profile_opts). */
	void (*progress)(void *ctx, uint64_t rows);
	void *progress_ctx;
	/* Optional: each warning as one line without a prefix ("skipping
	 * log file: 'x.csv': not a Parquet file"); NULL = dropped. */
	void (*warn)(void *ctx, dm_job_warning what, const char *msg);
	void *warn_ctx;
	/*
	 * Hour profiles (docs/hourly-profiles.md).  hourly 1 (the default):
	 * the window is the merge of its hours' stored profiles, and only
	 * hours without a fresh one are read from their logs (their
	 * profiles stored when write_profiles; default 0, as dm_job_detect
	 * writes nothing else); the report then has each feature's
	 * hourly_psi.  hourly 0: every hour is read from its logs.
	 */
	int hourly;
	int write_profiles;
	/*
	 * The reference (the report's "reference"): the baseline when all
	 * are 0; reference_shift_hours > 0: the window's own hours that many
	 * hours earlier; else [reference_start, reference_end) (rounded down
	 * to the hour, end after start, at most DM_JOB_REFERENCE_MAX_HOURS):
	 * an earlier production window, profiled against the baseline.
	 * A shift needs the store's window (not inputs).
	 */
	unsigned reference_shift_hours;
	time_t reference_start, reference_end;
	/* Optional: what the hour profiles of the window did. */
	struct dm_hourly_stats *hourly_stats;
	/* Neither read nor write day roll-ups of hour profiles (the window
	 * is the same; dm_hourly_opts.no_days). */
	int no_day_rollups;
} dm_job_opts;

/* Hours a reference window may span or reach back (90 days). */
#define DM_JOB_REFERENCE_MAX_HOURS (24 * 90)

#define DM_JOB_NOW ((time_t)-1)

/* Defaults (no environment): no model, at DM_JOB_NOW, the settings'
 * defaults, one thread, no callbacks. */
DM_API void dm_job_opts_init(dm_job_opts *o);

/*
 * dm_job_opts_init with the settings of dm_job_settings_from_env and the
 * threads of DRIFTMON_THREADS (1 to 8; else the online CPUs, at most 4),
 * as the CLI starts.  Errors as dm_job_settings_from_env.
 */
DM_API dm_err dm_job_opts_from_env(dm_job_opts *o, dm_diag *diag);

/* Profiling threads as the CLI picks them: $DRIFTMON_THREADS (1 to 8),
 * else the online CPUs, at most 4. */
DM_API unsigned dm_job_threads_from_env(void);

/* One run: the baseline, the window's profile and the result, owned
 * together (the result points into the profiles). */
typedef struct dm_job dm_job;

/*
 * Runs the detection of one window, writing nothing:
 *   1. reads baselines/<model>/<version>/baseline.json (validated; a
 *      baseline filed under another model or version is refused) and
 *      applies the spec stored in it (dm_job_settings_apply_spec);
 *   2. profiles o->inputs, or every .csv, .tsv and .parquet file of the
 *      hour partitions inference-logs/... of [end - window_hours, end),
 *      end = o->at (or now) rounded down to the hour, keeping the rows of
 *      the model and version (where the files say); when fewer than
 *      min_samples rows are found, counts the logs outside the window;
 *   3. decides (dm_detect); joins labels and the reference performance
 *      (labels.h) when there are any (window mode only), with their
 *      PERFORMANCE_DROP / ESTIMATED_PERFORMANCE_DROP alerts; adds the
 *      UNREADABLE_FILES alert; stamps generated_at and the window.
 * On success *out is the run (free with dm_job_free).  Errors (with a
 * one-line diag saying what failed, e.g. "cannot read logs: ...", "no
 * baseline for model 'm' version 'v' (looked for '...'); create it with
 * 'driftmon baseline'", "bad baseline: ...", "N malformed rows
 * (--strict)"): DM_EINVAL for bad names or options, DM_ENOENT for a
 * missing baseline, the store's, readers' and dm_detect's errors.
 */
DM_API dm_err dm_job_detect(dm_store *st, const dm_job_opts *o, dm_job **out,
			    dm_diag *diag);

/*
 * The backfill of hour profiles (driftmon profile; docs/hourly-
 * profiles.md): reads the baseline of o->model / o->version and stores
 * the profile of every hour of [from, to) (rounded down to the hour)
 * that has log files and no fresh profile (every such hour with force);
 * with shard_count > 1 only the hours whose index from `from` is
 * shard_index modulo shard_count (an Indexed Job's share).  Uses o's
 * model, version, strict, threads, progress and warn (kind
 * DM_JOB_WARN_HOUR_PROFILE or _SKIPPED_FILE).  stats (may be NULL): what
 * was done.  Errors as dm_job_detect's, DM_EINVAL for an empty range or
 * a bad shard.
 */
DM_API dm_err dm_job_profile_hours(dm_store *st, const dm_job_opts *o,
				   time_t from, time_t to, unsigned shard_index,
				   unsigned shard_count, int force,
				   struct dm_hourly_stats *stats,
				   dm_diag *diag);

/* The result of a run (owned by job; valid until dm_job_free). */
DM_API dm_result *dm_job_result(dm_job *job);
/* The baseline read and the profile of the window (or files; their
 * numeric columns are counted against the baseline's ECDF, dm_feature
 * ecdf, unless the run's tests need a sketch: dm_profile_opts). */
DM_API const dm_profile *dm_job_baseline(const dm_job *job);
DM_API const dm_profile *dm_job_window(const dm_job *job);
/* Frees job (NULL accepted). */
DM_API void dm_job_free(dm_job *job);

/* What dm_job_write_report stored. */
typedef struct dm_job_written {
	/* the history copy's key without ".json" (dm_layout_history_key
	 * with ext NULL); the HTML copy goes to stem + ".html" */
	char stem[DM_LAYOUT_KEY_MAX];
	int latest_version; /* became drift-reports/<m>/<v>/latest.json */
	int latest_model;   /* became drift-reports/<m>/latest.json */
	/* the key to show: the model's latest.json when it was replaced,
	 * else the history copy */
	char key[DM_LAYOUT_KEY_MAX];
} dm_job_written;

/*
 * Stores the report of res (json[0..len), or dm_report_to_json(res) when
 * json is NULL) as the CLI does (docs/report-format.md):
 *   drift-reports/<m>/<v>/<end>--<run>-<nonce>.json  created, never
 *       replaced (a taken name draws another nonce);
 *   drift-reports/<m>/<v>/latest.json and drift-reports/<m>/latest.json
 *       replaced by compare-and-swap unless the stored one is newer (a
 *       later window end, then a later run time; the run time stands for
 *       the window end of a report of given files).
 * Fills *w.  Errors: the store's, with a diag "cannot write report: ...".
 */
DM_API dm_err dm_job_write_report(dm_store *st, const dm_result *res,
				  const char *json, size_t len,
				  dm_job_written *w, dm_diag *diag);

/* Profiles local files (CSV, TSV, Parquet; NULL-terminated) into p with
 * opts; lenient readers skip and count malformed rows.  The diag names
 * the file ("'x.csv': row 3, ..."). */
DM_API dm_err dm_job_profile_files(const char *const *files,
				   const dm_profile_opts *opts, int lenient,
				   dm_profile *p, dm_diag *diag);

#ifdef __cplusplus
}
#endif
#endif
