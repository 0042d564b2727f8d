/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Reference performance: a binary classifier's accuracy, F1 and ROC AUC
 * on a labelled validation set, with their standard errors, and the CBPE
 * calibrator fitted on it; stored as JSON beside the baseline, and the
 * comparison of a window with it (driftmon/labels.h,
 * docs/model-quality.md).
 */
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/jsonw.h"
#include "driftmon/labels.h"

#define REFPERF_FORMAT_VERSION 1

static const char *const cmp_names[DM_PERF_NCMP] = {"accuracy", "f1",
						    "roc_auc"};

void dm_refperf_release(dm_refperf *r)
{
	if (!r)
		return;
	dm_cbpe_release(&r->cbpe);
	memset(r, 0, sizeof(*r));
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
	realized(pos, s, n, threshold, out->value, out->se);
out:
	free(pos);
	free(s);
	return err;
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
			      double threshold, dm_refperf *out, dm_diag *diag)
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
	err = dm_refperf_from_pairs((const char *const *)lab,
				    (const char *const *)pre, n, threshold, out,
				    diag);
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

dm_err dm_refperf_to_json(const dm_refperf *r, const char *model,
			  const char *version, char **out, size_t *len)
{
	const dm_cbpe *c = &r->cbpe;
	jw w;
	int i;

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
	if (fv != REFPERF_FORMAT_VERSION) {
		err = dm_diag_set(diag, DM_EVERSION, name, 0, NULL,
				  "format_version %g is not supported (1)", fv);
		json_decref(root);
		return err;
	}
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

dm_err dm_perf_compare(dm_perf *p, const dm_refperf *ref, double alpha,
		       double min_effect)
{
	static const int cbpe_of[DM_PERF_NCMP] = {DM_CBPE_ACCURACY, DM_CBPE_F1,
						  DM_CBPE_ROC_AUC};
	dm_err err = DM_OK;
	int i;

	p->compared = 1;
	for (i = 0; i < DM_PERF_NCMP; i++) {
		p->ref[i] = ref->value[i];
		memset(&p->drop[i], 0, sizeof(p->drop[i]));
		p->drop[i].name = cmp_names[i];
		p->drop[i].z = p->drop[i].pvalue = NAN;
		p->drop[i].pvalue_adjusted = NAN;
	}
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
