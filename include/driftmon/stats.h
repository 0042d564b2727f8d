/* SPDX-License-Identifier: Apache-2.0 */
/*
 * driftmon statistics: streaming moments, a mergeable quantile sketch,
 * PSI, Holm's multiple-testing adjustment, the two-sample
 * Kolmogorov-Smirnov test and the chi-square test.
 *
 * This layer depends on libc and libm only, so it can be embedded
 * anywhere.  All functions are reentrant; none allocates unless it says
 * so.
 */
#ifndef DRIFTMON_STATS_H
#define DRIFTMON_STATS_H

#include <stddef.h>
#include <stdint.h>

#include "driftmon/error.h"
#include "driftmon/export.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ */
/* Moments: count, mean, M2 (sum of squared deviations), min, max.     */
/* Welford's update; Chan et al. (1979) pairwise merge.                */
/* ------------------------------------------------------------------ */
typedef struct dm_moments {
	uint64_t n;
	double mean;
	double m2;
	double min;
	double max;
} dm_moments;

DM_API void dm_moments_init(dm_moments *m);
/* Adds one finite value (the caller filters NaN/Inf). */
DM_API void dm_moments_add(dm_moments *m, double x);
/* Adds n values at once (two-pass over the block, then a Chan merge). */
DM_API void dm_moments_add_block(dm_moments *m, const double *x, size_t n);
/* a := a ∪ b. */
DM_API void dm_moments_merge(dm_moments *a, const dm_moments *b);
/* Sample variance (ddof = 1); NaN when n < 2. */
DM_API double dm_moments_var(const dm_moments *m);
/* Sample standard deviation (ddof = 1); NaN when n < 2. */
DM_API double dm_moments_std(const dm_moments *m);

/* ------------------------------------------------------------------ */
/* Quantile sketch                                                     */
/* ------------------------------------------------------------------ */
/*
 * A mergeable quantile sketch of the compactor family (Manku, Rajagopalan
 * and Lindsay 1998; Karnin, Lang and Liberty 2016, "KLL"): a level 0 of
 * capacity k and levels above of capacity k/4.  While it has seen at most
 * k values it holds every one of them exactly.  Beyond that, level h holds
 * values of weight 2^h; each compaction of level h moves any rank by at
 * most 2^h, and the sketch adds these up, so dm_sketch_rank_error() is a
 * proven bound (not an estimate) on |rank_sketch(x) - rank_true(x)| / n
 * for every x.  The bound is about (1 + 4 log2(n/k))/k: 0.15% for
 * n = 1e6 and k = 16384.
 */
typedef struct dm_sketch dm_sketch;

#define DM_SKETCH_K_DEFAULT 16384u
#define DM_SKETCH_K_MIN	    16u

/* Allocates an empty sketch; k is rounded up to even, at least
 * DM_SKETCH_K_MIN.  Returns NULL on allocation failure.  Free with
 * dm_sketch_free(). */
DM_API dm_sketch *dm_sketch_new(uint32_t k);
DM_API void dm_sketch_free(dm_sketch *s);
/* Adds a finite value.  DM_ENOMEM on allocation failure (s unchanged). */
DM_API dm_err dm_sketch_add(dm_sketch *s, double x);
/* Adds n finite values (faster than n calls of dm_sketch_add). */
DM_API dm_err dm_sketch_add_block(dm_sketch *s, const double *x, size_t n);
/* dst := dst ∪ src (src unchanged).  Both must have the same k, and dst
 * must not be a frozen sketch (see dm_sketch_from_items): DM_EINVAL. */
DM_API dm_err dm_sketch_merge(dm_sketch *dst, const dm_sketch *src);
DM_API uint64_t dm_sketch_count(const dm_sketch *s);
DM_API uint32_t dm_sketch_k(const dm_sketch *s);
/* 1 while every value is held exactly. */
DM_API int dm_sketch_is_exact(const dm_sketch *s);
/* Proven bound on the normalised rank error (0 when exact). */
DM_API double dm_sketch_rank_error(const dm_sketch *s);
/*
 * The sketch as sorted (value, weight) pairs, ties kept as separate
 * entries.  *vals and *wts are allocated (free() both); *n receives the
 * number of pairs.  An empty sketch gives n = 0 and NULL arrays.
 */
DM_API dm_err dm_sketch_items(const dm_sketch *s, double **vals, uint64_t **wts,
			      size_t *n);
/*
 * Reduces sorted pairs in place to at most max_items pairs for storage:
 * consecutive pairs are grouped so that each group weighs at most
 * 2 * total / max_items (a heavier single pair stays alone) and each group
 * is replaced by its weighted median with the group's weight.  Any rank
 * then moves by at most one group weight, so the normalised rank error
 * grows by at most 2 / max_items; the added bound is returned (0 when
 * nothing had to be merged; equal values are always merged, losslessly).
 * *n is updated.
 */
DM_API double dm_sketch_compress_items(double *vals, uint64_t *wts, size_t *n,
				       size_t max_items);
/*
 * Rebuilds a *frozen* sketch (one that can be queried but not added to
 * or merged into) from sorted pairs as written by dm_sketch_items() or
 * dm_sketch_compress_items() (a serialised baseline); rank_error is the
 * bound carried over (0 means the pairs are all of the data).  The
 * arrays are copied.  Returns NULL on allocation failure, unsorted or
 * non-finite values, or a zero weight.
 */
DM_API dm_sketch *dm_sketch_from_items(uint32_t k, const double *vals,
				       const uint64_t *wts, size_t n,
				       double rank_error);
/* Fraction of the weight at or below x (the right-continuous ECDF);
 * NaN when empty. */
DM_API double dm_sketch_cdf(const dm_sketch *s, double x);
/* Quantile q in [0, 1] by the lower empirical quantile (inverse of the
 * right-continuous ECDF); NaN when empty. */
DM_API double dm_sketch_quantile(const dm_sketch *s, double q);

/* ------------------------------------------------------------------ */
/* Population Stability Index                                          */
/* ------------------------------------------------------------------ */
/*
 * PSI = sum_i (a_i - e_i) * ln(a_i / e_i) over bins, where e_i and a_i are
 * the expected (baseline) and actual (current) proportions.  Empty bins
 * are smoothed additively: p_i = (c_i + alpha) / (n + alpha * nbins),
 * alpha = DM_PSI_ALPHA, on both sides, which keeps PSI finite and shrinks
 * the noise of nearly empty bins.  Returns NaN when either total is 0.
 */
#define DM_PSI_ALPHA 0.5
DM_API double dm_psi(const uint64_t *expected, const uint64_t *actual,
		     size_t nbins);
/* Same with baseline proportions given directly (summing to 1) and the
 * baseline size n_expected used for smoothing. */
DM_API double dm_psi_props(const double *expected_prop, uint64_t n_expected,
			   const uint64_t *actual, size_t nbins);

/* ------------------------------------------------------------------ */
/* Multiple testing                                                    */
/* ------------------------------------------------------------------ */
/*
 * Holm's step-down adjustment (Holm 1979) of the m p-values p[0..m):
 * adj[i] is what statsmodels.stats.multitest.multipletests(p,
 * method='holm')[1][i] gives (statsmodels 0.13), so rejecting
 * adj[i] < alpha controls the family-wise error rate at alpha.
 * p-values should lie in [0, 1].  A NaN p-value counts in m as the
 * largest one and gets a NaN adjusted value (as statsmodels does); ties
 * get equal adjusted values.  p and adj may be the same array.
 * Allocates a work array of m entries, freed before it returns:
 * DM_ENOMEM if that fails (or m is too large to allocate), and adj is
 * then untouched.  m = 0: DM_OK, nothing written.
 */
DM_API dm_err dm_holm(const double *p, size_t m, double *adj);

/* ------------------------------------------------------------------ */
/* Two-sample Kolmogorov-Smirnov test                                  */
/* ------------------------------------------------------------------ */
typedef enum dm_ks_method {
	DM_KS_EXACT = 0, /* exact distribution of D (small samples) */
	DM_KS_ASYMP = 1	 /* kstwo.sf(D, round(n1*n2/(n1+n2))) */
} dm_ks_method;

typedef struct dm_ks_result {
	double statistic;    /* D = sup |F1 - F2| */
	double pvalue;	     /* two-sided */
	dm_ks_method method; /* the method that produced pvalue */
} dm_ks_result;

/*
 * D between two weighted samples given as sorted values with integer
 * weights (an exact sample has all weights 1).  The ECDFs are
 * right-continuous and evaluated at every value of both samples, as
 * scipy.stats.ks_2samp does, so ties are handled the same way.
 * Returns NaN if either side is empty.
 * wx or wy may be NULL (all weights 1); a tied value may be given as
 * several entries.  Also NaN if a side has total weight 0, holds a NaN or
 * is not sorted.  D is bit-identical to scipy's.
 */
DM_API double dm_ks_statistic(const double *x, const uint64_t *wx, size_t nx,
			      const double *y, const uint64_t *wy, size_t ny);

/*
 * Two-sided p-value of D for sample sizes n1, n2 exactly as
 * scipy.stats.ks_2samp(method='auto') computes it (scipy 1.10): the exact
 * distribution when max(n1, n2) <= 10000 (falling back to the asymptotic
 * one where scipy does), otherwise kstwo.sf(D, round(n1*n2/(n1+n2))).
 * For the exact method D is rounded to the lattice h/lcm(n1, n2) as scipy
 * does.  Fills *res (statistic is the possibly rounded D).  DM_EINVAL if
 * n1 or n2 is 0 or D is not in [0, 1].
 * Allocates a temporary work area (min(n1, n2) + 1 doubles for the exact
 * method with n1 != n2; the Durbin matrix of kstwo.sf), freed before it
 * returns: DM_ENOMEM if that fails.  Cost: see src/stats/ks.c (at most
 * ~0.1 ms for n1 = n2 <= 10000; up to ~0.1 s for n1 != n2 near 10000 at
 * large D).
 */
DM_API dm_err dm_ks_pvalue(double d, uint64_t n1, uint64_t n2,
			   dm_ks_result *res);

/* Convenience: D and p-value of two unsorted exact samples (sorts copies).
 * DM_EINVAL if either is empty or holds a NaN, DM_ENOMEM on allocation
 * failure. */
DM_API dm_err dm_ks_2samp(const double *x, size_t n1, const double *y,
			  size_t n2, dm_ks_result *res);

/*
 * A window's exact ECDF at the points of a reference step ECDF (a stored
 * baseline's sketch: sorted values ref with integer weights wref, NULL =
 * all 1), for KS against that reference without a sketch of the window
 * (src/stats/ecdfcount.c).  extra: nextra more points of reference
 * weight 0 (e.g. the PSI bin edges, so that dm_ecdf_count_le() can
 * answer there).  Values outside the reference's range also go into a
 * sketch of capacity k (quantiles in the tails).  NULL if ref is empty,
 * unsorted, holds a NaN or weighs 0, or on allocation failure.  Memory:
 * ~4 words per distinct point.
 */
typedef struct dm_ecdf_count dm_ecdf_count;
DM_API dm_ecdf_count *dm_ecdf_count_new(const double *ref, const uint64_t *wref,
					size_t nref, const double *extra,
					size_t nextra, uint32_t k);
DM_API void dm_ecdf_count_free(dm_ecdf_count *c);
/* Adds n window values (NaNs are skipped): O(log m) each, no sort.
 * They are counted in blocks: call dm_ecdf_count_finish() before any
 * of the functions below, which see only the values counted.  DM_ENOMEM
 * if a buffer or the tail sketch cannot grow. */
DM_API dm_err dm_ecdf_count_add(dm_ecdf_count *c, const double *x, size_t n);
/* Counts the values added and not counted yet. */
DM_API dm_err dm_ecdf_count_finish(dm_ecdf_count *c);
/* Window values counted; the reference's total weight. */
DM_API uint64_t dm_ecdf_count_n(const dm_ecdf_count *c);
DM_API uint64_t dm_ecdf_count_ref_n(const dm_ecdf_count *c);
/* D = sup |F_ref - F_window|: bit-identical to dm_ks_statistic() of the
 * reference's weighted points against every window value (scipy's
 * ks_2samp); NaN if no value was counted. */
DM_API double dm_ecdf_count_ks(const dm_ecdf_count *c);
/* dm_ks_pvalue(dm_ecdf_count_ks(c), reference weight, values counted):
 * computed once, then kept until more values are counted (so a worker
 * thread can compute it ahead of its use).  Not thread-safe on one c. */
DM_API dm_err dm_ecdf_count_ks_test(dm_ecdf_count *c, dm_ks_result *res);
/* The window's counts in the bins of nedges sorted edges, as
 * dm_feature_bin counts them (bin j: values in (edges[j-1], edges[j]]);
 * bins has nedges + 1 entries.  DM_EINVAL if an edge is not one of the
 * points (give the edges as extra points).  O(m + nedges). */
DM_API dm_err dm_ecdf_count_bins(const dm_ecdf_count *c, const double *edges,
				 size_t nedges, uint64_t *bins);
/* Lower quantiles q[0..nq) (ascending) of the window: exact where one
 * falls on a point, interpolated linearly in rank inside an interval
 * between two points (the true value lies in it), from the tails' sketch
 * outside the points; NaN when empty. */
DM_API dm_err dm_ecdf_count_quantiles(const dm_ecdf_count *c, const double *q,
				      size_t nq, double *out);
/* The window as sorted weighted items (as dm_sketch_items; free both):
 * the tails' sketch items, each point's count at its value, and the
 * count of each open interval between points at the interval's upper
 * point (so a lower quantile falling there is that point).  *exact = 0
 * when an interval holds values (their values are not known). */
DM_API dm_err dm_ecdf_count_items(const dm_ecdf_count *c, double **vals,
				  uint64_t **wts, size_t *n, int *exact);

/* Survival function of Kolmogorov's two-sided one-sample statistic for
 * sample size n, as scipy.stats.kstwo.sf(d, n): 1 for d <= 0.5/n, 0 for
 * d >= 1, NaN for a NaN argument or an n that is not an integer >= 1.
 * May allocate a temporary matrix (Durbin's method, <= 330 kB); NaN if
 * that fails. */
DM_API double dm_kstwo_sf(double d, double n);

/* ------------------------------------------------------------------ */
/* Chi-square                                                          */
/* ------------------------------------------------------------------ */
/* Survival function of the chi-square distribution with df degrees of
 * freedom, as scipy.stats.chi2.sf(x, df); 1 for x <= 0. */
DM_API double dm_chi2_sf(double x, double df);

/*
 * Chi-square test of homogeneity of two count vectors over the same k
 * categories (a 2 x k contingency table, as
 * scipy.stats.chi2_contingency(..., correction=False) with the all-zero
 * columns removed).  Sets *stat, *pvalue, *df.  With fewer than two
 * non-empty categories: stat 0, p-value 1, df 0.  If a or b is all zero
 * (scipy refuses such a table): stat and p-value NaN, df = (non-empty
 * categories) - 1.
 */
DM_API void dm_chi2_homogeneity(const uint64_t *a, const uint64_t *b, size_t k,
				double *stat, double *pvalue, int *df);

/* ------------------------------------------------------------------ */
/* More drift tests (docs/statistics.md, "Statistical breadth")        */
/* ------------------------------------------------------------------ */
/*
 * Numeric samples are given as sorted values with integer weights, as
 * dm_sketch_items() returns them (w NULL = all weights 1; a tied value may
 * be split over several entries).  When both sketches hold every value the
 * results equal scipy's on the raw samples; otherwise see
 * docs/statistics.md for the bound each inherits from the rank error.
 */
typedef struct dm_test_result {
	double statistic;
	double pvalue;	    /* NaN for a distance without one */
	const char *method; /* "exact", "asymp", "capped", "floored",
			       "interp", or NULL */
} dm_test_result;

/* First Wasserstein distance between the two weighted samples, as
 * scipy.stats.wasserstein_distance(x, y, wx, wy): the integral of
 * |F_x - F_y|.  NaN if either side is empty or has weight 0. */
DM_API double dm_wasserstein(const double *x, const uint64_t *wx, size_t nx,
			     const double *y, const uint64_t *wy, size_t ny);
/* Energy distance, as scipy.stats.energy_distance: sqrt(2) times the
 * square root of the integral of (F_x - F_y)^2.  NaN as above. */
DM_API double dm_energy_distance(const double *x, const uint64_t *wx, size_t nx,
				 const double *y, const uint64_t *wy,
				 size_t ny);
/*
 * Cramér-von Mises two-sample test as scipy.stats.cramervonmises_2samp
 * (method 'auto', scipy 1.10): midranks for ties, the exact p-value when
 * max(n1, n2) <= 20 (total weights), else the asymptotic one.
 * DM_EINVAL if a side has fewer than 2 observations, holds a NaN or is
 * not sorted; DM_ENOMEM.
 */
DM_API dm_err dm_cvm_2samp(const double *x, const uint64_t *wx, size_t nx,
			   const double *y, const uint64_t *wy, size_t ny,
			   dm_test_result *res);
/*
 * scipy's midrank statistic is meant for continuous data: a group of c
 * tied values adds about c^3 (n1^2 + n2^2) / (12 n1 n2 N^2) to T (the
 * spread of the sample indices under one midrank), whatever the
 * distributions.  Returns that sum over the tie groups (0 without ties;
 * NaN for an empty side); the decision uses KS instead when it exceeds
 * DM_CVM_MAX_TIE_EXCESS (docs/drift-tests.md).
 */
#define DM_CVM_MAX_TIE_EXCESS 0.01
DM_API double dm_cvm_tie_excess(const double *x, const uint64_t *wx, size_t nx,
				const double *y, const uint64_t *wy, size_t ny);
/* The limiting CDF of the Cramér-von Mises statistic (scipy's
 * _cdf_cvm_inf, series cut where a term falls below 1e-7). */
DM_API double dm_cvm_inf_cdf(double x);
/* The exact p-value P(U >= u) of the two-sample statistic U for sizes
 * m, n (each 1..20), as scipy's _pval_cvm_2samp_exact.  NaN on bad
 * sizes or allocation failure. */
DM_API double dm_cvm_exact_pvalue(double u, unsigned m, unsigned n);
/* Modified Bessel function of the second kind K_nu(x), x > 0. */
DM_API double dm_bessel_k(double nu, double x);
/*
 * Anderson-Darling k-sample test for k = 2, as scipy.stats.anderson_ksamp
 * ([x, y]) with midrank=True (scipy 1.10): statistic the standardised
 * A2akN, p-value interpolated from Scholz and Stephens' table and capped
 * to [0.001, 0.25] (method "capped" / "floored" at the caps, "interp"
 * between).  DM_EINVAL with fewer than 2 distinct values, fewer than 4
 * observations in all, an empty side, a NaN or unsorted input.
 */
DM_API dm_err dm_anderson_2samp(const double *x, const uint64_t *wx, size_t nx,
				const double *y, const uint64_t *wy, size_t ny,
				dm_test_result *res);

/*
 * Distances between two count vectors over the same k bins or
 * categories (a: the baseline, b: the current data).  NaN when either
 * total is 0.
 *   Jensen-Shannon distance, as scipy.spatial.distance.jensenshannon(a,
 *   b) (natural log; the square root of the divergence, in [0, sqrt(ln
 *   2)]); empty bins need no smoothing.
 *   Hellinger distance sqrt(sum (sqrt p - sqrt q)^2 / 2), in [0, 1].
 *   KL divergence KL(baseline || current) = sum p ln(p / q) over the
 *   proportions smoothed as PSI smooths them (DM_PSI_ALPHA), so an empty
 *   bin keeps it finite (as scipy.stats.entropy of those proportions).
 */
DM_API double dm_js_distance(const uint64_t *a, const uint64_t *b, size_t k);
DM_API double dm_hellinger(const uint64_t *a, const uint64_t *b, size_t k);
DM_API double dm_kl_divergence(const uint64_t *a, const uint64_t *b, size_t k);

/*
 * G-test of homogeneity of two count vectors (scipy.stats.
 * chi2_contingency(table, correction=False, lambda_="log-likelihood"),
 * all-zero columns removed): conventions as dm_chi2_homogeneity.
 */
DM_API void dm_gtest_homogeneity(const uint64_t *a, const uint64_t *b, size_t k,
				 double *stat, double *pvalue, int *df);
/*
 * Two-proportion z-test with the pooled variance, as statsmodels'
 * proportions_ztest([x1, x2], [n1, n2]): statistic z, two-sided p-value.
 * When the pooled proportion is 0 or 1 (both sides constant and equal):
 * z = 0, p = 1.  DM_EINVAL if n1 or n2 is 0 or x > n.
 */
DM_API dm_err dm_prop_ztest(uint64_t x1, uint64_t n1, uint64_t x2, uint64_t n2,
			    dm_test_result *res);
/*
 * Fisher's exact test of the 2x2 table [[a, b], [c, d]], two-sided, as
 * scipy.stats.fisher_exact (scipy 1.10: tables as likely as the observed
 * one within a relative 1e-14 count).  Statistic: the odds ratio
 * (a d) / (b c) (inf when b c = 0, NaN for an empty row or column, whose
 * p-value is 1).  Tail terms below 1e-300 of the mode's probability are
 * left out.  DM_ENOMEM.
 */
DM_API dm_err dm_fisher_exact(uint64_t a, uint64_t b, uint64_t c, uint64_t d,
			      dm_test_result *res);

/* ------------------------------------------------------------------ */
/* The drift tests a column may use (docs/drift-tests.md)              */
/* ------------------------------------------------------------------ */
typedef enum dm_test_id {
	DM_TEST_AUTO = 0,    /* driftmon chooses by type and size */
	DM_TEST_PSI,	     /* PSI against psi_threshold (no p-value) */
	DM_TEST_KS,	     /* two-sample Kolmogorov-Smirnov */
	DM_TEST_CHI2,	     /* chi-square homogeneity */
	DM_TEST_WASSERSTEIN, /* Wasserstein / baseline std (no p-value) */
	DM_TEST_ENERGY,	     /* energy distance of the data / baseline std */
	DM_TEST_CVM,	     /* Cramér-von Mises two-sample */
	DM_TEST_ANDERSON,    /* Anderson-Darling k-sample, k = 2 */
	DM_TEST_JS,	     /* Jensen-Shannon distance (no p-value) */
	DM_TEST_HELLINGER,   /* Hellinger distance (no p-value) */
	DM_TEST_KL,	     /* KL divergence (no p-value) */
	DM_TEST_GTEST,	     /* G-test (log-likelihood ratio) */
	DM_TEST_ZTEST,	     /* two-proportion z-test (two categories) */
	DM_TEST_FISHER,	     /* Fisher's exact test (two categories) */
	DM_TEST_COUNT_
} dm_test_id;

/* The kinds of column a test applies to (bit set). */
#define DM_KIND_NUMERIC	    1u
#define DM_KIND_CATEGORICAL 2u
#define DM_KIND_BOOLEAN	    4u /* a categorical column of two categories */

typedef struct dm_test_info {
	const char *name;  /* as in the spec and --test */
	unsigned kinds;	   /* DM_KIND_* it applies to */
	int has_pvalue;	   /* 1: the Holm family; 0: a distance */
	double threshold;  /* a distance's default drift threshold (NaN for a
			      test with a p-value; psi uses psi_threshold) */
	const char *label; /* for messages ("Cramér-von Mises") */
} dm_test_info;

/* Information on test id (NULL for an id out of range). */
DM_API const dm_test_info *dm_test_info_of(dm_test_id id);
/* 1 if test id compares the two samples' values beyond KS (wasserstein,
 * energy, cvm, anderson): the window then needs a sketch, not only
 * dm_ecdf_count. */
DM_API int dm_test_needs_values(int id);
/* The id of a test name; -1 if unknown. */
DM_API int dm_test_from_name(const char *name);
/* "auto, psi, ks, ..." (all names, for messages). */
DM_API const char *dm_test_names_list(void);

/* ------------------------------------------------------------------ */
/* Multivariate drift: covariance, PCA, reconstruction error           */
/* ------------------------------------------------------------------ */
/*
 * A mergeable covariance of d numeric features (Welford's update, Chan et
 * al.'s merge), for a PCA of the standardised features (the correlation
 * matrix) at baseline time.  A window's mean reconstruction error (the
 * squared distance of a standardised row from its projection on the kept
 * components) rises when the features stop relating as they did, even
 * when every marginal stays the same (docs/statistics.md).
 */
typedef struct dm_cov {
	size_t d;
	uint64_t n;
	double *mean; /* d */
	double *c;    /* d x d co-moment sums, row-major */
} dm_cov;

/* DM_ENOMEM; d >= 1. */
DM_API dm_err dm_cov_init(dm_cov *c, size_t d);
DM_API void dm_cov_release(dm_cov *c);
/* Adds one row of d finite values. */
DM_API void dm_cov_add(dm_cov *c, const double *row);
/* a := a ∪ b (same d; DM_EINVAL otherwise). */
DM_API dm_err dm_cov_merge(dm_cov *a, const dm_cov *b);
/* Sample covariance (ddof 1) of features i, j; NaN when n < 2. */
DM_API double dm_cov_get(const dm_cov *c, size_t i, size_t j);

/*
 * Eigen-decomposition of the symmetric d x d matrix a (row-major, not
 * changed) by cyclic Jacobi rotations: eigenvalues in descending order in
 * w, the eigenvectors as the columns of v (d x d, row-major).  DM_ENOMEM.
 */
DM_API dm_err dm_eigen_sym(const double *a, size_t d, double *w, double *v);

typedef struct dm_pca {
	size_t d, k;  /* features; components kept */
	double *mean; /* d */
	double *sd;   /* d (ddof 1); a constant feature gets 1 */
	double *w;    /* d eigenvalues of the correlation matrix, descending */
	double *v;    /* d x d eigenvectors (columns), row-major */
	double share; /* share of the variance the k components keep */
} dm_pca;

/* The PCA of the standardised features of c, keeping the fewest leading
 * components whose eigenvalues reach share (in (0, 1]) of their sum.
 * DM_EINVAL when c->n < 2; DM_ENOMEM. */
DM_API dm_err dm_pca_fit(const dm_cov *c, double share, dm_pca *p);
DM_API void dm_pca_release(dm_pca *p);
/* Squared reconstruction error of one row (standardised, projected on the
 * k components, mapped back): |z|^2 - sum_{j<k} (v_j . z)^2. */
DM_API double dm_pca_recon_error(const dm_pca *p, const double *row);
/*
 * The band for the mean error of a window of n rows with no drift:
 * mean = sum of the discarded eigenvalues, and for Gaussian data the
 * variance of one row's error is 2 sum of their squares, so
 * [mean - z sqrt(2 sum w^2 / n), mean + z sqrt(...)].
 */
DM_API void dm_pca_band(const dm_pca *p, uint64_t n, double z, double *lo,
			double *hi);

#ifdef __cplusplus
}
#endif
#endif
