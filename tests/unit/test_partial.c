/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Baseline partials (docs/fanout.md): a partial read back writes the same
 * bytes (the live sketch, the evidence and the moments survive bit for
 * bit); the partials of three parts merged in order and finished give the
 * baseline one pass over all rows gives (types and roles included: an
 * integer code whose parts start at different values stays a code); a
 * corrupt partial is refused naming the field.
 */
#include "dmtest.h"
#include "dmtest_alloc.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "driftmon/partial.h"
#include "driftmon/profile.h"

/* Rows [lo, hi) of a fixed table: "x" a smooth walk of doubles, "code"
 * small integers (1% missing; each part starts at another value), "id" strictly
 * increasing integers, "color" a category. */
static void feed(dm_profile *p, const dm_profile_opts *o, size_t lo, size_t hi)
{
	static const char *const colors[] = {"red", "green", "blue"};
	static char *const names[] = {"x", "code", "id", "color"};
	size_t i, at;

	for (at = lo; at < hi; at += 700) {
		size_t n = hi - at < 700 ? hi - at : 700;
		double *x = malloc(n * sizeof(double));
		double *code = malloc(n * sizeof(double));
		double *id = malloc(n * sizeof(double));
		uint8_t *cnull = calloc(n, 1);
		dm_strref *col = malloc(n * sizeof(dm_strref));
		dm_column cols[4];
		dm_batch b;

		for (i = 0; i < n; i++) {
			size_t r = at + i;

			x[i] = sin((double)r * 0.013) * 40.0 + (double)(r % 17);
			code[i] = (double)((r * 7 + 5) % 9);
			cnull[i] = r % 100 == 3;
			id[i] = (double)(1000 + 3 * r);
			col[i].ptr = colors[(r * r) % 3];
			col[i].len = (uint32_t)strlen(col[i].ptr);
		}
		memset(cols, 0, sizeof(cols));
		memset(&b, 0, sizeof(b));
		cols[0].type = cols[1].type = cols[2].type = DM_COL_DOUBLE;
		cols[0].f64 = x;
		cols[1].f64 = code;
		cols[1].null = cnull;
		cols[2].f64 = id;
		cols[3].type = DM_COL_STRING;
		cols[3].str = col;
		b.nrows = n;
		b.ncols = 4;
		b.cols = cols;
		b.first_row = at + 1;
		assert_int_equal(
			dm_profile_add_batch(p, o, &b, names, "t", NULL),
			DM_OK);
		free(x);
		free(code);
		free(id);
		free(cnull);
		free(col);
	}
}

static void opts(dm_profile_opts *o, uint32_t k)
{
	memset(o, 0, sizeof(*o));
	o->strict = 1;
	o->sketch_k = k;
}

/* The partial of rows [lo, hi), written and read back. */
static void part(size_t lo, size_t hi, uint32_t k, dm_partial *out)
{
	dm_profile_opts o;
	dm_partial pt;
	char *j = NULL;
	size_t l = 0;
	dm_diag d;

	opts(&o, k);
	dm_partial_init(&pt);
	dm_profile_init(&pt.prof, &o);
	feed(&pt.prof, &o, lo, hi);
	pt.model = strdup("m");
	pt.model_version = strdup("v1");
	pt.created_at = strdup("2025-01-01T00:00:00Z");
	pt.shards = 3;
	pt.files_total = 3;
	assert_int_equal(dm_partial_add_file(&pt, "f", 10), DM_OK);
	assert_int_equal(dm_partial_to_json(&pt, &j, &l), DM_OK);
	dm_diag_clear(&d);
	assert_int_equal(dm_partial_from_json(j, l, "p", out, &d), DM_OK);
	free(j);
	dm_partial_release(&pt);
}

static void partial_round_trip(void **state)
{
	dm_profile_opts o;
	dm_partial pt, back;
	char *j1 = NULL, *j2 = NULL;
	size_t l1 = 0, l2 = 0;
	dm_diag d;

	(void)state;
	opts(&o, 256); /* 5000 values: the sketch compacts */
	dm_partial_init(&pt);
	dm_profile_init(&pt.prof, &o);
	feed(&pt.prof, &o, 0, 5000);
	pt.model = strdup("m");
	pt.model_version = strdup("v1");
	pt.created_at = strdup("t");
	pt.shard = 1;
	pt.shards = 2;
	pt.run_fingerprint = 0xfedcba9876543210ull;
	pt.files_total = 4;
	assert_int_equal(dm_partial_add_file(&pt, "a.parquet", 123), DM_OK);
	assert_int_equal(dm_partial_to_json(&pt, &j1, &l1), DM_OK);
	dm_diag_clear(&d);
	assert_int_equal(dm_partial_from_json(j1, l1, "p", &back, &d), DM_OK);
	assert_int_equal(back.shard, 1);
	assert_int_equal(back.shards, 2);
	assert_true(back.run_fingerprint == 0xfedcba9876543210ull);
	assert_int_equal(dm_partial_to_json(&back, &j2, &l2), DM_OK);
	assert_int_equal(l1, l2);
	assert_memory_equal(j1, j2, l1);
	free(j1);
	free(j2);
	dm_partial_release(&pt);
	dm_partial_release(&back);
}

/* Merged partials of three parts == one pass, finished. */
static void check_merge(uint32_t k, size_t n, int exact_edges)
{
	dm_profile_opts o;
	dm_profile one;
	dm_partial a, b, c;
	size_t i, j;

	opts(&o, k);
	dm_profile_init(&one, &o);
	feed(&one, &o, 0, n);
	assert_int_equal(dm_profile_finish(&one, NULL), DM_OK);
	part(0, n / 3, k, &a);
	part(n / 3, n / 2, k, &b);
	part(n / 2, n, k, &c);
	assert_int_equal(dm_partial_merge(&a.prof, &b.prof, NULL), DM_OK);
	assert_int_equal(dm_partial_merge(&a.prof, &c.prof, NULL), DM_OK);
	assert_int_equal(dm_profile_finish(&a.prof, NULL), DM_OK);
	assert_int_equal(a.prof.rows, one.rows);
	assert_int_equal(a.prof.nfeat, one.nfeat);
	for (i = 0; i < one.nfeat; i++) {
		const dm_feature *f = &one.feat[i], *g = &a.prof.feat[i];

		assert_string_equal(f->name, g->name);
		assert_int_equal(f->type, g->type);
		assert_int_equal(f->role, g->role);
		assert_int_equal(f->ltype, g->ltype);
		assert_string_equal(f->reason, g->reason);
		assert_int_equal(f->count, g->count);
		assert_int_equal(f->missing, g->missing);
		assert_int_equal(f->ncats, g->ncats);
		for (j = 0; j < f->ncats; j++) {
			assert_string_equal(f->cats[j].value, g->cats[j].value);
			assert_int_equal(f->cats[j].count, g->cats[j].count);
		}
		if (f->type != DM_FEATURE_NUMERIC || !f->sketch)
			continue;
		assert_true(fabs(f->mom.mean - g->mom.mean) <=
			    1e-12 * fmax(1, fabs(f->mom.mean)));
		assert_true(f->mom.min == g->mom.min &&
			    f->mom.max == g->mom.max);
		if (exact_edges) {
			assert_int_equal(f->nedges, g->nedges);
			for (j = 0; j < f->nedges; j++)
				assert_true(f->edges[j] == g->edges[j]);
			for (j = 0; j <= f->nedges; j++)
				assert_int_equal(f->bins[j], g->bins[j]);
		} else {
			double bound = dm_sketch_rank_error(f->sketch) +
				       dm_sketch_rank_error(g->sketch);

			assert_true(bound > 0);
			for (j = 0; j < f->nedges && j < g->nedges; j++) {
				double r1 =
					dm_sketch_cdf(f->sketch, f->edges[j]);
				double r2 =
					dm_sketch_cdf(f->sketch, g->edges[j]);

				assert_true(fabs(r1 - r2) <=
					    bound + 2.0 / (double)f->count);
			}
		}
	}
	/* the code column stayed an integer code, the id an identifier */
	assert_int_equal(dm_profile_find(&one, "code")->ltype,
			 DM_LTYPE_INTEGER);
	assert_int_equal(dm_profile_find(&one, "id")->role, DM_ROLE_IDENTIFIER);
	dm_profile_release(&one);
	dm_partial_release(&a);
	dm_partial_release(&b);
	dm_partial_release(&c);
}

static void partials_merge_like_one_pass(void **state)
{
	(void)state;
	check_merge(16384, 3000, 1); /* the sketch holds every value */
	check_merge(512, 30000, 0);  /* compacted: within the bound */
}

static char *swap1(const char *j, const char *from, const char *to)
{
	const char *at = strstr(j, from);
	size_t head, n;
	char *o;

	assert_non_null(at);
	head = (size_t)(at - j);
	n = strlen(j) - strlen(from) + strlen(to);
	o = malloc(n + 1);
	snprintf(o, n + 1, "%.*s%s%s", (int)head, j, to, at + strlen(from));
	return o;
}

static void refused(const char *j, const char *from, const char *to,
		    const char *want)
{
	char *bad = swap1(j, from, to);
	dm_partial back;
	dm_diag d;

	dm_diag_clear(&d);
	assert_int_equal(dm_partial_from_json(bad, strlen(bad), "p", &back, &d),
			 DM_EFORMAT);
	if (!strstr(d.msg, want))
		fail_msg("'%s' -> '%s': message '%s' lacks '%s'", from, to,
			 d.msg, want);
	free(bad);
}

static void partial_refuses_corrupt(void **state)
{
	dm_partial pt, back;
	char *j = NULL;
	size_t l = 0;
	dm_diag d;

	(void)state;
	part(0, 2000, 16384, &pt);
	assert_int_equal(dm_partial_to_json(&pt, &j, &l), DM_OK);
	dm_diag_clear(&d);
	assert_int_equal(dm_partial_from_json(j, l / 2, "p", &back, &d),
			 DM_EFORMAT);
	assert_non_null(strstr(d.msg, "not valid JSON"));
	refused(j, "\"format_version\":1", "\"format_version\":7",
		"format_version 7 is not supported");
	refused(j, "driftmon-baseline-partial", "driftmon-baseline",
		"not a driftmon baseline partial");
	refused(j, "\"shard\":0", "\"shard\":3", "field 'shard'");
	refused(j, "\"count\":2000", "\"count\":1999",
		"feature 'x', field 'moments.n'");
	refused(j, "\"n\":2000,\"error_weight\":0",
		"\"n\":2001,\"error_weight\":0", "feature 'x', field 'sketch'");
	refused(j, "[\"green\",", "[\"red\",", "a value occurs twice");
	refused(j, "\"role\":\"feature\"", "\"role\":\"boss\"", "not a role");
	free(j);
	dm_partial_release(&pt);
}

/* Every allocation of reading a partial back and merging it, made to
 * fail in turn: a clean error (jansson reports its own failures as
 * malformed JSON), never a crash or a leak. */
static void partial_alloc_failures(void **state)
{
#ifdef DMTEST_ASAN
	(void)state;
	skip();
#else
	dm_partial pt, other;
	char *j = NULL;
	size_t l = 0;
	long n;

	(void)state;
	part(0, 1500, 256, &pt);
	part(1500, 3000, 256, &other);
	assert_int_equal(dm_partial_to_json(&pt, &j, &l), DM_OK);
	dm_partial_release(&pt);
	for (n = 0;; n++) {
		long before = live_blocks;
		dm_partial back;
		dm_err err;

		fail_hit = 0;
		fail_countdown = n;
		err = dm_partial_from_json(j, l, "p", &back, NULL);
		if (err == DM_OK) {
			err = dm_partial_merge(&back.prof, &other.prof, NULL);
			if (err == DM_OK)
				err = dm_profile_finish(&back.prof, NULL);
			dm_partial_release(&back);
		}
		fail_countdown = -1;
		assert_true(err == DM_OK || err == DM_ENOMEM ||
			    err == DM_EFORMAT);
		assert_int_equal(live_blocks, before);
		if (!fail_hit) {
			assert_int_equal(err, DM_OK);
			break;
		}
		/* merging changed other's types only where it was unknown:
		 * take a fresh one for the next round */
		dm_partial_release(&other);
		part(1500, 3000, 256, &other);
	}
	assert_true(n > 50);
	free(j);
	dm_partial_release(&other);
#endif
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(partial_round_trip),
		cmocka_unit_test(partials_merge_like_one_pass),
		cmocka_unit_test(partial_refuses_corrupt),
		cmocka_unit_test(partial_alloc_failures),
	};

	if (argc > 1)
		cmocka_set_test_filter(argv[1]);
	return cmocka_run_group_tests_name("partial", tests, NULL, NULL);
}
