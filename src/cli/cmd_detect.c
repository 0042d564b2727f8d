/* SPDX-License-Identifier: Apache-2.0 */
/*
 * driftmon detect: argument parsing and settings around the hourly job
 * of the library (driftmon/job.h): dm_job_detect profiles the inference
 * logs of the analysis window (or the files given) and compares them
 * with the baseline, dm_job_write_report writes the report
 * (docs/report-format.md, "Where reports live"); this file prints the
 * summary, the warnings and the errors and hands the result to the
 * outputs (cli_outputs.c: HTML, metrics, alerts).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "core/termsafe.h"
#include "driftmon/job.h"
#include "driftmon/hourprof.h"
#include "driftmon/labels.h"
#include "driftmon/report.h"
#include "driftmon/store.h"

static const char help[] =
	"usage: driftmon detect --model NAME --version V [--window-hours H]\n"
	"                       [--at TIME] [--input FILE...]\n"
	"\n"
	"Reads the inference logs of the H full hours before TIME from\n"
	"inference-logs/year=YYYY/month=MM/day=DD/hour=HH/* (UTC) in the\n"
	"store, or the files given, keeps rows whose model_name /\n"
	"model_version columns (where present) match, compares them with\n"
	"baselines/<model>/<version>/baseline.json, prints the summary and\n"
	"writes the report.  Settings: a flag wins over the environment, the\n"
	"environment over the monitoring spec stored with the baseline\n"
	"(docs/spec-format.md), the spec over the built-in default.\n"
	"\n"
	"  -m, --model NAME             model name\n"
	"  -v, --version V              model version\n"
	"  -w, --window-hours H         hours of logs (default 24, or\n"
	"                               $DRIFT_ANALYSIS_WINDOW_HOURS)\n"
	"      --at TIME                end of the window, ISO-8601, UTC or\n"
	"                               with an offset "
	"(2025-12-24T19:00+02:00;\n"
	"                               default: now), rounded down to the "
	"hour\n"
	"  -i, --input FILE             compare these files instead of the "
	"store's logs\n"
	"      --psi-threshold X        PSI above which a feature counts as\n"
	"                               significant drift (default 0.2, or\n"
	"                               $DRIFT_PSI_THRESHOLD)\n"
	"      --min-samples N          fewer rows give no verdict (default "
	"100,\n"
	"                               or $DRIFT_MIN_SAMPLES)\n"
	"      --critical-threshold X   drift score for a CRITICAL alert\n"
	"                               (default 0.5, or\n"
	"                               $DRIFT_SCORE_CRITICAL_THRESHOLD)\n"
	"      --alpha X                family-wise false-alarm level of the\n"
	"                               verdict (default 0.01, or "
	"$DRIFT_ALPHA)\n"
	"      --min-ks-d X             smallest KS D that counts (default "
	"0.05)\n"
	"      --test NAME              one drift test for every column it\n"
	"                               applies to: psi, ks, chi2,\n"
	"                               wasserstein, energy, cvm, anderson,\n"
	"                               jensenshannon, hellinger, kl, gtest,\n"
	"                               ztest, fisher (default auto: the\n"
	"                               spec's, else by type and size;\n"
	"                               docs/drift-tests.md)\n"
	"      --test-threshold X       a distance's drift threshold where\n"
	"                               the spec sets no min_effect\n"
	"                               (default: the test's, 0.1)\n"
	"      --strict                 malformed rows and unparsable, NaN or\n"
	"                               infinite values are errors naming the\n"
	"                               file, row and column; by default they\n"
	"                               are counted, with a data-quality\n"
	"                               alert above 1% (docs/log-format.md)\n"
	"      --format text|json|none  what to print (default text)\n"
	"      --fail-on-drift          exit 3 when drift is detected\n"
	"      --no-write               do not write the report to the store\n"
	"                               (nor the HTML report, metrics push,\n"
	"                               alerts or hour profiles)\n"
	"      --reference-window W     compare with an earlier production\n"
	"                               window instead of the baseline: 168h\n"
	"                               or 7d (the same hours that long ago)\n"
	"                               or START/END (ISO-8601); built from\n"
	"                               hour profiles\n"
	"      --no-hourly-profiles     read every hour's logs, not the hour\n"
	"                               profiles (also "
	"$DRIFTMON_NO_PROFILES=1;\n"
	"                               docs/hourly-profiles.md)\n"
	"      --metrics-file FILE      also write the metrics (Prometheus\n"
	"                               text) to FILE (docs/metrics.md)\n"
	"      --label-max-delay-hours H\n"
	"                               labels (driftmon labels) count for a\n"
	"                               prediction up to H hours after it\n"
	"                               (default 72); with labels stored, the\n"
	"                               report gets a performance section\n"
	"      --prediction-column NAME the logs' prediction column to join\n"
	"                               with labels (default: the baseline's\n"
	"                               first prediction column)\n"
	"      --min-performance-drop X smallest drop of a model metric below\n"
	"                               the reference (driftmon reference)\n"
	"                               that alerts; for MAE and RMSE a\n"
	"                               fraction of the reference (default:\n"
	"                               the spec's min_performance_drop,\n"
	"                               else 0.02)\n"
	"      --store URL              storage (default $DRIFTMON_STORE or\n"
	"                               ./driftmon-data)\n"
	"  -h, --help                   this help\n";

enum {
	O_AT = 256,
	O_STRICT,
	O_FORMAT,
	O_FAIL,
	O_NOWRITE,
	O_STORE,
	O_SETTING,
	O_METRICS,
	O_LABEL_DELAY,
	O_PRED_COL,
	O_MIN_DROP,
	O_NO_HOURLY,
	O_REF_WINDOW
};

static const struct option longopts[] = {
	{"model", required_argument, NULL, 'm'},
	{"version", required_argument, NULL, 'v'},
	{"window-hours", required_argument, NULL, 'w'},
	{"input", required_argument, NULL, 'i'},
	{"at", required_argument, NULL, O_AT},
	{"strict", no_argument, NULL, O_STRICT},
	{"format", required_argument, NULL, O_FORMAT},
	{"fail-on-drift", no_argument, NULL, O_FAIL},
	{"no-write", no_argument, NULL, O_NOWRITE},
	{"no-hourly-profiles", no_argument, NULL, O_NO_HOURLY},
	{"reference-window", required_argument, NULL, O_REF_WINDOW},
	{"store", required_argument, NULL, O_STORE},
	{"metrics-file", required_argument, NULL, O_METRICS},
	{"label-max-delay-hours", required_argument, NULL, O_LABEL_DELAY},
	{"prediction-column", required_argument, NULL, O_PRED_COL},
	{"min-performance-drop", required_argument, NULL, O_MIN_DROP},
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

/* The library's warnings: a skipped file at once (as it happens, between
 * progress lines), the empty window kept for after the report. */
struct warnings {
	char no_logs[200];
};

static void on_warning(void *ctx, dm_job_warning what, const char *msg)
{
	static const char skip[] = "skipping log file: ";
	struct warnings *w = ctx;

	if (what == DM_JOB_WARN_NO_LOGS) {
		snprintf(w->no_logs, sizeof(w->no_logs), "%s", msg);
		return;
	}
	if (what == DM_JOB_WARN_SKIPPED_FILE &&
	    !strncmp(msg, skip, sizeof(skip) - 1))
		fprintf(stderr, "driftmon: warning: %s%s\n", skip,
			term_safe(msg + sizeof(skip) - 1));
	else
		fprintf(stderr, "driftmon: warning: %s\n", term_safe(msg));
}

/* The library's error: its diag holds the whole line. */
static int job_failed(dm_err err, const dm_diag *diag)
{
	cli_fail("%s", diag->msg[0] ? diag->msg : dm_strerror(err));
	return err == DM_EINVAL ? EXIT_USAGE : EXIT_RUNTIME;
}

/* What the command line asked for (the job's options in jo). */
struct det_args {
	const char *store_flag, *format, *at_s, *ref_window;
	char **inputs;
	int fail_on_drift, no_write, no_hourly;
	dm_job_opts jo;
	cli_outputs outs;
};

/* --label-max-delay-hours H and --min-performance-drop X. */
static int parse_label_option(dm_job_opts *jo, int c, const char *arg)
{
	if (c == O_LABEL_DELAY) {
		if (cli_parse_double(arg, &jo->label_max_delay_hours) < 0 ||
		    !(jo->label_max_delay_hours >= 0 &&
		      jo->label_max_delay_hours <= DM_LABELS_MAX_DELAY_HOURS))
			return cli_usage("detect",
					 "invalid "
					 "--label-max-delay-hours '%s': "
					 "expected hours from 0 to %d",
					 arg, DM_LABELS_MAX_DELAY_HOURS);
		return EXIT_OK;
	}
	if (cli_parse_double(arg, &jo->min_performance_drop) < 0 ||
	    !(jo->min_performance_drop >= 0 && jo->min_performance_drop <= 1))
		return cli_usage("detect",
				 "invalid "
				 "--min-performance-drop '%s': "
				 "expected a number in [0, 1]",
				 arg);
	return EXIT_OK;
}

/* One option into the struct det_args at ctx (a cli_option_fn). */
static int parse_option(void *ctx, int c, int longidx, const char *arg)
{
	struct det_args *a = ctx;

	switch (c) {
	case 'm':
		a->jo.model = arg;
		break;
	case 'v':
		a->jo.version = arg;
		break;
	case 'w':
		if (cli_settings_flag(&a->jo.settings, "detect", "window-hours",
				      arg) < 0)
			return EXIT_USAGE;
		break;
	case 'i':
		a->inputs = cli_list_append(a->inputs, arg);
		break;
	case O_AT:
		a->at_s = arg;
		break;
	case O_STRICT:
		a->jo.strict = 1;
		break;
	case O_FORMAT:
		a->format = arg;
		break;
	case O_FAIL:
		a->fail_on_drift = 1;
		break;
	case O_NOWRITE:
		a->no_write = 1;
		break;
	case O_NO_HOURLY:
		a->no_hourly = 1;
		break;
	case O_REF_WINDOW:
		a->ref_window = arg;
		break;
	case O_STORE:
		a->store_flag = arg;
		break;
	case O_METRICS:
		a->outs.metrics_file = arg;
		break;
	case O_LABEL_DELAY:
	case O_MIN_DROP:
		return parse_label_option(&a->jo, c, arg);
	case O_PRED_COL:
		a->jo.prediction_column = arg;
		break;
	case O_SETTING:
		if (cli_settings_flag(&a->jo.settings, "detect",
				      longopts[longidx].name, arg) < 0)
			return EXIT_USAGE;
		break;
	default:
		return CLI_BAD_OPTION;
	}
	return EXIT_OK;
}

/* Step 1: the command line into a (the operands are inputs too).  -1
 * after --help. */
static int parse_args(int argc, char **argv, struct det_args *a)
{
	int rc;
	char why[160];
	size_t i;

	if ((rc = cli_getopt(argc, argv, "detect", "m:v:w:i:h", longopts, help,
			     parse_option, a)) != EXIT_OK)
		return rc;
	for (i = (size_t)optind; i < (size_t)argc; i++)
		a->inputs = cli_list_append(a->inputs, argv[i]);
	if (!a->inputs)
		return cli_fail("out of memory");
	if ((rc = cli_check_model("detect", a->jo.model, a->jo.version)) !=
	    EXIT_OK)
		return rc;
	if (strcmp(a->format, "text") && strcmp(a->format, "json") &&
	    strcmp(a->format, "none"))
		return cli_usage("detect",
				 "invalid --format '%s': expected "
				 "text, json or none",
				 a->format);
	if (a->at_s &&
	    cli_parse_time_why(a->at_s, &a->jo.at, why, sizeof(why)) < 0)
		return cli_usage("detect", "invalid --at '%s': %s", a->at_s,
				 why);
	return EXIT_OK;
}

/* Step 2: the job (dm_job_detect) with the CLI's hourly profiles,
 * threads, warnings and progress; *job on success. */
static int run_job(struct det_args *a, dm_store *st, dm_hourly_stats *hstats,
		   struct warnings *warned, dm_job **job, dm_diag *diag)
{
	dm_profile_opts po = {0};
	dm_err err;

	memset(hstats, 0, sizeof(*hstats));
	a->jo.hourly = cli_hourly_enabled(a->no_hourly);
	a->jo.no_day_rollups = cli_day_rollups_off();
	a->jo.write_profiles = !a->no_write;
	a->jo.hourly_stats = hstats;
	a->jo.inputs = (const char *const *)a->inputs;
	a->jo.threads = cli_threads();
	a->jo.warn = on_warning;
	a->jo.warn_ctx = warned;
	cli_progress_attach(&po, "detect");
	a->jo.progress = po.progress;
	a->jo.progress_ctx = po.progress_ctx;
	err = dm_job_detect(st, &a->jo, job, diag);
	cli_progress_done();
	cli_hourly_stats_print(hstats);
	return err == DM_OK ? EXIT_OK : job_failed(err, diag);
}

/* Step 3: the report into the store (but with --no-write), the summary
 * or the JSON printed, then the other outputs (cli_outputs.c). */
static int write_outputs(struct det_args *a, dm_store *st, dm_result *res,
			 time_t now, const struct warnings *warned,
			 dm_diag *diag)
{
	char *json = NULL, *where = NULL;
	dm_job_written written;
	size_t len;
	dm_err err;
	int rc;

	memset(&written, 0, sizeof(written));
	err = dm_report_to_json(res, &json, &len);
	if (err != DM_OK)
		return cli_fail_err(err, NULL, "cannot build the report");
	if (!a->no_write) {
		err = dm_job_write_report(st, res, json, len, &written, diag);
		if (err != DM_OK) {
			rc = job_failed(err, diag);
			goto out;
		}
		where = dm_store_location(st, written.key);
	}
	if (!strcmp(a->format, "text")) {
		if (warned->no_logs[0])
			fprintf(stderr, "driftmon: warning: %s\n",
				warned->no_logs);
		dm_report_summary(res, stdout);
		if (where)
			printf("Report: %s\n", where);
	} else if (!strcmp(a->format, "json")) {
		fwrite(json, 1, len, stdout);
	}
	rc = cli_outputs_after_detect(&a->outs, st, res, json, len, now,
				      a->no_write ? NULL : &written,
				      strcmp(a->format, "text") ? NULL
								: stdout);
	if (rc == EXIT_OK && a->fail_on_drift && res->drift_detected)
		rc = EXIT_DRIFT;
out:
	free(json);
	free(where);
	return rc;
}

int cmd_detect(int argc, char **argv)
{
	struct det_args a;
	dm_hourly_stats hstats;
	dm_job *job = NULL;
	dm_store *st = NULL;
	dm_diag diag;
	dm_err err;
	time_t now = time(NULL);
	struct warnings warned;
	int rc;

	memset(&a, 0, sizeof(a));
	memset(&warned, 0, sizeof(warned));
	a.format = "text";
	a.inputs = calloc(1, sizeof(char *));
	dm_job_opts_init(&a.jo);
	a.jo.now = now;
	if ((rc = cli_settings_from_env(&a.jo.settings)) != EXIT_OK ||
	    (rc = cli_outputs_init(&a.outs)) != EXIT_OK)
		goto out;
	if ((rc = parse_args(argc, argv, &a)) != EXIT_OK) {
		if (rc < 0) /* --help */
			rc = EXIT_OK;
		goto out;
	}
	dm_diag_clear(&diag);
	err = dm_store_open(cli_store_url(a.store_flag), &st, &diag);
	if (err != DM_OK) {
		rc = cli_fail_err(err, &diag, "cannot open store");
		goto out;
	}
	if (a.ref_window &&
	    (rc = cli_reference_parse(a.ref_window, a.inputs[0] != NULL,
				      &a.jo)) != EXIT_OK)
		goto out;
	if ((rc = run_job(&a, st, &hstats, &warned, &job, &diag)) == EXIT_OK)
		rc = write_outputs(&a, st, dm_job_result(job), now, &warned,
				   &diag);
out:
	dm_job_free(job);
	dm_store_free(st);
	cli_free_list(a.inputs);
	return rc;
}
