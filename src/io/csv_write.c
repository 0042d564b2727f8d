/* SPDX-License-Identifier: Apache-2.0 */
/*
 * CSV writer (see include/driftmon/table.h): batches out to a stdio
 * stream through a 64 KiB buffer, cells quoted only when needed, and
 * doubles in the shortest text that reads back to the same double.
 *
 * Shortest doubles.  The reference method is "try %.15g, then %.16g,
 * then %.17g, keep the first that strtod reads back exactly"; printf and
 * strtod cost about a microsecond per cell that way, too slow for 50
 * million cells.  On x86, whose long double has a 64-bit mantissa, the
 * same candidates are computed directly:
 *
 *   for n = 15, 16, 17:  m = round(x * 10^(n-1-e10))    (in long double)
 *
 * where e10 = floor(log10 x).  10^k is exact in long double for
 * |k| <= 27 and the product is rounded once, so it is off from the
 * exact x * 10^k by at most 1e17 * 2^-64 < 0.0055 units; when it is not
 * within 0.01 of a rounding tie, m is the correctly rounded candidate,
 * the very digits printf would print.  Near a tie (about 2% of values)
 * an exact 128-bit integer comparison of x * 10^k with the tie decides,
 * ties going to even as in printf (without 128-bit integers, printf's
 * "%.16e" gives the digits).  The 15- and 16-digit
 * candidates are rounded from the 17 digits (exactly so unless those end
 * in 50 or 5, when they are computed like the 17).  So the output is
 * the same text as the reference method, only faster.  Candidates of
 * 15 and 16 digits are accepted only if they read back to x, which is
 * checked exactly by dmio_decimal_to_double (Clinger's fast path or its
 * x87 extension, see parse_double.c), or with strtod otherwise.  The
 * 17-digit candidate needs no check: it is within 0.5 * 10^(e10-16)
 * <= 5e-17 * x of x, less than half the distance to the next double
 * below or above (at least 2^-54 * x = 5.55e-17 * x), so it reads back
 * to x.  Elsewhere (other CPUs, |x| < 1e-11 or >= 1e42) the printf
 * method is used as is.
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
#include "io/numfmt.h"
#include "io/io_internal.h"

#define WBUF_SIZE ((size_t)64 << 10)
/* Room always kept for one number and a separator. */
#define CELL_ROOM 64

struct dm_csv_writer {
	FILE *fp;
	char sep;
	size_t ncols; /* from the header; 0 = not fixed */
	int failed;
	size_t len;
	unsigned char special[256];	 /* bytes that force quoting */
	unsigned char special_name[256]; /* the same in the header */
	unsigned char quote_all[256];
	char buf[WBUF_SIZE];
};

/* ------------------------------------------------------------------ */
/* Output                                                              */
/* ------------------------------------------------------------------ */

static int flush_buf(dm_csv_writer *w)
{
	if (w->len && !w->failed && fwrite(w->buf, 1, w->len, w->fp) != w->len)
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
static void put_text(dm_csv_writer *w, const char *s, size_t n,
		     const unsigned char *special)
{
	const unsigned char *p = (const unsigned char *)s, *e = p + n;
	size_t i;

	for (i = 0; i < n && !special[p[i]]; i++)
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
	/* Header names with any separator the reader may sniff are quoted
	 * too, so that the file reads back with the same separator. */
	memcpy(w->special_name, w->special, sizeof(w->special));
	w->special_name[','] = 1;
	w->special_name[';'] = 1;
	w->special_name['\t'] = 1;
	memset(w->quote_all, 1, sizeof(w->quote_all));
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
		const char *nm = names[j];

		if (j)
			put_bytes(w, &w->sep, 1);
		if (j == 0 && strncmp(nm, "\xEF\xBB\xBF", 3) == 0) {
			/* quoted, so that it is not read as a BOM */
			put_text(w, nm, strlen(nm), w->quote_all);
			continue;
		}
		put_text(w, nm, strlen(nm), w->special_name);
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
				w->len += dmio_numfmt_double(c->f64[i],
							     w->buf + w->len);
			else
				put_text(w, c->str[i].ptr, c->str[i].len,
					 w->special);
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
