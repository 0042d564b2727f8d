/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The Parquet footer: FileMetaData decoded from the Thrift compact
 * protocol into the structures of parquet_int.h / driftmon/parquet.h.
 *
 * The schema is a tree flattened in pre-order (SchemaElement.num_children
 * says how many of the following elements belong to a group).  driftmon
 * reads the leaves that hang directly off the root and are not repeated;
 * every other leaf (inside a group, or repeated) is skipped with a
 * warning that names the top-level field, since a flat reader would
 * misread it.  Every count in the footer is checked against the bytes
 * that hold it, so the allocations here are bounded by a small multiple
 * of the footer's size.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "io/parquet/parquet_int.h"

static const char oom_why[] = "out of memory";

/*
 * Thrift field ids, as numbered in parquet.thrift (apache/parquet-format),
 * one enum per struct; only the fields driftmon reads or refuses.
 */
enum file_metadata_field {
	FMD_VERSION = 1,
	FMD_SCHEMA = 2,
	FMD_NUM_ROWS = 3,
	FMD_ROW_GROUPS = 4,
	FMD_KEY_VALUE_METADATA = 5,
	FMD_CREATED_BY = 6,
	FMD_ENCRYPTION_ALGORITHM = 8
};
enum schema_element_field {
	SE_TYPE = 1,
	SE_TYPE_LENGTH = 2,
	SE_REPETITION_TYPE = 3,
	SE_NAME = 4,
	SE_NUM_CHILDREN = 5,
	SE_CONVERTED_TYPE = 6,
	SE_SCALE = 7,
	SE_PRECISION = 8,
	SE_LOGICAL_TYPE = 10
};
/* The members of the LogicalType union (its field ids). */
enum logical_type_member {
	LT_NONE = 0, /* no LogicalType */
	LT_STRING = 1,
	LT_ENUM = 4,
	LT_DECIMAL = 5,
	LT_DATE = 6,
	LT_TIME = 7,
	LT_TIMESTAMP = 8,
	LT_INTEGER = 10,
	LT_UNKNOWN = 11,
	LT_JSON = 12,
	LT_BSON = 13,
	LT_UUID = 14,
	LT_FLOAT16 = 15,
	LT_GEOMETRY = 17,
	LT_GEOGRAPHY = 18
};
enum decimal_type_field { DEC_SCALE = 1, DEC_PRECISION = 2 };
/* TimeType and TimestampType */
enum time_type_field { TT_IS_ADJUSTED_TO_UTC = 1, TT_UNIT = 2 };
enum int_type_field { IT_BIT_WIDTH = 1, IT_IS_SIGNED = 2 };
/* The members of the TimeUnit union: MILLIS, MICROS, NANOS (the same
 * numbers as dm_parquet_unit). */
enum time_unit_member { TU_MILLIS = 1, TU_NANOS = 3 };
enum statistics_field {
	ST_MAX = 1, /* deprecated, signed order */
	ST_MIN = 2,
	ST_NULL_COUNT = 3,
	ST_DISTINCT_COUNT = 4,
	ST_MAX_VALUE = 5,
	ST_MIN_VALUE = 6
};
enum column_metadata_field {
	CM_TYPE = 1,
	CM_ENCODINGS = 2,
	CM_CODEC = 4,
	CM_NUM_VALUES = 5,
	CM_TOTAL_UNCOMPRESSED_SIZE = 6,
	CM_TOTAL_COMPRESSED_SIZE = 7,
	CM_DATA_PAGE_OFFSET = 9,
	CM_INDEX_PAGE_OFFSET = 10,
	CM_DICTIONARY_PAGE_OFFSET = 11,
	CM_STATISTICS = 12
};
enum column_chunk_field {
	CK_FILE_PATH = 1,
	CK_META_DATA = 3,
	CK_CRYPTO_METADATA = 8
};
enum row_group_field {
	RG_COLUMNS = 1,
	RG_TOTAL_BYTE_SIZE = 2,
	RG_NUM_ROWS = 3
};
enum key_value_field { KV_KEY = 1, KV_VALUE = 2 };
/* FieldRepetitionType */
enum repetition { REP_REQUIRED = 0, REP_OPTIONAL = 1, REP_REPEATED = 2 };

/* The ColumnMetaData fields a chunk must have (parse_colmeta's seen). */
enum {
	CM_SEEN_TYPE = 1,
	CM_SEEN_CODEC = 2,
	CM_SEEN_NUM_VALUES = 4,
	CM_SEEN_COMPRESSED_SIZE = 8,
	CM_SEEN_DATA_PAGE_OFFSET = 16,
	CM_SEEN_ALL = 31
};
/* The FileMetaData fields a footer must have. */
enum { FMD_SEEN_SCHEMA = 1, FMD_SEEN_NUM_ROWS = 2, FMD_SEEN_ROW_GROUPS = 4 };
/* pq_chunk.external: where the chunk's data is. */
enum { CHUNK_HERE = 0, CHUNK_OTHER_FILE = 1, CHUNK_ENCRYPTED = 2 };

typedef struct sel {
	int type; /* -1 absent */
	int32_t type_length;
	int rep; /* -1 absent */
	const uint8_t *name;
	uint32_t name_len;
	int has_children;
	int32_t num_children;
	int converted; /* -1 absent */
	int32_t scale, precision;
	int logical; /* LogicalType union field id, 0 absent */
	int unit;    /* TIME/TIMESTAMP */
	int utc;
	int int_bits, int_signed;
	int32_t lscale, lprecision;
} sel;

static void parse_unit(pq_tc *c, int *unit)
{
	int16_t last = 0, id;
	int t;

	if (!tc_struct_begin(c))
		return;
	while (tc_field(c, &last, &id, &t)) {
		if (t == TC_STRUCT && id >= TU_MILLIS && id <= TU_NANOS)
			*unit = id;
		tc_skip(c, t);
	}
	tc_struct_end(c);
}

static void parse_logical(pq_tc *c, sel *e)
{
	int16_t last = 0, id;
	int t;

	if (!tc_struct_begin(c))
		return;
	while (tc_field(c, &last, &id, &t)) {
		if (t != TC_STRUCT) {
			tc_skip(c, t);
			continue;
		}
		e->logical = id;
		int16_t l2 = 0, id2;
		int t2;
		if (!tc_struct_begin(c))
			break;
		while (tc_field(c, &l2, &id2, &t2)) {
			if (id == LT_DECIMAL && id2 == DEC_SCALE &&
			    t2 == TC_I32)
				e->lscale = tc_i32(c);
			else if (id == LT_DECIMAL && id2 == DEC_PRECISION &&
				 t2 == TC_I32)
				e->lprecision = tc_i32(c);
			else if ((id == LT_TIME || id == LT_TIMESTAMP) &&
				 id2 == TT_IS_ADJUSTED_TO_UTC && t2 == TC_BOOL)
				e->utc = c->boolval;
			else if ((id == LT_TIME || id == LT_TIMESTAMP) &&
				 id2 == TT_UNIT && t2 == TC_STRUCT)
				parse_unit(c, &e->unit);
			else if (id == LT_INTEGER && id2 == IT_BIT_WIDTH &&
				 t2 == TC_I8)
				e->int_bits = (int8_t)tc_byte(c);
			else if (id == LT_INTEGER && id2 == IT_IS_SIGNED &&
				 t2 == TC_BOOL)
				e->int_signed = c->boolval;
			else
				tc_skip(c, t2);
		}
		tc_struct_end(c);
	}
	tc_struct_end(c);
}

static void parse_schema_el(pq_tc *c, sel *e)
{
	int16_t last = 0, id;
	int t;

	memset(e, 0, sizeof(*e));
	e->type = e->rep = e->converted = -1;
	if (!tc_struct_begin(c))
		return;
	while (tc_field(c, &last, &id, &t)) {
		if (id == SE_TYPE && t == TC_I32)
			e->type = tc_i32(c);
		else if (id == SE_TYPE_LENGTH && t == TC_I32)
			e->type_length = tc_i32(c);
		else if (id == SE_REPETITION_TYPE && t == TC_I32)
			e->rep = tc_i32(c);
		else if (id == SE_NAME && t == TC_BINARY)
			e->name = tc_binary(c, &e->name_len);
		else if (id == SE_NUM_CHILDREN && t == TC_I32) {
			e->has_children = 1;
			e->num_children = tc_i32(c);
		} else if (id == SE_CONVERTED_TYPE && t == TC_I32)
			e->converted = tc_i32(c);
		else if (id == SE_SCALE && t == TC_I32)
			e->scale = tc_i32(c);
		else if (id == SE_PRECISION && t == TC_I32)
			e->precision = tc_i32(c);
		else if (id == SE_LOGICAL_TYPE && t == TC_STRUCT)
			parse_logical(c, e);
		else
			tc_skip(c, t);
	}
	tc_struct_end(c);
}

static void parse_stats(pq_tc *c, dm_parquet_stats *s)
{
	int16_t last = 0, id;
	int t;
	const uint8_t *lmin = NULL, *lmax = NULL;
	uint32_t lmin_len = 0, lmax_len = 0;

	if (!tc_struct_begin(c))
		return;
	while (tc_field(c, &last, &id, &t)) {
		if (id == ST_MAX && t == TC_BINARY)
			lmax = tc_binary(c, &lmax_len);
		else if (id == ST_MIN && t == TC_BINARY)
			lmin = tc_binary(c, &lmin_len);
		else if (id == ST_NULL_COUNT && t == TC_I64) {
			s->has_null_count = 1;
			s->null_count = tc_i64(c);
		} else if (id == ST_DISTINCT_COUNT && t == TC_I64) {
			s->has_distinct_count = 1;
			s->distinct_count = tc_i64(c);
		} else if (id == ST_MAX_VALUE && t == TC_BINARY)
			s->max = tc_binary(c, &s->max_len);
		else if (id == ST_MIN_VALUE && t == TC_BINARY)
			s->min = tc_binary(c, &s->min_len);
		else
			tc_skip(c, t);
	}
	tc_struct_end(c);
	if (!s->min && !s->max && (lmin || lmax)) {
		s->min = lmin;
		s->min_len = lmin_len;
		s->max = lmax;
		s->max_len = lmax_len;
	}
}

static void parse_colmeta(pq_tc *c, pq_chunk *k)
{
	int16_t last = 0, id;
	int t, et;
	uint32_t n, i;
	int seen = 0;

	if (!tc_struct_begin(c))
		return;
	while (tc_field(c, &last, &id, &t)) {
		switch (id) {
		case CM_TYPE:
			if (t != TC_I32)
				goto skip;
			k->type = tc_i32(c);
			seen |= CM_SEEN_TYPE;
			break;
		case CM_ENCODINGS:
			if (t != TC_LIST)
				goto skip;
			n = tc_list(c, &et);
			for (i = 0; i < n && !c->err; i++) {
				int32_t e = et == TC_I32 ? tc_i32(c) : -1;
				if (et != TC_I32)
					tc_skip(c, et);
				else if (e >= 0 && e < 32)
					k->info.encodings |= 1u << e;
			}
			break;
		case CM_CODEC:
			if (t != TC_I32)
				goto skip;
			k->info.codec = (dm_parquet_codec)tc_i32(c);
			seen |= CM_SEEN_CODEC;
			break;
		case CM_NUM_VALUES:
			if (t != TC_I64)
				goto skip;
			k->info.num_values = tc_i64(c);
			seen |= CM_SEEN_NUM_VALUES;
			break;
		case CM_TOTAL_UNCOMPRESSED_SIZE:
			if (t != TC_I64)
				goto skip;
			k->info.total_uncompressed_size = tc_i64(c);
			break;
		case CM_TOTAL_COMPRESSED_SIZE:
			if (t != TC_I64)
				goto skip;
			k->info.total_compressed_size = tc_i64(c);
			seen |= CM_SEEN_COMPRESSED_SIZE;
			break;
		case CM_DATA_PAGE_OFFSET:
			if (t != TC_I64)
				goto skip;
			k->info.data_page_offset = tc_i64(c);
			seen |= CM_SEEN_DATA_PAGE_OFFSET;
			break;
		case CM_INDEX_PAGE_OFFSET:
			if (t != TC_I64)
				goto skip;
			k->index_page_offset = tc_i64(c);
			break;
		case CM_DICTIONARY_PAGE_OFFSET:
			if (t != TC_I64)
				goto skip;
			k->info.dictionary_page_offset = tc_i64(c);
			break;
		case CM_STATISTICS:
			if (t != TC_STRUCT)
				goto skip;
			parse_stats(c, &k->info.stats);
			break;
		default:
		skip:
			tc_skip(c, t);
		}
	}
	tc_struct_end(c);
	if (seen == CM_SEEN_ALL)
		k->has_meta = 1;
}

static void parse_chunk(pq_tc *c, pq_chunk *k)
{
	int16_t last = 0, id;
	int t;

	k->info.dictionary_page_offset = -1;
	k->index_page_offset = -1;
	if (!tc_struct_begin(c))
		return;
	while (tc_field(c, &last, &id, &t)) {
		if (id == CK_FILE_PATH && t == TC_BINARY) {
			uint32_t n;
			tc_binary(c, &n);
			k->external = CHUNK_OTHER_FILE;
		} else if (id == CK_META_DATA && t == TC_STRUCT)
			parse_colmeta(c, k);
		else if (id == CK_CRYPTO_METADATA)
			k->external = CHUNK_ENCRYPTED;
		else
			tc_skip(c, t);
	}
	tc_struct_end(c);
}

static void parse_rowgroup(pq_tc *c, pq_rowgroup *g, size_t nleaves,
			   const char **why)
{
	int16_t last = 0, id;
	int t, et;
	uint32_t n, i;

	if (!tc_struct_begin(c))
		return;
	while (tc_field(c, &last, &id, &t)) {
		if (id == RG_COLUMNS && t == TC_LIST && !g->chunks) {
			n = tc_list(c, &et);
			if (c->err)
				break;
			if (et != TC_STRUCT || n != nleaves) {
				*why = "row group has a different number of "
				       "columns than the schema";
				tc_fail(c, *why);
				break;
			}
			g->chunks = calloc(nleaves ? nleaves : 1,
					   sizeof(*g->chunks));
			if (!g->chunks) {
				*why = oom_why;
				tc_fail(c, *why);
				break;
			}
			for (i = 0; i < n && !c->err; i++)
				parse_chunk(c, &g->chunks[i]);
		} else if (id == RG_TOTAL_BYTE_SIZE && t == TC_I64)
			g->total_byte_size = tc_i64(c);
		else if (id == RG_NUM_ROWS && t == TC_I64)
			g->num_rows = tc_i64(c);
		else
			tc_skip(c, t);
	}
	tc_struct_end(c);
}

static int add_warning(pq_footer *ft, const char *fmt, const char *name,
		       const char *detail)
{
	char line[512];
	char **w;

	snprintf(line, sizeof(line), fmt, name, detail);
	w = realloc(ft->warn, (ft->nwarn + 1) * sizeof(*w));
	if (!w)
		return -1;
	ft->warn = w;
	if (!(w[ft->nwarn] = util_dupn((const uint8_t *)line, strlen(line))))
		return -1;
	ft->nwarn++;
	return 0;
}

/* Maps a leaf to a readable column; returns NULL if readable, else why
 * it is not. */
static const char *map_column(const sel *e, dm_parquet_column_info *ci)
{
	int p = e->type;
	int lg = e->logical;

	memset(ci, 0, sizeof(*ci));
	ci->physical = (dm_parquet_physical)p;
	ci->type_length =
		p == DM_PARQUET_FIXED_LEN_BYTE_ARRAY ? e->type_length : 0;
	ci->optional = e->rep == REP_OPTIONAL;
	ci->converted_type = e->converted;
	ci->coltype = DM_COL_DOUBLE;
	if (p < 0 || p > 7)
		return "unknown physical type";
	if (p == DM_PARQUET_FIXED_LEN_BYTE_ARRAY && e->type_length <= 0)
		return "FIXED_LEN_BYTE_ARRAY without a positive length";
	if (lg == LT_NONE && e->converted >= 0) {
		/* legacy ConvertedType */
		switch (e->converted) {
		case 0:
			lg = LT_STRING;
			break; /* UTF8 */
		case 4:
			lg = LT_ENUM;
			break; /* ENUM */
		case 5:
			lg = LT_DECIMAL;
			break; /* DECIMAL */
		case 6:
			lg = LT_DATE;
			break; /* DATE */
		case 7:
			lg = LT_TIME;
			ci->unit = DM_PARQUET_MILLIS;
			break;
		case 8:
			lg = LT_TIME;
			ci->unit = DM_PARQUET_MICROS;
			break;
		case 9:
			lg = LT_TIMESTAMP;
			ci->unit = DM_PARQUET_MILLIS;
			ci->utc = 1;
			break;
		case 10:
			lg = LT_TIMESTAMP;
			ci->unit = DM_PARQUET_MICROS;
			ci->utc = 1;
			break;
		case 11:
		case 12:
		case 13:
		case 14:
			lg = LT_INTEGER;
			ci->int_signed = 0;
			ci->int_bits = 8 << (e->converted - 11);
			break;
		case 15:
		case 16:
		case 17:
		case 18:
			lg = LT_INTEGER;
			ci->int_signed = 1;
			ci->int_bits = 8 << (e->converted - 15);
			break;
		case 19:
			lg = LT_JSON;
			break; /* JSON */
		case 20:
			lg = LT_BSON;
			break; /* BSON */
		case 21:
			return "INTERVAL is not supported";
		default:
			return "unsupported converted type";
		}
		if (lg == LT_DECIMAL) {
			ci->scale = e->scale;
			ci->precision = e->precision;
		}
	} else if (lg) {
		ci->unit = (dm_parquet_unit)e->unit;
		ci->utc = e->utc;
		ci->int_bits = e->int_bits;
		ci->int_signed = e->int_signed;
		ci->scale = e->lscale;
		ci->precision = e->lprecision;
	}
	switch (lg) {
	case LT_NONE:
	case LT_UNKNOWN: /* only NULLs */
		ci->logical = lg ? DM_PARQUET_L_NULL : DM_PARQUET_L_NONE;
		if (p == DM_PARQUET_INT96) {
			ci->logical = DM_PARQUET_L_TIMESTAMP;
			ci->unit = DM_PARQUET_NANOS;
		}
		if (p == DM_PARQUET_BYTE_ARRAY ||
		    p == DM_PARQUET_FIXED_LEN_BYTE_ARRAY)
			ci->coltype = DM_COL_STRING;
		return NULL;
	case LT_STRING:
	case LT_ENUM:
	case LT_JSON:
	case LT_BSON:
	case LT_UUID:
	case LT_GEOMETRY:
	case LT_GEOGRAPHY:
		ci->logical = lg == LT_STRING ? DM_PARQUET_L_STRING
			      : lg == LT_ENUM ? DM_PARQUET_L_ENUM
			      : lg == LT_JSON ? DM_PARQUET_L_JSON
			      : lg == LT_UUID ? DM_PARQUET_L_UUID
					      : DM_PARQUET_L_BSON;
		if (p != DM_PARQUET_BYTE_ARRAY &&
		    p != DM_PARQUET_FIXED_LEN_BYTE_ARRAY)
			return "string type on a non-byte-array column";
		ci->coltype = DM_COL_STRING;
		return NULL;
	case LT_DECIMAL:
		ci->logical = DM_PARQUET_L_DECIMAL;
		if (p != DM_PARQUET_INT32 && p != DM_PARQUET_INT64 &&
		    p != DM_PARQUET_BYTE_ARRAY &&
		    p != DM_PARQUET_FIXED_LEN_BYTE_ARRAY)
			return "DECIMAL on an unsupported physical type";
		if (ci->scale < 0 || ci->scale > 76)
			return "DECIMAL scale out of range";
		return NULL;
	case LT_DATE:
		ci->logical = DM_PARQUET_L_DATE;
		return p == DM_PARQUET_INT32 ? NULL : "DATE not on INT32";
	case LT_TIME:
	case LT_TIMESTAMP:
		ci->logical = lg == LT_TIME ? DM_PARQUET_L_TIME
					    : DM_PARQUET_L_TIMESTAMP;
		if (ci->unit < DM_PARQUET_MILLIS || ci->unit > DM_PARQUET_NANOS)
			return "time unit missing";
		if (p != DM_PARQUET_INT64 &&
		    !(p == DM_PARQUET_INT32 && lg == LT_TIME &&
		      ci->unit == DM_PARQUET_MILLIS))
			return "TIME/TIMESTAMP on an unsupported physical type";
		return NULL;
	case LT_INTEGER:
		ci->logical = DM_PARQUET_L_INT;
		if (p != DM_PARQUET_INT32 && p != DM_PARQUET_INT64)
			return "INTEGER not on INT32/INT64";
		if (ci->int_bits != 8 && ci->int_bits != 16 &&
		    ci->int_bits != 32 && ci->int_bits != 64)
			return "INTEGER bit width not 8/16/32/64";
		return NULL;
	case LT_FLOAT16:
		ci->logical = DM_PARQUET_L_FLOAT16;
		return p == DM_PARQUET_FIXED_LEN_BYTE_ARRAY &&
				       e->type_length == 2
			       ? NULL
			       : "FLOAT16 not on FIXED_LEN_BYTE_ARRAY(2)";
	default:
		return "unsupported logical type";
	}
}

/* Walks the schema tree from element i (pre-order); returns the index
 * past its subtree or -1.  top is the index of the root child this
 * subtree belongs to (or -1 for the root itself). */
static long walk(const sel *els, size_t nel, size_t i, int depth,
		 size_t *nleaves)
{
	const sel *e = &els[i];
	size_t j;

	if (depth > 64)
		return -1;
	if (e->type >= 0 && !(e->has_children && e->num_children > 0)) {
		(*nleaves)++;
		return (long)i + 1;
	}
	if (!e->has_children || e->num_children < 0)
		return -1;
	j = i + 1;
	for (int32_t k = 0; k < e->num_children; k++) {
		if (j >= nel)
			return -1;
		long nx = walk(els, nel, j, depth + 1, nleaves);
		if (nx < 0)
			return -1;
		j = (size_t)nx;
	}
	return (long)j;
}

/*
 * The steps of pq_footer_parse return DM_OK, STEP_BAD (a malformed
 * footer: *why says how, or else the Thrift reader's c->why), or an
 * error to return as it is (DM_ENOMEM, or one whose message is in diag).
 */
#define STEP_BAD (-1)

/* FileMetaData.schema: the elements, and the tree they flatten. */
static int read_schema(pq_tc *c, pq_footer *ft, sel **els, size_t *nel,
		       const char **why)
{
	int et;
	uint32_t n = tc_list(c, &et), i;

	if (c->err || et != TC_STRUCT || n == 0) {
		*why = "bad schema list";
		return STEP_BAD;
	}
	*els = calloc(n, sizeof(**els));
	if (!*els)
		return DM_ENOMEM;
	*nel = n;
	for (i = 0; i < n && !c->err; i++)
		parse_schema_el(c, &(*els)[i]);
	if (c->err)
		return STEP_BAD;
	if (walk(*els, *nel, 0, 0, &ft->nleaves) != (long)*nel) {
		*why = "schema tree is inconsistent";
		return STEP_BAD;
	}
	return DM_OK;
}

/* FileMetaData.row_groups (after the schema, which says how many
 * columns each must have). */
static int read_rowgroups(pq_tc *c, pq_footer *ft, int have_schema,
			  const char **why)
{
	int et;
	uint32_t n = tc_list(c, &et), i;

	if (c->err)
		return STEP_BAD;
	if (!have_schema) {
		*why = "row groups before the schema";
		return STEP_BAD;
	}
	if (n && et != TC_STRUCT) {
		*why = "bad row group list";
		return STEP_BAD;
	}
	ft->rg = calloc(n ? n : 1, sizeof(*ft->rg));
	if (!ft->rg)
		return DM_ENOMEM;
	ft->nrg = n;
	for (i = 0; i < n && !c->err; i++) {
		parse_rowgroup(c, &ft->rg[i], ft->nleaves, why);
		if (!c->err && !ft->rg[i].chunks) {
			if (ft->nleaves) {
				*why = "row group without columns";
				return STEP_BAD;
			}
			ft->rg[i].chunks = calloc(1, sizeof(pq_chunk));
			if (!ft->rg[i].chunks)
				return DM_ENOMEM;
		}
	}
	return DM_OK;
}

/* FileMetaData.key_value_metadata, copied as strings (kvstr). */
static int read_key_values(pq_tc *c, pq_footer *ft)
{
	int et;
	uint32_t n = tc_list(c, &et), i;

	if (c->err || (n && et != TC_STRUCT))
		return STEP_BAD;
	ft->kv = calloc(n ? n : 1, sizeof(*ft->kv));
	ft->kvstr = calloc(2 * (size_t)n + 1, sizeof(char *));
	ft->nkvstr = 2 * (size_t)n;
	if (!ft->kv || !ft->kvstr)
		return DM_ENOMEM;
	for (i = 0; i < n && !c->err; i++) {
		int16_t l2 = 0, id2;
		int t2;
		const uint8_t *k = NULL, *v = NULL;
		uint32_t kl = 0, vl = 0;
		if (!tc_struct_begin(c))
			break;
		while (tc_field(c, &l2, &id2, &t2)) {
			if (id2 == KV_KEY && t2 == TC_BINARY)
				k = tc_binary(c, &kl);
			else if (id2 == KV_VALUE && t2 == TC_BINARY)
				v = tc_binary(c, &vl);
			else
				tc_skip(c, t2);
		}
		tc_struct_end(c);
		if (c->err)
			break;
		ft->kvstr[2 * i] = util_dupn(k ? k : (const uint8_t *)"", kl);
		ft->kvstr[2 * i + 1] = v ? util_dupn(v, vl) : NULL;
		if (!ft->kvstr[2 * i] || (v && !ft->kvstr[2 * i + 1]))
			return DM_ENOMEM;
		ft->kv[ft->nkv].key = ft->kvstr[2 * i];
		ft->kv[ft->nkv].value = ft->kvstr[2 * i + 1];
		ft->nkv++;
	}
	return DM_OK;
}

/* The readable columns: the flat leaves under the root, each mapped to
 * a column type; nested, repeated or unsupported ones get a warning. */
static int map_top_columns(pq_footer *ft, const sel *els, size_t nel,
			   const char **why)
{
	size_t leaf = 0, i = 1;

	ft->cols = calloc(ft->nleaves ? ft->nleaves : 1, sizeof(*ft->cols));
	ft->names = calloc(ft->nleaves ? ft->nleaves : 1, sizeof(char *));
	if (!ft->cols || !ft->names)
		return DM_ENOMEM;
	for (int32_t k = 0; k < els[0].num_children; k++) {
		const sel *e = &els[i];
		size_t nl = 0;
		long nx = walk(els, nel, i, 1, &nl);
		char *nm = util_dupn(e->name ? e->name : (const uint8_t *)"",
				     e->name_len);
		int r = 0;

		if (nx < 0 || !nm) {
			free(nm);
			if (!nm)
				return DM_ENOMEM;
			*why = "schema tree is inconsistent";
			return STEP_BAD;
		}
		if (nl != 1 || (e->has_children && e->num_children > 0)) {
			char detail[64];
			snprintf(detail, sizeof(detail), "%zu leaf column%s",
				 nl, nl == 1 ? "" : "s");
			r = add_warning(ft,
					"column '%s' skipped: nested "
					"group (%s); nested columns are "
					"not supported",
					nm, detail);
			free(nm);
		} else if (e->rep == REP_REPEATED) {
			r = add_warning(ft, "column '%s' skipped: %s", nm,
					"repeated (nested columns are "
					"not supported)");
			free(nm);
		} else {
			dm_parquet_column_info *ci = &ft->cols[ft->ncols];
			const char *bad = map_column(e, ci);
			if (bad) {
				r = add_warning(ft, "column '%s' skipped: %s",
						nm, bad);
				free(nm);
			} else {
				ci->name = nm;
				ci->leaf = leaf;
				ft->names[ft->ncols++] = nm;
			}
		}
		if (r)
			return DM_ENOMEM;
		leaf += nl;
		i = (size_t)nx;
	}
	return DM_OK;
}

/* A read column's chunk in row group i: here, complete, of the
 * schema's type, inside the file. */
static dm_err check_chunk(const pq_chunk *k, const dm_parquet_column_info *col,
			  size_t i, uint64_t file_size, const char *name,
			  dm_diag *diag)
{
	const char *cn = col->name;

	if (k->external == CHUNK_ENCRYPTED)
		return dm_diag_set(diag, DM_EUNSUPPORTED, name, 0, cn,
				   "encrypted column");
	if (k->external)
		return dm_diag_set(diag, DM_EUNSUPPORTED, name, 0, cn,
				   "column data in another "
				   "file (file_path)");
	if (!k->has_meta)
		return dm_diag_set(diag, DM_EFORMAT, name, 0, cn,
				   "row group %zu: column chunk "
				   "without complete metadata",
				   i);
	if (k->type != (int)col->physical)
		return dm_diag_set(diag, DM_EFORMAT, name, 0, cn,
				   "row group %zu: chunk type "
				   "differs from the schema",
				   i);
	if (k->info.total_compressed_size < 0 || k->info.data_page_offset < 4 ||
	    (uint64_t)k->info.total_compressed_size > file_size ||
	    (uint64_t)k->info.data_page_offset > file_size ||
	    k->info.num_values < 0)
		return dm_diag_set(diag, DM_EFORMAT, name, 0, cn,
				   "row group %zu: column chunk "
				   "offsets or sizes outside the "
				   "file",
				   i);
	return DM_OK;
}

/* The row groups' infos, the chunks of the read columns checked and
 * exported, the row counts added up against num_rows. */
static int export_rowgroups(pq_footer *ft, uint64_t file_size, const char *name,
			    dm_diag *diag, const char **why)
{
	int64_t total = 0;
	size_t i, j;
	dm_err err;

	ft->rginfo = calloc(ft->nrg ? ft->nrg : 1, sizeof(*ft->rginfo));
	ft->chunkinfo = calloc(ft->nrg * ft->ncols + 1, sizeof(*ft->chunkinfo));
	if (!ft->rginfo || !ft->chunkinfo)
		return DM_ENOMEM;
	for (i = 0; i < ft->nrg; i++) {
		pq_rowgroup *g = &ft->rg[i];
		dm_parquet_rowgroup_info *gi = &ft->rginfo[i];
		if (g->num_rows < 0 || g->num_rows > INT64_MAX - total) {
			*why = "bad row group row count";
			return STEP_BAD;
		}
		total += g->num_rows;
		gi->num_rows = g->num_rows;
		gi->total_byte_size = g->total_byte_size;
		gi->chunks = ft->chunkinfo + i * ft->ncols;
		/* the sum over every chunk, read or skipped: sizes past
		 * the file are left out (a read column's is refused
		 * below) and the sum saturates, so that hostile sizes
		 * cannot overflow it */
		for (j = 0; j < ft->nleaves; j++) {
			pq_chunk *k = &g->chunks[j];
			int64_t cs = k->info.total_compressed_size;
			if (!k->has_meta || cs <= 0 || (uint64_t)cs > file_size)
				continue;
			if (gi->total_compressed_size > INT64_MAX - cs)
				gi->total_compressed_size = INT64_MAX;
			else
				gi->total_compressed_size += cs;
		}
		for (j = 0; j < ft->ncols; j++) {
			pq_chunk *k = &g->chunks[ft->cols[j].leaf];

			err = check_chunk(k, &ft->cols[j], i, file_size, name,
					  diag);
			if (err != DM_OK)
				return err;
			ft->chunkinfo[i * ft->ncols + j] = k->info;
		}
	}
	if (total != ft->num_rows) {
		*why = "row groups' row counts do not add up to num_rows";
		return STEP_BAD;
	}
	return DM_OK;
}

dm_err pq_footer_parse(pq_footer *ft, uint8_t *buf, size_t len,
		       uint64_t file_size, const char *name, dm_diag *diag)
{
	pq_tc c;
	int16_t last = 0, id;
	int t, seen = 0, rc = DM_OK;
	sel *els = NULL;
	size_t nel = 0;
	const char *why = NULL;
	dm_err err = DM_OK;

	memset(ft, 0, sizeof(*ft));
	ft->buf = buf;
	ft->len = len;
	tc_init(&c, buf, len);
	if (!tc_struct_begin(&c))
		goto bad;
	while (tc_field(&c, &last, &id, &t)) {
		if (id == FMD_VERSION && t == TC_I32) {
			ft->version = tc_i32(&c);
		} else if (id == FMD_SCHEMA && t == TC_LIST && !els) {
			rc = read_schema(&c, ft, &els, &nel, &why);
			seen |= FMD_SEEN_SCHEMA;
		} else if (id == FMD_NUM_ROWS && t == TC_I64) {
			ft->num_rows = tc_i64(&c);
			seen |= FMD_SEEN_NUM_ROWS;
		} else if (id == FMD_ROW_GROUPS && t == TC_LIST && !ft->rg) {
			rc = read_rowgroups(&c, ft, els != NULL, &why);
			seen |= FMD_SEEN_ROW_GROUPS;
		} else if (id == FMD_KEY_VALUE_METADATA && t == TC_LIST &&
			   !ft->kv) {
			rc = read_key_values(&c, ft);
		} else if (id == FMD_CREATED_BY && t == TC_BINARY &&
			   !ft->created_by) {
			uint32_t n;
			const uint8_t *p = tc_binary(&c, &n);
			if (c.err)
				goto bad;
			if (!(ft->created_by = util_dupn(p, n)))
				rc = DM_ENOMEM;
		} else if (id == FMD_ENCRYPTION_ALGORITHM) {
			err = dm_diag_set(diag, DM_EUNSUPPORTED, name, 0, NULL,
					  "encrypted Parquet files are not "
					  "supported");
			goto out;
		} else {
			tc_skip(&c, t);
		}
		if (rc != DM_OK)
			goto step_failed;
	}
	if (c.err)
		goto bad;
	if (seen !=
	    (FMD_SEEN_SCHEMA | FMD_SEEN_NUM_ROWS | FMD_SEEN_ROW_GROUPS)) {
		why = "FileMetaData lacks schema, num_rows or row_groups";
		goto bad;
	}
	if (ft->num_rows < 0) {
		why = "negative num_rows";
		goto bad;
	}
	rc = map_top_columns(ft, els, nel, &why);
	if (rc == DM_OK)
		rc = export_rowgroups(ft, file_size, name, diag, &why);
	if (rc == DM_OK)
		goto out;
step_failed:
	if (rc != STEP_BAD) {
		err = (dm_err)rc;
		goto out;
	}
bad:
	if (why == oom_why || c.why == oom_why) {
		err = DM_ENOMEM;
		goto out;
	}
	err = dm_diag_set(diag, DM_EFORMAT, name, 0, NULL,
			  "malformed Parquet footer: %s",
			  why	  ? why
			  : c.why ? c.why
				  : "bad Thrift data");
out:
	free(els);
	return err;
}

void pq_footer_release(pq_footer *ft)
{
	size_t i;

	if (!ft)
		return;
	free(ft->buf);
	free(ft->created_by);
	for (i = 0; i < ft->ncols; i++)
		free(ft->names[i]);
	free(ft->names);
	free(ft->cols);
	for (i = 0; i < ft->nrg; i++)
		free(ft->rg[i].chunks);
	free(ft->rg);
	free(ft->rginfo);
	free(ft->chunkinfo);
	if (ft->kvstr)
		for (i = 0; i < ft->nkvstr; i++)
			free(ft->kvstr[i]);
	free(ft->kvstr);
	free(ft->kv);
	for (i = 0; i < ft->nwarn; i++)
		free(ft->warn[i]);
	free(ft->warn);
	memset(ft, 0, sizeof(*ft));
}
