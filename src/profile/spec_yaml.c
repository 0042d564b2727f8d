/* SPDX-License-Identifier: Apache-2.0 */
/* The monitoring spec in YAML (docs/spec-format.md).  Placeholder until
 * the libyaml reader and writer land. */
#include "driftmon/schema.h"

dm_err dm_spec_parse_yaml(const char *text, size_t len, const char *name,
			  dm_spec *out, dm_diag *diag)
{
	(void)text;
	(void)len;
	dm_spec_init(out);
	return dm_diag_set(diag, DM_EUNSUPPORTED, name, 0, NULL,
			   "spec files are not supported yet");
}

dm_err dm_spec_to_yaml(const dm_spec *s, char **out, size_t *len)
{
	(void)s;
	*out = NULL;
	*len = 0;
	return DM_EUNSUPPORTED;
}
