/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The DRIFT DETECTION SUMMARY, in exactly the shape of the original
 * system's "Example Output" (spec/original-readme.md): same lines, same
 * labels, same order.
 */
#include <stdio.h>
#include <stdlib.h>

#include "driftmon/report.h"

#define RULE "============================================================"
#define MAX_NAMES 5

static int by_severity(const void *a, const void *b)
{
	const dm_feature_result *x = *(const dm_feature_result *const *)a;
	const dm_feature_result *y = *(const dm_feature_result *const *)b;

	return (x->severity_rank < y->severity_rank) -
	       (x->severity_rank > y->severity_rank);
}

void dm_report_summary(const dm_result *r, FILE *fp)
{
	const dm_feature_result **d;
	size_t i, n = 0;

	fprintf(fp, "%s\nDRIFT DETECTION SUMMARY\n%s\n", RULE, RULE);
	fprintf(fp, "Model: %s %s\n", r->model ? r->model : "(none)",
		r->model_version ? r->model_version : "");
	fprintf(fp, "Samples analyzed: %llu\n\n",
		(unsigned long long)r->samples);
	if (r->insufficient)
		fprintf(fp, "Overall drift detected: UNKNOWN (insufficient "
			    "data: %llu < %llu samples)\n",
			(unsigned long long)r->samples,
			(unsigned long long)r->config.min_samples);
	else
		fprintf(fp, "Overall drift detected: %s\n",
			r->drift_detected ? "YES" : "NO");
	fprintf(fp, "Drift score: %.1f%%\n", 100.0 * r->drift_score);
	fprintf(fp, "Features drifted: %zu/%zu\n\n", r->features_drifted,
		r->features_total);
	d = malloc((r->nfeatures + 1) * sizeof(*d));
	if (d) {
		for (i = 0; i < r->nfeatures; i++)
			if (r->features[i].drifted &&
			    r->features[i].base->role == DM_ROLE_FEATURE)
				d[n++] = &r->features[i]; /* predictions: alerts */
		qsort(d, n, sizeof(*d), by_severity);
	}
	fprintf(fp, "Drifted features: ");
	if (n == 0)
		fprintf(fp, "none");
	for (i = 0; i < n && i < MAX_NAMES; i++)
		fprintf(fp, "%s%s", i ? ", " : "", d[i]->base->name);
	fprintf(fp, "%s\n", n > MAX_NAMES ? "..." : "");
	free(d);
	fprintf(fp, "Alerts: %zu (%zu CRITICAL, %zu WARNING)\n", r->nalerts,
		dm_result_count_alerts(r, DM_SEV_CRITICAL),
		dm_result_count_alerts(r, DM_SEV_WARNING));
	fprintf(fp, "%s\n", RULE);
}
