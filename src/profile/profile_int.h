/* SPDX-License-Identifier: Apache-2.0 */
/* Private to src/profile/: shared by the profiler and the baseline
 * reader. */
#ifndef DM_PROFILE_INT_H
#define DM_PROFILE_INT_H

#include <stddef.h>

#include "driftmon/profile.h"

/*
 * Adds feature i (the last one, i == nfeat - 1, whose name is set) to
 * p's name index, so dm_profile_find is a hash lookup.  Features must
 * be indexed in order from 0; a profile whose features were not all
 * indexed is searched linearly.
 */
dm_err dmp_profile_index_add(dm_profile *p, size_t i);

/*
 * Checks a baseline read from storage as a whole (p's name index must
 * cover every feature): names within DM_MAX_NAME_BYTES and unique,
 * categories unique with counts adding up, bin counts adding up,
 * moments consistent, count + missing within rows.  DM_EFORMAT with a
 * diag naming name and the feature.
 */
dm_err dmp_baseline_validate(dm_profile *p, const char *name, dm_diag *diag);

#endif
