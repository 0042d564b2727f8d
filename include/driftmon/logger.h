/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The inference logger: an embeddable library that records a model's
 * predictions (timestamp, model, version, request id, features, outputs)
 * and writes them, through the store, as hourly Parquet partitions
 *
 *   <prefix>/year=YYYY/month=MM/day=DD/hour=HH/part-<host>-<pid>-...parquet
 *
 * which `driftmon detect` reads (docs/log-format.md, docs/logger.md).
 *
 * Every record is first appended to a write-ahead log (WAL) on local
 * disk: segment files of length + CRC32C framed batches.  dm_logger_log()
 * returns once the record is in the WAL under the fsync policy, and never
 * waits for the network.  A background thread converts each sealed
 * segment into Parquet files (one per hour, model, version and schema),
 * uploads them with dm_store_put, and records the segment as done in a
 * manifest before deleting it.  File names are derived from the segment,
 * so replaying a segment after a crash overwrites the files it may have
 * uploaded already instead of duplicating them.
 *
 * While storage is unavailable the WAL grows, up to a cap; past the cap
 * dm_logger_log() fails with DM_EFULL and keeps nothing: records are
 * refused loudly, never dropped silently.  Memory is bounded by one
 * segment being converted, whatever the backlog.
 *
 * Threads: dm_logger_log / dm_logger_log_batch / dm_logger_get_stats may
 * be called from any number of threads at once.  dm_logger_flush and
 * dm_logger_close must not race with each other, and nothing may be
 * called on a logger after dm_logger_close has started.
 *
 * Like the rest of the library, the logger never prints, exits or
 * aborts: errors are dm_err codes with a one-line dm_diag, and problems
 * found in the background are reported through the on_event callback
 * and dm_logger_get_stats.
 */
#ifndef DRIFTMON_LOGGER_H
#define DRIFTMON_LOGGER_H

#include <stddef.h>
#include <stdint.h>

#include "driftmon/error.h"
#include "driftmon/export.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ */
/* Records                                                             */
/* ------------------------------------------------------------------ */
typedef enum dm_log_type {
	DM_LOG_NULL = 0,   /* missing: a Parquet NULL; fixes no type */
	DM_LOG_NUMBER = 1, /* a DOUBLE column (NaN and infinities allowed) */
	DM_LOG_STRING = 2, /* a STRING column (valid UTF-8) */
	/* true/false (num 1/0): a number for the schema (booleans and
	 * numbers mix in one column), written as a Parquet BOOLEAN column
	 * in a file where all of the column's values are booleans, else as
	 * DOUBLE 1/0 (docs/log-format.md) */
	DM_LOG_BOOL = 3
} dm_log_type;

/* "null", "number", "string", "boolean" ("?" for other values). */
DM_API const char *dm_log_type_name(dm_log_type t);

/* One named value: a feature or a prediction (model output). */
typedef struct dm_log_value {
	const char *name; /* column name: 1-200 bytes of UTF-8, no control
			   * characters; not one of the metadata columns */
	dm_log_type type;
	double num;	 /* DM_LOG_NUMBER */
	const char *str; /* DM_LOG_STRING: the bytes */
	size_t str_len;	 /* their length; 0 = strlen(str) */
} dm_log_value;

static inline dm_log_value dm_log_num(const char *name, double x)
{
	dm_log_value v = {name, DM_LOG_NUMBER, x, NULL, 0};
	return v;
}

static inline dm_log_value dm_log_str(const char *name, const char *s)
{
	dm_log_value v = {name, DM_LOG_STRING, 0, s, 0};
	return v;
}

static inline dm_log_value dm_log_bool(const char *name, int b)
{
	dm_log_value v = {name, DM_LOG_BOOL, b ? 1.0 : 0.0, NULL, 0};
	return v;
}

static inline dm_log_value dm_log_null(const char *name)
{
	dm_log_value v = {name, DM_LOG_NULL, 0, NULL, 0};
	return v;
}

/* Columns every log file has (docs/log-format.md); no feature or
 * prediction may use these names. */
#define DM_LOG_COL_TIMESTAMP "timestamp"
#define DM_LOG_COL_MODEL     "model_name"
#define DM_LOG_COL_VERSION   "model_version"
#define DM_LOG_COL_REQUEST   "request_id"

/* Oldest and newest timestamps accepted: 1970-01-01 up to (not
 * including) 10000-01-01, in microseconds since the epoch (UTC). */
#define DM_LOG_TS_MAX_US INT64_C(253402300800000000)

typedef struct dm_log_record {
	/* When the prediction was made: microseconds since the Unix epoch,
	 * UTC.  0 = now (the time of the dm_logger_log call). */
	int64_t timestamp_us;
	const char *model_name;	   /* required: a key component (store.h) */
	const char *model_version; /* required: a key component */
	const char *request_id;	   /* optional (NULL): for tracing */
	const dm_log_value *features;
	size_t nfeatures;
	const dm_log_value *predictions; /* outputs: "prediction", ... */
	size_t npredictions;
} dm_log_record;

/* ------------------------------------------------------------------ */
/* Configuration                                                       */
/* ------------------------------------------------------------------ */
/*
 * When the WAL reaches the disk (fdatasync).  A record acknowledged by
 * dm_logger_log is always in the WAL file, so a crash of the process
 * (kill -9, a segfault elsewhere in the gateway) never loses it; the
 * policy decides what a crash of the machine (power loss, kernel panic)
 * may lose:
 *
 *   ALWAYS    the call returns after an fdatasync covering the record:
 *             nothing acknowledged is lost.  Concurrent callers share
 *             one fdatasync (group commit); a lone caller pays a whole
 *             disk flush (~0.1-10 ms) per call.
 *   INTERVAL  (default) a background thread calls fdatasync every
 *             fsync_ms; the call returns after the write.  A machine
 *             crash loses at most the last fsync_ms of records.
 *   NEVER     the operating system writes back when it likes (about 30 s
 *             on Linux); segments are not synced even when sealed.
 */
typedef enum dm_log_fsync {
	DM_LOG_FSYNC_INTERVAL = 0,
	DM_LOG_FSYNC_ALWAYS = 1,
	DM_LOG_FSYNC_NEVER = 2
} dm_log_fsync;

/* A declared column (see dm_logger_config.schema). */
typedef struct dm_log_column {
	const char *name;
	dm_log_type type; /* DM_LOG_NUMBER or DM_LOG_STRING */
	int prediction;	  /* 1: a model output, 0: a feature */
} dm_log_column;

/* Events reported from the background (on_event). */
typedef enum dm_log_event {
	DM_LOG_EV_UPLOAD_FAILED = 1, /* will be retried; msg says why */
	DM_LOG_EV_STORAGE_BACK = 2,  /* an upload succeeded after failures */
	DM_LOG_EV_RECOVERED = 3,     /* segments of an earlier run found */
	DM_LOG_EV_TORN_TAIL = 4,     /* a segment ended in a partial record
				      * (a crash during a write that was
				      * never acknowledged): cut off */
	DM_LOG_EV_QUARANTINED = 5,   /* a segment could not be converted; it
				      * was moved to <wal_dir>/quarantine
				      * and kept */
	DM_LOG_EV_WAL_FULL = 6,	     /* the WAL reached its cap: records are
				      * being refused */
	DM_LOG_EV_DISK = 7,	     /* the WAL folder cannot be written
				      * (disk full, I/O error) or can be
				      * again; msg says which */
	DM_LOG_EV_HOUR_PROFILE = 8   /* information about hour profiles:
				      * no baseline for a model version, an
				      * hour left to detect (and why) */
} dm_log_event;

typedef struct dm_logger_config {
	/* Where the Parquet files go: a store URL (store.h). Required. */
	const char *store_url;
	/* Key prefix of the partitions; default "inference-logs". */
	const char *prefix;
	/* The WAL folder (created if missing).  One logger at a time may
	 * use it (it is locked); a logger opened on a folder left by an
	 * earlier run replays what that run had not uploaded.  Required. */
	const char *wal_dir;

	dm_log_fsync fsync; /* default DM_LOG_FSYNC_INTERVAL */
	unsigned fsync_ms;  /* INTERVAL period; default 10 */

	/* A WAL segment is sealed (and becomes Parquet files) when it holds
	 * flush_rows records, or flush_bytes bytes, or its first record is
	 * flush_seconds old.  Defaults 10,000 rows, 64 MiB, 60 s. */
	size_t flush_rows;
	size_t flush_bytes;
	unsigned flush_seconds;

	/* Cap on the WAL on disk (all segments not yet uploaded); past it
	 * dm_logger_log fails with DM_EFULL.  Default 1 GiB; at least
	 * 2 x flush_bytes is sensible. */
	uint64_t wal_max_bytes;

	/* Optional declared schema.  When given, every record's features
	 * and predictions must be among these columns, with these types;
	 * columns a record leaves out are NULL.  When absent, the schema of
	 * each model and version is learned: a column's type is fixed by the
	 * first record that gives it a non-NULL value, and kept (in the WAL
	 * folder) across restarts.  Either way a value of the wrong type is
	 * DM_ESCHEMA naming the column and both types.  Copied. */
	const dm_log_column *schema;
	size_t nschema;

	/* Limits (0 = default): columns per record (1,000), bytes of one
	 * string value (65,536), columns learned per model and version
	 * (10,000), models x versions learned (10,000). */
	size_t max_columns;
	size_t max_string_bytes;
	size_t max_schema_columns;
	size_t max_models;

	/* Parquet compression: "snappy" (default), "zstd" or "none". */
	const char *codec;

	/* The <host> of file names; default gethostname().  Characters
	 * other than [A-Za-z0-9._] become '_'. */
	const char *host;

	/* Background threads converting and uploading sealed segments
	 * (default 2, at most 16): conversion of one overlaps the store's
	 * writes of another. */
	unsigned flush_threads;

	/* Retry backoff after a failed upload: from 100 ms doubling up to
	 * retry_max_ms (default 10,000). */
	unsigned retry_max_ms;
	/* dm_logger_close waits at most this long for the last uploads
	 * (default 30,000 ms); what is left stays in the WAL. */
	unsigned close_timeout_ms;

	/* Called from the background thread (never while a lock is held
	 * that dm_logger_log needs); msg is one line.  May be NULL. */
	void (*on_event)(void *ctx, dm_log_event ev, const char *msg);
	void *event_ctx;

	/* Learned schemas only: a model and version, or a column of one,
	 * that no record has used for schema_ttl_s seconds and of which no
	 * record waits in the WAL is forgotten when a limit (max_models,
	 * max_schema_columns) would refuse a new one, and at most once a
	 * minute otherwise.  So junk names cannot hold the limits for
	 * good.  A forgotten column's type is learned again from its next
	 * record.  Default 86,400 (a day); schema_ttl_set = 1 with
	 * schema_ttl_s = 0 keeps everything for ever. */
	unsigned schema_ttl_s;
	int schema_ttl_set;

	/* Hour profiles (docs/hourly-profiles.md): for every model version
	 * with a baseline in the store (baselines/<model>/<version>/
	 * baseline.json, read at each new hour), the flusher threads
	 * profile the files they upload and, once an hour is over and its
	 * files are uploaded (or at close), store the hour's profile detect
	 * would build, if the hour's data files in the store are exactly
	 * those this logger profiled.  Only with the default prefix.
	 * 1 = off. */
	int no_hour_profiles;

	/* Added to the flusher threads' nice value (Linux: per thread), so
	 * that converting and uploading yield the CPU to the callers on a
	 * busy machine; under sustained saturation the backlog waits in the
	 * WAL (up to wal_max_bytes) rather than the calls.  Default 10;
	 * flush_nice_set = 1 with flush_nice = 0 keeps the callers'
	 * priority.  At most 19. */
	int flush_nice;
	int flush_nice_set;
} dm_logger_config;

/* Fills c with the defaults (all zero but the meaningful ones). */
DM_API void dm_logger_config_init(dm_logger_config *c);

/* ------------------------------------------------------------------ */
/* The logger                                                          */
/* ------------------------------------------------------------------ */
typedef struct dm_logger dm_logger;

/*
 * Opens a logger: checks cfg, locks and recovers the WAL folder (partial
 * records at the end of a segment written when an earlier run crashed
 * are cut off; segments already uploaded are deleted; the others are
 * queued for upload), opens the store and starts the background
 * threads.  Does not wait for the network.  *out is owned by the caller
 * (dm_logger_close).  Errors: DM_EINVAL (configuration), DM_ECONFLICT
 * (another process uses the folder), DM_EIO, DM_ENOMEM, or the store's
 * errors.
 */
DM_API dm_err dm_logger_open(const dm_logger_config *cfg, dm_logger **out,
			     dm_diag *diag);

/*
 * Appends one record to the WAL (see dm_logger_log_batch).
 */
DM_API dm_err dm_logger_log(dm_logger *lg, const dm_log_record *rec,
			    dm_diag *diag);

/*
 * Appends n records as one unit: either all are in the WAL when this
 * returns DM_OK, or none is (and nothing of them is remembered, not even
 * the columns they would have added to a learned schema).  Errors:
 *   DM_EINVAL    a record is invalid (missing model name, bad column
 *                name, duplicate column, timestamp out of range...);
 *                diag->row is the 1-based record number and
 *                diag->column the field
 *   DM_ESCHEMA   a value's type differs from its column's, or a column
 *                is not in the declared schema
 *   DM_ETOOBIG   a limit (columns, string bytes, batch bytes)
 *   DM_EFULL     the WAL is at its cap (storage has been unavailable
 *                for a while); try again later
 *   DM_EIO       the WAL could not be written (disk full...)
 * Never waits for the network; with DM_LOG_FSYNC_ALWAYS it waits for the
 * disk.  The records are copied.
 */
DM_API dm_err dm_logger_log_batch(dm_logger *lg, const dm_log_record *recs,
				  size_t n, dm_diag *diag);

/*
 * Seals the current segment and waits until everything logged before
 * the call is uploaded, or timeout_ms passes (0 = no limit).  DM_OK, or
 * DM_ENET (storage failing: diag has the last error) on timeout.
 */
DM_API dm_err dm_logger_flush(dm_logger *lg, unsigned timeout_ms,
			      dm_diag *diag);

/*
 * Stops the logger: seals the current segment, uploads everything
 * (waiting up to config.close_timeout_ms), stops the threads and frees
 * lg (NULL is accepted).  DM_OK when everything was uploaded; otherwise
 * the error with a diag saying how many records stay in the WAL (they
 * are uploaded by the next dm_logger_open on the same folder).
 */
DM_API dm_err dm_logger_close(dm_logger *lg, dm_diag *diag);

typedef struct dm_logger_stats {
	uint64_t records_logged;   /* accepted into the WAL by this process */
	uint64_t records_rejected; /* refused: invalid, schema, limits, full */
	uint64_t records_refused_full; /* of which because the WAL was full */
	uint64_t records_flushed;      /* in uploaded Parquet files */
	uint64_t records_pending;      /* in the WAL, not yet uploaded */
	uint64_t files_uploaded;
	uint64_t segments_done;
	uint64_t segments_replayed; /* found at open, from an earlier run */
	uint64_t upload_failures;
	uint64_t fsyncs;
	uint64_t wal_bytes; /* on disk now (all pending segments) */
	uint64_t wal_max_bytes;
	uint64_t wal_segments; /* on disk now, the open one included */
	int storage_ok;	       /* 0 while uploads are failing */
	char last_error[256];  /* the last upload failure, or "" */
	/* 0 while the WAL folder cannot be written: the last write failed
	 * (disk full, I/O error) and the disk has not shown free space
	 * since, or it has less than 64 KiB free.  Records are refused
	 * (DM_EIO) meanwhile; a readiness probe should fail. */
	int wal_writable;
	char wal_error[128];	  /* why not, or "" */
	uint64_t disk_free_bytes; /* free space of the WAL folder's disk */
	uint64_t schema_entries;  /* models x versions + columns learned */
	uint64_t schema_expired;  /* entries forgotten (schema_ttl) */
	uint64_t hour_profiles_written; /* stored (no_hour_profiles) */
	uint64_t hour_profiles_skipped; /* left to detect (see the events) */
} dm_logger_stats;

/* A consistent snapshot of lg's counters. */
DM_API void dm_logger_get_stats(dm_logger *lg, dm_logger_stats *st);

/* ------------------------------------------------------------------ */
/* JSON records (what the HTTP collector receives)                     */
/* ------------------------------------------------------------------ */
/*
 * One record is a JSON object:
 *
 *   {"timestamp": "2025-12-24T17:03:00.25Z",   (or seconds since the
 *                                                epoch; optional: now)
 *    "model_name": "spam-detector", "model_version": "v1",
 *    "request_id": "abc-123",                  (optional)
 *    "features": {"url_count": 3, "domain": "example.com", ...},
 *    "prediction": 0.93,                       (optional: one output)
 *    "predictions": {"label": "spam", ...}}    (optional: more outputs)
 *
 * Feature and prediction values are numbers, strings, booleans (as the
 * numbers 1 and 0) or null.  Timestamps in ISO-8601 take a 'T' or a
 * space, optional fractional seconds and 'Z', an offset (+01:00) or
 * nothing (UTC).  Any other field is an error.
 *
 * A body is a JSON array of records, or NDJSON (one record per line;
 * blank lines are ignored).
 */
typedef struct dm_log_parsed {
	dm_log_record *records;
	size_t nrecords;
	void *impl_; /* private: the values the records point into */
} dm_log_parsed;

/*
 * Parses body[0..len) into out->records.  body is modified (strings are
 * unescaped in place) and must outlive out.  At most max_records records
 * (0 = no limit; more is DM_ETOOBIG).  Errors name the record (1-based
 * diag->row, and its line) and the field (diag->column, e.g.
 * "features.url_count"): DM_EFORMAT for malformed JSON or a field of the
 * wrong kind.  out is always initialised; release it with
 * dm_log_parsed_release.
 */
DM_API dm_err dm_log_parse_json(char *body, size_t len, size_t max_records,
				dm_log_parsed *out, dm_diag *diag);
DM_API void dm_log_parsed_release(dm_log_parsed *p);

/*
 * Parses an ISO-8601 timestamp (see above) into microseconds since the
 * epoch.  Returns 0, or -1 if s[0..len) is not one (or is out of range).
 */
DM_API int dm_log_parse_time(const char *s, size_t len, int64_t *us);

#ifdef __cplusplus
}
#endif
#endif
