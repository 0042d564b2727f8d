/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The sketch's radix sort against qsort on the inputs that stress its
 * shortcuts: random doubles of all magnitudes and signs, integers (passes
 * skipped), heavy ties, values clustered within 1e-12 of each other (few
 * varying bits), the same cluster mixed with values of all signs and
 * magnitudes (the insertion fix-up runs out of budget and falls back to
 * the low bits' passes), keys whose middle bits never vary (a pass
 * with a single digit skipped), and values whose sign and exponent digit
 * is the same for many keys (the skewed digit's two-run scatter).
 */
#include "dmtest.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stats/dsort.h"

static uint64_t st = 12345;

static uint64_t rnd(void)
{
	st ^= st << 13;
	st ^= st >> 7;
	st ^= st << 17;
	return st;
}

static int cmpd(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	if (x < y)
		return -1;
	if (x > y)
		return 1;
	/* -0.0 before +0.0, as stats_dsort orders them */
	return signbit(y) - signbit(x);
}

static void check(double *v, size_t n)
{
	double *want = malloc(n * sizeof(double));
	uint64_t *tmp = malloc((2 * n + STATS_DSORT_EXTRA) * sizeof(uint64_t));
	size_t i;

	double *pick = malloc(n * sizeof(double));
	unsigned flip;

	memcpy(want, v, n * sizeof(double));
	qsort(want, n, sizeof(double), cmpd);
	/* the compaction's pick: every other sorted value from flip, and
	 * the largest last when n is odd */
	for (flip = 0; flip < 2; flip++) {
		memcpy(pick, v, n * sizeof(double));
		stats_dsort_pick(pick, n, tmp, flip);
		for (i = 0; i < n / 2; i++)
			assert_memory_equal(&pick[i], &want[2 * i + flip],
					    sizeof(double));
		if (n & 1)
			assert_memory_equal(&pick[n - 1], &want[n - 1],
					    sizeof(double));
	}
	stats_dsort(v, n, tmp);
	for (i = 0; i < n; i++)
		assert_memory_equal(&v[i], &want[i], sizeof(double));
	free(pick);
	free(want);
	free(tmp);
}

static void dsort_matches_qsort(void **state)
{
	enum { N = 16384 };
	double *v = malloc(N * sizeof(double));
	size_t i, kind;

	(void)state;
	for (kind = 0; kind < 9; kind++) {
		for (i = 0; i < N; i++) {
			uint64_t r = rnd();
			double u = (double)(r >> 11) / 9007199254740992.0;

			switch (kind) {
			case 0:
				v[i] = (u - 0.5) *
				       pow(10, (double)(r % 40) - 20);
				break;
			case 1:
				v[i] = (double)(r % 1000);
				break; /* integers */
			case 2:
				v[i] = (double)(r % 3) - 1.0;
				break; /* ties */
			case 3:
				v[i] = 1.0 + u * 1e-12;
				break; /* clustered */
			case 4:
				v[i] = 1.7e9 + u * 3600.0;
				break; /* timestamps */
			case 5:
				v[i] = (r & 1) ? 1.0 + u * 1e-12
					       : (u - 0.5) *
							 pow(10,
							     (double)(r % 40) -
								     20);
				break; /* cluster + all magnitudes */
			case 6:
				/* bits 20..40 of the mantissa always 0 */
				v[i] = ldexp((double)((r >> 20) & 0xfffff) *
							     0x1p41 +
						     (double)(r & 0xfffff),
					     -52) +
				       (double)(r % 7);
				break;
			case 7:
				v[i] = (r & 1) ? 0.0 : -0.0;
				break; /* signed zeros */
			default:
				/* both signs, three decimals, a pool of
				 * values (the collector bench's): half the
				 * keys share two top digits, so the skewed
				 * scatter and the split count run */
				v[i] = (double)(r % 2000000) / 1000.0 - 1000.0;
				break;
			}
		}
		check(v, N - 1); /* odd: the pick keeps the largest */
		check(v, N);
		check(v, 100); /* small input, already sorted prefix */
		check(v, 63);  /* insertion-only size */
	}
	free(v);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(dsort_matches_qsort),
	};

	if (argc > 1)
		cmocka_set_test_filter(argv[1]);
	return cmocka_run_group_tests_name("dsort", tests, NULL, NULL);
}
