/* SPDX-License-Identifier: Apache-2.0 */
/*
 * driftmon detect: profile the inference logs of the analysis window (or
 * the files given), compare them with the baseline, print the summary,
 * and write the report (docs/report-format.md, "Where reports live"):
 *   drift-reports/<model>/<version>/<window end>--<run time>-<nonce>.json
 *       the history copy, created (never replaced) under a unique name,
 *       so no run is lost to a backfill or a concurrent run;
 *   drift-reports/<model>/<version>/latest.json   the version's latest;
 *   drift-reports/<model>/latest.json             the model's latest
 * where "latest" is the report with the latest window end (then run
 * time), replaced by compare-and-swap so racing runs keep the newest.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/termsafe.h"
#include "driftmon/labels.h"
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
	"      --at TIME                end of the window, ISO-8601, UTC or\n"
	"                               with an offset (2025-12-24T19:00+02:00;\n"
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
	"                               verdict (default 0.01, or $DRIFT_ALPHA)\n"
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
	"                               profiles (also $DRIFTMON_NO_PROFILES=1;\n"
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
	"      --min-performance-drop X smallest drop of accuracy, F1 or ROC\n"
	"                               AUC below the reference (driftmon\n"
	"                               reference) that alerts (default 0.02)\n"
	"      --store URL              storage (default $DRIFTMON_STORE or\n"
	"                               ./driftmon-data)\n"
	"  -h, --help                   this help\n";

enum { O_AT = 256, O_STRICT, O_FORMAT, O_FAIL, O_NOWRITE, O_STORE,
       O_SETTING, O_METRICS, O_LABEL_DELAY, O_PRED_COL,
       O_MIN_DROP, O_NO_HOURLY, O_REF_WINDOW };

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

static int is_data_file(const char *k)
{
	size_t kl = strlen(k);

	return (kl > 4 && !strcmp(k + kl - 4, ".csv")) ||
	       (kl > 4 && !strcmp(k + kl - 4, ".tsv")) ||
	       (kl > 8 && !strcmp(k + kl - 8, ".parquet"));
}

/* Profiles every file under the hour partitions of [start, end); counts
 * files read, empty and unreadable (lenient mode: skipped) in *acct. */
static int profile_window(dm_store *st, time_t start, time_t end,
			  const dm_profile_opts *po, int lenient,
			  dm_profile *cur, dm_data_account *acct)
{
	time_t h;
	dm_reader_opts ro = {0};

	ro.lenient = lenient;
	acct->from_window = 1;
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

			/* Data files only: .csv, .tsv, .parquet. */
			if (!is_data_file(k))
				continue;
			err = dm_store_open_source(st, k, &src, &diag);
			if (err == DM_OK)
				err = dm_reader_open(src, &ro, &r, &diag);
			if (err == DM_EEMPTY && lenient) {
				/* an empty file (a writer that has not
				 * written yet) holds no rows */
				dm_reader_free(r);
				acct->files_empty++;
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
				if (acct->files_unreadable++ == 0)
					snprintf(acct->first_unreadable,
						 sizeof(acct->first_unreadable),
						 "%.*s",
						 (int)sizeof(
							 acct->first_unreadable) -
							 1,
						 diag.msg[0] ? diag.msg : k);
				fprintf(stderr,
					"driftmon: warning: skipping log file: "
					"%s\n",
					term_safe(diag.msg[0] ? diag.msg : k));
				continue;
			}
			if (err != DM_OK) {
				dm_store_free_list(keys, n);
				return cli_fail_err(err, &diag,
						    "cannot read logs");
			}
			acct->files_read++;
		}
		dm_store_free_list(keys, n);
	}
	return EXIT_OK;
}

/* Where the rest of the store's logs are, for a window with too few
 * rows: the data files outside [start, end), the latest hour with logs
 * before it and the earliest after it.  Best effort: a listing that
 * fails leaves the account as it was. */
static void count_outside(dm_store *st, time_t start, time_t end,
			  dm_data_account *acct)
{
	char **keys = NULL;
	size_t n = 0, i;
	time_t before = -1, after = -1;
	dm_diag diag;

	dm_diag_clear(&diag);
	if (dm_store_list(st, "inference-logs/", &keys, &n, &diag) != DM_OK)
		return;
	acct->outside_counted = 1;
	for (i = 0; i < n; i++) {
		int y, mo, d, h;
		struct tm tm;
		time_t t;

		if (!is_data_file(keys[i]) ||
		    sscanf(keys[i],
			   "inference-logs/year=%4d/month=%2d/day=%2d/"
			   "hour=%2d/",
			   &y, &mo, &d, &h) != 4)
			continue;
		memset(&tm, 0, sizeof(tm));
		tm.tm_year = y - 1900;
		tm.tm_mon = mo - 1;
		tm.tm_mday = d;
		tm.tm_hour = h;
		t = timegm(&tm);
		if (t >= start && t < end)
			continue;
		acct->files_outside++;
		if (t < start && t > before)
			before = t;
		if (t >= end && (after < 0 || t < after))
			after = t;
	}
	if (before >= 0)
		cli_iso_time(before, acct->outside_before,
			     sizeof(acct->outside_before));
	if (after >= 0)
		cli_iso_time(after, acct->outside_after,
			     sizeof(acct->outside_after));
	dm_store_free_list(keys, n);
}

/* What orders reports for "latest": the window end (the run time when
 * files were given), then the run time. */
struct order {
	const char *end;
	const char *generated;
};

/* Nonzero if the stored report old is newer than ours. */
static int newer_report(const char *old, size_t oldlen, void *ud)
{
	const struct order *ours = ud;
	dm_report_brief b;
	dm_diag d;
	const char *end;
	int c;

	if (dm_report_brief_parse(old, oldlen, "latest.json", &b, &d) != DM_OK)
		return 0;
	end = b.window_end[0] ? b.window_end : b.generated_at;
	c = strcmp(end, ours->end);
	if (c == 0)
		c = strcmp(b.generated_at, ours->generated);
	return c > 0;
}

/* "20251224T170000Z" from an ISO-8601 UTC time "2025-12-24T17:00:00Z". */
static void compact_stamp(const char *iso, char *out, size_t n)
{
	size_t i, k = 0;

	for (i = 0; iso[i] && k + 1 < n; i++)
		if (iso[i] != '-' && iso[i] != ':')
			out[k++] = iso[i];
	out[k] = '\0';
}

/* Creates the history copy under a name no other run can hold: the
 * window end and run time, then a random nonce; a name that exists
 * (DM_ECONFLICT from the create-only write) draws another nonce. */
static int write_history(dm_store *st, const dm_result *res,
			 const char *json, size_t len, cli_written *w)
{
	char wend[32], gen[32];
	dm_diag diag;
	dm_err err = DM_ECONFLICT;
	int attempt;

	compact_stamp(res->window_end ? res->window_end : res->generated_at,
		      wend, sizeof(wend));
	compact_stamp(res->generated_at, gen, sizeof(gen));
	for (attempt = 0; attempt < 16 && err == DM_ECONFLICT; attempt++) {
		uint32_t nonce = 0;
		char key[sizeof(w->stem) + 8];

		if (getrandom(&nonce, sizeof(nonce), 0) != sizeof(nonce))
			nonce = (uint32_t)rand() ^ (uint32_t)getpid();
		snprintf(w->stem, sizeof(w->stem),
			 "drift-reports/%s/%s/%s--%s-%08" PRIx32, res->model,
			 res->model_version, wend, gen, nonce);
		snprintf(key, sizeof(key), "%s.json", w->stem);
		dm_diag_clear(&diag);
		err = dm_store_put_if(st, key, json, len, NULL, &diag);
	}
	if (err != DM_OK)
		return cli_fail_err(err, &diag, "cannot write report");
	return EXIT_OK;
}

static int write_report(dm_store *st, const dm_result *res, const char *json,
			size_t len, cli_written *w, char **where)
{
	struct order ours;
	char key[700];
	dm_diag diag;
	dm_err err;
	int rc;

	memset(w, 0, sizeof(*w));
	rc = write_history(st, res, json, len, w);
	if (rc != EXIT_OK)
		return rc;
	ours.end = res->window_end ? res->window_end : res->generated_at;
	ours.generated = res->generated_at;
	/* racing runs: a newer latest.json stays (compare-and-swap) */
	snprintf(key, sizeof(key), "drift-reports/%s/%s/latest.json",
		 res->model, res->model_version);
	dm_diag_clear(&diag);
	err = dm_store_replace_unless(st, key, json, len, newer_report, &ours,
				      &w->latest_version, &diag);
	if (err != DM_OK)
		return cli_fail_err(err, &diag, "cannot write report");
	snprintf(key, sizeof(key), "drift-reports/%s/latest.json",
		 res->model);
	err = dm_store_replace_unless(st, key, json, len, newer_report, &ours,
				      &w->latest_model, &diag);
	if (err != DM_OK)
		return cli_fail_err(err, &diag, "cannot write report");
	if (w->latest_model) {
		*where = dm_store_location(st, key);
	} else {
		snprintf(key, sizeof(key), "%s.json", w->stem);
		*where = dm_store_location(st, key);
	}
	return EXIT_OK;
}

/* Default of --label-max-delay-hours. */
#define LABEL_MAX_DELAY_HOURS 72.0

/* Default of --min-performance-drop. */
#define MIN_PERFORMANCE_DROP 0.02

/* The stored reference performance; 0 when there is none (*have 0). */
static int load_reference(dm_store *st, const char *model,
			  const char *version, dm_refperf *ref, int *have)
{
	char key[600], *text = NULL;
	size_t len = 0;
	dm_diag diag;
	dm_err err;

	*have = 0;
	snprintf(key, sizeof(key),
		 "baselines/%s/%s/reference-performance.json", model, version);
	dm_diag_clear(&diag);
	err = dm_store_get(st, key, 64u << 20, &text, &len, &diag);
	if (err == DM_ENOENT)
		return EXIT_OK;
	if (err == DM_OK)
		err = dm_refperf_from_json(text, len, key, ref, &diag);
	free(text);
	if (err != DM_OK)
		return cli_fail_err(err, &diag, "cannot read the reference "
						"performance");
	*have = 1;
	return EXIT_OK;
}

static int perf_alerts(dm_result *res, const dm_perf *p)
{
	static const char *const what[DM_PERF_NCMP] = {"accuracy", "F1",
						       "ROC AUC"};
	static const int cbpe_of[DM_PERF_NCMP] = {
		DM_CBPE_ACCURACY, DM_CBPE_F1, DM_CBPE_ROC_AUC};
	char msg[300];
	int i;

	for (i = 0; i < DM_PERF_NCMP; i++) {
		const dm_quality_cmp *c = &p->drop[i];
		int k = cbpe_of[i];

		if (c->dropped) {
			snprintf(msg, sizeof(msg),
				 "measured %s %.4f vs reference %.4f on %llu "
				 "labelled predictions (Holm p = %.3g)",
				 what[i], c->window, c->reference,
				 (unsigned long long)p->labelled,
				 c->pvalue_adjusted);
			if (dm_result_add_alert(res, DM_SEV_WARNING,
						"PERFORMANCE_DROP", NULL,
						msg) != DM_OK)
				return cli_fail("out of memory");
		}
		if (p->has_estimate && p->estimated_drop[i]) {
			snprintf(msg, sizeof(msg),
				 "estimated %s %.4f (band %.4f..%.4f, CBPE) vs "
				 "reference %.4f",
				 what[i], p->estimate.value[k],
				 p->estimate.lower[k], p->estimate.upper[k],
				 p->ref[i]);
			if (dm_result_add_alert(res, DM_SEV_WARNING,
						"ESTIMATED_PERFORMANCE_DROP",
						NULL, msg) != DM_OK)
				return cli_fail("out of memory");
		}
	}
	return EXIT_OK;
}

/* Joins the window's predictions with the stored labels (when the
 * baseline has a prediction column and labels of this model and version
 * exist, or a reference performance does) and hands the measured and
 * estimated performance to res, with its alerts. */
static int attach_performance(dm_store *st, const char *model,
			      const char *version, const dm_profile *base,
			      time_t start, time_t end, double delay,
			      const char *pred_col, double min_drop,
			      dm_result *res)
{
	dm_refperf ref;
	dm_perf *p;
	dm_diag diag;
	dm_err err;
	size_t i;
	int have_ref = 0, rc;

	for (i = 0; !pred_col && i < base->nfeat; i++)
		if (base->feat[i].role == DM_ROLE_PREDICTION)
			pred_col = base->feat[i].name;
	if (!pred_col)
		return EXIT_OK;
	memset(&ref, 0, sizeof(ref));
	if ((rc = load_reference(st, model, version, &ref, &have_ref)) !=
	    EXIT_OK)
		return rc;
	p = calloc(1, sizeof(*p));
	if (!p) {
		dm_refperf_release(&ref);
		return cli_fail("out of memory");
	}
	dm_diag_clear(&diag);
	err = dm_perf_join(st, model, version, start, end, delay, pred_col, p,
			   &diag);
	if (err == DM_OK && have_ref)
		err = dm_perf_compare(p, &ref, res->config.alpha, min_drop);
	dm_refperf_release(&ref);
	if (err != DM_OK) {
		dm_perf_free(p);
		return cli_fail_err(err, &diag, "cannot join labels");
	}
	if (p->labels_loaded == 0 && !have_ref) {
		dm_perf_free(p);
		return EXIT_OK;
	}
	res->performance = p;
	return perf_alerts(res, p);
}

int cmd_detect(int argc, char **argv)
{
	const char *model = NULL, *version = NULL, *store_flag = NULL,
		   *format = "text", *at_s = NULL, *pred_col = NULL,
		   *ref_window = NULL;
	double label_delay = LABEL_MAX_DELAY_HOURS;
	double min_drop = MIN_PERFORMANCE_DROP;
	char **inputs = calloc(1, sizeof(char *)), *json = NULL,
	     *where = NULL;
	int c, rc = EXIT_OK, strict = 0, fail_on_drift = 0, no_write = 0;
	int longidx = 0, no_hourly = 0;
	cli_settings set;
	cli_outputs outs;
	dm_profile base, cur;
	cli_reference cref;
	cli_trend trend;
	dm_profile_opts po = {0};
	dm_result res;
	dm_store *st = NULL;
	dm_diag diag;
	dm_err err;
	time_t now = time(NULL), at = now, start = 0, end = 0;
	size_t len, i;
	dm_data_account acct;
	cli_written written;
	char ts[32], ws[32], we[32], why[160];

	memset(&res, 0, sizeof(res));
	memset(&acct, 0, sizeof(acct));
	memset(&written, 0, sizeof(written));
	dm_profile_init(&base, NULL);
	dm_profile_init(&cur, NULL);
	memset(&cref, 0, sizeof(cref));
	memset(&trend, 0, sizeof(trend));
	dm_profile_init(&cref.prof, NULL);
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
		case O_NO_HOURLY: no_hourly = 1; break;
		case O_REF_WINDOW: ref_window = optarg; break;
		case O_STORE: store_flag = optarg; break;
		case O_METRICS: outs.metrics_file = optarg; break;
		case O_LABEL_DELAY:
			if (cli_parse_double(optarg, &label_delay) < 0 ||
			    !(label_delay >= 0 &&
			      label_delay <= DM_LABELS_MAX_DELAY_HOURS)) {
				rc = cli_usage("detect", "invalid "
					       "--label-max-delay-hours '%s': "
					       "expected hours from 0 to %d",
					       optarg,
					       DM_LABELS_MAX_DELAY_HOURS);
				goto out;
			}
			break;
		case O_PRED_COL: pred_col = optarg; break;
		case O_MIN_DROP:
			if (cli_parse_double(optarg, &min_drop) < 0 ||
			    !(min_drop >= 0 && min_drop <= 1)) {
				rc = cli_usage("detect", "invalid "
					       "--min-performance-drop '%s': "
					       "expected a number in [0, 1]",
					       optarg);
				goto out;
			}
			break;
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
	if (at_s && cli_parse_time_why(at_s, &at, why, sizeof(why)) < 0) {
		rc = cli_usage("detect", "invalid --at '%s': %s", at_s, why);
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
		for (i = 0; inputs[i]; i++)
			acct.files_read++;
	} else {
		end = at - at % 3600;
		start = end - (time_t)set.window_hours * 3600;
		if (cli_hourly_enabled(no_hourly))
			rc = cli_window_hourly(st, model, version, start, end,
					       &po, !strict, !no_write, &cur,
					       &acct, &trend);
		else
			rc = profile_window(st, start, end, &po, !strict, &cur,
					    &acct);
	}
	cli_progress_done();
	if (rc != EXIT_OK)
		goto out;
	if (end && cur.rows < set.det.min_samples)
		count_outside(st, start, end, &acct);
	acct.rows_other_model = cur.rows_other_model;
	acct.rows_other_version = cur.rows_other_version;
	memcpy(acct.other_model_example, cur.other_model_example,
	       sizeof(acct.other_model_example));
	memcpy(acct.other_version_example, cur.other_version_example,
	       sizeof(acct.other_version_example));
	if (strict && cur.rows_skipped) {
		rc = cli_fail("%llu malformed rows (--strict)",
			      (unsigned long long)cur.rows_skipped);
		goto out;
	}
	if (ref_window &&
	    (rc = cli_reference_window(st, model, version, ref_window, start,
				       end, &po, !strict,
				       cli_hourly_enabled(no_hourly),
				       !no_write, &cref)) != EXIT_OK)
		goto out;
	err = dm_detect(cref.used ? &cref.prof : &base, &cur, &set.det, &res,
			&diag);
	if (err == DM_OK && ((rc = cli_reference_stamp(&cref, &res)) != EXIT_OK ||
			     (rc = cli_trend_attach(&trend, &res)) != EXIT_OK))
		goto out;
	if (err != DM_OK) {
		char what[300];

		snprintf(what, sizeof(what), "cannot compare %s%.200s%s with "
			 "the baseline", inputs[0] ? "'" : "",
			 inputs[0] ? inputs[0] : "the window's logs",
			 inputs[0] ? (inputs[1] ? "' ..." : "'") : "");
		rc = cli_fail_err(err, &diag, what);
		goto out;
	}
	res.data = acct;
	if (end && (rc = attach_performance(st, model, version, &base, start,
					    end, label_delay, pred_col, min_drop,
					    &res)) != EXIT_OK)
		goto out;
	if (acct.files_unreadable) {
		char msg[1000];
		uint64_t nu = acct.files_unreadable;

		snprintf(msg, sizeof(msg),
			 "%" PRIu64 " log file%s could not be read and %s "
			 "skipped (first: %s)",
			 nu, nu == 1 ? "" : "s", nu == 1 ? "was" : "were",
			 acct.first_unreadable);
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
		rc = write_report(st, &res, json, len, &written, &where);
		if (rc != EXIT_OK)
			goto out;
	}
	if (!strcmp(format, "text")) {
		if (end && acct.files_read == 0)
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
				      no_write ? NULL : &written,
				      strcmp(format, "text") ? NULL : stdout);
	if (rc == EXIT_OK && fail_on_drift && res.drift_detected)
		rc = EXIT_DRIFT;
out:
	free(json);
	free(where);
	dm_result_release(&res);
	dm_profile_release(&cur);
	dm_profile_release(&cref.prof);
	free(trend.psi);
	dm_profile_release(&base);
	dm_store_free(st);
	cli_free_list(inputs);
	return rc;
}
