/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Synthetic spam-detector-like data for demos, tests and benchmarks.
 *
 * A generator draws rows from a two-class mixture (ham / spam): the label
 * first, then at least 50 features conditional on it, shaped like the
 * original system's features (Poisson and negative-binomial counts,
 * ratios in [0, 1], heavy-tailed lengths, a few categorical ones, some
 * missing values), and a model score ("prediction").  A scenario changes
 * the distribution of the rows drawn by a generator opened with
 * drifted = 1.  Everything is a deterministic function of the seed.
 */
#ifndef DRIFTMON_SYNTH_H
#define DRIFTMON_SYNTH_H

#include <stddef.h>
#include <stdint.h>

#include "driftmon/error.h"
#include "driftmon/table.h"
#include "driftmon/export.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum dm_scenario {
	DM_SCEN_NONE = 0,      /* no drift */
	DM_SCEN_MEAN_SHIFT,    /* mean of k numeric features shifts by
				  magnitude x their standard deviation */
	DM_SCEN_SCALE,	       /* spread of k numeric features scales by
				  (1 + magnitude) */
	DM_SCEN_NEW_CATEGORY,  /* categorical features gain unseen values
				  (share = magnitude, capped at 0.9) */
	DM_SCEN_MISSING,       /* missing rate of k features rises to
				  magnitude (capped at 0.95) */
	DM_SCEN_PRIOR,	       /* spam share moves from 0.3 to magnitude */
	DM_SCEN_CORR_FLIP,     /* link_domain_count's ranks are reversed
				  within each batch: its marginal stays the
				  same, its correlation with url_count
				  (+0.92 in training) turns negative */
	DM_SCEN_CONCEPT,       /* concept drift: the label (and only it) is
				  flipped with probability magnitude (0.15)
				  after the features and the score are drawn:
				  the inputs and the scores keep their
				  training distribution, the model degrades */
	DM_SCEN_CONCEPT_INPUT, /* concept drift with input drift: labels
				  flipped as DM_SCEN_CONCEPT and the mean of
				  k numeric features shifted by 0.5 sd */
	DM_SCEN_COUNT_
} dm_scenario;

/* "none", "mean-shift", "scale", "new-category", "missing", "prior",
 * "correlation-flip", "concept-drift", "concept-input-drift". */
DM_API const char *dm_scenario_name(dm_scenario s);
/* Parses a name as above; returns -1 if unknown. */
DM_API int dm_scenario_parse(const char *name, dm_scenario *out);

typedef struct dm_synth_opts {
	uint64_t seed;
	dm_scenario scenario;
	unsigned nfeatures;	 /* >= 50; 0 = 50 */
	unsigned drift_features; /* k features the scenario touches; 0 = 5 */
	double magnitude; /* scenario strength; <= 0 = scenario default */
	int numeric_only; /* nonzero: only DOUBLE features (benchmarks) */
	int with_label;	  /* nonzero: add an integer "label" column */
} dm_synth_opts;

typedef struct dm_synth dm_synth;

/*
 * Opens a generator.  drifted = 0 draws from the training distribution,
 * 1 applies the scenario.  Two generators with the same options and
 * stream id draw the same rows; different stream ids give independent
 * streams (for example one per hour of logs).  Free with dm_synth_free().
 */
DM_API dm_err dm_synth_new(const dm_synth_opts *opts, int drifted,
			   uint64_t stream, dm_synth **out);
DM_API void dm_synth_free(dm_synth *g);

/* Columns: features in a fixed order, then "prediction" (a score in
 * [0, 1]) and, if asked, "label".  Names and types stay valid while g
 * lives. */
DM_API size_t dm_synth_ncols(const dm_synth *g);
DM_API const char *dm_synth_colname(const dm_synth *g, size_t i);
DM_API dm_coltype dm_synth_coltype(const dm_synth *g, size_t i);
/* 1 if column i is a 0/1 flag (a Bernoulli feature such as spf_pass),
 * which `simulate --booleans` declares boolean; else 0. */
DM_API int dm_synth_col_is_flag(const dm_synth *g, size_t i);
/* Names of the features the scenario touches, comma-separated (static
 * to g); "" for none. */
DM_API const char *dm_synth_drifted_names(const dm_synth *g);

/* Draws nrows rows into a batch owned by g (DOUBLE and STRING columns,
 * null flags for missing values), valid until the next call. */
DM_API dm_err dm_synth_next(dm_synth *g, size_t nrows, dm_batch **out);

#ifdef __cplusplus
}
#endif
#endif
