/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The table of drift tests a column may use: names (the monitoring spec
 * and --test), the kinds of column each applies to, whether it has a
 * p-value (then it joins the Holm family) or is a distance (then it takes
 * a threshold: Evidently's defaults, 0.1, for the normed Wasserstein and
 * energy distances, Jensen-Shannon, Hellinger and KL).  See
 * docs/drift-tests.md.
 */
#include <math.h>
#include <string.h>

#include "driftmon/stats.h"

#define NUM  DM_KIND_NUMERIC
#define CAT  DM_KIND_CATEGORICAL
#define BOOL DM_KIND_BOOLEAN

static const dm_test_info tests[DM_TEST_COUNT_] = {
	[DM_TEST_AUTO] = {"auto", NUM | CAT | BOOL, 1, NAN, "automatic"},
	[DM_TEST_PSI] = {"psi", NUM | CAT | BOOL, 0, NAN, "PSI"},
	[DM_TEST_KS] = {"ks", NUM, 1, NAN, "Kolmogorov-Smirnov"},
	[DM_TEST_CHI2] = {"chi2", CAT | BOOL, 1, NAN, "chi-square"},
	[DM_TEST_WASSERSTEIN] = {"wasserstein", NUM, 0, 0.1,
				 "Wasserstein (normed)"},
	[DM_TEST_ENERGY] = {"energy", NUM, 0, 0.1, "energy distance (normed)"},
	[DM_TEST_CVM] = {"cvm", NUM, 1, NAN, "Cramér-von Mises"},
	[DM_TEST_ANDERSON] = {"anderson", NUM, 1, NAN, "Anderson-Darling"},
	[DM_TEST_JS] = {"jensenshannon", NUM | CAT | BOOL, 0, 0.1,
			"Jensen-Shannon"},
	[DM_TEST_HELLINGER] = {"hellinger", NUM | CAT | BOOL, 0, 0.1,
			       "Hellinger"},
	[DM_TEST_KL] = {"kl", NUM | CAT | BOOL, 0, 0.1, "KL divergence"},
	[DM_TEST_GTEST] = {"gtest", CAT | BOOL, 1, NAN, "G-test"},
	[DM_TEST_ZTEST] = {"ztest", BOOL, 1, NAN, "two-proportion z-test"},
	[DM_TEST_FISHER] = {"fisher", BOOL, 1, NAN, "Fisher's exact test"},
};

const dm_test_info *dm_test_info_of(dm_test_id id)
{
	return ((int)id >= 0 && id < DM_TEST_COUNT_) ? &tests[id] : NULL;
}

int dm_test_from_name(const char *name)
{
	for (int i = 0; name && i < DM_TEST_COUNT_; i++)
		if (strcmp(name, tests[i].name) == 0)
			return i;
	return -1;
}

const char *dm_test_names_list(void)
{
	return "auto, psi, ks, chi2, wasserstein, energy, cvm, anderson, "
	       "jensenshannon, hellinger, kl, gtest, ztest, fisher";
}

int dm_test_needs_values(int id)
{
	return id == DM_TEST_WASSERSTEIN || id == DM_TEST_ENERGY ||
	       id == DM_TEST_CVM || id == DM_TEST_ANDERSON;
}
