/* SPDX-License-Identifier: Apache-2.0 */
/*
 * List Blobs answers, parsed with expat:
 *
 *   <EnumerationResults ContainerName="...">
 *     <Prefix/><Marker/><MaxResults>5000</MaxResults>
 *     <Blobs>
 *       <Blob><Name>a/b.json</Name><Properties>...</Properties></Blob>
 *       <BlobPrefix><Name>a/</Name></BlobPrefix>
 *     </Blobs>
 *     <NextMarker>opaque</NextMarker>
 *   </EnumerationResults>
 *
 * A name the service could not put in XML comes percent-encoded with
 * Encoded="true".  Only the elements above are kept; text is capped at
 * 4 KiB a name (blob names are at most 1,024 characters).
 */
#include <expat.h>
#include <stdlib.h>
#include <string.h>

#include "store/azure_int.h"

#define TEXT_MAX 4096

enum where { W_NONE, W_BLOB_NAME, W_PREFIX_NAME, W_NEXT, W_CODE };

struct ps {
	az_list_page *pg;
	int depth;
	int in_blobs, in_blob, in_prefix;
	int root_ok;
	enum where w;
	int encoded;
	char text[TEXT_MAX + 1];
	size_t tl;
	int oom, toolong;
};

static void XMLCALL on_start(void *ud, const XML_Char *name,
			     const XML_Char **atts)
{
	struct ps *p = ud;
	size_t i;

	p->depth++;
	if (p->depth == 1) {
		p->root_ok = !strcmp(name, "EnumerationResults");
		return;
	}
	if (p->depth == 2 && !strcmp(name, "Blobs"))
		p->in_blobs = 1;
	else if (p->depth == 2 && !strcmp(name, "NextMarker"))
		p->w = W_NEXT;
	else if (p->depth == 3 && p->in_blobs && !strcmp(name, "Blob"))
		p->in_blob = 1;
	else if (p->depth == 3 && p->in_blobs && !strcmp(name, "BlobPrefix"))
		p->in_prefix = 1;
	else if (p->depth == 4 && (p->in_blob || p->in_prefix) &&
		 !strcmp(name, "Name")) {
		p->w = p->in_blob ? W_BLOB_NAME : W_PREFIX_NAME;
		p->encoded = 0;
		for (i = 0; atts && atts[i]; i += 2)
			if (!strcmp(atts[i], "Encoded") &&
			    !strcmp(atts[i + 1], "true"))
				p->encoded = 1;
	}
	p->tl = 0;
	p->text[0] = '\0';
}

static int push(char ***v, size_t *n, size_t *cap, char *s)
{
	if (*n == *cap) {
		size_t c = *cap ? *cap * 2 : 256;
		char **nv = realloc(*v, c * sizeof(*nv));

		if (!nv)
			return -1;
		*v = nv;
		*cap = c;
	}
	(*v)[(*n)++] = s;
	return 0;
}

static void XMLCALL on_end(void *ud, const XML_Char *name)
{
	struct ps *p = ud;
	char *s;

	(void)name;
	if (p->w != W_NONE) {
		s = strdup(p->text);
		if (!s) {
			p->oom = 1;
		} else if (p->w == W_NEXT) {
			free(p->pg->next_marker);
			p->pg->next_marker = s;
		} else {
			if (p->encoded && az_url_decode(s) < 0)
				s[0] = '\0';
			if (push(p->w == W_BLOB_NAME ? &p->pg->names
						     : &p->pg->prefixes,
				 p->w == W_BLOB_NAME ? &p->pg->n : &p->pg->np,
				 p->w == W_BLOB_NAME ? &p->pg->cap
						     : &p->pg->pcap,
				 s) < 0) {
				free(s);
				p->oom = 1;
			}
		}
		p->w = W_NONE;
	}
	if (p->depth == 3) {
		p->in_blob = 0;
		p->in_prefix = 0;
	} else if (p->depth == 2) {
		p->in_blobs = 0;
	}
	p->depth--;
}

static void XMLCALL on_text(void *ud, const XML_Char *s, int len)
{
	struct ps *p = ud;

	if (p->w == W_NONE || len <= 0)
		return;
	if (p->tl + (size_t)len > TEXT_MAX) {
		p->toolong = 1;
		return;
	}
	memcpy(p->text + p->tl, s, (size_t)len);
	p->tl += (size_t)len;
	p->text[p->tl] = '\0';
}

dm_err az_list_parse(const char *xml, size_t len, az_list_page *pg,
		     dm_diag *diag)
{
	XML_Parser xp = XML_ParserCreate("UTF-8");
	struct ps p;
	dm_err err = DM_OK;

	if (!xp)
		return DM_ENOMEM;
	memset(&p, 0, sizeof(p));
	p.pg = pg;
	free(pg->next_marker);
	pg->next_marker = NULL;
	XML_SetUserData(xp, &p);
	XML_SetElementHandler(xp, on_start, on_end);
	XML_SetCharacterDataHandler(xp, on_text);
	if (XML_Parse(xp, xml, (int)len, 1) == XML_STATUS_ERROR) {
		err = dm_diag_set(diag, DM_EFORMAT, NULL, 0, NULL,
				  "List Blobs answer: bad XML at line %lu: %s",
				  (unsigned long)XML_GetCurrentLineNumber(xp),
				  XML_ErrorString(XML_GetErrorCode(xp)));
	} else if (p.oom) {
		err = DM_ENOMEM;
	} else if (!p.root_ok) {
		err = dm_diag_set(diag, DM_EFORMAT, NULL, 0, NULL,
				  "List Blobs answer: not an "
				  "EnumerationResults document");
	} else if (p.toolong) {
		err = dm_diag_set(diag, DM_EFORMAT, NULL, 0, NULL,
				  "List Blobs answer: a name longer than "
				  "%d bytes",
				  TEXT_MAX);
	}
	XML_ParserFree(xp);
	return err;
}

void az_list_page_release(az_list_page *pg)
{
	size_t i;

	if (!pg)
		return;
	for (i = 0; i < pg->n; i++)
		free(pg->names[i]);
	for (i = 0; i < pg->np; i++)
		free(pg->prefixes[i]);
	free(pg->names);
	free(pg->prefixes);
	free(pg->next_marker);
	memset(pg, 0, sizeof(*pg));
}

void az_error_code(const char *xml, size_t len, char *code, size_t n)
{
	const char *a, *b;
	size_t l;

	code[0] = '\0';
	if (!xml || !len)
		return;
	a = strstr(xml, "<Code>");
	if (!a)
		return;
	a += 6;
	b = strstr(a, "</Code>");
	if (!b)
		return;
	l = (size_t)(b - a);
	if (l >= n)
		l = n - 1;
	memcpy(code, a, l);
	code[l] = '\0';
}
