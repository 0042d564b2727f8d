/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Parquet: a native reader and writer written from the Apache Parquet
 * format and Thrift compact protocol specifications.
 *
 * Reading.  dm_parquet_open() parses the footer of a file served by a
 * random-access dm_source (local file, memory, or a remote blob with
 * ranged reads).  Only flat schemas are read: required and optional
 * primitive columns that are direct children of the root.  Nested and
 * repeated columns, and types with no numeric or string meaning, are
 * skipped and named in meta->warnings.  A scan (dm_parquet_scan_new)
 * streams the chosen columns row group by row group and page by page:
 * only the chosen columns' bytes are read, and memory is bounded by one
 * page per column plus its dictionary and one batch of values.
 *
 * dm_parquet_reader_open() plugs the same machinery into the generic
 * dm_reader interface of driftmon/table.h: numeric, boolean, date, time,
 * timestamp and decimal columns come back as DM_COL_DOUBLE (dates,
 * times and timestamps as seconds since the Unix epoch / midnight,
 * fractional), byte-array columns as DM_COL_STRING.
 *
 * Writing.  dm_parquet_writer_*: flat schemas of DOUBLE, INT64, INT32,
 * BOOLEAN, STRING and TIMESTAMP (microseconds, UTC) columns, required or
 * optional, SNAPPY / ZSTD / uncompressed, statistics, dictionary-encoded
 * strings.  See docs/parquet.md.
 *
 * Threads: a dm_parquet_file and its scans share buffers; use them from
 * one thread at a time (open the file once per thread to read in
 * parallel).  Batches may be read by many threads until the next call.
 *
 * No function prints, exits or aborts on bad input: malformed files give
 * DM_EFORMAT (or DM_ETOOBIG past a limit, DM_EUNSUPPORTED for a feature
 * outside the list above) with a precise line in the dm_diag.
 */
#ifndef DRIFTMON_PARQUET_H
#define DRIFTMON_PARQUET_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "driftmon/error.h"
#include "driftmon/table.h"
#include "driftmon/export.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Physical types (values of the Thrift enum Type). */
typedef enum dm_parquet_physical {
	DM_PARQUET_BOOLEAN = 0,
	DM_PARQUET_INT32 = 1,
	DM_PARQUET_INT64 = 2,
	DM_PARQUET_INT96 = 3,
	DM_PARQUET_FLOAT = 4,
	DM_PARQUET_DOUBLE = 5,
	DM_PARQUET_BYTE_ARRAY = 6,
	DM_PARQUET_FIXED_LEN_BYTE_ARRAY = 7
} dm_parquet_physical;

/* Logical meaning of a column (from LogicalType, else ConvertedType). */
typedef enum dm_parquet_logical {
	DM_PARQUET_L_NONE = 0,
	DM_PARQUET_L_STRING,
	DM_PARQUET_L_ENUM,
	DM_PARQUET_L_JSON,
	DM_PARQUET_L_BSON,
	DM_PARQUET_L_UUID,
	DM_PARQUET_L_INT,	/* int_bits, int_signed */
	DM_PARQUET_L_DECIMAL,	/* scale, precision */
	DM_PARQUET_L_DATE,	/* days since 1970-01-01 */
	DM_PARQUET_L_TIME,	/* since midnight, in unit */
	DM_PARQUET_L_TIMESTAMP, /* since the epoch, in unit (INT96: NANOS) */
	DM_PARQUET_L_FLOAT16,
	DM_PARQUET_L_NULL /* LogicalType UNKNOWN: only NULLs */
} dm_parquet_logical;

typedef enum dm_parquet_unit {
	DM_PARQUET_UNIT_NONE = 0,
	DM_PARQUET_MILLIS = 1,
	DM_PARQUET_MICROS = 2,
	DM_PARQUET_NANOS = 3
} dm_parquet_unit;

/* Compression codecs (values of the Thrift enum CompressionCodec). */
typedef enum dm_parquet_codec {
	DM_PARQUET_UNCOMPRESSED = 0,
	DM_PARQUET_SNAPPY = 1,
	DM_PARQUET_GZIP = 2,
	DM_PARQUET_LZO = 3, /* not supported */
	DM_PARQUET_BROTLI = 4,
	DM_PARQUET_LZ4 = 5, /* legacy Hadoop framing (or plain LZ4) */
	DM_PARQUET_ZSTD = 6,
	DM_PARQUET_LZ4_RAW = 7
} dm_parquet_codec;

/* Encodings (values of the Thrift enum Encoding). */
enum {
	DM_PARQUET_ENC_PLAIN = 0,
	DM_PARQUET_ENC_PLAIN_DICTIONARY = 2,
	DM_PARQUET_ENC_RLE = 3,
	DM_PARQUET_ENC_BIT_PACKED = 4,
	DM_PARQUET_ENC_DELTA_BINARY_PACKED = 5,
	DM_PARQUET_ENC_DELTA_LENGTH_BYTE_ARRAY = 6,
	DM_PARQUET_ENC_DELTA_BYTE_ARRAY = 7,
	DM_PARQUET_ENC_RLE_DICTIONARY = 8,
	DM_PARQUET_ENC_BYTE_STREAM_SPLIT = 9
};

/* Names for printing; never NULL ("?" for unknown values). */
DM_API const char *dm_parquet_physical_name(int physical);
DM_API const char *dm_parquet_codec_name(int codec);
DM_API const char *dm_parquet_encoding_name(int encoding);
DM_API const char *dm_parquet_logical_name(dm_parquet_logical logical);

/* One readable (flat, supported) column. */
typedef struct dm_parquet_column_info {
	const char *name;
	dm_parquet_physical physical;
	int32_t type_length; /* FIXED_LEN_BYTE_ARRAY width, else 0 */
	int optional;	     /* 1: may hold NULLs (definition level 1) */
	dm_parquet_logical logical;
	int int_bits;		  /* L_INT: 8, 16, 32, 64 */
	int int_signed;		  /* L_INT: 1 signed, 0 unsigned */
	int32_t scale, precision; /* L_DECIMAL */
	dm_parquet_unit unit;	  /* L_TIME, L_TIMESTAMP */
	int utc;		  /* L_TIMESTAMP: isAdjustedToUTC */
	int converted_type;	  /* raw ConvertedType, -1 if absent */
	dm_coltype coltype;	  /* DM_COL_DOUBLE or DM_COL_STRING */
	size_t leaf;		  /* index among all leaf columns */
} dm_parquet_column_info;

typedef struct dm_parquet_stats {
	int has_null_count;
	int64_t null_count;
	int has_distinct_count;
	int64_t distinct_count;
	/* PLAIN-encoded min / max (min_value/max_value, else the legacy
	 * min/max); NULL when absent.  Point into the file's footer. */
	const uint8_t *min, *max;
	uint32_t min_len, max_len;
} dm_parquet_stats;

typedef struct dm_parquet_chunk_info {
	dm_parquet_codec codec;
	uint32_t encodings; /* bit (1u << encoding) for each listed */
	int64_t num_values;
	int64_t total_compressed_size;
	int64_t total_uncompressed_size;
	int64_t data_page_offset;
	int64_t dictionary_page_offset; /* -1 if absent */
	dm_parquet_stats stats;
} dm_parquet_chunk_info;

typedef struct dm_parquet_rowgroup_info {
	int64_t num_rows;
	int64_t total_byte_size;
	int64_t total_compressed_size; /* sum over all chunks */
	/* one per readable column (meta->ncolumns), in column order */
	const dm_parquet_chunk_info *chunks;
} dm_parquet_rowgroup_info;

typedef struct dm_parquet_kv {
	const char *key;
	const char *value; /* NULL if absent */
} dm_parquet_kv;

typedef struct dm_parquet_meta {
	int32_t version;
	int64_t num_rows;
	const char *created_by; /* NULL if absent */
	uint64_t file_size;
	uint32_t footer_len;
	size_t nleaves; /* all leaf columns, readable or not */
	size_t ncolumns;
	const dm_parquet_column_info *columns;
	size_t nrowgroups;
	const dm_parquet_rowgroup_info *rowgroups;
	size_t nkv;
	const dm_parquet_kv *kv;
	/* Columns skipped and why: "column 'tags' skipped: repeated (nested
	 * columns are not supported)". */
	size_t nwarnings;
	const char *const *warnings;
} dm_parquet_meta;

/* Limits; zero fields take the defaults. */
typedef struct dm_parquet_opts {
	uint64_t max_footer_bytes; /* default 64 MiB */
	uint64_t max_page_bytes;   /* one page, decompressed; default 256 MiB */
	/* Rows of one row group times the chosen columns times 8 bytes;
	 * default 0, no limit (the reader streams pages, so this bounds
	 * work, not memory).  Whatever the limits, a row group may not
	 * claim more than 100,000 rows per byte of its column chunks. */
	uint64_t max_rowgroup_bytes;
	uint64_t max_rows; /* rows in the file; default unlimited */
} dm_parquet_opts;

typedef struct dm_parquet_file dm_parquet_file;

/*
 * Reads and checks the footer of src.  On success *out owns src (closed
 * by dm_parquet_file_free); on failure src is closed too.  opts may be
 * NULL.  Errors: DM_EFORMAT (not Parquet, truncated, malformed footer),
 * DM_EUNSUPPORTED (encrypted footer), DM_ETOOBIG (a limit).
 */
DM_API dm_err dm_parquet_open(dm_source *src, const dm_parquet_opts *opts,
			      dm_parquet_file **out, dm_diag *diag);
/* Opens a local file (dm_source_open_file + dm_parquet_open). */
DM_API dm_err dm_parquet_open_file(const char *path,
				   const dm_parquet_opts *opts,
				   dm_parquet_file **out, dm_diag *diag);
/* Metadata; valid until dm_parquet_file_free. */
DM_API const dm_parquet_meta *dm_parquet_file_meta(const dm_parquet_file *f);
/* Index of the readable column called name, or -1. */
DM_API long dm_parquet_column_index(const dm_parquet_file *f, const char *name);
/* Frees f and its source; NULL is accepted. */
DM_API void dm_parquet_file_free(dm_parquet_file *f);

/* How a scan delivers values. */
typedef enum dm_parquet_mode {
	/* Numbers (all but byte arrays) as double: timestamps and times in
	 * seconds, dates in seconds since the epoch, decimals scaled. */
	DM_PARQUET_AS_DOUBLE = 0,
	/* BOOLEAN/INT32/INT64/INT96 in i64 (INT96 as nanoseconds since the
	 * epoch; unsigned values reinterpreted), FLOAT/DOUBLE and decimals
	 * in f64, byte arrays in str. */
	DM_PARQUET_RAW = 1
} dm_parquet_mode;

/* One column of a scan's current batch. */
typedef struct dm_parquet_vec {
	size_t n;
	const uint8_t *null;  /* n flags, 1 = NULL; NULL if none are */
	const double *f64;    /* or NULL */
	const int64_t *i64;   /* or NULL */
	const dm_strref *str; /* or NULL */
} dm_parquet_vec;

typedef struct dm_parquet_scan dm_parquet_scan;

/*
 * Starts a scan of the columns cols[0..ncols) (indexes into
 * meta->columns; repeats are allowed) over all row groups.  The scan
 * borrows f, which must outlive it.
 */
DM_API dm_err dm_parquet_scan_new(dm_parquet_file *f, const size_t *cols,
				  size_t ncols, dm_parquet_mode mode,
				  dm_parquet_scan **out, dm_diag *diag);
/*
 * Decodes up to max_rows rows (0 = 8192) into the scan's batch and sets
 * *nrows; *nrows = 0 at the end.  A batch never crosses a row group.
 */
DM_API dm_err dm_parquet_scan_next(dm_parquet_scan *s, size_t max_rows,
				   size_t *nrows, dm_diag *diag);
/* Column i of the batch just decoded; valid until the next call. */
DM_API const dm_parquet_vec *dm_parquet_scan_column(const dm_parquet_scan *s,
						    size_t i);
/* Index of the row group the current batch came from. */
DM_API size_t dm_parquet_scan_rowgroup(const dm_parquet_scan *s);
DM_API void dm_parquet_scan_free(dm_parquet_scan *s);

/*
 * The dm_reader for Parquet (see table.h).  Takes ownership of src in
 * all cases.  Readable columns only; skipped columns are listed by
 * dm_parquet_reader_meta(r)->warnings.
 */
DM_API dm_err dm_parquet_reader_open(dm_source *src, const dm_reader_opts *opts,
				     dm_reader **out, dm_diag *diag);
/* The metadata behind a Parquet reader, or NULL if r is not one. */
DM_API const dm_parquet_meta *dm_parquet_reader_meta(const dm_reader *r);

/* ------------------------------------------------------------------ */
/* Writer                                                              */
/* ------------------------------------------------------------------ */
typedef enum dm_parquet_wtype {
	DM_PARQUET_W_DOUBLE = 0,
	DM_PARQUET_W_INT64 = 1,
	DM_PARQUET_W_INT32 = 2,
	DM_PARQUET_W_BOOLEAN = 3,
	DM_PARQUET_W_STRING = 4,   /* BYTE_ARRAY, STRING */
	DM_PARQUET_W_TIMESTAMP = 5 /* INT64, TIMESTAMP(MICROS, UTC) */
} dm_parquet_wtype;

typedef struct dm_parquet_wcol {
	const char *name;
	dm_parquet_wtype type;
	int optional; /* 1: NULLs allowed (definition levels written) */
} dm_parquet_wcol;

typedef struct dm_parquet_writer_opts {
	dm_parquet_codec codec; /* SNAPPY (default), ZSTD or UNCOMPRESSED */
	int zstd_level;		/* 0 = 3 */
	size_t rowgroup_rows;	/* rows per row group; 0 = 131072 */
	size_t page_bytes;	/* target data page size; 0 = 1 MiB */
	/* A string column chunk whose dictionary passes this many bytes
	 * falls back to PLAIN for its later pages; 0 = 1 MiB. */
	size_t dict_max_bytes;
	int no_dictionary;	 /* 1: strings always PLAIN */
	int no_stats;		 /* 1: no statistics */
	const dm_parquet_kv *kv; /* key-value metadata (copied) */
	size_t nkv;
	const char *created_by; /* default "driftmon <version>" */
} dm_parquet_writer_opts;

typedef struct dm_parquet_writer dm_parquet_writer;

/*
 * Creates path and writes to "<path>.tmp-<pid>", renamed to path by a
 * successful dm_parquet_writer_close: a crash never leaves a complete-
 * looking file at path.  cols are copied.  opts may be NULL.
 */
DM_API dm_err dm_parquet_writer_open(const char *path,
				     const dm_parquet_wcol *cols, size_t ncols,
				     const dm_parquet_writer_opts *opts,
				     dm_parquet_writer **out, dm_diag *diag);
/* Writes to fp (not closed); the footer goes last. */
DM_API dm_err dm_parquet_writer_open_fp(FILE *fp, const dm_parquet_wcol *cols,
					size_t ncols,
					const dm_parquet_writer_opts *opts,
					dm_parquet_writer **out, dm_diag *diag);

/*
 * Appends the rows of b: b->ncols must equal the writer's ncols.  Column
 * i is DM_COL_DOUBLE for the numeric types (DOUBLE as is, NaN included;
 * INT64 and INT32 truncated toward zero after checking their range;
 * TIMESTAMP in seconds since the epoch, fractional, rounded to the
 * microsecond; BOOLEAN: nonzero is true) or DM_COL_STRING/TEXT for
 * STRING.  NULL flags (or, for numbers, a NaN in a non-DOUBLE column)
 * write NULL.  A NULL in a required column, a value out of range or a
 * type mismatch is DM_EINVAL / DM_ESCHEMA, and poisons the writer: later
 * calls fail and close removes the temporary file.
 */
DM_API dm_err dm_parquet_writer_write_batch(dm_parquet_writer *w,
					    const dm_batch *b, dm_diag *diag);
/*
 * Typed appends of n values to column col (all columns must receive the
 * same number of rows before dm_parquet_writer_end_rows).  null may be
 * NULL.  write_i64: INT64, INT32 (range checked), BOOLEAN (nonzero is
 * true), TIMESTAMP in microseconds since the epoch.  write_f64: as for
 * write_batch.  write_str: STRING columns; the bytes are copied.
 */
DM_API dm_err dm_parquet_writer_write_i64(dm_parquet_writer *w, size_t col,
					  const int64_t *v, const uint8_t *null,
					  size_t n, dm_diag *diag);
DM_API dm_err dm_parquet_writer_write_f64(dm_parquet_writer *w, size_t col,
					  const double *v, const uint8_t *null,
					  size_t n, dm_diag *diag);
DM_API dm_err dm_parquet_writer_write_str(dm_parquet_writer *w, size_t col,
					  const dm_strref *v,
					  const uint8_t *null, size_t n,
					  dm_diag *diag);
/* Marks the end of a row (after write_* of each column); cuts a row
 * group when full.  write_batch does this itself. */
DM_API dm_err dm_parquet_writer_end_rows(dm_parquet_writer *w, dm_diag *diag);
/*
 * Flushes the last row group, writes the footer and (for a path)
 * renames the file into place.  Frees w in all cases.
 */
DM_API dm_err dm_parquet_writer_close(dm_parquet_writer *w, dm_diag *diag);
/* Frees w without finishing: the temporary file is removed. */
DM_API void dm_parquet_writer_abort(dm_parquet_writer *w);

#ifdef __cplusplus
}
#endif
#endif
