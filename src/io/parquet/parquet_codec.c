/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Parquet page codecs over Debian's libraries: snappy (snappy-c.h), zlib
 * (GZIP), zstd, lz4 (LZ4_RAW, and the deprecated LZ4 codec, which is the
 * Hadoop framing, or for some old writers an LZ4 frame or a bare block),
 * brotli (decoder).
 *
 * Every decompressor writes into a buffer of exactly the page's declared
 * uncompressed size and fails if the data decodes to anything else, so a
 * page that lies about its size is an error, never an overrun, and the
 * caller's allocation is the declared size, which it checks first against
 * its limits and against the codec's largest possible ratio.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <brotli/decode.h>
#include <lz4.h>
#include <lz4frame.h>
#include <snappy-c.h>
#include <zlib.h>
#include <zstd.h>
#include <zstd_errors.h>

#include "io/parquet/parquet_int.h"

uint64_t pq_codec_max_ratio(int codec)
{
	switch (codec) {
	case DM_PARQUET_UNCOMPRESSED:
		return 1;
	case DM_PARQUET_SNAPPY:
		return 32; /* a 3-byte copy makes at most 64 bytes */
	case DM_PARQUET_GZIP:
		return 1040; /* deflate's limit is about 1032:1 */
	case DM_PARQUET_LZ4_RAW:
	case DM_PARQUET_LZ4:
		return 256; /* a 255-run costs one byte */
	case DM_PARQUET_ZSTD:
		return 32769; /* a 4-byte RLE block makes at most 128 KiB */
	default:
		return 0; /* brotli: no useful bound (see pq_check_size) */
	}
}

dm_err pq_check_size(int codec, const uint8_t *src, size_t src_len, size_t len,
		     const char **why)
{
	if (codec == DM_PARQUET_ZSTD) {
		unsigned long long fcs = ZSTD_getFrameContentSize(src, src_len);
		if (fcs != ZSTD_CONTENTSIZE_UNKNOWN &&
		    fcs != ZSTD_CONTENTSIZE_ERROR && fcs != len) {
			*why = "ZSTD frame size differs from the page size";
			return DM_EFORMAT;
		}
	} else if (codec == DM_PARQUET_BROTLI) {
		BrotliDecoderState *st =
			BrotliDecoderCreateInstance(NULL, NULL, NULL);
		uint8_t tmp[16384];
		size_t avail_in = src_len, total = 0;
		const uint8_t *in = src;
		BrotliDecoderResult r;
		if (!st) {
			*why = "cannot start brotli";
			return DM_ENOMEM;
		}
		do {
			size_t avail_out = sizeof(tmp);
			uint8_t *o = tmp;
			r = BrotliDecoderDecompressStream(st, &avail_in, &in,
							  &avail_out, &o, NULL);
			total += sizeof(tmp) - avail_out;
		} while (r == BROTLI_DECODER_RESULT_NEEDS_MORE_OUTPUT &&
			 total <= len);
		if (r == BROTLI_DECODER_RESULT_ERROR &&
		    BrotliDecoderGetErrorCode(st) <=
			    BROTLI_DECODER_ERROR_ALLOC_CONTEXT_MODES) {
			BrotliDecoderDestroyInstance(st);
			*why = "out of memory";
			return DM_ENOMEM;
		}
		BrotliDecoderDestroyInstance(st);
		if (r != BROTLI_DECODER_RESULT_SUCCESS || total != len) {
			*why = total > len ? "BROTLI data decompresses to more "
					     "than the page size"
					   : "corrupt BROTLI data or wrong "
					     "page size";
			return DM_EFORMAT;
		}
	}
	return DM_OK;
}

static dm_err gunzip(const uint8_t *src, size_t src_len, uint8_t *dst,
		     size_t dst_len, const char **why)
{
	z_stream zs;
	dm_err err = DM_OK;
	int rc;

	memset(&zs, 0, sizeof(zs));
	if (inflateInit2(&zs, 15 + 32) != Z_OK) {
		*why = "cannot start zlib";
		return DM_ENOMEM;
	}
	zs.next_in = (Bytef *)(uintptr_t)src;
	zs.next_out = dst;
	/* zlib counts in uInt; pages are far below 4 GiB (checked) */
	zs.avail_in = (uInt)src_len;
	zs.avail_out = (uInt)dst_len;
	for (;;) {
		rc = inflate(&zs, Z_FINISH);
		if (rc == Z_STREAM_END) {
			/* concatenated gzip members */
			if (zs.avail_in > 0 && zs.next_in[0] == 0x1f) {
				if (inflateReset(&zs) != Z_OK)
					break;
				continue;
			}
			break;
		}
		if (rc == Z_MEM_ERROR) {
			*why = "out of memory";
			err = DM_ENOMEM;
			goto out;
		}
		if (rc == Z_BUF_ERROR && zs.avail_out == 0) {
			*why = "GZIP data decompresses to more than the page "
			       "size";
			err = DM_EFORMAT;
			goto out;
		}
		*why = "corrupt GZIP data";
		err = DM_EFORMAT;
		goto out;
	}
	if (zs.avail_out != 0) {
		*why = "GZIP data decompresses to less than the page size";
		err = DM_EFORMAT;
	}
out:
	inflateEnd(&zs);
	return err;
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

/* Hadoop's framing: [BE32 raw size][BE32 compressed size][LZ4 block]... */
static int lz4_hadoop(const uint8_t *src, size_t src_len, uint8_t *dst,
		      size_t dst_len)
{
	size_t in = 0, out = 0;

	while (in < src_len) {
		uint32_t raw, comp;
		if (src_len - in < 8)
			return -1;
		raw = be32(src + in);
		comp = be32(src + in + 4);
		in += 8;
		if (comp > src_len - in || raw > dst_len - out ||
		    comp > INT_MAX || raw > INT_MAX)
			return -1;
		if (LZ4_decompress_safe((const char *)src + in,
					(char *)dst + out, (int)comp,
					(int)raw) != (int)raw)
			return -1;
		in += comp;
		out += raw;
	}
	return out == dst_len ? 0 : -1;
}

static int lz4_frame(const uint8_t *src, size_t src_len, uint8_t *dst,
		     size_t dst_len)
{
	LZ4F_dctx *dctx;
	size_t in_done = 0, out_done = 0;
	int rc = -1;

	if (src_len < 4 || rd_le32(src) != 0x184D2204u)
		return -1;
	if (LZ4F_isError(LZ4F_createDecompressionContext(&dctx, LZ4F_VERSION)))
		return -1;
	for (;;) {
		size_t in_sz = src_len - in_done, out_sz = dst_len - out_done;
		size_t r = LZ4F_decompress(dctx, dst + out_done, &out_sz,
					   src + in_done, &in_sz, NULL);
		if (LZ4F_isError(r))
			break;
		in_done += in_sz;
		out_done += out_sz;
		if (r == 0) {
			rc = (out_done == dst_len && in_done == src_len) ? 0
									 : -1;
			break;
		}
		if (in_sz == 0 && out_sz == 0)
			break; /* no progress: output full or input ended */
	}
	LZ4F_freeDecompressionContext(dctx);
	return rc;
}

dm_err pq_decompress(int codec, const uint8_t *src, size_t src_len,
		     uint8_t *dst, size_t dst_len, const char **why)
{
	*why = NULL;
	if (src_len > INT_MAX || dst_len > INT_MAX) {
		*why = "page larger than 2 GiB";
		return DM_ETOOBIG;
	}
	switch (codec) {
	case DM_PARQUET_UNCOMPRESSED:
		if (src_len != dst_len) {
			*why = "uncompressed page sizes differ";
			return DM_EFORMAT;
		}
		if (dst_len)
			memcpy(dst, src, dst_len);
		return DM_OK;
	case DM_PARQUET_SNAPPY: {
		size_t n = 0;
		if (snappy_uncompressed_length((const char *)src, src_len,
					       &n) != SNAPPY_OK) {
			*why = "corrupt SNAPPY data";
			return DM_EFORMAT;
		}
		if (n != dst_len) {
			*why = "SNAPPY length differs from the page size";
			return DM_EFORMAT;
		}
		if (snappy_uncompress((const char *)src, src_len, (char *)dst,
				      &n) != SNAPPY_OK ||
		    n != dst_len) {
			*why = "corrupt SNAPPY data";
			return DM_EFORMAT;
		}
		return DM_OK;
	}
	case DM_PARQUET_GZIP:
		return gunzip(src, src_len, dst, dst_len, why);
	case DM_PARQUET_ZSTD: {
		unsigned long long fcs = ZSTD_getFrameContentSize(src, src_len);
		size_t n;
		if (fcs != ZSTD_CONTENTSIZE_UNKNOWN &&
		    fcs != ZSTD_CONTENTSIZE_ERROR && fcs > dst_len) {
			*why = "ZSTD data decompresses to more than the page "
			       "size";
			return DM_EFORMAT;
		}
		n = ZSTD_decompress(dst, dst_len, src, src_len);
		if (ZSTD_isError(n) &&
		    ZSTD_getErrorCode(n) == ZSTD_error_memory_allocation) {
			*why = "out of memory";
			return DM_ENOMEM;
		}
		if (ZSTD_isError(n)) {
			*why = ZSTD_getErrorCode(n) ==
					       ZSTD_error_dstSize_tooSmall
				       ? "ZSTD data decompresses to more than "
					 "the page size"
				       : "corrupt ZSTD data";
			return DM_EFORMAT;
		}
		if (n != dst_len) {
			*why = "ZSTD data decompresses to less than the page "
			       "size";
			return DM_EFORMAT;
		}
		return DM_OK;
	}
	case DM_PARQUET_LZ4_RAW: {
		int n = LZ4_decompress_safe((const char *)src, (char *)dst,
					    (int)src_len, (int)dst_len);
		if (n < 0 || (size_t)n != dst_len) {
			*why = "corrupt LZ4_RAW data or wrong page size";
			return DM_EFORMAT;
		}
		return DM_OK;
	}
	case DM_PARQUET_LZ4: {
		int n;
		if (lz4_hadoop(src, src_len, dst, dst_len) == 0 ||
		    lz4_frame(src, src_len, dst, dst_len) == 0)
			return DM_OK;
		n = LZ4_decompress_safe((const char *)src, (char *)dst,
					(int)src_len, (int)dst_len);
		if (n >= 0 && (size_t)n == dst_len)
			return DM_OK;
		*why = "corrupt LZ4 data (neither Hadoop framing, LZ4 frame "
		       "nor block)";
		return DM_EFORMAT;
	}
	case DM_PARQUET_BROTLI: {
		BrotliDecoderState *st =
			BrotliDecoderCreateInstance(NULL, NULL, NULL);
		size_t avail_in = src_len, avail_out = dst_len;
		const uint8_t *in = src;
		uint8_t *o = dst;
		BrotliDecoderResult r;
		int alloc_failed;
		if (!st) {
			*why = "out of memory";
			return DM_ENOMEM;
		}
		r = BrotliDecoderDecompressStream(st, &avail_in, &in,
						  &avail_out, &o, NULL);
		alloc_failed = r == BROTLI_DECODER_RESULT_ERROR &&
			       BrotliDecoderGetErrorCode(st) <=
				       BROTLI_DECODER_ERROR_ALLOC_CONTEXT_MODES;
		BrotliDecoderDestroyInstance(st);
		if (alloc_failed) {
			*why = "out of memory";
			return DM_ENOMEM;
		}
		if (r != BROTLI_DECODER_RESULT_SUCCESS || avail_out != 0) {
			*why = "corrupt BROTLI data or wrong page size";
			return DM_EFORMAT;
		}
		return DM_OK;
	}
	case DM_PARQUET_LZO:
		*why = "LZO compression is not supported";
		return DM_EUNSUPPORTED;
	default:
		*why = "unknown compression codec";
		return DM_EFORMAT;
	}
}

dm_err pq_compress(int codec, int level, const uint8_t *src, size_t len,
		   uint8_t **out, size_t *out_len)
{
	uint8_t *p = NULL;
	size_t cap, n;

	*out = NULL;
	*out_len = 0;
	switch (codec) {
	case DM_PARQUET_UNCOMPRESSED:
		p = malloc(len ? len : 1);
		if (!p)
			return DM_ENOMEM;
		if (len)
			memcpy(p, src, len);
		n = len;
		break;
	case DM_PARQUET_SNAPPY:
		cap = snappy_max_compressed_length(len);
		p = malloc(cap ? cap : 1);
		if (!p)
			return DM_ENOMEM;
		n = cap;
		if (snappy_compress((const char *)src, len, (char *)p, &n) !=
		    SNAPPY_OK) {
			free(p);
			return DM_EIO;
		}
		break;
	case DM_PARQUET_ZSTD:
		cap = ZSTD_compressBound(len);
		p = malloc(cap ? cap : 1);
		if (!p)
			return DM_ENOMEM;
		n = ZSTD_compress(p, cap, src, len, level ? level : 3);
		if (ZSTD_isError(n)) {
			free(p);
			return DM_EIO;
		}
		break;
	default:
		return DM_EUNSUPPORTED;
	}
	*out = p;
	*out_len = n;
	return DM_OK;
}
