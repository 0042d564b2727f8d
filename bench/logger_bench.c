/* SPDX-License-Identifier: Apache-2.0 */
/*
 * logger_bench: the inference-logger library measured directly (no HTTP).
 *
 *   logger_bench --store DIR --wal DIR [--threads T] [--records N]
 *                [--features F] [--batch B] [--fsync always|interval|never]
 *                [--fsync-ms MS] [--flush-rows R] [--hour-profiles on|off]
 *                [--ctxsw on]
 *
 * Phase 1: T threads call dm_logger_log (B = 1) or dm_logger_log_batch
 * (B records a call) until N records are logged; every call is timed.
 * Phase 2: dm_logger_flush: the time to convert and upload what is left
 * (the background flusher runs during phase 1 too).
 *
 * Prints one line of key=value pairs: calls, records, log_seconds,
 * records_per_s, call p50/p99/max in microseconds, flush_seconds,
 * end_to_end_records_per_s (N / (log + flush time)), and the process's
 * CPU time (user + system, every thread: the callers and the flushers,
 * close included) in all and per record.  --hour-profiles off sets
 * no_hour_profiles (docs/hourly-profiles.md); they are on by default and
 * cost something only when the store has the baseline of bench v1.
 * --ctxsw on reads the calling thread's context switches around every
 * call (getrusage(RUSAGE_THREAD), outside the timed interval) and
 * splits the calls slower than 100 us and than 1 ms into those that
 * blocked (a voluntary switch: a lock, I/O) and those only preempted
 * (an involuntary switch: another thread had the CPU): slow_100us,
 * blocked_100us, preempted_100us, slow_1ms, blocked_1ms, preempted_1ms.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "driftmon/logger.h"

static int nthreads = 1, features = 50, batch = 1, ctxsw;
static long records = 200000;
static dm_logger *lg;

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

typedef struct thr {
	int id;
	long n; /* records to log */
	double *lat;
	size_t nlat;
	int errors;
	long slow[2], blocked[2], preempted[2]; /* > 100 us, > 1 ms */
	pthread_t th;
} thr;

static void *run(void *arg)
{
	thr *t = arg;
	char(*names)[16] = malloc((size_t)features * 16);
	dm_log_value *vals =
		malloc((size_t)batch * (size_t)features * sizeof(*vals));
	dm_log_value *pred = malloc((size_t)batch * sizeof(*pred));
	dm_log_record *recs = calloc((size_t)batch, sizeof(*recs));
	char(*ids)[40] = malloc((size_t)batch * 40);
	uint64_t s = 0x9E3779B97F4A7C15ull * (uint64_t)(t->id + 1);
	long done = 0;
	int f, i;

	for (f = 0; f < features; f++)
		snprintf(names[f], 16, "f%02d", f);
	t->lat = malloc(((size_t)(t->n / batch) + 2) * sizeof(double));
	while (done < t->n) {
		int k = t->n - done < batch ? (int)(t->n - done) : batch;
		dm_diag diag;
		double t0;
		struct rusage r0, r1;

		for (i = 0; i < k; i++) {
			dm_log_value *v = vals + (size_t)i * (size_t)features;

			for (f = 0; f < features; f++) {
				s ^= s << 13;
				s ^= s >> 7;
				s ^= s << 17;
				v[f] = dm_log_num(names[f],
						  (double)(s % 100000) / 100.0);
			}
			pred[i] = dm_log_num("prediction", 0.5);
			snprintf(ids[i], 40, "b-%d-%ld", t->id, done + i);
			recs[i].model_name = "bench";
			recs[i].model_version = "v1";
			recs[i].request_id = ids[i];
			recs[i].features = v;
			recs[i].nfeatures = (size_t)features;
			recs[i].predictions = &pred[i];
			recs[i].npredictions = 1;
		}
		if (ctxsw)
			getrusage(RUSAGE_THREAD, &r0);
		t0 = now_s();
		if ((k == 1 ? dm_logger_log(lg, recs, &diag)
			    : dm_logger_log_batch(lg, recs, (size_t)k,
						  &diag)) != DM_OK) {
			if (!t->errors++)
				fprintf(stderr, "logger_bench: %s\n", diag.msg);
		}
		t->lat[t->nlat++] = now_s() - t0;
		if (ctxsw) {
			double l = t->lat[t->nlat - 1];
			int j;

			getrusage(RUSAGE_THREAD, &r1);
			for (j = 0; j < 2; j++) {
				if (l <= (j ? 1e-3 : 1e-4))
					continue;
				t->slow[j]++;
				if (r1.ru_nvcsw != r0.ru_nvcsw)
					t->blocked[j]++;
				else if (r1.ru_nivcsw != r0.ru_nivcsw)
					t->preempted[j]++;
			}
		}
		done += k;
	}
	free(names);
	free(vals);
	free(pred);
	free(recs);
	free(ids);
	return NULL;
}

static double cpu_s(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec * 1e-6 +
	       (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec * 1e-6;
}

static int cmpd(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	dm_logger_config cfg;
	dm_diag diag;
	thr *t;
	double t0, tlog, tflush, *all, cpu0, cpu;
	size_t nall = 0;
	int i, errors = 0;
	long slow[2] = {0, 0}, blocked[2] = {0, 0}, preempted[2] = {0, 0};

	dm_logger_config_init(&cfg);
	cfg.fsync_ms = 10;
	for (i = 1; i + 1 < argc; i += 2) {
		const char *a = argv[i], *v = argv[i + 1];

		if (!strcmp(a, "--store"))
			cfg.store_url = v;
		else if (!strcmp(a, "--wal"))
			cfg.wal_dir = v;
		else if (!strcmp(a, "--threads"))
			nthreads = atoi(v);
		else if (!strcmp(a, "--records"))
			records = atol(v);
		else if (!strcmp(a, "--features"))
			features = atoi(v);
		else if (!strcmp(a, "--batch"))
			batch = atoi(v);
		else if (!strcmp(a, "--fsync-ms"))
			cfg.fsync_ms = (unsigned)atoi(v);
		else if (!strcmp(a, "--flush-rows"))
			cfg.flush_rows = (size_t)atol(v);
		else if (!strcmp(a, "--ctxsw"))
			ctxsw = !strcmp(v, "on");
		else if (!strcmp(a, "--hour-profiles"))
			cfg.no_hour_profiles = !strcmp(v, "off");
		else if (!strcmp(a, "--fsync"))
			cfg.fsync = !strcmp(v, "always") ? DM_LOG_FSYNC_ALWAYS
				    : !strcmp(v, "never")
					    ? DM_LOG_FSYNC_NEVER
					    : DM_LOG_FSYNC_INTERVAL;
		else {
			fprintf(stderr, "logger_bench: bad argument '%s'\n", a);
			return 2;
		}
	}
	if (i != argc || !cfg.store_url || !cfg.wal_dir || nthreads < 1 ||
	    batch < 1 || features < 1 || records < 1) {
		fprintf(stderr, "usage: logger_bench --store DIR --wal DIR "
				"[--threads T] [--records N] [--features F] "
				"[--batch B] [--fsync P] [--fsync-ms MS] "
				"[--flush-rows R] [--hour-profiles on|off] "
				"[--ctxsw on]\n");
		return 2;
	}
	cfg.wal_max_bytes = (uint64_t)8 << 30;
	if (dm_logger_open(&cfg, &lg, &diag) != DM_OK) {
		fprintf(stderr, "logger_bench: %s\n", diag.msg);
		return 1;
	}
	t = calloc((size_t)nthreads, sizeof(*t));
	cpu0 = cpu_s();
	t0 = now_s();
	for (i = 0; i < nthreads; i++) {
		t[i].id = i;
		t[i].n = records / nthreads + (i < records % nthreads);
		pthread_create(&t[i].th, NULL, run, &t[i]);
	}
	for (i = 0; i < nthreads; i++) {
		pthread_join(t[i].th, NULL);
		nall += t[i].nlat;
		errors += t[i].errors;
		for (int j = 0; j < 2; j++) {
			slow[j] += t[i].slow[j];
			blocked[j] += t[i].blocked[j];
			preempted[j] += t[i].preempted[j];
		}
	}
	tlog = now_s() - t0;
	if (dm_logger_flush(lg, 0, &diag) != DM_OK)
		fprintf(stderr, "logger_bench: flush: %s\n", diag.msg);
	tflush = now_s() - t0 - tlog;
	if (dm_logger_close(lg, &diag) != DM_OK)
		fprintf(stderr, "logger_bench: close: %s\n", diag.msg);
	cpu = cpu_s() - cpu0;
	all = malloc(nall * sizeof(double));
	nall = 0;
	for (i = 0; i < nthreads; i++) {
		memcpy(all + nall, t[i].lat, t[i].nlat * sizeof(double));
		nall += t[i].nlat;
		free(t[i].lat);
	}
	qsort(all, nall, sizeof(double), cmpd);
	printf("threads=%d batch=%d features=%d calls=%zu records=%ld "
	       "errors=%d log_seconds=%.3f records_per_s=%.0f "
	       "call_p50_us=%.2f call_p99_us=%.2f call_max_us=%.1f "
	       "flush_seconds=%.3f end_to_end_records_per_s=%.0f "
	       "hour_profiles=%s cpu_seconds=%.3f cpu_us_per_record=%.3f\n",
	       nthreads, batch, features, nall, records, errors, tlog,
	       (double)records / tlog, all[nall / 2] * 1e6,
	       all[(size_t)((double)nall * 0.99)] * 1e6, all[nall - 1] * 1e6,
	       tflush, (double)records / (tlog + tflush),
	       cfg.no_hour_profiles ? "off" : "on", cpu,
	       cpu * 1e6 / (double)records);
	if (ctxsw)
		printf("slow_100us=%ld blocked_100us=%ld preempted_100us=%ld "
		       "slow_1ms=%ld blocked_1ms=%ld preempted_1ms=%ld\n",
		       slow[0], blocked[0], preempted[0], slow[1], blocked[1],
		       preempted[1]);
	free(all);
	free(t);
	return errors ? 1 : 0;
}
