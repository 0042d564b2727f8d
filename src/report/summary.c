/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The DRIFT DETECTION SUMMARY, in exactly the shape of the original
 * system's "Example Output" (spec/original-readme.md): same lines, same
 * labels, same order.  Lines are only ever added: "Not analyzed: ..."
 * under "Samples analyzed:" when rows were left out (with the reason of
 * each), "Not monitored: ..." for columns whose role is not analysed,
 * and a cut list of drifted features says how many more there are.
 */
#include <stdio.h>
#include <stdlib.h>

#include "core/termsafe.h"
#include "report/report_perf.h"
#include "driftmon/report.h"

#define RULE		  "============================================================"
#define MAX_NAMES	  5
#define MAX_NOT_MONITORED 10

static int by_severity(const void *a, const void *b)
{
	const dm_feature_result *x = *(const dm_feature_result *const *)a;
	const dm_feature_result *y = *(const dm_feature_result *const *)b;

	return (x->severity_rank < y->severity_rank) -
	       (x->severity_rank > y->severity_rank);
}

/* "Not monitored: id (identifier), comment (text)" when there are any. */
static void not_monitored(const dm_result *r, FILE *fp)
{
	size_t i, k = 0;

	for (i = 0; i < r->nfeatures; i++) {
		const dm_feature_result *f = &r->features[i];

		if (f->status != DM_STATUS_NOT_MONITORED)
			continue;
		if (k == MAX_NOT_MONITORED) {
			size_t more = 0;

			for (; i < r->nfeatures; i++)
				more += r->features[i].status ==
					DM_STATUS_NOT_MONITORED;
			fprintf(fp, ", ... and %zu more", more);
			break;
		}
		fprintf(fp, "%s%s (%s)", k++ ? ", " : "Not monitored: ",
			term_safe(f->base->name), dm_role_name(f->base->role));
	}
	if (k)
		fputc('\n', fp);
}

void dm_report_summary(const dm_result *r, FILE *fp)
{
	const dm_feature_result **d;
	size_t i, n = 0;
	char *note;

	fprintf(fp, "%s\nDRIFT DETECTION SUMMARY\n%s\n", RULE, RULE);
	/* Names come from data and clients: escaped for the terminal. */
	fprintf(fp, "Model: %s %s\n", r->model ? term_safe(r->model) : "(none)",
		r->model_version ? term_safe(r->model_version) : "");
	if (r->reference_start)
		fprintf(fp,
			"Reference: production window %s .. %s (%llu "
			"rows)\n",
			term_safe(r->reference_start),
			term_safe(r->reference_end),
			(unsigned long long)r->reference_rows);
	fprintf(fp, "Samples analyzed: %llu\n", (unsigned long long)r->samples);
	note = dm_report_samples_note(r);
	if (note) {
		fputs("Not analyzed: ", fp);
		term_fputs(note, fp);
		fputc('\n', fp);
	} else if (r->samples == 0)
		fprintf(fp, "Not analyzed: (out of memory)\n");
	free(note);
	not_monitored(r, fp);
	fputc('\n', fp);
	if (r->insufficient)
		fprintf(fp,
			"Overall drift detected: UNKNOWN (insufficient "
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
				d[n++] = &r->features[i]; /* predictions: alerts
							   */
		qsort(d, n, sizeof(*d), by_severity);
	}
	fprintf(fp, "Drifted features: ");
	if (n == 0)
		fprintf(fp, "none");
	for (i = 0; i < n && i < MAX_NAMES; i++)
		fprintf(fp, "%s%s", i ? ", " : "", term_safe(d[i]->base->name));
	if (n > MAX_NAMES)
		fprintf(fp, "... and %zu more", n - MAX_NAMES);
	fputc('\n', fp);
	free(d);
	if (r->performance)
		dm_report_perf_summary(r->performance, fp);
	if (r->multivariate.alerted)
		fprintf(fp,
			"Multivariate drift: YES (reconstruction error "
			"%.4g above the band [%.4g, %.4g])\n",
			r->multivariate.error, r->multivariate.lo,
			r->multivariate.hi);
	fprintf(fp, "Alerts: %zu (%zu CRITICAL, %zu WARNING)\n", r->nalerts,
		dm_result_count_alerts(r, DM_SEV_CRITICAL),
		dm_result_count_alerts(r, DM_SEV_WARNING));
	fprintf(fp, "%s\n", RULE);
}
