/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The inference logger (include/driftmon/logger.h): write-ahead log,
 * fsync policies, the background flusher and recovery.
 *
 * Design.  One lock (mu) guards the WAL: the active segment, the queue
 * of sealed segments and the counters.  dm_logger_log_batch encodes and
 * validates its records without any lock, checks their columns against
 * the schema under a read lock (a write lock only when the batch adds
 * columns, held across the append so that two batches cannot learn
 * conflicting types), then appends the encoded frame with a single
 * pwrite under mu.  Nothing else happens under mu that can block for
 * long: fdatasync runs outside it, and the network is only ever touched
 * by the flusher thread.
 *
 * Durability.  A frame is acknowledged once pwrite returned (INTERVAL,
 * NEVER) or once an fdatasync that started after it completed (ALWAYS).
 * fdatasync is done by whoever holds the "sync role" (sync_mu/syncing):
 * it notes the bytes written so far (written_lsn), syncs the segments
 * sealed since the last sync and the active one, then the folder when a
 * segment was created, and publishes synced_lsn.  Concurrent ALWAYS
 * callers wait for the sync in progress or start the next one, so one
 * fdatasync covers many calls (group commit).
 *
 * Segments.  The active segment is sealed when it reaches flush_rows or
 * flush_bytes, when its first record is flush_seconds old (the flusher
 * checks), on dm_logger_flush and on close.  The flusher takes the
 * oldest sealed segment, converts it (logger_flush.c), uploads its
 * files, saves the learned schema and appends a "done" line to MANIFEST
 * (both if the disk allows: a full disk must not keep a segment from
 * being retired), and deletes the segment.  A crash anywhere in between leaves
 * the segment on disk; the next open re-uploads it under the same names
 * (idempotent) unless MANIFEST already says it is done.  Upload failures
 * are retried with exponential backoff, in order, for ever; new records
 * keep going to new segments until the WAL reaches wal_max_bytes.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include "driftmon/layout.h"
#include "core/util.h"
#include "driftmon/parquet.h"
#include "logger/logger_int.h"
#include "logger/logger_prof.h"

void (*lg_test_hook)(const char *point) = NULL;

#define MANIFEST      "MANIFEST"
#define SCHEMA_FILE   "schema.json"
#define LOCK_FILE     "LOCK"
#define QUARANTINE    "quarantine"
#define MANIFEST_KEEP 1000
/* Below this much free space the WAL folder counts as unwritable; a
 * failed write is forgotten once this much more is free. */
#define DISK_LOW    ((uint64_t)64 << 10)
#define DISK_RESUME ((uint64_t)256 << 10)
/* How long a caller spins for mu before it sleeps (lock_to_append). */
#define APPEND_SPIN_NS 30000

typedef struct walseg {
	int fd;
	char name[96];
	uint64_t size;
	uint64_t rows;
	int64_t first_ms; /* monotonic time of the first record */
	uint64_t stamp;	  /* order of creation (schema expiry) */
	struct walseg *next;
} walseg;

typedef struct pend {
	char name[96];
	uint64_t size, rows;
	uint64_t seq;	/* order of sealing */
	uint64_t stamp; /* the segment's walseg stamp */
	int busy;	/* a flusher thread is on it */
	struct pend *next;
} pend;

typedef struct encpool {
	lg_enc *v[32];
	size_t n;
	pthread_mutex_t mu;
} encpool;

struct dm_logger {
	/* configuration */
	char *store_url, *prefix, *wal_dir;
	char host[65];
	dm_log_fsync fsync;
	unsigned fsync_ms;
	size_t flush_rows, flush_bytes;
	unsigned flush_seconds;
	uint64_t wal_max;
	lg_limits lim;
	int codec;
	unsigned retry_max_ms, close_timeout_ms;
	void (*on_event)(void *ctx, dm_log_event ev, const char *msg);
	void *event_ctx;

	dm_store *store;
	int dirfd, lockfd, manifest_fd;
	long pid;
	char nonce[17];
	uint32_t seq;
	int hour_profiles; /* write them (start the lg_prof at open) */

	lg_schema schema;
	pthread_rwlock_t schema_lock;
	int64_t ttl_ms;	       /* schema expiry; 0 = never */
	int64_t last_sweep_ms; /* under schema_lock (write) */
	pthread_mutex_t save_mu;
	encpool pool;

	/* ---- under mu ---- */
	pthread_mutex_t mu;
	pthread_cond_t work_cv; /* wakes the flusher */
	pthread_cond_t done_cv; /* flusher progress */
	walseg *active;
	walseg *retired; /* sealed, not yet synced and closed */
	uint64_t written_lsn;
	int dir_dirty;
	pend *qhead, *qtail;
	uint64_t sealed_total, done_total;
	uint64_t stamps;
	uint64_t wal_bytes, wal_segments, pending_rows;
	int closing, stop_flusher;
	int64_t retry_at_ms;
	unsigned backoff_ms;
	int storage_ok, full;
	char last_error[256];
	int disk_errno; /* the last WAL write failed with this */
	int disk_low;	/* less than DISK_LOW free (syncer checks) */
	int schema_save_failing;
	uint64_t disk_free;
	int64_t disk_checked_ms;
	uint64_t st_logged, st_rejected, st_full, st_flushed, st_files,
		st_segdone, st_replayed, st_upfail;

	/* ---- the sync role ---- */
	pthread_mutex_t sync_mu;
	pthread_cond_t sync_cv;
	int syncing, stop_syncer;
	uint64_t synced_lsn, st_fsyncs;
	int sync_errno;

	pthread_t flusher[16], syncer;
	unsigned nflushers;
	int have_syncer;
	int flush_nice; /* added to the flusher threads' nice value */

	/* hour profiles (logger_prof.c); NULL when off */
	lg_prof *prof;
	int64_t prof_tick_ms; /* under mu: next close of ended hours */
};

static size_t sweep(dm_logger *lg, int force);

/* ---- small helpers ------------------------------------------------------- */
static void emit(dm_logger *lg, dm_log_event ev, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void emit(dm_logger *lg, dm_log_event ev, const char *fmt, ...)
{
	char msg[600], shown[600];
	va_list ap;

	if (!lg->on_event)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/* no credentials in what the application may print */
	lg->on_event(lg->event_ctx, ev, dm_redact(msg, shown, sizeof(shown)));
}

static void prof_note(void *ctx, const char *msg)
{
	emit(ctx, DM_LOG_EV_HOUR_PROFILE, "%s", msg);
}

static void hook(const char *point)
{
	if (lg_test_hook)
		lg_test_hook(point);
}

static void timespec_in(struct timespec *ts, int64_t ms)
{
	clock_gettime(CLOCK_MONOTONIC, ts);
	ts->tv_sec += ms / 1000;
	ts->tv_nsec += (long)(ms % 1000) * 1000000;
	if (ts->tv_nsec >= 1000000000) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000;
	}
}

static int cond_init_mono(pthread_cond_t *c)
{
	pthread_condattr_t a;
	int rc;

	pthread_condattr_init(&a);
	pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
	rc = pthread_cond_init(c, &a);
	pthread_condattr_destroy(&a);
	return rc;
}

static int write_all(int fd, const void *p, size_t n, uint64_t off)
{
	const char *s = p;

	while (n) {
		ssize_t w = pwrite(fd, s, n, (off_t)off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			if (w == 0)
				errno = EIO;
			return -1;
		}
		s += w;
		n -= (size_t)w;
		off += (uint64_t)w;
	}
	return 0;
}

void dm_logger_config_init(dm_logger_config *c)
{
	memset(c, 0, sizeof(*c));
	c->prefix = DM_LAYOUT_LOGS_ROOT;
	c->fsync = DM_LOG_FSYNC_INTERVAL;
	c->fsync_ms = 10;
	c->flush_rows = 10000;
	c->flush_bytes = (size_t)64 << 20;
	c->flush_seconds = 60;
	c->wal_max_bytes = (uint64_t)1 << 30;
	c->retry_max_ms = 10000;
	c->close_timeout_ms = 30000;
}

/* ---- encoder pool ---------------------------------------------------------
 */
static lg_enc *enc_get(dm_logger *lg)
{
	lg_enc *e = NULL;

	pthread_mutex_lock(&lg->pool.mu);
	if (lg->pool.n)
		e = lg->pool.v[--lg->pool.n];
	pthread_mutex_unlock(&lg->pool.mu);
	if (!e && (e = malloc(sizeof(*e))))
		lg_enc_init(e);
	return e;
}

static void enc_put(dm_logger *lg, lg_enc *e)
{
	if (!e)
		return;
	/* do not keep a huge buffer around for ever */
	if (e->frame.cap > ((size_t)4 << 20)) {
		lg_enc_release(e);
		lg_enc_init(e);
	}
	pthread_mutex_lock(&lg->pool.mu);
	if (lg->pool.n < sizeof(lg->pool.v) / sizeof(lg->pool.v[0])) {
		lg->pool.v[lg->pool.n++] = e;
		e = NULL;
	}
	pthread_mutex_unlock(&lg->pool.mu);
	if (e) {
		lg_enc_release(e);
		free(e);
	}
}

/* ---- segments (under mu) ------------------------------------------------- */
static dm_err seg_create(dm_logger *lg, dm_diag *diag)
{
	wal_segid id;
	bbuf b;
	walseg *s;
	uint8_t *h;
	int fd;

	memset(&id, 0, sizeof(id));
	snprintf(id.host, sizeof(id.host), "%s", lg->host);
	id.pid = lg->pid;
	snprintf(id.nonce, sizeof(id.nonce), "%s", lg->nonce);
	id.seq = ++lg->seq;
	id.created_us = lg_now_us();
	s = calloc(1, sizeof(*s));
	if (!s)
		return DM_ENOMEM;
	snprintf(s->name, sizeof(s->name), "%016llx-%s-%06u.wal",
		 (unsigned long long)id.created_us, id.nonce, id.seq);
	bb_init(&b, 4096);
	bb_put(&b, WAL_MAGIC, WAL_MAGIC_LEN);
	bb_reserve(&b, WAL_FRAME_HDR);
	b.len += WAL_FRAME_HDR;
	wal_header_encode(&b, &id);
	if (b.err) {
		bb_release(&b);
		free(s);
		return DM_ENOMEM;
	}
	h = b.p + WAL_MAGIC_LEN;
	wal_frame_header(h, h + WAL_FRAME_HDR,
			 (uint32_t)(b.len - WAL_MAGIC_LEN - WAL_FRAME_HDR));
	fd = openat(lg->dirfd, s->name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
		    0644);
	if (fd < 0 || write_all(fd, b.p, b.len, 0) < 0) {
		int e = errno;

		if (fd >= 0) {
			close(fd);
			unlinkat(lg->dirfd, s->name, 0);
		}
		bb_release(&b);
		free(s);
		lg->disk_errno = e ? e : EIO;
		return dm_diag_set(diag, DM_EIO, lg->wal_dir, 0, NULL,
				   "cannot create a WAL segment: %s",
				   strerror(e));
	}
	s->fd = fd;
	s->size = b.len;
	s->stamp = ++lg->stamps;
	bb_release(&b);
	lg->active = s;
	lg->dir_dirty = 1;
	lg->wal_bytes += s->size;
	lg->wal_segments++;
	return DM_OK;
}

/* Seals the active segment: it joins the upload queue. */
static void seg_seal(dm_logger *lg)
{
	walseg *s = lg->active;
	pend *p;

	if (!s)
		return;
	lg->active = NULL;
	if (s->rows == 0) {
		/* nothing in it (a write failed): drop it */
		close(s->fd);
		unlinkat(lg->dirfd, s->name, 0);
		lg->wal_bytes -= s->size;
		lg->wal_segments--;
		free(s);
		return;
	}
	p = calloc(1, sizeof(*p));
	if (p) {
		snprintf(p->name, sizeof(p->name), "%s", s->name);
		p->size = s->size;
		p->rows = s->rows;
		p->stamp = s->stamp;
		if (lg->qtail)
			lg->qtail->next = p;
		else
			lg->qhead = p;
		lg->qtail = p;
		p->seq = ++lg->sealed_total;
	}
	/* (without p the segment stays on disk and is replayed by the next
	 * open: nothing is lost) */
	if (lg->fsync == DM_LOG_FSYNC_NEVER) {
		close(s->fd);
		free(s);
	} else {
		s->next = lg->retired;
		lg->retired = s;
	}
	pthread_cond_signal(&lg->work_cv);
}

/* ---- the sync role ----------------------------------------------------------
 */
/* Syncs everything written so far; the caller holds the sync role. */
static int do_sync(dm_logger *lg, uint64_t *goal)
{
	walseg *ret, *cur;
	int dirsync, rc = 0, e = 0;
	int curfd = -1;

	pthread_mutex_lock(&lg->mu);
	*goal = lg->written_lsn;
	ret = lg->retired;
	lg->retired = NULL;
	cur = lg->active;
	if (cur)
		curfd = cur->fd;
	dirsync = lg->dir_dirty;
	lg->dir_dirty = 0;
	pthread_mutex_unlock(&lg->mu);
	/* the active segment's fd stays open while we hold the sync role:
	 * only the sync role closes sealed segments */
	while (ret) {
		walseg *n = ret->next;

		if (fdatasync(ret->fd) < 0 && !e)
			e = errno;
		close(ret->fd);
		free(ret);
		ret = n;
	}
	if (curfd >= 0 && fdatasync(curfd) < 0 && !e)
		e = errno;
	if (dirsync && fsync(lg->dirfd) < 0 && !e)
		e = errno;
	if (e) {
		rc = -1;
		errno = e;
	}
	return rc;
}

/* Waits until synced_lsn >= lsn, syncing if nobody is.  0 or -1. */
static int sync_until(dm_logger *lg, uint64_t lsn)
{
	int rc = 0;

	pthread_mutex_lock(&lg->sync_mu);
	while (lg->synced_lsn < lsn) {
		uint64_t goal;
		int r;

		if (lg->syncing) {
			pthread_cond_wait(&lg->sync_cv, &lg->sync_mu);
			continue;
		}
		lg->syncing = 1;
		pthread_mutex_unlock(&lg->sync_mu);
		r = do_sync(lg, &goal);
		pthread_mutex_lock(&lg->sync_mu);
		lg->syncing = 0;
		lg->st_fsyncs++;
		if (r < 0) {
			lg->sync_errno = errno;
			pthread_cond_broadcast(&lg->sync_cv);
			rc = -1;
			break;
		}
		if (goal > lg->synced_lsn)
			lg->synced_lsn = goal;
		pthread_cond_broadcast(&lg->sync_cv);
	}
	pthread_mutex_unlock(&lg->sync_mu);
	return rc;
}

/* Takes the sync role, syncs, publishes; for the background thread. */
static void sync_now(dm_logger *lg)
{
	uint64_t goal;
	int r;

	pthread_mutex_lock(&lg->sync_mu);
	while (lg->syncing)
		pthread_cond_wait(&lg->sync_cv, &lg->sync_mu);
	lg->syncing = 1;
	pthread_mutex_unlock(&lg->sync_mu);
	r = do_sync(lg, &goal);
	pthread_mutex_lock(&lg->sync_mu);
	lg->syncing = 0;
	lg->st_fsyncs++;
	if (r < 0)
		lg->sync_errno = errno;
	else if (goal > lg->synced_lsn)
		lg->synced_lsn = goal;
	pthread_cond_broadcast(&lg->sync_cv);
	pthread_mutex_unlock(&lg->sync_mu);
}

/*
 * Every half second: the free space of the WAL folder's disk.  Less than
 * DISK_LOW counts as unwritable (readiness fails before a write does);
 * a failed write is forgotten once DISK_RESUME is free again, so that
 * readiness comes back by itself even when no client writes meanwhile
 * (a load balancer sends nothing to a pod that is not ready).
 */
static void check_disk(dm_logger *lg)
{
	struct statvfs sv;
	int64_t now = lg_mono_ms();
	uint64_t avail;
	int back = 0;

	pthread_mutex_lock(&lg->mu);
	if (now - lg->disk_checked_ms < 500) {
		pthread_mutex_unlock(&lg->mu);
		return;
	}
	lg->disk_checked_ms = now;
	pthread_mutex_unlock(&lg->mu);
	if (fstatvfs(lg->dirfd, &sv) < 0)
		return;
	avail = (uint64_t)sv.f_bavail * (uint64_t)sv.f_frsize;
	pthread_mutex_lock(&lg->mu);
	lg->disk_free = avail;
	lg->disk_low = avail < DISK_LOW;
	if (lg->disk_errno && avail >= DISK_RESUME) {
		lg->disk_errno = 0;
		back = 1;
	}
	pthread_mutex_unlock(&lg->mu);
	if (back)
		emit(lg, DM_LOG_EV_DISK,
		     "%llu bytes free again in '%s': the write-ahead log can "
		     "be "
		     "written",
		     (unsigned long long)avail, lg->wal_dir);
}

/* INTERVAL: syncs every fsync_ms.  ALWAYS: callers sync themselves;
 * this only closes sealed segments.  NEVER: nothing to do (sealed
 * segments are closed at once). */
static void *syncer_main(void *arg)
{
	dm_logger *lg = arg;
	unsigned period =
		lg->fsync == DM_LOG_FSYNC_INTERVAL ? lg->fsync_ms : 200;
	int64_t last_sweep = lg_mono_ms();

	pthread_mutex_lock(&lg->sync_mu);
	while (!lg->stop_syncer) {
		struct timespec ts;
		uint64_t want;
		int need;

		timespec_in(&ts, period);
		pthread_cond_timedwait(&lg->sync_cv, &lg->sync_mu, &ts);
		if (lg->stop_syncer)
			continue;
		pthread_mutex_unlock(&lg->sync_mu);
		check_disk(lg);
		if (lg->ttl_ms && lg_mono_ms() - last_sweep >= 60000) {
			last_sweep = lg_mono_ms();
			(void)sweep(lg, 1);
		}
		pthread_mutex_lock(&lg->sync_mu);
		if (lg->fsync == DM_LOG_FSYNC_NEVER)
			continue;
		pthread_mutex_unlock(&lg->sync_mu);
		pthread_mutex_lock(&lg->mu);
		want = lg->written_lsn;
		need = lg->retired != NULL || lg->dir_dirty;
		pthread_mutex_unlock(&lg->mu);
		pthread_mutex_lock(&lg->sync_mu);
		need = need || want > lg->synced_lsn;
		pthread_mutex_unlock(&lg->sync_mu);
		if (need)
			sync_now(lg);
		pthread_mutex_lock(&lg->sync_mu);
	}
	pthread_mutex_unlock(&lg->sync_mu);
	return NULL;
}

/* ---- manifest -------------------------------------------------------------
 */
/* Appends "done <segment> <rows> <nfiles> <key>..." with a CRC32C. */
static dm_err manifest_done(dm_logger *lg, const char *seg, uint64_t rows,
			    const lg_outfile *f, size_t n, dm_diag *diag)
{
	bbuf b;
	char num[64], crc[16];
	size_t i;
	dm_err err = DM_OK;

	bb_init(&b, 0);
	bb_put(&b, "done\t", 5);
	bb_put(&b, seg, strlen(seg));
	snprintf(num, sizeof(num), "\t%llu\t%zu", (unsigned long long)rows, n);
	bb_put(&b, num, strlen(num));
	for (i = 0; i < n; i++) {
		bb_u8(&b, '\t');
		bb_put(&b, f[i].key, strlen(f[i].key));
	}
	if (b.err) {
		bb_release(&b);
		return DM_ENOMEM;
	}
	snprintf(crc, sizeof(crc), "\t%08x\n", lg_crc32c(0, b.p, b.len));
	bb_put(&b, crc, strlen(crc));
	if (b.err) {
		bb_release(&b);
		return DM_ENOMEM;
	}
	if (write(lg->manifest_fd, b.p, b.len) != (ssize_t)b.len ||
	    (lg->fsync != DM_LOG_FSYNC_NEVER && fdatasync(lg->manifest_fd) < 0))
		err = dm_diag_set(diag, DM_EIO, lg->wal_dir, 0, NULL,
				  "cannot append to the manifest: %s",
				  strerror(errno));
	bb_release(&b);
	return err;
}

/* Parses one manifest line; returns the segment name (in place) or
 * NULL if the line is not a valid "done" line. */
static char *manifest_line(char *line, size_t len)
{
	char *tab;
	unsigned long crc;
	char *e;

	if (len < 15 || strncmp(line, "done\t", 5) != 0)
		return NULL;
	tab = memrchr(line, '\t', len);
	if (!tab || (size_t)(line + len - tab) != 9)
		return NULL;
	errno = 0;
	crc = strtoul(tab + 1, &e, 16);
	if (errno || e != line + len ||
	    crc != lg_crc32c(0, line, (size_t)(tab - line)))
		return NULL;
	tab = memchr(line + 5, '\t', len - 5);
	if (!tab)
		return NULL;
	*tab = '\0';
	return line + 5;
}

/* Reads MANIFEST: the names of segments already uploaded go into done
 * (keys owned by *names, a malloc'd buffer); the file is rewritten with
 * its last MANIFEST_KEEP valid lines. */
static dm_err manifest_load(dm_logger *lg, smap *done, char **names,
			    dm_diag *diag)
{
	int fd = openat(lg->dirfd, MANIFEST, O_RDONLY | O_CLOEXEC);
	struct stat st;
	char *buf = NULL, *p, *end, *copy = NULL;
	size_t nlines = 0, k, copylen = 0;
	char **starts = NULL;
	size_t *lens = NULL;
	dm_err err = DM_OK;

	*names = NULL;
	if (fd < 0)
		return errno == ENOENT
			       ? DM_OK
			       : dm_diag_set(diag, DM_EIO, lg->wal_dir, 0, NULL,
					     "cannot read the manifest: "
					     "%s",
					     strerror(errno));
	if (fstat(fd, &st) < 0 || st.st_size > (off_t)(256 << 20)) {
		close(fd);
		return dm_diag_set(diag, DM_EIO, lg->wal_dir, 0, NULL,
				   "manifest unreadable or too large");
	}
	buf = malloc((size_t)st.st_size + 1);
	copy = malloc((size_t)st.st_size + 1);
	starts = malloc(((size_t)st.st_size / 15 + 1) * sizeof(*starts));
	lens = malloc(((size_t)st.st_size / 15 + 1) * sizeof(*lens));
	if (!buf || !copy || !starts || !lens) {
		err = DM_ENOMEM;
		goto out;
	}
	if (pread(fd, buf, (size_t)st.st_size, 0) != st.st_size) {
		err = dm_diag_set(diag, DM_EIO, lg->wal_dir, 0, NULL,
				  "cannot read the manifest");
		goto out;
	}
	buf[st.st_size] = '\0';
	memcpy(copy, buf, (size_t)st.st_size);
	p = buf;
	end = buf + st.st_size;
	while (p < end) {
		char *nl = memchr(p, '\n', (size_t)(end - p)), *seg;
		size_t len;

		if (!nl)
			break; /* a torn last line */
		len = (size_t)(nl - p);
		starts[nlines] = copy + (p - buf);
		lens[nlines] = len + 1;
		*nl = '\0';
		seg = manifest_line(p, len);
		if (seg) {
			nlines++;
			if (!smap_find(done, seg, strlen(seg),
				       smap_hash(seg, strlen(seg))) &&
			    smap_insert(done, seg, strlen(seg),
					smap_hash(seg, strlen(seg)), 1) < 0) {
				err = DM_ENOMEM;
				goto out;
			}
		}
		p = nl + 1;
	}
	/* compact: keep the last lines as history */
	k = nlines > MANIFEST_KEEP ? nlines - MANIFEST_KEEP : 0;
	if (k > 0 || p < end) {
		int tfd =
			openat(lg->dirfd, MANIFEST ".tmp",
			       O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		int ok = tfd >= 0;

		for (; ok && k < nlines; k++)
			ok = write(tfd, starts[k], lens[k]) == (ssize_t)lens[k];
		if (ok)
			ok = fdatasync(tfd) == 0;
		if (tfd >= 0)
			close(tfd);
		if (ok)
			ok = renameat(lg->dirfd, MANIFEST ".tmp", lg->dirfd,
				      MANIFEST) == 0;
		if (!ok)
			unlinkat(lg->dirfd, MANIFEST ".tmp", 0);
	}
	(void)copylen;
	*names = buf;
	buf = NULL;
out:
	close(fd);
	free(buf);
	free(copy);
	free(starts);
	free(lens);
	return err;
}

/* ---- the flusher ------------------------------------------------------------
 */
/*
 * Saves the learned schema if it changed.  It is copied (as JSON) under
 * the read lock and written without it, so that dm_logger_log never
 * waits for the disk here; save_mu keeps two flushers from writing at
 * once.  Learners set 'dirty' under the write lock, so clearing it under
 * the read lock (with save_mu held) races with nobody.
 */
static dm_err save_schema(dm_logger *lg, dm_diag *diag)
{
	char *js = NULL;
	dm_err err = DM_OK;

	if (lg->schema.declared)
		return DM_OK;
	pthread_mutex_lock(&lg->save_mu);
	pthread_rwlock_rdlock(&lg->schema_lock);
	if (lg->schema.dirty) {
		js = lg_schema_json(&lg->schema);
		if (js)
			lg->schema.dirty = 0;
		else
			err = DM_ENOMEM;
	}
	pthread_rwlock_unlock(&lg->schema_lock);
	if (js && (err = lg_schema_write(js, lg->dirfd, SCHEMA_FILE, diag))) {
		pthread_rwlock_wrlock(&lg->schema_lock);
		lg->schema.dirty = 1;
		pthread_rwlock_unlock(&lg->schema_lock);
	}
	pthread_mutex_unlock(&lg->save_mu);
	free(js);
	return err;
}

/* Saves the learned schema if it changed, reporting the first failure
 * and the recovery (the schema stays in memory and dirty meanwhile). */
static void save_schema_noted(dm_logger *lg)
{
	dm_diag diag;
	dm_err err;
	int was, now;

	dm_diag_clear(&diag);
	err = save_schema(lg, &diag);
	pthread_mutex_lock(&lg->mu);
	was = lg->schema_save_failing;
	now = lg->schema_save_failing = err != DM_OK;
	pthread_mutex_unlock(&lg->mu);
	if (now && !was)
		emit(lg, DM_LOG_EV_DISK,
		     "%s (kept in memory; saved again with the next upload)",
		     diag.msg[0] ? diag.msg : dm_strerror(err));
	else if (was && !now)
		emit(lg, DM_LOG_EV_DISK, "the learned schema is saved again");
}

enum { SEG_OK, SEG_RETRY, SEG_QUARANTINED };

static int quarantine(dm_logger *lg, const char *name, const char *why)
{
	char dst[160];

	mkdirat(lg->dirfd, QUARANTINE, 0755);
	snprintf(dst, sizeof(dst), QUARANTINE "/%s", name);
	if (renameat(lg->dirfd, name, lg->dirfd, dst) < 0)
		return -1;
	emit(lg, DM_LOG_EV_QUARANTINED,
	     "WAL segment '%s/%s' cannot be converted (%s); moved to '%s/%s' "
	     "and kept",
	     lg->wal_dir, name, why, lg->wal_dir, dst);
	return 0;
}

static int pending_busy_before(const dm_logger *lg, uint64_t seq);

/*
 * Hour profiles are fed in the order segments were sealed (the order of
 * their files' keys): waits while another flusher is still on an
 * earlier segment.  One waiting for a retry is not waited for (its
 * hours are then left to detect).
 */
static void prof_wait_turn(dm_logger *lg, uint64_t seq)
{
	int64_t deadline = lg_mono_ms() + 60000;

	pthread_mutex_lock(&lg->mu);
	while (pending_busy_before(lg, seq)) {
		struct timespec ts;
		int64_t now = lg_mono_ms();

		if (now >= deadline)
			break;
		timespec_in(&ts, deadline - now < 1000 ? deadline - now : 1000);
		pthread_cond_timedwait(&lg->done_cv, &lg->mu, &ts);
	}
	pthread_mutex_unlock(&lg->mu);
}

/* Converts, uploads (through st) and retires one sealed segment (no
 * lock held). */
static int process_segment(dm_logger *lg, dm_store *st, const pend *p,
			   uint64_t *rows, uint64_t *files, char *errbuf,
			   size_t errlen)
{
	char path[4200];
	lg_convert_opts o;
	lg_outfile *f = NULL;
	size_t n = 0, i;
	dm_diag diag;
	dm_err err;
	int rc = SEG_OK;

	dm_diag_clear(&diag);
	snprintf(path, sizeof(path), "%s/%s", lg->wal_dir, p->name);
	memset(&o, 0, sizeof(o));
	o.prefix = lg->prefix;
	o.codec = lg->codec;
	o.schema = &lg->schema;
	o.schema_lock = &lg->schema_lock;
	o.keep_columns = lg->prof != NULL; /* for lg_prof_feed */
	err = lg_convert_segment(path, &o, &f, &n, rows, &diag);
	if (err == DM_EFORMAT || err == DM_EINVAL || err == DM_ETOOBIG ||
	    err == DM_EUNSUPPORTED) {
		snprintf(errbuf, errlen, "%.500s",
			 diag.msg[0] ? diag.msg : dm_strerror(err));
		return quarantine(lg, p->name, errbuf) == 0 ? SEG_QUARANTINED
							    : SEG_RETRY;
	}
	if (err) {
		snprintf(errbuf, errlen, "converting '%.90s': %.500s", p->name,
			 diag.msg[0] ? diag.msg : dm_strerror(err));
		return SEG_RETRY;
	}
	for (i = 0; i < n; i++) {
		dm_diag_clear(&diag);
		err = dm_store_put(st, f[i].key, f[i].data, f[i].len, &diag);
		if (err) {
			snprintf(errbuf, errlen,
				 "cannot upload '%.150s': %.500s", f[i].key,
				 diag.msg[0] ? diag.msg : dm_strerror(err));
			rc = SEG_RETRY;
			goto out;
		}
		hook("uploaded-one");
	}
	*files = n;
	hook("uploaded");
	if (lg->prof) {
		prof_wait_turn(lg, p->seq);
		lg_prof_feed(lg->prof, st, f, n);
	}
	/*
	 * Retiring the segment needs no new space on the WAL's disk, which
	 * may be full: the learned schema and the manifest line are written
	 * if they can be, and the segment is deleted either way.  Without
	 * the manifest line a crash before the delete re-uploads the
	 * segment under the same names (idempotent); without the schema
	 * save it stays in memory, marked dirty, and is saved with the next
	 * segment or at close.
	 */
	dm_diag_clear(&diag);
	save_schema_noted(lg);
	(void)manifest_done(lg, p->name, *rows, f, n, &diag);
	hook("manifest");
	if (unlinkat(lg->dirfd, p->name, 0) < 0 && errno != ENOENT) {
		snprintf(errbuf, errlen,
			 "cannot delete uploaded segment "
			 "'%.90s': %.200s",
			 p->name, strerror(errno));
		rc = SEG_RETRY;
		goto out;
	}
	hook("deleted");
out:
	lg_outfiles_free(f, n);
	return rc;
}

/* The oldest sealed segment no thread is working on, if retrying is
 * allowed now. */
static pend *next_job(dm_logger *lg, int64_t now)
{
	pend *p;

	if (now < lg->retry_at_ms)
		return NULL;
	for (p = lg->qhead; p; p = p->next)
		if (!p->busy)
			return p;
	return NULL;
}

static void dequeue(dm_logger *lg, pend *p)
{
	pend **pp = &lg->qhead, *prev = NULL;

	while (*pp && *pp != p) {
		prev = *pp;
		pp = &(*pp)->next;
	}
	if (!*pp)
		return;
	*pp = p->next;
	if (lg->qtail == p)
		lg->qtail = prev;
}

/* 1 while a flusher is on a segment sealed before seq (under mu). */
static int pending_busy_before(const dm_logger *lg, uint64_t seq)
{
	const pend *p;

	for (p = lg->qhead; p; p = p->next)
		if (p->seq < seq && p->busy)
			return 1;
	return 0;
}

/* Creation time (µs) of a segment from its name "<created hex>-...". */
static int64_t seg_created_us(const char *name)
{
	return (int64_t)strtoull(name, NULL, 16);
}

/*
 * Hour profiles: the hours that ended before the oldest segment not yet
 * uploaded was created (and before now) have all their files uploaded
 * (records of the past logged late make a profile stale, which detect
 * notices).  Under mu.
 */
static int64_t prof_upto_us(const dm_logger *lg)
{
	int64_t upto = lg_now_us(), c;
	const pend *p;

	for (p = lg->qhead; p; p = p->next)
		if ((c = seg_created_us(p->name)) < upto)
			upto = c;
	if (lg->active && lg->active->rows &&
	    (c = seg_created_us(lg->active->name)) < upto)
		upto = c;
	return upto;
}

/* 1 while a segment sealed at or before seq 'upto' is not done. */
static int pending_upto(const dm_logger *lg, uint64_t upto)
{
	const pend *p;

	for (p = lg->qhead; p; p = p->next)
		if (p->seq <= upto)
			return 1;
	return 0;
}

/*
 * Flusher threads (nflushers of them): each takes the oldest sealed
 * segment nobody is converting, so conversion and the store's writes
 * overlap.  Order does not matter for correctness: every segment's files
 * and manifest line are its own.  Each thread has its own store handle
 * (a backend need not allow concurrent calls on one).
 */
static void *flusher_main(void *arg)
{
	dm_logger *lg = arg;
	dm_store *st = NULL;

	/* Below the callers: on a machine with few cores, converting at the
	 * same priority preempts them for a scheduler tick (4 ms) or more;
	 * such preemptions were most of the log() calls over 1 ms
	 * (BENCHMARKS.md, "Library logger stalls, removed").  The nice value
	 * is per thread on Linux; if it cannot change, nothing else does. */
	errno = 0;
	if (lg->flush_nice && nice(lg->flush_nice) == -1 && errno)
		errno = 0;
	pthread_mutex_lock(&lg->mu);
	for (;;) {
		int64_t now = lg_mono_ms(), wake = now + 1000;
		walseg *a = lg->active;
		pend *p;

		if (a && a->rows && lg->flush_seconds &&
		    now - a->first_ms >= (int64_t)lg->flush_seconds * 1000)
			seg_seal(lg);
		if (lg->prof && st && now >= lg->prof_tick_ms) {
			int64_t upto = prof_upto_us(lg);

			lg->prof_tick_ms = now + 1000;
			pthread_mutex_unlock(&lg->mu);
			lg_prof_close_hours(lg->prof, st, upto);
			pthread_mutex_lock(&lg->mu);
			continue;
		}
		if ((p = next_job(lg, now)) != NULL) {
			uint64_t rows = 0, files = 0, waiting;
			char err[700] = "";
			int rc, was_ok;
			unsigned backoff;

			p->busy = 1;
			pthread_mutex_unlock(&lg->mu);
			if (!st) {
				dm_diag d;

				dm_diag_clear(&d);
				if (dm_store_open(lg->store_url, &st, &d) !=
				    DM_OK)
					snprintf(
						err, sizeof(err),
						"cannot open the store: %.600s",
						d.msg);
			}
			rc = st ? process_segment(lg, st, p, &rows, &files, err,
						  sizeof(err))
				: SEG_RETRY;
			pthread_mutex_lock(&lg->mu);
			was_ok = lg->storage_ok;
			if (rc == SEG_RETRY) {
				p->busy = 0;
				lg->st_upfail++;
				lg->storage_ok = 0;
				dm_redact(err, lg->last_error,
					  sizeof(lg->last_error));
				lg->backoff_ms = lg->backoff_ms
							 ? lg->backoff_ms * 2
							 : 100;
				if (lg->backoff_ms > lg->retry_max_ms)
					lg->backoff_ms = lg->retry_max_ms;
				lg->retry_at_ms = lg_mono_ms() + lg->backoff_ms;
			} else {
				dequeue(lg, p);
				lg->wal_bytes -= p->size;
				lg->wal_segments--;
				lg->pending_rows -= p->rows;
				lg->done_total++;
				if (rc == SEG_OK) {
					lg->st_flushed += rows;
					lg->st_files += files;
					lg->st_segdone++;
					lg->storage_ok = 1;
					lg->backoff_ms = 0;
					lg->retry_at_ms = 0;
				}
				lg->full = 0;
				free(p);
			}
			pthread_cond_broadcast(&lg->done_cv);
			backoff = lg->backoff_ms;
			waiting = lg->sealed_total - lg->done_total;
			pthread_mutex_unlock(&lg->mu);
			if (rc == SEG_RETRY)
				emit(lg, DM_LOG_EV_UPLOAD_FAILED,
				     "%s (retrying in %u ms; %llu segments "
				     "waiting)",
				     err, backoff, (unsigned long long)waiting);
			else if (rc == SEG_OK && !was_ok)
				emit(lg, DM_LOG_EV_STORAGE_BACK,
				     "uploads succeed again");
			pthread_mutex_lock(&lg->mu);
			continue;
		}
		if (lg->stop_flusher)
			break;
		if (lg->qhead && lg->retry_at_ms > now &&
		    lg->retry_at_ms < wake)
			wake = lg->retry_at_ms;
		a = lg->active;
		if (a && a->rows && lg->flush_seconds &&
		    a->first_ms + (int64_t)lg->flush_seconds * 1000 < wake)
			wake = a->first_ms + (int64_t)lg->flush_seconds * 1000;
		if (wake > now) {
			struct timespec ts;

			timespec_in(&ts, wake - now);
			pthread_cond_timedwait(&lg->work_cv, &lg->mu, &ts);
		}
	}
	pthread_mutex_unlock(&lg->mu);
	dm_store_free(st);
	return NULL;
}

/* ---- schema expiry --------------------------------------------------------
 */
/* The stamp of the oldest segment not yet uploaded (UINT64_MAX: none). */
static uint64_t oldest_stamp(dm_logger *lg)
{
	uint64_t o = UINT64_MAX;
	const pend *p;

	pthread_mutex_lock(&lg->mu);
	for (p = lg->qhead; p; p = p->next)
		if (p->stamp < o)
			o = p->stamp;
	if (lg->active && lg->active->stamp < o)
		o = lg->active->stamp;
	pthread_mutex_unlock(&lg->mu);
	return o;
}

/*
 * Forgets the learned models and columns unused for schema_ttl whose
 * records are all uploaded; at most once a second (force: now).
 * Returns how many entries went.
 */
static size_t sweep(dm_logger *lg, int force)
{
	int64_t now;
	uint64_t oldest;
	size_t gone = 0;

	if (!lg->ttl_ms || lg->schema.declared)
		return 0;
	oldest = oldest_stamp(lg);
	pthread_rwlock_wrlock(&lg->schema_lock);
	now = lg_mono_ms();
	if (force || now - lg->last_sweep_ms >= 1000) {
		lg->last_sweep_ms = now;
		gone = lg_schema_expire(&lg->schema, now, lg->ttl_ms, oldest);
	}
	pthread_rwlock_unlock(&lg->schema_lock);
	return gone;
}

/* ---- logging ------------------------------------------------------------ */
/* Appends an encoded frame (under mu). */
static dm_err wal_append(dm_logger *lg, const lg_enc *e, uint64_t *lsn,
			 uint64_t *stamp, int *full_now, int *disk_back,
			 dm_diag *diag)
{
	size_t len = e->frame.len;
	walseg *s;
	dm_err err;

	if (lg->closing)
		return dm_diag_set(diag, DM_EINVAL, NULL, 0, NULL,
				   "the logger is closing");
	if (lg->wal_bytes + len > lg->wal_max) {
		*full_now = !lg->full;
		lg->full = 1;
		return dm_diag_set(
			diag, DM_EFULL, NULL, 0, NULL,
			"write-ahead log full (%llu of %llu bytes in '%s'): "
			"storage has not accepted uploads%s%s; records refused",
			(unsigned long long)lg->wal_bytes,
			(unsigned long long)lg->wal_max, lg->wal_dir,
			lg->last_error[0] ? " (" : "",
			lg->last_error[0] ? "see the last upload error)" : "");
	}
	s = lg->active;
	if (s && s->rows && s->size + len > lg->flush_bytes) {
		seg_seal(lg);
		s = NULL;
	}
	if (!s) {
		if ((err = seg_create(lg, diag)) != DM_OK)
			return err;
		s = lg->active;
	}
	if (write_all(s->fd, e->frame.p, len, s->size) < 0) {
		int en = errno;

		/* drop the partial frame; if that fails, seal the segment
		 * so that nothing is ever appended after a torn frame.  On a
		 * full disk, seal it anyway: its upload and deletion is what
		 * gives the space back. */
		if (ftruncate(s->fd, (off_t)s->size) < 0 || s->rows)
			seg_seal(lg);
		lg->disk_errno = en ? en : EIO;
		return dm_diag_set(diag, DM_EIO, lg->wal_dir, 0, NULL,
				   "cannot write the write-ahead log: %s",
				   strerror(en));
	}
	if (!s->rows)
		s->first_ms = lg_mono_ms();
	if (lg->disk_errno) {
		lg->disk_errno = 0;
		*disk_back = 1;
	}
	s->size += len;
	s->rows += e->nrec;
	lg->wal_bytes += len;
	lg->written_lsn += len;
	lg->pending_rows += e->nrec;
	*lsn = lg->written_lsn;
	*stamp = s->stamp;
	if (s->rows >= lg->flush_rows)
		seg_seal(lg);
	else if (s->rows == e->nrec)
		pthread_cond_signal(&lg->work_cv); /* age timer starts */
	return DM_OK;
}

static void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#elif defined(__aarch64__)
	__asm__ __volatile__("yield");
#endif
}

/*
 * Takes mu to append.  Another caller holds it for one write (a few µs,
 * tens for a large batch): spinning that long is cheaper than sleeping,
 * whose wake-up waits for a free CPU, a scheduler tick or more on a
 * loaded machine (BENCHMARKS.md, "Library logger stalls, removed").  A
 * holder that takes longer (preempted, or writing slowly) is waited for
 * asleep.
 */
static void lock_to_append(dm_logger *lg)
{
	struct timespec t;
	int64_t t0 = 0, now;
	unsigned i;

	for (i = 1;; i++) {
		if (pthread_mutex_trylock(&lg->mu) == 0)
			return;
		if (i % 16 == 0) {
			clock_gettime(CLOCK_MONOTONIC, &t);
			now = (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
			if (!t0)
				t0 = now;
			else if (now - t0 > APPEND_SPIN_NS)
				break;
		}
		cpu_relax();
	}
	pthread_mutex_lock(&lg->mu);
}

static dm_err log_records(dm_logger *lg, const dm_log_record *recs, size_t n,
			  int multi, dm_diag *diag)
{
	lg_enc *e;
	lg_learn *learn = NULL;
	size_t nlearn = 0, caplearn = 0;
	uint64_t lsn = 0, stamp = 0;
	int wr = 0, full_now = 0, disk_back = 0, disk_was, disk_now = 0;
	dm_err err;

	if (!lg || (!recs && n))
		return dm_diag_set(diag, DM_EINVAL, NULL, 0, NULL,
				   "no logger or no records");
	e = enc_get(lg);
	if (!e)
		return dm_diag_set(diag, DM_ENOMEM, NULL, 0, NULL,
				   "out of memory");
	err = lg_enc_batch(e, recs, n, lg_now_us(), &lg->lim, multi, diag);
	if (err)
		goto out;
	pthread_rwlock_rdlock(&lg->schema_lock);
	err = lg_schema_check(&lg->schema, e, &learn, &nlearn, &caplearn, multi,
			      diag);
	pthread_rwlock_unlock(&lg->schema_lock);
	if (err == DM_ETOOBIG && sweep(lg, 0)) {
		/* junk that nobody uses any more was forgotten: again */
		pthread_rwlock_rdlock(&lg->schema_lock);
		err = lg_schema_check(&lg->schema, e, &learn, &nlearn,
				      &caplearn, multi, diag);
		pthread_rwlock_unlock(&lg->schema_lock);
	}
	if (err)
		goto out;
	if (nlearn) {
		/* re-check under the write lock: another batch may have
		 * taught the schema the same columns meanwhile */
		pthread_rwlock_wrlock(&lg->schema_lock);
		wr = 1;
		err = lg_schema_check(&lg->schema, e, &learn, &nlearn,
				      &caplearn, multi, diag);
		if (err)
			goto out;
	}
	lock_to_append(lg);
	disk_was = lg->disk_errno;
	err = wal_append(lg, e, &lsn, &stamp, &full_now, &disk_back, diag);
	if (err == DM_OK)
		lg->st_logged += n;
	else {
		lg->st_rejected += n;
		if (err == DM_EFULL)
			lg->st_full += n;
		if (err == DM_EIO && !disk_was && lg->disk_errno)
			disk_now = lg->disk_errno;
	}
	pthread_mutex_unlock(&lg->mu);
	if (err == DM_OK && nlearn) {
		lg->schema.touch_ms = lg_mono_ms();
		lg->schema.touch_stamp = stamp;
		(void)lg_schema_learn(&lg->schema, e, learn, nlearn, NULL);
	}
	if (err == DM_OK && lg->ttl_ms && !lg->schema.declared) {
		if (!wr)
			pthread_rwlock_rdlock(&lg->schema_lock);
		lg_schema_touch(&lg->schema, e, stamp, lg_mono_ms());
		if (!wr)
			pthread_rwlock_unlock(&lg->schema_lock);
	}
	if (wr) {
		pthread_rwlock_unlock(&lg->schema_lock);
		wr = 0;
	}
	if (full_now)
		emit(lg, DM_LOG_EV_WAL_FULL, "%s", diag ? diag->msg : "");
	if (disk_now)
		emit(lg, DM_LOG_EV_DISK,
		     "cannot write the write-ahead log in '%s': %s; records "
		     "are refused until there is space again",
		     lg->wal_dir, strerror(disk_now));
	if (disk_back)
		emit(lg, DM_LOG_EV_DISK,
		     "the write-ahead log can be written again");
	if (err)
		goto done;
	if (lg->fsync == DM_LOG_FSYNC_ALWAYS && sync_until(lg, lsn) < 0)
		err = dm_diag_set(diag, DM_EIO, lg->wal_dir, 0, NULL,
				  "fdatasync of the write-ahead log failed: "
				  "%s (the records may or may not be kept)",
				  strerror(lg->sync_errno));
	goto done;
out:
	if (wr)
		pthread_rwlock_unlock(&lg->schema_lock);
	pthread_mutex_lock(&lg->mu);
	lg->st_rejected += n;
	pthread_mutex_unlock(&lg->mu);
done:
	free(learn);
	enc_put(lg, e);
	return err;
}

dm_err dm_logger_log_batch(dm_logger *lg, const dm_log_record *recs, size_t n,
			   dm_diag *diag)
{
	return log_records(lg, recs, n, 1, diag);
}

dm_err dm_logger_log(dm_logger *lg, const dm_log_record *rec, dm_diag *diag)
{
	return log_records(lg, rec, 1, 0, diag);
}

/* ---- open / recovery -------------------------------------------------- */
static int cmpstr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int is_segment_name(const char *n)
{
	size_t l = strlen(n);

	return l > 4 && l < 90 && !strcmp(n + l - 4, ".wal") && n[0] != '.';
}

typedef struct replay_ctx {
	dm_logger *lg;
	lg_dec dec;
	uint64_t rows;
	int bad;
} replay_ctx;

static int replay_batch(void *ctx, const uint8_t *p, uint32_t len)
{
	replay_ctx *r = ctx;
	lg_drec rec;
	int rc = lg_dec_open(&r->dec, p, len);

	if (rc < 0) {
		r->bad = 1;
		return 1;
	}
	while ((rc = lg_dec_next(&r->dec, &rec)) == 1) {
		if (lg_schema_learn_rec(&r->lg->schema, &r->dec, &rec) !=
		    DM_OK) {
			r->bad = 2;
			return 1;
		}
		r->rows++;
	}
	if (rc < 0) {
		r->bad = 1;
		return 1;
	}
	return 0;
}

/* Recovers the segments left by earlier runs. */
static dm_err recover(dm_logger *lg, dm_diag *diag)
{
	smap done = {0};
	char *donebuf = NULL, **names = NULL;
	size_t n = 0, cap = 0, i;
	DIR *d = NULL;
	struct dirent *de;
	dm_err err;
	uint64_t torn = 0, nseg = 0, nrows = 0;

	err = manifest_load(lg, &done, &donebuf, diag);
	if (err)
		goto out;
	d = opendir(lg->wal_dir);
	if (!d) {
		err = dm_diag_set(diag, DM_EIO, lg->wal_dir, 0, NULL, "%s",
				  strerror(errno));
		goto out;
	}
	while ((de = readdir(d)) != NULL) {
		size_t l = strlen(de->d_name);

		if (l > 4 && !strcmp(de->d_name + l - 4, ".tmp")) {
			unlinkat(lg->dirfd, de->d_name, 0);
			continue;
		}
		if (!is_segment_name(de->d_name))
			continue;
		if (n == cap) {
			char **p;

			cap = cap ? cap * 2 : 64;
			p = realloc(names, cap * sizeof(*p));
			if (!p) {
				err = DM_ENOMEM;
				goto out;
			}
			names = p;
		}
		if (!(names[n] = strdup(de->d_name))) {
			err = DM_ENOMEM;
			goto out;
		}
		n++;
	}
	if (n)
		qsort(names, n, sizeof(*names), cmpstr);
	for (i = 0; i < n; i++) {
		const char *nm = names[i];
		replay_ctx rc;
		wal_scan sc;
		pend *p;
		int fd, r;

		if (smap_find(&done, nm, strlen(nm),
			      smap_hash(nm, strlen(nm)))) {
			/* uploaded before the crash; only the delete was
			 * missing */
			unlinkat(lg->dirfd, nm, 0);
			continue;
		}
		fd = openat(lg->dirfd, nm, O_RDWR | O_CLOEXEC);
		if (fd < 0) {
			err = dm_diag_set(diag, DM_EIO, lg->wal_dir, 0, NULL,
					  "cannot open WAL segment '%s': %s",
					  nm, strerror(errno));
			goto out;
		}
		memset(&rc, 0, sizeof(rc));
		rc.lg = lg;
		lg->schema.touch_ms = lg_mono_ms();
		lg->schema.touch_stamp = ++lg->stamps;
		r = wal_scan_fd(fd, replay_batch, &rc, &sc);
		lg_dec_release(&rc.dec);
		if (r < 0 && !rc.bad) {
			err = dm_diag_set(diag, DM_EIO, lg->wal_dir, 0, NULL,
					  "cannot read WAL segment '%s': %s",
					  nm, strerror(errno));
			close(fd);
			goto out;
		}
		if (rc.bad == 2) {
			close(fd);
			err = DM_ENOMEM;
			goto out;
		}
		if (sc.bad_magic || !sc.has_header || rc.bad) {
			close(fd);
			if (!rc.bad && sc.file_size < 4096 && sc.nframes == 0) {
				/* created, crash before the header was
				 * complete: it never held a record */
				unlinkat(lg->dirfd, nm, 0);
				continue;
			}
			if (quarantine(lg, nm,
				       rc.bad ? "a malformed batch"
					      : "no valid header") < 0) {
				err = dm_diag_set(diag, DM_EIO, lg->wal_dir, 0,
						  NULL,
						  "cannot quarantine WAL "
						  "segment '%s': %s",
						  nm, strerror(errno));
				goto out;
			}
			continue;
		}
		if (sc.valid_end < sc.file_size) {
			/* a torn tail: a write the crash interrupted */
			if (ftruncate(fd, (off_t)sc.valid_end) < 0 ||
			    (lg->fsync != DM_LOG_FSYNC_NEVER &&
			     fdatasync(fd) < 0)) {
				err = dm_diag_set(diag, DM_EIO, lg->wal_dir, 0,
						  NULL,
						  "cannot truncate WAL segment "
						  "'%s': %s",
						  nm, strerror(errno));
				close(fd);
				goto out;
			}
			torn += sc.file_size - sc.valid_end;
			emit(lg, DM_LOG_EV_TORN_TAIL,
			     "WAL segment '%s': cut %llu bytes of a partial "
			     "record written by a crashed run (never "
			     "acknowledged)",
			     nm,
			     (unsigned long long)(sc.file_size - sc.valid_end));
		}
		close(fd);
		if (rc.rows == 0) {
			unlinkat(lg->dirfd, nm, 0);
			continue;
		}
		p = calloc(1, sizeof(*p));
		if (!p) {
			err = DM_ENOMEM;
			goto out;
		}
		snprintf(p->name, sizeof(p->name), "%s", nm);
		p->size = sc.valid_end;
		p->rows = rc.rows;
		p->stamp = lg->schema.touch_stamp;
		if (lg->qtail)
			lg->qtail->next = p;
		else
			lg->qhead = p;
		lg->qtail = p;
		p->seq = ++lg->sealed_total;
		lg->wal_bytes += p->size;
		lg->wal_segments++;
		lg->pending_rows += p->rows;
		lg->st_replayed++;
		nseg++;
		nrows += p->rows;
	}
	if (nseg)
		emit(lg, DM_LOG_EV_RECOVERED,
		     "%llu WAL segments with %llu records from an earlier run "
		     "queued for upload",
		     (unsigned long long)nseg, (unsigned long long)nrows);
	(void)torn;
out:
	if (d)
		closedir(d);
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	smap_release(&done);
	free(donebuf);
	return err;
}

static void sanitize_host(char *dst, size_t size, const char *src)
{
	size_t i;

	for (i = 0; src[i] && i + 1 < size; i++) {
		char c = src[i];

		dst[i] = ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			  (c >= '0' && c <= '9') || c == '.' || c == '_')
				 ? c
				 : '_';
	}
	dst[i] = '\0';
	if (!dst[0])
		snprintf(dst, size, "host");
}

/* A prefix is a root of hour partitions (dm_layout_hour_prefix), and
 * no tab. */
static int prefix_ok(const char *p)
{
	char key[DM_LAYOUT_KEY_MAX];

	return !strchr(p, '\t') &&
	       dm_layout_hour_prefix(p, 0, key, sizeof(key), NULL) == DM_OK;
}

static void free_logger(dm_logger *lg)
{
	walseg *s;
	pend *p;
	size_t i;

	if (!lg)
		return;
	while ((s = lg->retired)) {
		lg->retired = s->next;
		close(s->fd);
		free(s);
	}
	if (lg->active) {
		close(lg->active->fd);
		free(lg->active);
	}
	while ((p = lg->qhead)) {
		lg->qhead = p->next;
		free(p);
	}
	for (i = 0; i < lg->pool.n; i++) {
		lg_enc_release(lg->pool.v[i]);
		free(lg->pool.v[i]);
	}
	lg_schema_release(&lg->schema);
	lg_prof_free(lg->prof);
	dm_store_free(lg->store);
	if (lg->manifest_fd >= 0)
		close(lg->manifest_fd);
	if (lg->dirfd >= 0)
		close(lg->dirfd);
	if (lg->lockfd >= 0)
		close(lg->lockfd); /* releases the lock */
	pthread_rwlock_destroy(&lg->schema_lock);
	pthread_mutex_destroy(&lg->pool.mu);
	pthread_mutex_destroy(&lg->save_mu);
	pthread_mutex_destroy(&lg->mu);
	pthread_mutex_destroy(&lg->sync_mu);
	pthread_cond_destroy(&lg->work_cv);
	pthread_cond_destroy(&lg->done_cv);
	pthread_cond_destroy(&lg->sync_cv);
	free(lg->store_url);
	free(lg->prefix);
	free(lg->wal_dir);
	free(lg);
}

/* The defaults of dm_logger_config (driftmon/logger.h), for fields 0. */
#define DEF_FSYNC_MS	       10
#define DEF_FLUSH_ROWS	       10000
#define DEF_FLUSH_BYTES	       ((size_t)64 << 20)
#define DEF_WAL_MAX_BYTES      ((uint64_t)1 << 30)
#define DEF_MAX_COLUMNS	       1000
#define DEF_MAX_STRING_BYTES   65536
#define DEF_RETRY_MAX_MS       10000
#define DEF_CLOSE_TIMEOUT_MS   30000
#define DEF_FLUSH_THREADS      2
#define DEF_FLUSH_NICE	       10
#define MAX_FLUSH_THREADS      16
#define DEF_SCHEMA_TTL_S       86400
#define DEF_MAX_SCHEMA_COLUMNS 10000
#define DEF_MAX_MODELS	       10000

/* The settings that must be given or valid before anything is made. */
static dm_err check_config(const dm_logger_config *cfg, dm_diag *diag)
{
	if (!cfg || !cfg->store_url || !*cfg->store_url)
		return dm_diag_set(diag, DM_EINVAL, NULL, 0, NULL,
				   "logger: no store URL");
	if (!cfg->wal_dir || !*cfg->wal_dir)
		return dm_diag_set(diag, DM_EINVAL, NULL, 0, NULL,
				   "logger: no write-ahead-log folder");
	if (cfg->prefix && !prefix_ok(cfg->prefix))
		return dm_diag_set(diag, DM_EINVAL, NULL, 0, NULL,
				   "logger: invalid key prefix '%s'",
				   cfg->prefix);
	if (cfg->fsync != DM_LOG_FSYNC_INTERVAL &&
	    cfg->fsync != DM_LOG_FSYNC_ALWAYS &&
	    cfg->fsync != DM_LOG_FSYNC_NEVER)
		return dm_diag_set(diag, DM_EINVAL, NULL, 0, NULL,
				   "logger: unknown fsync policy %d",
				   (int)cfg->fsync);
	return DM_OK;
}

static void init_locks(dm_logger *lg)
{
	pthread_rwlockattr_t ra;

	pthread_mutex_init(&lg->mu, NULL);
	pthread_mutex_init(&lg->sync_mu, NULL);
	pthread_mutex_init(&lg->pool.mu, NULL);
	pthread_mutex_init(&lg->save_mu, NULL);
	cond_init_mono(&lg->work_cv);
	cond_init_mono(&lg->done_cv);
	cond_init_mono(&lg->sync_cv);
	pthread_rwlockattr_init(&ra);
	/* writers (batches adding columns, the schema save) must not
	 * starve behind a steady stream of readers */
	pthread_rwlockattr_setkind_np(
		&ra, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
	pthread_rwlock_init(&lg->schema_lock, &ra);
	pthread_rwlockattr_destroy(&ra);
}

/* cfg's settings, defaults for those left 0; *nflush: flusher threads. */
static dm_err apply_settings(dm_logger *lg, const dm_logger_config *cfg,
			     unsigned *nflush, dm_diag *diag)
{
	lg->store_url = strdup(cfg->store_url);
	lg->prefix = strdup(cfg->prefix ? cfg->prefix : DM_LAYOUT_LOGS_ROOT);
	lg->wal_dir = strdup(cfg->wal_dir);
	if (!lg->store_url || !lg->prefix || !lg->wal_dir)
		return DM_ENOMEM;
	while (strlen(lg->wal_dir) > 1 &&
	       lg->wal_dir[strlen(lg->wal_dir) - 1] == '/')
		lg->wal_dir[strlen(lg->wal_dir) - 1] = '\0';
	lg->fsync = cfg->fsync;
	lg->fsync_ms = cfg->fsync_ms ? cfg->fsync_ms : DEF_FSYNC_MS;
	lg->flush_rows = cfg->flush_rows ? cfg->flush_rows : DEF_FLUSH_ROWS;
	lg->flush_bytes = cfg->flush_bytes ? cfg->flush_bytes : DEF_FLUSH_BYTES;
	lg->flush_seconds = cfg->flush_seconds;
	lg->wal_max =
		cfg->wal_max_bytes ? cfg->wal_max_bytes : DEF_WAL_MAX_BYTES;
	lg->lim.max_columns =
		cfg->max_columns ? cfg->max_columns : DEF_MAX_COLUMNS;
	lg->lim.max_string_bytes = cfg->max_string_bytes ? cfg->max_string_bytes
							 : DEF_MAX_STRING_BYTES;
	lg->retry_max_ms =
		cfg->retry_max_ms ? cfg->retry_max_ms : DEF_RETRY_MAX_MS;
	lg->close_timeout_ms = cfg->close_timeout_ms ? cfg->close_timeout_ms
						     : DEF_CLOSE_TIMEOUT_MS;
	lg->on_event = cfg->on_event;
	lg->hour_profiles = !cfg->no_hour_profiles &&
			    !strcmp(lg->prefix, DM_LAYOUT_LOGS_ROOT);
	*nflush = cfg->flush_threads ? cfg->flush_threads : DEF_FLUSH_THREADS;
	if (*nflush > MAX_FLUSH_THREADS)
		*nflush = MAX_FLUSH_THREADS;
	lg->event_ctx = cfg->event_ctx;
	lg->storage_ok = 1;
	lg->flush_nice = cfg->flush_nice_set ? cfg->flush_nice : DEF_FLUSH_NICE;
	if (lg->flush_nice < 0)
		lg->flush_nice = 0;
	if (lg->flush_nice > 19)
		lg->flush_nice = 19;
	lg->ttl_ms = (int64_t)(cfg->schema_ttl_set ? cfg->schema_ttl_s
						   : DEF_SCHEMA_TTL_S) *
		     1000;
	if (!cfg->codec || !strcmp(cfg->codec, "snappy"))
		lg->codec = DM_PARQUET_SNAPPY;
	else if (!strcmp(cfg->codec, "zstd"))
		lg->codec = DM_PARQUET_ZSTD;
	else if (!strcmp(cfg->codec, "none"))
		lg->codec = DM_PARQUET_UNCOMPRESSED;
	else
		return dm_diag_set(diag, DM_EINVAL, NULL, 0, NULL,
				   "logger: unknown codec '%s' (snappy, zstd "
				   "or none)",
				   cfg->codec);
	return DM_OK;
}

/* Host, pid and a random nonce: the names of this logger's segments. */
static void make_identity(dm_logger *lg, const dm_logger_config *cfg)
{
	char hn[256] = "";
	uint8_t rnd[4];

	if (cfg->host)
		snprintf(hn, sizeof(hn), "%s", cfg->host);
	else if (gethostname(hn, sizeof(hn) - 1) < 0)
		hn[0] = '\0';
	sanitize_host(lg->host, sizeof(lg->host), hn);
	lg->pid = (long)getpid();
	if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd)) {
		uint32_t x = (uint32_t)lg_now_us() ^ (uint32_t)lg->pid;

		memcpy(rnd, &x, 4);
	}
	snprintf(lg->nonce, sizeof(lg->nonce), "%02x%02x%02x%02x", rnd[0],
		 rnd[1], rnd[2], rnd[3]);
	/* segment numbers of six digits (100001 on): the keys of one run's
	 * files sort in the order of its segments for 899,999 of them,
	 * which is the order detect reads an hour's files in and the one
	 * hour profiles are fed in (logger_prof.c) */
	lg->seq = LG_SEQ_FIRST - 1;
}

/* The write-ahead-log folder, created and locked (flock on LOCK_FILE,
 * which then holds our pid for the message of a second logger). */
static dm_err lock_wal_dir(dm_logger *lg, dm_diag *diag)
{
	char pidtxt[32];
	int l;

	if (util_mkdirs(lg->wal_dir, strlen(lg->wal_dir), 0755) < 0 ||
	    (lg->dirfd =
		     open(lg->wal_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return dm_diag_set(diag, DM_EIO, lg->wal_dir, 0, NULL,
				   "cannot create the write-ahead-log folder: "
				   "%s",
				   strerror(errno));
	lg->lockfd = openat(lg->dirfd, LOCK_FILE, O_RDWR | O_CREAT | O_CLOEXEC,
			    0644);
	if (lg->lockfd < 0)
		return dm_diag_set(diag, DM_EIO, lg->wal_dir, 0, NULL,
				   "cannot create the lock file: %s",
				   strerror(errno));
	if (flock(lg->lockfd, LOCK_EX | LOCK_NB) < 0) {
		char other[32] = "";
		ssize_t r = pread(lg->lockfd, other, sizeof(other) - 1, 0);

		if (r > 0)
			other[r] = '\0';
		other[strcspn(other, "\n")] = '\0';
		return dm_diag_set(diag, DM_ECONFLICT, lg->wal_dir, 0, NULL,
				   "write-ahead-log folder in use by another "
				   "logger (pid %s)",
				   other[0] ? other : "?");
	}
	l = snprintf(pidtxt, sizeof(pidtxt), "%ld\n", lg->pid);
	if (ftruncate(lg->lockfd, 0) < 0 ||
	    pwrite(lg->lockfd, pidtxt, (size_t)l, 0) != l) {
		/* only informative */
	}
	return DM_OK;
}

/* The schema, the segments left by the last run, the manifest. */
static dm_err recover_state(dm_logger *lg, dm_diag *diag)
{
	dm_err err;

	lg->schema.touch_ms = lg_mono_ms();
	lg->schema.touch_stamp = 0;
	if (!lg->schema.declared &&
	    (err = lg_schema_load(&lg->schema, lg->dirfd, SCHEMA_FILE, diag)) !=
		    DM_OK)
		return err;
	if ((err = recover(lg, diag)) != DM_OK)
		return err;
	lg->disk_checked_ms = lg_mono_ms() - 1000;
	check_disk(lg);
	lg->manifest_fd =
		openat(lg->dirfd, MANIFEST,
		       O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (lg->manifest_fd < 0)
		return dm_diag_set(diag, DM_EIO, lg->wal_dir, 0, NULL,
				   "cannot open the manifest: %s",
				   strerror(errno));
	return DM_OK;
}

static dm_err start_threads(dm_logger *lg, unsigned nflush)
{
	if (pthread_create(&lg->syncer, NULL, syncer_main, lg) != 0)
		return DM_ENOMEM;
	lg->have_syncer = 1;
	while (lg->nflushers < nflush) {
		if (pthread_create(&lg->flusher[lg->nflushers], NULL,
				   flusher_main, lg) != 0)
			return DM_ENOMEM;
		lg->nflushers++;
	}
	return DM_OK;
}

/* Stops the threads start_threads started (a failed open). */
static void stop_threads(dm_logger *lg)
{
	if (lg->nflushers) {
		pthread_mutex_lock(&lg->mu);
		lg->stop_flusher = 1;
		pthread_cond_broadcast(&lg->work_cv);
		pthread_mutex_unlock(&lg->mu);
		while (lg->nflushers)
			pthread_join(lg->flusher[--lg->nflushers], NULL);
	}
	if (lg->have_syncer) {
		pthread_mutex_lock(&lg->sync_mu);
		lg->stop_syncer = 1;
		pthread_cond_broadcast(&lg->sync_cv);
		pthread_mutex_unlock(&lg->sync_mu);
		pthread_join(lg->syncer, NULL);
	}
}

dm_err dm_logger_open(const dm_logger_config *cfg, dm_logger **out,
		      dm_diag *diag)
{
	dm_logger *lg;
	unsigned nflush = 0;
	dm_err err;

	*out = NULL;
	if ((err = check_config(cfg, diag)) != DM_OK)
		return err;
	lg = calloc(1, sizeof(*lg));
	if (!lg)
		return DM_ENOMEM;
	lg->dirfd = lg->lockfd = lg->manifest_fd = -1;
	init_locks(lg);
	if ((err = apply_settings(lg, cfg, &nflush, diag)) != DM_OK)
		goto fail;
	make_identity(lg, cfg);
	err = lg_schema_init(&lg->schema, cfg->schema, cfg->nschema,
			     cfg->max_schema_columns ? cfg->max_schema_columns
						     : DEF_MAX_SCHEMA_COLUMNS,
			     cfg->max_models ? cfg->max_models : DEF_MAX_MODELS,
			     diag);
	if (err != DM_OK)
		goto fail;
	if (lg->hour_profiles &&
	    (lg->prof = lg_prof_new(
		     prof_note, lg,
		     (int64_t)(lg->flush_seconds ? lg->flush_seconds : 60) *
			     1000)) == NULL) {
		err = DM_ENOMEM;
		goto fail;
	}
	if ((err = lock_wal_dir(lg, diag)) != DM_OK ||
	    (err = recover_state(lg, diag)) != DM_OK ||
	    (err = dm_store_open(lg->store_url, &lg->store, diag)) != DM_OK ||
	    (err = start_threads(lg, nflush)) != DM_OK)
		goto fail;
	*out = lg;
	return DM_OK;
fail:
	stop_threads(lg);
	free_logger(lg);
	return err;
}

/* ---- flush / close / stats ------------------------------------------- */
static dm_err wait_uploaded(dm_logger *lg, unsigned timeout_ms, dm_diag *diag)
{
	uint64_t target;
	int64_t deadline = timeout_ms ? lg_mono_ms() + timeout_ms : 0;
	dm_err err = DM_OK;

	pthread_mutex_lock(&lg->mu);
	seg_seal(lg);
	target = lg->sealed_total;
	lg->retry_at_ms = 0; /* try now */
	pthread_cond_broadcast(&lg->work_cv);
	while (pending_upto(lg, target)) {
		struct timespec ts;
		int64_t now = lg_mono_ms();

		if (deadline && now >= deadline) {
			err = dm_diag_set(
				diag, DM_ENET, NULL, 0, NULL,
				"%llu records not uploaded after %u ms%s%s",
				(unsigned long long)lg->pending_rows,
				timeout_ms, lg->last_error[0] ? ": " : "",
				lg->last_error);
			break;
		}
		timespec_in(
			&ts,
			deadline ? (deadline - now < 200 ? deadline - now : 200)
				 : 200);
		pthread_cond_timedwait(&lg->done_cv, &lg->mu, &ts);
	}
	pthread_mutex_unlock(&lg->mu);
	return err;
}

dm_err dm_logger_flush(dm_logger *lg, unsigned timeout_ms, dm_diag *diag)
{
	if (!lg)
		return DM_EINVAL;
	return wait_uploaded(lg, timeout_ms, diag);
}

dm_err dm_logger_close(dm_logger *lg, dm_diag *diag)
{
	dm_err err;
	uint64_t left, bytes;
	char last[256];
	dm_diag d2;

	if (!lg)
		return DM_OK;
	dm_diag_clear(&d2);
	pthread_mutex_lock(&lg->mu);
	lg->closing = 1;
	pthread_mutex_unlock(&lg->mu);
	err = wait_uploaded(lg, lg->close_timeout_ms, &d2);
	pthread_mutex_lock(&lg->mu);
	lg->stop_flusher = 1;
	pthread_cond_broadcast(&lg->work_cv);
	pthread_mutex_unlock(&lg->mu);
	while (lg->nflushers)
		pthread_join(lg->flusher[--lg->nflushers], NULL);
	pthread_mutex_lock(&lg->sync_mu);
	lg->stop_syncer = 1;
	pthread_cond_broadcast(&lg->sync_cv);
	pthread_mutex_unlock(&lg->sync_mu);
	if (lg->have_syncer)
		pthread_join(lg->syncer, NULL);
	if (lg->fsync != DM_LOG_FSYNC_NEVER) {
		uint64_t goal;

		(void)do_sync(lg, &goal);
	}
	(void)save_schema(lg, NULL);
	pthread_mutex_lock(&lg->mu);
	left = lg->pending_rows;
	pthread_mutex_unlock(&lg->mu);
	/* the hours still open, the current one included (a file uploaded
	 * later, by the next start, makes a profile stale, never wrong);
	 * not while uploads fail: the store's retries would hold the exit
	 * past close_timeout_ms (and detect builds those hours) */
	if (lg->prof && lg->store && !left)
		lg_prof_close_hours(lg->prof, lg->store, INT64_MAX);
	pthread_mutex_lock(&lg->mu);
	left = lg->pending_rows;
	bytes = lg->wal_bytes;
	snprintf(last, sizeof(last), "%s", lg->last_error);
	pthread_mutex_unlock(&lg->mu);
	if (left) {
		err = dm_diag_set(diag, DM_ENET, lg->wal_dir, 0, NULL,
				  "%llu records (%llu bytes) could not be "
				  "uploaded%s%s; they stay in the write-ahead "
				  "log and are uploaded by the next start",
				  (unsigned long long)left,
				  (unsigned long long)bytes,
				  last[0] ? ": " : "", last);
	} else {
		err = DM_OK;
	}
	free_logger(lg);
	return err;
}

void dm_logger_get_stats(dm_logger *lg, dm_logger_stats *st)
{
	memset(st, 0, sizeof(*st));
	if (!lg)
		return;
	pthread_mutex_lock(&lg->mu);
	st->records_logged = lg->st_logged;
	st->records_rejected = lg->st_rejected;
	st->records_refused_full = lg->st_full;
	st->records_flushed = lg->st_flushed;
	st->records_pending = lg->pending_rows;
	st->files_uploaded = lg->st_files;
	st->segments_done = lg->st_segdone;
	st->segments_replayed = lg->st_replayed;
	st->upload_failures = lg->st_upfail;
	st->wal_bytes = lg->wal_bytes;
	st->wal_max_bytes = lg->wal_max;
	st->wal_segments = lg->wal_segments;
	st->storage_ok = lg->storage_ok;
	snprintf(st->last_error, sizeof(st->last_error), "%s", lg->last_error);
	st->wal_writable = !lg->disk_errno && !lg->disk_low;
	if (lg->disk_errno)
		snprintf(st->wal_error, sizeof(st->wal_error),
			 "the last write failed: %s", strerror(lg->disk_errno));
	else if (lg->disk_low)
		snprintf(st->wal_error, sizeof(st->wal_error),
			 "%llu bytes free on the disk",
			 (unsigned long long)lg->disk_free);
	st->disk_free_bytes = lg->disk_free;
	pthread_mutex_unlock(&lg->mu);
	lg_prof_counts(lg->prof, &st->hour_profiles_written,
		       &st->hour_profiles_skipped);
	pthread_mutex_lock(&lg->sync_mu);
	st->fsyncs = lg->st_fsyncs;
	pthread_mutex_unlock(&lg->sync_mu);
	pthread_rwlock_rdlock(&lg->schema_lock);
	st->schema_entries = lg->schema.nentries;
	st->schema_expired = lg->schema.nexpired;
	pthread_rwlock_unlock(&lg->schema_lock);
}
