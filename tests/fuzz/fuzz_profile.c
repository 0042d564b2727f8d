/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target for profiling and the monitoring schema: the input is
 * profiled as CSV training data (lenient, so that bad values are counted,
 * not errors), the baseline is finished (types and roles inferred, dates
 * parsed, missing markers counted), written as JSON and read back, and the
 * same input is then profiled as current data against it and compared
 * (the schema checks run).  Then the input itself is read as a baseline
 * file.  Any input must give DM_OK or a clean error with a message; a
 * baseline that was written must read back, with the same roles.
 *
 * Build and run: tests/suites/fuzz.sh (FUZZ_SECONDS), or see
 * tests/fuzz/README.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "driftmon/detect.h"
#include "driftmon/profile.h"

static dm_err profile(const uint8_t *data, size_t size, dm_profile_opts *o,
		      dm_profile *p, dm_diag *d)
{
	dm_source *src;
	dm_reader *r;
	dm_reader_opts ro = {0, 1};
	dm_err err;

	dm_profile_init(p, o);
	if (dm_source_open_mem("fuzz.csv", data, size, 0, &src) != DM_OK)
		return DM_ENOMEM;
	err = dm_reader_open(src, &ro, &r, d);
	if (err != DM_OK)
		return err;
	err = dm_profile_add_reader(p, o, r, d);
	dm_reader_free(r);
	return err;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	dm_profile b, back, c;
	dm_profile_opts o = {0};
	dm_diag d;
	char *json = NULL;
	size_t len = 0, i;
	dm_err err;

	dm_diag_clear(&d);
	o.sketch_k = 64; /* small: the sketch compacts on small inputs */
	err = profile(data, size, &o, &b, &d);
	if (err == DM_OK)
		err = dm_profile_finish(&b, &d);
	if (err == DM_OK) {
		b.model = strdup("m");
		b.model_version = strdup("v");
		b.created_at = strdup("2025-01-01T00:00:00Z");
		if (dm_baseline_to_json(&b, &json, &len) != DM_OK)
			abort();
		dm_diag_clear(&d);
		if (dm_baseline_from_json(json, len, "b.json", &back, &d) !=
		    DM_OK)
			abort(); /* what we write, we read */
		if (back.nfeat != b.nfeat)
			abort();
		for (i = 0; i < b.nfeat; i++)
			if (back.feat[i].role != b.feat[i].role ||
			    back.feat[i].ltype != b.feat[i].ltype)
				abort();
		{
			dm_profile_opts co = {0};
			dm_result res;

			co.reference = &back;
			dm_diag_clear(&d);
			if (profile(data, size, &co, &c, &d) == DM_OK &&
			    dm_detect(&back, &c, NULL, &res, &d) == DM_OK)
				dm_result_release(&res);
			dm_profile_release(&c);
		}
		dm_profile_release(&back);
		free(json);
	} else if (!d.msg[0] && err != DM_ENOMEM) {
		abort();
	}
	dm_profile_release(&b);
	dm_diag_clear(&d);
	err = dm_baseline_from_json((const char *)data, size, "fuzz", &back,
				    &d);
	if (err == DM_OK)
		dm_profile_release(&back);
	else if (!d.msg[0] && err != DM_ENOMEM)
		abort();
	return 0;
}
