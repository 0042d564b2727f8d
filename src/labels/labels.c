/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Ground truth: importing label records into hourly Parquet partitions,
 * and joining a window's predictions with them (include/driftmon/
 * labels.h, docs/model-quality.md).
 *
 * Import streams the input once; each hour of label timestamps gets its
 * own Parquet writer on a memory stream, and the files are put into the
 * store only when every row was good, so a bad file stores nothing.
 *
 * The join loads the labels of the model and version for the hours the
 * window's predictions can be labelled in (an open-addressing hash table
 * by request id), then streams the window's logs, keeping for each
 * prediction with a label its (label, prediction) text pair; the metrics
 * come from those pairs (dm_perf_compute).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "driftmon/labels.h"
#include "driftmon/layout.h"
#include "driftmon/parquet.h"

enum { C_RID, C_MODEL, C_VERSION, C_LABEL, C_TS, NCOLS };
static const char *const col_names[NCOLS] = {
	"request_id", "model_name", "model_version", "label", "timestamp",
};

#define CELL_MAX 1024 /* longest id, name or label kept */

/* ---- time ------------------------------------------------------------ */

static int digits(const char **p, const char *end, int n, int *out)
{
	int v = 0, i;

	for (i = 0; i < n; i++, (*p)++) {
		if (*p >= end || **p < '0' || **p > '9')
			return -1;
		v = v * 10 + (**p - '0');
	}
	*out = v;
	return 0;
}

int dm_labels_parse_time(const char *s, size_t len, double *out)
{
	const char *p = s, *end = s + len;
	int y, mo, d, h = 0, mi = 0, se = 0, oh = 0, om = 0, sign = 0;
	double frac = 0.0, scale = 0.1;
	struct tm tm;

	if (digits(&p, end, 4, &y) || p >= end || *p++ != '-' ||
	    digits(&p, end, 2, &mo) || p >= end || *p++ != '-' ||
	    digits(&p, end, 2, &d))
		return -1;
	if (p < end && (*p == 'T' || *p == 't' || *p == ' ')) {
		p++;
		if (digits(&p, end, 2, &h))
			return -1;
		if (p < end && *p == ':') {
			p++;
			if (digits(&p, end, 2, &mi))
				return -1;
			if (p < end && *p == ':') {
				p++;
				if (digits(&p, end, 2, &se))
					return -1;
				if (p < end && (*p == '.' || *p == ',')) {
					p++;
					if (p >= end || *p < '0' || *p > '9')
						return -1;
					for (;
					     p < end && *p >= '0' && *p <= '9';
					     p++, scale /= 10)
						frac += (*p - '0') * scale;
				}
			}
		}
		if (p < end && (*p == 'Z' || *p == 'z')) {
			p++;
		} else if (p < end && (*p == '+' || *p == '-')) {
			sign = *p++ == '-' ? -1 : 1;
			if (digits(&p, end, 2, &oh))
				return -1;
			if (p < end && *p == ':')
				p++;
			if (p < end && digits(&p, end, 2, &om))
				return -1;
		}
	}
	if (p != end || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 ||
	    mi > 59 || se > 60 || oh > 23 || om > 59)
		return -1;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = se;
	*out = (double)timegm(&tm) - sign * (double)(oh * 3600 + om * 60) +
	       frac;
	return 0;
}

/* ---- cells ------------------------------------------------------------ */

/* The text of a cell (numbers formatted); 0 if missing. */
static int cell_text(const dm_column *c, size_t i, char *buf, size_t n,
		     const char **s, size_t *len)
{
	if (c->null && c->null[i])
		return 0;
	if (c->type == DM_COL_DOUBLE) {
		double v = c->f64[i];

		if (isnan(v))
			return 0;
		if (v == floor(v) && fabs(v) < 9e15)
			snprintf(buf, n, "%.0f", v);
		else
			snprintf(buf, n, "%.17g", v);
		*s = buf;
		*len = strlen(buf);
		return 1;
	}
	*s = c->str[i].ptr;
	*len = c->str[i].len;
	return *len > 0;
}

/* A cell's time in seconds; 0 if missing, -1 if malformed. */
static int cell_time(const dm_column *c, size_t i, double *t)
{
	if (c->null && c->null[i])
		return 0;
	if (c->type == DM_COL_DOUBLE) {
		if (isnan(c->f64[i]))
			return 0;
		*t = c->f64[i];
		return 1;
	}
	if (c->str[i].len == 0)
		return 0;
	return dm_labels_parse_time(c->str[i].ptr, c->str[i].len, t) == 0 ? 1
									  : -1;
}

static int find_cols(const dm_reader *r, const char *const *names, size_t n,
		     long *idx)
{
	size_t i, j;

	for (j = 0; j < n; j++) {
		idx[j] = -1;
		for (i = 0; i < r->ncols; i++)
			if (!strcmp(r->names[i], names[j]))
				idx[j] = (long)i;
	}
	for (j = 0; j < n; j++)
		if (idx[j] < 0)
			return (int)j;
	return -1;
}

/* ---- import ----------------------------------------------------------- */

struct hourw {
	int64_t hour;
	char *buf;
	size_t len;
	FILE *fp;
	dm_parquet_writer *w;
};

static const dm_parquet_wcol label_wcols[NCOLS] = {
	{"request_id", DM_PARQUET_W_STRING, 0},
	{"model_name", DM_PARQUET_W_STRING, 0},
	{"model_version", DM_PARQUET_W_STRING, 0},
	{"label", DM_PARQUET_W_STRING, 0},
	{"timestamp", DM_PARQUET_W_TIMESTAMP, 0},
};

/* Each hour's writer is its own allocation: its memory stream holds the
 * addresses of buf and len, which must not move. */
static struct hourw *hour_writer(struct hourw ***hw, size_t *nh, int64_t hour,
				 dm_err *err, dm_diag *diag)
{
	struct hourw *h, **grown;
	size_t i;

	for (i = 0; i < *nh; i++)
		if ((*hw)[i]->hour == hour)
			return (*hw)[i];
	if (*nh >= DM_LABELS_MAX_HOURS) {
		*err = dm_diag_set(diag, DM_ETOOBIG, NULL, 0, NULL,
				   "labels span more than %d hours; split the "
				   "file",
				   DM_LABELS_MAX_HOURS);
		return NULL;
	}
	grown = realloc(*hw, (*nh + 1) * sizeof(**hw));
	if (!grown) {
		*err = DM_ENOMEM;
		return NULL;
	}
	*hw = grown;
	h = calloc(1, sizeof(*h));
	if (!h) {
		*err = DM_ENOMEM;
		return NULL;
	}
	grown[(*nh)++] = h;
	h->hour = hour;
	h->fp = open_memstream(&h->buf, &h->len);
	if (!h->fp) {
		*err = DM_ENOMEM;
		return NULL;
	}
	*err = dm_parquet_writer_open_fp(h->fp, label_wcols, NCOLS, NULL, &h->w,
					 diag);
	return *err == DM_OK ? h : NULL;
}

static void hours_free(struct hourw **hw, size_t nh)
{
	size_t i;

	for (i = 0; i < nh; i++) {
		dm_parquet_writer_abort(hw[i]->w);
		if (hw[i]->fp)
			fclose(hw[i]->fp);
		free(hw[i]->buf);
		free(hw[i]);
	}
	free(hw);
}

static dm_err write_row(struct hourw *h, dm_strref *v, double ts, dm_diag *diag)
{
	int64_t us = (int64_t)llround(ts * 1e6);
	dm_err err = DM_OK;
	size_t j;

	for (j = 0; j < C_TS && err == DM_OK; j++)
		err = dm_parquet_writer_write_str(h->w, j, &v[j], NULL, 1,
						  diag);
	if (err == DM_OK)
		err = dm_parquet_writer_write_i64(h->w, C_TS, &us, NULL, 1,
						  diag);
	if (err == DM_OK)
		err = dm_parquet_writer_end_rows(h->w, diag);
	return err;
}

/* The tag rule is the layout's (dm_layout_labels_key). */
static int tag_ok(const char *t)
{
	char key[DM_LAYOUT_KEY_MAX];

	return dm_layout_labels_key(0, t, key, sizeof(key), NULL) == DM_OK;
}

static dm_err import_batch(const dm_batch *b, const long *idx, const char *file,
			   struct hourw ***hw, size_t *nh, uint64_t *rows,
			   dm_diag *diag)
{
	char nb[NCOLS][40];
	size_t i, j;
	dm_err err = DM_OK;

	for (i = 0; i < b->nrows; i++) {
		uint64_t rowno =
			b->row_numbers ? b->row_numbers[i] : b->first_row + i;
		dm_strref v[NCOLS];
		struct hourw *h;
		double ts = 0;
		int tr;

		for (j = 0; j < C_TS; j++) {
			const char *s = NULL;
			size_t len = 0;

			if (!cell_text(&b->cols[idx[j]], i, nb[j],
				       sizeof(nb[j]), &s, &len))
				return dm_diag_set(diag, DM_EFORMAT, file,
						   rowno, col_names[j],
						   "empty");
			if (len > CELL_MAX)
				return dm_diag_set(diag, DM_EFORMAT, file,
						   rowno, col_names[j],
						   "longer than %d bytes",
						   CELL_MAX);
			v[j].ptr = s;
			v[j].len = (uint32_t)len;
		}
		tr = cell_time(&b->cols[idx[C_TS]], i, &ts);
		if (tr <= 0)
			return dm_diag_set(diag, DM_EFORMAT, file, rowno,
					   "timestamp",
					   tr == 0 ? "empty"
						   : "not an ISO-8601 time "
						     "(YYYY-MM-DDThh:mm:ssZ)");
		h = hour_writer(hw, nh, (int64_t)floor(ts / 3600.0) * 3600,
				&err, diag);
		if (!h)
			return err;
		err = write_row(h, v, ts, diag);
		if (err != DM_OK)
			return err;
		(*rows)++;
	}
	return DM_OK;
}

static dm_err put_hours(dm_store *st, struct hourw **hw, size_t nh,
			const char *tag, dm_diag *diag)
{
	size_t i;
	dm_err err = DM_OK;

	for (i = 0; i < nh && err == DM_OK; i++) {
		time_t t = (time_t)hw[i]->hour;
		char key[DM_LAYOUT_KEY_MAX];

		err = dm_parquet_writer_close(hw[i]->w, diag);
		hw[i]->w = NULL;
		if (err != DM_OK)
			break;
		if (fflush(hw[i]->fp) != 0) {
			err = DM_ENOMEM;
			break;
		}
		err = dm_layout_labels_key(t, tag, key, sizeof(key), diag);
		if (err == DM_OK)
			err = dm_store_put(st, key, hw[i]->buf, hw[i]->len,
					   diag);
	}
	return err;
}

dm_err dm_labels_import(dm_store *st, dm_reader *r, const char *file,
			const char *tag, dm_labels_import_stats *stats,
			dm_diag *diag)
{
	struct hourw **hw = NULL;
	size_t nh = 0, i;
	long idx[NCOLS];
	dm_batch *b = NULL;
	dm_err err;
	int miss;

	memset(stats, 0, sizeof(*stats));
	if (!tag_ok(tag))
		return dm_diag_set(diag, DM_EINVAL, NULL, 0, NULL,
				   "invalid import tag '%.64s'", tag);
	miss = find_cols(r, col_names, NCOLS, idx);
	if (miss >= 0)
		return dm_diag_set(diag, DM_ESCHEMA, file, 0, NULL,
				   "no column '%s' (label files need "
				   "request_id, model_name, model_version, "
				   "label, timestamp)",
				   col_names[miss]);
	while ((err = dm_reader_next(r, &b, diag)) == DM_OK && b &&
	       b->nrows > 0) {
		err = import_batch(b, idx, file, &hw, &nh, &stats->rows, diag);
		if (err != DM_OK)
			goto out;
	}
	if (err != DM_OK)
		goto out;
	if (stats->rows == 0) {
		err = dm_diag_set(diag, DM_EEMPTY, file, 0, NULL,
				  "no label records");
		goto out;
	}
	err = put_hours(st, hw, nh, tag, diag);
	if (err != DM_OK)
		goto out;
	stats->files = nh;
	stats->first_hour = stats->last_hour = hw[0]->hour;
	for (i = 1; i < nh; i++) {
		if (hw[i]->hour < stats->first_hour)
			stats->first_hour = hw[i]->hour;
		if (hw[i]->hour > stats->last_hour)
			stats->last_hour = hw[i]->hour;
	}
out:
	hours_free(hw, nh);
	return err;
}

/* ---- the label index --------------------------------------------------- */

struct lab {
	char *rid; /* NULL: empty slot */
	char *label;
	double ts;
};

struct labidx {
	struct lab *t;
	size_t cap, n;
};

static uint64_t hash_str(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ULL;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ULL;
	}
	return h;
}

static struct lab *idx_slot(struct labidx *x, const char *rid, size_t n)
{
	size_t i = (size_t)(hash_str(rid, n) & (x->cap - 1));

	while (x->t[i].rid &&
	       !(strlen(x->t[i].rid) == n && !memcmp(x->t[i].rid, rid, n)))
		i = (i + 1) & (x->cap - 1);
	return &x->t[i];
}

static dm_err idx_grow(struct labidx *x)
{
	struct labidx y;
	size_t i;

	y.cap = x->cap ? 2 * x->cap : 1024;
	y.n = x->n;
	y.t = calloc(y.cap, sizeof(*y.t));
	if (!y.t)
		return DM_ENOMEM;
	for (i = 0; i < x->cap; i++)
		if (x->t[i].rid)
			*idx_slot(&y, x->t[i].rid, strlen(x->t[i].rid)) =
				x->t[i];
	free(x->t);
	*x = y;
	return DM_OK;
}

static dm_err idx_put(struct labidx *x, const char *rid, size_t rn,
		      const char *label, size_t ln, double ts)
{
	struct lab *s;
	char *l;
	dm_err err;

	if ((x->n + 1) * 2 > x->cap && (err = idx_grow(x)) != DM_OK)
		return err;
	s = idx_slot(x, rid, rn);
	if (s->rid && s->ts > ts)
		return DM_OK; /* the latest label counts */
	l = strndup(label, ln);
	if (!l)
		return DM_ENOMEM;
	if (!s->rid) {
		s->rid = strndup(rid, rn);
		if (!s->rid) {
			free(l);
			return DM_ENOMEM;
		}
		x->n++;
	}
	free(s->label);
	s->label = l;
	s->ts = ts;
	return DM_OK;
}

static void idx_free(struct labidx *x)
{
	size_t i;

	for (i = 0; i < x->cap; i++) {
		free(x->t[i].rid);
		free(x->t[i].label);
	}
	free(x->t);
}

static int cell_eq(const dm_column *c, size_t i, const char *s)
{
	char buf[40];
	const char *v;
	size_t n;

	if (!cell_text(c, i, buf, sizeof(buf), &v, &n))
		return 0;
	return strlen(s) == n && !memcmp(v, s, n);
}

typedef dm_err (*row_fn)(void *ctx, const dm_batch *b, size_t i,
			 const long *idx);

/* Errors that mean "this file cannot be read", not "the store failed". */
static int bad_file(dm_err err)
{
	return err == DM_EEMPTY || err == DM_EFORMAT || err == DM_ETOOBIG ||
	       err == DM_EUNSUPPORTED || err == DM_EVERSION ||
	       err == DM_ESCHEMA;
}

/* Streams every data file of the hours [start, end) under prefix,
 * calling fn on each row; names[] must exist (files without them are
 * skipped). */
static dm_err scan_hours(dm_store *st, const char *prefix, time_t start,
			 time_t end, const char *const *names, size_t ncols,
			 row_fn fn, void *ctx, dm_diag *diag)
{
	time_t h;
	dm_err err = DM_OK;

	for (h = start; h < end && err == DM_OK; h += 3600) {
		char p[DM_LAYOUT_KEY_MAX], **keys = NULL;
		size_t n = 0, i;

		err = dm_layout_hour_prefix(prefix, h, p, sizeof(p), diag);
		if (err != DM_OK)
			break;
		err = dm_store_list(st, p, &keys, &n, diag);
		for (i = 0; i < n && err == DM_OK; i++) {
			dm_source *src = NULL;
			dm_reader *r = NULL;
			dm_reader_opts ro = {0};
			dm_batch *b = NULL;
			long idx[8];
			uint8_t *keep;
			size_t j;

			if (!dm_layout_is_data_file(keys[i]))
				continue;
			ro.lenient = 1;
			err = dm_store_open_source(st, keys[i], &src, diag);
			if (err == DM_OK)
				err = dm_reader_open(src, &ro, &r, diag);
			if (err != DM_OK && bad_file(err)) {
				/* as detect's profiling pass: an unreadable
				 * file is skipped (and alerted there) */
				err = DM_OK;
				dm_reader_free(r);
				continue;
			}
			if (err != DM_OK)
				break;
			if (find_cols(r, names, ncols, idx) >= 0) {
				dm_reader_free(r);
				continue;
			}
			keep = calloc(r->ncols ? r->ncols : 1, 1);
			if (!keep) {
				dm_reader_free(r);
				err = DM_ENOMEM;
				break;
			}
			for (j = 0; j < ncols; j++)
				keep[idx[j]] = 1;
			(void)dm_reader_project(r, keep);
			free(keep);
			while (err == DM_OK &&
			       (err = dm_reader_next(r, &b, diag)) == DM_OK &&
			       b && b->nrows > 0) {
				for (j = 0; j < b->nrows && err == DM_OK; j++)
					err = fn(ctx, b, j, idx);
			}
			if (err != DM_OK && bad_file(err))
				err = DM_OK; /* rows before the error count */
			dm_reader_free(r);
		}
		dm_store_free_list(keys, n);
	}
	return err;
}

struct load_ctx {
	struct labidx *x;
	const char *model, *version;
};

static dm_err load_row(void *ctx, const dm_batch *b, size_t i, const long *idx)
{
	struct load_ctx *c = ctx;
	char b1[40], b2[40];
	const char *rid, *lab;
	size_t rn, ln;
	double ts = 0;

	if (!cell_eq(&b->cols[idx[C_MODEL]], i, c->model) ||
	    !cell_eq(&b->cols[idx[C_VERSION]], i, c->version))
		return DM_OK;
	if (!cell_text(&b->cols[idx[C_RID]], i, b1, sizeof(b1), &rid, &rn) ||
	    !cell_text(&b->cols[idx[C_LABEL]], i, b2, sizeof(b2), &lab, &ln) ||
	    cell_time(&b->cols[idx[C_TS]], i, &ts) <= 0)
		return DM_OK;
	return idx_put(c->x, rid, rn, lab, ln, ts);
}

/* ---- the join ---------------------------------------------------------- */

struct pairs {
	char **lab, **pred;
	size_t n, cap;
};

struct join_ctx {
	struct labidx *x;
	const char *model, *version;
	double max_delay;
	struct pairs *pp;
	dm_perf *out;
};

enum { J_RID, J_MODEL, J_VERSION, J_PRED, J_TS, JCOLS };

static dm_err pair_add(struct pairs *pp, const char *lab, const char *pred,
		       size_t pn)
{
	if (pp->n == pp->cap) {
		size_t cap = pp->cap ? 2 * pp->cap : 1024;
		char **a = realloc(pp->lab, cap * sizeof(char *));
		char **b;

		if (!a)
			return DM_ENOMEM;
		pp->lab = a;
		b = realloc(pp->pred, cap * sizeof(char *));
		if (!b)
			return DM_ENOMEM;
		pp->pred = b;
		pp->cap = cap;
	}
	pp->lab[pp->n] = strdup(lab);
	pp->pred[pp->n] = strndup(pred, pn);
	if (!pp->lab[pp->n] || !pp->pred[pp->n]) {
		free(pp->lab[pp->n]);
		free(pp->pred[pp->n]);
		return DM_ENOMEM;
	}
	pp->n++;
	return DM_OK;
}

/* Keeps the prediction as a number when it is one (CBPE's input). */
static dm_err add_score(dm_perf *p, const dm_column *c, size_t i)
{
	char buf[40];
	const char *s;
	size_t n;
	double v;

	if (!cell_text(c, i, buf, sizeof(buf), &s, &n) ||
	    dm_parse_double(s, n, &v) != 0 || !isfinite(v))
		return DM_OK;
	if (p->nwscores == p->wscores_cap) {
		size_t cap = p->wscores_cap ? 2 * p->wscores_cap : 1024;
		double *g = realloc(p->wscores, cap * sizeof(double));

		if (!g)
			return DM_ENOMEM;
		p->wscores = g;
		p->wscores_cap = cap;
	}
	p->wscores[p->nwscores++] = v;
	return DM_OK;
}

static dm_err join_row(void *ctx, const dm_batch *b, size_t i, const long *idx)
{
	struct join_ctx *c = ctx;
	char b1[40], b2[40];
	const char *rid, *pred;
	size_t rn, pn;
	struct lab *l;
	double ts = 0;
	int tr;

	if (!cell_eq(&b->cols[idx[J_MODEL]], i, c->model) ||
	    !cell_eq(&b->cols[idx[J_VERSION]], i, c->version))
		return DM_OK;
	if (add_score(c->out, &b->cols[idx[J_PRED]], i) != DM_OK)
		return DM_ENOMEM;
	if (!cell_text(&b->cols[idx[J_RID]], i, b1, sizeof(b1), &rid, &rn))
		return DM_OK;
	c->out->predictions++;
	if (!c->x->cap)
		return DM_OK;
	l = idx_slot(c->x, rid, rn);
	if (!l->rid)
		return DM_OK;
	if (!cell_text(&b->cols[idx[J_PRED]], i, b2, sizeof(b2), &pred, &pn))
		return DM_OK;
	tr = cell_time(&b->cols[idx[J_TS]], i, &ts);
	if (tr > 0 && l->ts - ts > c->max_delay) {
		c->out->late++;
		return DM_OK;
	}
	c->out->labelled++;
	return pair_add(c->pp, l->label, pred, pn);
}

static dm_err perf_join(dm_store *st, const char *model, const char *version,
			time_t start, time_t end, double max_delay_hours,
			const char *pred_col, dm_perf_task task,
			int scores_wanted, dm_perf *out, dm_diag *diag)
{
	struct labidx x = {NULL, 0, 0};
	struct pairs pp = {NULL, NULL, 0, 0};
	struct load_ctx lc = {&x, model, version};
	struct join_ctx jc;
	const char *jnames[JCOLS] = {"request_id", "model_name",
				     "model_version", pred_col, "timestamp"};
	time_t lend;
	size_t i;
	dm_err err;

	memset(out, 0, sizeof(*out));
	out->roc_auc = out->average_precision = out->log_loss = out->brier =
		NAN;
	out->max_delay_hours = max_delay_hours;
	snprintf(out->prediction_column, sizeof(out->prediction_column), "%s",
		 pred_col);
	if (!(max_delay_hours >= 0.0 &&
	      max_delay_hours <= DM_LABELS_MAX_DELAY_HOURS))
		return dm_diag_set(diag, DM_EINVAL, NULL, 0, NULL,
				   "invalid maximum label delay (0 to %d "
				   "hours)",
				   DM_LABELS_MAX_DELAY_HOURS);
	lend = end + (time_t)ceil(max_delay_hours) * 3600;
	/* labels stamped up to a day before the window count too (clocks) */
	err = scan_hours(st, DM_LAYOUT_LABELS_ROOT, start - 24 * 3600, lend,
			 col_names, NCOLS, load_row, &lc, diag);
	if (err != DM_OK)
		goto out;
	jc.x = &x;
	jc.model = model;
	jc.version = version;
	jc.max_delay = max_delay_hours * 3600.0;
	jc.pp = &pp;
	jc.out = out;
	out->labels_loaded = x.n;
	if (x.n == 0 && !scores_wanted)
		goto out;
	err = scan_hours(st, DM_LAYOUT_LOGS_ROOT, start, end, jnames, JCOLS,
			 join_row, &jc, diag);
	if (err == DM_OK && pp.n > 0)
		err = dm_perf_compute_task((const char *const *)pp.lab,
					   (const char *const *)pp.pred, pp.n,
					   task, out);
out:
	for (i = 0; i < pp.n; i++) {
		free(pp.lab[i]);
		free(pp.pred[i]);
	}
	free(pp.lab);
	free(pp.pred);
	idx_free(&x);
	return err;
}

dm_err dm_perf_join(dm_store *st, const char *model, const char *version,
		    time_t start, time_t end, double max_delay_hours,
		    const char *pred_col, dm_perf_task task, dm_perf *out,
		    dm_diag *diag)
{
	return perf_join(st, model, version, start, end, max_delay_hours,
			 pred_col, task, 1, out, diag);
}

dm_err dm_perf_join_if_labelled(dm_store *st, const char *model,
				const char *version, time_t start, time_t end,
				double max_delay_hours, const char *pred_col,
				dm_perf *out, dm_diag *diag)
{
	return perf_join(st, model, version, start, end, max_delay_hours,
			 pred_col, DM_PERF_NONE, 0, out, diag);
}

/* ---- metrics of the pairs ---------------------------------------------- */

static void release_metrics(dm_perf *p);

const char *dm_perf_metric_name(dm_perf_task t, int i)
{
	static const char *const names[3][DM_PERF_NCMP] = {
		{"accuracy", "f1", "roc_auc"},
		{"accuracy", "f1_macro", NULL},
		{"mae", "rmse", NULL}};

	if (i < 0 || i >= DM_PERF_NCMP)
		return NULL;
	switch (t) {
	case DM_PERF_BINARY_SCORE:
		return names[0][i];
	case DM_PERF_CLASSIFICATION:
		return names[1][i];
	case DM_PERF_REGRESSION:
		return names[2][i];
	default:
		return NULL;
	}
}

const char *dm_perf_task_name(dm_perf_task t)
{
	switch (t) {
	case DM_PERF_BINARY_SCORE:
		return "binary_score";
	case DM_PERF_CLASSIFICATION:
		return "classification";
	case DM_PERF_REGRESSION:
		return "regression";
	default:
		return "none";
	}
}

static int num(const char *s, double *v)
{
	return dm_parse_double(s, strlen(s), v) == 0 && isfinite(*v);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static long class_of(char **classes, size_t k, const char *s)
{
	char *const *hit = bsearch(&s, classes, k, sizeof(char *), cmp_str);

	return hit ? (long)(hit - classes) : -1;
}

static dm_err classes_collect(const char *const *labels,
			      const char *const *preds, size_t n, dm_perf *out)
{
	char **all = malloc(2 * n * sizeof(char *));
	size_t i, k = 0;

	if (!all)
		return DM_ENOMEM;
	for (i = 0; i < n; i++) {
		all[2 * i] = (char *)labels[i];
		all[2 * i + 1] = (char *)preds[i];
	}
	qsort(all, 2 * n, sizeof(char *), cmp_str);
	for (i = 0; i < 2 * n; i++)
		if (k == 0 || strcmp(all[k - 1], all[i]))
			all[k++] = all[i];
	if (k > DM_LABELS_MAX_CLASSES) {
		free(all);
		return DM_ETOOBIG;
	}
	out->classes = calloc(k < 2 ? 2 : k, sizeof(char *));
	if (!out->classes) {
		free(all);
		return DM_ENOMEM;
	}
	for (i = 0; i < k; i++)
		if (!(out->classes[i] = strdup(all[i]))) {
			free(all);
			return DM_ENOMEM;
		}
	out->nclasses = k;
	free(all);
	return DM_OK;
}

static dm_err classification(const char *const *labels,
			     const char *const *preds, size_t n, dm_perf *out)
{
	size_t i, k;
	dm_err err = classes_collect(labels, preds, n, out);

	if (err != DM_OK)
		return err;
	k = out->nclasses < 2 ? 2 : out->nclasses;
	if (out->nclasses < 2) { /* one class seen: add a placeholder */
		out->classes[1] = strdup("(other)");
		if (!out->classes[1])
			return DM_ENOMEM;
		out->nclasses = 2;
		qsort(out->classes, 2, sizeof(char *), cmp_str);
	}
	err = dm_confusion_init(&out->cm, k);
	for (i = 0; i < n && err == DM_OK; i++)
		err = dm_confusion_add(
			&out->cm, (size_t)class_of(out->classes, k, labels[i]),
			(size_t)class_of(out->classes, k, preds[i]), 1.0);
	if (err == DM_OK)
		err = dm_class_scores_compute(&out->cm, &out->scores);
	return err;
}

static dm_err binary_score(const double *y, const double *p, size_t n,
			   dm_perf *out)
{
	unsigned char *pos = malloc(n);
	size_t *yi = malloc(n * sizeof(size_t)), i;
	dm_err err;

	if (!pos || !yi) {
		free(pos);
		free(yi);
		return DM_ENOMEM;
	}
	for (i = 0; i < n; i++) {
		pos[i] = y[i] == 1.0;
		yi[i] = pos[i];
	}
	out->classes = calloc(2, sizeof(char *));
	err = out->classes ? DM_OK : DM_ENOMEM;
	if (err == DM_OK) {
		out->classes[0] = strdup("0");
		out->classes[1] = strdup("1");
		out->nclasses = 2;
		if (!out->classes[0] || !out->classes[1])
			err = DM_ENOMEM;
	}
	if (err == DM_OK)
		err = dm_confusion_init(&out->cm, 2);
	if (err == DM_OK)
		err = dm_calib_init(&out->calib, DM_PERF_CALIB_BINS);
	for (i = 0; i < n && err == DM_OK; i++) {
		err = dm_confusion_add(&out->cm, yi[i], p[i] >= 0.5, 1.0);
		if (err == DM_OK)
			err = dm_calib_add(&out->calib, p[i], pos[i]);
	}
	if (err == DM_OK)
		err = dm_class_scores_compute(&out->cm, &out->scores);
	if (err == DM_OK)
		out->roc_auc = dm_roc_auc(p, pos, NULL, n, &err);
	if (err == DM_OK)
		out->average_precision =
			dm_average_precision(p, pos, NULL, n, &err);
	if (err == DM_OK)
		out->log_loss = dm_log_loss(p, 1, yi, NULL, n, &err);
	if (err == DM_OK)
		out->brier = dm_brier(p, pos, NULL, n, &err);
	free(pos);
	free(yi);
	return err;
}

/* The regression metrics of n number pairs. */
static dm_err regression(const double *y, const double *p, size_t n,
			 dm_perf *out)
{
	dm_regress r;
	size_t i;
	dm_err err = DM_OK;

	out->task = DM_PERF_REGRESSION;
	dm_regress_init(&r);
	for (i = 0; i < n && err == DM_OK; i++)
		err = dm_regress_add(&r, y[i], p[i], 1.0);
	dm_regress_metrics_compute(&r, &out->reg);
	dm_error_moments_compute(y, p, n, &out->errm);
	return err;
}

dm_err dm_perf_compute_task(const char *const *labels, const char *const *preds,
			    size_t n, dm_perf_task task, dm_perf *out)
{
	double *y, *p;
	size_t i;
	int all_num = 1;
	dm_err err;

	if (n == 0 ||
	    (task != DM_PERF_CLASSIFICATION && task != DM_PERF_REGRESSION))
		return dm_perf_compute(labels, preds, n, out);
	if (task == DM_PERF_CLASSIFICATION) {
		out->task = DM_PERF_CLASSIFICATION;
		return classification(labels, preds, n, out);
	}
	y = malloc(n * sizeof(double));
	p = malloc(n * sizeof(double));
	if (!y || !p) {
		free(y);
		free(p);
		return DM_ENOMEM;
	}
	for (i = 0; i < n && all_num; i++)
		all_num = num(labels[i], &y[i]) && num(preds[i], &p[i]);
	err = all_num ? regression(y, p, n, out)
		      : dm_perf_compute(labels, preds, n, out);
	free(y);
	free(p);
	return err;
}

dm_err dm_perf_compute(const char *const *labels, const char *const *preds,
		       size_t n, dm_perf *out)
{
	double *y = malloc((n ? n : 1) * sizeof(double));
	double *p = malloc((n ? n : 1) * sizeof(double));
	int all_num = 1, y01 = 1, p01 = 1, pin = 1, yint = 1;
	size_t i;
	dm_err err = DM_OK;

	if (!y || !p) {
		err = DM_ENOMEM;
		goto out;
	}
	out->task = DM_PERF_NONE;
	if (n == 0)
		goto out;
	for (i = 0; i < n && all_num; i++) {
		all_num = num(labels[i], &y[i]) && num(preds[i], &p[i]);
		if (!all_num)
			break;
		y01 &= y[i] == 0.0 || y[i] == 1.0;
		p01 &= p[i] == 0.0 || p[i] == 1.0;
		pin &= p[i] >= 0.0 && p[i] <= 1.0;
		yint &= y[i] == floor(y[i]);
	}
	if (all_num && y01 && pin && !p01) {
		out->task = DM_PERF_BINARY_SCORE;
		err = binary_score(y, p, n, out);
	} else if (all_num && !yint) {
		err = regression(y, p, n, out);
	} else {
		out->task = DM_PERF_CLASSIFICATION;
		err = classification(labels, preds, n, out);
		if (err == DM_ETOOBIG && all_num) {
			release_metrics(out);
			err = regression(y, p, n, out);
		}
	}
out:
	free(y);
	free(p);
	return err;
}

/* Frees the classification results only (the window's scores stay). */
static void release_metrics(dm_perf *p)
{
	size_t i;

	for (i = 0; p->classes && i < p->nclasses; i++)
		free(p->classes[i]);
	free(p->classes);
	p->classes = NULL;
	p->nclasses = 0;
	dm_confusion_release(&p->cm);
	dm_class_scores_release(&p->scores);
	dm_calib_release(&p->calib);
	memset(&p->calib, 0, sizeof(p->calib));
}

void dm_perf_release(dm_perf *p)
{
	if (!p)
		return;
	release_metrics(p);
	free(p->wscores);
	p->wscores = NULL;
	p->nwscores = p->wscores_cap = 0;
}

void dm_perf_free(dm_perf *p)
{
	dm_perf_release(p);
	free(p);
}
