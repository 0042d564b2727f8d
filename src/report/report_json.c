/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The JSON drift report (docs/report-format.md) and its brief parser.
 * Reports are built from profiles, never from raw rows, so their size
 * does not grow with the data.
 */
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/jsonw.h"
#include "report/report_perf.h"
#include "driftmon/report.h"

static const double qs[] = {0.01, 0.05, 0.25, 0.50, 0.75, 0.95, 0.99};
static const char *const qn[] = {"p01", "p05", "p25", "p50",
				 "p75", "p95", "p99"};
#define NQ		   (sizeof(qs) / sizeof(qs[0]))
#define MAX_CATS_IN_REPORT 50
/* A numeric side with at most this many distinct values gets its exact
 * step ECDF ("ecdf_steps"): a discrete feature drawn through quantiles
 * would show values that never occur. */
#define MAX_ECDF_STEPS 24

/* "ecdf_steps": {"values": [...], "cdf": [...]} from the sketch (or the
 * ECDF counts) when it holds few distinct values; nothing otherwise. */
static void ecdf_steps(jw *w, const dm_feature *f)
{
	double *v = NULL, x[MAX_ECDF_STEPS], c[MAX_ECDF_STEPS];
	uint64_t *wt = NULL, total = 0, run = 0;
	size_t n = 0, i, k = 0;
	int exact;

	/* not when some items stand for unknown values (a window counted
	 * against the baseline's ECDF with values between its points) */
	if (dm_feature_items(f, &v, &wt, &n, &exact) != DM_OK || n == 0 ||
	    !exact)
		goto out;
	for (i = 0; i < n; i++)
		total += wt[i];
	for (i = 0; i < n; i++) {
		run += wt[i];
		if (i + 1 < n && v[i + 1] == v[i])
			continue;
		if (k == MAX_ECDF_STEPS)
			goto out; /* too many: not discrete */
		x[k] = v[i];
		c[k++] = (double)run / (double)total;
	}
	jw_key(w, "ecdf_steps");
	jw_obj(w);
	jw_key(w, "values");
	jw_arr(w);
	for (i = 0; i < k; i++)
		jw_num(w, x[i]);
	jw_arr_end(w);
	jw_key(w, "cdf");
	jw_arr(w);
	for (i = 0; i < k; i++)
		jw_num(w, c[i]);
	jw_arr_end(w);
	jw_obj_end(w);
out:
	free(v);
	free(wt);
}

static void side(jw *w, const dm_feature *f, const dm_feature *ref)
{
	uint64_t total = f->count + f->missing + f->invalid;
	size_t i;

	jw_obj(w);
	jw_key(w, "count");
	jw_u64(w, f->count);
	jw_key(w, "missing");
	jw_u64(w, f->missing);
	jw_key(w, "invalid");
	jw_u64(w, f->invalid);
	jw_key(w, "missing_rate");
	jw_num(w, total ? (double)f->missing / (double)total : NAN);
	jw_key(w, "invalid_rate");
	jw_num(w, total ? (double)f->invalid / (double)total : NAN);
	if (f->type == DM_FEATURE_NUMERIC) {
		double q[NQ];

		jw_key(w, "mean");
		jw_num(w, f->mom.n ? f->mom.mean : NAN);
		jw_key(w, "std");
		jw_num(w, dm_moments_std(&f->mom));
		jw_key(w, "min");
		jw_num(w, f->mom.n ? f->mom.min : NAN);
		jw_key(w, "max");
		jw_num(w, f->mom.n ? f->mom.max : NAN);
		if (dm_feature_quantiles(f, qs, NQ, q) != DM_OK)
			for (i = 0; i < NQ; i++)
				q[i] = NAN;
		jw_key(w, "quantiles");
		jw_obj(w);
		for (i = 0; i < NQ; i++) {
			jw_key(w, qn[i]);
			jw_num(w, q[i]);
		}
		jw_obj_end(w);
		jw_key(w, "bin_proportions");
		jw_arr(w);
		for (i = 0; f->bins && i <= f->nedges; i++)
			jw_num(w,
			       f->count ? (double)f->bins[i] / (double)f->count
					: NAN);
		jw_arr_end(w);
		ecdf_steps(w, f);
	} else {
		/* Proportions over the reference's categories (the
		 * baseline's own when ref == f), then other / unseen. */
		jw_key(w, "categories");
		jw_obj(w);
		for (i = 0; i < ref->ncats && i < MAX_CATS_IN_REPORT; i++) {
			uint64_t c = 0;
			size_t j;

			for (j = 0; j < f->ncats; j++)
				if (!strcmp(f->cats[j].value,
					    ref->cats[i].value)) {
					c = f->cats[j].count;
					break;
				}
			jw_key(w, ref->cats[i].value);
			jw_num(w,
			       f->count ? (double)c / (double)f->count : NAN);
		}
		jw_obj_end(w);
		if (f != ref) {
			jw_key(w, "unseen_categories");
			jw_arr(w);
			for (i = ref->ncats;
			     i < f->ncats &&
			     i < ref->ncats + MAX_CATS_IN_REPORT;
			     i++)
				jw_str(w, f->cats[i].value);
			jw_arr_end(w);
		}
	}
	jw_obj_end(w);
}

static void num_or_null(jw *w, const char *k, double x)
{
	jw_key(w, k);
	jw_num(w, x);
}

static void str_or_null(jw *w, const char *k, const char *s)
{
	jw_key(w, k);
	if (s && *s)
		jw_str(w, s);
	else
		jw_null(w);
}

/* "data": where the rows went (docs/report-format.md), and the
 * "samples_note" that explains it in one line. */
static void data_block(jw *w, const dm_result *r)
{
	const dm_data_account *d = &r->data;
	char *note = dm_report_samples_note(r);

	jw_key(w, "data");
	jw_obj(w);
	jw_key(w, "source");
	jw_str(w, d->from_window ? "window" : "files");
	jw_key(w, "files_read");
	jw_u64(w, d->files_read);
	jw_key(w, "files_empty");
	jw_u64(w, d->files_empty);
	jw_key(w, "files_unreadable");
	jw_u64(w, d->files_unreadable);
	str_or_null(w, "first_unreadable", d->first_unreadable);
	jw_key(w, "rows_other_model");
	jw_u64(w, d->rows_other_model);
	str_or_null(w, "other_model_example", d->other_model_example);
	jw_key(w, "rows_other_version");
	jw_u64(w, d->rows_other_version);
	str_or_null(w, "other_version_example", d->other_version_example);
	jw_key(w, "rows_malformed");
	jw_u64(w, r->rows_skipped);
	jw_key(w, "files_outside_window");
	if (d->outside_counted)
		jw_u64(w, d->files_outside);
	else
		jw_null(w);
	str_or_null(w, "latest_hour_before_window", d->outside_before);
	str_or_null(w, "earliest_hour_after_window", d->outside_after);
	jw_obj_end(w);
	str_or_null(w, "samples_note", note);
	free(note);
}

/* The multivariate check (docs/report-format.md): present when the
 * baseline has a multivariate profile; error and band null when it was
 * not checked (too few complete rows). */
static void write_multivariate(jw *w, const dm_mv_result *m)
{
	jw_key(w, "multivariate");
	jw_obj(w);
	jw_key(w, "checked");
	jw_bool(w, m->checked);
	jw_key(w, "drifted");
	jw_bool(w, m->drifted);
	jw_key(w, "error");
	if (m->checked)
		jw_num(w, m->error);
	else
		jw_null(w);
	jw_key(w, "band");
	if (m->checked) {
		jw_arr(w);
		jw_num(w, m->lo);
		jw_num(w, m->hi);
		jw_arr_end(w);
	} else {
		jw_null(w);
	}
	jw_key(w, "reference_error");
	jw_num(w, m->reference);
	jw_key(w, "columns");
	jw_u64(w, m->columns);
	jw_key(w, "components");
	jw_u64(w, m->components);
	jw_key(w, "variance_share");
	jw_num(w, m->share);
	jw_key(w, "rows_used");
	jw_u64(w, m->rows);
	jw_key(w, "rows_skipped");
	jw_u64(w, m->rows_skipped);
	jw_obj_end(w);
}

/* The feature's PSI hour by hour (docs/hourly-profiles.md, "The
 * trend"): the first hour and one value (or null) per hour. */
static void hourly_block(jw *w, const dm_result *r, size_t i)
{
	size_t h;

	jw_key(w, "hourly_psi");
	jw_obj(w);
	jw_key(w, "start");
	jw_str(w, r->hourly_start);
	jw_key(w, "values");
	jw_arr(w);
	for (h = 0; h < r->hourly_hours; h++) {
		double x = r->hourly_psi[i * r->hourly_hours + h];

		if (isfinite(x))
			jw_num(w, x);
		else
			jw_null(w);
	}
	jw_arr_end(w);
	jw_obj_end(w);
}

/* What the window was compared with: the training baseline or an
 * earlier production window (docs/report-format.md, "reference"). */
static void reference_block(jw *w, const dm_result *r)
{
	jw_key(w, "reference");
	jw_obj(w);
	jw_key(w, "kind");
	jw_str(w, r->reference_start ? "window" : "baseline");
	if (r->reference_start) {
		jw_key(w, "start");
		jw_str(w, r->reference_start);
		jw_key(w, "end");
		jw_str(w, r->reference_end);
		jw_key(w, "rows");
		jw_u64(w, r->reference_rows);
	}
	jw_obj_end(w);
}

/* The report's head: version, model, window, reference and samples. */
static void head_block(jw *w, const dm_result *r)
{
	jw_key(w, "report_version");
	jw_u64(w, DM_REPORT_FORMAT_VERSION);
	jw_key(w, "generator");
	jw_str(w, "driftmon " DM_VERSION);
	jw_key(w, "model");
	jw_str(w, r->model);
	jw_key(w, "model_version");
	jw_str(w, r->model_version);
	jw_key(w, "generated_at");
	jw_str(w, r->generated_at);
	jw_key(w, "window");
	jw_obj(w);
	jw_key(w, "start");
	jw_str(w, r->window_start);
	jw_key(w, "end");
	jw_str(w, r->window_end);
	jw_obj_end(w);
	reference_block(w, r);
	jw_key(w, "samples");
	jw_u64(w, r->samples);
	jw_key(w, "rows_skipped");
	jw_u64(w, r->rows_skipped);
	jw_key(w, "rows_filtered");
	jw_u64(w, r->rows_filtered);
}

/* The verdict and the decision settings it was reached with. */
static void verdict_block(jw *w, const dm_result *r)
{
	const dm_detect_config *c = &r->config;

	jw_key(w, "status");
	jw_str(w, r->insufficient     ? "insufficient_data"
		  : r->drift_detected ? "drift"
				      : "ok");
	jw_key(w, "drift_detected");
	jw_bool(w, r->drift_detected);
	jw_key(w, "drift_score");
	jw_num(w, r->drift_score);
	jw_key(w, "features_drifted");
	jw_u64(w, r->features_drifted);
	jw_key(w, "features_total");
	jw_u64(w, r->features_total);
	jw_key(w, "thresholds");
	jw_obj(w);
	num_or_null(w, "psi", c->psi_threshold);
	num_or_null(w, "psi_minor", c->psi_minor);
	num_or_null(w, "alpha", c->alpha);
	num_or_null(w, "min_ks_d", c->min_ks_d);
	jw_key(w, "test");
	jw_str(w,
	       c->test ? dm_test_info_of((dm_test_id)c->test)->name : "auto");
	num_or_null(w, "test_threshold", c->test_threshold);
	num_or_null(w, "critical", c->critical_threshold);
	jw_key(w, "min_samples");
	jw_u64(w, c->min_samples);
	jw_obj_end(w);
}

/* The alerts, the ignored columns and the columns not monitored. */
static void alerts_block(jw *w, const dm_result *r)
{
	size_t i;

	jw_key(w, "alerts");
	jw_arr(w);
	for (i = 0; i < r->nalerts; i++) {
		const dm_alert *a = &r->alerts[i];

		jw_obj(w);
		jw_key(w, "severity");
		jw_str(w,
		       a->severity == DM_SEV_CRITICAL ? "CRITICAL" : "WARNING");
		jw_key(w, "code");
		jw_str(w, a->code);
		jw_key(w, "message");
		jw_str(w, a->message);
		jw_key(w, "feature");
		if (a->feature[0])
			jw_str(w, a->feature);
		else
			jw_null(w);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_key(w, "ignored_columns");
	jw_arr(w);
	for (i = 0; i < r->nignored; i++)
		jw_str(w, r->ignored_columns[i]);
	jw_arr_end(w);
	jw_key(w, "columns_not_monitored");
	jw_arr(w);
	for (i = 0; i < r->nfeatures; i++) {
		const dm_feature_result *f = &r->features[i];

		if (f->status != DM_STATUS_NOT_MONITORED)
			continue;
		jw_obj(w);
		jw_key(w, "name");
		jw_str(w, f->base->name);
		jw_key(w, "role");
		jw_str(w, dm_role_name(f->base->role));
		jw_obj_end(w);
	}
	jw_arr_end(w);
}

/* Monitored feature i: its tests, hourly PSI, bins, and the baseline's
 * and the window's sides. */
static void feature_block(jw *w, const dm_result *r, size_t i)
{
	const dm_feature_result *f = &r->features[i];
	const dm_feature *b = f->base;
	size_t j;

	jw_obj(w);
	jw_key(w, "name");
	jw_str(w, b->name);
	jw_key(w, "type");
	jw_str(w, dm_feature_type_name(b->type));
	jw_key(w, "status");
	jw_str(w, dm_status_name(f->status));
	jw_key(w, "drifted");
	jw_bool(w, f->drifted);
	jw_key(w, "importance");
	jw_num(w, b->importance);
	num_or_null(w, "psi", f->psi);
	num_or_null(w, "ks_statistic", f->ks_statistic);
	num_or_null(w, "ks_pvalue", f->ks_pvalue);
	jw_key(w, "ks_method");
	jw_str(w, f->ks_method);
	jw_key(w, "ks_exact");
	jw_bool(w, f->ks_exact);
	num_or_null(w, "ks_statistic_error_bound", f->ks_d_error);
	num_or_null(w, "chi2_statistic", f->chi2_statistic);
	num_or_null(w, "chi2_pvalue", f->chi2_pvalue);
	str_or_null(w, "test", f->test);
	num_or_null(w, "test_statistic", f->test_statistic);
	num_or_null(w, "test_pvalue", f->test_pvalue);
	num_or_null(w, "test_threshold", f->test_threshold);
	num_or_null(w, "test_statistic_error_bound", f->test_error);
	num_or_null(w, "pvalue_adjusted", f->pvalue_adjusted);
	if (r->hourly_psi)
		hourly_block(w, r, i);
	if (b->type == DM_FEATURE_NUMERIC) {
		jw_key(w, "bin_edges");
		jw_arr(w);
		for (j = 0; j < b->nedges; j++)
			jw_num(w, b->edges[j]);
		jw_arr_end(w);
	} else {
		jw_key(w, "unseen");
		jw_u64(w, f->unseen);
	}
	jw_key(w, "baseline");
	side(w, b, b);
	jw_key(w, "current");
	if (f->cur && f->cur->present)
		side(w, f->cur, b);
	else
		jw_null(w);
	jw_obj_end(w);
}

dm_err dm_report_to_json(const dm_result *r, char **out, size_t *len)
{
	jw w;
	size_t i;

	jw_init(&w, 0, 1);
	jw_obj(&w);
	head_block(&w, r);
	data_block(&w, r);
	verdict_block(&w, r);
	if (r->performance)
		dm_report_perf_json(&w, r->performance);
	if (r->multivariate.columns)
		write_multivariate(&w, &r->multivariate);
	alerts_block(&w, r);
	jw_key(&w, "features");
	jw_arr(&w);
	for (i = 0; i < r->nfeatures; i++)
		if (r->features[i].status != DM_STATUS_NOT_MONITORED)
			feature_block(&w, r, i);
	jw_arr_end(&w);
	jw_obj_end(&w);
	return jw_finish(&w, out, len);
}

static void copy_str(json_t *o, const char *k, char *dst, size_t n)
{
	const char *s = json_string_value(json_object_get(o, k));

	snprintf(dst, n, "%s", s ? s : "");
}

static double num_or_nan(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);

	return json_is_number(v) ? json_number_value(v) : NAN;
}

static void perf_brief(json_t *perf, dm_report_brief *b)
{
	json_t *est =
		json_object_get(json_object_get(perf, "estimated"), "accuracy");

	b->acc_measured = num_or_nan(perf, "accuracy");
	b->acc_reference = num_or_nan(
		json_object_get(json_object_get(perf, "reference"), "accuracy"),
		"value");
	b->acc_estimated = num_or_nan(est, "value");
	b->acc_est_lower = num_or_nan(est, "lower");
	b->acc_est_upper = num_or_nan(est, "upper");
	b->f1_measured = num_or_nan(perf, "f1");
	if (isnan(b->f1_measured))
		b->f1_measured = num_or_nan(perf, "f1_macro");
	b->auc_measured = num_or_nan(perf, "roc_auc");
}

dm_err dm_report_brief_parse(const char *json, size_t len, const char *name,
			     dm_report_brief *b, dm_diag *diag)
{
	json_error_t je;
	json_t *root = json_loadb(json, len, 0, &je), *alerts, *a;
	size_t i;
	dm_err err = DM_OK;

	memset(b, 0, sizeof(*b));
	if (!root)
		return dm_diag_set(diag, DM_EFORMAT, name, 0, NULL,
				   "not valid JSON (line %d: %s)", je.line,
				   je.text);
	if (!json_is_integer(json_object_get(root, "report_version"))) {
		err = dm_diag_set(diag, DM_EFORMAT, name, 0, NULL,
				  "field 'report_version': missing");
		goto out;
	}
	if (json_integer_value(json_object_get(root, "report_version")) <
		    DM_REPORT_FORMAT_OLDEST ||
	    json_integer_value(json_object_get(root, "report_version")) >
		    DM_REPORT_FORMAT_VERSION) {
		err = dm_diag_set(diag, DM_EVERSION, name, 0, NULL,
				  "report_version %lld is not supported",
				  (long long)json_integer_value(json_object_get(
					  root, "report_version")));
		goto out;
	}
	copy_str(root, "model", b->model, sizeof(b->model));
	copy_str(root, "model_version", b->model_version,
		 sizeof(b->model_version));
	copy_str(root, "generated_at", b->generated_at,
		 sizeof(b->generated_at));
	copy_str(json_object_get(root, "window"), "start", b->window_start,
		 sizeof(b->window_start));
	copy_str(json_object_get(root, "window"), "end", b->window_end,
		 sizeof(b->window_end));
	b->samples =
		(uint64_t)json_integer_value(json_object_get(root, "samples"));
	b->drift_detected =
		json_is_true(json_object_get(root, "drift_detected"));
	b->insufficient =
		json_is_string(json_object_get(root, "status")) &&
		!strcmp(json_string_value(json_object_get(root, "status")),
			"insufficient_data");
	b->drift_score =
		json_number_value(json_object_get(root, "drift_score"));
	b->features_drifted = (uint64_t)json_integer_value(
		json_object_get(root, "features_drifted"));
	b->features_total = (uint64_t)json_integer_value(
		json_object_get(root, "features_total"));
	perf_brief(json_object_get(root, "performance"), b);
	alerts = json_object_get(root, "alerts");
	json_array_foreach(alerts, i, a)
	{
		const char *sev =
			json_string_value(json_object_get(a, "severity"));

		if (sev && !strcmp(sev, "CRITICAL"))
			b->alerts_critical++;
		else
			b->alerts_warning++;
	}
out:
	json_decref(root);
	return err;
}
