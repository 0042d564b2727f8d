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
#include "core/termsafe.h"
#include "driftmon/report.h"
#include "driftmon/store.h"

static const char help[] =
	"usage: driftmon status [--model NAME] [--store URL]\n"
	"\n"
	"Prints the latest drift verdict of every model version from\n"
	"drift-reports/<model>/<version>/latest.json (and, for reports\n"
	"written before per-version files existed,\n"
	"drift-reports/<model>/latest.json).\n"
	"\n"
	"  -m, --model NAME   only this model\n"
	"      --store URL    storage (default $DRIFTMON_STORE or\n"
	"                     ./driftmon-data)\n"
	"  -h, --help         this help\n";

static const struct option longopts[] = {
	{"model", required_argument, NULL, 'm'},
	{"store", required_argument, NULL, CLI_O_STORE},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

/* The model and version a key names: "<m>/<v>/latest.json" (per
 * version, *v set) or "<m>/latest.json" (the model's, *v = ""); 0 for
 * any other key. */
static int latest_key(const char *key, char *m, size_t mn, char *v, size_t vn)
{
	return dm_layout_parse_latest_key(key, m, mn, v, vn) == DM_OK;
}

/* Nonzero if keys has a <model>/<version>/latest.json. */
static int has_version_latest(char **keys, size_t n, const char *model)
{
	char m[256], v[256];
	size_t i;

	for (i = 0; i < n; i++)
		if (latest_key(keys[i], m, sizeof(m), v, sizeof(v)) && v[0] &&
		    !strcmp(m, model))
			return 1;
	return 0;
}

/* "2025-12-24T17:00:00Z" -> "2025-12-24 17:00"; "" -> "(files given)". */
static void window_end(const char *iso, char *out, size_t n)
{
	if (!iso[0])
		snprintf(out, n, "(files given)");
	else if (strlen(iso) == 20 && iso[10] == 'T')
		snprintf(out, n, "%.10s %.5s", iso, iso + 11);
	else
		snprintf(out, n, "%s", iso);
}

static void header(size_t shown)
{
	if (shown == 0)
		printf("%-20s %-10s %-16s %-21s %9s %7s %8s %-14s %s\n",
		       "MODEL", "VERSION", "WINDOW END (UTC)", "LAST RUN",
		       "SAMPLES", "SCORE", "DRIFTED", "ALERTS", "STATUS");
}

int cmd_status(int argc, char **argv)
{
	const char *store_flag = NULL, *model = NULL;
	char **keys = NULL, prefix[DM_LAYOUT_KEY_MAX];
	size_t n = 0, i, shown = 0;
	dm_store *st = NULL;
	dm_diag diag;
	dm_err err;
	struct cli_model_store o = {NULL, NULL};
	int rc = EXIT_OK;

	if ((rc = cli_getopt(argc, argv, "status", "+m:h", longopts, help,
			     cli_model_store_option, &o)) != EXIT_OK)
		return rc < 0 ? EXIT_OK : rc;
	model = o.model;
	store_flag = o.store;
	if (optind < argc)
		return cli_usage("status", "unexpected argument '%s'",
				 argv[optind]);
	if (cli_check_names("status", model, NULL) != EXIT_OK)
		return EXIT_USAGE;
	if ((rc = cli_open_store_to_read(store_flag, &st)) != EXIT_OK)
		goto out;
	dm_diag_clear(&diag);
	err = dm_layout_reports_prefix(model, NULL, prefix, sizeof(prefix),
				       &diag);
	if (err == DM_OK)
		err = dm_store_list(st, prefix, &keys, &n, &diag);
	if (err != DM_OK) {
		rc = cli_fail_err(err, &diag, "cannot list reports");
		goto out;
	}
	for (i = 0; i < n; i++) {
		char m[256], v[256], alerts[48], wend[40];
		char *json = NULL;
		size_t len = 0;
		dm_report_brief b;

		if (!latest_key(keys[i], m, sizeof(m), v, sizeof(v)))
			continue;
		if (model && strcmp(m, model) != 0)
			continue;
		/* The model's latest.json repeats the latest of its
		 * versions (the same run wrote both); it is read only for
		 * models whose reports predate per-version files. */
		if (!v[0] && has_version_latest(keys, n, m))
			continue;
		if (dm_store_get(st, keys[i], 64u << 20, &json, &len, &diag) !=
			    DM_OK ||
		    dm_report_brief_parse(json, len, keys[i], &b, &diag) !=
			    DM_OK) {
			header(shown);
			if (v[0])
				printf("%-20s %-10s (unreadable report: %s)\n",
				       term_safe(m), term_safe(v),
				       term_safe(diag.msg));
			else
				printf("%-20s (unreadable report: %s)\n",
				       term_safe(m), term_safe(diag.msg));
			free(json);
			rc = EXIT_RUNTIME;
			shown++;
			continue;
		}
		free(json);
		header(shown);
		snprintf(alerts, sizeof(alerts), "%lluC/%lluW",
			 (unsigned long long)b.alerts_critical,
			 (unsigned long long)b.alerts_warning);
		window_end(b.window_end, wend, sizeof(wend));
		printf("%-20s %-10s %-16s %-21s %9llu %6.1f%% %4llu/%-3llu "
		       "%-14s %s\n",
		       term_safe(b.model), term_safe(b.model_version), wend,
		       term_safe(b.generated_at), (unsigned long long)b.samples,
		       100.0 * b.drift_score,
		       (unsigned long long)b.features_drifted,
		       (unsigned long long)b.features_total, alerts,
		       b.insufficient	  ? "INSUFFICIENT DATA"
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
