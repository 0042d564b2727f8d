/* SPDX-License-Identifier: Apache-2.0 */
/*
 * dm_name_check (include/driftmon/names.h): the one name check.
 */
#include <string.h>

#include "dmtest.h"
#include "driftmon/names.h"
#include "driftmon/store.h"

static void expect(const char *kind, const char *name, size_t len,
		   const char *msg)
{
	dm_diag d;
	dm_err err;

	dm_diag_clear(&d);
	err = dm_name_check(kind, name, len, &d);
	if (!msg) {
		if (err != DM_OK)
			fail_msg("'%s' refused: %s", kind, d.msg);
		return;
	}
	assert_int_equal(err, DM_EINVAL);
	if (!strstr(d.msg, msg))
		fail_msg("message '%s' lacks '%s'", d.msg, msg);
	/* never a raw control character in the message */
	for (const char *p = d.msg; *p; p++)
		assert_true((unsigned char)*p >= 0x20 && *p != 0x7f);
}

#define S(x) (x), (sizeof(x) - 1)

static void names_accept(void **state)
{
	(void)state;
	expect("model", S("spam-detector"), NULL);
	expect("version", S("v1.2"), NULL);
	expect("feature", S("km/h"), NULL); /* not a path */
	expect("feature", S(".hidden"), NULL);
	expect("feature", S("caf\xc3\xa9"), NULL); /* é */
	expect("model", S("\xe6\x97\xa5\xe6\x9c\xac"), NULL);
	expect("feature", S("latest.json"), NULL);
	expect("feature", S(" a b~"), NULL); /* 0x20 and 0x7e */
	{
		char n[201];

		memset(n, 'a', 200);
		expect("model", n, 200, NULL);
	}
}

static void names_refuse(void **state)
{
	char n[300];

	(void)state;
	expect("model", "", 0, "model name is empty");
	memset(n, 'a', sizeof(n));
	expect("model", n, 201, "model name 'aaaa");
	expect("model", n, 201, "201 bytes; the limit is 200 bytes");
	/* 70 two-byte characters = 140 characters? no: 210 bytes */
	for (int i = 0; i < 105; i++) {
		n[2 * i] = (char)0xc3;
		n[2 * i + 1] = (char)0xa9;
	}
	expect("feature", n, 210, "feature name");
	expect("feature", n, 210, "210 bytes; the limit is 200 bytes");
	expect("model", S("a/b"), "contains a path separator ('/')");
	expect("version", S("a\\b"), "contains a path separator ('\\')");
	expect("model", S("."), "may not start with '.'");
	expect("model", S(".."), "may not start with '.'");
	expect("version", S("latest.json"), "reserves");
	expect("model", S("LATEST.JSON"), "reserves");
	expect("model", S("baseline.json"), "reserves");
	expect("feature", S("a\x1b[2Jb"), "contains U+001B (a control");
	expect("feature", S("a\x1b[2Jb"), "'a\\u001b[2Jb'");
	expect("feature", S("a\x7f"), "U+007F");
	expect("feature", S("x\x1f"), "U+001F");
	expect("feature", S("x\x80"), "not valid UTF-8");
	expect("feature", "a\0b", 3, "U+0000");
	expect("model", S("x\xc2\x85y"), "U+0085 (a C1 control character)");
	expect("model",
	       S("x\xc2\x9b"
		 "31m"),
	       "U+009B (a C1");
	expect("model",
	       S("abc\xe2\x80\xae"
		 "d"),
	       "U+202E (a bidirectional override)");
	expect("feature", S("\xe2\x80\xaa"), "U+202A");
	expect("feature",
	       S("\xe2\x81\xa6"
		 "x"),
	       "U+2066");
	expect("feature",
	       S("\xe2\x81\xa9"
		 "x"),
	       "U+2069");
	expect("feature",
	       S("\xe2\x80\x8f"
		 "x"),
	       "U+200F (a bidirectional mark)");
	expect("feature", S("a\xff"), "not valid UTF-8 (byte 2)");
	expect("feature", S("a\xc0\xaf"), "not valid UTF-8");	 /* overlong */
	expect("feature", S("\xed\xa0\x80"), "not valid UTF-8"); /* surrogate */
	expect("feature", S("\xf4\x90\x80\x80"), "not valid UTF-8");
	expect("feature", S("\xe2\x80"), "not valid UTF-8"); /* cut short */
}

static void names_excerpt(void **state)
{
	char out[32];

	(void)state;
	assert_string_equal(dm_name_excerpt(S("a\\b"), out, sizeof(out)),
			    "a\\\\b");
	assert_string_equal(dm_name_excerpt(S("\x1b]0;T\a"), out, sizeof(out)),
			    "\\u001b]0;T\\u0007");
	assert_string_equal(
		dm_name_excerpt(S("abcdefghijklmnopqrstuvwxyz"), out, 16),
		"abcdefghijkl...");
}

/* dm_redact (store.h): credentials out of anything printed. */
static void redact_urls_and_secrets(void **state)
{
	char out[512];

	(void)state;
	assert_string_equal(
		dm_redact(
			"store 'https://alice:pw-S3cret@acct.blob.core.windows"
			".net/logs' failed",
			out, sizeof(out)),
		"store 'https://REDACTED@acct.blob.core.windows.net/logs' "
		"failed");
	assert_string_equal(dm_redact("ftp://bob@host/x", out, sizeof(out)),
			    "ftp://REDACTED@host/x");
	/* an @ after the path is not user information */
	assert_string_equal(dm_redact("https://host/a@b", out, sizeof(out)),
			    "https://host/a@b");
	assert_string_equal(
		dm_redact("GET https://a.blob/c?sv=2024&sig=AbC%2Bdef&se=1 500",
			  out, sizeof(out)),
		"GET https://a.blob/c?sv=2024&sig=REDACTED&se=1 500");
	assert_string_equal(
		dm_redact("DefaultEndpointsProtocol=https;AccountName=a;"
			  "AccountKey=Zm9vYmFy==;EndpointSuffix=x",
			  out, sizeof(out)),
		"DefaultEndpointsProtocol=https;AccountName=a;"
		"AccountKey=REDACTED;EndpointSuffix=x");
	assert_string_equal(
		dm_redact("Authorization: Bearer abc.def", out, sizeof(out)),
		"Authorization: REDACTED");
	assert_string_equal(
		dm_redact("/var/lib/wal: No space", out, sizeof(out)),
		"/var/lib/wal: No space");
	/* cut, still terminated */
	assert_int_equal(
		strlen(dm_redact("https://u:p@h/xxxxxxxxxxxx", out, 8)), 7);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(names_accept),
		cmocka_unit_test(names_refuse),
		cmocka_unit_test(names_excerpt),
		cmocka_unit_test(redact_urls_and_secrets),
	};

	if (argc > 1)
		cmocka_set_test_filter(argv[1]);
	return cmocka_run_group_tests_name("names", tests, NULL, NULL);
}
