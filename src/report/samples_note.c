/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Why a run analysed fewer rows than it read: the one line the summary
 * prints under "Samples analyzed:", the report's "samples_note" and the
 * HTML header show.  Each reason is counted on its own (rows of other
 * versions, of other models, malformed rows, unreadable and empty
 * files, a window without logs and where the logs are instead), so an
 * empty window never goes unexplained.
 */
#include <stdio.h>
#include <stdlib.h>

#include "core/sbuf.h"
#include "driftmon/report.h"

static const char *plural(uint64_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

/* Appends ", " between the parts. */
static void part(sbuf *b, int *n)
{
	if ((*n)++)
		sb_puts(b, ", ");
}

char *dm_report_samples_note(const dm_result *r)
{
	const dm_data_account *d = &r->data;
	uint64_t other_model = d->rows_other_model;
	uint64_t other_version = d->rows_other_version;
	uint64_t unsplit;
	sbuf b;
	char *out = NULL;
	int n = 0;

	/* rows_filtered that no caller split by reason */
	unsplit = r->rows_filtered > other_model + other_version
			  ? r->rows_filtered - other_model - other_version
			  : 0;
	sb_init(&b, 4096);
	if (other_version) {
		part(&b, &n);
		sb_printf(&b, "%llu %s of other versions of %s",
			  (unsigned long long)other_version,
			  plural(other_version, "row", "rows"),
			  r->model ? r->model : "the model");
		if (d->other_version_example[0])
			sb_printf(&b, " (e.g. '%s')", d->other_version_example);
	}
	if (other_model) {
		part(&b, &n);
		sb_printf(&b, "%llu %s of other models",
			  (unsigned long long)other_model,
			  plural(other_model, "row", "rows"));
		if (d->other_model_example[0])
			sb_printf(&b, " (e.g. '%s')", d->other_model_example);
	}
	if (unsplit) {
		part(&b, &n);
		sb_printf(&b, "%llu %s of other models or versions",
			  (unsigned long long)unsplit,
			  plural(unsplit, "row", "rows"));
	}
	if (r->rows_skipped) {
		part(&b, &n);
		sb_printf(&b, "%llu malformed %s",
			  (unsigned long long)r->rows_skipped,
			  plural(r->rows_skipped, "row", "rows"));
	}
	if (d->files_unreadable) {
		part(&b, &n);
		sb_printf(&b, "%llu unreadable %s",
			  (unsigned long long)d->files_unreadable,
			  plural(d->files_unreadable, "file", "files"));
		if (d->first_unreadable[0])
			sb_printf(&b, " (first: %s)", d->first_unreadable);
	}
	if (d->files_empty) {
		part(&b, &n);
		sb_printf(&b, "%llu empty %s",
			  (unsigned long long)d->files_empty,
			  plural(d->files_empty, "file", "files"));
	}
	if (d->from_window && d->files_read == 0 && d->files_unreadable == 0) {
		part(&b, &n);
		sb_printf(&b, "no inference logs in the window %s .. %s",
			  r->window_start ? r->window_start : "?",
			  r->window_end ? r->window_end : "?");
	}
	if (d->outside_counted && d->files_read == 0 &&
	    r->samples < r->config.min_samples) {
		part(&b, &n);
		if (d->files_outside == 0) {
			sb_puts(&b, "the store holds no other inference logs");
		} else {
			sb_printf(&b, "%llu log %s outside the window",
				  (unsigned long long)d->files_outside,
				  plural(d->files_outside, "file", "files"));
			if (d->outside_before[0])
				sb_printf(&b, " (latest hour before it: %s)",
					  d->outside_before);
			if (d->outside_after[0])
				sb_printf(&b, " (earliest hour after it: %s)",
					  d->outside_after);
		}
	}
	if (n == 0 && r->samples == 0) {
		if (d->files_read)
			sb_printf(&b, "the %llu %s read %s no rows",
				  (unsigned long long)d->files_read,
				  plural(d->files_read, "file", "files"),
				  plural(d->files_read, "holds", "hold"));
		else
			sb_puts(&b, "no rows were read");
		n++;
	}
	if (n == 0 || sb_finish(&b, &out, NULL) != DM_OK) {
		sb_release(&b);
		return NULL;
	}
	return out;
}
