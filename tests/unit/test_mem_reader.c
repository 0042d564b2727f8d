/* SPDX-License-Identifier: Apache-2.0 */
/*
 * dm_mem_reader_open (include/driftmon/table.h): in-memory columns read
 * in place, converted per batch, and profiled exactly as the same table
 * read from CSV.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dmtest.h"
#include "driftmon/profile.h"
#include "driftmon/table.h"

/* A double column is handed on as a pointer into the caller's array. */
static void mem_f64_in_place(void **state)
{
	double v[10];
	dm_mem_column c = {0};
	dm_reader_opts ro = {0};
	dm_reader *r = NULL;
	dm_batch *b;
	dm_diag d;
	size_t i;

	for (i = 0; i < 10; i++)
		v[i] = (double)i;
	v[7] = NAN;
	c.name = "x";
	c.kind = DM_MEM_F64;
	c.data = v;
	c.nan_missing = 1;
	ro.batch_rows = 4;
	assert_int_equal(dm_mem_reader_open("<t>", &c, 1, 10, &ro, &r, &d),
			 DM_OK);
	assert_int_equal(dm_reader_next(r, &b, &d), DM_OK);
	assert_ptr_equal(b->cols[0].f64, v);
	assert_null(b->cols[0].null);
	assert_int_equal(b->first_row, 1);
	assert_int_equal(dm_reader_next(r, &b, &d), DM_OK);
	assert_ptr_equal(b->cols[0].f64, v + 4);
	assert_non_null(b->cols[0].null);
	assert_int_equal(b->cols[0].null[3], 1); /* row 8: NaN */
	assert_int_equal(b->cols[0].null[2], 0);
	assert_int_equal(dm_reader_next(r, &b, &d), DM_OK);
	assert_int_equal(b->nrows, 2);
	assert_int_equal(b->first_row, 9);
	assert_int_equal(dm_reader_next(r, &b, &d), DM_OK);
	assert_null(b);
	dm_reader_free(r);
}

/* Other kinds are converted: integers, strided doubles, booleans,
 * datetimes (NaT missing), strings and category codes. */
static void mem_kinds_converted(void **state)
{
	int32_t iv[3] = {-2, 5, 7};
	double wide[6] = {1.5, 0, 2.5, 0, 3.5, 0};
	uint8_t bv[3] = {0, 1, 2};
	int64_t tv[3] = {INT64_C(1700000000500000000), INT64_MIN,
			 INT64_C(-1500000000)};
	dm_strref sv[3] = {{"a", 1}, {NULL, 0}, {"bc", 2}};
	int8_t codes[3] = {1, -1, 0};
	dm_strref dict[2] = {{"lo", 2}, {"hi", 2}};
	uint8_t miss[3] = {0, 0, 1};
	dm_mem_column c[6];
	dm_reader *r = NULL;
	dm_batch *b;
	dm_diag d;

	memset(c, 0, sizeof(c));
	c[0] = (dm_mem_column){
		.name = "i", .kind = DM_MEM_I32, .data = iv, .missing = miss};
	c[1] = (dm_mem_column){
		.name = "w", .kind = DM_MEM_F64, .data = wide, .stride = 16};
	c[2] = (dm_mem_column){.name = "b",
			       .kind = DM_MEM_BOOL,
			       .data = bv,
			       .hint = DM_LTYPE_BOOLEAN};
	c[3] = (dm_mem_column){.name = "t",
			       .kind = DM_MEM_TIME_NS,
			       .data = tv,
			       .hint = DM_LTYPE_TIMESTAMP};
	c[4] = (dm_mem_column){.name = "s", .kind = DM_MEM_STR, .data = sv};
	c[5] = (dm_mem_column){.name = "k",
			       .kind = DM_MEM_CODES,
			       .data = codes,
			       .code_kind = DM_MEM_I8,
			       .dict = dict,
			       .ndict = 2};
	assert_int_equal(dm_mem_reader_open(NULL, c, 6, 3, NULL, &r, &d),
			 DM_OK);
	assert_int_equal(r->ltypes[2], DM_LTYPE_BOOLEAN);
	assert_int_equal(r->types[4], DM_COL_STRING);
	assert_int_equal(dm_reader_next(r, &b, &d), DM_OK);
	assert_int_equal(b->nrows, 3);
	assert_true(b->cols[0].f64[0] == -2.0 && b->cols[0].f64[1] == 5.0);
	assert_int_equal(b->cols[0].null[2], 1);
	assert_true(b->cols[1].f64[1] == 2.5 && b->cols[1].f64[2] == 3.5);
	assert_true(b->cols[2].f64[1] == 1.0 && b->cols[2].f64[2] == 1.0);
	assert_true(b->cols[3].f64[0] == 1700000000.5);
	assert_int_equal(b->cols[3].null[1], 1);
	assert_true(b->cols[3].f64[2] == -1.5);
	assert_int_equal(b->cols[4].null[1], 1);
	assert_int_equal(b->cols[4].str[2].len, 2);
	assert_memory_equal(b->cols[5].str[0].ptr, "hi", 2);
	assert_int_equal(b->cols[5].null[1], 1);
	assert_memory_equal(b->cols[5].str[2].ptr, "lo", 2);
	dm_reader_free(r);
}

/* Bad input: a code outside the categories names row and column; no
 * columns or no data is refused. */
static void mem_bad_input(void **state)
{
	int16_t codes[2] = {0, 3};
	dm_strref dict[1] = {{"x", 1}};
	dm_mem_column c = {.name = "cat",
			   .kind = DM_MEM_CODES,
			   .data = codes,
			   .code_kind = DM_MEM_I16,
			   .dict = dict,
			   .ndict = 1};
	dm_reader *r = NULL;
	dm_batch *b;
	dm_diag d;

	assert_int_equal(dm_mem_reader_open("df", &c, 1, 2, NULL, &r, &d),
			 DM_OK);
	assert_int_equal(dm_reader_next(r, &b, &d), DM_EFORMAT);
	assert_non_null(strstr(d.msg, "row 2"));
	assert_non_null(strstr(d.msg, "'cat'"));
	dm_reader_free(r);
	assert_int_equal(dm_mem_reader_open("df", &c, 0, 2, NULL, &r, &d),
			 DM_EINVAL);
	c.data = NULL;
	assert_int_equal(dm_mem_reader_open("df", &c, 1, 2, NULL, &r, &d),
			 DM_EINVAL);
	assert_non_null(strstr(d.msg, "no data"));
	c.data = codes;
	c.code_kind = DM_MEM_F64;
	assert_int_equal(dm_mem_reader_open("df", &c, 1, 2, NULL, &r, &d),
			 DM_EINVAL);
	assert_null(r);
}

/* The same table from memory and from CSV profiles alike. */
static void mem_profile_equals_csv(void **state)
{
	enum { N = 3000 };
	double *x = malloc(N * sizeof(double));
	int64_t *k = malloc(N * sizeof(int64_t));
	char *csv = malloc(N * 48 + 16), *p = csv;
	dm_mem_column c[2];
	dm_profile_opts po = {0};
	dm_profile a, bp;
	dm_reader *r = NULL;
	dm_source *src = NULL;
	dm_diag d;
	size_t i, j;

	p += sprintf(p, "x,k\n");
	for (i = 0; i < N; i++) {
		x[i] = (double)((i * 7919) % 1013) / 7.0;
		k[i] = (int64_t)(i % 5);
		if (i % 97 == 3) {
			x[i] = NAN;
			p += sprintf(p, ",%lld\n", (long long)k[i]);
		} else {
			p += sprintf(p, "%.17g,%lld\n", x[i], (long long)k[i]);
		}
	}
	memset(c, 0, sizeof(c));
	c[0] = (dm_mem_column){
		.name = "x", .kind = DM_MEM_F64, .data = x, .nan_missing = 1};
	c[1] = (dm_mem_column){.name = "k", .kind = DM_MEM_I64, .data = k};
	po.strict = 1;
	dm_profile_init(&a, &po);
	dm_profile_init(&bp, &po);
	assert_int_equal(dm_mem_reader_open("df", c, 2, N, NULL, &r, &d),
			 DM_OK);
	assert_int_equal(dm_profile_add_reader(&a, &po, r, &d), DM_OK);
	dm_reader_free(r);
	assert_int_equal(dm_profile_finish(&a, &d), DM_OK);
	assert_int_equal(
		dm_source_open_mem("t.csv", csv, (size_t)(p - csv), 0, &src),
		DM_OK);
	assert_int_equal(dm_reader_open(src, NULL, &r, &d), DM_OK);
	assert_int_equal(dm_profile_add_reader(&bp, &po, r, &d), DM_OK);
	dm_reader_free(r);
	assert_int_equal(dm_profile_finish(&bp, &d), DM_OK);
	assert_int_equal(a.nfeat, bp.nfeat);
	for (j = 0; j < a.nfeat; j++) {
		const dm_feature *fa = &a.feat[j], *fb = &bp.feat[j];

		assert_string_equal(fa->name, fb->name);
		assert_int_equal(fa->type, fb->type);
		assert_int_equal(fa->ltype, fb->ltype);
		assert_int_equal(fa->role, fb->role);
		assert_int_equal(fa->count, fb->count);
		assert_int_equal(fa->missing, fb->missing);
		assert_true(fa->mom.mean == fb->mom.mean);
		assert_int_equal(fa->nedges, fb->nedges);
		for (i = 0; i < fa->nedges; i++)
			assert_true(fa->edges[i] == fb->edges[i]);
		assert_int_equal(fa->ncats, fb->ncats);
	}
	dm_profile_release(&a);
	dm_profile_release(&bp);
	free(x);
	free(k);
	free(csv);
}

DMTEST_MAIN("mem_reader", ((const struct CMUnitTest[]){
				  cmocka_unit_test(mem_f64_in_place),
				  cmocka_unit_test(mem_kinds_converted),
				  cmocka_unit_test(mem_bad_input),
				  cmocka_unit_test(mem_profile_equals_csv),
			  }))
