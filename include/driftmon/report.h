/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Drift reports: the JSON report (docs/report-format.md, versioned), the
 * text summary in the original system's shape, and a brief view of a
 * stored report for `status` and `list`.
 */
#ifndef DRIFTMON_REPORT_H
#define DRIFTMON_REPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "driftmon/detect.h"
#include "driftmon/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The JSON report of r (pretty-printed).  *out is malloc'd. */
dm_err dm_report_to_json(const dm_result *r, char **out, size_t *len);

/* Prints the DRIFT DETECTION SUMMARY block to fp. */
void dm_report_summary(const dm_result *r, FILE *fp);

/* The headline of a stored report. */
typedef struct dm_report_brief {
	char model[128];
	char model_version[64];
	char generated_at[40];
	uint64_t samples;
	int drift_detected;
	int insufficient;
	double drift_score;
	uint64_t features_drifted;
	uint64_t features_total;
	uint64_t alerts_critical;
	uint64_t alerts_warning;
} dm_report_brief;

/* Parses the headline fields of a JSON report.  DM_EFORMAT / DM_EVERSION
 * with a diag naming name and the field. */
dm_err dm_report_brief_parse(const char *json, size_t len, const char *name,
			     dm_report_brief *b, dm_diag *diag);

#ifdef __cplusplus
}
#endif
#endif
