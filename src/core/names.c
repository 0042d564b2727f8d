/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The one name check (include/driftmon/names.h): model names, versions
 * and feature names, for every layer.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/utf8.h"
#include "driftmon/names.h"

/* Why code point c may not be in a name, or NULL. */
static const char *bad_char(uint32_t c)
{
	if (c < 0x20 || c == 0x7f)
		return "a control character";
	if (c >= 0x80 && c <= 0x9f)
		return "a C1 control character";
	if ((c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069))
		return "a bidirectional override";
	if (c == 0x200e || c == 0x200f || c == 0x061c)
		return "a bidirectional mark";
	return NULL;
}

char *dm_name_excerpt(const char *s, size_t len, char *out, size_t outsz)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, o = 0;
	char tmp[16];

	if (!outsz)
		return out;
	if (!s)
		len = 0;
	while (i < len) {
		uint32_t cp;
		size_t k = utf8_decode(p + i, len - i, &cp), tl;

		if (k == 0)
			tl = (size_t)snprintf(tmp, sizeof(tmp), "\\x%02x",
					      p[i]);
		else if (bad_char(cp))
			tl = (size_t)snprintf(tmp, sizeof(tmp), "\\u%04x",
					      (unsigned)cp);
		else if (cp == '\\')
			tl = (size_t)snprintf(tmp, sizeof(tmp), "\\\\");
		else {
			memcpy(tmp, p + i, k);
			tl = k;
		}
		/* keep room for "..." and the NUL */
		if (o + tl + 4 > outsz) {
			if (o + 4 <= outsz) {
				memcpy(out + o, "...", 3);
				o += 3;
			}
			break;
		}
		memcpy(out + o, tmp, tl);
		o += tl;
		i += k ? k : 1;
	}
	out[o] = '\0';
	return out;
}

static int is_key_kind(const char *kind)
{
	return !strcmp(kind, "model") || !strcmp(kind, "version") ||
	       !strcmp(kind, "model name") || !strcmp(kind, "model version");
}

dm_err dm_name_check(const char *kind, const char *name, size_t len,
		     dm_diag *diag)
{
	const unsigned char *p = (const unsigned char *)name;
	char ex[96];
	const char *what;
	const char *noun;
	size_t i;
	int key;

	/* the common case, checked first: printable ASCII without a path
	 * separator, not starting with '.', not of the length of a
	 * reserved name (every check below passes) */
	if (name && len && len <= DM_NAME_MAX_BYTES && len != 11 && len != 13 &&
	    name[0] != '.') {
		for (i = 0; i < len; i++)
			if (p[i] < 0x20 || p[i] >= 0x7f || p[i] == '/' ||
			    p[i] == '\\')
				break;
		if (i == len)
			return DM_OK;
	}
	if (!kind)
		kind = "name";
	key = is_key_kind(kind);
	/* "model" -> "model name"; "feature" -> "feature name" */
	noun = strstr(kind, "name") || strstr(kind, "version") ? "" : " name";
	if (!name || len == 0)
		return dm_diag_set(diag, DM_EINVAL, NULL, 0, NULL,
				   "%s%s is empty", kind, noun);
	if (len > DM_NAME_MAX_BYTES)
		return dm_diag_set(diag, DM_EINVAL, NULL, 0, NULL,
				   "%s%s '%s': %zu bytes; the limit is %d "
				   "bytes",
				   kind, noun,
				   dm_name_excerpt(name, len, ex, 48), len,
				   DM_NAME_MAX_BYTES);
	for (i = 0; i < len;) {
		uint32_t cp;
		size_t k = utf8_decode(p + i, len - i, &cp);

		if (k == 0)
			return dm_diag_set(
				diag, DM_EINVAL, NULL, 0, NULL,
				"%s%s '%s': not valid UTF-8 (byte "
				"%zu)",
				kind, noun,
				dm_name_excerpt(name, len, ex, sizeof(ex)),
				i + 1);
		if ((what = bad_char(cp)) != NULL)
			return dm_diag_set(
				diag, DM_EINVAL, NULL, 0, NULL,
				"%s%s '%s': contains U+%04X (%s)", kind, noun,
				dm_name_excerpt(name, len, ex, sizeof(ex)),
				(unsigned)cp, what);
		if (key && (cp == '/' || cp == '\\'))
			return dm_diag_set(
				diag, DM_EINVAL, NULL, 0, NULL,
				"%s%s '%s': contains a path "
				"separator ('%c')",
				kind, noun,
				dm_name_excerpt(name, len, ex, sizeof(ex)),
				(char)cp);
		i += k;
	}
	if (key && name[0] == '.')
		return dm_diag_set(diag, DM_EINVAL, NULL, 0, NULL,
				   "%s%s '%s': may not start with '.'", kind,
				   noun,
				   dm_name_excerpt(name, len, ex, sizeof(ex)));
	if (key && ((len == 11 && !strncasecmp(name, "latest.json", 11)) ||
		    (len == 13 && !strncasecmp(name, "baseline.json", 13))))
		return dm_diag_set(diag, DM_EINVAL, NULL, 0, NULL,
				   "%s%s '%s': a name the store layout "
				   "reserves",
				   kind, noun,
				   dm_name_excerpt(name, len, ex, sizeof(ex)));
	return DM_OK;
}
