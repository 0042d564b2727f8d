/* SPDX-License-Identifier: Apache-2.0 */
/* driftmon compare: the ad-hoc mode — two datasets, no store. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "driftmon/profile.h"
#include "driftmon/report.h"

static const char help[] =
	"usage: driftmon compare --reference FILE --current FILE\n"
	"                        [--format text|json|html]\n"
	"\n"
	"Compares two datasets (CSV or Parquet) directly, without a store:\n"
	"the reference is profiled like training data, the current like\n"
	"inference logs.  Prints the summary (text) or the JSON report.\n"
	"\n"
	"  -r, --reference FILE     reference data (repeatable)\n"
	"  -c, --current FILE       current data (repeatable)\n"
	"      --format text|json|html  output (default text; html: the\n"
	"                           self-contained HTML report)\n"
	"      --features a,b       compare only these columns\n"
	"      --exclude a,b        never compare these columns\n"
	"      --categorical a,b    treat these columns as categorical\n"
	"      --bins N             PSI quantile bins (default 10)\n"
	"      --psi-threshold X, --min-samples N, --critical-threshold X,\n"
	"      --alpha X, --min-ks-d X, --test NAME, --test-threshold X\n"
	"                           as for 'driftmon detect'\n"
	"      --spec FILE          monitoring spec (YAML) for the reference:\n"
	"                           roles, types, tests, thresholds\n"
	"                           (docs/spec-format.md)\n"
	"      --fail-on-drift      exit 3 when drift is detected\n"
	"  -h, --help               this help\n";

enum {
	O_FORMAT = 256,
	O_FEATURES,
	O_EXCLUDE,
	O_CATEGORICAL,
	O_BINS,
	O_FAIL,
	O_SETTING,
	O_SPEC
};

static const struct option longopts[] = {
	{"reference", required_argument, NULL, 'r'},
	{"current", required_argument, NULL, 'c'},
	{"format", required_argument, NULL, O_FORMAT},
	{"features", required_argument, NULL, O_FEATURES},
	{"exclude", required_argument, NULL, O_EXCLUDE},
	{"categorical", required_argument, NULL, O_CATEGORICAL},
	{"bins", required_argument, NULL, O_BINS},
	{"fail-on-drift", no_argument, NULL, O_FAIL},
	{"spec", required_argument, NULL, O_SPEC},
	{"psi-threshold", required_argument, NULL, O_SETTING},
	{"min-samples", required_argument, NULL, O_SETTING},
	{"critical-threshold", required_argument, NULL, O_SETTING},
	{"alpha", required_argument, NULL, O_SETTING},
	{"min-ks-d", required_argument, NULL, O_SETTING},
	{"test", required_argument, NULL, O_SETTING},
	{"test-threshold", required_argument, NULL, O_SETTING},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

int cmd_compare(int argc, char **argv)
{
	char **ref = calloc(1, sizeof(char *)),
	     **cur = calloc(1, sizeof(char *));
	char **features = NULL, **exclude = NULL, **categorical = NULL;
	const char *format = "text";
	char *json = NULL, ts[32];
	cli_settings set;
	cli_spec spec;
	dm_profile_opts po = {0}, co = {0};
	dm_profile pref, pcur;
	dm_result res;
	dm_diag diag;
	dm_err err;
	size_t len;
	int c, rc = EXIT_OK, longidx = 0, fail_on_drift = 0;

	memset(&res, 0, sizeof(res));
	dm_profile_init(&pref, NULL);
	dm_profile_init(&pcur, NULL);
	cli_spec_init(&spec);
	if ((rc = cli_settings_from_env(&set)) != EXIT_OK)
		goto out;
	optind = 0;
	while ((c = getopt_long(argc, argv, "+r:c:h", longopts, &longidx)) !=
	       -1) {
		switch (c) {
		case 'r':
			ref = cli_list_append(ref, optarg);
			break;
		case 'c':
			cur = cli_list_append(cur, optarg);
			break;
		case O_FORMAT:
			format = optarg;
			break;
		case O_FEATURES:
			cli_free_list(features);
			features = cli_split_list(optarg);
			break;
		case O_EXCLUDE:
			cli_free_list(exclude);
			exclude = cli_split_list(optarg);
			break;
		case O_CATEGORICAL:
			cli_free_list(categorical);
			categorical = cli_split_list(optarg);
			break;
		case O_BINS:
			if ((rc = cli_parse_bins("compare", optarg,
						 &po.nbins)) != EXIT_OK)
				goto out;
			break;
		case O_FAIL:
			fail_on_drift = 1;
			break;
		case O_SPEC:
			spec.file = optarg;
			break;
		case O_SETTING:
			if (cli_settings_flag(&set, "compare",
					      longopts[longidx].name,
					      optarg) < 0) {
				rc = EXIT_USAGE;
				goto out;
			}
			break;
		case 'h':
			fputs(help, stdout);
			goto out;
		default:
			rc = cli_bad_option("compare", argc, argv);
			goto out;
		}
	}
	if (!ref || !cur) {
		rc = cli_fail("out of memory");
		goto out;
	}
	if (optind < argc) {
		rc = cli_usage("compare", "unexpected argument '%s'",
			       argv[optind]);
		goto out;
	}
	if (!ref[0] || !cur[0]) {
		rc = cli_usage("compare",
			       "--reference FILE and --current FILE are "
			       "required");
		goto out;
	}
	if (strcmp(format, "text") && strcmp(format, "json") &&
	    strcmp(format, "html")) {
		rc = cli_usage("compare",
			       "invalid --format '%s': expected "
			       "text, json or html",
			       format);
		goto out;
	}
	po.features = (const char *const *)features;
	po.exclude = (const char *const *)exclude;
	po.categorical = (const char *const *)categorical;
	po.strict = 1;
	po.threads = cli_threads();
	if ((rc = cli_spec_load(&spec, "compare", NULL, NULL, &po)) != EXIT_OK)
		goto out;
	dm_profile_init(&pref, &po);
	if ((rc = cli_profile_files(ref, &po, 0, &pref)) != EXIT_OK)
		goto out;
	dm_diag_clear(&diag);
	if ((err = dm_profile_finish(&pref, &diag)) != DM_OK) {
		rc = cli_fail("cannot profile the reference %s: %s", ref[0],
			      err == DM_EEMPTY ? "no data rows" : diag.msg);
		goto out;
	}
	dm_job_settings_apply_spec(&set, &spec.spec, &pref);
	co.reference = &pref;
	co.threads = po.threads;
	/* compared once: counted against the reference's ECDF, no sketch */
	co.window_ecdf = 1;
	co.window_test = set.det.test;
	if ((rc = cli_profile_files(cur, &co, 1, &pcur)) != EXIT_OK)
		goto out;
	err = dm_detect(&pref, &pcur, &set.det, &res, &diag);
	if (err != DM_OK) {
		char what[300];

		snprintf(what, sizeof(what),
			 "cannot compare '%.120s' with "
			 "'%.120s'",
			 cur[0], ref[0]);
		rc = cli_fail_err(err, &diag, what);
		goto out;
	}
	cli_iso_time(time(NULL), ts, sizeof(ts));
	res.generated_at = strdup(ts);
	free(res.model);
	res.model = strdup(cur[0]);
	free(res.model_version);
	res.model_version = strdup("vs reference");
	if (!strcmp(format, "json")) {
		err = dm_report_to_json(&res, &json, &len);
		if (err != DM_OK) {
			rc = cli_fail_err(err, NULL, "cannot build the report");
			goto out;
		}
		fwrite(json, 1, len, stdout);
	} else if (!strcmp(format, "html")) {
		err = dm_report_to_html(&res, NULL, &json, &len, &diag);
		if (err != DM_OK) {
			rc = cli_fail_err(err, &diag,
					  "cannot build the report");
			goto out;
		}
		rc = cli_write_file_atomic("-", json, len);
	} else {
		dm_report_summary(&res, stdout);
	}
	if (fail_on_drift && res.drift_detected)
		rc = EXIT_DRIFT;
out:
	free(json);
	dm_result_release(&res);
	dm_profile_release(&pcur);
	dm_profile_release(&pref);
	cli_spec_release(&spec);
	cli_free_list(ref);
	cli_free_list(cur);
	cli_free_list(features);
	cli_free_list(exclude);
	cli_free_list(categorical);
	return rc;
}
