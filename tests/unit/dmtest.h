/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Shared glue for the cmocka unit tests.  Every test binary runs all of
 * its cases, or only those whose names match argv[1] (a cmocka glob), so
 * one case can be run alone:  build/tests/test_ks ks_exact_small
 */
#ifndef DMTEST_H
#define DMTEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#define DMTEST_MAIN(group_name, tests)                                         \
	int main(int argc, char **argv)                                        \
	{                                                                      \
		if (argc > 1)                                                  \
			cmocka_set_test_filter(argv[1]);                       \
		return cmocka_run_group_tests_name(group_name, tests, NULL,    \
						   NULL);                      \
	}

/* Path of a file under tests/data, relative to the repository root (the
 * tests run from there). */
#define DMTEST_DATA(name) ("tests/data/" name)

#endif
