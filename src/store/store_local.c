/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The local-folder store (the embedded default).  Writes are atomic: the
 * data goes to a temporary file beside the target, is flushed with
 * fsync, and is renamed over the target, so a reader never sees half a
 * report.  Listing walks the folder tree and skips temporary files.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/util.h"
#include "store/store_int.h"

struct local {
	char *root; /* without trailing '/' */
};

#define ROOT(s) (((struct local *)(s)->impl)->root)

static void local_free(dm_store *s)
{
	if (!s)
		return;
	if (s->impl)
		free(ROOT(s));
	free(s->impl);
	free(s);
}

static char *path_of(const dm_store *s, const char *key)
{
	char *p = NULL;

	if (asprintf(&p, "%s/%s", ROOT(s), key) < 0)
		return NULL;
	return p;
}

static char *local_location(const dm_store *s, const char *key)
{
	return path_of(s, key);
}

static dm_err local_get(dm_store *s, const char *key, size_t max, char **data,
			size_t *len, dm_diag *diag)
{
	char *path;
	FILE *fp;
	struct stat st;
	char *buf = NULL;
	size_t got;
	dm_err err = DM_OK;

	*data = NULL;
	*len = 0;
	if (!max)
		max = (size_t)1 << 30;
	path = path_of(s, key);
	if (!path)
		return DM_ENOMEM;
	fp = fopen(path, "rb");
	if (!fp) {
		err = dm_diag_set(diag, errno == ENOENT ? DM_ENOENT : DM_EIO,
				  path, 0, NULL, "%s", strerror(errno));
		goto out;
	}
	if (fstat(fileno(fp), &st) < 0 || !S_ISREG(st.st_mode)) {
		err = dm_diag_set(diag, DM_EIO, path, 0, NULL,
				  "not a regular file");
		goto out;
	}
	if ((uint64_t)st.st_size > max) {
		err = dm_diag_set(diag, DM_ETOOBIG, path, 0, NULL,
				  "larger than %zu bytes", max);
		goto out;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		err = DM_ENOMEM;
		goto out;
	}
	got = fread(buf, 1, (size_t)st.st_size, fp);
	if (got != (size_t)st.st_size) {
		err = dm_diag_set(diag, DM_EIO, path, 0, NULL, "short read");
		goto out;
	}
	buf[got] = '\0';
	*data = buf;
	*len = got;
	buf = NULL;
out:
	if (fp)
		fclose(fp);
	free(buf);
	free(path);
	return err;
}

static dm_err local_write(dm_store *s, const char *key, const void *data,
			  size_t len, int create, dm_diag *diag);

static dm_err local_put(dm_store *s, const char *key, const void *data,
			size_t len, dm_diag *diag)
{
	return local_write(s, key, data, len, 0, diag);
}

/* Create-only: the temporary file is linked to the name, which fails if
 * the name exists (link(2) never replaces), so of two racing creators
 * exactly one wins and the other gets DM_ECONFLICT. */
static dm_err local_create(dm_store *s, const char *key, const void *data,
			   size_t len, dm_diag *diag)
{
	return local_write(s, key, data, len, 1, diag);
}

static dm_err local_check(dm_store *s, dm_diag *diag)
{
	struct stat st;

	if (stat(ROOT(s), &st) < 0 && errno == ENOENT)
		return dm_diag_set(diag, DM_ENOENT, NULL, 0, NULL,
				   "store '%s' does not exist", ROOT(s));
	if (stat(ROOT(s), &st) < 0)
		return dm_diag_set(diag, DM_EIO, NULL, 0, NULL,
				   "store '%s': %s", ROOT(s), strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return dm_diag_set(diag, DM_ENOENT, NULL, 0, NULL,
				   "store '%s': not a folder", ROOT(s));
	return DM_OK;
}

/* The sink of a write: the temporary file. */
struct wsink {
	int fd;
	const char *path;
	dm_diag *diag;
};

static dm_err fd_sink(void *ctx, const void *data, size_t len)
{
	struct wsink *ws = ctx;
	const char *p = data;

	while (len > 0) {
		ssize_t w = write(ws->fd, p, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return dm_diag_set(ws->diag, DM_EIO, ws->path, 0, NULL,
					   "write failed: %s", strerror(errno));
		p += w;
		len -= (size_t)w;
	}
	return DM_OK;
}

/* The producer of a plain put: one piece. */
struct whole {
	const void *data;
	size_t len;
};

static dm_err produce_whole(void *ctx, dm_sink_fn sink, void *sink_ctx)
{
	const struct whole *wh = ctx;

	return wh->len ? sink(sink_ctx, wh->data, wh->len) : DM_OK;
}

/* What produce writes, to a temporary file beside the target (fsync'd),
 * then renamed over it (create: linked, never replacing). */
static dm_err local_write_with(dm_store *s, const char *key,
			       dm_produce_fn produce, void *ctx, int create,
			       dm_diag *diag)
{
	char *path = NULL, *tmp = NULL, *slash;
	int fd = -1;
	dm_err err = DM_OK;
	struct timespec ts;
	struct wsink ws;

	path = path_of(s, key);
	clock_gettime(CLOCK_REALTIME, &ts);
	if (!path || asprintf(&tmp, "%s.tmp-%ld-%ld", path, (long)getpid(),
			      (long)ts.tv_nsec) < 0) {
		tmp = NULL;
		err = DM_ENOMEM;
		goto out;
	}
	slash = strrchr(path, '/');
	if (util_mkdirs(path, slash ? (size_t)(slash - path) : 0, 0777) < 0) {
		err = dm_diag_set(diag, DM_EIO, path, 0, NULL,
				  "cannot create folder: %s", strerror(errno));
		goto out;
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
	if (fd < 0) {
		err = dm_diag_set(diag, DM_EIO, path, 0, NULL,
				  "cannot write: %s", strerror(errno));
		goto out;
	}
	ws.fd = fd;
	ws.path = path;
	ws.diag = diag;
	if ((err = produce(ctx, fd_sink, &ws)) != DM_OK)
		goto out;
	if (fsync(fd) < 0 || close(fd) < 0) {
		fd = -1;
		err = dm_diag_set(diag, DM_EIO, path, 0, NULL,
				  "write failed: %s", strerror(errno));
		goto out;
	}
	fd = -1;
	if (create) {
		if (link(tmp, path) < 0)
			err = dm_diag_set(
				diag, errno == EEXIST ? DM_ECONFLICT : DM_EIO,
				path, 0, NULL, "cannot create: %s",
				strerror(errno));
		unlink(tmp);
		goto out;
	}
	if (rename(tmp, path) < 0) {
		err = dm_diag_set(diag, DM_EIO, path, 0, NULL,
				  "cannot replace: %s", strerror(errno));
		goto out;
	}
out:
	if (fd >= 0)
		close(fd);
	if (err != DM_OK && tmp)
		unlink(tmp);
	free(tmp);
	free(path);
	return err;
}

static dm_err local_write(dm_store *s, const char *key, const void *data,
			  size_t len, int create, dm_diag *diag)
{
	struct whole wh = {data, len};

	return local_write_with(s, key, produce_whole, &wh, create, diag);
}

static dm_err local_put_stream(dm_store *s, const char *key,
			       dm_produce_fn produce, void *ctx, dm_diag *diag)
{
	return local_write_with(s, key, produce, ctx, 0, diag);
}

struct list {
	char **v;
	size_t n, cap;
};

static int push(struct list *l, const char *s)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		char **v = realloc(l->v, cap * sizeof(*v));

		if (!v)
			return -1;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n] = strdup(s);
	if (!l->v[l->n])
		return -1;
	l->n++;
	return 0;
}

/* Walks root/rel recursively, adding keys that start with prefix. */
static dm_err walk(const dm_store *s, const char *rel, const char *prefix,
		   struct list *l, int depth)
{
	char *dirpath = NULL;
	DIR *d;
	struct dirent *e;
	dm_err err = DM_OK;

	if (depth > 32)
		return DM_OK;
	if (asprintf(&dirpath, "%s%s%s", ROOT(s), *rel ? "/" : "", rel) < 0)
		return DM_ENOMEM;
	d = opendir(dirpath);
	free(dirpath);
	if (!d)
		return DM_OK;
	while ((e = readdir(d)) != NULL) {
		char *key = NULL;
		size_t plen, klen;
		struct stat st;
		char *full = NULL;

		if (e->d_name[0] == '.' || strstr(e->d_name, ".tmp-"))
			continue;
		if (asprintf(&key, "%s%s%s", rel, *rel ? "/" : "", e->d_name) <
		    0) {
			err = DM_ENOMEM;
			break;
		}
		plen = strlen(prefix);
		klen = strlen(key);
		/* Descend only where the prefix can still match. */
		if (strncmp(key, prefix, klen < plen ? klen : plen) != 0) {
			free(key);
			continue;
		}
		if (asprintf(&full, "%s/%s", ROOT(s), key) < 0 ||
		    stat(full, &st) < 0) {
			free(full);
			free(key);
			continue;
		}
		free(full);
		if (S_ISDIR(st.st_mode))
			err = walk(s, key, prefix, l, depth + 1);
		else if (S_ISREG(st.st_mode) && klen >= plen &&
			 push(l, key) < 0)
			err = DM_ENOMEM;
		free(key);
		if (err != DM_OK)
			break;
	}
	closedir(d);
	return err;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static dm_err local_list(dm_store *s, const char *prefix, char ***keys,
			 size_t *n, dm_diag *diag)
{
	struct list l = {0};
	dm_err err;

	(void)diag;
	err = walk(s, "", prefix ? prefix : "", &l, 0);
	if (err != DM_OK) {
		size_t i;

		for (i = 0; i < l.n; i++)
			free(l.v[i]);
		free(l.v);
		return err;
	}
	if (l.n)
		qsort(l.v, l.n, sizeof(*l.v), cmp_str);
	*keys = l.v;
	*n = l.n;
	return DM_OK;
}

static dm_err local_open_source(dm_store *s, const char *key, dm_source **out,
				dm_diag *diag)
{
	char *path;
	dm_err err;

	path = path_of(s, key);
	if (!path)
		return DM_ENOMEM;
	err = dm_source_open_file(path, out, diag);
	free(path);
	return err;
}

static const store_ops local_ops = {
	.name = "local",
	.get = local_get,
	.put = local_put,
	.put_stream = local_put_stream,
	.list = local_list,
	.open_source = local_open_source,
	.location = local_location,
	.free = local_free,
	.create = local_create,
	.check = local_check,
};

dm_err store_local_open(const char *url, dm_store **out, dm_diag *diag)
{
	dm_store *s;
	struct local *l;
	const char *path = url;
	size_t n;

	*out = NULL;
	if (!strncmp(url, "file://", 7))
		path = url + 7;
	if (!*path)
		return dm_diag_set(diag, DM_EINVAL, NULL, 0, NULL,
				   "store '%s': empty path", url);
	s = calloc(1, sizeof(*s));
	l = calloc(1, sizeof(*l));
	if (!s || !l || !(l->root = strdup(path))) {
		free(s);
		free(l);
		return DM_ENOMEM;
	}
	n = strlen(l->root);
	while (n > 1 && l->root[n - 1] == '/')
		l->root[--n] = '\0';
	s->ops = &local_ops;
	s->impl = l;
	*out = s;
	return DM_OK;
}
