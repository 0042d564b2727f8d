/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The storage interface: key validation and dispatch to a backend by the
 * store URL (see include/driftmon/store.h).  Keys are checked here once,
 * so no backend ever sees "..", an absolute key or a control character.
 */
#include <stdlib.h>
#include <string.h>

#include "store/store_int.h"

int dm_key_component_ok(const char *s)
{
	size_t n = s ? strlen(s) : 0, i;

	if (n == 0 || n > 200 || !strcmp(s, ".") || !strcmp(s, ".."))
		return 0;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c == 0x7f || c == '/' || c == '\\')
			return 0;
	}
	return 1;
}

static int key_ok(const char *key)
{
	const char *p = key;

	if (!key || !*key || *key == '/')
		return 0;
	while (*p) {
		const char *e = strchr(p, '/');
		size_t n = e ? (size_t)(e - p) : strlen(p);

		if (n == 0 || (n == 1 && p[0] == '.') ||
		    (n == 2 && p[0] == '.' && p[1] == '.'))
			return 0;
		p += n;
		if (*p == '/')
			p++;
	}
	return 1;
}

static dm_err bad_key(dm_diag *diag, const char *key)
{
	return dm_diag_set(diag, DM_EINVAL, NULL, 0, NULL,
			   "invalid storage key '%s'", key ? key : "");
}

dm_err dm_store_open(const char *url, dm_store **out, dm_diag *diag)
{
	*out = NULL;
	if (!url || !*url)
		return dm_diag_set(diag, DM_EINVAL, NULL, 0, NULL,
				   "empty store URL");
	if (!strncmp(url, "az://", 5) || !strncmp(url, "http://", 7) ||
	    !strncmp(url, "https://", 8))
		return dm_diag_set(diag, DM_EUNSUPPORTED, NULL, 0, NULL,
				   "store '%s': Azure Blob Storage is not "
				   "built in yet",
				   url);
	if (strstr(url, "://") && strncmp(url, "file://", 7) != 0)
		return dm_diag_set(diag, DM_EINVAL, NULL, 0, NULL,
				   "store '%s': unknown scheme (expected a "
				   "folder, file://, az:// or https://)",
				   url);
	return dm_store_local_open(url, out, diag);
}

void dm_store_free(dm_store *s)
{
	if (s)
		s->ops->free(s);
}

char *dm_store_location(const dm_store *s, const char *key)
{
	return s->ops->location(s, key);
}

dm_err dm_store_get(dm_store *s, const char *key, size_t max, char **data,
		    size_t *len, dm_diag *diag)
{
	*data = NULL;
	*len = 0;
	if (!key_ok(key))
		return bad_key(diag, key);
	return s->ops->get(s, key, max ? max : (size_t)1 << 30, data, len,
			   diag);
}

dm_err dm_store_put(dm_store *s, const char *key, const void *data,
		    size_t len, dm_diag *diag)
{
	if (!key_ok(key))
		return bad_key(diag, key);
	return s->ops->put(s, key, data, len, diag);
}

dm_err dm_store_list(dm_store *s, const char *prefix, char ***keys,
		     size_t *n, dm_diag *diag)
{
	*keys = NULL;
	*n = 0;
	if (prefix && (*prefix == '/' || strstr(prefix, "..")))
		return bad_key(diag, prefix);
	return s->ops->list(s, prefix ? prefix : "", keys, n, diag);
}

void dm_store_free_list(char **keys, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(keys[i]);
	free(keys);
}

dm_err dm_store_open_source(dm_store *s, const char *key, dm_source **out,
			    dm_diag *diag)
{
	*out = NULL;
	if (!key_ok(key))
		return bad_key(diag, key);
	return s->ops->open_source(s, key, out, diag);
}
