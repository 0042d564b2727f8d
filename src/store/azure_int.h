/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Private: the Azure Blob Storage client behind store_azure.c.
 *
 *   azure_redact.c  secrets out of every message, log line and trace
 *   azure_auth.c    connection strings, Shared Key signing (HMAC-SHA256),
 *                   credential selection, Entra tokens (workload
 *                   identity, managed identity)
 *   azure_http.c    one REST call over libcurl: signing per attempt,
 *                   bounded retries with backoff, jitter, Retry-After
 *   azure_xml.c     List Blobs answers (expat)
 *   store_azure.c   the dm_store backend: URLs, get/put/list, ranged
 *                   sources, conditional writes
 *
 * No Azure SDK exists for C in Debian, so this speaks the Blob REST API
 * (version AZ_API_VERSION) directly.  See docs/azure.md.
 */
#ifndef DM_AZURE_INT_H
#define DM_AZURE_INT_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "driftmon/error.h"

#define AZ_API_VERSION "2021-08-06"
/* The storage emulator's well-known account (public, documented by
 * Microsoft; not a secret). */
#define AZ_DEVSTORE_ACCOUNT "devstoreaccount1"
#define AZ_DEVSTORE_KEY                                                        \
	"Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZ"  \
	"FPTOtr/KBHBeksoGMGw=="
#define AZ_STORAGE_SCOPE     "https://storage.azure.com/.default"
#define AZ_STORAGE_RESOURCE  "https://storage.azure.com/"
#define AZ_IMDS_DEFAULT	     "http://169.254.169.254/metadata/identity/oauth2/token"
#define AZ_AUTHORITY_DEFAULT "https://login.microsoftonline.com/"

/* ---- redaction (azure_redact.c) --------------------------------------- */
/*
 * Copies in to out (outsz > 0 bytes; always NUL-terminated, truncated if
 * needed) with secret values replaced by "REDACTED": the value of the
 * query or form fields sig, client_assertion, client_secret, code,
 * access_token, refresh_token, password; of AccountKey= and
 * SharedAccessSignature= in connection strings; of "access_token" /
 * "refresh_token" in JSON; the credentials after "Bearer ", "SharedKey
 * <account>:" and after an Authorization header.  Returns out.
 */
char *az_redact(const char *in, char *out, size_t outsz);
/* Redacts s in place (cap bytes of storage), then replaces every
 * occurrence of each of the n exact secret strings (those of at least 8
 * bytes) with "REDACTED". */
void az_scrub(char *s, size_t cap, const char *const *secrets, size_t n);

/* ---- configuration ------------------------------------------------------ */
typedef struct az_config {
	unsigned attempts;	 /* DRIFTMON_AZURE_ATTEMPTS (5, 1..20) */
	long timeout_ms;	 /* DRIFTMON_AZURE_TIMEOUT_SECONDS (120) */
	long connect_timeout_ms; /* DRIFTMON_AZURE_CONNECT_TIMEOUT_SECONDS (10)
				  */
	long backoff_ms;	 /* DRIFTMON_AZURE_BACKOFF_MS (500) */
	long backoff_max_ms;	 /* DRIFTMON_AZURE_BACKOFF_MAX_MS (30000) */
	size_t put_threshold;	 /* DRIFTMON_AZURE_PUT_THRESHOLD (32 MiB) */
	size_t block_size;	 /* DRIFTMON_AZURE_BLOCK_SIZE (8 MiB) */
	size_t read_ahead;	 /* DRIFTMON_AZURE_READ_AHEAD (1 MiB) */
	size_t list_max;	 /* DRIFTMON_AZURE_LIST_MAX (10,000,000) */
	int create_container;	 /* DRIFTMON_AZURE_CREATE_CONTAINER (1) */
	int allow_http;		 /* DRIFTMON_AZURE_ALLOW_HTTP (0) */
	char ca_bundle[1024];	 /* AZURE_CA_BUNDLE, else CURL_CA_BUNDLE */
	char trace[1024];	 /* DRIFTMON_AZURE_TRACE: a file to append to */
} az_config;

/* Reads the settings above from the environment; DM_EINVAL with the
 * variable's name for a value that is not a number in range. */
dm_err az_config_from_env(az_config *c, dm_diag *diag);

/* ---- connection strings (azure_auth.c) --------------------------------- */
typedef struct az_connstr {
	char *account;	     /* AccountName */
	char *key;	     /* AccountKey (base64) */
	char *sas;	     /* SharedAccessSignature (without '?') */
	char *blob_endpoint; /* BlobEndpoint, without trailing '/' */
	char *protocol;	     /* DefaultEndpointsProtocol */
	char *suffix;	     /* EndpointSuffix */
	int devstore;	     /* UseDevelopmentStorage=true */
} az_connstr;

/* Parses "Key=value;Key=value" (keys case-insensitive; unknown keys
 * ignored).  UseDevelopmentStorage=true fills the emulator's account,
 * key and endpoint (DevelopmentStorageProxyUri if given).  The message on
 * error never quotes the string (it holds secrets). */
dm_err az_connstr_parse(const char *cs, az_connstr *out, dm_diag *diag);
void az_connstr_release(az_connstr *c);

/* ---- Shared Key ------------------------------------------------------------
 */
typedef struct az_param {
	const char *name;  /* lowercase */
	const char *value; /* not encoded */
} az_param;

/*
 * The Shared Key string-to-sign for the Blob service (version
 * 2009-09-19 and later):
 *
 *   VERB \n Content-Encoding \n Content-Language \n Content-Length \n
 *   Content-MD5 \n Content-Type \n Date \n If-Modified-Since \n
 *   If-Match \n If-None-Match \n If-Unmodified-Since \n Range \n
 *   CanonicalizedHeaders CanonicalizedResource
 *
 * headers are the request's headers as "Name: value" (any case; a
 * Content-Length of 0 signs as empty).  CanonicalizedHeaders: the x-ms-*
 * headers, names lowercased, sorted, values with runs of whitespace
 * folded to one space and trimmed, each "name:value\n".
 * CanonicalizedResource: "/" account path, then for each query parameter
 * in name order "\nname:value" (values decoded; repeated names joined
 * with ',' in value order).  path is the URI path exactly as sent
 * (percent-encoded), starting with '/'; for a path-style (emulator) URL
 * it starts with "/<account>".  Returns a malloc'd string or NULL.
 */
char *az_string_to_sign(const char *method, const char *account,
			const char *path, const az_param *query, size_t nquery,
			const char *const *headers, size_t nheaders);
/* base64(HMAC-SHA256(key, sts)) into out (at least 45 bytes).  0 on
 * success. */
int az_hmac_b64(const unsigned char *key, size_t keylen, const char *sts,
		char *out, size_t outsz);
/* Base64 decode / encode (standard alphabet, padding).  Decode returns
 * the length, or -1 on bad input or overflow. */
long az_b64_decode(const char *in, unsigned char *out, size_t outsz);
size_t az_b64_encode(const unsigned char *in, size_t len, char *out,
		     size_t outsz);

/* ---- credentials ----------------------------------------------------------
 */
typedef enum az_cred_kind {
	AZ_CRED_SHARED_KEY = 1,
	AZ_CRED_SAS = 2,
	AZ_CRED_WORKLOAD = 3, /* Entra: federated token -> client credentials */
	AZ_CRED_MANAGED = 4   /* Entra: managed identity via IMDS */
} az_cred_kind;

struct az_client;

typedef struct az_cred {
	az_cred_kind kind;
	char source[96];	/* where it came from, for messages */
	unsigned char key[128]; /* Shared Key (decoded) */
	size_t keylen;
	char *key_b64;	 /* as given (kept to scrub messages) */
	char *sas;	 /* SAS query, no leading '?' */
	char *client_id; /* workload / user-assigned identity */
	char *tenant_id;
	char *token_file;
	char *authority; /* with trailing '/' */
	char *imds;	 /* managed identity endpoint */
	char *token;	 /* current bearer token */
	/* Fetches or renews token (az_token_refresh for the Entra kinds,
	 * set by az_cred_choose; NULL for Shared Key and SAS).  Called by
	 * the HTTP layer before a signed request, through this pointer so
	 * that azure_http.c does not depend on azure_auth.c. */
	dm_err (*refresh)(struct az_client *c, dm_diag *diag);
	time_t token_expires;
	char *assertion; /* last federated token read (scrubbed) */
} az_cred;

void az_cred_release(az_cred *c);

/* ---- the client -------------------------------------------------------------
 */
typedef struct az_stats {
	uint64_t requests; /* HTTP attempts sent */
	uint64_t retries;  /* attempts after the first of a call */
	uint64_t bytes_down;
	uint64_t bytes_up;
} az_stats;

typedef struct az_client {
	pthread_mutex_t mu;
	int refs;   /* the store and each open source */
	void *curl; /* CURL *, reused (keeps connections alive) */
	az_config cfg;
	az_cred cred;
	char *account;
	char *base;	 /* scheme://host[:port] */
	char *acct_path; /* "" (host style) or "/<account>" (path style) */
	char *container;
	char *prefix; /* blob name prefix ("" or "a/b/") */
	char *url;    /* the store URL as given (normalised) */
	FILE *trace;
	az_stats stats;
	uint64_t rng;
} az_client;

typedef struct az_request {
	const char *method; /* GET, HEAD, PUT, DELETE */
	const char *path;   /* after acct_path: "/container[/blob]" encoded */
	az_param query[6];
	size_t nquery;
	const char *headers[8]; /* extra "Name: value" (signed) */
	size_t nheaders;
	const void *body;
	size_t body_len;
	/* The answer's body goes into buf (cap bytes) when buf is set,
	 * else into a malloc'd buffer of at most max_body bytes (0: the
	 * body is discarded). */
	void *buf;
	size_t cap;
	size_t max_body;
	const char *what; /* "GET az://c/k" for messages (no secrets) */
} az_request;

typedef struct az_response {
	long status;
	char *body; /* malloc'd (NUL-terminated) unless the request had buf */
	size_t len; /* bytes of body (in body or in buf) */
	char etag[256];
	char code[128];		 /* x-ms-error-code or the XML <Code> */
	uint64_t content_length; /* valid when has_length */
	int has_length;
	uint64_t total; /* from Content-Range "bytes a-b/total" */
	int has_total;
	int too_big; /* the body passed max_body / cap */
} az_response;

void az_response_release(az_response *rs);

/*
 * Sends rq with the client's credentials, retrying 408, 429, 500, 502,
 * 503, 504 and transport failures up to cfg.attempts times in all with
 * exponential backoff and jitter (Retry-After honoured up to
 * cfg.backoff_max_ms).  Returns DM_OK when an HTTP answer came (any
 * status: the caller decides), with rs filled.  DM_EAUTH at once for 401
 * and 403 (no retry); DM_ENET after the last attempt, the message naming
 * rq->what, the attempts and their outcomes.  Thread-safe.
 */
dm_err az_send(az_client *c, const az_request *rq, az_response *rs,
	       dm_diag *diag);
/*
 * A plain HTTP call for the token endpoints (no Azure signing): POST the
 * form body when form != NULL, else GET; header may be NULL.  Retries as
 * az_send.  *body gets the answer (malloc'd, at most 64 KiB) and *status
 * the HTTP status; DM_OK when an answer came.
 */
dm_err az_http_plain(az_client *c, const char *url, const char *form,
		     const char *header, const char *what, char **body,
		     long *status, dm_diag *diag);
/* Fills the credential's bearer token if missing or within 5 minutes of
 * expiry (azure_auth.c; c->cred.refresh).  DM_EAUTH with a clear message
 * on failure. */
dm_err az_token_refresh(az_client *c, dm_diag *diag);
/* Chooses the credential for c->account (azure_auth.c; see
 * docs/azure.md for the order). cs may be NULL. */
dm_err az_cred_choose(az_client *c, const az_connstr *cs, dm_diag *diag);

/* Percent-encodes s (all but A-Z a-z 0-9 - . _ ~, and '/' when
 * keep_slash).  Returns a malloc'd string or NULL. */
char *az_url_encode(const char *s, int keep_slash);
/* Decodes %XX in place; returns -1 on a bad escape. */
int az_url_decode(char *s);

/* Sets diag from a formatted message after scrubbing the client's
 * secrets from it. */
dm_err az_fail(az_client *c, dm_diag *diag, dm_err err, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* ---- List Blobs (azure_xml.c)
 * ------------------------------------------------ */
typedef struct az_list_page {
	char **names; /* blob names (decoded) */
	size_t n, cap;
	char **prefixes; /* BlobPrefix names (with a delimiter) */
	size_t np, pcap;
	char *next_marker; /* NULL or "" when done */
} az_list_page;

/* Parses one List Blobs answer into pg (appending).  DM_EFORMAT for XML
 * that is not an EnumerationResults document. */
dm_err az_list_parse(const char *xml, size_t len, az_list_page *pg,
		     dm_diag *diag);
void az_list_page_release(az_list_page *pg);
/* The <Code> of an error answer ("" if none) into code. */
void az_error_code(const char *xml, size_t len, char *code, size_t n);

/* ---- the backend (store_azure.c)
 * ---------------------------------------------- */
/* Fills c's account, base, acct_path, container, prefix and url from a
 * store URL (c->cfg must be set; cs may be NULL). */
dm_err az_parse_store_url(az_client *c, const char *url, const az_connstr *cs,
			  dm_diag *diag);
/* Lists the blobs (and, with a delimiter, the BlobPrefixes) whose names
 * start with c->prefix + prefix, following continuation markers.  Names
 * are full blob names, in the service's order. */
dm_err az_list(az_client *c, const char *prefix, const char *delimiter,
	       az_list_page *out, dm_diag *diag);

#endif
