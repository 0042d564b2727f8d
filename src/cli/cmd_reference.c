/* SPDX-License-Identifier: Apache-2.0 */
/*
 * driftmon reference: the performance of a model (a binary classifier
 * with scores, a classifier of class names, a regression) on a
 * labelled validation set, stored beside the baseline as
 * baselines/<model>/<version>/reference-performance.json.  `detect`
 * compares each window with it (measured drops once labels arrive, CBPE
 * estimates before).  docs/model-quality.md.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "driftmon/labels.h"
#include "driftmon/layout.h"
#include "driftmon/store.h"
#include "driftmon/table.h"

static const char help[] =
	"usage: driftmon reference --model NAME --version V --input FILE\n"
	"                          [--label-column C] [--prediction-column C]\n"
	"                          [--task T] [--threshold T] [--store URL]\n"
	"\n"
	"Measures a model on a labelled validation set and stores its\n"
	"performance in "
	"baselines/<model>/<version>/reference-performance.json.\n"
	"A binary classifier with scores (labels 0/1, scores in [0, 1]):\n"
	"accuracy, F1, ROC AUC, their standard errors and the isotonic\n"
	"calibration CBPE needs; a classifier of class names: accuracy and\n"
	"macro F1; a regression: MAE, RMSE and the moments of its errors.\n"
	"`detect` then flags measured (and, with scores, estimated) drops\n"
	"(docs/model-quality.md).\n"
	"\n"
	"  -m, --model NAME            model name\n"
	"  -v, --version V             model version\n"
	"  -i, --input FILE            CSV or Parquet validation set\n"
	"      --label-column C        the labels (default label)\n"
	"      --prediction-column C   the scores (default prediction)\n"
	"      --task T                binary_score (default), classification\n"
	"                              or regression\n"
	"      --threshold T           a score >= T predicts class 1 (default "
	"0.5)\n"
	"      --store URL             the store (default $DRIFTMON_STORE)\n";

enum { O_STORE = 256, O_LABEL, O_PRED, O_THR, O_TASK };

static const struct option longopts[] = {
	{"model", required_argument, NULL, 'm'},
	{"version", required_argument, NULL, 'v'},
	{"input", required_argument, NULL, 'i'},
	{"label-column", required_argument, NULL, O_LABEL},
	{"prediction-column", required_argument, NULL, O_PRED},
	{"threshold", required_argument, NULL, O_THR},
	{"task", required_argument, NULL, O_TASK},
	{"store", required_argument, NULL, O_STORE},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

static int parse_task(const char *s, dm_perf_task *t)
{
	if (!strcmp(s, "binary_score"))
		*t = DM_PERF_BINARY_SCORE;
	else if (!strcmp(s, "classification"))
		*t = DM_PERF_CLASSIFICATION;
	else if (!strcmp(s, "regression"))
		*t = DM_PERF_REGRESSION;
	else
		return -1;
	return 0;
}

static void print_reference(const dm_refperf *r, const char *model,
			    const char *version, const char *key)
{
	printf("Reference for %s %s: %llu rows, ", model, version,
	       (unsigned long long)r->rows);
	if (r->task == DM_PERF_CLASSIFICATION)
		printf("%zu classes, accuracy %.4f, macro F1 %.4f\n",
		       r->nclasses, r->value[0], r->value[1]);
	else if (r->task == DM_PERF_REGRESSION)
		printf("MAE %.6g, RMSE %.6g\n", r->value[0], r->value[1]);
	else
		printf("accuracy %.4f, F1 %.4f, ROC AUC %.4f\n",
		       r->value[DM_PERF_ACC], r->value[DM_PERF_F1],
		       r->value[DM_PERF_AUC]);
	printf("Written to %s\n", key);
}

int cmd_reference(int argc, char **argv)
{
	const char *model = NULL, *version = NULL, *input = NULL;
	const char *store_flag = NULL, *lcol = "label", *pcol = "prediction";
	double thr = 0.5;
	dm_perf_task task = DM_PERF_BINARY_SCORE;
	char key[DM_LAYOUT_KEY_MAX], *json = NULL;
	size_t len = 0;
	dm_refperf ref;
	dm_store *st = NULL;
	dm_reader *r = NULL;
	dm_diag diag;
	dm_err err;
	int c, rc = EXIT_OK;

	memset(&ref, 0, sizeof(ref));
	optind = 0;
	while ((c = getopt_long(argc, argv, "m:v:i:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'm':
			model = optarg;
			break;
		case 'v':
			version = optarg;
			break;
		case 'i':
			input = optarg;
			break;
		case O_LABEL:
			lcol = optarg;
			break;
		case O_PRED:
			pcol = optarg;
			break;
		case O_THR:
			if (cli_parse_double(optarg, &thr) < 0 ||
			    !(thr >= 0 && thr <= 1))
				return cli_usage("reference",
						 "invalid --threshold '%s': "
						 "expected a number in [0, 1]",
						 optarg);
			break;
		case O_TASK:
			if (parse_task(optarg, &task) < 0)
				return cli_usage(
					"reference",
					"invalid --task '%s': expected "
					"binary_score, classification "
					"or regression",
					optarg);
			break;
		case O_STORE:
			store_flag = optarg;
			break;
		case 'h':
			fputs(help, stdout);
			return EXIT_OK;
		default:
			return cli_bad_option("reference", argc, argv);
		}
	}
	if (optind < argc)
		return cli_usage("reference", "unexpected argument '%s'",
				 argv[optind]);
	if ((rc = cli_check_model("reference", model, version)) != EXIT_OK)
		return rc;
	if (!input)
		return cli_usage("reference", "say which file: --input FILE");
	dm_diag_clear(&diag);
	err = dm_reader_open_file(input, NULL, &r, &diag);
	if (err == DM_OK)
		err = dm_refperf_from_reader(r, input, lcol, pcol, task, thr,
					     &ref, &diag);
	if (err != DM_OK) {
		rc = cli_fail_err(err, &diag, "cannot measure the reference");
		goto out;
	}
	err = dm_refperf_to_json(&ref, model, version, &json, &len);
	if (err == DM_OK)
		err = dm_store_open(cli_store_url(store_flag), &st, &diag);
	if (err == DM_OK)
		err = dm_layout_refperf_key(model, version, key, sizeof(key),
					    &diag);
	if (err == DM_OK)
		err = dm_store_put(st, key, json, len, &diag);
	if (err != DM_OK) {
		rc = cli_fail_err(err, &diag, "cannot store the reference");
		goto out;
	}
	print_reference(&ref, model, version, key);
out:
	free(json);
	dm_refperf_release(&ref);
	dm_reader_free(r);
	dm_store_free(st);
	return rc;
}
