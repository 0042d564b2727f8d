/* SPDX-License-Identifier: Apache-2.0 */
/*
 * driftmon labels --input FILE: stores ground-truth label records beside
 * the inference logs (labels/year=/month=/day=/hour=/labels-<tag>.parquet,
 * include/driftmon/labels.h), for `detect` to join with predictions.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "driftmon/labels.h"
#include "driftmon/store.h"
#include "driftmon/table.h"

static const char help[] =
	"usage: driftmon labels --input FILE [--tag TAG] [--store URL]\n"
	"\n"
	"Stores label records (ground truth that arrives after the\n"
	"predictions) beside the inference logs, one Parquet file per hour of\n"
	"the labels' timestamps:\n"
	"  labels/year=YYYY/month=MM/day=DD/hour=HH/labels-<tag>.parquet\n"
	"\n"
	"  -i, --input FILE   CSV or Parquet with the columns request_id,\n"
	"                     model_name, model_version, label (a class or a\n"
	"                     number) and timestamp (ISO-8601 UTC, when the\n"
	"                     label became known)\n"
	"      --tag TAG      names this import (default: from the file "
	"name);\n"
	"                     importing again with the same tag replaces it\n"
	"      --store URL    the store (default $DRIFTMON_STORE)\n"
	"\n"
	"`driftmon detect --labels` joins them with the window's predictions\n"
	"(docs/model-quality.md).\n";

enum { O_STORE = 256, O_TAG };

static const struct option longopts[] = {
	{"input", required_argument, NULL, 'i'},
	{"tag", required_argument, NULL, O_TAG},
	{"store", required_argument, NULL, O_STORE},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

/* The default tag: the file's base name without its extension, with
 * characters outside [A-Za-z0-9._-] made '_'. */
static void tag_from_file(const char *path, char *tag, size_t n)
{
	const char *b = strrchr(path, '/');
	size_t i, len;
	char *dot;

	b = b ? b + 1 : path;
	snprintf(tag, n, "%s", b);
	dot = strrchr(tag, '.');
	if (dot && dot != tag)
		*dot = '\0';
	len = strlen(tag);
	for (i = 0; i < len; i++) {
		char c = tag[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '-' || c == '_' ||
		      c == '.'))
			tag[i] = '_';
	}
	if (tag[0] == '.' || tag[0] == '\0')
		tag[0] = '_';
}

int cmd_labels(int argc, char **argv)
{
	const char *input = NULL, *store_flag = NULL, *tag = NULL;
	char deftag[65], first[32], last[32];
	dm_labels_import_stats stats;
	dm_store *st = NULL;
	dm_reader *r = NULL;
	dm_diag diag;
	dm_err err;
	int c, rc = EXIT_OK;

	optind = 0;
	while ((c = getopt_long(argc, argv, "i:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'i':
			input = optarg;
			break;
		case O_TAG:
			tag = optarg;
			break;
		case O_STORE:
			store_flag = optarg;
			break;
		case 'h':
			fputs(help, stdout);
			return EXIT_OK;
		default:
			return cli_bad_option("labels", argc, argv);
		}
	}
	if (optind < argc)
		return cli_usage("labels", "unexpected argument '%s'",
				 argv[optind]);
	if (!input)
		return cli_usage("labels", "say which file: --input FILE");
	if (!tag) {
		tag_from_file(input, deftag, sizeof(deftag));
		tag = deftag;
	}
	dm_diag_clear(&diag);
	err = dm_reader_open_file(input, NULL, &r, &diag);
	if (err != DM_OK) {
		rc = cli_fail_err(err, &diag, "cannot read labels");
		goto out;
	}
	err = dm_store_open(cli_store_url(store_flag), &st, &diag);
	if (err != DM_OK) {
		rc = cli_fail_err(err, &diag, "cannot open store");
		goto out;
	}
	err = dm_labels_import(st, r, input, tag, &stats, &diag);
	if (err != DM_OK) {
		rc = cli_fail_err(err, &diag, "cannot store labels");
		goto out;
	}
	cli_iso_time((time_t)stats.first_hour, first, sizeof(first));
	cli_iso_time((time_t)stats.last_hour, last, sizeof(last));
	printf("Stored %llu label%s in %llu hour file%s (%s .. %s), tag %s\n",
	       (unsigned long long)stats.rows, stats.rows == 1 ? "" : "s",
	       (unsigned long long)stats.files, stats.files == 1 ? "" : "s",
	       first, last, tag);
out:
	dm_reader_free(r);
	dm_store_free(st);
	return rc;
}
