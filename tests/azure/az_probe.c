/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Test helper for tests/suites/azure.sh and bench/azure.sh: drives the
 * store library directly where the CLI has no command for it.
 *
 *   az_probe parquet-write STORE KEY ROWS ROWGROUP_ROWS
 *       synthetic rows (the spam-detector features) as Parquet, put at KEY
 *   az_probe parquet-read STORE KEY COL[,COL...]
 *       a projected scan through dm_store_open_source; prints one JSON
 *       line: object size, bytes delivered to the reader, bytes the HTTP
 *       client received, requests, rows, and the compressed size of the
 *       projected column chunks
 *   az_probe list STORE PREFIX          dm_store_list: the keys, one a line
 *   az_probe dirs STORE PREFIX          List Blobs with delimiter '/'
 *   az_probe get STORE KEY              the object on stdout
 *   az_probe put-if STORE KEY ETAG|-    conditional write of stdin
 *   az_probe tag STORE KEY              the object's version tag
 *   az_probe delete STORE KEY
 *   az_probe stats-after CMD...         not a command: see the suite
 *
 * Built by the suite: cc -Iinclude -Isrc tests/azure/az_probe.c
 * build/libdriftmon.a ...
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "driftmon/parquet.h"
#include "driftmon/store.h"
#include "driftmon/synth.h"
#include "store/azure_int.h"
#include "store/store_int.h"

static int fail(const char *what, dm_err err, const dm_diag *d)
{
	fprintf(stderr, "az_probe: %s: %s\n", what,
		d && d->msg[0] ? d->msg : dm_strerror(err));
	return 1;
}

static int parquet_write(dm_store *st, const char *key, size_t rows, size_t rg)
{
	dm_synth_opts so = {0};
	dm_synth *g = NULL;
	dm_parquet_wcol *cols;
	dm_parquet_writer_opts wo;
	dm_parquet_writer *w = NULL;
	char *buf = NULL;
	size_t len = 0, done = 0, i, nc;
	FILE *mem;
	dm_diag d;
	dm_err err;

	so.seed = 42;
	if (dm_synth_new(&so, 0, 7, &g) != DM_OK)
		return fail("synth", DM_ENOMEM, NULL);
	nc = dm_synth_ncols(g);
	cols = calloc(nc, sizeof(*cols));
	mem = open_memstream(&buf, &len);
	if (!cols || !mem)
		return fail("memory", DM_ENOMEM, NULL);
	for (i = 0; i < nc; i++) {
		cols[i].name = dm_synth_colname(g, i);
		cols[i].type = dm_synth_coltype(g, i) == DM_COL_DOUBLE
				       ? DM_PARQUET_W_DOUBLE
				       : DM_PARQUET_W_STRING;
		cols[i].optional = 1;
	}
	memset(&wo, 0, sizeof(wo));
	wo.rowgroup_rows = rg;
	err = dm_parquet_writer_open_fp(mem, cols, nc, &wo, &w, &d);
	if (err)
		return fail("parquet writer", err, &d);
	while (done < rows) {
		size_t n = rows - done < 4096 ? rows - done : 4096;
		dm_batch *b;

		if (dm_synth_next(g, n, &b) != DM_OK)
			return fail("synth", DM_ENOMEM, NULL);
		err = dm_parquet_writer_write_batch(w, b, &d);
		if (err)
			return fail("parquet write", err, &d);
		done += n;
	}
	err = dm_parquet_writer_close(w, &d);
	if (err)
		return fail("parquet close", err, &d);
	fclose(mem);
	err = dm_store_put(st, key, buf, len, &d);
	if (err)
		return fail("put", err, &d);
	printf("{\"key\":\"%s\",\"bytes\":%zu,\"rows\":%zu,\"columns\":%zu}\n",
	       key, len, rows, nc);
	free(buf);
	free(cols);
	dm_synth_free(g);
	return 0;
}

static int parquet_read(dm_store *st, const char *key, char *colspec)
{
	dm_source *src = NULL;
	dm_parquet_file *f = NULL;
	dm_parquet_scan *sc = NULL;
	const dm_parquet_meta *m;
	size_t cols[64], nc = 0, r, i, n, nrg, ncol;
	uint64_t rows = 0, chunks = 0, size, delivered;
	dm_store_stats before, after;
	char *tok, *save = NULL;
	dm_diag d;
	dm_err err;

	dm_store_stats_get(st, &before);
	err = dm_store_open_source(st, key, &src, &d);
	if (err)
		return fail("open", err, &d);
	size = src->size;
	err = dm_parquet_open(src, NULL, &f, &d);
	if (err)
		return fail("parquet open", err, &d);
	m = dm_parquet_file_meta(f);
	for (tok = strtok_r(colspec, ",", &save); tok && nc < 64;
	     tok = strtok_r(NULL, ",", &save)) {
		long ix = dm_parquet_column_index(f, tok);

		if (ix < 0) {
			fprintf(stderr, "az_probe: no column '%s'\n", tok);
			return 1;
		}
		cols[nc++] = (size_t)ix;
	}
	for (r = 0; r < m->nrowgroups; r++)
		for (i = 0; i < nc; i++)
			chunks += (uint64_t)m->rowgroups[r]
					  .chunks[cols[i]]
					  .total_compressed_size;
	err = dm_parquet_scan_new(f, cols, nc, DM_PARQUET_AS_DOUBLE, &sc, &d);
	if (err)
		return fail("scan", err, &d);
	do {
		err = dm_parquet_scan_next(sc, 0, &n, &d);
		if (err)
			return fail("scan", err, &d);
		rows += n;
	} while (n);
	delivered = src->bytes_read;
	nrg = m->nrowgroups;
	ncol = m->ncolumns;
	dm_parquet_scan_free(sc);
	dm_parquet_file_free(f);
	dm_store_stats_get(st, &after);
	printf("{\"size\":%" PRIu64 ",\"delivered\":%" PRIu64
	       ",\"http_down\":%" PRIu64 ",\"requests\":%" PRIu64
	       ",\"rows\":%" PRIu64 ",\"chunk_bytes\":%" PRIu64
	       ",\"rowgroups\":%zu,\"columns\":%zu}\n",
	       size, delivered, after.bytes_down - before.bytes_down,
	       after.requests - before.requests, rows, chunks, nrg, ncol);
	return 0;
}

int main(int argc, char **argv)
{
	dm_store *st = NULL;
	dm_diag d;
	dm_err err;
	int rc = 0;
	size_t i, n;

	if (argc < 4) {
		fprintf(stderr, "usage: az_probe CMD STORE ARG...\n");
		return 2;
	}
	err = dm_store_open(argv[2], &st, &d);
	if (err)
		return fail("open store", err, &d);
	if (!strcmp(argv[1], "parquet-write") && argc == 6) {
		rc = parquet_write(st, argv[3], strtoul(argv[4], NULL, 10),
				   strtoul(argv[5], NULL, 10));
	} else if (!strcmp(argv[1], "parquet-read") && argc == 5) {
		rc = parquet_read(st, argv[3], argv[4]);
	} else if (!strcmp(argv[1], "list")) {
		char **keys;

		err = dm_store_list(st, argv[3], &keys, &n, &d);
		if (err)
			return fail("list", err, &d);
		for (i = 0; i < n; i++)
			puts(keys[i]);
		dm_store_free_list(keys, n);
	} else if (!strcmp(argv[1], "dirs")) {
		az_list_page pg;

		if (strcmp(st->ops->name, "azure"))
			return fail("dirs", DM_EUNSUPPORTED, NULL);
		err = az_list((az_client *)st->impl, argv[3], "/", &pg, &d);
		if (err)
			return fail("list", err, &d);
		for (i = 0; i < pg.np; i++)
			printf("%s\n", pg.prefixes[i]);
		for (i = 0; i < pg.n; i++)
			printf("%s\n", pg.names[i]);
		az_list_page_release(&pg);
	} else if (!strcmp(argv[1], "get")) {
		char *data;
		size_t len;

		err = dm_store_get(st, argv[3], 0, &data, &len, &d);
		if (err)
			return fail("get", err, &d);
		fwrite(data, 1, len, stdout);
		free(data);
	} else if (!strcmp(argv[1], "tag")) {
		char *data, *tag;
		size_t len;

		err = dm_store_get_tagged(st, argv[3], 0, &data, &len, &tag,
					  &d);
		if (err)
			return fail("get", err, &d);
		printf("%s\n", tag);
		free(data);
		free(tag);
	} else if (!strcmp(argv[1], "put-if") && argc == 5) {
		char buf[65536];
		size_t len = fread(buf, 1, sizeof(buf), stdin);

		err = dm_store_put_if(st, argv[3], buf, len,
				      strcmp(argv[4], "-") ? argv[4] : NULL,
				      &d);
		if (err == DM_ECONFLICT) {
			printf("conflict\n");
			rc = 3;
		} else if (err) {
			return fail("put-if", err, &d);
		} else {
			printf("written\n");
		}
	} else if (!strcmp(argv[1], "delete")) {
		err = dm_store_delete(st, argv[3], &d);
		if (err)
			return fail("delete", err, &d);
	} else {
		fprintf(stderr, "az_probe: unknown command or arguments\n");
		rc = 2;
	}
	dm_store_free(st);
	return rc;
}
