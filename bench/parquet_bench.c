/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Parquet reader/writer micro-benchmark.
 *
 *   parquet_bench write FILE ROWS COLS [snappy|zstd|none]
 *       writes ROWS x COLS DOUBLE columns (smooth random walks, 1% NULLs)
 *   parquet_bench read FILE
 *       reads every column as double and computes count, NULLs, mean,
 *       min, max (the per-column work of a baseline) on one thread
 *
 * Build: make build/libdriftmon.a && gcc -O2 -Iinclude -Isrc \
 *   bench/parquet_bench.c build/libdriftmon.a -lsnappy -lzstd -lz -llz4 \
 *   -lbrotlidec -lbrotlienc -ljansson -lm -o build/parquet_bench
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "driftmon/parquet.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	dm_diag d;
	if (argc >= 5 && !strcmp(argv[1], "write")) {
		size_t rows = strtoull(argv[3], NULL, 10),
		       ncol = strtoull(argv[4], NULL, 10);
		dm_parquet_wcol *cols = calloc(ncol, sizeof(*cols));
		char(*names)[24] = calloc(ncol, 24);
		dm_parquet_writer_opts o = {0};
		dm_parquet_writer *w;
		o.codec = argc > 5 && !strcmp(argv[5], "zstd") ? DM_PARQUET_ZSTD
			  : argc > 5 && !strcmp(argv[5], "none")
				  ? DM_PARQUET_UNCOMPRESSED
				  : DM_PARQUET_SNAPPY;
		for (size_t j = 0; j < ncol; j++) {
			snprintf(names[j], 24, "f%zu", j);
			cols[j].name = names[j];
			cols[j].type = DM_PARQUET_W_DOUBLE;
			cols[j].optional = 1;
		}
		if (dm_parquet_writer_open(argv[2], cols, ncol, &o, &w, &d)) {
			fprintf(stderr, "%s\n", d.msg);
			return 1;
		}
		size_t B = 8192;
		double *v = malloc(B * 8), *walk = calloc(ncol, 8);
		uint8_t *nl = malloc(B);
		uint64_t s = 42;
		double t0 = now();
		for (size_t r = 0; r < rows; r += B) {
			size_t n = rows - r < B ? rows - r : B;
			for (size_t j = 0; j < ncol; j++) {
				for (size_t i = 0; i < n; i++) {
					s ^= s << 13;
					s ^= s >> 7;
					s ^= s << 17;
					walk[j] += ((double)(s >> 11) /
							    9007199254740992.0 -
						    0.5);
					v[i] = walk[j] + (double)j;
					nl[i] = (s & 127) == 0;
				}
				if (dm_parquet_writer_write_f64(w, j, v, nl, n,
								&d)) {
					fprintf(stderr, "%s\n", d.msg);
					return 1;
				}
			}
			dm_parquet_writer_end_rows(w, &d);
		}
		if (dm_parquet_writer_close(w, &d)) {
			fprintf(stderr, "%s\n", d.msg);
			return 1;
		}
		printf("wrote %zu x %zu in %.2f s\n", rows, ncol, now() - t0);
		return 0;
	}
	if (argc >= 3 && !strcmp(argv[1], "read")) {
		double t0 = now();
		dm_parquet_file *f;
		if (dm_parquet_open_file(argv[2], NULL, &f, &d)) {
			fprintf(stderr, "%s\n", d.msg);
			return 1;
		}
		const dm_parquet_meta *m = dm_parquet_file_meta(f);
		size_t nc = m->ncolumns, n;
		size_t *cols = malloc(nc * sizeof(*cols));
		double *sum = calloc(nc, 8), *mn = malloc(nc * 8),
		       *mx = malloc(nc * 8);
		uint64_t *cnt = calloc(nc, 8), *nul = calloc(nc, 8), vals = 0;
		for (size_t j = 0; j < nc; j++) {
			cols[j] = j;
			mn[j] = 1e308;
			mx[j] = -1e308;
		}
		dm_parquet_scan *s;
		if (dm_parquet_scan_new(f, cols, nc, DM_PARQUET_AS_DOUBLE, &s,
					&d))
			return 1;
		while (!dm_parquet_scan_next(s, 8192, &n, &d) && n) {
			for (size_t j = 0; j < nc; j++) {
				const dm_parquet_vec *v =
					dm_parquet_scan_column(s, j);
				double a = 0, lo = mn[j], hi = mx[j];
				size_t c = 0;
				for (size_t i = 0; i < n; i++) {
					if (v->null && v->null[i])
						continue;
					double x = v->f64[i];
					a += x;
					lo = x < lo ? x : lo;
					hi = x > hi ? x : hi;
					c++;
				}
				sum[j] += a;
				mn[j] = lo;
				mx[j] = hi;
				cnt[j] += c;
				nul[j] += n - c;
			}
			vals += n * nc;
		}
		double t = now() - t0;
		printf("read %llu values (%zu columns) in %.3f s: %.1f M "
		       "values/s, %.1f MB/s of file; "
		       "f0: n=%llu nulls=%llu mean=%.6g min=%.6g max=%.6g\n",
		       (unsigned long long)vals, nc, t, vals / t / 1e6,
		       m->file_size / t / 1e6, (unsigned long long)cnt[0],
		       (unsigned long long)nul[0], sum[0] / cnt[0], mn[0],
		       mx[0]);
		dm_parquet_scan_free(s);
		dm_parquet_file_free(f);
		return 0;
	}
	fprintf(stderr, "usage: parquet_bench write FILE ROWS COLS "
			"[snappy|zstd|none] | read FILE\n");
	return 2;
}
