/* SPDX-License-Identifier: Apache-2.0 */
/*
 * driftmon status: the latest verdict per model (the original system's
 * "quick drift status", behind `make view-metrics`).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "driftmon/report.h"
#include "driftmon/store.h"

static const char help[] =
	"usage: driftmon status [--model NAME] [--store URL]\n"
	"\n"
	"Prints the latest drift verdict per model from\n"
	"drift-reports/<model>/latest.json.\n";

enum { O_STORE = 256 };

static const struct option longopts[] = {
	{"model", required_argument, NULL, 'm'},
	{"store", required_argument, NULL, O_STORE},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

int cmd_status(int argc, char **argv)
{
	const char *store_flag = NULL, *model = NULL;
	char **keys = NULL;
	size_t n = 0, i, shown = 0;
	dm_store *st = NULL;
	dm_diag diag;
	dm_err err;
	int c, rc = EXIT_OK;

	optind = 0;
	while ((c = getopt_long(argc, argv, "+m:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'm': model = optarg; break;
		case O_STORE: store_flag = optarg; break;
		case 'h': fputs(help, stdout); return EXIT_OK;
		default: return cli_bad_option("status", argc, argv);
		}
	}
	if (optind < argc)
		return cli_usage("status", "unexpected argument '%s'",
				 argv[optind]);
	if (cli_check_names("status", model, NULL) != EXIT_OK)
		return EXIT_USAGE;
	dm_diag_clear(&diag);
	err = dm_store_open(cli_store_url(store_flag), &st, &diag);
	if (err != DM_OK)
		return cli_fail_err(err, &diag, "cannot open store");
	err = dm_store_list(st, "drift-reports/", &keys, &n, &diag);
	if (err != DM_OK) {
		rc = cli_fail_err(err, &diag, "cannot list reports");
		goto out;
	}
	for (i = 0; i < n; i++) {
		const char *k = keys[i] + strlen("drift-reports/");
		const char *slash = strchr(k, '/');
		char *json = NULL;
		size_t len = 0;
		dm_report_brief b;
		char alerts[48];

		if (!slash || strcmp(slash + 1, "latest.json") != 0)
			continue;
		if (model && (strlen(model) != (size_t)(slash - k) ||
			      strncmp(k, model, (size_t)(slash - k)) != 0))
			continue;
		if (shown == 0)
			printf("%-20s %-10s %-21s %9s %7s %8s %-14s %s\n",
			       "MODEL", "VERSION", "LAST RUN", "SAMPLES",
			       "SCORE", "DRIFTED", "ALERTS", "STATUS");
		if (dm_store_get(st, keys[i], 64u << 20, &json, &len,
				 &diag) != DM_OK ||
		    dm_report_brief_parse(json, len, keys[i], &b, &diag) !=
			    DM_OK) {
			printf("%-20.*s (unreadable report: %s)\n",
			       (int)(slash - k), k, diag.msg);
			free(json);
			rc = EXIT_RUNTIME;
			shown++;
			continue;
		}
		free(json);
		snprintf(alerts, sizeof(alerts), "%lluC/%lluW",
			 (unsigned long long)b.alerts_critical,
			 (unsigned long long)b.alerts_warning);
		printf("%-20s %-10s %-21s %9llu %6.1f%% %4llu/%-3llu %-14s "
		       "%s\n",
		       b.model, b.model_version, b.generated_at,
		       (unsigned long long)b.samples, 100.0 * b.drift_score,
		       (unsigned long long)b.features_drifted,
		       (unsigned long long)b.features_total, alerts,
		       b.insufficient     ? "INSUFFICIENT DATA"
		       : b.drift_detected ? "DRIFT"
					  : "OK");
		shown++;
	}
	if (shown == 0)
		printf("No drift reports%s%s in %s yet: run 'driftmon detect' "
		       "(make run-drift-detection).\n",
		       model ? " for " : "", model ? model : "",
		       cli_store_shown(store_flag));
out:
	dm_store_free_list(keys, n);
	dm_store_free(st);
	return rc;
}
