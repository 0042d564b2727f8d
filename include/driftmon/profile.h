/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Profiles: small, mergeable summaries of a set of features over some
 * rows, and baselines (the profile of the training data plus the PSI bin
 * edges it defines).
 *
 * A numeric feature keeps count, missing and invalid counts, moments,
 * a quantile sketch and bin counts over the baseline's bin edges; a
 * categorical one keeps category counts.  Profiles of disjoint row sets
 * merge exactly (counts, bins, moments up to rounding) and within the
 * sketch bound (quantiles).  Memory is bounded by features x sketch size,
 * never by rows.
 */
#ifndef DRIFTMON_PROFILE_H
#define DRIFTMON_PROFILE_H

#include <stddef.h>
#include <stdint.h>

#include "driftmon/error.h"
#include "driftmon/schema.h"
#include "driftmon/stats.h"
#include "driftmon/table.h"
#include "driftmon/export.h"

#ifdef __cplusplus
extern "C" {
#endif

#define DM_BASELINE_FORMAT_VERSION 2
#define DM_PSI_BINS_DEFAULT	   10
#define DM_PSI_BINS_MAX		   100
/* Distinct categories kept per feature; the rest are counted as "other". */
#define DM_MAX_CATEGORIES 1024
/* Columns a profile takes (a wider file is refused: memory grows with
 * columns, about 6 KB each while profiling). */
#define DM_MAX_COLUMNS 200000
/* Bytes of a column (feature) name. */
#define DM_MAX_NAME_BYTES 1024
/* Weighted points kept per numeric feature in a stored baseline. */
#define DM_BASELINE_SKETCH_ITEMS 16384

typedef enum dm_feature_type {
	DM_FEATURE_UNKNOWN =
		0, /* not yet decided (all values missing so far) */
	DM_FEATURE_NUMERIC = 1,
	DM_FEATURE_CATEGORICAL = 2
} dm_feature_type;

DM_API const char *dm_feature_type_name(dm_feature_type t);

typedef struct dm_category {
	char *value;
	uint64_t count;
} dm_category;

typedef struct dm_feature {
	char *name;
	dm_feature_type type; /* how it is analysed: numeric or categorical */
	/* Monitoring schema (driftmon/schema.h): role and logical type, where
	 * they came from and why (one short phrase, for the column table). */
	dm_role role;
	dm_ltype ltype;
	dm_origin origin;
	char reason[120];
	/* Per-feature decision settings from the spec (NaN / "" = the
	 * model's defaults). */
	double psi_threshold;
	double min_effect;
	char test[24];
	double importance; /* weight in the drift score; default 1 */
	int present;	   /* the feature was found in the data */
	uint64_t count;	   /* valid values */
	uint64_t missing;  /* NULL / empty cells */
	uint64_t invalid;  /* unparsable, NaN or infinite (lenient mode) */
	char invalid_example[96]; /* first invalid cell, for the report */
	/* numeric */
	dm_moments mom;
	dm_sketch *sketch;
	/* Current mode with dm_profile_opts.window_ecdf: the window counted
	 * against the reference's stored ECDF instead of a sketch (sketch
	 * NULL); bins are derived from it. */
	dm_ecdf_count *ecdf;
	size_t nedges; /* interior bin edges; bins = nedges + 1 */
	double *edges;
	uint64_t *bins;
	/* categorical */
	dm_category *cats; /* ncats categories (first seen first) */
	size_t ncats;
	size_t cats_cap;
	uint64_t other;	 /* values beyond DM_MAX_CATEGORIES */
	uint64_t unseen; /* current profiles: values not in the reference */
	uint32_t *hash;	 /* open-addressing index into cats (private) */
	size_t hash_cap;
	/*
	 * Missing markers: the strings read as missing in text cells besides
	 * the empty field (nna strings, owned), and how many cells each
	 * turned into missing (na_counts, parallel).  A baseline stores them
	 * and current profiles apply the baseline's list.
	 */
	char **na_markers;
	uint64_t *na_counts;
	size_t nna;
	/*
	 * Current mode: values that do not fit the baseline's logical type
	 * (a third value in a boolean column, a fraction in an integer code,
	 * numbers where the baseline had words).  They are not drift and are
	 * not counted in 'count'; the schema check reports them.
	 */
	uint64_t schema_bad;
	char schema_bad_example[64];
	void *evidence; /* private: inference evidence (baseline mode) */
	/*
	 * More than DM_MAX_CATEGORIES values: the categories kept are those
	 * whose sampling keys (a hash of the value) are smallest, not the
	 * first seen, so that the kept values' counts are a fair sample
	 * (docs/drift-tests.md).  cats_by_key marks such a baseline feature;
	 * a current profile against it has in cat_key_max the largest kept
	 * key, and counts a value not kept in 'unseen' when its key is at
	 * most that (a value the baseline would have kept), else in 'other'.
	 */
	int cats_by_key;
	uint64_t cat_key_max;
} dm_feature;

/*
 * Multivariate drift (docs/statistics.md): the standardised numeric
 * FEATURE columns profiled jointly, at most DM_MV_MAX_COLUMNS of them
 * (the first ones, in column order).  Rows with a missing or invalid
 * value in any of them are skipped and counted.  Baseline mode: a
 * mergeable covariance during profiling, a PCA at dm_profile_finish;
 * current mode: the sum of the rows' reconstruction errors against the
 * reference's PCA.
 */
#define DM_MV_MAX_COLUMNS   64
#define DM_MV_SHARE_DEFAULT 0.9
/* Baseline mode: the covariance takes data rows 1, 1 + stride, ...
 * (half the cost of the joint pass). */
#define DM_MV_ROW_STRIDE 2
/* Current mode: the window's mean reconstruction error takes data rows
 * 1, 1 + stride, ... (by row number, so window profiles still merge);
 * every row doubled the time of `detect` on 1M x 50. */
#define DM_MV_WINDOW_STRIDE 4
/* Past this many data rows of a file the strides are four times wider. */
#define DM_MV_DENSE_ROWS 200000
typedef struct dm_multivariate {
	size_t d;	       /* columns */
	char **columns;	       /* d names */
	size_t ncandidates;    /* numeric feature columns (d = min(that, 64)) */
	uint64_t rows_used;    /* complete rows (baseline: of the rows taken) */
	uint64_t rows_skipped; /* rows with a missing value among them */
	dm_cov cov;	       /* baseline mode, before the fit */
	int fitted;	       /* pca holds the fit */
	dm_pca pca;
	double ref_error;  /* baseline's own mean reconstruction error */
	double ref_spread; /* sd of one row's error (Gaussian) */
	double err_sum;	   /* current mode: sum of the rows' errors */
	double err_sumsq;  /* current mode: sum of their squares */
	long *feat;	   /* private: d feature indices */
} dm_multivariate;

typedef struct dm_profile {
	size_t nfeat;
	dm_feature *feat;
	uint64_t rows;		/* rows profiled (after model filtering) */
	uint64_t rows_skipped;	/* malformed rows skipped (lenient) */
	uint64_t rows_filtered; /* rows of other models/versions */
	/* rows_filtered by reason: a row of another model counts as such
	 * (whatever its version); rows_other_version are the model's own
	 * rows of another version.  The first such value seen of each, for
	 * the report ("" when none). */
	uint64_t rows_other_model;
	uint64_t rows_other_version;
	char other_model_example[64];
	char other_version_example[64];
	uint32_t sketch_k;
	unsigned nbins;
	char **extra_columns; /* columns of the data not profiled */
	size_t nextra;
	/* nextra flags: the extra column is a model output or ground truth
	 * (the logger marked it, or its name says so): expected in logs
	 * and not in training data, or joined later; not a schema change */
	uint8_t *extra_prediction;
	/* baseline metadata (NULL when not a baseline) */
	char *model;
	char *model_version;
	char *created_at;
	char *spec_yaml; /* the monitoring spec it was built with, or NULL */
	struct dm_findex *findex; /* private: name -> feature hash index */
	size_t feat_cap;	  /* private: entries allocated in feat */
	/* Warnings of dm_profile_finish (baseline mode): one sentence each,
	 * e.g. a missing marker that is the most common value of a column. */
	char **warnings;
	size_t nwarnings;
	/* Multivariate profile, or NULL (fewer than 2 numeric features). */
	dm_multivariate *mv;
} dm_profile;

/* ------------------------------------------------------------------ */
/* Building                                                            */
/* ------------------------------------------------------------------ */
typedef struct dm_profile_opts {
	uint32_t sketch_k; /* 0 = DM_SKETCH_K_DEFAULT */
	unsigned nbins;	   /* PSI bins; 0 = DM_PSI_BINS_DEFAULT */
	/* Feature selection by column name (NULL-terminated lists, or NULL). */
	const char *const *features;	/* only these */
	const char *const *exclude;	/* never these */
	const char *const *categorical; /* force categorical */
	/* Optional per-feature weights, parallel lists ("name", weight). */
	const char *const *importance_names;
	const double *importance_values;
	/*
	 * Current mode: profile against this reference (a baseline): its
	 * features, types and bin edges; categories not in it count as
	 * unseen.  NULL = baseline mode (types inferred, edges computed by
	 * dm_profile_finish()).
	 */
	const dm_profile *reference;
	/*
	 * Current mode: count each numeric column's values against the
	 * reference's stored ECDF (dm_ecdf_count: KS exact relative to it,
	 * bins derived) instead of keeping a sketch of the window, unless
	 * window_test (the run's --test, a dm_test_id) or the column's own
	 * spec test needs the values (dm_test_needs_values).  Such a profile
	 * cannot be merged or saved: only for one window compared once
	 * (detect --input, compare).  0 = a sketch, as a baseline.
	 */
	int window_ecdf;
	int window_test;
	/* Keep only rows whose model_name / model_version columns (when the
	 * data has them) equal these; NULL = no filter. */
	const char *model_name;
	const char *model_version;
	/* Optional monitoring spec: roles, types, missing markers and
	 * per-feature settings override what is inferred (baseline mode). */
	const dm_spec *spec;
	/*
	 * Command-line overrides (baseline mode; they win over the spec):
	 * --role COL=ROLE and --type COL=TYPE as parallel NULL-terminated
	 * name lists and value arrays, and --missing-values, the model's
	 * missing markers (NULL-terminated; replaces the defaults and the
	 * spec's model-level list; a column's own list in the spec wins).
	 */
	const char *const *role_names;
	const dm_role *role_values;
	const char *const *ltype_names;
	const dm_ltype *ltype_values;
	const char *const *missing_values;
	/*
	 * strict = 1 (training data): an unparsable, NaN or infinite value
	 * is an error naming file, row and column.  strict = 0 (inference
	 * logs): such values are counted as invalid and the run goes on.
	 */
	int strict;
	/* Threads profiling the columns of a batch in parallel (0 or 1: the
	 * calling thread only; at most 8). */
	unsigned threads;
	/* Optional: called by dm_profile_add_reader after each batch with
	 * the number of rows it read (for a progress display); NULL = none. */
	void (*progress)(void *ctx, uint64_t rows);
	void *progress_ctx;
} dm_profile_opts;

/* Initialises an empty profile (no features yet). */
DM_API void dm_profile_init(dm_profile *p, const dm_profile_opts *opts);
/* Releases everything p owns; p may be NULL. */
DM_API void dm_profile_release(dm_profile *p);

/*
 * Profiles every batch of r into p.  The first reader fixes the feature
 * set (baseline mode) and later readers must have those columns;
 * in current mode features are matched by name.  The metadata columns
 * timestamp, model_name, model_version and request_id are never
 * features.  On error diag names the file, row and column.
 */
DM_API dm_err dm_profile_add_reader(dm_profile *p, const dm_profile_opts *opts,
				    dm_reader *r, dm_diag *diag);
/* Computes, on up to `threads` threads (at most 8), the KS p-value of
 * every feature counted against the reference's ECDF (window_ecdf),
 * kept for dm_detect, which would compute it one feature after another;
 * the results are the same either way.  Call it once the last reader is
 * in. */
DM_API dm_err dm_profile_ks_prepare(dm_profile *p, unsigned threads);
/* Profiles one batch whose columns are named names[0..ncols). */
DM_API dm_err dm_profile_add_batch(dm_profile *p, const dm_profile_opts *opts,
				   const dm_batch *b, char *const *names,
				   const char *file, dm_diag *diag);

/*
 * Baseline mode: after the last batch, computes the PSI bin edges from
 * the sketch quantiles (nbins quantile bins with open outer edges,
 * duplicate edges dropped) and the baseline's bin counts from the
 * sketch.  DM_EEMPTY with a diag if no rows were profiled.
 */
DM_API dm_err dm_profile_finish(dm_profile *p, dm_diag *diag);

/* dst := dst ∪ src for two profiles of the same features (same
 * reference).  DM_ESCHEMA if the feature sets differ. */
DM_API dm_err dm_profile_merge(dm_profile *dst, const dm_profile *src,
			       dm_diag *diag);

/* Index of the bin of x for feature f: the number of edges < x. */
DM_API size_t dm_feature_bin(const dm_feature *f, double x);
/* The values of a numeric feature as sorted weighted items (free both):
 * its sketch's, or those of its dm_ecdf_count (dm_ecdf_count_items);
 * *exact = 0 when some items stand for values not known (an interval of
 * the reference's points).  No items (n = 0) when it has neither. */
DM_API dm_err dm_feature_items(const dm_feature *f, double **vals,
			       uint64_t **wts, size_t *n, int *exact);
/* Quantiles q[0..nq) (each in [0, 1], ascending) of a numeric feature
 * from its sketch, by the lower empirical quantile (or
 * dm_ecdf_count_quantiles); NaN when empty. */
DM_API dm_err dm_feature_quantiles(const dm_feature *f, const double *q,
				   size_t nq, double *out);
/* Releases a multivariate profile and frees it; m may be NULL. */
DM_API void dm_mv_free(dm_multivariate *m);
/* dst := dst ∪ src (same columns): covariance or error sums. */
DM_API dm_err dm_mv_merge(dm_multivariate *dst, const dm_multivariate *src);
/* Looks up a feature by name; NULL if absent. */
DM_API dm_feature *dm_profile_find(const dm_profile *p, const char *name);
/* Nonzero when a column of this role is analysed (FEATURE, PREDICTION). */
DM_API int dm_role_analysed(dm_role r);
/* The missing markers used when neither the spec nor a flag sets them
 * (NULL-terminated: NA, N/A, n/a, NULL, null, None, <NA>, #N/A, #NA,
 * #N/A N/A). */
extern const char *const dm_default_missing_markers[];
/*
 * Parses an ISO-8601 date or date-time: YYYY-MM-DD, optionally followed
 * by 'T' or ' ' and hh:mm[:ss[.fraction]], optionally Z, UTC or an offset
 * +hh, +hhmm, +hh:mm; also the other dates and the periods (a month, a
 * quarter, an ISO week: their first day) of docs/schema.md's table of
 * forms.  *out = seconds since 1970-01-01T00:00:00Z (a time without
 * offset is read as UTC).  Returns 0, or -1 if [s, s+n) is not such a
 * date.
 */
DM_API int dm_parse_datetime(const char *s, size_t n, double *out);
/*
 * Parses a time of day: h:mm or hh:mm, optionally :ss and a fraction
 * (after '.' or ','), on the 24-hour clock, or on the 12-hour clock
 * followed by AM or PM (any case, a space before it optional); spaces
 * around it allowed.  *out = seconds since midnight, as a Parquet TIME
 * column reads (hours 24-99: an elapsed time, also in seconds).  Returns 0, or
 * -1 if [s, s+n) is not such a time.
 */
DM_API int dm_parse_time_of_day(const char *s, size_t n, double *out);
/* Canonical booleans: 1 for true/True/TRUE/t/T/yes/Yes/YES, 0 for
 * false/False/FALSE/f/F/no/No/NO (t and f: PostgreSQL's COPY ... CSV; T
 * and F: R; yes and no: what DuckDB's CSV reader makes a BOOLEAN, so that
 * a CSV file and its Parquet agree), spaces and tabs around them allowed
 * (a file separated by ", "), -1 for anything else (y/n among them, a
 * text column to DuckDB too). */
DM_API int dm_parse_bool(const char *s, size_t n);

/* ------------------------------------------------------------------ */
/* Baseline files (docs/baseline-format.md)                            */
/* ------------------------------------------------------------------ */
/* Serialises a finished baseline profile as JSON.  *out is malloc'd
 * (free()); *len its length. */
DM_API dm_err dm_baseline_to_json(const dm_profile *p, char **out, size_t *len);
/* The same text, streamed: handed to sink(ctx, ...) in chunks of about
 * 64 KiB as it is written, so it is never whole in memory.  Returns the
 * first error, the sink's included (the sink may have had part of it). */
DM_API dm_err dm_baseline_write(const dm_profile *p, dm_sink_fn sink,
				void *ctx);
/* Parses a baseline written by dm_baseline_to_json into p (initialised
 * here).  name is used in diagnostics.  DM_EVERSION for another format
 * version, DM_EFORMAT naming the field for anything malformed. */
DM_API dm_err dm_baseline_from_json(const char *json, size_t len,
				    const char *name, dm_profile *p,
				    dm_diag *diag);
/* The same, a large baseline's features parsed on up to `threads`
 * threads (at most 8): the same profile, the same errors. */
DM_API dm_err dm_baseline_from_json_mt(const char *json, size_t len,
				       const char *name, dm_profile *p,
				       dm_diag *diag, unsigned threads);

#ifdef __cplusplus
}
#endif
#endif
