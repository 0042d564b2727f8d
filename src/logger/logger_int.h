/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Private to the inference logger (include/driftmon/logger.h): CRC32C,
 * varints and growable buffers, a string hash map, the write-ahead-log
 * framing, the binary encoding of record batches, the schema and the
 * conversion of a sealed segment into Parquet files.  Unit tests include
 * this header to test each piece alone.
 *
 * WAL segment file (docs/logger.md has the full description):
 *
 *   "DMWAL\0\1\n"                       8-byte magic
 *   frame*                              each: u32 len, u32 crc, payload
 *
 * len is the payload length (little-endian, 1..WAL_MAX_FRAME) and crc
 * the CRC32C of the payload.  The first frame is the segment header
 * (payload[0] = WAL_REC_HEADER), the others batches (WAL_REC_BATCH).  A
 * frame that is short, has an impossible length or a wrong CRC ends the
 * segment: everything from it on is a torn tail, the remains of a write
 * that a crash interrupted and that was therefore never acknowledged.
 */
#ifndef DM_LOGGER_INT_H
#define DM_LOGGER_INT_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "core/bbuf.h"
#include "driftmon/logger.h"
#include "driftmon/store.h"

/* ---- CRC32C (Castagnoli), as iSCSI, ext4 and LevelDB use it ------- */
/* crc of p[0..n) continuing from crc (start with 0). */
uint32_t lg_crc32c(uint32_t crc, const void *p, size_t n);

/* ---- byte buffers: core/bbuf.h (bb_put, bb_uvarint, bb_get_uvarint) - */

/* ---- string hash map (key bytes -> uint32 value) ------------------- */
typedef struct smap_slot {
	const char *key; /* not owned unless the map says so */
	uint32_t len;
	uint32_t hash;
	uint32_t val;
} smap_slot;

typedef struct smap {
	smap_slot *slots;
	size_t nslots; /* power of two, or 0 */
	size_t n;
} smap;

uint32_t smap_hash(const char *s, size_t len);
/* Returns the slot of key, or NULL. */
smap_slot *smap_find(const smap *m, const char *key, size_t len, uint32_t hash);
/* Inserts key (pointer kept, not copied: it must outlive the map) with
 * val; key must not be present.  Returns 0 or -1 (allocation). */
int smap_insert(smap *m, const char *key, size_t len, uint32_t hash,
		uint32_t val);
void smap_clear(smap *m); /* empties, keeps the table */
void smap_release(smap *m);

/* ---- time ----------------------------------------------------------- */
int64_t lg_now_us(void);  /* CLOCK_REALTIME */
int64_t lg_mono_ms(void); /* CLOCK_MONOTONIC */
/* Days since 1970-01-01 of a proleptic Gregorian date. */
int64_t lg_days_from_civil(int64_t y, unsigned m, unsigned d);
/* Splits microseconds since the epoch into a UTC date and hour. */
void lg_civil_from_us(int64_t us, int *year, int *month, int *day, int *hour);

/* ---- WAL framing ---------------------------------------------------- */
#define WAL_MAGIC     "DMWAL\0\1\n"
#define WAL_MAGIC_LEN 8
#define WAL_FRAME_HDR 8
#define WAL_MAX_FRAME (64u << 20)
enum { WAL_REC_HEADER = 1, WAL_REC_BATCH = 2 };

/* Fills hdr[0..8) for a payload of len bytes. */
void wal_frame_header(uint8_t hdr[WAL_FRAME_HDR], const void *payload,
		      uint32_t len);

/* The first segment number of a run (six digits: see make_identity). */
#define LG_SEQ_FIRST 100001u

/* Identity of a segment: where its Parquet files' names come from. */
typedef struct wal_segid {
	char host[65];
	long pid;
	char nonce[17];
	uint32_t seq;
	int64_t created_us;
} wal_segid;

/* Encodes the header frame's payload into b. */
void wal_header_encode(bbuf *b, const wal_segid *id);
/* Parses a header payload; returns 0 or -1. */
int wal_header_decode(const uint8_t *p, size_t len, wal_segid *id);

/* Result of scanning a segment file. */
typedef struct wal_scan {
	uint64_t file_size;
	uint64_t valid_end; /* end of the last valid frame (or the magic) */
	uint64_t nframes;   /* valid frames, the header included */
	int bad_magic;	    /* not a segment file (or shorter than the magic) */
	int has_header;	    /* the first frame is a valid header */
	wal_segid id;
} wal_scan;

/*
 * Reads the segment open on fd from the start, checking every frame, and
 * calls cb (if not NULL) for each valid batch frame; a nonzero return
 * from cb stops the scan and is returned.  Never reads past the first
 * bad frame.  Returns 0, cb's value, or -1 with errno on a read error
 * (*res is then partial).  Memory: one frame.
 */
typedef int (*wal_frame_cb)(void *ctx, const uint8_t *payload, uint32_t len);
int wal_scan_fd(int fd, wal_frame_cb cb, void *ctx, wal_scan *res);

/* ---- batches of records ----------------------------------------------- */
/*
 * Payload of a batch frame (all integers LEB128 varints):
 *
 *   u8 WAL_REC_BATCH
 *   nnames, then per name: len, bytes            column names used
 *   nmv, then per pair: len, model, len, version (model, version) pairs
 *   nrec, then per record:
 *     timestamp_us, mv index, request id (0 = none, else len + 1, bytes),
 *     nfields, then per field:
 *       (name index << 3) | (prediction << 2) | type   (dm_log_type)
 *       DM_LOG_NUMBER: 8 bytes little-endian IEEE double
 *       DM_LOG_STRING: len, bytes
 */

/* Limits the encoder checks (filled from the configuration). */
typedef struct lg_limits {
	size_t max_columns;
	size_t max_string_bytes;
} lg_limits;

/* Per (model, version) and column of a batch: what its records use. */
enum {
	LG_USE_NULL = 1,
	LG_USE_NUMBER = 2,
	LG_USE_STRING = 4,
	LG_USE_FEATURE = 8,
	LG_USE_PREDICTION = 16
};

typedef struct lg_name {
	const char *s; /* points into the caller's records */
	uint32_t len;
	uint32_t hash;
} lg_name;

typedef struct lg_mv {
	const char *model, *version;
	uint32_t mlen, vlen;
	uint8_t *use;	 /* per name index: LG_USE_* bits */
	uint32_t *first; /* per name index: 0-based record that first
			  * gave it a non-NULL value (or used it) */
} lg_mv;

/* An encoded batch, ready to append (frame header included). */
typedef struct lg_enc {
	bbuf frame; /* 8 bytes of frame header, then the payload */
	size_t nrec;
	/* tables, valid until lg_enc_release (they point into the records) */
	lg_name *names;
	size_t nnames, capnames;
	lg_mv *mv;
	size_t nmv, capmv;
	size_t capuse;
	/* scratch */
	smap name_map;
	uint32_t *stamp;
	bbuf names_b, mv_b, recs_b;
} lg_enc;

void lg_enc_init(lg_enc *e);
void lg_enc_release(lg_enc *e);
/*
 * Validates recs[0..n) and encodes them into e->frame (header filled).
 * now_us replaces timestamps of 0.  multi: messages say "record N: ".  Errors
 * (with a diag naming record and field): DM_EINVAL, DM_ETOOBIG, DM_ENOMEM.
 */
dm_err lg_enc_batch(lg_enc *e, const dm_log_record *recs, size_t n,
		    int64_t now_us, const lg_limits *lim, int multi,
		    dm_diag *diag);

/* Decoding a batch payload. */
typedef struct lg_dfield {
	uint32_t name;
	uint8_t type; /* dm_log_type */
	uint8_t prediction;
	double num;
	const char *str;
	uint32_t len;
} lg_dfield;

typedef struct lg_drec {
	int64_t ts_us;
	uint32_t mv;
	const char *rid; /* NULL: none */
	uint32_t rid_len;
	size_t nfields;
	lg_dfield *fields; /* owned by the decoder; valid until next */
} lg_drec;

typedef struct lg_dec {
	const uint8_t *p, *end;
	size_t nnames, nmv, nrec, irec;
	/* the frame's table of names, as encoded (its count included) */
	const uint8_t *names_raw;
	size_t names_raw_len;
	const char **name;
	uint32_t *name_len;
	const char **model, **version;
	uint32_t *mlen, *vlen;
	lg_dfield *fields;
	size_t capfields;
} lg_dec;

/* Opens payload[0..len) (a WAL_REC_BATCH frame).  0 or -1 (malformed;
 * -2 on allocation failure). */
int lg_dec_open(lg_dec *d, const uint8_t *payload, size_t len);
/* Next record: 1 delivered, 0 end, -1 malformed, -2 allocation. */
int lg_dec_next(lg_dec *d, lg_drec *r);
void lg_dec_release(lg_dec *d);

/* ---- schema ------------------------------------------------------------ */
typedef struct lg_scol {
	char *name;
	uint32_t len;
	uint8_t type;	    /* DM_LOG_NUMBER / DM_LOG_STRING, or NULL: not
			     * yet known (learned schemas only) */
	uint8_t prediction; /* 1 = output column */
	/* last use (schema_ttl): monotonic ms and the WAL stamp of the
	 * segment that holds its last record; atomics */
	int64_t used_ms;
	uint64_t used_stamp;
} lg_scol;

typedef struct lg_smodel {
	char *key; /* "model\0version" */
	uint32_t keylen;
	lg_scol *cols;
	size_t ncols, capcols;
	smap map;	 /* name -> index in cols */
	int64_t used_ms; /* as lg_scol */
	uint64_t used_stamp;
} lg_smodel;

typedef struct lg_schema {
	int declared; /* 1: the columns of 'decl' only, for every model */
	lg_smodel decl;
	lg_smodel *models; /* learned */
	size_t nmodels, capmodels;
	smap map; /* key -> index in models */
	size_t max_cols, max_models;
	int dirty; /* learned something not yet saved */
	/* what new entries and replayed records count as their last use */
	int64_t touch_ms;
	uint64_t touch_stamp;
	uint64_t nentries; /* learned models + their columns */
	uint64_t nexpired; /* entries forgotten so far */
} lg_schema;

/* Initialises s (declared columns copied when ndecl > 0). */
dm_err lg_schema_init(lg_schema *s, const dm_log_column *decl, size_t ndecl,
		      size_t max_cols, size_t max_models, dm_diag *diag);
void lg_schema_release(lg_schema *s);
/* The column of model/version called name, or NULL. */
const lg_scol *lg_schema_col(const lg_schema *s, const char *model, size_t mlen,
			     const char *version, size_t vlen, const char *name,
			     size_t nlen);

/* One column a batch would teach the schema. */
typedef struct lg_learn {
	uint32_t mv, name;
	uint8_t type, prediction;
} lg_learn;

/*
 * Checks the columns of encoded batch e against s.  New columns of a
 * learned schema are appended to *learn (growable array, *nlearn).
 * DM_ESCHEMA for a conflict (diag names record, column and types),
 * DM_ETOOBIG past a limit, DM_ENOMEM.
 */
dm_err lg_schema_check(const lg_schema *s, const lg_enc *e, lg_learn **learn,
		       size_t *nlearn, size_t *caplearn, int nrec_in_msg,
		       dm_diag *diag);
/* Adds the columns found by lg_schema_check (after re-checking them). */
dm_err lg_schema_learn(lg_schema *s, const lg_enc *e, const lg_learn *l,
		       size_t n, dm_diag *diag);
/* Learns from a decoded record of a replayed segment (conflicts there
 * are ignored: the first type wins). */
dm_err lg_schema_learn_rec(lg_schema *s, const lg_dec *d, const lg_drec *r);
/* Marks the models and columns batch e uses as used now, by a record in
 * the segment of WAL stamp 'stamp' (under either lock: atomics). */
void lg_schema_touch(const lg_schema *s, const lg_enc *e, uint64_t stamp,
		     int64_t now_ms);
/* Forgets (write lock) the models and columns of a learned schema last
 * used before now_ms - ttl_ms whose last record is in a segment stamped
 * before oldest_stamp (all of those are uploaded).  Returns how many. */
size_t lg_schema_expire(lg_schema *s, int64_t now_ms, int64_t ttl_ms,
			uint64_t oldest_stamp);
/* The learned schema as JSON (malloc'd; NULL on allocation failure). */
char *lg_schema_json(const lg_schema *s);
/* Writes js atomically (temporary file, fdatasync, rename) as dirfd/name. */
dm_err lg_schema_write(const char *js, int dirfd, const char *name,
		       dm_diag *diag);
/* Loads a schema written by lg_schema_write into s. */
dm_err lg_schema_load(lg_schema *s, int dirfd, const char *name, dm_diag *diag);

/* ---- conversion of a segment into Parquet ------------------------------ */
typedef struct lg_convert_opts {
	const char *prefix;	 /* "inference-logs" */
	int codec;		 /* dm_parquet_codec */
	const lg_schema *schema; /* types of all-NULL columns; may be NULL */
	pthread_rwlock_t *schema_lock; /* taken for reading around lookups */
	/* Nonzero: each file keeps the columns it was encoded from
	 * (lg_outfile.grp), for the hour profiles (lg_outfile_reader). */
	int keep_columns;
} lg_convert_opts;

/* One Parquet file made from a segment. */
typedef struct lg_outfile {
	char *key;
	uint8_t *data;
	size_t len;
	uint64_t rows;
	int64_t hour;	       /* start of its UTC hour, seconds */
	char *model, *version; /* of its rows */
	struct lg_group *grp;  /* its columns (keep_columns), or NULL */
} lg_outfile;

/*
 * Reads the segment file at path (already recovered: every frame
 * valid) and builds its Parquet files in memory, one per (hour, model,
 * version, schema variant), named from the segment's identity.  *out is
 * a malloc'd array of *nout files (lg_outfiles_free).  DM_EFORMAT if the
 * segment is not valid, DM_EIO, DM_ENOMEM.
 */
dm_err lg_convert_segment(const char *path, const lg_convert_opts *o,
			  lg_outfile **out, size_t *nout, uint64_t *rows,
			  dm_diag *diag);
void lg_outfiles_free(lg_outfile *f, size_t n);
/*
 * A reader over f that is the one dm_reader_open gives on f->data (the
 * same names, types, type hints, prediction marks from its footer, the
 * same batches of the same values, projection included) but serves the
 * columns from f->grp instead of decoding the Parquet again; columns it
 * does not hold as encoded (the timestamp) are read from the file.  f
 * must outlive the reader.  DM_EINVAL if f has no columns kept.
 */
dm_err lg_outfile_reader(const lg_outfile *f, dm_reader **out, dm_diag *diag);

/* Test hook: called at named points of the background work ("uploaded",
 * "manifest", "deleted"); a test may _exit() there to simulate a crash. */
extern void (*lg_test_hook)(const char *point);

#endif
