/* SPDX-License-Identifier: Apache-2.0 */
/*
 * driftmon error codes and diagnostics.
 *
 * Every library function that can fail returns a dm_err; DM_OK is 0.
 * Functions that read user data also take an optional dm_diag, which
 * receives one precise, human-readable line (file, row, column or field,
 * what is wrong) that the CLI prints after "driftmon: ".  The library
 * never prints, exits or aborts on bad input.
 */
#ifndef DRIFTMON_ERROR_H
#define DRIFTMON_ERROR_H

#include <stddef.h>
#include <stdint.h>
#include "driftmon/export.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One table gives both the codes and their messages (see dm_strerror). */
#define DM_ERRORS(X)                                                           \
	X(DM_OK, "success")                                                    \
	X(DM_ENOMEM, "out of memory")                                          \
	X(DM_EIO, "input/output error")                                        \
	X(DM_ENOENT, "no such file or key")                                    \
	X(DM_EFORMAT, "malformed input")                                       \
	X(DM_EINVAL, "invalid argument")                                       \
	X(DM_EVERSION, "unsupported format version")                           \
	X(DM_ESCHEMA, "schema mismatch")                                       \
	X(DM_EEMPTY, "no data")                                                \
	X(DM_ETOOBIG, "input exceeds a size limit")                            \
	X(DM_EUNSUPPORTED, "unsupported feature")                              \
	X(DM_ENET, "network or storage service error")                         \
	X(DM_EAUTH, "authentication or authorization failed")                  \
	X(DM_ECONFLICT, "concurrent modification")                             \
	X(DM_EFULL, "buffer full; try again later")

typedef enum dm_err {
#define DM_ERR_ENUM_(code, msg) code,
	DM_ERRORS(DM_ERR_ENUM_)
#undef DM_ERR_ENUM_
		DM_ERR_COUNT_
} dm_err;

/* A byte sink: called with consecutive pieces of one object (len > 0);
 * returns DM_OK, or an error that stops the writer feeding it. */
typedef dm_err (*dm_sink_fn)(void *ctx, const void *data, size_t len);

/* Returns a static string describing err; never NULL. */
DM_API const char *dm_strerror(dm_err err);

/*
 * Diagnostics: the detail behind an error.  'msg' holds a complete line
 * such as "'train.csv': row 812, column 'url_count': not a number".
 * row is 0 when no row applies; column is "" when no column applies.
 */
typedef struct dm_diag {
	char msg[768];
	char file[256];
	char column[128];
	uint64_t row;
} dm_diag;

/* Clears d (d may be NULL). */
DM_API void dm_diag_clear(dm_diag *d);

/*
 * Fills d (if non-NULL) with a message built from file (may be NULL),
 * row (0 = none), column (may be NULL) and a printf-style reason, and
 * returns err so that callers can write `return dm_diag_set(...)`.
 */
DM_API dm_err dm_diag_set(dm_diag *d, dm_err err, const char *file,
			  uint64_t row, const char *column, const char *fmt,
			  ...) __attribute__((format(printf, 6, 7)));

#ifdef __cplusplus
}
#endif
#endif
