/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The logger's schema: for each model and version, its columns with
 * their type (number or string) and role (feature or prediction).
 *
 * A declared schema (dm_logger_config.schema) is one closed set of
 * columns for every model.  Otherwise columns are learned: the first
 * record that gives a column a non-NULL value fixes its type for that
 * model and version, and later records must agree.  The learned schema
 * is saved in the WAL folder ("schema.json", written atomically) so that
 * it outlives the process; the logger saves it before it marks any
 * segment as uploaded, so a type learned from a record is never lost
 * while the record is not in the WAL any more.
 */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "driftmon/names.h"
#include "logger/logger_int.h"

static void model_release(lg_smodel *m)
{
	size_t i;

	for (i = 0; i < m->ncols; i++)
		free(m->cols[i].name);
	free(m->cols);
	free(m->key);
	smap_release(&m->map);
	memset(m, 0, sizeof(*m));
}

void lg_schema_release(lg_schema *s)
{
	size_t i;

	if (!s)
		return;
	for (i = 0; i < s->nmodels; i++)
		model_release(&s->models[i]);
	free(s->models);
	model_release(&s->decl);
	smap_release(&s->map);
	memset(s, 0, sizeof(*s));
}

static lg_scol *model_col(const lg_smodel *m, const char *name, size_t len)
{
	smap_slot *sl = smap_find(&m->map, name, len, smap_hash(name, len));

	return sl ? &m->cols[sl->val] : NULL;
}

/* Adds a column (name copied).  Returns the column or NULL. */
static lg_scol *model_add(lg_smodel *m, const char *name, size_t len,
			  uint8_t type, uint8_t pred)
{
	lg_scol *c;
	char *nm;

	if (m->ncols == m->capcols) {
		size_t cap = m->capcols ? m->capcols * 2 : 16;
		lg_scol *p = realloc(m->cols, cap * sizeof(*p));

		if (!p)
			return NULL;
		m->cols = p;
		m->capcols = cap;
	}
	nm = malloc(len + 1);
	if (!nm)
		return NULL;
	memcpy(nm, name, len);
	nm[len] = '\0';
	if (smap_insert(&m->map, nm, len, smap_hash(nm, len),
			(uint32_t)m->ncols) < 0) {
		free(nm);
		return NULL;
	}
	c = &m->cols[m->ncols++];
	c->name = nm;
	c->len = (uint32_t)len;
	c->type = type;
	c->prediction = pred;
	return c;
}

static int name_ok(const char *s, size_t n)
{
	if (dm_name_check("column", s, n, NULL) != DM_OK ||
	    !strcmp(s, DM_LOG_COL_TIMESTAMP) || !strcmp(s, DM_LOG_COL_MODEL) ||
	    !strcmp(s, DM_LOG_COL_VERSION) || !strcmp(s, DM_LOG_COL_REQUEST))
		return 0;
	return 1;
}

dm_err lg_schema_init(lg_schema *s, const dm_log_column *decl, size_t ndecl,
		      size_t max_cols, size_t max_models, dm_diag *diag)
{
	size_t i;

	memset(s, 0, sizeof(*s));
	s->max_cols = max_cols;
	s->max_models = max_models;
	if (!ndecl)
		return DM_OK;
	s->declared = 1;
	for (i = 0; i < ndecl; i++) {
		const dm_log_column *c = &decl[i];
		size_t n = c->name ? strlen(c->name) : 0;

		if (!c->name || !name_ok(c->name, n))
			return dm_diag_set(diag, DM_EINVAL, NULL, 0, NULL,
					   "schema column %zu: invalid name "
					   "'%.100s'",
					   i + 1, c->name ? c->name : "");
		if (c->type != DM_LOG_NUMBER && c->type != DM_LOG_STRING)
			return dm_diag_set(diag, DM_EINVAL, NULL, 0, c->name,
					   "schema: type must be number or "
					   "string");
		if (model_col(&s->decl, c->name, n))
			return dm_diag_set(diag, DM_EINVAL, NULL, 0, c->name,
					   "schema: column declared twice");
		if (!model_add(&s->decl, c->name, n, (uint8_t)c->type,
			       c->prediction ? 1 : 0))
			return DM_ENOMEM;
	}
	return DM_OK;
}

/* "model\0version" into buf (>= 403 bytes); returns its length. */
static size_t model_key(char *buf, const char *m, size_t ml, const char *v,
			size_t vl)
{
	memcpy(buf, m, ml);
	buf[ml] = '\0';
	memcpy(buf + ml + 1, v, vl);
	return ml + 1 + vl;
}

static lg_smodel *find_model(const lg_schema *s, const char *m, size_t ml,
			     const char *v, size_t vl)
{
	char key[512];
	size_t kl;
	smap_slot *sl;

	if (s->declared)
		return (lg_smodel *)&s->decl;
	if (ml > 200 || vl > 200)
		return NULL;
	kl = model_key(key, m, ml, v, vl);
	sl = smap_find(&s->map, key, kl, smap_hash(key, kl));
	return sl ? &s->models[sl->val] : NULL;
}

static lg_smodel *add_model(lg_schema *s, const char *m, size_t ml,
			    const char *v, size_t vl)
{
	char key[512];
	size_t kl, i;
	lg_smodel *sm;

	if (ml > 200 || vl > 200)
		return NULL;
	kl = model_key(key, m, ml, v, vl);
	if (s->nmodels == s->capmodels) {
		size_t cap = s->capmodels ? s->capmodels * 2 : 8;
		lg_smodel *p = realloc(s->models, cap * sizeof(*p));

		if (!p)
			return NULL;
		s->models = p;
		s->capmodels = cap;
		/* keys in the map point at each model's own key copy, so
		 * moving the array does not invalidate them */
	}
	sm = &s->models[s->nmodels];
	memset(sm, 0, sizeof(*sm));
	sm->key = malloc(kl + 1);
	if (!sm->key)
		return NULL;
	memcpy(sm->key, key, kl);
	sm->key[kl] = '\0';
	sm->keylen = (uint32_t)kl;
	if (smap_insert(&s->map, sm->key, kl, smap_hash(key, kl),
			(uint32_t)s->nmodels) < 0) {
		free(sm->key);
		return NULL;
	}
	sm->used_ms = s->touch_ms;
	sm->used_stamp = s->touch_stamp;
	s->nentries++;
	i = s->nmodels++;
	return &s->models[i];
}

/* A learned column (counted, stamped). */
static lg_scol *col_new(lg_schema *s, lg_smodel *m, const char *name,
			size_t len, uint8_t type, uint8_t pred)
{
	lg_scol *c = model_add(m, name, len, type, pred);

	if (c) {
		c->used_ms = s->touch_ms;
		c->used_stamp = s->touch_stamp;
		s->nentries++;
	}
	return c;
}

const lg_scol *lg_schema_col(const lg_schema *s, const char *model, size_t mlen,
			     const char *version, size_t vlen, const char *name,
			     size_t nlen)
{
	const lg_smodel *m = find_model(s, model, mlen, version, vlen);

	return m ? model_col(m, name, nlen) : NULL;
}

/* The type names live with the schema that records the types. */
const char *dm_log_type_name(dm_log_type t)
{
	switch (t) {
	case DM_LOG_NULL:
		return "null";
	case DM_LOG_NUMBER:
		return "number";
	case DM_LOG_STRING:
		return "string";
	case DM_LOG_BOOL:
		return "boolean";
	}
	return "?";
}

static const char *tname(uint8_t t)
{
	return dm_log_type_name((dm_log_type)t);
}

static dm_err col_err(dm_diag *diag, int multi, uint32_t rec, const lg_name *n,
		      const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static dm_err col_err(dm_diag *diag, int multi, uint32_t rec, const lg_name *n,
		      const char *fmt, ...)
{
	char reason[400], where[48] = "";
	va_list ap;

	if (!diag)
		return DM_ESCHEMA;
	dm_diag_clear(diag);
	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	if (multi)
		snprintf(where, sizeof(where), "record %u: ", rec + 1);
	snprintf(diag->msg, sizeof(diag->msg), "%scolumn '%.*s': %s", where,
		 (int)(n->len > 200 ? 200 : n->len), n->s, reason);
	diag->row = rec + 1;
	snprintf(diag->column, sizeof(diag->column), "%.*s",
		 (int)(n->len > 127 ? 127 : n->len), n->s);
	return DM_ESCHEMA;
}

dm_err lg_schema_check(const lg_schema *s, const lg_enc *e, lg_learn **learn,
		       size_t *nlearn, size_t *caplearn, int multi,
		       dm_diag *diag)
{
	size_t i, k, newmodels = 0;

	*nlearn = 0;
	for (i = 0; i < e->nmv; i++) {
		const lg_mv *mv = &e->mv[i];
		const lg_smodel *m = find_model(s, mv->model, mv->mlen,
						mv->version, mv->vlen);
		size_t newcols = 0;

		if (!m && !s->declared)
			newmodels++;
		for (k = 0; k < e->nnames; k++) {
			uint8_t use = mv->use[k], type, pred;
			const lg_name *n = &e->names[k];
			const lg_scol *c;

			if (!use)
				continue;
			pred = (use & LG_USE_PREDICTION) ? 1 : 0;
			type = (use & LG_USE_NUMBER)   ? DM_LOG_NUMBER
			       : (use & LG_USE_STRING) ? DM_LOG_STRING
						       : DM_LOG_NULL;
			c = m ? model_col(m, n->s, n->len) : NULL;
			if (!c && s->declared)
				return col_err(diag, multi, mv->first[k], n,
					       "not in the declared schema");
			if (c && c->prediction != pred)
				return col_err(
					diag, multi, mv->first[k], n,
					"is a %s in the schema of model "
					"'%s' version '%s', got it as a "
					"%s",
					c->prediction ? "prediction"
						      : "feature",
					m == &s->decl ? "*" : m->key,
					m == &s->decl
						? "*"
						: m->key + strlen(m->key) + 1,
					pred ? "prediction" : "feature");
			if (c && type != DM_LOG_NULL &&
			    c->type != DM_LOG_NULL && c->type != type)
				return col_err(diag, multi, mv->first[k], n,
					       "type conflict: the schema has "
					       "%s, got %s",
					       tname(c->type), tname(type));
			if (c && (type == DM_LOG_NULL || c->type == type))
				continue;
			/* new column, or a type for a column known by name */
			if (!c && (m ? m->ncols : 0) + ++newcols > s->max_cols)
				return dm_diag_set(
					diag, DM_ETOOBIG, NULL, 0, NULL,
					"model '%.*s' version '%.*s' would "
					"have more than %zu columns",
					(int)mv->mlen, mv->model, (int)mv->vlen,
					mv->version, s->max_cols);
			if (*nlearn == *caplearn) {
				size_t cap = *caplearn ? *caplearn * 2 : 16;
				lg_learn *p = realloc(*learn, cap * sizeof(*p));

				if (!p)
					return DM_ENOMEM;
				*learn = p;
				*caplearn = cap;
			}
			(*learn)[*nlearn].mv = (uint32_t)i;
			(*learn)[*nlearn].name = (uint32_t)k;
			(*learn)[*nlearn].type = type;
			(*learn)[*nlearn].prediction = pred;
			(*nlearn)++;
		}
	}
	if (newmodels && s->nmodels + newmodels > s->max_models)
		return dm_diag_set(diag, DM_ETOOBIG, NULL, 0, NULL,
				   "more than %zu models and versions",
				   s->max_models);
	return DM_OK;
}

dm_err lg_schema_learn(lg_schema *s, const lg_enc *e, const lg_learn *l,
		       size_t n, dm_diag *diag)
{
	size_t i;

	for (i = 0; i < n; i++) {
		const lg_mv *mv = &e->mv[l[i].mv];
		const lg_name *nm = &e->names[l[i].name];
		lg_smodel *m = find_model(s, mv->model, mv->mlen, mv->version,
					  mv->vlen);
		lg_scol *c;

		if (!m && !(m = add_model(s, mv->model, mv->mlen, mv->version,
					  mv->vlen)))
			return dm_diag_set(diag, DM_ENOMEM, NULL, 0, NULL,
					   "out of memory");
		c = model_col(m, nm->s, nm->len);
		if (!c && !(c = col_new(s, m, nm->s, nm->len, l[i].type,
					l[i].prediction)))
			return dm_diag_set(diag, DM_ENOMEM, NULL, 0, NULL,
					   "out of memory");
		if (c->type == DM_LOG_NULL)
			c->type = l[i].type;
		s->dirty = 1;
	}
	return DM_OK;
}

dm_err lg_schema_learn_rec(lg_schema *s, const lg_dec *d, const lg_drec *r)
{
	lg_smodel *m;
	size_t i;

	if (s->declared)
		return DM_OK;
	m = find_model(s, d->model[r->mv], d->mlen[r->mv], d->version[r->mv],
		       d->vlen[r->mv]);
	if (!m && !(m = add_model(s, d->model[r->mv], d->mlen[r->mv],
				  d->version[r->mv], d->vlen[r->mv])))
		return DM_ENOMEM;
	m->used_ms = s->touch_ms;
	m->used_stamp = s->touch_stamp;
	for (i = 0; i < r->nfields; i++) {
		const lg_dfield *f = &r->fields[i];
		lg_scol *c =
			model_col(m, d->name[f->name], d->name_len[f->name]);
		/* a boolean is a number for the schema */
		uint8_t ft = f->type == DM_LOG_BOOL ? DM_LOG_NUMBER : f->type;

		if (!c) {
			if (!(c = col_new(s, m, d->name[f->name],
					  d->name_len[f->name], ft,
					  f->prediction)))
				return DM_ENOMEM;
			s->dirty = 1;
		} else if (c->type == DM_LOG_NULL && ft != DM_LOG_NULL) {
			c->type = ft;
			s->dirty = 1;
		}
		c->used_ms = s->touch_ms;
		c->used_stamp = s->touch_stamp;
	}
	return DM_OK;
}

/* ---- persistence ---------------------------------------------------- */
static json_t *jstrn(const char *s, size_t n)
{
	return json_stringn(s, n);
}

char *lg_schema_json(const lg_schema *s)
{
	json_t *root = json_object(), *models = json_array();
	char *out = NULL;
	size_t i, k;

	if (!root || !models)
		goto out;
	json_object_set_new(root, "format", json_integer(1));
	for (i = 0; i < s->nmodels; i++) {
		const lg_smodel *m = &s->models[i];
		size_t ml = strlen(m->key);
		json_t *jm = json_object(), *cols = json_array();

		if (!jm || !cols) {
			json_decref(jm);
			json_decref(cols);
			goto out;
		}
		json_object_set_new(jm, "model", jstrn(m->key, ml));
		json_object_set_new(jm, "version",
				    jstrn(m->key + ml + 1, m->keylen - ml - 1));
		for (k = 0; k < m->ncols; k++) {
			const lg_scol *c = &m->cols[k];
			json_t *jc = json_object();

			if (!jc)
				continue;
			json_object_set_new(jc, "name", jstrn(c->name, c->len));
			json_object_set_new(
				jc, "type",
				c->type == DM_LOG_NULL
					? json_null()
					: json_string(tname(c->type)));
			json_object_set_new(jc, "role",
					    json_string(c->prediction
								? "prediction"
								: "feature"));
			json_array_append_new(cols, jc);
		}
		json_object_set_new(jm, "columns", cols);
		json_array_append_new(models, jm);
	}
	json_object_set_new(root, "models", models);
	models = NULL;
	out = json_dumps(root, JSON_COMPACT);
out:
	json_decref(models);
	json_decref(root);
	return out;
}

dm_err lg_schema_write(const char *js, int dirfd, const char *name,
		       dm_diag *diag)
{
	char tmp[300];
	size_t len = strlen(js), off = 0;
	int fd = -1;
	dm_err err = DM_OK;

	snprintf(tmp, sizeof(tmp), "%s.tmp", name);
	fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		goto fail;
	while (off < len) {
		ssize_t w = write(fd, js + off, len - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			goto fail;
		off += (size_t)w;
	}
	if (fdatasync(fd) < 0 || close(fd) < 0) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (renameat(dirfd, tmp, dirfd, name) < 0)
		goto fail;
	fsync(dirfd);
	return DM_OK;
fail:
	err = dm_diag_set(diag, DM_EIO, name, 0, NULL,
			  "cannot save the learned schema: %s",
			  strerror(errno));
	if (fd >= 0)
		close(fd);
	unlinkat(dirfd, tmp, 0);
	return err;
}

dm_err lg_schema_load(lg_schema *s, int dirfd, const char *name, dm_diag *diag)
{
	int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC);
	json_t *root = NULL, *models;
	json_error_t je;
	FILE *fp;
	size_t i, k;
	dm_err err = DM_OK;

	if (fd < 0) {
		if (errno == ENOENT)
			return DM_OK;
		return dm_diag_set(diag, DM_EIO, name, 0, NULL, "%s",
				   strerror(errno));
	}
	fp = fdopen(fd, "rb");
	if (!fp) {
		close(fd);
		return DM_ENOMEM;
	}
	root = json_loadf(fp, 0, &je);
	fclose(fp);
	if (!root)
		return dm_diag_set(diag, DM_EFORMAT, name, je.line, NULL,
				   "malformed schema file: %s", je.text);
	models = json_object_get(root, "models");
	if (json_integer_value(json_object_get(root, "format")) != 1 ||
	    !json_is_array(models)) {
		err = dm_diag_set(diag, DM_EFORMAT, name, 0, NULL,
				  "not a driftmon logger schema (format 1)");
		goto out;
	}
	for (i = 0; i < json_array_size(models); i++) {
		json_t *jm = json_array_get(models, i);
		json_t *jmod = json_object_get(jm, "model");
		json_t *jver = json_object_get(jm, "version");
		json_t *cols = json_object_get(jm, "columns");
		lg_smodel *m;

		if (!json_is_string(jmod) || !json_is_string(jver) ||
		    !json_is_array(cols)) {
			err = dm_diag_set(diag, DM_EFORMAT, name, 0, NULL,
					  "model %zu: missing model, version "
					  "or columns",
					  i + 1);
			goto out;
		}
		if (s->declared)
			continue;
		m = find_model(
			s, json_string_value(jmod), json_string_length(jmod),
			json_string_value(jver), json_string_length(jver));
		if (!m && !(m = add_model(s, json_string_value(jmod),
					  json_string_length(jmod),
					  json_string_value(jver),
					  json_string_length(jver)))) {
			err = DM_ENOMEM;
			goto out;
		}
		for (k = 0; k < json_array_size(cols); k++) {
			json_t *jc = json_array_get(cols, k);
			json_t *jn = json_object_get(jc, "name");
			const char *t =
				json_string_value(json_object_get(jc, "type"));
			const char *role =
				json_string_value(json_object_get(jc, "role"));
			uint8_t type = DM_LOG_NULL;

			if (!json_is_string(jn) || !role) {
				err = dm_diag_set(diag, DM_EFORMAT, name, 0,
						  NULL,
						  "model %zu column %zu: "
						  "missing name or role",
						  i + 1, k + 1);
				goto out;
			}
			if (t && !strcmp(t, "number"))
				type = DM_LOG_NUMBER;
			else if (t && !strcmp(t, "string"))
				type = DM_LOG_STRING;
			if (model_col(m, json_string_value(jn),
				      json_string_length(jn)))
				continue;
			if (!col_new(s, m, json_string_value(jn),
				     json_string_length(jn), type,
				     !strcmp(role, "prediction"))) {
				err = DM_ENOMEM;
				goto out;
			}
		}
	}
out:
	json_decref(root);
	return err;
}

/* ---- expiry (schema_ttl) ------------------------------------------------ */
static void touch(int64_t *ms, uint64_t *stamp, int64_t now_ms, uint64_t st)
{
	__atomic_store_n(ms, now_ms, __ATOMIC_RELAXED);
	if (__atomic_load_n(stamp, __ATOMIC_RELAXED) < st)
		__atomic_store_n(stamp, st, __ATOMIC_RELAXED);
}

void lg_schema_touch(const lg_schema *s, const lg_enc *e, uint64_t stamp,
		     int64_t now_ms)
{
	size_t i, k;

	if (s->declared)
		return;
	for (i = 0; i < e->nmv; i++) {
		const lg_mv *mv = &e->mv[i];
		lg_smodel *m = find_model(s, mv->model, mv->mlen, mv->version,
					  mv->vlen);

		if (!m)
			continue;
		touch(&m->used_ms, &m->used_stamp, now_ms, stamp);
		for (k = 0; k < e->nnames; k++) {
			lg_scol *c;

			if (!mv->use[k])
				continue;
			c = model_col(m, e->names[k].s, e->names[k].len);
			if (c)
				touch(&c->used_ms, &c->used_stamp, now_ms,
				      stamp);
		}
	}
}

static int expired(int64_t used_ms, uint64_t used_stamp, int64_t now_ms,
		   int64_t ttl_ms, uint64_t oldest_stamp)
{
	return used_ms + ttl_ms <= now_ms && used_stamp < oldest_stamp;
}

/* Rebuilds m's column map after columns were removed. */
static int model_reindex(lg_smodel *m)
{
	size_t k;

	smap_release(&m->map);
	memset(&m->map, 0, sizeof(m->map));
	for (k = 0; k < m->ncols; k++)
		if (smap_insert(&m->map, m->cols[k].name, m->cols[k].len,
				smap_hash(m->cols[k].name, m->cols[k].len),
				(uint32_t)k) < 0)
			return -1;
	return 0;
}

size_t lg_schema_expire(lg_schema *s, int64_t now_ms, int64_t ttl_ms,
			uint64_t oldest_stamp)
{
	size_t i, k, keep = 0, gone = 0;

	if (s->declared || ttl_ms <= 0)
		return 0;
	for (i = 0; i < s->nmodels; i++) {
		lg_smodel *m = &s->models[i];
		size_t kc = 0, before = m->ncols;

		if (expired(m->used_ms, m->used_stamp, now_ms, ttl_ms,
			    oldest_stamp)) {
			gone += 1 + m->ncols;
			model_release(m);
			continue;
		}
		for (k = 0; k < m->ncols; k++) {
			lg_scol *c = &m->cols[k];

			if (expired(c->used_ms, c->used_stamp, now_ms, ttl_ms,
				    oldest_stamp)) {
				free(c->name);
				continue;
			}
			m->cols[kc++] = *c;
		}
		m->ncols = kc;
		gone += before - kc;
		if (kc != before && model_reindex(m) < 0) {
			/* out of memory: forget the model rather than keep a
			 * map that does not match its columns */
			gone += 1 + m->ncols;
			model_release(m);
			continue;
		}
		if (keep != i)
			s->models[keep] = *m;
		keep++;
	}
	if (!gone)
		return 0;
	s->nmodels = keep;
	smap_release(&s->map);
	memset(&s->map, 0, sizeof(s->map));
	for (i = 0; i < s->nmodels; i++)
		if (smap_insert(
			    &s->map, s->models[i].key, s->models[i].keylen,
			    smap_hash(s->models[i].key, s->models[i].keylen),
			    (uint32_t)i) < 0) {
			/* cannot index them: forget the rest */
			for (k = i; k < s->nmodels; k++) {
				gone += 1 + s->models[k].ncols;
				model_release(&s->models[k]);
			}
			s->nmodels = i;
			break;
		}
	s->nentries = s->nentries > gone ? s->nentries - gone : 0;
	s->nexpired += gone;
	s->dirty = 1;
	return gone;
}
