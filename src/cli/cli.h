/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Private to the CLI: the command table's entry type, exit codes and the
 * helpers every command shares (errors in git's voice, settings from the
 * environment, lists, times).  The CLI includes only the public headers
 * under include/driftmon/.
 */
#ifndef DM_CLI_H
#define DM_CLI_H

#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "driftmon/detect.h"
#include "driftmon/error.h"
#include "driftmon/job.h"
#include "driftmon/profile.h"

/* Exit codes (docs/cli.md). */
#define EXIT_OK	     0
#define EXIT_RUNTIME 1 /* bad input data, storage or I/O failure */
#define EXIT_USAGE   2 /* unknown flag, invalid setting or argument */
#define EXIT_DRIFT   3 /* --fail-on-drift and drift was detected */

int cmd_baseline(int argc, char **argv);
int cmd_detect(int argc, char **argv);
int cmd_profile(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_synth(int argc, char **argv);
int cmd_simulate(int argc, char **argv);
int cmd_parquet(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_history(int argc, char **argv);
int cmd_collect(int argc, char **argv);
int cmd_labels(int argc, char **argv);
int cmd_reference(int argc, char **argv);

/* "driftmon: <message>" on stderr; returns EXIT_RUNTIME. */
int cli_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "driftmon: <what>: <diag or strerror>"; returns EXIT_RUNTIME (or
 * EXIT_USAGE for DM_EINVAL). */
int cli_fail_err(dm_err err, const dm_diag *diag, const char *what);
/* "driftmon <cmd>: <message>" plus a hint to --help; returns EXIT_USAGE. */
int cli_usage(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Reports an unknown option seen by getopt, suggesting the closest
 * long option of opts for a typo ("did you mean '--window-hours'?");
 * returns EXIT_USAGE. */
struct option;
int cli_bad_option_in(const char *cmd, int argc, char **argv,
		      const struct option *opts);
/* Every command names its getopt_long table longopts. */
#define cli_bad_option(cmd, argc, argv)                                        \
	cli_bad_option_in(cmd, argc, argv, longopts)
/* What a command's option function returns for an option it does not
 * take: cli_getopt reports it as cli_bad_option does. */
#define CLI_BAD_OPTION (-2)
/* One option of a command (c, long option longidx, its argument) into
 * ctx: EXIT_OK, CLI_BAD_OPTION, or an exit code after printing the
 * error. */
typedef int (*cli_option_fn)(void *ctx, int c, int longidx, const char *arg);
/* A command's getopt_long loop over argv (from the start): 'h' prints
 * help and returns -1; every other option goes to fn(ctx, ...), the
 * first that is not EXIT_OK ends the loop.  EXIT_OK when every option
 * was taken (optind then indexes the first operand), -1, or the exit
 * code. */
int cli_getopt(int argc, char **argv, const char *cmd, const char *shortopts,
	       const struct option *longopts, const char *help,
	       cli_option_fn fn, void *ctx);
/* The options of a command that takes --model and --store only (list,
 * status): a cli_option_fn over a struct cli_model_store. */
enum { CLI_O_STORE = 256 }; /* --store, in the longopts of such commands */
struct cli_model_store {
	const char *model, *store;
};
int cli_model_store_option(void *ctx, int c, int longidx, const char *arg);
/* The long option of opts closest to name (without "--") when it is
 * close enough to be a typo; NULL otherwise. */
const char *cli_closest_option(const struct option *opts, const char *name);
/* Edits (insert, delete, substitute, swap two neighbours) from a to b;
 * and whether distance edits in a name of len characters look like a
 * typo. */
size_t cli_edit_distance(const char *a, const char *b);
int cli_is_typo(size_t len, size_t distance);

/* The store URL: --store, else $DRIFTMON_STORE, else ./driftmon-data. */
const char *cli_store_url(const char *flag);
/* The same for printing: credentials redacted (dm_redact; a static
 * buffer). */
const char *cli_store_shown(const char *flag);
/* Opens the store for a read command (list, status, history): a store
 * that does not exist is an error naming it (with a hint when it is the
 * default), never an empty listing.  Prints the error; returns an exit
 * code. */
struct dm_store;
int cli_open_store_to_read(const char *flag, struct dm_store **out);

/*
 * Detection settings (driftmon/job.h): defaults, then the environment
 * (DRIFT_PSI_THRESHOLD, DRIFT_ANALYSIS_WINDOW_HOURS, DRIFT_MIN_SAMPLES,
 * DRIFT_SCORE_CRITICAL_THRESHOLD, DRIFT_ALPHA, DRIFT_MIN_KS_D), then
 * flags, with the stored spec below both.  An invalid value is an error
 * naming the variable or flag.
 */
typedef dm_job_settings cli_settings;

/* Fills defaults and applies the environment; returns EXIT_OK or
 * EXIT_USAGE after printing the error. */
int cli_settings_from_env(cli_settings *s);
/* Applies one setting flag (name without "--") with its value; returns
 * 1 if handled, 0 if not a setting flag, -1 after printing an error. */
int cli_settings_flag(cli_settings *s, const char *cmd, const char *name,
		      const char *value);

/* Strict number parsing: the whole string, finite; returns 0 or -1. */
int cli_parse_double(const char *s, double *out);
int cli_parse_u64(const char *s, uint64_t *out);

/* driftmon simulate --performance (sim_perf.c): prints the rates of the
 * performance alerts; an exit code. */
int simulate_performance(uint64_t seeds, uint64_t ref_rows, uint64_t rows,
			 double alpha, double min_effect);

/* Splits "a,b,c" into a NULL-terminated malloc'd array (free with
 * cli_free_list); empty items are dropped. */
char **cli_split_list(const char *s);
void cli_free_list(char **v);
/* Appends to a NULL-terminated list (realloc); returns NULL on failure. */
char **cli_list_append(char **v, const char *s);

/* --role COL=ROLE, --type COL=TYPE and --missing-values LIST, shared by
 * 'baseline' and 'compare' (cli_columns.c).  Zero-initialise; the
 * parsers return EXIT_OK or print the usage error and return its code;
 * cli_columns_apply points po at the lists (they must outlive po). */
typedef struct cli_columns {
	char **role_names, **type_names, **missing; /* NULL-terminated */
	int *role_codes, *type_codes;
	dm_role *roles;
	dm_ltype *types;
	size_t nroles, ntypes;
} cli_columns;
int cli_columns_role(cli_columns *c, const char *cmd, const char *arg);
int cli_columns_type(cli_columns *c, const char *cmd, const char *arg);
int cli_columns_missing(cli_columns *c, const char *arg);
int cli_columns_apply(cli_columns *c, dm_profile_opts *po);
void cli_columns_release(cli_columns *c);

/* Time: ISO-8601 UTC ("2025-12-24T17:00:00Z"). */
void cli_iso_time(time_t t, char *buf, size_t n);
/* Parses "YYYY-MM-DD[THH[:MM[:SS[.frac]]]][Z|+HH[:MM]|-HH[:MM]]" (a
 * space may stand for T; no offset means UTC) or "now"; the date must
 * exist in the calendar and be from 1970 on.  Returns 0, or -1 with the
 * reason in why (n bytes; why may be NULL). */
int cli_parse_time_why(const char *s, time_t *out, char *why, size_t n);
int cli_parse_time(const char *s, time_t *out);

/* 1 when stderr is a terminal (progress lines). */
int cli_progress_enabled(void);

/* Profiles local files (CSV / Parquet) into p; lenient readers skip and
 * count malformed rows.  Prints errors; returns an exit code. */
int cli_profile_files(char *const *files, const dm_profile_opts *opts,
		      int lenient, dm_profile *p);

/* Hour profiles (cli_hourly.c): 0 when --no-hourly-profiles (no_flag)
 * or $DRIFTMON_NO_PROFILES forces raw reads. */
int cli_hourly_enabled(int no_flag);
/* $DRIFTMON_NO_DAY_ROLLUPS=1: day roll-ups neither read nor written. */
int cli_day_rollups_off(void);
struct dm_job_opts;
struct dm_hourly_stats;
/* detect --reference-window SPEC into jo: "168h" / "7d" (the window's
 * hours that long ago; not with input files) or "START/END" (ISO-8601).
 * Prints usage errors; returns an exit code. */
int cli_reference_parse(const char *spec, int inputs, struct dm_job_opts *jo);
/* With $DRIFTMON_PROFILE_STATS=1: one line on standard error saying what
 * the hour profiles of a window did. */
void cli_hourly_stats_print(const struct dm_hourly_stats *hs);

/* Profiling threads: $DRIFTMON_THREADS (1-8), else the online CPUs, at
 * most 4. */
unsigned cli_threads(void);

/* ---- After a report: HTML, metrics, alerts (cli_outputs.c) ---------- */
#include "driftmon/report.h"

typedef struct cli_outputs {
	const char *metrics_file; /* --metrics-file, or NULL */
	double t0;		  /* monotonic clock at the start of the run */
} cli_outputs;

/* Starts the run clock and checks the delivery settings in the
 * environment (DRIFT_PUSHGATEWAY_URL, DRIFT_ALERTMANAGER_URL,
 * DRIFT_WEBHOOK_URL, DRIFT_NOTIFY_ATTEMPTS, DRIFT_NOTIFY_TIMEOUT_SECONDS,
 * DRIFT_ALERT_HOLD_HOURS); returns EXIT_OK or EXIT_USAGE after printing
 * the error. */
int cli_outputs_init(cli_outputs *o);
/* What detect wrote to the store (dm_job_write_report): the history
 * copy's key without ".json", and whether it became the version's and
 * the model's latest.json. */
typedef dm_job_written cli_written;

/*
 * After detect built (and, when written, stored) its report: the HTML
 * report beside the JSON (<stem>.html, and latest.html beside each
 * latest.json it replaced), when written (w not NULL),
 * the metrics (--metrics-file; the Pushgateway when written) and the
 * alerts (Alertmanager, webhook, when written).  A failed delivery is a
 * warning on stderr; a local file that cannot be written is an error.
 * info (may be NULL) gets the "HTML report: ..." line.  Returns an exit
 * code.
 */
int cli_outputs_after_detect(cli_outputs *o, struct dm_store *st,
			     const dm_result *res, const char *json, size_t len,
			     time_t now, const cli_written *w, FILE *info);
/* Writes path atomically (temporary file + rename); "-" is stdout.
 * Prints the error; returns an exit code. */
int cli_write_file_atomic(const char *path, const void *data, size_t len);
/* The last max reports of model (and version, or all versions when
 * NULL) under drift-reports/<model>/<version>/<window end>--<run>.json
 * (or the older <run>.json), by window end then run time, oldest first;
 * latest.json is not history.  Unreadable ones are skipped.  *out is
 * malloc'd. */
dm_err cli_report_history(struct dm_store *st, const char *model,
			  const char *version, size_t max,
			  dm_report_brief **out, size_t *n, dm_diag *diag);
/* The trend points of history h[0..n) (pts has room for n). */
void cli_report_points(const dm_report_brief *h, size_t n,
		       dm_report_point *pts);

/* ---- Progress line (cli_progress.c) ------------------------------------ */
/* When stderr is a terminal, makes profiling with po show "WHAT: rows,
 * rate, elapsed" on stderr; cli_progress_done() ends the line. */
void cli_progress_attach(dm_profile_opts *po, const char *what);
void cli_progress_done(void);

/* --model and --version given and usable as storage key components;
 * prints the usage error and returns EXIT_USAGE otherwise. */
int cli_check_model(const char *cmd, const char *model, const char *version);
/* The one name check (driftmon/names.h) of a model name and/or version
 * (either may be NULL): EXIT_OK, or the usage error naming the rule. */
int cli_check_names(const char *cmd, const char *model, const char *version);

/* --bins N: a PSI bin count from 2 to DM_PSI_BINS_MAX into *out; prints
 * the usage error and returns EXIT_USAGE otherwise. */
int cli_parse_bins(const char *cmd, const char *arg, unsigned *out);

/* ---- The monitoring spec (cli_spec.c, docs/spec-format.md) ----------- */
typedef struct cli_spec {
	const char *file;	  /* --spec FILE, or NULL */
	const char *suggest_file; /* --suggest-spec FILE ("-": stdout) */
	int dry_run;		  /* --dry-run: store no baseline */
	dm_spec spec;		  /* the parsed --spec */
	char *text;		  /* its text (stored with the baseline) */
} cli_spec;

void cli_spec_init(cli_spec *cs);
void cli_spec_release(cli_spec *cs);
/* Reads and parses --spec (when given), checks that it is for model and
 * version (when it names them) and points po->spec at it.  Prints the
 * error; returns an exit code (EXIT_USAGE for a bad spec). */
int cli_spec_load(cli_spec *cs, const char *cmd, const char *model,
		  const char *version, dm_profile_opts *po);
/* After a baseline p is finished: keeps the --spec text in p->spec_yaml
 * and writes --suggest-spec.  Prints the error; returns an exit code. */
int cli_spec_after_baseline(cli_spec *cs, dm_profile *p);

#endif
