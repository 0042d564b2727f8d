/* SPDX-License-Identifier: Apache-2.0 */
/*
 * One Azure REST call over libcurl, with bounded retries.
 *
 * Every attempt is signed anew (a fresh x-ms-date; a bearer token
 * refreshed if it is about to expire).  Which failures are retried and
 * how long to wait is the shared policy of src/net/http_retry.h: 408,
 * 429, 5xx (but 501, 505) and transport failures that may pass
 * (connection refused or reset, timeouts, DNS, an empty reply); never
 * 401/403 (the credentials are wrong: retrying only delays the
 * message), other 4xx, or a TLS certificate that does not verify.  Waits
 * grow exponentially from cfg.backoff_ms, capped at cfg.backoff_max_ms,
 * with "equal jitter" (half the wait fixed, half random) so that many
 * clients do not retry in step; a Retry-After (seconds or HTTP date, or
 * x-ms-retry-after-ms) lengthens the wait, and one longer than the cap
 * ends the call at once.  Each
 * attempt is bounded by cfg.timeout_ms and a stall (no byte for 60 s);
 * so the whole call is bounded by attempts x (timeout + cap).
 *
 * Answers: the body goes to the caller's buffer or to a malloc'd one
 * with a hard cap; nothing grows without bound.  Redirects are never
 * followed and only http/https are spoken.  The trace (DRIFTMON_AZURE_
 * TRACE) gets one line per attempt, scrubbed of secrets like every
 * message.
 */
#include <curl/curl.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "net/http_retry.h"
#include "store/azure_int.h"

/* ---- messages --------------------------------------------------------------
 */
static size_t secrets_of(const az_client *c, const char **v)
{
	size_t n = 0;

	if (!c)
		return 0;
	if (c->cred.key_b64)
		v[n++] = c->cred.key_b64;
	if (c->cred.sas)
		v[n++] = c->cred.sas;
	if (c->cred.token)
		v[n++] = c->cred.token;
	if (c->cred.assertion)
		v[n++] = c->cred.assertion;
	return n;
}

static void scrub(const az_client *c, char *s, size_t cap)
{
	const char *v[4];
	size_t n = secrets_of(c, v);

	az_scrub(s, cap, v, n);
}

dm_err az_fail(az_client *c, dm_diag *diag, dm_err err, const char *fmt, ...)
{
	char msg[sizeof(((dm_diag *)0)->msg)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	scrub(c, msg, sizeof(msg));
	return dm_diag_set(diag, err, NULL, 0, NULL, "%s", msg);
}

static void trace(az_client *c, const char *method, const char *url,
		  unsigned attempt, long status, const char *outcome, double ms,
		  uint64_t up, uint64_t down)
{
	char line[2048], stamp[40];
	struct timeval tv;
	struct tm tm;

	if (!c->trace)
		return;
	gettimeofday(&tv, NULL);
	gmtime_r(&tv.tv_sec, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(line, sizeof(line),
		 "%s.%03ldZ %s %s attempt=%u/%u status=%ld up=%llu down=%llu "
		 "ms=%.1f%s%s",
		 stamp, (long)(tv.tv_usec / 1000), method, url, attempt,
		 c->cfg.attempts, status, (unsigned long long)up,
		 (unsigned long long)down, ms, outcome ? " " : "",
		 outcome ? outcome : "");
	scrub(c, line, sizeof(line));
	fprintf(c->trace, "%s\n", line);
	fflush(c->trace);
}

/* ---- answers
 * ----------------------------------------------------------------- */
struct sink {
	char *dst; /* caller's buffer */
	size_t cap;
	char *dyn; /* or ours */
	size_t dcap, max;
	size_t len;
	int too_big;
};

static size_t on_body(char *p, size_t size, size_t n, void *ud)
{
	struct sink *s = ud;
	size_t len = size * n;

	if (s->dst) {
		if (len > s->cap - s->len) {
			s->too_big = 1;
			return 0;
		}
		memcpy(s->dst + s->len, p, len);
		s->len += len;
		return len;
	}
	if (!s->max)
		return len; /* discarded */
	if (len > s->max - s->len) {
		s->too_big = 1;
		return 0;
	}
	if (s->len + len + 1 > s->dcap) {
		size_t cap = s->dcap ? s->dcap : 16384;
		char *q;

		while (cap < s->len + len + 1)
			cap *= 2;
		q = realloc(s->dyn, cap);
		if (!q)
			return 0;
		s->dyn = q;
		s->dcap = cap;
	}
	memcpy(s->dyn + s->len, p, len);
	s->len += len;
	s->dyn[s->len] = '\0';
	return len;
}

struct hstate {
	az_response *rs;
	struct sink *sk;
	double retry_after; /* seconds; < 0 if none */
};

static double parse_retry_after(const char *v)
{
	char *end;
	double x = strtod(v, &end);
	struct tm tm;

	if (end != v && (*end == '\0' || *end == ' ' || *end == '\r'))
		return x >= 0 ? x : -1;
	memset(&tm, 0, sizeof(tm));
	if (strptime(v, "%a, %d %b %Y %H:%M:%S GMT", &tm)) {
		double d = difftime(timegm(&tm), time(NULL));

		return d > 0 ? d : 0;
	}
	return -1;
}

static void copy(char *dst, size_t n, const char *src)
{
	size_t l = strlen(src);

	if (l >= n)
		l = n - 1;
	memcpy(dst, src, l);
	dst[l] = '\0';
}

static size_t on_header(char *p, size_t size, size_t n, void *ud)
{
	struct hstate *h = ud;
	size_t len = size * n, nl, vl;
	char name[64], val[300];
	const char *colon;

	if (len >= 5 && !strncmp(p, "HTTP/", 5)) {
		/* a new answer (after a 100 Continue, say) */
		az_response *rs = h->rs;

		rs->etag[0] = rs->code[0] = '\0';
		rs->has_length = rs->has_total = 0;
		h->retry_after = -1;
		return len;
	}
	colon = memchr(p, ':', len);
	if (!colon)
		return len;
	nl = (size_t)(colon - p);
	if (nl >= sizeof(name))
		return len;
	memcpy(name, p, nl);
	name[nl] = '\0';
	colon++;
	while (colon < p + len && (*colon == ' ' || *colon == '\t'))
		colon++;
	vl = (size_t)(p + len - colon);
	while (vl > 0 && (colon[vl - 1] == '\r' || colon[vl - 1] == '\n' ||
			  colon[vl - 1] == ' '))
		vl--;
	if (vl >= sizeof(val))
		vl = sizeof(val) - 1;
	memcpy(val, colon, vl);
	val[vl] = '\0';
	if (!strcasecmp(name, "ETag")) {
		copy(h->rs->etag, sizeof(h->rs->etag), val);
	} else if (!strcasecmp(name, "x-ms-error-code")) {
		copy(h->rs->code, sizeof(h->rs->code), val);
	} else if (!strcasecmp(name, "Content-Length")) {
		h->rs->content_length = strtoull(val, NULL, 10);
		h->rs->has_length = 1;
	} else if (!strcasecmp(name, "Content-Range")) {
		const char *slash = strchr(val, '/');

		if (slash && slash[1] != '*') {
			h->rs->total = strtoull(slash + 1, NULL, 10);
			h->rs->has_total = 1;
		}
	} else if (!strcasecmp(name, "Retry-After")) {
		double d = parse_retry_after(val);

		if (d >= 0 && d > h->retry_after)
			h->retry_after = d;
	} else if (!strcasecmp(name, "x-ms-retry-after-ms") ||
		   !strcasecmp(name, "retry-after-ms")) {
		double d = strtod(val, NULL) / 1000.0;

		if (d >= 0 && d > h->retry_after)
			h->retry_after = d;
	}
	return len;
}

void az_response_release(az_response *rs)
{
	if (!rs)
		return;
	free(rs->body);
	memset(rs, 0, sizeof(*rs));
}

/* ---- the retry loop
 * ---------------------------------------------------------- */
static const char *short_error(CURLcode rc)
{
	switch (rc) {
	case CURLE_COULDNT_CONNECT:
		return "connection refused";
	case CURLE_OPERATION_TIMEDOUT:
		return "timed out";
	case CURLE_COULDNT_RESOLVE_HOST:
		return "host not found";
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
		return "connection reset";
	case CURLE_GOT_NOTHING:
		return "empty reply";
	case CURLE_PARTIAL_FILE:
		return "answer cut short";
	case CURLE_PEER_FAILED_VERIFICATION:
		return "TLS certificate not trusted (set AZURE_CA_BUNDLE to "
		       "a CA bundle that holds its issuer)";
	case CURLE_SSL_CACERT_BADFILE:
		return "cannot read the CA bundle (AZURE_CA_BUNDLE / "
		       "CURL_CA_BUNDLE)";
	case CURLE_SSL_CONNECT_ERROR:
		return "TLS handshake failed";
	default:
		return curl_easy_strerror(rc);
	}
}

/* Outcomes of the attempts, consecutive repeats counted: "connection
 * refused x3, HTTP 503 ServerBusy". */
struct tried {
	char text[400];
	char last[120];
	unsigned rep;
};

static void tried_flush(struct tried *t)
{
	size_t n = strlen(t->text);

	if (!t->last[0])
		return;
	snprintf(t->text + n, sizeof(t->text) - n, "%s%s", n ? ", " : "",
		 t->last);
	n = strlen(t->text);
	if (t->rep > 1)
		snprintf(t->text + n, sizeof(t->text) - n, " x%u", t->rep);
	t->last[0] = '\0';
	t->rep = 0;
}

static void tried_add(struct tried *t, const char *what)
{
	if (t->last[0] && !strcmp(t->last, what)) {
		t->rep++;
		return;
	}
	tried_flush(t);
	copy(t->last, sizeof(t->last), what);
	t->rep = 1;
}

static const char *auth_hint(const az_client *c, const char *code)
{
	if (c->cred.kind != AZ_CRED_SAS &&
	    !strcmp(code, "AuthorizationPermissionMismatch"))
		return "the identity lacks a Storage Blob Data role on this "
		       "container";
	switch (c->cred.kind) {
	case AZ_CRED_SHARED_KEY:
		return "check the account name and key";
	case AZ_CRED_SAS:
		return "check the SAS token's permissions (read, add, create, "
		       "write, list) and expiry";
	default:
		return "check the identity's role assignment (Storage Blob "
		       "Data Contributor)";
	}
}

typedef dm_err (*prep_fn)(az_client *c, const void *ud, struct curl_slist **h,
			  dm_diag *diag);

struct call {
	const char *method;
	const char *url;
	const void *body;
	size_t blen;
	int has_body;
	prep_fn prep;
	const void *ud;
	const char *what;
	int is_plain; /* token endpoints: 401/403 are answers, not errors */
};

/* A transfer that moves under 1 byte/s for 60 s has stalled. */
#define STALL_BYTES_PER_S 1L
#define STALL_S		  60L
/* CURLOPT_SSL_VERIFYHOST: the certificate must name the host. */
#define VERIFY_HOST_NAME 2L
#define USER_AGENT	 "driftmon/" DM_VERSION " (libcurl)"
enum { HTTP_CLIENT_ERROR = 400, HTTP_UNAUTHORIZED = 401, HTTP_FORBIDDEN = 403 };

/* What one attempt of a call came to. */
struct attempt {
	CURLcode cc;
	long status;
	curl_off_t up;	   /* bytes sent */
	char outcome[200]; /* what went wrong ("" for an answer) */
	int retry;	   /* worth another attempt */
};

/* Empties the sink and the response for a new attempt. */
static void attempt_reset(struct sink *sk, az_response *rs, struct hstate *hs)
{
	free(sk->dyn);
	sk->dyn = NULL;
	sk->dcap = sk->len = 0;
	sk->too_big = 0;
	memset(rs, 0, sizeof(*rs));
	hs->rs = rs;
	hs->sk = sk;
	hs->retry_after = -1;
}

/* HEAD, GET, or a method with an optional body. */
static void set_method(CURL *h, const struct call *cl)
{
	if (!strcmp(cl->method, "HEAD")) {
		curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
	} else if (!strcmp(cl->method, "GET")) {
		curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
	} else {
		if (cl->has_body) {
			curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE,
					 (curl_off_t)cl->blen);
			curl_easy_setopt(h, CURLOPT_POSTFIELDS,
					 cl->body ? cl->body : "");
		}
		if (strcmp(cl->method, "POST"))
			curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, cl->method);
	}
}

/* Sets up c->curl for one attempt of cl: timeouts, TLS, headers, where
 * the answer goes. */
static void set_request(az_client *c, const struct call *cl,
			struct curl_slist *hdrs, char *errbuf, struct sink *sk,
			struct hstate *hs)
{
	CURL *h = c->curl;

	curl_easy_reset(h);
	errbuf[0] = '\0';
	curl_easy_setopt(h, CURLOPT_URL, cl->url);
	net_curl_defaults(h);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS,
			 c->cfg.connect_timeout_ms);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, c->cfg.timeout_ms);
	curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, STALL_BYTES_PER_S);
	curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, STALL_S);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, VERIFY_HOST_NAME);
	if (c->cfg.ca_bundle[0])
		curl_easy_setopt(h, CURLOPT_CAINFO, c->cfg.ca_bundle);
	curl_easy_setopt(h, CURLOPT_USERAGENT, USER_AGENT);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, sk);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, hs);
	set_method(h, cl);
}

/* Whether the attempt failed, and if so whether it may pass. */
static void classify(struct attempt *at, const az_response *rs)
{
	if (at->cc != CURLE_OK) {
		snprintf(at->outcome, sizeof(at->outcome), "%s",
			 short_error(at->cc));
		at->retry = net_transient_curl(at->cc);
	} else if (net_transient_status(at->status)) {
		snprintf(at->outcome, sizeof(at->outcome), "HTTP %ld%s%s",
			 at->status, rs->code[0] ? " " : "", rs->code);
		at->retry = 1;
	} else {
		at->outcome[0] = '\0';
		at->retry = 0;
	}
}

/* One attempt of cl (the attempt-th), into *at; an error only when the
 * request could not be prepared. */
static dm_err attempt_once(az_client *c, const struct call *cl,
			   unsigned attempt, char *errbuf, struct sink *sk,
			   az_response *rs, struct hstate *hs,
			   struct attempt *at, dm_diag *diag)
{
	struct curl_slist *hdrs = NULL;
	dm_err err;

	attempt_reset(sk, rs, hs);
	if (cl->prep) {
		err = cl->prep(c, cl->ud, &hdrs, diag);
		if (err != DM_OK) {
			curl_slist_free_all(hdrs);
			return err;
		}
	}
	set_request(c, cl, hdrs, errbuf, sk, hs);
	c->stats.requests++;
	if (attempt > 1)
		c->stats.retries++;
	at->status = 0;
	at->up = 0;
	at->cc = curl_easy_perform(c->curl);
	curl_easy_getinfo(c->curl, CURLINFO_RESPONSE_CODE, &at->status);
	curl_easy_getinfo(c->curl, CURLINFO_SIZE_UPLOAD_T, &at->up);
	curl_slist_free_all(hdrs);
	c->stats.bytes_down += sk->len;
	c->stats.bytes_up += (uint64_t)at->up;
	rs->status = at->status;
	rs->too_big = sk->too_big;
	if (at->cc == CURLE_WRITE_ERROR && sk->too_big && at->status)
		at->cc = CURLE_OK; /* the caller reports the size */
	classify(at, rs);
	return DM_OK;
}

/* An answer (not retried): the body to rs; 401/403 fail the call. */
static dm_err take_answer(az_client *c, const struct call *cl, struct sink *sk,
			  az_response *rs, long status, dm_diag *diag)
{
	if (!sk->dst && sk->dyn) {
		rs->body = sk->dyn;
		sk->dyn = NULL;
	}
	rs->len = sk->len;
	if (!rs->code[0] && status >= HTTP_CLIENT_ERROR && rs->body)
		az_error_code(rs->body, rs->len, rs->code, sizeof(rs->code));
	if (!cl->is_plain &&
	    (status == HTTP_UNAUTHORIZED || status == HTTP_FORBIDDEN))
		return az_fail(c, diag, DM_EAUTH,
			       "%s: authentication failed (HTTP %ld%s%s) "
			       "using the %s; %s (not retried)",
			       cl->what, status, rs->code[0] ? " " : "",
			       rs->code, c->cred.source,
			       auth_hint(c, rs->code));
	return DM_OK;
}

/* The retry policy said stop before the attempts ran out. */
static dm_err retry_refused(az_client *c, const struct call *cl,
			    struct tried *tried, int stop, double retry_after,
			    unsigned attempt, dm_diag *diag)
{
	tried_flush(tried);
	if (stop == NET_STOP_RETRY_AFTER)
		return az_fail(c, diag, DM_ENET,
			       "%s: the service asked to retry after %.0f s, "
			       "more than DRIFTMON_AZURE_BACKOFF_MAX_MS "
			       "allows (%s)",
			       cl->what, retry_after, tried->text);
	return az_fail(c, diag, DM_ENET,
		       "%s: out of time after %u attempts (%s)", cl->what,
		       attempt, tried->text);
}

/* Runs cl with retries; c->mu is held. */
static dm_err run(az_client *c, const struct call *cl, struct sink *sk,
		  az_response *rs, dm_diag *diag)
{
	struct tried tried;
	double t0 = net_now_s();
	unsigned attempt;
	dm_err err;
	char errbuf[CURL_ERROR_SIZE];
	net_retry pol = {
		.attempts = c->cfg.attempts,
		.backoff_ms = c->cfg.backoff_ms,
		.backoff_max_ms = c->cfg.backoff_max_ms,
		.rng = c->rng,
	};

	net_retry_start(&pol);
	memset(&tried, 0, sizeof(tried));
	for (attempt = 1; attempt <= c->cfg.attempts; attempt++) {
		struct attempt at;
		struct hstate hs;
		double t1 = net_now_s(), wait;
		int stop;

		err = attempt_once(c, cl, attempt, errbuf, sk, rs, &hs, &at,
				   diag);
		if (err != DM_OK)
			return err;
		trace(c, cl->method, cl->url, attempt, at.status,
		      at.outcome[0] ? at.outcome : NULL,
		      (net_now_s() - t1) * 1000.0, (uint64_t)at.up, sk->len);
		if (at.cc == CURLE_OK && !at.retry)
			return take_answer(c, cl, sk, rs, at.status, diag);
		tried_add(&tried, at.outcome);
		if (!at.retry) {
			tried_flush(&tried);
			return az_fail(c, diag, DM_ENET, "%s: %s", cl->what,
				       tried.text);
		}
		stop = net_retry_wait(&pol, attempt, hs.retry_after, &wait);
		c->rng = pol.rng;
		if (stop == NET_STOP_ATTEMPTS)
			break;
		if (stop != NET_RETRY)
			return retry_refused(c, cl, &tried, stop,
					     hs.retry_after, attempt, diag);
		net_sleep_s(wait);
	}
	tried_flush(&tried);
	return az_fail(c, diag, DM_ENET,
		       "%s: gave up after %u attempts in %.1f s (%s)", cl->what,
		       c->cfg.attempts, net_now_s() - t0, tried.text);
}

static void ensure_curl(az_client *c)
{
	net_curl_init();
	if (!c->curl)
		c->curl = curl_easy_init();
}

/* ---- signed calls
 * -------------------------------------------------------------- */
struct signed_req {
	const az_request *rq;
	const char *path; /* acct_path + rq->path */
};

static dm_err sign_prep(az_client *c, const void *ud, struct curl_slist **h,
			dm_diag *diag)
{
	const struct signed_req *sr = ud;
	const az_request *rq = sr->rq;
	const char *all[16];
	char date[64], clen[48], auth[4096];
	size_t n = 0, i;
	int has_ctype = 0;
	struct tm tm;
	time_t now = time(NULL);
	struct curl_slist *l = NULL, *t;
	dm_err err;

	gmtime_r(&now, &tm);
	strftime(date, sizeof(date), "x-ms-date: %a, %d %b %Y %H:%M:%S GMT",
		 &tm);
	all[n++] = date;
	all[n++] = "x-ms-version: " AZ_API_VERSION;
	for (i = 0; i < rq->nheaders && n < 12; i++) {
		all[n++] = rq->headers[i];
		if (!strncasecmp(rq->headers[i], "Content-Type:", 13))
			has_ctype = 1;
	}
	if (strcmp(rq->method, "GET") && strcmp(rq->method, "HEAD") &&
	    strcmp(rq->method, "DELETE")) {
		snprintf(clen, sizeof(clen), "Content-Length: %zu",
			 rq->body_len);
		all[n++] = clen;
		/* curl would add a form Content-Type to a body: an
		 * empty header removes it (and it signs as empty) */
		if (!has_ctype)
			all[n++] = "Content-Type:";
	}
	auth[0] = '\0';
	if (c->cred.kind == AZ_CRED_SHARED_KEY) {
		char *sts = az_string_to_sign(rq->method, c->account, sr->path,
					      rq->query, rq->nquery, all, n);
		char sig[128];

		if (!sts)
			return DM_ENOMEM;
		if (az_hmac_b64(c->cred.key, c->cred.keylen, sts, sig,
				sizeof(sig)) < 0) {
			free(sts);
			return az_fail(c, diag, DM_EAUTH,
				       "cannot compute the Shared Key "
				       "signature (OpenSSL)");
		}
		free(sts);
		snprintf(auth, sizeof(auth), "Authorization: SharedKey %s:%s",
			 c->account, sig);
	} else if (c->cred.kind == AZ_CRED_WORKLOAD ||
		   c->cred.kind == AZ_CRED_MANAGED) {
		if (!c->cred.refresh)
			return az_fail(c, diag, DM_EAUTH,
				       "%s: no way to fetch a token",
				       c->cred.source);
		err = c->cred.refresh(c, diag);
		if (err != DM_OK)
			return err;
		if (strlen(c->cred.token) + 32 > sizeof(auth))
			return az_fail(c, diag, DM_EAUTH,
				       "the access token is too long");
		snprintf(auth, sizeof(auth), "Authorization: Bearer %s",
			 c->cred.token);
	}
	for (i = 0; i < n; i++) {
		t = curl_slist_append(l, all[i]);
		if (!t)
			goto oom;
		l = t;
	}
	if (auth[0]) {
		t = curl_slist_append(l, auth);
		if (!t)
			goto oom;
		l = t;
	}
	t = curl_slist_append(l, "Expect:");
	if (!t)
		goto oom;
	l = t;
	*h = l;
	return DM_OK;
oom:
	curl_slist_free_all(l);
	return DM_ENOMEM;
}

dm_err az_send(az_client *c, const az_request *rq, az_response *rs,
	       dm_diag *diag)
{
	struct signed_req sr;
	struct call cl;
	struct sink sk;
	char *path = NULL, *url = NULL, *q = NULL;
	size_t i, ql = 0;
	dm_err err;

	memset(rs, 0, sizeof(*rs));
	memset(&sk, 0, sizeof(sk));
	sk.dst = rq->buf;
	sk.cap = rq->cap;
	sk.max = rq->max_body;
	/* the query string, values encoded */
	q = calloc(1, 1);
	for (i = 0; q && i < rq->nquery; i++) {
		char *v = az_url_encode(rq->query[i].value, 0), *nq = NULL;

		if (!v || asprintf(&nq, "%s%s%s=%s", q, ql ? "&" : "",
				   rq->query[i].name, v) < 0)
			nq = NULL;
		free(v);
		free(q);
		q = nq;
		ql = q ? strlen(q) : 0;
	}
	if (!q || asprintf(&path, "%s%s", c->acct_path, rq->path) < 0 ||
	    asprintf(&url, "%s%s%s%s%s%s", c->base, path,
		     ql || c->cred.kind == AZ_CRED_SAS ? "?" : "", q,
		     ql && c->cred.kind == AZ_CRED_SAS ? "&" : "",
		     c->cred.kind == AZ_CRED_SAS ? c->cred.sas : "") < 0) {
		free(q);
		free(path);
		return DM_ENOMEM;
	}
	free(q);
	sr.rq = rq;
	sr.path = path;
	memset(&cl, 0, sizeof(cl));
	cl.method = rq->method;
	cl.url = url;
	cl.body = rq->body;
	cl.blen = rq->body_len;
	cl.has_body = strcmp(rq->method, "GET") && strcmp(rq->method, "HEAD") &&
		      strcmp(rq->method, "DELETE");
	cl.prep = sign_prep;
	cl.ud = &sr;
	cl.what = rq->what ? rq->what : rq->method;
	pthread_mutex_lock(&c->mu);
	ensure_curl(c);
	if (!c->curl)
		err = DM_ENOMEM;
	else
		err = run(c, &cl, &sk, rs, diag);
	pthread_mutex_unlock(&c->mu);
	if (err != DM_OK)
		az_response_release(rs); /* no answer to look at */
	free(sk.dyn);
	free(url);
	free(path);
	return err;
}

/* ---- token endpoints
 * ------------------------------------------------------------ */
struct plain_req {
	const char *header;
	int form;
};

static dm_err plain_prep(az_client *c, const void *ud, struct curl_slist **h,
			 dm_diag *diag)
{
	const struct plain_req *pr = ud;
	struct curl_slist *l = NULL, *t;

	(void)c;
	(void)diag;
	if (pr->header) {
		l = curl_slist_append(NULL, pr->header);
		if (!l)
			return DM_ENOMEM;
	}
	if (pr->form) {
		t = curl_slist_append(
			l, "Content-Type: application/x-www-form-urlencoded");
		if (!t) {
			curl_slist_free_all(l);
			return DM_ENOMEM;
		}
		l = t;
	}
	*h = l;
	return DM_OK;
}

/* Called with c->mu held (from c->cred.refresh inside a signed call) or
 * not (at open): the lock is recursive. */
dm_err az_http_plain(az_client *c, const char *url, const char *form,
		     const char *header, const char *what, char **body,
		     long *status, dm_diag *diag)
{
	struct plain_req pr;
	struct call cl;
	struct sink sk;
	az_response rs;
	dm_err err;

	*body = NULL;
	*status = 0;
	memset(&sk, 0, sizeof(sk));
	sk.max = (size_t)64 << 10;
	pr.header = header;
	pr.form = form != NULL;
	memset(&cl, 0, sizeof(cl));
	cl.method = form ? "POST" : "GET";
	cl.url = url;
	cl.body = form;
	cl.blen = form ? strlen(form) : 0;
	cl.has_body = form != NULL;
	cl.prep = plain_prep;
	cl.ud = &pr;
	cl.what = what;
	cl.is_plain = 1;
	pthread_mutex_lock(&c->mu);
	ensure_curl(c);
	if (!c->curl)
		err = DM_ENOMEM;
	else
		err = run(c, &cl, &sk, &rs, diag);
	pthread_mutex_unlock(&c->mu);
	free(sk.dyn);
	if (err == DM_OK) {
		*status = rs.status;
		*body = rs.body;
		rs.body = NULL;
	}
	az_response_release(&rs);
	return err;
}
