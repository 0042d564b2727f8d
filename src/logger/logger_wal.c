/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Write-ahead-log framing: frame headers, the segment header record and
 * the recovery scan that finds where a segment's valid frames end (see
 * the format in logger_int.h).
 *
 * The scan trusts nothing: a frame is valid only if its length is
 * possible, the whole payload is present and its CRC32C matches.  The
 * first frame that fails ends the segment.  A frame is written with one
 * pwrite under the logger's lock, so the only invalid frame a crash can
 * leave is the last one (a write that never returned, hence never
 * acknowledged); everything before it is intact.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "logger/logger_int.h"

static void put_u32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static uint32_t get_u32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

void wal_frame_header(uint8_t hdr[WAL_FRAME_HDR], const void *payload,
		      uint32_t len)
{
	put_u32(hdr, len);
	put_u32(hdr + 4, lg_crc32c(0, payload, len));
}

/* Header payload: type byte, then "host\npid\nnonce\nseq\ncreated_us\n". */
void wal_header_encode(bbuf *b, const wal_segid *id)
{
	char txt[256];
	int n = snprintf(txt, sizeof(txt), "%s\n%ld\n%s\n%u\n%lld\n", id->host,
			 id->pid, id->nonce, id->seq,
			 (long long)id->created_us);

	bb_u8(b, WAL_REC_HEADER);
	if (n > 0 && (size_t)n < sizeof(txt))
		bb_put(b, txt, (size_t)n);
	else if (!b->err)
		b->err = DM_ETOOBIG;
}

/* Copies the next '\n'-terminated field of [*p, end) into out. */
static int next_field(const uint8_t **p, const uint8_t *end, char *out,
		      size_t size)
{
	const uint8_t *s = *p, *nl = memchr(s, '\n', (size_t)(end - s));

	if (!nl || (size_t)(nl - s) >= size)
		return -1;
	memcpy(out, s, (size_t)(nl - s));
	out[nl - s] = '\0';
	*p = nl + 1;
	return 0;
}

static int host_ok(const char *h)
{
	if (!*h)
		return 0;
	for (; *h; h++)
		if (!((*h >= 'a' && *h <= 'z') || (*h >= 'A' && *h <= 'Z') ||
		      (*h >= '0' && *h <= '9') || *h == '.' || *h == '_'))
			return 0;
	return 1;
}

int wal_header_decode(const uint8_t *p, size_t len, wal_segid *id)
{
	const uint8_t *end = p + len;
	char f[32], *e;
	long long v;

	memset(id, 0, sizeof(*id));
	if (len < 1 || *p != WAL_REC_HEADER)
		return -1;
	p++;
	if (next_field(&p, end, id->host, sizeof(id->host)) < 0 ||
	    !host_ok(id->host))
		return -1;
	if (next_field(&p, end, f, sizeof(f)) < 0)
		return -1;
	errno = 0;
	v = strtoll(f, &e, 10);
	if (errno || *e || e == f || v < 0)
		return -1;
	id->pid = (long)v;
	if (next_field(&p, end, id->nonce, sizeof(id->nonce)) < 0 ||
	    !host_ok(id->nonce))
		return -1;
	if (next_field(&p, end, f, sizeof(f)) < 0)
		return -1;
	errno = 0;
	v = strtoll(f, &e, 10);
	if (errno || *e || e == f || v < 0 || v > UINT32_MAX)
		return -1;
	id->seq = (uint32_t)v;
	if (next_field(&p, end, f, sizeof(f)) < 0)
		return -1;
	errno = 0;
	v = strtoll(f, &e, 10);
	if (errno || *e || e == f)
		return -1;
	id->created_us = v;
	return p == end ? 0 : -1;
}

/* Reads exactly n bytes at off; returns n, fewer at end of file, or -1. */
static ssize_t read_at(int fd, void *buf, size_t n, uint64_t off)
{
	size_t got = 0;

	while (got < n) {
		ssize_t r = pread(fd, (char *)buf + got, n - got,
				  (off_t)(off + got));

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0)
			break;
		got += (size_t)r;
	}
	return (ssize_t)got;
}

/*
 * A window of the file read ahead in one call: a segment of small frames
 * (one record each, from dm_logger_log) was two preads a record before.
 */
#define SCAN_CHUNK (1u << 20)

typedef struct scan_buf {
	int fd;
	uint8_t *buf;
	size_t cap;
	uint64_t size; /* the file's size when the scan began */
	uint64_t off;  /* the file offset of buf[0] */
	size_t len;    /* bytes of the file in buf */
} scan_buf;

/*
 * Points *p at the n bytes of the file at off, reading from off onwards
 * if they are not all in the window: 1 done, 0 fewer than n bytes left in
 * the file, -1 a read error or no memory (errno set).
 */
static int scan_get(scan_buf *sb, uint64_t off, size_t n, const uint8_t **p)
{
	size_t want = n > SCAN_CHUNK ? n : SCAN_CHUNK;
	ssize_t r;

	if (off < sb->size && want > sb->size - off)
		want = n > sb->size - off ? n : (size_t)(sb->size - off);
	if (off >= sb->off && off - sb->off + n <= sb->len) {
		*p = sb->buf + (off - sb->off);
		return 1;
	}
	if (want > sb->cap) {
		uint8_t *nb = realloc(sb->buf, want);

		if (!nb) {
			errno = ENOMEM;
			return -1;
		}
		sb->buf = nb;
		sb->cap = want;
	}
	r = read_at(sb->fd, sb->buf, want, off);
	sb->off = off;
	sb->len = r < 0 ? 0 : (size_t)r;
	if (r < 0)
		return -1;
	if ((size_t)r < n)
		return 0;
	*p = sb->buf;
	return 1;
}

int wal_scan_fd(int fd, wal_frame_cb cb, void *ctx, wal_scan *res)
{
	scan_buf sb = {.fd = fd};
	const uint8_t *magic, *hdr, *buf;
	uint64_t off;
	off_t size;
	int r, rc = 0;

	memset(res, 0, sizeof(*res));
	size = lseek(fd, 0, SEEK_END);
	if (size < 0)
		return -1;
	res->file_size = (uint64_t)size;
	sb.size = (uint64_t)size;
	r = scan_get(&sb, 0, WAL_MAGIC_LEN, &magic);
	if (r < 0) {
		free(sb.buf);
		return -1;
	}
	if (r == 0 || memcmp(magic, WAL_MAGIC, WAL_MAGIC_LEN) != 0) {
		res->bad_magic = 1;
		free(sb.buf);
		return 0;
	}
	off = WAL_MAGIC_LEN;
	res->valid_end = off;
	for (;;) {
		uint32_t len, crc;

		r = scan_get(&sb, off, WAL_FRAME_HDR, &hdr);
		if (r < 0) {
			rc = -1;
			break;
		}
		if (r == 0)
			break; /* end, or a torn frame header */
		len = get_u32(hdr);
		crc = get_u32(hdr + 4);
		if (len == 0 || len > WAL_MAX_FRAME ||
		    len > res->file_size - off - WAL_FRAME_HDR)
			break;
		r = scan_get(&sb, off + WAL_FRAME_HDR, len, &buf);
		if (r < 0) {
			rc = -1;
			break;
		}
		if (r == 0 || lg_crc32c(0, buf, len) != crc)
			break;
		if (res->nframes == 0) {
			/* the first frame must be the segment header */
			if (wal_header_decode(buf, len, &res->id) < 0)
				break;
			res->has_header = 1;
		} else if (buf[0] != WAL_REC_BATCH) {
			break;
		} else if (cb && (rc = cb(ctx, buf, len)) != 0) {
			break;
		}
		res->nframes++;
		off += WAL_FRAME_HDR + len;
		res->valid_end = off;
	}
	free(sb.buf);
	return rc;
}
