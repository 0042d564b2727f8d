/* SPDX-License-Identifier: Apache-2.0 */
/*
 * JSON label records (the collector's POST /v1/labels) into logger
 * records: a JSON array of objects, or NDJSON.  Each label becomes a
 * dm_log_record whose one output is the string column "label", so the
 * logger's WAL, upload and replay carry it into Parquet files under
 * labels/ with the columns the join reads (include/driftmon/labels.h).
 *
 * Label bodies are small (a request id and a class per record): jansson
 * is fast enough here, unlike for prediction bodies (logger_json.c).
 */
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "driftmon/labels.h"

typedef struct limpl {
	json_t **roots; /* one per NDJSON line, or the array */
	size_t nroots;
	dm_log_value *vals; /* one "label" per record */
	char (*num)[32];    /* a number label's text */
} limpl;

static const char *const known[] = {"request_id", "model_name", "model_version",
				    "label", "timestamp"};

/* A bad record: the message names it (and the field); diag->row and
 * diag->column carry them for the collector's answer. */
static dm_err bad(dm_diag *diag, size_t rec, const char *field, const char *fmt,
		  ...) __attribute__((format(printf, 4, 5)));

static dm_err bad(dm_diag *diag, size_t rec, const char *field, const char *fmt,
		  ...)
{
	char why[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	if (field)
		dm_diag_set(diag, DM_EFORMAT, NULL, 0, NULL,
			    "record %zu: field '%.60s': %s", rec, field, why);
	else
		dm_diag_set(diag, DM_EFORMAT, NULL, 0, NULL, "record %zu: %s",
			    rec, why);
	if (diag) {
		diag->row = rec;
		if (field)
			snprintf(diag->column, sizeof(diag->column), "%s",
				 field);
	}
	return DM_EFORMAT;
}

/* A non-empty string field without NUL; NULL (diag set) otherwise. */
static const char *text_field(json_t *o, const char *name, size_t rec,
			      dm_diag *diag)
{
	json_t *v = json_object_get(o, name);
	const char *s;

	if (!v) {
		bad(diag, rec, name, "missing");
		return NULL;
	}
	if (!json_is_string(v)) {
		bad(diag, rec, name, "expected a string");
		return NULL;
	}
	s = json_string_value(v);
	if (!*s || strlen(s) != json_string_length(v)) {
		bad(diag, rec, name, "empty, or has a NUL character");
		return NULL;
	}
	return s;
}

static dm_err time_field(json_t *o, size_t rec, int64_t *us, dm_diag *diag)
{
	json_t *v = json_object_get(o, "timestamp");

	*us = 0; /* now */
	if (!v || json_is_null(v))
		return DM_OK;
	if (json_is_number(v)) {
		double s = json_number_value(v);

		if (!(s >= 0) || s * 1e6 >= (double)DM_LOG_TS_MAX_US)
			return bad(diag, rec, "timestamp",
				   "%.17g is out of range (seconds since "
				   "1970)",
				   s);
		*us = (int64_t)llround(s * 1e6);
		return DM_OK;
	}
	if (json_is_string(v) &&
	    dm_log_parse_time(json_string_value(v), json_string_length(v),
			      us) == 0)
		return DM_OK;
	return bad(diag, rec, "timestamp",
		   "expected ISO-8601 (2025-12-24T17:03:00Z) or seconds "
		   "since 1970");
}

static dm_err one_record(json_t *o, size_t rec, dm_log_record *r,
			 dm_log_value *val, char *num, dm_diag *diag)
{
	const char *key;
	json_t *v;
	size_t i;
	dm_err err;

	if (!json_is_object(o))
		return bad(diag, rec, NULL, "expected an object");
	json_object_foreach(o, key, v)
	{
		for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
			if (!strcmp(key, known[i]))
				break;
		if (i == sizeof(known) / sizeof(known[0]))
			return bad(diag, rec, key,
				   "unknown field (expected request_id, "
				   "model_name, model_version, label, "
				   "timestamp)");
	}
	memset(r, 0, sizeof(*r));
	if (!(r->request_id = text_field(o, "request_id", rec, diag)) ||
	    !(r->model_name = text_field(o, "model_name", rec, diag)) ||
	    !(r->model_version = text_field(o, "model_version", rec, diag)))
		return DM_EFORMAT;
	err = time_field(o, rec, &r->timestamp_us, diag);
	if (err != DM_OK)
		return err;
	v = json_object_get(o, "label");
	if (v && json_is_integer(v)) {
		snprintf(num, 32, "%lld", (long long)json_integer_value(v));
		*val = dm_log_str("label", num);
	} else if (v && json_is_real(v)) {
		double x = json_real_value(v);

		if (x == floor(x) && fabs(x) < 9e15)
			snprintf(num, 32, "%.0f", x);
		else
			snprintf(num, 32, "%.17g", x);
		*val = dm_log_str("label", num);
	} else if (v && json_is_string(v)) {
		const char *s = text_field(o, "label", rec, diag);

		if (!s)
			return DM_EFORMAT;
		*val = dm_log_str("label", s);
	} else {
		return bad(diag, rec, "label",
			   v ? "expected a class name (string) or a number"
			     : "missing");
	}
	r->predictions = val;
	r->npredictions = 1;
	return DM_OK;
}

static dm_err push_root(limpl *im, json_t *j)
{
	json_t **t = realloc(im->roots, (im->nroots + 1) * sizeof(*t));

	if (!t) {
		json_decref(j);
		return DM_ENOMEM;
	}
	im->roots = t;
	im->roots[im->nroots++] = j;
	return DM_OK;
}

static dm_err load(const char *s, size_t n, size_t line, limpl *im,
		   dm_diag *diag)
{
	json_error_t je;
	json_t *j = json_loadb(s, n, JSON_REJECT_DUPLICATES, &je);

	if (!j)
		return dm_diag_set(
			diag, DM_EFORMAT, NULL, 0, NULL,
			"malformed JSON at line %zu, column %d: %s",
			line + (size_t)(je.line > 0 ? je.line - 1 : 0),
			je.column, je.text);
	return push_root(im, j);
}

/* The records' JSON values, in order: the array's elements or the
 * lines' objects. */
static dm_err parse_roots(const char *body, size_t len, limpl *im,
			  dm_diag *diag)
{
	size_t i = 0, line = 1;

	while (i < len && strchr(" \t\r\n", body[i]))
		i++;
	if (i == len)
		return dm_diag_set(diag, DM_EEMPTY, NULL, 0, NULL,
				   "empty body: expected a JSON array of "
				   "label records, or NDJSON");
	if (body[i] == '[') {
		dm_err err = load(body, len, 1, im, diag);

		if (err == DM_OK && !json_is_array(im->roots[0]))
			err = dm_diag_set(diag, DM_EFORMAT, NULL, 0, NULL,
					  "expected a JSON array of records");
		return err;
	}
	for (i = 0; i < len; line++) {
		const char *nl = memchr(body + i, '\n', len - i);
		size_t e = nl ? (size_t)(nl - body) : len, k;
		dm_err err;

		for (k = i; k < e && strchr(" \t\r", body[k]); k++)
			;
		if (k < e) {
			err = load(body + i, e - i, line, im, diag);
			if (err != DM_OK)
				return err;
		}
		i = e + 1;
	}
	return DM_OK;
}

dm_err dm_labels_parse_json(const char *body, size_t len, size_t max_records,
			    dm_log_parsed *out, dm_diag *diag)
{
	limpl *im = calloc(1, sizeof(*im));
	json_t *arr;
	size_t n, i;
	dm_err err;

	memset(out, 0, sizeof(*out));
	if (!im)
		return DM_ENOMEM;
	out->impl_ = im;
	err = parse_roots(body, len, im, diag);
	if (err != DM_OK)
		return err;
	arr = im->nroots == 1 && json_is_array(im->roots[0]) ? im->roots[0]
							     : NULL;
	n = arr ? json_array_size(arr) : im->nroots;
	if (n == 0)
		return dm_diag_set(diag, DM_EEMPTY, NULL, 0, NULL,
				   "no label record in the body");
	if (max_records && n > max_records)
		return dm_diag_set(diag, DM_ETOOBIG, NULL, 0, NULL,
				   "%zu records, more than the limit of %zu", n,
				   max_records);
	out->records = calloc(n, sizeof(*out->records));
	im->vals = calloc(n, sizeof(*im->vals));
	im->num = calloc(n, sizeof(*im->num));
	if (!out->records || !im->vals || !im->num)
		return DM_ENOMEM;
	for (i = 0; i < n; i++) {
		json_t *o = arr ? json_array_get(arr, i) : im->roots[i];

		err = one_record(o, i + 1, &out->records[i], &im->vals[i],
				 im->num[i], diag);
		if (err != DM_OK)
			return err;
	}
	out->nrecords = n;
	return DM_OK;
}

void dm_labels_parsed_release(dm_log_parsed *p)
{
	limpl *im;
	size_t i;

	if (!p)
		return;
	im = p->impl_;
	if (im) {
		for (i = 0; i < im->nroots; i++)
			json_decref(im->roots[i]);
		free(im->roots);
		free(im->vals);
		free(im->num);
		free(im);
	}
	free(p->records);
	memset(p, 0, sizeof(*p));
}
