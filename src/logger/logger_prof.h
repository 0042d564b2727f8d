/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Private to the inference logger: hour profiles written as the logger
 * uploads (docs/hourly-profiles.md, "Written by the logger").
 *
 * For every (model, version, UTC hour) whose Parquet files the logger
 * uploads, and whose model version has a baseline in the store, the
 * flusher threads profile each uploaded file against that baseline (with
 * the profiler detect uses, fed by lg_outfile_reader: the columns the
 * file was encoded from, in the batches the Parquet reader gives, so
 * nothing is decoded again) and, when the hour is closed, store the hour
 * profile detect would build from the same files.  The baseline is read
 * without its sketch points (dmp_baseline_from_json_nosketch): a
 * current profile never looks at them.  A profile is written only if
 * the hour's data files in the store are then exactly the files it was
 * fed, in the order detect reads them (byte order of the keys); anything
 * else (a file of another writer, a file uploaded before a restart, files
 * fed out of order) leaves the hour to detect.  So a profile written is
 * never one detect would not have built.
 */
#ifndef DM_LOGGER_PROF_H
#define DM_LOGGER_PROF_H

#include <stdint.h>

#include "logger/logger_int.h"

typedef struct lg_prof lg_prof;

/* One line for the logger's events (DM_LOG_EV_HOUR_PROFILE). */
typedef void (*lg_prof_note_fn)(void *ctx, const char *msg);

/* A new hour-profile writer; NULL on allocation failure.  An hour is
 * closed once it has received no file for linger_ms (records logged
 * late, with timestamps of a past hour, then still find it open). */
lg_prof *lg_prof_new(lg_prof_note_fn note, void *ctx, int64_t linger_ms);
/* Frees p and every open hour (nothing is written); p may be NULL. */
void lg_prof_free(lg_prof *p);
/*
 * Profiles the files f[0..n) of one segment, all uploaded (through st:
 * also where baselines are read).  Files of an hour must come in the
 * order the flushers upload segments; a file whose key does not sort
 * after the hour's earlier ones leaves the hour unwritten.
 */
void lg_prof_feed(lg_prof *p, dm_store *st, const lg_outfile *f, size_t n);
/* Writes (through st) the profiles of the hours that end at or before
 * upto_us (microseconds since 1970) and received no file for linger_ms;
 * upto_us INT64_MAX: every open hour. */
void lg_prof_close_hours(lg_prof *p, dm_store *st, int64_t upto_us);
/* Profiles written and hours left to detect so far. */
void lg_prof_counts(lg_prof *p, uint64_t *written, uint64_t *skipped);

#endif
