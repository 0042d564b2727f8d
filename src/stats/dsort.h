/* SPDX-License-Identifier: Apache-2.0 */
/* Private: fast sorting of doubles (see dsort.c). */
#ifndef DM_STATS_DSORT_H
#define DM_STATS_DSORT_H

#include <stddef.h>
#include <stdint.h>

/* Scratch words stats_dsort needs beyond the keys (its histograms). */
#define STATS_DSORT_EXTRA 3072

/* Sorts n finite doubles ascending (-0.0 before +0.0).  tmp must hold
 * 2 * n + STATS_DSORT_EXTRA keys. */
void stats_dsort(double *v, size_t n, uint64_t *tmp);

#endif
