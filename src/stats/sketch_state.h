/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Private: the exact state of a live (unfrozen) quantile sketch, for
 * baseline partials (src/profile/partial.c, docs/fanout.md).  A sketch
 * rebuilt from its state merges and answers exactly as the original.
 */
#ifndef DM_SKETCH_STATE_H
#define DM_SKETCH_STATE_H

#include <stddef.h>
#include <stdint.h>

#include "driftmon/stats.h"

#define SKETCH_STATE_MAXLEV 60

typedef struct sketch_state {
	uint32_t k;
	uint64_t n;
	double err_w;
	unsigned nlev;
	/* level h: len[h] values of weight 2^h (level 0 in arrival order,
	 * the others sorted) and the parity of its next compaction */
	const double *v[SKETCH_STATE_MAXLEV];
	size_t len[SKETCH_STATE_MAXLEV];
	unsigned flip[SKETCH_STATE_MAXLEV];
	/* values level h's buffer has room for (its memory; filled by
	 * sketch_state_get, ignored by sketch_state_new) */
	size_t cap[SKETCH_STATE_MAXLEV];
} sketch_state;

/* Views s's state (pointers into s).  DM_EINVAL for a frozen sketch. */
dm_err sketch_state_get(const dm_sketch *s, sketch_state *st);
/* A live sketch with state st (copied), or NULL when st is not a state
 * a sketch can be in (levels too full, unsorted, weights not adding up
 * to n) or on allocation failure. */
dm_sketch *sketch_state_new(const sketch_state *st);

#endif
