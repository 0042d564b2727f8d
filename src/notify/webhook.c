/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Alerts to a generic webhook: one JSON POST per run that has alerts to
 * fire or resolve.  "text" is a Slack-compatible summary (a Slack or
 * Mattermost incoming webhook shows it as is; & < > are escaped as Slack
 * requires); the other fields carry the run and the structured alerts in
 * Alertmanager's shape (labels, annotations, startsAt, endsAt, plus
 * status "firing" / "resolved") for receivers that route on them.
 */
#include <stdlib.h>
#include <string.h>

#include "core/jsonw.h"
#include "core/sbuf.h"
#include "driftmon/notify.h"

#define TEXT_LINES 15

/* Slack's three escapes in text. */
static void slack(sbuf *b, const char *s)
{
	for (; *s; s++) {
		if (*s == '&')
			sb_puts(b, "&amp;");
		else if (*s == '<')
			sb_puts(b, "&lt;");
		else if (*s == '>')
			sb_puts(b, "&gt;");
		else
			sb_putc(b, *s);
	}
}

static dm_err text(const dm_alert_set *set, char **out)
{
	sbuf b;
	size_t i, lines = 0, left = 0;

	sb_init(&b, 0);
	sb_puts(&b, "[driftmon] ");
	slack(&b, set->model);
	sb_putc(&b, ' ');
	slack(&b, set->model_version);
	if (!strcmp(set->status, "insufficient_data"))
		sb_printf(&b, ": no verdict, insufficient data (%llu samples)",
			  (unsigned long long)set->samples);
	else
		sb_printf(&b,
			  ": %s, drift score %.1f%% (%llu/%llu features "
			  "drifted, %llu samples)",
			  !strcmp(set->status, "drift") ? "DRIFT DETECTED"
							: "no drift",
			  100.0 * set->drift_score,
			  (unsigned long long)set->features_drifted,
			  (unsigned long long)set->features_total,
			  (unsigned long long)set->samples);
	for (i = 0; i < set->n; i++) {
		const dm_notify_alert *a = &set->alerts[i];

		if (lines == TEXT_LINES) {
			left++;
			continue;
		}
		sb_printf(&b, "\n\xE2\x80\xA2 [%s] ",
			  a->resolved			     ? "RESOLVED"
			  : !strcmp(a->severity, "critical") ? "CRITICAL"
							     : "WARNING");
		slack(&b, a->summary);
		lines++;
	}
	if (left)
		sb_printf(&b, "\n\xE2\x80\xA6 and %zu more", left);
	if (set->report) {
		sb_puts(&b, "\nReport: ");
		slack(&b, set->report);
	}
	return sb_finish(&b, out, NULL);
}

dm_err dm_webhook_payload(const dm_alert_set *set, char **out, size_t *len)
{
	char *t = NULL;
	dm_err err = text(set, &t);
	jw w;
	size_t i;

	if (err != DM_OK)
		return err;
	jw_init(&w, 0, 0);
	jw_obj(&w);
	jw_key(&w, "text");
	jw_str(&w, t);
	jw_key(&w, "source");
	jw_str(&w, "driftmon");
	jw_key(&w, "model");
	jw_str(&w, set->model);
	jw_key(&w, "model_version");
	jw_str(&w, set->model_version);
	jw_key(&w, "status");
	jw_str(&w, set->status);
	jw_key(&w, "generated_at");
	jw_str(&w, set->generated_at);
	jw_key(&w, "drift_score");
	jw_num(&w, set->drift_score);
	jw_key(&w, "features_drifted");
	jw_u64(&w, set->features_drifted);
	jw_key(&w, "features_total");
	jw_u64(&w, set->features_total);
	jw_key(&w, "samples");
	jw_u64(&w, set->samples);
	jw_key(&w, "report");
	if (set->report)
		jw_str(&w, set->report);
	else
		jw_null(&w);
	jw_key(&w, "alerts");
	jw_arr(&w);
	for (i = 0; i < set->n; i++) {
		const dm_notify_alert *a = &set->alerts[i];

		jw_obj(&w);
		jw_key(&w, "status");
		jw_str(&w, a->resolved ? "resolved" : "firing");
		jw_key(&w, "labels");
		jw_obj(&w);
		jw_key(&w, "alertname");
		jw_str(&w, a->alertname);
		jw_key(&w, "severity");
		jw_str(&w, a->severity);
		jw_key(&w, "model");
		jw_str(&w, a->model);
		jw_key(&w, "model_version");
		jw_str(&w, a->model_version);
		if (a->feature[0]) {
			jw_key(&w, "feature");
			jw_str(&w, a->feature);
		}
		jw_obj_end(&w);
		jw_key(&w, "annotations");
		jw_obj(&w);
		jw_key(&w, "summary");
		jw_str(&w, a->summary);
		jw_obj_end(&w);
		jw_key(&w, "code");
		jw_str(&w, a->code);
		jw_key(&w, "startsAt");
		jw_str(&w, a->starts_at);
		jw_key(&w, "endsAt");
		jw_str(&w, a->ends_at);
		jw_obj_end(&w);
	}
	jw_arr_end(&w);
	jw_obj_end(&w);
	free(t);
	return jw_finish(&w, out, len);
}

dm_err dm_webhook_post(const char *url, const dm_alert_set *set,
		       const dm_http_opts *o, dm_diag *diag)
{
	char *body = NULL;
	size_t len = 0;
	dm_err err;

	if (set->n == 0)
		return DM_OK;
	err = dm_webhook_payload(set, &body, &len);
	if (err == DM_OK)
		err = dm_http_send("POST", url, "application/json", body, len,
				   o, NULL, diag);
	free(body);
	return err;
}
