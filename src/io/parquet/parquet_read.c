/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The Parquet reader: footer, column cursors, scans and the dm_reader.
 *
 * Design.  A scan walks the row groups in order.  For each chosen column
 * it keeps a cursor over that column's chunk: a read window on the
 * dm_source (a page or 256 KiB ahead, so a remote source sees a few
 * large ranged reads; between pages it keeps only the bytes not yet
 * used, cc_trim), the current decompressed page, the decoded
 * dictionary, and the decoder state of the page's levels and values.  A
 * batch asks every cursor for the same number of rows; a cursor decodes
 * the definition levels into NULL flags, then the non-NULL values packed
 * at the front of the output, then spreads them to their rows.  Nothing
 * is read for columns that are not chosen, and memory is bounded by one
 * page and one dictionary per chosen column plus one batch (two when the
 * scan keeps batches for a reader with threads), whatever the size of
 * the file or of its row groups.
 *
 * Values are first decoded to a native form (BOOLEAN / INT32 / INT64 /
 * INT96 as int64, INT96 as nanoseconds since the epoch; FLOAT / DOUBLE as
 * double; byte arrays as dm_strref into the page or the dictionary), then
 * converted to what the scan's mode asks for.  PLAIN doubles are read in
 * place when a batch's rows are all in one page, none NULL and aligned
 * (the page is decompressed at a pad that aligns its values, learnt from
 * the column's last page), else copied with memcpy; a page read in place
 * is "lent" and neither reused nor freed until its batch is released.
 * Dictionary indices and levels are bit-unpacked a 64-bit word at a time
 * (parquet_decode.c).
 *
 * Untrusted input.  Every size in a page header is checked against the
 * column chunk (which is checked against the file), the declared
 * uncompressed size against opts.max_page_bytes and the codec's largest
 * ratio, the decompressed size against the declared one, dictionary
 * sizes against their page and every dictionary index against the
 * dictionary.  Byte arrays point into buffers that stay alive until the
 * next batch, or the one after when batches are kept (pages and
 * dictionaries they came from are "retired", not freed).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "io/io_internal.h"
#include "io/parquet/parquet_int.h"

#define DEF_MAX_FOOTER ((uint64_t)64 << 20)
#define DEF_MAX_PAGE   ((uint64_t)256 << 20)
#define ROWS_PER_BYTE  100000
#define READAHEAD      ((size_t)256 << 10)
/* The window after a page larger than READAHEAD: enough for the next
 * page header (and the start of its page); a column of large pages reads
 * each one into the shared buffer anyway, so a full window would only
 * hold (and copy) the start of the next page. */
#define HEADER_WINDOW ((size_t)16 << 10)
#define MAX_HEADER    ((size_t)16 << 20)
#define DEF_BATCH     8192
#define JULIAN_EPOCH  2440588

struct dm_parquet_file {
	dm_source *src;
	const char *name;
	dm_parquet_opts opts;
	pq_footer ft;
	dm_parquet_meta meta;
	/* compressed pages larger than a read window are read here: one
	 * buffer for all columns, as they are decoded one at a time */
	uint8_t *zbuf;
	size_t zcap;
};

/* ---- small helpers ------------------------------------------------- */
static dm_err src_read(dm_parquet_file *f, uint64_t off, void *buf, size_t len,
		       dm_diag *diag)
{
	size_t done = 0;

	while (done < len) {
		size_t got = 0;
		dm_err err =
			f->src->read(f->src, off + done, (char *)buf + done,
				     len - done, &got, diag);
		if (err)
			return err;
		if (got == 0)
			return dm_diag_set(diag, DM_EFORMAT, f->name, 0, NULL,
					   "truncated: read past the end at "
					   "offset %llu",
					   (unsigned long long)(off + done));
		done += got;
	}
	return DM_OK;
}

const char *dm_parquet_physical_name(int p)
{
	static const char *const n[] = {
		"BOOLEAN", "INT32",  "INT64",	   "INT96",
		"FLOAT",   "DOUBLE", "BYTE_ARRAY", "FIXED_LEN_BYTE_ARRAY"};
	return p >= 0 && p < 8 ? n[p] : "?";
}

const char *dm_parquet_codec_name(int c)
{
	static const char *const n[] = {"UNCOMPRESSED", "SNAPPY", "GZIP",
					"LZO",		"BROTLI", "LZ4",
					"ZSTD",		"LZ4_RAW"};
	return c >= 0 && c < 8 ? n[c] : "?";
}

const char *dm_parquet_encoding_name(int e)
{
	static const char *const n[] = {"PLAIN",
					"?",
					"PLAIN_DICTIONARY",
					"RLE",
					"BIT_PACKED",
					"DELTA_BINARY_PACKED",
					"DELTA_LENGTH_BYTE_ARRAY",
					"DELTA_BYTE_ARRAY",
					"RLE_DICTIONARY",
					"BYTE_STREAM_SPLIT"};
	return e >= 0 && e < 10 ? n[e] : "?";
}

const char *dm_parquet_logical_name(dm_parquet_logical l)
{
	static const char *const n[] = {
		"",	     "STRING",	"ENUM",	   "JSON", "BSON",
		"UUID",	     "INTEGER", "DECIMAL", "DATE", "TIME",
		"TIMESTAMP", "FLOAT16", "UNKNOWN"};
	return (unsigned)l < sizeof(n) / sizeof(n[0]) ? n[l] : "?";
}

/* ---- opening --------------------------------------------------------- */
dm_err dm_parquet_open(dm_source *src, const dm_parquet_opts *opts,
		       dm_parquet_file **out, dm_diag *diag)
{
	dm_parquet_file *f = NULL;
	uint8_t tail[8], head[4], *fbuf = NULL;
	uint32_t flen;
	dm_err err;

	*out = NULL;
	if (!src)
		return dm_diag_set(diag, DM_EINVAL, NULL, 0, NULL, "no source");
	f = calloc(1, sizeof(*f));
	if (!f) {
		dm_source_close(src);
		return DM_ENOMEM;
	}
	f->src = src;
	f->name = src->name ? src->name : "parquet";
	if (opts)
		f->opts = *opts;
	if (!f->opts.max_footer_bytes)
		f->opts.max_footer_bytes = DEF_MAX_FOOTER;
	if (!f->opts.max_page_bytes)
		f->opts.max_page_bytes = DEF_MAX_PAGE;

	if (src->size < 12) {
		err = dm_diag_set(diag, DM_EFORMAT, f->name, 0, NULL,
				  "not a Parquet file: %llu bytes is too short",
				  (unsigned long long)src->size);
		goto fail;
	}
	if ((err = src_read(f, 0, head, 4, diag)) ||
	    (err = src_read(f, src->size - 8, tail, 8, diag)))
		goto fail;
	if (memcmp(tail + 4, "PARE", 4) == 0) {
		err = dm_diag_set(diag, DM_EUNSUPPORTED, f->name, 0, NULL,
				  "encrypted Parquet files are not supported");
		goto fail;
	}
	if (memcmp(head, "PAR1", 4) != 0 || memcmp(tail + 4, "PAR1", 4) != 0) {
		err = dm_diag_set(
			diag, DM_EFORMAT, f->name, 0, NULL,
			"not a Parquet file (no \"PAR1\" magic at %s)",
			memcmp(head, "PAR1", 4) ? "the start" : "the end");
		goto fail;
	}
	flen = rd_le32(tail);
	if ((uint64_t)flen > src->size - 12) {
		err = dm_diag_set(diag, DM_EFORMAT, f->name, 0, NULL,
				  "footer length %u is past the start of the "
				  "file (%llu bytes)",
				  flen, (unsigned long long)src->size);
		goto fail;
	}
	if (flen > f->opts.max_footer_bytes) {
		err = dm_diag_set(diag, DM_ETOOBIG, f->name, 0, NULL,
				  "footer of %u bytes exceeds the limit of "
				  "%llu",
				  flen,
				  (unsigned long long)f->opts.max_footer_bytes);
		goto fail;
	}
	fbuf = malloc(flen ? flen : 1);
	if (!fbuf) {
		err = DM_ENOMEM;
		goto fail;
	}
	if ((err = src_read(f, src->size - 8 - flen, fbuf, flen, diag))) {
		free(fbuf);
		goto fail;
	}
	err = pq_footer_parse(&f->ft, fbuf, flen, src->size, f->name, diag);
	if (err)
		goto fail;
	if (f->opts.max_rows && (uint64_t)f->ft.num_rows > f->opts.max_rows) {
		err = dm_diag_set(diag, DM_ETOOBIG, f->name, 0, NULL,
				  "%lld rows exceed the limit of %llu",
				  (long long)f->ft.num_rows,
				  (unsigned long long)f->opts.max_rows);
		goto fail;
	}
	f->meta.version = f->ft.version;
	f->meta.num_rows = f->ft.num_rows;
	f->meta.created_by = f->ft.created_by;
	f->meta.file_size = src->size;
	f->meta.footer_len = flen;
	f->meta.nleaves = f->ft.nleaves;
	f->meta.ncolumns = f->ft.ncols;
	f->meta.columns = f->ft.cols;
	f->meta.nrowgroups = f->ft.nrg;
	f->meta.rowgroups = f->ft.rginfo;
	f->meta.nkv = f->ft.nkv;
	f->meta.kv = f->ft.kv;
	f->meta.nwarnings = f->ft.nwarn;
	f->meta.warnings = (const char *const *)f->ft.warn;
	*out = f;
	return DM_OK;
fail:
	dm_parquet_file_free(f);
	return err;
}

dm_err dm_parquet_open_file(const char *path, const dm_parquet_opts *opts,
			    dm_parquet_file **out, dm_diag *diag)
{
	dm_source *src = NULL;
	dm_err err;

	*out = NULL;
	err = dm_source_open_file(path, &src, diag);
	if (err)
		return err;
	return dm_parquet_open(src, opts, out, diag);
}

const dm_parquet_meta *dm_parquet_file_meta(const dm_parquet_file *f)
{
	return &f->meta;
}

long dm_parquet_column_index(const dm_parquet_file *f, const char *name)
{
	for (size_t i = 0; i < f->ft.ncols; i++)
		if (strcmp(f->ft.cols[i].name, name) == 0)
			return (long)i;
	return -1;
}

void dm_parquet_file_free(dm_parquet_file *f)
{
	if (!f)
		return;
	pq_footer_release(&f->ft);
	dm_source_close(f->src);
	free(f->zbuf);
	free(f);
}

/* ---- column cursors -------------------------------------------------- */
enum { NK_I64, NK_F64, NK_STR };

typedef struct pq_cc {
	dm_parquet_file *f;
	const dm_parquet_column_info *ci;
	const pq_chunk *k;
	const char *cname;
	int phys;
	int nk;	      /* native kind */
	size_t width; /* PLAIN width in bytes (0: BOOLEAN / BYTE_ARRAY) */
	int max_def;
	/* byte stream over the chunk */
	uint64_t pos, end;
	uint8_t *rbuf;
	size_t rcap, rlen;
	uint64_t roff;
	size_t win; /* READAHEAD or HEADER_WINDOW (0: READAHEAD) */
	/* dictionary */
	int has_dict;
	uint32_t dict_n;
	void *dict;	    /* int64_t / double / dm_strref */
	uint8_t *dict_page; /* bytes the strrefs point into */
	/* current page */
	uint8_t *page;
	size_t page_cap;    /* bytes allocated at page (reused for numbers) */
	uint64_t page_left; /* values (with NULLs) left in the page */
	uint64_t rows_left; /* rows of the row group not yet read */
	int enc;
	pq_rle def;
	/* deprecated BIT_PACKED definition levels (MSB first, no length) */
	int def_bp;
	const uint8_t *def_p;
	uint64_t def_bits, def_pos;
	const uint8_t *vp, *vend;
	uint64_t bit; /* PLAIN booleans: next bit */
	pq_rle rle;   /* dictionary indices / RLE booleans */
	pq_dbp dbp;
	/* DELTA_LENGTH_BYTE_ARRAY / DELTA_BYTE_ARRAY, decoded a batch at a
	 * time: lengths (dbp), prefix lengths (dbp2), then the bytes */
	pq_dbp dbp2;
	const uint8_t *sdata;
	size_t pstr_n, pstr_i; /* values in the page, next */
	uint64_t dba_total;    /* bytes materialised from the page */
	uint8_t *prev;	       /* DELTA_BYTE_ARRAY: the last value */
	size_t prev_len, prev_cap;
	int64_t *lens, *pres; /* scratch lengths */
	size_t lens_cap;
	size_t bss_n, bss_i; /* BYTE_STREAM_SPLIT: values, next */
	/* buffers still referenced by the batch being built; when the scan
	 * keeps batches, old_* are those of the batch before it */
	void **retired;
	size_t nretired, cretired;
	int keep; /* the scan keeps batches: retire the dictionary too */
	/* a batch still valid may point into page (values lent, not
	 * copied): calls left before it may be overwritten or freed */
	int lent;
	/* the page's bytes start at page + pad; want_pad: the pad of the
	 * next page (values_pad) */
	unsigned pad, want_pad;
	void **old_retired;
	size_t old_nretired, old_cretired;
	uint32_t *idx; /* scratch for indices */
	size_t idx_cap;
} pq_cc;

static dm_err cc_err(pq_cc *c, dm_err err, dm_diag *diag, const char *fmt,
		     const char *what)
{
	return dm_diag_set(diag, err, c->f->name, 0, c->cname, fmt, what);
}

#define BAD(what) cc_err(c, DM_EFORMAT, diag, "%s", what)

static int retire(pq_cc *c, void *p)
{
	if (!p)
		return 0;
	if (c->nretired == c->cretired) {
		size_t n = c->cretired ? 2 * c->cretired : 8;
		void **r = realloc(c->retired, n * sizeof(*r));
		if (!r) {
			free(p);
			return -1;
		}
		c->retired = r;
		c->cretired = n;
	}
	c->retired[c->nretired++] = p;
	return 0;
}

static void free_retired(pq_cc *c)
{
	for (size_t i = 0; i < c->nretired; i++)
		free(c->retired[i]);
	c->nretired = 0;
}

/* At the start of a batch: frees what the batch before the last one
 * referenced (or, without keep, the last one) and starts a new list. */
static void age_retired(pq_cc *c)
{
	void **t;
	size_t ct;

	if (c->lent > 0)
		c->lent--;

	if (!c->keep) {
		free_retired(c);
		return;
	}
	for (size_t i = 0; i < c->old_nretired; i++)
		free(c->old_retired[i]);
	t = c->old_retired;
	ct = c->old_cretired;
	c->old_retired = c->retired;
	c->old_nretired = c->nretired;
	c->old_cretired = c->cretired;
	c->retired = t;
	c->cretired = ct;
	c->nretired = 0;
}

static void cc_release(pq_cc *c)
{
	if (!c)
		return;
	free_retired(c);
	free(c->retired);
	for (size_t i = 0; i < c->old_nretired; i++)
		free(c->old_retired[i]);
	free(c->old_retired);
	free(c->rbuf);
	free(c->dict);
	free(c->dict_page);
	free(c->page);
	free(c->prev);
	free(c->lens);
	free(c->pres);
	free(c->idx);
	memset(c, 0, sizeof(*c));
}

/* Starts c on a column chunk, keeping the buffers of its previous chunk
 * (page, read window, scratch) for reuse. */
static dm_err cc_init(pq_cc *c, dm_parquet_file *f, size_t col, size_t rg,
		      dm_diag *diag)
{
	const dm_parquet_column_info *ci = &f->ft.cols[col];
	const pq_chunk *k = &f->ft.rg[rg].chunks[ci->leaf];
	int64_t start = k->info.data_page_offset;
	int64_t dpo = k->info.dictionary_page_offset;
	uint8_t *page = c->page, *rbuf = c->rbuf;
	size_t page_cap = c->page_cap, rcap = c->rcap, idx_cap = c->idx_cap;
	size_t cretired = c->cretired, win = c->win;
	uint32_t *idx = c->idx;
	void **retired = c->retired, **old_retired = c->old_retired;
	size_t old_nretired = c->old_nretired, old_cretired = c->old_cretired;
	int keep = c->keep, lent = c->lent;
	uint8_t *prev = c->prev;
	int64_t *lens = c->lens, *pres = c->pres;
	size_t prev_cap = c->prev_cap, lens_cap = c->lens_cap;
	int nomem = 0;

	if (keep) {
		/* the last batch may still point into the dictionary: it
		 * goes with this batch's buffers (retire frees on failure) */
		void *d = c->dict, *dp = c->dict_page;

		c->dict = NULL;
		c->dict_page = NULL;
		if (retire(c, d)) {
			free(dp);
			nomem = 1;
		} else if (retire(c, dp)) {
			nomem = 1;
		}
	} else {
		free_retired(c);
		free(c->dict);
		free(c->dict_page);
	}
	retired = c->retired;
	cretired = c->cretired;
	{
		size_t nretired = c->nretired;

		memset(c, 0, sizeof(*c));
		c->nretired = nretired;
	}
	c->keep = keep;
	c->lent = lent;
	c->old_retired = old_retired;
	c->old_nretired = old_nretired;
	c->old_cretired = old_cretired;
	c->win = win;
	c->prev = prev;
	c->prev_cap = prev_cap;
	c->lens = lens;
	c->pres = pres;
	c->lens_cap = lens_cap;
	c->page = page;
	c->page_cap = page_cap;
	c->rbuf = rbuf;
	c->rcap = rcap;
	c->idx = idx;
	c->idx_cap = idx_cap;
	c->retired = retired;
	c->cretired = cretired;
	if (nomem)
		return DM_ENOMEM;
	c->f = f;
	c->ci = ci;
	c->k = k;
	c->cname = ci->name;
	c->phys = ci->physical;
	c->max_def = ci->optional ? 1 : 0;
	switch (c->phys) {
	case DM_PARQUET_BOOLEAN:
		c->nk = NK_I64;
		c->width = 0;
		break;
	case DM_PARQUET_INT32:
		c->nk = NK_I64;
		c->width = 4;
		break;
	case DM_PARQUET_INT64:
		c->nk = NK_I64;
		c->width = 8;
		break;
	case DM_PARQUET_INT96:
		c->nk = NK_I64;
		c->width = 12;
		break;
	case DM_PARQUET_FLOAT:
		c->nk = NK_F64;
		c->width = 4;
		break;
	case DM_PARQUET_DOUBLE:
		c->nk = NK_F64;
		c->width = 8;
		break;
	case DM_PARQUET_BYTE_ARRAY:
		c->nk = NK_STR;
		c->width = 0;
		break;
	default:
		c->nk = NK_STR;
		c->width = (size_t)ci->type_length;
		break;
	}
	if (dpo > 0 && dpo < start)
		start = dpo;
	c->pos = (uint64_t)start;
	c->end = c->pos + (uint64_t)k->info.total_compressed_size;
	c->rows_left = (uint64_t)f->ft.rg[rg].num_rows;
	if (c->end > f->src->size || c->end < c->pos)
		return cc_err(c, DM_EFORMAT, diag, "%s",
			      "column chunk extends past the end of the file");
	return DM_OK;
}

/* Makes [pos, pos + need) available at c->rbuf + (pos - roff). */
static dm_err cc_fill(pq_cc *c, size_t need, dm_diag *diag)
{
	size_t keep = 0, want, win = c->win ? c->win : READAHEAD;
	dm_err err;

	if (c->pos >= c->roff && c->pos - c->roff <= c->rlen &&
	    c->rlen - (c->pos - c->roff) >= need)
		return DM_OK;
	if (need > c->end - c->pos)
		return BAD("page extends past the end of its column chunk");
	want = need > win ? need : win;
	if (want > c->end - c->pos)
		want = (size_t)(c->end - c->pos);
	if (c->pos >= c->roff && c->pos - c->roff < c->rlen) {
		keep = c->rlen - (size_t)(c->pos - c->roff);
		memmove(c->rbuf, c->rbuf + (c->pos - c->roff), keep);
	}
	/* keep < need <= want; a buffer far larger than the window (the
	 * pages became large) is given back */
	if (want > c->rcap || c->rcap / 4 > (want > win ? want : win)) {
		uint8_t *p = malloc(want);
		if (!p)
			return DM_ENOMEM;
		if (keep)
			memcpy(p, c->rbuf, keep);
		free(c->rbuf);
		c->rbuf = p;
		c->rcap = want;
	}
	c->roff = c->pos;
	c->rlen = keep;
	err = src_read(c->f, c->pos + keep, c->rbuf + keep, want - keep, diag);
	if (err)
		return err;
	c->rlen = want;
	return DM_OK;
}

/* PageType (parquet.thrift). */
enum page_type {
	PAGE_DATA = 0,
	PAGE_INDEX = 1,
	PAGE_DICTIONARY = 2,
	PAGE_DATA_V2 = 3
};
/* The Thrift field ids of PageHeader and of the page headers it holds. */
enum page_header_field {
	PH_TYPE = 1,
	PH_UNCOMPRESSED_SIZE = 2,
	PH_COMPRESSED_SIZE = 3,
	PH_DATA_PAGE_HEADER = 5,
	PH_DICTIONARY_PAGE_HEADER = 7,
	PH_DATA_PAGE_HEADER_V2 = 8
};
/* DataPageHeader, DictionaryPageHeader and DataPageHeaderV2 all have
 * num_values first. */
enum { XPH_NUM_VALUES = 1 };
enum data_page_header_field {
	DP_ENCODING = 2,
	DP_DEFINITION_LEVEL_ENCODING = 3,
	DP_REPETITION_LEVEL_ENCODING = 4
};
enum dictionary_page_header_field { DICT_ENCODING = 2 };
enum data_page_header_v2_field {
	V2_NUM_NULLS = 2,
	V2_NUM_ROWS = 3,
	V2_ENCODING = 4,
	V2_DEFINITION_LEVELS_BYTE_LENGTH = 5,
	V2_REPETITION_LEVELS_BYTE_LENGTH = 6,
	V2_IS_COMPRESSED = 7
};

typedef struct pq_ph {
	int type; /* enum page_type, -1 absent */
	int32_t usize, csize;
	int32_t num_values, num_nulls, num_rows;
	int32_t enc, def_enc, rep_enc;
	int32_t def_len, rep_len;
	int is_compressed;
	int has_dp, has_dict, has_v2;
} pq_ph;

/* One I32 field of the page header struct id (a PH_*_HEADER): its slot
 * in h, or NULL for a field that is skipped. */
static int32_t *ph_i32_slot(pq_ph *h, int16_t id, int16_t field)
{
	if (field == XPH_NUM_VALUES)
		return &h->num_values;
	switch (id) {
	case PH_DATA_PAGE_HEADER:
		switch (field) {
		case DP_ENCODING:
			return &h->enc;
		case DP_DEFINITION_LEVEL_ENCODING:
			return &h->def_enc;
		case DP_REPETITION_LEVEL_ENCODING:
			return &h->rep_enc;
		}
		break;
	case PH_DICTIONARY_PAGE_HEADER:
		if (field == DICT_ENCODING)
			return &h->enc;
		break;
	default: /* PH_DATA_PAGE_HEADER_V2 */
		switch (field) {
		case V2_NUM_NULLS:
			return &h->num_nulls;
		case V2_NUM_ROWS:
			return &h->num_rows;
		case V2_ENCODING:
			return &h->enc;
		case V2_DEFINITION_LEVELS_BYTE_LENGTH:
			return &h->def_len;
		case V2_REPETITION_LEVELS_BYTE_LENGTH:
			return &h->rep_len;
		}
	}
	return NULL;
}

/* One of PageHeader's page headers (id: a PH_*_HEADER field). */
static void parse_sub_ph(pq_tc *t, pq_ph *h, int16_t id)
{
	int16_t last = 0, field;
	int ty;
	int32_t *slot;

	if (id == PH_DATA_PAGE_HEADER)
		h->has_dp = 1;
	else if (id == PH_DICTIONARY_PAGE_HEADER)
		h->has_dict = 1;
	else
		h->has_v2 = 1;
	if (!tc_struct_begin(t))
		return; /* t->err is set: the caller's loop stops */
	while (tc_field(t, &last, &field, &ty)) {
		if (ty == TC_I32 && (slot = ph_i32_slot(h, id, field)))
			*slot = tc_i32(t);
		else if (id == PH_DATA_PAGE_HEADER_V2 &&
			 field == V2_IS_COMPRESSED && ty == TC_BOOL)
			h->is_compressed = t->boolval;
		else
			tc_skip(t, ty);
	}
	tc_struct_end(t);
}

static void parse_ph(pq_tc *t, pq_ph *h)
{
	int16_t last = 0, id;
	int ty;

	memset(h, 0, sizeof(*h));
	h->type = -1;
	h->is_compressed = 1;
	if (!tc_struct_begin(t))
		return;
	while (tc_field(t, &last, &id, &ty)) {
		if (id == PH_TYPE && ty == TC_I32)
			h->type = tc_i32(t);
		else if (id == PH_UNCOMPRESSED_SIZE && ty == TC_I32)
			h->usize = tc_i32(t);
		else if (id == PH_COMPRESSED_SIZE && ty == TC_I32)
			h->csize = tc_i32(t);
		else if ((id == PH_DATA_PAGE_HEADER ||
			  id == PH_DICTIONARY_PAGE_HEADER ||
			  id == PH_DATA_PAGE_HEADER_V2) &&
			 ty == TC_STRUCT)
			parse_sub_ph(t, h, id);
		else
			tc_skip(t, ty);
	}
	tc_struct_end(t);
}

/* Reads the next page header at pos; advances pos past it. */
static dm_err cc_header(pq_cc *c, pq_ph *h, dm_diag *diag)
{
	size_t need = 256;
	dm_err err;

	for (;;) {
		pq_tc t;
		uint64_t left = c->end - c->pos;
		if (need > left)
			need = (size_t)left;
		if ((err = cc_fill(c, need, diag)))
			return err;
		tc_init(&t, c->rbuf + (c->pos - c->roff), need);
		parse_ph(&t, h);
		if (!t.err) {
			c->pos += (uint64_t)(t.p -
					     (c->rbuf + (c->pos - c->roff)));
			break;
		}
		if (need >= left || need >= MAX_HEADER)
			return BAD("malformed page header");
		need *= 4;
	}
	if (h->type < 0 || h->csize < 0 || h->usize < 0)
		return BAD("page header lacks its type or sizes");
	if ((uint64_t)h->csize > c->end - c->pos)
		return BAD("page size is past the end of the column chunk");
	if ((uint64_t)h->usize > c->f->opts.max_page_bytes)
		return cc_err(c, DM_ETOOBIG, diag,
			      "page of %s bytes exceeds the page size limit",
			      "more");
	return DM_OK;
}

/*
 * After a page: what the window holds past it is all the window keeps
 * (when that frees TRIM_WASTE bytes or more).  A window per column stays
 * allocated between batches, and after a page (at the end of the chunk
 * always) much of it holds bytes already used: 51 columns of the bench's
 * one or two pages per chunk kept 10 MB of them.  On allocation failure
 * the window is simply kept.
 */
#define TRIM_WASTE ((size_t)32 << 10)
static void cc_trim(pq_cc *c)
{
	size_t left;
	uint8_t *q = NULL;

	if (!c->rbuf || c->pos < c->roff)
		return;
	/* past the window (a large page was read around it): none left */
	left = c->pos - c->roff < c->rlen ? c->rlen - (size_t)(c->pos - c->roff)
					  : 0;
	if (c->rcap - left < TRIM_WASTE)
		return;
	if (left) {
		if (!(q = malloc(left)))
			return;
		memcpy(q, c->rbuf + (c->pos - c->roff), left);
	}
	free(c->rbuf);
	c->rbuf = q;
	c->rcap = c->rlen = left;
	c->roff = c->pos;
}

/* A new buffer of n bytes (malloc) whose first `fill` bytes are about to
 * be written: their pages are faulted in with one call rather than one
 * fault each (in a virtual machine a fault costs microseconds, and a
 * wide file's first row group fills tens of MB of fresh pages); the
 * slack beyond is left untouched.  Where the kernel cannot (before
 * Linux 5.14), the pages fault in as they are written, as before. */
static void *fresh_buffer(size_t n, size_t fill)
{
	void *p = malloc(n);
#ifdef MADV_POPULATE_WRITE
	if (p && fill >= ((size_t)64 << 10) && fill <= n) {
		long pg = sysconf(_SC_PAGESIZE);
		uintptr_t a, b;

		if (pg > 0) {
			a = ((uintptr_t)p + (uintptr_t)pg - 1) &
			    ~((uintptr_t)pg - 1);
			b = ((uintptr_t)p + fill) & ~((uintptr_t)pg - 1);
			if (b > a)
				(void)madvise((void *)a, b - a,
					      MADV_POPULATE_WRITE);
		}
	}
#endif
	return p;
}

/* Decompresses csize bytes at pos (of which the first `raw` are stored
 * uncompressed, for v2 levels) into a new buffer of usize bytes. */
static dm_err cc_body(pq_cc *c, const pq_ph *h, size_t raw, int compressed,
		      uint8_t **out, dm_diag *diag)
{
	/* numbers are copied out of their page, so a data page of a numeric
	 * column may reuse the previous page's buffer (no mmap/munmap and
	 * page faults for every page) */
	int reuse = out == &c->page && c->nk != NK_STR && c->page &&
		    c->page_cap >= (size_t)h->usize + 8 && !c->lent;
	const uint8_t *src;
	uint8_t *dst;
	size_t csize = (size_t)h->csize, usize = (size_t)h->usize, alloc, pad;
	int codec =
		compressed ? (int)c->k->info.codec : DM_PARQUET_UNCOMPRESSED;
	uint64_t ratio = pq_codec_max_ratio(codec);
	const char *why = NULL;
	dm_err err;

	if (raw > csize || raw > usize)
		return BAD("level sizes exceed the page size");
	if (ratio &&
	    (uint64_t)(usize - raw) > (uint64_t)(csize - raw) * ratio + 64)
		return BAD("page's uncompressed size is larger than its codec "
			   "can produce from its data (decompression bomb?)");
	/* the window the next header is read with */
	c->win = csize <= READAHEAD ? READAHEAD : HEADER_WINDOW;
	if (csize <= READAHEAD) {
		if ((err = cc_fill(c, csize, diag)))
			return err;
		src = c->rbuf + (c->pos - c->roff);
	} else {
		/* a large page: what the window holds, then the rest
		 * straight from the source into the shared buffer */
		dm_parquet_file *f = c->f;
		size_t have = 0;
		if (csize > c->end - c->pos)
			return BAD("page extends past the end of its column "
				   "chunk");
		if (csize > f->zcap) {
			uint8_t *z = malloc(csize);
			if (!z)
				return DM_ENOMEM;
			free(f->zbuf);
			f->zbuf = z;
			f->zcap = csize;
		}
		if (c->pos >= c->roff && c->pos - c->roff < c->rlen) {
			have = c->rlen - (size_t)(c->pos - c->roff);
			if (have > csize)
				have = csize;
			memcpy(f->zbuf, c->rbuf + (c->pos - c->roff), have);
		}
		if ((err = src_read(f, c->pos + have, f->zbuf + have,
				    csize - have, diag)))
			return err;
		src = f->zbuf;
	}
	err = pq_check_size(codec, src + raw, csize - raw, usize - raw, &why);
	if (err)
		return cc_err(c, err, diag, "%s", why);
	/* + 8: never malloc(0).  A numeric data page gets 1/16 of slack, so
	 * that the next page, a few bytes larger (fewer NULLs, a longer
	 * RLE run), still fits and the buffer is reused. */
	if (!reuse && out == &c->page && c->nk != NK_STR)
		alloc = usize + usize / 16 + 8;
	else
		alloc = usize + 8;
	/* doubles may then be read in place (the + 8 above has room) */
	pad = out == &c->page && c->nk == NK_F64 ? c->want_pad % 8 : 0;
	dst = reuse ? c->page : fresh_buffer(alloc, pad + usize);
	if (!dst)
		return DM_ENOMEM;
	memcpy(dst + pad, src, raw);
	err = pq_decompress(codec, src + raw, csize - raw, dst + pad + raw,
			    usize - raw, &why);
	if (err) {
		if (!reuse)
			free(dst);
		return cc_err(c, err, diag, "%s", why ? why : "bad page data");
	}
	if (out == &c->page)
		c->pad = (unsigned)pad;
	c->pos += csize;
	if (!reuse) {
		if (out == &c->page && c->nk != NK_STR && !c->lent) {
			/* numbers were copied out of the old page: free it now,
			 * not at the next batch (with every column of a wide
			 * file changing page in the same batch, retired pages
			 * doubled the reader's memory) */
			free(c->page);
			c->page_cap = alloc;
		} else if (out == &c->page) {
			/* the old page may still back strings of this batch,
			 * or values lent to a batch still in use */
			if (retire(c, c->page)) {
				c->page = NULL;
				free(dst);
				return DM_ENOMEM;
			}
			c->page_cap = alloc;
		}
		*out = dst;
	}
	cc_trim(c);
	return DM_OK;
}

static dm_err decode_dict(pq_cc *c, const pq_ph *h, uint8_t *page,
			  dm_diag *diag)
{
	size_t n = (size_t)h->num_values, len = (size_t)h->usize, i;
	const uint8_t *p = page;
	void *d;

	const char *why = NULL;

	/* takes ownership of page */
	if (h->num_values < 0)
		why = "negative dictionary size";
	else if (h->enc != DM_PARQUET_ENC_PLAIN &&
		 h->enc != DM_PARQUET_ENC_PLAIN_DICTIONARY)
		why = "dictionary page not PLAIN-encoded";
	else if (c->phys == DM_PARQUET_BOOLEAN)
		why = "dictionary page in a BOOLEAN column";
	/* every entry takes at least 4 bytes (a length) or its width */
	else if ((c->width ? c->width : 4) * (uint64_t)n > len)
		why = "dictionary has more entries than its page holds";
	if (why) {
		free(page);
		return BAD(why);
	}
	d = malloc((n ? n : 1) * (c->nk == NK_STR ? sizeof(dm_strref) : 8));
	if (!d) {
		free(page);
		return DM_ENOMEM;
	}
	if (c->nk == NK_STR) {
		dm_strref *s = d;
		if (c->phys == DM_PARQUET_BYTE_ARRAY) {
			size_t off = 0;
			for (i = 0; i < n; i++) {
				uint32_t l;
				if (len - off < 4)
					goto bad;
				l = rd_le32(p + off);
				off += 4;
				if (l > len - off)
					goto bad;
				s[i].ptr = (const char *)p + off;
				s[i].len = l;
				off += l;
			}
		} else {
			for (i = 0; i < n; i++) {
				s[i].ptr = (const char *)p + i * c->width;
				s[i].len = (uint32_t)c->width;
			}
		}
	} else if (c->nk == NK_F64) {
		double *o = d;
		if (c->phys == DM_PARQUET_DOUBLE)
			memcpy(o, p, n * 8);
		else
			for (i = 0; i < n; i++) {
				float v;
				memcpy(&v, p + 4 * i, 4);
				o[i] = v;
			}
	} else {
		int64_t *o = d;
		for (i = 0; i < n; i++) {
			if (c->phys == DM_PARQUET_INT32)
				o[i] = (int32_t)rd_le32(p + 4 * i);
			else if (c->phys == DM_PARQUET_INT64)
				o[i] = (int64_t)rd_le64(p + 8 * i);
			else {
				uint64_t ns = rd_le64(p + 12 * i);
				int64_t day = (int32_t)rd_le32(p + 12 * i + 8);
				o[i] = (int64_t)((uint64_t)(day -
							    JULIAN_EPOCH) *
							 86400000000000ull +
						 ns);
			}
		}
	}
	if (c->nk == NK_STR) {
		if (retire(c, c->dict) || retire(c, c->dict_page)) {
			c->dict = c->dict_page = NULL;
			free(d);
			free(page);
			return DM_ENOMEM;
		}
	} else {
		free(c->dict);
		free(c->dict_page);
	}
	c->dict = d;
	c->dict_page = page;
	c->dict_n = (uint32_t)n;
	c->has_dict = 1;
	return DM_OK;
bad:
	free(d);
	free(page);
	return BAD("truncated dictionary page");
}

/*
 * Reads page headers until a data page's (v1 or v2): dictionary pages on
 * the way are decoded, index pages and unknown pages skipped.
 */
static dm_err cc_data_header(pq_cc *c, pq_ph *h, dm_diag *diag)
{
	uint8_t *page = NULL;
	dm_err err;

	for (;;) {
		if (c->pos >= c->end)
			return BAD("column chunk has fewer values than its row "
				   "group");
		if ((err = cc_header(c, h, diag)))
			return err;
		if (h->type == PAGE_DICTIONARY) {
			if (!h->has_dict)
				return BAD(
					"dictionary page without its header");
			if ((err = cc_body(c, h, 0, 1, &page, diag)))
				return err;
			if ((err = decode_dict(c, h, page, diag)))
				return err;
			continue;
		}
		if (h->type == PAGE_DATA || h->type == PAGE_DATA_V2)
			break;
		c->pos += (uint64_t)h->csize;
	}
	if ((h->type == PAGE_DATA && !h->has_dp) ||
	    (h->type == PAGE_DATA_V2 && !h->has_v2))
		return BAD("data page without its header");
	if (h->num_values < 0)
		return BAD("negative value count in a data page");
	return DM_OK;
}

/* The 4-byte little-endian length before RLE levels and RLE booleans. */
#define RLE_LEN_BYTES 4
/* Widest dictionary index, in bits. */
#define MAX_DICT_BIT_WIDTH 32

/*
 * The pad before a data page's bytes that aligns its values to a double,
 * so that they may be read in place: after the v2 levels (lv bytes), or
 * the v1 levels as writers write a page with no NULL (a 4-byte length,
 * one RLE run: the varint of 2 n, one byte), or BIT_PACKED.  A page the
 * guess misses (NULLs) is copied anyway.
 */
static unsigned values_pad(const pq_cc *c, const pq_ph *h, size_t lv)
{
	uint64_t off = lv, n = h->num_values > 0 ? (uint64_t)h->num_values : 0;

	if (h->type == PAGE_DATA && c->max_def) {
		if (h->def_enc == DM_PARQUET_ENC_BIT_PACKED) {
			off = (n + 7) / 8;
		} else {
			off = RLE_LEN_BYTES + 1 + 1; /* length, value, varint */
			for (n <<= 1; n >= 0x80; n >>= 7)
				off++;
		}
	}
	return (unsigned)((8 - off % 8) % 8);
}

/*
 * A v1 data page: reads its body, then the definition levels at its
 * start (RLE with a length, or the deprecated BIT_PACKED); the values
 * follow them.
 */
static dm_err cc_page_v1(pq_cc *c, const pq_ph *h, dm_diag *diag)
{
	const uint8_t *p, *end;
	dm_err err;

	c->want_pad = values_pad(c, h, 0);
	if ((err = cc_body(c, h, 0, 1, &c->page, diag)))
		return err;
	p = c->page + c->pad;
	end = p + h->usize;
	c->def_bp = 0;
	if (c->max_def && h->def_enc == DM_PARQUET_ENC_BIT_PACKED) {
		/* one bit a level, most significant bit first */
		uint64_t nb = ((uint64_t)h->num_values + 7) / 8;
		if (nb > (uint64_t)(end - p))
			return BAD("definition levels exceed the page");
		c->def_bp = 1;
		c->def_p = p;
		c->def_bits = (uint64_t)h->num_values;
		c->def_pos = 0;
		p += nb;
	} else if (c->max_def) {
		uint32_t l;
		if (h->def_enc != DM_PARQUET_ENC_RLE)
			return cc_err(c, DM_EUNSUPPORTED, diag,
				      "definition levels in %s",
				      dm_parquet_encoding_name(h->def_enc));
		if (end - p < RLE_LEN_BYTES ||
		    (l = rd_le32(p)) > (size_t)(end - p - RLE_LEN_BYTES))
			return BAD("definition levels exceed the page");
		rle_init(&c->def, p + RLE_LEN_BYTES, l, 1);
		p += RLE_LEN_BYTES + l;
	}
	c->vp = p;
	c->vend = end;
	return DM_OK;
}

/*
 * A v2 data page: the levels come first, uncompressed, with their sizes
 * in the header (a flat column has no repetition levels); only the values
 * may be compressed.
 */
static dm_err cc_page_v2(pq_cc *c, const pq_ph *h, dm_diag *diag)
{
	size_t lv;
	dm_err err;

	c->def_bp = 0;
	if (h->def_len < 0 || h->rep_len < 0)
		return BAD("negative level sizes");
	if (h->rep_len != 0)
		return BAD("repetition levels in a flat column");
	lv = (size_t)h->def_len;
	c->want_pad = values_pad(c, h, lv);
	if ((err = cc_body(c, h, lv, h->is_compressed, &c->page, diag)))
		return err;
	if (c->max_def)
		rle_init(&c->def, c->page + c->pad, lv, 1);
	c->vp = c->page + c->pad + lv;
	c->vend = c->page + c->pad + h->usize;
	return DM_OK;
}

/* Dictionary indices: a bit width byte, then RLE / bit-packed runs. */
static dm_err start_dict_indices(pq_cc *c, dm_diag *diag)
{
	if (!c->has_dict)
		return BAD("dictionary-encoded page without a dictionary");
	if (c->vp >= c->vend) {
		/* all values NULL: no bit width byte needed */
		rle_init(&c->rle, c->vend, 0, 0);
		return DM_OK;
	}
	if (*c->vp > MAX_DICT_BIT_WIDTH)
		return BAD("dictionary index bit width above 32");
	rle_init(&c->rle, c->vp + 1, (size_t)(c->vend - c->vp - 1), *c->vp);
	return DM_OK;
}

/* RLE booleans: a 4-byte length (pages v1 and v2), then runs of width 1;
 * a page of NULLs may have no data at all. */
static dm_err start_rle_bools(pq_cc *c, dm_diag *diag)
{
	uint32_t l;

	if (c->phys != DM_PARQUET_BOOLEAN)
		return cc_err(c, DM_EUNSUPPORTED, diag, "%s",
			      "RLE values in a non-BOOLEAN column");
	if (c->vp == c->vend) {
		rle_init(&c->rle, c->vend, 0, 1);
		return DM_OK;
	}
	if (c->vend - c->vp < RLE_LEN_BYTES ||
	    (l = rd_le32(c->vp)) > (size_t)(c->vend - c->vp - RLE_LEN_BYTES))
		return BAD("RLE boolean data exceed the page");
	rle_init(&c->rle, c->vp + RLE_LEN_BYTES, l, 1);
	return DM_OK;
}

static dm_err start_delta_ints(pq_cc *c, dm_diag *diag)
{
	if (c->phys != DM_PARQUET_INT32 && c->phys != DM_PARQUET_INT64)
		return BAD("DELTA_BINARY_PACKED on a non-integer column");
	if (c->vp >= c->vend) {
		memset(&c->dbp, 0, sizeof(c->dbp));
		return DM_OK;
	}
	if (dbp_init(&c->dbp, c->vp, (size_t)(c->vend - c->vp)))
		return BAD("bad DELTA_BINARY_PACKED header");
	return DM_OK;
}

/* Definition levels counted a chunk at a time (a stack buffer). */
#define LEVEL_CHUNK 256

/*
 * The non-NULL values of the page, in *n: a v2 page says; a v1 page's
 * levels are counted, only those of rows this row group still has.
 */
static dm_err page_nonnull(pq_cc *c, const pq_ph *h, size_t *n, dm_diag *diag)
{
	uint64_t lim = (uint64_t)h->num_values < c->rows_left
			       ? (uint64_t)h->num_values
			       : c->rows_left;

	*n = (size_t)h->num_values;
	if (h->type == PAGE_DATA_V2) {
		*n = h->num_nulls >= 0 && h->num_nulls <= h->num_values
			     ? (size_t)(h->num_values - h->num_nulls)
			     : 0;
	} else if (c->max_def && c->def_bp) {
		*n = 0;
		for (uint64_t i = 0; i < lim; i++)
			*n += (c->def_p[i >> 3] >> (7 - (i & 7))) & 1;
	} else if (c->max_def) {
		pq_rle tmp = c->def;
		uint8_t lv[LEVEL_CHUNK];
		size_t left = (size_t)lim;
		*n = 0;
		while (left) {
			size_t k = left < sizeof(lv) ? left : sizeof(lv);
			if (rle_get_u8(&tmp, lv, k))
				return BAD("truncated definition levels");
			for (size_t i = 0; i < k; i++)
				*n += lv[i] != 0;
			left -= k;
		}
	}
	return DM_OK;
}

/*
 * DELTA_LENGTH_BYTE_ARRAY (lengths, then the bytes) and DELTA_BYTE_ARRAY
 * (prefix lengths, suffix lengths, then the suffixes): reads the headers
 * of the length streams; delta_strings decodes them a batch at a time.
 */
static dm_err start_delta_strings(pq_cc *c, const pq_ph *h, dm_diag *diag)
{
	const uint8_t *p = c->vp;
	size_t n, len = (size_t)(c->vend - c->vp), end;
	int dba = c->enc == DM_PARQUET_ENC_DELTA_BYTE_ARRAY;
	dm_err err;

	if ((err = page_nonnull(c, h, &n, diag)))
		return err;
	c->pstr_n = n;
	c->pstr_i = 0;
	c->dba_total = 0;
	c->prev_len = 0;
	if (n == 0)
		return DM_OK;
	if (c->phys != DM_PARQUET_BYTE_ARRAY &&
	    !(dba && c->phys == DM_PARQUET_FIXED_LEN_BYTE_ARRAY))
		return BAD("delta string encoding on a non-byte-array column");
	if (dba) {
		if (dbp_init(&c->dbp2, p, len) || c->dbp2.total < n ||
		    dbp_skip(p, len, &end))
			return BAD("bad DELTA_BYTE_ARRAY prefix lengths");
		p += end;
		len -= end;
	}
	if (dbp_init(&c->dbp, p, len) || c->dbp.total < n ||
	    dbp_skip(p, len, &end))
		return BAD("bad delta-encoded lengths");
	c->sdata = p + end;
	return DM_OK;
}

static dm_err start_split(pq_cc *c, dm_diag *diag)
{
	size_t w = c->width, len = (size_t)(c->vend - c->vp);

	if (!w || c->phys == DM_PARQUET_BOOLEAN)
		return BAD("BYTE_STREAM_SPLIT on a variable-width column");
	if (len % w)
		return BAD("BYTE_STREAM_SPLIT data not a multiple of the value "
			   "width");
	c->bss_n = len / w;
	c->bss_i = 0;
	return DM_OK;
}

/* Sets up the decoder of the page's values, [c->vp, c->vend). */
static dm_err cc_start_values(pq_cc *c, const pq_ph *h, dm_diag *diag)
{
	c->page_left = (uint64_t)h->num_values;
	c->enc = h->enc;
	c->bit = 0;
	switch (c->enc) {
	case DM_PARQUET_ENC_PLAIN:
		return DM_OK;
	case DM_PARQUET_ENC_PLAIN_DICTIONARY:
	case DM_PARQUET_ENC_RLE_DICTIONARY:
		return start_dict_indices(c, diag);
	case DM_PARQUET_ENC_RLE:
		return start_rle_bools(c, diag);
	case DM_PARQUET_ENC_DELTA_BINARY_PACKED:
		return start_delta_ints(c, diag);
	case DM_PARQUET_ENC_DELTA_LENGTH_BYTE_ARRAY:
	case DM_PARQUET_ENC_DELTA_BYTE_ARRAY:
		return start_delta_strings(c, h, diag);
	case DM_PARQUET_ENC_BYTE_STREAM_SPLIT:
		return start_split(c, diag);
	default:
		return cc_err(c, DM_EUNSUPPORTED, diag,
			      "unsupported encoding %s",
			      dm_parquet_encoding_name(c->enc));
	}
}

/* Loads the next data page (reading any dictionary page first). */
static dm_err cc_next_page(pq_cc *c, dm_diag *diag)
{
	pq_ph h;
	dm_err err;

	if ((err = cc_data_header(c, &h, diag)))
		return err;
	err = h.type == PAGE_DATA ? cc_page_v1(c, &h, diag)
				  : cc_page_v2(c, &h, diag);
	if (err)
		return err;
	return cc_start_values(c, &h, diag);
}

static inline int64_t int96_ns(const uint8_t *p)
{
	uint64_t ns = rd_le64(p);
	int64_t day = (int32_t)rd_le32(p + 8);

	return (int64_t)((uint64_t)(day - JULIAN_EPOCH) * 86400000000000ull +
			 ns);
}

static dm_err ensure_idx(pq_cc *c, size_t m)
{
	if (m <= c->idx_cap)
		return DM_OK;
	uint32_t *p = realloc(c->idx, m * sizeof(*p));
	if (!p)
		return DM_ENOMEM;
	c->idx = p;
	c->idx_cap = m;
	return DM_OK;
}

/*
 * DELTA_LENGTH_BYTE_ARRAY / DELTA_BYTE_ARRAY: the next m values.  Lengths
 * are decoded m at a time into scratch; DELTA_LENGTH values point into the
 * page, DELTA_BYTE_ARRAY values (prefix of the previous value + suffix)
 * are built in a buffer that lives until the next batch.  The bytes built
 * from one page are bounded by max_page_bytes, so a page of long shared
 * prefixes cannot expand without limit.
 */
static dm_err delta_strings(pq_cc *c, size_t m, void *out, dm_diag *diag)
{
	dm_strref *os = out;
	int dba = c->enc == DM_PARQUET_ENC_DELTA_BYTE_ARRAY;
	size_t i, left = (size_t)(c->vend - c->sdata);
	uint64_t total = 0, prev;
	uint8_t *o;

	if (m > c->pstr_n - c->pstr_i)
		return BAD("more values than the delta-encoded page holds");
	if (m > c->lens_cap) {
		int64_t *a = realloc(c->lens, m * sizeof(*a));
		if (a)
			c->lens = a;
		int64_t *b = realloc(c->pres, m * sizeof(*b));
		if (b)
			c->pres = b;
		if (!a || !b)
			return DM_ENOMEM;
		c->lens_cap = m;
	}
	if (dbp_get(&c->dbp, c->lens, m) ||
	    (dba && dbp_get(&c->dbp2, c->pres, m)))
		return BAD("truncated delta-encoded lengths");
	c->pstr_i += m;
	prev = c->prev_len;
	for (i = 0; i < m; i++) {
		int64_t sl = c->lens[i], pl = dba ? c->pres[i] : 0;
		if (sl < 0 || (uint64_t)sl > left)
			return BAD("string lengths exceed the page");
		left -= (size_t)sl;
		if (pl < 0 || (uint64_t)pl > prev)
			return BAD("DELTA_BYTE_ARRAY prefix longer than the "
				   "previous value");
		prev = (uint64_t)pl + (uint64_t)sl;
		if (prev > 0xffffffffu)
			return BAD("DELTA_BYTE_ARRAY value too long");
		total += prev;
	}
	if (!dba) {
		for (i = 0; i < m; i++) {
			os[i].ptr = (const char *)c->sdata;
			os[i].len = (uint32_t)c->lens[i];
			c->sdata += c->lens[i];
		}
		return DM_OK;
	}
	c->dba_total += total;
	if (c->dba_total > c->f->opts.max_page_bytes)
		return cc_err(
			c, DM_ETOOBIG, diag, "%s",
			"DELTA_BYTE_ARRAY page expands past the page size "
			"limit");
	if (!(o = malloc(total + 1)) || retire(c, o))
		return DM_ENOMEM;
	for (i = 0; i < m; i++) {
		size_t pl = (size_t)c->pres[i], sl = (size_t)c->lens[i];
		const uint8_t *pp =
			i ? (const uint8_t *)os[i - 1].ptr : c->prev;
		if (pl)
			memcpy(o, pp, pl);
		if (sl)
			memcpy(o + pl, c->sdata, sl);
		c->sdata += sl;
		os[i].ptr = (const char *)o;
		os[i].len = (uint32_t)(pl + sl);
		if (c->phys == DM_PARQUET_FIXED_LEN_BYTE_ARRAY &&
		    os[i].len != c->width)
			return BAD("FIXED_LEN_BYTE_ARRAY value of the wrong "
				   "length");
		o += pl + sl;
	}
	/* keep the last value for the next call's first prefix */
	if (m) {
		size_t l = os[m - 1].len;
		if (l > c->prev_cap) {
			uint8_t *q = realloc(c->prev, l);
			if (!q)
				return DM_ENOMEM;
			c->prev = q;
			c->prev_cap = l;
		}
		if (l)
			memcpy(c->prev, os[m - 1].ptr, l);
		c->prev_len = l;
	}
	return DM_OK;
}

/* Bytes of a PLAIN INT96 (nanoseconds of the day, then the Julian day). */
#define INT96_BYTES 12
/* Widest BYTE_STREAM_SPLIT value decoded to a number (DOUBLE, INT64). */
#define MAX_SPLIT_NUMBER 16

/* PLAIN BOOLEAN: one bit a value, least significant bit first. */
static dm_err plain_bools(pq_cc *c, size_t m, int64_t *oi, dm_diag *diag)
{
	size_t avail = (size_t)(c->vend - c->vp);

	if ((c->bit + m + 7) / 8 > avail)
		return BAD("PLAIN booleans exceed the page");
	for (size_t i = 0; i < m; i++, c->bit++)
		oi[i] = (c->vp[c->bit >> 3] >> (c->bit & 7)) & 1;
	return DM_OK;
}

/* PLAIN BYTE_ARRAY: each value a 4-byte length and its bytes. */
static dm_err plain_byte_arrays(pq_cc *c, size_t m, dm_strref *os,
				dm_diag *diag)
{
	const uint8_t *p = c->vp, *end = c->vend;

	for (size_t i = 0; i < m; i++) {
		uint32_t l;
		if (end - p < 4)
			return BAD("PLAIN byte arrays exceed the page");
		l = rd_le32(p);
		p += 4;
		if (l > (size_t)(end - p))
			return BAD("PLAIN byte arrays exceed the page");
		os[i].ptr = (const char *)p;
		os[i].len = l;
		p += l;
	}
	c->vp = p;
	return DM_OK;
}

/* PLAIN values of a fixed width (c->width): numbers and
 * FIXED_LEN_BYTE_ARRAY. */
static dm_err plain_fixed(pq_cc *c, size_t m, void *out, dm_diag *diag)
{
	size_t i, avail = (size_t)(c->vend - c->vp);
	int64_t *oi = out;
	double *of = out;
	dm_strref *os = out;

	if ((uint64_t)m * c->width > avail)
		return BAD("PLAIN values exceed the page");
	switch (c->phys) {
	case DM_PARQUET_DOUBLE:
		memcpy(of, c->vp, m * sizeof(double));
		break;
	case DM_PARQUET_INT64:
		memcpy(oi, c->vp, m * sizeof(int64_t));
		break;
	case DM_PARQUET_FLOAT:
		for (i = 0; i < m; i++) {
			float v;
			memcpy(&v, c->vp + sizeof(v) * i, sizeof(v));
			of[i] = v;
		}
		break;
	case DM_PARQUET_INT32:
		for (i = 0; i < m; i++)
			oi[i] = (int32_t)rd_le32(c->vp + sizeof(int32_t) * i);
		break;
	case DM_PARQUET_INT96:
		for (i = 0; i < m; i++)
			oi[i] = int96_ns(c->vp + INT96_BYTES * i);
		break;
	default: /* FIXED_LEN_BYTE_ARRAY */
		for (i = 0; i < m; i++) {
			os[i].ptr = (const char *)c->vp + i * c->width;
			os[i].len = (uint32_t)c->width;
		}
	}
	c->vp += m * c->width;
	return DM_OK;
}

static dm_err plain_values(pq_cc *c, size_t m, void *out, dm_diag *diag)
{
	if (c->phys == DM_PARQUET_BOOLEAN)
		return plain_bools(c, m, out, diag);
	if (c->phys == DM_PARQUET_BYTE_ARRAY)
		return plain_byte_arrays(c, m, out, diag);
	return plain_fixed(c, m, out, diag);
}

/* Dictionary indices, checked against the dictionary, then looked up. */
static dm_err dict_values(pq_cc *c, size_t m, void *out, dm_diag *diag)
{
	uint32_t maxi = 0, n = c->dict_n;
	size_t i;
	dm_err err;

	if ((err = ensure_idx(c, m)))
		return err;
	if (rle_get(&c->rle, c->idx, m))
		return BAD("truncated dictionary indices");
	for (i = 0; i < m; i++)
		maxi = c->idx[i] > maxi ? c->idx[i] : maxi;
	if (maxi >= n)
		return BAD("dictionary index out of range");
	if (c->nk == NK_STR) {
		const dm_strref *d = c->dict;
		dm_strref *os = out;
		for (i = 0; i < m; i++)
			os[i] = d[c->idx[i]];
	} else {
		const int64_t *d = c->dict; /* double bits alike */
		int64_t *oi = out;
		for (i = 0; i < m; i++)
			oi[i] = d[c->idx[i]];
	}
	return DM_OK;
}

static dm_err rle_bools(pq_cc *c, size_t m, void *out, dm_diag *diag)
{
	int64_t *oi = out;
	dm_err err;

	if ((err = ensure_idx(c, m)))
		return err;
	if (rle_get(&c->rle, c->idx, m))
		return BAD("truncated RLE booleans");
	for (size_t i = 0; i < m; i++)
		oi[i] = c->idx[i] & 1;
	return DM_OK;
}

static dm_err delta_ints(pq_cc *c, size_t m, void *out, dm_diag *diag)
{
	int64_t *oi = out;

	if (!c->dbp.buf || dbp_get(&c->dbp, oi, m))
		return BAD("truncated DELTA_BINARY_PACKED values");
	if (c->phys == DM_PARQUET_INT32)
		for (size_t i = 0; i < m; i++)
			oi[i] = (int32_t)(uint32_t)(uint64_t)oi[i];
	return DM_OK;
}

/* BYTE_STREAM_SPLIT FIXED_LEN_BYTE_ARRAY: the streams joined into a
 * buffer that lives until the next batch. */
static dm_err split_strings(pq_cc *c, size_t m, dm_strref *os)
{
	size_t w = c->width, n = c->bss_n, i, j;
	const uint8_t *s = c->vp;
	uint8_t *o = malloc(m * w + 1);

	if (!o || retire(c, o))
		return DM_ENOMEM;
	for (i = 0; i < m; i++, c->bss_i++) {
		for (j = 0; j < w; j++)
			o[i * w + j] = s[j * n + c->bss_i];
		os[i].ptr = (const char *)o + i * w;
		os[i].len = (uint32_t)w;
	}
	return DM_OK;
}

/* BYTE_STREAM_SPLIT numbers: byte j of value i is in stream j. */
static dm_err split_numbers(pq_cc *c, size_t m, void *out, dm_diag *diag)
{
	size_t w = c->width, n = c->bss_n, i, j;
	const uint8_t *s = c->vp;
	uint8_t tmp[MAX_SPLIT_NUMBER];
	int64_t *oi = out;
	double *of = out;

	if (w > sizeof(tmp))
		return BAD("BYTE_STREAM_SPLIT value too wide");
	for (i = 0; i < m; i++, c->bss_i++) {
		for (j = 0; j < w; j++)
			tmp[j] = s[j * n + c->bss_i];
		switch (c->phys) {
		case DM_PARQUET_DOUBLE:
			memcpy(&of[i], tmp, sizeof(double));
			break;
		case DM_PARQUET_INT64:
			memcpy(&oi[i], tmp, sizeof(int64_t));
			break;
		case DM_PARQUET_FLOAT: {
			float v;
			memcpy(&v, tmp, sizeof(v));
			of[i] = v;
			break;
		}
		case DM_PARQUET_INT32:
			oi[i] = (int32_t)rd_le32(tmp);
			break;
		default:
			return BAD("BYTE_STREAM_SPLIT on an unsupported type");
		}
	}
	return DM_OK;
}

static dm_err split_values(pq_cc *c, size_t m, void *out, dm_diag *diag)
{
	if (m > c->bss_n - c->bss_i)
		return BAD("more values than the BYTE_STREAM_SPLIT page holds");
	if (c->nk == NK_STR)
		return split_strings(c, m, out);
	return split_numbers(c, m, out, diag);
}

/* A decoder of m non-NULL values of the current page into out. */
typedef dm_err (*value_decoder)(pq_cc *c, size_t m, void *out, dm_diag *diag);

static const value_decoder value_decoders[] = {
	[DM_PARQUET_ENC_PLAIN] = plain_values,
	[DM_PARQUET_ENC_PLAIN_DICTIONARY] = dict_values,
	[DM_PARQUET_ENC_RLE_DICTIONARY] = dict_values,
	[DM_PARQUET_ENC_RLE] = rle_bools,
	[DM_PARQUET_ENC_DELTA_BINARY_PACKED] = delta_ints,
	[DM_PARQUET_ENC_DELTA_LENGTH_BYTE_ARRAY] = delta_strings,
	[DM_PARQUET_ENC_DELTA_BYTE_ARRAY] = delta_strings,
	[DM_PARQUET_ENC_BYTE_STREAM_SPLIT] = split_values,
};

/* Decodes m non-NULL values of the current page into out (native). */
static dm_err cc_values(pq_cc *c, size_t m, void *out, dm_diag *diag)
{
	size_t n = sizeof(value_decoders) / sizeof(value_decoders[0]);

	if (!m)
		return DM_OK;
	if ((unsigned)c->enc >= n || !value_decoders[c->enc])
		return BAD("unsupported encoding");
	return value_decoders[c->enc](c, m, out, diag);
}

/*
 * Reads n rows of the column: NULL flags into null (if the column is
 * optional) and values (native kind, 8 or 16 bytes each) into vals at
 * their rows.  *nnull receives the number of NULLs.
 *
 * With direct: when the n rows are n PLAIN doubles of the current page,
 * none NULL and aligned, *direct points at them in the page instead (no
 * copy; vals is not written) and the page is lent: not overwritten or
 * freed until the batch is released.  A page is lent only if the next
 * `next` rows come from it too, so that the next batch does not need a
 * new page while this one is still in use (a kept batch).
 */
static dm_err cc_read(pq_cc *c, size_t n, uint8_t *null, void *vals,
		      size_t *nnull, const double **direct, size_t next,
		      dm_diag *diag)
{
	size_t done = 0, es = c->nk == NK_STR ? sizeof(dm_strref) : 8;
	dm_err err;

	*nnull = 0;
	while (done < n) {
		size_t k, m, i;
		uint8_t *nl = null ? null + done : NULL;
		char *vo = (char *)vals + done * es;
		if (!c->page_left) {
			if ((err = cc_next_page(c, diag)))
				return err;
			continue;
		}
		k = n - done < c->page_left ? n - done : (size_t)c->page_left;
		m = k;
		if (c->max_def && c->def_bp) {
			if (k > c->def_bits - c->def_pos)
				return BAD("truncated definition levels");
			for (i = 0; i < k; i++, c->def_pos++)
				nl[i] = (c->def_p[c->def_pos >> 3] >>
					 (7 - (c->def_pos & 7))) &
					1;
		} else if (c->max_def && rle_get_u8(&c->def, nl, k)) {
			return BAD("truncated definition levels");
		}
		if (c->max_def) {
			m = 0;
			for (i = 0; i < k; i++) {
				if (nl[i] > 1)
					return BAD("definition level above 1");
				m += nl[i];
				nl[i] ^= 1;
			}
		}
		if (direct && k == n && m == n &&
		    c->enc == DM_PARQUET_ENC_PLAIN &&
		    c->phys == DM_PARQUET_DOUBLE &&
		    (uintptr_t)c->vp % _Alignof(double) == 0 &&
		    c->page_left - k >= next) {
			if ((uint64_t)n * sizeof(double) >
			    (uint64_t)(c->vend - c->vp))
				return BAD("PLAIN values exceed the page");
			*direct = (const double *)(const void *)c->vp;
			c->vp += n * sizeof(double);
			c->lent = c->keep ? 2 : 1;
			c->page_left -= k;
			done += k;
			continue;
		}
		if ((err = cc_values(c, m, vo, diag)))
			return err;
		if (m < k) {
			/* spread the packed values to their rows */
			size_t j = m;
			if (es == 8) {
				uint64_t *v = (uint64_t *)(void *)vo;
				for (i = k; i-- > 0;)
					v[i] = nl[i] ? 0 : v[--j];
			} else {
				dm_strref *v = (dm_strref *)(void *)vo;
				for (i = k; i-- > 0;) {
					if (nl[i]) {
						v[i].ptr = "";
						v[i].len = 0;
					} else
						v[i] = v[--j];
				}
			}
			*nnull += k - m;
		}
		c->page_left -= k;
		done += k;
	}
	c->rows_left -= n < c->rows_left ? n : c->rows_left;
	return DM_OK;
}

/* ---- scans ------------------------------------------------------------ */
enum { OUT_F64, OUT_I64, OUT_STR };

typedef struct scol {
	size_t col;
	int out;    /* OUT_* */
	int nk;	    /* native */
	double div; /* divide by (timestamps, decimals) */
	double mul; /* multiply by (dates) */
	int unsig;  /* reinterpret as unsigned (bits) */
	/* the output of the batch being built: one of the sets ob[] */
	uint8_t *null;
	double *f64;
	int64_t *i64;
	dm_strref *str;
	struct obuf {
		uint8_t *null;
		double *f64;
		int64_t *i64;
		dm_strref *str;
	} ob[2];
	void *native; /* scratch when native != out */
	dm_parquet_vec vec;
} scol;

struct dm_parquet_scan {
	dm_parquet_file *f;
	dm_parquet_mode mode;
	size_t ncols;
	scol *sc;
	pq_cc *cc; /* ncols cursors of the current row group */
	size_t rg; /* current row group + 1 (0 before the first) */
	uint64_t rg_left;
	/* rows allocated in each set of outputs, and in native */
	size_t cap[2], ncap;
	/* keep: batches alternate between the two sets of outputs and stay
	 * valid until the second next call (pq_scan_keep_batches) */
	int keep;
	unsigned set; /* the set of the current batch */
};

static void scan_drop_cursors(dm_parquet_scan *s)
{
	if (!s->cc)
		return;
	for (size_t i = 0; i < s->ncols; i++)
		cc_release(&s->cc[i]);
}

void dm_parquet_scan_free(dm_parquet_scan *s)
{
	if (!s)
		return;
	scan_drop_cursors(s);
	free(s->cc);
	for (size_t i = 0; s->sc && i < s->ncols; i++) {
		for (unsigned g = 0; g < 2; g++) {
			free(s->sc[i].ob[g].null);
			free(s->sc[i].ob[g].f64);
			free(s->sc[i].ob[g].i64);
			free(s->sc[i].ob[g].str);
		}
		free(s->sc[i].native);
	}
	free(s->sc);
	free(s);
}

static double pow10i(int e)
{
	double p = 1;

	while (e-- > 0)
		p *= 10;
	return p;
}

dm_err dm_parquet_scan_new(dm_parquet_file *f, const size_t *cols, size_t ncols,
			   dm_parquet_mode mode, dm_parquet_scan **out,
			   dm_diag *diag)
{
	dm_parquet_scan *s;

	*out = NULL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return DM_ENOMEM;
	s->f = f;
	s->mode = mode;
	s->ncols = ncols;
	s->sc = calloc(ncols ? ncols : 1, sizeof(*s->sc));
	s->cc = calloc(ncols ? ncols : 1, sizeof(*s->cc));
	if (!s->sc || !s->cc) {
		dm_parquet_scan_free(s);
		return DM_ENOMEM;
	}
	for (size_t i = 0; i < ncols; i++) {
		scol *c = &s->sc[i];
		const dm_parquet_column_info *ci;
		if (cols[i] >= f->ft.ncols) {
			dm_parquet_scan_free(s);
			return dm_diag_set(diag, DM_EINVAL, f->name, 0, NULL,
					   "column index %zu out of range",
					   cols[i]);
		}
		ci = &f->ft.cols[cols[i]];
		c->col = cols[i];
		c->div = 1;
		c->mul = 1;
		switch (ci->physical) {
		case DM_PARQUET_FLOAT:
		case DM_PARQUET_DOUBLE:
			c->nk = NK_F64;
			break;
		case DM_PARQUET_BYTE_ARRAY:
		case DM_PARQUET_FIXED_LEN_BYTE_ARRAY:
			c->nk = NK_STR;
			break;
		default:
			c->nk = NK_I64;
		}
		if (ci->logical == DM_PARQUET_L_INT && !ci->int_signed)
			c->unsig = ci->int_bits;
		if (ci->logical == DM_PARQUET_L_DECIMAL)
			c->div = pow10i(ci->scale);
		if (c->nk == NK_F64)
			c->out = OUT_F64;
		else if (c->nk == NK_STR)
			c->out = ci->logical == DM_PARQUET_L_DECIMAL ||
						 ci->logical ==
							 DM_PARQUET_L_FLOAT16
					 ? OUT_F64
					 : OUT_STR;
		else if (mode == DM_PARQUET_RAW)
			c->out = ci->logical == DM_PARQUET_L_DECIMAL ? OUT_F64
								     : OUT_I64;
		else {
			c->out = OUT_F64;
			if (ci->logical == DM_PARQUET_L_TIMESTAMP ||
			    ci->logical == DM_PARQUET_L_TIME)
				c->div = ci->unit == DM_PARQUET_MILLIS	 ? 1e3
					 : ci->unit == DM_PARQUET_MICROS ? 1e6
									 : 1e9;
			if (ci->logical == DM_PARQUET_L_DATE)
				c->mul = 86400;
		}
	}
	*out = s;
	return DM_OK;
}

/* Room for n rows in the set of outputs g (the other set may hold the
 * last batch) and in the native scratch. */
static dm_err scan_alloc(dm_parquet_scan *s, unsigned g, size_t n)
{
	size_t i;

	if (n > s->cap[g]) {
		s->cap[g] = 0;
		for (i = 0; i < s->ncols; i++) {
			scol *c = &s->sc[i];
			struct obuf *o = &c->ob[g];

			free(o->null);
			free(o->f64);
			free(o->i64);
			free(o->str);
			memset(o, 0, sizeof(*o));
			if (s->f->ft.cols[c->col].optional &&
			    !(o->null = malloc(n)))
				return DM_ENOMEM;
			if (c->out == OUT_F64 && !(o->f64 = malloc(n * 8)))
				return DM_ENOMEM;
			if (c->out == OUT_I64 && !(o->i64 = malloc(n * 8)))
				return DM_ENOMEM;
			if (c->out == OUT_STR &&
			    !(o->str = malloc(n * sizeof(dm_strref))))
				return DM_ENOMEM;
		}
		s->cap[g] = n;
	}
	if (n > s->ncap) {
		s->ncap = 0;
		for (i = 0; i < s->ncols; i++) {
			scol *c = &s->sc[i];
			size_t es = c->nk == NK_STR ? sizeof(dm_strref) : 8;

			free(c->native);
			c->native = NULL;
			if ((c->out != OUT_F64 || c->nk != NK_F64) &&
			    !(c->out == OUT_I64 && c->nk == NK_I64) &&
			    !(c->out == OUT_STR && c->nk == NK_STR) &&
			    !(c->native = malloc(n * es)))
				return DM_ENOMEM;
		}
		s->ncap = n;
	}
	for (i = 0; i < s->ncols; i++) {
		scol *c = &s->sc[i];

		c->null = c->ob[g].null;
		c->f64 = c->ob[g].f64;
		c->i64 = c->ob[g].i64;
		c->str = c->ob[g].str;
	}
	return DM_OK;
}

/* Makes the batches of s stay valid until the second next call (two
 * sets of outputs in turn; pages and dictionaries the last batch may
 * point into are freed one batch later).  Before the first batch. */
static void pq_scan_keep_batches(dm_parquet_scan *s)
{
	s->keep = 1;
	for (size_t i = 0; i < s->ncols; i++)
		s->cc[i].keep = 1;
}

static double be_decimal(const dm_strref *v)
{
	const uint8_t *p = (const uint8_t *)v->ptr;
	size_t n = v->len, i;

	if (n == 0)
		return 0;
	if (n <= 8) {
		uint64_t u = (p[0] & 0x80) ? ~(uint64_t)0 : 0;
		for (i = 0; i < n; i++)
			u = u << 8 | p[i];
		return (double)(int64_t)u;
	}
	{
		int neg = p[0] & 0x80;
		double d = 0;
		for (i = 0; i < n; i++)
			d = d * 256 + (neg ? (uint8_t)~p[i] : p[i]);
		return neg ? -(d + 1) : d;
	}
}

static double half_to_double(const dm_strref *v)
{
	const uint8_t *p = (const uint8_t *)v->ptr;
	unsigned h, e, m;
	double r;

	if (v->len != 2)
		return NAN;
	h = (unsigned)p[0] | (unsigned)p[1] << 8;
	e = (h >> 10) & 0x1f;
	m = h & 0x3ff;
	if (e == 0)
		r = ldexp(m, -24);
	else if (e == 31)
		r = m ? NAN : INFINITY;
	else
		r = ldexp(m + 1024, (int)e - 25);
	return (h & 0x8000) ? -r : r;
}

static void convert(scol *c, size_t n, const dm_parquet_column_info *ci)
{
	size_t i;

	if (c->out == OUT_F64 && c->nk == NK_I64) {
		const int64_t *v = c->native;
		double *o = c->f64;
		if (c->unsig == 64) {
			for (i = 0; i < n; i++)
				o[i] = (double)(uint64_t)v[i];
		} else if (c->unsig == 32) {
			for (i = 0; i < n; i++)
				o[i] = (double)(uint32_t)v[i];
		} else if (c->unsig) {
			uint64_t mask = ((uint64_t)1 << c->unsig) - 1;
			for (i = 0; i < n; i++)
				o[i] = (double)((uint64_t)v[i] & mask);
		} else if (c->div != 1) {
			for (i = 0; i < n; i++)
				o[i] = (double)v[i] / c->div;
		} else if (c->mul != 1) {
			for (i = 0; i < n; i++)
				o[i] = (double)v[i] * c->mul;
		} else {
			for (i = 0; i < n; i++)
				o[i] = (double)v[i];
		}
	} else if (c->out == OUT_F64 && c->nk == NK_STR) {
		const dm_strref *v = c->native;
		double *o = c->f64;
		if (ci->logical == DM_PARQUET_L_FLOAT16)
			for (i = 0; i < n; i++)
				o[i] = half_to_double(&v[i]);
		else
			for (i = 0; i < n; i++)
				o[i] = be_decimal(&v[i]) / c->div;
	} else if (c->out == OUT_I64 && c->unsig && c->unsig < 64) {
		/* raw unsigned 8/16/32: make the int64 the unsigned value */
		uint64_t mask = ((uint64_t)1 << c->unsig) - 1;
		for (i = 0; i < n; i++)
			c->i64[i] = (int64_t)((uint64_t)c->i64[i] & mask);
	}
}

dm_err dm_parquet_scan_next(dm_parquet_scan *s, size_t max_rows, size_t *nrows,
			    dm_diag *diag)
{
	dm_parquet_file *f = s->f;
	size_t n, i;
	dm_err err;

	*nrows = 0;
	if (!max_rows)
		max_rows = DEF_BATCH;
	for (i = 0; i < s->ncols; i++)
		age_retired(&s->cc[i]);
	while (!s->rg_left) {
		const pq_rowgroup *g;
		if (s->rg >= f->ft.nrg)
			return DM_OK;
		g = &f->ft.rg[s->rg++];
		/* Work is bounded by what the file holds: even an all-NULL
		 * or constant column takes a few bytes per page of at most
		 * 2^31 values, and real writers stay far below this density.
		 * A tiny file claiming billions of rows is refused, not
		 * decoded for hours. */
		if ((uint64_t)g->num_rows / ROWS_PER_BYTE >
		    (uint64_t)f->ft.rginfo[s->rg - 1].total_compressed_size + 1)
			return dm_diag_set(diag, DM_EFORMAT, f->name, 0, NULL,
					   "row group %zu claims %lld rows in "
					   "only %lld bytes",
					   s->rg - 1, (long long)g->num_rows,
					   (long long)f->ft.rginfo[s->rg - 1]
						   .total_compressed_size);
		if (f->opts.max_rowgroup_bytes && s->ncols &&
		    (uint64_t)g->num_rows > f->opts.max_rowgroup_bytes /
						    (8 * (uint64_t)s->ncols))
			return dm_diag_set(diag, DM_ETOOBIG, f->name, 0, NULL,
					   "row group %zu: %lld rows of %zu "
					   "columns exceed the row group limit",
					   s->rg - 1, (long long)g->num_rows,
					   s->ncols);
		for (i = 0; i < s->ncols; i++) {
			const pq_chunk *k =
				&g->chunks[f->ft.cols[s->sc[i].col].leaf];
			if ((err = cc_init(&s->cc[i], f, s->sc[i].col,
					   s->rg - 1, diag)))
				return err;
			if (k->info.num_values < g->num_rows)
				return dm_diag_set(
					diag, DM_EFORMAT, f->name, 0,
					s->cc[i].cname,
					"row group %zu: column chunk has "
					"%lld values for %lld rows",
					s->rg - 1,
					(long long)k->info.num_values,
					(long long)g->num_rows);
		}
		s->rg_left = (uint64_t)g->num_rows;
	}
	n = s->rg_left < max_rows ? (size_t)s->rg_left : max_rows;
	if (s->keep) {
		/* room for the largest batch at once: a short row group
		 * first, then a longer one, would otherwise reallocate the
		 * set of a batch still in use */
		size_t most = n;

		for (i = 0; i < f->ft.nrg; i++)
			if ((uint64_t)f->ft.rg[i].num_rows > most)
				most = (uint64_t)f->ft.rg[i].num_rows < max_rows
					       ? (size_t)f->ft.rg[i].num_rows
					       : max_rows;
		s->set ^= 1u;
		if ((err = scan_alloc(s, s->set, most)))
			return err;
	} else if ((err = scan_alloc(s, 0, n))) {
		return err;
	}
	for (i = 0; i < s->ncols; i++) {
		scol *c = &s->sc[i];
		pq_cc *cc = &s->cc[i];
		size_t nnull = 0;
		void *dst = c->native		? c->native
			    : c->out == OUT_F64 ? (void *)c->f64
			    : c->out == OUT_I64 ? (void *)c->i64
						: (void *)c->str;
		/* doubles as they are: may be read in place (cc_read) */
		const double *direct = NULL;
		int lend = !c->native && c->out == OUT_F64 && c->nk == NK_F64;

		err = cc_read(cc, n, cc->max_def ? c->null : NULL, dst, &nnull,
			      lend ? &direct : NULL, s->keep ? max_rows : 0,
			      diag);
		if (err)
			return err;
		convert(c, n, cc->ci);
		c->vec.n = n;
		c->vec.null = nnull ? c->null : NULL;
		c->vec.f64 = direct ? direct : c->f64;
		c->vec.i64 = c->i64;
		c->vec.str = c->str;
	}
	s->rg_left -= n;
	*nrows = n;
	return DM_OK;
}

const dm_parquet_vec *dm_parquet_scan_column(const dm_parquet_scan *s, size_t i)
{
	return i < s->ncols ? &s->sc[i].vec : NULL;
}

size_t dm_parquet_scan_rowgroup(const dm_parquet_scan *s)
{
	return s->rg ? s->rg - 1 : 0;
}

/* ---- dm_reader ---------------------------------------------------------- */
typedef struct pq_reader {
	dm_reader base;
	dm_parquet_file *f;
	dm_parquet_scan *scan;
	uint8_t *keep;
	size_t batch_rows;
	/* with base.batches_kept, batches alternate between the two */
	dm_batch batch[2];
	dm_column *cols[2];
	unsigned set;
	uint8_t *allnull;
	dm_strref *empty;
} pq_reader;

static void pqr_free(dm_reader *r)
{
	pq_reader *p = (pq_reader *)r;

	if (!p)
		return;
	dm_parquet_scan_free(p->scan);
	dm_parquet_file_free(p->f); /* closes the source */
	free(p->base.types);
	free(p->base.ltypes);
	free(p->base.ltype_notes);
	free(p->base.predictions);
	free(p->base.names); /* the strings belong to the footer */
	free(p->keep);
	free(p->cols[0]);
	free(p->cols[1]);
	free(p->allnull);
	free(p->empty);
	free(p);
}

static dm_err pqr_project(dm_reader *r, const uint8_t *keep)
{
	pq_reader *p = (pq_reader *)r;

	if (p->scan)
		return DM_EINVAL; /* projection must come before reading */
	for (size_t i = 0; i < r->ncols; i++)
		p->keep[i] = keep ? keep[i] != 0 : 1;
	return DM_OK;
}

static dm_err pqr_next(dm_reader *r, dm_batch **batch, dm_diag *diag)
{
	pq_reader *p = (pq_reader *)r;
	size_t n = 0, i, j;
	dm_err err;

	*batch = NULL;
	if (!p->scan) {
		size_t *cols =
			malloc((r->ncols ? r->ncols : 1) * sizeof(size_t));
		size_t nc = 0;
		if (!cols)
			return DM_ENOMEM;
		for (i = 0; i < r->ncols; i++)
			if (p->keep[i])
				cols[nc++] = i;
		err = dm_parquet_scan_new(p->f, cols, nc, DM_PARQUET_AS_DOUBLE,
					  &p->scan, diag);
		free(cols);
		if (err)
			return err;
		if (r->batches_kept)
			pq_scan_keep_batches(p->scan);
	}
	err = dm_parquet_scan_next(p->scan, p->batch_rows, &n, diag);
	if (err || !n)
		return err;
	if (r->batches_kept)
		p->set ^= 1u;
	for (i = 0, j = 0; i < r->ncols; i++) {
		dm_column *c = &p->cols[p->set][i];
		if (!p->keep[i]) {
			c->type = DM_COL_TEXT;
			c->f64 = NULL;
			c->str = p->empty;
			c->null = p->allnull;
			continue;
		}
		const dm_parquet_vec *v = dm_parquet_scan_column(p->scan, j++);
		c->type = r->types[i];
		c->f64 = (double *)(uintptr_t)v->f64;
		c->str = (dm_strref *)(uintptr_t)v->str;
		c->null = (uint8_t *)(uintptr_t)v->null;
	}
	p->batch[p->set].nrows = n;
	p->batch[p->set].ncols = r->ncols;
	p->batch[p->set].cols = p->cols[p->set];
	p->batch[p->set].first_row = r->rows_read + 1;
	p->batch[p->set].row_numbers = NULL;
	r->rows_read += n;
	*batch = &p->batch[p->set];
	return DM_OK;
}

/*
 * The logical-type hint of a column: only what values alone cannot tell
 * (a BOOLEAN column reads as 0/1, a timestamp as seconds, a time of day
 * as seconds since midnight).  Integers,
 * decimals and strings get no hint, so that the same values give the same
 * type whatever the format (docs/schema.md).
 */
static void column_hint(const dm_parquet_column_info *ci, dm_ltype *lt,
			const char **note)
{
	*lt = DM_LTYPE_UNKNOWN;
	*note = NULL;
	if (ci->physical == DM_PARQUET_BOOLEAN) {
		*lt = DM_LTYPE_BOOLEAN;
		*note = "Parquet BOOLEAN";
	} else if (ci->logical == DM_PARQUET_L_DATE) {
		*lt = DM_LTYPE_TIMESTAMP;
		*note = "Parquet DATE";
	} else if (ci->logical == DM_PARQUET_L_TIME) {
		/* seconds since midnight: a number, read as CSV's 14:05 */
		*lt = DM_LTYPE_NUMERIC;
		*note = DMIO_NOTE_PARQUET_TIME;
	} else if (ci->logical == DM_PARQUET_L_TIMESTAMP) {
		*lt = DM_LTYPE_TIMESTAMP;
		*note = ci->physical == DM_PARQUET_INT96
				? "Parquet INT96 timestamp"
				: "Parquet TIMESTAMP";
	}
}

/* The column is listed in the logger's driftmon.prediction_columns (a
 * JSON array of names; matched as a quoted string). */
static int is_prediction(const dm_parquet_meta *m, const char *name)
{
	size_t i, n = strlen(name);

	for (i = 0; i < m->nkv; i++) {
		const char *v = m->kv[i].value, *q;

		if (!m->kv[i].key || !v ||
		    strcmp(m->kv[i].key, "driftmon.prediction_columns") != 0)
			continue;
		for (q = strchr(v, '"'); q; q = strchr(q + 1, '"'))
			if (strncmp(q + 1, name, n) == 0 && q[n + 1] == '"' &&
			    (q == v || q[-1] == '[' || q[-1] == ',' ||
			     q[-1] == ' '))
				return 1;
	}
	return 0;
}

static const dm_reader_ops pq_reader_ops = {
	.format = "parquet",
	.next = pqr_next,
	.project = pqr_project,
	.free = pqr_free,
};

dm_err dm_parquet_reader_open(dm_source *src, const dm_reader_opts *opts,
			      dm_reader **out, dm_diag *diag)
{
	pq_reader *p;
	const dm_parquet_meta *m;
	size_t i, nb;
	dm_err err;

	*out = NULL;
	p = calloc(1, sizeof(*p));
	if (!p) {
		dm_source_close(src);
		return DM_ENOMEM;
	}
	err = dm_parquet_open(src, NULL, &p->f, diag);
	if (err) {
		free(p);
		return err;
	}
	m = dm_parquet_file_meta(p->f);
	nb = opts && opts->batch_rows ? opts->batch_rows : DEF_BATCH;
	p->batch_rows = nb;
	p->base.ops = &pq_reader_ops;
	p->base.src = p->f->src;
	p->base.ncols = m->ncolumns;
	p->base.names = calloc(m->ncolumns + 1, sizeof(char *));
	p->base.types = calloc(m->ncolumns + 1, sizeof(dm_coltype));
	p->base.ltypes = calloc(m->ncolumns + 1, sizeof(dm_ltype));
	p->base.ltype_notes = calloc(m->ncolumns + 1, sizeof(char *));
	p->base.predictions = calloc(m->ncolumns + 1, 1);
	p->keep = malloc(m->ncolumns + 1);
	p->cols[0] = calloc(m->ncolumns + 1, sizeof(dm_column));
	/* with threads, a batch is kept one call longer, so that the
	 * profile reads the next while it counts this one */
	p->base.batches_kept = opts && opts->threads > 1;
	if (p->base.batches_kept)
		p->cols[1] = calloc(m->ncolumns + 1, sizeof(dm_column));
	p->allnull = malloc(nb);
	p->empty = calloc(nb, sizeof(dm_strref));
	if (!p->base.names || !p->base.types || !p->base.ltypes ||
	    !p->base.ltype_notes || !p->base.predictions || !p->keep ||
	    !p->cols[0] || (p->base.batches_kept && !p->cols[1]) ||
	    !p->allnull || !p->empty) {
		pqr_free(&p->base);
		return DM_ENOMEM;
	}
	memset(p->allnull, 1, nb);
	for (i = 0; i < nb; i++)
		p->empty[i].ptr = "";
	for (i = 0; i < m->ncolumns; i++) {
		p->base.names[i] = (char *)(uintptr_t)m->columns[i].name;
		p->base.types[i] = m->columns[i].coltype;
		column_hint(&m->columns[i], &p->base.ltypes[i],
			    &p->base.ltype_notes[i]);
		p->base.predictions[i] = is_prediction(m, m->columns[i].name);
		p->keep[i] = 1;
	}
	*out = &p->base;
	return DM_OK;
}

const dm_parquet_meta *dm_parquet_reader_meta(const dm_reader *r)
{
	if (!r || r->ops != &pq_reader_ops)
		return NULL;
	return dm_parquet_file_meta(((const pq_reader *)r)->f);
}
