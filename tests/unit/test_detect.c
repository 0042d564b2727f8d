/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The drift decision (src/detect/detect.c) branch by branch, and its two
 * statistics of its own against independent implementations:
 *   - dm_holm against statsmodels' multipletests(method='holm') and
 *   - dm_psi with unequal sample sizes and empty bins against scipy
 * (tests/data/holm_cases.txt, psi_cases.txt, written by
 * tests/oracle/gen_decision_vectors.py).
 *
 * The decision tests build the baseline and current profiles by hand
 * (every count known), so each names one branch of the rule: the
 * not-compared paths, the effect floors, the PSI threshold at its
 * boundary, the Holm family, the missing-rate gate, the category bins,
 * every alert code, the roles and the score's weights.  Each mutant in
 * tests/mutants/detect-*.patch and psi-*.patch names the test here that
 * catches it.
 */
#include "dmtest.h"
#include "dmtest_vec.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "driftmon/detect.h"
#include "driftmon/profile.h"
#include "driftmon/stats.h"

/* ---- allocation failures --------------------------------------------- */
/*
 * Outside AddressSanitizer builds the binary interposes malloc, calloc
 * and realloc (over glibc's __libc_* entry points) so that a test can
 * make the Nth allocation fail, as curl's torture tests do.
 */
#include "dmtest_alloc.h"

/* ---- profiles by hand -------------------------------------------------- */
#define SKETCH_K 65536u

static void prof_init(dm_profile *p, uint64_t rows)
{
	memset(p, 0, sizeof(*p));
	p->rows = rows;
	p->sketch_k = SKETCH_K;
	p->nbins = 10;
}

/* Appends a feature (pointers to earlier features may move). */
static dm_feature *feat_add(dm_profile *p, const char *name,
			    dm_feature_type type)
{
	dm_feature *nf = realloc(p->feat, (p->nfeat + 1) * sizeof(*nf));
	dm_feature *f;

	assert_non_null(nf);
	p->feat = nf;
	f = &p->feat[p->nfeat++];
	memset(f, 0, sizeof(*f));
	f->name = strdup(name);
	assert_non_null(f->name);
	f->type = type;
	f->role = DM_ROLE_FEATURE;
	f->importance = 1.0;
	f->psi_threshold = NAN;
	f->min_effect = NAN;
	f->present = 1;
	dm_moments_init(&f->mom);
	return f;
}

/* n points of a logistic distribution (location shift, scale s) at the
 * quantiles (i + 0.5) / n: a deterministic sample with a known ECDF. */
static double *logistic_grid(size_t n, double shift, double s)
{
	double *x = malloc(n * sizeof(double));
	size_t i;

	assert_non_null(x);
	for (i = 0; i < n; i++) {
		double u = ((double)i + 0.5) / (double)n;

		x[i] = shift + s * log(u / (1.0 - u));
	}
	return x;
}

/*
 * Numeric values for f.  ref NULL: f is a baseline feature, and gets
 * nedges interior edges at the quantiles of its own values; otherwise
 * its bins are counted over ref's edges.
 */
static void num_set(dm_feature *f, const double *x, size_t n,
		    const dm_feature *ref, size_t nedges)
{
	const dm_feature *e = ref ? ref : f;
	size_t i;

	f->sketch = dm_sketch_new(SKETCH_K);
	assert_non_null(f->sketch);
	assert_int_equal(dm_sketch_add_block(f->sketch, x, n), DM_OK);
	dm_moments_add_block(&f->mom, x, n);
	f->count = n;
	if (!ref) {
		f->nedges = nedges;
		f->edges = malloc((nedges + 1) * sizeof(double));
		assert_non_null(f->edges);
		for (i = 0; i < nedges; i++)
			f->edges[i] = x[(i + 1) * n / (nedges + 1)];
	}
	f->bins = calloc(e->nedges + 1, sizeof(uint64_t));
	assert_non_null(f->bins);
	for (i = 0; i < n; i++)
		f->bins[dm_feature_bin(e, x[i])]++;
}

/* Categories vals[0..k) with counts, plus 'other' values beyond them. */
static void cat_set(dm_feature *f, const char *const *vals,
		    const uint64_t *counts, size_t k, uint64_t other)
{
	size_t i;

	f->cats = calloc(k + 1, sizeof(dm_category));
	assert_non_null(f->cats);
	f->ncats = f->cats_cap = k;
	f->count = other;
	f->other = other;
	for (i = 0; i < k; i++) {
		f->cats[i].value = strdup(vals[i]);
		assert_non_null(f->cats[i].value);
		f->cats[i].count = counts[i];
		f->count += counts[i];
	}
}

static const char *const AB[] = {"a", "b"};

/* A two-category feature with counts (na, nb). */
static dm_feature *cat2_add(dm_profile *p, const char *name, uint64_t na,
			    uint64_t nb)
{
	dm_feature *f = feat_add(p, name, DM_FEATURE_CATEGORICAL);
	uint64_t c[2];

	c[0] = na;
	c[1] = nb;
	cat_set(f, AB, c, 2, 0);
	return f;
}

static const dm_feature_result *res_of(const dm_result *r, const char *name)
{
	size_t i;

	for (i = 0; i < r->nfeatures; i++)
		if (!strcmp(r->features[i].base->name, name))
			return &r->features[i];
	fail_msg("no result for '%s'", name);
	return NULL;
}

static size_t count_code(const dm_result *r, const char *code)
{
	size_t i, n = 0;

	for (i = 0; i < r->nalerts; i++)
		n += !strcmp(r->alerts[i].code, code);
	return n;
}

static const dm_alert *find_alert(const dm_result *r, const char *code,
				  const char *feature)
{
	size_t i;

	for (i = 0; i < r->nalerts; i++)
		if (!strcmp(r->alerts[i].code, code) &&
		    (!feature || !strcmp(r->alerts[i].feature, feature)))
			return &r->alerts[i];
	return NULL;
}

static void run_detect(const dm_profile *b, const dm_profile *c,
		       const dm_detect_config *cfg, dm_result *r)
{
	dm_diag d;

	memset(&d, 0, sizeof(d));
	assert_int_equal(dm_detect(b, c, cfg, r, &d), DM_OK);
}

/* ---- Holm ------------------------------------------------------------- */
static int same_double(double a, double b)
{
	if (isnan(a) || isnan(b))
		return isnan(a) && isnan(b);
	return fabs(a - b) <= 1e-15 * fabs(b);
}

/* dm_holm equals statsmodels' multipletests(method='holm') on every
 * stored family (ties, NaNs, 0 and 1, clipping, the running maximum). */
static void holm_matches_statsmodels(void **state)
{
	dmv_file f;
	size_t nfam = 0, nnan = 0, bad = 0;
	uint64_t m = 0;

	(void)state;
	assert_int_equal(dmv_open(&f, DMTEST_DATA("holm_cases.txt")), 0);
	while (dmv_expect(&f, "holm") == 0) {
		double *p, *want, *got;
		const char *label;
		size_t i;

		assert_int_equal(dmv_u64(&f, &m), 0);
		label = dmv_tok(&f);
		assert_non_null(label);
		p = malloc(m * sizeof(double));
		want = malloc(m * sizeof(double));
		got = malloc(m * sizeof(double));
		assert_true(p && want && got);
		for (i = 0; i < m; i++)
			assert_int_equal(dmv_double(&f, &p[i]), 0);
		for (i = 0; i < m; i++)
			assert_int_equal(dmv_double(&f, &want[i]), 0);
		assert_int_equal(dm_holm(p, m, got), DM_OK);
		for (i = 0; i < m; i++) {
			nnan += isnan(want[i]);
			if (!same_double(got[i], want[i])) {
				bad++;
				print_message("  %s[%zu]: p %.17g: %.17g, "
					      "statsmodels %.17g\n",
					      label, i, p[i], got[i], want[i]);
			}
		}
		free(p);
		free(want);
		free(got);
		nfam++;
	}
	dmv_close(&f);
	assert_true(nfam >= 12 && nnan >= 10);
	assert_int_equal(bad, 0);
}

/* p and adj may be the same array; m = 0 writes nothing. */
static void holm_in_place_and_empty(void **state)
{
	double p[4] = {0.04, 0.01, 0.03, 0.2};
	double want[4] = {0.09, 0.04, 0.09, 0.2};
	double none = 42.0;
	int i;

	(void)state;
	assert_int_equal(dm_holm(p, 4, p), DM_OK);
	for (i = 0; i < 4; i++)
		assert_true(same_double(p[i], want[i]));
	assert_int_equal(dm_holm(&none, 0, &none), DM_OK);
	assert_true(none == 42.0);
}

/* The work array cannot be had: DM_ENOMEM, adj untouched. */
static void holm_alloc_failure(void **state)
{
	double p[3] = {0.01, 0.02, 0.03}, adj[3] = {-1, -1, -1};

	(void)state;
	/* m too large to allocate (no malloc call: works under ASan too) */
	assert_int_equal(dm_holm(p, SIZE_MAX / 2, adj), DM_ENOMEM);
	assert_true(adj[0] == -1 && adj[1] == -1 && adj[2] == -1);
#ifndef DMTEST_ASAN
	fail_hit = 0;
	fail_countdown = 0;
	assert_int_equal(dm_holm(p, 3, adj), DM_ENOMEM);
	fail_countdown = -1;
	assert_true(fail_hit);
	assert_true(adj[0] == -1 && adj[1] == -1 && adj[2] == -1);
#endif
}

/* ---- PSI --------------------------------------------------------------- */
static int rel_close(double got, double want, double tol)
{
	/* relative, with an absolute floor for values near 0 (a PSI of
	 * 3e-5 is a difference of nearly equal terms) */
	return fabs(got - want) <= tol * fabs(want) + 1e-15;
}

/* dm_psi and dm_psi_props against scipy's symmetric KL divergence of the
 * smoothed counts, with unequal totals and empty bins. */
static void psi_matches_scipy_unequal_sizes(void **state)
{
	dmv_file f;
	size_t ncase = 0, unequal = 0, empty = 0, bad = 0;
	uint64_t k = 0;

	(void)state;
	assert_int_equal(dmv_open(&f, DMTEST_DATA("psi_cases.txt")), 0);
	while (dmv_expect(&f, "psi") == 0) {
		uint64_t *e, *a, ne = 0, na = 0;
		double *props, want = 0, got, gotp;
		const char *label;
		size_t i;

		assert_int_equal(dmv_u64(&f, &k), 0);
		label = dmv_tok(&f);
		assert_non_null(label);
		e = malloc(k * sizeof(uint64_t));
		a = malloc(k * sizeof(uint64_t));
		props = malloc(k * sizeof(double));
		assert_true(e && a && props);
		for (i = 0; i < k; i++) {
			assert_int_equal(dmv_u64(&f, &e[i]), 0);
			ne += e[i];
		}
		for (i = 0; i < k; i++) {
			assert_int_equal(dmv_u64(&f, &a[i]), 0);
			na += a[i];
			empty += e[i] == 0 || a[i] == 0;
		}
		assert_int_equal(dmv_double(&f, &want), 0);
		for (i = 0; i < k; i++)
			props[i] = (double)e[i] / (double)ne;
		got = dm_psi(e, a, k);
		gotp = dm_psi_props(props, ne, a, k);
		if (!rel_close(got, want, 1e-12) ||
		    !rel_close(gotp, want, 1e-12)) {
			bad++;
			print_message("  %s: dm_psi %.17g, dm_psi_props %.17g, "
				      "scipy %.17g\n",
				      label, got, gotp, want);
		}
		unequal += ne != na;
		ncase++;
		free(e);
		free(a);
		free(props);
	}
	dmv_close(&f);
	assert_true(ncase >= 15 && unequal >= 12 && empty >= 3);
	assert_int_equal(bad, 0);
}

/* The documented smoothing written out for one case: an empty baseline
 * bin gives p = 0.5 / (n + 0.5 B), and PSI stays finite. */
static void psi_smoothing_documented(void **state)
{
	uint64_t e[2] = {100, 0}, a[3] = {0, 0, 0}, c[2] = {50, 150};
	double e0 = 100.5 / 101.0, e1 = 0.5 / 101.0;
	double a0 = 50.5 / 201.0, a1 = 150.5 / 201.0;
	double want = (a0 - e0) * log(a0 / e0) + (a1 - e1) * log(a1 / e1);

	(void)state;
	assert_true(rel_close(dm_psi(e, c, 2), want, 1e-14));
	assert_true(isfinite(dm_psi(e, c, 2)));
	assert_true(isnan(dm_psi(a, a, 3))); /* both empty */
	assert_true(isnan(dm_psi(e, a, 2))); /* current empty */
	assert_true(isnan(dm_psi(a, e, 2))); /* baseline empty */
}

/* ---- the decision: not compared, not monitored, insufficient ---------- */
/* A baseline feature with no values (count 0): not compared, no
 * statistics, not in the counts, and no missing-rate alert from a NaN
 * baseline rate. */
static void detect_baseline_count_zero(void **state)
{
	dm_profile b, c;
	dm_feature *f;
	dm_result r;

	(void)state;
	prof_init(&b, 1000);
	prof_init(&c, 200);
	cat2_add(&b, "ok", 500, 500);
	f = feat_add(&b, "empty", DM_FEATURE_CATEGORICAL); /* 0 values */
	cat2_add(&c, "ok", 100, 100);
	f = cat2_add(&c, "empty", 10, 10);
	f->missing = 180; /* 90% missing now, rate unknown before */
	run_detect(&b, &c, NULL, &r);
	assert_int_equal(res_of(&r, "empty")->status, DM_STATUS_NOT_COMPARED);
	assert_true(isnan(res_of(&r, "empty")->psi));
	assert_false(res_of(&r, "empty")->tested);
	assert_true(isnan(res_of(&r, "empty")->missing_rate_base));
	assert_int_equal(r.features_total, 1);
	assert_int_equal(count_code(&r, "MISSING_RATE_JUMP"), 0);
	assert_int_equal(r.nalerts, 0);
	dm_result_release(&r);
	dm_profile_release(&b);
	dm_profile_release(&c);
}

/* A current feature of another type than the baseline's: not compared. */
static void detect_type_mismatch(void **state)
{
	dm_profile b, c;
	double *x = logistic_grid(500, 0, 1);
	dm_feature *f;
	dm_result r;

	(void)state;
	prof_init(&b, 500);
	prof_init(&c, 200);
	f = feat_add(&b, "x", DM_FEATURE_NUMERIC);
	num_set(f, x, 500, NULL, 9);
	cat2_add(&b, "ok", 250, 250);
	cat2_add(&c, "x", 100, 100);
	cat2_add(&c, "ok", 100, 100);
	run_detect(&b, &c, NULL, &r);
	assert_int_equal(res_of(&r, "x")->status, DM_STATUS_NOT_COMPARED);
	assert_false(res_of(&r, "x")->tested);
	assert_true(isnan(res_of(&r, "x")->ks_statistic));
	assert_int_equal(res_of(&r, "ok")->status, DM_STATUS_NONE);
	assert_int_equal(r.features_total, 1);
	dm_result_release(&r);
	dm_profile_release(&b);
	dm_profile_release(&c);
	free(x);
}

/* A baseline feature absent from the current data: not compared, and a
 * FEATURE_MISSING warning naming it. */
static void detect_not_compared_missing_feature(void **state)
{
	dm_profile b, c;
	dm_result r;
	const dm_alert *a;

	(void)state;
	prof_init(&b, 1000);
	prof_init(&c, 200);
	cat2_add(&b, "here", 500, 500);
	cat2_add(&b, "gone", 500, 500);
	cat2_add(&c, "here", 100, 100);
	run_detect(&b, &c, NULL, &r);
	assert_int_equal(res_of(&r, "gone")->status, DM_STATUS_NOT_COMPARED);
	assert_null(res_of(&r, "gone")->cur);
	assert_int_equal(r.features_total, 1);
	a = find_alert(&r, "FEATURE_MISSING", "gone");
	assert_non_null(a);
	assert_int_equal(a->severity, DM_SEV_WARNING);
	assert_non_null(strstr(a->message, "feature 'gone'"));
	dm_result_release(&r);
	dm_profile_release(&b);
	dm_profile_release(&c);
}

/* Nothing compared (every feature absent or empty): weight sum 0, score
 * 0, no drift; and a drifted feature whose weight is 0 drifts but
 * scores 0. */
static void detect_no_feature_compared(void **state)
{
	dm_profile b, c;
	dm_feature *f;
	dm_result r;

	(void)state;
	prof_init(&b, 1000);
	prof_init(&c, 200);
	cat2_add(&b, "a", 500, 500);
	f = cat2_add(&b, "w0", 500, 500);
	cat2_add(&c, "z", 100, 100);  /* shares no name with ... */
	f = cat2_add(&c, "w0", 0, 0); /* ... and w0 has no values */
	f->missing = 200;
	run_detect(&b, &c, NULL, &r);
	assert_int_equal(r.features_total, 0);
	assert_true(r.drift_score == 0.0);
	assert_false(r.drift_detected);
	assert_int_equal(res_of(&r, "w0")->status, DM_STATUS_NOT_COMPARED);
	dm_result_release(&r);
	dm_profile_release(&c);

	/* weight 0: drifts, counts, scores nothing */
	b.feat[1].importance = 0.0;
	b.feat[0].importance = 0.0;
	prof_init(&c, 1000);
	cat2_add(&c, "a", 900, 100);
	cat2_add(&c, "w0", 500, 500);
	run_detect(&b, &c, NULL, &r);
	assert_true(res_of(&r, "a")->drifted);
	assert_int_equal(r.features_total, 2);
	assert_int_equal(r.features_drifted, 1);
	assert_true(r.drift_detected);
	assert_true(r.drift_score == 0.0);
	assert_int_equal(count_code(&r, "DRIFT_DETECTED"), 1);
	assert_int_equal(count_code(&r, "DRIFT_CRITICAL"), 0);
	dm_result_release(&r);
	dm_profile_release(&b);
	dm_profile_release(&c);
}

/* Current data with rows but none of the baseline's monitored columns:
 * DM_ESCHEMA naming both sets; with no rows it is just no data. */
static void detect_no_shared_feature(void **state)
{
	dm_profile b, c;
	dm_result r;
	dm_diag d;
	size_t i;

	(void)state;
	prof_init(&b, 1000);
	prof_init(&c, 200);
	cat2_add(&b, "x", 500, 500);
	b.feat[0].role = DM_ROLE_FEATURE;
	cat2_add(&b, "id", 500, 500);
	b.feat[1].role = DM_ROLE_IDENTIFIER;
	cat2_add(&c, "id", 100, 100); /* only the identifier is shared */
	c.extra_columns = calloc(2, sizeof(char *));
	assert_non_null(c.extra_columns);
	c.extra_columns[0] = strdup("y");
	c.nextra = 1;
	memset(&d, 0, sizeof(d));
	assert_int_equal(dm_detect(&b, &c, NULL, &r, &d), DM_ESCHEMA);
	assert_non_null(strstr(d.msg, "baseline features: x;"));
	assert_non_null(strstr(d.msg, "current columns: y"));
	assert_null(r.features);
	c.rows = 0;
	run_detect(&b, &c, NULL, &r);
	assert_true(r.insufficient);
	dm_result_release(&r);
	dm_profile_release(&b);
	dm_profile_release(&c);

	/* seven features: the message names five and the count; a current
	 * file without other columns says "none" */
	prof_init(&b, 1000);
	prof_init(&c, 200);
	for (i = 0; i < 7; i++) {
		char name[8];

		snprintf(name, sizeof(name), "f%zu", i);
		cat2_add(&b, name, 500, 500);
	}
	memset(&d, 0, sizeof(d));
	assert_int_equal(dm_detect(&b, &c, NULL, &r, &d), DM_ESCHEMA);
	assert_non_null(strstr(d.msg, "baseline features: f0, f1, f2, f3, "
				      "f4, ... (7 in all); current columns: "
				      "none)"));
	dm_profile_release(&b);

	/* a baseline that monitors nothing: no error, nothing compared */
	prof_init(&b, 1000);
	cat2_add(&b, "id", 500, 500)->role = DM_ROLE_IDENTIFIER;
	run_detect(&b, &c, NULL, &r);
	assert_int_equal(r.features_total, 0);
	assert_false(r.drift_detected);
	assert_int_equal(r.features[0].status, DM_STATUS_NOT_MONITORED);
	dm_result_release(&r);
	dm_profile_release(&b);
	dm_profile_release(&c);
}

/* Fewer rows than min_samples: every feature insufficient, no tests, no
 * verdict, one INSUFFICIENT_DATA warning; one more row gives a verdict. */
static void detect_insufficient(void **state)
{
	dm_profile b, c;
	dm_detect_config cfg;
	dm_result r;

	(void)state;
	prof_init(&b, 1000);
	prof_init(&c, 99);
	cat2_add(&b, "a", 500, 500);
	cat2_add(&c, "a", 90, 9);
	dm_detect_config_init(&cfg);
	run_detect(&b, &c, &cfg, &r);
	assert_true(r.insufficient);
	assert_false(r.drift_detected);
	assert_int_equal(r.features_total, 0);
	assert_int_equal(res_of(&r, "a")->status, DM_STATUS_INSUFFICIENT);
	assert_true(isnan(res_of(&r, "a")->pvalue_adjusted));
	assert_int_equal(r.nalerts, 1);
	assert_string_equal(r.alerts[0].code, "INSUFFICIENT_DATA");
	assert_non_null(strstr(r.alerts[0].message, "only 99 samples"));
	dm_result_release(&r);
	cfg.min_samples = 99; /* the boundary: rows == min_samples */
	run_detect(&b, &c, &cfg, &r);
	assert_false(r.insufficient);
	assert_true(r.drift_detected);
	assert_int_equal(count_code(&r, "INSUFFICIENT_DATA"), 0);
	dm_result_release(&r);
	dm_profile_release(&b);
	dm_profile_release(&c);
}

/* No data at all (no logs in the window): one INSUFFICIENT_DATA alert,
 * not one FEATURE_MISSING per feature of the baseline. */
static void detect_no_data_one_alert(void **state)
{
	dm_profile b, c;
	dm_detect_config cfg;
	dm_result r;

	(void)state;
	prof_init(&b, 1000);
	prof_init(&c, 0);
	cat2_add(&b, "a", 500, 500);
	cat2_add(&b, "b", 300, 700);
	cat2_add(&b, "c", 100, 900);
	dm_detect_config_init(&cfg);
	run_detect(&b, &c, &cfg, &r);
	assert_true(r.insufficient);
	assert_int_equal(r.nalerts, 1);
	assert_string_equal(r.alerts[0].code, "INSUFFICIENT_DATA");
	assert_int_equal(count_code(&r, "FEATURE_MISSING"), 0);
	assert_int_equal(res_of(&r, "b")->status, DM_STATUS_INSUFFICIENT);
	dm_result_release(&r);
	/* With rows but without the column: FEATURE_MISSING. */
	c.rows = 500;
	cat2_add(&c, "a", 250, 250);
	cat2_add(&c, "c", 50, 450);
	run_detect(&b, &c, &cfg, &r);
	assert_int_equal(count_code(&r, "FEATURE_MISSING"), 1);
	assert_int_equal(res_of(&r, "b")->status, DM_STATUS_NOT_COMPARED);
	dm_result_release(&r);
	dm_profile_release(&b);
	dm_profile_release(&c);
}

/* Label, event time, identifier, text and ignored columns: status
 * NOT_MONITORED, no statistics, no alerts (not even when missing from
 * the data, full of invalid values or suddenly missing), not counted. */
static void detect_roles_not_monitored(void **state)
{
	static const dm_role roles[] = {DM_ROLE_LABEL, DM_ROLE_EVENT_TIME,
					DM_ROLE_IDENTIFIER, DM_ROLE_TEXT,
					DM_ROLE_IGNORED};
	dm_profile b, c;
	dm_result r;
	size_t i;

	(void)state;
	prof_init(&b, 1000);
	prof_init(&c, 200);
	cat2_add(&b, "f", 500, 500);
	cat2_add(&c, "f", 100, 100);
	for (i = 0; i < 5; i++) {
		char name[16];
		dm_feature *f;

		snprintf(name, sizeof(name), "col%zu", i);
		f = cat2_add(&b, name, 900, 100);
		f->role = roles[i];
		if (i == 0)
			continue; /* col0 is absent from the current data */
		f = cat2_add(&c, name, 10, 90); /* a huge shift */
		f->invalid = 50;
		f->missing = 50;
	}
	run_detect(&b, &c, NULL, &r);
	for (i = 0; i < 5; i++) {
		const dm_feature_result *fr = &r.features[i + 1];

		assert_int_equal(fr->status, DM_STATUS_NOT_MONITORED);
		assert_false(fr->drifted);
		assert_false(fr->tested);
		assert_true(isnan(fr->psi) && isnan(fr->pvalue) &&
			    isnan(fr->pvalue_adjusted) &&
			    isnan(fr->missing_rate_base) &&
			    isnan(fr->invalid_rate));
	}
	assert_string_equal(dm_status_name(DM_STATUS_NOT_MONITORED),
			    "not_monitored");
	assert_int_equal(r.features_total, 1);
	assert_int_equal(r.predictions_total, 0);
	assert_false(r.drift_detected);
	assert_int_equal(r.nalerts, 0);
	dm_result_release(&r);
	dm_profile_release(&b);
	dm_profile_release(&c);
}

/* A drifted prediction: compared the same way (status drift), its own
 * PREDICTION_DRIFT alert, in the Holm family, but not in the feature
 * counts, the score or the verdict. */
static void detect_prediction_drift(void **state)
{
	dm_profile b, c;
	dm_feature *f;
	dm_result r;
	const dm_alert *a;
	double p[2], adj[2];

	(void)state;
	prof_init(&b, 1000);
	prof_init(&c, 1000);
	cat2_add(&b, "f", 500, 500);
	f = cat2_add(&b, "score", 500, 500);
	f->role = DM_ROLE_PREDICTION;
	cat2_add(&c, "f", 500, 500);
	cat2_add(&c, "score", 900, 100);
	run_detect(&b, &c, NULL, &r);
	assert_int_equal(res_of(&r, "score")->status, DM_STATUS_DRIFT);
	assert_true(res_of(&r, "score")->drifted);
	assert_int_equal(r.predictions_total, 1);
	assert_int_equal(r.predictions_drifted, 1);
	assert_int_equal(r.features_total, 1);
	assert_int_equal(r.features_drifted, 0);
	assert_true(r.drift_score == 0.0);
	assert_false(r.drift_detected);
	a = find_alert(&r, "PREDICTION_DRIFT", "score");
	assert_non_null(a);
	assert_non_null(strstr(a->message, "prediction 'score' drifted"));
	assert_int_equal(count_code(&r, "FEATURE_DRIFT"), 0);
	assert_int_equal(count_code(&r, "DRIFT_DETECTED"), 0);
	assert_int_equal(count_code(&r, "FEATURE_MISSING"), 0);
	/* one family: the feature's p-value is adjusted for two tests */
	p[0] = res_of(&r, "f")->pvalue;
	p[1] = res_of(&r, "score")->pvalue;
	assert_int_equal(dm_holm(p, 2, adj), DM_OK);
	assert_true(res_of(&r, "f")->pvalue_adjusted == adj[0]);
	assert_true(res_of(&r, "score")->pvalue_adjusted == adj[1]);
	dm_result_release(&r);
	dm_profile_release(&c);

	/* a prediction column missing from the data is named as one */
	prof_init(&c, 1000);
	cat2_add(&c, "f", 500, 500);
	run_detect(&b, &c, NULL, &r);
	a = find_alert(&r, "FEATURE_MISSING", "score");
	assert_non_null(a);
	assert_non_null(strstr(a->message, "prediction 'score' of the "
					   "baseline is missing"));
	assert_int_equal(r.predictions_total, 0);
	dm_result_release(&r);
	dm_profile_release(&b);
	dm_profile_release(&c);
}

/* ---- the decision: effect floors and the PSI threshold ----------------- */
/*
 * Logistic samples of 20,000 shifted by 0.12: KS D = 0.03 (p ~ 1e-8, far
 * below alpha after Holm) but PSI ~ 0.005: a real but negligible shift.
 * Under the default floor (D >= 0.05) it is minor, not drift; with the
 * floor at 0.02 (the model's, or the feature's own min_effect) it drifts.
 */
static void detect_effect_floor(void **state)
{
	dm_profile b, c;
	double *xb = logistic_grid(20000, 0, 1),
	       *xc = logistic_grid(20000, 0.12, 1);
	dm_detect_config cfg;
	const dm_feature_result *fr;
	dm_feature *f;
	dm_result r;

	(void)state;
	prof_init(&b, 20000);
	prof_init(&c, 20000);
	f = feat_add(&b, "x", DM_FEATURE_NUMERIC);
	num_set(f, xb, 20000, NULL, 9);
	f = feat_add(&c, "x", DM_FEATURE_NUMERIC);
	num_set(f, xc, 20000, &b.feat[0], 0);
	dm_detect_config_init(&cfg);
	run_detect(&b, &c, &cfg, &r);
	fr = res_of(&r, "x");
	assert_true(fr->ks_statistic > 0.025 && fr->ks_statistic < 0.035);
	assert_true(fr->pvalue_adjusted < 1e-6);
	assert_true(fr->psi < 0.02);
	assert_false(fr->drifted);
	assert_int_equal(fr->status, DM_STATUS_MINOR);
	assert_false(r.drift_detected);
	dm_result_release(&r);

	cfg.min_ks_d = 0.02; /* the model's floor */
	run_detect(&b, &c, &cfg, &r);
	assert_true(res_of(&r, "x")->drifted);
	dm_result_release(&r);

	cfg.min_ks_d = 0.05; /* the feature's own floor wins */
	b.feat[0].min_effect = 0.02;
	run_detect(&b, &c, &cfg, &r);
	assert_true(res_of(&r, "x")->drifted);
	dm_result_release(&r);
	cfg.min_ks_d = 0.02;
	b.feat[0].min_effect = 0.05;
	run_detect(&b, &c, &cfg, &r);
	assert_false(res_of(&r, "x")->drifted);
	dm_result_release(&r);
	dm_profile_release(&b);
	dm_profile_release(&c);
	free(xb);
	free(xc);
}

/* 500/500 -> 800/200: PSI 0.416, chi-square p ~ 1e-70. */
static void psi_fixture(dm_profile *b, dm_profile *c)
{
	prof_init(b, 10000);
	prof_init(c, 1000);
	cat2_add(b, "a", 5000, 5000);
	cat2_add(c, "a", 800, 200);
}

/* PSI above the threshold drifts, PSI equal to it does not (the
 * original: "> 0.2 significant drift"). */
static void detect_psi_threshold_boundary(void **state)
{
	dm_profile b, c;
	dm_detect_config cfg;
	dm_result r;
	double psi;

	(void)state;
	psi_fixture(&b, &c);
	dm_detect_config_init(&cfg);
	run_detect(&b, &c, &cfg, &r);
	psi = r.features[0].psi;
	assert_true(psi > 0.4 && psi < 0.43);
	assert_true(r.features[0].drifted);
	dm_result_release(&r);

	cfg.psi_threshold = psi; /* PSI == threshold: not above it */
	run_detect(&b, &c, &cfg, &r);
	assert_true(r.features[0].psi == psi);
	assert_false(r.features[0].drifted);
	assert_int_equal(r.features[0].status, DM_STATUS_MINOR);
	dm_result_release(&r);

	cfg.psi_threshold = nextafter(psi, 0.0); /* just below: drift */
	run_detect(&b, &c, &cfg, &r);
	assert_true(r.features[0].drifted);
	dm_result_release(&r);
	dm_profile_release(&b);
	dm_profile_release(&c);
}

/*
 * The threshold moves the verdict in the documented direction: three
 * significant categorical shifts with PSI about 0.08, 0.17 and 0.42 drift
 * 3, 2, 1 and 0 of them at thresholds 0.05, 0.1, 0.2 and 5; the status of
 * a shift below the threshold is minor.
 */
static void detect_psi_threshold_direction(void **state)
{
	static const double thr[] = {0.05, 0.1, 0.2, 5.0};
	static const size_t want[] = {3, 2, 1, 0};
	dm_profile b, c;
	dm_detect_config cfg;
	dm_result r;
	size_t i;

	(void)state;
	prof_init(&b, 10000);
	prof_init(&c, 1000);
	cat2_add(&b, "small", 5000, 5000);
	cat2_add(&b, "medium", 5000, 5000);
	cat2_add(&b, "large", 5000, 5000);
	cat2_add(&c, "small", 640, 360);
	cat2_add(&c, "medium", 700, 300);
	cat2_add(&c, "large", 800, 200);
	dm_detect_config_init(&cfg);
	for (i = 0; i < 4; i++) {
		cfg.psi_threshold = thr[i];
		run_detect(&b, &c, &cfg, &r);
		assert_true(res_of(&r, "small")->psi > 0.05 &&
			    res_of(&r, "small")->psi < 0.1);
		assert_true(res_of(&r, "medium")->psi > 0.1 &&
			    res_of(&r, "medium")->psi < 0.2);
		assert_int_equal(r.features_drifted, want[i]);
		assert_int_equal(r.drift_detected, want[i] > 0);
		if (i == 3)
			assert_int_equal(res_of(&r, "large")->status,
					 DM_STATUS_MINOR);
		dm_result_release(&r);
	}
	/* a feature's own threshold replaces the model's */
	cfg.psi_threshold = 5.0;
	b.feat[0].psi_threshold = 0.05;
	run_detect(&b, &c, &cfg, &r);
	assert_true(res_of(&r, "small")->drifted);
	assert_false(res_of(&r, "large")->drifted);
	dm_result_release(&r);
	cfg.psi_threshold = 0.05;
	b.feat[0].psi_threshold = 5.0;
	run_detect(&b, &c, &cfg, &r);
	assert_false(res_of(&r, "small")->drifted);
	assert_true(res_of(&r, "large")->drifted);
	dm_result_release(&r);
	dm_profile_release(&b);
	dm_profile_release(&c);
}

/* Numeric columns: the PSI rule is the second effect measure; with the
 * KS floor off (1) only PSI can make a numeric shift drift. */
static void detect_psi_threshold_numeric(void **state)
{
	dm_profile b, c;
	double *xb = logistic_grid(5000, 0, 1), *xc = logistic_grid(1000, 1, 1);
	dm_detect_config cfg;
	dm_feature *f;
	dm_result r;

	(void)state;
	prof_init(&b, 5000);
	prof_init(&c, 1000);
	f = feat_add(&b, "x", DM_FEATURE_NUMERIC);
	num_set(f, xb, 5000, NULL, 9);
	f = feat_add(&c, "x", DM_FEATURE_NUMERIC);
	num_set(f, xc, 1000, &b.feat[0], 0);
	dm_detect_config_init(&cfg);
	cfg.min_ks_d = 1.0;
	run_detect(&b, &c, &cfg, &r);
	assert_true(r.features[0].psi > 0.2 && r.features[0].psi < 5);
	assert_true(r.features[0].drifted);
	dm_result_release(&r);
	cfg.psi_threshold = 5.0;
	run_detect(&b, &c, &cfg, &r);
	assert_false(r.features[0].drifted);
	assert_int_equal(r.features[0].status, DM_STATUS_MINOR);
	dm_result_release(&r);
	cfg.min_ks_d = 0.05; /* and KS D alone still finds it */
	run_detect(&b, &c, &cfg, &r);
	assert_true(r.features[0].drifted);
	dm_result_release(&r);
	dm_profile_release(&b);
	dm_profile_release(&c);
	free(xb);
	free(xc);
}

/* A categorical feature's min_effect is a floor on the total variation
 * distance: a significant shift of 0.06 (PSI 0.016) drifts only with it. */
static void detect_categorical_min_effect(void **state)
{
	dm_profile b, c;
	dm_result r;

	(void)state;
	prof_init(&b, 20000);
	prof_init(&c, 5000);
	cat2_add(&b, "a", 6000, 14000);
	cat2_add(&c, "a", 1800, 3200); /* 0.30 -> 0.36 */
	run_detect(&b, &c, NULL, &r);
	assert_true(fabs(r.features[0].tv_distance - 0.06) < 1e-12);
	assert_true(r.features[0].psi < 0.02);
	assert_true(r.features[0].pvalue_adjusted < 1e-6);
	assert_false(r.features[0].drifted);
	dm_result_release(&r);
	b.feat[0].min_effect = 0.05;
	run_detect(&b, &c, NULL, &r);
	assert_true(r.features[0].drifted);
	dm_result_release(&r);
	b.feat[0].min_effect = 0.07;
	run_detect(&b, &c, NULL, &r);
	assert_false(r.features[0].drifted);
	dm_result_release(&r);
	dm_profile_release(&b);
	dm_profile_release(&c);
}

/* ---- the decision: Holm ---------------------------------------------- */
/*
 * Three features each with a raw p-value between 0.001 and 0.01 (each
 * significant alone at alpha 0.01) and an effect past every floor: after
 * Holm's adjustment none is significant, so none drifts; the adjusted
 * values are exactly dm_holm's.
 */
static void detect_holm_adjusts(void **state)
{
	dm_profile b, c;
	dm_detect_config cfg;
	dm_result r;
	double p[3], adj[3];
	size_t i;

	(void)state;
	prof_init(&b, 1000);
	prof_init(&c, 1000);
	for (i = 0; i < 3; i++) {
		char name[8];

		snprintf(name, sizeof(name), "f%zu", i);
		cat2_add(&b, name, 500, 500);
		cat2_add(&c, name, 560 + i, 440 - i);
	}
	dm_detect_config_init(&cfg);
	cfg.psi_threshold = 0.0; /* every shift is big enough */
	run_detect(&b, &c, &cfg, &r);
	for (i = 0; i < 3; i++) {
		p[i] = r.features[i].pvalue;
		assert_true(p[i] > 0.001 && p[i] < cfg.alpha);
	}
	assert_int_equal(dm_holm(p, 3, adj), DM_OK);
	for (i = 0; i < 3; i++) {
		assert_true(r.features[i].pvalue_adjusted == adj[i]);
		assert_true(adj[i] >= cfg.alpha);
		assert_false(r.features[i].drifted);
		assert_int_equal(r.features[i].status, DM_STATUS_MINOR);
	}
	assert_false(r.drift_detected);
	dm_result_release(&r);
	dm_profile_release(&b);
	dm_profile_release(&c);
}

/*
 * Every allocation of dm_detect fails in turn: each run ends in
 * DM_ENOMEM (result released) or in the same result as without failures
 * -- never a silent "no drift" (the Holm adjustment's work array
 * included).
 */
static void detect_alloc_failures(void **state)
{
#ifdef DMTEST_ASAN
	(void)state;
	skip(); /* allocation failures need the interposed malloc */
#else
	dm_profile b, c;
	dm_result ref, r;
	long n;
	size_t i, nomem = 0;
	dm_err err;

	(void)state;
	psi_fixture(&b, &c);
	cat2_add(&b, "same", 500, 500);
	cat2_add(&c, "same", 500, 500);
	b.model = strdup("m");
	b.model_version = strdup("v1");
	run_detect(&b, &c, NULL, &ref);
	assert_true(ref.drift_detected);
	for (n = 0; n < 1000; n++) {
		fail_hit = 0;
		fail_countdown = n;
		err = dm_detect(&b, &c, NULL, &r, NULL);
		fail_countdown = -1;
		if (!fail_hit) {
			assert_int_equal(err, DM_OK);
			break;
		}
		if (err == DM_ENOMEM) {
			assert_null(r.features);
			assert_null(r.alerts);
			nomem++;
			continue;
		}
		/* an allocation failed yet the run succeeded: only if the
		 * failure changed nothing */
		assert_int_equal(err, DM_OK);
		assert_int_equal(r.drift_detected, ref.drift_detected);
		for (i = 0; i < r.nfeatures; i++)
			assert_true(r.features[i].pvalue_adjusted ==
				    ref.features[i].pvalue_adjusted);
		dm_result_release(&r);
	}
	assert_true(n < 1000 && nomem >= 5);
	assert_true(r.drift_detected);
	for (i = 0; i < r.nfeatures; i++)
		assert_true(r.features[i].pvalue_adjusted ==
			    ref.features[i].pvalue_adjusted);
	dm_result_release(&r);
	dm_result_release(&ref);
	dm_profile_release(&b);
	dm_profile_release(&c);
#endif
}

/* ---- the decision: categories ------------------------------------------ */
/* A categorical shift among known categories: drift, no unseen values,
 * and the alert does not claim unseen categories; with a new category
 * it does. */
static void detect_categorical_drift_without_unseen(void **state)
{
	static const char *const abn[] = {"a", "b", "new"};
	static const uint64_t cn[] = {700, 100, 200};
	dm_profile b, c;
	dm_result r;
	const dm_alert *a;

	(void)state;
	psi_fixture(&b, &c);
	run_detect(&b, &c, NULL, &r);
	assert_true(r.features[0].drifted);
	assert_int_equal(r.features[0].unseen, 0);
	a = find_alert(&r, "FEATURE_DRIFT", "a");
	assert_non_null(a);
	/* two categories: the z-test (docs/drift-tests.md) */
	assert_non_null(strstr(a->message, "two-proportion z-test"));
	assert_string_equal(r.features[0].test, "ztest");
	assert_null(strstr(a->message, "unseen"));
	dm_result_release(&r);
	dm_profile_release(&c);

	prof_init(&c, 1000);
	cat_set(feat_add(&c, "a", DM_FEATURE_CATEGORICAL), abn, cn, 3, 0);
	run_detect(&b, &c, NULL, &r);
	assert_true(r.features[0].drifted);
	assert_int_equal(r.features[0].unseen, 200);
	a = find_alert(&r, "FEATURE_DRIFT", "a");
	assert_non_null(a);
	/* unseen values do not fit a 2x2 table: chi-square */
	assert_non_null(strstr(a->message, "chi-square p = "));
	assert_string_equal(r.features[0].test, "chi2");
	assert_non_null(strstr(a->message, "(unseen categories)"));
	dm_result_release(&r);
	dm_profile_release(&b);
	dm_profile_release(&c);
}

/*
 * A baseline with more categories than it kept has an "other" bin; new
 * values in the current data then belong to "other", not to "unseen":
 * same proportions, so no drift and no unseen count.
 */
static void detect_other_bin_not_unseen(void **state)
{
	static const char *const kept[] = {"a", "b"};
	static const uint64_t bc[] = {5000, 4000};
	static const char *const cur[] = {"a", "b", "zz"};
	static const uint64_t ccur[] = {500, 400, 100};
	dm_profile b, c;
	dm_result r;

	(void)state;
	prof_init(&b, 10000);
	prof_init(&c, 1000);
	cat_set(feat_add(&b, "k", DM_FEATURE_CATEGORICAL), kept, bc, 2, 1000);
	cat_set(feat_add(&c, "k", DM_FEATURE_CATEGORICAL), cur, ccur, 3, 0);
	run_detect(&b, &c, NULL, &r);
	assert_int_equal(r.features[0].unseen, 0);
	assert_true(r.features[0].psi < 0.005); /* smoothing only */
	assert_true(r.features[0].chi2_pvalue > 0.5);
	assert_false(r.features[0].drifted);
	assert_int_equal(r.features[0].status, DM_STATUS_NONE);
	dm_result_release(&r);
	dm_profile_release(&b);
	dm_profile_release(&c);
}

/* The chi-square test pools categories whose expected count is below 5
 * (Cochran's rule): into one bin of their own when that bin reaches 5,
 * else into the smallest kept category.  The test's df and p-value are
 * those of the pooled table; PSI uses the unpooled bins. */
static void detect_pooled_sparse_bin(void **state)
{
	static const char *const v[] = {"a", "b", "c", "d", "e", "f",
					"g", "h", "i", "j", "k", "l"};
	/* case 1: c..l sparse (expected < 5 each) but 10 of them reach 5
	 * together: table a, b, pooled */
	static const uint64_t b1[] = {1000, 1000, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5};
	static const uint64_t c1[] = {100, 100, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4};
	/* case 2: c, d, e sparse and still below 5 together: into b */
	static const uint64_t b2[] = {1000, 1000, 3, 2, 1};
	static const uint64_t c2[] = {100, 95, 3, 1, 1};
	dm_profile b, c;
	dm_result r;
	uint64_t ta[3], tb[3];
	double stat, p;
	int df;

	(void)state;
	prof_init(&b, 1050);
	prof_init(&c, 240);
	cat_set(feat_add(&b, "x", DM_FEATURE_CATEGORICAL), v, b1, 12, 0);
	cat_set(feat_add(&c, "x", DM_FEATURE_CATEGORICAL), v, c1, 12, 0);
	run_detect(&b, &c, NULL, &r);
	ta[0] = 1000, ta[1] = 1000, ta[2] = 50;
	tb[0] = 100, tb[1] = 100, tb[2] = 40;
	dm_chi2_homogeneity(ta, tb, 3, &stat, &p, &df);
	assert_int_equal(r.features[0].chi2_df, 2);
	assert_true(r.features[0].chi2_statistic == stat);
	assert_true(r.features[0].chi2_pvalue == p);
	assert_true(p < 1e-10); /* the pooled bin carries the shift */
	{
		/* PSI over the 12 categories, "other" and "unseen" */
		uint64_t e14[14] = {0}, a14[14] = {0};

		memcpy(e14, b1, sizeof(b1));
		memcpy(a14, c1, sizeof(c1));
		assert_true(r.features[0].psi == dm_psi(e14, a14, 14));
	}
	dm_result_release(&r);
	dm_profile_release(&b);
	dm_profile_release(&c);

	prof_init(&b, 2006);
	prof_init(&c, 200);
	cat_set(feat_add(&b, "x", DM_FEATURE_CATEGORICAL), v, b2, 5, 0);
	cat_set(feat_add(&c, "x", DM_FEATURE_CATEGORICAL), v, c2, 5, 0);
	run_detect(&b, &c, NULL, &r);
	ta[0] = 1000, ta[1] = 1006;
	tb[0] = 100, tb[1] = 100;
	dm_chi2_homogeneity(ta, tb, 2, &stat, &p, &df);
	assert_int_equal(r.features[0].chi2_df, 1);
	assert_true(r.features[0].chi2_statistic == stat);
	assert_true(r.features[0].chi2_pvalue == p);
	dm_result_release(&r);
	dm_profile_release(&b);
	dm_profile_release(&c);
}

/* ---- the decision: missing values ------------------------------------ */
/*
 * MISSING_RATE_JUMP needs a rise of 5 points AND of 3 standard errors of
 * the difference: from 20% of 1,000 rows with 100 current rows SE =
 * 0.042, so +8 points is noise, +15 is an alert; with 10,000 rows +4
 * points is below the 5-point floor.  From 0%, p0 is floored at 0.1% for
 * the SE.  A small baseline's own noise counts.
 */
static void detect_missing_rate_se_gate(void **state)
{
	static const struct {
		uint64_t base_rows, base_missing, rows, missing;
		int alert;
	} cases[] = {
		{1000, 200, 100, 28, 0},     /* +8 points < 3 SE (12.6) */
		{1000, 200, 100, 35, 1},     /* +15 points */
		{1000, 200, 10000, 2400, 0}, /* +4 points < 5 */
		{1000, 200, 10000, 2600, 1}, /* +6 points, SE 0.013 */
		/* from 0% (the SE uses p0 floored at 0.1%: 3 SE = 0.0099
		 * at 100 rows): the 5-point floor decides */
		{1000, 0, 100, 4, 0},
		{1000, 0, 100, 5, 1},
		/* a small training set's own noise: halves of 216 rows,
		 * 7.4% -> 13.0% is 2.2 SE of the difference (3.1 of the
		 * current rows alone); 7.4% -> 18.5% is 4.4 */
		{216, 16, 216, 28, 0},
		{216, 16, 216, 40, 1},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		dm_profile b, c;
		dm_feature *f;
		dm_result r;
		uint64_t n = cases[i].rows - cases[i].missing;

		uint64_t bn = cases[i].base_rows - cases[i].base_missing;

		prof_init(&b, cases[i].base_rows);
		prof_init(&c, cases[i].rows);
		f = cat2_add(&b, "m", bn / 2, bn - bn / 2);
		f->missing = cases[i].base_missing;
		f = cat2_add(&c, "m", n / 2, n - n / 2);
		f->missing = cases[i].missing;
		run_detect(&b, &c, NULL, &r);
		assert_true(fabs(r.features[0].missing_rate_base -
				 (double)cases[i].base_missing /
					 (double)cases[i].base_rows) < 1e-15);
		assert_int_equal(count_code(&r, "MISSING_RATE_JUMP"),
				 cases[i].alert);
		dm_result_release(&r);
		dm_profile_release(&b);
		dm_profile_release(&c);
	}
}

/* ---- the decision: alerts and the score --------------------------------- */
/* FEATURE_DRIFT for each drifted feature, DRIFT_CRITICAL at a score at or
 * above the critical threshold, DRIFT_DETECTED below it. */
static void alert_drift_critical_and_detected(void **state)
{
	dm_profile b, c;
	dm_detect_config cfg;
	dm_result r;
	const dm_alert *a;

	(void)state;
	prof_init(&b, 1000);
	prof_init(&c, 1000);
	cat2_add(&b, "d", 500, 500);
	cat2_add(&b, "s1", 500, 500);
	cat2_add(&b, "s2", 500, 500);
	cat2_add(&b, "s3", 500, 500);
	cat2_add(&c, "d", 900, 100);
	cat2_add(&c, "s1", 500, 500);
	cat2_add(&c, "s2", 500, 500);
	cat2_add(&c, "s3", 500, 500);
	dm_detect_config_init(&cfg);
	run_detect(&b, &c, &cfg, &r); /* 1/4 = 25% < 50% */
	assert_true(r.drift_score == 0.25);
	assert_int_equal(count_code(&r, "FEATURE_DRIFT"), 1);
	assert_non_null(find_alert(&r, "FEATURE_DRIFT", "d"));
	a = find_alert(&r, "DRIFT_DETECTED", NULL);
	assert_non_null(a);
	assert_int_equal(a->severity, DM_SEV_WARNING);
	assert_string_equal(a->feature, "");
	assert_non_null(strstr(a->message, "1/4 features"));
	assert_int_equal(count_code(&r, "DRIFT_CRITICAL"), 0);
	assert_int_equal(dm_result_count_alerts(&r, DM_SEV_CRITICAL), 0);
	dm_result_release(&r);
	cfg.critical_threshold = 0.25; /* at the threshold: critical */
	run_detect(&b, &c, &cfg, &r);
	a = find_alert(&r, "DRIFT_CRITICAL", NULL);
	assert_non_null(a);
	assert_int_equal(a->severity, DM_SEV_CRITICAL);
	assert_int_equal(count_code(&r, "DRIFT_DETECTED"), 0);
	assert_int_equal(dm_result_count_alerts(&r, DM_SEV_CRITICAL), 1);
	dm_result_release(&r);
	cfg.critical_threshold = 0.26;
	run_detect(&b, &c, &cfg, &r);
	assert_int_equal(count_code(&r, "DRIFT_CRITICAL"), 0);
	assert_int_equal(count_code(&r, "DRIFT_DETECTED"), 1);
	dm_result_release(&r);
	dm_profile_release(&b);
	dm_profile_release(&c);
}

/* A numeric drift's FEATURE_DRIFT message gives PSI, KS D and p. */
static void alert_feature_drift_numeric(void **state)
{
	dm_profile b, c;
	double *xb = logistic_grid(2000, 0, 1), *xc = logistic_grid(500, 1, 1);
	dm_feature *f;
	dm_result r;
	const dm_alert *a;

	(void)state;
	prof_init(&b, 2000);
	prof_init(&c, 500);
	f = feat_add(&b, "x", DM_FEATURE_NUMERIC);
	num_set(f, xb, 2000, NULL, 9);
	f = feat_add(&c, "x", DM_FEATURE_NUMERIC);
	num_set(f, xc, 500, &b.feat[0], 0);
	run_detect(&b, &c, NULL, &r);
	assert_true(r.features[0].drifted);
	assert_string_equal(r.features[0].ks_method, "exact");
	a = find_alert(&r, "FEATURE_DRIFT", "x");
	assert_non_null(a);
	assert_non_null(strstr(a->message, "feature 'x' drifted: PSI "));
	assert_non_null(strstr(a->message, ", KS D "));
	dm_result_release(&r);
	dm_profile_release(&b);
	dm_profile_release(&c);
	free(xb);
	free(xc);
}

/* INVALID_VALUES above 1% of a feature's values; MALFORMED_ROWS above 1%
 * of the rows read. */
static void alert_invalid_values_and_malformed_rows(void **state)
{
	dm_profile b, c;
	dm_feature *f;
	dm_result r;
	const dm_alert *a;

	(void)state;
	prof_init(&b, 1000);
	prof_init(&c, 1000);
	cat2_add(&b, "v", 500, 500);
	cat2_add(&b, "w", 500, 500);
	f = cat2_add(&c, "v", 490, 490);
	f->invalid = 20; /* 2% */
	snprintf(f->invalid_example, sizeof(f->invalid_example), "n/a");
	f = cat2_add(&c, "w", 495, 495);
	f->invalid = 10;     /* 1%: not above */
	c.rows_skipped = 11; /* 11 of 1011 rows: 1.09% */
	run_detect(&b, &c, NULL, &r);
	a = find_alert(&r, "INVALID_VALUES", "v");
	assert_non_null(a);
	assert_non_null(strstr(a->message, "2.0% of values are invalid (20, "
					   "e.g. 'n/a')"));
	assert_null(find_alert(&r, "INVALID_VALUES", "w"));
	a = find_alert(&r, "MALFORMED_ROWS", NULL);
	assert_non_null(a);
	assert_non_null(strstr(a->message, "11 of 1011 rows"));
	dm_result_release(&r);
	c.rows_skipped = 10; /* 10 of 1010: below 1% */
	run_detect(&b, &c, NULL, &r);
	assert_null(find_alert(&r, "MALFORMED_ROWS", NULL));
	dm_result_release(&r);
	dm_profile_release(&b);
	dm_profile_release(&c);
}

/* The score is the importance-weighted share of compared features that
 * drifted: weights 3, 1, 1 with the first drifted give 0.6. */
static void detect_score_weighting(void **state)
{
	dm_profile b, c;
	dm_result r;

	(void)state;
	prof_init(&b, 1000);
	prof_init(&c, 1000);
	cat2_add(&b, "heavy", 500, 500)->importance = 3.0;
	cat2_add(&b, "l1", 500, 500);
	cat2_add(&b, "l2", 500, 500);
	cat2_add(&b, "gone", 500, 500)->importance = 100.0; /* not compared */
	cat2_add(&c, "heavy", 900, 100);
	cat2_add(&c, "l1", 500, 500);
	cat2_add(&c, "l2", 500, 500);
	run_detect(&b, &c, NULL, &r);
	assert_int_equal(r.features_total, 3);
	assert_int_equal(r.features_drifted, 1);
	assert_true(fabs(r.drift_score - 0.6) < 1e-15);
	assert_int_equal(count_code(&r, "DRIFT_CRITICAL"), 1);
	dm_result_release(&r);
	b.feat[0].importance = 1.0;
	b.feat[1].importance = 3.0;
	run_detect(&b, &c, NULL, &r);
	assert_true(fabs(r.drift_score - 0.2) < 1e-15);
	assert_int_equal(count_code(&r, "DRIFT_DETECTED"), 1);
	dm_result_release(&r);
	dm_profile_release(&b);
	dm_profile_release(&c);
}

/* A compared column whose test has nothing to test (one category on both
 * sides: df 0) is not tested, never significant, status none. */
static void detect_untested_column(void **state)
{
	dm_profile b, c;
	dm_result r;

	(void)state;
	prof_init(&b, 1000);
	prof_init(&c, 200);
	cat2_add(&b, "one", 1000, 0);
	cat2_add(&c, "one", 200, 0);
	run_detect(&b, &c, NULL, &r);
	assert_false(r.features[0].tested);
	assert_int_equal(r.features[0].chi2_df, 0);
	assert_true(isnan(r.features[0].pvalue_adjusted));
	assert_int_equal(r.features[0].status, DM_STATUS_NONE);
	assert_int_equal(r.features_total, 1);
	dm_result_release(&r);
	dm_profile_release(&b);
	dm_profile_release(&c);
}

/* Every status has its report name; release accepts NULL. */
static void detect_status_names(void **state)
{
	(void)state;
	assert_string_equal(dm_status_name(DM_STATUS_NONE), "none");
	assert_string_equal(dm_status_name(DM_STATUS_MINOR), "minor");
	assert_string_equal(dm_status_name(DM_STATUS_DRIFT), "drift");
	assert_string_equal(dm_status_name(DM_STATUS_NOT_COMPARED),
			    "not_compared");
	assert_string_equal(dm_status_name(DM_STATUS_INSUFFICIENT),
			    "insufficient_data");
	assert_string_equal(dm_status_name(DM_STATUS_NOT_MONITORED),
			    "not_monitored");
	assert_string_equal(dm_status_name((dm_status)99), "unknown");
	dm_result_release(NULL);
}

/* A version 1 baseline file gives every feature role FEATURE and no
 * per-feature thresholds (NaN): the old behaviour holds. */
static void detect_v1_baseline_defaults(void **state)
{
	static const char json[] =
		"{\"format\": \"driftmon-baseline\", \"format_version\": 1,"
		" \"model\": \"m\", \"model_version\": \"v1\","
		" \"created_at\": \"2025-01-01T00:00:00Z\", \"rows\": 10,"
		" \"rows_skipped\": 0,"
		" \"settings\": {\"psi_bins\": 10, \"sketch_k\": 64},"
		" \"features\": [{\"name\": \"c\", \"type\": \"categorical\","
		" \"importance\": 1, \"count\": 10, \"missing\": 0,"
		" \"categories\": [{\"value\": \"a\", \"count\": 6},"
		" {\"value\": \"b\", \"count\": 4}], \"other\": 0}]}";
	dm_profile p;
	dm_diag d;
	dm_err err;

	(void)state;
	memset(&d, 0, sizeof(d));
	err = dm_baseline_from_json(json, strlen(json), "b.json", &p, &d);
	if (err != DM_OK)
		fail_msg("baseline: %s", d.msg);
	assert_int_equal(p.nfeat, 1);
	assert_int_equal(p.feat[0].role, DM_ROLE_FEATURE);
	assert_true(isnan(p.feat[0].psi_threshold));
	assert_true(isnan(p.feat[0].min_effect));
	dm_profile_release(&p);
}

/* ---- drift tests per column (docs/drift-tests.md) --------------------- */

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* A numeric column n1 / n2 rows (logistic grids, the current one shifted
 * by shift), a two-category one and a three-category one. */
static void tests_fixture(dm_profile *b, dm_profile *c, double shift)
{
	static const char *const abc[] = {"a", "b", "c"};
	static const uint64_t cb3[] = {300, 300, 400}, cc3[] = {100, 100, 100};
	double *x = logistic_grid(2000, 0.0, 1.0);
	double *y = logistic_grid(300, shift, 1.0);

	prof_init(b, 2000);
	prof_init(c, 300);
	num_set(feat_add(b, "x", DM_FEATURE_NUMERIC), x, 2000, NULL, 9);
	num_set(feat_add(c, "x", DM_FEATURE_NUMERIC), y, 300, &b->feat[0], 0);
	cat2_add(b, "flag", 1000, 1000);
	cat2_add(c, "flag", 150, 150);
	cat_set(feat_add(b, "kind", DM_FEATURE_CATEGORICAL), abc, cb3, 3, 0);
	cat_set(feat_add(c, "kind", DM_FEATURE_CATEGORICAL), abc, cc3, 3, 0);
	free(x);
	free(y);
}

static void fixture_release(dm_profile *b, dm_profile *c)
{
	dm_profile_release(b);
	dm_profile_release(c);
}

/* auto: KS, z-test (two categories), chi-square; the spec's test; --test
 * over the spec for the columns it applies to, and only those. */
static void detect_test_choice(void **state)
{
	dm_profile b, c;
	dm_detect_config cfg;
	dm_result r;

	(void)state;
	tests_fixture(&b, &c, 0.0);
	run_detect(&b, &c, NULL, &r);
	assert_string_equal(res_of(&r, "x")->test, "ks");
	assert_true(res_of(&r, "x")->test_pvalue == res_of(&r, "x")->ks_pvalue);
	assert_string_equal(res_of(&r, "flag")->test, "ztest");
	assert_string_equal(res_of(&r, "kind")->test, "chi2");
	dm_result_release(&r);

	snprintf(b.feat[0].test, sizeof(b.feat[0].test), "cvm");
	snprintf(b.feat[1].test, sizeof(b.feat[1].test), "fisher");
	snprintf(b.feat[2].test, sizeof(b.feat[2].test), "gtest");
	run_detect(&b, &c, NULL, &r);
	assert_string_equal(res_of(&r, "x")->test, "cvm");
	assert_string_equal(res_of(&r, "flag")->test, "fisher");
	assert_string_equal(res_of(&r, "kind")->test, "gtest");
	dm_result_release(&r);

	dm_detect_config_init(&cfg);
	cfg.test = DM_TEST_WASSERSTEIN; /* numeric only */
	run_detect(&b, &c, &cfg, &r);
	assert_string_equal(res_of(&r, "x")->test, "wasserstein");
	assert_string_equal(res_of(&r, "flag")->test, "fisher");
	dm_result_release(&r);
	cfg.test = DM_TEST_JS; /* every kind */
	run_detect(&b, &c, &cfg, &r);
	assert_string_equal(res_of(&r, "x")->test, "jensenshannon");
	assert_string_equal(res_of(&r, "flag")->test, "jensenshannon");
	assert_string_equal(res_of(&r, "kind")->test, "jensenshannon");
	dm_result_release(&r);
	cfg.test = DM_TEST_ZTEST; /* two categories only */
	run_detect(&b, &c, &cfg, &r);
	assert_string_equal(res_of(&r, "x")->test, "cvm");
	assert_string_equal(res_of(&r, "flag")->test, "ztest");
	assert_string_equal(res_of(&r, "kind")->test, "gtest");
	dm_result_release(&r);

	/* a spec test the column's kind has not: the automatic one */
	snprintf(b.feat[0].test, sizeof(b.feat[0].test), "fisher");
	snprintf(b.feat[2].test, sizeof(b.feat[2].test), "ztest");
	run_detect(&b, &c, NULL, &r);
	assert_string_equal(res_of(&r, "x")->test, "ks");
	assert_string_equal(res_of(&r, "kind")->test, "chi2");
	dm_result_release(&r);
	fixture_release(&b, &c);
}

/* A distance is held to its threshold (min_effect, else --test-threshold,
 * else 0.1), has no p-value and stays out of the Holm family; the
 * statistic is the Wasserstein distance over the baseline's population
 * standard deviation. */
static void detect_distance_threshold(void **state)
{
	dm_profile b, c;
	dm_detect_config cfg;
	dm_result r;
	const dm_feature_result *fr;
	double *x = logistic_grid(2000, 0.0, 1.0);
	double *y = logistic_grid(300, 0.3, 1.0);
	double w, sd, stat;

	(void)state;
	qsort(x, 2000, sizeof(double), cmp_double);
	w = dm_wasserstein(x, NULL, 2000, y, NULL, 300);
	tests_fixture(&b, &c, 0.3);
	sd = sqrt(b.feat[0].mom.m2 / 2000.0);
	dm_detect_config_init(&cfg);
	cfg.test = DM_TEST_WASSERSTEIN;
	run_detect(&b, &c, &cfg, &r);
	fr = res_of(&r, "x");
	stat = fr->test_statistic;
	assert_true(fabs(stat - w / sd) <= 1e-12 * stat);
	assert_true(stat > 0.1 && stat < 0.2);
	assert_true(isnan(fr->test_pvalue) && isnan(fr->pvalue_adjusted));
	assert_false(fr->tested);
	assert_true(fr->test_threshold == 0.1);
	assert_true(fr->drifted);
	assert_non_null(strstr(find_alert(&r, "FEATURE_DRIFT", "x")->message,
			       "Wasserstein (normed)"));
	dm_result_release(&r);

	cfg.test_threshold = stat; /* >= threshold: drift */
	run_detect(&b, &c, &cfg, &r);
	assert_true(res_of(&r, "x")->drifted);
	dm_result_release(&r);
	cfg.test_threshold = nextafter(stat, 1.0); /* just above: minor */
	run_detect(&b, &c, &cfg, &r);
	assert_false(res_of(&r, "x")->drifted);
	assert_int_equal(res_of(&r, "x")->status, DM_STATUS_MINOR);
	dm_result_release(&r);
	cfg.test_threshold = 2.0 * stat + 0.01; /* below half: none */
	run_detect(&b, &c, &cfg, &r);
	assert_int_equal(res_of(&r, "x")->status, DM_STATUS_NONE);
	dm_result_release(&r);
	b.feat[0].min_effect = 0.05; /* the column's own wins */
	run_detect(&b, &c, &cfg, &r);
	assert_true(res_of(&r, "x")->drifted);
	assert_true(res_of(&r, "x")->test_threshold == 0.05);
	dm_result_release(&r);
	free(x);
	free(y);
	fixture_release(&b, &c);
}

/* Tests with p-values share one Holm family; distances are not in it. */
static void detect_tests_holm_family(void **state)
{
	dm_profile b, c;
	dm_result r;
	double p[2], adj[2];

	(void)state;
	tests_fixture(&b, &c, 0.2);
	snprintf(b.feat[0].test, sizeof(b.feat[0].test), "anderson");
	snprintf(b.feat[1].test, sizeof(b.feat[1].test), "hellinger");
	run_detect(&b, &c, NULL, &r);
	assert_false(res_of(&r, "flag")->tested);
	p[0] = res_of(&r, "x")->test_pvalue;
	p[1] = res_of(&r, "kind")->test_pvalue;
	assert_int_equal(dm_holm(p, 2, adj), DM_OK);
	assert_true(res_of(&r, "x")->pvalue_adjusted == adj[0]);
	assert_true(res_of(&r, "kind")->pvalue_adjusted == adj[1]);
	assert_true(p[0] >= 0.001 && p[0] <= 0.25); /* scipy's caps */
	dm_result_release(&r);
	fixture_release(&b, &c);
}

/* A column of values mostly seen once (ticket numbers, cabins) against a
 * baseline that kept all it saw: a window's new values, each seen once,
 * are sparse bins pooled as the training values seen once are, not one
 * bin of "unseen" values that reads as drift; what the window could not
 * keep apart (over its cap) joins that pool; a frequent new value keeps
 * its own bin and drifts. */
static void detect_unseen_singletons_pooled(void **state)
{
	enum { NB = 600, NU = 200, NF = 150 };
	char **bv = calloc(NB, sizeof(char *)), **cv;
	uint64_t *bc = calloc(NB, sizeof(uint64_t)), *cc;
	uint64_t ta[2] = {0, 900}, tb[2] = {NF, 300};
	double stat, p;
	dm_profile b, c;
	dm_result r;
	size_t i, k;
	int df;

	(void)state;
	cv = calloc(100 + NU + 1, sizeof(char *));
	cc = calloc(100 + NU + 1, sizeof(uint64_t));
	assert_true(bv && bc && cv && cc);
	for (i = 0; i < NB; i++) {
		char name[16];

		snprintf(name, sizeof(name), "t%zu", i);
		bv[i] = strdup(name);
		bc[i] = 1 + i % 2; /* 900 values */
	}
	for (i = 0; i < 100; i++) { /* 100 values seen in training */
		cv[i] = bv[i];
		cc[i] = 1;
	}
	for (i = 0; i < NU + 1; i++) { /* 200 new, each once; then one */
		char name[16];

		snprintf(name, sizeof(name), "u%zu", i);
		cv[100 + i] = strdup(name);
		cc[100 + i] = i < NU ? 1 : NF;
	}
	prof_init(&b, 900);
	cat_set(feat_add(&b, "ticket", DM_FEATURE_CATEGORICAL),
		(const char *const *)bv, bc, NB, 0);
	/* 1: the new values seen once: no drift */
	prof_init(&c, 100 + NU);
	cat_set(feat_add(&c, "ticket", DM_FEATURE_CATEGORICAL),
		(const char *const *)cv, cc, 100 + NU, 0);
	run_detect(&b, &c, NULL, &r);
	assert_int_equal(r.features[0].unseen, NU);
	assert_false(r.features[0].drifted);
	assert_true(r.features[0].psi < 1e-12); /* one pooled bin */
	assert_true(dm_feature_psi(&b.feat[0], &c.feat[0]) ==
		    r.features[0].psi);
	dm_result_release(&r);
	dm_profile_release(&c);
	/* 2: the same, 190 of the new values not kept apart (the window's
	 * category cap): they join the pool */
	prof_init(&c, 100 + NU);
	cat_set(feat_add(&c, "ticket", DM_FEATURE_CATEGORICAL),
		(const char *const *)cv, cc, 110, NU - 10);
	c.feat[0].other = 0; /* not "other": values c did not keep */
	run_detect(&b, &c, NULL, &r);
	assert_int_equal(r.features[0].unseen, NU);
	assert_false(r.features[0].drifted);
	dm_result_release(&r);
	dm_profile_release(&c);
	/* 3: a new value 150 times: its own bin, drift; the chi-square of
	 * that bin against the pool of the rest */
	prof_init(&c, 100 + NU + NF);
	cat_set(feat_add(&c, "ticket", DM_FEATURE_CATEGORICAL),
		(const char *const *)cv, cc, 100 + NU + 1, 0);
	run_detect(&b, &c, NULL, &r);
	assert_int_equal(r.features[0].unseen, NU + NF);
	assert_true(r.features[0].drifted);
	dm_chi2_homogeneity(ta, tb, 2, &stat, &p, &df);
	assert_int_equal(r.features[0].chi2_df, 1);
	assert_true(r.features[0].chi2_statistic == stat);
	assert_true(r.features[0].chi2_pvalue == p);
	k = 2;
	assert_true(r.features[0].psi == dm_psi(ta, tb, k));
	dm_result_release(&r);
	dm_profile_release(&c);
	dm_profile_release(&b);
	for (i = 0; i < NB; i++)
		free(bv[i]);
	for (i = 0; i < NU + 1; i++)
		free(cv[100 + i]);
	free(bv);
	free(bc);
	free(cv);
	free(cc);
}

/* Two categories with a rare one: Fisher (an expected count below 5);
 * an unseen value in the current data: chi-square. */
static void detect_two_categories_small_counts(void **state)
{
	static const char *const abz[] = {"a", "b", "z"};
	static const uint64_t cz[] = {190, 8, 2};
	dm_profile b, c;
	dm_result r;
	dm_test_result fe;

	(void)state;
	prof_init(&b, 10000);
	prof_init(&c, 200);
	cat2_add(&b, "f", 9990, 10);
	cat2_add(&c, "f", 192, 8);
	run_detect(&b, &c, NULL, &r);
	assert_string_equal(res_of(&r, "f")->test, "fisher");
	assert_int_equal(dm_fisher_exact(9990, 10, 192, 8, &fe), DM_OK);
	assert_true(res_of(&r, "f")->test_pvalue == fe.pvalue);
	assert_true(res_of(&r, "f")->tested);
	dm_result_release(&r);
	dm_profile_release(&c);
	prof_init(&c, 200);
	cat_set(feat_add(&c, "f", DM_FEATURE_CATEGORICAL), abz, cz, 3, 0);
	run_detect(&b, &c, NULL, &r);
	assert_string_equal(res_of(&r, "f")->test, "chi2");
	dm_result_release(&r);
	fixture_release(&b, &c);
}

/* cvm on a column of counts (heavy ties) is KS: scipy's midrank
 * statistic would be inflated (dm_cvm_tie_excess); on continuous values
 * it is cvm, equal to dm_cvm_2samp on the same samples. */
static void detect_cvm_ties_use_ks(void **state)
{
	dm_profile b, c;
	dm_detect_config cfg;
	dm_result r;
	dm_test_result tr;
	double *x = logistic_grid(2000, 0.0, 1.0);
	double *y = logistic_grid(300, 0.0, 1.0);
	size_t i;

	(void)state;
	tests_fixture(&b, &c, 0.1);
	dm_detect_config_init(&cfg);
	cfg.test = DM_TEST_CVM;
	run_detect(&b, &c, &cfg, &r);
	assert_string_equal(res_of(&r, "x")->test, "cvm");
	{
		double *bv, *cv;
		uint64_t *bw, *cw;
		size_t bn, cn;

		assert_int_equal(
			dm_sketch_items(b.feat[0].sketch, &bv, &bw, &bn),
			DM_OK);
		assert_int_equal(
			dm_sketch_items(c.feat[0].sketch, &cv, &cw, &cn),
			DM_OK);
		assert_int_equal(dm_cvm_2samp(bv, bw, bn, cv, cw, cn, &tr),
				 DM_OK);
		free(bv);
		free(bw);
		free(cv);
		free(cw);
	}
	assert_true(res_of(&r, "x")->test_pvalue == tr.pvalue);
	dm_result_release(&r);
	fixture_release(&b, &c);

	for (i = 0; i < 2000; i++)
		x[i] = floor(x[i] + 3.0);
	for (i = 0; i < 300; i++)
		y[i] = floor(y[i] + 3.0);
	prof_init(&b, 2000);
	prof_init(&c, 300);
	num_set(feat_add(&b, "n", DM_FEATURE_NUMERIC), x, 2000, NULL, 4);
	num_set(feat_add(&c, "n", DM_FEATURE_NUMERIC), y, 300, &b.feat[0], 0);
	run_detect(&b, &c, &cfg, &r);
	assert_string_equal(res_of(&r, "n")->test, "ks");
	assert_true(res_of(&r, "n")->test_pvalue == res_of(&r, "n")->ks_pvalue);
	dm_result_release(&r);
	fixture_release(&b, &c);
	free(x);
	free(y);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(holm_matches_statsmodels),
		cmocka_unit_test(holm_in_place_and_empty),
		cmocka_unit_test(holm_alloc_failure),
		cmocka_unit_test(psi_matches_scipy_unequal_sizes),
		cmocka_unit_test(psi_smoothing_documented),
		cmocka_unit_test(detect_baseline_count_zero),
		cmocka_unit_test(detect_type_mismatch),
		cmocka_unit_test(detect_not_compared_missing_feature),
		cmocka_unit_test(detect_no_feature_compared),
		cmocka_unit_test(detect_no_shared_feature),
		cmocka_unit_test(detect_insufficient),
		cmocka_unit_test(detect_no_data_one_alert),
		cmocka_unit_test(detect_roles_not_monitored),
		cmocka_unit_test(detect_prediction_drift),
		cmocka_unit_test(detect_effect_floor),
		cmocka_unit_test(detect_psi_threshold_boundary),
		cmocka_unit_test(detect_psi_threshold_direction),
		cmocka_unit_test(detect_psi_threshold_numeric),
		cmocka_unit_test(detect_categorical_min_effect),
		cmocka_unit_test(detect_holm_adjusts),
		cmocka_unit_test(detect_alloc_failures),
		cmocka_unit_test(detect_categorical_drift_without_unseen),
		cmocka_unit_test(detect_test_choice),
		cmocka_unit_test(detect_distance_threshold),
		cmocka_unit_test(detect_tests_holm_family),
		cmocka_unit_test(detect_two_categories_small_counts),
		cmocka_unit_test(detect_cvm_ties_use_ks),
		cmocka_unit_test(detect_other_bin_not_unseen),
		cmocka_unit_test(detect_unseen_singletons_pooled),
		cmocka_unit_test(detect_pooled_sparse_bin),
		cmocka_unit_test(detect_missing_rate_se_gate),
		cmocka_unit_test(alert_drift_critical_and_detected),
		cmocka_unit_test(alert_feature_drift_numeric),
		cmocka_unit_test(alert_invalid_values_and_malformed_rows),
		cmocka_unit_test(detect_score_weighting),
		cmocka_unit_test(detect_untested_column),
		cmocka_unit_test(detect_status_names),
		cmocka_unit_test(detect_v1_baseline_defaults),
	};

	if (argc > 1)
		cmocka_set_test_filter(argv[1]);
	return cmocka_run_group_tests_name("detect", tests, NULL, NULL);
}
