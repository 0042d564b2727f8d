/* SPDX-License-Identifier: Apache-2.0 */
/*
 * driftmon: drift monitoring for ML models in production.
 * One table of commands, one file per command (src/cli/cmd_*.c).
 */
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

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

/*
 * Huge pages for the heap.  A profile's memory (the columns' sketches, a
 * CSV batch's arrays: some 30-40 MB) is touched once, a 4 KiB page at a
 * time, and on a virtual machine each first touch is a costly fault: on
 * the bench machine the ~8,500 faults of a 1M-row job were 5% of its
 * wall time and more of its CPU (BENCHMARKS.md, "Huge pages").  glibc
 * backs its heap with transparent huge pages when the tunable
 * glibc.malloc.hugetlb is 1, which it reads only at start: so the
 * commands that profile data start themselves again with it set (the
 * same arguments; a tunable the caller set, or DRIFTMON_HUGEPAGES=0,
 * leaves things as they are).  Returns -1 on an invalid
 * DRIFTMON_HUGEPAGES, else 0 (here: the exec failed or was not wanted).
 */
static int hugepages(char **argv)
{
	static const char *const heavy[] = {"baseline",	 "detect",  "profile",
					    "reference", "compare", "simulate"};
	const char *e = getenv("DRIFTMON_HUGEPAGES");
	const char *t = getenv("GLIBC_TUNABLES");
	const char *pre = getenv("LD_PRELOAD");
	char *v, self[4096];
	size_t i, n;
	ssize_t sn;
	FILE *fp;
	char mode[128] = "";

	if (e && strcmp(e, "0") && strcmp(e, "1")) {
		fprintf(stderr,
			"driftmon: DRIFTMON_HUGEPAGES must be 0 or 1, not "
			"'%s'\n",
			e);
		return -1;
	}
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
	return 0; /* the sanitizers' own allocator */
#endif
	if ((e && !strcmp(e, "0")) ||
	    (t && strstr(t, "glibc.malloc.hugetlb")) ||
	    (pre && strstr(pre, "vgpreload"))) /* valgrind: stay under it */
		return 0;
	for (i = 0; i < sizeof(heavy) / sizeof(heavy[0]); i++)
		if (!strcmp(argv[1], heavy[i]))
			break;
	if (i == sizeof(heavy) / sizeof(heavy[0]))
		return 0;
	/* Parquet files: their reader's memory is page buffers that come
	 * and go, which huge pages hold in larger pieces (the 10M-row bench
	 * baseline: peak 102 -> 106 MB) for 2-3% of time */
	for (i = 2; argv[i]; i++) {
		size_t l = strlen(argv[i]);

		if (l >= 8 && !strcasecmp(argv[i] + l - 8, ".parquet"))
			return 0;
	}
	/* only where the kernel gives huge pages to a heap that asks */
	fp = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "r");
	if (!fp)
		return 0;
	if (!fgets(mode, sizeof(mode), fp))
		mode[0] = 0;
	fclose(fp);
	if (!strstr(mode, "[madvise]") && !strstr(mode, "[always]"))
		return 0;
	/* by its path, so that the process keeps its name (ps, pkill),
	 * which exec of /proc/self/exe would make "exe" */
	sn = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (sn <= 0 || (size_t)sn >= sizeof(self) - 1)
		return 0;
	self[sn] = 0;
	n = (t ? strlen(t) + 1 : 0) + sizeof("glibc.malloc.hugetlb=1");
	if (!(v = malloc(n)))
		return 0;
	snprintf(v, n, "%s%sglibc.malloc.hugetlb=1", t ? t : "", t ? ":" : "");
	if (setenv("GLIBC_TUNABLES", v, 1) == 0) {
		execv(self, argv);
		/* not started again: on as we are */
		if (t)
			setenv("GLIBC_TUNABLES", t, 1);
		else
			unsetenv("GLIBC_TUNABLES");
	}
	free(v);
	return 0;
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
	if (hugepages(argv) < 0)
		return EXIT_USAGE;
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
