/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Decimal text to double, correctly rounded (bit-for-bit what strtod and
 * Python's float() give), for CSV cells.
 *
 * Accepted (the whole text must match, else -1):
 *   [ws] [+|-] digits [. [digits]] [(e|E) [+|-] digits] [ws]
 *   [ws] [+|-] . digits [(e|E) [+|-] digits] [ws]
 *   [ws] [+|-] (nan | inf | infinity) [ws]      (any letter case)
 * where ws is any run of ASCII white space (space, \t, \n, \v, \f, \r).
 * So "1", "-2.5", " .5 ", "5.", "1e5", "1E-5", "+0", "NaN", "-Infinity"
 * parse; "", " ", ".", "1,5", "0x1p3" (hex: Python's float() rejects it
 * too), "1e", "1e+", "--1", "+-1", "1.2.3", "1_000" (Python accepts
 * underscores; we do not), "nan(123)", "infinit" and embedded spaces
 * ("1 2") do not.
 * Results: "-0" is -0.0; "-nan" is a NaN with the sign bit set (as
 * strtod and float() give); overflow gives +-inf and underflow +-0 or a
 * subnormal, as strtod does (it is not an error, matching float()).
 *
 * Method: the significant digits (up to 19) are accumulated in a
 * uint64.  If all digits fit, the mantissa is at most 2^53 and the power
 * of ten is at most 22 (Clinger's fast path), m and 10^|e| are both
 * exact doubles and one IEEE multiply or divide rounds correctly.  (Also
 * when e > 22 but m * 10^(e-22) is still an exact integer <= 2^53.)
 * On x86 a second exact path covers 19-digit mantissas with |e| <= 27
 * (see ld_path).  Every other input is handed, already validated, to
 * strtod on a NUL-terminated copy, in the "C" locale so that '.' is the
 * decimal point whatever setlocale() did.
 */
#include <float.h>
#include <locale.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "driftmon/table.h"
#include "io/io_internal.h"

/* Clinger's fast path needs double arithmetic without excess precision
 * (x87 would round twice). */
#if defined(FLT_EVAL_METHOD) && FLT_EVAL_METHOD == 0
#define FAST_PATH 1
#else
#define FAST_PATH 0
#endif

#define TWO53 ((uint64_t)1 << 53)

/* Exactly representable powers of ten. */
static const double pow10_exact[23] = {
	1e0,  1e1,  1e2,  1e3,	1e4,  1e5,  1e6,  1e7,	1e8,  1e9,  1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
};

/*
 * Mantissas of up to 19 digits with |e| <= 27 (the 17-digit text Python
 * writes for arbitrary doubles) on x86: m < 2^64 and 10^|e| (5^27 < 2^63)
 * are exact in the x87 long double (64-bit significand), so one long
 * double multiply or divide gives L, the correctly rounded 64-bit value
 * of m * 10^e, and converting L to double rounds a second time.  That
 * double rounding differs from rounding m * 10^e directly only if L is
 * exactly halfway between two doubles: any 53-bit rounding boundary is
 * itself a 64-bit value, so none can lie strictly between the exact
 * value and its nearest 64-bit neighbour L.  So: unless L's 11 bits
 * below the double's last bit read 10000000000, (double)L is correctly
 * rounded (all results are normal doubles); otherwise strtod decides.
 * This needs the x87 precision control at its default (64 bits), which
 * is checked, cheaply, every time.
 */
#if FAST_PATH && LDBL_MANT_DIG == 64 &&                                        \
	(defined(__x86_64__) || defined(__i386__))
#define LD_PATH 1
static int ld_path(uint64_t m, int e, double *out)
{
	volatile long double one = 1.0L, tiny = 0x1p-63L;
	long double l;
	uint64_t sig;

	if (one + tiny == one)
		return 0; /* x87 set to a shorter precision */
	l = (long double)m;
	l = e >= 0 ? l * dmio_pow10_ld[e] : l / dmio_pow10_ld[-e];
	memcpy(&sig, &l, sizeof(sig)); /* x87: the low 8 bytes hold the
					* significand, integer bit included */
	if ((sig & 0x7FF) == 0x400)
		return 0;
	*out = (double)l;
	return 1;
}
#else
#define LD_PATH 0
#endif

static pthread_once_t c_locale_once = PTHREAD_ONCE_INIT;
static locale_t c_locale = (locale_t)0;

static void c_locale_init(void)
{
	c_locale = newlocale(LC_ALL_MASK, "C", (locale_t)0);
}

locale_t dmio_c_locale(void)
{
	pthread_once(&c_locale_once, c_locale_init);
	return c_locale;
}

static int is_space(unsigned char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

static int lower(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

/* Does [p, p+n) equal the lower-case word w, ignoring case? */
static int word_is(const char *p, size_t n, const char *w)
{
	size_t i;

	if (strlen(w) != n)
		return 0;
	for (i = 0; i < n; i++)
		if (lower((unsigned char)p[i]) != w[i])
			return 0;
	return 1;
}

/* Correctly rounded conversion of validated text [p, p+n) by strtod. */
static double slow_path(const char *p, size_t n)
{
	char stackbuf[128], *buf = stackbuf, *end;
	double v;

	if (n >= sizeof(stackbuf)) {
		buf = malloc(n + 1);
		if (!buf)
			return NAN; /* caller checks */
	}
	memcpy(buf, p, n);
	buf[n] = 0;
	if (dmio_c_locale() != (locale_t)0)
		v = strtod_l(buf, &end, c_locale);
	else
		v = strtod(buf, &end);
	if (buf != stackbuf)
		free(buf);
	return v;
}

int dmio_decimal_to_double(uint64_t m, long e, double *out)
{
	if (m == 0) {
		*out = 0.0;
		return 1;
	}
	if (FAST_PATH && m <= TWO53) {
		double v = (double)m;

		if (e >= 0 && e <= 22) {
			*out = v * pow10_exact[e];
			return 1;
		}
		if (e < 0 && e >= -22) {
			*out = v / pow10_exact[-e];
			return 1;
		}
		if (e > 22 && e <= 22 + 15 &&
		    m <= TWO53 / dmio_pow10_u64[e - 22]) {
			*out = (double)(m * dmio_pow10_u64[e - 22]) * 1e22;
			return 1;
		}
	}
#if LD_PATH
	if (e >= -27 && e <= 27 && ld_path(m, (int)e, out))
		return 1;
#endif
	return 0;
}

int dm_parse_double(const char *s, size_t len, double *out)
{
	const char *p = s, *end = s + len, *num;
	uint64_t m = 0;
	int neg = 0, nd = 0, truncated = 0, ndigits = 0;
	long dexp = 0, e = 0;

	while (p < end && is_space((unsigned char)*p))
		p++;
	while (end > p && is_space((unsigned char)end[-1]))
		end--;
	num = p;
	if (p < end && (*p == '+' || *p == '-'))
		neg = *p++ == '-';
	if (p == end)
		return -1;
	if (lower((unsigned char)*p) == 'n' ||
	    lower((unsigned char)*p) == 'i') {
		size_t n = (size_t)(end - p);

		if (word_is(p, n, "nan"))
			*out = neg ? copysign(NAN, -1.0) : NAN;
		else if (word_is(p, n, "inf") || word_is(p, n, "infinity"))
			*out = neg ? -INFINITY : INFINITY;
		else
			return -1;
		return 0;
	}

	/* Integer part. */
	for (; p < end && (unsigned)(*p - '0') < 10; p++) {
		unsigned d = (unsigned)(*p - '0');

		ndigits++;
		if (nd < 19) {
			m = m * 10 + d;
			nd += m != 0; /* leading zeros are not significant */
		} else {
			dexp++;
			truncated |= d != 0;
		}
	}
	/* Fraction. */
	if (p < end && *p == '.') {
		for (p++; p < end && (unsigned)(*p - '0') < 10; p++) {
			unsigned d = (unsigned)(*p - '0');

			ndigits++;
			if (nd < 19) {
				m = m * 10 + d;
				nd += m != 0;
				dexp--;
			} else {
				truncated |= d != 0;
			}
		}
	}
	if (ndigits == 0)
		return -1;
	/* Exponent. */
	if (p < end && (*p == 'e' || *p == 'E')) {
		int eneg = 0, edigits = 0;

		p++;
		if (p < end && (*p == '+' || *p == '-'))
			eneg = *p++ == '-';
		for (; p < end && (unsigned)(*p - '0') < 10; p++) {
			edigits++;
			if (e < 1000000)
				e = e * 10 + (*p - '0');
		}
		if (!edigits)
			return -1;
		if (eneg)
			e = -e;
	}
	if (p != end)
		return -1;

	e += dexp;
	if (m == 0) {
		*out = neg ? -0.0 : 0.0;
		return 0;
	}
	if (!truncated && dmio_decimal_to_double(m, e, out)) {
		if (neg)
			*out = -*out;
		return 0;
	}
	*out = slow_path(num, (size_t)(end - num));
	if (isnan(*out))
		return -1; /* out of memory: no valid number is NaN here */
	return 0;
}
