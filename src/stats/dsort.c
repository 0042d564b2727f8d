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
	uint64_t u = (k & 0x8000000000000000ull) ? (k & ~0x8000000000000000ull)
						 : ~k;
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
#define DIGIT 11
#define NB (1u << DIGIT)
#define PASSES 6

void dm_dsort(double *v, size_t n, uint64_t *tmp)
{
	static _Thread_local size_t count[PASSES][NB];
	uint64_t *a = tmp, *b = tmp + n;
	size_t i;
	int pass;

	if (n < 64) {
		insertion(v, n);
		return;
	}
	memset(count, 0, sizeof(count));
	for (i = 0; i < n; i++) {
		uint64_t k = key_of(v[i]);

		a[i] = k;
		for (pass = 0; pass < PASSES; pass++)
			count[pass][(k >> (DIGIT * pass)) & (NB - 1)]++;
	}
	for (pass = 0; pass < PASSES; pass++) {
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
	for (i = 0; i < n; i++)
		v[i] = double_of(a[i]);
}
