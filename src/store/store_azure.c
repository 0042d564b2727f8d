/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The Azure Blob Storage backend (see docs/azure.md).
 *
 *   az://<container>[/<prefix>]                          account from the env
 *   https://<account>.blob.core.windows.net/<container>[/<prefix>]
 *   http://127.0.0.1:10000/devstoreaccount1/<container>[/<prefix>]  emulator
 *
 * A key maps to the blob "<prefix>/<key>" in the container.  Semantics
 * match the local folder:
 *
 *   get    Get Blob; DM_ENOENT for a missing blob (or container).
 *   put    atomic whole-object replace: one Put Blob up to
 *          DRIFTMON_AZURE_PUT_THRESHOLD, above it Put Block x N + Put Block
 *          List, which commits all blocks at once.  Block IDs carry a
 *          random per-upload nonce, so two writers racing on one blob
 *          never commit each other's blocks.  A missing container is
 *          created on the first write (as a folder's parents are).
 *   list   List Blobs with the prefix, following continuation markers,
 *          then sorted (byte order, as the local store sorts).
 *   source Get Blob Properties (size, ETag), then ranged Get Blob calls
 *          with If-Match: a blob replaced while it is being read fails
 *          with DM_ECONFLICT instead of mixing two versions.  Reads far
 *          apart (Parquet: footer, then column chunks) fetch what is
 *          asked; sequential reads (CSV) fetch a growing window.
 *   put_if / get_tagged   conditional writes on ETags (If-Match,
 *          If-None-Match: *) for reports that racing runs replace.
 *
 * The client (connection, credentials, counters) is reference-counted:
 * sources opened from the store keep it alive after dm_store_free.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "core/util.h"
#include "store/azure_int.h"
#include "store/store_int.h"

#define LIST_PAGE  "5000"
#define MIN_WINDOW ((size_t)64 << 10)

static az_client *AZ(const dm_store *s)
{
	return (az_client *)s->impl;
}

static void client_unref(az_client *c)
{
	int last;

	if (!c)
		return;
	pthread_mutex_lock(&c->mu);
	last = --c->refs == 0;
	pthread_mutex_unlock(&c->mu);
	if (!last)
		return;
	if (c->curl)
		curl_easy_cleanup(c->curl);
	if (c->trace)
		fclose(c->trace);
	az_cred_release(&c->cred);
	free(c->account);
	free(c->base);
	free(c->acct_path);
	free(c->container);
	free(c->prefix);
	free(c->url);
	pthread_mutex_destroy(&c->mu);
	memset(c, 0, sizeof(*c));
	free(c);
}

/* "/<container>/<encoded prefix+key>" (malloc'd) */
static char *blob_path(const az_client *c, const char *key)
{
	char *name = NULL, *enc, *out = NULL;

	if (asprintf(&name, "%s%s", c->prefix, key) < 0)
		return NULL;
	enc = az_url_encode(name, 1);
	free(name);
	if (enc && asprintf(&out, "/%s/%s", c->container, enc) < 0)
		out = NULL;
	free(enc);
	return out;
}

static char *az_location(const dm_store *s, const char *key)
{
	char *p = NULL;

	if (asprintf(&p, "%s/%s", AZ(s)->url, key) < 0)
		return NULL;
	return p;
}

static const char *content_type(const char *key)
{
	const char *dot = strrchr(key, '.');

	if (!dot)
		return "application/octet-stream";
	if (!strcasecmp(dot, ".json"))
		return "application/json";
	if (!strcasecmp(dot, ".csv"))
		return "text/csv";
	if (!strcasecmp(dot, ".html"))
		return "text/html; charset=utf-8";
	if (!strcasecmp(dot, ".parquet"))
		return "application/vnd.apache.parquet";
	return "application/octet-stream";
}

/* A failed answer as one message: "HTTP 409 LeaseIdMissing". */
static dm_err bad_status(az_client *c, dm_diag *diag, const char *what,
			 const az_response *rs)
{
	return az_fail(c, diag, rs->status == 404 ? DM_ENOENT : DM_ENET,
		       "%s: HTTP %ld%s%s", what, rs->status,
		       rs->code[0] ? " " : "", rs->code);
}

/* ---- get
 * ---------------------------------------------------------------------- */
static dm_err get_blob(az_client *c, const char *key, size_t max, char **data,
		       size_t *len, char **etag, dm_diag *diag)
{
	az_request rq;
	az_response rs;
	char *path = blob_path(c, key), *what = NULL;
	dm_err err;

	*data = NULL;
	*len = 0;
	if (etag)
		*etag = NULL;
	if (!path || asprintf(&what, "GET %s/%s", c->url, key) < 0) {
		free(path);
		return DM_ENOMEM;
	}
	memset(&rq, 0, sizeof(rq));
	rq.method = "GET";
	rq.path = path;
	rq.max_body = max;
	rq.what = what;
	err = az_send(c, &rq, &rs, diag);
	if (err != DM_OK)
		goto out;
	if (rs.status == 404) {
		err = az_fail(c, diag, DM_ENOENT, "%s/%s: no such blob%s%s",
			      c->url, key, rs.code[0] ? " " : "", rs.code);
		goto out;
	}
	if (rs.too_big || (rs.has_length && rs.content_length > max)) {
		err = az_fail(c, diag, DM_ETOOBIG,
			      "%s/%s: larger than %zu bytes", c->url, key, max);
		goto out;
	}
	if (rs.status != 200) {
		err = bad_status(c, diag, what, &rs);
		goto out;
	}
	if (!rs.body) {
		rs.body = calloc(1, 1);
		if (!rs.body) {
			err = DM_ENOMEM;
			goto out;
		}
	}
	if (etag && !(*etag = strdup(rs.etag))) {
		err = DM_ENOMEM;
		goto out;
	}
	*data = rs.body;
	*len = rs.len;
	rs.body = NULL;
out:
	az_response_release(&rs);
	free(what);
	free(path);
	return err;
}

static dm_err az_get(dm_store *s, const char *key, size_t max, char **data,
		     size_t *len, dm_diag *diag)
{
	return get_blob(AZ(s), key, max, data, len, NULL, diag);
}

static dm_err az_get_tagged(dm_store *s, const char *key, size_t max,
			    char **data, size_t *len, char **etag,
			    dm_diag *diag)
{
	return get_blob(AZ(s), key, max, data, len, etag, diag);
}

/* ---- put
 * ---------------------------------------------------------------------- */
static dm_err create_container(az_client *c, dm_diag *diag)
{
	az_request rq;
	az_response rs;
	char *path = NULL, *what = NULL;
	dm_err err;

	if (asprintf(&path, "/%s", c->container) < 0)
		return DM_ENOMEM;
	if (asprintf(&what, "create container '%s'", c->container) < 0) {
		free(path);
		return DM_ENOMEM;
	}
	memset(&rq, 0, sizeof(rq));
	rq.method = "PUT";
	rq.path = path;
	rq.query[0].name = "restype";
	rq.query[0].value = "container";
	rq.nquery = 1;
	rq.what = what;
	err = az_send(c, &rq, &rs, diag);
	if (err == DM_OK && rs.status != 201 && rs.status != 409)
		err = bad_status(c, diag, what, &rs);
	az_response_release(&rs);
	free(what);
	free(path);
	return err;
}

/* Sends one write; on a missing container creates it (once) and resends. */
static dm_err send_write(az_client *c, const az_request *rq, az_response *rs,
			 int *created, dm_diag *diag)
{
	dm_err err = az_send(c, rq, rs, diag);

	if (err == DM_OK && rs->status == 404 &&
	    !strcmp(rs->code, "ContainerNotFound") && c->cfg.create_container &&
	    !*created) {
		az_response_release(rs);
		*created = 1;
		err = create_container(c, diag);
		if (err == DM_OK)
			err = az_send(c, rq, rs, diag);
	}
	return err;
}

static dm_err write_result(az_client *c, const az_response *rs,
			   const char *what, dm_diag *diag)
{
	if (rs->status == 201)
		return DM_OK;
	if (rs->status == 412 ||
	    (rs->status == 409 && !strcmp(rs->code, "BlobAlreadyExists")))
		return az_fail(c, diag, DM_ECONFLICT,
			       "%s: changed by another writer (HTTP %ld%s%s)",
			       what, rs->status, rs->code[0] ? " " : "",
			       rs->code);
	if (rs->status == 404 && !strcmp(rs->code, "ContainerNotFound"))
		return az_fail(c, diag, DM_ENOENT,
			       "%s: container '%s' does not exist (and "
			       "DRIFTMON_AZURE_CREATE_CONTAINER=0)",
			       what, c->container);
	return bad_status(c, diag, what, rs);
}

/* Sends one write (after releasing the last answer) and checks its
 * status. */
static dm_err send_checked(az_client *c, const az_request *rq, az_response *rs,
			   int *created, const char *what, dm_diag *diag)
{
	dm_err err;

	az_response_release(rs);
	err = send_write(c, rq, rs, created, diag);
	if (err == DM_OK)
		err = write_result(c, rs, what, diag);
	return err;
}

/* Azure's most blocks per blob. */
#define AZ_MAX_BLOCKS 50000
/* The answer kept of a write: an error's XML. */
#define WRITE_ANSWER_MAX 4096
/* Room in the block list per block ("<Latest>", a 32-character id,
 * "</Latest>") and for its frame. */
#define BLOCKLIST_PER_BLOCK 80
#define BLOCKLIST_FRAME	    128

/* A nonce for one upload's block ids: the client's generator (a 64-bit
 * LCG, Knuth's MMIX constants) stirred with the clock and the pid. */
static unsigned long long block_nonce(az_client *c)
{
	unsigned long long nonce;
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	pthread_mutex_lock(&c->mu);
	c->rng ^= (uint64_t)ts.tv_nsec * 0x9e3779b97f4a7c15ull ^
		  (uint64_t)getpid();
	c->rng = c->rng * 6364136223846793005ull + 1442695040888963407ull;
	nonce = (unsigned long long)c->rng;
	pthread_mutex_unlock(&c->mu);
	return nonce;
}

/* A large blob: its blocks of DRIFTMON_AZURE_BLOCK_SIZE, then the block
 * list that commits them (condh: the condition header, or NULL). */
static dm_err put_blocks(az_client *c, az_request *rq, az_response *rs,
			 const char *key, const void *data, size_t len,
			 const char *condh, int *created, dm_diag *diag)
{
	unsigned long long nonce = block_nonce(c);
	size_t bs = c->cfg.block_size, xl = 0, xcap, i;
	size_t nblocks = (len + bs - 1) / bs;
	char *xml, ctype[128];
	dm_err err = DM_OK;

	if (nblocks > AZ_MAX_BLOCKS)
		return az_fail(c, diag, DM_ETOOBIG,
			       "%s: %zu bytes need more than 50,000 "
			       "blocks of DRIFTMON_AZURE_BLOCK_SIZE=%zu",
			       rq->what, len, bs);
	xcap = nblocks * BLOCKLIST_PER_BLOCK + BLOCKLIST_FRAME;
	if (!(xml = malloc(xcap)))
		return DM_ENOMEM;
	xl = (size_t)snprintf(xml, xcap,
			      "<?xml version=\"1.0\" "
			      "encoding=\"utf-8\"?><BlockList>");
	for (i = 0; i < nblocks; i++) {
		char raw[40], b64[64];
		size_t off = i * bs;

		snprintf(raw, sizeof(raw), "dm-%016llx-%06zu", nonce, i);
		az_b64_encode((const unsigned char *)raw, strlen(raw), b64,
			      sizeof(b64));
		xl += (size_t)snprintf(xml + xl, xcap - xl,
				       "<Latest>%s</Latest>", b64);
		memset(&rq->query, 0, sizeof(rq->query));
		rq->query[0].name = "comp";
		rq->query[0].value = "block";
		rq->query[1].name = "blockid";
		rq->query[1].value = b64;
		rq->nquery = 2;
		rq->nheaders = 0;
		rq->body = (const char *)data + off;
		rq->body_len = len - off < bs ? len - off : bs;
		err = send_checked(c, rq, rs, created, rq->what, diag);
		if (err != DM_OK)
			goto out;
	}
	xl += (size_t)snprintf(xml + xl, xcap - xl, "</BlockList>");
	snprintf(ctype, sizeof(ctype), "x-ms-blob-content-type: %s",
		 content_type(key));
	memset(&rq->query, 0, sizeof(rq->query));
	rq->query[0].name = "comp";
	rq->query[0].value = "blocklist";
	rq->nquery = 1;
	rq->nheaders = 0;
	rq->headers[rq->nheaders++] = ctype;
	rq->headers[rq->nheaders++] = "Content-Type: application/xml";
	if (condh)
		rq->headers[rq->nheaders++] = condh;
	rq->body = xml;
	rq->body_len = xl;
	err = send_checked(c, rq, rs, created, rq->what, diag);
out:
	free(xml);
	return err;
}

/*
 * Writes key.  cond: NULL = unconditional; "" = only if absent
 * (If-None-Match: *); else If-Match: cond.
 */
static dm_err put_blob(az_client *c, const char *key, const void *data,
		       size_t len, const char *cond, dm_diag *diag)
{
	az_request rq;
	az_response rs;
	char *path = blob_path(c, key), *what = NULL, *condh = NULL, ctype[128];
	int created = 0;
	dm_err err = DM_OK;

	memset(&rs, 0, sizeof(rs));
	if (!path || asprintf(&what, "PUT %s/%s", c->url, key) < 0) {
		free(path);
		return DM_ENOMEM;
	}
	if (cond && asprintf(&condh, *cond ? "If-Match: %s" : "%s",
			     *cond ? cond : "If-None-Match: *") < 0) {
		condh = NULL;
		err = DM_ENOMEM;
		goto out;
	}
	memset(&rq, 0, sizeof(rq));
	rq.path = path;
	rq.method = "PUT";
	rq.what = what;
	rq.max_body = WRITE_ANSWER_MAX;
	if (len > c->cfg.put_threshold) {
		err = put_blocks(c, &rq, &rs, key, data, len, condh, &created,
				 diag);
		goto out;
	}
	snprintf(ctype, sizeof(ctype), "Content-Type: %s", content_type(key));
	rq.headers[rq.nheaders++] = "x-ms-blob-type: BlockBlob";
	rq.headers[rq.nheaders++] = ctype;
	if (condh)
		rq.headers[rq.nheaders++] = condh;
	rq.body = data;
	rq.body_len = len;
	err = send_checked(c, &rq, &rs, &created, what, diag);
out:
	az_response_release(&rs);
	free(condh);
	free(what);
	free(path);
	return err;
}

static dm_err az_put(dm_store *s, const char *key, const void *data, size_t len,
		     dm_diag *diag)
{
	return put_blob(AZ(s), key, data, len, NULL, diag);
}

static dm_err az_put_if(dm_store *s, const char *key, const void *data,
			size_t len, const char *etag, dm_diag *diag)
{
	return put_blob(AZ(s), key, data, len, etag ? etag : "", diag);
}

static dm_err az_del(dm_store *s, const char *key, dm_diag *diag)
{
	az_client *c = AZ(s);
	az_request rq;
	az_response rs;
	char *path = blob_path(c, key), *what = NULL;
	dm_err err;

	if (!path || asprintf(&what, "DELETE %s/%s", c->url, key) < 0) {
		free(path);
		return DM_ENOMEM;
	}
	memset(&rq, 0, sizeof(rq));
	rq.method = "DELETE";
	rq.path = path;
	rq.what = what;
	rq.max_body = 4096;
	err = az_send(c, &rq, &rs, diag);
	if (err == DM_OK && rs.status != 202 && rs.status != 200)
		err = bad_status(c, diag, what, &rs);
	az_response_release(&rs);
	free(what);
	free(path);
	return err;
}

/* ---- list
 * ------------------------------------------------------------------------ */
dm_err az_list(az_client *c, const char *prefix, const char *delimiter,
	       az_list_page *out, dm_diag *diag)
{
	char *full = NULL, *path = NULL, *what = NULL, *marker = NULL;
	dm_err err = DM_OK;

	memset(out, 0, sizeof(*out));
	if (asprintf(&full, "%s%s", c->prefix, prefix) < 0 ||
	    asprintf(&path, "/%s", c->container) < 0 ||
	    asprintf(&what, "list %s/%s", c->url, prefix) < 0) {
		err = DM_ENOMEM;
		goto out;
	}
	for (;;) {
		az_request rq;
		az_response rs;

		memset(&rq, 0, sizeof(rq));
		rq.method = "GET";
		rq.path = path;
		rq.query[rq.nquery].name = "restype";
		rq.query[rq.nquery++].value = "container";
		rq.query[rq.nquery].name = "comp";
		rq.query[rq.nquery++].value = "list";
		if (*full) {
			rq.query[rq.nquery].name = "prefix";
			rq.query[rq.nquery++].value = full;
		}
		if (delimiter) {
			rq.query[rq.nquery].name = "delimiter";
			rq.query[rq.nquery++].value = delimiter;
		}
		rq.query[rq.nquery].name = "maxresults";
		rq.query[rq.nquery++].value = LIST_PAGE;
		if (marker) {
			rq.query[rq.nquery].name = "marker";
			rq.query[rq.nquery++].value = marker;
		}
		rq.max_body = (size_t)64 << 20;
		rq.what = what;
		err = az_send(c, &rq, &rs, diag);
		if (err != DM_OK)
			goto out;
		if (rs.status == 404 && !strcmp(rs.code, "ContainerNotFound")) {
			az_response_release(&rs);
			break; /* like a missing folder: nothing under it */
		}
		if (rs.status != 200 || !rs.body) {
			err = bad_status(c, diag, what, &rs);
			az_response_release(&rs);
			goto out;
		}
		err = az_list_parse(rs.body, rs.len, out, diag);
		az_response_release(&rs);
		if (err != DM_OK)
			goto out;
		if (out->n + out->np > c->cfg.list_max) {
			err = az_fail(c, diag, DM_ETOOBIG,
				      "%s: more than DRIFTMON_AZURE_LIST_MAX="
				      "%zu blobs",
				      what, c->cfg.list_max);
			goto out;
		}
		free(marker);
		marker = NULL;
		if (!out->next_marker || !*out->next_marker)
			break;
		marker = strdup(out->next_marker);
		if (!marker) {
			err = DM_ENOMEM;
			goto out;
		}
	}
out:
	free(marker);
	free(full);
	free(path);
	free(what);
	if (err != DM_OK)
		az_list_page_release(out);
	return err;
}

static int key_usable(const char *k)
{
	const char *p;

	if (!util_key_path_ok(k))
		return 0;
	for (p = k; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return 0;
	return 1;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static dm_err az_list_keys(dm_store *s, const char *prefix, char ***keys,
			   size_t *n, dm_diag *diag)
{
	az_client *c = AZ(s);
	az_list_page pg;
	size_t i, m = 0, pl = strlen(c->prefix);
	dm_err err;

	err = az_list(c, prefix, NULL, &pg, diag);
	if (err != DM_OK)
		return err;
	for (i = 0; i < pg.n; i++) {
		char *name = pg.names[i];

		if (strncmp(name, c->prefix, pl) != 0 ||
		    !key_usable(name + pl)) {
			free(name);
			continue;
		}
		if (pl)
			memmove(name, name + pl, strlen(name + pl) + 1);
		pg.names[m++] = name;
	}
	pg.n = m;
	if (m)
		qsort(pg.names, m, sizeof(*pg.names), cmp_str);
	*keys = pg.names;
	*n = m;
	pg.names = NULL;
	pg.n = 0;
	az_list_page_release(&pg);
	return DM_OK;
}

/* ---- ranged sources
 * ---------------------------------------------------------------- */
typedef struct az_src {
	dm_source base;
	az_client *c;
	char *path;
	char *what;
	char etag[256];
	unsigned char *win; /* the last window fetched */
	size_t wcap, wlen;
	uint64_t woff;
	uint64_t last_end; /* end of the last fetch */
	size_t seq;	   /* current window for sequential reads */
} az_src;

/* Fetches [off, off + len) into dst; *got may be short at the end. */
static dm_err fetch(az_src *a, uint64_t off, size_t len, void *dst, size_t *got,
		    dm_diag *diag)
{
	az_request rq;
	az_response rs;
	char range[80], ifm[300];
	dm_err err;

	*got = 0;
	snprintf(range, sizeof(range), "Range: bytes=%llu-%llu",
		 (unsigned long long)off, (unsigned long long)(off + len - 1));
	snprintf(ifm, sizeof(ifm), "If-Match: %s", a->etag);
	memset(&rq, 0, sizeof(rq));
	rq.method = "GET";
	rq.path = a->path;
	rq.headers[rq.nheaders++] = range;
	if (a->etag[0])
		rq.headers[rq.nheaders++] = ifm;
	rq.buf = dst;
	rq.cap = len;
	rq.what = a->what;
	err = az_send(a->c, &rq, &rs, diag);
	if (err != DM_OK)
		return err;
	if (rs.status == 412)
		err = az_fail(a->c, diag, DM_ECONFLICT,
			      "%s: the blob was replaced while being read",
			      a->what);
	else if (rs.status == 416)
		err = DM_OK; /* past the end: nothing */
	else if (rs.status == 404)
		err = az_fail(a->c, diag, DM_ENOENT,
			      "%s: the blob was deleted while being read",
			      a->what);
	else if (rs.too_big)
		err = az_fail(a->c, diag, DM_EFORMAT,
			      "%s: the service sent more than the %zu bytes "
			      "asked for",
			      a->what, len);
	else if (rs.status == 206 || (rs.status == 200 && off == 0))
		*got = rs.len;
	else
		err = bad_status(a->c, diag, a->what, &rs);
	a->last_end = off + *got;
	az_response_release(&rs);
	return err;
}

static dm_err src_read(dm_source *src, uint64_t off, void *buf, size_t len,
		       size_t *got, dm_diag *diag)
{
	az_src *a = (az_src *)src;
	unsigned char *out = buf;
	size_t done = 0;
	dm_err err = DM_OK;

	*got = 0;
	if (off >= src->size || len == 0)
		return DM_OK;
	if (len > src->size - off)
		len = (size_t)(src->size - off);
	while (done < len) {
		uint64_t at = off + done;
		size_t want = len - done, n, fetched;

		/* from the window */
		if (a->wlen && at >= a->woff && at < a->woff + a->wlen) {
			n = (size_t)(a->woff + a->wlen - at);
			if (n > want)
				n = want;
			memcpy(out + done, a->win + (at - a->woff), n);
			done += n;
			continue;
		}
		/* sequential reads fetch a growing window; others what
		 * they ask */
		if (at == a->last_end && a->last_end) {
			a->seq = a->seq ? a->seq * 2 : MIN_WINDOW;
			if (a->seq > a->c->cfg.read_ahead)
				a->seq = a->c->cfg.read_ahead;
		} else {
			a->seq = 0;
		}
		if (want >= a->seq) {
			err = fetch(a, at, want, out + done, &fetched, diag);
			if (err != DM_OK)
				break;
			done += fetched;
			if (fetched < want)
				break;
			continue;
		}
		n = a->seq;
		if (n > src->size - at)
			n = (size_t)(src->size - at);
		if (n > a->wcap) {
			unsigned char *w = realloc(a->win, n);

			if (!w) {
				err = DM_ENOMEM;
				break;
			}
			a->win = w;
			a->wcap = n;
		}
		a->wlen = 0;
		err = fetch(a, at, n, a->win, &fetched, diag);
		if (err != DM_OK)
			break;
		a->woff = at;
		a->wlen = fetched;
		if (!fetched)
			break;
	}
	src->bytes_read += done;
	*got = done;
	return err;
}

static void src_close(dm_source *src)
{
	az_src *a = (az_src *)src;

	if (!a)
		return;
	client_unref(a->c);
	free(a->path);
	free(a->what);
	free(a->win);
	free(src->name);
	free(a);
}

static dm_err az_open_source(dm_store *s, const char *key, dm_source **out,
			     dm_diag *diag)
{
	az_client *c = AZ(s);
	az_request rq;
	az_response rs;
	az_src *a = calloc(1, sizeof(*a));
	dm_err err;

	*out = NULL;
	if (!a)
		return DM_ENOMEM;
	a->path = blob_path(c, key);
	a->base.name = az_location(s, key);
	if (!a->path || !a->base.name ||
	    asprintf(&a->what, "GET %s", a->base.name) < 0) {
		a->what = NULL;
		err = DM_ENOMEM;
		goto fail;
	}
	memset(&rq, 0, sizeof(rq));
	rq.method = "HEAD";
	rq.path = a->path;
	rq.what = a->what;
	err = az_send(c, &rq, &rs, diag);
	if (err != DM_OK)
		goto fail;
	if (rs.status == 404) {
		err = az_fail(c, diag, DM_ENOENT, "%s: no such blob",
			      a->base.name);
	} else if (rs.status != 200 || !rs.has_length) {
		err = bad_status(c, diag, a->what, &rs);
	}
	a->base.size = rs.content_length;
	snprintf(a->etag, sizeof(a->etag), "%s", rs.etag);
	az_response_release(&rs);
	if (err != DM_OK)
		goto fail;
	a->base.read = src_read;
	a->base.close = src_close;
	a->base.impl = a;
	pthread_mutex_lock(&c->mu);
	c->refs++;
	pthread_mutex_unlock(&c->mu);
	a->c = c;
	*out = &a->base;
	return DM_OK;
fail:
	free(a->path);
	free(a->what);
	free(a->base.name);
	free(a);
	return err;
}

static void az_stats_get(const dm_store *s, dm_store_stats *st)
{
	az_client *c = AZ(s);

	pthread_mutex_lock(&c->mu);
	st->requests = c->stats.requests;
	st->retries = c->stats.retries;
	st->bytes_down = c->stats.bytes_down;
	st->bytes_up = c->stats.bytes_up;
	pthread_mutex_unlock(&c->mu);
}

static void az_free(dm_store *s)
{
	if (!s)
		return;
	client_unref(AZ(s));
	free(s);
}

static const store_ops azure_ops = {
	.name = "azure",
	.get = az_get,
	.put = az_put,
	.list = az_list_keys,
	.open_source = az_open_source,
	.location = az_location,
	.free = az_free,
	.get_tagged = az_get_tagged,
	.put_if = az_put_if,
	.del = az_del,
	.stats = az_stats_get,
};

/* ---- URLs
 * -----------------------------------------------------------------------------
 */
static int container_ok(const char *s)
{
	size_t n = strlen(s), i;

	if (n < 3 || n > 63 || s[0] == '-' || s[n - 1] == '-')
		return 0;
	for (i = 0; i < n; i++) {
		char ch = s[i];

		if (!(islower((unsigned char)ch) ||
		      isdigit((unsigned char)ch) || ch == '-'))
			return 0;
		if (ch == '-' && s[i + 1] == '-')
			return 0;
	}
	return 1;
}

static int account_ok(const char *s)
{
	size_t n = strlen(s), i;

	if (n < 3 || n > 24)
		return 0;
	for (i = 0; i < n; i++)
		if (!islower((unsigned char)s[i]) &&
		    !isdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

static int loopback(const char *host)
{
	return !strncmp(host, "127.", 4) || !strcmp(host, "localhost") ||
	       !strcmp(host, "[::1]");
}

/* Splits "scheme://host[:port]/rest" into base and rest ("" or "/..."). */
static dm_err split_endpoint(const char *u, char **base, char **rest,
			     char **host)
{
	const char *h = strstr(u, "://"), *slash, *colon;

	*base = *rest = *host = NULL;
	if (!h)
		return DM_EINVAL;
	h += 3;
	slash = strchr(h, '/');
	if (!slash)
		slash = h + strlen(h);
	*base = strndup(u, (size_t)(slash - u));
	*rest = strdup(slash);
	colon = h[0] == '[' ? strchr(h, ']') : NULL;
	if (colon)
		colon = colon + 1;
	else
		colon = memchr(h, ':', (size_t)(slash - h));
	if (!colon || colon > slash)
		colon = slash;
	*host = strndup(h, (size_t)(colon - h));
	if (!*base || !*rest || !*host) {
		free(*base);
		free(*rest);
		free(*host);
		*base = *rest = *host = NULL;
		return DM_ENOMEM;
	}
	return DM_OK;
}

#define AZ_SCHEME     "az://"
#define AZ_SCHEME_LEN (sizeof(AZ_SCHEME) - 1)
/* Characters of a rejected URL quoted in its message. */
#define URL_SHOWN_MAX		200
#define DEFAULT_ENDPOINT_SUFFIX "core.windows.net"

/*
 * az:// with an endpoint from the connection string (BlobEndpoint): the
 * account, when not given, is the endpoint's (<acct>.blob... or /<acct>).
 */
static dm_err az_from_endpoint(az_client *c, const az_connstr *cs,
			       const char **acct, char **host, dm_diag *diag)
{
	if (split_endpoint(cs->blob_endpoint, &c->base, &c->acct_path, host) !=
	    DM_OK)
		return dm_diag_set(diag, DM_EINVAL, NULL, 0, NULL,
				   "AZURE_STORAGE_CONNECTION_STRING: bad "
				   "BlobEndpoint");
	if (!*acct) {
		if (c->acct_path[0])
			*acct = c->acct_path + 1;
		else
			c->account = strndup(*host, strcspn(*host, "."));
	}
	return DM_OK;
}

/* az:// without an endpoint: https://<account>.blob.<suffix>. */
static void az_default_endpoint(az_client *c, const az_connstr *cs, char **host)
{
	const char *proto = cs && cs->protocol ? cs->protocol : "https";
	const char *sfx = cs && cs->suffix
				  ? cs->suffix
				  : getenv("AZURE_STORAGE_ENDPOINT_SUFFIX");

	if (!sfx || !*sfx)
		sfx = DEFAULT_ENDPOINT_SUFFIX;
	if (asprintf(&c->base, "%s://%s.blob.%s", proto, c->account, sfx) < 0)
		c->base = NULL;
	c->acct_path = strdup("");
	free(*host);
	*host = NULL;
	if (c->base)
		*host = strndup(c->base + strlen(proto) + strlen("://"),
				strlen(c->base));
}

/*
 * az://container[/prefix]: the account from the connection string or
 * AZURE_STORAGE_ACCOUNT, the endpoint from the connection string or the
 * default one.  *loc receives the container[/prefix] part.
 */
static dm_err az_parse_az_url(az_client *c, const char *url,
			      const az_connstr *cs, const char **loc,
			      char **host, dm_diag *diag)
{
	const char *acct = cs && cs->account ? cs->account
					     : getenv("AZURE_STORAGE_ACCOUNT");
	dm_err err;

	*loc = url + AZ_SCHEME_LEN;
	if (cs && cs->blob_endpoint &&
	    (err = az_from_endpoint(c, cs, &acct, host, diag)))
		return err;
	if (!acct && !c->account)
		return dm_diag_set(diag, DM_EINVAL, NULL, 0, NULL,
				   "store '%s': az:// needs the storage "
				   "account: set AZURE_STORAGE_ACCOUNT or "
				   "AZURE_STORAGE_CONNECTION_STRING",
				   url);
	if (!c->account)
		c->account = strdup(acct);
	if (!c->base)
		az_default_endpoint(c, cs, host);
	return DM_OK;
}

/*
 * http(s)://<account>.blob.<suffix>/container[/prefix], or path style
 * (an emulator, an IP address): http(s)://host[:port]/<account>/
 * container[/prefix].  *loc receives the container[/prefix] part; *rest
 * and *host are the caller's to free.
 */
static dm_err az_parse_http_url(az_client *c, const char *url, const char **loc,
				char **rest, char **host)
{
	char *p, *slash;
	dm_err err;

	if ((err = split_endpoint(url, &c->base, rest, host)) != DM_OK)
		return err;
	p = *rest;
	while (*p == '/')
		p++;
	if (strstr(*host, ".blob.") && !isdigit((unsigned char)(*host)[0])) {
		/* <account>.blob.<suffix> */
		c->account = strndup(*host, strcspn(*host, "."));
		c->acct_path = strdup("");
	} else {
		/* path style: /<account>/<container>... */
		slash = strchr(p, '/');
		c->account =
			slash ? strndup(p, (size_t)(slash - p)) : strdup(p);
		if (c->account &&
		    asprintf(&c->acct_path, "/%s", c->account) < 0)
			c->acct_path = NULL;
		p = slash ? slash + 1 : p + strlen(p);
	}
	*loc = url + (p - *rest) + strlen(c->base);
	return DM_OK;
}

/* "store '<url>': invalid <what> name '<name>' (<rule>)", the name cut
 * at shown characters. */
static dm_err az_bad_name(dm_diag *diag, const char *url, const char *what,
			  int shown, const char *name, const char *rule)
{
	return dm_diag_set(diag, DM_EINVAL, NULL, 0, NULL,
			   "store '%s': invalid %s name '%.*s' (%s)", url, what,
			   shown, name, rule);
}

/* The account's name, and plain http only to a loopback emulator. */
static dm_err az_check_endpoint(const az_client *c, const char *url,
				const char *host, dm_diag *diag)
{
	if (!account_ok(c->account))
		return az_bad_name(diag, url, "storage account", 40, c->account,
				   "3 to 24 lowercase letters and digits");
	if (!strncmp(c->base, "http://", strlen("http://")) &&
	    !loopback(host) && !c->cfg.allow_http)
		return dm_diag_set(diag, DM_EINVAL, NULL, 0, NULL,
				   "store '%s': plain http:// is only allowed "
				   "to a loopback emulator; use https:// (or "
				   "set DRIFTMON_AZURE_ALLOW_HTTP=1)",
				   url);
	return DM_OK;
}

/* The prefix, checked and without trailing slashes, ends in one '/'
 * (none when empty). */
static dm_err az_set_prefix(az_client *c, const char *url, dm_diag *diag)
{
	size_t n = strlen(c->prefix);
	char *q = NULL;

	while (n > 0 && c->prefix[n - 1] == '/')
		c->prefix[--n] = '\0';
	if (!n)
		return DM_OK;
	if (strstr(c->prefix, "//") || !key_usable(c->prefix))
		return dm_diag_set(diag, DM_EINVAL, NULL, 0, NULL,
				   "store '%s': invalid prefix", url);
	if (asprintf(&q, "%s/", c->prefix) < 0)
		return DM_ENOMEM;
	free(c->prefix);
	c->prefix = q;
	return DM_OK;
}

/* container[/prefix], at loc. */
static dm_err az_parse_location(az_client *c, const char *url, const char *loc,
				dm_diag *diag)
{
	size_t n;

	while (*loc == '/')
		loc++;
	n = strcspn(loc, "/");
	c->container = strndup(loc, n);
	loc += n;
	while (*loc == '/')
		loc++;
	c->prefix = strdup(loc);
	if (!c->container || !c->prefix)
		return DM_ENOMEM;
	if (!container_ok(c->container))
		return az_bad_name(diag, url, "container", 70, c->container,
				   "3 to 63 lowercase letters, digits and "
				   "single hyphens");
	return az_set_prefix(c, url, diag);
}

/* The URL as messages show it: without trailing slashes. */
static dm_err az_set_display_url(az_client *c, const char *url)
{
	size_t n;

	if (asprintf(&c->url, "%.*s", (int)strlen(url), url) < 0) {
		c->url = NULL;
		return DM_ENOMEM;
	}
	n = strlen(c->url);
	while (n > 0 && c->url[n - 1] == '/')
		c->url[--n] = '\0';
	return DM_OK;
}

dm_err az_parse_store_url(az_client *c, const char *url, const az_connstr *cs,
			  dm_diag *diag)
{
	char *rest = NULL, *host = NULL;
	const char *loc = NULL;
	dm_err err;
	size_t n;

	n = strcspn(url, "?#");
	if (url[n])
		return dm_diag_set(diag, DM_EINVAL, NULL, 0, NULL,
				   "store '%.*s': the URL must not carry a "
				   "query string; put a SAS token in "
				   "AZURE_STORAGE_SAS_TOKEN",
				   (int)(n < URL_SHOWN_MAX ? n : URL_SHOWN_MAX),
				   url);
	if (!strncmp(url, AZ_SCHEME, AZ_SCHEME_LEN))
		err = az_parse_az_url(c, url, cs, &loc, &host, diag);
	else
		err = az_parse_http_url(c, url, &loc, &rest, &host);
	if (err)
		goto out;
	if (!c->account || !c->base || !c->acct_path || !host) {
		err = DM_ENOMEM;
		goto out;
	}
	if ((err = az_check_endpoint(c, url, host, diag)))
		goto out;
	if ((err = az_parse_location(c, url, loc, diag)))
		goto out;
	err = az_set_display_url(c, url);
out:
	free(rest);
	free(host);
	return err;
}

dm_err store_azure_open(const char *url, dm_store **out, dm_diag *diag)
{
	az_client *c = calloc(1, sizeof(*c));
	dm_store *s = calloc(1, sizeof(*s));
	az_connstr cs, *csp = NULL;
	pthread_mutexattr_t ma;
	const char *cstr = getenv("AZURE_STORAGE_CONNECTION_STRING");
	dm_err err;

	*out = NULL;
	memset(&cs, 0, sizeof(cs));
	if (!c || !s) {
		free(c);
		free(s);
		return DM_ENOMEM;
	}
	pthread_mutexattr_init(&ma);
	pthread_mutexattr_settype(&ma, PTHREAD_MUTEX_RECURSIVE);
	pthread_mutex_init(&c->mu, &ma);
	pthread_mutexattr_destroy(&ma);
	c->refs = 1;
	c->rng = (uint64_t)time(NULL) * 0x9e3779b97f4a7c15ull ^
		 (uint64_t)getpid() ^ (uint64_t)(uintptr_t)c;
	err = az_config_from_env(&c->cfg, diag);
	if (err != DM_OK)
		goto fail;
	if (cstr && *cstr) {
		err = az_connstr_parse(cstr, &cs, diag);
		if (err != DM_OK)
			goto fail;
		csp = &cs;
	}
	err = az_parse_store_url(c, url, csp, diag);
	if (err != DM_OK)
		goto fail;
	err = az_cred_choose(c, csp, diag);
	if (err != DM_OK)
		goto fail;
	if ((c->cred.kind == AZ_CRED_WORKLOAD ||
	     c->cred.kind == AZ_CRED_MANAGED) &&
	    !strncmp(c->base, "http://", 7) && !c->cfg.allow_http) {
		err = dm_diag_set(diag, DM_EINVAL, NULL, 0, NULL,
				  "store '%s': Entra ID tokens are only sent "
				  "over https://",
				  url);
		goto fail;
	}
	if (c->cfg.trace[0]) {
		c->trace = fopen(c->cfg.trace, "ae");
		if (!c->trace) {
			err = dm_diag_set(diag, DM_EIO, c->cfg.trace, 0, NULL,
					  "cannot open DRIFTMON_AZURE_TRACE");
			goto fail;
		}
	}
	az_connstr_release(&cs);
	s->ops = &azure_ops;
	s->impl = c;
	*out = s;
	return DM_OK;
fail:
	az_connstr_release(&cs);
	client_unref(c);
	free(s);
	return err;
}
