/* SPDX-License-Identifier: Apache-2.0 */
/* A growable text buffer with a hard cap (see sbuf.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/sbuf.h"

void sb_init(sbuf *b, size_t max)
{
	memset(b, 0, sizeof(*b));
	b->max = max ? max : ((size_t)64 << 20);
}

static int grow(sbuf *b, size_t need)
{
	size_t cap;
	char *p;

	if (b->err)
		return -1;
	if (need > b->max) {
		b->err = DM_ETOOBIG;
		return -1;
	}
	if (need + 1 <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 1024;
	while (cap < need + 1)
		cap *= 2;
	if (cap > b->max + 1)
		cap = b->max + 1;
	p = realloc(b->buf, cap);
	if (!p) {
		b->err = DM_ENOMEM;
		return -1;
	}
	b->buf = p;
	b->cap = cap;
	return 0;
}

void sb_putn(sbuf *b, const char *s, size_t n)
{
	if (grow(b, b->len + n) < 0)
		return;
	memcpy(b->buf + b->len, s, n);
	b->len += n;
	b->buf[b->len] = '\0';
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
	if (grow(b, b->len + (size_t)n) < 0)
		return;
	va_start(ap, fmt);
	vsnprintf(b->buf + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

dm_err sb_finish(sbuf *b, char **out, size_t *len)
{
	dm_err err = b->err;

	*out = NULL;
	if (err == DM_OK && !b->buf) {
		if (grow(b, 0) == 0)
			b->buf[0] = '\0';
		err = b->err;
	}
	if (err != DM_OK) {
		sb_release(b);
		return err;
	}
	*out = b->buf;
	if (len)
		*len = b->len;
	b->buf = NULL;
	b->len = b->cap = 0;
	return DM_OK;
}

void sb_release(sbuf *b)
{
	if (!b)
		return;
	free(b->buf);
	b->buf = NULL;
	b->len = b->cap = 0;
}
