/* SPDX-License-Identifier: Apache-2.0 */
/* Private: fast sorting of doubles (see dsort.c). */
#ifndef DM_STATS_DSORT_H
#define DM_STATS_DSORT_H

#include <stddef.h>
#include <stdint.h>

/* Scratch words stats_dsort needs beyond the keys (its histograms). */
#define STATS_DSORT_EXTRA 4096

/* Sorts n finite doubles ascending (-0.0 before +0.0).  tmp must hold
 * 2 * n + STATS_DSORT_EXTRA keys. */
void stats_dsort(double *v, size_t n, uint64_t *tmp);

/* The sort of a compaction (flip 0 or 1): v[i] = the sorted v's
 * [2i + flip] for i < n / 2 and, n odd, v[n - 1] = the largest; the rest
 * of v is left undefined.  tmp as for stats_dsort. */
void stats_dsort_pick(double *v, size_t n, uint64_t *tmp, unsigned flip);

#endif
