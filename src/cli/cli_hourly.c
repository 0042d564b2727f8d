/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Hour profiles at the command line (docs/hourly-profiles.md): the
 * switch that forces raw reads ($DRIFTMON_NO_PROFILES=1 or
 * --no-hourly-profiles), detect's --reference-window and, with
 * $DRIFTMON_PROFILE_STATS=1, one line on standard error saying which
 * hours came from profiles.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "driftmon/hourprof.h"
#include "driftmon/job.h"

int cli_hourly_enabled(int no_flag)
{
	const char *e = getenv("DRIFTMON_NO_PROFILES");

	return !no_flag && !(e && *e && strcmp(e, "0") != 0);
}

int cli_day_rollups_off(void)
{
	const char *e = getenv("DRIFTMON_NO_DAY_ROLLUPS");

	return e && *e && strcmp(e, "0") != 0;
}

/* "168h", "7d": *hours; -1 if not such a duration. */
static int parse_shift(const char *s, long *hours)
{
	char *end;
	long v;

	if (!(*s >= '0' && *s <= '9'))
		return -1;
	v = strtol(s, &end, 10);
	if (end == s || !(end[0] == 'h' || end[0] == 'd') || end[1] || v < 1 ||
	    v > DM_JOB_REFERENCE_MAX_HOURS)
		return -1;
	*hours = end[0] == 'd' ? v * 24 : v;
	return *hours <= DM_JOB_REFERENCE_MAX_HOURS ? 0 : -1;
}

int cli_reference_parse(const char *spec, int inputs, dm_job_opts *jo)
{
	const char *slash = strchr(spec, '/');
	char why[160];
	long shift;

	if (slash) {
		char first[64];

		snprintf(first, sizeof(first), "%.*s",
			 (int)(slash - spec < 63 ? slash - spec : 63), spec);
		if (cli_parse_time_why(first, &jo->reference_start, why,
				       sizeof(why)) < 0 ||
		    cli_parse_time_why(slash + 1, &jo->reference_end, why,
				       sizeof(why)) < 0)
			return cli_usage("detect",
					 "invalid --reference-window "
					 "'%s': %s",
					 spec, why);
		jo->reference_start -= jo->reference_start % 3600;
		jo->reference_end -= jo->reference_end % 3600;
		if (jo->reference_end <= jo->reference_start ||
		    (jo->reference_end - jo->reference_start) / 3600 >
			    DM_JOB_REFERENCE_MAX_HOURS)
			return cli_usage(
				"detect",
				"invalid --reference-window "
				"'%s': the window must end after it starts "
				"and span at most %d hours",
				spec, DM_JOB_REFERENCE_MAX_HOURS);
		return EXIT_OK;
	}
	if (parse_shift(spec, &shift) == 0 && !inputs) {
		jo->reference_shift_hours = (unsigned)shift;
		return EXIT_OK;
	}
	return cli_usage("detect",
			 "invalid --reference-window '%s': expected "
			 "hours back (168h, 7d; not with --input) or START/END "
			 "(ISO-8601)",
			 spec);
}

void cli_hourly_stats_print(const dm_hourly_stats *hs)
{
	const char *show = getenv("DRIFTMON_PROFILE_STATS");

	if (!(show && *show && strcmp(show, "0") != 0) || !hs->hours)
		return;
	fprintf(stderr,
		"driftmon: hour profiles: %" PRIu64 " hours, %" PRIu64
		" without logs, %" PRIu64 " from profiles, %" PRIu64
		" read, %" PRIu64 " rebuilt, %" PRIu64 " written",
		hs->hours, hs->hours_empty, hs->from_profiles, hs->read_raw,
		hs->rebuilt, hs->written);
	if (hs->from_days || hs->days_rebuilt || hs->days_written)
		fprintf(stderr,
			"; day roll-ups: %" PRIu64 " hours, %" PRIu64
			" rebuilt, %" PRIu64 " written",
			hs->from_days, hs->days_rebuilt, hs->days_written);
	fputc('\n', stderr);
}
