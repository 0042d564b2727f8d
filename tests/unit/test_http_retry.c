/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The shared HTTP retry policy (src/net/http_retry.h), without a
 * network: which libcurl results and statuses are retried, the bounds
 * of every backoff, Retry-After, the attempt limit and the deadline.
 */
#include <math.h>
#include <stdio.h>

#include "dmtest.h"

#include "net/http_retry.h"

static void transient_statuses(void **state)
{
	static const long yes[] = {408, 429, 500, 502, 503, 504, 507, 599};
	static const long no[] = {0,   200, 204, 301, 304, 400, 401, 403,
				  404, 409, 412, 413, 501, 505, 600};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		assert_true(net_transient_status(yes[i]));
	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		assert_false(net_transient_status(no[i]));
}

static void transient_curl_codes(void **state)
{
	static const CURLcode yes[] = {
		CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY,
		CURLE_COULDNT_CONNECT,	    CURLE_OPERATION_TIMEDOUT,
		CURLE_SEND_ERROR,	    CURLE_RECV_ERROR,
		CURLE_GOT_NOTHING,	    CURLE_PARTIAL_FILE,
		CURLE_SSL_CONNECT_ERROR,    CURLE_HTTP2,
		CURLE_HTTP2_STREAM,
	};
	static const CURLcode no[] = {
		CURLE_OK,
		CURLE_UNSUPPORTED_PROTOCOL,
		CURLE_URL_MALFORMAT,
		CURLE_PEER_FAILED_VERIFICATION,
		CURLE_SSL_CACERT_BADFILE,
		CURLE_WRITE_ERROR,
		CURLE_OUT_OF_MEMORY,
		CURLE_TOO_MANY_REDIRECTS,
		CURLE_LOGIN_DENIED,
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		assert_true(net_transient_curl(yes[i]));
	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		assert_false(net_transient_curl(no[i]));
}

/* Every wait lies in [base/2, base), base = min(b * 2^(k-1), cap); over
 * many draws both halves of the range are used (the jitter is real). */
static void backoff_bounds(void **state)
{
	net_retry r = {.attempts = 20,
		       .backoff_ms = 500,
		       .backoff_max_ms = 30000,
		       .rng = 12345};
	unsigned k, i;

	(void)state;
	for (k = 1; k <= 12; k++) {
		double base = fmin(0.5 * pow(2, k - 1), 30.0);
		double lo = INFINITY, hi = -INFINITY;

		for (i = 0; i < 2000; i++) {
			double w = net_backoff_s(&r, k);

			assert_true(w >= base / 2 && w < base);
			lo = fmin(lo, w);
			hi = fmax(hi, w);
		}
		assert_true(lo < base * 0.55);
		assert_true(hi > base * 0.95);
	}
	/* a huge attempt number: still the cap, no overflow */
	assert_true(net_backoff_s(&r, 4000000000u) < 30.0);
}

static void wait_decisions(void **state)
{
	net_retry r = {.attempts = 3, .backoff_ms = 100, .backoff_max_ms = 400};
	double w;

	(void)state;
	net_retry_start(&r);
	assert_int_equal(net_retry_wait(&r, 1, -1, &w), NET_RETRY);
	assert_true(w >= 0.05 && w < 0.1);
	assert_int_equal(net_retry_wait(&r, 2, -1, &w), NET_RETRY);
	assert_true(w >= 0.1 && w < 0.2);
	/* the last attempt: no more */
	assert_int_equal(net_retry_wait(&r, 3, -1, &w), NET_STOP_ATTEMPTS);
	assert_true(w == 0);
	/* Retry-After lengthens a wait, never shortens it */
	assert_int_equal(net_retry_wait(&r, 1, 0.3, &w), NET_RETRY);
	assert_true(w == 0.3);
	assert_int_equal(net_retry_wait(&r, 2, 0.01, &w), NET_RETRY);
	assert_true(w >= 0.1 && w < 0.2);
	/* and one past the cap ends the retries */
	assert_int_equal(net_retry_wait(&r, 1, 0.5, &w), NET_STOP_RETRY_AFTER);
}

static void deadline(void **state)
{
	net_retry r = {.attempts = 10,
		       .backoff_ms = 1000,
		       .backoff_max_ms = 8000,
		       .deadline_ms = 2500};
	double w;

	(void)state;
	net_retry_start(&r);
	/* 1st wait < 1 s: fits */
	assert_int_equal(net_retry_wait(&r, 1, -1, &w), NET_RETRY);
	/* the 3rd wait is at least 2 s: past 2.5 s with time spent */
	r.start_s -= 1.0;
	assert_int_equal(net_retry_wait(&r, 3, -1, &w), NET_STOP_DEADLINE);
	/* a Retry-After past the deadline too */
	net_retry_start(&r);
	assert_int_equal(net_retry_wait(&r, 1, 3.0, &w), NET_STOP_DEADLINE);
	/* no deadline: only the attempts count */
	r.deadline_ms = 0;
	r.start_s -= 1e6;
	assert_int_equal(net_retry_wait(&r, 5, -1, &w), NET_RETRY);
}

static void sleep_and_clock(void **state)
{
	double t0 = net_now_s();

	(void)state;
	net_sleep_s(0.02);
	net_sleep_s(-1); /* nothing */
	assert_true(net_now_s() - t0 >= 0.02);
	assert_int_equal(net_curl_init(), CURLE_OK);
	assert_int_equal(net_curl_init(), CURLE_OK); /* once */
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(transient_statuses),
		cmocka_unit_test(transient_curl_codes),
		cmocka_unit_test(backoff_bounds),
		cmocka_unit_test(wait_decisions),
		cmocka_unit_test(deadline),
		cmocka_unit_test(sleep_and_clock),
	};

	if (argc > 1)
		cmocka_set_test_filter(argv[1]);
	return cmocka_run_group_tests_name("http_retry", tests, NULL, NULL);
}
