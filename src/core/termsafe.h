/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Private: text for a terminal.  Names and values come from data files
 * and HTTP clients; printed raw, an escape sequence in a CSV header can
 * clear the screen, retitle the window or hide what follows.  Every
 * human-facing output (summaries, status, history, errors, CSV from
 * `parquet cat`) passes such text through here; JSON, HTML and metrics
 * have their own escaping.
 *
 * Escaped: C0 controls and DEL (as \n, \t, \r, \e or \xNN), C1 controls
 * (U+0080..U+009F, as \u0085), the bidirectional controls U+061C,
 * U+200E, U+200F, U+202A..U+202E, U+2066..U+2069 (as \u202e), and bytes
 * that are not valid UTF-8 (as \xNN).  A backslash itself stays as it
 * is: the output is for reading, not for parsing back.
 */
#ifndef DM_CORE_TERMSAFE_H
#define DM_CORE_TERMSAFE_H

#include <stddef.h>
#include <stdio.h>

/* Nonzero if s[0..n) needs escaping. */
int term_unsafe(const char *s, size_t n);
/*
 * Writes the escaped form of s[0..n) into out (capacity cap >= 1,
 * always NUL-terminated).  When it does not fit, the text is cut at a
 * character boundary and ends in "...".  Returns the length written.
 */
size_t term_escape(const char *s, size_t n, char *out, size_t cap);
/* Writes the escaped form of the NUL-terminated s to fp. */
int term_fputs(const char *s, FILE *fp);
/*
 * The escaped form of s in one of 8 rotating thread-local buffers of
 * 512 bytes (longer text is cut with "..."): for printf arguments, at
 * most 8 in one call.  NULL gives "(null)".
 */
const char *term_safe(const char *s);

#endif
