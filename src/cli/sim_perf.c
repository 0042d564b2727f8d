/* SPDX-License-Identifier: Apache-2.0 */
/*
 * driftmon simulate --performance: how often the performance alerts
 * fire.  For each seed, a reference (validation) set of the synthetic
 * spam detector's scores and labels gives the reference performance and
 * the CBPE calibrator, as `driftmon reference` does; then windows of each
 * scenario are compared with it, as `detect` does (dm_perf_compute +
 * dm_perf_compare): PERFORMANCE_DROP when a realized metric dropped,
 * ESTIMATED_PERFORMANCE_DROP when CBPE's band lies below the reference.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "driftmon/labels.h"
#include "driftmon/synth.h"

#define PS_MAXROWS 100000

/* Scores and labels of n rows of g, as the texts the join passes on. */
struct pairs_txt {
	char (*lab)[4];
	char (*sc)[32];
	const char **lp, **sp;
	double *score;
};

static dm_err draw_pairs(dm_synth *g, size_t n, struct pairs_txt *t)
{
	size_t nc = dm_synth_ncols(g), done = 0, i;

	while (done < n) {
		size_t k = n - done < 8192 ? n - done : 8192;
		dm_batch *b;
		dm_err err = dm_synth_next(g, k, &b);

		if (err != DM_OK)
			return err;
		for (i = 0; i < k; i++) {
			size_t j = done + i;
			double s = b->cols[nc - 2].f64[i];

			snprintf(t->lab[j], sizeof(t->lab[j]), "%d",
				 b->cols[nc - 1].f64[i] != 0.0);
			snprintf(t->sc[j], sizeof(t->sc[j]), "%.17g", s);
			t->lp[j] = t->lab[j];
			t->sp[j] = t->sc[j];
			t->score[j] = s;
		}
		done += k;
	}
	return DM_OK;
}

struct pcell {
	const char *label;
	dm_scenario scen;
	double magnitude;
	unsigned drift_features;
	unsigned realized, estimated, runs;
	double acc_real, acc_est; /* sums */
};

static dm_err run_window(const struct pcell *c, uint64_t seed, size_t rows,
			 const dm_refperf *ref, double alpha, double min_effect,
			 struct pairs_txt *t, int *real, int *est,
			 double *acc_real, double *acc_est)
{
	dm_synth_opts o = {0};
	dm_synth *g = NULL;
	dm_perf p;
	dm_err err;
	size_t m;

	o.seed = seed;
	o.scenario = c->scen;
	o.magnitude = c->magnitude;
	o.drift_features = c->drift_features;
	o.with_label = 1;
	err = dm_synth_new(&o, c->scen != DM_SCEN_NONE, 1, &g);
	if (err == DM_OK)
		err = draw_pairs(g, rows, t);
	dm_synth_free(g);
	if (err != DM_OK)
		return err;
	memset(&p, 0, sizeof(p));
	p.predictions = p.labelled = rows;
	err = dm_perf_compute(t->lp, t->sp, rows, &p);
	if (err == DM_OK && !(p.wscores = malloc(rows * sizeof(double))))
		err = DM_ENOMEM;
	if (err == DM_OK) {
		memcpy(p.wscores, t->score, rows * sizeof(double));
		p.nwscores = p.wscores_cap = rows;
		err = dm_perf_compare(&p, ref, alpha, min_effect);
	}
	*real = *est = 0;
	for (m = 0; err == DM_OK && m < DM_PERF_NCMP; m++) {
		*real |= p.drop[m].dropped;
		*est |= p.estimated_drop[m];
	}
	*acc_real = p.drop[DM_PERF_ACC].window;
	*acc_est = p.has_estimate ? p.estimate.value[0] : NAN;
	dm_perf_release(&p);
	return err;
}

int simulate_performance(uint64_t seeds, uint64_t ref_rows, uint64_t rows,
			 double alpha, double min_effect)
{
	struct pcell cells[] = {
		{.label = "same distribution (false alarms)",
		 .scen = DM_SCEN_NONE},
		{.label = "concept drift: 15% of labels flipped",
		 .scen = DM_SCEN_CONCEPT, .magnitude = 0.15},
		{.label = "concept drift: 5% of labels flipped",
		 .scen = DM_SCEN_CONCEPT, .magnitude = 0.05},
		{.label = "concept drift 15% + input shift 0.5 sd, 5 features",
		 .scen = DM_SCEN_CONCEPT_INPUT, .magnitude = 0.15,
		 .drift_features = 5},
		{.label = "covariate shift: mean shift 1 sd, 5 features",
		 .scen = DM_SCEN_MEAN_SHIFT, .magnitude = 1.0,
		 .drift_features = 5},
		{.label = "covariate shift: mean shift 2 sd, 5 features",
		 .scen = DM_SCEN_MEAN_SHIFT, .magnitude = 2.0,
		 .drift_features = 5},
		{.label = "covariate shift: mean shift 2 sd, 10 features",
		 .scen = DM_SCEN_MEAN_SHIFT, .magnitude = 2.0,
		 .drift_features = 10},
		{.label = "prior shift: spam share 0.3 -> 0.6",
		 .scen = DM_SCEN_PRIOR, .magnitude = 0.6},
	};
	size_t nc = sizeof(cells) / sizeof(cells[0]), i, n;
	struct pairs_txt t;
	uint64_t s;
	dm_err err = DM_OK;
	int rc = EXIT_OK;

	if (rows > PS_MAXROWS || ref_rows > PS_MAXROWS)
		return cli_usage("simulate", "--performance takes at most %d "
					     "rows per window and reference",
				 PS_MAXROWS);
	n = (size_t)(rows > ref_rows ? rows : ref_rows);
	t.lab = calloc(n, sizeof(*t.lab));
	t.sc = calloc(n, sizeof(*t.sc));
	t.lp = calloc(n, sizeof(*t.lp));
	t.sp = calloc(n, sizeof(*t.sp));
	t.score = calloc(n, sizeof(*t.score));
	if (!t.lab || !t.sc || !t.lp || !t.sp || !t.score) {
		rc = cli_fail("out of memory");
		goto out;
	}
	for (s = 1; s <= seeds && err == DM_OK; s++) {
		dm_synth_opts o = {0};
		dm_synth *g = NULL;
		dm_refperf ref;
		dm_diag diag;

		memset(&ref, 0, sizeof(ref));
		o.seed = s;
		o.with_label = 1;
		err = dm_synth_new(&o, 0, 2000000, &g);
		if (err == DM_OK)
			err = draw_pairs(g, (size_t)ref_rows, &t);
		dm_synth_free(g);
		if (err == DM_OK)
			err = dm_refperf_from_pairs(t.lp, t.sp, (size_t)ref_rows,
						    0.5, &ref, &diag);
		for (i = 0; i < nc && err == DM_OK; i++) {
			int real = 0, est = 0;
			double ar = NAN, ae = NAN;

			err = run_window(&cells[i], s, (size_t)rows, &ref,
					 alpha, min_effect, &t, &real, &est,
					 &ar, &ae);
			cells[i].realized += (unsigned)real;
			cells[i].estimated += (unsigned)est;
			cells[i].acc_real += ar;
			cells[i].acc_est += ae;
			cells[i].runs++;
		}
		dm_refperf_release(&ref);
	}
	if (err != DM_OK) {
		rc = cli_fail("simulation failed: %s", dm_strerror(err));
		goto out;
	}
	printf("Performance alerts: %llu seeds, reference %llu rows, windows "
	       "of %llu labelled rows; alpha %g, minimum drop %g\n\n",
	       (unsigned long long)seeds, (unsigned long long)ref_rows,
	       (unsigned long long)rows, alpha, min_effect);
	printf("%-58s %9s %9s %9s %9s\n", "scenario", "accuracy", "CBPE acc",
	       "realized", "estimated");
	printf("%-58s %9s %9s %9s %9s\n", "", "(mean)", "(mean)",
	       "PERF_DROP", "EST_DROP");
	for (i = 0; i < nc; i++)
		printf("%-58s %9.4f %9.4f %8.1f%% %8.1f%%\n", cells[i].label,
		       cells[i].acc_real / cells[i].runs,
		       cells[i].acc_est / cells[i].runs,
		       100.0 * cells[i].realized / cells[i].runs,
		       100.0 * cells[i].estimated / cells[i].runs);
	printf("\n(the first row's rates are false alarms; the others are "
	       "detections)\n");
out:
	free(t.lab);
	free(t.sc);
	free(t.lp);
	free(t.sp);
	free(t.score);
	return rc;
}
