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

/* Timeouts and backoff when the options do not say; the connect
 * timeout's cap. */
#define TIMEOUT_MS_DEFAULT     10000L
#define BACKOFF_MS_DEFAULT     500L
#define CONNECT_TIMEOUT_MAX_MS 5000L

/* One request as every attempt sends it. */
typedef struct http_req {
	const char *method, *url, *body;
	size_t len;
	struct curl_slist *hdr;
	long timeout;
} http_req;

/* The request's headers: its Content-Type, and no "Expect:"; -1 when
 * out of memory (*hdr then holds what was added). */
static int make_headers(const char *content_type, struct curl_slist **hdr)
{
	struct curl_slist *h;
	char ctype[128];

	snprintf(ctype, sizeof(ctype), "Content-Type: %s",
		 content_type ? content_type : "application/octet-stream");
	if (!(h = curl_slist_append(*hdr, ctype)))
		return -1;
	*hdr = h;
	if (!(h = curl_slist_append(*hdr, "Expect:")))
		return -1;
	*hdr = h;
	return 0;
}

/* One attempt of rq on c: 0 on a 2xx answer (*code), else -1 with why
 * (the error or the answer's status and first line) and *retry when
 * the failure is transient. */
static int attempt(CURL *c, const http_req *rq, long *code, char *why, size_t n,
		   int *retry)
{
	answer a;
	CURLcode rc;

	memset(&a, 0, sizeof(a));
	curl_easy_reset(c);
	curl_easy_setopt(c, CURLOPT_URL, rq->url);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, rq->method);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, rq->body ? rq->body : "");
	curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)rq->len);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, rq->hdr);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "driftmon/" DM_VERSION);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, rq->timeout);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
			 rq->timeout < CONNECT_TIMEOUT_MAX_MS
				 ? rq->timeout
				 : CONNECT_TIMEOUT_MAX_MS);
	net_curl_defaults(c);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &a);
	rc = curl_easy_perform(c);
	*code = 0;
	if (rc == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, code);
	if (rc == CURLE_OK && *code >= 200 && *code < 300)
		return 0;
	if (rc != CURLE_OK) {
		snprintf(why, n, "%s", curl_easy_strerror(rc));
		*retry = net_transient_curl(rc);
	} else {
		char line[120];

		first_line(&a, line, sizeof(line));
		snprintf(why, n, "HTTP %ld%s%s", *code, line[0] ? ": " : "",
			 line);
		*retry = net_transient_status(*code);
	}
	return -1;
}

dm_err dm_http_send(const char *method, const char *url,
		    const char *content_type, const char *body, size_t len,
		    const dm_http_opts *o, long *status, dm_diag *diag)
{
	unsigned attempts = o && o->attempts ? o->attempts : ATTEMPTS_DEFAULT,
		 i;
	long backoff =
		o && o->backoff_ms > 0 ? o->backoff_ms : BACKOFF_MS_DEFAULT;
	http_req rq = {
		method,
		url,
		body,
		len,
		NULL,
		o && o->timeout_ms > 0 ? o->timeout_ms : TIMEOUT_MS_DEFAULT};
	net_retry pol;
	char *origin = NULL, why[200];
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
	if (make_headers(content_type, &rq.hdr) < 0) {
		err = dm_diag_set(diag, DM_ENOMEM, NULL, 0, NULL,
				  "out of memory");
		goto out;
	}
	snprintf(why, sizeof(why), "no attempt made");
	net_retry_start(&pol);
	for (i = 0; i < attempts; i++) {
		double wait;
		int retry = 0, ok;

		if (i > 0) {
			if (net_retry_wait(&pol, i, -1, &wait) != NET_RETRY)
				break;
			net_sleep_s(wait);
		}
		ok = attempt(c, &rq, &code, why, sizeof(why), &retry) == 0;
		if (status)
			*status = code;
		if (ok) {
			err = DM_OK;
			goto out;
		}
		if (!retry) {
			i++;
			break;
		}
	}
	err = dm_diag_set(diag, DM_ENET, NULL, 0, NULL,
			  "%s %s: %s (%u attempt%s)", method, origin, why, i,
			  i == 1 ? "" : "s");
out:
	curl_slist_free_all(rq.hdr);
	if (c)
		curl_easy_cleanup(c);
	free(origin);
	return err;
}
