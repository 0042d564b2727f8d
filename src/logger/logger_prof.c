/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Hour profiles written by the logger as it uploads (logger_prof.h,
 * docs/hourly-profiles.md).
 *
 * State, under one mutex: the open hours, each with the keys of the data
 * files uploaded into it so far (in the order they were fed) and one
 * profile per model version that has files in it.  A profile is the
 * current-mode profile detect builds (dm_profile_add_reader over each
 * file, against the baseline, in the order of the keys; the file read
 * back from its columns, lg_outfile_reader), so that when
 * the hour's listing equals the keys fed the result is the one detect
 * would store, byte for byte.  Memory: per open (model, version, hour)
 * one profile (features x sketch) and its baseline; at most
 * LP_MAX_OPEN of them at once.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "driftmon/hourprof.h"
#include "driftmon/layout.h"
#include "driftmon/profile.h"
#include "logger/logger_prof.h"
#include "profile/profile_int.h"

/* (model, version, hour) profiles open at once; more are not made. */
#define LP_MAX_OPEN 256
/* Largest baseline read (bytes). */
#define LP_BASELINE_MAX_BYTES (512u << 20)

typedef struct lp_prof {
	char *model, *version;
	dm_profile *base;   /* NULL: no baseline, nothing profiled */
	dm_profile cur;	    /* the hour so far */
	dm_hour_profile hp; /* the files fed */
	int missed;	    /* made after files of the hour were fed */
	int failed;	    /* a file could not be profiled */
} lp_prof;

typedef struct lp_hour {
	int64_t hour; /* seconds since 1970 */
	char **keys;  /* data files fed, in order */
	size_t nkeys, capkeys;
	int unordered;	/* a key did not sort after the previous one */
	int64_t fed_ms; /* monotonic time of the last file fed */
	lp_prof *profs;
	size_t nprofs, capprofs;
	struct lp_hour *next;
} lp_hour;

typedef struct lp_said {
	char *what;
	struct lp_said *next;
} lp_said;

struct lg_prof {
	pthread_mutex_t mu;
	lp_hour *hours;
	size_t nopen; /* profiles with a baseline, all hours */
	lp_said *said;
	uint64_t written, skipped;
	lg_prof_note_fn note;
	void *ctx;
	int64_t linger_ms;
};

static void notef(lg_prof *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void notef(lg_prof *p, const char *fmt, ...)
{
	char msg[700];
	va_list ap;

	if (!p->note)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	p->note(p->ctx, msg);
}

/* 1 the first time 'what' is asked about (under mu), else 0. */
static int first_time(lg_prof *p, const char *what)
{
	lp_said *s;

	for (s = p->said; s; s = s->next)
		if (!strcmp(s->what, what))
			return 0;
	s = calloc(1, sizeof(*s));
	if (!s)
		return 1;
	s->what = strdup(what);
	if (!s->what) {
		free(s);
		return 1;
	}
	s->next = p->said;
	p->said = s;
	return 1;
}

static void hour_iso(int64_t hour, char *buf, size_t n)
{
	time_t t = (time_t)hour;
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, n, "%Y-%m-%dT%H:00Z", &tm);
}

lg_prof *lg_prof_new(lg_prof_note_fn note, void *ctx, int64_t linger_ms)
{
	lg_prof *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->linger_ms = linger_ms;
	pthread_mutex_init(&p->mu, NULL);
	p->note = note;
	p->ctx = ctx;
	return p;
}

static void prof_release(lp_prof *pr)
{
	free(pr->model);
	free(pr->version);
	if (pr->base) {
		dm_profile_release(pr->base);
		free(pr->base);
	}
	dm_profile_release(&pr->cur);
	dm_hour_profile_release(&pr->hp);
}

static void hour_free(lp_hour *h)
{
	size_t i;

	for (i = 0; i < h->nkeys; i++)
		free(h->keys[i]);
	free(h->keys);
	for (i = 0; i < h->nprofs; i++)
		prof_release(&h->profs[i]);
	free(h->profs);
	free(h);
}

void lg_prof_free(lg_prof *p)
{
	if (!p)
		return;
	while (p->hours) {
		lp_hour *h = p->hours;

		p->hours = h->next;
		hour_free(h);
	}
	while (p->said) {
		lp_said *s = p->said;

		p->said = s->next;
		free(s->what);
		free(s);
	}
	pthread_mutex_destroy(&p->mu);
	free(p);
}

/*
 * The baseline of model/version from the store, as detect reads it:
 * 1 loaded into *out, 0 none (or unreadable: said once), -1 allocation.
 */
static int load_baseline(lg_prof *p, dm_store *st, const char *model,
			 const char *version, dm_profile **out)
{
	char key[DM_LAYOUT_KEY_MAX], what[DM_LAYOUT_KEY_MAX + 16], *json = NULL;
	size_t len = 0;
	dm_profile *b;
	dm_diag d;
	dm_err err;

	*out = NULL;
	dm_diag_clear(&d);
	if (dm_layout_baseline_key(model, version, key, sizeof(key), &d) !=
	    DM_OK)
		return 0;
	err = dm_store_get(st, key, LP_BASELINE_MAX_BYTES, &json, &len, &d);
	snprintf(what, sizeof(what), "%d %s", err == DM_OK ? 0 : (int)err, key);
	if (err == DM_ENOENT) {
		if (first_time(p, what))
			notef(p,
			      "no baseline for model '%s' version '%s' (%s): "
			      "its hour profiles are not written",
			      model, version, key);
		return 0;
	}
	if (err == DM_ENOMEM)
		return -1;
	b = calloc(1, sizeof(*b));
	if (!b) {
		free(json);
		return -1;
	}
	if (err == DM_OK) /* its points are not needed: not parsed */
		err = dmp_baseline_from_json_nosketch(json, len, key, b, &d);
	free(json);
	if (err == DM_OK &&
	    ((b->model && strcmp(b->model, model)) ||
	     (b->model_version && strcmp(b->model_version, version)))) {
		err = DM_EFORMAT;
		snprintf(d.msg, sizeof(d.msg),
			 "it is the baseline of another model or version");
	}
	if (err != DM_OK) {
		dm_profile_release(b);
		free(b);
		if (first_time(p, what))
			notef(p,
			      "cannot use the baseline %s (%s): the hour "
			      "profiles of model '%s' version '%s' are not "
			      "written",
			      key, d.msg[0] ? d.msg : dm_strerror(err), model,
			      version);
		return err == DM_ENOMEM ? -1 : 0;
	}
	*out = b;
	return 1;
}

static lp_hour *find_hour(lg_prof *p, int64_t hour)
{
	lp_hour *h;

	for (h = p->hours; h; h = h->next)
		if (h->hour == hour)
			return h;
	return NULL;
}

static lp_hour *get_hour(lg_prof *p, int64_t hour)
{
	lp_hour *h = find_hour(p, hour);

	if (h)
		return h;
	h = calloc(1, sizeof(*h));
	if (!h)
		return NULL;
	h->hour = hour;
	h->next = p->hours;
	p->hours = h;
	return h;
}

/* The profile of model/version in hour h, made (baseline loaded) if
 * new; NULL on allocation failure. */
static lp_prof *get_prof(lg_prof *p, dm_store *st, lp_hour *h,
			 const char *model, const char *version)
{
	lp_prof *pr;
	size_t i;

	for (i = 0; i < h->nprofs; i++)
		if (!strcmp(h->profs[i].model, model) &&
		    !strcmp(h->profs[i].version, version))
			return &h->profs[i];
	if (h->nprofs == h->capprofs) {
		size_t cap = h->capprofs ? h->capprofs * 2 : 4;
		lp_prof *np = realloc(h->profs, cap * sizeof(*np));

		if (!np)
			return NULL;
		h->profs = np;
		h->capprofs = cap;
	}
	pr = &h->profs[h->nprofs];
	memset(pr, 0, sizeof(*pr));
	dm_profile_init(&pr->cur, NULL);
	dm_hour_profile_init(&pr->hp, h->hour);
	pr->model = strdup(model);
	pr->version = strdup(version);
	if (!pr->model || !pr->version) {
		prof_release(pr);
		return NULL;
	}
	h->nprofs++;
	/* the files fed before it are not in it: detect builds the hour */
	pr->missed = h->nkeys > 0;
	if (pr->missed || h->unordered)
		return pr;
	if (p->nopen >= LP_MAX_OPEN) {
		if (first_time(p, "max open"))
			notef(p,
			      "more than %d model versions x hours open: "
			      "the hour profiles of the others are left to "
			      "detect",
			      LP_MAX_OPEN);
		return pr;
	}
	if (load_baseline(p, st, model, version, &pr->base) < 0)
		return NULL;
	if (pr->base)
		p->nopen++;
	return pr;
}

static int active(const lp_prof *pr)
{
	return pr->base && !pr->missed && !pr->failed;
}

/* Profiles file f into pr, as detect reads a log file: from the columns
 * it was encoded from when the segment kept them, else from its bytes. */
static void profile_file(lg_prof *p, lp_prof *pr, const lg_outfile *f)
{
	dm_profile_opts po;
	dm_reader_opts ro;
	dm_source *src = NULL;
	dm_reader *r = NULL;
	dm_diag d;
	dm_err err;

	memset(&po, 0, sizeof(po));
	memset(&ro, 0, sizeof(ro));
	po.reference = pr->base;
	po.model_name = pr->model;
	po.model_version = pr->version;
	ro.lenient = 1;
	dm_diag_clear(&d);
	if (f->grp) { /* the columns it was encoded from: no decoding */
		err = lg_outfile_reader(f, &r, &d);
	} else {
		err = dm_source_open_mem(f->key, f->data, f->len, 0, &src);
		if (err == DM_OK)
			err = dm_reader_open(src, &ro, &r, &d);
	}
	if (err == DM_OK)
		err = dm_profile_add_reader(&pr->cur, &po, r, &d);
	dm_reader_free(r);
	if (err == DM_OK)
		err = dm_hour_profile_add_file(&pr->hp, f->key, f->len,
					       DM_HOUR_FILE_READ);
	if (err != DM_OK) {
		pr->failed = 1;
		notef(p,
		      "cannot profile %s for model '%s' version '%s' (%s): "
		      "its hour profile is left to detect",
		      f->key, pr->model, pr->version,
		      d.msg[0] ? d.msg : dm_strerror(err));
	}
}

/* Records f in its hour and feeds it to the hour's profiles. */
static void feed_file(lg_prof *p, lp_hour *h, const lg_outfile *f)
{
	size_t i;
	char *k;

	if (h->nkeys && strcmp(f->key, h->keys[h->nkeys - 1]) <= 0)
		h->unordered = 1;
	if (h->nkeys == h->capkeys) {
		size_t cap = h->capkeys ? h->capkeys * 2 : 16;
		char **nk = realloc(h->keys, cap * sizeof(*nk));

		if (!nk) {
			h->unordered = 1; /* unknown: never written */
			return;
		}
		h->keys = nk;
		h->capkeys = cap;
	}
	k = strdup(f->key);
	if (!k) {
		h->unordered = 1;
		return;
	}
	h->keys[h->nkeys++] = k;
	h->fed_ms = lg_mono_ms();
	if (h->unordered)
		return;
	for (i = 0; i < h->nprofs; i++)
		if (active(&h->profs[i]))
			profile_file(p, &h->profs[i], f);
}

static const lg_outfile *sort_base;

static int cmp_key(const void *a, const void *b)
{
	return strcmp(sort_base[*(const size_t *)a].key,
		      sort_base[*(const size_t *)b].key);
}

void lg_prof_feed(lg_prof *p, dm_store *st, const lg_outfile *f, size_t n)
{
	size_t *ord, i;

	if (!p || !n)
		return;
	ord = malloc(n * sizeof(*ord));
	pthread_mutex_lock(&p->mu);
	/* every profile the segment needs first, so that each is fed all
	 * of the segment's files of its hour (other models' included:
	 * detect counts their rows as rows of other models) */
	for (i = 0; i < n; i++) {
		lp_hour *h = get_hour(p, f[i].hour);

		if (!h || !get_prof(p, st, h, f[i].model, f[i].version)) {
			if (h)
				h->unordered = 1;
		}
	}
	if (ord) {
		for (i = 0; i < n; i++)
			ord[i] = i;
		sort_base = f;
		qsort(ord, n, sizeof(*ord), cmp_key);
	}
	for (i = 0; i < n; i++) {
		const lg_outfile *fi = &f[ord ? ord[i] : i];
		lp_hour *h = find_hour(p, fi->hour);

		if (h)
			feed_file(p, h, fi);
	}
	pthread_mutex_unlock(&p->mu);
	free(ord);
}

/* The hour's data files in the store, sorted; -1 if they cannot be
 * listed. */
static int list_hour(dm_store *st, int64_t hour, char ***keys, size_t *n)
{
	char prefix[DM_LAYOUT_KEY_MAX];
	size_t i, k = 0;
	dm_diag d;

	dm_diag_clear(&d);
	if (dm_layout_logs_hour_prefix((time_t)hour, prefix, sizeof(prefix)) !=
		    DM_OK ||
	    dm_store_list(st, prefix, keys, n, &d) != DM_OK)
		return -1;
	for (i = 0; i < *n; i++) {
		if (dm_layout_is_data_file((*keys)[i]))
			(*keys)[k++] = (*keys)[i];
		else
			free((*keys)[i]);
	}
	*n = k;
	return 0;
}

/* 1 if the profile's files are the listing keys[0..n), in order. */
static int same_files(const dm_hour_profile *hp, char *const *keys, size_t n)
{
	size_t i;

	if (hp->nfiles != n)
		return 0;
	for (i = 0; i < n; i++)
		if (strcmp(hp->files[i].key, keys[i]))
			return 0;
	return 1;
}

/* Stores pr's hour profile; 0 or -1. */
static int write_prof(lg_prof *p, dm_store *st, lp_prof *pr, char *why,
		      size_t whylen)
{
	char key[DM_LAYOUT_KEY_MAX], *json = NULL;
	size_t len = 0;
	dm_diag d;
	dm_err err;

	dm_diag_clear(&d);
	err = dm_hour_profile_take(&pr->hp, &pr->cur, pr->base);
	if (err == DM_OK)
		err = dm_hour_profile_to_json(&pr->hp, pr->model, pr->version,
					      &json, &len);
	if (err == DM_OK)
		err = dm_layout_hour_profile_key(pr->model, pr->version,
						 (time_t)pr->hp.hour, key,
						 sizeof(key), &d);
	if (err == DM_OK)
		err = dm_store_put(st, key, json, len, &d);
	free(json);
	(void)p;
	if (err != DM_OK) {
		snprintf(why, whylen, "it cannot be written: %.400s",
			 d.msg[0] ? d.msg : dm_strerror(err));
		return -1;
	}
	return 0;
}

/* Writes the profiles of a closed hour h (no lock held). */
static void close_hour(lg_prof *p, dm_store *st, lp_hour *h)
{
	char **keys = NULL, iso[32], why[600];
	size_t n = 0, i;
	int listed = -2;
	uint64_t written = 0, skipped = 0;

	hour_iso(h->hour, iso, sizeof(iso));
	for (i = 0; i < h->nprofs; i++) {
		lp_prof *pr = &h->profs[i];

		if (!pr->base)
			continue;
		why[0] = '\0';
		if (pr->failed)
			continue; /* already said */
		if (h->unordered)
			snprintf(why, sizeof(why),
				 "its files were uploaded out of key order");
		else if (pr->missed)
			snprintf(why, sizeof(why),
				 "files of the hour were uploaded before its "
				 "first one");
		if (!why[0] && listed == -2)
			listed = list_hour(st, h->hour, &keys, &n);
		if (!why[0] && listed < 0)
			snprintf(why, sizeof(why),
				 "the hour's files cannot be listed");
		else if (!why[0] && !same_files(&pr->hp, keys, n))
			snprintf(why, sizeof(why),
				 "the hour has %zu data files in the store, "
				 "this logger profiled %zu (another writer or "
				 "an earlier run)",
				 n, pr->hp.nfiles);
		if (!why[0] && write_prof(p, st, pr, why, sizeof(why)) == 0) {
			written++;
			continue;
		}
		skipped++;
		notef(p,
		      "hour profile of model '%s' version '%s' for %s not "
		      "written: %s; detect builds it",
		      pr->model, pr->version, iso, why);
	}
	dm_store_free_list(keys, n);
	pthread_mutex_lock(&p->mu);
	p->written += written;
	p->skipped += skipped;
	pthread_mutex_unlock(&p->mu);
}

void lg_prof_close_hours(lg_prof *p, dm_store *st, int64_t upto_us)
{
	lp_hour *done = NULL, **pp, *h;
	int64_t now = lg_mono_ms();
	size_t i;

	if (!p)
		return;
	pthread_mutex_lock(&p->mu);
	for (pp = &p->hours; (h = *pp) != NULL;) {
		if (upto_us != INT64_MAX &&
		    ((h->hour + 3600) * INT64_C(1000000) > upto_us ||
		     now - h->fed_ms < p->linger_ms)) {
			pp = &h->next;
			continue;
		}
		*pp = h->next;
		h->next = done;
		done = h;
		for (i = 0; i < h->nprofs; i++)
			if (h->profs[i].base)
				p->nopen--;
	}
	pthread_mutex_unlock(&p->mu);
	while (done) {
		h = done;
		done = h->next;
		close_hour(p, st, h);
		hour_free(h);
	}
}

void lg_prof_counts(lg_prof *p, uint64_t *written, uint64_t *skipped)
{
	*written = *skipped = 0;
	if (!p)
		return;
	pthread_mutex_lock(&p->mu);
	*written = p->written;
	*skipped = p->skipped;
	pthread_mutex_unlock(&p->mu);
}
