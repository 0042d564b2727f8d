/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target for the readers of stored JSON reports: the HTML
 * renderer (dm_report_html_from_json) and the brief parser behind
 * status / list / history (dm_report_brief_parse).  Any input must give
 * DM_OK or a clean error with a message; an HTML page must never contain
 * markup taken from the input: every tag is one the renderer writes, no
 * attribute is an event handler, and every <svg is closed.
 *
 * Build and run (see tests/fuzz/README):
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -D_GNU_SOURCE \
 *     -DDM_VERSION='"fuzz"' -Iinclude -Isrc tests/fuzz/fuzz_report.c \
 *     src/report/report_html.c src/report/report_json.c src/core/sbuf.c \
 *     src/core/jsonw.c src/core/error.c build/libdriftmon.a \
 *     -ljansson -lm -o fuzz_report
 *   ./fuzz_report -max_total_time=60 /tmp/report-corpus
 * tests/fuzz/corpus_report
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "driftmon/report.h"

static size_t count(const char *s, const char *needle)
{
	size_t n = 0;

	for (; (s = strstr(s, needle)); s++)
		n++;
	return n;
}

/* Every '<' in the page opens a tag the renderer writes (text from the
 * input has '<' escaped), and no attribute is an event handler. */
static int markup_ok(const char *h)
{
	static const char *const tags[] = {
		"!DOCTYPE", "html",	  "head",   "meta", "title", "style",
		"body",	    "main",	  "header", "h1",   "h2",    "h3",
		"small",    "div",	  "dl",	    "dt",   "dd",    "p",
		"span",	    "ul",	  "li",	    "code", "table", "thead",
		"tbody",    "tr",	  "th",	    "td",   "a",     "article",
		"figure",   "figcaption", "svg",    "path", "rect",  "text",
		"circle",   "b",	  "footer", NULL};
	const char *p;

	for (p = strchr(h, '<'); p; p = strchr(p + 1, '<')) {
		const char *q = p + 1, *end;
		size_t n, i;

		if (*q == '/')
			q++;
		n = strcspn(q, " >");
		for (i = 0; tags[i]; i++)
			if (strlen(tags[i]) == n && !memcmp(tags[i], q, n))
				break;
		if (!tags[i])
			return 0;
		end = strchr(q, '>');
		if (!end)
			return 0;
		/* attributes: name="value", values without '"' or '<' */
		for (q += n; q < end; q++)
			if (q[0] == ' ' && (q[1] == 'o' || q[1] == 'O') &&
			    (q[2] == 'n' || q[2] == 'N'))
				return 0;
			else if (*q == '"')
				q = strchr(q + 1, '"');
	}
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *html = NULL;
	size_t len = 0;
	dm_diag d;
	dm_report_brief b;
	dm_report_point hist[2];
	dm_html_opts o;
	dm_err err;

	memset(hist, 0, sizeof(hist));
	memcpy(hist[0].generated_at, "2025-01-01T00:00:00Z", 21);
	hist[0].drift_score = 0.5;
	memset(&o, 0, sizeof(o));
	o.history = hist;
	o.nhistory = 1;
	o.json_location = "<in>";
	dm_diag_clear(&d);
	err = dm_report_html_from_json((const char *)data, size, "fuzz", &o,
				       &html, &len, &d);
	if (err == DM_OK) {
		if (!html || strlen(html) != len || !markup_ok(html) ||
		    count(html, "<svg") != count(html, "</svg>") ||
		    strstr(html, "<in>"))
			abort();
	} else if (html || !d.msg[0]) {
		if (err != DM_ENOMEM)
			abort();
	}
	free(html);
	dm_diag_clear(&d);
	err = dm_report_brief_parse((const char *)data, size, "fuzz", &b, &d);
	if (err != DM_OK && !d.msg[0])
		abort();
	return 0;
}
