/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The trend inside a window: one feature's PSI hour by hour read back
 * from a JSON report (features[].hourly_psi, docs/hourly-profiles.md).
 */
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "driftmon/report.h"

/* Hours a report's trend may hold (90 days). */
#define TREND_MAX_HOURS (24u * 90)

static dm_err trend_values(json_t *hp, const char *name, const char *feature,
			   char *start, size_t startn, double **vals, size_t *n,
			   dm_diag *diag)
{
	json_t *v = json_object_get(hp, "values"), *x;
	const char *s = json_string_value(json_object_get(hp, "start"));
	size_t i;

	if (!s || strlen(s) >= startn || !json_is_array(v) ||
	    json_array_size(v) > TREND_MAX_HOURS)
		return dm_diag_set(diag, DM_EFORMAT, name, 0, feature,
				   "field 'hourly_psi': needs 'start' and at "
				   "most %u 'values'",
				   TREND_MAX_HOURS);
	memcpy(start, s, strlen(s) + 1);
	*vals = malloc((json_array_size(v) + 1) * sizeof(double));
	if (!*vals)
		return DM_ENOMEM;
	json_array_foreach(v, i, x)
	{
		if (!json_is_number(x) && !json_is_null(x)) {
			free(*vals);
			*vals = NULL;
			return dm_diag_set(diag, DM_EFORMAT, name, 0, feature,
					   "field 'hourly_psi.values': "
					   "numbers or null");
		}
		(*vals)[i] = json_is_null(x) ? NAN : json_number_value(x);
	}
	*n = json_array_size(v);
	return DM_OK;
}

dm_err dm_report_hourly_psi(const char *json, size_t len, const char *name,
			    const char *feature, char *start, size_t startn,
			    double **vals, size_t *n, dm_diag *diag)
{
	json_error_t je;
	json_t *root, *f;
	size_t i;
	dm_err err;

	*vals = NULL;
	*n = 0;
	root = json_loadb(json, len, 0, &je);
	if (!root)
		return dm_diag_set(diag, DM_EFORMAT, name, 0, NULL,
				   "not valid JSON (line %d: %s)", je.line,
				   je.text);
	err = dm_diag_set(diag, DM_ENOENT, name, 0, feature,
			  "no feature of that name in the report");
	json_array_foreach(json_object_get(root, "features"), i, f)
	{
		const char *fn = json_string_value(json_object_get(f, "name"));

		if (!fn || strcmp(fn, feature) != 0)
			continue;
		if (!json_object_get(f, "hourly_psi"))
			err = dm_diag_set(diag, DM_ENOENT, name, 0, feature,
					  "the report has no hourly PSI (its "
					  "window was not merged from hour "
					  "profiles)");
		else
			err = trend_values(json_object_get(f, "hourly_psi"),
					   name, feature, start, startn, vals,
					   n, diag);
		break;
	}
	json_decref(root);
	return err;
}
