/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Azure request signing: URL and base64 encoding, the Shared Key
 * string-to-sign and its HMAC.  Pure functions of their arguments (no
 * credentials are fetched here; that is azure_auth.c).
 *
 * Shared Key follows "Authorize with Shared Key" (Blob service, version
 * 2009-09-19 and later; see az_string_to_sign in azure_int.h).  The
 * service sorts the x-ms-* headers with a culture-aware comparison in
 * which '-' is ignored at the first level; hdr_cmp does the same (names
 * compare with their dashes skipped, then byte-wise), which agrees with
 * the service for every header this client sends.
 */
#include <ctype.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/sbuf.h"
#include "core/util.h"
#include "store/azure_int.h"

/* ---- URL encoding and base64 --------------------------------------------- */
char *az_url_encode(const char *s, int keep_slash)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = strlen(s), i, o = 0;
	char *out = malloc(3 * n + 1);

	if (!out)
		return NULL;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (isalnum(c) || c == '-' || c == '.' || c == '_' ||
		    c == '~' || (keep_slash && c == '/')) {
			out[o++] = (char)c;
		} else {
			out[o++] = '%';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 15];
		}
	}
	out[o] = '\0';
	return out;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int az_url_decode(char *s)
{
	char *r = s, *w = s;

	while (*r) {
		if (*r == '%') {
			int a = hexval((unsigned char)r[1]), b;

			if (a < 0)
				return -1;
			b = hexval((unsigned char)r[2]);
			if (b < 0)
				return -1;
			*w++ = (char)(a * 16 + b);
			r += 3;
		} else {
			*w++ = *r++;
		}
	}
	*w = '\0';
	return 0;
}

long az_b64_decode(const char *in, unsigned char *out, size_t outsz)
{
	size_t n = strlen(in), o = 0, i;
	unsigned acc = 0;
	int bits = 0, pad = 0;

	for (i = 0; i < n; i++) {
		int c = (unsigned char)in[i], v;

		if (c == '=') {
			pad++;
			continue;
		}
		if (pad)
			return -1; /* data after padding */
		if (c >= 'A' && c <= 'Z')
			v = c - 'A';
		else if (c >= 'a' && c <= 'z')
			v = c - 'a' + 26;
		else if (c >= '0' && c <= '9')
			v = c - '0' + 52;
		else if (c == '+')
			v = 62;
		else if (c == '/')
			v = 63;
		else
			return -1;
		acc = (acc << 6) | (unsigned)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (o >= outsz)
				return -1;
			out[o++] = (unsigned char)(acc >> bits);
			acc &= (1u << bits) - 1;
		}
	}
	if (pad > 2 || (n - (size_t)pad) % 4 == 1)
		return -1;
	return (long)o;
}

size_t az_b64_encode(const unsigned char *in, size_t len, char *out,
		     size_t outsz)
{
	static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrst"
				"uvwxyz0123456789+/";
	size_t i, o = 0;

	if (outsz < 4 * ((len + 2) / 3) + 1) {
		if (outsz)
			out[0] = '\0';
		return 0;
	}
	for (i = 0; i + 2 < len; i += 3) {
		unsigned v = (unsigned)in[i] << 16 | (unsigned)in[i + 1] << 8 |
			     in[i + 2];
		out[o++] = a[v >> 18];
		out[o++] = a[(v >> 12) & 63];
		out[o++] = a[(v >> 6) & 63];
		out[o++] = a[v & 63];
	}
	if (i < len) {
		unsigned v = (unsigned)in[i] << 16;

		if (i + 1 < len)
			v |= (unsigned)in[i + 1] << 8;
		out[o++] = a[v >> 18];
		out[o++] = a[(v >> 12) & 63];
		out[o++] = i + 1 < len ? a[(v >> 6) & 63] : '=';
		out[o++] = '=';
	}
	out[o] = '\0';
	return o;
}

/* ---- Shared Key -------------------------------------------------------------
 */
/* The value of header name in headers ("" if absent), trimmed. */
static void header_value(const char *const *h, size_t nh, const char *name,
			 const char **v, size_t *vl)
{
	size_t i, nl = strlen(name);

	*v = "";
	*vl = 0;
	for (i = 0; i < nh; i++) {
		const char *s = h[i];

		if (!strncasecmp(s, name, nl) && s[nl] == ':') {
			const char *p = s + nl + 1, *e;

			while (*p == ' ' || *p == '\t')
				p++;
			e = p + strlen(p);
			while (e > p && (e[-1] == ' ' || e[-1] == '\t'))
				e--;
			*v = p;
			*vl = (size_t)(e - p);
			return;
		}
	}
}

struct hdr {
	char *name; /* lowercase */
	const char *val;
	size_t vl;
};

static int hdr_cmp(const void *a, const void *b)
{
	const char *x = ((const struct hdr *)a)->name;
	const char *y = ((const struct hdr *)b)->name;
	const char *p = x, *q = y;

	for (;;) {
		while (*p == '-')
			p++;
		while (*q == '-')
			q++;
		if (*p != *q || !*p)
			break;
		p++;
		q++;
	}
	if (*p != *q)
		return (unsigned char)*p < (unsigned char)*q ? -1 : 1;
	return strcmp(x, y);
}

struct qp {
	const char *name;
	const char *value;
	size_t idx;
};

static int qp_cmp(const void *a, const void *b)
{
	const struct qp *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	if (c)
		return c;
	c = strcmp(x->value, y->value);
	return c ? c : (x->idx < y->idx ? -1 : 1);
}

/* The verb and the standard headers' values, one a line, in the order
 * Shared Key signs them (Content-Length 0 signs as empty). */
static void put_standard_headers(sbuf *b, const char *method,
				 const char *const *headers, size_t nheaders)
{
	static const char *const std[] = {
		"Content-Encoding",
		"Content-Language",
		"Content-Length",
		"Content-MD5",
		"Content-Type",
		"Date",
		"If-Modified-Since",
		"If-Match",
		"If-None-Match",
		"If-Unmodified-Since",
		"Range",
	};
	size_t i;

	sb_puts(b, method);
	sb_puts(b, "\n");
	for (i = 0; i < sizeof(std) / sizeof(std[0]); i++) {
		const char *v;
		size_t vl;

		header_value(headers, nheaders, std[i], &v, &vl);
		if (!strcmp(std[i], "Content-Length") && vl == 1 && v[0] == '0')
			vl = 0;
		sb_putn(b, v, vl);
		sb_puts(b, "\n");
	}
}

/* A header's value with each run of white space as one space (and none
 * leading). */
static void put_folded(sbuf *b, const char *val, size_t vl)
{
	size_t k;
	int space = 0;

	for (k = 0; k < vl; k++) {
		char c = val[k];

		if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
			space = 1;
			continue;
		}
		if (space)
			sb_puts(b, " ");
		space = 0;
		sb_putn(b, &c, 1);
	}
}

/* CanonicalizedHeaders: the x-ms- headers, names lowercased, sorted,
 * each once, "name:value" a line; -1 when out of memory. */
static int put_canon_headers(sbuf *b, const char *const *headers,
			     size_t nheaders)
{
	struct hdr *hs = calloc(nheaders ? nheaders : 1, sizeof(*hs));
	size_t i, nx = 0;
	int rc = -1;

	if (!hs)
		return -1;
	for (i = 0; i < nheaders; i++) {
		const char *s = headers[i], *colon = strchr(s, ':');
		size_t nl, k;

		if (!colon || strncasecmp(s, "x-ms-", 5) != 0)
			continue;
		nl = (size_t)(colon - s);
		while (nl > 0 && (s[nl - 1] == ' ' || s[nl - 1] == '\t'))
			nl--;
		hs[nx].name = util_dupn(s, nl);
		if (!hs[nx].name)
			goto out;
		for (k = 0; k < nl; k++)
			hs[nx].name[k] =
				(char)tolower((unsigned char)hs[nx].name[k]);
		header_value(&headers[i], 1, hs[nx].name, &hs[nx].val,
			     &hs[nx].vl);
		nx++;
	}
	qsort(hs, nx, sizeof(*hs), hdr_cmp);
	for (i = 0; i < nx; i++) {
		if (i > 0 && !strcmp(hs[i].name, hs[i - 1].name))
			continue; /* each header once */
		sb_puts(b, hs[i].name);
		sb_puts(b, ":");
		put_folded(b, hs[i].val, hs[i].vl);
		sb_puts(b, "\n");
	}
	rc = 0;
out:
	for (i = 0; i < nx; i++)
		free(hs[i].name);
	free(hs);
	return rc;
}

/* CanonicalizedResource: /account/path, then the query parameters
 * sorted, "\nname:value[,value...]"; -1 when out of memory. */
static int put_canon_resource(sbuf *b, const char *account, const char *path,
			      const az_param *query, size_t nquery)
{
	struct qp *qs;
	size_t i;

	sb_puts(b, "/");
	sb_puts(b, account);
	sb_puts(b, path && *path ? path : "/");
	qs = calloc(nquery ? nquery : 1, sizeof(*qs));
	if (!qs)
		return -1;
	for (i = 0; i < nquery; i++) {
		qs[i].name = query[i].name;
		qs[i].value = query[i].value ? query[i].value : "";
		qs[i].idx = i;
	}
	qsort(qs, nquery, sizeof(*qs), qp_cmp);
	for (i = 0; i < nquery; i++) {
		if (i > 0 && !strcmp(qs[i].name, qs[i - 1].name)) {
			sb_puts(b, ",");
		} else {
			sb_puts(b, "\n");
			sb_puts(b, qs[i].name);
			sb_puts(b, ":");
		}
		sb_puts(b, qs[i].value);
	}
	free(qs);
	return 0;
}

char *az_string_to_sign(const char *method, const char *account,
			const char *path, const az_param *query, size_t nquery,
			const char *const *headers, size_t nheaders)
{
	sbuf b;
	char *out = NULL;

	sb_init(&b, 0);
	put_standard_headers(&b, method, headers, nheaders);
	if (put_canon_headers(&b, headers, nheaders) < 0 ||
	    put_canon_resource(&b, account, path, query, nquery) < 0 ||
	    sb_finish(&b, &out, NULL) != DM_OK) {
		sb_release(&b);
		return NULL;
	}
	return out;
}

int az_hmac_b64(const unsigned char *key, size_t keylen, const char *sts,
		char *out, size_t outsz)
{
	unsigned char mac[EVP_MAX_MD_SIZE];
	unsigned int ml = 0;

	if (!HMAC(EVP_sha256(), key, (int)keylen, (const unsigned char *)sts,
		  strlen(sts), mac, &ml))
		return -1;
	return az_b64_encode(mac, ml, out, outsz) ? 0 : -1;
}
