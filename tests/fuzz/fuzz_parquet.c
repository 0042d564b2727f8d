/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target for the Parquet reader: footer, page headers, every
 * codec and encoding.  The input is a whole file; it is opened from
 * memory with tight limits (so that no input can ask for more than a few
 * MiB or rows) and every column is read to the end in both modes (raw
 * and as double), touching every value so that ASan sees any bad
 * pointer.  (dm_parquet_reader_open is a thin layer over the same scan;
 * it is also read with threads, where each batch must stay valid through
 * the next call: the last batch is touched again after every call.)
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -Iinclude -Isrc \
 *     tests/fuzz/fuzz_parquet.c src/io/parquet/ *.c src/io/source.c \
 *     src/core/error.c -lsnappy -lzstd -lz -llz4 -lbrotlidec -lm
 *   ./fuzz_parquet CORPUS tests/fuzz/corpus_parquet tests/data/parquet
 *
 * or tests/fuzz/fuzz-parquet.sh [SECONDS], which does both.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "driftmon/parquet.h"
#include "driftmon/table.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void scan_all(dm_parquet_file *f, dm_parquet_mode mode, size_t batch)
{
	const dm_parquet_meta *m = dm_parquet_file_meta(f);
	size_t cols[64], nc = m->ncolumns < 64 ? m->ncolumns : 64, n;
	dm_parquet_scan *s = NULL;
	dm_diag d;
	volatile double sink = 0;

	for (size_t i = 0; i < nc; i++)
		cols[i] = i;
	if (dm_parquet_scan_new(f, cols, nc, mode, &s, &d))
		return;
	while (dm_parquet_scan_next(s, batch, &n, &d) == DM_OK && n) {
		for (size_t j = 0; j < nc; j++) {
			const dm_parquet_vec *v = dm_parquet_scan_column(s, j);
			for (size_t i = 0; i < n; i++) {
				if (v->null && v->null[i])
					continue;
				if (v->f64)
					sink += v->f64[i];
				else if (v->i64)
					sink += (double)v->i64[i];
				else if (v->str && v->str[i].len)
					sink += (uint8_t)v->str[i]
							.ptr[v->str[i].len - 1];
			}
		}
	}
	(void)sink;
	dm_parquet_scan_free(s);
}

static double touch(const dm_batch *b)
{
	double sum = 0;

	for (size_t j = 0; j < b->ncols; j++) {
		const dm_column *c = &b->cols[j];

		for (size_t i = 0; i < b->nrows; i++) {
			if (c->null && c->null[i])
				continue;
			if (c->type == DM_COL_DOUBLE)
				sum += c->f64[i];
			else if (c->str && c->str[i].len)
				sum += (uint8_t)c->str[i]
					       .ptr[c->str[i].len - 1];
		}
	}
	return sum;
}

/* The dm_reader with threads: batches kept one call longer. */
static void read_kept(const uint8_t *data, size_t size, size_t batch)
{
	dm_reader_opts ro = {batch, 0, 2};
	dm_source *src = NULL;
	dm_reader *r = NULL;
	dm_batch *b, *prev = NULL;
	dm_diag d;
	volatile double sink = 0;

	if (dm_source_open_mem("fuzz.parquet", data, size, 0, &src))
		return;
	if (dm_parquet_reader_open(src, &ro, &r, &d))
		return;
	while (dm_reader_next(r, &b, &d) == DM_OK && b) {
		if (prev)
			sink += touch(prev);
		sink += touch(b);
		prev = b;
	}
	(void)sink;
	dm_reader_free(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	dm_parquet_opts o = {0};
	dm_parquet_file *f = NULL;
	dm_source *src = NULL;
	dm_diag d;

	o.max_page_bytes = 8u << 20;
	o.max_rowgroup_bytes = 64u << 20;
	o.max_rows = 1u << 20;
	if (dm_source_open_mem("fuzz.parquet", data, size, 0, &src))
		return 0;
	if (dm_parquet_open(src, &o, &f, &d) == DM_OK) {
		const dm_parquet_meta *m = dm_parquet_file_meta(f);
		uint64_t total = (uint64_t)m->num_rows * (m->ncolumns + 1);
		/* bound the work an input can ask for: a few million values */
		if (total < (4u << 20)) {
			/* batch sizes vary with the input, so that state
			 * carried across batches (levels, dictionary and
			 * delta decoders, shared prefixes) is exercised */
			scan_all(f, DM_PARQUET_RAW, 1 + size % 997);
			scan_all(f, DM_PARQUET_AS_DOUBLE, 4096);
			read_kept(data, size, 1 + size % 499);
		}
		dm_parquet_file_free(f);
	}
	return 0;
}
