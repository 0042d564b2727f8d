/* SPDX-License-Identifier: Apache-2.0 */
/*
 * JSON prediction records (the HTTP collector's input) into
 * dm_log_record arrays: a JSON array of records, or NDJSON.
 *
 * A purpose-built parser rather than a general JSON library, for two
 * reasons.  Speed: a request of 100 records x 50 features is ~130 KB of
 * JSON, and a DOM library spends most of its time allocating a node per
 * value (jansson parses ~20 MB/s here, a fifth of what the collector's
 * target needs); this one makes no allocation per value, unescapes
 * strings in place in the request body and converts numbers with
 * Clinger's exact fast path.  Precision: every error names the record
 * and the field ("record 7: field 'features.url_count': expected a
 * number, string, boolean or null, got an object"), or the line and
 * column of a syntax error.
 *
 * It accepts exactly RFC 8259 JSON (the unit tests compare it with
 * jansson on valid and invalid inputs), with the records' shape checked
 * as it goes (include/driftmon/logger.h describes the fields).
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/utf8.h"
#include "driftmon/table.h"
#include "logger/logger_int.h"

typedef struct jimpl {
	dm_log_value *fv, *pv;
	size_t nf, capf, np, capp;
	size_t *fstart, *pstart; /* per record */
} jimpl;

typedef struct jp {
	char *base, *p, *end;
	size_t rec; /* 0-based index of the record being parsed */
	int in_rec;
	int nul; /* the last string had a \u0000 */
	size_t max_records;
	dm_log_parsed *out;
	jimpl *im;
	dm_diag *diag;
} jp;

/* ---- errors ----------------------------------------------------------- */
static dm_err syn(jp *j, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static dm_err syn(jp *j, const char *fmt, ...)
{
	char what[300], rec[48] = "";
	size_t line = 1, col = 1;
	const char *q;
	va_list ap;

	if (!j->diag)
		return DM_EFORMAT;
	for (q = j->base; q < j->p && q < j->end; q++) {
		if (*q == '\n') {
			line++;
			col = 1;
		} else {
			col++;
		}
	}
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	dm_diag_clear(j->diag);
	if (j->in_rec)
		snprintf(rec, sizeof(rec), "record %zu ", j->rec + 1);
	snprintf(j->diag->msg, sizeof(j->diag->msg),
		 "%s(line %zu, column %zu): invalid JSON: %s", rec, line, col,
		 what);
	j->diag->row = j->in_rec ? j->rec + 1 : 0;
	return DM_EFORMAT;
}

static dm_err field_err(jp *j, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static dm_err field_err(jp *j, const char *field, const char *fmt, ...)
{
	char what[400];
	va_list ap;

	if (!j->diag)
		return DM_EFORMAT;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	dm_diag_clear(j->diag);
	snprintf(j->diag->msg, sizeof(j->diag->msg),
		 "record %zu: field '%.200s': %s", j->rec + 1, field, what);
	j->diag->row = j->rec + 1;
	snprintf(j->diag->column, sizeof(j->diag->column), "%s", field);
	return DM_EFORMAT;
}

static const char *kind_of(char c)
{
	switch (c) {
	case '{':
		return "an object";
	case '[':
		return "an array";
	case '"':
		return "a string";
	case 't':
	case 'f':
		return "a boolean";
	case 'n':
		return "null";
	default:
		return (c == '-' || (c >= '0' && c <= '9')) ? "a number"
							    : "invalid JSON";
	}
}

/* ---- lexing -------------------------------------------------------------- */
static inline void ws(jp *j)
{
	while (j->p < j->end && (*j->p == ' ' || *j->p == '\n' ||
				 *j->p == '\t' || *j->p == '\r'))
		j->p++;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int hex4(const char *p, const char *end, unsigned *v)
{
	unsigned x = 0;
	int i;

	if (end - p < 4)
		return -1;
	for (i = 0; i < 4; i++) {
		int h = hexval(p[i]);

		if (h < 0)
			return -1;
		x = x << 4 | (unsigned)h;
	}
	*v = x;
	return 0;
}

/* A string at j->p ('"'): unescaped in place and NUL-terminated (the
 * closing quote's byte or earlier). */
static dm_err str(jp *j, char **s, size_t *len)
{
	char *start = ++j->p, *p = start, *w, *end = j->end;
	unsigned char hi = 0;

	j->nul = 0;
	while (p < end && *p != '"' && *p != '\\' &&
	       (unsigned char)*p >= 0x20) {
		hi |= (unsigned char)*p;
		p++;
	}
	if (p < end && *p == '"') {
		*s = start;
		*len = (size_t)(p - start);
		*p = '\0';
		j->p = p + 1;
		goto check;
	}
	w = p;
	while (p < end && *p != '"') {
		unsigned char c = (unsigned char)*p;

		if (c < 0x20) {
			j->p = p;
			return syn(j, "control character in a string "
				      "(escape it)");
		}
		if (c != '\\') {
			hi |= c;
			*w++ = *p++;
			continue;
		}
		if (++p >= end)
			break;
		switch (*p) {
		case '"':
			*w++ = '"';
			p++;
			break;
		case '\\':
			*w++ = '\\';
			p++;
			break;
		case '/':
			*w++ = '/';
			p++;
			break;
		case 'b':
			*w++ = '\b';
			p++;
			break;
		case 'f':
			*w++ = '\f';
			p++;
			break;
		case 'n':
			*w++ = '\n';
			p++;
			break;
		case 'r':
			*w++ = '\r';
			p++;
			break;
		case 't':
			*w++ = '\t';
			p++;
			break;
		case 'u': {
			unsigned u, lo;

			if (hex4(p + 1, end, &u) < 0) {
				j->p = p;
				return syn(j, "invalid \\u escape");
			}
			p += 5;
			if (u >= 0xD800 && u <= 0xDBFF) {
				if (end - p < 6 || p[0] != '\\' ||
				    p[1] != 'u' || hex4(p + 2, end, &lo) < 0 ||
				    lo < 0xDC00 || lo > 0xDFFF) {
					j->p = p;
					return syn(j, "unpaired UTF-16 "
						      "surrogate in a \\u "
						      "escape");
				}
				p += 6;
				u = 0x10000 + ((u - 0xD800) << 10) +
				    (lo - 0xDC00);
			} else if (u >= 0xDC00 && u <= 0xDFFF) {
				j->p = p;
				return syn(j, "unpaired UTF-16 surrogate in a "
					      "\\u escape");
			}
			if (u < 0x80) {
				j->nul |= u == 0;
				*w++ = (char)u;
			} else if (u < 0x800) {
				*w++ = (char)(0xC0 | (u >> 6));
				*w++ = (char)(0x80 | (u & 0x3F));
			} else if (u < 0x10000) {
				*w++ = (char)(0xE0 | (u >> 12));
				*w++ = (char)(0x80 | ((u >> 6) & 0x3F));
				*w++ = (char)(0x80 | (u & 0x3F));
			} else {
				*w++ = (char)(0xF0 | (u >> 18));
				*w++ = (char)(0x80 | ((u >> 12) & 0x3F));
				*w++ = (char)(0x80 | ((u >> 6) & 0x3F));
				*w++ = (char)(0x80 | (u & 0x3F));
			}
			break;
		}
		default:
			j->p = p;
			return syn(j, "invalid escape '\\%c'", *p);
		}
	}
	if (p >= end) {
		j->p = start - 1;
		return syn(j, "unterminated string");
	}
	*w = '\0';
	*s = start;
	*len = (size_t)(w - start);
	j->p = p + 1;
check:
	if ((hi & 0x80) && utf8_valid_prefix(*s, *len) != *len) {
		j->p = start - 1;
		return syn(j, "string is not valid UTF-8");
	}
	return DM_OK;
}

static const double pow10_tab[23] = {
	1e0,  1e1,  1e2,  1e3,	1e4,  1e5,  1e6,  1e7,	1e8,  1e9,  1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/* A number at j->p (RFC 8259 grammar), correctly rounded: Clinger's
 * fast path when the digits fit 2^53 and the power of ten is exact,
 * otherwise dm_parse_double (strtod's result). */
static dm_err num(jp *j, double *out)
{
	char *s = j->p, *p = s, *end = j->end;
	uint64_t mant = 0;
	int ndig = 0, nfrac = 0, neg = 0, eneg = 0;
	long ex = 0;
	int overflow = 0;

	if (p < end && *p == '-') {
		neg = 1;
		p++;
	}
	if (p >= end || *p < '0' || *p > '9')
		return syn(j, "invalid number");
	if (*p == '0') {
		p++;
	} else {
		while (p < end && *p >= '0' && *p <= '9') {
			if (ndig < 19)
				mant = mant * 10 + (uint64_t)(*p - '0');
			else
				overflow = 1;
			ndig++;
			p++;
		}
	}
	if (p < end && *p == '.') {
		p++;
		if (p >= end || *p < '0' || *p > '9') {
			j->p = p;
			return syn(j, "invalid number: digits expected after "
				      "'.'");
		}
		while (p < end && *p >= '0' && *p <= '9') {
			if (ndig == 0 && *p == '0') {
				nfrac++; /* leading zeros: not significant */
			} else if (ndig < 19) {
				mant = mant * 10 + (uint64_t)(*p - '0');
				ndig++;
				nfrac++;
			} else {
				overflow = 1;
			}
			p++;
		}
	}
	if (p < end && (*p == 'e' || *p == 'E')) {
		p++;
		if (p < end && (*p == '+' || *p == '-'))
			eneg = *p++ == '-';
		if (p >= end || *p < '0' || *p > '9') {
			j->p = p;
			return syn(j, "invalid number: digits expected in the "
				      "exponent");
		}
		while (p < end && *p >= '0' && *p <= '9') {
			if (ex < 100000)
				ex = ex * 10 + (*p - '0');
			p++;
		}
		if (eneg)
			ex = -ex;
	}
	j->p = p;
	if (!overflow && mant <= (UINT64_C(1) << 53)) {
		long e10 = ex - nfrac;

		if (mant == 0) {
			*out = neg ? -0.0 : 0.0;
			return DM_OK;
		}
		if (e10 >= -22 && e10 <= 22) {
			double v = (double)mant;

			v = e10 < 0 ? v / pow10_tab[-e10] : v * pow10_tab[e10];
			*out = neg ? -v : v;
			return DM_OK;
		}
	}
	if (dm_parse_double(s, (size_t)(p - s), out) < 0) {
		j->p = s;
		return syn(j, "invalid number");
	}
	if (isinf(*out)) {
		j->p = s;
		return syn(j, "number out of the range of a double");
	}
	return DM_OK;
}

static int lit(jp *j, const char *w, size_t n)
{
	if ((size_t)(j->end - j->p) < n || memcmp(j->p, w, n) != 0)
		return -1;
	j->p += n;
	return 0;
}

/* ---- values ---------------------------------------------------------------
 */
/* A new value slot among the features or predictions (NULL: out of
 * memory, diag set). */
static dm_log_value *push(jp *j, int pred)
{
	jimpl *im = j->im;
	dm_log_value **arr = pred ? &im->pv : &im->fv;
	size_t *n = pred ? &im->np : &im->nf;
	size_t *cap = pred ? &im->capp : &im->capf;

	if (*n == *cap) {
		size_t c = *cap ? *cap * 2 : 256;
		dm_log_value *p = realloc(*arr, c * sizeof(*p));

		if (!p) {
			dm_diag_set(j->diag, DM_ENOMEM, NULL, 0, NULL,
				    "out of memory");
			return NULL;
		}
		*arr = p;
		*cap = c;
	}
	return &(*arr)[(*n)++];
}

/* A feature or prediction value; the field is named "<field>.<key>"
 * (or "<field>" when key is NULL) in errors. */
static dm_err scalar(jp *j, const char *field, const char *key, dm_log_value *v)
{
	char *s;
	size_t len;
	dm_err err;

	v->str = NULL;
	v->str_len = 0;
	v->num = 0;
	if (j->p >= j->end)
		return syn(j, "unexpected end of the body");
	switch (*j->p) {
	case '"':
		if ((err = str(j, &s, &len)))
			return err;
		v->type = DM_LOG_STRING;
		v->str = s;
		v->str_len = len;
		if (len == 0)
			v->str = ""; /* str_len 0 means strlen: "" is right */
		return DM_OK;
	case 't':
		if (lit(j, "true", 4) < 0)
			return syn(j, "invalid literal");
		v->type = DM_LOG_BOOL;
		v->num = 1;
		return DM_OK;
	case 'f':
		if (lit(j, "false", 5) < 0)
			return syn(j, "invalid literal");
		v->type = DM_LOG_BOOL;
		v->num = 0;
		return DM_OK;
	case 'n':
		if (lit(j, "null", 4) < 0)
			return syn(j, "invalid literal");
		v->type = DM_LOG_NULL;
		return DM_OK;
	case '{':
	case '[': {
		char path[300];

		snprintf(path, sizeof(path), "%s%s%.200s", field,
			 key ? "." : "", key ? key : "");
		return field_err(j, path,
				 "expected a number, string, boolean or null, "
				 "got %s",
				 kind_of(*j->p));
	}
	default:
		v->type = DM_LOG_NUMBER;
		return num(j, &v->num);
	}
}

/* {"name": value, ...} into features or predictions. */
static dm_err object_of_values(jp *j, int pred, const char *field)
{
	dm_err err;

	if (j->p >= j->end || *j->p != '{')
		return field_err(j, field, "expected an object, got %s",
				 j->p < j->end ? kind_of(*j->p)
					       : "the end of the body");
	j->p++;
	ws(j);
	if (j->p < j->end && *j->p == '}') {
		j->p++;
		return DM_OK;
	}
	for (;;) {
		char *key;
		size_t klen;
		dm_log_value *v;

		if (j->p >= j->end || *j->p != '"')
			return syn(j, "expected a field name (a string)");
		if ((err = str(j, &key, &klen)))
			return err;
		if (j->nul) {
			char path[300];

			snprintf(path, sizeof(path), "%s.%.200s", field, key);
			return field_err(j, path, "name contains NUL");
		}
		ws(j);
		if (j->p >= j->end || *j->p != ':')
			return syn(j, "expected ':' after a field name");
		j->p++;
		ws(j);
		if (!(v = push(j, pred)))
			return DM_ENOMEM;
		v->name = key;
		if ((err = scalar(j, field, key, v)))
			return err;
		ws(j);
		if (j->p < j->end && *j->p == ',') {
			j->p++;
			ws(j);
			continue;
		}
		if (j->p < j->end && *j->p == '}') {
			j->p++;
			return DM_OK;
		}
		return syn(j, "expected ',' or '}' in an object");
	}
}

static dm_err string_field(jp *j, const char *field, const char **out,
			   int nullable)
{
	char *s;
	size_t len;
	dm_err err;

	if (j->p < j->end && *j->p == '"') {
		if ((err = str(j, &s, &len)))
			return err;
		if (j->nul)
			return field_err(j, field, "contains NUL");
		*out = s;
		return DM_OK;
	}
	if (nullable && j->p < j->end && *j->p == 'n') {
		if (lit(j, "null", 4) < 0)
			return syn(j, "invalid literal");
		*out = NULL;
		return DM_OK;
	}
	return field_err(j, field, "expected a string%s, got %s",
			 nullable ? " or null" : "",
			 j->p < j->end ? kind_of(*j->p)
				       : "the end of the body");
}

enum {
	F_TS = 1,
	F_MODEL = 2,
	F_VERSION = 4,
	F_RID = 8,
	F_FEATURES = 16,
	F_PRED = 32,
	F_PREDS = 64
};

static int which(const char *k, size_t n)
{
	switch (n) {
	case 8:
		if (!memcmp(k, "features", 8))
			return F_FEATURES;
		break;
	case 9:
		if (!memcmp(k, "timestamp", 9))
			return F_TS;
		break;
	case 10:
		if (!memcmp(k, "model_name", 10))
			return F_MODEL;
		if (!memcmp(k, "request_id", 10))
			return F_RID;
		if (!memcmp(k, "prediction", 10))
			return F_PRED;
		break;
	case 11:
		if (!memcmp(k, "predictions", 11))
			return F_PREDS;
		break;
	case 13:
		if (!memcmp(k, "model_version", 13))
			return F_VERSION;
		break;
	}
	return 0;
}

static dm_err timestamp(jp *j, int64_t *us)
{
	char *s;
	size_t len;
	dm_err err;

	if (j->p >= j->end)
		return syn(j, "unexpected end of the body");
	if (*j->p == '"') {
		if ((err = str(j, &s, &len)))
			return err;
		if (dm_log_parse_time(s, len, us) < 0)
			return field_err(j, "timestamp",
					 "'%.60s' is not an ISO-8601 UTC time "
					 "from 1970 to 9999 "
					 "(YYYY-MM-DDTHH:MM:SS[.ffffff][Z|"
					 "+HH:MM])",
					 s);
		if (*us == 0)
			*us = 1; /* 0 would mean "now" */
		return DM_OK;
	}
	if (*j->p == 'n') {
		if (lit(j, "null", 4) < 0)
			return syn(j, "invalid literal");
		*us = 0;
		return DM_OK;
	}
	if (*j->p == '-' || (*j->p >= '0' && *j->p <= '9')) {
		double x, r;

		if ((err = num(j, &x)))
			return err;
		r = nearbyint(x * 1e6);
		if (!(r >= 0 && r < (double)DM_LOG_TS_MAX_US))
			return field_err(j, "timestamp",
					 "%.17g seconds since the epoch is out "
					 "of range (1970 to 9999; "
					 "milliseconds?)",
					 x);
		*us = (int64_t)r;
		if (*us == 0)
			*us = 1;
		return DM_OK;
	}
	return field_err(j, "timestamp",
			 "expected an ISO-8601 string or seconds since the "
			 "epoch, got %s",
			 kind_of(*j->p));
}

static dm_err record(jp *j)
{
	dm_log_parsed *o = j->out;
	jimpl *im = j->im;
	dm_log_record *r;
	unsigned seen = 0;
	dm_err err;

	if (j->max_records && o->nrecords >= j->max_records)
		return dm_diag_set(j->diag, DM_ETOOBIG, NULL, 0, NULL,
				   "more than %zu records in one request",
				   j->max_records);
	if (o->nrecords % 64 == 0) {
		size_t cap = o->nrecords + 64;
		dm_log_record *rp = realloc(o->records, cap * sizeof(*rp));
		size_t *fs, *ps;

		if (!rp)
			return DM_ENOMEM;
		o->records = rp;
		fs = realloc(im->fstart, cap * sizeof(*fs));
		if (!fs)
			return DM_ENOMEM;
		im->fstart = fs;
		ps = realloc(im->pstart, cap * sizeof(*ps));
		if (!ps)
			return DM_ENOMEM;
		im->pstart = ps;
	}
	j->rec = o->nrecords;
	j->in_rec = 1;
	r = &o->records[o->nrecords];
	memset(r, 0, sizeof(*r));
	im->fstart[j->rec] = im->nf;
	im->pstart[j->rec] = im->np;
	o->nrecords++;
	if (j->p >= j->end || *j->p != '{') {
		if (j->p < j->end &&
		    (*j->p == '[' || *j->p == '"' || *j->p == '-' ||
		     *j->p == 't' || *j->p == 'f' || *j->p == 'n' ||
		     (*j->p >= '0' && *j->p <= '9'))) {
			dm_diag_set(j->diag, DM_EFORMAT, NULL, 0, NULL,
				    "record %zu: expected an object, got %s",
				    j->rec + 1, kind_of(*j->p));
			if (j->diag)
				j->diag->row = j->rec + 1;
			return DM_EFORMAT;
		}
		return syn(j, "expected a record (an object)");
	}
	j->p++;
	ws(j);
	if (j->p < j->end && *j->p == '}') {
		j->p++;
		goto done;
	}
	for (;;) {
		char *key;
		size_t klen;
		int f;

		if (j->p >= j->end || *j->p != '"')
			return syn(j, "expected a field name (a string)");
		if ((err = str(j, &key, &klen)))
			return err;
		f = which(key, klen);
		if (!f)
			return field_err(j, key,
					 "unknown field (expected timestamp, "
					 "model_name, model_version, "
					 "request_id, features, prediction or "
					 "predictions)");
		if (seen & (unsigned)f)
			return field_err(j, key, "appears twice");
		seen |= (unsigned)f;
		ws(j);
		if (j->p >= j->end || *j->p != ':')
			return syn(j, "expected ':' after a field name");
		j->p++;
		ws(j);
		switch (f) {
		case F_TS:
			err = timestamp(j, &r->timestamp_us);
			break;
		case F_MODEL:
			err = string_field(j, "model_name", &r->model_name, 0);
			break;
		case F_VERSION:
			err = string_field(j, "model_version",
					   &r->model_version, 0);
			break;
		case F_RID:
			err = string_field(j, "request_id", &r->request_id, 1);
			break;
		case F_FEATURES:
			err = object_of_values(j, 0, "features");
			break;
		case F_PREDS:
			err = object_of_values(j, 1, "predictions");
			break;
		default: {
			dm_log_value *v = push(j, 1);

			if (!v)
				return DM_ENOMEM;
			v->name = "prediction";
			err = scalar(j, "prediction", NULL, v);
		}
		}
		if (err)
			return err;
		ws(j);
		if (j->p < j->end && *j->p == ',') {
			j->p++;
			ws(j);
			continue;
		}
		if (j->p < j->end && *j->p == '}') {
			j->p++;
			break;
		}
		return syn(j, "expected ',' or '}' in a record");
	}
done:
	r->nfeatures = im->nf - im->fstart[j->rec];
	r->npredictions = im->np - im->pstart[j->rec];
	if (!(seen & F_MODEL))
		return field_err(j, "model_name", "is missing");
	if (!(seen & F_VERSION))
		return field_err(j, "model_version", "is missing");
	j->in_rec = 0;
	return DM_OK;
}

dm_err dm_log_parse_json(char *body, size_t len, size_t max_records,
			 dm_log_parsed *out, dm_diag *diag)
{
	jp j;
	jimpl *im;
	dm_err err = DM_OK;
	size_t i;

	memset(out, 0, sizeof(*out));
	im = calloc(1, sizeof(*im));
	if (!im)
		return DM_ENOMEM;
	out->impl_ = im;
	memset(&j, 0, sizeof(j));
	j.base = j.p = body;
	j.end = body + len;
	j.max_records = max_records;
	j.out = out;
	j.im = im;
	j.diag = diag;
	ws(&j);
	if (j.p == j.end)
		return dm_diag_set(diag, DM_EFORMAT, NULL, 0, NULL,
				   "empty body: no records");
	if (*j.p == '[') {
		j.p++;
		ws(&j);
		if (j.p < j.end && *j.p == ']') {
			j.p++;
		} else {
			for (;;) {
				if ((err = record(&j)))
					return err;
				ws(&j);
				if (j.p < j.end && *j.p == ',') {
					j.p++;
					ws(&j);
					continue;
				}
				if (j.p < j.end && *j.p == ']') {
					j.p++;
					break;
				}
				return syn(&j, "expected ',' or ']' after a "
					       "record");
			}
		}
		ws(&j);
		if (j.p != j.end)
			return syn(&j, "unexpected data after the array");
	} else {
		/* NDJSON: one record per line */
		for (;;) {
			ws(&j);
			if (j.p == j.end)
				break;
			if ((err = record(&j)))
				return err;
			while (j.p < j.end &&
			       (*j.p == ' ' || *j.p == '\t' || *j.p == '\r'))
				j.p++;
			if (j.p < j.end && *j.p != '\n')
				return syn(&j, "expected a newline after a "
					       "record (NDJSON: one record "
					       "per line)");
		}
	}
	if (out->nrecords == 0)
		return dm_diag_set(diag, DM_EFORMAT, NULL, 0, NULL,
				   "no records in the body");
	for (i = 0; i < out->nrecords; i++) {
		out->records[i].features = out->records[i].nfeatures
						   ? im->fv + im->fstart[i]
						   : NULL;
		out->records[i].predictions = out->records[i].npredictions
						      ? im->pv + im->pstart[i]
						      : NULL;
	}
	return err;
}

void dm_log_parsed_release(dm_log_parsed *p)
{
	jimpl *im;

	if (!p)
		return;
	im = p->impl_;
	if (im) {
		free(im->fv);
		free(im->pv);
		free(im->fstart);
		free(im->pstart);
		free(im);
	}
	free(p->records);
	memset(p, 0, sizeof(*p));
}

/* ---- ISO-8601 ------------------------------------------------------------ */
static int digits(const char *s, const char *end, int n, int *v)
{
	int x = 0, i;

	if (end - s < n)
		return -1;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		x = x * 10 + (s[i] - '0');
	}
	*v = x;
	return 0;
}

int dm_log_parse_time(const char *s, size_t len, int64_t *us)
{
	static const int mdays[12] = {31, 29, 31, 30, 31, 30,
				      31, 31, 30, 31, 30, 31};
	const char *p = s, *end = s + len;
	int y, mo, d, h, mi, sec = 0, oh = 0, om = 0, sign = 0;
	int64_t frac = 0, t;
	int leap;

	if (len < 16 || digits(p, end, 4, &y) < 0 || p[4] != '-' ||
	    digits(p + 5, end, 2, &mo) < 0 || p[7] != '-' ||
	    digits(p + 8, end, 2, &d) < 0)
		return -1;
	p += 10;
	if (p >= end || (*p != 'T' && *p != 't' && *p != ' '))
		return -1;
	p++;
	if (digits(p, end, 2, &h) < 0 || end - p < 5 || p[2] != ':' ||
	    digits(p + 3, end, 2, &mi) < 0)
		return -1;
	p += 5;
	if (p < end && *p == ':') {
		if (digits(p + 1, end, 2, &sec) < 0)
			return -1;
		p += 3;
		if (p < end && (*p == '.' || *p == ',')) {
			int n = 0;

			p++;
			if (p >= end || *p < '0' || *p > '9')
				return -1;
			while (p < end && *p >= '0' && *p <= '9') {
				if (n < 6) {
					frac = frac * 10 + (*p - '0');
					n++;
				}
				p++;
			}
			while (n++ < 6)
				frac *= 10;
		}
	}
	if (p < end && (*p == 'Z' || *p == 'z')) {
		p++;
	} else if (p < end && (*p == '+' || *p == '-')) {
		sign = *p == '-' ? -1 : 1;
		p++;
		if (digits(p, end, 2, &oh) < 0)
			return -1;
		p += 2;
		if (p < end && *p == ':')
			p++;
		if (p < end) {
			if (digits(p, end, 2, &om) < 0)
				return -1;
			p += 2;
		}
		if (oh > 23 || om > 59)
			return -1;
	}
	if (p != end)
		return -1;
	leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] ||
	    (mo == 2 && d == 29 && !leap) || h > 23 || mi > 59 || sec > 60)
		return -1;
	t = lg_days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 +
	    h * 3600 + mi * 60 + sec - sign * (oh * 3600 + om * 60);
	if (t < 0 || t >= DM_LOG_TS_MAX_US / 1000000)
		return -1;
	*us = t * 1000000 + frac;
	return 0;
}
