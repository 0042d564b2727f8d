/* SPDX-License-Identifier: Apache-2.0 */
#include "core/termsafe.h"
#include "core/utf8.h"

#include <stdint.h>
#include <string.h>

static int cp_unsafe(uint32_t c)
{
	return c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f) ||
	       c == 0x061c || c == 0x200e || c == 0x200f ||
	       (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
}

int term_unsafe(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, k;
	uint32_t c;

	while (i < n) {
		if (p[i] >= 0x20 && p[i] < 0x7f) {
			i++;
			continue;
		}
		k = utf8_decode(p + i, n - i, &c);
		if (k == 0 || cp_unsafe(c))
			return 1;
		i += k;
	}
	return 0;
}

/* The escape of one unsafe code point or byte, in e (>= 8 bytes). */
static size_t escape_one(uint32_t c, int is_byte, char *e)
{
	static const char hex[] = "0123456789abcdef";

	if (!is_byte) {
		switch (c) {
		case '\n':
			memcpy(e, "\\n", 2);
			return 2;
		case '\t':
			memcpy(e, "\\t", 2);
			return 2;
		case '\r':
			memcpy(e, "\\r", 2);
			return 2;
		case 0x1b:
			memcpy(e, "\\e", 2);
			return 2;
		}
	}
	if (is_byte || c < 0x80) {
		e[0] = '\\';
		e[1] = 'x';
		e[2] = hex[(c >> 4) & 15];
		e[3] = hex[c & 15];
		return 4;
	}
	e[0] = '\\';
	e[1] = 'u';
	e[2] = hex[(c >> 12) & 15];
	e[3] = hex[(c >> 8) & 15];
	e[4] = hex[(c >> 4) & 15];
	e[5] = hex[c & 15];
	return 6;
}

/* The next piece of s at i: the bytes themselves or their escape. */
static const char *next_piece(const char *s, size_t n, size_t i, char *e,
			      size_t *elen, size_t *k)
{
	const unsigned char *p = (const unsigned char *)s;
	uint32_t c;

	*k = utf8_decode(p + i, n - i, &c);
	if (*k == 0) {
		*k = 1;
		*elen = escape_one(p[i], 1, e);
		return e;
	}
	if (cp_unsafe(c)) {
		*elen = escape_one(c, 0, e);
		return e;
	}
	*elen = *k;
	return s + i;
}

size_t term_escape(const char *s, size_t n, char *out, size_t cap)
{
	size_t i, o = 0, k, elen, total = 0;
	int cut;
	char e[8];

	if (cap == 0)
		return 0;
	for (i = 0; i < n; i += k) {
		next_piece(s, n, i, e, &elen, &k);
		total += elen;
	}
	cut = total >= cap;
	for (i = 0; i < n; i += k) {
		const char *piece = next_piece(s, n, i, e, &elen, &k);

		if (cut && o + elen + 3 >= cap)
			break;
		memcpy(out + o, piece, elen);
		o += elen;
	}
	if (cut && o + 3 < cap) {
		memcpy(out + o, "...", 3);
		o += 3;
	}
	out[o] = '\0';
	return o;
}

int term_fputs(const char *s, FILE *fp)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), i = 0, run = 0, k, elen;
	char e[8];
	uint32_t c;

	while (i + run < n) {
		k = utf8_decode(p + i + run, n - i - run, &c);
		if (k != 0 && !cp_unsafe(c)) {
			run += k;
			continue;
		}
		if (run && fwrite(s + i, 1, run, fp) != run)
			return EOF;
		i += run;
		run = 0;
		elen = k ? escape_one(c, 0, e) : escape_one(p[i], 1, e);
		if (fwrite(e, 1, elen, fp) != elen)
			return EOF;
		i += k ? k : 1;
	}
	if (run && fwrite(s + i, 1, run, fp) != run)
		return EOF;
	return 0;
}

const char *term_safe(const char *s)
{
	static _Thread_local char buf[8][512];
	static _Thread_local unsigned next;
	char *b;

	if (!s)
		return "(null)";
	if (!term_unsafe(s, strlen(s)) && strlen(s) < sizeof(buf[0]))
		return s;
	b = buf[next++ % 8];
	term_escape(s, strlen(s), b, sizeof(buf[0]));
	return b;
}
