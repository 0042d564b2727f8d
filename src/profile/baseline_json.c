/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Baseline files: a finished baseline profile to and from JSON
 * (docs/baseline-format.md, format_version 2; version 1 files are still
 * read, every column then a feature).
 *
 * A numeric feature stores its moments, bin edges and counts, and its
 * quantile sketch as sorted (value, weight) pairs — every value when the
 * training data had at most sketch_k non-missing values (KS against the
 * baseline is then exact), otherwise at most DM_BASELINE_SKETCH_ITEMS
 * pairs with the stated rank-error bound.
 */
#include <jansson.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/jsonw.h"
#include "core/pool.h"
#include "driftmon/profile.h"
#include "driftmon/table.h"
#include "profile/json_get.h"
#include "profile/profile_int.h"

static const double report_q[] = {0.01, 0.05, 0.10, 0.25, 0.50,
				  0.75, 0.90, 0.95, 0.99};
static const char *const report_qname[] = {"p01", "p05", "p10", "p25", "p50",
					   "p75", "p90", "p95", "p99"};
#define NREPORTQ (sizeof(report_q) / sizeof(report_q[0]))

static dm_err write_numeric(jw *w, const dm_feature *f)
{
	double qv[NREPORTQ], *v = NULL, err_bound;
	uint64_t *wt = NULL;
	size_t n = 0, i;
	int all_one = 1;
	dm_err err;

	jw_key(w, "mean");
	jw_num(w, f->mom.n ? f->mom.mean : NAN);
	jw_key(w, "std");
	jw_num(w, dm_moments_std(&f->mom));
	jw_key(w, "min");
	jw_num(w, f->mom.n ? f->mom.min : NAN);
	jw_key(w, "max");
	jw_num(w, f->mom.n ? f->mom.max : NAN);
	jw_key(w, "m2");
	jw_num(w, f->mom.m2);
	err = dm_feature_quantiles(f, report_q, NREPORTQ, qv);
	if (err != DM_OK)
		return err;
	jw_key(w, "quantiles");
	jw_obj(w);
	for (i = 0; i < NREPORTQ; i++) {
		jw_key(w, report_qname[i]);
		jw_num(w, qv[i]);
	}
	jw_obj_end(w);
	jw_key(w, "bins");
	jw_obj(w);
	jw_key(w, "edges");
	jw_arr(w);
	for (i = 0; i < f->nedges; i++)
		jw_num(w, f->edges[i]);
	jw_arr_end(w);
	jw_key(w, "counts");
	jw_arr(w);
	for (i = 0; f->bins && i <= f->nedges; i++)
		jw_u64(w, f->bins[i]);
	jw_arr_end(w);
	jw_obj_end(w);

	if (f->sketch && (err = dm_sketch_items(f->sketch, &v, &wt, &n)))
		return err;
	err_bound = f->sketch ? dm_sketch_rank_error(f->sketch) : 0.0;
	err_bound +=
		dm_sketch_compress_items(v, wt, &n, DM_BASELINE_SKETCH_ITEMS);
	for (i = 0; i < n; i++)
		all_one &= wt[i] == 1;
	jw_key(w, "sketch");
	jw_obj(w);
	jw_key(w, "k");
	jw_u64(w, f->sketch ? dm_sketch_k(f->sketch) : DM_SKETCH_K_DEFAULT);
	jw_key(w, "rank_error");
	jw_num(w, err_bound);
	jw_key(w, "values");
	jw_arr(w);
	for (i = 0; i < n; i++)
		jw_num(w, v[i]);
	jw_arr_end(w);
	if (!all_one) {
		jw_key(w, "weights");
		jw_arr(w);
		for (i = 0; i < n; i++)
			jw_u64(w, wt[i]);
		jw_arr_end(w);
	}
	jw_obj_end(w);
	free(v);
	free(wt);
	return DM_OK;
}

static void write_nums(jw *w, const double *x, size_t n)
{
	size_t i;

	jw_arr(w);
	for (i = 0; i < n; i++)
		jw_num(w, x[i]);
	jw_arr_end(w);
}

/* The multivariate profile: columns, standardisation, all eigenvalues,
 * the kept components (each a list of d loadings) and the baseline's
 * own reconstruction error (docs/baseline-format.md). */
static void write_mv(jw *w, const dm_multivariate *m)
{
	const dm_pca *a = &m->pca;
	size_t i, j;

	jw_key(w, "multivariate");
	jw_obj(w);
	jw_key(w, "columns");
	jw_arr(w);
	for (i = 0; i < m->d; i++)
		jw_str(w, m->columns[i]);
	jw_arr_end(w);
	jw_key(w, "candidates");
	jw_u64(w, m->ncandidates);
	jw_key(w, "rows");
	jw_u64(w, m->rows_used);
	jw_key(w, "rows_skipped");
	jw_u64(w, m->rows_skipped);
	jw_key(w, "row_stride");
	jw_u64(w, DM_MV_ROW_STRIDE);
	jw_key(w, "share");
	jw_num(w, a->share);
	jw_key(w, "means");
	write_nums(w, a->mean, a->d);
	jw_key(w, "sds");
	write_nums(w, a->sd, a->d);
	jw_key(w, "eigenvalues");
	write_nums(w, a->w, a->d);
	jw_key(w, "components");
	jw_arr(w);
	for (j = 0; j < a->k; j++) {
		jw_arr(w);
		for (i = 0; i < a->d; i++)
			jw_num(w, a->v[i * a->d + j]);
		jw_arr_end(w);
	}
	jw_arr_end(w);
	jw_key(w, "reference_error");
	jw_num(w, m->ref_error);
	jw_key(w, "reference_error_sd");
	jw_num(w, m->ref_spread);
	jw_obj_end(w);
}

/* One {"value": ..., "count": ...} object: a missing marker or a
 * category. */
static void write_value_count(jw *w, const char *value, uint64_t count)
{
	jw_obj(w);
	jw_key(w, "value");
	jw_str(w, value);
	jw_key(w, "count");
	jw_u64(w, count);
	jw_obj_end(w);
}

/* The file's header: format, model, rows, settings and warnings. */
static void write_header(jw *w, const dm_profile *p)
{
	size_t i;

	jw_key(w, "format");
	jw_str(w, "driftmon-baseline");
	jw_key(w, "format_version");
	jw_u64(w, DM_BASELINE_FORMAT_VERSION);
	jw_key(w, "model");
	jw_str(w, p->model);
	jw_key(w, "model_version");
	jw_str(w, p->model_version);
	jw_key(w, "created_at");
	jw_str(w, p->created_at);
	jw_key(w, "rows");
	jw_u64(w, p->rows);
	jw_key(w, "rows_skipped");
	jw_u64(w, p->rows_skipped);
	jw_key(w, "settings");
	jw_obj(w);
	jw_key(w, "psi_bins");
	jw_u64(w, p->nbins);
	jw_key(w, "sketch_k");
	jw_u64(w, p->sketch_k);
	jw_obj_end(w);
	jw_key(w, "warnings");
	jw_arr(w);
	for (i = 0; i < p->nwarnings; i++)
		jw_str(w, p->warnings[i]);
	jw_arr_end(w);
}

/* A feature's schema: name, types, role, origin, reason, per-feature
 * settings, counts and missing markers. */
static void write_schema(jw *w, const dm_feature *f)
{
	size_t j;

	jw_key(w, "name");
	jw_str(w, f->name);
	jw_key(w, "type");
	jw_str(w, dm_feature_type_name(f->type));
	jw_key(w, "importance");
	jw_num(w, f->importance);
	jw_key(w, "role");
	jw_str(w, dm_role_name(f->role));
	jw_key(w, "ltype");
	jw_str(w, dm_ltype_name(f->ltype));
	jw_key(w, "origin");
	jw_str(w, dm_origin_name(f->origin));
	jw_key(w, "reason");
	jw_str(w, f->reason);
	if (!isnan(f->psi_threshold)) {
		jw_key(w, "psi_threshold");
		jw_num(w, f->psi_threshold);
	}
	if (!isnan(f->min_effect)) {
		jw_key(w, "min_effect");
		jw_num(w, f->min_effect);
	}
	if (f->test[0]) {
		jw_key(w, "test");
		jw_str(w, f->test);
	}
	jw_key(w, "count");
	jw_u64(w, f->count);
	jw_key(w, "missing");
	jw_u64(w, f->missing);
	jw_key(w, "missing_markers");
	jw_arr(w);
	for (j = 0; j < f->nna; j++)
		write_value_count(w, f->na_markers[j], f->na_counts[j]);
	jw_arr_end(w);
}

/* One feature object: its schema, then the numeric or categorical
 * profile of an analysed feature.  On error the object is left open
 * (the caller drops the writer). */
static dm_err write_feature(jw *w, const dm_feature *f)
{
	size_t j;
	dm_err err;

	jw_obj(w);
	write_schema(w, f);
	if (!dm_role_analysed(f->role)) {
		/* recorded for the schema, never analysed */
	} else if (f->type == DM_FEATURE_NUMERIC) {
		if ((err = write_numeric(w, f)) != DM_OK)
			return err;
	} else {
		jw_key(w, "categories");
		jw_arr(w);
		for (j = 0; j < f->ncats; j++)
			write_value_count(w, f->cats[j].value,
					  f->cats[j].count);
		jw_arr_end(w);
		jw_key(w, "other");
		jw_u64(w, f->other);
		if (f->cats_by_key) {
			jw_key(w, "categories_by_key");
			jw_bool(w, 1);
		}
	}
	jw_obj_end(w);
	return DM_OK;
}

/*
 * Features written ahead on threads (write_baseline with a pool): each
 * into a writer of its own at the features array's depth, then copied
 * into the document in order, so the text is the same byte for byte.
 * A feature's text is its sketch in the main (some 250 KB for 10,000
 * points): a round takes FEAT_AHEAD features a thread, so that the text
 * held at once stays bounded.
 */
#define FEAT_AHEAD 2

struct feat_job {
	const dm_feature *f;
	jw w;
	dm_err err;
};

static void *feat_job_run(void *arg)
{
	struct feat_job *j = arg;

	j->err = write_feature(&j->w, j->f);
	return NULL;
}

static dm_err write_features_pool(jw *w, const dm_profile *p, dm_pool *pool,
				  unsigned threads)
{
	struct feat_job job[8 * FEAT_AHEAD];
	void *args[8 * FEAT_AHEAD];
	size_t i = 0, k, n, per = (threads > 8 ? 8 : threads) * FEAT_AHEAD;
	dm_err err = DM_OK;

	while (i < p->nfeat && err == DM_OK) {
		n = p->nfeat - i < per ? p->nfeat - i : per;
		for (k = 0; k < n; k++) {
			job[k].f = &p->feat[i + k];
			jw_init_nested(&job[k].w, w);
			job[k].err = DM_OK;
			args[k] = &job[k];
		}
		dm_pool_run(pool, feat_job_run, args, n);
		for (k = 0; k < n; k++) {
			if (err == DM_OK)
				err = job[k].err != DM_OK ? job[k].err
							  : job[k].w.err;
			if (err == DM_OK)
				jw_raw(w, job[k].w.buf, job[k].w.len);
			jw_release(&job[k].w);
		}
		i += n;
	}
	return err;
}

/* The whole document into w (errors: sticky in w, or returned); its
 * features written ahead on threads - 1 more threads when threads > 1. */
static dm_err write_baseline(jw *w, const dm_profile *p, unsigned threads)
{
	size_t i;
	dm_err err;
	dm_pool *pool = NULL;

	jw_obj(w);
	write_header(w, p);
	jw_key(w, "features");
	jw_arr(w);
	if (threads > 1 && p->nfeat > 1)
		pool = dm_pool_new((threads > 8 ? 8 : threads) - 1);
	if (pool) {
		err = write_features_pool(w, p, pool, threads);
		dm_pool_free(pool);
		if (err != DM_OK)
			return err;
	} else {
		for (i = 0; i < p->nfeat; i++)
			if ((err = write_feature(w, &p->feat[i])) != DM_OK)
				return err;
	}
	jw_arr_end(w);
	if (p->mv && p->mv->fitted)
		write_mv(w, p->mv);
	/* the monitoring spec it was built with, verbatim (optional) */
	if (p->spec_yaml) {
		jw_key(w, "spec");
		jw_str(w, p->spec_yaml);
	}
	jw_obj_end(w);
	return DM_OK;
}

dm_err dm_baseline_to_json(const dm_profile *p, char **out, size_t *len)
{
	jw w;
	dm_err err;

	jw_init(&w, 0, 1);
	if ((err = write_baseline(&w, p, 1)) != DM_OK) {
		jw_release(&w);
		return err;
	}
	return jw_finish(&w, out, len);
}

dm_err dm_baseline_write(const dm_profile *p, dm_sink_fn sink, void *ctx)
{
	return pf_baseline_write_threads(p, sink, ctx, 1);
}

dm_err pf_baseline_write_threads(const dm_profile *p, dm_sink_fn sink,
				 void *ctx, unsigned threads)
{
	jw w;
	dm_err err;

	jw_init_stream(&w, 0, 1, sink, ctx);
	if ((err = write_baseline(&w, p, threads)) != DM_OK) {
		jw_release(&w);
		return err;
	}
	return jw_finish_stream(&w);
}

/* ---- parsing ---------------------------------------------------------- */

/* A feature's sketch arrays read straight from the text (lift_sketch):
 * its tree then holds [] for them. */
struct lifted {
	int done;     /* the arrays are here, not in the tree */
	int has_w;    /* "weights" was given */
	size_t n, nw; /* values, weights */
	double *v;
	int64_t *w;
};

struct ctx {
	const char *name;
	dm_diag *diag;
	int nosketch;	     /* dmp_baseline_from_json_nosketch */
	struct lifted *lift; /* per feature element, or NULL */
	size_t nlift;
	size_t cur; /* the feature being parsed */
};

static dm_err bad(struct ctx *c, const char *field, const char *why)
{
	return dm_diag_set(c->diag, DM_EFORMAT, c->name, 0, NULL,
			   "field '%s': %s", field, why);
}

/* A number, or null for NaN. */
static int get_num(json_t *o, const char *k, double *out)
{
	json_t *v = json_object_get(o, k);

	if (json_is_null(v)) {
		*out = NAN;
		return 0;
	}
	if (!json_is_number(v))
		return -1;
	*out = json_number_value(v);
	return 0;
}

/* The moments: mean, std, min, max and m2 (null for NaN). */
static dm_err parse_moments(struct ctx *c, json_t *jf, dm_feature *f,
			    const char *path)
{
	double mean, std, mn, mx, m2;

	if (get_num(jf, "mean", &mean) || get_num(jf, "min", &mn) ||
	    get_num(jf, "max", &mx) || get_num(jf, "m2", &m2) ||
	    get_num(jf, "std", &std))
		return bad(c, path,
			   "mean, std, min, max and m2 must be "
			   "numbers");
	f->mom.n = f->count;
	/* null: no values (0), or values whose moments overflowed a double
	 * (kept unknown: NaN) */
	f->mom.mean = isnan(mean) && f->count == 0 ? 0.0 : mean;
	f->mom.m2 = isnan(m2) && f->count == 0 ? 0.0 : m2;
	f->mom.min = isnan(mn) ? INFINITY : mn;
	f->mom.max = isnan(mx) ? -INFINITY : mx;
	return DM_OK;
}

/* The PSI bins: increasing edges and one more count than edges. */
static dm_err parse_bins(struct ctx *c, json_t *jf, dm_feature *f,
			 const char *path)
{
	json_t *bins = json_object_get(jf, "bins");
	json_t *edges = json_object_get(bins, "edges");
	json_t *counts = json_object_get(bins, "counts");
	char field[300];
	size_t i;

	if (!json_is_array(edges) || !json_is_array(counts) ||
	    json_array_size(counts) != json_array_size(edges) + 1 ||
	    json_array_size(edges) >= DM_PSI_BINS_MAX) {
		snprintf(field, sizeof(field), "%s.bins", path);
		return bad(c, field,
			   "needs 'edges' and 'counts' arrays, "
			   "one more count than edges");
	}
	f->nedges = json_array_size(edges);
	f->edges = malloc((f->nedges + 1) * sizeof(double));
	f->bins = calloc(f->nedges + 1, sizeof(uint64_t));
	if (!f->edges || !f->bins)
		return DM_ENOMEM;
	for (i = 0; i < f->nedges; i++) {
		json_t *e = json_array_get(edges, i);

		if (!json_is_number(e) ||
		    (i > 0 && json_number_value(e) <= f->edges[i - 1])) {
			snprintf(field, sizeof(field), "%s.bins.edges[%zu]",
				 path, i);
			return bad(c, field,
				   "edges must be increasing numbers");
		}
		f->edges[i] = json_number_value(e);
	}
	for (i = 0; i <= f->nedges; i++) {
		json_t *e = json_array_get(counts, i);

		if (!json_is_integer(e) || json_integer_value(e) < 0) {
			snprintf(field, sizeof(field), "%s.bins.counts[%zu]",
				 path, i);
			return bad(c, field,
				   "counts must be non-negative "
				   "integers");
		}
		f->bins[i] = (uint64_t)json_integer_value(e);
	}
	return DM_OK;
}

/* The quantile sketch: sorted (value, weight) pairs, weights adding up
 * to the feature's count, and the rank error bound. */
static dm_err parse_sketch(struct ctx *c, json_t *jf, dm_feature *f,
			   const char *path, uint32_t k)
{
	json_t *sk = json_object_get(jf, "sketch");
	json_t *vals = json_object_get(sk, "values");
	json_t *wts = json_object_get(sk, "weights");
	struct lifted *lf = c->lift && c->cur < c->nlift && c->lift[c->cur].done
				    ? &c->lift[c->cur]
				    : NULL;
	double rank_error, *v = NULL;
	uint64_t *w = NULL;
	size_t i, n, nw;
	char field[300];
	dm_err err = DM_OK;

	if (c->nosketch)
		return DM_OK; /* dmp_baseline_from_json_nosketch */
	n = lf ? lf->n : json_array_size(vals);
	nw = lf ? lf->nw : json_array_size(wts);
	if (!json_is_array(vals) || (wts && !json_is_array(wts)) ||
	    (wts && nw != n) || get_num(sk, "rank_error", &rank_error) ||
	    !(rank_error >= 0)) {
		snprintf(field, sizeof(field), "%s.sketch", path);
		return bad(c, field,
			   "needs 'values' (and optional "
			   "'weights' of the same length) and "
			   "'rank_error'");
	}
	if (lf && n > 0) {
		/* lifted: every value a number, every weight an integer;
		 * the same test of the weight's sign; used in place */
		for (i = 0; wts && i < n; i++)
			if (lf->w[i] <= 0) {
				snprintf(field, sizeof(field),
					 "%s.sketch.values[%zu]", path, i);
				err = bad(c, field,
					  "not a number (or weight not a "
					  "positive integer)");
				goto out;
			}
		if (wts) {
			w = (uint64_t *)lf->w; /* positive: the same bits */
			lf->w = NULL;
		}
		v = lf->v;
		lf->v = NULL;
	}
	if (!v)
		v = malloc((n + 1) * sizeof(double));
	if (!w)
		w = malloc((n + 1) * sizeof(uint64_t));
	if (!v || !w) {
		err = DM_ENOMEM;
		goto out;
	}
	for (i = 0; lf && n > 0 && !wts && i < n; i++)
		w[i] = 1;
	for (i = 0; !(lf && n > 0) && i < n; i++) {
		json_t *x = json_array_get(vals, i);
		json_t *y = wts ? json_array_get(wts, i) : NULL;

		if (!json_is_number(x) ||
		    (wts &&
		     (!json_is_integer(y) || json_integer_value(y) <= 0))) {
			snprintf(field, sizeof(field), "%s.sketch.values[%zu]",
				 path, i);
			err = bad(c, field,
				  "not a number (or weight not a "
				  "positive integer)");
			goto out;
		}
		v[i] = json_number_value(x);
		w[i] = wts ? (uint64_t)json_integer_value(y) : 1;
	}
	f->sketch = dm_sketch_from_items(k, v, w, n, rank_error);
	if (!f->sketch) {
		snprintf(field, sizeof(field), "%s.sketch.values", path);
		err = bad(c, field, "values must be sorted and finite");
		goto out;
	}
	if (dm_sketch_count(f->sketch) != f->count) {
		snprintf(field, sizeof(field), "%s.sketch", path);
		err = bad(c, field, "weights do not add up to 'count'");
	}
out:
	free(v);
	free(w);
	if (lf) { /* used: freed now, not with the whole baseline */
		free(lf->v);
		free(lf->w);
		lf->v = NULL;
		lf->w = NULL;
	}
	return err;
}

/* A numeric feature: moments, bins, then the sketch (of size k). */
static dm_err parse_numeric(struct ctx *c, json_t *jf, dm_feature *f,
			    const char *path, uint32_t k)
{
	dm_err err;

	if ((err = parse_moments(c, jf, f, path)) != DM_OK ||
	    (err = parse_bins(c, jf, f, path)) != DM_OK)
		return err;
	return parse_sketch(c, jf, f, path, k);
}

/*
 * A feature's schema: role, logical type, origin, reason, per-feature
 * settings and missing markers (format 2); a version 1 feature is a
 * FEATURE of the type it names, with the default markers.
 */
static dm_err parse_schema(struct ctx *c, json_t *jf, dm_feature *f,
			   const char *path, const char *type, uint64_t ver)
{
	json_t *mk, *jm;
	const char *s;
	char field[300];
	size_t j, n;

	f->psi_threshold = NAN;
	f->min_effect = NAN;
	if (ver == 1) {
		f->role = DM_ROLE_FEATURE;
		f->ltype = strcmp(type, "numeric") == 0 ? DM_LTYPE_NUMERIC
							: DM_LTYPE_CATEGORICAL;
		snprintf(f->reason, sizeof(f->reason), "baseline format 1");
		n = 0;
		while (dm_default_missing_markers[n])
			n++;
		f->na_markers = calloc(n + 1, sizeof(char *));
		f->na_counts = calloc(n + 1, sizeof(uint64_t));
		if (!f->na_markers || !f->na_counts)
			return DM_ENOMEM;
		for (j = 0; j < n; j++) {
			if (!(f->na_markers[j] =
				      strdup(dm_default_missing_markers[j])))
				return DM_ENOMEM;
			f->nna = j + 1;
		}
		return DM_OK;
	}
	s = json_string_value(json_object_get(jf, "role"));
	if (!s || dm_role_parse(s, &f->role)) {
		snprintf(field, sizeof(field), "%s.role", path);
		return bad(c, field,
			   "must be one of feature, prediction, "
			   "label, event_time, identifier, text, "
			   "ignored");
	}
	s = json_string_value(json_object_get(jf, "ltype"));
	if (!s || (dm_ltype_parse(s, &f->ltype) && strcmp(s, "unknown"))) {
		snprintf(field, sizeof(field), "%s.ltype", path);
		return bad(c, field,
			   "must be one of numeric, integer, "
			   "boolean, categorical, timestamp, text, "
			   "unknown");
	}
	s = json_string_value(json_object_get(jf, "origin"));
	f->origin = s && !strcmp(s, "spec")   ? DM_ORIGIN_SPEC
		    : s && !strcmp(s, "flag") ? DM_ORIGIN_FLAG
					      : DM_ORIGIN_INFERRED;
	s = json_string_value(json_object_get(jf, "reason"));
	snprintf(f->reason, sizeof(f->reason), "%s", s ? s : "");
	s = json_string_value(json_object_get(jf, "test"));
	snprintf(f->test, sizeof(f->test), "%s", s ? s : "");
	if (get_num(jf, "psi_threshold", &f->psi_threshold))
		f->psi_threshold = NAN;
	if (get_num(jf, "min_effect", &f->min_effect))
		f->min_effect = NAN;
	mk = json_object_get(jf, "missing_markers");
	if (mk && !json_is_array(mk)) {
		snprintf(field, sizeof(field), "%s.missing_markers", path);
		return bad(c, field, "must be an array");
	}
	n = json_array_size(mk);
	f->na_markers = calloc(n + 1, sizeof(char *));
	f->na_counts = calloc(n + 1, sizeof(uint64_t));
	if (!f->na_markers || !f->na_counts)
		return DM_ENOMEM;
	json_array_foreach(mk, j, jm)
	{
		const char *v = json_string_value(json_object_get(jm, "value"));
		uint64_t cnt = 0;

		if (!v || (json_object_get(jm, "count") &&
			   pj_get_u64(jm, "count", &cnt))) {
			snprintf(field, sizeof(field),
				 "%s.missing_markers[%zu]", path, j);
			return bad(c, field,
				   "needs a string 'value' and a "
				   "count");
		}
		if (!(f->na_markers[j] = strdup(v)))
			return DM_ENOMEM;
		f->na_counts[j] = cnt;
		f->nna = j + 1;
	}
	return DM_OK;
}

/* The multivariate columns: d distinct numeric features of p, by name;
 * sets m->feat and m->columns. */
static dm_err parse_mv_columns(struct ctx *c, json_t *cols, dm_profile *p,
			       dm_multivariate *m)
{
	size_t i, j;

	for (i = 0; i < m->d; i++) {
		json_t *x = json_array_get(cols, i);
		const dm_feature *f;

		if (!json_is_string(x))
			return bad(c, "multivariate.columns",
				   "must be column names");
		f = dm_profile_find(p, json_string_value(x));
		if (!f || f->type != DM_FEATURE_NUMERIC ||
		    f->role != DM_ROLE_FEATURE)
			return dm_diag_set(c->diag, DM_EFORMAT, c->name, 0,
					   json_string_value(x),
					   "field 'multivariate.columns': not "
					   "a numeric feature of the baseline");
		for (j = 0; j < i; j++)
			if (m->feat[j] == (long)(f - p->feat))
				return bad(c, "multivariate.columns",
					   "a column is named twice");
		m->feat[i] = (long)(f - p->feat);
		if (!(m->columns[i] = strdup(f->name)))
			return DM_ENOMEM;
	}
	return DM_OK;
}

/* The fitted PCA of d columns and k components: means, positive sds,
 * descending eigenvalues and the k lists of loadings. */
static dm_err parse_mv_pca(struct ctx *c, json_t *jm, dm_pca *a, size_t d,
			   size_t k, double share)
{
	json_t *comp = json_object_get(jm, "components");
	size_t i, j;

	a->d = d;
	a->k = k;
	a->share = share;
	a->mean = malloc(d * sizeof(double));
	a->sd = malloc(d * sizeof(double));
	a->w = malloc(d * sizeof(double));
	a->v = calloc(d * d, sizeof(double));
	if (!a->mean || !a->sd || !a->w || !a->v)
		return DM_ENOMEM;
	if (pj_get_nums(json_object_get(jm, "means"), a->mean, d))
		return bad(c, "multivariate.means", "needs d finite numbers");
	if (pj_get_nums(json_object_get(jm, "sds"), a->sd, d))
		return bad(c, "multivariate.sds", "needs d finite numbers");
	for (i = 0; i < d; i++)
		if (!(a->sd[i] > 0))
			return bad(c, "multivariate.sds", "must be positive");
	if (pj_get_nums(json_object_get(jm, "eigenvalues"), a->w, d))
		return bad(c, "multivariate.eigenvalues",
			   "needs d finite numbers");
	for (i = 0; i < d; i++)
		if (a->w[i] < -1e-9 || (i > 0 && a->w[i] > a->w[i - 1]))
			return bad(c, "multivariate.eigenvalues",
				   "must be non-negative and descending");
	for (j = 0; j < k; j++) {
		double col[DM_MV_MAX_COLUMNS];

		if (pj_get_nums(json_array_get(comp, j), col, d))
			return bad(c, "multivariate.components",
				   "each needs d finite loadings");
		for (i = 0; i < d; i++)
			a->v[i * d + j] = col[i];
	}
	return DM_OK;
}

/* The optional "multivariate" object (after the features). */
static dm_err parse_mv(struct ctx *c, json_t *jm, dm_profile *p)
{
	json_t *cols = json_object_get(jm, "columns"), *comp;
	dm_multivariate *m;
	size_t d, k;
	double share;
	dm_err err;

	if (!json_is_object(jm) || !json_is_array(cols) ||
	    json_array_size(cols) < 2 ||
	    json_array_size(cols) > DM_MV_MAX_COLUMNS)
		return bad(c, "multivariate.columns",
			   "needs 2 to 64 column names");
	d = json_array_size(cols);
	m = calloc(1, sizeof(*m));
	if (!m)
		return DM_ENOMEM;
	p->mv = m; /* released with p on error */
	m->columns = calloc(d, sizeof(char *));
	m->feat = calloc(d, sizeof(long));
	if (!m->columns || !m->feat)
		return DM_ENOMEM;
	m->d = d;
	if ((err = parse_mv_columns(c, cols, p, m)) != DM_OK)
		return err;
	comp = json_object_get(jm, "components");
	k = json_is_array(comp) ? json_array_size(comp) : 0;
	if (k < 1 || k > d)
		return bad(c, "multivariate.components",
			   "needs 1 to d lists of loadings");
	if (pj_get_u64(jm, "rows", &m->rows_used) || m->rows_used < 2 ||
	    pj_get_u64(jm, "rows_skipped", &m->rows_skipped) ||
	    m->rows_used + m->rows_skipped > p->rows)
		return bad(c, "multivariate.rows",
			   "needs rows (>= 2) and rows_skipped adding up to "
			   "at most the baseline's rows");
	if (pj_get_u64(jm, "candidates", &m->ncandidates) || m->ncandidates < d)
		m->ncandidates = d;
	if (get_num(jm, "share", &share) || !(share > 0 && share <= 1.0))
		return bad(c, "multivariate.share", "must be in (0, 1]");
	if ((err = parse_mv_pca(c, jm, &m->pca, d, k, share)) != DM_OK)
		return err;
	if (get_num(jm, "reference_error", &m->ref_error) ||
	    !(m->ref_error >= 0) || !isfinite(m->ref_error) ||
	    get_num(jm, "reference_error_sd", &m->ref_spread) ||
	    !(m->ref_spread >= 0) || !isfinite(m->ref_spread))
		return bad(c, "multivariate.reference_error",
			   "needs reference_error and reference_error_sd "
			   "(finite, >= 0)");
	m->fitted = 1;
	return DM_OK;
}

/*
 * json with the array of every "values" and "weights" key that holds
 * numbers only (the sketches' points) emptied: a malloc'd copy in *out,
 * or NULL (allocation).
 */
static char *lift_points(const char *json, size_t len, size_t *outlen)
{
	static const char *const keys[2] = {"\"values\"", "\"weights\""};
	static const char ws[] = " \t\r\n", num[] = "0123456789+-.eE, \t\r\n";
	const char *end = json + len, *p = json;
	char *out = malloc(len + 1), *o = out;
	unsigned char isnum[256] = {0}; /* num's bytes: a look-up per byte
					   of the points, not a memchr */
	size_t i0;

	if (!out)
		return NULL;
	for (i0 = 0; i0 + 1 < sizeof(num); i0++)
		isnum[(unsigned char)num[i0]] = 1;
	for (;;) {
		const char *q = NULL, *a, *b;
		size_t kl = 0;
		int i, colon;

		for (i = 0; i < 2; i++) {
			const char *x = memmem(p, (size_t)(end - p), keys[i],
					       strlen(keys[i]));

			if (x && (!q || x < q)) {
				q = x;
				kl = strlen(keys[i]);
			}
		}
		if (!q)
			break;
		for (a = q + kl; a < end && memchr(ws, *a, 4); a++)
			;
		colon = a < end && *a == ':';
		if (colon)
			for (a++; a < end && memchr(ws, *a, 4); a++)
				;
		b = a + 1;
		if (colon && a < end && *a == '[')
			while (b < end && isnum[(unsigned char)*b])
				b++;
		if (colon && a < end && *a == '[' && b < end && *b == ']') {
			/* "key": [numbers]: the brackets alone */
			memcpy(o, p, (size_t)(a + 1 - p));
			o += a + 1 - p;
			p = b;
		} else { /* anything else: copied */
			memcpy(o, p, (size_t)(q + 1 - p));
			o += q + 1 - p;
			p = q + 1;
		}
	}
	memcpy(o, p, (size_t)(end - p));
	o += end - p;
	*outlen = (size_t)(o - out);
	return out;
}

static dm_err from_json(const char *json, size_t len, const char *name,
			dm_profile *p, dm_diag *diag, int nosketch,
			unsigned threads);

dm_err dm_baseline_from_json(const char *json, size_t len, const char *name,
			     dm_profile *p, dm_diag *diag)
{
	return from_json(json, len, name, p, diag, 0, 1);
}

dm_err dm_baseline_from_json_mt(const char *json, size_t len, const char *name,
				dm_profile *p, dm_diag *diag, unsigned threads)
{
	return from_json(json, len, name, p, diag, 0, threads);
}

dm_err dmp_baseline_from_json_whole(const char *json, size_t len,
				    const char *name, dm_profile *p,
				    dm_diag *diag)
{
	return from_json(json, len, name, p, diag, 0, 0);
}

dm_err dmp_baseline_from_json_nosketch(const char *json, size_t len,
				       const char *name, dm_profile *p,
				       dm_diag *diag)
{
	size_t n = 0;
	char *lifted = lift_points(json, len, &n);
	dm_err err;

	if (!lifted) {
		dm_profile_init(p, NULL);
		return DM_ENOMEM;
	}
	err = from_json(lifted, n, name, p, diag, 1, 1);
	free(lifted);
	return err;
}

/* The header: format "driftmon-baseline" and a format_version this
 * driftmon reads (1 or DM_BASELINE_FORMAT_VERSION), into *ver. */
static dm_err parse_header(struct ctx *c, json_t *root, uint64_t *ver)
{
	if (!json_is_object(root) ||
	    !json_is_string(json_object_get(root, "format")) ||
	    strcmp(json_string_value(json_object_get(root, "format")),
		   "driftmon-baseline") != 0)
		return bad(c, "format",
			   "not a driftmon baseline "
			   "(expected \"driftmon-baseline\")");
	if (pj_get_u64(root, "format_version", ver))
		return bad(c, "format_version", "missing or not an integer");
	if (*ver != 1 && *ver != DM_BASELINE_FORMAT_VERSION)
		return dm_diag_set(c->diag, DM_EVERSION, c->name, 0, NULL,
				   "baseline format_version %llu is not "
				   "supported (this driftmon reads versions 1 "
				   "to %d)",
				   (unsigned long long)*ver,
				   DM_BASELINE_FORMAT_VERSION);
	return DM_OK;
}

/* The largest sketch_k a baseline may state. */
#define SKETCH_K_READ_MAX (1u << 24)

/* The settings (psi_bins, sketch_k into *k; p is initialised with
 * them) and the row counts. */
static dm_err parse_settings(struct ctx *c, json_t *root, dm_profile *p,
			     uint64_t *k)
{
	json_t *settings = json_object_get(root, "settings");
	dm_profile_opts o = {0};
	uint64_t bins = 0;

	if (pj_get_u64(settings, "psi_bins", &bins) ||
	    pj_get_u64(settings, "sketch_k", k) || bins < 1 ||
	    bins > DM_PSI_BINS_MAX || *k < DM_SKETCH_K_MIN ||
	    *k > SKETCH_K_READ_MAX)
		return bad(c, "settings",
			   "needs psi_bins (1-100) and "
			   "sketch_k");
	o.nbins = (unsigned)bins;
	o.sketch_k = (uint32_t)*k;
	dm_profile_init(p, &o);
	if (pj_get_u64(root, "rows", &p->rows))
		return bad(c, "rows", "missing or not a non-negative integer");
	pj_get_u64(root, "rows_skipped", &p->rows_skipped);
	return DM_OK;
}

/* The warnings (strings) and the optional model, model_version and
 * created_at. */
static dm_err parse_meta(struct ctx *c, json_t *root, dm_profile *p)
{
	json_t *jwarn = json_object_get(root, "warnings"), *x;
	size_t i;

	json_array_foreach(jwarn, i, x)
	{
		char **wv =
			realloc(p->warnings, (p->nwarnings + 1) * sizeof(*wv));

		if (!wv || !json_is_string(x)) {
			if (!wv)
				return DM_ENOMEM;
			p->warnings = wv;
			return bad(c, "warnings", "must be strings");
		}
		p->warnings = wv;
		if (!(wv[p->nwarnings] = strdup(json_string_value(x))))
			return DM_ENOMEM;
		p->nwarnings++;
	}
	if (json_is_string(json_object_get(root, "model")))
		p->model = strdup(
			json_string_value(json_object_get(root, "model")));
	if (json_is_string(json_object_get(root, "model_version")))
		p->model_version = strdup(json_string_value(
			json_object_get(root, "model_version")));
	if (json_is_string(json_object_get(root, "created_at")))
		p->created_at = strdup(
			json_string_value(json_object_get(root, "created_at")));
	return DM_OK;
}

/* A categorical feature: its categories (at most DM_MAX_CATEGORIES) and
 * the count of the others; format 1 booleans become booleans. */
static dm_err parse_categorical(struct ctx *c, json_t *jf, dm_feature *f,
				const char *path, uint64_t ver)
{
	json_t *cats = json_object_get(jf, "categories"), *jc;
	size_t j;

	f->type = DM_FEATURE_CATEGORICAL;
	if (!json_is_array(cats))
		return bad(c, path,
			   "needs a 'categories' "
			   "array");
	if (json_array_size(cats) > DM_MAX_CATEGORIES) {
		char why[120];

		snprintf(why, sizeof(why),
			 "%zu categories: at most %d are kept "
			 "(the rest are counted in 'other')",
			 json_array_size(cats), DM_MAX_CATEGORIES);
		return bad(c, path, why);
	}
	pj_get_u64(jf, "other", &f->other);
	f->cats_by_key = json_is_true(json_object_get(jf, "categories_by_key"));
	f->cats = calloc(json_array_size(cats) + 1, sizeof(dm_category));
	if (!f->cats)
		return DM_ENOMEM;
	f->cats_cap = json_array_size(cats) + 1;
	json_array_foreach(cats, j, jc)
	{
		const char *cv =
			json_string_value(json_object_get(jc, "value"));
		uint64_t cnt;

		if (!cv || pj_get_u64(jc, "count", &cnt))
			return bad(c, path,
				   "each category needs 'value' "
				   "and 'count'");
		f->cats[j].value = strdup(cv);
		f->cats[j].count = cnt;
		f->ncats = j + 1;
		if (!f->cats[j].value)
			return DM_ENOMEM;
	}
	/* format 1 kept booleans as written ("True"); they are read as the
	 * boolean they are */
	if (ver == 1 && f->ncats > 0 && pf_canon_bool_cats(f) == 0)
		f->ltype = DM_LTYPE_BOOLEAN;
	return DM_OK;
}

/* Feature i of p (p->nfeat becomes i + 1): name, counts, importance,
 * schema, then the profile of its type (sketch size k). */
static dm_err parse_feature(struct ctx *c, json_t *jf, dm_profile *p, size_t i,
			    uint64_t ver, uint64_t k)
{
	dm_feature *f = &p->feat[i];
	const char *fname = json_string_value(json_object_get(jf, "name"));
	const char *type = json_string_value(json_object_get(jf, "type"));
	char path[200];
	dm_err err;

	snprintf(path, sizeof(path), "features[%zu]", i);
	if (!fname || !*fname || !type)
		return bad(c, path, "needs 'name' and 'type'");
	if (strlen(fname) > DM_MAX_NAME_BYTES)
		return bad(c, path, "name longer than 1024 bytes");
	if (dm_profile_find(p, fname)) /* p->nfeat == i here */
		return bad(c, path, "duplicate feature name");
	p->nfeat = i + 1;
	dm_moments_init(&f->mom);
	f->importance = 1.0;
	/* version 1: role FEATURE (0, from calloc), the model's
	 * thresholds (NaN = not set for this feature) */
	f->psi_threshold = NAN;
	f->min_effect = NAN;
	f->name = strdup(fname);
	if (!f->name)
		return DM_ENOMEM;
	if ((err = dmp_profile_index_add(p, i)) != DM_OK)
		return err;
	snprintf(path, sizeof(path), "features[%zu] ('%.150s')", i, fname);
	f->present = 1;
	if (pj_get_u64(jf, "count", &f->count) ||
	    pj_get_u64(jf, "missing", &f->missing))
		return bad(c, path,
			   "needs non-negative integer "
			   "'count' and 'missing'");
	if (json_is_number(json_object_get(jf, "importance")))
		f->importance =
			json_number_value(json_object_get(jf, "importance"));
	if (!(f->importance >= 0) || !isfinite(f->importance))
		return bad(c, path, "importance must be >= 0");
	if ((err = parse_schema(c, jf, f, path, type, ver)) != DM_OK)
		return err;
	if (!dm_role_analysed(f->role)) {
		f->type = strcmp(type, "numeric") == 0 ? DM_FEATURE_NUMERIC
						       : DM_FEATURE_CATEGORICAL;
		return DM_OK;
	}
	if (strcmp(type, "numeric") == 0) {
		f->type = DM_FEATURE_NUMERIC;
		c->cur = i;
		return parse_numeric(c, jf, f, path, (uint32_t)k);
	}
	if (strcmp(type, "categorical") == 0)
		return parse_categorical(c, jf, f, path, ver);
	return bad(c, path,
		   "type must be 'numeric' or "
		   "'categorical'");
}

/* The features array (not empty), each in turn. */
static dm_err parse_features(struct ctx *c, json_t *root, dm_profile *p,
			     uint64_t ver, uint64_t k)
{
	json_t *feats = json_object_get(root, "features"), *jf;
	size_t i;
	dm_err err;

	if (!json_is_array(feats) || json_array_size(feats) == 0)
		return bad(c, "features", "missing or empty");
	p->feat = calloc(json_array_size(feats), sizeof(dm_feature));
	if (!p->feat)
		return DM_ENOMEM;
	json_array_foreach(feats, i, jf)
	{
		if ((err = parse_feature(c, jf, p, i, ver, k)) != DM_OK)
			return err;
	}
	return DM_OK;
}

/* The monitoring spec (optional; parsed where it is used). */
static dm_err parse_spec(struct ctx *c, json_t *root, dm_profile *p)
{
	json_t *js = json_object_get(root, "spec");

	if (!js)
		return DM_OK;
	if (!json_is_string(js) || json_string_length(js) > DM_SPEC_MAX_BYTES ||
	    strlen(json_string_value(js)) != json_string_length(js))
		return bad(c, "spec", "must be the spec's YAML text");
	p->spec_yaml = strdup(json_string_value(js));
	return p->spec_yaml ? DM_OK : DM_ENOMEM;
}

/*
 * Parsing a large baseline on threads.  Most of a baseline's bytes are
 * its features' sketches, so the elements of the root's "features" array
 * are parsed by jansson one by one on the threads, the rest of the
 * document (that array emptied) on the calling thread, and the elements
 * appended to the emptied array in order: the tree json_loadb() of the
 * whole document gives.  The spans come from a scan that knows JSON's
 * strings and brackets; on anything it does not expect, and on any parse
 * error, the whole document is parsed as before (the same tree or the
 * same error message).
 */

/* Past the whitespace at i. */
static size_t skip_ws(const char *s, size_t len, size_t i)
{
	while (i < len &&
	       (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
		i++;
	return i;
}

/* Past the string opening at i (s[i] == '"'); len if unterminated. */
static size_t skip_string(const char *s, size_t len, size_t i)
{
	for (i++; i < len; i++) {
		if (s[i] == '\\')
			i++;
		else if (s[i] == '"')
			return i + 1;
	}
	return len;
}

/* The first of s[i..len) that is a quote or a bracket; len if none.
 * Sixteen bytes at a time: most of a baseline is numbers between them. */
static size_t next_special(const char *s, size_t len, size_t i)
{
#ifdef __SSE2__
	const __m128i q = _mm_set1_epi8('"'), ob = _mm_set1_epi8('{'),
		      cb = _mm_set1_epi8('}'), os = _mm_set1_epi8('['),
		      cs = _mm_set1_epi8(']');

	while (i + 16 <= len) {
		__m128i x = _mm_loadu_si128((const __m128i *)(s + i));
		__m128i m = _mm_or_si128(
			_mm_or_si128(_mm_cmpeq_epi8(x, q),
				     _mm_cmpeq_epi8(x, ob)),
			_mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, cb),
						  _mm_cmpeq_epi8(x, os)),
				     _mm_cmpeq_epi8(x, cs)));
		int bits = _mm_movemask_epi8(m);

		if (bits)
			return i + (size_t)__builtin_ctz((unsigned)bits);
		i += 16;
	}
#endif
	for (; i < len; i++)
		if (s[i] == '"' || s[i] == '{' || s[i] == '}' || s[i] == '[' ||
		    s[i] == ']')
			return i;
	return len;
}

/* Past the value starting at i (brackets matched, strings skipped);
 * len if it does not end. */
static size_t skip_value(const char *s, size_t len, size_t i)
{
	size_t depth = 0;

	if (i >= len)
		return len;
	if (s[i] == '"')
		return skip_string(s, len, i);
	if (s[i] != '{' && s[i] != '[') {
		while (i < len && !strchr(",}] \t\r\n", s[i]))
			i++;
		return i;
	}
	while ((i = next_special(s, len, i)) < len) {
		char ch = s[i];

		if (ch == '"') {
			i = skip_string(s, len, i);
			continue;
		}
		if (ch == '{' || ch == '[')
			depth++;
		else if (--depth == 0)
			return i + 1;
		i++;
	}
	return len;
}

/*
 * A sketch's "values" and "weights" read from the text, not by jansson:
 * most of a baseline's bytes are these arrays, and a json_t per number
 * (allocation, strtod, append) is most of its parse.  Only an array of
 * JSON numbers in the strict grammar is taken, each converted as jansson
 * would: an integer token (no fraction, no exponent) of at most 18
 * digits as that integer (json_number_value gives it as a double), any
 * other number by dm_parse_double (correctly rounded, as strtod), and
 * only if finite (jansson rejects an overflow).  The weights must all be
 * integer tokens (json_is_integer).  On anything else (longer integers,
 * an infinite value, a weight written as a real, a key twice, a value
 * that is not an array) nothing is lifted and jansson reads the
 * element: the same tree, the same errors.
 */

/* One JSON number token at s[i..): its end in *e, its value in *d and,
 * if it is an integer token of at most 18 digits, in *iv with *isint
 * set.  0, or -1 if not a number that can be lifted. */
static int lift_number(const char *s, size_t len, size_t i, size_t *e,
		       double *d, int64_t *iv, int *isint)
{
	size_t b = i, dig;
	int neg = 0, frac = 0;
	uint64_t m = 0;

	if (i < len && s[i] == '-') {
		neg = 1;
		i++;
	}
	if (i >= len || s[i] < '0' || s[i] > '9')
		return -1;
	if (s[i] == '0') {
		i++;
	} else {
		while (i < len && s[i] >= '0' && s[i] <= '9')
			i++;
	}
	dig = i - b - (size_t)neg;
	if (i < len && s[i] == '.') {
		frac = 1;
		if (++i >= len || s[i] < '0' || s[i] > '9')
			return -1;
		while (i < len && s[i] >= '0' && s[i] <= '9')
			i++;
	}
	if (i < len && (s[i] == 'e' || s[i] == 'E')) {
		frac = 1;
		i++;
		if (i < len && (s[i] == '+' || s[i] == '-'))
			i++;
		if (i >= len || s[i] < '0' || s[i] > '9')
			return -1;
		while (i < len && s[i] >= '0' && s[i] <= '9')
			i++;
	}
	*e = i;
	if (!frac) {
		size_t k;

		if (dig > 18)
			return -1;
		for (k = b + (size_t)neg; k < i; k++)
			m = m * 10 + (uint64_t)(s[k] - '0');
		*iv = neg ? -(int64_t)m : (int64_t)m;
		*d = (double)*iv;
		*isint = 1;
		return 0;
	}
	*isint = 0;
	if (dm_parse_double(s + b, i - b, d) != 0 || !isfinite(*d))
		return -1;
	return 0;
}

/* The array of numbers opening at s[i] == '[' into *v (and *w when
 * ints: integer tokens only), its length in *n, past its ']' in *e.
 * 0, -1 if it cannot be lifted, -2 on allocation failure. */
static int lift_array(const char *s, size_t len, size_t i, int ints, void **out,
		      size_t *n, size_t *e)
{
	size_t cap = 0, k = 0;
	uint64_t *a = NULL; /* the doubles' or the integers' bits */

	i = skip_ws(s, len, i + 1);
	if (i < len && s[i] == ']') {
		*out = NULL;
		*n = 0;
		*e = i + 1;
		return 0;
	}
	for (;;) {
		double d;
		int64_t iv = 0;
		int isint = 0;
		size_t end;

		if (lift_number(s, len, i, &end, &d, &iv, &isint) != 0 ||
		    (ints && !isint))
			goto fail;
		if (k == cap) {
			size_t c = cap ? 2 * cap : 1024;
			uint64_t *g = realloc(a, c * sizeof(*a));

			if (!g) {
				free(a);
				return -2;
			}
			a = g;
			cap = c;
		}
		if (ints)
			memcpy(&a[k++], &iv, sizeof(iv));
		else
			memcpy(&a[k++], &d, sizeof(d));
		i = skip_ws(s, len, end);
		if (i < len && s[i] == ',') {
			i = skip_ws(s, len, i + 1);
			continue;
		}
		if (i < len && s[i] == ']')
			break;
		goto fail;
	}
	*out = a;
	*n = k;
	*e = i + 1;
	return 0;
fail:
	free(a);
	return -1;
}

/* The key at s[i] == '"' if it is exactly `key` (no escapes). */
static int key_is(const char *s, size_t len, size_t i, const char *key)
{
	size_t kl = strlen(key);

	return i + kl + 2 <= len && s[i + kl + 1] == '"' &&
	       memcmp(s + i + 1, key, kl) == 0;
}

#define WALK_FAIL ((size_t)-1)

/* Walks the members of the object opening at s[i] == '{': for each, fn
 * gets the key's start and the value's start and returns past the
 * value, or WALK_FAIL to stop.  Past the object's '}', else WALK_FAIL. */
typedef size_t (*member_fn)(void *arg, const char *s, size_t len, size_t key,
			    size_t val);

static size_t walk_object(const char *s, size_t len, size_t i, member_fn fn,
			  void *arg)
{
	i = skip_ws(s, len, i + 1);
	if (i < len && s[i] == '}')
		return i + 1;
	for (;;) {
		size_t k = i, v, e;

		if (i >= len || s[i] != '"')
			return WALK_FAIL;
		i = skip_ws(s, len, skip_string(s, len, i));
		if (i >= len || s[i] != ':')
			return WALK_FAIL;
		v = skip_ws(s, len, i + 1);
		if (v >= len || (e = fn(arg, s, len, k, v)) == WALK_FAIL)
			return WALK_FAIL;
		i = skip_ws(s, len, e);
		if (i < len && s[i] == ',') {
			i = skip_ws(s, len, i + 1);
			continue;
		}
		return i < len && s[i] == '}' ? i + 1 : WALK_FAIL;
	}
}

/* The sketch's arrays as they are met: lifted, their spans kept. */
struct sk_find {
	struct lifted *lf;
	size_t at[2], end[2]; /* "values", "weights": the value's span */
	int seen[2];
};

static size_t sketch_member(void *arg, const char *s, size_t len, size_t key,
			    size_t val)
{
	struct sk_find *f = arg;
	int j = key_is(s, len, key, "values")	 ? 0
		: key_is(s, len, key, "weights") ? 1
						 : -1;
	void *a = NULL;
	size_t n = 0, e;

	if (j < 0)
		return skip_value(s, len, val);
	if (f->seen[j]++ || s[val] != '[') /* twice: jansson says */
		return WALK_FAIL;
	if (lift_array(s, len, val, j, &a, &n, &e) != 0)
		return WALK_FAIL;
	if (j == 0) {
		f->lf->v = a;
		f->lf->n = n;
	} else {
		f->lf->w = a;
		f->lf->nw = n;
		f->lf->has_w = 1;
	}
	f->at[j] = val;
	f->end[j] = e;
	return e;
}

static size_t feature_member(void *arg, const char *s, size_t len, size_t key,
			     size_t val)
{
	struct sk_find *f = arg;

	if (!key_is(s, len, key, "sketch"))
		return skip_value(s, len, val);
	if (f->seen[0] || f->seen[1] || s[val] != '{')
		return WALK_FAIL; /* "sketch" twice (or not an object) */
	return walk_object(s, len, val, sketch_member, f);
}

/* Lifts the sketch arrays of the feature element s[0..len) into *lf and
 * gives in *out (malloc'd, *outlen bytes) the element with those arrays
 * written []: 1; 0 if nothing is lifted (allocation failures too). */
static int lift_sketch(const char *s, size_t len, struct lifted *lf, char **out,
		       size_t *outlen)
{
	struct sk_find sf;
	size_t cut[2][2], nc = 0, j, o, from;
	char *t;

	memset(lf, 0, sizeof(*lf));
	memset(&sf, 0, sizeof(sf));
	sf.lf = lf;
	/* a "sketch" met again after its arrays is refused by feature_member;
	 * one without arrays leaves seen[0] at 0 (nothing lifted) */
	if (len == 0 || s[0] != '{' ||
	    walk_object(s, len, 0, feature_member, &sf) != len || !sf.seen[0])
		goto none;
	for (j = 0; j < 2; j++)
		if (sf.seen[j]) {
			cut[nc][0] = sf.at[j];
			cut[nc][1] = sf.end[j];
			nc++;
		}
	if (nc == 2 && cut[1][0] < cut[0][0]) {
		size_t a = cut[0][0], b = cut[0][1];

		cut[0][0] = cut[1][0];
		cut[0][1] = cut[1][1];
		cut[1][0] = a;
		cut[1][1] = b;
	}
	if (!(t = malloc(len + 1)))
		goto none;
	for (j = 0, o = 0, from = 0; j < nc; j++) {
		memcpy(t + o, s + from, cut[j][0] - from);
		o += cut[j][0] - from;
		t[o++] = '[';
		t[o++] = ']';
		from = cut[j][1];
	}
	memcpy(t + o, s + from, len - from);
	o += len - from;
	*out = t;
	*outlen = o;
	lf->done = 1;
	return 1;
none:
	free(lf->v);
	free(lf->w);
	memset(lf, 0, sizeof(*lf));
	return 0;
}

static void lifted_free(struct lifted *lf, size_t n)
{
	size_t k;

	for (k = 0; lf && k < n; k++) {
		free(lf[k].v);
		free(lf[k].w);
	}
	free(lf);
}

struct fspans {
	size_t open, close; /* the array's '[' and ']' */
	size_t n, cap;
	size_t *a, *b; /* element k: [a[k], b[k]) */
};

/* The spans of the root object's "features" array elements (objects):
 * 1, or 0 if the document is not laid out as expected. */
static int feature_spans(const char *s, size_t len, struct fspans *f)
{
	size_t i = skip_ws(s, len, 0), found = 0;

	if (i >= len || s[i] != '{')
		return 0;
	for (i = skip_ws(s, len, i + 1); i < len;) {
		size_t k = i, v;

		if (s[i] == '}' || s[i] != '"')
			break;
		i = skip_string(s, len, i);
		i = skip_ws(s, len, i);
		if (i >= len || s[i] != ':')
			return 0;
		v = skip_ws(s, len, i + 1);
		if (i - k == 10 && memcmp(s + k, "\"features\"", 10) == 0 &&
		    v < len && s[v] == '[') {
			if (found++)
				return 0; /* twice: let jansson say */
			f->open = v;
			for (i = skip_ws(s, len, v + 1);
			     i < len && s[i] != ']';) {
				if (s[i] != '{')
					return 0;
				if (f->n == f->cap) {
					size_t c = f->cap ? 2 * f->cap : 64;
					size_t *a =
						realloc(f->a, c * sizeof(*a));

					if (a)
						f->a = a;
					a = a ? realloc(f->b, c * sizeof(*a))
					      : NULL;
					if (!a)
						return 0;
					f->b = a;
					f->cap = c;
				}
				f->a[f->n] = i;
				i = skip_value(s, len, i);
				f->b[f->n++] = i;
				i = skip_ws(s, len, i);
				if (i < len && s[i] == ',') {
					i = skip_ws(s, len, i + 1);
					if (i >= len || s[i] != '{')
						return 0; /* [.., ] */
				} else if (i >= len || s[i] != ']') {
					return 0;
				}
			}
			if (i >= len)
				return 0;
			f->close = i;
			i++;
		} else {
			i = skip_value(s, len, v);
		}
		i = skip_ws(s, len, i);
		if (i < len && s[i] == ',')
			i = skip_ws(s, len, i + 1);
		else
			break;
	}
	return found == 1 && f->n > 0;
}

struct fparse {
	const char *s;
	const struct fspans *f;
	json_t **el;
	struct lifted *lift; /* per element, or NULL: parse as is */
	size_t *next;	     /* shared: the next element to take */
};

static void *fparse_worker(void *arg)
{
	struct fparse *w = arg;
	size_t k;

	while ((k = __atomic_fetch_add(w->next, 1, __ATOMIC_RELAXED)) <
	       w->f->n) {
		json_error_t je;
		const char *e = w->s + w->f->a[k];
		size_t el = w->f->b[k] - w->f->a[k], tl = 0;
		char *t = NULL;
		/* not lifted (nothing to lift, no memory): as is */
		int r = w->lift ? lift_sketch(e, el, &w->lift[k], &t, &tl) : 0;

		w->el[k] = json_loadb(r == 1 ? t : e, r == 1 ? tl : el,
				      JSON_REJECT_DUPLICATES, &je);
		free(t);
	}
	return NULL;
}

/* Below this many bytes a baseline is parsed in one piece. */
#define PAR_MIN_BYTES (1u << 20)

/* The tree of s, the features' elements parsed on up to `threads`
 * threads; NULL if any part does not parse (then parse it whole). */
static json_t *load_par(const char *s, size_t len, unsigned threads,
			struct lifted **liftp, size_t *nlift)
{
	struct fspans f = {0};
	struct fparse w = {0};
	json_t *root = NULL, *feats, **el = NULL;
	char *rest = NULL;
	size_t next = 0, k, rlen;
	pthread_t tid[7];
	int started[7] = {0};
	unsigned t, nt = threads > 8 ? 8 : threads;
	json_error_t je;
	int ok = 1;
	struct lifted *lift = NULL;

	if (!feature_spans(s, len, &f) || !(el = calloc(f.n, sizeof(*el))) ||
	    !(rest = malloc(len)) ||
	    (liftp && !(lift = calloc(f.n, sizeof(*lift))))) {
		free(rest);
		free(f.a);
		free(f.b);
		free(el);
		return NULL;
	}
	w = (struct fparse){
		.s = s, .f = &f, .el = el, .lift = lift, .next = &next};
	for (t = 1; t < nt; t++)
		started[t - 1] = pthread_create(&tid[t - 1], NULL,
						fparse_worker, &w) == 0;
	/* the rest: everything but the elements */
	memcpy(rest, s, f.open + 1);
	memcpy(rest + f.open + 1, s + f.close, len - f.close);
	rlen = f.open + 1 + (len - f.close);
	root = json_loadb(rest, rlen, JSON_REJECT_DUPLICATES, &je);
	fparse_worker(&w);
	for (t = 1; t < nt; t++)
		if (started[t - 1])
			pthread_join(tid[t - 1], NULL);
	feats = root ? json_object_get(root, "features") : NULL;
	ok = json_is_array(feats) && json_array_size(feats) == 0;
	for (k = 0; k < f.n; k++) {
		if (ok && el[k])
			ok = json_array_append_new(feats, el[k]) == 0;
		else
			json_decref(el[k]);
		ok = ok && el[k];
	}
	if (!ok) {
		json_decref(root);
		root = NULL;
		lifted_free(lift, f.n);
		lift = NULL;
	}
	if (liftp) {
		*liftp = lift;
		*nlift = lift ? f.n : 0;
	}
	free(rest);
	free(el);
	free(f.a);
	free(f.b);
	return root;
}

static dm_err from_json(const char *json, size_t len, const char *name,
			dm_profile *p, dm_diag *diag, int nosketch,
			unsigned threads)
{
	json_error_t je;
	json_t *root = NULL;
	struct ctx c = {name, diag, nosketch, NULL, 0, 0};
	uint64_t ver, k = 0;
	dm_err err = DM_OK;

	dm_profile_init(p, NULL);
	/* one thread too: the sketches' arrays are lifted from the text;
	 * threads 0: jansson on the whole document (the tests' reference) */
	if (threads > 0 && len >= PAR_MIN_BYTES)
		root = load_par(json, len, threads, nosketch ? NULL : &c.lift,
				&c.nlift);
	if (!root)
		root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &je);
	if (!root) {
		err = dm_diag_set(diag, DM_EFORMAT, name, 0, NULL,
				  "not valid JSON (line %d, column %d: %s)",
				  je.line, je.column, je.text);
		goto out;
	}
	if ((err = parse_header(&c, root, &ver)) != DM_OK ||
	    (err = parse_settings(&c, root, p, &k)) != DM_OK ||
	    (err = parse_meta(&c, root, p)) != DM_OK ||
	    (err = parse_features(&c, root, p, ver, k)) != DM_OK ||
	    (err = parse_spec(&c, root, p)) != DM_OK)
		goto out;
	err = dmp_baseline_validate(p, name, diag);
	/* multivariate drift (optional; older baselines have none) */
	if (err == DM_OK && json_object_get(root, "multivariate"))
		err = parse_mv(&c, json_object_get(root, "multivariate"), p);
out:
	json_decref(root);
	lifted_free(c.lift, c.nlift);
	if (err != DM_OK)
		dm_profile_release(p);
	return err;
}
