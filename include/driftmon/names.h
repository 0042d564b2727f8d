/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Names: the one check every layer applies to model names, versions and
 * feature (column) names before it uses them (the collector, the
 * logger library, the CLI, baselines read from a store).
 *
 * Every name must be
 *   - 1 to DM_NAME_MAX_BYTES bytes (bytes, not characters: the message
 *     says bytes),
 *   - valid UTF-8,
 *   - free of control characters: C0 (U+0000-U+001F), DEL (U+007F), C1
 *     (U+0080-U+009F), and of the invisible characters that reorder or
 *     hide text on a terminal: the bidirectional embeddings, overrides
 *     and isolates (U+202A-U+202E, U+2066-U+2069) and the marks
 *     U+200E, U+200F, U+061C.
 *
 * Model names and versions are also components of storage keys
 * (baselines/<model>/<version>/baseline.json,
 * drift-reports/<model>/latest.json, ...), so they further may not
 *   - contain a path separator ('/' or '\'),
 *   - be "." or "..", or start with a '.' (hidden files),
 *   - be a name the store layout reserves: "latest.json",
 *     "baseline.json" (any case).
 * Feature names are column names, not paths: '/' and '.' are allowed
 * in them ("km/h", "price.usd").
 */
#ifndef DRIFTMON_NAMES_H
#define DRIFTMON_NAMES_H

#include <stddef.h>
#include "driftmon/export.h"

#include "driftmon/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Longest name accepted, in bytes. */
#define DM_NAME_MAX_BYTES 200

/*
 * Checks name[0..len) (len bytes; the name need not be NUL-terminated
 * and may contain NUL, which is refused).  kind says what the name is
 * and picks the rules: "model" and "version" (also "model name",
 * "model version") are key components; anything else ("feature",
 * "column", "prediction"...) gets the text rules only.  Returns DM_OK
 * or DM_EINVAL with a one-line diag such as
 *   model name 'ab\u202ecd': contains U+202E (a bidirectional override)
 *   feature name 'xxxx...': 260 bytes; the limit is 200 bytes
 * in which the name is shown escaped (never raw control characters).
 * diag may be NULL.
 */
DM_API dm_err dm_name_check(const char *kind, const char *name, size_t len,
			    dm_diag *diag);

/*
 * Writes a printable, escaped excerpt of s[0..len) into out (at most
 * outsz bytes with the NUL; long names end in "..."): printable ASCII
 * and valid UTF-8 characters that are not refused above are kept,
 * everything else becomes \xHH (bytes) or \uXXXX (characters); the
 * backslash itself becomes "\\".  Returns out.
 */
DM_API char *dm_name_excerpt(const char *s, size_t len, char *out,
			     size_t outsz);

#ifdef __cplusplus
}
#endif
#endif
