/* SPDX-License-Identifier: Apache-2.0 */
/*
 * driftmon parquet schema|cat|meta FILE: the tools to reach for when an
 * inference log looks wrong.  `schema` lists the readable columns with
 * their physical and logical types and the columns that were skipped;
 * `meta` prints row groups, codecs, encodings, sizes and statistics;
 * `cat` prints rows as CSV (doubles with 17 significant digits, NULL as
 * an empty field, timestamps as ISO-8601 UTC) or JSON lines.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/termsafe.h"
#include "driftmon/parquet.h"

static const char usage[] =
	"usage: driftmon parquet schema FILE\n"
	"       driftmon parquet meta FILE\n"
	"       driftmon parquet cat FILE [--columns a,b] [--format csv|jsonl] "
	"[--limit N]\n";

static int fail(const char *what, dm_err err, const dm_diag *d)
{
	if (d && d->msg[0])
		return cli_fail_err(err, d, NULL);
	return cli_fail("%s", what ? what : dm_strerror(err));
}

static void type_text(const dm_parquet_column_info *c, char *buf, size_t n)
{
	const char *ph = dm_parquet_physical_name(c->physical);
	const char *u = c->unit == DM_PARQUET_MILLIS   ? "MILLIS"
			: c->unit == DM_PARQUET_MICROS ? "MICROS"
						       : "NANOS";

	switch (c->logical) {
	case DM_PARQUET_L_NONE:
		if (c->physical == DM_PARQUET_FIXED_LEN_BYTE_ARRAY)
			snprintf(buf, n, "%s(%d)", ph, (int)c->type_length);
		else
			snprintf(buf, n, "%s", ph);
		break;
	case DM_PARQUET_L_INT:
		snprintf(buf, n, "%s INT(%d, %s)", ph, c->int_bits,
			 c->int_signed ? "signed" : "unsigned");
		break;
	case DM_PARQUET_L_DECIMAL:
		snprintf(buf, n, "%s DECIMAL(%d, %d)", ph, (int)c->precision,
			 (int)c->scale);
		break;
	case DM_PARQUET_L_TIME:
	case DM_PARQUET_L_TIMESTAMP:
		snprintf(buf, n, "%s %s(%s%s)", ph,
			 dm_parquet_logical_name(c->logical), u,
			 c->physical == DM_PARQUET_INT96 ? ""
			 : c->utc			 ? ", UTC"
							 : ", local");
		break;
	default:
		snprintf(buf, n, "%s %s", ph,
			 dm_parquet_logical_name(c->logical));
	}
}

static int cmd_schema(dm_parquet_file *f)
{
	const dm_parquet_meta *m = dm_parquet_file_meta(f);
	char t[128];

	for (size_t i = 0; i < m->ncolumns; i++) {
		const dm_parquet_column_info *c = &m->columns[i];
		type_text(c, t, sizeof(t));
		printf("%s\t%s\t%s\n", c->name, t,
		       c->optional ? "optional" : "required");
	}
	for (size_t i = 0; i < m->nwarnings; i++)
		fprintf(stderr, "driftmon: warning: %s\n",
			term_safe(m->warnings[i]));
	return 0;
}

/* ---- value formatting ---------------------------------------------- */
/* Civil date from days since 1970-01-01 (proleptic Gregorian). */
static void civil(int64_t z, int64_t *y, unsigned *mo, unsigned *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*mo = mp < 10 ? mp + 3 : mp - 9;
	*y = (int64_t)yoe + era * 400 + (*mo <= 2);
}

static int64_t floordiv(int64_t a, int64_t b, int64_t *rem)
{
	int64_t q = a / b, r = a % b;

	if (r < 0) {
		r += b;
		q--;
	}
	*rem = r;
	return q;
}

static void fmt_time_of_day(char *buf, size_t n, int64_t frac_units,
			    int64_t per_sec, int digits)
{
	int64_t r, s = floordiv(frac_units, per_sec, &r);

	if (digits)
		snprintf(buf, n, "%02d:%02d:%02d.%0*lld", (int)(s / 3600),
			 (int)(s / 60 % 60), (int)(s % 60), digits,
			 (long long)r);
	else
		snprintf(buf, n, "%02d:%02d:%02d", (int)(s / 3600),
			 (int)(s / 60 % 60), (int)(s % 60));
}

static void fmt_value(const dm_parquet_column_info *c, const dm_parquet_vec *v,
		      size_t i, char *buf, size_t n, int *is_str,
		      const char **sp, size_t *slen)
{
	*is_str = 0;
	if (v->str) {
		*is_str = 1;
		*sp = v->str[i].ptr;
		*slen = v->str[i].len;
		if (c->logical == DM_PARQUET_L_UUID && v->str[i].len == 16) {
			const uint8_t *u = (const uint8_t *)v->str[i].ptr;
			size_t o = 0;
			for (int k = 0; k < 16; k++) {
				o += (size_t)snprintf(buf + o, n - o, "%02x",
						      u[k]);
				if (k == 3 || k == 5 || k == 7 || k == 9)
					buf[o++] = '-';
			}
			*sp = buf;
			*slen = o;
		}
		return;
	}
	if (v->f64) {
		double d = v->f64[i];
		if (d != d)
			snprintf(buf, n, "NaN");
		else if (d == 1.0 / 0.0)
			snprintf(buf, n, "inf");
		else if (d == -1.0 / 0.0)
			snprintf(buf, n, "-inf");
		else if (c->logical == DM_PARQUET_L_DECIMAL && c->scale <= 17 &&
			 c->precision <= 15)
			snprintf(buf, n, "%.*f", (int)c->scale, d);
		else if (c->physical == DM_PARQUET_FLOAT)
			snprintf(buf, n, "%.9g", d);
		else
			snprintf(buf, n, "%.17g", d);
		return;
	}
	int64_t x = v->i64[i];
	if (c->physical == DM_PARQUET_BOOLEAN) {
		snprintf(buf, n, "%s", x ? "true" : "false");
	} else if (c->logical == DM_PARQUET_L_DATE) {
		int64_t y;
		unsigned mo, d;
		civil(x, &y, &mo, &d);
		snprintf(buf, n, "%04lld-%02u-%02u", (long long)y, mo, d);
	} else if (c->logical == DM_PARQUET_L_TIMESTAMP ||
		   c->logical == DM_PARQUET_L_TIME) {
		int64_t per = c->unit == DM_PARQUET_MILLIS   ? 1000
			      : c->unit == DM_PARQUET_MICROS ? 1000000
							     : 1000000000;
		int digits = c->unit == DM_PARQUET_MILLIS   ? 3
			     : c->unit == DM_PARQUET_MICROS ? 6
							    : 9;
		if (c->logical == DM_PARQUET_L_TIME) {
			fmt_time_of_day(buf, n, x, per, digits);
		} else {
			int64_t r, secs = floordiv(x, per, &r), sr, y;
			int64_t days = floordiv(secs, 86400, &sr);
			unsigned mo, d;
			char tod[40];
			civil(days, &y, &mo, &d);
			fmt_time_of_day(tod, sizeof(tod), sr * per + r, per,
					r ? digits : 0);
			snprintf(buf, n, "%04lld-%02u-%02uT%sZ", (long long)y,
				 mo, d, tod);
		}
	} else if (c->logical == DM_PARQUET_L_INT && !c->int_signed) {
		snprintf(buf, n, "%" PRIu64, (uint64_t)x);
	} else {
		snprintf(buf, n, "%" PRId64, x);
	}
}

/* Binary values (BYTE_ARRAY without a string type): printable ASCII as
 * is, other bytes as \xHH, as DuckDB prints BLOBs.  Returns the text in
 * *buf (grown as needed) or NULL when out of memory. */
static const char *escape_binary(const char *p, size_t n, char **buf,
				 size_t *cap, size_t *len)
{
	size_t o = 0;

	if (*cap < 4 * n + 1) {
		char *q = realloc(*buf, 4 * n + 1);
		if (!q)
			return NULL;
		*buf = q;
		*cap = 4 * n + 1;
	}
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)p[i];
		if (ch >= 0x20 && ch < 0x7f && ch != '\\')
			(*buf)[o++] = (char)ch;
		else
			o += (size_t)snprintf(*buf + o, *cap - o, "\\x%02X",
					      ch);
	}
	*len = o;
	return *buf;
}

/*
 * A cell for a person's terminal: control characters other than the
 * line breaks and tabs that CSV quoting carries (ESC, NUL, C1, bidi
 * overrides, bytes that are not UTF-8) are escaped (core/termsafe.h).
 * Returns s itself when nothing needs escaping, else a buffer that
 * stays valid until the next call; NULL when out of memory.
 */
static const char *term_cell(const char *s, size_t *n)
{
	static char *buf;
	static size_t cap;
	size_t i = 0, o = 0, run;

	if (!term_unsafe(s, *n))
		return s;
	if (cap < 6 * *n + 8) {
		char *nb = realloc(buf, 6 * *n + 8);

		if (!nb)
			return NULL;
		buf = nb;
		cap = 6 * *n + 8;
	}
	while (i < *n) {
		if (s[i] == '\n' || s[i] == '\r' || s[i] == '\t') {
			buf[o++] = s[i++];
			continue;
		}
		for (run = 0; i + run < *n && s[i + run] != '\n' &&
			      s[i + run] != '\r' && s[i + run] != '\t';
		     run++)
			;
		o += term_escape(s + i, run, buf + o, cap - o);
		i += run;
	}
	*n = o;
	return buf;
}

static void put_csv(const char *s, size_t n)
{
	int quote = 0;

	s = term_cell(s, &n);
	if (!s) {
		fputs("(out of memory)", stdout);
		return;
	}

	for (size_t i = 0; i < n; i++)
		if (s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r')
			quote = 1;
	if (!quote) {
		fwrite(s, 1, n, stdout);
		return;
	}
	putchar('"');
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '"')
			putchar('"');
		putchar(s[i]);
	}
	putchar('"');
}

static void put_json_str(const char *s, size_t n)
{
	putchar('"');
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (ch == '"' || ch == '\\')
			printf("\\%c", ch);
		else if (ch == '\n')
			fputs("\\n", stdout);
		else if (ch == '\t')
			fputs("\\t", stdout);
		else if (ch == '\r')
			fputs("\\r", stdout);
		else if (ch < 0x20)
			printf("\\u%04x", ch);
		else
			putchar(ch);
	}
	putchar('"');
}

/* The columns named in columns ("a,b"; NULL: all) into cols[*nc]; -1
 * after printing why a name is not a readable column. */
static int select_columns(dm_parquet_file *f, const dm_parquet_meta *m,
			  const char *columns, size_t *cols, size_t *nc)
{
	const char *p = columns;

	*nc = 0;
	if (!columns) {
		for (*nc = 0; *nc < m->ncolumns; (*nc)++)
			cols[*nc] = *nc;
		return 0;
	}
	while (*p) {
		const char *e = strchr(p, ',');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		char name[512];
		long idx;
		snprintf(name, sizeof(name), "%.*s", (int)len, p);
		idx = dm_parquet_column_index(f, name);
		if (idx < 0) {
			char q[520];
			const char *why = NULL;
			snprintf(q, sizeof(q), "'%s'", name);
			for (size_t k = 0; k < m->nwarnings && !why; k++)
				if (strstr(m->warnings[k], q))
					why = m->warnings[k];
			if (why)
				fprintf(stderr, "driftmon: %s\n", why);
			else
				fprintf(stderr,
					"driftmon: no column '%s' in "
					"the file\n",
					name);
			return -1;
		}
		cols[(*nc)++] = (size_t)idx;
		p += len;
		if (*p == ',')
			p++;
	}
	return 0;
}

/* Whether a JSON line writes value i of column c as a string: text,
 * dates and times, and the NaN and infinities JSON has no number for. */
static int json_quoted(const dm_parquet_column_info *c, const dm_parquet_vec *v,
		       size_t i, int is_str)
{
	return is_str || c->logical == DM_PARQUET_L_DATE ||
	       c->logical == DM_PARQUET_L_TIME ||
	       c->logical == DM_PARQUET_L_TIMESTAMP ||
	       (v->f64 && v->f64[i] != v->f64[i]) ||
	       (v->f64 && (v->f64[i] == 1.0 / 0.0 || v->f64[i] == -1.0 / 0.0));
}

/* Where cat formats a value: a number's text, and binary escaped. */
struct cat_buf {
	char num[256];
	char *bin;
	size_t bincap;
};

/* Value i of scanned column j (column c of the file) as a CSV field or
 * a JSON member; -1 after printing the error. */
static int put_value(const dm_parquet_column_info *c, const dm_parquet_vec *v,
		     size_t i, int jsonl, struct cat_buf *cb)
{
	int isnull = v->null && v->null[i];
	int is_str;
	const char *sp = NULL;
	size_t sl = 0;

	if (jsonl) {
		put_json_str(c->name, strlen(c->name));
		putchar(':');
	}
	if (isnull) {
		if (jsonl)
			fputs("null", stdout);
		return 0;
	}
	fmt_value(c, v, i, cb->num, sizeof(cb->num), &is_str, &sp, &sl);
	if (is_str &&
	    (c->logical == DM_PARQUET_L_NONE ||
	     c->logical == DM_PARQUET_L_BSON) &&
	    !(sp = escape_binary(v->str[i].ptr, v->str[i].len, &cb->bin,
				 &cb->bincap, &sl))) {
		fail("out of memory", DM_ENOMEM, NULL);
		return -1;
	}
	if (!is_str) {
		sp = cb->num;
		sl = strlen(cb->num);
	}
	if (!jsonl)
		put_csv(sp, sl);
	else if (json_quoted(c, v, i, is_str))
		put_json_str(sp, sl);
	else
		fwrite(sp, 1, sl, stdout);
	return 0;
}

/* Rows printed per scan step. */
#define CAT_BATCH 8192

/* The scanned rows (at most limit; < 0: all) as CSV lines or JSON
 * lines; -1 after printing the error. */
static int put_rows(dm_parquet_scan *s, const dm_parquet_meta *m,
		    const size_t *cols, size_t nc, int jsonl, long long limit,
		    struct cat_buf *cb)
{
	long long printed = 0;
	size_t n;
	dm_diag d;
	dm_err err;

	dm_diag_clear(&d);
	while (limit < 0 || printed < limit) {
		if ((err = dm_parquet_scan_next(s, CAT_BATCH, &n, &d))) {
			fflush(stdout);
			fail(NULL, err, &d);
			return -1;
		}
		if (!n)
			break;
		for (size_t i = 0; i < n && (limit < 0 || printed < limit);
		     i++, printed++) {
			if (jsonl)
				putchar('{');
			for (size_t j = 0; j < nc; j++) {
				if (j)
					putchar(',');
				if (put_value(&m->columns[cols[j]],
					      dm_parquet_scan_column(s, j), i,
					      jsonl, cb) < 0)
					return -1;
			}
			putchar(jsonl ? '}' : '\n');
			if (jsonl)
				putchar('\n');
		}
	}
	return 0;
}

static int cmd_cat(dm_parquet_file *f, const char *columns, int jsonl,
		   long long limit)
{
	const dm_parquet_meta *m = dm_parquet_file_meta(f);
	size_t *cols = NULL, nc = 0;
	dm_parquet_scan *s = NULL;
	struct cat_buf cb = {.bin = NULL, .bincap = 0};
	dm_diag d;
	dm_err err;
	int rc = 1;

	dm_diag_clear(&d);
	cols = malloc((m->ncolumns + 1) * sizeof(*cols) +
		      (columns ? strlen(columns) * sizeof(*cols) : 0));
	if (!cols)
		return fail("out of memory", DM_ENOMEM, NULL);
	if (select_columns(f, m, columns, cols, &nc) < 0)
		goto out;
	for (size_t i = 0; i < m->nwarnings; i++)
		fprintf(stderr, "driftmon: warning: %s\n",
			term_safe(m->warnings[i]));
	if ((err = dm_parquet_scan_new(f, cols, nc, DM_PARQUET_RAW, &s, &d))) {
		fail(NULL, err, &d);
		goto out;
	}
	if (!jsonl) {
		for (size_t j = 0; j < nc; j++) {
			const char *nm = m->columns[cols[j]].name;
			if (j)
				putchar(',');
			put_csv(nm, strlen(nm));
		}
		putchar('\n');
	}
	if (put_rows(s, m, cols, nc, jsonl, limit, &cb) == 0)
		rc = 0;
out:
	dm_parquet_scan_free(s);
	free(cols);
	free(cb.bin);
	if (fflush(stdout) != 0 && !rc) {
		fprintf(stderr, "driftmon: cannot write output: %s\n",
			strerror(errno));
		rc = 1;
	}
	return rc;
}

/* A statistics bound (PLAIN bytes) printed as `cat` prints values. */
static void stat_text(const dm_parquet_column_info *c, const uint8_t *p,
		      uint32_t len, char *buf, size_t n)
{
	dm_parquet_vec v;
	int64_t i64 = 0;
	double f64 = 0;
	dm_strref str;
	int is_str;
	const char *sp = NULL;
	size_t sl = 0;

	memset(&v, 0, sizeof(v));
	v.n = 1;
	if (!p) {
		snprintf(buf, n, "-");
		return;
	}
	switch (c->physical) {
	case DM_PARQUET_BOOLEAN:
		if (len != 1)
			goto raw;
		i64 = p[0] != 0;
		v.i64 = &i64;
		break;
	case DM_PARQUET_INT32:
	case DM_PARQUET_INT64: {
		if (len != (c->physical == DM_PARQUET_INT32 ? 4u : 8u))
			goto raw;
		if (len == 4) {
			int32_t x;
			memcpy(&x, p, 4);
			i64 = x;
			if (c->logical == DM_PARQUET_L_INT && !c->int_signed)
				i64 = (int64_t)(uint32_t)x;
		} else {
			memcpy(&i64, p, 8);
		}
		if (c->logical == DM_PARQUET_L_DECIMAL) {
			f64 = (double)i64;
			for (int k = 0; k < c->scale; k++)
				f64 /= 10;
			v.f64 = &f64;
		} else {
			v.i64 = &i64;
		}
		break;
	}
	case DM_PARQUET_FLOAT:
	case DM_PARQUET_DOUBLE:
		if (len != (c->physical == DM_PARQUET_FLOAT ? 4u : 8u))
			goto raw;
		if (len == 4) {
			float x;
			memcpy(&x, p, 4);
			f64 = x;
		} else {
			memcpy(&f64, p, 8);
		}
		v.f64 = &f64;
		break;
	default:
		if (c->coltype != DM_COL_STRING)
			goto raw;
		str.ptr = (const char *)p;
		str.len = len > 40 ? 40 : len;
		v.str = &str;
		if (c->logical == DM_PARQUET_L_NONE ||
		    c->logical == DM_PARQUET_L_BSON) {
			char *e = NULL;
			size_t cap = 0, el = 0;
			if (!escape_binary(str.ptr, str.len, &e, &cap, &el))
				goto raw;
			snprintf(buf, n, "\"%.*s\"%s", (int)el, e,
				 len > 40 ? "..." : "");
			free(e);
			return;
		}
		fmt_value(c, &v, 0, buf, n, &is_str, &sp, &sl);
		if (c->logical == DM_PARQUET_L_UUID && sp == buf)
			return;
		snprintf(buf, n, "\"%.*s\"%s", (int)sl, sp,
			 len > 40 ? "..." : "");
		return;
	}
	fmt_value(c, &v, 0, buf, n, &is_str, &sp, &sl);
	return;
raw:
	snprintf(buf, n, "(%u bytes)", len);
}

static int cmd_meta(dm_parquet_file *f)
{
	const dm_parquet_meta *m = dm_parquet_file_meta(f);
	char a[128], b[128];

	printf("file size: %" PRIu64 " bytes\n", m->file_size);
	printf("footer: %u bytes\n", m->footer_len);
	printf("format version: %d\n", (int)m->version);
	printf("created by: %s\n", m->created_by ? m->created_by : "-");
	printf("rows: %" PRId64 "\n", m->num_rows);
	printf("columns: %zu readable of %zu\n", m->ncolumns, m->nleaves);
	printf("row groups: %zu\n", m->nrowgroups);
	for (size_t i = 0; i < m->nkv; i++) {
		const char *v = m->kv[i].value ? m->kv[i].value : "";
		size_t l = strlen(v);
		printf("metadata: %s = %.*s%s\n", m->kv[i].key,
		       (int)(l > 200 ? 200 : l), v, l > 200 ? "..." : "");
	}
	for (size_t g = 0; g < m->nrowgroups; g++) {
		const dm_parquet_rowgroup_info *r = &m->rowgroups[g];
		printf("row group %zu: %" PRId64 " rows, %" PRId64
		       " bytes uncompressed, %" PRId64 " bytes compressed\n",
		       g, r->num_rows, r->total_byte_size,
		       r->total_compressed_size);
		for (size_t j = 0; j < m->ncolumns; j++) {
			const dm_parquet_chunk_info *k = &r->chunks[j];
			const dm_parquet_column_info *c = &m->columns[j];
			char enc[256];
			size_t o = 0;
			enc[0] = 0;
			for (int e = 0; e < 32; e++)
				if (k->encodings & (1u << e))
					o += (size_t)snprintf(
						enc + o, sizeof(enc) - o,
						"%s%s", o ? "," : "",
						dm_parquet_encoding_name(e));
			stat_text(c, k->stats.min, k->stats.min_len, a,
				  sizeof(a));
			stat_text(c, k->stats.max, k->stats.max_len, b,
				  sizeof(b));
			printf("  %s: %s %s, %" PRId64 " values, %" PRId64
			       " -> %" PRId64 " bytes, offset %" PRId64,
			       c->name, dm_parquet_codec_name(k->codec), enc,
			       k->num_values, k->total_uncompressed_size,
			       k->total_compressed_size,
			       k->dictionary_page_offset >= 0
				       ? k->dictionary_page_offset
				       : k->data_page_offset);
			if (k->stats.has_null_count)
				printf(", nulls %" PRId64, k->stats.null_count);
			printf(", min %s, max %s\n", a, b);
		}
	}
	for (size_t i = 0; i < m->nwarnings; i++)
		printf("warning: %s\n", m->warnings[i]);
	return 0;
}

int cmd_parquet(int argc, char **argv)
{
	const char *sub, *file = NULL, *columns = NULL;
	int jsonl = 0, rc;
	long long limit = -1;
	dm_parquet_file *f = NULL;
	dm_diag d;
	dm_err err;

	/* argv[0] is "parquet" */
	if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		fputs(usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? EXIT_USAGE : EXIT_OK;
	}
	sub = argv[1];
	for (int i = 2; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--columns") && i + 1 < argc)
			columns = argv[++i];
		else if (!strncmp(a, "--columns=", 10))
			columns = a + 10;
		else if ((!strcmp(a, "--format") && i + 1 < argc) ||
			 !strncmp(a, "--format=", 9)) {
			const char *v = a[8] == '=' ? a + 9 : argv[++i];
			if (!strcmp(v, "csv"))
				jsonl = 0;
			else if (!strcmp(v, "jsonl"))
				jsonl = 1;
			else {
				fprintf(stderr,
					"driftmon: unknown format '%s' "
					"(csv or jsonl)\n",
					v);
				return EXIT_USAGE;
			}
		} else if ((!strcmp(a, "--limit") && i + 1 < argc) ||
			   !strncmp(a, "--limit=", 8)) {
			const char *v = a[7] == '=' ? a + 8 : argv[++i];
			char *end;
			errno = 0;
			limit = strtoll(v, &end, 10);
			if (errno || *end || limit < 0) {
				fprintf(stderr, "driftmon: bad --limit '%s'\n",
					v);
				return EXIT_USAGE;
			}
		} else if (a[0] == '-' && a[1]) {
			fprintf(stderr, "driftmon: unknown option '%s'\n%s", a,
				usage);
			return EXIT_USAGE;
		} else if (!file)
			file = a;
		else {
			fprintf(stderr, "driftmon: too many arguments\n%s",
				usage);
			return EXIT_USAGE;
		}
	}
	if (!file || (strcmp(sub, "schema") && strcmp(sub, "cat") &&
		      strcmp(sub, "meta"))) {
		fputs(usage, stderr);
		return EXIT_USAGE;
	}
	if ((columns || jsonl || limit >= 0) && strcmp(sub, "cat")) {
		fprintf(stderr, "driftmon: --columns, --format and --limit are "
				"options of 'parquet cat'\n");
		return EXIT_USAGE;
	}
	dm_diag_clear(&d);
	err = dm_parquet_open_file(file, NULL, &f, &d);
	if (err)
		return fail(NULL, err, &d);
	if (!strcmp(sub, "schema"))
		rc = cmd_schema(f);
	else if (!strcmp(sub, "meta"))
		rc = cmd_meta(f);
	else
		rc = cmd_cat(f, columns, jsonl, limit);
	dm_parquet_file_free(f);
	return rc;
}
