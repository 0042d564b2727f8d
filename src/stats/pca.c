/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Multivariate drift (docs/statistics.md): a mergeable covariance, the
 * cyclic Jacobi eigen-decomposition of a symmetric matrix (Golub and Van
 * Loan, "Matrix Computations", 4th ed., 8.5), the PCA of the standardised
 * features and the reconstruction error of a row.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "driftmon/stats.h"

dm_err dm_cov_init(dm_cov *c, size_t d)
{
	memset(c, 0, sizeof(*c));
	if (d == 0)
		return DM_EINVAL;
	c->d = d;
	c->mean = calloc(d, sizeof(double));
	c->c = calloc(d * d, sizeof(double));
	if (!c->mean || !c->c) {
		dm_cov_release(c);
		return DM_ENOMEM;
	}
	return DM_OK;
}

void dm_cov_release(dm_cov *c)
{
	if (!c)
		return;
	free(c->mean);
	free(c->c);
	memset(c, 0, sizeof(*c));
}

void dm_cov_add(dm_cov *c, const double *row)
{
	size_t d = c->d, i, j;
	double n;

	c->n++;
	n = (double)c->n;
	/* C += (x - mean_old) (x - mean_new)^T, symmetric by construction
	 * when done as (n-1)/n dx dx^T */
	for (i = 0; i < d; i++) {
		double di = row[i] - c->mean[i];

		for (j = 0; j < d; j++)
			c->c[i * d + j] +=
				(n - 1.0) / n * di * (row[j] - c->mean[j]);
	}
	for (i = 0; i < d; i++)
		c->mean[i] += (row[i] - c->mean[i]) / n;
}

dm_err dm_cov_merge(dm_cov *a, const dm_cov *b)
{
	size_t d = a->d, i, j;
	double na = (double)a->n, nb = (double)b->n, n;

	if (b->d != d)
		return DM_EINVAL;
	if (b->n == 0)
		return DM_OK;
	n = na + nb;
	for (i = 0; i < d; i++)
		for (j = 0; j < d; j++)
			a->c[i * d + j] += b->c[i * d + j] +
					   (b->mean[i] - a->mean[i]) *
						   (b->mean[j] - a->mean[j]) *
						   na * nb / n;
	for (i = 0; i < d; i++)
		a->mean[i] += (b->mean[i] - a->mean[i]) * nb / n;
	a->n += b->n;
	return DM_OK;
}

double dm_cov_get(const dm_cov *c, size_t i, size_t j)
{
	return c->n < 2 ? NAN : c->c[i * c->d + j] / (double)(c->n - 1);
}

dm_err dm_eigen_sym(const double *a0, size_t d, double *w, double *v)
{
	double *a = malloc(d * d * sizeof(double));
	size_t i, j, k, sweep;

	if (!a)
		return DM_ENOMEM;
	memcpy(a, a0, d * d * sizeof(double));
	for (i = 0; i < d; i++)
		for (j = 0; j < d; j++)
			v[i * d + j] = i == j;
	for (sweep = 0; sweep < 100; sweep++) {
		double off = 0.0, tot = 0.0;

		for (i = 0; i < d; i++)
			for (j = 0; j < d; j++) {
				tot += a[i * d + j] * a[i * d + j];
				if (i != j)
					off += a[i * d + j] * a[i * d + j];
			}
		if (off <= 1e-30 * tot || off == 0.0)
			break;
		for (i = 0; i < d; i++) {
			for (j = i + 1; j < d; j++) {
				double apq = a[i * d + j], theta, t, cs, sn;

				if (apq == 0.0)
					continue;
				theta = (a[j * d + j] - a[i * d + i]) /
					(2.0 * apq);
				t = (theta >= 0 ? 1.0 : -1.0) /
				    (fabs(theta) + sqrt(theta * theta + 1.0));
				cs = 1.0 / sqrt(t * t + 1.0);
				sn = t * cs;
				for (k = 0; k < d; k++) { /* A := A J */
					double akp = a[k * d + i];
					double akq = a[k * d + j];

					a[k * d + i] = cs * akp - sn * akq;
					a[k * d + j] = sn * akp + cs * akq;
				}
				for (k = 0; k < d; k++) { /* A := J^T A */
					double apk = a[i * d + k];
					double aqk = a[j * d + k];

					a[i * d + k] = cs * apk - sn * aqk;
					a[j * d + k] = sn * apk + cs * aqk;
				}
				for (k = 0; k < d; k++) { /* V := V J */
					double vkp = v[k * d + i];
					double vkq = v[k * d + j];

					v[k * d + i] = cs * vkp - sn * vkq;
					v[k * d + j] = sn * vkp + cs * vkq;
				}
			}
		}
	}
	for (i = 0; i < d; i++)
		w[i] = a[i * d + i];
	free(a);
	/* sort descending (selection sort: d is small), columns with them */
	for (i = 0; i < d; i++) {
		size_t m = i;

		for (j = i + 1; j < d; j++)
			if (w[j] > w[m])
				m = j;
		if (m == i)
			continue;
		double t = w[i];

		w[i] = w[m];
		w[m] = t;
		for (k = 0; k < d; k++) {
			t = v[k * d + i];
			v[k * d + i] = v[k * d + m];
			v[k * d + m] = t;
		}
	}
	return DM_OK;
}

void dm_pca_release(dm_pca *p)
{
	if (!p)
		return;
	free(p->mean);
	free(p->sd);
	free(p->w);
	free(p->v);
	memset(p, 0, sizeof(*p));
}

dm_err dm_pca_fit(const dm_cov *c, double share, dm_pca *p)
{
	size_t d = c->d, i, j;
	double *r = NULL, sum = 0.0, acc = 0.0;
	dm_err err;

	memset(p, 0, sizeof(*p));
	if (c->n < 2 || !(share > 0.0 && share <= 1.0))
		return DM_EINVAL;
	p->d = d;
	p->mean = malloc(d * sizeof(double));
	p->sd = malloc(d * sizeof(double));
	p->w = malloc(d * sizeof(double));
	p->v = malloc(d * d * sizeof(double));
	r = calloc(d * d, sizeof(double));
	if (!p->mean || !p->sd || !p->w || !p->v || !r) {
		free(r);
		dm_pca_release(p);
		return DM_ENOMEM;
	}
	for (i = 0; i < d; i++) {
		double s = sqrt(dm_cov_get(c, i, i));

		p->mean[i] = c->mean[i];
		p->sd[i] = s > 0.0 ? s : 1.0;
	}
	for (i = 0; i < d; i++) /* the correlation matrix */
		for (j = 0; j < d; j++)
			r[i * d + j] =
				dm_cov_get(c, i, j) / (p->sd[i] * p->sd[j]);
	err = dm_eigen_sym(r, d, p->w, p->v);
	free(r);
	if (err) {
		dm_pca_release(p);
		return err;
	}
	for (i = 0; i < d; i++)
		sum += p->w[i] > 0 ? p->w[i] : 0.0;
	for (p->k = 0; p->k < d;) {
		acc += p->w[p->k] > 0 ? p->w[p->k] : 0.0;
		p->k++;
		if (acc >= share * sum * (1.0 - 1e-12))
			break;
	}
	p->share = sum > 0 ? acc / sum : 1.0;
	return DM_OK;
}

typedef double pca_v2d __attribute__((vector_size(16)));
/* Four sums a vector: one AVX register, or two SSE2 ones (the compiler
 * splits them where AVX is not enabled). */
typedef double pca_v4d __attribute__((vector_size(32)));

/* Compiled twice, for AVX2 and for the base x86-64, the one run chosen
 * once by the CPU (GCC's target_clones: an ifunc).  AVX2 without FMA:
 * each product and sum rounded as in the SSE2 code, the same bits. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
__attribute__((target_clones("avx2", "default")))
#endif
static double
recon_error(const dm_pca *p, const double *row)
{
	size_t d = p->d, i, j;
	double z2 = 0.0, proj = 0.0, zs[64], *z = zs;

	/* standardise once (the projections reuse it) */
	if (d > 64 && !(z = malloc(d * sizeof(*z))))
		return NAN;
	for (i = 0; i < d; i++) {
		z[i] = (row[i] - p->mean[i]) / p->sd[i];
		z2 += z[i] * z[i];
	}
	/* The k sums eight at a time, side by side: each is still added
	 * in the order of i (the same bits as one at a time), but eight
	 * chains of additions no longer wait for one another.  Two sums a
	 * vector (a lane's product and sum rounded as the scalar ones). */
	for (j = 0; j + 8 <= p->k; j += 8) {
		pca_v4d s0 = {0.0, 0.0, 0.0, 0.0}, s1 = s0;

		for (i = 0; i < d; i++) {
			const double *vi = &p->v[i * d + j];
			pca_v4d zi = {z[i], z[i], z[i], z[i]}, x0, x1;

			memcpy(&x0, vi, sizeof(x0));
			memcpy(&x1, vi + 4, sizeof(x1));
			s0 += x0 * zi;
			s1 += x1 * zi;
		}
		proj += s0[0] * s0[0];
		proj += s0[1] * s0[1];
		proj += s0[2] * s0[2];
		proj += s0[3] * s0[3];
		proj += s1[0] * s1[0];
		proj += s1[1] * s1[1];
		proj += s1[2] * s1[2];
		proj += s1[3] * s1[3];
	}
	for (; j + 2 <= p->k; j += 2) { /* two at a time, the same way */
		pca_v2d s2 = {0.0, 0.0};

		for (i = 0; i < d; i++) {
			pca_v2d zi = {z[i], z[i]}, x;

			memcpy(&x, &p->v[i * d + j], sizeof(x));
			s2 += x * zi;
		}
		proj += s2[0] * s2[0];
		proj += s2[1] * s2[1];
	}
	for (; j < p->k; j++) {
		double s = 0.0;

		for (i = 0; i < d; i++)
			s += p->v[i * d + j] * z[i];
		proj += s * s;
	}
	if (z != zs)
		free(z);
	return z2 - proj > 0.0 ? z2 - proj : 0.0;
}

/* (The clones and their resolver stay inside the library.) */
double dm_pca_recon_error(const dm_pca *p, const double *row)
{
	return recon_error(p, row);
}

void dm_pca_band(const dm_pca *p, uint64_t n, double z, double *lo, double *hi)
{
	double m = 0.0, v = 0.0;

	for (size_t i = p->k; i < p->d; i++) {
		double w = p->w[i] > 0 ? p->w[i] : 0.0;

		m += w;
		v += 2.0 * w * w;
	}
	v = n ? sqrt(v / (double)n) : NAN;
	*lo = m - z * v;
	*hi = m + z * v;
}
