/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The hour profile's sketch encoding (src/profile/hpcodec.c, format
 * version 2): base64 against RFC 4648's test vectors, values and weights
 * round-tripping bit for bit (signed zeros, subnormals, the largest
 * weights), every bound of the strict decoders at the boundary (one past
 * is refused with its own reason), the lifting of the long strings out of
 * the JSON, random corruption (never a crash, never a partial result) and
 * every allocation failing in turn (torture helper).
 */
#include "dmtest.h"
#include "dmtest_alloc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "profile/hpcodec.h"

static uint64_t st = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void)
{
	st ^= st << 13;
	st ^= st >> 7;
	st ^= st << 17;
	return st;
}

static char *b64(const char *in, size_t n)
{
	char *o = malloc(hpc_b64_len(n) + 1);

	assert_non_null(o);
	hpc_b64_encode((const unsigned char *)in, n, o);
	o[hpc_b64_len(n)] = '\0';
	return o;
}

/* RFC 4648 section 10, both ways; non-canonical and misplaced padding,
 * foreign characters and short buffers refused. */
static void hpc_b64_vectors(void **state)
{
	static const char *const plain[] = {"",	    "f",     "fo",    "foo",
					    "foob", "fooba", "foobar"};
	static const char *const enc[] = {
		"", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy"};
	static const char *const bad[] = {
		"Zg=",	    /* not a multiple of 4 */
		"Zh==",	    /* bits after the last byte */
		"Zm9=",	    /* ditto */
		"Z===",	    /* three padding characters */
		"=m9v",	    /* padding first */
		"Zg==Zm9v", /* padding inside */
		"Zm9v\n",   /* whitespace */
		"Zm-v",	    /* base64url */
		"Zm\"v",    /* a quote */
		"Zg=v",	    /* data after padding */
	};
	unsigned char out[16];
	size_t i;

	(void)state;
	for (i = 0; i < 7; i++) {
		char *e = b64(plain[i], strlen(plain[i]));

		assert_string_equal(e, enc[i]);
		free(e);
		assert_int_equal(hpc_b64_decode(enc[i], strlen(enc[i]), out,
						sizeof(out)),
				 (long)strlen(plain[i]));
		assert_memory_equal(out, plain[i], strlen(plain[i]));
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(hpc_b64_decode(bad[i], strlen(bad[i]), out,
						sizeof(out)),
				 -1);
	/* the output bound: exactly enough, and one byte short */
	assert_int_equal(hpc_b64_decode("Zm9vYmFy", 8, out, 6), 6);
	assert_int_equal(hpc_b64_decode("Zm9vYmFy", 8, out, 5), -1);
	assert_int_equal(hpc_b64_decode("Zm9vYg==", 8, out, 4), 4);
	assert_int_equal(hpc_b64_decode("Zm9vYg==", 8, out, 3), -1);
}

/* Values and weights read back bit for bit, for every length 0..300. */
static void hpc_round_trip(void **state)
{
	static const uint64_t edge[] = {1,	    127,       128,
					16383,	    16384,     (1ull << 63) - 1,
					1ull << 63, UINT64_MAX};
	double v[300], back[300];
	uint64_t w[300], wb[300];
	size_t n, i;

	(void)state;
	for (n = 0; n <= 300; n++) {
		char *sv, *sw;
		size_t lv, lw;
		const char *why = NULL;

		for (i = 0; i < n; i++) {
			uint64_t r = rnd(), bits = rnd();

			switch (r % 6) {
			case 0:
				v[i] = -0.0;
				break;
			case 1:
				v[i] = 5e-324;
				break; /* subnormal */
			case 2:
				v[i] = (double)(r >> 40);
				break;
			case 3:
				v[i] = -1.7976931348623157e308;
				break;
			default:
				memcpy(&v[i], &bits, 8);
				if (!isfinite(v[i]))
					v[i] = 0.1;
			}
			w[i] = i % 3 ? edge[r % 8] : (rnd() >> (r % 64)) + 1;
		}
		assert_int_equal(hpc_values_encode(v, n, &sv, &lv), 0);
		assert_int_equal(hpc_weights_encode(w, n, &sw, &lw), 0);
		assert_int_equal(lv, strlen(sv));
		assert_int_equal(lv, hpc_b64_len(8 * n));
		assert_int_equal(hpc_values_decode(sv, lv, n, back, &why), 0);
		assert_int_equal(hpc_weights_decode(sw, lw, n, wb, &why), 0);
		assert_memory_equal(back, v, n * sizeof(double));
		assert_memory_equal(wb, w, n * sizeof(uint64_t));
		if (n > 0) {
			/* a value fewer or more is refused */
			assert_int_equal(
				hpc_values_decode(sv, lv, n - 1, back, &why),
				-1);
			assert_int_equal(
				hpc_weights_decode(sw, lw, n - 1, wb, &why),
				-1);
		}
		assert_int_equal(hpc_values_decode(sv, lv, n + 1, back, &why),
				 -1);
		assert_int_equal(hpc_weights_decode(sw, lw, n + 1, wb, &why),
				 -1);
		free(sv);
		free(sw);
	}
	/* little-endian, as the format says: 1.0 is 00..f0 3f */
	{
		double one = 1.0;
		char *s;
		size_t l;

		assert_int_equal(hpc_values_encode(&one, 1, &s, &l), 0);
		assert_string_equal(s, "AAAAAAAA8D8=");
		free(s);
	}
}

/* The varint bounds: 10 bytes for 2^64 - 1 (accepted), an 11th byte or
 * a 65th bit refused, a non-minimal form refused, a cut one refused. */
static void hpc_varint_bounds(void **state)
{
	unsigned char raw[16];
	char *s;
	uint64_t w[2];
	const char *why = NULL;
	size_t i;

	(void)state;
	for (i = 0; i < 9; i++)
		raw[i] = 0xff;
	raw[9] = 0x01; /* 2^64 - 1 */
	s = b64((char *)raw, 10);
	assert_int_equal(hpc_weights_decode(s, strlen(s), 1, w, &why), 0);
	assert_true(w[0] == UINT64_MAX);
	free(s);
	raw[9] = 0x02; /* bit 64 */
	s = b64((char *)raw, 10);
	assert_int_equal(hpc_weights_decode(s, strlen(s), 1, w, &why), -1);
	assert_non_null(strstr(why, "more than 64 bits"));
	free(s);
	raw[9] = 0x81; /* an 11th byte follows */
	raw[10] = 0x00;
	s = b64((char *)raw, 11);
	assert_int_equal(hpc_weights_decode(s, strlen(s), 1, w, &why), -1);
	free(s);
	raw[0] = 0x85; /* 5 written in two bytes */
	raw[1] = 0x00;
	s = b64((char *)raw, 2);
	assert_int_equal(hpc_weights_decode(s, strlen(s), 1, w, &why), -1);
	assert_non_null(strstr(why, "not minimal"));
	free(s);
	raw[0] = 0x80; /* 0 in two bytes */
	s = b64((char *)raw, 2);
	assert_int_equal(hpc_weights_decode(s, strlen(s), 1, w, &why), -1);
	free(s);
	raw[0] = 0x05; /* 5, then a cut varint */
	raw[1] = 0x85;
	s = b64((char *)raw, 2);
	assert_int_equal(hpc_weights_decode(s, strlen(s), 2, w, &why), -1);
	assert_non_null(strstr(why, "end early"));
	assert_int_equal(hpc_weights_decode(s, strlen(s), 1, w, &why), -1);
	free(s);
	raw[0] = 0x05; /* 5, 6: one weight too many */
	raw[1] = 0x06;
	s = b64((char *)raw, 2);
	assert_int_equal(hpc_weights_decode(s, strlen(s), 1, w, &why), -1);
	assert_non_null(strstr(why, "after the last"));
	free(s);
	raw[0] = 0x00; /* zero is a varint: the caller refuses it */
	s = b64((char *)raw, 1);
	assert_int_equal(hpc_weights_decode(s, strlen(s), 1, w, &why), 0);
	assert_true(w[0] == 0);
	free(s);
}

static const char doc[] =
	"{\"a\":\"@0\",\"values\" : \"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\","
	"\"weights\":\"AQ==\",\"s\":{\"weights\":"
	"\"AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcY\",\"values\":[1,2],"
	"\"x\\\"values\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAA\","
	"\"values\":\"a\\\"b\\\\\\\"AAAAAAAAAAAAAAAAAAAAAAAAAA\"}}";

/* Only the long string values of "values" and "weights" are lifted, in
 * order, escapes respected; each is taken once. */
static void hpc_lift(void **state)
{
	hpc_blobs b;
	char *out = NULL;
	size_t olen = 0, tl;
	const char *t;

	(void)state;
	assert_int_equal(hpc_blobs_lift(doc, strlen(doc), &out, &olen, &b), 0);
	assert_string_equal(
		out, "{\"a\":\"@0\",\"values\" : \"@0\",\"weights\":\"AQ==\","
		     "\"s\":{\"weights\":\"@1\",\"values\":[1,2],"
		     "\"x\\\"values\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAA\","
		     "\"values\":\"@2\"}}");
	assert_int_equal(olen, strlen(out));
	assert_int_equal(b.n, 3);
	assert_int_equal(b.len[0], 32);
	assert_int_equal(hpc_blob_take(&b, "@1", 2, &t, &tl), 0);
	assert_int_equal(tl, 32);
	assert_memory_equal(t, "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcY", 32);
	assert_int_equal(hpc_blob_take(&b, "@1", 2, &t, &tl), -1); /* twice */
	assert_int_equal(hpc_blob_take(&b, "@3", 2, &t, &tl), -1); /* none */
	assert_int_equal(hpc_blob_take(&b, "@01", 3, &t, &tl), -1);
	assert_int_equal(hpc_blob_take(&b, "@", 1, &t, &tl), -1);
	assert_int_equal(hpc_blob_take(&b, "@2x", 3, &t, &tl), -1);
	assert_int_equal(hpc_blob_take(&b, "@99999999999", 12, &t, &tl), -1);
	assert_int_equal(hpc_blob_take(&b, "@999999999999", 13, &t, &tl), -1);
	assert_int_equal(hpc_blob_take(&b, "@2", 2, &t, &tl), 0);
	assert_int_equal(tl, 34); /* the raw text, escapes and all */
	assert_int_equal(hpc_blob_take(&b, "AQ==", 4, &t, &tl), 0);
	assert_int_equal(tl, 4); /* a short string: itself */
	hpc_blobs_release(&b);
	free(out);
	/* text ending inside a string: nothing lifted */
	assert_int_equal(hpc_blobs_lift(doc, 60, &out, &olen, &b), -1);
	assert_null(out);
	assert_int_equal(b.n, 0);
}

/* Random corruption of an encoded pair: clean refusal or a full decode,
 * never a read out of bounds (run under ASan in make test). */
static void hpc_random_corruption(void **state)
{
	double v[64], back[64];
	uint64_t w[64], wb[64];
	char *sv, *sw;
	size_t lv, lw, i, round;

	(void)state;
	for (i = 0; i < 64; i++) {
		v[i] = (double)i / 7.0;
		w[i] = rnd() >> (i % 64);
	}
	assert_int_equal(hpc_values_encode(v, 64, &sv, &lv), 0);
	assert_int_equal(hpc_weights_encode(w, 64, &sw, &lw), 0);
	for (round = 0; round < 4000; round++) {
		char *cv = malloc(lv + 1), *cw = malloc(lw + 1);
		const char *why = NULL;
		size_t cut = round % 3 == 0 ? rnd() % (lw + 1) : lw;
		int rc;

		memcpy(cv, sv, lv + 1);
		memcpy(cw, sw, lw + 1);
		cv[rnd() % lv] = (char)rnd();
		cw[rnd() % lw] = (char)rnd();
		rc = hpc_values_decode(cv, lv, 64, back, &why);
		assert_true(rc == 0 || (rc == -1 && why && *why));
		rc = hpc_weights_decode(cw, cut, 64, wb, &why);
		assert_true(rc == 0 || (rc == -1 && why && *why));
		free(cv);
		free(cw);
	}
	free(sv);
	free(sw);
}

/* Every allocation of the encoders, decoders and the lifting made to
 * fail in turn: -1 / -2, nothing leaked. */
static void hpc_alloc_failures(void **state)
{
#ifdef DMTEST_ASAN
	(void)state;
	skip();
#else
	double v[40], back[40];
	uint64_t w[40], wb[40];
	long n;
	size_t i;

	(void)state;
	for (i = 0; i < 40; i++) {
		v[i] = (double)i;
		w[i] = i + 1;
	}
	for (n = 0;; n++) {
		long before = live_blocks;
		char *sv = NULL, *sw = NULL, *out = NULL;
		size_t lv = 0, lw = 0, olen;
		const char *why;
		hpc_blobs b;
		int rc;

		fail_hit = 0;
		fail_countdown = n;
		rc = hpc_values_encode(v, 40, &sv, &lv);
		if (rc == 0)
			rc = hpc_weights_encode(w, 40, &sw, &lw);
		if (rc == 0)
			rc = hpc_values_decode(sv, lv, 40, back, &why);
		if (rc == 0)
			rc = hpc_weights_decode(sw, lw, 40, wb, &why);
		if (rc == 0) {
			rc = hpc_blobs_lift(doc, strlen(doc), &out, &olen, &b);
			if (rc == 0)
				hpc_blobs_release(&b);
			free(out);
		}
		fail_countdown = -1;
		free(sv);
		free(sw);
		assert_true(rc == 0 || rc == -1 || rc == -2);
		assert_int_equal(live_blocks, before);
		if (!fail_hit) {
			assert_int_equal(rc, 0);
			break;
		}
		assert_int_not_equal(rc, 0);
	}
#endif
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(hpc_b64_vectors),
		cmocka_unit_test(hpc_round_trip),
		cmocka_unit_test(hpc_varint_bounds),
		cmocka_unit_test(hpc_lift),
		cmocka_unit_test(hpc_random_corruption),
		cmocka_unit_test(hpc_alloc_failures),
	};

	if (argc > 1)
		cmocka_set_test_filter(argv[1]);
	return cmocka_run_group_tests_name("hpcodec", tests, NULL, NULL);
}
