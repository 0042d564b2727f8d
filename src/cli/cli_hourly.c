/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The window of `detect` from hour profiles (docs/hourly-profiles.md):
 * the CLI side of dm_window_profile_hourly — warnings on standard error,
 * the switch that forces raw reads ($DRIFTMON_NO_PROFILES=1 or
 * --no-hourly-profiles) and, with $DRIFTMON_PROFILE_STATS=1, one line
 * on standard error saying which hours came from profiles.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/termsafe.h"
#include "driftmon/hourprof.h"

void cli_hourly_warn(void *ctx, const char *msg)
{
	(void)ctx;
	fprintf(stderr, "driftmon: warning: %s\n", term_safe(msg));
}

int cli_hourly_enabled(int no_flag)
{
	const char *e = getenv("DRIFTMON_NO_PROFILES");

	return !no_flag && !(e && *e && strcmp(e, "0") != 0);
}

int cli_window_hourly(struct dm_store *st, const char *model,
		      const char *version, int64_t start, int64_t end,
		      const dm_profile_opts *po, int lenient, int write,
		      dm_profile *cur, dm_data_account *acct)
{
	dm_hourly_opts ho = {0};
	dm_hourly_stats hs;
	const char *show = getenv("DRIFTMON_PROFILE_STATS");
	dm_diag diag;
	dm_err err;

	ho.use_profiles = 1;
	ho.write_profiles = write;
	ho.lenient = lenient;
	ho.warn = cli_hourly_warn;
	dm_diag_clear(&diag);
	err = dm_window_profile_hourly(st, model, version, start, end, po,
				       &ho, cur, acct, &hs, &diag);
	if (err != DM_OK)
		return cli_fail_err(err, &diag, "cannot read logs");
	if (show && *show && strcmp(show, "0") != 0)
		fprintf(stderr,
			"driftmon: hour profiles: %" PRIu64 " hours, %" PRIu64
			" without logs, %" PRIu64 " from profiles, %" PRIu64
			" read, %" PRIu64 " rebuilt, %" PRIu64 " written\n",
			hs.hours, hs.hours_empty, hs.from_profiles,
			hs.read_raw, hs.rebuilt, hs.written);
	return EXIT_OK;
}
