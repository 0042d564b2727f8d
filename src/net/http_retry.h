/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Private: the one HTTP retry policy and libcurl setup, shared by the
 * Azure client (src/store/azure_http.c) and the notifiers
 * (src/notify/notify_http.c).
 *
 * Which failures are retried (transient): libcurl transport errors that
 * a new connection may not repeat (DNS, refused, reset, timeout, empty
 * or cut answer, TLS handshake, HTTP/2 stream) and the statuses 408, 429
 * and 5xx except 501 and 505 (not implemented, version not supported:
 * the same request gets the same answer).  Anything else is an answer.
 *
 * How long to wait: exponential backoff with "equal jitter" (AWS
 * Architecture Blog, "Exponential Backoff And Jitter", 2015): before
 * attempt k+1 the base wait is backoff * 2^(k-1), capped at backoff_max,
 * and the wait drawn uniformly from [base/2, base).  A server's
 * Retry-After lengthens a wait (never shortens it); one longer than
 * backoff_max, or a wait that would end past the deadline, ends the
 * retries at once (NET_STOP_*).
 */
#ifndef DM_NET_HTTP_RETRY_H
#define DM_NET_HTTP_RETRY_H

#include <curl/curl.h>
#include <stdint.h>

typedef struct net_retry {
	unsigned attempts;   /* in all, at least 1 */
	long backoff_ms;     /* base wait before the 2nd attempt (> 0) */
	long backoff_max_ms; /* cap of one wait (>= backoff_ms) */
	long deadline_ms;    /* 0: none; else the retries end before it */
	double start_s;	     /* net_now_s() at the first attempt */
	uint64_t rng;	     /* jitter state (xorshift64); 0: a fixed seed */
} net_retry;

/* What net_retry_wait decides after a failed attempt. */
enum {
	NET_RETRY = 0,		   /* wait *wait_s seconds, then try again */
	NET_STOP_ATTEMPTS = -1,	   /* that was the last attempt */
	NET_STOP_RETRY_AFTER = -2, /* the server asks for more than the cap */
	NET_STOP_DEADLINE = -3	   /* the next attempt would start too late */
};

/* 1 when a libcurl result is worth another attempt. */
int net_transient_curl(CURLcode rc);
/* 1 when an HTTP status is worth another attempt. */
int net_transient_status(long status);

/* Starts the clock of r (start_s). */
void net_retry_start(net_retry *r);
/* The jittered wait (seconds) after failed attempt number attempt
 * (1-based): in [base/2, base) with base = min(backoff * 2^(attempt-1),
 * backoff_max). */
double net_backoff_s(net_retry *r, unsigned attempt);
/*
 * After failed attempt number attempt (1-based): NET_RETRY and the wait
 * in *wait_s, or why to stop.  retry_after_s is the server's
 * Retry-After in seconds, < 0 if none.
 */
int net_retry_wait(net_retry *r, unsigned attempt, double retry_after_s,
		   double *wait_s);

/* Seconds on the monotonic clock. */
double net_now_s(void);
/* Sleeps s seconds (nothing if s <= 0), resuming after signals. */
void net_sleep_s(double s);

/* curl_global_init, once per process; its result. */
CURLcode net_curl_init(void);
/* The options every request shares: http and https only, no redirects
 * (a misconfigured URL cannot send a body elsewhere), no signals. */
void net_curl_defaults(CURL *h);

#endif
