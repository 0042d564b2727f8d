/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A reader over in-memory columns (dm_mem_reader_open, driftmon/table.h):
 * how the Python package hands a DataFrame's column buffers to the
 * profile without copying them.
 *
 * Each batch is a window [row0, row0 + n) of the caller's arrays.  A
 * contiguous double column is passed through as a pointer into the
 * caller's array (zero copy); every other kind is converted into one
 * per-column buffer of batch_rows values that is reused for every batch,
 * so memory is bounded by batch_rows x columns whatever nrows is.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "driftmon/table.h"

typedef struct mem_reader {
	dm_reader base;
	dm_mem_column *cols; /* ncols, names copied into base.names */
	size_t nrows;
	size_t batch_rows;
	size_t row0; /* first row of the next batch */
	dm_batch batch;
	dm_column *bcols;
	double **vals;	  /* per column: converted values (or NULL) */
	dm_strref **strs; /* per column: strings of CODES / STR (or NULL) */
	uint8_t **nulls;  /* per column: missing flags (or NULL) */
} mem_reader;

static size_t kind_size(dm_mem_kind k)
{
	switch (k) {
	case DM_MEM_F64:
	case DM_MEM_I64:
	case DM_MEM_U64:
	case DM_MEM_TIME_NS:
	case DM_MEM_TIME_S:
		return 8;
	case DM_MEM_F32:
	case DM_MEM_I32:
	case DM_MEM_U32:
		return 4;
	case DM_MEM_I16:
	case DM_MEM_U16:
		return 2;
	case DM_MEM_I8:
	case DM_MEM_U8:
	case DM_MEM_BOOL:
		return 1;
	case DM_MEM_STR:
		return sizeof(dm_strref);
	default:
		return 0;
	}
}

static int integer_kind(dm_mem_kind k)
{
	return k >= DM_MEM_I64 && k <= DM_MEM_U8;
}

/* An integer element as int64 (uint64 above INT64_MAX saturates; codes
 * that large are outside any dictionary anyway). */
static int64_t int_at(dm_mem_kind k, const unsigned char *p)
{
	switch (k) {
	case DM_MEM_I64: {
		int64_t v;
		memcpy(&v, p, 8);
		return v;
	}
	case DM_MEM_I32: {
		int32_t v;
		memcpy(&v, p, 4);
		return v;
	}
	case DM_MEM_I16: {
		int16_t v;
		memcpy(&v, p, 2);
		return v;
	}
	case DM_MEM_I8:
		return (int8_t)*p;
	case DM_MEM_U64: {
		uint64_t v;
		memcpy(&v, p, 8);
		return v > INT64_MAX ? INT64_MAX : (int64_t)v;
	}
	case DM_MEM_U32: {
		uint32_t v;
		memcpy(&v, p, 4);
		return v;
	}
	case DM_MEM_U16: {
		uint16_t v;
		memcpy(&v, p, 2);
		return v;
	}
	default:
		return *p;
	}
}

/* A numeric element as double; *miss set for NaT and, if asked, NaN. */
static double num_at(const dm_mem_column *c, const unsigned char *p, int *miss)
{
	double x;
	int64_t t;

	switch (c->kind) {
	case DM_MEM_F64:
		memcpy(&x, p, 8);
		break;
	case DM_MEM_F32: {
		float f;
		memcpy(&f, p, 4);
		x = f;
		break;
	}
	case DM_MEM_U64: {
		uint64_t v;
		memcpy(&v, p, 8);
		x = (double)v;
		break;
	}
	case DM_MEM_BOOL:
		x = *p ? 1.0 : 0.0;
		break;
	case DM_MEM_TIME_NS:
	case DM_MEM_TIME_S:
		memcpy(&t, p, 8);
		if (t == INT64_MIN) {
			*miss = 1;
			return 0.0;
		}
		if (c->kind == DM_MEM_TIME_S) {
			x = (double)t;
		} else {
			/* whole seconds exactly, then the fraction */
			int64_t s = t / 1000000000, ns = t % 1000000000;

			if (ns < 0) {
				s--;
				ns += 1000000000;
			}
			x = (double)s + (double)ns / 1e9;
		}
		break;
	default:
		x = (double)int_at(c->kind, p);
		break;
	}
	if (c->nan_missing && isnan(x))
		*miss = 1;
	return x;
}

/* Fills batch column j for rows [r0, r0 + n); 0 or a DM_EFORMAT. */
static dm_err fill_column(mem_reader *r, size_t j, size_t r0, size_t n,
			  dm_diag *diag)
{
	const dm_mem_column *c = &r->cols[j];
	dm_column *bc = &r->bcols[j];
	const unsigned char *base = c->data;
	dm_mem_kind ek = c->kind == DM_MEM_CODES ? c->code_kind : c->kind;
	ptrdiff_t st = c->stride ? c->stride : (ptrdiff_t)kind_size(ek);
	uint8_t *nl = r->nulls[j];
	int any = 0;
	size_t i;

	memset(bc, 0, sizeof(*bc));
	for (i = 0; i < n; i++) {
		nl[i] = c->missing && c->missing[r0 + i];
		any |= nl[i];
	}
	if (c->kind == DM_MEM_STR || c->kind == DM_MEM_CODES) {
		dm_strref *out = r->strs[j];

		bc->type = DM_COL_STRING;
		bc->str = out;
		for (i = 0; i < n; i++) {
			const unsigned char *p =
				base + (ptrdiff_t)(r0 + i) * st;

			out[i].ptr = NULL;
			out[i].len = 0;
			if (nl[i])
				continue;
			if (c->kind == DM_MEM_STR) {
				memcpy(&out[i], p, sizeof(out[i]));
			} else {
				int64_t code = int_at(c->code_kind, p);

				if (code >= 0 && (uint64_t)code >= c->ndict)
					return dm_diag_set(
						diag, DM_EFORMAT,
						r->base.src->name, r0 + i + 1,
						c->name,
						"category code %lld outside "
						"its %zu categories",
						(long long)code, c->ndict);
				if (code >= 0)
					out[i] = c->dict[code];
			}
			if (!out[i].ptr) {
				nl[i] = 1;
				any = 1;
			}
		}
	} else if (c->kind == DM_MEM_F64 && st == 8 && !c->nan_missing) {
		bc->type = DM_COL_DOUBLE;
		bc->f64 = (double *)(uintptr_t)(base + (ptrdiff_t)r0 * 8);
	} else if (c->kind == DM_MEM_F64 && st == 8) {
		/* in place; only the NaN flags are computed */
		const double *v = (const double *)(const void *)base + r0;

		bc->type = DM_COL_DOUBLE;
		bc->f64 = (double *)(uintptr_t)v;
		for (i = 0; i < n; i++)
			if (isnan(v[i])) {
				nl[i] = 1;
				any = 1;
			}
	} else {
		double *out = r->vals[j];

		bc->type = DM_COL_DOUBLE;
		bc->f64 = out;
		for (i = 0; i < n; i++) {
			int miss = 0;

			out[i] = num_at(c, base + (ptrdiff_t)(r0 + i) * st,
					&miss);
			if (miss) {
				nl[i] = 1;
				any = 1;
			}
		}
	}
	bc->null = any ? nl : NULL;
	return DM_OK;
}

static dm_err mem_next(dm_reader *base, dm_batch **batch, dm_diag *diag)
{
	mem_reader *r = (mem_reader *)base;
	size_t n, j;
	dm_err err;

	*batch = NULL;
	if (r->row0 >= r->nrows)
		return DM_OK;
	n = r->nrows - r->row0;
	if (n > r->batch_rows)
		n = r->batch_rows;
	for (j = 0; j < base->ncols; j++)
		if ((err = fill_column(r, j, r->row0, n, diag)) != DM_OK)
			return err;
	r->batch.nrows = n;
	r->batch.ncols = base->ncols;
	r->batch.cols = r->bcols;
	r->batch.first_row = r->row0 + 1;
	r->batch.row_numbers = NULL;
	r->row0 += n;
	base->rows_read += n;
	*batch = &r->batch;
	return DM_OK;
}

static void mem_free(dm_reader *base)
{
	mem_reader *r = (mem_reader *)base;
	size_t j;

	if (!r)
		return;
	for (j = 0; j < base->ncols; j++) {
		if (base->names)
			free(base->names[j]);
		if (r->vals)
			free(r->vals[j]);
		if (r->strs)
			free(r->strs[j]);
		if (r->nulls)
			free(r->nulls[j]);
	}
	free(base->names);
	free(base->types);
	free(base->ltypes);
	free((void *)base->ltype_notes);
	free(r->cols);
	free(r->bcols);
	free(r->vals);
	free(r->strs);
	free(r->nulls);
	dm_source_close(base->src);
	free(r);
}

static const dm_reader_ops mem_ops = {
	.format = "memory",
	.next = mem_next,
	.free = mem_free,
};

/* A double column the batches point into (no buffer needed). */
static int in_place(const dm_mem_column *c)
{
	return c->kind == DM_MEM_F64 && (c->stride == 0 || c->stride == 8);
}

/* Checks column c; DM_OK or DM_EINVAL with a diag. */
static dm_err check_column(const char *name, const dm_mem_column *c, size_t j,
			   dm_diag *diag)
{
	if (!c->name)
		return dm_diag_set(diag, DM_EINVAL, name, 0, NULL,
				   "column %zu has no name", j + 1);
	if ((unsigned)c->kind >= DM_MEM_KIND_COUNT_)
		return dm_diag_set(diag, DM_EINVAL, name, 0, c->name,
				   "unknown column kind %d", (int)c->kind);
	if (c->kind == DM_MEM_CODES && !integer_kind(c->code_kind))
		return dm_diag_set(diag, DM_EINVAL, name, 0, c->name,
				   "category codes must be integers");
	if (c->kind == DM_MEM_CODES && c->ndict && !c->dict)
		return dm_diag_set(diag, DM_EINVAL, name, 0, c->name,
				   "no categories");
	if (!c->data)
		return dm_diag_set(diag, DM_EINVAL, name, 0, c->name,
				   "no data");
	return DM_OK;
}

dm_err dm_mem_reader_open(const char *name, const dm_mem_column *cols,
			  size_t ncols, size_t nrows,
			  const dm_reader_opts *opts, dm_reader **out,
			  dm_diag *diag)
{
	mem_reader *r = NULL;
	dm_reader *b;
	dm_err err;
	size_t j, br;

	*out = NULL;
	name = name ? name : "<memory>";
	if (!cols || ncols == 0)
		return dm_diag_set(diag, DM_EINVAL, name, 0, NULL,
				   "no columns");
	for (j = 0; j < ncols; j++)
		if ((err = check_column(name, &cols[j], j, diag)) != DM_OK)
			return err;
	br = opts && opts->batch_rows ? opts->batch_rows : 8192;
	if (nrows && br > nrows)
		br = nrows;
	if (!br)
		br = 1;
	r = calloc(1, sizeof(*r));
	if (!r)
		return DM_ENOMEM;
	b = &r->base;
	b->ops = &mem_ops;
	b->ncols = ncols;
	r->nrows = nrows;
	r->batch_rows = br;
	err = dm_source_open_mem(name, NULL, 0, 0, &b->src);
	if (err != DM_OK)
		goto fail;
	err = DM_ENOMEM;
	r->cols = malloc(ncols * sizeof(*r->cols));
	b->names = calloc(ncols, sizeof(*b->names));
	b->types = calloc(ncols, sizeof(*b->types));
	b->ltypes = calloc(ncols, sizeof(*b->ltypes));
	b->ltype_notes = calloc(ncols, sizeof(*b->ltype_notes));
	r->bcols = calloc(ncols, sizeof(*r->bcols));
	r->vals = calloc(ncols, sizeof(*r->vals));
	r->strs = calloc(ncols, sizeof(*r->strs));
	r->nulls = calloc(ncols, sizeof(*r->nulls));
	if (!r->cols || !b->names || !b->types || !b->ltypes ||
	    !b->ltype_notes || !r->bcols || !r->vals || !r->strs || !r->nulls)
		goto fail;
	memcpy(r->cols, cols, ncols * sizeof(*cols));
	for (j = 0; j < ncols; j++) {
		const dm_mem_column *c = &cols[j];
		int str = c->kind == DM_MEM_STR || c->kind == DM_MEM_CODES;

		if (!(b->names[j] = strdup(c->name)))
			goto fail;
		r->cols[j].name = b->names[j];
		b->types[j] = str ? DM_COL_STRING : DM_COL_DOUBLE;
		b->ltypes[j] = c->hint;
		b->ltype_notes[j] = c->hint_note;
		if (!(r->nulls[j] = malloc(br)))
			goto fail;
		if (str && !(r->strs[j] = malloc(br * sizeof(dm_strref))))
			goto fail;
		if (!str && !in_place(c) &&
		    !(r->vals[j] = malloc(br * sizeof(double))))
			goto fail;
	}
	*out = b;
	return DM_OK;
fail:
	mem_free(&r->base);
	return err;
}
