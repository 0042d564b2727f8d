/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The Azure client's pure parts: the Shared Key string-to-sign (the
 * example of Microsoft's "Authorize with Shared Key" page, and one that
 * exercises every canonicalisation rule), the HMAC-SHA256 signature
 * (expected values from Python's hmac module), redaction, connection
 * strings, store URLs and List Blobs answers.  The network parts are
 * tested against azurite by tests/suites/azure.sh.
 */
#include <stdlib.h>
#include <string.h>

#include "dmtest.h"
#include "store/azure_int.h"

static void sts_docs_example(void **state)
{
	/* Get Container Metadata, from "Authorize with Shared Key"
	 * (Encoding the signature): the path carries the account once
	 * more, as in the page's example. */
	const char *h[] = {"x-ms-date: Sun, 11 Oct 2009 21:49:13 GMT",
			   "x-ms-version: 2009-09-19"};
	const az_param q[] = {{"restype", "container"},
			      {"comp", "metadata"},
			      {"timeout", "20"}};
	char *s = az_string_to_sign("GET", "myaccount",
				    "/myaccount/mycontainer", q, 3, h, 2);

	(void)state;
	assert_non_null(s);
	assert_string_equal(s, "GET\n\n\n\n\n\n\n\n\n\n\n\n"
			       "x-ms-date:Sun, 11 Oct 2009 21:49:13 GMT\n"
			       "x-ms-version:2009-09-19\n"
			       "/myaccount/myaccount/mycontainer\n"
			       "comp:metadata\nrestype:container\ntimeout:20");
	free(s);
}

static void sts_repeated_query_names(void **state)
{
	/* the page's List Blobs example: repeated names joined with ',' in
	 * value order */
	const az_param q[] = {{"restype", "container"},
			      {"comp", "list"},
			      {"include", "snapshots"},
			      {"include", "metadata"},
			      {"include", "uncommittedblobs"}};
	char *s = az_string_to_sign("GET", "myaccount", "/mycontainer", q, 5,
				    NULL, 0);
	const char *tail = "/myaccount/mycontainer\ncomp:list\n"
			   "include:metadata,snapshots,uncommittedblobs\n"
			   "restype:container";

	(void)state;
	assert_non_null(s);
	assert_true(strlen(s) > strlen(tail));
	assert_string_equal(s + strlen(s) - strlen(tail), tail);
	free(s);
}

static const char every_rule[] =
	"PUT\n\n\n11\n\ntext/plain\n\n\n\n\n\nbytes=0-10\n"
	"x-ms-blob-type:BlockBlob\n"
	"x-ms-date:Fri, 26 Jun 2015 23:39:12 GMT\n"
	"x-ms-meta-a:b c\n"
	"x-ms-version:2021-08-06\n"
	"/devstoreaccount1/devstoreaccount1/c1/a%3Db/x.json\n"
	"blockid:AB+/=\ncomp:block";

static void sts_every_rule(void **state)
{
	/* headers in any order and case, whitespace folded, standard
	 * headers in their slots, query values decoded, path as sent */
	const char *h[] = {"X-MS-Version: 2021-08-06",
			   "Content-Type: text/plain",
			   "x-ms-meta-a:   b \t  c  ",
			   "Range: bytes=0-10",
			   "x-ms-date: Fri, 26 Jun 2015 23:39:12 GMT",
			   "Content-Length: 11",
			   "x-ms-blob-type: BlockBlob",
			   "Accept: */*"};
	const az_param q[] = {{"comp", "block"}, {"blockid", "AB+/="}};
	char *s = az_string_to_sign("PUT", "devstoreaccount1",
				    "/devstoreaccount1/c1/a%3Db/x.json", q, 2,
				    h, 8);

	(void)state;
	assert_non_null(s);
	assert_string_equal(s, every_rule);
	free(s);
}

static void sts_zero_length_signs_empty(void **state)
{
	const char *h[] = {"Content-Length: 0", "x-ms-version: 1"};
	char *s = az_string_to_sign("PUT", "a", "/c", NULL, 0, h, 2);

	(void)state;
	assert_non_null(s);
	assert_string_equal(s,
			    "PUT\n\n\n\n\n\n\n\n\n\n\n\nx-ms-version:1\n/a/c");
	free(s);
}

static void hmac_vectors(void **state)
{
	unsigned char key[128];
	long kl = az_b64_decode(AZ_DEVSTORE_KEY, key, sizeof(key));
	char sig[64];
	const char *docs = "GET\n\n\n\n\n\n\n\n\n\n\n\n"
			   "x-ms-date:Sun, 11 Oct 2009 21:49:13 GMT\n"
			   "x-ms-version:2009-09-19\n"
			   "/myaccount/myaccount/mycontainer\n"
			   "comp:metadata\nrestype:container\ntimeout:20";

	(void)state;
	assert_int_equal(kl, 64);
	/* expected values: Python's hmac.new(key, sts, sha256), base64 */
	assert_int_equal(az_hmac_b64(key, (size_t)kl, docs, sig, sizeof(sig)),
			 0);
	assert_string_equal(sig,
			    "Su5rvibNeMxB7A4I87rOtEgCDtdICsL8v5H+yJs0W+M=");
	assert_int_equal(
		az_hmac_b64(key, (size_t)kl, every_rule, sig, sizeof(sig)), 0);
	assert_string_equal(sig,
			    "Xlug9g8izc7BfW6XFU5tV3JM8yFzUmoMXWADWUSNH14=");
}

static void base64_round_trip(void **state)
{
	unsigned char raw[256], back[256];
	char enc[400];
	size_t i, n;

	(void)state;
	for (i = 0; i < sizeof(raw); i++)
		raw[i] = (unsigned char)(i * 37 + 11);
	for (n = 0; n < 70; n++) {
		az_b64_encode(raw, n, enc, sizeof(enc));
		assert_int_equal(az_b64_decode(enc, back, sizeof(back)),
				 (long)n);
		assert_memory_equal(raw, back, n);
	}
	assert_int_equal(az_b64_decode("ab$d", back, sizeof(back)), -1);
	assert_int_equal(az_b64_decode("ab=d", back, sizeof(back)), -1);
	assert_int_equal(az_b64_decode("QUJD", back, 2), -1); /* overflow */
}

/* ---- redaction
 * ------------------------------------------------------------------ */
static void redacted(const char *in, const char *want)
{
	char out[512];

	az_redact(in, out, sizeof(out));
	assert_string_equal(out, want);
}

static void redact_patterns(void **state)
{
	(void)state;
	redacted("GET https://a.blob.core.windows.net/c/k?sv=2022-11-02&ss=b"
		 "&sig=abc%2Bdef%3D&se=2030",
		 "GET https://a.blob.core.windows.net/c/k?sv=2022-11-02&ss=b"
		 "&sig=REDACTED&se=2030");
	redacted("DefaultEndpointsProtocol=https;AccountName=acct;"
		 "AccountKey=c2VjcmV0a2V5Cg==;EndpointSuffix=core.windows.net",
		 "DefaultEndpointsProtocol=https;AccountName=acct;"
		 "AccountKey=REDACTED;EndpointSuffix=core.windows.net");
	redacted("BlobEndpoint=https://x;SharedAccessSignature=sv=1&sig=zz",
		 "BlobEndpoint=https://x;SharedAccessSignature=REDACTED");
	redacted("Authorization: Bearer eyJ0eXAi.eyJhdWQi.sig\r\nHost: x",
		 "Authorization: REDACTED\r\nHost: x");
	redacted("token Bearer eyJ0eXAi.eyJhdWQi.sig, then",
		 "token Bearer REDACTED, then");
	redacted("SharedKey devstoreaccount1:Xlug9g8izc7BfW6XFU5tV3JM8yF=",
		 "SharedKey devstoreaccount1:REDACTED");
	redacted("{\"token_type\":\"Bearer\",\"access_token\": \"ey.J.x\\\"y\","
		 "\"expires_in\":3599}",
		 "{\"token_type\":\"Bearer\",\"access_token\": \"REDACTED\","
		 "\"expires_in\":3599}");
	redacted("grant_type=client_credentials&client_id=abc&"
		 "client_assertion=eyJhbGciOi.x.y&scope=s",
		 "grant_type=client_credentials&client_id=abc&"
		 "client_assertion=REDACTED&scope=s");
	/* harmless text is left alone, names that merely end in "sig" too */
	redacted("no secrets here: design=ok, signal=1",
		 "no secrets here: design=ok, signal=1");
}

static void redact_truncates_safely(void **state)
{
	char out[16];

	(void)state;
	az_redact("https://x/?sig=abcdefghijklmnopqrstuvwxyz", out,
		  sizeof(out));
	assert_int_equal(strlen(out), 15);
	assert_null(strstr(out, "abcdef"));
	az_redact("", out, sizeof(out));
	assert_string_equal(out, "");
}

static void scrub_exact_secrets(void **state)
{
	char msg[200] = "the service said: key c2VjcmV0a2V5 is wrong, "
			"token tok-123456789 too";
	const char *secrets[] = {"c2VjcmV0a2V5", "tok-123456789", "short"};

	(void)state;
	az_scrub(msg, sizeof(msg), secrets, 3);
	assert_string_equal(msg, "the service said: key REDACTED is wrong, "
				 "token REDACTED too");
}

/* ---- connection strings, URLs, listings
 * --------------------------------------------- */
static void connstr_devstore(void **state)
{
	az_connstr cs;
	dm_diag d;

	(void)state;
	assert_int_equal(
		az_connstr_parse("UseDevelopmentStorage=true", &cs, &d), DM_OK);
	assert_string_equal(cs.account, AZ_DEVSTORE_ACCOUNT);
	assert_string_equal(cs.key, AZ_DEVSTORE_KEY);
	assert_string_equal(cs.blob_endpoint,
			    "http://127.0.0.1:10000/devstoreaccount1");
	az_connstr_release(&cs);
	assert_int_equal(
		az_connstr_parse("DefaultEndpointsProtocol=https;"
				 "AccountName=acct1;AccountKey=a2V5;"
				 "EndpointSuffix=core.chinacloudapi.cn",
				 &cs, &d),
		DM_OK);
	assert_string_equal(cs.account, "acct1");
	assert_string_equal(cs.key, "a2V5");
	assert_string_equal(cs.suffix, "core.chinacloudapi.cn");
	az_connstr_release(&cs);
	assert_int_equal(az_connstr_parse("BlobEndpoint=https://h/;"
					  "SharedAccessSignature=?sv=1&sig=S",
					  &cs, &d),
			 DM_OK);
	assert_string_equal(cs.sas, "sv=1&sig=S");
	assert_string_equal(cs.blob_endpoint, "https://h");
	az_connstr_release(&cs);
	/* errors never quote the string (it holds the key) */
	assert_int_equal(az_connstr_parse("AccountName=a;Secretish", &cs, &d),
			 DM_EINVAL);
	assert_null(strstr(d.msg, "Secretish"));
	assert_int_equal(az_connstr_parse("AccountName=acct;Foo=bar", &cs, &d),
			 DM_EINVAL);
}

static dm_err parse(const char *url, az_client *c, dm_diag *d)
{
	memset(c, 0, sizeof(*c));
	az_config_from_env(&c->cfg, d);
	return az_parse_store_url(c, url, NULL, d);
}

static void release(az_client *c)
{
	free(c->account);
	free(c->base);
	free(c->acct_path);
	free(c->container);
	free(c->prefix);
	free(c->url);
}

static void store_urls(void **state)
{
	az_client c;
	dm_diag d;

	(void)state;
	assert_int_equal(parse("https://acct9.blob.core.windows.net/reports/"
			       "team/a/",
			       &c, &d),
			 DM_OK);
	assert_string_equal(c.account, "acct9");
	assert_string_equal(c.base, "https://acct9.blob.core.windows.net");
	assert_string_equal(c.acct_path, "");
	assert_string_equal(c.container, "reports");
	assert_string_equal(c.prefix, "team/a/");
	release(&c);
	assert_int_equal(
		parse("http://127.0.0.1:10000/devstoreaccount1/dmx", &c, &d),
		DM_OK);
	assert_string_equal(c.account, "devstoreaccount1");
	assert_string_equal(c.base, "http://127.0.0.1:10000");
	assert_string_equal(c.acct_path, "/devstoreaccount1");
	assert_string_equal(c.container, "dmx");
	assert_string_equal(c.prefix, "");
	release(&c);
	setenv("AZURE_STORAGE_ACCOUNT", "envacct", 1);
	assert_int_equal(parse("az://logs-1/p", &c, &d), DM_OK);
	assert_string_equal(c.base, "https://envacct.blob.core.windows.net");
	assert_string_equal(c.container, "logs-1");
	assert_string_equal(c.prefix, "p/");
	release(&c);
	unsetenv("AZURE_STORAGE_ACCOUNT");
	assert_int_equal(parse("az://logs", &c, &d), DM_EINVAL);
	assert_non_null(strstr(d.msg, "AZURE_STORAGE_ACCOUNT"));
	release(&c);
	/* a SAS in the URL is refused, and not repeated */
	assert_int_equal(parse("https://a1b.blob.core.windows.net/c1c?sv=1&"
			       "sig=SECRETSIG",
			       &c, &d),
			 DM_EINVAL);
	assert_null(strstr(d.msg, "SECRETSIG"));
	release(&c);
	assert_int_equal(parse("http://example.com/acct/cont", &c, &d),
			 DM_EINVAL);
	assert_non_null(strstr(d.msg, "https"));
	release(&c);
	assert_int_equal(
		parse("https://acct.blob.core.windows.net/Bad_Name", &c, &d),
		DM_EINVAL);
	assert_non_null(strstr(d.msg, "container name"));
	release(&c);
	assert_int_equal(
		parse("https://acct.blob.core.windows.net/ok1/a/../b", &c, &d),
		DM_EINVAL);
	release(&c);
}

static void list_answers(void **state)
{
	const char *xml =
		"\xef\xbb\xbf<?xml version=\"1.0\" encoding=\"utf-8\"?>"
		"<EnumerationResults ServiceEndpoint=\"http://x/\" "
		"ContainerName=\"c\"><Prefix>p/</Prefix><MaxResults>2"
		"</MaxResults><Blobs><Blob><Name>p/a.json</Name><Properties>"
		"<Content-Length>3</Content-Length></Properties></Blob>"
		"<Blob><Name Encoded=\"true\">p/%E2%82%AC%01.csv</Name></Blob>"
		"<BlobPrefix><Name>p/dir/</Name></BlobPrefix></Blobs>"
		"<NextMarker>2!12!MDAwMDA1</NextMarker></EnumerationResults>";
	az_list_page pg;
	dm_diag d;
	char code[64];

	(void)state;
	memset(&pg, 0, sizeof(pg));
	assert_int_equal(az_list_parse(xml, strlen(xml), &pg, &d), DM_OK);
	assert_int_equal(pg.n, 2);
	assert_string_equal(pg.names[0], "p/a.json");
	assert_string_equal(pg.names[1], "p/\xe2\x82\xac\x01.csv");
	assert_int_equal(pg.np, 1);
	assert_string_equal(pg.prefixes[0], "p/dir/");
	assert_string_equal(pg.next_marker, "2!12!MDAwMDA1");
	az_list_page_release(&pg);
	assert_int_equal(
		az_list_parse("<Error><Code>X</Code></Error>", 29, &pg, &d),
		DM_EFORMAT);
	az_list_page_release(&pg);
	assert_int_equal(
		az_list_parse("<EnumerationResults><Blobs>", 27, &pg, &d),
		DM_EFORMAT);
	az_list_page_release(&pg);
	az_error_code("<?xml?><Error><Code>AuthenticationFailed</Code>"
		      "<Message>m</Message></Error>",
		      70, code, sizeof(code));
	assert_string_equal(code, "AuthenticationFailed");
}

static void config_from_env(void **state)
{
	az_config c;
	dm_diag d;

	(void)state;
	unsetenv("DRIFTMON_AZURE_BACKOFF_MAX_MS");
	unsetenv("DRIFTMON_AZURE_TIMEOUT_SECONDS");
	setenv("DRIFTMON_AZURE_ATTEMPTS", "3", 1);
	setenv("DRIFTMON_AZURE_BACKOFF_MS", "50", 1);
	assert_int_equal(az_config_from_env(&c, &d), DM_OK);
	assert_int_equal(c.attempts, 3);
	assert_int_equal(c.backoff_ms, 50);
	assert_int_equal(c.backoff_max_ms, 30000);
	assert_int_equal(c.timeout_ms, 120000);
	setenv("DRIFTMON_AZURE_ATTEMPTS", "0", 1);
	assert_int_equal(az_config_from_env(&c, &d), DM_EINVAL);
	assert_non_null(strstr(d.msg, "DRIFTMON_AZURE_ATTEMPTS"));
	setenv("DRIFTMON_AZURE_ATTEMPTS", "2x", 1);
	assert_int_equal(az_config_from_env(&c, &d), DM_EINVAL);
	unsetenv("DRIFTMON_AZURE_ATTEMPTS");
	unsetenv("DRIFTMON_AZURE_BACKOFF_MS");
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sts_docs_example),
		cmocka_unit_test(sts_repeated_query_names),
		cmocka_unit_test(sts_every_rule),
		cmocka_unit_test(sts_zero_length_signs_empty),
		cmocka_unit_test(hmac_vectors),
		cmocka_unit_test(base64_round_trip),
		cmocka_unit_test(redact_patterns),
		cmocka_unit_test(redact_truncates_safely),
		cmocka_unit_test(scrub_exact_secrets),
		cmocka_unit_test(connstr_devstore),
		cmocka_unit_test(store_urls),
		cmocka_unit_test(list_answers),
		cmocka_unit_test(config_from_env),
	};

	if (argc > 1)
		cmocka_set_test_filter(argv[1]);
	return cmocka_run_group_tests_name("azure", tests, NULL, NULL);
}
