/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The result of a comparison (dm_result, detect.h): status names, its
 * alerts and its release.  Kept apart from detect.c so that the checks
 * that add alerts (detect.c, schema_check.c) depend on it and not on
 * each other.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "driftmon/detect.h"
#include "driftmon/labels.h"
#include "detect/detect_int.h"

const char *dm_status_name(dm_status s)
{
	switch (s) {
	case DM_STATUS_NONE:
		return "none";
	case DM_STATUS_MINOR:
		return "minor";
	case DM_STATUS_DRIFT:
		return "drift";
	case DM_STATUS_NOT_COMPARED:
		return "not_compared";
	case DM_STATUS_INSUFFICIENT:
		return "insufficient_data";
	case DM_STATUS_NOT_MONITORED:
		return "not_monitored";
	}
	return "unknown";
}

void dm_result_release(dm_result *r)
{
	if (!r)
		return;
	free(r->model);
	free(r->model_version);
	free(r->generated_at);
	free(r->window_start);
	free(r->window_end);
	free(r->reference_start);
	free(r->reference_end);
	free(r->hourly_psi);
	free(r->hourly_start);
	free(r->features);
	free(r->alerts);
	dm_perf_free(r->performance);
	memset(r, 0, sizeof(*r));
}

size_t dm_result_count_alerts(const dm_result *r, dm_severity sev)
{
	size_t i, n = 0;

	for (i = 0; i < r->nalerts; i++)
		n += r->alerts[i].severity == sev;
	return n;
}

dm_err det_alertf(dm_result *r, dm_severity sev, const char *code,
		  const char *feature, const char *fmt, ...)
{
	dm_alert *a = realloc(r->alerts, (r->nalerts + 1) * sizeof(*a));
	va_list ap;

	if (!a)
		return DM_ENOMEM;
	r->alerts = a;
	a = &a[r->nalerts++];
	memset(a, 0, sizeof(*a));
	a->severity = sev;
	snprintf(a->code, sizeof(a->code), "%s", code);
	snprintf(a->feature, sizeof(a->feature), "%s", feature ? feature : "");
	va_start(ap, fmt);
	vsnprintf(a->message, sizeof(a->message), fmt, ap);
	va_end(ap);
	return DM_OK;
}

dm_err dm_result_add_alert(dm_result *r, dm_severity sev, const char *code,
			   const char *feature, const char *message)
{
	return det_alertf(r, sev, code, feature, "%s", message);
}
