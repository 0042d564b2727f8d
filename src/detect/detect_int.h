/* SPDX-License-Identifier: Apache-2.0 */
/* Private to src/detect: adding alerts to a dm_result (result.c). */
#ifndef DM_DETECT_INT_H
#define DM_DETECT_INT_H

#include "driftmon/detect.h"

/* Appends an alert with a formatted message (truncated to the field) to
 * r->alerts; DM_ENOMEM leaves r as it was. */
dm_err det_alertf(dm_result *r, dm_severity sev, const char *code,
		  const char *feature, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

#endif
