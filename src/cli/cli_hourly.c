/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The window of `detect` from hour profiles (docs/hourly-profiles.md):
 * the CLI side of dm_window_profile_hourly — warnings on standard error,
 * the switch that forces raw reads ($DRIFTMON_NO_PROFILES=1 or
 * --no-hourly-profiles) and, with $DRIFTMON_PROFILE_STATS=1, one line
 * on standard error saying which hours came from profiles.
 */
#include <inttypes.h>
#include <math.h>
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

/* Hours a --reference-window may reach back or span (90 days). */
#define REF_MAX_HOURS (24L * 90)

/* "168h", "7d": *hours; -1 if not such a duration. */
static int parse_shift(const char *s, long *hours)
{
	char *end;
	long v;

	if (!(*s >= '0' && *s <= '9'))
		return -1;
	v = strtol(s, &end, 10);
	if (end == s || !(end[0] == 'h' || end[0] == 'd') || end[1] ||
	    v < 1 || v > REF_MAX_HOURS)
		return -1;
	*hours = end[0] == 'd' ? v * 24 : v;
	return *hours <= REF_MAX_HOURS ? 0 : -1;
}

int cli_reference_window(struct dm_store *st, const char *model,
			 const char *version, const char *spec, time_t start,
			 time_t end, const dm_profile_opts *po, int lenient,
			 int use, int write, cli_reference *cr)
{
	dm_profile *ref = &cr->prof;
	dm_profile_opts o = *po;
	dm_hourly_opts ho = {0};
	const char *slash = strchr(spec, '/');
	time_t rs, re;
	long shift;
	char why[160];
	dm_diag diag;
	dm_err err;

	if (slash) {
		char first[64];

		snprintf(first, sizeof(first), "%.*s",
			 (int)(slash - spec < 63 ? slash - spec : 63), spec);
		if (cli_parse_time_why(first, &rs, why, sizeof(why)) < 0 ||
		    cli_parse_time_why(slash + 1, &re, why, sizeof(why)) < 0)
			return cli_usage("detect", "invalid --reference-window "
				 "'%s': %s", spec, why);
		rs -= rs % 3600;
		re -= re % 3600;
	} else if (parse_shift(spec, &shift) == 0 && end) {
		rs = start - (time_t)shift * 3600;
		re = end - (time_t)shift * 3600;
	} else {
		return cli_usage("detect", "invalid --reference-window '%s': "
			 "expected hours back (168h, 7d; not with --input) "
			 "or START/END (ISO-8601)", spec);
	}
	if (re <= rs || (re - rs) / 3600 > REF_MAX_HOURS)
		return cli_usage("detect", "invalid --reference-window '%s': "
			 "the window must end after it starts and span at "
			 "most %ld hours", spec, REF_MAX_HOURS);
	o.progress = NULL;
	ho.use_profiles = use;
	ho.write_profiles = use && write;
	ho.lenient = lenient;
	ho.warn = cli_hourly_warn;
	dm_diag_clear(&diag);
	err = dm_window_profile_hourly(st, model, version, rs, re, &o, &ho,
				       ref, NULL, NULL, &diag);
	if (err != DM_OK)
		return cli_fail_err(err, &diag, "cannot read the reference "
						"window");
	cli_iso_time(rs, cr->start, sizeof(cr->start));
	cli_iso_time(re, cr->end, sizeof(cr->end));
	if (ref->rows == 0)
		return cli_fail("the reference window %s .. %s has no rows of "
				"%s %s", cr->start, cr->end, model, version);
	/* the report names the model from its reference */
	ref->model = strdup(po->reference->model ? po->reference->model
						 : model);
	ref->model_version = strdup(po->reference->model_version
					    ? po->reference->model_version
					    : version);
	if (!ref->model || !ref->model_version)
		return cli_fail("out of memory");
	cr->used = 1;
	return EXIT_OK;
}

int cli_reference_stamp(const cli_reference *cr, dm_result *res)
{
	if (!cr->used)
		return EXIT_OK;
	res->reference_start = strdup(cr->start);
	res->reference_end = strdup(cr->end);
	res->reference_rows = cr->prof.rows;
	if (!res->reference_start || !res->reference_end)
		return cli_fail("out of memory");
	return EXIT_OK;
}

/* The trend being collected: the baseline and PSI per feature and hour. */
struct trend_ctx {
	const dm_profile *base;
	int64_t start;
	cli_trend *tr;
};

static void trend_hour(void *ctx, const dm_hour_profile *hp)
{
	struct trend_ctx *t = ctx;
	const dm_profile *b = t->base;
	size_t h = (size_t)((hp->hour - t->start) / 3600), i;

	if (h >= t->tr->hours)
		return;
	for (i = 0; i < b->nfeat; i++)
		t->tr->psi[i * t->tr->hours + h] =
			hp->prof.nfeat == b->nfeat
				? dm_feature_psi(&b->feat[i], &hp->prof.feat[i])
				: NAN;
}

int cli_trend_attach(cli_trend *tr, dm_result *res)
{
	if (!tr->psi)
		return EXIT_OK;
	res->hourly_start = strdup(tr->start);
	if (!res->hourly_start)
		return cli_fail("out of memory");
	res->hourly_psi = tr->psi;
	res->hourly_hours = tr->hours;
	tr->psi = NULL;
	return EXIT_OK;
}

int cli_window_hourly(struct dm_store *st, const char *model,
		      const char *version, int64_t start, int64_t end,
		      const dm_profile_opts *po, int lenient, int write,
		      dm_profile *cur, dm_data_account *acct, cli_trend *tr)
{
	dm_hourly_opts ho = {0};
	struct trend_ctx tc;
	size_t i, n;
	dm_hourly_stats hs;
	const char *show = getenv("DRIFTMON_PROFILE_STATS");
	dm_diag diag;
	dm_err err;

	ho.use_profiles = 1;
	ho.write_profiles = write;
	ho.lenient = lenient;
	ho.warn = cli_hourly_warn;
	if (tr && po->reference && end > start) {
		tr->hours = (size_t)((end - start) / 3600);
		n = po->reference->nfeat * tr->hours;
		tr->psi = malloc((n ? n : 1) * sizeof(double));
		if (!tr->psi)
			return cli_fail("out of memory");
		for (i = 0; i < n; i++)
			tr->psi[i] = NAN;
		cli_iso_time((time_t)start, tr->start, sizeof(tr->start));
		tc.base = po->reference;
		tc.start = start;
		tc.tr = tr;
		ho.on_hour = trend_hour;
		ho.hour_ctx = &tc;
	}
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
