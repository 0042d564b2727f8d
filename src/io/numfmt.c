/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Shortest round-trip text of a double, without printf on the common path
 * (moved here from the CSV writer so that JSON output shares it).  The
 * text is exactly what trying %.15g, %.16g and %.17g in turn, keeping the
 * first that strtod reads back to the same double, would give; integer
 * values below 1e15 are written without exponent or fraction ("3", "-0");
 * NaN and infinities as "nan", "inf", "-inf".
 */
#include <float.h>
#include <locale.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/numfmt.h"
#include "io/io_internal.h"

/* ------------------------------------------------------------------ */
/* Doubles                                                             */
/* ------------------------------------------------------------------ */

static const char digit_pairs[201] =
	"00010203040506070809101112131415161718192021222324252627282930313233"
	"34353637383940414243444546474849505152535455565758596061626364656667"
	"6869707172737475767778798081828384858687888990919293949596979899";

/* Writes the decimal digits of v; returns their count. */
static size_t put_u64(uint64_t v, char *out)
{
	size_t n = 1;
	char *p;

	while (n < 20 && v >= dmio_pow10_u64[n])
		n++;
	p = out + n;
	while (v >= 100) {
		const char *d = digit_pairs + 2 * (v % 100);

		v /= 100;
		*--p = d[1];
		*--p = d[0];
	}
	if (v >= 10) {
		*--p = digit_pairs[2 * v + 1];
		*--p = digit_pairs[2 * v];
	} else {
		*--p = (char)('0' + v);
	}
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
	double v;

	if (dmio_decimal_to_double(m, -k, &v))
		return v == x;
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
	size_t nd, o, i;
	int e10;

	while (m % 10 == 0) {
		m /= 10;
		k--;
	}
	for (nd = 1; nd < 20 && m >= dmio_pow10_u64[nd]; nd++)
		;
	e10 = (int)nd - 1 - k;
	if (e10 >= -4 && e10 < prec) {
		if (k <= 0) { /* ddd000 */
			o = put_u64(m, out);
			for (i = 0; i < (size_t)-k; i++)
				out[o++] = '0';
		} else if ((size_t)k < nd) { /* dd.ddd */
			o = put_u64(m, out);
			for (i = o; i > nd - (size_t)k; i--)
				out[i] = out[i - 1];
			out[nd - (size_t)k] = '.';
			o++;
		} else { /* 0.000ddd */
			out[0] = '0';
			out[1] = '.';
			o = 2;
			for (i = 0; i < (size_t)k - nd; i++)
				out[o++] = '0';
			o += put_u64(m, out + o);
		}
		return o;
	}
	/* d.ddde+XX: the digits go one place right, then the first moves
	 * back in front of the point */
	o = put_u64(m, out + 1) + 1;
	out[0] = out[1];
	if (nd > 1)
		out[1] = '.';
	else
		o = 1;
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

#if LDBL_MANT_DIG == 64 && (defined(__x86_64__) || defined(__i386__))
#define FAST_DIGITS 1
/* x > 0 to 17 significant digits, correctly rounded, by printf:
 * x ~ m * 10^(e10-16).  Returns 0 if the text is not as expected. */
static int digits17_printf(double x, uint64_t *m, int *e10)
{
	locale_t c = dmio_c_locale(), old = (locale_t)0;
	char tmp[40], *p;
	uint64_t v = 0;

	if (c != (locale_t)0)
		old = uselocale(c);
	snprintf(tmp, sizeof(tmp), "%.16e", x); /* d.dddddddddddddddde+XX */
	if (c != (locale_t)0)
		uselocale(old);
	for (p = tmp; *p && *p != 'e'; p++)
		if (*p >= '0' && *p <= '9')
			v = v * 10 + (uint64_t)(*p - '0');
	if (*p != 'e')
		return 0;
	*m = v;
	*e10 = (int)strtol(p + 1, NULL, 10);
	return 1;
}

#ifdef __SIZEOF_INT128__
typedef unsigned __int128 u128;

static const uint64_t pow5[28] = {
	1ULL,
	5ULL,
	25ULL,
	125ULL,
	625ULL,
	3125ULL,
	15625ULL,
	78125ULL,
	390625ULL,
	1953125ULL,
	9765625ULL,
	48828125ULL,
	244140625ULL,
	1220703125ULL,
	6103515625ULL,
	30517578125ULL,
	152587890625ULL,
	762939453125ULL,
	3814697265625ULL,
	19073486328125ULL,
	95367431640625ULL,
	476837158203125ULL,
	2384185791015625ULL,
	11920928955078125ULL,
	59604644775390625ULL,
	298023223876953125ULL,
	1490116119384765625ULL,
	7450580596923828125ULL,
};

/*
 * Sign of 2 * x * 10^k - n, exactly, for x > 0 normal, |k| <= 27 and
 * n < 2^62.  With x = M * 2^E (M < 2^53) and 10^k = 5^k * 2^k this is
 * M * 5^k * 2^(E+k+1) against n (k >= 0), or M * 2^(E+k+1) against
 * n * 5^-k (k < 0): integers below 2^121 before the shift.
 */
static int cmp_twice_scaled(double x, int k, uint64_t n)
{
	int e2, s;
	uint64_t M = (uint64_t)ldexp(frexp(x, &e2), 53);
	u128 a, b;

	s = e2 - 53 + k + 1;
	if (k >= 0) {
		a = (u128)M * pow5[k];
		b = n;
	} else {
		a = M;
		b = (u128)n * pow5[-k];
	}
	if (s >= 0) {
		if (s >= 127 || (a >> (127 - s)) != 0)
			return 1; /* a * 2^s >= 2^127 > b */
		a <<= s;
	} else {
		if (-s >= 127 || (b >> (127 + s)) != 0)
			return -1;
		b <<= -s;
	}
	return (a > b) - (a < b);
}
#endif

/*
 * round(x * 10^k) for |k| <= 27 and x * 10^k < 2^60, rounding an exact
 * tie to even as printf does.  The long double product is within
 * 0.0055 units of the exact value; only when it is within 0.01 of a
 * tie is the exact comparison needed.  Returns 0 if it cannot decide
 * (no 128-bit integers).
 */
static int scaled(double x, int k, uint64_t *m)
{
	/* Adding 1.5 * 2^63 rounds p to an integer that is then the
	 * significand's value (x87 layout: the low 8 bytes): no slow
	 * float-to-integer conversion. */
	const long double magic = 0x1.8p63L;
	long double p = k >= 0 ? (long double)x * dmio_pow10_ld[k]
			       : (long double)x / dmio_pow10_ld[-k];
	long double q = p + magic, frac;
	uint64_t r;

	memcpy(&r, &q, sizeof(r));
	r -= 0xC000000000000000ULL; /* round(p) */
	frac = p - (q - magic);	    /* in [-0.5, 0.5] */
	if (frac > 0.49L || frac < -0.49L) {
#ifdef __SIZEOF_INT128__
		uint64_t f = frac > 0 ? r : r - 1; /* floor(p) */
		int c = cmp_twice_scaled(x, k, 2 * f + 1);

		*m = f + (c > 0 || (c == 0 && (f & 1)));
		return 1;
#else
		return 0;
#endif
	}
	*m = r;
	return 1;
}
#endif

/* Shortest round-trip text of x > 0, finite.  Returns the length. */
static size_t shortest_positive(double x, char *out)
{
#ifdef FAST_DIGITS
	int e2, e10, ok;
	uint64_t m17, c;

	frexp(x, &e2); /* x in [2^(e2-1), 2^e2) */
	e10 = (int)floor((e2 - 1) * 0.30102999566398120); /* <= log10 x */
	if (e10 < -11 || e10 > 40)
		goto slow;
	/* m17: the 17 significant digits, correctly rounded */
	ok = scaled(x, 16 - e10, &m17);
	if (ok && m17 >= 100000000000000000ULL) { /* e10 was one low */
		e10++;
		ok = scaled(x, 16 - e10, &m17);
	}
	if (!ok && !digits17_printf(x, &m17, &e10))
		goto slow;
	if (m17 >= 100000000000000000ULL || m17 < 10000000000000000ULL)
		goto slow; /* cannot happen */
	/*
	 * 15 and 16 digits, rounded from m17: exact unless m17 ends in
	 * 50 (resp. 5), when x itself decides the rounding.
	 */
	if (m17 % 100 != 50)
		c = (m17 + 50) / 100;
	else if (!scaled(x, 14 - e10, &c))
		goto slow;
	if (reads_back(c, 14 - e10, x))
		return put_decimal(c, 14 - e10, 15, out);
	if (m17 % 10 != 5)
		c = (m17 + 5) / 10;
	else if (!scaled(x, 15 - e10, &c))
		goto slow;
	if (reads_back(c, 15 - e10, x))
		return put_decimal(c, 15 - e10, 16, out);
	return put_decimal(m17, 16 - e10, 17, out);
slow:
#endif
	return shortest_printf(x, out);
}

/* Text of a double cell; out has room for 32 bytes. */
size_t dmio_numfmt_double(double x, char *out)
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
