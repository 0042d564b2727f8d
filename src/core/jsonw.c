/* SPDX-License-Identifier: Apache-2.0 */
/* A small streaming JSON writer (see jsonw.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/jsonw.h"
#include "core/utf8.h"
#include "io/numfmt.h"

static void jw_strn_valid(jw *w, const char *s, size_t n);

void jw_init(jw *w, size_t max, int pretty)
{
	memset(w, 0, sizeof(*w));
	w->max = max ? max : ((size_t)1 << 30);
	w->pretty = pretty;
}

void jw_init_nested(jw *w, const jw *parent)
{
	jw_init(w, parent->max, parent->pretty);
	w->depth = parent->depth;
	if (w->depth > 0)
		w->need_comma[w->depth] = 2; /* no separator before the value */
}

void jw_init_stream(jw *w, size_t max, int pretty, dm_sink_fn sink, void *ctx)
{
	jw_init(w, max, pretty);
	w->sink = sink;
	w->sink_ctx = ctx;
}

/* A stream: hands the buffered text to the sink. */
static void flush(jw *w)
{
	dm_err err;

	if (w->err || !w->len)
		return;
	err = w->sink(w->sink_ctx, w->buf, w->len);
	if (err != DM_OK) {
		w->err = err;
		return;
	}
	w->flushed += w->len;
	w->len = 0;
}

/* A stream: s does not fit in the chunk's buffer. */
static void put_stream(jw *w, const char *s, size_t n)
{
	dm_err err;

	flush(w);
	if (w->err || n < JW_CHUNK)
		return;
	/* longer than a chunk: straight through */
	err = w->sink(w->sink_ctx, s, n);
	if (err != DM_OK)
		w->err = err;
	else
		w->flushed += n;
}

static void put(jw *w, const char *s, size_t n)
{
	if (w->err)
		return;
	if (w->flushed + w->len + n + 1 > w->max) {
		w->err = DM_ETOOBIG;
		return;
	}
	if (w->sink && w->len + n + 1 > JW_CHUNK) {
		put_stream(w, s, n);
		if (w->err || n >= JW_CHUNK)
			return;
	}
	if (w->len + n + 1 > w->cap) {
		size_t cap = w->cap ? w->cap : 4096;
		char *p;

		while (cap < w->len + n + 1)
			cap *= 2;
		if (cap > w->max)
			cap = w->max;
		p = realloc(w->buf, cap);
		if (!p) {
			w->err = DM_ENOMEM;
			return;
		}
		w->buf = p;
		w->cap = cap;
	}
	memcpy(w->buf + w->len, s, n);
	w->len += n;
	w->buf[w->len] = '\0';
}

static void newline(jw *w)
{
	int i;

	if (!w->pretty)
		return;
	put(w, "\n", 1);
	for (i = 0; i < w->depth; i++)
		put(w, "  ", 2);
}

/* Before a value: comma and indentation if needed. */
static void pre(jw *w)
{
	if (w->depth > 0 && w->need_comma[w->depth] == 2) {
		/* right after a key */
		w->need_comma[w->depth] = 1;
		return;
	}
	if (w->depth > 0) {
		if (w->need_comma[w->depth])
			put(w, ",", 1);
		newline(w);
		w->need_comma[w->depth] = 1;
	}
}

static void open(jw *w, const char *c)
{
	pre(w);
	put(w, c, 1);
	if (w->depth + 1 >= 64) {
		w->err = DM_ETOOBIG;
		return;
	}
	w->depth++;
	w->need_comma[w->depth] = 0;
}

static void close_(jw *w, const char *c)
{
	int had = w->need_comma[w->depth];

	w->depth--;
	if (had)
		newline(w);
	put(w, c, 1);
}

void jw_obj(jw *w)
{
	open(w, "{");
}
void jw_obj_end(jw *w)
{
	close_(w, "}");
}
void jw_arr(jw *w)
{
	open(w, "[");
}
void jw_arr_end(jw *w)
{
	close_(w, "]");
}

void jw_strn(jw *w, const char *s, size_t n)
{
	if (utf8_valid_prefix(s, n) != n) {
		/* Not UTF-8: store the Latin-1 reading (as profiles do). */
		char *fix = malloc(2 * n + 1);

		if (!fix) {
			w->err = DM_ENOMEM;
			return;
		}
		n = utf8_repair(s, n, fix);
		jw_strn(w, fix, n);
		free(fix);
		return;
	}
	jw_strn_valid(w, s, n);
}

static void jw_strn_valid(jw *w, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t i, start = 0;

	put(w, "\"", 1);
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		char esc[7];

		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		put(w, s + start, i - start);
		start = i + 1;
		switch (c) {
		case '"':
			put(w, "\\\"", 2);
			break;
		case '\\':
			put(w, "\\\\", 2);
			break;
		case '\n':
			put(w, "\\n", 2);
			break;
		case '\r':
			put(w, "\\r", 2);
			break;
		case '\t':
			put(w, "\\t", 2);
			break;
		default:
			memcpy(esc, "\\u00", 4);
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 15];
			put(w, esc, 6);
		}
	}
	put(w, s + start, n - start);
	put(w, "\"", 1);
}

void jw_key(jw *w, const char *k)
{
	pre(w);
	jw_strn(w, k, strlen(k));
	put(w, w->pretty ? ": " : ":", w->pretty ? 2 : 1);
	w->need_comma[w->depth] = 2;
}

void jw_str(jw *w, const char *s)
{
	pre(w);
	if (!s) {
		put(w, "null", 4);
		return;
	}
	jw_strn(w, s, strlen(s));
}

int jw_fmt_double(char *buf, size_t size, double x)
{
	char tmp[40];
	size_t n = dmio_numfmt_double(x, tmp);

	if (n >= size)
		n = size - 1;
	memcpy(buf, tmp, n);
	buf[n] = '\0';
	return (int)n;
}

void jw_num(jw *w, double x)
{
	char b[40];
	int n;

	pre(w);
	if (!isfinite(x)) {
		put(w, "null", 4);
		return;
	}
	n = jw_fmt_double(b, sizeof(b), x);
	put(w, b, (size_t)n);
}

void jw_u64(jw *w, uint64_t x)
{
	char b[32];
	int n = snprintf(b, sizeof(b), "%llu", (unsigned long long)x);

	pre(w);
	put(w, b, (size_t)n);
}

void jw_i64(jw *w, int64_t x)
{
	char b[32];
	int n = snprintf(b, sizeof(b), "%lld", (long long)x);

	pre(w);
	put(w, b, (size_t)n);
}

void jw_bool(jw *w, int b)
{
	pre(w);
	put(w, b ? "true" : "false", b ? 4 : 5);
}

void jw_null(jw *w)
{
	pre(w);
	put(w, "null", 4);
}

void jw_raw(jw *w, const char *s, size_t n)
{
	pre(w);
	put(w, s, n);
}

dm_err jw_finish(jw *w, char **out, size_t *len)
{
	if (w->pretty)
		put(w, "\n", 1);
	if (w->err) {
		jw_release(w);
		return w->err;
	}
	if (!w->buf)
		put(w, "", 0);
	if (w->err)
		return w->err;
	*out = w->buf;
	*len = w->len;
	w->buf = NULL;
	return DM_OK;
}

dm_err jw_finish_stream(jw *w)
{
	dm_err err;

	if (w->pretty)
		put(w, "\n", 1);
	flush(w);
	err = w->err;
	jw_release(w);
	return err;
}

void jw_release(jw *w)
{
	free(w->buf);
	w->buf = NULL;
	w->len = w->cap = 0;
}
