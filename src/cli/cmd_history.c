/* SPDX-License-Identifier: Apache-2.0 */
/*
 * driftmon history: the drift score of a model run by run, from the
 * report history in the store (drift-reports/<model>/<version>/
 * <window end>--<run time>-<nonce>.json), one line per run with the
 * window it covers and when it ran, ordered by window; a sparkline when
 * the output is a terminal.
 */
#include <getopt.h>
#include <math.h>
#include <time.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/termsafe.h"
#include "driftmon/report.h"
#include "driftmon/store.h"

static const char help[] =
	"usage: driftmon history --model NAME [--version V] [--last N]\n"
	"                        [--feature NAME] [--sparkline] [--store URL]\n"
	"\n"
	"Prints the last N runs of a model (all versions, or one): the\n"
	"window each covers (UTC), when it ran, its drift score and verdict,\n"
	"ordered by window end (then run time), from\n"
	"drift-reports/<model>/<version>/*.json, and a sparkline of the\n"
	"score when the output is a terminal.\n"
	"\n"
	"  -m, --model NAME   model name\n"
	"  -v, --version V    only this model version\n"
	"  -n, --last N       runs to show (default 24)\n"
	"  -f, --feature NAME the feature's PSI hour by hour over the\n"
	"                     latest run's window (reports merged from\n"
	"                     hour profiles; docs/hourly-profiles.md)\n"
	"      --sparkline    print the sparkline even when not a terminal\n"
	"      --store URL    storage (default $DRIFTMON_STORE or\n"
	"                     ./driftmon-data)\n"
	"  -h, --help         this help\n";

enum { O_STORE = 256, O_SPARK };

/* Reports read whole (the latest, for --feature). */
#define HISTORY_REPORT_MAX_BYTES (256u << 20)

static const struct option longopts[] = {
	{"model", required_argument, NULL, 'm'},
	{"version", required_argument, NULL, 'v'},
	{"last", required_argument, NULL, 'n'},
	{"feature", required_argument, NULL, 'f'},
	{"sparkline", no_argument, NULL, O_SPARK},
	{"store", required_argument, NULL, O_STORE},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

/* ▁▂▃▄▅▆▇█ scaled to the largest of v[0..n); "·" for NaN (no value).
 * pct: print the figures as percentages. */
static void spark_values(const char *label, const double *v, size_t n, int pct)
{
	static const char *const bars[] = {"\u2581", "\u2582", "\u2583",
					   "\u2584", "\u2585", "\u2586",
					   "\u2587", "\u2588"};
	double max = 0, min = INFINITY, last = NAN, f = pct ? 100.0 : 1.0;
	size_t i, k = 0;

	for (i = 0; i < n; i++) {
		if (isnan(v[i]))
			continue;
		max = v[i] > max ? v[i] : max;
		min = v[i] < min ? v[i] : min;
		last = v[i];
		k++;
	}
	printf("\n%s ", label);
	for (i = 0; i < n; i++) {
		int b;

		if (isnan(v[i])) {
			fputs("\u00b7", stdout);
			continue;
		}
		b = max > 0 ? (int)(v[i] / max * 7.0 + 0.5) : 0;
		fputs(bars[b < 0 ? 0 : b > 7 ? 7 : b], stdout);
	}
	if (k && pct)
		printf("  min %.1f%%, max %.1f%%, last %.1f%%\n", f * min,
		       f * max, f * last);
	else if (k)
		printf("  min %.4f, max %.4f, last %.4f\n", min, max, last);
	else
		printf("  (no verdicts)\n");
}

/* The drift score of runs h[0..n); "·" for a run without verdict. */
static void sparkline(const dm_report_brief *h, size_t n)
{
	double *v = malloc((n ? n : 1) * sizeof(double));
	size_t i;

	if (!v)
		return;
	for (i = 0; i < n; i++)
		v[i] = h[i].insufficient ? NAN : h[i].drift_score;
	spark_values("Drift score", v, n, 1);
	free(v);
}

/* "2025-12-24T17:00:00Z" -> "2025-12-24 17:00" (seconds: ":00" too);
 * anything else unchanged. */
static void readable_time(const char *iso, char *out, size_t n, int seconds)
{
	size_t len = strlen(iso);

	if (len == 20 && iso[10] == 'T' && iso[19] == 'Z')
		snprintf(out, n, "%.10s %.*s", iso, seconds ? 8 : 5, iso + 11);
	else
		snprintf(out, n, "%s", iso);
}

/* --feature: the latest report's PSI of one feature, hour by hour. */
static int feature_trend(dm_store *st, const char *model, const char *version,
			 const char *feature, int spark)
{
	char key[700], start[40], when[40];
	char *text = NULL;
	double *v = NULL;
	size_t len = 0, n = 0, i;
	dm_diag diag;
	dm_err err;
	time_t t0;

	if (version)
		snprintf(key, sizeof(key), "drift-reports/%s/%s/latest.json",
			 model, version);
	else
		snprintf(key, sizeof(key), "drift-reports/%s/latest.json",
			 model);
	dm_diag_clear(&diag);
	err = dm_store_get(st, key, HISTORY_REPORT_MAX_BYTES, &text, &len,
			   &diag);
	if (err == DM_OK)
		err = dm_report_hourly_psi(text, len, key, feature, start,
					   sizeof(start), &v, &n, &diag);
	free(text);
	if (err != DM_OK)
		return cli_fail_err(err, &diag, "cannot read the hourly PSI");
	if (cli_parse_time(start, &t0) < 0) {
		free(v);
		return cli_fail("%s: field 'hourly_psi.start': not a time",
				key);
	}
	printf("PSI of %s hour by hour (%s, %zu hours)\n", term_safe(feature),
	       key, n);
	printf("%-17s %s\n", "HOUR (UTC)", "PSI");
	for (i = 0; i < n; i++) {
		char iso[32];

		cli_iso_time(t0 + (time_t)i * 3600, iso, sizeof(iso));
		readable_time(iso, when, sizeof(when), 0);
		if (isnan(v[i]))
			printf("%-17s -\n", when);
		else
			printf("%-17s %.4f\n", when, v[i]);
	}
	if (spark)
		spark_values("PSI", v, n, 0);
	free(v);
	return EXIT_OK;
}

int cmd_history(int argc, char **argv)
{
	const char *model = NULL, *version = NULL, *store_flag = NULL,
		   *feature = NULL;
	uint64_t last = 24;
	int c, rc = EXIT_OK, spark = isatty(1);
	dm_report_brief *h = NULL;
	size_t n = 0, i;
	dm_store *st = NULL;
	dm_diag diag;
	dm_err err;

	optind = 0;
	while ((c = getopt_long(argc, argv, "+m:v:n:f:h", longopts, NULL)) !=
	       -1) {
		switch (c) {
		case 'm':
			model = optarg;
			break;
		case 'v':
			version = optarg;
			break;
		case 'n':
			if (cli_parse_u64(optarg, &last) < 0 || last < 1 ||
			    last > 100000)
				return cli_usage(
					"history",
					"invalid --last '%s': expected "
					"1 to 100000",
					optarg);
			break;
		case 'f':
			feature = optarg;
			break;
		case O_SPARK:
			spark = 1;
			break;
		case O_STORE:
			store_flag = optarg;
			break;
		case 'h':
			fputs(help, stdout);
			return EXIT_OK;
		default:
			return cli_bad_option("history", argc, argv);
		}
	}
	if (optind < argc)
		return cli_usage("history", "unexpected argument '%s'",
				 argv[optind]);
	if (!model)
		return cli_usage("history", "--model is required");
	if (cli_check_names("history", model, version) != EXIT_OK)
		return EXIT_USAGE;
	if ((rc = cli_open_store_to_read(store_flag, &st)) != EXIT_OK)
		return rc;
	if (feature) {
		rc = feature_trend(st, model, version, feature, spark);
		goto out;
	}
	dm_diag_clear(&diag);
	err = cli_report_history(st, model, version, (size_t)last, &h, &n,
				 &diag);
	if (err != DM_OK) {
		rc = cli_fail_err(err, &diag, "cannot read the report history");
		goto out;
	}
	if (n == 0) {
		printf("No drift reports for %s%s%s in %s yet: run 'driftmon "
		       "detect'.\n",
		       model, version ? " " : "", version ? version : "",
		       cli_store_shown(store_flag));
		goto out;
	}
	printf("%-36s %-19s %-10s %9s %7s %8s %-10s %s\n", "WINDOW (UTC)",
	       "RUN (UTC)", "VERSION", "SAMPLES", "SCORE", "DRIFTED", "ALERTS",
	       "STATUS");
	for (i = 0; i < n; i++) {
		char alerts[48], window[96], ran[40];

		snprintf(alerts, sizeof(alerts), "%lluC/%lluW",
			 (unsigned long long)h[i].alerts_critical,
			 (unsigned long long)h[i].alerts_warning);
		if (h[i].window_start[0] && h[i].window_end[0]) {
			char a[40], b[40];

			readable_time(h[i].window_start, a, sizeof(a), 0);
			readable_time(h[i].window_end, b, sizeof(b), 0);
			snprintf(window, sizeof(window), "%s .. %s", a, b);
		} else {
			snprintf(window, sizeof(window), "(files given)");
		}
		readable_time(h[i].generated_at, ran, sizeof(ran), 1);
		printf("%-36s %-19s %-10s %9llu %6.1f%% %4llu/%-3llu %-10s "
		       "%s\n",
		       window, ran, term_safe(h[i].model_version),
		       (unsigned long long)h[i].samples,
		       100.0 * h[i].drift_score,
		       (unsigned long long)h[i].features_drifted,
		       (unsigned long long)h[i].features_total, alerts,
		       h[i].insufficient     ? "INSUFFICIENT DATA"
		       : h[i].drift_detected ? "DRIFT"
					     : "OK");
	}
	if (spark)
		sparkline(h, n);
out:
	free(h);
	dm_store_free(st);
	return rc;
}
