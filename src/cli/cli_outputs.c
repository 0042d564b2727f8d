/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What happens after `detect` has its report: the HTML report beside the
 * JSON, the Prometheus metrics (textfile and Pushgateway) and the alerts
 * (Alertmanager and webhook), with the alert state kept in the store at
 * drift-reports/<model>/alerts.state.  Network deliveries are retried a
 * bounded number of times by the library; a failure is a warning on
 * stderr and never changes the exit code or hides the report.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/termsafe.h"
#include "driftmon/layout.h"
#include "driftmon/notify.h"
#include "driftmon/report.h"
#include "driftmon/store.h"

static double mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static const char *env(const char *name)
{
	const char *v = getenv(name);

	return v && v[0] ? v : NULL;
}

/* Delivery settings from the environment; 0 or -1 after an error. */
static int settings(dm_http_opts *h, double *hold_seconds)
{
	static const char *const urls[] = {"DRIFT_PUSHGATEWAY_URL",
					   "DRIFT_ALERTMANAGER_URL",
					   "DRIFT_WEBHOOK_URL"};
	const char *v;
	uint64_t u;
	double d;
	size_t i;

	memset(h, 0, sizeof(*h));
	*hold_seconds = 3 * 3600.0;
	for (i = 0; i < sizeof(urls) / sizeof(urls[0]); i++)
		if ((v = env(urls[i])) && strncmp(v, "http://", 7) != 0 &&
		    strncmp(v, "https://", 8) != 0) {
			cli_usage("detect",
				  "invalid %s: expected an http:// or "
				  "https:// URL",
				  urls[i]);
			return -1;
		}
	if ((v = env("DRIFT_NOTIFY_ATTEMPTS"))) {
		if (cli_parse_u64(v, &u) < 0 || u < 1 || u > 10) {
			cli_usage("detect",
				  "invalid DRIFT_NOTIFY_ATTEMPTS '%s': "
				  "expected 1 to 10",
				  v);
			return -1;
		}
		h->attempts = (unsigned)u;
	}
	if ((v = env("DRIFT_NOTIFY_TIMEOUT_SECONDS"))) {
		if (cli_parse_double(v, &d) < 0 || !(d > 0) || d > 300) {
			cli_usage("detect",
				  "invalid DRIFT_NOTIFY_TIMEOUT_SECONDS '%s': "
				  "expected seconds in (0, 300]",
				  v);
			return -1;
		}
		h->timeout_ms = (long)(d * 1000.0 + 0.5);
		if (h->timeout_ms < 1)
			h->timeout_ms = 1;
	}
	if ((v = env("DRIFT_ALERT_HOLD_HOURS"))) {
		if (cli_parse_double(v, &d) < 0 || !(d > 0) || d > 24 * 30) {
			cli_usage("detect",
				  "invalid DRIFT_ALERT_HOLD_HOURS '%s': "
				  "expected hours in (0, 720]",
				  v);
			return -1;
		}
		*hold_seconds = d * 3600.0;
	}
	return 0;
}

int cli_outputs_init(cli_outputs *o)
{
	dm_http_opts h;
	double hold;

	memset(o, 0, sizeof(*o));
	o->t0 = mono();
	return settings(&h, &hold) == 0 ? EXIT_OK : EXIT_USAGE;
}

int cli_write_file_atomic(const char *path, const void *data, size_t len)
{
	char *tmp = NULL;
	size_t n = strlen(path) + 32, off = 0;
	int fd = -1, rc = EXIT_OK;

	if (!strcmp(path, "-")) {
		if (fwrite(data, 1, len, stdout) != len || fflush(stdout) != 0)
			return cli_fail("cannot write to standard output: %s",
					strerror(errno));
		return EXIT_OK;
	}
	if (!(tmp = malloc(n)))
		return cli_fail("out of memory");
	/* Not *.prom: node-exporter's textfile collector must not read a
	 * half-written file. */
	snprintf(tmp, n, "%s.tmp.%ld", path, (long)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		rc = cli_fail("cannot write '%s': %s", path, strerror(errno));
		goto out;
	}
	while (off < len) {
		ssize_t w = write(fd, (const char *)data + off, len - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			rc = cli_fail("cannot write '%s': %s", path,
				      strerror(errno));
			goto out;
		}
		off += (size_t)w;
	}
	if (close(fd) != 0) {
		fd = -1;
		rc = cli_fail("cannot write '%s': %s", path, strerror(errno));
		goto out;
	}
	fd = -1;
	if (rename(tmp, path) != 0)
		rc = cli_fail("cannot write '%s': %s", path, strerror(errno));
out:
	if (fd >= 0)
		close(fd);
	if (rc != EXIT_OK)
		unlink(tmp);
	free(tmp);
	return rc;
}

/* Sort keys by their last component (the UTC stamp), then by key. */
static int by_stamp(const void *a, const void *b)
{
	const char *x = *(char *const *)a, *y = *(char *const *)b;
	const char *bx = strrchr(x, '/'), *by = strrchr(y, '/');
	int c = strcmp(bx ? bx + 1 : x, by ? by + 1 : y);

	return c ? c : strcmp(x, y);
}

dm_err cli_report_history(dm_store *st, const char *model, const char *version,
			  size_t max, dm_report_brief **out, size_t *n,
			  dm_diag *diag)
{
	char prefix[DM_LAYOUT_KEY_MAX], **keys = NULL, **hist = NULL;
	size_t nkeys = 0, nh = 0, i, first;
	dm_err err;

	*out = NULL;
	*n = 0;
	err = dm_layout_reports_prefix(model, version, prefix, sizeof(prefix),
				       diag);
	if (err == DM_OK)
		err = dm_store_list(st, prefix, &keys, &nkeys, diag);
	if (err == DM_ENOENT) {
		dm_diag_clear(diag);
		return DM_OK;
	}
	if (err != DM_OK)
		return err;
	hist = calloc(nkeys ? nkeys : 1, sizeof(*hist));
	if (!hist) {
		err = DM_ENOMEM;
		goto out;
	}
	for (i = 0; i < nkeys; i++) {
		const char *rest = keys[i] + strlen(prefix);
		size_t kl = strlen(keys[i]);
		const char *slash = strchr(rest, '/');

		const char *base = strrchr(keys[i], '/');

		/* <version>/<stamp>.json (or <stamp>.json under a version) */
		if (kl < 5 || strcmp(keys[i] + kl - 5, ".json") != 0 ||
		    !strcmp(base ? base + 1 : keys[i], "latest.json"))
			continue;
		if (version ? slash != NULL
			    : (!slash || strchr(slash + 1, '/') != NULL))
			continue;
		hist[nh++] = keys[i];
	}
	qsort(hist, nh, sizeof(*hist), by_stamp);
	first = nh > max ? nh - max : 0;
	*out = calloc(nh - first + 1, sizeof(**out));
	if (!*out) {
		err = DM_ENOMEM;
		goto out;
	}
	for (i = first; i < nh; i++) {
		char *json = NULL;
		size_t len = 0;
		dm_diag d;

		dm_diag_clear(&d);
		if (dm_store_get(st, hist[i], 64u << 20, &json, &len, &d) ==
			    DM_OK &&
		    dm_report_brief_parse(json, len, hist[i], &(*out)[*n],
					  &d) == DM_OK)
			(*n)++;
		free(json);
	}
out:
	free(hist);
	dm_store_free_list(keys, nkeys);
	return err;
}

void cli_report_points(const dm_report_brief *h, size_t n, dm_report_point *pts)
{
	size_t i;

	for (i = 0; i < n; i++) {
		snprintf(pts[i].generated_at, sizeof(pts[i].generated_at), "%s",
			 h[i].generated_at);
		snprintf(pts[i].window_end, sizeof(pts[i].window_end), "%s",
			 h[i].window_end);
		pts[i].drift_score = h[i].drift_score;
		pts[i].drift_detected = h[i].drift_detected;
		pts[i].insufficient = h[i].insufficient;
		pts[i].acc_measured = h[i].acc_measured;
		pts[i].acc_reference = h[i].acc_reference;
		pts[i].acc_estimated = h[i].acc_estimated;
		pts[i].acc_est_lower = h[i].acc_est_lower;
		pts[i].acc_est_upper = h[i].acc_est_upper;
		pts[i].f1_measured = h[i].f1_measured;
		pts[i].auc_measured = h[i].auc_measured;
		pts[i].perf =
			(!isnan(h[i].acc_measured) ? DM_POINT_MEASURED : 0) |
			(!isnan(h[i].acc_reference) ? DM_POINT_REFERENCE : 0) |
			(!isnan(h[i].acc_estimated) &&
					 !isnan(h[i].acc_est_lower) &&
					 !isnan(h[i].acc_est_upper)
				 ? DM_POINT_ESTIMATED
				 : 0) |
			(!isnan(h[i].f1_measured) ? DM_POINT_F1 : 0) |
			(!isnan(h[i].auc_measured) ? DM_POINT_AUC : 0);
	}
}

static void warn(const char *what, const dm_diag *d, dm_err err)
{
	fprintf(stderr, "driftmon: warning: %s: %s\n", term_safe(what),
		term_safe(d && d->msg[0] ? d->msg : dm_strerror(err)));
}

/* The HTML report: the history copy, and latest.html beside each
 * latest.json this run replaced. */
static int write_html(dm_store *st, const dm_result *res, const char *json,
		      size_t len, const cli_written *w, FILE *info)
{
	char key[DM_LAYOUT_KEY_MAX + 8], hkey[DM_LAYOUT_KEY_MAX + 8];
	char *loc = NULL, *html = NULL;
	dm_report_brief *hist = NULL;
	dm_report_point *pts = NULL;
	size_t nhist = 0, hl = 0;
	dm_html_opts ho;
	dm_diag diag;
	dm_err err;
	int rc = EXIT_OK;

	memset(&ho, 0, sizeof(ho));
	dm_diag_clear(&diag);
	if (cli_report_history(st, res->model, res->model_version,
			       DM_HTML_HISTORY_DEFAULT, &hist, &nhist,
			       &diag) == DM_OK &&
	    (pts = calloc(nhist + 1, sizeof(*pts)))) {
		cli_report_points(hist, nhist, pts);
		ho.history = pts;
		ho.nhistory = nhist;
	}
	snprintf(key, sizeof(key), "%s.json", w->stem);
	loc = dm_store_location(st, key);
	ho.json_location = loc;
	dm_diag_clear(&diag);
	err = dm_report_html_from_json(json, len, key, &ho, &html, &hl, &diag);
	if (err != DM_OK) {
		rc = cli_fail_err(err, &diag, "cannot build the HTML report");
		goto out;
	}
	snprintf(hkey, sizeof(hkey), "%s.html", w->stem);
	err = dm_store_put(st, hkey, html, hl, &diag);
	if (err == DM_OK && w->latest_version)
		err = dm_layout_latest_key(res->model, res->model_version,
					   "html", key, sizeof(key), &diag);
	if (err == DM_OK && w->latest_version)
		err = dm_store_put(st, key, html, hl, &diag);
	if (err == DM_OK && w->latest_model)
		err = dm_layout_latest_key(res->model, NULL, "html", key,
					   sizeof(key), &diag);
	if (err == DM_OK && w->latest_model)
		err = dm_store_put(st, key, html, hl, &diag);
	if (err != DM_OK) {
		rc = cli_fail_err(err, &diag, "cannot write the HTML report");
		goto out;
	}
	if (info) {
		free(loc);
		loc = dm_store_location(st, w->latest_model ? key : hkey);
		fprintf(info, "HTML report: %s\n",
			loc		  ? loc
			: w->latest_model ? key
					  : hkey);
	}
out:
	free(loc);
	free(html);
	free(pts);
	free(hist);
	return rc;
}

static int metrics(cli_outputs *o, const dm_result *res, time_t now,
		   int written, const dm_http_opts *h)
{
	const char *push = written ? env("DRIFT_PUSHGATEWAY_URL") : NULL;
	dm_metrics_info mi;
	char *text = NULL;
	size_t len = 0;
	dm_diag diag;
	dm_err err;
	int rc = EXIT_OK;

	if (!o->metrics_file && !push)
		return EXIT_OK;
	mi.run_timestamp = (double)now;
	mi.run_duration = mono() - o->t0;
	err = dm_report_metrics(res, &mi, &text, &len);
	if (err != DM_OK)
		return cli_fail_err(err, NULL, "cannot build the metrics");
	if (o->metrics_file)
		rc = cli_write_file_atomic(o->metrics_file, text, len);
	if (push) {
		dm_diag_clear(&diag);
		err = dm_pushgateway_push(push, res->model, res->model_version,
					  text, len, h, &diag);
		if (err != DM_OK)
			warn("cannot push metrics to the Pushgateway", &diag,
			     err);
	}
	free(text);
	return rc;
}

static void alerts(dm_store *st, const dm_result *res, const char *stem,
		   time_t now, const dm_http_opts *h, double hold)
{
	const char *am = env("DRIFT_ALERTMANAGER_URL");
	const char *hook = env("DRIFT_WEBHOOK_URL");
	char key[DM_LAYOUT_KEY_MAX + 8], *state = NULL, *loc = NULL;
	char *next = NULL;
	size_t slen = 0, nlen = 0;
	dm_alert_opts ao;
	dm_alert_set set;
	dm_diag diag;
	dm_err err;
	int delivered = 1;

	if (!am && !hook)
		return;
	memset(&set, 0, sizeof(set));
	memset(&ao, 0, sizeof(ao));
	snprintf(key, sizeof(key), "%s.html", stem);
	loc = dm_store_location(st, key);
	ao.report_location = loc;
	ao.hold_seconds = hold;
	ao.now = now;
	dm_diag_clear(&diag);
	err = dm_layout_alerts_state_key(res->model, key, sizeof(key), &diag);
	if (err == DM_OK)
		err = dm_store_get(st, key, 16u << 20, &state, &slen, &diag);
	if (err != DM_OK && err != DM_ENOENT)
		warn("cannot read the alert state (alerts that ended may not "
		     "resolve)",
		     &diag, err);
	err = dm_alert_set_build(res, state, slen, &ao, &set, &diag);
	if (err == DM_EFORMAT) {
		warn("ignoring the alert state", &diag, err);
		err = dm_alert_set_build(res, NULL, 0, &ao, &set, &diag);
	}
	if (err != DM_OK) {
		warn("cannot build the alerts", &diag, err);
		goto out;
	}
	if (am) {
		dm_diag_clear(&diag);
		err = dm_alertmanager_post(am, &set, h, &diag);
		if (err != DM_OK) {
			warn("cannot send alerts to Alertmanager", &diag, err);
			delivered = 0;
		}
	}
	if (hook) {
		dm_diag_clear(&diag);
		err = dm_webhook_post(hook, &set, h, &diag);
		if (err != DM_OK) {
			warn("cannot send alerts to the webhook", &diag, err);
			delivered = 0;
		}
	}
	err = dm_alert_set_state(&set, delivered, &next, &nlen);
	if (err == DM_OK) {
		dm_diag_clear(&diag);
		err = dm_store_put(st, key, next, nlen, &diag);
	}
	if (err != DM_OK)
		warn("cannot store the alert state", &diag, err);
out:
	dm_alert_set_release(&set);
	free(state);
	free(next);
	free(loc);
}

int cli_outputs_after_detect(cli_outputs *o, dm_store *st, const dm_result *res,
			     const char *json, size_t len, time_t now,
			     const cli_written *w, FILE *info)
{
	dm_http_opts h;
	double hold;
	int rc = EXIT_OK, r;

	if (settings(&h, &hold) < 0)
		return EXIT_USAGE;
	if (w)
		rc = write_html(st, res, json, len, w, info);
	if (info)
		fflush(info);
	r = metrics(o, res, now, w != NULL, &h);
	if (rc == EXIT_OK)
		rc = r;
	if (w)
		alerts(st, res, w->stem, now, &h, hold);
	return rc;
}
