/* SPDX-License-Identifier: Apache-2.0 */
/*
 * driftmon simulate (behind `make test-synthetic`): runs the synthetic
 * drift scenarios in-process over many seeds and reports how often the
 * verdict is right — the false-alarm rate on data with no drift at
 * several window sizes, and the detection rate of each scenario.
 */
#include <getopt.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "driftmon/detect.h"
#include "driftmon/profile.h"
#include "driftmon/schema.h"
#include "driftmon/synth.h"

static const char help[] =
	"usage: driftmon simulate [--seeds N] [--baseline-rows N]\n"
	"                         [--windows 100,1000,...] [--threads N]\n"
	"\n"
	"For each seed: a baseline from training-distribution rows, then\n"
	"windows of no-drift rows (false alarms) and of each scenario\n"
	"(detections), compared with the default decision rule.  Prints the\n"
	"rates and checks them against the targets: false alarms <= 5% at\n"
	"every window size, detection of a 0.25-sd mean shift in 5 of 50\n"
	"features >= 99% at 1,000 rows and more.  Exits 1 if a target is\n"
	"missed.\n"
	"\n"
	"  --seeds N            seeds per cell (default 100)\n"
	"  --baseline-rows N    training rows per seed (default 20000)\n"
	"  --windows LIST       window sizes (default 100,1000,10000,100000)\n"
	"  --threads N          worker threads (default 2)\n"
	"  --psi-threshold X, --alpha X, --min-ks-d X, --test NAME,\n"
	"  --test-threshold X\n"
	"                       decision settings as for 'driftmon detect'\n"
	"                       (default: the defaults; the environment is\n"
	"                       not read, so runs are reproducible)\n"
	"  --booleans           read the synthetic data's 0/1 flags\n"
	"                       (spf_pass, ...) as booleans, so the\n"
	"                       two-category tests (z-test, Fisher) see\n"
	"                       them; by default they are numeric, as\n"
	"                       driftmon infers 0/1 columns\n"
	"  --verbose            print the features behind each false alarm\n"
	"\n"
	"RATE is the share of windows with a drift verdict (or the alert);\n"
	"with --test, BY TEST is the share where a column tested with it\n"
	"drifted.  \"Columns per test\" counts the tests of the first\n"
	"seed's no-drift windows.\n"
	"\n"
	"  --performance        instead: the performance alerts\n"
	"                       (PERFORMANCE_DROP, "
	"ESTIMATED_PERFORMANCE_DROP)\n"
	"                       on labelled windows of the same distribution\n"
	"                       (false alarms), of concept drift with and\n"
	"                       without input drift, of covariate and prior\n"
	"                       shift (docs/model-quality.md)\n"
	"  --window-rows N      labelled rows per window (default 2000)\n"
	"  --reference-rows N   reference (validation) rows (default 5000)\n"
	"  --min-performance-drop X  minimum effect (default 0.02)\n";

enum {
	O_SEEDS = 256,
	O_BROWS,
	O_WINDOWS,
	O_THREADS,
	O_VERBOSE,
	O_BOOLEANS,
	O_SETTING,
	O_PERF,
	O_WROWS,
	O_RROWS,
	O_MINDROP
};

static const struct option longopts[] = {
	{"seeds", required_argument, NULL, O_SEEDS},
	{"baseline-rows", required_argument, NULL, O_BROWS},
	{"windows", required_argument, NULL, O_WINDOWS},
	{"threads", required_argument, NULL, O_THREADS},
	{"verbose", no_argument, NULL, O_VERBOSE},
	{"booleans", no_argument, NULL, O_BOOLEANS},
	{"performance", no_argument, NULL, O_PERF},
	{"window-rows", required_argument, NULL, O_WROWS},
	{"reference-rows", required_argument, NULL, O_RROWS},
	{"min-performance-drop", required_argument, NULL, O_MINDROP},
	{"psi-threshold", required_argument, NULL, O_SETTING},
	{"alpha", required_argument, NULL, O_SETTING},
	{"min-ks-d", required_argument, NULL, O_SETTING},
	{"test", required_argument, NULL, O_SETTING},
	{"test-threshold", required_argument, NULL, O_SETTING},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

#define MAXW 8

struct cell {
	const char *label;
	dm_scenario scen;
	double magnitude;
	uint64_t rows;
	int is_far;		/* counts false alarms rather than detections */
	const char *alert_code; /* count this alert instead of the verdict */
	unsigned hits;
	unsigned runs;
	unsigned by_test; /* runs where a column of the --test drifted */
	unsigned used[DM_TEST_COUNT_]; /* tests of the columns, first seed */
};

struct job {
	struct cell *cells;
	size_t ncells;
	uint64_t seeds;
	uint64_t baseline_rows;
	unsigned thread, nthreads;
	pthread_mutex_t *lock;
	const dm_detect_config *cfg;
	const dm_spec *spec; /* --booleans: the flags' type; or NULL */
	int failed;
	int verbose;
};

static dm_err profile_synth(dm_synth *g, uint64_t rows,
			    const dm_profile_opts *po, dm_profile *p)
{
	size_t nc = dm_synth_ncols(g), i;
	char **names = calloc(nc, sizeof(*names));
	dm_err err = DM_OK;
	uint64_t done = 0;

	if (!names)
		return DM_ENOMEM;
	for (i = 0; i < nc; i++)
		names[i] = (char *)dm_synth_colname(g, i);
	while (done < rows && err == DM_OK) {
		size_t n = rows - done < 8192 ? (size_t)(rows - done) : 8192;
		dm_batch *b;

		err = dm_synth_next(g, n, &b);
		if (err == DM_OK)
			err = dm_profile_add_batch(p, po, b, names, "synth",
						   NULL);
		done += n;
	}
	free(names);
	return err;
}

/* The spec of --booleans: every 0/1 flag of the synthetic data typed
 * boolean (DM_LTYPE_BOOLEAN), the other columns inferred. */
static dm_err flags_spec(dm_spec *spec)
{
	dm_synth_opts so = {0};
	dm_synth *g = NULL;
	size_t i, nc;
	dm_err err = dm_synth_new(&so, 0, 0, &g);

	if (err != DM_OK)
		return err;
	nc = dm_synth_ncols(g);
	spec->cols = calloc(nc, sizeof(*spec->cols));
	for (i = 0; spec->cols && i < nc; i++) {
		dm_column_spec *cs;

		if (!dm_synth_col_is_flag(g, i))
			continue;
		cs = &spec->cols[spec->ncols++];
		cs->psi_threshold = cs->alpha = cs->min_effect =
			cs->importance = NAN;
		cs->has_type = 1;
		cs->type = DM_LTYPE_BOOLEAN;
		if (!(cs->name = strdup(dm_synth_colname(g, i)))) {
			spec->ncols--;
			err = DM_ENOMEM;
			break;
		}
	}
	if (!spec->cols)
		err = DM_ENOMEM;
	dm_synth_free(g);
	return err;
}

/* Counts the drift test each column of r was tested with (cells are
 * disjoint per seed, so only seed 0's thread writes cl->used). */
static void tally_tests(struct cell *cl, const dm_result *r)
{
	size_t q;

	for (q = 0; q < r->nfeatures; q++) {
		int id = r->features[q].test
				 ? dm_test_from_name(r->features[q].test)
				 : -1;

		if (id >= 0 && id < DM_TEST_COUNT_)
			cl->used[id]++;
	}
}

/* 1 if a column tested with `test` (not auto) drifted in r: the share
 * of a verdict that comes from the test itself. */
static int drifted_by(const dm_result *r, dm_test_id test)
{
	const char *name = dm_test_info_of(test)->name;
	size_t q;

	if (test == DM_TEST_AUTO)
		return 0;
	for (q = 0; q < r->nfeatures; q++)
		if (r->features[q].drifted && r->features[q].test &&
		    !strcmp(r->features[q].test, name))
			return 1;
	return 0;
}

static int has_alert(const dm_result *r, const char *code)
{
	size_t i;

	for (i = 0; i < r->nalerts; i++)
		if (!strcmp(r->alerts[i].code, code))
			return 1;
	return 0;
}

static void *worker(void *arg)
{
	struct job *j = arg;
	uint64_t seed;
	size_t c;

	for (seed = j->thread; seed < j->seeds; seed += j->nthreads) {
		dm_synth_opts so = {0};
		dm_profile base;
		dm_profile_opts po = {0};
		dm_synth *g = NULL;

		so.seed = 1000 + seed;
		po.strict = 0;
		po.spec = j->spec;
		dm_profile_init(&base, &po);
		if (dm_synth_new(&so, 0, 0, &g) != DM_OK ||
		    profile_synth(g, j->baseline_rows, &po, &base) != DM_OK ||
		    dm_profile_finish(&base, NULL) != DM_OK) {
			j->failed = 1;
			dm_synth_free(g);
			dm_profile_release(&base);
			return NULL;
		}
		dm_synth_free(g);
		for (c = 0; c < j->ncells; c++) {
			struct cell *cl = &j->cells[c];
			dm_profile cur;
			dm_profile_opts co = {0};
			dm_result res;
			int hit, by;

			so.scenario = cl->scen;
			so.magnitude = cl->magnitude;
			co.reference = &base;
			dm_profile_init(&cur, &co);
			g = NULL;
			if (dm_synth_new(&so, 1, 1 + c, &g) != DM_OK ||
			    profile_synth(g, cl->rows, &co, &cur) != DM_OK ||
			    dm_detect(&base, &cur, j->cfg, &res, NULL) !=
				    DM_OK) {
				j->failed = 1;
				dm_synth_free(g);
				dm_profile_release(&cur);
				continue;
			}
			hit = cl->alert_code ? has_alert(&res, cl->alert_code)
					     : res.drift_detected;
			if (seed == 0)
				tally_tests(cl, &res);
			by = drifted_by(&res, (dm_test_id)j->cfg->test);
			if (j->verbose && cl->is_far && hit) {
				size_t q;

				pthread_mutex_lock(j->lock);
				fprintf(stderr,
					"false alarm: seed %llu, %llu rows:",
					(unsigned long long)seed,
					(unsigned long long)cl->rows);
				for (q = 0; q < res.nfeatures; q++)
					if (res.features[q].drifted)
						fprintf(stderr,
							" %s (psi %.3f, D "
							"%.3f, "
							"p %.2g, adj %.2g)",
							res.features[q]
								.base->name,
							res.features[q].psi,
							res.features[q]
								.ks_statistic,
							res.features[q].pvalue,
							res.features[q]
								.pvalue_adjusted);
				fputc('\n', stderr);
				pthread_mutex_unlock(j->lock);
			}
			pthread_mutex_lock(j->lock);
			cl->hits += hit;
			cl->by_test += by;
			cl->runs++;
			pthread_mutex_unlock(j->lock);
			dm_result_release(&res);
			dm_profile_release(&cur);
			dm_synth_free(g);
		}
		dm_profile_release(&base);
	}
	return NULL;
}

/* The most worker threads (--threads). */
#define MAX_THREADS 16
/* The cells: the no-drift and mean-shift windows, and the four fixed
 * scenarios. */
#define MAX_CELLS (4 * MAXW + 8)
/* The targets: false alarms at most 5%, mean shifts detected at least
 * 99% of the time (at 1,000 rows and more), of MEAN_SHIFT_SD. */
#define FAR_TARGET	    0.05
#define DETECTION_TARGET    0.99
#define MEAN_SHIFT_SD	    0.25
#define MEAN_SHIFT_MIN_ROWS 1000
/* the rows of the fixed scenarios' windows */
#define SCENARIO_ROWS 1000

/* What the command line asked for. */
struct sim_args {
	uint64_t seeds, brows, threads, windows[MAXW];
	size_t nw;
	int verbose, booleans, perf;
	uint64_t wrows, rrows;
	double min_drop;
	cli_settings set;
};

/* --windows LIST: 1 to MAXW window sizes, each > 0. */
static int parse_windows(struct sim_args *a, const char *arg)
{
	char **wl = cli_split_list(arg);
	size_t i;

	a->nw = 0;
	for (i = 0; wl && wl[i]; i++) {
		if (a->nw == MAXW ||
		    cli_parse_u64(wl[i], &a->windows[a->nw]) < 0 ||
		    a->windows[a->nw] == 0) {
			cli_free_list(wl);
			return cli_usage("simulate", "invalid --windows");
		}
		a->nw++;
	}
	cli_free_list(wl);
	if (a->nw == 0)
		return cli_usage("simulate", "invalid --windows");
	return EXIT_OK;
}

/* One option into the struct sim_args at ctx (a cli_option_fn). */
static int parse_option(void *ctx, int c, int longidx, const char *arg)
{
	struct sim_args *a = ctx;

	switch (c) {
	case O_SEEDS:
		if (cli_parse_u64(arg, &a->seeds) < 0 || a->seeds == 0)
			return cli_usage("simulate", "invalid --seeds '%s'",
					 arg);
		break;
	case O_BROWS:
		if (cli_parse_u64(arg, &a->brows) < 0 || a->brows < 100)
			return cli_usage("simulate",
					 "invalid --baseline-rows '%s'", arg);
		break;
	case O_THREADS:
		if (cli_parse_u64(arg, &a->threads) < 0 || a->threads == 0 ||
		    a->threads > MAX_THREADS)
			return cli_usage("simulate", "invalid --threads '%s'",
					 arg);
		break;
	case O_WINDOWS:
		return parse_windows(a, arg);
	case O_VERBOSE:
		a->verbose = 1;
		break;
	case O_PERF:
		a->perf = 1;
		break;
	case O_WROWS:
	case O_RROWS:
		if (cli_parse_u64(arg, c == O_WROWS ? &a->wrows : &a->rrows) <
			    0 ||
		    (c == O_WROWS ? a->wrows : a->rrows) < 100)
			return cli_usage("simulate",
					 "invalid --%s '%s' (at least "
					 "100)",
					 longopts[longidx].name, arg);
		break;
	case O_MINDROP:
		if (cli_parse_double(arg, &a->min_drop) < 0 ||
		    !(a->min_drop >= 0 && a->min_drop < 1))
			return cli_usage("simulate",
					 "invalid --min-performance-drop "
					 "'%s' (0 to 1)",
					 arg);
		break;
	case O_BOOLEANS:
		a->booleans = 1;
		break;
	case O_SETTING:
		if (cli_settings_flag(&a->set, "simulate",
				      longopts[longidx].name, arg) < 0)
			return EXIT_USAGE;
		break;
	default:
		return CLI_BAD_OPTION;
	}
	return EXIT_OK;
}

/* Step 1: the command line into a.  -1 after --help. */
static int parse_args(int argc, char **argv, struct sim_args *a)
{
	int rc;

	a->seeds = 100;
	a->brows = 20000;
	a->threads = 2;
	a->windows[a->nw++] = 100;
	a->windows[a->nw++] = 1000;
	a->windows[a->nw++] = 10000;
	a->windows[a->nw++] = 100000;
	a->wrows = 2000;
	a->rrows = 5000;
	a->min_drop = 0.02;
	dm_detect_config_init(&a->set.det);
	a->set.window_hours = 24;
	if ((rc = cli_getopt(argc, argv, "simulate", "+h", longopts, help,
			     parse_option, a)) != EXIT_OK)
		return rc;
	return EXIT_OK;
}

/* Step 2: the cells to run (labels: their label text); returns their
 * number. */
static size_t make_cells(const struct sim_args *a, struct cell *cells,
			 char (*labels)[64])
{
	size_t i, nc = 0;

	memset(cells, 0, MAX_CELLS * sizeof(*cells));
	for (i = 0; i < a->nw; i++) {
		snprintf(labels[nc], sizeof(labels[nc]),
			 "no drift (false alarms)");
		cells[nc].label = labels[nc];
		cells[nc].scen = DM_SCEN_NONE;
		cells[nc].rows = a->windows[i];
		cells[nc++].is_far = 1;
	}
	for (i = 0; i < a->nw; i++) {
		if (a->windows[i] < MEAN_SHIFT_MIN_ROWS)
			continue;
		snprintf(labels[nc], sizeof(labels[nc]),
			 "mean shift 0.25 sd, 5/50 features");
		cells[nc].label = labels[nc];
		cells[nc].scen = DM_SCEN_MEAN_SHIFT;
		cells[nc].magnitude = MEAN_SHIFT_SD;
		cells[nc++].rows = a->windows[i];
	}
	cells[nc].label = "scale x1.5, 5 features";
	cells[nc].scen = DM_SCEN_SCALE;
	cells[nc++].rows = SCENARIO_ROWS;
	cells[nc].label = "new categories (20%)";
	cells[nc].scen = DM_SCEN_NEW_CATEGORY;
	cells[nc++].rows = SCENARIO_ROWS;
	cells[nc].label = "prior shift 0.3 -> 0.6";
	cells[nc].scen = DM_SCEN_PRIOR;
	cells[nc++].rows = SCENARIO_ROWS;
	cells[nc].label = "missing surge (alert)";
	cells[nc].scen = DM_SCEN_MISSING;
	cells[nc].alert_code = "MISSING_RATE_JUMP";
	cells[nc++].rows = SCENARIO_ROWS;
	return nc;
}

/* Step 3: the seeds over a->threads workers (spec: --booleans' spec or
 * NULL); EXIT_OK, or the exit code after printing the error. */
static int run_workers(const struct sim_args *a, struct cell *cells, size_t nc,
		       const dm_spec *spec)
{
	pthread_t tid[MAX_THREADS];
	struct job jobs[MAX_THREADS];
	pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	uint64_t threads = a->threads;
	size_t i;
	int rc = EXIT_OK;

	for (i = 0; i < threads; i++) {
		jobs[i].cells = cells;
		jobs[i].ncells = nc;
		jobs[i].seeds = a->seeds;
		jobs[i].baseline_rows = a->brows;
		jobs[i].thread = (unsigned)i;
		jobs[i].nthreads = (unsigned)threads;
		jobs[i].lock = &lock;
		jobs[i].cfg = &a->set.det;
		jobs[i].spec = spec;
		jobs[i].failed = 0;
		jobs[i].verbose = a->verbose;
		if (pthread_create(&tid[i], NULL, worker, &jobs[i]) != 0) {
			threads = i;
			rc = cli_fail("cannot start threads");
			break;
		}
	}
	for (i = 0; i < threads; i++) {
		pthread_join(tid[i], NULL);
		if (jobs[i].failed)
			rc = cli_fail("a simulation run failed");
	}
	return rc;
}

/* Step 4: the run's settings (t0: when it started). */
static void print_settings(const struct sim_args *a, time_t t0)
{
	const dm_detect_config *det = &a->set.det;
	const dm_test_info *ti = dm_test_info_of((dm_test_id)det->test);

	printf("Synthetic drift scenarios: %llu seeds, baseline %llu rows, "
	       "50 features + prediction (%lld s)\n",
	       (unsigned long long)a->seeds, (unsigned long long)a->brows,
	       (long long)(time(NULL) - t0));
	printf("Decision: alpha %g, PSI threshold %g, min KS D %g\n",
	       det->alpha, det->psi_threshold, det->min_ks_d);
	printf("Test: %s", ti->name);
	if (!ti->has_pvalue && det->test != DM_TEST_PSI)
		printf(" (threshold %g)", isnan(det->test_threshold)
						  ? ti->threshold
						  : det->test_threshold);
	printf("%s\n", det->test == DM_TEST_AUTO
			       ? " (KS, chi-square, z-test / Fisher)"
			       : " (columns it does not apply to: automatic)");
	printf("0/1 flags: %s\n\n",
	       a->booleans ? "booleans (--booleans)" : "numeric");
}

/* Step 5: each cell's rate against its target, then the tests of the
 * no-drift columns; EXIT_RUNTIME if a target was missed. */
static int print_rates(const struct sim_args *a, const struct cell *cells,
		       size_t nc)
{
	int by_test = a->set.det.test != DM_TEST_AUTO, rc = EXIT_OK, t;
	size_t i, met = 0, missed = 0;

	printf("%-38s %9s %10s %8s %-6s %s\n", "SCENARIO", "WINDOW", "RATE",
	       "TARGET", "", by_test ? "BY TEST" : "");
	for (i = 0; i < nc; i++) {
		const struct cell *cl = &cells[i];
		double r = cl->runs ? (double)cl->hits / cl->runs : 0.0;
		const char *target = "", *ok = "";

		if (cl->is_far) {
			target = "<= 5%";
			ok = r <= FAR_TARGET ? "ok" : "MISSED";
		} else if (cl->scen == DM_SCEN_MEAN_SHIFT) {
			target = ">= 99%";
			ok = r >= DETECTION_TARGET ? "ok" : "MISSED";
		}
		if (!strcmp(ok, "MISSED")) {
			rc = EXIT_RUNTIME;
			missed++;
		} else if (*ok) {
			met++;
		}
		printf("%-38s %9llu %9.1f%% %8s %-6s", cl->label,
		       (unsigned long long)cl->rows, 100.0 * r, target, ok);
		if (by_test && cl->runs)
			printf(" %6.1f%%", 100.0 * cl->by_test / cl->runs);
		putchar('\n');
	}
	printf("\nColumns per test (first seed):\n");
	for (i = 0; i < nc; i++) {
		if (!cells[i].is_far)
			continue;
		printf("  no drift, %llu rows:",
		       (unsigned long long)cells[i].rows);
		for (t = 0; t < DM_TEST_COUNT_; t++)
			if (cells[i].used[t])
				printf(" %s %u",
				       dm_test_info_of((dm_test_id)t)->name,
				       cells[i].used[t]);
		putchar('\n');
	}
	printf("\nTargets: %zu met, %zu missed\n", met, missed);
	return rc;
}

int cmd_simulate(int argc, char **argv)
{
	struct sim_args a = {0};
	struct cell cells[MAX_CELLS];
	char labels[MAX_CELLS][64];
	size_t nc;
	dm_spec spec;
	time_t t0 = time(NULL);
	int rc;

	if ((rc = parse_args(argc, argv, &a)) != EXIT_OK)
		return rc < 0 ? EXIT_OK : rc;
	if (a.perf)
		return simulate_performance(a.seeds, a.rrows, a.wrows,
					    a.set.det.alpha, a.min_drop);
	dm_spec_init(&spec);
	if (a.booleans && flags_spec(&spec) != DM_OK) {
		dm_spec_release(&spec);
		return cli_fail("out of memory");
	}
	nc = make_cells(&a, cells, labels);
	rc = run_workers(&a, cells, nc, a.booleans ? &spec : NULL);
	dm_spec_release(&spec);
	if (rc != EXIT_OK)
		return rc;
	print_settings(&a, t0);
	return print_rates(&a, cells, nc);
}
