/* SPDX-License-Identifier: Apache-2.0 */
/* Text for a terminal: control characters, C1, bidi overrides and bad
 * UTF-8 are escaped; ordinary UTF-8 passes unchanged. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dmtest.h"
#include "core/termsafe.h"

static void check(const char *in, size_t n, const char *want)
{
	char out[256];

	term_escape(in, n, out, sizeof(out));
	assert_string_equal(out, want);
}

static void term_plain_unchanged(void **state)
{
	(void)state;
	check("url_count", 9, "url_count");
	check("caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac", 12,
	      "caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac");
	assert_int_equal(term_unsafe("caf\xc3\xa9", 5), 0);
	assert_string_equal(term_safe("abc"), "abc");
	assert_string_equal(term_safe(NULL), "(null)");
}

static void term_c0_escaped(void **state)
{
	(void)state;
	/* The header of the attack: clear screen, red, set title, bell. */
	check("\x1b[2J\x1b[1;31mPWNED\x1b]0;TITLE\a", 26,
	      "\\e[2J\\e[1;31mPWNED\\e]0;TITLE\\x07");
	check("a\nb\tc\rd\x7f", 8, "a\\nb\\tc\\rd\\x7f");
	check("nul\0x", 5, "nul\\x00x");
	assert_int_equal(term_unsafe("a\x1b", 2), 1);
}

static void term_c1_and_bidi_escaped(void **state)
{
	(void)state;
	check("a\xc2\x85z", 4, "a\\u0085z"); /* NEL */
	check("a\xc2\x9b"
	      "31m",
	      6, "a\\u009b31m");				  /* CSI */
	check("abc\xe2\x80\xaetxt.exe", 13, "abc\\u202etxt.exe"); /* RLO */
	check("\xe2\x81\xa6x", 4, "\\u2066x");			  /* LRI */
	check("\xd8\x9c", 2, "\\u061c");			  /* ALM */
	assert_int_equal(term_unsafe("\xc2\x9b", 2), 1);
	/* U+00A0 and U+2028 are not controls this escapes */
	check("\xc2\xa0", 2, "\xc2\xa0");
}

static void term_bad_utf8_as_bytes(void **state)
{
	(void)state;
	check("\xff\xfe", 2, "\\xff\\xfe");
	check("\xc0\xaf", 2, "\\xc0\\xaf");	     /* overlong */
	check("\xed\xa0\x80", 3, "\\xed\\xa0\\x80"); /* surrogate */
	check("\xe2\x80", 2, "\\xe2\\x80");	     /* truncated */
}

static void term_cut_with_ellipsis(void **state)
{
	char out[8];

	(void)state;
	term_escape("abcdefghij", 10, out, sizeof(out));
	assert_string_equal(out, "abcd...");
	term_escape("abcdefg", 7, out, sizeof(out));
	assert_string_equal(out, "abcdefg");
	/* never cuts inside an escape or a UTF-8 sequence */
	term_escape("ab\x1b\x1b\x1b", 5, out, sizeof(out));
	assert_string_equal(out, "ab\\e...");
	term_escape("\xe6\x97\xa5\xe6\x97\xa5\xe6\x97\xa5", 9, out,
		    sizeof(out));
	assert_string_equal(out, "\xe6\x97\xa5...");
}

static void term_fputs_escapes(void **state)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	(void)state;
	assert_non_null(fp);
	assert_int_equal(term_fputs("ok \x1b]0;x\a caf\xc3\xa9\xff", fp), 0);
	fclose(fp);
	assert_string_equal(buf, "ok \\e]0;x\\x07 caf\xc3\xa9\\xff");
	free(buf);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(term_plain_unchanged),
		cmocka_unit_test(term_c0_escaped),
		cmocka_unit_test(term_c1_and_bidi_escaped),
		cmocka_unit_test(term_bad_utf8_as_bytes),
		cmocka_unit_test(term_cut_with_ellipsis),
		cmocka_unit_test(term_fputs_escapes),
	};

	if (argc > 1)
		cmocka_set_test_filter(argv[1]);
	return cmocka_run_group_tests_name("termsafe", tests, NULL, NULL);
}
