/* SPDX-License-Identifier: Apache-2.0 */
/*
 * driftmon detect: profile the inference logs of the analysis window (or
 * the files given), compare them with the baseline, print the summary,
 * and write drift-reports/<model>/latest.json plus a history copy
 * drift-reports/<model>/<version>/<UTC timestamp>.json.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "driftmon/profile.h"
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
	"      --at TIME                end of the window, ISO-8601 UTC\n"
	"                               (default: now, rounded down to the "
	"hour)\n"
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
	"                               verdict (default 0.01, or $DRIFT_ALPHA)\n"
	"      --min-ks-d X             smallest KS D that counts (default "
	"0.05)\n"
	"      --strict                 malformed rows and unparsable, NaN or\n"
	"                               infinite values are errors naming the\n"
	"                               file, row and column; by default they\n"
	"                               are counted, with a data-quality\n"
	"                               alert above 1% (docs/log-format.md)\n"
	"      --format text|json|none  what to print (default text)\n"
	"      --fail-on-drift          exit 3 when drift is detected\n"
	"      --no-write               do not write the report to the store\n"
	"                               (nor the HTML report, metrics push or\n"
	"                               alerts)\n"
	"      --metrics-file FILE      also write the metrics (Prometheus\n"
	"                               text) to FILE (docs/metrics.md)\n"
	"      --store URL              storage (default $DRIFTMON_STORE or\n"
	"                               ./driftmon-data)\n"
	"  -h, --help                   this help\n";

enum { O_AT = 256, O_STRICT, O_FORMAT, O_FAIL, O_NOWRITE, O_STORE,
       O_SETTING, O_METRICS };

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
	{"store", required_argument, NULL, O_STORE},
	{"metrics-file", required_argument, NULL, O_METRICS},
	{"psi-threshold", required_argument, NULL, O_SETTING},
	{"min-samples", required_argument, NULL, O_SETTING},
	{"critical-threshold", required_argument, NULL, O_SETTING},
	{"alpha", required_argument, NULL, O_SETTING},
	{"min-ks-d", required_argument, NULL, O_SETTING},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

/* Profiles every file under the hour partitions of [start, end). */
/* Log files that could not be read (lenient mode): skipped, alerted. */
struct skipped {
	size_t n;
	char first[800];
};

static int profile_window(dm_store *st, time_t start, time_t end,
			  const dm_profile_opts *po, int lenient,
			  dm_profile *cur, size_t *nfiles, struct skipped *sk)
{
	time_t h;
	dm_reader_opts ro = {0};

	ro.lenient = lenient;
	*nfiles = 0;
	for (h = start; h < end; h += 3600) {
		struct tm tm;
		char prefix[128];
		char **keys = NULL;
		size_t n = 0, i;
		dm_diag diag;
		dm_err err;

		gmtime_r(&h, &tm);
		snprintf(prefix, sizeof(prefix),
			 "inference-logs/year=%04d/month=%02d/day=%02d/"
			 "hour=%02d/",
			 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
			 tm.tm_hour);
		dm_diag_clear(&diag);
		err = dm_store_list(st, prefix, &keys, &n, &diag);
		if (err != DM_OK)
			return cli_fail_err(err, &diag, "cannot list logs");
		for (i = 0; i < n; i++) {
			dm_source *src = NULL;
			dm_reader *r = NULL;
			const char *k = keys[i];
			size_t kl = strlen(k);

			/* Data files only: .csv, .tsv, .parquet. */
			if (!(kl > 4 && !strcmp(k + kl - 4, ".csv")) &&
			    !(kl > 4 && !strcmp(k + kl - 4, ".tsv")) &&
			    !(kl > 8 && !strcmp(k + kl - 8, ".parquet")))
				continue;
			err = dm_store_open_source(st, k, &src, &diag);
			if (err == DM_OK)
				err = dm_reader_open(src, &ro, &r, &diag);
			if (err == DM_EEMPTY && lenient) {
				/* an empty file (a writer that has not
				 * written yet) holds no rows */
				dm_reader_free(r);
				continue;
			}
			if (err == DM_OK)
				err = dm_profile_add_reader(cur, po, r, &diag);
			dm_reader_free(r);
			if (err != DM_OK && lenient &&
			    (err == DM_EFORMAT || err == DM_ETOOBIG ||
			     err == DM_EUNSUPPORTED || err == DM_EVERSION ||
			     err == DM_ESCHEMA)) {
				/* One bad file must not blind the monitor:
				 * skip it (rows read before the error stay
				 * counted) and raise an alert. */
				if (sk->n++ == 0)
					snprintf(sk->first, sizeof(sk->first),
						 "%s", diag.msg[0] ? diag.msg
								   : k);
				fprintf(stderr,
					"driftmon: warning: skipping log file: "
					"%s\n",
					diag.msg[0] ? diag.msg : k);
				continue;
			}
			if (err != DM_OK) {
				dm_store_free_list(keys, n);
				return cli_fail_err(err, &diag,
						    "cannot read logs");
			}
			(*nfiles)++;
		}
		dm_store_free_list(keys, n);
	}
	return EXIT_OK;
}

/* Nonzero if the stored report old is newer than ours (generated_at). */
static int newer_report(const char *old, size_t oldlen, void *ours)
{
	dm_report_brief b;
	dm_diag d;

	if (dm_report_brief_parse(old, oldlen, "latest.json", &b, &d) != DM_OK)
		return 0;
	return ours && strcmp(b.generated_at, (const char *)ours) > 0;
}

static int write_report(dm_store *st, const dm_result *res, const char *json,
			size_t len, time_t now, char **where)
{
	char key[700], stamp[32];
	struct tm tm;
	dm_diag diag;
	dm_err err;

	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
	dm_diag_clear(&diag);
	snprintf(key, sizeof(key), "drift-reports/%s/%s/%s.json", res->model,
		 res->model_version, stamp);
	err = dm_store_put(st, key, json, len, &diag);
	if (err != DM_OK)
		return cli_fail_err(err, &diag, "cannot write report");
	snprintf(key, sizeof(key), "drift-reports/%s/latest.json",
		 res->model);
	/* racing runs: a newer latest.json stays (ETag compare-and-swap) */
	err = dm_store_replace_unless(st, key, json, len, newer_report,
				      (void *)res->generated_at, NULL, &diag);
	if (err != DM_OK)
		return cli_fail_err(err, &diag, "cannot write report");
	*where = dm_store_location(st, key);
	return EXIT_OK;
}

int cmd_detect(int argc, char **argv)
{
	const char *model = NULL, *version = NULL, *store_flag = NULL,
		   *format = "text", *at_s = NULL;
	char **inputs = calloc(1, sizeof(char *)), *json = NULL,
	     *where = NULL;
	int c, rc = EXIT_OK, strict = 0, fail_on_drift = 0, no_write = 0;
	int longidx = 0;
	cli_settings set;
	cli_outputs outs;
	dm_profile base, cur;
	dm_profile_opts po = {0};
	dm_result res;
	dm_store *st = NULL;
	dm_diag diag;
	dm_err err;
	time_t now = time(NULL), at = now, start = 0, end = 0;
	size_t len, i, nfiles = 0;
	struct skipped skipped = {0, ""};
	char ts[32], ws[32], we[32];

	memset(&res, 0, sizeof(res));
	dm_profile_init(&base, NULL);
	dm_profile_init(&cur, NULL);
	if ((rc = cli_settings_from_env(&set)) != EXIT_OK ||
	    (rc = cli_outputs_init(&outs)) != EXIT_OK)
		goto out;
	optind = 0;
	while ((c = getopt_long(argc, argv, "m:v:w:i:h", longopts,
				&longidx)) != -1) {
		switch (c) {
		case 'm': model = optarg; break;
		case 'v': version = optarg; break;
		case 'w':
			if (cli_settings_flag(&set, "detect", "window-hours",
					      optarg) < 0) {
				rc = EXIT_USAGE;
				goto out;
			}
			break;
		case 'i': inputs = cli_list_append(inputs, optarg); break;
		case O_AT: at_s = optarg; break;
		case O_STRICT: strict = 1; break;
		case O_FORMAT: format = optarg; break;
		case O_FAIL: fail_on_drift = 1; break;
		case O_NOWRITE: no_write = 1; break;
		case O_STORE: store_flag = optarg; break;
		case O_METRICS: outs.metrics_file = optarg; break;
		case O_SETTING:
			if (cli_settings_flag(&set, "detect",
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
			rc = cli_bad_option("detect", argc, argv);
			goto out;
		}
	}
	for (i = (size_t)optind; i < (size_t)argc; i++)
		inputs = cli_list_append(inputs, argv[i]);
	if (!inputs) {
		rc = cli_fail("out of memory");
		goto out;
	}
	if ((rc = cli_check_model("detect", model, version)) != EXIT_OK)
		goto out;
	if (strcmp(format, "text") && strcmp(format, "json") &&
	    strcmp(format, "none")) {
		rc = cli_usage("detect", "invalid --format '%s': expected "
					 "text, json or none",
			       format);
		goto out;
	}
	if (at_s && cli_parse_time(at_s, &at) < 0) {
		rc = cli_usage("detect",
			       "invalid --at '%s': expected an ISO-8601 UTC "
			       "time such as 2025-12-24T17:00:00Z",
			       at_s);
		goto out;
	}
	dm_diag_clear(&diag);
	err = dm_store_open(cli_store_url(store_flag), &st, &diag);
	if (err != DM_OK) {
		rc = cli_fail_err(err, &diag, "cannot open store");
		goto out;
	}
	rc = cli_load_baseline(st, model, version, &base);
	if (rc != EXIT_OK)
		goto out;
	/* the spec stored with the baseline: its defaults rank below the
	 * environment and the flags */
	if ((rc = cli_spec_apply_stored(&set, &base, model, version)) !=
	    EXIT_OK)
		goto out;
	po.reference = &base;
	po.model_name = model;
	po.model_version = version;
	po.strict = strict;
	po.threads = cli_threads();
	cli_progress_attach(&po, "detect");
	if (inputs[0]) {
		rc = cli_profile_files(inputs, &po, !strict, &cur);
	} else {
		end = at - at % 3600;
		start = end - (time_t)set.window_hours * 3600;
		rc = profile_window(st, start, end, &po, !strict, &cur,
				    &nfiles, &skipped);
	}
	cli_progress_done();
	if (rc != EXIT_OK)
		goto out;
	if (strict && cur.rows_skipped) {
		rc = cli_fail("%llu malformed rows (--strict)",
			      (unsigned long long)cur.rows_skipped);
		goto out;
	}
	err = dm_detect(&base, &cur, &set.det, &res, &diag);
	if (err != DM_OK) {
		char what[300];

		snprintf(what, sizeof(what), "cannot compare %s%.200s%s with "
			 "the baseline", inputs[0] ? "'" : "",
			 inputs[0] ? inputs[0] : "the window's logs",
			 inputs[0] ? (inputs[1] ? "' ..." : "'") : "");
		rc = cli_fail_err(err, &diag, what);
		goto out;
	}
	if (skipped.n) {
		char msg[1000];

		snprintf(msg, sizeof(msg),
			 "%zu log file%s could not be read and %s skipped "
			 "(first: %s)",
			 skipped.n, skipped.n == 1 ? "" : "s",
			 skipped.n == 1 ? "was" : "were", skipped.first);
		err = dm_result_add_alert(&res, DM_SEV_WARNING,
					  "UNREADABLE_FILES", NULL, msg);
		if (err != DM_OK) {
			rc = cli_fail_err(err, NULL, "cannot compare");
			goto out;
		}
	}
	cli_iso_time(now, ts, sizeof(ts));
	res.generated_at = strdup(ts);
	if (end) {
		cli_iso_time(start, ws, sizeof(ws));
		cli_iso_time(end, we, sizeof(we));
		res.window_start = strdup(ws);
		res.window_end = strdup(we);
	}
	err = dm_report_to_json(&res, &json, &len);
	if (err != DM_OK) {
		rc = cli_fail_err(err, NULL, "cannot build the report");
		goto out;
	}
	if (!no_write) {
		rc = write_report(st, &res, json, len, now, &where);
		if (rc != EXIT_OK)
			goto out;
	}
	if (!strcmp(format, "text")) {
		if (end && nfiles == 0)
			fprintf(stderr,
				"driftmon: warning: no inference logs found "
				"for %s .. %s\n",
				ws, we);
		dm_report_summary(&res, stdout);
		if (where)
			printf("Report: %s\n", where);
	} else if (!strcmp(format, "json")) {
		fwrite(json, 1, len, stdout);
	}
	rc = cli_outputs_after_detect(&outs, st, &res, json, len, now,
				      !no_write,
				      strcmp(format, "text") ? NULL : stdout);
	if (rc == EXIT_OK && fail_on_drift && res.drift_detected)
		rc = EXIT_DRIFT;
out:
	free(json);
	free(where);
	dm_result_release(&res);
	dm_profile_release(&cur);
	dm_profile_release(&base);
	dm_store_free(st);
	cli_free_list(inputs);
	return rc;
}
