/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Streaming CSV reader (RFC 4180) over a dm_source.
 *
 * Design
 * ------
 * The file is read in blocks (128 KiB by default) into one buffer; it
 * is never loaded whole.  (The bytes read past a batch's last record are
 * moved to the front of the buffer for the next batch: with blocks much
 * smaller than a batch that copy stays small.  1 MiB blocks moved about
 * half a block a batch: 1.4% of a 1-thread CSV baseline's CPU.)  A batch is
 * built by tokenising records straight out of that buffer: every cell is a
 * dm_strref pointing into it, so the buffer holds exactly the bytes of the
 * batch being built plus the part of a record that spans the end of the data
 * read so far.  When a batch is requested the bytes of the previous batch are
 * dropped (the unread tail is moved to the front).  When the buffer has to grow
 * while cells point into it, the cells are rebased onto the new buffer.  Memory
 * is therefore one batch + one block, with hard caps: one record may not exceed
 * 64 MiB (DM_ETOOBIG), and a batch ends early once its bytes pass 128 MiB.
 *
 * Tokenising: the buffer always ends with a NUL sentinel, and a 256-entry
 * class table marks the bytes that end an unquoted field (separator,
 * '\n', NUL), another those that end a quoted run ('"', NUL).  The inner
 * loops are then a table lookup per byte with no bounds check and no
 * function call (unquoted fields, with SSE2: a bit mask of those bytes
 * per 64-byte block, see field_end); hitting a NUL tells "end of
 * buffered data" (the sentinel) from a NUL byte in the input (an error:
 * binary data).
 *
 * A record that is not complete in the buffer is simply parsed again
 * from its start after more input is read; the read size grows with the
 * record so that a long record costs O(length) overall.  Because of this
 * restart, fields are never modified while a record is scanned: quoted
 * fields that contain "" escapes (or text after the closing quote) are
 * remembered and unescaped in place once the record is complete.
 *
 * Dialect: RFC 4180 plus what Python's csv module and pandas accept:
 * CRLF or LF line ends (a CR is only stripped before LF), a last line
 * with or without a line end, a UTF-8 BOM before the header, blank lines
 * (empty, or a lone CR) skipped anywhere and not counted as records.  A
 * quote inside an unquoted field is an ordinary character; text after a
 * closing quote is kept ("ab"cd -> abcd), as Python's csv module does.
 * An empty unquoted cell is NULL; a quoted empty cell ("") is an empty,
 * non-NULL string (which the profile reads as missing, docs/schema.md).
 * The reader does not convert: with ';' between fields, numbers may have
 * a decimal comma, which the profile reads (dmio_csv_decimal_comma).
 *
 * Row numbers: records are numbered from 1, counting data records only
 * (the header is not counted, blank lines are not counted, skipped
 * malformed records are).  A record with quoted newlines is one record,
 * so "row N" in a diagnostic is the record number, not a line number.
 */
#include <assert.h>
#include <math.h>
#include <pthread.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "driftmon/table.h"
#include "io/io_internal.h"

#define DEFAULT_BATCH_ROWS 8192
/* Cells per batch when the caller does not choose batch_rows: keeps a
 * batch (about 17 bytes a cell of text) near 1 MiB, so that the columns
 * walked one after the other by the profiler stay in cache. */
#define DEFAULT_BATCH_CELLS ((size_t)1 << 16)
/* Cells per batch in any case (the arrays must stay allocatable). */
#define MAX_BATCH_CELLS ((size_t)1 << 26)
#define MAX_COLUMNS	((size_t)1 << 20)
/* Bytes after the data: the NUL sentinel, and room for the 64-byte
 * blocks of field_end at any position up to it. */
#define BUF_PAD 64

typedef struct csv_reader {
	dm_reader base; /* first: the reader is freed through it */
	dmio_csv_tuning lim;
	int lenient;

	unsigned char *buf; /* cap + BUF_PAD bytes; buf[len] == 0 */
	size_t cap;
	size_t len;	  /* bytes of input in buf */
	size_t pos;	  /* start of the first record not yet consumed */
	uint64_t src_off; /* next source offset to read */
	int eof;	  /* the source has no more bytes */

	unsigned char sep;
	/* Whitespace-separated input (R's write.table, UCI .data files): runs
	 * of spaces and tabs outside quotes separate fields.  ws_squeeze
	 * rewrites each run read as one ' ' (sep), and drops those that start
	 * or end a line, so that the tokeniser sees a ' '-separated file.
	 * ws_q: 0 outside quotes, 1 inside, 2 after a quote inside; ws_bol:
	 * at a line's start; ws_fs: at a field's start (a quote opens);
	 * ws_hold: bytes of a run at the end of buf, left as read until the
	 * bytes after it are. */
	int ws, ws_q, ws_bol, ws_fs;
	size_t ws_hold;
	/* Classic Mac line ends: when the header ends in a lone CR (found
	 * by sniff_sep, before any record is read), every CR is read as
	 * LF.  -1 = not yet known. */
	int cr_only;
	unsigned char ucls[256]; /* ends an unquoted field: sep, \n, NUL */
	unsigned char qcls[256]; /* ends a quoted run: ", NUL */

	size_t batch_rows;
	dm_batch batch;
	dm_column *cols;
	dm_strref *cells; /* ncols * batch_rows, column-major */
	uint8_t *nulls;	  /* ncols * batch_rows, column-major */
	/* ncols * batch_rows, column-major: dmio_parse_num of each unquoted
	 * cell, taken while the tokeniser has its bytes in cache (NaN: not
	 * decided; see dmio_csv_prenum).  pre_arr[cur]: allocated once,
	 * never moved, so that dmio_csv_prenum may read them while the
	 * reader fills the other slot. */
	double *pre;
	double *pre_arr[2];
	uint64_t *rownums; /* batch_rows record numbers */
	/* base.batches_kept: two of everything above (and of buf), used in
	 * turn; slot[cur] is the one in the fields above. */
	struct csv_slot {
		unsigned char *buf;
		size_t cap;
		dm_batch batch;
		dm_column *cols;
		dm_strref *cells;
		uint8_t *nulls;
		uint64_t *rownums;
	} slot[2];
	int cur;
	uint32_t *fix; /* fields of the current record to unescape */
	uint8_t *keep; /* ncols flags; NULL = every column */

	unsigned threads;	  /* tokenising threads (dm_reader_opts) */
	size_t piece_bytes;	  /* forced piece size (DRIFTMON_CSV_PIECE) */
	size_t avg_rec;		  /* bytes per row of the last batch */
	struct csv_piece *pieces; /* MAX_PIECES, or NULL: sequential only */
	/* dmio_csv_split_begin .. _end: the pieces set up, and the error of
	 * the batch's start, reported by _end */
	size_t split_np;
	dm_err split_err;
	dm_diag split_diag;

	/* Bytes read ahead (dmio_csv_prefetch), from source offset
	 * ahead_off: ahead[ahead_pos, ahead_len) are fill's next bytes.
	 * ahead_eof: the read that got them ended at the end of input. */
	unsigned char *ahead;
	size_t ahead_cap, ahead_pos, ahead_len;
	uint64_t ahead_off;
	int ahead_eof;

	uint64_t records;     /* data records consumed (delivered or skipped) */
	uint64_t rows_pieced; /* rows that pieces tokenised (tests) */
	dm_err failed;	      /* sticky: the error that stopped the read */
	int done;
} csv_reader;

/* ------------------------------------------------------------------ */
/* Tokeniser                                                           */
/* ------------------------------------------------------------------ */

enum {
	REC_OK,	   /* a complete record; *next is the start of the next */
	REC_BLANK, /* a blank line; *next is after it */
	REC_MORE,  /* the record continues past the buffered data */
	REC_QUOTE, /* end of input inside a quoted field */
	REC_NUL	   /* a NUL byte in the input, at o->bad */
};

/* Where parse_record puts a record's fields. */
typedef struct rec_out {
	dm_strref *cell; /* field j goes to cell[j * stride] ... */
	uint8_t *null;	 /* ... and its null flag to null[j * stride] */
	double *num; /* NULL, or dmio_parse_num's value to num[j * stride] */
	size_t stride;
	size_t maxf;   /* fields beyond maxf are counted, not stored */
	uint32_t *fix; /* receives stored fields needing unescaping */
	size_t nfix;
	size_t nf;		  /* fields in the record (REC_OK), or index of
				   * the field being scanned (errors) */
	int in_quote;		  /* REC_MORE: stopped inside a quoted field */
	const unsigned char *bad; /* REC_NUL: the NUL byte */
} rec_out;

#define STORE_FIELD(start, n, isnull, needfix)                                 \
	do {                                                                   \
		if (nf < maxf) {                                               \
			dm_strref *c_ = &cell[nf * stride];                    \
			c_->ptr = (const char *)(start);                       \
			c_->len = (uint32_t)(n);                               \
			null[nf * stride] = (uint8_t)(isnull);                 \
			if (needfix)                                           \
				o->fix[nfix++] = (uint32_t)nf;                 \
		}                                                              \
		nf++;                                                          \
	} while (0)

/*
 * A scan stopped at a NUL at q, in field nf: a NUL byte in the data
 * (REC_NUL), the end of the buffered data with more to come (REC_MORE;
 * in_quote says whether inside a quoted field), or the end of the input
 * (REC_OK).
 */
static inline int at_nul(const unsigned char *q, const unsigned char *end,
			 int eof, rec_out *o, size_t nf, int in_quote)
{
	if (q < end) {
		o->bad = q;
		o->nf = nf;
		return REC_NUL;
	}
	if (!eof) {
		o->in_quote = in_quote;
		return REC_MORE;
	}
	return REC_OK;
}

/* A quoted field found by quoted_field. */
typedef struct qfield {
	unsigned char *s;    /* its first content byte */
	size_t len;	     /* raw length (with any text after the quote) */
	int fix;	     /* needs unescape_field */
	int last;	     /* the record ends with it */
	unsigned char *next; /* where the next field or record starts */
} qfield;

/*
 * The quoted part of a quoted field, from its first content byte f->s:
 * returns REC_OK with *close at the closing quote ("" escapes set
 * f->fix), or REC_NUL / REC_MORE / REC_QUOTE.  nf is the field's index.
 */
static inline int scan_quoted(const unsigned char *qcls, qfield *f,
			      const unsigned char *end, int eof, rec_out *o,
			      size_t nf, unsigned char **close)
{
	unsigned char *q = f->s;

	for (;;) {
		while (!qcls[*q])
			q++;
		if (*q == 0) {
			int rc = at_nul(q, end, eof, o, nf, 1);
			o->nf = nf;
			return rc == REC_OK ? REC_QUOTE : rc;
		}
		if (q[1] == '"') { /* "" escape */
			f->fix = 1;
			q += 2;
			continue;
		}
		if (q + 1 == end && !eof) { /* may be a split "" */
			o->in_quote = 1;
			return REC_MORE;
		}
		*close = q;
		return REC_OK;
	}
}

/*
 * Text after a quoted field's closing quote (q is the byte after it) is
 * kept literally up to the next separator or line end; the raw span
 * (closing quote included) is cleaned by unescape.
 */
static inline int quoted_tail(const csv_reader *r, unsigned char *q,
			      const unsigned char *end, int eof, rec_out *o,
			      size_t nf, qfield *f)
{
	int rc;

	while (!r->ucls[*q])
		q++;
	f->len = (size_t)(q - f->s);
	f->fix = 1;
	f->last = *q != r->sep;
	if (!f->last) {
		f->next = q + 1;
		return REC_OK;
	}
	if (*q == 0 && (rc = at_nul(q, end, eof, o, nf, 0)) != REC_OK)
		return rc;
	if (q[-1] == '\r')
		f->len--;
	f->next = *q == '\n' ? q + 1 : q;
	return REC_OK;
}

/*
 * A quoted field starting at p (its opening quote): fills f, or returns
 * REC_NUL / REC_MORE / REC_QUOTE as parse_record does.
 */
static inline int quoted_field(const csv_reader *r, unsigned char *p,
			       const unsigned char *end, int eof, rec_out *o,
			       size_t nf, qfield *f)
{
	unsigned char *q;
	int rc;

	f->s = p + 1;
	f->fix = 0;
	rc = scan_quoted(r->qcls, f, end, eof, o, nf, &q);
	if (rc != REC_OK)
		return rc;
	f->len = (size_t)(q - f->s);
	q++; /* past the closing quote */
	f->last = 1;
	if (*q == r->sep) {
		f->last = 0;
		f->next = q + 1;
	} else if (*q == '\n') {
		f->next = q + 1;
	} else if (*q == '\r' && q[1] == '\n') {
		f->next = q + 2;
	} else if (q == end) { /* eof: checked in scan_quoted */
		f->next = q;
	} else if (*q == '\r' && q + 1 == end) {
		if (!eof) {
			o->in_quote = 0;
			return REC_MORE;
		}
		f->next = q + 1;
	} else {
		return quoted_tail(r, q, end, eof, o, nf, f);
	}
	return REC_OK;
}

/*
 * Where the unquoted fields of a record end: the first separator, '\n' or
 * NUL (the sentinel at the end of the data, at the latest) at or after a
 * position.  With SSE2, a mask of those bytes is made for 64 bytes at a
 * time and each field end is the next set bit: the fields of a block are
 * found without a load or a branch per byte, and without the next
 * field's search waiting on the last one's loads.  A block may read up
 * to 63 bytes past the sentinel, inside the buffer's BUF_PAD; the mask
 * bits of those bytes come after the sentinel's and are never used.
 */
typedef struct fscan {
	const unsigned char *base; /* the block's first byte */
	uint64_t mask;		   /* bit i: base[i] ends a field */
} fscan;

#if defined(__SSE2__)
static inline uint64_t block_mask(const csv_reader *r, const unsigned char *p)
{
	const __m128i vs = _mm_set1_epi8((char)r->sep);
	const __m128i vn = _mm_set1_epi8('\n');
	const __m128i vz = _mm_setzero_si128();
	uint64_t m = 0;
	int k;

	for (k = 0; k < 4; k++) {
		__m128i v = _mm_loadu_si128(
			(const __m128i *)(const void *)(p + 16 * k));
		__m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, vs),
							_mm_cmpeq_epi8(v, vn)),
					   _mm_cmpeq_epi8(v, vz));

		m |= (uint64_t)(unsigned)_mm_movemask_epi8(hit) << (16 * k);
	}
	return m;
}
#endif

static inline void fscan_init(fscan *fs, const csv_reader *r,
			      const unsigned char *p)
{
#if defined(__SSE2__)
	fs->base = p;
	fs->mask = block_mask(r, p);
#else
	(void)r;
	fs->base = p;
	fs->mask = 0;
#endif
}

static inline unsigned char *field_end(fscan *fs, const csv_reader *r,
				       unsigned char *q)
{
#if defined(__SSE2__)
	for (;;) {
		size_t off = (size_t)(q - fs->base);

		if (off < 64) {
			uint64_t m = fs->mask >> off;

			if (m)
				return q + __builtin_ctzll(m);
			q = (unsigned char *)fs->base + 64;
		}
		fs->base = q;
		fs->mask = block_mask(r, q);
	}
#else
	(void)fs;
	while (!r->ucls[*q])
		q++;
	return q;
#endif
}

/*
 * Tokenises one record starting at p.  end is the end of the buffered
 * data (*end == 0, the sentinel); eof says whether more data can follow.
 * Fields are stored but not unescaped (see unescape_field).
 */
static int parse_record(const csv_reader *r, unsigned char *p,
			const unsigned char *end, int eof, rec_out *o,
			unsigned char **next)
{
	const unsigned char sep = r->sep;
	dm_strref *const cell = o->cell;
	uint8_t *const null = o->null;
	double *const num = o->num;
	const size_t stride = o->stride, maxf = o->maxf;
	size_t nf = 0, nfix = 0, flen;
	unsigned char *q, *s;
	qfield qf;
	fscan fs;
	int rc;

	fscan_init(&fs, r, p);
	for (;;) {
		if (*p != '"') {
			/* Unquoted field: the hot path. */
			s = p;
			q = field_end(&fs, r, p);
			flen = (size_t)(q - s);
			if (*q == sep) {
				if (num && nf < maxf)
					num[nf * stride] =
						dmio_parse_num_padded(
							(const char *)s, flen);
				STORE_FIELD(s, flen, flen == 0, 0);
				p = q + 1;
				continue;
			}
			if (*q != '\n' &&
			    (rc = at_nul(q, end, eof, o, nf, 0)) != REC_OK)
				return rc;
			/* the record's last field: before '\n' or at the
			 * end of the input */
			if (flen && q[-1] == '\r')
				flen--;
			if (nf == 0 && flen == 0) {
				*next = *q == '\n' ? q + 1 : q;
				return REC_BLANK;
			}
			if (num && nf < maxf)
				num[nf * stride] = dmio_parse_num_padded(
					(const char *)s, flen);
			STORE_FIELD(s, flen, flen == 0, 0);
			p = *q == '\n' ? q + 1 : q;
			break;
		}
		rc = quoted_field(r, p, end, eof, o, nf, &qf);
		if (rc != REC_OK)
			return rc;
		if (num && nf < maxf) /* left to the column's parser */
			num[nf * stride] = NAN;
		STORE_FIELD(qf.s, qf.len, 0, qf.fix);
		p = qf.next;
		if (qf.last)
			break;
	}
	o->nf = nf;
	o->nfix = nfix;
	*next = p;
	return REC_OK;
}

/*
 * Unescapes a quoted field's raw content in place: in the quoted part ""
 * is one quote and a lone quote closes it; after that every byte is
 * literal.  Returns the new length (never longer).
 */
static uint32_t unescape_field(char *s, uint32_t n)
{
	uint32_t i = 0, w = 0;
	int quoted = 1;

	while (i < n) {
		char ch = s[i++];

		if (quoted && ch == '"') {
			if (i < n && s[i] == '"') {
				s[w++] = '"';
				i++;
			} else {
				quoted = 0;
			}
		} else {
			s[w++] = ch;
		}
	}
	return w;
}

static void apply_fixes(rec_out *o)
{
	size_t i;

	for (i = 0; i < o->nfix; i++) {
		dm_strref *c = &o->cell[(size_t)o->fix[i] * o->stride];

		c->len = unescape_field((char *)c->ptr, c->len);
	}
}

/* ------------------------------------------------------------------ */
/* Input buffer                                                        */
/* ------------------------------------------------------------------ */

/* Moves the unconsumed bytes to the front of the buffer (only when no
 * cell points into the buffer). */
static void compact(csv_reader *r)
{
	if (r->pos == 0)
		return;
	memmove(r->buf, r->buf + r->pos, r->len - r->pos);
	r->len -= r->pos;
	r->pos = 0;
	r->buf[r->len] = 0;
}

/* Rewrites every CR in p[0..n) as LF (files with CR-only line ends). */
static void cr_to_lf(unsigned char *p, size_t n)
{
	unsigned char *e = p + n;

	while ((p = memchr(p, '\r', (size_t)(e - p))) != NULL)
		*p++ = '\n';
}

static int is_blank(unsigned char c)
{
	return c == ' ' || c == '\t';
}

/* Whitespace-separated input: squeezes buf[from, len) in place (see
 * csv_reader.ws); the data only shrinks.  Byte offsets in messages count
 * the squeezed bytes. */
static void ws_squeeze(csv_reader *r, size_t from)
{
	unsigned char *b = r->buf;
	size_t i = from, w = from, n = r->len;

	while (i < n) {
		unsigned char c = b[i];

		if (r->ws_q == 1) {
			if (c == '\\') { /* R's \" inside quotes: "" */
				if (i + 1 == n && !r->eof)
					break; /* held */
				if (i + 1 < n && b[i + 1] == '"') {
					b[w++] = '"';
					b[w++] = '"';
					i += 2;
					continue;
				}
			}
			b[w++] = c;
			i++;
			if (c == '"')
				r->ws_q = 2;
			continue;
		}
		if (r->ws_q == 2) {
			if (c == '"') { /* "" inside quotes */
				b[w++] = c;
				i++;
				r->ws_q = 1;
				continue;
			}
			r->ws_q = 0;
		}
		if (is_blank(c)) {
			size_t j = i;

			while (j < n && is_blank(b[j]))
				j++;
			if (j == n && !r->eof)
				break; /* the line may end after it: held */
			if (!r->ws_bol && j < n && b[j] != '\n' &&
			    b[j] != '\r') {
				b[w++] = ' ';
				r->ws_fs = 1;
			}
			i = j;
			continue;
		}
		b[w++] = c;
		i++;
		if (c == '\n') {
			r->ws_bol = r->ws_fs = 1;
			continue;
		}
		if (c == '"' && r->ws_fs)
			r->ws_q = 1;
		r->ws_bol = r->ws_fs = 0;
	}
	r->ws_hold = n - i;
	memmove(b + w, b + i, n - i);
	r->len = w + (n - i);
	b[r->len] = 0;
}

/*
 * Reads more input after the record starting at r->pos.  nrows is the
 * number of rows of the batch under construction (their cells point into
 * the buffer and are rebased if it moves).  Sets *full instead of
 * reading when the batch should end first to keep the buffer bounded.
 */
static dm_err fill(csv_reader *r, size_t nrows, int *full, dm_diag *diag)
{
	size_t partial = r->len - r->pos, want, got = 0;
	dm_source *src = r->base.src;
	dm_err err = DM_OK;

	*full = 0;
	assert(!r->eof);
	/* Grow reads with the record (O(n) rescans), but no further than
	 * needed to see whether it passes the record limit. */
	want = partial;
	if (partial <= r->lim.max_record &&
	    want > r->lim.max_record + 1 - partial)
		want = r->lim.max_record + 1 - partial;
	if (want < r->lim.block_size)
		want = r->lim.block_size;
	if (r->cap - r->len < want && nrows == 0)
		compact(r);
	if (nrows > 0 && r->len + want > r->lim.batch_bytes) {
		*full = 1; /* this batch has enough bytes */
		goto out;
	}
	if (r->cap - r->len < want) {
		size_t need = r->len + want, ncap = r->cap * 2;
		unsigned char *nbuf;

		if (ncap < need || ncap > r->lim.batch_bytes)
			ncap = need; /* no slack past the batch limit */
		nbuf = malloc(ncap + BUF_PAD);
		if (!nbuf) {
			err = dm_diag_set(
				diag, DM_ENOMEM, src->name, 0, NULL,
				"out of memory (%zu-byte read buffer)", ncap);
			goto out;
		}
		memcpy(nbuf, r->buf, r->len);
		if (nrows > 0) {
			size_t j, i;

			for (j = 0; j < r->base.ncols; j++) {
				dm_strref *c = r->cells + j * r->batch_rows;

				for (i = 0; i < nrows; i++)
					c[i].ptr = (const char *)nbuf +
						   ((const unsigned char *)c[i]
							    .ptr -
						    r->buf);
			}
		}
		free(r->buf);
		r->buf = nbuf;
		r->cap = ncap;
	}
	if (r->ahead_pos < r->ahead_len && r->ahead_off == r->src_off) {
		/* read ahead already: the bytes, and the rest from the
		 * source unless they ended at the end of input */
		size_t n = r->ahead_len - r->ahead_pos;

		if (n > want)
			n = want;
		memcpy(r->buf + r->len, r->ahead + r->ahead_pos, n);
		r->ahead_pos += n;
		r->ahead_off += n;
		got = n;
		if (n < want && !r->ahead_eof) {
			err = src->read(src, r->src_off + n,
					r->buf + r->len + n, want - n, &got,
					diag);
			if (err)
				goto out;
			got += n;
		}
	} else {
		r->ahead_pos = r->ahead_len = 0; /* not of this offset */
		err = src->read(src, r->src_off, r->buf + r->len, want, &got,
				diag);
		if (err)
			goto out;
	}
	r->len += got;
	r->src_off += got;
	if (got < want || r->src_off >= src->size)
		r->eof = 1;
	if (r->cr_only > 0)
		cr_to_lf(r->buf + r->len - got, got);
	if (r->ws)
		ws_squeeze(r, r->len - got - r->ws_hold);
out:
	if (r->buf)
		r->buf[r->len] = 0;
	return err;
}

/* Byte offset in the source of buffer position p. */
static unsigned long long src_offset(const csv_reader *r,
				     const unsigned char *p)
{
	return (unsigned long long)(r->src_off -
				    (r->len - (size_t)(p - r->buf)));
}

/* ------------------------------------------------------------------ */
/* Header                                                              */
/* ------------------------------------------------------------------ */

/* Fields of the line p[0..n) separated by runs of spaces and tabs, with
 * quotes as the tokeniser reads them; *num is set when an unquoted one is
 * a number.  SIZE_MAX when a quote stays open (a record over lines). */
static size_t ws_fields(const unsigned char *p, size_t n, int *num)
{
	size_t i = 0, nf = 0, s;

	for (;;) {
		while (i < n && (is_blank(p[i]) || p[i] == '\r'))
			i++;
		if (i == n)
			return nf;
		s = i;
		if (p[i] == '"') {
			for (i++; i < n; i++)
				if (p[i] == '"' &&
				    (i + 1 == n || p[i + 1] != '"'))
					break;
				else if (p[i] == '"')
					i++; /* "" */
			if (i >= n)
				return SIZE_MAX;
			s = SIZE_MAX; /* quoted: not looked at as a number */
		}
		while (i < n && !is_blank(p[i]) && p[i] != '\r')
			i++;
		if (s != SIZE_MAX && !*num &&
		    !isnan(dmio_parse_num((const char *)p + s, i - s)))
			*num = 1;
		nf++;
	}
}

/* Data lines ws_separated looks at. */
#define WS_LINES 20

/*
 * Whether a file whose header line (buf[pos + hs, pos + he)) has none of
 * the separators is separated by runs of blanks, as R's write.table and
 * the UCI repository's .data files are: the header has at least two such
 * fields, the first data lines (up to WS_LINES, or what a record may
 * hold) all as many (or all one more: row names, see implicit_index),
 * and one of their fields is a number (a column of two-word text is not
 * two columns).  Reads what it looks at.
 */
static int ws_separated(csv_reader *r, size_t hs, size_t he, dm_diag *diag)
{
	size_t h, nf, want = SIZE_MAX, lines, i, e;
	int num = 0, full;
	const unsigned char *b, *nl;

	h = ws_fields(r->buf + r->pos + hs, he - hs, &num);
	if (h < 2 || h == SIZE_MAX)
		return 0;
	for (;;) { /* buffer the lines looked at */
		b = r->buf + r->pos;
		/* counted as below: blank lines are not (a read that stopped
		 * after WS_LINES blank ones would decide on fewer lines than
		 * one that holds the whole file) */
		for (i = he + 1, lines = 0;
		     i < r->len - r->pos && lines <= WS_LINES;
		     i = (size_t)(nl - b) + 1) {
			int unused = 0;

			if (!(nl = memchr(b + i, '\n', r->len - r->pos - i)))
				break;
			lines += ws_fields(b + i, (size_t)(nl - b) - i,
					   &unused) != 0;
		}
		if (lines > WS_LINES || r->eof ||
		    r->len - r->pos > r->lim.max_record)
			break;
		if (fill(r, 0, &full, diag) != DM_OK)
			return 0; /* met again by the reader */
	}
	num = 0;
	b = r->buf + r->pos;
	for (i = he + 1, lines = 0; i < r->len - r->pos && lines < WS_LINES;
	     i = e + 1) {
		nl = memchr(b + i, '\n', r->len - r->pos - i);
		if (!nl && !r->eof)
			break;
		e = nl ? (size_t)(nl - b) : r->len - r->pos;
		if (e >= r->lim.max_record)
			break; /* what every read size has buffered */
		nf = ws_fields(b + i, e - i, &num);
		if (nf == SIZE_MAX)
			break; /* a record over lines: the lines before decide
				*/
		if (nf == 0)
			continue; /* a blank line */
		if (want == SIZE_MAX)
			want = nf == h + 1 ? h + 1 : h;
		if (nf != want)
			return 0;
		lines++;
	}
	return lines > 0 && num;
}

/*
 * Picks the separator: tab for a .tsv name; otherwise from the header
 * line (after any blank lines, outside quotes): ',' if it has any, else
 * the most frequent of ';', tab and '|' (database exports; a tie goes to
 * the first of these), else runs of blanks when the first lines are
 * laid out so (ws_separated), else ','.  Reads until the buffer holds
 * the lines it looks at, or no more than a record may hold, so that the
 * choice never depends on the block size.
 */
static dm_err sniff_sep(csv_reader *r, dm_diag *diag)
{
	const char *name = r->base.src->name, *dot;
	size_t off = 0, line = 0, commas = 0, semis = 0, tabs = 0, pipes = 0;
	int state = 0, started = 0, full; /* 0 out, 1 in quotes, 2 after a
					   * quote in quotes */
	int tsv;
	dm_err err = DM_OK;

	dot = name ? strrchr(name, '.') : NULL;
	if (dot && dot > name &&
	    (strcasecmp(dot, ".gz") == 0 || strcasecmp(dot, ".zst") == 0 ||
	     strcasecmp(dot, ".gzip") == 0 || strcasecmp(dot, ".zstd") == 0 ||
	     strcasecmp(dot, ".bz2") == 0 || strcasecmp(dot, ".xz") == 0)) {
		/* x.tsv.gz: the name before the compression's */
		const char *p = dot - 1;

		while (p > name && *p != '.' && *p != '/')
			p--;
		tsv = *p == '.' && (size_t)(dot - p) == 4 &&
		      strncasecmp(p, ".tsv", 4) == 0;
	} else {
		tsv = dot && strcasecmp(dot, ".tsv") == 0;
	}
	for (;;) {
		size_t end = r->len - r->pos;

		/* no further than a record may reach, whatever was read */
		if (end > r->lim.max_record + 1)
			end = r->lim.max_record + 1;
		for (; off < end; off++) {
			unsigned char c = r->buf[r->pos + off], prev;

			if (!started) {
				if (c == '\n' || c == '\r')
					continue;
				started = 1;
				line = off;
			}
			if (state == 1) {
				if (c == '"')
					state = 2;
				continue;
			}
			if (state == 2) {
				if (c == '"') { /* "" */
					state = 1;
					continue;
				}
				state = 0;
			}
			prev = off > line ? r->buf[r->pos + off - 1] : ',';
			/* as in the tokeniser, a quote opens a quoted field
			 * only at its start (after any candidate separator) */
			if (c == '"' && (prev == ',' || prev == ';' ||
					 prev == '\t' || prev == '|'))
				state = 1;
			else if (c == '\n')
				goto done;
			else if (c == '\r') {
				/* CRLF, or a lone CR: classic Mac line ends */
				if (r->pos + off + 1 >= r->len && !r->eof)
					break; /* read the next byte first */
				if (r->pos + off + 1 < r->len &&
				    r->buf[r->pos + off + 1] != '\n')
					r->cr_only = 1;
				goto done;
			} else if (c == ',')
				commas++;
			else if (c == ';')
				semis++;
			else if (c == '\t')
				tabs++;
			else if (c == '|')
				pipes++;
		}
		/* (one byte past the last looked at: a CR's next one) */
		if (r->eof || r->len - r->pos > r->lim.max_record + 1)
			break;
		err = fill(r, 0, &full, diag); /* may move the data, not pos */
		if (err)
			return err;
	}
done:
	if (r->cr_only < 0)
		r->cr_only = 0;
	if (r->cr_only)
		cr_to_lf(r->buf + r->pos, r->len - r->pos);
	if (tsv)
		r->sep = '\t';
	else if (commas)
		r->sep = ',';
	else if (semis > tabs && semis >= pipes)
		r->sep = ';';
	else if (tabs && tabs >= pipes)
		r->sep = '\t';
	else if (pipes)
		r->sep = '|';
	else if (started && ws_separated(r, line, off, diag))
		r->ws = 1, r->sep = ' ';
	else
		r->sep = ',';
	if (r->ws) { /* the bytes read so far, header included */
		r->ws_bol = r->ws_fs = 1;
		ws_squeeze(r, r->pos);
	}
	return DM_OK;
}

/*
 * Excel's optional first line "sep=X" (it writes one, and reads it, to
 * name the separator of a file made in a locale whose decimal mark is
 * ','): X separates the fields and the line is skipped, so that the
 * header is the line after it.  Returns X, or -1 when the data does not
 * start with such a line (then nothing is skipped).
 */
static int excel_sep_line(csv_reader *r)
{
	const unsigned char *p = r->buf + r->pos;
	size_t n = r->len - r->pos, k = 5;
	unsigned char x;

	if (n < 5 || strncasecmp((const char *)p, "sep=", 4) != 0)
		return -1;
	x = p[4];
	if (x == '"' || x == '\n' || x == '\r' || x == 0)
		return -1;
	if (k < n && p[k] == '\r')
		k++;
	if (k < n && p[k] == '\n')
		k++;
	else if (k == 5 && (k < n || !r->eof))
		return -1; /* more on the line, or not read yet */
	r->pos += k;
	return x;
}

typedef struct name_ix {
	const dm_strref *name;
	size_t ix;
} name_ix;

static int names_equal(const dm_strref *a, const dm_strref *b)
{
	return a->len == b->len && memcmp(a->ptr, b->ptr, a->len) == 0;
}

static int cmp_name_ix(const void *a, const void *b)
{
	const name_ix *x = a, *y = b;
	size_t n = x->name->len < y->name->len ? x->name->len : y->name->len;
	int c = memcmp(x->name->ptr, y->name->ptr, n);

	if (c)
		return c;
	if (x->name->len != y->name->len)
		return x->name->len < y->name->len ? -1 : 1;
	return x->ix < y->ix ? -1 : x->ix > y->ix;
}

/* Checks names for duplicate entries (empty ones were named already):
 * *dup_found set if there is one (read_header renames them). */
static dm_err check_names(const csv_reader *r, const dm_strref *names, size_t n,
			  int *dup_found, dm_diag *diag)
{
	name_ix *v;
	size_t i;

	v = malloc((n ? n : 1) * sizeof(*v));
	if (!v)
		return dm_diag_set(diag, DM_ENOMEM, r->base.src->name, 0, NULL,
				   "out of memory");
	for (i = 0; i < n; i++) {
		v[i].name = &names[i];
		v[i].ix = i;
	}
	qsort(v, n, sizeof(*v), cmp_name_ix);
	/* equal names sort together */
	for (i = 1; i < n && !*dup_found; i++)
		*dup_found = names_equal(v[i - 1].name, v[i].name);
	free(v);
	return DM_OK;
}

/* Header fields the first parse has room for (it grows to fit). */
#define HEADER_FIELDS 64
/* Room for "Unnamed: <column>". */
#define UNNAMED_SIZE 32
/* A header name allocated by name_unnamed (in hdr_fields.fix). */
#define NAME_ALLOCATED UINT32_MAX

/* The header record's fields while it is read. */
typedef struct hdr_fields {
	dm_strref *f;
	uint8_t *null;
	uint32_t *fix; /* parse_record's fix list, then NAME_ALLOCATED marks */
	size_t cap;
	size_t nnamed; /* fields whose fix entry is a mark */
} hdr_fields;

static void hdr_release(hdr_fields *h)
{
	for (size_t i = 0; i < h->nnamed; i++)
		if (h->fix[i] == NAME_ALLOCATED)
			free((char *)h->f[i].ptr);
	free(h->f);
	free(h->null);
	free(h->fix);
	*h = (hdr_fields){.cap = h->cap};
}

static dm_err hdr_alloc(const csv_reader *r, hdr_fields *h, dm_diag *diag)
{
	h->f = malloc(h->cap * sizeof(*h->f));
	h->null = malloc(h->cap);
	h->fix = malloc(h->cap * sizeof(*h->fix));
	if (!h->f || !h->null || !h->fix)
		return dm_diag_set(diag, DM_ENOMEM, r->base.src->name, 0, NULL,
				   "out of memory");
	return DM_OK;
}

static dm_err header_too_long(const csv_reader *r, int quote_hint,
			      dm_diag *diag)
{
	return dm_diag_set(diag, DM_ETOOBIG, r->base.src->name, 0, NULL,
			   "header: longer than %zu bytes (the limit)%s",
			   r->lim.max_record,
			   quote_hint ? "; is a quote unbalanced?" : "");
}

/* A header that parse_record rejected (REC_NUL or REC_QUOTE). */
static dm_err header_bad(const csv_reader *r, int rc, const rec_out *o,
			 dm_diag *diag)
{
	const char *file = r->base.src->name;

	if ((rc == REC_NUL &&
	     (size_t)(o->bad - r->buf) - r->pos > r->lim.max_record) ||
	    (rc == REC_QUOTE && r->len - r->pos > r->lim.max_record))
		/* as it would be reported with smaller reads */
		return header_too_long(r, rc == REC_QUOTE, diag);
	if (rc == REC_NUL)
		return dm_diag_set(diag, DM_EFORMAT, file, 0, NULL,
				   "header: binary data (NUL byte) — not a CSV "
				   "file? (at byte offset %llu)",
				   src_offset(r, o->bad));
	return dm_diag_set(diag, DM_EFORMAT, file, 0, NULL,
			   "header: unterminated quoted field (column %zu)",
			   o->nf + 1);
}

/*
 * Reads the header record into h, growing h until it fits: on success o
 * describes it and *next is where the data begins.
 */
static dm_err scan_header(csv_reader *r, hdr_fields *h, rec_out *o,
			  unsigned char **next, dm_diag *diag)
{
	int rc, full;
	dm_err err;

	for (;;) {
		if (!h->f && (err = hdr_alloc(r, h, diag)))
			return err;
		if (r->pos == r->len) {
			if (r->eof)
				return dm_diag_set(
					diag, DM_EEMPTY, r->base.src->name, 0,
					NULL,
					"no header row (the file has "
					"only blank lines)");
			if ((err = fill(r, 0, &full, diag)))
				return err;
			continue;
		}
		memset(o, 0, sizeof(*o));
		o->cell = h->f;
		o->null = h->null;
		o->stride = 1;
		o->maxf = h->cap;
		o->fix = h->fix;
		rc = parse_record(r, r->buf + r->pos, r->buf + r->len, r->eof,
				  o, next);
		if (rc == REC_MORE) {
			if (r->len - r->pos > r->lim.max_record)
				return header_too_long(r, o->in_quote, diag);
			if ((err = fill(r, 0, &full, diag)))
				return err;
			continue;
		}
		if (rc == REC_BLANK) {
			r->pos = (size_t)(*next - r->buf);
			continue;
		}
		if (rc != REC_OK)
			return header_bad(r, rc, o, diag);
		if ((size_t)(*next - r->buf) - r->pos > r->lim.max_record)
			return header_too_long(r, 0, diag);
		if (o->nf > MAX_COLUMNS)
			return dm_diag_set(diag, DM_ETOOBIG, r->base.src->name,
					   0, NULL,
					   "header: %zu columns, more than "
					   "the limit of %zu",
					   o->nf, MAX_COLUMNS);
		if (o->nf <= h->cap)
			return DM_OK;
		/* grow and parse again */
		hdr_release(h);
		h->cap = o->nf;
	}
}

/*
 * Names the empty header cells (the index column pandas writes, say) as
 * pandas does: "Unnamed: <0-based column>".
 */
static dm_err name_unnamed(const csv_reader *r, hdr_fields *h, size_t n,
			   dm_diag *diag)
{
	for (size_t i = 0; i < n; i++) {
		if (h->f[i].len == 0) {
			char *nm = malloc(UNNAMED_SIZE);

			if (!nm)
				return dm_diag_set(diag, DM_ENOMEM,
						   r->base.src->name, 0, NULL,
						   "out of memory");
			h->f[i].len = (uint32_t)snprintf(nm, UNNAMED_SIZE,
							 "Unnamed: %zu", i);
			h->f[i].ptr = nm;
			h->fix[i] = NAME_ALLOCATED;
		} else {
			h->fix[i] = 0;
		}
		h->nnamed = i + 1;
	}
	return DM_OK;
}

/* Copies the n names into r->base.names (all columns TEXT). */
static dm_err copy_names(csv_reader *r, const dm_strref *f, size_t n,
			 dm_diag *diag)
{
	const char *file = r->base.src->name;

	r->base.names = calloc(n, sizeof(char *));
	r->base.types = calloc(n, sizeof(dm_coltype));
	if (!r->base.names || !r->base.types)
		return dm_diag_set(diag, DM_ENOMEM, file, 0, NULL,
				   "out of memory");
	r->base.ncols = n;
	for (size_t i = 0; i < n; i++) {
		char *nm = malloc((size_t)f[i].len + 1);

		if (!nm)
			return dm_diag_set(diag, DM_ENOMEM, file, 0, NULL,
					   "out of memory");
		memcpy(nm, f[i].ptr, f[i].len);
		nm[f[i].len] = 0;
		r->base.names[i] = nm;
		r->base.types[i] = DM_COL_TEXT;
	}
	return DM_OK;
}

/* A name: in the header, and how many columns took it so far
 * (dedup_names). */
typedef struct name_count {
	const char *p;
	size_t len, count;
	int in_header;
} name_count;

/* The entry of name p[0..len) in t (cap a power of two); if it is not
 * there, added (count 0, pointing to p) when add, else NULL. */
static name_count *name_entry(name_count *t, size_t cap, const char *p,
			      size_t len, int add)
{
	uint64_t h = 1469598103934665603ull;
	size_t i;

	for (i = 0; i < len; i++)
		h = (h ^ (unsigned char)p[i]) * 1099511628211ull;
	for (i = (size_t)h & (cap - 1); t[i].p; i = (i + 1) & (cap - 1))
		if (t[i].len == len && memcmp(t[i].p, p, len) == 0)
			return &t[i];
	if (!add)
		return NULL;
	t[i].p = p;
	t[i].len = len;
	return &t[i];
}

/*
 * Renames duplicate column names as pandas' read_csv does: a repeat of
 * "a" becomes "a.1", the next "a.2", a suffix skipping names the header
 * has ("a", "a", "a.1" -> "a", "a.2", "a.1").  SQL joins export such
 * headers; the columns are kept, and the table `baseline` prints shows
 * their names.
 */
static dm_err dedup_names(const csv_reader *r, hdr_fields *h, size_t n,
			  dm_diag *diag)
{
	size_t cap = 16, i;
	name_count *t;
	dm_err err = DM_OK;

	while (cap < 4 * n)
		cap <<= 1;
	t = calloc(cap, sizeof(*t));
	if (!t)
		return dm_diag_set(diag, DM_ENOMEM, r->base.src->name, 0, NULL,
				   "out of memory");
	for (i = 0; i < n; i++)
		name_entry(t, cap, h->f[i].ptr, h->f[i].len, 1)->in_header = 1;
	for (i = 0; i < n; i++) {
		const char *p = h->f[i].ptr;
		size_t len = h->f[i].len, cur, k;
		name_count *base = name_entry(t, cap, p, len, 1), *e = base;
		char *made = NULL;

		for (cur = base->count; cur > 0;) {
			base->count = cur + 1;
			free(made);
			made = malloc(h->f[i].len + 24);
			if (!made) {
				err = dm_diag_set(diag, DM_ENOMEM,
						  r->base.src->name, 0, NULL,
						  "out of memory");
				goto out;
			}
			k = (size_t)snprintf(made, h->f[i].len + 24, "%.*s.%zu",
					     (int)h->f[i].len, h->f[i].ptr,
					     cur);
			e = name_entry(t, cap, made, k, 0);
			if (e && e->in_header) {
				cur++;
			} else {
				cur = e ? e->count : 0;
				p = made;
				len = k;
			}
		}
		if (made) {
			e = name_entry(t, cap, p, len, 1); /* made: kept */
			if (h->fix[i] == NAME_ALLOCATED)
				free((char *)h->f[i].ptr);
			h->f[i].ptr = made;
			h->f[i].len = (uint32_t)len;
			h->fix[i] = NAME_ALLOCATED;
		}
		e->count = cur + 1;
	}
out:
	free(t);
	return err;
}

/*
 * R's write.table (row names on, the default) writes each row's name
 * first but no name for that column in the header.  As pandas reads such
 * a file, the first data record having one field more than the header
 * makes the first column an unnamed index: here "Unnamed: 0", the name
 * of the index column pandas writes (ignored, as that one).  Reads the
 * first record, as much of it as a record may hold; changes nothing when
 * a column is already named so.
 */
static dm_err implicit_index(csv_reader *r, dm_diag *diag)
{
	size_t at = 0, n = r->base.ncols, i; /* at: from r->pos */
	unsigned char *next;
	char **names, *idx;
	dm_coltype *types;
	rec_out o;
	int rc, full;

	for (;;) {
		if (r->pos + at == r->len) {
			if (r->eof)
				return DM_OK; /* no data record */
			if (fill(r, 0, &full, diag) != DM_OK)
				return DM_OK; /* met again by the reader */
			continue;
		}
		memset(&o, 0, sizeof(o)); /* maxf 0: fields counted only */
		rc = parse_record(r, r->buf + r->pos + at, r->buf + r->len,
				  r->eof, &o, &next);
		if (rc == REC_BLANK) {
			at = (size_t)(next - r->buf) - r->pos;
			continue;
		}
		/* a record past the limit is the reader's error, whatever
		 * was read of it: decided on none */
		if (rc == REC_OK &&
		    (size_t)(next - r->buf) - (r->pos + at) > r->lim.max_record)
			return DM_OK;
		if (rc != REC_MORE)
			break;
		if (r->len - (r->pos + at) > r->lim.max_record)
			return DM_OK;
		if (fill(r, 0, &full, diag) != DM_OK)
			return DM_OK; /* met again by the reader */
	}
	if (rc != REC_OK || o.nf != n + 1)
		return DM_OK;
	for (i = 0; i < n; i++)
		if (strcmp(r->base.names[i], "Unnamed: 0") == 0)
			return DM_OK;
	idx = strdup("Unnamed: 0");
	names = realloc(r->base.names, (n + 1) * sizeof(*names));
	if (names)
		r->base.names = names;
	types = realloc(r->base.types, (n + 1) * sizeof(*types));
	if (types)
		r->base.types = types;
	if (!idx || !names || !types) {
		free(idx);
		return dm_diag_set(diag, DM_ENOMEM, r->base.src->name, 0, NULL,
				   "out of memory");
	}
	memmove(names + 1, names, n * sizeof(*names));
	memmove(types + 1, types, n * sizeof(*types));
	names[0] = idx;
	types[0] = DM_COL_TEXT;
	r->base.ncols = n + 1;
	return DM_OK;
}

/* Data records headerless() looks at, at most. */
#define NH_LINES 20

/* 1 if the cell is a plain number (a decimal comma in a ';' file), 2 if
 * an integer too; else 0. */
static int cell_is_number(const csv_reader *r, const dm_strref *c, int null)
{
	double x;

	if (null || c->len == 0 ||
	    dmio_parse_text_number(c->ptr, c->len, r->sep == ';', &x) != 0)
		return 0;
	return x == floor(x) ? 2 : 1;
}

int dmio_numbering(const double *x, size_t k, size_t ncols)
{
	double step;
	size_t i;

	for (i = 0; i < k; i++)
		if (x[i] != floor(x[i]))
			return 0;
	if (k == 1)
		return (x[0] >= 1800 && x[0] <= 2100) ||
		       (ncols == 1 && (x[0] == 0 || x[0] == 1));
	if (k < 2)
		return 0;
	step = x[1] - x[0];
	for (i = 2; i < k; i++)
		if (x[i] - x[i - 1] != step)
			return 0;
	return k == 2 ? step == 1.0 : step != 0.0;
}

/* 1 if the numbers of the header cells hnum marks (in v, room for nf)
 * are a numbering (dmio_numbering). */
static int numbered_header(const csv_reader *r, const dm_strref *f,
			   const uint8_t *hnum, size_t nf, double *v)
{
	size_t j, k = 0;

	for (j = 0; j < nf; j++)
		if (hnum[j] &&
		    dmio_parse_text_number(f[j].ptr, f[j].len, r->sep == ';',
					   &v[k]) == 0)
			k++;
	return dmio_numbering(v, k, nf);
}

/* 1 if a cell of the header record is a number (else it is a header:
 * the common case, decided without looking further).  Cells are looked
 * at as stored, not unescaped: a cell with a "" escape is no number
 * either way, and the record stays as read (it may be row 1). */
static int header_has_number(const csv_reader *r, const hdr_fields *h,
			     size_t nf)
{
	for (size_t j = 0; j < nf && j < h->cap; j++)
		if (cell_is_number(r, &h->f[j], h->null[j]))
			return 1;
	return 0;
}

/*
 * Whether the first record (o, its fields h->f) is data, not a header:
 * a file written without one (R's write.table(col.names = FALSE), the UCI
 * repository's .data files, pandas' to_csv(header=False)).  Looks at the
 * records after it that end before lim (nh_buffer; up to NH_LINES, of as
 * many fields): two or more columns hold only numbers there, and the
 * first record has a number in every such column (a header names a
 * column with a word), not a fraction over integers, and its numbers are
 * not a numbering (numbered_header).  Text columns say nothing; pandas'
 * "Unnamed: 0" says header.  (One column of numbers is too little to
 * tell: "name,3" over "x,4" stays a header.)  Reads nothing more;
 * changes nothing.  Returns 1, 0 or -1 (no memory).
 */
static int headerless(const csv_reader *r, const hdr_fields *h,
		      const rec_out *o, unsigned char *data,
		      const unsigned char *lim)
{
	size_t nf = o->nf, j, recs = 0, numcols = 0;
	uint8_t *hnum, *nul;
	uint32_t *cnt, *fix;
	dm_strref *cell;
	double *hv;
	unsigned char *p = data, *next;
	int ret = 0;

	hnum = calloc(nf, 1);
	nul = malloc(nf);
	/* numbers, other text, fractions */
	cnt = calloc(3 * nf, sizeof(*cnt));
	fix = malloc(nf * sizeof(*fix));
	cell = malloc(nf * sizeof(*cell));
	hv = malloc(nf * sizeof(*hv));
	if (!hnum || !nul || !cnt || !fix || !cell || !hv) {
		ret = -1;
		goto out;
	}
	for (j = 0; j < nf; j++) {
		hnum[j] = (uint8_t)cell_is_number(r, &h->f[j], h->null[j]);
		if (h->f[j].len >= 9 && !memcmp(h->f[j].ptr, "Unnamed: ", 9))
			goto out; /* pandas' name of its index: a header */
	}
	while (recs < NH_LINES && p < lim) {
		rec_out d;
		int rc;

		memset(&d, 0, sizeof(d));
		d.cell = cell;
		d.null = nul;
		d.stride = 1;
		d.maxf = nf;
		d.fix = fix;
		rc = parse_record(r, p, r->buf + r->len, r->eof, &d, &next);
		if (rc == REC_BLANK && next > p && next <= lim) {
			p = next;
			continue;
		}
		if (rc != REC_OK || d.nf != nf || next <= p || next > lim)
			break;
		for (j = 0; j < nf; j++) {
			if (nul[j] || cell[j].len == 0)
				continue;
			switch (cell_is_number(r, &cell[j], 0)) {
			case 1:
				cnt[2 * nf + j]++;
				/* fall through */
			case 2:
				cnt[j]++;
				break;
			default:
				cnt[nf + j]++;
			}
		}
		recs++;
		p = next;
	}
	for (j = 0; j < nf && recs > 0; j++) {
		if (!cnt[j] || cnt[nf + j])
			continue; /* not a column of numbers */
		/* a name over numbers, or a fraction over integers (the
		 * quantile 0.5 over counts): a header */
		if (!hnum[j] || (hnum[j] == 1 && !cnt[2 * nf + j]))
			goto out;
		numcols++;
	}
	ret = numcols >= 2 && !numbered_header(r, h->f, hnum, nf, hv);
out:
	free(hnum);
	free(nul);
	free(cnt);
	free(fix);
	free(cell);
	free(hv);
	return ret;
}

/*
 * Buffers what headerless() looks at: the NH_LINES lines after the header
 * record (hdr bytes from r->pos), or what there is, or max_record bytes
 * of them; *lim = where that ends, in bytes from r->pos.  The same bytes
 * whatever the read size (so the same decision).  The buffer may move.
 */
static dm_err nh_buffer(csv_reader *r, size_t hdr, size_t *lim, dm_diag *diag)
{
	for (;;) {
		const unsigned char *b = r->buf + r->pos, *nl;
		size_t n = r->len - r->pos, i = hdr, lines = 0;
		int full;
		dm_err err;

		while (lines < NH_LINES && i < n &&
		       (nl = memchr(b + i, '\n', n - i))) {
			i = (size_t)(nl - b) + 1;
			lines++;
		}
		if (lines == NH_LINES || r->eof ||
		    n - hdr > r->lim.max_record) {
			if (lines < NH_LINES)
				i = n;
			*lim = i - hdr > r->lim.max_record
				       ? hdr + r->lim.max_record
				       : i;
			return DM_OK;
		}
		if ((err = fill(r, 0, &full, diag)) != DM_OK)
			return err;
	}
}

/* Names the columns of a file without a header column_1, column_2, ... */
static dm_err number_columns(csv_reader *r, size_t nf, dm_diag *diag)
{
	dm_strref *f = malloc(nf * sizeof(*f));
	char *buf = malloc(nf * 32);
	dm_err err;

	if (!f || !buf) {
		free(f);
		free(buf);
		return dm_diag_set(diag, DM_ENOMEM, r->base.src->name, 0, NULL,
				   "out of memory");
	}
	for (size_t j = 0; j < nf; j++) {
		f[j].ptr = buf + 32 * j;
		f[j].len = (uint32_t)snprintf(buf + 32 * j, 32, "column_%zu",
					      j + 1);
	}
	err = copy_names(r, f, nf, diag);
	free(f);
	free(buf);
	return err;
}

/* Parses the header record into r->base.names. */
static dm_err read_header(csv_reader *r, dm_diag *diag)
{
	hdr_fields h = {.cap = HEADER_FIELDS};
	unsigned char *next;
	rec_out o;
	int dup = 0, nh = 0;
	size_t lim = 0;
	dm_err err;

	memset(&o, 0, sizeof(o));
	if ((err = scan_header(r, &h, &o, &next, diag)))
		goto out;
	if (header_has_number(r, &h, o.nf)) {
		/* the data after it buffered, then the header parsed again
		 * (its cells may have moved) */
		err = nh_buffer(r, (size_t)(next - r->buf) - r->pos, &lim,
				diag);
		if (err == DM_OK)
			err = scan_header(r, &h, &o, &next, diag);
		if (err)
			goto out;
		nh = headerless(r, &h, &o, next, r->buf + r->pos + lim);
		if (nh < 0) {
			err = dm_diag_set(diag, DM_ENOMEM, r->base.src->name, 0,
					  NULL, "out of memory");
			goto out;
		}
	}
	if (nh) { /* the record is the first row: read from it */
		r->base.no_header = 1;
		err = number_columns(r, o.nf, diag);
		goto out;
	}
	apply_fixes(&o);
	r->pos = (size_t)(next - r->buf);
	if ((err = name_unnamed(r, &h, o.nf, diag)))
		goto out;
	err = check_names(r, h.f, o.nf, &dup, diag);
	if (err == DM_OK && dup)
		err = dedup_names(r, &h, o.nf, diag);
	if (err)
		goto out;
	err = copy_names(r, h.f, o.nf, diag);
	if (err == DM_OK)
		err = implicit_index(r, diag);
out:
	hdr_release(&h);
	return err;
}

/* ------------------------------------------------------------------ */
/* Batches                                                             */
/* ------------------------------------------------------------------ */

static const char *col_name(const csv_reader *r, size_t j)
{
	return j < r->base.ncols ? r->base.names[j] : NULL;
}

/* Fills in r->batch from the nrows rows built. */
static void finish_batch(csv_reader *r, size_t nrows)
{
	size_t j, br = r->batch_rows;

	for (j = 0; j < r->base.ncols; j++) {
		dm_column *c = &r->cols[j];
		uint8_t *nl = r->nulls + j * br;

		c->type = DM_COL_TEXT;
		c->f64 = NULL;
		c->str = r->cells + j * br;
		if (r->keep && !r->keep[j]) {
			memset(nl, 1, nrows);
			c->null = nl;
		} else {
			c->null = memchr(nl, 1, nrows) ? nl : NULL;
		}
	}
	r->batch.nrows = nrows;
	r->batch.ncols = r->base.ncols;
	r->batch.cols = r->cols;
	r->batch.first_row = r->rownums[0];
	r->batch.row_numbers =
		r->rownums[nrows - 1] - r->rownums[0] + 1 == nrows ? NULL
								   : r->rownums;
	r->base.rows_read += nrows;
}

/* ------------------------------------------------------------------ */
/* Parallel tokenising                                                 */
/* ------------------------------------------------------------------ */

/*
 * With several threads, the first rows of a batch are tokenised in
 * pieces.  The batch's rows are shared out, per rows to a piece; every
 * piece but the first starts after the per-th newline past the start of
 * the last, and writes its cells where its rows belong in the batch (so
 * that they are not copied, unless the pieces before it held fewer rows
 * than lines: blank lines, skipped records).  Each start is a guess (a
 * newline may sit inside a quoted field), and the guess is checked
 * rather than computed: a piece parses whole records from its start
 * until it reaches the next piece's start.
 * The first piece starts at a true record boundary, so its records are
 * those the sequential reader finds; if it ends exactly at the second
 * piece's start, that start is a true boundary too, and so on.  Pieces
 * are taken in order while this holds; the rows of the first piece that
 * fails it (a guess inside quotes, a record the reader has to report or
 * read further for) are dropped and the sequential loop carries on from
 * the end of the last piece taken.  Every error, long record and short
 * read is therefore handled by the sequential code, with the same row
 * numbers and messages, and a batch holds the same rows whatever the
 * number of threads.  Pieces never modify the buffer: the "" escapes of
 * the rows taken are undone after the check.  Like the sequential loop,
 * a piece converts each unquoted cell while its bytes are in cache
 * (dmio_csv_prenum): the same values, beside the cells.
 *
 * The pieces run on threads the reader starts per batch (csv_next), or,
 * with dmio_csv_split_begin/_run/_end, as tasks of the caller's thread
 * pool beside its other work: dm_profile_add_reader tokenises batch k+1
 * in pieces while its threads profile batch k, so that no one thread
 * carries the whole read (the 1M x 51 bench CSV on 2 threads: the read
 * was 1.09 s of the main thread against 0.53 s of column work on the
 * other, each round waiting for the read).
 */

/* Bytes per piece below which a batch is tokenised on one thread: a
 * thread started and joined per batch costs more than it saves on the
 * default batches (about 1 MiB: 65,536 cells), whose tokenising takes
 * under a millisecond, and on a loaded machine each join can wait a time
 * slice (the 1M x 51 bench file read on 2 threads in 0.5 MiB pieces:
 * wall 1.1-1.5 s against 0.6-1.3 s on one, load 5-6).  Batches of wide
 * or long cells (or a caller's large batch_rows) are cut. */
#define PIECE_MIN  ((size_t)1 << 20)
#define MAX_PIECES 64
/* Bytes read ahead at most (dmio_csv_prefetch). */
#define AHEAD_MAX ((size_t)16 << 20)
/* The same bound for pieces run by a caller's threads
 * (dmio_csv_split_begin), which cost no thread start: a default batch is
 * cut in two. */
#define SPLIT_MIN ((size_t)64 << 10)

typedef struct csv_piece {
	const csv_reader *r;
	unsigned char *start, *stop; /* parse from start to a record end
				      * at or past stop */
	size_t row0;		     /* its first row in the batch */
	size_t cap, stride;	     /* rows it may hold; cell stride */
	/* the batch's own arrays from row row0 on (stride batch_rows):
	 * a piece's rows are tokenised where they belong, not copied */
	dm_strref *cells;
	uint8_t *nulls;
	double *num;		/* dmio_parse_num, r->pre from row row0 */
	uint64_t *recno;	/* record number (from 1 in the piece) */
	unsigned char **rowend; /* where each row's record ends */
	uint32_t *tmpfix;	/* ncols: parse_record's fix list */
	size_t *fix;		/* cells (j * stride + i) to unescape */
	size_t nfix, fixcap;
	size_t nrows;
	uint64_t nrec;	    /* records: rows + skipped (lenient) */
	uint64_t skip1;	    /* the first skipped record (0: none) */
	size_t skip1_nf;    /* its field count */
	unsigned char *end; /* where parsing stopped */
} csv_piece;

/* 1 if the record in o, of ncols fields, repeats the header: every field
 * the column's name (files joined with `cat a.csv b.csv`; a UTF-8 BOM
 * before the first is allowed).  The first field decides most rows. */
static int repeats_header(const csv_reader *r, const rec_out *o, size_t ncols)
{
	char tmp[256];
	size_t j, k;

	for (j = 0; j < ncols; j++) {
		const dm_strref *c = &o->cell[j * o->stride];
		const char *nm = r->base.names[j], *v = c->ptr;
		size_t len = c->len;

		/* a field to unescape is compared as its value ("a""b" as
		 * a"b), as the reader delivers it */
		for (k = 0; k < o->nfix && o->fix[k] != j; k++)
			;
		if (k < o->nfix) {
			if (len > sizeof(tmp))
				return 0; /* no name compared is that long */
			memcpy(tmp, v, len);
			len = unescape_field(tmp, (uint32_t)len);
			v = tmp;
		}
		if (j == 0 && len >= 3 && !memcmp(v, "\xEF\xBB\xBF", 3)) {
			v += 3;
			len -= 3;
		}
		if (len == 0 || v[0] != nm[0] || strlen(nm) != len ||
		    memcmp(nm, v, len) != 0)
			return 0;
	}
	return 1;
}

static void *piece_run(void *arg)
{
	csv_piece *k = arg;
	const csv_reader *r = k->r;
	const unsigned char *end = r->buf + r->len;
	size_t ncols = r->base.ncols, i;
	unsigned char *p = k->start, *next;
	rec_out o;
	int rc;

	memset(&o, 0, sizeof(o));
	while (p < k->stop && k->nrows < k->cap) {
		o.cell = k->cells + k->nrows;
		o.null = k->nulls + k->nrows;
		o.num = k->num + k->nrows;
		o.stride = k->stride;
		o.maxf = ncols;
		o.fix = k->tmpfix;
		o.nfix = 0;
		rc = parse_record(r, p, end, r->eof, &o, &next);
		if (rc == REC_BLANK) {
			p = next;
			continue;
		}
		/* anything to report, skip or read further for: sequential */
		if (rc != REC_OK || (size_t)(next - p) > r->lim.max_record ||
		    (o.nf != ncols && !r->lenient) ||
		    (o.nf == ncols && repeats_header(r, &o, ncols)))
			break;
		if (o.nf != ncols) {
			if (!k->skip1) {
				k->skip1 = k->nrec + 1;
				k->skip1_nf = o.nf;
			}
			k->nrec++;
			p = next;
			continue;
		}
		if (k->nfix + o.nfix > k->fixcap) {
			size_t ncap = 2 * (k->nfix + o.nfix) + 16;
			size_t *nf = realloc(k->fix, ncap * sizeof(*nf));

			if (!nf)
				break;
			k->fix = nf;
			k->fixcap = ncap;
		}
		for (i = 0; i < o.nfix; i++)
			k->fix[k->nfix++] =
				(size_t)o.fix[i] * k->stride + k->nrows;
		k->nrec++;
		k->recno[k->nrows] = k->nrec;
		k->rowend[k->nrows] = next;
		k->nrows++;
		p = next;
	}
	k->end = p;
	return NULL;
}

/* Allocates the row arrays of piece k (its cells are the batch's). */
static int piece_alloc(csv_reader *r, size_t k)
{
	csv_piece *pc = &r->pieces[k];
	size_t br = r->batch_rows;

	if (pc->recno)
		return 0;
	pc->recno = malloc(br * sizeof(*pc->recno));
	pc->rowend = malloc(br * sizeof(*pc->rowend));
	pc->tmpfix = malloc(r->base.ncols * sizeof(*pc->tmpfix));
	return pc->recno && pc->rowend && pc->tmpfix ? 0 : -1;
}

static void pieces_free(csv_reader *r)
{
	size_t k;

	for (k = 0; r->pieces && k < MAX_PIECES; k++) {
		csv_piece *pc = &r->pieces[k];

		free(pc->recno);
		free(pc->rowend);
		free(pc->tmpfix);
		free(pc->fix);
	}
	free(r->pieces);
}

typedef struct piece_job {
	csv_piece *pc;
	size_t n, first, step;
} piece_job;

static void *piece_job_run(void *arg)
{
	piece_job *j = arg;
	size_t k;

	for (k = j->first; k < j->n; k += j->step)
		piece_run(&j->pc[k]);
	return NULL;
}

/* Where the n-th (n >= 1) '\n' in [p, end) ends, or NULL. */
static unsigned char *after_newlines(unsigned char *p, unsigned char *end,
				     size_t n)
{
#if defined(__SSE2__)
	const __m128i vn = _mm_set1_epi8('\n');

	while (end - p >= 16) {
		unsigned m = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(
			_mm_loadu_si128((const __m128i *)(const void *)p), vn));

		/* a newline or so in 16 bytes: counted one by one (no
		 * popcount instruction in the base x86-64 set) */
		for (; m; m &= m - 1)
			if (--n == 0)
				return p + __builtin_ctz(m) + 1;
		p += 16;
	}
#endif
	for (; p < end; p++)
		if (*p == '\n' && --n == 0)
			return p + 1;
	return NULL;
}

/*
 * Cuts the first rows of a batch into at most nt pieces (see above) of
 * at least min_piece bytes (r->piece_bytes, when set, fixes their size).
 * Piece k takes rows [k * per, (k + 1) * per) of the batch: it starts
 * after the (k * per)-th line end and writes its cells into the batch's
 * own arrays at row k * per, so that nothing is copied when each line is
 * a record (no blank lines, no line ends inside quotes; par_take moves
 * the rows, or the sequential loop reads on, when they are not).
 * Called with no row built and r->pos == 0; returns the pieces to run,
 * 0 when the batch is better read by the sequential loop alone.  Errors
 * are left to that loop.
 */
static size_t par_setup(csv_reader *r, size_t nt, size_t min_piece,
			dm_diag *diag)
{
	size_t br = r->batch_rows, want, region, np, k, piece, per;
	unsigned char *base;
	int full;

	if ((nt < 2 && !r->piece_bytes) || !r->pieces)
		return 0;
	/* The bytes of about a batch: from the last batch's record size,
	 * or what is buffered for the first. */
	want = r->avg_rec ? (size_t)(r->avg_rec * (double)br * 1.02) +
				    4 * r->avg_rec
			  : 0;
	if (4 * want + 4 * r->lim.block_size >= r->lim.batch_bytes)
		return 0; /* near the batch limit: as the sequential reader */
	while (!r->eof && r->len - r->pos < want)
		if (fill(r, 0, &full, diag) != DM_OK)
			return 0; /* reported again by the sequential loop */
	region = r->len - r->pos;
	if (want && region > want)
		region = want;
	piece = r->piece_bytes ? r->piece_bytes : region / (nt ? nt : 1);
	if (piece < (r->piece_bytes ? 1 : min_piece))
		return 0;
	np = (region + piece - 1) / piece;
	if (np > MAX_PIECES)
		np = MAX_PIECES;
	if (np == 0 || (np < 2 && !r->piece_bytes))
		return 0;
	per = (br + np - 1) / np; /* rows a piece */
	np = (br + per - 1) / per;
	base = r->buf + r->pos;
	/* Piece starts: after every per-th line end. */
	r->pieces[0].start = base;
	for (k = 1; k < np; k++) {
		unsigned char *s = after_newlines(r->pieces[k - 1].start,
						  base + region, per);

		if (!s || s >= base + region)
			break;
		r->pieces[k].start = s;
	}
	np = k;
	for (k = 0; k < np; k++) {
		csv_piece *pc = &r->pieces[k];

		if (piece_alloc(r, k) < 0)
			return 0;
		/* the batch's own arrays (of this slot), from its row */
		pc->row0 = k * per;
		pc->cap = k + 1 < np ? per : br - pc->row0;
		pc->stride = br;
		pc->cells = r->cells + pc->row0;
		pc->nulls = r->nulls + pc->row0;
		pc->num = r->pre + pc->row0;
		pc->r = r;
		pc->stop = k + 1 < np ? r->pieces[k + 1].start : base + region;
		pc->nrows = 0;
		pc->nrec = 0;
		pc->nfix = 0;
		pc->skip1 = 0;
		pc->end = pc->start;
	}
	return np;
}

/* Runs pieces [0, np) on nt threads (this one and nt - 1 started). */
static void par_run(csv_reader *r, size_t np, size_t nt)
{
	pthread_t tid[8];
	int started[8] = {0};
	piece_job jobs[8];
	size_t k;

	if (nt > np)
		nt = np;
	if (nt < 1)
		nt = 1;
	for (k = 0; k < nt; k++) {
		jobs[k].pc = r->pieces;
		jobs[k].n = np;
		jobs[k].first = k;
		jobs[k].step = nt;
	}
	for (k = 1; k < nt; k++)
		started[k] = pthread_create(&tid[k], NULL, piece_job_run,
					    &jobs[k]) == 0;
	piece_job_run(&jobs[0]);
	for (k = 1; k < nt; k++) {
		if (started[k])
			pthread_join(tid[k], NULL);
		else
			piece_job_run(&jobs[k]);
	}
}

/* Takes the pieces run, in order, while each starts where the last
 * ended; returns the rows taken, from the start of the batch. */
static size_t par_take(csv_reader *r, size_t np)
{
	size_t br = r->batch_rows, ncols = r->base.ncols, k, row = 0;
	unsigned char *last_end = r->pieces[0].start;
	uint64_t recs = 0, skips = 0;

	for (k = 0; k < np && row < br; k++) {
		csv_piece *pc = &r->pieces[k];
		size_t n = pc->nrows, i, j;
		uint64_t nrec = pc->nrec;

		if (pc->start != last_end)
			break;
		if (n > br - row) { /* the batch is full within this piece */
			n = br - row;
			nrec = pc->recno[n - 1];
		}
		if (row != pc->row0) { /* the pieces before held fewer */
			for (j = 0; j < ncols; j++) {
				memmove(r->cells + j * br + row,
					r->cells + j * br + pc->row0,
					n * sizeof(*r->cells));
				memmove(r->nulls + j * br + row,
					r->nulls + j * br + pc->row0, n);
				memmove(r->pre + j * br + row,
					r->pre + j * br + pc->row0,
					n * sizeof(*r->pre));
			}
		}
		for (i = 0; i < pc->nfix; i++) {
			size_t j2 = pc->fix[i] / pc->stride;
			size_t i2 = pc->fix[i] % pc->stride;
			dm_strref *c = &r->cells[j2 * br + row + i2];

			if (i2 < n)
				c->len = unescape_field((char *)c->ptr, c->len);
		}
		for (i = 0; i < n; i++)
			r->rownums[row + i] = r->records + recs + pc->recno[i];
		if (pc->skip1 && pc->skip1 <= nrec &&
		    r->base.rows_skipped + skips == 0)
			snprintf(r->base.skip_example,
				 sizeof(r->base.skip_example),
				 "row %llu: expected %zu fields, found %zu",
				 (unsigned long long)(r->records + recs +
						      pc->skip1),
				 ncols, pc->skip1_nf);
		skips += nrec - n;
		recs += nrec;
		row += n;
		last_end = n < pc->nrows ? pc->rowend[n - 1] : pc->end;
		if (n < pc->nrows)
			break;
	}
	r->records += recs;
	r->rows_pieced += row;
	r->base.rows_skipped += skips;
	r->pos = (size_t)(last_end - r->buf);
	return row;
}

/* The first rows of a batch tokenised in pieces on the reader's own
 * threads; returns the rows taken (see par_setup). */
static size_t par_batch(csv_reader *r, dm_diag *diag)
{
	size_t nt = r->threads > 8 ? 8 : r->threads;
	size_t np = par_setup(r, nt, PIECE_MIN, diag);

	if (np == 0)
		return 0;
	par_run(r, np, nt);
	return par_take(r, np);
}

/* Saves the current batch state in slot[cur].  Not its batch: csv_next
 * stored that copy when it returned it, and the caller may be reading it
 * on another thread (dm_profile_add_reader's reading ahead) while this
 * call prepares the next batch: writing it again, even with the same
 * bytes, would be a data race. */
static void slot_save(csv_reader *r)
{
	struct csv_slot *s = &r->slot[r->cur];

	s->buf = r->buf;
	s->cap = r->cap;
	s->cols = r->cols;
	s->cells = r->cells;
	s->nulls = r->nulls;
	s->rownums = r->rownums;
}

/*
 * Kept batches: instead of compacting, starts the next batch in the other
 * slot, with the unconsumed bytes copied to the front of its buffer; the
 * last batch and its bytes stay where they are until the call after.
 */
static dm_err slot_switch(csv_reader *r, dm_diag *diag)
{
	size_t tail = r->len - r->pos;
	struct csv_slot *o = &r->slot[!r->cur];

	if (o->cap < tail || !o->buf) {
		size_t ncap = tail > r->cap ? tail : r->cap;
		unsigned char *nb = malloc(ncap + BUF_PAD);

		if (!nb)
			return dm_diag_set(diag, DM_ENOMEM, r->base.src->name,
					   0, NULL, "out of memory");
		free(o->buf);
		o->buf = nb;
		o->cap = ncap;
	}
	memcpy(o->buf, r->buf + r->pos, tail);
	slot_save(r);
	r->cur = !r->cur;
	r->buf = o->buf;
	r->cap = o->cap;
	r->len = tail;
	r->pos = 0;
	r->buf[r->len] = 0;
	r->batch = o->batch;
	r->cols = o->cols;
	r->cells = o->cells;
	r->nulls = o->nulls;
	r->rownums = o->rownums;
	r->pre = r->pre_arr[r->cur];
	return DM_OK;
}

/* The start of a batch: the last one's bytes released (or left in their
 * slot).  r->done: there is none. */
static dm_err batch_start(csv_reader *r, dm_diag *diag)
{
	dm_err err;

	if (r->failed)
		return dm_diag_set(diag, r->failed, r->base.src->name, 0, NULL,
				   "the read failed earlier");
	if (r->done)
		return DM_OK;
	if (!r->base.batches_kept) {
		compact(r); /* the last batch's bytes are no longer needed */
	} else if ((err = slot_switch(r, diag)) != DM_OK) {
		r->failed = err;
		return err;
	}
	return DM_OK;
}

/* The hint of a training row's wrong field count: the first row wider
 * than the header by more than a row name is a title or a note above
 * the header, most often; a row of one field that starts with '#' a
 * comment line (numpy's savetxt, GDAL's tables). */
static const char *ragged_hint(const csv_reader *r, const rec_out *o,
			       size_t ncols)
{
	if (r->records == 1 && o->nf > ncols + 1)
		return " (is the first line a title or a note, not the "
		       "header?)";
	if (o->nf == 1 && o->cell[0].len > 0 && o->cell[0].ptr[0] == '#')
		return " (a comment line? lines that start with '#' are "
		       "read as rows: remove them)";
	return "";
}

/* The rest of a batch whose first row rows the pieces took: record by
 * record, with every error, long record and short read. */
static dm_err batch_rest(csv_reader *r, size_t row, dm_batch **out,
			 dm_diag *diag)
{
	dm_reader *base = &r->base;
	const char *file = base->src->name;
	size_t ncols = base->ncols, br = r->batch_rows;
	unsigned char *next;
	dm_err err = DM_OK;
	rec_out o;
	int rc, full;

	memset(&o, 0, sizeof(o));
	while (row < br) {
		if (r->pos == r->len) {
			if (r->eof) {
				r->done = 1;
				break;
			}
			err = fill(r, row, &full, diag);
			if (err)
				goto out;
			if (full)
				break;
			continue;
		}
		o.cell = r->cells + row;
		o.null = r->nulls + row;
		o.num = r->pre + row;
		o.stride = br;
		o.maxf = ncols;
		o.fix = r->fix;
		o.nfix = 0;
		rc = parse_record(r, r->buf + r->pos, r->buf + r->len, r->eof,
				  &o, &next);
		if (rc == REC_OK) {
			r->records++;
			if ((size_t)(next - r->buf) - r->pos >
			    r->lim.max_record) {
				err = dm_diag_set(diag, DM_ETOOBIG, file,
						  r->records, NULL,
						  "longer than %zu bytes (the "
						  "limit)",
						  r->lim.max_record);
				goto out;
			}
			r->pos = (size_t)(next - r->buf);
			if (o.nf == ncols && repeats_header(r, &o, ncols)) {
				if (base->rows_header++ == 0)
					base->header_row1 = r->records;
				continue;
			}
			if (o.nf == ncols) {
				apply_fixes(&o);
				r->rownums[row++] = r->records;
				if (r->pos > r->lim.batch_bytes)
					break; /* enough bytes in this batch */
				continue;
			}
			if (!r->lenient) {
				err = dm_diag_set(diag, DM_EFORMAT, file,
						  r->records, NULL,
						  "expected %zu fields, found "
						  "%zu%s",
						  ncols, o.nf,
						  ragged_hint(r, &o, ncols));
				goto out;
			}
			if (base->rows_skipped++ == 0)
				snprintf(base->skip_example,
					 sizeof(base->skip_example),
					 "row %llu: expected %zu fields, "
					 "found %zu",
					 (unsigned long long)r->records, ncols,
					 o.nf);
			continue;
		}
		if (rc == REC_BLANK) {
			r->pos = (size_t)(next - r->buf);
			continue;
		}
		if (rc == REC_MORE) {
			if (r->len - r->pos > r->lim.max_record) {
				err = dm_diag_set(diag, DM_ETOOBIG, file,
						  r->records + 1, NULL,
						  "longer than %zu bytes (the "
						  "limit)%s",
						  r->lim.max_record,
						  o.in_quote ? "; is a quote "
							       "unbalanced?"
							     : "");
				goto out;
			}
			err = fill(r, row, &full, diag);
			if (err)
				goto out;
			if (full)
				break;
			continue;
		}
		if ((rc == REC_NUL &&
		     (size_t)(o.bad - r->buf) - r->pos > r->lim.max_record) ||
		    (rc == REC_QUOTE && r->len - r->pos > r->lim.max_record)) {
			/* the error smaller reads would have met first */
			err = dm_diag_set(diag, DM_ETOOBIG, file,
					  r->records + 1, NULL,
					  "longer than %zu bytes (the limit)%s",
					  r->lim.max_record,
					  rc == REC_QUOTE ? "; is a quote "
							    "unbalanced?"
							  : "");
			goto out;
		}
		if (rc == REC_NUL) {
			err = dm_diag_set(diag, DM_EFORMAT, file,
					  r->records + 1, col_name(r, o.nf),
					  "binary data (NUL byte) — not a CSV "
					  "file? (at byte offset %llu)",
					  src_offset(r, o.bad));
			goto out;
		}
		assert(rc == REC_QUOTE);
		err = dm_diag_set(diag, DM_EFORMAT, file, 0, col_name(r, o.nf),
				  "unterminated quoted field starting at row "
				  "%llu",
				  (unsigned long long)(r->records + 1));
		if (diag)
			diag->row = r->records + 1;
		goto out;
	}
	if (row > 0) {
		r->avg_rec = (r->pos + row - 1) / row;
		finish_batch(r, row);
		*out = &r->batch;
		if (base->batches_kept) { /* its own copy, kept with the slot */
			r->slot[r->cur].batch = r->batch;
			*out = &r->slot[r->cur].batch;
		}
	}
out:
	if (err)
		r->failed = err;
	return err;
}

static dm_err csv_next(dm_reader *base, dm_batch **out, dm_diag *diag)
{
	csv_reader *r = (csv_reader *)base;
	dm_err err;

	*out = NULL;
	if ((err = batch_start(r, diag)) != DM_OK || r->done)
		return err;
	return batch_rest(r, r->pieces ? par_batch(r, diag) : 0, out, diag);
}

static dm_err csv_project(dm_reader *base, const uint8_t *keep)
{
	csv_reader *r = (csv_reader *)base;

	if (!keep) {
		free(r->keep);
		r->keep = NULL;
		return DM_OK;
	}
	if (!r->keep) {
		r->keep = malloc(base->ncols ? base->ncols : 1);
		if (!r->keep)
			return DM_ENOMEM;
	}
	memcpy(r->keep, keep, base->ncols);
	return DM_OK;
}

static void csv_free(dm_reader *base)
{
	csv_reader *r = (csv_reader *)base;
	size_t j;

	if (!r)
		return;
	if (base->names)
		for (j = 0; j < base->ncols; j++)
			free(base->names[j]);
	free(base->names);
	free(base->types);
	if (base->batches_kept) {
		struct csv_slot *o = &r->slot[!r->cur];

		free(o->buf);
		free(o->cols);
		free(o->cells);
		free(o->nulls);
		free(o->rownums);
	}
	free(r->buf);
	free(r->cols);
	free(r->cells);
	free(r->nulls);
	free(r->rownums);
	free(r->pre_arr[0]);
	free(r->pre_arr[1]);
	free(r->fix);
	free(r->keep);
	free(r->ahead);
	pieces_free(r);
	dm_source_close(base->src);
	free(r);
}

static const dm_reader_ops csv_ops = {
	.format = "csv",
	.next = csv_next,
	.project = csv_project,
	.free = csv_free,
};

dm_err dmio_csv_reader_open_ex(dm_source *src, const dm_reader_opts *opts,
			       const dmio_csv_tuning *tuning, dm_reader **out,
			       dm_diag *diag)
{
	csv_reader *r = NULL;
	size_t ncols, br, cells;
	const unsigned char *nul;
	const char *env;
	dm_err err = DM_OK;
	int full, xsep;

	*out = NULL;
	if (!src)
		return dm_diag_set(diag, DM_EINVAL, NULL, 0, NULL,
				   "no input source");
	r = calloc(1, sizeof(*r));
	if (!r) {
		err = dm_diag_set(diag, DM_ENOMEM, src->name, 0, NULL,
				  "out of memory");
		goto out;
	}
	r->base.ops = &csv_ops;
	r->base.src = src;
	src = NULL;
	if (tuning)
		r->lim = *tuning;
	if (!r->lim.block_size)
		r->lim.block_size = DMIO_CSV_BLOCK_SIZE;
	if (!r->lim.max_record || r->lim.max_record > ((size_t)1 << 31))
		r->lim.max_record = DMIO_CSV_MAX_RECORD;
	if (!r->lim.batch_bytes)
		r->lim.batch_bytes = DMIO_CSV_BATCH_BYTES;
	if (!r->lim.sniff_bytes)
		r->lim.sniff_bytes = DMIO_CSV_SNIFF_BYTES;
	r->lenient = opts ? opts->lenient : 0;
	r->cr_only = -1;

	r->cap = 2 * r->lim.block_size;
	r->buf = malloc(r->cap + BUF_PAD);
	if (!r->buf) {
		err = dm_diag_set(diag, DM_ENOMEM, r->base.src->name, 0, NULL,
				  "out of memory");
		goto out;
	}
	r->buf[0] = 0;
	if (r->base.src->size == 0) {
		err = dm_diag_set(diag, DM_EEMPTY, r->base.src->name, 0, NULL,
				  "file is empty");
		goto out;
	}
	/* A NUL in the first bytes: a binary file (reported without a row;
	 * NULs further on are reported with theirs by the tokeniser). */
	while (!r->eof && (r->len < r->lim.sniff_bytes || r->len < 3)) {
		err = fill(r, 0, &full, diag);
		if (err)
			goto out;
	}
	nul = memchr(r->buf, 0,
		     r->len < r->lim.sniff_bytes ? r->len : r->lim.sniff_bytes);
	/* UTF-16 (a spreadsheet's "Unicode text"): its byte-order mark and
	 * the NUL bytes it is full of, named (bytes FF FE or FE FF alone
	 * are Latin-1 text, read as such) */
	if (nul && r->len >= 2 &&
	    (memcmp(r->buf, "\xFF\xFE", 2) == 0 ||
	     memcmp(r->buf, "\xFE\xFF", 2) == 0)) {
		err = dm_diag_set(diag, DM_EFORMAT, r->base.src->name, 0, NULL,
				  "UTF-16 text (byte-order mark %s) — save "
				  "it as UTF-8 CSV",
				  r->buf[0] == 0xFF ? "FF FE" : "FE FF");
		goto out;
	}
	if (nul) {
		err = dm_diag_set(diag, DM_EFORMAT, r->base.src->name, 0, NULL,
				  "binary data (NUL byte) — not a CSV file? "
				  "(at byte offset %llu)",
				  src_offset(r, nul));
		goto out;
	}
	if (r->len >= 3 && memcmp(r->buf, "\xEF\xBB\xBF", 3) == 0)
		r->pos = 3;
	xsep = excel_sep_line(r);

	err = sniff_sep(r, diag);
	if (err)
		goto out;
	if (xsep >= 0)
		r->sep = (unsigned char)xsep;
	r->ucls[(unsigned char)r->sep] = 1;
	r->ucls['\n'] = 1;
	r->ucls[0] = 1;
	r->qcls['"'] = 1;
	r->qcls[0] = 1;

	err = read_header(r, diag);
	if (err)
		goto out;

	ncols = r->base.ncols;
	br = opts && opts->batch_rows ? opts->batch_rows : DEFAULT_BATCH_ROWS;
	cells = opts && opts->batch_rows ? MAX_BATCH_CELLS
					 : DEFAULT_BATCH_CELLS;
	if (br > cells / ncols)
		br = cells / ncols ? cells / ncols : 1;
	r->batch_rows = br;
	r->cols = calloc(ncols, sizeof(*r->cols));
	r->cells = malloc(ncols * br * sizeof(*r->cells));
	r->nulls = malloc(ncols * br);
	r->rownums = malloc(br * sizeof(*r->rownums));
	r->fix = malloc(ncols * sizeof(*r->fix));
	r->pre = r->pre_arr[0] = malloc(ncols * br * sizeof(*r->pre));
	if (!r->cols || !r->cells || !r->nulls || !r->rownums || !r->fix ||
	    !r->pre) {
		err = dm_diag_set(diag, DM_ENOMEM, r->base.src->name, 0, NULL,
				  "out of memory (batch of %zu rows x %zu "
				  "columns)",
				  br, ncols);
		goto out;
	}
	r->threads = opts ? opts->threads : 0;
	if (r->threads > 1) {
		/* batches kept one call longer: a second set of arrays (the
		 * second buffer comes with the first switch) */
		struct csv_slot *o = &r->slot[1];

		o->cols = calloc(ncols, sizeof(*o->cols));
		o->cells = malloc(ncols * br * sizeof(*o->cells));
		o->nulls = malloc(ncols * br);
		o->rownums = malloc(br * sizeof(*o->rownums));
		r->pre_arr[1] = malloc(ncols * br * sizeof(*r->pre));
		r->base.batches_kept = 1; /* also for csv_free, from here */
		if (!o->cols || !o->cells || !o->nulls || !o->rownums ||
		    !r->pre_arr[1]) {
			err = dm_diag_set(diag, DM_ENOMEM, r->base.src->name, 0,
					  NULL, "out of memory");
			goto out;
		}
	}
	r->piece_bytes = r->lim.piece_bytes;
	env = getenv("DRIFTMON_CSV_PIECE"); /* tests: force small pieces */
	if (!r->piece_bytes && env && *env)
		r->piece_bytes = strtoul(env, NULL, 10);
	if (r->threads > 1 || r->piece_bytes) {
		r->pieces = calloc(MAX_PIECES, sizeof(*r->pieces));
		/* no pieces: sequential, which is still right */
	}
	*out = &r->base;
	r = NULL;
out:
	csv_free(r ? &r->base : NULL);
	dm_source_close(src);
	return err;
}

void dmio_csv_prefetch(dm_reader *rd)
{
	csv_reader *r = (csv_reader *)rd;
	size_t target, have, got = 0;
	dm_diag d;

	if (!rd || rd->ops != &csv_ops || r->eof || r->done || r->failed ||
	    dmio_source_is_mem(rd->src) || (r->ahead_len && r->ahead_eof))
		return;
	/* two batches' bytes (as par_setup guesses them), whole blocks */
	target = r->avg_rec ? 2 * r->avg_rec * r->batch_rows : 0;
	if (target > r->lim.batch_bytes / 4)
		target = r->lim.batch_bytes / 4;
	if (target > AHEAD_MAX)
		target = AHEAD_MAX;
	target = (target / r->lim.block_size + 1) * r->lim.block_size;
	if (r->ahead_pos == r->ahead_len || r->ahead_off < r->src_off)
		r->ahead_pos = r->ahead_len = 0;
	have = r->ahead_len - r->ahead_pos;
	if (have >= target / 2)
		return;
	if (r->ahead_cap < target) {
		unsigned char *nb = malloc(target);

		if (!nb)
			return; /* fill reads the source itself */
		if (have)
			memcpy(nb, r->ahead + r->ahead_pos, have);
		free(r->ahead);
		r->ahead = nb;
		r->ahead_cap = target;
	} else if (have) {
		memmove(r->ahead, r->ahead + r->ahead_pos, have);
	}
	if (!have)
		r->ahead_off = r->src_off;
	r->ahead_pos = 0;
	r->ahead_len = have;
	dm_diag_clear(&d);
	if (rd->src->read(rd->src, r->ahead_off + have, r->ahead + have,
			  target - have, &got, &d) != DM_OK)
		return; /* met again by fill, which reports it */
	r->ahead_len += got;
	r->ahead_eof = got < target - have;
}

uint64_t dmio_csv_rows_pieced(const dm_reader *rd)
{
	return rd && rd->ops == &csv_ops ? ((const csv_reader *)rd)->rows_pieced
					 : 0;
}

int dmio_csv_decimal_comma(const dm_reader *rd)
{
	return rd && rd->ops == &csv_ops &&
	       ((const csv_reader *)rd)->sep == ';';
}

int dmio_csv_split_begin(dm_reader *rd, size_t parts, size_t *np)
{
	csv_reader *r = (csv_reader *)rd;

	*np = 0;
	if (!rd || rd->ops != &csv_ops)
		return -1;
	r->split_np = 0;
	dm_diag_clear(&r->split_diag);
	r->split_err = batch_start(r, &r->split_diag);
	if (r->split_err == DM_OK && !r->done) {
		if (parts > MAX_PIECES)
			parts = MAX_PIECES;
		r->split_np = par_setup(r, parts, SPLIT_MIN, &r->split_diag);
		dm_diag_clear(&r->split_diag); /* par_setup's: met again */
	}
	*np = r->split_np;
	return 0;
}

void dmio_csv_split_run(dm_reader *rd, size_t k)
{
	csv_reader *r = (csv_reader *)rd;

	if (k < r->split_np)
		piece_run(&r->pieces[k]);
}

dm_err dmio_csv_split_end(dm_reader *rd, dm_batch **out, dm_diag *diag)
{
	csv_reader *r = (csv_reader *)rd;

	*out = NULL;
	if (r->split_err != DM_OK) {
		if (diag)
			*diag = r->split_diag;
		return r->split_err;
	}
	if (r->done)
		return DM_OK;
	return batch_rest(r, r->split_np ? par_take(r, r->split_np) : 0, out,
			  diag);
}

const double *dmio_csv_prenum(const dm_reader *rd, const dm_batch *b, size_t j)
{
	const csv_reader *r = (const csv_reader *)rd;
	int s;

	if (!rd || rd->ops != &csv_ops || !b || j >= rd->ncols)
		return NULL;
	/* only fields set at open are read here: the reader may be
	 * filling the other slot on another thread */
	if (!rd->batches_kept)
		return b == &r->batch ? r->pre_arr[0] + j * r->batch_rows
				      : NULL;
	for (s = 0; s < 2; s++)
		if (b == &r->slot[s].batch)
			return r->pre_arr[s] + j * r->batch_rows;
	return NULL;
}

dm_err dm_csv_reader_open(dm_source *src, const dm_reader_opts *opts,
			  dm_reader **out, dm_diag *diag)
{
	return dmio_csv_reader_open_ex(src, opts, NULL, out, diag);
}
