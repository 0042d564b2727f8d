/* SPDX-License-Identifier: Apache-2.0 */
/* driftmon list baselines|reports: what the store holds. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/termsafe.h"
#include "driftmon/report.h"
#include "driftmon/store.h"

static const char help[] =
	"usage: driftmon list baselines|reports [--model NAME] [--store URL]\n"
	"\n"
	"  baselines   baselines/<model>/<version>/baseline.json\n"
	"  reports     drift-reports/<model>/... (latest and history)\n";

static const struct option longopts[] = {
	{"model", required_argument, NULL, 'm'},
	{"store", required_argument, NULL, CLI_O_STORE},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

int cmd_list(int argc, char **argv)
{
	const char *store_flag = NULL, *model = NULL, *what;
	char **keys = NULL, prefix[DM_LAYOUT_KEY_MAX];
	size_t n = 0, i, shown = 0;
	dm_store *st = NULL;
	dm_diag diag;
	dm_err err;
	struct cli_model_store o = {NULL, NULL};
	int rc = EXIT_OK, baselines;

	if ((rc = cli_getopt(argc, argv, "list", "m:h", longopts, help,
			     cli_model_store_option, &o)) != EXIT_OK)
		return rc < 0 ? EXIT_OK : rc;
	model = o.model;
	store_flag = o.store;
	if (optind >= argc)
		return cli_usage("list", "say what to list: baselines or "
					 "reports");
	what = argv[optind];
	if (strcmp(what, "baselines") && strcmp(what, "reports"))
		return cli_usage("list",
				 "cannot list '%s': expected "
				 "baselines or reports",
				 what);
	if (optind + 1 < argc)
		return cli_usage("list", "unexpected argument '%s'",
				 argv[optind + 1]);
	if (cli_check_names("list", model, NULL) != EXIT_OK)
		return EXIT_USAGE;
	baselines = what[0] == 'b';
	if ((rc = cli_open_store_to_read(store_flag, &st)) != EXIT_OK)
		return rc;
	dm_diag_clear(&diag);
	err = (baselines ? dm_layout_baselines_prefix
			 : dm_layout_reports_prefix)(model, NULL, prefix,
						     sizeof(prefix), &diag);
	if (err == DM_OK)
		err = dm_store_list(st, prefix, &keys, &n, &diag);
	if (err != DM_OK) {
		rc = cli_fail_err(err, &diag, "cannot list");
		goto out;
	}
	if (baselines)
		printf("%-24s %-12s %s\n", "MODEL", "VERSION", "KEY");
	else
		printf("%-60s %-21s %7s %s\n", "KEY", "GENERATED", "SCORE",
		       "DRIFT");
	for (i = 0; i < n; i++) {
		const char *k = keys[i];

		if (baselines) {
			char m[256], v[256];

			if (dm_layout_parse_baseline_key(k, m, sizeof(m), v,
							 sizeof(v)) != DM_OK)
				continue;
			printf("%-24s %-12s %s\n", term_safe(m), term_safe(v),
			       term_safe(k));
			shown++;
		} else {
			char *json = NULL;
			size_t len = 0;
			dm_report_brief b;
			size_t kl = strlen(k);

			if (kl < 5 || strcmp(k + kl - 5, ".json") != 0)
				continue;
			if (dm_store_get(st, k, 64u << 20, &json, &len,
					 &diag) != DM_OK ||
			    dm_report_brief_parse(json, len, k, &b, &diag) !=
				    DM_OK) {
				printf("%-60s (unreadable: %s)\n", term_safe(k),
				       term_safe(diag.msg));
				free(json);
				continue;
			}
			free(json);
			printf("%-60s %-21s %6.1f%% %s\n", term_safe(k),
			       term_safe(b.generated_at), 100.0 * b.drift_score,
			       b.insufficient	  ? "insufficient data"
			       : b.drift_detected ? "YES"
						  : "no");
			shown++;
		}
	}
	if (shown == 0)
		fprintf(stderr, "driftmon: no %s in %s\n", what,
			cli_store_shown(store_flag));
out:
	dm_store_free_list(keys, n);
	dm_store_free(st);
	return rc;
}
