/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Monitoring schema: what each column of a model's data is (its role)
 * and how its values are read (its logical type), and the monitoring
 * spec that users keep in git to override what driftmon inferred
 * (docs/schema.md, docs/spec-format.md).
 *
 * Roles: only FEATURE columns count in the drift verdict; PREDICTION
 * columns are compared and reported as model outputs; LABEL, EVENT_TIME,
 * IDENTIFIER, TEXT and IGNORED columns are recorded in the baseline (for
 * schema checks) but never drift.
 */
#ifndef DRIFTMON_SCHEMA_H
#define DRIFTMON_SCHEMA_H

#include <stddef.h>
#include <stdint.h>

#include "driftmon/error.h"
#include "driftmon/export.h"

#ifdef __cplusplus
extern "C" {
#endif

#define DM_SPEC_FORMAT_VERSION 1
/* Built-in defaults.min_performance_drop (DM_JOB_MIN_PERFORMANCE_DROP). */
#define DM_SPEC_MIN_PERFORMANCE_DROP 0.02
/* Limits of a spec file (docs/spec-format.md). */
#define DM_SPEC_MAX_BYTES   (1u << 20) /* the file */
#define DM_SPEC_MAX_COLUMNS 10000      /* entries under columns: */
#define DM_SPEC_MAX_NAME    1024       /* bytes of a column name */
#define DM_SPEC_MAX_TEXT    256	       /* bytes of model, version, test */
#define DM_SPEC_MAX_MARKERS 64	       /* missing_values per list */
#define DM_SPEC_MAX_MARKER  256	       /* bytes of one missing marker */
#define DM_SPEC_MAX_DEPTH   8	       /* nesting of mappings and lists */

typedef enum dm_role {
	DM_ROLE_FEATURE = 0,	/* a model input: monitored for drift */
	DM_ROLE_PREDICTION = 1, /* a model output (score, class) */
	DM_ROLE_LABEL = 2,	/* ground truth */
	DM_ROLE_EVENT_TIME = 3, /* when the row happened */
	DM_ROLE_IDENTIFIER = 4, /* a key: customer id, request id */
	DM_ROLE_TEXT = 5,	/* free text */
	DM_ROLE_IGNORED = 6,	/* recorded, never analysed */
	DM_ROLE_COUNT_
} dm_role;

typedef enum dm_ltype {
	DM_LTYPE_UNKNOWN = 0,	  /* not yet decided (all values missing) */
	DM_LTYPE_NUMERIC = 1,	  /* a measured quantity */
	DM_LTYPE_INTEGER = 2,	  /* a small integer domain (a code) */
	DM_LTYPE_BOOLEAN = 3,	  /* true / false */
	DM_LTYPE_CATEGORICAL = 4, /* a value from a set */
	DM_LTYPE_TIMESTAMP = 5,	  /* a date or an instant */
	DM_LTYPE_TEXT = 6,	  /* free text */
	DM_LTYPE_COUNT_
} dm_ltype;

/* Where a column's role and type came from. */
typedef enum dm_origin {
	DM_ORIGIN_INFERRED = 0, /* from the file's types and values */
	DM_ORIGIN_FLAG = 1,	/* a command-line flag */
	DM_ORIGIN_SPEC = 2	/* the monitoring spec */
} dm_origin;

/* Canonical lower-case names ("feature", "event_time", "integer", ...)
 * and their parsers (0 on success, -1 for an unknown name). */
DM_API const char *dm_role_name(dm_role r);
DM_API int dm_role_parse(const char *s, dm_role *out);
DM_API const char *dm_ltype_name(dm_ltype t);
DM_API int dm_ltype_parse(const char *s, dm_ltype *out);
DM_API const char *dm_origin_name(dm_origin o);

/* ------------------------------------------------------------------ */
/* The monitoring spec (docs/spec-format.md)                           */
/* ------------------------------------------------------------------ */
/*
 * One column's settings.  Every field is optional: has_role / has_type
 * say whether role / type were given; numbers are NaN when not given;
 * strings NULL when not given.
 */
typedef struct dm_column_spec {
	char *name;
	int has_role;
	dm_role role;
	int has_type;
	dm_ltype type;
	char *test;	      /* drift test name; NULL = automatic */
	double psi_threshold; /* NaN = the model's */
	double alpha;	      /* NaN = the model's (family-wise control) */
	double min_effect;    /* effect floor of the test; NaN = default */
	double importance;    /* weight in the drift score; NaN = 1 */
	int has_missing;      /* missing markers given (replace defaults) */
	char **missing;	      /* nmissing strings read as missing */
	size_t nmissing;
	unsigned line; /* line in the spec file (diagnostics) */
	char *comment; /* written after the role (why it was
			  inferred); never read back; NULL = none */
} dm_column_spec;

typedef struct dm_spec {
	unsigned version;    /* DM_SPEC_FORMAT_VERSION */
	char *model;	     /* optional: the model it is for */
	char *model_version; /* optional */
	/* Model defaults (NaN / 0 = not given). */
	double psi_threshold;
	double alpha;
	double critical_threshold;
	uint64_t min_samples;
	int has_min_samples;
	/* Smallest performance drop that alerts (dm_job_opts.
	 * min_performance_drop), in [0, 1]; NaN = not given. */
	double min_performance_drop;
	int has_missing; /* default missing markers given */
	char **missing;
	size_t nmissing;
	/* Columns. */
	dm_column_spec *cols;
	size_t ncols;
} dm_spec;

/* Initialises an empty spec (version DM_SPEC_FORMAT_VERSION, every
 * setting "not given"). */
DM_API void dm_spec_init(dm_spec *s);
/* Releases everything s owns; s may be NULL. */
DM_API void dm_spec_release(dm_spec *s);
/* The column's settings, or NULL. */
DM_API const dm_column_spec *dm_spec_find(const dm_spec *s, const char *name);

/*
 * Drift test names a column may ask for ("auto", "psi", "ks", "chi2");
 * 1 if name is one of them.  "auto" is stored as test = NULL.
 */
DM_API int dm_spec_test_known(const char *name);

/*
 * Parses a spec in YAML (one document, UTF-8, docs/spec-format.md).
 * Strict: an unknown key, a duplicate key or column, a wrong type (text
 * where a number is needed, a list where a mapping is), an unknown
 * role/type/test name or a value out of range is DM_EFORMAT; a version
 * other than DM_SPEC_FORMAT_VERSION is DM_EVERSION; a file or list
 * beyond the DM_SPEC_MAX_* limits is DM_ETOOBIG.  The diag then reads
 * "'<name>': line N: <key path>: <what is wrong>" (lines from 1).
 * *out is initialised here and released again on error.
 */
DM_API dm_err dm_spec_parse_yaml(const char *text, size_t len, const char *name,
				 dm_spec *out, dm_diag *diag);
/*
 * Writes s as YAML: a comment header (what the file is, how to use it),
 * the model defaults (those not given as comments showing the built-in
 * value), then every column with its settings and its comment.  Column
 * names and text are quoted whenever YAML would read them as anything
 * but that exact text.  *out is malloc'd (free()), *len its length.
 * DM_EINVAL if a string is not valid UTF-8 (YAML cannot carry it).
 */
DM_API dm_err dm_spec_to_yaml(const dm_spec *s, char **out, size_t *len);

/*
 * The spec a finished baseline profile implies: model and version, and
 * for every feature its role, logical type, per-feature settings that
 * differ from the defaults (test, psi_threshold, min_effect, importance)
 * and a comment "<origin>: <reason>".  Model defaults are left "not
 * given".  *out is initialised here (released again on error).
 */
struct dm_profile;
DM_API dm_err dm_spec_from_profile(const struct dm_profile *p, dm_spec *out);

#ifdef __cplusplus
}
#endif
#endif
