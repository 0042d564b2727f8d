/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Persistent worker pool (see pool.h).  One job at a time: the caller
 * publishes fn/args/n under the mutex and bumps the generation; workers
 * and the caller take indices with an atomic counter until none is left;
 * the caller waits until every index taken has been run.
 */
#include <pthread.h>
#include <stdlib.h>

#include "core/pool.h"

struct dm_pool {
	pthread_mutex_t mu;
	pthread_cond_t work; /* a new job, or stop */
	pthread_cond_t done; /* a worker left the job */
	pthread_t *tid;
	unsigned nthreads;
	unsigned long gen; /* job number */
	int stop;
	int open;	 /* a job is under way: workers may join it */
	unsigned active; /* workers in the job (under mu) */
	void *(*fn)(void *);
	void **args;
	size_t n;
	size_t next; /* next index to take (atomic) */
	size_t left; /* calls not finished (under mu) */
};

/* Takes and runs indices of the job (fn, args, n); returns the calls
 * run. */
static size_t take(size_t *next, void *(*fn)(void *), void **args, size_t n)
{
	size_t i, ran = 0;

	while ((i = __atomic_fetch_add(next, 1, __ATOMIC_RELAXED)) < n) {
		fn(args[i]);
		ran++;
	}
	return ran;
}

/*
 * A worker joins a job under the mutex (open, a generation it has not
 * seen) and copies fn/args/n; the caller closes the job only once every
 * call has returned and every worker that joined has left, so no worker
 * ever touches the counter or the arguments of a job that is over.
 */
static void *worker(void *arg)
{
	dm_pool *p = arg;
	unsigned long seen = 0;

	for (;;) {
		void *(*fn)(void *);
		void **args;
		size_t n, ran;

		pthread_mutex_lock(&p->mu);
		while (!p->stop && (p->gen == seen || !p->open))
			pthread_cond_wait(&p->work, &p->mu);
		if (p->stop) {
			pthread_mutex_unlock(&p->mu);
			return NULL;
		}
		seen = p->gen;
		p->active++;
		fn = p->fn;
		args = p->args;
		n = p->n;
		pthread_mutex_unlock(&p->mu);
		ran = take(&p->next, fn, args, n);
		pthread_mutex_lock(&p->mu);
		p->left -= ran;
		p->active--;
		if (p->left == 0 && p->active == 0)
			pthread_cond_signal(&p->done);
		pthread_mutex_unlock(&p->mu);
	}
}

dm_pool *dm_pool_new(unsigned nworkers)
{
	dm_pool *p;
	unsigned i;

	if (nworkers == 0)
		return NULL;
	p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	p->tid = calloc(nworkers, sizeof(*p->tid));
	if (!p->tid) {
		free(p);
		return NULL;
	}
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->work, NULL);
	pthread_cond_init(&p->done, NULL);
	for (i = 0; i < nworkers; i++) {
		if (pthread_create(&p->tid[i], NULL, worker, p) != 0)
			break;
		p->nthreads++;
	}
	if (p->nthreads == 0) {
		dm_pool_free(p);
		return NULL;
	}
	return p;
}

void dm_pool_run(dm_pool *p, void *(*fn)(void *), void **args, size_t n)
{
	size_t i, ran;

	if (!p || n < 2) {
		for (i = 0; i < n; i++)
			fn(args[i]);
		return;
	}
	pthread_mutex_lock(&p->mu);
	p->fn = fn;
	p->args = args;
	p->n = n;
	p->left = n;
	p->next = 0;
	p->open = 1;
	p->gen++;
	pthread_cond_broadcast(&p->work);
	pthread_mutex_unlock(&p->mu);
	ran = take(&p->next, fn, args, n);
	pthread_mutex_lock(&p->mu);
	p->left -= ran;
	while (p->left > 0 || p->active > 0)
		pthread_cond_wait(&p->done, &p->mu);
	p->open = 0;
	pthread_mutex_unlock(&p->mu);
}

void dm_pool_free(dm_pool *p)
{
	unsigned i;

	if (!p)
		return;
	pthread_mutex_lock(&p->mu);
	p->stop = 1;
	pthread_cond_broadcast(&p->work);
	pthread_mutex_unlock(&p->mu);
	for (i = 0; i < p->nthreads; i++)
		pthread_join(p->tid[i], NULL);
	pthread_cond_destroy(&p->done);
	pthread_cond_destroy(&p->work);
	pthread_mutex_destroy(&p->mu);
	free(p->tid);
	free(p);
}
