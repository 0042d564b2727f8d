/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A persistent pool of worker threads: dm_pool_run(fn, args, n) runs
 * fn(args[0]) .. fn(args[n-1]), the calling thread taking its share, and
 * returns once all are done.  Replaces a pthread_create / pthread_join
 * per batch (each join can wait a time slice on a loaded machine).
 */
#ifndef DRIFTMON_CORE_POOL_H
#define DRIFTMON_CORE_POOL_H

#include <stddef.h>

typedef struct dm_pool dm_pool;

/* A pool of nworkers threads besides the caller's; NULL if none could
 * be started (then dm_pool_run runs everything on the caller). */
dm_pool *dm_pool_new(unsigned nworkers);

/* Runs fn on every args[i] (in any order, on any thread), returns once
 * every call has returned.  pool may be NULL.  Not reentrant: one run at
 * a time per pool. */
void dm_pool_run(dm_pool *pool, void *(*fn)(void *), void **args, size_t n);

/* Stops and joins the workers; pool may be NULL. */
void dm_pool_free(dm_pool *pool);

#endif
