/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Schema checks: does the current data still look like the baseline's
 * schema?  (docs/alerts.md, docs/schema.md)
 *
 * They run on what profiling already counted, so they cost nothing per
 * row: columns not in the baseline (the current profile's extra
 * columns), values that do not fit a column's logical type (counted apart
 * by the profile as schema_bad: a third value of a boolean, a fraction in
 * an integer code, numbers where the baseline had words), and a numeric
 * column whose values are now mostly not numbers (invalid).  A baseline
 * column absent from the data is FEATURE_MISSING (detect.c).  Values that
 * only look different (CSV "True" vs Parquet BOOLEAN, INT64 vs DOUBLE,
 * a date string vs a DATE) are the same values after canonicalisation
 * (docs/schema.md) and raise nothing.  None of these is drift.
 */
#include <stdio.h>
#include <string.h>

#include "driftmon/detect.h"

/* A numeric column is "now text" when at least this share of its
 * non-missing values are not numbers. */
#define TYPE_CHANGE_SHARE 0.5

/* Columns the baseline does not have.  Model outputs (marked by the
 * logger or named like one) are expected in logs and not in training
 * data: they are listed in ignored_columns but raise nothing. */
static dm_err new_columns(const dm_profile *cur, dm_result *r)
{
	char msg[sizeof(((dm_alert *)0)->message)];
	size_t i, off, n = 0, k = 0;
	const char *one = NULL;
	const uint8_t *pred = cur->extra_prediction; /* NULL: none */

	for (i = 0; i < cur->nextra; i++)
		if (!(pred && pred[i])) {
			n++;
			one = cur->extra_columns[i];
		}
	if (n == 0)
		return DM_OK;
	off = (size_t)snprintf(msg, sizeof(msg),
			       "%zu column%s not in the baseline (not "
			       "monitored; rebuild the baseline to include "
			       "%s): ",
			       n, n == 1 ? "" : "s", n == 1 ? "it" : "them");
	for (i = 0; i < cur->nextra && off < sizeof(msg); i++)
		if (!(pred && pred[i]))
			off += (size_t)snprintf(msg + off, sizeof(msg) - off,
						"%s%s", k++ ? ", " : "",
						cur->extra_columns[i]);
	return dm_result_add_alert(r, DM_SEV_WARNING, "SCHEMA_NEW_COLUMN",
				   n == 1 ? one : NULL, msg);
}

static dm_err check_feature(const dm_feature *b, const dm_feature *c,
			    dm_result *r)
{
	char msg[sizeof(((dm_alert *)0)->message)];
	uint64_t seen = c->count + c->invalid + c->schema_bad;

	if (b->ltype == DM_LTYPE_BOOLEAN && c->schema_bad) {
		snprintf(msg, sizeof(msg),
			 "boolean column '%s' has %llu value%s that %s "
			 "neither true nor false (e.g. '%s'); not counted "
			 "as drift",
			 b->name, (unsigned long long)c->schema_bad,
			 c->schema_bad == 1 ? "" : "s",
			 c->schema_bad == 1 ? "is" : "are",
			 c->schema_bad_example);
		return dm_result_add_alert(r, DM_SEV_WARNING,
					   "SCHEMA_BOOLEAN_VALUE", b->name,
					   msg);
	}
	if (c->schema_bad) {
		snprintf(msg, sizeof(msg),
			 "column '%s' changed type: the baseline has %s "
			 "values, the data has %llu that %s not (e.g. '%s'); "
			 "they are not counted as drift",
			 b->name,
			 b->ltype == DM_LTYPE_INTEGER ? "integer" : "text",
			 (unsigned long long)c->schema_bad,
			 c->schema_bad == 1 ? "is" : "are",
			 c->schema_bad_example);
		return dm_result_add_alert(r, DM_SEV_WARNING,
					   "SCHEMA_TYPE_CHANGED", b->name, msg);
	}
	if (b->type == DM_FEATURE_NUMERIC && seen > 0 &&
	    (double)c->invalid >= TYPE_CHANGE_SHARE * (double)seen) {
		snprintf(msg, sizeof(msg),
			 "column '%s' changed type: the baseline has %s, "
			 "%.0f%% of the current values are not (e.g. '%s')",
			 b->name,
			 b->ltype == DM_LTYPE_TIMESTAMP ? "timestamps"
							: "numbers",
			 100.0 * (double)c->invalid / (double)seen,
			 c->invalid_example);
		return dm_result_add_alert(r, DM_SEV_WARNING,
					   "SCHEMA_TYPE_CHANGED", b->name, msg);
	}
	return DM_OK;
}

dm_err dm_schema_check(const dm_profile *base, const dm_profile *cur,
		       dm_result *r)
{
	size_t i;
	dm_err err = new_columns(cur, r);

	for (i = 0; i < base->nfeat && err == DM_OK; i++) {
		const dm_feature *b = &base->feat[i];
		const dm_feature *c = dm_profile_find(cur, b->name);

		if (c && c->present && dm_role_analysed(b->role))
			err = check_feature(b, c, r);
	}
	return err;
}
