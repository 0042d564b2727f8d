/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Parquet's integer encodings: the RLE / bit-packed hybrid (levels,
 * booleans, dictionary indices) and DELTA_BINARY_PACKED (integers and
 * byte-array lengths), as Encodings.md of parquet-format defines them.
 *
 * Bit unpacking reads a 64-bit little-endian word per value where eight
 * bytes remain, and falls back to a byte-wise load only at the very end
 * of the buffer; runs are copied with plain loops.  Every count is
 * checked against the bytes present: a run that claims more data than
 * exists ends with -1, never a read past the buffer.
 */
#include <string.h>

#include "io/parquet/parquet_int.h"

/* Loads up to 8 bytes at p[byte..] (zero-filled past avail). */
static inline uint64_t load64(const uint8_t *p, size_t avail, size_t byte)
{
	if (byte + 8 <= avail)
		return rd_le64(p + byte);
	uint8_t tmp[8] = {0};
	if (byte < avail)
		memcpy(tmp, p + byte, avail - byte);
	return rd_le64(tmp);
}

int unpack_bits(const uint8_t *p, size_t avail, uint64_t first, int bw,
		uint64_t *out, size_t n)
{
	uint64_t mask, bit;
	size_t i;

	if (bw == 0) {
		memset(out, 0, n * sizeof(*out));
		return 0;
	}
	if (bw < 0 || bw > 64)
		return -1;
	/* last bit needed must exist */
	if (n && (first + (uint64_t)n * (uint64_t)bw + 7) / 8 > avail)
		return -1;
	mask = bw == 64 ? ~(uint64_t)0 : (((uint64_t)1 << bw) - 1);
	bit = first;
	for (i = 0; i < n; i++, bit += (uint64_t)bw) {
		size_t byte = (size_t)(bit >> 3);
		unsigned sh = (unsigned)(bit & 7);
		uint64_t v = load64(p, avail, byte) >> sh;
		if (sh + (unsigned)bw > 64)
			v |= (uint64_t)p[byte + 8] << (64 - sh);
		out[i] = v & mask;
	}
	return 0;
}

void rle_init(pq_rle *r, const uint8_t *p, size_t len, int bw)
{
	memset(r, 0, sizeof(*r));
	r->p = p;
	r->end = p + len;
	r->bw = bw;
}

/* Reads the next run header.  Returns -1 at the end of the data. */
static int rle_next_run(pq_rle *r)
{
	for (;;) {
		uint64_t h;

		if (bb_get_uvarint(&r->p, r->end, &h) != BB_VARINT_OK ||
		    h > 0xffffffffull)
			return -1;
		if (h & 1) {
			uint64_t groups = h >> 1;
			uint64_t bytes = groups * (uint64_t)r->bw;
			size_t avail = (size_t)(r->end - r->p);
			r->rle = 0;
			r->bp = r->p;
			/* a last run may be cut short; values read past the
			 * data fail in unpack */
			r->bp_bytes = bytes < avail ? (size_t)bytes : avail;
			r->bp_pos = 0;
			r->p += r->bp_bytes;
			if (groups * 8 > 0xffffffffull)
				return -1;
			r->left = (uint32_t)(groups * 8);
		} else {
			size_t nb = ((size_t)r->bw + 7) / 8;
			uint32_t v = 0;
			if ((size_t)(r->end - r->p) < nb)
				return -1;
			for (size_t i = 0; i < nb; i++)
				v |= (uint32_t)r->p[i] << (8 * i);
			r->p += nb;
			r->rle = 1;
			r->value = v;
			r->left = (uint32_t)(h >> 1);
		}
		if (r->left)
			return 0;
	}
}

#define RLE_GET_BODY(T)                                                        \
	uint64_t mask =                                                        \
		r->bw >= 32 ? 0xffffffffull : (((uint64_t)1 << r->bw) - 1);    \
	while (n) {                                                            \
		size_t k, i;                                                   \
		if (!r->left && rle_next_run(r))                               \
			return -1;                                             \
		k = n < r->left ? n : r->left;                                 \
		if (r->rle) {                                                  \
			T v = (T)r->value;                                     \
			for (i = 0; i < k; i++)                                \
				out[i] = v;                                    \
		} else {                                                       \
			const uint8_t *bp = r->bp;                             \
			size_t avail = r->bp_bytes;                            \
			uint64_t bit = r->bp_pos * (uint64_t)r->bw;            \
			if ((bit + (uint64_t)k * (uint64_t)r->bw + 7) / 8 >    \
			    avail)                                             \
				return -1;                                     \
			for (i = 0; i < k; i++, bit += (uint64_t)r->bw) {      \
				size_t byte = (size_t)(bit >> 3);              \
				uint64_t w =                                   \
					byte + 8 <= avail                      \
						? rd_le64(bp + byte)           \
						: load64(bp, avail, byte);     \
				out[i] = (T)((w >> (bit & 7)) & mask);         \
			}                                                      \
			r->bp_pos += k;                                        \
		}                                                              \
		r->left -= (uint32_t)k;                                        \
		out += k;                                                      \
		n -= k;                                                        \
	}                                                                      \
	return 0;

int rle_get(pq_rle *r, uint32_t *out, size_t n)
{
	if (r->bw > 32)
		return -1;
	RLE_GET_BODY(uint32_t)
}

int rle_get_u8(pq_rle *r, uint8_t *out, size_t n)
{
	if (r->bw > 8)
		return -1;
	RLE_GET_BODY(uint8_t)
}

/* ---- DELTA_BINARY_PACKED ------------------------------------------ */
static int dbp_uvarint(pq_dbp *d, uint64_t *out)
{
	const uint8_t *p = d->buf + d->off;

	if (d->off > d->len ||
	    bb_get_uvarint(&p, d->buf + d->len, out) != BB_VARINT_OK)
		return -1;
	d->off = (size_t)(p - d->buf);
	return 0;
}

/* DELTA_BINARY_PACKED keeps values as uint64_t: wrapping arithmetic. */
static uint64_t unzz(uint64_t v)
{
	return (uint64_t)bb_unzigzag(v);
}

int dbp_init(pq_dbp *d, const uint8_t *p, size_t len)
{
	uint64_t first;

	memset(d, 0, sizeof(*d));
	d->buf = p;
	d->len = len;
	if (dbp_uvarint(d, &d->block_size) || dbp_uvarint(d, &d->nmini) ||
	    dbp_uvarint(d, &d->total) || dbp_uvarint(d, &first))
		return -1;
	if (d->block_size == 0 || d->block_size > (1u << 20) || d->nmini == 0 ||
	    d->nmini > 256 || d->block_size % d->nmini != 0)
		return -1;
	d->per_mini = d->block_size / d->nmini;
	if (d->per_mini % 8 != 0)
		return -1;
	d->last = unzz(first);
	return 0;
}

static int dbp_next_mini(pq_dbp *d)
{
	uint64_t bw;

	if (!d->in_block || d->mini + 1 >= d->nmini) {
		uint64_t md;
		if (dbp_uvarint(d, &md))
			return -1;
		d->min_delta = unzz(md);
		if (d->len - d->off < d->nmini)
			return -1;
		memcpy(d->widths, d->buf + d->off, (size_t)d->nmini);
		d->off += (size_t)d->nmini;
		d->mini = 0;
		d->in_block = 1;
	} else {
		d->mini++;
	}
	bw = d->widths[d->mini];
	if (bw > 64)
		return -1;
	d->moff = d->off;
	d->off += (size_t)(d->per_mini * bw / 8);
	d->mini_left = d->per_mini;
	d->mpos = 0;
	return 0;
}

int dbp_get(pq_dbp *d, int64_t *out, size_t n)
{
	uint64_t tmp[64];

	while (n) {
		size_t k, i;
		int bw;
		if (d->done >= d->total)
			return -1;
		if (d->done == 0) {
			*out++ = (int64_t)d->last;
			d->done++;
			n--;
			continue;
		}
		if (!d->mini_left && dbp_next_mini(d))
			return -1;
		k = n < 64 ? n : 64;
		if (k > d->mini_left)
			k = (size_t)d->mini_left;
		if (k > d->total - d->done)
			k = (size_t)(d->total - d->done);
		bw = d->widths[d->mini];
		if (d->moff > d->len ||
		    unpack_bits(d->buf + d->moff, d->len - d->moff,
				d->mpos * (uint64_t)bw, bw, tmp, k))
			return -1;
		for (i = 0; i < k; i++) {
			d->last += d->min_delta + tmp[i];
			out[i] = (int64_t)d->last;
		}
		out += k;
		n -= k;
		d->mpos += k;
		d->mini_left -= k;
		d->done += k;
	}
	return 0;
}

const uint8_t *dbp_end(pq_dbp *d)
{
	return d->buf + (d->off < d->len ? d->off : d->len);
}

int dbp_skip(const uint8_t *p, size_t len, size_t *end)
{
	pq_dbp d;
	uint64_t left;

	if (dbp_init(&d, p, len))
		return -1;
	left = d.total ? d.total - 1 : 0;
	while (left > 0) {
		uint64_t md;
		const uint8_t *w;
		if (dbp_uvarint(&d, &md) || d.len - d.off < d.nmini)
			return -1;
		w = d.buf + d.off;
		d.off += (size_t)d.nmini;
		for (uint64_t mb = 0; mb < d.nmini && left > 0; mb++) {
			if (w[mb] > 64)
				return -1;
			d.off += (size_t)(d.per_mini * w[mb] / 8);
			left -= left < d.per_mini ? left : d.per_mini;
			if (d.off > d.len && left > 0)
				return -1;
		}
	}
	*end = d.off < d.len ? d.off : d.len;
	return 0;
}
