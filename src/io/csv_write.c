/* SPDX-License-Identifier: Apache-2.0 */
/*
 * CSV writer (see include/driftmon/table.h): batches out to a stdio
 * stream through a 256 KiB buffer, cells quoted only when needed, and
 * doubles in the shortest text that reads back to the same double.
 *
 * Shortest doubles.  The reference method is "try %.15g, then %.16g,
 * then %.17g, keep the first that strtod reads back exactly"; printf and
 * strtod cost about a microsecond per cell that way, too slow for 50
 * million cells.  On targets whose long double has a 64-bit mantissa
 * (x86) the same candidates are computed directly:
 *
 *   for n = 15, 16, 17:  m = round(x * 10^(n-1-e10))    (in long double)
 *
 * where e10 = floor(log10 x).  10^k is exact in long double for
 * |k| <= 27 and the product is rounded once, so it is off from the
 * exact x * 10^k by at most 1e17 * 2^-64 < 0.0055 units; when it is not
 * within 0.01 of a rounding tie, m is the correctly rounded candidate,
 * the very digits printf would print (near a tie the printf method is
 * used instead, about 2% of values).  So the output is the same text as
 * the reference method, only faster.  Candidates of
 * 15 and 16 digits are accepted only if they read back to x, which is
 * checked exactly with one IEEE division or multiplication when
 * m <= 2^53 and |k| <= 22 (Clinger), or with strtod otherwise.  The
 * 17-digit candidate needs no check: it is within 0.5 * 10^(e10-16)
 * <= 5e-17 * x of x, less than half the distance to the next double
 * below or above (at least 2^-54 * x = 5.55e-17 * x), so it reads back
 * to x.  Elsewhere (other long doubles, |x| < 1e-11 or >= 1e42) the
 * printf method is used as is.
 */
#include <errno.h>
#include <float.h>
#include <locale.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "driftmon/table.h"
#include "io/io_internal.h"

#define WBUF_SIZE ((size_t)256 << 10)
/* Room always kept for one number and a separator. */
#define CELL_ROOM 64

struct dm_csv_writer {
	FILE *fp;
	char sep;
	size_t ncols; /* from the header; 0 = not fixed */
	int failed;
	size_t len;
	unsigned char special[256]; /* bytes that force quoting */
	char buf[WBUF_SIZE];
};

/* ------------------------------------------------------------------ */
/* Doubles                                                             */
/* ------------------------------------------------------------------ */

static const double pow10_exact[23] = {
	1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
	1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
	1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
};

/* Writes the decimal digits of v; returns their count. */
static size_t put_u64(uint64_t v, char *out)
{
	char tmp[20];
	size_t n = 0, i;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	for (i = 0; i < n; i++)
		out[i] = tmp[n - 1 - i];
	return n;
}

static double strtod_c(const char *s)
{
	locale_t c = dmio_c_locale();

	return c != (locale_t)0 ? strtod_l(s, NULL, c) : strtod(s, NULL);
}

/* Does m * 10^-k read back as x? */
static int reads_back(uint64_t m, int k, double x)
{
	char tmp[48];
	size_t n;

	if (m <= ((uint64_t)1 << 53)) {
		if (k >= 0 && k <= 22)
			return (double)m / pow10_exact[k] == x;
		if (k < 0 && k >= -22)
			return (double)m * pow10_exact[-k] == x;
	}
	n = put_u64(m, tmp);
	tmp[n++] = 'e';
	snprintf(tmp + n, sizeof(tmp) - n, "%d", -k);
	return strtod_c(tmp) == x;
}

/* Formats m * 10^-k (m > 0) as printf's %.<prec>g does: fixed notation
 * for decimal exponents -4 .. prec-1, else d.ddde+XX; no trailing zeros.
 * Returns the length. */
static size_t put_decimal(uint64_t m, int k, int prec, char *out)
{
	char dig[20];
	size_t nd, o = 0, i;
	int e10;

	while (m % 10 == 0) {
		m /= 10;
		k--;
	}
	nd = put_u64(m, dig);
	e10 = (int)nd - 1 - k;
	if (e10 >= -4 && e10 < prec) {
		if (k <= 0) {
			memcpy(out, dig, nd);
			o = nd;
			for (i = 0; i < (size_t)-k; i++)
				out[o++] = '0';
		} else if ((size_t)k < nd) {
			memcpy(out, dig, nd - (size_t)k);
			o = nd - (size_t)k;
			out[o++] = '.';
			memcpy(out + o, dig + nd - (size_t)k, (size_t)k);
			o += (size_t)k;
		} else {
			out[o++] = '0';
			out[o++] = '.';
			for (i = 0; i < (size_t)k - nd; i++)
				out[o++] = '0';
			memcpy(out + o, dig, nd);
			o += nd;
		}
		return o;
	}
	out[o++] = dig[0];
	if (nd > 1) {
		out[o++] = '.';
		memcpy(out + o, dig + 1, nd - 1);
		o += nd - 1;
	}
	out[o++] = 'e';
	out[o++] = e10 < 0 ? '-' : '+';
	if (e10 < 0)
		e10 = -e10;
	if (e10 < 10)
		out[o++] = '0';
	o += put_u64((uint64_t)e10, out + o);
	return o;
}

/* The printf method; x > 0 and finite.  Returns the length. */
static size_t shortest_printf(double x, char *out)
{
	locale_t c = dmio_c_locale(), old = (locale_t)0;
	int prec, n = 0;

	if (c != (locale_t)0)
		old = uselocale(c);
	for (prec = 15; prec <= 17; prec++) {
		n = snprintf(out, 32, "%.*g", prec, x);
		if (prec == 17 || strtod_c(out) == x)
			break;
	}
	if (c != (locale_t)0)
		uselocale(old);
	return (size_t)n;
}

#if LDBL_MANT_DIG >= 64
static const long double pow10_ld[28] = {
	1e0L,  1e1L,  1e2L,  1e3L,  1e4L,  1e5L,  1e6L,  1e7L,
	1e8L,  1e9L,  1e10L, 1e11L, 1e12L, 1e13L, 1e14L, 1e15L,
	1e16L, 1e17L, 1e18L, 1e19L, 1e20L, 1e21L, 1e22L, 1e23L,
	1e24L, 1e25L, 1e26L, 1e27L,
};

/*
 * round(x * 10^k), |k| <= 27, in long double, for x * 10^k < 2^57.
 * Returns 0 if the product is too close to a rounding tie (within 0.01
 * units, twice its error bound) to be sure the result is the correctly
 * rounded one that printf would give.
 */
static int scaled(double x, int k, uint64_t *m)
{
	long double p = k >= 0 ? (long double)x * pow10_ld[k]
			       : (long double)x / pow10_ld[-k];
	uint64_t f = (uint64_t)p;
	long double frac = p - (long double)f;

	if (frac > 0.49L && frac < 0.51L)
		return 0;
	*m = f + (frac > 0.5L);
	return 1;
}
#endif

/* Shortest round-trip text of x > 0, finite.  Returns the length. */
static size_t shortest_positive(double x, char *out)
{
#if LDBL_MANT_DIG >= 64
	int e2, e10, n;

	frexp(x, &e2); /* x in [2^(e2-1), 2^e2) */
	e10 = (int)floor((e2 - 1) * 0.30102999566398120); /* <= log10 x */
	if (e10 >= -11 && e10 <= 40) {
		uint64_t m17, c;

		if (!scaled(x, 16 - e10, &m17))
			goto slow;
		if (m17 >= 100000000000000000ULL) { /* e10 was one low */
			e10++;
			if (!scaled(x, 16 - e10, &m17))
				goto slow;
		}
		for (n = 15; n <= 16; n++) {
			if (!scaled(x, n - 1 - e10, &c))
				goto slow;
			if (reads_back(c, n - 1 - e10, x))
				return put_decimal(c, n - 1 - e10, n, out);
		}
		return put_decimal(m17, 16 - e10, 17, out);
	}
slow:
#endif
	return shortest_printf(x, out);
}

/* Text of a double cell; out has room for 32 bytes. */
static size_t format_double(double x, char *out)
{
	size_t o = 0;

	if (isnan(x)) {
		memcpy(out, "nan", 3);
		return 3;
	}
	if (signbit(x)) {
		out[o++] = '-';
		x = -x;
	}
	if (isinf(x)) {
		memcpy(out + o, "inf", 3);
		return o + 3;
	}
	if (x < 1e15 && x == (double)(uint64_t)x)
		return o + put_u64((uint64_t)x, out + o); /* 0 too: "0", "-0" */
	return o + shortest_positive(x, out + o);
}

/* ------------------------------------------------------------------ */
/* Output                                                              */
/* ------------------------------------------------------------------ */

static int flush_buf(dm_csv_writer *w)
{
	if (w->len && !w->failed &&
	    fwrite(w->buf, 1, w->len, w->fp) != w->len)
		w->failed = 1;
	w->len = 0;
	return w->failed ? -1 : 0;
}

static void put_bytes(dm_csv_writer *w, const char *p, size_t n)
{
	while (n) {
		size_t room = WBUF_SIZE - w->len, k = n < room ? n : room;

		memcpy(w->buf + w->len, p, k);
		w->len += k;
		p += k;
		n -= k;
		if (w->len == WBUF_SIZE)
			flush_buf(w);
	}
}

/* Makes room for a small item of at most CELL_ROOM bytes. */
static void need_room(dm_csv_writer *w)
{
	if (WBUF_SIZE - w->len < CELL_ROOM)
		flush_buf(w);
}

/* Writes a text cell (or name), quoted when necessary. */
static void put_text(dm_csv_writer *w, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s, *e = p + n;
	size_t i;

	for (i = 0; i < n && !w->special[p[i]]; i++)
		;
	if (i == n && n > 0) {
		if (n <= WBUF_SIZE - w->len) {
			memcpy(w->buf + w->len, s, n);
			w->len += n;
		} else {
			put_bytes(w, s, n);
		}
		return;
	}
	put_bytes(w, "\"", 1);
	while (p < e) {
		const unsigned char *q = memchr(p, '"', (size_t)(e - p));

		if (!q) {
			put_bytes(w, (const char *)p, (size_t)(e - p));
			break;
		}
		put_bytes(w, (const char *)p, (size_t)(q + 1 - p));
		put_bytes(w, "\"", 1);
		p = q + 1;
	}
	put_bytes(w, "\"", 1);
}

dm_err dm_csv_writer_open(FILE *fp, char sep, dm_csv_writer **out)
{
	dm_csv_writer *w;

	*out = NULL;
	if (!fp || sep == '"' || sep == '\r' || sep == '\n' || sep == 0)
		return DM_EINVAL;
	w = calloc(1, sizeof(*w));
	if (!w)
		return DM_ENOMEM;
	w->fp = fp;
	w->sep = sep;
	w->special[(unsigned char)sep] = 1;
	w->special['"'] = 1;
	w->special['\r'] = 1;
	w->special['\n'] = 1;
	*out = w;
	return DM_OK;
}

dm_err dm_csv_write_header(dm_csv_writer *w, char *const *names, size_t n)
{
	size_t j;

	if (!w || (!names && n) || n == 0)
		return DM_EINVAL;
	if (w->failed)
		return DM_EIO;
	for (j = 0; j < n; j++) {
		if (j)
			put_bytes(w, &w->sep, 1);
		put_text(w, names[j], strlen(names[j]));
	}
	put_bytes(w, "\n", 1);
	w->ncols = n;
	return flush_buf(w) ? DM_EIO : DM_OK;
}

dm_err dm_csv_write_batch(dm_csv_writer *w, const dm_batch *b)
{
	size_t i, j;

	if (!w || !b || (b->nrows && !b->cols))
		return DM_EINVAL;
	if (w->ncols && b->ncols != w->ncols)
		return DM_EINVAL;
	for (j = 0; j < b->ncols; j++) {
		const dm_column *c = &b->cols[j];

		if (c->type == DM_COL_DOUBLE ? !c->f64 : !c->str)
			return DM_EINVAL;
	}
	if (w->failed)
		return DM_EIO;
	for (i = 0; i < b->nrows; i++) {
		for (j = 0; j < b->ncols; j++) {
			const dm_column *c = &b->cols[j];

			need_room(w);
			if (j)
				w->buf[w->len++] = w->sep;
			if (c->null && c->null[i])
				continue;
			if (c->type == DM_COL_DOUBLE)
				w->len += format_double(c->f64[i],
							w->buf + w->len);
			else
				put_text(w, c->str[i].ptr, c->str[i].len);
		}
		need_room(w);
		w->buf[w->len++] = '\n';
	}
	return flush_buf(w) ? DM_EIO : DM_OK;
}

void dm_csv_writer_free(dm_csv_writer *w)
{
	free(w);
}
