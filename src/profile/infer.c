/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Inferring what each column of training data is (docs/schema.md).
 *
 * Design.  Inference streams like the profile: while the batches go
 * through, profile.c hands each column's valid values to cheap evidence
 * gatherers (per batch for numbers, per value but sampled for strings),
 * and nothing is decided until dm_profile_finish, when all the evidence
 * is in.  The evidence is bounded per column, never per row:
 *
 *   - numbers: whether every value is an integer, whether the values are
 *     strictly increasing, and which integers near the first one occur
 *     (a 256-bit map: a small domain is a code);
 *   - distinct values: the hashes of the first values, up to PF_DSET of
 *     them.  If the set fills after n values the share of distinct
 *     values is about PF_DSET / n (an identifier fills it at once, a
 *     category never); values stop being offered after PF_DSET_STOP;
 *   - strings: words and bytes per value over the first PF_TEXT_SAMPLE
 *     values (free text has several words per value);
 *   - the logical type the file declares (Parquet BOOLEAN, DATE,
 *     TIMESTAMP) or the values show (ISO-8601 dates, decided on the first
 *     batch in profile.c; true/false spellings, from the categories).
 *
 * Then, for each column whose role no flag, spec or metadata fixed, in
 * this order: a timestamp is the event time (the logger's 'timestamp'
 * column, else the first named like a time, else the first) or ignored;
 * a column the logger marked, or named like a prediction, is a
 * prediction; one named like a label is the label; unique integers
 * (strictly increasing, or nearly all distinct over a dense range, or
 * named like an id with many values) and nearly-all-distinct short
 * strings are identifiers; strings of several words, mostly distinct,
 * are free text; everything else is a feature.
 */
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/io_internal.h"
#include "profile/profile_int.h"

pf_evidence *pf_evidence_new(void)
{
	pf_evidence *e = calloc(1, sizeof(*e));

	if (!e)
		return NULL;
	e->all_int = 1;
	e->increasing = 1;
	e->code_ok = 1;
	e->ref_numeric_cats = -1;
	return e;
}

void pf_evidence_free(pf_evidence *e)
{
	if (!e)
		return;
	free(e->dset);
	pf_catsample_free(e->catsample);
	free(e->loose);
	free(e);
}

/* Offers one value's hash to the distinct set. */
static void offer(pf_evidence *e, uint64_t h)
{
	size_t j, cap = 2 * PF_DSET;

	if (e->dstop)
		return;
	if (!e->dset) {
		e->dset = calloc(cap, sizeof(uint64_t));
		if (!e->dset) {
			e->dstop = 1;
			return;
		}
	}
	h |= 1; /* 0 marks an empty slot */
	e->offered++;
	for (j = h & (cap - 1); e->dset[j]; j = (j + 1) & (cap - 1))
		if (e->dset[j] == h)
			goto done;
	e->dset[j] = h;
	if (++e->dn == PF_DSET) {
		e->full_at = e->offered;
		e->dstop = 1;
	}
done:
	if (e->offered >= PF_DSET_STOP)
		e->dstop = 1;
}

/* 1 if every v[0..n) is an integer: |x| >= 2^52 is one; below, adding
 * and removing 2^52 rounds to an integer, which equals |x| only if it is
 * one.  Four values a step, no branch. */
__attribute__((always_inline)) static inline int all_integers(const double *v,
							      size_t n)
{
	const pf_v4d big = {0x1p52, 0x1p52, 0x1p52, 0x1p52};
	const pf_v4i nosign = {INT64_MAX, INT64_MAX, INT64_MAX, INT64_MAX};
	pf_v4i bad = {0, 0, 0, 0};
	size_t i;
	int ok;

	for (i = 0; i + 4 <= n; i += 4) {
		pf_v4d x, a;
		pf_v4i u;

		memcpy(&u, v + i, sizeof(u));
		u &= nosign;
		memcpy(&a, &u, sizeof(a));
		x = (a + big) - big;
		bad |= (a < big) & (x != a);
	}
	ok = !(bad[0] | bad[1] | bad[2] | bad[3]);
	for (; i < n; i++) {
		double a = fabs(v[i]);

		ok &= (a >= 0x1p52) | (((a + 0x1p52) - 0x1p52) == a);
	}
	return ok;
}

/* 1 if every integer of v[0..n) is within PF_CODE_SPAN of base, then
 * marked in bits; else 0 (bits unchanged).  The range first, four values
 * a step; then one store a value to a byte map (no load: no chain
 * through the bit words), folded into the bits at the end. */
__attribute__((always_inline)) static inline int
code_marks(const double *v, size_t n, double base, uint64_t *bits)
{
	const pf_v4d b4 = {base, base, base, base};
	const pf_v4d span = {PF_CODE_SPAN, PF_CODE_SPAN, PF_CODE_SPAN,
			     PF_CODE_SPAN};
	const pf_v4d zero = {0, 0, 0, 0};
	pf_v4i out = {0, 0, 0, 0};
	unsigned char seen[PF_CODE_SPAN];
	size_t i;
	unsigned k;

	for (i = 0; i + 4 <= n; i += 4) {
		pf_v4d x, d;

		memcpy(&x, v + i, sizeof(x));
		d = x - b4;
		/* !(d >= 0 && d < span), NaN-proof */
		out |= ~((d >= zero) & (d < span));
	}
	if (out[0] | out[1] | out[2] | out[3])
		return 0;
	for (; i < n; i++) {
		double d = v[i] - base;

		if (!(d >= 0 && d < PF_CODE_SPAN))
			return 0;
	}
	memset(seen, 0, sizeof(seen));
	for (i = 0; i < n; i++)
		seen[(unsigned)(v[i] - base)] = 1;
	for (k = 0; k < PF_CODE_SPAN; k++)
		bits[k >> 6] |= (uint64_t)seen[k] << (k & 63);
	return 1;
}

/* (the clones' ifunc on a static function: nothing exported) */
PF_AVX2_CLONES
static void evidence_numbers(pf_evidence *e, const double *v, size_t n)
{
	size_t i;

	if (n == 0)
		return;
	if (e->all_int)
		e->all_int = all_integers(v, n);
	if (e->increasing) {
		double prev = e->have_last ? e->last : -INFINITY;
		int inc = 1;

		for (i = 0; i < n; i++) {
			inc &= v[i] > prev;
			prev = v[i];
		}
		e->increasing = inc;
	}
	e->last = v[n - 1];
	if (!e->have_last) {
		e->first = v[0];
		e->code_base = v[0] - PF_CODE_SPAN / 2;
		e->have_last = 1;
	}
	if (!e->all_int) {
		e->code_ok = 0;
		e->dstop = 1;
		return;
	}
	if (e->code_ok)
		e->code_ok = code_marks(v, n, e->code_base, e->code_bits);
	for (i = 0; i < n && !e->dstop; i++) {
		uint64_t b;
		double x = v[i] + 0.0; /* -0 -> +0 */

		memcpy(&b, &x, sizeof(b));
		offer(e, pf_mix64(b));
	}
}

void pf_evidence_numbers(pf_evidence *e, const double *v, size_t n)
{
	evidence_numbers(e, v, n);
}

/* d's code map takes s's integers, rebased from s's first value to d's:
 * 1 if they all fall in d's span (as in one pass over both), else 0. */
static int rebase_code(pf_evidence *d, const pf_evidence *s)
{
	double shift = s->code_base - d->code_base;
	long sh;
	unsigned k;

	if (!(fabs(shift) < PF_CODE_SPAN))
		return 0;
	sh = (long)shift;
	if ((double)sh != shift)
		return 0;
	for (k = 0; k < PF_CODE_SPAN; k++) {
		long t = (long)k + sh;

		if (!(s->code_bits[k >> 6] >> (k & 63) & 1))
			continue;
		if (t < 0 || t >= PF_CODE_SPAN)
			return 0;
		d->code_bits[t >> 6] |= 1ull << (t & 63);
	}
	return 1;
}

int pf_evidence_merge(pf_evidence *d, const pf_evidence *s)
{
	uint64_t offered;
	size_t j;

	if (s->have_last) {
		if (d->have_last) {
			d->increasing = d->increasing && s->increasing &&
					s->first > d->last;
			d->code_ok =
				d->code_ok && s->code_ok && rebase_code(d, s);
			d->last = s->last;
		} else {
			d->increasing = s->increasing;
			d->code_ok = s->code_ok;
			d->code_base = s->code_base;
			d->first = s->first;
			d->last = s->last;
			d->have_last = 1;
			memcpy(d->code_bits, s->code_bits,
			       sizeof(d->code_bits));
		}
		d->all_int = d->all_int && s->all_int;
		if (!d->code_ok)
			memset(d->code_bits, 0, sizeof(d->code_bits));
	}
	/* distinct values: src's remembered hashes as if offered again
	 * (a lower bound on what src saw when it stopped early) */
	offered = d->offered;
	for (j = 0; s->dset && j < 2 * PF_DSET && !d->dstop; j++)
		if (s->dset[j])
			offer(d, s->dset[j]);
	if (!d->dstop && !s->dstop && s->offered > d->offered - offered) {
		/* src offered s->offered values, not only its distinct
		 * ones: count them as one pass would (exact while neither
		 * set filled nor stopped) */
		d->offered = offered + s->offered;
		if (d->offered >= PF_DSET_STOP) {
			d->offered = PF_DSET_STOP;
			d->dstop = 1;
		}
	}
	if (s->dstop && !s->full_at)
		d->dstop = 1;
	if (d->txt_n < PF_TEXT_SAMPLE) {
		/* one pass samples the first PF_TEXT_SAMPLE strings: once
		 * dst has them, src's add nothing */
		d->txt_n += s->txt_n;
		d->txt_words += s->txt_words;
		d->txt_bytes += s->txt_bytes;
	}
	d->fixed_role |= s->fixed_role;
	d->fixed_type |= s->fixed_type;
	d->user_markers |= s->user_markers;
	d->reader_prediction |= s->reader_prediction;
	if (!d->type_note[0])
		memcpy(d->type_note, s->type_note, sizeof(d->type_note));
	if (!d->role_note[0])
		memcpy(d->role_note, s->role_note, sizeof(d->role_note));
	return 0;
}

void pf_evidence_string(pf_evidence *e, const char *s, size_t n)
{
	if (e->txt_n < PF_TEXT_SAMPLE) {
		size_t i, words = 0;
		int in = 0;

		for (i = 0; i < n; i++) {
			int sp = s[i] == ' ' || s[i] == '\t' || s[i] == '\n' ||
				 s[i] == '\r';

			words += !sp && !in;
			in = !sp;
		}
		e->txt_n++;
		e->txt_words += words;
		e->txt_bytes += n;
	}
	if (!e->dstop)
		offer(e, pf_hash_bytes(s, n));
}

/* ---- dates and booleans ------------------------------------------------ */

static int digits(const char *s, size_t n, size_t at, size_t k, int *out)
{
	size_t i;
	int v = 0;

	if (at + k > n)
		return -1;
	for (i = 0; i < k; i++) {
		if (s[at + i] < '0' || s[at + i] > '9')
			return -1;
		v = v * 10 + (s[at + i] - '0');
	}
	*out = v;
	return 0;
}

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar
 * (H. Hinnant, "chrono-Compatible Low-Level Date Algorithms",
 * days_from_civil). */
static long days_from_civil(long y, int m, int d)
{
	long era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* A run of 1..max digits at *i (advanced past it). */
static int number(const char *s, size_t n, size_t *i, size_t max, int *out)
{
	size_t k = 0;
	int v = 0;

	while (*i + k < n && k < max && isdigit((unsigned char)s[*i + k]))
		v = v * 10 + (s[*i + k++] - '0');
	if (k == 0 || (*i + k < n && isdigit((unsigned char)s[*i + k])))
		return -1;
	*i += k;
	*out = v;
	return 0;
}

/* An English month name or its three-letter abbreviation at *i, any
 * case: 1..12, or 0. */
/* How many leading letters of the lower-case word w the text at s[i..n)
 * spells, in any case. */
static size_t word_prefix(const char *s, size_t n, size_t i, const char *w)
{
	size_t k;

	for (k = 0; w[k] && i + k < n &&
		    tolower((unsigned char)s[i + k]) == (unsigned char)w[k];
	     k++)
		;
	return k;
}

static int month_name(const char *s, size_t n, size_t *i)
{
	static const char *const m[] = {"january", "february", "march",
					"april",   "may",      "june",
					"july",	   "august",   "september",
					"october", "november", "december"};
	size_t k, len;
	int j;

	for (j = 0; j < 12; j++) {
		len = strlen(m[j]);
		k = word_prefix(s, n, *i, m[j]);
		if (k == len ||
		    (k == 3 &&
		     (*i + 3 == n || !isalpha((unsigned char)s[*i + 3])))) {
			*i += k == len ? len : 3;
			if (*i < n && s[*i] == '.')
				(*i)++;
			return j + 1;
		}
	}
	return 0;
}

/* Two-digit years as POSIX strptime's %y: 69-99 are 1969-1999, 00-68
 * are 2000-2068. */
static int full_year(int y, size_t ndigits)
{
	return ndigits == 2 ? (y >= 69 ? 1900 + y : 2000 + y) : y;
}

/*
 * Dates as spreadsheets, finance exports and US tools write them:
 * 19-Sep-03, 19 Sep 2003, Sep 19, 2003, 2003/09/19 and 09/19/2003 (month
 * first, as pandas reads it, unless the first number is above 12).  The
 * date is checked by the caller.  (A weekday before "19 Sep 2003", as
 * RFC 2822 and HTTP write it, is skipped by dm_parse_datetime.)
 */
static int other_date(const char *s, size_t n, size_t *at, int *y, int *mo,
		      int *d)
{
	size_t i = *at, k;
	int a, b, c;

	if (i < n && isalpha((unsigned char)s[i])) {
		/* Sep 19, 2003; Sep 19 2003; Sep-19-2003 */
		char sep;

		if (!(*mo = month_name(s, n, &i)) || i >= n ||
		    (s[i] != ' ' && s[i] != '-'))
			return -1;
		sep = s[i++];
		if (number(s, n, &i, 2, d))
			return -1;
		if (sep == ' ' && i + 1 < n && s[i] == ',' && s[i + 1] == ' ')
			i += 2;
		else if (i < n && s[i] == sep)
			i++;
		else
			return -1;
		if (digits(s, n, i, 4, y) ||
		    (i + 4 < n && isdigit((unsigned char)s[i + 4])))
			return -1;
		*at = i + 4;
		return 0;
	}
	k = i;
	if (number(s, n, &i, 4, &a) || i >= n)
		return -1;
	if (i - k == 4 && s[i] == '/') { /* 2003/09/19 */
		i++;
		if (number(s, n, &i, 2, mo) || i >= n || s[i] != '/')
			return -1;
		i++;
		if (number(s, n, &i, 2, d))
			return -1;
		*y = a;
		*at = i;
		return 0;
	}
	if (i - k > 2)
		return -1;
	if (s[i] == '-' || s[i] == ' ') { /* 19-Sep-03, 19 Sep 2003 */
		char sep = s[i++];

		if (!(*mo = month_name(s, n, &i)) || i >= n || s[i] != sep)
			return -1;
		i++;
		k = i;
		if (number(s, n, &i, 4, &c) || (i - k != 2 && i - k != 4))
			return -1;
		*d = a;
		*y = full_year(c, i - k);
		*at = i;
		return 0;
	}
	if (s[i] == '.') { /* 19.09.2003: the day first, as Europe writes */
		size_t dl = i - k, ml;

		i++;
		ml = i;
		if (number(s, n, &i, 2, mo) || i >= n || s[i] != '.')
			return -1;
		ml = i - ml;
		i++;
		k = i;
		/* a two-digit year only after 2-digit day and month
		 * (19.09.03): 4.12.20 is a version number */
		if (number(s, n, &i, 4, &c) ||
		    (i - k != 4 && (i - k != 2 || dl != 2 || ml != 2)))
			return -1;
		*d = a;
		*y = full_year(c, i - k);
		*at = i;
		return 0;
	}
	if (s[i] != '/') /* 09/19/2003 or 19/09/2003 */
		return -1;
	i++;
	if (number(s, n, &i, 2, &b) || i >= n || s[i] != '/')
		return -1;
	i++;
	k = i;
	if (number(s, n, &i, 4, &c) || (i - k != 2 && i - k != 4))
		return -1;
	*mo = a > 12 ? b : a;
	*d = a > 12 ? a : b;
	*y = full_year(c, i - k);
	*at = i;
	return 0;
}

/* Years a period written as text may have (2017-10 is a month; 1234-05
 * is more likely a code). */
#define PERIOD_YEAR_MIN 1800
#define PERIOD_YEAR_MAX 2200

/* A quarter's number, 1..4, alone at s[*i] (advanced past it). */
static int quarter(const char *s, size_t n, size_t *i, int *q)
{
	if (number(s, n, i, 1, q) || *q < 1 || *q > 4)
		return -1;
	return 0;
}

/*
 * Periods written as text, as the whole value, read as their first day:
 * a month (2017-10, 2017/10, 10/2017, Oct 2017, October 2017, Oct-2017,
 * Excel's mmm-yy Oct-17), a quarter (2017Q4, 2017-Q4, 2017 Q4, Q4 2017,
 * Q4-2017) or an ISO week (2017-W37, 2017W37: its Monday; 2017-W37-3:
 * that day).  A monthly or quarterly column moves on with the calendar
 * as a date does: a category test on it would find drift every period.
 * *add: days after y-mo-d (the weeks).  The month is checked by the
 * caller.
 */
static int period_date(const char *s, size_t n, size_t *at, int *y, int *mo,
		       int *d, long *add)
{
	size_t i = *at, k;
	int a, b, w = 1;
	char sep;

	*d = 1;
	*add = 0;
	if (i < n && (s[i] == 'Q' || s[i] == 'q')) { /* Q4 2017 */
		i++;
		if (quarter(s, n, &i, &a) || i >= n ||
		    (s[i] != ' ' && s[i] != '-' && s[i] != '/'))
			return -1;
		i++;
		if (digits(s, n, i, 4, y) || i + 4 != n)
			return -1;
		*mo = 3 * a - 2;
	} else if (i < n && isalpha((unsigned char)s[i])) { /* Oct 2017 */
		if (!(*mo = month_name(s, n, &i)) || i >= n ||
		    (s[i] != ' ' && s[i] != '-'))
			return -1;
		sep = s[i++];
		k = i;
		if (number(s, n, &i, 4, &b) || i != n ||
		    (i - k != 4 && !(i - k == 2 && sep == '-')))
			return -1;
		*y = full_year(b, i - k);
	} else {
		k = i;
		if (number(s, n, &i, 4, &a) || i >= n)
			return -1;
		if (i - k <= 2) { /* 10/2017 */
			if (s[i] != '/' || digits(s, n, i + 1, 4, y) ||
			    i + 5 != n)
				return -1;
			*mo = a;
		} else if (i - k != 4) {
			return -1;
		} else if (s[i] == 'Q' || s[i] == 'q' ||
			   ((s[i] == '-' || s[i] == ' ') && i + 1 < n &&
			    (s[i + 1] == 'Q' || s[i + 1] == 'q'))) {
			i += s[i] == 'Q' || s[i] == 'q' ? 1 : 2; /* 2017Q4 */
			if (quarter(s, n, &i, &b) || i != n)
				return -1;
			*y = a;
			*mo = 3 * b - 2;
		} else if (s[i] == 'W' ||
			   (s[i] == '-' && i + 1 < n && s[i + 1] == 'W')) {
			long jan4;

			i += s[i] == 'W' ? 1 : 2; /* 2017-W37[-3] */
			if (digits(s, n, i, 2, &b) || b < 1 || b > 53)
				return -1;
			i += 2;
			if (i < n) {
				i += s[i] == '-';
				if (digits(s, n, i, 1, &w) || w < 1 || w > 7 ||
				    i + 1 != n)
					return -1;
			}
			/* week 1 holds January 4th; weeks start on Monday
			 * (1970-01-01 was a Thursday) */
			jan4 = days_from_civil(a, 1, 4);
			*y = a;
			*mo = 1;
			*d = 4;
			*add = -(((jan4 + 3) % 7 + 7) % 7) + (b - 1) * 7L +
			       (w - 1);
		} else if (s[i] == '-' || s[i] == '/') { /* 2017-10 */
			i++;
			k = i;
			if (number(s, n, &i, 2, mo) || i - k != 2 || i != n)
				return -1;
			*y = a;
		} else {
			return -1;
		}
	}
	if (*y < PERIOD_YEAR_MIN || *y > PERIOD_YEAR_MAX)
		return -1;
	*at = n;
	return 0;
}

/* An English weekday name or its three-letter abbreviation at *i, any
 * case, then ',' and a space (RFC 2822 / HTTP dates: "Thu, 04 Jan
 * 2024"): skipped, 0; or -1 (*i unchanged). */
static int weekday_comma(const char *s, size_t n, size_t *i)
{
	static const char *const w[] = {"monday",   "tuesday", "wednesday",
					"thursday", "friday",  "saturday",
					"sunday"};
	size_t k, len;
	int j;

	for (j = 0; j < 7; j++) {
		len = strlen(w[j]);
		k = word_prefix(s, n, *i, w[j]);
		if ((k == len || k == 3) && *i + k + 1 < n &&
		    s[*i + k] == ',' && s[*i + k + 1] == ' ') {
			*i += k + 2;
			return 0;
		}
	}
	return -1;
}

/* A clock time at *i: hh:mm (h digits of hour), optionally :ss and a
 * fraction after '.' or ','; 0 with *i after it (ranges unchecked), or
 * -1. */
static int clock_time(const char *s, size_t n, size_t *i, size_t h, int *hh,
		      int *mi, int *ss, double *frac)
{
	size_t at = *i;

	*ss = 0;
	*frac = 0.0;
	if (digits(s, n, at, h, hh) || at + h >= n || s[at + h] != ':' ||
	    digits(s, n, at + h + 1, 2, mi))
		return -1;
	at += h + 3;
	if (at < n && s[at] == ':') {
		if (digits(s, n, at + 1, 2, ss))
			return -1;
		at += 3;
		if (at < n && (s[at] == '.' || s[at] == ',')) {
			double scale = 0.1;

			at++;
			if (at >= n || !isdigit((unsigned char)s[at]))
				return -1;
			for (; at < n && isdigit((unsigned char)s[at]);
			     at++, scale /= 10)
				*frac += (s[at] - '0') * scale;
		}
	}
	*i = at;
	return 0;
}

int dm_parse_datetime(const char *s, size_t n, double *out)
{
	static const int mdays[] = {31, 29, 31, 30, 31, 30,
				    31, 31, 30, 31, 30, 31};
	int y, mo, d, hh = 0, mi = 0, ss = 0, oh = 0, om = 0;
	long add = 0;
	size_t i = 0;
	double frac = 0.0, sec;
	int sign = 0;

	while (n > 0 && s[n - 1] == ' ')
		n--;
	while (i < n && s[i] == ' ')
		i++;
	if (i < n && isalpha((unsigned char)s[i]))
		(void)weekday_comma(s, n, &i);
	if (!digits(s, n, i, 4, &y) && i + 4 < n && s[i + 4] == '-' &&
	    !digits(s, n, i + 5, 2, &mo) && i + 7 < n && s[i + 7] == '-' &&
	    !digits(s, n, i + 8, 2, &d))
		i += 10; /* ISO 8601 */
	else if (other_date(s, n, &i, &y, &mo, &d) != 0 &&
		 period_date(s, n, &i, &y, &mo, &d, &add) != 0)
		return -1;
	if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] ||
	    (mo == 2 && d == 29 && !(y % 4 == 0 && (y % 100 || y % 400 == 0))))
		return -1;
	if (i < n && (s[i] == 'T' || s[i] == ' ') && i + 1 < n &&
	    isdigit((unsigned char)s[i + 1])) {
		i++;
		if (clock_time(s, n, &i, 2, &hh, &mi, &ss, &frac) || hh > 23 ||
		    mi > 59 || ss > 60)
			return -1;
	}
	while (i < n && s[i] == ' ')
		i++;
	if (i < n && (s[i] == 'Z' || s[i] == 'z') && i + 1 == n) {
		i++;
	} else if (i + 3 == n &&
		   (!strncmp(s + i, "UTC", 3) || !strncmp(s + i, "GMT", 3))) {
		i += 3;
	} else if (i < n && (s[i] == '+' || s[i] == '-')) {
		sign = s[i] == '-' ? -1 : 1;
		if (digits(s, n, i + 1, 2, &oh))
			return -1;
		i += 3;
		if (i < n && s[i] == ':')
			i++;
		if (i < n) {
			if (digits(s, n, i, 2, &om))
				return -1;
			i += 2;
		}
		if (oh > 23 || om > 59)
			return -1;
	}
	if (i != n)
		return -1;
	sec = (double)(days_from_civil(y, mo, d) + add) * 86400.0 +
	      hh * 3600.0 + mi * 60.0 + ss - sign * (oh * 3600.0 + om * 60.0);
	*out = sec + frac;
	return 0;
}

int dm_parse_time_of_day(const char *s, size_t n, double *out)
{
	int hh, mi, ss, pm = -1;
	size_t i = 0;
	double frac;

	s = pf_trim(s, &n);
	/* h:mm or hh:mm */
	if (clock_time(s, n, &i, i + 1 < n && s[i + 1] == ':' ? 1 : 2, &hh, &mi,
		       &ss, &frac))
		return -1;
	if (i < n && s[i] == ' ')
		i++;
	if (i + 2 == n && (s[i + 1] == 'M' || s[i + 1] == 'm')) {
		if (s[i] == 'A' || s[i] == 'a')
			pm = 0;
		else if (s[i] == 'P' || s[i] == 'p')
			pm = 1;
		else
			return -1;
		i += 2;
	}
	if (i != n || mi > 59 || ss > 60)
		return -1;
	/* (hours past 23: an elapsed time, "26:15:00", in seconds too) */
	if (pm >= 0) { /* 12-hour clock: 12:05 AM is 00:05 */
		if (hh < 1 || hh > 12)
			return -1;
		hh = hh % 12 + 12 * pm;
	}
	*out = hh * 3600.0 + mi * 60.0 + ss + frac;
	return 0;
}

int dm_parse_bool(const char *s, size_t n)
{
	s = pf_trim(s, &n);
	if (n == 1 && (*s == 't' || *s == 'f' || *s == 'T' || *s == 'F'))
		return *s == 't' || *s == 'T'; /* PostgreSQL's COPY, R */
	/* yes/no: DuckDB's CSV reader makes them a BOOLEAN column */
	if (n == 3 && (!memcmp(s, "yes", 3) || !memcmp(s, "Yes", 3) ||
		       !memcmp(s, "YES", 3)))
		return 1;
	if (n == 2 &&
	    (!memcmp(s, "no", 2) || !memcmp(s, "No", 2) || !memcmp(s, "NO", 2)))
		return 0;
	if (n == 4 && (!memcmp(s, "true", 4) || !memcmp(s, "True", 4) ||
		       !memcmp(s, "TRUE", 4)))
		return 1;
	if (n == 5 && (!memcmp(s, "false", 5) || !memcmp(s, "False", 5) ||
		       !memcmp(s, "FALSE", 5)))
		return 0;
	return -1;
}

/* ---- decisions ------------------------------------------------------- */

/* Values an identifier needs: fewer prove nothing (a small table's
 * 1..n column is as likely a feature), unless the name says "id". */
#define PF_ID_MIN	  1000
#define PF_ID_MIN_STRINGS 200
#define PF_ID_MIN_NAMED	  20

dm_err pf_warn(dm_profile *p, const char *fmt, ...)
{
	char buf[400], **w;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	/* said once (the same note on every file of a window) */
	for (size_t i = 0; i < p->nwarnings; i++)
		if (!strcmp(p->warnings[i], buf))
			return DM_OK;
	w = realloc(p->warnings, (p->nwarnings + 1) * sizeof(*w));
	if (!w)
		return DM_ENOMEM;
	p->warnings = w;
	w[p->nwarnings] = strdup(buf);
	if (!w[p->nwarnings])
		return DM_ENOMEM;
	p->nwarnings++;
	return DM_OK;
}

/* The name, lower-cased, in buf. */
static void lower(const char *name, char *buf, size_t size)
{
	size_t i;

	for (i = 0; name[i] && i + 1 < size; i++)
		buf[i] = (char)tolower((unsigned char)name[i]);
	buf[i] = '\0';
}

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && strcmp(s + n - k, suffix) == 0;
}

static int starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

static int in_set(const char *s, const char *const *set)
{
	for (; *set; set++)
		if (strcmp(s, *set) == 0)
			return 1;
	return 0;
}

/* The words of a name into l (size bytes): lowercase letters and digits,
 * a space for anything else and, with camel, between a lowercase letter
 * and an uppercase one (lastLogin: "last login"); for strtok_r. */
static void name_words(const char *name, int camel, char *l, size_t size)
{
	size_t o = 0;

	for (const char *c = name; *c && o + 2 < size; c++) {
		unsigned char u = (unsigned char)*c;

		if (camel && c > name && isupper(u) &&
		    islower((unsigned char)c[-1]))
			l[o++] = ' ';
		l[o++] = isalnum(u) ? (char)tolower(u) : ' ';
	}
	l[o] = '\0';
}

/* id, uuid, guid, key, index, row, rownum, row_number; or a name of two
 * words or more whose last word is id, uuid, guid, key, or a record's
 * number: no, number (user_id, customerID, "Individual ID",
 * Sample.Number, order_no, OrderNo, account-number; words as
 * name_words() splits them, camelCase too). */
static int id_name(const char *name)
{
	static const char *const exact[] = {"id",     "uuid",	    "guid",
					    "key",    "index",	    "row",
					    "rownum", "row_number", NULL};
	/* (not num: click_num, visit_num are counts as often as not) */
	static const char *const last[] = {"id", "uuid",   "guid", "key",
					   "no", "number", NULL};
	char l[256], *tok, *save = NULL;
	const char *end = NULL;
	int words = 0;

	lower(name, l, sizeof(l));
	if (in_set(l, exact))
		return 1;
	name_words(name, 1, l, sizeof(l));
	for (tok = strtok_r(l, " ", &save); tok;
	     tok = strtok_r(NULL, " ", &save)) {
		end = tok;
		words++;
	}
	return words >= 2 && in_set(end, last);
}

/* How much a name says "the time of the row": 3 for event / created /
 * timestamp / ts, 2 for a name with time or date in it (or *_at, *_ts),
 * else 0. */
static int time_name(const char *name)
{
	char l[128];

	lower(name, l, sizeof(l));
	if (strstr(l, "event") || strstr(l, "created") ||
	    !strcmp(l, "timestamp") || !strcmp(l, "ts"))
		return 3;
	if (strstr(l, "time") || strstr(l, "date") || ends_with(l, "_ts") ||
	    starts_with(l, "ts_") || ends_with(l, "_at"))
		return 2;
	return 0;
}

int pf_prediction_name(const char *name)
{
	static const char *const exact[] = {
		"prediction",  "predictions", "predicted",   "pred",
		"y_pred",      "y_hat",	      "yhat",	     "score",
		"model_score", "proba",	      "probability", "prediction_score",
		NULL};
	char l[128];

	lower(name, l, sizeof(l));
	return in_set(l, exact) || starts_with(l, "predicted_") ||
	       starts_with(l, "prediction_") || ends_with(l, "_pred") ||
	       ends_with(l, "_prediction") || ends_with(l, "_proba") ||
	       ends_with(l, "_probability");
}

int pf_label_name(const char *name)
{
	static const char *const exact[] = {"label",	   "target",
					    "y_true",	   "ground_truth",
					    "groundtruth", NULL};
	char l[128];

	lower(name, l, sizeof(l));
	return in_set(l, exact);
}

/* Share of distinct values (NaN when nothing was offered). */
static double distinct_share(const pf_evidence *e)
{
	if (e->full_at)
		return (double)PF_DSET / (double)e->full_at;
	return e->offered ? (double)e->dn / (double)e->offered : NAN;
}

/* Distinct values: exact when the set did not fill, else estimated. */
static double distinct_count(const pf_evidence *e, uint64_t count)
{
	if (e->full_at)
		return distinct_share(e) * (double)count;
	return (double)e->dn;
}

static unsigned code_count(const pf_evidence *e)
{
	unsigned i, n = 0;

	for (i = 0; i < PF_CODE_SPAN / 64; i++)
		n += (unsigned)__builtin_popcountll(e->code_bits[i]);
	return n;
}

static void set_reason(dm_feature *f, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void set_reason(dm_feature *f, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(f->reason, sizeof(f->reason), fmt, ap);
	va_end(ap);
}

/* A name with a word that says "a moment" besides time_name's: epoch,
 * unix, tstamp, dt, when, login, logout, seen, modified, expires, expiry,
 * expiration (words between characters other than letters and digits,
 * or of camelCase: lastLogin): with values in the range of Unix times,
 * a time column. */
static int epoch_word_name(const char *name)
{
	static const char *const words[] = {
		"epoch",  "unix",	"tstamp", "dt",	      "when",
		"login",  "logout",	"seen",	  "modified", "expires",
		"expiry", "expiration", NULL};
	char l[256], *tok, *save = NULL;

	name_words(name, 1, l, sizeof(l));
	for (tok = strtok_r(l, " ", &save); tok;
	     tok = strtok_r(NULL, " ", &save))
		if (in_set(tok, words))
			return 1;
	return 0;
}

/*
 * A column of numbers named like a time whose values all lie where Unix
 * times of 2000-2100 do, in seconds (integers or not: time.time()),
 * milliseconds (Date.now(), Java), microseconds or nanoseconds (integers):
 * a timestamp, not a feature that drifts every hour as the clock moves.
 * Returns the unit's name, or NULL.
 */
static const char *epoch_unit(const dm_feature *f, const pf_evidence *e)
{
	static const struct {
		double scale;
		const char *name;
	} unit[] = {{1, "seconds"},
		    {1e3, "milliseconds"},
		    {1e6, "microseconds"},
		    {1e9, "nanoseconds"}};
	const double lo = 946684800.0, hi = 4102444800.0; /* 2000, 2100 */
	size_t i;

	if (f->count == 0 || (!time_name(f->name) && !epoch_word_name(f->name)))
		return NULL;
	for (i = 0; i < sizeof(unit) / sizeof(unit[0]); i++)
		if (f->mom.min >= lo * unit[i].scale &&
		    f->mom.max < hi * unit[i].scale && (i == 0 || e->all_int))
			return unit[i].name;
	return NULL;
}

/* A name that says "date" as a word of its own: a token (between
 * characters other than letters and digits) date, dt, ds (Hive's
 * partition), day, yyyymmdd, datekey, dateid, or one ending in "date"
 * that is not update, candidate, validate or mandate. */
static int date_word_name(const char *name)
{
	static const char *const exact[] = {"date",   "dt",	   "ds",
					    "day",    "yyyymmdd",  "datekey",
					    "dateid", "datestamp", NULL};
	static const char *const not_dates[] = {"update", "candidate",
						"validate", "mandate", NULL};
	char l[256], *tok, *save = NULL;

	name_words(name, 0, l, sizeof(l));
	for (tok = strtok_r(l, " ", &save); tok;
	     tok = strtok_r(NULL, " ", &save))
		if (in_set(tok, exact) ||
		    (ends_with(tok, "date") && !in_set(tok, not_dates)))
			return 1;
	return 0;
}

/* 1 if x is an integer YYYYMMDD of a year 1900-2100 with a month 1-12
 * and a day 1-31. */
static int ymd_integer(double x)
{
	long v = (long)x, m = v / 100 % 100, d = v % 100;

	return x >= 19000101.0 && x <= 21001231.0 && (double)v == x && m >= 1 &&
	       m <= 12 && d >= 1 && d <= 31;
}

/* Dates written as integers YYYYMMDD (a warehouse's date key, Hive's ds):
 * a date-word name, integers only, the smallest and the largest such
 * dates.  (As a feature such a column drifts every day.) */
static int ymd_dates(const dm_feature *f, const pf_evidence *e)
{
	return f->count > 0 && e->all_int && date_word_name(f->name) &&
	       ymd_integer(f->mom.min) && ymd_integer(f->mom.max);
}

/* A name that says "a month" as YYYYMM does: a word yyyymm, yearmonth,
 * ym, period, monthkey or monthid, or the words year and month both
 * (year_month, YearMonth). */
static int month_word_name(const char *name)
{
	static const char *const exact[] = {"yyyymm", "yearmonth", "ym",
					    "period", "monthkey",  "monthid",
					    NULL};
	char l[256], *tok, *save = NULL;
	int year = 0, month = 0;

	name_words(name, 1, l, sizeof(l));
	for (tok = strtok_r(l, " ", &save); tok;
	     tok = strtok_r(NULL, " ", &save)) {
		if (in_set(tok, exact))
			return 1;
		year |= !strcmp(tok, "year") || !strcmp(tok, "yr");
		month |= !strcmp(tok, "month") || !strcmp(tok, "mon");
	}
	return year && month;
}

/* 1 if x is an integer YYYYMM of a year 1900-2100 and a month 1-12. */
static int ym_integer(double x)
{
	long v = (long)x, m = v % 100;

	return x >= 190001.0 && x <= 210012.0 && (double)v == x && m >= 1 &&
	       m <= 12;
}

/* Months written as integers YYYYMM (a reporting period, a billing
 * month): a month-word name, integers only, the smallest and the largest
 * such months.  (As a feature such a column drifts every month.) */
static int ym_months(const dm_feature *f, const pf_evidence *e)
{
	return f->count > 0 && e->all_int && month_word_name(f->name) &&
	       ym_integer(f->mom.min) && ym_integer(f->mom.max);
}

/* The logical type of a column whose type no flag or spec fixed, and the
 * phrase that says why (f->reason, possibly extended by the role). */
static void decide_ltype(dm_feature *f, pf_evidence *e)
{
	if (f->ltype == DM_LTYPE_TIMESTAMP) {
		set_reason(f, "%s",
			   e->type_note[0] ? e->type_note : "timestamps");
		return;
	}
	if (f->type == DM_FEATURE_NUMERIC) {
		unsigned k = code_count(e);
		const char *unit = epoch_unit(f, e);

		if (e->time_of_day && f->count > 0) {
			f->ltype = DM_LTYPE_NUMERIC;
			set_reason(f, "%s", e->type_note);
		} else if (unit) {
			f->ltype = DM_LTYPE_TIMESTAMP;
			set_reason(f, "Unix time in %s (name '%.60s')", unit,
				   f->name);
		} else if (ymd_dates(f, e)) {
			f->ltype = DM_LTYPE_TIMESTAMP;
			set_reason(f,
				   "dates as integers YYYYMMDD (name '%.60s')",
				   f->name);
		} else if (ym_months(f, e)) {
			f->ltype = DM_LTYPE_TIMESTAMP;
			set_reason(f,
				   "months as integers YYYYMM (name '%.60s')",
				   f->name);
		} else if (f->count == 0) {
			f->ltype = DM_LTYPE_UNKNOWN;
			set_reason(f, "no values");
		} else if (e->all_int && e->code_ok && k <= PF_CODE_MAX) {
			f->ltype = DM_LTYPE_INTEGER;
			set_reason(f, "integers, %u distinct value%s (a code)",
				   k, k == 1 ? "" : "s");
		} else if (e->type_note[0]) { /* numbers written with $ ... */
			f->ltype = DM_LTYPE_NUMERIC;
			set_reason(f, "%s", e->type_note);
		} else if (e->all_int) {
			f->ltype = DM_LTYPE_NUMERIC;
			set_reason(f, "integers");
		} else {
			f->ltype = DM_LTYPE_NUMERIC;
			set_reason(f, "numbers");
		}
		return;
	}
	/* (a boolean from the file gets its two categories in order too) */
	if ((f->ltype == DM_LTYPE_BOOLEAN || (f->ncats > 0 && f->other == 0)) &&
	    pf_canon_bool_cats(f) == 0) {
		f->ltype = DM_LTYPE_BOOLEAN;
		set_reason(f, "%s",
			   e->type_note[0] ? e->type_note
					   : "true/false values");
		return;
	}
	f->ltype = DM_LTYPE_CATEGORICAL;
	if (f->other)
		set_reason(f, "text values, over %d categories",
			   DM_MAX_CATEGORIES);
	else
		set_reason(f, "text values, %zu categor%s", f->ncats,
			   f->ncats == 1 ? "y" : "ies");
}

/* Identifier evidence: a phrase in why, or 0. */
static int looks_like_id(const dm_feature *f, const pf_evidence *e, char *why,
			 size_t size)
{
	double share = distinct_share(e), nd = distinct_count(e, f->count);
	double words = e->txt_n ? (double)e->txt_words / (double)e->txt_n : 0;
	int named = id_name(f->name);

	/* strings all distinct in a table too small for the rule below:
	 * each row's name (a state, a committee, a quarter written as
	 * text), whose values a new sample shares none of, so that a
	 * category test would always find drift */
	if (f->type != DM_FEATURE_NUMERIC && !e->full_at &&
	    e->offered >= PF_ID_MIN_NAMED && e->dn == e->offered &&
	    e->offered == f->count && f->count < PF_ID_MIN_STRINGS &&
	    words < 3.0) {
		snprintf(why, size, "every value distinct (%llu values)",
			 (unsigned long long)f->count);
		return 1;
	}
	/* unique strings (emails, codes) are rarely a feature; unique
	 * integers in a small table may well be */
	if (f->count < (named				? PF_ID_MIN_NAMED
			: f->type == DM_FEATURE_NUMERIC ? PF_ID_MIN
							: PF_ID_MIN_STRINGS) ||
	    isnan(share))
		return 0;
	if (f->type == DM_FEATURE_NUMERIC) {
		double span = f->mom.max - f->mom.min + 1.0;

		if (!e->all_int || f->ltype == DM_LTYPE_TIMESTAMP ||
		    e->time_of_day)
			return 0;
		if (e->increasing) {
			snprintf(why, size,
				 "unique integers, strictly "
				 "increasing");
			return 1;
		}
		if (share >= 0.99 && span <= 2.0 * (double)f->count) {
			snprintf(why, size, "unique integers (%.0f%% distinct)",
				 100.0 * share);
			return 1;
		}
	} else if (share >= 0.95 && words < 3.0) {
		snprintf(why, size, "%.0f%% distinct values", 100.0 * share);
		return 1;
	}
	if (named && (share >= 0.5 || nd >= 100)) {
		snprintf(why, size, "name '%.60s', %.0f%% distinct", f->name,
			 100.0 * share);
		return 1;
	}
	return 0;
}

static int looks_like_text(const dm_feature *f, const pf_evidence *e, char *why,
			   size_t size)
{
	double share = distinct_share(e);
	double words, bytes;

	if (f->type != DM_FEATURE_CATEGORICAL || !e->txt_n || f->count < 5 ||
	    isnan(share) || share < 0.5)
		return 0;
	words = (double)e->txt_words / (double)e->txt_n;
	bytes = (double)e->txt_bytes / (double)e->txt_n;
	if (words < 3.0 && bytes < 40.0)
		return 0;
	snprintf(why, size, "%.1f words per value, %.0f%% distinct", words,
		 100.0 * share);
	return 1;
}

static void decide_role(dm_feature *f, pf_evidence *e)
{
	char why[100], type_why[sizeof(f->reason)];

	memcpy(type_why, f->reason, sizeof(type_why));
	if (f->ltype == DM_LTYPE_TEXT) {
		f->role = DM_ROLE_TEXT;
	} else if (e->reader_prediction) {
		f->role = DM_ROLE_PREDICTION;
		set_reason(f, "logger prediction column; %s", type_why);
	} else if (f->ltype == DM_LTYPE_TIMESTAMP) {
		f->role = DM_ROLE_EVENT_TIME; /* settled by pick_event_time */
	} else if (pf_prediction_name(f->name)) {
		f->role = DM_ROLE_PREDICTION;
		set_reason(f, "name '%.60s'; %s", f->name, type_why);
	} else if (pf_label_name(f->name)) {
		f->role = DM_ROLE_LABEL;
		set_reason(f, "name '%.60s'; %s", f->name, type_why);
	} else if (looks_like_id(f, e, why, sizeof(why))) {
		f->role = DM_ROLE_IDENTIFIER;
		set_reason(f, "%s", why);
	} else if (looks_like_text(f, e, why, sizeof(why))) {
		f->role = DM_ROLE_TEXT;
		f->ltype = DM_LTYPE_TEXT;
		set_reason(f, "%s", why);
	} else {
		f->role = DM_ROLE_FEATURE;
	}
}

/* One event time among the timestamps: a fixed one, else the logger's
 * 'timestamp', else the first named like a time, else the first; the
 * others are ignored. */
static void pick_event_time(dm_profile *p)
{
	long pick = -1;
	size_t i;
	int fixed = 0;

	for (i = 0; i < p->nfeat; i++) {
		dm_feature *f = &p->feat[i];
		pf_evidence *e = f->evidence;

		if (f->role == DM_ROLE_EVENT_TIME && e && e->fixed_role) {
			pick = (long)i;
			fixed = 1;
			break;
		}
	}
	for (i = 0; i < p->nfeat && !fixed; i++)
		if (p->feat[i].role == DM_ROLE_EVENT_TIME &&
		    time_name(p->feat[i].name) &&
		    (pick < 0 || time_name(p->feat[i].name) >
					 time_name(p->feat[pick].name)))
			pick = (long)i;
	for (i = 0; i < p->nfeat && pick < 0; i++)
		if (p->feat[i].role == DM_ROLE_EVENT_TIME)
			pick = (long)i;
	for (i = 0; i < p->nfeat; i++) {
		dm_feature *f = &p->feat[i];
		pf_evidence *e = f->evidence;
		char type_why[sizeof(f->reason)];

		if (f->role != DM_ROLE_EVENT_TIME || (e && e->fixed_role))
			continue;
		memcpy(type_why, f->reason, sizeof(type_why));
		if ((long)i == pick) {
			set_reason(f, "%s; the event time", type_why);
		} else {
			f->role = DM_ROLE_IGNORED;
			set_reason(f,
				   "%s; another timestamp: derive a feature "
				   "(e.g. its age in days) to monitor it",
				   type_why);
		}
	}
}

/*
 * A missing marker that removed more values than a categorical column's
 * most common value is worth a warning, unless it marks missing numbers
 * in the same file too (its convention, as R's NA).  The default marker "None"
 * is then more likely a real answer (a survey's "None") than a missing value:
 * it is kept as a category, and the column's marker list loses it (so current
 * data is read the same way).  A marker the user set is obeyed.
 */
/* 1 if the marker also stands for missing values in a numeric column of
 * p: the file's own way of writing them (R's write.csv writes NA for
 * every one), not a word that happens to be common in one column. */
static int marker_of_numbers(const dm_profile *p, const char *marker)
{
	size_t j, i;

	for (j = 0; j < p->nfeat; j++) {
		const dm_feature *g = &p->feat[j];

		if (g->type != DM_FEATURE_NUMERIC)
			continue;
		for (i = 0; i < g->nna; i++)
			if (g->na_counts[i] > 0 &&
			    strcmp(g->na_markers[i], marker) == 0)
				return 1;
	}
	return 0;
}

static dm_err check_markers(dm_profile *p, dm_feature *f, int user_markers)
{
	uint64_t top = 0;
	size_t i;

	if (f->type != DM_FEATURE_CATEGORICAL || f->nna == 0 ||
	    !dm_role_analysed(f->role))
		return DM_OK;
	for (i = 0; i < f->ncats; i++)
		if (f->cats[i].count > top)
			top = f->cats[i].count;
	for (i = 0; i < f->nna; i++) {
		uint64_t n = f->na_counts[i];

		if (n == 0 || n <= top)
			continue;
		if (!user_markers && strcmp(f->na_markers[i], "None") != 0 &&
		    marker_of_numbers(p, f->na_markers[i]))
			continue;
		if (user_markers || strcmp(f->na_markers[i], "None") != 0)
			return pf_warn(p,
				       "column '%s': the missing marker '%s' "
				       "removed %llu values, more than its "
				       "most common value (%llu)",
				       f->name, f->na_markers[i],
				       (unsigned long long)n,
				       (unsigned long long)top);
		/* (as every value of the training data: by key when the
		 * column has more values than are kept) */
		if ((f->evidence && ((pf_evidence *)f->evidence)->gather
			     ? pf_cat_count_sampled(f, f->evidence,
						    f->na_markers[i],
						    strlen(f->na_markers[i]), n)
			     : pf_cat_add(f, f->na_markers[i], n)) < 0)
			return DM_ENOMEM;
		f->missing -= n;
		f->count += n;
		free(f->na_markers[i]);
		memmove(&f->na_markers[i], &f->na_markers[i + 1],
			(f->nna - i - 1) * sizeof(*f->na_markers));
		memmove(&f->na_counts[i], &f->na_counts[i + 1],
			(f->nna - i - 1) * sizeof(*f->na_counts));
		f->nna--;
		if (f->ltype == DM_LTYPE_CATEGORICAL)
			set_reason(f,
				   "text values, %zu categories ('None' is "
				   "one)",
				   f->ncats);
		return pf_warn(p,
			       "column '%s': 'None' is its most common value "
			       "(%llu of %llu): kept as a category, not read "
			       "as missing (set missing markers in the spec "
			       "or with --missing-values to change this)",
			       f->name, (unsigned long long)n,
			       (unsigned long long)(f->count + f->missing));
	}
	return DM_OK;
}

/* name, all of it, as a number (strtod's forms, finite). */
static int name_is_number(const char *name, double *v)
{
	char *end;

	if (!*name || isspace((unsigned char)*name))
		return 0;
	*v = strtod(name, &end);
	return *end == 0 && isfinite(*v);
}

/*
 * A table without a header row has its first row read as the names when
 * the CSV reader could not tell (numbers over columns of text, one column
 * of numbers): every name a number ("59", "2", "32.1") says so, unless
 * they are a numbering (dmio_numbering: pandas' labels 0..n-1, years),
 * which the reader keeps as a header too.  A warning, as such a header
 * may be meant.
 */
static dm_err check_header_numbers(dm_profile *p)
{
	size_t i, n = 0;
	double *v;
	char ex[96];
	int len = 0, numbering;

	v = malloc((p->nfeat ? p->nfeat : 1) * sizeof(*v));
	if (!v)
		return DM_ENOMEM;
	for (i = 0; i < p->nfeat; i++) {
		const char *nm = p->feat[i].name;

		if (!p->feat[i].evidence || strncmp(nm, "Unnamed: ", 9) == 0)
			continue;
		if (!name_is_number(nm, &v[n])) {
			free(v);
			return DM_OK;
		}
		if (n < 3 && len < (int)sizeof(ex))
			len += snprintf(ex + len, sizeof(ex) - (size_t)len,
					"%s'%.20s'", n ? ", " : "", nm);
		n++;
	}
	numbering = dmio_numbering(v, n, n);
	free(v);
	if (n < 2 || numbering)
		return DM_OK;
	return pf_warn(p,
		       "every column name is a number (%s%s): if the file "
		       "has no header row, its first row was read as the "
		       "names and is not in the profile",
		       ex, n > 3 ? ", ..." : "");
}

int pf_placeholder(const char *s, size_t n)
{
	size_t i;

	if (n > 16) /* as a marker matches (na_match): never one per cell */
		return 0;
	while (n > 0 && s[n - 1] == ' ')
		n--;
	while (n > 0 && *s == ' ')
		s++, n--;
	if (n == 0 || n > 4)
		return 0;
	if ((n == 3 && (!memcmp(s, "\xE2\x80\x94", 3) || /* em dash */
			!memcmp(s, "\xE2\x80\x93", 3)))) /* en dash */
		return 1;
	for (i = 0; i < n; i++)
		if (!strchr(".-?*#/_~", s[i]) || !s[i])
			return 0;
	return 1;
}

/* The placeholders a column of numbers or dates took as missing values
 * (profile.c: add_numeric): said, as the user did not list them. */
static dm_err note_placeholders(dm_profile *p, const dm_feature *f,
				const pf_evidence *e)
{
	size_t i;
	dm_err err;

	if (!e || e->user_markers || f->type != DM_FEATURE_NUMERIC)
		return DM_OK;
	for (i = 0; i < f->nna; i++) {
		if (!f->na_counts[i] ||
		    !pf_placeholder(f->na_markers[i], strlen(f->na_markers[i])))
			continue;
		err = pf_warn(p,
			      "column '%s': '%s' read as a missing value "
			      "(%llu cells), a placeholder among %s (set "
			      "--missing-values or the spec's missing: to "
			      "choose the markers)",
			      f->name, f->na_markers[i],
			      (unsigned long long)f->na_counts[i],
			      f->ltype == DM_LTYPE_TIMESTAMP ? "dates"
							     : "numbers");
		if (err != DM_OK)
			return err;
	}
	return DM_OK;
}

dm_err pf_infer(dm_profile *p)
{
	size_t i;
	dm_err err;

	for (i = 0; i < p->nfeat; i++) {
		dm_feature *f = &p->feat[i];
		pf_evidence *e = f->evidence;

		if (!e)
			continue;
		if (!e->fixed_type) {
			decide_ltype(f, e);
		} else {
			if (f->ltype == DM_LTYPE_BOOLEAN &&
			    pf_canon_bool_cats(f) < 0)
				return DM_ENOMEM; /* values: add_boolean */
			set_reason(f, "%s", e->type_note);
		}
		if (e->fixed_role) {
			char type_why[sizeof(f->reason)];

			memcpy(type_why, f->reason, sizeof(type_why));
			if (strcmp(type_why, e->role_note))
				set_reason(f, "%s; %s", e->role_note, type_why);
			if (f->role == DM_ROLE_TEXT && !e->fixed_type)
				f->ltype = DM_LTYPE_TEXT;
			continue;
		}
		decide_role(f, e);
	}
	pick_event_time(p);
	for (i = 0; i < p->nfeat; i++) {
		dm_feature *f = &p->feat[i];
		pf_evidence *e = f->evidence;

		err = check_markers(p, f, e && e->user_markers);
		if (err != DM_OK)
			return err;
		err = note_placeholders(p, f, e);
		if (err != DM_OK)
			return err;
	}
	return check_header_numbers(p);
}

int pf_canon_bool_cats(dm_feature *f)
{
	uint64_t n[2] = {0, 0};
	size_t i;

	if (f->other)
		return -1;
	for (i = 0; i < f->ncats; i++) {
		const char *v = f->cats[i].value;
		int b = dm_parse_bool(v, strlen(v));

		if (b < 0)
			return -1;
		n[b] += f->cats[i].count;
	}
	for (i = 0; i < f->ncats; i++)
		free(f->cats[i].value);
	f->ncats = 0;
	free(f->hash);
	f->hash = NULL;
	f->hash_cap = 0;
	if (pf_cat_add(f, "false", n[0]) < 0 || pf_cat_add(f, "true", n[1]) < 0)
		return -1;
	return 0;
}
