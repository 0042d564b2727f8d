/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Format dispatch for table readers (see include/driftmon/table.h).
 *
 * dm_reader_open looks at the first bytes of the source first (content
 * beats names: a Parquet file called "x.csv" is still Parquet, and a
 * gzip file must not be tokenised as text), then at the name, and falls
 * back to CSV.  A gzip, zstd, bzip2 or xz file is read through a
 * decompressing source (io/decompress.c): its content is CSV.  The generic
 * dm_reader_* calls dispatch through r->ops.
 */
#include <string.h>
#include <strings.h>

#include "driftmon/parquet.h"
#include "driftmon/table.h"
#include "io/io_internal.h"

/* Returns the extension of name's last path component ("" if none). */
static const char *name_ext(const char *name)
{
	const char *base, *dot;

	if (!name)
		return "";
	base = strrchr(name, '/');
	base = base ? base + 1 : name;
	dot = strrchr(base, '.');
	return dot && dot != base ? dot + 1 : "";
}

/* Recognises compressed containers by magic number; returns their name. */
static const char *compressed_kind(const unsigned char *m, size_t n)
{
	if (n >= 2 && m[0] == 0x1f && m[1] == 0x8b)
		return "gzip";
	if (n >= 4 && m[0] == 0x28 && m[1] == 0xb5 && m[2] == 0x2f &&
	    m[3] == 0xfd)
		return "zstd";
	if (n >= 6 && memcmp(m,
			     "\xfd"
			     "7zXZ\0",
			     6) == 0)
		return "xz";
	if (n >= 3 && memcmp(m, "BZh", 3) == 0 && n >= 4 && m[3] >= '1' &&
	    m[3] <= '9')
		return "bzip2";
	if (n >= 4 && memcmp(m, "PK\3\4", 4) == 0)
		return "zip";
	return NULL;
}

/* The decompressor of a kind compressed_kind() names (not "zip"). */
static dmio_dz_kind dz_kind(const char *kind)
{
	if (strcmp(kind, "gzip") == 0)
		return DMIO_DZ_GZIP;
	if (strcmp(kind, "zstd") == 0)
		return DMIO_DZ_ZSTD;
	if (strcmp(kind, "bzip2") == 0)
		return DMIO_DZ_BZIP2;
	return DMIO_DZ_XZ;
}

/* A gzip, zstd, bzip2 or xz file's content: CSV (what else is compressed whole
 * is said so: Parquet compresses its own pages and is read in place). */
static dm_err open_decompressed(dm_source *src, const char *kind,
				const dm_reader_opts *opts, dm_reader **out,
				dm_diag *diag)
{
	unsigned char magic[8];
	size_t got = 0;
	const char *inner;
	dm_err err;

	err = src->read(src, 0, magic, sizeof(magic), &got, diag);
	if (err)
		goto out;
	if (got >= 4 && memcmp(magic, "PAR1", 4) == 0) {
		err = dm_diag_set(diag, DM_EUNSUPPORTED, src->name, 0, NULL,
				  "a %s-compressed Parquet file: decompress "
				  "it first (Parquet compresses its own "
				  "pages)",
				  kind);
		goto out;
	}
	inner = compressed_kind(magic, got);
	if (inner ||
	    (got >= 8 &&
	     memcmp(magic, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) == 0)) {
		err = dm_diag_set(diag, DM_EUNSUPPORTED, src->name, 0, NULL,
				  "%s-compressed %s data: decompress it first",
				  kind, inner ? inner : "spreadsheet");
		goto out;
	}
	err = dm_csv_reader_open(src, opts, out, diag);
	src = NULL; /* dm_csv_reader_open owns it now */
out:
	dm_source_close(src);
	return err;
}

dm_err dm_reader_open(dm_source *src, const dm_reader_opts *opts,
		      dm_reader **out, dm_diag *diag)
{
	unsigned char magic[8];
	size_t got = 0;
	const char *ext, *kind;
	dm_err err;

	*out = NULL;
	if (!src)
		return dm_diag_set(diag, DM_EINVAL, NULL, 0, NULL,
				   "no input source");
	err = src->read(src, 0, magic, sizeof(magic), &got, diag);
	if (err)
		goto out;
	ext = name_ext(src->name);

	if (got >= 4 && memcmp(magic, "PAR1", 4) == 0) {
		err = dm_parquet_reader_open(src, opts, out, diag);
		src = NULL; /* ownership passed on, even on failure */
		goto out;
	}
	/* a spreadsheet's workbook (a ZIP for .xlsx and .ods, OLE2 for
	 * .xls): said so, with the way out */
	if (strcasecmp(ext, "xlsx") == 0 || strcasecmp(ext, "xlsm") == 0 ||
	    strcasecmp(ext, "xls") == 0 || strcasecmp(ext, "ods") == 0 ||
	    (got >= 8 &&
	     memcmp(magic, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) == 0)) {
		err = dm_diag_set(diag, DM_EUNSUPPORTED, src->name, 0, NULL,
				  "a spreadsheet workbook, not a table file: "
				  "save the sheet as CSV (or Parquet)");
		goto out;
	}
	kind = compressed_kind(magic, got);
	if (kind && strcmp(kind, "zip") != 0) {
		dm_source *dz = NULL;

		err = dmio_source_decompress(src, dz_kind(kind), &dz, diag);
		src = NULL; /* the decompressing source owns it now */
		if (err == DM_OK)
			err = open_decompressed(dz, kind, opts, out, diag);
		goto out;
	}
	if (kind) {
		err = dm_diag_set(diag, DM_EUNSUPPORTED, src->name, 0, NULL,
				  "%s-compressed data is not supported; "
				  "decompress the file first",
				  kind);
		goto out;
	}
	if (strcasecmp(ext, "parquet") == 0 || strcasecmp(ext, "pq") == 0) {
		err = dm_diag_set(diag, DM_EFORMAT, src->name, 0, NULL,
				  "not a Parquet file (it does not start "
				  "with \"PAR1\")");
		goto out;
	}
	if (strcasecmp(ext, "jsonl") == 0 || strcasecmp(ext, "ndjson") == 0 ||
	    strcasecmp(ext, "json") == 0) {
		err = dm_diag_set(diag, DM_EUNSUPPORTED, src->name, 0, NULL,
				  "JSON input is not supported; use CSV or "
				  "Parquet");
		goto out;
	}
	/* .csv, .tsv, .txt and anything else: CSV (it sniffs the
	 * separator and knows .tsv). */
	err = dm_csv_reader_open(src, opts, out, diag);
	src = NULL; /* dm_csv_reader_open owns it now */
out:
	dm_source_close(src);
	return err;
}

dm_err dm_reader_open_file(const char *path, const dm_reader_opts *opts,
			   dm_reader **out, dm_diag *diag)
{
	dm_source *src = NULL;
	dm_err err;

	*out = NULL;
	err = dm_source_open_file(path, &src, diag);
	if (err)
		return err;
	return dm_reader_open(src, opts, out, diag);
}

dm_err dm_reader_next(dm_reader *r, dm_batch **batch, dm_diag *diag)
{
	*batch = NULL;
	if (!r || !r->ops || !r->ops->next)
		return dm_diag_set(diag, DM_EINVAL, NULL, 0, NULL, "no reader");
	return r->ops->next(r, batch, diag);
}

dm_err dm_reader_project(dm_reader *r, const uint8_t *keep)
{
	if (!r || !r->ops)
		return DM_EINVAL;
	if (!r->ops->project)
		return DM_EUNSUPPORTED;
	return r->ops->project(r, keep);
}

void dm_reader_free(dm_reader *r)
{
	if (r && r->ops && r->ops->free)
		r->ops->free(r);
}
