/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for the persistent worker pool (src/core/pool.c): every
 * argument is run exactly once per dm_pool_run, all calls have returned
 * when it returns, over many runs in a row (a worker that wakes late must
 * not run a finished job's arguments), with more arguments than threads,
 * and with no pool at all.
 */
#include "dmtest.h"

#include <stdlib.h>
#include <string.h>

#include "core/pool.h"

struct item {
	int calls;
	int done;
	volatile unsigned spin;
};

static void *bump(void *arg)
{
	struct item *it = arg;
	unsigned i;

	for (i = 0; i < it->spin; i++) /* uneven work */
		__asm__ volatile("" ::: "memory");
	__atomic_fetch_add(&it->calls, 1, __ATOMIC_RELAXED);
	__atomic_store_n(&it->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

static void run_many(dm_pool *pool, size_t n, unsigned rounds)
{
	struct item *it = calloc(n, sizeof(*it));
	void **args = calloc(n, sizeof(*args));
	size_t i;
	unsigned r;

	assert_true(it && args);
	for (r = 0; r < rounds; r++) {
		for (i = 0; i < n; i++) {
			it[i].done = 0;
			it[i].spin = (unsigned)((i * 7919 + r * 31) % 2000);
			args[i] = &it[i];
		}
		dm_pool_run(pool, bump, args, n);
		for (i = 0; i < n; i++) /* returned: every call is over */
			assert_int_equal(
				__atomic_load_n(&it[i].done, __ATOMIC_ACQUIRE),
				1);
	}
	for (i = 0; i < n; i++)
		assert_int_equal(it[i].calls, (int)rounds);
	free(it);
	free(args);
}

static void pool_runs_each_once(void **state)
{
	unsigned w;

	(void)state;
	for (w = 1; w <= 4; w++) {
		dm_pool *pool = dm_pool_new(w);

		assert_non_null(pool);
		run_many(pool, 1, 50);
		run_many(pool, 2, 500);
		run_many(pool, w + 1, 500);
		run_many(pool, 37, 200); /* more than the threads */
		dm_pool_free(pool);
	}
}

static void pool_null_and_empty(void **state)
{
	dm_pool *pool;

	(void)state;
	assert_null(dm_pool_new(0));
	run_many(NULL, 5, 3); /* no pool: all on the caller */
	pool = dm_pool_new(2);
	assert_non_null(pool);
	dm_pool_run(pool, bump, NULL, 0);
	run_many(pool, 3, 3);
	dm_pool_free(pool);
	dm_pool_free(NULL);
	pool = dm_pool_new(3); /* freed without a run */
	dm_pool_free(pool);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(pool_runs_each_once),
	cmocka_unit_test(pool_null_and_empty),
};

DMTEST_MAIN("pool", tests)
