/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The hourly job as library calls (include/driftmon/job.h): the same
 * report as `driftmon detect` on the same store (JSON equal but for
 * generated_at), the same warnings, the report writes and their "latest"
 * ordering, the errors, and the settings' precedence.
 *
 * The store is made once by the CLI of the same build (driftmon synth,
 * driftmon baseline), found beside the test binary: <build>/driftmon for
 * <build>/tests/test_job.
 */
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dmtest.h"
#include "driftmon/job.h"
#include "driftmon/layout.h"
#include "driftmon/report.h"
#include "driftmon/store.h"

#define MODEL	"spam-detector"
#define VERSION "v1"
/* 2025-12-24T18:00:00Z: the end of the synthetic logs */
#define END ((time_t)1766599200)

static char cli[PATH_MAX + 16]; /* the driftmon binary */
static char dir[PATH_MAX];	/* scratch folder; the store is dir/store */
static char store[PATH_MAX + 16];

/* Runs the CLI with DRIFTMON_STORE set; stdout into *out (malloc'd),
 * stderr into *err; returns the exit status. */
static int run_cli(const char *args, char **out, char **err)
{
	char cmd[4 * PATH_MAX + 512], path[PATH_MAX + 16];
	FILE *fp;
	size_t len = 0, cap = 1 << 16, k;
	int st;

	snprintf(path, sizeof(path), "%s/stderr", dir);
	snprintf(cmd, sizeof(cmd),
		 "env -u DRIFT_ANALYSIS_WINDOW_HOURS DRIFTMON_STORE=%s %s %s "
		 "2>%s </dev/null",
		 store, cli, args, path);
	fp = popen(cmd, "r");
	assert_non_null(fp);
	*out = malloc(cap);
	assert_non_null(*out);
	while ((k = fread(*out + len, 1, cap - len - 1, fp)) > 0) {
		len += k;
		if (len + 1 == cap) {
			cap *= 2;
			*out = realloc(*out, cap);
			assert_non_null(*out);
		}
	}
	(*out)[len] = '\0';
	st = pclose(fp);
	if (err) {
		fp = fopen(path, "r");
		assert_non_null(fp);
		*err = calloc(1, 1 << 16);
		assert_non_null(*err);
		k = fread(*err, 1, (1 << 16) - 1, fp);
		(*err)[k] = '\0';
		fclose(fp);
	}
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static int setup(void **state)
{
	char *out = NULL, *err = NULL, exe[PATH_MAX], *slash;
	char broken[2 * PATH_MAX];
	ssize_t n;
	FILE *fp;
	int rc;

	(void)state;
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return -1;
	exe[n] = '\0';
	/* <build>/tests/test_job -> <build>/driftmon */
	if (!(slash = strrchr(exe, '/')))
		return -1;
	*slash = '\0';
	if (!(slash = strrchr(exe, '/')))
		return -1;
	*slash = '\0';
	snprintf(cli, sizeof(cli), "%s/driftmon", exe);
	if (access(cli, X_OK) != 0) {
		fprintf(stderr, "test_job: no CLI at %s (make all)\n", cli);
		return -1;
	}
	snprintf(dir, sizeof(dir), "%s/dm-job.XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(dir))
		return -1;
	snprintf(store, sizeof(store), "%s/store", dir);
	rc = run_cli("synth --rows 3000 --hours 3 --rows-per-hour 400 "
		     "--magnitude 1.0 --end 2025-12-24T18:00:00Z --seed 7",
		     &out, &err);
	free(out);
	if (rc != 0) {
		fprintf(stderr, "test_job: synth: %s\n", err);
		free(err);
		return -1;
	}
	free(err);
	{
		char args[PATH_MAX + 160];

		snprintf(args, sizeof(args),
			 "baseline --model " MODEL " --version " VERSION
			 " --input %s/training-data/" MODEL "/train.parquet",
			 store);
		rc = run_cli(args, &out, &err);
	}
	free(out);
	if (rc != 0) {
		fprintf(stderr, "test_job: baseline: %s\n", err);
		free(err);
		return -1;
	}
	free(err);
	/* an unreadable log file in the window: skipped with a warning */
	snprintf(broken, sizeof(broken),
		 "%s/inference-logs/year=2025/month=12/day=24/hour=16/"
		 "broken.parquet",
		 store);
	fp = fopen(broken, "w");
	if (!fp)
		return -1;
	fputs("this is not a Parquet file, whatever its name says\n", fp);
	fclose(fp);
	return 0;
}

static int teardown(void **state)
{
	char cmd[PATH_MAX + 16];

	(void)state;
	if (dir[0] && strncmp(dir, "/", 1) == 0) {
		snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
		if (system(cmd) != 0)
			return -1;
	}
	return 0;
}

/* Warnings the library raised, one per line. */
struct warned {
	char text[4096];
	int skipped, no_logs;
};

static void on_warn(void *ctx, dm_job_warning what, const char *msg)
{
	struct warned *w = ctx;
	size_t n = strlen(w->text);

	if (what == DM_JOB_WARN_SKIPPED_FILE)
		w->skipped++;
	if (what == DM_JOB_WARN_NO_LOGS)
		w->no_logs++;
	snprintf(w->text + n, sizeof(w->text) - n, "%s\n", msg);
}

static dm_store *open_store(void)
{
	dm_store *st = NULL;
	dm_diag d;

	assert_int_equal(dm_store_open(store, &st, &d), DM_OK);
	return st;
}

/* Options as `detect --at AT --window-hours H` without environment. */
static void opts(dm_job_opts *o, time_t at, const char *hours, struct warned *w)
{
	dm_diag d;

	dm_job_opts_init(o);
	o->model = MODEL;
	o->version = VERSION;
	o->at = at;
	o->warn = on_warn;
	o->warn_ctx = w;
	if (hours)
		assert_int_equal(dm_job_settings_set(&o->settings,
						     "window-hours", hours, &d),
				 DM_OK);
}

static json_t *without_time(const char *text)
{
	json_error_t je;
	json_t *j = json_loads(text, 0, &je);

	if (!j)
		fail_msg("not JSON (%s): %.200s", je.text, text);
	json_object_del(j, "generated_at");
	return j;
}

static void job_same_as_cli(void **state)
{
	struct warned w;
	dm_job_opts o;
	dm_job *job = NULL;
	dm_store *st = open_store();
	dm_diag d;
	char *json = NULL, *out = NULL, *err = NULL, line[1200];
	size_t len = 0;
	json_t *a, *b;
	int rc;

	(void)state;
	memset(&w, 0, sizeof(w));
	opts(&o, END + 1800, "3", &w);
	assert_int_equal(dm_job_detect(st, &o, &job, &d), DM_OK);
	assert_int_equal(dm_report_to_json(dm_job_result(job), &json, &len),
			 DM_OK);
	rc = run_cli("detect --model " MODEL " --version " VERSION
		     " --at 2025-12-24T18:30:00Z --window-hours 3 --format "
		     "json --no-write",
		     &out, &err);
	assert_int_equal(rc, 0);
	a = without_time(json);
	b = without_time(out);
	if (!json_equal(a, b))
		fail_msg("library and CLI reports differ:\n%s\n---\n%s", json,
			 out);
	/* it is a real run: drift, 1200 rows, the skipped file alerted */
	assert_true(dm_job_result(job)->drift_detected);
	assert_int_equal(dm_job_result(job)->samples, 1200);
	assert_non_null(strstr(json, "UNREADABLE_FILES"));
	assert_int_equal(w.skipped, 1);
	assert_int_equal(w.no_logs, 0);
	/* the CLI printed the library's warning, prefixed */
	snprintf(line, sizeof(line), "driftmon: warning: %.*s", 1000, w.text);
	if (!strstr(err, line))
		fail_msg("CLI stderr '%s' lacks '%s'", err, line);
	assert_string_equal(dm_job_result(job)->window_end,
			    "2025-12-24T18:00:00Z");
	assert_string_equal(dm_job_result(job)->window_start,
			    "2025-12-24T15:00:00Z");
	assert_int_equal(dm_job_window(job)->rows, 1200);
	assert_non_null(dm_job_baseline(job));
	json_decref(a);
	json_decref(b);
	free(json);
	free(out);
	free(err);
	dm_job_free(job);
	dm_store_free(st);
}

/* The key that holds the report's window end, in the stored latest. */
static void latest_window_end(dm_store *st, const char *version,
			      const char *want)
{
	char key[DM_LAYOUT_KEY_MAX], *text = NULL;
	size_t len = 0;
	dm_report_brief b;
	dm_diag d;

	assert_int_equal(dm_layout_latest_key(MODEL, version, "json", key,
					      sizeof(key), &d),
			 DM_OK);
	assert_int_equal(dm_store_get(st, key, 0, &text, &len, &d), DM_OK);
	assert_int_equal(dm_report_brief_parse(text, len, key, &b, &d), DM_OK);
	assert_string_equal(b.window_end, want);
	free(text);
}

static void job_write_report_latest(void **state)
{
	struct warned w;
	dm_job_opts o;
	dm_job *newer = NULL, *older = NULL;
	dm_job_written wn, wo;
	dm_store *st = open_store();
	dm_diag d;
	char prefix[DM_LAYOUT_KEY_MAX], **keys = NULL;
	size_t n = 0, i, hist = 0;

	(void)state;
	memset(&w, 0, sizeof(w));
	opts(&o, END, "3", &w);
	assert_int_equal(dm_job_detect(st, &o, &newer, &d), DM_OK);
	opts(&o, END - 3600, "2", &w);
	assert_int_equal(dm_job_detect(st, &o, &older, &d), DM_OK);
	/* the newer window first; then a backfill of an older one */
	assert_int_equal(
		dm_job_write_report(st, dm_job_result(newer), NULL, 0, &wn, &d),
		DM_OK);
	assert_true(wn.latest_version && wn.latest_model);
	assert_string_equal(wn.key, "drift-reports/" MODEL "/latest.json");
	assert_int_equal(
		dm_job_write_report(st, dm_job_result(older), NULL, 0, &wo, &d),
		DM_OK);
	assert_false(wo.latest_version || wo.latest_model);
	/* the backfill is only history, under its own unique name */
	assert_non_null(strstr(wo.key, "drift-reports/" MODEL "/" VERSION
				       "/20251224T170000Z--"));
	assert_int_equal(strlen(wo.key), strlen(wo.stem) + 5);
	assert_int_equal(strncmp(wo.key, wo.stem, strlen(wo.stem)), 0);
	assert_string_not_equal(wo.stem, wn.stem);
	latest_window_end(st, VERSION, "2025-12-24T18:00:00Z");
	latest_window_end(st, NULL, "2025-12-24T18:00:00Z");
	/* the same newer report again: a new history copy, latest kept */
	assert_int_equal(
		dm_job_write_report(st, dm_job_result(newer), NULL, 0, &wo, &d),
		DM_OK);
	assert_string_not_equal(wo.stem, wn.stem);
	assert_int_equal(dm_layout_reports_prefix(MODEL, VERSION, prefix,
						  sizeof(prefix), &d),
			 DM_OK);
	assert_int_equal(dm_store_list(st, prefix, &keys, &n, &d), DM_OK);
	for (i = 0; i < n; i++)
		if (strstr(keys[i], "--") && strstr(keys[i], ".json"))
			hist++;
	assert_true(hist >= 3);
	dm_store_free_list(keys, n);
	dm_job_free(newer);
	dm_job_free(older);
	dm_store_free(st);
}

static void job_empty_window(void **state)
{
	struct warned w;
	dm_job_opts o;
	dm_job *job = NULL;
	dm_store *st = open_store();
	dm_diag d;

	(void)state;
	memset(&w, 0, sizeof(w));
	opts(&o, (time_t)1704067200 /* 2024-01-01 */, NULL, &w);
	assert_int_equal(dm_job_detect(st, &o, &job, &d), DM_OK);
	assert_int_equal(w.no_logs, 1);
	assert_string_equal(w.text, "no inference logs found for "
				    "2023-12-31T00:00:00Z .. "
				    "2024-01-01T00:00:00Z\n");
	assert_true(dm_job_result(job)->insufficient);
	assert_false(dm_job_result(job)->drift_detected);
	/* the logs outside the window were looked for */
	assert_true(dm_job_result(job)->data.outside_counted);
	assert_string_equal(dm_job_result(job)->data.outside_after,
			    "2025-12-24T15:00:00Z");
	dm_job_free(job);
	dm_store_free(st);
}

static void job_files(void **state)
{
	char train[PATH_MAX + 96];
	const char *inputs[2] = {train, NULL};
	struct warned w;
	dm_job_opts o;
	dm_job *job = NULL;
	dm_store *st = open_store();
	dm_diag d;

	(void)state;
	memset(&w, 0, sizeof(w));
	snprintf(train, sizeof(train),
		 "%s/training-data/" MODEL "/train.parquet", store);
	opts(&o, END, NULL, &w);
	o.inputs = inputs;
	assert_int_equal(dm_job_detect(st, &o, &job, &d), DM_OK);
	assert_null(dm_job_result(job)->window_end);
	assert_int_equal(dm_job_result(job)->samples, 3000);
	assert_false(dm_job_result(job)->drift_detected);
	assert_int_equal(dm_job_result(job)->data.files_read, 1);
	dm_job_free(job);
	/* a file that is not there: the error names it */
	inputs[0] = "/nonexistent/x.csv";
	assert_int_not_equal(dm_job_detect(st, &o, &job, &d), DM_OK);
	assert_null(job);
	assert_non_null(strstr(d.msg, "cannot read: "));
	assert_non_null(strstr(d.msg, "/nonexistent/x.csv"));
	dm_store_free(st);
}

static void job_errors(void **state)
{
	struct warned w;
	dm_job_opts o;
	dm_job *job = (dm_job *)&w; /* set to NULL on error */
	dm_store *st = open_store();
	dm_diag d;

	(void)state;
	opts(&o, END, NULL, &w);
	o.version = "v9";
	assert_int_equal(dm_job_detect(st, &o, &job, &d), DM_ENOENT);
	assert_null(job);
	if (strncmp(d.msg,
		    "no baseline for model 'spam-detector' version 'v9' "
		    "(looked for '",
		    60) != 0 ||
	    !strstr(d.msg, "baselines/spam-detector/v9/baseline.json'); "
			   "create it with 'driftmon baseline'"))
		fail_msg("message: %s", d.msg);
	o.version = "../v1";
	assert_int_equal(dm_job_detect(st, &o, &job, &d), DM_EINVAL);
	assert_non_null(strstr(d.msg, "model version"));
	o.version = NULL;
	assert_int_equal(dm_job_detect(st, &o, &job, &d), DM_EINVAL);
	o.version = VERSION;
	o.label_max_delay_hours = -1;
	assert_int_equal(dm_job_detect(st, &o, &job, &d), DM_EINVAL);
	o.label_max_delay_hours = 72;
	o.min_performance_drop = 2;
	assert_int_equal(dm_job_detect(st, &o, &job, &d), DM_EINVAL);
	o.min_performance_drop = 0.02;
	/* strict: the broken file is an error, not a warning */
	o.strict = 1;
	assert_int_equal(
		dm_job_settings_set(&o.settings, "window-hours", "3", &d),
		DM_OK);
	assert_int_not_equal(dm_job_detect(st, &o, &job, &d), DM_OK);
	assert_non_null(strstr(d.msg, "cannot read logs: "));
	assert_non_null(strstr(d.msg, "broken.parquet"));
	dm_store_free(st);
}

static void job_settings_precedence(void **state)
{
	dm_job_settings s;
	dm_spec spec;
	dm_diag d;

	(void)state;
	setenv("DRIFT_PSI_THRESHOLD", "0.3", 1);
	setenv("DRIFT_ANALYSIS_WINDOW_HOURS", "6", 1);
	assert_int_equal(dm_job_settings_from_env(&s, &d), DM_OK);
	unsetenv("DRIFT_PSI_THRESHOLD");
	unsetenv("DRIFT_ANALYSIS_WINDOW_HOURS");
	assert_true(s.det.psi_threshold == 0.3);
	assert_true(s.window_hours == 6);
	assert_true(dm_job_settings_given(&s, "psi-threshold"));
	assert_false(dm_job_settings_given(&s, "alpha"));
	/* a flag wins over the environment */
	assert_int_equal(dm_job_settings_set(&s, "psi-threshold", "0.4", &d),
			 DM_OK);
	assert_true(s.det.psi_threshold == 0.4);
	/* the spec fills only what was not given */
	dm_spec_init(&spec);
	spec.psi_threshold = 0.9;
	spec.alpha = 0.02;
	dm_job_settings_apply_spec(&s, &spec, NULL);
	assert_true(s.det.psi_threshold == 0.4);
	assert_true(s.det.alpha == 0.02);
	dm_spec_release(&spec);
	/* errors in the CLI's words */
	assert_int_equal(dm_job_settings_set(&s, "alpha", "2", &d), DM_EINVAL);
	assert_string_equal(d.msg, "invalid --alpha '2': expected a "
				   "significance level in (0, 0.5]");
	assert_int_equal(dm_job_settings_set(&s, "test", "nope", &d),
			 DM_EINVAL);
	assert_non_null(strstr(d.msg, "invalid --test 'nope': expected one "
				      "of "));
	assert_int_equal(dm_job_settings_set(&s, "colour", "x", &d), DM_ENOENT);
	setenv("DRIFT_MIN_SAMPLES", "1.5", 1);
	assert_int_equal(dm_job_settings_from_env(&s, &d), DM_EINVAL);
	unsetenv("DRIFT_MIN_SAMPLES");
	assert_string_equal(d.msg, "invalid DRIFT_MIN_SAMPLES='1.5': "
				   "expected a whole number >= 1");
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(job_same_as_cli),
		cmocka_unit_test(job_write_report_latest),
		cmocka_unit_test(job_empty_window),
		cmocka_unit_test(job_files),
		cmocka_unit_test(job_errors),
		cmocka_unit_test(job_settings_precedence),
	};

	if (argc > 1)
		cmocka_set_test_filter(argv[1]);
	return cmocka_run_group_tests_name("job", tests, setup, teardown);
}
