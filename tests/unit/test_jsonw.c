/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The streaming JSON writer (core/jsonw: jw_init_stream) against the
 * in-memory one, across chunk boundaries; a sink that fails mid-stream;
 * and dm_store_put_stream on the local store (the object whole, or left
 * as it was with no temporary file when the producer fails).
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dmtest.h"

#include "core/bbuf.h"
#include "core/jsonw.h"
#include "driftmon/store.h"

/* A sink that keeps every chunk and can fail on its fail_at-th call. */
struct rec {
	bbuf b;
	size_t calls;
	size_t fail_at; /* 0: never */
	size_t biggest;
};

static dm_err rec_sink(void *ctx, const void *data, size_t len)
{
	struct rec *r = ctx;

	r->calls++;
	assert_true(len > 0);
	if (r->fail_at && r->calls == r->fail_at)
		return DM_EIO;
	if (len > r->biggest)
		r->biggest = len;
	bb_put(&r->b, data, len);
	return r->b.err;
}

/* A document of about `items` entries: strings with escapes and a
 * Latin-1 byte, numbers, nesting, and one string longer than a chunk. */
static void doc(jw *w, size_t items, const char *big)
{
	size_t i;

	jw_obj(w);
	jw_key(w, "name");
	jw_str(w, "caf\xe9 \"quoted\"\n\ttab\\");
	jw_key(w, "items");
	jw_arr(w);
	for (i = 0; i < items; i++) {
		jw_obj(w);
		jw_key(w, "i");
		jw_u64(w, i);
		jw_key(w, "x");
		jw_num(w, (double)i / 7.0);
		jw_key(w, "neg");
		jw_i64(w, -(int64_t)i);
		jw_key(w, "ok");
		jw_bool(w, i % 2 == 0);
		jw_key(w, "none");
		jw_null(w);
		jw_obj_end(w);
		if (big && i == items / 2) {
			jw_obj(w);
			jw_key(w, "big");
			jw_str(w, big);
			jw_obj_end(w);
		}
	}
	jw_arr_end(w);
	jw_key(w, "raw");
	jw_raw(w, "12.5", 4);
	jw_obj_end(w);
}

static char *big_string(size_t n)
{
	char *s = malloc(n + 1);
	size_t i;

	assert_non_null(s);
	for (i = 0; i < n; i++)
		s[i] = (char)('a' + i % 26);
	s[n] = '\0';
	return s;
}

static void check_same(size_t items, const char *big, int pretty)
{
	jw w;
	char *mem = NULL;
	size_t len = 0;
	struct rec r;

	memset(&r, 0, sizeof(r));
	bb_init(&r.b, 0);
	jw_init(&w, 0, pretty);
	doc(&w, items, big);
	assert_int_equal(jw_finish(&w, &mem, &len), DM_OK);

	jw_init_stream(&w, 0, pretty, rec_sink, &r);
	doc(&w, items, big);
	assert_int_equal(jw_finish_stream(&w), DM_OK);
	assert_int_equal(r.b.len, len);
	assert_memory_equal(r.b.p, mem, len);
	/* chunks of at most JW_CHUNK, bar a string longer than one */
	if (!big)
		assert_true(r.biggest <= JW_CHUNK);
	if (len > 2 * JW_CHUNK)
		assert_true(r.calls > 2);
	free(mem);
	bb_release(&r.b);
}

static void stream_equals_memory(void **state)
{
	char *big = big_string(3 * JW_CHUNK + 17);

	(void)state;
	check_same(0, NULL, 1);
	check_same(1, NULL, 0);
	check_same(10, NULL, 1);
	/* many chunks, in both layouts, around the chunk size */
	check_same(5000, NULL, 1);
	check_same(5000, NULL, 0);
	check_same(777, NULL, 1);
	/* a string longer than a chunk goes through whole */
	check_same(3000, big, 1);
	check_same(2, big, 0);
	free(big);
}

/* Every chunk boundary position: documents growing a byte at a time
 * around JW_CHUNK. */
static void stream_every_boundary(void **state)
{
	size_t pad;

	(void)state;
	for (pad = JW_CHUNK - 40; pad < JW_CHUNK + 40; pad++) {
		char *s = big_string(pad);

		check_same(1, s, 0);
		free(s);
	}
}

static void stream_sink_error_sticks(void **state)
{
	jw w;
	struct rec r;

	(void)state;
	memset(&r, 0, sizeof(r));
	bb_init(&r.b, 0);
	r.fail_at = 2;
	jw_init_stream(&w, 0, 1, rec_sink, &r);
	doc(&w, 5000, NULL);
	assert_int_equal(jw_finish_stream(&w), DM_EIO);
	/* nothing handed over after the failure */
	assert_int_equal(r.calls, 2);
	bb_release(&r.b);
}

static void stream_cap(void **state)
{
	jw w;
	struct rec r;
	char *mem = NULL;
	size_t len;

	(void)state;
	memset(&r, 0, sizeof(r));
	bb_init(&r.b, 0);
	/* the cap counts every byte, handed over or not */
	jw_init_stream(&w, 3 * JW_CHUNK, 1, rec_sink, &r);
	doc(&w, 5000, NULL);
	assert_int_equal(jw_finish_stream(&w), DM_ETOOBIG);
	assert_true(r.b.len <= 3 * JW_CHUNK);
	jw_init(&w, 3 * JW_CHUNK, 1);
	doc(&w, 5000, NULL);
	assert_int_equal(jw_finish(&w, &mem, &len), DM_ETOOBIG);
	bb_release(&r.b);
}

/* ---- dm_store_put_stream on the local store ------------------------ */
struct prod {
	const char *text;
	size_t piece;
	int fail; /* after the first piece */
};

static dm_err produce(void *ctx, dm_sink_fn sink, void *sink_ctx)
{
	const struct prod *p = ctx;
	size_t n = strlen(p->text), off;
	dm_err err;

	for (off = 0; off < n; off += p->piece) {
		size_t k = n - off < p->piece ? n - off : p->piece;

		if ((err = sink(sink_ctx, p->text + off, k)) != DM_OK)
			return err;
		if (p->fail)
			return DM_ENOMEM;
	}
	return DM_OK;
}

static size_t count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t n = 0;

	assert_non_null(d);
	while ((e = readdir(d)))
		n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	closedir(d);
	return n;
}

static void store_stream(void **state)
{
	char dir[] = "/tmp/dm-jsonw-XXXXXX", sub[64], path[80];
	dm_store *s = NULL;
	dm_diag diag;
	char *data = NULL;
	size_t len;
	struct prod ok = {"{\"a\": 1, \"b\": [1, 2, 3]}\n", 5, 0};
	struct prod bad = {"{\"a\": 2, \"b\": \"partial\"}\n", 4, 1};
	FILE *fp;

	(void)state;
	assert_non_null(mkdtemp(dir));
	dm_diag_clear(&diag);
	assert_int_equal(dm_store_open(dir, &s, &diag), DM_OK);
	/* whole */
	assert_int_equal(
		dm_store_put_stream(s, "x/obj.json", produce, &ok, &diag),
		DM_OK);
	assert_int_equal(dm_store_get(s, "x/obj.json", 0, &data, &len, &diag),
			 DM_OK);
	assert_int_equal(len, strlen(ok.text));
	assert_memory_equal(data, ok.text, len);
	free(data);
	/* a failing producer: the old content stays, no temporary file */
	assert_int_equal(
		dm_store_put_stream(s, "x/obj.json", produce, &bad, &diag),
		DM_ENOMEM);
	assert_int_equal(dm_store_get(s, "x/obj.json", 0, &data, &len, &diag),
			 DM_OK);
	assert_memory_equal(data, ok.text, strlen(ok.text));
	free(data);
	snprintf(sub, sizeof(sub), "%s/x", dir);
	assert_int_equal(count_entries(sub), 1);
	/* ... and a new key is not created at all */
	assert_int_equal(
		dm_store_put_stream(s, "x/new.json", produce, &bad, &diag),
		DM_ENOMEM);
	snprintf(path, sizeof(path), "%s/x/new.json", dir);
	fp = fopen(path, "rb");
	assert_null(fp);
	assert_int_equal(count_entries(sub), 1);
	/* a bad key is refused before the producer runs */
	assert_int_not_equal(
		dm_store_put_stream(s, "../up", produce, &ok, &diag), DM_OK);
	dm_store_free(s);
	unlink(path);
	snprintf(path, sizeof(path), "%s/x/obj.json", dir);
	unlink(path);
	rmdir(sub);
	rmdir(dir);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(stream_equals_memory),
		cmocka_unit_test(stream_every_boundary),
		cmocka_unit_test(stream_sink_error_sticks),
		cmocka_unit_test(stream_cap),
		cmocka_unit_test(store_stream),
	};

	if (argc > 1)
		cmocka_set_test_filter(argv[1]);
	return cmocka_run_group_tests_name("jsonw", tests, NULL, NULL);
}
