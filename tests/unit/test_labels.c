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
	/* the calibration curve: every row in one of 10 bins */
	assert_int_equal(out.calib.nbins, DM_PERF_CALIB_BINS);
	{
		uint64_t n = 0;
		double sp = 0, st = 0;
		size_t k;

		for (k = 0; k < out.calib.nbins; k++) {
			n += out.calib.count[k];
			sp += out.calib.sum_prob[k];
			st += out.calib.sum_true[k];
		}
		assert_int_equal(n, 4);
		assert_true(fabs(sp - 2.6) < 1e-12 && st == 2.0);
		assert_int_equal(out.calib.count[8], 1); /* 0.9 */
		assert_int_equal(out.calib.count[3], 1); /* 0.4 */
	}
	dm_perf_release(&out);
	assert_int_equal(out.calib.nbins, 0);
}

/* POST /v1/labels bodies: NDJSON and arrays, labels as classes or
 * numbers, timestamps as text or seconds. */
static void labels_json_records(void **state)
{
	const char body[] =
		"{\"request_id\":\"a\",\"model_name\":\"m\","
		"\"model_version\":\"v1\",\"label\":1,"
		"\"timestamp\":\"2025-03-01T12:00:00Z\"}\n"
		"\n  \r\n"
		"{\"request_id\":\"b\",\"model_name\":\"m\","
		"\"model_version\":\"v1\",\"label\":1.0,"
		"\"timestamp\":1740830400.5}\n"
		"{\"label\":\"spam\",\"request_id\":\"c\",\"model_name\":"
		"\"m\",\"model_version\":\"v1\"}\n"
		"{\"request_id\":\"d\",\"model_name\":\"m\","
		"\"model_version\":\"v1\",\"label\":0.25,\"timestamp\":null}";
	const char arr[] = " [{\"request_id\":\"x\",\"model_name\":\"m\","
			   "\"model_version\":\"v2\",\"label\":-3}]";
	dm_log_parsed p;
	dm_diag d;

	(void)state;
	assert_int_equal(dm_labels_parse_json(body, strlen(body), 0, &p, &d),
			 DM_OK);
	assert_int_equal(p.nrecords, 4);
	assert_string_equal(p.records[0].request_id, "a");
	assert_string_equal(p.records[0].model_name, "m");
	assert_string_equal(p.records[0].model_version, "v1");
	assert_true(p.records[0].timestamp_us == INT64_C(1740830400000000));
	assert_int_equal(p.records[0].npredictions, 1);
	assert_string_equal(p.records[0].predictions[0].name, "label");
	assert_int_equal(p.records[0].predictions[0].type, DM_LOG_STRING);
	assert_string_equal(p.records[0].predictions[0].str, "1");
	assert_string_equal(p.records[1].predictions[0].str, "1");
	assert_true(p.records[1].timestamp_us == INT64_C(1740830400500000));
	assert_string_equal(p.records[2].predictions[0].str, "spam");
	assert_true(p.records[2].timestamp_us == 0); /* now */
	assert_string_equal(p.records[3].predictions[0].str, "0.25");
	assert_true(p.records[3].timestamp_us == 0);
	assert_int_equal(p.records[0].nfeatures, 0);
	dm_labels_parsed_release(&p);
	assert_int_equal(dm_labels_parse_json(arr, strlen(arr), 1, &p, &d),
			 DM_OK);
	assert_int_equal(p.nrecords, 1);
	assert_string_equal(p.records[0].predictions[0].str, "-3");
	dm_labels_parsed_release(&p);
	dm_labels_parsed_release(NULL);
}

/* Each bad body: the error, the record and the field named. */
static void labels_json_errors(void **state)
{
	static const struct {
		const char *body;
		dm_err err;
		uint64_t row;
		const char *field, *msg;
	} c[] = {
		{"{\"model_name\":\"m\",\"model_version\":\"v\",\"label\":1}",
		 DM_EFORMAT, 1, "request_id",
		 "record 1: field 'request_id': missing"},
		{"{\"request_id\":\"\",\"model_name\":\"m\",\"model_version\":"
		 "\"v\",\"label\":1}",
		 DM_EFORMAT, 1, "request_id", "empty"},
		{"{\"request_id\":\"a\\u0000b\",\"model_name\":\"m\","
		 "\"model_version\":\"v\",\"label\":1}",
		 DM_EFORMAT, 0, NULL, "malformed JSON at line 1"},
		{"{\"request_id\":7,\"model_name\":\"m\",\"model_version\":"
		 "\"v\",\"label\":1}",
		 DM_EFORMAT, 1, "request_id", "expected a string"},
		{"{\"request_id\":\"a\",\"model_version\":\"v\",\"label\":1}",
		 DM_EFORMAT, 1, "model_name", "missing"},
		{"{\"request_id\":\"a\",\"model_name\":\"m\",\"label\":1}",
		 DM_EFORMAT, 1, "model_version", "missing"},
		{"{\"request_id\":\"a\",\"model_name\":\"m\",\"model_version\":"
		 "\"v\"}",
		 DM_EFORMAT, 1, "label", "missing"},
		{"{\"request_id\":\"a\",\"model_name\":\"m\",\"model_version\":"
		 "\"v\",\"label\":true}",
		 DM_EFORMAT, 1, "label", "class name (string) or a number"},
		{"{\"request_id\":\"a\",\"model_name\":\"m\",\"model_version\":"
		 "\"v\",\"label\":\"\"}",
		 DM_EFORMAT, 1, "label", "empty"},
		{"{\"request_id\":\"a\",\"model_name\":\"m\",\"model_version\":"
		 "\"v\",\"label\":1,\"score\":2}",
		 DM_EFORMAT, 1, "score", "unknown field"},
		{"{\"request_id\":\"a\",\"model_name\":\"m\",\"model_version\":"
		 "\"v\",\"label\":1,\"timestamp\":\"yesterday\"}",
		 DM_EFORMAT, 1, "timestamp", "ISO-8601"},
		{"{\"request_id\":\"a\",\"model_name\":\"m\",\"model_version\":"
		 "\"v\",\"label\":1,\"timestamp\":-1}",
		 DM_EFORMAT, 1, "timestamp", "out of range"},
		{"{\"request_id\":\"a\",\"model_name\":\"m\",\"model_version\":"
		 "\"v\",\"label\":1,\"timestamp\":1e300}",
		 DM_EFORMAT, 1, "timestamp", "out of range"},
		{"[{\"request_id\":\"a\",\"model_name\":\"m\",\"model_"
		 "version\":"
		 "\"v\",\"label\":1}, 5]",
		 DM_EFORMAT, 2, NULL, "record 2: expected an object"},
		{"{\"request_id\":\"a\",\"model_name\":\"m\",\"model_version\":"
		 "\"v\",\"label\":1}\n{\"request_id\":",
		 DM_EFORMAT, 0, NULL, "malformed JSON at line 2"},
		{"{\"request_id\":\"a\",\"request_id\":\"b\"}", DM_EFORMAT, 0,
		 NULL, "malformed JSON"},
		{"{\"a\":1} trailing", DM_EFORMAT, 0, NULL, "malformed JSON"},
		{"{\"a\":1}", DM_EFORMAT, 1, "a", "unknown field"},
		{"", DM_EEMPTY, 0, NULL, "empty body"},
		{" \n\t\r\n", DM_EEMPTY, 0, NULL, "empty body"},
		{"[]", DM_EEMPTY, 0, NULL, "no label record"},
		{"{}\n{}\n{}", DM_ETOOBIG, 0, NULL, "more than the limit of 2"},
		{"\"text\"", DM_EFORMAT, 0, NULL, "malformed JSON"},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		dm_log_parsed p;
		dm_diag d;
		dm_err err;

		dm_diag_clear(&d);
		err = dm_labels_parse_json(c[i].body, strlen(c[i].body), 2, &p,
					   &d);
		if (err != c[i].err || d.row != c[i].row ||
		    strcmp(d.column, c[i].field ? c[i].field : "") != 0 ||
		    !strstr(d.msg, c[i].msg) || strchr(d.msg, '\n'))
			fail_msg("case %zu: err %d row %llu column '%s': %s", i,
				 (int)err, (unsigned long long)d.row, d.column,
				 d.msg);
		assert_int_equal(p.nrecords, 0);
		dm_labels_parsed_release(&p);
	}
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

/* The reference performance of a classifier of class names and of a
 * regression: measured, written as format_version 2 and read back; the
 * task forced on a window; bad input named. */
static void labels_refperf_tasks(void **state)
{
	const char *y[] = {"cat", "dog", "eel", "dog", "cat"};
	const char *p[] = {"cat", "cat", "eel", "dog", "cat"};
	const char *yr[] = {"1", "2", "3", "5"};
	const char *pr[] = {"1.5", "2", "4", "3"};
	const char *bad[] = {"1", "2", "x", "5"};
	dm_refperf ref, back;
	dm_perf w;
	dm_diag d;
	char *json = NULL;
	size_t len = 0;

	(void)state;
	assert_int_equal(dm_refperf_from_pairs_task(y, p, 5,
						    DM_PERF_CLASSIFICATION, 0.5,
						    &ref, &d),
			 DM_OK);
	assert_int_equal(ref.task, DM_PERF_CLASSIFICATION);
	assert_int_equal(ref.nclasses, 3);
	assert_true(fabs(ref.value[0] - 0.8) < 1e-15);
	assert_true(fabs(ref.se[0] - sqrt(0.8 * 0.2 / 5)) < 1e-15);
	assert_int_equal(dm_refperf_to_json(&ref, "m", "v1", &json, &len),
			 DM_OK);
	assert_non_null(strstr(json, "\"format_version\": 2"));
	assert_int_equal(dm_refperf_from_json(json, len, "r.json", &back, &d),
			 DM_OK);
	assert_int_equal(back.task, DM_PERF_CLASSIFICATION);
	assert_int_equal(back.nclasses, 3);
	assert_string_equal(back.classes[1], "dog");
	assert_true(back.value[1] == ref.value[1] && back.se[1] == ref.se[1]);
	free(json);
	dm_refperf_release(&back);
	dm_refperf_release(&ref);

	/* regression: MAE 0.875, errors {0.5, 0, 1, -2} */
	assert_int_equal(dm_refperf_from_pairs_task(
				 yr, pr, 4, DM_PERF_REGRESSION, 0.5, &ref, &d),
			 DM_OK);
	assert_true(fabs(ref.value[0] - 0.875) < 1e-15);
	assert_true(fabs(ref.value[1] - sqrt(5.25 / 4)) < 1e-15);
	assert_true(ref.errm.n == 4 &&
		    fabs(ref.errm.sq_mean - 5.25 / 4) < 1e-15);
	assert_int_equal(dm_refperf_to_json(&ref, "m", "v1", &json, &len),
			 DM_OK);
	assert_int_equal(dm_refperf_from_json(json, len, "r.json", &back, &d),
			 DM_OK);
	assert_int_equal(back.task, DM_PERF_REGRESSION);
	assert_true(back.errm.abs_var == ref.errm.abs_var &&
		    back.errm.sq_var == ref.errm.sq_var);
	free(json);
	dm_refperf_release(&back);
	/* integer labels: the join would say classification; the
	 * regression reference forces regression on the window */
	memset(&w, 0, sizeof(w));
	assert_int_equal(
		dm_perf_compute_task(yr, yr, 4, DM_PERF_REGRESSION, &w), DM_OK);
	assert_int_equal(w.task, DM_PERF_REGRESSION);
	w.labelled = 4;
	assert_int_equal(dm_perf_compare(&w, &ref, 0.01, 0.02), DM_OK);
	assert_string_equal(w.drop[0].name, "mae");
	assert_false(w.drop[0].dropped); /* no error at all */
	dm_perf_release(&w);
	/* a window of another task is not tested */
	memset(&w, 0, sizeof(w));
	assert_int_equal(dm_perf_compute(y, p, 5, &w), DM_OK);
	assert_int_equal(dm_perf_compare(&w, &ref, 0.01, 0.02), DM_OK);
	assert_true(w.compared && !w.drop[0].tested && !w.drop[1].tested);
	dm_perf_release(&w);
	dm_refperf_release(&ref);
	/* format 2 with a field missing or wrong */
	{
		const char *missing = "{\"format_version\": 2, \"task\": "
				      "\"regression\", \"rows\": 4, "
				      "\"metrics\": {\"mae\": {}, \"rmse\": "
				      "{}}}";
		const char *future = "{\"format_version\": 3}";

		assert_int_equal(dm_refperf_from_json(missing, strlen(missing),
						      "r.json", &back, &d),
				 DM_EFORMAT);
		assert_non_null(strstr(d.msg, "'errors'"));
		assert_int_equal(dm_refperf_from_json(future, strlen(future),
						      "r.json", &back, &d),
				 DM_EVERSION);
	}
	/* bad values name the row and column */
	assert_int_equal(dm_refperf_from_pairs_task(
				 bad, pr, 4, DM_PERF_REGRESSION, 0.5, &ref, &d),
			 DM_EFORMAT);
	assert_true(d.row == 3);
	assert_string_equal(d.column, "label");
	assert_int_equal(dm_refperf_from_pairs_task(
				 yr, bad, 4, DM_PERF_REGRESSION, 0.5, &ref, &d),
			 DM_EFORMAT);
	assert_string_equal(d.column, "score");
	assert_int_equal(dm_refperf_from_pairs_task(y, p, 1,
						    DM_PERF_CLASSIFICATION, 0.5,
						    &ref, &d),
			 DM_EEMPTY);
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
				      "score", DM_PERF_NONE, &perf, &diag),
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
	cmocka_unit_test(labels_refperf_tasks),
	cmocka_unit_test(labels_import_and_join),
	cmocka_unit_test(labels_json_records),
	cmocka_unit_test(labels_json_errors),
};

DMTEST_MAIN("labels", labels_tests)
