/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The two-sample Kolmogorov-Smirnov test: the statistic D of two
 * (weighted) samples and its two-sided p-value, computed as
 * scipy.stats.ks_2samp(x, y) (scipy 1.10, method='auto',
 * alternative='two-sided') computes them, so that driftmon's numbers are
 * scipy's.
 *
 * Design.  D = max_v |F1(v) - F2(v)| over every value v of both samples,
 * with right-continuous ECDFs formed as scipy forms them: the count of
 * values <= v (np.searchsorted(side='right')) divided by n, in float64,
 * F1 - F2 in float64.  The p-value (scipy _attempt_exact_2kssamp):
 *
 *   max(n1, n2) <= 10000: exact.  D is moved to the lattice h/lcm(n1, n2),
 *     h = round-half-even(D * lcm); h = 0 gives p = 1;
 *       n1 == n2: the reflection formula (Gnedenko and Korolyuk 1951, as
 *         given by Hodges 1958)
 *         p = 2 sum_{k>=1} (-1)^(k-1) C(2n, n-kh)/C(2n, n), in scipy's
 *         nested (Horner-like) form (_compute_prob_outside_square);
 *       n1 != n2: the lattice-path count of Hodges (1958)
 *         ("inside method", after Drion, Gnedenko and Korolyuk), in
 *         Viehmann's (2021, arXiv:2102.08037) recursion for 1 - p, which
 *         is computed directly without cancellation
 *         (scipy _stats_pythran._compute_outer_prob_inside_method).
 *     If the result is not a probability (NaN, or outside [0, 1], e.g.
 *     1.0000000000000002 for n1 == n2 and h = 1), scipy falls back to the
 *     asymptotic p.  That is its only fallback here: the two-sided code
 *     runs in plain Python floats (n1 == n2) or compiled Pythran
 *     (n1 != n2), where numpy's errstate(over/invalid='raise') traps
 *     nothing; and the recursions cannot overflow (every value is a
 *     probability or a product of ratios < 1).
 *   otherwise: kstwo.sf(D, round(n1 n2/(n1 + n2))) (see kolmogn.c).
 *
 * The exact recursions perform the same float64 operations in the same
 * order as scipy, so the p-values are bit-identical on x86-64.
 *
 * Cost (CPU time, one core of the 2.6 GHz EPYC build host).  n1 == n2:
 * O(n + h), 20,000 multiply-divides for n = 10^4 at any D: ~0.1 ms.
 * n1 != n2: one multiply-add-divide per lattice point of the band, about
 * m * min(n + 1, 2 D n) points for m = max(n1, n2), n = min(n1, n2),
 * ~1.3 ns each (the divider's throughput; scipy's serial loop takes
 * ~5 ns): 1000 x 1100 at D = 0.05: 0.6 ms; 10^4 x 9999 at D = 0.02:
 * 5.5 ms, at D = 0.05: 13 ms, at D >= 0.5: 100 ms (p < 1e-300 there,
 * but scipy does the same work and returns the same number).
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "driftmon/stats.h"
#include "stats/stats_int.h"

/* The p-values must round as scipy's do: no fused multiply-add. */
#if defined(__clang__)
#pragma clang fp contract(off)
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif

/* scipy's MAX_AUTO_N: 'auto' attempts the exact p if max(n1, n2) <= it */
#define KS_MAX_AUTO_N 10000u

static uint64_t gcd_u64(uint64_t a, uint64_t b)
{
	while (b) {
		uint64_t t = a % b;
		a = b;
		b = t;
	}
	return a;
}

/*
 * D of two sorted weighted samples.  A tie inside one sample may be given
 * as separate entries.  NULL weights mean all 1.  NaN if a side is
 * empty, has total weight 0, holds a NaN or is not sorted.
 */
double dm_ks_statistic(const double *x, const uint64_t *wx, size_t nx,
		       const double *y, const uint64_t *wy, size_t ny)
{
	uint64_t tx = 0, ty = 0, cx = 0, cy = 0;
	size_t i = 0, j = 0;
	double dmax = 0.0, dmin = 0.0;

	if (nx == 0 || ny == 0 || !x || !y)
		return NAN;
	for (size_t q = 0; q < nx; q++) {
		if (isnan(x[q]) || (q > 0 && x[q] < x[q - 1]))
			return NAN;
		tx += wx ? wx[q] : 1;
	}
	for (size_t q = 0; q < ny; q++) {
		if (isnan(y[q]) || (q > 0 && y[q] < y[q - 1]))
			return NAN;
		ty += wy ? wy[q] : 1;
	}
	if (tx == 0 || ty == 0)
		return NAN;

	const double n1 = (double)tx, n2 = (double)ty;
	while (i < nx || j < ny) {
		double v;
		if (j >= ny || (i < nx && x[i] <= y[j]))
			v = x[i];
		else
			v = y[j];
		for (; i < nx && x[i] == v; i++)
			cx += wx ? wx[i] : 1;
		for (; j < ny && y[j] == v; j++)
			cy += wy ? wy[j] : 1;
		ks_track((double)cx / n1 - (double)cy / n2, &dmax, &dmin);
	}
	return ks_from_extremes(dmax, dmin);
}

/*
 * Pr(D_{n,n} >= h/n) = 2 sum_{k>=1} (-1)^(k-1) C(2n, n-kh)/C(2n, n)
 * (Gnedenko-Korolyuk; Hodges 1958), as P = 2 A1 (1 - A2 (1 - ...)) with
 * A_k = prod_{j<h} (n - kh - j)/(n + kh + j + 1) (scipy
 * _compute_prob_outside_square).  O(n + h).
 */
static double prob_outside_square(int64_t n, int64_t h)
{
	double p = 0.0;
	int64_t k = (int64_t)floor((double)n / (double)h);

	while (k >= 0) {
		double p1 = 1.0;
		for (int64_t j = 0; j < h; j++)
			p1 = (double)(n - k * h - j) * p1 /
			     (double)(n + k * h + j + 1);
		p = p1 * (1.0 - p);
		k--;
	}
	return 2 * p;
}

/* Columns of the lattice processed together by prob_outer_inside(). */
#define KS_WAVE 8

/*
 * Pr(D_{m,n} >= h/lcm) for m != n: the proportion of monotone lattice
 * paths from (0,0) to (m,n) that leave the band |x/m - y/n| < h/lcm
 * (Hodges 1958), by Viehmann's recursion (arXiv:2102.08037) for
 * A(x,y) = 1 - (paths to (x,y) inside the band)/C(x+y, y):
 *   A(x,y) = (x A(x-1,y) + y A(x,y-1)) / (x + y),  A = 1 off the band.
 * work must hold min(n, m) + 1 doubles.
 *
 * scipy (_compute_outer_prob_inside_method) keeps one column of the band
 * in a sliding window: column x is computed in place from column x-1,
 * the window shifted down by shift = minj(x) - minj(x-1) >= 0, and the
 * entries column x-1 held beyond column x's window are reset to 1.  That
 * is one serial chain (a multiply, an add and a divide per point, ~20
 * cycles).  Here KS_WAVE consecutive columns run as a wavefront: column c
 * of a block is lag_c = lag_{c-1} + shift_c + 1 steps behind column c-1,
 * so at every step each column reads the entry its predecessor wrote one
 * step earlier (and no entry is overwritten before it is read), and the
 * chains of the KS_WAVE columns overlap in the CPU.  Every point is
 * computed by the same operations on the same operands as in scipy, so
 * the result is bit-identical; only the order of independent work
 * changes.
 */
/* A block of up to KS_WAVE consecutive columns of the lattice. */
typedef struct wave {
	int kc;			/* columns in the block */
	int64_t tau_end;	/* steps to run */
	int64_t col[KS_WAVE];	/* x of each column */
	int64_t minj[KS_WAVE];	/* first row of its window */
	int64_t len[KS_WAVE];	/* rows in its window */
	int64_t ext[KS_WAVE];	/* rows [len, ext) are reset to 1 after it */
	int64_t shift[KS_WAVE]; /* minj - minj of the column before */
	int64_t lag[KS_WAVE];	/* steps behind the first column */
	double dcol[KS_WAVE];
	double v[KS_WAVE]; /* running value of each column */
} wave;

/* Sets up the block of columns x0.. from the window (prevmin, prevlen)
 * of column x0 - 1 (scipy's minj/maxj formulas); 0 if some column has an
 * empty window, which makes scipy return 1. */
static int wave_init(wave *w, int64_t x0, int64_t m, int64_t n, int64_t mg,
		     int64_t ng, int64_t h, int64_t lena, int64_t prevmin,
		     int64_t prevlen)
{
	w->kc = m - x0 + 1 < KS_WAVE ? (int)(m - x0 + 1) : KS_WAVE;
	w->tau_end = 0;
	for (int c = 0; c < w->kc; c++) {
		int64_t x = x0 + c;
		int64_t mn =
			(int64_t)floor((double)(ng * x - h) / (double)mg) + 1;
		if (mn < 0)
			mn = 0;
		if (mn > n)
			mn = n;
		int64_t mx = (int64_t)ceil((double)(ng * x + h) / (double)mg);
		if (mx > n + 1)
			mx = n + 1;
		if (mx <= mn)
			return 0;
		w->col[c] = x;
		w->dcol[c] = (double)x;
		w->minj[c] = mn;
		w->len[c] = mx - mn;
		w->ext[c] = w->len[c];
		if (prevlen > w->len[c])
			w->ext[c] = prevlen < lena ? prevlen : lena;
		if (w->ext[c] < w->len[c])
			w->ext[c] = w->len[c];
		w->shift[c] = mn - prevmin;
		w->lag[c] = c == 0 ? 0 : w->lag[c - 1] + w->shift[c] + 1;
		w->v[c] = mn == 0 ? 0.0 : 1.0;
		if (w->lag[c] + w->ext[c] > w->tau_end)
			w->tau_end = w->lag[c] + w->ext[c];
		prevmin = mn;
		prevlen = w->len[c];
	}
	return 1;
}

/* Step tau of the block, every column through memory: column c updates
 * row tau - lag[c] of its window from the row shift[c] further down of
 * the previous column, or resets a row behind its window to 1. */
static void wave_step(wave *w, double *a, int64_t tau)
{
	for (int c = w->kc - 1; c >= 0; c--) {
		int64_t jj = tau - w->lag[c];
		if (jj < 0)
			continue;
		if (jj < w->len[c]) {
			int64_t j = jj + w->minj[c];
			w->v[c] = (a[jj + w->shift[c]] * w->dcol[c] +
				   w->v[c] * (double)j) /
				  (double)(w->col[c] + j);
			a[jj] = w->v[c];
		} else if (jj < w->ext[c]) {
			a[jj] = 1.0;
		}
	}
}

/* Steps [lo, hi) of a full block in which every column computes and
 * column c >= 1 reads exactly the value column c-1 wrote one step before:
 * that value is taken from a register.  Columns are updated downwards so
 * that v[c-1] still holds the previous step's value. */
static void wave_run(wave *w, double *a, int64_t lo, int64_t hi)
{
	double v[KS_WAVE];
	const double *src = a + w->shift[0] - w->lag[0];

	for (int c = 0; c < KS_WAVE; c++)
		v[c] = w->v[c];
	for (int64_t tau = lo; tau < hi; tau++) {
#if defined(__GNUC__)
#pragma GCC unroll 16
#endif
		for (int c = KS_WAVE - 1; c >= 1; c--) {
			int64_t j = tau - w->lag[c] + w->minj[c];
			v[c] = (v[c - 1] * w->dcol[c] + v[c] * (double)j) /
			       (double)(w->col[c] + j);
			a[tau - w->lag[c]] = v[c];
		}
		int64_t j0 = tau - w->lag[0] + w->minj[0];
		v[0] = (src[tau] * w->dcol[0] + v[0] * (double)j0) /
		       (double)(w->col[0] + j0);
		a[tau - w->lag[0]] = v[0];
	}
	for (int c = 0; c < KS_WAVE; c++)
		w->v[c] = v[c];
}

static double prob_outer_inside(int64_t m, int64_t n, int64_t g, int64_t h,
				double *a)
{
	wave w;

	if (m < n) {
		int64_t t = m;
		m = n;
		n = t;
	}
	int64_t mg = m / g, ng = n / g;
	int64_t minj = 0;
	int64_t maxj = (int64_t)ceil((double)h / (double)mg);
	if (maxj > n + 1)
		maxj = n + 1;
	int64_t curlen = maxj - minj;
	int64_t lena = 2 * maxj + 2;
	if (lena > n + 1)
		lena = n + 1;

	for (int64_t q = 0; q < lena; q++)
		a[q] = 1.0;
	for (int64_t q = minj; q < maxj && q < lena; q++)
		a[q] = 0.0;

	for (int64_t x0 = 1; x0 <= m; x0 += w.kc) {
		if (!wave_init(&w, x0, m, n, mg, ng, h, lena, minj, curlen))
			return 1.0;
		/* the steps where wave_run applies */
		int64_t lo = w.lag[w.kc - 1], hi = INT64_MAX;
		for (int c = 0; c < w.kc; c++)
			if (w.lag[c] + w.len[c] < hi)
				hi = w.lag[c] + w.len[c];
		if (w.kc != KS_WAVE || hi < lo)
			lo = hi = w.tau_end;
		for (int64_t tau = 0; tau < lo; tau++)
			wave_step(&w, a, tau);
		wave_run(&w, a, lo, hi);
		for (int64_t tau = hi; tau < w.tau_end; tau++)
			wave_step(&w, a, tau);
		minj = w.minj[w.kc - 1];
		curlen = w.len[w.kc - 1];
		maxj = minj + curlen;
	}
	return a[maxj - minj - 1];
}

/*
 * The p-value of D for sample sizes n1, n2 as scipy.stats.ks_2samp
 * (method='auto', two-sided).  Allocates a work area of min(n1, n2) + 1
 * doubles (<= 80 kB) for the exact n1 != n2 case; DM_ENOMEM if that
 * fails.
 */
dm_err dm_ks_pvalue(double d, uint64_t n1, uint64_t n2, dm_ks_result *res)
{
	dm_err err = DM_OK;
	double *work = NULL;
	double p = NAN;
	dm_ks_method method = DM_KS_ASYMP;

	if (!res || n1 == 0 || n2 == 0 || !(d >= 0.0 && d <= 1.0)) {
		err = DM_EINVAL;
		goto out;
	}
	if ((n1 > n2 ? n1 : n2) <= KS_MAX_AUTO_N) {
		uint64_t g = gcd_u64(n1, n2);
		int64_t lcm = (int64_t)((n1 / g) * n2);
		int64_t h = (int64_t)rint(d * (double)lcm);
		d = (double)h * 1.0 / (double)lcm;
		if (h == 0) {
			p = 1.0;
			method = DM_KS_EXACT;
		} else {
			double prob;
			if (n1 == n2) {
				prob = prob_outside_square((int64_t)n1, h);
			} else {
				uint64_t nmin = n1 < n2 ? n1 : n2;
				work = malloc((size_t)(nmin + 1) *
					      sizeof(*work));
				if (!work) {
					err = DM_ENOMEM;
					goto out;
				}
				prob = prob_outer_inside((int64_t)n1,
							 (int64_t)n2,
							 (int64_t)g, h, work);
			}
			if (prob >= 0.0 && prob <= 1.0) {
				p = prob;
				method = DM_KS_EXACT;
			}
		}
	}
	if (method == DM_KS_ASYMP) {
		/* sorted descending, as floats, against overflow */
		double m = (double)(n1 > n2 ? n1 : n2);
		double n = (double)(n1 > n2 ? n2 : n1);
		double en = m * n / (m + n);
		p = dm_kstwo_sf(d, rint(en));
		if (isnan(p)) {
			/* only a failed allocation in kolmogn gives NaN */
			err = DM_ENOMEM;
			goto out;
		}
	}
	if (p < 0.0)
		p = 0.0;
	if (p > 1.0)
		p = 1.0;
	res->statistic = d;
	res->pvalue = p;
	res->method = method;
out:
	free(work);
	return err;
}

static int cmp_double(const void *pa, const void *pb)
{
	double a = *(const double *)pa, b = *(const double *)pb;
	return (a > b) - (a < b);
}

/* D and p of two unsorted exact samples; sorts copies.  DM_EINVAL on an
 * empty sample or a NaN value. */
dm_err dm_ks_2samp(const double *x, size_t n1, const double *y, size_t n2,
		   dm_ks_result *res)
{
	dm_err err = DM_OK;
	double *xs = NULL, *ys = NULL;

	if (!x || !y || !res || n1 == 0 || n2 == 0) {
		err = DM_EINVAL;
		goto out;
	}
	xs = malloc(n1 * sizeof(*xs));
	ys = malloc(n2 * sizeof(*ys));
	if (!xs || !ys) {
		err = DM_ENOMEM;
		goto out;
	}
	memcpy(xs, x, n1 * sizeof(*xs));
	memcpy(ys, y, n2 * sizeof(*ys));
	for (size_t i = 0; i < n1; i++)
		if (isnan(xs[i])) {
			err = DM_EINVAL;
			goto out;
		}
	for (size_t i = 0; i < n2; i++)
		if (isnan(ys[i])) {
			err = DM_EINVAL;
			goto out;
		}
	qsort(xs, n1, sizeof(*xs), cmp_double);
	qsort(ys, n2, sizeof(*ys), cmp_double);
	double d = dm_ks_statistic(xs, NULL, n1, ys, NULL, n2);
	err = dm_ks_pvalue(d, n1, n2, res);
out:
	free(xs);
	free(ys);
	return err;
}
