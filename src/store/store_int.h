/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Private: the storage backend interface.  dm_store_* in store.c validate
 * keys and dispatch to a backend's ops; a backend only moves bytes.
 */
#ifndef DM_STORE_INT_H
#define DM_STORE_INT_H

#include "driftmon/store.h"

typedef struct store_ops {
	const char *name; /* "local", "azure" */
	dm_err (*get)(dm_store *s, const char *key, size_t max, char **data,
		      size_t *len, dm_diag *diag);
	dm_err (*put)(dm_store *s, const char *key, const void *data,
		      size_t len, dm_diag *diag);
	dm_err (*list)(dm_store *s, const char *prefix, char ***keys, size_t *n,
		       dm_diag *diag);
	dm_err (*open_source)(dm_store *s, const char *key, dm_source **out,
			      dm_diag *diag);
	char *(*location)(const dm_store *s, const char *key);
	void (*free)(dm_store *s);
	/* Optional (NULL: store.c supplies a fallback or DM_EUNSUPPORTED). */
	dm_err (*get_tagged)(dm_store *s, const char *key, size_t max,
			     char **data, size_t *len, char **etag,
			     dm_diag *diag);
	dm_err (*put_if)(dm_store *s, const char *key, const void *data,
			 size_t len, const char *etag, dm_diag *diag);
	dm_err (*del)(dm_store *s, const char *key, dm_diag *diag);
	void (*stats)(const dm_store *s, dm_store_stats *out);
	/* Writes key only if it does not exist, in one atomic step
	 * (DM_ECONFLICT otherwise); NULL: put_if's fallback. */
	dm_err (*create)(dm_store *s, const char *key, const void *data,
			 size_t len, dm_diag *diag);
	/* put of a produced object (dm_store_put_stream); NULL: store.c
	 * buffers it and calls put. */
	dm_err (*put_stream)(dm_store *s, const char *key,
			     dm_produce_fn produce, void *ctx, dm_diag *diag);
	/* DM_ENOENT if the store itself does not exist; NULL: DM_OK. */
	dm_err (*check)(dm_store *s, dm_diag *diag);
} store_ops;

struct dm_store {
	const store_ops *ops;
	void *impl;
};

/* Backends.  url is the full store URL. */
dm_err store_local_open(const char *url, dm_store **out, dm_diag *diag);
dm_err store_azure_open(const char *url, dm_store **out, dm_diag *diag);

#endif
