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

/*
 * Mantissas of up to 19 digits (m < 2^64) with |e| <= 27, by 128-bit
 * integer arithmetic (the method of Eisel and Lemire, "Number parsing at
 * a gigabyte per second", written here from its description):
 * m * 10^e = m * 5^e * 2^e, and 5^e is kept as a 128-bit T with
 * 5^e ~= T * 2^e2, T in [2^127, 2^128): exact for e >= 0 (5^27 < 2^63),
 * and the truncation floor(2^-e2 / 5^-e) for e < 0 (never exact).  The
 * 192-bit product P = (m << lz) * T then holds the result's 53 bits, the
 * round bit and everything below it:
 *   e >= 0: P is exact, so rounding to nearest-even is exact too;
 *   e < 0:  the true product is P + eta with 0 < eta < 2^64 (2^65 after
 *           the normalising shift), so it lies strictly above P: the
 *           result rounds up exactly when P's round bit is set, unless
 *           adding eta could carry into the round bit, which needs the 10
 *           bits below it and the next 62 all ones.  Then (a true tie,
 *           m divisible by 5^-e, comes out that way) the caller asks
 *           another path.
 * Every result in this range is a normal double (10^-27 * 1 > 2^-90,
 * 10^27 * 2^64 < 2^154).
 */
#define EL_QMIN (-27)
#define EL_QMAX 27

const dmio_pow5_128 dmio_pow5_tab[EL_QMAX - EL_QMIN + 1] = {
	{0x9E74D1B791E07E48ULL, 0x775EA264CF55347DULL, -190}, /* 5^-27 */
	{0xC612062576589DDAULL, 0x95364AFE032A819DULL, -188}, /* 5^-26 */
	{0xF79687AED3EEC551ULL, 0x3A83DDBD83F52204ULL, -186}, /* 5^-25 */
	{0x9ABE14CD44753B52ULL, 0xC4926A9672793542ULL, -183}, /* 5^-24 */
	{0xC16D9A0095928A27ULL, 0x75B7053C0F178293ULL, -181}, /* 5^-23 */
	{0xF1C90080BAF72CB1ULL, 0x5324C68B12DD6338ULL, -179}, /* 5^-22 */
	{0x971DA05074DA7BEEULL, 0xD3F6FC16EBCA5E03ULL, -176}, /* 5^-21 */
	{0xBCE5086492111AEAULL, 0x88F4BB1CA6BCF584ULL, -174}, /* 5^-20 */
	{0xEC1E4A7DB69561A5ULL, 0x2B31E9E3D06C32E5ULL, -172}, /* 5^-19 */
	{0x9392EE8E921D5D07ULL, 0x3AFF322E62439FCFULL, -169}, /* 5^-18 */
	{0xB877AA3236A4B449ULL, 0x09BEFEB9FAD487C2ULL, -167}, /* 5^-17 */
	{0xE69594BEC44DE15BULL, 0x4C2EBE687989A9B3ULL, -165}, /* 5^-16 */
	{0x901D7CF73AB0ACD9ULL, 0x0F9D37014BF60A10ULL, -162}, /* 5^-15 */
	{0xB424DC35095CD80FULL, 0x538484C19EF38C94ULL, -160}, /* 5^-14 */
	{0xE12E13424BB40E13ULL, 0x2865A5F206B06FB9ULL, -158}, /* 5^-13 */
	{0x8CBCCC096F5088CBULL, 0xF93F87B7442E45D3ULL, -155}, /* 5^-12 */
	{0xAFEBFF0BCB24AAFEULL, 0xF78F69A51539D748ULL, -153}, /* 5^-11 */
	{0xDBE6FECEBDEDD5BEULL, 0xB573440E5A884D1BULL, -151}, /* 5^-10 */
	{0x89705F4136B4A597ULL, 0x31680A88F8953030ULL, -148}, /* 5^-9 */
	{0xABCC77118461CEFCULL, 0xFDC20D2B36BA7C3DULL, -146}, /* 5^-8 */
	{0xD6BF94D5E57A42BCULL, 0x3D32907604691B4CULL, -144}, /* 5^-7 */
	{0x8637BD05AF6C69B5ULL, 0xA63F9A49C2C1B10FULL, -141}, /* 5^-6 */
	{0xA7C5AC471B478423ULL, 0x0FCF80DC33721D53ULL, -139}, /* 5^-5 */
	{0xD1B71758E219652BULL, 0xD3C36113404EA4A8ULL, -137}, /* 5^-4 */
	{0x83126E978D4FDF3BULL, 0x645A1CAC083126E9ULL, -134}, /* 5^-3 */
	{0xA3D70A3D70A3D70AULL, 0x3D70A3D70A3D70A3ULL, -132}, /* 5^-2 */
	{0xCCCCCCCCCCCCCCCCULL, 0xCCCCCCCCCCCCCCCCULL, -130}, /* 5^-1 */
	{0x8000000000000000ULL, 0x0000000000000000ULL, -127}, /* 5^0 */
	{0xA000000000000000ULL, 0x0000000000000000ULL, -125}, /* 5^1 */
	{0xC800000000000000ULL, 0x0000000000000000ULL, -123}, /* 5^2 */
	{0xFA00000000000000ULL, 0x0000000000000000ULL, -121}, /* 5^3 */
	{0x9C40000000000000ULL, 0x0000000000000000ULL, -118}, /* 5^4 */
	{0xC350000000000000ULL, 0x0000000000000000ULL, -116}, /* 5^5 */
	{0xF424000000000000ULL, 0x0000000000000000ULL, -114}, /* 5^6 */
	{0x9896800000000000ULL, 0x0000000000000000ULL, -111}, /* 5^7 */
	{0xBEBC200000000000ULL, 0x0000000000000000ULL, -109}, /* 5^8 */
	{0xEE6B280000000000ULL, 0x0000000000000000ULL, -107}, /* 5^9 */
	{0x9502F90000000000ULL, 0x0000000000000000ULL, -104}, /* 5^10 */
	{0xBA43B74000000000ULL, 0x0000000000000000ULL, -102}, /* 5^11 */
	{0xE8D4A51000000000ULL, 0x0000000000000000ULL, -100}, /* 5^12 */
	{0x9184E72A00000000ULL, 0x0000000000000000ULL, -97},  /* 5^13 */
	{0xB5E620F480000000ULL, 0x0000000000000000ULL, -95},  /* 5^14 */
	{0xE35FA931A0000000ULL, 0x0000000000000000ULL, -93},  /* 5^15 */
	{0x8E1BC9BF04000000ULL, 0x0000000000000000ULL, -90},  /* 5^16 */
	{0xB1A2BC2EC5000000ULL, 0x0000000000000000ULL, -88},  /* 5^17 */
	{0xDE0B6B3A76400000ULL, 0x0000000000000000ULL, -86},  /* 5^18 */
	{0x8AC7230489E80000ULL, 0x0000000000000000ULL, -83},  /* 5^19 */
	{0xAD78EBC5AC620000ULL, 0x0000000000000000ULL, -81},  /* 5^20 */
	{0xD8D726B7177A8000ULL, 0x0000000000000000ULL, -79},  /* 5^21 */
	{0x878678326EAC9000ULL, 0x0000000000000000ULL, -76},  /* 5^22 */
	{0xA968163F0A57B400ULL, 0x0000000000000000ULL, -74},  /* 5^23 */
	{0xD3C21BCECCEDA100ULL, 0x0000000000000000ULL, -72},  /* 5^24 */
	{0x84595161401484A0ULL, 0x0000000000000000ULL, -69},  /* 5^25 */
	{0xA56FA5B99019A5C8ULL, 0x0000000000000000ULL, -67},  /* 5^26 */
	{0xCECB8F27F4200F3AULL, 0x0000000000000000ULL, -65},  /* 5^27 */
};

static inline void mul_64x64(uint64_t a, uint64_t b, uint64_t *hi, uint64_t *lo)
{
	unsigned __int128 p = (unsigned __int128)a * b;

	*hi = (uint64_t)(p >> 64);
	*lo = (uint64_t)p;
}

static inline int el_path(uint64_t m, long e, double *out)
{
	const dmio_pow5_128 *t;
	uint64_t a1, a0, b1, b0, p2, p1, p0, mant, bits;
	int lz, sh, rb;
	long be;

	if (m == 0 || e < EL_QMIN || e > EL_QMAX)
		return 0;
	t = &dmio_pow5_tab[e - EL_QMIN];
	lz = __builtin_clzll(m);
	m <<= lz;
	/* P = m * (hi * 2^64 + lo), 192 bits in p2:p1:p0 */
	mul_64x64(m, t->lo, &a1, &a0);
	mul_64x64(m, t->hi, &b1, &b0);
	p0 = a0;
	p1 = a1 + b0;
	p2 = b1 + (p1 < b0);
	/* P is in [2^190, 2^192): make its top bit bit 63 of p2 */
	sh = !(p2 >> 63);
	if (sh) {
		p2 = (p2 << 1) | (p1 >> 63);
		p1 = (p1 << 1) | (p0 >> 63);
		p0 <<= 1;
	}
	mant = p2 >> 11; /* 53 bits */
	rb = (int)((p2 >> 10) & 1);
	if (e >= 0) { /* exact: to nearest, ties to even */
		int sticky = ((p2 & 0x3FF) | p1 | p0) != 0;

		mant += rb & (sticky | (int)(mant & 1));
	} else {
		if ((p2 & 0x3FF) == 0x3FF && p1 >= UINT64_MAX - 4)
			return 0; /* eta might carry into the round bit */
		mant += (uint64_t)rb;
	}
	/* value = mant * 2^be */
	be = 139 + t->e2 + e - lz - sh;
	if (mant >> 53) { /* rounded up to 2^53 */
		mant >>= 1;
		be++;
	}
	be += 52 + 1023; /* the biased exponent */
	if (be < 1 || be > 2046)
		return 0; /* cannot happen in this range; be safe */
	bits = ((uint64_t)be << 52) | (mant & (((uint64_t)1 << 52) - 1));
	memcpy(out, &bits, sizeof(*out));
	return 1;
}

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
__attribute__((noinline)) static double slow_path(const char *p, size_t n)
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

int dmio_el_path(uint64_t m, long e, double *out)
{
	return el_path(m, e, out);
}

__attribute__((always_inline)) static inline int
decimal_to_double(uint64_t m, long e, double *out)
{
	if (m == 0) {
		*out = 0.0;
		return 1;
	}
	if (e == 0 && m <= TWO53) { /* exact */
		*out = (double)m;
		return 1;
	}
	/* one path for a column of mixed 16- and 17-digit decimals: no
	 * branch on the mantissa's size to mispredict */
	if (el_path(m, e, out))
		return 1;
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

int dmio_decimal_to_double(uint64_t m, long e, double *out)
{
	return decimal_to_double(m, e, out);
}

/*
 * The common case first: "[-]digits[.digits][(e|E)[+|-]digits]" with no
 * white space, at most 19 significant digits and at most 4 exponent
 * digits, converted by a fast path.  Returns 1 with *out set, or 0 when
 * the text is anything else (then dm_parse_double's general code decides,
 * so this changes no result: both compute the same m and e).  Digits are
 * taken 8 at a time when 8 bytes remain ("SWAR": the bytes of a uint64).
 */
#define ONES8 0x0101010101010101ULL

/* The number of leading decimal digits among the 8 bytes of v (first byte
 * lowest), and in *d the bytes minus '0'. */
static inline unsigned swar_digits(uint64_t v, uint64_t *d)
{
	uint64_t x = v ^ (0x30 * ONES8); /* digits -> 0..9 */
	/* per byte: top bit set unless x is 0..9 (no carry between bytes:
	 * (x & 0x7F) + 0x76 <= 0xF5) */
	uint64_t t =
		((((x & (0x7F * ONES8)) + 0x76 * ONES8) | x) & (0x80 * ONES8));

	*d = x;
	return t ? (unsigned)__builtin_ctzll(t) >> 3 : 8;
}

/* Takes the leading digits of the 8 bytes v (n of them) into m; returns
 * n, or -1 past 19 significant digits. */
__attribute__((always_inline)) static inline int take8(uint64_t v, uint64_t *m,
						       int *nd)
{
	uint64_t d;
	unsigned n = swar_digits(v, &d);

	if (n == 0)
		return 0;
	if (*nd + (int)n > 19)
		return -1;
	/* n < 8: the digits moved to the top bytes, zeros below them */
	*m = *m * dmio_pow10_u64[n] + dmio_swar_value8(d << (8 * (8 - n)));
	*nd += (int)n;
	return (int)n;
}

/* Appends the digits at p to m (nd digits so far); returns the end of
 * the digits, or NULL past 19 significant digits.  s is the start of
 * the text: fewer than 8 bytes before its end are read as the last 8
 * bytes of the text, shifted (never a byte outside [s, end)). */
__attribute__((always_inline)) static inline const char *
take_digits(const char *s, const char *p, const char *end, uint64_t *m, int *nd)
{
	uint64_t v;
	int n;

	while (end - p >= 8) {
		memcpy(&v, p, 8);
		n = take8(v, m, nd);
		if (n < 0)
			return NULL;
		p += n;
		if (n < 8)
			return p;
	}
	if (p == end)
		return p;
	if (end - s >= 8) {
		memcpy(&v, end - 8, 8);
		/* the end - p bytes at p to the bottom, NULs (not digits)
		 * above them */
		n = take8(v >> (8 * (8 - (end - p))), m, nd);
		return n < 0 ? NULL : p + n;
	}
	for (; p < end && (unsigned)(*p - '0') < 10; p++) {
		if (*nd >= 19)
			return NULL;
		*m = *m * 10 + (unsigned)(*p - '0');
		++*nd;
	}
	return p;
}

__attribute__((always_inline)) static inline int
parse_plain(const char *s, const char *end, double *out)
{
	const char *p = s, *f;
	uint64_t m = 0;
	int neg = 0, nd = 0, any;
	long e = 0;

	if (p < end && *p == '-') {
		neg = 1;
		p++;
	}
	f = p;
	while (p < end && *p == '0') /* leading zeros: not significant */
		p++;
	p = take_digits(s, p, end, &m, &nd);
	if (!p)
		return 0;
	any = p > f;
	if (p < end && *p == '.') {
		f = ++p;
		if (nd == 0)
			while (p < end && *p == '0')
				p++;
		p = take_digits(s, p, end, &m, &nd);
		if (!p)
			return 0;
		e = -(long)(p - f); /* every fraction digit, zeros too */
		any |= p > f;
	}
	if (!any)
		return 0;
	if (p < end && (*p == 'e' || *p == 'E')) {
		const char *x;
		int eneg = 0;
		long ex = 0;

		if (++p < end && (*p == '+' || *p == '-'))
			eneg = *p++ == '-';
		/* at most 4 digits: longer exponents (no overflow here) go
		 * to the general code */
		for (x = p; p < end && (unsigned)(*p - '0') < 10 && p - x < 5;
		     p++)
			ex = ex * 10 + (*p - '0');
		if (p == x || p - x > 4)
			return 0;
		e += eneg ? -ex : ex;
	}
	if (p != end)
		return 0;
	if (m == 0)
		*out = 0.0;
	else if (!decimal_to_double(m, e, out))
		return 0;
	if (neg)
		*out = -*out;
	return 1;
}

/* Everything parse_plain leaves: white space, '+', "nan", "inf", more
 * than 19 digits, long exponents, and what no fast path converts. */
__attribute__((noinline)) static int parse_general(const char *s, size_t len,
						   double *out)
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
	if (!truncated && decimal_to_double(m, e, out)) {
		if (neg)
			*out = -*out;
		return 0;
	}
	*out = slow_path(num, (size_t)(end - num));
	if (isnan(*out))
		return -1; /* out of memory: no valid number is NaN here */
	return 0;
}

int dm_parse_double(const char *s, size_t len, double *out)
{
	if (parse_plain(s, s + len, out))
		return 0;
	return parse_general(s, len, out);
}

/* c's value into *x: 1 if it is a finite number, else 0 (not a number,
 * inf or NaN: the caller's to judge). */
static inline int cell_finite(const dm_strref *c, double *x)
{
	uint64_t u;

	if (!parse_plain(c->ptr, c->ptr + c->len, x) &&
	    parse_general(c->ptr, c->len, x) != 0)
		return 0;
	memcpy(&u, x, sizeof(u));
	return (u & UINT64_C(0x7ff0000000000000)) !=
	       UINT64_C(0x7ff0000000000000);
}

size_t dmio_parse_cells(const dm_strref *cells, const uint8_t *null, size_t n,
			double *out, double *byrow, size_t *nout,
			uint64_t *missing)
{
	size_t i, k = 0;
	uint64_t miss = 0;

	for (i = 0; i < n; i++) {
		const dm_strref *c = &cells[i];
		double x;

		if (null && null[i]) {
			miss++;
			continue;
		}
		if (!cell_finite(c, &x))
			break;
		out[k++] = x;
		if (byrow)
			byrow[i] = x;
	}
	*nout = k;
	*missing += miss;
	return i;
}

int dmio_parse_decimal_comma(const char *s, size_t n, double *out)
{
	char buf[64];
	const char *comma;

	/* a second ',' or a '.' then makes it no number */
	if (n == 0 || n >= sizeof(buf) || !(comma = memchr(s, ',', n)))
		return -1;
	memcpy(buf, s, n);
	buf[comma - s] = '.';
	return dm_parse_double(buf, n, out);
}

int dmio_parse_text_number(const char *s, size_t n, int dc, double *out)
{
	if (dm_parse_double(s, n, out) == 0)
		return 0;
	return dc ? dmio_parse_decimal_comma(s, n, out) : -1;
}

/* The currency signs taken before or after a formatted number (UTF-8). */
static const char *const currency[] = {"$", "\xe2\x82\xac", "\xc2\xa3",
				       "\xc2\xa5", "\xe2\x82\xb9"};

/* The length of the currency sign at p (before end), or 0. */
static size_t currency_at(const char *p, const char *end)
{
	size_t i, l;

	for (i = 0; i < sizeof(currency) / sizeof(currency[0]); i++) {
		l = strlen(currency[i]);
		if ((size_t)(end - p) >= l && memcmp(p, currency[i], l) == 0)
			return l;
	}
	return 0;
}

/* The length of the currency sign that ends at end (after p), or 0. */
static size_t currency_before(const char *p, const char *end)
{
	size_t i, l;

	for (i = 0; i < sizeof(currency) / sizeof(currency[0]); i++) {
		l = strlen(currency[i]);
		if ((size_t)(end - p) >= l &&
		    memcmp(end - l, currency[i], l) == 0)
			return l;
	}
	return 0;
}

/* A space of a formatted number at p: ' ', or U+00A0 / U+202F (no-break
 * spaces, what spreadsheets group thousands with in French); its length
 * or 0. */
static size_t space_at(const char *p, const char *end)
{
	if (p < end && *p == ' ')
		return 1;
	if (end - p >= 2 && memcmp(p, "\xc2\xa0", 2) == 0)
		return 2;
	if (end - p >= 3 && memcmp(p, "\xe2\x80\xaf", 3) == 0)
		return 3;
	return 0;
}

int dmio_parse_formatted_number(const char *s, size_t n, int dc, double *out)
{
	const char *p = s, *end = s + n;
	char buf[64];
	size_t o = 0, l, digits, group, first = 0, mid = 0;
	int neg = 0, marks = 0, paren = 0, any = 0;
	char gsep = dc ? '.' : ',', dsep = dc ? ',' : '.';

	while (p < end && (l = space_at(p, end)) != 0)
		p += l;
	while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	if (p < end && *p == '(' && end[-1] == ')') {
		paren = neg = 1;
		p++;
		end--;
	}
	if (p < end && (*p == '-' || *p == '+')) {
		neg ^= *p == '-';
		p++;
	}
	if ((l = currency_at(p, end)) != 0) {
		p += l;
		marks++;
		while ((l = space_at(p, end)) != 0)
			p += l;
		if (p < end && (*p == '-' || *p == '+') && !paren) {
			neg ^= *p == '-';
			p++;
		}
	}
	/* after it: '%' or a currency sign, with spaces before them */
	if (end > p && end[-1] == '%') {
		end--;
		marks++;
	} else if ((l = currency_before(p, end)) != 0) {
		end -= l;
		marks++;
	}
	while (end > p &&
	       (end[-1] == ' ' ||
		(end - p >= 2 && memcmp(end - 2, "\xc2\xa0", 2) == 0)))
		end -= end[-1] == ' ' ? 1 : 2;
	if (p == end || (unsigned)(*p - '0') >= 10 ||
	    (*p == '0' && p + 1 < end && (unsigned)(p[1] - '0') < 10))
		return -1;
	if (paren)
		marks++;
	if (neg)
		buf[o++] = '-';
	/* the integer part: a first group of 1-3 digits, then groups of 3
	 * after a separator, or plain digits if there is no separator */
	digits = 0;
	group = 0;
	for (; p < end; p++) {
		if ((unsigned)(*p - '0') < 10) {
			if (o + 2 >= sizeof(buf))
				return -1;
			buf[o++] = *p;
			digits++;
			group++;
			any = 1;
			continue;
		}
		l = *p == gsep ? 1 : dc ? space_at(p, end) : 0;
		if (!l || p + l >= end || (unsigned)(p[l] - '0') >= 10)
			break;
		/* a separator: the group before it complete */
		if (digits == group) { /* the first group */
			if (group > 3 || (group == 1 && buf[o - 1] == '0'))
				return -1;
			first = group;
		} else if ((group != 3 && group != 2) ||
			   (mid && group != mid) || (group == 2 && first > 2)) {
			return -1;
		} else {
			mid = group;
		}
		group = 0;
		marks += 1000; /* grouped: a mark */
		p += l - 1;
	}
	if (marks >= 1000 && group != 3)
		return -1;
	if (p < end && *p == dsep) {
		buf[o++] = '.';
		for (p++; p < end && (unsigned)(*p - '0') < 10; p++) {
			if (o + 1 >= sizeof(buf))
				return -1;
			buf[o++] = *p;
		}
	}
	if (p != end || !any || marks == 0)
		return -1;
	return dm_parse_double(buf, o, out) == 0 && isfinite(*out) ? 0 : -1;
}

double dmio_parse_num(const char *s, size_t n)
{
	double x;

	return parse_plain(s, s + n, &x) ? x : NAN;
}

size_t dmio_parse_cells_pre(const dm_strref *cells, const uint8_t *null,
			    const double *pre, size_t n, double *out,
			    size_t *nout, uint64_t *missing)
{
	size_t i, k = 0;
	uint64_t miss = 0;

	for (i = 0; i < n; i++) {
		const dm_strref *c;
		double x = pre[i];

		if (null && null[i]) {
			miss++;
			continue;
		}
		if (!isnan(x)) { /* parse_plain's value: finite */
			out[k++] = x;
			continue;
		}
		c = &cells[i];
		if (!cell_finite(c, &x))
			break;
		out[k++] = x;
	}
	*nout = k;
	*missing += miss;
	return i;
}
