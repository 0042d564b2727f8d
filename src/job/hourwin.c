/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A window's profile from hour profiles (docs/hourly-profiles.md): each
 * hour of [start, end) comes from its stored profile when that profile
 * is fresh, otherwise from its log files (and its profile is stored), so
 * an hour of logs is read once however many windows cover it.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "driftmon/hourprof.h"
#include "driftmon/layout.h"
#include "job/job_int.h"

static void warnf(const dm_hourly_opts *ho, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void warnf(const dm_hourly_opts *ho, const char *fmt, ...)
{
	char msg[600];
	va_list ap;

	if (!ho->warn)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	ho->warn(ho->warn_ctx, msg);
}

/* The data files of the hour starting at h (sorted): *keys owns them. */
static dm_err hour_files(dm_store *st, int64_t h, char ***keys, size_t *n,
			 dm_diag *diag)
{
	char prefix[DM_LAYOUT_KEY_MAX];
	size_t i, k = 0;
	dm_err err;

	err = dm_layout_logs_hour_prefix((time_t)h, prefix, sizeof(prefix));
	if (err != DM_OK)
		return dm_diag_set(diag, err, NULL, 0, NULL,
				   "cannot list logs of hour %lld",
				   (long long)h);
	err = dm_store_list(st, prefix, keys, n, diag);
	if (err != DM_OK)
		return err;
	for (i = 0; i < *n; i++) {
		if (dm_layout_is_data_file((*keys)[i]))
			(*keys)[k++] = (*keys)[i];
		else
			free((*keys)[i]);
	}
	*n = k;
	return DM_OK;
}

/* Reads one log file into cur and records it in hp. */
static dm_err read_file(dm_store *st, const char *key,
			const dm_profile_opts *po, const dm_hourly_opts *ho,
			dm_profile *cur, dm_hour_profile *hp, dm_diag *diag)
{
	dm_reader_opts ro = {0};
	dm_source *src = NULL;
	dm_reader *r = NULL;
	uint64_t size = 0;
	dm_err err;

	ro.lenient = ho->lenient;
	dm_diag_clear(diag);
	err = dm_store_open_source(st, key, &src, diag);
	if (err == DM_OK) {
		size = src->size;
		err = dm_reader_open(src, &ro, &r, diag);
	}
	if (err == DM_EEMPTY && ho->lenient) {
		dm_reader_free(r);
		return dm_hour_profile_add_file(hp, key, size,
						DM_HOUR_FILE_EMPTY);
	}
	if (err == DM_OK)
		err = dm_profile_add_reader(cur, po, r, diag);
	dm_reader_free(r);
	if (err != DM_OK && ho->lenient && job_skippable(err)) {
		const char *why = diag->msg[0] ? diag->msg : key;

		if (!hp->first_unreadable[0])
			snprintf(hp->first_unreadable,
				 sizeof(hp->first_unreadable), "%.*s",
				 (int)sizeof(hp->first_unreadable) - 1, why);
		warnf(ho, "skipping log file: %s", why);
		dm_diag_clear(diag);
		return dm_hour_profile_add_file(hp, key, size,
						DM_HOUR_FILE_UNREADABLE);
	}
	if (err != DM_OK)
		return err;
	return dm_hour_profile_add_file(hp, key, size, DM_HOUR_FILE_READ);
}

/* The hour's profile from its log files keys[0..n). */
static dm_err read_hour(dm_store *st, char *const *keys, size_t n,
			const dm_profile_opts *po, const dm_hourly_opts *ho,
			dm_hour_profile *hp, dm_diag *diag)
{
	dm_profile cur;
	size_t i;
	dm_err err = DM_OK;

	dm_profile_init(&cur, NULL);
	for (i = 0; i < n && err == DM_OK; i++)
		err = read_file(st, keys[i], po, ho, &cur, hp, diag);
	if (err == DM_OK)
		err = dm_hour_profile_take(hp, &cur, po->reference);
	dm_profile_release(&cur);
	return err;
}

/* Nothing in hp that strict mode refuses: malformed rows, unreadable or
 * empty files, invalid values. */
static int strict_clean(const dm_hour_profile *hp)
{
	size_t i;

	if (hp->prof.rows_skipped)
		return 0;
	for (i = 0; i < hp->nfiles; i++)
		if (hp->files[i].state != DM_HOUR_FILE_READ)
			return 0;
	for (i = 0; i < hp->prof.nfeat; i++)
		if (hp->prof.feat[i].invalid)
			return 0;
	return 1;
}

/* The stored profile of the hour if it is there, whole and fresh: 1,
 * with hp filled; 0 (hp empty) if it must be rebuilt. */
static int stored_hour(dm_store *st, const char *key, const char *model,
		       const char *version, int64_t h, char *const *keys,
		       size_t n, const dm_profile_opts *po,
		       const dm_hourly_opts *ho, dm_hour_profile *hp,
		       dm_hourly_stats *stats, dm_err *fatal, dm_diag *diag)
{
	char *text = NULL;
	size_t len = 0;
	dm_diag d;
	dm_err err;

	dm_diag_clear(&d);
	err = dm_store_get(st, key, DM_HOUR_PROFILE_MAX_BYTES, &text, &len, &d);
	if (err == DM_ENOENT)
		return 0;
	if (err != DM_OK && err != DM_ETOOBIG) {
		*fatal = err;
		*diag = d;
		return 0;
	}
	if (err == DM_OK)
		err = dm_hour_profile_from_json(text, len, key, model, version,
						h, po->reference, hp, &d);
	free(text);
	if (err == DM_ENOMEM) {
		*fatal = err;
		return 0;
	}
	if (err != DM_OK) {
		warnf(ho,
		      "hour profile %s cannot be used (%s): rebuilding it "
		      "from the logs",
		      key, d.msg[0] ? d.msg : dm_strerror(err));
		stats->rebuilt++;
		return 0;
	}
	if (!ho->lenient && !strict_clean(hp)) {
		/* made leniently, with something strict mode refuses: read
		 * the hour to name the file, row and column */
		dm_hour_profile_release(hp);
		return 0;
	}
	if (!dm_hour_profile_covers(hp, keys, n)) {
		warnf(ho,
		      "hour profile %s is stale (it covers %zu log files, "
		      "the hour has %zu): rebuilding it from the logs",
		      key, hp->nfiles, n);
		dm_hour_profile_release(hp);
		stats->rebuilt++;
		return 0;
	}
	return 1;
}

static void write_hour(dm_store *st, const char *key, const char *model,
		       const char *version, const dm_hour_profile *hp,
		       const dm_hourly_opts *ho, dm_hourly_stats *stats)
{
	char *json = NULL;
	size_t len = 0;
	dm_diag d;
	dm_err err;

	dm_diag_clear(&d);
	err = dm_hour_profile_to_json(hp, model, version, &json, &len);
	if (err == DM_OK)
		err = dm_store_put(st, key, json, len, &d);
	free(json);
	if (err == DM_OK)
		stats->written++;
	else
		warnf(ho, "cannot write hour profile %s: %s", key,
		      d.msg[0] ? d.msg : dm_strerror(err));
}

/* One hour into the window. */
static dm_err window_hour(dm_store *st, const char *model, const char *version,
			  int64_t h, const dm_profile_opts *po,
			  const dm_hourly_opts *ho, dm_window_acc *w,
			  dm_hourly_stats *stats, dm_diag *diag)
{
	char **keys = NULL, key[DM_LAYOUT_KEY_MAX];
	size_t n = 0;
	dm_hour_profile hp;
	dm_err err, fatal = DM_OK;

	dm_hour_profile_init(&hp, h);
	err = hour_files(st, h, &keys, &n, diag);
	if (err != DM_OK)
		return err;
	if (n == 0) {
		stats->hours_empty++;
		goto merge;
	}
	err = dm_layout_hour_profile_key(model, version, (time_t)h, key,
					 sizeof(key), diag);
	if (err != DM_OK)
		goto out;
	if (ho->use_profiles && !ho->rebuild &&
	    stored_hour(st, key, model, version, h, keys, n, po, ho, &hp, stats,
			&fatal, diag)) {
		stats->from_profiles++;
		/* progress counts the rows the hour stands for */
		if (po->progress && hp.prof.rows)
			po->progress(po->progress_ctx, hp.prof.rows);
		goto merge;
	}
	if ((err = fatal) != DM_OK)
		goto out;
	dm_hour_profile_init(&hp, h);
	if ((err = read_hour(st, keys, n, po, ho, &hp, diag)) != DM_OK)
		goto out;
	stats->read_raw++;
	if (ho->write_profiles)
		write_hour(st, key, model, version, &hp, ho, stats);
merge:
	if (ho->on_hour)
		ho->on_hour(ho->hour_ctx, &hp);
	err = w ? dm_window_acc_add(w, &hp, diag) : DM_OK;
out:
	dm_hour_profile_release(&hp);
	dm_store_free_list(keys, n);
	return err;
}

dm_err dm_window_profile_hourly(dm_store *st, const char *model,
				const char *version, int64_t start, int64_t end,
				const dm_profile_opts *po,
				const dm_hourly_opts *ho, dm_profile *cur,
				dm_data_account *acct, dm_hourly_stats *stats,
				dm_diag *diag)
{
	dm_hourly_stats local;
	dm_window_acc w;
	int64_t h;
	uint64_t idx = 0;
	dm_err err = DM_OK;

	if (!stats)
		stats = &local;
	memset(stats, 0, sizeof(*stats));
	if (!po->reference)
		return dm_diag_set(diag, DM_EINVAL, NULL, 0, NULL,
				   "hour profiles need the baseline");
	dm_window_acc_init(&w);
	for (h = start; h < end && err == DM_OK; h += 3600, idx++) {
		if (ho->shard_count > 1 &&
		    idx % ho->shard_count != ho->shard_index)
			continue;
		stats->hours++;
		err = window_hour(st, model, version, h, po, ho,
				  cur ? &w : NULL, stats, diag);
	}
	if (err == DM_OK && cur)
		err = dm_window_acc_finish(&w, cur);
	if (err == DM_OK && acct) {
		acct->from_window = 1;
		acct->files_read = w.files_read;
		acct->files_empty = w.files_empty;
		acct->files_unreadable = w.files_unreadable;
		memcpy(acct->first_unreadable, w.first_unreadable,
		       sizeof(acct->first_unreadable));
	}
	dm_window_acc_release(&w);
	return err;
}
