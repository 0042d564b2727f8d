/* SPDX-License-Identifier: Apache-2.0 */
/* Private: shortest round-trip formatting of doubles (see numfmt.c). */
#ifndef DM_IO_NUMFMT_H
#define DM_IO_NUMFMT_H

#include <stddef.h>

/* Writes the text of x to out (room for 32 bytes, not NUL-terminated);
 * returns its length. */
size_t dmio_numfmt_double(double x, char *out);

#endif
