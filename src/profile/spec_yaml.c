/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The monitoring spec in YAML (docs/spec-format.md): reader and writer.
 *
 * Reading takes two steps.  load() runs libyaml's event parser and
 * builds a small tree of mappings, lists and scalars, each with its line;
 * what YAML allows but a spec has no use for is refused there: aliases,
 * explicit tags, a second document, nesting deeper than
 * DM_SPEC_MAX_DEPTH.  Then the tree is checked against the format: each
 * mapping first for unknown and duplicate keys (check_map), then each
 * value for its type and range.  Every error names the file, the line
 * (libyaml counts from 0, people from 1) and the key path:
 *
 *   'spec.yaml': line 12: columns.customer_id: unknown key 'rol' (did you
 *   mean 'role'?)
 *
 * Scalars are text exactly as written: a key or a column name is never a
 * boolean, a null or a number (a column named yes, null or 1e3 is that
 * text), and a number must be written plain (unquoted) in decimal.
 *
 * Writing does not use libyaml's emitter, which cannot write comments.
 * The output is block-style YAML; a string is written plain only when
 * YAML 1.1 and 1.2 readers alike read it back as the same string (a
 * conservative ASCII pattern, not a reserved word), and double-quoted
 * with escapes otherwise, so any UTF-8 name round-trips.
 */
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>

#include "core/sbuf.h"
#include "core/utf8.h"
#include "driftmon/detect.h"
#include "driftmon/profile.h"
#include "driftmon/schema.h"
#include "driftmon/table.h"
#include "io/numfmt.h"

/* Drift tests a column may ask for, in the order of dm_test_id
 * (driftmon/stats.h, docs/drift-tests.md; test_breadth checks they agree).
 * "auto" leaves the choice to driftmon (test = NULL). */
static const char *const test_names[] = {
	"auto",	  "psi",   "ks",       "chi2",		"wasserstein",
	"energy", "cvm",   "anderson", "jensenshannon", "hellinger",
	"kl",	  "gtest", "ztest",    "fisher",	NULL};

static const char *const top_keys[] = {"version",  "model",   "model_version",
				       "defaults", "columns", NULL};
static const char *const default_keys[] = {"psi_threshold",
					   "alpha",
					   "critical_threshold",
					   "min_samples",
					   "missing_values",
					   "min_performance_drop",
					   NULL};
static const char *const column_keys[] = {
	"role",		 "type",	   "test",
	"psi_threshold", "alpha",	   "min_effect",
	"importance",	 "missing_values", NULL};

/* Accepted ranges (the detect flags accept the same). */
struct range {
	double lo, hi;
	int lo_open;
	const char *what;
};
static const struct range r_psi = {0.0, 100.0, 0, "a number from 0 to 100"};
static const struct range r_alpha = {0.0, 0.5, 1,
				     "a significance level in (0, 0.5]"};
static const struct range r_critical = {0.0, 1.0, 0, "a number from 0 to 1"};
static const struct range r_perf_drop = {0.0, 1.0, 0, "a number from 0 to 1"};
static const struct range r_effect = {0.0, 100.0, 0, "a number from 0 to 100"};
static const struct range r_importance = {0.0, 1e6, 0,
					  "a weight from 0 to 1000000"};
#define MAX_MIN_SAMPLES 1e15

int dm_spec_test_known(const char *name)
{
	size_t i;

	for (i = 0; name && test_names[i]; i++)
		if (strcmp(name, test_names[i]) == 0)
			return 1;
	return 0;
}

/* ------------------------------------------------------------------ */
/* The tree                                                            */
/* ------------------------------------------------------------------ */
enum ykind { Y_SCALAR, Y_MAP, Y_SEQ };

typedef struct ynode {
	enum ykind kind;
	int plain;     /* scalar written without quotes */
	unsigned line; /* from 1 */
	char *text;    /* scalar, NUL-terminated */
	size_t len;
	struct ynode **kid; /* map: key, value, key, value, ...; seq: items */
	size_t nkid, cap;
} ynode;

static void ynode_free(ynode *n)
{
	size_t i;

	if (!n)
		return;
	for (i = 0; i < n->nkid; i++)
		ynode_free(n->kid[i]);
	free(n->kid);
	free(n->text);
	free(n);
}

struct ctx {
	const char *name;
	dm_diag *diag;
};

static dm_err failv(struct ctx *c, dm_err err, unsigned line, const char *path,
		    const char *fmt, va_list ap)
{
	char why[512];

	vsnprintf(why, sizeof(why), fmt, ap);
	if (path && *path)
		return dm_diag_set(c->diag, err, c->name, 0, NULL,
				   "line %u: %s: %s", line, path, why);
	return dm_diag_set(c->diag, err, c->name, 0, NULL, "line %u: %s", line,
			   why);
}

/* DM_EFORMAT: "'<file>': line N: <path>: <why>". */
static dm_err fail(struct ctx *c, unsigned line, const char *path,
		   const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static dm_err fail(struct ctx *c, unsigned line, const char *path,
		   const char *fmt, ...)
{
	va_list ap;
	dm_err err;

	va_start(ap, fmt);
	err = failv(c, DM_EFORMAT, line, path, fmt, ap);
	va_end(ap);
	return err;
}

static dm_err fail_as(struct ctx *c, dm_err e, unsigned line, const char *path,
		      const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
static dm_err fail_as(struct ctx *c, dm_err e, unsigned line, const char *path,
		      const char *fmt, ...)
{
	va_list ap;
	dm_err err;

	va_start(ap, fmt);
	err = failv(c, e, line, path, fmt, ap);
	va_end(ap);
	return err;
}

static unsigned mark_line(yaml_mark_t m)
{
	return m.line + 1 > 0xffffffffu ? 0xffffffffu : (unsigned)m.line + 1;
}

/* libyaml's own error: a syntax error, or bytes that are not UTF-8 or
 * not printable (the reader reports an offset, not a line). */
static dm_err syntax_error(struct ctx *c, yaml_parser_t *ps, const char *text,
			   size_t len)
{
	size_t line = ps->problem_mark.line + 1,
	       col = ps->problem_mark.column + 1, i;
	const char *problem = ps->problem ? ps->problem : "syntax error";

	if (ps->error == YAML_MEMORY_ERROR)
		return DM_ENOMEM;
	if (ps->error == YAML_READER_ERROR) {
		line = 1;
		for (i = 0; i < ps->problem_offset && i < len; i++)
			line += text[i] == '\n';
		return dm_diag_set(c->diag, DM_EFORMAT, c->name, 0, NULL,
				   "line %zu: not valid YAML: %s (byte %zu)",
				   line, problem, ps->problem_offset + 1);
	}
	if (ps->context)
		return dm_diag_set(c->diag, DM_EFORMAT, c->name, 0, NULL,
				   "line %zu, column %zu: not valid YAML: %s "
				   "(%s at line %zu)",
				   line, col, problem, ps->context,
				   (size_t)ps->context_mark.line + 1);
	return dm_diag_set(c->diag, DM_EFORMAT, c->name, 0, NULL,
			   "line %zu, column %zu: not valid YAML: %s", line,
			   col, problem);
}

static int tag_ok(const yaml_char_t *tag, const char *implied)
{
	return !tag || strcmp((const char *)tag, implied) == 0;
}

/* A new node for a scalar or the start of a mapping or list, added to the
 * open container (or as the root); containers are pushed on stack. */
static dm_err add_node(struct ctx *c, const yaml_event_t *ev, ynode **stack,
		       size_t *depth, ynode **root)
{
	unsigned line = mark_line(ev->start_mark);
	const yaml_char_t *tag;
	const char *implied;
	ynode *n, *parent;

	switch (ev->type) {
	case YAML_SCALAR_EVENT:
		tag = ev->data.scalar.tag;
		implied = YAML_STR_TAG;
		break;
	case YAML_MAPPING_START_EVENT:
		tag = ev->data.mapping_start.tag;
		implied = YAML_MAP_TAG;
		break;
	default:
		tag = ev->data.sequence_start.tag;
		implied = YAML_SEQ_TAG;
		break;
	}
	if (!tag_ok(tag, implied))
		return fail(c, line, NULL,
			    "explicit tags (%.60s) are not supported",
			    (const char *)tag);
	if (ev->type != YAML_SCALAR_EVENT && *depth >= DM_SPEC_MAX_DEPTH)
		return fail(c, line, NULL,
			    "nested more than %d levels deep (a spec needs 4)",
			    DM_SPEC_MAX_DEPTH);
	n = calloc(1, sizeof(*n));
	if (!n)
		return DM_ENOMEM;
	n->line = line;
	if (ev->type == YAML_SCALAR_EVENT) {
		n->kind = Y_SCALAR;
		n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
		n->len = ev->data.scalar.length;
		if (memchr(ev->data.scalar.value, 0, n->len)) {
			free(n);
			return fail(c, line, NULL,
				    "a value contains a NUL character");
		}
		n->text = malloc(n->len + 1);
		if (!n->text) {
			free(n);
			return DM_ENOMEM;
		}
		memcpy(n->text, ev->data.scalar.value, n->len);
		n->text[n->len] = '\0';
	} else {
		n->kind = ev->type == YAML_MAPPING_START_EVENT ? Y_MAP : Y_SEQ;
	}
	if (*depth == 0) {
		*root = n;
	} else {
		parent = stack[*depth - 1];
		if (parent->nkid == parent->cap) {
			size_t cap = parent->cap ? 2 * parent->cap : 8;
			ynode **k = realloc(parent->kid, cap * sizeof(*k));

			if (!k) {
				ynode_free(n);
				return DM_ENOMEM;
			}
			parent->kid = k;
			parent->cap = cap;
		}
		parent->kid[parent->nkid++] = n;
	}
	if (n->kind != Y_SCALAR)
		stack[(*depth)++] = n;
	return DM_OK;
}

/* Parses text into a tree (*root is NULL for an empty document). */
static dm_err load(struct ctx *c, const char *text, size_t len, ynode **root)
{
	yaml_parser_t ps;
	yaml_event_t ev;
	ynode *stack[DM_SPEC_MAX_DEPTH];
	size_t depth = 0;
	int docs = 0, done = 0;
	dm_err err = DM_OK;

	*root = NULL;
	if (!yaml_parser_initialize(&ps))
		return DM_ENOMEM;
	yaml_parser_set_input_string(&ps, (const unsigned char *)text, len);
	yaml_parser_set_encoding(&ps, YAML_UTF8_ENCODING);
	while (!done && err == DM_OK) {
		if (!yaml_parser_parse(&ps, &ev)) {
			err = syntax_error(c, &ps, text, len);
			break;
		}
		switch (ev.type) {
		case YAML_STREAM_END_EVENT:
			done = 1;
			break;
		case YAML_DOCUMENT_START_EVENT:
			if (++docs > 1)
				err = fail(c, mark_line(ev.start_mark), NULL,
					   "a second YAML document: a spec "
					   "is one document");
			break;
		case YAML_ALIAS_EVENT:
			err = fail(c, mark_line(ev.start_mark), NULL,
				   "aliases (*%.60s) are not supported: write "
				   "the value out",
				   (const char *)ev.data.alias.anchor);
			break;
		case YAML_SCALAR_EVENT:
		case YAML_MAPPING_START_EVENT:
		case YAML_SEQUENCE_START_EVENT:
			err = add_node(c, &ev, stack, &depth, root);
			break;
		case YAML_MAPPING_END_EVENT:
		case YAML_SEQUENCE_END_EVENT:
			if (depth > 0)
				depth--;
			break;
		default:
			break;
		}
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&ps);
	if (err != DM_OK) {
		ynode_free(*root);
		*root = NULL;
	}
	return err;
}

/* ------------------------------------------------------------------ */
/* Showing names and values in messages                                */
/* ------------------------------------------------------------------ */
/* Up to 60 bytes of s (cut at a character boundary), control characters
 * as '?', "..." when cut. */
static const char *show(const char *s, char *buf, size_t cap)
{
	size_t n = strlen(s), keep = n, i;

	if (cap < 8)
		return "";
	if (keep > 60 || keep > cap - 4) {
		keep = 60 < cap - 4 ? 60 : cap - 4;
		while (keep > 0 && ((unsigned char)s[keep] & 0xc0) == 0x80)
			keep--;
	}
	for (i = 0; i < keep; i++)
		buf[i] =
			(unsigned char)s[i] < 0x20 || s[i] == 0x7f ? '?' : s[i];
	if (keep < n)
		memcpy(buf + keep, "...", 3), keep += 3;
	buf[keep] = '\0';
	return buf;
}

static const char *kind_name(const ynode *n)
{
	if (n->kind == Y_MAP)
		return "a mapping";
	if (n->kind == Y_SEQ)
		return "a list";
	if (n->plain && n->len == 0)
		return "nothing";
	return "text";
}

/* 1 for the empty plain scalar (YAML's null: `key:` with no value). */
static int is_nothing(const ynode *n)
{
	return n->kind == Y_SCALAR && n->plain && n->len == 0;
}

/* ------------------------------------------------------------------ */
/* Keys: unknown (with a suggestion), duplicate                        */
/* ------------------------------------------------------------------ */
static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j, d[33];

	if (la > 32 || lb > 32)
		return 99;
	for (j = 0; j <= lb; j++)
		d[j] = j;
	for (i = 1; i <= la; i++) {
		size_t diag = d[0];

		d[0] = i;
		for (j = 1; j <= lb; j++) {
			size_t up = d[j], best = diag + (a[i - 1] != b[j - 1]);

			if (up + 1 < best)
				best = up + 1;
			if (d[j - 1] + 1 < best)
				best = d[j - 1] + 1;
			diag = up;
			d[j] = best;
		}
	}
	return d[lb];
}

/* The closest name within 2 edits (and fewer than the word's length),
 * or NULL. */
static const char *closest(const char *s, const char *const *names)
{
	const char *best = NULL;
	size_t bd = 3, i, d;

	for (i = 0; names[i]; i++) {
		d = edit_distance(s, names[i]);
		if (d < bd && d < strlen(s)) {
			bd = d;
			best = names[i];
		}
	}
	return best;
}

static int in_list(const char *s, const char *const *names)
{
	size_t i;

	for (i = 0; names[i]; i++)
		if (strcmp(s, names[i]) == 0)
			return 1;
	return 0;
}

enum level { L_TOP, L_DEFAULTS, L_COLUMN, L_COLUMNS };

/* A hint for a key that belongs at another level, or "". */
static const char *misplaced(enum level lv, const char *key)
{
	if (lv == L_TOP && in_list(key, default_keys))
		return " (a model default: put it under 'defaults:')";
	if (lv == L_TOP && in_list(key, column_keys))
		return " (a column setting: put it under 'columns: <name>:')";
	if (lv == L_DEFAULTS && in_list(key, column_keys))
		return " (a column setting: put it under 'columns: <name>:')";
	if (lv == L_COLUMN && in_list(key, default_keys))
		return " (a model setting: put it under 'defaults:')";
	if (lv != L_TOP && in_list(key, top_keys))
		return " (a top-level key)";
	return "";
}

static const char *const *keys_of(enum level lv)
{
	switch (lv) {
	case L_TOP:
		return top_keys;
	case L_DEFAULTS:
		return default_keys;
	case L_COLUMN:
		return column_keys;
	default:
		return NULL;
	}
}

static int by_key(const void *a, const void *b)
{
	const ynode *x = *(const ynode *const *)a;
	const ynode *y = *(const ynode *const *)b;
	int r = strcmp(x->text, y->text);

	if (r)
		return r;
	return x->line < y->line ? -1 : x->line > y->line;
}

/* The duplicate key of m that comes first in the file after its twin, if
 * any: *dup and *first get it and the earlier one (keys compared as
 * text).  Sorting keeps this O(n log n) for 10,000 columns. */
static dm_err find_duplicate(const ynode *m, const ynode **dup,
			     const ynode **first)
{
	size_t n = m->nkid / 2, i;
	const ynode **keys;

	*dup = *first = NULL;
	if (n < 2)
		return DM_OK;
	keys = malloc(n * sizeof(*keys));
	if (!keys)
		return DM_ENOMEM;
	for (i = 0; i < n; i++)
		keys[i] = m->kid[2 * i];
	qsort(keys, n, sizeof(*keys), by_key);
	for (i = 1; i < n; i++) {
		const ynode *x = keys[i - 1], *y = keys[i];

		if (strcmp(x->text, y->text) == 0 &&
		    (!*dup || y->line < (*dup)->line)) {
			*dup = y;
			*first = x;
		}
	}
	free(keys);
	return DM_OK;
}

/*
 * Checks that n is a mapping (or nothing, read as an empty mapping)
 * whose keys are scalars, known at level lv (L_COLUMNS: any non-empty
 * name) and unique.
 */
static dm_err check_map(struct ctx *c, const ynode *n, const char *path,
			enum level lv)
{
	const char *const *known = keys_of(lv);
	const ynode *dup, *first;
	char b1[80], b2[80];
	size_t i;
	dm_err err;

	if (is_nothing(n))
		return DM_OK;
	if (n->kind != Y_MAP)
		return fail(c, n->line, path,
			    "expected a mapping (key: value "
			    "lines), got %s",
			    kind_name(n));
	for (i = 0; i < n->nkid; i += 2) {
		const ynode *k = n->kid[i];
		const char *hint;

		if (k->kind != Y_SCALAR)
			return fail(c, k->line, path,
				    "a key must be a name, not %s",
				    kind_name(k));
		if (!known)
			continue;
		if (in_list(k->text, known))
			continue;
		hint = closest(k->text, known);
		if (hint)
			return fail(c, k->line, path,
				    "unknown key '%s' (did you mean '%s'?)",
				    show(k->text, b1, sizeof(b1)), hint);
		return fail(c, k->line, path, "unknown key '%s'%s",
			    show(k->text, b1, sizeof(b1)),
			    misplaced(lv, k->text));
	}
	if ((err = find_duplicate(n, &dup, &first)) != DM_OK)
		return err;
	if (dup && lv == L_COLUMNS)
		return fail(c, dup->line, path,
			    "duplicate column '%s' (first at line %u)",
			    show(dup->text, b2, sizeof(b2)), first->line);
	if (dup)
		return fail(c, dup->line, path,
			    "duplicate key '%s' (first at line %u)",
			    show(dup->text, b2, sizeof(b2)), first->line);
	return DM_OK;
}

/* The value of key in mapping m, or NULL (also when m is nothing). */
static const ynode *map_get(const ynode *m, const char *key)
{
	size_t i;

	if (m->kind != Y_MAP)
		return NULL;
	for (i = 0; i + 1 < m->nkid; i += 2)
		if (strcmp(m->kid[i]->text, key) == 0)
			return m->kid[i + 1];
	return NULL;
}

/* ------------------------------------------------------------------ */
/* Values                                                              */
/* ------------------------------------------------------------------ */
/* YAML's decimal number: [-+]? (digits [. digits*] | . digits) [e[-+]?
 * digits]; no inf, nan, hex or underscores. */
static int yaml_number(const char *s, double *out)
{
	const char *p = s;
	int digits = 0;

	if (*p == '+' || *p == '-')
		p++;
	while (*p >= '0' && *p <= '9')
		p++, digits++;
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9'; p++)
			digits++;
	if (!digits)
		return -1;
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '+' || *p == '-')
			p++;
		if (!(*p >= '0' && *p <= '9'))
			return -1;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	if (*p || dm_parse_double(s, strlen(s), out) < 0 || !isfinite(*out))
		return -1;
	return 0;
}

static dm_err get_number(struct ctx *c, const ynode *n, const char *path,
			 const struct range *r, double *out)
{
	char b[80];

	if (n->kind != Y_SCALAR || is_nothing(n))
		return fail(c, n->line, path, "expected %s, got %s", r->what,
			    kind_name(n));
	if (!n->plain)
		return fail(c, n->line, path,
			    "expected %s, got quoted text \"%s\" (write "
			    "numbers without quotes)",
			    r->what, show(n->text, b, sizeof(b)));
	if (yaml_number(n->text, out) < 0)
		return fail(c, n->line, path, "expected %s, got '%s'", r->what,
			    show(n->text, b, sizeof(b)));
	if (*out < r->lo || *out > r->hi || (r->lo_open && *out == r->lo))
		return fail(c, n->line, path, "must be %s, got %s", r->what,
			    show(n->text, b, sizeof(b)));
	return DM_OK;
}

/* A whole number from lo to hi, plain. */
static dm_err get_whole(struct ctx *c, const ynode *n, const char *path,
			double lo, double hi, const char *what, double *out)
{
	char b[80];
	const char *p;

	if (n->kind != Y_SCALAR || is_nothing(n))
		return fail(c, n->line, path, "expected %s, got %s", what,
			    kind_name(n));
	for (p = n->text; *p >= '0' && *p <= '9'; p++)
		;
	if (!n->plain || *p || p == n->text || n->len > 17)
		return fail(c, n->line, path, "expected %s, got %s'%s'", what,
			    n->plain ? "" : "quoted text ",
			    show(n->text, b, sizeof(b)));
	*out = strtod(n->text, NULL);
	if (*out < lo || *out > hi)
		return fail(c, n->line, path, "must be %s, got %s", what,
			    n->text);
	return DM_OK;
}

/* Text of at most max bytes (not nothing) into *out (malloc'd). */
static dm_err get_text(struct ctx *c, const ynode *n, const char *path,
		       size_t max, char **out)
{
	if (n->kind != Y_SCALAR || is_nothing(n))
		return fail(c, n->line, path, "expected text, got %s",
			    kind_name(n));
	if (n->len > max)
		return fail_as(c, DM_ETOOBIG, n->line, path,
			       "longer than %zu bytes (%zu)", max, n->len);
	free(*out);
	*out = strdup(n->text);
	return *out ? DM_OK : DM_ENOMEM;
}

/* A name from a table: *idx gets its index. */
static dm_err get_name(struct ctx *c, const ynode *n, const char *path,
		       const char *what, const char *const *names, size_t *idx)
{
	char b[80], list[200];
	const char *hint;
	size_t i, off = 0;

	if (n->kind != Y_SCALAR || is_nothing(n))
		return fail(c, n->line, path, "expected a %s name, got %s",
			    what, kind_name(n));
	for (i = 0; names[i]; i++) {
		if (strcmp(n->text, names[i]) == 0) {
			*idx = i;
			return DM_OK;
		}
		off += (size_t)snprintf(list + off, sizeof(list) - off, "%s%s",
					i ? ", " : "", names[i]);
		if (off >= sizeof(list))
			off = sizeof(list) - 1;
	}
	hint = closest(n->text, names);
	if (hint)
		return fail(c, n->line, path,
			    "unknown %s '%s' (did you mean '%s'?)", what,
			    show(n->text, b, sizeof(b)), hint);
	return fail(c, n->line, path, "unknown %s '%s' (one of: %s)", what,
		    show(n->text, b, sizeof(b)), list);
}

/* missing_values: a list of strings, each taken as written. */
static dm_err get_markers(struct ctx *c, const ynode *n, const char *path,
			  char ***out, size_t *nout)
{
	size_t i;
	char **v;

	if (n->kind != Y_SEQ)
		return fail(c, n->line, path,
			    "expected a list such as [\"\", \"NA\"] ([] for "
			    "none), got %s",
			    kind_name(n));
	if (n->nkid > DM_SPEC_MAX_MARKERS)
		return fail_as(c, DM_ETOOBIG, n->line, path,
			       "more than %d missing markers (%zu)",
			       DM_SPEC_MAX_MARKERS, n->nkid);
	for (i = 0; i < n->nkid; i++) {
		const ynode *it = n->kid[i];

		if (it->kind != Y_SCALAR)
			return fail(c, it->line, path,
				    "item %zu: expected text, got %s", i + 1,
				    kind_name(it));
		if (is_nothing(it))
			return fail(c, it->line, path,
				    "item %zu is empty: write \"\" for the "
				    "empty cell",
				    i + 1);
		if (it->len > DM_SPEC_MAX_MARKER)
			return fail_as(c, DM_ETOOBIG, it->line, path,
				       "item %zu is longer than %d bytes",
				       i + 1, DM_SPEC_MAX_MARKER);
	}
	v = calloc(n->nkid + 1, sizeof(*v));
	if (!v)
		return DM_ENOMEM;
	for (i = 0; i < n->nkid; i++) {
		v[i] = strdup(n->kid[i]->text);
		if (!v[i]) {
			while (i > 0)
				free(v[--i]);
			free(v);
			return DM_ENOMEM;
		}
	}
	*out = v;
	*nout = n->nkid;
	return DM_OK;
}

/* ------------------------------------------------------------------ */
/* The format                                                          */
/* ------------------------------------------------------------------ */
static void key_path(char *buf, size_t cap, const char *parent, const char *key)
{
	snprintf(buf, cap, "%s%s%s", parent, *parent ? "." : "", key);
}

/* "columns.<name>", the name quoted when it is not a simple word. */
static void column_path(char *buf, size_t cap, const char *name)
{
	char b[80];
	const char *p;
	int simple = *name != '\0';

	for (p = name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '_' || *p == '-'))
			simple = 0;
	show(name, b, sizeof(b));
	snprintf(buf, cap, simple ? "columns.%s" : "columns.\"%s\"", b);
}

static dm_err parse_defaults(struct ctx *c, const ynode *n, dm_spec *s)
{
	const ynode *v;
	double x;
	dm_err err;

	if ((err = check_map(c, n, "defaults", L_DEFAULTS)) != DM_OK)
		return err;
	if ((v = map_get(n, "psi_threshold")) &&
	    (err = get_number(c, v, "defaults.psi_threshold", &r_psi,
			      &s->psi_threshold)) != DM_OK)
		return err;
	if ((v = map_get(n, "alpha")) &&
	    (err = get_number(c, v, "defaults.alpha", &r_alpha, &s->alpha)) !=
		    DM_OK)
		return err;
	if ((v = map_get(n, "critical_threshold")) &&
	    (err = get_number(c, v, "defaults.critical_threshold", &r_critical,
			      &s->critical_threshold)) != DM_OK)
		return err;
	if ((v = map_get(n, "min_performance_drop")) &&
	    (err = get_number(c, v, "defaults.min_performance_drop",
			      &r_perf_drop, &s->min_performance_drop)) != DM_OK)
		return err;
	if ((v = map_get(n, "min_samples"))) {
		err = get_whole(c, v, "defaults.min_samples", 1,
				MAX_MIN_SAMPLES, "a whole number >= 1", &x);
		if (err != DM_OK)
			return err;
		s->min_samples = (uint64_t)x;
		s->has_min_samples = 1;
	}
	if ((v = map_get(n, "missing_values"))) {
		err = get_markers(c, v, "defaults.missing_values", &s->missing,
				  &s->nmissing);
		if (err != DM_OK)
			return err;
		s->has_missing = 1;
	}
	return DM_OK;
}

/* Role names, and the type names a spec may use (all but "unknown"),
 * NULL-terminated, into v. */
static const char *const *role_table(const char **v)
{
	size_t i;

	for (i = 0; i < DM_ROLE_COUNT_; i++)
		v[i] = dm_role_name((dm_role)i);
	v[i] = NULL;
	return v;
}

static const char *const *type_table(const char **v)
{
	size_t i;

	for (i = 1; i < DM_LTYPE_COUNT_; i++)
		v[i - 1] = dm_ltype_name((dm_ltype)i);
	v[i - 1] = NULL;
	return v;
}

static dm_err parse_column(struct ctx *c, const ynode *key, const ynode *n,
			   dm_column_spec *cs)
{
	char path[200], kp[240];
	const char *names[DM_ROLE_COUNT_ + DM_LTYPE_COUNT_ + 1];
	const ynode *v;
	size_t idx;
	dm_err err;

	column_path(path, sizeof(path), key->text);
	cs->line = key->line;
	cs->psi_threshold = cs->alpha = cs->min_effect = cs->importance = NAN;
	if (key->len == 0)
		return fail(c, key->line, "columns", "empty column name");
	if (key->len > DM_SPEC_MAX_NAME)
		return fail_as(c, DM_ETOOBIG, key->line, "columns",
			       "a column name longer than %d bytes (%zu)",
			       DM_SPEC_MAX_NAME, key->len);
	cs->name = strdup(key->text);
	if (!cs->name)
		return DM_ENOMEM;
	if (!is_nothing(n) && n->kind != Y_MAP)
		return fail(c, n->line, path,
			    "expected a mapping of settings (role, type, "
			    "...), got %s",
			    kind_name(n));
	if ((err = check_map(c, n, path, L_COLUMN)) != DM_OK)
		return err;
	if ((v = map_get(n, "role"))) {
		key_path(kp, sizeof(kp), path, "role");
		if ((err = get_name(c, v, kp, "role", role_table(names), &idx)))
			return err;
		cs->role = (dm_role)idx;
		cs->has_role = 1;
	}
	if ((v = map_get(n, "type"))) {
		key_path(kp, sizeof(kp), path, "type");
		if ((err = get_name(c, v, kp, "type", type_table(names), &idx)))
			return err;
		cs->type = (dm_ltype)(idx + 1);
		cs->has_type = 1;
	}
	if ((v = map_get(n, "test"))) {
		key_path(kp, sizeof(kp), path, "test");
		if ((err = get_name(c, v, kp, "test", test_names, &idx)))
			return err;
		if (strcmp(test_names[idx], "auto") != 0 &&
		    !(cs->test = strdup(test_names[idx])))
			return DM_ENOMEM;
	}
	if ((v = map_get(n, "psi_threshold"))) {
		key_path(kp, sizeof(kp), path, "psi_threshold");
		if ((err = get_number(c, v, kp, &r_psi, &cs->psi_threshold)))
			return err;
	}
	if ((v = map_get(n, "alpha"))) {
		key_path(kp, sizeof(kp), path, "alpha");
		if ((err = get_number(c, v, kp, &r_alpha, &cs->alpha)))
			return err;
	}
	if ((v = map_get(n, "min_effect"))) {
		key_path(kp, sizeof(kp), path, "min_effect");
		if ((err = get_number(c, v, kp, &r_effect, &cs->min_effect)))
			return err;
	}
	if ((v = map_get(n, "importance"))) {
		key_path(kp, sizeof(kp), path, "importance");
		if ((err = get_number(c, v, kp, &r_importance,
				      &cs->importance)))
			return err;
	}
	if ((v = map_get(n, "missing_values"))) {
		key_path(kp, sizeof(kp), path, "missing_values");
		if ((err = get_markers(c, v, kp, &cs->missing, &cs->nmissing)))
			return err;
		cs->has_missing = 1;
	}
	return DM_OK;
}

static dm_err parse_columns(struct ctx *c, const ynode *n, dm_spec *s)
{
	size_t i, ncols;
	dm_err err;

	if (n->kind == Y_MAP && n->nkid / 2 > DM_SPEC_MAX_COLUMNS)
		return fail_as(c, DM_ETOOBIG,
			       n->kid[2 * DM_SPEC_MAX_COLUMNS]->line, "columns",
			       "more than %d columns", DM_SPEC_MAX_COLUMNS);
	if ((err = check_map(c, n, "columns", L_COLUMNS)) != DM_OK)
		return err;
	ncols = n->kind == Y_MAP ? n->nkid / 2 : 0;
	if (ncols == 0)
		return DM_OK;
	s->cols = calloc(ncols, sizeof(*s->cols));
	if (!s->cols)
		return DM_ENOMEM;
	for (i = 0; i < ncols; i++) {
		s->ncols = i + 1;
		err = parse_column(c, n->kid[2 * i], n->kid[2 * i + 1],
				   &s->cols[i]);
		if (err != DM_OK)
			return err;
	}
	return DM_OK;
}

static dm_err parse_root(struct ctx *c, const ynode *root, dm_spec *s)
{
	const ynode *v;
	double ver;
	dm_err err;

	if (!root || is_nothing(root))
		return fail(c, 1, NULL,
			    "empty spec: expected 'version: %d', "
			    "'defaults:' and 'columns:'",
			    DM_SPEC_FORMAT_VERSION);
	if (root->kind != Y_MAP)
		return fail(c, root->line, NULL,
			    "expected a mapping with 'version: %d', "
			    "'defaults:' and 'columns:', got %s",
			    DM_SPEC_FORMAT_VERSION, kind_name(root));
	if ((err = check_map(c, root, "", L_TOP)) != DM_OK)
		return err;
	v = map_get(root, "version");
	if (!v)
		return fail(c, root->line, NULL,
			    "missing 'version: %d' (the spec format version)",
			    DM_SPEC_FORMAT_VERSION);
	if ((err = get_whole(c, v, "version", 0, 1e9,
			     "the format version "
			     "(version: 1)",
			     &ver)) != DM_OK)
		return err;
	if (ver != DM_SPEC_FORMAT_VERSION)
		return fail_as(c, DM_EVERSION, v->line, "version",
			       "spec version %s is not supported (this "
			       "driftmon reads version %d)",
			       v->text, DM_SPEC_FORMAT_VERSION);
	s->version = (unsigned)ver;
	if ((v = map_get(root, "model")) &&
	    (err = get_text(c, v, "model", DM_SPEC_MAX_TEXT, &s->model)))
		return err;
	if ((v = map_get(root, "model_version")) &&
	    (err = get_text(c, v, "model_version", DM_SPEC_MAX_TEXT,
			    &s->model_version)))
		return err;
	if ((v = map_get(root, "defaults")) &&
	    (err = parse_defaults(c, v, s)) != DM_OK)
		return err;
	if ((v = map_get(root, "columns")) &&
	    (err = parse_columns(c, v, s)) != DM_OK)
		return err;
	return DM_OK;
}

dm_err dm_spec_parse_yaml(const char *text, size_t len, const char *name,
			  dm_spec *out, dm_diag *diag)
{
	struct ctx c = {name ? name : "spec", diag};
	ynode *root = NULL;
	dm_err err;

	dm_spec_init(out);
	if (len > DM_SPEC_MAX_BYTES) {
		err = dm_diag_set(diag, DM_ETOOBIG, c.name, 0, NULL,
				  "the spec is %zu bytes; at most %u are "
				  "read",
				  len, DM_SPEC_MAX_BYTES);
		goto out;
	}
	if ((err = load(&c, text ? text : "", text ? len : 0, &root)))
		goto out;
	err = parse_root(&c, root, out);
out:
	ynode_free(root);
	if (err != DM_OK) {
		if (err == DM_ENOMEM && diag && !diag->msg[0])
			dm_diag_set(diag, err, c.name, 0, NULL, "%s",
				    dm_strerror(err));
		dm_spec_release(out);
		dm_spec_init(out);
	}
	return err;
}

/* ------------------------------------------------------------------ */
/* Writing                                                             */
/* ------------------------------------------------------------------ */
/* Decodes the UTF-8 character at *p (valid input). */
static uint32_t next_cp(const unsigned char **p)
{
	const unsigned char *s = *p;
	uint32_t c = s[0];

	if (c < 0x80) {
		*p += 1;
		return c;
	}
	if (c < 0xe0) {
		*p += 2;
		return (c & 0x1f) << 6 | (s[1] & 0x3f);
	}
	if (c < 0xf0) {
		*p += 3;
		return (c & 0x0f) << 12 | (s[1] & 0x3f) << 6 | (s[2] & 0x3f);
	}
	*p += 4;
	return (c & 0x07) << 18 | (s[1] & 0x3f) << 12 | (s[2] & 0x3f) << 6 |
	       (s[3] & 0x3f);
}

/* Characters YAML allows unescaped inside double quotes (its printable
 * set, minus its line breaks NEL, LS, PS and the byte-order mark). */
static int printable(uint32_t c)
{
	if (c == 0x85 || c == 0x2028 || c == 0x2029 || c == 0xfeff)
		return 0;
	return (c >= 0x20 && c <= 0x7e) || (c >= 0xa0 && c <= 0xd7ff) ||
	       (c >= 0xe000 && c <= 0xfffd) || (c >= 0x10000 && c <= 0x10ffff);
}

static int utf8_ok(const char *s)
{
	return s && utf8_valid_prefix(s, strlen(s)) == strlen(s);
}

/* 1 when s can be written plain and reads back as the same string in
 * YAML 1.1 and 1.2: an ASCII word that is not a boolean or null. */
static int plain_ok(const char *s)
{
	static const char *const reserved[] = {
		"y",   "n",    "yes", "no",  "true",	 "false", "on",
		"off", "null", "nan", "inf", "infinity", NULL};
	const char *p;
	size_t i;

	if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
	      *s == '_'))
		return 0;
	for (p = s; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '_' || *p == '-' ||
		      *p == '.' || *p == '/'))
			return 0;
	for (i = 0; reserved[i]; i++)
		if (strcasecmp(s, reserved[i]) == 0)
			return 0;
	return 1;
}

/* s plain when safe, else double-quoted with YAML escapes. */
static void put_str(sbuf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	if (plain_ok(s)) {
		sb_puts(b, s);
		return;
	}
	sb_putc(b, '"');
	while (*p) {
		const unsigned char *start = p;
		uint32_t c = next_cp(&p);

		if (c == '"' || c == '\\') {
			sb_putc(b, '\\');
			sb_putc(b, (char)c);
		} else if (c == '\n') {
			sb_puts(b, "\\n");
		} else if (c == '\t') {
			sb_puts(b, "\\t");
		} else if (c == '\r') {
			sb_puts(b, "\\r");
		} else if (printable(c)) {
			sb_putn(b, (const char *)start, (size_t)(p - start));
		} else if (c < 0x100) {
			sb_printf(b, "\\x%02X", (unsigned)c);
		} else {
			sb_printf(b, "\\u%04X", (unsigned)c);
		}
	}
	sb_putc(b, '"');
}

/* A comment: printable characters only, on one line, up to the first
 * byte that is not UTF-8 (a reason cut short mid-character). */
static void put_comment(sbuf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	const unsigned char *end = p + utf8_valid_prefix(s, strlen(s));

	while (p < end) {
		const unsigned char *start = p;
		uint32_t c = next_cp(&p);

		if (printable(c))
			sb_putn(b, (const char *)start, (size_t)(p - start));
		else
			sb_putc(b, ' ');
	}
}

static void put_num(sbuf *b, double x)
{
	char t[40];
	size_t n = dmio_numfmt_double(x, t);

	sb_putn(b, t, n);
}

static void put_markers(sbuf *b, char *const *v, size_t n)
{
	size_t i;

	sb_putc(b, '[');
	for (i = 0; i < n; i++) {
		if (i)
			sb_puts(b, ", ");
		/* always quoted: a marker such as NA, -999 or null is text */
		if (plain_ok(v[i]))
			sb_printf(b, "\"%s\"", v[i]);
		else
			put_str(b, v[i]);
	}
	sb_putc(b, ']');
}

static void put_header(sbuf *b, const dm_spec *s)
{
	size_t i;

	sb_puts(b,
		"# driftmon monitoring spec (docs/spec-format.md)\n"
		"#\n"
		"# What each column of the model's data is (its role) and how "
		"its values\n"
		"# are read (its type); only role: feature columns count in "
		"the drift\n"
		"# verdict.  Written by `driftmon baseline --suggest-spec` "
		"from what it\n"
		"# inferred: check it, edit it, keep it in git, and build the "
		"baseline\n"
		"# with it:\n"
		"#\n"
		"#   driftmon baseline --model M --version V --spec FILE "
		"--input DATA...\n"
		"#\n"
		"# The baseline stores the spec, so the hourly `driftmon "
		"detect` follows\n"
		"# it with no extra flag.  A flag or an environment variable "
		"(such as\n"
		"# DRIFT_PSI_THRESHOLD) wins over the defaults below.\n"
		"#\n");
	sb_puts(b, "# Roles:");
	for (i = 0; i < DM_ROLE_COUNT_; i++)
		sb_printf(b, " %s", dm_role_name((dm_role)i));
	sb_puts(b, "\n# Types:");
	for (i = 1; i < DM_LTYPE_COUNT_; i++)
		sb_printf(b, " %s", dm_ltype_name((dm_ltype)i));
	sb_puts(b, "\n# Tests:");
	for (i = 0; test_names[i]; i++)
		sb_printf(b, " %s", test_names[i]);
	sb_printf(b, "\n\nversion: %u\n",
		  s->version ? s->version : DM_SPEC_FORMAT_VERSION);
	if (s->model) {
		sb_puts(b, "model: ");
		put_str(b, s->model);
		sb_putc(b, '\n');
	}
	if (s->model_version) {
		sb_puts(b, "model_version: ");
		put_str(b, s->model_version);
		sb_putc(b, '\n');
	}
}

/* One model default: the value when given, else a comment with the
 * built-in value. */
static void put_default(sbuf *b, const char *key, double v, double builtin,
			const char *what)
{
	char t[40];
	size_t n;

	if (!isnan(v)) {
		sb_printf(b, "  %s: ", key);
		put_num(b, v);
		sb_putc(b, '\n');
		return;
	}
	n = dmio_numfmt_double(builtin, t);
	t[n] = '\0';
	sb_printf(b, "  # %s: %s%*s built-in: %s\n", key, t,
		  (int)(24 - strlen(key) - n), "", what);
}

static void put_defaults(sbuf *b, const dm_spec *s)
{
	dm_detect_config d;

	dm_detect_config_init(&d);
	sb_puts(b, "\ndefaults:   # uncomment a line to set it\n");
	put_default(b, "psi_threshold", s->psi_threshold, d.psi_threshold,
		    "PSI above which drift is significant");
	put_default(b, "alpha", s->alpha, d.alpha,
		    "false-alarm level of the verdict");
	put_default(b, "critical_threshold", s->critical_threshold,
		    d.critical_threshold, "drift score of a CRITICAL alert");
	put_default(b, "min_samples",
		    s->has_min_samples ? (double)s->min_samples : NAN,
		    (double)d.min_samples, "fewer rows give no verdict");
	put_default(b, "min_performance_drop", s->min_performance_drop,
		    DM_SPEC_MIN_PERFORMANCE_DROP,
		    "smallest drop of a model metric that alerts");
	if (s->has_missing) {
		sb_puts(b, "  missing_values: ");
		put_markers(b, s->missing, s->nmissing);
		sb_putc(b, '\n');
	} else {
		sb_puts(b, "  # missing_values: [\"\", \"NA\"]  text read as "
			   "missing (replaces the built-in list)\n");
	}
}

static void put_column(sbuf *b, const dm_column_spec *cs)
{
	int any = cs->has_role || cs->has_type || cs->test ||
		  !isnan(cs->psi_threshold) || !isnan(cs->alpha) ||
		  !isnan(cs->min_effect) || !isnan(cs->importance) ||
		  cs->has_missing;

	sbuf key;

	/* YAML limits an implicit key to 1024 characters on one line: a
	 * longer one is written as an explicit key ("? name" then ": ") */
	sb_init(&key, 0);
	put_str(&key, cs->name);
	if (key.err) {
		b->err = key.err;
		sb_release(&key);
		return;
	}
	sb_puts(b, key.len > 1000 ? "  ? " : "  ");
	sb_putn(b, (const char *)key.p, key.len);
	sb_puts(b, key.len > 1000 ? "\n  :" : ":");
	if (!any)
		sb_puts(b, " {}");
	sb_release(&key);
	if (cs->comment && !cs->has_role) {
		sb_puts(b, "  # ");
		put_comment(b, cs->comment);
	}
	sb_putc(b, '\n');
	if (cs->has_role) {
		sb_printf(b, "    role: %s", dm_role_name(cs->role));
		if (cs->comment) {
			sb_printf(b, "%*s# ",
				  (int)(12 - strlen(dm_role_name(cs->role))),
				  "");
			put_comment(b, cs->comment);
		}
		sb_putc(b, '\n');
	}
	if (cs->has_type)
		sb_printf(b, "    type: %s\n", dm_ltype_name(cs->type));
	if (cs->test) {
		sb_puts(b, "    test: ");
		put_str(b, cs->test);
		sb_putc(b, '\n');
	}
#define PUT_NUM_FIELD(field)                                                   \
	if (!isnan(cs->field)) {                                               \
		sb_puts(b, "    " #field ": ");                                \
		put_num(b, cs->field);                                         \
		sb_putc(b, '\n');                                              \
	}
	PUT_NUM_FIELD(psi_threshold)
	PUT_NUM_FIELD(alpha)
	PUT_NUM_FIELD(min_effect)
	PUT_NUM_FIELD(importance)
#undef PUT_NUM_FIELD
	if (cs->has_missing) {
		sb_puts(b, "    missing_values: ");
		put_markers(b, cs->missing, cs->nmissing);
		sb_putc(b, '\n');
	}
}

static int spec_utf8_ok(const dm_spec *s)
{
	size_t i, j;

	if ((s->model && !utf8_ok(s->model)) ||
	    (s->model_version && !utf8_ok(s->model_version)))
		return 0;
	for (i = 0; i < s->nmissing; i++)
		if (!utf8_ok(s->missing[i]))
			return 0;
	for (i = 0; i < s->ncols; i++) {
		const dm_column_spec *cs = &s->cols[i];

		if (!utf8_ok(cs->name) || (cs->test && !utf8_ok(cs->test)))
			return 0;
		for (j = 0; j < cs->nmissing; j++)
			if (!utf8_ok(cs->missing[j]))
				return 0;
	}
	return 1;
}

dm_err dm_spec_to_yaml(const dm_spec *s, char **out, size_t *len)
{
	sbuf b;
	size_t i;

	*out = NULL;
	*len = 0;
	if (!spec_utf8_ok(s))
		return DM_EINVAL;
	sb_init(&b, 0);
	put_header(&b, s);
	put_defaults(&b, s);
	sb_puts(&b, "\ncolumns:");
	if (s->ncols == 0)
		sb_puts(&b, " {}");
	sb_putc(&b, '\n');
	for (i = 0; i < s->ncols; i++)
		put_column(&b, &s->cols[i]);
	return sb_finish(&b, out, len);
}

/* ------------------------------------------------------------------ */
/* From a baseline                                                     */
/* ------------------------------------------------------------------ */
static dm_err column_from_feature(const dm_feature *f, dm_column_spec *cs)
{
	char comment[200];

	cs->psi_threshold = cs->alpha = cs->min_effect = cs->importance = NAN;
	cs->name = strdup(f->name);
	if (!cs->name)
		return DM_ENOMEM;
	cs->has_role = 1;
	cs->role = f->role;
	cs->has_type = 1;
	cs->type = f->ltype;
	if (f->ltype == DM_LTYPE_UNKNOWN) {
		/* no logical type recorded: the analysed type */
		cs->has_type = f->type != DM_FEATURE_UNKNOWN;
		cs->type = f->type == DM_FEATURE_NUMERIC ? DM_LTYPE_NUMERIC
							 : DM_LTYPE_CATEGORICAL;
	}
	if (f->test[0] && strcmp(f->test, "auto") != 0 &&
	    !(cs->test = strdup(f->test)))
		return DM_ENOMEM;
	/* per-feature settings: only those that differ from "not set" (NaN,
	 * or 0 from a zeroed feature) and the default weight 1 */
	if (isfinite(f->psi_threshold) && f->psi_threshold != 0)
		cs->psi_threshold = f->psi_threshold;
	if (isfinite(f->min_effect) && f->min_effect != 0)
		cs->min_effect = f->min_effect;
	if (isfinite(f->importance) && f->importance != 1)
		cs->importance = f->importance;
	snprintf(comment, sizeof(comment), "%s%s%.*s",
		 dm_origin_name(f->origin), f->reason[0] ? ": " : "",
		 (int)sizeof(f->reason), f->reason);
	cs->comment = strdup(comment);
	return cs->comment ? DM_OK : DM_ENOMEM;
}

dm_err dm_spec_from_profile(const struct dm_profile *p, dm_spec *out)
{
	size_t i;
	dm_err err = DM_OK;

	dm_spec_init(out);
	if ((p->model && !(out->model = strdup(p->model))) ||
	    (p->model_version &&
	     !(out->model_version = strdup(p->model_version)))) {
		err = DM_ENOMEM;
		goto out;
	}
	if (p->nfeat) {
		out->cols = calloc(p->nfeat, sizeof(*out->cols));
		if (!out->cols) {
			err = DM_ENOMEM;
			goto out;
		}
	}
	for (i = 0; i < p->nfeat && err == DM_OK; i++) {
		out->ncols = i + 1;
		err = column_from_feature(&p->feat[i], &out->cols[i]);
	}
out:
	if (err != DM_OK) {
		dm_spec_release(out);
		dm_spec_init(out);
	}
	return err;
}
