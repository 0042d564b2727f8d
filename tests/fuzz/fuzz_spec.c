/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target for the monitoring spec reader (dm_spec_parse_yaml).
 * Any input must give DM_OK or a clean error with a one-line message;
 * a spec that parses must write (dm_spec_to_yaml) and read back as the
 * same spec, so the writer's quoting is fuzzed along with the reader.
 *
 * Build and run (see tests/fuzz/README):
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -D_GNU_SOURCE \
 *     -DDM_VERSION='"fuzz"' -Iinclude -Isrc tests/fuzz/fuzz_spec.c \
 *     build/libdriftmon.a -lyaml -ljansson -lm -pthread -o fuzz_spec
 *   ./fuzz_spec -max_total_time=60 -dict=tests/fuzz/spec.dict \
 *     /tmp/spec-corpus tests/fuzz/corpus_spec
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "driftmon/schema.h"

static int str_eq(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static int num_eq(double a, double b)
{
	return (isnan(a) && isnan(b)) || a == b;
}

static int strs_eq(char **a, size_t na, char **b, size_t nb)
{
	size_t i;

	if (na != nb)
		return 0;
	for (i = 0; i < na; i++)
		if (strcmp(a[i], b[i]) != 0)
			return 0;
	return 1;
}

static int col_eq(const dm_column_spec *x, const dm_column_spec *y)
{
	return strcmp(x->name, y->name) == 0 && x->has_role == y->has_role &&
	       (!x->has_role || x->role == y->role) &&
	       x->has_type == y->has_type &&
	       (!x->has_type || x->type == y->type) &&
	       str_eq(x->test, y->test) &&
	       num_eq(x->psi_threshold, y->psi_threshold) &&
	       num_eq(x->alpha, y->alpha) &&
	       num_eq(x->min_effect, y->min_effect) &&
	       num_eq(x->importance, y->importance) &&
	       x->has_missing == y->has_missing &&
	       strs_eq(x->missing, x->nmissing, y->missing, y->nmissing);
}

static int spec_eq(const dm_spec *a, const dm_spec *b)
{
	size_t i;

	if (a->version != b->version || !str_eq(a->model, b->model) ||
	    !str_eq(a->model_version, b->model_version) ||
	    !num_eq(a->psi_threshold, b->psi_threshold) ||
	    !num_eq(a->alpha, b->alpha) ||
	    !num_eq(a->critical_threshold, b->critical_threshold) ||
	    a->has_min_samples != b->has_min_samples ||
	    a->min_samples != b->min_samples ||
	    a->has_missing != b->has_missing ||
	    !strs_eq(a->missing, a->nmissing, b->missing, b->nmissing) ||
	    a->ncols != b->ncols)
		return 0;
	for (i = 0; i < a->ncols; i++)
		if (!col_eq(&a->cols[i], &b->cols[i]))
			return 0;
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	dm_spec s, back;
	dm_diag d;
	char *yaml = NULL;
	size_t len = 0;
	dm_err err;

	dm_diag_clear(&d);
	err = dm_spec_parse_yaml((const char *)data, size, "fuzz.yaml", &s, &d);
	if (err != DM_OK) {
		if (err != DM_ENOMEM &&
		    (!d.msg[0] || strchr(d.msg, '\n') || s.ncols || s.cols))
			abort();
		dm_spec_release(&s);
		return 0;
	}
	if (dm_spec_to_yaml(&s, &yaml, &len) != DM_OK || strlen(yaml) != len)
		abort();
	dm_diag_clear(&d);
	if (dm_spec_parse_yaml(yaml, len, "rewritten.yaml", &back, &d) !=
		    DM_OK ||
	    !spec_eq(&s, &back))
		abort();
	free(yaml);
	dm_spec_release(&back);
	dm_spec_release(&s);
	return 0;
}
