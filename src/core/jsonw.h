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
	/* jw_init_stream: where full chunks go (NULL: in memory) */
	dm_sink_fn sink;
	void *sink_ctx;
	size_t flushed; /* bytes already handed to sink */
} jw;

/* A stream's chunk: text is handed to the sink in pieces of about this
 * size (a longer single string goes through whole). */
#define JW_CHUNK ((size_t)64 << 10)

/* max = 0: 1 GiB. pretty: indent with two spaces. */
void jw_init(jw *w, size_t max, int pretty);
/* The same writer, streaming: the text goes to sink(ctx, ...) in chunks
 * of about JW_CHUNK bytes instead of one buffer (max still caps the
 * total).  The first error (the sink's included) is sticky and stops the
 * stream; end with jw_finish_stream. */
void jw_init_stream(jw *w, size_t max, int pretty, dm_sink_fn sink, void *ctx);
/* An in-memory writer for one value to be placed in parent's current
 * array or object later with jw_raw (written elsewhere, on another
 * thread): the same indentation, no separator before it. */
void jw_init_nested(jw *w, const jw *parent);
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
/* A stream's end: hands the rest to the sink, frees the buffer and
 * returns the first error (DM_OK: every byte went to the sink). */
dm_err jw_finish_stream(jw *w);
/* Frees the buffer after an error. */
void jw_release(jw *w);
/* Formats x in the shortest round-trip form into buf (>= 32 bytes);
 * returns the length.  Not for NaN/Inf. */
int jw_fmt_double(char *buf, size_t size, double x);

#endif
