/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target for the inference logger's parsers: the JSON records
 * of the collector (dm_log_parse_json), the batch encoding of the
 * write-ahead log (lg_enc_batch / lg_dec_*) and the segment scan
 * (wal_scan_fd).
 *
 * The first input byte picks the mode:
 *   even  the rest is a request body.  If dm_log_parse_json accepts it,
 *         a JSON array body must also be valid JSON to jansson, and the
 *         records must survive lg_enc_batch -> lg_dec_next unchanged
 *         (every value bit for bit).
 *   odd   the rest is a WAL segment file: the scan must stop at a frame
 *         boundary within the file, and every batch frame it delivers
 *         must decode to the end or fail cleanly.
 * Any disagreement aborts.
 *
 * Build and run: see tests/fuzz/README (the logger's and core's sources
 * compiled with the fuzzer, the rest from build/libdriftmon.a).
 */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "driftmon/logger.h"
#include "logger/logger_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_roundtrip(const dm_log_parsed *p)
{
	static const lg_limits lim = {1000, 65536};
	lg_enc e;
	lg_dec d;
	lg_drec r;
	dm_diag diag;
	size_t i, k;

	lg_enc_init(&e);
	if (lg_enc_batch(&e, p->records, p->nrecords, 1, &lim, 1, &diag) !=
	    DM_OK) {
		lg_enc_release(&e);
		return; /* a record the logger refuses: fine */
	}
	memset(&d, 0, sizeof(d));
	if (lg_dec_open(&d, e.frame.p + WAL_FRAME_HDR,
			e.frame.len - WAL_FRAME_HDR) != 0)
		abort();
	for (i = 0; i < p->nrecords; i++) {
		const dm_log_record *in = &p->records[i];

		if (lg_dec_next(&d, &r) != 1)
			abort();
		if ((uint64_t)r.ts_us !=
		    (uint64_t)(in->timestamp_us ? in->timestamp_us : 1))
			abort();
		if (!in->request_id != !r.rid ||
		    (r.rid && (r.rid_len != strlen(in->request_id) ||
			       memcmp(r.rid, in->request_id, r.rid_len))))
			abort();
		if (r.nfields != in->nfeatures + in->npredictions)
			abort();
		for (k = 0; k < r.nfields; k++) {
			const dm_log_value *v =
				k < in->nfeatures
					? &in->features[k]
					: &in->predictions[k - in->nfeatures];
			const lg_dfield *f = &r.fields[k];
			size_t sl;

			if (f->type != v->type ||
			    f->prediction != (k >= in->nfeatures) ||
			    d.name_len[f->name] != strlen(v->name) ||
			    memcmp(d.name[f->name], v->name,
				   d.name_len[f->name]))
				abort();
			if (v->type == DM_LOG_NUMBER &&
			    memcmp(&f->num, &v->num, 8) != 0)
				abort();
			sl = v->str_len ? v->str_len
					: (v->str ? strlen(v->str) : 0);
			if (v->type == DM_LOG_STRING &&
			    (f->len != sl || memcmp(f->str, v->str, sl)))
				abort();
		}
	}
	if (lg_dec_next(&d, &r) != 0)
		abort();
	lg_dec_release(&d);
	lg_enc_release(&e);
}

static void fuzz_json(const uint8_t *data, size_t size)
{
	char *body = malloc(size + 1), *copy = malloc(size + 1);
	dm_log_parsed p;
	dm_diag diag;

	if (!body || !copy)
		abort();
	memcpy(body, data, size);
	memcpy(copy, data, size);
	copy[size] = '\0';
	if (dm_log_parse_json(body, size, 1000, &p, &diag) == DM_OK) {
		size_t i = 0;

		while (i < size && strchr(" \t\r\n", copy[i]))
			i++;
		if (i < size && copy[i] == '[') {
			json_error_t je;
			json_t *j = json_loadb(
				copy, size,
				JSON_ALLOW_NUL | JSON_DECODE_INT_AS_REAL, &je);

			if (!j) {
				fprintf(stderr, "jansson rejects: %s\n",
					je.text);
				abort();
			}
			json_decref(j);
		}
		check_roundtrip(&p);
	} else if (!diag.msg[0]) {
		abort(); /* every error explains itself */
	}
	dm_log_parsed_release(&p);
	free(body);
	free(copy);
}

static int count_batch(void *ctx, const uint8_t *p, uint32_t len)
{
	lg_dec d;
	lg_drec r;
	int rc;

	(void)ctx;
	memset(&d, 0, sizeof(d));
	rc = lg_dec_open(&d, p, len);
	while (rc == 0 && (rc = lg_dec_next(&d, &r)) == 1)
		;
	lg_dec_release(&d);
	return 0;
}

static void fuzz_wal(const uint8_t *data, size_t size)
{
	char path[] = "/tmp/fuzz-wal-XXXXXX";
	int fd = mkstemp(path);
	wal_scan sc;

	if (fd < 0)
		return;
	unlink(path);
	if (write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return;
	}
	if (wal_scan_fd(fd, count_batch, NULL, &sc) != 0)
		abort();
	if (sc.file_size != size || sc.valid_end > size ||
	    (!sc.bad_magic && sc.valid_end < WAL_MAGIC_LEN))
		abort();
	close(fd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	if (data[0] & 1)
		fuzz_wal(data + 1, size - 1);
	else
		fuzz_json(data + 1, size - 1);
	return 0;
}
