/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target for the CSV reader, dm_parse_double and the CSV
 * writer.  The first input byte picks the file name (.csv or .tsv), a
 * small block size and a batch size; the rest is the file.  For strict
 * and lenient mode the file is read twice, in one block and with
 * the small ones, and both readings must deliver the same rows (with
 * their record numbers) and fail, if at all, with the same error at the
 * same row: block boundaries must never change the result.  (A failing
 * batch is not delivered, so after an error one reading's rows need
 * only be a prefix of the other's.)  Every cell
 * that dm_parse_double accepts must equal what strtod makes of it, and
 * a file read without error must read back the same after going through
 * the writer.  Any disagreement aborts.  (The reader is driven through
 * its ops table so that the target links without the Parquet reader.)
 *
 * Build and run (see tests/fuzz/README):
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -Iinclude -Isrc \
 *     -D_GNU_SOURCE tests/fuzz/fuzz_csv.c src/io/csv.c \
 *     src/io/csv_write.c src/io/parse_double.c src/io/source.c \
 *     src/core/error.c -lm -o fuzz_csv
 *   ./fuzz_csv -max_total_time=60 tests/fuzz/corpus_csv
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "driftmon/table.h"
#include "io/io_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_RECORD 300 /* small, so that the limit is reached */
/* NULs past the first 16 bytes are reported by row, not at open */
#define SNIFF_BYTES 16
/* Larger than any input the fuzzer makes: the whole file in one read. */
#define BIG_BLOCK ((size_t)1 << 16)

typedef struct text {
	char *p;
	size_t len, cap;
} text;

static void put(text *t, const void *p, size_t n)
{
	if (t->len + n + 1 > t->cap) {
		t->cap = (t->len + n + 1) * 2;
		t->p = realloc(t->p, t->cap);
		if (!t->p)
			abort();
	}
	memcpy(t->p + t->len, p, n);
	t->len += n;
	t->p[t->len] = 0;
}

/* A reading: everything delivered, rendered unambiguously. */
typedef struct reading {
	dm_err err;
	uint64_t err_row;
	uint64_t skipped;
	uint64_t headers; /* rows repeating the header, skipped */
	size_t ncols;
	text out;
} reading;

/* Checks a cell against strtod when dm_parse_double accepts it. */
static void check_number(const char *s, uint32_t n)
{
	char buf[128], *end;
	double a, b;

	if (n >= sizeof(buf) || dm_parse_double(s, n, &a) != 0)
		return;
	memcpy(buf, s, n);
	buf[n] = 0;
	b = strtod(buf, &end);
	while (*end == ' ' || (*end >= '\t' && *end <= '\r'))
		end++;
	if (*end != 0)
		abort(); /* accepted what strtod does not take whole */
	if (isnan(a) ? !isnan(b) : memcmp(&a, &b, sizeof(a)) != 0)
		abort();
}

/* piece: the batches cut in pieces of about that many bytes (csv.c,
 * "Parallel tokenising"; run here one after the other), 0: not. */
static void read_all(const char *name, const uint8_t *data, size_t size,
		     size_t block, size_t batch_rows, int lenient, int numbers,
		     size_t piece, reading *rd)
{
	dm_reader_opts opts = {batch_rows, lenient, 0};
	dmio_csv_tuning tun = {block, MAX_RECORD, 0, SNIFF_BYTES, piece};
	dm_source *src;
	dm_reader *r;
	dm_batch *b;
	dm_diag d;
	size_t i, j;

	memset(rd, 0, sizeof(*rd));
	if (dm_source_open_mem(name, data, size, 0, &src) != DM_OK)
		abort();
	rd->err = dmio_csv_reader_open_ex(src, &opts, &tun, &r, &d);
	if (rd->err) {
		rd->err_row = d.row;
		return;
	}
	rd->ncols = r->ncols;
	for (j = 0; j < r->ncols; j++) {
		put(&rd->out, r->names[j], strlen(r->names[j]));
		put(&rd->out, "\0", 1);
	}
	for (;;) {
		rd->err = r->ops->next(r, &b, &d);
		if (rd->err) {
			rd->err_row = d.row;
			break;
		}
		if (!b)
			break;
		if (b->nrows == 0 || b->ncols != r->ncols)
			abort();
		for (i = 0; i < b->nrows; i++) {
			uint64_t rn = b->row_numbers ? b->row_numbers[i]
						     : b->first_row + i;

			put(&rd->out, "\n", 1);
			put(&rd->out, &rn, sizeof(rn));
			for (j = 0; j < b->ncols; j++) {
				const dm_column *c = &b->cols[j];
				uint32_t n;

				if (c->null && c->null[i]) {
					put(&rd->out, "N", 1);
					continue;
				}
				n = c->str[i].len;
				put(&rd->out, "S", 1);
				put(&rd->out, &n, sizeof(n));
				put(&rd->out, c->str[i].ptr, n);
				if (numbers)
					check_number(c->str[i].ptr, n);
			}
		}
	}
	rd->skipped = r->rows_skipped;
	rd->headers = r->rows_header;
	r->ops->free(r);
}

/* Same result?  After an error, the rows of the failing batch are not
 * delivered, so with other batch sizes one output is a prefix of the
 * other. */
static void same(const reading *a, const reading *b)
{
	size_t n = a->out.len < b->out.len ? a->out.len : b->out.len;

	if (a->err != b->err || a->err_row != b->err_row)
		abort();
	if (a->err == DM_OK &&
	    (a->skipped != b->skipped || a->headers != b->headers ||
	     a->out.len != b->out.len))
		abort();
	if (n && memcmp(a->out.p, b->out.p, n) != 0)
		abort();
}

/* Writes what a strict reading of data delivered and reads it back. */
static void round_trip(const char *name, const uint8_t *data, size_t size,
		       const reading *orig)
{
	dm_reader_opts opts = {0, 0, 0};
	/* read as orig was (the separator sniffed from as many bytes) */
	dmio_csv_tuning tun = {BIG_BLOCK, MAX_RECORD, 0, SNIFF_BYTES, 0};
	dm_source *src;
	dm_reader *r;
	dm_csv_writer *w;
	dm_batch *b;
	dm_diag d;
	dm_err err;
	char *buf = NULL;
	size_t len = 0;
	reading back;
	FILE *fp;

	if (dm_source_open_mem(name, data, size, 0, &src) != DM_OK)
		abort();
	if (dmio_csv_reader_open_ex(src, &opts, &tun, &r, &d) != DM_OK)
		abort();
	fp = open_memstream(&buf, &len);
	if (!fp || dm_csv_writer_open(fp, ',', &w) != DM_OK)
		abort();
	if (dm_csv_write_header(w, r->names, r->ncols) != DM_OK)
		abort();
	while ((err = r->ops->next(r, &b, &d)) == DM_OK && b)
		if (dm_csv_write_batch(w, b) != DM_OK)
			abort();
	if (err != DM_OK) /* orig read it without error */
		abort();
	dm_csv_writer_free(w);
	r->ops->free(r);
	fclose(fp);
	read_all("back.csv", (const uint8_t *)buf, len, 0, 0, 0, 0, 0, &back);
	/* a record longer than the limit may only appear on the way back
	 * when quoting made it longer */
	if (back.err != DM_ETOOBIG)
		same(orig, &back);
	free(back.out.p);
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t batch_sizes[] = {0, 1, 2, 3};
	const char *name;
	size_t block, batch_rows;
	int lenient;

	if (size < 1)
		return 0;
	name = (data[0] & 1) ? "f.tsv" : "f.csv";
	block = 1 + ((data[0] >> 1) & 15);
	batch_rows = batch_sizes[(data[0] >> 5) & 3];
	data++;
	size--;
	for (lenient = 0; lenient <= 1; lenient++) {
		reading big, small, pieced;

		read_all(name, data, size, BIG_BLOCK, 0, lenient, 1, 0, &big);
		read_all(name, data, size, block, batch_rows, lenient, 0, 0,
			 &small);
		same(&big, &small);
		/* pieces of 1-16 bytes: the same rows, errors and rows */
		read_all(name, data, size, BIG_BLOCK, batch_rows, lenient, 0,
			 block, &pieced);
		same(&big, &pieced);
		free(pieced.out.p);
		/* one-column files cannot carry NULLs through CSV (an
		 * empty line is skipped); rows repeating the header are
		 * skipped, so the rows after them are numbered anew */
		if (!lenient && big.err == DM_OK && big.ncols > 1 &&
		    big.headers == 0)
			round_trip(name, data, size, &big);
		free(big.out.p);
		free(small.out.p);
	}
	return 0;
}
