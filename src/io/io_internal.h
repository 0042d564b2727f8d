/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Private interface between the files of src/io (not installed, not for
 * the CLI): tuning knobs of the CSV reader that the unit tests and the
 * fuzzer turn down so that block boundaries and size limits are exercised
 * with small inputs, and the shared "C" locale for number conversion.
 */
#ifndef DRIFTMON_IO_INTERNAL_H
#define DRIFTMON_IO_INTERNAL_H

#include <locale.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "driftmon/table.h"

/* Limits of the CSV reader; a field left 0 takes its default. */
typedef struct dmio_csv_tuning {
	size_t block_size;  /* bytes per source read (default 128 KiB) */
	size_t max_record;  /* longest record, bytes (default 64 MiB) */
	size_t batch_bytes; /* a batch ends early past this (default 128 MiB) */
	size_t sniff_bytes; /* checked for NULs at open (default 4 KiB) */
	/* Bytes per piece when a batch is tokenised in pieces (see csv.c;
	 * default: the batch's bytes over the threads, at least 64 KiB).
	 * Set, pieces are cut even with one thread.  The environment
	 * variable DRIFTMON_CSV_PIECE sets it for the CLI's tests. */
	size_t piece_bytes;
} dmio_csv_tuning;

#define DMIO_CSV_BLOCK_SIZE  ((size_t)128 << 10)
#define DMIO_CSV_MAX_RECORD  ((size_t)64 << 20)
#define DMIO_CSV_BATCH_BYTES ((size_t)128 << 20)
#define DMIO_CSV_SNIFF_BYTES ((size_t)4096)

/* dm_csv_reader_open with explicit limits (tuning may be NULL). */
dm_err dmio_csv_reader_open_ex(dm_source *src, const dm_reader_opts *opts,
			       const dmio_csv_tuning *tuning, dm_reader **out,
			       dm_diag *diag);

/*
 * The double nearest to m * 10^e, computed exactly by a fast path
 * (Clinger's, or x87 long double; see parse_double.c).  Returns 1 on
 * success, 0 when no fast path applies (then ask strtod).
 */
int dmio_decimal_to_double(uint64_t m, long e, double *out);

/*
 * 5^q ~= hi * 2^(64 + e2) + lo * 2^e2 (hi's top bit set) for q = -27 .. 27,
 * exact for q >= 0, truncated for q < 0 (parse_double.c); and the
 * 19-digit, |e| <= 27 path that uses it: 1 with *out = the double nearest
 * m * 10^e, 0 when it cannot tell (a tie or close to one, or out of range).
 */
typedef struct dmio_pow5_128 {
	uint64_t hi, lo;
	int e2;
} dmio_pow5_128;
extern const dmio_pow5_128 dmio_pow5_tab[55];
int dmio_el_path(uint64_t m, long e, double *out);

/*
 * Parses a column's cells[0..n) as dm_parse_double would, one after the
 * other: the cells marked in null (NULL: none) are skipped and counted
 * in *missing; the value of every other cell is appended to out (and,
 * if byrow is not NULL, stored at byrow[i]).  Stops at the first cell
 * that is not marked and does not parse to a finite double and returns
 * its index (n when there is none); *nout = the values appended.
 */
size_t dmio_parse_cells(const dm_strref *cells, const uint8_t *null, size_t n,
			double *out, double *byrow, size_t *nout,
			uint64_t *missing);

/*
 * The value of the cell [s, s+n) when the common-case parser of
 * dm_parse_double takes it ("[-]digits[.digits][e[+|-]digits]", at most
 * 19 significant digits, converted by an exact path): always finite and
 * the same bits dm_parse_double gives; NaN for everything else (empty,
 * white space, '+', nan/inf, long mantissas, text), which only means
 * "not decided here".  The CSV reader calls it on each unquoted field
 * while the field's bytes are in cache (dmio_csv_prenum).
 */
/* The compressed containers dmio_source_decompress reads. */
typedef enum dmio_dz_kind {
	DMIO_DZ_GZIP,
	DMIO_DZ_ZSTD,
	DMIO_DZ_BZIP2,
	DMIO_DZ_XZ
} dmio_dz_kind;

/* A source that reads in's content decompressed, front to back
 * (io/decompress.c); it owns in, also on failure.  Its size is
 * UINT64_MAX (unknown) or 0 for an empty stream. */
dm_err dmio_source_decompress(dm_source *in, dmio_dz_kind kind, dm_source **out,
			      dm_diag *diag);

/* The type note of a Parquet TIME column (read as seconds since
 * midnight; profile.c tells times of day by it). */
#define DMIO_NOTE_PARQUET_TIME "Parquet TIME"

/* 1 if the k numbers x (header names, in order, of a table of ncols
 * columns) are a numbering that writers put in a header rather than a
 * row of data: three or more integers in steps of one size (pandas'
 * labels 0..n-1, years of a World Bank table, wavelengths), two a step of
 * 1 apart, or a single one that is a year or pandas' label 0 or 1 of a
 * one-column frame.  The CSV reader's rule for a file without a header,
 * and the baseline's warning about names that are all numbers. */
int dmio_numbering(const double *x, size_t k, size_t ncols);

double dmio_parse_num(const char *s, size_t n);

/* The value of 8 digit values d (bytes 0..9, the first digit lowest),
 * taken 8 bytes at a time ("SWAR": the bytes of a uint64). */
static inline uint64_t dmio_swar_value8(uint64_t d)
{
	/* pairs: byte 2i becomes 10 * d[2i] + d[2i+1] */
	d = d * 10 + (d >> 8);
	/* pairs 0 and 2 times 10^6 and 100, pairs 1 and 3 times 10^4 and 1,
	 * each sum landing in the high 32 bits */
	return (((d & 0x000000FF000000FFULL) * (100 + (1000000ULL << 32))) +
		(((d >> 16) & 0x000000FF000000FFULL) *
		 (1 + (10000ULL << 32)))) >>
	       32;
}

/*
 * dmio_parse_num for a cell that at least 8 readable bytes start at (the
 * CSV reader's buffer is padded): cells of 1 to 8 digits, most integer
 * columns, are converted here without a call; they are exact doubles
 * (< 10^8), as parse_plain gives them.
 */
static inline double dmio_parse_num_padded(const char *s, size_t n)
{
	if (n - 1 < 8) {
		uint64_t v, x;

		memcpy(&v, s, 8);
		/* digits -> 0..9, the cell's n bytes to the top, zeros (the
		 * value's leading zeros) below them */
		x = (v ^ 0x3030303030303030ULL) << (8 * (8 - n));
		/* per byte: top bit set unless 0..9 (no carry between
		 * bytes: (x & 0x7F) + 0x76 <= 0xF5) */
		if (!((((x & 0x7F7F7F7F7F7F7F7FULL) + 0x7676767676767676ULL) |
		       x) &
		      0x8080808080808080ULL))
			return (double)dmio_swar_value8(x);
	}
	return dmio_parse_num(s, n);
}

/*
 * dmio_parse_cells with the values of dmio_parse_num for the same cells
 * (pre[i], NaN: not decided): a cell whose pre[i] is not NaN is taken as
 * is, every other one is parsed as dmio_parse_cells does, so that the
 * results, the stop and the counts are the same.
 */
size_t dmio_parse_cells_pre(const dm_strref *cells, const uint8_t *null,
			    const double *pre, size_t n, double *out,
			    size_t *nout, uint64_t *missing);

/*
 * The next batch of a CSV reader read in three steps, so that its pieces
 * can be tokenised by a caller's threads (dm_profile_add_reader's pool)
 * while they do other work: _begin starts the batch (on the thread that
 * calls next) and sets *np pieces up; _run(k) tokenises piece k, for
 * each k < *np, on any thread and in any order; _end, once they are all
 * done, returns the batch as dm_reader_next would (the same rows, errors
 * and messages).  _begin returns -1 (and nothing is done) when rd is not
 * a CSV reader: use dm_reader_next.
 */
int dmio_csv_split_begin(dm_reader *rd, size_t parts, size_t *np);
void dmio_csv_split_run(dm_reader *rd, size_t k);
dm_err dmio_csv_split_end(dm_reader *rd, dm_batch **out, dm_diag *diag);

/*
 * The values of dmio_parse_num for column j of batch b, just read from
 * the CSV reader rd (row i at [i]; NaN where not decided), or NULL when
 * rd is not a CSV reader or b is not its batch.  Valid as long as b.
 */
const double *dmio_csv_prenum(const dm_reader *rd, const dm_batch *b, size_t j);

/*
 * 1 when rd is a CSV reader whose separator is ';': the export format of
 * spreadsheets in locales with a decimal comma, whose numbers are written
 * "3,14" (dmio_parse_decimal_comma).  0 for anything else.
 */
int dmio_csv_decimal_comma(const dm_reader *rd);

/*
 * Reads the next bytes of a CSV reader's source ahead (about two
 * batches' worth), for its next batches: a task of dm_profile_add_reader's
 * pool round, beside the pieces and the columns, so that the read
 * (the kernel's copy, a decompression) is not left to the thread that
 * starts the next batch.  Call only while no other call is made on rd.
 * Errors are left to the read that meets them again.  Not for sources in
 * memory (nothing to gain).
 */
void dmio_csv_prefetch(dm_reader *rd);

/* 1 if src reads a buffer in memory (dm_source_open_mem). */
int dmio_source_is_mem(const dm_source *src);

/* The rows of a CSV reader that pieces tokenised so far (tests: that
 * pieces are taken, not dropped for the sequential loop). */
uint64_t dmio_csv_rows_pieced(const dm_reader *rd);

/*
 * The number written with a decimal comma in [s, s+n): digits, one ','
 * and digits, with an optional sign and exponent ("-3,14", "1,5e-3",
 * ",5"), read as dm_parse_double reads the text with '.' in place of the
 * comma.  0 and *out set, or -1 (no comma, two commas, a '.', 64
 * characters or more, or not a number that way).
 */
int dmio_parse_decimal_comma(const char *s, size_t n, double *out);

/* A text cell's number: dm_parse_double's, or with dc (a CSV file
 * separated by ';', dmio_csv_decimal_comma) also one written with a
 * decimal comma.  0 and *out set, or -1. */
int dmio_parse_text_number(const char *s, size_t n, int dc, double *out);

/*
 * A number as spreadsheets and reports format it, which no plain parse
 * takes: a currency sign before or after it ($ EUR-sign GBP-sign YEN-sign
 * INR-sign), thousands grouped by ',' (by '.', a space or a no-break
 * space with dc, the decimal-comma dialect), a '%' after it (the number
 * as written: "12.5%" is 12.5), a negative in parentheses ("(1,234.00)",
 * accounting).  Groups are of three digits after a first group of one to
 * three that does not start with 0, or (Indian lakh grouping, 12,34,567)
 * of two between a first of one or two and a last of three.  At least
 * one such mark, else -1
 * (the plain parse decides).  0 and *out set, or -1.
 */
int dmio_parse_formatted_number(const char *s, size_t n, int dc, double *out);

/* The "C" locale (for strtod_l / uselocale: '.' as the decimal point
 * whatever setlocale() chose), or (locale_t)0 if it cannot be made. */
locale_t dmio_c_locale(void);

/* 10^0 .. 10^19 and, as long doubles, 10^0 .. 10^27 (pow10.c). */
extern const uint64_t dmio_pow10_u64[20];
extern const long double dmio_pow10_ld[28];

#endif
