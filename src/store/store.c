/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The storage interface: key validation and dispatch to a backend by the
 * store URL (see include/driftmon/store.h).  Keys are checked here once,
 * so no backend ever sees "..", an absolute key or a control character.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/bbuf.h"
#include "core/util.h"
#include "driftmon/names.h"
#include "store/store_int.h"

int dm_key_component_ok(const char *s)
{
	/* the one name check (driftmon/names.h), model and version rules */
	return s && dm_name_check("model", s, strlen(s), NULL) == DM_OK;
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
	    !strncmp(url, "https://", 8)) {
		dm_err err = store_azure_open(url, out, diag);

		/* the messages quote the URL: no credentials in them */
		if (err && diag) {
			char shown[sizeof(diag->msg)];

			dm_redact(diag->msg, shown, sizeof(shown));
			memcpy(diag->msg, shown, sizeof(shown));
		}
		return err;
	}
	if (strstr(url, "://") && strncmp(url, "file://", 7) != 0) {
		char shown[512];

		return dm_diag_set(diag, DM_EINVAL, NULL, 0, NULL,
				   "store '%s': unknown scheme (expected a "
				   "folder, file://, az:// or https://)",
				   dm_redact(url, shown, sizeof(shown)));
	}
	return store_local_open(url, out, diag);
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
	if (!util_key_path_ok(key))
		return bad_key(diag, key);
	return s->ops->get(s, key, max ? max : (size_t)1 << 30, data, len,
			   diag);
}

dm_err dm_store_put(dm_store *s, const char *key, const void *data, size_t len,
		    dm_diag *diag)
{
	if (!util_key_path_ok(key))
		return bad_key(diag, key);
	return s->ops->put(s, key, data, len, diag);
}

/* The fallback sink of dm_store_put_stream: one growing buffer. */
static dm_err buf_sink(void *ctx, const void *data, size_t len)
{
	bbuf *b = ctx;

	bb_put(b, data, len);
	return b->err;
}

dm_err dm_store_put_stream(dm_store *s, const char *key, dm_produce_fn produce,
			   void *ctx, dm_diag *diag)
{
	bbuf b;
	dm_err err;

	if (!util_key_path_ok(key))
		return bad_key(diag, key);
	if (s->ops->put_stream)
		return s->ops->put_stream(s, key, produce, ctx, diag);
	bb_init(&b, (size_t)1 << 30);
	err = produce(ctx, buf_sink, &b);
	if (err == DM_OK)
		err = b.err;
	if (err == DM_OK)
		err = s->ops->put(s, key, b.p ? (const void *)b.p : "", b.len,
				  diag);
	bb_release(&b);
	return err;
}

dm_err dm_store_list(dm_store *s, const char *prefix, char ***keys, size_t *n,
		     dm_diag *diag)
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
	if (!util_key_path_ok(key))
		return bad_key(diag, key);
	return s->ops->open_source(s, key, out, diag);
}

/* ---- conditional writes ----------------------------------------------------
 */
/* The local fallback's version tag: FNV-1a 64 of the content and its
 * length. */
static char *content_tag(const char *data, size_t len)
{
	uint64_t h = 1469598103934665603ull;
	size_t i;
	char *t = NULL;

	for (i = 0; i < len; i++) {
		h ^= (unsigned char)data[i];
		h *= 1099511628211ull;
	}
	if (asprintf(&t, "\"%016llx-%zu\"", (unsigned long long)h, len) < 0)
		return NULL;
	return t;
}

dm_err dm_store_get_tagged(dm_store *s, const char *key, size_t max,
			   char **data, size_t *len, char **etag, dm_diag *diag)
{
	dm_err err;

	*data = NULL;
	*len = 0;
	*etag = NULL;
	if (!util_key_path_ok(key))
		return bad_key(diag, key);
	if (!max)
		max = (size_t)1 << 30;
	if (s->ops->get_tagged)
		return s->ops->get_tagged(s, key, max, data, len, etag, diag);
	err = s->ops->get(s, key, max, data, len, diag);
	if (err != DM_OK)
		return err;
	*etag = content_tag(*data, *len);
	if (!*etag) {
		free(*data);
		*data = NULL;
		*len = 0;
		return DM_ENOMEM;
	}
	return DM_OK;
}

dm_err dm_store_put_if(dm_store *s, const char *key, const void *data,
		       size_t len, const char *etag, dm_diag *diag)
{
	char *cur = NULL, *tag = NULL;
	size_t cl = 0;
	dm_err err;

	if (!util_key_path_ok(key))
		return bad_key(diag, key);
	if (!etag && s->ops->create)
		return s->ops->create(s, key, data, len, diag);
	if (s->ops->put_if)
		return s->ops->put_if(s, key, data, len, etag, diag);
	err = dm_store_get_tagged(s, key, 0, &cur, &cl, &tag, diag);
	if (err == DM_ENOENT) {
		dm_diag_clear(diag);
		if (etag) {
			err = dm_diag_set(diag, DM_ECONFLICT, NULL, 0, NULL,
					  "'%s' was removed by another writer",
					  key);
			goto out;
		}
	} else if (err != DM_OK) {
		goto out;
	} else if (!etag || strcmp(etag, tag) != 0) {
		err = dm_diag_set(diag, DM_ECONFLICT, NULL, 0, NULL,
				  "'%s' was changed by another writer", key);
		goto out;
	}
	err = s->ops->put(s, key, data, len, diag);
out:
	free(cur);
	free(tag);
	return err;
}

dm_err dm_store_replace_unless(dm_store *s, const char *key, const void *data,
			       size_t len,
			       int (*keep)(const char *old, size_t oldlen,
					   void *ud),
			       void *ud, int *written, dm_diag *diag)
{
	int round;
	dm_err err = DM_OK;

	if (written)
		*written = 0;
	for (round = 0; round < 8; round++) {
		char *old = NULL, *tag = NULL;
		size_t ol = 0;

		err = dm_store_get_tagged(s, key, 0, &old, &ol, &tag, diag);
		if (err == DM_ENOENT) {
			dm_diag_clear(diag);
		} else if (err != DM_OK) {
			return err;
		} else if (keep && keep(old, ol, ud)) {
			free(old);
			free(tag);
			return DM_OK;
		}
		free(old);
		err = dm_store_put_if(s, key, data, len, tag, diag);
		free(tag);
		if (err == DM_OK) {
			if (written)
				*written = 1;
			return DM_OK;
		}
		if (err != DM_ECONFLICT)
			return err;
		dm_diag_clear(diag);
	}
	return dm_diag_set(diag, DM_ECONFLICT, NULL, 0, NULL,
			   "'%s': still changing after 8 attempts to replace "
			   "it",
			   key);
}

dm_err dm_store_delete(dm_store *s, const char *key, dm_diag *diag)
{
	if (!util_key_path_ok(key))
		return bad_key(diag, key);
	if (!s->ops->del)
		return dm_diag_set(diag, DM_EUNSUPPORTED, NULL, 0, NULL,
				   "the %s store cannot delete", s->ops->name);
	return s->ops->del(s, key, diag);
}

dm_err dm_store_check(dm_store *s, dm_diag *diag)
{
	return s->ops->check ? s->ops->check(s, diag) : DM_OK;
}

void dm_store_stats_get(const dm_store *s, dm_store_stats *out)
{
	memset(out, 0, sizeof(*out));
	if (s && s->ops->stats)
		s->ops->stats(s, out);
}
