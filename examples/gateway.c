/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A small C "API gateway" that serves a toy spam model and logs every
 * prediction with the driftmon inference logger (include/driftmon/
 * logger.h).  Worker threads handle simulated requests and call
 * dm_logger_log, which only appends to the local write-ahead log; the
 * logger's own threads turn it into hourly Parquet files in the store.
 *
 *   cc -Iinclude examples/gateway.c -Lbuild -ldriftmon \
 *      -Wl,-rpath,$PWD/build -pthread -lm -o gateway
 *   ./gateway --store ./driftmon-data --wal ./gateway-wal --requests 5000
 *
 * Then `driftmon detect --model spam-detector --version v1` reads what it
 * wrote (tests/suites/logger.sh builds and runs this file).
 */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "driftmon/logger.h"

struct worker {
	dm_logger *lg;
	int id, requests, failures;
	pthread_t th;
};

/* The "model": a logistic score of three features. */
static double score(double urls, double words, double upper)
{
	double z = -2.0 + 0.8 * urls - 0.004 * words + 3.0 * upper;

	return 1.0 / (1.0 + exp(-z));
}

static void *serve(void *arg)
{
	struct worker *w = arg;
	unsigned seed = 1234u + (unsigned)w->id;
	static const char *domains[] = {"example.com", "mail.test",
					"shop.example", "news.test"};
	int i;

	for (i = 0; i < w->requests; i++) {
		/* a request arrives: its features */
		double urls = rand_r(&seed) % 6;
		double words = 20 + rand_r(&seed) % 400;
		double upper = (rand_r(&seed) % 1000) / 4000.0;
		const char *domain = domains[rand_r(&seed) % 4];
		double p = score(urls, words, upper);
		char rid[48];
		dm_log_value features[] = {
			dm_log_num("url_count", urls),
			dm_log_num("word_count", words),
			dm_log_num("uppercase_ratio", upper),
			dm_log_str("sender_domain", domain),
		};
		dm_log_value outputs[] = {
			dm_log_num("prediction", p),
			dm_log_str("label", p > 0.5 ? "spam" : "ham"),
		};
		dm_log_record rec = {0}; /* timestamp 0: now */
		dm_diag diag;

		snprintf(rid, sizeof(rid), "gw-%d-%d", w->id, i);
		rec.model_name = "spam-detector";
		rec.model_version = "v1";
		rec.request_id = rid;
		rec.features = features;
		rec.nfeatures = 4;
		rec.predictions = outputs;
		rec.npredictions = 2;
		/* ... the response goes back to the client here ... */
		if (dm_logger_log(w->lg, &rec, &diag) != DM_OK) {
			/* e.g. DM_EFULL: storage has been down too long.  A
			 * gateway counts it and serves on. */
			if (w->failures++ == 0)
				fprintf(stderr, "gateway: not logged: %s\n",
					diag.msg);
		}
	}
	return NULL;
}

int main(int argc, char **argv)
{
	dm_logger_config cfg;
	dm_logger *lg;
	dm_logger_stats st;
	dm_diag diag;
	struct worker w[4];
	int i, requests = 1000, failures = 0;

	dm_logger_config_init(&cfg);
	cfg.fsync = DM_LOG_FSYNC_INTERVAL;
	for (i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--store"))
			cfg.store_url = argv[i + 1];
		else if (!strcmp(argv[i], "--wal"))
			cfg.wal_dir = argv[i + 1];
		else if (!strcmp(argv[i], "--requests"))
			requests = (int)strtol(argv[i + 1], NULL, 10);
		else
			break;
	}
	if (i != argc || !cfg.store_url || !cfg.wal_dir || requests < 1) {
		fprintf(stderr, "usage: gateway --store URL --wal DIR "
				"[--requests N]\n");
		return 2;
	}
	if (dm_logger_open(&cfg, &lg, &diag) != DM_OK) {
		fprintf(stderr, "gateway: cannot start the logger: %s\n",
			diag.msg);
		return 1;
	}
	for (i = 0; i < 4; i++) {
		w[i].lg = lg;
		w[i].id = i;
		w[i].requests = requests / 4 + (i < requests % 4);
		w[i].failures = 0;
		pthread_create(&w[i].th, NULL, serve, &w[i]);
	}
	for (i = 0; i < 4; i++) {
		pthread_join(w[i].th, NULL);
		failures += w[i].failures;
	}
	dm_logger_get_stats(lg, &st);
	printf("gateway: %d requests served, %llu predictions logged, %d not "
	       "logged\n",
	       requests, (unsigned long long)st.records_logged, failures);
	/* shutting down: everything in the WAL is uploaded */
	if (dm_logger_close(lg, &diag) != DM_OK) {
		fprintf(stderr, "gateway: %s\n", diag.msg);
		return 1;
	}
	printf("gateway: all predictions uploaded\n");
	return failures ? 1 : 0;
}
