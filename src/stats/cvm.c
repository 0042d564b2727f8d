/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The Cramér-von Mises two-sample test as scipy 1.10's
 * cramervonmises_2samp computes it (Anderson 1962, "On the distribution
 * of the two-sample Cramér-von Mises criterion", Ann. Math. Statist.
 * 33(3); the exact distribution by Xiao, Gordon and Yakovlev 2006, J.
 * Stat. Soft. 17(8); the limiting one by Csörgő and Faraway 1996).
 *
 * From weighted samples: the pooled midranks of a run of c tied values
 * with r the midrank and i0 the sample's index before it contribute
 * sum_{j=1..c} (r - i0 - j)^2, in closed form (long double).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "driftmon/stats.h"
#include "merge_walk.h"

/* K_nu(x) = int_0^inf exp(-x cosh t) cosh(nu t) dt by the trapezoidal
 * rule, which converges geometrically for this analytic, doubly
 * exponentially decaying integrand (Trefethen and Weideman 2014,
 * SIAM Review 56(3)): step 1/32 gives full double precision. */
double dm_bessel_k(double nu, double x)
{
	const double h = 1.0 / 32.0;
	double s, t;

	if (!(x > 0.0))
		return x == 0.0 ? INFINITY : NAN;
	if (x > 700.0)
		return 0.0; /* exp(-x) underflows (the callers need no more) */
	s = 0.5 * exp(-x);
	for (t = h;; t += h) {
		double f = exp(-x * cosh(t)) * cosh(nu * t);

		s += f;
		if (f < 1e-18 * s)
			break;
	}
	return s * h;
}

double dm_cvm_inf_cdf(double x)
{
	double tot = 0.0;

	if (!(x > 0.0))
		return 0.0;
	for (int k = 0;; k++) {
		double u = exp(lgamma(k + 0.5) - lgamma(k + 1.0)) /
			   (pow(M_PI, 1.5) * sqrt(x));
		double y = 4.0 * k + 1.0;
		double q = y * y / (16.0 * x);
		double z = u * sqrt(y) * exp(-q) * dm_bessel_k(0.25, q);

		tot += z;
		if (!(fabs(z) >= 1e-7))
			break;
	}
	return tot;
}

/* numpy's floor_divide of two doubles (npy_divmod). */
static double np_floor_div(double a, double b)
{
	double mod = fmod(a, b), div = (a - mod) / b, fd;

	if (mod != 0.0 && ((b < 0) != (mod < 0)))
		div -= 1.0;
	if (div != 0.0) {
		fd = floor(div);
		if (div - fd > 0.5)
			fd += 1.0;
		return fd;
	}
	return copysign(0.0, a / b);
}

static uint64_t gcd_u(uint64_t a, uint64_t b)
{
	while (b) {
		uint64_t t = a % b;

		a = b;
		b = t;
	}
	return a;
}

/* A frequency table: sorted distinct values with their counts. */
typedef struct ftab {
	uint64_t *val, *cnt;
	size_t n;
} ftab;

/* out := a ∪ b (counts of equal values added), every value + add. */
static int ftab_merge(ftab *out, const ftab *a, const ftab *b, uint64_t add)
{
	size_t i = 0, j = 0, o = 0, cap = a->n + b->n;

	out->val = malloc((cap + 1) * sizeof(uint64_t));
	out->cnt = malloc((cap + 1) * sizeof(uint64_t));
	if (!out->val || !out->cnt)
		return -1;
	while (i < a->n || j < b->n) {
		if (j >= b->n || (i < a->n && a->val[i] < b->val[j])) {
			out->val[o] = a->val[i];
			out->cnt[o++] = a->cnt[i++];
		} else if (i >= a->n || b->val[j] < a->val[i]) {
			out->val[o] = b->val[j];
			out->cnt[o++] = b->cnt[j++];
		} else {
			out->val[o] = a->val[i];
			out->cnt[o++] = a->cnt[i++] + b->cnt[j++];
		}
	}
	for (i = 0; i < o; i++)
		out->val[i] += add;
	out->n = o;
	return 0;
}

static void ftab_free(ftab *t)
{
	free(t->val);
	free(t->cnt);
	t->val = t->cnt = NULL;
	t->n = 0;
}

double dm_cvm_exact_pvalue(double s, unsigned m, unsigned n)
{
	uint64_t lcm, a, b, mn = (uint64_t)m * n, comb = 1, above = 0;
	ftab *gs, *next;
	double zeta;
	int fail = 0;

	if (m < 1 || n < 1 || m > 20 || n > 20)
		return NAN;
	lcm = (uint64_t)m / gcd_u(m, n) * n;
	a = lcm / m;
	b = lcm / n;
	zeta = np_floor_div((double)(lcm * lcm * (m + n)) *
				    (6.0 * s - (double)(mn * (4 * mn - 1))),
			    (double)(6 * mn * mn));
	for (unsigned i = 1; i <= m; i++) /* C(m + n, m), exact */
		comb = comb * (n + i) / i;
	gs = calloc(m + 1, sizeof(ftab));
	next = calloc(m + 1, sizeof(ftab));
	if (!gs || !next) {
		free(gs);
		free(next);
		return NAN;
	}
	gs[0].val = calloc(1, sizeof(uint64_t));
	gs[0].cnt = malloc(sizeof(uint64_t));
	if (!gs[0].val || !gs[0].cnt)
		fail = 1;
	else {
		gs[0].cnt[0] = 1;
		gs[0].n = 1;
	}
	for (unsigned u = 0; u <= n && !fail; u++) {
		ftab tmp = {NULL, NULL, 0};

		for (unsigned v = 0; v <= m && !fail; v++) {
			int64_t d = (int64_t)(a * v) - (int64_t)(b * u);

			if (ftab_merge(&next[v], &tmp, &gs[v],
				       (uint64_t)(d * d)))
				fail = 1;
			tmp = next[v];
		}
		for (unsigned v = 0; v <= m; v++) {
			ftab_free(&gs[v]);
			gs[v] = next[v];
			memset(&next[v], 0, sizeof(ftab));
		}
	}
	for (size_t i = 0; !fail && i < gs[m].n; i++)
		if ((double)gs[m].val[i] >= zeta)
			above += gs[m].cnt[i];
	for (unsigned v = 0; v <= m; v++) {
		ftab_free(&gs[v]);
		ftab_free(&next[v]);
	}
	free(gs);
	free(next);
	return fail ? NAN : (double)above / (double)comb;
}

/* sum_{j=1..c} (d - j)^2 */
static long double run_sq(long double d, long double c)
{
	return c * d * d - d * c * (c + 1) + c * (c + 1) * (2 * c + 1) / 6;
}

dm_err dm_cvm_2samp(const double *x, const uint64_t *wx, size_t nx,
		    const double *y, const uint64_t *wy, size_t ny,
		    dm_test_result *res)
{
	int bad = 0;
	uint64_t n1 = dm_mwalk_total(x, wx, nx, &bad);
	uint64_t n2 = dm_mwalk_total(y, wy, ny, &bad);
	uint64_t before = 0, ix = 0, iy = 0;
	long double sx = 0, sy = 0;
	double u, k, N, t;
	dm_mwalk m;

	res->statistic = res->pvalue = NAN;
	res->method = NULL;
	if (bad || n1 < 2 || n2 < 2)
		return DM_EINVAL;
	dm_mwalk_init(&m, x, wx, nx, y, wy, ny);
	while (dm_mwalk_next(&m)) {
		long double r = (long double)before +
				((long double)(m.cx + m.cy) + 1) / 2;

		if (m.cx)
			sx += run_sq(r - (long double)ix, (long double)m.cx);
		if (m.cy)
			sy += run_sq(r - (long double)iy, (long double)m.cy);
		ix += m.cx;
		iy += m.cy;
		before += m.cx + m.cy;
	}
	u = (double)((long double)n1 * sx + (long double)n2 * sy);
	k = (double)n1 * (double)n2;
	N = (double)(n1 + n2);
	t = u / (k * N) - (4.0 * k - 1.0) / (6.0 * N);
	res->statistic = t;
	if (n1 <= 20 && n2 <= 20) {
		res->method = "exact";
		res->pvalue =
			dm_cvm_exact_pvalue(u, (unsigned)n1, (unsigned)n2);
		return isnan(res->pvalue) ? DM_ENOMEM : DM_OK;
	}
	res->method = "asymp";
	{
		double et = (1.0 + 1.0 / N) / 6.0;
		double vt = (N + 1.0) * (4.0 * k * N -
					 3.0 * ((double)n1 * (double)n1 +
						(double)n2 * (double)n2) -
					 2.0 * k);
		double tn;

		vt = vt / (45.0 * N * N * 4.0 * k);
		tn = 1.0 / 6.0 + (t - et) / sqrt(45.0 * vt);
		if (tn < 0.003)
			res->pvalue = 1.0;
		else
			res->pvalue = fmax(0.0, 1.0 - dm_cvm_inf_cdf(tn));
	}
	return DM_OK;
}

double dm_cvm_tie_excess(const double *x, const uint64_t *wx, size_t nx,
			 const double *y, const uint64_t *wy, size_t ny)
{
	int bad = 0;
	double n1 = (double)dm_mwalk_total(x, wx, nx, &bad);
	double n2 = (double)dm_mwalk_total(y, wy, ny, &bad);
	double N = n1 + n2, s = 0.0;
	dm_mwalk m;

	if (bad || n1 == 0 || n2 == 0)
		return NAN;
	dm_mwalk_init(&m, x, wx, nx, y, wy, ny);
	while (dm_mwalk_next(&m)) {
		double c = (double)(m.cx + m.cy);

		if (c > 1)
			s += c * c * c;
	}
	return s * (n1 * n1 + n2 * n2) / (12.0 * n1 * n2 * N * N);
}
