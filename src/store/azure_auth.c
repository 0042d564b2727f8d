/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Azure credentials: settings from the environment, connection strings,
 * choosing the credential and fetching Microsoft Entra tokens.  Signing
 * (Shared Key, URL and base64 encoding) is azure_sign.c: it fetches
 * nothing.  The HTTP layer (azure_http.c) calls back into the token
 * fetch through az_client.token_refresh, which az_cred_choose sets, so
 * that fetching a token over HTTP and sending a signed request over
 * HTTP do not depend on each other.
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
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/util.h"
#include "store/azure_int.h"

/* ---- settings -------------------------------------------------------------
 */
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
#define NUM(name, lo, hi, field, mul)                                          \
	do {                                                                   \
		v = 0;                                                         \
		if (env_num(name, lo, hi, &v, diag) < 0)                       \
			return DM_EINVAL;                                      \
		if (v)                                                         \
			c->field = (__typeof__(c->field))(v * (mul));          \
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

/* ---- connection strings ----------------------------------------------------
 */
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

/* Where the value of key p[0 .. kl) goes in out (*proxy: the
 * development storage's proxy); NULL for a key that is not kept.
 * UseDevelopmentStorage sets out->devstore from val. */
static char **connstr_slot(az_connstr *out, const char *p, size_t kl,
			   const char *val, char **proxy)
{
#define KEY(k) (kl == strlen(k) && !strncasecmp(p, k, kl))
	if (KEY("AccountName"))
		return &out->account;
	if (KEY("AccountKey"))
		return &out->key;
	if (KEY("SharedAccessSignature"))
		return &out->sas;
	if (KEY("BlobEndpoint"))
		return &out->blob_endpoint;
	if (KEY("DefaultEndpointsProtocol"))
		return &out->protocol;
	if (KEY("EndpointSuffix"))
		return &out->suffix;
	if (KEY("DevelopmentStorageProxyUri"))
		return proxy;
	if (KEY("UseDevelopmentStorage"))
		out->devstore = !strcasecmp(val, "true");
#undef KEY
	return NULL;
}

/* The Key=value pairs of cs (separated by ';') into out and *proxy. */
static dm_err connstr_pairs(const char *cs, az_connstr *out, char **proxy,
			    dm_diag *diag)
{
	const char *p = cs;

	while (p && *p) {
		const char *end = strchr(p, ';'), *eq;
		size_t n = end ? (size_t)(end - p) : strlen(p), kl;
		char **slot, *val;

		while (n > 0 && isspace((unsigned char)*p)) {
			p++;
			n--;
		}
		eq = memchr(p, '=', n);
		if (n == 0) {
			p = end ? end + 1 : NULL;
			continue;
		}
		if (!eq)
			return dm_diag_set(diag, DM_EINVAL, NULL, 0, NULL,
					   "AZURE_STORAGE_CONNECTION_STRING: "
					   "expected Key=value pairs separated "
					   "by ';'");
		kl = (size_t)(eq - p);
		val = util_dupn(eq + 1, n - kl - 1);
		if (!val)
			return DM_ENOMEM;
		slot = connstr_slot(out, p, kl, val, proxy);
		if (slot) {
			free(*slot);
			*slot = val;
		} else {
			free(val);
		}
		p = end ? end + 1 : NULL;
	}
	return DM_OK;
}

/* The storage emulator's account, key and endpoint (on proxy, or on
 * 127.0.0.1:10000). */
static dm_err connstr_devstore(az_connstr *out, char *proxy)
{
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
		out->blob_endpoint =
			strdup("http://127.0.0.1:10000/" AZ_DEVSTORE_ACCOUNT);
	}
	if (!out->account || !out->key || !out->blob_endpoint)
		return DM_ENOMEM;
	return DM_OK;
}

dm_err az_connstr_parse(const char *cs, az_connstr *out, dm_diag *diag)
{
	char *proxy = NULL;
	dm_err err;

	memset(out, 0, sizeof(*out));
	if ((err = connstr_pairs(cs, out, &proxy, diag)) != DM_OK)
		goto out;
	if (out->devstore && (err = connstr_devstore(out, proxy)) != DM_OK)
		goto out;
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
	if (!out->key && !out->sas)
		err = dm_diag_set(diag, DM_EINVAL, NULL, 0, NULL,
				  "AZURE_STORAGE_CONNECTION_STRING: neither "
				  "AccountKey nor SharedAccessSignature");
out:
	free(proxy);
	if (err != DM_OK)
		az_connstr_release(out);
	return err;
}

/* ---- credentials -----------------------------------------------------------
 */
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

/* Workload identity: the federated token file, client and tenant from
 * the environment (the authority: AZURE_AUTHORITY_HOST, https). */
static dm_err set_workload(az_client *c, dm_diag *diag)
{
	const char *auth = env("AZURE_AUTHORITY_HOST"), *s;
	size_t al;

	c->cred.kind = AZ_CRED_WORKLOAD;
	c->cred.refresh = az_token_refresh;
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
	if (!c->cred.client_id || !c->cred.tenant_id || !c->cred.token_file ||
	    !c->cred.authority)
		return DM_ENOMEM;
	for (s = c->cred.tenant_id; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '-' && *s != '.')
			return dm_diag_set(diag, DM_EINVAL, NULL, 0, NULL,
					   "invalid AZURE_TENANT_ID");
	if (strncmp(c->cred.authority, "https://", 8) != 0 &&
	    strncmp(c->cred.authority, "http://127.0.0.1", 16) != 0 &&
	    strncmp(c->cred.authority, "http://localhost", 16) != 0)
		return dm_diag_set(diag, DM_EINVAL, NULL, 0, NULL,
				   "AZURE_AUTHORITY_HOST must be an "
				   "https:// URL");
	return DM_OK;
}

/* Managed identity: the instance metadata endpoint (or the pod
 * identity's), with AZURE_CLIENT_ID when set. */
static dm_err set_managed(az_client *c)
{
	const char *s;

	c->cred.kind = AZ_CRED_MANAGED;
	c->cred.refresh = az_token_refresh;
	s = env("DRIFTMON_AZURE_IMDS_ENDPOINT");
	if (s) {
		c->cred.imds = strdup(s);
	} else if ((s = env("AZURE_POD_IDENTITY_AUTHORITY_HOST"))) {
		size_t l = strlen(s);

		if (asprintf(&c->cred.imds,
			     "%s%smetadata/identity/oauth2/token", s,
			     l && s[l - 1] == '/' ? "" : "/") < 0)
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
			return set_key(
				c, cs->key,
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
	    env("AZURE_TENANT_ID"))
		return set_workload(c, diag);
	if (forced && !strcasecmp(forced, "workload-identity"))
		return dm_diag_set(
			diag, DM_EAUTH, NULL, 0, NULL,
			"workload identity needs "
			"AZURE_FEDERATED_TOKEN_FILE, AZURE_CLIENT_ID "
			"and AZURE_TENANT_ID");
	if (forced && strcasecmp(forced, "managed-identity"))
		return dm_diag_set(diag, DM_EAUTH, NULL, 0, NULL,
				   "DRIFTMON_AZURE_CREDENTIAL=%s but its "
				   "variables are not set",
				   forced);
	/* 5. managed identity */
	return set_managed(c);
}

/* ---- tokens
 * ------------------------------------------------------------------ */
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
		d = json_string_value(
			json_object_get(doc, "error_description"));
	}
	if (e)
		snprintf(out, n, ": %s%s%.200s", e, d ? ": " : "", d ? d : "");
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
			     c->cred.imds,
			     strchr(c->cred.imds, '?') ? "&" : "?", scope,
			     cid ? "&client_id=" : "", cid ? cid : "") < 0) {
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
