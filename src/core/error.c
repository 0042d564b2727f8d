/* SPDX-License-Identifier: Apache-2.0 */
/* Error strings and diagnostics (see include/driftmon/error.h). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "driftmon/error.h"

static const char *const messages[] = {
#define DM_ERR_MSG_(code, msg) msg,
	DM_ERRORS(DM_ERR_MSG_)
#undef DM_ERR_MSG_
};

const char *dm_strerror(dm_err err)
{
	if ((unsigned)err >= (unsigned)DM_ERR_COUNT_)
		return "unknown error";
	return messages[err];
}

void dm_diag_clear(dm_diag *d)
{
	if (d)
		memset(d, 0, sizeof(*d));
}

dm_err dm_diag_set(dm_diag *d, dm_err err, const char *file, uint64_t row,
		   const char *column, const char *fmt, ...)
{
	char reason[512];
	va_list ap;
	size_t off = 0;

	if (!d)
		return err;
	dm_diag_clear(d);
	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	if (file) {
		snprintf(d->file, sizeof(d->file), "%s", file);
		off += (size_t)snprintf(d->msg + off, sizeof(d->msg) - off,
					"'%s': ", file);
	}
	if (row && off < sizeof(d->msg)) {
		d->row = row;
		off += (size_t)snprintf(d->msg + off, sizeof(d->msg) - off,
					"row %llu, ", (unsigned long long)row);
	}
	if (column && off < sizeof(d->msg)) {
		snprintf(d->column, sizeof(d->column), "%s", column);
		off += (size_t)snprintf(d->msg + off, sizeof(d->msg) - off,
					"column '%s': ", column);
	}
	if (off < sizeof(d->msg))
		snprintf(d->msg + off, sizeof(d->msg) - off, "%s", reason);
	return err;
}
