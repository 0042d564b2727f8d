/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The hourly job (driftmon/job.h): read the baseline and the spec stored
 * with it, profile the analysis window of inference logs (or the files
 * given), decide, join labels, and write the report where the layout
 * (driftmon/layout.h) says:
 *   drift-reports/<model>/<version>/<window end>--<run time>-<nonce>.json
 *       the history copy, created (never replaced) under a unique name,
 *       so no run is lost to a backfill or a concurrent run;
 *   drift-reports/<model>/<version>/latest.json   the version's latest;
 *   drift-reports/<model>/latest.json             the model's latest
 * where "latest" is the report with the latest window end (then run
 * time), replaced by compare-and-swap so racing runs keep the newest.
 * `driftmon detect` is argument parsing around these calls.
 */
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "driftmon/hourprof.h"
#include "driftmon/job.h"
#include "driftmon/labels.h"
#include "driftmon/layout.h"
#include "driftmon/names.h"
#include "driftmon/report.h"
#include "job/job_int.h"

struct dm_job {
	dm_profile base; /* the baseline */
	dm_profile cur;	 /* the window (or the files given) */
	dm_profile ref;	 /* a reference window (nfeat 0: the baseline) */
	dm_result res;	 /* points into base, cur and ref */
	/* the trend of an hourly window: PSI per feature and hour */
	double *trend;
	size_t trend_hours;
	time_t trend_start;
};

/* Puts "what: " before the diag's message (or the error's text when the
 * diag has none); returns err. */
static dm_err fail(dm_diag *diag, dm_err err, const char *what)
{
	char msg[2 * sizeof(diag->msg)];

	if (!diag)
		return err;
	/* a message longer than the diag holds is cut */
	snprintf(msg, sizeof(msg), "%s: %s", what,
		 diag->msg[0] ? diag->msg : dm_strerror(err));
	memcpy(diag->msg, msg, sizeof(diag->msg) - 1);
	diag->msg[sizeof(diag->msg) - 1] = '\0';
	return err;
}

/* "2025-12-24T17:00:00Z" */
static void iso_time(time_t t, char *buf, size_t n)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void __attribute__((format(printf, 3, 4)))
warn(const dm_job_opts *o, dm_job_warning what, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	if (!o->warn)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	o->warn(o->warn_ctx, what, msg);
}

/* ---- The baseline ------------------------------------------------- */

/* Reads and checks the baseline of model and version. */
static dm_err load_baseline(dm_store *st, const char *model,
			    const char *version, dm_profile *out,
			    unsigned threads, dm_diag *diag)
{
	char key[DM_LAYOUT_KEY_MAX], *json = NULL, *loc;
	size_t len = 0;
	dm_err err;

	err = dm_layout_baseline_key(model, version, key, sizeof(key), diag);
	if (err != DM_OK)
		return err;
	dm_diag_clear(diag);
	err = dm_store_get(st, key, 0, &json, &len, diag);
	if (err == DM_ENOENT) {
		loc = dm_store_location(st, key);
		dm_diag_set(diag, err, NULL, 0, NULL,
			    "no baseline for model '%s' version '%s' (looked "
			    "for '%s'); create it with 'driftmon baseline'",
			    model, version, loc ? loc : key);
		free(loc);
		return err;
	}
	if (err != DM_OK)
		return fail(diag, err, "cannot read baseline");
	loc = dm_store_location(st, key);
	err = dm_baseline_from_json_mt(json, len, loc ? loc : key, out, diag,
				       threads);
	free(json);
	if (err != DM_OK) {
		free(loc);
		return fail(diag, err, "bad baseline");
	}
	/* A baseline copied under another model or version would file its
	 * reports under the wrong name: refuse it. */
	if ((out->model && strcmp(out->model, model) != 0) ||
	    (out->model_version && strcmp(out->model_version, version) != 0)) {
		dm_diag_set(diag, DM_EFORMAT, NULL, 0, NULL,
			    "bad baseline: '%s': it is the baseline of model "
			    "'%s' version '%s', stored under model '%s' "
			    "version '%s'",
			    loc ? loc : key, out->model ? out->model : "?",
			    out->model_version ? out->model_version : "?",
			    model, version);
		free(loc);
		return DM_EFORMAT;
	}
	free(loc);
	return DM_OK;
}

/* The spec stored with the baseline: its defaults rank below the
 * settings given (environment, flags).  *min_drop gets the spec's
 * defaults.min_performance_drop when the run gave none (NaN). */
static dm_err apply_stored_spec(dm_job_settings *s, dm_profile *base,
				const char *model, const char *version,
				double *min_drop, dm_diag *diag)
{
	dm_spec spec;
	char name[DM_LAYOUT_KEY_MAX + 8];
	dm_err err;

	if (!base->spec_yaml)
		return DM_OK;
	err = dm_layout_baseline_key(model, version, name, sizeof(name) - 8,
				     diag);
	if (err != DM_OK)
		return err;
	memcpy(name + strlen(name), ": spec", sizeof(": spec"));
	dm_diag_clear(diag);
	err = dm_spec_parse_yaml(base->spec_yaml, strlen(base->spec_yaml), name,
				 &spec, diag);
	if (err != DM_OK)
		return fail(diag, err, "bad baseline");
	dm_job_settings_apply_spec(s, &spec, base);
	if (isnan(*min_drop))
		*min_drop = spec.min_performance_drop;
	dm_spec_release(&spec);
	return DM_OK;
}

/* ---- The window --------------------------------------------------- */

dm_err dm_job_profile_files(const char *const *files,
			    const dm_profile_opts *opts, int lenient,
			    dm_profile *p, dm_diag *diag)
{
	dm_reader_opts ro = {0};
	size_t i;

	ro.lenient = lenient;
	ro.threads = opts ? opts->threads : 1;
	for (i = 0; files && files[i]; i++) {
		dm_reader *r = NULL;
		dm_err err;

		dm_diag_clear(diag);
		err = dm_reader_open_file(files[i], &ro, &r, diag);
		if (err == DM_OK)
			err = dm_profile_add_reader(p, opts, r, diag);
		dm_reader_free(r);
		if (err == DM_OK)
			continue;
		if (diag && !diag->msg[0]) {
			dm_diag_set(diag, err, files[i], 0, NULL, "%s",
				    dm_strerror(err));
		} else if (diag && !diag->file[0]) {
			char msg[sizeof(diag->msg)];

			snprintf(msg, sizeof(msg), "%s", diag->msg);
			dm_diag_set(diag, err, files[i], 0, NULL, "%s", msg);
		}
		return err;
	}
	return DM_OK;
}

/* Profiles one data file of the window: DM_OK, or (lenient) counts it
 * as empty or skipped. */
static dm_err profile_key(dm_store *st, const char *k, const dm_job_opts *o,
			  const dm_profile_opts *po, dm_profile *cur,
			  dm_data_account *acct, dm_diag *diag)
{
	dm_reader_opts ro = {0};
	dm_source *src = NULL;
	dm_reader *r = NULL;
	int lenient = !o->strict;
	dm_err err;

	ro.lenient = lenient;
	ro.threads = po ? po->threads : 1;
	err = dm_store_open_source(st, k, &src, diag);
	if (err == DM_OK)
		err = dm_reader_open(src, &ro, &r, diag);
	if (err == DM_EEMPTY && lenient) {
		/* an empty file (a writer that has not written yet) holds no
		 * rows */
		dm_reader_free(r);
		acct->files_empty++;
		return DM_OK;
	}
	if (err == DM_OK)
		err = dm_profile_add_reader(cur, po, r, diag);
	dm_reader_free(r);
	if (err != DM_OK && lenient && job_skippable(err)) {
		/* One bad file must not blind the monitor: skip it (rows read
		 * before the error stay counted) and raise an alert. */
		const char *why = diag->msg[0] ? diag->msg : k;

		if (acct->files_unreadable++ == 0)
			snprintf(acct->first_unreadable,
				 sizeof(acct->first_unreadable), "%.*s",
				 (int)sizeof(acct->first_unreadable) - 1, why);
		warn(o, DM_JOB_WARN_SKIPPED_FILE, "skipping log file: %s", why);
		return DM_OK;
	}
	if (err != DM_OK)
		return fail(diag, err, "cannot read logs");
	acct->files_read++;
	return DM_OK;
}

/* Profiles every data file under the hour partitions of [start, end);
 * counts files read, empty and unreadable (lenient mode: skipped). */
static dm_err profile_window(dm_store *st, time_t start, time_t end,
			     const dm_job_opts *o, const dm_profile_opts *po,
			     dm_profile *cur, dm_data_account *acct,
			     dm_diag *diag)
{
	time_t h;
	dm_err err = DM_OK;

	acct->from_window = 1;
	for (h = start; h < end && err == DM_OK; h += 3600) {
		char prefix[DM_LAYOUT_KEY_MAX];
		char **keys = NULL;
		size_t n = 0, i;

		err = dm_layout_logs_hour_prefix(h, prefix, sizeof(prefix));
		if (err != DM_OK)
			return fail(diag, err, "cannot list logs");
		dm_diag_clear(diag);
		err = dm_store_list(st, prefix, &keys, &n, diag);
		if (err != DM_OK)
			return fail(diag, err, "cannot list logs");
		for (i = 0; i < n && err == DM_OK; i++) {
			/* Data files only: .csv, .tsv, .parquet. */
			if (!dm_layout_is_data_file(keys[i]))
				continue;
			dm_diag_clear(diag);
			err = profile_key(st, keys[i], o, po, cur, acct, diag);
		}
		dm_store_free_list(keys, n);
	}
	return err;
}

/* dm_hourly_opts.warn: a skipped log file, or an hour profile. */
static void hourly_warn(void *ctx, const char *msg)
{
	const dm_job_opts *o = ctx;
	static const char skip[] = "skipping log file: ";

	warn(o,
	     strncmp(msg, skip, sizeof(skip) - 1) ? DM_JOB_WARN_HOUR_PROFILE
						  : DM_JOB_WARN_SKIPPED_FILE,
	     "%s", msg);
}

/* dm_hourly_opts.on_hour: the hour's PSI of every feature. */
static void trend_hour(void *ctx, const dm_hour_profile *hp)
{
	dm_job *job = ctx;
	const dm_profile *b = &job->base;
	size_t h = (size_t)((hp->hour - job->trend_start) / 3600), i;

	if (h >= job->trend_hours)
		return;
	for (i = 0; i < b->nfeat; i++)
		job->trend[i * job->trend_hours + h] =
			hp->prof.nfeat == b->nfeat
				? dm_feature_psi(&b->feat[i], &hp->prof.feat[i])
				: NAN;
}

/* [start, end) from hour profiles into p (docs/hourly-profiles.md);
 * with trend, the job's trend is collected on the way. */
static dm_err hourly_window(dm_store *st, const dm_job_opts *o, dm_job *job,
			    time_t start, time_t end, const dm_profile_opts *po,
			    int trend, dm_profile *p, dm_data_account *acct,
			    dm_hourly_stats *stats, dm_diag *diag)
{
	dm_hourly_opts ho = {0};
	size_t i, n;

	ho.use_profiles = o->hourly;
	ho.write_profiles = o->hourly && o->write_profiles;
	ho.lenient = !o->strict;
	ho.warn = hourly_warn;
	ho.warn_ctx = (void *)o;
	ho.no_days = o->no_day_rollups;
	if (trend && o->hourly) {
		job->trend_hours = (size_t)((end - start) / 3600);
		job->trend_start = start;
		n = job->base.nfeat * job->trend_hours;
		job->trend = malloc((n ? n : 1) * sizeof(double));
		if (!job->trend)
			return dm_diag_set(diag, DM_ENOMEM, NULL, 0, NULL,
					   "out of memory");
		for (i = 0; i < n; i++)
			job->trend[i] = NAN;
		ho.on_hour = trend_hour;
		ho.hour_ctx = job;
	}
	dm_diag_clear(diag);
	return dm_window_profile_hourly(st, o->model, o->version, start, end,
					po, &ho, p, acct, stats, diag);
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
	if (dm_store_list(st, DM_LAYOUT_LOGS, &keys, &n, &diag) != DM_OK)
		return;
	acct->outside_counted = 1;
	for (i = 0; i < n; i++) {
		time_t t;

		if (!dm_layout_is_data_file(keys[i]) ||
		    dm_layout_hour_parse(DM_LAYOUT_LOGS_ROOT, keys[i], &t) !=
			    DM_OK)
			continue;
		if (t >= start && t < end)
			continue;
		acct->files_outside++;
		if (t < start && t > before)
			before = t;
		if (t >= end && (after < 0 || t < after))
			after = t;
	}
	if (before >= 0)
		iso_time(before, acct->outside_before,
			 sizeof(acct->outside_before));
	if (after >= 0)
		iso_time(after, acct->outside_after,
			 sizeof(acct->outside_after));
	dm_store_free_list(keys, n);
}

/* ---- Performance from labels ------------------------------------- */

/* The stored reference performance; DM_OK with *have 0 when there is
 * none. */
static dm_err load_reference(dm_store *st, const char *model,
			     const char *version, dm_refperf *ref, int *have,
			     dm_diag *diag)
{
	char key[DM_LAYOUT_KEY_MAX], *text = NULL;
	size_t len = 0;
	dm_err err;

	*have = 0;
	err = dm_layout_refperf_key(model, version, key, sizeof(key), diag);
	if (err != DM_OK)
		return err;
	dm_diag_clear(diag);
	err = dm_store_get(st, key, 64u << 20, &text, &len, diag);
	if (err == DM_ENOENT)
		return DM_OK;
	if (err == DM_OK)
		err = dm_refperf_from_json(text, len, key, ref, diag);
	free(text);
	if (err != DM_OK)
		return fail(diag, err, "cannot read the reference performance");
	*have = 1;
	return DM_OK;
}

/* How an alert's message names a metric. */
static const char *metric_words(const char *name)
{
	static const char *const w[][2] = {{"f1", "F1"},
					   {"roc_auc", "ROC AUC"},
					   {"f1_macro", "macro F1"},
					   {"mae", "MAE"},
					   {"rmse", "RMSE"}};
	size_t i;

	for (i = 0; i < sizeof(w) / sizeof(w[0]); i++)
		if (!strcmp(name, w[i][0]))
			return w[i][1];
	return name;
}

static dm_err perf_alerts(dm_result *res, const dm_perf *p, dm_diag *diag)
{
	static const char *const what[DM_PERF_NCMP] = {"accuracy", "F1",
						       "ROC AUC"};
	static const int cbpe_of[DM_PERF_NCMP] = {DM_CBPE_ACCURACY, DM_CBPE_F1,
						  DM_CBPE_ROC_AUC};
	/* the alert's feature field names the metric: one alert per
	 * metric in Alertmanager (its feature label), each resolving */
	static const char *const key[DM_PERF_NCMP] = {"accuracy", "f1",
						      "roc_auc"};
	char msg[300];
	int i;

	for (i = 0; i < DM_PERF_NCMP; i++) {
		const dm_quality_cmp *c = &p->drop[i];
		int k = cbpe_of[i];

		if (c->dropped && c->name) {
			snprintf(msg, sizeof(msg),
				 "measured %s %.6g vs reference %.6g on %llu "
				 "labelled predictions (Holm p = %.3g)",
				 metric_words(c->name), c->window, c->reference,
				 (unsigned long long)p->labelled,
				 c->pvalue_adjusted);
			if (dm_result_add_alert(res, DM_SEV_WARNING,
						"PERFORMANCE_DROP", c->name,
						msg) != DM_OK)
				goto oom;
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
						key[i], msg) != DM_OK)
				goto oom;
		}
	}
	return DM_OK;
oom:
	return dm_diag_set(diag, DM_ENOMEM, NULL, 0, NULL, "out of memory");
}

/* Joins the window's predictions with the stored labels (when the
 * baseline has a prediction column and labels of this model and version
 * exist, or a reference performance does) and hands the measured and
 * estimated performance to res, with its alerts. */
static dm_err attach_performance(dm_store *st, const dm_job_opts *o,
				 const dm_profile *base, time_t start,
				 time_t end, double min_drop, dm_result *res,
				 dm_diag *diag)
{
	const char *pred_col = o->prediction_column;
	dm_refperf ref;
	dm_perf *p;
	dm_err err;
	size_t i;
	int have_ref = 0;

	for (i = 0; !pred_col && i < base->nfeat; i++)
		if (base->feat[i].role == DM_ROLE_PREDICTION)
			pred_col = base->feat[i].name;
	if (!pred_col)
		return DM_OK;
	memset(&ref, 0, sizeof(ref));
	err = load_reference(st, o->model, o->version, &ref, &have_ref, diag);
	if (err != DM_OK)
		return err;
	p = calloc(1, sizeof(*p));
	if (!p) {
		dm_refperf_release(&ref);
		return dm_diag_set(diag, DM_ENOMEM, NULL, 0, NULL,
				   "out of memory");
	}
	dm_diag_clear(diag);
	/* without a reference performance the window's scores matter only
	 * with labels: no labels, no read of the logs */
	if (have_ref)
		err = dm_perf_join(st, o->model, o->version, start, end,
				   o->label_max_delay_hours, pred_col,
				   ref.task ? ref.task : DM_PERF_BINARY_SCORE,
				   p, diag);
	else
		err = dm_perf_join_if_labelled(st, o->model, o->version, start,
					       end, o->label_max_delay_hours,
					       pred_col, p, diag);
	if (err == DM_OK && have_ref)
		err = dm_perf_compare(p, &ref, res->config.alpha, min_drop);
	dm_refperf_release(&ref);
	if (err != DM_OK) {
		dm_perf_free(p);
		return fail(diag, err, "cannot join labels");
	}
	if (p->labels_loaded == 0 && !have_ref) {
		dm_perf_free(p);
		return DM_OK;
	}
	res->performance = p;
	return perf_alerts(res, p, diag);
}

/* ---- One run ------------------------------------------------------ */

static dm_err unreadable_alert(dm_result *res, const dm_data_account *acct,
			       dm_diag *diag)
{
	char msg[1000];
	uint64_t nu = acct->files_unreadable;
	dm_err err;

	if (!nu)
		return DM_OK;
	snprintf(msg, sizeof(msg),
		 "%" PRIu64 " log file%s could not be read and %s skipped "
		 "(first: %s)",
		 nu, nu == 1 ? "" : "s", nu == 1 ? "was" : "were",
		 acct->first_unreadable);
	err = dm_result_add_alert(res, DM_SEV_WARNING, "UNREADABLE_FILES", NULL,
				  msg);
	if (err != DM_OK) {
		dm_diag_clear(diag);
		return fail(diag, err, "cannot compare");
	}
	return DM_OK;
}

/* "cannot compare 'x.csv' with the baseline: ..." */
static dm_err compare_failed(const dm_job_opts *o, dm_err err, dm_diag *diag)
{
	const char *const *in = o->inputs;
	int files = in && in[0];
	char what[300];

	snprintf(what, sizeof(what),
		 "cannot compare %s%.200s%s with the "
		 "baseline",
		 files ? "'" : "", files ? in[0] : "the window's logs",
		 files ? (in[1] ? "' ..." : "'") : "");
	return fail(diag, err, what);
}

static dm_err check_opts(const dm_job_opts *o, dm_diag *diag)
{
	if (!o->model || !o->version)
		return dm_diag_set(diag, DM_EINVAL, NULL, 0, NULL,
				   "a model and a version are required");
	if (dm_name_check("model name", o->model, strlen(o->model), diag) ||
	    dm_name_check("model version", o->version, strlen(o->version),
			  diag))
		return DM_EINVAL;
	if (!(o->label_max_delay_hours >= 0 &&
	      o->label_max_delay_hours <= DM_LABELS_MAX_DELAY_HOURS))
		return dm_diag_set(diag, DM_EINVAL, NULL, 0, NULL,
				   "invalid label delay %g: expected hours "
				   "from 0 to %d",
				   o->label_max_delay_hours,
				   DM_LABELS_MAX_DELAY_HOURS);
	if (!isnan(o->min_performance_drop) &&
	    !(o->min_performance_drop >= 0 && o->min_performance_drop <= 1))
		return dm_diag_set(diag, DM_EINVAL, NULL, 0, NULL,
				   "invalid minimum performance drop %g: "
				   "expected a number in [0, 1]",
				   o->min_performance_drop);
	if (!(o->settings.window_hours >= 1 &&
	      o->settings.window_hours <= 24 * 366))
		return dm_diag_set(diag, DM_EINVAL, NULL, 0, NULL,
				   "invalid window of %g hours: expected 1 "
				   "to 8784",
				   o->settings.window_hours);
	if (o->reference_shift_hours &&
	    (o->reference_shift_hours > DM_JOB_REFERENCE_MAX_HOURS ||
	     (o->inputs && o->inputs[0])))
		return dm_diag_set(diag, DM_EINVAL, NULL, 0, NULL,
				   "invalid reference shift of %u hours: "
				   "1 to %d, and not with input files",
				   o->reference_shift_hours,
				   DM_JOB_REFERENCE_MAX_HOURS);
	if (!o->reference_shift_hours &&
	    (o->reference_start || o->reference_end) &&
	    !(o->reference_end - o->reference_end % 3600 >
		      o->reference_start - o->reference_start % 3600 &&
	      (o->reference_end - o->reference_start) / 3600 <=
		      DM_JOB_REFERENCE_MAX_HOURS))
		return dm_diag_set(diag, DM_EINVAL, NULL, 0, NULL,
				   "invalid reference window: it must end "
				   "after it starts and span at most %d hours",
				   DM_JOB_REFERENCE_MAX_HOURS);
	return DM_OK;
}

/* A reference window was asked for (else the baseline). */
static int has_reference(const dm_job_opts *o)
{
	return o->reference_shift_hours || o->reference_start ||
	       o->reference_end;
}

/* Reads the window (or the files) into job->cur; fills acct. */
static dm_err read_current(dm_store *st, const dm_job_opts *o, dm_job *job,
			   time_t start, time_t end, dm_data_account *acct,
			   dm_diag *diag)
{
	dm_profile_opts po = {0};
	dm_err err;
	size_t i;

	po.reference = &job->base;
	po.model_name = o->model;
	po.model_version = o->version;
	po.strict = o->strict;
	po.threads = o->threads;
	po.progress = o->progress;
	po.progress_ctx = o->progress_ctx;
	/* Files compared once with the baseline: count their values against
	 * its stored ECDF rather than sketch them (dm_profile_opts) */
	po.window_ecdf = !end && !has_reference(o);
	po.window_test = job->res.config.test;
	if (!end) {
		err = dm_job_profile_files(o->inputs, &po, !o->strict,
					   &job->cur, diag);
		if (err == DM_OK) /* the KS p-values on the threads */
			err = dm_profile_ks_prepare(&job->cur, o->threads);
		if (err != DM_OK)
			return fail(diag, err, "cannot read");
		for (i = 0; o->inputs[i]; i++)
			acct->files_read++;
	} else if (o->hourly) {
		err = hourly_window(st, o, job, start, end, &po, 1, &job->cur,
				    acct, o->hourly_stats, diag);
		if (err != DM_OK)
			return fail(diag, err, "cannot read logs");
	} else {
		err = profile_window(st, start, end, o, &po, &job->cur, acct,
				     diag);
		if (err != DM_OK)
			return err;
	}
	for (size_t w = 0; w < job->cur.nwarnings; w++)
		warn(o, DM_JOB_WARN_DATA, "%s", job->cur.warnings[w]);
	if (end && job->cur.rows < job->res.config.min_samples)
		count_outside(st, start, end, acct);
	acct->rows_other_model = job->cur.rows_other_model;
	acct->rows_other_version = job->cur.rows_other_version;
	memcpy(acct->other_model_example, job->cur.other_model_example,
	       sizeof(acct->other_model_example));
	memcpy(acct->other_version_example, job->cur.other_version_example,
	       sizeof(acct->other_version_example));
	if (o->strict && job->cur.rows_skipped)
		return dm_diag_set(diag, DM_EFORMAT, NULL, 0, NULL,
				   "%llu malformed rows (--strict)",
				   (unsigned long long)job->cur.rows_skipped);
	return DM_OK;
}

/* The reference window of o (if any) into job->ref: its hours from
 * profiles like the window's, against the baseline. */
static dm_err read_reference(dm_store *st, const dm_job_opts *o, dm_job *job,
			     time_t start, time_t end, time_t *rs, time_t *re,
			     dm_diag *diag)
{
	dm_profile_opts po = {0};
	char a[32], b[32];
	dm_err err;

	if (o->reference_shift_hours) {
		*rs = start - (time_t)o->reference_shift_hours * 3600;
		*re = end - (time_t)o->reference_shift_hours * 3600;
	} else {
		*rs = o->reference_start - o->reference_start % 3600;
		*re = o->reference_end - o->reference_end % 3600;
	}
	po.reference = &job->base;
	po.model_name = o->model;
	po.model_version = o->version;
	po.strict = o->strict;
	po.threads = o->threads;
	err = hourly_window(st, o, job, *rs, *re, &po, 0, &job->ref, NULL, NULL,
			    diag);
	if (err != DM_OK)
		return fail(diag, err, "cannot read the reference window");
	iso_time(*rs, a, sizeof(a));
	iso_time(*re, b, sizeof(b));
	if (job->ref.rows == 0)
		return dm_diag_set(diag, DM_EEMPTY, NULL, 0, NULL,
				   "the reference window %s .. %s has no rows "
				   "of %s %s",
				   a, b, o->model, o->version);
	/* the report names the model from its reference */
	job->ref.model = strdup(job->base.model ? job->base.model : o->model);
	job->ref.model_version = strdup(
		job->base.model_version ? job->base.model_version : o->version);
	job->res.reference_start = strdup(a);
	job->res.reference_end = strdup(b);
	if (!job->ref.model || !job->ref.model_version ||
	    !job->res.reference_start || !job->res.reference_end)
		return dm_diag_set(diag, DM_ENOMEM, NULL, 0, NULL,
				   "out of memory");
	return DM_OK;
}

/* Hands the reference and the trend to the result (after dm_detect,
 * which starts the result afresh). */
static dm_err stamp_hourly(dm_job *job, char *ref_start, char *ref_end,
			   dm_diag *diag)
{
	char t[32];

	job->res.reference_start = ref_start;
	job->res.reference_end = ref_end;
	job->res.reference_rows = ref_start ? job->ref.rows : 0;
	if (!job->trend)
		return DM_OK;
	iso_time(job->trend_start, t, sizeof(t));
	job->res.hourly_start = strdup(t);
	if (!job->res.hourly_start)
		return dm_diag_set(diag, DM_ENOMEM, NULL, 0, NULL,
				   "out of memory");
	job->res.hourly_psi = job->trend;
	job->res.hourly_hours = job->trend_hours;
	job->trend = NULL;
	return DM_OK;
}

static void stamp(const dm_job_opts *o, dm_result *res, time_t now,
		  time_t start, time_t end, const dm_data_account *acct)
{
	char ts[32], ws[32], we[32];

	iso_time(now, ts, sizeof(ts));
	res->generated_at = strdup(ts);
	if (!end)
		return;
	iso_time(start, ws, sizeof(ws));
	iso_time(end, we, sizeof(we));
	res->window_start = strdup(ws);
	res->window_end = strdup(we);
	if (acct->files_read == 0)
		warn(o, DM_JOB_WARN_NO_LOGS,
		     "no inference logs found for %s .. %s", ws, we);
}

dm_err dm_job_detect(dm_store *st, const dm_job_opts *o, dm_job **out,
		     dm_diag *diag)
{
	dm_job_settings set;
	dm_data_account acct;
	dm_job *job;
	time_t now, at, start = 0, end = 0, rs = 0, re = 0;
	char *ref_start = NULL, *ref_end = NULL;
	double min_drop = o->min_performance_drop; /* flag, spec, built-in */
	dm_err err;

	*out = NULL;
	dm_diag_clear(diag);
	if ((err = check_opts(o, diag)) != DM_OK)
		return err;
	job = calloc(1, sizeof(*job));
	if (!job)
		return dm_diag_set(diag, DM_ENOMEM, NULL, 0, NULL,
				   "out of memory");
	dm_profile_init(&job->base, NULL);
	dm_profile_init(&job->cur, NULL);
	dm_profile_init(&job->ref, NULL);
	memset(&acct, 0, sizeof(acct));
	set = o->settings;
	now = o->now ? o->now : time(NULL);
	at = o->at == DM_JOB_NOW ? now : o->at;
	if (!(o->inputs && o->inputs[0])) {
		end = at - at % 3600;
		start = end - (time_t)set.window_hours * 3600;
	}
	err = load_baseline(st, o->model, o->version, &job->base, o->threads,
			    diag);
	if (err == DM_OK)
		err = apply_stored_spec(&set, &job->base, o->model, o->version,
					&min_drop, diag);
	if (isnan(min_drop))
		min_drop = DM_JOB_MIN_PERFORMANCE_DROP;
	job->res.config = set.det; /* min_samples for read_current */
	if (err == DM_OK)
		err = read_current(st, o, job, start, end, &acct, diag);
	if (err == DM_OK && has_reference(o))
		err = read_reference(st, o, job, start, end, &rs, &re, diag);
	if (err != DM_OK)
		goto out;
	/* dm_detect starts the result afresh: keep the reference's name */
	ref_start = job->res.reference_start;
	ref_end = job->res.reference_end;
	job->res.reference_start = job->res.reference_end = NULL;
	err = dm_detect(job->ref.nfeat ? &job->ref : &job->base, &job->cur,
			&set.det, &job->res, diag);
	if (err != DM_OK) {
		free(ref_start);
		free(ref_end);
		err = compare_failed(o, err, diag);
		goto out;
	}
	err = stamp_hourly(job, ref_start, ref_end, diag);
	if (err != DM_OK)
		goto out;
	job->res.data = acct;
	if (end)
		err = attach_performance(st, o, &job->base, start, end,
					 min_drop, &job->res, diag);
	if (err == DM_OK)
		err = unreadable_alert(&job->res, &acct, diag);
	if (err == DM_OK)
		stamp(o, &job->res, now, start, end, &acct);
out:
	if (err != DM_OK) {
		dm_job_free(job);
		return err;
	}
	*out = job;
	return DM_OK;
}

dm_err dm_job_profile_hours(dm_store *st, const dm_job_opts *o, time_t from,
			    time_t to, unsigned shard_index,
			    unsigned shard_count, int force,
			    dm_hourly_stats *stats, dm_diag *diag)
{
	dm_profile base;
	dm_profile_opts po = {0};
	dm_hourly_opts ho = {0};
	dm_err err;

	dm_diag_clear(diag);
	if ((err = check_opts(o, diag)) != DM_OK)
		return err;
	from -= from % 3600;
	to -= to % 3600;
	if (to <= from || (shard_count && shard_index >= shard_count))
		return dm_diag_set(diag, DM_EINVAL, NULL, 0, NULL,
				   "invalid hours or shard");
	dm_profile_init(&base, NULL);
	err = load_baseline(st, o->model, o->version, &base, 1, diag);
	if (err == DM_OK) {
		po.reference = &base;
		po.model_name = o->model;
		po.model_version = o->version;
		po.strict = o->strict;
		po.threads = o->threads;
		po.progress = o->progress;
		po.progress_ctx = o->progress_ctx;
		ho.use_profiles = 1;
		ho.write_profiles = 1;
		ho.rebuild = force;
		ho.lenient = !o->strict;
		ho.warn = hourly_warn;
		ho.warn_ctx = (void *)o;
		ho.shard_index = shard_index;
		ho.shard_count = shard_count;
		ho.no_days = o->no_day_rollups;
		err = dm_window_profile_hourly(st, o->model, o->version, from,
					       to, &po, &ho, NULL, NULL, stats,
					       diag);
		if (err != DM_OK)
			err = fail(diag, err, "cannot profile logs");
	}
	dm_profile_release(&base);
	return err;
}

dm_result *dm_job_result(dm_job *job)
{
	return job ? &job->res : NULL;
}

const dm_profile *dm_job_baseline(const dm_job *job)
{
	return job ? &job->base : NULL;
}

const dm_profile *dm_job_window(const dm_job *job)
{
	return job ? &job->cur : NULL;
}

void dm_job_free(dm_job *job)
{
	if (!job)
		return;
	dm_result_release(&job->res);
	dm_profile_release(&job->cur);
	dm_profile_release(&job->ref);
	dm_profile_release(&job->base);
	free(job->trend);
	free(job);
}

/* ---- The report's writes ------------------------------------------ */

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

/* "2025-12-24T17:00:00Z" back to seconds; -1 if it is not so spelled. */
static time_t parse_iso(const char *s)
{
	struct tm tm;
	int y, mo, d, h, mi, se, n = 0;

	if (!s ||
	    sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2dZ%n", &y, &mo, &d, &h, &mi, &se,
		   &n) != 6 ||
	    n != 20 || s[n])
		return -1;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = se;
	return timegm(&tm);
}

/* Creates the history copy under a name no other run can hold: the
 * window end and run time, then a random nonce; a name that exists
 * (DM_ECONFLICT from the create-only write) draws another nonce. */
static dm_err write_history(dm_store *st, const dm_result *res,
			    const char *json, size_t len, dm_job_written *w,
			    dm_diag *diag)
{
	time_t wend, gen;
	dm_err err = DM_ECONFLICT;
	int attempt;

	gen = parse_iso(res->generated_at);
	wend = res->window_end ? parse_iso(res->window_end) : gen;
	if (gen < 0 || wend < 0)
		return dm_diag_set(diag, DM_EINVAL, NULL, 0, NULL,
				   "cannot write report: its generated_at "
				   "or window_end is not an ISO-8601 UTC time");
	for (attempt = 0; attempt < 16 && err == DM_ECONFLICT; attempt++) {
		uint32_t nonce = 0;
		char key[DM_LAYOUT_KEY_MAX];

		if (getrandom(&nonce, sizeof(nonce), 0) != sizeof(nonce))
			nonce = (uint32_t)rand() ^ (uint32_t)getpid();
		err = dm_layout_history_key(res->model, res->model_version,
					    wend, gen, nonce, NULL, w->stem,
					    sizeof(w->stem), diag);
		if (err == DM_OK)
			err = dm_layout_history_key(
				res->model, res->model_version, wend, gen,
				nonce, "json", key, sizeof(key), diag);
		if (err != DM_OK)
			break;
		dm_diag_clear(diag);
		err = dm_store_put_if(st, key, json, len, NULL, diag);
	}
	if (err != DM_OK)
		return fail(diag, err, "cannot write report");
	return DM_OK;
}

/* Replaces the latest.json of the version (version set) or the model
 * unless the stored one is newer; *replaced says whether it did. */
static dm_err write_latest(dm_store *st, const dm_result *res,
			   const char *version, const char *json, size_t len,
			   struct order *ours, int *replaced, char *key,
			   size_t n, dm_diag *diag)
{
	dm_err err;

	err = dm_layout_latest_key(res->model, version, "json", key, n, diag);
	if (err == DM_OK) {
		dm_diag_clear(diag);
		err = dm_store_replace_unless(st, key, json, len, newer_report,
					      ours, replaced, diag);
	}
	return err == DM_OK ? DM_OK : fail(diag, err, "cannot write report");
}

dm_err dm_job_write_report(dm_store *st, const dm_result *res, const char *json,
			   size_t len, dm_job_written *w, dm_diag *diag)
{
	struct order ours;
	char key[DM_LAYOUT_KEY_MAX], *built = NULL;
	dm_err err;

	memset(w, 0, sizeof(*w));
	dm_diag_clear(diag);
	if (!json) {
		err = dm_report_to_json(res, &built, &len);
		if (err != DM_OK)
			return fail(diag, err, "cannot build the report");
		json = built;
	}
	err = write_history(st, res, json, len, w, diag);
	if (err != DM_OK)
		goto out;
	ours.end = res->window_end ? res->window_end : res->generated_at;
	ours.generated = res->generated_at;
	/* racing runs: a newer latest.json stays (compare-and-swap) */
	err = write_latest(st, res, res->model_version, json, len, &ours,
			   &w->latest_version, key, sizeof(key), diag);
	if (err == DM_OK)
		err = write_latest(st, res, NULL, json, len, &ours,
				   &w->latest_model, key, sizeof(key), diag);
	if (err != DM_OK)
		goto out;
	if (w->latest_model)
		snprintf(w->key, sizeof(w->key), "%s", key);
	else
		snprintf(w->key, sizeof(w->key), "%.*s.json",
			 (int)sizeof(w->key) - 6, w->stem);
out:
	free(built);
	return err;
}
