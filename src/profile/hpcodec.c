/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The compact encoding of an hour profile's sketch points (hpcodec.h):
 * base64 (RFC 4648, standard alphabet, padded) of little-endian float64
 * values and of unsigned LEB128 weights.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "profile/hpcodec.h"

static const char alphabet[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* 6-bit value of a base64 character, 64 for '=', 255 for anything else */
static const unsigned char sextet[256] = {
	255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
	255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
	255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
	255, 62,  255, 255, 255, 63,  52,  53,	54,  55,  56,  57,  58,	 59,
	60,  61,  255, 255, 255, 64,  255, 255, 255, 0,	  1,   2,   3,	 4,
	5,   6,	  7,   8,   9,	 10,  11,  12,	13,  14,  15,  16,  17,	 18,
	19,  20,  21,  22,  23,	 24,  25,  255, 255, 255, 255, 255, 255, 26,
	27,  28,  29,  30,  31,	 32,  33,  34,	35,  36,  37,  38,  39,	 40,
	41,  42,  43,  44,  45,	 46,  47,  48,	49,  50,  51,  255, 255, 255,
	255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
	255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
	255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
	255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
	255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
	255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
	255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
	255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
	255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
	255, 255, 255, 255,
};

size_t hpc_b64_len(size_t n)
{
	return (n + 2) / 3 * 4;
}

void hpc_b64_encode(const unsigned char *in, size_t n, char *out)
{
	size_t i = 0;

	for (; i + 3 <= n; i += 3, out += 4) {
		uint32_t g = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 |
			     in[i + 2];

		out[0] = alphabet[g >> 18];
		out[1] = alphabet[(g >> 12) & 63];
		out[2] = alphabet[(g >> 6) & 63];
		out[3] = alphabet[g & 63];
	}
	if (n - i == 1) {
		out[0] = alphabet[in[i] >> 2];
		out[1] = alphabet[(in[i] & 3) << 4];
		out[2] = out[3] = '=';
	} else if (n - i == 2) {
		out[0] = alphabet[in[i] >> 2];
		out[1] = alphabet[((in[i] & 3) << 4) | in[i + 1] >> 4];
		out[2] = alphabet[(in[i + 1] & 15) << 2];
		out[3] = '=';
	}
}

long hpc_b64_decode(const char *s, size_t len, unsigned char *out, size_t cap)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i, o = 0, pad = 0;

	if (len % 4 != 0)
		return -1;
	if (len > 0 && u[len - 1] == '=')
		pad = len > 1 && u[len - 2] == '=' ? 2 : 1;
	if (len / 4 * 3 - pad > cap)
		return -1;
	for (i = 0; i < len; i += 4) {
		unsigned a = sextet[u[i]], b = sextet[u[i + 1]];
		unsigned c = sextet[u[i + 2]], d = sextet[u[i + 3]];
		size_t keep = i + 4 < len ? 3 : 3 - pad;

		/* '=' (64) only as the group's padding, at the very end */
		if ((a | b) > 63 || c > 64 || d > 64 ||
		    (keep == 3 && (c | d) > 63) ||
		    (keep == 2 && (c > 63 || d != 64)) ||
		    (keep == 1 && (c != 64 || d != 64)))
			return -1;
		/* the bits after the last byte must be zero (one encoding) */
		if ((keep == 1 && (b & 15)) || (keep == 2 && (c & 3)))
			return -1;
		out[o++] = (unsigned char)(a << 2 | b >> 4);
		if (keep > 1)
			out[o++] = (unsigned char)((b & 15) << 4 | c >> 2);
		if (keep > 2)
			out[o++] = (unsigned char)((c & 3) << 6 | d);
	}
	return (long)o;
}

/* base64 of the n bytes at b as a new NUL-terminated string */
static int b64_string(const unsigned char *b, size_t n, char **out, size_t *len)
{
	size_t m = hpc_b64_len(n);

	*out = malloc(m + 1);
	if (!*out)
		return -1;
	hpc_b64_encode(b, n, *out);
	(*out)[m] = '\0';
	*len = m;
	return 0;
}

int hpc_values_encode(const double *v, size_t n, char **out, size_t *len)
{
	unsigned char *b = malloc(n * 8 + 1);
	size_t i;
	int j, rc;

	if (!b)
		return -1;
	for (i = 0; i < n; i++) {
		uint64_t x;

		memcpy(&x, &v[i], 8);
		for (j = 0; j < 8; j++)
			b[i * 8 + (size_t)j] = (unsigned char)(x >> (8 * j));
	}
	rc = b64_string(b, n * 8, out, len);
	free(b);
	return rc;
}

int hpc_weights_encode(const uint64_t *w, size_t n, char **out, size_t *len)
{
	unsigned char *b = malloc(n * 10 + 1);
	size_t i, o = 0;
	int rc;

	if (!b)
		return -1;
	for (i = 0; i < n; i++) {
		uint64_t x = w[i];

		while (x >= 0x80) {
			b[o++] = (unsigned char)(x | 0x80);
			x >>= 7;
		}
		b[o++] = (unsigned char)x;
	}
	rc = b64_string(b, o, out, len);
	free(b);
	return rc;
}

/* The bytes of s (strict base64, at most cap of them) into a new buffer:
 * their number, -1 if not base64 or longer, -2 out of memory. */
static long bytes_of(const char *s, size_t len, size_t cap, unsigned char **b)
{
	long got;

	*b = malloc(cap + 1);
	if (!*b)
		return -2;
	got = hpc_b64_decode(s, len, *b, cap);
	if (got < 0) {
		free(*b);
		*b = NULL;
	}
	return got;
}

int hpc_values_decode(const char *s, size_t len, size_t n, double *v,
		      const char **why)
{
	unsigned char *b;
	long got;
	size_t i;
	int j;

	if (n > SIZE_MAX / 8 - 1) {
		*why = "too many values";
		return -1;
	}
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	/* the bytes are the doubles already: no scratch, no reordering
	 * (hpc_b64_decode writes nothing past n * 8 bytes) */
	b = NULL;
	got = hpc_b64_decode(s, len, (unsigned char *)v, n * 8);
#else
	got = bytes_of(s, len, n * 8, &b);
	if (got == -2)
		return -2;
#endif
	if (got < 0 || (size_t)got != n * 8) {
		free(b);
		*why = got < 0 ? "values are not base64 of n float64s"
			       : "values do not hold n float64s";
		return -1;
	}
	for (i = 0; b && i < n; i++) {
		uint64_t x = 0;

		for (j = 7; j >= 0; j--)
			x = x << 8 | b[i * 8 + (size_t)j];
		memcpy(&v[i], &x, 8);
	}
	free(b);
	return 0;
}

int hpc_weights_decode(const char *s, size_t len, size_t n, uint64_t *w,
		       const char **why)
{
	unsigned char *b;
	long got;
	size_t i, p = 0;

	if (n > SIZE_MAX / 10 - 1) {
		*why = "too many weights";
		return -1;
	}
	got = bytes_of(s, len, n * 10, &b);
	if (got == -2)
		return -2;
	*why = "weights are not base64 of n varints";
	for (i = 0; got >= 0 && i < n; i++) {
		uint64_t x = 0;
		int shift = 0;

		for (;;) {
			unsigned char c;

			if (p >= (size_t)got) {
				*why = "weights end early";
				goto fail;
			}
			c = b[p++];
			if (shift == 63 && c > 1) {
				*why = "a weight is more than 64 bits";
				goto fail;
			}
			x |= (uint64_t)(c & 0x7f) << shift;
			if (!(c & 0x80)) {
				if (c == 0 && shift > 0) {
					*why = "a weight's varint is not "
					       "minimal";
					goto fail;
				}
				break;
			}
			shift += 7;
		}
		w[i] = x;
	}
	if (got < 0)
		goto fail;
	if (p != (size_t)got) {
		*why = "bytes after the last weight";
		goto fail;
	}
	free(b);
	return 0;
fail:
	free(b);
	return -1;
}

/* ---- lifting the long strings out of the JSON ------------------------- */

void hpc_blobs_release(hpc_blobs *b)
{
	free(b->s);
	free(b->len);
	free(b->taken);
	memset(b, 0, sizeof(*b));
}

/* The closing quote of the string whose opening quote is at q, or NULL
 * if the text ends first. */
static const char *string_end(const char *q, const char *end)
{
	const char *r = q + 1;

	for (;;) {
		const char *k;
		size_t bs = 0;

		r = memchr(r, '"', (size_t)(end - r));
		if (!r)
			return NULL;
		for (k = r - 1; k > q && *k == '\\'; k--)
			bs++;
		if (bs % 2 == 0)
			return r;
		r++;
	}
}

static const char *skip_ws(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
		p++;
	return p;
}

static int blob_add(hpc_blobs *b, const char *s, size_t len)
{
	if (b->n == b->cap) {
		size_t cap = b->cap ? 2 * b->cap : 64;
		const char **ns = realloc(b->s, cap * sizeof(*ns));
		size_t *nl;

		if (!ns)
			return -1;
		b->s = ns;
		nl = realloc(b->len, cap * sizeof(*nl));
		if (!nl)
			return -1;
		b->len = nl;
		b->cap = cap;
	}
	b->s[b->n] = s;
	b->len[b->n++] = len;
	return 0;
}

int hpc_blobs_lift(const char *json, size_t len, char **out, size_t *outlen,
		   hpc_blobs *b)
{
	const char *p = json, *end = json + len;
	char *o;
	size_t olen = 0;

	memset(b, 0, sizeof(*b));
	*out = o = malloc(len + 1);
	if (!o)
		return -2;
	while (p < end) {
		const char *q = memchr(p, '"', (size_t)(end - p)), *r, *t, *v;

		if (!q)
			break;
		r = string_end(q, end);
		if (!r)
			goto unscannable;
		t = skip_ws(r + 1, end);
		if (t < end && *t == ':' &&
		    ((r - q - 1 == 6 && memcmp(q + 1, "values", 6) == 0) ||
		     (r - q - 1 == 7 && memcmp(q + 1, "weights", 7) == 0))) {
			t = skip_ws(t + 1, end);
			if (t < end && *t == '"') {
				v = string_end(t, end);
				if (!v)
					goto unscannable;
				if ((size_t)(v - t - 1) >= HPC_BLOB_MIN) {
					memcpy(o + olen, p, (size_t)(t - p));
					olen += (size_t)(t - p);
					/* fits in the string it replaces */
					olen += (size_t)snprintf(
						o + olen, (size_t)(v - t + 1),
						"\"@%zu\"", b->n);
					if (blob_add(b, t + 1,
						     (size_t)(v - t - 1)) < 0)
						goto oom;
					p = v + 1;
					continue;
				}
			}
		}
		memcpy(o + olen, p, (size_t)(r + 1 - p));
		olen += (size_t)(r + 1 - p);
		p = r + 1;
	}
	memcpy(o + olen, p, (size_t)(end - p));
	olen += (size_t)(end - p);
	o[olen] = '\0';
	*outlen = olen;
	b->taken = calloc(b->n + 1, 1);
	if (!b->taken)
		goto oom;
	return 0;
unscannable:
	free(o);
	*out = NULL;
	hpc_blobs_release(b);
	return -1;
oom:
	free(o);
	*out = NULL;
	hpc_blobs_release(b);
	return -2;
}

int hpc_blob_take(hpc_blobs *b, const char *s, size_t len, const char **text,
		  size_t *textlen)
{
	size_t i = 0, k;

	if (len == 0 || s[0] != '@') {
		*text = s;
		*textlen = len;
		return 0;
	}
	if (len < 2 || len > 12 || (s[1] == '0' && len > 2))
		return -1;
	for (k = 1; k < len; k++) {
		if (s[k] < '0' || s[k] > '9')
			return -1;
		i = i * 10 + (size_t)(s[k] - '0');
	}
	if (i >= b->n || b->taken[i])
		return -1;
	b->taken[i] = 1;
	*text = b->s[i];
	*textlen = b->len[i];
	return 0;
}
