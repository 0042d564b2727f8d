/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A sealed WAL segment becomes Parquet files.
 *
 * The records of the segment are grouped by the UTC hour of their
 * timestamp, their model and version, and schema variant: records whose
 * columns agree in type and role share a file; a record that disagrees
 * with a group (possible only if the schema was changed by hand between
 * runs) opens the next variant.  Each group is held column by column in
 * memory (so memory is bounded by the segment, which the thresholds
 * bound) and written as one Parquet file:
 *
 *   timestamp      TIMESTAMP(MICROS, UTC), required
 *   model_name     STRING, required
 *   model_version  STRING, required
 *   request_id     STRING, optional
 *   <columns>      DOUBLE or STRING, optional, in order of first use
 *
 * named <prefix>/year=YYYY/month=MM/day=DD/hour=HH/
 * part-<host>-<pid>-<nonce>-<seq>-<group>.parquet from the identity in
 * the segment's header and the group's index in order of first record.
 * The same segment therefore always gives the same names, which is what
 * makes replay after a crash idempotent: a file uploaded before the
 * crash is overwritten, never duplicated.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/util.h"
#include "core/jsonw.h"
#include "driftmon/layout.h"
#include "driftmon/parquet.h"
#include "logger/logger_int.h"

#define RG_ROWS 65536

/* The columns every file starts with, in order (see the top); the
 * records' own columns follow from LC_FIXED on. */
enum { LC_TIMESTAMP, LC_MODEL, LC_VERSION, LC_REQUEST, LC_FIXED };

typedef struct gcol {
	char *name;
	uint32_t len;
	uint8_t pred;
	uint8_t type; /* DM_LOG_NULL until a value gives it one */
	size_t n, cap;
	size_t nbool, nnum; /* NUMBER column: booleans and numbers in it */
	uint8_t *null;
	double *f64;
	uint64_t *soff; /* arena offset << 32 | length */
} gcol;

typedef struct lg_group {
	char *key; /* hour, model, version, variant: for the map */
	size_t keylen;
	int64_t hour;
	char *model, *version;
	uint32_t mlen, vlen;
	unsigned variant;
	size_t nrows, caprows;
	int64_t *ts;
	uint64_t *rid; /* arena offset << 32 | length */
	uint8_t *rid_null;
	gcol *cols;
	size_t ncols, capcols;
	smap map;
	bbuf arena;
} group;

typedef struct conv {
	const lg_convert_opts *o;
	group **g;
	size_t ng, capg;
	smap gmap;
	lg_dec dec;
	/* per batch: name index -> column of memo_g; kept while batches
	 * carry the same table of names (one-record batches of
	 * dm_logger_log: the columns are not looked up again for each) */
	group **memo_g;
	uint32_t *memo_c;
	size_t capmemo;
	bbuf memo_names; /* the table they are for */
	int memo_valid;
	uint64_t rows;
	int bad; /* a malformed batch */
	int oom;
} conv;

static void group_free(group *g)
{
	size_t i;

	if (!g)
		return;
	for (i = 0; i < g->ncols; i++) {
		free(g->cols[i].name);
		free(g->cols[i].null);
		free(g->cols[i].f64);
		free(g->cols[i].soff);
	}
	free(g->cols);
	free(g->key);
	free(g->model);
	free(g->version);
	free(g->ts);
	free(g->rid);
	free(g->rid_null);
	smap_release(&g->map);
	bb_release(&g->arena);
	free(g);
}

/* The group for (hour, model, version, variant), created if new. */
static group *get_group(conv *c, int64_t hour, const char *m, uint32_t ml,
			const char *v, uint32_t vl, unsigned variant)
{
	char key[600];
	int kl;
	uint32_t h;
	smap_slot *s;
	group *g;

	kl = snprintf(key, sizeof(key), "%lld/%u/", (long long)hour, variant);
	if (kl < 0 || (size_t)kl + ml + vl + 1 > sizeof(key))
		return NULL;
	memcpy(key + kl, m, ml);
	key[kl + ml] = '\0';
	memcpy(key + kl + ml + 1, v, vl);
	kl += (int)(ml + 1 + vl);
	h = smap_hash(key, (size_t)kl);
	s = smap_find(&c->gmap, key, (size_t)kl, h);
	if (s)
		return c->g[s->val];
	if (c->ng == c->capg) {
		size_t cap = c->capg ? c->capg * 2 : 8;
		group **p = realloc(c->g, cap * sizeof(*p));

		if (!p)
			return NULL;
		c->g = p;
		c->capg = cap;
	}
	g = calloc(1, sizeof(*g));
	if (!g)
		return NULL;
	bb_init(&g->arena, (size_t)4 << 30);
	g->key = util_dupn(key, (size_t)kl);
	g->keylen = (size_t)kl;
	g->model = util_dupn(m, ml);
	g->version = util_dupn(v, vl);
	g->mlen = ml;
	g->vlen = vl;
	g->hour = hour;
	g->variant = variant;
	if (!g->key || !g->model || !g->version ||
	    smap_insert(&c->gmap, g->key, g->keylen, h, (uint32_t)c->ng) < 0) {
		group_free(g);
		return NULL;
	}
	c->g[c->ng++] = g;
	return g;
}

static int col_reserve(gcol *k, size_t want)
{
	size_t cap;
	uint8_t *nl;

	if (want <= k->cap)
		return 0;
	cap = k->cap ? k->cap * 2 : 256;
	while (cap < want)
		cap *= 2;
	nl = realloc(k->null, cap);
	if (!nl)
		return -1;
	k->null = nl;
	if (k->type == DM_LOG_NUMBER) {
		double *f = realloc(k->f64, cap * sizeof(*f));

		if (!f)
			return -1;
		k->f64 = f;
	} else if (k->type == DM_LOG_STRING) {
		uint64_t *s = realloc(k->soff, cap * sizeof(*s));

		if (!s)
			return -1;
		k->soff = s;
	}
	k->cap = cap;
	return 0;
}

/* Gives an all-NULL-so-far column its type. */
static int col_settype(gcol *k, uint8_t type)
{
	k->type = type;
	if (!k->cap)
		return 0;
	if (type == DM_LOG_NUMBER) {
		k->f64 = calloc(k->cap, sizeof(*k->f64));
		return k->f64 ? 0 : -1;
	}
	k->soff = calloc(k->cap, sizeof(*k->soff));
	return k->soff ? 0 : -1;
}

/* Pads column k with NULLs up to row n. */
static int col_pad(gcol *k, size_t n)
{
	if (k->n >= n)
		return 0;
	if (col_reserve(k, n) < 0)
		return -1;
	memset(k->null + k->n, 1, n - k->n);
	if (k->f64)
		memset(k->f64 + k->n, 0, (n - k->n) * sizeof(double));
	if (k->soff)
		memset(k->soff + k->n, 0, (n - k->n) * sizeof(uint64_t));
	k->n = n;
	return 0;
}

static long group_col(group *g, const char *name, uint32_t len)
{
	smap_slot *s = smap_find(&g->map, name, len, smap_hash(name, len));

	return s ? (long)s->val : -1;
}

static long group_add_col(group *g, const char *name, uint32_t len,
			  uint8_t pred)
{
	gcol *k;

	if (g->ncols == g->capcols) {
		size_t cap = g->capcols ? g->capcols * 2 : 16;
		gcol *p = realloc(g->cols, cap * sizeof(*p));

		if (!p)
			return -1;
		g->cols = p;
		g->capcols = cap;
	}
	k = &g->cols[g->ncols];
	memset(k, 0, sizeof(*k));
	k->name = util_dupn(name, len);
	k->len = len;
	k->pred = pred;
	if (!k->name || smap_insert(&g->map, k->name, len, smap_hash(name, len),
				    (uint32_t)g->ncols) < 0) {
		free(k->name);
		return -1;
	}
	return (long)g->ncols++;
}

/* 1 if every field of r fits group g's columns. */
static int fits(const conv *c, const group *g, const lg_drec *r)
{
	size_t j;

	for (j = 0; j < r->nfields; j++) {
		const lg_dfield *f = &r->fields[j];
		long ci = c->memo_g[f->name] == g
				  ? (long)c->memo_c[f->name]
				  : group_col((group *)g, c->dec.name[f->name],
					      c->dec.name_len[f->name]);
		const gcol *k;

		if (ci < 0)
			continue;
		k = &g->cols[ci];
		if (k->pred != f->prediction)
			return 0;
		if (f->type != DM_LOG_NULL && k->type != DM_LOG_NULL &&
		    k->type !=
			    (f->type == DM_LOG_BOOL ? DM_LOG_NUMBER : f->type))
			return 0;
	}
	return 1;
}

static uint64_t arena_put(bbuf *a, const char *s, uint32_t len)
{
	uint64_t off = a->len;

	bb_put(a, s, len);
	return off << 32 | len;
}

static int add_record(conv *c, const lg_drec *r)
{
	lg_dec *d = &c->dec;
	int64_t hour = r->ts_us / INT64_C(3600000000);
	unsigned variant = 0;
	group *g;
	size_t row, j;

	for (;;) {
		g = get_group(c, hour, d->model[r->mv], d->mlen[r->mv],
			      d->version[r->mv], d->vlen[r->mv], variant);
		if (!g)
			return -1;
		if (fits(c, g, r))
			break;
		variant++;
	}
	row = g->nrows;
	if (row == g->caprows) {
		size_t cap = g->caprows ? g->caprows * 2 : 256;
		int64_t *ts = realloc(g->ts, cap * sizeof(*ts));
		uint64_t *rid;
		uint8_t *rn;

		if (!ts)
			return -1;
		g->ts = ts;
		rid = realloc(g->rid, cap * sizeof(*rid));
		if (!rid)
			return -1;
		g->rid = rid;
		rn = realloc(g->rid_null, cap);
		if (!rn)
			return -1;
		g->rid_null = rn;
		g->caprows = cap;
	}
	g->ts[row] = r->ts_us;
	g->rid_null[row] = r->rid == NULL;
	g->rid[row] = r->rid ? arena_put(&g->arena, r->rid, r->rid_len) : 0;
	for (j = 0; j < r->nfields; j++) {
		const lg_dfield *f = &r->fields[j];
		long ci;
		gcol *k;

		if (c->memo_g[f->name] == g) {
			ci = (long)c->memo_c[f->name];
		} else {
			ci = group_col(g, d->name[f->name],
				       d->name_len[f->name]);
			if (ci < 0)
				ci = group_add_col(g, d->name[f->name],
						   d->name_len[f->name],
						   f->prediction);
			if (ci < 0)
				return -1;
			c->memo_g[f->name] = g;
			c->memo_c[f->name] = (uint32_t)ci;
		}
		k = &g->cols[ci];
		if (f->type != DM_LOG_NULL && k->type == DM_LOG_NULL &&
		    col_settype(k, f->type == DM_LOG_BOOL ? DM_LOG_NUMBER
							  : f->type) < 0)
			return -1;
		if (col_pad(k, row) < 0 || col_reserve(k, row + 1) < 0)
			return -1;
		k->null[row] = f->type == DM_LOG_NULL;
		if (k->type == DM_LOG_NUMBER) {
			int isnum = f->type == DM_LOG_NUMBER;
			int isbool = f->type == DM_LOG_BOOL;

			k->f64[row] = isnum || isbool ? f->num : 0;
			k->nnum += (size_t)isnum;
			k->nbool += (size_t)isbool;
		} else if (k->type == DM_LOG_STRING)
			k->soff[row] =
				f->type == DM_LOG_STRING
					? arena_put(&g->arena, f->str, f->len)
					: 0;
		k->n = row + 1;
	}
	g->nrows++;
	if (g->arena.err)
		return -1;
	return 0;
}

static int on_batch(void *ctx, const uint8_t *payload, uint32_t len)
{
	conv *c = ctx;
	lg_drec r;
	int rc;

	rc = lg_dec_open(&c->dec, payload, len);
	if (rc == -1) {
		c->bad = 1;
		return 1;
	}
	if (rc < 0) {
		c->oom = 1;
		return 1;
	}
	if (c->dec.nnames > c->capmemo) {
		size_t cap = c->dec.nnames;
		group **mg = realloc(c->memo_g, cap * sizeof(*mg));
		uint32_t *mc;

		if (!mg) {
			c->oom = 1;
			return 1;
		}
		c->memo_g = mg;
		mc = realloc(c->memo_c, cap * sizeof(*mc));
		if (!mc) {
			c->oom = 1;
			return 1;
		}
		c->memo_c = mc;
		c->capmemo = cap;
	}
	if (!c->memo_valid || c->dec.names_raw_len != c->memo_names.len ||
	    memcmp(c->dec.names_raw, c->memo_names.p, c->memo_names.len)) {
		if (c->dec.nnames)
			memset(c->memo_g, 0,
			       c->dec.nnames * sizeof(*c->memo_g));
		c->memo_names.len = 0;
		bb_put(&c->memo_names, c->dec.names_raw, c->dec.names_raw_len);
		c->memo_valid = !c->memo_names.err;
	}
	while ((rc = lg_dec_next(&c->dec, &r)) == 1) {
		if (add_record(c, &r) < 0) {
			c->oom = 1;
			return 1;
		}
		c->rows++;
	}
	if (rc == -1) {
		c->bad = 1;
		return 1;
	}
	if (rc < 0) {
		c->oom = 1;
		return 1;
	}
	return 0;
}

/* Type of an all-NULL column: the schema's, else number. */
static uint8_t null_col_type(const lg_convert_opts *o, const group *g,
			     const gcol *k)
{
	const lg_scol *sc;
	uint8_t t = DM_LOG_NUMBER;

	if (!o->schema)
		return t;
	if (o->schema_lock)
		pthread_rwlock_rdlock(o->schema_lock);
	sc = lg_schema_col(o->schema, g->model, g->mlen, g->version, g->vlen,
			   k->name, k->len);
	if (sc && sc->type == DM_LOG_STRING)
		t = DM_LOG_STRING;
	if (o->schema_lock)
		pthread_rwlock_unlock(o->schema_lock);
	return t;
}

static void lg_outfiles_free_one(lg_outfile *f)
{
	group_free(f->grp);
	free(f->key);
	free(f->data);
	free(f->model);
	free(f->version);
	memset(f, 0, sizeof(*f));
}

/*
 * The Parquet file is written through a FILE that appends to a bbuf:
 * open_memstream zero-fills and copies its whole buffer each time it
 * grows (7% of the library logger's CPU); a bbuf grows by realloc, which
 * moves large blocks by remapping them.  0 on error, as fopencookie asks.
 */
static ssize_t bbuf_cookie_write(void *c, const char *p, size_t n)
{
	bbuf *b = c;

	bb_put(b, p, n);
	return b->err ? 0 : (ssize_t)n;
}

static FILE *bbuf_open(bbuf *b)
{
	static const cookie_io_functions_t io = {.write = bbuf_cookie_write};

	bb_init(b, (size_t)1 << 40);
	return fopencookie(b, "w", io);
}

static dm_err write_group(const lg_convert_opts *o, const wal_segid *id,
			  group *g, size_t gi, lg_outfile *out, dm_diag *diag)
{
	dm_parquet_wcol *wc = NULL;
	dm_parquet_writer_opts wo;
	dm_parquet_writer *w = NULL;
	dm_parquet_kv kv[3];
	dm_strref *refs = NULL, *mref = NULL, *vref = NULL;
	char segname[160], *preds = NULL;
	size_t ncols = LC_FIXED + g->ncols, i, a, plen;
	FILE *fp = NULL;
	bbuf ob = {0};
	char hp[DM_LAYOUT_KEY_MAX];
	dm_err err = DM_OK;
	jw j;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < g->ncols; i++) {
		gcol *k = &g->cols[i];

		if (k->type == DM_LOG_NULL &&
		    col_settype(k, null_col_type(o, g, k)) < 0)
			return DM_ENOMEM;
		if (col_pad(k, g->nrows) < 0)
			return DM_ENOMEM;
	}
	wc = calloc(ncols, sizeof(*wc));
	refs = malloc(RG_ROWS * sizeof(*refs));
	mref = malloc(RG_ROWS * sizeof(*mref));
	vref = malloc(RG_ROWS * sizeof(*vref));
	if (!wc || !refs || !mref || !vref) {
		err = DM_ENOMEM;
		goto out;
	}
	for (i = 0; i < RG_ROWS; i++) {
		mref[i].ptr = g->model;
		mref[i].len = g->mlen;
		vref[i].ptr = g->version;
		vref[i].len = g->vlen;
	}
	wc[LC_TIMESTAMP].name = DM_LOG_COL_TIMESTAMP;
	wc[LC_TIMESTAMP].type = DM_PARQUET_W_TIMESTAMP;
	wc[LC_MODEL].name = DM_LOG_COL_MODEL;
	wc[LC_MODEL].type = DM_PARQUET_W_STRING;
	wc[LC_VERSION].name = DM_LOG_COL_VERSION;
	wc[LC_VERSION].type = DM_PARQUET_W_STRING;
	wc[LC_REQUEST].name = DM_LOG_COL_REQUEST;
	wc[LC_REQUEST].type = DM_PARQUET_W_STRING;
	wc[LC_REQUEST].optional = 1;
	jw_init(&j, 0, 0);
	jw_arr(&j);
	for (i = 0; i < g->ncols; i++) {
		wc[LC_FIXED + i].name = g->cols[i].name;
		/* a column of booleans only is BOOLEAN (docs/log-format.md) */
		wc[LC_FIXED + i].type = g->cols[i].type == DM_LOG_STRING
						? DM_PARQUET_W_STRING
					: g->cols[i].nbool && !g->cols[i].nnum
						? DM_PARQUET_W_BOOLEAN
						: DM_PARQUET_W_DOUBLE;
		wc[LC_FIXED + i].optional = 1;
		if (g->cols[i].pred)
			jw_strn(&j, g->cols[i].name, g->cols[i].len);
	}
	jw_arr_end(&j);
	if (jw_finish(&j, &preds, &plen) != DM_OK) {
		err = DM_ENOMEM;
		goto out;
	}
	snprintf(segname, sizeof(segname), "%s-%ld-%s-%u", id->host, id->pid,
		 id->nonce, id->seq);
	kv[0].key = "driftmon.log_format";
	kv[0].value = "1";
	kv[1].key = "driftmon.wal_segment";
	kv[1].value = segname;
	kv[2].key = "driftmon.prediction_columns";
	kv[2].value = preds;
	memset(&wo, 0, sizeof(wo));
	wo.codec = (dm_parquet_codec)o->codec;
	wo.rowgroup_rows = RG_ROWS;
	wo.kv = kv;
	wo.nkv = 3;
	fp = bbuf_open(&ob);
	if (!fp) {
		err = DM_ENOMEM;
		goto out;
	}
	err = dm_parquet_writer_open_fp(fp, wc, ncols, &wo, &w, diag);
	if (err)
		goto out;
	for (a = 0; a < g->nrows && !err; a += RG_ROWS) {
		size_t n = g->nrows - a < RG_ROWS ? g->nrows - a : RG_ROWS;

		err = dm_parquet_writer_write_i64(w, LC_TIMESTAMP, g->ts + a,
						  NULL, n, diag);
		if (!err)
			err = dm_parquet_writer_write_str(w, LC_MODEL, mref,
							  NULL, n, diag);
		if (!err)
			err = dm_parquet_writer_write_str(w, LC_VERSION, vref,
							  NULL, n, diag);
		for (i = 0; i < n; i++) {
			refs[i].ptr = (const char *)g->arena.p +
				      (g->rid[a + i] >> 32);
			refs[i].len = (uint32_t)g->rid[a + i];
		}
		if (!err)
			err = dm_parquet_writer_write_str(
				w, LC_REQUEST, refs, g->rid_null + a, n, diag);
		for (size_t ci = 0; ci < g->ncols && !err; ci++) {
			gcol *k = &g->cols[ci];

			if (k->type == DM_LOG_NUMBER) {
				err = dm_parquet_writer_write_f64(
					w, LC_FIXED + ci, k->f64 + a,
					k->null + a, n, diag);
				continue;
			}
			for (i = 0; i < n; i++) {
				refs[i].ptr = (const char *)g->arena.p +
					      (k->soff[a + i] >> 32);
				refs[i].len = (uint32_t)k->soff[a + i];
			}
			err = dm_parquet_writer_write_str(
				w, LC_FIXED + ci, refs, k->null + a, n, diag);
		}
		if (!err)
			err = dm_parquet_writer_end_rows(w, diag);
	}
	if (err) {
		dm_parquet_writer_abort(w);
		w = NULL;
		goto out;
	}
	err = dm_parquet_writer_close(w, diag);
	w = NULL;
	if (err)
		goto out;
	if (fclose(fp) != 0 || ob.err) {
		fp = NULL;
		err = ob.err == DM_ETOOBIG ? DM_ETOOBIG : DM_ENOMEM;
		goto out;
	}
	fp = NULL;
	/* the hour partition of the layout (driftmon/layout.h) */
	err = dm_layout_hour_prefix(o->prefix, (time_t)(g->hour * 3600), hp,
				    sizeof(hp), diag);
	if (err)
		goto out;
	if (asprintf(&out->key, "%spart-%s-%ld-%s-%u-%zu.parquet", hp, id->host,
		     id->pid, id->nonce, id->seq, gi) < 0) {
		out->key = NULL;
		err = DM_ENOMEM;
		goto out;
	}
	out->data = ob.p;
	out->len = ob.len;
	out->rows = g->nrows;
	out->hour = g->hour * 3600;
	out->model = util_dupn(g->model, g->mlen);
	out->version = util_dupn(g->version, g->vlen);
	ob.p = NULL;
	if (!out->model || !out->version) {
		lg_outfiles_free_one(out);
		err = DM_ENOMEM;
	}
out:
	if (w)
		dm_parquet_writer_abort(w);
	if (fp)
		fclose(fp);
	bb_release(&ob);
	free(preds);
	free(wc);
	free(refs);
	free(mref);
	free(vref);
	return err;
}

void lg_outfiles_free(lg_outfile *f, size_t n)
{
	size_t i;

	if (!f)
		return;
	for (i = 0; i < n; i++)
		lg_outfiles_free_one(&f[i]);
	free(f);
}

dm_err lg_convert_segment(const char *path, const lg_convert_opts *o,
			  lg_outfile **out, size_t *nout, uint64_t *rows,
			  dm_diag *diag)
{
	conv c;
	wal_scan sc;
	lg_outfile *files = NULL;
	size_t i, nf = 0;
	int fd, rc;
	dm_err err = DM_OK;

	*out = NULL;
	*nout = 0;
	*rows = 0;
	memset(&c, 0, sizeof(c));
	c.o = o;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return dm_diag_set(diag, DM_EIO, path, 0, NULL, "%s",
				   strerror(errno));
	rc = wal_scan_fd(fd, on_batch, &c, &sc);
	close(fd);
	if (rc < 0 && !c.oom) {
		err = dm_diag_set(diag, DM_EIO, path, 0, NULL, "read: %s",
				  strerror(errno));
		goto out;
	}
	if (c.oom) {
		err = dm_diag_set(diag, DM_ENOMEM, path, 0, NULL,
				  "out of memory converting the segment");
		goto out;
	}
	if (sc.bad_magic || !sc.has_header || c.bad) {
		err = dm_diag_set(diag, DM_EFORMAT, path, 0, NULL, "%s",
				  sc.bad_magic	   ? "not a WAL segment"
				  : !sc.has_header ? "segment has no header"
						   : "malformed batch");
		goto out;
	}
	files = calloc(c.ng ? c.ng : 1, sizeof(*files));
	if (!files) {
		err = DM_ENOMEM;
		goto out;
	}
	for (i = 0; i < c.ng; i++) {
		err = write_group(o, &sc.id, c.g[i], i, &files[nf], diag);
		if (err)
			goto out;
		nf++;
		/* the group's columns are no longer needed, unless the hour
		 * profiles read them (lg_outfile_reader) */
		if (o->keep_columns) {
			smap_release(&c.g[i]->map);
			files[nf - 1].grp = c.g[i];
		} else {
			group_free(c.g[i]);
		}
		c.g[i] = NULL;
	}
	*out = files;
	*nout = nf;
	*rows = c.rows;
	files = NULL;
	nf = 0;
out:
	lg_outfiles_free(files, nf);
	for (i = 0; i < c.ng; i++)
		group_free(c.g[i]);
	free(c.g);
	smap_release(&c.gmap);
	lg_dec_release(&c.dec);
	free(c.memo_g);
	bb_release(&c.memo_names);
	free(c.memo_c);
	return err;
}

/* ---- the columns of a file, read back for its hour profile ------------- */
/*
 * The Parquet reader's batches: at most this many rows (its default,
 * dm_reader_opts.batch_rows 0), never across a row group.
 */
#define GR_BATCH 8192

typedef struct gr_col {
	dm_strref *str; /* STRING columns: the batch's cells */
	double *f64;	/* BOOLEAN columns: the batch's 0/1 */
	uint8_t *null;
} gr_col;

typedef struct grp_reader {
	dm_reader base;
	dm_reader *pq; /* the file's own reader (owns the source) */
	const group *g;
	uint8_t *keep;
	int delegate; /* projection needs a column served by pq only */
	size_t row;   /* next row of g */
	dm_batch batch;
	dm_column *cols;
	gr_col *gc;		       /* scratch per column */
	uint8_t *allnull;	       /* GR_BATCH ones, after keep */
	dm_strref *refs, *mref, *vref; /* "", model, version: a batch each */
} grp_reader;

static void grr_free(dm_reader *r)
{
	grp_reader *p = (grp_reader *)r;
	size_t i;

	if (!p)
		return;
	for (i = 0; p->gc && i < r->ncols; i++) {
		free(p->gc[i].str);
		free(p->gc[i].f64);
		free(p->gc[i].null);
	}
	free(p->gc);
	free(p->cols);
	free(p->refs);
	free(p->keep); /* allnull is in it */
	dm_reader_free(p->pq);
	free(p);
}

static dm_err grr_project(dm_reader *r, const uint8_t *keep)
{
	grp_reader *p = (grp_reader *)r;
	size_t i;

	if (r->rows_read)
		return DM_EINVAL;
	for (i = 0; i < r->ncols; i++)
		p->keep[i] = keep ? keep[i] != 0 : 1;
	/* the timestamp is stored as micros, read as seconds: pq's */
	p->delegate = p->keep[LC_TIMESTAMP];
	return p->delegate ? dm_reader_project(p->pq, p->keep) : DM_OK;
}

/* The next batch of rows [a, a + n) of column i (kept) into c. */
static dm_err grr_column(grp_reader *p, size_t i, size_t a, size_t n,
			 dm_column *c)
{
	const group *g = p->g;
	gr_col *s = &p->gc[i];
	const uint8_t *null = NULL;
	const uint64_t *soff = NULL;
	size_t j;

	if (i == LC_MODEL || i == LC_VERSION) { /* required */
		c->type = DM_COL_STRING;
		c->str = i == LC_MODEL ? p->mref : p->vref;
		return DM_OK;
	}
	if (i == LC_REQUEST) {
		null = g->rid_null + a;
		soff = g->rid + a;
	} else {
		const gcol *k = &g->cols[i - LC_FIXED];

		null = k->null + a;
		if (k->type == DM_LOG_STRING) {
			soff = k->soff + a;
		} else if (k->nbool && !k->nnum) {
			/* written as BOOLEAN: NULL for NaN, else x != 0 */
			if ((!s->f64 && !(s->f64 = malloc(GR_BATCH * 8))) ||
			    (!s->null && !(s->null = malloc(GR_BATCH))))
				return DM_ENOMEM;
			for (j = 0; j < n; j++) {
				double x = k->f64[a + j];

				s->null[j] = null[j] || isnan(x);
				s->f64[j] = s->null[j] ? 0.0
					    : x != 0   ? 1.0
						       : 0.0;
			}
			c->type = DM_COL_DOUBLE;
			c->f64 = s->f64;
			c->null = memchr(s->null, 1, n) ? s->null : NULL;
			return DM_OK;
		} else {
			c->type = DM_COL_DOUBLE;
			c->f64 = k->f64 + a;
			c->null = memchr(null, 1, n) ? (uint8_t *)null : NULL;
			return DM_OK;
		}
	}
	if (!s->str && !(s->str = malloc(GR_BATCH * sizeof(*s->str))))
		return DM_ENOMEM;
	for (j = 0; j < n; j++) {
		s->str[j].ptr = (const char *)g->arena.p + (soff[j] >> 32);
		s->str[j].len = (uint32_t)soff[j];
	}
	c->type = DM_COL_STRING;
	c->str = s->str;
	c->null = memchr(null, 1, n) ? (uint8_t *)null : NULL;
	return DM_OK;
}

static dm_err grr_next(dm_reader *r, dm_batch **batch, dm_diag *diag)
{
	grp_reader *p = (grp_reader *)r;
	size_t a = p->row, n, i;
	dm_err err;

	*batch = NULL;
	if (p->delegate) {
		err = dm_reader_next(p->pq, batch, diag);
		r->rows_read = p->pq->rows_read;
		return err;
	}
	if (a >= p->g->nrows)
		return DM_OK;
	/* the rest of the row group, at most a batch */
	n = RG_ROWS - a % RG_ROWS;
	if (n > p->g->nrows - a)
		n = p->g->nrows - a;
	if (n > GR_BATCH)
		n = GR_BATCH;
	for (i = 0; i < r->ncols; i++) {
		dm_column *c = &p->cols[i];

		memset(c, 0, sizeof(*c));
		if (!p->keep[i]) {
			c->type = DM_COL_TEXT;
			c->str = p->refs;
			c->null = p->allnull;
		} else if ((err = grr_column(p, i, a, n, c)) != DM_OK) {
			return err;
		}
	}
	p->batch = (dm_batch){n, r->ncols, p->cols, r->rows_read + 1, NULL};
	*batch = &p->batch;
	r->rows_read += n;
	p->row = a + n;
	return DM_OK;
}

static const dm_reader_ops grp_reader_ops = {
	.format = "parquet",
	.next = grr_next,
	.project = grr_project,
	.free = grr_free,
};

/* The file's columns are the group's, in order, of the types written. */
static int grr_matches(const dm_reader *pq, const group *g)
{
	static const char *const fixed[LC_FIXED] = {
		DM_LOG_COL_TIMESTAMP, DM_LOG_COL_MODEL, DM_LOG_COL_VERSION,
		DM_LOG_COL_REQUEST};
	size_t i;

	if (pq->ncols != LC_FIXED + g->ncols || !pq->ltypes)
		return 0;
	for (i = 0; i < pq->ncols; i++) {
		const gcol *k = i >= LC_FIXED ? &g->cols[i - LC_FIXED] : NULL;
		dm_coltype want = i == LC_TIMESTAMP	     ? DM_COL_DOUBLE
				  : !k			     ? DM_COL_STRING
				  : k->type == DM_LOG_STRING ? DM_COL_STRING
							     : DM_COL_DOUBLE;

		if (strcmp(pq->names[i], k ? k->name : fixed[i]) ||
		    pq->types[i] != want ||
		    (k && (pq->ltypes[i] == DM_LTYPE_BOOLEAN) !=
				  (k->type != DM_LOG_STRING && k->nbool &&
				   !k->nnum)))
			return 0;
	}
	return 1;
}

dm_err lg_outfile_reader(const lg_outfile *f, dm_reader **out, dm_diag *diag)
{
	const group *g = f->grp;
	dm_source *src = NULL;
	dm_reader *pq = NULL;
	grp_reader *p;
	size_t i, nc;
	dm_err err;

	*out = NULL;
	if (!g)
		return DM_EINVAL;
	err = dm_source_open_mem(f->key, f->data, f->len, 0, &src);
	if (err == DM_OK)
		err = dm_reader_open(src, NULL, &pq, diag);
	if (err != DM_OK)
		return err;
	if (!grr_matches(pq, g)) {
		*out = pq; /* not as expected: the file itself */
		return DM_OK;
	}
	nc = pq->ncols;
	p = calloc(1, sizeof(*p));
	if (!p) {
		dm_reader_free(pq);
		return DM_ENOMEM;
	}
	p->base = *pq; /* names, types, hints: the file's */
	p->base.ops = &grp_reader_ops;
	p->base.rows_read = 0;
	p->base.rows_skipped = 0;
	p->base.batches_kept = 0;
	p->pq = pq;
	p->g = g;
	p->keep = malloc(nc + GR_BATCH);
	p->cols = calloc(nc, sizeof(*p->cols));
	p->gc = calloc(nc, sizeof(*p->gc));
	p->refs = malloc(3 * GR_BATCH * sizeof(*p->refs));
	if (!p->keep || !p->cols || !p->gc || !p->refs) {
		grr_free(&p->base);
		return DM_ENOMEM;
	}
	memset(p->keep, 1, nc + GR_BATCH);
	p->allnull = p->keep + nc;
	p->mref = p->refs + GR_BATCH;
	p->vref = p->refs + 2 * GR_BATCH;
	p->delegate = 1; /* until projected: every column */
	for (i = 0; i < GR_BATCH; i++) {
		p->refs[i].ptr = "";
		p->refs[i].len = 0;
		p->mref[i].ptr = g->model;
		p->mref[i].len = g->mlen;
		p->vref[i].ptr = g->version;
		p->vref[i].len = g->vlen;
	}
	*out = &p->base;
	return DM_OK;
}
