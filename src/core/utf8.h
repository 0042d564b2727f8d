/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Private: text from data files is not always UTF-8 (Latin-1 exports are
 * common).  Baselines and reports are JSON, which must be UTF-8, and a
 * category must compare equal before and after a round trip through
 * JSON.  So every string that becomes a category or a name is made valid
 * UTF-8 the same way at ingest: each byte that is not part of a valid
 * UTF-8 sequence is read as Latin-1 (U+0080..U+00FF) and re-encoded.
 */
#ifndef DM_CORE_UTF8_H
#define DM_CORE_UTF8_H

#include <stddef.h>

/* Length of the valid UTF-8 prefix of s[0..n). */
size_t utf8_valid_prefix(const char *s, size_t n);
/* Writes the repaired form of s[0..n) into out (capacity >= 2n + 1,
 * NUL-terminated); returns its length. */
size_t utf8_repair(const char *s, size_t n, char *out);

#endif
