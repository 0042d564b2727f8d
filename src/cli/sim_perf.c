/* SPDX-License-Identifier: Apache-2.0 */
/*
 * driftmon simulate --performance: how often the performance alerts
 * fire.  For each seed, a reference (validation) set of the synthetic
 * spam detector's scores and labels gives the reference performance and
 * the CBPE calibrator, as `driftmon reference` does; then windows of each
 * scenario are compared with it, as `detect` does (dm_perf_compute +
 * dm_perf_compare): PERFORMANCE_DROP when a realized metric dropped,
 * ESTIMATED_PERFORMANCE_DROP when CBPE's band lies below the reference.
 * Then the same for a classifier of four class names (accuracy, macro
 * F1) and a regression (MAE, RMSE), drawn here: their references as
 * `driftmon reference --task` measures them, their windows compared by
 * dm_perf_compute_task + dm_perf_compare.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "driftmon/labels.h"
#include "driftmon/synth.h"
#include "synth/rng.h"

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

/* ---- classifiers of class names and regressions --------------------- */

/* A scenario: for classes, the error rate (a wrong row takes another
 * class at random), the class mix, and whether the rare class 3 is
 * always taken for class 0; for a regression, the errors' scale and
 * bias (in sds) and whether they are Laplace (heavy tails, the
 * reference's too) rather than normal. */
struct tcell {
	const char *label;
	double err, prior[4];
	int rare_missed;
	double scale, bias;
	int laplace;
	unsigned any, m0, m1, runs;
	double v0, v1; /* sums of the window's two metrics */
};

struct tbuf {
	char (*lab)[32], (*pre)[32];
	const char **lp, **pp;
};

static void draw_class_rows(rng_gen *r, const struct tcell *c, size_t n,
			    struct tbuf *t)
{
	static const char *const names[4] = {"ant", "bee", "cod", "doe"};
	size_t i;

	for (i = 0; i < n; i++) {
		double u = rng_uniform(r), acc = 0.0;
		unsigned y = 0, yh;

		while (y < 3 && u >= (acc += c->prior[y]))
			y++;
		yh = y;
		if (c->rare_missed && y == 3)
			yh = 0;
		else if (rng_uniform(r) < c->err)
			yh = (y + 1 + rng_below(r, 3)) % 4;
		snprintf(t->lab[i], sizeof(t->lab[i]), "%s", names[y]);
		snprintf(t->pre[i], sizeof(t->pre[i]), "%s", names[yh]);
	}
}

/* Laplace with variance 1: scale 1/sqrt(2). */
static double laplace(rng_gen *r)
{
	double e = rng_exponential(r) / sqrt(2.0);

	return rng_bernoulli(r, 0.5) ? e : -e;
}

static void draw_regress_rows(rng_gen *r, const struct tcell *c, size_t n,
			      double scale, double bias, struct tbuf *t)
{
	size_t i;

	for (i = 0; i < n; i++) {
		double pred = 50.0 + 10.0 * rng_normal(r);
		double e = c->laplace ? laplace(r) : rng_normal(r);

		snprintf(t->pre[i], sizeof(t->pre[i]), "%.17g", pred);
		snprintf(t->lab[i], sizeof(t->lab[i]), "%.17g",
			 pred - bias - scale * e);
	}
}

static void draw_task(rng_gen *r, dm_perf_task task, const struct tcell *c,
		      size_t n, int window, struct tbuf *t)
{
	struct tcell ref = *c;

	if (task == DM_PERF_CLASSIFICATION) {
		if (!window) { /* the reference: 20% errors, the usual mix */
			ref.err = 0.2;
			ref.rare_missed = 0;
			ref.prior[0] = 0.4, ref.prior[1] = 0.3;
			ref.prior[2] = 0.2, ref.prior[3] = 0.1;
		}
		draw_class_rows(r, &ref, n, t);
	} else {
		draw_regress_rows(r, c, n, window ? c->scale : 1.0,
				  window ? c->bias : 0.0, t);
	}
}

/* One window of c against ref: counts its alerts into c. */
static dm_err task_window(rng_gen *r, dm_perf_task task, struct tcell *c,
			  size_t rows, const dm_refperf *ref, double alpha,
			  double min_effect, struct tbuf *t)
{
	dm_perf p;
	dm_err err;

	draw_task(r, task, c, rows, 1, t);
	memset(&p, 0, sizeof(p));
	p.predictions = p.labelled = rows;
	err = dm_perf_compute_task(t->lp, t->pp, rows, task, &p);
	if (err == DM_OK)
		err = dm_perf_compare(&p, ref, alpha, min_effect);
	if (err == DM_OK) {
		c->any += p.drop[0].dropped || p.drop[1].dropped;
		c->m0 += (unsigned)p.drop[0].dropped;
		c->m1 += (unsigned)p.drop[1].dropped;
		c->v0 += p.drop[0].window;
		c->v1 += p.drop[1].window;
		c->runs++;
	}
	dm_perf_release(&p);
	return err;
}

static void print_task(const char *title, const char *m0, const char *m1,
		       const struct tcell *cells, size_t nc)
{
	size_t i;

	printf("\n%s\n%-52s %9s %9s %9s %9s %9s\n", title, "scenario", m0, m1,
	       "any drop", m0, m1);
	printf("%-52s %9s %9s %9s %9s %9s\n", "", "(mean)", "(mean)", "",
	       "dropped", "dropped");
	for (i = 0; i < nc; i++) {
		double n = cells[i].runs ? cells[i].runs : 1;

		printf("%-52s %9.4f %9.4f %8.1f%% %8.1f%% %8.1f%%\n",
		       cells[i].label, cells[i].v0 / n, cells[i].v1 / n,
		       100.0 * cells[i].any / n, 100.0 * cells[i].m0 / n,
		       100.0 * cells[i].m1 / n);
	}
}

static dm_err run_task(dm_perf_task task, struct tcell *cells, size_t nc,
		       uint64_t seeds, size_t ref_rows, size_t rows,
		       double alpha, double min_effect, struct tbuf *t)
{
	uint64_t s;
	size_t i;
	dm_err err = DM_OK;

	for (s = 1; s <= seeds && err == DM_OK; s++) {
		for (i = 0; i < nc && err == DM_OK; i++) {
			rng_gen r;
			dm_refperf ref;
			dm_diag diag;

			rng_seed(&r, s, 1000 + 10 * (uint64_t)task + i);
			draw_task(&r, task, &cells[i], ref_rows, 0, t);
			err = dm_refperf_from_pairs_task(
				t->lp, t->pp, ref_rows, task, 0.5, &ref, &diag);
			if (err == DM_OK)
				err = task_window(&r, task, &cells[i], rows,
						  &ref, alpha, min_effect, t);
			dm_refperf_release(&ref);
		}
	}
	return err;
}

static int simulate_tasks(uint64_t seeds, size_t ref_rows, size_t rows,
			  double alpha, double min_effect)
{
#define MIX 0.4, 0.3, 0.2, 0.1
	struct tcell cls[] = {
		{.label = "same distribution (20% errors; false alarms)",
		 .err = 0.2,
		 .prior = {MIX}},
		{.label = "23% errors", .err = 0.23, .prior = {MIX}},
		{.label = "26% errors", .err = 0.26, .prior = {MIX}},
		{.label = "30% errors", .err = 0.30, .prior = {MIX}},
		{.label = "rare class (10%) always taken for another",
		 .err = 0.2,
		 .prior = {MIX},
		 .rare_missed = 1},
		{.label = "prior shift: mix 0.1/0.2/0.3/0.4, same errors",
		 .err = 0.2,
		 .prior = {0.1, 0.2, 0.3, 0.4}},
	};
#undef MIX
	struct tcell reg[] = {
		{.label = "same distribution, normal errors (false alarms)",
		 .scale = 1.0},
		{.label = "same distribution, Laplace errors (false alarms)",
		 .scale = 1.0,
		 .laplace = 1},
		{.label = "errors 5% wider", .scale = 1.05},
		{.label = "errors 10% wider", .scale = 1.10},
		{.label = "errors 20% wider", .scale = 1.20},
		{.label = "errors 10% wider, Laplace",
		 .scale = 1.10,
		 .laplace = 1},
		{.label = "bias of 0.3 sd", .scale = 1.0, .bias = 0.3},
	};
	size_t n = ref_rows > rows ? ref_rows : rows;
	struct tbuf t;
	dm_err err = DM_ENOMEM;
	int rc = EXIT_OK;

	t.lab = calloc(n, sizeof(*t.lab));
	t.pre = calloc(n, sizeof(*t.pre));
	t.lp = calloc(n, sizeof(*t.lp));
	t.pp = calloc(n, sizeof(*t.pp));
	if (t.lab && t.pre && t.lp && t.pp) {
		size_t i;

		for (i = 0; i < n; i++) {
			t.lp[i] = t.lab[i];
			t.pp[i] = t.pre[i];
		}
		err = run_task(DM_PERF_CLASSIFICATION, cls,
			       sizeof(cls) / sizeof(cls[0]), seeds, ref_rows,
			       rows, alpha, min_effect, &t);
		if (err == DM_OK)
			err = run_task(DM_PERF_REGRESSION, reg,
				       sizeof(reg) / sizeof(reg[0]), seeds,
				       ref_rows, rows, alpha, min_effect, &t);
	}
	if (err != DM_OK) {
		rc = cli_fail("simulation failed: %s", dm_strerror(err));
	} else {
		print_task(
			"Classifier of 4 class names (reference: 20% errors, "
			"mix 0.4/0.3/0.2/0.1); PERFORMANCE_DROP:",
			"accuracy", "macro F1", cls,
			sizeof(cls) / sizeof(cls[0]));
		print_task("Regression (reference: errors N(0, 1)); minimum "
			   "effect relative; PERFORMANCE_DROP:",
			   "MAE", "RMSE", reg, sizeof(reg) / sizeof(reg[0]));
	}
	free(t.lab);
	free(t.pre);
	free(t.lp);
	free(t.pp);
	return rc;
}

static void print_binary(const struct pcell *cells, size_t nc)
{
	size_t i;

	printf("%-58s %9s %9s %9s %9s\n", "scenario", "accuracy", "CBPE acc",
	       "realized", "estimated");
	printf("%-58s %9s %9s %9s %9s\n", "", "(mean)", "(mean)", "PERF_DROP",
	       "EST_DROP");
	for (i = 0; i < nc; i++)
		printf("%-58s %9.4f %9.4f %8.1f%% %8.1f%%\n", cells[i].label,
		       cells[i].acc_real / cells[i].runs,
		       cells[i].acc_est / cells[i].runs,
		       100.0 * cells[i].realized / cells[i].runs,
		       100.0 * cells[i].estimated / cells[i].runs);
	printf("\n(the first row's rates are false alarms; the others are "
	       "detections)\n");
}

int simulate_performance(uint64_t seeds, uint64_t ref_rows, uint64_t rows,
			 double alpha, double min_effect)
{
	struct pcell cells[] = {
		{.label = "same distribution (false alarms)",
		 .scen = DM_SCEN_NONE},
		{.label = "concept drift: 15% of labels flipped",
		 .scen = DM_SCEN_CONCEPT,
		 .magnitude = 0.15},
		{.label = "concept drift: 5% of labels flipped",
		 .scen = DM_SCEN_CONCEPT,
		 .magnitude = 0.05},
		{.label = "concept drift 15% + input shift 0.5 sd, 5 features",
		 .scen = DM_SCEN_CONCEPT_INPUT,
		 .magnitude = 0.15,
		 .drift_features = 5},
		{.label = "covariate shift: mean shift 1 sd, 5 features",
		 .scen = DM_SCEN_MEAN_SHIFT,
		 .magnitude = 1.0,
		 .drift_features = 5},
		{.label = "covariate shift: mean shift 2 sd, 5 features",
		 .scen = DM_SCEN_MEAN_SHIFT,
		 .magnitude = 2.0,
		 .drift_features = 5},
		{.label = "covariate shift: mean shift 2 sd, 10 features",
		 .scen = DM_SCEN_MEAN_SHIFT,
		 .magnitude = 2.0,
		 .drift_features = 10},
		{.label = "prior shift: spam share 0.3 -> 0.6",
		 .scen = DM_SCEN_PRIOR,
		 .magnitude = 0.6},
	};
	size_t nc = sizeof(cells) / sizeof(cells[0]), i, n;
	struct pairs_txt t;
	uint64_t s;
	dm_err err = DM_OK;
	int rc = EXIT_OK;

	if (rows > PS_MAXROWS || ref_rows > PS_MAXROWS)
		return cli_usage("simulate",
				 "--performance takes at most %d "
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
			err = dm_refperf_from_pairs(
				t.lp, t.sp, (size_t)ref_rows, 0.5, &ref, &diag);
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
	print_binary(cells, nc);
	rc = simulate_tasks(seeds, (size_t)ref_rows, (size_t)rows, alpha,
			    min_effect);
out:
	free(t.lab);
	free(t.sc);
	free(t.lp);
	free(t.sp);
	free(t.score);
	return rc;
}
