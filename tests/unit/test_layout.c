/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The storage layout (include/driftmon/layout.h): every key, the hour
 * partitions and their parsing back, and refused names.
 */
#include <string.h>
#include <time.h>

#include "dmtest.h"
#include "driftmon/layout.h"

/* 2025-12-24T17:00:00Z */
#define T_1700 ((time_t)1766595600)

static void key_ok(dm_err err, const char *got, const char *want)
{
	assert_int_equal(err, DM_OK);
	assert_string_equal(got, want);
}

static void refused(dm_err err, const dm_diag *d, const char *msg)
{
	assert_int_equal(err, DM_EINVAL);
	if (msg && !strstr(d->msg, msg))
		fail_msg("message '%s' lacks '%s'", d->msg, msg);
}

static void layout_baseline_keys(void **state)
{
	char k[DM_LAYOUT_KEY_MAX];

	(void)state;
	key_ok(dm_layout_baseline_key("spam", "v1", k, sizeof(k), NULL), k,
	       "baselines/spam/v1/baseline.json");
	key_ok(dm_layout_refperf_key("spam", "v1.2", k, sizeof(k), NULL), k,
	       "baselines/spam/v1.2/reference-performance.json");
	key_ok(dm_layout_baselines_prefix(NULL, NULL, k, sizeof(k), NULL), k,
	       "baselines/");
	key_ok(dm_layout_baselines_prefix("spam", NULL, k, sizeof(k), NULL), k,
	       "baselines/spam/");
	key_ok(dm_layout_baselines_prefix("spam", "v1", k, sizeof(k), NULL), k,
	       "baselines/spam/v1/");
}

static void layout_report_keys(void **state)
{
	char k[DM_LAYOUT_KEY_MAX];

	(void)state;
	key_ok(dm_layout_latest_key("spam", NULL, "json", k, sizeof(k), NULL),
	       k, "drift-reports/spam/latest.json");
	key_ok(dm_layout_latest_key("spam", "v1", "json", k, sizeof(k), NULL),
	       k, "drift-reports/spam/v1/latest.json");
	key_ok(dm_layout_latest_key("spam", "v1", "html", k, sizeof(k), NULL),
	       k, "drift-reports/spam/v1/latest.html");
	key_ok(dm_layout_latest_key("spam", NULL, "html", k, sizeof(k), NULL),
	       k, "drift-reports/spam/latest.html");
	key_ok(dm_layout_history_key("spam", "v1", T_1700, T_1700 + 754,
				     0x0a1b2c3du, "json", k, sizeof(k), NULL),
	       k,
	       "drift-reports/spam/v1/20251224T170000Z--20251224T171234Z-"
	       "0a1b2c3d.json");
	key_ok(dm_layout_history_key("spam", "v1", T_1700, T_1700, 7, NULL, k,
				     sizeof(k), NULL),
	       k,
	       "drift-reports/spam/v1/20251224T170000Z--20251224T170000Z-"
	       "00000007");
	key_ok(dm_layout_alerts_state_key("spam", k, sizeof(k), NULL), k,
	       "drift-reports/spam/alerts.state");
	key_ok(dm_layout_reports_prefix(NULL, NULL, k, sizeof(k), NULL), k,
	       "drift-reports/");
	key_ok(dm_layout_reports_prefix("spam", NULL, k, sizeof(k), NULL), k,
	       "drift-reports/spam/");
	key_ok(dm_layout_reports_prefix("spam", "v1", k, sizeof(k), NULL), k,
	       "drift-reports/spam/v1/");
}

static void layout_hour_keys(void **state)
{
	char k[DM_LAYOUT_KEY_MAX];

	(void)state;
	/* minutes and seconds dropped: the hour that contains t */
	key_ok(dm_layout_logs_hour_prefix(T_1700 + 3599, k, sizeof(k)), k,
	       "inference-logs/year=2025/month=12/day=24/hour=17/");
	key_ok(dm_layout_labels_hour_prefix(T_1700, k, sizeof(k)), k,
	       "labels/year=2025/month=12/day=24/hour=17/");
	key_ok(dm_layout_hour_prefix("logs/prod", 0, k, sizeof(k), NULL), k,
	       "logs/prod/year=1970/month=01/day=01/hour=00/");
	key_ok(dm_layout_labels_key(T_1700, "import-1.a_b", k, sizeof(k), NULL),
	       k,
	       "labels/year=2025/month=12/day=24/hour=17/"
	       "labels-import-1.a_b.parquet");
	key_ok(dm_layout_hour_profile_key("spam", "v1", T_1700 + 60, k,
					  sizeof(k), NULL),
	       k,
	       "profiles/spam/v1/year=2025/month=12/day=24/hour=17/"
	       "profile.json");
}

static void layout_hour_round_trip(void **state)
{
	/* every hour of a leap year and its neighbours, and far ones */
	static const time_t far[] = {0, 951782400 /* 2000-02-29 */,
				     4102444800 /* 2100-01-01 */,
				     253402297200 /* 9999-12-31T23 */};
	char k[DM_LAYOUT_KEY_MAX];
	time_t t, h;
	size_t i;

	(void)state;
	for (t = 1703980800 /* 2023-12-31 */; t < 1735776000; t += 3600 + 7) {
		assert_int_equal(dm_layout_logs_hour_prefix(t, k, sizeof(k)),
				 DM_OK);
		memcpy(k + strlen(k), "part-1.parquet",
		       sizeof("part-1.parquet"));
		assert_int_equal(
			dm_layout_hour_parse(DM_LAYOUT_LOGS_ROOT, k, &h),
			DM_OK);
		assert_int_equal(h, t - t % 3600);
	}
	for (i = 0; i < sizeof(far) / sizeof(far[0]); i++) {
		assert_int_equal(dm_layout_hour_prefix("labels", far[i], k,
						       sizeof(k), NULL),
				 DM_OK);
		assert_int_equal(dm_layout_hour_parse("labels", k, &h), DM_OK);
		assert_int_equal(h, far[i] - far[i] % 3600);
	}
}

static void layout_hour_parse_refused(void **state)
{
	static const char *const bad[] = {
		"inference-logs/year=2025/month=13/day=01/hour=00/x.csv",
		"inference-logs/year=2025/month=02/day=29/hour=00/x.csv",
		"inference-logs/year=2025/month=12/day=24/hour=24/x.csv",
		"inference-logs/year=2025/month=12/day=00/hour=01/x.csv",
		"inference-logs/year=0000/month=12/day=01/hour=01/x.csv",
		"inference-logs/year=2025/month=1/day=24/hour=17/x.csv",
		"inference-logs/year=2025/day=24/month=12/hour=17/x.csv",
		"inference-logs/year=2025/month=12/day=24/hour=17",
		"inference-logs/year=2025/month=12/day=24/hour=1x/a",
		"labels/year=2025/month=12/day=24/hour=17/x.csv",
		"inference-logsx/year=2025/month=12/day=24/hour=17/x.csv",
		"",
	};
	time_t h = 42;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (dm_layout_hour_parse(DM_LAYOUT_LOGS_ROOT, bad[i], &h) !=
		    DM_EINVAL)
			fail_msg("accepted '%s'", bad[i]);
		assert_int_equal(h, 42);
	}
	assert_int_equal(dm_layout_hour_parse("inference-logs",
					      "inference-logs/year=2024/"
					      "month=02/day=29/hour=23/",
					      &h),
			 DM_OK);
	assert_int_equal(h, 1709247600);
	assert_int_equal(dm_layout_hour_parse("../x",
					      "../x/year=2024/month=02/"
					      "day=29/hour=23/",
					      &h),
			 DM_EINVAL);
}

static void layout_bad_names(void **state)
{
	char k[DM_LAYOUT_KEY_MAX], big[300];
	dm_diag d;

	(void)state;
	dm_diag_clear(&d);
	refused(dm_layout_baseline_key("a/b", "v1", k, sizeof(k), &d), &d,
		"model name 'a/b'");
	refused(dm_layout_baseline_key("spam", "..", k, sizeof(k), &d), &d,
		"model version");
	refused(dm_layout_refperf_key("", "v1", k, sizeof(k), &d), &d,
		"model name is empty");
	refused(dm_layout_latest_key("spam", "latest.json", "json", k,
				     sizeof(k), &d),
		&d, "model version");
	refused(dm_layout_latest_key("spam", NULL, "txt", k, sizeof(k), &d), &d,
		"'txt'");
	refused(dm_layout_latest_key("spam", NULL, NULL, k, sizeof(k), &d), &d,
		NULL);
	refused(dm_layout_history_key("sp\x1b[2Jam", "v1", 0, 0, 0, "json", k,
				      sizeof(k), &d),
		&d, "model name");
	/* the message never holds the raw escape */
	assert_null(strchr(d.msg, '\x1b'));
	refused(dm_layout_history_key("spam", "v1", 0, 0, 0, "a/b", k,
				      sizeof(k), &d),
		&d, "extension");
	refused(dm_layout_alerts_state_key(".hidden", k, sizeof(k), &d), &d,
		"model name");
	refused(dm_layout_reports_prefix(NULL, "v1", k, sizeof(k), &d), &d,
		"version without a model");
	refused(dm_layout_hour_profile_key("spam", "v\\1", 0, k, sizeof(k), &d),
		&d, "model version");
	refused(dm_layout_baseline_key(NULL, "v1", k, sizeof(k), &d), &d, NULL);
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	refused(dm_layout_baseline_key(big, "v1", k, sizeof(k), &d), &d,
		"the limit is 200 bytes");
	/* partition roots and label tags */
	refused(dm_layout_hour_prefix("/abs", 0, k, sizeof(k), &d), &d,
		"bad partition folder");
	refused(dm_layout_hour_prefix("a/../b", 0, k, sizeof(k), &d), &d, NULL);
	refused(dm_layout_hour_prefix("logs/", 0, k, sizeof(k), &d), &d, NULL);
	refused(dm_layout_hour_prefix("", 0, k, sizeof(k), &d), &d, NULL);
	refused(dm_layout_hour_prefix("a//b", 0, k, sizeof(k), &d), &d, NULL);
	refused(dm_layout_labels_key(0, ".x", k, sizeof(k), &d), &d,
		"label tag");
	refused(dm_layout_labels_key(0, "a/b", k, sizeof(k), &d), &d, NULL);
	refused(dm_layout_labels_key(0, "", k, sizeof(k), &d), &d, NULL);
	memset(big, 'x', 65);
	big[65] = '\0';
	refused(dm_layout_labels_key(0, big, k, sizeof(k), &d), &d, NULL);
	big[64] = '\0';
	assert_int_equal(dm_layout_labels_key(0, big, k, sizeof(k), &d), DM_OK);
}

static void layout_too_small(void **state)
{
	char k[16];
	dm_diag d;

	(void)state;
	assert_int_equal(dm_layout_baseline_key("spam", "v1", k, sizeof(k), &d),
			 DM_ETOOBIG);
	assert_string_equal(k, "");
	assert_int_equal(dm_layout_logs_hour_prefix(T_1700, k, sizeof(k)),
			 DM_ETOOBIG);
	/* a long valid model and version fit DM_LAYOUT_KEY_MAX */
	{
		char m[201], v[201], big[DM_LAYOUT_KEY_MAX];

		memset(m, 'm', 200);
		m[200] = '\0';
		memset(v, 'v', 200);
		v[200] = '\0';
		assert_int_equal(dm_layout_history_key(m, v, T_1700, T_1700, 1,
						       "html", big, sizeof(big),
						       &d),
				 DM_OK);
		assert_int_equal(dm_layout_hour_profile_key(m, v, T_1700, big,
							    sizeof(big), &d),
				 DM_OK);
	}
}

static void layout_parse_keys(void **state)
{
	char m[64], v[64];

	(void)state;
	assert_int_equal(
		dm_layout_parse_baseline_key("baselines/spam/v1/baseline.json",
					     m, sizeof(m), v, sizeof(v)),
		DM_OK);
	assert_string_equal(m, "spam");
	assert_string_equal(v, "v1");
	assert_int_equal(dm_layout_parse_baseline_key(
				 "baselines/spam/v1/x/baseline.json", m,
				 sizeof(m), v, sizeof(v)),
			 DM_EINVAL);
	assert_int_equal(dm_layout_parse_baseline_key(
				 "baselines/spam/v1/reference-performance.json",
				 m, sizeof(m), v, sizeof(v)),
			 DM_EINVAL);
	assert_int_equal(
		dm_layout_parse_latest_key("drift-reports/spam/latest.json", m,
					   sizeof(m), v, sizeof(v)),
		DM_OK);
	assert_string_equal(m, "spam");
	assert_string_equal(v, "");
	assert_int_equal(
		dm_layout_parse_latest_key("drift-reports/spam/v2/latest.json",
					   m, sizeof(m), v, sizeof(v)),
		DM_OK);
	assert_string_equal(v, "v2");
	assert_int_equal(
		dm_layout_parse_latest_key("drift-reports/spam/v2/latest.html",
					   m, sizeof(m), v, sizeof(v)),
		DM_EINVAL);
	assert_int_equal(dm_layout_parse_latest_key(
				 "drift-reports/spam/v2/20251224T170000Z.json",
				 m, sizeof(m), v, sizeof(v)),
			 DM_EINVAL);
	/* a component that does not fit */
	assert_int_equal(
		dm_layout_parse_latest_key("drift-reports/spam/latest.json", m,
					   4, v, sizeof(v)),
		DM_EINVAL);
	assert_true(dm_layout_is_data_file("a/b.parquet"));
	assert_true(dm_layout_is_data_file("a/b.csv"));
	assert_true(dm_layout_is_data_file("a/b.tsv"));
	assert_false(dm_layout_is_data_file("a/b.json"));
	assert_false(dm_layout_is_data_file(".csv"));
	assert_false(dm_layout_is_data_file(NULL));
	/* CSV compressed whole; Parquet compresses its own pages */
	assert_true(dm_layout_is_data_file("a/part-0.csv.gz"));
	assert_true(dm_layout_is_data_file("a/b.tsv.zst"));
	assert_false(dm_layout_is_data_file("a/b.parquet.gz"));
	assert_false(dm_layout_is_data_file("a/b.json.gz"));
	assert_true(dm_layout_is_data_file("a/b.csv.bz2"));
	assert_true(dm_layout_is_data_file("a/b.csv.xz"));
	assert_false(dm_layout_is_data_file("a/b.csv.lz"));
	assert_false(dm_layout_is_data_file(".csv.xz"));
	assert_false(dm_layout_is_data_file("a.bz2"));
	assert_false(dm_layout_is_data_file(".csv.gz"));
	assert_false(dm_layout_is_data_file("a.gz"));
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(layout_baseline_keys),
		cmocka_unit_test(layout_report_keys),
		cmocka_unit_test(layout_hour_keys),
		cmocka_unit_test(layout_hour_round_trip),
		cmocka_unit_test(layout_hour_parse_refused),
		cmocka_unit_test(layout_bad_names),
		cmocka_unit_test(layout_too_small),
		cmocka_unit_test(layout_parse_keys),
	};

	if (argc > 1)
		cmocka_set_test_filter(argv[1]);
	return cmocka_run_group_tests_name("layout", tests, NULL, NULL);
}
