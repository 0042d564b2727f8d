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

/* The metadata columns before the generator's in a log row: timestamp,
 * model_name, model_version, request_id. */
#define META_COLS 4
#define HOUR_SECS 3600
/* a label is stamped this long after its prediction */
#define LABEL_DELAY_SECS 3600
/* text room per row: an ISO-8601 timestamp, a request id */
#define TS_BYTES  24
#define RID_BYTES 40
/* the 64-bit LCG (Knuth's MMIX constants) that spreads the rows'
 * timestamps over the hour */
#define LCG_MUL 6364136223846793005ull
#define LCG_INC 1442695040888963407ull

/* One hour's log columns: the metadata columns' values for a chunk of
 * CHUNK rows, and the batch (metadata, then the generator's) written. */
struct hour_buf {
	char **names;
	dm_coltype *types;
	dm_column *cols;
	dm_strref *ts, *rid, *mn, *mv;
	double *tsd;
	char *tsbuf, *ridbuf;
};

static void hour_buf_release(struct hour_buf *hb)
{
	free(hb->names);
	free(hb->types);
	free(hb->cols);
	free(hb->ts);
	free(hb->tsd);
	free(hb->rid);
	free(hb->mn);
	free(hb->mv);
	free(hb->tsbuf);
	free(hb->ridbuf);
	memset(hb, 0, sizeof(*hb));
}

/* Allocates hb for nc generator columns; -1 when out of memory (hb is
 * then still released with hour_buf_release). */
static int hour_buf_init(struct hour_buf *hb, size_t nc)
{
	hb->names = calloc(nc + META_COLS, sizeof(*hb->names));
	hb->types = calloc(nc + META_COLS, sizeof(*hb->types));
	hb->cols = calloc(nc + META_COLS, sizeof(*hb->cols));
	hb->ts = calloc(CHUNK, sizeof(*hb->ts));
	hb->rid = calloc(CHUNK, sizeof(*hb->rid));
	hb->mn = calloc(CHUNK, sizeof(*hb->mn));
	hb->mv = calloc(CHUNK, sizeof(*hb->mv));
	hb->tsd = calloc(CHUNK, sizeof(*hb->tsd));
	hb->tsbuf = malloc((size_t)CHUNK * TS_BYTES);
	hb->ridbuf = malloc((size_t)CHUNK * RID_BYTES);
	return hb->names && hb->types && hb->cols && hb->ts && hb->rid &&
			       hb->mn && hb->mv && hb->tsd && hb->tsbuf &&
			       hb->ridbuf
		       ? 0
		       : -1;
}

/* The columns' names and types (the timestamp a DOUBLE of epoch seconds
 * in Parquet, text in CSV) and the batch columns over the buffers. */
static void hour_buf_columns(struct hour_buf *hb, dm_synth *g, size_t nc,
			     int parquet)
{
	size_t i;

	hb->names[0] = "timestamp";
	hb->names[1] = "model_name";
	hb->names[2] = "model_version";
	hb->names[3] = "request_id";
	for (i = 0; i < META_COLS; i++)
		hb->types[i] = DM_COL_STRING;
	hb->types[0] = parquet ? DM_COL_DOUBLE : DM_COL_STRING;
	for (i = 0; i < nc; i++) {
		hb->names[META_COLS + i] = (char *)dm_synth_colname(g, i);
		hb->types[META_COLS + i] = dm_synth_coltype(g, i);
	}
	for (i = 0; i < META_COLS; i++)
		hb->cols[i].type = DM_COL_STRING;
	if (parquet) {
		hb->cols[0].type = DM_COL_DOUBLE;
		hb->cols[0].f64 = hb->tsd;
	} else {
		hb->cols[0].str = hb->ts;
	}
	hb->cols[1].str = hb->mn;
	hb->cols[2].str = hb->mv;
	hb->cols[3].str = hb->rid;
}

/* The metadata of rows done .. done + n - 1 of the hour: a timestamp
 * drawn in the hour (state *x), the model and the request id. */
static void fill_meta(struct hour_buf *hb, size_t n, time_t hour, uint64_t done,
		      uint64_t *x, const char *model, const char *version)
{
	struct tm tm;
	size_t j;

	for (j = 0; j < n; j++) {
		time_t t;

		*x = *x * LCG_MUL + LCG_INC;
		t = hour + (time_t)((*x >> 33) % HOUR_SECS);
		hb->tsd[j] = (double)t;
		gmtime_r(&t, &tm);
		hb->ts[j].ptr = hb->tsbuf + j * TS_BYTES;
		hb->ts[j].len =
			(uint32_t)strftime(hb->tsbuf + j * TS_BYTES, TS_BYTES,
					   "%Y-%m-%dT%H:%M:%SZ", &tm);
		hb->mn[j].ptr = model;
		hb->mn[j].len = (uint32_t)strlen(model);
		hb->mv[j].ptr = version;
		hb->mv[j].len = (uint32_t)strlen(version);
		hb->rid[j].ptr = hb->ridbuf + j * RID_BYTES;
		hb->rid[j].len = (uint32_t)snprintf(
			hb->ridbuf + j * RID_BYTES, RID_BYTES, "req-%lld-%llu",
			(long long)hour, (unsigned long long)(done + j));
	}
}

/* The label records of n rows (label[j] of request hb->rid[j]), stamped
 * LABEL_DELAY_SECS after the prediction. */
static void write_label_rows(FILE *lmem, const struct hour_buf *hb,
			     const double *label, size_t n, const char *model,
			     const char *version)
{
	struct tm tm;
	size_t j;

	for (j = 0; j < n; j++) {
		time_t lt = (time_t)hb->tsd[j] + LABEL_DELAY_SECS;

		gmtime_r(&lt, &tm);
		fprintf(lmem, "%.*s,%s,%s,%.0f,", (int)hb->rid[j].len,
			hb->rid[j].ptr, model, version, label[j]);
		fprintf(lmem, "%04d-%02d-%02dT%02d:%02d:%02dZ\n",
			tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
			tm.tm_hour, tm.tm_min, tm.tm_sec);
	}
}

/* The hour's log file (len bytes) into its hour partition. */
static int put_hour(dm_store *st, time_t hour, const char *model,
		    const char *version, int parquet, const char *buf,
		    size_t len)
{
	char key[DM_LAYOUT_KEY_MAX];
	dm_diag diag;

	dm_diag_clear(&diag);
	dm_layout_logs_hour_prefix(hour, key, sizeof(key));
	snprintf(key + strlen(key), sizeof(key) - strlen(key),
		 "part-synth-%s-%s.%s", model, version,
		 parquet ? "parquet" : "csv");
	if (dm_store_put(st, key, buf, len, &diag) != DM_OK)
		return cli_fail_err(DM_EIO, &diag, "cannot write logs");
	return EXIT_OK;
}

/* One hour of logs: metadata columns, then the generator's columns;
 * with labels, the label records too. */
static int write_hour(dm_store *st, dm_synth *g, time_t hour, uint64_t rows,
		      const char *model, const char *version, uint64_t seed,
		      int parquet, int labels)
{
	/* with labels, the generator's last column ("label") goes to the
	 * label records, not to the logs */
	size_t nc = dm_synth_ncols(g) - (labels != 0), i;
	char *lbuf = NULL, *buf = NULL;
	size_t llen = 0, len = 0;
	FILE *lmem = labels ? open_memstream(&lbuf, &llen) : NULL;
	struct hour_buf hb;
	int hb_ok = hour_buf_init(&hb, nc);
	FILE *mem = open_memstream(&buf, &len);
	struct sink k = {0};
	uint64_t done = 0, x = seed ^ (uint64_t)hour;
	dm_diag diag;
	int rc = EXIT_OK;

	dm_diag_clear(&diag);
	if (hb_ok < 0 || !mem || (labels && !lmem)) {
		rc = cli_fail("out of memory");
		goto out;
	}
	hour_buf_columns(&hb, g, nc, parquet);
	if (lmem)
		fputs("request_id,model_name,model_version,label,timestamp\n",
		      lmem);
	if (sink_open(&k, mem, parquet, hb.names, hb.types, nc + META_COLS, 0,
		      &diag) != DM_OK) {
		rc = cli_fail("cannot write logs: %s", diag.msg);
		goto out;
	}
	while (done < rows) {
		size_t n = rows - done < CHUNK ? (size_t)(rows - done) : CHUNK;
		dm_batch *b, outb;

		if (dm_synth_next(g, n, &b) != DM_OK) {
			rc = cli_fail("cannot generate data");
			goto out;
		}
		fill_meta(&hb, n, hour, done, &x, model, version);
		for (i = 0; i < nc; i++)
			hb.cols[META_COLS + i] = b->cols[i];
		if (lmem)
			write_label_rows(lmem, &hb, b->cols[nc].f64, n, model,
					 version);
		outb = *b;
		outb.ncols = nc + META_COLS;
		outb.cols = hb.cols;
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
	rc = put_hour(st, hour, model, version, parquet, buf, len);
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
	hour_buf_release(&hb);
	return rc;
}

/* What the command line asked for. */
struct synth_args {
	const char *training, *current, *validation, *store_flag;
	const char *model, *version;
	char *default_training;
	int parquet, logs, labels;
	uint64_t rows, hours, rph;
	time_t end;
	dm_synth_opts so;
};

/* The most --hours: a leap year of logs. */
#define MAX_HOURS (24 * 366)

/* One option of the generator (scenario, features, seed); EXIT_OK, or
 * an exit code after printing the error. */
static int parse_gen_option(dm_synth_opts *so, int c, const char *arg)
{
	uint64_t u;
	double x;

	switch (c) {
	case O_SCENARIO:
		if (dm_scenario_parse(arg, &so->scenario) < 0)
			return cli_usage("synth",
					 "unknown --scenario '%s': expected "
					 "none, mean-shift, scale, "
					 "new-category, missing or prior",
					 arg);
		break;
	case O_DRIFTF:
		if (cli_parse_u64(arg, &u) < 0 || u > 1000)
			return cli_usage("synth",
					 "invalid --drift-features '%s'", arg);
		so->drift_features = (unsigned)u;
		break;
	case O_MAG:
		if (cli_parse_double(arg, &x) < 0 || x <= 0)
			return cli_usage("synth", "invalid --magnitude '%s'",
					 arg);
		so->magnitude = x;
		break;
	case O_FEATURES:
		if (cli_parse_u64(arg, &u) < 0 || u < 50 || u > 10000)
			return cli_usage("synth",
					 "invalid --features '%s': "
					 "expected 50 to 10000",
					 arg);
		so->nfeatures = (unsigned)u;
		break;
	case O_NUMERIC:
		so->numeric_only = 1;
		break;
	case O_SEED:
		if (cli_parse_u64(arg, &so->seed) < 0)
			return cli_usage("synth", "invalid --seed '%s'", arg);
		break;
	default:
		return CLI_BAD_OPTION;
	}
	return EXIT_OK;
}

/* One option into the struct synth_args at ctx (a cli_option_fn). */
static int parse_option(void *ctx, int c, int longidx, const char *arg)
{
	struct synth_args *a = ctx;

	switch (c) {
	case O_TRAINING:
		a->training = arg;
		break;
	case O_CURRENT:
		a->current = arg;
		break;
	case O_LOGS:
		a->logs = 1;
		break;
	case O_ROWS:
		if (cli_parse_u64(arg, &a->rows) < 0 || a->rows == 0)
			return cli_usage("synth", "invalid --rows '%s'", arg);
		break;
	case O_HOURS:
		if (cli_parse_u64(arg, &a->hours) < 0 || a->hours == 0 ||
		    a->hours > MAX_HOURS)
			return cli_usage("synth", "invalid --hours '%s'", arg);
		break;
	case O_RPH:
		if (cli_parse_u64(arg, &a->rph) < 0)
			return cli_usage("synth",
					 "invalid --rows-per-hour '%s'", arg);
		break;
	case O_END:
		if (cli_parse_time(arg, &a->end) < 0)
			return cli_usage("synth", "invalid --end '%s'", arg);
		break;
	case O_MODEL:
		a->model = arg;
		break;
	case O_VERSION:
		a->version = arg;
		break;
	case O_STORE:
		a->store_flag = arg;
		break;
	case O_FORMAT:
		if (!strcmp(arg, "parquet"))
			a->parquet = 1;
		else if (!strcmp(arg, "csv"))
			a->parquet = 0;
		else
			return cli_usage("synth",
					 "invalid --format '%s': expected "
					 "parquet or csv",
					 arg);
		break;
	case O_LABELS:
		a->labels = 1;
		break;
	case O_VALIDATION:
		a->validation = arg;
		break;
	default:
		return parse_gen_option(&a->so, c, arg);
	}
	return EXIT_OK;
}

/* Step 1: the command line into a; with no output named, the store's
 * training file and the logs.  -1 after --help. */
static int parse_args(int argc, char **argv, struct synth_args *a)
{
	const char *url;
	int rc;

	a->model = "spam-detector";
	a->version = "v1";
	a->parquet = 1;
	a->rows = 10000;
	a->hours = 24;
	a->rph = 500;
	a->end = time(NULL);
	a->so.seed = 42;
	a->so.scenario = DM_SCEN_MEAN_SHIFT;
	if ((rc = cli_getopt(argc, argv, "synth", "+h", longopts, help,
			     parse_option, a)) != EXIT_OK)
		return rc;
	if (optind < argc)
		return cli_usage("synth", "unexpected argument '%s'",
				 argv[optind]);
	if (!dm_key_component_ok(a->model) || !dm_key_component_ok(a->version))
		return cli_usage("synth", "invalid --model or --version");
	if (a->labels && !a->logs &&
	    (a->training || a->current || a->validation))
		return cli_usage("synth", "--labels needs --logs");
	if (a->training || a->current || a->logs || a->validation)
		return EXIT_OK;
	url = cli_store_url(a->store_flag);
	if (strstr(url, "://") && strncmp(url, "file://", 7))
		return cli_usage("synth", "say --training FILE for a "
					  "remote store");
	if (asprintf(&a->default_training, "%s/training-data/%s/train.parquet",
		     strncmp(url, "file://", 7) ? url : url + 7, a->model) < 0)
		return cli_fail("out of memory");
	a->training = a->default_training;
	a->logs = 1;
	return EXIT_OK;
}

/* Writes rows of a new generator (o, drifted, stream) to path, making
 * its parent folders; *ncols: the generator's columns. */
static int synth_file(const dm_synth_opts *o, int drifted, uint64_t stream,
		      uint64_t rows, const char *path, size_t *ncols)
{
	dm_synth *g = NULL;
	int rc;

	mkparents(path);
	if (dm_synth_new(o, drifted, stream, &g) != DM_OK)
		return cli_fail("cannot create the generator");
	*ncols = dm_synth_ncols(g);
	rc = write_rows(g, rows, path);
	dm_synth_free(g);
	return rc;
}

/* Stream ids of the files' generators (each hour of logs is stream
 * 1 + its index). */
#define STREAM_CURRENT	  1000000
#define STREAM_VALIDATION 2000000

/* Step 2: the training, validation and current files asked for. */
static int write_files(const struct synth_args *a)
{
	dm_synth_opts vo = a->so;
	size_t nc;
	int rc;

	if (a->training) {
		if ((rc = synth_file(&a->so, 0, 0, a->rows, a->training,
				     &nc)) != EXIT_OK)
			return rc;
		printf("Training data: %llu rows x %zu columns -> %s\n",
		       (unsigned long long)a->rows, nc, a->training);
	}
	if (a->validation) {
		vo.with_label = 1;
		if ((rc = synth_file(&vo, 0, STREAM_VALIDATION, a->rows,
				     a->validation, &nc)) != EXIT_OK)
			return rc;
		printf("Validation data (predictions and labels): %llu rows "
		       "-> %s\n",
		       (unsigned long long)a->rows, a->validation);
	}
	if (a->current) {
		if ((rc = synth_file(&a->so, 1, STREAM_CURRENT, a->rows,
				     a->current, &nc)) != EXIT_OK)
			return rc;
		printf("Current data (%s): %llu rows -> %s\n",
		       dm_scenario_name(a->so.scenario),
		       (unsigned long long)a->rows, a->current);
	}
	return EXIT_OK;
}

/* Step 3: the hours of logs before the end's hour, then a summary. */
static int write_logs(const struct synth_args *a, dm_store *st)
{
	time_t last = a->end - a->end % HOUR_SECS, h;
	time_t first = last - (time_t)a->hours * HOUR_SECS;
	dm_synth_opts lo = a->so;
	dm_synth *g = NULL;
	uint64_t i = 0;
	char from[32], to[32];
	int rc;

	lo.with_label = a->labels;
	for (h = first; h < last; h += HOUR_SECS, i++) {
		if (dm_synth_new(&lo, 1, 1 + i, &g) != DM_OK)
			return cli_fail("cannot create the generator");
		rc = write_hour(st, g, h, a->rph, a->model, a->version,
				a->so.seed, a->parquet, a->labels);
		dm_synth_free(g);
		g = NULL;
		if (rc != EXIT_OK)
			return rc;
	}
	cli_iso_time(first, from, sizeof(from));
	cli_iso_time(last, to, sizeof(to));
	if (dm_synth_new(&a->so, 1, 1, &g) == DM_OK) {
		const char *dn = dm_synth_drifted_names(g);

		printf("Inference logs: %llu hours x %llu rows (%s .. "
		       "%s, "
		       "scenario %s%s%s%s) -> %s/inference-logs/\n",
		       (unsigned long long)a->hours, (unsigned long long)a->rph,
		       from, to, dm_scenario_name(a->so.scenario),
		       dn && *dn ? ": " : "", dn ? dn : "", "",
		       cli_store_shown(a->store_flag));
	}
	dm_synth_free(g);
	return EXIT_OK;
}

int cmd_synth(int argc, char **argv)
{
	struct synth_args a = {0};
	dm_store *st = NULL;
	dm_diag diag;
	int rc;

	dm_diag_clear(&diag);
	rc = parse_args(argc, argv, &a);
	if (rc == EXIT_OK)
		rc = write_files(&a);
	if (rc == EXIT_OK && a.logs) {
		if (dm_store_open(cli_store_url(a.store_flag), &st, &diag))
			rc = cli_fail_err(DM_EINVAL, &diag,
					  "cannot open store");
		else
			rc = write_logs(&a, st);
	}
	dm_store_free(st);
	free(a.default_training);
	return rc < 0 ? EXIT_OK : rc;
}
