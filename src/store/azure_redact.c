/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Redaction: account keys, SAS signatures, bearer tokens and federated
 * assertions never reach a message, a log line or the trace file.
 *
 * dm_redact() (store.h) is the first net for any text: the user
 * information of URLs (scheme://user:password@host) goes too.
 *
 * Two nets.  az_redact() knows where secrets sit in the text we handle
 * (query strings, connection strings, form bodies, JSON token answers,
 * Authorization headers) and replaces their values by "REDACTED" whatever
 * they are.  az_scrub() then removes the exact secret strings the client
 * holds, wherever they appear, in case a service echoes one back in a
 * form the patterns do not know.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "driftmon/store.h"
#include "store/azure_int.h"

#define MASK "REDACTED"

enum kind {
	FIELD,	/* name=value in a query, form or connection string */
	CONN,	/* Name=value in a connection string: value runs to ';' */
	JSON,	/* "name": "value" */
	SCHEME, /* Authorization scheme: the credential runs to a space */
	SKEY,	/* SharedKey account:signature */
	HEADER	/* Authorization: the rest of the line */
};

static const struct rule {
	const char *pat;
	enum kind kind;
} rules[] = {
	{"sig=", FIELD},
	{"client_assertion=", FIELD},
	{"client_secret=", FIELD},
	{"access_token=", FIELD},
	{"refresh_token=", FIELD},
	{"password=", FIELD},
	{"AccountKey=", CONN},
	{"SharedAccessSignature=", CONN},
	{"\"access_token\"", JSON},
	{"\"refresh_token\"", JSON},
	{"\"client_secret\"", JSON},
	{"\"client_assertion\"", JSON},
	{"Bearer ", SCHEME},
	{"SharedKey ", SKEY},
	{"Authorization:", HEADER},
};

static int boundary_before(const char *in, size_t i)
{
	unsigned char c;

	if (i == 0)
		return 1;
	c = (unsigned char)in[i - 1];
	return !(isalnum(c) || c == '_' || c == '-');
}

/* Appends s (n bytes) to out at *o, keeping room for the NUL. */
static void put(char *out, size_t outsz, size_t *o, const char *s, size_t n)
{
	size_t room = outsz - 1 - *o;

	if (n > room)
		n = room;
	memcpy(out + *o, s, n);
	*o += n;
}

char *az_redact(const char *in, char *out, size_t outsz)
{
	size_t i = 0, o = 0, r, n = in ? strlen(in) : 0;

	if (!outsz)
		return out;
	while (i < n && o < outsz - 1) {
		const struct rule *hit = NULL;
		size_t pl = 0, j;

		/* scheme://user:password@host: the user information */
		if (n - i > 3 && !memcmp(in + i, "://", 3)) {
			for (j = i + 3;
			     j < n && !strchr("/?#@ \t\r\n\"'<>", in[j]); j++)
				;
			if (j < n && in[j] == '@' && j > i + 3) {
				put(out, outsz, &o, "://" MASK "@",
				    strlen("://" MASK "@"));
				i = j + 1;
				continue;
			}
		}

		for (r = 0; r < sizeof(rules) / sizeof(rules[0]); r++) {
			pl = strlen(rules[r].pat);
			if (n - i >= pl &&
			    !strncasecmp(in + i, rules[r].pat, pl) &&
			    (rules[r].kind == JSON || boundary_before(in, i))) {
				hit = &rules[r];
				break;
			}
		}
		if (!hit) {
			put(out, outsz, &o, in + i, 1);
			i++;
			continue;
		}
		put(out, outsz, &o, in + i, pl);
		j = i + pl;
		switch (hit->kind) {
		case FIELD:
			while (j < n && !strchr("&; \t\r\n\"'<>,", in[j]))
				j++;
			break;
		case CONN:
			while (j < n && !strchr("; \t\r\n\"'", in[j]))
				j++;
			break;
		case JSON: {
			size_t k = j;

			while (k < n &&
			       (in[k] == ' ' || in[k] == ':' || in[k] == '\t'))
				k++;
			if (k < n && in[k] == '"') {
				put(out, outsz, &o, in + j, k + 1 - j);
				j = k + 1;
				while (j < n && in[j] != '"') {
					if (in[j] == '\\' && j + 1 < n)
						j++;
					j++;
				}
			}
			break;
		}
		case SCHEME:
			while (j < n && !strchr(" \t\r\n\"',;", in[j]))
				j++;
			break;
		case SKEY: {
			const char *colon = memchr(in + j, ':', n - j);
			size_t k = j;

			while (k < n && !strchr(" \t\r\n\"',;:", in[k]))
				k++;
			if (colon && (size_t)(colon - in) == k) {
				put(out, outsz, &o, in + j, k + 1 - j);
				j = k + 1;
			}
			while (j < n && !strchr(" \t\r\n\"',;", in[j]))
				j++;
			break;
		}
		case HEADER:
			while (j < n && in[j] != '\r' && in[j] != '\n')
				j++;
			put(out, outsz, &o, " ", 1);
			break;
		}
		if (j > i + pl || hit->kind == HEADER)
			put(out, outsz, &o, MASK, strlen(MASK));
		i = j;
	}
	out[o] = '\0';
	return out;
}

void az_scrub(char *s, size_t cap, const char *const *secrets, size_t n)
{
	char *tmp;
	size_t k;

	if (!s || !cap)
		return;
	tmp = malloc(cap);
	if (tmp) {
		az_redact(s, tmp, cap);
		memcpy(s, tmp, cap);
		free(tmp);
	} else {
		s[0] = '\0'; /* cannot check it: say nothing */
		return;
	}
	for (k = 0; k < n; k++) {
		const char *sec = secrets[k];
		size_t sl = sec ? strlen(sec) : 0, ml = strlen(MASK);
		char *p;

		if (sl < 8)
			continue;
		while ((p = strstr(s, sec)) != NULL) {
			size_t tail = strlen(p + sl);

			/* the mask is never longer than a secret (>= 8) */
			memcpy(p, MASK, ml);
			memmove(p + ml, p + sl, tail + 1);
		}
	}
}

char *dm_redact(const char *in, char *out, size_t outsz)
{
	return az_redact(in ? in : "", out, outsz);
}
