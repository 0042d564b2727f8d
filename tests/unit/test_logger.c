/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of the inference logger (src/logger).
 *
 *  - CRC32C against the RFC 3720 vectors, in pieces at every alignment.
 *  - WAL framing: round trip; a torn tail cut at every byte of the last
 *    frame; a flipped byte anywhere; zero-filled tails; bad headers.
 *  - Batch encoding: round trip of every value kind; each validation
 *    error names the record and the field; type and role conflicts.
 *  - JSON records: values against jansson (the independent parser) on
 *    valid input, rejection of invalid JSON jansson also rejects, error
 *    messages, numbers against strtod, ISO-8601 times.
 *  - The logger end to end through a local store: records in = rows out,
 *    per hour partition; schema learned and kept across restarts;
 *    declared schema; the folder lock; the WAL cap while storage is
 *    down, then recovery; concurrent writers with group commit.
 *  - Replay idempotence: a child process is killed (the test hook
 *    _exit()s it) after uploading some or all files of a segment, after
 *    the manifest, or before; the next open must end with every record
 *    exactly once.
 *  - Allocation failures in the encoder and the JSON parser (builds
 *    without ASan): every Nth allocation fails, cleanly.
 */
#include "dmtest.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <jansson.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "driftmon/hourprof.h"
#include "driftmon/logger.h"
#include "driftmon/parquet.h"
#include "logger/logger_int.h"
#include "profile/profile_int.h"

/* ---- allocation failures --------------------------------------------- */
#include "dmtest_alloc.h"

/* ---- helpers ---------------------------------------------------------- */
static char tmproot[256];

static int rm_cb(const char *p, const struct stat *sb, int flag,
		 struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(p);
}

static void rmtree(const char *p)
{
	nftw(p, rm_cb, 16, FTW_DEPTH | FTW_PHYS);
}

static const char *mktmp(const char *name)
{
	static char buf[512];

	snprintf(tmproot, sizeof(tmproot), "/tmp/dm-test-logger-%ld",
		 (long)getpid());
	mkdir(tmproot, 0755);
	snprintf(buf, sizeof(buf), "%s/%s", tmproot, name);
	rmtree(buf);
	mkdir(buf, 0755);
	return buf;
}

static void write_file(const char *path, const void *p, size_t n)
{
	FILE *fp = fopen(path, "wb");

	assert_non_null(fp);
	assert_int_equal(fwrite(p, 1, n, fp), n);
	fclose(fp);
}

/* ---- CRC32C ------------------------------------------------------------- */
static void crc32c_vectors(void **state)
{
	uint8_t buf[64];
	const char *s = "123456789";
	int i;

	(void)state;
	assert_int_equal(lg_crc32c(0, s, 9), 0xE3069283u);
	memset(buf, 0, 32);
	assert_int_equal(lg_crc32c(0, buf, 32), 0x8A9136AAu);
	memset(buf, 0xff, 32);
	assert_int_equal(lg_crc32c(0, buf, 32), 0x62A8AB43u);
	for (i = 0; i < 32; i++)
		buf[i] = (uint8_t)i;
	assert_int_equal(lg_crc32c(0, buf, 32), 0x46DD794Eu);
	for (i = 0; i < 32; i++)
		buf[i] = (uint8_t)(31 - i);
	assert_int_equal(lg_crc32c(0, buf, 32), 0x113FDB5Cu);
	assert_int_equal(lg_crc32c(0, buf, 0), 0u);
}

static void crc32c_pieces(void **state)
{
	uint8_t buf[300];
	size_t off, cut;

	(void)state;
	for (off = 0; off < sizeof(buf); off++)
		buf[off] = (uint8_t)(off * 7 + 3);
	/* every start alignment, every split point */
	for (off = 0; off < 9; off++) {
		uint32_t whole = lg_crc32c(0, buf + off, 200);

		for (cut = 0; cut <= 200; cut += 7)
			assert_int_equal(lg_crc32c(lg_crc32c(0, buf + off, cut),
						   buf + off + cut, 200 - cut),
					 whole);
	}
}

static void varints(void **state)
{
	static const uint64_t v[] = {0,	    1,	   127,	       128,	  300,
				     16383, 16384, UINT32_MAX, UINT64_MAX};
	bbuf b;
	const uint8_t *p, *end;
	uint64_t x;
	size_t i;
	uint8_t bad[11];

	(void)state;
	bb_init(&b, 0);
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		bb_uvarint(&b, v[i]);
	p = b.p;
	end = b.p + b.len;
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		assert_int_equal(bb_get_uvarint(&p, end, &x), 0);
		assert_true(x == v[i]);
	}
	assert_true(p == end);
	assert_int_equal(bb_get_uvarint(&p, end, &x), BB_VARINT_TRUNCATED);
	memset(bad, 0xff, sizeof(bad)); /* past 64 bits */
	p = bad;
	assert_int_equal(bb_get_uvarint(&p, bad + sizeof(bad), &x),
			 BB_VARINT_OVERFLOW);
	p = bad; /* truncated */
	assert_int_equal(bb_get_uvarint(&p, bad + 3, &x), BB_VARINT_TRUNCATED);
	bb_release(&b);
}

/* ---- WAL framing ----------------------------------------------------------
 */
/* Builds a segment: magic, header frame, nframes batch-like frames of
 * different sizes.  Returns the buffer; ends[k] is the end offset of
 * frame k (k = 0 the header). */
static size_t small_frame(size_t k)
{
	return 1 + k * 13 % 97;
}

static uint8_t *make_segment_of(size_t nframes, size_t *len, size_t *ends,
				size_t (*frame_len)(size_t k))
{
	bbuf b;
	wal_segid id;
	size_t k, start;

	memset(&id, 0, sizeof(id));
	snprintf(id.host, sizeof(id.host), "testhost");
	id.pid = 42;
	snprintf(id.nonce, sizeof(id.nonce), "abcd0123");
	id.seq = 7;
	id.created_us = 1700000000000000;
	bb_init(&b, 0);
	bb_put(&b, WAL_MAGIC, WAL_MAGIC_LEN);
	for (k = 0; k <= nframes; k++) {
		start = b.len;
		bb_reserve(&b, WAL_FRAME_HDR);
		b.len += WAL_FRAME_HDR;
		if (k == 0) {
			wal_header_encode(&b, &id);
		} else {
			size_t n = frame_len(k), i;

			bb_u8(&b, WAL_REC_BATCH);
			for (i = 0; i < n; i++)
				bb_u8(&b, (uint8_t)(k + i));
		}
		wal_frame_header(b.p + start, b.p + start + WAL_FRAME_HDR,
				 (uint32_t)(b.len - start - WAL_FRAME_HDR));
		ends[k] = b.len;
	}
	assert_false(b.err);
	*len = b.len;
	return b.p;
}

static uint8_t *make_segment(size_t nframes, size_t *len, size_t *ends)
{
	return make_segment_of(nframes, len, ends, small_frame);
}

struct frames_seen {
	size_t n;
	uint32_t crc; /* of all payloads in order */
};

static int count_frame(void *ctx, const uint8_t *p, uint32_t len)
{
	struct frames_seen *f = ctx;

	f->n++;
	f->crc = lg_crc32c(f->crc, p, len);
	return 0;
}

static int scan_buf(const uint8_t *buf, size_t len, wal_scan *sc,
		    struct frames_seen *fs)
{
	char path[600];
	int fd, rc;

	snprintf(path, sizeof(path), "%s/seg.wal", mktmp("scan"));
	write_file(path, buf, len);
	fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	memset(fs, 0, sizeof(*fs));
	rc = wal_scan_fd(fd, count_frame, fs, sc);
	close(fd);
	return rc;
}

static void wal_roundtrip(void **state)
{
	size_t len, ends[21];
	uint8_t *seg = make_segment(20, &len, ends);
	wal_scan sc;
	struct frames_seen fs;

	(void)state;
	assert_int_equal(scan_buf(seg, len, &sc, &fs), 0);
	assert_false(sc.bad_magic);
	assert_true(sc.has_header);
	assert_int_equal(sc.nframes, 21);
	assert_int_equal(fs.n, 20);
	assert_int_equal(sc.valid_end, len);
	assert_int_equal(sc.file_size, len);
	assert_string_equal(sc.id.host, "testhost");
	assert_int_equal(sc.id.pid, 42);
	assert_string_equal(sc.id.nonce, "abcd0123");
	assert_int_equal(sc.id.seq, 7);
	assert_true(sc.id.created_us == 1700000000000000);
	free(seg);
}

/* Cutting the file anywhere leaves exactly the frames that end before
 * the cut. */
static void wal_torn_tail_every_byte(void **state)
{
	size_t len, ends[6], cut, k;
	uint8_t *seg = make_segment(5, &len, ends);
	wal_scan sc;
	struct frames_seen fs;

	(void)state;
	for (cut = 0; cut <= len; cut++) {
		size_t want = 0, wantend = WAL_MAGIC_LEN;

		assert_int_equal(scan_buf(seg, cut, &sc, &fs), 0);
		if (cut < WAL_MAGIC_LEN) {
			assert_true(sc.bad_magic);
			continue;
		}
		for (k = 0; k <= 5; k++)
			if (ends[k] <= cut) {
				want = k + 1;
				wantend = ends[k];
			}
		assert_int_equal(sc.nframes, want);
		assert_int_equal(sc.valid_end, wantend);
		assert_int_equal(fs.n, want ? want - 1 : 0);
	}
	free(seg);
}

/* Frames of up to 60 KB and one of 1.5 MiB: the scan reads the file a
 * window at a time (1 MiB), so frames straddle its edges. */
static size_t big_frame(size_t k)
{
	return k == 40 ? (size_t)3 << 19 : 1 + k * 7919 % 60000;
}

static void wal_big_segment(void **state)
{
	size_t len, ends[81], k, cuts[6];
	uint8_t *seg = make_segment_of(80, &len, ends, big_frame);
	wal_scan sc;
	struct frames_seen fs;
	uint32_t crc = 0;

	(void)state;
	assert_true(len > (size_t)3 << 20);
	for (k = 1; k <= 80; k++)
		crc = lg_crc32c(crc, seg + ends[k - 1] + WAL_FRAME_HDR,
				ends[k] - ends[k - 1] - WAL_FRAME_HDR);
	assert_int_equal(scan_buf(seg, len, &sc, &fs), 0);
	assert_int_equal(sc.nframes, 81);
	assert_int_equal(fs.n, 80);
	assert_int_equal(fs.crc, crc);
	assert_int_equal(sc.valid_end, len);
	/* cut inside the big frame, at its end, and around 1 and 2 MiB */
	cuts[0] = ends[40] - 1;
	cuts[1] = ends[40];
	cuts[2] = (size_t)1 << 20;
	cuts[3] = ((size_t)1 << 20) + 1;
	cuts[4] = ((size_t)2 << 20) - 3;
	cuts[5] = len - 1;
	for (size_t c = 0; c < 6; c++) {
		size_t want = 0;

		for (k = 0; k <= 80; k++)
			if (ends[k] <= cuts[c])
				want = k + 1;
		assert_int_equal(scan_buf(seg, cuts[c], &sc, &fs), 0);
		assert_int_equal(sc.nframes, want);
		assert_int_equal(sc.valid_end, ends[want - 1]);
	}
	free(seg);
}

/* A flipped byte (or a zero-filled tail) ends the segment at the frame
 * it damages. */
static void wal_corruption(void **state)
{
	size_t len, ends[6], i, k;
	uint8_t *seg = make_segment(5, &len, ends), *big;
	wal_scan sc;
	struct frames_seen fs;

	(void)state;
	for (i = WAL_MAGIC_LEN; i < len; i++) {
		size_t frame = 0, want_end = WAL_MAGIC_LEN;

		seg[i] ^= 0x5a;
		for (k = 0; k <= 5; k++)
			if (i < ends[k]) {
				frame = k;
				break;
			}
		if (frame > 0)
			want_end = ends[frame - 1];
		assert_int_equal(scan_buf(seg, len, &sc, &fs), 0);
		assert_int_equal(sc.valid_end, want_end);
		assert_int_equal(sc.nframes, frame);
		seg[i] ^= 0x5a;
	}
	/* zeros after the last frame (a filesystem's preallocation) */
	big = calloc(len + 4096, 1);
	assert_non_null(big);
	memcpy(big, seg, len);
	assert_int_equal(scan_buf(big, len + 4096, &sc, &fs), 0);
	assert_int_equal(sc.valid_end, len);
	assert_int_equal(sc.nframes, 6);
	/* not a segment */
	memcpy(big, "PAR1xxxx", 8);
	assert_int_equal(scan_buf(big, len, &sc, &fs), 0);
	assert_true(sc.bad_magic);
	free(big);
	free(seg);
}

static void wal_header_rejects(void **state)
{
	wal_segid id;
	const char *bad[] = {"",
			     "\x01",
			     "\x01h\n1\nn\n1\n",
			     "\x01h/x\n1\nn\n1\n1\n",
			     "\x01h\n-1\nn\n1\n1\n",
			     "\x01h\n1\nn\n1\n1\nextra"};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(wal_header_decode((const uint8_t *)bad[i],
						   strlen(bad[i]), &id),
				 -1);
	assert_int_equal(
		wal_header_decode((const uint8_t *)"\x01h\n1\nn\n2\n3\n", 11,
				  &id),
		0);
	assert_int_equal(id.seq, 2);
}

/* ---- batch encoding -------------------------------------------------------
 */
static const lg_limits lim = {1000, 65536};

static void enc_roundtrip(void **state)
{
	dm_log_value f1[] = {dm_log_num("x", 1.5),
			     dm_log_str("cat", "a\xc3\xa9"),
			     dm_log_null("gone"), dm_log_num("nan", NAN)};
	dm_log_value p1[] = {dm_log_num("prediction", 0.25)};
	dm_log_value f2[] = {dm_log_num("x", -2), dm_log_str("cat", ""),
			     dm_log_num("new", 1e300)};
	dm_log_value p2[] = {dm_log_str("label", "spam")};
	dm_log_record r[3];
	lg_enc e;
	lg_dec d;
	lg_drec dr;
	dm_diag diag;

	(void)state;
	memset(r, 0, sizeof(r));
	r[0] = (dm_log_record){
		1766595780000001, "m", "v1", "req-1", f1, 4, p1, 1};
	r[1] = (dm_log_record){0, "m", "v1", NULL, f2, 3, p2, 1};
	r[2] = (dm_log_record){5, "other", "v2", "", NULL, 0, NULL, 0};
	lg_enc_init(&e);
	assert_int_equal(lg_enc_batch(&e, r, 3, 777, &lim, 1, &diag), DM_OK);
	assert_int_equal(e.nmv, 2);
	assert_int_equal(e.nnames, 7);
	/* the frame header is right */
	{
		uint32_t len, crc;

		memcpy(&len, e.frame.p, 4);
		memcpy(&crc, e.frame.p + 4, 4);
		assert_int_equal(len, e.frame.len - 8);
		assert_int_equal(crc, lg_crc32c(0, e.frame.p + 8, len));
	}
	memset(&d, 0, sizeof(d));
	assert_int_equal(lg_dec_open(&d, e.frame.p + 8, e.frame.len - 8), 0);
	assert_int_equal(d.nrec, 3);
	assert_int_equal(lg_dec_next(&d, &dr), 1);
	assert_true(dr.ts_us == 1766595780000001);
	assert_int_equal(dr.rid_len, 5);
	assert_memory_equal(dr.rid, "req-1", 5);
	assert_int_equal(dr.nfields, 5);
	assert_int_equal(dr.fields[0].type, DM_LOG_NUMBER);
	assert_true(dr.fields[0].num == 1.5);
	assert_int_equal(dr.fields[1].type, DM_LOG_STRING);
	assert_int_equal(dr.fields[1].len, 3);
	assert_memory_equal(dr.fields[1].str, "a\xc3\xa9", 3);
	assert_int_equal(dr.fields[2].type, DM_LOG_NULL);
	assert_true(isnan(dr.fields[3].num));
	assert_int_equal(dr.fields[4].prediction, 1);
	assert_memory_equal(d.name[dr.fields[4].name], "prediction", 10);
	assert_int_equal(lg_dec_next(&d, &dr), 1);
	assert_true(dr.ts_us == 777); /* 0 = now */
	assert_null(dr.rid);
	assert_int_equal(dr.fields[1].len, 0);
	assert_true(dr.fields[2].num == 1e300);
	assert_int_equal(dr.fields[3].prediction, 1);
	assert_int_equal(lg_dec_next(&d, &dr), 1);
	assert_int_equal(dr.mv, 1);
	assert_non_null(dr.rid);
	assert_int_equal(dr.rid_len, 0);
	assert_int_equal(dr.nfields, 0);
	assert_int_equal(lg_dec_next(&d, &dr), 0);
	/* every truncation of the payload is malformed, never a crash */
	for (size_t cut = 0; cut < e.frame.len - 8; cut++) {
		int rc = lg_dec_open(&d, e.frame.p + 8, cut);

		if (rc == 0)
			while ((rc = lg_dec_next(&d, &dr)) == 1)
				;
		assert_int_equal(rc, -1);
	}
	lg_dec_release(&d);
	lg_enc_release(&e);
}

/* Encodes recs and expects err with msg containing want. */
static void enc_expect(const dm_log_record *recs, size_t n, dm_err err,
		       const char *want, uint64_t row, const char *col)
{
	lg_enc e;
	dm_diag diag;
	dm_err got;

	lg_enc_init(&e);
	dm_diag_clear(&diag);
	got = lg_enc_batch(&e, recs, n, 1, &lim, 1, &diag);
	if (got != err || !strstr(diag.msg, want))
		fail_msg("got %s '%s', expected %s '%s'", dm_strerror(got),
			 diag.msg, dm_strerror(err), want);
	assert_int_equal(diag.row, row);
	if (col)
		assert_string_equal(diag.column, col);
	lg_enc_release(&e);
}

static void enc_errors(void **state)
{
	dm_log_value ok[] = {dm_log_num("a", 1)};
	dm_log_value dup[] = {dm_log_num("a", 1), dm_log_num("a", 2)};
	dm_log_value res[] = {dm_log_num("timestamp", 1)};
	dm_log_value str[] = {dm_log_str("a", "x")};
	dm_log_value badutf[] = {dm_log_str("s", "\xff\xfe")};
	dm_log_value noname[] = {dm_log_num(NULL, 1)};
	dm_log_value ctl[] = {dm_log_num("a\tb", 1)};
	dm_log_value pa[] = {dm_log_num("a", 1)};
	dm_log_record r[3];

	(void)state;
	memset(r, 0, sizeof(r));
	r[0] = (dm_log_record){0, "m", "v", NULL, ok, 1, NULL, 0};
	r[1] = (dm_log_record){0, NULL, "v", NULL, ok, 1, NULL, 0};
	enc_expect(r, 2, DM_EINVAL, "record 2: field 'model_name': is missing",
		   2, "model_name");
	r[1] = (dm_log_record){0, "m", "", NULL, ok, 1, NULL, 0};
	enc_expect(r, 2, DM_EINVAL, "field 'model_version': is missing", 2,
		   "model_version");
	r[1] = (dm_log_record){0, "a/b", "v", NULL, ok, 1, NULL, 0};
	enc_expect(r, 2, DM_EINVAL,
		   "record 2: field 'model_name': model name 'a/b': contains a "
		   "path separator ('/')",
		   2, "model_name");
	r[1] = (dm_log_record){0, "m", "v", NULL, dup, 2, NULL, 0};
	enc_expect(r, 2, DM_EINVAL, "record 2: field 'a': appears twice", 2,
		   "a");
	r[1] = (dm_log_record){0, "m", "v", NULL, ok, 1, pa, 1};
	enc_expect(r, 2, DM_EINVAL, "field 'a': appears twice", 2, "a");
	r[1] = (dm_log_record){0, "m", "v", NULL, res, 1, NULL, 0};
	enc_expect(r, 2, DM_EINVAL, "'timestamp': is a metadata column", 2,
		   "timestamp");
	r[1] = (dm_log_record){0, "m", "v", NULL, str, 1, NULL, 0};
	enc_expect(r, 2, DM_ESCHEMA,
		   "record 2: column 'a': type conflict: got a string, but "
		   "record 1 of this batch gives a number",
		   2, "a");
	r[1] = (dm_log_record){0, "m", "v", NULL, NULL, 0, pa, 1};
	enc_expect(r, 2, DM_ESCHEMA, "is a prediction here but a feature", 2,
		   "a");
	r[1] = (dm_log_record){-5, "m", "v", NULL, ok, 1, NULL, 0};
	enc_expect(r, 2, DM_EINVAL, "field 'timestamp': -5 microseconds", 2,
		   "timestamp");
	r[1] = (dm_log_record){
		DM_LOG_TS_MAX_US, "m", "v", NULL, ok, 1, NULL, 0};
	enc_expect(r, 2, DM_EINVAL, "out of range", 2, "timestamp");
	r[1] = (dm_log_record){0, "m", "v", NULL, badutf, 1, NULL, 0};
	enc_expect(r, 2, DM_EINVAL, "field 's': string is not valid UTF-8", 2,
		   "s");
	r[1] = (dm_log_record){0, "m", "v", "\xc3", ok, 1, NULL, 0};
	enc_expect(r, 2, DM_EINVAL, "'request_id': not valid UTF-8", 2,
		   "request_id");
	r[1] = (dm_log_record){0, "m", "v", NULL, noname, 1, NULL, 0};
	enc_expect(r, 2, DM_EINVAL, "feature 1 has no name", 2, NULL);
	r[1] = (dm_log_record){0, "m", "v", NULL, ctl, 1, NULL, 0};
	enc_expect(r, 2, DM_EINVAL, "control character", 2, NULL);
	enc_expect(r, 0, DM_EINVAL, "no records", 0, NULL);
	/* a different model may use another type for the same name */
	r[1] = (dm_log_record){0, "m2", "v", NULL, str, 1, NULL, 0};
	enc_expect(r, 2, DM_OK, "", 0, NULL);
	/* limits */
	{
		dm_log_value many[1001];
		char names[1001][8];
		char *big = malloc(70000);
		dm_log_value bigv[1];
		size_t i;

		for (i = 0; i < 1001; i++) {
			snprintf(names[i], sizeof(names[i]), "c%zu", i);
			many[i] = dm_log_num(names[i], 1);
		}
		r[1] = (dm_log_record){0, "m", "v", NULL, many, 1001, NULL, 0};
		enc_expect(r, 2, DM_ETOOBIG, "1001 columns", 2, NULL);
		assert_non_null(big);
		memset(big, 'x', 69999);
		big[69999] = '\0';
		bigv[0] = dm_log_str("s", big);
		r[1] = (dm_log_record){0, "m", "v", NULL, bigv, 1, NULL, 0};
		enc_expect(r, 2, DM_ETOOBIG, "string of 69999 bytes", 2, "s");
		free(big);
	}
}

/* ---- JSON records ----------------------------------------------------------
 */
static dm_err parse(const char *txt, dm_log_parsed *p, dm_diag *diag)
{
	static char buf[1 << 16];
	size_t n = strlen(txt);

	assert_true(n < sizeof(buf));
	memcpy(buf, txt, n);
	dm_diag_clear(diag);
	return dm_log_parse_json(buf, n, 0, p, diag);
}

static void json_records(void **state)
{
	dm_log_parsed p;
	dm_diag diag;
	const dm_log_record *r;

	(void)state;
	assert_int_equal(
		parse("[{\"timestamp\":\"2025-12-24T17:03:00.5Z\","
		      "\"model_name\":\"spam\",\"model_version\":\"v1\","
		      "\"request_id\":\"r\\u00e9\\\"1\",\"features\":{\"a\":1,"
		      "\"b\":\"x\\ny\",\"c\":null,\"d\":true,\"e\":false,"
		      "\"f\":-0.5e-3},\"prediction\":0.9,\"predictions\":{"
		      "\"label\":\"spam\"}} , {\"model_name\":\"m\","
		      "\"model_version\":\"v\",\"timestamp\":1766595780.25}]",
		      &p, &diag),
		DM_OK);
	assert_int_equal(p.nrecords, 2);
	r = &p.records[0];
	assert_true(r->timestamp_us == 1766595780500000);
	assert_string_equal(r->model_name, "spam");
	assert_string_equal(r->request_id, "r\xc3\xa9\"1");
	assert_int_equal(r->nfeatures, 6);
	assert_string_equal(r->features[1].name, "b");
	assert_int_equal(r->features[1].type, DM_LOG_STRING);
	assert_int_equal(r->features[1].str_len, 3);
	assert_memory_equal(r->features[1].str, "x\ny", 3);
	assert_int_equal(r->features[2].type, DM_LOG_NULL);
	assert_true(r->features[3].num == 1 && r->features[4].num == 0);
	assert_int_equal(r->features[3].type, DM_LOG_BOOL);
	assert_int_equal(r->features[4].type, DM_LOG_BOOL);
	assert_int_equal(r->features[0].type, DM_LOG_NUMBER);
	assert_true(r->features[5].num == -0.5e-3);
	assert_int_equal(r->npredictions, 2);
	assert_string_equal(r->predictions[0].name, "prediction");
	assert_string_equal(r->predictions[1].name, "label");
	r = &p.records[1];
	assert_true(r->timestamp_us == 1766595780250000);
	assert_int_equal(r->nfeatures, 0);
	assert_null(r->features);
	dm_log_parsed_release(&p);

	/* NDJSON, blank lines, CRLF */
	assert_int_equal(
		parse("{\"model_name\":\"m\",\"model_version\":\"v\"}\r\n"
		      "\n  \n{\"model_name\":\"m\",\"model_version\":"
		      "\"v\",\"timestamp\":null}\n",
		      &p, &diag),
		DM_OK);
	assert_int_equal(p.nrecords, 2);
	assert_true(p.records[1].timestamp_us == 0);
	dm_log_parsed_release(&p);
}

struct json_case {
	const char *body;
	dm_err err;
	const char *msg;
	uint64_t row;
	const char *field;
};

static void json_errors(void **state)
{
	static const struct json_case cases[] = {
		{"", DM_EFORMAT, "empty body", 0, ""},
		{"[]", DM_EFORMAT, "no records", 0, ""},
		{"[{\"model_name\":\"m\",\"model_version\":\"v\"},{\"model_"
		 "name\""
		 ":\"m\",\"model_version\":\"v\",\"features\":{\"a\":[1]}}]",
		 DM_EFORMAT,
		 "record 2: field 'features.a': expected a number, string, "
		 "boolean or null, got an array",
		 2, "features.a"},
		{"{\"model_name\":\"m\",\"model_version\":\"v\",\"featurs\":{}"
		 "}",
		 DM_EFORMAT, "record 1: field 'featurs': unknown field", 1,
		 "featurs"},
		{"{\"model_name\":\"m\"}", DM_EFORMAT,
		 "field 'model_version': is missing", 1, "model_version"},
		{"{\"model_name\":1,\"model_version\":\"v\"}", DM_EFORMAT,
		 "field 'model_name': expected a string, got a number", 1,
		 "model_name"},
		{"{\"model_name\":\"m\",\"model_name\":\"m\"}", DM_EFORMAT,
		 "appears twice", 1, "model_name"},
		{"{\"model_name\":\"m\",\"model_version\":\"v\",\"timestamp\":"
		 "\"yesterday\"}",
		 DM_EFORMAT, "'yesterday' is not an ISO-8601", 1, "timestamp"},
		{"{\"model_name\":\"m\",\"model_version\":\"v\",\"timestamp\":"
		 "1766595780000}",
		 DM_EFORMAT, "milliseconds?", 1, "timestamp"},
		{"{\"model_name\":\"m\",\"model_version\":\"v\",\"features\":"
		 "[1]}",
		 DM_EFORMAT,
		 "field 'features': expected an object, got an array", 1,
		 "features"},
		{"{\"model_name\":\"m\",\"model_version\":\"v\"}\n{\"model_"
		 "name\":"
		 "\"m\",",
		 DM_EFORMAT, "record 2 (line 2, column 19): invalid JSON", 2,
		 ""},
		{"{\"model_name\":\"m\",\"model_version\":\"v\"} {}",
		 DM_EFORMAT, "expected a newline after a record", 0, ""},
		{"[{\"model_name\":\"m\",\"model_version\":\"v\"},]",
		 DM_EFORMAT,
		 "record 2 (line 1, column 41): invalid JSON: expected a "
		 "record",
		 2, ""},
		{"[1]", DM_EFORMAT,
		 "record 1: expected an object, got a number", 1, ""},
		{"[{\"model_name\":\"m\",\"model_version\":\"v\"}] x",
		 DM_EFORMAT, "unexpected data after the array", 0, ""},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		dm_log_parsed p;
		dm_diag diag;
		dm_err err = parse(cases[i].body, &p, &diag);

		if (err != cases[i].err || !strstr(diag.msg, cases[i].msg))
			fail_msg("case %zu: got %s '%s', expected '%s'", i,
				 dm_strerror(err), diag.msg, cases[i].msg);
		assert_int_equal(diag.row, cases[i].row);
		assert_string_equal(diag.column, cases[i].field);
		dm_log_parsed_release(&p);
	}
	/* the record limit */
	{
		char body[] =
			"{\"model_name\":\"m\",\"model_version\":\"v\"}\n"
			"{\"model_name\":\"m\",\"model_version\":\"v\"}\n";
		dm_log_parsed p;
		dm_diag diag;

		assert_int_equal(
			dm_log_parse_json(body, strlen(body), 1, &p, &diag),
			DM_ETOOBIG);
		assert_non_null(strstr(diag.msg, "more than 1 records"));
		dm_log_parsed_release(&p);
	}
}

/* Scalars that must parse exactly as jansson parses them, and JSON both
 * must reject.  Each is placed as the value of a feature. */
static void json_vs_jansson(void **state)
{
	static const char *valid[] = {"0",
				      "-0",
				      "1",
				      "-1",
				      "1.5",
				      "1e3",
				      "1E+3",
				      "1e-3",
				      "123456789012345678901234",
				      "0.1",
				      "0.30000000000000004",
				      "1.7976931348623157e308",
				      "4.9e-324",
				      "2.2250738585072014e-308",
				      "1e-400",
				      "9007199254740993",
				      "0.000001234",
				      "\"\"",
				      "\"\\u00e9\"",
				      "\"\\ud83d\\ude00\"",
				      "\"\\/\\b\\f\\n\\r\\t\"",
				      "\"caf\xc3\xa9\"",
				      "true",
				      "false",
				      "null",
				      "123.456e-2",
				      "-12345678901234567890.5"};
	static const char *invalid[] = {
		"01",	     "1.",	  ".5",		 "+1",
		"NaN",	     "Infinity",  "-",		 "1e",
		"1e+",	     "0x10",	  "'a'",	 "\"a",
		"\"\\x\"",   "\"\\u12\"", "\"\\ud800\"", "\"\\udc00\"",
		"\"a\x01\"", "\"\xff\"",  "\"\xc3\"",	 "tru",
		"nul",	     "1 2",	  "--1",	 "1e400"};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(valid) / sizeof(valid[0]); i++) {
		char body[512], jbody[512];
		dm_log_parsed p;
		dm_diag diag;
		json_error_t je;
		json_t *j, *v;
		const dm_log_value *lv;

		snprintf(body, sizeof(body),
			 "{\"model_name\":\"m\",\"model_version\":\"v\","
			 "\"features\":{\"x\":%s}}",
			 valid[i]);
		snprintf(jbody, sizeof(jbody), "%s", body);
		j = json_loads(jbody, JSON_DECODE_INT_AS_REAL, &je);
		assert_non_null(j);
		v = json_object_get(json_object_get(j, "features"), "x");
		if (parse(body, &p, &diag) != DM_OK)
			fail_msg("'%s' rejected: %s", valid[i], diag.msg);
		lv = &p.records[0].features[0];
		if (json_is_string(v)) {
			assert_int_equal(lv->type, DM_LOG_STRING);
			assert_int_equal(lv->str_len, json_string_length(v));
			assert_memory_equal(lv->str, json_string_value(v),
					    lv->str_len);
		} else if (json_is_null(v)) {
			assert_int_equal(lv->type, DM_LOG_NULL);
		} else if (json_is_boolean(v)) {
			assert_true(lv->num == (json_is_true(v) ? 1 : 0));
		} else {
			double want = strtod(valid[i], NULL);

			assert_int_equal(lv->type, DM_LOG_NUMBER);
			if (memcmp(&lv->num, &want, 8) != 0)
				fail_msg("'%s': %.17g, strtod %.17g", valid[i],
					 lv->num, want);
			assert_true(json_number_value(v) == want);
		}
		json_decref(j);
		dm_log_parsed_release(&p);
	}
	for (i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++) {
		char body[512];
		dm_log_parsed p;
		dm_diag diag;
		json_error_t je;
		json_t *j;

		snprintf(body, sizeof(body),
			 "{\"model_name\":\"m\",\"model_version\":\"v\","
			 "\"features\":{\"x\":%s}}",
			 invalid[i]);
		j = json_loads(body, 0, &je);
		assert_null(j);
		json_decref(j);
		if (parse(body, &p, &diag) != DM_EFORMAT)
			fail_msg("'%s' accepted", invalid[i]);
		assert_non_null(strstr(diag.msg, "invalid JSON"));
		dm_log_parsed_release(&p);
	}
}

/* Random decimal numbers: the fast path and the fallback agree with
 * strtod bit for bit. */
static void json_numbers_random(void **state)
{
	uint64_t s = 0x9E3779B97F4A7C15ull;
	int i;

	(void)state;
	for (i = 0; i < 20000; i++) {
		char num[64], body[200];
		dm_log_parsed p;
		dm_diag diag;
		double want;
		int digits, frac, e;

		s ^= s << 13;
		s ^= s >> 7;
		s ^= s << 17;
		digits = (int)(s % 19) + 1;
		frac = (int)((s >> 8) % (unsigned)(digits + 1));
		e = (int)((s >> 16) % 61) - 30;
		snprintf(num, sizeof(num), "%s%.*llu", (s >> 40) & 1 ? "-" : "",
			 digits,
			 (unsigned long long)((s >> 3) %
					      10000000000000000000ull));
		if (frac > 0 && frac < (int)strlen(num)) {
			size_t l = strlen(num);

			memmove(num + l - (size_t)frac + 1,
				num + l - (size_t)frac, (size_t)frac + 1);
			num[l - (size_t)frac] = '.';
			if (num[0] == '.' || (num[0] == '-' && num[1] == '.'))
				continue;
		}
		if ((num[0] == '0' && num[1] >= '0' && num[1] <= '9') ||
		    (num[0] == '-' && num[1] == '0' && num[2] >= '0' &&
		     num[2] <= '9'))
			continue; /* leading zero: not JSON */
		if ((s >> 50) & 1)
			snprintf(num + strlen(num), 16, "e%d", e);
		snprintf(body, sizeof(body),
			 "{\"model_name\":\"m\",\"model_version\":\"v\","
			 "\"features\":{\"x\":%s}}",
			 num);
		want = strtod(num, NULL);
		if (parse(body, &p, &diag) != DM_OK)
			fail_msg("'%s' rejected: %s", num, diag.msg);
		if (memcmp(&p.records[0].features[0].num, &want, 8) != 0)
			fail_msg("'%s': %.17g, strtod %.17g", num,
				 p.records[0].features[0].num, want);
		dm_log_parsed_release(&p);
	}
}

static void iso_times(void **state)
{
	int64_t us;

	(void)state;
	assert_int_equal(dm_log_parse_time("1970-01-01T00:00:00Z", 20, &us), 0);
	assert_true(us == 0);
	assert_int_equal(dm_log_parse_time("2025-12-24T17:03:00Z", 20, &us), 0);
	assert_true(us == INT64_C(1766595780000000));
	assert_int_equal(
		dm_log_parse_time("2025-12-24 18:03:00.123456789+01:00", 35,
				  &us),
		0);
	assert_true(us == INT64_C(1766595780123456));
	assert_int_equal(dm_log_parse_time("2025-12-24T17:03", 16, &us), 0);
	assert_true(us == INT64_C(1766595780000000));
	assert_int_equal(dm_log_parse_time("2024-02-29T00:00:00-0230", 24, &us),
			 0);
	assert_true(us == INT64_C(1709173800000000));
	assert_int_equal(dm_log_parse_time("2023-02-29T00:00:00Z", 20, &us),
			 -1);
	assert_int_equal(dm_log_parse_time("2025-13-01T00:00:00Z", 20, &us),
			 -1);
	assert_int_equal(dm_log_parse_time("2025-12-24T24:00:00Z", 20, &us),
			 -1);
	assert_int_equal(dm_log_parse_time("1969-12-31T23:59:59Z", 20, &us),
			 -1);
	assert_int_equal(dm_log_parse_time("2025-12-24", 10, &us), -1);
	assert_int_equal(dm_log_parse_time("2025-12-24T17:03:00Zx", 21, &us),
			 -1);
	assert_int_equal(dm_log_parse_time("2025-12-24T17:03:00.Z", 21, &us),
			 -1);
	/* civil round trip */
	for (int64_t day = 0; day < 3000000; day += 997) {
		int y, m, d, h;

		lg_civil_from_us(day * 86400000000 + 3600000000 * 5, &y, &m, &d,
				 &h);
		assert_true(lg_days_from_civil(y, (unsigned)m, (unsigned)d) ==
			    day);
		assert_int_equal(h, 5);
	}
}

/* ---- the logger end to end -------------------------------------------------
 */
/* request_id -> count over every Parquet file under dir. */
#define MAXIDS 200000
static char *ids[MAXIDS];
static int idcount[MAXIDS];
static size_t nids;
static uint64_t rows_total;

static long id_find(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < nids; i++)
		if (strlen(ids[i]) == n && !memcmp(ids[i], s, n))
			return (long)i;
	return -1;
}

static int collect_cb(const char *path, const struct stat *sb, int flag,
		      struct FTW *ftw)
{
	dm_parquet_file *f = NULL;
	dm_parquet_scan *s = NULL;
	dm_diag diag;
	size_t col, nrows, i;
	long ci;

	(void)sb;
	(void)ftw;
	if (flag != FTW_F || !strstr(path, ".parquet"))
		return 0;
	if (dm_parquet_open_file(path, NULL, &f, &diag) != DM_OK)
		fail_msg("%s: %s", path, diag.msg);
	ci = dm_parquet_column_index(f, "request_id");
	assert_true(ci >= 0);
	col = (size_t)ci;
	assert_int_equal(
		dm_parquet_scan_new(f, &col, 1, DM_PARQUET_RAW, &s, &diag),
		DM_OK);
	while (dm_parquet_scan_next(s, 0, &nrows, &diag) == DM_OK && nrows) {
		const dm_parquet_vec *v = dm_parquet_scan_column(s, 0);

		for (i = 0; i < nrows; i++) {
			long k;

			rows_total++;
			if (v->null && v->null[i])
				continue;
			k = id_find(v->str[i].ptr, v->str[i].len);
			if (k < 0) {
				assert_true(nids < MAXIDS);
				ids[nids] =
					strndup(v->str[i].ptr, v->str[i].len);
				idcount[nids] = 1;
				nids++;
			} else {
				idcount[k]++;
			}
		}
	}
	dm_parquet_scan_free(s);
	dm_parquet_file_free(f);
	return 0;
}

static void collect_ids(const char *dir)
{
	size_t i;

	for (i = 0; i < nids; i++)
		free(ids[i]);
	nids = 0;
	rows_total = 0;
	nftw(dir, collect_cb, 16, FTW_PHYS);
}

/* Every id "<prefix><i>" for i < n is present exactly once, and
 * nothing else. */
static void expect_ids(const char *prefix, size_t n)
{
	size_t i;
	char id[64];

	assert_int_equal(nids, n);
	assert_int_equal(rows_total, n);
	for (i = 0; i < n; i++) {
		long k;

		snprintf(id, sizeof(id), "%s%zu", prefix, i);
		k = id_find(id, strlen(id));
		if (k < 0)
			fail_msg("record %s missing", id);
		if (idcount[k] != 1)
			fail_msg("record %s found %d times", id, idcount[k]);
	}
}

static int events[8];

static void count_event(void *ctx, dm_log_event ev, const char *msg)
{
	(void)ctx;
	(void)msg;
	if ((unsigned)ev < 8)
		__atomic_fetch_add(&events[ev], 1, __ATOMIC_RELAXED);
}

static void config(dm_logger_config *c, const char *root)
{
	static char store[600], wal[600];

	snprintf(store, sizeof(store), "%s/store", root);
	snprintf(wal, sizeof(wal), "%s/wal", root);
	dm_logger_config_init(c);
	c->store_url = store;
	c->wal_dir = wal;
	c->host = "unit";
	c->flush_rows = 100;
	c->retry_max_ms = 50;
	c->on_event = count_event;
}

/* Logs records id <prefix>[from, to): hours spread over 3, two models. */
static dm_err log_range(dm_logger *lg, const char *prefix, size_t from,
			size_t to, dm_diag *diag)
{
	size_t i;

	for (i = from; i < to; i++) {
		char id[64];
		dm_log_value f[3], p[1];
		dm_log_record r;
		dm_err err;

		snprintf(id, sizeof(id), "%s%zu", prefix, i);
		f[0] = dm_log_num("x", (double)i);
		f[1] = dm_log_str("cat", i % 3 ? "a" : "b");
		f[2] = i % 5 ? dm_log_num("sometimes", 1)
			     : dm_log_null("sometimes");
		p[0] = dm_log_num("prediction", 0.5);
		memset(&r, 0, sizeof(r));
		r.timestamp_us = INT64_C(1766595780000000) +
				 (int64_t)(i % 3) * INT64_C(3600000000);
		r.model_name = i % 2 ? "spam" : "ham";
		r.model_version = "v1";
		r.request_id = id;
		r.features = f;
		r.nfeatures = 3;
		r.predictions = p;
		r.npredictions = 1;
		if ((err = dm_logger_log(lg, &r, diag)) != DM_OK)
			return err;
	}
	return DM_OK;
}

static void logger_end_to_end(void **state)
{
	const char *root = mktmp("e2e");
	char path[700];
	dm_logger_config c;
	dm_logger *lg;
	dm_logger_stats st;
	dm_diag diag;
	struct stat sb;

	(void)state;
	config(&c, root);
	assert_int_equal(dm_logger_open(&c, &lg, &diag), DM_OK);
	assert_int_equal(log_range(lg, "e", 0, 1234, &diag), DM_OK);
	assert_int_equal(dm_logger_flush(lg, 10000, &diag), DM_OK);
	dm_logger_get_stats(lg, &st);
	assert_int_equal(st.records_logged, 1234);
	assert_int_equal(st.records_flushed, 1234);
	assert_int_equal(st.records_pending, 0);
	assert_int_equal(st.wal_segments, 0);
	assert_true(st.files_uploaded >= 13 * 6 / 2);
	assert_int_equal(dm_logger_close(lg, &diag), DM_OK);
	collect_ids(root);
	expect_ids("e", 1234);
	/* the partitions are the records' hours, UTC */
	snprintf(path, sizeof(path),
		 "%s/store/inference-logs/year=2025/month=12/day=24/hour=19",
		 root);
	assert_int_equal(stat(path, &sb), 0);
	/* the WAL folder is clean */
	snprintf(path, sizeof(path), "%s/wal", root);
	{
		DIR *d = opendir(path);
		struct dirent *e;
		int segs = 0;

		assert_non_null(d);
		while ((e = readdir(d)))
			segs += strstr(e->d_name, ".wal") != NULL;
		closedir(d);
		assert_int_equal(segs, 0);
	}
}

static void logger_parquet_content(void **state)
{
	const char *root = mktmp("content");
	dm_logger_config c;
	dm_logger *lg;
	dm_diag diag;
	dm_log_value f[] = {dm_log_num("x", 2.5), dm_log_str("s", "hello"),
			    dm_log_null("n")};
	dm_log_value p[] = {dm_log_str("label", "spam")};
	dm_log_record r = {
		INT64_C(1766595780123456), "m", "v1", "rid", f, 3, p, 1};
	char path[800];
	dm_parquet_file *pf;
	const dm_parquet_meta *m;
	dm_parquet_scan *sc;
	size_t cols[8] = {0, 1, 2, 3, 4, 5, 6, 7}, n, i;

	(void)state;
	config(&c, root);
	assert_int_equal(dm_logger_open(&c, &lg, &diag), DM_OK);
	assert_int_equal(dm_logger_log(lg, &r, &diag), DM_OK);
	assert_int_equal(dm_logger_close(lg, &diag), DM_OK);
	/* exactly one file, named after the segment */
	snprintf(path, sizeof(path),
		 "%s/store/inference-logs/year=2025/month=12/day=24/hour=17",
		 root);
	{
		DIR *d = opendir(path);
		struct dirent *e;
		char name[300] = "";

		assert_non_null(d);
		while ((e = readdir(d)))
			if (e->d_name[0] != '.')
				snprintf(name, sizeof(name), "%s", e->d_name);
		closedir(d);
		assert_true(!strncmp(name, "part-unit-", 10));
		assert_non_null(strstr(name, "-100001-0.parquet"));
		snprintf(path + strlen(path), sizeof(path) - strlen(path),
			 "/%s", name);
	}
	assert_int_equal(dm_parquet_open_file(path, NULL, &pf, &diag), DM_OK);
	m = dm_parquet_file_meta(pf);
	assert_int_equal(m->ncolumns, 8);
	assert_string_equal(m->columns[0].name, "timestamp");
	assert_int_equal(m->columns[0].logical, DM_PARQUET_L_TIMESTAMP);
	assert_int_equal(m->columns[0].unit, DM_PARQUET_MICROS);
	assert_true(m->columns[0].utc);
	assert_false(m->columns[0].optional);
	assert_string_equal(m->columns[3].name, "request_id");
	assert_true(m->columns[3].optional);
	assert_string_equal(m->columns[4].name, "x");
	assert_int_equal(m->columns[4].physical, DM_PARQUET_DOUBLE);
	assert_int_equal(m->columns[5].physical, DM_PARQUET_BYTE_ARRAY);
	assert_string_equal(m->columns[6].name, "n"); /* all NULL: number */
	assert_int_equal(m->columns[6].physical, DM_PARQUET_DOUBLE);
	for (i = 0; i < m->nkv; i++)
		if (!strcmp(m->kv[i].key, "driftmon.prediction_columns"))
			assert_string_equal(m->kv[i].value, "[\"label\"]");
	assert_int_equal(
		dm_parquet_scan_new(pf, cols, 8, DM_PARQUET_RAW, &sc, &diag),
		DM_OK);
	assert_int_equal(dm_parquet_scan_next(sc, 0, &n, &diag), DM_OK);
	assert_int_equal(n, 1);
	assert_true(dm_parquet_scan_column(sc, 0)->i64[0] ==
		    INT64_C(1766595780123456));
	assert_memory_equal(dm_parquet_scan_column(sc, 1)->str[0].ptr, "m", 1);
	assert_true(dm_parquet_scan_column(sc, 4)->f64[0] == 2.5);
	assert_memory_equal(dm_parquet_scan_column(sc, 5)->str[0].ptr, "hello",
			    5);
	assert_true(dm_parquet_scan_column(sc, 6)->null[0]);
	assert_memory_equal(dm_parquet_scan_column(sc, 7)->str[0].ptr, "spam",
			    4);
	dm_parquet_scan_free(sc);
	dm_parquet_file_free(pf);
}

/* Booleans: a column of booleans only is a Parquet BOOLEAN; a column that
 * mixes booleans and numbers (a number for the schema) is DOUBLE 1/0. */
static void logger_booleans(void **state)
{
	const char *root = mktmp("booleans");
	dm_logger_config c;
	dm_logger *lg;
	dm_diag diag;
	dm_log_value f1[] = {dm_log_bool("b", 1), dm_log_bool("mix", 0)};
	dm_log_value f2[] = {dm_log_bool("b", 0), dm_log_num("mix", 3)};
	dm_log_record r1 = {
		INT64_C(1766595780000000), "m", "v1", NULL, f1, 2, NULL, 0};
	dm_log_record r2 = {
		INT64_C(1766595781000000), "m", "v1", NULL, f2, 2, NULL, 0};
	char path[800], name[300] = "";
	dm_parquet_file *pf;
	const dm_parquet_meta *m;
	dm_parquet_scan *sc;
	size_t cols[2] = {4, 5}, n;
	DIR *d;
	struct dirent *e;

	(void)state;
	config(&c, root);
	assert_int_equal(dm_logger_open(&c, &lg, &diag), DM_OK);
	assert_int_equal(dm_logger_log(lg, &r1, &diag), DM_OK);
	assert_int_equal(dm_logger_log(lg, &r2, &diag), DM_OK);
	assert_int_equal(dm_logger_close(lg, &diag), DM_OK);
	snprintf(path, sizeof(path),
		 "%s/store/inference-logs/year=2025/month=12/day=24/hour=17",
		 root);
	d = opendir(path);
	assert_non_null(d);
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			snprintf(name, sizeof(name), "%s", e->d_name);
	closedir(d);
	snprintf(path + strlen(path), sizeof(path) - strlen(path), "/%s", name);
	assert_int_equal(dm_parquet_open_file(path, NULL, &pf, &diag), DM_OK);
	m = dm_parquet_file_meta(pf);
	assert_int_equal(m->ncolumns, 6);
	assert_string_equal(m->columns[4].name, "b");
	assert_int_equal(m->columns[4].physical, DM_PARQUET_BOOLEAN);
	assert_string_equal(m->columns[5].name, "mix");
	assert_int_equal(m->columns[5].physical, DM_PARQUET_DOUBLE);
	assert_int_equal(
		dm_parquet_scan_new(pf, cols, 2, DM_PARQUET_RAW, &sc, &diag),
		DM_OK);
	assert_int_equal(dm_parquet_scan_next(sc, 0, &n, &diag), DM_OK);
	assert_int_equal(n, 2);
	assert_true(dm_parquet_scan_column(sc, 0)->i64[0] == 1);
	assert_true(dm_parquet_scan_column(sc, 0)->i64[1] == 0);
	assert_true(dm_parquet_scan_column(sc, 1)->f64[0] == 0);
	assert_true(dm_parquet_scan_column(sc, 1)->f64[1] == 3);
	dm_parquet_scan_free(sc);
	dm_parquet_file_free(pf);
}

static void logger_schema_learned_and_kept(void **state)
{
	const char *root = mktmp("schema");
	dm_logger_config c;
	dm_logger *lg, *lg2;
	dm_diag diag;
	dm_log_value num[] = {dm_log_num("a", 1)};
	dm_log_value str[] = {dm_log_str("a", "x")};
	dm_log_value nul[] = {dm_log_null("b")};
	dm_log_value bstr[] = {dm_log_str("b", "x")};
	dm_log_value bnum[] = {dm_log_num("b", 2)};
	dm_log_record r = {0, "m", "v", NULL, num, 1, NULL, 0};
	dm_log_record two[2];

	(void)state;
	config(&c, root);
	assert_int_equal(dm_logger_open(&c, &lg, &diag), DM_OK);
	/* a second logger on the same folder is refused */
	assert_int_equal(dm_logger_open(&c, &lg2, &diag), DM_ECONFLICT);
	assert_non_null(strstr(diag.msg, "in use by another logger"));
	assert_int_equal(dm_logger_log(lg, &r, &diag), DM_OK);
	r.features = str;
	assert_int_equal(dm_logger_log(lg, &r, &diag), DM_ESCHEMA);
	assert_string_equal(diag.msg, "column 'a': type conflict: the schema "
				      "has number, got string");
	/* other versions have their own schema */
	r.model_version = "v2";
	assert_int_equal(dm_logger_log(lg, &r, &diag), DM_OK);
	r.model_version = "v";
	/* NULL fixes no type */
	r.features = nul;
	assert_int_equal(dm_logger_log(lg, &r, &diag), DM_OK);
	/* a rejected batch teaches nothing: b stays untyped */
	two[0] = (dm_log_record){0, "m", "v", NULL, bstr, 1, NULL, 0};
	two[1] = (dm_log_record){0, "m", "v", NULL, str, 1, NULL, 0};
	assert_int_equal(dm_logger_log_batch(lg, two, 2, &diag), DM_ESCHEMA);
	assert_non_null(strstr(diag.msg, "record 2: column 'a'"));
	assert_int_equal(diag.row, 2);
	r.features = bnum;
	assert_int_equal(dm_logger_log(lg, &r, &diag), DM_OK);
	assert_int_equal(dm_logger_close(lg, &diag), DM_OK);
	/* after a restart the types hold */
	assert_int_equal(dm_logger_open(&c, &lg, &diag), DM_OK);
	r.features = str;
	assert_int_equal(dm_logger_log(lg, &r, &diag), DM_ESCHEMA);
	r.features = bstr;
	assert_int_equal(dm_logger_log(lg, &r, &diag), DM_ESCHEMA);
	r.features = num;
	r.predictions = num;
	r.npredictions = 1;
	r.nfeatures = 0;
	assert_int_equal(dm_logger_log(lg, &r, &diag), DM_ESCHEMA);
	assert_non_null(strstr(diag.msg, "is a feature in the schema"));
	assert_int_equal(dm_logger_close(lg, &diag), DM_OK);
}

static void logger_declared_schema(void **state)
{
	const char *root = mktmp("declared");
	dm_logger_config c;
	dm_logger *lg;
	dm_diag diag;
	dm_log_column cols[] = {{"a", DM_LOG_NUMBER, 0},
				{"score", DM_LOG_NUMBER, 1}};
	dm_log_value a[] = {dm_log_num("a", 1)};
	dm_log_value astr[] = {dm_log_str("a", "1")};
	dm_log_value other[] = {dm_log_num("zzz", 1)};
	dm_log_record r = {0, "m", "v", NULL, a, 1, NULL, 0};

	(void)state;
	config(&c, root);
	c.schema = cols;
	c.nschema = 2;
	assert_int_equal(dm_logger_open(&c, &lg, &diag), DM_OK);
	assert_int_equal(dm_logger_log(lg, &r, &diag), DM_OK);
	r.features = other;
	assert_int_equal(dm_logger_log(lg, &r, &diag), DM_ESCHEMA);
	assert_string_equal(diag.msg,
			    "column 'zzz': not in the declared schema");
	r.features = astr;
	assert_int_equal(dm_logger_log(lg, &r, &diag), DM_ESCHEMA);
	assert_int_equal(dm_logger_close(lg, &diag), DM_OK);
	/* a bad declaration */
	cols[1].name = "timestamp";
	assert_int_equal(dm_logger_open(&c, &lg, &diag), DM_EINVAL);
}

/* Storage down: records accumulate up to the cap, then DM_EFULL; once
 * storage is back, everything accepted arrives. */
static void logger_outage_and_cap(void **state)
{
	const char *root = mktmp("outage");
	char store[700];
	dm_logger_config c;
	dm_logger *lg;
	dm_logger_stats st;
	dm_diag diag;
	dm_err err = DM_OK;
	size_t i = 0;
	int tries;

	(void)state;
	memset(events, 0, sizeof(events));
	snprintf(store, sizeof(store), "%s/store", root);
	write_file(store, "not a folder", 12); /* puts fail */
	config(&c, root);
	c.flush_rows = 50;
	c.wal_max_bytes = 64 * 1024;
	c.close_timeout_ms = 300;
	assert_int_equal(dm_logger_open(&c, &lg, &diag), DM_OK);
	while (i < 100000) {
		err = log_range(lg, "o", i, i + 1, &diag);
		if (err != DM_OK)
			break;
		i++;
	}
	assert_int_equal(err, DM_EFULL);
	assert_non_null(strstr(diag.msg, "write-ahead log full"));
	assert_true(i > 100);
	dm_logger_get_stats(lg, &st);
	assert_int_equal(st.records_logged, i);
	assert_int_equal(st.records_refused_full, 1);
	assert_int_equal(st.records_flushed, 0);
	assert_true(st.wal_bytes <= 64 * 1024);
	/* flush times out and says why, once an upload has failed (the
	 * flushers run at nice +10: on a loaded machine, under the
	 * sanitizers, the first attempt can take longer than the flush's
	 * 300 ms) */
	for (tries = 0; tries < 2000; tries++) {
		dm_logger_get_stats(lg, &st);
		if (st.upload_failures > 0)
			break;
		usleep(10000);
	}
	assert_true(st.upload_failures > 0);
	assert_int_equal(dm_logger_flush(lg, 300, &diag), DM_ENET);
	assert_non_null(strstr(diag.msg, "cannot upload"));
	dm_logger_get_stats(lg, &st);
	assert_false(st.storage_ok);
	assert_true(st.upload_failures > 0);
	assert_true(events[DM_LOG_EV_UPLOAD_FAILED] > 0);
	assert_int_equal(events[DM_LOG_EV_WAL_FULL], 1);
	/* close gives up after its timeout, keeping the WAL */
	assert_int_equal(dm_logger_close(lg, &diag), DM_ENET);
	assert_non_null(strstr(diag.msg, "stay in the write-ahead log"));
	/* storage back: the next open uploads it all */
	unlink(store);
	assert_int_equal(dm_logger_open(&c, &lg, &diag), DM_OK);
	dm_logger_get_stats(lg, &st);
	assert_true(st.segments_replayed > 0);
	assert_int_equal(st.records_pending, i);
	assert_int_equal(dm_logger_flush(lg, 20000, &diag), DM_OK);
	assert_int_equal(dm_logger_close(lg, &diag), DM_OK);
	collect_ids(root);
	expect_ids("o", i);
}

struct thr {
	dm_logger *lg;
	int t;
	int n;
	int errors;
};

static void *writer(void *arg)
{
	struct thr *t = arg;
	int i;

	for (i = 0; i < t->n; i++) {
		char id[32];
		dm_log_value f[] = {dm_log_num("x", i)};
		dm_log_record r = {0, "m", "v", id, f, 1, NULL, 0};
		dm_diag diag;

		snprintf(id, sizeof(id), "c%d", t->t * t->n + i);
		if (dm_logger_log(t->lg, &r, &diag) != DM_OK)
			t->errors++;
	}
	return NULL;
}

static void logger_concurrent_always(void **state)
{
	const char *root = mktmp("threads");
	dm_logger_config c;
	dm_logger *lg;
	dm_logger_stats st;
	dm_diag diag;
	pthread_t th[4];
	struct thr t[4];
	int i;

	(void)state;
	config(&c, root);
	c.fsync = DM_LOG_FSYNC_ALWAYS;
	c.flush_rows = 700;
	assert_int_equal(dm_logger_open(&c, &lg, &diag), DM_OK);
	for (i = 0; i < 4; i++) {
		t[i] = (struct thr){lg, i, 1500, 0};
		pthread_create(&th[i], NULL, writer, &t[i]);
	}
	for (i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		assert_int_equal(t[i].errors, 0);
	}
	dm_logger_get_stats(lg, &st);
	assert_int_equal(st.records_logged, 6000);
	/* group commit: far fewer fsyncs than calls (usually) */
	assert_true(st.fsyncs <= 6000 + 100);
	assert_int_equal(dm_logger_close(lg, &diag), DM_OK);
	collect_ids(root);
	expect_ids("c", 6000);
}

/* Threads of this process whose nice value is nice_want. */
static int threads_at_nice(int nice_want)
{
	DIR *d = opendir("/proc/self/task");
	struct dirent *de;
	int n = 0;

	assert_non_null(d);
	while ((de = readdir(d)) != NULL) {
		char path[300], buf[1024], *p;
		int fd, k, nv;
		ssize_t r;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/self/task/%s/stat",
			 de->d_name);
		if ((fd = open(path, O_RDONLY)) < 0)
			continue;
		r = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (r <= 0)
			continue;
		buf[r] = '\0';
		/* after "(comm)": field 3 (state) ... field 19 (nice) */
		if (!(p = strrchr(buf, ')')))
			continue;
		p++;
		for (k = 3; k < 19 && p; k++)
			p = strchr(p + 1, ' ');
		if (p && sscanf(p, "%d", &nv) == 1 && nv == nice_want)
			n++;
	}
	closedir(d);
	return n;
}

/* The flusher threads run at the callers' nice + flush_nice (default
 * 10), and only they; flush_nice_set with 0 leaves them alone. */
static void logger_flusher_nice(void **state)
{
	const char *root = mktmp("nice");
	int base = getpriority(PRIO_PROCESS, 0), tries, n = 0, n0;
	dm_logger_config c;
	dm_logger *lg;
	dm_diag diag;

	(void)state;
	if (base + 10 > 19)
		skip(); /* already as low as it goes */
	/* (threads a failed earlier test left open are not counted) */
	n0 = threads_at_nice(base + 10);
	config(&c, root);
	c.flush_threads = 3;
	assert_int_equal(dm_logger_open(&c, &lg, &diag), DM_OK);
	for (tries = 0; tries < 400 && n < 3; tries++) {
		n = threads_at_nice(base + 10) - n0;
		if (n < 3)
			usleep(5000);
	}
	assert_int_equal(n, 3);
	assert_int_equal(getpriority(PRIO_PROCESS, 0), base);
	assert_int_equal(dm_logger_close(lg, &diag), DM_OK);

	config(&c, root);
	c.flush_threads = 3;
	c.flush_nice_set = 1;
	c.flush_nice = 0;
	assert_int_equal(dm_logger_open(&c, &lg, &diag), DM_OK);
	usleep(50000);
	assert_int_equal(threads_at_nice(base + 10), n0);
	assert_int_equal(dm_logger_close(lg, &diag), DM_OK);
}

/* ---- crash and replay ---------------------------------------------------- */
static const char *crash_point;
static int crash_after; /* hits of the point to let pass */

static void crash_hook(const char *point)
{
	if (crash_point && !strcmp(point, crash_point) && crash_after-- == 0)
		_exit(77);
}

/* In a child: log n records, flush (the hook kills it at the point). */
static void crash_child(const char *root, const char *point, int after,
			size_t n)
{
	pid_t pid = fork();
	int status;

	assert_true(pid >= 0);
	if (pid == 0) {
		dm_logger_config c;
		dm_logger *lg;
		dm_diag diag;

		config(&c, root);
		c.flush_rows = 100000; /* segments end at each flush */
		if (dm_logger_open(&c, &lg, &diag) != DM_OK)
			_exit(1);
		/* a first segment uploaded completely */
		if (log_range(lg, "k", 0, n / 2, &diag) != DM_OK ||
		    dm_logger_flush(lg, 10000, &diag) != DM_OK)
			_exit(2);
		/* the second dies at the point */
		if (log_range(lg, "k", n / 2, n, &diag) != DM_OK)
			_exit(2);
		crash_point = point;
		crash_after = after;
		lg_test_hook = crash_hook;
		dm_logger_flush(lg, 10000, &diag);
		_exit(point ? 3 : 0); /* the hook should have fired */
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), point ? 77 : 0);
}

static void replay_case(const char *point, int after)
{
	const char *root = mktmp("replay");
	dm_logger_config c;
	dm_logger *lg;
	dm_logger_stats st;
	dm_diag diag;

	crash_child(root, point, after, 450);
	/* some or all of the first segment's files may be in the store */
	config(&c, root);
	assert_int_equal(dm_logger_open(&c, &lg, &diag), DM_OK);
	dm_logger_get_stats(lg, &st);
	/* after the manifest the segment is only deleted, not replayed */
	if (strcmp(point, "manifest") == 0)
		assert_int_equal(st.records_pending, 0);
	else
		assert_int_equal(st.records_pending, 225);
	assert_int_equal(dm_logger_close(lg, &diag), DM_OK);
	collect_ids(root);
	expect_ids("k", 450);
	/* replaying again changes nothing */
	assert_int_equal(dm_logger_open(&c, &lg, &diag), DM_OK);
	dm_logger_get_stats(lg, &st);
	assert_int_equal(st.records_pending, 0);
	assert_int_equal(dm_logger_close(lg, &diag), DM_OK);
	collect_ids(root);
	expect_ids("k", 450);
}

static void replay_after_partial_upload(void **state)
{
	(void)state;
	/* the segment makes 6 files (2 models x 3 hours) */
	replay_case("uploaded-one", 0);
	replay_case("uploaded-one", 3);
	replay_case("uploaded-one", 5);
}

static void replay_after_upload_before_manifest(void **state)
{
	(void)state;
	replay_case("uploaded", 0);
}

static void replay_after_manifest_before_delete(void **state)
{
	(void)state;
	replay_case("manifest", 0);
}

/* A partial frame at the end of a segment (a write cut by the crash) is
 * cut off; the frames before it are all replayed. */
static void replay_torn_tail(void **state)
{
	const char *root = mktmp("torn");
	char wal[700], path[1000];
	dm_logger_config c;
	dm_logger *lg;
	dm_diag diag;
	DIR *d;
	struct dirent *e;
	int fd;

	(void)state;
	memset(events, 0, sizeof(events));
	/* a child that writes 80 records (one open segment) and dies */
	{
		pid_t pid = fork();
		int status;

		if (pid == 0) {
			config(&c, root);
			if (dm_logger_open(&c, &lg, &diag) != DM_OK ||
			    log_range(lg, "t", 0, 80, &diag) != DM_OK)
				_exit(1);
			_exit(0); /* kill -9 equivalent: no close */
		}
		waitpid(pid, &status, 0);
		assert_int_equal(WEXITSTATUS(status), 0);
	}
	snprintf(wal, sizeof(wal), "%s/wal", root);
	d = opendir(wal);
	assert_non_null(d);
	while ((e = readdir(d)))
		if (strstr(e->d_name, ".wal"))
			snprintf(path, sizeof(path), "%s/%s", wal, e->d_name);
	closedir(d);
	/* half a frame: a length that promises more than there is */
	fd = open(path, O_WRONLY | O_APPEND);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "\x40\x00\x00\x00\x12\x34\x56\x78\x02", 9),
			 9);
	close(fd);
	config(&c, root);
	assert_int_equal(dm_logger_open(&c, &lg, &diag), DM_OK);
	assert_int_equal(events[DM_LOG_EV_TORN_TAIL], 1);
	assert_int_equal(events[DM_LOG_EV_RECOVERED], 1);
	assert_int_equal(dm_logger_close(lg, &diag), DM_OK);
	collect_ids(root);
	expect_ids("t", 80);
}

/* A segment whose frames are valid but whose content is not (a bug, or
 * tampering) is quarantined, never deleted. */
static void replay_quarantine(void **state)
{
	const char *root = mktmp("quarantine");
	char path[700];
	dm_logger_config c;
	dm_logger *lg;
	dm_diag diag;
	size_t len, ends[3];
	uint8_t *seg = make_segment(2, &len, ends);
	struct stat sb;

	(void)state;
	memset(events, 0, sizeof(events));
	snprintf(path, sizeof(path), "%s/wal", root);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/wal/0000-bad-000001.wal", root);
	write_file(path, seg, len);
	free(seg);
	config(&c, root);
	assert_int_equal(dm_logger_open(&c, &lg, &diag), DM_OK);
	assert_int_equal(events[DM_LOG_EV_QUARANTINED], 1);
	assert_int_equal(dm_logger_close(lg, &diag), DM_OK);
	snprintf(path, sizeof(path), "%s/wal/quarantine/0000-bad-000001.wal",
		 root);
	assert_int_equal(stat(path, &sb), 0);
}

/* ---- allocation failures ------------------------------------------------- */
static void alloc_failures(void **state)
{
#ifdef DMTEST_ASAN
	(void)state;
	skip();
#else
	static const char body0[] =
		"[{\"timestamp\":\"2025-12-24T17:03:00Z\",\"model_name\":\"m\","
		"\"model_version\":\"v\",\"request_id\":\"a\\u00e9\","
		"\"features\":{\"x\":1,\"y\":\"s\",\"z\":null},"
		"\"prediction\":1},{\"model_name\":\"n\",\"model_version\":"
		"\"v\",\"features\":{\"x\":2}}]";
	long k;
	int ok_seen = 0;

	(void)state;
	for (k = 0; k < 200; k++) {
		char body[sizeof(body0)];
		dm_log_parsed p;
		lg_enc e;
		dm_diag diag;
		dm_err err;

		memcpy(body, body0, sizeof(body0));
		fail_hit = 0;
		fail_countdown = k;
		err = dm_log_parse_json(body, sizeof(body0) - 1, 0, &p, &diag);
		if (err == DM_OK) {
			lg_enc_init(&e);
			err = lg_enc_batch(&e, p.records, p.nrecords, 1, &lim,
					   1, &diag);
			lg_enc_release(&e);
		}
		fail_countdown = -1;
		dm_log_parsed_release(&p);
		if (!fail_hit) {
			assert_int_equal(err, DM_OK);
			ok_seen = 1;
			break;
		}
		assert_true(err == DM_ENOMEM || err == DM_ETOOBIG);
	}
	assert_true(ok_seen);
#endif
}

/* ---- hour profiles from the kept columns ------------------------------ */
/* The hour profile (JSON) of file f against bp for model m version v,
 * read through r. */
static char *hour_json(dm_reader *r, const dm_profile *bp, const char *m,
		       const char *v, const lg_outfile *f)
{
	dm_profile_opts po = {0};
	dm_profile cur;
	dm_hour_profile hp;
	char *js = NULL;
	size_t len = 0;
	dm_diag d;

	po.reference = bp;
	po.model_name = m;
	po.model_version = v;
	dm_profile_init(&cur, NULL);
	dm_hour_profile_init(&hp, f->hour);
	assert_int_equal(dm_profile_add_reader(&cur, &po, r, &d), DM_OK);
	assert_int_equal(dm_hour_profile_add_file(&hp, f->key, f->len,
						  DM_HOUR_FILE_READ),
			 DM_OK);
	assert_int_equal(dm_hour_profile_take(&hp, &cur, bp), DM_OK);
	assert_int_equal(dm_hour_profile_to_json(&hp, m, v, &js, &len), DM_OK);
	dm_profile_release(&cur);
	dm_hour_profile_release(&hp);
	return js;
}

/*
 * lg_outfile_reader gives the hour profile that reading the Parquet file
 * gives, byte for byte: numbers, NULLs, NaN and infinities, strings in a
 * numeric feature and numbers in a categorical one, fractions in an
 * integer feature, booleans, missing markers, a column some records lack,
 * an extra column, rows of another model, more rows than a row group,
 * and a baseline whose features include the timestamp (read from the
 * file: the reader hands that projection over).
 */
static void prof_columns_equal_parquet(void **state)
{
	const char *dir = mktmp("profcols");
	char path[600], seg[600];
	FILE *fp;
	dm_profile bp, bt, lp, lt; /* lp, lt: without the sketches */
	dm_profile_opts bo = {0};
	char *js;
	size_t jl;
	dm_reader *r;
	dm_diag d;
	lg_enc e;
	lg_convert_opts o;
	lg_outfile *f = NULL;
	size_t nf = 0, i, k, nrec = 80000, per = 1000;
	uint64_t rows = 0;
	uint64_t x = 88172645463325252ull;
	bbuf b;
	wal_segid id;
	int pass;

	(void)state;
	/* the baseline: num, cnt (integers), cat, flag (booleans), pred */
	snprintf(path, sizeof(path), "%s/train.csv", dir);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fprintf(fp, "timestamp,num,cnt,cat,flag,weights,prediction\n");
	for (i = 0; i < 3000; i++)
		fprintf(fp, "%zu,%.3f,%zu,%s,%s,%zu,%.4f\n", 1700000000 + i * 7,
			(double)(i * 7919 % 1000) / 10.0, i % 13,
			i % 3 == 2 ? "values"
			: i % 3	   ? "b"
				   : "a",
			i % 4 ? "true" : "false", i % 17,
			(double)(i % 101) / 101.0);
	fclose(fp);
	for (pass = 0; pass < 2; pass++) {
		dm_profile *p = pass ? &bt : &bp;

		memset(&bo, 0, sizeof(bo));
		bo.strict = 1;
		if (pass) { /* the timestamp a feature */
			static const char *const rn[] = {"timestamp", NULL};
			static const dm_role rv[] = {DM_ROLE_FEATURE};

			bo.role_names = rn;
			bo.role_values = rv;
		}
		dm_profile_init(p, &bo);
		assert_int_equal(dm_reader_open_file(path, NULL, &r, &d),
				 DM_OK);
		assert_int_equal(dm_profile_add_reader(p, &bo, r, &d), DM_OK);
		dm_reader_free(r);
		assert_int_equal(dm_profile_finish(p, &d), DM_OK);
		p->created_at = strdup("2025-01-01T00:00:00Z");
		/* read back as detect reads it, and as the logger does */
		assert_int_equal(dm_baseline_to_json(p, &js, &jl), DM_OK);
		dm_profile_release(p);
		assert_int_equal(dm_baseline_from_json(js, jl, "b", p, &d),
				 DM_OK);
		assert_int_equal(dmp_baseline_from_json_nosketch(
					 js, jl, "b", pass ? &lt : &lp, &d),
				 DM_OK);
		free(js);
	}
	assert_non_null(lp.feat[1].edges);
	assert_null(lp.feat[1].sketch);
	assert_non_null(bp.feat[1].sketch);
	assert_string_equal(lp.feat[3].cats[2].value, "values");
	assert_string_equal(lp.feat[5].name, "weights");
	assert_non_null(bp.mv);
	/* the segment: a header frame, then batches of records */
	memset(&id, 0, sizeof(id));
	snprintf(id.host, sizeof(id.host), "h");
	id.pid = 1;
	snprintf(id.nonce, sizeof(id.nonce), "n0");
	id.seq = 1;
	bb_init(&b, 0);
	bb_put(&b, WAL_MAGIC, WAL_MAGIC_LEN);
	k = b.len;
	bb_reserve(&b, WAL_FRAME_HDR);
	b.len += WAL_FRAME_HDR;
	wal_header_encode(&b, &id);
	wal_frame_header(b.p + k, b.p + k + WAL_FRAME_HDR,
			 (uint32_t)(b.len - k - WAL_FRAME_HDR));
	for (k = 0; k < nrec; k += per) {
		dm_log_record rec[1000];
		dm_log_value fv[1000][7], pv[1000];
		char sbuf[1000][16];

		memset(rec, 0, sizeof(rec));
		for (i = 0; i < per; i++) {
			size_t n = k + i, j = 0;
			int last = k + per == nrec; /* other types: a variant */
			double u;

			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			u = (double)(x >> 11) / 9007199254740992.0;
			fv[i][j++] = n % 97 == 1   ? dm_log_null("num")
				     : last	   ? dm_log_str("num",
								n % 2 ? "oops" : "1.5")
				     : n % 89 == 2 ? dm_log_num("num", NAN)
				     : n % 83 == 3 ? dm_log_num("num", INFINITY)
				     : n % 73 == 5
					     ? dm_log_num("num", -0.0)
					     : dm_log_num("num", u * 120 - 5);
			fv[i][j++] = dm_log_num("weights", (double)(n % 19));
			fv[i][j++] = dm_log_num(
				"cnt", n % 71 == 6 ? 2.5 : (double)(x % 15));
			snprintf(sbuf[i], sizeof(sbuf[i]), "%c", "abcd"[x % 4]);
			fv[i][j++] = last	   ? dm_log_num("cat", n % 3)
				     : n % 61 == 8 ? dm_log_str("cat", "NA")
				     : n % 59 == 9 ? dm_log_null("cat")
						   : dm_log_str("cat", sbuf[i]);
			if (n % 5)
				fv[i][j++] = dm_log_bool("flag", (x >> 3) & 1);
			if (n % 3 == 0)
				fv[i][j++] = dm_log_num("extra", u);
			pv[i] = dm_log_num("prediction", u);
			rec[i].timestamp_us =
				1766595600000000 + (int64_t)n * 1000;
			rec[i].model_name = n % 11 == 3 ? "m2" : "m";
			rec[i].model_version = "v1";
			rec[i].request_id = n % 2 ? "r" : NULL;
			rec[i].features = fv[i];
			rec[i].nfeatures = j;
			rec[i].predictions = &pv[i];
			rec[i].npredictions = 1;
		}
		lg_enc_init(&e);
		if (lg_enc_batch(&e, rec, per, 1, &lim, 1, &d) != DM_OK)
			fail_msg("%s", d.msg);
		bb_put(&b, e.frame.p, e.frame.len);
		lg_enc_release(&e);
	}
	assert_false(b.err);
	snprintf(seg, sizeof(seg), "%s/seg", dir);
	write_file(seg, b.p, b.len);
	bb_release(&b);
	memset(&o, 0, sizeof(o));
	o.prefix = "inference-logs";
	o.codec = DM_PARQUET_SNAPPY;
	o.keep_columns = 1;
	assert_int_equal(lg_convert_segment(seg, &o, &f, &nf, &rows, &d),
			 DM_OK);
	assert_int_equal(rows, nrec);
	assert_int_equal(nf, 4);	/* m, m2, and their variants */
	assert_true(f[0].rows > 65536); /* more than a row group */
	for (i = 0; i < nf; i++) {
		assert_non_null(f[i].grp);
		for (pass = 0; pass < 4; pass++) {
			const dm_profile *ref = pass & 2 ? &bt : &bp;
			const dm_profile *lite = pass & 2 ? &lt : &lp;
			const char *m = pass & 1 ? "m2" : "m";
			dm_source *src = NULL;
			dm_reader *pq = NULL, *mr = NULL;
			char *a, *c;

			assert_int_equal(dm_source_open_mem(f[i].key, f[i].data,
							    f[i].len, 0, &src),
					 DM_OK);
			assert_int_equal(dm_reader_open(src, NULL, &pq, &d),
					 DM_OK);
			assert_int_equal(lg_outfile_reader(&f[i], &mr, &d),
					 DM_OK);
			assert_ptr_not_equal(mr->ops, pq->ops);
			a = hour_json(pq, ref, m, "v1", &f[i]);
			c = hour_json(mr, lite, m, "v1", &f[i]);
			assert_string_equal(a, c);
			dm_reader_free(pq);
			dm_reader_free(mr);
			free(a);
			free(c);
		}
	}
	lg_outfiles_free(f, nf);
	dm_profile_release(&bp);
	dm_profile_release(&bt);
	dm_profile_release(&lp);
	dm_profile_release(&lt);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(crc32c_vectors),
	cmocka_unit_test(crc32c_pieces),
	cmocka_unit_test(varints),
	cmocka_unit_test(wal_roundtrip),
	cmocka_unit_test(wal_torn_tail_every_byte),
	cmocka_unit_test(wal_corruption),
	cmocka_unit_test(wal_big_segment),
	cmocka_unit_test(wal_header_rejects),
	cmocka_unit_test(enc_roundtrip),
	cmocka_unit_test(enc_errors),
	cmocka_unit_test(json_records),
	cmocka_unit_test(json_errors),
	cmocka_unit_test(json_vs_jansson),
	cmocka_unit_test(json_numbers_random),
	cmocka_unit_test(iso_times),
	cmocka_unit_test(logger_end_to_end),
	cmocka_unit_test(logger_parquet_content),
	cmocka_unit_test(logger_booleans),
	cmocka_unit_test(logger_schema_learned_and_kept),
	cmocka_unit_test(logger_declared_schema),
	cmocka_unit_test(logger_outage_and_cap),
	cmocka_unit_test(logger_concurrent_always),
	cmocka_unit_test(logger_flusher_nice),
	cmocka_unit_test(replay_after_partial_upload),
	cmocka_unit_test(replay_after_upload_before_manifest),
	cmocka_unit_test(replay_after_manifest_before_delete),
	cmocka_unit_test(replay_torn_tail),
	cmocka_unit_test(replay_quarantine),
	cmocka_unit_test(prof_columns_equal_parquet),
	cmocka_unit_test(alloc_failures),
};

int main(int argc, char **argv)
{
	int rc;

	if (argc > 1)
		cmocka_set_test_filter(argv[1]);
	rc = cmocka_run_group_tests_name("logger", tests, NULL, NULL);
	if (tmproot[0])
		rmtree(tmproot);
	return rc;
}
