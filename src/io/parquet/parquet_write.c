/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The Parquet writer: flat schemas, data pages v1, PLAIN numbers,
 * dictionary-encoded strings (PLAIN once a chunk's dictionary passes its
 * size limit), definition levels for optional columns, SNAPPY / ZSTD /
 * no compression, chunk statistics, key-value metadata.
 *
 * Values are encoded into the current page of their column as they
 * arrive; a full page is compressed into the column's chunk buffer, and
 * at the end of a row group each column chunk (its dictionary page first)
 * is written out.  Memory is therefore one row group of *compressed*
 * data plus one open page per column.  The file starts with "PAR1"; the
 * footer and the closing "PAR1" are written last, and a path is written
 * under a temporary name and renamed into place only once complete, so a
 * crash never leaves a complete-looking file.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io/parquet/parquet_int.h"

#ifndef DM_VERSION
#define DM_VERSION "dev"
#endif

#define DEF_RG_ROWS 131072
#define DEF_PAGE    ((size_t)1 << 20)
#define DEF_DICT    ((size_t)1 << 20)

typedef struct wchunk {
	int64_t num_values;
	int64_t usize, csize;
	int64_t data_off, dict_off; /* dict_off -1 if none */
	uint32_t encodings;
	int64_t nulls;
	int has_minmax;
	bbuf min, max; /* PLAIN bytes */
} wchunk;

typedef struct wrg {
	int64_t num_rows;
	int64_t usize, csize, offset;
	wchunk *chunks;
} wrg;

typedef struct wcol {
	char *name;
	dm_parquet_wtype type;
	int optional;
	int phys;
	/* the open page */
	bbuf vals;     /* PLAIN values (or nothing in dictionary mode) */
	uint32_t *idx; /* dictionary indices of the page */
	size_t nidx, idxcap;
	uint8_t *lev; /* definition levels of the page */
	size_t nlev, levcap;
	size_t page_vals; /* non-NULL values */
	uint64_t bits;	  /* booleans: bits used in the last byte */
	/* the chunk so far */
	bbuf chunk;
	int64_t chunk_usize, chunk_values;
	size_t rows; /* rows in the current row group */
	/* dictionary of the chunk */
	int dict_on; /* still adding to the dictionary */
	int dict_used;
	bbuf dict;	  /* PLAIN: length + bytes */
	size_t *dict_off; /* entry -> offset in dict */
	size_t dict_n, dict_cap;
	uint32_t *slots; /* open addressing: entry + 1 */
	size_t nslots;
	/* statistics of the chunk */
	int64_t nulls;
	int has_minmax;
	double dmin, dmax;
	int64_t imin, imax;
	bbuf smin, smax;
	uint32_t encodings;
} wcol;

struct dm_parquet_writer {
	FILE *fp;
	int own_fp;
	char *path, *tmp;
	uint64_t off;
	int failed;
	dm_parquet_writer_opts o;
	size_t ncols;
	wcol *c;
	size_t rg_rows;
	wrg *rgs;
	size_t nrg, rgcap;
	int64_t total_rows;
	dm_parquet_kv *kv;
	size_t nkv;
	char *created_by;
};

static char *xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = malloc(n);

	if (p)
		memcpy(p, s, n);
	return p;
}

static dm_err wfail(dm_parquet_writer *w, dm_diag *diag, dm_err err,
		    const char *col, const char *fmt, const char *detail)
{
	if (w)
		w->failed = 1;
	return dm_diag_set(diag, err, w && w->path ? w->path : NULL, 0, col,
			   fmt, detail);
}

static dm_err wwrite(dm_parquet_writer *w, const void *p, size_t n,
		     dm_diag *diag)
{
	if (n && fwrite(p, 1, n, w->fp) != n)
		return wfail(w, diag, DM_EIO, NULL, "cannot write: %s",
			     strerror(errno));
	w->off += n;
	return DM_OK;
}

static void wcol_release(wcol *c)
{
	free(c->name);
	bb_release(&c->vals);
	free(c->idx);
	free(c->lev);
	bb_release(&c->chunk);
	bb_release(&c->dict);
	free(c->dict_off);
	free(c->slots);
	bb_release(&c->smin);
	bb_release(&c->smax);
}

static void writer_free(dm_parquet_writer *w)
{
	size_t i, j;

	if (!w)
		return;
	for (i = 0; w->c && i < w->ncols; i++)
		wcol_release(&w->c[i]);
	free(w->c);
	for (i = 0; i < w->nrg; i++) {
		for (j = 0; j < w->ncols; j++) {
			bb_release(&w->rgs[i].chunks[j].min);
			bb_release(&w->rgs[i].chunks[j].max);
		}
		free(w->rgs[i].chunks);
	}
	free(w->rgs);
	for (i = 0; i < w->nkv; i++) {
		free((char *)(uintptr_t)w->kv[i].key);
		free((char *)(uintptr_t)w->kv[i].value);
	}
	free(w->kv);
	free(w->created_by);
	free(w->path);
	free(w->tmp);
	free(w);
}

static dm_err writer_new(const dm_parquet_wcol *cols, size_t ncols,
			 const dm_parquet_writer_opts *opts,
			 dm_parquet_writer **out, dm_diag *diag)
{
	dm_parquet_writer *w;
	size_t i;

	*out = NULL;
	if (!ncols)
		return dm_diag_set(diag, DM_EINVAL, NULL, 0, NULL,
				   "a Parquet file needs at least one column");
	w = calloc(1, sizeof(*w));
	if (!w)
		return DM_ENOMEM;
	if (opts)
		w->o = *opts;
	else
		w->o.codec = DM_PARQUET_SNAPPY;
	if (w->o.codec != DM_PARQUET_SNAPPY && w->o.codec != DM_PARQUET_ZSTD &&
	    w->o.codec != DM_PARQUET_UNCOMPRESSED) {
		writer_free(w);
		return dm_diag_set(diag, DM_EUNSUPPORTED, NULL, 0, NULL,
				   "the writer compresses with SNAPPY, ZSTD "
				   "or nothing, not %s",
				   dm_parquet_codec_name(opts->codec));
	}
	if (!w->o.rowgroup_rows)
		w->o.rowgroup_rows = DEF_RG_ROWS;
	if (!w->o.page_bytes)
		w->o.page_bytes = DEF_PAGE;
	if (!w->o.dict_max_bytes)
		w->o.dict_max_bytes = DEF_DICT;
	w->ncols = ncols;
	w->c = calloc(ncols, sizeof(*w->c));
	w->created_by =
		xstrdup(w->o.created_by ? w->o.created_by
					: "driftmon version " DM_VERSION);
	if (!w->c || !w->created_by)
		goto oom;
	for (i = 0; i < ncols; i++) {
		wcol *c = &w->c[i];
		if (!cols[i].name ||
		    (unsigned)cols[i].type > DM_PARQUET_W_TIMESTAMP) {
			writer_free(w);
			return dm_diag_set(diag, DM_EINVAL, NULL, 0, NULL,
					   "column %zu: no name or bad type",
					   i);
		}
		for (size_t j = 0; j < i; j++)
			if (!strcmp(cols[j].name, cols[i].name)) {
				writer_free(w);
				return dm_diag_set(diag, DM_EINVAL, NULL, 0,
						   cols[i].name,
						   "duplicate column name");
			}
		if (!(c->name = xstrdup(cols[i].name)))
			goto oom;
		c->type = cols[i].type;
		c->optional = cols[i].optional != 0;
		switch (c->type) {
		case DM_PARQUET_W_DOUBLE:
			c->phys = DM_PARQUET_DOUBLE;
			break;
		case DM_PARQUET_W_INT32:
			c->phys = DM_PARQUET_INT32;
			break;
		case DM_PARQUET_W_BOOLEAN:
			c->phys = DM_PARQUET_BOOLEAN;
			break;
		case DM_PARQUET_W_STRING:
			c->phys = DM_PARQUET_BYTE_ARRAY;
			break;
		default:
			c->phys = DM_PARQUET_INT64;
		}
		c->dict_on =
			c->phys == DM_PARQUET_BYTE_ARRAY && !w->o.no_dictionary;
	}
	if (w->o.nkv) {
		w->kv = calloc(w->o.nkv, sizeof(*w->kv));
		if (!w->kv)
			goto oom;
		for (i = 0; i < w->o.nkv; i++, w->nkv++) {
			w->kv[i].key =
				xstrdup(w->o.kv[i].key ? w->o.kv[i].key : "");
			w->kv[i].value = w->o.kv[i].value
						 ? xstrdup(w->o.kv[i].value)
						 : NULL;
			if (!w->kv[i].key ||
			    (w->o.kv[i].value && !w->kv[i].value)) {
				w->nkv++;
				goto oom;
			}
		}
	}
	w->o.kv = NULL;
	w->o.created_by = NULL;
	*out = w;
	return DM_OK;
oom:
	writer_free(w);
	return DM_ENOMEM;
}

dm_err dm_parquet_writer_open_fp(FILE *fp, const dm_parquet_wcol *cols,
				 size_t ncols,
				 const dm_parquet_writer_opts *opts,
				 dm_parquet_writer **out, dm_diag *diag)
{
	dm_err err = writer_new(cols, ncols, opts, out, diag);

	if (err)
		return err;
	(*out)->fp = fp;
	err = wwrite(*out, "PAR1", 4, diag);
	if (err) {
		writer_free(*out);
		*out = NULL;
	}
	return err;
}

dm_err dm_parquet_writer_open(const char *path, const dm_parquet_wcol *cols,
			      size_t ncols, const dm_parquet_writer_opts *opts,
			      dm_parquet_writer **out, dm_diag *diag)
{
	dm_parquet_writer *w;
	dm_err err = writer_new(cols, ncols, opts, &w, diag);
	size_t n;

	*out = NULL;
	if (err)
		return err;
	n = strlen(path) + 32;
	w->path = xstrdup(path);
	w->tmp = malloc(n);
	if (!w->path || !w->tmp) {
		writer_free(w);
		return DM_ENOMEM;
	}
	snprintf(w->tmp, n, "%s.tmp-%ld", path, (long)getpid());
	w->fp = fopen(w->tmp, "wb");
	if (!w->fp) {
		err = dm_diag_set(diag, DM_EIO, path, 0, NULL,
				  "cannot create '%s': %s", w->tmp,
				  strerror(errno));
		writer_free(w);
		return err;
	}
	w->own_fp = 1;
	if ((err = wwrite(w, "PAR1", 4, diag))) {
		dm_parquet_writer_abort(w);
		return err;
	}
	*out = w;
	return DM_OK;
}

/* ---- RLE / bit-packed hybrid encoder -------------------------------- */
static size_t run_at(const uint32_t *v, size_t n, size_t i)
{
	size_t j = i;

	while (j < n && v[j] == v[i])
		j++;
	return j - i;
}

static void rle_encode(bbuf *b, const uint32_t *v, size_t n, int bw)
{
	size_t i = 0, vb = ((size_t)bw + 7) / 8;

	while (i < n) {
		size_t run = run_at(v, n, i);
		if (run >= 8) {
			bb_uvarint(b, (uint64_t)run << 1);
			for (size_t k = 0; k < vb; k++)
				bb_u8(b, (uint8_t)(v[i] >> (8 * k)));
			i += run;
			continue;
		}
		size_t start = i, groups = 0;
		do {
			i += 8;
			groups++;
		} while (i < n && groups < 63 && run_at(v, n, i) < 8);
		bb_uvarint(b, (uint64_t)groups << 1 | 1);
		if (!bb_reserve(b, groups * (size_t)bw))
			return;
		uint8_t *o = b->p + b->len;
		memset(o, 0, groups * (size_t)bw);
		for (size_t k = 0; k < groups * 8; k++) {
			uint64_t x = start + k < n ? v[start + k] : 0;
			uint64_t bit = (uint64_t)k * (uint64_t)bw;
			for (int t = 0; t < bw; t++, bit++)
				if (x >> t & 1)
					o[bit >> 3] |=
						(uint8_t)(1u << (bit & 7));
		}
		b->len += groups * (size_t)bw;
		if (i > n)
			i = n;
	}
}

static int bit_width(uint64_t max)
{
	int bw = 0;

	while (max) {
		bw++;
		max >>= 1;
	}
	return bw;
}

/* ---- pages ---------------------------------------------------------- */
static void page_header(bbuf *b, int type, size_t usize, size_t csize,
			int32_t nvals, int enc)
{
	pq_tw t;

	tw_init(&t, b);
	tw_i32(&t, 1, type);
	tw_i32(&t, 2, (int32_t)usize);
	tw_i32(&t, 3, (int32_t)csize);
	if (type == 2) {
		tw_struct_begin(&t, 7);
		tw_i32(&t, 1, nvals);
		tw_i32(&t, 2, enc);
		tw_struct_end(&t);
	} else {
		tw_struct_begin(&t, 5);
		tw_i32(&t, 1, nvals);
		tw_i32(&t, 2, enc);
		tw_i32(&t, 3, DM_PARQUET_ENC_RLE);
		tw_i32(&t, 4, DM_PARQUET_ENC_RLE);
		tw_struct_end(&t);
	}
	bb_u8(b, TC_STOP);
}

/* Compresses raw and appends header + data to out. */
static dm_err emit_page(dm_parquet_writer *w, bbuf *out, int type,
			const bbuf *raw, int32_t nvals, int enc, int64_t *usize)
{
	uint8_t *z = NULL;
	size_t zl = 0, before = out->len;
	dm_err err;

	if (raw->len > INT32_MAX)
		return DM_ETOOBIG;
	err = pq_compress((int)w->o.codec, w->o.zstd_level, raw->p, raw->len,
			  &z, &zl);
	if (err)
		return err;
	page_header(out, type, raw->len, zl, nvals, enc);
	bb_put(out, z, zl);
	free(z);
	if (out->err)
		return out->err;
	*usize += (int64_t)(out->len - before - zl + raw->len);
	return DM_OK;
}

static dm_err flush_page(dm_parquet_writer *w, wcol *c)
{
	bbuf page = {0};
	dm_err err;
	size_t nrows = c->nlev;
	int enc;

	if (!nrows)
		return DM_OK;
	if (c->optional) {
		bbuf lv = {0};
		uint32_t *tmp = malloc(nrows * sizeof(uint32_t));
		uint8_t len4[4];
		if (!tmp)
			return DM_ENOMEM;
		for (size_t i = 0; i < nrows; i++)
			tmp[i] = c->lev[i];
		rle_encode(&lv, tmp, nrows, 1);
		free(tmp);
		wr_le32(len4, (uint32_t)lv.len);
		bb_put(&page, len4, 4);
		bb_put(&page, lv.p, lv.len);
		bb_release(&lv);
	}
	if (c->nidx) {
		int bw = bit_width(c->dict_n ? c->dict_n - 1 : 0);
		if (bw == 0)
			bw = 1;
		bb_u8(&page, (uint8_t)bw);
		rle_encode(&page, c->idx, c->nidx, bw);
		enc = DM_PARQUET_ENC_PLAIN_DICTIONARY;
		c->dict_used = 1;
	} else {
		bb_put(&page, c->vals.p, c->vals.len);
		enc = DM_PARQUET_ENC_PLAIN;
	}
	if (page.err) {
		err = page.err;
		bb_release(&page);
		return err;
	}
	err = emit_page(w, &c->chunk, 0, &page, (int32_t)nrows, enc,
			&c->chunk_usize);
	bb_release(&page);
	if (err)
		return err;
	c->encodings |= 1u << enc;
	if (c->optional)
		c->encodings |= 1u << DM_PARQUET_ENC_RLE;
	c->chunk_values += (int64_t)nrows;
	c->vals.len = 0;
	c->nidx = 0;
	c->nlev = 0;
	c->page_vals = 0;
	c->bits = 0;
	return DM_OK;
}

static size_t page_size(const wcol *c)
{
	return c->vals.len + c->nidx * 2 + c->nlev / 8;
}

/* ---- appending values ------------------------------------------------- */
static int push_level(wcol *c, uint8_t lv)
{
	if (c->nlev == c->levcap) {
		size_t n = c->levcap ? 2 * c->levcap : 1024;
		uint8_t *p = realloc(c->lev, n);
		if (!p)
			return -1;
		c->lev = p;
		c->levcap = n;
	}
	c->lev[c->nlev++] = lv;
	return 0;
}

static uint64_t fnv(const void *p, size_t n)
{
	const uint8_t *s = p;
	uint64_t h = 1469598103934665603ull;

	for (size_t i = 0; i < n; i++)
		h = (h ^ s[i]) * 1099511628211ull;
	return h;
}

static int dict_grow(wcol *c)
{
	size_t n = c->nslots ? 2 * c->nslots : 1024;
	uint32_t *s = calloc(n, sizeof(*s));

	if (!s)
		return -1;
	for (size_t e = 0; e < c->dict_n; e++) {
		const uint8_t *p = c->dict.p + c->dict_off[e];
		uint32_t l = rd_le32(p);
		size_t h = (size_t)fnv(p + 4, l) & (n - 1);
		while (s[h])
			h = (h + 1) & (n - 1);
		s[h] = (uint32_t)e + 1;
	}
	free(c->slots);
	c->slots = s;
	c->nslots = n;
	return 0;
}

/* Index of the string in the dictionary (added if new); -1 on OOM. */
static long dict_index(wcol *c, const char *p, uint32_t l)
{
	size_t h;
	uint8_t len4[4];

	if ((c->dict_n + 1) * 2 > c->nslots && dict_grow(c))
		return -1;
	h = (size_t)fnv(p, l) & (c->nslots - 1);
	while (c->slots[h]) {
		size_t e = c->slots[h] - 1;
		const uint8_t *q = c->dict.p + c->dict_off[e];
		if (rd_le32(q) == l && !memcmp(q + 4, p, l))
			return (long)e;
		h = (h + 1) & (c->nslots - 1);
	}
	if (c->dict_n == c->dict_cap) {
		size_t n = c->dict_cap ? 2 * c->dict_cap : 256;
		size_t *o = realloc(c->dict_off, n * sizeof(*o));
		if (!o)
			return -1;
		c->dict_off = o;
		c->dict_cap = n;
	}
	c->dict_off[c->dict_n] = c->dict.len;
	wr_le32(len4, l);
	bb_put(&c->dict, len4, 4);
	bb_put(&c->dict, p, l);
	if (c->dict.err)
		return -1;
	c->slots[h] = (uint32_t)c->dict_n + 1;
	return (long)c->dict_n++;
}

static int push_idx(wcol *c, uint32_t v)
{
	if (c->nidx == c->idxcap) {
		size_t n = c->idxcap ? 2 * c->idxcap : 1024;
		uint32_t *p = realloc(c->idx, n * sizeof(*p));
		if (!p)
			return -1;
		c->idx = p;
		c->idxcap = n;
	}
	c->idx[c->nidx++] = v;
	return 0;
}

static void stat_str(wcol *c, const char *p, uint32_t l)
{
	if (l > 64) /* long values: no exact bound kept */
		return;
	if (!c->has_minmax) {
		c->smin.len = c->smax.len = 0;
		bb_put(&c->smin, p, l);
		bb_put(&c->smax, p, l);
		c->has_minmax = 1;
		return;
	}
	size_t ml = c->smin.len < l ? c->smin.len : l;
	int r = memcmp(p, c->smin.p, ml);
	if (r < 0 || (r == 0 && l < c->smin.len)) {
		c->smin.len = 0;
		bb_put(&c->smin, p, l);
	}
	ml = c->smax.len < l ? c->smax.len : l;
	r = memcmp(p, c->smax.p, ml);
	if (r > 0 || (r == 0 && l > c->smax.len)) {
		c->smax.len = 0;
		bb_put(&c->smax, p, l);
	}
}

static dm_err add_null(dm_parquet_writer *w, wcol *c, dm_diag *diag)
{
	if (!c->optional)
		return wfail(w, diag, DM_EINVAL, c->name, "%s",
			     "NULL in a required column");
	if (push_level(c, 0))
		return DM_ENOMEM;
	c->nulls++;
	return DM_OK;
}

static dm_err after_value(dm_parquet_writer *w, wcol *c)
{
	if (push_level(c, 1)) /* required columns count rows this way too */
		return DM_ENOMEM;
	c->page_vals++;
	if (page_size(c) >= w->o.page_bytes)
		return flush_page(w, c);
	return DM_OK;
}

static dm_err add_i64(dm_parquet_writer *w, wcol *c, int64_t v)
{
	if (c->phys == DM_PARQUET_BOOLEAN) {
		if (c->bits % 8 == 0)
			bb_u8(&c->vals, 0);
		if (v)
			c->vals.p[c->vals.len - 1] |=
				(uint8_t)(1u << (c->bits % 8));
		c->bits++;
	} else if (c->phys == DM_PARQUET_INT32) {
		int32_t x = (int32_t)v;
		bb_put(&c->vals, &x, 4);
	} else {
		bb_put(&c->vals, &v, 8);
	}
	if (c->vals.err)
		return c->vals.err;
	if (c->phys == DM_PARQUET_BOOLEAN)
		v = v != 0;
	if (!c->has_minmax) {
		c->imin = c->imax = v;
		c->has_minmax = 1;
	} else {
		if (v < c->imin)
			c->imin = v;
		if (v > c->imax)
			c->imax = v;
	}
	return after_value(w, c);
}

static dm_err add_f64(dm_parquet_writer *w, wcol *c, double v)
{
	bb_put(&c->vals, &v, 8);
	if (c->vals.err)
		return c->vals.err;
	if (v == v) {
		if (v == 0)
			v = 0.0; /* stats of zeros: min -0, max +0 below */
		if (!c->has_minmax) {
			c->dmin = c->dmax = v;
			c->has_minmax = 1;
		} else {
			if (v < c->dmin)
				c->dmin = v;
			if (v > c->dmax)
				c->dmax = v;
		}
	}
	return after_value(w, c);
}

static dm_err add_str(dm_parquet_writer *w, wcol *c, const char *p, uint32_t l)
{
	if (c->dict_on) {
		long e = dict_index(c, p, l);
		if (e < 0 || push_idx(c, (uint32_t)e))
			return DM_ENOMEM;
		if (c->dict.len > w->o.dict_max_bytes) {
			/* fall back to PLAIN for the rest of the chunk */
			dm_err err;
			if (push_level(c, 1))
				return DM_ENOMEM;
			c->page_vals++;
			stat_str(c, p, l);
			err = flush_page(w, c);
			c->dict_on = 0;
			return err;
		}
	} else {
		uint8_t len4[4];
		wr_le32(len4, l);
		bb_put(&c->vals, len4, 4);
		bb_put(&c->vals, p, l);
		if (c->vals.err)
			return c->vals.err;
	}
	stat_str(c, p, l);
	return after_value(w, c);
}

static dm_err check_col(dm_parquet_writer *w, size_t col, dm_diag *diag)
{
	if (!w || w->failed)
		return DM_EINVAL;
	if (col >= w->ncols)
		return wfail(w, diag, DM_EINVAL, NULL, "%s",
			     "column index out of range");
	return DM_OK;
}

dm_err dm_parquet_writer_write_i64(dm_parquet_writer *w, size_t col,
				   const int64_t *v, const uint8_t *null,
				   size_t n, dm_diag *diag)
{
	dm_err err = check_col(w, col, diag);
	wcol *c;

	if (err)
		return err;
	c = &w->c[col];
	if (c->phys == DM_PARQUET_DOUBLE || c->phys == DM_PARQUET_BYTE_ARRAY)
		return wfail(w, diag, DM_EINVAL, c->name, "%s",
			     "integer values for a non-integer column");
	for (size_t i = 0; i < n; i++) {
		if (null && null[i])
			err = add_null(w, c, diag);
		else if (c->phys == DM_PARQUET_INT32 &&
			 (v[i] < INT32_MIN || v[i] > INT32_MAX))
			err = wfail(w, diag, DM_EINVAL, c->name, "%s",
				    "value out of INT32 range");
		else
			err = add_i64(w, c, v[i]);
		if (err)
			return (w->failed = 1, err);
	}
	c->rows += n;
	return DM_OK;
}

/* DOUBLE columns in bulk: a page's worth of values per pass, no call
 * per value. */
static dm_err f64_bulk(dm_parquet_writer *w, wcol *c, const double *v,
		       const uint8_t *null, size_t n, dm_diag *diag)
{
	size_t i = 0;

	while (i < n) {
		size_t used = page_size(c), room, k, j, m = 0;
		double lo = c->has_minmax ? c->dmin : INFINITY;
		double hi = c->has_minmax ? c->dmax : -INFINITY;
		int any = c->has_minmax;
		uint8_t *dst;
		room = used < w->o.page_bytes ? (w->o.page_bytes - used + 7) / 8
					      : 1;
		k = n - i < room ? n - i : room;
		if (!bb_reserve(&c->vals, k * 8))
			return DM_ENOMEM;
		if (c->nlev + k > c->levcap) {
			size_t cap = c->levcap ? c->levcap : 1024;
			uint8_t *p;
			while (cap < c->nlev + k)
				cap *= 2;
			if (!(p = realloc(c->lev, cap)))
				return DM_ENOMEM;
			c->lev = p;
			c->levcap = cap;
		}
		dst = c->vals.p + c->vals.len;
		for (j = 0; j < k; j++) {
			double x = v[i + j];
			if (null && null[i + j]) {
				if (!c->optional)
					return wfail(
						w, diag, DM_EINVAL, c->name,
						"%s",
						"NULL in a required column");
				c->lev[c->nlev++] = 0;
				c->nulls++;
				continue;
			}
			memcpy(dst + 8 * m++, &x, 8);
			c->lev[c->nlev++] = 1;
			if (x == x) {
				lo = x < lo ? x : lo;
				hi = x > hi ? x : hi;
				any = 1;
			}
		}
		c->vals.len += 8 * m;
		c->page_vals += m;
		if (any) {
			c->has_minmax = 1;
			c->dmin = lo;
			c->dmax = hi;
		}
		i += k;
		if (page_size(c) >= w->o.page_bytes) {
			dm_err err = flush_page(w, c);
			if (err)
				return err;
		}
	}
	return DM_OK;
}

dm_err dm_parquet_writer_write_f64(dm_parquet_writer *w, size_t col,
				   const double *v, const uint8_t *null,
				   size_t n, dm_diag *diag)
{
	dm_err err = check_col(w, col, diag);
	wcol *c;

	if (err)
		return err;
	c = &w->c[col];
	if (c->phys == DM_PARQUET_BYTE_ARRAY)
		return wfail(w, diag, DM_EINVAL, c->name, "%s",
			     "numbers for a STRING column");
	if (c->phys == DM_PARQUET_DOUBLE) {
		err = f64_bulk(w, c, v, null, n, diag);
		if (err)
			return (w->failed = 1, err);
		c->rows += n;
		return DM_OK;
	}
	for (size_t i = 0; i < n; i++) {
		double x = v[i];
		if ((null && null[i]) ||
		    (x != x && c->phys != DM_PARQUET_DOUBLE)) {
			err = add_null(w, c, diag);
		} else if (c->phys == DM_PARQUET_DOUBLE) {
			err = add_f64(w, c, x);
		} else if (c->phys == DM_PARQUET_BOOLEAN) {
			err = add_i64(w, c, x != 0);
		} else {
			if (c->type == DM_PARQUET_W_TIMESTAMP)
				x = nearbyint(x * 1e6);
			if (!(x > -9.2233720368547758e18 &&
			      x < 9.2233720368547758e18) ||
			    (c->phys == DM_PARQUET_INT32 &&
			     (x <= -2147483649.0 || x >= 2147483648.0)))
				err = wfail(w, diag, DM_EINVAL, c->name, "%s",
					    "value out of the column's range");
			else
				err = add_i64(w, c, (int64_t)x);
		}
		if (err)
			return (w->failed = 1, err);
	}
	c->rows += n;
	return DM_OK;
}

dm_err dm_parquet_writer_write_str(dm_parquet_writer *w, size_t col,
				   const dm_strref *v, const uint8_t *null,
				   size_t n, dm_diag *diag)
{
	dm_err err = check_col(w, col, diag);
	wcol *c;

	if (err)
		return err;
	c = &w->c[col];
	if (c->phys != DM_PARQUET_BYTE_ARRAY)
		return wfail(w, diag, DM_EINVAL, c->name, "%s",
			     "strings for a non-STRING column");
	for (size_t i = 0; i < n; i++) {
		if (null && null[i])
			err = add_null(w, c, diag);
		else
			err = add_str(w, c, v[i].ptr ? v[i].ptr : "", v[i].len);
		if (err)
			return (w->failed = 1, err);
	}
	c->rows += n;
	return DM_OK;
}

/* ---- row groups -----------------------------------------------------------
 */
static void put_stat_value(wcol *c, bbuf *b, int max)
{
	switch (c->phys) {
	case DM_PARQUET_DOUBLE: {
		double v = max ? c->dmax : c->dmin;
		if (v == 0)
			v = max ? 0.0 : -0.0;
		bb_put(b, &v, 8);
		break;
	}
	case DM_PARQUET_INT32: {
		int32_t v = (int32_t)(max ? c->imax : c->imin);
		bb_put(b, &v, 4);
		break;
	}
	case DM_PARQUET_BOOLEAN:
		bb_u8(b, (uint8_t)(max ? c->imax : c->imin));
		break;
	case DM_PARQUET_BYTE_ARRAY:
		bb_put(b, max ? c->smax.p : c->smin.p,
		       max ? c->smax.len : c->smin.len);
		break;
	default: {
		int64_t v = max ? c->imax : c->imin;
		bb_put(b, &v, 8);
	}
	}
}

static dm_err flush_rowgroup(dm_parquet_writer *w, dm_diag *diag)
{
	size_t rows = w->c[0].rows, i;
	wrg *g;
	dm_err err;

	for (i = 1; i < w->ncols; i++)
		if (w->c[i].rows != rows)
			return wfail(w, diag, DM_EINVAL, w->c[i].name, "%s",
				     "columns were given different numbers of "
				     "rows");
	if (!rows)
		return DM_OK;
	if (w->nrg == w->rgcap) {
		size_t n = w->rgcap ? 2 * w->rgcap : 16;
		wrg *p = realloc(w->rgs, n * sizeof(*p));
		if (!p)
			return DM_ENOMEM;
		w->rgs = p;
		w->rgcap = n;
	}
	g = &w->rgs[w->nrg];
	memset(g, 0, sizeof(*g));
	g->chunks = calloc(w->ncols, sizeof(*g->chunks));
	if (!g->chunks)
		return DM_ENOMEM;
	w->nrg++;
	g->num_rows = (int64_t)rows;
	g->offset = (int64_t)w->off;
	for (i = 0; i < w->ncols; i++) {
		wcol *c = &w->c[i];
		wchunk *k = &g->chunks[i];
		int64_t start = (int64_t)w->off, usize = 0;
		if ((err = flush_page(w, c)))
			return err;
		k->dict_off = -1;
		if (c->dict_used) {
			bbuf dp = {0};
			err = emit_page(w, &dp, 2, &c->dict, (int32_t)c->dict_n,
					DM_PARQUET_ENC_PLAIN_DICTIONARY,
					&usize);
			if (!err)
				err = wwrite(w, dp.p, dp.len, diag);
			bb_release(&dp);
			if (err)
				return err;
			k->dict_off = start;
			c->encodings |= 1u << DM_PARQUET_ENC_PLAIN_DICTIONARY;
		}
		k->data_off = (int64_t)w->off;
		if ((err = wwrite(w, c->chunk.p, c->chunk.len, diag)))
			return err;
		k->num_values = c->chunk_values;
		k->usize = usize + c->chunk_usize;
		k->csize = (int64_t)w->off - start;
		k->encodings = c->encodings;
		k->nulls = c->nulls;
		if (c->has_minmax && !w->o.no_stats) {
			k->has_minmax = 1;
			put_stat_value(c, &k->min, 0);
			put_stat_value(c, &k->max, 1);
			if (k->min.err || k->max.err)
				return DM_ENOMEM;
		}
		g->usize += k->usize;
		g->csize += k->csize;
		/* reset the column for the next chunk */
		c->chunk.len = 0;
		c->chunk_usize = c->chunk_values = 0;
		c->rows = 0;
		c->dict.len = 0;
		c->dict_n = 0;
		if (c->slots)
			memset(c->slots, 0, c->nslots * sizeof(*c->slots));
		c->dict_used = 0;
		c->dict_on =
			c->phys == DM_PARQUET_BYTE_ARRAY && !w->o.no_dictionary;
		c->nulls = 0;
		c->has_minmax = 0;
		c->encodings = 0;
	}
	w->total_rows += (int64_t)rows;
	return DM_OK;
}

dm_err dm_parquet_writer_end_rows(dm_parquet_writer *w, dm_diag *diag)
{
	if (!w || w->failed)
		return DM_EINVAL;
	if (w->c[0].rows >= w->o.rowgroup_rows)
		return flush_rowgroup(w, diag);
	return DM_OK;
}

dm_err dm_parquet_writer_write_batch(dm_parquet_writer *w, const dm_batch *b,
				     dm_diag *diag)
{
	size_t done = 0;
	dm_err err;

	if (!w || w->failed)
		return DM_EINVAL;
	if (b->ncols != w->ncols)
		return wfail(w, diag, DM_ESCHEMA, NULL, "%s",
			     "batch has a different number of columns than "
			     "the file");
	/* cut row groups at exactly rowgroup_rows */
	while (done < b->nrows) {
		size_t room = w->o.rowgroup_rows - w->c[0].rows;
		size_t n = b->nrows - done < room ? b->nrows - done : room;
		for (size_t i = 0; i < w->ncols; i++) {
			const dm_column *col = &b->cols[i];
			const uint8_t *nl = col->null ? col->null + done : NULL;
			if (w->c[i].phys == DM_PARQUET_BYTE_ARRAY) {
				if (col->type == DM_COL_DOUBLE || !col->str)
					return wfail(
						w, diag, DM_ESCHEMA,
						w->c[i].name, "%s",
						"numbers for a STRING column");
				err = dm_parquet_writer_write_str(
					w, i, col->str + done, nl, n, diag);
			} else {
				if (col->type != DM_COL_DOUBLE || !col->f64)
					return wfail(
						w, diag, DM_ESCHEMA,
						w->c[i].name, "%s",
						"text for a numeric column");
				err = dm_parquet_writer_write_f64(
					w, i, col->f64 + done, nl, n, diag);
			}
			if (err)
				return err;
		}
		done += n;
		if ((err = dm_parquet_writer_end_rows(w, diag)))
			return err;
	}
	return DM_OK;
}

/* ---- footer ------------------------------------------------------------- */
static void write_schema(dm_parquet_writer *w, pq_tw *t)
{
	tw_list_begin(t, 2, TC_STRUCT, (uint32_t)(w->ncols + 1));
	tw_elem_struct_begin(t);
	tw_binary(t, 4, "schema", 6);
	tw_i32(t, 5, (int32_t)w->ncols);
	tw_struct_end(t);
	for (size_t i = 0; i < w->ncols; i++) {
		wcol *c = &w->c[i];
		tw_elem_struct_begin(t);
		tw_i32(t, 1, c->phys);
		tw_i32(t, 3, c->optional ? 1 : 0);
		tw_binary(t, 4, c->name, strlen(c->name));
		if (c->type == DM_PARQUET_W_STRING) {
			tw_i32(t, 6, 0); /* UTF8 */
			tw_struct_begin(t, 10);
			tw_struct_begin(t, 1); /* STRING */
			tw_struct_end(t);
			tw_struct_end(t);
		} else if (c->type == DM_PARQUET_W_TIMESTAMP) {
			tw_i32(t, 6, 10); /* TIMESTAMP_MICROS */
			tw_struct_begin(t, 10);
			tw_struct_begin(t, 8); /* TIMESTAMP */
			tw_bool(t, 1, 1);
			tw_struct_begin(t, 2); /* unit */
			tw_struct_begin(t, 2); /* MICROS */
			tw_struct_end(t);
			tw_struct_end(t);
			tw_struct_end(t);
			tw_struct_end(t);
		}
		tw_struct_end(t);
	}
}

static dm_err write_footer(dm_parquet_writer *w, dm_diag *diag)
{
	bbuf b = {0};
	pq_tw t;
	uint8_t tail[8];
	dm_err err;

	tw_init(&t, &b);
	tw_i32(&t, 1, 1);
	write_schema(w, &t);
	tw_i64(&t, 3, w->total_rows);
	tw_list_begin(&t, 4, TC_STRUCT, (uint32_t)w->nrg);
	for (size_t g = 0; g < w->nrg; g++) {
		wrg *r = &w->rgs[g];
		tw_elem_struct_begin(&t);
		tw_list_begin(&t, 1, TC_STRUCT, (uint32_t)w->ncols);
		for (size_t i = 0; i < w->ncols; i++) {
			wchunk *k = &r->chunks[i];
			wcol *c = &w->c[i];
			uint32_t nenc = 0;
			tw_elem_struct_begin(&t);
			tw_i64(&t, 2,
			       k->dict_off >= 0 ? k->dict_off : k->data_off);
			tw_struct_begin(&t, 3);
			tw_i32(&t, 1, c->phys);
			for (int e = 0; e < 32; e++)
				nenc += (k->encodings >> e) & 1;
			tw_list_begin(&t, 2, TC_I32, nenc);
			for (int e = 0; e < 32; e++)
				if (k->encodings >> e & 1)
					tw_elem_i32(&t, e);
			tw_list_begin(&t, 3, TC_BINARY, 1);
			tw_elem_binary(&t, c->name, strlen(c->name));
			tw_i32(&t, 4, (int32_t)w->o.codec);
			tw_i64(&t, 5, k->num_values);
			tw_i64(&t, 6, k->usize);
			tw_i64(&t, 7, k->csize);
			tw_i64(&t, 9, k->data_off);
			if (k->dict_off >= 0)
				tw_i64(&t, 11, k->dict_off);
			if (!w->o.no_stats) {
				tw_struct_begin(&t, 12);
				tw_i64(&t, 3, k->nulls);
				if (k->has_minmax) {
					tw_binary(&t, 5, k->max.p, k->max.len);
					tw_binary(&t, 6, k->min.p, k->min.len);
				}
				tw_struct_end(&t);
			}
			tw_struct_end(&t); /* ColumnMetaData */
			tw_struct_end(&t); /* ColumnChunk */
		}
		tw_i64(&t, 2, r->usize);
		tw_i64(&t, 3, r->num_rows);
		tw_i64(&t, 5, r->offset);
		tw_i64(&t, 6, r->csize);
		tw_struct_end(&t);
	}
	if (w->nkv) {
		tw_list_begin(&t, 5, TC_STRUCT, (uint32_t)w->nkv);
		for (size_t i = 0; i < w->nkv; i++) {
			tw_elem_struct_begin(&t);
			tw_binary(&t, 1, w->kv[i].key, strlen(w->kv[i].key));
			if (w->kv[i].value)
				tw_binary(&t, 2, w->kv[i].value,
					  strlen(w->kv[i].value));
			tw_struct_end(&t);
		}
	}
	tw_binary(&t, 6, w->created_by, strlen(w->created_by));
	bb_u8(&b, TC_STOP);
	if (b.err || b.len > UINT32_MAX) {
		bb_release(&b);
		return DM_ENOMEM;
	}
	wr_le32(tail, (uint32_t)b.len);
	memcpy(tail + 4, "PAR1", 4);
	err = wwrite(w, b.p, b.len, diag);
	if (!err)
		err = wwrite(w, tail, 8, diag);
	bb_release(&b);
	return err;
}

dm_err dm_parquet_writer_close(dm_parquet_writer *w, dm_diag *diag)
{
	dm_err err;

	if (!w)
		return DM_EINVAL;
	if (w->failed) {
		dm_parquet_writer_abort(w);
		return dm_diag_set(diag, DM_EINVAL, NULL, 0, NULL,
				   "an earlier write failed; file not written");
	}
	err = flush_rowgroup(w, diag);
	if (!err)
		err = write_footer(w, diag);
	if (!err && fflush(w->fp) != 0)
		err = wfail(w, diag, DM_EIO, NULL, "cannot write: %s",
			    strerror(errno));
	if (!err && w->own_fp) {
		if (fsync(fileno(w->fp)) != 0 && errno != EINVAL)
			err = wfail(w, diag, DM_EIO, NULL, "cannot sync: %s",
				    strerror(errno));
		if (fclose(w->fp) != 0 && !err)
			err = wfail(w, diag, DM_EIO, NULL, "cannot close: %s",
				    strerror(errno));
		w->fp = NULL;
		if (!err && rename(w->tmp, w->path) != 0)
			err = wfail(w, diag, DM_EIO, NULL, "cannot rename: %s",
				    strerror(errno));
	}
	if (err) {
		dm_parquet_writer_abort(w);
		return err;
	}
	writer_free(w);
	return DM_OK;
}

void dm_parquet_writer_abort(dm_parquet_writer *w)
{
	if (!w)
		return;
	if (w->own_fp) {
		if (w->fp)
			fclose(w->fp);
		if (w->tmp)
			unlink(w->tmp);
	}
	writer_free(w);
}
