/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Pushing the metrics of a run to a Prometheus Pushgateway.  A CronJob
 * finishes before anything could scrape it, so it pushes instead: one
 * group per model and version (job="driftmon"), replaced by each run
 * (PUT), so series of features that are gone disappear with the next
 * push.  Label values go into the URL path percent-encoded, or base64url
 * encoded ("model@base64/...") when they hold a '/' or are empty, as the
 * Pushgateway documents.
 */
#include <stdlib.h>
#include <string.h>

#include "core/sbuf.h"
#include "driftmon/notify.h"

static void pct(sbuf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '.' ||
		    *p == '_' || *p == '~')
			sb_putc(b, (char)*p);
		else {
			sb_putc(b, '%');
			sb_putc(b, hex[*p >> 4]);
			sb_putc(b, hex[*p & 15]);
		}
	}
}

static void b64url(sbuf *b, const char *s)
{
	static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopq"
				  "rstuvwxyz0123456789-_";
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), i;

	if (n == 0) {
		sb_putc(b, '=');
		return;
	}
	for (i = 0; i + 2 < n; i += 3) {
		sb_putc(b, tab[p[i] >> 2]);
		sb_putc(b, tab[((p[i] & 3) << 4) | (p[i + 1] >> 4)]);
		sb_putc(b, tab[((p[i + 1] & 15) << 2) | (p[i + 2] >> 6)]);
		sb_putc(b, tab[p[i + 2] & 63]);
	}
	if (n - i == 1) {
		sb_putc(b, tab[p[i] >> 2]);
		sb_putc(b, tab[(p[i] & 3) << 4]);
		sb_puts(b, "==");
	} else if (n - i == 2) {
		sb_putc(b, tab[p[i] >> 2]);
		sb_putc(b, tab[((p[i] & 3) << 4) | (p[i + 1] >> 4)]);
		sb_putc(b, tab[(p[i + 1] & 15) << 2]);
		sb_putc(b, '=');
	}
}

static void label(sbuf *b, const char *name, const char *value)
{
	sb_putc(b, '/');
	sb_puts(b, name);
	if (!value[0] || strchr(value, '/')) {
		sb_puts(b, "@base64/");
		b64url(b, value);
	} else {
		sb_putc(b, '/');
		pct(b, value);
	}
}

char *dm_pushgateway_url(const char *base, const char *job, const char *model,
			 const char *model_version)
{
	size_t n = strlen(base);
	sbuf b;
	char *out;

	while (n > 0 && base[n - 1] == '/')
		n--;
	sb_init(&b, 0);
	sb_putn(&b, base, n);
	sb_puts(&b, "/metrics");
	label(&b, "job", job);
	label(&b, "model", model);
	label(&b, "model_version", model_version);
	return sb_finish(&b, &out, NULL) == DM_OK ? out : NULL;
}

dm_err dm_pushgateway_push(const char *base, const char *model,
			   const char *model_version, const char *metrics,
			   size_t len, const dm_http_opts *o, dm_diag *diag)
{
	char *url = dm_pushgateway_url(base, "driftmon", model, model_version);
	dm_err err;

	if (!url)
		return DM_ENOMEM;
	err = dm_http_send("PUT", url, "text/plain; version=0.0.4", metrics,
			   len, o, NULL, diag);
	free(url);
	return err;
}
