/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Getting a drift run to the tools on-call teams use (docs/alerts.md,
 * docs/metrics.md):
 *
 *   - metrics to a Prometheus Pushgateway (a CronJob cannot be scraped),
 *     grouped by model and model_version;
 *   - alerts to Alertmanager's API v2, with endsAt so that they resolve
 *     when drift ends, and to a generic webhook (a Slack-compatible
 *     "text" plus the structured alerts).
 *
 * Resolving needs memory across runs: the alerts that fired last time.
 * The library keeps it in a small JSON "alert state" that the caller
 * stores (the CLI keeps it at drift-reports/<model>/alerts.state,
 * dm_layout_alerts_state_key): build
 * an alert set from the result and the previous state, deliver it, then
 * store the state it hands back.
 *
 * Every delivery is one HTTP request retried a bounded number of times
 * (connection errors, timeouts, 408, 429 and 5xx; never other 4xx), with
 * a per-attempt timeout.  Failures come back as DM_ENET with a diag
 * naming the service's origin (scheme://host:port, never credentials or
 * paths, which may hold secrets) and the HTTP status or transport error.
 * The library never prints.
 */
#ifndef DRIFTMON_NOTIFY_H
#define DRIFTMON_NOTIFY_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "driftmon/detect.h"
#include "driftmon/error.h"
#include "driftmon/export.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- HTTP ---------------------------------------------------------------- */

typedef struct dm_http_opts {
	unsigned attempts; /* total attempts; 0 = 3, at most 10 */
	long timeout_ms;   /* per attempt; 0 = 10000 */
	long backoff_ms;   /* wait before the 2nd attempt, doubling up to
			    * 30 s, each drawn from [w/2, w); 0 = 500 */
} dm_http_opts;

/*
 * Sends body (len bytes, may be 0) with method ("PUT", "POST") to url
 * (http or https only, redirects not followed).  DM_OK on a 2xx answer;
 * *status (may be NULL) gets the last HTTP status (0 if none).  o may be
 * NULL.  DM_EINVAL for a URL that is not http(s).
 */
DM_API dm_err dm_http_send(const char *method, const char *url,
			   const char *content_type, const char *body,
			   size_t len, const dm_http_opts *o, long *status,
			   dm_diag *diag);

/* scheme://host[:port] of url, for messages (malloc'd; NULL on failure). */
DM_API char *dm_url_origin(const char *url);

/* ---- Pushgateway ------------------------------------------------------------
 */

/*
 * The push URL: base + /metrics/job/<job>/model/<model>/model_version/<v>,
 * each value percent-encoded (or, when it holds '/' or is empty, in the
 * Pushgateway's "@base64" form).  Returns a malloc'd string or NULL.
 */
DM_API char *dm_pushgateway_url(const char *base, const char *job,
				const char *model, const char *model_version);
/* PUTs metrics (Prometheus text) to that URL: replaces the group, so
 * series of features that are gone disappear. */
DM_API dm_err dm_pushgateway_push(const char *base, const char *model,
				  const char *model_version,
				  const char *metrics, size_t len,
				  const dm_http_opts *o, dm_diag *diag);

/* ---- Alerts
 * --------------------------------------------------------------------- */

typedef struct dm_notify_alert {
	char alertname[64]; /* "DriftmonFeatureDrift" from FEATURE_DRIFT */
	char severity[16];  /* "critical" / "warning" */
	char model[256];
	char model_version[256];
	char feature[128]; /* "" when the alert is not about one feature */
	char code[32];
	char summary[320];
	char starts_at[32]; /* ISO-8601 UTC */
	char ends_at[32];   /* firing: now + hold; resolved: when it ended */
	int resolved;
	unsigned retries; /* resolved and not yet delivered: runs so far */
} dm_notify_alert;

typedef struct dm_alert_set {
	dm_notify_alert *alerts; /* n alerts: firing first, then resolved */
	size_t n;
	size_t nfiring;
	/* The run, for annotations and the webhook's text. */
	char model[256];
	char model_version[256];
	char status[32]; /* "drift", "ok", "insufficient_data" */
	char generated_at[40];
	double drift_score;
	uint64_t features_drifted;
	uint64_t features_total;
	uint64_t samples;
	char *report; /* report location (malloc'd) or NULL */
} dm_alert_set;

typedef struct dm_alert_opts {
	time_t now; /* 0 = time(NULL) */
	/* A firing alert's endsAt is now + hold: if no later run re-sends
	 * it, Alertmanager resolves it by itself.  0 = 3 hours. */
	double hold_seconds;
	const char *report_location; /* annotation "report"; may be NULL */
} dm_alert_opts;

/*
 * Builds the alert set of a run: the alerts of r (one per label set),
 * keeping the startsAt of those already firing in prev_state, plus,
 * resolved with endsAt = now, the alerts of prev_state that r no longer
 * raises (and earlier resolutions that could not be delivered, retried
 * for 24 runs).  prev_state may be NULL (first run); a malformed state
 * is DM_EFORMAT with a diag (the caller may go on without it).
 * Release with dm_alert_set_release.
 */
DM_API dm_err dm_alert_set_build(const dm_result *r, const char *prev_state,
				 size_t prev_len, const dm_alert_opts *o,
				 dm_alert_set *set, dm_diag *diag);
DM_API void dm_alert_set_release(dm_alert_set *set);
/* The state to store after delivery: the firing alerts and, when
 * delivered is 0, the resolutions still to send.  *out is malloc'd. */
DM_API dm_err dm_alert_set_state(const dm_alert_set *set, int delivered,
				 char **out, size_t *len);

/* Alertmanager API v2 body: a JSON array of {labels, annotations,
 * startsAt, endsAt}.  *out is malloc'd. */
DM_API dm_err dm_alertmanager_payload(const dm_alert_set *set, char **out,
				      size_t *len);
/* POSTs the set to base_url + /api/v2/alerts (nothing sent when empty). */
DM_API dm_err dm_alertmanager_post(const char *base_url,
				   const dm_alert_set *set,
				   const dm_http_opts *o, dm_diag *diag);

/* Webhook body: {"text": Slack-compatible summary, "model", ...,
 * "alerts": [...]}.  *out is malloc'd. */
DM_API dm_err dm_webhook_payload(const dm_alert_set *set, char **out,
				 size_t *len);
/* POSTs it to url (nothing sent when the set is empty). */
DM_API dm_err dm_webhook_post(const char *url, const dm_alert_set *set,
			      const dm_http_opts *o, dm_diag *diag);

#ifdef __cplusplus
}
#endif
#endif
