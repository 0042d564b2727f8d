/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Multivariate drift: the numeric feature columns profiled jointly
 * (docs/statistics.md, "Multivariate drift").
 *
 * Baseline mode: a mergeable covariance of the raw values of the
 * candidate columns (numeric, not a timestamp, not fixed to a role that
 * is not analysed), at most DM_MV_MAX_COLUMNS; at dm_profile_finish the
 * columns that ended up numeric FEATURE columns are kept (a covariance
 * of a subset is the sub-matrix) and the PCA of their correlation
 * matrix (corr = cov / (sd_i sd_j), exact from the final moments) is
 * fitted.  Current mode: per complete row, the reconstruction error
 * against the reference's PCA, summed.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "profile/profile_int.h"
#include "io/io_internal.h"
#include "profile/mv_int.h"

void dm_mv_free(dm_multivariate *m)
{
	size_t i;

	if (!m)
		return;
	for (i = 0; i < m->d; i++)
		free(m->columns ? m->columns[i] : NULL);
	free(m->columns);
	free(m->feat);
	dm_cov_release(&m->cov);
	dm_pca_release(&m->pca);
	free(m);
}

/* An empty profile of d columns (names copied). */
static dm_multivariate *mv_new(size_t d, char *const *names)
{
	dm_multivariate *m = calloc(1, sizeof(*m));
	size_t i;

	if (!m)
		return NULL;
	m->columns = calloc(d ? d : 1, sizeof(char *));
	m->feat = calloc(d ? d : 1, sizeof(long));
	if (!m->columns || !m->feat)
		goto fail;
	m->d = d;
	for (i = 0; i < d; i++)
		if (!(m->columns[i] = strdup(names[i])))
			goto fail;
	return m;
fail:
	dm_mv_free(m);
	return NULL;
}

dm_err pf_mv_setup(dm_profile *p, const dm_profile *ref)
{
	char **names = NULL;
	size_t i, d = 0, cand = 0;
	dm_multivariate *m;

	if (p->mv)
		return DM_OK;
	if (ref) {
		if (!ref->mv || !ref->mv->fitted)
			return DM_OK;
		m = mv_new(ref->mv->d, ref->mv->columns);
		if (!m)
			return DM_ENOMEM;
		for (i = 0; i < m->d; i++) {
			dm_feature *f = dm_profile_find(p, m->columns[i]);

			m->feat[i] = f ? (long)(f - p->feat) : -1;
		}
		m->ncandidates = ref->mv->ncandidates;
		p->mv = m;
		return DM_OK;
	}
	names = malloc((p->nfeat ? p->nfeat : 1) * sizeof(char *));
	if (!names)
		return DM_ENOMEM;
	for (i = 0; i < p->nfeat; i++) {
		const dm_feature *f = &p->feat[i];
		const pf_evidence *e = f->evidence;

		if (f->type != DM_FEATURE_NUMERIC ||
		    f->ltype == DM_LTYPE_TIMESTAMP ||
		    (e && e->fixed_role && f->role != DM_ROLE_FEATURE))
			continue;
		cand++;
		if (d < DM_MV_MAX_COLUMNS)
			names[d++] = f->name;
	}
	if (d < 2) {
		free(names);
		return DM_OK; /* nothing to relate */
	}
	m = mv_new(d, names);
	free(names);
	if (!m)
		return DM_ENOMEM;
	m->ncandidates = cand;
	for (i = 0; i < d; i++)
		m->feat[i] =
			(long)(dm_profile_find(p, m->columns[i]) - p->feat);
	if (dm_cov_init(&m->cov, d) != DM_OK) {
		dm_mv_free(m);
		return DM_ENOMEM;
	}
	p->mv = m;
	return DM_OK;
}

/* The value of row i of col as a finite number, or -1. */
static int cell_number(const dm_column *col, size_t i, int dc, double *x)
{
	if (col->null && col->null[i])
		return -1;
	if (col->type == DM_COL_DOUBLE)
		*x = col->f64[i];
	else if (dmio_parse_text_number(col->str[i].ptr, col->str[i].len, dc,
					x) != 0 &&
		 dmio_parse_formatted_number(col->str[i].ptr, col->str[i].len,
					     dc, x) != 0)
		return -1;
	return isfinite(*x) ? 0 : -1;
}

/*
 * Baseline mode: the co-moments of the batch's complete rows x[0..n)
 * (n x d, row-major), centred on the batch mean (upper triangle, then
 * mirrored: a vectorisable inner loop), merged into m->cov (Chan et
 * al.).  About 3x cheaper than dm_cov_add row by row.
 */
/*
 * c[j] += z0[i] z0[j] + z1[i] z1[j] + z2[i] z2[j] + z3[i] z3[j] for
 * j = i .. d-1.  With SSE2, two j at a time: each lane does the same
 * multiplications and additions in the same order as the scalar loop
 * (no fused multiply-add at this ISO C level), so c is bit for bit the
 * same.
 */
static void add_4rows(double *restrict c, const double *z0, const double *z1,
		      const double *z2, const double *z3, size_t i, size_t d)
{
	double a0 = z0[i], a1 = z1[i], a2 = z2[i], a3 = z3[i];
	size_t j = i;

#if defined(__SSE2__)
	const __m128d v0 = _mm_set1_pd(a0), v1 = _mm_set1_pd(a1);
	const __m128d v2 = _mm_set1_pd(a2), v3 = _mm_set1_pd(a3);

	for (; j + 2 <= d; j += 2) {
		__m128d t = _mm_mul_pd(v0, _mm_loadu_pd(z0 + j));

		t = _mm_add_pd(t, _mm_mul_pd(v1, _mm_loadu_pd(z1 + j)));
		t = _mm_add_pd(t, _mm_mul_pd(v2, _mm_loadu_pd(z2 + j)));
		t = _mm_add_pd(t, _mm_mul_pd(v3, _mm_loadu_pd(z3 + j)));
		_mm_storeu_pd(c + j, _mm_add_pd(_mm_loadu_pd(c + j), t));
	}
#endif
	for (; j < d; j++)
		c[j] += a0 * z0[j] + a1 * z1[j] + a2 * z2[j] + a3 * z3[j];
}

static dm_err cov_add_rows(dm_multivariate *m, double *x, size_t n)
{
	size_t d = m->d, i, j, r;
	dm_cov b;
	dm_err err;

	if (n == 0)
		return DM_OK;
	if ((err = dm_cov_init(&b, d)) != DM_OK)
		return err;
	b.n = n;
	for (r = 0; r < n; r++)
		for (j = 0; j < d; j++)
			b.mean[j] += x[r * d + j];
	for (j = 0; j < d; j++)
		b.mean[j] /= (double)n;
	for (r = 0; r < n; r++)
		for (j = 0; j < d; j++)
			x[r * d + j] -= b.mean[j];
	/* four rows at a time: a quarter of the loads and stores of c */
	for (r = 0; r + 4 <= n; r += 4) {
		const double *z0 = &x[r * d], *z1 = z0 + d, *z2 = z1 + d,
			     *z3 = z2 + d;

		for (i = 0; i < d; i++)
			add_4rows(&b.c[i * d], z0, z1, z2, z3, i, d);
	}
	for (; r < n; r++) {
		const double *z = &x[r * d];

		for (i = 0; i < d; i++) {
			double zi = z[i];
			double *restrict ci = &b.c[i * d];

			for (j = i; j < d; j++)
				ci[j] += zi * z[j];
		}
	}
	for (i = 0; i < d; i++)
		for (j = 0; j < i; j++)
			b.c[i * d + j] = b.c[j * d + i];
	err = dm_cov_merge(&m->cov, &b);
	dm_cov_release(&b);
	return err;
}

/*
 * Whether data row `row` (1-based) is taken: every stride-th row of the
 * first DM_MV_DENSE_ROWS, every 4 * stride-th after (a 50 x 50
 * covariance or a mean error is settled long before a million rows, and
 * each row costs d^2 / 2 or d k multiplications).  By row number, so
 * profiles of parts of a file merge to the whole's.
 */
static int mv_take(uint64_t row, unsigned stride)
{
	return (row - 1) % (row <= DM_MV_DENSE_ROWS ? stride : 4 * stride) == 0;
}

size_t pf_mv_rows_taken(const dm_profile *ref, const dm_batch *b,
			const uint8_t *keep, size_t *idx)
{
	unsigned stride =
		ref && ref->mv ? DM_MV_WINDOW_STRIDE : DM_MV_ROW_STRIDE;
	size_t i, n = 0;

	for (i = 0; i < b->nrows; i++) {
		int take = (!keep || keep[i]) &&
			   mv_take(b->row_numbers ? b->row_numbers[i]
						  : b->first_row + i,
				   stride);

		if (idx)
			idx[i] = take ? n : SIZE_MAX;
		n += take;
	}
	return n;
}

dm_err pf_mv_add_batch(dm_profile *p, const dm_batch *b, const long *map,
		       const uint8_t *keep, const dm_profile *ref,
		       const double *vals, int dc)
{
	dm_multivariate *m = p->mv;
	const dm_pca *pca = ref && ref->mv ? &ref->mv->pca : NULL;
	const dm_column **cols;
	double *rows, *row;
	size_t c, i, j, n = 0, k = 0, nv = 0;
	dm_err err = DM_OK;

	if (!m || (ref && !pca))
		return DM_OK;
	if (vals || !pca)
		nv = pf_mv_rows_taken(ref, b, keep, NULL);
	cols = calloc(m->d, sizeof(*cols));
	/* current mode: one row; baseline mode: the rows taken (every
	 * DM_MV_ROW_STRIDE-th: half the batch's, not all of them) */
	rows = malloc((pca || !nv ? 1 : nv) * m->d * sizeof(double));
	if (!cols || !rows) {
		err = DM_ENOMEM;
		goto out;
	}
	for (c = 0; c < b->ncols; c++)
		for (j = 0; j < m->d; j++)
			if (map[c] >= 0 && map[c] == m->feat[j])
				cols[j] = &b->cols[c];
	for (i = 0; i < b->nrows; i++) {
		if (keep && !keep[i])
			continue;
		/* every DM_MV_ROW_STRIDE-th data row of a baseline, every
		 * DM_MV_WINDOW_STRIDE-th of a window (by row number, so that
		 * profiles of parts merge to the whole's) */
		if (!mv_take(b->row_numbers ? b->row_numbers[i]
					    : b->first_row + i,
			     pca ? DM_MV_WINDOW_STRIDE : DM_MV_ROW_STRIDE))
			continue;
		row = pca ? rows : &rows[n * m->d];
		if (vals) {
			for (j = 0; j < m->d; j++)
				if (isnan(row[j] = vals[j * nv + k]))
					break;
			k++;
		} else {
			for (j = 0; j < m->d; j++)
				if (!cols[j] ||
				    cell_number(cols[j], i, dc, &row[j]) != 0)
					break;
		}
		if (j < m->d) {
			m->rows_skipped++;
			continue;
		}
		m->rows_used++;
		if (pca) {
			double e = dm_pca_recon_error(pca, row);

			m->err_sum += e;
			m->err_sumsq += e * e;
		} else
			n++;
	}
	if (!pca)
		err = cov_add_rows(m, rows, n);
out:
	free(cols);
	free(rows);
	return err;
}

/*
 * Whether a column with this mean and (co-moment) variance enters the
 * fit.  Not when either overflowed (values near +-1.8e308, e.g. a
 * sentinel: no finite standard score, and the stored means and sds must
 * be finite), nor when the column is constant (to rounding: sd within
 * 1e-12 of its mean): it relates to nothing, and its null direction
 * would be the one the check watches, where the error is rounding alone.
 */
static int mv_column_varies(double mean, double var)
{
	return isfinite(mean) && isfinite(var) && var > 0.0 &&
	       var > 1e-24 * mean * mean;
}

dm_err pf_mv_finish(dm_profile *p, double share)
{
	dm_multivariate *m = p->mv, *k;
	char **names;
	size_t i, j, d = 0, *idx;
	dm_err err;

	if (!m)
		return DM_OK;
	names = malloc(m->d * sizeof(char *));
	idx = malloc(m->d * sizeof(size_t));
	if (!names || !idx) {
		free(names);
		free(idx);
		return DM_ENOMEM;
	}
	for (i = 0; i < m->d; i++) {
		const dm_feature *f = &p->feat[m->feat[i]];

		if (f->type == DM_FEATURE_NUMERIC &&
		    f->role == DM_ROLE_FEATURE &&
		    f->ltype != DM_LTYPE_TIMESTAMP &&
		    mv_column_varies(m->cov.mean[i], m->cov.c[i * m->d + i])) {
			names[d] = m->columns[i];
			idx[d++] = i;
		}
	}
	if (d < 2 || m->rows_used < 2) {
		free(names);
		free(idx);
		dm_mv_free(m);
		p->mv = NULL;
		return DM_OK;
	}
	k = mv_new(d, names);
	if (!k || dm_cov_init(&k->cov, d) != DM_OK) {
		free(names);
		free(idx);
		dm_mv_free(k);
		return DM_ENOMEM;
	}
	k->cov.n = m->cov.n;
	for (i = 0; i < d; i++) {
		k->feat[i] = m->feat[idx[i]];
		k->cov.mean[i] = m->cov.mean[idx[i]];
		for (j = 0; j < d; j++)
			k->cov.c[i * d + j] = m->cov.c[idx[i] * m->d + idx[j]];
	}
	k->ncandidates = m->ncandidates;
	k->rows_used = m->rows_used;
	k->rows_skipped = m->rows_skipped;
	free(names);
	free(idx);
	dm_mv_free(m);
	p->mv = k;
	err = dm_pca_fit(&k->cov, share, &k->pca);
	if (err != DM_OK)
		return err;
	/* Keeping every component leaves no error to watch: drop the last
	 * (the check then watches the direction of least variance). */
	if (k->pca.k >= d) {
		double sum = 0.0, acc = 0.0;

		k->pca.k = d - 1;
		for (i = 0; i < d; i++) {
			sum += k->pca.w[i];
			if (i < d - 1)
				acc += k->pca.w[i];
		}
		k->pca.share = sum > 0 ? acc / sum : 1.0;
	}
	k->fitted = 1;
	pf_mv_reference(k);
	return DM_OK;
}

void pf_mv_reference(dm_multivariate *m)
{
	const dm_pca *pca = &m->pca;
	double mean = 0.0, sq = 0.0, n = (double)m->cov.n;
	size_t j;

	/* The baseline's standardised rows have the correlation matrix as
	 * their covariance (ddof 1), so their mean reconstruction error is
	 * (n - 1) / n times the sum of the discarded eigenvalues; for
	 * Gaussian data one row's error has variance 2 sum w^2. */
	for (j = pca->k; j < pca->d; j++) {
		/* rounding leaves null directions at -1e-17: they are 0 */
		double w = pca->w[j] > 0.0 ? pca->w[j] : 0.0;

		mean += w;
		sq += w * w;
	}
	m->ref_error = n > 0 ? mean * (n - 1.0) / n : mean;
	m->ref_spread = sqrt(2.0 * sq);
}

dm_err dm_mv_merge(dm_multivariate *dst, const dm_multivariate *src)
{
	size_t i;

	if (dst->d != src->d)
		return DM_EINVAL;
	for (i = 0; i < dst->d; i++)
		if (strcmp(dst->columns[i], src->columns[i]) != 0)
			return DM_EINVAL;
	if (dst->cov.d == dst->d && src->cov.d == src->d) {
		dm_err err = dm_cov_merge(&dst->cov, &src->cov);

		if (err != DM_OK)
			return err;
	}
	dst->rows_used += src->rows_used;
	dst->rows_skipped += src->rows_skipped;
	dst->err_sum += src->err_sum;
	dst->err_sumsq += src->err_sumsq;
	return DM_OK;
}

dm_err pf_mv_merge(dm_profile *dst, const dm_profile *src)
{
	const dm_multivariate *s = src->mv;
	dm_multivariate *m;
	size_t i;

	if (!s)
		return DM_OK;
	if (!dst->mv) {
		m = mv_new(s->d, s->columns);
		if (!m)
			return DM_ENOMEM;
		if (s->cov.d == s->d && dm_cov_init(&m->cov, s->d) != DM_OK) {
			dm_mv_free(m);
			return DM_ENOMEM;
		}
		for (i = 0; i < m->d; i++) {
			dm_feature *f = dm_profile_find(dst, m->columns[i]);

			m->feat[i] = f ? (long)(f - dst->feat) : -1;
		}
		m->ncandidates = s->ncandidates;
		dst->mv = m;
	}
	return dm_mv_merge(dst->mv, s);
}

dm_err pf_mv_restore(dm_profile *p, size_t d, char *const *names, size_t ncand)
{
	dm_multivariate *m = mv_new(d, names);
	size_t i;

	if (!m)
		return DM_ENOMEM;
	if (dm_cov_init(&m->cov, d) != DM_OK) {
		dm_mv_free(m);
		return DM_ENOMEM;
	}
	for (i = 0; i < d; i++) {
		dm_feature *f = dm_profile_find(p, m->columns[i]);

		if (!f) {
			dm_mv_free(m);
			return DM_EFORMAT;
		}
		m->feat[i] = (long)(f - p->feat);
	}
	m->ncandidates = ncand;
	dm_mv_free(p->mv);
	p->mv = m;
	return DM_OK;
}
