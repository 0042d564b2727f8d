/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Building and merging profiles (see include/driftmon/profile.h).
 *
 * Batches stream through: for each numeric column the valid values of a
 * batch are gathered into one array, then moments, sketch and bins are
 * updated block-wise.  A text (CSV) column is parsed here, because only
 * the profile knows whether a column is numeric or categorical: in
 * baseline mode the type of a text column is decided by its first
 * non-empty batch (numeric when at least 90% of its cells are numbers;
 * the rest are then errors in training data), unless forced with
 * --categorical.
 */
#include <ctype.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/pool.h"
#include "core/utf8.h"
#include "io/io_internal.h"
#include "driftmon/parquet.h"
#include "driftmon/profile.h"
#include "profile/profile_int.h"
#include "profile/mv_int.h"
#include "stats/moments_lanes.h"

static const char *const meta_columns[] = {"timestamp", "model_name",
					   "model_version", "request_id", NULL};

/*
 * Text that CSV writers use for a missing value besides the empty field
 * (pandas' na_values without the NaN spellings, which stay NaN: invalid
 * in logs, an error in training data).  Only for text cells.
 */
const char *const dm_default_missing_markers[] = {
	"NA",	"N/A",	"n/a", "NULL",	   "null", "None",
	"<NA>", "#N/A", "#NA", "#N/A N/A", NULL};

const char *dm_feature_type_name(dm_feature_type t)
{
	switch (t) {
	case DM_FEATURE_NUMERIC:
		return "numeric";
	case DM_FEATURE_CATEGORICAL:
		return "categorical";
	default:
		return "unknown";
	}
}

static int in_list(const char *const *list, const char *name)
{
	if (!list)
		return 0;
	for (; *list; list++)
		if (strcmp(*list, name) == 0)
			return 1;
	return 0;
}

void dm_profile_init(dm_profile *p, const dm_profile_opts *opts)
{
	memset(p, 0, sizeof(*p));
	p->sketch_k =
		opts && opts->sketch_k ? opts->sketch_k : DM_SKETCH_K_DEFAULT;
	p->nbins = opts && opts->nbins ? opts->nbins : DM_PSI_BINS_DEFAULT;
}

static void feature_release(dm_feature *f)
{
	size_t i;

	free(f->name);
	dm_sketch_free(f->sketch);
	dm_ecdf_count_free(f->ecdf);
	free(f->edges);
	free(f->bins);
	for (i = 0; i < f->ncats; i++)
		free(f->cats[i].value);
	free(f->cats);
	free(f->hash);
	for (i = 0; i < f->nna; i++)
		free(f->na_markers[i]);
	free(f->na_markers);
	free(f->na_counts);
	pf_evidence_free(f->evidence);
	memset(f, 0, sizeof(*f));
}

void dm_profile_release(dm_profile *p)
{
	size_t i;

	if (!p)
		return;
	for (i = 0; i < p->nfeat; i++)
		feature_release(&p->feat[i]);
	free(p->feat);
	for (i = 0; i < p->nextra; i++)
		free(p->extra_columns[i]);
	free(p->extra_columns);
	free(p->extra_prediction);
	free(p->model);
	free(p->model_version);
	free(p->created_at);
	free(p->spec_yaml);
	for (i = 0; i < p->nwarnings; i++)
		free(p->warnings[i]);
	free(p->warnings);
	dmp_profile_index_free(p);
	dm_mv_free(p->mv);
	memset(p, 0, sizeof(*p));
}

size_t dm_feature_bin(const dm_feature *f, double x)
{
	size_t lo = 0, hi = f->nedges;

	/* number of edges strictly below x */
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (f->edges[mid] < x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* ---- categories (the table itself: categories.c) ------------------- */

/* Counts one categorical value.  nref is the number of reference
 * categories (current mode) or SIZE_MAX (baseline mode). */
static dm_err cat_count(dm_feature *f, const char *s, size_t n, size_t nref,
			int ref_has_other, uint64_t w)
{
	pf_evidence *e = f->evidence;
	long i;

	if (nref == SIZE_MAX && e && e->gather)
		return pf_cat_count_sampled(f, e, s, n, w) < 0 ? DM_ENOMEM
							       : DM_OK;
	i = pf_cat_index(f, s, n, nref == SIZE_MAX || !e);
	if (i == -1 && e) /* current mode: the same value without spaces */
		i = pf_cat_loose(f, e, s, n, nref);
	if (i == -1 && e)
		i = pf_cat_index(f, s, n, 1);
	if (i == -2)
		return DM_ENOMEM;
	if (i < 0) {
		/* against a baseline that kept its values by key: a value
		 * it would have kept is one it never saw */
		if ((nref != SIZE_MAX && !ref_has_other) ||
		    (f->cat_key_max && pf_cat_key(s, n) <= f->cat_key_max))
			f->unseen += w;
		else
			f->other += w;
		return DM_OK;
	}
	f->cats[i].count += w;
	if ((size_t)i >= nref)
		f->unseen += w;
	return DM_OK;
}

/* ---- feature set ------------------------------------------------------ */

/* A column name a baseline can store and read back: at most
 * DM_MAX_NAME_BYTES as JSON stores it (valid UTF-8, each byte that is
 * not read as Latin-1: two bytes), else an error naming the column (its
 * first 60 bytes). */
static dm_err name_fits(const char *name, const char *file, dm_diag *diag)
{
	size_t n = strlen(name), stored = n;

	if (n > DM_MAX_NAME_BYTES / 2 && utf8_valid_prefix(name, n) != n) {
		char *fix = malloc(2 * n + 1);

		if (!fix)
			return DM_ENOMEM;
		stored = utf8_repair(name, n, fix);
		free(fix);
	}
	if (stored <= DM_MAX_NAME_BYTES)
		return DM_OK;
	return dm_diag_set(diag, DM_EFORMAT, file, 0, NULL,
			   "a column name of %zu bytes ('%.60s...'): at most "
			   "%d bytes (as UTF-8)",
			   stored, name, DM_MAX_NAME_BYTES);
}

static dm_feature *add_feature(dm_profile *p, const char *name)
{
	dm_feature *f;

	/* Geometric growth: a wide file adds 100,000 features, and a
	 * realloc that moves the block each time is quadratic.  feat_cap is
	 * kept here only; an array set elsewhere (a baseline read from
	 * JSON) has feat_cap <= nfeat and is grown on the first add. */
	if (p->nfeat + 1 > p->feat_cap) {
		size_t cap = p->feat_cap > p->nfeat ? p->feat_cap : p->nfeat;
		dm_feature *nf;

		cap = cap < 16 ? 16 : 2 * cap;
		nf = realloc(p->feat, cap * sizeof(*nf));
		if (!nf)
			return NULL;
		p->feat = nf;
		p->feat_cap = cap;
	}
	f = &p->feat[p->nfeat];
	memset(f, 0, sizeof(*f));
	f->name = strdup(name);
	if (!f->name)
		return NULL;
	f->importance = 1.0;
	f->psi_threshold = NAN;
	f->min_effect = NAN;
	dm_moments_init(&f->mom);
	p->nfeat++;
	if (dmp_profile_index_add(p, p->nfeat - 1) != DM_OK) {
		p->nfeat--;
		feature_release(f);
		return NULL;
	}
	return f;
}

/* Sets f's missing markers to a copy of the n strings of list. */
static dm_err set_markers(dm_feature *f, const char *const *list, size_t n)
{
	size_t i;

	f->na_markers = calloc(n + 1, sizeof(char *));
	f->na_counts = calloc(n + 1, sizeof(uint64_t));
	if (!f->na_markers || !f->na_counts)
		return DM_ENOMEM;
	for (i = 0; i < n; i++) {
		f->na_markers[i] = strdup(list[i]);
		if (!f->na_markers[i])
			return DM_ENOMEM;
		f->nna = i + 1;
	}
	return DM_OK;
}

static size_t list_len(const char *const *l)
{
	size_t n = 0;

	while (l && l[n])
		n++;
	return n;
}

/* Index of the missing marker [s, s+n) in f's list, or -1. */
static long na_match(const dm_feature *f, const char *s, size_t n)
{
	size_t i;

	if (n == 0 || n > 16)
		return -1;
	for (i = 0; i < f->nna; i++)
		if (strncmp(f->na_markers[i], s, n) == 0 &&
		    f->na_markers[i][n] == '\0')
			return (long)i;
	return -1;
}

/* Appends the missing marker [s, s+n) to f's list (its count 0). */
static dm_err add_marker(dm_feature *f, const char *s, size_t n)
{
	char **mk = realloc(f->na_markers, (f->nna + 2) * sizeof(*mk));
	uint64_t *ct;

	if (!mk)
		return DM_ENOMEM;
	f->na_markers = mk;
	ct = realloc(f->na_counts, (f->nna + 2) * sizeof(*ct));
	if (!ct)
		return DM_ENOMEM;
	f->na_counts = ct;
	if (!(mk[f->nna] = strndup(s, n)))
		return DM_ENOMEM;
	ct[f->nna] = 0;
	mk[f->nna + 1] = NULL;
	f->nna++;
	return DM_OK;
}

static dm_err feature_make_numeric(dm_profile *p, dm_feature *f)
{
	f->type = DM_FEATURE_NUMERIC;
	if (!f->sketch) {
		f->sketch = dm_sketch_new(p->sketch_k);
		if (!f->sketch)
			return DM_ENOMEM;
	}
	return DM_OK;
}

/* Whether feature rf of the reference is counted against its stored
 * ECDF in a window profiled with o (dm_profile_opts.window_ecdf). */
static int window_counted(const dm_profile_opts *o, const dm_feature *rf)
{
	return o && o->window_ecdf && rf->sketch &&
	       dm_sketch_count(rf->sketch) > 0 &&
	       !dm_test_needs_values(o->window_test) &&
	       !dm_test_needs_values(dm_test_from_name(rf->test));
}

/* f's dm_ecdf_count against the reference feature rf's sketch items
 * and bin edges. */
static dm_err make_ecdf(const dm_profile *p, dm_feature *f,
			const dm_feature *rf)
{
	double *v = NULL;
	uint64_t *w = NULL;
	size_t n = 0;
	dm_err err = dm_sketch_items(rf->sketch, &v, &w, &n);

	if (err != DM_OK)
		return err;
	f->type = DM_FEATURE_NUMERIC;
	f->ecdf =
		dm_ecdf_count_new(v, w, n, rf->edges, rf->nedges, p->sketch_k);
	free(v);
	free(w);
	return f->ecdf ? DM_OK : DM_ENOMEM;
}

/* Current mode: copy the reference's features (names, types, edges,
 * category list) into p; o: the options (window_ecdf), or NULL. */
static dm_err init_from_reference(dm_profile *p, const dm_profile *ref,
				  const dm_profile_opts *o)
{
	size_t i, j;

	p->sketch_k = ref->sketch_k;
	p->nbins = ref->nbins;
	for (i = 0; i < ref->nfeat; i++) {
		const dm_feature *rf = &ref->feat[i];
		dm_feature *f = add_feature(p, rf->name);

		if (!f)
			return DM_ENOMEM;
		f->type = rf->type;
		f->importance = rf->importance;
		f->role = rf->role;
		f->ltype = rf->ltype;
		f->origin = rf->origin;
		memcpy(f->reason, rf->reason, sizeof(f->reason));
		f->psi_threshold = rf->psi_threshold;
		f->min_effect = rf->min_effect;
		memcpy(f->test, rf->test, sizeof(f->test));
		if (set_markers(f, (const char *const *)rf->na_markers,
				rf->nna) != DM_OK)
			return DM_ENOMEM;
		if (!dm_role_analysed(rf->role))
			continue; /* only its presence is looked at */
		if (rf->type == DM_FEATURE_CATEGORICAL &&
		    !(f->evidence = pf_evidence_new()))
			return DM_ENOMEM;
		if (rf->type == DM_FEATURE_NUMERIC) {
			dm_err err = window_counted(o, rf)
					     ? make_ecdf(p, f, rf)
					     : feature_make_numeric(p, f);

			if (err != DM_OK)
				return err;
			f->nedges = rf->nedges;
			f->edges = malloc((rf->nedges + 1) * sizeof(double));
			f->bins = calloc(rf->nedges + 1, sizeof(uint64_t));
			if (!f->edges || !f->bins)
				return DM_ENOMEM;
			if (rf->nedges)
				memcpy(f->edges, rf->edges,
				       rf->nedges * sizeof(double));
		} else if (rf->type == DM_FEATURE_CATEGORICAL) {
			for (j = 0; j < rf->ncats; j++) {
				const char *v = rf->cats[j].value;
				uint64_t key = pf_cat_key(v, strlen(v));

				if (pf_cat_index(f, v, strlen(v), 1) < 0)
					return DM_ENOMEM;
				if (rf->cats_by_key && key > f->cat_key_max)
					f->cat_key_max = key;
			}
		}
	}
	return DM_OK;
}

dm_err dmp_profile_from_reference(dm_profile *p, const dm_profile *ref)
{
	dm_err err = init_from_reference(p, ref, NULL);

	return err != DM_OK ? err : pf_mv_setup(p, ref);
}

/* The index pandas writes: in CSV a column with an empty name (read as
 * "Unnamed: 0"), in Parquet (pyarrow) "__index_level_0__". */
static int is_pandas_index(const char *name)
{
	return strncmp(name, "Unnamed: ", 9) == 0 ||
	       strncmp(name, "__index_level_", 14) == 0;
}

/* Why a metadata column is one: pandas names a column with an empty
 * header "Unnamed: <i>", and only the first one is its index. */
static const char *meta_reason(const char *name)
{
	if (!is_pandas_index(name))
		return "logger metadata column";
	return strncmp(name, "Unnamed: ", 9) == 0 && strcmp(name, "Unnamed: 0")
		       ? "unnamed column (an empty header)"
		       : "pandas index column";
}

/* Metadata columns and pandas' index: never features. */
static int is_meta(const char *name)
{
	return in_list(meta_columns, name) || is_pandas_index(name);
}

/* Names of data columns not profiled (for the report): the first
 * DM_MAX_EXTRA_NAMES are kept. */
#define DM_MAX_EXTRA_NAMES 1024

static dm_err add_extra(dm_profile *p, const char *name, int prediction)
{
	char **x;
	uint8_t *fl;
	size_t i;

	if (p->nextra >= DM_MAX_EXTRA_NAMES)
		return DM_OK;
	for (i = 0; i < p->nextra; i++)
		if (strcmp(p->extra_columns[i], name) == 0) {
			p->extra_prediction[i] |= prediction != 0;
			return DM_OK;
		}
	x = realloc(p->extra_columns, (p->nextra + 1) * sizeof(*x));
	if (!x)
		return DM_ENOMEM;
	p->extra_columns = x;
	fl = realloc(p->extra_prediction, p->nextra + 1);
	if (!fl)
		return DM_ENOMEM;
	p->extra_prediction = fl;
	x[p->nextra] = strdup(name);
	if (!x[p->nextra])
		return DM_ENOMEM;
	fl[p->nextra] = prediction != 0;
	p->nextra++;
	return DM_OK;
}

/* The analysis kind a logical type implies. */
static dm_feature_type kind_of(dm_ltype t)
{
	switch (t) {
	case DM_LTYPE_NUMERIC:
	case DM_LTYPE_INTEGER:
	case DM_LTYPE_TIMESTAMP:
		return DM_FEATURE_NUMERIC;
	case DM_LTYPE_BOOLEAN:
	case DM_LTYPE_CATEGORICAL:
	case DM_LTYPE_TEXT:
		return DM_FEATURE_CATEGORICAL;
	default:
		return DM_FEATURE_UNKNOWN;
	}
}

static void fix_role(dm_feature *f, pf_evidence *e, dm_role r, dm_origin o,
		     const char *why)
{
	f->role = r;
	f->origin = o;
	e->fixed_role = 1;
	snprintf(e->role_note, sizeof(e->role_note), "%s", why);
}

static void fix_type(dm_feature *f, pf_evidence *e, dm_ltype t, dm_origin o,
		     const char *why)
{
	f->ltype = t;
	f->type = kind_of(t);
	if (f->origin < o)
		f->origin = o;
	e->fixed_type = 1;
	snprintf(e->type_note, sizeof(e->type_note), "%s", why);
}

/*
 * Baseline mode: a new column's missing markers, its per-feature settings
 * from the spec, and its role and type where a flag (which wins), the
 * spec or the logger's metadata fixes them.  selected = 0 for a column
 * --features leaves out or --exclude names.
 */
static dm_err setup_feature(const dm_profile_opts *o, dm_feature *f,
			    const char *why_unselected)
{
	const dm_column_spec *cs = o ? dm_spec_find(o->spec, f->name) : NULL;
	const char *const *mk = dm_default_missing_markers;
	size_t nmk, i;
	pf_evidence *e = pf_evidence_new();

	if (!e)
		return DM_ENOMEM;
	e->gather = 1;
	f->evidence = e;
	if (cs && cs->has_missing) {
		mk = (const char *const *)cs->missing;
		nmk = cs->nmissing;
		e->user_markers = 1;
	} else if (o && o->missing_values) {
		mk = o->missing_values;
		nmk = list_len(mk);
		e->user_markers = 1;
	} else if (o && o->spec && o->spec->has_missing) {
		mk = (const char *const *)o->spec->missing;
		nmk = o->spec->nmissing;
		e->user_markers = 1;
	} else {
		nmk = list_len(mk);
	}
	if (set_markers(f, mk, nmk) != DM_OK)
		return DM_ENOMEM;
	if (!strcmp(f->name, "timestamp"))
		fix_role(f, e, DM_ROLE_EVENT_TIME, DM_ORIGIN_INFERRED,
			 "logger metadata column");
	else if (!strcmp(f->name, "request_id"))
		fix_role(f, e, DM_ROLE_IDENTIFIER, DM_ORIGIN_INFERRED,
			 "logger metadata column");
	else if (is_meta(f->name))
		fix_role(f, e, DM_ROLE_IGNORED, DM_ORIGIN_INFERRED,
			 meta_reason(f->name));
	if (cs) {
		if (cs->has_role)
			fix_role(f, e, cs->role, DM_ORIGIN_SPEC, "spec");
		if (cs->has_type)
			fix_type(f, e, cs->type, DM_ORIGIN_SPEC, "spec");
		if (!isnan(cs->psi_threshold))
			f->psi_threshold = cs->psi_threshold;
		if (!isnan(cs->min_effect))
			f->min_effect = cs->min_effect;
		if (!isnan(cs->importance))
			f->importance = cs->importance;
		if (cs->test)
			snprintf(f->test, sizeof(f->test), "%s", cs->test);
	}
	if (why_unselected)
		fix_role(f, e, DM_ROLE_IGNORED, DM_ORIGIN_FLAG, why_unselected);
	else if (o && in_list(o->features, f->name))
		fix_role(f, e, DM_ROLE_FEATURE, DM_ORIGIN_FLAG, "--features");
	if (o && in_list(o->categorical, f->name))
		fix_type(f, e, DM_LTYPE_CATEGORICAL, DM_ORIGIN_FLAG,
			 "--categorical");
	for (i = 0; o && o->role_names && o->role_names[i]; i++)
		if (!strcmp(o->role_names[i], f->name))
			fix_role(f, e, o->role_values[i], DM_ORIGIN_FLAG,
				 "--role flag");
	for (i = 0; o && o->ltype_names && o->ltype_names[i]; i++)
		if (!strcmp(o->ltype_names[i], f->name))
			fix_type(f, e, o->ltype_values[i], DM_ORIGIN_FLAG,
				 "--type flag");
	for (i = 0; o && o->importance_names && o->importance_names[i]; i++)
		if (!strcmp(o->importance_names[i], f->name))
			f->importance = o->importance_values[i];
	return DM_OK;
}

/* Every name of a parallel override list is a column of p. */
static dm_err all_columns(const dm_profile *p, const char *const *names,
			  const char *file, const char *why, dm_diag *diag)
{
	for (; names && *names; names++)
		if (!dm_profile_find(p, *names))
			return dm_diag_set(diag, DM_ESCHEMA, file, 0, *names,
					   "%s", why);
	return DM_OK;
}

/*
 * Maps the columns of a batch to features.  map[c] = feature index or -1.
 * Creates features on the first call in baseline mode: every column is
 * recorded (the metadata columns and those the options leave out with
 * their role), so the baseline knows the whole schema.
 */
static dm_err map_columns(dm_profile *p, const dm_profile_opts *o,
			  const dm_reader *r, char *const *names, size_t ncols,
			  long *map, const char *file, dm_diag *diag)
{
	size_t c, i, nanalysed = 0;
	int creating = (o == NULL || o->reference == NULL) && p->nfeat == 0;
	uint8_t *seen = NULL; /* features already mapped (duplicates) */
	dm_err err;

	if (!creating) {
		seen = calloc(p->nfeat + 1, 1);
		if (!seen)
			return DM_ENOMEM;
	}

	for (c = 0; c < ncols; c++) {
		const char *name = names[c];
		const char *why = NULL;
		dm_feature *f;

		map[c] = -1;
		if (creating) {
			if (o && o->features && !in_list(o->features, name))
				why = "not in --features";
			if (o && in_list(o->exclude, name))
				why = "--exclude";
			if (o && in_list(o->exclude, name) &&
			    in_list(o->features, name))
				return dm_diag_set(diag, DM_ESCHEMA, file, 0,
						   name,
						   "both --features and "
						   "--exclude name it");
			if (dm_profile_find(p, name))
				return dm_diag_set(diag, DM_EFORMAT, file, 0,
						   name,
						   "duplicate column name");
			if ((err = name_fits(name, file, diag)) != DM_OK)
				return err;
			if (p->nfeat == DM_MAX_COLUMNS)
				return dm_diag_set(
					diag, DM_ETOOBIG, file, 0, NULL,
					"%zu columns: more than driftmon "
					"profiles at once (%d); choose them "
					"with --features or --exclude",
					ncols, DM_MAX_COLUMNS);
			f = add_feature(p, name);
			if (!f)
				return DM_ENOMEM;
			if ((err = setup_feature(o, f, why)) != DM_OK)
				return err;
			if (r && r->predictions && r->predictions[c])
				((pf_evidence *)f->evidence)
					->reader_prediction = 1;
			map[c] = (long)(p->nfeat - 1);
			continue;
		}
		f = dm_profile_find(p, name);
		if (!f) {
			if (o && o->reference && !is_meta(name) &&
			    (err = add_extra(p, name,
					     (r && r->predictions &&
					      r->predictions[c]) ||
						     pf_prediction_name(name) ||
						     pf_label_name(name)))) {
				free(seen);
				return err;
			}
			continue;
		}
		if (seen[f - p->feat]) {
			free(seen);
			return dm_diag_set(diag, DM_EFORMAT, file, 0, name,
					   "duplicate column name");
		}
		seen[f - p->feat] = 1;
		map[c] = f - p->feat;
	}
	if (creating) {
		if (o && ((err = all_columns(p, o->features, file,
					     "--features names a column that "
					     "is not in the data",
					     diag)) != DM_OK ||
			  (err = all_columns(p, o->categorical, file,
					     "--categorical names a column "
					     "that is not a feature",
					     diag)) != DM_OK ||
			  (err = all_columns(p, o->importance_names, file,
					     "--importance names a column "
					     "that is not a feature",
					     diag)) != DM_OK ||
			  (err = all_columns(p, o->role_names, file,
					     "--role names a column that is "
					     "not in the data",
					     diag)) != DM_OK ||
			  (err = all_columns(p, o->ltype_names, file,
					     "--type names a column that is "
					     "not in the data",
					     diag)) != DM_OK))
			return err;
		for (i = 0; i < p->nfeat; i++) {
			pf_evidence *e = p->feat[i].evidence;

			nanalysed += !e->fixed_role ||
				     dm_role_analysed(p->feat[i].role);
		}
		if (nanalysed == 0)
			return dm_diag_set(diag, DM_ESCHEMA, file, 0, NULL,
					   "no feature columns (the columns "
					   "timestamp, model_name, "
					   "model_version and request_id "
					   "are never features; check "
					   "--features and --exclude)");
	} else if (!(o && o->reference)) {
		/* Later training files must have every column that may be
		 * a feature. */
		for (i = 0; i < p->nfeat; i++) {
			pf_evidence *e = p->feat[i].evidence;

			if (e && e->fixed_role &&
			    !dm_role_analysed(p->feat[i].role))
				continue;
			if (!seen[i]) {
				free(seen);
				return dm_diag_set(diag, DM_ESCHEMA, file, 0,
						   p->feat[i].name,
						   "column missing (present in "
						   "the first input file)");
			}
		}
	}
	free(seen);
	for (c = 0; c < ncols; c++)
		if (map[c] >= 0)
			p->feat[map[c]].present = 1;
	return DM_OK;
}

/* ---- per-batch work --------------------------------------------------- */

struct scratch {
	double *vals;
	size_t cap;
};

static uint64_t row_number(const dm_batch *b, size_t i)
{
	return b->row_numbers ? b->row_numbers[i] : b->first_row + i;
}

static void note_invalid(dm_feature *f, const char *s, size_t n)
{
	if (f->invalid == 0)
		snprintf(f->invalid_example, sizeof(f->invalid_example), "%.*s",
			 (int)(n > 60 ? 60 : n), s);
	f->invalid++;
}

/* A column name that is a number ("506"). */
static int name_looks_numeric(const char *name)
{
	char *end;
	double v;

	if (!name || !*name)
		return 0;
	v = strtod(name, &end);
	return *end == 0 && isfinite(v);
}

static dm_err bad_value(dm_diag *diag, const char *file, uint64_t row,
			const char *col, const char *s, size_t n, double x,
			int parsed, int current)
{
	if (!parsed && !current && row == 1 && name_looks_numeric(col))
		/* text under a header of numbers: the names are a line
		 * above the header (sklearn's "506,13"), most often */
		return dm_diag_set(diag, DM_EFORMAT, file, row, col,
				   "not a number: '%.*s' (is the first line "
				   "a title or a note, not the header?)",
				   (int)(n > 60 ? 60 : n), s);
	if (!parsed && !current) /* the user can say what the text is */
		return dm_diag_set(diag, DM_EFORMAT, file, row, col,
				   "not a number: '%.*s' (a column of numbers; "
				   "a marker of missing values goes in "
				   "--missing-values, text needs --type %s="
				   "categorical%s)",
				   (int)(n > 60 ? 60 : n), s, col,
				   row == 1 ? "; or is the first line a title, "
					      "not the header?"
					    : "");
	if (!parsed)
		return dm_diag_set(diag, DM_EFORMAT, file, row, col,
				   "not a number: '%.*s'",
				   (int)(n > 60 ? 60 : n), s);
	if (!current && n > 0) /* text: the user can list it as a marker */
		return dm_diag_set(diag, DM_EFORMAT, file, row, col,
				   "%s is not allowed in training data (leave "
				   "the field empty for a missing value, or "
				   "list '%.*s' in --missing-values)",
				   isnan(x) ? "NaN" : "an infinite value",
				   (int)(n > 20 ? 20 : n), s);
	/* a typed column's NaN or infinity (Parquet): no text to leave
	 * empty; the markers name them */
	return dm_diag_set(diag, DM_EFORMAT, file, row, col,
			   "%s is not allowed %s (list '%s' in "
			   "--missing-values to count it as missing)",
			   isnan(x) ? "NaN" : "an infinite value",
			   current ? "with --strict" : "in training data",
			   isnan(x) ? "NaN"
			   : x > 0  ? "inf"
				    : "-inf");
}

static void note_schema_bad(dm_feature *f, const char *s, size_t n)
{
	if (f->schema_bad == 0)
		snprintf(f->schema_bad_example, sizeof(f->schema_bad_example),
			 "%.*s", (int)(n > 40 ? 40 : n), s);
	f->schema_bad++;
}

/* Empty or spaces only: missing, as the empty field is.  An empty text
 * cell that is not NULL is the quoted "" of a CSV writer that quotes
 * every field (pandas' QUOTE_ALL, database exports; pandas reads it as
 * NaN) or a Parquet string "" (which pandas writes to CSV as the empty
 * field); " " is a spreadsheet export's empty number. */
static int is_blank(const char *s, size_t n)
{
	size_t i;

	if (n == 0)
		return 1;
	if (s[0] != ' ' && s[0] != '\t')
		return 0;
	for (i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t')
			return 0;
	return 1;
}

/* A missing text cell: blank, or a missing marker (counted per marker). */
/* Index of f's missing marker that names the non-finite number x of a
 * typed column (a Parquet DOUBLE's NaN, as Spark and Polars write for a
 * missing float): "nan" for NaN, "inf", "+inf", "infinity" or "-inf",
 * "-infinity" for the infinities, in any case; -1 for none.  The same
 * markers read CSV text "NaN" or "inf" as missing. */
static long nonfinite_marker(const dm_feature *f, double x)
{
	static const char *const nan_words[] = {"nan", NULL},
				 *const pos_words[] = {"inf", "+inf",
						       "infinity", "+infinity",
						       NULL},
				 *const neg_words[] = {"-inf", "-infinity",
						       NULL};
	const char *const *w = isnan(x) ? nan_words
			       : x > 0	? pos_words
					: neg_words;
	size_t i, j;

	for (i = 0; i < f->nna; i++)
		for (j = 0; w[j]; j++)
			if (strcasecmp(f->na_markers[i], w[j]) == 0)
				return (long)i;
	return -1;
}

static int is_marker(dm_feature *f, const dm_column *col, const char *s,
		     size_t n)
{
	long k;

	if (col->type == DM_COL_DOUBLE)
		return 0;
	if (is_blank(s, n))
		return 1;
	if ((k = na_match(f, s, n)) < 0)
		return 0;
	f->na_counts[k]++;
	return 1;
}

/* 1 if [s, s+n) is a code that mixes letters and digits ("207a", "E11",
 * "1012AB", "A-12"): a value of a column of codes, most of them numbers
 * ("100", "207a"), not a number written wrong. */
static int letters_and_digits(const char *s, size_t n)
{
	size_t i;
	int alpha = 0, digit = 0;

	s = pf_trim(s, &n);
	if (n < 2 || n > 32)
		return 0;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= '0' && c <= '9')
			digit = 1;
		else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z')
			alpha = 1;
		else if (c != '-' && c != '_')
			return 0;
	}
	return alpha && digit;
}

/*
 * Decides the type of a text or string column from its first batch with
 * values: numeric when at least 90% of its cells are numbers (CSV text
 * and typed strings alike: one value model) and none of the others is a
 * code of letters and digits (a column of ids "100", "207a": strings), a
 * timestamp when at least 90% are dates, else categorical.
 */
static void decide_text_type(dm_feature *f, const dm_column *col,
			     const uint8_t *keep, size_t nrows, int dc)
{
	size_t i, seen = 0, num = 0, fmt = 0, date = 0, timed = 0, ph = 0,
		  tod = 0, code = 0;
	double x;

	for (i = 0; i < nrows; i++) {
		const dm_strref *c = &col->str[i];

		if ((keep && !keep[i]) || (col->null && col->null[i]) ||
		    na_match(f, c->ptr, c->len) >= 0 ||
		    is_blank(c->ptr, c->len))
			continue;
		seen++;
		if (dmio_parse_text_number(c->ptr, c->len, dc, &x) == 0) {
			num++;
		} else if (dmio_parse_formatted_number(c->ptr, c->len, dc,
						       &x) == 0) {
			num++;
			fmt++;
		} else if (dm_parse_datetime(c->ptr, c->len, &x) == 0) {
			date++;
			timed += fmod(x, 86400.0) != 0.0; /* a time of day */
		} else if (dm_parse_time_of_day(c->ptr, c->len, &x) == 0) {
			tod++;
		} else if (pf_placeholder(c->ptr, c->len)) {
			ph++; /* a missing value, if the rest are numbers */
		} else {
			code += letters_and_digits(c->ptr, c->len);
		}
	}
	if (seen == 0)
		return;
	if (num > 0 && num * 10 >= (seen - ph) * 9 && code == 0) {
		f->type = DM_FEATURE_NUMERIC;
		if (fmt && f->evidence)
			snprintf(
				((pf_evidence *)f->evidence)->type_note,
				sizeof(((pf_evidence *)f->evidence)->type_note),
				"%s",
				"numbers written with currency, % or groups");
	} else if (date > 0 && date * 10 >= (seen - ph) * 9) {
		f->type = DM_FEATURE_NUMERIC;
		f->ltype = DM_LTYPE_TIMESTAMP;
		if (f->evidence)
			snprintf(
				((pf_evidence *)f->evidence)->type_note,
				sizeof(((pf_evidence *)f->evidence)->type_note),
				"%s", timed ? "date-times" : "dates");
	} else if (tod > 0 && tod * 10 >= (seen - ph) * 9) {
		/* as a Parquet TIME reads: seconds since midnight */
		f->type = DM_FEATURE_NUMERIC;
		if (f->evidence)
			pf_note_time_of_day(f->evidence, "times of day");
	} else {
		f->type = DM_FEATURE_CATEGORICAL;
	}
}

/* The first pass of dm_moments_add_block over a block: its sum (in the
 * lanes of stats/moments_lanes.h) and its range. */
struct pf_sums {
	double sum, lo, hi;
};

static void block_sums(const double *x, size_t n, struct pf_sums *s)
{
	dm_lanes_pass1(x, n, &s->sum, &s->lo, &s->hi);
}

/* The block's moments into f's, as dm_moments_add_block adds them, its
 * sum of squared deviations ss (from the mean sum / m, in order). */
static void merge_block(dm_feature *f, size_t m, const struct pf_sums *s,
			double ss)
{
	dm_moments b;

	b.n = m;
	b.mean = s->sum / (double)m;
	b.m2 = ss;
	b.min = s->lo;
	b.max = s->hi;
	dm_moments_merge(&f->mom, &b);
}

/* The second pass of dm_moments_add_block: the squared deviations from
 * mean, summed in its lanes. */
static double block_ss(const double *x, size_t n, double mean)
{
	return dm_lanes_ss(x, n, mean);
}

/* Counts the m valid values gathered in vals into a numeric feature;
 * pre: their sums (block_sums) when the caller made them in its own pass
 * over the values, or NULL.  The moments are dm_moments_add_block's, bit
 * for bit: the same sums in the same lanes (stats/moments_lanes.h), the
 * second pass's beside the bins. */
PF_AVX2_CLONES
static dm_err add_values(dm_feature *f, const double *vals, size_t m,
			 const struct pf_sums *pre)
{
	size_t i;
	dm_err err;
	struct pf_sums sums;
	double mean, ss = 0.0, sl[4] = {0.0, 0.0, 0.0, 0.0};

	if (m == 0)
		return DM_OK;
	if (f->evidence && ((pf_evidence *)f->evidence)->gather)
		pf_evidence_numbers(f->evidence, vals, m);
	f->count += m;
	if (pre)
		sums = *pre;
	else
		block_sums(vals, m, &sums);
	mean = sums.sum / (double)m;
	if (f->ecdf) { /* bins: ecdf_bins() once the values are in */
		merge_block(f, m, &sums, block_ss(vals, m, mean));
		return dm_ecdf_count_add(f->ecdf, vals, m);
	}
	if ((err = dm_sketch_add_block(f->sketch, vals, m)) != DM_OK) {
		merge_block(f, m, &sums, block_ss(vals, m, mean));
		return err;
	}
	if (f->bins && f->nedges <= 16) {
		/* Few edges: a branch-free count of the edges below x, eight
		 * values at a time (a lane of a comparison is -1 where the
		 * edge is below: subtracted; each edge loaded once for the
		 * eight), then two, then one at a time. */
		const double *e = f->edges;
		size_t ne = f->nedges, j, b;
		pf_v4d eb4[16]; /* the edges, each in every lane */
		pf_v2d eb[16];

		for (j = 0; j < ne; j++) {
			eb4[j] = (pf_v4d){e[j], e[j], e[j], e[j]};
			eb[j] = (pf_v2d){e[j], e[j]};
		}
		for (i = 0; i + 8 <= m; i += 8) {
			pf_v4d x0, x1, ej;
			pf_v4i b0 = {0, 0, 0, 0}, b1 = {0, 0, 0, 0};
			unsigned q;

			for (q = 0; q < 8; q++) { /* lane q % 4 = (i + q) % 4 */
				double d = vals[i + q] - mean;

				sl[q & 3] += d * d;
			}
			memcpy(&x0, vals + i, sizeof(x0));
			memcpy(&x1, vals + i + 4, sizeof(x1));
			for (j = 0; j < ne; j++) {
				ej = eb4[j];
				b0 -= (pf_v4i)(ej < x0);
				b1 -= (pf_v4i)(ej < x1);
			}
			for (q = 0; q < 4; q++) {
				f->bins[b0[q]]++;
				f->bins[b1[q]]++;
			}
		}
		for (; i + 2 <= m; i += 2) {
			pf_v2d x, ej;
			pf_v2i bin = {0, 0};
			double d0 = vals[i] - mean, d1 = vals[i + 1] - mean;

			sl[i & 3] += d0 * d0;
			sl[(i + 1) & 3] += d1 * d1;
			memcpy(&x, vals + i, sizeof(x));
			for (j = 0; j < ne; j++) {
				ej = eb[j];
				bin -= (pf_v2i)(ej < x);
			}
			f->bins[bin[0]]++;
			f->bins[bin[1]]++;
		}
		for (; i < m; i++) {
			double x = vals[i], d = x - mean;

			sl[i & 3] += d * d;
			for (j = 0, b = 0; j < ne; j++)
				b += e[j] < x;
			f->bins[b]++;
		}
		ss = dm_lanes_sum(sl);
	} else if (f->bins) {
		for (i = 0; i < m; i++) {
			double d = vals[i] - mean;

			sl[i & 3] += d * d;
			f->bins[dm_feature_bin(f, vals[i])]++;
		}
		ss = dm_lanes_sum(sl);
	} else {
		ss = block_ss(vals, m, mean);
	}
	merge_block(f, m, &sums, ss);
	return DM_OK;
}

/* Current mode, integer code: a fraction does not fit the baseline's
 * type (a schema alert, not drift); returns the integers kept. */
static size_t keep_integers(dm_feature *f, double *vals, size_t m)
{
	size_t i, k = 0;

	for (i = 0; i < m; i++) {
		double a = fabs(vals[i]);

		if ((a >= 0x1p52) | (((a + 0x1p52) - 0x1p52) == a)) {
			vals[k++] = vals[i];
		} else {
			char buf[40];
			int n = snprintf(buf, sizeof(buf), "%.17g", vals[i]);

			note_schema_bad(f, buf, (size_t)n);
		}
	}
	return k;
}

/*
 * Current mode: 1 with *x = 1 or 0 if s is a true/false spelling
 * (dm_parse_bool) and the reference's feature is an integer code of only
 * 0 and 1 — a flag the training file wrote as 0/1 that a later writer
 * (pandas' bool, DuckDB) writes as True/False.  Runs only on cells that
 * are not numbers.
 */
static int code01_bool(const dm_profile_opts *o, const dm_feature *f,
		       const char *s, size_t n, double *x)
{
	const dm_feature *rf;
	int v;

	if (!o || !o->reference || f->ltype != DM_LTYPE_INTEGER ||
	    (v = dm_parse_bool(s, n)) < 0)
		return 0;
	rf = dm_profile_find(o->reference, f->name);
	if (!rf || rf->mom.n == 0 || rf->mom.min != 0.0 || rf->mom.max != 1.0)
		return 0;
	*x = v;
	return 1;
}

static dm_err add_numeric(const dm_profile_opts *o, dm_feature *f,
			  const dm_column *col, const uint8_t *keep,
			  const dm_batch *b, struct scratch *sc, int strict,
			  const char *file, dm_diag *diag, double *rowout,
			  const size_t *mvrow, size_t mvn, const double *pre,
			  int dc)
{
	size_t i, m = 0, nrows = b->nrows, start = 0;
	int dates = f->ltype == DM_LTYPE_TIMESTAMP;
	/* times of day: in a column of them, and against a baseline (a
	 * Parquet TIME's seconds, the same column written as text) */
	int tod = (o && o->reference) ||
		  (f->evidence && ((pf_evidence *)f->evidence)->time_of_day);
	/* text cells, all kept: parsed a run at a time */
	int bulk = !dates && !keep && col->type != DM_COL_DOUBLE;

	if (!keep && !col->null && col->type == DM_COL_DOUBLE &&
	    !(o && o->reference && f->ltype == DM_LTYPE_INTEGER)) {
		/* The common case (numbers, all kept, no NULL): counted
		 * where they are, not copied, unless one is not finite. */
		const uint64_t ex = 0x7ff0000000000000ull;
		const double *x = col->f64;
		size_t nonfinite = 0;
		struct pf_sums sums;
		dm_lanes l;

		/* the moments' first pass (block_sums) in the same loop */
		dm_lanes_init(&l);
		for (i = 0; i + 4 <= nrows; i += 4) {
			uint64_t u[4];

			memcpy(u, &x[i], sizeof(u));
			nonfinite += ((u[0] & ex) == ex) + ((u[1] & ex) == ex) +
				     ((u[2] & ex) == ex) + ((u[3] & ex) == ex);
			dm_lanes_add(&l, 0, x[i]);
			dm_lanes_add(&l, 1, x[i + 1]);
			dm_lanes_add(&l, 2, x[i + 2]);
			dm_lanes_add(&l, 3, x[i + 3]);
		}
		for (; i < nrows; i++) {
			uint64_t u;

			memcpy(&u, &x[i], sizeof(u));
			nonfinite += (u & ex) == ex;
			dm_lanes_add(&l, i, x[i]);
		}
		if (!nonfinite) {
			if (rowout) { /* for the multivariate pass: the rows
				       * it takes, listed after mvrow */
				const size_t *taken = mvrow + nrows;

				for (i = 0; i < mvn; i++)
					rowout[i] = x[taken[i]];
			}
			sums.sum = dm_lanes_sum(l.s);
			sums.lo = dm_lanes_lo(&l);
			sums.hi = dm_lanes_hi(&l);
			return add_values(f, x, nrows, &sums);
		}
	}
	if (col->type == DM_COL_DOUBLE && !strict) {
		/* the loop below for numbers, its invariants hoisted */
		const double *x = col->f64;
		const uint8_t *nul = col->null;
		double *vals = sc->vals;
		uint64_t missing = 0;

		for (i = 0; i < nrows; i++) {
			if (keep && !keep[i])
				continue;
			if (nul && nul[i]) {
				missing++;
				continue;
			}
			if (!isfinite(x[i])) {
				long k = nonfinite_marker(f, x[i]);

				if (k >= 0) { /* listed as missing */
					f->na_counts[k]++;
					missing++;
					continue;
				}
				note_invalid(f, isnan(x[i]) ? "NaN" : "inf", 3);
				continue;
			}
			vals[m++] = x[i];
			if (rowout && mvrow[i] != SIZE_MAX)
				rowout[mvrow[i]] = x[i];
		}
		f->missing += missing;
		start = nrows; /* done */
	}
	for (i = start; i < nrows; i++) {
		double x;

		if (bulk) { /* up to the next cell that is not a number */
			size_t k, r, i0 = i, v = m;
			uint64_t miss = 0;

			/* pre: the reader's values, where it took them */
			i += pre ? dmio_parse_cells_pre(
					   col->str + i,
					   col->null ? col->null + i : NULL,
					   pre + i, nrows - i, sc->vals + m, &k,
					   &miss)
				 : dmio_parse_cells(col->str + i,
						    col->null ? col->null + i
							      : NULL,
						    nrows - i, sc->vals + m,
						    NULL, &k, &miss);
			/* rowout is compact: only the rows the joint pass
			 * takes (mvrow), in the cells' order */
			for (r = i0; rowout && r < i; r++) {
				if (col->null && col->null[r])
					continue;
				if (mvrow[r] != SIZE_MAX)
					rowout[mvrow[r]] = sc->vals[v];
				v++;
			}
			m += k;
			f->missing += miss;
			if (i == nrows)
				break;
		}
		if (keep && !keep[i])
			continue;
		if (col->null && col->null[i]) {
			f->missing++;
			continue;
		}
		if (col->type == DM_COL_DOUBLE) {
			long k;

			x = col->f64[i];
			if (!isfinite(x) && (k = nonfinite_marker(f, x)) >= 0) {
				f->na_counts[k]++; /* listed as missing */
				f->missing++;
				continue;
			}
			if (!isfinite(x)) {
				if (strict)
					return bad_value(diag, file,
							 row_number(b, i),
							 f->name, "", 0, x, 1,
							 o->reference != NULL);
				note_invalid(f, isnan(x) ? "NaN" : "inf", 3);
				continue;
			}
		} else {
			const dm_strref *s = &col->str[i];
			int ok = dates ? dm_parse_datetime(s->ptr, s->len,
							   &x) == 0 ||
						 dmio_parse_text_number(
							 s->ptr, s->len, dc,
							 &x) == 0
				       : dmio_parse_text_number(s->ptr, s->len,
								dc, &x) == 0 ||
						 dmio_parse_formatted_number(
							 s->ptr, s->len, dc,
							 &x) == 0 ||
						 (tod && dm_parse_time_of_day(
								 s->ptr, s->len,
								 &x) == 0);

			/* a marker, also one that reads as a number that is
			 * not finite: "NaN" when the user lists it (the NaN
			 * Spark and Polars write for a missing float) */
			if ((!ok || !isfinite(x)) &&
			    is_marker(f, col, s->ptr, s->len)) {
				f->missing++;
				continue;
			}
			/* "NaN", "Infinity" when "nan", "inf" are listed: as
			 * a typed column's (any case) */
			if (ok && !isfinite(x)) {
				long k = nonfinite_marker(f, x);

				if (k >= 0) {
					f->na_counts[k]++;
					f->missing++;
					continue;
				}
			}
			/* a placeholder in training data (SAS's '.', the
			 * World Bank's '..', a dash): a missing marker of
			 * the column from here on, stored in the baseline
			 * so that current data reads it the same way;
			 * unless the user set the markers */
			if (!ok && !o->reference && f->evidence &&
			    !((pf_evidence *)f->evidence)->user_markers &&
			    pf_placeholder(s->ptr, s->len)) {
				dm_err e2 = add_marker(f, s->ptr, s->len);

				if (e2 != DM_OK)
					return e2;
				f->na_counts[f->nna - 1]++;
				f->missing++;
				continue;
			}
			/* true/false against a baseline's 0/1 code: the
			 * 1/0 a Parquet BOOLEAN of the same data reads as */
			if (!ok && code01_bool(o, f, s->ptr, s->len, &x))
				ok = 1;
			if (!ok || !isfinite(x)) {
				if (strict && !ok && dates)
					return dm_diag_set(
						diag, DM_EFORMAT, file,
						row_number(b, i), f->name,
						"not a date: '%.*s'",
						(int)(s->len > 60 ? 60
								  : s->len),
						s->ptr);
				if (strict)
					return bad_value(
						diag, file, row_number(b, i),
						f->name, s->ptr, s->len, x, ok,
						o->reference != NULL);
				note_invalid(f, s->ptr, s->len);
				continue;
			}
		}
		sc->vals[m++] = x;
		if (rowout && mvrow[i] != SIZE_MAX)
			rowout[mvrow[i]] = x; /* for the multivariate pass */
	}
	if (o && o->reference && f->ltype == DM_LTYPE_INTEGER)
		m = keep_integers(f, sc->vals, m);
	return add_values(f, sc->vals, m, NULL);
}

/* Counts one valid string value (repaired to UTF-8 if need be). */
static dm_err count_string(dm_feature *f, const char *cs, size_t cn,
			   size_t nref, int ref_other)
{
	dm_err err;

	if (f->evidence && ((pf_evidence *)f->evidence)->gather)
		pf_evidence_string(f->evidence, cs, cn);
	if (utf8_valid_prefix(cs, cn) != cn) {
		/* not UTF-8: repair as JSON will store it */
		char *fix = malloc(2 * cn + 1);

		if (!fix)
			return DM_ENOMEM;
		cn = utf8_repair(cs, cn, fix);
		err = cat_count(f, fix, cn, nref, ref_other, 1);
		free(fix);
		return err;
	}
	return cat_count(f, cs, cn, nref, ref_other, 1);
}

/*
 * Categorical values.  numbers_bad (current mode): the baseline's
 * categories are words, so a number is a change of type, counted apart.
 */
static dm_err add_categorical(dm_feature *f, const dm_column *col,
			      const uint8_t *keep, size_t nrows, size_t nref,
			      int ref_other, int numbers_bad)
{
	size_t i;
	dm_err err;
	char buf[64];

	for (i = 0; i < nrows; i++) {
		if (keep && !keep[i])
			continue;
		if (col->null && col->null[i]) {
			f->missing++;
			continue;
		}
		if (col->type == DM_COL_DOUBLE) {
			double x = col->f64[i];
			int n;

			if (isnan(x)) {
				f->missing++;
				continue;
			}
			if (x == floor(x) && fabs(x) < 1e15)
				n = snprintf(buf, sizeof(buf), "%.0f", x);
			else
				n = snprintf(buf, sizeof(buf), "%.17g", x);
			if (numbers_bad) {
				note_schema_bad(f, buf, (size_t)n);
				continue;
			}
			err = cat_count(f, buf, (size_t)n, nref, ref_other, 1);
		} else {
			const char *cs = col->str[i].ptr;
			size_t cn = col->str[i].len;
			double x;

			if (is_marker(f, col, cs, cn)) {
				f->missing++;
				continue;
			}
			if (numbers_bad && dm_parse_double(cs, cn, &x) == 0) {
				note_schema_bad(f, cs, cn);
				continue;
			}
			err = count_string(f, cs, cn, nref, ref_other);
		}
		if (err != DM_OK)
			return err;
		f->count++;
	}
	return DM_OK;
}

/*
 * A boolean column: true/false in any of the spellings pandas, Excel and
 * DuckDB write, Parquet BOOLEAN (read as 1/0) and the numbers 0 and 1 are
 * the canonical categories "false" and "true".  Anything else is a third
 * value: an error in strict training data, else counted apart (a schema
 * alert, never drift).
 */
static dm_err add_boolean(dm_feature *f, const dm_column *col,
			  const uint8_t *keep, const dm_batch *b, size_t nref,
			  int strict, const char *file, dm_diag *diag)
{
	size_t i;
	dm_err err;

	for (i = 0; i < b->nrows; i++) {
		const char *cs = "";
		size_t cn = 0;
		char buf[40];
		double x;
		int v;

		if (keep && !keep[i])
			continue;
		if (col->null && col->null[i]) {
			f->missing++;
			continue;
		}
		if (col->type == DM_COL_DOUBLE) {
			x = col->f64[i];
			if (isnan(x)) {
				f->missing++;
				continue;
			}
			cn = (size_t)snprintf(buf, sizeof(buf), "%.17g", x);
			cs = buf;
		} else {
			cs = col->str[i].ptr;
			cn = col->str[i].len;
			if (is_marker(f, col, cs, cn)) {
				f->missing++;
				continue;
			}
			v = dm_parse_bool(cs, cn);
			if (v >= 0)
				goto count;
			if (dm_parse_double(cs, cn, &x) != 0)
				x = NAN;
		}
		v = x == 0.0 ? 0 : x == 1.0 ? 1 : -1;
		if (v < 0) {
			if (strict)
				return dm_diag_set(diag, DM_EFORMAT, file,
						   row_number(b, i), f->name,
						   "not a boolean: '%.*s'",
						   (int)(cn > 60 ? 60 : cn),
						   cs);
			note_schema_bad(f, cs, cn);
			continue;
		}
	count:
		err = cat_count(f, v ? "true" : "false", v ? 4 : 5, nref, 0, 1);
		if (err != DM_OK)
			return err;
		f->count++;
	}
	return DM_OK;
}

static int cell_equals(const dm_column *col, size_t i, const char *want)
{
	size_t n = strlen(want);

	if (col->null && col->null[i])
		return 0;
	if (col->type == DM_COL_DOUBLE) {
		char buf[64];

		snprintf(buf, sizeof(buf), "%.17g", col->f64[i]);
		return strcmp(buf, want) == 0;
	}
	return col->str[i].len == n && memcmp(col->str[i].ptr, want, n) == 0;
}

/* Keeps the first filtered-out model name / version seen, for the
 * report's reason ("rows of other versions, e.g. v2"). */
static void note_example(char *dst, size_t n, const dm_column *col, size_t i)
{
	if (dst[0])
		return;
	if (col->null && col->null[i])
		snprintf(dst, n, "%s", "(missing)");
	else if (col->type == DM_COL_DOUBLE)
		snprintf(dst, n, "%.17g", col->f64[i]);
	else
		snprintf(dst, n, "%.*s",
			 (int)(col->str[i].len < n ? col->str[i].len : n - 1),
			 col->str[i].ptr);
}

struct colwork {
	dm_profile *p;
	const dm_profile_opts *o;
	const dm_batch *b;
	const dm_reader *r; /* for the file's type hints; may be NULL */
	const long *map;
	const uint8_t *keep;
	int all_kept; /* keep is set but every row of the batch is kept */
	const char *file;
	double **fvals; /* per feature: its parsed values by row, or NULL */
	/* fvals hold the rows the joint pass takes only: mvn of them, row i
	 * at mvrow[i] (SIZE_MAX: not taken); mvrow[nrows + j] is the row at
	 * j (j < mvn) */
	const size_t *mvrow;
	size_t mvn;
	unsigned t, nt;
	size_t *next_col; /* shared: the next column to take */
	struct scratch sc;
	dm_err err;
	size_t err_col;
	dm_diag diag;
};

/* Baseline mode: the type of a column on its first batch with values,
 * from the file's type hint or else from the values. */
static void decide_type(dm_feature *f, const dm_column *col, const dm_reader *r,
			size_t c, const uint8_t *keep, size_t nrows)
{
	dm_ltype hint = r && r->ltypes && c < r->ncols ? r->ltypes[c]
						       : DM_LTYPE_UNKNOWN;
	pf_evidence *e = f->evidence;

	if (hint != DM_LTYPE_UNKNOWN && col->type == DM_COL_DOUBLE) {
		f->ltype = hint;
		f->type = kind_of(hint);
		if (e && r->ltype_notes && r->ltype_notes[c])
			snprintf(e->type_note, sizeof(e->type_note), "%s",
				 r->ltype_notes[c]);
		if (e && r->ltype_notes && r->ltype_notes[c] &&
		    !strcmp(r->ltype_notes[c], DMIO_NOTE_PARQUET_TIME))
			pf_note_time_of_day(e, DMIO_NOTE_PARQUET_TIME);
	} else if (col->type == DM_COL_DOUBLE) {
		f->type = DM_FEATURE_NUMERIC;
	} else {
		decide_text_type(f, col, keep, nrows,
				 dmio_csv_decimal_comma(r));
	}
}

/* Profiles one column of a batch into its feature. */
static dm_err add_column(struct colwork *w, size_t c)
{
	dm_profile *p = w->p;
	const dm_profile_opts *o = w->o;
	const dm_batch *b = w->b;
	const uint8_t *keep = w->keep;
	const dm_column *col = &b->cols[c];
	dm_feature *f = &p->feat[w->map[c]];
	pf_evidence *e = f->evidence;
	size_t nref = SIZE_MAX, i;
	int ref_other = 0, numbers_bad = 0;
	int strict = o && o->strict;
	dm_err err;

	if (o && o->reference && !dm_role_analysed(f->role))
		return DM_OK; /* only its presence matters */
	if (e && e->fixed_role && !dm_role_analysed(f->role))
		strict = 0; /* recorded, never analysed: no errors */
	if (f->type == DM_FEATURE_UNKNOWN)
		decide_type(f, col, w->r, c, keep, b->nrows);
	if (f->type == DM_FEATURE_UNKNOWN) {
		/* all missing so far: count and decide later */
		for (i = 0; i < b->nrows; i++)
			if (!keep || keep[i])
				f->missing++;
		return DM_OK;
	}
	if (f->type == DM_FEATURE_NUMERIC) {
		if (!f->sketch && !f->ecdf &&
		    (err = feature_make_numeric(p, f)) != DM_OK)
			return err;
		/* typed strings (a Parquet string column of numbers:
		 * Spark's CSV read without inferSchema, DuckDB's VARCHAR)
		 * are parsed as CSV text is, so that the same table gives
		 * the same profile whichever writer typed it */
		/* numbers of a batch whose rows are all kept: as if
		 * unfiltered (the same values, counted where they are) */
		if (w->all_kept && col->type == DM_COL_DOUBLE)
			keep = NULL;
		return add_numeric(
			o, f, col, keep, b, &w->sc, strict, w->file, &w->diag,
			w->fvals ? w->fvals[w->map[c]] : NULL, w->mvrow, w->mvn,
			col->type == DM_COL_TEXT ? dmio_csv_prenum(w->r, b, c)
						 : NULL,
			dmio_csv_decimal_comma(w->r));
	}
	if (o && o->reference) {
		const dm_feature *rf = dm_profile_find(o->reference, f->name);

		nref = rf ? rf->ncats : 0;
		ref_other = rf && rf->other > 0;
		if (e && e->ref_numeric_cats < 0 && rf) {
			double x;

			e->ref_numeric_cats = 0;
			for (i = 0; i < rf->ncats; i++)
				if (dm_parse_double(rf->cats[i].value,
						    strlen(rf->cats[i].value),
						    &x) == 0)
					e->ref_numeric_cats = 1;
		}
		numbers_bad = e && e->ref_numeric_cats == 0 && rf &&
			      rf->ncats > 0 && f->ltype != DM_LTYPE_BOOLEAN;
	}
	if (f->ltype == DM_LTYPE_BOOLEAN)
		return add_boolean(f, col, keep, b, nref, strict, w->file,
				   &w->diag);
	return add_categorical(f, col, keep, b->nrows, nref, ref_other,
			       numbers_bad);
}

/*
 * The multivariate buffer of a batch (feature j's values by row) starts
 * as NaN, "missing": each column worker fills the slice of the column it
 * takes just before profiling it (in parallel, in cache), and add_batch
 * only the slices of features that no column of the batch feeds.
 */
static void nan_fill(double *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		v[i] = NAN;
}

static void mv_nan_unmapped(const long *feat, size_t d, const long *map,
			    size_t ncols, double *buf, size_t nrows)
{
	size_t j, c;

	for (j = 0; j < d; j++) {
		for (c = 0; c < ncols && feat[j] >= 0; c++)
			if (map[c] == feat[j])
				break;
		if (feat[j] < 0 || c == ncols)
			nan_fill(buf + j * nrows, nrows);
	}
}

/* Thread body: takes the batch's columns in turn, in column order, as
 * long as any is left (a thread that the system stops for a while then
 * holds up only the column it has, not a fixed share of the batch).  A
 * thread stops at its first error; the columns before it were taken
 * already, so the leftmost failing column is always found. */
static void *column_worker(void *arg)
{
	struct colwork *w = arg;
	size_t c;

	dm_diag_clear(&w->diag);
	while ((c = __atomic_fetch_add(w->next_col, 1, __ATOMIC_RELAXED)) <
	       w->b->ncols) {
		dm_err err;

		if (w->map[c] < 0)
			continue;
		if (w->fvals && w->fvals[w->map[c]]) /* NaN: missing */
			nan_fill(w->fvals[w->map[c]], w->mvn);
		err = add_column(w, c);
		if (err != DM_OK) {
			w->err = err;
			w->err_col = c;
			break;
		}
	}
	return NULL;
}

/*
 * The multivariate joint pass of batch k beside the column workers of
 * batch k+1 (dm_profile_add_reader with threads): a task of batch k+1's
 * pool round when batches are read ahead (deferred), else a thread of
 * its own.  It reads only the values the column workers parsed into
 * mvbuf (owned by the job) and copies of the batch's row numbers and
 * model filter, never the batch, which the reader may reuse.  The passes
 * still run one at a time in batch order (mv_async_wait before the next
 * and before the profile is used), so the profile is the same.
 */
struct mv_async {
	pthread_t tid;
	int running;
	/* with the pool: the pass is not started on a thread of its own but
	 * left pending, run by the pool beside the next batch's columns
	 * (add_batch) or else by mv_async_wait */
	int deferred;
	int pending;
	dm_err err; /* of the last pass */
	dm_profile *p;
	const dm_profile *ref;
	dm_batch b; /* nrows, first_row, row_numbers (copied); no columns */
	uint64_t *rownums;
	uint8_t *keep;
	double *vals;
};

static void *mv_async_main(void *arg)
{
	struct mv_async *a = arg;

	a->err =
		pf_mv_add_batch(a->p, &a->b, NULL, a->keep, a->ref, a->vals, 0);
	return NULL;
}

/* Waits for the pass under way, if any; returns the error of the last. */
static dm_err mv_async_wait(struct mv_async *a)
{
	dm_err err;

	if (a->running)
		pthread_join(a->tid, NULL);
	a->running = 0;
	if (a->pending)
		mv_async_main(a);
	a->pending = 0;
	free(a->rownums);
	free(a->keep);
	free(a->vals);
	a->rownums = NULL;
	a->keep = NULL;
	a->vals = NULL;
	err = a->err;
	a->err = DM_OK;
	return err;
}

/* Starts the pass of batch b over vals (taken over, freed later), after
 * the last one; runs it here if it cannot start a thread. */
static dm_err mv_async_start(struct mv_async *a, dm_profile *p,
			     const dm_profile *ref, const dm_batch *b,
			     const uint8_t *keep, double *vals)
{
	dm_err err = mv_async_wait(a);

	if (err != DM_OK) {
		free(vals);
		return err;
	}
	a->p = p;
	a->ref = ref;
	a->vals = vals;
	a->b = (dm_batch){.nrows = b->nrows, .first_row = b->first_row};
	if (b->row_numbers) {
		a->rownums = malloc(b->nrows * sizeof(*a->rownums));
		if (!a->rownums)
			return DM_ENOMEM;
		memcpy(a->rownums, b->row_numbers,
		       b->nrows * sizeof(*a->rownums));
		a->b.row_numbers = a->rownums;
	}
	if (keep) {
		a->keep = malloc(b->nrows ? b->nrows : 1);
		if (!a->keep)
			return DM_ENOMEM;
		memcpy(a->keep, keep, b->nrows);
	}
	if (a->deferred) {
		a->pending = 1;
		return DM_OK;
	}
	a->running = pthread_create(&a->tid, NULL, mv_async_main, a) == 0;
	if (!a->running)
		mv_async_main(a);
	return DM_OK;
}

/*
 * Reading batch k+1 as one more task of the pool's round of batch k
 * (dm_profile_add_reader with threads, readers with batches_kept): the
 * job's threads take the read, the pending joint pass of batch k-1 and
 * the column workers of batch k in turn, so no thread of the job waits
 * for another while there is work, and there are no more threads than
 * the job asked for (a reader thread of its own made three on two
 * cores, and the context switches cost more than the overlap saved).
 */
struct read_task {
	dm_reader *r;
	dm_batch *b; /* batch k+1, or NULL at the end */
	dm_err err;
	dm_diag diag;
	int done;
};

static void *read_task_run(void *arg)
{
	struct read_task *rt = arg;

	dm_diag_clear(&rt->diag);
	rt->b = NULL;
	rt->err = dm_reader_next(rt->r, &rt->b, &rt->diag);
	rt->done = 1;
	return NULL;
}

/* A CSV reader's batch k+1 is tokenised in pieces, each a task of the
 * round (dmio_csv_split_begin), so that the read is shared by the
 * threads rather than the longest task of every round. */
struct read_part {
	dm_reader *r;
	size_t k;
};

static void *read_part_run(void *arg)
{
	struct read_part *rp = arg;

	dmio_csv_split_run(rp->r, rp->k);
	return NULL;
}

static void *prefetch_run(void *arg)
{
	dmio_csv_prefetch(arg);
	return NULL;
}

struct task {
	void *(*fn)(void *);
	void *arg;
};

static void *task_run(void *arg)
{
	struct task *t = arg;

	return t->fn(t->arg);
}

static dm_err add_batch(dm_profile *p, const dm_profile_opts *o,
			const dm_batch *b, char *const *names,
			const dm_reader *r, const char *file, dm_diag *diag,
			struct mv_async *mva, dm_pool *pool,
			struct read_task *rt)
{
	long *map = NULL;
	uint8_t *keep = NULL;
	double **fvals = NULL, *mvbuf = NULL;
	size_t *mvrow = NULL, mvn = 0;
	struct colwork work[8];
	pthread_t tid[8];
	int started[8] = {0};
	size_t c, i;
	unsigned t, nt = 0;
	dm_err err = DM_OK;
	long mcol = -1, vcol = -1;
	size_t next_col = 0, nkept = 0;

	if (o && o->reference && p->nfeat == 0 &&
	    (err = init_from_reference(p, o->reference, o)) != DM_OK)
		return err;
	map = malloc((b->ncols + 1) * sizeof(*map));
	if (!map)
		return DM_ENOMEM;
	err = map_columns(p, o, r, names, b->ncols, map, file, diag);
	if (err != DM_OK)
		goto out;
	/* Model filter. */
	for (c = 0; c < b->ncols; c++) {
		if (strcmp(names[c], "model_name") == 0)
			mcol = (long)c;
		else if (strcmp(names[c], "model_version") == 0)
			vcol = (long)c;
	}
	if (o &&
	    ((o->model_name && mcol >= 0) || (o->model_version && vcol >= 0))) {
		keep = malloc(b->nrows ? b->nrows : 1);
		if (!keep) {
			err = DM_ENOMEM;
			goto out;
		}
		for (i = 0; i < b->nrows; i++) {
			keep[i] = 1;
			if (o->model_name && mcol >= 0 &&
			    !cell_equals(&b->cols[mcol], i, o->model_name)) {
				keep[i] = 0;
				p->rows_other_model++;
				note_example(p->other_model_example,
					     sizeof(p->other_model_example),
					     &b->cols[mcol], i);
			} else if (o->model_version && vcol >= 0 &&
				   !cell_equals(&b->cols[vcol], i,
						o->model_version)) {
				keep[i] = 0;
				p->rows_other_version++;
				note_example(p->other_version_example,
					     sizeof(p->other_version_example),
					     &b->cols[vcol], i);
			}
			if (!keep[i])
				p->rows_filtered++;
			else
				p->rows++;
			nkept += keep[i];
		}
	} else {
		p->rows += b->nrows;
	}
	/* The multivariate columns' values by row, filled by the column
	 * workers (NaN = missing or not kept), so the joint pass does not
	 * parse them again. */
	if (o && o->reference && (err = pf_mv_setup(p, o->reference)) != DM_OK)
		goto out;
	if (p->mv && b->nrows) {
		size_t j, d = p->mv->d;

		/* only the rows the joint pass takes (a few of a large
		 * batch's), so that mvbuf stays small */
		fvals = calloc(p->nfeat, sizeof(*fvals));
		mvrow = malloc(2 * b->nrows * sizeof(*mvrow));
		if (mvrow) {
			mvn = pf_mv_rows_taken(o ? o->reference : NULL, b, keep,
					       mvrow);
			for (i = 0; i < b->nrows; i++)
				if (mvrow[i] != SIZE_MAX)
					mvrow[b->nrows + mvrow[i]] = i;
		}
		mvbuf = malloc((d * mvn > 0 ? d * mvn : 1) * sizeof(double));
		if (!fvals || !mvrow || !mvbuf) {
			err = DM_ENOMEM;
			goto out;
		}
		for (j = 0; j < d; j++)
			if (p->mv->feat[j] >= 0)
				fvals[p->mv->feat[j]] = &mvbuf[j * mvn];
		mv_nan_unmapped(p->mv->feat, d, map, b->ncols, mvbuf, mvn);
	}
	nt = o && o->threads > 1 ? o->threads : 1;
	if (nt > 8)
		nt = 8;
	if (b->nrows * b->ncols < 20000 || b->ncols < 4)
		nt = 1;
	for (t = 0; t < nt; t++) {
		work[t].p = p;
		work[t].o = o;
		work[t].b = b;
		work[t].r = r;
		work[t].map = map;
		work[t].keep = keep;
		work[t].all_kept = keep && nkept == b->nrows;
		work[t].file = file;
		work[t].fvals = fvals;
		work[t].mvrow = mvrow;
		work[t].mvn = mvn;
		work[t].t = t;
		work[t].nt = nt;
		work[t].next_col = &next_col;
		work[t].err = DM_OK;
		work[t].err_col = SIZE_MAX;
		work[t].sc.vals =
			malloc((b->nrows ? b->nrows : 1) * sizeof(double));
		if (!work[t].sc.vals)
			err = DM_ENOMEM;
	}
	if (err != DM_OK)
		goto out;
	if (pool && nt > 1) { /* the reader's persistent threads */
		/* pieces: up to 64 (the CSV reader's MAX_PIECES), of a
		 * caller's forced size (DRIFTMON_CSV_PIECE) */
		struct task tasks[76];
		void *args[76];
		struct read_part parts[64];
		size_t n = 0, np = 0, k;
		int split = rt && dmio_csv_split_begin(rt->r, nt, &np) == 0;

		/* the longest first: the read (or its pieces), the joint
		 * pass of the last batch, then the columns */
		for (k = 0; k < np && k < 64; k++) {
			parts[k] = (struct read_part){rt->r, k};
			tasks[n++] = (struct task){read_part_run, &parts[k]};
		}
		if (rt && !split)
			tasks[n++] = (struct task){read_task_run, rt};
		if (split) /* the bytes of the batches after */
			tasks[n++] = (struct task){prefetch_run, rt->r};
		if (mva && mva->pending)
			tasks[n++] = (struct task){mv_async_main, mva};
		for (t = 0; t < nt; t++)
			tasks[n++] = (struct task){column_worker, &work[t]};
		for (t = 0; t < n; t++)
			args[t] = &tasks[t];
		dm_pool_run(pool, task_run, args, n);
		if (mva && mva->pending)
			mva->pending = 0; /* run: its error is in mva->err */
		if (split) { /* the pieces taken, the batch finished */
			dm_diag_clear(&rt->diag);
			rt->err = dmio_csv_split_end(rt->r, &rt->b, &rt->diag);
			rt->done = 1;
		}
	} else {
		for (t = 1; t < nt; t++)
			started[t] =
				pthread_create(&tid[t], NULL, column_worker,
					       &work[t]) == 0;
		column_worker(&work[0]);
		for (t = 1; t < nt; t++) {
			if (started[t])
				pthread_join(tid[t], NULL);
			else /* no thread: do it here */
				column_worker(&work[t]);
		}
	}
	/* The error of the leftmost failing column, whatever the threads. */
	{
		size_t best = SIZE_MAX;

		for (t = 0; t < nt; t++) {
			if (work[t].err != DM_OK && work[t].err_col < best) {
				best = work[t].err_col;
				err = work[t].err;
				if (diag)
					*diag = work[t].diag;
			}
		}
	}
	/* The joint (row-wise) pass of the multivariate profile. */
	if (err == DM_OK)
		err = pf_mv_setup(p, o ? o->reference : NULL);
	if (err == DM_OK && mva && fvals) {
		err = mv_async_start(mva, p, o ? o->reference : NULL, b, keep,
				     mvbuf);
		mvbuf = NULL; /* the job's now */
	} else if (err == DM_OK) {
		if (mva)
			err = mv_async_wait(mva); /* passes in batch order */
		if (err == DM_OK)
			err = pf_mv_add_batch(p, b, map, keep,
					      o ? o->reference : NULL,
					      fvals ? mvbuf : NULL,
					      dmio_csv_decimal_comma(r));
	}
out:
	if (rt && !rt->done && err == DM_OK) /* not read by the pool */
		read_task_run(rt);
	for (t = 0; t < nt; t++)
		free(work[t].sc.vals);
	free(fvals);
	free(mvrow);
	free(mvbuf);
	free(map);
	free(keep);
	return err;
}

/* Counts the values buffered by a feature counted against the
 * reference's ECDF, then its bins (bin j: the values in
 * (edge j-1, edge j], as dm_feature_bin); O(points), so once per reader
 * or batch, not per value.  With ks also its KS p-value against the
 * reference (kept in f->ecdf for dm_detect: ~2 ms a column at n =
 * 500,000, scipy's kstwo.sf). */
static dm_err ecdf_ready(dm_feature *f, int ks)
{
	dm_ks_result r;
	dm_err err;

	if (!f->ecdf)
		return DM_OK;
	if ((err = dm_ecdf_count_finish(f->ecdf)) != DM_OK)
		return err;
	if (f->bins && (err = dm_ecdf_count_bins(f->ecdf, f->edges, f->nedges,
						 f->bins)) != DM_OK)
		return err;
	/* an error (none counted, no memory) is met again when asked */
	if (ks && dm_ecdf_count_n(f->ecdf) > 0)
		(void)dm_ecdf_count_ks_test(f->ecdf, &r);
	return DM_OK;
}

/* ecdf_ready() of every feature, features taken in turn by the threads
 * as the column workers take columns. */
struct ecdf_work {
	dm_profile *p;
	size_t *next; /* shared: the next feature to take */
	int ks;
	dm_err err;
	size_t err_feat;
};

static void *ecdf_worker(void *arg)
{
	struct ecdf_work *w = arg;
	size_t i;

	while ((i = __atomic_fetch_add(w->next, 1, __ATOMIC_RELAXED)) <
	       w->p->nfeat) {
		dm_err err = ecdf_ready(&w->p->feat[i], w->ks);

		if (err != DM_OK) {
			w->err = err;
			w->err_feat = i;
			break;
		}
	}
	return NULL;
}

/* The error of the leftmost failing feature, whatever the threads. */
static dm_err ecdf_pass(dm_profile *p, unsigned threads, int ks)
{
	struct ecdf_work w[8];
	pthread_t tid[8];
	int started[8] = {0};
	size_t next = 0, best = SIZE_MAX;
	unsigned t, nt = threads > 1 ? threads : 1;
	dm_err err = DM_OK;

	if (nt > 8)
		nt = 8;
	if (nt > p->nfeat)
		nt = p->nfeat ? (unsigned)p->nfeat : 1;
	for (t = 0; t < nt; t++)
		w[t] = (struct ecdf_work){.p = p,
					  .next = &next,
					  .ks = ks,
					  .err = DM_OK,
					  .err_feat = SIZE_MAX};
	for (t = 1; t < nt; t++)
		started[t] =
			pthread_create(&tid[t], NULL, ecdf_worker, &w[t]) == 0;
	ecdf_worker(&w[0]);
	for (t = 1; t < nt; t++) {
		if (started[t])
			pthread_join(tid[t], NULL);
		else
			ecdf_worker(&w[t]); /* no thread: do it here */
	}
	for (t = 0; t < nt; t++)
		if (w[t].err != DM_OK && w[t].err_feat < best) {
			best = w[t].err_feat;
			err = w[t].err;
		}
	return err;
}

static dm_err ecdf_bins(dm_profile *p)
{
	return ecdf_pass(p, 1, 0);
}

dm_err dm_profile_ks_prepare(dm_profile *p, unsigned threads)
{
	return ecdf_pass(p, threads, 1);
}

dm_err dm_profile_add_batch(dm_profile *p, const dm_profile_opts *o,
			    const dm_batch *b, char *const *names,
			    const char *file, dm_diag *diag)
{
	dm_err err =
		add_batch(p, o, b, names, NULL, file, diag, NULL, NULL, NULL);

	return err != DM_OK ? err : ecdf_bins(p);
}

/*
 * Reading one batch ahead: when the reader keeps a batch valid until the
 * second next call (r->batches_kept), batch k+1 is read while the column
 * workers profile batch k, as a task of the same pool round (struct
 * read_task).  The batches are the reader's own, in the same order, so
 * the profile is the one of the plain loop; batch k+1 is asked for only
 * once the profiler has batch k (it is then done with batch k-1, which
 * that call releases).
 */
/*
 * A baseline's warnings for the columns its Parquet file has but the
 * reader skips (nested groups, repeated or unsupported types: the
 * file's own notes), once each however many files repeat them: a
 * column the baseline cannot watch is said, not dropped in silence.
 */
static dm_err note_skipped_columns(dm_profile *p, const dm_reader *r)
{
	const dm_parquet_meta *m = dm_parquet_reader_meta(r);
	size_t i, j;
	dm_err err;

	for (i = 0; m && i < m->nwarnings; i++) {
		for (j = 0; j < p->nwarnings; j++)
			if (!strcmp(p->warnings[j], m->warnings[i]))
				break;
		if (j == p->nwarnings &&
		    (err = pf_warn(p, "%s", m->warnings[i])) != DM_OK)
			return err;
	}
	return DM_OK;
}

/* name without the spaces around it, ASCII letters folded to lower
 * case: a malloc'd string, or NULL when out of memory. */
static char *loose_name(const char *name)
{
	size_t n = strlen(name), i = 0, o = 0;
	char *out;

	while (n > 0 && (name[n - 1] == ' ' || name[n - 1] == '\t'))
		n--;
	while (i < n && (name[i] == ' ' || name[i] == '\t'))
		i++;
	if (!(out = malloc(n - i + 1)))
		return NULL;
	for (; i < n; i++)
		out[o++] = (char)tolower((unsigned char)name[i]);
	out[o] = '\0';
	return out;
}

struct loose {
	char *key; /* loose_name() */
	size_t idx;
};

static int cmp_loose(const void *a, const void *b)
{
	return strcmp(((const struct loose *)a)->key,
		      ((const struct loose *)b)->key);
}

/* The entries of the sorted v[0..n) whose key is key: [*lo, return). */
static size_t loose_range(const struct loose *v, size_t n, const char *key,
			  size_t *lo)
{
	size_t a = 0, b = n, e;

	while (a < b) { /* the first >= key */
		size_t m = a + (b - a) / 2;

		if (strcmp(v[m].key, key) < 0)
			a = m + 1;
		else
			b = m;
	}
	for (e = a; e < n && strcmp(v[e].key, key) == 0; e++)
		;
	*lo = a;
	return e;
}

/* v[0..n) keyed by the loose names of names[], sorted (the keys also in
 * key[] by index when key is not NULL); -1 when out of memory. */
static int loose_index(struct loose *v, char *const *names, size_t n,
		       char **key)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (!(v[i].key = loose_name(names[i])))
			return -1;
		v[i].idx = i;
		if (key)
			key[i] = v[i].key;
	}
	qsort(v, n, sizeof(*v), cmp_loose);
	return 0;
}

/*
 * Current mode: a column whose name matches no baseline feature but
 * one of them save for case and the spaces around it (a warehouse that
 * upper-cases names, ' Amount ' from a spreadsheet) is read as that
 * feature, with a warning, when it is the only column of that loose
 * name (none has the feature's own name then either) and the feature
 * the only one.  Sorted loose names: O((features + columns) log).
 * *renamed: NULL when no column is, else the reader's names with the
 * renamed ones replaced by copies of the features' (free_renamed(); the
 * reader's own names are not touched: a Parquet reader's point into its
 * metadata).
 */
static dm_err match_loose_names(dm_profile *p, const dm_profile *ref,
				const dm_reader *r, char ***renamed)
{
	struct loose *fv = NULL, *cv = NULL;
	char **ckey = NULL, **fnames = NULL, **nn = NULL, first[200];
	size_t nf = ref->nfeat, nc = r->ncols, c, i, lo, nren = 0;
	dm_err err = DM_OK;

	*renamed = NULL;
	for (c = 0; c < nc && dm_profile_find(ref, r->names[c]); c++)
		;
	if (c == nc || nf == 0)
		return DM_OK; /* every column a feature's: the usual case */
	fv = calloc(nf, sizeof(*fv));
	cv = calloc(nc, sizeof(*cv));
	ckey = calloc(nc, sizeof(*ckey));
	fnames = calloc(nf, sizeof(*fnames));
	if (!fv || !cv || !ckey || !fnames)
		goto nomem;
	for (i = 0; i < nf; i++)
		fnames[i] = ref->feat[i].name;
	if (loose_index(fv, fnames, nf, NULL) < 0 ||
	    loose_index(cv, r->names, nc, ckey) < 0)
		goto nomem;
	for (c = 0; c < nc; c++) {
		const dm_feature *rf;
		char *nm;

		if (!ckey[c][0] || dm_profile_find(ref, r->names[c]) ||
		    loose_range(fv, nf, ckey[c], &lo) != lo + 1 ||
		    loose_range(cv, nc, ckey[c], &i) != i + 1)
			continue;
		rf = &ref->feat[fv[lo].idx];
		if (!nn) {
			if (!(nn = malloc(nc * sizeof(*nn))))
				goto nomem;
			memcpy(nn, r->names, nc * sizeof(*nn));
			*renamed = nn;
		}
		if (!(nm = strdup(rf->name)))
			goto nomem;
		if (nren++ == 0)
			snprintf(first, sizeof(first),
				 "'%.80s' read as '%.80s'", r->names[c],
				 rf->name);
		nn[c] = nm;
	}
	/* one warning, however many (a warehouse upper-cases them all) */
	if (nren == 1)
		err = pf_warn(p,
			      "column %s (the names differ in case or "
			      "spaces)",
			      first);
	else if (nren > 1)
		err = pf_warn(p,
			      "%zu columns read as the baseline's features "
			      "whose names differ in case or spaces (the "
			      "first: %s)",
			      nren, first);
	goto out;
nomem:
	err = DM_ENOMEM;
out:
	for (i = 0; fv && i < nf; i++)
		free(fv[i].key);
	for (i = 0; cv && i < nc; i++)
		free(cv[i].key);
	free(fv);
	free(cv);
	free(ckey);
	free(fnames);
	return err;
}

/* Frees what match_loose_names() made for r. */
static void free_renamed(char **renamed, const dm_reader *r)
{
	size_t c;

	for (c = 0; renamed && c < r->ncols; c++)
		if (renamed[c] != r->names[c])
			free(renamed[c]);
	free(renamed);
}

static dm_err add_reader(dm_profile *p, const dm_profile_opts *opts,
			 dm_reader *r, char *const *names, dm_diag *diag);

dm_err dm_profile_add_reader(dm_profile *p, const dm_profile_opts *opts,
			     dm_reader *r, dm_diag *diag)
{
	char **renamed = NULL;
	dm_err err;

	if (opts && opts->reference &&
	    (err = match_loose_names(p, opts->reference, r, &renamed)) !=
		    DM_OK) {
		free_renamed(renamed, r);
		return err;
	}
	err = add_reader(p, opts, r, renamed ? renamed : r->names, diag);
	free_renamed(renamed, r);
	return err;
}

/* dm_profile_add_reader with the columns named names[] (r's names, or
 * some read as the baseline's: match_loose_names()). */
static dm_err add_reader(dm_profile *p, const dm_profile_opts *opts,
			 dm_reader *r, char *const *names, dm_diag *diag)
{
	dm_batch *b;
	dm_err err;
	const char *file = r->src ? r->src->name : NULL;
	uint64_t skipped0 = r->rows_skipped, headers0 = r->rows_header;
	struct mv_async mva; /* threads: the joint pass beside the next batch */
	struct mv_async *mvp = opts && opts->threads > 1 ? &mva : NULL;
	dm_err mverr;
	/* threads: the column workers' threads, kept for every batch */
	dm_pool *pool = NULL;

	memset(&mva, 0, sizeof(mva));
	if (!(opts && opts->reference) && r->rows_read == 0 &&
	    (err = note_skipped_columns(p, r)) != DM_OK)
		return err;
	/* Current mode: decode only the baseline's features and the model
	 * columns (a Parquet reader then reads only their bytes — ranged
	 * GETs on remote storage).  Readers that cannot project read all. */
	if (opts && opts->reference && r->rows_read == 0 && r->ncols > 0) {
		uint8_t *keep = calloc(r->ncols, 1);
		size_t c;

		if (!keep)
			return DM_ENOMEM;
		for (c = 0; c < r->ncols; c++) {
			const dm_feature *rf =
				dm_profile_find(opts->reference, names[c]);

			keep[c] = (rf && dm_role_analysed(rf->role)) ||
				  !strcmp(names[c], "model_name") ||
				  !strcmp(names[c], "model_version");
		}
		err = dm_reader_project(r, keep);
		free(keep);
		if (err != DM_OK && err != DM_EUNSUPPORTED)
			return err;
	}
	if (opts && opts->threads > 1)
		pool = dm_pool_new((opts->threads > 8 ? 8 : opts->threads) - 1);
	if (r->batches_kept && pool) {
		/* batch k+1 is read by the pool's round of batch k */
		struct read_task rt;

		mva.deferred = 1;
		memset(&rt, 0, sizeof(rt));
		rt.r = r;
		read_task_run(&rt);
		for (;;) {
			err = rt.err;
			b = rt.b;
			if (err != DM_OK) {
				if (diag)
					*diag = rt.diag;
				break;
			}
			if (!b)
				break;
			rt.done = 0;
			err = add_batch(p, opts, b, names, r, file, diag, mvp,
					pool, &rt);
			if (err != DM_OK)
				break;
			if (opts->progress)
				opts->progress(opts->progress_ctx, b->nrows);
		}
		goto done;
	}
	for (;;) {
		err = dm_reader_next(r, &b, diag);
		if (err != DM_OK || !b)
			break;
		err = add_batch(p, opts, b, names, r, file, diag, mvp, pool,
				NULL);
		if (err != DM_OK)
			break;
		if (opts && opts->progress)
			opts->progress(opts->progress_ctx, b->nrows);
	}
done:
	dm_pool_free(pool);
	mverr = mv_async_wait(&mva);
	if (err == DM_OK)
		err = mverr;
	if (err != DM_OK)
		return err;
	p->rows_skipped += r->rows_skipped - skipped0;
	if (r->rows_header > headers0 &&
	    (err = pf_warn(p,
			   "'%s': %llu row%s the header (the first: "
			   "row %llu; files joined with cat?): skipped",
			   file ? file : "input",
			   (unsigned long long)(r->rows_header - headers0),
			   r->rows_header - headers0 == 1 ? " repeats"
							  : "s repeat",
			   (unsigned long long)r->header_row1)) != DM_OK)
		return err;
	/* (said once for a window of such files) */
	if (r->no_header &&
	    (err = pf_warn(p,
			   "no header row: the first row is data (a number "
			   "in every column of numbers), the columns are "
			   "named column_1 ... column_%zu",
			   r->ncols)) != DM_OK)
		return err;
	if ((err = ecdf_pass(p, opts ? opts->threads : 1, 0)) != DM_OK)
		return err;
	/* A header-only file still fixes the columns. */
	if (r->rows_read == 0 && p->nfeat == 0) {
		dm_batch empty = {0};
		dm_column *cols =
			calloc(r->ncols ? r->ncols : 1, sizeof(*cols));

		if (!cols)
			return DM_ENOMEM;
		empty.ncols = r->ncols;
		empty.cols = cols;
		err = add_batch(p, opts, &empty, names, r, file, diag, NULL,
				NULL, NULL);
		free(cols);
		return err;
	}
	return DM_OK;
}

/* ---- finishing and merging -------------------------------------------- */

/* A column that is recorded but not analysed keeps its counts (and
 * moments: an event time's range), not its values. */
static void drop_values(dm_feature *f)
{
	size_t i;

	dm_sketch_free(f->sketch);
	f->sketch = NULL;
	dm_ecdf_count_free(f->ecdf);
	f->ecdf = NULL;
	free(f->edges);
	free(f->bins);
	f->edges = NULL;
	f->bins = NULL;
	f->nedges = 0;
	for (i = 0; i < f->ncats; i++)
		free(f->cats[i].value);
	free(f->cats);
	free(f->hash);
	f->cats = NULL;
	f->hash = NULL;
	f->ncats = f->cats_cap = f->hash_cap = 0;
	f->other = 0;
}

/*
 * Training data whose roles were inferred: at least one column must be
 * monitored.  A baseline of none (every column an identifier, a time or
 * ignored: most often a file of one column, its separator not one the
 * reader knows) would monitor nothing, every hour, in silence.
 */
static dm_err something_monitored(const dm_profile *p, dm_diag *diag)
{
	char what[400];
	size_t i, n = 0;

	for (i = 0; i < p->nfeat; i++)
		if (dm_role_analysed(p->feat[i].role))
			return DM_OK;
	what[0] = 0;
	for (i = 0; i < p->nfeat && i < 3; i++) {
		const dm_feature *f = &p->feat[i];
		int k = snprintf(what + n, sizeof(what) - n,
				 "%s'%.60s' %s%s%.80s", i ? "; " : "", f->name,
				 dm_role_name(f->role),
				 f->reason[0] ? ": " : "", f->reason);

		if (k < 0 || (size_t)k >= sizeof(what) - n)
			break;
		n += (size_t)k;
	}
	return dm_diag_set(diag, DM_ESCHEMA, NULL, 0, NULL,
			   "nothing to monitor: no column is a feature or a "
			   "prediction (%s%s)%s",
			   what, p->nfeat > 3 ? "; ..." : "",
			   p->nfeat == 1 ? "; one column: are the fields "
					   "separated by something other than "
					   "',', ';', tab, '|' or blanks?"
					 : "");
}

dm_err dm_profile_finish(dm_profile *p, dm_diag *diag)
{
	size_t i, j;

	dm_err err;

	if (p->rows == 0)
		return dm_diag_set(diag, DM_EEMPTY, NULL, 0, NULL,
				   "no data rows to profile");
	for (i = 0; i < p->nfeat; i++)
		if (p->feat[i].type == DM_FEATURE_UNKNOWN &&
		    (err = feature_make_numeric(p, &p->feat[i])) != DM_OK)
			return err;
	for (i = j = 0; i < p->nfeat; i++) {
		const pf_evidence *e = p->feat[i].evidence;

		j += e && e->gather;
	}
	if ((err = pf_infer(p)) != DM_OK)
		return err;
	if (j && (err = something_monitored(p, diag)) != DM_OK)
		return err;
	if ((err = pf_mv_finish(p, DM_MV_SHARE_DEFAULT)) != DM_OK)
		return err;
	for (i = 0; i < p->nfeat; i++) {
		const dm_feature *f = &p->feat[i];

		/* a baseline (evidence gathered) with numbers near +-1.8e308 */
		if (f->evidence && f->type == DM_FEATURE_NUMERIC &&
		    f->count > 0 &&
		    (!isfinite(f->mom.mean) || !isfinite(f->mom.m2)) &&
		    (err = pf_warn(p,
				   "column '%s': its values (%.17g to %.17g) "
				   "are too large for a finite variance: the "
				   "moments that overflowed are stored as "
				   "null, and the column cannot enter the "
				   "multivariate check",
				   f->name, f->mom.min, f->mom.max)) != DM_OK)
			return err;
	}
	for (i = 0; i < p->nfeat; i++) {
		dm_feature *f = &p->feat[i];
		double *v = NULL;
		uint64_t *w = NULL, total = 0, acc;
		size_t n = 0, k;

		pf_evidence_free(f->evidence);
		f->evidence = NULL;
		if (!dm_role_analysed(f->role)) {
			drop_values(f);
			continue;
		}
		if (pf_cats_by_key_order(f) < 0)
			return DM_ENOMEM;
		if (f->type != DM_FEATURE_NUMERIC)
			continue;
		free(f->edges);
		free(f->bins);
		f->edges = malloc(p->nbins * sizeof(double));
		f->bins = calloc(p->nbins, sizeof(uint64_t));
		f->nedges = 0;
		if (!f->edges || !f->bins)
			return DM_ENOMEM;
		if (f->count == 0)
			continue;
		err = dm_sketch_items(f->sketch, &v, &w, &n);
		if (err != DM_OK)
			return err;
		for (k = 0; k < n; k++)
			total += w[k];
		/* Lower quantiles at j / nbins: the smallest x with
		 * F(x) >= j / nbins.  Drop duplicates and the maximum (an
		 * edge at the maximum leaves the top bin empty). */
		acc = 0;
		k = 0;
		for (j = 1; j < p->nbins; j++) {
			double q = (double)j / (double)p->nbins;

			while (k < n &&
			       (double)(acc + w[k]) < q * (double)total)
				acc += w[k++];
			if (k >= n)
				break;
			if (v[k] >= f->mom.max)
				break;
			if (f->nedges == 0 || v[k] > f->edges[f->nedges - 1])
				f->edges[f->nedges++] = v[k];
		}
		for (k = 0; k < n; k++)
			f->bins[dm_feature_bin(f, v[k])] += w[k];
		free(v);
		free(w);
	}
	return DM_OK;
}

dm_err dm_profile_merge(dm_profile *dst, const dm_profile *src, dm_diag *diag)
{
	size_t i, j;
	dm_err err;

	if (dst->nfeat == 0 && dst->rows == 0) {
		/* adopt src's shape */
		for (i = 0; i < src->nfeat; i++) {
			dm_feature *f = add_feature(dst, src->feat[i].name);

			if (!f)
				return DM_ENOMEM;
			f->type = src->feat[i].type;
			f->importance = src->feat[i].importance;
			f->role = src->feat[i].role;
			f->ltype = src->feat[i].ltype;
			f->origin = src->feat[i].origin;
			memcpy(f->reason, src->feat[i].reason,
			       sizeof(f->reason));
			if (set_markers(f,
					(const char *const *)src->feat[i]
						.na_markers,
					src->feat[i].nna) != DM_OK)
				return DM_ENOMEM;
			if (f->type == DM_FEATURE_NUMERIC &&
			    dm_role_analysed(f->role)) {
				if (feature_make_numeric(dst, f) != DM_OK)
					return DM_ENOMEM;
				f->nedges = src->feat[i].nedges;
				f->edges = malloc((f->nedges + 1) *
						  sizeof(double));
				f->bins =
					calloc(f->nedges + 1, sizeof(uint64_t));
				if (!f->edges || !f->bins)
					return DM_ENOMEM;
				if (f->nedges)
					memcpy(f->edges, src->feat[i].edges,
					       f->nedges * sizeof(double));
			}
		}
	}
	if (dst->nfeat != src->nfeat)
		return dm_diag_set(diag, DM_ESCHEMA, NULL, 0, NULL,
				   "profiles have different feature sets");
	for (i = 0; i < src->nfeat; i++) {
		const dm_feature *s = &src->feat[i];
		dm_feature *d = &dst->feat[i];

		if (strcmp(s->name, d->name) != 0 || s->type != d->type ||
		    s->nedges != d->nedges)
			return dm_diag_set(diag, DM_ESCHEMA, NULL, 0, s->name,
					   "profiles do not match");
		d->present |= s->present;
		d->count += s->count;
		d->missing += s->missing;
		if (d->invalid == 0 && s->invalid)
			memcpy(d->invalid_example, s->invalid_example,
			       sizeof(d->invalid_example));
		d->invalid += s->invalid;
		d->other += s->other;
		d->unseen += s->unseen;
		d->cats_by_key |= s->cats_by_key;
		d->cat_key_max = s->cat_key_max;
		if (s->evidence && ((pf_evidence *)s->evidence)->gather) {
			if (!d->evidence) {
				pf_evidence *e = pf_evidence_new();

				if (!e)
					return DM_ENOMEM;
				e->gather = 1;
				e->increasing = e->code_ok = e->all_int = 1;
				d->evidence = e;
				d->ltype = s->ltype;
			}
			if (pf_evidence_merge(d->evidence, s->evidence) < 0)
				return DM_ENOMEM;
		}
		if (d->schema_bad == 0 && s->schema_bad)
			memcpy(d->schema_bad_example, s->schema_bad_example,
			       sizeof(d->schema_bad_example));
		d->schema_bad += s->schema_bad;
		for (j = 0; j < s->nna; j++) { /* by name: placeholders
						* join one part's list */
			long k = -1, q;

			for (q = 0; q < (long)d->nna && k < 0; q++)
				if (!strcmp(d->na_markers[q], s->na_markers[j]))
					k = q;
			if (k < 0) {
				if ((err = add_marker(
					     d, s->na_markers[j],
					     strlen(s->na_markers[j]))))
					return err;
				k = (long)d->nna - 1;
			}
			d->na_counts[k] += s->na_counts[j];
		}
		if (s->ecdf || d->ecdf)
			return dm_diag_set(diag, DM_EINVAL, NULL, 0, s->name,
					   "a window counted against its "
					   "baseline's ECDF cannot be merged");
		if (s->type == DM_FEATURE_NUMERIC) {
			dm_moments_merge(&d->mom, &s->mom);
			if (s->sketch && d->sketch &&
			    (err = dm_sketch_merge(d->sketch, s->sketch)))
				return err;
			for (j = 0; j <= s->nedges && s->bins && d->bins; j++)
				d->bins[j] += s->bins[j];
		} else {
			pf_evidence *de = d->evidence;

			for (j = 0; j < s->ncats; j++) {
				const char *v = s->cats[j].value;
				long k;

				if (de && de->gather) { /* training data */
					if (pf_cat_count_sampled(
						    d, de, v, strlen(v),
						    s->cats[j].count) < 0)
						return DM_ENOMEM;
					continue;
				}
				k = pf_cat_index(d, v, strlen(v), 1);
				if (k == -2)
					return DM_ENOMEM;
				if (k < 0)
					d->other += s->cats[j].count;
				else
					d->cats[k].count += s->cats[j].count;
			}
		}
	}
	dst->rows += src->rows;
	dst->rows_skipped += src->rows_skipped;
	dst->rows_filtered += src->rows_filtered;
	dst->rows_other_model += src->rows_other_model;
	dst->rows_other_version += src->rows_other_version;
	if (!dst->other_model_example[0])
		memcpy(dst->other_model_example, src->other_model_example,
		       sizeof(dst->other_model_example));
	if (!dst->other_version_example[0])
		memcpy(dst->other_version_example, src->other_version_example,
		       sizeof(dst->other_version_example));
	for (i = 0; i < src->nextra; i++)
		if ((err = add_extra(dst, src->extra_columns[i],
				     src->extra_prediction[i])) != DM_OK)
			return err;
	if ((err = pf_mv_merge(dst, src)) != DM_OK)
		return dm_diag_set(diag, DM_ESCHEMA, NULL, 0, NULL,
				   "the multivariate profiles differ in "
				   "their columns");
	return DM_OK;
}

dm_err dm_feature_items(const dm_feature *f, double **vals, uint64_t **wts,
			size_t *n, int *exact)
{
	*vals = NULL;
	*wts = NULL;
	*n = 0;
	*exact = 1;
	if (f->ecdf)
		return dm_ecdf_count_items(f->ecdf, vals, wts, n, exact);
	if (f->sketch)
		return dm_sketch_items(f->sketch, vals, wts, n);
	return DM_OK;
}

dm_err dm_feature_quantiles(const dm_feature *f, const double *q, size_t nq,
			    double *out)
{
	double *v = NULL;
	uint64_t *w = NULL, total = 0, acc = 0;
	size_t n = 0, i, k = 0;
	dm_err err;

	if (f->ecdf)
		return dm_ecdf_count_quantiles(f->ecdf, q, nq, out);
	for (i = 0; i < nq; i++)
		out[i] = NAN;
	if (!f->sketch || dm_sketch_count(f->sketch) == 0)
		return DM_OK;
	err = dm_sketch_items(f->sketch, &v, &w, &n);
	if (err != DM_OK)
		return err;
	for (i = 0; i < n; i++)
		total += w[i];
	for (i = 0; i < nq && n > 0; i++) {
		if (q[i] <= 0.0) {
			out[i] = v[0];
			continue;
		}
		while (k < n - 1 && (double)(acc + w[k]) < q[i] * (double)total)
			acc += w[k++];
		out[i] = v[k];
	}
	free(v);
	free(w);
	return DM_OK;
}

/* ---- baseline partials (partial.c) ------------------------------------ */

dm_feature *dmp_profile_add_feature(dm_profile *p, const char *name)
{
	return add_feature(p, name);
}

dm_err dmp_feature_set_markers(dm_feature *f, const char *const *list, size_t n)
{
	return set_markers(f, list, n);
}

dm_err dmp_baseline_merge_part(dm_profile *dst, dm_profile *src, dm_diag *diag)
{
	size_t i;

	if (dst->nfeat != src->nfeat || dst->sketch_k != src->sketch_k ||
	    dst->nbins != src->nbins)
		return dm_diag_set(diag, DM_ESCHEMA, NULL, 0, NULL,
				   "the partials differ in their columns, "
				   "bins or sketch size");
	for (i = 0; i < src->nfeat; i++) {
		dm_feature *s = &src->feat[i];
		dm_feature *d = &dst->feat[i];

		if (strcmp(s->name, d->name) != 0)
			return dm_diag_set(diag, DM_ESCHEMA, NULL, 0, s->name,
					   "the partials differ in their "
					   "columns ('%s' where another has "
					   "'%s')",
					   s->name, d->name);
		if (s->type == d->type)
			continue;
		if (s->type == DM_FEATURE_UNKNOWN) {
			/* only missing cells in src: nothing to add but
			 * counts */
			s->type = d->type;
			if (s->type == DM_FEATURE_NUMERIC &&
			    feature_make_numeric(src, s) != DM_OK)
				return DM_ENOMEM;
			continue;
		}
		if (d->type != DM_FEATURE_UNKNOWN)
			return dm_diag_set(
				diag, DM_ESCHEMA, NULL, 0, s->name,
				"column '%s' is %s in one partial and %s in "
				"another (its files differ in type: set "
				"--type or build in one process)",
				s->name, dm_feature_type_name(d->type),
				dm_feature_type_name(s->type));
		/* all missing so far: the type the next values decide, as a
		 * single pass would */
		d->type = s->type;
		d->ltype = s->ltype;
		if (d->type == DM_FEATURE_NUMERIC &&
		    feature_make_numeric(dst, d) != DM_OK)
			return DM_ENOMEM;
	}
	return dm_profile_merge(dst, src, diag);
}
