/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Private: the compact encoding of an hour profile's sketch points
 * (format_version 2, docs/hourly-profiles.md): the values as base64 of
 * little-endian IEEE-754 float64s, the weights as base64 of unsigned
 * LEB128 varints.  The decoders are strict: standard alphabet, padded to
 * a multiple of 4 characters, padding only at the end, exactly the
 * expected number of values, minimal varints of at most 64 bits, nothing
 * left over.  Any other input is refused with a reason (no partial
 * result is used).
 */
#ifndef DM_PROFILE_HPCODEC_H
#define DM_PROFILE_HPCODEC_H

#include <stddef.h>
#include <stdint.h>

/* Characters of the base64 of n bytes (padded), without a NUL. */
size_t hpc_b64_len(size_t n);
/* base64 of in[0..n) into out (hpc_b64_len(n) characters, no NUL). */
void hpc_b64_encode(const unsigned char *in, size_t n, char *out);
/* Decodes the len characters at s into out (room for cap bytes): the
 * number of bytes, or -1 if s is not strict padded base64 or would need
 * more than cap bytes. */
long hpc_b64_decode(const char *s, size_t len, unsigned char *out, size_t cap);

/* The values v[0..n) encoded: *out malloc'd (NUL-terminated), *len its
 * length.  -1 if out of memory. */
int hpc_values_encode(const double *v, size_t n, char **out, size_t *len);
/* The weights w[0..n) encoded, as above. */
int hpc_weights_encode(const uint64_t *w, size_t n, char **out, size_t *len);
/*
 * Decode exactly n values / n weights from the len characters at s into
 * v / w (room for n).  0 on success, otherwise -1 with *why a static
 * sentence (not base64, wrong length, bad varint, ...).  Values are not
 * checked for order or finiteness here, nor weights for zero: the
 * caller does that.  Weights (and values on a big-endian host) use a
 * scratch buffer: -2 if out of memory.
 */
int hpc_values_decode(const char *s, size_t len, size_t n, double *v,
		      const char **why);
int hpc_weights_decode(const char *s, size_t len, size_t n, uint64_t *w,
		       const char **why);

/*
 * The long encoded strings of an hour profile, lifted out of its JSON so
 * that the JSON parser does not walk them character by character: the
 * string value of every "values" or "weights" key that is at least
 * HPC_BLOB_MIN characters long is replaced by "@<i>" (i: its index here,
 * in document order) and its raw text kept as a slice of the input.
 * The parser takes each blob at most once (hpc_blob_take) and the reader
 * refuses a file that leaves one untaken: a placeholder can stand only
 * where the format puts an encoded sketch.
 */
#define HPC_BLOB_MIN 24

typedef struct hpc_blobs {
	const char **s; /* raw text (not NUL-terminated) */
	size_t *len;
	unsigned char *taken;
	size_t n, cap;
} hpc_blobs;

void hpc_blobs_release(hpc_blobs *b);
/*
 * json[0..len) with the blobs replaced into *out (malloc'd, NUL-
 * terminated, never longer than len; *outlen its length), the blobs in b
 * (initialised here, pointing into json).  0, or -1 when the text ends
 * inside a string (*out NULL, nothing lifted: parse json itself, whose
 * error the parser reports), -2 out of memory.
 */
int hpc_blobs_lift(const char *json, size_t len, char **out, size_t *outlen,
		   hpc_blobs *b);
/*
 * The text of the string s (len characters) as read from the reduced
 * JSON: s itself, or the blob "@<i>" names.  0, or -1 if s names no
 * blob, or one already taken.
 */
int hpc_blob_take(hpc_blobs *b, const char *s, size_t len, const char **text,
		  size_t *textlen);

#endif
