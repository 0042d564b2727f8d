/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A window's profile from hour profiles (docs/hourly-profiles.md): each
 * hour of [start, end) comes from its stored profile when that profile
 * is fresh, otherwise from its log files (and its profile is stored), so
 * an hour of logs is read once however many windows cover it.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "driftmon/hourprof.h"
#include "driftmon/layout.h"
#include "job/job_int.h"
#include "profile/dayprof.h"
#include "profile/hourprof_int.h"

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

/*
 * What the store holds for one hour, found without side effects (no
 * warning, no count, nothing written), so that it can be looked up on
 * another thread ahead of the merge; use_hour() then acts on it in hour
 * order.
 */
enum look_kind {
	LOOK_EMPTY, /* no log files */
	LOOK_FRESH, /* hp: the stored profile, whole and fresh */
	LOOK_READ,  /* the hour must be read from its logs */
	LOOK_FATAL  /* err, diag: the store failed */
};

struct look {
	int64_t h;
	char **keys; /* the hour's data files (sorted) */
	size_t n;
	char key[DM_LAYOUT_KEY_MAX]; /* its profile's key */
	dm_hour_profile hp;
	enum look_kind kind;
	int rebuilt; /* the stored profile was corrupt, foreign or stale */
	char warn[DM_LAYOUT_KEY_MAX + 1024]; /* what to say ("" if nothing) */
	dm_err err;
	dm_diag diag;
	int ready; /* read ahead: filled in */
};

static void look_release(struct look *lk)
{
	dm_hour_profile_release(&lk->hp);
	dm_store_free_list(lk->keys, lk->n);
	memset(lk, 0, sizeof(*lk));
}

/* The stored profile of the hour if it is there, whole and fresh: 1,
 * with lk->hp filled; 0 (hp empty) if it must be rebuilt (lk->rebuilt
 * and lk->warn say why) or the store failed (lk->err). */
static int stored_hour(dm_store *st, const char *model, const char *version,
		       const dm_profile_opts *po, const dm_hourly_opts *ho,
		       struct look *lk)
{
	dm_hour_profile *hp = &lk->hp;
	char *text = NULL;
	size_t len = 0;
	dm_diag d;
	dm_err err;

	dm_diag_clear(&d);
	err = dm_store_get(st, lk->key, DM_HOUR_PROFILE_MAX_BYTES, &text, &len,
			   &d);
	if (err == DM_ENOENT)
		return 0;
	if (err != DM_OK && err != DM_ETOOBIG) {
		lk->err = err;
		lk->diag = d;
		return 0;
	}
	if (err == DM_OK)
		err = dm_hour_profile_from_json(text, len, lk->key, model,
						version, lk->h, po->reference,
						hp, &d);
	free(text);
	if (err == DM_ENOMEM) {
		lk->err = err;
		return 0;
	}
	if (err != DM_OK) {
		snprintf(lk->warn, sizeof(lk->warn),
			 "hour profile %s cannot be used (%s): rebuilding it "
			 "from the logs",
			 lk->key, d.msg[0] ? d.msg : dm_strerror(err));
		lk->rebuilt = 1;
		return 0;
	}
	if (!ho->lenient && !strict_clean(hp)) {
		/* made leniently, with something strict mode refuses: read
		 * the hour to name the file, row and column */
		dm_hour_profile_release(hp);
		return 0;
	}
	if (!dm_hour_profile_covers(hp, lk->keys, lk->n)) {
		snprintf(lk->warn, sizeof(lk->warn),
			 "hour profile %s is stale (it covers %zu log files, "
			 "the hour has %zu): rebuilding it from the logs",
			 lk->key, hp->nfiles, lk->n);
		dm_hour_profile_release(hp);
		lk->rebuilt = 1;
		return 0;
	}
	return 1;
}

/* Fills lk (zeroed) for the hour starting at h. */
static void look_hour(dm_store *st, const char *model, const char *version,
		      int64_t h, const dm_profile_opts *po,
		      const dm_hourly_opts *ho, struct look *lk)
{
	lk->h = h;
	dm_hour_profile_init(&lk->hp, h);
	dm_diag_clear(&lk->diag);
	lk->kind = LOOK_FATAL;
	lk->err = hour_files(st, h, &lk->keys, &lk->n, &lk->diag);
	if (lk->err != DM_OK)
		return;
	if (lk->n == 0) {
		lk->kind = LOOK_EMPTY;
		return;
	}
	lk->err = dm_layout_hour_profile_key(model, version, (time_t)h, lk->key,
					     sizeof(lk->key), &lk->diag);
	if (lk->err != DM_OK)
		return;
	if (ho->use_profiles && !ho->rebuild &&
	    stored_hour(st, model, version, po, ho, lk)) {
		lk->kind = LOOK_FRESH;
		return;
	}
	if (lk->err == DM_OK)
		lk->kind = LOOK_READ;
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

/* One hour into the window, as lk found it. */
static dm_err use_hour(dm_store *st, const char *model, const char *version,
		       struct look *lk, const dm_profile_opts *po,
		       const dm_hourly_opts *ho, dm_window_acc *w,
		       dm_day_profile *dp, dm_hourly_stats *stats,
		       dm_diag *diag)
{
	dm_hour_profile *hp = &lk->hp;
	dm_err err;

	if (lk->kind == LOOK_FATAL) {
		*diag = lk->diag;
		return lk->err;
	}
	if (lk->warn[0])
		warnf(ho, "%s", lk->warn);
	stats->rebuilt += (uint64_t)lk->rebuilt;
	if (lk->kind == LOOK_EMPTY) {
		stats->hours_empty++;
	} else if (lk->kind == LOOK_FRESH) {
		stats->from_profiles++;
		/* progress counts the rows the hour stands for */
		if (po->progress && hp->prof.rows)
			po->progress(po->progress_ctx, hp->prof.rows);
	} else {
		/* a profile refused may have left hp released */
		dm_hour_profile_release(hp);
		dm_hour_profile_init(hp, lk->h);
		err = read_hour(st, lk->keys, lk->n, po, ho, hp, diag);
		if (err != DM_OK)
			return err;
		stats->read_raw++;
		if (ho->write_profiles)
			write_hour(st, lk->key, model, version, hp, ho, stats);
	}
	if (dp && (err = dm_day_profile_note_hour(
			   dp, (int)((lk->h - dp->hp.hour) / 3600), hp,
			   po->reference)) != DM_OK)
		return err;
	if (ho->on_hour)
		ho->on_hour(ho->hour_ctx, hp);
	return w ? dm_window_acc_add(w, hp, diag) : DM_OK;
}

/*
 * Reading ahead: with threads to spare, worker threads look the next
 * hours up (list the files, read and check the stored profile: the
 * parse is about half the cost of a window from profiles) while this
 * thread merges the hours in order.  At most nslot hours are looked up
 * and not yet merged, so memory does not grow with the window.  The
 * store backends are safe to call from several threads (local: no
 * state; Azure: one client behind its lock).
 */
#define AHEAD_MAX_WORKERS 3

struct ahead {
	pthread_mutex_t mu;
	pthread_cond_t cv; /* a slot filled or freed, or stop */
	struct look *slot;
	size_t nslot;
	const int64_t *hours;
	size_t nhours, next, done; /* next to look up; merged */
	int stop;
	dm_store *st;
	const char *model, *version;
	const dm_profile_opts *po;
	const dm_hourly_opts *ho;
	dm_day_profile *dp; /* a day being built from its hours, or NULL */
};

static void *ahead_main(void *arg)
{
	struct ahead *a = arg;

	for (;;) {
		struct look *lk;
		size_t i;

		pthread_mutex_lock(&a->mu);
		while (!a->stop && a->next < a->nhours &&
		       a->next >= a->done + a->nslot)
			pthread_cond_wait(&a->cv, &a->mu);
		if (a->stop || a->next >= a->nhours) {
			pthread_mutex_unlock(&a->mu);
			return NULL;
		}
		i = a->next++;
		pthread_mutex_unlock(&a->mu);
		lk = &a->slot[i % a->nslot];
		look_hour(a->st, a->model, a->version, a->hours[i], a->po,
			  a->ho, lk);
		pthread_mutex_lock(&a->mu);
		lk->ready = 1;
		pthread_cond_broadcast(&a->cv);
		pthread_mutex_unlock(&a->mu);
	}
}

/* The hours in order, each looked up ahead by nw workers; -1 if the
 * workers could not be had (nothing done then). */
static int run_ahead(struct ahead *a, unsigned nw, dm_window_acc *w,
		     dm_hourly_stats *stats, dm_err *err, dm_diag *diag)
{
	pthread_t tid[AHEAD_MAX_WORKERS];
	unsigned started = 0, t;
	size_t i;

	a->nslot = 2 * (size_t)nw + 2;
	a->slot = calloc(a->nslot, sizeof(*a->slot));
	if (!a->slot)
		return -1;
	pthread_mutex_init(&a->mu, NULL);
	pthread_cond_init(&a->cv, NULL);
	for (t = 0; t < nw; t++)
		if (pthread_create(&tid[started], NULL, ahead_main, a) == 0)
			started++;
	if (started == 0) {
		pthread_cond_destroy(&a->cv);
		pthread_mutex_destroy(&a->mu);
		free(a->slot);
		return -1;
	}
	for (i = 0; i < a->nhours && *err == DM_OK; i++) {
		struct look *lk = &a->slot[i % a->nslot];

		pthread_mutex_lock(&a->mu);
		while (!lk->ready)
			pthread_cond_wait(&a->cv, &a->mu);
		pthread_mutex_unlock(&a->mu);
		stats->hours++;
		*err = use_hour(a->st, a->model, a->version, lk, a->po, a->ho,
				w, a->dp, stats, diag);
		look_release(lk);
		pthread_mutex_lock(&a->mu);
		a->done++;
		pthread_cond_broadcast(&a->cv);
		pthread_mutex_unlock(&a->mu);
	}
	pthread_mutex_lock(&a->mu);
	a->stop = 1;
	pthread_cond_broadcast(&a->cv);
	pthread_mutex_unlock(&a->mu);
	for (t = 0; t < started; t++)
		pthread_join(tid[t], NULL);
	for (i = 0; i < a->nslot; i++)
		look_release(&a->slot[i]);
	pthread_cond_destroy(&a->cv);
	pthread_mutex_destroy(&a->mu);
	free(a->slot);
	return 0;
}

/* The hours[0..nh) in order into w (NULL: profiled only), each looked
 * up ahead on worker threads when there are threads to spare; with dp,
 * each hour is noted in the day being built. */
static dm_err run_hours(dm_store *st, const char *model, const char *version,
			const int64_t *hours, size_t nh,
			const dm_profile_opts *po, const dm_hourly_opts *ho,
			dm_window_acc *w, dm_day_profile *dp,
			dm_hourly_stats *stats, dm_diag *diag)
{
	struct ahead a;
	size_t i;
	unsigned nw = po->threads > 1 ? po->threads - 1 : 0;
	dm_err err = DM_OK;

	if (nw > AHEAD_MAX_WORKERS)
		nw = AHEAD_MAX_WORKERS;
	if (nw > nh / 2)
		nw = (unsigned)(nh / 2);
	memset(&a, 0, sizeof(a));
	a.hours = hours;
	a.nhours = nh;
	a.st = st;
	a.model = model;
	a.version = version;
	a.po = po;
	a.ho = ho;
	a.dp = dp;
	if (nw == 0 || !ho->use_profiles || ho->rebuild ||
	    run_ahead(&a, nw, w, stats, &err, diag) < 0) {
		for (i = 0; i < nh && err == DM_OK; i++) {
			struct look lk;

			memset(&lk, 0, sizeof(lk));
			stats->hours++;
			look_hour(st, model, version, hours[i], po, ho, &lk);
			err = use_hour(st, model, version, &lk, po, ho, w, dp,
				       stats, diag);
			look_release(&lk);
		}
	}
	return err;
}

/* ---- whole days -------------------------------------------------------- */

/* The data files of the day starting at day, by hour: *all owns them,
 * keys[j][0..n[j]) are hour j's (sorted); *total their number. */
static dm_err day_files(dm_store *st, int64_t day, char ***all, size_t *nall,
			char **keys[24], size_t n[24], size_t *total,
			dm_diag *diag)
{
	char prefix[DM_LAYOUT_KEY_MAX];
	size_t i, k = 0, plen;
	char *cut;
	dm_err err;

	err = dm_layout_logs_hour_prefix((time_t)day, prefix, sizeof(prefix));
	cut = err == DM_OK ? strstr(prefix, "hour=00/") : NULL;
	if (!cut)
		return dm_diag_set(diag, DM_EINVAL, NULL, 0, NULL,
				   "cannot list logs of day %lld",
				   (long long)day);
	*cut = '\0';
	plen = strlen(prefix);
	err = dm_store_list(st, prefix, all, nall, diag);
	if (err != DM_OK)
		return err;
	for (i = 0; i < *nall; i++) {
		const char *r = (*all)[i] + plen;

		if (dm_layout_is_data_file((*all)[i]) &&
		    strncmp(r, "hour=", 5) == 0 && r[5] >= '0' && r[5] <= '2' &&
		    r[6] >= '0' && r[6] <= '9' && r[7] == '/' &&
		    (r[5] - '0') * 10 + (r[6] - '0') < 24)
			(*all)[k++] = (*all)[i];
		else
			free((*all)[i]);
	}
	*nall = k;
	*total = k;
	memset(n, 0, 24 * sizeof(*n));
	for (i = 0; i < k; i++) {
		const char *r = (*all)[i] + plen;
		int j = (r[5] - '0') * 10 + (r[6] - '0');

		if (n[j] == 0)
			keys[j] = &(*all)[i];
		n[j]++;
	}
	return DM_OK;
}

/* The stored roll-up of the day if it is whole and fresh: 1 (dp
 * filled); 0 if absent or to be rebuilt (warned); -1 if the store
 * failed (err, diag). */
static int stored_day(dm_store *st, const char *model, const char *version,
		      const char *key, int64_t day, char **const keys[24],
		      const size_t n[24], const dm_profile_opts *po,
		      const dm_hourly_opts *ho, dm_day_profile *dp,
		      dm_hourly_stats *stats, dm_err *errp, dm_diag *diag)
{
	char *text = NULL;
	size_t len = 0;
	dm_diag d;
	dm_err err;
	int j;

	dm_diag_clear(&d);
	err = dm_store_get(st, key, DM_HOUR_PROFILE_MAX_BYTES, &text, &len, &d);
	if (err == DM_ENOENT)
		return 0;
	if (err != DM_OK && err != DM_ETOOBIG) {
		*errp = err;
		*diag = d;
		return -1;
	}
	if (err == DM_OK)
		err = dm_day_profile_from_json(text, len, key, model, version,
					       day, po->reference, dp, &d);
	free(text);
	if (err == DM_ENOMEM) {
		*errp = err;
		return -1;
	}
	if (err != DM_OK) {
		warnf(ho,
		      "day roll-up %s cannot be used (%s): rebuilding it "
		      "from the hour profiles",
		      key, d.msg[0] ? d.msg : dm_strerror(err));
		stats->days_rebuilt++;
		return 0;
	}
	if (!ho->lenient && !strict_clean(&dp->hp)) {
		dm_day_profile_release(dp);
		return 0;
	}
	j = dm_day_profile_stale_hour(dp, keys, n);
	if (j >= 0) {
		warnf(ho,
		      "day roll-up %s is stale (hour %02d covered %zu log "
		      "files, it has %zu now): rebuilding it from the hour "
		      "profiles",
		      key, j, dp->hours[j].nfiles, n[j]);
		dm_day_profile_release(dp);
		stats->days_rebuilt++;
		return 0;
	}
	return 1;
}

/* The day built from its 24 hours (each from its profile or its logs)
 * into dp, as it reads back from its JSON (*json, to store). */
static dm_err build_day(dm_store *st, const char *model, const char *version,
			int64_t day, const dm_profile_opts *po,
			const dm_hourly_opts *ho, dm_day_profile *dp,
			char **json, size_t *jlen, dm_hourly_stats *stats,
			dm_diag *diag)
{
	int64_t hours[24];
	dm_day_profile built;
	dm_window_acc acc;
	dm_profile merged;
	size_t *max = NULL, i;
	dm_err err;
	int j;

	for (j = 0; j < 24; j++)
		hours[j] = day + 3600 * (int64_t)j;
	dm_day_profile_init(&built, day);
	dm_window_acc_init(&acc);
	dm_profile_init(&merged, NULL);
	err = run_hours(st, model, version, hours, 24, po, ho, &acc, &built,
			stats, diag);
	if (err == DM_OK)
		err = dm_window_acc_finish(&acc, &merged);
	if (err == DM_OK && merged.nfeat &&
	    !(max = calloc(merged.nfeat, sizeof(*max))))
		err = DM_ENOMEM;
	for (i = 0; err == DM_OK && i < merged.nfeat; i++) {
		/* every point while the hours kept every value and no fold
		 * of the day compressed them (the window stays exact while
		 * it holds every value); else as few as an hour keeps */
		size_t k =
			merged.sketch_k ? merged.sketch_k : DM_SKETCH_K_DEFAULT;

		max[i] = built.npts && built.npts[i] <= k
				 ? (size_t)DM_DAY_SKETCH_ITEMS_MAX
				 : DM_HOUR_SKETCH_ITEMS;
	}
	if (err == DM_OK)
		err = hp_take_max(&built.hp, &merged, po->reference, max);
	free(max);
	if (err == DM_OK)
		err = dm_day_profile_to_json(&built, model, version, json,
					     jlen);
	/* what a window merges is the day as it reads back, so that it is
	 * the same whether the roll-up was stored or built */
	if (err == DM_OK)
		err = dm_day_profile_from_json(*json, *jlen, "day roll-up",
					       model, version, day,
					       po->reference, dp, diag);
	dm_profile_release(&merged);
	dm_window_acc_release(&acc);
	dm_day_profile_release(&built);
	return err;
}

/* The whole day starting at day into w (NULL: profiled only). */
static dm_err day_unit(dm_store *st, const char *model, const char *version,
		       int64_t day, const dm_profile_opts *po,
		       const dm_hourly_opts *ho, dm_window_acc *w,
		       dm_hourly_stats *stats, dm_diag *diag)
{
	char key[DM_LAYOUT_KEY_MAX], **all = NULL, *json = NULL;
	char **keys[24] = {0};
	size_t n[24], nall = 0, total = 0, jlen = 0;
	int use_file = ho->use_profiles && !ho->no_days, j, got = 0;
	dm_day_profile dp;
	dm_diag d;
	dm_err err;

	dm_day_profile_init(&dp, day);
	err = day_files(st, day, &all, &nall, keys, n, &total, diag);
	if (err == DM_OK && total == 0) {
		/* no logs: nothing to merge or store */
		stats->hours += 24;
		stats->hours_empty += 24;
		goto out;
	}
	if (err == DM_OK)
		err = dm_layout_day_profile_key(model, version, day, key,
						sizeof(key), diag);
	if (err == DM_OK && use_file && !ho->rebuild)
		got = stored_day(st, model, version, key, day, keys, n, po, ho,
				 &dp, stats, &err, diag);
	if (err != DM_OK || got < 0)
		goto out;
	if (got) {
		stats->hours += 24;
		for (j = 0; j < 24; j++) {
			if (n[j] == 0) {
				stats->hours_empty++;
			} else {
				stats->from_profiles++;
				stats->from_days++;
			}
		}
		if (po->progress && dp.hp.prof.rows)
			po->progress(po->progress_ctx, dp.hp.prof.rows);
		if (ho->on_hour)
			err = dm_day_profile_replay(&dp, po->reference,
						    ho->on_hour, ho->hour_ctx);
	} else {
		dm_day_profile_release(&dp);
		err = build_day(st, model, version, day, po, ho, &dp, &json,
				&jlen, stats, diag);
		if (err == DM_OK && use_file && ho->write_profiles) {
			dm_diag_clear(&d);
			if (dm_store_put(st, key, json, jlen, &d) == DM_OK)
				stats->days_written++;
			else
				warnf(ho, "cannot write day roll-up %s: %s",
				      key, d.msg[0] ? d.msg : "store error");
		}
	}
	if (err == DM_OK && w)
		err = dm_window_acc_add(w, &dp.hp, diag);
out:
	free(json);
	dm_store_free_list(all, nall);
	dm_day_profile_release(&dp);
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
	int64_t h, *hours = NULL;
	size_t nh = 0;
	uint64_t idx = 0;
	dm_window_acc *wp = cur ? &w : NULL;
	/* whole days as days: always when merging (the result must not
	 * depend on the roll-ups being there); in a backfill only to store
	 * them */
	int days = (ho->shard_count <= 1) &&
		   (cur ||
		    (ho->use_profiles && !ho->no_days && ho->write_profiles));
	dm_err err = DM_OK;

	if (!stats)
		stats = &local;
	memset(stats, 0, sizeof(*stats));
	if (!po->reference)
		return dm_diag_set(diag, DM_EINVAL, NULL, 0, NULL,
				   "hour profiles need the baseline");
	if (end > start) {
		hours = malloc((size_t)((end - start) / 3600 + 1) *
			       sizeof(*hours));
		if (!hours)
			return dm_diag_set(diag, DM_ENOMEM, NULL, 0, NULL,
					   "out of memory");
	}
	dm_window_acc_init(&w);
	for (h = start; h < end && err == DM_OK;) {
		if (days && h % 86400 == 0 && h + 86400 <= end) {
			err = day_unit(st, model, version, h, po, ho, wp, stats,
				       diag);
			h += 86400;
			idx += 24;
			continue;
		}
		/* the hours up to the next whole day (or the end) */
		nh = 0;
		do {
			if (ho->shard_count <= 1 ||
			    idx % ho->shard_count == ho->shard_index)
				hours[nh++] = h;
			h += 3600;
			idx++;
		} while (h < end &&
			 !(days && h % 86400 == 0 && h + 86400 <= end));
		err = run_hours(st, model, version, hours, nh, po, ho, wp, NULL,
				stats, diag);
	}
	free(hours);
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
