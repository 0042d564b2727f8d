/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Private: the one growable byte buffer (curl's dynbuf): a hard cap, a
 * sticky error, and the varint codec of the Thrift compact protocol and
 * the logger's records (ULEB128, zigzag for signed values).  Text
 * buffers (core/sbuf.h) are this buffer with a NUL kept after the bytes.
 *
 * Errors are sticky: after a failed allocation (DM_ENOMEM) or a write
 * past max (DM_ETOOBIG) every later write does nothing; append freely
 * and check b->err once at the end.  A zeroed bbuf ({0}) is a valid
 * empty buffer with the default cap.
 */
#ifndef DM_CORE_BBUF_H
#define DM_CORE_BBUF_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "driftmon/error.h"

/* The cap of a buffer initialised with max 0 (or zeroed): 1 GiB. */
#define BB_MAX_DEFAULT ((size_t)1 << 30)
/* The longest ULEB128 encoding of a 64-bit value. */
#define BB_VARINT_MAX 10

typedef struct bbuf {
	uint8_t *p;
	size_t len;
	size_t cap; /* bytes allocated at p */
	size_t max; /* hard cap on len; 0: BB_MAX_DEFAULT */
	dm_err err; /* DM_OK, or the first error (sticky) */
} bbuf;

/* An empty buffer of at most max bytes (0: BB_MAX_DEFAULT). */
void bb_init(bbuf *b, size_t max);
/* Frees the bytes and empties b (err and max stay); b may be NULL. */
void bb_release(bbuf *b);
/* Room for n more bytes after len: returns a pointer to them (len is
 * not moved), or NULL with b->err set (or already set). */
uint8_t *bb_reserve(bbuf *b, size_t n);
void bb_put(bbuf *b, const void *p, size_t n);
void bb_u8_slow(bbuf *b, uint8_t v);
/* v as ULEB128: 7 bits a byte, low first, 0x80 on all but the last. */
void bb_uvarint(bbuf *b, uint64_t v);
/* v zigzag-encoded (0, -1, 1, -2 ... -> 0, 1, 2, 3 ...), then ULEB128. */
void bb_svarint(bbuf *b, int64_t v);
/* The 8 bytes of v as they are in memory (little-endian on every Linux
 * target driftmon builds for). */
void bb_f64(bbuf *b, double v);

static inline void bb_u8(bbuf *b, uint8_t v)
{
	if (b->len < b->cap && !b->err)
		b->p[b->len++] = v;
	else
		bb_u8_slow(b, v);
}

static inline uint64_t bb_zigzag(int64_t v)
{
	return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
}

static inline int64_t bb_unzigzag(uint64_t v)
{
	return (int64_t)((v >> 1) ^ (~(v & 1) + 1));
}

/* What bb_get_uvarint returns. */
enum {
	BB_VARINT_OK = 0,
	BB_VARINT_TRUNCATED = -1, /* the input ends inside the varint */
	BB_VARINT_OVERFLOW = -2,  /* the 10th byte carries bits past 64 */
	BB_VARINT_TOO_LONG = -3	  /* more than 10 bytes */
};

/* Decodes the ULEB128 at *p (not past end) into *v and moves *p past
 * it; on an error *p and *v are left as they were.  Overlong encodings
 * (a value with 0x80 padding, within 10 bytes) are accepted, as the
 * Thrift and protobuf readers accept them. */
int bb_get_uvarint(const uint8_t **p, const uint8_t *end, uint64_t *v);

#endif
