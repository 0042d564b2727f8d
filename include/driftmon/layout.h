/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The storage layout: the one place that spells the keys driftmon reads
 * and writes in a store (docs/architecture.md, "The storage layout").
 * Every key below is relative to the store (dm_store_open):
 *
 *   baselines/<model>/<version>/baseline.json               baseline
 *   baselines/<model>/<version>/reference-performance.json  labels' ref.
 *   inference-logs/year=YYYY/month=MM/day=DD/hour=HH/<file> logs (UTC)
 *   labels/year=YYYY/month=MM/day=DD/hour=HH/labels-<tag>.parquet
 *   profiles/<model>/<version>/year=YYYY/month=MM/day=DD/hour=HH/
 *       profile.json                                        hourly profile
 *   drift-reports/<model>/latest.json, latest.html          model's latest
 *   drift-reports/<model>/<version>/latest.json, latest.html
 *   drift-reports/<model>/<version>/<end>--<run>-<nonce>.json, .html
 *       history: <end> the window end, <run> the run time, both
 *       YYYYMMDDTHHMMSSZ (UTC), <nonce> 8 hex digits
 *   drift-reports/<model>/alerts.state                      firing alerts
 *
 * Model names and versions are checked with dm_name_check ("model name",
 * "model version": no '/', no leading '.', no reserved name) before they
 * become part of a key, so no key escapes its folder.
 *
 * Every builder writes a NUL-terminated key into out (n bytes) and
 * returns DM_OK; DM_EINVAL (diag names the bad name, as dm_name_check
 * does) for a bad model, version or tag; DM_ETOOBIG when the key does not
 * fit in n bytes (DM_LAYOUT_KEY_MAX always fits valid names).  diag may
 * be NULL.  Times are seconds since the epoch; an hour key uses the UTC
 * hour that contains the time (minutes and seconds are dropped).
 */
#ifndef DRIFTMON_LAYOUT_H
#define DRIFTMON_LAYOUT_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include "driftmon/export.h"

#include "driftmon/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A buffer this large holds every key built from valid names. */
#define DM_LAYOUT_KEY_MAX 1024

/* The top-level folders (each with its trailing '/'). */
#define DM_LAYOUT_BASELINES "baselines/"
#define DM_LAYOUT_REPORTS   "drift-reports/"
#define DM_LAYOUT_LOGS	    "inference-logs/"
#define DM_LAYOUT_LABELS    "labels/"
#define DM_LAYOUT_PROFILES  "profiles/"
/* The roots of the hour partitions, as dm_layout_hour_prefix and
 * dm_layout_hour_parse take them (no trailing '/'). */
#define DM_LAYOUT_LOGS_ROOT   "inference-logs"
#define DM_LAYOUT_LABELS_ROOT "labels"

/* baselines/<model>/<version>/baseline.json */
DM_API dm_err dm_layout_baseline_key(const char *model, const char *version,
				     char *out, size_t n, dm_diag *diag);

/* baselines/<model>/<version>/reference-performance.json (driftmon
 * reference; dm_refperf_to_json). */
DM_API dm_err dm_layout_refperf_key(const char *model, const char *version,
				    char *out, size_t n, dm_diag *diag);

/*
 * The latest report: drift-reports/<model>/<version>/latest.<ext> of a
 * version, or drift-reports/<model>/latest.<ext> of the model when
 * version is NULL.  ext is "json" or "html" (DM_EINVAL otherwise).
 */
DM_API dm_err dm_layout_latest_key(const char *model, const char *version,
				   const char *ext, char *out, size_t n,
				   dm_diag *diag);

/*
 * A history report: drift-reports/<model>/<version>/<end>--<run>-<nonce>
 * followed by "." ext, or without an extension when ext is NULL (the
 * "stem" that the .json and .html copies share).  window_end and run are
 * UTC times written YYYYMMDDTHHMMSSZ (seconds kept); nonce makes the name
 * unique between runs of the same second (dm_job_write_report draws it
 * at random and draws again when the name exists).
 */
DM_API dm_err dm_layout_history_key(const char *model, const char *version,
				    time_t window_end, time_t run,
				    uint32_t nonce, const char *ext, char *out,
				    size_t n, dm_diag *diag);

/* drift-reports/<model>/alerts.state (dm_alert_set_state). */
DM_API dm_err dm_layout_alerts_state_key(const char *model, char *out, size_t n,
					 dm_diag *diag);

/*
 * The folder of a model's or a version's reports, for dm_store_list:
 * "drift-reports/" (model NULL), "drift-reports/<model>/" (version NULL)
 * or "drift-reports/<model>/<version>/".  The same with
 * dm_layout_baselines_prefix under "baselines/".
 */
DM_API dm_err dm_layout_reports_prefix(const char *model, const char *version,
				       char *out, size_t n, dm_diag *diag);
DM_API dm_err dm_layout_baselines_prefix(const char *model, const char *version,
					 char *out, size_t n, dm_diag *diag);

/*
 * An hour partition: "<root>/year=YYYY/month=MM/day=DD/hour=HH/" for the
 * UTC hour containing t, where root is the folder without its trailing
 * '/' ("inference-logs", "labels", or the logger's configured prefix; no
 * leading '/', no "." or ".." component, no control characters: DM_EINVAL
 * otherwise).  dm_layout_logs_hour_prefix and dm_layout_labels_hour_prefix
 * are this with root "inference-logs" and "labels".
 */
DM_API dm_err dm_layout_hour_prefix(const char *root, time_t t, char *out,
				    size_t n, dm_diag *diag);
DM_API dm_err dm_layout_logs_hour_prefix(time_t t, char *out, size_t n);
DM_API dm_err dm_layout_labels_hour_prefix(time_t t, char *out, size_t n);

/*
 * The hour a key under an hour partition of root belongs to: for
 * "<root>/year=YYYY/month=MM/day=DD/hour=HH/<anything>" sets *hour to
 * the epoch seconds of that hour and returns DM_OK.  DM_EINVAL when key
 * is not under root, the partition is not spelled exactly so (four-digit
 * year, two-digit month, day and hour, in that order), or the date or
 * hour does not exist (year 0000, month 13, February 30, hour 24).  The inverse
 * of dm_layout_hour_prefix: parse(prefix(t)) == t - t % 3600.
 */
DM_API dm_err dm_layout_hour_parse(const char *root, const char *key,
				   time_t *hour);

/* labels/year=YYYY/month=MM/day=DD/hour=HH/labels-<tag>.parquet; tag:
 * 1 to 64 letters, digits, '-', '_', '.' not starting with '.'. */
DM_API dm_err dm_layout_labels_key(time_t t, const char *tag, char *out,
				   size_t n, dm_diag *diag);

/*
 * Reserved for the hourly profiles (issue 12):
 *   profiles/<model>/<version>/year=YYYY/month=MM/day=DD/hour=HH/
 *   profile.json
 * for the UTC hour containing hour.  The file name may still change
 * before the hourly profiles ship; call this, never spell the key.
 */
DM_API dm_err dm_layout_hour_profile_key(const char *model, const char *version,
					 time_t hour, char *out, size_t n,
					 dm_diag *diag);

/*
 * Parsing keys back (for listings):
 * dm_layout_parse_baseline_key: "baselines/<m>/<v>/baseline.json";
 * dm_layout_parse_latest_key: "drift-reports/<m>/<v>/latest.json" (sets
 * version) or "drift-reports/<m>/latest.json" (version set to "").
 * Copy the model and version into model (mn bytes) and version (vn
 * bytes) and return DM_OK; DM_EINVAL for any other key or a component
 * that does not fit.
 */
DM_API dm_err dm_layout_parse_baseline_key(const char *key, char *model,
					   size_t mn, char *version, size_t vn);
DM_API dm_err dm_layout_parse_latest_key(const char *key, char *model,
					 size_t mn, char *version, size_t vn);

/* 1 when key names a data file the window reads (".csv", ".tsv",
 * ".parquet", and ".csv" / ".tsv" compressed: ".csv.gz", ".tsv.zst"),
 * 0 otherwise. */
DM_API int dm_layout_is_data_file(const char *key);

#ifdef __cplusplus
}
#endif
#endif
