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
#include <stdio.h>
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
		snprintf(x->alerts[0].code, sizeof(x->alerts[0].code), "%s",
			 "DRIFT_CRITICAL");
		snprintf(x->alerts[0].message, sizeof(x->alerts[0].message),
			 "%s", "drift score 50%");
		x->alerts[1].severity = DM_SEV_WARNING;
		snprintf(x->alerts[1].code, sizeof(x->alerts[1].code), "%s",
			 "FEATURE_DRIFT");
		snprintf(x->alerts[1].feature, sizeof(x->alerts[1].feature),
			 "%s", numeric_name);
		snprintf(x->alerts[1].message, sizeof(x->alerts[1].message),
			 "%s", "feature drifted <a&b>");
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

/* ---- Prometheus text ------------------------------------------------------
 */

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

/* ---- HTML ------------------------------------------------------------------
 */

static void html_escape_cases(void **state)
{
	char *s = dm_html_escape("<script>\"x\" & 'y'</script>");

	(void)state;
	assert_string_equal(s, "&lt;script&gt;&quot;x&quot; &amp; &#39;y&#39;"
			       "&lt;/script&gt;");
	free(s);
	s = dm_html_escape("a\x01"
			   "b\x7f"
			   "c\td\xC3\xA9");
	assert_string_equal(s, "a\xEF\xBF\xBD"
			       "b\xEF\xBF\xBD"
			       "c\td\xC3\xA9");
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
	snprintf(hist[0].generated_at, sizeof(hist[0].generated_at), "%s",
		 "2025-12-24T17:00:00Z");
	hist[0].drift_score = 0.1;
	snprintf(hist[1].generated_at, sizeof(hist[1].generated_at), "%s",
		 "2025-12-25T00:00:00Z"); /* later: left out */
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
	assert_int_equal(
		dm_report_html_from_json("{", 1, "r.json", NULL, &h, &len, &d),
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
						  "r.json", NULL, &h, &len, &d),
			 DM_OK);
	assert_non_null(strstr(h, "Features by severity (0)"));
	free(h);
}

/* ---- Pushgateway
 * ------------------------------------------------------------- */

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
	assert_int_equal(dm_http_send("POST", "file:///etc/passwd", NULL, "", 0,
				      NULL, NULL, &d),
			 DM_EINVAL);
}

/* ---- Alerts across runs
 * --------------------------------------------------------- */

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
	assert_null(json_object_get(
		json_object_get(json_array_get(j, 0), "labels"), "feature"));
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
	assert_non_null(
		strstr(hook, "feature drifted &lt;a&amp;b&gt;")); /* Slack */
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
	assert_int_equal(json_array_size(json_object_get(j, "unsent_resolved")),
			 0);
	json_decref(j);

	/* Run 5: nothing to say. */
	assert_int_equal(dm_alert_set_build(&calm.res, st3, l3, &o, &set, &d),
			 DM_OK);
	assert_int_equal(set.n, 0);
	dm_alert_set_release(&set);

	/* A broken state is reported, not trusted. */
	assert_int_equal(
		dm_alert_set_build(&calm.res, "[1,2]", 5, &o, &set, &d),
		DM_EFORMAT);
	free(st1);
	free(st2);
	free(st3);
	free(am);
	free(hook);
}

/* ---- summary, JSON and HTML: what a new user hit ------------------------- */

/* The summary of r as a string (malloc'd). */
static char *summary_of(const dm_result *r)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	assert_non_null(fp);
	dm_report_summary(r, fp);
	fclose(fp);
	return buf;
}

static json_t *json_of(const dm_result *r)
{
	char *j = NULL;
	size_t len = 0;
	json_t *root;
	json_error_t je;

	assert_int_equal(dm_report_to_json(r, &j, &len), DM_OK);
	root = json_loadb(j, len, 0, &je);
	assert_non_null(root);
	free(j);
	return root;
}

/* Eight drifted features: the summary names five and says how many
 * more, keeping the original line's "..." */
static void summary_cut_list_says_how_many_more(void **state)
{
	dm_feature feat[8];
	dm_feature_result fr[8];
	dm_result r;
	char names[8][8], *t;
	size_t i;

	(void)state;
	memset(feat, 0, sizeof(feat));
	memset(fr, 0, sizeof(fr));
	memset(&r, 0, sizeof(r));
	for (i = 0; i < 8; i++) {
		snprintf(names[i], sizeof(names[i]), "f%zu", i);
		feat[i].name = names[i];
		feat[i].type = DM_FEATURE_NUMERIC;
		fr[i].base = &feat[i];
		fr[i].status = DM_STATUS_DRIFT;
		fr[i].drifted = 1;
		fr[i].severity_rank = (double)(8 - i); /* f0 worst */
	}
	r.model = (char *)"m";
	r.model_version = (char *)"v1";
	r.samples = 500;
	r.drift_detected = 1;
	r.features_drifted = 8;
	r.features_total = 8;
	r.features = fr;
	r.nfeatures = 8;
	dm_detect_config_init(&r.config);
	t = summary_of(&r);
	assert_non_null(strstr(t, "\nDrifted features: f0, f1, f2, f3, f4... "
				  "and 3 more\n"));
	assert_null(strstr(t, "Not analyzed")); /* nothing left out */
	free(t);
	/* exactly five: no "more" */
	r.nfeatures = 5;
	t = summary_of(&r);
	assert_non_null(strstr(t, "\nDrifted features: f0, f1, f2, f3, f4\n"));
	free(t);
}

/* Columns whose role is not analysed are listed apart: not in the
 * features list or the count, a separate JSON array with their roles, one
 * summary line, one HTML line and no card. */
static void not_monitored_columns_listed_apart(void **state)
{
	fixture x;
	dm_feature extra[2];
	dm_feature_result fr[4];
	json_t *root, *nm, *feats;
	char *t, *h = NULL;
	size_t len, i;
	dm_diag d;

	(void)state;
	make(&x, "amount", 1);
	memset(extra, 0, sizeof(extra));
	extra[0].name = (char *)"customer_id";
	extra[0].type = DM_FEATURE_NUMERIC;
	extra[0].role = DM_ROLE_IDENTIFIER;
	extra[1].name = (char *)"comment";
	extra[1].type = DM_FEATURE_CATEGORICAL;
	extra[1].role = DM_ROLE_TEXT;
	memset(fr, 0, sizeof(fr));
	fr[0] = x.fr[0];
	fr[1].base = &extra[0];
	fr[1].status = DM_STATUS_NOT_MONITORED;
	fr[1].psi = fr[1].ks_statistic = fr[1].ks_pvalue = NAN;
	fr[1].chi2_statistic = fr[1].chi2_pvalue = NAN;
	fr[1].pvalue_adjusted = NAN;
	fr[2] = fr[1];
	fr[2].base = &extra[1];
	fr[3] = x.fr[1];
	x.res.features = fr;
	x.res.nfeatures = 4;

	root = json_of(&x.res);
	assert_int_equal(
		json_integer_value(json_object_get(root, "report_version")),
		DM_REPORT_FORMAT_VERSION);
	nm = json_object_get(root, "columns_not_monitored");
	assert_int_equal(json_array_size(nm), 2);
	assert_string_equal(json_string_value(json_object_get(
				    json_array_get(nm, 0), "name")),
			    "customer_id");
	assert_string_equal(json_string_value(json_object_get(
				    json_array_get(nm, 0), "role")),
			    "identifier");
	assert_string_equal(json_string_value(json_object_get(
				    json_array_get(nm, 1), "role")),
			    "text");
	feats = json_object_get(root, "features");
	assert_int_equal(json_array_size(feats), 2);
	for (i = 0; i < 2; i++)
		assert_string_not_equal(
			json_string_value(json_object_get(
				json_array_get(feats, i), "status")),
			"not_monitored");
	assert_int_equal(
		json_integer_value(json_object_get(root, "features_total")), 2);
	json_decref(root);

	t = summary_of(&x.res);
	assert_non_null(strstr(t, "\nNot monitored: customer_id (identifier), "
				  "comment (text)\n"));
	assert_non_null(strstr(t, "\nFeatures drifted: 1/2\n"));
	free(t);

	assert_int_equal(dm_report_to_html(&x.res, NULL, &h, &len, &d), DM_OK);
	assert_non_null(strstr(h, "<p class=\"note\" id=\"not-monitored\">Not "
				  "monitored (2): customer_id (identifier), "
				  "comment (text)</p>"));
	assert_int_equal(count(h, "<article class=\"feat"), 2);
	assert_null(strstr(h, "data-feature=\"customer_id\""));
	free(h);
	/* no per-feature series for them */
	assert_int_equal(dm_report_metrics(&x.res, NULL, &h, &len), DM_OK);
	assert_null(strstr(h, "customer_id"));
	assert_null(strstr(h, "comment"));
	assert_non_null(strstr(h, "feature=\"amount\""));
	free(h);
}

/* Why rows were left out: each reason counted apart in the note, the
 * JSON and the summary line under "Samples analyzed:"; zero samples are
 * never shown without a reason. */
static void samples_note_counts_each_reason(void **state)
{
	fixture x;
	json_t *root, *data;
	char *t, *n;
	size_t len;

	(void)state;
	make(&x, "amount", 0);
	/* nothing left out: no note */
	assert_null(dm_report_samples_note(&x.res));
	t = summary_of(&x.res);
	assert_non_null(strstr(t, "\nSamples analyzed: 1000\n\nOverall drift"));
	free(t);

	x.res.rows_filtered = 70;
	x.res.data.rows_other_version = 50;
	snprintf(x.res.data.other_version_example,
		 sizeof(x.res.data.other_version_example), "%s", "v2");
	x.res.data.rows_other_model = 20;
	snprintf(x.res.data.other_model_example,
		 sizeof(x.res.data.other_model_example), "%s", "fraud");
	x.res.rows_skipped = 1;
	x.res.data.files_unreadable = 2;
	snprintf(x.res.data.first_unreadable,
		 sizeof(x.res.data.first_unreadable), "%s", "a.parquet: bad");
	n = dm_report_samples_note(&x.res);
	assert_string_equal(n, "50 rows of other versions of spam (e.g. 'v2'), "
			       "20 rows of other models (e.g. 'fraud'), 1 "
			       "malformed row, 2 unreadable files (first: "
			       "a.parquet: bad)");
	t = summary_of(&x.res);
	assert_non_null(
		strstr(t, "\nSamples analyzed: 1000\nNot analyzed: 50 rows"));
	free(t);
	root = json_of(&x.res);
	assert_string_equal(
		json_string_value(json_object_get(root, "samples_note")), n);
	data = json_object_get(root, "data");
	assert_int_equal(
		json_integer_value(json_object_get(data, "rows_other_version")),
		50);
	assert_int_equal(
		json_integer_value(json_object_get(data, "rows_other_model")),
		20);
	assert_int_equal(
		json_integer_value(json_object_get(data, "rows_malformed")), 1);
	assert_int_equal(
		json_integer_value(json_object_get(data, "files_unreadable")),
		2);
	assert_string_equal(json_string_value(json_object_get(
				    data, "other_version_example")),
			    "v2");
	assert_true(
		json_is_null(json_object_get(data, "files_outside_window")));
	json_decref(root);
	free(n);
	/* and in the metrics, by reason */
	assert_int_equal(dm_report_metrics(&x.res, NULL, &t, &len), DM_OK);
	assert_non_null(strstr(
		t, "\ndriftmon_rows_filtered{model=\"spam\","
		   "model_version=\"v1\",reason=\"other_version\"} 50\n"));
	assert_non_null(
		strstr(t, "\ndriftmon_rows_filtered{model=\"spam\","
			  "model_version=\"v1\",reason=\"other_model\"} 20\n"));
	assert_non_null(strstr(t, "\ndriftmon_files_unreadable{model=\"spam\","
				  "model_version=\"v1\"} 2\n"));
	free(t);

	/* an empty window: no logs in it, and where they are */
	memset(&x.res.data, 0, sizeof(x.res.data));
	x.res.rows_filtered = 0;
	x.res.rows_skipped = 0;
	x.res.samples = 0;
	x.res.insufficient = 1;
	x.res.window_start = (char *)"2025-01-01T00:00:00Z";
	x.res.window_end = (char *)"2025-01-02T00:00:00Z";
	x.res.data.from_window = 1;
	x.res.data.outside_counted = 1;
	x.res.data.files_outside = 3;
	snprintf(x.res.data.outside_before, sizeof(x.res.data.outside_before),
		 "%s", "2024-12-30T05:00:00Z");
	n = dm_report_samples_note(&x.res);
	assert_string_equal(n,
			    "no inference logs in the window "
			    "2025-01-01T00:00:00Z .. 2025-01-02T00:00:00Z, 3 "
			    "log files outside the window (latest hour "
			    "before it: 2024-12-30T05:00:00Z)");
	free(n);
	/* zero rows and nothing known: still a reason */
	memset(&x.res.data, 0, sizeof(x.res.data));
	n = dm_report_samples_note(&x.res);
	assert_string_equal(n, "no rows were read");
	free(n);
	x.res.data.files_read = 2;
	n = dm_report_samples_note(&x.res);
	assert_string_equal(n, "the 2 files read hold no rows");
	free(n);
	t = summary_of(&x.res);
	assert_non_null(strstr(t, "\nSamples analyzed: 0\nNot analyzed: the 2 "
				  "files read hold no rows\n"));
	free(t);
}

/* A discrete numeric feature carries its exact step ECDF; axis labels
 * of large values read as numbers. */
static void ecdf_steps_and_readable_axes(void **state)
{
	fixture x;
	dm_feature cur;
	dm_feature_result fr;
	double edges[3] = {100000, 101000, 102500};
	uint64_t bins[4] = {250, 250, 250, 250},
		 cbins[4] = {100, 200, 300, 400};
	static const double vals[] = {1, 1, 2, 3};
	json_t *root, *st, *b;
	char *h = NULL;
	size_t len, i;
	dm_diag d;

	(void)state;
	make(&x, "amount", 1);
	x.feat[0].sketch = dm_sketch_new(64);
	for (i = 0; i < 4; i++)
		assert_int_equal(dm_sketch_add(x.feat[0].sketch, vals[i]),
				 DM_OK);
	x.feat[0].count = 4;
	root = json_of(&x.res);
	b = json_object_get(
		json_array_get(json_object_get(root, "features"), 0),
		"baseline");
	st = json_object_get(b, "ecdf_steps");
	assert_non_null(st);
	assert_int_equal(json_array_size(json_object_get(st, "values")), 3);
	assert_true(json_number_value(json_array_get(
			    json_object_get(st, "values"), 2)) == 3.0);
	assert_true(json_number_value(json_array_get(json_object_get(st, "cdf"),
						     0)) == 0.5);
	assert_true(json_number_value(json_array_get(json_object_get(st, "cdf"),
						     1)) == 0.75);
	assert_true(json_number_value(json_array_get(json_object_get(st, "cdf"),
						     2)) == 1.0);
	json_decref(root);
	/* 30 distinct values: not discrete, no steps */
	for (i = 0; i < 30; i++)
		assert_int_equal(
			dm_sketch_add(x.feat[0].sketch, 10.0 + (double)i),
			DM_OK);
	root = json_of(&x.res);
	b = json_object_get(
		json_array_get(json_object_get(root, "features"), 0),
		"baseline");
	assert_null(json_object_get(b, "ecdf_steps"));
	json_decref(root);
	dm_sketch_free(x.feat[0].sketch);
	x.feat[0].sketch = NULL;

	/* bin edges near 100,000 */
	x.feat[0].nedges = 3;
	x.feat[0].edges = edges;
	x.feat[0].bins = bins;
	x.feat[0].count = 1000;
	cur = x.feat[0];
	cur.present = 1;
	cur.bins = cbins;
	fr = x.fr[0];
	fr.cur = &cur;
	x.res.features[0] = fr;
	assert_int_equal(dm_report_to_html(&x.res, NULL, &h, &len, &d), DM_OK);
	assert_null(strstr(h, "e+05"));
	/* a large mean reads as a number too */
	x.feat[0].mom.n = 10;
	x.feat[0].mom.mean = 100012.4;
	free(h);
	assert_int_equal(dm_report_to_html(&x.res, NULL, &h, &len, &d), DM_OK);
	assert_non_null(strstr(h, "<span>mean <b>100,012 "));
	assert_null(strstr(h, "e+05"));
	assert_non_null(strstr(h, ">100k</text>"));
	assert_non_null(strstr(h, ">101k</text>"));
	assert_non_null(strstr(h, ">102.5k</text>"));
	free(h);
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
		cmocka_unit_test(summary_cut_list_says_how_many_more),
		cmocka_unit_test(not_monitored_columns_listed_apart),
		cmocka_unit_test(samples_note_counts_each_reason),
		cmocka_unit_test(ecdf_steps_and_readable_axes),
	};

	if (argc > 1)
		cmocka_set_test_filter(argv[1]);
	return cmocka_run_group_tests_name("outputs", tests, NULL, NULL);
}
