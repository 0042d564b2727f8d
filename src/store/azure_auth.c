/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Azure credentials: settings from the environment, connection strings,
 * Shared Key signing and the Microsoft Entra token flows.
 *
 * Shared Key follows "Authorize with Shared Key" (Blob service, version
 * 2009-09-19 and later; see az_string_to_sign in azure_int.h).  The
 * service sorts the x-ms-* headers with a culture-aware comparison in
 * which '-' is ignored at the first level; hdr_cmp does the same (names
 * compare with their dashes skipped, then byte-wise), which agrees with
 * the service for every header this client sends.
 *
 * Tokens.  Workload identity (AKS): the federated token in
 * AZURE_FEDERATED_TOKEN_FILE is exchanged at
 * <AZURE_AUTHORITY_HOST><AZURE_TENANT_ID>/oauth2/v2.0/token for an
 * access token (client credentials grant with a client_assertion).
 * Managed identity: GET on the instance metadata endpoint with
 * "Metadata: true".  Tokens are cached until 5 minutes before expiry;
 * the token file is read again at each exchange (the kubelet rotates it).
 */
#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/util.h"
#include "store/azure_int.h"

/* ---- settings ------------------------------------------------------------- */
static int env_num(const char *name, unsigned long long lo,
		   unsigned long long hi, unsigned long long *v, dm_diag *diag)
{
	const char *s = getenv(name);
	char *end;
	unsigned long long x;

	if (!s || !*s)
		return 0;
	errno = 0;
	x = strtoull(s, &end, 10);
	if (errno || *end || *s == '-' || x < lo || x > hi) {
		dm_diag_set(diag, DM_EINVAL, NULL, 0, NULL,
			    "invalid %s '%.40s': expected a whole number from "
			    "%llu to %llu",
			    name, s, lo, hi);
		return -1;
	}
	*v = x;
	return 0;
}

dm_err az_config_from_env(az_config *c, dm_diag *diag)
{
	unsigned long long v;
	const char *s;

	memset(c, 0, sizeof(*c));
	c->attempts = 5;
	c->timeout_ms = 120000;
	c->connect_timeout_ms = 10000;
	c->backoff_ms = 500;
	c->backoff_max_ms = 30000;
	c->put_threshold = (size_t)32 << 20;
	c->block_size = (size_t)8 << 20;
	c->read_ahead = (size_t)1 << 20;
	c->list_max = 10000000;
	c->create_container = 1;
#define NUM(name, lo, hi, field, mul)                                  \
	do {                                                           \
		v = 0;                                                 \
		if (env_num(name, lo, hi, &v, diag) < 0)               \
			return DM_EINVAL;                              \
		if (v)                                                 \
			c->field = (__typeof__(c->field))(v * (mul));  \
	} while (0)
	NUM("DRIFTMON_AZURE_ATTEMPTS", 1, 20, attempts, 1);
	NUM("DRIFTMON_AZURE_TIMEOUT_SECONDS", 1, 86400, timeout_ms, 1000);
	NUM("DRIFTMON_AZURE_CONNECT_TIMEOUT_SECONDS", 1, 600,
	    connect_timeout_ms, 1000);
	NUM("DRIFTMON_AZURE_BACKOFF_MS", 1, 600000, backoff_ms, 1);
	NUM("DRIFTMON_AZURE_BACKOFF_MAX_MS", 1, 3600000, backoff_max_ms, 1);
	NUM("DRIFTMON_AZURE_PUT_THRESHOLD", 1024, (unsigned long long)4 << 30,
	    put_threshold, 1);
	NUM("DRIFTMON_AZURE_BLOCK_SIZE", 1024, (unsigned long long)4000 << 20,
	    block_size, 1);
	NUM("DRIFTMON_AZURE_READ_AHEAD", 1024, (unsigned long long)1 << 30,
	    read_ahead, 1);
	NUM("DRIFTMON_AZURE_LIST_MAX", 1, 1000000000ull, list_max, 1);
#undef NUM
	if (c->backoff_max_ms < c->backoff_ms)
		c->backoff_max_ms = c->backoff_ms;
	s = getenv("DRIFTMON_AZURE_CREATE_CONTAINER");
	if (s && (!strcmp(s, "0") || !strcasecmp(s, "false") ||
		  !strcasecmp(s, "no")))
		c->create_container = 0;
	s = getenv("DRIFTMON_AZURE_ALLOW_HTTP");
	if (s && (!strcmp(s, "1") || !strcasecmp(s, "true") ||
		  !strcasecmp(s, "yes")))
		c->allow_http = 1;
	s = getenv("AZURE_CA_BUNDLE");
	if (!s || !*s)
		s = getenv("CURL_CA_BUNDLE");
	if (s && *s)
		snprintf(c->ca_bundle, sizeof(c->ca_bundle), "%s", s);
	s = getenv("DRIFTMON_AZURE_TRACE");
	if (s && *s)
		snprintf(c->trace, sizeof(c->trace), "%s", s);
	return DM_OK;
}

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
	static const char a[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
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

/* ---- connection strings ---------------------------------------------------- */
static void strip_slash(char *s)
{
	size_t n = s ? strlen(s) : 0;

	while (n > 0 && s[n - 1] == '/')
		s[--n] = '\0';
}

void az_connstr_release(az_connstr *c)
{
	if (!c)
		return;
	free(c->account);
	free(c->key);
	free(c->sas);
	free(c->blob_endpoint);
	free(c->protocol);
	free(c->suffix);
	memset(c, 0, sizeof(*c));
}

dm_err az_connstr_parse(const char *cs, az_connstr *out, dm_diag *diag)
{
	const char *p = cs;
	char *proxy = NULL;
	dm_err err = DM_OK;

	memset(out, 0, sizeof(*out));
	while (p && *p) {
		const char *end = strchr(p, ';'), *eq;
		size_t n = end ? (size_t)(end - p) : strlen(p), kl;
		char **slot = NULL, *val;

		while (n > 0 && isspace((unsigned char)*p)) {
			p++;
			n--;
		}
		eq = memchr(p, '=', n);
		if (n == 0) {
			p = end ? end + 1 : NULL;
			continue;
		}
		if (!eq) {
			err = dm_diag_set(diag, DM_EINVAL, NULL, 0, NULL,
					  "AZURE_STORAGE_CONNECTION_STRING: "
					  "expected Key=value pairs separated "
					  "by ';'");
			goto out;
		}
		kl = (size_t)(eq - p);
		val = util_dupn(eq + 1, n - kl - 1);
		if (!val) {
			err = DM_ENOMEM;
			goto out;
		}
#define KEY(k) (kl == strlen(k) && !strncasecmp(p, k, kl))
		if (KEY("AccountName"))
			slot = &out->account;
		else if (KEY("AccountKey"))
			slot = &out->key;
		else if (KEY("SharedAccessSignature"))
			slot = &out->sas;
		else if (KEY("BlobEndpoint"))
			slot = &out->blob_endpoint;
		else if (KEY("DefaultEndpointsProtocol"))
			slot = &out->protocol;
		else if (KEY("EndpointSuffix"))
			slot = &out->suffix;
		else if (KEY("DevelopmentStorageProxyUri"))
			slot = &proxy;
		else if (KEY("UseDevelopmentStorage"))
			out->devstore = !strcasecmp(val, "true");
#undef KEY
		if (slot) {
			free(*slot);
			*slot = val;
		} else {
			free(val);
		}
		p = end ? end + 1 : NULL;
	}
	if (out->devstore) {
		free(out->account);
		free(out->key);
		free(out->blob_endpoint);
		out->account = strdup(AZ_DEVSTORE_ACCOUNT);
		out->key = strdup(AZ_DEVSTORE_KEY);
		if (proxy) {
			strip_slash(proxy);
			if (asprintf(&out->blob_endpoint, "%s:10000/%s", proxy,
				     AZ_DEVSTORE_ACCOUNT) < 0)
				out->blob_endpoint = NULL;
		} else {
			out->blob_endpoint = strdup(
				"http://127.0.0.1:10000/" AZ_DEVSTORE_ACCOUNT);
		}
		if (!out->account || !out->key || !out->blob_endpoint) {
			err = DM_ENOMEM;
			goto out;
		}
	}
	if (out->sas && out->sas[0] == '?')
		memmove(out->sas, out->sas + 1, strlen(out->sas));
	strip_slash(out->blob_endpoint);
	if (!out->account && !out->blob_endpoint) {
		err = dm_diag_set(diag, DM_EINVAL, NULL, 0, NULL,
				  "AZURE_STORAGE_CONNECTION_STRING: no "
				  "AccountName, BlobEndpoint or "
				  "UseDevelopmentStorage=true");
		goto out;
	}
	if (!out->key && !out->sas) {
		err = dm_diag_set(diag, DM_EINVAL, NULL, 0, NULL,
				  "AZURE_STORAGE_CONNECTION_STRING: neither "
				  "AccountKey nor SharedAccessSignature");
		goto out;
	}
out:
	free(proxy);
	if (err != DM_OK)
		az_connstr_release(out);
	return err;
}

/* ---- Shared Key ------------------------------------------------------------- */
struct sbuf {
	char *p;
	size_t n, cap;
	int oom;
};

static void sb_add(struct sbuf *b, const char *s, size_t n)
{
	if (b->oom)
		return;
	if (b->n + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		char *p;

		while (cap < b->n + n + 1)
			cap *= 2;
		p = realloc(b->p, cap);
		if (!p) {
			b->oom = 1;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->n, s, n);
	b->n += n;
	b->p[b->n] = '\0';
}

static void sb_str(struct sbuf *b, const char *s)
{
	sb_add(b, s, strlen(s));
}

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

char *az_string_to_sign(const char *method, const char *account,
			const char *path, const az_param *query, size_t nquery,
			const char *const *headers, size_t nheaders)
{
	static const char *const std[] = {
		"Content-Encoding", "Content-Language", "Content-Length",
		"Content-MD5",      "Content-Type",     "Date",
		"If-Modified-Since", "If-Match",        "If-None-Match",
		"If-Unmodified-Since", "Range",
	};
	struct sbuf b = {0};
	struct hdr *hs = NULL;
	struct qp *qs = NULL;
	size_t i, nx = 0;

	sb_str(&b, method);
	sb_str(&b, "\n");
	for (i = 0; i < sizeof(std) / sizeof(std[0]); i++) {
		const char *v;
		size_t vl;

		header_value(headers, nheaders, std[i], &v, &vl);
		if (i == 2 && vl == 1 && v[0] == '0')
			vl = 0; /* Content-Length 0 signs as empty */
		sb_add(&b, v, vl);
		sb_str(&b, "\n");
	}
	/* CanonicalizedHeaders */
	hs = calloc(nheaders ? nheaders : 1, sizeof(*hs));
	if (!hs)
		goto fail;
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
			goto fail;
		for (k = 0; k < nl; k++)
			hs[nx].name[k] =
				(char)tolower((unsigned char)hs[nx].name[k]);
		header_value(&headers[i], 1, hs[nx].name, &hs[nx].val,
			     &hs[nx].vl);
		nx++;
	}
	qsort(hs, nx, sizeof(*hs), hdr_cmp);
	for (i = 0; i < nx; i++) {
		size_t k;
		int space = 0;

		if (i > 0 && !strcmp(hs[i].name, hs[i - 1].name))
			continue; /* each header once */
		sb_str(&b, hs[i].name);
		sb_str(&b, ":");
		for (k = 0; k < hs[i].vl; k++) {
			char c = hs[i].val[k];

			if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
				space = 1;
				continue;
			}
			if (space)
				sb_str(&b, " ");
			space = 0;
			sb_add(&b, &c, 1);
		}
		sb_str(&b, "\n");
	}
	/* CanonicalizedResource */
	sb_str(&b, "/");
	sb_str(&b, account);
	sb_str(&b, path && *path ? path : "/");
	qs = calloc(nquery ? nquery : 1, sizeof(*qs));
	if (!qs)
		goto fail;
	for (i = 0; i < nquery; i++) {
		qs[i].name = query[i].name;
		qs[i].value = query[i].value ? query[i].value : "";
		qs[i].idx = i;
	}
	qsort(qs, nquery, sizeof(*qs), qp_cmp);
	for (i = 0; i < nquery; i++) {
		if (i > 0 && !strcmp(qs[i].name, qs[i - 1].name)) {
			sb_str(&b, ",");
		} else {
			sb_str(&b, "\n");
			sb_str(&b, qs[i].name);
			sb_str(&b, ":");
		}
		sb_str(&b, qs[i].value);
	}
	if (b.oom)
		goto fail;
	for (i = 0; i < nx; i++)
		free(hs[i].name);
	free(hs);
	free(qs);
	return b.p;
fail:
	for (i = 0; hs && i < nx; i++)
		free(hs[i].name);
	free(hs);
	free(qs);
	free(b.p);
	return NULL;
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

/* ---- credentials ----------------------------------------------------------- */
void az_cred_release(az_cred *c)
{
	if (!c)
		return;
	free(c->key_b64);
	free(c->sas);
	free(c->client_id);
	free(c->tenant_id);
	free(c->token_file);
	free(c->authority);
	free(c->imds);
	free(c->token);
	free(c->assertion);
	memset(c, 0, sizeof(*c));
}

static const char *env(const char *name)
{
	const char *s = getenv(name);

	return s && *s ? s : NULL;
}

static dm_err set_key(az_client *c, const char *b64, const char *source,
		      dm_diag *diag)
{
	long n = az_b64_decode(b64, c->cred.key, sizeof(c->cred.key));

	if (n <= 0)
		return dm_diag_set(diag, DM_EINVAL, NULL, 0, NULL,
				   "the account key from %s is not valid "
				   "base64",
				   source);
	c->cred.keylen = (size_t)n;
	c->cred.kind = AZ_CRED_SHARED_KEY;
	c->cred.key_b64 = strdup(b64);
	snprintf(c->cred.source, sizeof(c->cred.source), "Shared Key from %s",
		 source);
	return c->cred.key_b64 ? DM_OK : DM_ENOMEM;
}

static dm_err set_sas(az_client *c, const char *sas, const char *source)
{
	c->cred.kind = AZ_CRED_SAS;
	c->cred.sas = strdup(sas[0] == '?' ? sas + 1 : sas);
	snprintf(c->cred.source, sizeof(c->cred.source), "SAS token from %s",
		 source);
	return c->cred.sas ? DM_OK : DM_ENOMEM;
}

static int wants(const char *forced, const char *name)
{
	return !forced || !strcasecmp(forced, name);
}

dm_err az_cred_choose(az_client *c, const az_connstr *cs, dm_diag *diag)
{
	const char *forced = env("DRIFTMON_AZURE_CREDENTIAL"), *s;
	const char *known[] = {"connection-string", "shared-key", "sas",
			       "workload-identity", "managed-identity"};
	size_t i;
	int ok = !forced;

	for (i = 0; forced && i < sizeof(known) / sizeof(known[0]); i++)
		ok |= !strcasecmp(forced, known[i]);
	if (!ok)
		return dm_diag_set(diag, DM_EINVAL, NULL, 0, NULL,
				   "invalid DRIFTMON_AZURE_CREDENTIAL '%.40s': "
				   "expected connection-string, shared-key, "
				   "sas, workload-identity or "
				   "managed-identity",
				   forced);
	/* 1. the connection string (for its own account) */
	if (cs && wants(forced, "connection-string") &&
	    (!cs->account || !strcmp(cs->account, c->account))) {
		if (cs->key)
			return set_key(c, cs->key,
				       cs->devstore
					       ? "AZURE_STORAGE_CONNECTION_STRING "
						 "(UseDevelopmentStorage)"
					       : "AZURE_STORAGE_CONNECTION_STRING",
				       diag);
		if (cs->sas)
			return set_sas(c, cs->sas,
				       "AZURE_STORAGE_CONNECTION_STRING");
	}
	/* 2. account name + key */
	if (wants(forced, "shared-key") && (s = env("AZURE_STORAGE_KEY")))
		return set_key(c, s, "AZURE_STORAGE_KEY", diag);
	/* 3. a SAS token */
	if (wants(forced, "sas") && (s = env("AZURE_STORAGE_SAS_TOKEN")))
		return set_sas(c, s, "AZURE_STORAGE_SAS_TOKEN");
	/* the emulator's well-known account needs no configuration */
	if (!forced && !strcmp(c->account, AZ_DEVSTORE_ACCOUNT))
		return set_key(c, AZ_DEVSTORE_KEY,
			       "the storage emulator's well-known key", diag);
	/* 4. workload identity */
	if (wants(forced, "workload-identity") &&
	    env("AZURE_FEDERATED_TOKEN_FILE") && env("AZURE_CLIENT_ID") &&
	    env("AZURE_TENANT_ID")) {
		const char *auth = env("AZURE_AUTHORITY_HOST");
		size_t al;

		c->cred.kind = AZ_CRED_WORKLOAD;
		c->cred.client_id = strdup(env("AZURE_CLIENT_ID"));
		c->cred.tenant_id = strdup(env("AZURE_TENANT_ID"));
		c->cred.token_file = strdup(env("AZURE_FEDERATED_TOKEN_FILE"));
		if (!auth)
			auth = AZ_AUTHORITY_DEFAULT;
		al = strlen(auth);
		if (asprintf(&c->cred.authority, "%s%s", auth,
			     al && auth[al - 1] == '/' ? "" : "/") < 0)
			c->cred.authority = NULL;
		snprintf(c->cred.source, sizeof(c->cred.source),
			 "workload identity (AZURE_FEDERATED_TOKEN_FILE)");
		if (!c->cred.client_id || !c->cred.tenant_id ||
		    !c->cred.token_file || !c->cred.authority)
			return DM_ENOMEM;
		for (s = c->cred.tenant_id; *s; s++)
			if (!isalnum((unsigned char)*s) && *s != '-' &&
			    *s != '.')
				return dm_diag_set(diag, DM_EINVAL, NULL, 0,
						   NULL,
						   "invalid AZURE_TENANT_ID");
		if (strncmp(c->cred.authority, "https://", 8) != 0 &&
		    strncmp(c->cred.authority, "http://127.0.0.1", 16) != 0 &&
		    strncmp(c->cred.authority, "http://localhost", 16) != 0)
			return dm_diag_set(diag, DM_EINVAL, NULL, 0, NULL,
					   "AZURE_AUTHORITY_HOST must be an "
					   "https:// URL");
		return DM_OK;
	}
	if (forced && !strcasecmp(forced, "workload-identity"))
		return dm_diag_set(diag, DM_EAUTH, NULL, 0, NULL,
				   "workload identity needs "
				   "AZURE_FEDERATED_TOKEN_FILE, AZURE_CLIENT_ID "
				   "and AZURE_TENANT_ID");
	if (forced && strcasecmp(forced, "managed-identity"))
		return dm_diag_set(diag, DM_EAUTH, NULL, 0, NULL,
				   "DRIFTMON_AZURE_CREDENTIAL=%s but its "
				   "variables are not set",
				   forced);
	/* 5. managed identity */
	c->cred.kind = AZ_CRED_MANAGED;
	s = env("DRIFTMON_AZURE_IMDS_ENDPOINT");
	if (s) {
		c->cred.imds = strdup(s);
	} else if ((s = env("AZURE_POD_IDENTITY_AUTHORITY_HOST"))) {
		size_t l = strlen(s);

		if (asprintf(&c->cred.imds, "%s%smetadata/identity/oauth2/token",
			     s, l && s[l - 1] == '/' ? "" : "/") < 0)
			c->cred.imds = NULL;
	} else {
		c->cred.imds = strdup(AZ_IMDS_DEFAULT);
	}
	if ((s = env("AZURE_CLIENT_ID")))
		c->cred.client_id = strdup(s);
	snprintf(c->cred.source, sizeof(c->cred.source),
		 "managed identity (instance metadata endpoint)");
	return c->cred.imds ? DM_OK : DM_ENOMEM;
}

/* ---- tokens ------------------------------------------------------------------ */
static char *read_small_file(const char *path, size_t max, int *eno)
{
	FILE *fp = fopen(path, "rb");
	char *buf;
	size_t n;

	*eno = 0;
	if (!fp) {
		*eno = errno;
		return NULL;
	}
	buf = malloc(max + 1);
	if (!buf) {
		fclose(fp);
		*eno = ENOMEM;
		return NULL;
	}
	n = fread(buf, 1, max, fp);
	fclose(fp);
	buf[n] = '\0';
	while (n > 0 && isspace((unsigned char)buf[n - 1]))
		buf[--n] = '\0';
	return buf;
}

/* Reads access_token and its lifetime from a token endpoint's JSON. */
static dm_err parse_token(az_client *c, const char *body, const char *who,
			  dm_diag *diag)
{
	json_error_t je;
	json_t *doc = json_loads(body, 0, &je), *tok, *ein, *eon;
	long long life = 3600;
	time_t now = time(NULL);
	dm_err err = DM_OK;

	if (!doc || !json_is_object(doc) ||
	    !json_is_string(tok = json_object_get(doc, "access_token")) ||
	    !*json_string_value(tok)) {
		err = az_fail(c, diag, DM_EAUTH,
			      "%s: the answer has no access_token", who);
		goto out;
	}
	ein = json_object_get(doc, "expires_in");
	eon = json_object_get(doc, "expires_on");
	if (json_is_integer(ein))
		life = json_integer_value(ein);
	else if (json_is_string(ein))
		life = strtoll(json_string_value(ein), NULL, 10);
	else if (json_is_string(eon))
		life = strtoll(json_string_value(eon), NULL, 10) - now;
	else if (json_is_integer(eon))
		life = json_integer_value(eon) - now;
	if (life <= 0)
		life = 60;
	free(c->cred.token);
	c->cred.token = strdup(json_string_value(tok));
	c->cred.token_expires = now + (time_t)life;
	if (!c->cred.token)
		err = DM_ENOMEM;
out:
	json_decref(doc);
	return err;
}

/* "error: description" from an OAuth error answer, for the message. */
static void oauth_error(const char *body, char *out, size_t n)
{
	json_error_t je;
	json_t *doc = body ? json_loads(body, 0, &je) : NULL;
	const char *e = NULL, *d = NULL;

	out[0] = '\0';
	if (doc && json_is_object(doc)) {
		e = json_string_value(json_object_get(doc, "error"));
		d = json_string_value(json_object_get(doc,
						      "error_description"));
	}
	if (e)
		snprintf(out, n, ": %s%s%.200s", e, d ? ": " : "",
			 d ? d : "");
	else if (body && *body)
		snprintf(out, n, ": %.200s", body);
	/* one line */
	for (char *p = out; *p; p++)
		if (*p == '\r' || *p == '\n')
			*p = ' ';
	json_decref(doc);
}

dm_err az_token_refresh(az_client *c, dm_diag *diag)
{
	char *url = NULL, *form = NULL, *body = NULL, *cid = NULL,
	     *scope = NULL, *assert = NULL, why[300];
	const char *who;
	long status = 0;
	dm_err err = DM_OK;
	int eno;

	if (c->cred.kind != AZ_CRED_WORKLOAD && c->cred.kind != AZ_CRED_MANAGED)
		return DM_OK;
	if (c->cred.token && time(NULL) + 300 < c->cred.token_expires)
		return DM_OK;
	if (c->cred.kind == AZ_CRED_WORKLOAD) {
		who = "workload identity token exchange";
		free(c->cred.assertion);
		c->cred.assertion = read_small_file(c->cred.token_file,
						    (size_t)64 << 10, &eno);
		if (!c->cred.assertion || !*c->cred.assertion) {
			err = az_fail(c, diag, DM_EAUTH,
				      "workload identity: cannot read "
				      "AZURE_FEDERATED_TOKEN_FILE '%s': %s",
				      c->cred.token_file,
				      eno ? strerror(eno) : "empty file");
			goto out;
		}
		cid = az_url_encode(c->cred.client_id, 0);
		scope = az_url_encode(AZ_STORAGE_SCOPE, 0);
		assert = az_url_encode(c->cred.assertion, 0);
		if (!cid || !scope || !assert ||
		    asprintf(&url, "%s%s/oauth2/v2.0/token", c->cred.authority,
			     c->cred.tenant_id) < 0 ||
		    asprintf(&form,
			     "grant_type=client_credentials&client_id=%s"
			     "&scope=%s&client_assertion_type=urn%%3Aietf%%3A"
			     "params%%3Aoauth%%3Aclient-assertion-type%%3A"
			     "jwt-bearer&client_assertion=%s",
			     cid, scope, assert) < 0) {
			url = form = NULL;
			err = DM_ENOMEM;
			goto out;
		}
		err = az_http_plain(c, url, form, NULL, who, &body, &status,
				    diag);
	} else {
		who = "managed identity token request";
		scope = az_url_encode(AZ_STORAGE_RESOURCE, 0);
		cid = c->cred.client_id ? az_url_encode(c->cred.client_id, 0)
					: NULL;
		if (!scope || (c->cred.client_id && !cid) ||
		    asprintf(&url, "%s%sapi-version=2018-02-01&resource=%s%s%s",
			     c->cred.imds, strchr(c->cred.imds, '?') ? "&" : "?",
			     scope, cid ? "&client_id=" : "",
			     cid ? cid : "") < 0) {
			url = NULL;
			err = DM_ENOMEM;
			goto out;
		}
		err = az_http_plain(c, url, NULL, "Metadata: true", who, &body,
				    &status, diag);
	}
	if (err == DM_ENET) {
		/* the endpoint could not be reached: an auth failure */
		char msg[sizeof(diag->msg)];

		snprintf(msg, sizeof(msg), "%s", diag ? diag->msg : "");
		err = az_fail(c, diag, DM_EAUTH,
			      "no usable credentials (%s): %s", c->cred.source,
			      msg);
		goto out;
	}
	if (err != DM_OK)
		goto out;
	if (status != 200) {
		oauth_error(body, why, sizeof(why));
		err = az_fail(c, diag, DM_EAUTH, "%s failed (HTTP %ld)%s", who,
			      status, why);
		goto out;
	}
	err = parse_token(c, body, who, diag);
out:
	free(url);
	free(form);
	free(body);
	free(cid);
	free(scope);
	free(assert);
	return err;
}
