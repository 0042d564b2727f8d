/* SPDX-License-Identifier: Apache-2.0 */
/* Private: the "performance" section of the JSON report and the summary
 * lines (report_perf.c). */
#ifndef DM_REPORT_PERF_H
#define DM_REPORT_PERF_H

#include <stdio.h>

#include "core/jsonw.h"
#include "driftmon/labels.h"

/* Writes "performance": {...} (key and object) into w. */
void dm_report_perf_json(jw *w, const dm_perf *p);
/* The summary lines for p. */
void dm_report_perf_summary(const dm_perf *p, FILE *fp);

#endif
