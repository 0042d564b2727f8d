/* SPDX-License-Identifier: Apache-2.0 */
/*
 * driftmon profile: the backfill of hour profiles (docs/hourly-profiles.md)
 * for logs that detect has not read yet, such as logs written by other
 * tools: each hour of [from, to) whose profile is missing or stale is read
 * against the baseline and its profile stored.  --shard I/N (or a
 * Kubernetes Indexed Job's JOB_COMPLETION_INDEX / JOB_COMPLETIONS) takes
 * every N-th hour, so N processes share the work and any one of them can
 * be rerun alone.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "cli/cli_fanout.h"
#include "core/termsafe.h"
#include "driftmon/hourprof.h"
#include "driftmon/job.h"
#include "driftmon/store.h"

static const char help[] =
	"usage: driftmon profile --model NAME --version V --from TIME\n"
	"                        [--to TIME] [--shard I/N] [--force]\n"
	"\n"
	"Stores the hour profile of every hour in [FROM, TO) (UTC, rounded\n"
	"down to the hour) of inference-logs/year=YYYY/month=MM/day=DD/\n"
	"hour=HH/* against baselines/<model>/<version>/baseline.json, under\n"
	"profiles/<model>/<version>/year=YYYY/month=MM/day=DD/hour=HH/\n"
	"profile.json, so that detect merges them instead of reading the\n"
	"logs (docs/hourly-profiles.md).  Hours whose profile is fresh are\n"
	"left alone; hours without logs are skipped.  Without --shard, each\n"
	"whole UTC day of the range also gets its day roll-up\n"
	"(.../day=DD/day.json; off with $DRIFTMON_NO_DAY_ROLLUPS=1).\n"
	"\n"
	"  -m, --model NAME     model name\n"
	"  -v, --version V      model version\n"
	"      --from TIME      first hour, ISO-8601 (2025-12-01T00:00Z)\n"
	"      --to TIME        end, exclusive (default: now)\n"
	"      --shard I/N      only hours I, I+N, I+2N, ... of the range\n"
	"                       (0 <= I < N; default $JOB_COMPLETION_INDEX /\n"
	"                       $JOB_COMPLETIONS when both are set)\n"
	"      --force          rebuild fresh profiles too\n"
	"      --strict         malformed rows and unreadable files are\n"
	"                       errors (default: counted and skipped)\n"
	"      --store URL      storage (default $DRIFTMON_STORE or\n"
	"                       ./driftmon-data)\n"
	"  -h, --help           this help\n";

enum { O_FROM = 256, O_TO, O_SHARD, O_FORCE, O_STRICT, O_STORE };

static const struct option longopts[] = {
	{"model", required_argument, NULL, 'm'},
	{"version", required_argument, NULL, 'v'},
	{"from", required_argument, NULL, O_FROM},
	{"to", required_argument, NULL, O_TO},
	{"shard", required_argument, NULL, O_SHARD},
	{"force", no_argument, NULL, O_FORCE},
	{"strict", no_argument, NULL, O_STRICT},
	{"store", required_argument, NULL, O_STORE},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

/* Hours one run may cover (ten years). */
#define PROFILE_MAX_HOURS (24L * 366 * 10)

/* The library's warnings, one line each on standard error. */
static void warned(void *ctx, dm_job_warning what, const char *msg)
{
	(void)ctx;
	(void)what;
	fprintf(stderr, "driftmon: warning: %s\n", term_safe(msg));
}

#define HOUR_SECS 3600

/* What the command line asked for: the range [from, to) rounded down to
 * the hour, and the shard. */
struct prof_args {
	const char *model, *version, *from_s, *to_s, *store_flag, *shard_s;
	int strict, force;
	time_t from, to;
	unsigned shard_index, shard_count;
};

/* One option into the struct prof_args at ctx (a cli_option_fn). */
static int parse_option(void *ctx, int c, int longidx, const char *arg)
{
	struct prof_args *a = ctx;

	switch (c) {
	case 'm':
		a->model = arg;
		break;
	case 'v':
		a->version = arg;
		break;
	case O_FROM:
		a->from_s = arg;
		break;
	case O_TO:
		a->to_s = arg;
		break;
	case O_SHARD:
		a->shard_s = arg;
		break;
	case O_FORCE:
		a->force = 1;
		break;
	case O_STRICT:
		a->strict = 1;
		break;
	case O_STORE:
		a->store_flag = arg;
		break;
	default:
		return CLI_BAD_OPTION;
	}
	return EXIT_OK;
}

/* --shard I/N, else the Indexed Job's environment (no shard: 0/0). */
static int parse_shard(struct prof_args *a)
{
	int rc = EXIT_OK;

	if (a->shard_s ? cli_parse_shard(a->shard_s, &a->shard_index,
					 &a->shard_count)
		       : (rc = cli_shard_from_env("profile", &a->shard_index,
						  &a->shard_count))) {
		if (rc == EXIT_OK)
			rc = cli_usage("profile",
				       "invalid --shard '%s': "
				       "expected I/N with 0 <= I < N",
				       a->shard_s);
	}
	return rc;
}

/* Step 1: the command line into a.  -1 after --help. */
static int parse_args(int argc, char **argv, struct prof_args *a)
{
	char why[160];
	int rc;

	if ((rc = cli_getopt(argc, argv, "profile", "m:v:h", longopts, help,
			     parse_option, a)) != EXIT_OK)
		return rc;
	if (optind < argc)
		return cli_usage("profile", "unexpected argument '%s'",
				 argv[optind]);
	if ((rc = cli_check_model("profile", a->model, a->version)) != EXIT_OK)
		return rc;
	if (!a->from_s)
		return cli_usage("profile", "--from is required");
	if (cli_parse_time_why(a->from_s, &a->from, why, sizeof(why)) < 0)
		return cli_usage("profile", "invalid --from '%s': %s",
				 a->from_s, why);
	if (a->to_s &&
	    cli_parse_time_why(a->to_s, &a->to, why, sizeof(why)) < 0)
		return cli_usage("profile", "invalid --to '%s': %s", a->to_s,
				 why);
	a->from -= a->from % HOUR_SECS;
	a->to -= a->to % HOUR_SECS;
	if (a->to <= a->from ||
	    (a->to - a->from) / HOUR_SECS > PROFILE_MAX_HOURS)
		return cli_usage("profile",
				 "--from must be before --to, at most "
				 "%ld hours apart",
				 PROFILE_MAX_HOURS);
	return parse_shard(a);
}

/* Step 2: the hour profiles of the range stored, and a line saying what
 * was done. */
static int profile_hours(const struct prof_args *a, dm_store *st, dm_diag *diag)
{
	dm_hourly_stats hs;
	dm_job_opts jo;
	char fs[32], ts[32];
	dm_err err;

	dm_job_opts_init(&jo);
	memset(&hs, 0, sizeof(hs));
	jo.model = a->model;
	jo.version = a->version;
	jo.strict = a->strict;
	jo.threads = cli_threads();
	jo.warn = warned;
	jo.no_day_rollups = cli_day_rollups_off();
	err = dm_job_profile_hours(st, &jo, a->from, a->to, a->shard_index,
				   a->shard_count, a->force, &hs, diag);
	if (err != DM_OK) {
		cli_fail("%s", diag->msg[0] ? diag->msg : dm_strerror(err));
		return err == DM_EINVAL ? EXIT_USAGE : EXIT_RUNTIME;
	}
	cli_iso_time(a->from, fs, sizeof(fs));
	cli_iso_time(a->to, ts, sizeof(ts));
	printf("Hour profiles of %s %s, %s .. %s", a->model, a->version, fs,
	       ts);
	if (a->shard_count > 1)
		printf(" (shard %u/%u)", a->shard_index, a->shard_count);
	printf(": %" PRIu64 " hours, %" PRIu64 " without logs, %" PRIu64
	       " fresh, %" PRIu64 " read (%" PRIu64
	       " stale or corrupt), %" PRIu64 " written",
	       hs.hours, hs.hours_empty, hs.from_profiles, hs.read_raw,
	       hs.rebuilt, hs.written);
	if (hs.from_days || hs.days_rebuilt || hs.days_written)
		printf("; day roll-ups: %" PRIu64 " hours fresh, %" PRIu64
		       " rebuilt, %" PRIu64 " written",
		       hs.from_days, hs.days_rebuilt, hs.days_written);
	putchar('\n');
	if (hs.written < hs.read_raw)
		return cli_fail("%" PRIu64
				" hour profiles could not be written",
				hs.read_raw - hs.written);
	return EXIT_OK;
}

int cmd_profile(int argc, char **argv)
{
	struct prof_args a;
	dm_store *st = NULL;
	dm_diag diag;
	dm_err err;
	int rc;

	memset(&a, 0, sizeof(a));
	a.to = time(NULL);
	if ((rc = parse_args(argc, argv, &a)) != EXIT_OK)
		return rc < 0 ? EXIT_OK : rc;
	dm_diag_clear(&diag);
	err = dm_store_open(cli_store_url(a.store_flag), &st, &diag);
	if (err != DM_OK)
		rc = cli_fail_err(err, &diag, "cannot open store");
	else
		rc = profile_hours(&a, st, &diag);
	dm_store_free(st);
	return rc;
}
