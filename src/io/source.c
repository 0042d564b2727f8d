/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Byte sources (see include/driftmon/table.h): a local file read with
 * pread(2), and a memory buffer.  Readers never load a whole file; they
 * ask a source for ranges, so the same reader code serves local files,
 * buffers (tests, fuzzing) and remote blobs (src/store supplies those).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "driftmon/table.h"
#include "io/io_internal.h"

/* A local file: the dm_source comes first so that the struct can be freed
 * through the dm_source pointer. */
typedef struct file_source {
	dm_source base;
	int fd;
} file_source;

typedef struct mem_source {
	dm_source base;
	const unsigned char *data;
	int own;
} mem_source;

static dm_err file_read(dm_source *src, uint64_t off, void *buf, size_t len,
			size_t *got, dm_diag *diag)
{
	file_source *fs = (file_source *)src;
	unsigned char *p = buf;
	size_t done = 0;
	dm_err err = DM_OK;

	if (off >= src->size)
		goto out;
	if (len > src->size - off)
		len = (size_t)(src->size - off);
	while (done < len) {
		size_t want = len - done;
		ssize_t n;

		/* Linux transfers at most about 2 GiB per call. */
		if (want > ((size_t)1 << 30))
			want = (size_t)1 << 30;
		n = pread(fs->fd, p + done, want, (off_t)(off + done));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			err = dm_diag_set(diag, DM_EIO, src->name, 0, NULL,
					  "read error at byte offset %llu: %s",
					  (unsigned long long)(off + done),
					  strerror(errno));
			goto out;
		}
		if (n == 0)
			break; /* the file shrank under us: a short read */
		done += (size_t)n;
	}
out:
	src->bytes_read += done;
	*got = done;
	return err;
}

static void file_close(dm_source *src)
{
	file_source *fs = (file_source *)src;

	if (fs->fd >= 0)
		close(fs->fd);
	free(src->name);
	free(fs);
}

dm_err dm_source_open_file(const char *path, dm_source **out, dm_diag *diag)
{
	file_source *fs = NULL;
	struct stat st;
	dm_err err = DM_OK;
	int fd = -1;

	*out = NULL;
	if (!path || !*path) {
		err = dm_diag_set(diag, DM_EINVAL, NULL, 0, NULL,
				  "no input file given");
		goto out;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		int e = errno;

		err = dm_diag_set(diag, e == ENOENT ? DM_ENOENT : DM_EIO, path,
				  0, NULL, "cannot open: %s", strerror(e));
		goto out;
	}
	if (fstat(fd, &st) != 0) {
		err = dm_diag_set(diag, DM_EIO, path, 0, NULL,
				  "cannot stat: %s", strerror(errno));
		goto out;
	}
	if (S_ISDIR(st.st_mode)) {
		err = dm_diag_set(diag, DM_EIO, path, 0, NULL,
				  "is a directory, not a data file");
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		/* pread needs a seekable object of known size. */
		err = dm_diag_set(diag, DM_EIO, path, 0, NULL,
				  "not a regular file");
		goto out;
	}
	fs = calloc(1, sizeof(*fs));
	if (!fs || !(fs->base.name = strdup(path))) {
		err = dm_diag_set(diag, DM_ENOMEM, path, 0, NULL,
				  "out of memory");
		goto out;
	}
	fs->fd = fd;
	fd = -1;
	fs->base.read = file_read;
	fs->base.close = file_close;
	fs->base.size = (uint64_t)st.st_size;
	fs->base.impl = NULL;
	*out = &fs->base;
	fs = NULL;
out:
	if (fs) {
		free(fs->base.name);
		free(fs);
	}
	if (fd >= 0)
		close(fd);
	return err;
}

static dm_err mem_read(dm_source *src, uint64_t off, void *buf, size_t len,
		       size_t *got, dm_diag *diag)
{
	mem_source *ms = (mem_source *)src;

	(void)diag;
	*got = 0;
	if (off >= src->size)
		return DM_OK;
	if (len > src->size - off)
		len = (size_t)(src->size - off);
	if (len)
		memcpy(buf, ms->data + off, len);
	src->bytes_read += len;
	*got = len;
	return DM_OK;
}

static void mem_close(dm_source *src)
{
	mem_source *ms = (mem_source *)src;

	if (ms->own)
		free((void *)ms->data);
	free(src->name);
	free(ms);
}

/* On failure (DM_ENOMEM, or DM_EINVAL for NULL data with len > 0) the
 * caller keeps ownership of data, even with own set. */
dm_err dm_source_open_mem(const char *name, const void *data, size_t len,
			  int own, dm_source **out)
{
	mem_source *ms;

	*out = NULL;
	if (!data && len)
		return DM_EINVAL;
	ms = calloc(1, sizeof(*ms));
	if (!ms)
		return DM_ENOMEM;
	ms->base.name = strdup(name ? name : "<memory>");
	if (!ms->base.name) {
		free(ms);
		return DM_ENOMEM;
	}
	ms->data = data;
	ms->own = own;
	ms->base.read = mem_read;
	ms->base.close = mem_close;
	ms->base.size = len;
	*out = &ms->base;
	return DM_OK;
}

int dmio_source_is_mem(const dm_source *src)
{
	return src && src->read == mem_read;
}

dm_err dm_source_pread(dm_source *src, uint64_t off, void *buf, size_t len,
		       dm_diag *diag)
{
	size_t got = 0;
	dm_err err;

	err = src->read(src, off, buf, len, &got, diag);
	if (err)
		return err;
	if (got < len)
		return dm_diag_set(diag, DM_EFORMAT, src->name, 0, NULL,
				   "truncated: wanted %zu bytes at byte offset "
				   "%llu, the object has %llu bytes",
				   len, (unsigned long long)off,
				   (unsigned long long)src->size);
	return DM_OK;
}

void dm_source_close(dm_source *src)
{
	if (src && src->close)
		src->close(src);
}
