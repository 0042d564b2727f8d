/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Sorting doubles for the quantile sketch.  Level 0 of every sketch is
 * sorted each time it fills, so this is on the hot path of profiling.
 * LSD radix sort on the IEEE-754 bit pattern mapped to an order-preserving
 * unsigned key (flip all bits of negatives, the sign bit of positives),
 * 11-bit digits; passes whose digit is the same for every key are skipped,
 * which makes integer-valued data (counts) take two or three passes.
 * Small inputs use insertion sort.
 */
#include <stdint.h>
#include <string.h>

#include "stats/dsort.h"

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

/* 11-bit digits: six passes cover 64 bits; the 2048-entry histograms
 * (6 x 16 KiB) stay in L1/L2. */
#define DIGIT  11
#define NB     (1u << DIGIT)
#define PASSES 6
_Static_assert(PASSES == 6, "stats_dsort counts digits 2 to 5 by name");

/* Histograms of every digit of the keys a[0..n). */
static void histograms(const uint64_t *a, size_t n, size_t count[][NB])
{
	size_t i;
	int pass;

	memset(count, 0, PASSES * NB * sizeof(size_t));
	for (i = 0; i < n; i++)
		for (pass = 0; pass < PASSES; pass++)
			count[pass][(a[i] >> (DIGIT * pass)) & (NB - 1)]++;
}

/* Stable LSD passes from digit 'from' up; returns the buffer holding the
 * result (a or b). */
static uint64_t *passes(uint64_t *a, uint64_t *b, size_t n, int from,
			size_t count[][NB])
{
	int pass;
	size_t i;

	for (pass = from; pass < PASSES; pass++) {
		size_t *c = count[pass], sum = 0;
		unsigned d0 = (unsigned)((a[0] >> (DIGIT * pass)) & (NB - 1));
		uint64_t *t;
		unsigned d;

		if (c[d0] == n)
			continue; /* every key has this digit */
		for (d = 0; d < NB; d++) {
			size_t x = c[d];

			c[d] = sum;
			sum += x;
		}
		for (i = 0; i < n; i++)
			b[c[(a[i] >> (DIGIT * pass)) & (NB - 1)]++] = a[i];
		t = a;
		a = b;
		b = t;
	}
	return a;
}

/* Insertion sort of keys that are sorted on their high bits already, with
 * a budget of element moves; -1 (a still a permutation) when exceeded. */
static int fixup(uint64_t *a, size_t n, size_t budget)
{
	size_t i, moves = 0;

	for (i = 1; i < n; i++) {
		uint64_t x = a[i];
		size_t j = i;

		while (j > 0 && a[j - 1] > x) {
			a[j] = a[j - 1];
			j--;
			if (++moves > budget) {
				a[j] = x;
				return -1;
			}
		}
		a[j] = x;
	}
	return 0;
}

/*
 * Sorting by the top four digits (bits 22..63) and finishing with an
 * insertion sort saves two of six passes: keys that agree on 42 bits are
 * within a relative 2^-30 of each other, so for real data the groups left
 * unordered are tiny (equal values need no move at all).  Clustered data
 * that defeats this runs out of the insertion budget (4 moves a value)
 * and gets the full six passes.
 */
void stats_dsort(double *v, size_t n, uint64_t *tmp)
{
	static _Thread_local size_t count[PASSES][NB];
	uint64_t *a = tmp, *b = tmp + n, *r, any = 0, all = ~(uint64_t)0;
	size_t i;

	if (n < 64) {
		insertion(v, n);
		return;
	}
	/* The keys and the histograms of their digits 2 to 5.  The two low
	 * digits are needed only where they differ (a bit set in some key
	 * and not in all), and then only by the fix-up's fallback: the
	 * passes would skip them anyway otherwise. */
	memset(count[2], 0, (PASSES - 2) * NB * sizeof(size_t));
	for (i = 0; i < n; i++) {
		uint64_t k = key_of(v[i]);

		a[i] = k;
		any |= k;
		all &= k;
		count[2][(k >> (2 * DIGIT)) & (NB - 1)]++;
		count[3][(k >> (3 * DIGIT)) & (NB - 1)]++;
		count[4][(k >> (4 * DIGIT)) & (NB - 1)]++;
		count[5][(k >> (5 * DIGIT)) & (NB - 1)]++;
	}
	r = passes(a, b, n, 2, count);
	if (((any ^ all) & ((1ull << (2 * DIGIT)) - 1)) &&
	    fixup(r, n, 4 * n) < 0) {
		uint64_t *o = r == a ? b : a;

		histograms(r, n, count);
		r = passes(r, o, n, 0, count);
	}
	for (i = 0; i < n; i++)
		v[i] = double_of(r[i]);
}
