/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A program outside the tree that embeds libdriftmon the way a user
 * would: it includes only the installed headers and links with
 * `pkg-config --cflags --libs driftmon` (tests/suites/install.sh builds
 * it against the shared and the static library).
 *
 * It builds a baseline from an in-memory CSV batch (a numeric column x
 * and a categorical column colour), writes it as baseline JSON and reads
 * it back, then compares two current batches with it: one from the same
 * distribution, one with x shifted by one standard deviation.  Each
 * comparison prints one line:
 *
 *   same: rows=4000 drift=no x=none|minor colour=none|minor
 *   shift: rows=4000 drift=yes x=drift colour=none|minor
 *
 * With two arguments (TRAIN.csv CURRENT.csv) it compares those files
 * instead and prints one line "files: rows=N drift=yes|no".
 * Exit status: 0, or 1 with a message on standard error.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <driftmon/detect.h>
#include <driftmon/error.h>
#include <driftmon/profile.h>
#include <driftmon/table.h>

enum { ROWS = 4000 };

static uint64_t lcg = 88172645463325252ull;

static double uniform(void)
{
	lcg = lcg * 6364136223846793005ull + 1442695040888963407ull;
	return (double)(lcg >> 11) * 0x1.0p-53;
}

/* Approximately standard normal (Irwin-Hall: the sum of 12 uniforms). */
static double normal(void)
{
	double s = 0;
	int i;

	for (i = 0; i < 12; i++)
		s += uniform();
	return s - 6.0;
}

/* A CSV of ROWS rows: x ~ N(shift, 1), colour in red/green/blue. */
static char *make_csv(double shift, size_t *len)
{
	static const char *const colours[] = {"red", "green", "green", "blue"};
	size_t cap = 64 + (size_t)ROWS * 40, n;
	char *buf = malloc(cap);
	int i;

	if (!buf)
		return NULL;
	n = (size_t)snprintf(buf, cap, "x,colour\n");
	for (i = 0; i < ROWS; i++)
		n += (size_t)snprintf(buf + n, cap - n, "%.6f,%s\n",
				      normal() + shift,
				      colours[(int)(uniform() * 4) & 3]);
	*len = n;
	return buf;
}

static int fail(const char *what, dm_err err, const dm_diag *diag)
{
	fprintf(stderr, "embed: %s: %s%s%s\n", what, dm_strerror(err),
		diag->msg[0] ? ": " : "", diag->msg);
	return 1;
}

/* Profiles the CSV into p (initialised here; release it even on error).
 * data (malloc'd, owned from here on) holds the CSV, or is NULL to read
 * the file name. */
static dm_err profile_csv(const char *name, char *data, size_t len,
			  const dm_profile_opts *opts, dm_profile *p,
			  dm_diag *diag)
{
	dm_reader_opts ro = {0};
	dm_source *src = NULL;
	dm_reader *r = NULL;
	dm_err err;

	dm_profile_init(p, opts); /* so that the caller can always release p */
	if (data)
		err = dm_source_open_mem(name, data, len, 1, &src);
	else
		err = dm_source_open_file(name, &src, diag);
	if (err != DM_OK) {
		free(data);
		return err;
	}
	err = dm_reader_open(src, &ro, &r, diag);
	if (err != DM_OK)
		return err;
	err = dm_profile_add_reader(p, opts, r, diag);
	dm_reader_free(r);
	if (err == DM_OK && !opts->reference)
		err = dm_profile_finish(p, diag);
	return err;
}

static const char *status_of(const dm_result *res, const char *name)
{
	size_t i;

	for (i = 0; i < res->nfeatures; i++)
		if (!strcmp(res->features[i].base->name, name))
			return dm_status_name(res->features[i].status);
	return "absent";
}

/* Profiles the current data against base, compares, prints one line. */
static int compare(const char *label, const dm_profile *base, const char *name,
		   char *data, size_t len)
{
	dm_profile_opts opts = {0};
	dm_detect_config cfg;
	dm_result res;
	dm_profile cur;
	dm_diag diag;
	dm_err err;
	int rc = 0;

	dm_diag_clear(&diag);
	opts.reference = base;
	err = profile_csv(name, data, len, &opts, &cur, &diag);
	if (err != DM_OK) {
		dm_profile_release(&cur);
		return fail(name, err, &diag);
	}
	dm_detect_config_init(&cfg);
	memset(&res, 0, sizeof(res));
	err = dm_detect(base, &cur, &cfg, &res, &diag);
	if (err != DM_OK) {
		rc = fail("dm_detect", err, &diag);
	} else if (data) {
		printf("%s: rows=%llu drift=%s x=%s colour=%s\n", label,
		       (unsigned long long)res.samples,
		       res.drift_detected ? "yes" : "no", status_of(&res, "x"),
		       status_of(&res, "colour"));
	} else {
		printf("%s: rows=%llu drift=%s\n", label,
		       (unsigned long long)res.samples,
		       res.drift_detected ? "yes" : "no");
	}
	dm_result_release(&res);
	dm_profile_release(&cur);
	return rc;
}

int main(int argc, char **argv)
{
	dm_profile_opts opts = {0};
	dm_profile built, base;
	dm_diag diag;
	char *data, *json = NULL;
	size_t len, jlen;
	dm_err err;
	int rc;

	dm_diag_clear(&diag);
	if (argc == 3) {
		opts.strict = 1;
		err = profile_csv(argv[1], NULL, 0, &opts, &base, &diag);
		if (err != DM_OK) {
			dm_profile_release(&base);
			return fail(argv[1], err, &diag);
		}
		rc = compare("files", &base, argv[2], NULL, 0);
		dm_profile_release(&base);
		return rc;
	}
	if (argc != 1) {
		fprintf(stderr, "usage: embed [TRAIN.csv CURRENT.csv]\n");
		return 2;
	}

	/* The baseline, through its JSON form as a store would keep it. */
	if (!(data = make_csv(0.0, &len)))
		return fail("make_csv", DM_ENOMEM, &diag);
	opts.strict = 1;
	err = profile_csv("train.csv", data, len, &opts, &built, &diag);
	if (err == DM_OK)
		err = dm_baseline_to_json(&built, &json, &jlen);
	dm_profile_release(&built);
	if (err != DM_OK)
		return fail("baseline", err, &diag);
	err = dm_baseline_from_json(json, jlen, "baseline.json", &base, &diag);
	free(json);
	if (err != DM_OK)
		return fail("baseline.json", err, &diag);

	rc = 0;
	if (!(data = make_csv(0.0, &len)))
		rc = fail("make_csv", DM_ENOMEM, &diag);
	else
		rc |= compare("same", &base, "same.csv", data, len);
	if (!(data = make_csv(1.0, &len)))
		rc = fail("make_csv", DM_ENOMEM, &diag);
	else
		rc |= compare("shift", &base, "shift.csv", data, len);
	dm_profile_release(&base);
	return rc;
}
