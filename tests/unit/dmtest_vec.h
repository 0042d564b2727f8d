/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Readers for the reference vectors in tests/data (written by
 * tests/oracle/gen_stats_vectors.py) and the error measure the statistics
 * tests compare with.  A vector file is read whole and split into
 * whitespace-separated tokens; '#' starts a comment that runs to the end
 * of the line.
 */
#ifndef DMTEST_VEC_H
#define DMTEST_VEC_H

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Results below this are an underflowing tail: compared absolutely. */
#define DMV_TINY 1e-300

typedef struct dmv_file {
	char *buf;
	char *cur;
} dmv_file;

/* Reads the whole file; 0 on success. */
static inline int dmv_open(dmv_file *f, const char *path)
{
	FILE *fp = fopen(path, "rb");
	long len;
	int rc = -1;

	f->buf = f->cur = NULL;
	if (!fp)
		return -1;
	if (fseek(fp, 0, SEEK_END) != 0 || (len = ftell(fp)) < 0 ||
	    fseek(fp, 0, SEEK_SET) != 0)
		goto out;
	f->buf = malloc((size_t)len + 1);
	if (!f->buf)
		goto out;
	if (fread(f->buf, 1, (size_t)len, fp) != (size_t)len)
		goto out;
	f->buf[len] = '\0';
	f->cur = f->buf;
	rc = 0;
out:
	fclose(fp);
	if (rc != 0) {
		free(f->buf);
		f->buf = f->cur = NULL;
	}
	return rc;
}

static inline void dmv_close(dmv_file *f)
{
	free(f->buf);
	f->buf = f->cur = NULL;
}

/* The next token (NUL-terminated in place), or NULL at the end. */
static inline char *dmv_tok(dmv_file *f)
{
	char *p = f->cur, *t;

	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
			p++;
		if (*p != '#')
			break;
		while (*p && *p != '\n')
			p++;
	}
	if (!*p) {
		f->cur = p;
		return NULL;
	}
	t = p;
	while (*p && *p != ' ' && *p != '\t' && *p != '\n' && *p != '\r')
		p++;
	if (*p)
		*p++ = '\0';
	f->cur = p;
	return t;
}

/* Parses a whole token as a double ("nan", "inf" accepted); 0 on success. */
static inline int dmv_parse_double(const char *t, double *v)
{
	char *end;

	if (!t)
		return -1;
	errno = 0;
	*v = strtod(t, &end);
	/* ERANGE on underflow still yields the right (sub)normal value */
	return (*end != '\0' || end == t) ? -1 : 0;
}

static inline int dmv_double(dmv_file *f, double *v)
{
	return dmv_parse_double(dmv_tok(f), v);
}

static inline int dmv_u64(dmv_file *f, uint64_t *v)
{
	const char *t = dmv_tok(f);
	char *end;

	if (!t || *t == '-')
		return -1;
	errno = 0;
	*v = strtoull(t, &end, 10);
	return (*end != '\0' || end == t || errno) ? -1 : 0;
}

/* Consumes the next token if it is word; 0 if it was. */
static inline int dmv_expect(dmv_file *f, const char *word)
{
	const char *t = dmv_tok(f);

	return (t && strcmp(t, word) == 0) ? 0 : -1;
}

/*
 * Distance of got from want: 0 if both are NaN, or equal, or both below
 * DMV_TINY in magnitude (an underflowing tail); otherwise the relative
 * error, +inf if exactly one is NaN.
 */
static inline double dmv_err(double got, double want)
{
	if (isnan(got) || isnan(want))
		return (isnan(got) && isnan(want)) ? 0.0 : INFINITY;
	if (got == want)
		return 0.0;
	if (fabs(got) < DMV_TINY && fabs(want) < DMV_TINY)
		return 0.0;
	if (want == 0.0)
		return INFINITY;
	return fabs(got - want) / fabs(want);
}

/* CPU time of this process, in seconds. */
static inline double dmv_cpu_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Worst error seen, with the case it came from. */
typedef struct dmv_worst {
	double err;
	char where[160];
} dmv_worst;

static inline void dmv_note(dmv_worst *w, double err, const char *where)
{
	if (err > w->err || (w->where[0] == '\0' && err >= w->err)) {
		w->err = err;
		snprintf(w->where, sizeof(w->where), "%s", where);
	}
}

#endif
