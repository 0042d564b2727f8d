/* SPDX-License-Identifier: Apache-2.0 */
/* Private: the multivariate profile's hooks into profile.c. */
#ifndef DM_MV_INT_H
#define DM_MV_INT_H

#include "driftmon/profile.h"

/* Chooses the columns after the first batch (baseline mode: numeric
 * candidates; current mode: the reference's, when it has a fit). */
dm_err pf_mv_setup(dm_profile *p, const dm_profile *ref);
/* The rows of a batch the joint pass takes (kept, and every
 * DM_MV_ROW_STRIDE-th or DM_MV_WINDOW_STRIDE-th by row number): returns
 * their number; idx (NULL, or b->nrows entries) gets each row's place
 * among them, SIZE_MAX for a row not taken. */
size_t pf_mv_rows_taken(const dm_profile *ref, const dm_batch *b,
			const uint8_t *keep, size_t *idx);
/* Adds the complete rows of a batch (map: column -> feature index).
 * vals: NULL, or the values of the d columns already parsed for the rows
 * taken only (d arrays of n = pf_mv_rows_taken(...) values, column j at
 * vals + j n, in row order, NaN when missing); dc: text cells may have
 * a decimal comma (dmio_parse_text_number). */
dm_err pf_mv_add_batch(dm_profile *p, const dm_batch *b, const long *map,
		       const uint8_t *keep, const dm_profile *ref,
		       const double *vals, int dc);
/* Baseline mode: keeps the numeric FEATURE columns, fits the PCA. */
dm_err pf_mv_finish(dm_profile *p, double share);
/* dst := dst ∪ src (creates dst's when it has none). */
dm_err pf_mv_merge(dm_profile *dst, const dm_profile *src);
/* Sets ref_error and ref_spread from the fit. */
void pf_mv_reference(dm_multivariate *m);

/* Baseline partials: gives p an empty multivariate profile of the d
 * named columns (features of p) with ncand candidates; DM_EFORMAT if a
 * name is not a feature of p. */
dm_err pf_mv_restore(dm_profile *p, size_t d, char *const *names, size_t ncand);

#endif
