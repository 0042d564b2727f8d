/* SPDX-License-Identifier: Apache-2.0 */
/*
 * One HTTP request with bounded retries, over libcurl, for the
 * Pushgateway, Alertmanager and webhooks (see notify.h).
 *
 * Retried (the shared policy of src/net/http_retry.h): transport errors
 * that may be transient (connection refused or reset, timeouts, DNS),
 * 408, 429 and 5xx (but 501, 505), at most `attempts` times in all,
 * waiting about backoff, 2*backoff, ... (capped at 30 s, with equal
 * jitter: each wait drawn from [w/2, w)) between attempts.  Not retried:
 * other 4xx (the request itself is wrong) and a malformed URL.
 * Only http and https are allowed and redirects are not followed, so a
 * misconfigured URL cannot send the body elsewhere.  The answer body is
 * kept up to 1 KiB, for the error message.
 */
#include <curl/curl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "driftmon/notify.h"
#include "net/http_retry.h"

#define ANSWER_MAX 1024
/* The cap of one wait between attempts. */
#define BACKOFF_MAX_MS 30000L
/* Attempts: the default and the most allowed. */
#define ATTEMPTS_DEFAULT 3
#define ATTEMPTS_MAX	 10

typedef struct answer {
	char text[ANSWER_MAX + 1];
	size_t len;
} answer;

static size_t on_data(char *p, size_t size, size_t n, void *ud)
{
	answer *a = ud;
	size_t len = size * n, room = ANSWER_MAX - a->len;

	if (room > len)
		room = len;
	memcpy(a->text + a->len, p, room);
	a->len += room;
	a->text[a->len] = '\0';
	return len;
}

char *dm_url_origin(const char *url)
{
	const char *p = strstr(url, "://"), *host, *end, *at;
	size_t n;
	char *out;

	if (!p)
		return strdup("(invalid URL)");
	host = p + 3;
	end = host + strcspn(host, "/?#");
	/* Drop user:password@ */
	at = memchr(host, '@', (size_t)(end - host));
	while (at) {
		host = at + 1;
		at = memchr(host, '@', (size_t)(end - host));
	}
	n = (size_t)(p + 3 - url) + (size_t)(end - host);
	out = malloc(n + 1);
	if (!out)
		return NULL;
	memcpy(out, url, (size_t)(p + 3 - url));
	memcpy(out + (p + 3 - url), host, (size_t)(end - host));
	out[n] = '\0';
	return out;
}

/* The first line of the answer, trimmed, for the message. */
static void first_line(const answer *a, char *out, size_t n)
{
	size_t k = strcspn(a->text, "\r\n");

	if (k >= n)
		k = n - 1;
	memcpy(out, a->text, k);
	out[k] = '\0';
}

dm_err dm_http_send(const char *method, const char *url,
		    const char *content_type, const char *body, size_t len,
		    const dm_http_opts *o, long *status, dm_diag *diag)
{
	unsigned attempts = o && o->attempts ? o->attempts : ATTEMPTS_DEFAULT,
		 i;
	long timeout = o && o->timeout_ms > 0 ? o->timeout_ms : 10000;
	long backoff = o && o->backoff_ms > 0 ? o->backoff_ms : 500;
	net_retry pol;
	struct curl_slist *hdr = NULL, *h;
	char ctype[128], *origin = NULL, why[200];
	CURL *c = NULL;
	long code = 0;
	dm_err err = DM_ENET;

	if (status)
		*status = 0;
	if (attempts > ATTEMPTS_MAX)
		attempts = ATTEMPTS_MAX;
	memset(&pol, 0, sizeof(pol));
	pol.attempts = attempts;
	pol.backoff_ms = backoff;
	pol.backoff_max_ms =
		backoff > BACKOFF_MAX_MS ? backoff : BACKOFF_MAX_MS;
	pol.rng = (uint64_t)(uintptr_t)&pol ^ (uint64_t)time(NULL);
	if (strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0)
		return dm_diag_set(diag, DM_EINVAL, NULL, 0, NULL,
				   "not an http(s) URL");
	origin = dm_url_origin(url);
	if (net_curl_init() != CURLE_OK || !origin || !(c = curl_easy_init())) {
		err = dm_diag_set(diag, DM_ENOMEM, NULL, 0, NULL,
				  "cannot initialise libcurl");
		goto out;
	}
	snprintf(ctype, sizeof(ctype), "Content-Type: %s",
		 content_type ? content_type : "application/octet-stream");
	if (!(h = curl_slist_append(hdr, ctype)))
		goto nomem;
	hdr = h;
	if (!(h = curl_slist_append(hdr, "Expect:")))
		goto nomem;
	hdr = h;
	snprintf(why, sizeof(why), "no attempt made");
	net_retry_start(&pol);
	for (i = 0; i < attempts; i++) {
		answer a;
		CURLcode rc;
		double wait;

		if (i > 0) {
			if (net_retry_wait(&pol, i, -1, &wait) != NET_RETRY)
				break;
			net_sleep_s(wait);
		}
		memset(&a, 0, sizeof(a));
		curl_easy_reset(c);
		curl_easy_setopt(c, CURLOPT_URL, url);
		curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body ? body : "");
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE,
				 (curl_off_t)len);
		curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdr);
		curl_easy_setopt(c, CURLOPT_USERAGENT, "driftmon/" DM_VERSION);
		curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout);
		curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
				 timeout < 5000 ? timeout : 5000L);
		net_curl_defaults(c);
		curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
		curl_easy_setopt(c, CURLOPT_WRITEDATA, &a);
		rc = curl_easy_perform(c);
		code = 0;
		if (rc == CURLE_OK)
			curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
		if (status)
			*status = code;
		if (rc == CURLE_OK && code >= 200 && code < 300) {
			err = DM_OK;
			goto out;
		}
		if (rc != CURLE_OK) {
			snprintf(why, sizeof(why), "%s",
				 curl_easy_strerror(rc));
			if (!net_transient_curl(rc)) {
				i++;
				break;
			}
		} else {
			char line[120];

			first_line(&a, line, sizeof(line));
			snprintf(why, sizeof(why), "HTTP %ld%s%s", code,
				 line[0] ? ": " : "", line);
			if (!net_transient_status(code)) {
				i++;
				break;
			}
		}
	}
	err = dm_diag_set(diag, DM_ENET, NULL, 0, NULL,
			  "%s %s: %s (%u attempt%s)", method, origin, why, i,
			  i == 1 ? "" : "s");
	goto out;
nomem:
	err = dm_diag_set(diag, DM_ENOMEM, NULL, 0, NULL, "out of memory");
out:
	curl_slist_free_all(hdr);
	if (c)
		curl_easy_cleanup(c);
	free(origin);
	return err;
}
