/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Population Stability Index (Yurdakul 2018, "Statistical properties of
 * population stability index", Western Michigan University, eq. 1):
 *
 *     PSI = sum_i (a_i - e_i) ln(a_i / e_i)
 *
 * where e_i, a_i are the baseline ("expected") and current ("actual")
 * proportions in bin i.  An empty bin makes a term infinite, so both
 * sides are smoothed additively (Laplace / Jeffreys-style, alpha = 0.5):
 *
 *     p_i = (c_i + alpha) / (n + alpha * B)
 *
 * This keeps PSI finite, changes well-filled bins by less than alpha/n,
 * and shrinks the (upward) bias of PSI from nearly empty bins in small
 * windows.  Under no drift, E[PSI] ~ (B - 1)(1/n + 1/m) (Yurdakul eq. 7),
 * which is why small windows need the significance tests of detect.
 */
#include <math.h>

#include "driftmon/stats.h"

double dm_psi_props(const double *expected_prop, uint64_t n_expected,
		    const uint64_t *actual, size_t nbins)
{
	uint64_t na = 0;
	double psi = 0.0, ne = (double)n_expected;
	size_t i;

	for (i = 0; i < nbins; i++)
		na += actual[i];
	if (na == 0 || n_expected == 0 || nbins == 0)
		return NAN;
	for (i = 0; i < nbins; i++) {
		double e = (expected_prop[i] * ne + DM_PSI_ALPHA) /
			   (ne + DM_PSI_ALPHA * (double)nbins);
		double a = ((double)actual[i] + DM_PSI_ALPHA) /
			   ((double)na + DM_PSI_ALPHA * (double)nbins);

		psi += (a - e) * log(a / e);
	}
	return psi;
}

double dm_psi(const uint64_t *expected, const uint64_t *actual, size_t nbins)
{
	uint64_t ne = 0, na = 0;
	double psi = 0.0, de, da;
	size_t i;

	for (i = 0; i < nbins; i++) {
		ne += expected[i];
		na += actual[i];
	}
	if (ne == 0 || na == 0)
		return NAN;
	de = (double)ne + DM_PSI_ALPHA * (double)nbins;
	da = (double)na + DM_PSI_ALPHA * (double)nbins;
	for (i = 0; i < nbins; i++) {
		double e = ((double)expected[i] + DM_PSI_ALPHA) / de;
		double a = ((double)actual[i] + DM_PSI_ALPHA) / da;

		psi += (a - e) * log(a / e);
	}
	return psi;
}
