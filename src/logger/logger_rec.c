/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Record batches: validation and the compact binary encoding a batch has
 * in the write-ahead log (format in logger_int.h), and its decoding.
 *
 * The encoder is on the hot path of every dm_logger_log call, so it does
 * the per-batch work once: a column name is looked up in a hash table
 * (with a fast path for records that list their fields in the same order
 * as the record before, as gateways do), validated when first seen in
 * the batch, and then referred to by index.  The same pass records, per
 * (model, version) and column, which types and roles the batch uses, so
 * that the schema is checked once per column, not once per value.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/utf8.h"
#include "driftmon/names.h"
#include "logger/logger_int.h"

/* Valid UTF-8 (with an ASCII fast path: most names and values). */
static int utf8_ok(const char *s, size_t n)
{
	size_t i = 0;

	while (i + 8 <= n) {
		uint64_t w;

		memcpy(&w, s + i, 8);
		if (w & UINT64_C(0x8080808080808080))
			break;
		i += 8;
	}
	while (i < n && !((unsigned char)s[i] & 0x80))
		i++;
	if (i == n)
		return 1;
	return utf8_valid_prefix(s + i, n - i) == n - i;
}

/* Error about record irec (0-based), field 'field' (may be NULL). */
static dm_err rec_err(dm_diag *diag, dm_err err, size_t irec, int multi,
		      const char *field, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

static dm_err rec_err(dm_diag *diag, dm_err err, size_t irec, int multi,
		      const char *field, const char *fmt, ...)
{
	char reason[400], rec[48] = "";
	va_list ap;

	if (!diag)
		return err;
	dm_diag_clear(diag);
	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	if (multi)
		snprintf(rec, sizeof(rec), "record %zu: ", irec + 1);
	if (field)
		snprintf(diag->msg, sizeof(diag->msg), "%sfield '%.200s': %s",
			 rec, field, reason);
	else
		snprintf(diag->msg, sizeof(diag->msg), "%s%s", rec, reason);
	diag->row = irec + 1;
	if (field)
		snprintf(diag->column, sizeof(diag->column), "%s", field);
	return err;
}

/* s (n bytes) is the metadata column col (a string literal). */
#define IS_COLUMN(s, n, col)                                                   \
	((n) == sizeof(col) - 1 && !memcmp((s), col, sizeof(col) - 1))

static int reserved(const char *s, size_t n)
{
	return IS_COLUMN(s, n, DM_LOG_COL_TIMESTAMP) ||
	       IS_COLUMN(s, n, DM_LOG_COL_MODEL) ||
	       IS_COLUMN(s, n, DM_LOG_COL_VERSION) ||
	       IS_COLUMN(s, n, DM_LOG_COL_REQUEST);
}

void lg_enc_init(lg_enc *e)
{
	memset(e, 0, sizeof(*e));
	bb_init(&e->frame, (size_t)WAL_MAX_FRAME + WAL_FRAME_HDR);
	bb_init(&e->names_b, WAL_MAX_FRAME);
	bb_init(&e->mv_b, WAL_MAX_FRAME);
	bb_init(&e->recs_b, WAL_MAX_FRAME);
}

void lg_enc_release(lg_enc *e)
{
	size_t i;

	if (!e)
		return;
	for (i = 0; i < e->capmv; i++) {
		free(e->mv[i].use);
		free(e->mv[i].first);
	}
	free(e->mv);
	free(e->names);
	free(e->stamp);
	smap_release(&e->name_map);
	bb_release(&e->frame);
	bb_release(&e->names_b);
	bb_release(&e->mv_b);
	bb_release(&e->recs_b);
	memset(e, 0, sizeof(*e));
}

/* Grows the per-name arrays (names, stamps, every mv's use/first) to
 * hold at least want names. */
static int grow_names(lg_enc *e, size_t want)
{
	size_t cap = e->capnames ? e->capnames : 64, i;
	lg_name *nn;
	uint32_t *st;

	if (want <= e->capnames)
		return 0;
	while (cap < want)
		cap *= 2;
	nn = realloc(e->names, cap * sizeof(*nn));
	if (!nn)
		return -1;
	e->names = nn;
	st = realloc(e->stamp, cap * sizeof(*st));
	if (!st)
		return -1;
	memset(st + e->capnames, 0, (cap - e->capnames) * sizeof(*st));
	e->stamp = st;
	for (i = 0; i < e->capmv; i++) {
		uint8_t *u = realloc(e->mv[i].use, cap);
		uint32_t *f;

		if (!u)
			return -1;
		memset(u + e->capuse, 0, cap - e->capuse);
		e->mv[i].use = u;
		f = realloc(e->mv[i].first, cap * sizeof(*f));
		if (!f)
			return -1;
		e->mv[i].first = f;
	}
	e->capnames = cap;
	e->capuse = cap;
	return 0;
}

/* Index of (model, version) in the batch, adding it (after checking
 * it) if new.  -1 after an error (in *err). */
static long mv_index(lg_enc *e, const dm_log_record *r, size_t irec, int multi,
		     dm_err *err, dm_diag *diag)
{
	size_t ml, vl, i;
	lg_mv *m;
	dm_diag nd;

	if (!r->model_name || !*r->model_name) {
		*err = rec_err(diag, DM_EINVAL, irec, multi, DM_LOG_COL_MODEL,
			       "is missing");
		return -1;
	}
	if (!r->model_version || !*r->model_version) {
		*err = rec_err(diag, DM_EINVAL, irec, multi, DM_LOG_COL_VERSION,
			       "is missing");
		return -1;
	}
	ml = strlen(r->model_name);
	vl = strlen(r->model_version);
	for (i = e->nmv; i-- > 0;) {
		m = &e->mv[i];
		if (m->mlen == ml && m->vlen == vl &&
		    !memcmp(m->model, r->model_name, ml) &&
		    !memcmp(m->version, r->model_version, vl))
			return (long)i;
	}
	if (dm_name_check("model", r->model_name, ml, &nd) != DM_OK) {
		*err = rec_err(diag, DM_EINVAL, irec, multi, DM_LOG_COL_MODEL,
			       "%s", nd.msg);
		return -1;
	}
	if (dm_name_check("model version", r->model_version, vl, &nd) !=
	    DM_OK) {
		*err = rec_err(diag, DM_EINVAL, irec, multi, DM_LOG_COL_VERSION,
			       "%s", nd.msg);
		return -1;
	}
	if (e->nmv == e->capmv) {
		size_t cap = e->capmv ? e->capmv * 2 : 4;
		lg_mv *p = realloc(e->mv, cap * sizeof(*p));

		if (!p)
			goto oom;
		memset(p + e->capmv, 0, (cap - e->capmv) * sizeof(*p));
		e->mv = p;
		for (i = e->capmv; i < cap; i++) {
			if (!e->capuse)
				continue;
			p[i].use = calloc(e->capuse, 1);
			p[i].first = calloc(e->capuse, sizeof(uint32_t));
			if (!p[i].use || !p[i].first) {
				e->capmv = i + 1;
				goto oom;
			}
		}
		e->capmv = cap;
	}
	m = &e->mv[e->nmv];
	if (e->capuse)
		memset(m->use, 0, e->capuse);
	m->model = r->model_name;
	m->version = r->model_version;
	m->mlen = (uint32_t)ml;
	m->vlen = (uint32_t)vl;
	bb_uvarint(&e->mv_b, ml);
	bb_put(&e->mv_b, r->model_name, ml);
	bb_uvarint(&e->mv_b, vl);
	bb_put(&e->mv_b, r->model_version, vl);
	return (long)e->nmv++;
oom:
	*err = rec_err(diag, DM_ENOMEM, irec, multi, NULL, "out of memory");
	return -1;
}

/* Index of a column name, adding (after checking) it if new. */
static long name_index(lg_enc *e, const char *name, size_t nlen, size_t irec,
		       int multi, dm_err *err, dm_diag *diag)
{
	uint32_t h = smap_hash(name, nlen);
	smap_slot *s = smap_find(&e->name_map, name, nlen, h);
	dm_diag nd;

	if (s)
		return (long)s->val;
	if (dm_name_check("column", name, nlen, &nd) != DM_OK) {
		*err = rec_err(diag, DM_EINVAL, irec, multi, NULL, "%s",
			       nd.msg);
		return -1;
	}
	if (reserved(name, nlen)) {
		*err = rec_err(diag, DM_EINVAL, irec, multi, name,
			       "is a metadata column: it cannot be a feature "
			       "or prediction");
		return -1;
	}
	if (grow_names(e, e->nnames + 1) < 0 ||
	    smap_insert(&e->name_map, name, nlen, h, (uint32_t)e->nnames) < 0) {
		*err = rec_err(diag, DM_ENOMEM, irec, multi, NULL,
			       "out of memory");
		return -1;
	}
	e->names[e->nnames].s = name;
	e->names[e->nnames].len = (uint32_t)nlen;
	e->names[e->nnames].hash = h;
	bb_uvarint(&e->names_b, nlen);
	bb_put(&e->names_b, name, nlen);
	return (long)e->nnames++;
}

static const char *use_type_name(uint8_t use)
{
	return use & LG_USE_NUMBER ? "a number" : "a string";
}

/* A field's tag in a record: (name index << 3) | (prediction << 2) |
 * type (logger_int.h). */
#define TAG_NAME_SHIFT 3
#define TAG_PRED_SHIFT 2
#define TAG_TYPE_MASK  3u
/* What a frame holds besides its three tables: the type byte and the
 * three counts (uvarints of at most 10 bytes). */
#define FRAME_TYPE_BYTES   1
#define FRAME_COUNTS_BYTES 30

/* One lg_enc_batch call: its settings, and the record being encoded. */
typedef struct enc_run {
	lg_enc *e;
	const lg_limits *lim;
	int multi;
	dm_diag *diag;
	size_t irec; /* the record (0-based) */
	long mvi;    /* its (model, version) */
	/* the name indices of the record before, by position (records
	 * usually list their fields in the same order) */
	uint32_t *prev;
	size_t nprev, capprev;
} enc_run;

/* Empties e's tables and buffers for a batch of n records. */
static void enc_reset(lg_enc *e, size_t n)
{
	e->nnames = e->nmv = 0;
	e->nrec = n;
	smap_clear(&e->name_map);
	if (e->capnames)
		memset(e->stamp, 0, e->capnames * sizeof(*e->stamp));
	e->frame.len = e->names_b.len = e->mv_b.len = e->recs_b.len = 0;
	e->frame.err = e->names_b.err = e->mv_b.err = e->recs_b.err = 0;
}

/* The request id: *rl receives its length (0 if none). */
static dm_err check_request_id(enc_run *x, const char *id, size_t *rl)
{
	*rl = 0;
	if (!id)
		return DM_OK;
	*rl = strlen(id);
	if (*rl > x->lim->max_string_bytes)
		return rec_err(x->diag, DM_ETOOBIG, x->irec, x->multi,
			       DM_LOG_COL_REQUEST, "longer than %zu bytes",
			       x->lim->max_string_bytes);
	if (!utf8_ok(id, *rl))
		return rec_err(x->diag, DM_EINVAL, x->irec, x->multi,
			       DM_LOG_COL_REQUEST, "not valid UTF-8");
	return DM_OK;
}

/*
 * What a record must have before its fields: a timestamp in range,
 * its arrays, a valid (model, version) (x->mvi), a valid request id
 * (*rl: its length), at most max_columns fields (room in x->prev).
 */
static dm_err check_record(enc_run *x, const dm_log_record *r, int64_t ts,
			   size_t *rl)
{
	size_t nf = r->nfeatures + r->npredictions;
	dm_err err = DM_OK;

	if (ts < 0 || ts >= DM_LOG_TS_MAX_US)
		return rec_err(x->diag, DM_EINVAL, x->irec, x->multi,
			       DM_LOG_COL_TIMESTAMP,
			       "%lld microseconds since the epoch is out of "
			       "range (1970 to 9999)",
			       (long long)ts);
	if ((r->nfeatures && !r->features) ||
	    (r->npredictions && !r->predictions))
		return rec_err(x->diag, DM_EINVAL, x->irec, x->multi, NULL,
			       "features or predictions missing");
	x->mvi = mv_index(x->e, r, x->irec, x->multi, &err, x->diag);
	if (x->mvi < 0)
		return err;
	if ((err = check_request_id(x, r->request_id, rl)))
		return err;
	if (nf > x->lim->max_columns)
		return rec_err(x->diag, DM_ETOOBIG, x->irec, x->multi, NULL,
			       "%zu columns: more than the limit of %zu", nf,
			       x->lim->max_columns);
	if (nf > x->capprev) {
		uint32_t *p = realloc(x->prev, nf * sizeof(*p));

		if (!p)
			return DM_ENOMEM;
		x->prev = p;
		x->capprev = nf;
	}
	return DM_OK;
}

/*
 * The index of field j's name (v->name, nl bytes) in *idx: the record
 * before's at the same position if it is the same name, else from the
 * table (checked when new).  A name used twice in a record is an error.
 */
static dm_err field_index(enc_run *x, const dm_log_value *v, size_t nl,
			  size_t j, long *idx)
{
	lg_enc *e = x->e;
	dm_err err = DM_OK;

	*idx = -1;
	if (j < x->nprev) {
		const lg_name *pn = &e->names[x->prev[j]];

		if (pn->len == nl && !memcmp(pn->s, v->name, nl))
			*idx = (long)x->prev[j];
	}
	if (*idx < 0) {
		*idx = name_index(e, v->name, nl, x->irec, x->multi, &err,
				  x->diag);
		if (*idx < 0)
			return err;
	}
	x->prev[j] = (uint32_t)*idx;
	if (e->stamp[*idx] == x->irec + 1)
		return rec_err(x->diag, DM_EINVAL, x->irec, x->multi, v->name,
			       "appears twice (a column name may be used once "
			       "per record, by a feature or a prediction)");
	e->stamp[*idx] = (uint32_t)(x->irec + 1);
	return DM_OK;
}

/* The use (LG_USE_NULL, _NUMBER or _STRING) of value v in *want, a
 * string's length in *sl (checked: present, bounded, UTF-8). */
static dm_err value_use(enc_run *x, const dm_log_value *v, uint8_t *want,
			size_t *sl)
{
	switch (v->type) {
	case DM_LOG_NULL:
		*want = LG_USE_NULL;
		return DM_OK;
	case DM_LOG_NUMBER:
	case DM_LOG_BOOL:
		*want = LG_USE_NUMBER;
		return DM_OK;
	case DM_LOG_STRING:
		if (!v->str)
			return rec_err(x->diag, DM_EINVAL, x->irec, x->multi,
				       v->name, "string value is NULL");
		*sl = v->str_len ? v->str_len : strlen(v->str);
		if (*sl > x->lim->max_string_bytes)
			return rec_err(x->diag, DM_ETOOBIG, x->irec, x->multi,
				       v->name,
				       "string of %zu bytes: longer than the "
				       "limit of %zu",
				       *sl, x->lim->max_string_bytes);
		if (!utf8_ok(v->str, *sl))
			return rec_err(x->diag, DM_EINVAL, x->irec, x->multi,
				       v->name, "string is not valid UTF-8");
		*want = LG_USE_STRING;
		return DM_OK;
	default:
		return rec_err(x->diag, DM_EINVAL, x->irec, x->multi, v->name,
			       "unknown value type %d", (int)v->type);
	}
}

/* A schema error about column name: the message names it, so the field
 * is not repeated; diag->column still gets it. */
static dm_err column_err(enc_run *x, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static dm_err column_err(enc_run *x, const char *name, const char *fmt, ...)
{
	char reason[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	rec_err(x->diag, DM_ESCHEMA, x->irec, x->multi, NULL, "%s", reason);
	if (x->diag)
		snprintf(x->diag->column, sizeof(x->diag->column), "%s", name);
	return DM_ESCHEMA;
}

/*
 * Checks column idx's use in this record (want, as a prediction or not)
 * against its earlier uses in the batch for this (model, version), then
 * adds it: a column keeps one type (numbers or strings; NULLs fit both)
 * and one role.
 */
static dm_err add_use(enc_run *x, const dm_log_value *v, long idx, uint8_t want,
		      int pred)
{
	lg_mv *m = &x->e->mv[x->mvi]; /* after name_index: it may move */
	uint8_t use = m->use[idx];
	uint8_t role = pred ? LG_USE_PREDICTION : LG_USE_FEATURE;

	if ((use & (LG_USE_NUMBER | LG_USE_STRING)) && want != LG_USE_NULL &&
	    !(use & want))
		return column_err(x, v->name,
				  "column '%.200s': type conflict: got %s, but "
				  "record %u of this batch gives %s",
				  v->name, use_type_name(want),
				  m->first[idx] + 1, use_type_name(use));
	if ((use & (LG_USE_FEATURE | LG_USE_PREDICTION)) && !(use & role))
		return column_err(x, v->name,
				  "column '%.200s': is a %s here but a %s in "
				  "record %u of this batch",
				  v->name, pred ? "prediction" : "feature",
				  pred ? "feature" : "prediction",
				  m->first[idx] + 1);
	if (!use ||
	    (want != LG_USE_NULL && !(use & (LG_USE_NUMBER | LG_USE_STRING))))
		m->first[idx] = (uint32_t)x->irec;
	m->use[idx] = use | want | role;
	return DM_OK;
}

/* Appends a field: its tag, then its value. */
static void put_field(bbuf *b, long idx, int pred, const dm_log_value *v,
		      size_t sl)
{
	bb_uvarint(b, ((uint64_t)idx << TAG_NAME_SHIFT) |
			      ((uint64_t)pred << TAG_PRED_SHIFT) |
			      (uint64_t)v->type);
	if (v->type == DM_LOG_NUMBER) {
		bb_f64(b, v->num);
	} else if (v->type == DM_LOG_BOOL) {
		bb_f64(b, v->num != 0 ? 1.0 : 0.0);
	} else if (v->type == DM_LOG_STRING) {
		bb_uvarint(b, sl);
		bb_put(b, v->str, sl);
	}
}

/* Field j of record r (its features, then its predictions). */
static dm_err enc_field(enc_run *x, const dm_log_record *r, size_t j)
{
	int pred = j >= r->nfeatures;
	const dm_log_value *v =
		pred ? &r->predictions[j - r->nfeatures] : &r->features[j];
	size_t sl = 0;
	long idx;
	uint8_t want = 0;
	dm_err err;

	if (!v->name)
		return rec_err(x->diag, DM_EINVAL, x->irec, x->multi, NULL,
			       "%s %zu has no name",
			       pred ? "prediction" : "feature",
			       pred ? j - r->nfeatures + 1 : j + 1);
	if ((err = field_index(x, v, strlen(v->name), j, &idx)))
		return err;
	if ((err = value_use(x, v, &want, &sl)))
		return err;
	if ((err = add_use(x, v, idx, want, pred)))
		return err;
	put_field(&x->e->recs_b, idx, pred, v, sl);
	return DM_OK;
}

/* Record x->irec: checked, then appended to e->recs_b. */
static dm_err enc_record(enc_run *x, const dm_log_record *r, int64_t now_us)
{
	bbuf *b = &x->e->recs_b;
	int64_t ts = r->timestamp_us ? r->timestamp_us : now_us;
	size_t nf = r->nfeatures + r->npredictions, rl = 0, j;
	dm_err err;

	if ((err = check_record(x, r, ts, &rl)))
		return err;
	bb_uvarint(b, (uint64_t)ts);
	bb_uvarint(b, (uint64_t)x->mvi);
	if (r->request_id) {
		bb_uvarint(b, rl + 1);
		bb_put(b, r->request_id, rl);
	} else {
		bb_uvarint(b, 0);
	}
	bb_uvarint(b, nf);
	for (j = 0; j < nf; j++)
		if ((err = enc_field(x, r, j)))
			return err;
	x->nprev = nf;
	return DM_OK;
}

static dm_err frame_too_large(dm_diag *diag, const char *or_what)
{
	return dm_diag_set(diag, DM_ETOOBIG, NULL, 0, NULL,
			   "batch too large (the limit is %u MiB encoded)%s",
			   WAL_MAX_FRAME >> 20, or_what);
}

/* The frame of the n records encoded: header, type, tables, records. */
static dm_err enc_frame(lg_enc *e, size_t n, dm_diag *diag)
{
	uint8_t *hdr;

	if (e->names_b.err || e->mv_b.err || e->recs_b.err)
		return frame_too_large(diag, " or out of memory");
	if (!bb_reserve(&e->frame, WAL_FRAME_HDR + FRAME_TYPE_BYTES +
					   FRAME_COUNTS_BYTES + e->names_b.len +
					   e->mv_b.len + e->recs_b.len))
		return frame_too_large(diag, " or out of memory");
	e->frame.len = WAL_FRAME_HDR;
	bb_u8(&e->frame, WAL_REC_BATCH);
	bb_uvarint(&e->frame, e->nnames);
	bb_put(&e->frame, e->names_b.p, e->names_b.len);
	bb_uvarint(&e->frame, e->nmv);
	bb_put(&e->frame, e->mv_b.p, e->mv_b.len);
	bb_uvarint(&e->frame, n);
	bb_put(&e->frame, e->recs_b.p, e->recs_b.len);
	if (e->frame.err || e->frame.len - WAL_FRAME_HDR > WAL_MAX_FRAME)
		return frame_too_large(diag, "");
	hdr = e->frame.p;
	wal_frame_header(hdr, hdr + WAL_FRAME_HDR,
			 (uint32_t)(e->frame.len - WAL_FRAME_HDR));
	return DM_OK;
}

dm_err lg_enc_batch(lg_enc *e, const dm_log_record *recs, size_t n,
		    int64_t now_us, const lg_limits *lim, int multi,
		    dm_diag *diag)
{
	enc_run x = {.e = e, .lim = lim, .multi = multi, .diag = diag};
	dm_err err = DM_OK;

	enc_reset(e, n);
	if (n == 0)
		return dm_diag_set(diag, DM_EINVAL, NULL, 0, NULL,
				   "no records");
	for (x.irec = 0; x.irec < n; x.irec++) {
		if ((err = enc_record(&x, &recs[x.irec], now_us)))
			goto out;
		if (e->recs_b.err)
			break;
	}
	err = enc_frame(e, n, diag);
out:
	free(x.prev);
	return err;
}

/* ---- decoding ---------------------------------------------------------- */
void lg_dec_release(lg_dec *d)
{
	if (!d)
		return;
	free(d->name);
	free(d->name_len);
	free(d->model);
	free(d->version);
	free(d->mlen);
	free(d->vlen);
	free(d->fields);
	memset(d, 0, sizeof(*d));
}

static int get_str(const uint8_t **p, const uint8_t *end, const char **s,
		   uint32_t *len)
{
	uint64_t n;

	if (bb_get_uvarint(p, end, &n) < 0 || n > (uint64_t)(end - *p))
		return -1;
	*s = (const char *)*p;
	*len = (uint32_t)n;
	*p += n;
	return 0;
}

int lg_dec_open(lg_dec *d, const uint8_t *payload, size_t len)
{
	const uint8_t *p = payload, *end = payload + len;
	uint64_t n;
	size_t i;

	free(d->name);
	free(d->name_len);
	free(d->model);
	free(d->version);
	free(d->mlen);
	free(d->vlen);
	d->name = NULL;
	d->name_len = NULL;
	d->model = d->version = NULL;
	d->mlen = d->vlen = NULL;
	d->nnames = d->nmv = d->nrec = d->irec = 0;
	d->names_raw = NULL;
	d->names_raw_len = 0;
	if (len < 1 || *p++ != WAL_REC_BATCH)
		return -1;
	if (bb_get_uvarint(&p, end, &n) < 0 || n > (uint64_t)(end - p))
		return -1;
	d->nnames = (size_t)n;
	d->name = malloc((d->nnames + 1) * sizeof(*d->name));
	d->name_len = malloc((d->nnames + 1) * sizeof(*d->name_len));
	if (!d->name || !d->name_len)
		return -2;
	for (i = 0; i < d->nnames; i++)
		if (get_str(&p, end, &d->name[i], &d->name_len[i]) < 0 ||
		    d->name_len[i] == 0)
			return -1;
	d->names_raw = payload + 1;
	d->names_raw_len = (size_t)(p - d->names_raw);
	if (bb_get_uvarint(&p, end, &n) < 0 || n > (uint64_t)(end - p))
		return -1;
	d->nmv = (size_t)n;
	d->model = malloc((d->nmv + 1) * sizeof(*d->model));
	d->version = malloc((d->nmv + 1) * sizeof(*d->version));
	d->mlen = malloc((d->nmv + 1) * sizeof(*d->mlen));
	d->vlen = malloc((d->nmv + 1) * sizeof(*d->vlen));
	if (!d->model || !d->version || !d->mlen || !d->vlen)
		return -2;
	for (i = 0; i < d->nmv; i++)
		if (get_str(&p, end, &d->model[i], &d->mlen[i]) < 0 ||
		    get_str(&p, end, &d->version[i], &d->vlen[i]) < 0 ||
		    !d->mlen[i] || !d->vlen[i])
			return -1;
	if (bb_get_uvarint(&p, end, &n) < 0 || n > (uint64_t)(end - p))
		return -1;
	d->nrec = (size_t)n;
	d->p = p;
	d->end = end;
	return 0;
}

int lg_dec_next(lg_dec *d, lg_drec *r)
{
	const uint8_t *p = d->p, *end = d->end;
	uint64_t v, nf;
	size_t j;

	if (d->irec == d->nrec)
		return p == end ? 0 : -1;
	if (bb_get_uvarint(&p, end, &v) < 0 || v >= (uint64_t)DM_LOG_TS_MAX_US)
		return -1;
	r->ts_us = (int64_t)v;
	if (bb_get_uvarint(&p, end, &v) < 0 || v >= d->nmv)
		return -1;
	r->mv = (uint32_t)v;
	if (bb_get_uvarint(&p, end, &v) < 0)
		return -1;
	if (v == 0) {
		r->rid = NULL;
		r->rid_len = 0;
	} else {
		if (v - 1 > (uint64_t)(end - p))
			return -1;
		r->rid = (const char *)p;
		r->rid_len = (uint32_t)(v - 1);
		p += v - 1;
	}
	if (bb_get_uvarint(&p, end, &nf) < 0 || nf > (uint64_t)(end - p))
		return -1;
	if (nf > d->capfields) {
		size_t cap = d->capfields ? d->capfields : 64;
		lg_dfield *f;

		while (cap < nf)
			cap *= 2;
		f = realloc(d->fields, cap * sizeof(*f));
		if (!f)
			return -2;
		d->fields = f;
		d->capfields = cap;
	}
	for (j = 0; j < nf; j++) {
		lg_dfield *f = &d->fields[j];

		if (bb_get_uvarint(&p, end, &v) < 0 ||
		    (v >> TAG_NAME_SHIFT) >= d->nnames)
			return -1;
		f->name = (uint32_t)(v >> TAG_NAME_SHIFT);
		f->prediction = (uint8_t)((v >> TAG_PRED_SHIFT) & 1);
		f->type = (uint8_t)(v & TAG_TYPE_MASK);
		f->str = NULL;
		f->len = 0;
		f->num = 0;
		if (f->type == DM_LOG_NUMBER || f->type == DM_LOG_BOOL) {
			if (end - p < 8)
				return -1;
			memcpy(&f->num, p, 8);
			p += 8;
		} else if (f->type == DM_LOG_STRING) {
			if (get_str(&p, end, &f->str, &f->len) < 0)
				return -1;
		} else if (f->type != DM_LOG_NULL) {
			return -1;
		}
	}
	r->nfields = (size_t)nf;
	r->fields = d->fields;
	d->p = p;
	d->irec++;
	return 1;
}
