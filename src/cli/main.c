/* SPDX-License-Identifier: Apache-2.0 */
/*
 * driftmon: drift monitoring for ML models in production.
 * One table of commands, one file per command (src/cli/cmd_*.c).
 */
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
};

static const struct command commands[] = {
	{"baseline", cmd_baseline, "profile training data into a baseline"},
	{"detect", cmd_detect,
	 "compare recent inference logs with the baseline"},
	{"profile", cmd_profile,
	 "store hour profiles of stored logs (backfill)"},
	{"labels", cmd_labels, "store ground-truth labels beside the logs"},
	{"reference", cmd_reference,
	 "store a validation set's performance (drops, CBPE)"},
	{"compare", cmd_compare, "compare two datasets directly (no store)"},
	{"list", cmd_list, "list stored baselines or reports"},
	{"status", cmd_status, "latest drift verdict per model"},
	{"synth", cmd_synth,
	 "generate sample training data and inference logs"},
	{"simulate", cmd_simulate, "measure false-alarm and detection rates"},
	{"parquet", cmd_parquet, "inspect Parquet files (schema, cat, meta)"},
	{"report", cmd_report, "render a JSON drift report as HTML"},
	{"history", cmd_history, "drift score of a model run by run"},
	{"collect", cmd_collect,
	 "HTTP collector: predictions -> hourly Parquet logs"},
};
#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *fp)
{
	size_t i;

	fprintf(fp, "usage: driftmon <command> [options]\n"
		    "       driftmon <command> --help\n"
		    "       driftmon --version\n\n"
		    "Commands:\n");
	for (i = 0; i < NCOMMANDS; i++)
		fprintf(fp, "  %-10s %s\n", commands[i].name,
			commands[i].summary);
	fprintf(fp, "\nStorage: --store URL or DRIFTMON_STORE (default "
		    "./driftmon-data).\n"
		    "Exit codes: 0 success, 1 runtime error (data, storage), 2 "
		    "usage error,\n"
		    "            3 drift detected (with --fail-on-drift).\n");
}

/*
 * Standard output is checked once at the end: a full disk or a closed
 * pipe must not pass for success (`driftmon list > /dev/full`).  A
 * command that already failed keeps its own exit code.
 */
static int finish(int rc)
{
	if (fflush(stdout) == 0 && !ferror(stdout))
		return rc;
	if (errno == EPIPE)
		return rc ? rc : EXIT_RUNTIME;
	fprintf(stderr, "driftmon: cannot write to standard output: %s\n",
		strerror(errno ? errno : EIO));
	return rc ? rc : EXIT_RUNTIME;
}

int main(int argc, char **argv)
{
	size_t i, best = 0, bd = SIZE_MAX;

	opterr = 0; /* the commands report bad options (cli_bad_option) */
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		usage(stdout);
		return finish(EXIT_OK);
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version")) {
		printf("driftmon %s\n", DM_VERSION);
		return finish(EXIT_OK);
	}
	for (i = 0; i < NCOMMANDS; i++)
		if (!strcmp(argv[1], commands[i].name))
			return finish(commands[i].fn(argc - 1, argv + 1));
	for (i = 0; i < NCOMMANDS; i++) {
		size_t d = cli_edit_distance(argv[1], commands[i].name);

		if (d < bd) {
			bd = d;
			best = i;
		}
	}
	if (cli_is_typo(strlen(argv[1]), bd)) {
		fprintf(stderr,
			"driftmon: '%s' is not a driftmon command; did you "
			"mean '%s'? See 'driftmon --help'.\n",
			argv[1], commands[best].name);
		return EXIT_USAGE;
	}
	fprintf(stderr,
		"driftmon: '%s' is not a driftmon command. See "
		"'driftmon --help'.\n",
		argv[1]);
	return EXIT_USAGE;
}
