/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Storage: one interface for baselines, inference logs and reports.
 * Keys are '/'-separated relative paths ("baselines/m/v1/baseline.json"),
 * the same on every backend, so a folder can be copied to a container
 * and back.
 *
 *   /path, ./path, file:///path   local folder (the embedded default)
 *   az://<container>[/<prefix>]   Azure Blob Storage, account from the
 *                                 environment (docs/azure.md)
 *   https://<account>.blob.core.windows.net/<container>[/<prefix>]
 *   http://127.0.0.1:10000/devstoreaccount1/<container>[/<prefix>]
 *                                 (the emulator, azurite)
 */
#ifndef DRIFTMON_STORE_H
#define DRIFTMON_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "driftmon/error.h"
#include "driftmon/table.h"
#include "driftmon/export.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct dm_store dm_store;

/* Opens the store named by url (see above).  Free with dm_store_free. */
DM_API dm_err dm_store_open(const char *url, dm_store **out, dm_diag *diag);
DM_API void dm_store_free(dm_store *s);

/* Where key lives, for messages ("./driftmon-data/drift-reports/...").
 * Returns a malloc'd string (NULL on allocation failure). */
DM_API char *dm_store_location(const dm_store *s, const char *key);

/* Reads a whole object (at most max bytes; 0 = 1 GiB).  *data is
 * malloc'd and NUL-terminated.  DM_ENOENT if it does not exist. */
DM_API dm_err dm_store_get(dm_store *s, const char *key, size_t max,
			   char **data, size_t *len, dm_diag *diag);
/* Writes an object atomically: readers see the old or the new content,
 * never a part.  Parent "folders" are created. */
DM_API dm_err dm_store_put(dm_store *s, const char *key, const void *data,
			   size_t len, dm_diag *diag);
/* Produces an object's bytes: writes them in order through sink(sink_ctx,
 * ...) and returns DM_OK, or an error (the sink's, or its own). */
typedef dm_err (*dm_produce_fn)(void *ctx, dm_sink_fn sink, void *sink_ctx);
/* dm_store_put of what produce(ctx, ...) writes, without holding it
 * whole where the store allows (the local store streams it to its
 * temporary file; others buffer it).  Atomic as dm_store_put: on any
 * error, the producer's included, the object is left as it was. */
DM_API dm_err dm_store_put_stream(dm_store *s, const char *key,
				  dm_produce_fn produce, void *ctx,
				  dm_diag *diag);
/* Lists every key under prefix (recursively), sorted.  *keys is a
 * malloc'd array of malloc'd strings: free with dm_store_free_list. */
DM_API dm_err dm_store_list(dm_store *s, const char *prefix, char ***keys,
			    size_t *n, dm_diag *diag);
DM_API void dm_store_free_list(char **keys, size_t n);
/* Opens an object as a random-access byte source (for readers). */
DM_API dm_err dm_store_open_source(dm_store *s, const char *key,
				   dm_source **out, dm_diag *diag);

/*
 * Conditional writes, for objects that racing writers replace (the
 * latest report).  dm_store_get_tagged is dm_store_get that also returns
 * the object's version tag (*etag, malloc'd, opaque).  dm_store_put_if
 * writes only if the object is still at version etag, or, with etag
 * NULL, only if it does not exist; otherwise DM_ECONFLICT and nothing is
 * written.  On Azure these are ETags with If-Match / If-None-Match and
 * the check and the write are one atomic step; the local folder compares
 * content hashes just before its atomic rename (a narrow window remains
 * between two processes on one folder), and creates (etag NULL) with
 * link(2), which fails if the name exists: atomic there too, so a key
 * created this way is never overwritten by a racing writer.
 */
DM_API dm_err dm_store_get_tagged(dm_store *s, const char *key, size_t max,
				  char **data, size_t *len, char **etag,
				  dm_diag *diag);
DM_API dm_err dm_store_put_if(dm_store *s, const char *key, const void *data,
			      size_t len, const char *etag, dm_diag *diag);
/*
 * Replaces key with data unless keep(old, oldlen, ud) returns nonzero
 * for the object stored now (say, a report newer than ours): read, decide,
 * write conditionally, and start again if another writer came in between
 * (at most 8 rounds, then DM_ECONFLICT).  *written (may be NULL) is 1 if
 * data was written.  keep may be NULL (always replace).
 */
DM_API dm_err dm_store_replace_unless(dm_store *s, const char *key,
				      const void *data, size_t len,
				      int (*keep)(const char *old,
						  size_t oldlen, void *ud),
				      void *ud, int *written, dm_diag *diag);
/* Deletes key; DM_ENOENT if it does not exist, DM_EUNSUPPORTED if the
 * backend cannot. */
DM_API dm_err dm_store_delete(dm_store *s, const char *key, dm_diag *diag);

/* DM_ENOENT, with a diag naming the location, if the store itself does
 * not exist (a local folder that is missing or not a folder), so that a
 * read command on a mistyped path is an error rather than an empty
 * listing.  DM_OK otherwise (and for backends that cannot tell before
 * a request). */
DM_API dm_err dm_store_check(dm_store *s, dm_diag *diag);

/* What a store moved so far (HTTP backends; zeros for a folder). */
typedef struct dm_store_stats {
	uint64_t requests;   /* HTTP requests sent, retries included */
	uint64_t retries;    /* requests that repeated a failed one */
	uint64_t bytes_down; /* response bodies received */
	uint64_t bytes_up;   /* request bodies sent */
} dm_store_stats;
DM_API void dm_store_stats_get(const dm_store *s, dm_store_stats *out);

/*
 * Copies text into out (outsz bytes with the NUL; cut if longer) with
 * every secret it recognises replaced by "REDACTED": the user
 * information of URLs (https://user:password@host -> https://REDACTED@host),
 * SAS signatures (sig=), account keys (AccountKey=), passwords,
 * client secrets and assertions, access and refresh tokens, bearer and
 * SharedKey credentials.  Use it on anything that may hold a store URL
 * or a store's error before it is printed or served.  Returns out.
 */
DM_API char *dm_redact(const char *text, char *out, size_t outsz);

/* Nonzero if s is usable as one component of a key (a model name or
 * version): dm_name_check("model", ...) accepts it (driftmon/names.h:
 * 1-200 bytes of UTF-8, no control or bidirectional characters, no '/'
 * or '\\', not '.'-leading, not a reserved name). */
DM_API int dm_key_component_ok(const char *s);

#ifdef __cplusplus
}
#endif
#endif
