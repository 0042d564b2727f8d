/* SPDX-License-Identifier: Apache-2.0 */
/* The HTTP retry policy and libcurl setup (see http_retry.h). */
#include <errno.h>
#include <pthread.h>
#include <time.h>

#include "net/http_retry.h"

/* 2^53: turns 53 random bits into a double in [0, 1). */
#define TWO_POW_53 9007199254740992.0

int net_transient_curl(CURLcode rc)
{
	switch (rc) {
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
	case CURLE_COULDNT_CONNECT:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_PARTIAL_FILE:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
		return 1;
	default:
		return 0;
	}
}

int net_transient_status(long status)
{
	if (status == 408 || status == 429)
		return 1;
	return status >= 500 && status <= 599 && status != 501 && status != 505;
}

double net_now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void net_retry_start(net_retry *r)
{
	r->start_s = net_now_s();
}

static uint64_t next_random(net_retry *r)
{
	uint64_t x = r->rng ? r->rng : 0x9e3779b97f4a7c15ull;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	r->rng = x;
	return x;
}

double net_backoff_s(net_retry *r, unsigned attempt)
{
	double base = (double)r->backoff_ms / 1000.0;
	double cap = (double)r->backoff_max_ms / 1000.0;
	unsigned k;

	for (k = 1; k < attempt && base < cap; k++)
		base *= 2;
	if (base > cap)
		base = cap;
	return base / 2 +
	       base / 2 * (double)(next_random(r) >> 11) / TWO_POW_53;
}

int net_retry_wait(net_retry *r, unsigned attempt, double retry_after_s,
		   double *wait_s)
{
	double wait;

	*wait_s = 0;
	if (attempt >= r->attempts)
		return NET_STOP_ATTEMPTS;
	wait = net_backoff_s(r, attempt);
	if (retry_after_s >= 0) {
		if (retry_after_s > (double)r->backoff_max_ms / 1000.0)
			return NET_STOP_RETRY_AFTER;
		if (retry_after_s > wait)
			wait = retry_after_s;
	}
	if (r->deadline_ms > 0 &&
	    net_now_s() + wait > r->start_s + (double)r->deadline_ms / 1000.0)
		return NET_STOP_DEADLINE;
	*wait_s = wait;
	return NET_RETRY;
}

void net_sleep_s(double s)
{
	struct timespec ts;

	if (s <= 0)
		return;
	ts.tv_sec = (time_t)s;
	ts.tv_nsec = (long)((s - (double)ts.tv_sec) * 1e9);
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_init_rc = CURLE_OK;

static void init_curl(void)
{
	curl_init_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

CURLcode net_curl_init(void)
{
	pthread_once(&curl_once, init_curl);
	return curl_init_rc;
}

void net_curl_defaults(CURL *h)
{
#if LIBCURL_VERSION_NUM >= 0x075500
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
#else
	curl_easy_setopt(h, CURLOPT_PROTOCOLS,
			 (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
}
