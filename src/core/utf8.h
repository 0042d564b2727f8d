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
#include <stdint.h>

/* Decodes one UTF-8 character at s[0..n) (n >= 1): returns its length
 * (1-4) and sets *cp, or 0 if the bytes there are not valid UTF-8
 * (overlong forms, surrogates and code points past U+10FFFF included). */
size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *cp);
/* Length of the valid UTF-8 prefix of s[0..n). */
size_t utf8_valid_prefix(const char *s, size_t n);
/* Writes the repaired form of s[0..n) into out (capacity >= 2n + 1,
 * NUL-terminated); returns its length. */
size_t utf8_repair(const char *s, size_t n, char *out);

#endif
