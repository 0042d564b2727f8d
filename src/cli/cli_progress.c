/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The progress line of long runs (baseline, detect): rows read, rate and
 * elapsed time, redrawn in place on stderr at most four times a second,
 * and only when stderr is a terminal, so logs and pipes stay clean.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"

static struct progress {
	int on;
	int shown;
	const char *what;
	double t0, last;
	uint64_t rows;
} prog;

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* 1234567 -> "1,234,567" */
static void grouped(uint64_t v, char *buf, size_t n)
{
	char tmp[32];
	size_t len, i, o = 0;

	snprintf(tmp, sizeof(tmp), "%" PRIu64, v);
	len = strlen(tmp);
	for (i = 0; i < len && o + 2 < n; i++) {
		if (i > 0 && (len - i) % 3 == 0)
			buf[o++] = ',';
		buf[o++] = tmp[i];
	}
	buf[o] = '\0';
}

static void draw(double t)
{
	double el = t - prog.t0, rate = el > 0 ? (double)prog.rows / el : 0;
	char rows[40];
	unsigned s = (unsigned)el;

	grouped(prog.rows, rows, sizeof(rows));
	if (rate >= 1e6)
		fprintf(stderr, "\r%s: %s rows, %.1fM rows/s, %u:%02u\033[K",
			prog.what, rows, rate / 1e6, s / 60, s % 60);
	else
		fprintf(stderr, "\r%s: %s rows, %.0fk rows/s, %u:%02u\033[K",
			prog.what, rows, rate / 1e3, s / 60, s % 60);
	fflush(stderr);
	prog.shown = 1;
}

static void on_rows(void *ctx, uint64_t rows)
{
	double t;

	(void)ctx;
	prog.rows += rows;
	t = now_s();
	if (t - prog.last < 0.25)
		return;
	prog.last = t;
	draw(t);
}

void cli_progress_attach(dm_profile_opts *po, const char *what)
{
	if (!cli_progress_enabled())
		return;
	memset(&prog, 0, sizeof(prog));
	prog.on = 1;
	prog.what = what;
	prog.t0 = now_s();
	prog.last = prog.t0 - 1.0; /* the first batch draws the line */
	po->progress = on_rows;
	po->progress_ctx = &prog;
}

void cli_progress_done(void)
{
	if (!prog.on)
		return;
	if (prog.shown) {
		draw(now_s());
		fputc('\n', stderr);
	}
	prog.on = 0;
}
