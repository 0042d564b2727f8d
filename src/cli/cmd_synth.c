/* SPDX-License-Identifier: Apache-2.0 */
/*
 * driftmon synth: realistic spam-detector-like sample data — training
 * data, and hourly inference logs with a chosen drift scenario written
 * into the store's inference-logs/year=/month=/day=/hour=/ partitions.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cli/cli.h"
#include "driftmon/labels.h"
#include "driftmon/layout.h"
#include "driftmon/parquet.h"
#include "driftmon/store.h"
#include "driftmon/synth.h"
#include "driftmon/table.h"

static const char help[] =
	"usage: driftmon synth [options]\n"
	"\n"
	"Generates sample data shaped like a spam detector's features (50+\n"
	"columns: Poisson and negative-binomial counts, ratios, heavy-tailed\n"
	"lengths, categorical columns, some missing values).  By default it\n"
	"writes the training data AND a day of hourly inference logs.\n"
	"\n"
	"  --training FILE        write training rows to FILE (.parquet or\n"
	"                         .pq: Parquet, SNAPPY; otherwise CSV)\n"
	"  --current FILE         write --rows rows of (drifted) current\n"
	"                         data to FILE\n"
	"  --logs                 write hourly inference logs to the store\n"
	"  --format parquet|csv   format of the logs (default parquet)\n"
	"  --rows N               training / current rows (default 10000)\n"
	"  --hours H              hours of logs (default 24)\n"
	"  --rows-per-hour N      log rows per hour (default 500)\n"
	"  --end TIME             logs cover the H full hours before TIME\n"
	"                         (ISO-8601 UTC; default now)\n"
	"  --scenario S           none, mean-shift, scale, new-category,\n"
	"                         missing, prior, correlation-flip,\n"
	"                         concept-drift, concept-input-drift\n"
	"                         (default mean-shift; correlation-flip\n"
	"                         reverses link_domain_count's ranks: same\n"
	"                         marginal, its correlation with url_count\n"
	"                         turns negative; concept-drift flips each\n"
	"                         label with probability --magnitude (0.15),\n"
	"                         inputs and scores unchanged;\n"
	"                         concept-input-drift adds a 0.5-sd mean\n"
	"                         shift of --drift-features features)\n"
	"  --labels               with --logs: also store each logged\n"
	"                         request's label (labels/ partitions, as\n"
	"                         'driftmon labels'), stamped one hour after\n"
	"                         the prediction\n"
	"  --validation FILE      write --rows training-distribution rows\n"
	"                         with \"prediction\" and \"label\" (for\n"
	"                         'driftmon reference')\n"
	"  --drift-features K     features the scenario touches (default 5)\n"
	"  --magnitude X          scenario strength (default: the\n"
	"                         scenario's own; mean-shift: 0.25 sd)\n"
	"  --features N           number of features, >= 50 (default 50)\n"
	"  --numeric-only         only numeric features\n"
	"  --seed N               random seed (default 42)\n"
	"  --model NAME, --version V\n"
	"                         model_name / model_version in the logs\n"
	"                         (default spam-detector v1)\n"
	"  --store URL            storage for the logs\n"
	"  -h, --help             this help\n"
	"\n"
	"With neither --training, --current nor --logs, writes\n"
	"<store>/training-data/<model>/train.parquet and the logs.\n";

enum {
	O_TRAINING = 256,
	O_CURRENT,
	O_LOGS,
	O_ROWS,
	O_HOURS,
	O_RPH,
	O_END,
	O_SCENARIO,
	O_DRIFTF,
	O_MAG,
	O_FEATURES,
	O_NUMERIC,
	O_SEED,
	O_MODEL,
	O_VERSION,
	O_STORE,
	O_FORMAT,
	O_LABELS,
	O_VALIDATION
};

static const struct option longopts[] = {
	{"training", required_argument, NULL, O_TRAINING},
	{"current", required_argument, NULL, O_CURRENT},
	{"logs", no_argument, NULL, O_LOGS},
	{"rows", required_argument, NULL, O_ROWS},
	{"hours", required_argument, NULL, O_HOURS},
	{"rows-per-hour", required_argument, NULL, O_RPH},
	{"end", required_argument, NULL, O_END},
	{"scenario", required_argument, NULL, O_SCENARIO},
	{"drift-features", required_argument, NULL, O_DRIFTF},
	{"magnitude", required_argument, NULL, O_MAG},
	{"features", required_argument, NULL, O_FEATURES},
	{"numeric-only", no_argument, NULL, O_NUMERIC},
	{"seed", required_argument, NULL, O_SEED},
	{"model", required_argument, NULL, O_MODEL},
	{"version", required_argument, NULL, O_VERSION},
	{"store", required_argument, NULL, O_STORE},
	{"format", required_argument, NULL, O_FORMAT},
	{"labels", no_argument, NULL, O_LABELS},
	{"validation", required_argument, NULL, O_VALIDATION},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

#define CHUNK 8192

/* Where rows go: a CSV or a Parquet writer on a stream. */
struct sink {
	int parquet;
	dm_csv_writer *csv;
	dm_parquet_writer *pq;
};

static int is_parquet_name(const char *path)
{
	size_t n = strlen(path);

	return (n > 8 && !strcmp(path + n - 8, ".parquet")) ||
	       (n > 3 && !strcmp(path + n - 3, ".pq"));
}

/* types[i]: the column's batch type; timestamp_col: index of a DOUBLE
 * column of epoch seconds to store as a Parquet TIMESTAMP, or -1. */
static dm_err sink_open(struct sink *k, FILE *fp, int parquet,
			char *const *names, const dm_coltype *types, size_t n,
			long timestamp_col, dm_diag *diag)
{
	dm_err err;
	size_t i;

	memset(k, 0, sizeof(*k));
	k->parquet = parquet;
	if (!parquet) {
		err = dm_csv_writer_open(fp, ',', &k->csv);
		if (err == DM_OK)
			err = dm_csv_write_header(k->csv, names, n);
		return err;
	} else {
		dm_parquet_wcol *cols = calloc(n, sizeof(*cols));

		if (!cols)
			return DM_ENOMEM;
		for (i = 0; i < n; i++) {
			cols[i].name = names[i];
			cols[i].optional = 1;
			cols[i].type = types[i] == DM_COL_DOUBLE
					       ? DM_PARQUET_W_DOUBLE
					       : DM_PARQUET_W_STRING;
			if ((long)i == timestamp_col) {
				cols[i].type = DM_PARQUET_W_TIMESTAMP;
				cols[i].optional = 0;
			}
		}
		err = dm_parquet_writer_open_fp(fp, cols, n, NULL, &k->pq,
						diag);
		free(cols);
		return err;
	}
}

static dm_err sink_write(struct sink *k, const dm_batch *b, dm_diag *diag)
{
	if (k->parquet)
		return dm_parquet_writer_write_batch(k->pq, b, diag);
	return dm_csv_write_batch(k->csv, b);
}

static dm_err sink_close(struct sink *k, dm_diag *diag)
{
	dm_err err = DM_OK;

	if (k->pq) {
		err = dm_parquet_writer_close(k->pq, diag);
		k->pq = NULL;
	}
	dm_csv_writer_free(k->csv);
	k->csv = NULL;
	return err;
}

static void sink_abort(struct sink *k)
{
	if (k->pq)
		dm_parquet_writer_abort(k->pq);
	dm_csv_writer_free(k->csv);
	memset(k, 0, sizeof(*k));
}

/* Streams rows of g to a file (CSV, or Parquet by its name). */
static int write_rows(dm_synth *g, uint64_t rows, const char *path)
{
	FILE *fp = fopen(path, "wb");
	struct sink k = {0};
	char **names;
	dm_coltype *types;
	size_t nc = dm_synth_ncols(g), i;
	dm_diag diag;
	int rc = EXIT_OK;

	if (!fp)
		return cli_fail("cannot write '%s'", path);
	dm_diag_clear(&diag);
	names = calloc(nc, sizeof(*names));
	types = calloc(nc, sizeof(*types));
	if (!names || !types) {
		rc = cli_fail("out of memory");
		goto out;
	}
	for (i = 0; i < nc; i++) {
		names[i] = (char *)dm_synth_colname(g, i);
		types[i] = dm_synth_coltype(g, i);
	}
	if (sink_open(&k, fp, is_parquet_name(path), names, types, nc, -1,
		      &diag) != DM_OK) {
		rc = cli_fail("cannot write '%s': %s", path, diag.msg);
		goto out;
	}
	while (rows > 0) {
		size_t n = rows < CHUNK ? (size_t)rows : CHUNK;
		dm_batch *b;

		if (dm_synth_next(g, n, &b) != DM_OK ||
		    sink_write(&k, b, &diag) != DM_OK) {
			rc = cli_fail("cannot write '%s': %s", path, diag.msg);
			goto out;
		}
		rows -= n;
	}
	if (sink_close(&k, &diag) != DM_OK)
		rc = cli_fail("cannot write '%s': %s", path, diag.msg);
out:
	sink_abort(&k);
	free(names);
	free(types);
	if (fclose(fp) != 0 && rc == EXIT_OK)
		rc = cli_fail("cannot write '%s'", path);
	return rc;
}

static int mkparents(const char *path)
{
	char *p = strdup(path), *s;

	if (!p)
		return -1;
	for (s = p + 1; *s; s++) {
		if (*s == '/') {
			*s = '\0';
			mkdir(p, 0777);
			*s = '/';
		}
	}
	free(p);
	return 0;
}

/* One hour of logs: metadata columns, then the generator's columns. */
/* The hour's label records (CSV text) into labels/, tag synth-<hour>. */
static int store_labels(dm_store *st, const char *csv, size_t len, time_t hour)
{
	dm_source *src = NULL;
	dm_reader *r = NULL;
	dm_reader_opts ro = {0};
	dm_labels_import_stats ls;
	char tag[40];
	dm_diag diag;
	dm_err err;

	dm_diag_clear(&diag);
	snprintf(tag, sizeof(tag), "synth-%lld", (long long)hour);
	err = dm_source_open_mem("labels.csv", csv, len, 0, &src);
	if (err == DM_OK)
		err = dm_reader_open(src, &ro, &r, &diag); /* owns src */
	if (err == DM_OK)
		err = dm_labels_import(st, r, "synth labels", tag, &ls, &diag);
	dm_reader_free(r);
	return err == DM_OK ? EXIT_OK
			    : cli_fail_err(err, &diag, "cannot store labels");
}

static int write_hour(dm_store *st, dm_synth *g, time_t hour, uint64_t rows,
		      const char *model, const char *version, uint64_t seed,
		      int parquet, int labels)
{
	/* with labels, the generator's last column ("label") goes to the
	 * label records, not to the logs */
	size_t nc = dm_synth_ncols(g) - (labels != 0), i, j;
	char *lbuf = NULL;
	size_t llen = 0;
	FILE *lmem = labels ? open_memstream(&lbuf, &llen) : NULL;
	char **names = calloc(nc + 4, sizeof(*names));
	dm_coltype *types = calloc(nc + 4, sizeof(*types));
	dm_column *cols = calloc(nc + 4, sizeof(*cols));
	dm_strref *ts = calloc(CHUNK, sizeof(*ts)),
		  *rid = calloc(CHUNK, sizeof(*rid));
	dm_strref *mn = calloc(CHUNK, sizeof(*mn)),
		  *mv = calloc(CHUNK, sizeof(*mv));
	double *tsd = calloc(CHUNK, sizeof(*tsd));
	char *tsbuf = malloc((size_t)CHUNK * 24),
	     *ridbuf = malloc((size_t)CHUNK * 40);
	char *buf = NULL, key[DM_LAYOUT_KEY_MAX];
	size_t len = 0;
	FILE *mem = open_memstream(&buf, &len);
	struct sink k = {0};
	struct tm tm;
	uint64_t done = 0, x = seed ^ (uint64_t)hour;
	dm_diag diag;
	int rc = EXIT_OK;

	dm_diag_clear(&diag);
	if (!names || !types || !cols || !ts || !rid || !mn || !mv || !tsd ||
	    !tsbuf || !ridbuf || !mem || (labels && !lmem)) {
		rc = cli_fail("out of memory");
		goto out;
	}
	names[0] = "timestamp";
	names[1] = "model_name";
	names[2] = "model_version";
	names[3] = "request_id";
	for (i = 0; i < 4; i++)
		types[i] = DM_COL_STRING;
	types[0] = parquet ? DM_COL_DOUBLE : DM_COL_STRING;
	for (i = 0; i < nc; i++) {
		names[4 + i] = (char *)dm_synth_colname(g, i);
		types[4 + i] = dm_synth_coltype(g, i);
	}
	if (lmem)
		fputs("request_id,model_name,model_version,label,timestamp\n",
		      lmem);
	if (sink_open(&k, mem, parquet, names, types, nc + 4, 0, &diag) !=
	    DM_OK) {
		rc = cli_fail("cannot write logs: %s", diag.msg);
		goto out;
	}
	for (i = 0; i < 4; i++)
		cols[i].type = DM_COL_STRING;
	if (parquet) {
		cols[0].type = DM_COL_DOUBLE;
		cols[0].f64 = tsd;
	} else {
		cols[0].str = ts;
	}
	cols[1].str = mn;
	cols[2].str = mv;
	cols[3].str = rid;
	while (done < rows) {
		size_t n = rows - done < CHUNK ? (size_t)(rows - done) : CHUNK;
		dm_batch *b, outb;

		if (dm_synth_next(g, n, &b) != DM_OK) {
			rc = cli_fail("cannot generate data");
			goto out;
		}
		for (j = 0; j < n; j++) {
			time_t t;

			x = x * 6364136223846793005ull + 1442695040888963407ull;
			t = hour + (time_t)((x >> 33) % 3600);
			tsd[j] = (double)t;
			gmtime_r(&t, &tm);
			ts[j].ptr = tsbuf + j * 24;
			ts[j].len = (uint32_t)strftime(
				tsbuf + j * 24, 24, "%Y-%m-%dT%H:%M:%SZ", &tm);
			mn[j].ptr = model;
			mn[j].len = (uint32_t)strlen(model);
			mv[j].ptr = version;
			mv[j].len = (uint32_t)strlen(version);
			rid[j].ptr = ridbuf + j * 40;
			rid[j].len = (uint32_t)snprintf(
				ridbuf + j * 40, 40, "req-%lld-%llu",
				(long long)hour,
				(unsigned long long)(done + j));
		}
		for (i = 0; i < nc; i++)
			cols[4 + i] = b->cols[i];
		for (j = 0; lmem && j < n; j++) {
			time_t lt = (time_t)tsd[j] + 3600;

			gmtime_r(&lt, &tm);
			fprintf(lmem, "%.*s,%s,%s,%.0f,", (int)rid[j].len,
				rid[j].ptr, model, version, b->cols[nc].f64[j]);
			fprintf(lmem, "%04d-%02d-%02dT%02d:%02d:%02dZ\n",
				tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
				tm.tm_hour, tm.tm_min, tm.tm_sec);
		}
		outb = *b;
		outb.ncols = nc + 4;
		outb.cols = cols;
		if (sink_write(&k, &outb, &diag) != DM_OK) {
			rc = cli_fail("cannot write logs: %s", diag.msg);
			goto out;
		}
		done += n;
	}
	if (sink_close(&k, &diag) != DM_OK) {
		rc = cli_fail("cannot write logs: %s", diag.msg);
		goto out;
	}
	fclose(mem);
	mem = NULL;
	dm_layout_logs_hour_prefix(hour, key, sizeof(key));
	snprintf(key + strlen(key), sizeof(key) - strlen(key),
		 "part-synth-%s-%s.%s", model, version,
		 parquet ? "parquet" : "csv");
	if (dm_store_put(st, key, buf, len, &diag) != DM_OK)
		rc = cli_fail_err(DM_EIO, &diag, "cannot write logs");
	if (rc == EXIT_OK && lmem) {
		if (fclose(lmem) != 0)
			rc = cli_fail("out of memory");
		else
			rc = store_labels(st, lbuf, llen, hour);
		lmem = NULL;
	}
out:
	if (lmem)
		fclose(lmem);
	free(lbuf);
	sink_abort(&k);
	if (mem)
		fclose(mem);
	free(buf);
	free(names);
	free(types);
	free(cols);
	free(ts);
	free(tsd);
	free(rid);
	free(mn);
	free(mv);
	free(tsbuf);
	free(ridbuf);
	return rc;
}

int cmd_synth(int argc, char **argv)
{
	const char *training = NULL, *current = NULL, *store_flag = NULL;
	const char *model = "spam-detector", *version = "v1";
	char *default_training = NULL;
	int parquet = 1;
	const char *validation = NULL;
	int logs = 0, labels = 0, c, rc = EXIT_OK;
	uint64_t rows = 10000, hours = 24, rph = 500, u;
	time_t end = time(NULL);
	dm_synth_opts so = {0};
	dm_synth *g = NULL;
	dm_store *st = NULL;
	dm_diag diag;
	double x;

	so.seed = 42;
	so.scenario = DM_SCEN_MEAN_SHIFT;
	optind = 0;
	while ((c = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
		switch (c) {
		case O_TRAINING:
			training = optarg;
			break;
		case O_CURRENT:
			current = optarg;
			break;
		case O_LOGS:
			logs = 1;
			break;
		case O_ROWS:
			if (cli_parse_u64(optarg, &rows) < 0 || rows == 0)
				return cli_usage("synth", "invalid --rows '%s'",
						 optarg);
			break;
		case O_HOURS:
			if (cli_parse_u64(optarg, &hours) < 0 || hours == 0 ||
			    hours > 24 * 366)
				return cli_usage("synth",
						 "invalid --hours '%s'",
						 optarg);
			break;
		case O_RPH:
			if (cli_parse_u64(optarg, &rph) < 0)
				return cli_usage("synth",
						 "invalid --rows-per-hour '%s'",
						 optarg);
			break;
		case O_END:
			if (cli_parse_time(optarg, &end) < 0)
				return cli_usage("synth", "invalid --end '%s'",
						 optarg);
			break;
		case O_SCENARIO:
			if (dm_scenario_parse(optarg, &so.scenario) < 0)
				return cli_usage(
					"synth",
					"unknown --scenario '%s': expected "
					"none, mean-shift, scale, "
					"new-category, missing or prior",
					optarg);
			break;
		case O_DRIFTF:
			if (cli_parse_u64(optarg, &u) < 0 || u > 1000)
				return cli_usage(
					"synth",
					"invalid --drift-features '%s'",
					optarg);
			so.drift_features = (unsigned)u;
			break;
		case O_MAG:
			if (cli_parse_double(optarg, &x) < 0 || x <= 0)
				return cli_usage("synth",
						 "invalid --magnitude '%s'",
						 optarg);
			so.magnitude = x;
			break;
		case O_FEATURES:
			if (cli_parse_u64(optarg, &u) < 0 || u < 50 ||
			    u > 10000)
				return cli_usage("synth",
						 "invalid --features '%s': "
						 "expected 50 to 10000",
						 optarg);
			so.nfeatures = (unsigned)u;
			break;
		case O_NUMERIC:
			so.numeric_only = 1;
			break;
		case O_SEED:
			if (cli_parse_u64(optarg, &so.seed) < 0)
				return cli_usage("synth", "invalid --seed '%s'",
						 optarg);
			break;
		case O_MODEL:
			model = optarg;
			break;
		case O_VERSION:
			version = optarg;
			break;
		case O_STORE:
			store_flag = optarg;
			break;
		case O_FORMAT:
			if (!strcmp(optarg, "parquet"))
				parquet = 1;
			else if (!strcmp(optarg, "csv"))
				parquet = 0;
			else
				return cli_usage(
					"synth",
					"invalid --format '%s': expected "
					"parquet or csv",
					optarg);
			break;
		case O_LABELS:
			labels = 1;
			break;
		case O_VALIDATION:
			validation = optarg;
			break;
		case 'h':
			fputs(help, stdout);
			return EXIT_OK;
		default:
			return cli_bad_option("synth", argc, argv);
		}
	}
	if (optind < argc)
		return cli_usage("synth", "unexpected argument '%s'",
				 argv[optind]);
	if (!dm_key_component_ok(model) || !dm_key_component_ok(version))
		return cli_usage("synth", "invalid --model or --version");
	dm_diag_clear(&diag);
	if (labels && !logs && (training || current || validation))
		return cli_usage("synth", "--labels needs --logs");
	if (!training && !current && !logs && !validation) {
		const char *url = cli_store_url(store_flag);

		if (strstr(url, "://") && strncmp(url, "file://", 7))
			return cli_usage("synth", "say --training FILE for a "
						  "remote store");
		if (asprintf(&default_training,
			     "%s/training-data/%s/train.parquet",
			     strncmp(url, "file://", 7) ? url : url + 7,
			     model) < 0)
			return cli_fail("out of memory");
		training = default_training;
		logs = 1;
	}
	if (training) {
		mkparents(training);
		if (dm_synth_new(&so, 0, 0, &g) != DM_OK) {
			rc = cli_fail("cannot create the generator");
			goto out;
		}
		if ((rc = write_rows(g, rows, training)) != EXIT_OK)
			goto out;
		printf("Training data: %llu rows x %zu columns -> %s\n",
		       (unsigned long long)rows, dm_synth_ncols(g), training);
		dm_synth_free(g);
		g = NULL;
	}
	if (validation) {
		dm_synth_opts vo = so;

		vo.with_label = 1;
		mkparents(validation);
		if (dm_synth_new(&vo, 0, 2000000, &g) != DM_OK) {
			rc = cli_fail("cannot create the generator");
			goto out;
		}
		if ((rc = write_rows(g, rows, validation)) != EXIT_OK)
			goto out;
		printf("Validation data (predictions and labels): %llu rows "
		       "-> %s\n",
		       (unsigned long long)rows, validation);
		dm_synth_free(g);
		g = NULL;
	}
	if (current) {
		mkparents(current);
		if (dm_synth_new(&so, 1, 1000000, &g) != DM_OK) {
			rc = cli_fail("cannot create the generator");
			goto out;
		}
		if ((rc = write_rows(g, rows, current)) != EXIT_OK)
			goto out;
		printf("Current data (%s): %llu rows -> %s\n",
		       dm_scenario_name(so.scenario), (unsigned long long)rows,
		       current);
		dm_synth_free(g);
		g = NULL;
	}
	if (logs) {
		time_t last = end - end % 3600, h;
		uint64_t i = 0;
		char a[32], b[32];

		if (dm_store_open(cli_store_url(store_flag), &st, &diag)) {
			rc = cli_fail_err(DM_EINVAL, &diag,
					  "cannot open store");
			goto out;
		}
		for (h = last - (time_t)hours * 3600; h < last;
		     h += 3600, i++) {
			dm_synth_opts lo = so;

			lo.with_label = labels;
			if (dm_synth_new(&lo, 1, 1 + i, &g) != DM_OK) {
				rc = cli_fail("cannot create the generator");
				goto out;
			}
			rc = write_hour(st, g, h, rph, model, version, so.seed,
					parquet, labels);
			dm_synth_free(g);
			g = NULL;
			if (rc != EXIT_OK)
				goto out;
		}
		cli_iso_time(last - (time_t)hours * 3600, a, sizeof(a));
		cli_iso_time(last, b, sizeof(b));
		if (dm_synth_new(&so, 1, 1, &g) == DM_OK) {
			const char *dn = dm_synth_drifted_names(g);

			printf("Inference logs: %llu hours x %llu rows (%s .. "
			       "%s, "
			       "scenario %s%s%s%s) -> %s/inference-logs/\n",
			       (unsigned long long)hours,
			       (unsigned long long)rph, a, b,
			       dm_scenario_name(so.scenario),
			       dn && *dn ? ": " : "", dn ? dn : "", "",
			       cli_store_shown(store_flag));
		}
	}
out:
	dm_synth_free(g);
	dm_store_free(st);
	free(default_training);
	return rc;
}
