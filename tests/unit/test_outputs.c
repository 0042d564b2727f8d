/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What leaves driftmon besides the JSON: the Prometheus text (exact
 * lines, label escaping, one HELP/TYPE per family, NaN left out), the
 * HTML report's escaping and input checks, the Pushgateway URL, and the
 * alert set's firing / resolving across runs with its stored state.
 */
#include "dmtest.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "driftmon/notify.h"
#include "driftmon/report.h"

/* A result with a numeric and a categorical feature, built by hand. */
typedef struct fixture {
	dm_feature feat[2];
	double edges[1];
	uint64_t bins[2];
	dm_category cats[2];
	dm_feature_result fr[2];
	dm_alert alerts[3];
	dm_result res;
} fixture;

static void make(fixture *x, const char *numeric_name, int drift)
{
	memset(x, 0, sizeof(*x));
	x->feat[0].name = (char *)numeric_name;
	x->feat[0].type = DM_FEATURE_NUMERIC;
	x->feat[0].importance = 1;
	x->feat[0].count = 1000;
	x->edges[0] = 0.5;
	x->bins[0] = 400;
	x->bins[1] = 600;
	x->feat[0].nedges = 1;
	x->feat[0].edges = x->edges;
	x->feat[0].bins = x->bins;
	x->feat[1].name = (char *)"kind";
	x->feat[1].type = DM_FEATURE_CATEGORICAL;
	x->feat[1].importance = 1;
	x->feat[1].count = 1000;
	x->cats[0].value = (char *)"<ham>";
	x->cats[0].count = 700;
	x->cats[1].value = (char *)"spam";
	x->cats[1].count = 300;
	x->feat[1].cats = x->cats;
	x->feat[1].ncats = 2;
	x->fr[0].base = &x->feat[0];
	x->fr[0].status = drift ? DM_STATUS_DRIFT : DM_STATUS_NONE;
	x->fr[0].drifted = drift;
	x->fr[0].tested = 1;
	x->fr[0].psi = drift ? 0.5 : 0.01;
	x->fr[0].ks_statistic = drift ? 0.25 : 0.02;
	x->fr[0].ks_pvalue = drift ? 1e-30 : 0.5;
	x->fr[0].chi2_statistic = NAN;
	x->fr[0].chi2_pvalue = NAN;
	x->fr[0].pvalue_adjusted = drift ? 2e-30 : 1;
	x->fr[0].missing_rate_cur = NAN;
	x->fr[0].ks_method = "exact";
	x->fr[1].base = &x->feat[1];
	x->fr[1].status = DM_STATUS_NONE;
	x->fr[1].tested = 1;
	x->fr[1].psi = 0.02;
	x->fr[1].ks_statistic = NAN;
	x->fr[1].ks_pvalue = NAN;
	x->fr[1].chi2_statistic = 3.0;
	x->fr[1].chi2_pvalue = 0.25;
	x->fr[1].pvalue_adjusted = 0.5;
	x->fr[1].missing_rate_cur = NAN;
	x->res.model = (char *)"spam";
	x->res.model_version = (char *)"v1";
	x->res.generated_at = (char *)"2025-12-24T18:00:00Z";
	x->res.samples = 1000;
	x->res.drift_detected = drift;
	x->res.drift_score = drift ? 0.5 : 0.0;
	x->res.features_drifted = drift ? 1 : 0;
	x->res.features_total = 2;
	x->res.features = x->fr;
	x->res.nfeatures = 2;
	dm_detect_config_init(&x->res.config);
	if (drift) {
		x->alerts[0].severity = DM_SEV_CRITICAL;
		snprintf(x->alerts[0].code, sizeof(x->alerts[0].code), "%s", "DRIFT_CRITICAL");
		snprintf(x->alerts[0].message, sizeof(x->alerts[0].message), "%s", "drift score 50%");
		x->alerts[1].severity = DM_SEV_WARNING;
		snprintf(x->alerts[1].code, sizeof(x->alerts[1].code), "%s", "FEATURE_DRIFT");
		snprintf(x->alerts[1].feature, sizeof(x->alerts[1].feature),
			 "%s", numeric_name);
		snprintf(x->alerts[1].message, sizeof(x->alerts[1].message), "%s", "feature drifted <a&b>");
		x->alerts[2] = x->alerts[1]; /* a duplicate label set */
		x->res.alerts = x->alerts;
		x->res.nalerts = 3;
	}
}

static int count(const char *hay, const char *needle)
{
	int n = 0;

	for (; (hay = strstr(hay, needle)); hay++)
		n++;
	return n;
}

/* ---- Prometheus text ------------------------------------------------------ */

static void prom_label_escaping(void **state)
{
	char *s = dm_prom_escape_label("a\"b\\c\nd");

	(void)state;
	assert_string_equal(s, "a\\\"b\\\\c\\nd");
	free(s);
	s = dm_prom_escape_label("");
	assert_string_equal(s, "");
	free(s);
}

static void prom_exact_lines(void **state)
{
	fixture x;
	dm_metrics_info mi = {1766599200.0, 1.5};
	char *t = NULL;
	size_t len = 0;

	(void)state;
	make(&x, "we\"ird\\name", 1);
	assert_int_equal(dm_report_metrics(&x.res, &mi, &t, &len), DM_OK);
	assert_int_equal(strlen(t), len);
	assert_non_null(strstr(t, "# HELP driftmon_drift_score "));
	assert_non_null(strstr(t, "\n# TYPE driftmon_drift_score gauge\n"
				  "driftmon_drift_score{model=\"spam\","
				  "model_version=\"v1\"} 0.5\n"));
	assert_non_null(strstr(t, "driftmon_features_drifted{model=\"spam\","
				  "model_version=\"v1\"} 1\n"));
	assert_non_null(strstr(t, "driftmon_samples{model=\"spam\","
				  "model_version=\"v1\"} 1000\n"));
	assert_non_null(strstr(t, "driftmon_alerts{model=\"spam\","
				  "model_version=\"v1\",severity=\"critical\"} "
				  "1\n"));
	assert_non_null(strstr(t, "driftmon_alerts{model=\"spam\","
				  "model_version=\"v1\",severity=\"warning\"} "
				  "2\n"));
	assert_non_null(strstr(t, "driftmon_last_run_timestamp_seconds{model="
				  "\"spam\",model_version=\"v1\"} "
				  "1766599200\n"));
	assert_non_null(strstr(t, "driftmon_run_duration_seconds{model="
				  "\"spam\",model_version=\"v1\"} 1.5\n"));
	/* The feature label escaped. */
	assert_non_null(strstr(t, "driftmon_feature_psi{model=\"spam\","
				  "model_version=\"v1\",feature=\"we\\\"ird"
				  "\\\\name\"} 0.5\n"));
	assert_non_null(strstr(t, "driftmon_feature_ks_pvalue{model=\"spam\","
				  "model_version=\"v1\",feature=\"we\\\"ird"
				  "\\\\name\"} 1e-30\n"));
	/* NaN statistics are left out: no KS series for the categorical
	 * feature, no chi-square series for the numeric one. */
	assert_null(strstr(t, "driftmon_feature_ks_statistic{model=\"spam\","
			      "model_version=\"v1\",feature=\"kind\"}"));
	assert_non_null(strstr(t, "driftmon_feature_chi2_pvalue{model=\"spam\","
				  "model_version=\"v1\",feature=\"kind\"} "
				  "0.25\n"));
	assert_null(strstr(t, "feature=\"we\\\"ird\\\\name\"} NaN"));
	assert_null(strstr(t, "NaN"));
	assert_null(strstr(t, "driftmon_feature_missing_ratio"));
	free(t);
}

static void prom_one_help_type_per_family(void **state)
{
	fixture x;
	char *t = NULL, *line, *save = NULL;
	size_t len;
	char seen[64][64];
	int nseen = 0, i;
	char last[64] = "";

	(void)state;
	make(&x, "f", 1);
	assert_int_equal(dm_report_metrics(&x.res, NULL, &t, &len), DM_OK);
	assert_null(strstr(t, "driftmon_last_run_timestamp_seconds"));
	for (line = strtok_r(t, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char name[64];

		if (!strncmp(line, "# TYPE ", 7)) {
			sscanf(line + 7, "%63s", name);
			for (i = 0; i < nseen; i++)
				assert_string_not_equal(seen[i], name);
			assert_true(nseen < 64);
			snprintf(seen[nseen++], sizeof(seen[0]), "%s", name);
			snprintf(last, sizeof(last), "%s", name);
			assert_non_null(strstr(line, " gauge"));
		} else if (line[0] != '#') {
			/* every sample belongs to the family just declared */
			size_t n = strcspn(line, "{ ");

			assert_int_equal(n, strlen(last));
			assert_memory_equal(line, last, n);
		}
	}
	assert_true(nseen >= 14);
	free(t);
}

/* ---- HTML ------------------------------------------------------------------ */

static void html_escape_cases(void **state)
{
	char *s = dm_html_escape("<script>\"x\" & 'y'</script>");

	(void)state;
	assert_string_equal(s, "&lt;script&gt;&quot;x&quot; &amp; &#39;y&#39;"
			       "&lt;/script&gt;");
	free(s);
	s = dm_html_escape("a\x01" "b\x7f" "c\td\xC3\xA9");
	assert_string_equal(s, "a\xEF\xBF\xBD" "b\xEF\xBF\xBD" "c\td\xC3\xA9");
	free(s);
	s = dm_html_escape("");
	assert_string_equal(s, "");
	free(s);
}

static void html_from_result_escapes_names(void **state)
{
	static const char evil[] = "<script>alert(\"x\")</script>'&";
	fixture x;
	char *h = NULL;
	size_t len = 0;
	dm_diag d;
	dm_report_point hist[2];
	dm_html_opts o;

	(void)state;
	make(&x, evil, 1);
	x.res.model = (char *)"m<u>";
	memset(hist, 0, sizeof(hist));
	snprintf(hist[0].generated_at, sizeof(hist[0].generated_at), "%s", "2025-12-24T17:00:00Z");
	hist[0].drift_score = 0.1;
	snprintf(hist[1].generated_at, sizeof(hist[1].generated_at), "%s", "2025-12-25T00:00:00Z"); /* later: left out */
	memset(&o, 0, sizeof(o));
	o.history = hist;
	o.nhistory = 2;
	assert_int_equal(dm_report_to_html(&x.res, &o, &h, &len, &d), DM_OK);
	assert_int_equal(strlen(h), len);
	assert_int_equal(strncmp(h, "<!DOCTYPE html>", 15), 0);
	assert_null(strstr(h, "<script"));
	assert_null(strstr(h, "<u>"));
	assert_non_null(strstr(h, "data-feature=\"&lt;script&gt;alert(&quot;x"
				  "&quot;)&lt;/script&gt;&#39;&amp;\""));
	assert_non_null(strstr(h, "Drift report: m&lt;u&gt;"));
	assert_non_null(strstr(h, "feature drifted &lt;a&amp;b&gt;"));
	/* one card per feature, charts by type */
	assert_int_equal(count(h, "<article class=\"feat"), 2);
	assert_int_equal(count(h, "class=\"chart hist\""), 1);
	assert_int_equal(count(h, "class=\"chart hist cat\""), 1);
	assert_int_equal(count(h, "class=\"chart ecdf\""), 0); /* no current */
	assert_non_null(strstr(h, "&lt;ham&gt;"));
	/* the trend: the earlier run and this one, not the later one */
	assert_int_equal(count(h, "<circle"), 2);
	assert_null(strstr(h, "2025-12-25T00:00:00Z"));
	/* drifted first */
	assert_true(strstr(h, "id=\"f-0\"") < strstr(h, "id=\"f-1\""));
	assert_non_null(strstr(h, "<b class=\"psi\">0.5</b>"));
	assert_non_null(strstr(h, "<b class=\"ksp\">1e-30</b>"));
	assert_non_null(strstr(h, "CRITICAL DRIFT"));
	free(h);
}

static void html_rejects_bad_reports(void **state)
{
	char *h = (char *)1;
	size_t len;
	dm_diag d;
	/* a version from the future */
	const char *v2 = "{\"report_version\": 3, \"model\": \"m\", "
			 "\"features\": []}";
	const char *nof = "{\"report_version\": 1, \"model\": \"m\"}";
	const char *badf = "{\"report_version\": 1, \"model\": \"m\", "
			   "\"features\": [{\"name\": \"a\", \"baseline\": {}},"
			   " {\"name\": 3}]}";
	const char *empty = "{\"report_version\": 1, \"model\": \"m\", "
			    "\"features\": []}";

	(void)state;
	assert_int_equal(dm_report_html_from_json("{", 1, "r.json", NULL, &h,
						  &len, &d),
			 DM_EFORMAT);
	assert_null(h);
	assert_non_null(strstr(d.msg, "r.json"));
	assert_int_equal(dm_report_html_from_json(v2, strlen(v2), "r.json",
						  NULL, &h, &len, &d),
			 DM_EVERSION);
	assert_int_equal(dm_report_html_from_json(nof, strlen(nof), "r.json",
						  NULL, &h, &len, &d),
			 DM_EFORMAT);
	assert_non_null(strstr(d.msg, "'features'"));
	assert_int_equal(dm_report_html_from_json(badf, strlen(badf), "r.json",
						  NULL, &h, &len, &d),
			 DM_EFORMAT);
	assert_non_null(strstr(d.msg, "features[1].name"));
	/* Minimal but valid: renders, every statistic "–". */
	assert_int_equal(dm_report_html_from_json(empty, strlen(empty),
						  "r.json", NULL, &h, &len,
						  &d),
			 DM_OK);
	assert_non_null(strstr(h, "Features by severity (0)"));
	free(h);
}

/* ---- Pushgateway ------------------------------------------------------------- */

static void pushgateway_url_encoding(void **state)
{
	char *u = dm_pushgateway_url("http://h:9091//", "driftmon", "a b&c",
				     "v/1");

	(void)state;
	assert_string_equal(u, "http://h:9091/metrics/job/driftmon/model/"
			       "a%20b%26c/model_version@base64/di8x");
	free(u);
	u = dm_pushgateway_url("http://h", "j", "", "v1");
	assert_string_equal(u, "http://h/metrics/job/j/model@base64/=/"
			       "model_version/v1");
	free(u);
}

static void url_origin_hides_secrets(void **state)
{
	char *o = dm_url_origin("https://user:pw@hooks.example:8443/services/"
				"T0/B0/SECRET?token=x");

	(void)state;
	assert_string_equal(o, "https://hooks.example:8443");
	free(o);
	o = dm_url_origin("http://127.0.0.1:9093");
	assert_string_equal(o, "http://127.0.0.1:9093");
	free(o);
}

static void http_refuses_other_schemes(void **state)
{
	dm_diag d;

	(void)state;
	assert_int_equal(dm_http_send("POST", "file:///etc/passwd", NULL, "",
				      0, NULL, NULL, &d),
			 DM_EINVAL);
}

/* ---- Alerts across runs --------------------------------------------------------- */

static void alerts_fire_then_resolve(void **state)
{
	fixture drift, calm;
	dm_alert_set set;
	dm_alert_opts o;
	char *st1 = NULL, *st2 = NULL, *st3 = NULL, *am = NULL, *hook = NULL;
	size_t l1, l2, l3, la, lh, i;
	dm_diag d;
	json_t *j;

	(void)state;
	make(&drift, "url_count", 1);
	make(&calm, "url_count", 0);
	memset(&o, 0, sizeof(o));
	o.now = 1766599200; /* 2025-12-24T18:00:00Z */
	o.hold_seconds = 3600;
	o.report_location = "/store/drift-reports/spam/v1/x.html";

	/* Run 1: two alerts (the duplicate label set folded). */
	assert_int_equal(dm_alert_set_build(&drift.res, NULL, 0, &o, &set, &d),
			 DM_OK);
	assert_int_equal(set.n, 2);
	assert_int_equal(set.nfiring, 2);
	assert_string_equal(set.alerts[0].alertname, "DriftmonDriftCritical");
	assert_string_equal(set.alerts[0].severity, "critical");
	assert_string_equal(set.alerts[1].alertname, "DriftmonFeatureDrift");
	assert_string_equal(set.alerts[1].feature, "url_count");
	assert_string_equal(set.alerts[1].starts_at, "2025-12-24T18:00:00Z");
	assert_string_equal(set.alerts[1].ends_at, "2025-12-24T19:00:00Z");
	assert_int_equal(dm_alertmanager_payload(&set, &am, &la), DM_OK);
	j = json_loads(am, 0, NULL);
	assert_non_null(j);
	assert_int_equal(json_array_size(j), 2);
	assert_null(json_object_get(json_object_get(json_array_get(j, 0),
						    "labels"),
				    "feature"));
	assert_string_equal(
		json_string_value(json_object_get(
			json_object_get(json_array_get(j, 1), "labels"),
			"feature")),
		"url_count");
	assert_string_equal(
		json_string_value(json_object_get(
			json_object_get(json_array_get(j, 1), "annotations"),
			"report")),
		"/store/drift-reports/spam/v1/x.html");
	json_decref(j);
	assert_int_equal(dm_webhook_payload(&set, &hook, &lh), DM_OK);
	assert_non_null(strstr(hook, "DRIFT DETECTED"));
	assert_non_null(strstr(hook, "feature drifted &lt;a&amp;b&gt;")); /* Slack */
	assert_non_null(strstr(hook, "\"summary\":\"feature drifted <a&b>\""));
	assert_int_equal(dm_alert_set_state(&set, 1, &st1, &l1), DM_OK);
	dm_alert_set_release(&set);

	/* Run 2, an hour later, still drifting: startsAt kept. */
	o.now += 3600;
	assert_int_equal(dm_alert_set_build(&drift.res, st1, l1, &o, &set, &d),
			 DM_OK);
	assert_int_equal(set.n, 2);
	assert_string_equal(set.alerts[1].starts_at, "2025-12-24T18:00:00Z");
	assert_string_equal(set.alerts[1].ends_at, "2025-12-24T20:00:00Z");
	dm_alert_set_release(&set);

	/* Run 3, calm: both resolve now; delivery fails, so they stay. */
	o.now += 3600;
	assert_int_equal(dm_alert_set_build(&calm.res, st1, l1, &o, &set, &d),
			 DM_OK);
	assert_int_equal(set.nfiring, 0);
	assert_int_equal(set.n, 2);
	for (i = 0; i < set.n; i++) {
		assert_true(set.alerts[i].resolved);
		assert_string_equal(set.alerts[i].ends_at,
				    "2025-12-24T20:00:00Z");
		assert_string_equal(set.alerts[i].starts_at,
				    "2025-12-24T18:00:00Z");
	}
	assert_int_equal(dm_alert_set_state(&set, 0, &st2, &l2), DM_OK);
	dm_alert_set_release(&set);

	/* Run 4: the resolutions are sent again, keeping their endsAt;
	 * delivered, the state is empty. */
	o.now += 3600;
	assert_int_equal(dm_alert_set_build(&calm.res, st2, l2, &o, &set, &d),
			 DM_OK);
	assert_int_equal(set.n, 2);
	assert_string_equal(set.alerts[0].ends_at, "2025-12-24T20:00:00Z");
	assert_int_equal(dm_alert_set_state(&set, 1, &st3, &l3), DM_OK);
	dm_alert_set_release(&set);
	j = json_loads(st3, 0, NULL);
	assert_int_equal(json_array_size(json_object_get(j, "firing")), 0);
	assert_int_equal(json_array_size(json_object_get(j,
							 "unsent_resolved")),
			 0);
	json_decref(j);

	/* Run 5: nothing to say. */
	assert_int_equal(dm_alert_set_build(&calm.res, st3, l3, &o, &set, &d),
			 DM_OK);
	assert_int_equal(set.n, 0);
	dm_alert_set_release(&set);

	/* A broken state is reported, not trusted. */
	assert_int_equal(dm_alert_set_build(&calm.res, "[1,2]", 5, &o, &set,
					    &d),
			 DM_EFORMAT);
	free(st1);
	free(st2);
	free(st3);
	free(am);
	free(hook);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(prom_label_escaping),
		cmocka_unit_test(prom_exact_lines),
		cmocka_unit_test(prom_one_help_type_per_family),
		cmocka_unit_test(html_escape_cases),
		cmocka_unit_test(html_from_result_escapes_names),
		cmocka_unit_test(html_rejects_bad_reports),
		cmocka_unit_test(pushgateway_url_encoding),
		cmocka_unit_test(url_origin_hides_secrets),
		cmocka_unit_test(http_refuses_other_schemes),
		cmocka_unit_test(alerts_fire_then_resolve),
	};

	if (argc > 1)
		cmocka_set_test_filter(argv[1]);
	return cmocka_run_group_tests_name("outputs", tests, NULL, NULL);
}
