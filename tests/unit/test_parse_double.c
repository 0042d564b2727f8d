/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for dm_parse_double (src/io/parse_double.c).  The oracle is
 * glibc's strtod, which rounds correctly (and so does Python's float()):
 * every accepted number must come out bit-for-bit equal to it.  The
 * random cases cover the fast path's edges (19 digits, 2^53, 10^22),
 * exact halfway points between doubles, subnormals and huge exponents.
 */
#include <locale.h>
#include <math.h>
#include <sys/mman.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dmtest.h"
#include "driftmon/table.h"
#include "io/io_internal.h"

static uint64_t rng_state = 0x2545F4914F6CDD1DULL;

static uint64_t rng(void)
{
	/* splitmix64 */
	uint64_t z = (rng_state += 0x9E3779B97F4A7C15ULL);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

static int same_bits(double a, double b)
{
	return memcmp(&a, &b, sizeof(a)) == 0;
}

/* Parses s both ways; fails the test unless both agree bit-for-bit. */
static void check_vs_strtod(const char *s)
{
	double want, got = -12345.0;
	char *end;

	want = strtod(s, &end);
	assert_true(*end == 0); /* the generators make valid numbers */
	if (dm_parse_double(s, strlen(s), &got) != 0)
		fail_msg("rejected \"%s\"", s);
	if (!same_bits(want, got))
		fail_msg("\"%s\": got %.17g (%a), strtod gives %.17g (%a)", s,
			 got, got, want, want);
}

static void check_parse(const char *s, double want)
{
	double got;

	if (dm_parse_double(s, strlen(s), &got) != 0)
		fail_msg("rejected \"%s\"", s);
	if (!same_bits(want, got))
		fail_msg("\"%s\": got %.17g, want %.17g", s, got, want);
}

static void check_reject(const char *s)
{
	double got = 42.0;

	if (dm_parse_double(s, strlen(s), &got) == 0)
		fail_msg("accepted \"%s\" as %.17g", s, got);
}

/* ------------------------------------------------------------------ */
/* Fixed cases                                                         */
/* ------------------------------------------------------------------ */

static void pd_accepts_forms(void **state)
{
	static const char *const ok[] = {
		"0",
		"1",
		"-1",
		"+1",
		"1.5",
		"-2.25",
		".5",
		"-.5",
		"+.5",
		"5.",
		"-5.",
		"1e5",
		"1E5",
		"1e+5",
		"1E-5",
		"1.5e3",
		".5e-3",
		"5.e2",
		"00012",
		"000.000123",
		"0.1",
		"0.2",
		"0.3",
		"123456789012345678",
		"1234567890123456789",
		"12345678901234567890",
		"9007199254740992",
		"9007199254740993",
		"9007199254740994",
		"1e22",
		"1e23",
		"1.7976931348623157e308",
		"1.7976931348623159e308",
		"2e308",
		"2.2250738585072014e-308",
		"2.2250738585072011e-308",
		"4.9e-324",
		"5e-324",
		"2.4703282292062327e-324",
		"2.4703282292062328e-324",
		"1e-400",
		"1e400",
		"0e0",
		"0e999999999999",
		"1e-99999999999",
		"1e99999999999",
		"3.14159265358979323846264338327950288419716939937510",
		"0.000000000000000000000000000000000000000001",
		"100000000000000000000000000000000000000000000000000",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		check_vs_strtod(ok[i]);
}

static void pd_spaces(void **state)
{
	(void)state;
	check_parse(" 1.5", 1.5);
	check_parse("1.5 ", 1.5);
	check_parse("  -2  ", -2.0);
	check_parse("\t3\r\n", 3.0);
	check_parse(" \v\f4 ", 4.0);
	check_parse(" nan ", NAN);
	check_reject("1 2");
	check_reject("- 1");
	check_reject("1 .5");
	check_reject("1e 5");
}

static void pd_special_values(void **state)
{
	double v;

	(void)state;
	check_parse("inf", INFINITY);
	check_parse("INF", INFINITY);
	check_parse("+Inf", INFINITY);
	check_parse("-inf", -INFINITY);
	check_parse("infinity", INFINITY);
	check_parse("-Infinity", -INFINITY);
	check_parse("INFINITY", INFINITY);
	assert_int_equal(dm_parse_double("nan", 3, &v), 0);
	assert_true(isnan(v) && !signbit(v));
	assert_int_equal(dm_parse_double("NaN", 3, &v), 0);
	assert_true(isnan(v));
	assert_int_equal(dm_parse_double("-NAN", 4, &v), 0);
	assert_true(isnan(v) && signbit(v));
	check_reject("nan(123)");
	check_reject("nana");
	check_reject("infinit");
	check_reject("infinityy");
	check_reject("in");
	check_reject("-");
	check_reject("+");
}

static void pd_signed_zero(void **state)
{
	(void)state;
	check_parse("0", 0.0);
	check_parse("-0", -0.0);
	check_parse("-0.0e10", -0.0);
	check_parse("+0", 0.0);
	check_parse("-1e-400", -0.0); /* underflow, as strtod */
}

static void pd_rejects(void **state)
{
	static const char *const bad[] = {
		"",	 " ",	  "\t",	       ".",
		"-.",	 "+",	  "e5",	       ".e5",
		"1,5",	 "1.5,",  "0x1p3",     "0x10",
		"0X1A",	 "1e",	  "1e+",       "1E-",
		"1e5.5", "--1",	  "+-1",       "-+1",
		"1.2.3", "1_000", "1..2",      "1e5e5",
		"1-",	 "1+1",	  "abc",       "1a",
		"a1",	 "١",	  "1\xc2\xa0", "\xef\xbc\x91",
		"1d5",	 "1f",	  "true",      "0b101",
		"$1",	 "1%",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		check_reject(bad[i]);
}

/* Only [s, s+len) is read: the text need not end with a NUL. */
static void pd_not_nul_terminated(void **state)
{
	const char *s = "1234.5e1x";
	char big[400];
	double v;

	(void)state;
	assert_int_equal(dm_parse_double(s, 2, &v), 0);
	assert_true(v == 12.0);
	assert_int_equal(dm_parse_double(s, 6, &v), 0);
	assert_true(v == 1234.5);
	assert_int_equal(dm_parse_double(s, 8, &v), 0);
	assert_true(v == 12345.0);
	assert_int_equal(dm_parse_double(s, 7, &v), -1); /* "1234.5e" */
	assert_int_equal(dm_parse_double(s, 0, &v), -1);
	/* long text (the heap copy) followed by more digits */
	memset(big, '7', sizeof(big));
	big[0] = '0';
	big[1] = '.';
	assert_int_equal(dm_parse_double(big, 300, &v), 0);
	big[300] = 0;
	assert_true(same_bits(v, strtod(big, NULL)));
}

/* strtod's result depends on LC_NUMERIC; ours must not.  Needs a locale
 * with a decimal comma (scripts/deps.sh test generates de_DE.UTF-8 and
 * fr_FR.UTF-8); without one the case is skipped, or fails when
 * DM_REQUIRE_LOCALES=1 (as scripts/run-tests.sh sets it). */
static void pd_locale_independent(void **state)
{
	static const char *const locales[] = {"de_DE.UTF-8", "de_DE.utf8",
					      "fr_FR.UTF-8", "fr_FR.utf8"};
	const char *set = NULL;
	size_t i;
	double v;

	(void)state;
	for (i = 0; i < 4 && !set; i++)
		set = setlocale(LC_NUMERIC, locales[i]);
	if (!set) {
		const char *req = getenv("DM_REQUIRE_LOCALES");
		if (req && strcmp(req, "1") == 0)
			fail_msg("no de_DE or fr_FR locale is installed "
				 "(scripts/deps.sh test generates them)");
		skip(); /* no locale with a decimal comma installed */
	}
	assert_true(localeconv()->decimal_point[0] == ',');
	assert_int_equal(dm_parse_double("1.5", 3, &v), 0);
	assert_true(v == 1.5);
	assert_int_equal(dm_parse_double("0.12345678901234567890", 22, &v), 0);
	setlocale(LC_NUMERIC, "C");
	assert_true(same_bits(v, strtod("0.12345678901234567890", NULL)));
	assert_int_equal(dm_parse_double("1,5", 3, &v), -1);
}

/* ------------------------------------------------------------------ */
/* Random cases against strtod                                         */
/* ------------------------------------------------------------------ */

/* Random digit strings with a random point, exponent and padding. */
static void gen_random_digits(char *s, size_t size)
{
	size_t nd = 1 + rng() % 25, i, o = 0, point = rng() % (nd + 2);

	if (rng() % 3 == 0)
		s[o++] = rng() % 2 ? '-' : '+';
	for (i = 0; i < nd; i++) {
		if (i == point)
			s[o++] = '.';
		/* plenty of zeros: leading, trailing and inside */
		s[o++] = (char)('0' + (rng() % 3 == 0 ? 0 : rng() % 10));
	}
	if (point == nd)
		s[o++] = '.';
	if (rng() % 2)
		o += (size_t)snprintf(s + o, size - o, "%c%d",
				      rng() % 2 ? 'e' : 'E',
				      (int)(rng() % 700) - 350);
	s[o] = 0;
}

/* Mantissas near 2^53 and exponents near +-22: the fast path's edges. */
static void gen_fast_path_edge(char *s, size_t size)
{
	uint64_t m;
	int e = (int)(rng() % 61) - 30;

	switch (rng() % 4) {
	case 0:
		m = ((uint64_t)1 << 53) - 16 + rng() % 32;
		break;
	case 1:
		m = rng() % ((uint64_t)1 << 53);
		break;
	case 2:
		m = rng() % 10000000000000000000ULL; /* up to 19 digits */
		break;
	default:
		m = rng() % 100000;
		break;
	}
	snprintf(s, size, "%llue%d", (unsigned long long)m, e);
}

/* Any finite double, printed several ways. */
static void gen_printed_double(char *s, size_t size)
{
	uint64_t bits = rng();
	double x;

	memcpy(&x, &bits, sizeof(x));
	if (!isfinite(x))
		x = 1.0;
	switch (rng() % 5) {
	case 0:
		snprintf(s, size, "%.17g", x);
		break;
	case 1:
		snprintf(s, size, "%.16g", x);
		break;
	case 2:
		snprintf(s, size, "%.15g", x);
		break;
	case 3:
		snprintf(s, size, "%.*e", (int)(rng() % 25), x);
		break;
	default:
		snprintf(s, size, "%.*f", (int)(rng() % 20), fmod(x, 1e12));
		break;
	}
}

/* Typical data: short decimals, as written by people and by pandas. */
static void gen_short_decimal(char *s, size_t size)
{
	double x = (double)(int64_t)(rng() % 2000000001ULL - 1000000000) /
		   pow(10.0, (double)(rng() % 10));

	snprintf(s, size, "%.*f", (int)(rng() % 10), x);
}

/*
 * The exact midpoint between a random double and the next one (a tie:
 * rounds to even), and numbers just below and above it.  The midpoint
 * has 54 significant bits, exact in x87 long double; %.800Le prints
 * it exactly.
 */
static void gen_halfway(char *s, size_t size)
{
	uint64_t bits;
	double x, y;
	long double mid;
	char *e, *p;
	size_t n;

	do {
		bits = rng() >> 1; /* positive */
		if (rng() % 4 == 0)
			bits &= 0x000FFFFFFFFFFFFFULL; /* subnormal */
		else if (rng() % 2)
			bits = (bits & 0x800FFFFFFFFFFFFFULL) |
			       ((uint64_t)(1023 + (int)(rng() % 120) - 60)
				<< 52);
		memcpy(&x, &bits, sizeof(x));
	} while (!isfinite(x) || x == 0.0 || !isfinite(nextafter(x, INFINITY)));
	y = nextafter(x, INFINITY);
	mid = (long double)x + ((long double)y - (long double)x) / 2;
	snprintf(s, size, "%.800Le", mid);
	/* split mantissa and exponent, drop trailing zeros */
	e = strchr(s, 'e');
	assert_non_null(e);
	{
		char exp[16];

		snprintf(exp, sizeof(exp), "%s", e);
		p = e;
		while (p[-1] == '0')
			p--;
		n = (size_t)(p - s);
		switch (rng() % 3) {
		case 0: /* exactly the tie */
			break;
		case 1: /* just above: one more digit */
			s[n++] = '1';
			break;
		default: /* just below: truncated */
			if (n > 3)
				n = 3 + rng() % (n - 3);
			break;
		}
		if (s[n - 1] == '.')
			s[n++] = '0';
		snprintf(s + n, size - n, "%s", exp);
	}
}

/*
 * Exact midpoints between doubles of 2^E..2^(E+1), E = 40..66, written
 * in full (up to 19 significant digits when E >= 50: the long double
 * path must hand these ties to strtod), and their neighbours one unit
 * in the last digit away.
 */
static void gen_ld_ties(char *s, size_t size)
{
	int E = 40 + (int)(rng() % 27), dec = 53 - E;
	double x = ldexp((double)(((uint64_t)1 << 52) |
				  (rng() & (((uint64_t)1 << 52) - 1))),
			 E - 52);
	long double mid = (long double)x + ldexpl(1.0L, E - 53);
	size_t n;

	snprintf(s, size, "%.*Lf", dec > 0 ? dec : 0, mid);
	n = strlen(s);
	if (strchr(s, '.')) {
		while (s[n - 1] == '0')
			s[--n] = 0;
		if (s[n - 1] == '.')
			s[--n] = 0;
	}
	switch (rng() % 4) {
	case 0:
		if (s[n - 1] != '9' && s[n - 1] != '.')
			s[n - 1]++;
		break;
	case 1:
		if (s[n - 1] != '0' && s[n - 1] != '.' && n > 1)
			s[n - 1]--;
		break;
	case 2: /* move trailing zeros of an integer into the exponent */
		if (!strchr(s, '.')) {
			int z = 0;

			while (n > 1 && s[n - 1] == '0') {
				s[--n] = 0;
				z++;
			}
			snprintf(s + n, size - n, "e%d", z);
		}
		break;
	default:
		break;
	}
}

/* Python's repr of everyday doubles: 16-18 digits, |exponent| <= 30. */
static void gen_repr_range(char *s, size_t size)
{
	double x = ((double)(rng() >> 11) / 9007199254740992.0) *
		   pow(10.0, (double)((int)(rng() % 50) - 25));

	if (rng() % 2)
		x = -x;
	snprintf(s, size, "%.*g", 16 + (int)(rng() % 3), x);
}

static void run_random(void (*gen)(char *, size_t), size_t count)
{
	static char s[1024];
	size_t i;

	for (i = 0; i < count; i++) {
		gen(s, sizeof(s));
		check_vs_strtod(s);
	}
}

static void pd_random_digits(void **state)
{
	(void)state;
	run_random(gen_random_digits, 1000000);
}

static void pd_random_fast_path_edges(void **state)
{
	(void)state;
	run_random(gen_fast_path_edge, 1000000);
}

static void pd_random_printed_doubles(void **state)
{
	(void)state;
	run_random(gen_printed_double, 500000);
}

static void pd_random_short_decimals(void **state)
{
	(void)state;
	run_random(gen_short_decimal, 500000);
}

static void pd_random_ld_ties(void **state)
{
	(void)state;
	run_random(gen_ld_ties, 500000);
}

static void pd_random_repr(void **state)
{
	(void)state;
	run_random(gen_repr_range, 1000000);
}

static void pd_random_halfway(void **state)
{
	(void)state;
	run_random(gen_halfway, 200000);
}

/* Every subnormal power of two and its neighbours, in several forms. */
static void pd_subnormals(void **state)
{
	char s[64];
	int k;

	(void)state;
	for (k = 0; k < 53; k++) {
		double x = ldexp(1.0, -1074 + k);
		int p;

		for (p = 1; p <= 20; p++) {
			snprintf(s, sizeof(s), "%.*e", p, x);
			check_vs_strtod(s);
			snprintf(s, sizeof(s), "%.*e", p, nextafter(x, 0.0));
			check_vs_strtod(s);
			snprintf(s, sizeof(s), "%.*e", p, nextafter(x, 1.0));
			check_vs_strtod(s);
		}
	}
	check_vs_strtod("2.225073858507201136057409796709131975934819546351645"
			"6e-308");
}

/* ------------------------------------------------------------------ */
/* The fast front end (parse_plain) and the 128-bit path (el_path)     */
/* ------------------------------------------------------------------ */

/* The table of 5^q: checked exactly.  q >= 0: T = 5^q << s, nothing
 * lost; q < 0: T * 5^k <= 2^-e2 < (T + 1) * 5^k, T in [2^127, 2^128). */
static void pd_pow5_table(void **state)
{
	typedef unsigned __int128 u128;
	int q;

	(void)state;
	for (q = -27; q <= 27; q++) {
		const dmio_pow5_128 *t = &dmio_pow5_tab[q + 27];
		u128 T = ((u128)t->hi << 64) | t->lo;
		uint64_t p5 = 1;
		int k;

		assert_true(t->hi >> 63);
		for (k = 0; k < (q < 0 ? -q : q); k++)
			p5 *= 5;
		if (q >= 0) {
			int sh = -t->e2; /* 5^q = T / 2^sh */

			assert_true(sh > 0 && sh < 128);
			assert_true((T >> sh) == p5);
			assert_true((T & (((u128)1 << sh) - 1)) == 0);
		} else {
			/* 3-limb products T * 5^k against 2^N, N = -e2 */
			int N = -t->e2;
			uint64_t lo, mid, hi, c;
			u128 a = (u128)t->lo * p5, b = (u128)t->hi * p5;

			lo = (uint64_t)a;
			mid = (uint64_t)(a >> 64) + (uint64_t)b;
			c = mid < (uint64_t)b;
			hi = (uint64_t)(b >> 64) + c;
			assert_true(N >= 128 && N < 192);
			/* T * 5^k < 2^N */
			assert_true(hi < ((uint64_t)1 << (N - 128)));
			/* (T + 1) * 5^k > 2^N: add 5^k */
			lo += p5;
			c = lo < p5;
			mid += c;
			c = c && mid == 0;
			hi += c;
			assert_true(hi >= ((uint64_t)1 << (N - 128)));
		}
	}
}

/* el_path against strtod on random 1..19-digit mantissas and every
 * exponent it takes; it must answer (not hand over) nearly always. */
static void pd_el_path_random(void **state)
{
	char s[64];
	size_t i, answered = 0, n = 2000000;

	(void)state;
	for (i = 0; i < n; i++) {
		int e = (int)(rng() % 55) - 27, nd = 1 + (int)(rng() % 19);
		uint64_t m = rng() % dmio_pow10_u64[nd - 1 < 19 ? nd : 19];
		double got, want;

		if (nd == 19 && rng() % 2)
			m = 10000000000000000000ULL - 1 - rng() % 1000;
		if (m == 0)
			m = 1;
		snprintf(s, sizeof(s), "%llue%d", (unsigned long long)m, e);
		want = strtod(s, NULL);
		if (dmio_el_path(m, e, &got)) {
			answered++;
			if (!same_bits(got, want))
				fail_msg("el_path(%s): %a, strtod %a", s, got,
					 want);
		}
		check_vs_strtod(s);
	}
	assert_true(answered > n - n / 100); /* 99.6%: the rest are exact
					      * results, e.g. 0.5 */
	/* out of its range it hands over */
	assert_int_equal(dmio_el_path(1, 28, &(double){0}), 0);
	assert_int_equal(dmio_el_path(1, -28, &(double){0}), 0);
	assert_int_equal(dmio_el_path(0, 0, &(double){0}), 0);
}

/*
 * Exact decimal ties (the midpoint of two doubles) and their neighbours
 * with at most 19 digits: midpoints of doubles in [2^E, 2^(E+1)),
 * E = 50 .. 63, are multiples of 2^(E-53), written with 0 .. 3 decimals
 * (negative exponents: m divisible by 5^k, the case el_path must hand
 * over) or as integers with trailing zeros moved to an exponent.
 */
static void pd_el_ties(void **state)
{
	char s[64];
	size_t i;

	(void)state;
	for (i = 0; i < 300000; i++) {
		int E = 50 + (int)(rng() % 14), dec = 53 - E;
		uint64_t top = ((uint64_t)1 << 52) |
			       (rng() & (((uint64_t)1 << 52) - 1));
		long double mid =
			ldexpl((long double)top, E - 52) + ldexpl(1.0L, E - 53);
		size_t n;

		snprintf(s, sizeof(s), "%.*Lf", dec > 0 ? dec : 0, mid);
		n = strlen(s);
		switch (rng() % 4) {
		case 0: /* one unit in the last place up */
			if (s[n - 1] != '9' && s[n - 1] != '.')
				s[n - 1]++;
			break;
		case 1: /* down */
			if (s[n - 1] != '0' && s[n - 1] != '.')
				s[n - 1]--;
			break;
		case 2: /* a trailing "e0" or digits moved into e+k */
			if (dec <= 0 && s[n - 1] == '0') {
				while (n > 1 && s[n - 1] == '0')
					n--;
				snprintf(s + n, sizeof(s) - n, "e+%zu",
					 strlen(s) - n);
			}
			break;
		default: /* the tie itself */
			break;
		}
		check_vs_strtod(s);
		if (rng() % 2) { /* and negated */
			memmove(s + 1, s, strlen(s) + 1);
			s[0] = '-';
			check_vs_strtod(s);
		}
	}
}

/* The 8-byte steps of parse_plain at every length and split: digits
 * before and after the point, runs of 1..19 digits, leading zeros that
 * do not count, 19 digits (taken) and 20 (handed over). */
/* Numbers as spreadsheets format them (dmio_parse_formatted_number):
 * what each form reads as, in both dialects, and what stays text. */
static void pd_formatted_numbers(void **state)
{
	static const struct {
		const char *s;
		int dc;
		double want; /* NAN: rejected */
	} cases[] = {
		{"$1,234.56", 0, 1234.56},
		{"-$1,234.56", 0, -1234.56},
		{"$-1,234.56", 0, -1234.56},
		{"$ 12", 0, 12.0},
		{"(1,234.00)", 0, -1234.0},
		{"($5.25)", 0, -5.25},
		{"12.5%", 0, 12.5},
		{"-0.5 %", 0, -0.5},
		{"1,234", 0, 1234.0},
		{"12,345,678", 0, 12345678.0},
		{" 1,000.5 ", 0, 1000.5},
		{"\xe2\x82\xac"
		 "3.10",
		 0, 3.1}, /* EUR sign */
		{"\xc2\xa3"
		 "7",
		 0, 7.0},		      /* GBP sign */
		{"10 \xe2\x82\xac", 0, 10.0}, /* after it */
		{"1.234,56 \xe2\x82\xac", 1, 1234.56},
		{"1 234,5", 1, 1234.5},
		{"1\xc2\xa0"
		 "234",
		 1, 1234.0}, /* no-break space */
		{"1\xe2\x80\xaf"
		 "234,25",
		 1, 1234.25},
		{"12,5%", 1, 12.5},
		{"1.234.567", 1, 1234567.0},
		{"\xe2\x82\xb9"
		 "12,34,567.50",
		 0, 1234567.5}, /* lakh */
		{"1,23,456", 0, 123456.0},
		/* no mark: the plain parse decides */
		{"1234.5", 0, NAN},
		{"12", 0, NAN},
		/* badly grouped, or not a number */
		{"1,23", 0, NAN},
		{"1,234,56", 0, NAN},
		{"1,2,345", 0, NAN},
		{"123,45,678", 0, NAN},
		{"1,234,56,789", 0, NAN},
		{"1,23,4567", 0, NAN},
		{"1,2345", 0, NAN},
		{"1234,567", 0, NAN},
		{"01,234", 0, NAN},
		{"0,123", 0, NAN},
		{"-0,123.5", 0, NAN},
		{"0.5%", 0, 0.5},
		{",123", 0, NAN},
		{"1,,234", 0, NAN},
		{"1,234,", 0, NAN},
		{"$", 0, NAN},
		{"%", 0, NAN},
		{"$-", 0, NAN},
		{"()", 0, NAN},
		{"(12", 0, NAN},
		{"$1,234.56 USD", 0, NAN},
		{"12%%", 0, NAN},
		{"1 234", 0, NAN}, /* spaces group only in the comma dialect */
		{"1,234.5", 1, NAN},
		{"abc", 0, NAN},
		{"1e5%", 0, NAN},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		double x = -99.0;
		int rc = dmio_parse_formatted_number(
			cases[i].s, strlen(cases[i].s), cases[i].dc, &x);

		if (isnan(cases[i].want)) {
			if (rc != -1)
				fail_msg("'%s' (dc %d): took %.17g", cases[i].s,
					 cases[i].dc, x);
		} else if (rc != 0 || x != cases[i].want) {
			fail_msg("'%s' (dc %d): rc %d, %.17g, want %.17g",
				 cases[i].s, cases[i].dc, rc, x, cases[i].want);
		}
	}
}

static void pd_plain_lengths(void **state)
{
	char s[80];
	int a, b, z;

	(void)state;
	for (z = 0; z < 12; z += 3)
		for (a = 0; a <= 21; a++)
			for (b = -1; b <= 21; b++) {
				int o = 0, k;

				if (rng() % 2)
					s[o++] = '-';
				for (k = 0; k < z; k++)
					s[o++] = '0';
				for (k = 0; k < a; k++)
					s[o++] = (char)('1' + (a * 7 + k) % 9);
				if (b >= 0) {
					s[o++] = '.';
					for (k = 0; k < z && a == 0; k++)
						s[o++] = '0';
					for (k = 0; k < b; k++)
						s[o++] = (char)('0' + (b * 3 +
								       k) % 10);
				}
				s[o] = 0;
				if (a == 0 && b <= 0 && z == 0)
					continue; /* no digit: rejected */
				check_vs_strtod(s);
				snprintf(s + o, sizeof(s) - (size_t)o, "e%d",
					 (int)(rng() % 61) - 30);
				check_vs_strtod(s);
			}
	check_parse("9999999999999999999", 9999999999999999999.0);
	check_vs_strtod("18446744073709551615");
	check_vs_strtod("18446744073709551616");
	check_vs_strtod("0.00000000000000000000000000012345678901234567");
	check_vs_strtod("1234567.");
	check_vs_strtod("12345678");
	check_vs_strtod("0.234567");
	check_vs_strtod("1e+0004");
	check_vs_strtod("1e00000000004");
	/* long exponents: no overflow in the front end (UBSan), the general
	 * code decides */
	check_vs_strtod("4e4444444555555555555");
	check_vs_strtod("4e-4444444555555555555");
	check_vs_strtod("1.5e99999");
	check_vs_strtod("1.5e-99999");
	check_vs_strtod("-0.0e-0");
	check_parse("-0", -0.0);
	check_parse("-0.000", -0.0);
	check_parse("0e99999", 0.0);
	check_reject("1.5x");
	check_reject("12345678x");
	check_reject("1234567.8.9");
	check_reject("-");
	check_reject("-.");
	check_reject("-e5");
	check_reject(".e5");
	check_reject("1e");
	check_reject("1e+");
	check_reject("--1");
	check_reject("12345678901234567890123-");
}

/* parse_plain reads 8 bytes at a time but never outside [s, s+len):
 * texts at the very end and the very start of a page next to an
 * inaccessible one. */
static void pd_plain_no_overread(void **state)
{
	static const char *const texts[] = {
		"0.051864496699585365",
		"1",
		"12",
		"1234567",
		"12345678",
		"123456789",
		"4.100053821870096",
		"-0.5",
		"7.",
		"1e5",
		"12345678901234567.5",
		"99999999999999999999",
		"1.5x",
	};
	long pg = sysconf(_SC_PAGESIZE);
	char *mem;
	size_t i;

	(void)state;
	mem = mmap(NULL, 3 * (size_t)pg, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(mem != MAP_FAILED);
	assert_int_equal(mprotect(mem, (size_t)pg, PROT_NONE), 0);
	assert_int_equal(mprotect(mem + 2 * pg, (size_t)pg, PROT_NONE), 0);
	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		size_t n = strlen(texts[i]);
		char *at_end = mem + 2 * pg - n, *at_start = mem + pg;
		double a, b, c;
		char *endp;
		int ra, rb;

		memcpy(at_end, texts[i], n);
		ra = dm_parse_double(at_end, n, &a);
		memcpy(at_start, texts[i], n);
		rb = dm_parse_double(at_start, n, &b);
		c = strtod(texts[i], &endp);
		assert_int_equal(ra, rb);
		assert_int_equal(ra, *endp ? -1 : 0);
		if (ra == 0)
			assert_true(same_bits(a, c) && same_bits(b, c));
	}
	munmap(mem, 3 * (size_t)pg);
}

/* The cell-by-cell loop dmio_parse_cells replaces (profile.c's): nulls
 * counted, finite numbers appended, stop at anything else. */
static size_t cells_one_by_one(const dm_strref *c, const uint8_t *null,
			       size_t n, double *out, double *byrow,
			       size_t *nout, uint64_t *missing)
{
	size_t i, k = 0;

	for (i = 0; i < n; i++) {
		double x;

		if (null && null[i]) {
			++*missing;
			continue;
		}
		if (dm_parse_double(c[i].ptr, c[i].len, &x) != 0 ||
		    !isfinite(x))
			break;
		out[k++] = x;
		if (byrow)
			byrow[i] = x;
	}
	*nout = k;
	return i;
}

/* Cells of the two dmio_parse_cells tests: numbers, edges and stops. */
static const char *const cells_pool[] = {
	"1",	 "-2.5", " .5 ", "5.",	   "1e5", "0.1234567890123456789",
	"-0",	 "+3",	 "7e22", "1e-400", "42",  "123456.789",
	"1e400", "abc",	 "",	 "NA",	   "inf", "-nan",
	"1,5",
};

/* Fills n cells from the first npool of cells_pool, NULL about one in
 * seven when with_nulls. */
static void fill_cells(dm_strref *cells, uint8_t *null, size_t n, size_t npool,
		       int with_nulls)
{
	for (size_t i = 0; i < n; i++) {
		const char *s = cells_pool[rng() % npool];

		cells[i].ptr = s;
		cells[i].len = (uint32_t)strlen(s);
		null[i] = with_nulls && rng() % 7 == 0;
	}
}

static void pd_parse_cells(void **state)
{
	enum { N = 4000 };
	dm_strref *cells = calloc(N, sizeof(*cells));
	uint8_t *null = calloc(N, 1);
	double *a = calloc(N, sizeof(double)), *b = calloc(N, sizeof(double));
	double *ra = calloc(N, sizeof(double)), *rb = calloc(N, sizeof(double));
	size_t i, round;

	(void)state;
	assert_true(cells && null && a && b && ra && rb);
	for (round = 0; round < 3; round++) {
		/* round 0: numbers only; 1: and NULLs; 2: and bad cells */
		size_t npool = round == 2 ? 19 : 12, pa = 0, pb = 0, ka, kb;
		uint64_t ma = 0, mb = 0;
		const uint8_t *nl = round ? null : NULL;

		fill_cells(cells, null, N, npool, round > 0);
		for (i = 0; i < N; i++)
			ra[i] = rb[i] = -1.0;
		/* resume after every stop, as add_numeric does */
		while (pa < N || pb < N) {
			size_t sa = pa + dmio_parse_cells(cells + pa,
							  nl ? nl + pa : NULL,
							  N - pa, a, ra + pa,
							  &ka, &ma);
			size_t sb = pb + cells_one_by_one(cells + pb,
							  nl ? nl + pb : NULL,
							  N - pb, b, rb + pb,
							  &kb, &mb);

			assert_int_equal(sa, sb);
			assert_int_equal(ka, kb);
			for (i = 0; i < ka; i++)
				assert_true(same_bits(a[i], b[i]));
			if (round < 2)
				assert_int_equal(sa, N); /* never stops */
			pa = pb = sa < N ? sa + 1 : N;
		}
		assert_int_equal(ma, mb);
		if (round == 1)
			assert_true(ma > 0);
		for (i = 0; i < N; i++)
			assert_true(same_bits(ra[i], rb[i]));
	}
	/* the stop: index of the first bad cell; values before it kept */
	{
		static const dm_strref c[] = {
			{"1", 1}, {"", 0}, {"2", 1}, {"x", 1}, {"3", 1}};
		static const uint8_t nl[] = {0, 1, 0, 0, 0};
		size_t k;
		uint64_t miss = 0;
		double out[5];

		assert_int_equal(
			dmio_parse_cells(c, nl, 5, out, NULL, &k, &miss), 3);
		assert_int_equal(k, 2);
		assert_int_equal(miss, 1);
		assert_true(out[0] == 1.0 && out[1] == 2.0);
		assert_int_equal(
			dmio_parse_cells(c, NULL, 5, out, NULL, &k, &miss),
			1); /* no mask: "" is not a number */
		assert_int_equal(
			dmio_parse_cells(c, nl, 0, out, NULL, &k, &miss), 0);
		assert_int_equal(k, 0);
	}
	free(cells);
	free(null);
	free(a);
	free(b);
	free(ra);
	free(rb);
}

/* ------------------------------------------------------------------ */
/* dmio_parse_num: the reader's value of a cell (NaN: not decided)     */
/* ------------------------------------------------------------------ */

/* dmio_parse_num(s) is NaN or bit for bit strtod's value of s, which
 * dm_parse_double must then accept with the same value. */
static void check_num(const char *s, size_t n)
{
	char buf[1100], *end;
	double x = dmio_parse_num(s, n), want, got;

	if (isnan(x))
		return;
	assert_true(n < sizeof(buf));
	memcpy(buf, s, n);
	buf[n] = 0;
	want = strtod(buf, &end);
	if (*end != 0 || n == 0)
		fail_msg("\"%s\": dmio_parse_num gives %.17g, strtod stops "
			 "at \"%s\"",
			 buf, x, end);
	if (!same_bits(x, want))
		fail_msg("\"%s\": got %.17g (%a), strtod gives %.17g (%a)", buf,
			 x, x, want, want);
	assert_int_equal(dm_parse_double(s, n, &got), 0);
	assert_true(same_bits(got, x));
	assert_true(isfinite(x));
}

/* Random texts near numbers: signs, '+', spaces, letters, points. */
static void gen_near_number(char *s, size_t size)
{
	static const char alpha[] = "0123456789000.-+eE xn";
	size_t n = rng() % 24, i;

	for (i = 0; i < n && i + 1 < size; i++)
		s[i] = alpha[rng() % (sizeof(alpha) - 1)];
	s[i] = 0;
}

static void pd_parse_num(void **state)
{
	static void (*const gens[])(char *, size_t) = {
		gen_random_digits, gen_fast_path_edge, gen_printed_double,
		gen_short_decimal, gen_halfway,	       gen_ld_ties,
		gen_repr_range,	   gen_near_number,
	};
	static const char *const fixed[] = {
		"-0",
		"0",
		"+1",
		"007",
		"-007.50",
		"1e5",
		"1E-5",
		".5",
		"5.",
		"-.5",
		" 1",
		"1 ",
		"nan",
		"-inf",
		"1e400",
		"1e-400",
		"4.9e-324",
		"2.2250738585072011e-308",
		"9007199254740993",
		"0.1",
		"1.5e+22",
		"123456789012345678901234",
		"0.0000000000000000000000000001",
		"",
		"-",
		".",
		"1e",
		"1e+",
		"12345678",
		"123456789",
	};
	static char s[1024];
	size_t i, g;
	double x;

	(void)state;
	for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		check_num(fixed[i], strlen(fixed[i]));
	/* the forms the reader must decide (else it gains nothing) */
	assert_true(same_bits(dmio_parse_num("-0", 2), -0.0));
	assert_true(same_bits(dmio_parse_num("4.100053821870096", 17),
			      4.100053821870096));
	assert_true(same_bits(dmio_parse_num("0.051864496699585365", 20),
			      0.051864496699585365));
	assert_true(dmio_parse_num("906", 3) == 906.0);
	assert_true(isnan(dmio_parse_num(" 1", 2)));
	assert_true(isnan(dmio_parse_num("+1", 2)));
	assert_true(isnan(dmio_parse_num("nan", 3)));
	assert_true(isnan(dmio_parse_num("", 0)));
	for (g = 0; g < sizeof(gens) / sizeof(gens[0]); g++)
		for (i = 0; i < 200000; i++) {
			gens[g](s, sizeof(s));
			check_num(s, strlen(s));
		}
	x = dmio_parse_num("1.5", 2); /* only the first n bytes */
	assert_true(x == 1.0);
}

/*
 * dmio_parse_num_padded reads 8 bytes from s whatever n: the bytes after
 * the cell (digits here, to tempt it) must not count.  Every text of 0
 * to 9 bytes over a small alphabet, and random longer ones, give what
 * dmio_parse_num gives.
 */
static void check_padded(const char *s, size_t n)
{
	char buf[64];
	double a, b;
	size_t i;

	assert_true(n + 8 <= sizeof(buf));
	memcpy(buf, s, n);
	for (i = n; i < sizeof(buf); i++)
		buf[i] = (char)('0' + rng() % 10);
	a = dmio_parse_num_padded(buf, n);
	b = dmio_parse_num(s, n);
	if (!same_bits(a, b) && !(isnan(a) && isnan(b)))
		fail_msg("\"%.*s\": padded %.17g, dmio_parse_num %.17g", (int)n,
			 s, a, b);
	check_num(buf, n);
}

static void pd_parse_num_padded(void **state)
{
	static const char alpha[] = "0159-.+ a/:";
	char s[32];
	size_t n, i, k, total;

	(void)state;
	/* every text of up to 5 bytes over alpha (11^5 = 161,051) */
	for (n = 0; n <= 5; n++) {
		for (total = 1, i = 0; i < n; i++)
			total *= sizeof(alpha) - 1;
		for (k = 0; k < total; k++) {
			size_t v = k;

			for (i = 0; i < n; i++) {
				s[i] = alpha[v % (sizeof(alpha) - 1)];
				v /= sizeof(alpha) - 1;
			}
			check_padded(s, n);
		}
	}
	/* 6 to 12 bytes: digits with now and then something else */
	for (k = 0; k < 1000000; k++) {
		n = 6 + rng() % 7;
		for (i = 0; i < n; i++)
			s[i] = rng() % 6 ? (char)('0' + rng() % 10)
					 : alpha[rng() % (sizeof(alpha) - 1)];
		check_padded(s, n);
	}
	assert_true(dmio_parse_num_padded("99999999xx", 8) == 99999999.0);
	assert_true(dmio_parse_num_padded("0000000012", 8) == 0.0);
	assert_true(same_bits(dmio_parse_num_padded("0,1234567", 1), 0.0));
	assert_true(dmio_parse_num_padded("7,1234567", 1) == 7.0);
}

/* dmio_parse_cells_pre: whatever the reader decided (a value or NaN),
 * the same values, stops and counts as dmio_parse_cells. */
static void pd_parse_cells_pre(void **state)
{
	enum { N = 4000 };
	dm_strref *cells = calloc(N, sizeof(*cells));
	uint8_t *null = calloc(N, 1);
	double *pre = calloc(N, sizeof(double));
	double *a = calloc(N, sizeof(double)), *b = calloc(N, sizeof(double));
	size_t i, round;

	(void)state;
	assert_true(cells && null && pre && a && b);
	for (round = 0; round < 3; round++) {
		size_t npool = round == 2 ? 19 : 12, pa = 0, ka, kb;
		uint64_t ma = 0, mb = 0;
		const uint8_t *nl = round ? null : NULL;

		fill_cells(cells, null, N, npool, round > 0);
		/* decided, or left to the column (quoted, pieces) */
		for (i = 0; i < N; i++)
			pre[i] = rng() % 4 ? dmio_parse_num(cells[i].ptr,
							    cells[i].len)
					   : NAN;
		while (pa < N) {
			size_t sa =
				pa + dmio_parse_cells_pre(
					     cells + pa, nl ? nl + pa : NULL,
					     pre + pa, N - pa, a, &ka, &ma);
			size_t sb = pa + dmio_parse_cells(cells + pa,
							  nl ? nl + pa : NULL,
							  N - pa, b, NULL, &kb,
							  &mb);

			assert_int_equal(sa, sb);
			assert_int_equal(ka, kb);
			for (i = 0; i < ka; i++)
				assert_true(same_bits(a[i], b[i]));
			if (round < 2)
				assert_int_equal(sa, N);
			pa = sa < N ? sa + 1 : N;
		}
		assert_int_equal(ma, mb);
	}
	free(cells);
	free(null);
	free(pre);
	free(a);
	free(b);
}

/* dmio_parse_decimal_comma: the number with '.' for its one ',', the
 * same bits as dm_parse_double of that text; anything else refused. */
static void pd_decimal_comma(void **state)
{
	static const char *const ok[][2] = {
		{"3,14", "3.14"},
		{"-0,5", "-0.5"},
		{",5", ".5"},
		{"5,", "5."},
		{"+2,25", "+2.25"},
		{"1,5e-3", "1.5e-3"},
		{"1,7976931348623157E308", "1.7976931348623157E308"},
		{" 12,75 ", " 12.75 "},
		{"0,1000000000000000055511151231257827",
		 "0.1000000000000000055511151231257827"},
	};
	static const char *const bad[] = {
		"",
		",",
		"-,",
		"1,2,3",
		"1.234,5",
		"1,234.5",
		"12",
		"1.5",
		"a,b",
		"1,5x",
		"1,,5",
		"nan,",
		"1, 5",
		"1,5e",
		",e3",
		/* 64 characters or more: refused */
		"1,"
		"00000000000000000000000000000000000000000000000000000000000000"
		"0001",
	};
	size_t i;
	double x, y;

	(void)state;
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		assert_int_equal(dmio_parse_decimal_comma(ok[i][0],
							  strlen(ok[i][0]), &x),
				 0);
		assert_int_equal(
			dm_parse_double(ok[i][1], strlen(ok[i][1]), &y), 0);
		assert_true(same_bits(x, y));
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(
			dmio_parse_decimal_comma(bad[i], strlen(bad[i]), &x),
			-1);
	/* the text is not read past n (no NUL needed), nor changed */
	{
		const char s[] = "7,25,1";

		assert_int_equal(dmio_parse_decimal_comma(s, 4, &x), 0);
		assert_true(x == 7.25);
		assert_string_equal(s, "7,25,1");
	}
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(pd_decimal_comma),
	cmocka_unit_test(pd_accepts_forms),
	cmocka_unit_test(pd_parse_num),
	cmocka_unit_test(pd_parse_num_padded),
	cmocka_unit_test(pd_parse_cells_pre),
	cmocka_unit_test(pd_spaces),
	cmocka_unit_test(pd_special_values),
	cmocka_unit_test(pd_signed_zero),
	cmocka_unit_test(pd_rejects),
	cmocka_unit_test(pd_not_nul_terminated),
	cmocka_unit_test(pd_locale_independent),
	cmocka_unit_test(pd_random_digits),
	cmocka_unit_test(pd_random_fast_path_edges),
	cmocka_unit_test(pd_random_printed_doubles),
	cmocka_unit_test(pd_random_short_decimals),
	cmocka_unit_test(pd_random_ld_ties),
	cmocka_unit_test(pd_random_repr),
	cmocka_unit_test(pd_random_halfway),
	cmocka_unit_test(pd_subnormals),
	cmocka_unit_test(pd_pow5_table),
	cmocka_unit_test(pd_el_path_random),
	cmocka_unit_test(pd_el_ties),
	cmocka_unit_test(pd_plain_lengths),
	cmocka_unit_test(pd_plain_no_overread),
	cmocka_unit_test(pd_parse_cells),
	cmocka_unit_test(pd_formatted_numbers),
};

DMTEST_MAIN("parse_double", tests)
