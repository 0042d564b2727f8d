/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Private interfaces of the Parquet reader and writer: the Thrift compact
 * protocol, the codecs, the value encodings and the parsed footer.
 */
#ifndef DM_PARQUET_INT_H
#define DM_PARQUET_INT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/bbuf.h"
#include "driftmon/parquet.h"

/* ---- Thrift compact protocol: reader ------------------------------ */
enum {
	TC_STOP = 0,
	TC_TRUE = 1,
	TC_FALSE = 2,
	TC_I8 = 3,
	TC_I16 = 4,
	TC_I32 = 5,
	TC_I64 = 6,
	TC_DOUBLE = 7,
	TC_BINARY = 8,
	TC_LIST = 9,
	TC_SET = 10,
	TC_MAP = 11,
	TC_STRUCT = 12,
	TC_BOOL = 13 /* normalised field type of TRUE/FALSE */
};

/*
 * A bounds-checked cursor.  Errors are sticky: after the first one every
 * read returns 0 and err stays set, so callers check once at the end.
 */
typedef struct pq_tc {
	const uint8_t *p, *end;
	int err;     /* 0 ok, 1 truncated/malformed */
	int depth;   /* struct nesting, bounded */
	int boolval; /* value of the last TC_BOOL field */
	const char *why;
} pq_tc;

void tc_init(pq_tc *c, const void *p, size_t len);
int tc_fail(pq_tc *c, const char *why);
uint64_t tc_uvarint(pq_tc *c);
int64_t tc_i64(pq_tc *c);
int32_t tc_i32(pq_tc *c);
int tc_byte(pq_tc *c);
double tc_double(pq_tc *c);
/* Binary/string: returns a pointer into the buffer and its length. */
const uint8_t *tc_binary(pq_tc *c, uint32_t *len);
/* Next field of the current struct: 0 at STOP (or error).  *type is
 * normalised (TC_BOOL for both booleans; value in c->boolval). */
int tc_field(pq_tc *c, int16_t *last, int16_t *id, int *type);
/* List/set header: element count (checked against remaining bytes). */
uint32_t tc_list(pq_tc *c, int *etype);
int tc_list_bool(pq_tc *c);
void tc_skip(pq_tc *c, int type);
int tc_struct_begin(pq_tc *c);
void tc_struct_end(pq_tc *c);

/* ---- Thrift compact protocol: writer ------------------------------ */
/* The output is a core/bbuf.h buffer (bb_put, bb_u8, bb_uvarint; a
 * zeroed one has the default cap, BB_MAX_DEFAULT). */

typedef struct pq_tw {
	bbuf *b;
	int16_t last[32];
	int depth;
} pq_tw;

void tw_init(pq_tw *w, bbuf *b);
void tw_field(pq_tw *w, int16_t id, int type);
void tw_i32(pq_tw *w, int16_t id, int32_t v);
void tw_i64(pq_tw *w, int16_t id, int64_t v);
void tw_bool(pq_tw *w, int16_t id, int v);
void tw_binary(pq_tw *w, int16_t id, const void *p, size_t n);
void tw_struct_begin(pq_tw *w, int16_t id); /* field header + push */
void tw_struct_end(pq_tw *w);		    /* STOP + pop */
void tw_list_begin(pq_tw *w, int16_t id, int etype, uint32_t n);
void tw_elem_struct_begin(pq_tw *w); /* struct element of a list */
void tw_elem_i32(pq_tw *w, int32_t v);
void tw_elem_binary(pq_tw *w, const void *p, size_t n);

/* ---- codecs -------------------------------------------------------- */
/*
 * Decompresses src into exactly dst_len bytes of dst.  Anything else
 * (short output, more output than dst_len, corrupt input) is an error
 * described in *why.  Never writes past dst + dst_len.
 */
dm_err pq_decompress(int codec, const uint8_t *src, size_t src_len,
		     uint8_t *dst, size_t dst_len, const char **why);
/* Before allocating: checks that src can decompress to len bytes where
 * the format says so without decompressing (ZSTD frame sizes) or by a
 * dry run that stores nothing (BROTLI, which bounds no ratio). */
dm_err pq_check_size(int codec, const uint8_t *src, size_t src_len, size_t len,
		     const char **why);
/* Compresses src into a new malloc'd *out (codec SNAPPY, ZSTD or none). */
dm_err pq_compress(int codec, int level, const uint8_t *src, size_t len,
		   uint8_t **out, size_t *out_len);
/* Largest output the codec can make from n input bytes (for bomb
 * checks), or 0 when the format puts no useful bound on it. */
uint64_t pq_codec_max_ratio(int codec);

/* ---- encodings ----------------------------------------------------- */
/* RLE / bit-packed hybrid decoder. */
typedef struct pq_rle {
	const uint8_t *p, *end;
	int bw;
	uint32_t left;	   /* values left in the current run */
	int rle;	   /* current run is an RLE run */
	uint32_t value;	   /* RLE run value */
	const uint8_t *bp; /* bit-packed run data */
	size_t bp_bytes;   /* bytes available from bp */
	uint64_t bp_pos;   /* index of the next value in the bit-packed run */
} pq_rle;

void rle_init(pq_rle *r, const uint8_t *p, size_t len, int bw);
/* Decodes n values; returns 0 on success, -1 if the data ends early or
 * is malformed. */
int rle_get(pq_rle *r, uint32_t *out, size_t n);
/* Decodes n levels (bw <= 8) as bytes. */
int rle_get_u8(pq_rle *r, uint8_t *out, size_t n);

/* DELTA_BINARY_PACKED decoder (offsets into buf, so nothing points
 * past the end). */
typedef struct pq_dbp {
	const uint8_t *buf;
	size_t len;
	size_t off; /* next unread byte (may pass len: padding) */
	uint64_t block_size, nmini, per_mini;
	uint64_t total, done;
	uint64_t last;
	uint64_t min_delta;
	uint8_t widths[256];
	uint64_t mini;	    /* index of current miniblock in block */
	uint64_t mini_left; /* values left in current miniblock */
	size_t moff;	    /* offset of current miniblock data */
	uint64_t mpos;	    /* index within miniblock */
	int in_block;
} pq_dbp;

/* Reads the header; returns -1 on malformed input. */
int dbp_init(pq_dbp *d, const uint8_t *p, size_t len);
/* Decodes n values (wrapping 64-bit arithmetic). */
int dbp_get(pq_dbp *d, int64_t *out, size_t n);
/* Finds the end of a DELTA_BINARY_PACKED stream without decoding (or
 * storing) its values: *end is the offset of the first byte past it. */
int dbp_skip(const uint8_t *p, size_t len, size_t *end);
/* After all values are decoded: the first byte past the stream. */
const uint8_t *dbp_end(pq_dbp *d);

/* Bit-unpacks n values of width bw (<= 64) from p, LSB first, starting
 * at bit index first; p has avail bytes.  Returns -1 if out of data. */
int unpack_bits(const uint8_t *p, size_t avail, uint64_t first, int bw,
		uint64_t *out, size_t n);

/* Little-endian helpers. */
static inline uint32_t rd_le32(const uint8_t *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return v;
}
static inline uint64_t rd_le64(const uint8_t *p)
{
	uint64_t v;
	memcpy(&v, p, 8);
	return v;
}
static inline void wr_le32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

/* ---- the parsed footer --------------------------------------------- */
typedef struct pq_chunk {
	dm_parquet_chunk_info info;
	int type;
	int has_meta;
	int external; /* file_path set: data in another file */
	int64_t index_page_offset;
} pq_chunk;

typedef struct pq_rowgroup {
	int64_t num_rows;
	int64_t total_byte_size;
	pq_chunk *chunks; /* nleaves */
} pq_rowgroup;

typedef struct pq_footer {
	uint8_t *buf; /* the footer bytes (strings point here) */
	size_t len;
	int32_t version;
	int64_t num_rows;
	char *created_by;
	size_t nleaves;
	size_t ncols;
	dm_parquet_column_info *cols; /* readable columns */
	char **names;		      /* owned names of cols */
	size_t nrg;
	pq_rowgroup *rg;
	dm_parquet_rowgroup_info *rginfo;
	dm_parquet_chunk_info *chunkinfo; /* nrg * ncols */
	size_t nkv;
	dm_parquet_kv *kv;
	char **kvstr;
	size_t nkvstr;
	size_t nwarn;
	char **warn;
} pq_footer;

/* Parses FileMetaData from buf (ownership of buf goes to ft). */
dm_err pq_footer_parse(pq_footer *ft, uint8_t *buf, size_t len,
		       uint64_t file_size, const char *name, dm_diag *diag);
void pq_footer_release(pq_footer *ft);

#endif
