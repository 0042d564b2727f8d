/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The monitoring spec on the command line (docs/spec-format.md):
 * `baseline --spec FILE` reads it and profiles with it, `baseline
 * --suggest-spec FILE` writes what was inferred, the baseline keeps the
 * spec's text, and `detect` applies the stored spec's model defaults
 * below the environment and the flags:
 *
 *   command-line flag > environment variable > spec > built-in default
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "driftmon/schema.h"

void cli_spec_init(cli_spec *cs)
{
	memset(cs, 0, sizeof(*cs));
	dm_spec_init(&cs->spec);
}

void cli_spec_release(cli_spec *cs)
{
	if (!cs)
		return;
	dm_spec_release(&cs->spec);
	free(cs->text);
	cs->text = NULL;
}

/* Reads at most DM_SPEC_MAX_BYTES of path; prints the error. */
static int read_spec_file(const char *path, char **out, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *buf = NULL;
	size_t n = 0;
	int rc = EXIT_OK;

	*out = NULL;
	*len = 0;
	if (!fp)
		return cli_fail("cannot read spec '%s': %s", path,
				strerror(errno));
	buf = malloc(DM_SPEC_MAX_BYTES + 2);
	if (!buf) {
		rc = cli_fail("out of memory");
		goto out;
	}
	n = fread(buf, 1, DM_SPEC_MAX_BYTES + 1, fp);
	if (ferror(fp)) {
		rc = cli_fail("cannot read spec '%s': %s", path,
			      strerror(errno));
		goto out;
	}
	if (n > DM_SPEC_MAX_BYTES) {
		fprintf(stderr,
			"driftmon: invalid spec: '%s': larger than %u bytes "
			"(the limit of a spec file)\n",
			path, DM_SPEC_MAX_BYTES);
		rc = EXIT_USAGE;
		goto out;
	}
	buf[n] = '\0';
	*out = buf;
	*len = n;
	buf = NULL;
out:
	free(buf);
	fclose(fp);
	return rc;
}

int cli_spec_load(cli_spec *cs, const char *cmd, const char *model,
		  const char *version, dm_profile_opts *po)
{
	dm_diag diag;
	size_t len;
	dm_err err;
	int rc;

	if (!cs->file)
		return EXIT_OK;
	if ((rc = read_spec_file(cs->file, &cs->text, &len)) != EXIT_OK)
		return rc;
	dm_diag_clear(&diag);
	err = dm_spec_parse_yaml(cs->text, len, cs->file, &cs->spec, &diag);
	if (err == DM_ENOMEM)
		return cli_fail("out of memory");
	if (err != DM_OK) {
		fprintf(stderr, "driftmon: invalid spec: %s\n", diag.msg);
		return EXIT_USAGE;
	}
	if (model && cs->spec.model && strcmp(model, cs->spec.model) != 0)
		return cli_usage(cmd, "spec '%s' is for model '%s', not '%s'",
				 cs->file, cs->spec.model, model);
	if (version && cs->spec.model_version &&
	    strcmp(version, cs->spec.model_version) != 0)
		return cli_usage(cmd, "spec '%s' is for version '%s', not '%s'",
				 cs->file, cs->spec.model_version, version);
	po->spec = &cs->spec;
	return EXIT_OK;
}

/* Copies what the profile does not record from the spec it was built
 * with into the suggestion: model defaults, per-column alpha and missing
 * markers, and the columns the profile does not have. */
static dm_err keep_given(dm_spec *sug, const dm_spec *given)
{
	size_t i, j, n = sug->ncols;
	dm_column_spec *cols;

	sug->psi_threshold = given->psi_threshold;
	sug->alpha = given->alpha;
	sug->critical_threshold = given->critical_threshold;
	sug->min_performance_drop = given->min_performance_drop;
	sug->has_min_samples = given->has_min_samples;
	sug->min_samples = given->min_samples;
	if (given->has_missing && !sug->has_missing) {
		sug->missing = calloc(given->nmissing + 1, sizeof(char *));
		if (!sug->missing)
			return DM_ENOMEM;
		sug->has_missing = 1;
		for (j = 0; j < given->nmissing; j++, sug->nmissing++)
			if (!(sug->missing[j] = strdup(given->missing[j])))
				return DM_ENOMEM;
	}
	cols = realloc(sug->cols, (n + given->ncols + 1) * sizeof(*cols));
	if (!cols)
		return DM_ENOMEM;
	sug->cols = cols;
	for (i = 0; i < given->ncols; i++) {
		const dm_column_spec *g = &given->cols[i];
		dm_column_spec *c = NULL;

		for (j = 0; j < n && !c; j++)
			if (strcmp(sug->cols[j].name, g->name) == 0)
				c = &sug->cols[j];
		if (!c) {
			/* not in the data: kept as the user wrote it */
			c = &sug->cols[sug->ncols++];
			memset(c, 0, sizeof(*c));
			c->psi_threshold = g->psi_threshold;
			c->min_effect = g->min_effect;
			c->importance = g->importance;
			c->has_role = g->has_role;
			c->role = g->role;
			c->has_type = g->has_type;
			c->type = g->type;
			if (!(c->name = strdup(g->name)) ||
			    (g->test && !(c->test = strdup(g->test))) ||
			    !(c->comment = strdup("spec: not in the data")))
				return DM_ENOMEM;
		}
		c->alpha = g->alpha;
		if (g->has_missing && !c->has_missing) {
			c->missing = calloc(g->nmissing + 1, sizeof(char *));
			if (!c->missing)
				return DM_ENOMEM;
			c->has_missing = 1;
			for (j = 0; j < g->nmissing; j++, c->nmissing++)
				if (!(c->missing[j] = strdup(g->missing[j])))
					return DM_ENOMEM;
		}
	}
	return DM_OK;
}

static int write_suggestion(cli_spec *cs, const dm_profile *p)
{
	dm_spec sug;
	char *yaml = NULL;
	size_t len = 0;
	dm_err err;
	int rc;

	err = dm_spec_from_profile(p, &sug);
	if (err == DM_OK && cs->file)
		err = keep_given(&sug, &cs->spec);
	if (err == DM_OK)
		err = dm_spec_to_yaml(&sug, &yaml, &len);
	dm_spec_release(&sug);
	if (err == DM_EINVAL)
		return cli_fail("cannot write spec '%s': a column name is not "
				"valid UTF-8",
				cs->suggest_file);
	if (err != DM_OK)
		return cli_fail_err(err, NULL, "cannot write the spec");
	rc = cli_write_file_atomic(cs->suggest_file, yaml, len);
	free(yaml);
	if (rc == EXIT_OK && strcmp(cs->suggest_file, "-") != 0)
		printf("Suggested spec written to %s\n", cs->suggest_file);
	return rc;
}

int cli_spec_after_baseline(cli_spec *cs, dm_profile *p)
{
	if (cs->text) {
		free(p->spec_yaml);
		p->spec_yaml = strdup(cs->text);
		if (!p->spec_yaml)
			return cli_fail("out of memory");
	}
	if (cs->suggest_file)
		return write_suggestion(cs, p);
	return EXIT_OK;
}
