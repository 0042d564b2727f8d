/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Compressed input: a gzip, zstd, bzip2 or xz file read as the bytes it
 * holds (train.csv.gz, part-00000.csv.zst, 2008.csv.bz2, data.csv.xz:
 * what pandas, Spark and the shell write, and what pandas reads by
 * itself), by a source that decompresses the file's source as it is read.
 *
 * Design.  The readers that can take such a source read it front to back
 * (the CSV reader; dm_reader_open's first bytes), so the source keeps one
 * decompression stream and its position: a read at that position goes
 * on, a read before it starts the stream again (the reader's look at the
 * first bytes), a read past it decompresses and drops what lies between.
 * The size is not known until the end ("unknown": UINT64_MAX; a short
 * read is the end), except that an empty stream is size 0 (the CSV
 * reader's "empty file").  Memory: the input buffer, zlib's 32 KiB
 * window, zstd's window (at most 2^27 bytes, zstd's own default limit;
 * a frame that asks for more is refused), bzip2's blocks (at most 900 kB,
 * about 3.7 MB of state) or xz's dictionary (the decoder is held to
 * 2^27 bytes: xz -9 needs 65 MiB), never the file.
 *
 * gzip: several members one after the other (`cat a.gz b.gz`, bgzip) are
 * one stream, as gzip -d reads them; bytes after the last member that do
 * not start another one are an error, as is a file that ends inside a
 * member.  zstd: frames one after the other likewise (skippable frames
 * are skipped).  bzip2: streams one after the other (pbzip2, lbzip2 and
 * `cat a.bz2 b.bz2` write them) as gzip's members.  xz: streams one
 * after the other and the padding between them, as xz -d reads them
 * (liblzma's LZMA_CONCATENATED).
 */
#include <bzlib.h>
#include <lzma.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>
#include <zstd_errors.h>

#include "io/io_internal.h"

#define IN_CHUNK    (256u * 1024u)
#define ZSTD_WLOG   27
#define XZ_MEMLIMIT ((uint64_t)1 << ZSTD_WLOG)
#define SKIP_CHUNK  65536

typedef struct dz_source {
	dm_source base;
	dm_source *in; /* owned */
	dmio_dz_kind kind;
	z_stream z;
	int z_ready;
	ZSTD_DStream *zs;
	bz_stream bz;
	int bz_ready;
	lzma_stream xz;
	int xz_ready;
	unsigned char *ibuf;
	size_t ilen, ipos; /* input bytes in ibuf, consumed */
	uint64_t in_off;   /* next offset of the compressed source */
	int in_eof;
	uint64_t out_pos; /* decompressed bytes delivered: the next offset */
	int done;	  /* the stream ended (no more members / frames) */
	int in_frame;	  /* zstd: inside a frame (0 right after one) */
} dz_source;

static const char *kind_name(const dz_source *d)
{
	static const char *const names[] = {"gzip", "zstd", "bzip2", "xz"};

	return names[d->kind];
}

/* bzip2: a decompressor for the next stream. */
static int bz_start(dz_source *d)
{
	if (d->bz_ready)
		BZ2_bzDecompressEnd(&d->bz);
	memset(&d->bz, 0, sizeof(d->bz));
	d->bz_ready = BZ2_bzDecompressInit(&d->bz, 0, 0) == BZ_OK;
	return d->bz_ready ? 0 : -1;
}

/* xz: a decoder of the whole file (its streams, their padding). */
static int xz_start(dz_source *d)
{
	lzma_stream init = LZMA_STREAM_INIT;

	if (d->xz_ready)
		lzma_end(&d->xz);
	d->xz = init;
	d->xz_ready = lzma_stream_decoder(&d->xz, XZ_MEMLIMIT,
					  LZMA_CONCATENATED) == LZMA_OK;
	return d->xz_ready ? 0 : -1;
}

/* Tops up the input buffer; *got 0 at the end of the compressed file. */
static dm_err fill_in(dz_source *d, size_t *got, dm_diag *diag)
{
	dm_err err;

	*got = 0;
	if (d->in_eof)
		return DM_OK;
	if (d->ipos < d->ilen)
		memmove(d->ibuf, d->ibuf + d->ipos, d->ilen - d->ipos);
	d->ilen -= d->ipos;
	d->ipos = 0;
	err = d->in->read(d->in, d->in_off, d->ibuf + d->ilen,
			  IN_CHUNK - d->ilen, got, diag);
	if (err)
		return err;
	d->ilen += *got;
	d->in_off += *got;
	if (*got == 0)
		d->in_eof = 1;
	return DM_OK;
}

/* Back to the first byte of the stream. */
static dm_err restart(dz_source *d, dm_diag *diag)
{
	d->ilen = d->ipos = 0;
	d->in_off = 0;
	d->in_eof = 0;
	d->out_pos = 0;
	d->done = 0;
	d->in_frame = 0;
	switch (d->kind) {
	case DMIO_DZ_GZIP:
		if (d->z_ready && inflateReset(&d->z) != Z_OK)
			break;
		return DM_OK;
	case DMIO_DZ_ZSTD:
		ZSTD_DCtx_reset(d->zs, ZSTD_reset_session_only);
		return DM_OK;
	case DMIO_DZ_BZIP2:
		if (bz_start(d) < 0)
			break;
		return DM_OK;
	case DMIO_DZ_XZ:
		if (xz_start(d) < 0)
			break;
		return DM_OK;
	}
	return dm_diag_set(diag, DM_ENOMEM, d->base.name, 0, NULL,
			   "%s: cannot reset the decompressor", kind_name(d));
}

static dm_err corrupt(dz_source *d, const char *why, dm_diag *diag)
{
	return dm_diag_set(
		diag, DM_EFORMAT, d->base.name, 0, NULL,
		"%s data corrupt near compressed byte %llu: %s", kind_name(d),
		(unsigned long long)(d->in_off - (d->ilen - d->ipos)), why);
}

static dm_err truncated(dz_source *d, dm_diag *diag)
{
	return dm_diag_set(diag, DM_EFORMAT, d->base.name, 0, NULL,
			   "%s data truncated: the file ends inside the "
			   "compressed stream (after %llu bytes of it)",
			   kind_name(d), (unsigned long long)d->in_off);
}

/* After a gzip member's or a bzip2 stream's end: the end of the file
 * (d->done set), or another one, which starts with magic[0..mlen). */
static dm_err next_part(dz_source *d, const char *magic, size_t mlen,
			dm_diag *diag)
{
	size_t got;
	dm_err err;

	while (d->ilen - d->ipos < mlen && !d->in_eof)
		if ((err = fill_in(d, &got, diag)) != DM_OK)
			return err;
	if (d->ilen == d->ipos) {
		d->done = 1;
		return DM_OK;
	}
	if (d->ilen - d->ipos < mlen ||
	    memcmp(d->ibuf + d->ipos, magic, mlen) != 0)
		return dm_diag_set(diag, DM_EFORMAT, d->base.name, 0, NULL,
				   "%s: %llu bytes after the compressed "
				   "data are not %s data",
				   kind_name(d),
				   (unsigned long long)(d->ilen - d->ipos),
				   kind_name(d));
	return DM_OK;
}

/* Input to decompress: what is buffered, or more from the file; the
 * end of the file here is a truncated stream. */
static dm_err more_input(dz_source *d, dm_diag *diag)
{
	size_t n;
	dm_err err;

	if (d->ipos < d->ilen)
		return DM_OK;
	if ((err = fill_in(d, &n, diag)) != DM_OK)
		return err;
	return n ? DM_OK : truncated(d, diag);
}

/* gzip: after a member's end, another member or the end of the file. */
static dm_err gzip_next_member(dz_source *d, dm_diag *diag)
{
	dm_err err = next_part(d, "\x1f\x8b", 2, diag);

	if (err != DM_OK || d->done)
		return err;
	if (inflateReset(&d->z) != Z_OK)
		return corrupt(d, "cannot start the next member", diag);
	return DM_OK;
}

/* Decompresses up to len bytes into out; *got short only at the end. */
static dm_err inflate_some(dz_source *d, unsigned char *out, size_t len,
			   size_t *got, dm_diag *diag)
{
	size_t done = 0;
	dm_err err;

	while (done < len && !d->done) {
		size_t before_in, before_out;
		int rc;

		if ((err = more_input(d, diag)) != DM_OK)
			return err;
		d->z.next_in = d->ibuf + d->ipos;
		d->z.avail_in = (uInt)(d->ilen - d->ipos);
		d->z.next_out = out + done;
		d->z.avail_out = (uInt)(len - done > (1u << 30) ? (1u << 30)
								: len - done);
		before_in = d->z.avail_in;
		before_out = d->z.avail_out;
		rc = inflate(&d->z, Z_NO_FLUSH);
		d->ipos += before_in - d->z.avail_in;
		done += before_out - d->z.avail_out;
		if (rc == Z_STREAM_END) {
			if ((err = gzip_next_member(d, diag)) != DM_OK)
				return err;
		} else if (rc == Z_MEM_ERROR) {
			return dm_diag_set(diag, DM_ENOMEM, d->base.name, 0,
					   NULL, "gzip: out of memory");
		} else if (rc != Z_OK && rc != Z_BUF_ERROR) {
			return corrupt(d, d->z.msg ? d->z.msg : "bad data",
				       diag);
		}
	}
	*got = done;
	return DM_OK;
}

static dm_err zstd_some(dz_source *d, unsigned char *out, size_t len,
			size_t *got, dm_diag *diag)
{
	ZSTD_outBuffer ob = {out, len, 0};
	size_t n;
	dm_err err;

	while (ob.pos < len && !d->done) {
		ZSTD_inBuffer ib;
		size_t rc;

		if (d->ipos == d->ilen) {
			if ((err = fill_in(d, &n, diag)) != DM_OK)
				return err;
			if (n == 0) {
				if (d->in_frame)
					return truncated(d, diag);
				d->done = 1;
				break;
			}
		}
		ib.src = d->ibuf + d->ipos;
		ib.size = d->ilen - d->ipos;
		ib.pos = 0;
		rc = ZSTD_decompressStream(d->zs, &ob, &ib);
		d->ipos += ib.pos;
		if (ZSTD_isError(rc)) {
			if (ZSTD_getErrorCode(rc) ==
			    ZSTD_error_frameParameter_windowTooLarge)
				return dm_diag_set(
					diag, DM_EUNSUPPORTED, d->base.name, 0,
					NULL,
					"zstd: the data needs a window of "
					"more than %u MiB (zstd --long); "
					"decompress it first",
					(1u << ZSTD_WLOG) >> 20);
			return corrupt(d, ZSTD_getErrorName(rc), diag);
		}
		/* 0: a frame ended and is flushed */
		d->in_frame = rc != 0;
	}
	*got = ob.pos;
	return DM_OK;
}

/* bzip2: after a stream's end, another stream or the end of the file. */
static dm_err bzip2_next_stream(dz_source *d, dm_diag *diag)
{
	dm_err err = next_part(d, "BZh", 3, diag);

	if (err != DM_OK || d->done)
		return err;
	if (bz_start(d) < 0)
		return dm_diag_set(diag, DM_ENOMEM, d->base.name, 0, NULL,
				   "bzip2: out of memory");
	return DM_OK;
}

static const char *bzip2_why(int rc)
{
	switch (rc) {
	case BZ_DATA_ERROR_MAGIC:
		return "not bzip2 data";
	case BZ_DATA_ERROR:
		return "bad or damaged data";
	default:
		return "bad data";
	}
}

/* Decompresses up to len bytes into out; *got short only at the end. */
static dm_err bunzip_some(dz_source *d, unsigned char *out, size_t len,
			  size_t *got, dm_diag *diag)
{
	size_t done = 0;
	dm_err err;

	while (done < len && !d->done) {
		unsigned before_in, before_out;
		int rc;

		if ((err = more_input(d, diag)) != DM_OK)
			return err;
		d->bz.next_in = (char *)d->ibuf + d->ipos;
		d->bz.avail_in = (unsigned)(d->ilen - d->ipos);
		d->bz.next_out = (char *)out + done;
		d->bz.avail_out =
			(unsigned)(len - done > (1u << 30) ? (1u << 30)
							   : len - done);
		before_in = d->bz.avail_in;
		before_out = d->bz.avail_out;
		rc = BZ2_bzDecompress(&d->bz);
		d->ipos += before_in - d->bz.avail_in;
		done += before_out - d->bz.avail_out;
		if (rc == BZ_STREAM_END) {
			if ((err = bzip2_next_stream(d, diag)) != DM_OK)
				return err;
		} else if (rc == BZ_MEM_ERROR) {
			return dm_diag_set(diag, DM_ENOMEM, d->base.name, 0,
					   NULL, "bzip2: out of memory");
		} else if (rc != BZ_OK) {
			return corrupt(d, bzip2_why(rc), diag);
		}
	}
	*got = done;
	return DM_OK;
}

/* Decompresses up to len bytes into out; *got short only at the end. */
static dm_err unxz_some(dz_source *d, unsigned char *out, size_t len,
			size_t *got, dm_diag *diag)
{
	size_t n;
	dm_err err;

	d->xz.next_out = out;
	d->xz.avail_out = len;
	while (d->xz.avail_out > 0 && !d->done) {
		lzma_action act = LZMA_RUN;
		size_t before_in;
		lzma_ret rc;

		if (d->ipos == d->ilen && !d->in_eof) {
			if ((err = fill_in(d, &n, diag)) != DM_OK)
				return err;
		}
		if (d->ipos == d->ilen && d->in_eof)
			act = LZMA_FINISH; /* the end of the file */
		d->xz.next_in = d->ibuf + d->ipos;
		d->xz.avail_in = d->ilen - d->ipos;
		before_in = d->xz.avail_in;
		rc = lzma_code(&d->xz, act);
		d->ipos += before_in - d->xz.avail_in;
		switch (rc) {
		case LZMA_OK:
			break;
		case LZMA_STREAM_END:
			d->done = 1;
			break;
		case LZMA_BUF_ERROR: /* no progress at the end: cut short */
			return truncated(d, diag);
		case LZMA_MEM_ERROR:
			return dm_diag_set(diag, DM_ENOMEM, d->base.name, 0,
					   NULL, "xz: out of memory");
		case LZMA_MEMLIMIT_ERROR:
			return dm_diag_set(
				diag, DM_EUNSUPPORTED, d->base.name, 0, NULL,
				"xz: the data needs more than %u MiB to "
				"decompress; decompress it first",
				(unsigned)(XZ_MEMLIMIT >> 20));
		case LZMA_FORMAT_ERROR:
			return corrupt(d, "not xz data", diag);
		case LZMA_OPTIONS_ERROR:
			return corrupt(d, "unsupported options", diag);
		default:
			return corrupt(d, "bad data", diag);
		}
	}
	*got = len - d->xz.avail_out;
	return DM_OK;
}

static dm_err decompress(dz_source *d, unsigned char *out, size_t len,
			 size_t *got, dm_diag *diag)
{
	switch (d->kind) {
	case DMIO_DZ_GZIP:
		return inflate_some(d, out, len, got, diag);
	case DMIO_DZ_ZSTD:
		return zstd_some(d, out, len, got, diag);
	case DMIO_DZ_BZIP2:
		return bunzip_some(d, out, len, got, diag);
	case DMIO_DZ_XZ:
		return unxz_some(d, out, len, got, diag);
	}
	return DM_EINVAL;
}

static dm_err dz_read(dm_source *src, uint64_t off, void *buf, size_t len,
		      size_t *got, dm_diag *diag)
{
	dz_source *d = (dz_source *)src;
	dm_err err;
	size_t n;

	*got = 0;
	if (off < d->out_pos && (err = restart(d, diag)) != DM_OK)
		return err;
	while (d->out_pos < off && !d->done) {
		unsigned char skip[SKIP_CHUNK];
		uint64_t want = off - d->out_pos;

		err = decompress(d, skip,
				 want < sizeof(skip) ? (size_t)want
						     : sizeof(skip),
				 &n, diag);
		if (err)
			return err;
		d->out_pos += n;
	}
	if (d->out_pos < off) /* past the end */
		return DM_OK;
	if ((err = decompress(d, buf, len, &n, diag)) != DM_OK)
		return err;
	d->out_pos += n;
	src->bytes_read += n;
	*got = n;
	return DM_OK;
}

static void dz_close(dm_source *src)
{
	dz_source *d = (dz_source *)src;

	if (!d)
		return;
	if (d->z_ready)
		inflateEnd(&d->z);
	ZSTD_freeDStream(d->zs);
	if (d->bz_ready)
		BZ2_bzDecompressEnd(&d->bz);
	if (d->xz_ready)
		lzma_end(&d->xz);
	free(d->ibuf);
	dm_source_close(d->in);
	free(d->base.name);
	free(d);
}

dm_err dmio_source_decompress(dm_source *in, dmio_dz_kind kind, dm_source **out,
			      dm_diag *diag)
{
	dz_source *d;
	unsigned char one;
	size_t got = 0;
	dm_err err;

	*out = NULL;
	d = calloc(1, sizeof(*d));
	if (!d) {
		dm_source_close(in);
		return dm_diag_set(diag, DM_ENOMEM, NULL, 0, NULL,
				   "out of memory");
	}
	d->in = in;
	d->kind = kind;
	d->base.read = dz_read;
	d->base.close = dz_close;
	d->base.size = UINT64_MAX;
	d->base.name = strdup(in->name ? in->name : "");
	d->ibuf = malloc(IN_CHUNK);
	if (!d->base.name || !d->ibuf)
		goto nomem;
	switch (kind) {
	case DMIO_DZ_GZIP:
		/* 15 + 16: a gzip header and trailer around the deflate
		 * data */
		if (inflateInit2(&d->z, 15 + 16) != Z_OK)
			goto nomem;
		d->z_ready = 1;
		break;
	case DMIO_DZ_ZSTD:
		d->zs = ZSTD_createDStream();
		if (!d->zs || ZSTD_isError(ZSTD_DCtx_setParameter(
				      d->zs, ZSTD_d_windowLogMax, ZSTD_WLOG)))
			goto nomem;
		break;
	case DMIO_DZ_BZIP2:
		if (bz_start(d) < 0)
			goto nomem;
		break;
	case DMIO_DZ_XZ:
		if (xz_start(d) < 0)
			goto nomem;
		break;
	}
	/* an empty stream is an empty file */
	err = dz_read(&d->base, 0, &one, 1, &got, diag);
	if (err) {
		dz_close(&d->base);
		return err;
	}
	if (got == 0)
		d->base.size = 0;
	d->base.bytes_read = 0;
	*out = &d->base;
	return DM_OK;
nomem:
	dz_close(&d->base);
	return dm_diag_set(diag, DM_ENOMEM, NULL, 0, NULL, "out of memory");
}
