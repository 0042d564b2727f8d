/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Baseline partials (docs/fanout.md): the unfinished baseline-mode
 * profile of one share of the training files, to and from JSON, and the
 * merge of shares.
 *
 * Design.  A sharded build must give the baseline a single process
 * gives, so a partial is not a summary but the profile's whole state
 * before dm_profile_finish: counts and moments; the live quantile sketch
 * level by level with each level's compaction parity (a sketch read back
 * merges exactly as the one written); categories in first-seen order;
 * missing-marker counts; the type and role evidence of infer.c (integer
 * and code maps, the distinct-value hash set, the text sample); the
 * multivariate co-moments.  Shares are contiguous runs of the file list,
 * merged in order, so "first seen" and "strictly increasing" mean what
 * they mean in one pass.  Doubles are written in shortest round-trip
 * form and read back bit for bit; hashes and bit maps as hex strings.
 */
#include <inttypes.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/jsonw.h"
#include "driftmon/partial.h"
#include "profile/json_get.h"
#include "profile/mv_int.h"
#include "profile/profile_int.h"
#include "stats/sketch_state.h"

#define FORMAT_NAME "driftmon-baseline-partial"

void dm_partial_init(dm_partial *pt)
{
	memset(pt, 0, sizeof(*pt));
	dm_profile_init(&pt->prof, NULL);
}

void dm_partial_release(dm_partial *pt)
{
	size_t i;

	if (!pt)
		return;
	free(pt->model);
	free(pt->model_version);
	free(pt->created_at);
	for (i = 0; i < pt->nfiles; i++)
		free(pt->files[i]);
	free(pt->files);
	free(pt->sizes);
	dm_profile_release(&pt->prof);
	dm_partial_init(pt);
}

dm_err dm_partial_add_file(dm_partial *pt, const char *key, uint64_t size)
{
	char **f = realloc(pt->files, (pt->nfiles + 1) * sizeof(char *));
	uint64_t *s;

	if (!f)
		return DM_ENOMEM;
	pt->files = f;
	s = realloc(pt->sizes, (pt->nfiles + 1) * sizeof(uint64_t));
	if (!s)
		return DM_ENOMEM;
	pt->sizes = s;
	if (!(pt->files[pt->nfiles] = strdup(key)))
		return DM_ENOMEM;
	pt->sizes[pt->nfiles++] = size;
	return DM_OK;
}

dm_err dm_partial_merge(dm_profile *dst, dm_profile *src, dm_diag *diag)
{
	return dmp_baseline_merge_part(dst, src, diag);
}

/* ---- writing ---------------------------------------------------------- */

static void key_hex(jw *w, const char *k, uint64_t x)
{
	char buf[20];

	snprintf(buf, sizeof(buf), "%016" PRIx64, x);
	jw_key(w, k);
	jw_str(w, buf);
}

static void key_u64(jw *w, const char *k, uint64_t x)
{
	jw_key(w, k);
	jw_u64(w, x);
}

static void key_str(jw *w, const char *k, const char *s)
{
	jw_key(w, k);
	jw_str(w, s);
}

/* x, or null when not finite (NaN settings, the empty moments' range). */
static void key_num(jw *w, const char *k, double x)
{
	jw_key(w, k);
	if (isfinite(x))
		jw_num(w, x);
	else
		jw_null(w);
}

static void write_evidence(jw *w, const pf_evidence *e)
{
	size_t i;

	jw_key(w, "evidence");
	jw_obj(w);
	key_u64(w, "all_int", (uint64_t)e->all_int);
	key_u64(w, "increasing", (uint64_t)e->increasing);
	key_u64(w, "have_last", (uint64_t)e->have_last);
	key_num(w, "first", e->first);
	key_num(w, "last", e->last);
	key_u64(w, "code_ok", (uint64_t)e->code_ok);
	key_num(w, "code_base", e->code_base);
	jw_key(w, "code_bits");
	jw_arr(w);
	for (i = 0; i < PF_CODE_SPAN / 64; i++) {
		char buf[20];

		snprintf(buf, sizeof(buf), "%016" PRIx64, e->code_bits[i]);
		jw_str(w, buf);
	}
	jw_arr_end(w);
	jw_key(w, "distinct");
	jw_arr(w);
	for (i = 0; e->dset && i < 2 * PF_DSET; i++)
		if (e->dset[i]) {
			char buf[20];

			snprintf(buf, sizeof(buf), "%016" PRIx64, e->dset[i]);
			jw_str(w, buf);
		}
	jw_arr_end(w);
	key_u64(w, "offered", e->offered);
	key_u64(w, "full_at", e->full_at);
	key_u64(w, "stopped", (uint64_t)e->dstop);
	key_u64(w, "text_values", e->txt_n);
	key_u64(w, "text_words", e->txt_words);
	key_u64(w, "text_bytes", e->txt_bytes);
	key_str(w, "type_note", e->type_note);
	key_u64(w, "fixed_role", (uint64_t)e->fixed_role);
	key_str(w, "role_note", e->role_note);
	key_u64(w, "user_markers", (uint64_t)e->user_markers);
	key_u64(w, "fixed_type", (uint64_t)e->fixed_type);
	key_u64(w, "reader_prediction", (uint64_t)e->reader_prediction);
	jw_obj_end(w);
}

static dm_err write_sketch(jw *w, const dm_sketch *s)
{
	sketch_state st;
	unsigned h;
	size_t i;
	dm_err err = sketch_state_get(s, &st);

	if (err != DM_OK)
		return err;
	jw_key(w, "sketch");
	jw_obj(w);
	key_u64(w, "k", st.k);
	key_u64(w, "n", st.n);
	jw_key(w, "error_weight");
	jw_num(w, st.err_w);
	jw_key(w, "levels");
	jw_arr(w);
	for (h = 0; h < st.nlev; h++) {
		jw_obj(w);
		key_u64(w, "flip", st.flip[h]);
		jw_key(w, "values");
		jw_arr(w);
		for (i = 0; i < st.len[h]; i++)
			jw_num(w, st.v[h][i]);
		jw_arr_end(w);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_obj_end(w);
	return DM_OK;
}

static dm_err write_feature(jw *w, const dm_feature *f)
{
	size_t j;

	jw_obj(w);
	key_str(w, "name", f->name);
	key_str(w, "type", dm_feature_type_name(f->type));
	key_str(w, "role", dm_role_name(f->role));
	key_str(w, "logical_type", dm_ltype_name(f->ltype));
	key_u64(w, "origin", (uint64_t)f->origin);
	key_str(w, "reason", f->reason);
	key_num(w, "psi_threshold", f->psi_threshold);
	key_num(w, "min_effect", f->min_effect);
	key_str(w, "test", f->test);
	key_num(w, "importance", f->importance);
	key_u64(w, "present", (uint64_t)f->present);
	key_u64(w, "count", f->count);
	key_u64(w, "missing", f->missing);
	key_u64(w, "invalid", f->invalid);
	key_str(w, "invalid_example", f->invalid_example);
	key_u64(w, "schema_bad", f->schema_bad);
	key_str(w, "schema_bad_example", f->schema_bad_example);
	jw_key(w, "missing_markers");
	jw_arr(w);
	for (j = 0; j < f->nna; j++) {
		jw_arr(w);
		jw_str(w, f->na_markers[j]);
		jw_u64(w, f->na_counts[j]);
		jw_arr_end(w);
	}
	jw_arr_end(w);
	jw_key(w, "moments");
	jw_obj(w);
	key_u64(w, "n", f->mom.n);
	key_num(w, "mean", f->mom.mean);
	key_num(w, "m2", f->mom.m2);
	key_num(w, "min", f->mom.min);
	key_num(w, "max", f->mom.max);
	jw_obj_end(w);
	if (f->sketch && write_sketch(w, f->sketch) != DM_OK)
		return DM_EINVAL;
	pj_put_categories(w, f);
	key_u64(w, "other", f->other);
	if (f->cats_by_key) {
		jw_key(w, "categories_by_key");
		jw_bool(w, 1);
	}
	if (f->evidence)
		write_evidence(w, f->evidence);
	jw_obj_end(w);
	return DM_OK;
}

static void write_nums(jw *w, const char *k, const double *x, size_t n)
{
	const double *end = x + n;

	jw_key(w, k);
	for (jw_arr(w); x < end; x++)
		jw_num(w, *x);
	jw_arr_end(w);
}

static void write_mv(jw *w, const dm_multivariate *m)
{
	size_t i = 0;

	jw_key(w, "multivariate");
	jw_obj(w);
	jw_key(w, "columns");
	for (jw_arr(w); i < m->d; i++)
		jw_str(w, m->columns[i]);
	jw_arr_end(w);
	key_u64(w, "candidates", m->ncandidates);
	key_u64(w, "rows_used", m->rows_used);
	key_u64(w, "rows_skipped", m->rows_skipped);
	key_u64(w, "cov_n", m->cov.n);
	write_nums(w, "cov_mean", m->cov.mean, m->cov.d);
	write_nums(w, "cov_comoments", m->cov.c, m->cov.d * m->cov.d);
	jw_obj_end(w);
}

static void write_profile(jw *w, const dm_profile *p)
{
	size_t i;

	jw_key(w, "profile");
	jw_obj(w);
	key_u64(w, "sketch_k", p->sketch_k);
	key_u64(w, "bins", p->nbins);
	key_u64(w, "rows", p->rows);
	key_u64(w, "rows_skipped", p->rows_skipped);
	key_u64(w, "rows_filtered", p->rows_filtered);
	key_u64(w, "rows_other_model", p->rows_other_model);
	key_u64(w, "rows_other_version", p->rows_other_version);
	key_str(w, "other_model_example", p->other_model_example);
	key_str(w, "other_version_example", p->other_version_example);
	jw_key(w, "extra_columns");
	jw_arr(w);
	for (i = 0; i < p->nextra; i++) {
		jw_arr(w);
		jw_str(w, p->extra_columns[i]);
		jw_bool(w, p->extra_prediction[i]);
		jw_arr_end(w);
	}
	jw_arr_end(w);
	jw_key(w, "features");
	jw_arr(w);
	for (i = 0; i < p->nfeat; i++)
		if (write_feature(w, &p->feat[i]) != DM_OK && !w->err)
			w->err = DM_EINVAL;
	jw_arr_end(w);
	if (p->mv)
		write_mv(w, p->mv);
	jw_obj_end(w);
}

dm_err dm_partial_to_json(const dm_partial *pt, char **out, size_t *len)
{
	size_t i;
	jw w;

	jw_init(&w, 0, 0);
	jw_obj(&w);
	key_str(&w, "format", FORMAT_NAME);
	key_u64(&w, "format_version", DM_PARTIAL_FORMAT_VERSION);
	key_str(&w, "model", pt->model ? pt->model : "");
	key_str(&w, "model_version",
		pt->model_version ? pt->model_version : "");
	key_u64(&w, "shard", pt->shard);
	key_u64(&w, "shards", pt->shards);
	key_hex(&w, "run_fingerprint", pt->run_fingerprint);
	key_u64(&w, "files_total", pt->files_total);
	jw_key(&w, "files");
	jw_arr(&w);
	for (i = 0; i < pt->nfiles; i++) {
		jw_obj(&w);
		key_str(&w, "key", pt->files[i]);
		key_u64(&w, "size", pt->sizes[i]);
		jw_obj_end(&w);
	}
	jw_arr_end(&w);
	key_str(&w, "created_at", pt->created_at ? pt->created_at : "");
	jw_key(&w, "spec_yaml");
	if (pt->prof.spec_yaml)
		jw_str(&w, pt->prof.spec_yaml);
	else
		jw_null(&w);
	write_profile(&w, &pt->prof);
	jw_obj_end(&w);
	return jw_finish(&w, out, len);
}

/* ---- reading ---------------------------------------------------------- */

struct ctx {
	const char *name;
	const char *feat; /* feature being read, or NULL */
	dm_diag *diag;
};

static dm_err bad(struct ctx *c, const char *field, const char *why)
{
	if (c->feat)
		return dm_diag_set(c->diag, DM_EFORMAT, c->name, 0, c->feat,
				   "baseline partial: feature '%s', field "
				   "'%s': %s",
				   c->feat, field, why);
	return dm_diag_set(c->diag, DM_EFORMAT, c->name, 0, NULL,
			   "baseline partial: field '%s': %s", field, why);
}

static int get_flag(json_t *o, const char *k, int *out)
{
	uint64_t u;

	if (pj_get_u64(o, k, &u) || u > 1)
		return -1;
	*out = (int)u;
	return 0;
}

static int hex64(json_t *v, uint64_t *out)
{
	const char *s = json_string_value(v);
	char *end;

	if (!s || strlen(s) != 16 || s[0] == '-' || s[0] == '+')
		return -1;
	*out = strtoull(s, &end, 16);
	return *end ? -1 : 0;
}

static dm_err parse_evidence(struct ctx *c, json_t *je, pf_evidence *e)
{
	json_t *bits = json_object_get(je, "code_bits"), *ds, *v;
	uint64_t u;
	size_t i;

	if (get_flag(je, "all_int", &e->all_int) ||
	    get_flag(je, "increasing", &e->increasing) ||
	    get_flag(je, "have_last", &e->have_last) ||
	    pj_get_num(je, "first", 0, &e->first) ||
	    pj_get_num(je, "last", 0, &e->last) ||
	    get_flag(je, "code_ok", &e->code_ok) ||
	    pj_get_num(je, "code_base", 0, &e->code_base) ||
	    pj_get_u64(je, "offered", &e->offered) ||
	    pj_get_u64(je, "full_at", &e->full_at) ||
	    get_flag(je, "stopped", &e->dstop) ||
	    pj_get_u64(je, "text_values", &e->txt_n) ||
	    pj_get_u64(je, "text_words", &e->txt_words) ||
	    pj_get_u64(je, "text_bytes", &e->txt_bytes) ||
	    pj_get_str(je, "type_note", e->type_note, sizeof(e->type_note)) ||
	    get_flag(je, "fixed_role", &e->fixed_role) ||
	    pj_get_str(je, "role_note", e->role_note, sizeof(e->role_note)) ||
	    get_flag(je, "user_markers", &e->user_markers) ||
	    get_flag(je, "fixed_type", &e->fixed_type) ||
	    get_flag(je, "reader_prediction", &e->reader_prediction))
		return bad(c, "evidence",
			   "a field is missing or of the wrong "
			   "type");
	if (!json_is_array(bits) || json_array_size(bits) != PF_CODE_SPAN / 64)
		return bad(c, "evidence.code_bits", "expected 4 hex words");
	for (i = 0; i < PF_CODE_SPAN / 64; i++)
		if (hex64(json_array_get(bits, i), &e->code_bits[i]))
			return bad(c, "evidence.code_bits",
				   "expected 16 hex digits");
	ds = json_object_get(je, "distinct");
	if (!json_is_array(ds) || json_array_size(ds) > PF_DSET)
		return bad(c, "evidence.distinct",
			   "expected at most 1024 "
			   "hashes");
	e->dn = json_array_size(ds);
	if (e->dn > e->offered ||
	    (e->full_at && (e->dn != PF_DSET || e->full_at > e->offered)))
		return bad(c, "evidence.distinct",
			   "does not add up with "
			   "'offered' and 'full_at'");
	e->gather = 1;
	if (e->dn == 0 && e->offered == 0)
		return DM_OK;
	if (!(e->dset = calloc(2 * PF_DSET, sizeof(uint64_t))))
		return DM_ENOMEM;
	json_array_foreach(ds, i, v)
	{
		size_t j;

		if (hex64(v, &u) || !(u & 1))
			return bad(c, "evidence.distinct",
				   "expected odd 16-hex-digit hashes");
		for (j = u & (2 * PF_DSET - 1); e->dset[j];
		     j = (j + 1) & (2 * PF_DSET - 1))
			if (e->dset[j] == u)
				return bad(c, "evidence.distinct",
					   "a hash occurs twice");
		e->dset[j] = u;
	}
	return DM_OK;
}

static dm_err parse_sketch(struct ctx *c, json_t *js, dm_profile *p,
			   dm_feature *f)
{
	json_t *levels = json_object_get(js, "levels"), *jl;
	sketch_state st;
	double *buf[SKETCH_STATE_MAXLEV] = {0};
	uint64_t k;
	size_t h, n;
	dm_err err = DM_OK;

	memset(&st, 0, sizeof(st));
	if (pj_get_u64(js, "k", &k) || k != p->sketch_k + (p->sketch_k & 1u) ||
	    pj_get_u64(js, "n", &st.n) ||
	    pj_get_num(js, "error_weight", NAN, &st.err_w) || !(st.err_w >= 0))
		return bad(c, "sketch",
			   "k, n or error_weight missing or "
			   "wrong");
	if (!json_is_array(levels) || json_array_size(levels) < 1 ||
	    json_array_size(levels) > SKETCH_STATE_MAXLEV)
		return bad(c, "sketch.levels", "expected 1 to 60 levels");
	st.k = (uint32_t)k;
	st.nlev = (unsigned)json_array_size(levels);
	json_array_foreach(levels, h, jl)
	{
		json_t *vals = json_object_get(jl, "values");
		uint64_t flip;

		if (pj_get_u64(jl, "flip", &flip) || flip > 1 ||
		    !json_is_array(vals)) {
			err = bad(c, "sketch.levels", "flip or values missing");
			break;
		}
		n = json_array_size(vals);
		if (n && !(buf[h] = malloc(n * sizeof(double)))) {
			err = DM_ENOMEM;
			break;
		}
		if (pj_get_nums(vals, buf[h], n)) {
			err = bad(c, "sketch.levels", "values must be numbers");
			break;
		}
		st.v[h] = buf[h];
		st.len[h] = n;
		st.flip[h] = (unsigned)flip;
	}
	if (err == DM_OK && !(f->sketch = sketch_state_new(&st)))
		err = bad(c, "sketch",
			  "not a state the sketch can be in "
			  "(levels overfull or unsorted, or "
			  "weights not adding up to n)");
	for (h = 0; h < SKETCH_STATE_MAXLEV; h++)
		free(buf[h]);
	if (err == DM_OK && st.n != f->mom.n)
		err = bad(c, "sketch.n", "differs from the moments' count");
	return err;
}

static dm_err parse_cats(struct ctx *c, json_t *jc, dm_feature *f)
{
	json_t *pair;
	size_t i;
	uint64_t sum = 0;

	if (!json_is_array(jc) || json_array_size(jc) > DM_MAX_CATEGORIES)
		return bad(c, "categories", "expected at most 1024 pairs");
	json_array_foreach(jc, i, pair)
	{
		json_t *v = json_array_get(pair, 0),
		       *n = json_array_get(pair, 1);
		long k;

		if (!json_is_array(pair) || json_array_size(pair) != 2 ||
		    !json_is_string(v) || !json_is_integer(n) ||
		    json_integer_value(n) < 0)
			return bad(c, "categories",
				   "expected [value, count] "
				   "pairs");
		k = pf_cat_index(f, json_string_value(v), json_string_length(v),
				 1);
		if (k == -2)
			return DM_ENOMEM;
		if (k != (long)i)
			return bad(c, "categories", "a value occurs twice");
		f->cats[k].count = (uint64_t)json_integer_value(n);
		sum += f->cats[k].count;
	}
	if (sum + f->other > f->count)
		return bad(c, "categories",
			   "counts add up to more than the "
			   "count");
	return DM_OK;
}

static dm_err parse_markers(struct ctx *c, json_t *jm, dm_feature *f)
{
	json_t *pair;
	size_t i, n = json_array_size(jm);
	const char **names = calloc(n + 1, sizeof(char *));
	dm_err err = DM_OK;

	if (!names)
		return DM_ENOMEM;
	if (!json_is_array(jm))
		err = bad(c, "missing_markers", "expected an array");
	json_array_foreach(jm, i, pair)
	{
		if (!json_is_string(json_array_get(pair, 0)) ||
		    !json_is_integer(json_array_get(pair, 1))) {
			err = bad(c, "missing_markers",
				  "expected [marker, count] pairs");
			break;
		}
		names[i] = json_string_value(json_array_get(pair, 0));
	}
	if (err == DM_OK)
		err = dmp_feature_set_markers(f, names, n);
	for (i = 0; err == DM_OK && i < n; i++) {
		json_int_t v = json_integer_value(
			json_array_get(json_array_get(jm, i), 1));

		if (v < 0)
			err = bad(c, "missing_markers", "negative count");
		else
			f->na_counts[i] = (uint64_t)v;
	}
	free(names);
	return err;
}

static dm_err parse_feature(struct ctx *c, json_t *jf, dm_profile *p)
{
	json_t *v, *mom = json_object_get(jf, "moments");
	const char *name = json_string_value(json_object_get(jf, "name"));
	const char *type = json_string_value(json_object_get(jf, "type"));
	const char *role = json_string_value(json_object_get(jf, "role"));
	const char *lt = json_string_value(json_object_get(jf, "logical_type"));
	dm_feature *f;
	uint64_t origin, present;
	dm_err err;

	if (!name || !type || !role || !lt)
		return bad(c, "features",
			   "a feature lacks name, type, role or "
			   "logical_type");
	if (dm_profile_find(p, name))
		return bad(c, "features", "a feature name occurs twice");
	if (!(f = dmp_profile_add_feature(p, name)))
		return DM_ENOMEM;
	c->feat = f->name;
	if (!strcmp(type, "numeric"))
		f->type = DM_FEATURE_NUMERIC;
	else if (!strcmp(type, "categorical"))
		f->type = DM_FEATURE_CATEGORICAL;
	else if (strcmp(type, "unknown") != 0)
		return bad(c, "type",
			   "expected numeric, categorical or "
			   "unknown");
	if (dm_role_parse(role, &f->role) < 0)
		return bad(c, "role", "not a role");
	if (strcmp(lt, "unknown") != 0 && dm_ltype_parse(lt, &f->ltype) < 0)
		return bad(c, "logical_type", "not a logical type");
	if (pj_get_u64(jf, "origin", &origin) || origin > DM_ORIGIN_SPEC ||
	    pj_get_str(jf, "reason", f->reason, sizeof(f->reason)) ||
	    pj_get_num(jf, "psi_threshold", NAN, &f->psi_threshold) ||
	    pj_get_num(jf, "min_effect", NAN, &f->min_effect) ||
	    pj_get_str(jf, "test", f->test, sizeof(f->test)) ||
	    pj_get_num(jf, "importance", NAN, &f->importance) ||
	    !(f->importance >= 0) || pj_get_u64(jf, "present", &present) ||
	    present > 1 || pj_get_u64(jf, "count", &f->count) ||
	    pj_get_u64(jf, "missing", &f->missing) ||
	    pj_get_u64(jf, "invalid", &f->invalid) ||
	    pj_get_str(jf, "invalid_example", f->invalid_example,
		       sizeof(f->invalid_example)) ||
	    pj_get_u64(jf, "schema_bad", &f->schema_bad) ||
	    pj_get_str(jf, "schema_bad_example", f->schema_bad_example,
		       sizeof(f->schema_bad_example)) ||
	    pj_get_u64(jf, "other", &f->other))
		return bad(c, "features",
			   "a field is missing or of the wrong "
			   "type");
	f->origin = (dm_origin)origin;
	f->present = (int)present;
	f->cats_by_key = json_is_true(json_object_get(jf, "categories_by_key"));
	if ((err = parse_markers(c, json_object_get(jf, "missing_markers"),
				 f)) != DM_OK)
		return err;
	if (!json_is_object(mom) || pj_get_u64(mom, "n", &f->mom.n) ||
	    pj_get_num(mom, "mean", 0, &f->mom.mean) ||
	    pj_get_num(mom, "m2", 0, &f->mom.m2) ||
	    pj_get_num(mom, "min", INFINITY, &f->mom.min) ||
	    pj_get_num(mom, "max", -INFINITY, &f->mom.max) || f->mom.m2 < 0 ||
	    (f->mom.n && !(f->mom.min <= f->mom.max)))
		return bad(c, "moments", "missing or inconsistent");
	v = json_object_get(jf, "sketch");
	if (f->type == DM_FEATURE_NUMERIC) {
		if (f->mom.n != f->count)
			return bad(c, "moments.n", "differs from the count");
		if (v && (err = parse_sketch(c, v, p, f)) != DM_OK)
			return err;
	} else if (v || f->mom.n) {
		return bad(c, "sketch", "only a numeric feature has values");
	}
	if ((err = parse_cats(c, json_object_get(jf, "categories"), f)) !=
	    DM_OK)
		return err;
	v = json_object_get(jf, "evidence");
	if (v) {
		pf_evidence *e = pf_evidence_new();

		if (!e)
			return DM_ENOMEM;
		f->evidence = e;
		if ((err = parse_evidence(c, v, e)) != DM_OK)
			return err;
	}
	c->feat = NULL;
	return DM_OK;
}

static dm_err parse_mv(struct ctx *c, json_t *jm, dm_profile *p)
{
	json_t *cols = json_object_get(jm, "columns"), *x;
	char **names;
	uint64_t cand;
	size_t i, d = json_array_size(cols);
	dm_err err;
	dm_multivariate *m;

	if (!json_is_array(cols) || d < 2 || d > DM_MV_MAX_COLUMNS ||
	    pj_get_u64(jm, "candidates", &cand) || cand < d)
		return bad(c, "multivariate", "columns or candidates wrong");
	if (!(names = calloc(d, sizeof(char *))))
		return DM_ENOMEM;
	json_array_foreach(cols, i, x) names[i] = (char *)json_string_value(x);
	for (i = 0; i < d && names[i]; i++)
		;
	err = i < d ? bad(c, "multivariate.columns", "expected names")
		    : pf_mv_restore(p, d, names, (size_t)cand);
	free(names);
	if (err == DM_EFORMAT)
		return bad(c, "multivariate.columns", "not features");
	if (err != DM_OK)
		return err;
	m = p->mv;
	if (pj_get_u64(jm, "rows_used", &m->rows_used) ||
	    pj_get_u64(jm, "rows_skipped", &m->rows_skipped) ||
	    pj_get_u64(jm, "cov_n", &m->cov.n) ||
	    pj_get_nums(json_object_get(jm, "cov_mean"), m->cov.mean, d) ||
	    pj_get_nums(json_object_get(jm, "cov_comoments"), m->cov.c, d * d))
		return bad(c, "multivariate", "counts or co-moments wrong");
	return DM_OK;
}

static dm_err parse_profile(struct ctx *c, json_t *jp, dm_profile *p)
{
	json_t *feats = json_object_get(jp, "features"), *jx, *x;
	uint64_t k, nb;
	size_t i;
	dm_err err;

	if (!json_is_object(jp) || pj_get_u64(jp, "sketch_k", &k) || k < 16 ||
	    k > (1u << 24) || pj_get_u64(jp, "bins", &nb) || nb < 2 ||
	    nb > DM_PSI_BINS_MAX || pj_get_u64(jp, "rows", &p->rows) ||
	    pj_get_u64(jp, "rows_skipped", &p->rows_skipped) ||
	    pj_get_u64(jp, "rows_filtered", &p->rows_filtered) ||
	    pj_get_u64(jp, "rows_other_model", &p->rows_other_model) ||
	    pj_get_u64(jp, "rows_other_version", &p->rows_other_version) ||
	    pj_get_str(jp, "other_model_example", p->other_model_example,
		       sizeof(p->other_model_example)) ||
	    pj_get_str(jp, "other_version_example", p->other_version_example,
		       sizeof(p->other_version_example)))
		return bad(c, "profile",
			   "a row count or setting is missing "
			   "or wrong");
	p->sketch_k = (uint32_t)k;
	p->nbins = (unsigned)nb;
	jx = json_object_get(jp, "extra_columns");
	if (!json_is_array(jx))
		return bad(c, "profile.extra_columns", "expected an array");
	p->extra_columns = calloc(json_array_size(jx) + 1, sizeof(char *));
	p->extra_prediction = calloc(json_array_size(jx) + 1, 1);
	if (!p->extra_columns || !p->extra_prediction)
		return DM_ENOMEM;
	json_array_foreach(jx, i, x)
	{
		const char *n = json_string_value(json_array_get(x, 0));

		if (!n || !json_is_boolean(json_array_get(x, 1)))
			return bad(c, "profile.extra_columns",
				   "expected [name, prediction] pairs");
		if (!(p->extra_columns[i] = strdup(n)))
			return DM_ENOMEM;
		p->extra_prediction[i] = json_is_true(json_array_get(x, 1));
		p->nextra = i + 1;
	}
	if (!json_is_array(feats) || json_array_size(feats) > DM_MAX_COLUMNS)
		return bad(c, "profile.features", "expected an array");
	json_array_foreach(feats, i, x)
	{
		if ((err = parse_feature(c, x, p)) != DM_OK)
			return err;
		if (p->feat[i].count + p->feat[i].missing + p->feat[i].invalid >
		    p->rows + p->rows_skipped)
			return bad(c, "count",
				   "count and missing exceed the rows");
	}
	x = json_object_get(jp, "multivariate");
	if (x && (err = parse_mv(c, x, p)) != DM_OK)
		return err;
	return DM_OK;
}

static dm_err parse_header(struct ctx *c, json_t *root, dm_partial *pt)
{
	const char *fmt = json_string_value(json_object_get(root, "format"));
	json_t *files = json_object_get(root, "files"), *x, *spec;
	uint64_t ver, u;
	char buf[DM_MAX_NAME_BYTES + 1];
	size_t i;

	if (!fmt || strcmp(fmt, FORMAT_NAME) != 0)
		return bad(c, "format",
			   "not a driftmon baseline partial "
			   "(expected \"" FORMAT_NAME "\")");
	if (pj_get_u64(root, "format_version", &ver))
		return bad(c, "format_version", "missing or not an integer");
	if (ver != DM_PARTIAL_FORMAT_VERSION)
		return dm_diag_set(c->diag, DM_EFORMAT, c->name, 0, NULL,
				   "baseline partial: format_version %" PRIu64
				   " is not supported (this driftmon reads %d)",
				   ver, DM_PARTIAL_FORMAT_VERSION);
	if (pj_get_str(root, "model", buf, sizeof(buf)) ||
	    !(pt->model = strdup(buf)) ||
	    pj_get_str(root, "model_version", buf, sizeof(buf)) ||
	    !(pt->model_version = strdup(buf)) ||
	    pj_get_str(root, "created_at", buf, sizeof(buf)) ||
	    !(pt->created_at = strdup(buf)))
		return bad(c, "model",
			   "model, model_version or created_at "
			   "missing");
	if (pj_get_u64(root, "shards", &u) || u < 1 || u > 100000)
		return bad(c, "shards", "expected 1 to 100000");
	pt->shards = (unsigned)u;
	if (pj_get_u64(root, "shard", &u) || u >= pt->shards)
		return bad(c, "shard", "expected 0 to shards - 1");
	pt->shard = (unsigned)u;
	if (hex64(json_object_get(root, "run_fingerprint"),
		  &pt->run_fingerprint))
		return bad(c, "run_fingerprint", "expected 16 hex digits");
	if (pj_get_u64(root, "files_total", &pt->files_total))
		return bad(c, "files_total", "missing");
	if (!json_is_array(files) || json_array_size(files) > pt->files_total)
		return bad(c, "files", "expected at most files_total files");
	json_array_foreach(files, i, x)
	{
		const char *k = json_string_value(json_object_get(x, "key"));

		if (!k || pj_get_u64(x, "size", &u))
			return bad(c, "files", "expected {key, size} objects");
		if (dm_partial_add_file(pt, k, u) != DM_OK)
			return DM_ENOMEM;
	}
	spec = json_object_get(root, "spec_yaml");
	if (json_is_string(spec)) {
		if (!(pt->prof.spec_yaml = strdup(json_string_value(spec))))
			return DM_ENOMEM;
	} else if (!json_is_null(spec)) {
		return bad(c, "spec_yaml", "expected a string or null");
	}
	return DM_OK;
}

dm_err dm_partial_from_json(const char *json, size_t len, const char *name,
			    dm_partial *pt, dm_diag *diag)
{
	json_error_t je;
	json_t *root;
	struct ctx c = {name, NULL, diag};
	dm_err err;

	dm_partial_init(pt);
	root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &je);
	if (!root)
		return dm_diag_set(diag, DM_EFORMAT, name, 0, NULL,
				   "baseline partial: not valid JSON (line %d, "
				   "column %d: %s)",
				   je.line, je.column, je.text);
	if (!json_is_object(root))
		err = bad(&c, "format", "not a JSON object");
	else if ((err = parse_header(&c, root, pt)) == DM_OK)
		err = parse_profile(&c, json_object_get(root, "profile"),
				    &pt->prof);
	json_decref(root);
	if (err != DM_OK) {
		if (err == DM_ENOMEM)
			dm_diag_set(diag, err, name, 0, NULL, "out of memory");
		dm_partial_release(pt);
	}
	return err;
}
