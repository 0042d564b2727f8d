/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Private: a growable text buffer with a hard cap (curl's dynbuf), for
 * the HTML report, the Prometheus text and HTTP bodies.  Errors are
 * sticky: append freely, check sb_finish() (or sb.err) once at the end.
 */
#ifndef DM_CORE_SBUF_H
#define DM_CORE_SBUF_H

#include <stddef.h>

#include "driftmon/error.h"

typedef struct sbuf {
	char *buf;   /* NUL-terminated when non-NULL */
	size_t len;
	size_t cap;
	size_t max;  /* hard cap on len */
	dm_err err;
} sbuf;

/* max = 0: 64 MiB. */
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
