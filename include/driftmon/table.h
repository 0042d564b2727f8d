/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Tables: byte sources, column batches and the streaming reader interface
 * shared by every input format (CSV now, Parquet and JSON lines through the
 * same interface).
 *
 * Data streams through a reader in batches of rows; memory is bounded by
 * one batch (or one Parquet row group), never by the file.
 */
#ifndef DRIFTMON_TABLE_H
#define DRIFTMON_TABLE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "driftmon/export.h"

#include "driftmon/error.h"
#include "driftmon/schema.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ */
/* Random-access byte source                                           */
/* ------------------------------------------------------------------ */
/*
 * A readable object of known size: a local file (pread), a memory
 * buffer, or a blob in remote storage (ranged GETs).  'name' is what
 * diagnostics call it (a path or a key).
 */
typedef struct dm_source dm_source;
struct dm_source {
	/* Reads up to len bytes at off into buf; *got receives the count
	 * (short only at end of object). */
	dm_err (*read)(dm_source *src, uint64_t off, void *buf, size_t len,
		       size_t *got, dm_diag *diag);
	void (*close)(dm_source *src);
	uint64_t size;
	char *name;
	uint64_t bytes_read; /* bytes delivered so far (for benchmarks) */
	void *impl;
};

/* Opens a local file.  Ownership of *out goes to the caller. */
DM_API dm_err dm_source_open_file(const char *path, dm_source **out,
				  dm_diag *diag);
/* Wraps a memory buffer.  If own is nonzero the source frees data
 * (with free()) when closed. */
DM_API dm_err dm_source_open_mem(const char *name, const void *data, size_t len,
				 int own, dm_source **out);
/* Reads exactly len bytes at off, or fails with DM_EFORMAT ("truncated"). */
DM_API dm_err dm_source_pread(dm_source *src, uint64_t off, void *buf,
			      size_t len, dm_diag *diag);
/* Closes and frees src; NULL is accepted. */
DM_API void dm_source_close(dm_source *src);

/* ------------------------------------------------------------------ */
/* Column batches                                                      */
/* ------------------------------------------------------------------ */
typedef enum dm_coltype {
	DM_COL_TEXT = 0, /* untyped text cells (CSV): parsed by the consumer */
	DM_COL_DOUBLE = 1, /* numbers (any numeric physical type, as double) */
	DM_COL_STRING = 2  /* typed strings (categories) */
} dm_coltype;

typedef struct dm_strref {
	const char *ptr; /* not NUL-terminated */
	uint32_t len;
} dm_strref;

typedef struct dm_column {
	dm_coltype type;
	double *f64;	/* DM_COL_DOUBLE: nrows values */
	dm_strref *str; /* DM_COL_TEXT / DM_COL_STRING: nrows cells */
	uint8_t *null;	/* nrows flags, 1 = missing; NULL means none missing */
} dm_column;

typedef struct dm_batch {
	size_t nrows;
	size_t ncols;
	dm_column *cols;    /* ncols columns in the reader's column order */
	uint64_t first_row; /* 1-based data-row number of row 0 */
	/* Optional per-row record numbers (1-based) when rows were skipped
	 * inside the batch; NULL when row i is first_row + i. */
	const uint64_t *row_numbers;
} dm_batch;

/* ------------------------------------------------------------------ */
/* Readers                                                             */
/* ------------------------------------------------------------------ */
typedef struct dm_reader_opts {
	size_t batch_rows; /* rows per batch; 0 = default (8192) */
	/* Nonzero: a malformed row (wrong field count) is skipped and
	 * counted instead of failing the read (inference logs). */
	int lenient;
	/* Threads that may tokenise a CSV batch (0 or 1: the calling
	 * thread only).  Batches are the same whatever the number. */
	unsigned threads;
} dm_reader_opts;

typedef struct dm_reader dm_reader;

typedef struct dm_reader_ops {
	const char *format; /* "csv", "parquet", ... */
	dm_err (*next)(dm_reader *r, dm_batch **batch, dm_diag *diag);
	/* Restricts the columns decoded to those with keep[i] != 0 (the
	 * others come back as all-NULL TEXT columns).  Optional. */
	dm_err (*project)(dm_reader *r, const uint8_t *keep);
	void (*free)(dm_reader *r);
} dm_reader_ops;

/* Common reader state; format-specific readers embed this first. */
struct dm_reader {
	const dm_reader_ops *ops;
	dm_source *src; /* owned */
	size_t ncols;
	char **names;	   /* ncols column names (owned) */
	dm_coltype *types; /* ncols declared types (TEXT for CSV) */
	/*
	 * Optional per-column hints from the file's own types (NULL when the
	 * format has none, as CSV): ltypes[i] is DM_LTYPE_BOOLEAN or
	 * DM_LTYPE_TIMESTAMP where the file says so (Parquet BOOLEAN, DATE,
	 * TIMESTAMP, INT96), DM_LTYPE_NUMERIC for a Parquet TIME (seconds
	 * since midnight), else DM_LTYPE_UNKNOWN (the values decide);
	 * ltype_notes[i] a short static phrase ("Parquet DATE") or NULL;
	 * predictions[i] nonzero when the writer marked the column a model
	 * output (the logger's driftmon.prediction_columns).
	 */
	dm_ltype *ltypes;
	const char **ltype_notes;
	uint8_t *predictions;
	uint64_t rows_read;	/* data rows delivered so far */
	uint64_t rows_skipped;	/* malformed rows skipped (lenient mode) */
	char skip_example[256]; /* first skipped row's reason */
	/* CSV rows that repeat the header (files joined with cat), skipped:
	 * how many, the first's row number */
	uint64_t rows_header;
	uint64_t header_row1;
	/* CSV: the file has no header row (its first record is data, by
	 * the values): the columns are named column_1, column_2, ... */
	int no_header;
	/* Nonzero: a batch stays valid until the second dm_reader_next
	 * after it (not only until the next), so that one thread may read
	 * batch k+1 while another still uses batch k.  The CSV and
	 * Parquet readers opened with threads > 1 do. */
	int batches_kept;
};

/*
 * Opens a reader on src, choosing the format by content (Parquet magic
 * "PAR1") or else by name (.csv, .tsv, .txt: CSV).  Takes ownership of
 * src in all cases (closes it on failure).
 */
DM_API dm_err dm_reader_open(dm_source *src, const dm_reader_opts *opts,
			     dm_reader **out, dm_diag *diag);
/* Opens a local file by path (dm_source_open_file + dm_reader_open). */
DM_API dm_err dm_reader_open_file(const char *path, const dm_reader_opts *opts,
				  dm_reader **out, dm_diag *diag);
/*
 * Delivers the next batch in *batch (owned by the reader, valid until the
 * next call), or *batch = NULL at end of data.
 */
DM_API dm_err dm_reader_next(dm_reader *r, dm_batch **batch, dm_diag *diag);
DM_API dm_err dm_reader_project(dm_reader *r, const uint8_t *keep);
/* Frees r and its source; NULL is accepted. */
DM_API void dm_reader_free(dm_reader *r);

/* ------------------------------------------------------------------ */
/* In-memory columns (src/io/mem_reader.c)                             */
/* ------------------------------------------------------------------ */
/*
 * A reader over columns that are already in memory (a pandas DataFrame,
 * NumPy arrays, Arrow buffers): every column is a typed array of nrows
 * elements, read in place.  A DM_MEM_F64 column with stride 8 is handed
 * to the profile as it is (zero copy: the batches point into the
 * caller's array); the other kinds are converted one batch at a time, so
 * memory is bounded by a batch per column, never by the rows.
 */
typedef enum dm_mem_kind {
	DM_MEM_F64 = 0, /* double */
	DM_MEM_F32,	/* float */
	DM_MEM_I64,	/* int64_t ... int8_t */
	DM_MEM_I32,
	DM_MEM_I16,
	DM_MEM_I8,
	DM_MEM_U64, /* uint64_t ... uint8_t */
	DM_MEM_U32,
	DM_MEM_U16,
	DM_MEM_U8,
	DM_MEM_BOOL,	/* one byte, 0 = false, anything else = true:
			 * the numbers 0 and 1 */
	DM_MEM_TIME_NS, /* int64_t nanoseconds since the epoch (UTC),
			 * INT64_MIN = missing (NumPy's NaT): seconds */
	DM_MEM_TIME_S,	/* int64_t seconds since the epoch, INT64_MIN =
			 * missing */
	DM_MEM_STR,	/* dm_strref; ptr NULL = missing */
	DM_MEM_CODES,	/* integer codes (code_kind, a DM_MEM_I* or DM_MEM_U*
			 * kind) into dict; a negative code = missing */
	DM_MEM_KIND_COUNT_
} dm_mem_kind;

typedef struct dm_mem_column {
	const char *name; /* column name (copied) */
	dm_mem_kind kind;
	const void *data; /* element of row i at data + i * stride */
	ptrdiff_t stride; /* bytes; 0 = the element's size */
	/* Optional: nrows flags (contiguous), nonzero = missing. */
	const uint8_t *missing;
	int nan_missing; /* F64 / F32: NaN is missing (pandas) */
	/* The logical type the data's own type says (DM_LTYPE_BOOLEAN for
	 * booleans, DM_LTYPE_TIMESTAMP for datetimes) or DM_LTYPE_UNKNOWN
	 * (the values decide), and a short static phrase saying where it
	 * came from ("pandas bool") or NULL; as dm_reader.ltypes. */
	dm_ltype hint;
	const char *hint_note;
	/* DM_MEM_CODES */
	dm_mem_kind code_kind;
	const dm_strref *dict;
	size_t ndict;
} dm_mem_column;

/*
 * Opens a reader on ncols columns of nrows rows.  The arrays (data,
 * missing, dict and the strings they point to, hint_note) are borrowed:
 * they must stay unchanged until the reader is freed.  name is what
 * diagnostics call the data ("<DataFrame>").  opts->batch_rows sets the
 * rows per batch (default 8192); lenient does not apply.  Errors:
 * DM_EINVAL with a diag naming the column for no columns, a NULL array,
 * an unknown kind or code kind; a code outside dict is DM_EFORMAT
 * naming the row and column when the batch is read.  *out is owned by
 * the caller (dm_reader_free).
 */
DM_API dm_err dm_mem_reader_open(const char *name, const dm_mem_column *cols,
				 size_t ncols, size_t nrows,
				 const dm_reader_opts *opts, dm_reader **out,
				 dm_diag *diag);

/* CSV (RFC 4180: quotes, embedded separators and newlines, BOM, CRLF). */
DM_API dm_err dm_csv_reader_open(dm_source *src, const dm_reader_opts *opts,
				 dm_reader **out, dm_diag *diag);

/* ------------------------------------------------------------------ */
/* CSV writer                                                          */
/* ------------------------------------------------------------------ */
/*
 * Writes RFC 4180 CSV to a stdio stream: LF line ends; a cell is quoted
 * when it contains the separator, a quote, CR or LF, or is an empty
 * non-NULL string (so that it reads back as "" rather than NULL); header
 * names also when they contain ',', ';' or a tab (so that the reader
 * sniffs the same separator).  NULL cells are written empty (so in a
 * one-column file a NULL is an empty line, which readers skip).  Doubles are
 * written in the shortest text that reads back to the same double (at most 17
 * significant digits; integer values below 1e15 without exponent or fraction:
 * "3", not "3.0"); NaN and infinities as "nan", "inf", "-inf" (dm_parse_double
 * reads them).  Output is buffered and handed to fwrite at the end of
 * every dm_csv_write_header / dm_csv_write_batch call, so a write error
 * shows up as DM_EIO from that call.  fp is not closed or flushed.
 */
typedef struct dm_csv_writer dm_csv_writer;

/* Creates a writer on fp with separator sep (',', ';', '\t'...; not a
 * quote, CR or LF: DM_EINVAL).  *out is owned by the caller. */
DM_API dm_err dm_csv_writer_open(FILE *fp, char sep, dm_csv_writer **out);
/* Writes the header row of n names (optional).  Once written, every
 * batch must have n columns (DM_EINVAL otherwise). */
DM_API dm_err dm_csv_write_header(dm_csv_writer *w, char *const *names,
				  size_t n);
/* Writes the rows of b (any column types, NULL flags honoured). */
DM_API dm_err dm_csv_write_batch(dm_csv_writer *w, const dm_batch *b);
/* Frees w (NULL is accepted); everything written so far has already
 * been handed to fwrite. */
DM_API void dm_csv_writer_free(dm_csv_writer *w);

/* ------------------------------------------------------------------ */
/* Number parsing                                                      */
/* ------------------------------------------------------------------ */
/*
 * Parses the whole of [s, s+len) as a decimal floating-point number
 * (optional sign, digits, '.', exponent; "nan", "inf", "infinity" in any
 * case; surrounding spaces allowed) into the correctly rounded double, as
 * strtod would.  Returns 0 on success, -1 if the text is not a number.
 */
DM_API int dm_parse_double(const char *s, size_t len, double *out);

#ifdef __cplusplus
}
#endif
#endif
