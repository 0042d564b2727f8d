/* SPDX-License-Identifier: Apache-2.0 */
/*
 * driftmon report: renders a stored JSON drift report as the HTML report
 * (the one detect writes beside the JSON), with the drift-score trend of
 * the report history in the store up to the report's own time.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "driftmon/report.h"
#include "driftmon/store.h"

static const char help[] =
	"usage: driftmon report --input REPORT.json --output FILE.html\n"
	"                       [--history N] [--store URL]\n"
	"\n"
	"Renders a JSON drift report (from detect, or compare --format json)\n"
	"as one self-contained HTML file: inline CSS and SVG, no scripts,\n"
	"nothing fetched.  The drift-score trend is read from the report\n"
	"history in the store (drift-reports/<model>/<version>/*.json).\n"
	"\n"
	"  -i, --input FILE     the JSON report\n"
	"  -o, --output FILE    the HTML file to write ('-': standard output)\n"
	"      --history N      runs in the trend chart (default 30; 0: only\n"
	"                       this report)\n"
	"      --store URL      storage (default $DRIFTMON_STORE or\n"
	"                       ./driftmon-data)\n"
	"  -h, --help           this help\n";

enum { O_HISTORY = 256, O_STORE };

static const struct option longopts[] = {
	{"input", required_argument, NULL, 'i'},
	{"output", required_argument, NULL, 'o'},
	{"history", required_argument, NULL, O_HISTORY},
	{"store", required_argument, NULL, O_STORE},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

#define REPORT_MAX ((size_t)256 << 20)

/* Reads a whole local file; prints the error; returns an exit code. */
static int read_file(const char *path, char **out, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	size_t cap = 1 << 16, n = 0;
	char *buf = NULL, *p;

	*out = NULL;
	if (!fp)
		return cli_fail("cannot read '%s': %s", path, strerror(errno));
	for (;;) {
		size_t got;

		if (n + 1 >= cap || !buf) {
			if (buf)
				cap *= 2;
			if (cap > REPORT_MAX + 1) {
				fclose(fp);
				free(buf);
				return cli_fail("cannot read '%s': larger than "
						"%zu MiB",
						path, REPORT_MAX >> 20);
			}
			if (!(p = realloc(buf, cap))) {
				fclose(fp);
				free(buf);
				return cli_fail("out of memory");
			}
			buf = p;
		}
		got = fread(buf + n, 1, cap - n - 1, fp);
		n += got;
		if (got == 0)
			break;
	}
	if (ferror(fp)) {
		fclose(fp);
		free(buf);
		return cli_fail("cannot read '%s': %s", path, strerror(errno));
	}
	fclose(fp);
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return EXIT_OK;
}

int cmd_report(int argc, char **argv)
{
	const char *input = NULL, *output = NULL, *store_flag = NULL;
	char *json = NULL, *html = NULL;
	size_t len = 0, hl = 0, nhist = 0, i;
	uint64_t nmax = DM_HTML_HISTORY_DEFAULT;
	dm_report_brief brief, *hist = NULL;
	dm_report_point *pts = NULL;
	dm_html_opts ho;
	dm_store *st = NULL;
	dm_diag diag;
	dm_err err;
	int c, rc = EXIT_OK;

	optind = 0;
	while ((c = getopt_long(argc, argv, "+i:o:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'i':
			input = optarg;
			break;
		case 'o':
			output = optarg;
			break;
		case O_HISTORY:
			if (cli_parse_u64(optarg, &nmax) < 0 || nmax > 10000)
				return cli_usage("report",
						 "invalid --history '%s': "
						 "expected 0 to 10000",
						 optarg);
			break;
		case O_STORE:
			store_flag = optarg;
			break;
		case 'h':
			fputs(help, stdout);
			return EXIT_OK;
		default:
			return cli_bad_option("report", argc, argv);
		}
	}
	if (optind < argc)
		return cli_usage("report", "unexpected argument '%s'",
				 argv[optind]);
	if (!input || !output)
		return cli_usage("report",
				 "--input REPORT.json and --output FILE.html "
				 "are required");
	if ((rc = read_file(input, &json, &len)) != EXIT_OK)
		return rc;
	dm_diag_clear(&diag);
	err = dm_report_brief_parse(json, len, input, &brief, &diag);
	if (err != DM_OK) {
		rc = cli_fail_err(err, &diag, "cannot read the report");
		goto out;
	}
	memset(&ho, 0, sizeof(ho));
	ho.json_location = input;
	/* The trend: best effort, from the store, when the report's model
	 * and version name a place in it. */
	if (nmax > 0 && dm_key_component_ok(brief.model) &&
	    dm_key_component_ok(brief.model_version) &&
	    dm_store_open(cli_store_url(store_flag), &st, &diag) == DM_OK &&
	    cli_report_history(st, brief.model, brief.model_version,
			       (size_t)nmax + 64, &hist, &nhist,
			       &diag) == DM_OK &&
	    (pts = calloc(nhist + 1, sizeof(*pts)))) {
		size_t k = 0;
		const char *mine = brief.window_end[0] ? brief.window_end
						       : brief.generated_at;

		for (i = 0; i < nhist; i++) {
			const char *its = hist[i].window_end[0]
						  ? hist[i].window_end
						  : hist[i].generated_at;
			int cmp = strcmp(its, mine);

			/* the runs up to the report's own, in window order */
			if (cmp == 0)
				cmp = strcmp(hist[i].generated_at,
					     brief.generated_at);
			if (cmp > 0)
				continue;
			cli_report_points(&hist[i], 1, &pts[k++]);
		}
		ho.history = k > nmax ? pts + (k - nmax) : pts;
		ho.nhistory = k > nmax ? (size_t)nmax : k;
	}
	dm_diag_clear(&diag);
	err = dm_report_html_from_json(json, len, input, &ho, &html, &hl,
				       &diag);
	if (err != DM_OK) {
		rc = cli_fail_err(err, &diag, "cannot render the report");
		goto out;
	}
	rc = cli_write_file_atomic(output, html, hl);
out:
	free(json);
	free(html);
	free(hist);
	free(pts);
	dm_store_free(st);
	return rc;
}
