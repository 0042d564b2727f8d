/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The hourly job through the installed library: what the Kubernetes
 * CronJob's `driftmon detect --model M --version V` does, as an embedder
 * writes it (include/driftmon/job.h).  Builds outside the tree with
 *
 *   cc -o embed_detect embed_detect.c $(pkg-config --cflags --libs driftmon)
 *
 * usage: embed_detect STORE MODEL VERSION [AT [--no-write]]
 *
 * AT is the end of the window in seconds since the epoch (default: now);
 * the settings come from the same environment as the CronJob's
 * (DRIFT_ANALYSIS_WINDOW_HOURS, DRIFT_PSI_THRESHOLD, ...).  Prints the
 * report's JSON on standard output, warnings and the keys written on
 * standard error.  Exit status: 0, 3 when drift was detected, 1 on an
 * error (one line on standard error).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <driftmon/job.h>
#include <driftmon/report.h>
#include <driftmon/store.h>

static void on_warning(void *ctx, dm_job_warning what, const char *msg)
{
	(void)ctx;
	(void)what;
	fprintf(stderr, "embed_detect: warning: %s\n", msg);
}

int main(int argc, char **argv)
{
	dm_job_opts o;
	dm_job *job = NULL;
	dm_job_written w;
	dm_store *st = NULL;
	dm_diag diag;
	dm_err err;
	char *json = NULL, *end;
	size_t len = 0;
	int rc = 1, write = !(argc > 5 && !strcmp(argv[5], "--no-write"));

	if (argc < 4) {
		fprintf(stderr, "usage: embed_detect STORE MODEL VERSION "
				"[AT [--no-write]]\n");
		return 2;
	}
	dm_diag_clear(&diag);
	/* 1. the settings as the CronJob reads them */
	err = dm_job_opts_from_env(&o, &diag);
	if (err != DM_OK)
		goto fail;
	o.model = argv[2];
	o.version = argv[3];
	if (argc > 4) {
		o.at = (time_t)strtoll(argv[4], &end, 10);
		if (*end || end == argv[4]) {
			fprintf(stderr, "embed_detect: bad AT '%s'\n", argv[4]);
			return 2;
		}
	}
	o.warn = on_warning;
	/* 2. the run: baseline, window, decision */
	err = dm_store_open(argv[1], &st, &diag);
	if (err == DM_OK)
		err = dm_job_detect(st, &o, &job, &diag);
	if (err == DM_OK)
		err = dm_report_to_json(dm_job_result(job), &json, &len);
	/* 3. the report's writes: history, then the latest copies */
	if (err == DM_OK && write) {
		err = dm_job_write_report(st, dm_job_result(job), json, len, &w,
					  &diag);
		if (err == DM_OK)
			fprintf(stderr, "embed_detect: wrote %s.json%s%s\n",
				w.stem,
				w.latest_version ? " and the version's latest"
						 : "",
				w.latest_model ? " and the model's latest"
					       : "");
	}
	if (err != DM_OK)
		goto fail;
	fwrite(json, 1, len, stdout);
	rc = dm_job_result(job)->drift_detected ? 3 : 0;
	goto out;
fail:
	fprintf(stderr, "embed_detect: %s\n",
		diag.msg[0] ? diag.msg : dm_strerror(err));
out:
	free(json);
	dm_job_free(job);
	dm_store_free(st);
	return rc;
}
