/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Comparing a current profile with its baseline (see detect.h for the
 * rule and docs/drift-decision.md for why it is this rule).
 *
 * dm_detect runs in steps, one function each: check_shared (the data is
 * the right file), compare_feature (statistics of every monitored
 * column), adjust (Holm over every tested column, src/stats/multitest.c),
 * decide_all (the rule, the counts and the score), then the alerts
 * (verdict_alerts, column_alerts).  Any failure, an allocation in the
 * adjustment included, is an error of dm_detect: never "no drift".
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "driftmon/detect.h"
#include "driftmon/labels.h"
#include "detect/detect_int.h"

/* Cochran's rule: a bin whose expected count is below 5 is pooled (the
 * chi-square approximation needs it), and a 2 x 2 table with a smaller
 * expected count gets Fisher's exact test instead of the z-test. */
#define MIN_EXPECTED_COUNT 5.0
/* Below its drift verdict, a column is "minor" when a test's p-value is
 * under 5% (significant without the effect size) ... */
#define MINOR_PVALUE 0.05
/* ... or a distance reaches half its threshold. */
#define MINOR_DISTANCE_SHARE 0.5
/* MISSING_RATE_JUMP: the rise of the missing rate must pass both the
 * configured jump and 3 standard errors of the difference (the baseline
 * rate's and the current one's sampling error), the baseline rate
 * floored at 0.1% so that a column never missing does not alert on one
 * missing value. */
#define MISSING_JUMP_SE	   3.0
#define MISSING_RATE_FLOOR 0.001

void dm_detect_config_init(dm_detect_config *c)
{
	c->psi_threshold = 0.2;
	c->psi_minor = 0.1;
	c->alpha = 0.01;
	c->min_ks_d = 0.05;
	c->critical_threshold = 0.5;
	c->min_samples = 100;
	c->invalid_rate_alert = 0.01;
	c->missing_jump_alert = 0.05;
	c->test = DM_TEST_AUTO;
	c->test_threshold = NAN;
}

static double rate(uint64_t part, uint64_t whole)
{
	return whole ? (double)part / (double)whole : NAN;
}

/* The kind of a column for the choice of its test: numeric, two
 * categories (and nothing beyond the category cap) or categorical. */
static unsigned feature_kind(const dm_feature *b)
{
	if (b->type == DM_FEATURE_NUMERIC)
		return DM_KIND_NUMERIC;
	if (b->ncats == 2 && b->other == 0)
		return DM_KIND_BOOLEAN;
	return DM_KIND_CATEGORICAL;
}

/* The column's test: --test when it applies to the column's kind, else
 * the spec's when it applies, else DM_TEST_AUTO (resolved by the
 * compare_* functions, which see the counts). */
static dm_test_id choose_test(const dm_feature *b, const dm_detect_config *cfg)
{
	unsigned kind = feature_kind(b);
	const dm_test_info *ti = dm_test_info_of((dm_test_id)cfg->test);
	int id;

	if (cfg->test != DM_TEST_AUTO && ti && (ti->kinds & kind))
		return (dm_test_id)cfg->test;
	id = dm_test_from_name(b->test);
	if (id > 0 && (dm_test_info_of((dm_test_id)id)->kinds & kind))
		return (dm_test_id)id;
	return DM_TEST_AUTO;
}

/* Records the test used and its result; a test with a p-value joins the
 * Holm family. */
static void set_test(dm_feature_result *fr, dm_test_id id, double stat,
		     double pvalue)
{
	const dm_test_info *ti = dm_test_info_of(id);

	fr->test = ti->name;
	fr->test_statistic = stat;
	fr->test_pvalue = ti->has_pvalue ? pvalue : NAN;
	fr->pvalue = fr->test_pvalue;
	fr->tested = ti->has_pvalue && !isnan(pvalue);
}

/* Population standard deviation (ddof 0, as numpy.std and Evidently's
 * normed Wasserstein) of the baseline. */
static double base_std(const dm_feature *b)
{
	return b->mom.n ? sqrt(b->mom.m2 / (double)b->mom.n) : NAN;
}

/* x / s with x / 0 = 0 for x = 0 and +inf otherwise (a constant
 * baseline that moved has drifted at any threshold); NaN when s is
 * unknown (moments that overflowed a double). */
static double normed(double x, double s)
{
	if (isnan(s))
		return NAN;
	if (s > 0.0)
		return x / s;
	return x == 0.0 ? 0.0 : INFINITY;
}

/* The column's test when it compares the two sides' values
 * (dm_test_needs_values): wasserstein, energy, cvm, anderson. */
static dm_err values_test(dm_test_id id, const dm_feature *b, const double *bv,
			  const uint64_t *bw, size_t bn, const double *cv,
			  const uint64_t *cw, size_t cn, const dm_ks_result *ks,
			  dm_feature_result *fr)
{
	double sd = base_std(b);
	dm_test_result tr;
	dm_err err;

	if (id == DM_TEST_WASSERSTEIN) {
		double lo = fmin(bv[0], cv[0]),
		       hi = fmax(bv[bn - 1], cv[cn - 1]);

		set_test(fr, id,
			 normed(dm_wasserstein(bv, bw, bn, cv, cw, cn), sd),
			 NAN);
		/* |F_sketch - F| <= eps on each side, over [lo, hi] */
		fr->test_error = normed(fr->ks_d_error * (hi - lo), sd);
		return DM_OK;
	}
	if (id == DM_TEST_ENERGY) {
		set_test(fr, id,
			 normed(dm_energy_distance(bv, bw, bn, cv, cw, cn),
				sqrt(sd)),
			 NAN);
		return DM_OK;
	}
	if (id == DM_TEST_CVM && !(dm_cvm_tie_excess(bv, bw, bn, cv, cw, cn) <=
				   DM_CVM_MAX_TIE_EXCESS)) {
		/* ties would inflate scipy's statistic: KS */
		set_test(fr, DM_TEST_KS, ks->statistic, ks->pvalue);
		fr->test_error = fr->ks_d_error;
		return DM_OK;
	}
	err = id == DM_TEST_CVM
		      ? dm_cvm_2samp(bv, bw, bn, cv, cw, cn, &tr)
		      : dm_anderson_2samp(bv, bw, bn, cv, cw, cn, &tr);
	if (err == DM_OK) {
		set_test(fr, id, tr.statistic, tr.pvalue);
		return DM_OK;
	}
	if (err != DM_EINVAL)
		return err;
	/* too few values, or one value in all: KS says it */
	set_test(fr, DM_TEST_KS, ks->statistic, ks->pvalue);
	fr->test_error = fr->ks_d_error;
	return DM_OK;
}

/* The column's test from the bins or KS: psi, the bin distances, KS. */
static void counts_test(dm_test_id id, const dm_feature *b, const dm_feature *c,
			const dm_ks_result *ks, dm_feature_result *fr)
{
	size_t nb = b->nedges + 1;

	switch (id) {
	case DM_TEST_PSI:
		set_test(fr, id, fr->psi, NAN);
		break;
	case DM_TEST_JS:
	case DM_TEST_HELLINGER:
	case DM_TEST_KL:
		set_test(fr, id,
			 !(b->bins && c->bins) ? NAN
			 : id == DM_TEST_JS
				 ? dm_js_distance(b->bins, c->bins, nb)
			 : id == DM_TEST_HELLINGER
				 ? dm_hellinger(b->bins, c->bins, nb)
				 : dm_kl_divergence(b->bins, c->bins, nb),
			 NAN);
		fr->test_error = 0.0; /* bin counts are exact */
		break;
	default: /* auto, ks */
		set_test(fr, DM_TEST_KS, ks->statistic, ks->pvalue);
		fr->test_error = fr->ks_d_error;
		break;
	}
}

/*
 * KS of a window counted against the baseline's stored ECDF
 * (dm_profile_opts.window_ecdf, src/stats/ecdfcount.c): D is exact
 * relative to the stored ECDF, so its error is the baseline sketch's
 * rank error alone.  DM_EINVAL if the counts were not taken against this
 * baseline.
 */
static dm_err ks_counted(const dm_feature *b, const dm_feature *c,
			 dm_feature_result *fr, dm_ks_result *ks)
{
	if (!b->sketch ||
	    dm_ecdf_count_ref_n(c->ecdf) != dm_sketch_count(b->sketch))
		return DM_EINVAL;
	fr->ks_statistic = dm_ecdf_count_ks(c->ecdf);
	fr->ks_d_error = dm_sketch_rank_error(b->sketch);
	fr->ks_exact = fr->ks_d_error == 0.0;
	/* the p-value of that D: often computed already, on the profile's
	 * worker threads (dm_profile_ks_prepare) */
	return dm_ecdf_count_ks_test(c->ecdf, ks);
}

/* KS of the two sketches; their items are left in bv.., cv.. */
static dm_err ks_sketches(const dm_feature *b, const dm_feature *c,
			  dm_feature_result *fr, dm_ks_result *ks, double **bv,
			  uint64_t **bw, size_t *bn, double **cv, uint64_t **cw,
			  size_t *cn)
{
	dm_err err = dm_sketch_items(b->sketch, bv, bw, bn);

	if (err == DM_OK)
		err = dm_sketch_items(c->sketch, cv, cw, cn);
	if (err != DM_OK)
		return err;
	fr->ks_statistic = dm_ks_statistic(*bv, *bw, *bn, *cv, *cw, *cn);
	fr->ks_d_error = dm_sketch_rank_error(b->sketch) +
			 dm_sketch_rank_error(c->sketch);
	fr->ks_exact = fr->ks_d_error == 0.0;
	return dm_ks_pvalue(fr->ks_statistic, dm_sketch_count(b->sketch),
			    dm_sketch_count(c->sketch), ks);
}

static dm_err compare_numeric(const dm_feature *b, const dm_feature *c,
			      const dm_detect_config *cfg,
			      dm_feature_result *fr)
{
	double *bv = NULL, *cv = NULL;
	uint64_t *bw = NULL, *cw = NULL;
	size_t bn = 0, cn = 0;
	dm_ks_result ks;
	dm_test_id id = choose_test(b, cfg);
	dm_err err;

	fr->psi = (b->bins && c->bins) ? dm_psi(b->bins, c->bins, b->nedges + 1)
				       : NAN;
	/* a window counted against the baseline's ECDF kept no values:
	 * only when its test needs none (window_counted in profile.c) */
	if (c->ecdf)
		err = dm_test_needs_values(id) ? DM_EINVAL
					       : ks_counted(b, c, fr, &ks);
	else
		err = ks_sketches(b, c, fr, &ks, &bv, &bw, &bn, &cv, &cw, &cn);
	if (err != DM_OK)
		goto out;
	fr->ks_statistic = ks.statistic;
	fr->ks_pvalue = ks.pvalue;
	fr->ks_method = ks.method == DM_KS_EXACT ? "exact" : "asymp";
	fr->test_error = NAN;
	if (dm_test_needs_values(id))
		err = values_test(id, b, bv, bw, bn, cv, cw, cn, &ks, fr);
	else
		counts_test(id, b, c, &ks, fr);
	if (fr->ks_exact && isnan(fr->test_error))
		fr->test_error = 0.0;
out:
	free(bv);
	free(bw);
	free(cv);
	free(cw);
	return err;
}

/*
 * The chi-square approximation needs expected cell counts of about 5 or
 * more (Cochran 1954, "Some methods for strengthening the common chi-square
 * tests", Biometrics 10(4)); with sparse categories and a small window it
 * is anti-conservative and raises false alarms.  So categories whose
 * expected count in the current row is below 5 are pooled into one bin
 * (and that bin, if still below 5, into the smallest other one) before the
 * test; so is bin force (SIZE_MAX: none).  PSI is computed on the
 * unpooled bins unless compared_bins() says otherwise.  Returns the new
 * bin count; a and b are rewritten in place.
 */
static size_t pool_sparse_ex(uint64_t *a, uint64_t *b, size_t k, size_t force)
{
	uint64_t na = 0, nb = 0, pa = 0, pb = 0;
	size_t i, o = 0, smallest = SIZE_MAX;
	double scale;

	for (i = 0; i < k; i++) {
		na += a[i];
		nb += b[i];
	}
	if (na + nb == 0)
		return k;
	scale = (double)(na < nb ? na : nb) / (double)(na + nb);
	for (i = 0; i < k; i++) {
		if ((double)(a[i] + b[i]) * scale < MIN_EXPECTED_COUNT ||
		    i == force) {
			pa += a[i];
			pb += b[i];
		} else {
			a[o] = a[i];
			b[o++] = b[i];
		}
	}
	if (pa + pb == 0)
		return o;
	if ((double)(pa + pb) * scale < MIN_EXPECTED_COUNT && o > 0) {
		for (i = 0; i < o; i++)
			if (smallest == SIZE_MAX ||
			    a[i] + b[i] < a[smallest] + b[smallest])
				smallest = i;
		a[smallest] += pa;
		b[smallest] += pb;
		return o;
	}
	a[o] = pa;
	b[o++] = pb;
	return o;
}

static size_t pool_sparse(uint64_t *a, uint64_t *b, size_t k)
{
	return pool_sparse_ex(a, b, k, SIZE_MAX);
}

/* Total variation distance (1/2) sum_i |a_i / na - b_i / nb| between the
 * proportions of two count vectors: the largest difference in the
 * probability of any set of categories (for two categories it is the KS
 * D of the 0/1 coding).  NaN when either side is empty. */
static double tv_distance(const uint64_t *a, const uint64_t *b, size_t k)
{
	uint64_t na = 0, nb = 0;
	double tv = 0.0;
	size_t i;

	for (i = 0; i < k; i++) {
		na += a[i];
		nb += b[i];
	}
	if (na == 0 || nb == 0)
		return NAN;
	for (i = 0; i < k; i++)
		tv += fabs((double)a[i] / (double)na -
			   (double)b[i] / (double)nb);
	return tv / 2.0;
}

/* Two categories (feature_kind DM_KIND_BOOLEAN) with nothing unseen:
 * the z-test, or Fisher's exact test when an expected cell count of the
 * 2x2 table is below 5 (Cochran's rule, as pool_sparse).  e, c: counts
 * of the two categories. */
static dm_err two_by_two(dm_test_id id, const uint64_t *e, const uint64_t *c,
			 dm_feature_result *fr)
{
	uint64_t n1 = e[0] + e[1], n2 = c[0] + c[1];
	uint64_t k0 = e[0] + c[0], k1 = e[1] + c[1];
	double mine = (double)(n1 < n2 ? n1 : n2) *
		      (double)(k0 < k1 ? k0 : k1) / (double)(n1 + n2);
	dm_test_result tr;
	dm_err err;

	if (id == DM_TEST_AUTO)
		id = mine < MIN_EXPECTED_COUNT ? DM_TEST_FISHER : DM_TEST_ZTEST;
	err = id == DM_TEST_FISHER
		      ? dm_fisher_exact(e[0], e[1], c[0], c[1], &tr)
		      : dm_prop_ztest(e[0], n1, c[0], n2, &tr);
	if (err == DM_OK) {
		set_test(fr, id, tr.statistic, tr.pvalue);
		/* one category empty on both sides: nothing to test (as the
		 * chi-square with df 0) */
		fr->tested = fr->tested && k0 > 0 && k1 > 0;
	}
	return err;
}

/* Categorical bins: the baseline's categories, then "other" (values
 * beyond the baseline's category cap), then "unseen"; eb the baseline's
 * counts, cb c's.  A baseline that kept every value it saw (no "other",
 * not by key) had none of c's unseen values: each value c kept is a bin
 * of its own after those (its training count 0), so that a value seen
 * once is a sparse bin (pooled with the others, as a training value
 * seen once is) and a new frequent value stands apart; "unseen" then
 * holds only what c did not keep (over its own cap).  eb and cb hold
 * b->ncats + 2 + c->ncats bins; returns the bin count. */
static size_t category_bins(const dm_feature *b, const dm_feature *c,
			    uint64_t *eb, uint64_t *cb)
{
	uint64_t matched = 0, apart = 0;
	size_t i, j, k = b->ncats + 2;
	uint8_t *hit = c->ncats ? calloc(c->ncats, 1) : NULL;

	for (i = 0; i < b->ncats; i++) {
		eb[i] = b->cats[i].count;
		for (j = 0; j < c->ncats; j++) {
			if (strcmp(c->cats[j].value, b->cats[i].value) == 0) {
				cb[i] = c->cats[j].count;
				if (hit)
					hit[j] = 1;
				break;
			}
		}
		matched += cb[i];
	}
	eb[b->ncats] = b->other;
	/* Everything of c not matched to a baseline category. */
	if (b->cats_by_key) {
		/* "other" is the values whose keys are above the kept ones';
		 * "unseen" those the baseline would have kept but never saw
		 * (its count there: 0) */
		uint64_t rest = c->count - matched;

		cb[b->ncats + 1] = c->unseen < rest ? c->unseen : rest;
		cb[b->ncats] = rest - cb[b->ncats + 1];
	} else if (b->other > 0) {
		cb[b->ncats] = c->count - matched;
	} else {
		for (j = 0; hit && j < c->ncats; j++) {
			if (hit[j] || c->cats[j].count == 0 ||
			    matched + apart + c->cats[j].count > c->count)
				continue;
			eb[k] = 0;
			cb[k++] = c->cats[j].count;
			apart += c->cats[j].count;
		}
		cb[b->ncats + 1] = c->count - matched - apart;
	}
	free(hit);
	return k;
}

/*
 * A baseline that kept its categories by key (over DM_MAX_CATEGORIES
 * values): every value is in a bin whatever the data — its own if its key
 * is at most the largest kept one, else "other" — so the bins are a fair
 * comparison, but the values it never saw are one bin whose baseline
 * count is 0 by construction (they would each be a bin of their own,
 * sparse).  That bin always joins the pool of sparse bins, and PSI and
 * the distances are taken on the pooled bins (PSI on many sparse bins
 * grows with their number, not with drift).  Returns the bin count.
 */
static size_t key_sampled_bins(uint64_t *eb, uint64_t *cb, size_t k)
{
	return pool_sparse_ex(eb, cb, k, k - 1);
}

/*
 * The bins PSI, the distances and the tests compare: category_bins'; for
 * a baseline kept by key, pooled as key_sampled_bins says; for one that
 * kept every value, pooled (Cochran's rule, as for the chi-square, and
 * the values c did not keep apart with them) when c has values it never
 * had, so that a window's values seen once — IDs,
 * ticket numbers, cabins, most of them new to any other sample — do not
 * read as drift through one bin per value (PSI grows with the number of
 * sparse bins, not with drift), while a new value that is frequent keeps
 * its own bin.  Returns the bin count.
 */
static size_t compared_bins(const dm_feature *b, const dm_feature *c,
			    uint64_t *eb, uint64_t *cb, uint64_t *unseen)
{
	size_t k = category_bins(b, c, eb, cb), i;

	*unseen = 0;
	for (i = b->ncats + 1; i < k; i++)
		*unseen += cb[i];
	if (b->cats_by_key)
		return key_sampled_bins(eb, cb, k);
	if (*unseen == 0)
		return k;
	/* what c could not keep apart (over its category cap) joins the
	 * pool too: most of it is values seen once, and a frequent new
	 * value in it still fills the pool beyond the baseline's share */
	return pool_sparse_ex(eb, cb, k,
			      cb[b->ncats + 1] ? b->ncats + 1 : SIZE_MAX);
}

double dm_feature_psi(const dm_feature *b, const dm_feature *c)
{
	uint64_t *eb, *cb;
	size_t k;
	double psi;

	if (!dm_role_analysed(b->role) || c->count == 0)
		return NAN;
	if (b->type == DM_FEATURE_NUMERIC)
		return b->bins && c->bins
			       ? dm_psi(b->bins, c->bins, b->nedges + 1)
			       : NAN;
	k = b->ncats + 2 + c->ncats;
	eb = calloc(k, sizeof(uint64_t));
	cb = calloc(k, sizeof(uint64_t));
	psi = NAN;
	if (eb && cb) {
		uint64_t unseen;

		k = compared_bins(b, c, eb, cb, &unseen);
		psi = dm_psi(eb, cb, k);
	}
	free(eb);
	free(cb);
	return psi;
}

/* Categorical: the bins of category_bins. */
static dm_err compare_categorical(const dm_feature *b, const dm_feature *c,
				  const dm_detect_config *cfg,
				  dm_feature_result *fr)
{
	size_t k = b->ncats + 2 + c->ncats;
	uint64_t *eb = calloc(k, sizeof(uint64_t));
	uint64_t *cb = calloc(k, sizeof(uint64_t));
	dm_test_id id = choose_test(b, cfg);
	dm_err err = DM_OK;

	if (!eb || !cb) {
		free(eb);
		free(cb);
		return DM_ENOMEM;
	}
	k = compared_bins(b, c, eb, cb, &fr->unseen);
	fr->psi = dm_psi(eb, cb, k);
	fr->tv_distance = tv_distance(eb, cb, k);
	fr->test_error = 0.0; /* category counts are exact */
	if (id == DM_TEST_PSI)
		set_test(fr, id, fr->psi, NAN);
	else if (id == DM_TEST_JS)
		set_test(fr, id, dm_js_distance(eb, cb, k), NAN);
	else if (id == DM_TEST_HELLINGER)
		set_test(fr, id, dm_hellinger(eb, cb, k), NAN);
	else if (id == DM_TEST_KL)
		set_test(fr, id, dm_kl_divergence(eb, cb, k), NAN);
	else if ((id == DM_TEST_AUTO || id == DM_TEST_ZTEST ||
		  id == DM_TEST_FISHER) &&
		 feature_kind(b) == DM_KIND_BOOLEAN && fr->unseen == 0)
		err = two_by_two(id, eb, cb, fr);
	k = pool_sparse(eb, cb, k);
	dm_chi2_homogeneity(eb, cb, k, &fr->chi2_statistic, &fr->chi2_pvalue,
			    &fr->chi2_df);
	if (id == DM_TEST_GTEST) {
		double g, gp;
		int df;

		dm_gtest_homogeneity(eb, cb, k, &g, &gp, &df);
		set_test(fr, id, g, gp);
		fr->tested = df > 0 && !isnan(gp);
	} else if (!fr->test) {
		/* chi2, auto; z / Fisher with unseen categories */
		set_test(fr, DM_TEST_CHI2, fr->chi2_statistic, fr->chi2_pvalue);
		fr->tested = fr->chi2_df > 0;
	}
	free(eb);
	free(cb);
	return err;
}

static char *dupstr(const char *s)
{
	return s ? strdup(s) : NULL;
}

/* "a, b, c, ..." from the first few of n names (for messages). */
static void join_names(char *buf, size_t size, char *const *names, size_t n)
{
	size_t i, off = 0;

	buf[0] = '\0';
	for (i = 0; i < n && i < 5 && off < size; i++)
		off += (size_t)snprintf(buf + off, size - off, "%s%s",
					i ? ", " : "", names[i]);
	if (n > 5 && off < size)
		snprintf(buf + off, size - off, ", ... (%zu in all)", n);
	if (n == 0)
		snprintf(buf, size, "none");
}

/* Roles whose columns are compared: features and predictions. */
static int monitored(const dm_feature *b)
{
	return b->role == DM_ROLE_FEATURE || b->role == DM_ROLE_PREDICTION;
}

/* 1 if the current columns are column_1, column_2, ...: the names the
 * CSV reader gives a file without a header row. */
static int numbered_columns(const dm_profile *cur)
{
	size_t i;
	char want[32];

	for (i = 0; i < cur->nextra; i++) {
		snprintf(want, sizeof(want), "column_%zu", i + 1);
		if (strcmp(cur->extra_columns[i], want) != 0)
			return 0;
	}
	return cur->nextra > 0;
}

/*
 * The current data must share at least one monitored column with the
 * baseline (unless it has no rows, or the baseline monitors nothing):
 * otherwise it is the wrong file, and DM_ESCHEMA names both column sets.
 */
static dm_err check_shared(const dm_profile *base, const dm_profile *cur,
			   dm_diag *diag)
{
	char **names, bn[200], cn[200];
	size_t i, n = 0, shared = 0;

	names = malloc((base->nfeat + 1) * sizeof(*names));
	if (!names)
		return DM_ENOMEM;
	for (i = 0; i < base->nfeat; i++) {
		const dm_feature *b = &base->feat[i];
		const dm_feature *c = dm_profile_find(cur, b->name);

		if (!monitored(b))
			continue;
		names[n++] = b->name;
		shared += c && c->present;
	}
	if (shared > 0 || n == 0 || cur->rows == 0) {
		free(names);
		return DM_OK;
	}
	join_names(bn, sizeof(bn), names, n);
	join_names(cn, sizeof(cn), cur->extra_columns, cur->nextra);
	free(names);
	return dm_diag_set(diag, DM_ESCHEMA, NULL, 0, NULL,
			   "the current data shares no feature with the "
			   "baseline (baseline features: %s; current columns: "
			   "%s)%s",
			   bn, cn,
			   numbered_columns(cur)
				   ? " — a CSV file without a header row: put "
				     "the header line of the training data "
				     "first"
				   : "");
}

/* Fills the statistics of feature i, or the reason it has none
 * (not monitored, not compared, too few rows). */
static dm_err compare_feature(dm_result *r, const dm_profile *cur, size_t i,
			      const dm_feature *b, const dm_detect_config *cfg)
{
	const dm_feature *c = dm_profile_find(cur, b->name);
	dm_feature_result *fr = &r->features[i];
	uint64_t cur_total;

	fr->base = b;
	fr->cur = c;
	fr->psi = fr->ks_statistic = fr->ks_pvalue = NAN;
	fr->chi2_statistic = fr->chi2_pvalue = fr->tv_distance = NAN;
	fr->pvalue = fr->pvalue_adjusted = NAN;
	fr->test = NULL;
	fr->test_statistic = fr->test_pvalue = fr->test_threshold = NAN;
	fr->test_error = NAN;
	fr->ks_method = NULL;
	fr->missing_rate_base = fr->missing_rate_cur = fr->invalid_rate = NAN;
	if (!monitored(b)) {
		fr->status = DM_STATUS_NOT_MONITORED;
		return DM_OK;
	}
	fr->missing_rate_base = rate(b->missing, b->count + b->missing);
	if ((!c || !c->present) && cur->rows == 0) {
		/* No data at all (no logs in the window): INSUFFICIENT_DATA
		 * says so once, not one FEATURE_MISSING per feature. */
		fr->status = DM_STATUS_INSUFFICIENT;
		return DM_OK;
	}
	if (!c || !c->present) {
		fr->status = DM_STATUS_NOT_COMPARED;
		return det_alertf(r, DM_SEV_WARNING, "FEATURE_MISSING", b->name,
				  "%s '%s' of the baseline is missing from the "
				  "current data",
				  b->role == DM_ROLE_PREDICTION ? "prediction"
								: "feature",
				  b->name);
	}
	cur_total = c->count + c->missing + c->invalid;
	fr->missing_rate_cur = rate(c->missing, cur_total);
	fr->invalid_rate = rate(c->invalid, cur_total);
	if (r->insufficient) {
		fr->status = DM_STATUS_INSUFFICIENT;
		return DM_OK;
	}
	if (b->count == 0 || c->count == 0 || b->type != c->type) {
		fr->status = DM_STATUS_NOT_COMPARED;
		return DM_OK;
	}
	fr->status = DM_STATUS_NONE;
	return b->type == DM_FEATURE_NUMERIC
		       ? compare_numeric(b, c, cfg, fr)
		       : compare_categorical(b, c, cfg, fr);
}

/* Holm-adjusts the p-values of every tested column (features and
 * predictions: one family, so that no alert escapes the control). */
static dm_err adjust(dm_result *r)
{
	double *p = malloc((r->nfeatures + 1) * sizeof(*p));
	size_t i, m = 0;
	dm_err err;

	if (!p)
		return DM_ENOMEM;
	for (i = 0; i < r->nfeatures; i++)
		if (r->features[i].tested)
			p[m++] = r->features[i].pvalue;
	err = dm_holm(p, m, p);
	for (i = 0, m = 0; err == DM_OK && i < r->nfeatures; i++)
		if (r->features[i].tested)
			r->features[i].pvalue_adjusted = p[m++];
	free(p);
	return err;
}

/* The PSI threshold and the test's effect floor of a column: its own
 * (from the monitoring spec) when set, else the model's. */
static double psi_threshold(const dm_feature *b, const dm_detect_config *cfg)
{
	return isnan(b->psi_threshold) ? cfg->psi_threshold : b->psi_threshold;
}

/* Whether the test's own effect size passes its floor: KS D >= min_effect
 * (default min_ks_d) for numeric columns; for categorical ones the total
 * variation distance >= min_effect, only when the spec sets min_effect
 * (by default a categorical effect is judged by PSI alone). */
static int test_effect_big(const dm_feature_result *fr,
			   const dm_detect_config *cfg)
{
	const dm_feature *b = fr->base;

	if (b->type == DM_FEATURE_NUMERIC)
		return fr->ks_statistic >=
		       (isnan(b->min_effect) ? cfg->min_ks_d : b->min_effect);
	return !isnan(b->min_effect) && fr->tv_distance >= b->min_effect;
}

/* A distance's threshold: the column's min_effect, else --test-threshold,
 * else the test's default; psi: the PSI threshold. */
static double distance_threshold(const dm_feature_result *fr,
				 const dm_detect_config *cfg)
{
	const dm_feature *b = fr->base;
	int id = dm_test_from_name(fr->test);

	if (id == DM_TEST_PSI)
		return psi_threshold(b, cfg);
	if (!isnan(b->min_effect))
		return b->min_effect;
	if (!isnan(cfg->test_threshold))
		return cfg->test_threshold;
	return dm_test_info_of((dm_test_id)id)->threshold;
}

/* The rule of detect.h for one compared column. */
static void decide(dm_feature_result *fr, const dm_detect_config *cfg)
{
	double thr = psi_threshold(fr->base, cfg);
	int id = fr->test ? dm_test_from_name(fr->test) : DM_TEST_KS;
	int sig = fr->tested && fr->pvalue_adjusted < cfg->alpha;
	int big = fr->psi > thr || test_effect_big(fr, cfg);

	if (id > 0 && !dm_test_info_of((dm_test_id)id)->has_pvalue) {
		/* a distance: its threshold, no p-value */
		double dt = distance_threshold(fr, cfg);
		double x = fr->test_statistic;

		fr->test_threshold = dt;
		fr->drifted = id == DM_TEST_PSI ? x > dt : x >= dt;
		if (fr->drifted)
			fr->status = DM_STATUS_DRIFT;
		else if (id == DM_TEST_PSI ? x >= fmin(cfg->psi_minor, dt)
					   : x >= MINOR_DISTANCE_SHARE * dt)
			fr->status = DM_STATUS_MINOR;
		else
			fr->status = DM_STATUS_NONE;
	} else {
		fr->drifted = sig && big;
		if (fr->drifted)
			fr->status = DM_STATUS_DRIFT;
		else if (fr->psi >= fmin(cfg->psi_minor, thr) ||
			 (fr->tested && fr->pvalue < MINOR_PVALUE))
			fr->status = DM_STATUS_MINOR;
		else
			fr->status = DM_STATUS_NONE;
	}
	fr->severity_rank = (fr->drifted ? 1000.0 : 0.0) +
			    (isnan(fr->psi) ? 0.0 : fr->psi) +
			    (isnan(fr->ks_statistic) ? 0.0 : fr->ks_statistic);
}

/* Decides every compared column; counts and scores the features. */
static void decide_all(dm_result *r, const dm_detect_config *cfg)
{
	double wsum = 0.0, wdrift = 0.0;
	size_t i;

	for (i = 0; i < r->nfeatures; i++) {
		dm_feature_result *fr = &r->features[i];
		const dm_feature *b = fr->base;

		if (fr->status != DM_STATUS_NONE)
			continue; /* not monitored, not compared, too few rows
				   */
		decide(fr, cfg);
		if (b->role == DM_ROLE_PREDICTION) {
			r->predictions_total++;
			r->predictions_drifted += fr->drifted;
			continue;
		}
		r->features_total++;
		wsum += b->importance;
		if (fr->drifted) {
			r->features_drifted++;
			wdrift += b->importance;
		}
	}
	r->drift_score = wsum > 0 ? wdrift / wsum : 0.0;
	r->drift_detected = r->features_drifted > 0;
}

/* INSUFFICIENT_DATA, or DRIFT_CRITICAL / DRIFT_DETECTED; MALFORMED_ROWS. */
static dm_err verdict_alerts(dm_result *r, const dm_profile *cur,
			     const dm_detect_config *cfg)
{
	uint64_t read = cur->rows + cur->rows_filtered + cur->rows_skipped;
	dm_err err = DM_OK;

	if (r->insufficient)
		err = det_alertf(
			r, DM_SEV_WARNING, "INSUFFICIENT_DATA", NULL,
			"only %llu samples in the window (minimum %llu): "
			"no drift verdict",
			(unsigned long long)cur->rows,
			(unsigned long long)cfg->min_samples);
	else if (r->drift_detected && r->drift_score >= cfg->critical_threshold)
		err = det_alertf(
			r, DM_SEV_CRITICAL, "DRIFT_CRITICAL", NULL,
			"drift score %.1f%% is at or above the critical "
			"threshold %.1f%% (%zu/%zu features drifted)",
			100.0 * r->drift_score, 100.0 * cfg->critical_threshold,
			r->features_drifted, r->features_total);
	else if (r->drift_detected)
		err = det_alertf(r, DM_SEV_WARNING, "DRIFT_DETECTED", NULL,
				 "drift detected in %zu/%zu features (score "
				 "%.1f%%)",
				 r->features_drifted, r->features_total,
				 100.0 * r->drift_score);
	if (err)
		return err;
	/* Malformed rows (wrong field count) skipped by a lenient reader:
	 * a data-quality alert above the same rate as invalid values. */
	if (cur->rows_skipped &&
	    rate(cur->rows_skipped, read) > cfg->invalid_rate_alert)
		err = det_alertf(
			r, DM_SEV_WARNING, "MALFORMED_ROWS", NULL,
			"%llu of %llu rows (%.1f%%) were malformed and "
			"skipped",
			(unsigned long long)cur->rows_skipped,
			(unsigned long long)read,
			100.0 * rate(cur->rows_skipped, read));
	return err;
}

/* FEATURE_DRIFT or PREDICTION_DRIFT for a drifted column. */
static dm_err drift_alert(dm_result *r, const dm_feature_result *fr)
{
	const char *name = fr->base->name;
	int pred = fr->base->role == DM_ROLE_PREDICTION;
	const char *code = pred ? "PREDICTION_DRIFT" : "FEATURE_DRIFT";
	const char *what = pred ? "prediction" : "feature";
	int id = fr->test ? dm_test_from_name(fr->test) : -1;

	if (id > 0 && !dm_test_info_of((dm_test_id)id)->has_pvalue)
		return det_alertf(
			r, DM_SEV_WARNING, code, name,
			"%s '%s' drifted: %s %.3f %s %.3g (PSI %.3f)%s", what,
			name, dm_test_info_of((dm_test_id)id)->label,
			fr->test_statistic,
			id == DM_TEST_PSI ? ">" : ">=", fr->test_threshold,
			fr->psi, fr->unseen ? " (unseen categories)" : "");
	if (id == DM_TEST_KS ||
	    (id < 0 && fr->base->type == DM_FEATURE_NUMERIC))
		return det_alertf(
			r, DM_SEV_WARNING, code, name,
			"%s '%s' drifted: PSI %.3f, KS D %.3f (p = %.3g)", what,
			name, fr->psi, fr->ks_statistic, fr->ks_pvalue);
	if (id == DM_TEST_CHI2 || id < 0)
		return det_alertf(
			r, DM_SEV_WARNING, code, name,
			"%s '%s' drifted: PSI %.3f, chi-square p = %.3g%s",
			what, name, fr->psi, fr->chi2_pvalue,
			fr->unseen ? " (unseen categories)" : "");
	return det_alertf(r, DM_SEV_WARNING, code, name,
			  "%s '%s' drifted: PSI %.3f, %s %.3g (p = %.3g)%s",
			  what, name, fr->psi,
			  dm_test_info_of((dm_test_id)id)->label,
			  fr->test_statistic, fr->test_pvalue,
			  fr->unseen ? " (unseen categories)" : "");
}

/*
 * MISSING_RATE_JUMP: the missing rate rose by at least missing_jump_alert
 * (5 points) AND by at least 3 standard errors of the difference of two
 * rates, the baseline's p0 from its n0 rows and the current one from the
 * n1 current rows (SE = sqrt(p0 (1 - p0) (1/n1 + 1/n0)), p0 floored at
 * 0.1%), so that neither a small window's noise nor a small training
 * set's alarms (a table split at random into halves of 216 rows: 7.4% and
 * 13.0% missing is 2.2 such errors apart).  Not when the baseline rate is
 * unknown (NaN: the baseline has no rows for the column).
 */
static dm_err missing_alert(dm_result *r, const dm_feature_result *fr,
			    const dm_detect_config *cfg)
{
	double p0 = fr->missing_rate_base, p1 = fr->missing_rate_cur;
	double n0, n1, se;

	if (isnan(p0) || isnan(p1))
		return DM_OK;
	n0 = (double)(fr->base->count + fr->base->missing);
	n1 = (double)(fr->cur->count + fr->cur->missing + fr->cur->invalid);
	se = sqrt((p0 > MISSING_RATE_FLOOR ? p0 : MISSING_RATE_FLOOR) *
		  (1.0 - p0) *
		  (1.0 / (n1 > 0 ? n1 : 1) + 1.0 / (n0 > 0 ? n0 : 1)));
	if (p1 - p0 < cfg->missing_jump_alert || p1 - p0 < MISSING_JUMP_SE * se)
		return DM_OK;
	return det_alertf(
		r, DM_SEV_WARNING, "MISSING_RATE_JUMP", fr->base->name,
		"feature '%s': missing values rose from %.1f%% to %.1f%%",
		fr->base->name, 100.0 * p0, 100.0 * p1);
}

/* Per-column alerts: drift, invalid values, missing-rate jumps. */
static dm_err column_alerts(dm_result *r, const dm_detect_config *cfg)
{
	dm_err err = DM_OK;
	size_t i;

	for (i = 0; i < r->nfeatures && err == DM_OK; i++) {
		const dm_feature_result *fr = &r->features[i];
		const char *name = fr->base->name;

		if (fr->status == DM_STATUS_NOT_MONITORED)
			continue;
		if (fr->drifted && (err = drift_alert(r, fr)))
			break;
		if (!fr->cur || !fr->cur->present)
			continue;
		if (fr->invalid_rate > cfg->invalid_rate_alert &&
		    (err = det_alertf(
			     r, DM_SEV_WARNING, "INVALID_VALUES", name,
			     "feature '%s': %.1f%% of values are invalid "
			     "(%llu, e.g. '%s')",
			     name, 100.0 * fr->invalid_rate,
			     (unsigned long long)fr->cur->invalid,
			     fr->cur->invalid_example)))
			break;
		err = missing_alert(r, fr, cfg);
	}
	return err;
}

/* MULTIVARIATE_DRIFT: the window's mean reconstruction error against
 * the band from the baseline's PCA (detect.h, dm_mv_result). */
static dm_err multivariate(dm_result *r, const dm_profile *base,
			   const dm_profile *cur, const dm_detect_config *cfg)
{
	const dm_multivariate *bm = base->mv, *cm = cur->mv;
	dm_mv_result *mv = &r->multivariate;
	double n, var, sd_gauss, sd_win, half;

	if (!bm || !bm->fitted || !cm || cm->d != bm->d)
		return DM_OK;
	mv->columns = bm->d;
	mv->components = bm->pca.k;
	mv->share = bm->pca.share;
	mv->reference = bm->ref_error;
	mv->rows = cm->rows_used;
	mv->rows_skipped = cm->rows_skipped;
	if (r->insufficient || cm->rows_used < cfg->min_samples ||
	    cm->rows_used < 2)
		return DM_OK; /* reported, not checked */
	n = (double)cm->rows_used;
	mv->checked = 1;
	mv->error = cm->err_sum / n;
	dm_pca_band(&bm->pca, cm->rows_used, DM_MV_BAND_Z, &mv->lo, &mv->hi);
	/* heavy tails: the window's own spread of one row's error when it
	 * is wider than the Gaussian one */
	sd_gauss = (mv->hi - mv->lo) / (2.0 * DM_MV_BAND_Z) * sqrt(n);
	var = (cm->err_sumsq - n * mv->error * mv->error) / (n - 1.0);
	sd_win = var > 0 ? sqrt(var) : 0.0;
	if (sd_win > sd_gauss) {
		double mid = (mv->lo + mv->hi) / 2.0;

		half = DM_MV_BAND_Z * sd_win / sqrt(n);
		mv->lo = mid - half;
		mv->hi = mid + half;
	}
	if (mv->lo < 0)
		mv->lo = 0;
	/* rounding: a baseline whose discarded directions are exact
	 * relations (duplicated or summed columns) has a band of ~1e-17,
	 * and the window's error is then rounding of that size too */
	if (mv->hi < DM_MV_ERROR_FLOOR * (double)mv->columns)
		mv->hi = DM_MV_ERROR_FLOOR * (double)mv->columns;
	/* Significant and large enough to matter, as for one column: the
	 * band alone fired on same-distribution windows (heavy tails, and
	 * the reference error is itself an estimate). */
	mv->drifted = mv->error > mv->hi &&
		      mv->error > (1.0 + DM_MV_MIN_EFFECT) *
					  ((mv->lo + mv->hi) / 2.0);
	/* The alert says what the univariate verdict cannot: raised only
	 * when no column drifted (docs/drift-decision.md); the report's
	 * section says drifted either way. */
	if (!mv->drifted || r->drift_detected || r->predictions_drifted)
		return DM_OK;
	mv->alerted = 1;
	return det_alertf(
		r, DM_SEV_WARNING, "MULTIVARIATE_DRIFT", NULL,
		"the features relate differently: mean reconstruction "
		"error %.4g is above the baseline's band [%.4g, %.4g] "
		"(%zu columns, %zu components, %llu rows)",
		mv->error, mv->lo, mv->hi, mv->columns, mv->components,
		(unsigned long long)mv->rows);
}

dm_err dm_detect(const dm_profile *base, const dm_profile *cur,
		 const dm_detect_config *cfg_in, dm_result *r, dm_diag *diag)
{
	dm_detect_config cfg;
	size_t i;
	dm_err err;

	memset(r, 0, sizeof(*r));
	if (cfg_in)
		cfg = *cfg_in;
	else
		dm_detect_config_init(&cfg);
	if ((err = check_shared(base, cur, diag)))
		return err;
	r->config = cfg;
	r->samples = cur->rows;
	r->rows_skipped = cur->rows_skipped;
	r->rows_filtered = cur->rows_filtered;
	r->ignored_columns = cur->extra_columns;
	r->nignored = cur->nextra;
	r->insufficient = cur->rows < cfg.min_samples;
	r->nfeatures = base->nfeat;
	r->model = dupstr(base->model);
	r->model_version = dupstr(base->model_version);
	r->features = calloc(base->nfeat + 1, sizeof(*r->features));
	if (!r->features || (base->model && !r->model) ||
	    (base->model_version && !r->model_version)) {
		err = DM_ENOMEM;
		goto out;
	}
	for (i = 0; i < base->nfeat; i++)
		if ((err = compare_feature(r, cur, i, &base->feat[i], &cfg)))
			goto out;
	if (!r->insufficient) {
		/* an error here is never "no drift": the run fails */
		if ((err = adjust(r)))
			goto out;
		decide_all(r, &cfg);
	}
	if ((err = verdict_alerts(r, cur, &cfg)))
		goto out;
	err = column_alerts(r, &cfg);
	if (err == DM_OK)
		err = multivariate(r, base, cur, &cfg);
	if (err == DM_OK)
		err = dm_schema_check(base, cur, r);
out:
	if (err != DM_OK)
		dm_result_release(r);
	return err;
}
