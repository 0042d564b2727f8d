/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The Thrift compact protocol, as Parquet uses it for its footer and page
 * headers: a bounds-checked reader over an untrusted buffer and a small
 * writer.
 *
 * Reader design: every read checks the bytes left; errors are sticky in
 * the cursor (every later read returns 0), so parsers read a whole struct
 * and check c->err once.  Counts (list sizes, binary lengths) are checked
 * against the bytes that remain before anything is done with them, and
 * struct nesting is bounded, so a hostile footer can neither make the
 * parser allocate more than the footer justifies nor recurse deeply.
 */
#include <stdlib.h>
#include <string.h>

#include "io/parquet/parquet_int.h"

#define TC_MAX_DEPTH 48

void tc_init(pq_tc *c, const void *p, size_t len)
{
	memset(c, 0, sizeof(*c));
	c->p = p;
	c->end = c->p + len;
}

int tc_fail(pq_tc *c, const char *why)
{
	if (!c->err) {
		c->err = 1;
		c->why = why;
	}
	c->p = c->end;
	return 0;
}

uint64_t tc_uvarint(pq_tc *c)
{
	uint64_t v = 0;

	if (c->err)
		return 0;
	switch (bb_get_uvarint(&c->p, c->end, &v)) {
	case BB_VARINT_OK:
		return v;
	case BB_VARINT_TRUNCATED:
		return tc_fail(c, "truncated varint");
	case BB_VARINT_OVERFLOW:
		return tc_fail(c, "varint overflows 64 bits");
	default:
		return tc_fail(c, "varint too long");
	}
}

int64_t tc_i64(pq_tc *c)
{
	return bb_unzigzag(tc_uvarint(c));
}

int32_t tc_i32(pq_tc *c)
{
	int64_t v = tc_i64(c);

	if (v < INT32_MIN || v > INT32_MAX)
		return tc_fail(c, "i32 out of range");
	return (int32_t)v;
}

int tc_byte(pq_tc *c)
{
	if (c->err)
		return 0;
	if (c->p >= c->end)
		return tc_fail(c, "truncated");
	return *c->p++;
}

double tc_double(pq_tc *c)
{
	double d;

	if (c->err)
		return 0;
	if (c->end - c->p < 8)
		return tc_fail(c, "truncated double");
	memcpy(&d, c->p, 8);
	c->p += 8;
	return d;
}

const uint8_t *tc_binary(pq_tc *c, uint32_t *len)
{
	uint64_t n = tc_uvarint(c);
	const uint8_t *p;

	*len = 0;
	if (c->err)
		return NULL;
	if (n > (uint64_t)(c->end - c->p)) {
		tc_fail(c, "binary length past the end");
		return NULL;
	}
	p = c->p;
	c->p += n;
	*len = (uint32_t)n;
	return p;
}

int tc_field(pq_tc *c, int16_t *last, int16_t *id, int *type)
{
	int b = tc_byte(c);
	int t, delta;

	if (c->err || b == TC_STOP)
		return 0;
	t = b & 0x0f;
	delta = b >> 4;
	if (delta)
		*id = (int16_t)(*last + delta);
	else {
		int64_t v = tc_i64(c);
		if (v < INT16_MIN || v > INT16_MAX)
			return tc_fail(c, "field id out of range");
		*id = (int16_t)v;
	}
	if (t == TC_TRUE || t == TC_FALSE) {
		c->boolval = t == TC_TRUE;
		t = TC_BOOL;
	} else if (t < TC_I8 || t > TC_STRUCT) {
		return tc_fail(c, "bad field type");
	}
	*last = *id;
	*type = t;
	return !c->err;
}

uint32_t tc_list(pq_tc *c, int *etype)
{
	int b = tc_byte(c);
	uint64_t n;

	if (c->err)
		return 0;
	n = (uint64_t)(b >> 4);
	*etype = b & 0x0f;
	if (n == 15)
		n = tc_uvarint(c);
	if (c->err)
		return 0;
	if (*etype == TC_TRUE || *etype == TC_FALSE)
		*etype = TC_BOOL;
	else if (*etype < TC_I8 || *etype > TC_STRUCT)
		return tc_fail(c, "bad list element type");
	/* every element takes at least one byte, except for a double's 8 */
	if (n > (uint64_t)(c->end - c->p))
		return tc_fail(c, "list count past the end");
	return (uint32_t)n;
}

int tc_list_bool(pq_tc *c)
{
	return tc_byte(c) == TC_TRUE;
}

int tc_struct_begin(pq_tc *c)
{
	if (++c->depth > TC_MAX_DEPTH)
		return tc_fail(c, "structs nested too deeply");
	return !c->err;
}

void tc_struct_end(pq_tc *c)
{
	c->depth--;
}

void tc_skip(pq_tc *c, int type)
{
	int16_t last = 0, id;
	int t;
	uint32_t n, i;

	if (c->err)
		return;
	switch (type) {
	case TC_BOOL:
		return; /* value was in the field header */
	case TC_I8:
		tc_byte(c);
		return;
	case TC_I16:
	case TC_I32:
	case TC_I64:
		tc_uvarint(c);
		return;
	case TC_DOUBLE:
		tc_double(c);
		return;
	case TC_BINARY:
		tc_binary(c, &n);
		return;
	case TC_LIST:
	case TC_SET:
		n = tc_list(c, &t);
		if (!tc_struct_begin(c))
			return;
		for (i = 0; i < n && !c->err; i++) {
			if (t == TC_BOOL)
				tc_byte(c);
			else
				tc_skip(c, t);
		}
		tc_struct_end(c);
		return;
	case TC_MAP: {
		uint64_t m = tc_uvarint(c);
		int kt, vt, b;
		if (c->err || m == 0)
			return;
		b = tc_byte(c);
		/* every key and every value takes at least one byte */
		if (m > (uint64_t)(c->end - c->p) / 2) {
			tc_fail(c, "map count past the end");
			return;
		}
		kt = b >> 4;
		vt = b & 15;
		if (kt == TC_TRUE || kt == TC_FALSE)
			kt = TC_BOOL;
		if (vt == TC_TRUE || vt == TC_FALSE)
			vt = TC_BOOL;
		if (kt < TC_I8 || vt < TC_I8 || kt > TC_BOOL || vt > TC_BOOL) {
			tc_fail(c, "bad map types");
			return;
		}
		if (!tc_struct_begin(c))
			return;
		for (uint64_t k = 0; k < m && !c->err; k++) {
			if (kt == TC_BOOL)
				tc_byte(c);
			else
				tc_skip(c, kt);
			if (vt == TC_BOOL)
				tc_byte(c);
			else
				tc_skip(c, vt);
		}
		tc_struct_end(c);
		return;
	}
	case TC_STRUCT:
		if (!tc_struct_begin(c))
			return;
		while (tc_field(c, &last, &id, &t))
			tc_skip(c, t);
		tc_struct_end(c);
		return;
	default:
		tc_fail(c, "bad type");
	}
}

/* ---- writer -------------------------------------------------------- */

void tw_init(pq_tw *w, bbuf *b)
{
	memset(w, 0, sizeof(*w));
	w->b = b;
}

void tw_field(pq_tw *w, int16_t id, int type)
{
	int16_t delta = (int16_t)(id - w->last[w->depth]);

	if (delta > 0 && delta <= 15)
		bb_u8(w->b, (uint8_t)(delta << 4 | type));
	else {
		bb_u8(w->b, (uint8_t)type);
		bb_svarint(w->b, id);
	}
	w->last[w->depth] = id;
}

void tw_i32(pq_tw *w, int16_t id, int32_t v)
{
	tw_field(w, id, TC_I32);
	bb_svarint(w->b, v);
}

void tw_i64(pq_tw *w, int16_t id, int64_t v)
{
	tw_field(w, id, TC_I64);
	bb_svarint(w->b, v);
}

void tw_bool(pq_tw *w, int16_t id, int v)
{
	tw_field(w, id, v ? TC_TRUE : TC_FALSE);
}

void tw_binary(pq_tw *w, int16_t id, const void *p, size_t n)
{
	tw_field(w, id, TC_BINARY);
	bb_uvarint(w->b, n);
	bb_put(w->b, p, n);
}

void tw_struct_begin(pq_tw *w, int16_t id)
{
	tw_field(w, id, TC_STRUCT);
	tw_elem_struct_begin(w);
}

void tw_elem_struct_begin(pq_tw *w)
{
	if (w->depth + 1 < (int)(sizeof(w->last) / sizeof(w->last[0])))
		w->depth++;
	w->last[w->depth] = 0;
}

void tw_struct_end(pq_tw *w)
{
	bb_u8(w->b, TC_STOP);
	if (w->depth > 0)
		w->depth--;
}

void tw_list_begin(pq_tw *w, int16_t id, int etype, uint32_t n)
{
	tw_field(w, id, TC_LIST);
	if (n < 15)
		bb_u8(w->b, (uint8_t)(n << 4 | (uint32_t)etype));
	else {
		bb_u8(w->b, (uint8_t)(0xf0 | etype));
		bb_uvarint(w->b, n);
	}
}

void tw_elem_i32(pq_tw *w, int32_t v)
{
	bb_svarint(w->b, v);
}

void tw_elem_binary(pq_tw *w, const void *p, size_t n)
{
	bb_uvarint(w->b, n);
	bb_put(w->b, p, n);
}
