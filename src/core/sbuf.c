/* SPDX-License-Identifier: Apache-2.0 */
/* A growable text buffer with a hard cap (see sbuf.h): core/bbuf with a
 * NUL after the text, which the cap does not count. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/sbuf.h"

void sb_init(sbuf *b, size_t max)
{
	bb_init(b, (max ? max : SB_MAX_DEFAULT) + 1);
}

void sb_putn(sbuf *b, const char *s, size_t n)
{
	uint8_t *d = bb_reserve(b, n + 1);

	if (!d)
		return;
	memcpy(d, s, n);
	d[n] = '\0';
	b->len += n;
}

void sb_puts(sbuf *b, const char *s)
{
	sb_putn(b, s, strlen(s));
}

void sb_putc(sbuf *b, char c)
{
	sb_putn(b, &c, 1);
}

void sb_printf(sbuf *b, const char *fmt, ...)
{
	char small[256];
	uint8_t *d;
	va_list ap;
	int n;

	if (b->err)
		return;
	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->err = DM_EINVAL;
		return;
	}
	if ((size_t)n < sizeof(small)) {
		sb_putn(b, small, (size_t)n);
		return;
	}
	if (!(d = bb_reserve(b, (size_t)n + 1)))
		return;
	va_start(ap, fmt);
	vsnprintf((char *)d, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

dm_err sb_finish(sbuf *b, char **out, size_t *len)
{
	*out = NULL;
	if (b->err == DM_OK && !b->p)
		sb_putn(b, "", 0);
	if (b->err != DM_OK) {
		dm_err err = b->err;

		sb_release(b);
		return err;
	}
	*out = (char *)b->p;
	if (len)
		*len = b->len;
	b->p = NULL;
	b->len = b->cap = 0;
	return DM_OK;
}

void sb_release(sbuf *b)
{
	bb_release(b);
}
