/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Multivariate drift end to end in the library: the joint covariance a
 * baseline accumulates over batches (complete rows only) equals the
 * two-pass one and the row-by-row dm_cov_add path; profiles of two
 * halves merged equal the whole; the baseline JSON round trip keeps the
 * PCA; and dm_detect raises MULTIVARIATE_DRIFT when the correlation of
 * two features flips (marginals unchanged) and nothing on data of the
 * training distribution.
 */
#include "dmtest.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "driftmon/detect.h"
#include "driftmon/profile.h"

static uint64_t st = 0x2545f4914f6cdd1dull;

static double urand(void)
{
	st ^= st << 13;
	st ^= st >> 7;
	st ^= st << 17;
	return (double)(st >> 11) / 9007199254740992.0;
}

static double nrand(void)
{
	return sqrt(-2.0 * log(urand() + 1e-300)) *
	       cos(6.283185307179586 * urand());
}

/* Columns a, b (= +-a + noise: sign flips the correlation, not the
 * marginal), c (independent, integer-ish, some missing), s (text). */
#define NC 4
static char *const names[NC] = {"a", "b", "c", "s"};
struct table {
	size_t n;
	double *v[3];
	uint8_t *cnull;
	dm_strref *s;
};

static void make_table(struct table *t, size_t n, double sign)
{
	static const char *const words[] = {"x", "y"};
	size_t i;

	t->n = n;
	for (i = 0; i < 3; i++)
		t->v[i] = malloc(n * sizeof(double));
	t->cnull = calloc(n, 1);
	t->s = malloc(n * sizeof(dm_strref));
	for (i = 0; i < n; i++) {
		double a = nrand();

		t->v[0][i] = a;
		t->v[1][i] = sign * a + 0.3 * nrand();
		t->v[2][i] = 10.0 + 2.0 * nrand();
		t->cnull[i] = urand() < 0.05;
		t->s[i].ptr = words[urand() < 0.5];
		t->s[i].len = 1;
	}
}

static void free_table(struct table *t)
{
	size_t i;

	for (i = 0; i < 3; i++)
		free(t->v[i]);
	free(t->cnull);
	free(t->s);
}

/* Profiles rows [lo, hi) in batches of 997 (not a multiple of 4); with
 * text set, the numbers come as CSV cells (the bulk cell parse), null
 * cells of c included. */
static int as_text;

static void add_rows(dm_profile *p, const dm_profile_opts *o,
		     const struct table *t, size_t lo, size_t hi)
{
	size_t i, j;
	dm_strref *cell = NULL;
	char *txt = NULL;

	if (as_text) {
		cell = malloc(3 * 997 * sizeof(*cell));
		txt = malloc(3 * 997 * 32);
	}

	for (i = lo; i < hi; i += 997) {
		size_t n = hi - i < 997 ? hi - i : 997;
		dm_column cols[NC];
		dm_batch b;

		memset(cols, 0, sizeof(cols));
		for (j = 0; j < 3; j++) {
			cols[j].type = DM_COL_DOUBLE;
			cols[j].f64 = t->v[j] + i;
		}
		cols[2].null = t->cnull + i;
		for (j = 0; as_text && j < 3; j++) {
			size_t r;

			cols[j].type = DM_COL_TEXT;
			cols[j].str = cell + j * 997;
			for (r = 0; r < n; r++) {
				char *at = txt + (j * 997 + r) * 32;

				cell[j * 997 + r].ptr = at;
				cell[j * 997 + r].len = (size_t)snprintf(
					at, 32, "%.17g", t->v[j][i + r]);
				if (cols[j].null && cols[j].null[r])
					cell[j * 997 + r].len = 0;
			}
		}
		cols[3].type = DM_COL_STRING;
		cols[3].str = t->s + i;
		memset(&b, 0, sizeof(b));
		b.nrows = n;
		b.ncols = NC;
		b.cols = cols;
		b.first_row = i + 1;
		assert_int_equal(
			dm_profile_add_batch(p, o, &b, names, "t", NULL),
			DM_OK);
	}
	free(cell);
	free(txt);
}

static void profile_rows(dm_profile *p, const struct table *t, size_t lo,
			 size_t hi, const dm_profile *ref)
{
	dm_profile_opts o = {0};

	o.sketch_k = 4096;
	o.reference = ref;
	dm_profile_init(p, &o);
	add_rows(p, &o, t, lo, hi);
}

static void close_to(double got, double want, double tol)
{
	if (!(fabs(got - want) <= tol * (fabs(want) > 1 ? fabs(want) : 1))) {
		print_error("got %.17g, want %.17g\n", got, want);
		fail();
	}
}

/* Checks a fitted profile against the PCA of the complete rows of t
 * accumulated one row at a time (dm_cov_add) and a two-pass mean / sd. */
static void check_fit(const dm_multivariate *m, const struct table *t)
{
	dm_cov c;
	dm_pca want;
	double mean[3] = {0}, ss[3] = {0};
	size_t i, j, n = 0, skipped = 0;

	assert_int_equal(dm_cov_init(&c, 3), DM_OK);
	for (i = 0; i < t->n; i++) {
		double row[3] = {t->v[0][i], t->v[1][i], t->v[2][i]};

		if (i % DM_MV_ROW_STRIDE != 0)
			continue; /* data rows 1, 1 + stride, ... */
		if (t->cnull[i]) {
			skipped++;
			continue;
		}
		dm_cov_add(&c, row);
		for (j = 0; j < 3; j++)
			mean[j] += row[j];
		n++;
	}
	for (j = 0; j < 3; j++)
		mean[j] /= (double)n;
	for (i = 0; i < t->n; i++)
		for (j = 0; j < 3 && !t->cnull[i] && i % DM_MV_ROW_STRIDE == 0;
		     j++)
			ss[j] +=
				(t->v[j][i] - mean[j]) * (t->v[j][i] - mean[j]);
	assert_int_equal(dm_pca_fit(&c, DM_MV_SHARE_DEFAULT, &want), DM_OK);
	assert_non_null(m);
	assert_true(m->fitted);
	assert_int_equal(m->d, 3);
	assert_string_equal(m->columns[0], "a");
	assert_string_equal(m->columns[2], "c");
	assert_int_equal(m->rows_used, n);
	assert_int_equal(m->rows_skipped, skipped);
	assert_int_equal(m->pca.k, want.k);
	assert_int_equal(m->pca.k, 2); /* a and b share one component */
	for (j = 0; j < 3; j++) {
		close_to(m->pca.mean[j], mean[j], 1e-12);
		close_to(m->pca.sd[j], sqrt(ss[j] / (double)(n - 1)), 1e-12);
		close_to(m->pca.w[j], want.w[j], 1e-10);
	}
	for (i = 0; i < 9; i++) /* eigenvectors up to sign */
		close_to(fabs(m->pca.v[i]), fabs(want.v[i]), 1e-9);
	close_to(m->ref_error, want.w[2] * (double)(n - 1) / (double)n, 1e-10);
	close_to(m->ref_spread, sqrt(2.0) * want.w[2], 1e-10);
	dm_pca_release(&want);
	dm_cov_release(&c);
}

static void accumulate_in_batches(void **state)
{
	struct table t;
	dm_profile p;

	(void)state;
	make_table(&t, 20000, 1.0);
	profile_rows(&p, &t, 0, t.n, NULL);
	assert_non_null(p.mv);
	assert_int_equal(dm_profile_finish(&p, NULL), DM_OK);
	check_fit(p.mv, &t);
	dm_profile_release(&p);
	free_table(&t);
}

static void merge_equals_whole(void **state)
{
	struct table t;
	dm_profile a, b;

	(void)state;
	make_table(&t, 12000, 1.0);
	profile_rows(&a, &t, 0, 5003, NULL);
	profile_rows(&b, &t, 5003, t.n, NULL);
	assert_int_equal(dm_profile_merge(&a, &b, NULL), DM_OK);
	assert_int_equal(dm_profile_finish(&a, NULL), DM_OK);
	check_fit(a.mv, &t);
	dm_profile_release(&a);
	dm_profile_release(&b);
	free_table(&t);
}

static void json_round_trip(void **state)
{
	struct table t;
	dm_profile p, q;
	char *js;
	size_t len, i;
	dm_diag d;

	(void)state;
	make_table(&t, 5000, 1.0);
	profile_rows(&p, &t, 0, t.n, NULL);
	assert_int_equal(dm_profile_finish(&p, NULL), DM_OK);
	assert_int_equal(dm_baseline_to_json(&p, &js, &len), DM_OK);
	assert_int_equal(dm_baseline_from_json(js, len, "b.json", &q, &d),
			 DM_OK);
	assert_non_null(q.mv);
	assert_int_equal(q.mv->d, 3);
	assert_int_equal(q.mv->pca.k, p.mv->pca.k);
	assert_int_equal(q.mv->rows_used, p.mv->rows_used);
	assert_int_equal(q.mv->rows_skipped, p.mv->rows_skipped);
	for (i = 0; i < 3; i++) {
		assert_string_equal(q.mv->columns[i], p.mv->columns[i]);
		close_to(q.mv->pca.mean[i], p.mv->pca.mean[i], 1e-12);
		close_to(q.mv->pca.sd[i], p.mv->pca.sd[i], 1e-12);
		close_to(q.mv->pca.w[i], p.mv->pca.w[i], 1e-12);
		close_to(q.mv->pca.v[i * 3], p.mv->pca.v[i * 3], 1e-12);
		close_to(q.mv->pca.v[i * 3 + 1], p.mv->pca.v[i * 3 + 1], 1e-12);
	}
	close_to(q.mv->ref_error, p.mv->ref_error, 1e-12);
	close_to(q.mv->ref_spread, p.mv->ref_spread, 1e-12);
	/* (17 digits round-trip exactly; 1e-12 allows valgrind's strtod) */
	/* a component of the wrong length is refused, naming the field */
	{
		char *bad = strdup(js), *at = strstr(bad, "\"components\"");

		assert_non_null(at);
		at = strchr(at, ',');
		*at = ' '; /* [[x y, ...]: not JSON */
		dm_profile_release(&q);
		assert_int_not_equal(
			dm_baseline_from_json(bad, len, "b.json", &q, &d),
			DM_OK);
		free(bad);
	}
	free(js);
	dm_profile_release(&p);
	free_table(&t);
}

/* Profiles t against base and runs dm_detect. */
static void detect_on(const dm_profile *base, const struct table *t,
		      dm_result *r)
{
	dm_profile cur;

	profile_rows(&cur, t, 0, t->n, base);
	assert_int_equal(dm_detect(base, &cur, NULL, r, NULL), DM_OK);
	/* the result points into base only for the multivariate part */
	dm_profile_release(&cur);
}

static int has_alert(const dm_result *r, const char *code)
{
	size_t i;

	for (i = 0; i < r->nalerts; i++)
		if (strcmp(r->alerts[i].code, code) == 0)
			return 1;
	return 0;
}

static void detect_flip(void **state)
{
	struct table train, same, flip;
	dm_profile base;
	dm_result r;

	(void)state;
	make_table(&train, 20000, 1.0);
	make_table(&same, 3000, 1.0);
	make_table(&flip, 3000, -1.0);
	profile_rows(&base, &train, 0, train.n, NULL);
	assert_int_equal(dm_profile_finish(&base, NULL), DM_OK);

	detect_on(&base, &same, &r);
	assert_true(r.multivariate.checked);
	assert_false(r.multivariate.drifted);
	assert_true(r.multivariate.error <= r.multivariate.hi);
	assert_true(r.multivariate.error >= r.multivariate.lo);
	assert_false(has_alert(&r, "MULTIVARIATE_DRIFT"));
	assert_int_equal(r.multivariate.columns, 3);
	assert_int_equal(r.multivariate.components, 2);
	dm_result_release(&r);

	detect_on(&base, &flip, &r);
	assert_true(r.multivariate.checked);
	assert_true(r.multivariate.drifted);
	assert_true(r.multivariate.error > 3.0 * r.multivariate.hi);
	assert_true(has_alert(&r, "MULTIVARIATE_DRIFT"));
	assert_true(r.multivariate.alerted);
	assert_int_equal(r.features_drifted, 0); /* marginals unchanged */
	assert_false(r.drift_detected);
	dm_result_release(&r);

	/* too few complete rows: reported, not checked, no alert */
	{
		struct table small;
		dm_detect_config cfg;
		dm_profile cur;

		make_table(&small, 150, -1.0);
		dm_detect_config_init(&cfg);
		cfg.min_samples = 100;
		memset(small.cnull, 1, 100);
		profile_rows(&cur, &small, 0, small.n, &base);
		assert_int_equal(dm_detect(&base, &cur, &cfg, &r, NULL), DM_OK);
		assert_false(r.multivariate.checked);
		/* every DM_MV_WINDOW_STRIDE-th row (1, 5, 9, ...) */
		assert_int_equal(r.multivariate.rows, 13);
		assert_int_equal(r.multivariate.rows_skipped, 25);
		assert_false(has_alert(&r, "MULTIVARIATE_DRIFT"));
		dm_result_release(&r);
		dm_profile_release(&cur);
		free_table(&small);
	}
	dm_profile_release(&base);
	free_table(&train);
	free_table(&same);
	free_table(&flip);
}

/* The window's multivariate figures are the same whether the numbers
 * come as doubles or as text cells with nulls among them (the bulk
 * parse must keep each value on its own row). */
static void text_cells_equal_doubles(void **state)
{
	struct table train, cur;
	dm_profile base;
	dm_result a, b;

	(void)state;
	make_table(&train, 20000, 1.0);
	make_table(&cur, 3000, -1.0);
	profile_rows(&base, &train, 0, train.n, NULL);
	assert_int_equal(dm_profile_finish(&base, NULL), DM_OK);
	detect_on(&base, &cur, &a);
	as_text = 1;
	detect_on(&base, &cur, &b);
	as_text = 0;
	assert_true(a.multivariate.checked);
	assert_int_equal(b.multivariate.rows, a.multivariate.rows);
	assert_int_equal(b.multivariate.rows_skipped,
			 a.multivariate.rows_skipped);
	close_to(b.multivariate.error, a.multivariate.error, 1e-12);
	assert_int_equal(b.features_drifted, a.features_drifted);
	dm_result_release(&a);
	dm_result_release(&b);
	dm_profile_release(&base);
	free_table(&train);
	free_table(&cur);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(accumulate_in_batches),
		cmocka_unit_test(merge_equals_whole),
		cmocka_unit_test(json_round_trip),
		cmocka_unit_test(detect_flip),
		cmocka_unit_test(text_cells_equal_doubles),
	};

	return cmocka_run_group_tests_name("multivariate", tests, NULL, NULL);
}
