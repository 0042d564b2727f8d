/* SPDX-License-Identifier: Apache-2.0 */
/* Strict JSON field readers of src/profile (json_get.h). */
#include <math.h>
#include <string.h>

#include "profile/json_get.h"

int pj_get_u64(json_t *o, const char *k, uint64_t *out)
{
	json_t *v = json_object_get(o, k);

	if (!json_is_integer(v) || json_integer_value(v) < 0)
		return -1;
	*out = (uint64_t)json_integer_value(v);
	return 0;
}

int pj_get_num(json_t *o, const char *k, double nul_value, double *out)
{
	json_t *v = json_object_get(o, k);

	if (json_is_null(v)) {
		*out = nul_value;
		return 0;
	}
	if (!json_is_number(v) || !isfinite(json_number_value(v)))
		return -1;
	*out = json_number_value(v);
	return 0;
}

int pj_get_nums(json_t *a, double *x, size_t n)
{
	size_t i;

	if (!json_is_array(a) || json_array_size(a) != n)
		return -1;
	for (i = 0; i < n; i++) {
		json_t *v = json_array_get(a, i);

		if (!json_is_number(v) || !isfinite(json_number_value(v)))
			return -1;
		x[i] = json_number_value(v);
	}
	return 0;
}

int pj_get_str(json_t *o, const char *k, char *buf, size_t n)
{
	json_t *v = json_object_get(o, k);

	if (!json_is_string(v) || json_string_length(v) >= n ||
	    strlen(json_string_value(v)) != json_string_length(v))
		return -1;
	memcpy(buf, json_string_value(v), json_string_length(v) + 1);
	return 0;
}

void pj_put_categories(jw *w, const dm_feature *f)
{
	size_t j;

	jw_key(w, "categories");
	jw_arr(w);
	for (j = 0; j < f->ncats; j++) {
		jw_arr(w);
		jw_str(w, f->cats[j].value);
		jw_u64(w, f->cats[j].count);
		jw_arr_end(w);
	}
	jw_arr_end(w);
}
