/* SPDX-License-Identifier: Apache-2.0 */
/* driftmon baseline: profile training data into a stored baseline. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "core/termsafe.h"
#include "driftmon/layout.h"
#include "driftmon/profile.h"
#include "driftmon/store.h"

static const char help[] =
	"usage: driftmon baseline --model NAME --version V --input FILE...\n"
	"\n"
	"Profiles training data (CSV or Parquet) and writes\n"
	"baselines/<model>/<version>/baseline.json to the store.\n"
	"\n"
	"  -m, --model NAME        model name (no '/' or '..')\n"
	"  -v, --version V         model version\n"
	"  -i, --input FILE        training data; repeat, or list files after\n"
	"                          the options\n"
	"      --features a,b      profile only these columns\n"
	"      --exclude a,b       never profile these columns\n"
	"      --categorical a,b   treat these columns as categorical (text\n"
	"                          columns are categorical anyway)\n"
	"      --role COL=ROLE     set a column's role (repeatable; also\n"
	"                          a=identifier,b=text): feature, prediction,\n"
	"                          label, event_time, identifier, text,\n"
	"                          ignored\n"
	"      --type COL=TYPE     set a column's logical type (repeatable):\n"
	"                          numeric, integer, boolean, categorical,\n"
	"                          timestamp, text\n"
	"      --missing-values LIST\n"
	"                          the strings read as missing, comma-\n"
	"                          separated (default NA,N/A,n/a,NULL,null,\n"
	"                          None,<NA>,#N/A,#NA,#N/A N/A; '' for none)\n"
	"      --importance a=2,b=0.5\n"
	"                          feature weights in the drift score\n"
	"                          (default 1 each)\n"
	"      --bins N            PSI quantile bins (default 10, 2-100)\n"
	"      --sketch-k K        values kept exactly per feature before\n"
	"                          the quantile sketch compacts (default "
	"16384)\n"
	"      --store URL         storage (default $DRIFTMON_STORE or\n"
	"                          ./driftmon-data)\n"
	"      --output FILE       also write the baseline JSON to FILE\n"
	"      --spec FILE         monitoring spec (YAML): roles, types,\n"
	"                          tests and thresholds per column; stored\n"
	"                          with the baseline (docs/spec-format.md)\n"
	"      --suggest-spec FILE write the spec driftmon inferred to FILE\n"
	"      --dry-run           profile and write --suggest-spec or\n"
	"                          --output, but store no baseline\n"
	"  -h, --help              this help\n"
	"\n"
	"Every column gets a role and a logical type, inferred from the\n"
	"file's types and the values (docs/schema.md) unless set; the table\n"
	"printed after the build says which columns are monitored and why.\n"
	"Identifiers, event times, free text, labels and ignored columns\n"
	"are recorded, never drift features; the columns timestamp,\n"
	"model_name, model_version and request_id never are.  In training\n"
	"data an unparsable number, NaN or infinity is an error naming the\n"
	"file, row and column; an empty field is a missing value.\n";

enum { O_FEATURES = 256, O_EXCLUDE, O_CATEGORICAL, O_IMPORTANCE, O_BINS,
       O_SKETCH, O_STORE, O_OUTPUT, O_SPEC, O_SUGGEST, O_DRYRUN, O_ROLE,
       O_TYPE, O_MISSING };

static const struct option longopts[] = {
	{"model", required_argument, NULL, 'm'},
	{"version", required_argument, NULL, 'v'},
	{"input", required_argument, NULL, 'i'},
	{"features", required_argument, NULL, O_FEATURES},
	{"exclude", required_argument, NULL, O_EXCLUDE},
	{"categorical", required_argument, NULL, O_CATEGORICAL},
	{"importance", required_argument, NULL, O_IMPORTANCE},
	{"bins", required_argument, NULL, O_BINS},
	{"sketch-k", required_argument, NULL, O_SKETCH},
	{"store", required_argument, NULL, O_STORE},
	{"output", required_argument, NULL, O_OUTPUT},
	{"spec", required_argument, NULL, O_SPEC},
	{"suggest-spec", required_argument, NULL, O_SUGGEST},
	{"dry-run", no_argument, NULL, O_DRYRUN},
	{"role", required_argument, NULL, O_ROLE},
	{"type", required_argument, NULL, O_TYPE},
	{"missing-values", required_argument, NULL, O_MISSING},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

static int parse_importance(const char *s, char ***names, double **vals)
{
	char **items = cli_split_list(s);
	size_t n = 0, i;

	while (items && items[n])
		n++;
	*names = calloc(n + 1, sizeof(char *));
	*vals = calloc(n + 1, sizeof(double));
	if (!items || !*names || !*vals) {
		cli_free_list(items);
		return -1;
	}
	for (i = 0; i < n; i++) {
		char *eq = strchr(items[i], '=');

		if (!eq || eq == items[i] ||
		    cli_parse_double(eq + 1, &(*vals)[i]) < 0 ||
		    (*vals)[i] < 0) {
			cli_free_list(items);
			return -1;
		}
		*eq = '\0';
		(*names)[i] = strdup(items[i]);
	}
	cli_free_list(items);
	return 0;
}

/* Overrides of --role / --type: names and values, parallel. */
struct overrides {
	char **names; /* NULL-terminated */
	int *vals;
	size_t n;
};

/* Adds "a=x,b=y" to o; parse maps a value name to its code (0) or fails
 * (-1).  Returns 0, or -1 naming nothing (the caller reports). */
static int add_overrides(struct overrides *o, const char *arg,
			 int (*parse)(const char *, int *))
{
	char **items = cli_split_list(arg);
	size_t i;
	int rc = items && items[0] ? 0 : -1;

	for (i = 0; rc == 0 && items[i]; i++) {
		char *eq = strchr(items[i], '=');
		char **nn;
		int *nv, v;

		if (!eq || eq == items[i] || parse(eq + 1, &v) < 0) {
			rc = -1;
			break;
		}
		*eq = '\0';
		nn = cli_list_append(o->names, items[i]);
		if (!nn) {
			rc = -1;
			break;
		}
		o->names = nn;
		nv = realloc(o->vals, (o->n + 1) * sizeof(int));
		if (!nv) {
			rc = -1;
			break;
		}
		o->vals = nv;
		o->vals[o->n++] = v;
	}
	cli_free_list(items);
	return rc;
}

static int parse_role(const char *s, int *out)
{
	dm_role r;

	if (dm_role_parse(s, &r) < 0)
		return -1;
	*out = (int)r;
	return 0;
}

static int parse_ltype(const char *s, int *out)
{
	dm_ltype t;

	if (dm_ltype_parse(s, &t) < 0)
		return -1;
	*out = (int)t;
	return 0;
}

/* Columns per role and analysis kind, for the summary line. */
static void count_columns(const dm_profile *p, size_t *nfeat, size_t *nnum,
			  size_t *ncat, size_t *nother)
{
	size_t i;

	*nfeat = *nnum = *ncat = *nother = 0;
	for (i = 0; i < p->nfeat; i++) {
		const dm_feature *f = &p->feat[i];

		if (!dm_role_analysed(f->role)) {
			(*nother)++;
			continue;
		}
		(*nfeat)++;
		*nnum += f->type == DM_FEATURE_NUMERIC;
		*ncat += f->type == DM_FEATURE_CATEGORICAL;
	}
}

/*
 * The column table: what is monitored and why.  Names longer than the
 * column are cut with '~' so that 50+ columns stay one line each.
 */
static void print_columns(const dm_profile *p)
{
	size_t i, j, w = 6;

	/* names from data: escaped for the terminal (core/termsafe.h) */
	for (i = 0; i < p->nfeat; i++) {
		size_t n = strlen(term_safe(p->feat[i].name));

		if (n > w)
			w = n;
	}
	if (w > 28)
		w = 28;
	printf("\n%-*s  %-10s  %-11s  %7s  %s\n", (int)w, "COLUMN", "ROLE",
	       "TYPE", "MISSING", "WHY");
	for (i = 0; i < p->nfeat; i++) {
		const dm_feature *f = &p->feat[i];
		const char *name = term_safe(f->name);
		size_t n = strlen(name);
		char marks[120];
		size_t off = 0;

		marks[0] = '\0';
		for (j = 0; j < f->nna && off < sizeof(marks); j++)
			if (f->na_counts[j])
				off += (size_t)snprintf(
					marks + off, sizeof(marks) - off,
					"%s'%s' %llu", off ? ", " : "",
					term_safe(f->na_markers[j]),
					(unsigned long long)f->na_counts[j]);
		if (n > w)
			printf("%.*s~", (int)w - 1, name);
		else
			printf("%-*s", (int)w, name);
		printf("  %-10s  %-11s  %7llu  %s%s%s%s\n", dm_role_name(f->role),
		       dm_ltype_name(f->ltype), (unsigned long long)f->missing,
		       term_safe(f->reason), marks[0] ? " (missing: " : "", marks,
		       marks[0] ? ")" : "");
	}
}

int cmd_baseline(int argc, char **argv)
{
	const char *model = NULL, *version = NULL, *store_flag = NULL,
		   *output = NULL;
	char **inputs = calloc(1, sizeof(char *)), **features = NULL,
	     **exclude = NULL, **categorical = NULL, **imp_names = NULL,
	     **missing = NULL;
	struct overrides roles = {0}, types = {0};
	dm_role *role_vals = NULL;
	dm_ltype *type_vals = NULL;
	double *imp_vals = NULL;
	dm_profile_opts po = {0};
	dm_profile prof;
	cli_spec spec;
	dm_store *st = NULL;
	dm_diag diag;
	char key[DM_LAYOUT_KEY_MAX], *json = NULL, *loc = NULL, ts[32];
	size_t len, i, nnum = 0, ncat = 0, nfeat = 0, nother = 0;
	uint64_t u;
	int c, rc = EXIT_OK;
	dm_err err;

	dm_profile_init(&prof, NULL);
	cli_spec_init(&spec);
	optind = 0;
	while ((c = getopt_long(argc, argv, "m:v:i:h", longopts, NULL)) !=
	       -1) {
		switch (c) {
		case 'm': model = optarg; break;
		case 'v': version = optarg; break;
		case 'i': inputs = cli_list_append(inputs, optarg); break;
		case O_FEATURES:
			cli_free_list(features);
			features = cli_split_list(optarg);
			break;
		case O_EXCLUDE:
			cli_free_list(exclude);
			exclude = cli_split_list(optarg);
			break;
		case O_CATEGORICAL:
			cli_free_list(categorical);
			categorical = cli_split_list(optarg);
			break;
		case O_IMPORTANCE:
			if (parse_importance(optarg, &imp_names, &imp_vals)) {
				rc = cli_usage("baseline",
					       "invalid --importance '%s': "
					       "expected name=weight,... with "
					       "weights >= 0",
					       optarg);
				goto out;
			}
			break;
		case O_BINS:
			if ((rc = cli_parse_bins("baseline", optarg,
						 &po.nbins)) != EXIT_OK)
				goto out;
			break;
		case O_SKETCH:
			if (cli_parse_u64(optarg, &u) < 0 || u < 16 ||
			    u > (1u << 24)) {
				rc = cli_usage("baseline",
					       "invalid --sketch-k '%s': "
					       "expected 16 to 16777216",
					       optarg);
				goto out;
			}
			po.sketch_k = (uint32_t)u;
			break;
		case O_ROLE:
			if (add_overrides(&roles, optarg, parse_role) < 0) {
				rc = cli_usage("baseline",
					       "invalid --role '%s': expected "
					       "COLUMN=ROLE with ROLE one of "
					       "feature, prediction, label, "
					       "event_time, identifier, text, "
					       "ignored",
					       optarg);
				goto out;
			}
			break;
		case O_TYPE:
			if (add_overrides(&types, optarg, parse_ltype) < 0) {
				rc = cli_usage("baseline",
					       "invalid --type '%s': expected "
					       "COLUMN=TYPE with TYPE one of "
					       "numeric, integer, boolean, "
					       "categorical, timestamp, text",
					       optarg);
				goto out;
			}
			break;
		case O_MISSING:
			cli_free_list(missing);
			missing = cli_split_list(optarg);
			if (!missing) {
				rc = cli_fail("out of memory");
				goto out;
			}
			break;
		case O_STORE: store_flag = optarg; break;
		case O_OUTPUT: output = optarg; break;
		case O_SPEC: spec.file = optarg; break;
		case O_SUGGEST: spec.suggest_file = optarg; break;
		case O_DRYRUN: spec.dry_run = 1; break;
		case 'h':
			fputs(help, stdout);
			goto out;
		default:
			rc = cli_bad_option("baseline", argc, argv);
			goto out;
		}
	}
	for (i = (size_t)optind; i < (size_t)argc; i++)
		inputs = cli_list_append(inputs, argv[i]);
	if (!inputs) {
		rc = cli_fail("out of memory");
		goto out;
	}
	if ((rc = cli_check_model("baseline", model, version)) != EXIT_OK)
		goto out;
	if (!inputs[0]) {
		rc = cli_usage("baseline", "no input files (--input FILE)");
		goto out;
	}
	po.features = (const char *const *)features;
	po.exclude = (const char *const *)exclude;
	po.categorical = (const char *const *)categorical;
	po.importance_names = (const char *const *)imp_names;
	po.importance_values = imp_vals;
	po.missing_values = (const char *const *)missing;
	role_vals = calloc(roles.n + 1, sizeof(*role_vals));
	type_vals = calloc(types.n + 1, sizeof(*type_vals));
	if (!role_vals || !type_vals) {
		rc = cli_fail("out of memory");
		goto out;
	}
	for (i = 0; i < roles.n; i++)
		role_vals[i] = (dm_role)roles.vals[i];
	for (i = 0; i < types.n; i++)
		type_vals[i] = (dm_ltype)types.vals[i];
	po.role_names = (const char *const *)roles.names;
	po.role_values = role_vals;
	po.ltype_names = (const char *const *)types.names;
	po.ltype_values = type_vals;
	po.strict = 1;
	po.threads = cli_threads();
	if ((rc = cli_spec_load(&spec, "baseline", model, version, &po)) !=
	    EXIT_OK)
		goto out;
	dm_profile_init(&prof, &po);
	cli_progress_attach(&po, "baseline");
	rc = cli_profile_files(inputs, &po, 0, &prof);
	cli_progress_done();
	if (rc != EXIT_OK)
		goto out;
	dm_diag_clear(&diag);
	err = dm_profile_finish(&prof, &diag);
	if (err != DM_OK) {
		rc = cli_fail("cannot build a baseline from %s%s: %s", inputs[0],
			      inputs[1] ? " ..." : "",
			      err == DM_EEMPTY ? "no data rows (header only?)"
					       : diag.msg);
		goto out;
	}
	cli_iso_time(time(NULL), ts, sizeof(ts));
	prof.model = strdup(model);
	prof.model_version = strdup(version);
	prof.created_at = strdup(ts);
	if ((rc = cli_spec_after_baseline(&spec, &prof)) != EXIT_OK)
		goto out;
	err = dm_baseline_to_json(&prof, &json, &len);
	if (err != DM_OK) {
		rc = cli_fail_err(err, NULL, "cannot serialise the baseline");
		goto out;
	}
	if (output) {
		FILE *fp = fopen(output, "wb");

		if (!fp || fwrite(json, 1, len, fp) != len) {
			if (fp)
				fclose(fp);
			rc = cli_fail("cannot write '%s'", output);
			goto out;
		}
		if (fclose(fp) != 0) {
			rc = cli_fail("cannot write '%s'", output);
			goto out;
		}
	}
	if (spec.dry_run) {
		/* stdout may be the spec (--suggest-spec -) */
		fprintf(spec.suggest_file && !strcmp(spec.suggest_file, "-")
				? stderr : stdout,
			"Dry run: baseline for %s %s not stored (%llu rows, "
			"%zu features)\n",
			model, version, (unsigned long long)prof.rows,
			prof.nfeat);
		goto out;
	}
	err = dm_store_open(cli_store_url(store_flag), &st, &diag);
	if (err != DM_OK) {
		rc = cli_fail_err(err, &diag, "cannot open store");
		goto out;
	}
	err = dm_layout_baseline_key(model, version, key, sizeof(key), &diag);
	if (err == DM_OK)
		err = dm_store_put(st, key, json, len, &diag);
	if (err != DM_OK) {
		rc = cli_fail_err(err, &diag, "cannot write baseline");
		goto out;
	}
	count_columns(&prof, &nfeat, &nnum, &ncat, &nother);
	loc = dm_store_location(st, key);
	for (i = 0; i < prof.nwarnings; i++)
		fprintf(stderr, "driftmon: warning: %s\n",
			term_safe(prof.warnings[i]));
	printf("Baseline for %s %s: %llu rows, %zu features (%zu numeric, %zu "
	       "categorical)",
	       model, version, (unsigned long long)prof.rows, nfeat, nnum,
	       ncat);
	if (nother)
		printf("; %zu column%s not monitored", nother,
		       nother == 1 ? "" : "s");
	printf("\n");
	printf("Written to %s\n", loc ? loc : key);
	print_columns(&prof);
out:
	free(loc);
	free(json);
	dm_store_free(st);
	dm_profile_release(&prof);
	cli_spec_release(&spec);
	cli_free_list(inputs);
	cli_free_list(features);
	cli_free_list(exclude);
	cli_free_list(categorical);
	cli_free_list(imp_names);
	free(imp_vals);
	cli_free_list(missing);
	cli_free_list(roles.names);
	cli_free_list(types.names);
	free(roles.vals);
	free(types.vals);
	free(role_vals);
	free(type_vals);
	return rc;
}
