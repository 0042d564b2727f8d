/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Reference performance: a binary classifier's accuracy, F1 and ROC AUC
 * on a labelled validation set, with their standard errors, and the CBPE
 * calibrator fitted on it; a classifier's accuracy and macro F1; a
 * regression's MAE, RMSE and error moments.  Stored as JSON beside the
 * baseline, and the comparison of a window with it (driftmon/labels.h,
 * docs/model-quality.md).
 */
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/jsonw.h"
#include "driftmon/labels.h"

/* 1: binary_score (unchanged since the first release); 2: the other
 * tasks (a reader of version 1 only refuses them by their version). */
#define REFPERF_FORMAT_VERSION	     1
#define REFPERF_FORMAT_VERSION_TASKS 2

static const char *const cmp_names[DM_PERF_NCMP] = {"accuracy", "f1",
						    "roc_auc"};

void dm_refperf_release(dm_refperf *r)
{
	size_t i;

	if (!r)
		return;
	dm_cbpe_release(&r->cbpe);
	for (i = 0; r->classes && i < r->nclasses; i++)
		free(r->classes[i]);
	free(r->classes);
	memset(r, 0, sizeof(*r));
}

static dm_perf_task ref_task(const dm_refperf *r)
{
	return r->task ? r->task : DM_PERF_BINARY_SCORE;
}

/* Realized metrics and standard errors of (pos, score) at threshold. */
static void realized(const unsigned char *pos, const double *s, size_t n,
		     double thr, double *v, double *se)
{
	double tp = 0, fp = 0, fn = 0, ok = 0, np = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		int yh = s[i] >= thr;

		ok += yh == pos[i];
		tp += yh && pos[i];
		fp += yh && !pos[i];
		fn += !yh && pos[i];
		np += pos[i];
	}
	v[DM_PERF_ACC] = ok / (double)n;
	se[DM_PERF_ACC] = dm_se_proportion(v[DM_PERF_ACC], (double)n);
	v[DM_PERF_F1] =
		tp + 0.5 * (fp + fn) > 0 ? tp / (tp + 0.5 * (fp + fn)) : NAN;
	se[DM_PERF_F1] = dm_se_f1(tp, fp, fn);
	v[DM_PERF_AUC] = dm_roc_auc(s, pos, NULL, n, NULL);
	se[DM_PERF_AUC] = dm_se_auc(v[DM_PERF_AUC], np, (double)n - np);
}

dm_err dm_refperf_from_pairs(const char *const *labels,
			     const char *const *scores, size_t n,
			     double threshold, dm_refperf *out, dm_diag *diag)
{
	unsigned char *pos = malloc(n ? n : 1);
	double *s = malloc((n ? n : 1) * sizeof(double));
	size_t i;
	dm_err err = DM_OK;

	memset(out, 0, sizeof(*out));
	if (!pos || !s) {
		err = DM_ENOMEM;
		goto out;
	}
	for (i = 0; i < n; i++) {
		double y;

		if (dm_parse_double(labels[i], strlen(labels[i]), &y) != 0 ||
		    (y != 0.0 && y != 1.0)) {
			err = dm_diag_set(diag, DM_EFORMAT, NULL, i + 1,
					  "label", "'%.40s' is not 0 or 1",
					  labels[i]);
			goto out;
		}
		if (dm_parse_double(scores[i], strlen(scores[i]), &s[i]) != 0 ||
		    !(s[i] >= 0.0 && s[i] <= 1.0)) {
			err = dm_diag_set(
				diag, DM_EFORMAT, NULL, i + 1, "score",
				"'%.40s' is not a score in [0, 1]", scores[i]);
			goto out;
		}
		pos[i] = y == 1.0;
	}
	err = dm_cbpe_fit(&out->cbpe, s, pos, n, threshold);
	if (err == DM_EEMPTY)
		err = dm_diag_set(diag, err, NULL, 0, NULL,
				  "the reference set needs rows of both "
				  "classes");
	if (err != DM_OK)
		goto out;
	out->rows = n;
	out->threshold = threshold;
	out->task = DM_PERF_BINARY_SCORE;
	realized(pos, s, n, threshold, out->value, out->se);
out:
	free(pos);
	free(s);
	return err;
}

/* A classifier's accuracy and macro F1 with their standard errors. */
static dm_err ref_classification(const char *const *labels,
				 const char *const *preds, size_t n,
				 dm_refperf *out, dm_diag *diag)
{
	dm_perf p;
	dm_err err;

	memset(&p, 0, sizeof(p));
	err = dm_perf_compute_task(labels, preds, n, DM_PERF_CLASSIFICATION,
				   &p);
	if (err == DM_ETOOBIG)
		err = dm_diag_set(diag, err, NULL, 0, NULL,
				  "more than %d classes",
				  DM_LABELS_MAX_CLASSES);
	if (err == DM_OK) {
		out->value[0] = p.scores.accuracy;
		out->se[0] = dm_se_proportion(p.scores.accuracy, (double)n);
		out->value[1] = p.scores.macro.f1;
		out->se[1] = dm_se_f1_macro(&p.cm);
		out->nclasses = p.nclasses;
		out->classes = p.classes; /* handed over */
		p.classes = NULL;
		p.nclasses = 0;
	}
	dm_perf_release(&p);
	return err;
}

/* A regression's MAE and RMSE and the moments of its errors. */
static dm_err ref_regression(const char *const *labels,
			     const char *const *preds, size_t n,
			     dm_refperf *out, dm_diag *diag)
{
	double *y = malloc(n * sizeof(double)), *p = malloc(n * sizeof(double));
	dm_err err = DM_OK;
	size_t i;

	if (!y || !p) {
		err = DM_ENOMEM;
		goto out;
	}
	for (i = 0; i < n; i++) {
		int bad_y = dm_parse_double(labels[i], strlen(labels[i]),
					    &y[i]) != 0 ||
			    !isfinite(y[i]);

		if (bad_y ||
		    dm_parse_double(preds[i], strlen(preds[i]), &p[i]) != 0 ||
		    !isfinite(p[i])) {
			err = dm_diag_set(diag, DM_EFORMAT, NULL, i + 1,
					  bad_y ? "label" : "score",
					  "'%.40s' is not a number",
					  bad_y ? labels[i] : preds[i]);
			goto out;
		}
	}
	dm_error_moments_compute(y, p, n, &out->errm);
	out->value[0] = out->errm.abs_mean;
	out->se[0] = sqrt(out->errm.abs_var / (double)n);
	out->value[1] = sqrt(out->errm.sq_mean);
	/* delta method, for the record: the test uses the moments */
	out->se[1] = out->value[1] > 0.0 ? sqrt(out->errm.sq_var / (double)n) /
						   (2.0 * out->value[1])
					 : NAN;
out:
	free(y);
	free(p);
	return err;
}

dm_err dm_refperf_from_pairs_task(const char *const *labels,
				  const char *const *preds, size_t n,
				  dm_perf_task task, double threshold,
				  dm_refperf *out, dm_diag *diag)
{
	dm_err err;

	if (task != DM_PERF_CLASSIFICATION && task != DM_PERF_REGRESSION)
		return dm_refperf_from_pairs(labels, preds, n, threshold, out,
					     diag);
	memset(out, 0, sizeof(*out));
	if (n < 2)
		return dm_diag_set(diag, DM_EEMPTY, NULL, 0, NULL,
				   "the reference set needs at least 2 rows");
	out->value[2] = out->se[2] = NAN;
	err = task == DM_PERF_CLASSIFICATION
		      ? ref_classification(labels, preds, n, out, diag)
		      : ref_regression(labels, preds, n, out, diag);
	if (err != DM_OK) {
		dm_refperf_release(out);
		return err;
	}
	out->task = task;
	out->rows = n;
	out->threshold = NAN;
	return DM_OK;
}

/* ---- reading pairs from a file ----------------------------------------- */

static char *cell_dup(const dm_column *c, size_t i)
{
	char buf[40];

	if (c->null && c->null[i])
		return NULL;
	if (c->type == DM_COL_DOUBLE) {
		if (isnan(c->f64[i]))
			return NULL;
		snprintf(buf, sizeof(buf), "%.17g", c->f64[i]);
		return strdup(buf);
	}
	return strndup(c->str[i].ptr, c->str[i].len);
}

static void free_strs(char **v, size_t n)
{
	size_t i;

	for (i = 0; v && i < n; i++)
		free(v[i]);
	free(v);
}

dm_err dm_refperf_from_reader(dm_reader *r, const char *file,
			      const char *label_col, const char *pred_col,
			      dm_perf_task task, double threshold,
			      dm_refperf *out, dm_diag *diag)
{
	char **lab = NULL, **pre = NULL;
	size_t n = 0, cap = 0, i;
	long li = -1, pi = -1;
	dm_batch *b = NULL;
	dm_err err;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < r->ncols; i++) {
		if (!strcmp(r->names[i], label_col))
			li = (long)i;
		if (!strcmp(r->names[i], pred_col))
			pi = (long)i;
	}
	if (li < 0 || pi < 0)
		return dm_diag_set(diag, DM_ESCHEMA, file, 0, NULL,
				   "no column '%s'",
				   li < 0 ? label_col : pred_col);
	while ((err = dm_reader_next(r, &b, diag)) == DM_OK && b &&
	       b->nrows > 0) {
		for (i = 0; i < b->nrows; i++) {
			uint64_t row = b->row_numbers ? b->row_numbers[i]
						      : b->first_row + i;
			char *l, *p;

			if (n == cap) {
				char **a, **c;

				cap = cap ? 2 * cap : 1024;
				a = realloc(lab, cap * sizeof(char *));
				if (a)
					lab = a;
				c = realloc(pre, cap * sizeof(char *));
				if (c)
					pre = c;
				if (!a || !c) {
					err = DM_ENOMEM;
					goto out;
				}
			}
			l = cell_dup(&b->cols[li], i);
			p = cell_dup(&b->cols[pi], i);
			if (!l || !p) {
				free(l);
				free(p);
				err = dm_diag_set(diag, DM_EFORMAT, file, row,
						  l ? pred_col : label_col,
						  "empty");
				goto out;
			}
			lab[n] = l;
			pre[n] = p;
			n++;
		}
	}
	if (err != DM_OK)
		goto out;
	err = dm_refperf_from_pairs_task((const char *const *)lab,
					 (const char *const *)pre, n, task,
					 threshold, out, diag);
	if (err != DM_OK && diag && diag->row && !diag->file[0]) {
		/* name the file in the message */
		dm_diag d2 = *diag;

		dm_diag_set(diag, err, file, d2.row,
			    strcmp(d2.column, "label") ? pred_col : label_col,
			    "%s",
			    strstr(d2.msg, ": ") ? strstr(d2.msg, ": ") + 2
						 : d2.msg);
	}
out:
	free_strs(lab, n);
	free_strs(pre, n);
	return err;
}

/* ---- JSON --------------------------------------------------------------- */

static void num_arr(jw *w, const char *k, const double *v, size_t n)
{
	size_t i;

	jw_key(w, k);
	jw_arr(w);
	for (i = 0; i < n; i++) {
		if (isfinite(v[i]))
			jw_num(w, v[i]);
		else
			jw_null(w);
	}
	jw_arr_end(w);
}

/* "k": v (jw_num writes NaN as null) */
static void key_num(jw *w, const char *k, double v)
{
	jw_key(w, k);
	jw_num(w, v);
}

/* format_version 2: a classifier of class names or a regression. */
static dm_err task_to_json(const dm_refperf *r, const char *model,
			   const char *version, char **out, size_t *len)
{
	jw w;
	size_t i;

	jw_init(&w, 0, 1);
	jw_obj(&w);
	jw_key(&w, "format_version");
	jw_u64(&w, REFPERF_FORMAT_VERSION_TASKS);
	jw_key(&w, "model");
	jw_str(&w, model);
	jw_key(&w, "model_version");
	jw_str(&w, version);
	jw_key(&w, "task");
	jw_str(&w, dm_perf_task_name(r->task));
	jw_key(&w, "rows");
	jw_u64(&w, r->rows);
	jw_key(&w, "metrics");
	jw_obj(&w);
	for (i = 0; i < DM_PERF_NCMP; i++) {
		const char *name = dm_perf_metric_name(r->task, (int)i);

		if (!name)
			continue;
		jw_key(&w, name);
		jw_obj(&w);
		key_num(&w, "value", r->value[i]);
		key_num(&w, "standard_error", r->se[i]);
		jw_obj_end(&w);
	}
	jw_obj_end(&w);
	if (r->task == DM_PERF_CLASSIFICATION) {
		jw_key(&w, "classes");
		jw_arr(&w);
		for (i = 0; i < r->nclasses; i++)
			jw_str(&w, r->classes[i]);
		jw_arr_end(&w);
	} else {
		jw_key(&w, "errors");
		jw_obj(&w);
		key_num(&w, "n", r->errm.n);
		key_num(&w, "abs_mean", r->errm.abs_mean);
		key_num(&w, "abs_variance", r->errm.abs_var);
		key_num(&w, "squared_mean", r->errm.sq_mean);
		key_num(&w, "squared_variance", r->errm.sq_var);
		jw_obj_end(&w);
	}
	jw_obj_end(&w);
	return jw_finish(&w, out, len);
}

dm_err dm_refperf_to_json(const dm_refperf *r, const char *model,
			  const char *version, char **out, size_t *len)
{
	const dm_cbpe *c = &r->cbpe;
	jw w;
	int i;

	if (ref_task(r) != DM_PERF_BINARY_SCORE)
		return task_to_json(r, model, version, out, len);
	jw_init(&w, 0, 1);
	jw_obj(&w);
	jw_key(&w, "format_version");
	jw_u64(&w, REFPERF_FORMAT_VERSION);
	jw_key(&w, "model");
	jw_str(&w, model);
	jw_key(&w, "model_version");
	jw_str(&w, version);
	jw_key(&w, "task");
	jw_str(&w, "binary_score");
	jw_key(&w, "rows");
	jw_u64(&w, r->rows);
	jw_key(&w, "threshold");
	jw_num(&w, r->threshold);
	jw_key(&w, "metrics");
	jw_obj(&w);
	for (i = 0; i < DM_PERF_NCMP; i++) {
		jw_key(&w, cmp_names[i]);
		jw_obj(&w);
		jw_key(&w, "value");
		jw_num(&w, r->value[i]);
		jw_key(&w, "standard_error");
		jw_num(&w, r->se[i]);
		jw_obj_end(&w);
	}
	jw_obj_end(&w);
	jw_key(&w, "cbpe");
	jw_obj(&w);
	jw_key(&w, "x_min");
	jw_num(&w, c->cal.x_min);
	jw_key(&w, "x_max");
	jw_num(&w, c->cal.x_max);
	num_arr(&w, "calibration_x", c->cal.x, c->cal.n);
	num_arr(&w, "calibration_y", c->cal.y, c->cal.n);
	num_arr(&w, "reference_values", c->ref_value, DM_CBPE_NMETRICS);
	num_arr(&w, "sampling_std", c->se_std, DM_CBPE_NMETRICS);
	num_arr(&w, "sampling_fraction", c->se_frac, DM_CBPE_NMETRICS);
	jw_obj_end(&w);
	jw_obj_end(&w);
	return jw_finish(&w, out, len);
}

static int get_num(json_t *o, const char *k, double *v)
{
	json_t *x = json_object_get(o, k);

	if (!json_is_number(x))
		return -1;
	*v = json_number_value(x);
	return 0;
}

static int get_arr(json_t *o, const char *k, double *v, size_t n)
{
	json_t *a = json_object_get(o, k);
	size_t i;

	if (!json_is_array(a) || json_array_size(a) != n)
		return -1;
	for (i = 0; i < n; i++) {
		json_t *x = json_array_get(a, i);

		v[i] = json_is_number(x) ? json_number_value(x) : NAN;
	}
	return 0;
}

/* format_version 2 (task_to_json); *bad names the field on failure. */
static dm_err task_from_json(json_t *root, dm_refperf *out, const char **bad)
{
	json_t *m = json_object_get(root, "metrics"), *t, *cl, *e;
	double rows = 0;
	size_t i;

	*bad = "task";
	t = json_object_get(root, "task");
	if (json_is_string(t) &&
	    !strcmp(json_string_value(t), "classification"))
		out->task = DM_PERF_CLASSIFICATION;
	else if (json_is_string(t) &&
		 !strcmp(json_string_value(t), "regression"))
		out->task = DM_PERF_REGRESSION;
	else
		return DM_EFORMAT;
	*bad = "rows";
	if (get_num(root, "rows", &rows) < 0 || !(rows >= 2))
		return DM_EFORMAT;
	out->rows = (uint64_t)rows;
	out->threshold = NAN;
	for (i = 0; i < DM_PERF_NCMP; i++) {
		const char *name = dm_perf_metric_name(out->task, (int)i);
		json_t *o = name ? json_object_get(m, name) : NULL;

		out->value[i] = out->se[i] = NAN;
		*bad = "metrics";
		if (name && !json_is_object(o))
			return DM_EFORMAT;
		if (o && get_num(o, "value", &out->value[i]) < 0)
			out->value[i] = NAN;
		if (o && get_num(o, "standard_error", &out->se[i]) < 0)
			out->se[i] = NAN;
	}
	if (out->task == DM_PERF_CLASSIFICATION) {
		*bad = "classes";
		cl = json_object_get(root, "classes");
		if (!json_is_array(cl) ||
		    json_array_size(cl) > DM_LABELS_MAX_CLASSES)
			return DM_EFORMAT;
		out->classes = calloc(json_array_size(cl) + 1, sizeof(char *));
		if (!out->classes)
			return DM_ENOMEM;
		for (i = 0; i < json_array_size(cl); i++) {
			json_t *x = json_array_get(cl, i);

			if (!json_is_string(x))
				return DM_EFORMAT;
			if (!(out->classes[i] = strdup(json_string_value(x))))
				return DM_ENOMEM;
			out->nclasses = i + 1;
		}
		return DM_OK;
	}
	*bad = "errors";
	e = json_object_get(root, "errors");
	if (get_num(e, "n", &out->errm.n) < 0 ||
	    get_num(e, "abs_mean", &out->errm.abs_mean) < 0 ||
	    get_num(e, "abs_variance", &out->errm.abs_var) < 0 ||
	    get_num(e, "squared_mean", &out->errm.sq_mean) < 0 ||
	    get_num(e, "squared_variance", &out->errm.sq_var) < 0 ||
	    !(out->errm.n >= 2) || !(out->errm.abs_var >= 0) ||
	    !(out->errm.sq_var >= 0) || !(out->errm.abs_mean >= 0) ||
	    !(out->errm.sq_mean >= 0))
		return DM_EFORMAT;
	return DM_OK;
}

dm_err dm_refperf_from_json(const char *text, size_t len, const char *name,
			    dm_refperf *out, dm_diag *diag)
{
	json_t *root, *m, *cb, *ax;
	json_error_t je;
	dm_err err = DM_EFORMAT;
	const char *bad = "format_version";
	double fv = 0, rows = 0;
	size_t n = 0;
	int i;

	memset(out, 0, sizeof(*out));
	root = json_loadb(text, len, 0, &je);
	if (!root)
		return dm_diag_set(diag, DM_EFORMAT, name, 0, NULL,
				   "not JSON: %s", je.text);
	if (get_num(root, "format_version", &fv) < 0)
		goto out;
	if (fv == REFPERF_FORMAT_VERSION_TASKS) {
		err = task_from_json(root, out, &bad);
		if (err == DM_OK) {
			json_decref(root);
			return DM_OK;
		}
		if (err == DM_EFORMAT)
			goto out;
		goto fail;
	}
	if (fv != REFPERF_FORMAT_VERSION) {
		err = dm_diag_set(diag, DM_EVERSION, name, 0, NULL,
				  "format_version %g is not supported (1 or "
				  "2)",
				  fv);
		json_decref(root);
		return err;
	}
	out->task = DM_PERF_BINARY_SCORE;
	bad = "rows";
	if (get_num(root, "rows", &rows) < 0)
		goto out;
	out->rows = (uint64_t)rows;
	bad = "threshold";
	if (get_num(root, "threshold", &out->threshold) < 0)
		goto out;
	m = json_object_get(root, "metrics");
	for (i = 0; i < DM_PERF_NCMP; i++) {
		json_t *o = json_object_get(m, cmp_names[i]);

		bad = "metrics";
		if (!json_is_object(o))
			goto out;
		if (get_num(o, "value", &out->value[i]) < 0)
			out->value[i] = NAN;
		if (get_num(o, "standard_error", &out->se[i]) < 0)
			out->se[i] = NAN;
	}
	bad = "cbpe";
	cb = json_object_get(root, "cbpe");
	ax = json_object_get(cb, "calibration_x");
	if (!json_is_object(cb) || !json_is_array(ax))
		goto out;
	n = json_array_size(ax);
	if (n == 0 || n > 100000000)
		goto out;
	out->cbpe.threshold = out->threshold;
	out->cbpe.ref_n = out->rows;
	out->cbpe.cal.x = malloc(n * sizeof(double));
	out->cbpe.cal.y = malloc(n * sizeof(double));
	if (!out->cbpe.cal.x || !out->cbpe.cal.y) {
		err = DM_ENOMEM;
		goto fail;
	}
	out->cbpe.cal.n = n;
	if (get_arr(cb, "calibration_x", out->cbpe.cal.x, n) < 0 ||
	    get_arr(cb, "calibration_y", out->cbpe.cal.y, n) < 0 ||
	    get_arr(cb, "reference_values", out->cbpe.ref_value,
		    DM_CBPE_NMETRICS) < 0 ||
	    get_arr(cb, "sampling_std", out->cbpe.se_std, DM_CBPE_NMETRICS) <
		    0 ||
	    get_arr(cb, "sampling_fraction", out->cbpe.se_frac,
		    DM_CBPE_NMETRICS) < 0 ||
	    get_num(cb, "x_min", &out->cbpe.cal.x_min) < 0 ||
	    get_num(cb, "x_max", &out->cbpe.cal.x_max) < 0)
		goto out;
	for (i = 0; (size_t)i < n; i++)
		if (isnan(out->cbpe.cal.x[i]) || isnan(out->cbpe.cal.y[i]) ||
		    (i > 0 && out->cbpe.cal.x[i] <= out->cbpe.cal.x[i - 1]))
			goto out;
	json_decref(root);
	return DM_OK;
out:
	err = dm_diag_set(diag, DM_EFORMAT, name, 0, NULL,
			  "field '%s' is missing or malformed", bad);
fail:
	json_decref(root);
	dm_refperf_release(out);
	return err;
}

/* ---- comparison ---------------------------------------------------------- */

/* Accuracy and macro F1 of a classification window (z-tests). */
static dm_err compare_classes(dm_perf *p, double alpha)
{
	double n = (double)p->labelled;

	p->drop[0].window = p->scores.accuracy;
	p->drop[0].window_se = dm_se_proportion(p->scores.accuracy, n);
	p->drop[1].window = p->scores.macro.f1;
	p->drop[1].window_se = dm_se_f1_macro(&p->cm);
	return dm_quality_drops(p->drop, 2, alpha);
}

/* MAE and RMSE of a regression window: Welch t-tests of |e| and e^2,
 * the minimum effect relative; the RMSE's test runs on the MSE (margin
 * (1 + min_effect)^2 - 1) and its fields are then put back on the RMSE
 * scale. */
static dm_err compare_errors(dm_perf *p, const dm_refperf *ref, double alpha,
			     double min_effect)
{
	const dm_error_moments *r = &ref->errm, *w = &p->errm;
	dm_quality_cmp *mae = &p->drop[0], *rmse = &p->drop[1];
	dm_err err;

	mae->reference = r->abs_mean;
	mae->ref_se = sqrt(r->abs_var / r->n);
	mae->window = w->abs_mean;
	mae->window_se = sqrt(w->abs_var / w->n);
	rmse->reference = r->sq_mean;
	rmse->ref_se = sqrt(r->sq_var / r->n);
	rmse->window = w->sq_mean;
	rmse->window_se = sqrt(w->sq_var / w->n);
	rmse->min_effect = (1.0 + min_effect) * (1.0 + min_effect) - 1.0;
	mae->relative = rmse->relative = 1;
	mae->higher_is_better = rmse->higher_is_better = 0;
	mae->ref_n = rmse->ref_n = r->n;
	mae->window_n = rmse->window_n = w->n;
	err = dm_quality_drops(p->drop, 2, alpha);
	rmse->reference = sqrt(r->sq_mean);
	rmse->window = sqrt(w->sq_mean);
	rmse->ref_se = ref->se[1];
	rmse->window_se = rmse->window > 0.0
				  ? rmse->window_se / (2.0 * rmse->window)
				  : NAN;
	rmse->degradation = rmse->window - rmse->reference;
	rmse->min_effect = min_effect;
	return err;
}

dm_err dm_perf_compare(dm_perf *p, const dm_refperf *ref, double alpha,
		       double min_effect)
{
	static const int cbpe_of[DM_PERF_NCMP] = {DM_CBPE_ACCURACY, DM_CBPE_F1,
						  DM_CBPE_ROC_AUC};
	dm_perf_task rt = ref_task(ref);
	dm_err err = DM_OK;
	int i;

	if (!(alpha > 0.0 && alpha < 1.0) || !(min_effect >= 0.0))
		return DM_EINVAL;
	p->compared = 1;
	p->ref_task = rt;
	for (i = 0; i < DM_PERF_NCMP; i++) {
		p->ref[i] = ref->value[i];
		memset(&p->drop[i], 0, sizeof(p->drop[i]));
		p->drop[i].name = dm_perf_metric_name(rt, i);
		p->drop[i].z = p->drop[i].pvalue = NAN;
		p->drop[i].pvalue_adjusted = p->drop[i].df = NAN;
		p->drop[i].reference = ref->value[i];
		p->drop[i].ref_se = ref->se[i];
		p->drop[i].window = p->drop[i].window_se = NAN;
		p->drop[i].degradation = NAN;
		p->drop[i].higher_is_better = 1;
		p->drop[i].min_effect = min_effect;
	}
	/* a window of another kind (or without labels): nothing measured */
	if (p->task == rt && rt == DM_PERF_CLASSIFICATION)
		return compare_classes(p, alpha);
	if (p->task == rt && rt == DM_PERF_REGRESSION)
		return compare_errors(p, ref, alpha, min_effect);
	if (rt != DM_PERF_BINARY_SCORE)
		return DM_OK;
	if (p->task == DM_PERF_BINARY_SCORE) {
		double tp = p->cm.m[3], fp = p->cm.m[1], fn = p->cm.m[2];
		double np = p->cm.m[2] + p->cm.m[3];
		double n = (double)p->labelled;

		for (i = 0; i < DM_PERF_NCMP; i++) {
			dm_quality_cmp *c = &p->drop[i];

			c->reference = ref->value[i];
			c->ref_se = ref->se[i];
			c->higher_is_better = 1;
			c->min_effect = min_effect;
		}
		p->drop[DM_PERF_ACC].window = p->scores.accuracy;
		p->drop[DM_PERF_ACC].window_se =
			dm_se_proportion(p->scores.accuracy, n);
		p->drop[DM_PERF_F1].window = p->scores.cls[1].f1;
		p->drop[DM_PERF_F1].window_se = dm_se_f1(tp, fp, fn);
		p->drop[DM_PERF_AUC].window = p->roc_auc;
		p->drop[DM_PERF_AUC].window_se =
			dm_se_auc(p->roc_auc, np, n - np);
		err = dm_quality_drops(p->drop, DM_PERF_NCMP, alpha);
		if (err != DM_OK)
			return err;
	}
	if (p->nwscores > 0) {
		err = dm_cbpe_estimate_window(&ref->cbpe, p->wscores,
					      p->nwscores, &p->estimate);
		if (err != DM_OK)
			return err;
		p->has_estimate = 1;
		for (i = 0; i < DM_PERF_NCMP; i++)
			p->estimated_drop[i] = p->estimate.upper[cbpe_of[i]] <
					       ref->value[i] - min_effect;
	}
	return DM_OK;
}
