/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Storage: one interface for baselines, inference logs and reports.
 * Keys are '/'-separated relative paths ("baselines/m/v1/baseline.json"),
 * the same on every backend, so a folder can be copied to a container
 * and back.
 *
 *   /path, ./path, file:///path   local folder (the embedded default)
 */
#ifndef DRIFTMON_STORE_H
#define DRIFTMON_STORE_H

#include <stddef.h>

#include "driftmon/error.h"
#include "driftmon/table.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct dm_store dm_store;

/* Opens the store named by url (see above).  Free with dm_store_free. */
dm_err dm_store_open(const char *url, dm_store **out, dm_diag *diag);
void dm_store_free(dm_store *s);

/* Where key lives, for messages ("./driftmon-data/drift-reports/...").
 * Returns a malloc'd string (NULL on allocation failure). */
char *dm_store_location(const dm_store *s, const char *key);

/* Reads a whole object (at most max bytes; 0 = 1 GiB).  *data is
 * malloc'd and NUL-terminated.  DM_ENOENT if it does not exist. */
dm_err dm_store_get(dm_store *s, const char *key, size_t max, char **data,
		    size_t *len, dm_diag *diag);
/* Writes an object atomically: readers see the old or the new content,
 * never a part.  Parent "folders" are created. */
dm_err dm_store_put(dm_store *s, const char *key, const void *data,
		    size_t len, dm_diag *diag);
/* Lists every key under prefix (recursively), sorted.  *keys is a
 * malloc'd array of malloc'd strings: free with dm_store_free_list. */
dm_err dm_store_list(dm_store *s, const char *prefix, char ***keys,
		     size_t *n, dm_diag *diag);
void dm_store_free_list(char **keys, size_t n);
/* Opens an object as a random-access byte source (for readers). */
dm_err dm_store_open_source(dm_store *s, const char *key, dm_source **out,
			    dm_diag *diag);

/* Nonzero if s is usable as one component of a key: non-empty, at most
 * 200 bytes, printable, no '/', '\\', and not "." or "..". */
int dm_key_component_ok(const char *s);

#ifdef __cplusplus
}
#endif
#endif
