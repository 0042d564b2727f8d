/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Private: a growable text buffer with a hard cap, for the HTML report,
 * the Prometheus text and HTTP bodies.  It is the byte buffer of
 * core/bbuf.h with a NUL kept after the text (b.p, when non-NULL, is a
 * C string of b.len bytes).  Errors are sticky: append freely, check
 * sb_finish() (or b.err) once at the end.
 */
#ifndef DM_CORE_SBUF_H
#define DM_CORE_SBUF_H

#include <stddef.h>

#include "core/bbuf.h"
#include "driftmon/error.h"

typedef bbuf sbuf;

/* The cap of sb_init(b, 0): 64 MiB of text. */
#define SB_MAX_DEFAULT ((size_t)64 << 20)

/* At most max bytes of text (0: SB_MAX_DEFAULT). */
void sb_init(sbuf *b, size_t max);
void sb_putn(sbuf *b, const char *s, size_t n);
void sb_puts(sbuf *b, const char *s);
void sb_putc(sbuf *b, char c);
void sb_printf(sbuf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Returns the error, or DM_OK and hands the buffer (never NULL, possibly
 * "") to *out (caller frees) and its length to *len (may be NULL). */
dm_err sb_finish(sbuf *b, char **out, size_t *len);
/* Frees the buffer; b may be NULL. */
void sb_release(sbuf *b);

#endif
