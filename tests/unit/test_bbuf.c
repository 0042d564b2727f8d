/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The shared helpers of src/core: the byte buffer (core/bbuf: cap,
 * sticky error, ULEB128 and zigzag varints), the text layer over it
 * (core/sbuf) and the small helpers (core/util: dupn, mkdirs, the key
 * path check).  Allocation failures through tests/unit/dmtest_alloc.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dmtest.h"
#include "dmtest_alloc.h"

#include "core/bbuf.h"
#include "core/sbuf.h"
#include "core/util.h"

/* ---- bbuf: cap and sticky error ------------------------------------ */
static void bbuf_cap_exact(void **state)
{
	bbuf b;
	uint8_t x[10] = {0};

	(void)state;
	bb_init(&b, 10);
	bb_put(&b, x, 7);
	bb_put(&b, x, 3); /* exactly the cap */
	assert_int_equal(b.err, DM_OK);
	assert_int_equal(b.len, 10);
	assert_true(b.cap <= 10);
	bb_u8(&b, 1); /* one past */
	assert_int_equal(b.err, DM_ETOOBIG);
	assert_int_equal(b.len, 10);
	bb_release(&b);
}

static void bbuf_sticky(void **state)
{
	bbuf b;
	uint8_t x[8] = {1, 2, 3, 4, 5, 6, 7, 8};

	(void)state;
	bb_init(&b, 8);
	bb_put(&b, x, 4);
	bb_put(&b, x, 8); /* too big: error, nothing written */
	assert_int_equal(b.err, DM_ETOOBIG);
	assert_int_equal(b.len, 4);
	bb_put(&b, x, 1); /* would fit, but the error is sticky */
	bb_u8(&b, 9);
	bb_uvarint(&b, 1);
	bb_f64(&b, 1.0);
	assert_null(bb_reserve(&b, 1));
	assert_int_equal(b.len, 4);
	assert_int_equal(b.err, DM_ETOOBIG);
	assert_memory_equal(b.p, x, 4);
	bb_release(&b);
	bb_release(NULL);
}

static void bbuf_zeroed_default_cap(void **state)
{
	bbuf b = {0};

	(void)state;
	assert_null(bb_reserve(&b, BB_MAX_DEFAULT + 1));
	assert_int_equal(b.err, DM_ETOOBIG);
	memset(&b, 0, sizeof(b));
	assert_null(bb_reserve(&b, SIZE_MAX)); /* no overflow in len + n */
	assert_int_equal(b.err, DM_ETOOBIG);
	memset(&b, 0, sizeof(b));
	bb_put(&b, "abc", 3);
	assert_int_equal(b.err, DM_OK);
	assert_int_equal(b.len, 3);
	bb_release(&b);
}

/* A varint that fits exactly below the cap is written even though the
 * 10-byte worst case would not fit. */
static void bbuf_varint_at_cap(void **state)
{
	bbuf b;
	const uint8_t *p;
	uint64_t v;

	(void)state;
	bb_init(&b, 3);
	bb_uvarint(&b, 300); /* 2 bytes */
	assert_int_equal(b.err, DM_OK);
	assert_int_equal(b.len, 2);
	bb_uvarint(&b, 1); /* the last byte */
	assert_int_equal(b.err, DM_OK);
	bb_uvarint(&b, 0); /* one past */
	assert_int_equal(b.err, DM_ETOOBIG);
	p = b.p;
	assert_int_equal(bb_get_uvarint(&p, b.p + b.len, &v), BB_VARINT_OK);
	assert_true(v == 300);
	bb_release(&b);
}

/* ---- varints ------------------------------------------------------- */
static void varint_round_trip(void **state)
{
	static const uint64_t u[] = {
		0,	   1,	  127,	      128,
		16383,	   16384, UINT32_MAX, (uint64_t)1 << 63,
		UINT64_MAX};
	static const int64_t s[] = {0, -1, 1, -64, 64, INT64_MIN, INT64_MAX};
	bbuf b;
	const uint8_t *p, *end;
	uint64_t v;
	size_t i;

	(void)state;
	bb_init(&b, 0);
	for (i = 0; i < sizeof(u) / sizeof(u[0]); i++)
		bb_uvarint(&b, u[i]);
	for (i = 0; i < sizeof(s) / sizeof(s[0]); i++)
		bb_svarint(&b, s[i]);
	assert_int_equal(b.err, DM_OK);
	p = b.p;
	end = b.p + b.len;
	for (i = 0; i < sizeof(u) / sizeof(u[0]); i++) {
		assert_int_equal(bb_get_uvarint(&p, end, &v), BB_VARINT_OK);
		assert_true(v == u[i]);
	}
	for (i = 0; i < sizeof(s) / sizeof(s[0]); i++) {
		assert_int_equal(bb_get_uvarint(&p, end, &v), BB_VARINT_OK);
		assert_true(bb_unzigzag(v) == s[i]);
	}
	assert_true(p == end);
	bb_release(&b);
}

static void varint_encodings(void **state)
{
	static const uint8_t max[] = {0xff, 0xff, 0xff, 0xff, 0xff,
				      0xff, 0xff, 0xff, 0xff, 0x01};
	bbuf b;

	(void)state;
	bb_init(&b, 0);
	bb_uvarint(&b, UINT64_MAX); /* ten bytes, the last 0x01 */
	assert_int_equal(b.len, sizeof(max));
	assert_memory_equal(b.p, max, sizeof(max));
	b.len = 0;
	bb_uvarint(&b, 300);
	assert_int_equal(b.len, 2);
	assert_int_equal(b.p[0], 0xac);
	assert_int_equal(b.p[1], 0x02);
	/* zigzag: 0, -1, 1, -2, 2 -> 0, 1, 2, 3, 4 */
	assert_true(bb_zigzag(0) == 0 && bb_zigzag(-1) == 1 &&
		    bb_zigzag(1) == 2 && bb_zigzag(-2) == 3 &&
		    bb_zigzag(2) == 4);
	assert_true(bb_zigzag(INT64_MIN) == UINT64_MAX);
	assert_true(bb_zigzag(INT64_MAX) == UINT64_MAX - 1);
	bb_release(&b);
}

static void varint_bad_input(void **state)
{
	/* 10th byte 0x02: bit 64 */
	static const uint8_t over[] = {0xff, 0xff, 0xff, 0xff, 0xff,
				       0xff, 0xff, 0xff, 0xff, 0x02};
	/* eleven bytes: 0x80 ten times, then 0x00 */
	static const uint8_t too_long[] = {0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
					   0x80, 0x80, 0x80, 0x80, 0x00};
	/* overlong but within ten bytes: 1 padded to three bytes */
	static const uint8_t overlong[] = {0x81, 0x80, 0x00};
	static const uint8_t cut[] = {0xff, 0xff};
	const uint8_t *p;
	uint64_t v = 42;

	(void)state;
	p = over;
	assert_int_equal(bb_get_uvarint(&p, over + sizeof(over), &v),
			 BB_VARINT_OVERFLOW);
	assert_true(p == over && v == 42); /* untouched on error */
	p = too_long;
	assert_int_equal(bb_get_uvarint(&p, too_long + sizeof(too_long), &v),
			 BB_VARINT_TOO_LONG);
	assert_true(p == too_long);
	p = overlong;
	assert_int_equal(bb_get_uvarint(&p, overlong + sizeof(overlong), &v),
			 BB_VARINT_OK);
	assert_true(v == 1 && p == overlong + 3);
	p = cut;
	assert_int_equal(bb_get_uvarint(&p, cut + sizeof(cut), &v),
			 BB_VARINT_TRUNCATED);
	assert_int_equal(bb_get_uvarint(&p, cut, &v), BB_VARINT_TRUNCATED);
	assert_true(p == cut);
}

/* ---- allocation failures --------------------------------------------- */
static void bbuf_alloc_failures(void **state)
{
#ifdef DMTEST_ASAN
	(void)state;
	skip();
#else
	long k;
	int ok_seen = 0;

	(void)state;
	for (k = 0; k < 40; k++) {
		bbuf b;
		sbuf s;
		char *out = NULL;
		dm_err err;
		size_t i;

		fail_hit = 0;
		bb_init(&b, 0);
		sb_init(&s, 0);
		fail_countdown = k;
		for (i = 0; i < 5000; i++) {
			bb_uvarint(&b, (uint64_t)i << 40);
			bb_f64(&b, (double)i);
			sb_printf(&s, "%zu,", i);
		}
		err = sb_finish(&s, &out, NULL);
		fail_countdown = -1;
		if (!fail_hit) {
			assert_int_equal(b.err, DM_OK);
			assert_int_equal(err, DM_OK);
			assert_int_equal(strncmp(out, "0,1,2,", 6), 0);
			ok_seen = 1;
			free(out);
			bb_release(&b);
			break;
		}
		/* the failure is sticky and reported, never a crash */
		assert_true(b.err == DM_ENOMEM || err == DM_ENOMEM);
		if (b.err)
			assert_null(bb_reserve(&b, 1));
		assert_true(err == DM_OK || out == NULL);
		free(out);
		bb_release(&b);
		sb_release(&s);
	}
	assert_true(ok_seen);
#endif
}

/* ---- sbuf ------------------------------------------------------------ */
static void sbuf_text(void **state)
{
	sbuf s;
	char *out;
	size_t len;
	char big[600];

	(void)state;
	sb_init(&s, 0);
	assert_int_equal(sb_finish(&s, &out, &len), DM_OK);
	assert_string_equal(out, ""); /* never NULL */
	assert_int_equal(len, 0);
	free(out);

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	sb_init(&s, 0);
	sb_puts(&s, "a");
	sb_putc(&s, 'b');
	sb_printf(&s, "%d%s", 12, "c");
	sb_printf(&s, "%s", big); /* past the printf stack buffer */
	assert_int_equal(sb_finish(&s, &out, &len), DM_OK);
	assert_int_equal(len, 5 + sizeof(big) - 1);
	assert_int_equal(strncmp(out, "ab12cxx", 7), 0);
	assert_int_equal(strlen(out), len);
	free(out);

	/* the cap counts the text, not the NUL */
	sb_init(&s, 4);
	sb_puts(&s, "abcd");
	assert_int_equal(s.err, DM_OK);
	assert_string_equal((const char *)s.p, "abcd");
	sb_putc(&s, 'e');
	assert_int_equal(s.err, DM_ETOOBIG);
	assert_int_equal(sb_finish(&s, &out, &len), DM_ETOOBIG);
	assert_null(out);
	sb_release(&s);
}

/* ---- util ------------------------------------------------------------ */
static void util_dupn_copies(void **state)
{
	char *d;

	(void)state;
	d = util_dupn("abcdef", 3);
	assert_string_equal(d, "abc");
	free(d);
	d = util_dupn(NULL, 0);
	assert_string_equal(d, "");
	free(d);
}

static void util_mkdirs_makes(void **state)
{
	char root[] = "/tmp/dmtest-mkdirs-XXXXXX", path[512], file[256];
	struct stat st;

	(void)state;
	assert_non_null(mkdtemp(root));
	snprintf(path, sizeof(path), "%s/a/b/c", root);
	assert_int_equal(util_mkdirs(path, strlen(path), 0755), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(util_mkdirs(path, strlen(path), 0755), 0); /* again */
	/* only the folders of a file: up to its last '/' */
	snprintf(file, sizeof(file), "%s/d/e/name.json", root);
	assert_int_equal(util_mkdirs(file, strrchr(file, '/') - file, 0755), 0);
	snprintf(path, sizeof(path), "%s/d/e", root);
	assert_int_equal(stat(path, &st), 0);
	assert_int_not_equal(stat(file, &st), 0);
	/* a file in the way: -1 and errno from mkdir(2) */
	assert_int_equal(close(open(file, O_CREAT | O_WRONLY, 0644)), 0);
	snprintf(path, sizeof(path), "%s/x/y", file);
	errno = 0;
	assert_int_equal(util_mkdirs(path, strlen(path), 0755), -1);
	assert_int_equal(errno, ENOTDIR);
	snprintf(path, sizeof(path), "rm -rf '%s'", root);
	assert_int_equal(system(path), 0);
}

static void util_key_paths(void **state)
{
	(void)state;
	assert_true(util_key_path_ok("a"));
	assert_true(util_key_path_ok("a/b.json"));
	assert_true(util_key_path_ok("a/..b/.c"));
	assert_false(util_key_path_ok(NULL));
	assert_false(util_key_path_ok(""));
	assert_false(util_key_path_ok("/a"));
	assert_false(util_key_path_ok("a//b"));
	assert_true(util_key_path_ok("a/")); /* a trailing slash is allowed */
	assert_false(util_key_path_ok("a/./b"));
	assert_false(util_key_path_ok("a/../b"));
	assert_false(util_key_path_ok(".."));
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(bbuf_cap_exact),
		cmocka_unit_test(bbuf_sticky),
		cmocka_unit_test(bbuf_zeroed_default_cap),
		cmocka_unit_test(bbuf_varint_at_cap),
		cmocka_unit_test(varint_round_trip),
		cmocka_unit_test(varint_encodings),
		cmocka_unit_test(varint_bad_input),
		cmocka_unit_test(bbuf_alloc_failures),
		cmocka_unit_test(sbuf_text),
		cmocka_unit_test(util_dupn_copies),
		cmocka_unit_test(util_mkdirs_makes),
		cmocka_unit_test(util_key_paths),
	};

	if (argc > 1)
		cmocka_set_test_filter(argv[1]);
	return cmocka_run_group_tests_name("bbuf", tests, NULL, NULL);
}
