/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The hourly job's settings (driftmon/job.h): the DRIFT_* variables and
 * the flags of the same meaning, one table for both, with a record of
 * which were given so that the monitoring spec stored with the baseline
 * fills only the others.  Precedence, highest first: flag (applied last),
 * environment, stored spec, built-in default.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "driftmon/job.h"
#include "driftmon/stats.h"

struct setting {
	const char *env;
	const char *flag;
	double lo, hi; /* accepted range, inclusive */
	int integer;
	const char *what;
};

static const struct setting settings[] = {
	{"DRIFT_PSI_THRESHOLD", "psi-threshold", 0.0, 100.0, 0,
	 "a number >= 0"},
	{"DRIFT_ANALYSIS_WINDOW_HOURS", "window-hours", 1, 24 * 366, 1,
	 "a whole number of hours from 1 to 8784"},
	{"DRIFT_MIN_SAMPLES", "min-samples", 1, 1e15, 1, "a whole number >= 1"},
	{"DRIFT_SCORE_CRITICAL_THRESHOLD", "critical-threshold", 0.0, 1.0, 0,
	 "a number from 0 to 1"},
	{"DRIFT_ALPHA", "alpha", 1e-12, 0.5, 0,
	 "a significance level in (0, 0.5]"},
	{"DRIFT_MIN_KS_D", "min-ks-d", 0.0, 1.0, 0, "a number from 0 to 1"},
};
#define NSETTINGS (sizeof(settings) / sizeof(settings[0]))

/* Strict: the whole string, a finite number. */
static int parse_double(const char *s, double *out)
{
	char *end;
	double x;

	if (!s || !*s)
		return -1;
	errno = 0;
	x = strtod(s, &end);
	if (*end || errno || !isfinite(x))
		return -1;
	*out = x;
	return 0;
}

static void apply(dm_job_settings *s, size_t i, double v)
{
	s->given |= 1u << i;
	switch (i) {
	case 0:
		s->det.psi_threshold = v;
		break;
	case 1:
		s->window_hours = v;
		break;
	case 2:
		s->det.min_samples = (uint64_t)v;
		break;
	case 3:
		s->det.critical_threshold = v;
		break;
	case 4:
		s->det.alpha = v;
		break;
	case 5:
		s->det.min_ks_d = v;
		break;
	}
}

static int check(size_t i, const char *value, double *v)
{
	const struct setting *st = &settings[i];

	if (parse_double(value, v) < 0 || *v < st->lo || *v > st->hi ||
	    (st->integer && *v != floor(*v)))
		return -1;
	return 0;
}

void dm_job_settings_init(dm_job_settings *s)
{
	dm_detect_config_init(&s->det);
	s->window_hours = DM_JOB_WINDOW_HOURS;
	s->given = 0;
}

dm_err dm_job_settings_from_env(dm_job_settings *s, dm_diag *diag)
{
	size_t i;

	dm_job_settings_init(s);
	for (i = 0; i < NSETTINGS; i++) {
		const char *e = getenv(settings[i].env);
		double v;

		if (!e)
			continue;
		if (check(i, e, &v) < 0)
			return dm_diag_set(diag, DM_EINVAL, NULL, 0, NULL,
					   "invalid %s='%s': expected %s",
					   settings[i].env, e,
					   settings[i].what);
		apply(s, i, v);
	}
	return DM_OK;
}

dm_err dm_job_settings_set(dm_job_settings *s, const char *name,
			   const char *value, dm_diag *diag)
{
	size_t i;
	double v;

	if (!name)
		return DM_ENOENT;
	if (strcmp(name, "test") == 0) {
		int id = dm_test_from_name(value);

		if (id < 0)
			return dm_diag_set(diag, DM_EINVAL, NULL, 0, NULL,
					   "invalid --test '%s': expected one "
					   "of %s",
					   value ? value : "",
					   dm_test_names_list());
		s->det.test = id;
		return DM_OK;
	}
	if (strcmp(name, "test-threshold") == 0) {
		if (parse_double(value, &v) < 0 || v < 0.0 || v > 100.0)
			return dm_diag_set(diag, DM_EINVAL, NULL, 0, NULL,
					   "invalid --test-threshold '%s': "
					   "expected a number from 0 to 100",
					   value ? value : "");
		s->det.test_threshold = v;
		return DM_OK;
	}
	for (i = 0; i < NSETTINGS; i++) {
		if (strcmp(name, settings[i].flag) != 0)
			continue;
		if (check(i, value, &v) < 0)
			return dm_diag_set(diag, DM_EINVAL, NULL, 0, NULL,
					   "invalid --%s '%s': expected %s",
					   name, value ? value : "",
					   settings[i].what);
		apply(s, i, v);
		return DM_OK;
	}
	return DM_ENOENT;
}

int dm_job_settings_given(const dm_job_settings *s, const char *name)
{
	size_t i;

	for (i = 0; name && i < NSETTINGS; i++)
		if (strcmp(name, settings[i].flag) == 0)
			return (s->given >> i) & 1;
	return 0;
}

void dm_job_settings_apply_spec(dm_job_settings *s, const dm_spec *spec,
				dm_profile *base)
{
	size_t i;

	if (!isnan(spec->psi_threshold) &&
	    !dm_job_settings_given(s, "psi-threshold"))
		s->det.psi_threshold = spec->psi_threshold;
	if (!isnan(spec->alpha) && !dm_job_settings_given(s, "alpha"))
		s->det.alpha = spec->alpha;
	if (!isnan(spec->critical_threshold) &&
	    !dm_job_settings_given(s, "critical-threshold"))
		s->det.critical_threshold = spec->critical_threshold;
	if (spec->has_min_samples && !dm_job_settings_given(s, "min-samples"))
		s->det.min_samples = spec->min_samples;
	for (i = 0; base && i < spec->ncols; i++) {
		const dm_column_spec *c = &spec->cols[i];
		dm_feature *f = dm_profile_find(base, c->name);

		if (!f)
			continue;
		if (c->test)
			snprintf(f->test, sizeof(f->test), "%s", c->test);
		if (!isnan(c->psi_threshold))
			f->psi_threshold = c->psi_threshold;
		if (!isnan(c->min_effect))
			f->min_effect = c->min_effect;
		if (!isnan(c->importance))
			f->importance = c->importance;
	}
}

void dm_job_opts_init(dm_job_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->at = DM_JOB_NOW;
	dm_job_settings_init(&o->settings);
	o->label_max_delay_hours = DM_JOB_LABEL_MAX_DELAY_HOURS;
	o->min_performance_drop = NAN; /* the spec's, else the built-in */
	o->threads = 1;
	o->hourly = 1;
}

unsigned dm_job_threads_from_env(void)
{
	const char *e = getenv("DRIFTMON_THREADS");
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	char *end;
	unsigned long long n;

	if (e && *e >= '0' && *e <= '9') {
		errno = 0;
		n = strtoull(e, &end, 10);
		if (!*end && !errno && n >= 1 && n <= 8)
			return (unsigned)n;
	}
	if (cpus < 1)
		return 1;
	return cpus > 4 ? 4 : (unsigned)cpus;
}

dm_err dm_job_opts_from_env(dm_job_opts *o, dm_diag *diag)
{
	dm_job_opts_init(o);
	o->threads = dm_job_threads_from_env();
	return dm_job_settings_from_env(&o->settings, diag);
}
