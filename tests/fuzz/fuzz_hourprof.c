/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target for hour profiles (docs/hourly-profiles.md): the input
 * is read as the hour profile of model "m" version "v" at 1970-01-01T02:00Z
 * against a small fixed baseline (profiled once from the CSV below).  Any
 * input must give DM_OK or a clean error with a message; a profile that
 * was accepted must write back byte for byte the same after a second read
 * and merge into a window.
 *
 * DM_HOURPROF_SEED=FILE: writes a valid hour profile (the seed of
 * tests/fuzz/corpus_hourprof) to FILE on the first input.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "driftmon/hourprof.h"
#include "driftmon/profile.h"

#define HOUR 7200

static const char train[] =
	"x,k,c,flag\n1.5,1,a,true\n2.25,2,b,false\n-3,1,a,true\n4,3,c,true\n"
	"0.5,,b,false\n7,2,a,NA\n1e3,1,b,true\n2,2,c,false\n";
static const char cur[] =
	"x,k,c,flag,extra\n1,1,a,true,q\n9,5,z,false,r\n,2,b,maybe,s\n"
	"x,1,a,true,t\n";

static dm_err profile(const char *text, dm_profile_opts *o, dm_profile *p)
{
	dm_source *src;
	dm_reader *r;
	dm_reader_opts ro = {0, 1};
	dm_err err;

	dm_profile_init(p, o);
	if (dm_source_open_mem("f.csv", text, strlen(text), 0, &src) != DM_OK)
		return DM_ENOMEM;
	err = dm_reader_open(src, &ro, &r, NULL);
	if (err != DM_OK)
		return err;
	err = dm_profile_add_reader(p, o, r, NULL);
	dm_reader_free(r);
	return err;
}

static dm_profile base;
static int have_base;

static void setup(void)
{
	dm_profile_opts o = {0};
	dm_profile c;
	dm_hour_profile hp;
	const char *seed = getenv("DM_HOURPROF_SEED");
	char *json = NULL;
	size_t len = 0;
	FILE *f;

	o.sketch_k = 64;
	if (profile(train, &o, &base) != DM_OK ||
	    dm_profile_finish(&base, NULL) != DM_OK)
		abort();
	base.model = strdup("m");
	base.model_version = strdup("v");
	base.created_at = strdup("2025-01-01T00:00:00Z");
	have_base = 1;
	if (!seed)
		return;
	memset(&o, 0, sizeof(o));
	o.reference = &base;
	if (profile(cur, &o, &c) != DM_OK)
		abort();
	dm_hour_profile_init(&hp, HOUR);
	if (dm_hour_profile_add_file(&hp, "inference-logs/a.csv", 99,
				     DM_HOUR_FILE_READ) != DM_OK ||
	    dm_hour_profile_take(&hp, &c, &base) != DM_OK ||
	    dm_hour_profile_to_json(&hp, "m", "v", &json, &len) != DM_OK)
		abort();
	f = fopen(seed, "wb");
	if (!f || fwrite(json, 1, len, f) != len || fclose(f))
		abort();
	free(json);
	dm_hour_profile_release(&hp);
	dm_profile_release(&c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	dm_hour_profile hp, back;
	dm_window_acc acc;
	dm_profile win;
	char *j1 = NULL, *j2 = NULL;
	size_t l1 = 0, l2 = 0;
	dm_diag d;
	dm_err err;

	if (!have_base)
		setup();
	dm_diag_clear(&d);
	err = dm_hour_profile_from_json((const char *)data, size, "fuzz", "m",
					"v", HOUR, &base, &hp, &d);
	if (err != DM_OK) {
		if (err != DM_ENOMEM && !d.msg[0])
			abort(); /* an error without a message */
		return 0;
	}
	if (dm_hour_profile_to_json(&hp, "m", "v", &j1, &l1) != DM_OK ||
	    dm_hour_profile_from_json(j1, l1, "again", "m", "v", HOUR, &base,
				      &back, &d) != DM_OK)
		abort(); /* what was accepted must read back */
	if (dm_hour_profile_to_json(&back, "m", "v", &j2, &l2) != DM_OK ||
	    l1 != l2 || memcmp(j1, j2, l1) != 0)
		abort(); /* and write the same bytes */
	dm_window_acc_init(&acc);
	dm_profile_init(&win, NULL);
	if (dm_window_acc_add(&acc, &hp, NULL) != DM_OK ||
	    dm_window_acc_add(&acc, &back, NULL) != DM_OK ||
	    dm_window_acc_finish(&acc, &win) != DM_OK)
		abort();
	dm_window_acc_release(&acc);
	dm_profile_release(&win);
	dm_hour_profile_release(&hp);
	dm_hour_profile_release(&back);
	free(j1);
	free(j2);
	return 0;
}
