/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Private: small helpers that several modules need and that used to be
 * copied into each of them (a counted strdup, mkdir -p, the store key
 * path check).  libc only.
 */
#ifndef DM_CORE_UTIL_H
#define DM_CORE_UTIL_H

#include <stddef.h>
#include <sys/types.h>

/* A NUL-terminated copy of the n bytes at p (p may be NULL when n is 0);
 * NULL when out of memory.  The caller frees it. */
char *util_dupn(const void *p, size_t n);

/* mkdir -p of the first len bytes of path (len may stop at a '/' so that
 * only a file's folders are made): every folder on the way is created
 * with mode (less the umask) unless it exists.  Returns 0, or -1 with
 * errno set by the mkdir(2) that failed (ENOMEM if no copy could be
 * made). */
int util_mkdirs(const char *path, size_t len, mode_t mode);

/* 1 when key is a usable relative path: not empty, no leading '/', no
 * empty, "." or ".." component; 0 otherwise (also for NULL). */
int util_key_path_ok(const char *key);

#endif
