/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Allocation-failure ("torture") helper shared by the unit tests that run
 * every error path: outside AddressSanitizer builds the test binary
 * interposes malloc, calloc and realloc (over glibc's __libc_* entry
 * points), so that a test can make the Nth allocation fail, as curl's
 * torture tests do, and must then end in a clean DM_ENOMEM (or success)
 * without a crash or a leak.
 *
 *   fail_countdown  allocations to let through before one fails; -1 (the
 *                   default) lets every allocation through
 *   fail_hit        set when an allocation was made to fail
 *   live_blocks     allocations not yet freed (leak checks)
 *
 * Under ASan (which has its own allocator) DMTEST_ASAN is defined and
 * nothing is interposed: the tests that need it skip themselves there.
 * Include this header in one translation unit: the test's own file.
 */
#ifndef DMTEST_ALLOC_H
#define DMTEST_ALLOC_H

#include <stddef.h>

#if defined(__SANITIZE_ADDRESS__)
#define DMTEST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define DMTEST_ASAN 1
#endif
#endif

#ifndef DMTEST_ASAN
extern void *__libc_malloc(size_t n);
extern void *__libc_calloc(size_t a, size_t b);
extern void *__libc_realloc(void *p, size_t n);
extern void __libc_free(void *p);
static long fail_countdown = -1; /* allocations to let through; -1 all */
static int fail_hit;
static long live_blocks; /* allocations not yet freed */

static int alloc_fails(void)
{
	if (fail_countdown < 0)
		return 0;
	if (fail_countdown-- == 0) {
		fail_hit = 1;
		return 1;
	}
	return 0;
}

void *malloc(size_t n)
{
	void *p = alloc_fails() ? NULL : __libc_malloc(n);

	live_blocks += p != NULL;
	return p;
}

void *calloc(size_t a, size_t b)
{
	void *p = alloc_fails() ? NULL : __libc_calloc(a, b);

	live_blocks += p != NULL;
	return p;
}

void *realloc(void *p, size_t n)
{
	void *q;

	if (alloc_fails())
		return NULL;
	q = __libc_realloc(p, n);
	if (!p && q)
		live_blocks++;
	else if (p && !q && n == 0)
		live_blocks--;
	return q;
}

void free(void *p)
{
	live_blocks -= p != NULL;
	__libc_free(p);
}
#endif

#endif
