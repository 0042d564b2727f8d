/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Wide tables: features are found by a hash index, columns map in
 * linear time, duplicates are still refused, and in current mode
 * columns may come in any order with extra columns beside them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dmtest.h"
#include "driftmon/profile.h"

#define NW 30000

struct wide {
	char **names;
	dm_column *cols;
	double *vals;
	dm_batch b;
};

/* One row, ncols numeric columns named prefix0..; order reversed if
 * rev. */
static void wide_make(struct wide *w, size_t ncols, const char *prefix, int rev)
{
	size_t c;

	w->names = calloc(ncols + 1, sizeof(char *));
	w->cols = calloc(ncols, sizeof(dm_column));
	w->vals = calloc(ncols, sizeof(double));
	assert_non_null(w->names);
	assert_non_null(w->cols);
	assert_non_null(w->vals);
	for (c = 0; c < ncols; c++) {
		size_t k = rev ? ncols - 1 - c : c;
		char buf[32];

		snprintf(buf, sizeof(buf), "%s%zu", prefix, k);
		w->names[c] = strdup(buf);
		w->vals[c] = (double)k;
		w->cols[c].type = DM_COL_DOUBLE;
		w->cols[c].f64 = &w->vals[c];
	}
	memset(&w->b, 0, sizeof(w->b));
	w->b.nrows = 1;
	w->b.ncols = ncols;
	w->b.cols = w->cols;
	w->b.first_row = 1;
}

static void wide_free(struct wide *w, size_t ncols)
{
	size_t c;

	for (c = 0; c < ncols; c++)
		free(w->names[c]);
	free(w->names);
	free(w->cols);
	free(w->vals);
}

static void wide_find_every_feature(void **state)
{
	struct wide w;
	dm_profile p;
	dm_profile_opts o = {0};
	size_t c;

	(void)state;
	wide_make(&w, NW, "f", 0);
	dm_profile_init(&p, &o);
	assert_int_equal(
		dm_profile_add_batch(&p, &o, &w.b, w.names, "w.csv", NULL),
		DM_OK);
	assert_int_equal(p.nfeat, NW);
	for (c = 0; c < NW; c++) {
		dm_feature *f = dm_profile_find(&p, w.names[c]);

		assert_non_null(f);
		assert_ptr_equal(f, &p.feat[c]);
		assert_int_equal(f->count, 1);
	}
	assert_null(dm_profile_find(&p, "f30000"));
	assert_null(dm_profile_find(&p, ""));
	assert_null(dm_profile_find(&p, "f"));
	dm_profile_release(&p);
	wide_free(&w, NW);
}

static void wide_current_any_order_with_extras(void **state)
{
	struct wide base, cur;
	dm_profile p, q;
	dm_profile_opts o = {0}, oc = {0};
	size_t c;

	(void)state;
	wide_make(&base, NW, "f", 0);
	dm_profile_init(&p, &o);
	assert_int_equal(dm_profile_add_batch(&p, &o, &base.b, base.names,
					      "b.csv", NULL),
			 DM_OK);
	/* Current: the same columns reversed, and one extra. */
	wide_make(&cur, NW + 1, "f", 1);
	free(cur.names[0]);
	cur.names[0] = strdup("extra_col");
	oc.reference = &p;
	dm_profile_init(&q, &oc);
	assert_int_equal(
		dm_profile_add_batch(&q, &oc, &cur.b, cur.names, "c.csv", NULL),
		DM_OK);
	for (c = 0; c < NW; c++) {
		dm_feature *f = dm_profile_find(&q, base.names[c]);

		assert_non_null(f);
		assert_int_equal(f->count, 1);
		assert_true(f->mom.mean == (double)c);
	}
	assert_int_equal(q.nextra, 1);
	assert_string_equal(q.extra_columns[0], "extra_col");
	dm_profile_release(&q);
	dm_profile_release(&p);
	wide_free(&cur, NW + 1);
	wide_free(&base, NW);
}

static void wide_duplicate_refused(void **state)
{
	struct wide base, cur;
	dm_profile p, q;
	dm_profile_opts o = {0}, oc = {0};
	dm_diag d;

	(void)state;
	/* Baseline mode: the last column repeats the first's name. */
	wide_make(&base, 1000, "f", 0);
	free(base.names[999]);
	base.names[999] = strdup("f0");
	dm_profile_init(&p, &o);
	assert_int_equal(
		dm_profile_add_batch(&p, &o, &base.b, base.names, "b.csv", &d),
		DM_EFORMAT);
	assert_non_null(strstr(d.msg, "duplicate column name"));
	assert_non_null(strstr(d.msg, "'f0'"));
	dm_profile_release(&p);
	wide_free(&base, 1000);

	/* Current mode: a baseline column twice. */
	wide_make(&base, 1000, "f", 0);
	dm_profile_init(&p, &o);
	assert_int_equal(dm_profile_add_batch(&p, &o, &base.b, base.names,
					      "b.csv", NULL),
			 DM_OK);
	wide_make(&cur, 1000, "f", 0);
	free(cur.names[500]);
	cur.names[500] = strdup("f7");
	oc.reference = &p;
	dm_profile_init(&q, &oc);
	assert_int_equal(
		dm_profile_add_batch(&q, &oc, &cur.b, cur.names, "c.csv", &d),
		DM_EFORMAT);
	assert_non_null(strstr(d.msg, "duplicate column name"));
	assert_non_null(strstr(d.msg, "'f7'"));
	dm_profile_release(&q);
	dm_profile_release(&p);
	wide_free(&cur, 1000);
	wide_free(&base, 1000);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(wide_find_every_feature),
		cmocka_unit_test(wide_current_any_order_with_extras),
		cmocka_unit_test(wide_duplicate_refused),
	};

	if (argc > 1)
		cmocka_set_test_filter(argv[1]);
	return cmocka_run_group_tests_name("wide", tests, NULL, NULL);
}
