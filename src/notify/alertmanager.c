/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Alerts of a drift run for Alertmanager (API v2), and the alert state
 * that lets them resolve.
 *
 * Design.  Alertmanager keeps an alert firing until its endsAt.  A run
 * sends each alert it raises with endsAt = now + hold (3 hours by
 * default), so an hourly job keeps it firing by re-sending it, and a job
 * that stops running lets it expire instead of paging forever.  When a
 * run no longer raises an alert that the previous run raised, it sends
 * that alert again with endsAt = now: Alertmanager marks it resolved at
 * once and sends its "resolved" notification.  Knowing "the previous
 * run raised it" needs state across runs; the caller stores the JSON
 * that dm_alert_set_state() returns and passes it back next time:
 *
 *   {"state_version": 1, "updated_at": "...",
 *    "firing": [alert...],            raised by the last run
 *    "unsent_resolved": [alert...]}   resolutions not yet delivered
 *
 * An alert's identity is its label set (alertname, severity, model,
 * model_version, feature); its startsAt is kept from the first run that
 * raised it.  A resolution whose delivery failed is retried by the next
 * runs (24 at most), unless the alert fires again.
 */
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/jsonw.h"
#include "driftmon/notify.h"

#define STATE_VERSION	    1
#define MAX_RESOLVE_RETRIES 24

static void iso(time_t t, char *buf, size_t n)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* FEATURE_DRIFT -> DriftmonFeatureDrift */
static void alertname(const char *code, char *out, size_t n)
{
	size_t k = (size_t)snprintf(out, n, "Driftmon");
	int up = 1;

	for (; *code && k + 1 < n; code++) {
		char c = *code;

		if (c == '_' || c == '-' || c == ' ') {
			up = 1;
			continue;
		}
		if (c >= 'A' && c <= 'Z' && !up)
			c = (char)(c - 'A' + 'a');
		else if (c >= 'a' && c <= 'z' && up)
			c = (char)(c - 'a' + 'A');
		out[k++] = c;
		up = 0;
	}
	out[k] = '\0';
}

static int same(const dm_notify_alert *a, const dm_notify_alert *b)
{
	return !strcmp(a->alertname, b->alertname) &&
	       !strcmp(a->severity, b->severity) &&
	       !strcmp(a->model, b->model) &&
	       !strcmp(a->model_version, b->model_version) &&
	       !strcmp(a->feature, b->feature);
}

static dm_notify_alert *find(dm_notify_alert *v, size_t n,
			     const dm_notify_alert *a)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (same(&v[i], a))
			return &v[i];
	return NULL;
}

static void copy(char *dst, size_t n, const char *s)
{
	snprintf(dst, n, "%s", s ? s : "");
}

/* Reads one alert of the state; 0 if malformed. */
static int from_json(json_t *o, dm_notify_alert *a)
{
	const char *k[] = {"alertname", "severity", "model", "model_version"};
	size_t i;

	memset(a, 0, sizeof(*a));
	for (i = 0; i < 4; i++)
		if (!json_is_string(json_object_get(o, k[i])))
			return 0;
	copy(a->alertname, sizeof(a->alertname),
	     json_string_value(json_object_get(o, "alertname")));
	copy(a->severity, sizeof(a->severity),
	     json_string_value(json_object_get(o, "severity")));
	copy(a->model, sizeof(a->model),
	     json_string_value(json_object_get(o, "model")));
	copy(a->model_version, sizeof(a->model_version),
	     json_string_value(json_object_get(o, "model_version")));
	copy(a->feature, sizeof(a->feature),
	     json_string_value(json_object_get(o, "feature")));
	copy(a->code, sizeof(a->code),
	     json_string_value(json_object_get(o, "code")));
	copy(a->summary, sizeof(a->summary),
	     json_string_value(json_object_get(o, "summary")));
	copy(a->starts_at, sizeof(a->starts_at),
	     json_string_value(json_object_get(o, "startsAt")));
	copy(a->ends_at, sizeof(a->ends_at),
	     json_string_value(json_object_get(o, "endsAt")));
	a->retries =
		(unsigned)json_integer_value(json_object_get(o, "retries"));
	return 1;
}

/* The previous state (JSON, state_version STATE_VERSION) into *st. */
static dm_err load_state(const char *prev_state, size_t prev_len, json_t **st,
			 dm_diag *diag)
{
	json_error_t je;

	*st = json_loadb(prev_state, prev_len, 0, &je);
	if (!*st || !json_is_object(*st)) {
		json_decref(*st);
		*st = NULL;
		return dm_diag_set(diag, DM_EFORMAT, NULL, 0, NULL,
				   "alert state: not a JSON object");
	}
	if (json_integer_value(json_object_get(*st, "state_version")) !=
	    STATE_VERSION) {
		json_decref(*st);
		*st = NULL;
		return dm_diag_set(diag, DM_EFORMAT, NULL, 0, NULL,
				   "alert state: field "
				   "'state_version': not %d",
				   STATE_VERSION);
	}
	return DM_OK;
}

/* The run's alerts into set, one per label set: firing from the
 * previous start (prev[0 .. nfiring_prev)) or now, until until. */
static void add_firing(dm_alert_set *set, const dm_result *r,
		       dm_notify_alert *prev, size_t nfiring_prev,
		       const char *snow, const char *until)
{
	size_t i;

	for (i = 0; i < r->nalerts; i++) {
		const dm_alert *ra = &r->alerts[i];
		dm_notify_alert *a = &set->alerts[set->n], *p;

		memset(a, 0, sizeof(*a));
		alertname(ra->code, a->alertname, sizeof(a->alertname));
		copy(a->severity, sizeof(a->severity),
		     ra->severity == DM_SEV_CRITICAL ? "critical" : "warning");
		copy(a->model, sizeof(a->model), r->model);
		copy(a->model_version, sizeof(a->model_version),
		     r->model_version);
		copy(a->feature, sizeof(a->feature), ra->feature);
		copy(a->code, sizeof(a->code), ra->code);
		copy(a->summary, sizeof(a->summary), ra->message);
		if (find(set->alerts, set->n, a))
			continue;
		p = find(prev, nfiring_prev, a);
		copy(a->starts_at, sizeof(a->starts_at),
		     p && p->starts_at[0] ? p->starts_at : snow);
		copy(a->ends_at, sizeof(a->ends_at), until);
		set->n++;
	}
	set->nfiring = set->n;
}

/* Raised before (prev[0 .. nprev)), not now: resolved at snow, or
 * resent while its retries last. */
static void add_resolved(dm_alert_set *set, dm_notify_alert *prev, size_t nprev,
			 const char *snow)
{
	size_t i;

	for (i = 0; i < nprev; i++) {
		dm_notify_alert *p = &prev[i];

		if (find(set->alerts, set->n, p))
			continue;
		if (p->resolved) {
			if (++p->retries > MAX_RESOLVE_RETRIES)
				continue;
		} else {
			copy(p->ends_at, sizeof(p->ends_at), snow);
			p->resolved = 1;
			p->retries = 0;
		}
		set->alerts[set->n++] = *p;
	}
}

/* The run's model, verdict and counts (snow: now, for a result without
 * its time). */
static void set_summary(dm_alert_set *set, const dm_result *r, const char *snow)
{
	copy(set->model, sizeof(set->model), r->model);
	copy(set->model_version, sizeof(set->model_version), r->model_version);
	copy(set->status, sizeof(set->status),
	     r->insufficient	 ? "insufficient_data"
	     : r->drift_detected ? "drift"
				 : "ok");
	copy(set->generated_at, sizeof(set->generated_at),
	     r->generated_at ? r->generated_at : snow);
	set->drift_score = r->drift_score;
	set->features_drifted = r->features_drifted;
	set->features_total = r->features_total;
	set->samples = r->samples;
}

/* How long a firing alert holds when the options do not say (3 h). */
#define HOLD_SECONDS_DEFAULT (3 * 3600.0)

dm_err dm_alert_set_build(const dm_result *r, const char *prev_state,
			  size_t prev_len, const dm_alert_opts *o,
			  dm_alert_set *set, dm_diag *diag)
{
	time_t now = o && o->now ? o->now : time(NULL);
	double hold = o && o->hold_seconds > 0 ? o->hold_seconds
					       : HOLD_SECONDS_DEFAULT;
	char snow[32], until[32];
	json_t *st = NULL, *firing = NULL, *unsent = NULL, *v;
	dm_notify_alert *prev = NULL;
	size_t nprev = 0, nfiring_prev = 0, cap, i;
	dm_err err = DM_OK;

	memset(set, 0, sizeof(*set));
	iso(now, snow, sizeof(snow));
	iso(now + (time_t)hold, until, sizeof(until));
	if (prev_state) {
		if ((err = load_state(prev_state, prev_len, &st, diag)) !=
		    DM_OK)
			return err;
		firing = json_object_get(st, "firing");
		unsent = json_object_get(st, "unsent_resolved");
	}
	nprev = json_array_size(firing) + json_array_size(unsent);
	prev = calloc(nprev ? nprev : 1, sizeof(*prev));
	cap = r->nalerts + nprev;
	set->alerts = calloc(cap ? cap : 1, sizeof(*set->alerts));
	if (!prev || !set->alerts) {
		err = DM_ENOMEM;
		goto out;
	}
	nprev = 0;
	json_array_foreach(firing, i, v) if (from_json(v, &prev[nprev]))
		nprev++;
	nfiring_prev = nprev;
	json_array_foreach(unsent, i, v) if (from_json(v, &prev[nprev]))
	{
		prev[nprev].resolved = 1;
		nprev++;
	}
	add_firing(set, r, prev, nfiring_prev, snow, until);
	add_resolved(set, prev, nprev, snow);
	set_summary(set, r, snow);
	if (o && o->report_location &&
	    !(set->report = strdup(o->report_location)))
		err = DM_ENOMEM;
out:
	free(prev);
	json_decref(st);
	if (err != DM_OK)
		dm_alert_set_release(set);
	return err;
}

void dm_alert_set_release(dm_alert_set *set)
{
	if (!set)
		return;
	free(set->alerts);
	free(set->report);
	memset(set, 0, sizeof(*set));
}

static void put_alert_state(jw *w, const dm_notify_alert *a)
{
	jw_obj(w);
	jw_key(w, "alertname");
	jw_str(w, a->alertname);
	jw_key(w, "severity");
	jw_str(w, a->severity);
	jw_key(w, "model");
	jw_str(w, a->model);
	jw_key(w, "model_version");
	jw_str(w, a->model_version);
	jw_key(w, "feature");
	jw_str(w, a->feature);
	jw_key(w, "code");
	jw_str(w, a->code);
	jw_key(w, "summary");
	jw_str(w, a->summary);
	jw_key(w, "startsAt");
	jw_str(w, a->starts_at);
	jw_key(w, "endsAt");
	jw_str(w, a->ends_at);
	if (a->resolved) {
		jw_key(w, "retries");
		jw_u64(w, a->retries);
	}
	jw_obj_end(w);
}

dm_err dm_alert_set_state(const dm_alert_set *set, int delivered, char **out,
			  size_t *len)
{
	time_t now = time(NULL);
	char snow[32];
	jw w;
	size_t i;

	iso(now, snow, sizeof(snow));
	jw_init(&w, 0, 1);
	jw_obj(&w);
	jw_key(&w, "state_version");
	jw_u64(&w, STATE_VERSION);
	jw_key(&w, "updated_at");
	jw_str(&w, snow);
	jw_key(&w, "firing");
	jw_arr(&w);
	for (i = 0; i < set->n; i++)
		if (!set->alerts[i].resolved)
			put_alert_state(&w, &set->alerts[i]);
	jw_arr_end(&w);
	jw_key(&w, "unsent_resolved");
	jw_arr(&w);
	for (i = 0; i < set->n && !delivered; i++)
		if (set->alerts[i].resolved)
			put_alert_state(&w, &set->alerts[i]);
	jw_arr_end(&w);
	jw_obj_end(&w);
	return jw_finish(&w, out, len);
}

static void put_labels(jw *w, const dm_notify_alert *a)
{
	jw_obj(w);
	jw_key(w, "alertname");
	jw_str(w, a->alertname);
	jw_key(w, "severity");
	jw_str(w, a->severity);
	jw_key(w, "model");
	jw_str(w, a->model);
	jw_key(w, "model_version");
	jw_str(w, a->model_version);
	if (a->feature[0]) {
		jw_key(w, "feature");
		jw_str(w, a->feature);
	}
	jw_obj_end(w);
}

/* The description annotation: the run that raised or resolved it. */
static void description(const dm_alert_set *set, const dm_notify_alert *a,
			char *buf, size_t n)
{
	if (a->resolved)
		snprintf(buf, n,
			 "Resolved: the drift run of %s for %s %s no longer "
			 "raises this alert.",
			 set->generated_at, set->model, set->model_version);
	else if (!strcmp(set->status, "insufficient_data"))
		snprintf(buf, n,
			 "Drift run of %s for %s %s: no verdict, only %llu "
			 "samples.",
			 set->generated_at, set->model, set->model_version,
			 (unsigned long long)set->samples);
	else
		snprintf(buf, n,
			 "Drift run of %s for %s %s: drift score %.1f%%, "
			 "%llu/%llu features drifted, %llu samples.",
			 set->generated_at, set->model, set->model_version,
			 100.0 * set->drift_score,
			 (unsigned long long)set->features_drifted,
			 (unsigned long long)set->features_total,
			 (unsigned long long)set->samples);
}

dm_err dm_alertmanager_payload(const dm_alert_set *set, char **out, size_t *len)
{
	jw w;
	size_t i;
	char desc[800];

	jw_init(&w, 0, 0);
	jw_arr(&w);
	for (i = 0; i < set->n; i++) {
		const dm_notify_alert *a = &set->alerts[i];

		description(set, a, desc, sizeof(desc));
		jw_obj(&w);
		jw_key(&w, "labels");
		put_labels(&w, a);
		jw_key(&w, "annotations");
		jw_obj(&w);
		jw_key(&w, "summary");
		jw_str(&w, a->summary);
		jw_key(&w, "description");
		jw_str(&w, desc);
		if (set->report) {
			jw_key(&w, "report");
			jw_str(&w, set->report);
		}
		jw_obj_end(&w);
		jw_key(&w, "startsAt");
		jw_str(&w, a->starts_at);
		jw_key(&w, "endsAt");
		jw_str(&w, a->ends_at);
		if (set->report && (!strncmp(set->report, "http://", 7) ||
				    !strncmp(set->report, "https://", 8))) {
			jw_key(&w, "generatorURL");
			jw_str(&w, set->report);
		}
		jw_obj_end(&w);
	}
	jw_arr_end(&w);
	return jw_finish(&w, out, len);
}

dm_err dm_alertmanager_post(const char *base_url, const dm_alert_set *set,
			    const dm_http_opts *o, dm_diag *diag)
{
	char *body = NULL, *url = NULL;
	size_t len = 0, n = strlen(base_url);
	dm_err err;

	if (set->n == 0)
		return DM_OK;
	while (n > 0 && base_url[n - 1] == '/')
		n--;
	err = dm_alertmanager_payload(set, &body, &len);
	if (err == DM_OK && !(url = malloc(n + sizeof("/api/v2/alerts"))))
		err = DM_ENOMEM;
	if (err == DM_OK) {
		memcpy(url, base_url, n);
		memcpy(url + n, "/api/v2/alerts", sizeof("/api/v2/alerts"));
		err = dm_http_send("POST", url, "application/json", body, len,
				   o, NULL, diag);
	}
	free(url);
	free(body);
	return err;
}
