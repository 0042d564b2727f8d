/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Ground truth (src/labels): the time parser, the task a set of
 * (label, prediction) pairs is taken for and its metrics, and a round
 * trip through a store: import, then join with a window of logs.
 * tests/e2e/t_labels.sh checks the same through the CLI against sklearn.
 */
#include "dmtest.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "driftmon/labels.h"

static void labels_parse_time(void **state)
{
	double t;

	(void)state;
	assert_int_equal(dm_labels_parse_time("2025-03-01T12:00:00Z", 20, &t),
			 0);
	assert_true(t == 1740830400.0);
	assert_int_equal(
		dm_labels_parse_time("2025-03-01T13:30:00+01:30", 25, &t), 0);
	assert_true(t == 1740830400.0);
	assert_int_equal(
		dm_labels_parse_time("2025-03-01 12:00:00.25Z", 23, &t), 0);
	assert_true(t == 1740830400.25);
	assert_int_equal(dm_labels_parse_time("2025-03-01", 10, &t), 0);
	assert_true(t == 1740787200.0);
	assert_int_equal(dm_labels_parse_time("2025-13-01", 10, &t), -1);
	assert_int_equal(dm_labels_parse_time("2025-03-01T25:00Z", 17, &t), -1);
	assert_int_equal(dm_labels_parse_time("yesterday", 9, &t), -1);
	assert_int_equal(dm_labels_parse_time("2025-03-01Tx", 12, &t), -1);
	/* the length bounds the parse: no read past it */
	assert_int_equal(dm_labels_parse_time("2025-03-01T12:00:00Z", 13, &t),
			 0);
	assert_true(t == 1740830400.0);
}

static void labels_task_binary_score(void **state)
{
	const char *y[] = {"1", "0", "1", "0"};
	const char *p[] = {"0.9", "0.4", "0.6", "0.7"};
	dm_perf out;

	(void)state;
	memset(&out, 0, sizeof(out));
	assert_int_equal(dm_perf_compute(y, p, 4, &out), DM_OK);
	assert_int_equal(out.task, DM_PERF_BINARY_SCORE);
	/* predicted 1, 0, 1, 1: TP 2, TN 1, FP 1 */
	assert_true(fabs(out.scores.accuracy - 0.75) < 1e-15);
	/* pairs: (0.9, 0.4) (0.9, 0.7) (0.6, 0.4) win, (0.6, 0.7) loses */
	assert_true(fabs(out.roc_auc - 0.75) < 1e-15);
	dm_perf_release(&out);
}

static void labels_task_classes_and_regression(void **state)
{
	const char *y[] = {"cat", "dog", "eel", "dog"};
	const char *p[] = {"cat", "cat", "eel", "dog"};
	const char *yr[] = {"1.5", "2", "3"};
	const char *pr[] = {"1", "2", "4"};
	const char *y1[] = {"1", "0"};
	const char *p1[] = {"1", "1"};
	dm_perf out;

	(void)state;
	memset(&out, 0, sizeof(out));
	assert_int_equal(dm_perf_compute(y, p, 4, &out), DM_OK);
	assert_int_equal(out.task, DM_PERF_CLASSIFICATION);
	assert_int_equal(out.nclasses, 3);
	assert_string_equal(out.classes[0], "cat");
	assert_string_equal(out.classes[2], "eel");
	assert_true(fabs(out.scores.accuracy - 0.75) < 1e-15);
	assert_true(out.cm.m[1 * 3 + 0] == 1.0); /* a dog taken for a cat */
	dm_perf_release(&out);
	memset(&out, 0, sizeof(out));
	assert_int_equal(dm_perf_compute(yr, pr, 3, &out), DM_OK);
	assert_int_equal(out.task, DM_PERF_REGRESSION);
	assert_true(fabs(out.reg.mae - 0.5) < 1e-15);
	dm_perf_release(&out);
	/* 0/1 predictions are classes, not scores */
	memset(&out, 0, sizeof(out));
	assert_int_equal(dm_perf_compute(y1, p1, 2, &out), DM_OK);
	assert_int_equal(out.task, DM_PERF_CLASSIFICATION);
	assert_true(fabs(out.scores.accuracy - 0.5) < 1e-15);
	dm_perf_release(&out);
	dm_perf_release(NULL);
	dm_perf_free(NULL);
}

/* Writes text to path; 0 on success. */
static int put_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -1;
	fputs(text, f);
	return fclose(f);
}

static void labels_import_and_join(void **state)
{
	char dir[] = "/tmp/dm-labels-XXXXXX", path[256], logs[256];
	dm_labels_import_stats st;
	dm_store *s = NULL;
	dm_reader *r = NULL;
	dm_perf perf;
	dm_diag diag;
	time_t start = 1740823200; /* 2025-03-01T10:00:00Z */

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/labels.csv", dir);
	assert_int_equal(put_file(path,
				  "request_id,model_name,model_version,label,"
				  "timestamp\n"
				  "a,m,v1,1,2025-03-01T10:30:00Z\n"
				  "b,m,v1,0,2025-03-01T10:40:00Z\n"
				  "c,m,v1,1,2025-03-01T12:30:00Z\n"
				  "d,m,v2,1,2025-03-01T10:40:00Z\n"),
			 0);
	snprintf(logs, sizeof(logs),
		 "%s/inference-logs/year=2025/month=03/day=01/hour=10", dir);
	{
		char cmd[400];

		snprintf(cmd, sizeof(cmd), "mkdir -p '%s'", logs);
		assert_int_equal(system(cmd), 0);
	}
	strncat(logs, "/x.csv", sizeof(logs) - strlen(logs) - 1);
	assert_int_equal(
		put_file(logs, "timestamp,model_name,model_version,request_id,"
			       "score\n"
			       "2025-03-01T10:00:00Z,m,v1,a,0.8\n"
			       "2025-03-01T10:00:00Z,m,v1,b,0.3\n"
			       "2025-03-01T10:00:00Z,m,v1,c,0.6\n"
			       "2025-03-01T10:00:00Z,m,v1,,0.6\n"
			       "2025-03-01T10:00:00Z,m,v1,e,0.2\n"
			       "2025-03-01T10:00:00Z,m,v2,d,0.9\n"),
		0);
	dm_diag_clear(&diag);
	assert_int_equal(dm_store_open(dir, &s, &diag), DM_OK);
	assert_int_equal(dm_reader_open_file(path, NULL, &r, &diag), DM_OK);
	assert_int_equal(dm_labels_import(s, r, path, "t1", &st, &diag), DM_OK);
	dm_reader_free(r);
	assert_true(st.rows == 4 && st.files == 2);
	assert_int_equal(dm_perf_join(s, "m", "v1", start, start + 3600, 2.0,
				      "score", &perf, &diag),
			 DM_OK);
	/* a, b labelled; c 2.5 hours later: late; the empty id and e without
	 * a label count as predictions; d is another version */
	assert_true(perf.predictions == 4);
	assert_true(perf.labelled == 2 && perf.late == 1);
	assert_true(perf.labels_loaded == 3);
	assert_int_equal(perf.task, DM_PERF_BINARY_SCORE);
	assert_true(perf.scores.accuracy == 1.0 && perf.roc_auc == 1.0);
	dm_perf_release(&perf);
	dm_store_free(s);
	{
		char cmd[400];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		assert_int_equal(system(cmd), 0);
	}
}

static const struct CMUnitTest labels_tests[] = {
	cmocka_unit_test(labels_parse_time),
	cmocka_unit_test(labels_task_binary_score),
	cmocka_unit_test(labels_task_classes_and_regression),
	cmocka_unit_test(labels_import_and_join),
};

DMTEST_MAIN("labels", labels_tests)
