/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Private helpers shared by the files of src/job (job.c, hourwin.c).
 */
#ifndef DM_JOB_INT_H
#define DM_JOB_INT_H

#include "driftmon/error.h"

/* Errors that make one log file unreadable: in lenient mode the file is
 * skipped (and counted), not the run failed. */
static inline int job_skippable(dm_err err)
{
	return err == DM_EFORMAT || err == DM_ETOOBIG ||
	       err == DM_EUNSUPPORTED || err == DM_EVERSION ||
	       err == DM_ESCHEMA;
}

#endif
