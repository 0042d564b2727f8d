/* SPDX-License-Identifier: Apache-2.0 */
/* The growable byte buffer and its varint codec (see bbuf.h). */
#include <stdlib.h>
#include <string.h>

#include "core/bbuf.h"

/* The first allocation of a buffer. */
#define BB_FIRST_CAP 256

void bb_init(bbuf *b, size_t max)
{
	memset(b, 0, sizeof(*b));
	b->max = max ? max : BB_MAX_DEFAULT;
}

void bb_release(bbuf *b)
{
	if (!b)
		return;
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}

uint8_t *bb_reserve(bbuf *b, size_t n)
{
	size_t max = b->max ? b->max : BB_MAX_DEFAULT, cap;
	uint8_t *p;

	if (b->err)
		return NULL;
	if (n > max || b->len > max - n) {
		b->err = DM_ETOOBIG;
		return NULL;
	}
	if (b->cap - b->len >= n)
		return b->p + b->len;
	cap = b->cap ? b->cap : BB_FIRST_CAP;
	while (cap - b->len < n && cap <= max / 2)
		cap *= 2;
	if (cap - b->len < n || cap > max)
		cap = max;
	p = realloc(b->p, cap);
	if (!p) {
		b->err = DM_ENOMEM;
		return NULL;
	}
	b->p = p;
	b->cap = cap;
	return b->p + b->len;
}

void bb_put(bbuf *b, const void *p, size_t n)
{
	uint8_t *d = bb_reserve(b, n);

	if (!d)
		return;
	if (n)
		memcpy(d, p, n);
	b->len += n;
}

void bb_u8_slow(bbuf *b, uint8_t v)
{
	bb_put(b, &v, 1);
}

void bb_uvarint(bbuf *b, uint64_t v)
{
	uint8_t tmp[BB_VARINT_MAX], *d = tmp;
	size_t n = 0;
	int direct = !b->err && b->cap - b->len >= BB_VARINT_MAX;

	if (direct)
		d = b->p + b->len;
	while (v >= 0x80) {
		d[n++] = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	d[n++] = (uint8_t)v;
	if (direct)
		b->len += n;
	else
		bb_put(b, tmp, n);
}

void bb_svarint(bbuf *b, int64_t v)
{
	bb_uvarint(b, bb_zigzag(v));
}

void bb_f64(bbuf *b, double v)
{
	uint8_t *d;

	if (b->cap - b->len >= sizeof(v) && !b->err)
		d = b->p + b->len;
	else if (!(d = bb_reserve(b, sizeof(v))))
		return;
	memcpy(d, &v, sizeof(v));
	b->len += sizeof(v);
}

int bb_get_uvarint(const uint8_t **pp, const uint8_t *end, uint64_t *v)
{
	const uint8_t *p = *pp;
	uint64_t x = 0;
	unsigned shift = 0;

	while (p < end) {
		uint8_t c = *p++;

		/* the one overflow check: the 10th byte holds bit 63 only */
		if (shift == 63 && c > 1)
			return (c & 0x7e) ? BB_VARINT_OVERFLOW
					  : BB_VARINT_TOO_LONG;
		x |= (uint64_t)(c & 0x7f) << shift;
		if (!(c & 0x80)) {
			*v = x;
			*pp = p;
			return BB_VARINT_OK;
		}
		shift += 7;
	}
	return BB_VARINT_TRUNCATED;
}
