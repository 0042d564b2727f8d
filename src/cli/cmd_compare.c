/* SPDX-License-Identifier: Apache-2.0 */
/* driftmon compare: the ad-hoc mode — two datasets, no store. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "core/termsafe.h"
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
	"      --role COL=ROLE      set a column's role (repeatable; also\n"
	"                           a=identifier,b=text), as for 'driftmon\n"
	"                           baseline'\n"
	"      --type COL=TYPE      set a column's logical type (repeatable)\n"
	"      --missing-values LIST  the strings read as missing, comma-\n"
	"                           separated (default NA,N/A,n/a,NULL,null,\n"
	"                           None,<NA>,#N/A,#NA,#N/A N/A; '' for "
	"none);\n"
	"                           NaN,inf,-inf here make NaN and\n"
	"                           infinities missing in both datasets\n"
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
	O_SPEC,
	O_ROLE,
	O_TYPE,
	O_MISSING
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
	{"role", required_argument, NULL, O_ROLE},
	{"type", required_argument, NULL, O_TYPE},
	{"missing-values", required_argument, NULL, O_MISSING},
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

/* What the command line asked for. */
struct cmp_args {
	char **ref, **cur, **features, **exclude, **categorical;
	const char *format;
	int fail_on_drift;
	cli_settings set;
	cli_spec spec;
	cli_columns cols;
	dm_profile_opts po;
};

/* One option into the struct cmp_args at ctx (a cli_option_fn). */
static int parse_option(void *ctx, int c, int longidx, const char *arg)
{
	struct cmp_args *a = ctx;

	switch (c) {
	case 'r':
		a->ref = cli_list_append(a->ref, arg);
		break;
	case 'c':
		a->cur = cli_list_append(a->cur, arg);
		break;
	case O_FORMAT:
		a->format = arg;
		break;
	case O_FEATURES:
		cli_free_list(a->features);
		a->features = cli_split_list(arg);
		break;
	case O_EXCLUDE:
		cli_free_list(a->exclude);
		a->exclude = cli_split_list(arg);
		break;
	case O_CATEGORICAL:
		cli_free_list(a->categorical);
		a->categorical = cli_split_list(arg);
		break;
	case O_BINS:
		return cli_parse_bins("compare", arg, &a->po.nbins);
	case O_FAIL:
		a->fail_on_drift = 1;
		break;
	case O_SPEC:
		a->spec.file = arg;
		break;
	case O_ROLE:
		return cli_columns_role(&a->cols, "compare", arg);
	case O_TYPE:
		return cli_columns_type(&a->cols, "compare", arg);
	case O_MISSING:
		return cli_columns_missing(&a->cols, arg);
	case O_SETTING:
		if (cli_settings_flag(&a->set, "compare",
				      longopts[longidx].name, arg) < 0)
			return EXIT_USAGE;
		break;
	default:
		return CLI_BAD_OPTION;
	}
	return EXIT_OK;
}

/* Step 1: the command line into a.  -1 after --help. */
static int parse_args(int argc, char **argv, struct cmp_args *a)
{
	int rc;

	if ((rc = cli_getopt(argc, argv, "compare", "+r:c:h", longopts, help,
			     parse_option, a)) != EXIT_OK)
		return rc;
	if (!a->ref || !a->cur)
		return cli_fail("out of memory");
	if (optind < argc)
		return cli_usage("compare", "unexpected argument '%s'",
				 argv[optind]);
	if (!a->ref[0] || !a->cur[0])
		return cli_usage("compare",
				 "--reference FILE and --current FILE are "
				 "required");
	if (strcmp(a->format, "text") && strcmp(a->format, "json") &&
	    strcmp(a->format, "html"))
		return cli_usage("compare",
				 "invalid --format '%s': expected "
				 "text, json or html",
				 a->format);
	return EXIT_OK;
}

/* Step 2: the reference profiled like training data (with the spec),
 * then the current data as a window against it. */
static int profile_both(struct cmp_args *a, dm_profile *pref, dm_profile *pcur)
{
	dm_profile_opts *po = &a->po, co = {0};
	dm_diag diag;
	size_t i;
	dm_err err;
	int rc;

	po->features = (const char *const *)a->features;
	po->exclude = (const char *const *)a->exclude;
	po->categorical = (const char *const *)a->categorical;
	if ((rc = cli_columns_apply(&a->cols, po)) != EXIT_OK)
		return rc;
	po->strict = 1;
	po->threads = cli_threads();
	if ((rc = cli_spec_load(&a->spec, "compare", NULL, NULL, po)) !=
	    EXIT_OK)
		return rc;
	dm_profile_init(pref, po);
	if ((rc = cli_profile_files(a->ref, po, 0, pref)) != EXIT_OK)
		return rc;
	dm_diag_clear(&diag);
	if ((err = dm_profile_finish(pref, &diag)) != DM_OK)
		return cli_fail("cannot profile the reference %s: %s",
				a->ref[0],
				err == DM_EEMPTY ? "no data rows" : diag.msg);
	for (i = 0; i < pref->nwarnings; i++) /* as 'baseline' does */
		fprintf(stderr, "driftmon: warning: the reference: %s\n",
			term_safe(pref->warnings[i]));
	dm_job_settings_apply_spec(&a->set, &a->spec.spec, pref);
	co.reference = pref;
	co.threads = po->threads;
	/* compared once: counted against the reference's ECDF, no sketch */
	co.window_ecdf = 1;
	co.window_test = a->set.det.test;
	if ((rc = cli_profile_files(a->cur, &co, 1, pcur)) != EXIT_OK)
		return rc;
	for (i = 0; i < pcur->nwarnings; i++) /* as 'detect' does */
		fprintf(stderr, "driftmon: warning: the current data: %s\n",
			term_safe(pcur->warnings[i]));
	return EXIT_OK;
}

/* Step 3: the result printed as --format says: JSON, HTML or the
 * summary; EXIT_DRIFT with --fail-on-drift when drift was found. */
static int print_result(const struct cmp_args *a, dm_result *res, dm_diag *diag)
{
	char *out = NULL;
	size_t len;
	dm_err err;
	int rc = EXIT_OK;

	if (!strcmp(a->format, "json")) {
		err = dm_report_to_json(res, &out, &len);
		if (err != DM_OK)
			return cli_fail_err(err, NULL,
					    "cannot build the report");
		fwrite(out, 1, len, stdout);
	} else if (!strcmp(a->format, "html")) {
		err = dm_report_to_html(res, NULL, &out, &len, diag);
		if (err != DM_OK)
			return cli_fail_err(err, diag,
					    "cannot build the report");
		rc = cli_write_file_atomic("-", out, len);
	} else {
		dm_report_summary(res, stdout);
	}
	if (a->fail_on_drift && res->drift_detected)
		rc = EXIT_DRIFT;
	free(out);
	return rc;
}

int cmd_compare(int argc, char **argv)
{
	struct cmp_args a;
	char ts[32];
	dm_profile pref, pcur;
	dm_result res;
	dm_diag diag;
	dm_err err;
	int rc = EXIT_OK;

	memset(&a, 0, sizeof(a));
	a.ref = calloc(1, sizeof(char *));
	a.cur = calloc(1, sizeof(char *));
	a.format = "text";
	memset(&res, 0, sizeof(res));
	dm_profile_init(&pref, NULL);
	dm_profile_init(&pcur, NULL);
	cli_spec_init(&a.spec);
	if ((rc = cli_settings_from_env(&a.set)) != EXIT_OK)
		goto out;
	if ((rc = parse_args(argc, argv, &a)) != EXIT_OK) {
		if (rc < 0) /* --help */
			rc = EXIT_OK;
		goto out;
	}
	if ((rc = profile_both(&a, &pref, &pcur)) != EXIT_OK)
		goto out;
	dm_diag_clear(&diag);
	err = dm_detect(&pref, &pcur, &a.set.det, &res, &diag);
	if (err != DM_OK) {
		char what[300];

		snprintf(what, sizeof(what),
			 "cannot compare '%.120s' with "
			 "'%.120s'",
			 a.cur[0], a.ref[0]);
		rc = cli_fail_err(err, &diag, what);
		goto out;
	}
	cli_iso_time(time(NULL), ts, sizeof(ts));
	res.generated_at = strdup(ts);
	free(res.model);
	res.model = strdup(a.cur[0]);
	free(res.model_version);
	res.model_version = strdup("vs reference");
	rc = print_result(&a, &res, &diag);
out:
	dm_result_release(&res);
	dm_profile_release(&pcur);
	dm_profile_release(&pref);
	cli_spec_release(&a.spec);
	cli_columns_release(&a.cols);
	cli_free_list(a.ref);
	cli_free_list(a.cur);
	cli_free_list(a.features);
	cli_free_list(a.exclude);
	cli_free_list(a.categorical);
	return rc;
}
