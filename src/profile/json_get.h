/* SPDX-License-Identifier: Apache-2.0 */
/* Private: strict field readers shared by the JSON formats of
 * src/profile (baseline_json.c, partial.c, hourprof.c); each returns 0 or -1.
 */
#ifndef DM_PROFILE_JSON_GET_H
#define DM_PROFILE_JSON_GET_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "core/jsonw.h"
#include "driftmon/profile.h"

/* A non-negative integer field. */
int pj_get_u64(json_t *o, const char *k, uint64_t *out);
/* A finite number, or JSON null read as nul_value. */
int pj_get_num(json_t *o, const char *k, double nul_value, double *out);
/* n finite numbers from array a into x. */
int pj_get_nums(json_t *a, double *x, size_t n);
/* A string field of fewer than n bytes without NUL bytes, copied. */
int pj_get_str(json_t *o, const char *k, char *buf, size_t n);

/* "categories": [[value, count], ...] of feature f (the hour profile
 * and the partial write them alike). */
void pj_put_categories(jw *w, const dm_feature *f);

#endif
