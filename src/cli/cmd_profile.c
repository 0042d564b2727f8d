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
	"left alone; hours without logs are skipped.\n"
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
/* Shards of one range. */

/* The library's warnings, one line each on standard error. */
static void warned(void *ctx, dm_job_warning what, const char *msg)
{
	(void)ctx;
	(void)what;
	fprintf(stderr, "driftmon: warning: %s\n", term_safe(msg));
}

int cmd_profile(int argc, char **argv)
{
	const char *model = NULL, *version = NULL, *from_s = NULL, *to_s = NULL,
		   *store_flag = NULL, *shard_s = NULL;
	int c, rc = EXIT_OK, strict = 0, force = 0;
	time_t from = 0, to = time(NULL);
	char why[160], fs[32], ts[32];
	unsigned shard_index = 0, shard_count = 0;
	dm_hourly_stats hs;
	dm_job_opts jo;
	dm_store *st = NULL;
	dm_diag diag;
	dm_err err;

	dm_job_opts_init(&jo);
	memset(&hs, 0, sizeof(hs));
	optind = 0;
	while ((c = getopt_long(argc, argv, "m:v:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'm':
			model = optarg;
			break;
		case 'v':
			version = optarg;
			break;
		case O_FROM:
			from_s = optarg;
			break;
		case O_TO:
			to_s = optarg;
			break;
		case O_SHARD:
			shard_s = optarg;
			break;
		case O_FORCE:
			force = 1;
			break;
		case O_STRICT:
			strict = 1;
			break;
		case O_STORE:
			store_flag = optarg;
			break;
		case 'h':
			fputs(help, stdout);
			goto out;
		default:
			rc = cli_bad_option("profile", argc, argv);
			goto out;
		}
	}
	if (optind < argc) {
		rc = cli_usage("profile", "unexpected argument '%s'",
			       argv[optind]);
		goto out;
	}
	if ((rc = cli_check_model("profile", model, version)) != EXIT_OK)
		goto out;
	if (!from_s) {
		rc = cli_usage("profile", "--from is required");
		goto out;
	}
	if (cli_parse_time_why(from_s, &from, why, sizeof(why)) < 0) {
		rc = cli_usage("profile", "invalid --from '%s': %s", from_s,
			       why);
		goto out;
	}
	if (to_s && cli_parse_time_why(to_s, &to, why, sizeof(why)) < 0) {
		rc = cli_usage("profile", "invalid --to '%s': %s", to_s, why);
		goto out;
	}
	from -= from % 3600;
	to -= to % 3600;
	if (to <= from || (to - from) / 3600 > PROFILE_MAX_HOURS) {
		rc = cli_usage("profile",
			       "--from must be before --to, at most "
			       "%ld hours apart",
			       PROFILE_MAX_HOURS);
		goto out;
	}
	if (shard_s ? cli_parse_shard(shard_s, &shard_index, &shard_count)
		    : (rc = cli_shard_from_env("profile", &shard_index,
					       &shard_count))) {
		if (rc == EXIT_OK)
			rc = cli_usage("profile",
				       "invalid --shard '%s': "
				       "expected I/N with 0 <= I < N",
				       shard_s);
		goto out;
	}
	dm_diag_clear(&diag);
	err = dm_store_open(cli_store_url(store_flag), &st, &diag);
	if (err != DM_OK) {
		rc = cli_fail_err(err, &diag, "cannot open store");
		goto out;
	}
	jo.model = model;
	jo.version = version;
	jo.strict = strict;
	jo.threads = cli_threads();
	jo.warn = warned;
	err = dm_job_profile_hours(st, &jo, from, to, shard_index, shard_count,
				   force, &hs, &diag);
	if (err != DM_OK) {
		cli_fail("%s", diag.msg[0] ? diag.msg : dm_strerror(err));
		rc = err == DM_EINVAL ? EXIT_USAGE : EXIT_RUNTIME;
		goto out;
	}
	cli_iso_time(from, fs, sizeof(fs));
	cli_iso_time(to, ts, sizeof(ts));
	printf("Hour profiles of %s %s, %s .. %s", model, version, fs, ts);
	if (shard_count > 1)
		printf(" (shard %u/%u)", shard_index, shard_count);
	printf(": %" PRIu64 " hours, %" PRIu64 " without logs, %" PRIu64
	       " fresh, %" PRIu64 " read (%" PRIu64
	       " stale or corrupt), %" PRIu64 " written\n",
	       hs.hours, hs.hours_empty, hs.from_profiles, hs.read_raw,
	       hs.rebuilt, hs.written);
	if (hs.written < hs.read_raw)
		rc = cli_fail("%" PRIu64 " hour profiles could not be written",
			      hs.read_raw - hs.written);
out:
	dm_store_free(st);
	return rc;
}
