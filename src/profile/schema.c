/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Role and logical-type names, and the monitoring spec's in-memory form
 * (the YAML reader and writer live in spec_yaml.c).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "driftmon/profile.h"
#include "driftmon/schema.h"

static const char *const role_names[DM_ROLE_COUNT_] = {
	"feature",    "prediction", "label",  "event_time",
	"identifier", "text",	    "ignored"};
static const char *const ltype_names[DM_LTYPE_COUNT_] = {
	"unknown",     "numeric",   "integer", "boolean",
	"categorical", "timestamp", "text"};

const char *dm_role_name(dm_role r)
{
	return (unsigned)r < DM_ROLE_COUNT_ ? role_names[r] : "unknown";
}

int dm_role_parse(const char *s, dm_role *out)
{
	unsigned i;

	for (i = 0; i < DM_ROLE_COUNT_; i++)
		if (strcmp(s, role_names[i]) == 0) {
			*out = (dm_role)i;
			return 0;
		}
	return -1;
}

const char *dm_ltype_name(dm_ltype t)
{
	return (unsigned)t < DM_LTYPE_COUNT_ ? ltype_names[t] : "unknown";
}

int dm_ltype_parse(const char *s, dm_ltype *out)
{
	unsigned i;

	for (i = 1; i < DM_LTYPE_COUNT_; i++)
		if (strcmp(s, ltype_names[i]) == 0) {
			*out = (dm_ltype)i;
			return 0;
		}
	return -1;
}

const char *dm_origin_name(dm_origin o)
{
	switch (o) {
	case DM_ORIGIN_INFERRED:
		return "inferred";
	case DM_ORIGIN_FLAG:
		return "flag";
	case DM_ORIGIN_SPEC:
		return "spec";
	}
	return "unknown";
}

void dm_spec_init(dm_spec *s)
{
	memset(s, 0, sizeof(*s));
	s->version = DM_SPEC_FORMAT_VERSION;
	s->psi_threshold = NAN;
	s->alpha = NAN;
	s->critical_threshold = NAN;
	s->min_performance_drop = NAN;
}

static void free_strings(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void dm_spec_release(dm_spec *s)
{
	size_t i;

	if (!s)
		return;
	for (i = 0; i < s->ncols; i++) {
		free(s->cols[i].name);
		free(s->cols[i].test);
		free(s->cols[i].comment);
		free_strings(s->cols[i].missing, s->cols[i].nmissing);
	}
	free(s->cols);
	free(s->model);
	free(s->model_version);
	free_strings(s->missing, s->nmissing);
	memset(s, 0, sizeof(*s));
}

const dm_column_spec *dm_spec_find(const dm_spec *s, const char *name)
{
	size_t i;

	for (i = 0; s && i < s->ncols; i++)
		if (strcmp(s->cols[i].name, name) == 0)
			return &s->cols[i];
	return NULL;
}

int dm_role_analysed(dm_role r)
{
	return r == DM_ROLE_FEATURE || r == DM_ROLE_PREDICTION;
}
