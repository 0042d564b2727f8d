/* SPDX-License-Identifier: Apache-2.0 */
/* driftmon baseline: profile training data into a stored baseline. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/cli_fanout.h"
#include "core/termsafe.h"
#include "driftmon/layout.h"
#include "driftmon/profile.h"
#include "driftmon/store.h"
#include "profile/profile_int.h"

static const char help[] =
	"usage: driftmon baseline --model NAME --version V --input FILE...\n"
	"       driftmon baseline --model NAME --version V --input ... "
	"--shard I/N\n"
	"       driftmon baseline --model NAME --version V --merge-partials\n"
	"\n"
	"Profiles training data (CSV or Parquet) and writes\n"
	"baselines/<model>/<version>/baseline.json to the store.\n"
	"\n"
	"  -m, --model NAME        model name (no '/' or '..')\n"
	"  -v, --version V         model version\n"
	"  -i, --input FILE        training data; repeat, or list files after\n"
	"                          the options; a folder stands for its\n"
	"                          .parquet/.csv/.tsv files (sorted; also\n"
	"                          .csv.gz, .csv.zst, .csv.bz2, .csv.xz)\n"
	"      --input-prefix P    also the data files under prefix P of the\n"
	"                          store (sorted keys; Azure or a folder)\n"
	"      --shard I/N         profile only share I of N of the files (a\n"
	"                          contiguous run, 0 <= I < N) and store it\n"
	"                          as a partial under\n"
	"                          baselines/<model>/<version>/partials/;\n"
	"                          --shard job takes $JOB_COMPLETION_INDEX /\n"
	"                          $JOB_COMPLETIONS (a Kubernetes Indexed "
	"Job)\n"
	"      --merge-partials    merge the N partials of a sharded run into\n"
	"                          baseline.json (all must be there, of the\n"
	"                          same input and options)\n"
	"      --shards N          with --merge-partials: the run's N "
	"(default:\n"
	"                          the one count found)\n"
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
	"file, row and column; an empty field is a missing value, and so\n"
	"are NaN and infinities (also a Parquet DOUBLE's) listed in\n"
	"--missing-values (e.g. NaN,inf,-inf).\n"
	"\n"
	"A sharded build (docs/fanout.md) gives the baseline a single\n"
	"process gives on the same files: pass every shard the same input\n"
	"and options, then run --merge-partials once.\n";

enum {
	O_FEATURES = 256,
	O_EXCLUDE,
	O_CATEGORICAL,
	O_IMPORTANCE,
	O_BINS,
	O_SKETCH,
	O_STORE,
	O_OUTPUT,
	O_SPEC,
	O_SUGGEST,
	O_DRYRUN,
	O_ROLE,
	O_TYPE,
	O_MISSING,
	O_PREFIX,
	O_SHARD,
	O_MERGE,
	O_SHARDS
};

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
	{"input-prefix", required_argument, NULL, O_PREFIX},
	{"shard", required_argument, NULL, O_SHARD},
	{"merge-partials", no_argument, NULL, O_MERGE},
	{"shards", required_argument, NULL, O_SHARDS},
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

/* Characters of UTF-8 text s (term_safe's output: valid UTF-8), that
 * is its bytes less the continuation bytes; a terminal shows most of
 * them one cell wide. */
static size_t text_cols(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

/* The bytes of s's first cols characters (never half of one). */
static size_t text_bytes(const char *s, size_t cols)
{
	size_t i = 0;

	for (; s[i]; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80 && cols-- == 0)
			break;
	return i;
}

/*
 * The column table: what is monitored and why.  Names longer than the
 * column are cut with '~' so that 50+ columns stay one line each.
 * Widths count characters, not bytes (names in any script line up).
 */
static void print_columns(const dm_profile *p)
{
	size_t i, j, w = 6;

	/* names from data: escaped for the terminal (core/termsafe.h) */
	for (i = 0; i < p->nfeat; i++) {
		size_t n = text_cols(term_safe(p->feat[i].name));

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
		size_t n = text_cols(name);
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
			printf("%.*s~", (int)text_bytes(name, w - 1), name);
		else
			printf("%s%*s", name, (int)(w - n), "");
		printf("  %-10s  %-11s  %7llu  %s%s%s%s\n",
		       dm_role_name(f->role), dm_ltype_name(f->ltype),
		       (unsigned long long)f->missing, term_safe(f->reason),
		       marks[0] ? " (missing: " : "", marks,
		       marks[0] ? ")" : "");
	}
}

/* What the command line asked for. */
struct bl_args {
	const char *model, *version, *store_flag, *output, *prefix;
	char **inputs, **features, **exclude, **categorical, **imp_names;
	cli_columns cols;
	double *imp_vals;
	cli_spec spec;
	int sharded, merge;
	unsigned shard, shards;
	/* FNV-1a 64 of the options that shape the profile (partials of one
	 * run must agree) */
	uint64_t fingerprint;
};

static uint64_t fnv_str(uint64_t h, const char *s)
{
	do {
		h ^= (unsigned char)*s;
		h *= 1099511628211ull;
	} while (*s++);
	return h;
}

static void args_release(struct bl_args *a)
{
	cli_spec_release(&a->spec);
	cli_free_list(a->inputs);
	cli_free_list(a->features);
	cli_free_list(a->exclude);
	cli_free_list(a->categorical);
	cli_free_list(a->imp_names);
	free(a->imp_vals);
	cli_columns_release(&a->cols);
}

/* --shard I/N or --shard job. */
static int parse_shard_arg(struct bl_args *a, const char *arg)
{
	a->sharded = 1;
	if (!strcmp(arg, "job")) {
		int rc = cli_shard_from_env("baseline", &a->shard, &a->shards);

		if (rc == EXIT_OK && a->shards == 0)
			rc = cli_usage("baseline",
				       "--shard job: JOB_COMPLETION_INDEX and "
				       "JOB_COMPLETIONS are not both set");
		return rc;
	}
	if (cli_parse_shard(arg, &a->shard, &a->shards) < 0)
		return cli_usage("baseline",
				 "invalid --shard '%s': expected I/N with "
				 "0 <= I < N, or job",
				 arg);
	return EXIT_OK;
}

/* One option; EXIT_OK, or an exit code after printing the error (-1:
 * --help was printed). */
static int parse_option(struct bl_args *a, dm_profile_opts *po, int c,
			const char *arg)
{
	uint64_t u;

	switch (c) {
	case 'm':
		a->model = arg;
		break;
	case 'v':
		a->version = arg;
		break;
	case 'i':
		a->inputs = cli_list_append(a->inputs, arg);
		break;
	case O_FEATURES:
		cli_free_list(a->features);
		a->features = cli_split_list(arg);
		break;
	case O_EXCLUDE:
		cli_free_list(a->exclude);
		a->exclude = cli_split_list(arg);
		break;
	case O_CATEGORICAL:
		cli_free_list(a->categorical);
		a->categorical = cli_split_list(arg);
		break;
	case O_IMPORTANCE:
		if (parse_importance(arg, &a->imp_names, &a->imp_vals))
			return cli_usage("baseline",
					 "invalid --importance '%s': expected "
					 "name=weight,... with weights >= 0",
					 arg);
		break;
	case O_BINS:
		return cli_parse_bins("baseline", arg, &po->nbins);
	case O_SKETCH:
		if (cli_parse_u64(arg, &u) < 0 || u < 16 || u > (1u << 24))
			return cli_usage("baseline",
					 "invalid --sketch-k '%s': expected 16 "
					 "to 16777216",
					 arg);
		po->sketch_k = (uint32_t)u;
		break;
	case O_ROLE:
		return cli_columns_role(&a->cols, "baseline", arg);
	case O_TYPE:
		return cli_columns_type(&a->cols, "baseline", arg);
	case O_MISSING:
		return cli_columns_missing(&a->cols, arg);
	case O_STORE:
		a->store_flag = arg;
		break;
	case O_OUTPUT:
		a->output = arg;
		break;
	case O_SPEC:
		a->spec.file = arg;
		break;
	case O_SUGGEST:
		a->spec.suggest_file = arg;
		break;
	case O_DRYRUN:
		a->spec.dry_run = 1;
		break;
	case O_PREFIX:
		a->prefix = arg;
		break;
	case O_SHARD:
		return parse_shard_arg(a, arg);
	case O_MERGE:
		a->merge = 1;
		break;
	case O_SHARDS:
		if (cli_parse_u64(arg, &u) < 0 || u < 1 || u > CLI_MAX_SHARDS)
			return cli_usage("baseline",
					 "invalid --shards '%s': expected 1 "
					 "to %u",
					 arg, CLI_MAX_SHARDS);
		a->shards = (unsigned)u;
		break;
	case 'h':
		fputs(help, stdout);
		return -1;
	default:
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

/* Step 1: the command line into a and po.  -1 after --help. */
static int parse_args(int argc, char **argv, struct bl_args *a,
		      dm_profile_opts *po)
{
	size_t i;
	int c, rc;

	a->inputs = calloc(1, sizeof(char *));
	a->fingerprint = 1469598103934665603ull;
	optind = 0;
	while ((c = getopt_long(argc, argv, "m:v:i:h", longopts, NULL)) != -1) {
		if (c == '?' || c == ':')
			return cli_bad_option("baseline", argc, argv);
		if ((rc = parse_option(a, po, c, optarg)) != EXIT_OK)
			return rc;
		/* what shapes the profile: partials must agree on it (the
		 * input counts by its file list, build_shard) */
		if (c != 'm' && c != 'v' && c != 'i' && c != O_PREFIX &&
		    c != O_STORE && c != O_OUTPUT && c != O_SUGGEST &&
		    c != O_DRYRUN && c != O_SHARD && c != O_MERGE &&
		    c != O_SHARDS && c != 'h') {
			char code[16];

			snprintf(code, sizeof(code), "%d", c);
			a->fingerprint = fnv_str(a->fingerprint, code);
			a->fingerprint =
				fnv_str(a->fingerprint, optarg ? optarg : "");
		}
	}
	for (i = (size_t)optind; i < (size_t)argc; i++)
		a->inputs = cli_list_append(a->inputs, argv[i]);
	if (!a->inputs)
		return cli_fail("out of memory");
	if ((rc = cli_check_model("baseline", a->model, a->version)) != EXIT_OK)
		return rc;
	if (a->merge && (a->sharded || a->inputs[0] || a->prefix))
		return cli_usage("baseline", "--merge-partials reads the "
					     "partials: no --shard or input");
	if (a->shards && !a->merge && !a->sharded)
		return cli_usage("baseline", "--shards N goes with "
					     "--merge-partials");
	if (a->sharded &&
	    (a->spec.dry_run || a->output || a->spec.suggest_file))
		return cli_usage("baseline", "--dry-run, --output and "
					     "--suggest-spec go with the merge "
					     "(--merge-partials), not a shard");
	if (!a->merge && !a->inputs[0] && !a->prefix)
		return cli_usage("baseline", "no input files (--input FILE)");
	return EXIT_OK;
}

/* Step 2: the profiling options the flags and the spec give. */
static int set_opts(struct bl_args *a, dm_profile_opts *po)
{
	int rc;

	po->features = (const char *const *)a->features;
	po->exclude = (const char *const *)a->exclude;
	po->categorical = (const char *const *)a->categorical;
	po->importance_names = (const char *const *)a->imp_names;
	po->importance_values = a->imp_vals;
	if ((rc = cli_columns_apply(&a->cols, po)) != EXIT_OK)
		return rc;
	po->strict = 1;
	po->threads = cli_threads();
	if (a->merge)
		return EXIT_OK; /* the partials carry it all */
	rc = cli_spec_load(&a->spec, "baseline", a->model, a->version, po);
	if (rc == EXIT_OK && a->spec.text)
		a->fingerprint = fnv_str(a->fingerprint, a->spec.text);
	return rc;
}

static int open_store(const struct bl_args *a, dm_store **st)
{
	dm_diag diag;
	dm_err err;

	dm_diag_clear(&diag);
	err = dm_store_open(cli_store_url(a->store_flag), st, &diag);
	return err == DM_OK ? EXIT_OK
			    : cli_fail_err(err, &diag, "cannot open store");
}

static int no_files(const struct bl_args *a)
{
	if (a->prefix)
		return cli_fail("no data files (.parquet, .csv, .tsv, .csv.gz, "
				".csv.zst, .csv.bz2, .csv.xz) in the "
				"input: none under prefix '%s' of %s",
				a->prefix, cli_store_shown(a->store_flag));
	return cli_fail("no data files (.parquet, .csv, .tsv, .csv.gz, "
			".csv.zst, .csv.bz2, .csv.xz) in the input");
}

/* Step 3 of a shard: profile its share, store the partial. */
static int build_shard(struct bl_args *a, const dm_profile_opts *po,
		       dm_store *st)
{
	fanout_files ff;
	dm_profile prof;
	size_t lo, hi, i;
	uint64_t fp = a->fingerprint;
	int rc = fanout_list_inputs(a->inputs, a->prefix, st, &ff);

	dm_profile_init(&prof, po);
	if (rc == EXIT_OK && ff.n == 0)
		rc = no_files(a);
	for (i = 0; rc == EXIT_OK && i < ff.n; i++)
		fp = fnv_str(fp, ff.keys[i]);
	if (rc == EXIT_OK) {
		fanout_share(ff.n, a->shard, a->shards, &lo, &hi);
		rc = fanout_profile(&ff, lo, hi, st, po, &prof);
	}
	if (rc == EXIT_OK && a->spec.text &&
	    !(prof.spec_yaml = strdup(a->spec.text)))
		rc = cli_fail("out of memory");
	if (rc == EXIT_OK)
		rc = fanout_write_partial(st, a->model, a->version, a->shard,
					  a->shards, fp, &ff, lo, hi, &prof);
	dm_profile_release(&prof);
	fanout_files_release(&ff);
	return rc;
}

/* Step 3: the unfinished profile of the whole input, read here or
 * merged from the partials. */
static int build_profile(struct bl_args *a, dm_profile_opts *po, dm_store **st,
			 dm_profile *prof)
{
	fanout_files ff;
	int rc;

	memset(&ff, 0, sizeof(ff));
	dm_profile_init(prof, po);
	if (a->merge) {
		if ((rc = open_store(a, st)) != EXIT_OK)
			return rc;
		return fanout_merge_partials(*st, a->model, a->version,
					     a->shards, prof);
	}
	cli_progress_attach(po, "baseline");
	if (!a->prefix) {
		if ((rc = fanout_list_inputs(a->inputs, NULL, NULL, &ff)) ==
		    EXIT_OK)
			rc = ff.n ? cli_profile_files(ff.keys, po, 0, prof)
				  : no_files(a);
	} else if ((rc = open_store(a, st)) == EXIT_OK &&
		   (rc = fanout_list_inputs(a->inputs, a->prefix, *st, &ff)) ==
			   EXIT_OK) {
		rc = ff.n ? fanout_profile(&ff, 0, ff.n, *st, po, prof)
			  : no_files(a);
	}
	cli_progress_done();
	fanout_files_release(&ff);
	return rc;
}

/* Step 4: finish (bin edges, types, roles), stamp, apply the spec. */
static int finish_profile(struct bl_args *a, dm_profile *prof)
{
	char ts[32];
	dm_diag diag;
	dm_err err;

	dm_diag_clear(&diag);
	err = dm_profile_finish(prof, &diag);
	if (err != DM_OK) {
		const char *what = a->merge	  ? "the partials"
				   : a->inputs[0] ? a->inputs[0]
						  : a->prefix;

		return cli_fail(
			"cannot build a baseline from %s%s: %s", what,
			!a->merge && a->inputs[0] && a->inputs[1] ? " ..." : "",
			err == DM_EEMPTY ? "no data rows (header only?)"
					 : diag.msg);
	}
	cli_iso_time(time(NULL), ts, sizeof(ts));
	prof->model = strdup(a->model);
	prof->model_version = strdup(a->version);
	prof->created_at = strdup(ts);
	if (!prof->model || !prof->model_version || !prof->created_at)
		return cli_fail("out of memory");
	return cli_spec_after_baseline(&a->spec, prof);
}

struct file_out {
	FILE *fp;
	int err; /* errno of the first failed write */
};

static dm_err file_sink(void *ctx, const void *data, size_t len)
{
	struct file_out *o = ctx;

	if (fwrite(data, 1, len, o->fp) == len)
		return DM_OK;
	o->err = errno ? errno : EIO;
	return DM_EIO;
}

/*
 * The baseline streamed to a file (--output).  A
 * file is written beside its name and renamed over it once complete, so
 * a failed write (disk full) leaves no partial baseline and an older
 * file as it was.
 */
static int write_output(const char *path, const dm_profile *prof)
{
	struct file_out o = {NULL, 0};
	char *tmp = NULL;
	size_t n = strlen(path) + 32;
	dm_err err;

	struct stat sb;

	if (!(tmp = malloc(n)))
		return cli_fail("out of memory");
	/* a device or a pipe (/dev/stdout) is written in place */
	if (stat(path, &sb) == 0 && !S_ISREG(sb.st_mode))
		snprintf(tmp, n, "%s", path);
	else
		snprintf(tmp, n, "%s.tmp.%ld", path, (long)getpid());
	if (!(o.fp = fopen(tmp, "wb"))) {
		o.err = errno;
		free(tmp);
		return cli_fail("cannot write '%s': %s", path, strerror(o.err));
	}
	err = pf_baseline_write_threads(prof, file_sink, &o, cli_threads());
	if (fclose(o.fp) != 0 && !o.err)
		o.err = errno ? errno : EIO;
	if (err == DM_OK && !o.err && strcmp(tmp, path) &&
	    rename(tmp, path) != 0)
		o.err = errno;
	if (err != DM_OK || o.err) {
		if (strcmp(tmp, path))
			unlink(tmp);
		free(tmp);
		return cli_fail("cannot write '%s': %s", path,
				o.err ? strerror(o.err) : dm_strerror(err));
	}
	free(tmp);
	return EXIT_OK;
}

/* Step 5 (after a store): the summary and the column table. */
static void print_summary(const struct bl_args *a, const dm_profile *prof,
			  const char *where)
{
	size_t i, nnum, ncat, nfeat, nother;

	count_columns(prof, &nfeat, &nnum, &ncat, &nother);
	for (i = 0; i < prof->nwarnings; i++)
		fprintf(stderr, "driftmon: warning: %s\n",
			term_safe(prof->warnings[i]));
	printf("Baseline for %s %s: %llu row%s, %zu feature%s (%zu numeric, "
	       "%zu categorical)",
	       a->model, a->version, (unsigned long long)prof->rows,
	       prof->rows == 1 ? "" : "s", nfeat, nfeat == 1 ? "" : "s", nnum,
	       ncat);
	if (nother)
		printf("; %zu column%s not monitored", nother,
		       nother == 1 ? "" : "s");
	printf("\n");
	printf("Written to %s\n", where);
	print_columns(prof);
}

static dm_err produce_baseline(void *ctx, dm_sink_fn sink, void *sink_ctx)
{
	return pf_baseline_write_threads(ctx, sink, sink_ctx, cli_threads());
}

/* Step 5: serialise to --output, and to the store unless --dry-run
 * (streamed: the text is never whole in memory). */
static int store_baseline(struct bl_args *a, dm_profile *prof, dm_store **st)
{
	char key[DM_LAYOUT_KEY_MAX], *loc = NULL;
	dm_diag diag;
	dm_err err;
	int rc = EXIT_OK;

	if (a->output && (rc = write_output(a->output, prof)) != EXIT_OK)
		goto out;
	if (a->spec.dry_run) {
		size_t i;

		for (i = 0; i < prof->nwarnings; i++) /* as with a store */
			fprintf(stderr, "driftmon: warning: %s\n",
				term_safe(prof->warnings[i]));
		/* stdout may be the spec (--suggest-spec -) */
		fprintf(a->spec.suggest_file &&
					!strcmp(a->spec.suggest_file, "-")
				? stderr
				: stdout,
			"Dry run: baseline for %s %s not stored (%llu row%s, "
			"%zu feature%s)\n",
			a->model, a->version, (unsigned long long)prof->rows,
			prof->rows == 1 ? "" : "s", prof->nfeat,
			prof->nfeat == 1 ? "" : "s");
		goto out;
	}
	if (!*st && (rc = open_store(a, st)) != EXIT_OK)
		goto out;
	dm_diag_clear(&diag);
	err = dm_layout_baseline_key(a->model, a->version, key, sizeof(key),
				     &diag);
	if (err == DM_OK)
		err = dm_store_put_stream(*st, key, produce_baseline, prof,
					  &diag);
	if (err != DM_OK) {
		rc = cli_fail_err(err, &diag, "cannot write baseline");
		goto out;
	}
	loc = dm_store_location(*st, key);
	print_summary(a, prof, loc ? loc : key);
out:
	free(loc);
	return rc;
}

int cmd_baseline(int argc, char **argv)
{
	struct bl_args a;
	dm_profile_opts po = {0};
	dm_profile prof;
	dm_store *st = NULL;
	int rc;

	memset(&a, 0, sizeof(a));
	cli_spec_init(&a.spec);
	dm_profile_init(&prof, NULL);
	rc = parse_args(argc, argv, &a, &po);
	if (rc == EXIT_OK)
		rc = set_opts(&a, &po);
	if (rc == EXIT_OK && a.sharded) {
		if ((rc = open_store(&a, &st)) == EXIT_OK)
			rc = build_shard(&a, &po, st);
	} else if (rc == EXIT_OK) {
		rc = build_profile(&a, &po, &st, &prof);
		if (rc == EXIT_OK)
			rc = finish_profile(&a, &prof);
		if (rc == EXIT_OK)
			rc = store_baseline(&a, &prof, &st);
	}
	dm_store_free(st);
	dm_profile_release(&prof);
	args_release(&a);
	return rc < 0 ? EXIT_OK : rc;
}
