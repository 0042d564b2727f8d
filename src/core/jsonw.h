/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Private: a small streaming JSON writer into a growable buffer with a
 * hard cap.  Doubles are written in the shortest form that round-trips
 * (NaN and infinities, which JSON lacks, as null).  Errors are sticky:
 * check jw_finish() once at the end.
 */
#ifndef DM_CORE_JSONW_H
#define DM_CORE_JSONW_H

#include <stddef.h>
#include <stdint.h>

#include "driftmon/error.h"

typedef struct jw {
	char *buf;
	size_t len;
	size_t cap;
	size_t max; /* hard cap on len */
	int depth;
	int need_comma[64];
	int pretty;
	dm_err err;
} jw;

/* max = 0: 1 GiB. pretty: indent with two spaces. */
void jw_init(jw *w, size_t max, int pretty);
void jw_obj(jw *w);	/* { */
void jw_obj_end(jw *w); /* } */
void jw_arr(jw *w);	/* [ */
void jw_arr_end(jw *w); /* ] */
void jw_key(jw *w, const char *k);
void jw_str(jw *w, const char *s);
void jw_strn(jw *w, const char *s, size_t n);
void jw_num(jw *w, double x);
void jw_u64(jw *w, uint64_t x);
void jw_i64(jw *w, int64_t x);
void jw_bool(jw *w, int b);
void jw_null(jw *w);
/* Appends raw text (for numbers pre-formatted, etc.). */
void jw_raw(jw *w, const char *s, size_t n);
/* Returns the error, or DM_OK and hands the NUL-terminated buffer to
 * *out (caller frees) with its length. */
dm_err jw_finish(jw *w, char **out, size_t *len);
/* Frees the buffer after an error. */
void jw_release(jw *w);
/* Formats x in the shortest round-trip form into buf (>= 32 bytes);
 * returns the length.  Not for NaN/Inf. */
int jw_fmt_double(char *buf, size_t size, double x);

#endif
