/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Hour profiles (docs/hourly-profiles.md): one hour's current-mode
 * profile to and from JSON, and the merge of hours into a window.
 *
 * Design.  An hour profile is the profile detect would build for that
 * hour alone, against the baseline, so the window is dm_profile_merge of
 * its hours in order: counts, bins, categories (first-seen order kept),
 * schema findings and row accounts add up exactly as if the files had
 * been read one after the other.  The one lossy part is the sketch: a
 * live sketch cannot be written compactly, so an hour keeps at most
 * DM_HOUR_SKETCH_ITEMS weighted points per feature (every value while the
 * hour has no more), with its proven rank-error bound in weight.  The
 * window folds the points of its hours into at most k + k/2 points per
 * feature, whatever its length (see "the window" below; compressed to
 * fewer than k when more than k distinct values are held), and carries
 * the bounds, summed, into a frozen sketch: KS and quantiles stay within
 * the stated bound and are exact while the window holds at most k
 * values.
 *
 * A file read back is trusted only if it is whole and consistent: its
 * format and version, model, version, hour, and the fingerprint of the
 * baseline it was profiled against (feature names, types, bin edges,
 * reference categories) must match, and each feature's bins, points and
 * moments must add up to its count.
 */
#include <inttypes.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/jsonw.h"
#include "driftmon/hourprof.h"
#include "profile/hourprof_int.h"
#include "profile/hpcodec.h"
#include "profile/json_get.h"
#include "profile/mv_int.h"
#include "profile/profile_int.h"

#define FORMAT_NAME "driftmon-hour-profile"

static const struct hp_kind hour_kind = {
	FORMAT_NAME,	     DM_HOUR_PROFILE_FORMAT_VERSION, "hour",
	"hour profile",	     "not a driftmon hour profile",  0,
	DM_HOUR_SKETCH_ITEMS};

static void items_release(dm_hour_items *it)
{
	free(it->v);
	free(it->w);
	memset(it, 0, sizeof(*it));
}

static void items_free_all(dm_hour_items *items, size_t n)
{
	size_t i;

	for (i = 0; items && i < n; i++)
		items_release(&items[i]);
	free(items);
}

void dm_hour_profile_init(dm_hour_profile *hp, int64_t hour)
{
	memset(hp, 0, sizeof(*hp));
	hp->hour = hour;
	dm_profile_init(&hp->prof, NULL);
}

void dm_hour_profile_release(dm_hour_profile *hp)
{
	size_t i;

	if (!hp)
		return;
	for (i = 0; i < hp->nfiles; i++)
		free(hp->files[i].key);
	free(hp->files);
	free(hp->baseline_created_at);
	items_free_all(hp->items, hp->prof.nfeat);
	dm_profile_release(&hp->prof);
	memset(hp, 0, sizeof(*hp));
}

dm_err dm_hour_profile_add_file(dm_hour_profile *hp, const char *key,
				uint64_t size, dm_hour_file_state state)
{
	dm_hour_file *f = realloc(hp->files, (hp->nfiles + 1) * sizeof(*f));

	if (!f)
		return DM_ENOMEM;
	hp->files = f;
	f[hp->nfiles].key = strdup(key);
	if (!f[hp->nfiles].key)
		return DM_ENOMEM;
	f[hp->nfiles].size = size;
	f[hp->nfiles].state = state;
	hp->nfiles++;
	return DM_OK;
}

static int analysed_numeric(const dm_feature *f)
{
	return f->type == DM_FEATURE_NUMERIC && dm_role_analysed(f->role);
}

/* The sketch of f as at most max points; the sketch is freed. */
static dm_err sketch_to_items(dm_feature *f, size_t max, dm_hour_items *it)
{
	double added;
	dm_err err;

	memset(it, 0, sizeof(*it));
	if (!f->sketch)
		return DM_OK;
	err = dm_sketch_items(f->sketch, &it->v, &it->w, &it->n);
	if (err != DM_OK)
		return err;
	it->total = dm_sketch_count(f->sketch);
	it->err_w = dm_sketch_rank_error(f->sketch) * (double)it->total;
	added = dm_sketch_compress_items(it->v, it->w, &it->n, max);
	it->err_w += added * (double)it->total;
	dm_sketch_free(f->sketch);
	f->sketch = NULL;
	return DM_OK;
}

/* FNV-1a over bytes, continuing from h. */
static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *s = p;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= s[i];
		h *= 1099511628211ull;
	}
	return h;
}

/* What an hour profile depends on in the baseline: feature names and
 * types, roles, bin edges and reference categories (in order). */
static uint64_t fingerprint(const dm_profile *ref)
{
	uint64_t h = 1469598103934665603ull;
	size_t i, j;

	for (i = 0; i < ref->nfeat; i++) {
		const dm_feature *f = &ref->feat[i];
		int t = (int)f->type, r = (int)f->role;

		h = fnv(h, f->name, strlen(f->name) + 1);
		h = fnv(h, &t, sizeof(t));
		h = fnv(h, &r, sizeof(r));
		for (j = 0; analysed_numeric(f) && j < f->nedges; j++)
			h = fnv(h, &f->edges[j], sizeof(double));
		for (j = 0; f->type == DM_FEATURE_CATEGORICAL && j < f->ncats;
		     j++)
			h = fnv(h, f->cats[j].value,
				strlen(f->cats[j].value) + 1);
	}
	return h;
}

dm_err dm_hour_profile_take(dm_hour_profile *hp, dm_profile *cur,
			    const dm_profile *ref)
{
	return hp_take_max(hp, cur, ref, NULL);
}

dm_err hp_take_max(dm_hour_profile *hp, dm_profile *cur, const dm_profile *ref,
		   const size_t *max)
{
	size_t i;
	dm_err err;

	items_free_all(hp->items, hp->prof.nfeat);
	hp->items = NULL;
	dm_profile_release(&hp->prof);
	hp->prof = *cur;
	dm_profile_init(cur, NULL);
	free(hp->baseline_created_at);
	hp->baseline_created_at =
		strdup(ref->created_at ? ref->created_at : "");
	if (!hp->baseline_created_at)
		return DM_ENOMEM;
	hp->baseline_fingerprint = fingerprint(ref);
	if (hp->prof.nfeat == 0)
		return DM_OK;
	hp->items = calloc(hp->prof.nfeat, sizeof(*hp->items));
	if (!hp->items)
		return DM_ENOMEM;
	for (i = 0; i < hp->prof.nfeat; i++)
		if (analysed_numeric(&hp->prof.feat[i]) &&
		    (err = sketch_to_items(&hp->prof.feat[i],
					   max ? max[i] : DM_HOUR_SKETCH_ITEMS,
					   &hp->items[i])) != DM_OK)
			return err;
	return DM_OK;
}

void hp_hour_iso(int64_t hour, char *buf, size_t n)
{
	time_t t = (time_t)hour;
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, n, "%Y-%m-%dT%H:00:00Z", &tm);
}

/* ---- writing ---------------------------------------------------------- */

static const char *const state_names[] = {"read", "empty", "unreadable"};

static void write_num_or_null(jw *w, const char *k, double x, int have)
{
	jw_key(w, k);
	if (have && isfinite(x))
		jw_num(w, x);
	else
		jw_null(w);
}

/* "k": the encoded points b64 (freed), or the encoder's failure */
static void write_b64(jw *w, const char *k, int rc, char *b64)
{
	if (rc != 0) {
		w->err = DM_ENOMEM;
		return;
	}
	jw_key(w, k);
	jw_str(w, b64);
	free(b64);
}

static void write_numeric(jw *w, const dm_feature *f, const dm_hour_items *it)
{
	char *b64 = NULL;
	size_t i, len = 0;
	int all_one = 1, rc;

	jw_key(w, "moments");
	jw_obj(w);
	jw_key(w, "n");
	jw_u64(w, f->mom.n);
	write_num_or_null(w, "mean", f->mom.mean, f->mom.n > 0);
	write_num_or_null(w, "m2", f->mom.m2, f->mom.n > 0);
	write_num_or_null(w, "min", f->mom.min, f->mom.n > 0);
	write_num_or_null(w, "max", f->mom.max, f->mom.n > 0);
	jw_obj_end(w);
	jw_key(w, "bins");
	jw_arr(w);
	for (i = 0; f->bins && i <= f->nedges; i++)
		jw_u64(w, f->bins[i]);
	jw_arr_end(w);
	jw_key(w, "sketch");
	jw_obj(w);
	jw_key(w, "error_weight");
	jw_num(w, it->err_w);
	jw_key(w, "n");
	jw_u64(w, it->n);
	for (i = 0; i < it->n; i++)
		all_one &= it->w[i] == 1;
	rc = hpc_values_encode(it->v, it->n, &b64, &len);
	write_b64(w, "values", rc, b64);
	if (!all_one) {
		rc = hpc_weights_encode(it->w, it->n, &b64, &len);
		write_b64(w, "weights", rc, b64);
	}
	jw_obj_end(w);
}

static void write_feature(jw *w, const dm_feature *f, const dm_hour_items *it)
{
	size_t j;

	jw_obj(w);
	jw_key(w, "name");
	jw_str(w, f->name);
	jw_key(w, "present");
	jw_bool(w, f->present);
	jw_key(w, "count");
	jw_u64(w, f->count);
	jw_key(w, "missing");
	jw_u64(w, f->missing);
	jw_key(w, "invalid");
	jw_u64(w, f->invalid);
	if (f->invalid) {
		jw_key(w, "invalid_example");
		jw_str(w, f->invalid_example);
	}
	jw_key(w, "schema_bad");
	jw_u64(w, f->schema_bad);
	if (f->schema_bad) {
		jw_key(w, "schema_bad_example");
		jw_str(w, f->schema_bad_example);
	}
	jw_key(w, "missing_marker_counts");
	jw_arr(w);
	for (j = 0; j < f->nna; j++)
		jw_u64(w, f->na_counts[j]);
	jw_arr_end(w);
	if (!dm_role_analysed(f->role)) {
		/* only its presence is looked at */
	} else if (f->type == DM_FEATURE_NUMERIC) {
		write_numeric(w, f, it);
	} else {
		jw_key(w, "unseen");
		jw_u64(w, f->unseen);
		jw_key(w, "other");
		jw_u64(w, f->other);
		pj_put_categories(w, f);
	}
	jw_obj_end(w);
}

static void write_rows(jw *w, const dm_profile *p)
{
	size_t i;

	jw_key(w, "rows");
	jw_u64(w, p->rows);
	jw_key(w, "rows_skipped");
	jw_u64(w, p->rows_skipped);
	jw_key(w, "rows_filtered");
	jw_u64(w, p->rows_filtered);
	jw_key(w, "rows_other_model");
	jw_u64(w, p->rows_other_model);
	jw_key(w, "rows_other_version");
	jw_u64(w, p->rows_other_version);
	jw_key(w, "other_model_example");
	jw_str(w, p->other_model_example);
	jw_key(w, "other_version_example");
	jw_str(w, p->other_version_example);
	jw_key(w, "extra_columns");
	jw_arr(w);
	for (i = 0; i < p->nextra; i++) {
		jw_obj(w);
		jw_key(w, "name");
		jw_str(w, p->extra_columns[i]);
		jw_key(w, "prediction");
		jw_bool(w, p->extra_prediction[i]);
		jw_obj_end(w);
	}
	jw_arr_end(w);
}

static void write_mv(jw *w, const dm_multivariate *m)
{
	size_t i;

	jw_key(w, "multivariate");
	jw_obj(w);
	jw_key(w, "columns");
	jw_arr(w);
	for (i = 0; i < m->d; i++)
		jw_str(w, m->columns[i]);
	jw_arr_end(w);
	jw_key(w, "rows");
	jw_u64(w, m->rows_used);
	jw_key(w, "rows_skipped");
	jw_u64(w, m->rows_skipped);
	jw_key(w, "error_sum");
	jw_num(w, m->err_sum);
	jw_key(w, "error_sumsq");
	jw_num(w, m->err_sumsq);
	jw_obj_end(w);
}

dm_err hp_json_write(const dm_hour_profile *hp, const char *model,
		     const char *version, const struct hp_kind *kind,
		     hp_extra_write extra, const void *ectx, char **out,
		     size_t *len)
{
	const dm_profile *p = &hp->prof;
	char iso[32], fp[24];
	size_t i;
	jw w;

	hp_hour_iso(hp->hour, iso, sizeof(iso));
	jw_init(&w, 0, 0);
	jw_obj(&w);
	jw_key(&w, "format");
	jw_str(&w, kind->format);
	jw_key(&w, "format_version");
	jw_u64(&w, kind->version);
	jw_key(&w, "model");
	jw_str(&w, model);
	jw_key(&w, "model_version");
	jw_str(&w, version);
	jw_key(&w, kind->time_key);
	jw_str(&w, iso);
	jw_key(&w, "baseline_created_at");
	jw_str(&w, hp->baseline_created_at ? hp->baseline_created_at : "");
	jw_key(&w, "files");
	jw_arr(&w);
	for (i = 0; i < hp->nfiles; i++) {
		jw_obj(&w);
		jw_key(&w, "key");
		jw_str(&w, hp->files[i].key);
		jw_key(&w, "size");
		jw_u64(&w, hp->files[i].size);
		jw_key(&w, "state");
		jw_str(&w, state_names[hp->files[i].state]);
		jw_obj_end(&w);
	}
	jw_arr_end(&w);
	jw_key(&w, "first_unreadable");
	jw_str(&w, hp->first_unreadable);
	jw_key(&w, "profile");
	jw_obj(&w);
	jw_key(&w, "sketch_k");
	jw_u64(&w, p->sketch_k);
	write_rows(&w, p);
	jw_key(&w, "features");
	jw_arr(&w);
	for (i = 0; i < p->nfeat; i++)
		write_feature(&w, &p->feat[i], &hp->items[i]);
	jw_arr_end(&w);
	if (p->mv)
		write_mv(&w, p->mv);
	jw_obj_end(&w);
	if (extra)
		extra(&w, ectx);
	jw_key(&w, "baseline_fingerprint");
	snprintf(fp, sizeof(fp), "%016" PRIx64, hp->baseline_fingerprint);
	jw_str(&w, fp);
	jw_obj_end(&w);
	return jw_finish(&w, out, len);
}

dm_err dm_hour_profile_to_json(const dm_hour_profile *hp, const char *model,
			       const char *version, char **out, size_t *len)
{
	return hp_json_write(hp, model, version, &hour_kind, NULL, NULL, out,
			     len);
}

/* ---- reading ---------------------------------------------------------- */

struct ctx {
	const char *name;
	const struct hp_kind *kind;
	dm_diag *diag;
	uint64_t version; /* the file's format_version (1 or 2) */
	hpc_blobs *blobs; /* the encoded sketches lifted out of the text */
};

static dm_err bad(struct ctx *c, const char *field, const char *why)
{
	return dm_diag_set(c->diag, DM_EFORMAT, c->name, 0, NULL,
			   "%s field '%s': %s", c->kind->noun, field, why);
}

static int get_str(json_t *o, const char *k, char *buf, size_t n)
{
	json_t *v = json_object_get(o, k);

	if (!json_is_string(v) || json_string_length(v) >= n)
		return -1;
	memcpy(buf, json_string_value(v), json_string_length(v) + 1);
	return 0;
}

static dm_err parse_files(struct ctx *c, json_t *root, dm_hour_profile *hp)
{
	json_t *files = json_object_get(root, "files"), *jf;
	size_t i;
	dm_err err;

	if (!json_is_array(files))
		return bad(c, "files", "must be an array");
	json_array_foreach(files, i, jf)
	{
		const char *key = json_string_value(json_object_get(jf, "key"));
		const char *st =
			json_string_value(json_object_get(jf, "state"));
		uint64_t size;
		int s;

		for (s = 0; st && s < 3 && strcmp(st, state_names[s]); s++)
			;
		if (!key || !st || s == 3 || pj_get_u64(jf, "size", &size))
			return bad(c, "files",
				   "each needs a key, a size and a "
				   "state (read, empty, "
				   "unreadable)");
		err = dm_hour_profile_add_file(hp, key, size,
					       (dm_hour_file_state)s);
		if (err != DM_OK)
			return err;
	}
	if (get_str(root, "first_unreadable", hp->first_unreadable,
		    sizeof(hp->first_unreadable)))
		return bad(c, "first_unreadable", "must be a short string");
	return DM_OK;
}

static dm_err parse_rows(struct ctx *c, json_t *jp, dm_profile *p)
{
	json_t *ex = json_object_get(jp, "extra_columns"), *x;
	size_t i;

	if (pj_get_u64(jp, "rows", &p->rows) ||
	    pj_get_u64(jp, "rows_skipped", &p->rows_skipped) ||
	    pj_get_u64(jp, "rows_filtered", &p->rows_filtered) ||
	    pj_get_u64(jp, "rows_other_model", &p->rows_other_model) ||
	    pj_get_u64(jp, "rows_other_version", &p->rows_other_version) ||
	    get_str(jp, "other_model_example", p->other_model_example,
		    sizeof(p->other_model_example)) ||
	    get_str(jp, "other_version_example", p->other_version_example,
		    sizeof(p->other_version_example)))
		return bad(c, "profile.rows",
			   "row counts and examples are "
			   "missing or malformed");
	if (!json_is_array(ex))
		return bad(c, "profile.extra_columns", "must be an array");
	p->extra_columns = calloc(json_array_size(ex) + 1, sizeof(char *));
	p->extra_prediction = calloc(json_array_size(ex) + 1, 1);
	if (!p->extra_columns || !p->extra_prediction)
		return DM_ENOMEM;
	json_array_foreach(ex, i, x)
	{
		const char *n = json_string_value(json_object_get(x, "name"));
		json_t *pr = json_object_get(x, "prediction");

		if (!n || !json_is_boolean(pr))
			return bad(c, "profile.extra_columns",
				   "each needs a name and 'prediction'");
		if (!(p->extra_columns[i] = strdup(n)))
			return DM_ENOMEM;
		p->extra_prediction[i] = json_is_true(pr);
		p->nextra = i + 1;
	}
	return DM_OK;
}

/* Sorted finite values with positive weights (their sum into total). */
static int items_ok(dm_hour_items *it)
{
	size_t i;

	for (i = 0; i < it->n; i++) {
		if (!isfinite(it->v[i]) || (i > 0 && it->v[i] < it->v[i - 1]) ||
		    it->w[i] == 0)
			return 0;
		it->total += it->w[i];
	}
	return 1;
}

/* format_version 1: "values" and "weights" as JSON arrays. */
static dm_err parse_sketch_v1(struct ctx *c, json_t *sk, const char *path,
			      dm_hour_items *it)
{
	json_t *vals = json_object_get(sk, "values");
	json_t *wts = json_object_get(sk, "weights");
	size_t i, n;

	if (!json_is_array(vals) || (wts && !json_is_array(wts)) ||
	    (wts && json_array_size(wts) != json_array_size(vals)))
		return bad(c, path,
			   "sketch needs 'values' (and 'weights' of "
			   "the same length) and 'error_weight'");
	n = json_array_size(vals);
	it->v = malloc((n + 1) * sizeof(double));
	it->w = malloc((n + 1) * sizeof(uint64_t));
	if (!it->v || !it->w)
		return DM_ENOMEM;
	for (i = 0; i < n; i++) {
		json_t *x = json_array_get(vals, i);
		json_t *y = wts ? json_array_get(wts, i) : NULL;

		if (!json_is_number(x) || (wts && (!json_is_integer(y) ||
						   json_integer_value(y) <= 0)))
			return bad(c, path,
				   "sketch values must be sorted "
				   "finite numbers with positive "
				   "integer weights");
		it->v[i] = json_number_value(x);
		it->w[i] = wts ? (uint64_t)json_integer_value(y) : 1;
	}
	it->n = n;
	return DM_OK;
}

/* format_version 2: "n" points, "values" and "weights" encoded
 * (hpcodec.h). */
static dm_err parse_sketch_v2(struct ctx *c, json_t *sk, const char *path,
			      dm_hour_items *it)
{
	json_t *vals = json_object_get(sk, "values");
	json_t *wts = json_object_get(sk, "weights");
	const char *why = NULL, *vt, *wt = NULL;
	char msg[160];
	uint64_t n;
	size_t i, vl, wl = 0;
	int rc;

	if (pj_get_u64(sk, "n", &n) || n > c->kind->max_items ||
	    !json_is_string(vals) || (wts && !json_is_string(wts)))
		return bad(c, path,
			   "sketch needs 'n' (at most 1024), 'values' "
			   "(and 'weights') as base64 strings and "
			   "'error_weight'");
	it->v = malloc((n + 1) * sizeof(double));
	it->w = malloc((n + 1) * sizeof(uint64_t));
	if (!it->v || !it->w)
		return DM_ENOMEM;
	if (hpc_blob_take(c->blobs, json_string_value(vals),
			  json_string_length(vals), &vt, &vl) ||
	    (wts && hpc_blob_take(c->blobs, json_string_value(wts),
				  json_string_length(wts), &wt, &wl)))
		return bad(c, path, "sketch: not an encoded sketch");
	rc = hpc_values_decode(vt, vl, n, it->v, &why);
	if (rc == 0 && wts)
		rc = hpc_weights_decode(wt, wl, n, it->w, &why);
	for (i = 0; rc == 0 && !wts && i < n; i++)
		it->w[i] = 1;
	if (rc == -2)
		return DM_ENOMEM;
	if (rc != 0) {
		snprintf(msg, sizeof(msg), "sketch: %s", why);
		return bad(c, path, msg);
	}
	it->n = n;
	return DM_OK;
}

static dm_err parse_sketch(struct ctx *c, json_t *sk, const char *path,
			   dm_hour_items *it)
{
	dm_err err;

	if (!json_is_object(sk) ||
	    pj_get_num(sk, "error_weight", NAN, &it->err_w) ||
	    !(it->err_w >= 0))
		return bad(c, path,
			   "sketch needs 'values' (and 'weights') and "
			   "'error_weight'");
	err = c->version == 1 ? parse_sketch_v1(c, sk, path, it)
			      : parse_sketch_v2(c, sk, path, it);
	if (err == DM_OK && !items_ok(it))
		return bad(c, path,
			   "sketch values must be sorted finite numbers "
			   "with positive integer weights");
	return err;
}

static dm_err parse_numeric(struct ctx *c, json_t *jf, const char *path,
			    dm_feature *f, dm_hour_items *it)
{
	json_t *mom = json_object_get(jf, "moments");
	json_t *bins = json_object_get(jf, "bins");
	uint64_t sum = 0;
	double mean, m2, mn, mx;
	size_t j;
	dm_err err;

	if (pj_get_u64(mom, "n", &f->mom.n) ||
	    pj_get_num(mom, "mean", NAN, &mean) ||
	    pj_get_num(mom, "m2", NAN, &m2) ||
	    pj_get_num(mom, "min", NAN, &mn) ||
	    pj_get_num(mom, "max", NAN, &mx))
		return bad(c, path, "moments need n, mean, m2, min and max");
	if (f->mom.n) {
		f->mom.mean = mean;
		f->mom.m2 = m2;
		f->mom.min = mn;
		f->mom.max = mx;
	}
	if (!json_is_array(bins) || json_array_size(bins) != f->nedges + 1)
		return bad(c, path, "needs one bin count per baseline bin");
	for (j = 0; j <= f->nedges; j++) {
		json_t *x = json_array_get(bins, j);

		if (!json_is_integer(x) || json_integer_value(x) < 0)
			return bad(c, path,
				   "bin counts must be non-negative "
				   "integers");
		f->bins[j] = (uint64_t)json_integer_value(x);
		sum += f->bins[j];
	}
	if ((err = parse_sketch(c, json_object_get(jf, "sketch"), path, it)))
		return err;
	if (sum != f->count || f->mom.n != f->count || it->total != f->count ||
	    (f->count && !(f->mom.min <= f->mom.max &&
			   (f->mom.m2 >= 0 || pf_moments_overflowed(&f->mom)))))
		return bad(c, path,
			   "bins, moments and sketch do not add up "
			   "to its count");
	dm_sketch_free(f->sketch);
	f->sketch = NULL;
	return DM_OK;
}

static dm_err parse_categorical(struct ctx *c, json_t *jf, const char *path,
				dm_feature *f)
{
	json_t *cats = json_object_get(jf, "categories"), *x;
	uint64_t sum = 0;
	size_t j;

	if (pj_get_u64(jf, "unseen", &f->unseen) ||
	    pj_get_u64(jf, "other", &f->other) || !json_is_array(cats) ||
	    json_array_size(cats) > DM_MAX_CATEGORIES)
		return bad(c, path,
			   "needs 'unseen', 'other' and at most "
			   "1024 'categories'");
	json_array_foreach(cats, j, x)
	{
		json_t *v = json_array_get(x, 0), *n = json_array_get(x, 1);

		if (json_array_size(x) != 2 || !json_is_string(v) ||
		    !json_is_integer(n) || json_integer_value(n) < 0)
			return bad(c, path, "each category is [value, count]");
		if (j < f->ncats &&
		    strcmp(f->cats[j].value, json_string_value(v)) != 0)
			return bad(c, path,
				   "categories are not in the "
				   "baseline's order");
		if (pf_cat_add(f, json_string_value(v),
			       (uint64_t)json_integer_value(n)) < 0)
			return DM_ENOMEM;
		sum += (uint64_t)json_integer_value(n);
	}
	if (f->ncats != json_array_size(cats) || sum + f->other > f->count)
		return bad(c, path, "category counts do not add up");
	return DM_OK;
}

static dm_err parse_feature(struct ctx *c, json_t *jf, size_t i, dm_feature *f,
			    dm_hour_items *it)
{
	json_t *na = json_object_get(jf, "missing_marker_counts");
	const char *name = json_string_value(json_object_get(jf, "name"));
	char path[200];
	size_t j;

	snprintf(path, sizeof(path), "profile.features[%zu]", i);
	if (!name || strcmp(name, f->name) != 0)
		return dm_diag_set(c->diag, DM_ESCHEMA, c->name, 0, NULL,
				   "hour profile field '%s': not the "
				   "baseline's feature '%.100s'",
				   path, f->name);
	if (!json_is_boolean(json_object_get(jf, "present")) ||
	    pj_get_u64(jf, "count", &f->count) ||
	    pj_get_u64(jf, "missing", &f->missing) ||
	    pj_get_u64(jf, "invalid", &f->invalid) ||
	    pj_get_u64(jf, "schema_bad", &f->schema_bad) ||
	    (f->invalid && get_str(jf, "invalid_example", f->invalid_example,
				   sizeof(f->invalid_example))) ||
	    (f->schema_bad &&
	     get_str(jf, "schema_bad_example", f->schema_bad_example,
		     sizeof(f->schema_bad_example))) ||
	    !json_is_array(na) || json_array_size(na) != f->nna)
		return bad(c, path,
			   "needs present, count, missing, invalid, "
			   "schema_bad and one missing-marker count "
			   "per baseline marker");
	f->present = json_is_true(json_object_get(jf, "present"));
	for (j = 0; j < f->nna; j++) {
		json_t *x = json_array_get(na, j);

		if (!json_is_integer(x) || json_integer_value(x) < 0)
			return bad(c, path,
				   "missing-marker counts must be "
				   "non-negative integers");
		f->na_counts[j] = (uint64_t)json_integer_value(x);
	}
	if (!dm_role_analysed(f->role))
		return DM_OK;
	if (f->type == DM_FEATURE_NUMERIC)
		return parse_numeric(c, jf, path, f, it);
	return parse_categorical(c, jf, path, f);
}

static dm_err parse_mv(struct ctx *c, json_t *jm, dm_profile *p)
{
	json_t *cols = json_object_get(jm, "columns");
	dm_multivariate *m = p->mv;
	size_t i;

	if (!m || !json_is_array(cols) || json_array_size(cols) != m->d)
		return bad(c, "profile.multivariate",
			   "does not match the baseline's columns");
	for (i = 0; i < m->d; i++)
		if (!json_is_string(json_array_get(cols, i)) ||
		    strcmp(json_string_value(json_array_get(cols, i)),
			   m->columns[i]) != 0)
			return bad(c, "profile.multivariate.columns",
				   "not the baseline's columns");
	if (pj_get_u64(jm, "rows", &m->rows_used) ||
	    pj_get_u64(jm, "rows_skipped", &m->rows_skipped) ||
	    pj_get_num(jm, "error_sum", NAN, &m->err_sum) ||
	    isnan(m->err_sum) ||
	    pj_get_num(jm, "error_sumsq", NAN, &m->err_sumsq) ||
	    isnan(m->err_sumsq))
		return bad(c, "profile.multivariate",
			   "needs rows, rows_skipped, error_sum and "
			   "error_sumsq");
	return DM_OK;
}

static dm_err parse_profile(struct ctx *c, json_t *jp, const dm_profile *ref,
			    dm_hour_profile *hp)
{
	json_t *feats = json_object_get(jp, "features"), *jf;
	dm_profile *p = &hp->prof;
	size_t i;
	dm_err err;

	if (!json_is_object(jp) || !json_is_array(feats))
		return bad(c, "profile", "needs a 'features' array");
	if (json_array_size(feats) == 0) {
		/* an hour whose files held no rows */
		if ((err = parse_rows(c, jp, p)) != DM_OK)
			return err;
		if (p->rows || p->rows_filtered)
			return bad(c, "profile.features", "empty with rows");
		return DM_OK;
	}
	if ((err = dmp_profile_from_reference(p, ref)) != DM_OK)
		return err;
	if (json_array_size(feats) != p->nfeat)
		return dm_diag_set(c->diag, DM_ESCHEMA, c->name, 0, NULL,
				   "hour profile has %zu features, the "
				   "baseline %zu",
				   json_array_size(feats), p->nfeat);
	hp->items = calloc(p->nfeat, sizeof(*hp->items));
	if (!hp->items)
		return DM_ENOMEM;
	if ((err = parse_rows(c, jp, p)) != DM_OK)
		return err;
	json_array_foreach(feats, i,
			   jf) if ((err = parse_feature(c, jf, i, &p->feat[i],
							&hp->items[i])) !=
				   DM_OK) return err;
	if (json_object_get(jp, "multivariate"))
		return parse_mv(c, json_object_get(jp, "multivariate"), p);
	if (p->mv)
		return bad(c, "profile.multivariate", "missing");
	return DM_OK;
}

/* The header: format, version, and whose hour it is. */
static dm_err check_header(struct ctx *c, json_t *root, const char *model,
			   const char *version, int64_t hour,
			   const dm_profile *ref)
{
	const char *s = json_string_value(json_object_get(root, "format"));
	char iso[32];
	uint64_t ver;

	if (!s || strcmp(s, c->kind->format) != 0)
		return bad(c, "format", c->kind->badfmt);
	if (pj_get_u64(root, "format_version", &ver))
		return bad(c, "format_version", "missing or not an integer");
	if (ver < 1 || ver > c->kind->version)
		return dm_diag_set(c->diag, DM_EVERSION, c->name, 0, NULL,
				   "%s format_version %llu is not "
				   "supported (this driftmon reads versions "
				   "1 to %u)",
				   c->kind->noun, (unsigned long long)ver,
				   c->kind->version);
	c->version = c->kind->sketch_version ? (uint64_t)c->kind->sketch_version
					     : ver;
	hp_hour_iso(hour, iso, sizeof(iso));
	s = json_string_value(json_object_get(root, "baseline_created_at"));
	if (!json_is_string(json_object_get(root, "model")) ||
	    strcmp(json_string_value(json_object_get(root, "model")), model) !=
		    0 ||
	    !json_is_string(json_object_get(root, "model_version")) ||
	    strcmp(json_string_value(json_object_get(root, "model_version")),
		   version) != 0 ||
	    !json_is_string(json_object_get(root, c->kind->time_key)) ||
	    strcmp(json_string_value(json_object_get(root, c->kind->time_key)),
		   iso) != 0)
		return dm_diag_set(c->diag, DM_ESCHEMA, c->name, 0, NULL,
				   "%s is not of %.100s %.100s at "
				   "%s",
				   c->kind->noun, model, version, iso);
	if (!s || strcmp(s, ref->created_at ? ref->created_at : "") != 0)
		return dm_diag_set(c->diag, DM_ESCHEMA, c->name, 0, NULL,
				   "%s was made against another "
				   "baseline (created %.40s)",
				   c->kind->noun, s ? s : "?");
	return DM_OK;
}

dm_err hp_json_read(const char *json, size_t len, const char *name,
		    const char *model, const char *version, int64_t hour,
		    const dm_profile *ref, const struct hp_kind *kind,
		    hp_extra_read extra, void *ectx, dm_hour_profile *hp,
		    dm_diag *diag)
{
	struct ctx c = {name, kind, diag, 0, NULL};
	hpc_blobs blobs;
	json_error_t je;
	json_t *root;
	char fp[24], *lifted = NULL;
	size_t llen = 0, i;
	dm_err err;
	int rc;

	dm_hour_profile_init(hp, hour);
	/* the encoded sketches are checked by their own decoder; the JSON
	 * parser reads the rest (the original text if lifting fails) */
	rc = hpc_blobs_lift(json, len, &lifted, &llen, &blobs);
	if (rc == -2)
		return dm_diag_set(diag, DM_ENOMEM, name, 0, NULL,
				   "out of memory");
	c.blobs = &blobs;
	root = rc == 0 ? json_loadb(lifted, llen, JSON_REJECT_DUPLICATES, &je)
		       : NULL;
	free(lifted);
	if (!root) {
		/* the error as positioned in the file itself */
		hpc_blobs_release(&blobs);
		root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &je);
	}
	if (!root) {
		hpc_blobs_release(&blobs);
		return dm_diag_set(diag, DM_EFORMAT, name, 0, NULL,
				   "not valid JSON (line %d, column %d: %s)",
				   je.line, je.column, je.text);
	}
	err = json_is_object(root)
		      ? check_header(&c, root, model, version, hour, ref)
		      : bad(&c, "format", kind->badfmt);
	if (err == DM_OK) {
		const char *s = json_string_value(
			json_object_get(root, "baseline_created_at"));

		hp->baseline_created_at = strdup(s);
		err = hp->baseline_created_at ? DM_OK : DM_ENOMEM;
	}
	if (err == DM_OK)
		err = parse_files(&c, root, hp);
	if (err == DM_OK)
		err = parse_profile(&c, json_object_get(root, "profile"), ref,
				    hp);
	if (err == DM_OK) {
		hp->baseline_fingerprint = fingerprint(ref);
		snprintf(fp, sizeof(fp), "%016" PRIx64,
			 hp->baseline_fingerprint);
		if (!json_is_string(
			    json_object_get(root, "baseline_fingerprint")) ||
		    strcmp(json_string_value(json_object_get(
				   root, "baseline_fingerprint")),
			   fp) != 0)
			err = dm_diag_set(diag, DM_ESCHEMA, name, 0, NULL,
					  "%s was made against "
					  "another baseline (fingerprint)",
					  kind->noun);
	}
	if (err == DM_OK && extra)
		err = extra(root, ectx, name, diag);
	for (i = 0; err == DM_OK && i < blobs.n; i++)
		if (!blobs.taken[i])
			err = bad(&c, "profile.features",
				  "an encoded 'values' or 'weights' is not in "
				  "a numeric feature's sketch");
	json_decref(root);
	hpc_blobs_release(&blobs);
	if (err != DM_OK)
		dm_hour_profile_release(hp);
	return err;
}

dm_err dm_hour_profile_from_json(const char *json, size_t len, const char *name,
				 const char *model, const char *version,
				 int64_t hour, const dm_profile *ref,
				 dm_hour_profile *hp, dm_diag *diag)
{
	return hp_json_read(json, len, name, model, version, hour, ref,
			    &hour_kind, NULL, NULL, hp, diag);
}

int dm_hour_profile_covers(const dm_hour_profile *hp, char *const *keys,
			   size_t n)
{
	size_t i, j;

	if (n != hp->nfiles)
		return 0;
	for (i = 0; i < n; i++) {
		for (j = 0; j < hp->nfiles; j++)
			if (strcmp(keys[i], hp->files[j].key) == 0)
				break;
		if (j == hp->nfiles)
			return 0;
	}
	return 1;
}

/* ---- the window ------------------------------------------------------- */

/*
 * One feature's points over the hours merged so far, in memory bounded by
 * k + k/2 points however many hours the window has:
 *
 *   acc   the points of the hours already folded in: sorted, equal values
 *         merged, at most k of them;
 *   pend  the points of the hours since, at most k/2, as a stack of sorted
 *         runs (one per hour, merged like a binary counter while the top
 *         run is at least as long as the one below it).
 *
 * When an hour's points would take pend past k/2 (and when the window
 * ends), pend is folded into acc: one merge of the two sorted runs into
 * the window's scratch, equal values merged, and only if that leaves more
 * than k points, one compression to fewer than k (greedy groups of
 * adjacent points of weight at most limit = ceil(2 T / (k - 1)), each
 * replaced by its weighted median carrying the group's weight, T the
 * weight of all the points).  A group so replaced moves the weight
 * counted at or below any x by at most floor(limit / 2), so each fold
 * adds at most that to the bound; a window of W points in all folds
 * about W / (k/2) times.  While the window has at most k distinct values
 * nothing is compressed and the result is exact.
 */
struct pt {
	double v;
	uint64_t w;
};

#define MAX_PEND_RUNS 64

struct feat_pts {
	struct pt *acc, *pend;
	size_t nacc, capacc, npend, cappend;
	size_t run[MAX_PEND_RUNS]; /* start of each pending run */
	size_t nrun;
	uint64_t total; /* weight of acc and pend */
	double err_w;	/* their rank-error bound, in weight */
};

struct dm_item_runs {
	struct feat_pts *f;
	size_t nfeat, k;
	struct pt *scratch; /* merges, at most k + k/2 points */
	size_t capscratch;
};

static void feat_pts_release(struct feat_pts *f)
{
	free(f->acc);
	free(f->pend);
	memset(f, 0, sizeof(*f));
}

static void runs_free_all(struct dm_item_runs *r)
{
	size_t i;

	if (!r)
		return;
	for (i = 0; i < r->nfeat; i++)
		feat_pts_release(&r->f[i]);
	free(r->f);
	free(r->scratch);
	free(r);
}

void dm_window_acc_init(dm_window_acc *w)
{
	memset(w, 0, sizeof(*w));
	dm_profile_init(&w->prof, NULL);
}

void dm_window_acc_release(dm_window_acc *w)
{
	if (!w)
		return;
	runs_free_all(w->runs);
	dm_profile_release(&w->prof);
	memset(w, 0, sizeof(*w));
}

/* *p with room for need points: grown by half again, but not past most
 * (the most it will need) unless need is more. */
static int reserve_pts(struct pt **p, size_t *cap, size_t need, size_t most)
{
	struct pt *np;
	size_t c;

	if (need <= *cap)
		return 0;
	c = *cap + *cap / 2;
	if (c > most)
		c = most;
	if (c < need)
		c = need;
	np = realloc(*p, c * sizeof(*np));
	if (!np)
		return -1;
	*p = np;
	*cap = c;
	return 0;
}

/*
 * The sorted merge of a[0..na) and b[0..nb) into o (stable: a first on
 * ties), from both ends at once: min(na, nb) steps take the smallest
 * points from the front and as many of the largest from the back (two
 * independent chains of comparisons, each choosing without a branch;
 * neither can run past the end of a run in that many steps, and they
 * walk the same order from its two ends, so they meet no point twice),
 * then the |na - nb| points left in the middle are merged with bounds.
 */
static void merge2(const struct pt *a, size_t na, const struct pt *b, size_t nb,
		   struct pt *o)
{
	size_t i = 0, j = 0, ea = na, eb = nb, lo = 0, hi = na + nb, s;
	size_t t = na < nb ? na : nb;

	for (s = 0; s < t; s++) {
		int fa = a[i].v <= b[j].v, ta = a[ea - 1].v > b[eb - 1].v;

		o[lo++] = *(fa ? &a[i] : &b[j]);
		i += (size_t)fa;
		j += (size_t)!fa;
		o[--hi] = *(ta ? &a[ea - 1] : &b[eb - 1]);
		ea -= (size_t)ta;
		eb -= (size_t)!ta;
	}
	while (i < ea && j < eb) {
		int fa = a[i].v <= b[j].v;

		o[lo++] = *(fa ? &a[i] : &b[j]);
		i += (size_t)fa;
		j += (size_t)!fa;
	}
	if (i < ea)
		memcpy(o + lo, a + i, (ea - i) * sizeof(*o));
	else if (j < eb)
		memcpy(o + lo, b + j, (eb - j) * sizeof(*o));
}

/* The top two pending runs merged into one (through the scratch). */
static void pend_merge_top(struct feat_pts *f, struct pt *s)
{
	size_t a0 = f->run[f->nrun - 2], b0 = f->run[f->nrun - 1];

	merge2(f->pend + a0, b0 - a0, f->pend + b0, f->npend - b0, s);
	memcpy(f->pend + a0, s, (f->npend - a0) * sizeof(*s));
	f->nrun--;
}

/* p[0..n) as greedy groups of adjacent points of weight at most limit
 * (a point heavier than limit stays alone), each replaced by its
 * weighted median with the group's weight, into o (which may be p):
 * fewer than max points (two neighbouring groups weigh more than limit
 * together), and the weight at or below any x moves by at most
 * floor(limit / 2), which is returned with the points written in *on. */
static double pts_compress(const struct pt *p, size_t n, struct pt *o,
			   size_t *on, size_t max, uint64_t total)
{
	double l = ceil(2.0 * (double)total / (double)(max - 1));
	uint64_t limit = l < 1 ? 1 : (uint64_t)l;
	size_t start = 0, m = 0;

	while (start < n) {
		size_t end = start + 1, j;
		uint64_t gw = p[start].w, half, acc = 0;

		while (end < n && gw + p[end].w <= limit)
			gw += p[end++].w;
		half = (gw + 1) / 2;
		for (j = start; j < end; j++) {
			acc += p[j].w;
			if (acc >= half)
				break;
		}
		o[m].v = p[j].v;
		o[m++].w = gw;
		start = end;
	}
	*on = m;
	return (double)(limit / 2);
}

/* Equal values of the sorted p[0..n) merged (lossless): the points
 * left. */
static size_t dedup_pts(struct pt *p, size_t n)
{
	size_t i, m = n ? 1 : 0;

	for (i = 1; i < n; i++) {
		if (p[i].v == p[m - 1].v)
			p[m - 1].w += p[i].w;
		else
			p[m++] = p[i];
	}
	return m;
}

/* pend folded into acc (see above). */
static dm_err fold(struct dm_item_runs *r, struct feat_pts *f)
{
	struct pt *s = r->scratch;
	size_t m;

	if (f->nrun == 0)
		return DM_OK;
	while (f->nrun > 1)
		pend_merge_top(f, s);
	merge2(f->acc, f->nacc, f->pend, f->npend, s);
	m = dedup_pts(s, f->nacc + f->npend);
	f->npend = 0;
	f->nrun = 0;
	if (reserve_pts(&f->acc, &f->capacc, m > r->k && r->k >= 3 ? r->k : m,
			r->k) < 0)
		return DM_ENOMEM;
	if (m > r->k && r->k >= 3) {
		f->err_w +=
			pts_compress(s, m, f->acc, &f->nacc, r->k, f->total);
	} else {
		memcpy(f->acc, s, m * sizeof(*s));
		f->nacc = m;
	}
	return DM_OK;
}

/* it's points into f (it is released). */
static dm_err feat_add(struct dm_item_runs *r, struct feat_pts *f,
		       dm_hour_items *it)
{
	size_t half = r->k / 2 ? r->k / 2 : 1, i;
	dm_err err;

	f->total += it->total;
	f->err_w += it->err_w;
	if (it->n == 0)
		goto out;
	if (f->npend > 0 &&
	    (f->npend + it->n > half || f->nrun == MAX_PEND_RUNS)) {
		if ((err = fold(r, f)) != DM_OK)
			return err;
	}
	/* the scratch holds a fold (acc and pend) or the top run */
	if (reserve_pts(&f->pend, &f->cappend, f->npend + it->n, half + it->n) <
		    0 ||
	    reserve_pts(&r->scratch, &r->capscratch, f->nacc + f->npend + it->n,
			r->k + half + it->n) < 0)
		return DM_ENOMEM;
	f->run[f->nrun++] = f->npend;
	for (i = 0; i < it->n; i++) {
		f->pend[f->npend + i].v = it->v[i];
		f->pend[f->npend + i].w = it->w[i];
	}
	f->npend += it->n;
	while (f->nrun >= 2 &&
	       f->npend - f->run[f->nrun - 1] >=
		       f->run[f->nrun - 1] - f->run[f->nrun - 2])
		pend_merge_top(f, r->scratch);
out:
	items_release(it);
	return DM_OK;
}

static void account_files(dm_window_acc *w, const dm_hour_profile *hp)
{
	size_t i;

	for (i = 0; i < hp->nfiles; i++) {
		if (hp->files[i].state == DM_HOUR_FILE_READ)
			w->files_read++;
		else if (hp->files[i].state == DM_HOUR_FILE_EMPTY)
			w->files_empty++;
		else if (w->files_unreadable++ == 0)
			memcpy(w->first_unreadable, hp->first_unreadable,
			       sizeof(w->first_unreadable));
	}
}

dm_err dm_window_acc_add(dm_window_acc *w, dm_hour_profile *hp, dm_diag *diag)
{
	struct dm_item_runs *r;
	size_t i;
	dm_err err;

	account_files(w, hp);
	if (hp->prof.nfeat == 0)
		return DM_OK;
	if (w->prof.nfeat == 0) {
		/* the first hour with rows: its profile is the window's */
		r = calloc(1, sizeof(*r));
		if (!r || !(r->f = calloc(hp->prof.nfeat, sizeof(*r->f)))) {
			free(r);
			return DM_ENOMEM;
		}
		r->nfeat = hp->prof.nfeat;
		r->k = hp->prof.sketch_k ? hp->prof.sketch_k
					 : DM_SKETCH_K_DEFAULT;
		runs_free_all(w->runs);
		w->runs = r;
		dm_profile_release(&w->prof);
		w->prof = hp->prof;
		dm_profile_init(&hp->prof, NULL);
	} else if ((err = dm_profile_merge(&w->prof, &hp->prof, diag)) !=
		   DM_OK) {
		return err;
	}
	r = w->runs;
	for (i = 0; i < w->prof.nfeat; i++) {
		if (analysed_numeric(&w->prof.feat[i]) &&
		    (err = feat_add(r, &r->f[i], &hp->items[i])) != DM_OK) {
			/* hp's profile may have moved here (its nfeat 0): its
			 * points are released here */
			for (i = 0; i < w->prof.nfeat; i++)
				items_release(&hp->items[i]);
			return err;
		}
	}
	return DM_OK;
}

/* f's points as a frozen sketch (f is released). */
static dm_err feat_sketch(struct dm_item_runs *r, struct feat_pts *f,
			  dm_sketch **out)
{
	double *v = NULL;
	uint64_t *w = NULL;
	size_t i;
	dm_err err = fold(r, f);

	if (err != DM_OK)
		return err;
	if (f->nacc) {
		v = malloc(f->nacc * sizeof(*v));
		w = malloc(f->nacc * sizeof(*w));
		if (!v || !w) {
			free(v);
			free(w);
			return DM_ENOMEM;
		}
		for (i = 0; i < f->nacc; i++) {
			v[i] = f->acc[i].v;
			w[i] = f->acc[i].w;
		}
	}
	dm_sketch_free(*out);
	*out = f->nacc ? dm_sketch_from_items(
				 (uint32_t)r->k, v, w, f->nacc,
				 f->total ? f->err_w / (double)f->total : 0.0)
		       : dm_sketch_new((uint32_t)r->k);
	free(v);
	free(w);
	feat_pts_release(f);
	return *out ? DM_OK : DM_ENOMEM;
}

dm_err dm_window_acc_finish(dm_window_acc *w, dm_profile *out)
{
	size_t i;
	dm_err err;

	for (i = 0; w->runs && i < w->prof.nfeat; i++)
		if (analysed_numeric(&w->prof.feat[i]) &&
		    (err = feat_sketch(w->runs, &w->runs->f[i],
				       &w->prof.feat[i].sketch)) != DM_OK)
			return err;
	runs_free_all(w->runs);
	w->runs = NULL;
	dm_profile_release(out);
	*out = w->prof;
	dm_profile_init(&w->prof, NULL);
	return DM_OK;
}
