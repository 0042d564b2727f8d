/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Sorting doubles for the quantile sketch.  Level 0 of every sketch is
 * sorted each time it fills, so this is on the hot path of profiling.
 *
 * LSD radix sort on the IEEE-754 bit pattern mapped to an order-preserving
 * unsigned key (flip all bits of negatives, the sign bit of positives),
 * 11-bit digits.  Only the bits that differ between the keys are sorted
 * on: a first pass finds them (the OR of every key XOR the first), and the
 * digits are laid over that span, so integer-valued data (counts, flags:
 * few exponents, the low mantissa bits zero) takes one or two passes.
 * Keys whose varying bits span more than three digits (33 bits) are
 * sorted on their top 33 varying bits and an insertion sort finishes
 * them: keys that agree on those bits agree on the sign, the exponent and
 * 21 bits of mantissa at least (within a relative 2^-21, far closer for
 * data of one sign and a few binades), so for real data the groups left
 * unordered are tiny; clustered data that defeats this runs out of the
 * insertion budget (4 moves a value) and gets the passes of the remaining
 * low bits, then of the top bits again (stable: a full LSD sort).
 * Small inputs use insertion sort.
 */
#include <stdint.h>
#include <string.h>

#include "stats/dsort.h"

/* Two 64-bit keys side by side (GCC / clang vector extensions; SSE2 or
 * its equivalent on every 64-bit target). */
typedef uint64_t dsort_v2u __attribute__((vector_size(16)));

static inline uint64_t key_of(double d)
{
	uint64_t u;

	memcpy(&u, &d, sizeof(u));
	return (u & 0x8000000000000000ull) ? ~u : (u | 0x8000000000000000ull);
}

static inline double double_of(uint64_t k)
{
	uint64_t u =
		(k & 0x8000000000000000ull) ? (k & ~0x8000000000000000ull) : ~k;
	double d;

	memcpy(&d, &u, sizeof(d));
	return d;
}

static void insertion(double *v, size_t n)
{
	size_t i, j;

	for (i = 1; i < n; i++) {
		double x = v[i];
		uint64_t kx = key_of(x);

		for (j = i; j > 0 && key_of(v[j - 1]) > kx; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
}

/* 11-bit digits, at most three passes (33 bits) at a time: the 2048-entry
 * histograms (3 x 8 KiB, and 8 KiB of scratch counters) stay in L1. */
#define DIGIT  11
#define NB     (1u << DIGIT)
#define PASSES 3

/* Histograms of the digits at bit offsets sh[0..np) of the keys a[0..n). */
static void histograms(const uint64_t *a, size_t n, const unsigned *sh,
		       unsigned np, uint32_t count[][NB])
{
	size_t i;
	unsigned p;

	memset(count, 0, np * NB * sizeof(uint32_t));
	switch (np) {
	case 1:
		for (i = 0; i < n; i++)
			count[0][(a[i] >> sh[0]) & (NB - 1)]++;
		break;
	case 2:
		for (i = 0; i < n; i++) {
			count[0][(a[i] >> sh[0]) & (NB - 1)]++;
			count[1][(a[i] >> sh[1]) & (NB - 1)]++;
		}
		break;
	case 3: {
		/* the top digit (sign and exponent: few values for most
		 * data, the same one key after key) counted in two sets,
		 * even and odd keys, so that an increment does not wait on
		 * the one before (15-25% off the sort of such data) */
		uint32_t *c0 = count[0], *c1 = count[1], *c2 = count[2];
		uint32_t *e2 = count[3];
		unsigned s0 = sh[0], s1 = sh[1], s2 = sh[2], d;

		memset(e2, 0, NB * sizeof(uint32_t));
		for (i = 0; i + 2 <= n; i += 2) {
			uint64_t k = a[i], k1 = a[i + 1];

			c0[(k >> s0) & (NB - 1)]++;
			c1[(k >> s1) & (NB - 1)]++;
			c2[(k >> s2) & (NB - 1)]++;
			c0[(k1 >> s0) & (NB - 1)]++;
			c1[(k1 >> s1) & (NB - 1)]++;
			e2[(k1 >> s2) & (NB - 1)]++;
		}
		for (; i < n; i++) {
			uint64_t k = a[i];

			c0[(k >> s0) & (NB - 1)]++;
			c1[(k >> s1) & (NB - 1)]++;
			c2[(k >> s2) & (NB - 1)]++;
		}
		for (d = 0; d < NB; d++)
			c2[d] += e2[d];
		break;
	}
	default:
		for (i = 0; i < n; i++)
			for (p = 0; p < np; p++)
				count[p][(a[i] >> sh[p]) & (NB - 1)]++;
	}
}

/* The scatter of a skewed digit: the two halves of the keys side by side,
 * each with its own offsets (the first half's keys of a digit before the
 * second's: stable), so that keys of the same digit one after the other
 * do not wait on one counter.  c: the offsets of all the keys; c2: NB
 * counters of scratch. */
static void scatter2(const uint64_t *a, uint64_t *b, size_t n, unsigned s,
		     uint32_t *c, uint32_t *c2)
{
	size_t q = n / 2, i;
	const uint64_t *h = a + q;
	unsigned d;

	memset(c2, 0, NB * sizeof(uint32_t));
	for (i = 0; i < q; i++)
		c2[(a[i] >> s) & (NB - 1)]++;
	for (d = 0; d < NB; d++)
		c2[d] += c[d]; /* the second half starts after the first's */
	for (i = 0; i + 2 <= q; i += 2) {
		uint64_t k0 = a[i], k1 = h[i], k2 = a[i + 1], k3 = h[i + 1];

		b[c[(k0 >> s) & (NB - 1)]++] = k0;
		b[c2[(k1 >> s) & (NB - 1)]++] = k1;
		b[c[(k2 >> s) & (NB - 1)]++] = k2;
		b[c2[(k3 >> s) & (NB - 1)]++] = k3;
	}
	for (; i < q; i++) {
		b[c[(a[i] >> s) & (NB - 1)]++] = a[i];
		b[c2[(h[i] >> s) & (NB - 1)]++] = h[i];
	}
	for (i = 2 * q; i < n; i++)
		b[c2[(a[i] >> s) & (NB - 1)]++] = a[i];
}

/* Stable LSD passes on the digits at sh[0..np); returns the buffer
 * holding the result (a or b). */
static uint64_t *passes(uint64_t *a, uint64_t *b, size_t n, const unsigned *sh,
			unsigned np, uint32_t count[][NB])
{
	unsigned p, d;
	size_t i;
	uint32_t *c2 = count[PASSES];

	for (p = 0; p < np; p++) {
		uint32_t *c = count[p], sum = 0, most = 0;
		unsigned s = sh[p];
		uint64_t *t;

		if (c[(a[0] >> s) & (NB - 1)] == n)
			continue; /* every key has this digit */
		for (d = 0; d < NB; d++) {
			uint32_t x = c[d];

			c[d] = sum;
			sum += x;
			most = x > most ? x : most;
		}
		/* a digit of an eighth of the keys or more: skewed */
		if (most >= n / 8) {
			scatter2(a, b, n, s, c, c2);
		} else {
			/* four keys a step (the loop's own instructions
			 * shared) */
			for (i = 0; i + 4 <= n; i += 4) {
				uint64_t k0 = a[i], k1 = a[i + 1],
					 k2 = a[i + 2], k3 = a[i + 3];

				b[c[(k0 >> s) & (NB - 1)]++] = k0;
				b[c[(k1 >> s) & (NB - 1)]++] = k1;
				b[c[(k2 >> s) & (NB - 1)]++] = k2;
				b[c[(k3 >> s) & (NB - 1)]++] = k3;
			}
			for (; i < n; i++)
				b[c[(a[i] >> s) & (NB - 1)]++] = a[i];
		}
		t = a;
		a = b;
		b = t;
	}
	return a;
}

/* Insertion sort of keys that are sorted on their high bits already, with
 * a budget of element moves; -1 (a still a permutation) when exceeded.
 * A key not below the largest so far (most of them) costs a load and a
 * compare: it is not stored again; after an insertion the largest so far
 * is the same key (moved up to a[i]). */
static int fixup(uint64_t *a, size_t n, size_t budget)
{
	size_t i, moves = 0;
	uint64_t prev = a[0];

	for (i = 1; i < n; i++) {
		uint64_t x = a[i];
		size_t j = i;

		if (x >= prev) {
			prev = x;
			continue;
		}
		do {
			a[j] = a[j - 1];
			j--;
			if (++moves > budget) {
				a[j] = x;
				return -1;
			}
		} while (j > 0 && a[j - 1] > x);
		a[j] = x;
	}
	return 0;
}

/* Radix-sorts bits [lo, hi] of the keys a[0..n) (the bits above hi equal
 * in every key): the digits from lo up.  Returns the buffer holding the
 * result. */
static uint64_t *sort_bits(uint64_t *a, uint64_t *b, size_t n, unsigned lo,
			   unsigned hi, uint32_t count[][NB])
{
	unsigned sh[PASSES], np = 0;

	while (lo <= hi && np < PASSES) {
		sh[np++] = lo;
		lo += DIGIT;
	}
	histograms(a, n, sh, np, count);
	return passes(a, b, n, sh, np, count);
}

/* The histograms live in the caller's scratch, after the keys (not in
 * thread-local storage: its address, recomputed in the loops of a
 * shared library's code, cost a call per key). */
_Static_assert(STATS_DSORT_EXTRA * sizeof(uint64_t) >=
		       (PASSES + 1) * NB * sizeof(uint32_t),
	       "STATS_DSORT_EXTRA holds the histograms");

/* Sorts the keys of v[0..n) in tmp; returns the buffer holding them
 * sorted, or NULL when v is sorted in place already (few values, or all
 * the same bits). */
static uint64_t *sort_keys(double *v, size_t n, uint64_t *tmp)
{
	uint64_t *a = tmp, *b = tmp + n, *r, k0, diff = 0;
	uint32_t(*count)[NB] = (uint32_t(*)[NB])(void *)(tmp + 2 * n);
	unsigned hi, lo, top;
	size_t i;

	if (n < 64) {
		insertion(v, n);
		return NULL;
	}
	k0 = key_of(v[0]);
	{
		/* two keys a vector: the sign's mask (0 or all ones, from the
		 * top bit) with the sign bit flips the bits key_of flips */
		const dsort_v2u sign = {0x8000000000000000ull,
					0x8000000000000000ull},
				first = {k0, k0};
		dsort_v2u d2 = {0, 0};

		for (i = 0; i + 2 <= n; i += 2) {
			dsort_v2u u, k;

			memcpy(&u, v + i, sizeof(u));
			k = u ^ ((-(u >> 63)) | sign);
			memcpy(a + i, &k, sizeof(k));
			d2 |= k ^ first;
		}
		diff = d2[0] | d2[1];
	}
	for (; i < n; i++) {
		uint64_t k = key_of(v[i]);

		a[i] = k;
		diff |= k ^ k0;
	}
	if (!diff)
		return NULL; /* all the same bits */
	hi = 63u - (unsigned)__builtin_clzll(diff);
	lo = (unsigned)__builtin_ctzll(diff);
	if (hi - lo + 1 <= DIGIT * PASSES) {
		r = sort_bits(a, b, n, lo, hi, count);
	} else {
		/* the top varying bits, then the fix-up */
		top = hi + 1 - DIGIT * PASSES;
		r = sort_bits(a, b, n, top, hi, count);
		if (fixup(r, n, 4 * n) < 0) {
			/* stable: the low bits first, then the top again */
			uint64_t *o = r == a ? b : a;

			r = sort_bits(r, o, n, lo, top - 1, count);
			o = r == a ? b : a;
			r = sort_bits(r, o, n, top, hi, count);
		}
	}
	return r;
}

void stats_dsort(double *v, size_t n, uint64_t *tmp)
{
	const uint64_t *r = sort_keys(v, n, tmp);
	size_t i;

	for (i = 0; r && i < n; i++)
		v[i] = double_of(r[i]);
}

void stats_dsort_pick(double *v, size_t n, uint64_t *tmp, unsigned flip)
{
	const uint64_t *r = sort_keys(v, n, tmp);
	size_t i, half = n / 2;

	if (!r) { /* sorted in place: picked in place (2i + flip >= i) */
		for (i = 0; i < half; i++)
			v[i] = v[2 * i + flip];
		return;
	}
	/* only the values kept are converted back */
	for (i = 0; i < half; i++)
		v[i] = double_of(r[2 * i + flip]);
	if (n & 1)
		v[n - 1] = double_of(r[n - 1]);
}
